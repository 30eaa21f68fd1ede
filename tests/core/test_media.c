/* gst-ertmp: tests for FLV audio/video tag bodies, the known answers
 * (flv.md 4, 5; ertmp.md 2-6; test-vectors.md 5-8)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "media_test_util.h"

/* ---- test-vectors.md 5 and 6: legacy ------------------------------- */

START_TEST (test_legacy_avc)
{
  parsed p;

  ck_assert_int_eq (parse_hex (V, vec_6_avc_seq, &p), ERTMP_OK);
  ck_assert (!p.tag.hdr.enhanced);
  ck_assert_uint_eq (p.tag.hdr.frame_type, ERTMP_MEDIA_FRAME_KEY);
  ck_assert_uint_eq (p.tag.hdr.legacy_id, 7);
  ck_assert_int_eq (p.tag.hdr.codec, ERTMP_CODEC_AVC);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_SEQUENCE_START);
  ck_assert_int_eq (p.tag.hdr.multitrack, ERTMP_MEDIA_MULTITRACK_NONE);
  ck_assert_uint_eq (p.n, 1);
  ck_assert_uint_eq (p.t[0].track_id, 0);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_AVC);
  ck_assert_uint_eq (p.t[0].fourcc, 0);
  ck_assert_uint_eq (p.t[0].len, 46);
  ck_assert_uint_eq (p.t[0].data[0], 0x01);     /* configurationVersion */
  ck_assert_uint_eq (p.t[0].data[1], 0xf4);     /* profile */
  ck_assert_int_eq (p.tag.status, ERTMP_OK);
  parsed_clear (&p);
  assert_rebuilds (V, vec_6_avc_seq);

  ck_assert_int_eq (parse_hex (V, vec_6_frame_key, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_CODED_FRAMES);
  ck_assert_int_eq (p.t[0].cts, 67);
  ck_assert_uint_eq (p.t[0].len, 0);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (V, vec_6_frame_inter, &p), ERTMP_OK);
  ck_assert_uint_eq (p.tag.hdr.frame_type, ERTMP_MEDIA_FRAME_INTER);
  ck_assert_int_eq (p.t[0].cts, 133);
  parsed_clear (&p);
  assert_rebuilds (V, vec_6_frame_key);
  assert_rebuilds (V, vec_6_frame_inter);
  assert_rebuilds (V, vec_6_frame_inter2);
  /* FFmpeg's end-of-sequence tag (flv.md 5) */
  ck_assert_int_eq (parse_hex (V, "17 02 00 00 00", &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_SEQUENCE_END);
  parsed_clear (&p);
  assert_rebuilds (V, "17 02 00 00 00");
}
END_TEST

START_TEST (test_legacy_aac)
{
  guint rate, channels, bits;
  parsed p;

  ck_assert_int_eq (parse_hex (A, vec_6_aac_seq, &p), ERTMP_OK);
  ck_assert (!p.tag.hdr.enhanced);
  ck_assert_uint_eq (p.tag.hdr.legacy_id, 10);
  ck_assert_int_eq (p.tag.hdr.codec, ERTMP_CODEC_AAC);
  ck_assert_uint_eq (p.tag.hdr.sound_rate, 3);
  ck_assert_uint_eq (p.tag.hdr.sound_size, 1);
  ck_assert_uint_eq (p.tag.hdr.sound_type, 1);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_SEQUENCE_START);
  assert_body (&p.t[0], "12 08 56 e5 00");
  ertmp_media_legacy_audio_format (&p.tag.hdr, &rate, &channels, &bits);
  ck_assert_uint_eq (rate, 44100);
  ck_assert_uint_eq (channels, 2);
  ck_assert_uint_eq (bits, 16);
  parsed_clear (&p);
  assert_rebuilds (A, vec_6_aac_seq);

  ck_assert_int_eq (parse_hex (A, vec_5_aac_raw, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_CODED_FRAMES);
  assert_body (&p.t[0], "21 00");
  parsed_clear (&p);
  assert_rebuilds (A, vec_5_aac_raw);
}
END_TEST

/* flv.md 4 and 5: the other legacy codecs pass their body through */
START_TEST (test_legacy_other_codecs)
{
  static const struct
  {
    ertmp_codec_kind kind;
    const gchar *hex;
    ertmp_codec codec;
    guint rate, channels, bits;
  } cases[] = {
    {A, "2f ff fb", ERTMP_CODEC_MP3, 44100, 2, 16},
    {A, "e2 ff f3", ERTMP_CODEC_MP3_8K, 8000, 1, 16},
    {A, "0c 80 80", ERTMP_CODEC_PCM, 44100, 1, 8},
    {A, "3f 00 01", ERTMP_CODEC_PCM_LE, 44100, 2, 16},
    {A, "16 00", ERTMP_CODEC_ADPCM, 11025, 1, 16},
    {A, "42 00", ERTMP_CODEC_NELLYMOSER_16K, 16000, 1, 16},
    {A, "52 00", ERTMP_CODEC_NELLYMOSER_8K, 8000, 1, 16},
    {A, "6a 00", ERTMP_CODEC_NELLYMOSER, 22050, 1, 16},
    {A, "72 d5", ERTMP_CODEC_ALAW, 8000, 1, 16},
    {A, "82 ff", ERTMP_CODEC_MULAW, 8000, 1, 16},
    {A, "b2 00", ERTMP_CODEC_SPEEX, 16000, 1, 16},
    {A, "f0 00", ERTMP_CODEC_DEVICE_SPECIFIC, 5512, 1, 8},
    {A, "d0 00", ERTMP_CODEC_UNKNOWN, 5512, 1, 8},
    {V, "22 00 84", ERTMP_CODEC_H263, 0, 0, 0},
    {V, "13 00", ERTMP_CODEC_SCREEN, 0, 0, 0},
    {V, "14 00 aa", ERTMP_CODEC_VP6, 0, 0, 0},
    {V, "15 00 00 00 00", ERTMP_CODEC_VP6_ALPHA, 0, 0, 0},
    {V, "16 00", ERTMP_CODEC_SCREEN_V2, 0, 0, 0},
    {V, "10 00", ERTMP_CODEC_UNKNOWN, 0, 0, 0},
    {V, "19 00", ERTMP_CODEC_UNKNOWN, 0, 0, 0},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    guint rate, channels, bits;
    parsed p;

    ck_assert_int_eq (parse_hex (cases[i].kind, cases[i].hex, &p), ERTMP_OK);
    ck_assert_int_eq (p.tag.hdr.codec, cases[i].codec);
    ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_CODED_FRAMES);
    ck_assert_uint_eq (p.n, 1);
    ck_assert_uint_eq (p.t[0].len, p.bytes->len - 1);
    if (cases[i].kind == A) {
      ertmp_media_legacy_audio_format (&p.tag.hdr, &rate, &channels, &bits);
      ck_assert_uint_eq (rate, cases[i].rate);
      ck_assert_uint_eq (channels, cases[i].channels);
      ck_assert_uint_eq (bits, cases[i].bits);
    }
    parsed_clear (&p);
    if (cases[i].codec != ERTMP_CODEC_UNKNOWN)
      assert_rebuilds (cases[i].kind, cases[i].hex);
  }
}
END_TEST

/* flv.md 5: non-standard HEVC 12, read only */
START_TEST (test_legacy_hevc_12)
{
  GByteArray *out = g_byte_array_new ();
  parsed p;

  ck_assert_int_eq (parse_hex (V, "1c 01 00 00 21 00 00 00 01 26", &p),
      ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.codec, ERTMP_CODEC_HEVC);
  ck_assert_int_eq (p.t[0].cts, 33);
  assert_body (&p.t[0], "00 00 00 01 26");
  ck_assert_int_eq (ertmp_media_write_header (out, &p.tag.hdr, &p.t[0]),
      ERTMP_UNSUPPORTED);
  ck_assert_uint_eq (out->len, 0);
  parsed_clear (&p);
  g_byte_array_unref (out);
}
END_TEST

/* flv.md 5: frame type 5 is dropped, also in legacy form */
START_TEST (test_legacy_command)
{
  parsed p;

  ck_assert_int_eq (parse_hex (V, "52 01", &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_COMMAND);
  ck_assert_uint_eq (p.tag.hdr.command, 1);
  ck_assert_uint_eq (p.n, 0);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (V, "57 01 00 00 00 00", &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_COMMAND);
  ck_assert_uint_eq (p.tag.hdr.command, 0);
  ck_assert_uint_eq (p.n, 0);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (V, "52", &p), ERTMP_MALFORMED);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (V, "57 01 00 00 00", &p), ERTMP_MALFORMED);
  parsed_clear (&p);
}
END_TEST

/* ---- test-vectors.md 7 ---------------------------------------------- */

START_TEST (test_vector_7_1_to_7_4)
{
  parsed p;

  ck_assert_int_eq (parse_hex (V, vec_7_1, &p), ERTMP_OK);
  ck_assert (p.tag.hdr.enhanced);
  ck_assert_uint_eq (p.tag.hdr.frame_type, ERTMP_MEDIA_FRAME_KEY);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_CODED_FRAMES);
  ck_assert_int_eq (p.tag.hdr.codec, ERTMP_CODEC_HEVC);
  ck_assert_uint_eq (p.tag.hdr.fourcc, ERTMP_FOURCC ('h', 'v', 'c', '1'));
  ck_assert_uint_eq (p.n, 1);
  ck_assert_int_eq (p.t[0].cts, 33);
  assert_body (&p.t[0], "00 00 00 05 26 01 af 12 34");
  parsed_clear (&p);

  ck_assert_int_eq (parse_hex (V, vec_7_2, &p), ERTMP_OK);
  ck_assert_uint_eq (p.tag.hdr.frame_type, ERTMP_MEDIA_FRAME_INTER);
  ck_assert_int_eq (p.t[0].cts, -33);
  assert_body (&p.t[0], "00 00 00 04 02 01 d0 aa");
  parsed_clear (&p);

  ck_assert_int_eq (parse_hex (V, vec_7_3, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_CODED_FRAMES);
  ck_assert_int_eq (p.t[0].cts, 0);
  assert_body (&p.t[0], "00 00 00 04 02 01 d0 aa");
  parsed_clear (&p);

  ck_assert_int_eq (parse_hex (V, vec_7_4, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.codec, ERTMP_CODEC_AVC);
  ck_assert_int_eq (p.t[0].cts, 67);
  assert_body (&p.t[0], "00 00 00 05 65 88 84 00 ff");
  parsed_clear (&p);

  assert_rebuilds (V, vec_7_1);
  assert_rebuilds (V, vec_7_2);
  assert_rebuilds (V, vec_7_3);
  assert_rebuilds (V, vec_7_4);
}
END_TEST

START_TEST (test_vector_7_5_7_6)
{
  parsed p;

  ck_assert_int_eq (parse_hex (V, vec_7_5, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_SEQUENCE_END);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_AV1);
  ck_assert_uint_eq (p.t[0].len, 0);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (V, vec_7_6, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_SEQUENCE_START);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_VP9);
  assert_body (&p.t[0], "00 1f 82 01 01 01 00 00");
  parsed_clear (&p);
  assert_rebuilds (V, vec_7_5);
  assert_rebuilds (V, vec_7_6);
}
END_TEST

/* ertmp.md 2.1: MPEG2TSSequenceStart (av01 only), passed through */
START_TEST (test_mpeg2ts_sequence_start)
{
  parsed p;

  ck_assert_int_eq (parse_hex (V, "95"  /* IsEx, key, MPEG2TSSequenceStart */
          "61 76 30 31"         /* av01 */
          "80 04 81 04 0c 00", &p), ERTMP_OK);  /* AV1 video descriptor */
  ck_assert_int_eq (p.tag.hdr.packet,
      ERTMP_MEDIA_PACKET_MPEG2TS_SEQUENCE_START);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_AV1);
  assert_body (&p.t[0], "80 04 81 04 0c 00");
  parsed_clear (&p);
  assert_rebuilds (V, "95 61 76 30 31 80 04 81 04 0c 00");
  /* audio has no such packet: 5 is Multitrack there */
  ck_assert_int_eq (parse_hex (A, "95 4f 70 75 73", &p), ERTMP_UNSUPPORTED);
  parsed_clear (&p);
}
END_TEST

START_TEST (test_vector_7_7_metadata)
{
  parsed p;

  ck_assert_int_eq (parse_hex (V, vec_7_7, &p), ERTMP_OK);
  ck_assert_uint_eq (p.tag.hdr.frame_type, ERTMP_MEDIA_FRAME_COMMAND);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_METADATA);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_HEVC);
  ck_assert_uint_eq (p.t[0].len, p.bytes->len - 5);
  parsed_clear (&p);
  assert_rebuilds (V, vec_7_7);
}
END_TEST

/* ertmp.md 7: Metadata in a Multitrack wrapper, with the frame type 5 we
 * and FFmpeg write (0xD6) or the 0 OBS writes (0x86); a 0xD6 whose
 * Multitrack byte does not name Metadata stays a command */
START_TEST (test_wrapped_metadata)
{
  static const gchar *const forms[] = { "d6", "86" };
  parsed p;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (forms); i++) {
    gchar *hex = g_strconcat (forms[i],
        "04"                    /* OneTrack, Metadata */
        "76 70 30 39 02"        /* vp09, trackId 2 */
        "02 00 09 63 6f 6c 6f 72 49 6e 66 6f"   /* "colorInfo" */
        "03 00 00 09", NULL);   /* {} */

    ck_assert_int_eq (parse_hex (V, hex, &p), ERTMP_OK);
    ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_METADATA);
    ck_assert_int_eq (p.tag.hdr.multitrack, ERTMP_MEDIA_MULTITRACK_ONE_TRACK);
    ck_assert_uint_eq (p.n, 1);
    ck_assert_uint_eq (p.t[0].track_id, 2);
    ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_VP9);
    ck_assert_uint_eq (p.t[0].len, 16);
    parsed_clear (&p);
    g_free (hex);
  }
  ck_assert_int_eq (parse_hex (V, "d6 01", &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_COMMAND);
  ck_assert_uint_eq (p.tag.hdr.command, 1);
  ck_assert_uint_eq (p.n, 0);
  parsed_clear (&p);
}
END_TEST

/* test-vectors.md 7.8 and 9: the command frame is dropped */
START_TEST (test_vector_7_8_command)
{
  GByteArray *out = g_byte_array_new ();
  ertmp_media_track none = { 0 };
  parsed p;

  ck_assert_int_eq (parse_hex (V, vec_7_8, &p), ERTMP_OK);
  ck_assert (p.tag.hdr.enhanced);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_COMMAND);
  ck_assert_uint_eq (p.tag.hdr.command, 0);
  ck_assert_uint_eq (p.n, 0);
  ck_assert_int_eq (p.tag.status, ERTMP_OK);
  /* never sent */
  none.codec = ERTMP_CODEC_HEVC;
  ck_assert_int_eq (ertmp_media_write_header (out, &p.tag.hdr, &none),
      ERTMP_UNSUPPORTED);
  ck_assert_uint_eq (out->len, 0);
  parsed_clear (&p);
  /* EndSeek; and one after a ModEx */
  ck_assert_int_eq (parse_hex (V, "d1 01", &p), ERTMP_OK);
  ck_assert_uint_eq (p.tag.hdr.command, 1);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (V, "d7 02 00 00 01 01 00", &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_COMMAND);
  ck_assert (p.tag.hdr.has_nano_offset);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (V, "d1", &p), ERTMP_MALFORMED);
  parsed_clear (&p);
  g_byte_array_unref (out);
}
END_TEST

START_TEST (test_vector_7_9_modex)
{
  GByteArray *out = g_byte_array_new ();
  GByteArray *want = test_hex ("97 02 07 a1 20"  /* ModEx nano 500000 */
      "03"                      /* ModExType 0, CodedFramesX */
      "68 76 63 31");           /* hvc1, no CTS */
  parsed p;

  ck_assert_int_eq (parse_hex (V, vec_7_9, &p), ERTMP_OK);
  ck_assert (p.tag.hdr.has_nano_offset);
  ck_assert_uint_eq (p.tag.hdr.nano_offset, 500000);
  ck_assert_uint_eq (p.tag.hdr.frame_type, ERTMP_MEDIA_FRAME_KEY);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_CODED_FRAMES);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_HEVC);
  ck_assert_int_eq (p.t[0].cts, 0);
  assert_body (&p.t[0], "00 00 00 05 26 01 af 12 34");
  /* our writer uses CodedFramesX for cts 0 */
  ck_assert_int_eq (ertmp_media_write_header (out, &p.tag.hdr, &p.t[0]),
      ERTMP_OK);
  ck_assert_bytes_eq (out->data, out->len, want->data, want->len);
  assert_reparses (&p.tag.hdr, &p.t[0]);
  parsed_clear (&p);
  g_byte_array_unref (want);
  g_byte_array_unref (out);
}
END_TEST

/* test-vectors.md 7.10 and ertmp.md 4: the ModEx size escapes */
static void
check_modex_size (const gchar * size_field, gsize size)
{
  GByteArray *b = test_hex ("97");      /* IsEx, key, ModEx */
  GByteArray *field = test_hex (size_field);
  GByteArray *tail = test_hex ("01"     /* ModExType 0, CodedFrames */
      "61 76 30 31 aa");        /* av01, payload */
  guint8 *data = g_malloc0 (size);
  parsed p;

  data[2] = 0x64;               /* first 3 bytes: 100 ns */
  g_byte_array_append (b, field->data, field->len);
  g_byte_array_append (b, data, (guint) size);
  g_byte_array_append (b, tail->data, tail->len);
  ck_assert_int_eq (parse_bytes (V, b, &p), ERTMP_OK);
  ck_assert (p.tag.hdr.has_nano_offset);
  ck_assert_uint_eq (p.tag.hdr.nano_offset, 100);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_AV1);
  assert_body (&p.t[0], "aa");
  parsed_clear (&p);
  g_free (data);
  g_byte_array_unref (field);
  g_byte_array_unref (tail);
}

START_TEST (test_vector_7_10_modex_sizes)
{
  check_modex_size ("02", 3);
  check_modex_size ("03", 4);
  check_modex_size ("fe", 255);
  check_modex_size ("ff 00 ff", 256);
  check_modex_size ("ff 01 2b", 300);   /* the vector itself */
  check_modex_size ("ff ff ff", 65536);
}
END_TEST

START_TEST (test_vector_7_11_many_tracks)
{
  GByteArray *out = g_byte_array_new ();
  GByteArray *want = test_hex ("96"     /* IsEx, key, Multitrack */
      "13"                      /* ManyTracks, CodedFramesX */
      "68 76 63 31"             /* hvc1 */
      "00" "00 00 09" "00 00 00 05 26 01 af 12 34"      /* track 0 */
      "01" "00 00 07" "00 00 00 03 26 01 bb");  /* track 1 */
  parsed p, back;

  ck_assert_int_eq (parse_hex (V, vec_7_11, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.multitrack, ERTMP_MEDIA_MULTITRACK_MANY_TRACKS);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_CODED_FRAMES);
  ck_assert_uint_eq (p.n, 2);
  ck_assert_uint_eq (p.t[0].track_id, 0);
  ck_assert_uint_eq (p.t[1].track_id, 1);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_HEVC);
  ck_assert_int_eq (p.t[1].codec, ERTMP_CODEC_HEVC);
  ck_assert_int_eq (p.t[0].cts, 0);
  assert_body (&p.t[0], "00 00 00 05 26 01 af 12 34");
  assert_body (&p.t[1], "00 00 00 03 26 01 bb");
  ck_assert (!p.t[0].truncated && !p.t[1].truncated);
  ck_assert_int_eq (p.tag.status, ERTMP_OK);
  /* all cts 0: our writer uses CodedFramesX */
  ck_assert_int_eq (ertmp_media_write_tracks (out, &p.tag.hdr, p.t, 2),
      ERTMP_OK);
  ck_assert_bytes_eq (out->data, out->len, want->data, want->len);
  /* a cts keeps CodedFrames, with the SI24 in every track */
  g_byte_array_set_size (out, 0);
  p.t[1].cts = -1;
  ck_assert_int_eq (ertmp_media_write_tracks (out, &p.tag.hdr, p.t, 2),
      ERTMP_OK);
  ck_assert_int_eq (parse_bytes (V, out, &back), ERTMP_OK);
  ck_assert_uint_eq (back.bytes->data[1], 0x11);
  ck_assert_uint_eq (back.n, 2);
  assert_track_eq (&back.t[0], &p.t[0]);
  assert_track_eq (&back.t[1], &p.t[1]);
  parsed_clear (&back);
  parsed_clear (&p);
  g_byte_array_unref (want);
}
END_TEST

START_TEST (test_vector_7_12_one_track)
{
  parsed p;

  ck_assert_int_eq (parse_hex (V, vec_7_12, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.multitrack, ERTMP_MEDIA_MULTITRACK_ONE_TRACK);
  ck_assert_uint_eq (p.tag.hdr.frame_type, ERTMP_MEDIA_FRAME_INTER);
  ck_assert_uint_eq (p.n, 1);
  ck_assert_uint_eq (p.t[0].track_id, 1);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_AV1);
  assert_body (&p.t[0], "12 00 0a 0b");
  parsed_clear (&p);
  assert_rebuilds (V, vec_7_12);
}
END_TEST

START_TEST (test_vector_7_13_ffmpeg8)
{
  parsed p;

  ck_assert_int_eq (parse_hex (V, vec_7_13_seq, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_SEQUENCE_START);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_AV1);
  ck_assert_uint_eq (p.t[0].len, 17);
  ck_assert_uint_eq (p.t[0].data[0], 0x81);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (V, vec_7_13_empty, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_SEQUENCE_START);
  ck_assert_uint_eq (p.n, 1);
  ck_assert_uint_eq (p.t[0].len, 0);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (V, vec_7_13_meta, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_METADATA);
  ck_assert_uint_eq (p.tag.hdr.frame_type, 5);
  parsed_clear (&p);
  ck_assert_int_eq (parse_hex (V, vec_7_13_key, &p), ERTMP_OK);
  ck_assert_uint_eq (p.tag.hdr.frame_type, ERTMP_MEDIA_FRAME_KEY);
  ck_assert_int_eq (p.t[0].cts, 0);
  assert_body (&p.t[0], "12 00 0a 0b 00");
  parsed_clear (&p);
  assert_rebuilds (V, vec_7_13_seq);
  assert_rebuilds (V, vec_7_13_empty);
  assert_rebuilds (V, vec_7_13_key);
  assert_rebuilds (V, vec_7_13_inter);
}
END_TEST

/* ---- test-vectors.md 8 ---------------------------------------------- */

START_TEST (test_vector_8_single)
{
  static const struct
  {
    const gchar *hex;
    ertmp_media_packet packet;
    ertmp_codec codec;
    gsize body_len;
  } cases[] = {
    {vec_8_1, ERTMP_MEDIA_PACKET_SEQUENCE_START, ERTMP_CODEC_OPUS, 19},
    {vec_8_2, ERTMP_MEDIA_PACKET_CODED_FRAMES, ERTMP_CODEC_OPUS, 3},
    {vec_8_3, ERTMP_MEDIA_PACKET_SEQUENCE_START, ERTMP_CODEC_AAC, 2},
    {vec_8_4, ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG, ERTMP_CODEC_OPUS, 6},
    {vec_8_5, ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG, ERTMP_CODEC_OPUS, 4},
    {vec_8_6, ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG, ERTMP_CODEC_OPUS, 2},
    {vec_8_7, ERTMP_MEDIA_PACKET_SEQUENCE_END, ERTMP_CODEC_OPUS, 0},
    {vec_8_12_mono, ERTMP_MEDIA_PACKET_SEQUENCE_START, ERTMP_CODEC_OPUS, 19},
    {vec_8_12_mcc_mono, ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG,
        ERTMP_CODEC_OPUS, 6},
    {vec_8_12_mcc_stereo, ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG,
        ERTMP_CODEC_OPUS, 6},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    parsed p;

    ck_assert_int_eq (parse_hex (A, cases[i].hex, &p), ERTMP_OK);
    ck_assert (p.tag.hdr.enhanced);
    ck_assert_uint_eq (p.tag.hdr.frame_type, 0);
    ck_assert_int_eq (p.tag.hdr.packet, cases[i].packet);
    ck_assert_int_eq (p.tag.hdr.codec, cases[i].codec);
    ck_assert_uint_eq (p.n, 1);
    ck_assert_uint_eq (p.t[0].track_id, 0);
    ck_assert_int_eq (p.t[0].codec, cases[i].codec);
    ck_assert_uint_eq (p.t[0].len, cases[i].body_len);
    ck_assert_uint_eq (p.t[0].len, p.bytes->len - 5);
    parsed_clear (&p);
    assert_rebuilds (A, cases[i].hex);
  }
}
END_TEST

START_TEST (test_vector_8_8_one_track)
{
  parsed p;

  ck_assert_int_eq (parse_hex (A, vec_8_8, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.multitrack, ERTMP_MEDIA_MULTITRACK_ONE_TRACK);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_CODED_FRAMES);
  ck_assert_uint_eq (p.n, 1);
  ck_assert_uint_eq (p.t[0].track_id, 1);
  assert_body (&p.t[0], "fc ff fe");
  parsed_clear (&p);
  assert_rebuilds (A, vec_8_8);
}
END_TEST

static void
assert_tracks_rebuild (const gchar * hex)
{
  GByteArray *out = g_byte_array_new ();
  parsed p;

  ck_assert_int_eq (parse_hex (A, hex, &p), ERTMP_OK);
  ck_assert_int_eq (ertmp_media_write_tracks (out, &p.tag.hdr, p.t, p.n),
      ERTMP_OK);
  ck_assert_bytes_eq (out->data, out->len, p.bytes->data, p.bytes->len);
  parsed_clear (&p);
  g_byte_array_unref (out);
}

START_TEST (test_vector_8_9_8_10_many)
{
  parsed p;

  ck_assert_int_eq (parse_hex (A, vec_8_9, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.multitrack, ERTMP_MEDIA_MULTITRACK_MANY_TRACKS);
  ck_assert_int_eq (p.tag.hdr.codec, ERTMP_CODEC_OPUS);
  ck_assert_uint_eq (p.n, 2);
  ck_assert_uint_eq (p.t[0].track_id, 0);
  assert_body (&p.t[0], "aa bb cc");
  ck_assert_uint_eq (p.t[1].track_id, 1);
  assert_body (&p.t[1], "dd ee");
  ck_assert_int_eq (p.tag.status, ERTMP_OK);
  parsed_clear (&p);

  ck_assert_int_eq (parse_hex (A, vec_8_10, &p), ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.multitrack, ERTMP_MEDIA_MULTITRACK_MANY_CODECS);
  ck_assert_int_eq (p.tag.hdr.codec, ERTMP_CODEC_UNKNOWN);
  ck_assert_uint_eq (p.tag.hdr.fourcc, 0);
  ck_assert_uint_eq (p.n, 2);
  ck_assert_int_eq (p.t[0].codec, ERTMP_CODEC_OPUS);
  ck_assert_uint_eq (p.t[0].fourcc, ERTMP_FOURCC ('O', 'p', 'u', 's'));
  assert_body (&p.t[0], "aa bb cc");
  ck_assert_int_eq (p.t[1].codec, ERTMP_CODEC_AAC);
  ck_assert_uint_eq (p.t[1].track_id, 1);
  assert_body (&p.t[1], "dd ee");
  ck_assert_int_eq (p.tag.status, ERTMP_OK);
  parsed_clear (&p);

  assert_tracks_rebuild (vec_8_9);
  assert_tracks_rebuild (vec_8_10);
}
END_TEST

START_TEST (test_vector_8_11_modex)
{
  parsed p;

  ck_assert_int_eq (parse_hex (A, vec_8_11, &p), ERTMP_OK);
  ck_assert (p.tag.hdr.has_nano_offset);
  ck_assert_uint_eq (p.tag.hdr.nano_offset, 250000);
  ck_assert_int_eq (p.tag.hdr.packet, ERTMP_MEDIA_PACKET_CODED_FRAMES);
  assert_body (&p.t[0], "fc ff fe");
  parsed_clear (&p);
  assert_rebuilds (A, vec_8_11);
}
END_TEST

static Suite *
media_suite (void)
{
  Suite *s = suite_create ("media");
  TCase *tc = tcase_create ("vectors");

  tcase_add_test (tc, test_legacy_avc);
  tcase_add_test (tc, test_legacy_aac);
  tcase_add_test (tc, test_legacy_other_codecs);
  tcase_add_test (tc, test_legacy_hevc_12);
  tcase_add_test (tc, test_legacy_command);
  tcase_add_test (tc, test_vector_7_1_to_7_4);
  tcase_add_test (tc, test_vector_7_5_7_6);
  tcase_add_test (tc, test_mpeg2ts_sequence_start);
  tcase_add_test (tc, test_vector_7_7_metadata);
  tcase_add_test (tc, test_vector_7_8_command);
  tcase_add_test (tc, test_wrapped_metadata);
  tcase_add_test (tc, test_vector_7_9_modex);
  tcase_add_test (tc, test_vector_7_10_modex_sizes);
  tcase_add_test (tc, test_vector_7_11_many_tracks);
  tcase_add_test (tc, test_vector_7_12_one_track);
  tcase_add_test (tc, test_vector_7_13_ffmpeg8);
  tcase_add_test (tc, test_vector_8_single);
  tcase_add_test (tc, test_vector_8_8_one_track);
  tcase_add_test (tc, test_vector_8_9_8_10_many);
  tcase_add_test (tc, test_vector_8_11_modex);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (media_suite ());
}
