/* gst-ertmp: librtmp / FFmpeg "conn" strings as connect arguments
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Where the two references differ or accept nonsense we refuse instead:
 * both read B:yes or O:2 somehow (atoi, or "first char != '0'"), both read a
 * number with strtod and drop what follows, FFmpeg writes a stray O:0 or an
 * unclosed object into the packet as is, and librtmp gives an unnamed item
 * inside an object an empty name.  Each of these is MALFORMED here.
 */
#include "ertmp_connargs.h"
#include "ertmp_amf.h"
#include "ertmp_limits.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* bytes of an item quoted in a message */
#define QUOTE_MAX 40

#define MAX_DEPTH ERTMP_LIMIT_DEFAULT_AMF_MAX_DEPTH

typedef struct
{
  const gchar *at;              /* first byte, in the input */
  gsize len;
  guint index;                  /* from 1 */
} item_pos;

typedef struct
{
  const gchar *str;
  item_pos item;                /* the item being parsed */
  GPtrArray *args;
  /* open objects, innermost last: borrowed (owned by args or the parent) */
  ertmp_amf_value *open[MAX_DEPTH];
  item_pos opened_by[MAX_DEPTH];
  guint depth;
  gchar *message;
} parser;

/* One item split into its parts; value and name point into the input. */
typedef struct
{
  gchar type;
  const gchar *name;            /* NULL when unnamed */
  gsize name_len;
  const gchar *value;
  gsize value_len;
} item_parts;

static ertmp_result G_GNUC_PRINTF (4, 5)
fail (parser * p, const item_pos * pos, ertmp_result res, const gchar * fmt,
    ...)
{
  va_list ap;
  gchar *why;
  gboolean cut = pos->len > QUOTE_MAX;

  va_start (ap, fmt);
  why = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  p->message = g_strdup_printf ("conn item %u \"%.*s%s\" at offset %"
      G_GSIZE_FORMAT ": %s", pos->index, (int) (cut ? QUOTE_MAX : pos->len),
      pos->at, cut ? "..." : "", (gsize) (pos->at - p->str), why);
  g_free (why);
  return res;
}

static gboolean
is_digit_01 (const item_parts * it, gchar digit)
{
  return it->value_len == 1 && it->value[0] == digit;
}

/* TYPE:VALUE or NTYPE:NAME:VALUE; "N:..." is an unnamed number. */
static ertmp_result
split_item (parser * p, item_parts * it)
{
  const gchar *s = p->item.at, *end = s + p->item.len, *colon;

  memset (it, 0, sizeof (*it));
  if (p->item.len >= 2 && s[1] == ':') {
    it->type = s[0];
    it->value = s + 2;
  } else if (p->item.len >= 3 && s[0] == 'N' && s[2] == ':') {
    it->type = s[1];
    it->name = s + 3;
    colon = memchr (it->name, ':', end - it->name);
    if (!colon)
      return fail (p, &p->item, ERTMP_MALFORMED,
          "missing ':' after the name (expected N%c:NAME:VALUE)", s[1]);
    it->name_len = colon - it->name;
    it->value = colon + 1;
  } else {
    return fail (p, &p->item, ERTMP_MALFORMED,
        "missing ':' (expected TYPE:VALUE or NTYPE:NAME:VALUE)");
  }
  it->value_len = end - it->value;
  return ERTMP_OK;
}

static ertmp_result
parse_number (parser * p, const item_parts * it, gdouble * out)
{
  gchar *copy = g_strndup (it->value, it->value_len), *endp;
  gboolean ok;

  *out = g_ascii_strtod (copy, &endp);
  ok = it->value_len > 0 && *endp == '\0' && isfinite (*out);
  g_free (copy);
  if (!ok)
    return fail (p, &p->item, ERTMP_MALFORMED,
        "bad number \"%.*s\" (expected a finite decimal like 1.23)",
        (int) MIN (it->value_len, QUOTE_MAX), it->value);
  return ERTMP_OK;
}

/* Checks the value and builds it; *opens is TRUE for an object begin. */
static ertmp_result
make_value (parser * p, const item_parts * it, ertmp_amf_value ** out,
    gboolean * opens)
{
  gdouble number;
  ertmp_result res;

  *opens = FALSE;
  switch (it->type) {
    case 'B':
      if (!is_digit_01 (it, '0') && !is_digit_01 (it, '1'))
        return fail (p, &p->item, ERTMP_MALFORMED,
            "bad boolean (expected B:0 or B:1)");
      *out = ertmp_amf_new_boolean (it->value[0] == '1');
      return ERTMP_OK;
    case 'N':
      if ((res = parse_number (p, it, &number)) != ERTMP_OK)
        return res;
      *out = ertmp_amf_new_number (number);
      return ERTMP_OK;
    case 'S':
      *out = ertmp_amf_new_string (it->value, it->value_len);
      return ERTMP_OK;
    case 'Z':
      *out = ertmp_amf_new (ERTMP_AMF_NULL);
      return ERTMP_OK;
    case 'O':
      /* O:0 is handled by the caller */
      if (!is_digit_01 (it, '1'))
        return fail (p, &p->item, ERTMP_MALFORMED, it->name ?
            "bad object value (a named object begins with NO:NAME:1; "
            "end it with O:0)" :
            "bad object value (expected O:1 to begin or O:0 to end)");
      *out = ertmp_amf_new (ERTMP_AMF_OBJECT);
      *opens = TRUE;
      return ERTMP_OK;
    default:
      return fail (p, &p->item, ERTMP_MALFORMED,
          "unknown type '%c' (expected B, N, S, O or Z)", it->type);
  }
}

static ertmp_result
close_object (parser * p)
{
  if (p->depth == 0)
    return fail (p, &p->item, ERTMP_MALFORMED, "O:0 with no open object");
  p->depth--;
  return ERTMP_OK;
}

/* Whether the item may go where it stands */
static ertmp_result
check_place (parser * p, const item_parts * it)
{
  if (it->name && p->depth == 0)
    return fail (p, &p->item, ERTMP_MALFORMED,
        "named item outside an object (begin one with O:1)");
  if (!it->name && p->depth > 0)
    return fail (p, &p->item, ERTMP_MALFORMED,
        "unnamed item inside an object (name it: N%c:NAME:...)", it->type);
  if (it->type == 'O' && p->depth == MAX_DEPTH)
    return fail (p, &p->item, ERTMP_LIMIT,
        "objects nested deeper than %u levels", MAX_DEPTH);
  return ERTMP_OK;
}

static ertmp_result
parse_item (parser * p)
{
  item_parts it;
  ertmp_amf_value *value = NULL;
  gboolean opens;
  ertmp_result res;

  if ((res = split_item (p, &it)) != ERTMP_OK)
    return res;
  if (it.type == 'O' && !it.name && is_digit_01 (&it, '0'))
    return close_object (p);
  /* type and value errors first: they say more than the place does */
  if ((res = make_value (p, &it, &value, &opens)) != ERTMP_OK)
    return res;
  if ((res = check_place (p, &it)) != ERTMP_OK) {
    ertmp_amf_value_unref (value);
    return res;
  }

  if (p->depth == 0) {
    g_ptr_array_add (p->args, value);
  } else {
    gchar *name = g_strndup (it.name, it.name_len);

    ertmp_amf_add (p->open[p->depth - 1], name, value);
    g_free (name);
  }
  if (opens) {
    p->open[p->depth] = value;
    p->opened_by[p->depth] = p->item;
    p->depth++;
  }
  return ERTMP_OK;
}

ertmp_result
ertmp_connargs_parse (const gchar * str, GPtrArray ** args, gchar ** message)
{
  parser p = { 0 };
  const gchar *s;
  ertmp_result res = ERTMP_OK;

  g_return_val_if_fail (args != NULL, ERTMP_STATE);
  g_return_val_if_fail (message != NULL, ERTMP_STATE);

  p.str = str ? str : "";
  p.args =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ertmp_amf_value_unref);
  /* FFmpeg's split: skip spaces, an item runs to the next space */
  for (s = p.str; res == ERTMP_OK; s = p.item.at + p.item.len) {
    s += strspn (s, " ");
    if (*s == '\0')
      break;
    p.item.at = s;
    p.item.len = strcspn (s, " ");
    p.item.index++;
    res = parse_item (&p);
  }
  if (res == ERTMP_OK && p.depth > 0)
    res = fail (&p, &p.opened_by[p.depth - 1], ERTMP_MALFORMED,
        "object not closed at the end (%u O:0 missing)", p.depth);

  if (res != ERTMP_OK) {
    g_ptr_array_unref (p.args);
    *message = p.message;
    return res;
  }
  *args = p.args;
  *message = NULL;
  return ERTMP_OK;
}
