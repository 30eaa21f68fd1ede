/* gst-ertmp: tests for the E-RTMP connect capabilities (ertmp.md 9, 14;
 * test-vectors.md 3.1, 3.3, 3.4)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "test_util.h"
#include "ertmp_caps.h"
#include "ertmp_amf0.h"

#define HVC1 ERTMP_FOURCC ('h', 'v', 'c', '1')
#define AV01 ERTMP_FOURCC ('a', 'v', '0', '1')
#define VP09 ERTMP_FOURCC ('v', 'p', '0', '9')
#define OPUS ERTMP_FOURCC ('O', 'p', 'u', 's')
#define MP4A ERTMP_FOURCC ('m', 'p', '4', 'a')

/* test-vectors.md 3.3: ["connect", 1, {app, type, flashVer, tcUrl,
 * fourCcList, videoFourCcInfoMap, audioFourCcInfoMap, capsEx}] */
static const gchar vector_3_3[] =
    "02 00 07 63 6f 6e 6e 65 63 74"             /* "connect" */
    "00 3f f0 00 00 00 00 00 00"                /* 1.0 */
    "03"                                        /* command object */
    "00 03 61 70 70 02 00 04 6c 69 76 65"       /* app: "live" */
    "00 04 74 79 70 65 02 00 0a 6e 6f 6e 70 72 69 76 61 74 65"
                                                /* type: "nonprivate" */
    "00 08 66 6c 61 73 68 56 65 72 02 00 1f"    /* flashVer: */
    "46 4d 4c 45 2f 33 2e 30 20 28 63 6f 6d 70 61 74"
    "69 62 6c 65 3b 20 46 4d 53 63 2f 31 2e 30 29"
                                /* "FMLE/3.0 (compatible; FMSc/1.0)" */
    "00 05 74 63 55 72 6c 02 00 17 72 74 6d 70 3a 2f 2f"
    "65 78 61 6d 70 6c 65 2e 63 6f 6d 2f 6c 69 76 65"
                                /* tcUrl: "rtmp://example.com/live" */
    "00 0a 66 6f 75 72 43 63 4c 69 73 74"       /* fourCcList: */
    "0a 00 00 00 03"                            /* strict array, 3 */
    "02 00 04 68 76 63 31"                      /* "hvc1" */
    "02 00 04 61 76 30 31"                      /* "av01" */
    "02 00 04 4f 70 75 73"                      /* "Opus" */
    "00 12 76 69 64 65 6f 46 6f 75 72 43 63 49 6e 66 6f 4d 61 70 03"
                                                /* videoFourCcInfoMap: { */
    "00 04 68 76 63 31 00 40 00 00 00 00 00 00 00"      /* hvc1: 2.0 */
    "00 04 61 76 30 31 00 40 00 00 00 00 00 00 00"      /* av01: 2.0 */
    "00 00 09"                                  /* } */
    "00 12 61 75 64 69 6f 46 6f 75 72 43 63 49 6e 66 6f 4d 61 70 03"
                                                /* audioFourCcInfoMap: { */
    "00 04 4f 70 75 73 00 40 00 00 00 00 00 00 00"      /* Opus: 2.0 */
    "00 00 09"                                  /* } */
    "00 06 63 61 70 73 45 78 00 40 2e 00 00 00 00 00 00"
                                                /* capsEx: 15.0 */
    "00 00 09";                                 /* end of command object */

/* test-vectors.md 3.4: ["_result", 1, {fmsVer, capabilities, fourCcList,
 * capsEx}, {level, code, description, objectEncoding}] */
static const gchar vector_3_4[] =
    "02 00 07 5f 72 65 73 75 6c 74"             /* "_result" */
    "00 3f f0 00 00 00 00 00 00"                /* 1.0 */
    "03"                                        /* Properties { */
    "00 06 66 6d 73 56 65 72 02 00 0d"          /* fmsVer: */
    "46 4d 53 2f 33 2c 30 2c 31 2c 31 32 33"    /* "FMS/3,0,1,123" */
    "00 0c 63 61 70 61 62 69 6c 69 74 69 65 73"
    "00 40 3f 00 00 00 00 00 00"                /* capabilities: 31.0 */
    "00 0a 66 6f 75 72 43 63 4c 69 73 74"       /* fourCcList: */
    "0a 00 00 00 03"                            /* strict array, 3 */
    "02 00 04 68 76 63 31"                      /* "hvc1" */
    "02 00 04 61 76 30 31"                      /* "av01" */
    "02 00 04 4f 70 75 73"                      /* "Opus" */
    "00 06 63 61 70 73 45 78 00 3f f0 00 00 00 00 00 00"
                                                /* capsEx: 1.0 */
    "00 00 09"                                  /* } */
    "03"                                        /* Information { */
    "00 05 6c 65 76 65 6c 02 00 06 73 74 61 74 75 73"   /* level */
    "00 04 63 6f 64 65 02 00 1d"                /* code: */
    "4e 65 74 43 6f 6e 6e 65 63 74 69 6f 6e 2e 43 6f"
    "6e 6e 65 63 74 2e 53 75 63 63 65 73 73"
                                /* "NetConnection.Connect.Success" */
    "00 0b 64 65 73 63 72 69 70 74 69 6f 6e 02 00 15"
    "43 6f 6e 6e 65 63 74 69 6f 6e 20 73 75 63 63 65"
    "65 64 65 64 2e"            /* description: "Connection succeeded." */
    "00 0e 6f 62 6a 65 63 74 45 6e 63 6f 64 69 6e 67"
    "00 00 00 00 00 00 00 00 00"                /* objectEncoding: 0.0 */
    "00 00 09";                                 /* } */

/* test-vectors.md 3.1: FFmpeg's legacy connect (no E-RTMP fields) */
static const gchar vector_3_1[] =
    "02 00 07 63 6f 6e 6e 65 63 74"             /* "connect" */
    "00 3f f0 00 00 00 00 00 00"                /* 1.0 */
    "03"                                        /* command object */
    "00 03 61 70 70 02 00 04 6c 69 76 65"       /* app: "live" */
    "00 04 74 79 70 65 02 00 0a 6e 6f 6e 70 72 69 76 61 74 65"
                                                /* type: "nonprivate" */
    "00 08 66 6c 61 73 68 56 65 72 02 00 24"    /* flashVer: */
    "46 4d 4c 45 2f 33 2e 30 20 28 63 6f 6d 70 61 74"
    "69 62 6c 65 3b 20 4c 61 76 66 35 39 2e 32 37 2e"
    "31 30 30 29"       /* "FMLE/3.0 (compatible; Lavf59.27.100)" */
    "00 05 74 63 55 72 6c 02 00 1b 72 74 6d 70 3a 2f 2f"
    "31 32 37 2e 30 2e 30 2e 31 3a 31 39 33 35 30 2f 6c 69 76 65"
                                /* tcUrl: "rtmp://127.0.0.1:19350/live" */
    "00 00 09";                                 /* end of command object */

/* ---- helpers ------------------------------------------------------- */

static GPtrArray *
decode_vector (const gchar * hex)
{
  GByteArray *bytes = test_hex (hex);
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
  GPtrArray *values = NULL;

  ck_assert_int_eq (ertmp_amf0_decode_message (dec, bytes->data, bytes->len,
          &values), ERTMP_OK);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (bytes);
  return values;
}

/* The capabilities of vector 3.3 */
static void
make_caps_3_3 (ertmp_caps * caps)
{
  ertmp_caps_init (caps);
  ertmp_caps_add_fourcc (caps, HVC1);
  ertmp_caps_add_fourcc (caps, AV01);
  ertmp_caps_add_fourcc (caps, OPUS);
  ertmp_caps_add_info (caps, TRUE, HVC1, ERTMP_FOURCC_CAN_ENCODE);
  ertmp_caps_add_info (caps, TRUE, AV01, ERTMP_FOURCC_CAN_ENCODE);
  ertmp_caps_add_info (caps, FALSE, OPUS, ERTMP_FOURCC_CAN_ENCODE);
  caps->has_caps_ex = TRUE;
  caps->caps_ex = ERTMP_CAPS_EX_RECONNECT | ERTMP_CAPS_EX_MULTITRACK |
      ERTMP_CAPS_EX_MODEX | ERTMP_CAPS_EX_TIMESTAMP_NANO_OFFSET;
}

/* ["connect", 1, {app, type, flashVer, tcUrl, <caps>}] in AMF0 */
static GByteArray *
build_connect (const gchar * flash_ver, const gchar * tc_url,
    const ertmp_caps * caps)
{
  GByteArray *out = g_byte_array_new ();
  ertmp_amf_value *obj = ertmp_amf_new (ERTMP_AMF_OBJECT);

  ertmp_amf_add_string (obj, "app", "live");
  ertmp_amf_add_string (obj, "type", "nonprivate");
  ertmp_amf_add_string (obj, "flashVer", flash_ver);
  ertmp_amf_add_string (obj, "tcUrl", tc_url);
  ertmp_caps_write (caps, obj);

  ertmp_amf0_put_string (out, "connect");
  ertmp_amf0_put_number (out, 1.0);
  ck_assert_int_eq (ertmp_amf0_encode (out, obj), ERTMP_OK);
  ertmp_amf_value_unref (obj);
  return out;
}

/* ---- known answers ------------------------------------------------- */

START_TEST (test_read_vector_3_3)
{
  GPtrArray *values = decode_vector (vector_3_3);
  ertmp_caps caps, expect;

  ck_assert_uint_eq (values->len, 3);
  ertmp_caps_init (&caps);
  ck_assert_int_eq (ertmp_caps_read (&caps, g_ptr_array_index (values, 2)),
      ERTMP_OK);
  make_caps_3_3 (&expect);
  ck_assert (ertmp_caps_equal (&caps, &expect));
  ck_assert_uint_eq (caps.caps_ex, 15);

  ertmp_caps_clear (&caps);
  ertmp_caps_clear (&expect);
  g_ptr_array_unref (values);
}
END_TEST

/* A client reads both objects of the _result (ertmp.md 9) */
START_TEST (test_read_vector_3_4)
{
  GPtrArray *values = decode_vector (vector_3_4);
  ertmp_caps caps, expect;

  ck_assert_uint_eq (values->len, 4);
  ertmp_caps_init (&caps);
  ck_assert_int_eq (ertmp_caps_read (&caps, g_ptr_array_index (values, 2)),
      ERTMP_OK);
  ck_assert_int_eq (ertmp_caps_read (&caps, g_ptr_array_index (values, 3)),
      ERTMP_OK);

  ertmp_caps_init (&expect);
  ertmp_caps_add_fourcc (&expect, HVC1);
  ertmp_caps_add_fourcc (&expect, AV01);
  ertmp_caps_add_fourcc (&expect, OPUS);
  expect.has_caps_ex = TRUE;
  expect.caps_ex = ERTMP_CAPS_EX_RECONNECT;
  ck_assert (ertmp_caps_equal (&caps, &expect));
  ck_assert_ptr_null (caps.video_info);
  ck_assert_ptr_null (caps.audio_info);

  /* the Information object alone: a legacy answer */
  ertmp_caps_clear (&caps);
  ck_assert_int_eq (ertmp_caps_read (&caps, g_ptr_array_index (values, 3)),
      ERTMP_OK);
  ck_assert (ertmp_caps_is_empty (&caps));

  ertmp_caps_clear (&expect);
  g_ptr_array_unref (values);
}
END_TEST

START_TEST (test_write_vector_3_3)
{
  GByteArray *expect = test_hex (vector_3_3);
  GByteArray *got;
  ertmp_caps caps;

  make_caps_3_3 (&caps);
  got = build_connect ("FMLE/3.0 (compatible; FMSc/1.0)",
      "rtmp://example.com/live", &caps);
  ck_assert_bytes_eq (got->data, got->len, expect->data, expect->len);
  ck_assert_uint_eq (got->len, 0x117);  /* the chunk header's length */

  ertmp_caps_clear (&caps);
  g_byte_array_unref (got);
  g_byte_array_unref (expect);
}
END_TEST

/* No capabilities: the connect is byte-identical to a legacy one */
START_TEST (test_write_empty_is_legacy)
{
  GByteArray *expect = test_hex (vector_3_1);
  GByteArray *got;
  ertmp_caps caps;

  ertmp_caps_init (&caps);
  ck_assert (ertmp_caps_is_empty (&caps));
  got = build_connect ("FMLE/3.0 (compatible; Lavf59.27.100)",
      "rtmp://127.0.0.1:19350/live", &caps);
  ck_assert_bytes_eq (got->data, got->len, expect->data, expect->len);
  ck_assert_uint_eq (got->len, 140);
  g_byte_array_unref (got);
  g_byte_array_unref (expect);
}
END_TEST

/* write -> encode -> decode -> read gives the same caps, "*" included */
START_TEST (test_round_trip)
{
  ertmp_caps caps, back;
  GByteArray *bytes;
  GPtrArray *values;
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);

  make_caps_3_3 (&caps);
  ertmp_caps_add_fourcc (&caps, ERTMP_FOURCC_ANY);
  ertmp_caps_add_info (&caps, FALSE, ERTMP_FOURCC_ANY,
      ERTMP_FOURCC_CAN_FORWARD);
  caps.caps_ex = 0xFFFFFFFFu;
  bytes = build_connect ("x", "rtmp://h/live", &caps);
  ck_assert_int_eq (ertmp_amf0_decode_message (dec, bytes->data, bytes->len,
          &values), ERTMP_OK);

  ertmp_caps_init (&back);
  ck_assert_int_eq (ertmp_caps_read (&back, g_ptr_array_index (values, 2)),
      ERTMP_OK);
  ck_assert (ertmp_caps_equal (&caps, &back));

  ertmp_caps_clear (&caps);
  ertmp_caps_clear (&back);
  g_ptr_array_unref (values);
  g_byte_array_unref (bytes);
  ertmp_amf_decoder_free (dec);
}
END_TEST

/* Present but empty fields are written (and read back as present) */
START_TEST (test_present_empty)
{
  ertmp_caps caps, back;
  ertmp_amf_value *obj = ertmp_amf_new (ERTMP_AMF_OBJECT);
  const ertmp_amf_value *v;

  ertmp_caps_init (&caps);
  caps.fourcc_list = g_array_new (FALSE, FALSE, sizeof (guint32));
  caps.has_caps_ex = TRUE;
  ck_assert (!ertmp_caps_is_empty (&caps));
  ertmp_caps_write (&caps, obj);
  ck_assert_uint_eq (ertmp_amf_n_props (obj), 2);
  v = ertmp_amf_get (obj, "fourCcList");
  ck_assert_ptr_nonnull (v);
  ck_assert_int_eq (v->type, ERTMP_AMF_ARRAY);
  ck_assert_uint_eq (ertmp_amf_n_items (v), 0);

  ertmp_caps_init (&back);
  ck_assert_int_eq (ertmp_caps_read (&back, obj), ERTMP_OK);
  ck_assert (ertmp_caps_equal (&caps, &back));
  ck_assert_ptr_nonnull (back.fourcc_list);

  ertmp_caps_clear (&caps);
  ertmp_caps_clear (&back);
  ertmp_amf_value_unref (obj);
}
END_TEST

/* ---- tolerance ----------------------------------------------------- */

static ertmp_amf_value *
new_list (const gchar * const *names, guint n)
{
  ertmp_amf_value *arr = ertmp_amf_new (ERTMP_AMF_ARRAY);
  guint i;

  for (i = 0; i < n; i++)
    ertmp_amf_append (arr, ertmp_amf_new_string (names[i], -1));
  return arr;
}

START_TEST (test_read_tolerant)
{
  static const gchar *names[] = { "hvc1", "toolong", "*", "", "hvc1", "av1",
    "av01"
  };
  ertmp_amf_value *obj = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_amf_value *list = new_list (names, G_N_ELEMENTS (names));
  ertmp_amf_value *map = ertmp_amf_new (ERTMP_AMF_ECMA_ARRAY);
  ertmp_caps caps, expect;

  ertmp_amf_append (list, ertmp_amf_new_number (5));    /* not a string */
  ertmp_amf_append (list, ertmp_amf_new (ERTMP_AMF_NULL));
  ertmp_amf_append (list, ertmp_amf_new_string ("\0\0\0*", 4));
  ertmp_amf_add (obj, "fourCcList", list);

  /* an ECMA array map with bad entries around two good ones */
  ertmp_amf_add_number (map, "hvc1", 3);
  ertmp_amf_add_number (map, "bad", 1);                 /* 3 bytes */
  ertmp_amf_add_string (map, "av01", "2");              /* not a number */
  ertmp_amf_add_number (map, "vp09", -1);               /* negative */
  ertmp_amf_add_number (map, "vp08", 1.5);              /* fraction */
  ertmp_amf_add_number (map, "avc1", NAN);
  ertmp_amf_add_number (map, "ac-3", 4294967296.0);     /* 2^32 */
  ertmp_amf_add (map, "fLaC", ertmp_amf_new_integer (1));       /* AMF3 */
  ertmp_amf_add_number (map, "*", 4);
  ertmp_amf_add (obj, "videoFourCcInfoMap", map);

  /* wrong types for the whole property: ignored */
  ertmp_amf_add_string (obj, "audioFourCcInfoMap", "Opus");
  ertmp_amf_add_string (obj, "capsEx", "15");

  ertmp_caps_init (&caps);
  ck_assert_int_eq (ertmp_caps_read (&caps, obj), ERTMP_OK);

  ertmp_caps_init (&expect);
  ertmp_caps_add_fourcc (&expect, HVC1);
  ertmp_caps_add_fourcc (&expect, ERTMP_FOURCC_ANY);
  ertmp_caps_add_fourcc (&expect, AV01);
  ertmp_caps_add_info (&expect, TRUE, HVC1, 3);
  ertmp_caps_add_info (&expect, TRUE, ERTMP_FOURCC ('f', 'L', 'a', 'C'), 1);
  ertmp_caps_add_info (&expect, TRUE, ERTMP_FOURCC_ANY, 4);
  ck_assert (ertmp_caps_equal (&caps, &expect));
  ck_assert_ptr_null (caps.audio_info);
  ck_assert (!caps.has_caps_ex);

  ertmp_caps_clear (&caps);
  ertmp_caps_clear (&expect);
  ertmp_amf_value_unref (obj);
}
END_TEST

START_TEST (test_read_wrong_container)
{
  ertmp_amf_value *str = ertmp_amf_new_string ("fourCcList", -1);
  ertmp_amf_value *arr = ertmp_amf_new (ERTMP_AMF_ARRAY);
  ertmp_amf_value *ecma = ertmp_amf_new (ERTMP_AMF_ECMA_ARRAY);
  ertmp_caps caps;

  ertmp_caps_init (&caps);
  ck_assert_int_eq (ertmp_caps_read (&caps, NULL), ERTMP_MALFORMED);
  ck_assert_int_eq (ertmp_caps_read (&caps, str), ERTMP_MALFORMED);
  ck_assert_int_eq (ertmp_caps_read (&caps, arr), ERTMP_MALFORMED);
  ck_assert (ertmp_caps_is_empty (&caps));

  /* an ECMA array is object-like (onMetaData style) */
  ertmp_amf_add_number (ecma, "capsEx", 2);
  ck_assert_int_eq (ertmp_caps_read (&caps, ecma), ERTMP_OK);
  ck_assert (caps.has_caps_ex);
  ck_assert_uint_eq (caps.caps_ex, ERTMP_CAPS_EX_MULTITRACK);

  ertmp_caps_clear (&caps);
  ertmp_amf_value_unref (str);
  ertmp_amf_value_unref (arr);
  ertmp_amf_value_unref (ecma);
}
END_TEST

/* Reading twice merges: new FourCCs appended, masks and capsEx OR-ed */
START_TEST (test_read_merges)
{
  static const gchar *l1[] = { "hvc1" }, *l2[] = { "hvc1", "av01" };
  ertmp_amf_value *a = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_amf_value *b = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_amf_value *ma = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_amf_value *mb = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_caps caps, expect;

  ertmp_amf_add (a, "fourCcList", new_list (l1, 1));
  ertmp_amf_add_number (ma, "hvc1", 1);
  ertmp_amf_add (a, "audioFourCcInfoMap", ma);
  ertmp_amf_add_number (a, "capsEx", 1);
  ertmp_amf_add (b, "fourCcList", new_list (l2, 2));
  ertmp_amf_add_number (mb, "hvc1", 2);
  ertmp_amf_add_number (mb, "Opus", 4);
  ertmp_amf_add (b, "audioFourCcInfoMap", mb);
  ertmp_amf_add_number (b, "capsEx", 4);

  ertmp_caps_init (&caps);
  ck_assert_int_eq (ertmp_caps_read (&caps, a), ERTMP_OK);
  ck_assert_int_eq (ertmp_caps_read (&caps, b), ERTMP_OK);

  ertmp_caps_init (&expect);
  ertmp_caps_add_fourcc (&expect, HVC1);
  ertmp_caps_add_fourcc (&expect, AV01);
  ertmp_caps_add_info (&expect, FALSE, HVC1, 3);
  ertmp_caps_add_info (&expect, FALSE, OPUS, 4);
  expect.has_caps_ex = TRUE;
  expect.caps_ex = 5;
  ck_assert (ertmp_caps_equal (&caps, &expect));

  ertmp_caps_clear (&caps);
  ertmp_caps_clear (&expect);
  ertmp_amf_value_unref (a);
  ertmp_amf_value_unref (b);
}
END_TEST

/* ---- queries and helpers ------------------------------------------- */

/* ertmp.md 14: a listing counts when the codec or "*" is in fourCcList, or
 * in the InfoMap with CanDecode or CanForward */
START_TEST (test_lists)
{
  const guint32 play = ERTMP_FOURCC_CAN_DECODE | ERTMP_FOURCC_CAN_FORWARD;
  ertmp_caps caps;

  ertmp_caps_init (&caps);
  ck_assert (!ertmp_caps_lists (&caps, TRUE, HVC1, play));

  /* fourCcList has no kind: it counts for audio and video */
  ertmp_caps_add_fourcc (&caps, HVC1);
  ck_assert (ertmp_caps_lists (&caps, TRUE, HVC1, play));
  ck_assert (ertmp_caps_lists (&caps, FALSE, HVC1, play));
  ck_assert (!ertmp_caps_lists (&caps, TRUE, AV01, play));
  ertmp_caps_add_fourcc (&caps, ERTMP_FOURCC_ANY);
  ck_assert (ertmp_caps_lists (&caps, TRUE, AV01, play));
  ertmp_caps_clear (&caps);

  /* InfoMap: the mask matters, and the kind */
  ertmp_caps_add_info (&caps, TRUE, HVC1, ERTMP_FOURCC_CAN_ENCODE);
  ertmp_caps_add_info (&caps, TRUE, AV01, ERTMP_FOURCC_CAN_DECODE);
  ertmp_caps_add_info (&caps, FALSE, OPUS, ERTMP_FOURCC_CAN_FORWARD);
  ck_assert (!ertmp_caps_lists (&caps, TRUE, HVC1, play));
  ck_assert (ertmp_caps_lists (&caps, TRUE, HVC1, ERTMP_FOURCC_CAN_ENCODE));
  ck_assert (ertmp_caps_lists (&caps, TRUE, AV01, play));
  ck_assert (!ertmp_caps_lists (&caps, FALSE, AV01, play));
  ck_assert (ertmp_caps_lists (&caps, FALSE, OPUS, play));
  ck_assert (!ertmp_caps_lists (&caps, TRUE, OPUS, play));
  ck_assert (!ertmp_caps_lists (&caps, FALSE, MP4A, play));
  ertmp_caps_clear (&caps);

  /* "*": 4 = forward anything, and it overrides per-codec entries */
  ertmp_caps_add_info (&caps, TRUE, HVC1, ERTMP_FOURCC_CAN_DECODE);
  ertmp_caps_add_info (&caps, TRUE, ERTMP_FOURCC_ANY, ERTMP_FOURCC_CAN_FORWARD);
  ck_assert (ertmp_caps_lists (&caps, TRUE, VP09, play));
  ck_assert (ertmp_caps_lists (&caps, TRUE, HVC1, play));
  ck_assert (!ertmp_caps_lists (&caps, TRUE, HVC1, ERTMP_FOURCC_CAN_DECODE));
  ck_assert (!ertmp_caps_lists (&caps, FALSE, OPUS, play));
  ertmp_caps_clear (&caps);
}
END_TEST

START_TEST (test_fourcc_strings)
{
  gchar buf[5];

  /* test-vectors.md 3.10: hvc1 = 1752589105, Opus = 1332770163 */
  ck_assert_uint_eq (ertmp_fourcc_from_string ("hvc1", 4), 1752589105u);
  ck_assert_uint_eq (ertmp_fourcc_from_string ("Opus", 4), 1332770163u);
  ck_assert_uint_eq (HVC1, 1752589105u);
  ck_assert_uint_eq (ertmp_fourcc_from_string (".mp3", 4),
      ERTMP_FOURCC ('.', 'm', 'p', '3'));
  ck_assert_uint_eq (ertmp_fourcc_from_string ("*", 1), ERTMP_FOURCC_ANY);
  ck_assert_uint_eq (ertmp_fourcc_from_string ("hvc1x", 4), HVC1);
  ck_assert_uint_eq (ertmp_fourcc_from_string ("hvc", 3), 0);
  ck_assert_uint_eq (ertmp_fourcc_from_string ("hvc1x", 5), 0);
  ck_assert_uint_eq (ertmp_fourcc_from_string ("", 0), 0);
  ck_assert_uint_eq (ertmp_fourcc_from_string ("**", 2), 0);
  ck_assert_uint_eq (ertmp_fourcc_from_string ("\0\0\0*", 4), 0);

  ck_assert_str_eq (ertmp_fourcc_to_string (HVC1, buf), "hvc1");
  ck_assert_str_eq (ertmp_fourcc_to_string (OPUS, buf), "Opus");
  ck_assert_str_eq (ertmp_fourcc_to_string (ERTMP_FOURCC ('a', 'c', '-',
              '3'), buf), "ac-3");
  ck_assert_str_eq (ertmp_fourcc_to_string (ERTMP_FOURCC_ANY, buf), "*");
  ck_assert_ptr_eq (ertmp_fourcc_to_string (AV01, buf), buf);
}
END_TEST

START_TEST (test_build)
{
  ertmp_caps caps;

  ertmp_caps_init (&caps);
  ertmp_caps_add_fourcc (&caps, HVC1);
  ertmp_caps_add_fourcc (&caps, HVC1);
  ertmp_caps_add_fourcc (&caps, OPUS);
  ck_assert_uint_eq (caps.fourcc_list->len, 2);
  ertmp_caps_add_info (&caps, TRUE, HVC1, ERTMP_FOURCC_CAN_DECODE);
  ertmp_caps_add_info (&caps, TRUE, HVC1, ERTMP_FOURCC_CAN_FORWARD);
  ck_assert_uint_eq (caps.video_info->len, 1);
  ck_assert_uint_eq (g_array_index (caps.video_info, ertmp_fourcc_info,
          0).mask, ERTMP_FOURCC_CAN_DECODE | ERTMP_FOURCC_CAN_FORWARD);
  ck_assert_ptr_null (caps.audio_info);
  ertmp_caps_clear (&caps);
}
END_TEST

START_TEST (test_copy_equal_clear)
{
  ertmp_caps a, b, c;

  make_caps_3_3 (&a);
  ertmp_caps_init (&b);
  ertmp_caps_copy (&b, &a);
  ck_assert (ertmp_caps_equal (&a, &b));
  ck_assert_ptr_ne (a.fourcc_list, b.fourcc_list);

  /* copy over a non-empty destination replaces it */
  ertmp_caps_init (&c);
  ertmp_caps_add_fourcc (&c, VP09);
  ertmp_caps_copy (&c, &a);
  ck_assert (ertmp_caps_equal (&a, &c));

  g_array_index (b.video_info, ertmp_fourcc_info, 1).mask = 1;
  ck_assert (!ertmp_caps_equal (&a, &b));
  ertmp_caps_copy (&b, &a);
  b.caps_ex = 1;
  ck_assert (!ertmp_caps_equal (&a, &b));
  ertmp_caps_copy (&b, &a);
  g_array_set_size (b.fourcc_list, 2);
  ck_assert (!ertmp_caps_equal (&a, &b));

  /* absent differs from present-but-empty */
  ertmp_caps_clear (&b);
  ertmp_caps_clear (&c);
  c.audio_info = g_array_new (FALSE, FALSE, sizeof (ertmp_fourcc_info));
  ck_assert (ertmp_caps_equal (&b, &b));
  ck_assert (!ertmp_caps_equal (&b, &c));
  ck_assert (ertmp_caps_is_empty (&b));
  ck_assert (!ertmp_caps_is_empty (&c));

  ertmp_caps_clear (&a);
  ck_assert (ertmp_caps_is_empty (&a));
  ck_assert (ertmp_caps_equal (&a, &b));
  ertmp_caps_clear (&c);
}
END_TEST

static Suite *
caps_suite (void)
{
  Suite *s = suite_create ("caps");
  TCase *tc = tcase_create ("vectors");

  tcase_add_test (tc, test_read_vector_3_3);
  tcase_add_test (tc, test_read_vector_3_4);
  tcase_add_test (tc, test_write_vector_3_3);
  tcase_add_test (tc, test_write_empty_is_legacy);
  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_present_empty);
  suite_add_tcase (s, tc);

  tc = tcase_create ("tolerance");
  tcase_add_test (tc, test_read_tolerant);
  tcase_add_test (tc, test_read_wrong_container);
  tcase_add_test (tc, test_read_merges);
  suite_add_tcase (s, tc);

  tc = tcase_create ("queries");
  tcase_add_test (tc, test_lists);
  tcase_add_test (tc, test_fourcc_strings);
  tcase_add_test (tc, test_build);
  tcase_add_test (tc, test_copy_equal_clear);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (caps_suite ());
}
