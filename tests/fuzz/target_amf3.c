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
#include <string.h>

#include "ertmp_amf3.h"

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
check_roundtrip (const ertmp_amf_value * v)
{
  ertmp_amf_decoder *dec = new_decoder ();
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
  ertmp_amf_decoder *dec = new_decoder ();
  ertmp_amf_value *v = NULL;
  ertmp_reader r;

  ertmp_reader_init (&r, data, size);
  for (;;) {
    gsize pos = r.pos;

    if (ertmp_amf3_decode (dec, &r, &v) != ERTMP_OK) {
      if (r.pos != pos)
        abort ();
      break;
    }
    check_roundtrip (v);
    ertmp_amf_value_unref (v);
  }
  ertmp_amf_decoder_free (dec);
  return 0;
}
