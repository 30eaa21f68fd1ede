/* gst-ertmp: RTMP handshake, both roles (rtmp.md section 2)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Client: simple handshake (C1 version bytes zero).  Server: answers simple
 * and digest (Flash Player 9 scheme 0 and 1, HMAC-SHA256 via GLib) clients,
 * sending S0+S1+S2 in one go as soon as C0+C1 are in; accepts any C2.
 * Sans-I/O: feed bytes with receive, send what pending_output returns.
 */
#ifndef ERTMP_HANDSHAKE_H
#define ERTMP_HANDSHAKE_H

#include <glib.h>
#include "ertmp_result.h"

G_BEGIN_DECLS

#define ERTMP_HANDSHAKE_VERSION 3u
#define ERTMP_HANDSHAKE_PACKET_SIZE 1536u
#define ERTMP_HANDSHAKE_DIGEST_SIZE 32u

typedef enum
{
  ERTMP_HANDSHAKE_CLIENT,
  ERTMP_HANDSHAKE_SERVER,
} ertmp_handshake_role;

typedef enum
{
  ERTMP_HANDSHAKE_SIMPLE,
  ERTMP_HANDSHAKE_DIGEST_SCHEME_0,
  ERTMP_HANDSHAKE_DIGEST_SCHEME_1,
} ertmp_handshake_kind;

/* What the handshake learnt about the peer (valid once complete) */
typedef struct
{
  guint8 peer_version;          /* C0 / S0 (also set when refused) */
  guint32 peer_time;            /* C1 / S1 time field */
  guint8 peer_flash_version[4]; /* C1 / S1 bytes 4..7 */
  ertmp_handshake_kind peer_kind;       /* how C1 (server) or S1 (client)
                                         * was signed */
  gboolean echo_ok;             /* the peer's C2 / S2 echoed our packet, or
                                 * carried a valid digest signature */
} ertmp_handshake_info;

typedef struct _ertmp_handshake ertmp_handshake;

/* @time_ms goes in our C1/S1 time field; @seed seeds the random bytes (the
 * core reads no clock and no entropy of its own). A client has C0+C1 ready
 * in its output at once. */
ertmp_handshake *ertmp_handshake_new (ertmp_handshake_role role,
    guint32 time_ms, guint32 seed);
void ertmp_handshake_free (ertmp_handshake * hs);

/* Consumes handshake bytes.  *consumed is always set; bytes after the
 * handshake are not consumed (they are the first chunks).
 *  OK: the handshake is complete (output may still be pending);
 *  NEED_MORE: feed more; UNSUPPORTED: RTMPE (C0 6, 8, 9) or another
 *  version we refuse; MALFORMED: version 32..255 (not RTMP at all). */
ertmp_result ertmp_handshake_receive (ertmp_handshake * hs,
    const guint8 * data, gsize len, gsize * consumed);

/* Bytes to send, or NULL with *len = 0.  View valid until the next call. */
const guint8 *ertmp_handshake_pending_output (ertmp_handshake * hs,
    gsize * len);
void ertmp_handshake_output_written (ertmp_handshake * hs, gsize n);

gboolean ertmp_handshake_is_complete (const ertmp_handshake * hs);
const ertmp_handshake_info *ertmp_handshake_get_info (const ertmp_handshake
    * hs);

/* Building blocks, exposed for known-answer tests (test-vectors.md 1.2-1.3).
 * @packet is a 1536-byte C1 or S1. */
guint ertmp_handshake_digest_offset (const guint8 * packet, guint scheme);
/* HMAC-SHA256 over the packet minus the 32 digest bytes at @offset */
void ertmp_handshake_packet_digest (const guint8 * packet, guint offset,
    const guint8 * key, gsize key_len, guint8 digest[32]);
/* TRUE when a digest made with the 30-byte client key (or 36-byte server
 * key when @server_key) sits at @scheme's offset. */
gboolean ertmp_handshake_validate (const guint8 * packet, guint scheme,
    gboolean server_key);
/* Complex C2 / S2 signing (rtmp.md 2.3): the key is HMAC-SHA256 of the
 * peer's C1 / S1 digest under the whole 68-byte server key (@server_key, for
 * S2) or 62-byte client key (for C2); the signature is HMAC-SHA256 under that
 * key of @packet[0..1504), and belongs at @packet[1504..1536). */
void ertmp_handshake_signature_key (const guint8 peer_digest[32],
    gboolean server_key, guint8 key[32]);
void ertmp_handshake_signature (const guint8 * packet,
    const guint8 peer_digest[32], gboolean server_key, guint8 sig[32]);

G_END_DECLS

#endif /* ERTMP_HANDSHAKE_H */
