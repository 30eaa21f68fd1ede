/* gst-ertmp: AMF3 encoder, never with references (amf.md 2)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "ertmp_amf3_private.h"
#include "ertmp_amf_private.h"

static ertmp_result encode_value (GByteArray * out, const ertmp_amf_value * v);

static ertmp_result
put_str (GByteArray * out, const gchar * str, gsize len)
{
  if (len > (ERTMP_AMF3_U29_MAX >> 1))
    return ERTMP_UNSUPPORTED;
  ertmp_amf3_put_u29 (out, ((guint32) len << 1) | 1);
  ertmp_put_bytes (out, str, len);
  return ERTMP_OK;
}

static ertmp_result
put_name (GByteArray * out, const gchar * name)
{
  return put_str (out, name ? name : "", name ? strlen (name) : 0);
}

/* marker + U29 literal header carrying @count */
static ertmp_result
put_header (GByteArray * out, guint8 marker, gsize count)
{
  if (count > (ERTMP_AMF3_U29_MAX >> 1))
    return ERTMP_UNSUPPORTED;
  ertmp_put_u8 (out, marker);
  ertmp_amf3_put_u29 (out, ((guint32) count << 1) | 1);
  return ERTMP_OK;
}

/* props from @from on as name, value; then the empty name */
static ertmp_result
put_assoc (GByteArray * out, const GArray * props, guint from)
{
  ertmp_result res = ERTMP_OK;
  guint i;

  for (i = from; props && i < props->len && res == ERTMP_OK; i++) {
    const ertmp_amf_prop *p = &g_array_index (props, ertmp_amf_prop, i);

    /* the empty name ends the list: it cannot be a member name */
    if (p->name_len == 0)
      return ERTMP_UNSUPPORTED;
    res = put_str (out, p->name, p->name_len);
    if (res == ERTMP_OK)
      res = encode_value (out, p->value);
  }
  ertmp_put_u8 (out, 0x01);
  return res;
}

static ertmp_result
put_items (GByteArray * out, const GPtrArray * items)
{
  ertmp_result res = ERTMP_OK;
  guint i;

  for (i = 0; items && i < items->len && res == ERTMP_OK; i++)
    res = encode_value (out, g_ptr_array_index (items, i));
  return res;
}

/* Traits always inline: sealed names, then dynamic when the value says so
 * or has more props than sealed ones (an AMF0 object) */
static ertmp_result
put_object (GByteArray * out, const ertmp_amf_value * v)
{
  guint n = ertmp_amf_n_props (v), sealed = MIN (v->sealed_count, n), i;
  gboolean dynamic = (v->flags & ERTMP_AMF_FLAG_DYNAMIC) || n > sealed;
  ertmp_result res;

  ertmp_put_u8 (out, ERTMP_AMF3_MARKER_OBJECT);
  if (v->flags & ERTMP_AMF_FLAG_EXTERNALIZABLE) {
    ertmp_amf3_put_u29 (out, 0x07);
    res = put_name (out, v->class_name);
    ertmp_put_bytes (out, v->data, v->data_len);
    return res;
  }
  if (sealed > (ERTMP_AMF3_U29_MAX >> 4))
    return ERTMP_UNSUPPORTED;
  ertmp_amf3_put_u29 (out, (sealed << 4) | (dynamic ? 0x08 : 0) | 0x03);
  res = put_name (out, v->class_name);
  for (i = 0; i < sealed && res == ERTMP_OK; i++) {
    const ertmp_amf_prop *p = &g_array_index (v->props, ertmp_amf_prop, i);
    res = put_str (out, p->name, p->name_len);
  }
  for (i = 0; i < sealed && res == ERTMP_OK; i++)
    res = encode_value (out, g_array_index (v->props, ertmp_amf_prop, i).value);
  if (res == ERTMP_OK && dynamic)
    res = put_assoc (out, v->props, sealed);
  return res;
}

/* Vector<int>, Vector<uint>, Vector<Number> */
static ertmp_result
put_vector (GByteArray * out, guint8 marker, const ertmp_amf_value * v)
{
  guint size = marker == ERTMP_AMF3_MARKER_VECTOR_DOUBLE ? 8 : 4;
  guint n = ertmp_amf_n_items (v);
  ertmp_result res;
  guint i;

  if (n > 0 && g_array_get_element_size (v->vector) != size)
    return ERTMP_UNSUPPORTED;
  res = put_header (out, marker, n);
  if (res != ERTMP_OK)
    return res;
  ertmp_put_u8 (out, (v->flags & ERTMP_AMF_FLAG_FIXED) ? 1 : 0);
  for (i = 0; i < n; i++) {
    if (size == 8)
      ertmp_put_f64be (out, g_array_index (v->vector, gdouble, i));
    else
      ertmp_put_u32be (out, g_array_index (v->vector, guint32, i));
  }
  return ERTMP_OK;
}

/* Array (dense + associative), Vector<Object>, Dictionary */
static ertmp_result
put_container (GByteArray * out, guint8 marker, const ertmp_amf_value * v)
{
  guint n = v->items ? v->items->len : 0;
  ertmp_result res;

  if (marker == ERTMP_AMF3_MARKER_DICTIONARY && n % 2 != 0)
    return ERTMP_UNSUPPORTED;
  res = put_header (out, marker,
      marker == ERTMP_AMF3_MARKER_DICTIONARY ? n / 2 : n);
  if (res != ERTMP_OK)
    return res;
  if (marker == ERTMP_AMF3_MARKER_ARRAY) {
    res = put_assoc (out, v->props, 0);
  } else {
    ertmp_put_u8 (out,
        (v->flags & (ERTMP_AMF_FLAG_FIXED | ERTMP_AMF_FLAG_WEAK_KEYS)) ? 1 : 0);
    if (marker == ERTMP_AMF3_MARKER_VECTOR_OBJECT)
      res = put_name (out, v->class_name ? v->class_name : "*");
  }
  if (res == ERTMP_OK)
    res = put_items (out, v->items);
  return res;
}

static ertmp_result
put_blob (GByteArray * out, guint8 marker, const ertmp_amf_value * v)
{
  ertmp_result res = put_header (out, marker, v->data_len);

  if (res == ERTMP_OK)
    ertmp_put_bytes (out, v->data, v->data_len);
  return res;
}

static ertmp_result
encode_value (GByteArray * out, const ertmp_amf_value * v)
{
  switch (v->type) {
    case ERTMP_AMF_NULL:
      ertmp_put_u8 (out, ERTMP_AMF3_MARKER_NULL);
      return ERTMP_OK;
    case ERTMP_AMF_BOOLEAN:
      ertmp_put_u8 (out,
          v->boolean ? ERTMP_AMF3_MARKER_TRUE : ERTMP_AMF3_MARKER_FALSE);
      return ERTMP_OK;
    case ERTMP_AMF_INTEGER:
      if (v->integer >= ERTMP_AMF3_INT_MIN &&
          v->integer <= ERTMP_AMF3_INT_MAX) {
        ertmp_put_u8 (out, ERTMP_AMF3_MARKER_INTEGER);
        ertmp_amf3_put_u29 (out, (guint32) v->integer & ERTMP_AMF3_U29_MAX);
        return ERTMP_OK;
      }
      ertmp_put_u8 (out, ERTMP_AMF3_MARKER_DOUBLE);
      ertmp_put_f64be (out, v->integer);
      return ERTMP_OK;
    case ERTMP_AMF_NUMBER:
    case ERTMP_AMF_DATE:
      ertmp_put_u8 (out, v->type == ERTMP_AMF_DATE ? ERTMP_AMF3_MARKER_DATE
          : ERTMP_AMF3_MARKER_DOUBLE);
      if (v->type == ERTMP_AMF_DATE)
        ertmp_amf3_put_u29 (out, 0x01);
      ertmp_put_f64be (out, v->number);
      return ERTMP_OK;
    case ERTMP_AMF_STRING:
      ertmp_put_u8 (out, ERTMP_AMF3_MARKER_STRING);
      return put_str (out, v->data, v->data_len);
    case ERTMP_AMF_XML_DOCUMENT:
      return put_blob (out, ERTMP_AMF3_MARKER_XML_DOCUMENT, v);
    case ERTMP_AMF_XML:
      return put_blob (out, ERTMP_AMF3_MARKER_XML, v);
    case ERTMP_AMF_BYTE_ARRAY:
      return put_blob (out, ERTMP_AMF3_MARKER_BYTE_ARRAY, v);
    case ERTMP_AMF_OBJECT:
      return put_object (out, v);
    case ERTMP_AMF_ECMA_ARRAY:
      /* an associative array without dense part */
      ertmp_put_u8 (out, ERTMP_AMF3_MARKER_ARRAY);
      ertmp_amf3_put_u29 (out, 0x01);
      return put_assoc (out, v->props, 0);
    case ERTMP_AMF_ARRAY:
      return put_container (out, ERTMP_AMF3_MARKER_ARRAY, v);
    case ERTMP_AMF_VECTOR_INT:
      return put_vector (out, ERTMP_AMF3_MARKER_VECTOR_INT, v);
    case ERTMP_AMF_VECTOR_UINT:
      return put_vector (out, ERTMP_AMF3_MARKER_VECTOR_UINT, v);
    case ERTMP_AMF_VECTOR_DOUBLE:
      return put_vector (out, ERTMP_AMF3_MARKER_VECTOR_DOUBLE, v);
    case ERTMP_AMF_VECTOR_OBJECT:
      return put_container (out, ERTMP_AMF3_MARKER_VECTOR_OBJECT, v);
    case ERTMP_AMF_DICTIONARY:
      return put_container (out, ERTMP_AMF3_MARKER_DICTIONARY, v);
    default:
      /* undefined; AMF0 unsupported */
      ertmp_put_u8 (out, ERTMP_AMF3_MARKER_UNDEFINED);
      return ERTMP_OK;
  }
}

ertmp_result
ertmp_amf3_encode (GByteArray * out, const ertmp_amf_value * value)
{
  g_return_val_if_fail (out != NULL && value != NULL, ERTMP_STATE);

  return ertmp_amf_enc_run (out, value, encode_value);
}
