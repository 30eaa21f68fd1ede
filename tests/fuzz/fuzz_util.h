/* gst-ertmp: helpers shared by the AMF fuzz targets
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ERTMP_FUZZ_UTIL_H
#define ERTMP_FUZZ_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "ertmp_amf.h"

/* ertmp_amf0_decode or ertmp_amf3_decode */
typedef ertmp_result (*fuzz_decode_fn) (ertmp_amf_decoder * dec,
    ertmp_reader * r, ertmp_amf_value ** out);

/* Externalizable class "Foo": a u8 length, then that many bytes */
static inline ertmp_result
fuzz_foo_resolver (const gchar * class_name, const guint8 * data, gsize avail,
    gsize * len, gpointer user_data)
{
  if (strcmp (class_name, "Foo") != 0)
    return ERTMP_UNSUPPORTED;
  if (avail < 1)
    return ERTMP_NEED_MORE;
  *len = 1 + (gsize) data[0];
  return ERTMP_OK;
}

static inline ertmp_amf_decoder *
fuzz_new_decoder (void)
{
  ertmp_amf_decoder *dec;
  ertmp_limits limits;

  /* low enough for the fuzzer to reach */
  ertmp_limits_init (&limits);
  limits.amf_max_depth = 16;
  limits.amf_max_values = 4096;
  limits.max_message_size = 1 << 20;
  dec = ertmp_amf_decoder_new (&limits);
  ertmp_amf_decoder_set_ext_resolver (dec, fuzz_foo_resolver, NULL);
  return dec;
}

/* The next value of a stream into *v: FALSE when @decode fails, which must
 * leave the reader where it was */
static inline gboolean
fuzz_next_value (fuzz_decode_fn decode, ertmp_amf_decoder * dec,
    ertmp_reader * r, ertmp_amf_value ** v)
{
  gsize pos = r->pos;

  if (decode (dec, r, v) == ERTMP_OK)
    return TRUE;
  if (r->pos != pos)
    abort ();
  return FALSE;
}

#endif /* ERTMP_FUZZ_UTIL_H */
