/* gst-ertmp: tests of FLV file framing
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Known answers from test-vectors.md section 5 and flv.md 1-3, the reader
 * fed every prefix and every split point, PreviousTagSize mismatches,
 * resync past broken tag headers, truncation at every offset, the real
 * files of ../shared/media read whole and in random slices, writer round
 * trips and the timestamp unwrap rule.
 */
#include "ertmp_flv.h"
#include "ertmp_bytes.h"
#include "test_util.h"

#define MEDIA_DIR ERTMP_TEST_SRCDIR "/../../../shared/media"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

typedef struct
{
  ertmp_flv_tag_header h;
  guint64 offset;
  guint64 skipped;
  gboolean mismatch;
  gchar * note; /* describe () after the tag */
  GBytes * payload;
} rec;

typedef struct
{
  GPtrArray * tags; /* rec */
  ertmp_result res; /* of the last read */
  gchar * error; /* describe () after an error */
  gboolean pending;
  guint64 pending_offset;
} run;

static void
rec_free (gpointer p)
{
  rec * t = p;

  g_bytes_unref (t->payload);
  g_free (t->note);
  g_free (t);
}

static void
run_free (run * u)
{
  g_ptr_array_unref (u->tags);
  g_free (u->error);
  g_free (u);
}

/* Records a tag; takes the payload of every other one (the taken and the
 * dropped paths both run). */
static void
record (ertmp_flv_reader * r, const ertmp_flv_tag * tag, run * u)
{
  rec * t = g_new0 (rec, 1);

  t->h = tag->header;
  t->offset = tag->offset;
  t->skipped = tag->skipped;
  t->mismatch = tag->prev_size_mismatch;
  t->note = g_strdup (ertmp_flv_reader_describe (r));
  ck_assert_ptr_nonnull (tag->payload);
  if (u->tags->len % 2 == 0) {
    gsize n;
    const guint8 * p;

    t->payload = ertmp_flv_reader_take_payload (r);
    p = g_bytes_get_data (t->payload, &n);
    ck_assert_bytes_eq (p, n, tag->payload, tag->header.size);
  } else {
    t->payload = g_bytes_new (tag->payload, tag->header.size);
  }
  g_ptr_array_add (u->tags, t);
}

/* Reads @data in pieces: two pieces cut at @split when it is > 0, else
 * pieces of @piece bytes (0: whole). */
static run *
read_run (const guint8 * data, gsize len, const ertmp_limits * lim, gsize piece,
    gsize split)
{
  ertmp_flv_reader * r = ertmp_flv_reader_new (lim);
  run * u = g_new0 (run, 1);
  gsize off = 0, consumed;
  ertmp_flv_tag tag;

  u->tags = g_ptr_array_new_with_free_func (rec_free);
  u->res = ERTMP_NEED_MORE;
  while (off < len && u->res == ERTMP_NEED_MORE) {
    gsize n = split > 0 ? (off < split ? split : len - off)
        : piece > 0     ? MIN (piece, len - off)
                        : len;
    const guint8 * p = data + off;

    off += n;
    while ((u->res = ertmp_flv_reader_read (r, p, n, &consumed, &tag)) ==
        ERTMP_OK) {
      record (r, &tag, u);
      p += consumed;
      n -= consumed;
    }
    if (u->res == ERTMP_NEED_MORE)
      ck_assert_uint_eq (consumed, n);
  }
  if (u->res != ERTMP_NEED_MORE)
    u->error = g_strdup (ertmp_flv_reader_describe (r));
  u->pending = ertmp_flv_reader_pending (r, &u->pending_offset);
  ertmp_flv_reader_free (r);
  return u;
}

static void
assert_header_eq (
    const ertmp_flv_tag_header * a, const ertmp_flv_tag_header * b)
{
  ck_assert_uint_eq (a->type, b->type);
  ck_assert_int_eq (a->filter, b->filter);
  ck_assert_uint_eq (a->size, b->size);
  ck_assert_uint_eq (a->timestamp, b->timestamp);
  ck_assert_uint_eq (a->stream_id, b->stream_id);
}

static void
assert_runs_equal (const run * a, const run * b)
{
  guint i;

  ck_assert_uint_eq (a->tags->len, b->tags->len);
  for (i = 0; i < a->tags->len; i++) {
    rec *x = g_ptr_array_index (a->tags, i),
        *y = g_ptr_array_index (b->tags, i);

    assert_header_eq (&x->h, &y->h);
    ck_assert_uint_eq (x->offset, y->offset);
    ck_assert_uint_eq (x->skipped, y->skipped);
    ck_assert_int_eq (x->mismatch, y->mismatch);
    ck_assert_str_eq (x->note ? x->note : "", y->note ? y->note : "");
    ck_assert (g_bytes_equal (x->payload, y->payload));
  }
  ck_assert_int_eq (a->res, b->res);
  ck_assert_str_eq (a->error ? a->error : "", b->error ? b->error : "");
  ck_assert_int_eq (a->pending, b->pending);
  if (a->pending)
    ck_assert_uint_eq (a->pending_offset, b->pending_offset);
}

/* The whole-input run, after checking that byte-by-byte feeding and every
 * two-piece split give the same. */
static run *
check_all_splits (const guint8 * data, gsize len, const ertmp_limits * lim)
{
  run *whole = read_run (data, len, lim, 0, 0), *u;
  gsize k;

  u = read_run (data, len, lim, 1, 0);
  assert_runs_equal (whole, u);
  run_free (u);
  for (k = 1; k < len; k++) {
    u = read_run (data, len, lim, 0, k);
    assert_runs_equal (whole, u);
    run_free (u);
  }
  return whole;
}

static rec *
tag_at (const run * u, guint i)
{
  return g_ptr_array_index (u->tags, i);
}

/* An FLV built with the writer: header, then tags of @n_tags @sizes. */
static GByteArray *
flv_build (const gsize * sizes, guint n_tags)
{
  GByteArray * b = g_byte_array_new ();
  guint i;
  gsize k;

  ertmp_flv_write_header (b, ERTMP_FLV_FLAG_AUDIO | ERTMP_FLV_FLAG_VIDEO);
  for (i = 0; i < n_tags; i++) {
    ertmp_flv_tag_header h = { 0 };

    h.type = i % 2 ? ERTMP_FLV_TAG_AUDIO : ERTMP_FLV_TAG_VIDEO;
    h.size = (guint32) sizes[i];
    h.timestamp = i * 40u;
    ck_assert_int_eq (ertmp_flv_write_tag_header (b, &h), ERTMP_OK);
    for (k = 0; k < sizes[i]; k++)
      ertmp_put_u8 (b, (guint8) (i * 31 + k));
    ck_assert_int_eq (ertmp_flv_write_prev_size (b, sizes[i]), ERTMP_OK);
  }
  return b;
}

/* Offsets of the tag headers in an FLV from flv_build. */
static guint64
tag_offset (const gsize * sizes, guint i)
{
  guint64 off = ERTMP_FLV_HEADER_SIZE + ERTMP_FLV_PREV_SIZE_SIZE;
  guint j;

  for (j = 0; j < i; j++)
    off += ERTMP_FLV_TAG_HEADER_SIZE + sizes[j] + ERTMP_FLV_PREV_SIZE_SIZE;
  return off;
}

static void
bytes_insert (GByteArray * b, gsize at, const guint8 * p, gsize n)
{
  gsize tail = b->len - at;

  g_byte_array_set_size (b, (guint) (b->len + n));
  memmove (b->data + at + n, b->data + at, tail);
  memcpy (b->data + at, p, n);
}

static const gsize sizes5[] = { 3, 0, 300, 1, 40 };

/* ------------------------------------------------------------------ */
/* Known answers                                                        */

#define VEC_5_HEADER \
  "46 4c 56     # 'FLV'\n" \
  "01           # version 1\n" \
  "05           # flags: audio (0x04) | video (0x01)\n" \
  "00 00 00 09  # DataOffset 9\n" \
  "00 00 00 00  # PreviousTagSize0\n"

#define VEC_5_TAG \
  "08           # reserved 0, filter 0, TagType 8 audio\n" \
  "00 00 04     # DataSize 4\n" \
  "34 56 78     # Timestamp, low 24 bits\n" \
  "12           # TimestampExtended: ts = 0x12345678\n" \
  "00 00 00     # StreamID 0\n" \
  "af 01 21 00  # body: AAC raw\n" \
  "00 00 00 0f  # PreviousTagSize 11 + 4\n"

START_TEST (test_vector_5_header)
{
  GByteArray *v = test_hex (VEC_5_HEADER), *w = g_byte_array_new ();
  ertmp_flv_header h;
  ertmp_flv_reader * r = ertmp_flv_reader_new (NULL);
  ertmp_flv_tag tag;
  gsize consumed;

  ck_assert_int_eq (ertmp_flv_parse_header (v->data, 8, &h), ERTMP_NEED_MORE);
  ck_assert_int_eq (ertmp_flv_parse_header (v->data, v->len, &h), ERTMP_OK);
  ck_assert_uint_eq (h.version, 1);
  ck_assert_uint_eq (h.flags, ERTMP_FLV_FLAG_AUDIO | ERTMP_FLV_FLAG_VIDEO);
  ck_assert_uint_eq (h.data_offset, 9);
  ertmp_flv_write_header (w, ERTMP_FLV_FLAG_AUDIO | ERTMP_FLV_FLAG_VIDEO);
  ck_assert_bytes_eq (w->data, w->len, v->data, v->len);

  ck_assert (!ertmp_flv_reader_get_header (r, &h));
  ck_assert_int_eq (ertmp_flv_reader_read (r, v->data, v->len, &consumed, &tag),
      ERTMP_NEED_MORE);
  ck_assert_uint_eq (consumed, v->len);
  ck_assert (ertmp_flv_reader_get_header (r, &h));
  ck_assert_uint_eq (h.flags, 5);
  ck_assert (!ertmp_flv_reader_pending (r, NULL));
  ertmp_flv_reader_free (r);
  g_byte_array_unref (v);
  g_byte_array_unref (w);
}
END_TEST

START_TEST (test_vector_5_tag)
{
  GByteArray *v = test_hex (VEC_5_HEADER VEC_5_TAG), *w = g_byte_array_new ();
  ertmp_flv_tag_header h,
      built = { ERTMP_FLV_TAG_AUDIO, FALSE, 4, 0x12345678, 0 };
  const guint8 * t = v->data + 13;
  ertmp_flv_reader * r = ertmp_flv_reader_new (NULL);
  ertmp_flv_tag tag;
  gsize consumed;
  run * u;

  ck_assert_int_eq (ertmp_flv_parse_tag_header (t, 10, &h), ERTMP_NEED_MORE);
  ck_assert_int_eq (ertmp_flv_parse_tag_header (t, 11, &h), ERTMP_OK);
  assert_header_eq (&h, &built);
  ck_assert_int_eq (ertmp_flv_write_tag_header (w, &built), ERTMP_OK);
  ertmp_put_bytes (w, t + 11, 4);
  ck_assert_int_eq (ertmp_flv_write_prev_size (w, 4), ERTMP_OK);
  ck_assert_bytes_eq (w->data, w->len, t, 19);

  /* whole tag in the input: the payload is a view into it */
  ck_assert_int_eq (
      ertmp_flv_reader_read (r, v->data, v->len, &consumed, &tag), ERTMP_OK);
  ck_assert_uint_eq (consumed, 13 + 11 + 4);
  ck_assert_ptr_eq (tag.payload, t + 11);
  ck_assert_uint_eq (tag.header.timestamp, 0x12345678);
  ck_assert_uint_eq (tag.offset, 13);
  ck_assert (!tag.prev_size_mismatch && tag.skipped == 0);
  ck_assert_ptr_null (ertmp_flv_reader_describe (r));
  ertmp_flv_reader_free (r);

  u = check_all_splits (v->data, v->len, NULL);
  ck_assert_uint_eq (u->tags->len, 1);
  ck_assert (!u->pending);
  run_free (u);
  g_byte_array_unref (v);
  g_byte_array_unref (w);
}
END_TEST

/* One known answer per field, and the extended timestamp byte. */
START_TEST (test_tag_header_fields)
{
  static const struct
  {
    const gchar * hex;
    ertmp_flv_tag_header h;
  } kat[] = {
    { "09 00 01 00 00 00 00 00 00 00 00  # video, 256 bytes, ts 0",
        { ERTMP_FLV_TAG_VIDEO, FALSE, 256, 0, 0 } },
    { "12 ff ff ff ff ff ff 7f 00 00 00  # script, max size, ts 2^31-1",
        { ERTMP_FLV_TAG_SCRIPT, FALSE, 0xFFFFFF, 0x7FFFFFFF, 0 } },
    { "0f 00 00 00 00 00 00 01 00 00 00  # AMF3 script, ts 2^24",
        { ERTMP_FLV_TAG_SCRIPT_AMF3, FALSE, 0, 0x1000000, 0 } },
    { "08 00 00 01 ff ff ff ff 00 00 00  # audio, ts 0xFFFFFFFF",
        { ERTMP_FLV_TAG_AUDIO, FALSE, 1, 0xFFFFFFFF, 0 } },
    { "28 00 00 02 00 00 01 00 00 00 01  # filter bit, StreamID 1",
        { ERTMP_FLV_TAG_AUDIO, TRUE, 2, 1, 1 } },
  };
  static const gchar * bad[] = {
    "48 00 00 00 00 00 00 00 00 00 00  # reserved bit 6",
    "88 00 00 00 00 00 00 00 00 00 00  # reserved bit 7",
    "07 00 00 00 00 00 00 00 00 00 00  # TagType 7",
    "1f 00 00 00 00 00 00 00 00 00 00  # TagType 31",
  };
  ertmp_flv_tag_header h;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (kat); i++) {
    GByteArray *v = test_hex (kat[i].hex), *w = g_byte_array_new ();

    ck_assert_int_eq (
        ertmp_flv_parse_tag_header (v->data, v->len, &h), ERTMP_OK);
    assert_header_eq (&h, &kat[i].h);
    ck_assert_int_eq (ertmp_flv_write_tag_header (w, &kat[i].h), ERTMP_OK);
    ck_assert_bytes_eq (w->data, w->len, v->data, v->len);
    g_byte_array_unref (v);
    g_byte_array_unref (w);
  }
  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    GByteArray * v = test_hex (bad[i]);

    ck_assert_int_eq (
        ertmp_flv_parse_tag_header (v->data, v->len, &h), ERTMP_MALFORMED);
    g_byte_array_unref (v);
  }
}
END_TEST

START_TEST (test_writer_refuses)
{
  GByteArray * w = g_byte_array_new ();
  ertmp_flv_tag_header h = { 7, FALSE, 1, 0, 0 };

  ck_assert_int_eq (ertmp_flv_write_tag_header (w, &h), ERTMP_STATE);
  h.type = ERTMP_FLV_TAG_VIDEO;
  h.size = 0x1000000;
  ck_assert_int_eq (ertmp_flv_write_tag_header (w, &h), ERTMP_STATE);
  h.size = 1;
  h.stream_id = 0x1000000;
  ck_assert_int_eq (ertmp_flv_write_tag_header (w, &h), ERTMP_STATE);
  ck_assert_int_eq (ertmp_flv_write_prev_size (w, 0x1000000), ERTMP_STATE);
  ck_assert_uint_eq (w->len, 0);
  g_byte_array_unref (w);
}
END_TEST

START_TEST (test_file_header_errors)
{
  static const gchar * bad[] = {
    "46 4c 58 01 05 00 00 00 09 00 00 00 00  # 'FLX'",
    "46 4c 56 01 05 00 00 00 08 00 00 00 00  # DataOffset 8",
    "46 4c 56 01 05 00 10 00 09 00 00 00 00  # DataOffset 1 MiB + 9",
  };
  static const gchar * what[] = { "not an FLV file", "below 9",
    "resync window" };
  ertmp_limits lim;
  guint i;

  ertmp_limits_init (&lim);
  lim.flv_resync_window = 1024 * 1024 - 1;
  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    GByteArray * v = test_hex (bad[i]);
    ertmp_flv_header h;
    run * u = check_all_splits (v->data, v->len, &lim);

    ck_assert_int_eq (u->res, ERTMP_MALFORMED);
    ck_assert_msg (strstr (u->error, what[i]) != NULL, "%s", u->error);
    ck_assert_int_eq (ertmp_flv_parse_header (v->data, v->len, &h),
        i < 2 ? ERTMP_MALFORMED : ERTMP_OK);
    run_free (u);
    g_byte_array_unref (v);
  }
}
END_TEST

/* DataOffset > 9: the extra bytes are skipped. */
START_TEST (test_data_offset_skip)
{
  GByteArray * b = flv_build (sizes5, 3);
  static const guint8 extra[6] = { 1, 2, 3, 4, 5, 6 };
  run * u;

  b->data[8] = 9 + sizeof (extra);
  bytes_insert (b, ERTMP_FLV_HEADER_SIZE, extra, sizeof (extra));
  u = check_all_splits (b->data, b->len, NULL);
  ck_assert_uint_eq (u->tags->len, 3);
  ck_assert_uint_eq (tag_at (u, 0)->offset, 13 + sizeof (extra));
  ck_assert (!tag_at (u, 0)->mismatch);
  run_free (u);
  g_byte_array_unref (b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Splits, zero copy, memory                                            */

START_TEST (test_every_prefix_and_split)
{
  GByteArray * b = flv_build (sizes5, G_N_ELEMENTS (sizes5));
  run * whole = check_all_splits (b->data, b->len, NULL);
  gsize k;
  guint i;

  ck_assert_uint_eq (whole->tags->len, G_N_ELEMENTS (sizes5));
  for (i = 0; i < whole->tags->len; i++) {
    rec * t = tag_at (whole, i);

    ck_assert_uint_eq (t->h.size, sizes5[i]);
    ck_assert_uint_eq (t->h.timestamp, i * 40);
    ck_assert_uint_eq (t->offset, tag_offset (sizes5, i));
    ck_assert (!t->mismatch && t->skipped == 0 && t->note == NULL);
  }
  /* a prefix gives exactly the tags whose body it holds */
  for (k = 0; k <= b->len; k++) {
    run * u = read_run (b->data, k, NULL, 0, 0);
    guint expect = 0;

    while (expect < whole->tags->len &&
        tag_offset (sizes5, expect) + 11 + sizes5[expect] <= k)
      expect++;
    ck_assert_uint_eq (u->tags->len, expect);
    for (i = 0; i < expect; i++)
      ck_assert (
          g_bytes_equal (tag_at (u, i)->payload, tag_at (whole, i)->payload));
    run_free (u);
  }
  run_free (whole);
  g_byte_array_unref (b);
}
END_TEST

START_TEST (test_zero_copy)
{
  GByteArray * b = flv_build (sizes5, G_N_ELEMENTS (sizes5));
  ertmp_flv_reader * r = ertmp_flv_reader_new (NULL);
  guint64 off = 0;
  ertmp_flv_tag tag;
  gsize consumed, at = 0, cut = (gsize) tag_offset (sizes5, 2) + 11 + 100;
  GBytes * taken;

  /* whole in the input: a view */
  ck_assert_int_eq (
      ertmp_flv_reader_read (r, b->data, b->len, &consumed, &tag), ERTMP_OK);
  ck_assert_ptr_eq (tag.payload, b->data + tag_offset (sizes5, 0) + 11);
  ertmp_flv_reader_free (r);

  /* the 300-byte body cut in two: buffered, and take does not copy */
  r = ertmp_flv_reader_new (NULL);
  while (ertmp_flv_reader_read (r, b->data + at, cut - at, &consumed, &tag) ==
      ERTMP_OK)
    at += consumed;
  ck_assert_uint_eq (ertmp_flv_reader_buffered_bytes (r), 100);
  ck_assert (ertmp_flv_reader_pending (r, &off));
  ck_assert_uint_eq (off, tag_offset (sizes5, 2));
  ck_assert_int_eq (
      ertmp_flv_reader_read (r, b->data + cut, b->len - cut, &consumed, &tag),
      ERTMP_OK);
  ck_assert_uint_eq (tag.header.size, 300);
  ck_assert_uint_eq (ertmp_flv_reader_buffered_bytes (r), 0);
  taken = ertmp_flv_reader_take_payload (r);
  ck_assert_ptr_eq (g_bytes_get_data (taken, NULL), tag.payload);
  ck_assert_bytes_eq (tag.payload, 300, b->data + cut - 100, 300);
  g_bytes_unref (taken);
  ertmp_flv_reader_free (r);
  g_byte_array_unref (b);
}
END_TEST

/* A header announcing 16 MB: the reader holds what arrived (its buffer
 * grows with the bytes, see buf_reserve). */
START_TEST (test_memory_grows_with_bytes)
{
  GByteArray * b = test_hex (VEC_5_HEADER
      "09 ff ff ff 00 00 00 00 00 00 00  # video, DataSize 0xFFFFFF\n"
      "00 01 02 03 04 05 06 07 08 09     # 10 body bytes\n");
  ertmp_flv_reader * r = ertmp_flv_reader_new (NULL);
  ertmp_flv_tag tag;
  gsize consumed;
  guint64 off = 0;

  ck_assert_int_eq (ertmp_flv_reader_read (r, b->data, b->len, &consumed, &tag),
      ERTMP_NEED_MORE);
  ck_assert_uint_eq (ertmp_flv_reader_buffered_bytes (r), 10);
  ck_assert (ertmp_flv_reader_pending (r, &off));
  ck_assert_uint_eq (off, 13);
  ertmp_flv_reader_free (r);
  g_byte_array_unref (b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Robustness                                                           */

START_TEST (test_prev_size_mismatch)
{
  GByteArray * b = flv_build (sizes5, G_N_ELEMENTS (sizes5));
  guint64 at = tag_offset (sizes5, 3) - 4;
  run * u;

  b->data[at + 3] ^= 0x10; /* PreviousTagSize after tag 2 */
  b->data[12] = 1; /* PreviousTagSize0 = 1: a warning only */
  u = check_all_splits (b->data, b->len, NULL);
  ck_assert_uint_eq (u->tags->len, G_N_ELEMENTS (sizes5));
  ck_assert (tag_at (u, 0)->mismatch);
  ck_assert_str_eq (
      tag_at (u, 0)->note, "PreviousTagSize at offset 9 is 1, expected 0");
  ck_assert (!tag_at (u, 1)->mismatch && tag_at (u, 1)->note == NULL);
  ck_assert (tag_at (u, 3)->mismatch);
  ck_assert_msg (strstr (tag_at (u, 3)->note, "expected 311") != NULL, "%s",
      tag_at (u, 3)->note);
  ck_assert (!tag_at (u, 4)->mismatch);
  run_free (u);
  g_byte_array_unref (b);
}
END_TEST

/* Garbage inserted @before bytes ahead of tag @i: 0, where its header is
 * due, or 4, where the PreviousTagSize before it is due (which then reads
 * wrong, but the resync report replaces that one). */
static void
check_garbage (const guint8 * garbage, gsize n, guint i, gsize before)
{
  GByteArray * b = flv_build (sizes5, G_N_ELEMENTS (sizes5));
  run * u;

  bytes_insert (b, (gsize) tag_offset (sizes5, i) - before, garbage, n);
  u = check_all_splits (b->data, b->len, NULL);
  ck_assert_msg (u->res == ERTMP_NEED_MORE, "%s", u->error);
  ck_assert_msg (u->tags->len == G_N_ELEMENTS (sizes5),
      "%u tags, tag %u "
      "before %" G_GSIZE_FORMAT ", pending %d at %" G_GUINT64_FORMAT,
      u->tags->len, i, before, u->pending, u->pending_offset);
  ck_assert_uint_eq (tag_at (u, i)->skipped, n);
  ck_assert_uint_eq (tag_at (u, i)->offset, tag_offset (sizes5, i) + n);
  ck_assert (!tag_at (u, i)->mismatch);
  ck_assert_msg (g_str_has_prefix (tag_at (u, i)->note, "skipped"), "%s",
      tag_at (u, i)->note);
  ck_assert (tag_at (u, i + 1)->skipped == 0);
  ck_assert (!u->pending);
  run_free (u);
  g_byte_array_unref (b);
}

/* junk ends in 09: with the real header after it, that forms a plausible
 * header of DataSize 0x09xxxx, which must not hide the real tag. */
START_TEST (test_resync_garbage)
{
  static const guint8 junk[] = { 0xc8, 0x12, 0, 0, 1, 0x99, 0xff, 0x09 };
  static const guint8 zeros[20] = { 0 };

  check_garbage (junk, sizeof (junk), 2, 0);
  check_garbage (junk, 1, 1, 0);
  check_garbage (zeros, sizeof (zeros), 3, 0);
  check_garbage (junk, sizeof (junk), 2, 4);
  check_garbage (junk + 5, 1, 3, 4);
}
END_TEST

/* A broken header in place of tag 2: the scan skips that tag whole. */
static run *
break_tag_2 (guint8 b0, guint32 size, const ertmp_limits * lim)
{
  GByteArray * b = flv_build (sizes5, G_N_ELEMENTS (sizes5));
  guint64 at = tag_offset (sizes5, 2);
  run * u;

  b->data[at] = b0;
  if (size != 0)
    ertmp_patch_be (b, (gsize) at + 1, 3, size);
  u = check_all_splits (b->data, b->len, lim);
  g_byte_array_unref (b);
  return u;
}

START_TEST (test_resync_broken_header)
{
  static const struct
  {
    guint8 b0;
    guint32 size;
    const gchar * why;
  } cases[] = {
    { 0x07, 0, "has unknown TagType 7" },
    { 0x48, 0, "has reserved bits set (first byte 0x48)" },
    { 0x09, 0xFFFFFF,
        "has DataSize 16777215, above the maximum FLV tag size "
        "(65536 bytes)" },
  };
  ertmp_limits lim;
  guint i;

  ertmp_limits_init (&lim);
  lim.max_flv_tag_size = 65536;
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    run * u = break_tag_2 (cases[i].b0, cases[i].size, &lim);
    rec * t = tag_at (u, 2);
    gchar * note = g_strdup_printf ("skipped 315 bytes: the tag header at "
                                    "offset %" G_GUINT64_FORMAT " %s",
        tag_offset (sizes5, 2), cases[i].why);

    ck_assert_uint_eq (u->tags->len, G_N_ELEMENTS (sizes5) - 1);
    ck_assert_uint_eq (t->offset, tag_offset (sizes5, 3));
    ck_assert_uint_eq (t->skipped, 11 + 300 + 4);
    ck_assert_str_eq (t->note, note);
    g_free (note);
    run_free (u);
  }
}
END_TEST

/* DataSize 0xFFFFFF is valid under the default limit: the reader waits for
 * the body, and the end of the file leaves it pending. */
START_TEST (test_huge_size_default_limit)
{
  run * u = break_tag_2 (0x09, 0xFFFFFF, NULL);

  ck_assert_uint_eq (u->tags->len, 2);
  ck_assert_int_eq (u->res, ERTMP_NEED_MORE);
  ck_assert (u->pending);
  ck_assert_uint_eq (u->pending_offset, tag_offset (sizes5, 2));
  run_free (u);
}
END_TEST

START_TEST (test_unresyncable)
{
  GByteArray * b = flv_build (sizes5, 2);
  guint8 junk[600];
  ertmp_limits lim;
  gchar * want;
  run * u;

  memset (junk, 0xff, sizeof (junk));
  g_byte_array_append (b, junk, sizeof (junk));
  ertmp_limits_init (&lim);
  lim.flv_resync_window = 512;
  u = check_all_splits (b->data, b->len, &lim);
  ck_assert_uint_eq (u->tags->len, 2);
  ck_assert_int_eq (u->res, ERTMP_MALFORMED);
  want = g_strdup_printf ("no valid FLV tag within 512 bytes: the tag header "
                          "at offset %" G_GUINT64_FORMAT
                          " has reserved bits set (first byte "
                          "0xff)",
      tag_offset (sizes5, 2));
  ck_assert_str_eq (u->error, want);
  ck_assert (!u->pending);
  run_free (u);
  g_free (want);

  /* a DataSize over the limit that cannot be skipped is LIMIT */
  lim.max_flv_tag_size = 100;
  b->data[tag_offset (sizes5, 2) + 0] = ERTMP_FLV_TAG_VIDEO;
  ertmp_patch_be (b, (gsize) tag_offset (sizes5, 2) + 1, 3, 200);
  memset (b->data + tag_offset (sizes5, 2) + 4, 0, 7);
  u = read_run (b->data, b->len, &lim, 0, 0);
  ck_assert_int_eq (u->res, ERTMP_LIMIT);
  ck_assert_msg (
      strstr (u->error, "maximum FLV tag size (100 bytes)"), "%s", u->error);
  run_free (u);

  /* fewer bytes than the window: still looking when the input ends */
  g_byte_array_set_size (b, b->len - 100);
  u = check_all_splits (b->data, b->len, &lim);
  ck_assert_int_eq (u->res, ERTMP_NEED_MORE);
  ck_assert (u->pending);
  ck_assert_uint_eq (u->pending_offset, tag_offset (sizes5, 2));
  run_free (u);
  g_byte_array_unref (b);
}
END_TEST

/* Cut at every offset: the tags before the cut, and a pending item unless
 * the cut falls between items. */
START_TEST (test_truncated_every_offset)
{
  GByteArray * b = flv_build (sizes5, G_N_ELEMENTS (sizes5));
  gsize k;

  for (k = 0; k < b->len; k++) {
    run * u = read_run (b->data, k, NULL, 0, 0);
    guint64 item = 0;
    gboolean boundary = k == 0 || k == 9 || k == 13;
    guint i;

    for (i = 0; i < G_N_ELEMENTS (sizes5); i++) {
      guint64 start = tag_offset (sizes5, i), end = start + 11 + sizes5[i];

      if (k == end || k == end + 4)
        boundary = TRUE;
      if (k > start)
        item = k < end ? start : end;
    }
    if (k < 9)
      item = 0;
    else if (k < 13)
      item = 9;
    ck_assert_int_eq (u->res, ERTMP_NEED_MORE);
    ck_assert_msg (u->pending == !boundary, "cut at %" G_GSIZE_FORMAT, k);
    if (u->pending)
      ck_assert_uint_eq (u->pending_offset, item);
    run_free (u);
  }
  g_byte_array_unref (b);
}
END_TEST

START_TEST (test_filter_and_empty)
{
  GByteArray * b = test_hex (VEC_5_HEADER
      "28 00 00 01 00 00 00 00 00 00 00 ee 00 00 00 0c  # filter, 1 byte\n"
      "09 00 00 00 00 00 00 00 00 00 00 00 00 00 0b     # empty video\n");
  run * u = check_all_splits (b->data, b->len, NULL);

  ck_assert_uint_eq (u->tags->len, 2);
  ck_assert (tag_at (u, 0)->h.filter);
  ck_assert_uint_eq (tag_at (u, 0)->h.type, ERTMP_FLV_TAG_AUDIO);
  ck_assert_uint_eq (g_bytes_get_size (tag_at (u, 1)->payload), 0);
  run_free (u);
  g_byte_array_unref (b);
}
END_TEST

START_TEST (test_state_after_error)
{
  GByteArray * b = test_hex ("46 4c 58 01 05 00 00 00 09");
  ertmp_flv_reader * r = ertmp_flv_reader_new (NULL);
  ertmp_flv_tag tag;
  gsize consumed;

  ck_assert_int_eq (ertmp_flv_reader_read (r, b->data, b->len, &consumed, &tag),
      ERTMP_MALFORMED);
  ck_assert_int_eq (
      ertmp_flv_reader_read (r, b->data, b->len, &consumed, &tag), ERTMP_STATE);
  ck_assert (!ertmp_flv_reader_pending (r, NULL));
  ertmp_flv_reader_free (r);
  g_byte_array_unref (b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Real files                                                           */

typedef struct
{
  guint n[32]; /* tags per TagType */
  guint n_tags;
  guint bad_prev;
} walk;

/* Independent naive walk: plain offsets, no reader. */
static void
naive_walk (const guint8 * d, gsize len, walk * w)
{
  gsize p = ((gsize) d[5] << 24 | d[6] << 16 | d[7] << 8 | d[8]) + 4;

  memset (w, 0, sizeof (*w));
  while (p + 11 <= len) {
    gsize size = (gsize) d[p + 1] << 16 | d[p + 2] << 8 | d[p + 3];
    const guint8 * q = d + p + 11 + size;

    ck_assert (p + 11 + size + 4 <= len);
    w->n[d[p] & 0x1f]++;
    w->n_tags++;
    if (((gsize) q[0] << 24 | q[1] << 16 | q[2] << 8 | q[3]) != 11 + size)
      w->bad_prev++;
    p += 11 + size + 4;
  }
  ck_assert_uint_eq (p, len);
}

static void
check_media (const gchar * name)
{
  gchar *path = g_build_filename (MEDIA_DIR, name, NULL), *data = NULL;
  const guint8 * d;
  gsize len, k;
  GRand * rand = g_rand_new_with_seed (g_str_hash (name));
  walk w;
  run * whole;
  guint i, n[32] = { 0 };

  if (!g_file_get_contents (path, &data, &len, NULL)) {
    g_printerr ("%s not found: skipped\n", path);
    g_free (path);
    g_rand_free (rand);
    return;
  }
  d = (const guint8 *) data;
  naive_walk (d, len, &w);
  ck_assert_uint_eq (w.bad_prev, 0);
  whole = read_run (d, len, NULL, 0, 0);
  ck_assert_int_eq (whole->res, ERTMP_NEED_MORE);
  ck_assert (!whole->pending);
  ck_assert_uint_eq (whole->tags->len, w.n_tags);
  for (i = 0; i < whole->tags->len; i++) {
    rec * t = tag_at (whole, i);

    n[t->h.type]++;
    ck_assert (!t->mismatch && t->skipped == 0 && t->h.stream_id == 0);
  }
  ck_assert_int_eq (memcmp (n, w.n, sizeof (n)), 0);
  for (k = 0; k < 4; k++) {
    run * u = read_run (d, len, NULL, g_rand_int_range (rand, 1, 70000), 0);

    assert_runs_equal (whole, u);
    run_free (u);
    u = read_run (d, len, NULL, 0, g_rand_int_range (rand, 1, (gint) len));
    assert_runs_equal (whole, u);
    run_free (u);
  }
  run_free (whole);
  g_rand_free (rand);
  g_free (data);
  g_free (path);
}

START_TEST (test_media_files)
{
  check_media ("testsrc.flv");
  check_media ("testsrc2.flv");
  check_media ("mptestsrc.flv");
  check_media ("bbb.flv");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Writer round trip and timestamps                                     */

START_TEST (test_writer_round_trip)
{
  static const guint8 types[4] = { ERTMP_FLV_TAG_AUDIO, ERTMP_FLV_TAG_VIDEO,
    ERTMP_FLV_TAG_SCRIPT, ERTMP_FLV_TAG_SCRIPT_AMF3 };
  GRand * rand = g_rand_new_with_seed (7);
  GByteArray *file = g_byte_array_new (), *hdr = g_byte_array_new ();
  GPtrArray * sent = g_ptr_array_new_with_free_func (g_free);
  ertmp_flv_tag_header * h;
  run * u;
  guint i, j;

  ertmp_flv_write_header (file, ERTMP_FLV_FLAG_VIDEO);
  for (i = 0; i < 64; i++) {
    guint8 * payload;

    h = g_new0 (ertmp_flv_tag_header, 1);
    h->type = types[i % 4];
    h->size = g_rand_int_range (rand, 0, i % 8 == 7 ? 70000 : 200);
    /* crosses 2^24 (TimestampExtended) and 2^31 */
    h->timestamp = 0x00FFFF00u + i * 0x04000000u + g_rand_int (rand) % 64;
    payload = g_malloc (MAX (h->size, 1));
    for (j = 0; j < h->size; j++)
      payload[j] = (guint8) g_rand_int (rand);
    /* headers into their own array, as a muxer does */
    g_byte_array_set_size (hdr, 0);
    ck_assert_int_eq (ertmp_flv_write_tag_header (hdr, h), ERTMP_OK);
    ertmp_put_bytes (file, hdr->data, hdr->len);
    ertmp_put_bytes (file, payload, h->size);
    g_byte_array_set_size (hdr, 0);
    ck_assert_int_eq (ertmp_flv_write_prev_size (hdr, h->size), ERTMP_OK);
    ertmp_put_bytes (file, hdr->data, hdr->len);
    g_ptr_array_add (sent, h);
    g_ptr_array_add (sent, payload);
  }
  u = read_run (file->data, file->len, NULL, 4093, 0);
  ck_assert_uint_eq (u->tags->len, 64);
  for (i = 0; i < 64; i++) {
    rec * t = tag_at (u, i);

    h = g_ptr_array_index (sent, 2 * i);
    assert_header_eq (&t->h, h);
    ck_assert_bytes_eq (g_bytes_get_data (t->payload, NULL), t->h.size,
        g_ptr_array_index (sent, 2 * i + 1), h->size);
    ck_assert (!t->mismatch && t->skipped == 0);
  }
  ck_assert (!u->pending);
  run_free (u);
  g_ptr_array_unref (sent);
  g_byte_array_unref (file);
  g_byte_array_unref (hdr);
  g_rand_free (rand);
}
END_TEST

START_TEST (test_timestamp_unwrap)
{
  gint64 t = 0xFFFFFF00u;

  /* across 0xFFFFFFFF -> 0 */
  t = ertmp_timestamp_unwrap (t, 0xFFFFFFF0u);
  ck_assert_int_eq (t, 0xFFFFFFF0ll);
  t = ertmp_timestamp_unwrap (t, 0x00000010u);
  ck_assert_int_eq (t, 0x100000010ll);
  /* a slightly older timestamp (interleaved audio) goes back */
  t = ertmp_timestamp_unwrap (t, 0xFFFFFFF8u);
  ck_assert_int_eq (t, 0xFFFFFFF8ll);
  /* forward by less than 2^31 */
  t = ertmp_timestamp_unwrap (t, 0x7FFFFFF0u);
  ck_assert_int_eq (t, 0x17FFFFFF0ll);
  /* the next wrap */
  t = ertmp_timestamp_unwrap (t, 0xF0000000u);
  t = ertmp_timestamp_unwrap (t, 0xFFFFFFFFu);
  ck_assert_int_eq (t, 0x1FFFFFFFFll);
  t = ertmp_timestamp_unwrap (t, 5);
  ck_assert_int_eq (t, 0x200000005ll);
  /* before the first: below zero */
  ck_assert_int_eq (ertmp_timestamp_unwrap (0, 0xFFFFFFFFu), -1);
  ck_assert_int_eq (ertmp_timestamp_unwrap (-1, 1), 1);
}
END_TEST

static Suite *
flv_suite (void)
{
  Suite * s = suite_create ("flv");
  TCase * tc = tcase_create ("core");

  tcase_add_test (tc, test_vector_5_header);
  tcase_add_test (tc, test_vector_5_tag);
  tcase_add_test (tc, test_tag_header_fields);
  tcase_add_test (tc, test_writer_refuses);
  tcase_add_test (tc, test_file_header_errors);
  tcase_add_test (tc, test_data_offset_skip);
  tcase_add_test (tc, test_every_prefix_and_split);
  tcase_add_test (tc, test_zero_copy);
  tcase_add_test (tc, test_memory_grows_with_bytes);
  tcase_add_test (tc, test_prev_size_mismatch);
  tcase_add_test (tc, test_resync_garbage);
  tcase_add_test (tc, test_resync_broken_header);
  tcase_add_test (tc, test_huge_size_default_limit);
  tcase_add_test (tc, test_unresyncable);
  tcase_add_test (tc, test_truncated_every_offset);
  tcase_add_test (tc, test_filter_and_empty);
  tcase_add_test (tc, test_state_after_error);
  tcase_add_test (tc, test_media_files);
  tcase_add_test (tc, test_writer_round_trip);
  tcase_add_test (tc, test_timestamp_unwrap);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (flv_suite ());
}
