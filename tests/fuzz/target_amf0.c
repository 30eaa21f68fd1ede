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

#include "ertmp_amf0.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

static void
check_roundtrip (GPtrArray * values)
{
  ertmp_amf_decoder *dec = fuzz_new_decoder ();
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
  while (fuzz_next_value (ertmp_amf0_decode, dec, &r, &v)) {
    g_free (ertmp_amf_to_string (v));
    ertmp_amf_value_unref (v);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  ertmp_amf_decoder *dec = fuzz_new_decoder ();
  GPtrArray *values = NULL;

  if (ertmp_amf0_decode_message (dec, data, size, &values) == ERTMP_OK) {
    check_roundtrip (values);
    g_ptr_array_unref (values);
  }
  walk_stream (dec, data, size);
  ertmp_amf_decoder_free (dec);
  return 0;
}
