/* gst-ertmp: tests for librtmp / FFmpeg "conn" strings (librtmp rtmp.c
 * parseAMF, FFmpeg rtmpproto.c rtmp_write_amf_data and gen_connect)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test_util.h"
#include "ertmp_connargs.h"
#include "ertmp_amf0.h"

/* The AMF0 bytes of all parsed values, as they follow the connect command
 * object in the message. */
static GByteArray *
parse_encode (const gchar * conn)
{
  GPtrArray *args = NULL;
  gchar *message = (gchar *) "unset";
  GByteArray *out = g_byte_array_new ();
  guint i;

  ck_assert_int_eq (ertmp_connargs_parse (conn, &args, &message), ERTMP_OK);
  ck_assert_ptr_null (message);
  ck_assert_ptr_nonnull (args);
  for (i = 0; i < args->len; i++)
    ck_assert_int_eq (ertmp_amf0_encode (out, g_ptr_array_index (args, i)),
        ERTMP_OK);
  g_ptr_array_unref (args);
  return out;
}

typedef struct
{
  const gchar *conn;
  const gchar *hex;             /* AMF0 of the values, '#' comments */
} ok_case;

static const ok_case ok_cases[] = {
  {"B:0", "01 00"},
  {"B:1", "01 01"},
  {"N:2.5", "00 4004000000000000"},
  {"N:-0.5", "00 bfe0000000000000"},
  {"N:1e3", "00 408f400000000000"},
  /* "N:" is an unnamed number, not the start of a name */
  {"N:0", "00 0000000000000000"},
  {"S:authMe", "02 0006 617574684d65"},
  /* empty string */
  {"S:", "02 0000"},
  /* ':' belongs to the string */
  {"S:a:b:c", "02 0005 613a623a63"},
  {"S:rtmp://h/app", "02 000c 72746d703a2f2f682f617070"},
  /* Z ignores its value */
  {"Z:", "05"},
  {"Z:anything", "05"},
  {"O:1 O:0", "03 0000 09"},
  /* runs of spaces, leading and trailing, are skipped (FFmpeg strspn) */
  {"  B:1   Z:  ", "01 01  05"},
  /* every named type, a string with ':' and an empty one, two levels of
   * nested objects */
  {"O:1 NB:b:0 NN:n:2.5 NS:s:x:y NS:e: NZ:z: NO:o:1 NO:deep:1 NS:k:v O:0 "
        "O:0 O:0",
        "03"                    /* object */
        "  0001 62  01 00"      /* b: false */
        "  0001 6e  00 4004000000000000"        /* n: 2.5 */
        "  0001 73  02 0003 783a79"     /* s: "x:y" (name ends at 1st ':') */
        "  0001 65  02 0000"    /* e: "" */
        "  0001 7a  05"         /* z: null */
        "  0001 6f  03"         /* o: object */
        "    0004 64656570  03" /* deep: object */
        "      0001 6b  02 0001 76"     /* k: "v" */
        "    0000 09"           /* end deep */
        "  0000 09"             /* end o */
        "0000 09"},             /* end */
  /* a name may be "N" or empty: AMF0 allows an empty key before a value */
  {"O:1 NN:N:1 NS::v O:0",
        "03  0001 4e  00 3ff0000000000000  0000  02 0001 76  0000 09"},
  /* objects side by side at top level */
  {"O:1 O:0 O:1 NZ:a: O:0", "03 0000 09  03 0001 61 05 0000 09"},
};

START_TEST (test_parse_ok)
{
  const ok_case *c = &ok_cases[_i];
  GByteArray *got = parse_encode (c->conn), *want = test_hex (c->hex);

  ck_assert_msg (got->len == want->len, "%s: %u bytes, want %u", c->conn,
      got->len, want->len);
  ck_assert_bytes_eq (got->data, got->len, want->data, want->len);
  g_byte_array_unref (got);
  g_byte_array_unref (want);
}
END_TEST

/* The example of FFmpeg's rtmp_conn documentation: librtmp sends these
 * bytes after the connect command object (AMF_Encode of each extra). */
START_TEST (test_ffmpeg_example)
{
  const gchar *conn = "B:1 S:authMe O:1 NN:code:1.23 NS:flag:ok O:0";
  GByteArray *got = parse_encode (conn);
  GByteArray *want = test_hex ("01 01"  /* B:1 boolean true */
      "02 0006 617574684d65"    /* S:authMe string, length 6 */
      "03"                      /* O:1 object begin */
      "  0004 636f6465"         /* key "code" */
      "  00 3ff3ae147ae147ae"   /* NN:code:1.23 number */
      "  0004 666c6167"         /* key "flag" */
      "  02 0002 6f6b"          /* NS:flag:ok string */
      "0000 09");               /* O:0 empty key + object end */
  GPtrArray *args = NULL;
  gchar *message = NULL;
  const ertmp_amf_value *obj;
  gdouble code;

  ck_assert_bytes_eq (got->data, got->len, want->data, want->len);

  /* and the tree itself */
  ck_assert_int_eq (ertmp_connargs_parse (conn, &args, &message), ERTMP_OK);
  ck_assert_uint_eq (args->len, 3);
  obj = g_ptr_array_index (args, 2);
  ck_assert_int_eq (obj->type, ERTMP_AMF_OBJECT);
  ck_assert_uint_eq (ertmp_amf_n_props (obj), 2);
  ck_assert (ertmp_amf_get_prop_number (obj, "code", &code));
  ck_assert (code == 1.23);
  ck_assert_str_eq (ertmp_amf_get_prop_string (obj, "flag"), "ok");
  ck_assert_str_eq (ertmp_amf_get_string (g_ptr_array_index (args, 1)),
      "authMe");

  g_ptr_array_unref (args);
  g_byte_array_unref (got);
  g_byte_array_unref (want);
}
END_TEST

START_TEST (test_empty)
{
  static const gchar *empty[] = { NULL, "", " ", "    " };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (empty); i++) {
    GPtrArray *args = NULL;
    gchar *message = (gchar *) "unset";

    ck_assert_int_eq (ertmp_connargs_parse (empty[i], &args, &message),
        ERTMP_OK);
    ck_assert_ptr_nonnull (args);
    ck_assert_uint_eq (args->len, 0);
    ck_assert_ptr_null (message);
    g_ptr_array_unref (args);
  }
}
END_TEST

typedef struct
{
  const gchar *conn;
  ertmp_result res;
  const gchar *message;
} error_case;

static const error_case error_cases[] = {
  /* unknown type letter: FFmpeg fails too ("Invalid AMF parameter") */
  {"B:1 X:1", ERTMP_MALFORMED, "conn item 2 \"X:1\" at offset 4: "
        "unknown type 'X' (expected B, N, S, O or Z)"},
  {"O:1 NX:a:1 O:0", ERTMP_MALFORMED, "conn item 2 \"NX:a:1\" at offset 4: "
        "unknown type 'X' (expected B, N, S, O or Z)"},
  {"b:1", ERTMP_MALFORMED, "conn item 1 \"b:1\" at offset 0: "
        "unknown type 'b' (expected B, N, S, O or Z)"},
  /* a long item is cut in the message */
  {"X:0123456789012345678901234567890123456789", ERTMP_MALFORMED,
        "conn item 1 \"X:01234567890123456789012345678901234567...\" at "
        "offset 0: unknown type 'X' (expected B, N, S, O or Z)"},
  /* missing ':' */
  {"B1", ERTMP_MALFORMED, "conn item 1 \"B1\" at offset 0: "
        "missing ':' (expected TYPE:VALUE or NTYPE:NAME:VALUE)"},
  {"S", ERTMP_MALFORMED, "conn item 1 \"S\" at offset 0: "
        "missing ':' (expected TYPE:VALUE or NTYPE:NAME:VALUE)"},
  {"Z:  :", ERTMP_MALFORMED, "conn item 2 \":\" at offset 4: "
        "missing ':' (expected TYPE:VALUE or NTYPE:NAME:VALUE)"},
  {"O:1 NS:name O:0", ERTMP_MALFORMED, "conn item 2 \"NS:name\" at offset "
        "4: missing ':' after the name (expected NS:NAME:VALUE)"},
  /* booleans are 0 or 1 (librtmp's atoi and FFmpeg's first-char test
   * disagree on anything else) */
  {"B:2", ERTMP_MALFORMED, "conn item 1 \"B:2\" at offset 0: "
        "bad boolean (expected B:0 or B:1)"},
  {"B:", ERTMP_MALFORMED, "conn item 1 \"B:\" at offset 0: "
        "bad boolean (expected B:0 or B:1)"},
  {"O:1 NB:f:true O:0", ERTMP_MALFORMED, "conn item 2 \"NB:f:true\" at "
        "offset 4: bad boolean (expected B:0 or B:1)"},
  /* numbers parse whole (strtod would drop the tail) and are finite */
  {"N:abc", ERTMP_MALFORMED, "conn item 1 \"N:abc\" at offset 0: "
        "bad number \"abc\" (expected a finite decimal like 1.23)"},
  {"N:", ERTMP_MALFORMED, "conn item 1 \"N:\" at offset 0: "
        "bad number \"\" (expected a finite decimal like 1.23)"},
  {"N:1,5", ERTMP_MALFORMED, "conn item 1 \"N:1,5\" at offset 0: "
        "bad number \"1,5\" (expected a finite decimal like 1.23)"},
  {"N:1.5x", ERTMP_MALFORMED, "conn item 1 \"N:1.5x\" at offset 0: "
        "bad number \"1.5x\" (expected a finite decimal like 1.23)"},
  {"N:inf", ERTMP_MALFORMED, "conn item 1 \"N:inf\" at offset 0: "
        "bad number \"inf\" (expected a finite decimal like 1.23)"},
  {"N:1e999", ERTMP_MALFORMED, "conn item 1 \"N:1e999\" at offset 0: "
        "bad number \"1e999\" (expected a finite decimal like 1.23)"},
  /* object values */
  {"O:2", ERTMP_MALFORMED, "conn item 1 \"O:2\" at offset 0: "
        "bad object value (expected O:1 to begin or O:0 to end)"},
  {"O:1 NO:a:0", ERTMP_MALFORMED, "conn item 2 \"NO:a:0\" at offset 4: "
        "bad object value (a named object begins with NO:NAME:1; end it "
        "with O:0)"},
  /* O:0 without an open object */
  {"O:0", ERTMP_MALFORMED, "conn item 1 \"O:0\" at offset 0: "
        "O:0 with no open object"},
  {"O:1 O:0 O:0", ERTMP_MALFORMED, "conn item 3 \"O:0\" at offset 8: "
        "O:0 with no open object"},
  /* unclosed at the end: the message names the innermost open object */
  {"O:1 NS:a:b", ERTMP_MALFORMED, "conn item 1 \"O:1\" at offset 0: "
        "object not closed at the end (1 O:0 missing)"},
  {"B:1 O:1 NO:x:1 NS:a:b", ERTMP_MALFORMED, "conn item 3 \"NO:x:1\" at "
        "offset 8: object not closed at the end (2 O:0 missing)"},
  /* named item outside an object (librtmp refuses it too) */
  {"NS:a:b", ERTMP_MALFORMED, "conn item 1 \"NS:a:b\" at offset 0: "
        "named item outside an object (begin one with O:1)"},
  {"O:1 O:0 NO:a:1 O:0", ERTMP_MALFORMED, "conn item 3 \"NO:a:1\" at "
        "offset 8: named item outside an object (begin one with O:1)"},
  /* unnamed item inside an object (FFmpeg would write a value with no key;
   * librtmp an empty key) */
  {"O:1 S:x O:0", ERTMP_MALFORMED, "conn item 2 \"S:x\" at offset 4: "
        "unnamed item inside an object (name it: NS:NAME:...)"},
  {"O:1 O:1 O:0 O:0", ERTMP_MALFORMED, "conn item 2 \"O:1\" at offset 4: "
        "unnamed item inside an object (name it: NO:NAME:...)"},
};

START_TEST (test_parse_errors)
{
  const error_case *c = &error_cases[_i];
  GPtrArray *sentinel = (GPtrArray *) & sentinel, *args = sentinel;
  gchar *message = NULL;

  ck_assert_msg (ertmp_connargs_parse (c->conn, &args, &message) == c->res,
      "%s: result", c->conn);
  ck_assert_ptr_eq (args, sentinel);
  ck_assert_str_eq (message, c->message);
  g_free (message);
}
END_TEST

/* "O:1" then n - 1 times " NO:a:1", then one leaf and n times " O:0" */
static gchar *
nested (guint n)
{
  GString *s = g_string_new ("O:1");
  guint i;

  for (i = 1; i < n; i++)
    g_string_append (s, " NO:a:1");
  g_string_append (s, " NZ:z:");
  for (i = 0; i < n; i++)
    g_string_append (s, " O:0");
  return g_string_free (s, FALSE);
}

/* As deep as our own decoder takes (ertmp_limits.h), and no deeper */
START_TEST (test_depth_limit)
{
  gchar *ok = nested (ERTMP_LIMIT_DEFAULT_AMF_MAX_DEPTH);
  gchar *deep = nested (ERTMP_LIMIT_DEFAULT_AMF_MAX_DEPTH + 1);
  GByteArray *bytes = parse_encode (ok);
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
  GPtrArray *args = NULL, *back = NULL;
  gchar *message = NULL, *want;

  /* the deepest accepted string decodes with the default limits */
  ck_assert_int_eq (ertmp_amf0_decode_message (dec, bytes->data, bytes->len,
          &back), ERTMP_OK);
  ck_assert_uint_eq (back->len, 1);
  g_ptr_array_unref (back);

  /* item 33 opens level 33 at offset 3 + 31 * 7 + 1 */
  ck_assert_int_eq (ertmp_connargs_parse (deep, &args, &message),
      ERTMP_LIMIT);
  ck_assert_ptr_null (args);
  want = g_strdup_printf ("conn item %u \"NO:a:1\" at offset %u: objects "
      "nested deeper than %u levels", ERTMP_LIMIT_DEFAULT_AMF_MAX_DEPTH + 1,
      3 + (ERTMP_LIMIT_DEFAULT_AMF_MAX_DEPTH - 1) * 7 + 1,
      ERTMP_LIMIT_DEFAULT_AMF_MAX_DEPTH);
  ck_assert_str_eq (message, want);

  g_free (want);
  g_free (message);
  ertmp_amf_decoder_free (dec);
  g_byte_array_unref (bytes);
  g_free (ok);
  g_free (deep);
}
END_TEST

static Suite *
connargs_suite (void)
{
  Suite *s = suite_create ("connargs");
  TCase *tc = tcase_create ("parse");

  tcase_add_loop_test (tc, test_parse_ok, 0, G_N_ELEMENTS (ok_cases));
  tcase_add_test (tc, test_ffmpeg_example);
  tcase_add_test (tc, test_empty);
  tcase_add_loop_test (tc, test_parse_errors, 0, G_N_ELEMENTS (error_cases));
  tcase_add_test (tc, test_depth_limit);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (connargs_suite ());
}
