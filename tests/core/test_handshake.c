/* gst-ertmp: tests for the RTMP handshake (rtmp.md 2, test-vectors.md 1)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test_util.h"
#include "ertmp_handshake.h"

#define PACKET ERTMP_HANDSHAKE_PACKET_SIZE
#define DIGEST ERTMP_HANDSHAKE_DIGEST_SIZE

/* the ASCII parts of the keys, used for C1 (30 bytes) and S1 (36 bytes) */
#define FP_KEY_NAME "Genuine Adobe Flash Player 001"
#define FMS_KEY_NAME "Genuine Adobe Flash Media Server 001"

/* ---- helpers ------------------------------------------------------- */

/* test-vectors.md 1.2 and 1.3 packets: time 0, @version, p[i] = i * @mul */
static void
make_pattern (guint8 p[PACKET], const gchar * version, guint mul)
{
  guint i;

  memset (p, 0, 4);
  memcpy (p + 4, version, 4);
  for (i = 8; i < PACKET; i++)
    p[i] = (guint8) ((i * mul) & 0xFF);
}

/* 1.2: C1 with version 9.0.124.2, C1[i] = i & 0xFF */
#define make_vector_c1(p) make_pattern ((p), "\x09\x00\x7c\x02", 1)
/* 1.3: S1 with version 4.5.0.1, S1[i] = (i * 7) & 0xFF */
#define make_vector_s1(p) make_pattern ((p), "\x04\x05\x00\x01", 7)

/* Inserts the digest at @scheme's offset; returns the offset */
static guint
sign_packet (guint8 * p, guint scheme, gboolean server_key)
{
  const gchar *key = server_key ? FMS_KEY_NAME : FP_KEY_NAME;
  guint off = ertmp_handshake_digest_offset (p, scheme);
  guint8 digest[DIGEST];

  ertmp_handshake_packet_digest (p, off, (const guint8 *) key,
      strlen (key), digest);
  memcpy (p + off, digest, DIGEST);
  return off;
}

/* Feeds @data in two calls split at @split; checks each call consumed all
 * of its part and returns the result of the last call. */
static ertmp_result
feed_split (ertmp_handshake * hs, const guint8 * data, gsize len, gsize split)
{
  ertmp_result res;
  gsize consumed;

  split = MIN (split, len);
  res = ertmp_handshake_receive (hs, data, split, &consumed);
  ck_assert_uint_eq (consumed, split);
  if (split == len)
    return res;
  ck_assert_int_eq (res, ERTMP_NEED_MORE);
  res = ertmp_handshake_receive (hs, data + split, len - split, &consumed);
  ck_assert_uint_eq (consumed, len - split);
  return res;
}

/* Moves everything @from has to send into @to, split at @split */
static ertmp_result
transfer (ertmp_handshake * from, ertmp_handshake * to, gsize split)
{
  gsize len;
  const guint8 *out = ertmp_handshake_pending_output (from, &len);
  ertmp_result res;

  ck_assert_ptr_nonnull (out);
  res = feed_split (to, out, len, split);
  ertmp_handshake_output_written (from, len);
  return res;
}

/* Server fed C0 + @c1: returns a copy of S0+S1+S2 (3073 bytes) */
static guint8 *
server_answer (ertmp_handshake * server, guint8 c0, const guint8 * c1)
{
  gsize len, consumed;
  const guint8 *out;
  guint8 *copy;

  ck_assert_int_eq (ertmp_handshake_receive (server, &c0, 1, &consumed),
      ERTMP_NEED_MORE);
  ck_assert_int_eq (ertmp_handshake_receive (server, c1, PACKET, &consumed),
      ERTMP_NEED_MORE);
  ck_assert_uint_eq (consumed, PACKET);
  out = ertmp_handshake_pending_output (server, &len);
  ck_assert_uint_eq (len, 1 + 2 * PACKET);
  copy = g_memdup2 (out, len);
  ertmp_handshake_output_written (server, len);
  return copy;
}

/* ---- known answers (test-vectors.md 1.2 - 1.4) --------------------- */

START_TEST (test_vector_1_2_c1_scheme0)
{
  /* test-vectors.md 1.2: C1 bytes 0..95 after the digest insertion */
  GByteArray *expect = test_hex (
      "00 00 00 00"             /* time */
      "09 00 7c 02"             /* version 9.0.124.2 */
      "08 09 0a 0b"             /* offset bytes: 38 % 728 + 12 = 50 */
      "0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f"
      "20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31"
      "84 7b 0a 67 b0 5f c6 62 26 12 7c d0 92 33 7f 2f"   /* digest */
      "9d 21 50 34 0f 81 ea fd e5 b4 09 88 a4 0a 60 b8"
      "52 53 54 55 56 57 58 59 5a 5b 5c 5d 5e 5f");     /* i & 0xFF */
  guint8 c1[PACKET];

  make_vector_c1 (c1);
  ck_assert_uint_eq (ertmp_handshake_digest_offset (c1, 0), 50);
  ck_assert_uint_eq (sign_packet (c1, 0, FALSE), 50);
  ck_assert_bytes_eq (c1, 96, expect->data, expect->len);

  ck_assert (ertmp_handshake_validate (c1, 0, FALSE));
  ck_assert (!ertmp_handshake_validate (c1, 1, FALSE));
  ck_assert (!ertmp_handshake_validate (c1, 0, TRUE));
  c1[60] ^= 0x01;               /* one digest bit flipped */
  ck_assert (!ertmp_handshake_validate (c1, 0, FALSE));
  c1[60] ^= 0x01;
  c1[1000] ^= 0x80;             /* one signed byte flipped */
  ck_assert (!ertmp_handshake_validate (c1, 0, FALSE));
  g_byte_array_unref (expect);
}
END_TEST

START_TEST (test_vector_1_3_s1_scheme1)
{
  /* test-vectors.md 1.3: S1 digest with FMS_KEY[0..36) at offset 930 */
  GByteArray *expect = test_hex (
      "22 5e 9a e8 8f aa 2a cc 71 13 31 bd 7e d5 a0 6b"
      "fd e8 3d bc 4a 95 37 9a 73 7c af 81 c8 16 8c fb");
  guint8 s1[PACKET];

  make_vector_s1 (s1);
  ck_assert_uint_eq (ertmp_handshake_digest_offset (s1, 1), 930);
  ck_assert_uint_eq (sign_packet (s1, 1, TRUE), 930);
  ck_assert_bytes_eq (s1 + 930, DIGEST, expect->data, expect->len);
  ck_assert (ertmp_handshake_validate (s1, 1, TRUE));
  ck_assert (!ertmp_handshake_validate (s1, 0, TRUE));
  ck_assert (!ertmp_handshake_validate (s1, 1, FALSE));
  g_byte_array_unref (expect);
}
END_TEST

START_TEST (test_vector_1_3_s2_signature)
{
  /* test-vectors.md 1.3: S2 answering the C1 of 1.2 */
  GByteArray *key_expect = test_hex (
      /* HMAC-SHA256(FMS_KEY all 68 bytes, C1 digest) */
      "fe c8 45 ab 2b 31 54 a2 13 11 bf 4f 54 d8 05 43"
      "57 79 43 5b fa 77 8d 23 d7 b4 94 5d 31 ca 53 2b");
  GByteArray *sig_expect = test_hex (
      /* HMAC-SHA256(key, S2[0..1504)), S2[1504..1536) */
      "9e 1e d0 a8 e3 03 0b 4c 41 8b 97 fd 60 25 fe 09"
      "5d c9 f4 de c7 e8 3e e2 32 09 92 8d 79 97 98 d3");
  guint8 c1[PACKET], s2[PACKET], key[DIGEST], sig[DIGEST];
  guint i, off;

  make_vector_c1 (c1);
  off = sign_packet (c1, 0, FALSE);
  for (i = 0; i < PACKET - DIGEST; i++)
    s2[i] = (guint8) ((i * 3) & 0xFF);

  ertmp_handshake_signature_key (c1 + off, TRUE, key);
  ck_assert_bytes_eq (key, DIGEST, key_expect->data, key_expect->len);
  ertmp_handshake_signature (s2, c1 + off, TRUE, sig);
  ck_assert_bytes_eq (sig, DIGEST, sig_expect->data, sig_expect->len);
  g_byte_array_unref (key_expect);
  g_byte_array_unref (sig_expect);
}
END_TEST

START_TEST (test_vector_1_3_c2_signature)
{
  /* test-vectors.md 1.3: C2 answering the S1 above */
  GByteArray *key_expect = test_hex (
      /* HMAC-SHA256(FP_KEY all 62 bytes, S1 digest) */
      "3b fc bc e7 15 b3 1a 38 29 35 03 3a 10 ca 19 2b"
      "b0 4a ca 1e 41 cb e5 17 a8 2a b1 ae 10 3f 03 bd");
  GByteArray *sig_expect = test_hex (
      /* HMAC-SHA256(key, C2[0..1504)), C2[1504..1536) */
      "44 b9 25 03 4b ad 99 55 d8 bc c8 57 f1 87 58 c0"
      "d9 82 3b 0e 46 b5 d7 77 8c 28 bb 42 5e 63 6a 35");
  guint8 s1[PACKET], c2[PACKET], key[DIGEST], sig[DIGEST];
  guint i, off;

  make_vector_s1 (s1);
  off = sign_packet (s1, 1, TRUE);
  for (i = 0; i < PACKET - DIGEST; i++)
    c2[i] = (guint8) ((i * 5) & 0xFF);

  ertmp_handshake_signature_key (s1 + off, FALSE, key);
  ck_assert_bytes_eq (key, DIGEST, key_expect->data, key_expect->len);
  ertmp_handshake_signature (c2, s1 + off, FALSE, sig);
  ck_assert_bytes_eq (sig, DIGEST, sig_expect->data, sig_expect->len);
  g_byte_array_unref (key_expect);
  g_byte_array_unref (sig_expect);
}
END_TEST

START_TEST (test_vector_1_4_ffmpeg_c1_offset)
{
  /* test-vectors.md 1.4: the first 16 bytes of FFmpeg 5.1's C0+C1 */
  GByteArray *v = test_hex (
      "03"                      /* C0 */
      "00 00 00 00"             /* C1 time 0 */
      "09 00 7c 02"             /* version 9.0.124.2 */
      "f7 78 55 1e"             /* offset bytes: 482 % 728 + 12 = 494 */
      "ce ab 8e 1e");           /* random */
  guint8 c1[PACKET];

  memset (c1, 0, sizeof (c1));
  memcpy (c1, v->data + 1, v->len - 1);
  ck_assert_uint_eq (ertmp_handshake_digest_offset (c1, 0), 494);
  g_byte_array_unref (v);
}
END_TEST

START_TEST (test_digest_offset_bounds)
{
  guint8 p[PACKET];

  /* extremes: sum 0 and sum 4 * 255 = 1020 (1020 % 728 = 292) */
  memset (p, 0, sizeof (p));
  ck_assert_uint_eq (ertmp_handshake_digest_offset (p, 0), 12);
  ck_assert_uint_eq (ertmp_handshake_digest_offset (p, 1), 776);
  memset (p, 0xFF, sizeof (p));
  ck_assert_uint_eq (ertmp_handshake_digest_offset (p, 0), 304);
  ck_assert_uint_eq (ertmp_handshake_digest_offset (p, 1), 1068);
  /* the largest offset possible leaves room for the digest */
  ck_assert_uint_le (727 + 776 + DIGEST, PACKET);
}
END_TEST

/* ---- client -------------------------------------------------------- */

START_TEST (test_client_c0_c1)
{
  ertmp_handshake *a = ertmp_handshake_new (ERTMP_HANDSHAKE_CLIENT,
      0x01020304, 7);
  ertmp_handshake *b = ertmp_handshake_new (ERTMP_HANDSHAKE_CLIENT,
      0x01020304, 7);
  ertmp_handshake *c = ertmp_handshake_new (ERTMP_HANDSHAKE_CLIENT,
      0x01020304, 8);
  GByteArray *head = test_hex (
      "03"                      /* C0 */
      "01 02 03 04"             /* C1 time = time_ms */
      "00 00 00 00");           /* version zero: simple handshake */
  const guint8 *pa, *pb, *pc;
  gsize la, lb, lc;

  pa = ertmp_handshake_pending_output (a, &la);
  pb = ertmp_handshake_pending_output (b, &lb);
  pc = ertmp_handshake_pending_output (c, &lc);
  ck_assert_uint_eq (la, 1 + PACKET);
  ck_assert_bytes_eq (pa, head->len, head->data, head->len);
  /* the random part follows the seed */
  ck_assert_bytes_eq (pa, la, pb, lb);
  ck_assert_uint_eq (lc, la);
  ck_assert (memcmp (pa + 9, pc + 9, PACKET - 8) != 0);
  ck_assert (!ertmp_handshake_is_complete (a));

  /* partial writes */
  ertmp_handshake_output_written (a, 100);
  pb = ertmp_handshake_pending_output (a, &la);
  ck_assert_uint_eq (la, 1 + PACKET - 100);
  ck_assert_ptr_eq (pb, pa + 100);
  ertmp_handshake_output_written (a, la);
  ck_assert_ptr_null (ertmp_handshake_pending_output (a, &la));
  ck_assert_uint_eq (la, 0);

  g_byte_array_unref (head);
  ertmp_handshake_free (a);
  ertmp_handshake_free (b);
  ertmp_handshake_free (c);
}
END_TEST

START_TEST (test_client_against_server_bytes)
{
  ertmp_handshake *hs = ertmp_handshake_new (ERTMP_HANDSHAKE_CLIENT, 5, 1);
  guint8 c1[PACKET], in[1 + 2 * PACKET + 3];
  const guint8 *out;
  gsize len, consumed;
  const ertmp_handshake_info *info;
  guint i;

  out = ertmp_handshake_pending_output (hs, &len);
  memcpy (c1, out + 1, PACKET);
  ertmp_handshake_output_written (hs, len);

  in[0] = 3;                    /* S0 */
  for (i = 0; i < PACKET; i++)  /* S1: time 0x00010203, version 04050607 */
    in[1 + i] = (guint8) i;
  memcpy (in + 1 + PACKET, c1, PACKET); /* S2 = C1 echo ... */
  memset (in + 1 + PACKET + 4, 0xAB, 4);        /* ... with a time2 */
  memcpy (in + 1 + 2 * PACKET, "\x02\x00\x00", 3);      /* first chunk */

  /* S0+S1 alone: C2 is queued, the handshake is not over */
  ck_assert_int_eq (ertmp_handshake_receive (hs, in, 1 + PACKET, &consumed),
      ERTMP_NEED_MORE);
  ck_assert_uint_eq (consumed, 1 + PACKET);
  out = ertmp_handshake_pending_output (hs, &len);
  ck_assert_bytes_eq (out, len, in + 1, PACKET);        /* C2 = S1 echo */
  ertmp_handshake_output_written (hs, len);

  /* S2 and the bytes after it: only S2 is consumed */
  ck_assert_int_eq (ertmp_handshake_receive (hs, in + 1 + PACKET,
          PACKET + 3, &consumed), ERTMP_OK);
  ck_assert_uint_eq (consumed, PACKET);
  ck_assert (ertmp_handshake_is_complete (hs));
  ck_assert_int_eq (ertmp_handshake_receive (hs, in + 1 + 2 * PACKET, 3,
          &consumed), ERTMP_OK);
  ck_assert_uint_eq (consumed, 0);

  info = ertmp_handshake_get_info (hs);
  ck_assert_uint_eq (info->peer_version, 3);
  ck_assert_uint_eq (info->peer_time, 0x00010203);
  ck_assert_bytes_eq (info->peer_flash_version, 4, in + 5, 4);
  ck_assert_int_eq (info->peer_kind, ERTMP_HANDSHAKE_SIMPLE);
  ck_assert (info->echo_ok);
  ertmp_handshake_free (hs);
}
END_TEST

START_TEST (test_client_bad_echo)
{
  ertmp_handshake *hs = ertmp_handshake_new (ERTMP_HANDSHAKE_CLIENT, 5, 1);
  guint8 in[1 + 2 * PACKET];
  gsize len, consumed;

  ertmp_handshake_pending_output (hs, &len);
  ertmp_handshake_output_written (hs, len);
  memset (in, 0x11, sizeof (in));
  in[0] = 3;
  /* a server whose S2 is no echo: warned about in info, not refused */
  ck_assert_int_eq (ertmp_handshake_receive (hs, in, sizeof (in), &consumed),
      ERTMP_OK);
  ck_assert_uint_eq (consumed, sizeof (in));
  ck_assert (!ertmp_handshake_get_info (hs)->echo_ok);
  ertmp_handshake_free (hs);
}
END_TEST

START_TEST (test_client_refuses_rtmpe_s0)
{
  ertmp_handshake *hs = ertmp_handshake_new (ERTMP_HANDSHAKE_CLIENT, 0, 1);
  guint8 s0 = 6;                /* RTMPE */
  gsize consumed;

  ck_assert_int_eq (ertmp_handshake_receive (hs, &s0, 1, &consumed),
      ERTMP_UNSUPPORTED);
  ck_assert_uint_eq (consumed, 0);
  ck_assert (!ertmp_handshake_is_complete (hs));
  ertmp_handshake_free (hs);
}
END_TEST

/* ---- server -------------------------------------------------------- */

START_TEST (test_server_simple_client)
{
  ertmp_handshake *hs = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER,
      0x0A0B0C0D, 3);
  const ertmp_handshake_info *info;
  guint8 c1[PACKET], c2[PACKET], *ans;
  gsize consumed;
  guint i;

  /* C1 as GStreamer's rtmp2 sends it: uptime, version zero, random */
  c1[0] = 0x00;
  c1[1] = 0x00;
  c1[2] = 0x12;
  c1[3] = 0x34;
  memset (c1 + 4, 0, 4);
  for (i = 8; i < PACKET; i++)
    c1[i] = (guint8) (i * 13);

  ans = server_answer (hs, 3, c1);
  ck_assert_uint_eq (ans[0], 3);                        /* S0 */
  ck_assert_uint_eq (ans[1], 0x0A);                     /* S1 time */
  ck_assert_uint_eq (ans[4], 0x0D);
  ck_assert_bytes_eq (ans + 5, 4, "\0\0\0\0", 4);       /* S1 zero */
  ck_assert_bytes_eq (ans + 1 + PACKET, PACKET, c1, PACKET);    /* S2 */
  ck_assert (!ertmp_handshake_is_complete (hs));

  /* C2 = S1 with the client's time2, as rtmp2 sends it */
  memcpy (c2, ans + 1, PACKET);
  memset (c2 + 4, 0x77, 4);
  ck_assert_int_eq (ertmp_handshake_receive (hs, c2, PACKET, &consumed),
      ERTMP_OK);
  ck_assert_uint_eq (consumed, PACKET);
  ck_assert (ertmp_handshake_is_complete (hs));

  info = ertmp_handshake_get_info (hs);
  ck_assert_uint_eq (info->peer_version, 3);
  ck_assert_uint_eq (info->peer_time, 0x1234);
  ck_assert_int_eq (info->peer_kind, ERTMP_HANDSHAKE_SIMPLE);
  ck_assert (info->echo_ok);
  g_free (ans);
  ertmp_handshake_free (hs);
}
END_TEST

START_TEST (test_server_version_without_digest)
{
  /* librtmp-style non-zero version with no digest: simple answer */
  ertmp_handshake *hs = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER, 0, 3);
  guint8 c1[PACKET], *ans;

  memset (c1, 0x42, sizeof (c1));
  c1[4] = 0x0a;                 /* 10.0.45.2 */
  c1[5] = 0x00;
  c1[6] = 0x2d;
  c1[7] = 0x02;
  ans = server_answer (hs, 3, c1);
  ck_assert_bytes_eq (ans + 5, 4, "\0\0\0\0", 4);       /* simple S1 */
  ck_assert_bytes_eq (ans + 1 + PACKET, PACKET, c1, PACKET);
  ck_assert_int_eq (ertmp_handshake_get_info (hs)->peer_kind,
      ERTMP_HANDSHAKE_SIMPLE);
  g_free (ans);
  ertmp_handshake_free (hs);
}
END_TEST

/* A digest client (scheme @_i): our S1 and S2 validate as FFmpeg-play
 * checks them */
START_TEST (test_server_digest_client)
{
  guint scheme = (guint) _i;
  ertmp_handshake *hs = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER, 9, 4);
  const ertmp_handshake_info *info;
  guint8 c1[PACKET], c2[PACKET], sig[DIGEST], *ans, *s1, *s2;
  guint c1_off, s1_off;
  gsize consumed;

  make_vector_c1 (c1);
  c1_off = sign_packet (c1, scheme, FALSE);
  ans = server_answer (hs, 3, c1);
  s1 = ans + 1;
  s2 = ans + 1 + PACKET;
  info = ertmp_handshake_get_info (hs);
  ck_assert_int_eq (info->peer_kind, scheme == 0 ?
      ERTMP_HANDSHAKE_DIGEST_SCHEME_0 : ERTMP_HANDSHAKE_DIGEST_SCHEME_1);
  ck_assert_bytes_eq (info->peer_flash_version, 4, "\x09\x00\x7c\x02", 4);

  ck_assert_uint_eq (ans[0], 3);
  ck_assert_uint_ne (s1[4], 0);                 /* FFmpeg validates if >= 3 */
  /* the FMS-key digest sits at the client's scheme */
  ck_assert (ertmp_handshake_validate (s1, scheme, TRUE));
  ck_assert (!ertmp_handshake_validate (s1, 1 - scheme, TRUE));
  ertmp_handshake_signature (s2, c1 + c1_off, TRUE, sig);
  ck_assert_bytes_eq (s2 + PACKET - DIGEST, DIGEST, sig, DIGEST);

  /* a complex C2, signed with a key from our S1 digest */
  s1_off = ertmp_handshake_digest_offset (s1, scheme);
  memset (c2, 0x5A, PACKET);
  ertmp_handshake_signature (c2, s1 + s1_off, FALSE, c2 + PACKET - DIGEST);
  ck_assert_int_eq (ertmp_handshake_receive (hs, c2, PACKET, &consumed),
      ERTMP_OK);
  ck_assert (info->echo_ok);
  g_free (ans);
  ertmp_handshake_free (hs);
}
END_TEST

/* rtmp.md 2.4 step 4: an FFmpeg publisher echoes a complex S1 plainly, and
 * any other C2 is accepted too */
START_TEST (test_server_digest_client_any_c2)
{
  ertmp_handshake *echo = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER, 9, 4);
  ertmp_handshake *junk = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER, 9, 4);
  guint8 c1[PACKET], c2[PACKET], *a1, *a2;
  gsize consumed;

  make_vector_c1 (c1);
  sign_packet (c1, 0, FALSE);
  a1 = server_answer (echo, 3, c1);
  a2 = server_answer (junk, 3, c1);
  ck_assert_bytes_eq (a1, 1 + 2 * PACKET, a2, 1 + 2 * PACKET);

  ck_assert_int_eq (ertmp_handshake_receive (echo, a1 + 1, PACKET,
          &consumed), ERTMP_OK);
  ck_assert (ertmp_handshake_get_info (echo)->echo_ok);

  memset (c2, 0xEE, PACKET);
  ck_assert_int_eq (ertmp_handshake_receive (junk, c2, PACKET, &consumed),
      ERTMP_OK);
  ck_assert (ertmp_handshake_is_complete (junk));
  ck_assert (!ertmp_handshake_get_info (junk)->echo_ok);
  g_free (a1);
  g_free (a2);
  ertmp_handshake_free (echo);
  ertmp_handshake_free (junk);
}
END_TEST

/* C0 0-2 (obsolete) and 4-31 (reserved, not RTMPE) are answered as 3 */
START_TEST (test_server_other_versions)
{
  static const guint8 versions[] = { 0, 1, 2, 4, 5, 7, 10, 31 };
  guint8 c1[PACKET], *ans;
  guint i;

  memset (c1, 0, sizeof (c1));
  for (i = 0; i < G_N_ELEMENTS (versions); i++) {
    ertmp_handshake *hs = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER, 0, i);

    ans = server_answer (hs, versions[i], c1);
    ck_assert_uint_eq (ans[0], 3);
    ck_assert_uint_eq (ertmp_handshake_get_info (hs)->peer_version,
        versions[i]);
    g_free (ans);
    ertmp_handshake_free (hs);
  }
}
END_TEST

/* RTMPE C0 (6, 8, 9) is UNSUPPORTED; 32-255 cannot be RTMP: MALFORMED.
 * Nothing is sent and the error sticks. */
START_TEST (test_server_refused_versions)
{
  static const struct
  {
    guint8 c0;
    ertmp_result res;
  } cases[] = {
    {6, ERTMP_UNSUPPORTED}, {8, ERTMP_UNSUPPORTED}, {9, ERTMP_UNSUPPORTED},
    {32, ERTMP_MALFORMED}, {'G', ERTMP_MALFORMED},      /* "GET / HTTP" */
    {255, ERTMP_MALFORMED},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    ertmp_handshake *hs = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER, 0, 1);
    guint8 in[8] = { cases[i].c0, 1, 2, 3, 4, 5, 6, 7 };
    gsize consumed, len;
    ertmp_result expect = cases[i].res;

    ck_assert_int_eq (ertmp_handshake_receive (hs, in, sizeof (in),
            &consumed), expect);
    ck_assert_uint_eq (consumed, 0);
    ck_assert_int_eq (ertmp_handshake_receive (hs, in + 1, 7, &consumed),
        expect);
    ck_assert_uint_eq (consumed, 0);
    ck_assert_ptr_null (ertmp_handshake_pending_output (hs, &len));
    ck_assert_uint_eq (ertmp_handshake_get_info (hs)->peer_version,
        cases[i].c0);
    ertmp_handshake_free (hs);
  }
}
END_TEST

/* C0+C1+C2 and the first chunk in one read: the chunk is left over */
START_TEST (test_server_leftover_not_consumed)
{
  ertmp_handshake *hs = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER, 0, 1);
  guint8 in[1 + 2 * PACKET + 12];
  const guint8 *out;
  gsize consumed, len;

  memset (in, 0, sizeof (in));
  in[0] = 3;
  memset (in + 1 + 2 * PACKET, 0xC3, 12);       /* chunk bytes */
  ck_assert_int_eq (ertmp_handshake_receive (hs, in, sizeof (in), &consumed),
      ERTMP_OK);
  ck_assert_uint_eq (consumed, 1 + 2 * PACKET);
  out = ertmp_handshake_pending_output (hs, &len);
  ck_assert_ptr_nonnull (out);
  ck_assert_uint_eq (len, 1 + 2 * PACKET);
  ck_assert (ertmp_handshake_is_complete (hs));
  ck_assert_int_eq (ertmp_handshake_receive (hs, in + consumed, 12,
          &consumed), ERTMP_OK);
  ck_assert_uint_eq (consumed, 0);
  ertmp_handshake_free (hs);
}
END_TEST

/* ---- both roles in memory, every split point ------------------------ */

static void
run_pair (gsize split)
{
  ertmp_handshake *c = ertmp_handshake_new (ERTMP_HANDSHAKE_CLIENT, 1000, 1);
  ertmp_handshake *s = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER, 2000, 2);
  const ertmp_handshake_info *ci, *si;

  ck_assert_int_eq (transfer (c, s, split), ERTMP_NEED_MORE);   /* C0+C1 */
  ck_assert_int_eq (transfer (s, c, split), ERTMP_OK);  /* S0+S1+S2 */
  ck_assert_int_eq (transfer (c, s, split), ERTMP_OK);  /* C2 */
  ck_assert (ertmp_handshake_is_complete (c));
  ck_assert (ertmp_handshake_is_complete (s));

  ci = ertmp_handshake_get_info (c);
  si = ertmp_handshake_get_info (s);
  ck_assert_uint_eq (ci->peer_time, 2000);
  ck_assert_uint_eq (si->peer_time, 1000);
  ck_assert_int_eq (si->peer_kind, ERTMP_HANDSHAKE_SIMPLE);
  ck_assert (ci->echo_ok);
  ck_assert (si->echo_ok);
  ertmp_handshake_free (c);
  ertmp_handshake_free (s);
}

START_TEST (test_pair_every_split)
{
  gsize split;

  for (split = 0; split <= 1 + 2 * PACKET; split++)
    run_pair (split);
}
END_TEST

START_TEST (test_server_digest_every_split)
{
  guint8 in[1 + PACKET], *ref;
  ertmp_handshake *hs;
  gsize split, len;

  in[0] = 3;
  make_vector_c1 (in + 1);
  sign_packet (in + 1, 0, FALSE);
  hs = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER, 0, 1);
  ref = server_answer (hs, 3, in + 1);
  ertmp_handshake_free (hs);

  for (split = 0; split <= sizeof (in); split++) {
    const guint8 *out;

    hs = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER, 0, 1);
    ck_assert_int_eq (feed_split (hs, in, sizeof (in), split),
        ERTMP_NEED_MORE);
    out = ertmp_handshake_pending_output (hs, &len);
    ck_assert_bytes_eq (out, len, ref, 1 + 2 * PACKET);
    ertmp_handshake_free (hs);
  }
  g_free (ref);
}
END_TEST

START_TEST (test_pair_byte_by_byte)
{
  ertmp_handshake *c = ertmp_handshake_new (ERTMP_HANDSHAKE_CLIENT, 1, 1);
  ertmp_handshake *s = ertmp_handshake_new (ERTMP_HANDSHAKE_SERVER, 2, 2);
  ertmp_handshake *from = c, *to = s;
  guint round;

  for (round = 0; round < 3; round++) {
    gsize len, i, consumed;
    const guint8 *out = ertmp_handshake_pending_output (from, &len);
    ertmp_result res = ERTMP_NEED_MORE;

    for (i = 0; i < len; i++) {
      res = ertmp_handshake_receive (to, out + i, 1, &consumed);
      ck_assert_uint_eq (consumed, 1);
      ck_assert_int_eq (res, round > 0 && i == len - 1 ? ERTMP_OK :
          ERTMP_NEED_MORE);
    }
    ertmp_handshake_output_written (from, len);
    from = from == c ? s : c;
    to = to == c ? s : c;
  }
  ck_assert (ertmp_handshake_is_complete (c));
  ck_assert (ertmp_handshake_is_complete (s));
  ertmp_handshake_free (c);
  ertmp_handshake_free (s);
}
END_TEST

static Suite *
handshake_suite (void)
{
  Suite *s = suite_create ("handshake");
  TCase *tc = tcase_create ("vectors");

  tcase_add_test (tc, test_vector_1_2_c1_scheme0);
  tcase_add_test (tc, test_vector_1_3_s1_scheme1);
  tcase_add_test (tc, test_vector_1_3_s2_signature);
  tcase_add_test (tc, test_vector_1_3_c2_signature);
  tcase_add_test (tc, test_vector_1_4_ffmpeg_c1_offset);
  tcase_add_test (tc, test_digest_offset_bounds);
  suite_add_tcase (s, tc);

  tc = tcase_create ("client");
  tcase_add_test (tc, test_client_c0_c1);
  tcase_add_test (tc, test_client_against_server_bytes);
  tcase_add_test (tc, test_client_bad_echo);
  tcase_add_test (tc, test_client_refuses_rtmpe_s0);
  suite_add_tcase (s, tc);

  tc = tcase_create ("server");
  tcase_add_test (tc, test_server_simple_client);
  tcase_add_test (tc, test_server_version_without_digest);
  tcase_add_loop_test (tc, test_server_digest_client, 0, 2);
  tcase_add_test (tc, test_server_digest_client_any_c2);
  tcase_add_test (tc, test_server_other_versions);
  tcase_add_test (tc, test_server_refused_versions);
  tcase_add_test (tc, test_server_leftover_not_consumed);
  suite_add_tcase (s, tc);

  tc = tcase_create ("pair");
  tcase_add_test (tc, test_pair_every_split);
  tcase_add_test (tc, test_server_digest_every_split);
  tcase_add_test (tc, test_pair_byte_by_byte);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (handshake_suite ());
}
