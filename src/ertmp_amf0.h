/* gst-ertmp: AMF0 decoder and encoder
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ERTMP_AMF0_H
#define ERTMP_AMF0_H

#include "ertmp_amf.h"

G_BEGIN_DECLS

/* Decodes one AMF0 value at the reader's position (0x11 switches to AMF3
 * for exactly one value).  On OK the reader is past the value and *out holds
 * a new reference.  NEED_MORE: the input ends inside the value; the reader is
 * unchanged.  MALFORMED / UNSUPPORTED (MovieClip, RecordSet, unknown marker,
 * externalizable without resolver) / LIMIT: the reader is unchanged, *out is
 * untouched. */
ertmp_result ertmp_amf0_decode (ertmp_amf_decoder * dec, ertmp_reader * r,
    ertmp_amf_value ** out);

/* Decodes a whole message body (a command or data message: values until the
 * end).  Resets @dec first.  Tolerates what real peers send: an ECMA array
 * or object at top level whose end marker is missing at the end of the
 * message.  On OK *values is a new GPtrArray of new references (free with
 * g_ptr_array_unref).  A truncated value gives MALFORMED. */
ertmp_result ertmp_amf0_decode_message (ertmp_amf_decoder * dec,
    const guint8 * data, gsize len, GPtrArray ** values);

/* Appends the AMF0 encoding of @value.  Types without an AMF0 form
 * (INTEGER, XML, BYTE_ARRAY, VECTOR_*, DICTIONARY) and values flagged
 * ERTMP_AMF_FLAG_AMF3 are written as 0x11 + AMF3.  Strings over 65535 bytes
 * become long strings.  Returns UNSUPPORTED for a value that cannot be
 * represented (e.g. an AMF3 string longer than 2^28-1 bytes). */
ertmp_result ertmp_amf0_encode (GByteArray * out,
    const ertmp_amf_value * value);

/* Shortcuts for the top-level values of commands */
void ertmp_amf0_put_number (GByteArray * out, gdouble number);
void ertmp_amf0_put_string (GByteArray * out, const gchar * str);
void ertmp_amf0_put_null (GByteArray * out);

G_END_DECLS

#endif /* ERTMP_AMF0_H */
