/* gst-ertmp: AMF values as JSON-like text, for logs and the demo
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include "ertmp_amf.h"

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
