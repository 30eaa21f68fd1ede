/* gst-ertmp: every limit of the protocol core, in one place
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each limit has a default (a macro, with its unit and where the number comes
 * from) and a field in ertmp_limits so that an application can lower it at
 * run time.  Every allocation driven by peer data is checked against one of
 * these first; exceeding one gives ERTMP_LIMIT and the element names the
 * limit with ertmp_limits_describe().
 */
#ifndef ERTMP_LIMITS_H
#define ERTMP_LIMITS_H

#include <glib.h>

G_BEGIN_DECLS

/* bytes; spec: the RTMP message length field is 24 bits (rtmp.md 3.5) */
#define ERTMP_LIMIT_MESSAGE_SIZE_MAX 0xFFFFFFu
/* bytes; ours: one message may use the whole range by default */
#define ERTMP_LIMIT_DEFAULT_MAX_MESSAGE_SIZE ERTMP_LIMIT_MESSAGE_SIZE_MAX
/* chunk streams; ours: real peers use fewer than 10 (rtmp.md 3.2) */
#define ERTMP_LIMIT_DEFAULT_MAX_CHUNK_STREAMS 64u
/* bytes; ours: payload held in partially received messages, all csids */
#define ERTMP_LIMIT_DEFAULT_MAX_REASSEMBLY_BYTES (64u * 1024u * 1024u)
/* nesting levels; ours (FFmpeg's flvdec uses 16): forged deep objects */
#define ERTMP_LIMIT_DEFAULT_AMF_MAX_DEPTH 32u
/* decoded values per message; ours: bounds the tree built from one message
 * (a 1-byte AMF null becomes a heap node) */
#define ERTMP_LIMIT_DEFAULT_AMF_MAX_VALUES (256u * 1024u)
/* bytes; ours: output queued in a session that the caller has not written;
 * a peer that never reads cannot grow it beyond this with replies */
#define ERTMP_LIMIT_DEFAULT_MAX_OUTPUT_BYTES (64u * 1024u * 1024u)
/* streams; ours: createStream calls honoured on one connection */
#define ERTMP_LIMIT_DEFAULT_MAX_STREAMS 8u
/* tracks; ours: trackId is a UI8 (ertmp.md 5), so a message that names each
 * track once holds at most 256; bounds the work one media message causes */
#define ERTMP_LIMIT_DEFAULT_MAX_TRACKS 256u
/* chunk size bounds; spec: Set Chunk Size is 1..0x7FFFFFFF (rtmp.md 3.6) */
#define ERTMP_LIMIT_CHUNK_SIZE_MIN 1u
#define ERTMP_LIMIT_CHUNK_SIZE_MAX 0x7FFFFFFFu
/* bytes, CRLF included; spec: the longest PROXY v1 line, "PROXY UNKNOWN"
 * with two IPv6 addresses and ports (proxy-protocol.txt 2.1) */
#define ERTMP_LIMIT_PROXY_V1_LINE_MAX 107u
/* bytes; ours: a whole PROXY v2 header, 16 fixed bytes + addresses + TLVs
 * (its length field allows 16 + 65535).  HAProxy's largest (IPv6, CRC32C,
 * a 128-byte unique ID, the SSL TLVs) is well under 1 KiB; the spec wants
 * a header to fit one 536-byte segment */
#define ERTMP_LIMIT_PROXY_HEADER_MAX 4096u
/* bytes; spec: the FLV tag DataSize field is 24 bits (flv.md 3) */
#define ERTMP_LIMIT_DEFAULT_MAX_FLV_TAG_SIZE 0xFFFFFFu
/* bytes; ours: after a broken tag header, an FLV reader gives up unless a
 * valid tag ends within this many bytes (room for a largest tag); also the
 * most a file header's DataOffset may skip */
#define ERTMP_LIMIT_DEFAULT_FLV_RESYNC_WINDOW (16u * 1024u * 1024u)

typedef enum
{
  ERTMP_LIMIT_NONE = 0,
  ERTMP_LIMIT_MAX_MESSAGE_SIZE,
  ERTMP_LIMIT_MAX_CHUNK_STREAMS,
  ERTMP_LIMIT_MAX_REASSEMBLY_BYTES,
  ERTMP_LIMIT_AMF_MAX_DEPTH,
  ERTMP_LIMIT_AMF_MAX_VALUES,
  ERTMP_LIMIT_MAX_OUTPUT_BYTES,
  ERTMP_LIMIT_MAX_STREAMS,
  ERTMP_LIMIT_MAX_TRACKS,
  ERTMP_LIMIT_MAX_FLV_TAG_SIZE,
  ERTMP_LIMIT_FLV_RESYNC_WINDOW,
  ERTMP_LIMIT_N_IDS,            /* count, not a limit */
} ertmp_limit_id;

typedef struct
{
  guint32 max_message_size;     /* bytes */
  guint32 max_chunk_streams;    /* chunk streams with state */
  guint32 max_reassembly_bytes; /* bytes */
  guint32 amf_max_depth;        /* nesting levels */
  guint32 amf_max_values;       /* values per decode */
  guint32 max_output_bytes;     /* bytes */
  guint32 max_streams;          /* message streams */
  guint32 max_flv_tag_size;     /* bytes */
  guint32 flv_resync_window;    /* bytes */
  guint32 max_tracks;           /* tracks per audio/video message */
} ertmp_limits;

/* Fills @limits with the defaults above. */
void ertmp_limits_init (ertmp_limits * limits);

/* Value of one limit in @limits. */
guint32 ertmp_limits_get (const ertmp_limits * limits, ertmp_limit_id id);

/* Human-readable name and unit, e.g. "maximum message size" / "bytes". */
const gchar *ertmp_limit_name (ertmp_limit_id id);
const gchar *ertmp_limit_unit (ertmp_limit_id id);

/* "maximum message size is 16777215 bytes" (newly allocated) */
gchar *ertmp_limits_describe (const ertmp_limits * limits, ertmp_limit_id id);

G_END_DECLS

#endif /* ERTMP_LIMITS_H */
