/* gst-ertmp: tests for what a vpcC says about a VP9 stream: the key frame
 * header and the level (VP9 spec 6.2, Annex A)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Frame headers: the first bytes of Debian 12's vp9enc key frames (64x48)
 * for each input format.
 */
#include "test_util.h"
#include "ertmp_media_config.h"

typedef struct
{
  const gchar *hex;
  guint8 profile, bit_depth, chroma;
} Vp9Case;

static const Vp9Case cases[] = {
  /* 82: marker 2, profile 0, key, shown; sync; 20: BT.601, limited */
  {"82 49 83 42 20 03", 0, 8, 1},       /* I420 */
  /* 10: 10 bit, BT.601, limited */
  {"92 49 83 42 10 01", 2, 10, 1},      /* I420_10LE */
  /* 20: BT.601, limited, subsampling 0 0 */
  {"a2 49 83 42 20 00", 1, 8, 3},       /* Y444 */
  /* b1: profile 3 and its reserved bit shift the rest by one bit */
  {"b1 24 c1 a1 48 00", 3, 12, 3},      /* Y444_12LE */
  {"b1 24 c1 a1 0a 00", 3, 10, 2},      /* I422_10LE */
};

START_TEST (test_vp9_key_frame)
{
  const Vp9Case *c = &cases[_i];
  GByteArray *b = test_hex (c->hex);
  ertmp_media_vpcc vpcc;
  gsize n;

  memset (&vpcc, 0xff, sizeof (vpcc));
  vpcc.level = 21;
  ck_assert_int_eq (ertmp_media_parse_vp9_frame (b->data, b->len, &vpcc),
      ERTMP_OK);
  ck_assert_uint_eq (vpcc.profile, c->profile);
  ck_assert_uint_eq (vpcc.bit_depth, c->bit_depth);
  ck_assert_uint_eq (vpcc.chroma_subsampling, c->chroma);
  ck_assert (!vpcc.full_range);
  ck_assert_uint_eq (vpcc.matrix, 6);   /* BT.601 */
  ck_assert_uint_eq (vpcc.level, 21);   /* untouched */
  /* every cut header is refused; ASan: each prefix is its own copy */
  for (n = 0; n + 1 < b->len; n++) {
    guint8 *copy = g_memdup2 (b->data, n);

    ck_assert_int_eq (ertmp_media_parse_vp9_frame (copy, n, &vpcc),
        ERTMP_MALFORMED);
    g_free (copy);
  }
  g_byte_array_unref (b);
}
END_TEST

START_TEST (test_vp9_not_key_frame)
{
  ertmp_media_vpcc vpcc;

  /* 86: inter frame */
  ck_assert_int_eq (ertmp_media_parse_vp9_frame ((const guint8 *)
          "\x86\x00\x00", 3, &vpcc), ERTMP_UNSUPPORTED);
  /* 88: show_existing_frame */
  ck_assert_int_eq (ertmp_media_parse_vp9_frame ((const guint8 *)
          "\x88\x00", 2, &vpcc), ERTMP_UNSUPPORTED);
  /* frame marker 0; a key frame with a wrong sync code */
  ck_assert_int_eq (ertmp_media_parse_vp9_frame ((const guint8 *)
          "\x02\x49\x83\x42\x20", 5, &vpcc), ERTMP_MALFORMED);
  ck_assert_int_eq (ertmp_media_parse_vp9_frame ((const guint8 *)
          "\x82\x49\x83\x43\x20", 5, &vpcc), ERTMP_MALFORMED);
  /* RGB (colour space 7) is full range 4:4:4, profile 1 only */
  ck_assert_int_eq (ertmp_media_parse_vp9_frame ((const guint8 *)
          "\xa2\x49\x83\x42\xe0", 5, &vpcc), ERTMP_OK);
  ck_assert (vpcc.full_range);
  ck_assert_uint_eq (vpcc.chroma_subsampling, 3);
  ck_assert_uint_eq (vpcc.matrix, 0);
  ck_assert_int_eq (ertmp_media_parse_vp9_frame ((const guint8 *)
          "\x82\x49\x83\x42\xe0", 5, &vpcc), ERTMP_MALFORMED);
}
END_TEST

START_TEST (test_vp9_level)
{
  ck_assert_uint_eq (ertmp_media_vp9_level (64, 48, 30), 10);
  ck_assert_uint_eq (ertmp_media_vp9_level (1280, 720, 0), 31);
  ck_assert_uint_eq (ertmp_media_vp9_level (1920, 1080, 30), 40);
  ck_assert_uint_eq (ertmp_media_vp9_level (1920, 1080, 60), 41);
  ck_assert_uint_eq (ertmp_media_vp9_level (3840, 2160, 30), 50);
  ck_assert_uint_eq (ertmp_media_vp9_level (3840, 2160, 60), 51);
  ck_assert_uint_eq (ertmp_media_vp9_level (8192, 4352, 120), 62);
  ck_assert_uint_eq (ertmp_media_vp9_level (0, 0, 30), 0);
  ck_assert_uint_eq (ertmp_media_vp9_level (16384, 16384, 30), 0);
}
END_TEST

/* The FullBox form written for a muxer, and read back */
START_TEST (test_vpcc_full_box)
{
  ertmp_media_vpcc vpcc = { 0 }, back;
  GByteArray *out = g_byte_array_new ();
  GByteArray *want = test_hex ("01 00 00 00"    /* version 1, flags 0 */
      "02 0a"                   /* profile 2, level 1 */
      "a2"                      /* 10 bit, 4:2:0 co-located, limited */
      "09 10 09"                /* BT.2020, PQ, BT.2020 NCL */
      "00 00");                 /* codecInitializationDataSize */

  vpcc.full_box = TRUE;
  vpcc.profile = 2;
  vpcc.level = 10;
  vpcc.bit_depth = 10;
  vpcc.chroma_subsampling = 1;
  vpcc.primaries = 9;
  vpcc.transfer = 16;
  vpcc.matrix = 9;
  ertmp_media_write_vpcc (out, &vpcc);
  ck_assert_bytes_eq (out->data, out->len, want->data, want->len);
  ck_assert_int_eq (ertmp_media_parse_vpcc (out->data, out->len, &back),
      ERTMP_OK);
  ck_assert_mem_eq (&back, &vpcc, sizeof (vpcc));
  g_byte_array_unref (want);
  g_byte_array_unref (out);
}
END_TEST

static Suite *
media_vp9_suite (void)
{
  Suite *s = suite_create ("media_vp9");
  TCase *tc = tcase_create ("vp9");

  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_vp9_key_frame, 0, G_N_ELEMENTS (cases));
  tcase_add_test (tc, test_vp9_not_key_frame);
  tcase_add_test (tc, test_vp9_level);
  tcase_add_test (tc, test_vpcc_full_box);
  return s;
}

int
main (void)
{
  return test_run_suite (media_vp9_suite ());
}
