/* gst-ertmp: fuzz target for the AMF3 decoder
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is a sequence of AMF3 values sharing one set of reference
 * tables.  Each value that decodes is encoded again (without references),
 * decoded by a fresh decoder, and must be equal.  A call that fails must
 * leave the reader where it was.  Any mismatch aborts.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ertmp_amf3.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

static void
check_roundtrip (const ertmp_amf_value * v)
{
  ertmp_amf_decoder *dec = fuzz_new_decoder ();
  GByteArray *out = g_byte_array_new ();
  ertmp_amf_value *back = NULL;
  ertmp_reader r;

  if (ertmp_amf3_encode (out, v) != ERTMP_OK)
    abort ();
  ertmp_reader_init (&r, out->data, out->len);
  if (ertmp_amf3_decode (dec, &r, &back) != ERTMP_OK || r.pos != out->len ||
      !ertmp_amf_equal (v, back))
    abort ();
  g_free (ertmp_amf_to_string (back));
  ertmp_amf_value_unref (back);
  g_byte_array_unref (out);
  ertmp_amf_decoder_free (dec);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  ertmp_amf_decoder *dec = fuzz_new_decoder ();
  ertmp_amf_value *v = NULL;
  ertmp_reader r;

  ertmp_reader_init (&r, data, size);
  while (fuzz_next_value (ertmp_amf3_decode, dec, &r, &v)) {
    check_roundtrip (v);
    ertmp_amf_value_unref (v);
  }
  ertmp_amf_decoder_free (dec);
  return 0;
}
