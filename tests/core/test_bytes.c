/* gst-ertmp: tests of the bounds-checked reader and writers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ertmp_bytes.h"
#include "test_util.h"

/* Every integer reader at every length: short input fails and consumes
 * nothing, exact input succeeds. */
START_TEST (test_reader_integers)
{
  static const guint8 in[] = { 0x81, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
    0x08
  };
  ertmp_reader r;
  guint8 u8;
  guint16 u16;
  guint32 u32;
  gint32 s32;
  gdouble d;

  ertmp_reader_init (&r, in, 1);
  ck_assert (!ertmp_reader_u16be (&r, &u16));
  ck_assert_uint_eq (r.pos, 0);
  ck_assert (ertmp_reader_u8 (&r, &u8));
  ck_assert_uint_eq (u8, 0x81);
  ck_assert (!ertmp_reader_u8 (&r, &u8));

  ertmp_reader_init (&r, in, 2);
  ck_assert (!ertmp_reader_u24be (&r, &u32));
  ck_assert (ertmp_reader_u16be (&r, &u16));
  ck_assert_uint_eq (u16, 0x8102);

  ertmp_reader_init (&r, in, 3);
  ck_assert (!ertmp_reader_u32be (&r, &u32));
  ck_assert (ertmp_reader_u24be (&r, &u32));
  ck_assert_uint_eq (u32, 0x810203);

  ertmp_reader_init (&r, in, 3);
  ck_assert (ertmp_reader_s24be (&r, &s32));
  ck_assert_int_eq (s32, 0x810203 - 0x1000000);

  ertmp_reader_init (&r, in, 4);
  ck_assert (ertmp_reader_u32be (&r, &u32));
  ck_assert_uint_eq (u32, 0x81020304);

  ertmp_reader_init (&r, in, 4);
  ck_assert (ertmp_reader_u32le (&r, &u32));
  ck_assert_uint_eq (u32, 0x04030281);

  ertmp_reader_init (&r, in, 2);
  ck_assert (ertmp_reader_u16le (&r, &u16));
  ck_assert_uint_eq (u16, 0x0281);

  ertmp_reader_init (&r, in, 7);
  ck_assert (!ertmp_reader_f64be (&r, &d));
  ck_assert_uint_eq (r.pos, 0);
}
END_TEST

/* test-vectors.md 4.1: Number 1.0 = 3f f0 00 00 00 00 00 00 */
START_TEST (test_double)
{
  static const guint8 one[] = { 0x3f, 0xf0, 0, 0, 0, 0, 0, 0 };
  GByteArray *b = g_byte_array_new ();
  ertmp_reader r;
  gdouble d = 0;

  ertmp_reader_init (&r, one, sizeof (one));
  ck_assert (ertmp_reader_f64be (&r, &d));
  ck_assert (d == 1.0);
  ertmp_put_f64be (b, 1.0);
  ck_assert_bytes_eq (b->data, b->len, one, sizeof (one));
  g_byte_array_unref (b);
}
END_TEST

START_TEST (test_writers)
{
  GByteArray *b = g_byte_array_new ();
  GByteArray *expect = test_hex ("7f"      /* u8 */
      "1234"                    /* u16be */
      "abcdef"                  /* u24be */
      "fffffe"                  /* s24be -2 */
      "01020304"                /* u32be */
      "04030201"                /* u32le */
      "cafe");                  /* bytes */

  ertmp_put_u8 (b, 0x7f);
  ertmp_put_u16be (b, 0x1234);
  ertmp_put_u24be (b, 0xabcdef);
  ertmp_put_s24be (b, -2);
  ertmp_put_u32be (b, 0x01020304);
  ertmp_put_u32le (b, 0x01020304);
  ertmp_put_bytes (b, "\xca\xfe", 2);
  ck_assert_bytes_eq (b->data, b->len, expect->data, expect->len);

  ertmp_patch_be (b, 1, 2, 0x5678);
  ck_assert_uint_eq (b->data[1], 0x56);
  ck_assert_uint_eq (b->data[2], 0x78);
  g_byte_array_unref (b);
  g_byte_array_unref (expect);
}
END_TEST

START_TEST (test_view_and_skip)
{
  static const guint8 in[] = { 1, 2, 3, 4, 5 };
  ertmp_reader r;
  const guint8 *v;
  guint8 out[4] = { 0 };  /* room for the refused 4-byte copy */
  guint32 peek;

  ertmp_reader_init (&r, in, sizeof (in));
  ck_assert (!ertmp_reader_view (&r, 6, &v));
  ck_assert (ertmp_reader_view (&r, 2, &v));
  ck_assert (v == in);
  ck_assert (ertmp_reader_peek_be (&r, 3, &peek));
  ck_assert_uint_eq (peek, 0x030405);
  ck_assert_uint_eq (r.pos, 2);
  ck_assert (!ertmp_reader_copy (&r, 4, out));
  ck_assert (ertmp_reader_copy (&r, 3, out));
  ck_assert_uint_eq (out[2], 5);
  ck_assert_uint_eq (ertmp_reader_remaining (&r), 0);
  ck_assert (!ertmp_reader_skip (&r, 1));
  ck_assert (ertmp_reader_skip (&r, 0));
}
END_TEST

static Suite *
bytes_suite (void)
{
  Suite *s = suite_create ("bytes");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, test_reader_integers);
  tcase_add_test (tc, test_double);
  tcase_add_test (tc, test_writers);
  tcase_add_test (tc, test_view_and_skip);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (bytes_suite ());
}
