/* gst-ertmp: tests of the AMF value model (ertmp_amf.h)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "ertmp_amf.h"
#include "test_util.h"

START_TEST (test_constructors)
{
  ertmp_amf_value *v;

  v = ertmp_amf_new_number (2.5);
  ck_assert_int_eq (v->type, ERTMP_AMF_NUMBER);
  ck_assert (v->number == 2.5);
  ck_assert_ptr_eq (ertmp_amf_value_ref (v), v);
  ertmp_amf_value_unref (v);
  ertmp_amf_value_unref (v);

  v = ertmp_amf_new_boolean (42);
  ck_assert_int_eq (v->type, ERTMP_AMF_BOOLEAN);
  ck_assert_int_eq (v->boolean, TRUE);
  ertmp_amf_value_unref (v);

  v = ertmp_amf_new_integer (-7);
  ck_assert_int_eq (v->type, ERTMP_AMF_INTEGER);
  ck_assert_int_eq (v->integer, -7);
  ertmp_amf_value_unref (v);

  v = ertmp_amf_new_string ("live", -1);
  ck_assert_int_eq (v->type, ERTMP_AMF_STRING);
  ck_assert_str_eq (v->data, "live");
  ck_assert_uint_eq (v->data_len, 4);
  ertmp_amf_value_unref (v);

  /* a NUL inside: kept, and the copy is NUL-terminated */
  v = ertmp_amf_new_string ("a\0bc", 3);
  ck_assert_uint_eq (v->data_len, 3);
  ck_assert_bytes_eq (v->data, 4, "a\0b\0", 4);
  ertmp_amf_value_unref (v);

  v = ertmp_amf_new_date (1e12);
  ck_assert_int_eq (v->type, ERTMP_AMF_DATE);
  ck_assert (v->number == 1e12);
  ertmp_amf_value_unref (v);

  v = ertmp_amf_new_byte_array ((const guint8 *) "\x00\xff", 2);
  ck_assert_int_eq (v->type, ERTMP_AMF_BYTE_ARRAY);
  ck_assert_bytes_eq (v->data, v->data_len, "\x00\xff", 2);
  ertmp_amf_value_unref (v);

  v = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ck_assert_ptr_null (v->props);
  ck_assert_uint_eq (ertmp_amf_n_props (v), 0);
  ertmp_amf_value_unref (v);
  ertmp_amf_value_unref (NULL);
}
END_TEST

START_TEST (test_props)
{
  ertmp_amf_value *o = ertmp_amf_new (ERTMP_AMF_OBJECT);
  gdouble d = 0;

  ertmp_amf_add_string (o, "app", "live");
  ertmp_amf_add_number (o, "n", 3);
  ertmp_amf_add_boolean (o, "b", FALSE);
  /* no replacement: the first one wins */
  ertmp_amf_add_string (o, "app", "other");
  ck_assert_uint_eq (ertmp_amf_n_props (o), 4);
  ck_assert_str_eq (ertmp_amf_get_prop_string (o, "app"), "live");
  ck_assert (ertmp_amf_get_prop_number (o, "n", &d));
  ck_assert (d == 3);
  ck_assert_int_eq (ertmp_amf_get (o, "b")->type, ERTMP_AMF_BOOLEAN);
  ck_assert_ptr_null (ertmp_amf_get (o, "missing"));
  ck_assert_ptr_null (ertmp_amf_get (o, "ap"));
  /* wrong types */
  ck_assert_ptr_null (ertmp_amf_get_prop_string (o, "n"));
  ck_assert (!ertmp_amf_get_prop_number (o, "app", &d));
  ck_assert_ptr_null (ertmp_amf_get (ertmp_amf_get (o, "app"), "x"));
  ck_assert_ptr_null (ertmp_amf_get (NULL, "x"));
  ck_assert_str_eq (g_array_index (o->props, ertmp_amf_prop, 1).name, "n");
  ck_assert_uint_eq (g_array_index (o->props, ertmp_amf_prop, 1).name_len, 1);
  ertmp_amf_value_unref (o);
}
END_TEST

START_TEST (test_items)
{
  ertmp_amf_value *a = ertmp_amf_new (ERTMP_AMF_ARRAY);
  ertmp_amf_value *d = ertmp_amf_new (ERTMP_AMF_DICTIONARY);
  ertmp_amf_value *vec = ertmp_amf_new (ERTMP_AMF_VECTOR_DOUBLE);
  gdouble x = 1.5;
  gdouble n = 0;

  ertmp_amf_append (a, ertmp_amf_new_number (1));
  ertmp_amf_append (a, ertmp_amf_new_string ("two", -1));
  ertmp_amf_add_number (a, "assoc", 3);
  ck_assert_uint_eq (ertmp_amf_n_items (a), 2);
  ck_assert_uint_eq (ertmp_amf_n_props (a), 1);
  ck_assert (ertmp_amf_get_number (ertmp_amf_item (a, 0), &n) && n == 1);
  ck_assert_str_eq (ertmp_amf_get_string (ertmp_amf_item (a, 1)), "two");
  ck_assert_ptr_null (ertmp_amf_item (a, 2));
  /* a dictionary counts pairs; items are key, value, key, ... */
  ertmp_amf_append (d, ertmp_amf_new_string ("k", -1));
  ertmp_amf_append (d, ertmp_amf_new_integer (9));
  ck_assert_uint_eq (ertmp_amf_n_items (d), 1);
  ck_assert (ertmp_amf_get_number (ertmp_amf_item (d, 1), &n) && n == 9);
  vec->vector = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_array_append_val (vec->vector, x);
  ck_assert_uint_eq (ertmp_amf_n_items (vec), 1);
  ck_assert_ptr_null (ertmp_amf_item (vec, 0));
  ck_assert_uint_eq (ertmp_amf_n_items (ertmp_amf_item (a, 1)), 0);
  ck_assert_uint_eq (ertmp_amf_n_items (NULL), 0);
  ertmp_amf_value_unref (a);
  ertmp_amf_value_unref (d);
  ertmp_amf_value_unref (vec);
}
END_TEST

static ertmp_amf_value *
build (void)
{
  ertmp_amf_value *o = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_amf_value *a = ertmp_amf_new (ERTMP_AMF_ARRAY);

  ertmp_amf_append (a, ertmp_amf_new_string ("hvc1", -1));
  ertmp_amf_add_string (o, "app", "live");
  ertmp_amf_add (o, "list", a);
  ertmp_amf_add_number (o, "n", 0.0);
  return o;
}

START_TEST (test_equal)
{
  ertmp_amf_value *a = build (), *b = build ();
  ertmp_amf_value *n0, *n1, *nan0, *nan1;
  ertmp_amf_prop *p;

  ck_assert (ertmp_amf_equal (a, b));
  ck_assert (ertmp_amf_equal (a, a));
  ck_assert (!ertmp_amf_equal (a, NULL));
  /* flags matter */
  b->flags = ERTMP_AMF_FLAG_AMF3;
  ck_assert (!ertmp_amf_equal (a, b));
  b->flags = 0;
  /* class name: NULL is not "" */
  b->class_name = g_strdup ("");
  ck_assert (!ertmp_amf_equal (a, b));
  g_clear_pointer (&b->class_name, g_free);
  /* advisory and reserved fields do not */
  b->ecma_count = 7;
  b->timezone = 60;
  ck_assert (ertmp_amf_equal (a, b));
  /* sealed_count, clamped to the props */
  b->sealed_count = 1;
  ck_assert (!ertmp_amf_equal (a, b));
  a->sealed_count = 1;
  ck_assert (ertmp_amf_equal (a, b));
  a->sealed_count = 100;
  b->sealed_count = 3;
  ck_assert (ertmp_amf_equal (a, b));
  /* numbers compare as bits */
  p = &g_array_index (b->props, ertmp_amf_prop, 2);
  p->value->number = -0.0;
  ck_assert (!ertmp_amf_equal (a, b));
  n0 = ertmp_amf_new_number (NAN);
  n1 = ertmp_amf_new_number (NAN);
  ck_assert (ertmp_amf_equal (n0, n1));
  nan0 = ertmp_amf_new_string ("ab", 2);
  nan1 = ertmp_amf_new_string ("ab\0", 3);
  ck_assert (!ertmp_amf_equal (nan0, nan1));
  ertmp_amf_value_unref (nan0);
  ertmp_amf_value_unref (nan1);
  ertmp_amf_value_unref (n0);
  ertmp_amf_value_unref (n1);
  p->value->number = 0.0;
  /* order and content */
  ertmp_amf_append ((ertmp_amf_value *) ertmp_amf_get (b, "list"),
      ertmp_amf_new (ERTMP_AMF_NULL));
  ck_assert (!ertmp_amf_equal (a, b));
  ertmp_amf_value_unref (a);
  ertmp_amf_value_unref (b);
}
END_TEST

START_TEST (test_equal_vectors)
{
  ertmp_amf_value *a = ertmp_amf_new (ERTMP_AMF_VECTOR_INT);
  ertmp_amf_value *b = ertmp_amf_new (ERTMP_AMF_VECTOR_INT);
  gint32 x = 1, y = 2;

  ck_assert (ertmp_amf_equal (a, b));
  a->vector = g_array_new (FALSE, FALSE, sizeof (gint32));
  ck_assert (ertmp_amf_equal (a, b)); /* empty equals absent */
  g_array_append_val (a->vector, x);
  ck_assert (!ertmp_amf_equal (a, b));
  b->vector = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_array_append_val (b->vector, y);
  ck_assert (!ertmp_amf_equal (a, b));
  g_array_index (b->vector, gint32, 0) = 1;
  ck_assert (ertmp_amf_equal (a, b));
  ertmp_amf_value_unref (a);
  ertmp_amf_value_unref (b);
}
END_TEST

static void
check_text (ertmp_amf_value * v, const gchar * text)
{
  gchar *t = ertmp_amf_to_string (v);

  ck_assert_str_eq (t, text);
  g_free (t);
  ertmp_amf_value_unref (v);
}

START_TEST (test_to_string_scalars)
{
  ertmp_amf_value *v;

  check_text (ertmp_amf_new (ERTMP_AMF_UNDEFINED), "undefined");
  check_text (ertmp_amf_new (ERTMP_AMF_NULL), "null");
  check_text (ertmp_amf_new (ERTMP_AMF_UNSUPPORTED), "unsupported");
  check_text (ertmp_amf_new_boolean (TRUE), "true");
  check_text (ertmp_amf_new_integer (-5), "-5");
  check_text (ertmp_amf_new_number (1920), "1920");
  check_text (ertmp_amf_new_number (0.1), "0.1");
  check_text (ertmp_amf_new_number (1.0 / 3), "0.33333333333333331");
  check_text (ertmp_amf_new_number (1e300), "1e+300");
  check_text (ertmp_amf_new_number (NAN), "NaN");
  check_text (ertmp_amf_new_number (-INFINITY), "-Infinity");
  check_text (ertmp_amf_new_date (0), "date(0)");
  /* escapes; valid UTF-8 as is, other bytes as \xNN */
  check_text (ertmp_amf_new_string ("a\"b\\c\n\r\t\x01\x7f", -1),
      "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u007f\"");
  check_text (ertmp_amf_new_string ("caf\xc3\xa9", -1), "\"caf\xc3\xa9\"");
  check_text (ertmp_amf_new_string ("\xff"
                                    "a",
                  -1),
      "\"\\xffa\"");
  check_text (ertmp_amf_new_string ("a\0b", 3), "\"a\\u0000b\"");
  v = ertmp_amf_new_string ("<a/>", -1);
  v->type = ERTMP_AMF_XML;
  check_text (v, "xml \"<a/>\"");
  v = ertmp_amf_new_byte_array (
      (const guint8 *) "0123456789abcdef0123456789abcdefXYZ", 35);
  check_text (v,
      "<bytearray 35 bytes 303132333435363738396162636465663031"
      "3233343536373839616263646566...>");
  check_text (NULL, "(none)");
}
END_TEST

START_TEST (test_to_string_containers)
{
  ertmp_amf_value *v = build (), *d;
  gint32 ints[] = {-1, 7};

  check_text (ertmp_amf_value_ref (v),
      "{app: \"live\", list: [\"hvc1\"], n: 0}");
  v->type = ERTMP_AMF_ECMA_ARRAY;
  check_text (ertmp_amf_value_ref (v),
      "{app: \"live\", list: [\"hvc1\"], n: 0}");
  v->type = ERTMP_AMF_OBJECT;
  v->class_name = g_strdup ("flex.Cls");
  ertmp_amf_add_number (v, "a b", 1);
  ertmp_amf_add_number (v, "", 2);
  check_text (v,
      "flex.Cls {app: \"live\", list: [\"hvc1\"], n: 0, "
      "\"a b\": 1, \"\": 2}");
  v = ertmp_amf_new (ERTMP_AMF_ARRAY);
  ertmp_amf_append (v, ertmp_amf_new_number (1));
  ertmp_amf_add_number (v, "k", 2);
  check_text (v, "[1, k: 2]");
  v = ertmp_amf_new (ERTMP_AMF_VECTOR_INT);
  v->vector = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_array_append_vals (v->vector, ints, 2);
  check_text (v, "vector<int> [-1, 7]");
  v = ertmp_amf_new (ERTMP_AMF_VECTOR_OBJECT);
  check_text (v, "vector<*> []");
  d = ertmp_amf_new (ERTMP_AMF_DICTIONARY);
  ertmp_amf_append (d, ertmp_amf_new_integer (1));
  ertmp_amf_append (d, ertmp_amf_new_string ("x", -1));
  ertmp_amf_append (d, ertmp_amf_new (ERTMP_AMF_NULL));
  ertmp_amf_append (d, ertmp_amf_new_boolean (FALSE));
  check_text (d, "dictionary {1: \"x\", null: false}");
  v = ertmp_amf_new (ERTMP_AMF_OBJECT);
  v->class_name = g_strdup ("Foo");
  v->flags = ERTMP_AMF_FLAG_EXTERNALIZABLE;
  v->data = g_strdup ("\x01\x02");
  v->data_len = 2;
  check_text (v, "Foo <externalizable 2 bytes 0102>");
}
END_TEST

START_TEST (test_decoder)
{
  ertmp_limits limits;
  ertmp_amf_decoder *dec;

  ertmp_limits_init (&limits);
  dec = ertmp_amf_decoder_new (&limits);
  ck_assert_int_eq (ertmp_amf_decoder_limit_hit (dec), ERTMP_LIMIT_NONE);
  ertmp_amf_decoder_reset (dec);
  ertmp_amf_decoder_free (dec);
  ertmp_amf_decoder_free (NULL);
}
END_TEST

static Suite *
amf_suite (void)
{
  Suite *s = suite_create ("amf");
  TCase *tc = tcase_create ("values");

  tcase_add_test (tc, test_constructors);
  tcase_add_test (tc, test_props);
  tcase_add_test (tc, test_items);
  tcase_add_test (tc, test_equal);
  tcase_add_test (tc, test_equal_vectors);
  tcase_add_test (tc, test_to_string_scalars);
  tcase_add_test (tc, test_to_string_containers);
  tcase_add_test (tc, test_decoder);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (amf_suite ());
}
