/* gst-ertmp: helpers shared by the AMF0 and AMF3 tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ERTMP_AMF_TEST_UTIL_H
#define ERTMP_AMF_TEST_UTIL_H

#include "ertmp_amf.h"
#include "test_util.h"

/* ertmp_amf0_decode or ertmp_amf3_decode */
typedef ertmp_result (*amf_test_decode_fn) (ertmp_amf_decoder * dec,
    ertmp_reader * r, ertmp_amf_value ** out);
/* ertmp_amf0_encode or ertmp_amf3_encode */
typedef ertmp_result (*amf_test_encode_fn) (GByteArray * out,
    const ertmp_amf_value * value);

/* Sets ERTMP_AMF_FLAG_AMF3 on a tree, as the decoder does for 0x11 values */
static inline ertmp_amf_value *
amf_test_mark3 (ertmp_amf_value * v)
{
  guint i;

  v->flags |= ERTMP_AMF_FLAG_AMF3;
  for (i = 0; i < ertmp_amf_n_props (v); i++)
    amf_test_mark3 (g_array_index (v->props, ertmp_amf_prop, i).value);
  for (i = 0; v->items && i < v->items->len; i++)
    amf_test_mark3 (g_ptr_array_index (v->items, i));
  return v;
}

/* @lead, @n times @open, then @leaf, then @n times @close (hex) */
static inline gchar *
amf_test_nested_hex (const gchar * lead, const gchar * open, guint n,
    const gchar * leaf, const gchar * close)
{
  GString *s = g_string_new (lead);
  guint i;

  for (i = 0; i < n; i++)
    g_string_append_printf (s, " %s", open);
  g_string_append_printf (s, " %s", leaf);
  for (i = 0; i < n; i++)
    g_string_append_printf (s, " %s", close);
  return g_string_free (s, FALSE);
}

/* Appends every value of @values with @encode, which must succeed */
static inline GByteArray *
amf_test_encode_all (amf_test_encode_fn encode, GPtrArray * values)
{
  GByteArray *out = g_byte_array_new ();
  guint i;

  for (i = 0; i < values->len; i++)
    ck_assert_int_eq (encode (out, g_ptr_array_index (values, i)), ERTMP_OK);
  return out;
}

/* @back holds as many values as @values, each equal to its counterpart */
static inline void
amf_test_check_equal (GPtrArray * values, GPtrArray * back)
{
  guint i;

  ck_assert_uint_eq (back->len, values->len);
  for (i = 0; i < values->len; i++) {
    gchar *t = ertmp_amf_to_string (g_ptr_array_index (values, i));

    ck_assert_msg (ertmp_amf_equal (g_ptr_array_index (values, i),
                       g_ptr_array_index (back, i)),
        "value %u: %.60s", i, t);
    g_free (t);
  }
}

/* Stream decode with @decode of @data cut at every length: the last call
 * returns NEED_MORE and leaves the reader where it was; going on with the
 * whole input and the same decoder then gives @full (the failed call left
 * the reference tables as they were).  @resolver (may be NULL) and
 * @user_data go to each new decoder. */
static inline void
amf_test_check_prefixes (amf_test_decode_fn decode,
    ertmp_amf_ext_resolver resolver, gpointer user_data, const guint8 * data,
    gsize len, GPtrArray * full)
{
  gsize n;

  for (n = 0; n < len; n++) {
    ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
    ertmp_amf_value *v = NULL, *sentinel = (ertmp_amf_value *) &n;
    ertmp_reader r;
    guint i = 0;
    gsize pos;

    if (resolver)
      ertmp_amf_decoder_set_ext_resolver (dec, resolver, user_data);
    ertmp_reader_init (&r, data, n);
    while (decode (dec, &r, &v) == ERTMP_OK) {
      ck_assert (ertmp_amf_equal (v, g_ptr_array_index (full, i++)));
      ertmp_amf_value_unref (v);
    }
    v = sentinel;
    pos = r.pos;
    ck_assert_int_eq (decode (dec, &r, &v), ERTMP_NEED_MORE);
    ck_assert_uint_eq (r.pos, pos);
    ck_assert_ptr_eq (v, sentinel);
    /* more bytes arrive */
    r.len = len;
    while (ertmp_reader_remaining (&r) > 0) {
      ck_assert_int_eq (decode (dec, &r, &v), ERTMP_OK);
      ck_assert (ertmp_amf_equal (v, g_ptr_array_index (full, i++)));
      ertmp_amf_value_unref (v);
    }
    ck_assert_uint_eq (i, full->len);
    ertmp_amf_decoder_free (dec);
  }
}

#endif /* ERTMP_AMF_TEST_UTIL_H */
