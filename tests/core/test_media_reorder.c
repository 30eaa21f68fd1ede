/* gst-ertmp: tests for the reorder depth read from avcC / hvcC records
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Records from Debian 12's x264enc and x265enc (64x48 I420, 30/1), via
 * h264parse / h265parse.
 */
#include "test_util.h"
#include "ertmp_media_reorder.h"

/* x264enc bframes=1: High 4:4:4 Predictive, level 1.3, VUI with timing
 * (emulation prevention bytes in it) and bitstream_restriction,
 * max_num_reorder_frames 1 (ffprobe: has_b_frames=1) */
#define AVC_B1 "01f4000dffe1001c" \
  "67f4000d90d9c823d80b50606064000003000400000300f23c50a448" \
  "01000668ebec448440"
/* x264enc bframes=2 (x264's B-pyramid): max_num_reorder_frames 2 */
#define AVC_B2 "01f4000dffe1001c" \
  "67f4000d90d9b288f602d41818190000030001000003003c8f142996" \
  "01000668ebec448440"
/* x264enc bframes=3 b-pyramid=true: 2 as well */
#define AVC_PYRAMID "01f4000dffe1001c" \
  "67f4000d90d9b208f602d41818190000030001000003003c8f142996" \
  "01000668ebec448440"
/* x264enc bframes=0: max_num_reorder_frames 0 */
#define AVC_NO_B "01f4000dffe1001c" \
  "67f4000d90d96411ec05a8303032000003000200000300791e285490" \
  "01000668ebcc448440"
/* x265enc (bframes 4, b-pyramid): VPS, SPS, PPS arrays;
 * sps_max_num_reorder_pics 2 (ffprobe: has_b_frames=2) */
#define HEVC_DEFAULT "0104080000009808000000003ff000fcfffcfc00000f0320" \
  "0001001740010c01ffff040800000300980800000300003f95980921" \
  "000100304201010408000003009808000003" \
  "00003f90041062294b2b35c995ffe00020002d418181810000030001000003001e08" \
  "22000100064401c173d089"

/* @sps_end: where the SPS ends in the record; a longer prefix has it */
static void
check_depth (ertmp_codec codec, const gchar * hex, gsize sps_end,
    guint want)
{
  GByteArray *rec = test_hex (hex);
  guint depth = 99;
  gsize n;

  ck_assert_int_eq (ertmp_media_reorder_depth (codec, rec->data, rec->len,
          &depth), ERTMP_OK);
  ck_assert_uint_eq (depth, want);
  /* every prefix without the whole SPS is refused, none is read past
   * (ASan: each is a copy of its own size) */
  for (n = 0; n < rec->len; n++) {
    guint8 *copy = g_memdup2 (rec->data, n);

    depth = 99;
    ck_assert_int_eq (ertmp_media_reorder_depth (codec, copy, n, &depth),
        n < sps_end ? ERTMP_MALFORMED : ERTMP_OK);
    if (n >= sps_end)
      ck_assert_uint_eq (depth, want);
    g_free (copy);
  }
  g_byte_array_unref (rec);
}

START_TEST (test_avc)
{
  check_depth (ERTMP_CODEC_AVC, AVC_B1, 36, 1);
  check_depth (ERTMP_CODEC_AVC, AVC_B2, 36, 2);
  check_depth (ERTMP_CODEC_AVC, AVC_PYRAMID, 36, 2);
  check_depth (ERTMP_CODEC_AVC, AVC_NO_B, 36, 0);
}
END_TEST

START_TEST (test_hevc)
{
  /* header 23, VPS array 28, SPS array 53 */
  check_depth (ERTMP_CODEC_HEVC, HEVC_DEFAULT, 104, 2);
}
END_TEST

/* H.264 E.2.1 when the VUI does not say: Baseline 0, else MaxDpbFrames.
 * A hand-made SPS, 1280x720, no VUI:
 *   67               NAL header
 *   4d|42 40 1e      Main|Baseline, constraint_set1, level 3.0
 *   f4 02 80 2d c8   sps_id 0, log2_max_frame_num-4 0, poc type 0, lsb 0,
 *                    1 ref frame, no gaps, 80x45 MBs, frame_mbs_only,
 *                    direct_8x8, no cropping, no VUI, stop bit */
START_TEST (test_avc_inferred)
{
  /* 8100 MBs for level 3.0 / 3600 MBs per frame = 2 */
  check_depth (ERTMP_CODEC_AVC, "014d401effe10009" "674d401ef402802dc8",
      17, 2);
  check_depth (ERTMP_CODEC_AVC, "0142401effe10009" "6742401ef402802dc8",
      17, 0);
}
END_TEST

START_TEST (test_refused)
{
  GByteArray *rec = test_hex (AVC_B2);
  guint depth;

  /* no SPS in the record; another codec; a PPS where the SPS belongs */
  ck_assert_int_eq (ertmp_media_reorder_depth (ERTMP_CODEC_AVC,
          (const guint8 *) "\x01\xf4\x00\x0d\xff\xe0\x00", 7, &depth),
      ERTMP_UNSUPPORTED);
  ck_assert_int_eq (ertmp_media_reorder_depth (ERTMP_CODEC_VP9, rec->data,
          rec->len, &depth), ERTMP_UNSUPPORTED);
  rec->data[8] = 0x68;
  ck_assert_int_eq (ertmp_media_reorder_depth (ERTMP_CODEC_AVC, rec->data,
          rec->len, &depth), ERTMP_MALFORMED);
  g_byte_array_unref (rec);
}
END_TEST

static Suite *
media_reorder_suite (void)
{
  Suite *s = suite_create ("media_reorder");
  TCase *tc = tcase_create ("sps");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_avc);
  tcase_add_test (tc, test_hevc);
  tcase_add_test (tc, test_avc_inferred);
  tcase_add_test (tc, test_refused);
  return s;
}

int
main (void)
{
  return test_run_suite (media_reorder_suite ());
}
