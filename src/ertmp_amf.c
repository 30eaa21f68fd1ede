/* gst-ertmp: AMF value model, decoder state, comparison and printing
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
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

/* ---- decoder state --------------------------------------------------- */

static void
clear_ref (gpointer p)
{
  ertmp_amf_value_unref (((ertmp_amf_ref *) p)->value);
}

static void
clear_str (gpointer p)
{
  g_free (((ertmp_amf_str *) p)->str);
}

ertmp_amf_traits *
ertmp_amf_traits_new (void)
{
  ertmp_amf_traits *t = g_new0 (ertmp_amf_traits, 1);

  t->names = g_array_new (FALSE, FALSE, sizeof (ertmp_amf_str));
  g_array_set_clear_func (t->names, clear_str);
  return t;
}

void
ertmp_amf_traits_free (gpointer p)
{
  ertmp_amf_traits *t = p;

  g_free (t->class_name);
  g_array_unref (t->names);
  g_free (t);
}

static GArray *
new_table (gsize elem, GDestroyNotify clear)
{
  GArray *a = g_array_new (FALSE, FALSE, elem);

  g_array_set_clear_func (a, clear);
  return a;
}

ertmp_amf_decoder *
ertmp_amf_decoder_new (const ertmp_limits * limits)
{
  ertmp_amf_decoder *dec = g_new0 (ertmp_amf_decoder, 1);

  if (limits)
    dec->limits = *limits;
  else
    ertmp_limits_init (&dec->limits);
  dec->refs0 = new_table (sizeof (ertmp_amf_ref), clear_ref);
  dec->objects3 = new_table (sizeof (ertmp_amf_ref), clear_ref);
  dec->strings3 = new_table (sizeof (ertmp_amf_str), clear_str);
  dec->traits3 = g_ptr_array_new_with_free_func (ertmp_amf_traits_free);
  return dec;
}

void
ertmp_amf_decoder_free (ertmp_amf_decoder * dec)
{
  if (dec == NULL)
    return;
  g_array_unref (dec->refs0);
  g_array_unref (dec->objects3);
  g_array_unref (dec->strings3);
  g_ptr_array_unref (dec->traits3);
  g_free (dec);
}

void
ertmp_amf_decoder_set_ext_resolver (ertmp_amf_decoder * dec,
    ertmp_amf_ext_resolver resolver, gpointer user_data)
{
  g_return_if_fail (dec != NULL);

  dec->ext_resolver = resolver;
  dec->ext_user_data = user_data;
}

void
ertmp_amf_decoder_reset (ertmp_amf_decoder * dec)
{
  ertmp_amf_mark empty = {0, 0, 0, 0, 0, 0};

  g_return_if_fail (dec != NULL);

  ertmp_amf_dec_rollback (dec, &empty);
  dec->depth = 0;
  dec->peak = 0;
  dec->limit_hit = ERTMP_LIMIT_NONE;
}

ertmp_limit_id
ertmp_amf_decoder_limit_hit (const ertmp_amf_decoder * dec)
{
  g_return_val_if_fail (dec != NULL, ERTMP_LIMIT_NONE);

  return dec->limit_hit;
}

void
ertmp_amf_dec_mark (const ertmp_amf_decoder * dec, ertmp_amf_mark * m)
{
  m->refs0 = dec->refs0->len;
  m->objects3 = dec->objects3->len;
  m->strings3 = dec->strings3->len;
  m->traits3 = dec->traits3->len;
  m->n_values = dec->n_values;
  m->n_bytes = dec->n_bytes;
}

void
ertmp_amf_dec_rollback (ertmp_amf_decoder * dec, const ertmp_amf_mark * m)
{
  g_array_set_size (dec->refs0, m->refs0);
  g_array_set_size (dec->objects3, m->objects3);
  g_array_set_size (dec->strings3, m->strings3);
  g_ptr_array_set_size (dec->traits3, (gint) m->traits3);
  dec->n_values = m->n_values;
  dec->n_bytes = m->n_bytes;
}

ertmp_result
ertmp_amf_dec_count (ertmp_amf_decoder * dec, guint32 values, gsize bytes)
{
  if (values > dec->limits.amf_max_values -
          MIN (dec->n_values, dec->limits.amf_max_values)) {
    dec->limit_hit = ERTMP_LIMIT_AMF_MAX_VALUES;
    return ERTMP_LIMIT;
  }
  if (bytes > dec->limits.max_message_size -
          MIN (dec->n_bytes, dec->limits.max_message_size)) {
    dec->limit_hit = ERTMP_LIMIT_MAX_MESSAGE_SIZE;
    return ERTMP_LIMIT;
  }
  dec->n_values += values;
  dec->n_bytes += bytes;
  return ERTMP_OK;
}

/* A value nesting @levels below the current level: LIMIT when too deep */
static ertmp_result
reach (ertmp_amf_decoder * dec, guint levels)
{
  guint max = MIN (dec->limits.amf_max_depth, ERTMP_AMF_DEPTH_HARD_MAX);

  if (levels > max || dec->depth > max - levels) {
    dec->limit_hit = ERTMP_LIMIT_AMF_MAX_DEPTH;
    return ERTMP_LIMIT;
  }
  dec->peak = MAX (dec->peak, dec->depth + levels);
  return ERTMP_OK;
}

ertmp_result
ertmp_amf_dec_enter (ertmp_amf_decoder * dec)
{
  ertmp_result res = reach (dec, 1);

  if (res == ERTMP_OK)
    dec->depth++;
  return res;
}

void
ertmp_amf_dec_leave (ertmp_amf_decoder * dec)
{
  g_assert (dec->depth > 0);
  dec->depth--;
}

void
ertmp_amf_dec_open (ertmp_amf_decoder * dec, GArray * table,
    ertmp_amf_value * value, gsize marker_pos, ertmp_amf_open * o)
{
  ertmp_amf_ref ref = {ertmp_amf_value_ref (value), FALSE, 0, 0, 0};

  o->index = table->len;
  o->pos = marker_pos;
  o->values = dec->n_values;
  o->bytes = dec->n_bytes;
  /* the height of this value is measured from here */
  o->depth = dec->depth;
  o->peak = dec->peak;
  dec->peak = dec->depth;
  g_array_append_val (table, ref);
}

void
ertmp_amf_dec_close (ertmp_amf_decoder * dec, GArray * table,
    const ertmp_reader * r, const ertmp_amf_open * o)
{
  ertmp_amf_ref *ref = &g_array_index (table, ertmp_amf_ref, o->index);

  ref->complete = TRUE;
  /* the value itself was counted before it was opened */
  ref->values = dec->n_values - o->values + 1;
  ref->bytes = (r->pos - o->pos) + (dec->n_bytes - o->bytes);
  ref->height = dec->peak - o->depth;
  dec->peak = MAX (dec->peak, o->peak);
}

ertmp_result
ertmp_amf_dec_lookup (ertmp_amf_decoder * dec, GArray * table, guint32 index,
    ertmp_amf_value ** out)
{
  const ertmp_amf_ref *ref;
  ertmp_result res;

  if (index >= table->len)
    return ERTMP_MALFORMED;
  ref = &g_array_index (table, ertmp_amf_ref, index);
  /* a reference to a value still being decoded would make a cycle */
  if (!ref->complete)
    return ERTMP_MALFORMED;
  /* the reference itself was counted as one value */
  res = ertmp_amf_dec_count (dec, ref->values - 1, ref->bytes);
  if (res == ERTMP_OK)
    res = reach (dec, ref->height);
  if (res != ERTMP_OK)
    return res;
  *out = ertmp_amf_value_ref (ref->value);
  return ERTMP_OK;
}

/* ---- printing -------------------------------------------------------- */

static void print_value (GString * s, const ertmp_amf_value * v);

static void
print_quoted (GString * s, const gchar * data, gsize len)
{
  gboolean utf8 = g_utf8_validate (data, (gssize) len, NULL);
  gsize i;

  g_string_append_c (s, '"');
  for (i = 0; i < len; i++) {
    guchar c = (guchar) data[i];

    if (c == '"' || c == '\\')
      g_string_append_printf (s, "\\%c", c);
    else if (c == '\n')
      g_string_append (s, "\\n");
    else if (c == '\r')
      g_string_append (s, "\\r");
    else if (c == '\t')
      g_string_append (s, "\\t");
    else if (c < 0x20 || c == 0x7F)
      g_string_append_printf (s, "\\u%04x", c);
    else if (c >= 0x80 && !utf8)
      g_string_append_printf (s, "\\x%02x", c);
    else
      g_string_append_c (s, (gchar) c);
  }
  g_string_append_c (s, '"');
}

/* Keys print bare when they look like identifiers, quoted otherwise */
static void
print_key (GString * s, const gchar * name, gsize len)
{
  gsize i;

  for (i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && !strchr ("_$@.-", name[i]))
      break;
  if (len > 0 && i == len)
    g_string_append_len (s, name, (gssize) len);
  else
    print_quoted (s, name, len);
}

static void
print_number (GString * s, gdouble d)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (d)) {
    g_string_append (s, "NaN");
  } else if (isinf (d)) {
    g_string_append (s, d < 0 ? "-Infinity" : "Infinity");
  } else {
    /* shortest of the two forms that reads back exactly */
    g_ascii_formatd (buf, sizeof (buf), "%.15g", d);
    if (g_ascii_strtod (buf, NULL) != d)
      g_ascii_formatd (buf, sizeof (buf), "%.17g", d);
    g_string_append (s, buf);
  }
}

static void
print_props (GString * s, const GArray * props, gboolean first)
{
  guint i;

  for (i = 0; props && i < props->len; i++) {
    const ertmp_amf_prop *p = &g_array_index (props, ertmp_amf_prop, i);

    if (!first || i > 0)
      g_string_append (s, ", ");
    print_key (s, p->name, p->name_len);
    g_string_append (s, ": ");
    print_value (s, p->value);
  }
}

/* Items, or key: value pairs for a dictionary; returns the count */
static guint
print_items (GString * s, const GPtrArray * items, gboolean pairs)
{
  guint i;

  for (i = 0; items && i < items->len; i++) {
    if (i > 0)
      g_string_append (s, pairs && (i % 2) ? ": " : ", ");
    print_value (s, g_ptr_array_index (items, i));
  }
  return items ? items->len : 0;
}

static void
print_vector (GString * s, const ertmp_amf_value * v)
{
  static const gchar *const names[] = {"int", "uint", "double"};
  guint i, n = v->vector ? v->vector->len : 0;

  g_string_append_printf (s, "vector<%s> [",
      names[v->type - ERTMP_AMF_VECTOR_INT]);
  for (i = 0; i < n; i++) {
    if (i > 0)
      g_string_append (s, ", ");
    if (v->type == ERTMP_AMF_VECTOR_INT)
      g_string_append_printf (s, "%d", g_array_index (v->vector, gint32, i));
    else if (v->type == ERTMP_AMF_VECTOR_UINT)
      g_string_append_printf (s, "%u", g_array_index (v->vector, guint32, i));
    else
      print_number (s, g_array_index (v->vector, gdouble, i));
  }
  g_string_append_c (s, ']');
}

static void
print_bytes (GString * s, const gchar * what, const ertmp_amf_value * v)
{
  gsize i;

  g_string_append_printf (s, "<%s %" G_GSIZE_FORMAT " bytes", what,
      v->data_len);
  for (i = 0; i < MIN (v->data_len, 32); i++)
    g_string_append_printf (s, "%s%02x", i ? "" : " ", (guint8) v->data[i]);
  g_string_append (s, v->data_len > 32 ? "...>" : ">");
}

static void
print_object (GString * s, const ertmp_amf_value * v)
{
  if (v->class_name) {
    print_key (s, v->class_name, strlen (v->class_name));
    g_string_append_c (s, ' ');
  }
  if (v->flags & ERTMP_AMF_FLAG_EXTERNALIZABLE) {
    print_bytes (s, "externalizable", v);
    return;
  }
  g_string_append_c (s, '{');
  print_props (s, v->props, TRUE);
  g_string_append_c (s, '}');
}

/* Values without children; FALSE for the others */
static gboolean
print_scalar (GString * s, const ertmp_amf_value * v)
{
  switch (v->type) {
    case ERTMP_AMF_UNDEFINED:
      g_string_append (s, "undefined");
      return TRUE;
    case ERTMP_AMF_NULL:
      g_string_append (s, "null");
      return TRUE;
    case ERTMP_AMF_UNSUPPORTED:
      g_string_append (s, "unsupported");
      return TRUE;
    case ERTMP_AMF_BOOLEAN:
      g_string_append (s, v->boolean ? "true" : "false");
      return TRUE;
    case ERTMP_AMF_NUMBER:
      print_number (s, v->number);
      return TRUE;
    case ERTMP_AMF_INTEGER:
      g_string_append_printf (s, "%d", v->integer);
      return TRUE;
    case ERTMP_AMF_DATE:
      g_string_append (s, "date(");
      print_number (s, v->number);
      g_string_append_c (s, ')');
      return TRUE;
    case ERTMP_AMF_XML_DOCUMENT:
    case ERTMP_AMF_XML:
      g_string_append (s, v->type == ERTMP_AMF_XML ? "xml " : "xmldoc ");
      /* fall through */
    case ERTMP_AMF_STRING:
      print_quoted (s, v->data, v->data_len);
      return TRUE;
    case ERTMP_AMF_BYTE_ARRAY:
      print_bytes (s, "bytearray", v);
      return TRUE;
    default:
      return FALSE;
  }
}

static void
print_value (GString * s, const ertmp_amf_value * v)
{
  if (print_scalar (s, v))
    return;
  switch (v->type) {
    case ERTMP_AMF_ARRAY:
      g_string_append_c (s, '[');
      print_props (s, v->props, print_items (s, v->items, FALSE) == 0);
      g_string_append_c (s, ']');
      break;
    case ERTMP_AMF_VECTOR_OBJECT:
      g_string_append_printf (s, "vector<%s> [",
          v->class_name ? v->class_name : "*");
      print_items (s, v->items, FALSE);
      g_string_append_c (s, ']');
      break;
    case ERTMP_AMF_DICTIONARY:
      g_string_append (s, "dictionary {");
      print_items (s, v->items, TRUE);
      g_string_append_c (s, '}');
      break;
    case ERTMP_AMF_VECTOR_INT:
    case ERTMP_AMF_VECTOR_UINT:
    case ERTMP_AMF_VECTOR_DOUBLE:
      print_vector (s, v);
      break;
    default:
      /* OBJECT, ECMA_ARRAY */
      print_object (s, v);
      break;
  }
}

gchar *
ertmp_amf_to_string (const ertmp_amf_value * value)
{
  GString *s = g_string_new (NULL);

  if (value == NULL)
    g_string_append (s, "(none)");
  else
    print_value (s, value);
  return g_string_free (s, FALSE);
}
