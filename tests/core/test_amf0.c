/* gst-ertmp: tests of the AMF0 decoder and encoder (amf.md 1)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ertmp_amf0.h"
#include "ertmp_amf3.h"
#include "amf_test_util.h"

#include <math.h>

/* ---- test-vectors.md section 3: command payloads ------------------------ */

/* test-vectors.md 3.1: FFmpeg publish connect payload (140 bytes) */
static const gchar vec_3_1[] =
    "02 00 07 63 6f 6e 6e 65 63 74       # String \"connect\"\n"
    "00 3f f0 00 00 00 00 00 00          # Number 1.0\n"
    "03                                  # Object\n"
    "00 03 61 70 70                      #   key \"app\"\n"
    "02 00 04 6c 69 76 65                #     String \"live\"\n"
    "00 04 74 79 70 65                   #   key \"type\"\n"
    "02 00 0a                            #     String, 10 bytes:\n"
    "6e 6f 6e 70 72 69 76 61 74 65       #       \"nonprivate\"\n"
    "00 08 66 6c 61 73 68 56 65 72       #   key \"flashVer\"\n"
    "02 00 24                            #     String, 36 bytes:\n"
    "46 4d 4c 45 2f 33 2e 30 20 28 63 6f #       \"FMLE/3.0 (co\"\n"
    "6d 70 61 74 69 62 6c 65 3b 20 4c 61 #       \"mpatible; La\"\n"
    "76 66 35 39 2e 32 37 2e 31 30 30 29 #       \"vf59.27.100)\"\n"
    "00 05 74 63 55 72 6c                #   key \"tcUrl\"\n"
    "02 00 1b                            #     String, 27 bytes:\n"
    "72 74 6d 70 3a 2f 2f 31 32 37 2e 30 #       \"rtmp://127.0\"\n"
    "2e 30 2e 31 3a 31 39 33 35 30 2f 6c #       \".0.1:19350/l\"\n"
    "69 76 65                            #       \"ive\"\n"
    "00 00 09                            # object end\n";

/* test-vectors.md 3.2: GStreamer 1.22 rtmp2sink connect payload (118 bytes) */
static const gchar vec_3_2[] =
    "02 00 07 63 6f 6e 6e 65 63 74       # String \"connect\"\n"
    "00 3f f0 00 00 00 00 00 00          # Number 1.0\n"
    "03                                  # Object\n"
    "00 03 61 70 70                      #   key \"app\"\n"
    "02 00 04 6c 69 76 65                #     String \"live\"\n"
    "00 04 74 79 70 65                   #   key \"type\"\n"
    "02 00 0a                            #     String, 10 bytes:\n"
    "6e 6f 6e 70 72 69 76 61 74 65       #       \"nonprivate\"\n"
    "00 08 66 6c 61 73 68 56 65 72       #   key \"flashVer\"\n"
    "02 00 0e                            #     String, 14 bytes:\n"
    "4c 4e 58 20 31 30 2c 30 2c 33 32 2c #       \"LNX 10,0,32,\"\n"
    "31 38                               #       \"18\"\n"
    "00 05 74 63 55 72 6c                #   key \"tcUrl\"\n"
    "02 00 1b                            #     String, 27 bytes:\n"
    "72 74 6d 70 3a 2f 2f 31 32 37 2e 30 #       \"rtmp://127.0\"\n"
    "2e 30 2e 31 3a 33 38 34 31 32 2f 6c #       \".0.1:38412/l\"\n"
    "69 76 65                            #       \"ive\"\n"
    "00 00 09                            # object end\n";

/* test-vectors.md 3.3: connect with E-RTMP capability fields */
static const gchar vec_3_3[] =
    "02 00 07 63 6f 6e 6e 65 63 74       # String \"connect\"\n"
    "00 3f f0 00 00 00 00 00 00          # Number 1.0\n"
    "03                                  # Object\n"
    "00 03 61 70 70                      #   key \"app\"\n"
    "02 00 04 6c 69 76 65                #     String \"live\"\n"
    "00 04 74 79 70 65                   #   key \"type\"\n"
    "02 00 0a                            #     String, 10 bytes:\n"
    "6e 6f 6e 70 72 69 76 61 74 65       #       \"nonprivate\"\n"
    "00 08 66 6c 61 73 68 56 65 72       #   key \"flashVer\"\n"
    "02 00 1f                            #     String, 31 bytes:\n"
    "46 4d 4c 45 2f 33 2e 30 20 28 63 6f #       \"FMLE/3.0 (co\"\n"
    "6d 70 61 74 69 62 6c 65 3b 20 46 4d #       \"mpatible; FM\"\n"
    "53 63 2f 31 2e 30 29                #       \"Sc/1.0)\"\n"
    "00 05 74 63 55 72 6c                #   key \"tcUrl\"\n"
    "02 00 17                            #     String, 23 bytes:\n"
    "72 74 6d 70 3a 2f 2f 65 78 61 6d 70 #       \"rtmp://examp\"\n"
    "6c 65 2e 63 6f 6d 2f 6c 69 76 65    #       \"le.com/live\"\n"
    "00 0a 66 6f 75 72 43 63 4c 69 73 74 #   key \"fourCcList\"\n"
    "0a 00 00 00 03                      #     Strict array, count 3\n"
    "02 00 04 68 76 63 31                #       String \"hvc1\"\n"
    "02 00 04 61 76 30 31                #       String \"av01\"\n"
    "02 00 04 4f 70 75 73                #       String \"Opus\"\n"
    "00 12                               #   key, 18 bytes:\n"
    "76 69 64 65 6f 46 6f 75 72 43 63 49 #     \"videoFourCcI\"\n"
    "6e 66 6f 4d 61 70                   #     \"nfoMap\"\n"
    "03                                  #     Object\n"
    "00 04 68 76 63 31                   #       key \"hvc1\"\n"
    "00 40 00 00 00 00 00 00 00          #         Number 2.0\n"
    "00 04 61 76 30 31                   #       key \"av01\"\n"
    "00 40 00 00 00 00 00 00 00          #         Number 2.0\n"
    "00 00 09                            #     object end\n"
    "00 12                               #   key, 18 bytes:\n"
    "61 75 64 69 6f 46 6f 75 72 43 63 49 #     \"audioFourCcI\"\n"
    "6e 66 6f 4d 61 70                   #     \"nfoMap\"\n"
    "03                                  #     Object\n"
    "00 04 4f 70 75 73                   #       key \"Opus\"\n"
    "00 40 00 00 00 00 00 00 00          #         Number 2.0\n"
    "00 00 09                            #     object end\n"
    "00 06 63 61 70 73 45 78             #   key \"capsEx\"\n"
    "00 40 2e 00 00 00 00 00 00          #     Number 15.0\n"
    "00 00 09                            # object end\n";

/* test-vectors.md 3.4: server _result for connect with the E-RTMP echo */
static const gchar vec_3_4[] =
    "02 00 07 5f 72 65 73 75 6c 74       # String \"_result\"\n"
    "00 3f f0 00 00 00 00 00 00          # Number 1.0\n"
    "03                                  # Object\n"
    "00 06 66 6d 73 56 65 72             #   key \"fmsVer\"\n"
    "02 00 0d                            #     String, 13 bytes:\n"
    "46 4d 53 2f 33 2c 30 2c 31 2c 31 32 #       \"FMS/3,0,1,12\"\n"
    "33                                  #       \"3\"\n"
    "00 0c                               #   key, 12 bytes:\n"
    "63 61 70 61 62 69 6c 69 74 69 65 73 #     \"capabilities\"\n"
    "00 40 3f 00 00 00 00 00 00          #     Number 31.0\n"
    "00 0a 66 6f 75 72 43 63 4c 69 73 74 #   key \"fourCcList\"\n"
    "0a 00 00 00 03                      #     Strict array, count 3\n"
    "02 00 04 68 76 63 31                #       String \"hvc1\"\n"
    "02 00 04 61 76 30 31                #       String \"av01\"\n"
    "02 00 04 4f 70 75 73                #       String \"Opus\"\n"
    "00 06 63 61 70 73 45 78             #   key \"capsEx\"\n"
    "00 3f f0 00 00 00 00 00 00          #     Number 1.0\n"
    "00 00 09                            # object end\n"
    "03                                  # Object\n"
    "00 05 6c 65 76 65 6c                #   key \"level\"\n"
    "02 00 06 73 74 61 74 75 73          #     String \"status\"\n"
    "00 04 63 6f 64 65                   #   key \"code\"\n"
    "02 00 1d                            #     String, 29 bytes:\n"
    "4e 65 74 43 6f 6e 6e 65 63 74 69 6f #       \"NetConnectio\"\n"
    "6e 2e 43 6f 6e 6e 65 63 74 2e 53 75 #       \"n.Connect.Su\"\n"
    "63 63 65 73 73                      #       \"ccess\"\n"
    "00 0b                               #   key, 11 bytes:\n"
    "64 65 73 63 72 69 70 74 69 6f 6e    #     \"description\"\n"
    "02 00 15                            #     String, 21 bytes:\n"
    "43 6f 6e 6e 65 63 74 69 6f 6e 20 73 #       \"Connection s\"\n"
    "75 63 63 65 65 64 65 64 2e          #       \"ucceeded.\"\n"
    "00 0e                               #   key, 14 bytes:\n"
    "6f 62 6a 65 63 74 45 6e 63 6f 64 69 #     \"objectEncodi\"\n"
    "6e 67                               #     \"ng\"\n"
    "00 00 00 00 00 00 00 00 00          #     Number 0.0\n"
    "00 00 09                            # object end\n";

/* test-vectors.md 3.5: ["createStream", 4, null] */
static const gchar vec_3_5[] =
    "02 00 0c                            # String, 12 bytes:\n"
    "63 72 65 61 74 65 53 74 72 65 61 6d #   \"createStream\"\n"
    "00 40 10 00 00 00 00 00 00          # Number 4.0\n"
    "05                                  # Null\n";

/* test-vectors.md 3.6: ["_result", 4, null, 1] */
static const gchar vec_3_6[] =
    "02 00 07 5f 72 65 73 75 6c 74 # String \"_result\"\n"
    "00 40 10 00 00 00 00 00 00    # Number 4.0\n"
    "05                            # Null\n"
    "00 3f f0 00 00 00 00 00 00    # Number 1.0\n";

/* test-vectors.md 3.7: ["publish", 5, null, "stream", "live"] */
static const gchar vec_3_7[] =
    "02 00 07 70 75 62 6c 69 73 68 # String \"publish\"\n"
    "00 40 14 00 00 00 00 00 00    # Number 5.0\n"
    "05                            # Null\n"
    "02 00 06 73 74 72 65 61 6d    # String \"stream\"\n"
    "02 00 04 6c 69 76 65          # String \"live\"\n";

/* test-vectors.md 3.8: onStatus NetStream.Publish.Start */
static const gchar vec_3_8[] =
    "02 00 08 6f 6e 53 74 61 74 75 73    # String \"onStatus\"\n"
    "00 00 00 00 00 00 00 00 00          # Number 0.0\n"
    "05                                  # Null\n"
    "03                                  # Object\n"
    "00 05 6c 65 76 65 6c                #   key \"level\"\n"
    "02 00 06 73 74 61 74 75 73          #     String \"status\"\n"
    "00 04 63 6f 64 65                   #   key \"code\"\n"
    "02 00 17                            #     String, 23 bytes:\n"
    "4e 65 74 53 74 72 65 61 6d 2e 50 75 #       \"NetStream.Pu\"\n"
    "62 6c 69 73 68 2e 53 74 61 72 74    #       \"blish.Start\"\n"
    "00 0b                               #   key, 11 bytes:\n"
    "64 65 73 63 72 69 70 74 69 6f 6e    #     \"description\"\n"
    "02 00 12                            #     String, 18 bytes:\n"
    "50 75 62 6c 69 73 68 69 6e 67 20 73 #       \"Publishing s\"\n"
    "74 72 65 61 6d 2e                   #       \"tream.\"\n"
    "00 00 09                            # object end\n";

/* test-vectors.md 3.9: onStatus NetConnection.Connect.ReconnectRequest */
static const gchar vec_3_9[] =
    "02 00 08 6f 6e 53 74 61 74 75 73    # String \"onStatus\"\n"
    "00 00 00 00 00 00 00 00 00          # Number 0.0\n"
    "05                                  # Null\n"
    "03                                  # Object\n"
    "00 04 63 6f 64 65                   #   key \"code\"\n"
    "02 00 26                            #     String, 38 bytes:\n"
    "4e 65 74 43 6f 6e 6e 65 63 74 69 6f #       \"NetConnectio\"\n"
    "6e 2e 43 6f 6e 6e 65 63 74 2e 52 65 #       \"n.Connect.Re\"\n"
    "63 6f 6e 6e 65 63 74 52 65 71 75 65 #       \"connectReque\"\n"
    "73 74                               #       \"st\"\n"
    "00 0b                               #   key, 11 bytes:\n"
    "64 65 73 63 72 69 70 74 69 6f 6e    #     \"description\"\n"
    "02 00 13                            #     String, 19 bytes:\n"
    "53 65 72 76 65 72 20 6d 61 69 6e 74 #       \"Server maint\"\n"
    "65 6e 61 6e 63 65 2e                #       \"enance.\"\n"
    "00 05 6c 65 76 65 6c                #   key \"level\"\n"
    "02 00 06 73 74 61 74 75 73          #     String \"status\"\n"
    "00 05 74 63 55 72 6c                #   key \"tcUrl\"\n"
    "02 00 19                            #     String, 25 bytes:\n"
    "72 74 6d 70 3a 2f 2f 62 2e 65 78 61 #       \"rtmp://b.exa\"\n"
    "6d 70 6c 65 2e 63 6f 6d 2f 6c 69 76 #       \"mple.com/liv\"\n"
    "65                                  #       \"e\"\n"
    "00 00 09                            # object end\n";

/* test-vectors.md 3.10: @setDataFrame onMetaData ECMA array */
static const gchar vec_3_10[] =
    "02 00 0d                            # String, 13 bytes:\n"
    "40 73 65 74 44 61 74 61 46 72 61 6d #   \"@setDataFram\"\n"
    "65                                  #   \"e\"\n"
    "02 00 0a                            # String, 10 bytes:\n"
    "6f 6e 4d 65 74 61 44 61 74 61       #   \"onMetaData\"\n"
    "08 00 00 00 04                      # ECMA array, count 4\n"
    "00 05 77 69 64 74 68                #   key \"width\"\n"
    "00 40 9e 00 00 00 00 00 00          #     Number 1920.0\n"
    "00 06 68 65 69 67 68 74             #   key \"height\"\n"
    "00 40 90 e0 00 00 00 00 00          #     Number 1080.0\n"
    "00 0c                               #   key, 12 bytes:\n"
    "76 69 64 65 6f 63 6f 64 65 63 69 64 #     \"videocodecid\"\n"
    "00 41 da 1d 98 cc 40 00 00          #     Number 1752589105.0\n"
    "00 0c                               #   key, 12 bytes:\n"
    "61 75 64 69 6f 63 6f 64 65 63 69 64 #     \"audiocodecid\"\n"
    "00 41 d3 dc 1d 5c c0 00 00          #     Number 1332770163.0\n"
    "00 00 09                            # object end\n";

typedef struct
{
  const gchar *hex;
  const gchar *text; /* ertmp_amf_to_string of each value */
} cmd_vector;

static const cmd_vector cmd_vectors[] = {
    {vec_3_1,
        "[\"connect\", 1, {app: \"live\", type: \"nonprivate\", "
        "flashVer: \"FMLE/3.0 (compatible; Lavf59.27.100)\", "
        "tcUrl: \"rtmp://127.0.0.1:19350/live\"}]"},
    {vec_3_2,
        "[\"connect\", 1, {app: \"live\", type: \"nonprivate\", "
        "flashVer: \"LNX 10,0,32,18\", "
        "tcUrl: \"rtmp://127.0.0.1:38412/live\"}]"},
    {vec_3_3,
        "[\"connect\", 1, {app: \"live\", type: \"nonprivate\", "
        "flashVer: \"FMLE/3.0 (compatible; FMSc/1.0)\", "
        "tcUrl: \"rtmp://example.com/live\", "
        "fourCcList: [\"hvc1\", \"av01\", \"Opus\"], "
        "videoFourCcInfoMap: {hvc1: 2, av01: 2}, "
        "audioFourCcInfoMap: {Opus: 2}, capsEx: 15}]"},
    {vec_3_4,
        "[\"_result\", 1, {fmsVer: \"FMS/3,0,1,123\", capabilities: 31, "
        "fourCcList: [\"hvc1\", \"av01\", \"Opus\"], capsEx: 1}, "
        "{level: \"status\", code: \"NetConnection.Connect.Success\", "
        "description: \"Connection succeeded.\", objectEncoding: 0}]"},
    {vec_3_5, "[\"createStream\", 4, null]"},
    {vec_3_6, "[\"_result\", 4, null, 1]"},
    {vec_3_7, "[\"publish\", 5, null, \"stream\", \"live\"]"},
    {vec_3_8,
        "[\"onStatus\", 0, null, {level: \"status\", "
        "code: \"NetStream.Publish.Start\", "
        "description: \"Publishing stream.\"}]"},
    {vec_3_9,
        "[\"onStatus\", 0, null, "
        "{code: \"NetConnection.Connect.ReconnectRequest\", "
        "description: \"Server maintenance.\", level: \"status\", "
        "tcUrl: \"rtmp://b.example.com/live\"}]"},
    {vec_3_10,
        "[\"@setDataFrame\", \"onMetaData\", {width: 1920, "
        "height: 1080, videocodecid: 1752589105, "
        "audiocodecid: 1332770163}]"},
};

/* ---- helpers --------------------------------------------------------- */

static gchar *
values_to_string (GPtrArray * values)
{
  GString *s = g_string_new ("[");
  guint i;

  for (i = 0; i < values->len; i++) {
    gchar *t = ertmp_amf_to_string (g_ptr_array_index (values, i));

    g_string_append_printf (s, "%s%s", i ? ", " : "", t);
    g_free (t);
  }
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static GByteArray *
encode_all (GPtrArray * values)
{
  return amf_test_encode_all (ertmp_amf0_encode, values);
}

static ertmp_result
decode_message (const ertmp_limits * limits, const guint8 * data, gsize len,
    GPtrArray ** values, ertmp_limit_id * hit)
{
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (limits);
  ertmp_result res = ertmp_amf0_decode_message (dec, data, len, values);

  if (hit)
    *hit = ertmp_amf_decoder_limit_hit (dec);
  ertmp_amf_decoder_free (dec);
  return res;
}

static GPtrArray *
decode_message_ok (const gchar * hex)
{
  GByteArray *b = test_hex (hex);
  GPtrArray *values = NULL;

  ck_assert_int_eq (decode_message (NULL, b->data, b->len, &values, NULL),
      ERTMP_OK);
  g_byte_array_unref (b);
  return values;
}

/* Decodes @hex as one AMF0 value with the stream decoder, which must take
 * every byte; checks its printed form and, when @reencoded is not NULL,
 * the encoder's bytes (@hex itself when "") */
static ertmp_amf_value *
check_value (const gchar * hex, const gchar * text, const gchar * reencoded)
{
  GByteArray *b = test_hex (hex), *out = g_byte_array_new (), *exp;
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
  ertmp_amf_value *v = NULL;
  ertmp_reader r;
  gchar *t;

  ertmp_reader_init (&r, b->data, b->len);
  ck_assert_int_eq (ertmp_amf0_decode (dec, &r, &v), ERTMP_OK);
  ck_assert_uint_eq (r.pos, b->len);
  t = ertmp_amf_to_string (v);
  ck_assert_str_eq (t, text);
  if (reencoded) {
    exp = test_hex (*reencoded ? reencoded : hex);
    ck_assert_int_eq (ertmp_amf0_encode (out, v), ERTMP_OK);
    ck_assert_bytes_eq (out->data, out->len, exp->data, exp->len);
    g_byte_array_unref (exp);
  }
  g_free (t);
  g_byte_array_unref (out);
  g_byte_array_unref (b);
  ertmp_amf_decoder_free (dec);
  return v;
}

static void
check_prefixes (const guint8 * data, gsize len, GPtrArray * full)
{
  amf_test_check_prefixes (ertmp_amf0_decode, NULL, NULL, data, len, full);
}

/* ---- command payloads ------------------------------------------------ */

START_TEST (test_commands)
{
  const cmd_vector *vec = &cmd_vectors[_i];
  GByteArray *b = test_hex (vec->hex), *out;
  GPtrArray *values = decode_message_ok (vec->hex);
  gchar *t = values_to_string (values);

  ck_assert_str_eq (t, vec->text);
  /* our encoder writes these exactly as the peers did */
  out = encode_all (values);
  ck_assert_bytes_eq (out->data, out->len, b->data, b->len);
  check_prefixes (b->data, b->len, values);
  g_free (t);
  g_byte_array_unref (out);
  g_byte_array_unref (b);
  g_ptr_array_unref (values);
}
END_TEST

/* A message cut anywhere: never NEED_MORE.  Cut between two values it is
 * a shorter message; cut inside a top-level object after a property it is
 * the tolerated missing end; else MALFORMED. */
START_TEST (test_commands_truncated)
{
  GByteArray *b = test_hex (cmd_vectors[_i].hex);
  GPtrArray *full = decode_message_ok (cmd_vectors[_i].hex);
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
  ertmp_reader r;
  gsize n;
  guint i, k;

  /* where each value ends */
  ertmp_reader_init (&r, b->data, b->len);
  for (i = 0; i < full->len; i++) {
    ertmp_amf_value *v;
    ck_assert_int_eq (ertmp_amf0_decode (dec, &r, &v), ERTMP_OK);
    ertmp_amf_value_unref (v);
    g_array_append_val (ends, r.pos);
  }
  for (n = 0; n < b->len; n++) {
    GPtrArray *values = NULL;
    ertmp_result res = decode_message (NULL, b->data, n, &values, NULL);
    guint whole = 0;

    while (whole < ends->len && g_array_index (ends, gsize, whole) <= n)
      whole++;
    ck_assert (res == ERTMP_OK || res == ERTMP_MALFORMED);
    /* cut between two values */
    if (n == 0 || (whole > 0 && g_array_index (ends, gsize, whole - 1) == n))
      ck_assert_int_eq (res, ERTMP_OK);
    if (res != ERTMP_OK)
      continue;
    ck_assert_uint_ge (values->len, whole);
    ck_assert_uint_le (values->len, whole + 1);
    for (k = 0; k < whole; k++)
      ck_assert (ertmp_amf_equal (g_ptr_array_index (values, k),
          g_ptr_array_index (full, k)));
    if (values->len > whole) {
      ertmp_amf_type type =
          ((ertmp_amf_value *) g_ptr_array_index (values, whole))->type;
      ck_assert (type == ERTMP_AMF_OBJECT || type == ERTMP_AMF_ECMA_ARRAY);
    }
    g_ptr_array_unref (values);
  }
  ertmp_amf_decoder_free (dec);
  g_array_unref (ends);
  g_ptr_array_unref (full);
  g_byte_array_unref (b);
}
END_TEST

/* amf.md 1.1: "A robust decoder accepts end of payload as the end of a
 * top-level ECMA array" (and object); not of a nested one */
START_TEST (test_missing_end_tolerated)
{
  GByteArray *b = test_hex (vec_3_10), *b8 = test_hex (vec_3_8);
  GPtrArray *full = decode_message_ok (vec_3_10), *v;
  GPtrArray *full8 = decode_message_ok (vec_3_8);
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
  ertmp_amf_value *value;
  ertmp_reader r;
  guint cut, i;

  /* without 00 00 09, 00 09 or 09 */
  for (cut = 1; cut <= 3; cut++) {
    ck_assert_int_eq (decode_message (NULL, b->data, b->len - cut, &v, NULL),
        ERTMP_OK);
    ck_assert_uint_eq (v->len, 3);
    for (i = 0; i < 3; i++)
      ck_assert (ertmp_amf_equal (g_ptr_array_index (v, i),
          g_ptr_array_index (full, i)));
    g_ptr_array_unref (v);
    ck_assert_int_eq (decode_message (NULL, b8->data, b8->len - cut, &v, NULL),
        ERTMP_OK);
    ck_assert (ertmp_amf_equal (g_ptr_array_index (v, 3),
        g_ptr_array_index (full8, 3)));
    g_ptr_array_unref (v);
  }
  /* not a start of 00 00 09: broken */
  b->data[b->len - 3] = 0x01;
  ck_assert_int_eq (decode_message (NULL, b->data, b->len - 1, &v, NULL),
      ERTMP_MALFORMED);
  /* the stream decoder waits for the rest instead */
  ertmp_reader_init (&r, b8->data, b8->len - 3);
  for (i = 0; i < 3; i++) {
    ck_assert_int_eq (ertmp_amf0_decode (dec, &r, &value), ERTMP_OK);
    ertmp_amf_value_unref (value);
  }
  ck_assert_int_eq (ertmp_amf0_decode (dec, &r, &value), ERTMP_NEED_MORE);
  ertmp_amf_decoder_free (dec);
  g_ptr_array_unref (full);
  g_ptr_array_unref (full8);
  g_byte_array_unref (b);
  g_byte_array_unref (b8);
}
END_TEST

START_TEST (test_nested_missing_end_malformed)
{
  /* test-vectors.md 3.3 cut inside videoFourCcInfoMap, after "hvc1": 2 */
  GByteArray *b = test_hex (vec_3_3);
  GPtrArray *v = NULL;
  gsize cut = 0, i;

  for (i = 0; i + 6 <= b->len; i++)
    if (memcmp (b->data + i, "av01\x00\x40", 6) == 0)
      cut = i - 2;
  ck_assert_uint_gt (cut, 0);
  ck_assert_int_eq (decode_message (NULL, b->data, cut, &v, NULL),
      ERTMP_MALFORMED);
  g_byte_array_unref (b);
}
END_TEST

/* ---- test-vectors.md 4.1: AMF0 primitives ---------------------------- */

typedef struct
{
  const gchar *hex;
  ertmp_amf_type type;
  const gchar *text;
  const gchar *reencoded; /* "" = the same bytes */
} row;

static const row rows_4_1[] = {
    {"00 3f f0 00 00 00 00 00 00   # Number 1.0", ERTMP_AMF_NUMBER, "1", ""},
    {"00 00 00 00 00 00 00 00 00   # Number 0.0", ERTMP_AMF_NUMBER, "0", ""},
    {"01 01                        # Boolean true", ERTMP_AMF_BOOLEAN, "true",
        ""},
    {"01 00                        # Boolean false", ERTMP_AMF_BOOLEAN, "false",
        ""},
    {"02 00 04 6c 69 76 65         # String \"live\"", ERTMP_AMF_STRING,
        "\"live\"", ""},
    {"05                           # Null", ERTMP_AMF_NULL, "null", ""},
    {"06                           # Undefined", ERTMP_AMF_UNDEFINED,
        "undefined", ""},
    {"03                           # Empty Object\n"
     "00 00 09                     #   object end",
        ERTMP_AMF_OBJECT, "{}", ""},
    {"03                           # Object {a:1}\n"
     "00 01 61                     #   key \"a\"\n"
     "00 3f f0 00 00 00 00 00 00   #     Number 1.0\n"
     "00 00 09                     #   object end",
        ERTMP_AMF_OBJECT, "{a: 1}", ""},
    {"08 00 00 00 01               # ECMA array {a:1}, count 1\n"
     "00 01 61                     #   key \"a\"\n"
     "00 3f f0 00 00 00 00 00 00   #     Number 1.0\n"
     "00 00 09                     #   object end",
        ERTMP_AMF_ECMA_ARRAY, "{a: 1}", ""},
    {"0a 00 00 00 01               # Strict array, count 1\n"
     "02 00 04 68 76 63 31         #   String \"hvc1\"",
        ERTMP_AMF_ARRAY, "[\"hvc1\"]", ""},
    {"0b                           # Date\n"
     "00 00 00 00 00 00 00 00      #   0 ms\n"
     "00 00                        #   time zone 0",
        ERTMP_AMF_DATE, "date(0)", ""},
    /* re-encoded as a short String: 65535 bytes or less */
    {"0c 00 00 00 03 61 62 63      # Long string \"abc\"", ERTMP_AMF_STRING,
        "\"abc\"", "02 00 03 61 62 63"},
    {"10                           # Typed object\n"
     "00 01 43                     #   class name \"C\"\n"
     "00 00 09                     #   object end",
        ERTMP_AMF_OBJECT, "C {}", ""},
    {"11                           # AVM+ switch\n"
     "06 07 61 62 63               #   AMF3 string \"abc\"",
        ERTMP_AMF_STRING, "\"abc\"", ""},
    /* more markers a peer may send */
    {"0d                           # Unsupported", ERTMP_AMF_UNSUPPORTED,
        "unsupported", ""},
    {"0f 00 00 00 04 3c 61 2f 3e   # XML document \"<a/>\"",
        ERTMP_AMF_XML_DOCUMENT, "xmldoc \"<a/>\"", ""},
    /* any non-zero byte is true; written as 1 */
    {"01 05                        # Boolean 5", ERTMP_AMF_BOOLEAN, "true",
        "01 01"},
    /* the time zone is kept, ignored and written as 0 */
    {"0b 42 6d 1a 94 a2 00 00 00   # Date 1e12 ms\n"
     "01 e0                        #   time zone 480",
        ERTMP_AMF_DATE, "date(1000000000000)",
        "0b 42 6d 1a 94 a2 00 00 00 00 00"},
    /* an empty key with a value other than the end marker: the key "" */
    {"03                           # Object\n"
     "00 00 05                     #   key \"\", Null\n"
     "00 00 09                     #   object end",
        ERTMP_AMF_OBJECT, "{\"\": null}", ""},
};

START_TEST (test_primitives)
{
  const row *t = &rows_4_1[_i];
  ertmp_amf_value *v = check_value (t->hex, t->text, t->reencoded);
  GByteArray *b = test_hex (t->hex);
  GPtrArray *full = g_ptr_array_new ();

  ck_assert_int_eq (v->type, t->type);
  g_ptr_array_add (full, v);
  check_prefixes (b->data, b->len, full);
  g_ptr_array_unref (full);
  g_byte_array_unref (b);
  ertmp_amf_value_unref (v);
}
END_TEST

START_TEST (test_refused_markers)
{
  static const struct
  {
    const gchar *hex;
    ertmp_result res;
  } cases[] = {
      {"04", ERTMP_UNSUPPORTED},                      /* MovieClip */
      {"0e", ERTMP_UNSUPPORTED},                      /* RecordSet */
      {"03 00 01 61 04 00 00 09", ERTMP_UNSUPPORTED}, /* {a: MovieClip} */
      {"09", ERTMP_MALFORMED},                /* object end out of place */
      {"0a 00 00 00 01 09", ERTMP_MALFORMED}, /* [object end] */
      {"12", ERTMP_MALFORMED},                /* unknown markers */
      {"7f", ERTMP_MALFORMED},
      {"ff", ERTMP_MALFORMED},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GByteArray *b = test_hex (cases[i].hex);
    ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
    ertmp_amf_value *v = NULL;
    GPtrArray *values = NULL;
    ertmp_reader r;

    ertmp_reader_init (&r, b->data, b->len);
    ck_assert_int_eq (ertmp_amf0_decode (dec, &r, &v), cases[i].res);
    ck_assert_uint_eq (r.pos, 0);
    ck_assert_ptr_null (v);
    ck_assert_int_eq (ertmp_amf0_decode_message (dec, b->data, b->len, &values),
        cases[i].res);
    ck_assert_ptr_null (values);
    ertmp_amf_decoder_free (dec);
    g_byte_array_unref (b);
  }
}
END_TEST

START_TEST (test_date_time_zone_kept)
{
  ertmp_amf_value *v = check_value ("0b 42 6d 1a 94 a2 00 00 00 ff c4",
      "date(1000000000000)", NULL);

  ck_assert_int_eq (v->timezone, -60);
  ertmp_amf_value_unref (v);
}
END_TEST

/* Every length field: past the end of the input it is NEED_MORE for the
 * stream decoder, MALFORMED for a whole message, and nothing is allocated
 * from it first (a 2^32 count on a few bytes) */
START_TEST (test_length_fields)
{
  static const gchar *cases[] = {
      "02 00 05 6c 69 76 65",    /* String of 5, 4 bytes follow */
      "02 ff ff 00",             /* String of 65535 */
      "0c 00 00 00 04 61 62 63", /* Long string of 4, 3 follow */
      "0c ff ff ff ff 61",       /* Long string of 2^32-1 */
      "0f 00 01 00 00 3c",       /* XML document of 65536 */
      "0a ff ff ff ff 05 05",    /* Strict array of 2^32-1 items, 2 follow */
      "0a 00 00 00 03 05 05",    /* Strict array of 3 items, 2 follow */
      "10 00 05 43 00 00 09",    /* Typed object, class name of 5 */
      "10 ff ff 43",             /* Typed object, class name of 65535 */
      "03 00 09 61 05 00 00 09", /* Object, key of 9 */
      "08 00 00",                /* ECMA array count cut */
      "08 00 00 00 01 00 01 61", /* ECMA array, value missing */
      "0b 00 00 00 00 00 00 00 00 00", /* Date, time zone cut */
      "07 00",                         /* Reference index cut */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GByteArray *b = test_hex (cases[i]);
    ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
    ertmp_amf_value *v = NULL;
    GPtrArray *values = NULL;
    ertmp_reader r;

    ertmp_reader_init (&r, b->data, b->len);
    ck_assert_msg (ertmp_amf0_decode (dec, &r, &v) == ERTMP_NEED_MORE,
        "case %u", i);
    ck_assert_uint_eq (r.pos, 0);
    ck_assert_int_eq (ertmp_amf0_decode_message (dec, b->data, b->len, &values),
        ERTMP_MALFORMED);
    ertmp_amf_decoder_free (dec);
    g_byte_array_unref (b);
  }
}
END_TEST

/* amf.md 1.1: the ECMA count is advisory; we write the exact count */
START_TEST (test_ecma_count_advisory)
{
  static const gchar *counts[] = {"00 00 00 00", "00 00 00 14", "ff ff ff ff"};
  guint i;

  for (i = 0; i < G_N_ELEMENTS (counts); i++) {
    gchar *hex = g_strdup_printf ("08 %s 00 01 61 05 00 00 09", counts[i]);
    ertmp_amf_value *v =
        check_value (hex, "{a: null}", "08 00 00 00 01 00 01 61 05 00 00 09");

    ck_assert_int_eq (v->type, ERTMP_AMF_ECMA_ARRAY);
    ck_assert_uint_eq (v->ecma_count, i == 0 ? 0 : i == 1 ? 20 : G_MAXUINT32);
    ertmp_amf_value_unref (v);
    g_free (hex);
  }
}
END_TEST

/* ---- references (amf.md 1.2) ------------------------------------------ */

START_TEST (test_references)
{
  GPtrArray *v;
  const ertmp_amf_value *outer, *inner;

  /* test-vectors.md 4.1 "Reference to complex value #0", after an object */
  v = decode_message_ok ("03 00 00 09   # #0: Object {}\n"
                         "07 00 00      # Reference #0");
  ck_assert_uint_eq (v->len, 2);
  ck_assert_ptr_eq (g_ptr_array_index (v, 0), g_ptr_array_index (v, 1));
  g_ptr_array_unref (v);

  /* numbered by opening marker: the outer object is #0, the inner #1 */
  v = decode_message_ok (
      "03 00 01 61   # #0: Object, key \"a\"\n"
      "03 00 00 09                      #   #1: Object {}\n"
      "00 00 09                         # object end\n"
      "0a 00 00 00 02                   # #2: Strict array of 2\n"
      "07 00 01                         #   Reference #1\n"
      "07 00 00                         #   Reference #0");
  outer = g_ptr_array_index (v, 0);
  inner = ertmp_amf_get (outer, "a");
  ck_assert_ptr_eq (ertmp_amf_item (g_ptr_array_index (v, 1), 0), inner);
  ck_assert_ptr_eq (ertmp_amf_item (g_ptr_array_index (v, 1), 1), outer);
  g_ptr_array_unref (v);
}
END_TEST

START_TEST (test_references_refused)
{
  static const gchar *cases[] = {
      "07 00 00",                                     /* empty table */
      "03 00 00 09 07 00 01",                         /* past the end */
      "03 00 01 61 07 00 00 00 00 09",                /* {a: itself}: a cycle */
      "0a 00 00 00 01 07 00 00",                      /* [itself] */
      "03 00 01 61 0a 00 00 00 01 07 00 00 00 00 09", /* {a: [outer]} */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GByteArray *b = test_hex (cases[i]);
    GPtrArray *values = NULL;

    ck_assert_int_eq (decode_message (NULL, b->data, b->len, &values, NULL),
        ERTMP_MALFORMED);
    g_byte_array_unref (b);
  }
}
END_TEST

/* The table lives until reset (decode_message resets it per message); a
 * failed call leaves it as it was */
START_TEST (test_reference_table_scope)
{
  GByteArray *b = test_hex ("03 00 00 09 07 00 00 0a 00 00 00 02 05");
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
  ertmp_amf_value *a, *c = NULL;
  GPtrArray *values = NULL;
  ertmp_reader r;

  ertmp_reader_init (&r, b->data, b->len);
  ck_assert_int_eq (ertmp_amf0_decode (dec, &r, &a), ERTMP_OK);
  ck_assert_int_eq (ertmp_amf0_decode (dec, &r, &c), ERTMP_OK);
  ck_assert_ptr_eq (a, c);
  ertmp_amf_value_unref (c);
  /* strict array #1 incomplete: rolled back */
  ck_assert_int_eq (ertmp_amf0_decode (dec, &r, &c), ERTMP_NEED_MORE);
  ertmp_reader_init (&r, (const guint8 *) "\x07\x00\x01", 3);
  ck_assert_int_eq (ertmp_amf0_decode (dec, &r, &c), ERTMP_MALFORMED);
  ertmp_reader_init (&r, (const guint8 *) "\x07\x00\x00", 3);
  ck_assert_int_eq (ertmp_amf0_decode (dec, &r, &c), ERTMP_OK);
  ck_assert_ptr_eq (a, c);
  ertmp_amf_value_unref (c);
  /* reset forgets */
  ertmp_amf_decoder_reset (dec);
  ertmp_reader_init (&r, (const guint8 *) "\x07\x00\x00", 3);
  ck_assert_int_eq (ertmp_amf0_decode (dec, &r, &c), ERTMP_MALFORMED);
  /* and so does each message */
  ck_assert_int_eq (ertmp_amf0_decode_message (dec, b->data, 4, &values),
      ERTMP_OK);
  g_ptr_array_unref (values);
  ck_assert_int_eq (ertmp_amf0_decode_message (dec,
                        (const guint8 *) "\x07\x00\x00", 3, &values),
      ERTMP_MALFORMED);
  ertmp_amf_value_unref (a);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (b);
}
END_TEST

/* Strict arrays #k = [#k-1, #k-1]: each level doubles the tree the
 * references stand for.  The budgets count it expanded. */
static GByteArray *
reference_bomb (guint levels)
{
  GByteArray *b = test_hex ("0a 00 00 00 01 02 00 08 78 78 78 78 78 78 78 78");
  guint k;

  for (k = 1; k <= levels; k++) {
    guint8 item[] = {0x07, (guint8) ((k - 1) >> 8), (guint8) (k - 1)};
    ertmp_put_u8 (b, 0x0a);
    ertmp_put_u32be (b, 2);
    ertmp_put_bytes (b, item, 3);
    ertmp_put_bytes (b, item, 3);
  }
  return b;
}

START_TEST (test_reference_bomb)
{
  GByteArray *b = reference_bomb (3), *big = reference_bomb (40);
  ertmp_limit_id hit;
  ertmp_limits limits;
  GPtrArray *v;
  const ertmp_amf_value *a3;

  /* small: shared, not copied */
  ck_assert_int_eq (decode_message (NULL, b->data, b->len, &v, NULL), ERTMP_OK);
  a3 = g_ptr_array_index (v, 3);
  ck_assert_ptr_eq (ertmp_amf_item (a3, 0), g_ptr_array_index (v, 2));
  ck_assert_ptr_eq (ertmp_amf_item (a3, 1), g_ptr_array_index (v, 2));
  g_ptr_array_unref (v);
  /* 2^40 values */
  ck_assert_int_eq (decode_message (NULL, big->data, big->len, &v, &hit),
      ERTMP_LIMIT);
  ck_assert_int_eq (hit, ERTMP_LIMIT_AMF_MAX_VALUES);
  /* or, with the value limit out of the way, 8 * 2^40 string bytes */
  ertmp_limits_init (&limits);
  limits.amf_max_values = G_MAXUINT32;
  limits.max_message_size = 1 << 20;
  ck_assert_int_eq (decode_message (&limits, big->data, big->len, &v, &hit),
      ERTMP_LIMIT);
  ck_assert_int_eq (hit, ERTMP_LIMIT_MAX_MESSAGE_SIZE);
  g_byte_array_unref (b);
  g_byte_array_unref (big);
}
END_TEST

/* ---- limits ------------------------------------------------------------ */

static const struct
{
  const gchar *lead, *open, *leaf, *close;
} nestings[] = {
    {"", "03 00 01 61", "05", "00 00 09"},             /* Object {a: ...} */
    {"", "08 00 00 00 01 00 01 61", "05", "00 00 09"}, /* ECMA array */
    {"", "10 00 01 43 00 01 61", "05", "00 00 09"},    /* Typed object */
    {"", "0a 00 00 00 01", "05", ""},                  /* Strict array */
    /* AMF3 behind one 0x11 */
    {"11", "09 03 01", "01", ""},         /* array [...] */
    {"11", "0a 0b 01 03 61", "01", "01"}, /* dynamic object {a: ...} */
    {"11", "0a 13 01 03 61", "01", ""},   /* sealed object {a: ...} */
    {"11", "10 03 00 01", "01", ""},      /* Vector<Object> [...] */
    {"11", "11 03 00 01", "01", ""},      /* Dictionary {null: ...} */
};

static ertmp_result
decode_forged (gchar * hex, const ertmp_limits * limits, ertmp_limit_id * hit)
{
  GByteArray *b = test_hex (hex);
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (limits);
  ertmp_amf_value *v = NULL;
  GPtrArray *values = NULL;
  ertmp_result res, res_msg;
  ertmp_reader r;

  ertmp_reader_init (&r, b->data, b->len);
  res = ertmp_amf0_decode (dec, &r, &v);
  *hit = ertmp_amf_decoder_limit_hit (dec);
  ck_assert_uint_eq (r.pos, res == ERTMP_OK ? b->len : 0);
  res_msg = ertmp_amf0_decode_message (dec, b->data, b->len, &values);
  ck_assert_int_eq (res_msg, res);
  ck_assert_int_eq (ertmp_amf_decoder_limit_hit (dec), *hit);
  if (values)
    g_ptr_array_unref (values);
  ertmp_amf_value_unref (v);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (b);
  g_free (hex);
  return res;
}

static ertmp_result
decode_nested (guint i, guint n, const ertmp_limits * limits,
    ertmp_limit_id * hit)
{
  return decode_forged (amf_test_nested_hex (nestings[i].lead, nestings[i].open,
                            n, nestings[i].leaf, nestings[i].close),
      limits, hit);
}

START_TEST (test_depth_limit)
{
  ertmp_limit_id hit;
  ertmp_limits limits;

  /* a forged 2,000-deep tree: a clean LIMIT, no stack overflow */
  ck_assert_int_eq (decode_nested (_i, 2000, NULL, &hit), ERTMP_LIMIT);
  ck_assert_int_eq (hit, ERTMP_LIMIT_AMF_MAX_DEPTH);
  /* the default allows 32 levels */
  ck_assert_int_eq (decode_nested (_i, 32, NULL, &hit), ERTMP_OK);
  ck_assert_int_eq (hit, ERTMP_LIMIT_NONE);
  ck_assert_int_eq (decode_nested (_i, 33, NULL, &hit), ERTMP_LIMIT);
  /* lowered at run time */
  ertmp_limits_init (&limits);
  limits.amf_max_depth = 2;
  ck_assert_int_eq (decode_nested (_i, 2, &limits, &hit), ERTMP_OK);
  ck_assert_int_eq (decode_nested (_i, 3, &limits, &hit), ERTMP_LIMIT);
  ck_assert_int_eq (hit, ERTMP_LIMIT_AMF_MAX_DEPTH);
  /* raised: still bounded by the recursion guard */
  limits.amf_max_depth = G_MAXUINT32;
  ck_assert_int_eq (decode_nested (_i, 100, &limits, &hit), ERTMP_OK);
  ck_assert_int_eq (decode_nested (_i, 2000, &limits, &hit), ERTMP_LIMIT);
  ck_assert_int_eq (hit, ERTMP_LIMIT_AMF_MAX_DEPTH);
}
END_TEST

/* A reference nests as deep as what it repeats: 16 levels, then 16 more
 * around a reference to them, is 32; one more is too deep */
START_TEST (test_depth_through_references)
{
  ertmp_limit_id hit;
  GPtrArray *values = NULL;
  guint extra;

  for (extra = 0; extra <= 1; extra++) {
    /* #0 .. #15, then 16 + extra levels around a reference to #0 */
    gchar *first = amf_test_nested_hex ("", "0a 00 00 00 01", 16, "05", "");
    gchar *hex = amf_test_nested_hex (first, "0a 00 00 00 01", 16 + extra,
        "07 00 00", "");
    GByteArray *b = test_hex (hex);

    ck_assert_int_eq (decode_message (NULL, b->data, b->len, &values, &hit),
        extra ? ERTMP_LIMIT : ERTMP_OK);
    if (extra)
      ck_assert_int_eq (hit, ERTMP_LIMIT_AMF_MAX_DEPTH);
    else
      g_ptr_array_unref (values);
    g_byte_array_unref (b);
    g_free (first);
    g_free (hex);
  }
}
END_TEST

/* AMF0 levels and AMF3 levels add up */
START_TEST (test_depth_across_switch)
{
  ertmp_limit_id hit;
  guint extra;

  for (extra = 0; extra <= 1; extra++) {
    gchar *inner =
        amf_test_nested_hex ("11", "09 03 01", 16 + extra, "01", "");

    ck_assert_int_eq (decode_forged (amf_test_nested_hex ("", "03 00 01 61", 16,
                                         inner, "00 00 09"),
                          NULL, &hit),
        extra ? ERTMP_LIMIT : ERTMP_OK);
    g_free (inner);
  }
}
END_TEST

START_TEST (test_values_limit)
{
  GByteArray *b5 = test_hex (vec_3_5), *b1 = test_hex (vec_3_1);
  ertmp_limit_id hit;
  ertmp_limits limits;
  GPtrArray *v = NULL;

  ertmp_limits_init (&limits);
  /* test-vectors.md 3.5: 3 values */
  limits.amf_max_values = 3;
  ck_assert_int_eq (decode_message (&limits, b5->data, b5->len, &v, &hit),
      ERTMP_OK);
  g_ptr_array_unref (v);
  ck_assert_int_eq (hit, ERTMP_LIMIT_NONE);
  limits.amf_max_values = 2;
  ck_assert_int_eq (decode_message (&limits, b5->data, b5->len, &v, &hit),
      ERTMP_LIMIT);
  ck_assert_int_eq (hit, ERTMP_LIMIT_AMF_MAX_VALUES);
  /* test-vectors.md 3.1: 3 values, 4 in the object */
  limits.amf_max_values = 7;
  ck_assert_int_eq (decode_message (&limits, b1->data, b1->len, &v, &hit),
      ERTMP_OK);
  g_ptr_array_unref (v);
  limits.amf_max_values = 6;
  ck_assert_int_eq (decode_message (&limits, b1->data, b1->len, &v, &hit),
      ERTMP_LIMIT);
  ck_assert_int_eq (hit, ERTMP_LIMIT_AMF_MAX_VALUES);
  g_byte_array_unref (b5);
  g_byte_array_unref (b1);
}
END_TEST

/* ---- AVM+ switch (amf.md 2.5, 2.6) ------------------------------------ */

START_TEST (test_avmplus)
{
  GPtrArray *v;
  const ertmp_amf_value *x;
  GByteArray *out;

  /* exactly one AMF3 value, then AMF0 again */
  v = decode_message_ok ("11 04 01   # AVM+, AMF3 integer 1\n"
                         "05                            # AMF0 Null");
  x = g_ptr_array_index (v, 0);
  ck_assert_int_eq (x->type, ERTMP_AMF_INTEGER);
  ck_assert_int_eq (x->integer, 1);
  ck_assert (x->flags & ERTMP_AMF_FLAG_AMF3);
  ck_assert_int_eq (((ertmp_amf_value *) g_ptr_array_index (v, 1))->type,
      ERTMP_AMF_NULL);
  g_ptr_array_unref (v);
  /* one set of AMF3 tables per message, shared by its 0x11 values */
  v = decode_message_ok (
      "11 06 07 61 62 63   # AVM+, AMF3 \"abc\"\n"
      "11 06 00                               # AVM+, string ref #0");
  ck_assert_str_eq (ertmp_amf_get_string (g_ptr_array_index (v, 1)), "abc");
  g_ptr_array_unref (v);
  /* inside an AMF0 object, and written back the same way */
  v = decode_message_ok (
      "03 00 01 61   # Object, key \"a\"\n"
      "11 04 05                         #   AVM+, AMF3 integer 5\n"
      "00 00 09                         # object end");
  out = encode_all (v);
  ck_assert_bytes_eq (out->data, out->len,
      "\x03\x00\x01\x61\x11\x04\x05\x00\x00\x09", 10);
  g_byte_array_unref (out);
  g_ptr_array_unref (v);
}
END_TEST

START_TEST (test_avmplus_refused)
{
  static const struct
  {
    const gchar *hex;
    ertmp_result res;
  } cases[] = {
      {"11 0a 07 03 43 00", ERTMP_UNSUPPORTED},  /* externalizable "C" */
      {"11 12", ERTMP_MALFORMED},                /* unknown AMF3 marker */
      {"11", ERTMP_MALFORMED},                   /* cut */
      {"11 06 00", ERTMP_MALFORMED},             /* string table empty */
      {"03 00 00 09 11 0a 00", ERTMP_MALFORMED}, /* AMF0 #0 is not AMF3's */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GByteArray *b = test_hex (cases[i].hex);
    GPtrArray *values = NULL;

    ck_assert_int_eq (decode_message (NULL, b->data, b->len, &values, NULL),
        cases[i].res);
    g_byte_array_unref (b);
  }
}
END_TEST

/* ---- encoding ---------------------------------------------------------- */

static GPtrArray *
every_type (void)
{
  GPtrArray *a =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ertmp_amf_value_unref);
  ertmp_amf_value *v, *w;
  gint32 ints[] = {-1, 2};
  gchar *big = g_strnfill (70000, 'x');

  g_ptr_array_add (a, ertmp_amf_new_number (3.5));
  g_ptr_array_add (a, ertmp_amf_new_number (-0.0));
  g_ptr_array_add (a, ertmp_amf_new_number (NAN));
  g_ptr_array_add (a, ertmp_amf_new_boolean (TRUE));
  g_ptr_array_add (a, ertmp_amf_new_string ("", 0));
  g_ptr_array_add (a, ertmp_amf_new_string ("a\0b", 3));
  g_ptr_array_add (a, ertmp_amf_new_string (big, -1));
  g_ptr_array_add (a, ertmp_amf_new (ERTMP_AMF_NULL));
  g_ptr_array_add (a, ertmp_amf_new (ERTMP_AMF_UNDEFINED));
  g_ptr_array_add (a, ertmp_amf_new (ERTMP_AMF_UNSUPPORTED));
  g_ptr_array_add (a, ertmp_amf_new_date (12345.0));
  v = ertmp_amf_new_string ("<a/>", -1);
  v->type = ERTMP_AMF_XML_DOCUMENT;
  g_ptr_array_add (a, v);
  v = ertmp_amf_new (ERTMP_AMF_OBJECT);
  w = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_amf_add_string (w, "c", "d");
  ertmp_amf_add_number (v, "a", 1);
  ertmp_amf_add (v, "b", w);
  g_ptr_array_add (a, v);
  v = ertmp_amf_new (ERTMP_AMF_OBJECT);
  v->class_name = g_strdup ("Cls");
  ertmp_amf_add_boolean (v, "x", TRUE);
  g_ptr_array_add (a, v);
  v = ertmp_amf_new (ERTMP_AMF_ECMA_ARRAY);
  ertmp_amf_add (v, "k", ertmp_amf_new (ERTMP_AMF_NULL));
  g_ptr_array_add (a, v);
  v = ertmp_amf_new (ERTMP_AMF_ARRAY);
  ertmp_amf_append (v, ertmp_amf_new_number (1));
  ertmp_amf_append (v, ertmp_amf_new_string ("two", -1));
  ertmp_amf_append (v, ertmp_amf_new (ERTMP_AMF_ARRAY));
  g_ptr_array_add (a, v);
  /* AMF3 only: written behind 0x11 */
  g_ptr_array_add (a, amf_test_mark3 (ertmp_amf_new_integer (-5)));
  g_ptr_array_add (a,
      amf_test_mark3 (
          ertmp_amf_new_byte_array ((const guint8 *) "\x01\x02\x03", 3)));
  v = ertmp_amf_new (ERTMP_AMF_VECTOR_INT);
  v->vector = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_array_append_vals (v->vector, ints, 2);
  g_ptr_array_add (a, amf_test_mark3 (v));
  v = ertmp_amf_new (ERTMP_AMF_DICTIONARY);
  ertmp_amf_append (v, ertmp_amf_new_string ("k", -1));
  ertmp_amf_append (v, ertmp_amf_new_number (1));
  g_ptr_array_add (a, amf_test_mark3 (v));
  v = ertmp_amf_new (ERTMP_AMF_ARRAY);
  ertmp_amf_add_number (v, "assoc", 1);
  ertmp_amf_append (v, ertmp_amf_new (ERTMP_AMF_NULL));
  g_ptr_array_add (a, amf_test_mark3 (v));
  g_free (big);
  return a;
}

START_TEST (test_roundtrip)
{
  GPtrArray *values = every_type (), *back = NULL;
  GByteArray *out = encode_all (values);
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
  guint i;

  ck_assert_int_eq (ertmp_amf0_decode_message (dec, out->data, out->len, &back),
      ERTMP_OK);
  amf_test_check_equal (values, back);
  g_ptr_array_unref (back);
  /* every value alone: the 70000-byte string becomes a Long string, the
   * AMF3-only types go behind 0x11 */
  for (i = 0; i < values->len; i++) {
    const ertmp_amf_value *v = g_ptr_array_index (values, i);
    g_byte_array_set_size (out, 0);
    ck_assert_int_eq (ertmp_amf0_encode (out, v), ERTMP_OK);
    if (v->type == ERTMP_AMF_STRING && v->data_len == 70000)
      ck_assert_uint_eq (out->data[0], 0x0c);
    ck_assert_uint_eq (out->data[0] == 0x11,
        !!(v->flags & ERTMP_AMF_FLAG_AMF3));
  }
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (out);
  g_ptr_array_unref (values);
}
END_TEST

START_TEST (test_encode_refused)
{
  GByteArray *out = g_byte_array_new ();
  gchar *big = g_strnfill (65536, 'k');
  ertmp_amf_value *v = ertmp_amf_new (ERTMP_AMF_OBJECT);

  ertmp_put_bytes (out, "ab", 2);
  /* a key longer than its u16 length */
  ertmp_amf_add_number (v, big, 1);
  ck_assert_int_eq (ertmp_amf0_encode (out, v), ERTMP_UNSUPPORTED);
  ck_assert_uint_eq (out->len, 2);
  ertmp_amf_value_unref (v);
  /* a class name likewise */
  v = ertmp_amf_new (ERTMP_AMF_OBJECT);
  v->class_name = g_strdup (big);
  ck_assert_int_eq (ertmp_amf0_encode (out, v), ERTMP_UNSUPPORTED);
  ck_assert_uint_eq (out->len, 2);
  ertmp_amf_value_unref (v);
  /* an AMF3 dynamic member without a name */
  v = amf_test_mark3 (ertmp_amf_new (ERTMP_AMF_OBJECT));
  ertmp_amf_add_number (v, "", 1);
  ck_assert_int_eq (ertmp_amf0_encode (out, v), ERTMP_UNSUPPORTED);
  ck_assert_uint_eq (out->len, 2);
  ertmp_amf_value_unref (v);
  g_free (big);
  g_byte_array_unref (out);
}
END_TEST

START_TEST (test_put_helpers)
{
  GByteArray *out = g_byte_array_new (), *exp;
  gchar *big = g_strnfill (65536, 's');

  ertmp_amf0_put_string (out, "live");
  ertmp_amf0_put_number (out, 1.0);
  ertmp_amf0_put_null (out);
  exp = test_hex ("02 00 04 6c 69 76 65         # String \"live\"\n"
                  "00 3f f0 00 00 00 00 00 00                # Number 1.0\n"
                  "05                                        # Null");
  ck_assert_bytes_eq (out->data, out->len, exp->data, exp->len);
  g_byte_array_set_size (out, 0);
  ertmp_amf0_put_string (out, big);
  ck_assert_uint_eq (out->len, 5 + 65536);
  ck_assert_bytes_eq (out->data, 5, "\x0c\x00\x01\x00\x00", 5);
  g_free (big);
  g_byte_array_unref (exp);
  g_byte_array_unref (out);
}
END_TEST

static Suite *
amf0_suite (void)
{
  Suite *s = suite_create ("amf0");
  TCase *tc = tcase_create ("vectors");

  tcase_add_loop_test (tc, test_commands, 0, G_N_ELEMENTS (cmd_vectors));
  tcase_add_loop_test (tc, test_commands_truncated, 0,
      G_N_ELEMENTS (cmd_vectors));
  tcase_add_test (tc, test_missing_end_tolerated);
  tcase_add_test (tc, test_nested_missing_end_malformed);
  tcase_add_loop_test (tc, test_primitives, 0, G_N_ELEMENTS (rows_4_1));
  suite_add_tcase (s, tc);

  tc = tcase_create ("robustness");
  tcase_add_test (tc, test_refused_markers);
  tcase_add_test (tc, test_date_time_zone_kept);
  tcase_add_test (tc, test_length_fields);
  tcase_add_test (tc, test_ecma_count_advisory);
  tcase_add_test (tc, test_references);
  tcase_add_test (tc, test_references_refused);
  tcase_add_test (tc, test_reference_table_scope);
  tcase_add_test (tc, test_reference_bomb);
  tcase_add_loop_test (tc, test_depth_limit, 0, G_N_ELEMENTS (nestings));
  tcase_add_test (tc, test_depth_across_switch);
  tcase_add_test (tc, test_depth_through_references);
  tcase_add_test (tc, test_values_limit);
  tcase_add_test (tc, test_avmplus);
  tcase_add_test (tc, test_avmplus_refused);
  suite_add_tcase (s, tc);

  tc = tcase_create ("encoding");
  tcase_add_test (tc, test_roundtrip);
  tcase_add_test (tc, test_encode_refused);
  tcase_add_test (tc, test_put_helpers);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (amf0_suite ());
}
