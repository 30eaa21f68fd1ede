/* gst-ertmp: RTMP chunk stream reader (reassembly) and writer (chunker)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtmp.md section 3.  Sans-I/O: the reader is fed whatever bytes arrived and
 * returns one complete message at a time; the writer appends chunks to a
 * GByteArray.  Protocol control messages are not interpreted here: the
 * caller (the session) applies Set Chunk Size and Abort through the setters
 * below, which take effect from the next chunk on.
 */
#ifndef ERTMP_CHUNK_H
#define ERTMP_CHUNK_H

#include <glib.h>
#include "ertmp_result.h"
#include "ertmp_limits.h"

G_BEGIN_DECLS

#define ERTMP_CHUNK_SIZE_DEFAULT 128u
#define ERTMP_CHUNK_CSID_MIN 2u
#define ERTMP_CHUNK_CSID_MAX 65599u
#define ERTMP_CHUNK_CSID_CONTROL 2u

/* 24-bit timestamp field value announcing the 4-byte extended field */
#define ERTMP_CHUNK_TS_EXTENDED 0xFFFFFFu
#define ERTMP_CHUNK_EXT_TS_SIZE 4u
/* a chunk never carries more than a message: larger sizes act as this */
#define ERTMP_CHUNK_SIZE_EFFECTIVE_MAX 0xFFFFFFu
/* largest chunk header: 3-byte basic + fmt 0 + extended timestamp */
#define ERTMP_CHUNK_HEADER_MAX (3u + 11u + ERTMP_CHUNK_EXT_TS_SIZE)

#define ERTMP_CHUNK_FMT_0 0u          /* 11-byte header: absolute timestamp */
#define ERTMP_CHUNK_FMT_1 1u          /* 7 bytes: delta, length, type */
#define ERTMP_CHUNK_FMT_2 2u          /* 3 bytes: delta */
#define ERTMP_CHUNK_FMT_3 3u          /* 0 bytes */

/* One reassembled message.  @payload is a view valid until the next call on
 * the reader that produced it. */
typedef struct
{
  guint32 csid;
  guint8 type_id;
  guint32 msid;
  guint32 timestamp;            /* 32-bit wire value, deltas added mod 2^32 */
  const guint8 *payload;
  gsize len;
} ertmp_chunk_message;

typedef struct _ertmp_chunk_reader ertmp_chunk_reader;

/* @limits is copied; NULL means the defaults. */
ertmp_chunk_reader *ertmp_chunk_reader_new (const ertmp_limits * limits);
void ertmp_chunk_reader_free (ertmp_chunk_reader * r);
/* Replaces the limits (copied) for what is read from now on: a server
 * raises them once a publisher was accepted.  A limit lowered below what
 * is already held applies to the next allocation. */
void ertmp_chunk_reader_set_limits (ertmp_chunk_reader * r,
    const ertmp_limits * limits);

/* Peer's Set Chunk Size (1..0x7FFFFFFF; anything else is MALFORMED and
 * changes nothing).  Values above 0xFFFFFF behave like 0xFFFFFF. */
ertmp_result ertmp_chunk_reader_set_chunk_size (ertmp_chunk_reader * r,
    guint32 size);
guint32 ertmp_chunk_reader_get_chunk_size (const ertmp_chunk_reader * r);

/* Peer's Abort Message: drops the partial message on @csid (unknown csid:
 * nothing happens). */
void ertmp_chunk_reader_abort (ertmp_chunk_reader * r, guint32 csid);

/* Consumes bytes from @data until one message is complete or the input is
 * used up.  *consumed is always set.
 *  OK: *msg holds the message; call again with the rest of the input.
 *  NEED_MORE: all input consumed (buffered), no message complete yet.
 *  MALFORMED: e.g. fmt 1-3 on a chunk stream never started, a message
 *   length above the protocol maximum; LIMIT: see ertmp_chunk_reader_limit_hit.
 *  After an error the reader is unusable (the connection must close). */
ertmp_result ertmp_chunk_reader_read (ertmp_chunk_reader * r,
    const guint8 * data, gsize len, gsize * consumed,
    ertmp_chunk_message * msg);

/* Takes the payload of the message last returned, as a GBytes (transfer
 * full), without copying when it was reassembled in the reader's own buffer
 * (a copy is made when the payload still points into the caller's input).
 * Valid once, before the next read. */
GBytes *ertmp_chunk_reader_take_payload (ertmp_chunk_reader * r);

ertmp_limit_id ertmp_chunk_reader_limit_hit (const ertmp_chunk_reader * r);
/* Chunk streams with state, and payload bytes held in partial messages. */
guint ertmp_chunk_reader_n_streams (const ertmp_chunk_reader * r);
gsize ertmp_chunk_reader_buffered_bytes (const ertmp_chunk_reader * r);

typedef struct _ertmp_chunk_writer ertmp_chunk_writer;

ertmp_chunk_writer *ertmp_chunk_writer_new (void);
void ertmp_chunk_writer_free (ertmp_chunk_writer * w);

/* Our outgoing chunk size; the caller sends the Set Chunk Size message
 * itself, before calling this.  1..0x7FFFFFFF, else STATE. */
ertmp_result ertmp_chunk_writer_set_chunk_size (ertmp_chunk_writer * w,
    guint32 size);
guint32 ertmp_chunk_writer_get_chunk_size (const ertmp_chunk_writer * w);

/* Appends one message as chunks to @out.  Header compression per rtmp.md
 * 3.5 "writer policy": fmt 0 for the first message on a csid, when the msid
 * changes or time goes backwards; fmt 1/2 otherwise (fmt 2 when length and
 * type repeat); fmt 3 for continuation chunks, which repeat the extended
 * timestamp when the header used it.  @len must be <= 0xFFFFFF (STATE
 * otherwise); @csid 2..65599. */
ertmp_result ertmp_chunk_writer_write (ertmp_chunk_writer * w,
    GByteArray * out, guint32 csid, guint8 type_id, guint32 msid,
    guint32 timestamp, const guint8 * payload, gsize len);
/* The peer's state of @csid is no longer what this writer last wrote
 * there (someone else wrote standalone chunks on it): its next message
 * starts with a fmt 0 header. */
void ertmp_chunk_writer_forget (ertmp_chunk_writer * w, guint32 csid);

/* Appends one message as chunks that need no chunk stream state: a fmt 0
 * header, then fmt 3 continuations (repeating the extended timestamp).
 * The same bytes suit every connection sending @chunk_size chunks
 * (1..0x7FFFFFFF, else STATE) with this csid and msid: a fan-out chunks
 * each message once per chunk size.  Same limits as _write. */
ertmp_result ertmp_chunk_write_standalone (GByteArray * out,
    guint32 chunk_size, guint32 csid, guint8 type_id, guint32 msid,
    guint32 timestamp, const guint8 * payload, gsize len);

G_END_DECLS

#endif /* ERTMP_CHUNK_H */
