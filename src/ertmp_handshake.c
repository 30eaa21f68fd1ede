/* gst-ertmp: RTMP handshake, both roles (rtmp.md section 2)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Client: C0+C1 at creation (simple: version bytes zero), C2 = byte-for-byte
 * echo of S1 once S0+S1 are in, complete when S2 is read.
 *
 * Server: waits for C0+C1 and then queues S0+S1+S2 at once (FFmpeg reads S2
 * before it writes C2, rtmp.md 2.2).  A C1 without a valid Flash Player
 * digest gets the simple answer: S1 with zero version bytes, S2 = C1 echo.
 * A C1 carrying a digest gets the complex answer: S1 signed with the FMS key
 * at the client's scheme, S2 = random + signature derived from the C1 digest
 * (rtmp.md 2.3, 2.4).  Any C2 is accepted; info.echo_ok says whether it
 * matched.
 */
#include "ertmp_handshake.h"
#include "ertmp_bytes.h"

#include <string.h>

#define PACKET ERTMP_HANDSHAKE_PACKET_SIZE
#define DIGEST ERTMP_HANDSHAKE_DIGEST_SIZE
/* complex C2 / S2: random bytes, then the signature */
#define SIGNED_PART (PACKET - DIGEST)
/* the client (Flash Player) and server (FMS) keys: the ASCII name is the
 * part used for C1 / S1 digests, the whole key derives C2 / S2 signatures */
#define FP_KEY_NAME_LEN 30u
#define FMS_KEY_NAME_LEN 36u

static const guint8 fp_key[62] = {
  'G', 'e', 'n', 'u', 'i', 'n', 'e', ' ', 'A', 'd', 'o', 'b', 'e', ' ',
  'F', 'l', 'a', 's', 'h', ' ', 'P', 'l', 'a', 'y', 'e', 'r', ' ',
  '0', '0', '1',
  0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8,
  0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
  0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB,
  0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
};

static const guint8 fms_key[68] = {
  'G', 'e', 'n', 'u', 'i', 'n', 'e', ' ', 'A', 'd', 'o', 'b', 'e', ' ',
  'F', 'l', 'a', 's', 'h', ' ', 'M', 'e', 'd', 'i', 'a', ' ',
  'S', 'e', 'r', 'v', 'e', 'r', ' ', '0', '0', '1',
  0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8,
  0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
  0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB,
  0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
};

/* the version we put in a complex S1 (rtmp.md 2.4: any non-zero value) */
static const guint8 server_flash_version[4] = { 0x04, 0x05, 0x00, 0x01 };

typedef enum
{
  STATE_READ_VERSION,           /* C0 / S0 */
  STATE_READ_PACKET1,           /* C1 / S1 */
  STATE_READ_PACKET2,           /* C2 / S2 */
  STATE_DONE,
  STATE_FAILED,
} hs_state;

struct _ertmp_handshake
{
  ertmp_handshake_role role;
  hs_state state;
  ertmp_result error;           /* STATE_FAILED: what receive returns */
  guint32 time_ms;
  GRand *rand;
  guint8 own[PACKET];           /* our C1 / S1 */
  guint8 own_digest[DIGEST];    /* digest in our S1 (complex server) */
  guint8 in[PACKET];            /* the peer packet being assembled */
  gsize in_len;
  GByteArray *out;
  gsize out_pos;
  ertmp_handshake_info info;
};

/* ---- digest building blocks ---------------------------------------- */

static void
hmac_sha256 (const guint8 * key, gsize key_len, const guint8 * a,
    gsize a_len, const guint8 * b, gsize b_len, guint8 out[DIGEST])
{
  GHmac *hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  gsize out_len = DIGEST;

  g_hmac_update (hmac, a, (gssize) a_len);
  if (b_len > 0)
    g_hmac_update (hmac, b, (gssize) b_len);
  g_hmac_get_digest (hmac, out, &out_len);
  g_hmac_unref (hmac);
  g_assert (out_len == DIGEST);
}

guint
ertmp_handshake_digest_offset (const guint8 * packet, guint scheme)
{
  /* scheme 0: sum of bytes 8..11; scheme 1: sum of bytes 772..775 */
  guint base = scheme == 0 ? 8 : 772;
  guint sum;

  g_return_val_if_fail (packet != NULL, 0);
  g_return_val_if_fail (scheme <= 1, 0);

  sum = (guint) packet[base] + packet[base + 1] + packet[base + 2] +
      packet[base + 3];
  return sum % 728 + base + 4;
}

void
ertmp_handshake_packet_digest (const guint8 * packet, guint offset,
    const guint8 * key, gsize key_len, guint8 digest[32])
{
  g_return_if_fail (packet != NULL && key != NULL && digest != NULL);
  g_return_if_fail (offset <= PACKET - DIGEST);

  hmac_sha256 (key, key_len, packet, offset, packet + offset + DIGEST,
      PACKET - offset - DIGEST, digest);
}

gboolean
ertmp_handshake_validate (const guint8 * packet, guint scheme,
    gboolean server_key)
{
  guint8 digest[DIGEST];
  guint offset;

  g_return_val_if_fail (packet != NULL, FALSE);
  g_return_val_if_fail (scheme <= 1, FALSE);

  offset = ertmp_handshake_digest_offset (packet, scheme);
  if (server_key)
    ertmp_handshake_packet_digest (packet, offset, fms_key,
        FMS_KEY_NAME_LEN, digest);
  else
    ertmp_handshake_packet_digest (packet, offset, fp_key,
        FP_KEY_NAME_LEN, digest);
  return memcmp (digest, packet + offset, DIGEST) == 0;
}

void
ertmp_handshake_signature_key (const guint8 peer_digest[32],
    gboolean server_key, guint8 key[32])
{
  g_return_if_fail (peer_digest != NULL && key != NULL);

  if (server_key)
    hmac_sha256 (fms_key, sizeof (fms_key), peer_digest, DIGEST, NULL, 0,
        key);
  else
    hmac_sha256 (fp_key, sizeof (fp_key), peer_digest, DIGEST, NULL, 0, key);
}

void
ertmp_handshake_signature (const guint8 * packet,
    const guint8 peer_digest[32], gboolean server_key, guint8 sig[32])
{
  guint8 key[DIGEST];

  g_return_if_fail (packet != NULL && peer_digest != NULL && sig != NULL);

  ertmp_handshake_signature_key (peer_digest, server_key, key);
  hmac_sha256 (key, DIGEST, packet, SIGNED_PART, NULL, 0, sig);
}

/* ---- packets ------------------------------------------------------- */

/* the same bytes for the same seed on every host */
static void
fill_random (GRand * rand, guint8 * p, gsize len)
{
  guint32 v = 0;
  gsize i;

  for (i = 0; i < len; i++) {
    if (i % 4 == 0)
      v = g_rand_int (rand);
    p[i] = (guint8) (v >> (8 * (i % 4)));
  }
}

static void
put_u32 (guint8 * p, guint32 v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

/* time + version + random; version NULL = four zero bytes */
static void
build_packet1 (ertmp_handshake * hs, const guint8 * version)
{
  put_u32 (hs->own, hs->time_ms);
  if (version)
    memcpy (hs->own + 4, version, 4);
  else
    memset (hs->own + 4, 0, 4);
  fill_random (hs->rand, hs->own + 8, PACKET - 8);
}

/* rtmp.md 2.1: 0-2 obsolete and 4-31 reserved are answered as 3; 6, 8 and
 * 9 are RTMPE, which we refuse; 32-255 cannot be RTMP */
static ertmp_result
check_version (guint8 version)
{
  if (version >= 32)
    return ERTMP_MALFORMED;
  if (version == 6 || version == 8 || version == 9)
    return ERTMP_UNSUPPORTED;
  return ERTMP_OK;
}

/* How the peer's C1 / S1 is signed (scheme 0 first, as FFmpeg signs C1) */
static ertmp_handshake_kind
detect_kind (const guint8 * packet, gboolean server_key)
{
  static const guint8 zero[4] = { 0, 0, 0, 0 };

  if (memcmp (packet + 4, zero, 4) == 0)
    return ERTMP_HANDSHAKE_SIMPLE;
  if (ertmp_handshake_validate (packet, 0, server_key))
    return ERTMP_HANDSHAKE_DIGEST_SCHEME_0;
  if (ertmp_handshake_validate (packet, 1, server_key))
    return ERTMP_HANDSHAKE_DIGEST_SCHEME_1;
  return ERTMP_HANDSHAKE_SIMPLE;
}

/* C2 / S2 echoes our packet: time and random must match, time2 is free */
static gboolean
is_echo (const guint8 * echo, const guint8 * own)
{
  return memcmp (echo, own, 4) == 0 &&
      memcmp (echo + 8, own + 8, PACKET - 8) == 0;
}

/* Server: S0+S1+S2 answering the C1 in hs->in */
static void
server_answer (ertmp_handshake * hs)
{
  ertmp_handshake_kind kind = hs->info.peer_kind;
  guint8 s2[PACKET];

  ertmp_put_u8 (hs->out, ERTMP_HANDSHAKE_VERSION);

  if (kind == ERTMP_HANDSHAKE_SIMPLE) {
    build_packet1 (hs, NULL);
    memcpy (s2, hs->in, PACKET);
  } else {
    guint scheme = kind == ERTMP_HANDSHAKE_DIGEST_SCHEME_0 ? 0 : 1;
    guint c1_off = ertmp_handshake_digest_offset (hs->in, scheme);
    guint s1_off;

    build_packet1 (hs, server_flash_version);
    s1_off = ertmp_handshake_digest_offset (hs->own, scheme);
    ertmp_handshake_packet_digest (hs->own, s1_off, fms_key,
        FMS_KEY_NAME_LEN, hs->own_digest);
    memcpy (hs->own + s1_off, hs->own_digest, DIGEST);

    fill_random (hs->rand, s2, SIGNED_PART);
    ertmp_handshake_signature (s2, hs->in + c1_off, TRUE, s2 + SIGNED_PART);
  }
  g_byte_array_append (hs->out, hs->own, PACKET);
  g_byte_array_append (hs->out, s2, PACKET);
}

static void
read_packet1 (ertmp_handshake * hs)
{
  gboolean server = hs->role == ERTMP_HANDSHAKE_SERVER;

  hs->info.peer_time = ((guint32) hs->in[0] << 24) |
      ((guint32) hs->in[1] << 16) | ((guint32) hs->in[2] << 8) | hs->in[3];
  memcpy (hs->info.peer_flash_version, hs->in + 4, 4);
  /* a server checks C1 with the client key, a client S1 with the server's */
  hs->info.peer_kind = detect_kind (hs->in, !server);

  if (server)
    server_answer (hs);
  else
    g_byte_array_append (hs->out, hs->in, PACKET);     /* C2 = S1 echo */
}

static void
read_packet2 (ertmp_handshake * hs)
{
  guint8 sig[DIGEST];

  hs->info.echo_ok = is_echo (hs->in, hs->own);
  if (hs->info.echo_ok || hs->role != ERTMP_HANDSHAKE_SERVER ||
      hs->info.peer_kind == ERTMP_HANDSHAKE_SIMPLE)
    return;
  /* complex C2: signed with a key derived from our S1 digest */
  ertmp_handshake_signature (hs->in, hs->own_digest, FALSE, sig);
  hs->info.echo_ok = memcmp (sig, hs->in + SIGNED_PART, DIGEST) == 0;
}

/* Moves input into hs->in; TRUE once a whole packet is there */
static gboolean
gather (ertmp_handshake * hs, const guint8 * data, gsize len, gsize * pos)
{
  gsize n = MIN (PACKET - hs->in_len, len - *pos);

  memcpy (hs->in + hs->in_len, data + *pos, n);
  hs->in_len += n;
  *pos += n;
  return hs->in_len == PACKET;
}

ertmp_result
ertmp_handshake_receive (ertmp_handshake * hs, const guint8 * data,
    gsize len, gsize * consumed)
{
  ertmp_result res = ERTMP_NEED_MORE;
  gsize pos = 0;

  g_return_val_if_fail (consumed != NULL, ERTMP_STATE);
  *consumed = 0;
  g_return_val_if_fail (hs != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);

  while (res == ERTMP_NEED_MORE) {
    switch (hs->state) {
      case STATE_READ_VERSION:
        if (pos == len)
          goto out;
        /* kept on refusal too, for the error message */
        hs->info.peer_version = data[pos];
        hs->error = check_version (data[pos]);
        if (hs->error != ERTMP_OK) {
          hs->state = STATE_FAILED;
          break;
        }
        pos++;
        hs->state = STATE_READ_PACKET1;
        break;
      case STATE_READ_PACKET1:
        if (!gather (hs, data, len, &pos))
          goto out;
        read_packet1 (hs);
        hs->in_len = 0;
        hs->state = STATE_READ_PACKET2;
        break;
      case STATE_READ_PACKET2:
        if (!gather (hs, data, len, &pos))
          goto out;
        read_packet2 (hs);
        hs->state = STATE_DONE;
        break;
      case STATE_DONE:
        res = ERTMP_OK;
        break;
      case STATE_FAILED:
        res = hs->error;
        break;
    }
  }

out:
  *consumed = pos;
  return res;
}

ertmp_handshake *
ertmp_handshake_new (ertmp_handshake_role role, guint32 time_ms, guint32 seed)
{
  ertmp_handshake *hs = g_new0 (ertmp_handshake, 1);

  hs->role = role;
  hs->state = STATE_READ_VERSION;
  hs->time_ms = time_ms;
  hs->rand = g_rand_new_with_seed (seed);
  hs->out = g_byte_array_sized_new (1 + 2 * PACKET);
  hs->info.peer_kind = ERTMP_HANDSHAKE_SIMPLE;

  if (role == ERTMP_HANDSHAKE_CLIENT) {
    build_packet1 (hs, NULL);
    ertmp_put_u8 (hs->out, ERTMP_HANDSHAKE_VERSION);
    g_byte_array_append (hs->out, hs->own, PACKET);
  }
  return hs;
}

void
ertmp_handshake_free (ertmp_handshake * hs)
{
  if (!hs)
    return;
  g_rand_free (hs->rand);
  g_byte_array_unref (hs->out);
  g_free (hs);
}

const guint8 *
ertmp_handshake_pending_output (ertmp_handshake * hs, gsize * len)
{
  g_return_val_if_fail (len != NULL, NULL);
  *len = 0;
  g_return_val_if_fail (hs != NULL, NULL);

  if (hs->out_pos == hs->out->len)
    return NULL;
  *len = hs->out->len - hs->out_pos;
  return hs->out->data + hs->out_pos;
}

void
ertmp_handshake_output_written (ertmp_handshake * hs, gsize n)
{
  g_return_if_fail (hs != NULL);
  g_return_if_fail (n <= hs->out->len - hs->out_pos);

  hs->out_pos += n;
  if (hs->out_pos == hs->out->len) {
    g_byte_array_set_size (hs->out, 0);
    hs->out_pos = 0;
  }
}

gboolean
ertmp_handshake_is_complete (const ertmp_handshake * hs)
{
  g_return_val_if_fail (hs != NULL, FALSE);
  return hs->state == STATE_DONE;
}

const ertmp_handshake_info *
ertmp_handshake_get_info (const ertmp_handshake * hs)
{
  g_return_val_if_fail (hs != NULL, NULL);
  return &hs->info;
}
