/* gst-ertmp: tests of the RTMP chunk stream reader and writer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Known-answer vectors from test-vectors.md section 2 (decoded, encoded and
 * fed at every split point), the negative cases of section 9 and rtmp.md
 * section 3, and randomised writer -> reader round trips.
 */
#include "ertmp_chunk.h"
#include "test_util.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

typedef struct
{
  guint32 csid;
  guint8 type_id;
  guint32 msid;
  guint32 timestamp;
  GBytes * payload;
} rec;

static void
rec_free (gpointer p)
{
  rec * m = p;

  g_bytes_unref (m->payload);
  g_free (m);
}

static GPtrArray *
recs_new (void)
{
  return g_ptr_array_new_with_free_func (rec_free);
}

static guint32
be32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
      ((guint32) p[2] << 8) | p[3];
}

/* Records one message; takes the payload of every other one so that both
 * the taken and the dropped paths run.  Applies Set Chunk Size and Abort
 * as the session does. */
static ertmp_result
record (
    ertmp_chunk_reader * r, const ertmp_chunk_message * msg, GPtrArray * out)
{
  rec * m = g_new0 (rec, 1);

  m->csid = msg->csid;
  m->type_id = msg->type_id;
  m->msid = msg->msid;
  m->timestamp = msg->timestamp;
  ck_assert_ptr_nonnull (msg->payload);
  if (out->len % 2 == 0) {
    m->payload = ertmp_chunk_reader_take_payload (r);
    ck_assert_bytes_eq (g_bytes_get_data (m->payload, NULL),
        g_bytes_get_size (m->payload), msg->payload, msg->len);
  } else {
    m->payload = g_bytes_new (msg->payload, msg->len);
  }
  g_ptr_array_add (out, m);
  if (msg->type_id == 1 && msg->len >= 4)
    return ertmp_chunk_reader_set_chunk_size (r, be32 (msg->payload));
  if (msg->type_id == 2 && msg->len >= 4)
    ertmp_chunk_reader_abort (r, be32 (msg->payload));
  return ERTMP_OK;
}

/* Feeds one piece until it is used up or an error occurs. */
static ertmp_result
feed_piece (
    ertmp_chunk_reader * r, const guint8 * data, gsize len, GPtrArray * out)
{
  ertmp_chunk_message msg;
  ertmp_result res;
  gsize consumed;

  for (;;) {
    res = ertmp_chunk_reader_read (r, data, len, &consumed, &msg);
    ck_assert_uint_le (consumed, len);
    data += consumed;
    len -= consumed;
    if (res == ERTMP_NEED_MORE)
      ck_assert_uint_eq (len, 0);
    if (res != ERTMP_OK)
      return res;
    res = record (r, &msg, out);
    if (res != ERTMP_OK)
      return res;
  }
}

/* Feeds @data in pieces of @piece bytes (0: whole), or in two pieces cut at
 * @cut when @piece is G_MAXSIZE. */
static ertmp_result
feed (ertmp_chunk_reader * r, const guint8 * data, gsize len, gsize piece,
    gsize cut, GPtrArray * out)
{
  ertmp_result res = ERTMP_NEED_MORE;
  gsize off = 0;

  if (piece == G_MAXSIZE) {
    res = feed_piece (r, data, cut, out);
    return res == ERTMP_NEED_MORE ? feed_piece (r, data + cut, len - cut, out)
                                  : res;
  }
  if (piece == 0)
    piece = MAX (len, 1);
  for (off = 0; off < len && res == ERTMP_NEED_MORE; off += piece)
    res = feed_piece (r, data + off, MIN (piece, len - off), out);
  return res;
}

static void
assert_recs_equal (GPtrArray * a, GPtrArray * b)
{
  guint i;

  ck_assert_uint_eq (a->len, b->len);
  for (i = 0; i < a->len; i++) {
    rec *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

    ck_assert_uint_eq (x->csid, y->csid);
    ck_assert_uint_eq (x->type_id, y->type_id);
    ck_assert_uint_eq (x->msid, y->msid);
    ck_assert_uint_eq (x->timestamp, y->timestamp);
    ck_assert (g_bytes_equal (x->payload, y->payload));
  }
}

/* Decodes @data whole, in two pieces at every offset and byte by byte;
 * every way must give @expect and end with @res_expect. */
static void
check_all_splits (const guint8 * data, gsize len, const ertmp_limits * lim,
    ertmp_result res_expect, GPtrArray * expect)
{
  gsize cut;

  for (cut = 0; cut <= len + 1; cut++) {
    ertmp_chunk_reader * r = ertmp_chunk_reader_new (lim);
    GPtrArray * got = recs_new ();
    ertmp_result res;

    if (cut <= len)
      res = feed (r, data, len, G_MAXSIZE, cut, got);
    else
      res = feed (r, data, len, 1, 0, got);
    ck_assert_msg (res == res_expect, "cut %" G_GSIZE_FORMAT ": %s", cut,
        ertmp_result_name (res));
    assert_recs_equal (got, expect);
    g_ptr_array_unref (got);
    ertmp_chunk_reader_free (r);
  }
}

static void
expect_add (GPtrArray * e, guint32 csid, guint8 type_id, guint32 msid,
    guint32 ts, const guint8 * payload, gsize len)
{
  rec * m = g_new0 (rec, 1);

  m->csid = csid;
  m->type_id = type_id;
  m->msid = msid;
  m->timestamp = ts;
  m->payload = g_bytes_new (payload, len);
  g_ptr_array_add (e, m);
}

/* Decodes hex @hex (all splits) and checks it gives exactly @expect. */
static void
check_vector (const gchar * hex, GPtrArray * expect)
{
  GByteArray * v = test_hex (hex);

  check_all_splits (v->data, v->len, NULL, ERTMP_NEED_MORE, expect);
  g_byte_array_unref (v);
}

/* Writes @expect's messages with a fresh writer and compares with @hex. */
static void
check_encode (const gchar * hex, GPtrArray * msgs, guint32 chunk_size)
{
  GByteArray *v = test_hex (hex), *out = g_byte_array_new ();
  ertmp_chunk_writer * w = ertmp_chunk_writer_new ();
  guint i;

  ck_assert_int_eq (
      ertmp_chunk_writer_set_chunk_size (w, chunk_size), ERTMP_OK);
  for (i = 0; i < msgs->len; i++) {
    rec * m = g_ptr_array_index (msgs, i);
    gsize n;
    const guint8 * p = g_bytes_get_data (m->payload, &n);

    ck_assert_int_eq (ertmp_chunk_writer_write (w, out, m->csid, m->type_id,
                          m->msid, m->timestamp, p, n),
        ERTMP_OK);
  }
  ck_assert_bytes_eq (out->data, out->len, v->data, v->len);
  ertmp_chunk_writer_free (w);
  g_byte_array_unref (out);
  g_byte_array_unref (v);
}

/* ------------------------------------------------------------------ */
/* test-vectors.md 2.1: protocol control messages                      */

/* 02 = fmt 0 csid 2 | timestamp 0 | length | type id | msid 0 (LE) | payload */
static const struct
{
  guint8 type_id;
  const gchar * hex;
} vec_2_1[] = {
  { 1, "02 000000 000004 01 00000000  00001000  # SetChunkSize 4096" },
  { 5, "02 000000 000004 05 00000000  002625a0  # WindowAckSize 2500000" },
  { 6, "02 000000 000005 06 00000000  002625a0 02  # SetPeerBandwidth" },
  { 3, "02 000000 000004 03 00000000  00989680  # Acknowledgement" },
  { 2, "02 000000 000004 02 00000000  00000006  # Abort csid 6" },
  { 4, "02 000000 000006 04 00000000  0000 00000001  # StreamBegin 1" },
  { 4, "02 000000 00000a 04 00000000  0003 00000001 00000bb8  # SetBufLen" },
  { 4, "02 000000 000006 04 00000000  0006 12345678  # PingRequest" },
  { 4, "02 000000 000006 04 00000000  0007 12345678  # PingResponse" },
};

/* The 2.1 row @i as the message it carries (the payload follows the 12-byte
 * header). */
static void
expect_2_1 (GPtrArray * e, guint i)
{
  GByteArray * v = test_hex (vec_2_1[i].hex);

  ck_assert_uint_eq (v->data[6] + 12, v->len);
  expect_add (e, 2, vec_2_1[i].type_id, 0, 0, v->data + 12, v->len - 12);
  g_byte_array_unref (v);
}

START_TEST (test_vector_2_1_control)
{
  GPtrArray * e = recs_new ();

  expect_2_1 (e, _i);
  check_vector (vec_2_1[_i].hex, e);
  check_encode (vec_2_1[_i].hex, e, 128);
  g_ptr_array_unref (e);
}

END_TEST;

/* All of 2.1 as one stream: Set Chunk Size and Abort are applied on the way
 * and nothing else changes. */
START_TEST (test_vector_2_1_stream)
{
  GString * all = g_string_new (NULL);
  GPtrArray * e = recs_new ();
  GByteArray * v;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (vec_2_1); i++) {
    g_string_append_printf (all, "%s\n", vec_2_1[i].hex);
    expect_2_1 (e, i);
  }
  v = test_hex (all->str);
  check_all_splits (v->data, v->len, NULL, ERTMP_NEED_MORE, e);
  g_byte_array_unref (v);
  g_ptr_array_unref (e);
  g_string_free (all, TRUE);
}

END_TEST;

/* ------------------------------------------------------------------ */
/* test-vectors.md 2.2: basic header forms                              */

static const struct
{
  guint32 csid;
  const gchar * basic;
  gboolean shortest;
} vec_2_2[] = {
  { 2, "42", TRUE },
  { 3, "43", TRUE },
  { 63, "7f", TRUE },
  { 64, "40 00", TRUE },
  { 319, "40 ff", TRUE },
  { 320, "41 00 01", TRUE }, /* (0x01 * 256 + 0x00) + 64, little-endian */
  { 65599, "41 ff ff", TRUE },
  /* longer forms than needed: readers must accept them */
  { 64, "41 00 00", FALSE },
  { 100, "41 24 00", FALSE },
  { 319, "41 ff 00", FALSE },
};

START_TEST (test_vector_2_2_basic_header)
{
  GPtrArray * e = recs_new ();
  guint32 csid = vec_2_2[_i].csid;
  gsize shortest = csid < 64 ? 1 : csid < 320 ? 2 : 3;
  GByteArray *out = g_byte_array_new (), *basic, *tail;
  ertmp_chunk_writer * w = ertmp_chunk_writer_new ();
  gchar * hex;
  const guint8 a = 0xaa, b[2] = { 0xbb, 0xcc };

  /* the writer primes the csid with a fmt-0 message, then writes a fmt-1
   * one: delta 5, length 2, type 9 */
  ck_assert_int_eq (
      ertmp_chunk_writer_write (w, out, csid, 8, 1, 10, &a, 1), ERTMP_OK);
  ck_assert_int_eq (
      ertmp_chunk_writer_write (w, out, csid, 9, 1, 15, b, 2), ERTMP_OK);
  basic = test_hex (vec_2_2[_i].basic);
  if (vec_2_2[_i].shortest)
    ck_assert_bytes_eq (out->data + out->len - 2 - 7 - shortest, shortest,
        basic->data, basic->len);
  /* the reader gets the writer's fmt-0 chunk, then the vector's fmt-1 */
  g_byte_array_set_size (out, out->len - 2 - 7 - shortest);
  hex = g_strdup_printf ("%s  000005 000002 09  bbcc", vec_2_2[_i].basic);
  tail = test_hex (hex);
  g_byte_array_append (out, tail->data, tail->len);
  expect_add (e, csid, 8, 1, 10, &a, 1);
  expect_add (e, csid, 9, 1, 15, b, 2);
  check_all_splits (out->data, out->len, NULL, ERTMP_NEED_MORE, e);
  g_free (hex);
  g_byte_array_unref (tail);
  g_byte_array_unref (basic);
  ertmp_chunk_writer_free (w);
  g_byte_array_unref (out);
  g_ptr_array_unref (e);
}

END_TEST;

/* ------------------------------------------------------------------ */
/* test-vectors.md 2.3: fmt 0 / fmt 2 / fmt 3 sequence                  */

#define AUDIO_32 \
  "af 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00" \
  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"

/* clang-format off */
static const gchar vec_2_3[] =
    "04           # basic: fmt 0, csid 4\n"
    "00 03 e8     # timestamp 1000\n"
    "00 00 20     # length 32\n"
    "08           # type 8 (audio)\n"
    "01 00 00 00  # msid 1, little-endian\n"
    AUDIO_32
    "84           # basic: fmt 2, csid 4\n"
    "00 00 14     # delta 20 -> 1020\n"
    AUDIO_32
    "c4           # basic: fmt 3, csid 4: new message, delta 20 -> 1040\n"
    AUDIO_32;
/* clang-format on */

START_TEST (test_vector_2_3_fmt_sequence)
{
  GPtrArray * e = recs_new ();
  GByteArray * p = test_hex (AUDIO_32);

  expect_add (e, 4, 8, 1, 1000, p->data, p->len);
  expect_add (e, 4, 8, 1, 1020, p->data, p->len);
  expect_add (e, 4, 8, 1, 1040, p->data, p->len);
  check_vector (vec_2_3, e);
  check_encode (vec_2_3, e, 128);
  g_byte_array_unref (p);
  g_ptr_array_unref (e);
}

END_TEST;

/* fmt 1 video message, after a fmt-0 message primed csid 6 at ts 100 */
static const gchar vec_2_3_fmt1[] =
    "06 000064 000001 09 01000000  17  # prime: fmt 0, csid 6, ts 100, len 1\n"
    "46           # basic: fmt 1, csid 6\n"
    "00 00 21     # delta 33 -> 133\n"
    "00 00 05     # length 5\n"
    "09           # type 9 (video)\n"
    "27 01 00 00 00  # payload\n";

START_TEST (test_vector_2_3_fmt1)
{
  GPtrArray * e = recs_new ();
  const guint8 prime = 0x17, video[5] = { 0x27, 0x01, 0, 0, 0 };

  expect_add (e, 6, 9, 1, 100, &prime, 1);
  expect_add (e, 6, 9, 1, 133, video, 5);
  check_vector (vec_2_3_fmt1, e);
  check_encode (vec_2_3_fmt1, e, 128);
  g_ptr_array_unref (e);
}

END_TEST;

/* ------------------------------------------------------------------ */
/* test-vectors.md 2.4: extended timestamp across chunks                */

#define PAYLOAD_00_7F \
  "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f" \
  "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f" \
  "20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f" \
  "30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f" \
  "40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f" \
  "50 51 52 53 54 55 56 57 58 59 5a 5b 5c 5d 5e 5f" \
  "60 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f" \
  "70 71 72 73 74 75 76 77 78 79 7a 7b 7c 7d 7e 7f\n"
#define PAYLOAD_80_C7 \
  "80 81 82 83 84 85 86 87 88 89 8a 8b 8c 8d 8e 8f" \
  "90 91 92 93 94 95 96 97 98 99 9a 9b 9c 9d 9e 9f" \
  "a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af" \
  "b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf" \
  "c0 c1 c2 c3 c4 c5 c6 c7\n"

/* clang-format off */
static const gchar vec_2_4[] =
    "06           # basic: fmt 0, csid 6\n"
    "ff ff ff     # timestamp: extended\n"
    "00 00 c8     # length 200\n"
    "09           # type 9 (video)\n"
    "01 00 00 00  # msid 1\n"
    "01 00 00 00  # extended timestamp 0x01000000\n"
    PAYLOAD_00_7F
    "c6           # basic: fmt 3, csid 6 (continuation)\n"
    "01 00 00 00  # extended timestamp repeated\n"
    PAYLOAD_80_C7;

/* the same message from a peer that omits the field on type-3 chunks */
static const gchar vec_2_4_omitted[] =
    "06 ffffff 0000c8 09 01000000 01000000  # as above\n"
    PAYLOAD_00_7F
    "c6           # basic: fmt 3, csid 6; no extended timestamp\n"
    PAYLOAD_80_C7;
/* clang-format on */

static GBytes *
bytes_00_c7 (void)
{
  guint8 p[200];
  guint i;

  for (i = 0; i < sizeof (p); i++)
    p[i] = (guint8) i;
  return g_bytes_new (p, sizeof (p));
}

START_TEST (test_vector_2_4_extended)
{
  GPtrArray * e = recs_new ();
  GBytes * p = bytes_00_c7 ();

  expect_add (e, 6, 9, 1, 0x01000000, g_bytes_get_data (p, NULL), 200);
  check_vector (vec_2_4, e);
  check_encode (vec_2_4, e, 128);
  /* tolerant rule (rtmp.md 3.4): 80 81 82 83 is not the timestamp */
  check_vector (vec_2_4_omitted, e);
  g_bytes_unref (p);
  g_ptr_array_unref (e);
}

END_TEST;

/* Extended delta on a fmt-1 header: continuations may repeat the delta (the
 * header's value) or the absolute timestamp; both are consumed. */
START_TEST (test_extended_delta_continuation)
{
  static const gchar * const cont[] = {
    "01 00 00 00  # repeats the header's extended delta\n",
    "01 00 00 05  # repeats the absolute timestamp 5 + 0x01000000\n",
    "             # omitted\n",
  };
  GBytes * p = bytes_00_c7 ();
  GPtrArray * e = recs_new ();
  const guint8 one = 1;
  gchar * hex;

  hex = g_strdup_printf (
      "06 000005 000001 08 01000000  01  # prime ts 5\n"
      "46 ffffff 0000c8 09  # fmt 1: delta extended, length 200, video\n"
      "01 00 00 00  # extended delta 0x01000000\n" PAYLOAD_00_7F
      "c6 %s" PAYLOAD_80_C7,
      cont[_i]);
  expect_add (e, 6, 8, 1, 5, &one, 1);
  expect_add (e, 6, 9, 1, 0x01000005, g_bytes_get_data (p, NULL), 200);
  check_vector (hex, e);
  if (_i == 0) /* what the writer emits */
    check_encode (hex, e, 128);
  g_free (hex);
  g_bytes_unref (p);
  g_ptr_array_unref (e);
}

END_TEST;

/* A type-3 chunk starting a new message after an extended header carries the
 * field too; its value is the delta (as FFmpeg reads it). */
START_TEST (test_extended_fmt3_new_message)
{
  GPtrArray * e = recs_new ();
  const guint8 a[2] = { 1, 2 }, b[2] = { 3, 4 };

  expect_add (e, 5, 9, 1, 0x01000000, a, 2);
  expect_add (e, 5, 9, 1, 0x01000028, b, 2);
  check_vector ("05 ffffff 000002 09 01000000 01000000  0102  # fmt 0 ext\n"
                "c5 00000028  0304  # fmt 3, new message, extended delta 40\n",
      e);
  g_ptr_array_unref (e);
}

END_TEST;

/* ------------------------------------------------------------------ */
/* test-vectors.md 2.5: FFmpeg connect chunked at 128                   */

#define CONNECT_0_127 \
  "02 00 07 63 6f 6e 6e 65 63 74 00 3f f0 00 00 00" \
  "00 00 00 03 00 03 61 70 70 02 00 04 6c 69 76 65" \
  "00 04 74 79 70 65 02 00 0a 6e 6f 6e 70 72 69 76" \
  "61 74 65 00 08 66 6c 61 73 68 56 65 72 02 00 24" \
  "46 4d 4c 45 2f 33 2e 30 20 28 63 6f 6d 70 61 74" \
  "69 62 6c 65 3b 20 4c 61 76 66 35 39 2e 32 37 2e" \
  "31 30 30 29 00 05 74 63 55 72 6c 02 00 1b 72 74" \
  "6d 70 3a 2f 2f 31 32 37 2e 30 2e 30 2e 31 3a 31\n"
#define CONNECT_128_139 "39 33 35 30 2f 6c 69 76 65 00 00 09\n"
/* ["releaseStream", 2, null, "stream"]: 35 bytes */
#define RELEASE_STREAM \
  "02 00 0d 72 65 6c 65 61 73 65 53 74 72 65 61 6d  # \"releaseStream\"\n" \
  "00 40 00 00 00 00 00 00 00  # 2.0\n" \
  "05           # null\n" \
  "02 00 06 73 74 72 65 61 6d  # \"stream\"\n"

/* clang-format off */
static const gchar vec_2_5[] =
    "03           # basic: fmt 0, csid 3\n"
    "00 00 00     # timestamp 0\n"
    "00 00 8c     # length 140\n"
    "14           # type 20 (AMF0 command)\n"
    "00 00 00 00  # msid 0\n"
    CONNECT_0_127
    "c3           # basic: fmt 3, csid 3 (continuation)\n"
    CONNECT_128_139
    "43           # basic: fmt 1, csid 3 (releaseStream)\n"
    "00 00 00     # delta 0\n"
    "00 00 23     # length 35\n"
    "14           # type 20\n"
    RELEASE_STREAM;
/* clang-format on */

START_TEST (test_vector_2_5_connect)
{
  GPtrArray * e = recs_new ();
  GByteArray * c = test_hex (CONNECT_0_127 CONNECT_128_139);
  GByteArray * rs = test_hex (RELEASE_STREAM);

  ck_assert_uint_eq (c->len, 140);
  ck_assert_uint_eq (rs->len, 35);
  expect_add (e, 3, 20, 0, 0, c->data, c->len);
  expect_add (e, 3, 20, 0, 0, rs->data, rs->len);
  check_vector (vec_2_5, e);
  check_encode (vec_2_5, e, 128);
  g_byte_array_unref (rs);
  g_byte_array_unref (c);
  g_ptr_array_unref (e);
}

END_TEST;

/* ------------------------------------------------------------------ */
/* Reassembly rules                                                     */

/* rtmp.md 3.4: "fmt0 ts=40 then fmt3" means ts=80; deltas wrap mod 2^32. */
START_TEST (test_timestamp_rules)
{
  GPtrArray * e = recs_new ();
  const guint8 x = 0x55;

  expect_add (e, 4, 8, 1, 40, &x, 1);
  expect_add (e, 4, 8, 1, 80, &x, 1);
  expect_add (e, 4, 8, 1, 0xFFFFFFF0u, &x, 1);
  expect_add (e, 4, 8, 1, 0x10, &x, 1);
  expect_add (e, 4, 8, 1, 0x30, &x, 1);
  check_vector (
      "04 000028 000001 08 01000000 55  # fmt 0, ts 40\n"
      "c4 55                           # fmt 3: delta = raw fmt-0 field\n"
      "04 ffffff 000001 08 01000000 fffffff0 55  # fmt 0 ext 0xfffffff0\n"
      "84 000020 55                    # fmt 2: delta 32 wraps to 0x10\n"
      "c4 55                           # fmt 3: delta 32 again\n",
      e);
  g_ptr_array_unref (e);
}

END_TEST;

/* OBS: audio and video share one csid, switching type and length by fmt 1;
 * a zero-length audio message (silence) is delivered. */
START_TEST (test_interleaved_one_csid)
{
  GPtrArray * e = recs_new ();
  GByteArray * v = test_hex (PAYLOAD_00_7F PAYLOAD_80_C7);

  expect_add (e, 4, 8, 1, 0, (const guint8 *) "\xaf\x01", 2);
  expect_add (e, 4, 9, 1, 10, v->data, 200);
  expect_add (e, 4, 8, 1, 20, NULL, 0);
  expect_add (e, 4, 8, 1, 30, NULL, 0);
  expect_add (e, 4, 18, 1, 30, NULL, 0);
  check_vector (
      "04 000000 000002 08 01000000 af01  # audio\n"
      "44 00000a 0000c8 09 " PAYLOAD_00_7F "  # fmt 1 video, 200 bytes\n"
      "c4 " PAYLOAD_80_C7 "                   # continuation\n"
      "44 00000a 000000 08                    # fmt 1 audio, length 0\n"
      "c4                                     # fmt 3: another empty one\n"
      "44 000000 000000 12                    # empty data message\n",
      e);
  g_byte_array_unref (v);
  g_ptr_array_unref (e);
}

END_TEST;

/* Chunks of different csids interleave; Set Chunk Size applies from the
 * next chunk, even in the middle of a message on another csid. */
START_TEST (test_interleaved_csids_chunk_size)
{
  GPtrArray * e = recs_new ();
  GByteArray * v = test_hex (PAYLOAD_00_7F PAYLOAD_80_C7);

  expect_add (e, 2, 1, 0, 0, (const guint8 *) "\0\0\x10\0", 4);
  expect_add (e, 6, 9, 1, 7, v->data, 200);
  check_vector ("06 000007 0000c8 09 01000000 " PAYLOAD_00_7F
                "02 000000 000004 01 00000000 00001000  # Set Chunk Size 4096\n"
                "c6 " PAYLOAD_80_C7,
      e);
  g_ptr_array_unref (e);
  /* 72 bytes left at 48: two chunks, another csid in between */
  e = recs_new ();
  expect_add (e, 2, 1, 0, 0, (const guint8 *) "\0\0\0\x30", 4);
  expect_add (e, 8, 20, 0, 0, (const guint8 *) "\x05", 1);
  expect_add (e, 6, 9, 1, 7, v->data, 200);
  check_vector ("06 000007 0000c8 09 01000000 " PAYLOAD_00_7F
                "02 000000 000004 01 00000000 00000030  # Set Chunk Size 48\n"
                "c6 80 81 82 83 84 85 86 87 88 89 8a 8b 8c 8d 8e 8f"
                "   90 91 92 93 94 95 96 97 98 99 9a 9b 9c 9d 9e 9f"
                "   a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af\n"
                "08 000000 000001 14 00000000 05    # csid 8 in between\n"
                "c6 b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf"
                "   c0 c1 c2 c3 c4 c5 c6 c7\n",
      e);
  g_byte_array_unref (v);
  g_ptr_array_unref (e);
}

END_TEST;

/* Abort (type 2) drops the partial message; the csid keeps its header state
 * and an unknown csid is ignored. */
START_TEST (test_abort)
{
  GPtrArray * e = recs_new ();

  expect_add (e, 2, 2, 0, 0, (const guint8 *) "\0\0\0\x06", 4);
  expect_add (e, 2, 2, 0, 0, (const guint8 *) "\0\0\0\x09", 4);
  expect_add (e, 6, 9, 1, 12, (const guint8 *) "\x01\x02", 2);
  check_vector (
      "06 000007 0000c8 09 01000000 " PAYLOAD_00_7F
      "02 000000 000004 02 00000000 00000006  # Abort csid 6\n"
      "82 000000 00000009                     # Abort csid 9 (unknown)\n"
      "46 000005 000002 09 0102               # fmt 1: new message\n",
      e);
  g_ptr_array_unref (e);
}

END_TEST;

/* The caller may abort while a chunk on that csid is half read: the rest of
 * the chunk is skipped. */
START_TEST (test_abort_mid_chunk)
{
  GByteArray * v =
      test_hex ("06 000007 0000c8 09 01000000 " PAYLOAD_00_7F
                "c6 " PAYLOAD_80_C7 "06 000000 000001 09 01000000 42");
  ertmp_chunk_reader * r = ertmp_chunk_reader_new (NULL);
  GPtrArray * got = recs_new ();

  ck_assert_int_eq (feed (r, v->data, 150, 0, 0, got), ERTMP_NEED_MORE);
  ck_assert_uint_eq (ertmp_chunk_reader_buffered_bytes (r), 128 + 9);
  ertmp_chunk_reader_abort (r, 6);
  ck_assert_uint_eq (ertmp_chunk_reader_buffered_bytes (r), 0);
  ck_assert_int_eq (
      feed (r, v->data + 150, v->len - 150, 0, 0, got), ERTMP_NEED_MORE);
  ck_assert_uint_eq (got->len, 1);
  ck_assert_uint_eq (((rec *) got->pdata[0])->timestamp, 0);
  ck_assert_uint_eq (ertmp_chunk_reader_buffered_bytes (r), 0);
  g_ptr_array_unref (got);
  ertmp_chunk_reader_free (r);
  g_byte_array_unref (v);
}

END_TEST;

/* A single-chunk message wholly in the input is a view into it; a
 * reassembled payload is handed over as a GBytes without a copy. */
START_TEST (test_zero_copy)
{
  GByteArray * v = test_hex (vec_2_4);
  GByteArray * one = test_hex ("04 000000 000003 08 01000000 af0102");
  ertmp_chunk_reader * r = ertmp_chunk_reader_new (NULL);
  ertmp_chunk_message msg;
  gsize consumed;
  GBytes * b;

  ck_assert_int_eq (
      ertmp_chunk_reader_read (r, one->data, one->len, &consumed, &msg),
      ERTMP_OK);
  ck_assert_ptr_eq (msg.payload, one->data + 12);
  b = ertmp_chunk_reader_take_payload (r);
  ck_assert_bytes_eq (g_bytes_get_data (b, NULL), 3, one->data + 12, 3);
  g_bytes_unref (b);
  ck_assert_int_eq (
      ertmp_chunk_reader_read (r, v->data, v->len, &consumed, &msg), ERTMP_OK);
  ck_assert_uint_eq (consumed, v->len);
  ck_assert (msg.payload < v->data || msg.payload >= v->data + v->len);
  b = ertmp_chunk_reader_take_payload (r);
  ck_assert_ptr_eq (g_bytes_get_data (b, NULL), msg.payload);
  ck_assert_uint_eq (g_bytes_get_size (b), 200);
  g_bytes_unref (b);
  ertmp_chunk_reader_free (r);
  g_byte_array_unref (one);
  g_byte_array_unref (v);
}

END_TEST;

/* A new header while a message is partial (a broken peer): the partial
 * message is dropped, as FFmpeg does, and the new one is delivered. */
START_TEST (test_header_mid_message)
{
  GPtrArray * e = recs_new ();

  expect_add (e, 6, 8, 1, 9, (const guint8 *) "\x01", 1);
  check_vector ("06 000007 0000c8 09 01000000 " PAYLOAD_00_7F
                "06 000009 000001 08 01000000 01\n",
      e);
  g_ptr_array_unref (e);
}

END_TEST;

/* ------------------------------------------------------------------ */
/* Malformed input and limits                                           */

START_TEST (test_fresh_csid_needs_fmt0)
{
  static const gchar * const hex[] = {
    "44 000000 000001 08 00   # fmt 1 on a fresh csid\n",
    "84 000000 00             # fmt 2 on a fresh csid\n",
    "c4 00                    # fmt 3 on a fresh csid\n",
    "04 000000 000001 08 01000000 00  c5 00  # fmt 3 on another csid\n",
  };
  ertmp_chunk_reader * r = ertmp_chunk_reader_new (NULL);
  GPtrArray *got = recs_new (), *e = recs_new ();
  GByteArray * v = test_hex (hex[_i]);

  if (_i == 3)
    expect_add (e, 4, 8, 1, 0, (const guint8 *) "", 1);
  check_all_splits (v->data, v->len, NULL, ERTMP_MALFORMED, e);
  g_ptr_array_unref (e);
  ck_assert_int_eq (feed (r, v->data, v->len, 0, 0, got), ERTMP_MALFORMED);
  ck_assert_int_eq (ertmp_chunk_reader_limit_hit (r), ERTMP_LIMIT_NONE);
  /* the reader is unusable after an error */
  ck_assert_int_eq (feed (r, v->data, v->len, 0, 0, got), ERTMP_STATE);
  g_byte_array_unref (v);
  g_ptr_array_unref (got);
  ertmp_chunk_reader_free (r);
}

END_TEST;

START_TEST (test_set_chunk_size_bounds)
{
  ertmp_chunk_reader * r = ertmp_chunk_reader_new (NULL);
  ertmp_chunk_writer * w = ertmp_chunk_writer_new ();

  ck_assert_uint_eq (ertmp_chunk_reader_get_chunk_size (r), 128);
  ck_assert_int_eq (ertmp_chunk_reader_set_chunk_size (r, 0), ERTMP_MALFORMED);
  /* bit 31 set (test-vectors.md 9: payload 80 00 10 00) */
  ck_assert_int_eq (
      ertmp_chunk_reader_set_chunk_size (r, 0x80001000u), ERTMP_MALFORMED);
  ck_assert_int_eq (
      ertmp_chunk_reader_set_chunk_size (r, 0xFFFFFFFFu), ERTMP_MALFORMED);
  ck_assert_uint_eq (ertmp_chunk_reader_get_chunk_size (r), 128);
  ck_assert_int_eq (ertmp_chunk_reader_set_chunk_size (r, 1), ERTMP_OK);
  ck_assert_int_eq (
      ertmp_chunk_reader_set_chunk_size (r, 0x7FFFFFFF), ERTMP_OK);
  ck_assert_uint_eq (ertmp_chunk_reader_get_chunk_size (r), 0x7FFFFFFF);

  ck_assert_int_eq (ertmp_chunk_writer_set_chunk_size (w, 0), ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_chunk_writer_set_chunk_size (w, 0x80000000u), ERTMP_STATE);
  ck_assert_uint_eq (ertmp_chunk_writer_get_chunk_size (w), 128);
  ck_assert_int_eq (
      ertmp_chunk_writer_set_chunk_size (w, 0x7FFFFFFF), ERTMP_OK);
  ck_assert_uint_eq (ertmp_chunk_writer_get_chunk_size (w), 0x7FFFFFFF);
  ertmp_chunk_writer_free (w);
  ertmp_chunk_reader_free (r);
}

END_TEST;

/* The Set Chunk Size message with bit 31 set stops the stream. */
START_TEST (test_set_chunk_size_message_bit31)
{
  GPtrArray * e = recs_new ();
  GByteArray * v = test_hex ("02 000000 000004 01 00000000 80001000");

  expect_add (e, 2, 1, 0, 0, v->data + 12, 4);
  check_all_splits (v->data, v->len, NULL, ERTMP_MALFORMED, e);
  g_byte_array_unref (v);
  g_ptr_array_unref (e);
}

END_TEST;

/* A message longer than max_message_size: LIMIT naming that limit, from the
 * fmt-0 and the fmt-1 length field alike. */
START_TEST (test_limit_message_size)
{
  static const gchar * const hex[] = {
    "04 000000 0003e9 09 01000000   # length 1001\n",
    "04 000000 0003e8 09 01000000   # length 1000: fine\n",
    "04 000000 000000 09 01000000  44 000000 0003e9 09  # fmt 1 1001\n",
  };
  ertmp_limits lim;
  ertmp_chunk_reader * r;
  GPtrArray * got = recs_new ();
  GByteArray * v = test_hex (hex[_i]);

  ertmp_limits_init (&lim);
  lim.max_message_size = 1000;
  r = ertmp_chunk_reader_new (&lim);
  if (_i == 1) {
    ck_assert_int_eq (feed (r, v->data, v->len, 0, 0, got), ERTMP_NEED_MORE);
  } else {
    ck_assert_int_eq (feed (r, v->data, v->len, 0, 0, got), ERTMP_LIMIT);
    ck_assert_int_eq (
        ertmp_chunk_reader_limit_hit (r), ERTMP_LIMIT_MAX_MESSAGE_SIZE);
  }
  g_byte_array_unref (v);
  g_ptr_array_unref (got);
  ertmp_chunk_reader_free (r);
}

END_TEST;

/* 64 chunk streams are fine, the 65th is LIMIT. */
START_TEST (test_limit_chunk_streams)
{
  ertmp_chunk_reader * r = ertmp_chunk_reader_new (NULL);
  GByteArray * out = g_byte_array_new ();
  ertmp_chunk_writer * w = ertmp_chunk_writer_new ();
  GPtrArray * got = recs_new ();
  guint32 csid;

  for (csid = 3; csid < 3 + 64; csid++)
    ertmp_chunk_writer_write (w, out, csid, 8, 1, 0, (const guint8 *) "x", 1);
  ck_assert_int_eq (feed (r, out->data, out->len, 0, 0, got), ERTMP_NEED_MORE);
  ck_assert_uint_eq (got->len, 64);
  ck_assert_uint_eq (ertmp_chunk_reader_n_streams (r), 64);
  g_byte_array_set_size (out, 0);
  ertmp_chunk_writer_write (w, out, 65599, 8, 1, 0, NULL, 0);
  ck_assert_int_eq (feed (r, out->data, out->len, 0, 0, got), ERTMP_LIMIT);
  ck_assert_int_eq (
      ertmp_chunk_reader_limit_hit (r), ERTMP_LIMIT_MAX_CHUNK_STREAMS);
  g_ptr_array_unref (got);
  ertmp_chunk_writer_free (w);
  g_byte_array_unref (out);
  ertmp_chunk_reader_free (r);
}

END_TEST;

/* Bytes held in partial messages on all csids are bounded; the declared
 * lengths are not counted, only what arrived. */
START_TEST (test_limit_reassembly_bytes)
{
  ertmp_limits lim;
  ertmp_chunk_reader * r;
  GByteArray * v = test_hex (
      "04 000000 ffffff 09 01000000" PAYLOAD_00_7F
      "06 000000 ffffff 09 01000000" PAYLOAD_00_7F "c4" PAYLOAD_00_7F);
  GPtrArray * got = recs_new ();

  ertmp_limits_init (&lim);
  lim.max_reassembly_bytes = 300;
  r = ertmp_chunk_reader_new (&lim);
  /* 2 x 16 MB declared, 256 bytes sent: below the 300-byte limit */
  ck_assert_int_eq (
      feed (r, v->data, v->len - 129, 0, 0, got), ERTMP_NEED_MORE);
  ck_assert_uint_eq (ertmp_chunk_reader_buffered_bytes (r), 256);
  ck_assert_int_eq (
      feed (r, v->data + v->len - 129, 129, 0, 0, got), ERTMP_LIMIT);
  ck_assert_int_eq (
      ertmp_chunk_reader_limit_hit (r), ERTMP_LIMIT_MAX_REASSEMBLY_BYTES);
  g_ptr_array_unref (got);
  g_byte_array_unref (v);
  ertmp_chunk_reader_free (r);
}

END_TEST;

/* A peer declaring 16 MB and sending 1 KB costs about 1 KB. */
START_TEST (test_memory_grows_with_bytes)
{
  ertmp_chunk_reader * r = ertmp_chunk_reader_new (NULL);
  GByteArray * v = test_hex ("04 000000 ffffff 09 01000000  # 16 MB declared");
  GPtrArray * got = recs_new ();
  guint8 body[1024] = { 0 };

  ertmp_chunk_reader_set_chunk_size (r, 4096);
  g_byte_array_append (v, body, sizeof (body));
  ck_assert_int_eq (feed (r, v->data, v->len, 0, 0, got), ERTMP_NEED_MORE);
  ck_assert_uint_eq (ertmp_chunk_reader_buffered_bytes (r), 1024);
  ck_assert_uint_eq (ertmp_chunk_reader_n_streams (r), 1);
  g_ptr_array_unref (got);
  g_byte_array_unref (v);
  ertmp_chunk_reader_free (r);
}

END_TEST;

/* ------------------------------------------------------------------ */
/* Writer policy                                                        */

START_TEST (test_writer_policy)
{
  ertmp_chunk_writer * w = ertmp_chunk_writer_new ();
  GByteArray * out = g_byte_array_new ();
  static const struct
  {
    guint32 csid, msid, ts;
    guint8 type_id;
    gsize len;
    guint8 first; /* expected first byte: fmt << 6 | csid */
  } steps[] = {
    { 4, 1, 100, 8, 10, 0x04 }, /* first on csid: fmt 0 */
    { 4, 1, 120, 8, 10, 0x84 }, /* same length and type: fmt 2 */
    { 4, 1, 140, 8, 10, 0xc4 }, /* same delta too: fmt 3 */
    { 4, 1, 150, 9, 20, 0x44 }, /* type and length change: fmt 1 */
    { 4, 1, 140, 9, 20, 0x04 }, /* time goes backwards: fmt 0 */
    { 4, 1, 180, 9, 20, 0x84 }, /* fmt 0 then delta 40: fmt 2, not 3 */
    { 4, 2, 180, 9, 20, 0x04 }, /* msid changes: fmt 0 */
    { 4, 2, 0x2000000, 9, 20, 0x84 }, /* extended delta: fmt 2 */
    { 4, 2, 0x4000000, 9, 20, 0x84 }, /* never fmt 3 with ext */
  };
  guint8 payload[20] = { 0 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (steps); i++) {
    g_byte_array_set_size (out, 0);
    ck_assert_int_eq (
        ertmp_chunk_writer_write (w, out, steps[i].csid, steps[i].type_id,
            steps[i].msid, steps[i].ts, payload, steps[i].len),
        ERTMP_OK);
    ck_assert_uint_eq (out->data[0], steps[i].first);
  }
  ck_assert_int_eq (
      ertmp_chunk_writer_write (w, out, 1, 8, 1, 0, NULL, 0), ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_chunk_writer_write (w, out, 65600, 8, 1, 0, NULL, 0), ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_chunk_writer_write (w, out, 3, 8, 1, 0, payload, 0x1000000),
      ERTMP_STATE);
  g_byte_array_unref (out);
  ertmp_chunk_writer_free (w);
}

END_TEST;

/* ------------------------------------------------------------------ */
/* Round trips                                                          */

static const guint32 rt_chunk_sizes[] = { 1, 128, 4096, 65536, 0xFFFFFF };
static const guint32 rt_csids[] = { 3, 4, 6, 64, 320, 65599 };

/* Next timestamp on a csid: small steps, jumps >= 0xFFFFFF, going back. */
static guint32
next_ts (GRand * rand, guint32 ts)
{
  switch (g_rand_int_range (rand, 0, 10)) {
    case 0:
      return ts + 0xFFFFFF + (guint32) g_rand_int_range (rand, 0, 3);
    case 1:
      return ts - (guint32) g_rand_int_range (rand, 0, 50);
    default:
      return ts + (guint32) g_rand_int_range (rand, 0, 100);
  }
}

static gsize
next_len (GRand * rand)
{
  switch (g_rand_int_range (rand, 0, 4)) {
    case 0:
      return g_rand_int_range (rand, 0, 1024 * 1024 + 1);
    case 1:
      return g_rand_int_range (rand, 0, 3);
    default:
      return g_rand_int_range (rand, 0, 5000);
  }
}

/* End offsets of the chunks of one message as written by the writer. */
static GArray *
chunk_ends (const GByteArray * m, gsize len, guint32 chunk_size)
{
  static const gsize mh[4] = { 11, 7, 3, 0 };
  GArray * ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  const guint8 * p = m->data;
  guint fmt = p[0] >> 6;
  gsize basic = (p[0] & 0x3f) == 0 ? 2 : (p[0] & 0x3f) == 1 ? 3 : 1;
  gboolean ext = fmt < 3 && p[basic] == 0xff && p[basic + 1] == 0xff &&
      p[basic + 2] == 0xff;
  gsize off = basic + mh[fmt] + (ext ? 4 : 0), done = 0, n;

  chunk_size = MIN (chunk_size, 0xFFFFFF);
  do {
    n = MIN (len - done, chunk_size);
    off += n;
    done += n;
    g_array_append_val (ends, off);
    if (done < len)
      off += basic + (ext ? 4 : 0);
  } while (done < len);
  ck_assert_uint_eq (off, m->len);
  return ends;
}

/* Appends the chunks of @msgs (one message per csid) round-robin. */
static void
interleave_chunks (GByteArray * wire, GByteArray ** msgs, const gsize * lens,
    guint n, guint32 chunk_size)
{
  GArray ** ends = g_new0 (GArray *, n);
  gboolean more = TRUE;
  guint c, k;

  for (k = 0; k < n; k++)
    ends[k] = chunk_ends (msgs[k], lens[k], chunk_size);
  for (c = 0; more; c++) {
    more = FALSE;
    for (k = 0; k < n; k++) {
      gsize start, end;

      if (c >= ends[k]->len)
        continue;
      start = c == 0 ? 0 : g_array_index (ends[k], gsize, c - 1);
      end = g_array_index (ends[k], gsize, c);
      g_byte_array_append (wire, msgs[k]->data + start, end - start);
      more = TRUE;
    }
  }
  for (k = 0; k < n; k++) {
    g_array_unref (ends[k]);
    g_byte_array_unref (msgs[k]);
  }
  g_free (ends);
}

/* Messages of each csid arrive in order and intact. */
static void
check_per_csid (GPtrArray * got, GPtrArray ** sent, guint n)
{
  guint k, i;

  for (k = 0; k < n; k++) {
    GPtrArray * mine = g_ptr_array_new ();

    for (i = 0; i < got->len; i++)
      if (((rec *) got->pdata[i])->csid == rt_csids[k])
        g_ptr_array_add (mine, got->pdata[i]);
    assert_recs_equal (mine, sent[k]);
    g_ptr_array_unref (mine);
  }
}

/* Writes ~n messages spread over several csids, the chunks of one message
 * per csid in flight interleaved round-robin, and reads them back in random
 * slices. */
static void
round_trip (guint32 chunk_size, guint seed, guint n_rounds)
{
  GRand * rand = g_rand_new_with_seed (seed);
  ertmp_chunk_writer * w = ertmp_chunk_writer_new ();
  ertmp_chunk_reader * r = ertmp_chunk_reader_new (NULL);
  GByteArray * wire = g_byte_array_new ();
  GPtrArray *sent[G_N_ELEMENTS (rt_csids)], *got = recs_new ();
  guint32 ts[G_N_ELEMENTS (rt_csids)];
  guint8 * payload = g_malloc (1024 * 1024);
  gsize off = 0, i, k, round;

  for (i = 0; i < 1024 * 1024; i++)
    payload[i] = (guint8) g_rand_int (rand);
  ck_assert_int_eq (
      ertmp_chunk_writer_set_chunk_size (w, chunk_size), ERTMP_OK);
  ck_assert_int_eq (
      ertmp_chunk_reader_set_chunk_size (r, chunk_size), ERTMP_OK);
  for (k = 0; k < G_N_ELEMENTS (rt_csids); k++) {
    sent[k] = recs_new ();
    ts[k] = k % 2 ? 0xFFFFFFFFu - 300 : 0xFFFFFF - 30;
  }
  for (round = 0; round < n_rounds; round++) {
    GByteArray * msgs[G_N_ELEMENTS (rt_csids)];
    gsize lens[G_N_ELEMENTS (rt_csids)];

    for (k = 0; k < G_N_ELEMENTS (rt_csids); k++) {
      gsize len = next_len (rand);
      const guint8 * p =
          payload + g_rand_int_range (rand, 0, 1024 * 1024 - len + 1);
      guint32 msid = round % 4 == 3 ? 2 : 1;
      guint8 type_id = g_rand_boolean (rand) ? 8 : 9;

      ts[k] = next_ts (rand, ts[k]);
      msgs[k] = g_byte_array_new ();
      lens[k] = len;
      ck_assert_int_eq (ertmp_chunk_writer_write (w, msgs[k], rt_csids[k],
                            type_id, msid, ts[k], p, len),
          ERTMP_OK);
      expect_add (sent[k], rt_csids[k], type_id, msid, ts[k], p, len);
    }
    interleave_chunks (wire, msgs, lens, G_N_ELEMENTS (rt_csids), chunk_size);
  }
  while (off < wire->len) {
    gsize n = MIN (wire->len - off,
        (gsize) g_rand_int_range (rand, 1, chunk_size < 128 ? 64 : 200000));
    ck_assert_int_eq (
        feed_piece (r, wire->data + off, n, got), ERTMP_NEED_MORE);
    off += n;
  }
  check_per_csid (got, sent, G_N_ELEMENTS (rt_csids));
  ck_assert_uint_eq (ertmp_chunk_reader_buffered_bytes (r), 0);
  for (k = 0; k < G_N_ELEMENTS (rt_csids); k++)
    g_ptr_array_unref (sent[k]);
  g_ptr_array_unref (got);
  g_byte_array_unref (wire);
  g_free (payload);
  ertmp_chunk_reader_free (r);
  ertmp_chunk_writer_free (w);
  g_rand_free (rand);
}

START_TEST (test_round_trip)
{
  round_trip (rt_chunk_sizes[_i], 0x5eed + _i, _i == 0 ? 3 : 8);
}

END_TEST;

/* ------------------------------------------------------------------ */
/* Standalone chunks: one copy of a message for every connection       */

/* fmt 0 whatever came before, the extended timestamp on continuations */
START_TEST (test_standalone_vector)
{
  GByteArray *out = g_byte_array_new (), *v = test_hex (vec_2_4);
  GBytes * p = bytes_00_c7 ();
  gchar * hex;

  ck_assert_int_eq (ertmp_chunk_write_standalone (out, 128, 6, 9, 1, 0x01000000,
                        g_bytes_get_data (p, NULL), 200),
      ERTMP_OK);
  ck_assert_bytes_eq (out->data, out->len, v->data, v->len);
  g_byte_array_unref (v);

  g_byte_array_set_size (out, 0);
  ck_assert_int_eq (ertmp_chunk_write_standalone (
                        out, 128, 6, 9, 1, 5, g_bytes_get_data (p, NULL), 200),
      ERTMP_OK);
  hex = g_strdup_printf (
      "06 000005 0000c8 09 01000000" PAYLOAD_00_7F "c6" PAYLOAD_80_C7);
  v = test_hex (hex);
  ck_assert_bytes_eq (out->data, out->len, v->data, v->len);
  g_byte_array_unref (v);
  g_free (hex);

  ck_assert_int_eq (
      ertmp_chunk_write_standalone (out, 0, 6, 9, 1, 5, NULL, 0), ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_chunk_write_standalone (out, 128, 1, 9, 1, 5, NULL, 0),
      ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_chunk_write_standalone (out, 0x80000000u, 6, 9, 1, 5, NULL, 0),
      ERTMP_STATE);
  /* the largest size: one chunk per message (sizes act as 0xFFFFFF) */
  g_byte_array_set_size (out, 0);
  ck_assert_int_eq (ertmp_chunk_write_standalone (out, 0x7FFFFFFF, 6, 9, 1, 5,
                        g_bytes_get_data (p, NULL), 200),
      ERTMP_OK);
  ck_assert_uint_eq (out->len, 12 + 200);
  g_bytes_unref (p);
  g_byte_array_unref (out);
}

END_TEST;

/* A writer's messages, a standalone one on the same csid, then the
 * writer again after forget(): the reader gets all four */
START_TEST (test_standalone_between_writer)
{
  ertmp_chunk_writer * w = ertmp_chunk_writer_new ();
  GByteArray * out = g_byte_array_new ();
  GPtrArray * e = recs_new ();
  guint8 p[300];
  gsize at;
  guint i;

  for (i = 0; i < sizeof (p); i++)
    p[i] = (guint8) (i * 3);
  ck_assert_int_eq (ertmp_chunk_writer_set_chunk_size (w, 128), ERTMP_OK);
  ck_assert_int_eq (
      ertmp_chunk_writer_write (w, out, 6, 9, 1, 100, p, 50), ERTMP_OK);
  ck_assert_int_eq (
      ertmp_chunk_writer_write (w, out, 6, 9, 1, 133, p, 50), ERTMP_OK);
  ck_assert_int_eq (
      ertmp_chunk_write_standalone (out, 128, 6, 9, 1, 166, p, 300), ERTMP_OK);
  ertmp_chunk_writer_forget (w, 6);
  at = out->len;
  ck_assert_int_eq (
      ertmp_chunk_writer_write (w, out, 6, 9, 1, 200, p, 50), ERTMP_OK);
  /* without forget() this would be a fmt 2 header, its delta (67) added
   * to the standalone message's timestamp by the reader */
  ck_assert_uint_eq (out->data[at], 0x06);
  expect_add (e, 6, 9, 1, 100, p, 50);
  expect_add (e, 6, 9, 1, 133, p, 50);
  expect_add (e, 6, 9, 1, 166, p, 300);
  expect_add (e, 6, 9, 1, 200, p, 50);
  check_all_splits (out->data, out->len, NULL, ERTMP_NEED_MORE, e);
  g_ptr_array_unref (e);
  g_byte_array_unref (out);
  ertmp_chunk_writer_free (w);
}

END_TEST;

static Suite *
chunk_suite (void)
{
  Suite * s = suite_create ("chunk");
  TCase * tc = tcase_create ("vectors");

  tcase_add_loop_test (tc, test_vector_2_1_control, 0, G_N_ELEMENTS (vec_2_1));
  tcase_add_test (tc, test_vector_2_1_stream);
  tcase_add_loop_test (
      tc, test_vector_2_2_basic_header, 0, G_N_ELEMENTS (vec_2_2));
  tcase_add_test (tc, test_vector_2_3_fmt_sequence);
  tcase_add_test (tc, test_vector_2_3_fmt1);
  tcase_add_test (tc, test_vector_2_4_extended);
  tcase_add_loop_test (tc, test_extended_delta_continuation, 0, 3);
  tcase_add_test (tc, test_extended_fmt3_new_message);
  tcase_add_test (tc, test_vector_2_5_connect);
  suite_add_tcase (s, tc);

  tc = tcase_create ("reassembly");
  tcase_add_test (tc, test_timestamp_rules);
  tcase_add_test (tc, test_interleaved_one_csid);
  tcase_add_test (tc, test_interleaved_csids_chunk_size);
  tcase_add_test (tc, test_abort);
  tcase_add_test (tc, test_abort_mid_chunk);
  tcase_add_test (tc, test_header_mid_message);
  tcase_add_test (tc, test_zero_copy);
  suite_add_tcase (s, tc);

  tc = tcase_create ("malformed");
  tcase_add_loop_test (tc, test_fresh_csid_needs_fmt0, 0, 4);
  tcase_add_test (tc, test_set_chunk_size_bounds);
  tcase_add_test (tc, test_set_chunk_size_message_bit31);
  tcase_add_loop_test (tc, test_limit_message_size, 0, 3);
  tcase_add_test (tc, test_limit_chunk_streams);
  tcase_add_test (tc, test_limit_reassembly_bytes);
  tcase_add_test (tc, test_memory_grows_with_bytes);
  suite_add_tcase (s, tc);

  tc = tcase_create ("writer");
  tcase_add_test (tc, test_writer_policy);
  tcase_add_loop_test (tc, test_round_trip, 0, G_N_ELEMENTS (rt_chunk_sizes));
  tcase_add_test (tc, test_standalone_vector);
  tcase_add_test (tc, test_standalone_between_writer);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (chunk_suite ());
}
