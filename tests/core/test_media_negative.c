/* gst-ertmp: tests for FLV audio/video tag bodies, robustness: the
 * negative cases of test-vectors.md 9, every length field cut or lying,
 * reserved values, absurd track counts, every prefix of every vector
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "media_test_util.h"

/* ---- test-vectors.md 9 ---------------------------------------------- */

START_TEST (test_negative_modex_size_2)
{
  parsed p;

  ck_assert_int_eq (parse_hex (V, "97"  /* IsEx, key, ModEx */
          "01" "07 a1"          /* 2 bytes of ModEx data: too short */
          "01"                  /* ModExType 0, CodedFrames */
          "68 76 63 31 00 00 05 aa", &p), ERTMP_OK);
  ck_assert (!p.tag.hdr.has_nano_offset);
  ck_assert_uint_eq (p.tag.hdr.nano_offset, 0);
  ck_assert_int_eq (p.t[0].cts, 5);
  assert_body (&p.t[0], "aa");
  parsed_clear (&p);
}
END_TEST

START_TEST (test_negative_track_past_end)
{
  parsed p;

  /* 8.9 with track 1 claiming 16 bytes where 2 remain */
  ck_assert_int_eq (parse_hex (A, "95 11 4f 70 75 73"
          "00 00 00 03 aa bb cc"        /* track 0, fine */
          "01 00 00 10 dd ee", &p), ERTMP_OK);  /* track 1, size 16 */
  ck_assert_uint_eq (p.n, 2);
  ck_assert (!p.t[0].truncated);
  ck_assert (p.t[1].truncated);
  assert_body (&p.t[1], "dd ee");
  ck_assert_int_eq (p.tag.status, ERTMP_MALFORMED);
  parsed_clear (&p);
  /* the first track runs past the end: it takes the rest */
  ck_assert_int_eq (parse_hex (A, "95 11 4f 70 75 73"
          "00 00 01 00 aa bb cc 01 00 00 02 dd ee", &p), ERTMP_OK);
  ck_assert_uint_eq (p.n, 1);
  ck_assert (p.t[0].truncated);
  ck_assert_uint_eq (p.t[0].len, 9);
  ck_assert_int_eq (p.tag.status, ERTMP_MALFORMED);
  parsed_clear (&p);
}
END_TEST

START_TEST (test_negative_metadata_frame_type_0)
{
  GByteArray *b = test_hex (vec_7_7);
  parsed p;

  b->data[0] = 0x84;            /* OBS: IsEx, frame type 0, Metadata */
  ck_assert_int_eq (parse_bytes (V, b, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_METADATA);
  ck_assert_uint_eq (p.tag.hdr.frame_type, 0);
  ck_assert_uint_eq (p.t[0].len, b->len - 5);
  parsed_clear (&p);
}
END_TEST

START_TEST (test_negative_empty_messages)
{
  ertmp_media_header hdr;
  ertmp_media_track none = { 0 };
  GByteArray *out = g_byte_array_new ();
  parsed p;

  /* audio of length 0: the silence signal, not an error */
  ck_assert_int_eq (parse_hex (A, "", &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_SILENCE);
  ck_assert_uint_eq (p.n, 0);
  ck_assert_int_eq (p.tag.status, ERTMP_OK);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (V, "", &p), ERTMP_MALFORMED);
  parsed_clear (&p);
  /* and it is written as nothing */
  ertmp_media_header_init (&hdr, A);
  hdr.packet = ERTMP_MEDIA_PACKET_SILENCE;
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &none), ERTMP_OK);
  ck_assert_uint_eq (out->len, 0);
  g_byte_array_unref (out);
}
END_TEST

/* ---- malformed length fields and reserved values -------------------- */

START_TEST (test_malformed_lengths)
{
  static const struct
  {
    ertmp_codec_kind kind;
    const gchar *hex;
  } cases[] = {
    {V, "97"},                  /* ModEx size missing */
    {V, "97 02 07 a1"},         /* ModEx data cut */
    {V, "97 02 07 a1 20"},      /* byte after ModEx missing */
    {V, "97 ff"},               /* 16-bit size missing */
    {V, "97 ff 01"},            /* 16-bit size cut */
    {V, "97 ff 01 2b 00 00 00"},        /* 300 bytes announced, 3 there */
    {A, "97 02 03 d0"},         /* audio ModEx data cut */
    {V, "91 68 76 63"},         /* FourCC cut */
    {A, "90 4f 70"},            /* FourCC cut */
    {V, "96"},                  /* Multitrack byte missing */
    {V, "96 11 68 76 63 31"},   /* ManyTracks, no track */
    {V, "96 11 68 76 63 31 00 00 00"},  /* sizeOfTrack cut */
    {A, "95 21 4f 70 75"},      /* per-track FourCC cut */
    {A, "95 01 4f 70 75 73"},   /* OneTrack trackId missing */
    {V, "91 68 76 63 31 00 00"},        /* SI24 cut */
    {V, "91 61 76 63 31"},      /* SI24 missing */
    {V, "96 01 76 76 63 31 01 00"},     /* OneTrack vvc1: SI24 cut */
    {V, "96 11 68 76 63 31 00 00 00 02 00 00"}, /* track too short for cts */
    {V, "96 06"},               /* Multitrack in Multitrack */
    {V, "96 07"},               /* ModEx in Multitrack */
    {A, "95 05"},
    {A, "95 07"},
    {V, "17"},                  /* legacy AVC header cut */
    {V, "17 01 00 00"},
    {A, "af"},                  /* AACPacketType missing */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    parsed p;

    ck_assert_msg (parse_hex (cases[i].kind, cases[i].hex, &p) ==
        ERTMP_MALFORMED, "case %u: %s", i, cases[i].hex);
    parsed_clear (&p);
  }
}
END_TEST

START_TEST (test_reserved_values)
{
  guint v;
  parsed p;

  /* packet types 8..15, and audio 3 and 6 */
  for (v = 8; v < 16; v++) {
    GByteArray *b = test_hex ("90 68 76 63 31 00");

    b->data[0] = 0x90 | v;
    ck_assert_int_eq (parse_bytes (V, b, &p), ERTMP_UNSUPPORTED);
    parsed_clear (&p);
    b = test_hex ("90 4f 70 75 73 00");
    b->data[0] = 0x90 | v;
    ck_assert_int_eq (parse_bytes (A, b, &p), ERTMP_UNSUPPORTED);
    parsed_clear (&p);
    /* and behind a ModEx or a Multitrack */
    b = test_hex ("97 02 00 00 00 00 4f 70 75 73 00");
    b->data[5] = v;
    ck_assert_int_eq (parse_bytes (A, b, &p), ERTMP_UNSUPPORTED);
    parsed_clear (&p);
    b = test_hex ("96 00 68 76 63 31 00");
    b->data[1] = v;
    ck_assert_int_eq (parse_bytes (V, b, &p), ERTMP_UNSUPPORTED);
    parsed_clear (&p);
  }
  ck_assert_int_eq (parse_hex (A, "93 4f 70 75 73 00", &p), ERTMP_UNSUPPORTED);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (A, "96 4f 70 75 73 00", &p), ERTMP_UNSUPPORTED);
  parsed_clear (&p);
  /* multitrack types 3..15 */
  for (v = 3; v < 16; v++) {
    GByteArray *b = test_hex ("96 01 68 76 63 31 00 00 00 00 00");

    b->data[1] = (v << 4) | 1;
    ck_assert_int_eq (parse_bytes (V, b, &p), ERTMP_UNSUPPORTED);
    parsed_clear (&p);
    b = test_hex ("95 01 4f 70 75 73 00 aa");
    b->data[1] = (v << 4) | 1;
    ck_assert_int_eq (parse_bytes (A, b, &p), ERTMP_UNSUPPORTED);
    parsed_clear (&p);
  }
  /* legacy packet types */
  ck_assert_int_eq (parse_hex (V, "17 03 00 00 00", &p), ERTMP_UNSUPPORTED);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (A, "af 02 00", &p), ERTMP_UNSUPPORTED);
  parsed_clear (&p);
  /* reserved video frame types pass through */
  ck_assert_int_eq (parse_hex (V, "e1 61 76 30 31 00", &p), ERTMP_OK);
  ck_assert_uint_eq (p.tag.hdr.frame_type, 6);
  parsed_clear (&p);
}
END_TEST

/* Unknown FourCCs and ModEx types are skipped or passed through */
START_TEST (test_unknown_values)
{
  GByteArray *out = g_byte_array_new ();
  parsed p;

  ck_assert_int_eq (parse_hex (V, "91 61 62 63 64 00 00 01 aa", &p),
      ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.codec, ERTMP_CODEC_UNKNOWN);
  ck_assert_uint_eq (p.t[0].fourcc, ERTMP_FOURCC ('a', 'b', 'c', 'd'));
  ck_assert_int_eq (p.t[0].cts, 0);
  assert_body (&p.t[0], "00 00 01 aa");
  /* written back as it came */
  ck_assert_int_eq (ertmp_media_write_header (out, &p.tag.hdr, &p.t[0]),
      ERTMP_OK);
  g_byte_array_append (out, p.t[0].data, p.t[0].len);
  ck_assert_bytes_eq (out->data, out->len, p.bytes->data, p.bytes->len);
  parsed_clear (&p);
  /* an audio FourCC in a video tag is no codec */
  ck_assert_int_eq (parse_hex (V, "91 4f 70 75 73 aa", &p), ERTMP_OK);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_UNKNOWN);
  parsed_clear (&p);
  /* unknown ModEx type 5 with 2 bytes, then a nano offset, then type 1 */
  ck_assert_int_eq (parse_hex (A, "97"
          "01 aa bb" "57"       /* type 5, 2 bytes, next ModEx */
          "03 00 00 0a ff" "07" /* type 0, 4 bytes: 10 ns, next ModEx */
          "00 cc" "11"          /* type 1, 1 byte, next CodedFrames */
          "4f 70 75 73 fc", &p), ERTMP_OK);
  ck_assert (p.tag.hdr.has_nano_offset);
  ck_assert_uint_eq (p.tag.hdr.nano_offset, 10);
  assert_body (&p.t[0], "fc");
  parsed_clear (&p);
  /* an offset of a millisecond or more is not an offset */
  ck_assert_int_eq (parse_hex (A, "97 02 0f 42 40 01 4f 70 75 73", &p),
      ERTMP_OK);
  ck_assert (!p.tag.hdr.has_nano_offset);
  parsed_clear (&p);
  g_byte_array_unref (out);
}
END_TEST

/* ---- absurd track counts -------------------------------------------- */

static GByteArray *
many_empty_tracks (guint n)
{
  GByteArray *b = test_hex ("95 12 4f 70 75 73");       /* ManyTracks, SeqEnd */
  guint i;

  for (i = 0; i < n; i++) {
    guint8 t[4] = { (guint8) i, 0, 0, 0 };      /* trackId, size 0 */

    g_byte_array_append (b, t, 4);
  }
  return b;
}

static guint
count_tracks (GByteArray * b, const ertmp_limits * limits,
    ertmp_result * status)
{
  ertmp_media_tag tag;
  ertmp_media_track t;
  guint n = 0;

  ck_assert_int_eq (ertmp_media_parse (A, b->data, b->len, limits, &tag),
      ERTMP_OK);
  while (ertmp_media_next_track (&tag, &t)) {
    ck_assert_uint_eq (t.len, 0);
    n++;
  }
  *status = tag.status;
  return n;
}

START_TEST (test_many_tracks_bounded)
{
  GByteArray *b = many_empty_tracks (5000);
  ertmp_limits limits;
  ertmp_media_tag tag;
  ertmp_result status;

  ck_assert_uint_eq (count_tracks (b, NULL, &status),
      ERTMP_LIMIT_DEFAULT_MAX_TRACKS);
  ck_assert_int_eq (status, ERTMP_LIMIT);
  ertmp_limits_init (&limits);
  limits.max_tracks = 10;
  ck_assert_uint_eq (count_tracks (b, &limits, &status), 10);
  ck_assert_int_eq (status, ERTMP_LIMIT);
  limits.max_tracks = 100000;
  ck_assert_uint_eq (count_tracks (b, &limits, &status), 5000);
  ck_assert_int_eq (status, ERTMP_OK);
  limits.max_tracks = 0;
  ck_assert_int_eq (ertmp_media_parse (A, b->data, b->len, &limits, &tag),
      ERTMP_LIMIT);
  ck_assert_str_eq (ertmp_limit_name (ERTMP_LIMIT_MAX_TRACKS),
      "maximum tracks per media message");
  ck_assert_uint_eq (ertmp_limits_get (&limits, ERTMP_LIMIT_MAX_TRACKS), 0);
  g_byte_array_unref (b);
}
END_TEST

/* a bad track in the middle is stepped over when its size is known */
START_TEST (test_many_tracks_skip_bad)
{
  parsed p;

  ck_assert_int_eq (parse_hex (V, "96 11 68 76 63 31"
          "00 00 00 02 00 00"   /* track 0: 2 bytes, no room for SI24 */
          "01 00 00 04 00 00 07 aa", &p), ERTMP_OK);  /* track 1: cts 7 */
  ck_assert_uint_eq (p.n, 1);
  ck_assert_uint_eq (p.t[0].track_id, 1);
  ck_assert_int_eq (p.t[0].cts, 7);
  assert_body (&p.t[0], "aa");
  ck_assert_int_eq (p.tag.status, ERTMP_MALFORMED);
  parsed_clear (&p);
  /* trailing bytes too short for a track header */
  ck_assert_int_eq (parse_hex (A, "95 11 4f 70 75 73 00 00 00 01 aa 01 00",
          &p), ERTMP_OK);
  ck_assert_uint_eq (p.n, 1);
  ck_assert_int_eq (p.tag.status, ERTMP_MALFORMED);
  parsed_clear (&p);
}
END_TEST

/* ---- every prefix of every vector ----------------------------------- */

START_TEST (test_all_prefixes)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (all_vectors); i++) {
    GByteArray *b = test_hex (all_vectors[i].hex);
    gsize n;

    for (n = 0; n <= b->len; n++) {
      /* exactly n bytes on the heap, so that ASan sees any over-read */
      guint8 *copy = g_memdup2 (b->data, n);
      ertmp_media_tag tag;
      ertmp_media_track t;
      ertmp_result res;

      res = ertmp_media_parse (all_vectors[i].kind, copy, n, NULL, &tag);
      ck_assert_msg (res == ERTMP_OK || res == ERTMP_MALFORMED,
          "%s prefix %" G_GSIZE_FORMAT ": %s", all_vectors[i].name, n,
          ertmp_result_name (res));
      if (n == b->len)
        ck_assert_int_eq (res, ERTMP_OK);
      while (res == ERTMP_OK && ertmp_media_next_track (&tag, &t))
        ck_assert (t.len == 0 || (t.data >= copy && t.data + t.len <=
                copy + n));
      g_free (copy);
    }
    g_byte_array_unref (b);
  }
}
END_TEST

static Suite *
media_negative_suite (void)
{
  Suite *s = suite_create ("media_negative");
  TCase *tc = tcase_create ("negative");

  tcase_add_test (tc, test_negative_modex_size_2);
  tcase_add_test (tc, test_negative_track_past_end);
  tcase_add_test (tc, test_negative_metadata_frame_type_0);
  tcase_add_test (tc, test_negative_empty_messages);
  tcase_add_test (tc, test_malformed_lengths);
  tcase_add_test (tc, test_reserved_values);
  tcase_add_test (tc, test_unknown_values);
  tcase_add_test (tc, test_many_tracks_bounded);
  tcase_add_test (tc, test_many_tracks_skip_bad);
  tcase_add_test (tc, test_all_prefixes);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (media_negative_suite ());
}
