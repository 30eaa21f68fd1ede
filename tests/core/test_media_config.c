/* gst-ertmp: tests for colorInfo, MultichannelConfig and configuration
 * records (ertmp.md 2.6-2.8, 3.4, 3.5, 7; test-vectors.md 7.6, 7.7, 7.13,
 * 8.1, 8.3-8.6, 8.12, 9) and the av1C builder (ertmp.md 2.7)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "test_util.h"
#include "ertmp_media_config.h"
#include "ertmp_amf0.h"
#include "ertmp_amf3.h"

#define ALL_COLOR_CONFIG (ERTMP_MEDIA_COLOR_BIT_DEPTH | \
    ERTMP_MEDIA_COLOR_PRIMARIES | ERTMP_MEDIA_COLOR_TRANSFER | \
    ERTMP_MEDIA_COLOR_MATRIX)

/* test-vectors.md 7.7, body after "d4 hvc1" */
static const gchar color_7_7[] =
    "02 00 09 63 6f 6c 6f 72 49 6e 66 6f"       /* "colorInfo" */
    "03 00 0b 63 6f 6c 6f 72 43 6f 6e 66 69 67 03"      /* colorConfig: { */
    "00 08 62 69 74 44 65 70 74 68 00 40 24 00 00 00 00 00 00"
                                /* bitDepth: 10 */
    "00 0e 63 6f 6c 6f 72 50 72 69 6d 61 72 69 65 73"
    "00 40 22 00 00 00 00 00 00"        /* colorPrimaries: 9 */
    "00 17 74 72 61 6e 73 66 65 72 43 68 61 72 61 63 74 65 72 69"
    "73 74 69 63 73 00 40 30 00 00 00 00 00 00"
                                /* transferCharacteristics: 16 */
    "00 12 6d 61 74 72 69 78 43 6f 65 66 66 69 63 69 65 6e 74 73"
    "00 40 22 00 00 00 00 00 00"        /* matrixCoefficients: 9 */
    "00 00 09"                  /* } */
    "00 00 09";                 /* } */

/* test-vectors.md 7.13, body after "d4 av01": an empty colorConfig */
static const gchar color_7_13[] =
    "02 00 09 63 6f 6c 6f 72 49 6e 66 6f"       /* "colorInfo" */
    "03 00 0b 63 6f 6c 6f 72 43 6f 6e 66 69 67" /* { colorConfig: */
    "03 00 00 09"               /* {} */
    "00 00 09";                 /* } */

static ertmp_result
parse_color_hex (const gchar * hex, ertmp_media_color_info * info)
{
  GByteArray *b = test_hex (hex);
  ertmp_result res = ertmp_media_parse_color_info (b->data, b->len, info);

  g_byte_array_unref (b);
  return res;
}

START_TEST (test_color_7_7)
{
  GByteArray *want = test_hex (color_7_7);
  GByteArray *out = g_byte_array_new ();
  ertmp_media_color_info info;

  ck_assert_int_eq (ertmp_media_parse_color_info (want->data, want->len,
          &info), ERTMP_OK);
  ck_assert_uint_eq (info.present, ALL_COLOR_CONFIG);
  ck_assert_uint_eq (info.bit_depth, 10);
  ck_assert_uint_eq (info.primaries, 9);
  ck_assert_uint_eq (info.transfer, 16);
  ck_assert_uint_eq (info.matrix, 9);
  ertmp_media_write_color_info (out, &info);
  ck_assert_bytes_eq (out->data, out->len, want->data, want->len);
  g_byte_array_unref (out);
  g_byte_array_unref (want);
}
END_TEST

START_TEST (test_color_resets)
{
  ertmp_media_color_info info;
  GByteArray *out = g_byte_array_new ();
  GByteArray *want;

  ck_assert_int_eq (parse_color_hex (color_7_13, &info), ERTMP_OK);
  ck_assert_uint_eq (info.present, 0);
  /* "colorInfo", undefined / null / {} */
  ck_assert_int_eq (parse_color_hex ("02 00 09 63 6f 6c 6f 72 49 6e 66 6f"
          "06", &info), ERTMP_OK);
  ck_assert_uint_eq (info.present, 0);
  ck_assert_int_eq (parse_color_hex ("02 00 09 63 6f 6c 6f 72 49 6e 66 6f"
          "05", &info), ERTMP_OK);
  ck_assert_int_eq (parse_color_hex ("02 00 09 63 6f 6c 6f 72 49 6e 66 6f"
          "03 00 00 09", &info), ERTMP_OK);
  ck_assert_uint_eq (info.present, 0);
  /* a reset is written as {} */
  ertmp_media_write_color_info (out, &info);
  want = test_hex ("02 00 09 63 6f 6c 6f 72 49 6e 66 6f 03 00 00 09");
  ck_assert_bytes_eq (out->data, out->len, want->data, want->len);
  g_byte_array_unref (want);
  g_byte_array_unref (out);
}
END_TEST

/* Every field, through our writer, the AMF0 reader and the AMF3 reader */
START_TEST (test_color_hdr_roundtrip)
{
  ertmp_media_color_info in, back;
  GByteArray *out = g_byte_array_new ();
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
  GPtrArray *values = NULL;
  guint i;

  /* zeroed padding too, for the memory comparisons */
  memset (&in, 0, sizeof (in));
  in.present = 0xFFFF;
  in.bit_depth = 10;
  in.primaries = 9;
  in.transfer = 18;
  in.matrix = 9;
  in.max_fall = 400;
  in.max_cll = 1000;
  in.red_x = 0.708;
  in.red_y = 0.292;
  in.green_x = 0.17;
  in.green_y = 0.797;
  in.blue_x = 0.131;
  in.blue_y = 0.046;
  in.white_x = 0.3127;
  in.white_y = 0.329;
  in.max_luminance = 1000;
  in.min_luminance = 0.0001;
  ertmp_media_write_color_info (out, &in);
  ck_assert_int_eq (ertmp_media_parse_color_info (out->data, out->len, &back),
      ERTMP_OK);
  ck_assert_mem_eq (&back, &in, sizeof (in));
  /* the same values in AMF3 */
  ck_assert_int_eq (ertmp_amf0_decode_message (dec, out->data, out->len,
          &values), ERTMP_OK);
  g_byte_array_set_size (out, 0);
  for (i = 0; i < values->len; i++)
    ck_assert_int_eq (ertmp_amf3_encode (out, g_ptr_array_index (values, i)),
        ERTMP_OK);
  ck_assert_uint_eq (out->data[0], 0x06);
  ck_assert_int_eq (ertmp_media_parse_color_info (out->data, out->len, &back),
      ERTMP_OK);
  ck_assert_mem_eq (&back, &in, sizeof (in));
  g_ptr_array_unref (values);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (out);
}
END_TEST

/* Members of the wrong type or range are left out; ECMA arrays accepted */
START_TEST (test_color_tolerant)
{
  ertmp_amf_value *root = ertmp_amf_new (ERTMP_AMF_ECMA_ARRAY);
  ertmp_amf_value *cc = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_amf_value *cll = ertmp_amf_new (ERTMP_AMF_OBJECT);
  GByteArray *out = g_byte_array_new ();
  ertmp_media_color_info info;

  ertmp_amf_add_string (cc, "bitDepth", "10");  /* a string */
  ertmp_amf_add_number (cc, "colorPrimaries", 256);     /* out of range */
  ertmp_amf_add_number (cc, "transferCharacteristics", 16.5);
  ertmp_amf_add_number (cc, "matrixCoefficients", 0);   /* fine */
  ertmp_amf_add_number (cll, "maxFall", -1);
  ertmp_amf_add_number (cll, "maxCLL", NAN);
  ertmp_amf_add (root, "colorConfig", cc);
  ertmp_amf_add (root, "hdrCll", cll);
  ertmp_amf_add_number (root, "hdrMdcv", 5);    /* not an object */
  ertmp_amf0_put_string (out, "colorInfo");
  ck_assert_int_eq (ertmp_amf0_encode (out, root), ERTMP_OK);
  ck_assert_int_eq (ertmp_media_parse_color_info (out->data, out->len, &info),
      ERTMP_OK);
  ck_assert_uint_eq (info.present, ERTMP_MEDIA_COLOR_MATRIX);
  ck_assert_uint_eq (info.matrix, 0);
  ertmp_amf_value_unref (root);
  g_byte_array_unref (out);
}
END_TEST

START_TEST (test_color_errors)
{
  ertmp_media_color_info info;
  GByteArray *b = test_hex (color_7_7);
  gsize n;

  /* another metadata name: not ours */
  ck_assert_int_eq (parse_color_hex ("02 00 03 66 6f 6f 03 00 00 09",
          &info), ERTMP_UNSUPPORTED);
  ck_assert_int_eq (parse_color_hex ("02 00 0a 63 6f 6c 6f 72 49 6e 66 6f 21"
          "03 00 00 09", &info), ERTMP_UNSUPPORTED);
  /* no string, nothing after it, not an object */
  ck_assert_int_eq (parse_color_hex ("00 40 24 00 00 00 00 00 00", &info),
      ERTMP_MALFORMED);
  ck_assert_int_eq (parse_color_hex ("02 00 09 63 6f 6c 6f 72 49 6e 66 6f",
          &info), ERTMP_MALFORMED);
  ck_assert_int_eq (parse_color_hex ("02 00 09 63 6f 6c 6f 72 49 6e 66 6f"
          "00 40 24 00 00 00 00 00 00", &info), ERTMP_MALFORMED);
  ck_assert_int_eq (parse_color_hex ("", &info), ERTMP_MALFORMED);
  /* every cut of 7.7 */
  for (n = 0; n < b->len; n++) {
    guint8 *copy = g_memdup2 (b->data, n);
    ertmp_result res = ertmp_media_parse_color_info (copy, n, &info);

    ck_assert (res == ERTMP_MALFORMED || res == ERTMP_OK);
    g_free (copy);
  }
  g_byte_array_unref (b);
}
END_TEST

/* ---- MultichannelConfig ---------------------------------------------- */

static void
check_channels (const gchar * hex, guint8 order, guint8 n, guint32 flags,
    const gchar * mapping)
{
  GByteArray *b = test_hex (hex);
  GByteArray *out = g_byte_array_new ();
  ertmp_media_channels ch;

  ck_assert_int_eq (ertmp_media_parse_channels (b->data, b->len, &ch),
      ERTMP_OK);
  ck_assert_uint_eq (ch.order, order);
  ck_assert_uint_eq (ch.channels, n);
  ck_assert_uint_eq (ch.flags, flags);
  if (mapping)
    ck_assert_mem_eq (ch.mapping, mapping, n);
  ertmp_media_write_channels (out, &ch);
  ck_assert_bytes_eq (out->data, out->len, b->data, b->len);
  g_byte_array_unref (out);
  g_byte_array_unref (b);
}

START_TEST (test_channels)
{
  ertmp_media_channels ch;

  /* 8.4: Native, 6 channels, FL|FR|FC|LFE1|BL|BR */
  check_channels ("01 06 00 00 00 3f", ERTMP_MEDIA_CHANNEL_ORDER_NATIVE, 6,
      0x3f, NULL);
  /* 8.5: Custom, FL, FR */
  check_channels ("02 02 00 01", ERTMP_MEDIA_CHANNEL_ORDER_CUSTOM, 2, 0,
      "\x00\x01");
  /* 8.6: Unspecified, 2 channels */
  check_channels ("00 02", ERTMP_MEDIA_CHANNEL_ORDER_UNSPECIFIED, 2, 0, NULL);
  /* 8.12: FFmpeg 8 mono and stereo */
  check_channels ("01 01 00 00 00 04", ERTMP_MEDIA_CHANNEL_ORDER_NATIVE, 1,
      4, NULL);
  check_channels ("01 02 00 00 00 03", ERTMP_MEDIA_CHANNEL_ORDER_NATIVE, 2,
      3, NULL);
  /* custom with unused/unknown channels, 255 channels */
  check_channels ("02 03 fe ff 18", ERTMP_MEDIA_CHANNEL_ORDER_CUSTOM, 3, 0,
      "\xfe\xff\x18");
  /* reserved order: only the count */
  ck_assert_int_eq (ertmp_media_parse_channels ((const guint8 *)
          "\x07\x02\xaa", 3, &ch), ERTMP_OK);
  ck_assert_uint_eq (ch.order, 7);
  ck_assert_uint_eq (ch.channels, 2);
  /* cuts */
  ck_assert_int_eq (ertmp_media_parse_channels (NULL, 0, &ch),
      ERTMP_MALFORMED);
  ck_assert_int_eq (ertmp_media_parse_channels ((const guint8 *) "\x01", 1,
          &ch), ERTMP_MALFORMED);
  ck_assert_int_eq (ertmp_media_parse_channels ((const guint8 *)
          "\x01\x06\x00\x00\x00", 5, &ch), ERTMP_MALFORMED);
  ck_assert_int_eq (ertmp_media_parse_channels ((const guint8 *)
          "\x02\x03\x00\x01", 4, &ch), ERTMP_MALFORMED);
}
END_TEST

START_TEST (test_channels_255)
{
  guint8 buf[257];
  ertmp_media_channels ch;
  GByteArray *out = g_byte_array_new ();
  guint i;

  buf[0] = ERTMP_MEDIA_CHANNEL_ORDER_CUSTOM;
  buf[1] = 255;
  for (i = 0; i < 255; i++)
    buf[2 + i] = (guint8) i;
  ck_assert_int_eq (ertmp_media_parse_channels (buf, sizeof (buf), &ch),
      ERTMP_OK);
  ck_assert_uint_eq (ch.mapping[254], 254);
  ertmp_media_write_channels (out, &ch);
  ck_assert_bytes_eq (out->data, out->len, buf, sizeof (buf));
  g_byte_array_unref (out);
}
END_TEST

/* ---- FLAC (ertmp.md 3.4, test-vectors.md 9) -------------------------- */

/* STREAMINFO: blocks 4096/4096, frames 14/3000, 48000 Hz, 2 channels, 16
 * bits, 96000 samples, MD5 */
#define STREAMINFO \
  "10 00 10 00"                 /* min/max block */ \
  "00 00 0e 00 0b b8"           /* min/max frame */ \
  "0b b8 02 f0 00 01 77 00"     /* 48000 Hz, 2 ch, 16 bit, 96000 */ \
  "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff"     /* MD5 */

static void
check_flac (const gchar * hex, ertmp_media_flac_form form)
{
  GByteArray *b = test_hex (hex);
  GByteArray *si = test_hex (STREAMINFO);
  ertmp_media_flac flac;

  ck_assert_int_eq (ertmp_media_parse_flac (b->data, b->len, &flac),
      ERTMP_OK);
  ck_assert_int_eq (flac.form, form);
  ck_assert_bytes_eq (flac.streaminfo, 34, si->data, si->len);
  ck_assert_uint_eq (flac.min_block, 4096);
  ck_assert_uint_eq (flac.max_block, 4096);
  ck_assert_uint_eq (flac.min_frame, 14);
  ck_assert_uint_eq (flac.max_frame, 3000);
  ck_assert_uint_eq (flac.rate, 48000);
  ck_assert_uint_eq (flac.channels, 2);
  ck_assert_uint_eq (flac.bits, 16);
  ck_assert_uint_eq (flac.total_samples, 96000);
  g_byte_array_unref (si);
  g_byte_array_unref (b);
}

START_TEST (test_flac_forms)
{
  ertmp_media_flac flac;
  GByteArray *b;

  /* spec form: "fLaC", last-block STREAMINFO header, 34 bytes (42) */
  check_flac ("66 4c 61 43" "80 00 00 22" STREAMINFO, ERTMP_MEDIA_FLAC_SPEC);
  /* spec form followed by a VORBIS_COMMENT block */
  check_flac ("66 4c 61 43" "00 00 00 22" STREAMINFO "84 00 00 01 00",
      ERTMP_MEDIA_FLAC_SPEC);
  check_flac ("80 00 00 22" STREAMINFO, ERTMP_MEDIA_FLAC_BLOCK);
  /* FFmpeg: the bare 34 bytes */
  check_flac (STREAMINFO, ERTMP_MEDIA_FLAC_BARE);
  /* too short, wrong first block, rate 0 */
  b = test_hex (STREAMINFO);
  ck_assert_int_eq (ertmp_media_parse_flac (b->data, 33, &flac),
      ERTMP_MALFORMED);
  b->data[10] = 0;
  b->data[11] = 0;
  b->data[12] &= 0x0F;
  ck_assert_int_eq (ertmp_media_parse_flac (b->data, b->len, &flac),
      ERTMP_MALFORMED);
  g_byte_array_unref (b);
  b = test_hex ("66 4c 61 43" "04 00 00 22" STREAMINFO);
  ck_assert_int_eq (ertmp_media_parse_flac (b->data, b->len, &flac),
      ERTMP_MALFORMED);
  ck_assert_int_eq (ertmp_media_parse_flac (b->data, 41, &flac),
      ERTMP_MALFORMED);
  g_byte_array_unref (b);
  ck_assert_int_eq (ertmp_media_parse_flac (NULL, 0, &flac), ERTMP_MALFORMED);
}
END_TEST

/* ---- vpcC (ertmp.md 2.8, test-vectors.md 7.6 and 9) ------------------ */

START_TEST (test_vpcc)
{
  static const gchar *forms[] = {
    "00 1f 82 01 01 01 00 00",  /* 7.6: the 8-byte record */
    "01 00 00 00 00 1f 82 01 01 01 00 00",      /* 9: the FullBox form */
  };
  ertmp_media_vpcc vpcc;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (forms); i++) {
    GByteArray *b = test_hex (forms[i]);
    GByteArray *out = g_byte_array_new ();

    ck_assert_int_eq (ertmp_media_parse_vpcc (b->data, b->len, &vpcc),
        ERTMP_OK);
    ck_assert_int_eq (vpcc.full_box, i == 1);
    ck_assert_uint_eq (vpcc.profile, 0);
    ck_assert_uint_eq (vpcc.level, 31);
    ck_assert_uint_eq (vpcc.bit_depth, 8);
    ck_assert_uint_eq (vpcc.chroma_subsampling, 1);
    ck_assert (!vpcc.full_range);
    ck_assert_uint_eq (vpcc.primaries, 1);
    ck_assert_uint_eq (vpcc.transfer, 1);
    ck_assert_uint_eq (vpcc.matrix, 1);
    /* written back in the form it was read in */
    ertmp_media_write_vpcc (out, &vpcc);
    ck_assert_bytes_eq (out->data, out->len, b->data, b->len);
    ck_assert_int_eq (ertmp_media_parse_vpcc (b->data, b->len - 1, &vpcc),
        i == 1 ? ERTMP_OK : ERTMP_MALFORMED);
    g_byte_array_unref (out);
    g_byte_array_unref (b);
  }
  /* profile 2, 10 bit 4:2:0, full range, BT.2020 PQ */
  ck_assert_int_eq (ertmp_media_parse_vpcc ((const guint8 *)
          "\x02\x28\xa3\x09\x10\x09\x00\x00", 8, &vpcc), ERTMP_OK);
  ck_assert_uint_eq (vpcc.profile, 2);
  ck_assert_uint_eq (vpcc.bit_depth, 10);
  ck_assert_uint_eq (vpcc.chroma_subsampling, 1);
  ck_assert (vpcc.full_range);
  ck_assert_uint_eq (vpcc.transfer, 16);
  ck_assert_int_eq (ertmp_media_parse_vpcc (NULL, 0, &vpcc), ERTMP_MALFORMED);
}
END_TEST

/* ---- vvcC (ertmp.md 2.6) --------------------------------------------- */

START_TEST (test_vvcc)
{
  static const guint8 bare[] = { 0xff, 0x00, 0x01, 0x02 };
  static const guint8 boxed[] = { 0, 0, 0, 0, 0xff, 0x00, 0x01, 0x02 };
  const guint8 *rec;
  gsize len;

  ck_assert_int_eq (ertmp_media_vvcc_record (bare, 4, &rec, &len), ERTMP_OK);
  ck_assert_ptr_eq (rec, bare);
  ck_assert_uint_eq (len, 4);
  ck_assert_int_eq (ertmp_media_vvcc_record (boxed, 8, &rec, &len), ERTMP_OK);
  ck_assert_ptr_eq (rec, boxed + 4);
  ck_assert_uint_eq (len, 4);
  ck_assert_int_eq (ertmp_media_vvcc_record (boxed, 4, &rec, &len),
      ERTMP_MALFORMED);
  ck_assert_int_eq (ertmp_media_vvcc_record (boxed, 0, &rec, &len),
      ERTMP_MALFORMED);
  ck_assert_int_eq (ertmp_media_vvcc_record (boxed, 5, &rec, &len), ERTMP_OK);
  ck_assert_uint_eq (len, 1);
  /* still 0x00 after the FullBox bytes */
  ck_assert_int_eq (ertmp_media_vvcc_record ((const guint8 *) "\0\0\0\0\0",
          5, &rec, &len), ERTMP_MALFORMED);
}
END_TEST

/* ---- OpusHead (RFC 7845 5.1, test-vectors.md 8.1, 8.12) -------------- */

static ertmp_result
parse_opus_hex (const gchar * hex, ertmp_media_opus_head * head)
{
  GByteArray *b = test_hex (hex);
  ertmp_result res = ertmp_media_parse_opus_head (b->data, b->len, head);

  g_byte_array_unref (b);
  return res;
}

#define OPUS_HEAD "4f 70 75 73 48 65 61 64"

START_TEST (test_opus_head)
{
  ertmp_media_opus_head h;

  /* 8.1 stereo */
  ck_assert_int_eq (parse_opus_hex (OPUS_HEAD "01 02 38 01 80 bb 00 00"
          "00 00 00", &h), ERTMP_OK);
  ck_assert_uint_eq (h.version, 1);
  ck_assert_uint_eq (h.channels, 2);
  ck_assert_uint_eq (h.pre_skip, 312);
  ck_assert_uint_eq (h.input_rate, 48000);
  ck_assert_int_eq (h.output_gain, 0);
  ck_assert_uint_eq (h.mapping_family, 0);
  ck_assert_uint_eq (h.stream_count, 1);
  ck_assert_uint_eq (h.coupled_count, 1);
  ck_assert_uint_eq (h.mapping[1], 1);
  /* 8.12 mono, negative gain */
  ck_assert_int_eq (parse_opus_hex (OPUS_HEAD "01 01 38 01 80 bb 00 00"
          "00 ff 00", &h), ERTMP_OK);
  ck_assert_uint_eq (h.channels, 1);
  ck_assert_uint_eq (h.coupled_count, 0);
  ck_assert_int_eq (h.output_gain, -256);
  /* family 1, 5.1: 4 streams, 2 coupled, Vorbis order */
  ck_assert_int_eq (parse_opus_hex (OPUS_HEAD "01 06 38 01 80 bb 00 00"
          "00 00 01" "04 02" "00 04 01 02 03 05", &h), ERTMP_OK);
  ck_assert_uint_eq (h.stream_count, 4);
  ck_assert_uint_eq (h.coupled_count, 2);
  ck_assert_mem_eq (h.mapping, "\x00\x04\x01\x02\x03\x05", 6);
}
END_TEST

START_TEST (test_opus_head_errors)
{
  static const gchar *bad[] = {
    "4f 70 75 73 48 65 61 65 01 02 38 01 80 bb 00 00 00 00 00", /* magic */
    OPUS_HEAD "01 02 38 01 80 bb 00 00 00 00",  /* 18 bytes */
    OPUS_HEAD "01 00 38 01 80 bb 00 00 00 00 00",       /* 0 channels */
    OPUS_HEAD "01 03 38 01 80 bb 00 00 00 00 00",       /* family 0, 3 ch */
    OPUS_HEAD "01 02 38 01 80 bb 00 00 00 00 01 01",    /* counts cut */
    OPUS_HEAD "01 02 38 01 80 bb 00 00 00 00 01 01 01 00",      /* map cut */
    OPUS_HEAD "01 02 38 01 80 bb 00 00 00 00 01 00 00 00 00",   /* 0 streams */
    OPUS_HEAD "01 02 38 01 80 bb 00 00 00 00 01 01 02 00 01",   /* coupled */
    OPUS_HEAD "01 02 38 01 80 bb 00 00 00 00 01 01 01 00 02",   /* index */
  };
  ertmp_media_opus_head h;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    ck_assert_msg (parse_opus_hex (bad[i], &h) == ERTMP_MALFORMED, "%u", i);
  /* mapping 255 (silence) is fine; version 0x10 is a new major version */
  ck_assert_int_eq (parse_opus_hex (OPUS_HEAD "01 02 38 01 80 bb 00 00 00 00"
          "01 01 01 00 ff", &h), ERTMP_OK);
  ck_assert_int_eq (parse_opus_hex (OPUS_HEAD "10 02 38 01 80 bb 00 00 00 00"
          "00", &h), ERTMP_UNSUPPORTED);
  ck_assert_int_eq (ertmp_media_parse_opus_head (NULL, 0, &h),
      ERTMP_MALFORMED);
}
END_TEST

/* ---- AudioSpecificConfig (flv.md 4, test-vectors.md 6, 8.3) ---------- */

static ertmp_result
parse_aac_hex (const gchar * hex, ertmp_media_aac_config * aac)
{
  GByteArray *b = test_hex (hex);
  ertmp_result res = ertmp_media_parse_aac_config (b->data, b->len, aac);

  g_byte_array_unref (b);
  return res;
}

START_TEST (test_aac_config)
{
  static const struct
  {
    const gchar *hex;
    guint8 object_type, freq_index, channel_config, channels;
    guint32 rate;
  } cases[] = {
    {"11 90", 2, 3, 2, 2, 48000},       /* 8.3 */
    {"12 10", 2, 4, 2, 2, 44100},
    {"12 08 56 e5 00", 2, 4, 1, 1, 44100},      /* 6, FFmpeg mono */
    {"13 88", 2, 7, 1, 1, 22050},
    {"11 b8", 2, 3, 7, 8, 48000},       /* 7.1 */
    {"2b 10", 5, 6, 2, 2, 24000},       /* SBR: core rate */
    /* escape: object type 31 + 6 bits (42 = USAC), freq 15: 48000 */
    {"f9 5e 01 77 00 40", 42, 15, 2, 2, 48000},
  };
  ertmp_media_aac_config aac;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    ck_assert_int_eq (parse_aac_hex (cases[i].hex, &aac), ERTMP_OK);
    ck_assert_uint_eq (aac.object_type, cases[i].object_type);
    ck_assert_uint_eq (aac.freq_index, cases[i].freq_index);
    ck_assert_uint_eq (aac.rate, cases[i].rate);
    ck_assert_uint_eq (aac.channel_config, cases[i].channel_config);
    ck_assert_uint_eq (aac.channels, cases[i].channels);
  }
  ck_assert_int_eq (parse_aac_hex ("", &aac), ERTMP_MALFORMED);
  ck_assert_int_eq (parse_aac_hex ("11", &aac), ERTMP_MALFORMED);
  ck_assert_int_eq (parse_aac_hex ("16 90", &aac), ERTMP_MALFORMED); /* 13 */
  ck_assert_int_eq (parse_aac_hex ("07 90", &aac), ERTMP_MALFORMED); /* 0 */
  ck_assert_int_eq (parse_aac_hex ("f8", &aac), ERTMP_MALFORMED);
  ck_assert_int_eq (parse_aac_hex ("17 80 bb", &aac), ERTMP_MALFORMED);
}
END_TEST

/* ---- empty SequenceStart (ertmp.md 2.7, test-vectors.md 9) ----------- */

START_TEST (test_empty_sequence_start)
{
  ertmp_media_tag tag;
  ertmp_media_track t;
  GByteArray *b = test_hex ("90 61 76 30 31");

  ck_assert_int_eq (ertmp_media_parse (ERTMP_CODEC_KIND_VIDEO, b->data,
          b->len, NULL, &tag), ERTMP_OK);
  ck_assert (ertmp_media_next_track (&tag, &t));
  ck_assert (ertmp_media_is_empty_sequence_start (&tag.hdr, &t));
  g_byte_array_unref (b);
  b = test_hex ("90 61 76 30 31 81");
  ck_assert_int_eq (ertmp_media_parse (ERTMP_CODEC_KIND_VIDEO, b->data,
          b->len, NULL, &tag), ERTMP_OK);
  ck_assert (ertmp_media_next_track (&tag, &t));
  ck_assert (!ertmp_media_is_empty_sequence_start (&tag.hdr, &t));
  g_byte_array_unref (b);
  b = test_hex ("92 61 76 30 31");
  ck_assert_int_eq (ertmp_media_parse (ERTMP_CODEC_KIND_VIDEO, b->data,
          b->len, NULL, &tag), ERTMP_OK);
  ck_assert (ertmp_media_next_track (&tag, &t));
  ck_assert (!ertmp_media_is_empty_sequence_start (&tag.hdr, &t));
  g_byte_array_unref (b);
}
END_TEST

/* ---- av1C from a Sequence Header OBU (ertmp.md 2.7, test-vectors.md
 * 7.13) ----------------------------------------------------------------- */

/* bbb.flv: the sequence header OBU of the av01 SequenceStart */
static const gchar av1_seq_obu[] =
    "0a"                        /* OBU header: type 1 (sequence header),
                                 * has_size_field */
    "0b"                        /* obu_size 11 */
    "00 00 00 24 cf 7f 0d bf ff 30 08"; /* seq_profile 0, level 4, ... */

static void
check_av1c (const gchar * obus_hex, const gchar * obu_hex)
{
  GByteArray *obus = test_hex (obus_hex), *obu = test_hex (obu_hex);
  GByteArray *want = test_hex ("81"     /* marker 1, version 1 */
      "04"                      /* seq_profile 0, seq_level_idx_0 4 */
      "0c"                      /* tier 0, 8 bit, colour, 4:2:0 (ssx, ssy) */
      "00");                    /* no initial_presentation_delay */
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (want, obu->data, obu->len);
  ck_assert_int_eq (ertmp_media_build_av1c (obus->data, obus->len, out),
      ERTMP_OK);
  ck_assert_bytes_eq (out->data, out->len, want->data, want->len);
  g_byte_array_unref (obus);
  g_byte_array_unref (obu);
  g_byte_array_unref (want);
  g_byte_array_unref (out);
}

START_TEST (test_av1c_bbb)
{
  /* the OBU alone: the SequenceStart of test-vectors.md 7.13 */
  check_av1c (av1_seq_obu, av1_seq_obu);
  /* a keyframe TU: temporal delimiter, the sequence header, a frame OBU */
  check_av1c ("12 00" /* temporal delimiter, size 0 */
      "0a 0b 00 00 00 24 cf 7f 0d bf ff 30 08"
      "32 02 aa bb" /* frame OBU (type 6), size 2 */ , av1_seq_obu);
  /* an OBU extension byte is kept in configOBUs */
  check_av1c ("0e"              /* sequence header, extension, has_size */
      "00"                      /* temporal_id 0, spatial_id 0 */
      "0b 00 00 00 24 cf 7f 0d bf ff 30 08",
      "0e 00 0b 00 00 00 24 cf 7f 0d bf ff 30 08");
  /* a two-byte leb128 size for the same 11 bytes */
  check_av1c ("0a 8b 00 00 00 00 24 cf 7f 0d bf ff 30 08",
      "0a 8b 00 00 00 00 24 cf 7f 0d bf ff 30 08");
}
END_TEST

/* @len bytes of @obus (copied, so that valgrind sees overreads) give
 * @want and append nothing */
static void
check_av1c_fails (const guint8 * obus, gsize len, ertmp_result want)
{
  guint8 *copy = g_memdup2 (obus, len);
  GByteArray *out = g_byte_array_new ();

  ck_assert_int_eq (ertmp_media_build_av1c (copy, len, out), want);
  ck_assert_uint_eq (out->len, 0);
  g_byte_array_unref (out);
  g_free (copy);
}

/* Every prefix of a TU ends inside an OBU or before the sequence header:
 * NEED_MORE */
START_TEST (test_av1c_prefixes)
{
  GByteArray *tu = test_hex ("12 00 0a 0b 00 00 00 24 cf 7f 0d bf ff 30 08");
  gsize n;

  for (n = 0; n < tu->len; n++)
    check_av1c_fails (tu->data, n, ERTMP_NEED_MORE);
  g_byte_array_unref (tu);
}
END_TEST

/* A sequence header OBU whose size covers only a prefix of the header
 * fields: MALFORMED */
START_TEST (test_av1c_short_header)
{
  GByteArray *obu = test_hex (av1_seq_obu);
  guint8 buf[16] = { 0x0a };    /* sequence header, has_size_field */
  gsize n;

  for (n = 0; n + 2 < obu->len - 1; n++) {
    buf[1] = n;                 /* obu_size: the first n payload bytes */
    memcpy (buf + 2, obu->data + 2, n);
    check_av1c_fails (buf, n + 2, ERTMP_MALFORMED);
  }
  g_byte_array_unref (obu);
}
END_TEST

START_TEST (test_av1c_malformed)
{
  static const gchar *bad[] = {
    /* no obu_has_size_field */
    "08 00 00 00 24 cf 7f 0d bf ff 30 08",
    /* after a temporal delimiter, likewise */
    "12 00 08 00 00 00 24 cf 7f 0d bf ff 30 08",
    /* leb128 obu_size longer than 8 bytes */
    "0a 80 80 80 80 80 80 80 80 00",
    /* seq_profile 3 */
    "0a 0b 60 00 00 24 cf 7f 0d bf ff 30 08",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    GByteArray *b = test_hex (bad[i]);

    check_av1c_fails (b->data, b->len, ERTMP_MALFORMED);
    g_byte_array_unref (b);
  }
}
END_TEST

START_TEST (test_av1c_no_sequence_header)
{
  /* a temporal delimiter and an inter frame: wait for a later TU */
  GByteArray *b = test_hex ("12 00 32 02 aa bb");

  check_av1c_fails (b->data, b->len, ERTMP_NEED_MORE);
  g_byte_array_unref (b);
}
END_TEST

static Suite *
media_config_suite (void)
{
  Suite *s = suite_create ("media_config");
  TCase *color = tcase_create ("color");
  TCase *rec = tcase_create ("records");

  tcase_add_test (color, test_color_7_7);
  tcase_add_test (color, test_color_resets);
  tcase_add_test (color, test_color_hdr_roundtrip);
  tcase_add_test (color, test_color_tolerant);
  tcase_add_test (color, test_color_errors);
  suite_add_tcase (s, color);
  tcase_add_test (rec, test_channels);
  tcase_add_test (rec, test_channels_255);
  tcase_add_test (rec, test_flac_forms);
  tcase_add_test (rec, test_vpcc);
  tcase_add_test (rec, test_vvcc);
  tcase_add_test (rec, test_opus_head);
  tcase_add_test (rec, test_opus_head_errors);
  tcase_add_test (rec, test_aac_config);
  tcase_add_test (rec, test_empty_sequence_start);
  tcase_add_test (rec, test_av1c_bbb);
  tcase_add_test (rec, test_av1c_prefixes);
  tcase_add_test (rec, test_av1c_short_header);
  tcase_add_test (rec, test_av1c_malformed);
  tcase_add_test (rec, test_av1c_no_sequence_header);
  suite_add_tcase (s, rec);
  return s;
}

int
main (void)
{
  return test_run_suite (media_config_suite ());
}
