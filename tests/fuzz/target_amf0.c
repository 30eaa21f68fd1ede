/* gst-ertmp: fuzz target for the AMF0 decoder (with the AMF3 switch)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is one message body.  When it decodes, every value is encoded
 * again, the result decoded again, and the trees must be equal.  The stream
 * decoder then walks the same input: a call that fails must leave the
 * reader where it was.  Any mismatch aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ertmp_amf0.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

/* Externalizable class "Foo": a u8 length, then that many bytes */
static ertmp_result
foo_resolver (const gchar * class_name, const guint8 * data, gsize avail,
    gsize * len, gpointer user_data)
{
  if (strcmp (class_name, "Foo") != 0)
    return ERTMP_UNSUPPORTED;
  if (avail < 1)
    return ERTMP_NEED_MORE;
  *len = 1 + (gsize) data[0];
  return ERTMP_OK;
}

static ertmp_amf_decoder *
new_decoder (void)
{
  ertmp_amf_decoder *dec;
  ertmp_limits limits;

  /* low enough for the fuzzer to reach */
  ertmp_limits_init (&limits);
  limits.amf_max_depth = 16;
  limits.amf_max_values = 4096;
  limits.max_message_size = 1 << 20;
  dec = ertmp_amf_decoder_new (&limits);
  ertmp_amf_decoder_set_ext_resolver (dec, foo_resolver, NULL);
  return dec;
}

static void
check_roundtrip (GPtrArray * values)
{
  ertmp_amf_decoder *dec = new_decoder ();
  GByteArray *out = g_byte_array_new ();
  GPtrArray *back = NULL;
  guint i;

  for (i = 0; i < values->len; i++)
    if (ertmp_amf0_encode (out, g_ptr_array_index (values, i)) != ERTMP_OK)
      abort ();
  if (ertmp_amf0_decode_message (dec, out->data, out->len, &back) != ERTMP_OK ||
      back->len != values->len)
    abort ();
  for (i = 0; i < values->len; i++)
    if (!ertmp_amf_equal (g_ptr_array_index (values, i),
            g_ptr_array_index (back, i)))
      abort ();
  g_ptr_array_unref (back);
  g_byte_array_unref (out);
  ertmp_amf_decoder_free (dec);
}

static void
walk_stream (ertmp_amf_decoder * dec, const uint8_t * data, size_t size)
{
  ertmp_amf_value *v = NULL;
  ertmp_reader r;

  ertmp_amf_decoder_reset (dec);
  ertmp_reader_init (&r, data, size);
  for (;;) {
    gsize pos = r.pos;

    if (ertmp_amf0_decode (dec, &r, &v) != ERTMP_OK) {
      if (r.pos != pos)
        abort ();
      break;
    }
    g_free (ertmp_amf_to_string (v));
    ertmp_amf_value_unref (v);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  ertmp_amf_decoder *dec = new_decoder ();
  GPtrArray *values = NULL;

  if (ertmp_amf0_decode_message (dec, data, size, &values) == ERTMP_OK) {
    check_roundtrip (values);
    g_ptr_array_unref (values);
  }
  walk_stream (dec, data, size);
  ertmp_amf_decoder_free (dec);
  return 0;
}
