/* gst-ertmp: tests of the AMF3 decoder and encoder (amf.md 2)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ertmp_amf0.h"
#include "ertmp_amf3.h"
#include "amf_test_util.h"

/* ---- helpers --------------------------------------------------------- */

/* Externalizable class "Foo": a u8 length, then that many bytes.  "Bar" is
 * refused, other classes are broken. */
static ertmp_result
foo_resolver (const gchar * class_name, const guint8 * data, gsize avail,
    gsize * len, gpointer user_data)
{
  (*(guint *) user_data)++;
  if (strcmp (class_name, "Bar") == 0)
    return ERTMP_UNSUPPORTED;
  if (strcmp (class_name, "Foo") != 0)
    return ERTMP_MALFORMED;
  if (avail < 1)
    return ERTMP_NEED_MORE;
  /* may claim more than @avail: the decoder waits for it */
  *len = 1 + (gsize) data[0];
  return ERTMP_OK;
}

static guint resolver_calls;

static ertmp_amf_decoder *
new_decoder (const ertmp_limits * limits, gboolean ext)
{
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (limits);

  if (ext)
    ertmp_amf_decoder_set_ext_resolver (dec, foo_resolver, &resolver_calls);
  return dec;
}

/* All values of @b, each must decode */
static GPtrArray *
decode_all (ertmp_amf_decoder * dec, GByteArray * b)
{
  GPtrArray *values =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ertmp_amf_value_unref);
  ertmp_reader r;

  ertmp_reader_init (&r, b->data, b->len);
  while (ertmp_reader_remaining (&r) > 0) {
    ertmp_amf_value *v = NULL;

    ck_assert_int_eq (ertmp_amf3_decode (dec, &r, &v), ERTMP_OK);
    g_ptr_array_add (values, v);
  }
  return values;
}

static void
check_prefixes (GByteArray * b, GPtrArray * full, gboolean ext)
{
  amf_test_check_prefixes (ertmp_amf3_decode, ext ? foo_resolver : NULL,
      &resolver_calls, b->data, b->len, full);
}

/* Decodes the values of @hex; checks their printed form ("a, b"), the
 * encoder's bytes (@reencoded, "" = @hex itself) and every prefix */
static void
check_values (const gchar * hex, const gchar * text, const gchar * reencoded,
    gboolean ext)
{
  GByteArray *b = test_hex (hex), *out = g_byte_array_new (), *exp;
  ertmp_amf_decoder *dec = new_decoder (NULL, ext);
  GPtrArray *values = decode_all (dec, b);
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < values->len; i++) {
    gchar *t = ertmp_amf_to_string (g_ptr_array_index (values, i));
    g_string_append_printf (s, "%s%s", i ? ", " : "", t);
    g_free (t);
    ck_assert (((ertmp_amf_value *) g_ptr_array_index (values, i))->flags &
        ERTMP_AMF_FLAG_AMF3);
    ck_assert_int_eq (ertmp_amf3_encode (out, g_ptr_array_index (values, i)),
        ERTMP_OK);
  }
  ck_assert_str_eq (s->str, text);
  exp = test_hex (*reencoded ? reencoded : hex);
  ck_assert_bytes_eq (out->data, out->len, exp->data, exp->len);
  check_prefixes (b, values, ext);
  g_string_free (s, TRUE);
  g_ptr_array_unref (values);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (exp);
  g_byte_array_unref (out);
  g_byte_array_unref (b);
}

static ertmp_result
decode_one (const ertmp_limits * limits, const gchar * hex, gboolean ext,
    ertmp_limit_id * hit)
{
  GByteArray *b = test_hex (hex);
  ertmp_amf_decoder *dec = new_decoder (limits, ext);
  ertmp_amf_value *v = NULL;
  ertmp_result res;
  ertmp_reader r;

  ertmp_reader_init (&r, b->data, b->len);
  res = ertmp_amf3_decode (dec, &r, &v);
  ck_assert_uint_eq (r.pos, res == ERTMP_OK ? b->len : 0);
  ck_assert (res == ERTMP_OK || v == NULL);
  if (hit)
    *hit = ertmp_amf_decoder_limit_hit (dec);
  ertmp_amf_value_unref (v);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (b);
  return res;
}

/* The same bytes behind 0x11 in a whole AMF0 message */
static ertmp_result
decode_in_message (const gchar * hex, gboolean ext)
{
  GByteArray *b = test_hex (hex);
  ertmp_amf_decoder *dec = new_decoder (NULL, ext);
  GPtrArray *values = NULL;
  ertmp_result res;

  g_byte_array_prepend (b, (const guint8 *) "\x11", 1);
  res = ertmp_amf0_decode_message (dec, b->data, b->len, &values);
  if (values)
    g_ptr_array_unref (values);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (b);
  return res;
}

/* ---- test-vectors.md 4.2 ---------------------------------------------- */

static const struct
{
  const gchar *hex;
  guint32 value;
} u29_rows[] = {
    {"00", 0x0},
    {"7f", 0x7f},
    {"81 00", 0x80},
    {"ff 7f", 0x3fff},
    {"81 80 00", 0x4000},
    {"ff ff 7f", 0x1fffff},
    {"80 c0 80 00", 0x200000},
    {"bf ff ff ff", 0xfffffff},
    {"c0 80 80 00", 0x10000000},
    {"ff ff ff ff", 0x1fffffff},
};

START_TEST (test_u29)
{
  GByteArray *b = test_hex (u29_rows[_i].hex), *out = g_byte_array_new ();
  ertmp_reader r;
  guint32 v = 0;
  gsize n;

  ertmp_reader_init (&r, b->data, b->len);
  ck_assert_int_eq (ertmp_amf3_read_u29 (&r, &v), ERTMP_OK);
  ck_assert_uint_eq (v, u29_rows[_i].value);
  ck_assert_uint_eq (r.pos, b->len);
  ertmp_amf3_put_u29 (out, u29_rows[_i].value);
  ck_assert_bytes_eq (out->data, out->len, b->data, b->len);
  for (n = 0; n < b->len; n++) {
    ertmp_reader_init (&r, b->data, n);
    ck_assert_int_eq (ertmp_amf3_read_u29 (&r, &v), ERTMP_NEED_MORE);
    ck_assert_uint_eq (r.pos, 0);
  }
  g_byte_array_unref (out);
  g_byte_array_unref (b);
}
END_TEST

typedef struct
{
  const gchar *hex, *text, *reencoded;
} row;

static const row rows_4_2[] = {
    {"04 01           # integer 1", "1", ""},
    {"04 ff ff ff ff  # integer -1 (0x1FFFFFFF)", "-1", ""},
    {"04 c0 80 80 00  # integer -2^28", "-268435456", ""},
    {"06 07 61 62 63  # string \"abc\" (3 << 1 | 1)", "\"abc\"", ""},
    {"06 07 61 62 63  # string \"abc\"\n"
     "06 00           # string reference #0",
        "\"abc\", \"abc\"", "06 07 61 62 63 06 07 61 62 63"},
    {"06 01           # empty string", "\"\"", ""},
    {"0a              # object\n"
     "0b              #   inline traits, dynamic, 0 sealed\n"
     "01              #   class \"\" (anonymous)\n"
     "03 61 04 01     #   a: integer 1\n"
     "01              #   end of dynamic members",
        "{a: 1}", ""},
    {"03 02 01 00     # true, false, null, undefined",
        "true, false, null, undefined", ""},
    {"05 3f f0 00 00 00 00 00 00  # double 1.0", "1", ""},
};

START_TEST (test_primitives)
{
  check_values (rows_4_2[_i].hex, rows_4_2[_i].text, rows_4_2[_i].reencoded,
      FALSE);
}
END_TEST

/* ---- every marker (amf.md 2.2) ---------------------------------------- */

static const row rows_markers[] = {
    {"07 09 3c 61 2f 3e   # XMLDocument, 4 bytes", "xmldoc \"<a/>\"", ""},
    {"08 01               # date\n"
     "42 6d 1a 94 a2 00 00 00  #   1e12 ms",
        "date(1000000000000)", ""},
    {"09 05               # array, 2 dense\n"
     "03 6b 04 07         #   k: integer 7\n"
     "01                  #   end of associative part\n"
     "04 01 06 03 78      #   integer 1, string \"x\"",
        "[1, \"x\", k: 7]", ""},
    {"0a 23               # object, inline traits, sealed, 2 members\n"
     "03 43               #   class \"C\"\n"
     "03 78 03 79         #   member names \"x\", \"y\"\n"
     "04 01 04 02         #   values 1, 2",
        "C {x: 1, y: 2}", ""},
    {"0a 1b               # object, inline traits, dynamic, 1 sealed\n"
     "01 03 78            #   anonymous, member name \"x\"\n"
     "04 01               #   x: integer 1\n"
     "03 7a 04 03 01      #   z: integer 3, end",
        "{x: 1, z: 3}", ""},
    {"0b 09 3c 62 2f 3e   # XML, 4 bytes", "xml \"<b/>\"", ""},
    {"0c 07 01 02 03      # ByteArray, 3 bytes", "<bytearray 3 bytes 010203>",
        ""},
    {"0d 05 00           # Vector<int>, 2, not fixed\n"
     "ff ff ff ff 00 00 00 02",
        "vector<int> [-1, 2]", ""},
    {"0e 03 01           # Vector<uint>, 1, fixed\n"
     "ff ff ff ff",
        "vector<uint> [4294967295]", ""},
    {"0f 03 00           # Vector<Number>, 1\n"
     "3f e0 00 00 00 00 00 00",
        "vector<double> [0.5]", ""},
    {"10 05 00           # Vector<Object>, 2, not fixed\n"
     "07 46 6f 6f         #   type \"Foo\"\n"
     "04 01 01            #   integer 1, null",
        "vector<Foo> [1, null]", ""},
    {"10 03 01           # Vector<Object>, 1, fixed\n"
     "03 2a 04 01         #   type \"*\" (any), integer 1",
        "vector<*> [1]", ""},
    {"11 05 01           # Dictionary, 2 entries, weak keys\n"
     "06 03 6b 04 01      #   \"k\": 1\n"
     "04 02 01            #   2: null",
        "dictionary {\"k\": 1, 2: null}", ""},
    {"04 80 80 80 01      # integer 1 in a 4-byte U29", "1", "04 01"},
    {"0d 01 00 0e 01 00 0f 01 00 10 01 00 01 11 01 00 09 01 01  # empty",
        "vector<int> [], vector<uint> [], vector<double> [], vector<*> [], "
        "dictionary {}, []",
        "0d 01 00 0e 01 00 0f 01 00 10 01 00 03 2a "
        "11 01 00 09 01 01"},
};

START_TEST (test_markers)
{
  check_values (rows_markers[_i].hex, rows_markers[_i].text,
      rows_markers[_i].reencoded, FALSE);
}
END_TEST

START_TEST (test_unknown_marker)
{
  ck_assert_int_eq (decode_one (NULL, "12", FALSE, NULL), ERTMP_MALFORMED);
  ck_assert_int_eq (decode_one (NULL, "ff", FALSE, NULL), ERTMP_MALFORMED);
  ck_assert_int_eq (decode_one (NULL, "09 03 01 12", FALSE, NULL),
      ERTMP_MALFORMED);
}
END_TEST

/* ---- reference tables (amf.md 2.3) ------------------------------------ */

START_TEST (test_string_table)
{
  /* class names, member names, keys and values all enter it */
  check_values ("0a 13         # object, inline traits, sealed, 1 member\n"
                "03 43                   #   class \"C\": string #0\n"
                "03 61                   #   member name \"a\": string #1\n"
                "06 00                   #   a: string reference #0\n"
                "09 01 03 62 06 02 01    # array, b: string reference #1, end\n"
                "06 04                   # string reference #2",
      "C {a: \"C\"}, [b: \"a\"], \"b\"",
      "0a 13 03 43 03 61 06 03 43 09 01 03 62 06 03 61 01 06 03 62", FALSE);
  /* the empty string is never entered */
  ck_assert_int_eq (decode_one (NULL, "09 05 01 06 01 06 00", FALSE, NULL),
      ERTMP_MALFORMED);
}
END_TEST

START_TEST (test_object_table)
{
  GByteArray *b =
      test_hex ("09 09 01     # #0: array, 4 dense\n"
                "09 01 01                           #   #1: empty array\n"
                "08 01 00 00 00 00 00 00 00 00      #   #2: date 0\n"
                "09 02                              #   reference #1\n"
                "08 04                              #   reference #2");
  ertmp_amf_decoder *dec = new_decoder (NULL, FALSE);
  GPtrArray *values = decode_all (dec, b);
  const ertmp_amf_value *a = g_ptr_array_index (values, 0);

  ck_assert_ptr_eq (ertmp_amf_item (a, 2), ertmp_amf_item (a, 0));
  ck_assert_ptr_eq (ertmp_amf_item (a, 3), ertmp_amf_item (a, 1));
  ck_assert_int_eq (ertmp_amf_item (a, 3)->type, ERTMP_AMF_DATE);
  check_prefixes (b, values, FALSE);
  g_ptr_array_unref (values);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (b);
}
END_TEST

START_TEST (test_traits_table)
{
  check_values ("09 05 01   # array, 2 dense\n"
                "0a 13 03 43 03 78 04 01  #   C {x: 1}, inline traits #0\n"
                "0a 01 04 02              #   traits reference #0, x: 2",
      "[C {x: 1}, C {x: 2}]",
      "09 05 01 0a 13 03 43 03 78 04 01 0a 13 03 43 03 78 04 02", FALSE);
}
END_TEST

START_TEST (test_references_refused)
{
  static const gchar *cases[] = {
      "06 02", /* string #1 of an empty table */
      "09 02", /* object #1 of an empty table */
      "0a 01", /* traits #0 of an empty table */
      "09 05 01 0a 13 01 03 78 04 01 0a 05 04 02", /* traits #1 of 1 */
      "09 03 01 09 00",                            /* [itself]: a cycle */
      "0a 0b 01 03 61 0a 00 01",                   /* {a: itself} */
      "11 03 00 01 11 00",                         /* {null: itself} */
      "10 03 00 01 10 00",                         /* Vector<*> [itself] */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    ck_assert_int_eq (decode_one (NULL, cases[i], FALSE, NULL),
        ERTMP_MALFORMED);
    ck_assert_int_eq (decode_in_message (cases[i], FALSE), ERTMP_MALFORMED);
  }
}
END_TEST

START_TEST (test_reset)
{
  ertmp_amf_decoder *dec = new_decoder (NULL, FALSE);
  GByteArray *b = test_hex ("06 07 61 62 63 09 01 01 0a 0b 01 01");
  GPtrArray *values = decode_all (dec, b);
  ertmp_amf_value *v;
  ertmp_reader r;

  ertmp_amf_decoder_reset (dec);
  ertmp_reader_init (&r, (const guint8 *) "\x06\x00\x09\x00\x0a\x01", 6);
  ck_assert_int_eq (ertmp_amf3_decode (dec, &r, &v), ERTMP_MALFORMED);
  r.pos = 2;
  ck_assert_int_eq (ertmp_amf3_decode (dec, &r, &v), ERTMP_MALFORMED);
  r.pos = 4;
  ck_assert_int_eq (ertmp_amf3_decode (dec, &r, &v), ERTMP_MALFORMED);
  g_ptr_array_unref (values);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (b);
}
END_TEST

/* ---- externalizable objects (amf.md 2.4) ------------------------------ */

static const gchar foo_hex[] =
    "0a 07               # object, externalizable inline traits\n"
    "07 46 6f 6f         #   class \"Foo\"\n"
    "02 aa bb            #   body: what Foo's resolver says";

START_TEST (test_externalizable_refused)
{
  /* no resolver: refused cleanly */
  ck_assert_int_eq (decode_one (NULL, foo_hex, FALSE, NULL), ERTMP_UNSUPPORTED);
  ck_assert_int_eq (decode_in_message (foo_hex, FALSE), ERTMP_UNSUPPORTED);
  /* the resolver refuses or fails */
  ck_assert_int_eq (decode_one (NULL, "0a 07 07 42 61 72 00", TRUE, NULL),
      ERTMP_UNSUPPORTED);
  ck_assert_int_eq (decode_one (NULL, "0a 07 07 42 61 7a 00", TRUE, NULL),
      ERTMP_MALFORMED);
  ck_assert_int_eq (decode_in_message ("0a 07 07 42 61 7a 00", TRUE),
      ERTMP_MALFORMED);
}
END_TEST

START_TEST (test_externalizable)
{
  GByteArray *b = test_hex (foo_hex);
  ertmp_amf_decoder *dec = new_decoder (NULL, TRUE);
  const ertmp_amf_value *v;
  ertmp_amf_value *x = NULL;
  GPtrArray *values;
  ertmp_reader r;

  resolver_calls = 0;
  values = decode_all (dec, b);
  ck_assert_uint_eq (resolver_calls, 1);
  v = g_ptr_array_index (values, 0);
  ck_assert_int_eq (v->type, ERTMP_AMF_OBJECT);
  ck_assert_uint_eq (v->flags,
      ERTMP_AMF_FLAG_AMF3 | ERTMP_AMF_FLAG_EXTERNALIZABLE);
  ck_assert_str_eq (v->class_name, "Foo");
  ck_assert_bytes_eq (v->data, v->data_len, "\x02\xaa\xbb", 3);
  g_ptr_array_unref (values);
  /* kept raw, written back verbatim; a prefix waits for the body */
  check_values (foo_hex, "Foo <externalizable 3 bytes 02aabb>", "", TRUE);
  /* traits reference to externalizable traits */
  check_values ("09 05 01 0a 07 07 46 6f 6f 00 0a 01 01 cc",
      "[Foo <externalizable 1 bytes 00>, Foo <externalizable 2 bytes 01cc>]",
      "09 05 01 0a 07 07 46 6f 6f 00 0a 07 07 46 6f 6f 01 cc", TRUE);
  ck_assert_int_eq (decode_in_message (foo_hex, TRUE), ERTMP_OK);
  /* unregistered again */
  ertmp_amf_decoder_set_ext_resolver (dec, NULL, NULL);
  ertmp_amf_decoder_reset (dec);
  ertmp_reader_init (&r, b->data, b->len);
  ck_assert_int_eq (ertmp_amf3_decode (dec, &r, &x), ERTMP_UNSUPPORTED);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (b);
}
END_TEST

/* ---- length fields ------------------------------------------------------ */

/* Past the end of the input: NEED_MORE from the stream decoder (nothing
 * allocated from the claim first), MALFORMED in a whole message */
START_TEST (test_length_fields)
{
  static const gchar *cases[] = {
      "04 80 80",                         /* U29 cut */
      "06 09 61",                         /* string of 4, 1 byte follows */
      "06 ff ff ff ff",                   /* string of 2^28-1 */
      "07 ff ff ff ff 61",                /* XMLDocument of 2^28-1 */
      "0b 05 61",                         /* XML of 2 */
      "0c 81 01 01",                      /* ByteArray of 64 */
      "08 01 3f f0",                      /* date cut */
      "0d ff ff ff ff 00 00 00",          /* Vector<int> of 2^28-1 */
      "0e 05 00 00 00 00 01",             /* Vector<uint> of 2, 1 follows */
      "0f 05 00 3f f0 00 00 00 00 00 00", /* Vector<Number> of 2, 1 follows */
      "0d 03",                            /* vector fixed flag cut */
      "10 ff ff ff ff 00 01 05",          /* Vector<Object> of 2^28-1 */
      "10 03 00 07 61",                   /* Vector<Object> type name cut */
      "11 ff ff ff ff 00 01 01",          /* Dictionary of 2^28-1 entries */
      "11 03 00 01",                      /* Dictionary entry without value */
      "09 ff ff ff ff 01 01",             /* array of 2^28-1 dense */
      "09 01 03 61",                      /* associative value missing */
      "09 01 03 61 01",                   /* associative end missing */
      "0a ff ff ff f3 01 03 61",          /* 2^24 sealed member names */
      "0a 13 03 43 03 78",                /* sealed value missing */
      "0a 0b 01",                         /* dynamic end missing */
      "0a 07 07 46 6f",                   /* class name cut */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    ck_assert_msg (decode_one (NULL, cases[i], TRUE, NULL) == ERTMP_NEED_MORE,
        "case %u", i);
    ck_assert_int_eq (decode_in_message (cases[i], TRUE), ERTMP_MALFORMED);
  }
}
END_TEST

/* ---- limits ------------------------------------------------------------ */

static const struct
{
  const gchar *open, *close;
} nestings[] = {
    {"09 03 01", ""},         /* array [...] */
    {"09 01 03 61", "01"},    /* array [a: ...] */
    {"0a 0b 01 03 61", "01"}, /* dynamic object {a: ...} */
    {"0a 13 01 03 61", ""},   /* sealed object {a: ...} */
    {"10 03 00 01", ""},      /* Vector<Object> [...] */
    {"11 03 00 01", ""},      /* Dictionary {null: ...} */
};

static ertmp_result
decode_nested (guint i, guint n, const ertmp_limits * limits,
    ertmp_limit_id * hit)
{
  gchar *hex =
      amf_test_nested_hex (NULL, nestings[i].open, n, "01", nestings[i].close);
  ertmp_result res = decode_one (limits, hex, FALSE, hit);

  g_free (hex);
  return res;
}

START_TEST (test_depth_limit)
{
  ertmp_limit_id hit;
  ertmp_limits limits;

  /* a forged 2,000-deep tree: a clean LIMIT, no stack overflow */
  ck_assert_int_eq (decode_nested (_i, 2000, NULL, &hit), ERTMP_LIMIT);
  ck_assert_int_eq (hit, ERTMP_LIMIT_AMF_MAX_DEPTH);
  ck_assert_int_eq (decode_nested (_i, 32, NULL, &hit), ERTMP_OK);
  ck_assert_int_eq (decode_nested (_i, 33, NULL, &hit), ERTMP_LIMIT);
  ertmp_limits_init (&limits);
  limits.amf_max_depth = 1;
  ck_assert_int_eq (decode_nested (_i, 1, &limits, &hit), ERTMP_OK);
  ck_assert_int_eq (decode_nested (_i, 2, &limits, &hit), ERTMP_LIMIT);
  ck_assert_int_eq (hit, ERTMP_LIMIT_AMF_MAX_DEPTH);
  limits.amf_max_depth = G_MAXUINT32;
  ck_assert_int_eq (decode_nested (_i, 2000, &limits, &hit), ERTMP_LIMIT);
}
END_TEST

/* A reference nests as deep as what it repeats: 16 levels (#0 .. #15),
 * then 16 more around a reference to #0, is 32; one more is too deep */
START_TEST (test_depth_through_references)
{
  guint extra;

  for (extra = 0; extra <= 1; extra++) {
    gchar *first = amf_test_nested_hex (NULL, "09 03 01", 16, "01", "");
    gchar *second =
        amf_test_nested_hex (NULL, "09 03 01", 16 + extra, "09 00", "");
    gchar *hex = g_strconcat (first, second, NULL);
    GByteArray *b = test_hex (hex);
    ertmp_amf_decoder *dec = new_decoder (NULL, FALSE);
    ertmp_amf_value *v = NULL;
    ertmp_reader r;

    ertmp_reader_init (&r, b->data, b->len);
    ck_assert_int_eq (ertmp_amf3_decode (dec, &r, &v), ERTMP_OK);
    ertmp_amf_value_unref (v);
    ck_assert_int_eq (ertmp_amf3_decode (dec, &r, &v),
        extra ? ERTMP_LIMIT : ERTMP_OK);
    if (extra)
      ck_assert_int_eq (ertmp_amf_decoder_limit_hit (dec),
          ERTMP_LIMIT_AMF_MAX_DEPTH);
    else
      ertmp_amf_value_unref (v);
    ertmp_amf_decoder_free (dec);
    g_byte_array_unref (b);
    g_free (hex);
    g_free (second);
    g_free (first);
  }
}
END_TEST

START_TEST (test_values_limit)
{
  /* an array and 3 nulls: 4 values */
  static const gchar hex[] = "09 07 01 01 01 01";
  ertmp_limit_id hit;
  ertmp_limits limits;

  ertmp_limits_init (&limits);
  limits.amf_max_values = 4;
  ck_assert_int_eq (decode_one (&limits, hex, FALSE, &hit), ERTMP_OK);
  limits.amf_max_values = 3;
  ck_assert_int_eq (decode_one (&limits, hex, FALSE, &hit), ERTMP_LIMIT);
  ck_assert_int_eq (hit, ERTMP_LIMIT_AMF_MAX_VALUES);
}
END_TEST

/* A reference costs what it repeats: string, traits and object references
 * are counted expanded */
START_TEST (test_reference_expansion)
{
  static const gchar *heads[] = {
      "06 81 49",    /* string of 100 bytes, then refs "06 00" */
      "0a 03 81 49", /* object, traits with a 100-byte class name */
      "0c 81 49",    /* ByteArray #1 of 100 bytes, refs "0c 02" */
  };
  static const gchar *refs[] = {"06 00", "0a 01", "0c 02"};
  ertmp_limit_id hit;
  ertmp_limits limits;
  guint i, n;

  ertmp_limits_init (&limits);
  limits.max_message_size = 1000;
  for (i = 0; i < G_N_ELEMENTS (heads); i++) {
    for (n = 5; n <= 20; n += 15) {
      GString *s = g_string_new (NULL);
      guint k;

      g_string_append_printf (s, "09 %02x 01 %s", 2 * (n + 1) + 1, heads[i]);
      for (k = 0; k < 100; k++)
        g_string_append (s, " 78");
      for (k = 0; k < n; k++)
        g_string_append_printf (s, " %s", refs[i]);
      ck_assert_int_eq (decode_one (&limits, s->str, FALSE, &hit),
          n == 5 ? ERTMP_OK : ERTMP_LIMIT);
      if (n == 20)
        ck_assert_int_eq (hit, ERTMP_LIMIT_MAX_MESSAGE_SIZE);
      g_string_free (s, TRUE);
    }
  }
}
END_TEST

/* ---- encoding ---------------------------------------------------------- */

static ertmp_amf_value *
new_vector (ertmp_amf_type type, gconstpointer data, guint n, guint size)
{
  ertmp_amf_value *v = ertmp_amf_new (type);

  v->vector = g_array_new (FALSE, FALSE, size);
  g_array_append_vals (v->vector, data, n);
  return v;
}

static ertmp_amf_value *
new_text (ertmp_amf_type type, const gchar * str)
{
  ertmp_amf_value *v = ertmp_amf_new_string (str, -1);

  v->type = type;
  return v;
}

static GPtrArray *
every_type (void)
{
  GPtrArray *a =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ertmp_amf_value_unref);
  static const gint32 ints[] = {G_MININT32, 0, 7};
  static const guint32 uints[] = {G_MAXUINT32};
  static const gdouble doubles[] = {-1.5, 1e300};
  ertmp_amf_value *v;
  guint i;

  g_ptr_array_add (a, ertmp_amf_new (ERTMP_AMF_UNDEFINED));
  g_ptr_array_add (a, ertmp_amf_new (ERTMP_AMF_NULL));
  g_ptr_array_add (a, ertmp_amf_new_boolean (FALSE));
  g_ptr_array_add (a, ertmp_amf_new_integer (ERTMP_AMF3_INT_MIN));
  g_ptr_array_add (a, ertmp_amf_new_integer (ERTMP_AMF3_INT_MAX));
  g_ptr_array_add (a, ertmp_amf_new_number (-2.25));
  g_ptr_array_add (a, ertmp_amf_new_string ("caf\xc3\xa9\0x", 7));
  g_ptr_array_add (a, new_text (ERTMP_AMF_XML_DOCUMENT, "<d/>"));
  g_ptr_array_add (a, new_text (ERTMP_AMF_XML, "<x/>"));
  g_ptr_array_add (a, ertmp_amf_new_date (-1.0));
  g_ptr_array_add (a, ertmp_amf_new_byte_array ((const guint8 *) "\0\1", 2));
  g_ptr_array_add (a, new_vector (ERTMP_AMF_VECTOR_INT, ints, 3, 4));
  g_ptr_array_add (a, new_vector (ERTMP_AMF_VECTOR_UINT, uints, 1, 4));
  v = new_vector (ERTMP_AMF_VECTOR_DOUBLE, doubles, 2, 8);
  v->flags = ERTMP_AMF_FLAG_FIXED;
  g_ptr_array_add (a, v);
  v = ertmp_amf_new (ERTMP_AMF_VECTOR_OBJECT);
  v->class_name = g_strdup ("T");
  ertmp_amf_append (v, ertmp_amf_new (ERTMP_AMF_NULL));
  g_ptr_array_add (a, v);
  v = ertmp_amf_new (ERTMP_AMF_DICTIONARY);
  v->flags = ERTMP_AMF_FLAG_WEAK_KEYS;
  ertmp_amf_append (v, ertmp_amf_new_integer (1));
  ertmp_amf_append (v, ertmp_amf_new_string ("one", -1));
  g_ptr_array_add (a, v);
  v = ertmp_amf_new (ERTMP_AMF_ARRAY);
  ertmp_amf_add_number (v, "k", 1);
  ertmp_amf_append (v, ertmp_amf_new_boolean (TRUE));
  g_ptr_array_add (a, v);
  /* sealed and dynamic members */
  v = ertmp_amf_new (ERTMP_AMF_OBJECT);
  v->class_name = g_strdup ("Pt");
  v->flags = ERTMP_AMF_FLAG_DYNAMIC;
  v->sealed_count = 2;
  ertmp_amf_add_number (v, "x", 1);
  ertmp_amf_add_number (v, "y", 2);
  ertmp_amf_add (v, "z", ertmp_amf_new (ERTMP_AMF_OBJECT));
  g_ptr_array_add (a, v);
  v = ertmp_amf_new (ERTMP_AMF_OBJECT);
  v->sealed_count = 1;
  ertmp_amf_add (v, "", ertmp_amf_new (ERTMP_AMF_UNDEFINED));
  g_ptr_array_add (a, v);
  v = ertmp_amf_new (ERTMP_AMF_OBJECT);
  v->class_name = g_strdup ("Foo");
  v->flags = ERTMP_AMF_FLAG_EXTERNALIZABLE;
  v->data = g_strdup ("\x01z");
  v->data_len = 2;
  g_ptr_array_add (a, v);
  for (i = 0; i < a->len; i++)
    amf_test_mark3 (g_ptr_array_index (a, i));
  return a;
}

START_TEST (test_roundtrip)
{
  GPtrArray *values = every_type (), *back;
  GByteArray *out = amf_test_encode_all (ertmp_amf3_encode, values);
  ertmp_amf_decoder *dec = new_decoder (NULL, TRUE);

  back = decode_all (dec, out);
  amf_test_check_equal (values, back);
  g_ptr_array_unref (back);
  g_byte_array_unref (out);
  /* and behind 0x11 in AMF0 */
  out = amf_test_encode_all (ertmp_amf0_encode, values);
  ck_assert_int_eq (ertmp_amf0_decode_message (dec, out->data, out->len, &back),
      ERTMP_OK);
  amf_test_check_equal (values, back);
  g_ptr_array_unref (back);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (out);
  g_ptr_array_unref (values);
}
END_TEST

/* AMF0-only types and out-of-range integers map to their AMF3 forms */
START_TEST (test_encode_mapping)
{
  GByteArray *out = g_byte_array_new (), *exp;
  ertmp_amf_value *v;

  v = ertmp_amf_new (ERTMP_AMF_ECMA_ARRAY);
  ertmp_amf_add_number (v, "a", 1);
  ertmp_amf3_encode (out, v);
  ertmp_amf_value_unref (v);
  v = ertmp_amf_new (ERTMP_AMF_UNSUPPORTED);
  ertmp_amf3_encode (out, v);
  ertmp_amf_value_unref (v);
  v = ertmp_amf_new_integer (ERTMP_AMF3_INT_MAX + 1);
  ertmp_amf3_encode (out, v);
  ertmp_amf_value_unref (v);
  /* an AMF0 object: anonymous, dynamic */
  v = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_amf_add_boolean (v, "b", TRUE);
  ertmp_amf3_encode (out, v);
  ertmp_amf_value_unref (v);
  exp = test_hex ("09 01 03 61 05 3f f0 00 00 00 00 00 00 01  # [a: 1.0]\n"
                  "00                                      # undefined\n"
                  "05 41 b0 00 00 00 00 00 00              # double 2^28\n"
                  "0a 0b 01 03 62 03 01                    # {b: true}");
  ck_assert_bytes_eq (out->data, out->len, exp->data, exp->len);
  g_byte_array_unref (exp);
  g_byte_array_unref (out);
}
END_TEST

/* never references: a value decoded through references is written out
 * in full */
START_TEST (test_encode_no_references)
{
  check_values ("09 07 01 06 07 61 62 63 06 00 09 01 01",
      "[\"abc\", \"abc\", []]",
      "09 07 01 06 07 61 62 63 06 07 61 62 63 09 01 01", FALSE);
}
END_TEST

START_TEST (test_encode_refused)
{
  GByteArray *out = g_byte_array_new ();
  ertmp_amf_value *v = ertmp_amf_new (ERTMP_AMF_DICTIONARY);
  static const gint64 wide[] = {1};

  ertmp_put_bytes (out, "ab", 2);
  /* a key without a value */
  ertmp_amf_append (v, ertmp_amf_new (ERTMP_AMF_NULL));
  ck_assert_int_eq (ertmp_amf3_encode (out, v), ERTMP_UNSUPPORTED);
  ertmp_amf_value_unref (v);
  /* the empty name ends the dynamic members */
  v = ertmp_amf_new (ERTMP_AMF_ECMA_ARRAY);
  ertmp_amf_add_number (v, "", 1);
  ck_assert_int_eq (ertmp_amf3_encode (out, v), ERTMP_UNSUPPORTED);
  ertmp_amf_value_unref (v);
  /* elements of the wrong size */
  v = new_vector (ERTMP_AMF_VECTOR_INT, wide, 1, sizeof (gint64));
  ck_assert_int_eq (ertmp_amf3_encode (out, v), ERTMP_UNSUPPORTED);
  ertmp_amf_value_unref (v);
  ck_assert_uint_eq (out->len, 2);
  g_byte_array_unref (out);
}
END_TEST

static Suite *
amf3_suite (void)
{
  Suite *s = suite_create ("amf3");
  TCase *tc = tcase_create ("vectors");

  tcase_add_loop_test (tc, test_u29, 0, G_N_ELEMENTS (u29_rows));
  tcase_add_loop_test (tc, test_primitives, 0, G_N_ELEMENTS (rows_4_2));
  tcase_add_loop_test (tc, test_markers, 0, G_N_ELEMENTS (rows_markers));
  tcase_add_test (tc, test_unknown_marker);
  suite_add_tcase (s, tc);

  tc = tcase_create ("references");
  tcase_add_test (tc, test_string_table);
  tcase_add_test (tc, test_object_table);
  tcase_add_test (tc, test_traits_table);
  tcase_add_test (tc, test_references_refused);
  tcase_add_test (tc, test_reset);
  tcase_add_test (tc, test_externalizable_refused);
  tcase_add_test (tc, test_externalizable);
  suite_add_tcase (s, tc);

  tc = tcase_create ("robustness");
  tcase_add_test (tc, test_length_fields);
  tcase_add_loop_test (tc, test_depth_limit, 0, G_N_ELEMENTS (nestings));
  tcase_add_test (tc, test_depth_through_references);
  tcase_add_test (tc, test_values_limit);
  tcase_add_test (tc, test_reference_expansion);
  suite_add_tcase (s, tc);

  tc = tcase_create ("encoding");
  tcase_add_test (tc, test_roundtrip);
  tcase_add_test (tc, test_encode_mapping);
  tcase_add_test (tc, test_encode_no_references);
  tcase_add_test (tc, test_encode_refused);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (amf3_suite ());
}
