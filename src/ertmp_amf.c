/* gst-ertmp: AMF value model: construction, access, comparison; the
 * encoders' shared entry
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "ertmp_amf.h"
#include "ertmp_amf_private.h"

/* ---- values ---------------------------------------------------------- */

static void
clear_prop (gpointer p)
{
  ertmp_amf_prop *prop = p;

  g_free (prop->name);
  ertmp_amf_value_unref (prop->value);
}

ertmp_amf_value *
ertmp_amf_value_ref (ertmp_amf_value * value)
{
  g_return_val_if_fail (value != NULL, NULL);

  g_atomic_int_inc (&value->ref_count);
  return value;
}

void
ertmp_amf_value_unref (ertmp_amf_value * value)
{
  if (value == NULL || !g_atomic_int_dec_and_test (&value->ref_count))
    return;
  g_free (value->data);
  g_free (value->class_name);
  if (value->props)
    g_array_unref (value->props);
  if (value->items)
    g_ptr_array_unref (value->items);
  if (value->vector)
    g_array_unref (value->vector);
  g_free (value);
}

ertmp_amf_value *
ertmp_amf_new (ertmp_amf_type type)
{
  ertmp_amf_value *v = g_new0 (ertmp_amf_value, 1);

  v->type = type;
  v->ref_count = 1;
  return v;
}

ertmp_amf_value *
ertmp_amf_new_number (gdouble number)
{
  ertmp_amf_value *v = ertmp_amf_new (ERTMP_AMF_NUMBER);

  v->number = number;
  return v;
}

ertmp_amf_value *
ertmp_amf_new_boolean (gboolean boolean)
{
  ertmp_amf_value *v = ertmp_amf_new (ERTMP_AMF_BOOLEAN);

  v->boolean = boolean ? TRUE : FALSE;
  return v;
}

ertmp_amf_value *
ertmp_amf_new_integer (gint32 integer)
{
  ertmp_amf_value *v = ertmp_amf_new (ERTMP_AMF_INTEGER);

  v->integer = integer;
  return v;
}

gchar *
ertmp_amf_copy_bytes (const guint8 * data, gsize len)
{
  gchar *s = g_malloc (len + 1);

  if (len > 0)
    memcpy (s, data, len);
  s[len] = '\0';
  return s;
}

ertmp_amf_value *
ertmp_amf_new_string (const gchar * str, gssize len)
{
  ertmp_amf_value *v;

  g_return_val_if_fail (str != NULL || len <= 0, NULL);

  if (len < 0)
    len = str ? (gssize) strlen (str) : 0;
  v = ertmp_amf_new (ERTMP_AMF_STRING);
  v->data = ertmp_amf_copy_bytes ((const guint8 *) str, (gsize) len);
  v->data_len = (gsize) len;
  return v;
}

ertmp_amf_value *
ertmp_amf_new_date (gdouble ms)
{
  ertmp_amf_value *v = ertmp_amf_new (ERTMP_AMF_DATE);

  v->number = ms;
  return v;
}

ertmp_amf_value *
ertmp_amf_new_byte_array (const guint8 * data, gsize len)
{
  ertmp_amf_value *v;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  v = ertmp_amf_new (ERTMP_AMF_BYTE_ARRAY);
  v->data = ertmp_amf_copy_bytes (data, len);
  v->data_len = len;
  return v;
}

static gboolean
has_props (const ertmp_amf_value * v)
{
  return v->type == ERTMP_AMF_OBJECT || v->type == ERTMP_AMF_ECMA_ARRAY ||
      v->type == ERTMP_AMF_ARRAY;
}

void
ertmp_amf_take_prop (ertmp_amf_value * obj, gchar * name, gsize len,
    ertmp_amf_value * value)
{
  ertmp_amf_prop prop = {name, len, value};

  if (obj->props == NULL) {
    obj->props = g_array_new (FALSE, FALSE, sizeof (ertmp_amf_prop));
    g_array_set_clear_func (obj->props, clear_prop);
  }
  g_array_append_val (obj->props, prop);
}

void
ertmp_amf_add (ertmp_amf_value * obj, const gchar * name,
    ertmp_amf_value * value)
{
  gsize len;

  g_return_if_fail (obj != NULL && name != NULL && value != NULL);
  g_return_if_fail (has_props (obj));

  len = strlen (name);
  ertmp_amf_take_prop (obj, ertmp_amf_copy_bytes ((const guint8 *) name, len),
      len, value);
}

void
ertmp_amf_add_number (ertmp_amf_value * obj, const gchar * name, gdouble number)
{
  ertmp_amf_add (obj, name, ertmp_amf_new_number (number));
}

void
ertmp_amf_add_string (ertmp_amf_value * obj, const gchar * name,
    const gchar * str)
{
  ertmp_amf_add (obj, name, ertmp_amf_new_string (str, -1));
}

void
ertmp_amf_add_boolean (ertmp_amf_value * obj, const gchar * name,
    gboolean boolean)
{
  ertmp_amf_add (obj, name, ertmp_amf_new_boolean (boolean));
}

void
ertmp_amf_append (ertmp_amf_value * arr, ertmp_amf_value * item)
{
  g_return_if_fail (arr != NULL && item != NULL);
  g_return_if_fail (arr->type == ERTMP_AMF_ARRAY ||
      arr->type == ERTMP_AMF_VECTOR_OBJECT ||
      arr->type == ERTMP_AMF_DICTIONARY);

  if (arr->items == NULL)
    arr->items =
        g_ptr_array_new_with_free_func ((GDestroyNotify) ertmp_amf_value_unref);
  g_ptr_array_add (arr->items, item);
}

/* ---- accessors ------------------------------------------------------- */

const ertmp_amf_value *
ertmp_amf_get (const ertmp_amf_value * obj, const gchar * name)
{
  gsize len;
  guint i;

  if (obj == NULL || name == NULL || !has_props (obj) || obj->props == NULL)
    return NULL;
  len = strlen (name);
  for (i = 0; i < obj->props->len; i++) {
    const ertmp_amf_prop *p = &g_array_index (obj->props, ertmp_amf_prop, i);
    if (p->name_len == len && memcmp (p->name, name, len) == 0)
      return p->value;
  }
  return NULL;
}

const gchar *
ertmp_amf_get_string (const ertmp_amf_value * value)
{
  if (value == NULL || value->type != ERTMP_AMF_STRING)
    return NULL;
  return value->data;
}

gboolean
ertmp_amf_get_number (const ertmp_amf_value * value, gdouble * out)
{
  if (value == NULL || out == NULL)
    return FALSE;
  if (value->type == ERTMP_AMF_NUMBER)
    *out = value->number;
  else if (value->type == ERTMP_AMF_INTEGER)
    *out = value->integer;
  else
    return FALSE;
  return TRUE;
}

const gchar *
ertmp_amf_get_prop_string (const ertmp_amf_value * obj, const gchar * name)
{
  return ertmp_amf_get_string (ertmp_amf_get (obj, name));
}

gboolean
ertmp_amf_get_prop_number (const ertmp_amf_value * obj, const gchar * name,
    gdouble * out)
{
  return ertmp_amf_get_number (ertmp_amf_get (obj, name), out);
}

guint
ertmp_amf_n_items (const ertmp_amf_value * value)
{
  if (value == NULL)
    return 0;
  switch (value->type) {
    case ERTMP_AMF_ARRAY:
    case ERTMP_AMF_VECTOR_OBJECT:
      return value->items ? value->items->len : 0;
    case ERTMP_AMF_DICTIONARY:
      return value->items ? value->items->len / 2 : 0;
    case ERTMP_AMF_VECTOR_INT:
    case ERTMP_AMF_VECTOR_UINT:
    case ERTMP_AMF_VECTOR_DOUBLE:
      return value->vector ? value->vector->len : 0;
    default:
      return 0;
  }
}

guint
ertmp_amf_n_props (const ertmp_amf_value * value)
{
  if (value == NULL || !has_props (value) || value->props == NULL)
    return 0;
  return value->props->len;
}

const ertmp_amf_value *
ertmp_amf_item (const ertmp_amf_value * value, guint index)
{
  if (value == NULL || value->items == NULL || index >= value->items->len)
    return NULL;
  if (value->type != ERTMP_AMF_ARRAY &&
      value->type != ERTMP_AMF_VECTOR_OBJECT &&
      value->type != ERTMP_AMF_DICTIONARY)
    return NULL;
  return g_ptr_array_index (value->items, index);
}

/* ---- equality -------------------------------------------------------- */

static gboolean
bytes_equal (const gchar * a, gsize alen, const gchar * b, gsize blen)
{
  if (alen != blen)
    return FALSE;
  return alen == 0 || memcmp (a, b, alen) == 0;
}

static gboolean
cstr_equal (const gchar * a, const gchar * b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}

static gboolean
props_equal (const GArray * a, const GArray * b)
{
  guint n = a ? a->len : 0, i;

  if (n != (b ? b->len : 0))
    return FALSE;
  for (i = 0; i < n; i++) {
    const ertmp_amf_prop *pa = &g_array_index (a, ertmp_amf_prop, i);
    const ertmp_amf_prop *pb = &g_array_index (b, ertmp_amf_prop, i);
    if (!bytes_equal (pa->name, pa->name_len, pb->name, pb->name_len) ||
        !ertmp_amf_equal (pa->value, pb->value))
      return FALSE;
  }
  return TRUE;
}

static gboolean
items_equal (const GPtrArray * a, const GPtrArray * b)
{
  guint n = a ? a->len : 0, i;

  if (n != (b ? b->len : 0))
    return FALSE;
  for (i = 0; i < n; i++)
    if (!ertmp_amf_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

static gboolean
vector_equal (const GArray * a, const GArray * b)
{
  guint n = a ? a->len : 0;

  if (n != (b ? b->len : 0))
    return FALSE;
  if (n == 0)
    return TRUE;
  if (g_array_get_element_size ((GArray *) a) !=
      g_array_get_element_size ((GArray *) b))
    return FALSE;
  return memcmp (a->data, b->data,
             (gsize) n * g_array_get_element_size ((GArray *) a)) == 0;
}

static guint
sealed (const ertmp_amf_value * v)
{
  return MIN (v->sealed_count, ertmp_amf_n_props (v));
}

/* Scalars: by type.  Numbers compare by bits (NaN equals itself, 0 and -0
 * differ), as the wire does. */
static gboolean
scalars_equal (const ertmp_amf_value * a, const ertmp_amf_value * b)
{
  switch (a->type) {
    case ERTMP_AMF_BOOLEAN:
      return !a->boolean == !b->boolean;
    case ERTMP_AMF_NUMBER:
    case ERTMP_AMF_DATE:
      return memcmp (&a->number, &b->number, sizeof (gdouble)) == 0;
    case ERTMP_AMF_INTEGER:
      return a->integer == b->integer;
    case ERTMP_AMF_OBJECT:
      return sealed (a) == sealed (b);
    default:
      return TRUE;
  }
}

gboolean
ertmp_amf_equal (const ertmp_amf_value * a, const ertmp_amf_value * b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  if (a->type != b->type || a->flags != b->flags || !scalars_equal (a, b))
    return FALSE;
  /* fields a type does not use are NULL / 0 on both sides */
  return bytes_equal (a->data, a->data_len, b->data, b->data_len) &&
      cstr_equal (a->class_name, b->class_name) &&
      props_equal (a->props, b->props) && items_equal (a->items, b->items) &&
      vector_equal (a->vector, b->vector);
}

/* ---- encoding -------------------------------------------------------- */

ertmp_result
ertmp_amf_enc_run (GByteArray * out, const ertmp_amf_value * value,
    ertmp_amf_encode_fn encode)
{
  guint start = out->len;
  ertmp_result res = encode (out, value);

  if (res != ERTMP_OK)
    g_byte_array_set_size (out, start);
  return res;
}
