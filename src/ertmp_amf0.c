/* gst-ertmp: AMF0 decoder and encoder (amf.md 1)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "ertmp_amf0.h"
#include "ertmp_amf3.h"
#include "ertmp_amf_private.h"

enum
{
  M_NUMBER = 0x00,
  M_BOOLEAN = 0x01,
  M_STRING = 0x02,
  M_OBJECT = 0x03,
  M_MOVIECLIP = 0x04,
  M_NULL = 0x05,
  M_UNDEFINED = 0x06,
  M_REFERENCE = 0x07,
  M_ECMA_ARRAY = 0x08,
  M_OBJECT_END = 0x09,
  M_STRICT_ARRAY = 0x0A,
  M_DATE = 0x0B,
  M_LONG_STRING = 0x0C,
  M_UNSUPPORTED = 0x0D,
  M_RECORDSET = 0x0E,
  M_XML_DOCUMENT = 0x0F,
  M_TYPED_OBJECT = 0x10,
  M_AVMPLUS = 0x11,
};

/* ---- decoding -------------------------------------------------------- */

static ertmp_result decode_value (ertmp_amf_decoder * dec, ertmp_reader * r,
    ertmp_amf_value ** out);

/* u16 or u32 length, then that many bytes, copied */
static ertmp_result
read_string (ertmp_reader * r, guint size, gchar ** str, gsize * len)
{
  ertmp_reader tmp = *r;
  const guint8 *p;
  guint32 n;

  if (!ertmp_reader_be (&tmp, size, &n) || !ertmp_reader_view (&tmp, n, &p))
    return ERTMP_NEED_MORE;
  *str = ertmp_amf_copy_bytes (p, n);
  *len = n;
  *r = tmp;
  return ERTMP_OK;
}

static ertmp_result
decode_text (ertmp_reader * r, ertmp_amf_type type, guint size,
    ertmp_amf_value ** out)
{
  ertmp_amf_value *v = ertmp_amf_new (type);
  ertmp_result res = read_string (r, size, &v->data, &v->data_len);

  if (res != ERTMP_OK)
    ertmp_amf_value_unref (v);
  else
    *out = v;
  return res;
}

/* Broken writers omit the end of a top-level object at the end of the
 * message (amf.md 1.1); like FFmpeg, fewer than 3 bytes left there end it,
 * provided they are a start of 00 00 09. */
static gboolean
tolerated_end (ertmp_amf_decoder * dec, ertmp_reader * r)
{
  gsize left = ertmp_reader_remaining (r);
  const guint8 *p = ertmp_reader_current (r);

  if (!dec->message || dec->depth != 1 || left > 2)
    return FALSE;
  if ((left >= 1 && p[0] != 0) || (left == 2 && p[1] != 0))
    return FALSE;
  r->pos = r->len;
  return TRUE;
}

/* Reads the key of the next property; *end is TRUE at 00 00 09 */
static ertmp_result
read_key (ertmp_amf_decoder * dec, ertmp_reader * r, gchar ** key, gsize * len,
    gboolean * end)
{
  guint32 n;

  *end = tolerated_end (dec, r);
  if (*end)
    return ERTMP_OK;
  if (!ertmp_reader_peek_be (r, 2, &n))
    return ERTMP_NEED_MORE;
  if (n == 0) {
    /* an empty key ends the object when the object-end marker follows;
     * with another value it is accepted as the key "" */
    if (!ertmp_reader_peek_be (r, 3, &n))
      return ERTMP_NEED_MORE;
    if (n == M_OBJECT_END) {
      ertmp_reader_skip (r, 3);
      *end = TRUE;
      return ERTMP_OK;
    }
  }
  return read_string (r, 2, key, len);
}

/* Properties until the object end (Object, ECMA array, Typed object) */
static ertmp_result
decode_props (ertmp_amf_decoder * dec, ertmp_reader * r, ertmp_amf_value * v)
{
  ertmp_result res = ertmp_amf_dec_enter (dec);

  if (res != ERTMP_OK)
    return res;
  while (res == ERTMP_OK) {
    ertmp_amf_value *child;
    gchar *key = NULL;
    gsize len = 0;
    gboolean end;

    res = read_key (dec, r, &key, &len, &end);
    if (res != ERTMP_OK || end)
      break;
    res = decode_value (dec, r, &child);
    if (res != ERTMP_OK) {
      g_free (key);
      break;
    }
    ertmp_amf_take_prop (v, key, len, child);
  }
  ertmp_amf_dec_leave (dec);
  return res;
}

static ertmp_result
decode_items (ertmp_amf_decoder * dec, ertmp_reader * r, ertmp_amf_value * v,
    guint32 count)
{
  ertmp_result res;
  guint32 i;

  /* every value takes at least one byte: no slot before it exists */
  if (count > ertmp_reader_remaining (r))
    return ERTMP_NEED_MORE;
  res = ertmp_amf_dec_enter (dec);
  if (res != ERTMP_OK)
    return res;
  for (i = 0; i < count && res == ERTMP_OK; i++) {
    ertmp_amf_value *child;

    res = decode_value (dec, r, &child);
    if (res == ERTMP_OK)
      ertmp_amf_append (v, child);
  }
  ertmp_amf_dec_leave (dec);
  return res;
}

static const ertmp_amf_type complex_types[] = {
    [M_OBJECT] = ERTMP_AMF_OBJECT,
    [M_ECMA_ARRAY] = ERTMP_AMF_ECMA_ARRAY,
    [M_STRICT_ARRAY] = ERTMP_AMF_ARRAY,
    [M_TYPED_OBJECT] = ERTMP_AMF_OBJECT,
};

/* Object (0x03), Typed object (0x10), ECMA array (0x08), Strict array
 * (0x0A): numbered in the reference table when their marker is read
 * (amf.md 1.2) */
static ertmp_result
decode_complex (ertmp_amf_decoder * dec, ertmp_reader * r, guint8 marker,
    gsize marker_pos, ertmp_amf_value ** out)
{
  ertmp_amf_value *v;
  ertmp_amf_open o;
  ertmp_result res = ERTMP_OK;
  gsize len;
  guint32 count = 0;

  v = ertmp_amf_new (complex_types[marker]);
  if (marker == M_TYPED_OBJECT)
    res = read_string (r, 2, &v->class_name, &len);
  else if (marker != M_OBJECT && !ertmp_reader_u32be (r, &count))
    res = ERTMP_NEED_MORE;
  if (res != ERTMP_OK) {
    ertmp_amf_value_unref (v);
    return res;
  }
  ertmp_amf_dec_open (dec, dec->refs0, v, marker_pos, &o);
  if (marker == M_STRICT_ARRAY) {
    res = decode_items (dec, r, v, count);
  } else {
    /* the ECMA count is advisory (amf.md 1.1): read until the end */
    v->ecma_count = count;
    res = decode_props (dec, r, v);
  }
  if (res != ERTMP_OK) {
    ertmp_amf_value_unref (v);
    return res;
  }
  ertmp_amf_dec_close (dec, dec->refs0, r, &o);
  *out = v;
  return ERTMP_OK;
}

/* Number, Boolean, Null, Undefined, Date, Unsupported */
static ertmp_result
decode_scalar (ertmp_reader * r, guint8 marker, ertmp_amf_value ** out)
{
  ertmp_reader tmp = *r;
  gdouble d = 0;
  guint16 tz = 0;
  guint8 b = 0;

  if ((marker == M_NUMBER || marker == M_DATE) &&
      !ertmp_reader_f64be (&tmp, &d))
    return ERTMP_NEED_MORE;
  if ((marker == M_DATE && !ertmp_reader_u16be (&tmp, &tz)) ||
      (marker == M_BOOLEAN && !ertmp_reader_u8 (&tmp, &b)))
    return ERTMP_NEED_MORE;
  switch (marker) {
    case M_NUMBER:
      *out = ertmp_amf_new_number (d);
      break;
    case M_DATE:
      *out = ertmp_amf_new_date (d);
      /* reserved: kept, ignored */
      (*out)->timezone = (gint16) tz;
      break;
    case M_BOOLEAN:
      *out = ertmp_amf_new_boolean (b != 0);
      break;
    case M_NULL:
      *out = ertmp_amf_new (ERTMP_AMF_NULL);
      break;
    case M_UNDEFINED:
      *out = ertmp_amf_new (ERTMP_AMF_UNDEFINED);
      break;
    default:
      *out = ertmp_amf_new (ERTMP_AMF_UNSUPPORTED);
      break;
  }
  *r = tmp;
  return ERTMP_OK;
}

static ertmp_result
decode_value (ertmp_amf_decoder * dec, ertmp_reader * r, ertmp_amf_value ** out)
{
  gsize pos = r->pos;
  ertmp_result res;
  guint16 index;
  guint8 marker;

  if (!ertmp_reader_u8 (r, &marker))
    return ERTMP_NEED_MORE;
  res = ertmp_amf_dec_count (dec, 1, 0);
  if (res != ERTMP_OK)
    return res;
  switch (marker) {
    case M_NUMBER:
    case M_BOOLEAN:
    case M_NULL:
    case M_UNDEFINED:
    case M_DATE:
    case M_UNSUPPORTED:
      return decode_scalar (r, marker, out);
    case M_STRING:
      return decode_text (r, ERTMP_AMF_STRING, 2, out);
    case M_LONG_STRING:
      return decode_text (r, ERTMP_AMF_STRING, 4, out);
    case M_XML_DOCUMENT:
      return decode_text (r, ERTMP_AMF_XML_DOCUMENT, 4, out);
    case M_OBJECT:
    case M_TYPED_OBJECT:
    case M_ECMA_ARRAY:
    case M_STRICT_ARRAY:
      return decode_complex (dec, r, marker, pos, out);
    case M_REFERENCE:
      if (!ertmp_reader_u16be (r, &index))
        return ERTMP_NEED_MORE;
      return ertmp_amf_dec_lookup (dec, dec->refs0, index, out);
    case M_AVMPLUS:
      /* exactly one AMF3 value, then back to AMF0 */
      return ertmp_amf3_decode_value (dec, r, out);
    case M_MOVIECLIP:
    case M_RECORDSET:
      return ERTMP_UNSUPPORTED;
    default:
      /* object end out of place, unknown marker */
      return ERTMP_MALFORMED;
  }
}

ertmp_result
ertmp_amf0_decode (ertmp_amf_decoder * dec, ertmp_reader * r,
    ertmp_amf_value ** out)
{
  g_return_val_if_fail (dec != NULL && r != NULL && out != NULL, ERTMP_STATE);

  return ertmp_amf_dec_run (dec, r, out, decode_value);
}

ertmp_result
ertmp_amf0_decode_message (ertmp_amf_decoder * dec, const guint8 * data,
    gsize len, GPtrArray ** values)
{
  static const ertmp_amf_mark empty = {0, 0, 0, 0, 0, 0};
  ertmp_result res = ERTMP_OK;
  ertmp_reader r;
  GPtrArray *arr;

  g_return_val_if_fail (dec != NULL && values != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);

  ertmp_amf_decoder_reset (dec);
  ertmp_reader_init (&r, data, len);
  arr = g_ptr_array_new_with_free_func ((GDestroyNotify) ertmp_amf_value_unref);
  dec->message = TRUE;
  while (res == ERTMP_OK && ertmp_reader_remaining (&r) > 0) {
    ertmp_amf_value *v;

    res = decode_value (dec, &r, &v);
    if (res == ERTMP_OK)
      g_ptr_array_add (arr, v);
  }
  dec->message = FALSE;
  /* the tables have served this message; the limit hit stays readable */
  ertmp_amf_dec_rollback (dec, &empty);
  if (res != ERTMP_OK) {
    g_ptr_array_unref (arr);
    /* the message is complete: a value it cuts short is broken */
    return res == ERTMP_NEED_MORE ? ERTMP_MALFORMED : res;
  }
  *values = arr;
  return ERTMP_OK;
}

/* ---- encoding -------------------------------------------------------- */

static ertmp_result encode_value (GByteArray * out, const ertmp_amf_value * v);

/* Values that only AMF3 can carry go out as 0x11 + AMF3 */
static gboolean
needs_amf3 (const ertmp_amf_value * v)
{
  if (v->flags & (ERTMP_AMF_FLAG_AMF3 | ERTMP_AMF_FLAG_EXTERNALIZABLE))
    return TRUE;
  switch (v->type) {
    case ERTMP_AMF_INTEGER:
    case ERTMP_AMF_XML:
    case ERTMP_AMF_BYTE_ARRAY:
    case ERTMP_AMF_VECTOR_INT:
    case ERTMP_AMF_VECTOR_UINT:
    case ERTMP_AMF_VECTOR_DOUBLE:
    case ERTMP_AMF_VECTOR_OBJECT:
    case ERTMP_AMF_DICTIONARY:
      return TRUE;
    case ERTMP_AMF_ARRAY:
      /* a strict array has no associative part */
      return v->props != NULL && v->props->len > 0;
    default:
      return FALSE;
  }
}

/* With a u16 length under @short_marker when it fits (0: never), else
 * with a u32 length under @long_marker */
static ertmp_result
put_text (GByteArray * out, guint8 short_marker, guint8 long_marker,
    const gchar * data, gsize len)
{
  if (short_marker != 0 && len <= G_MAXUINT16) {
    ertmp_put_u8 (out, short_marker);
    ertmp_put_u16be (out, (guint16) len);
  } else if (len <= G_MAXUINT32) {
    ertmp_put_u8 (out, long_marker);
    ertmp_put_u32be (out, (guint32) len);
  } else {
    return ERTMP_UNSUPPORTED;
  }
  ertmp_put_bytes (out, data, len);
  return ERTMP_OK;
}

static ertmp_result
put_key (GByteArray * out, const gchar * name, gsize len)
{
  if (len > G_MAXUINT16)
    return ERTMP_UNSUPPORTED;
  ertmp_put_u16be (out, (guint16) len);
  ertmp_put_bytes (out, name, len);
  return ERTMP_OK;
}

static ertmp_result
put_props (GByteArray * out, const GArray * props)
{
  ertmp_result res = ERTMP_OK;
  guint i;

  for (i = 0; props && i < props->len && res == ERTMP_OK; i++) {
    const ertmp_amf_prop *p = &g_array_index (props, ertmp_amf_prop, i);

    res = put_key (out, p->name, p->name_len);
    if (res == ERTMP_OK)
      res = encode_value (out, p->value);
  }
  /* object end: empty key, marker 0x09 */
  ertmp_put_be (out, 3, M_OBJECT_END);
  return res;
}

static ertmp_result
put_items (GByteArray * out, const GPtrArray * items)
{
  ertmp_result res = ERTMP_OK;
  guint i, n = items ? items->len : 0;

  ertmp_put_u8 (out, M_STRICT_ARRAY);
  ertmp_put_u32be (out, n);
  for (i = 0; i < n && res == ERTMP_OK; i++)
    res = encode_value (out, g_ptr_array_index (items, i));
  return res;
}

static ertmp_result
put_object (GByteArray * out, const ertmp_amf_value * v)
{
  ertmp_result res = ERTMP_OK;

  if (v->type == ERTMP_AMF_ECMA_ARRAY) {
    /* the exact count, as FFmpeg writes it */
    ertmp_put_u8 (out, M_ECMA_ARRAY);
    ertmp_put_u32be (out, ertmp_amf_n_props (v));
  } else if (v->class_name != NULL) {
    ertmp_put_u8 (out, M_TYPED_OBJECT);
    res = put_key (out, v->class_name, strlen (v->class_name));
  } else {
    ertmp_put_u8 (out, M_OBJECT);
  }
  if (res != ERTMP_OK)
    return res;
  return put_props (out, v->props);
}

static ertmp_result
encode_value (GByteArray * out, const ertmp_amf_value * v)
{
  if (needs_amf3 (v)) {
    ertmp_put_u8 (out, M_AVMPLUS);
    return ertmp_amf3_encode (out, v);
  }
  switch (v->type) {
    case ERTMP_AMF_NUMBER:
      ertmp_amf0_put_number (out, v->number);
      return ERTMP_OK;
    case ERTMP_AMF_BOOLEAN:
      ertmp_put_u8 (out, M_BOOLEAN);
      ertmp_put_u8 (out, v->boolean ? 1 : 0);
      return ERTMP_OK;
    case ERTMP_AMF_STRING:
      return put_text (out, M_STRING, M_LONG_STRING, v->data, v->data_len);
    case ERTMP_AMF_XML_DOCUMENT:
      return put_text (out, 0, M_XML_DOCUMENT, v->data, v->data_len);
    case ERTMP_AMF_DATE:
      ertmp_put_u8 (out, M_DATE);
      ertmp_put_f64be (out, v->number);
      /* time zone: reserved, written as 0 (amf.md 1.1) */
      ertmp_put_u16be (out, 0);
      return ERTMP_OK;
    case ERTMP_AMF_OBJECT:
    case ERTMP_AMF_ECMA_ARRAY:
      return put_object (out, v);
    case ERTMP_AMF_ARRAY:
      return put_items (out, v->items);
    case ERTMP_AMF_NULL:
      ertmp_put_u8 (out, M_NULL);
      return ERTMP_OK;
    case ERTMP_AMF_UNSUPPORTED:
      ertmp_put_u8 (out, M_UNSUPPORTED);
      return ERTMP_OK;
    default:
      ertmp_put_u8 (out, M_UNDEFINED);
      return ERTMP_OK;
  }
}

ertmp_result
ertmp_amf0_encode (GByteArray * out, const ertmp_amf_value * value)
{
  g_return_val_if_fail (out != NULL && value != NULL, ERTMP_STATE);

  return ertmp_amf_enc_run (out, value, encode_value);
}

void
ertmp_amf0_put_number (GByteArray * out, gdouble number)
{
  g_return_if_fail (out != NULL);

  ertmp_put_u8 (out, M_NUMBER);
  ertmp_put_f64be (out, number);
}

void
ertmp_amf0_put_string (GByteArray * out, const gchar * str)
{
  g_return_if_fail (out != NULL && str != NULL);

  put_text (out, M_STRING, M_LONG_STRING, str, strlen (str));
}

void
ertmp_amf0_put_null (GByteArray * out)
{
  g_return_if_fail (out != NULL);

  ertmp_put_u8 (out, M_NULL);
}
