/* gst-ertmp: AMF3 decoder and encoder
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ERTMP_AMF3_H
#define ERTMP_AMF3_H

#include "ertmp_amf.h"

G_BEGIN_DECLS

#define ERTMP_AMF3_U29_MAX 0x1FFFFFFFu
#define ERTMP_AMF3_INT_MIN (-(1 << 28))
#define ERTMP_AMF3_INT_MAX ((1 << 28) - 1)

/* U29 (amf.md 2.1).  Reader unchanged on NEED_MORE. */
ertmp_result ertmp_amf3_read_u29 (ertmp_reader * r, guint32 * out);
/* @v must be <= ERTMP_AMF3_U29_MAX */
void ertmp_amf3_put_u29 (GByteArray * out, guint32 v);

/* Decodes one AMF3 value; the reference tables of @dec are used and grown
 * (they persist until ertmp_amf_decoder_reset).  Same contract as
 * ertmp_amf0_decode.  Decoded values carry ERTMP_AMF_FLAG_AMF3. */
ertmp_result ertmp_amf3_decode (ertmp_amf_decoder * dec, ertmp_reader * r,
    ertmp_amf_value ** out);

/* Appends the AMF3 encoding of @value, never using references.  NUMBER is
 * written as double, INTEGER as integer (as double when out of the 29-bit
 * range), AMF0-only types map to their AMF3 counterparts (ECMA_ARRAY to an
 * associative array, UNSUPPORTED to undefined). */
ertmp_result ertmp_amf3_encode (GByteArray * out,
    const ertmp_amf_value * value);

G_END_DECLS

#endif /* ERTMP_AMF3_H */
