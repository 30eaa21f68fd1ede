/* gst-ertmp: tests for writing FLV audio/video tag headers: the choices
 * real encoders make and what cannot be represented (ertmp.md 4, 5, 7, 13,
 * 14)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "media_test_util.h"

/* ---- writing --------------------------------------------------------- */

START_TEST (test_write_choices_video)
{
  static const guint8 nal[] = { 0, 0, 0, 1, 0x26 };
  ertmp_media_header hdr;
  ertmp_media_track t = { 0 };
  GByteArray *out = g_byte_array_new ();
  GByteArray *want;

  /* track 2, nano 1, hvc1 cts 0: ModEx, OneTrack, CodedFramesX */
  ertmp_media_header_init (&hdr, V);
  hdr.packet = ERTMP_MEDIA_PACKET_CODED_FRAMES;
  hdr.has_nano_offset = TRUE;
  hdr.nano_offset = 1;
  t.track_id = 2;
  t.codec = ERTMP_CODEC_HEVC;
  t.data = nal;
  t.len = sizeof (nal);
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t), ERTMP_OK);
  want = test_hex ("97 02 00 00 01"     /* key, ModEx: 3 bytes, 1 ns */
      "06"                      /* ModExType 0, next Multitrack */
      "03"                      /* OneTrack, CodedFramesX */
      "68 76 63 31 02");        /* hvc1, trackId 2 */
  ck_assert_bytes_eq (out->data, out->len, want->data, want->len);
  g_byte_array_unref (want);
  assert_reparses (&hdr, &t);
  /* Metadata is always frame type 5 */
  g_byte_array_set_size (out, 0);
  hdr.has_nano_offset = FALSE;
  hdr.packet = ERTMP_MEDIA_PACKET_METADATA;
  hdr.frame_type = 0;
  t.track_id = 0;
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t), ERTMP_OK);
  ck_assert_uint_eq (out->data[0], 0xd4);
  assert_reparses (&hdr, &t);
  /* wrapped: frame type 5 too, else FFmpeg decodes the AMF as a frame */
  g_byte_array_set_size (out, 0);
  t.track_id = 3;
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t), ERTMP_OK);
  want = test_hex ("d6"         /* IsEx, frame type 5, Multitrack */
      "04"                      /* OneTrack, Metadata */
      "68 76 63 31 03");        /* hvc1, trackId 3 */
  ck_assert_bytes_eq (out->data, out->len, want->data, want->len);
  g_byte_array_unref (want);
  assert_reparses (&hdr, &t);
  g_byte_array_unref (out);
}
END_TEST

START_TEST (test_write_choices_audio)
{
  static const guint8 body[] = { 0xfc, 0xff };
  ertmp_media_header hdr;
  ertmp_media_track t = { 0 };
  GByteArray *out = g_byte_array_new ();

  t.data = body;
  t.len = sizeof (body);
  /* nano + OneTrack + MultichannelConfig */
  ertmp_media_header_init (&hdr, A);
  hdr.packet = ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG;
  hdr.has_nano_offset = TRUE;
  hdr.nano_offset = 999999;
  t.track_id = 7;
  t.codec = ERTMP_CODEC_FLAC;
  assert_reparses (&hdr, &t);
  /* legacy AAC raw with the 0xAF defaults */
  hdr.has_nano_offset = FALSE;
  hdr.enhanced = FALSE;
  hdr.packet = ERTMP_MEDIA_PACKET_CODED_FRAMES;
  t.track_id = 0;
  t.codec = ERTMP_CODEC_AAC;
  g_byte_array_set_size (out, 0);
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t), ERTMP_OK);
  ck_assert_bytes_eq (out->data, out->len, "\xaf\x01", 2);
  assert_reparses (&hdr, &t);
  g_byte_array_unref (out);
}
END_TEST

START_TEST (test_write_refusals_enhanced)
{
  ertmp_media_header hdr;
  ertmp_media_track t = { 0 };
  GByteArray *out = g_byte_array_new ();

  ertmp_media_header_init (&hdr, V);
  hdr.packet = ERTMP_MEDIA_PACKET_CODED_FRAMES;
  t.codec = ERTMP_CODEC_AV1;
  t.cts = 1;                    /* av01 carries no cts */
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  t.codec = ERTMP_CODEC_AVC;
  t.cts = 0x800000;             /* beyond SI24 */
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  t.cts = -0x800000;            /* the SI24 minimum is fine */
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t), ERTMP_OK);
  g_byte_array_set_size (out, 0);
  t.cts = 0;
  hdr.packet = ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG;  /* not video */
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  hdr.packet = ERTMP_MEDIA_PACKET_CODED_FRAMES;
  hdr.frame_type = ERTMP_MEDIA_FRAME_COMMAND;
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  hdr.frame_type = ERTMP_MEDIA_FRAME_KEY;
  t.codec = ERTMP_CODEC_OPUS;   /* audio codec in video */
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  t.codec = ERTMP_CODEC_H263;   /* no FourCC */
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  ck_assert_uint_eq (out->len, 0);
  g_byte_array_unref (out);
}
END_TEST

START_TEST (test_write_refusals_legacy)
{
  ertmp_media_header hdr;
  ertmp_media_track t = { 0 };
  GByteArray *out = g_byte_array_new ();

  ertmp_media_header_init (&hdr, V);
  hdr.packet = ERTMP_MEDIA_PACKET_CODED_FRAMES;
  /* legacy: no track ids, no ModEx, no FourCC-only codec, no HEVC 12 */
  hdr.enhanced = FALSE;
  t.codec = ERTMP_CODEC_AVC;
  t.track_id = 1;
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  t.track_id = 0;
  hdr.has_nano_offset = TRUE;
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  hdr.has_nano_offset = FALSE;
  t.codec = ERTMP_CODEC_VP9;
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  t.codec = ERTMP_CODEC_HEVC;
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  t.codec = ERTMP_CODEC_H263;
  hdr.packet = ERTMP_MEDIA_PACKET_SEQUENCE_START;
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  hdr.packet = ERTMP_MEDIA_PACKET_METADATA;
  t.codec = ERTMP_CODEC_AVC;
  ck_assert_int_eq (ertmp_media_write_header (out, &hdr, &t),
      ERTMP_UNSUPPORTED);
  /* nothing was written by any refusal */
  ck_assert_uint_eq (out->len, 0);
  /* ManyTracks: only E-RTMP */
  hdr.packet = ERTMP_MEDIA_PACKET_CODED_FRAMES;
  ck_assert_int_eq (ertmp_media_write_tracks (out, &hdr, &t, 1),
      ERTMP_UNSUPPORTED);
  ck_assert_uint_eq (out->len, 0);
  g_byte_array_unref (out);
}
END_TEST

/* ManyTracksManyCodecs: the cts goes into the tracks whose codec has one */
START_TEST (test_write_many_codecs)
{
  static const guint8 a[] = { 0, 0, 0, 1, 0x26 }, b[] = { 0x12, 0x00 };
  ertmp_media_track tracks[2] = { {0}, {0} };
  GByteArray *out = g_byte_array_new ();
  GByteArray *want;
  ertmp_media_header hdr;
  parsed p;

  ertmp_media_header_init (&hdr, V);
  hdr.packet = ERTMP_MEDIA_PACKET_CODED_FRAMES;
  tracks[0].codec = ERTMP_CODEC_HEVC;
  tracks[0].cts = 40;
  tracks[0].data = a;
  tracks[0].len = sizeof (a);
  tracks[1].track_id = 1;
  tracks[1].codec = ERTMP_CODEC_AV1;
  tracks[1].data = b;
  tracks[1].len = sizeof (b);
  ck_assert_int_eq (ertmp_media_write_tracks (out, &hdr, tracks, 2),
      ERTMP_OK);
  want = test_hex ("96"         /* IsEx, key, Multitrack */
      "21"                      /* ManyTracksManyCodecs, CodedFrames */
      "68 76 63 31 00 00 00 08" /* hvc1, track 0, 8 bytes */
      "00 00 28 00 00 00 01 26" /* SI24 40, NALU */
      "61 76 30 31 01 00 00 02" /* av01, track 1, 2 bytes */
      "12 00");                 /* TD OBU, no cts */
  ck_assert_bytes_eq (out->data, out->len, want->data, want->len);
  g_byte_array_unref (want);
  ck_assert_int_eq (parse_bytes (V, out, &p), ERTMP_OK);
  ck_assert_uint_eq (p.n, 2);
  assert_track_eq (&p.t[0], &tracks[0]);
  assert_track_eq (&p.t[1], &tracks[1]);
  parsed_clear (&p);
  /* a packet the kind lacks */
  out = g_byte_array_new ();
  hdr.packet = ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG;
  ck_assert_int_eq (ertmp_media_write_tracks (out, &hdr, tracks, 2),
      ERTMP_UNSUPPORTED);
  hdr.packet = ERTMP_MEDIA_PACKET_CODED_FRAMES;
  ck_assert_uint_eq (out->len, 0);
  g_byte_array_unref (out);
  /* a track over the 24-bit size is refused before anything is read */
  out = g_byte_array_new ();
  tracks[1].len = 0x1000000;
  ck_assert_int_eq (ertmp_media_write_tracks (out, &hdr, tracks, 2),
      ERTMP_UNSUPPORTED);
  ck_assert_uint_eq (out->len, 0);
  g_byte_array_unref (out);
}
END_TEST

static Suite *
media_write_suite (void)
{
  Suite *s = suite_create ("media_write");
  TCase *tc = tcase_create ("write");

  tcase_add_test (tc, test_write_choices_video);
  tcase_add_test (tc, test_write_choices_audio);
  tcase_add_test (tc, test_write_refusals_enhanced);
  tcase_add_test (tc, test_write_refusals_legacy);
  tcase_add_test (tc, test_write_many_codecs);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (media_write_suite ());
}
