/* gst-ertmp: AMF3 U29 and decoder (amf.md 2)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "ertmp_amf3_private.h"
#include "ertmp_amf_private.h"

/* Value types by marker */
static const ertmp_amf_type types[] = {
    [ERTMP_AMF3_MARKER_UNDEFINED] = ERTMP_AMF_UNDEFINED,
    [ERTMP_AMF3_MARKER_NULL] = ERTMP_AMF_NULL,
    [ERTMP_AMF3_MARKER_FALSE] = ERTMP_AMF_BOOLEAN,
    [ERTMP_AMF3_MARKER_TRUE] = ERTMP_AMF_BOOLEAN,
    [ERTMP_AMF3_MARKER_INTEGER] = ERTMP_AMF_INTEGER,
    [ERTMP_AMF3_MARKER_DOUBLE] = ERTMP_AMF_NUMBER,
    [ERTMP_AMF3_MARKER_STRING] = ERTMP_AMF_STRING,
    [ERTMP_AMF3_MARKER_XML_DOCUMENT] = ERTMP_AMF_XML_DOCUMENT,
    [ERTMP_AMF3_MARKER_DATE] = ERTMP_AMF_DATE,
    [ERTMP_AMF3_MARKER_ARRAY] = ERTMP_AMF_ARRAY,
    [ERTMP_AMF3_MARKER_OBJECT] = ERTMP_AMF_OBJECT,
    [ERTMP_AMF3_MARKER_XML] = ERTMP_AMF_XML,
    [ERTMP_AMF3_MARKER_BYTE_ARRAY] = ERTMP_AMF_BYTE_ARRAY,
    [ERTMP_AMF3_MARKER_VECTOR_INT] = ERTMP_AMF_VECTOR_INT,
    [ERTMP_AMF3_MARKER_VECTOR_UINT] = ERTMP_AMF_VECTOR_UINT,
    [ERTMP_AMF3_MARKER_VECTOR_DOUBLE] = ERTMP_AMF_VECTOR_DOUBLE,
    [ERTMP_AMF3_MARKER_VECTOR_OBJECT] = ERTMP_AMF_VECTOR_OBJECT,
    [ERTMP_AMF3_MARKER_DICTIONARY] = ERTMP_AMF_DICTIONARY,
};

/* ---- U29 ------------------------------------------------------------- */

ertmp_result
ertmp_amf3_read_u29 (ertmp_reader * r, guint32 * out)
{
  ertmp_reader tmp;
  guint32 v = 0;
  guint8 b;
  guint i;

  g_return_val_if_fail (r != NULL && out != NULL, ERTMP_STATE);

  tmp = *r;
  for (i = 0; i < 3; i++) {
    if (!ertmp_reader_u8 (&tmp, &b))
      return ERTMP_NEED_MORE;
    v = (v << 7) | (b & 0x7F);
    if (b < 0x80)
      break;
  }
  if (i == 3) {
    /* the 4th byte carries 8 bits (amf.md 2.1) */
    if (!ertmp_reader_u8 (&tmp, &b))
      return ERTMP_NEED_MORE;
    v = (v << 8) | b;
  }
  *out = v;
  *r = tmp;
  return ERTMP_OK;
}

void
ertmp_amf3_put_u29 (GByteArray * out, guint32 v)
{
  g_return_if_fail (out != NULL && v <= ERTMP_AMF3_U29_MAX);

  if (v >= 0x200000) {
    ertmp_put_u8 (out, (guint8) (0x80 | (v >> 22)));
    ertmp_put_u8 (out, (guint8) (0x80 | ((v >> 15) & 0x7F)));
    ertmp_put_u8 (out, (guint8) (0x80 | ((v >> 8) & 0x7F)));
    ertmp_put_u8 (out, (guint8) v);
    return;
  }
  if (v >= 0x4000)
    ertmp_put_u8 (out, (guint8) (0x80 | (v >> 14)));
  if (v >= 0x80)
    ertmp_put_u8 (out, (guint8) (0x80 | ((v >> 7) & 0x7F)));
  ertmp_put_u8 (out, (guint8) (v & 0x7F));
}

/* ---- decoding -------------------------------------------------------- */

static ertmp_amf_value *
new3 (ertmp_amf_type type)
{
  ertmp_amf_value *v = ertmp_amf_new (type);

  v->flags = ERTMP_AMF_FLAG_AMF3;
  return v;
}

/* UTF-8-vr (amf.md 2.2, 2.3): a literal, entered in the string table unless
 * empty, or a reference into that table */
static ertmp_result
read_str (ertmp_amf_decoder * dec, ertmp_reader * r, gchar ** str, gsize * len)
{
  ertmp_amf_str e;
  const guint8 *p;
  ertmp_result res;
  guint32 h;

  res = ertmp_amf3_read_u29 (r, &h);
  if (res != ERTMP_OK)
    return res;
  if ((h & 1) == 0) {
    if ((h >> 1) >= dec->strings3->len)
      return ERTMP_MALFORMED;
    e = g_array_index (dec->strings3, ertmp_amf_str, h >> 1);
    res = ertmp_amf_dec_count (dec, 0, e.len);
    if (res != ERTMP_OK)
      return res;
    *str = ertmp_amf_copy_bytes ((const guint8 *) e.str, e.len);
    *len = e.len;
    return ERTMP_OK;
  }
  if (!ertmp_reader_view (r, h >> 1, &p))
    return ERTMP_NEED_MORE;
  *len = h >> 1;
  *str = ertmp_amf_copy_bytes (p, *len);
  if (*len > 0) {
    e.str = ertmp_amf_copy_bytes (p, *len);
    e.len = *len;
    g_array_append_val (dec->strings3, e);
  }
  return ERTMP_OK;
}

/* A class or type name, a C string: NULL when empty (or when a NUL ends it
 * at once, which is the same name written back) */
static ertmp_result
read_name (ertmp_amf_decoder * dec, ertmp_reader * r, gchar ** name)
{
  gsize len;
  ertmp_result res = read_str (dec, r, name, &len);

  if (res == ERTMP_OK && (*name)[0] == '\0')
    g_clear_pointer (name, g_free);
  return res;
}

/* undefined, null, false, true, integer, double, string */
static ertmp_result
decode_simple (ertmp_amf_decoder * dec, ertmp_reader * r, guint8 marker,
    ertmp_amf_value ** out)
{
  ertmp_amf_value *v;
  ertmp_result res = ERTMP_OK;
  guint32 u = 0;

  if (marker == ERTMP_AMF3_MARKER_INTEGER) {
    res = ertmp_amf3_read_u29 (r, &u);
    if (res != ERTMP_OK)
      return res;
  }
  v = new3 (types[marker]);
  v->boolean = marker == ERTMP_AMF3_MARKER_TRUE;
  /* 29-bit signed (amf.md 2.2) */
  v->integer = (u & 0x10000000u) ? (gint32) u - 0x20000000 : (gint32) u;
  if (marker == ERTMP_AMF3_MARKER_DOUBLE && !ertmp_reader_f64be (r, &v->number))
    res = ERTMP_NEED_MORE;
  else if (marker == ERTMP_AMF3_MARKER_STRING)
    res = read_str (dec, r, &v->data, &v->data_len);
  if (res != ERTMP_OK) {
    ertmp_amf_value_unref (v);
    return res;
  }
  *out = v;
  return ERTMP_OK;
}

/* Inline traits (amf.md 2.4), entered in the traits table */
static ertmp_result
read_inline_traits (ertmp_amf_decoder * dec, ertmp_reader * r, guint32 h,
    gsize pos, const ertmp_amf_traits ** out)
{
  ertmp_amf_traits *t = ertmp_amf_traits_new ();
  gsize bytes = dec->n_bytes;
  ertmp_result res;
  guint32 i, n;

  t->externalizable = (h & 7) == 7;
  t->dynamic = !t->externalizable && (h & 8) != 0;
  n = t->externalizable ? 0 : h >> 4;
  res = read_name (dec, r, &t->class_name);
  /* every name takes at least one byte: no slot before it exists */
  if (res == ERTMP_OK && n > ertmp_reader_remaining (r))
    res = ERTMP_NEED_MORE;
  for (i = 0; i < n && res == ERTMP_OK; i++) {
    ertmp_amf_str name;

    res = read_str (dec, r, &name.str, &name.len);
    if (res == ERTMP_OK)
      g_array_append_val (t->names, name);
  }
  if (res != ERTMP_OK) {
    ertmp_amf_traits_free (t);
    return res;
  }
  /* what a traits reference repeats */
  t->bytes = (r->pos - pos) + (dec->n_bytes - bytes);
  g_ptr_array_add (dec->traits3, t);
  *out = t;
  return ERTMP_OK;
}

static ertmp_result
read_traits (ertmp_amf_decoder * dec, ertmp_reader * r, guint32 h, gsize pos,
    const ertmp_amf_traits ** out)
{
  const ertmp_amf_traits *t;

  if ((h & 3) == 3)
    return read_inline_traits (dec, r, h, pos, out);
  if ((h >> 2) >= dec->traits3->len)
    return ERTMP_MALFORMED;
  t = g_ptr_array_index (dec->traits3, h >> 2);
  *out = t;
  return ertmp_amf_dec_count (dec, 0, t->bytes);
}

/* Body of an externalizable object: only a registered resolver knows its
 * length; it is kept as raw bytes */
static ertmp_result
decode_external (ertmp_amf_decoder * dec, ertmp_reader * r, ertmp_amf_value * v)
{
  gsize len = 0, avail = ertmp_reader_remaining (r);
  ertmp_result res;

  if (dec->ext_resolver == NULL)
    return ERTMP_UNSUPPORTED;
  res = dec->ext_resolver (v->class_name ? v->class_name : "",
      ertmp_reader_current (r), avail, &len, dec->ext_user_data);
  if (res == ERTMP_OK && len > avail)
    res = ERTMP_NEED_MORE;
  if (res != ERTMP_OK)
    return res == ERTMP_NEED_MORE || res == ERTMP_UNSUPPORTED ? res
                                                              : ERTMP_MALFORMED;
  v->data = ertmp_amf_copy_bytes (ertmp_reader_current (r), len);
  ertmp_reader_skip (r, len);
  v->data_len = len;
  v->flags |= ERTMP_AMF_FLAG_EXTERNALIZABLE;
  return ERTMP_OK;
}

/* Dynamic members or associative part: name, value until the empty name */
static ertmp_result
decode_assoc (ertmp_amf_decoder * dec, ertmp_reader * r, ertmp_amf_value * v)
{
  ertmp_result res;

  for (;;) {
    ertmp_amf_value *child;
    gchar *key;
    gsize len;

    res = read_str (dec, r, &key, &len);
    if (res != ERTMP_OK)
      return res;
    if (len == 0) {
      g_free (key);
      return ERTMP_OK;
    }
    res = ertmp_amf3_decode_value (dec, r, &child);
    if (res != ERTMP_OK) {
      g_free (key);
      return res;
    }
    ertmp_amf_take_prop (v, key, len, child);
  }
}

static ertmp_result
decode_members (ertmp_amf_decoder * dec, ertmp_reader * r, ertmp_amf_value * v,
    const ertmp_amf_traits * t)
{
  ertmp_result res = ertmp_amf_dec_enter (dec);
  guint i;

  if (res != ERTMP_OK)
    return res;
  for (i = 0; i < t->names->len && res == ERTMP_OK; i++) {
    const ertmp_amf_str *name = &g_array_index (t->names, ertmp_amf_str, i);
    ertmp_amf_value *child;

    res = ertmp_amf3_decode_value (dec, r, &child);
    if (res == ERTMP_OK)
      ertmp_amf_take_prop (v,
          ertmp_amf_copy_bytes ((const guint8 *) name->str, name->len),
          name->len, child);
  }
  v->sealed_count = t->names->len;
  if (res == ERTMP_OK && t->dynamic)
    res = decode_assoc (dec, r, v);
  ertmp_amf_dec_leave (dec);
  return res;
}

static ertmp_result
decode_object (ertmp_amf_decoder * dec, ertmp_reader * r, guint32 h, gsize pos,
    ertmp_amf_value ** out)
{
  const ertmp_amf_traits *t;
  ertmp_amf_value *v;
  ertmp_amf_open o;
  ertmp_result res;

  res = read_traits (dec, r, h, pos, &t);
  if (res != ERTMP_OK)
    return res;
  v = new3 (ERTMP_AMF_OBJECT);
  v->class_name = g_strdup (t->class_name);
  if (t->dynamic)
    v->flags |= ERTMP_AMF_FLAG_DYNAMIC;
  /* entered before its members (amf.md 2.3) */
  ertmp_amf_dec_open (dec, dec->objects3, v, pos, &o);
  if (t->externalizable)
    res = decode_external (dec, r, v);
  else
    res = decode_members (dec, r, v, t);
  if (res != ERTMP_OK) {
    ertmp_amf_value_unref (v);
    return res;
  }
  ertmp_amf_dec_close (dec, dec->objects3, r, &o);
  *out = v;
  return ERTMP_OK;
}

/* @count values appended to items (at least one byte each) */
static ertmp_result
decode_items (ertmp_amf_decoder * dec, ertmp_reader * r, ertmp_amf_value * v,
    guint64 count)
{
  ertmp_result res = ERTMP_OK;
  guint64 i;

  if (count > ertmp_reader_remaining (r))
    return ERTMP_NEED_MORE;
  for (i = 0; i < count && res == ERTMP_OK; i++) {
    ertmp_amf_value *child;

    res = ertmp_amf3_decode_value (dec, r, &child);
    if (res == ERTMP_OK)
      ertmp_amf_append (v, child);
  }
  return res;
}

/* Array, Vector<Object>, Dictionary: the parts after the U29 header */
static ertmp_result
decode_container (ertmp_amf_decoder * dec, ertmp_reader * r, guint8 marker,
    ertmp_amf_value * v, guint32 count)
{
  ertmp_result res = ertmp_amf_dec_enter (dec);
  guint8 flag;

  if (res != ERTMP_OK)
    return res;
  if (marker == ERTMP_AMF3_MARKER_ARRAY) {
    res = decode_assoc (dec, r, v);
  } else if (!ertmp_reader_u8 (r, &flag)) {
    res = ERTMP_NEED_MORE;
  } else {
    if (flag != 0)
      v->flags |= marker == ERTMP_AMF3_MARKER_DICTIONARY
          ? ERTMP_AMF_FLAG_WEAK_KEYS : ERTMP_AMF_FLAG_FIXED;
    /* element type: "*" is any, as is an empty name */
    if (marker == ERTMP_AMF3_MARKER_VECTOR_OBJECT)
      res = read_name (dec, r, &v->class_name);
    if (res == ERTMP_OK && v->class_name && strcmp (v->class_name, "*") == 0)
      g_clear_pointer (&v->class_name, g_free);
  }
  if (res == ERTMP_OK)
    res = decode_items (dec, r, v,
        marker == ERTMP_AMF3_MARKER_DICTIONARY ? 2 * (guint64) count : count);
  ertmp_amf_dec_leave (dec);
  return res;
}

/* Vector<int>, Vector<uint>, Vector<Number> */
static ertmp_result
decode_vector (ertmp_reader * r, ertmp_amf_value * v, guint32 count)
{
  guint size = v->type == ERTMP_AMF_VECTOR_DOUBLE ? 8 : 4;
  guint8 fixed;
  guint32 i;

  if (!ertmp_reader_u8 (r, &fixed))
    return ERTMP_NEED_MORE;
  /* the elements must be there before their array is allocated */
  if (count > ertmp_reader_remaining (r) / size)
    return ERTMP_NEED_MORE;
  if (fixed)
    v->flags |= ERTMP_AMF_FLAG_FIXED;
  if (count == 0)
    return ERTMP_OK;
  v->vector = g_array_sized_new (FALSE, FALSE, size, count);
  for (i = 0; i < count; i++) {
    guint32 u;
    gdouble d;

    if (size == 8) {
      ertmp_reader_f64be (r, &d);
      g_array_append_val (v->vector, d);
    } else {
      /* gint32 and guint32 share the representation */
      ertmp_reader_u32be (r, &u);
      g_array_append_val (v->vector, u);
    }
  }
  return ERTMP_OK;
}

/* XMLDocument, XML, ByteArray: @len bytes */
static ertmp_result
decode_blob (ertmp_reader * r, ertmp_amf_value * v, guint32 len)
{
  const guint8 *p;

  if (!ertmp_reader_view (r, len, &p))
    return ERTMP_NEED_MORE;
  v->data = ertmp_amf_copy_bytes (p, len);
  v->data_len = len;
  return ERTMP_OK;
}

/* A literal of a type that the object table holds, entered in the table
 * before its members are decoded (amf.md 2.3) */
static ertmp_result
decode_complex (ertmp_amf_decoder * dec, ertmp_reader * r, guint8 marker,
    guint32 h, gsize pos, ertmp_amf_value ** out)
{
  ertmp_amf_value *v;
  ertmp_amf_open o;
  ertmp_result res;

  if (marker == ERTMP_AMF3_MARKER_OBJECT)
    return decode_object (dec, r, h, pos, out);
  v = new3 (types[marker]);
  ertmp_amf_dec_open (dec, dec->objects3, v, pos, &o);
  switch (marker) {
    case ERTMP_AMF3_MARKER_DATE:
      res = ertmp_reader_f64be (r, &v->number) ? ERTMP_OK : ERTMP_NEED_MORE;
      break;
    case ERTMP_AMF3_MARKER_VECTOR_INT:
    case ERTMP_AMF3_MARKER_VECTOR_UINT:
    case ERTMP_AMF3_MARKER_VECTOR_DOUBLE:
      res = decode_vector (r, v, h >> 1);
      break;
    case ERTMP_AMF3_MARKER_ARRAY:
    case ERTMP_AMF3_MARKER_VECTOR_OBJECT:
    case ERTMP_AMF3_MARKER_DICTIONARY:
      res = decode_container (dec, r, marker, v, h >> 1);
      break;
    default:
      res = decode_blob (r, v, h >> 1);
      break;
  }
  if (res != ERTMP_OK) {
    ertmp_amf_value_unref (v);
    return res;
  }
  ertmp_amf_dec_close (dec, dec->objects3, r, &o);
  *out = v;
  return ERTMP_OK;
}

ertmp_result
ertmp_amf3_decode_value (ertmp_amf_decoder * dec, ertmp_reader * r,
    ertmp_amf_value ** out)
{
  gsize pos = r->pos;
  ertmp_result res;
  guint8 marker;
  guint32 h;

  if (!ertmp_reader_u8 (r, &marker))
    return ERTMP_NEED_MORE;
  res = ertmp_amf_dec_count (dec, 1, 0);
  if (res != ERTMP_OK)
    return res;
  if (marker <= ERTMP_AMF3_MARKER_STRING)
    return decode_simple (dec, r, marker, out);
  if (marker > ERTMP_AMF3_MARKER_DICTIONARY)
    return ERTMP_MALFORMED;
  res = ertmp_amf3_read_u29 (r, &h);
  if (res != ERTMP_OK)
    return res;
  /* U29O-ref: a value of the object table */
  if ((h & 1) == 0)
    return ertmp_amf_dec_lookup (dec, dec->objects3, h >> 1, out);
  return decode_complex (dec, r, marker, h, pos, out);
}

ertmp_result
ertmp_amf3_decode (ertmp_amf_decoder * dec, ertmp_reader * r,
    ertmp_amf_value ** out)
{
  g_return_val_if_fail (dec != NULL && r != NULL && out != NULL, ERTMP_STATE);

  return ertmp_amf_dec_run (dec, r, out, ertmp_amf3_decode_value);
}
