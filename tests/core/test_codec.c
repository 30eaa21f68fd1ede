/* gst-ertmp: tests for the codec table (ertmp.md 2.1, 3.1; flv.md 4, 5,
 * 6.1; test-vectors.md 8.13)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "test_util.h"
#include "ertmp_codec.h"
#include "ertmp_amf0.h"

#define LAST_CODEC ERTMP_CODEC_DEVICE_SPECIFIC

START_TEST (test_table_consistent)
{
  ertmp_codec c;

  ck_assert_ptr_null (ertmp_codec_get (ERTMP_CODEC_UNKNOWN));
  ck_assert_ptr_null (ertmp_codec_get ((ertmp_codec) (LAST_CODEC + 1)));
  for (c = ERTMP_CODEC_AVC; c <= LAST_CODEC; c++) {
    const ertmp_codec_info *info = ertmp_codec_get (c);

    ck_assert_ptr_nonnull (info);
    ck_assert_int_eq (info->codec, c);
    ck_assert (info->kind == ERTMP_CODEC_KIND_AUDIO ||
        info->kind == ERTMP_CODEC_KIND_VIDEO);
    ck_assert_str_eq (ertmp_codec_name (c), info->name);
    /* every codec is reachable from the wire by at least one route */
    ck_assert (info->fourcc != 0 || (info->flags & ERTMP_CODEC_FLAG_LEGACY));
    if (info->fourcc != 0)
      ck_assert_ptr_eq (ertmp_codec_from_fourcc (info->fourcc), info);
    if (info->flags & ERTMP_CODEC_FLAG_LEGACY)
      ck_assert_ptr_eq (ertmp_codec_from_legacy (info->kind,
              info->legacy_id), info);
    /* only codecs with a legacy id have a legacy packet type */
    if (info->flags & ERTMP_CODEC_FLAG_LEGACY_PACKET_TYPE)
      ck_assert (info->flags & ERTMP_CODEC_FLAG_LEGACY);
  }
  ck_assert_str_eq (ertmp_codec_name (ERTMP_CODEC_UNKNOWN), "unknown");
  ck_assert_str_eq (ertmp_codec_name ((ertmp_codec) 999), "unknown");
}
END_TEST

/* ertmp.md 2.1 and 3.1: the twelve FourCCs, their codec and kind */
START_TEST (test_fourccs)
{
  static const struct
  {
    const gchar *fourcc;
    ertmp_codec codec;
    ertmp_codec_kind kind;
  } cases[] = {
    {"avc1", ERTMP_CODEC_AVC, ERTMP_CODEC_KIND_VIDEO},
    {"hvc1", ERTMP_CODEC_HEVC, ERTMP_CODEC_KIND_VIDEO},
    {"av01", ERTMP_CODEC_AV1, ERTMP_CODEC_KIND_VIDEO},
    {"vp09", ERTMP_CODEC_VP9, ERTMP_CODEC_KIND_VIDEO},
    {"vp08", ERTMP_CODEC_VP8, ERTMP_CODEC_KIND_VIDEO},
    {"vvc1", ERTMP_CODEC_VVC, ERTMP_CODEC_KIND_VIDEO},
    {"mp4a", ERTMP_CODEC_AAC, ERTMP_CODEC_KIND_AUDIO},
    {".mp3", ERTMP_CODEC_MP3, ERTMP_CODEC_KIND_AUDIO},
    {"Opus", ERTMP_CODEC_OPUS, ERTMP_CODEC_KIND_AUDIO},
    {"fLaC", ERTMP_CODEC_FLAC, ERTMP_CODEC_KIND_AUDIO},
    {"ac-3", ERTMP_CODEC_AC3, ERTMP_CODEC_KIND_AUDIO},
    {"ec-3", ERTMP_CODEC_EAC3, ERTMP_CODEC_KIND_AUDIO},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    guint32 fourcc = ertmp_fourcc_from_string (cases[i].fourcc, 4);
    const ertmp_codec_info *info = ertmp_codec_from_fourcc (fourcc);
    gchar buf[5];

    ck_assert_ptr_nonnull (info);
    ck_assert_int_eq (info->codec, cases[i].codec);
    ck_assert_int_eq (info->kind, cases[i].kind);
    ck_assert_str_eq (ertmp_fourcc_to_string (info->fourcc, buf),
        cases[i].fourcc);
  }
  /* case-sensitive, and 0 is no FourCC */
  ck_assert_ptr_null (ertmp_codec_from_fourcc (ERTMP_FOURCC ('o', 'p', 'u',
              's')));
  ck_assert_ptr_null (ertmp_codec_from_fourcc (ERTMP_FOURCC ('H', 'V', 'C',
              '1')));
  ck_assert_ptr_null (ertmp_codec_from_fourcc (0));
  ck_assert_ptr_null (ertmp_codec_from_fourcc (ERTMP_FOURCC_ANY));
}
END_TEST

/* flv.md 4 and 5: every legacy id, and the holes */
START_TEST (test_legacy_ids)
{
  static const ertmp_codec video[16] = {
    0, 0, ERTMP_CODEC_H263, ERTMP_CODEC_SCREEN, ERTMP_CODEC_VP6,
    ERTMP_CODEC_VP6_ALPHA, ERTMP_CODEC_SCREEN_V2, ERTMP_CODEC_AVC,
    0, 0, 0, 0, ERTMP_CODEC_HEVC, 0, 0, 0
  };
  static const ertmp_codec audio[16] = {
    ERTMP_CODEC_PCM, ERTMP_CODEC_ADPCM, ERTMP_CODEC_MP3, ERTMP_CODEC_PCM_LE,
    ERTMP_CODEC_NELLYMOSER_16K, ERTMP_CODEC_NELLYMOSER_8K,
    ERTMP_CODEC_NELLYMOSER, ERTMP_CODEC_ALAW, ERTMP_CODEC_MULAW,
    0 /* 9: ExHeader */ , ERTMP_CODEC_AAC, ERTMP_CODEC_SPEEX, 0, 0,
    ERTMP_CODEC_MP3_8K, ERTMP_CODEC_DEVICE_SPECIFIC
  };
  guint id;

  for (id = 0; id < 256; id++) {
    const ertmp_codec_info *v =
        ertmp_codec_from_legacy (ERTMP_CODEC_KIND_VIDEO, (guint8) id);
    const ertmp_codec_info *a =
        ertmp_codec_from_legacy (ERTMP_CODEC_KIND_AUDIO, (guint8) id);

    ck_assert_int_eq (v ? v->codec : 0, id < 16 ? video[id] : 0);
    ck_assert_int_eq (a ? a->codec : 0, id < 16 ? audio[id] : 0);
  }
  /* HEVC 12 is read only; AVC 7 and AAC 10 carry a packet type */
  ck_assert (ertmp_codec_get (ERTMP_CODEC_HEVC)->flags &
      ERTMP_CODEC_FLAG_LEGACY_READ_ONLY);
  ck_assert (!(ertmp_codec_get (ERTMP_CODEC_AVC)->flags &
          ERTMP_CODEC_FLAG_LEGACY_READ_ONLY));
  ck_assert (ertmp_codec_get (ERTMP_CODEC_AVC)->flags &
      ERTMP_CODEC_FLAG_LEGACY_PACKET_TYPE);
  ck_assert (ertmp_codec_get (ERTMP_CODEC_AAC)->flags &
      ERTMP_CODEC_FLAG_LEGACY_PACKET_TYPE);
  ck_assert (!(ertmp_codec_get (ERTMP_CODEC_MP3)->flags &
          ERTMP_CODEC_FLAG_LEGACY_PACKET_TYPE));
}
END_TEST

/* ertmp.md 2.3 (cts) and 12 (SequenceStart before caps) */
START_TEST (test_properties)
{
  ertmp_codec c;

  for (c = ERTMP_CODEC_AVC; c <= LAST_CODEC; c++) {
    guint flags = ertmp_codec_get (c)->flags;
    gboolean cts = c == ERTMP_CODEC_AVC || c == ERTMP_CODEC_HEVC ||
        c == ERTMP_CODEC_VVC;
    gboolean seq = cts || c == ERTMP_CODEC_AV1 || c == ERTMP_CODEC_AAC ||
        c == ERTMP_CODEC_OPUS || c == ERTMP_CODEC_FLAC;

    ck_assert_int_eq (! !(flags & ERTMP_CODEC_FLAG_CTS), cts);
    ck_assert_int_eq (! !(flags & ERTMP_CODEC_FLAG_SEQUENCE_START), seq);
  }
}
END_TEST

/* flv.md 6.1: FourCC numbers and their AMF0 Number encoding */
START_TEST (test_metadata_numbers)
{
  static const struct
  {
    ertmp_codec codec;
    guint32 decimal;
    const gchar *amf0;
  } cases[] = {
    {ERTMP_CODEC_AVC, 1635148593u, "00 41 d8 5d 98 cc 40 00 00"},
    {ERTMP_CODEC_HEVC, 1752589105u, "00 41 da 1d 98 cc 40 00 00"},
    {ERTMP_CODEC_VVC, 1987470129u, "00 41 dd 9d 98 cc 40 00 00"},
    {ERTMP_CODEC_AV1, 1635135537u, "00 41 d8 5d 8c 0c 40 00 00"},
    {ERTMP_CODEC_VP9, 1987063865u, "00 41 dd 9c 0c 0e 40 00 00"},
    {ERTMP_CODEC_VP8, 1987063864u, "00 41 dd 9c 0c 0e 00 00 00"},
    {ERTMP_CODEC_AAC, 1836069985u, "00 41 db 5c 0d 18 40 00 00"},
    {ERTMP_CODEC_OPUS, 1332770163u, "00 41 d3 dc 1d 5c c0 00 00"},
    {ERTMP_CODEC_FLAC, 1716281667u, "00 41 d9 93 18 50 c0 00 00"},
    {ERTMP_CODEC_MP3, 778924083u, "00 41 c7 36 b8 19 80 00 00"},
    {ERTMP_CODEC_AC3, 1633889587u, "00 41 d8 58 cb 4c c0 00 00"},
    {ERTMP_CODEC_EAC3, 1700998451u, "00 41 d9 58 cb 4c c0 00 00"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    const ertmp_codec_info *info = ertmp_codec_get (cases[i].codec);
    GByteArray *want = test_hex (cases[i].amf0);
    GByteArray *got = g_byte_array_new ();
    gdouble id = ertmp_codec_metadata_id (info, FALSE);

    ck_assert (id == cases[i].decimal);
    ertmp_amf0_put_number (got, id);
    ck_assert_bytes_eq (got->data, got->len, want->data, want->len);
    ck_assert_ptr_eq (ertmp_codec_from_metadata_id (info->kind, id), info);
    g_byte_array_unref (want);
    g_byte_array_unref (got);
  }
}
END_TEST

/* test-vectors.md 8.13: onMetaData of testsrc.flv, decoded, then looked up */
START_TEST (test_vector_8_13)
{
  static const gchar excerpt[] =
      "00 41 d8 5d 8c 0c 40 00 00"      /* videocodecid: 1635135537.0 */
      "00 41 d3 dc 1d 5c c0 00 00";     /* audiocodecid: 1332770163.0 */
  GByteArray *b = test_hex (excerpt);
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
  GPtrArray *values = NULL;
  gdouble v, a;

  ck_assert_int_eq (ertmp_amf0_decode_message (dec, b->data, b->len,
          &values), ERTMP_OK);
  ck_assert_uint_eq (values->len, 2);
  ck_assert (ertmp_amf_get_number (g_ptr_array_index (values, 0), &v));
  ck_assert (ertmp_amf_get_number (g_ptr_array_index (values, 1), &a));
  ck_assert_int_eq (ertmp_codec_from_metadata_id (ERTMP_CODEC_KIND_VIDEO,
          v)->codec, ERTMP_CODEC_AV1);
  ck_assert_int_eq (ertmp_codec_from_metadata_id (ERTMP_CODEC_KIND_AUDIO,
          a)->codec, ERTMP_CODEC_OPUS);
  /* the kind must match */
  ck_assert_ptr_null (ertmp_codec_from_metadata_id (ERTMP_CODEC_KIND_AUDIO,
          v));
  g_ptr_array_unref (values);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (b);
}
END_TEST

START_TEST (test_metadata_ids_legacy_and_odd)
{
  const ertmp_codec_info *avc = ertmp_codec_get (ERTMP_CODEC_AVC);
  const ertmp_codec_info *hevc = ertmp_codec_get (ERTMP_CODEC_HEVC);
  const ertmp_codec_info *opus = ertmp_codec_get (ERTMP_CODEC_OPUS);
  const ertmp_codec_kind V = ERTMP_CODEC_KIND_VIDEO;
  const ertmp_codec_kind A = ERTMP_CODEC_KIND_AUDIO;

  /* FFmpeg 5.1 sends 7 / 10 (flv.md 6.1) */
  ck_assert_int_eq (ertmp_codec_from_metadata_id (V, 7)->codec,
      ERTMP_CODEC_AVC);
  ck_assert_int_eq (ertmp_codec_from_metadata_id (A, 10)->codec,
      ERTMP_CODEC_AAC);
  ck_assert_int_eq (ertmp_codec_from_metadata_id (V, 12)->codec,
      ERTMP_CODEC_HEVC);
  ck_assert_int_eq (ertmp_codec_from_metadata_id (A, 0)->codec,
      ERTMP_CODEC_PCM);
  ck_assert_ptr_null (ertmp_codec_from_metadata_id (A, 9));
  ck_assert_ptr_null (ertmp_codec_from_metadata_id (V, 7.5));
  ck_assert_ptr_null (ertmp_codec_from_metadata_id (V, -7));
  ck_assert_ptr_null (ertmp_codec_from_metadata_id (V, NAN));
  ck_assert_ptr_null (ertmp_codec_from_metadata_id (V, INFINITY));
  ck_assert_ptr_null (ertmp_codec_from_metadata_id (V, 1e12));
  ck_assert_ptr_null (ertmp_codec_from_metadata_id (V, 255));
  ck_assert_ptr_null (ertmp_codec_from_metadata_id (V, 256));
  /* writing: legacy where writable, else the FourCC */
  ck_assert (ertmp_codec_metadata_id (avc, TRUE) == 7);
  ck_assert (ertmp_codec_metadata_id (avc, FALSE) == 1635148593.0);
  ck_assert (ertmp_codec_metadata_id (hevc, TRUE) == 1752589105.0);
  ck_assert (ertmp_codec_metadata_id (opus, TRUE) == 1332770163.0);
  ck_assert (ertmp_codec_metadata_id (ertmp_codec_get (ERTMP_CODEC_SPEEX),
          TRUE) == 11);
}
END_TEST

START_TEST (test_fourcc_strings)
{
  gchar buf[5];

  ck_assert_uint_eq (ertmp_fourcc_from_string ("fLaC", 4), 0x664c6143u);
  ck_assert_uint_eq (ertmp_fourcc_from_string ("*", 1), ERTMP_FOURCC_ANY);
  ck_assert_uint_eq (ertmp_fourcc_from_string ("abc", 3), 0);
  ck_assert_uint_eq (ertmp_fourcc_from_string ("\0\0\0*", 4), 0);
  ck_assert_str_eq (ertmp_fourcc_to_string (0x2e6d7033u, buf), ".mp3");
  ck_assert_str_eq (ertmp_fourcc_to_string (ERTMP_FOURCC_ANY, buf), "*");
}
END_TEST

static Suite *
codec_suite (void)
{
  Suite *s = suite_create ("codec");
  TCase *tc = tcase_create ("table");

  tcase_add_test (tc, test_table_consistent);
  tcase_add_test (tc, test_fourccs);
  tcase_add_test (tc, test_legacy_ids);
  tcase_add_test (tc, test_properties);
  tcase_add_test (tc, test_metadata_numbers);
  tcase_add_test (tc, test_vector_8_13);
  tcase_add_test (tc, test_metadata_ids_legacy_and_odd);
  tcase_add_test (tc, test_fourcc_strings);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (codec_suite ());
}
