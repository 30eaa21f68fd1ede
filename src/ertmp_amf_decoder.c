/* gst-ertmp: AMF decoder state: reference tables, budgets and depth
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ertmp_amf.h"
#include "ertmp_amf_private.h"

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

void
ertmp_amf_decoder_set_limits (ertmp_amf_decoder * dec,
    const ertmp_limits * limits)
{
  g_return_if_fail (dec != NULL && limits != NULL);

  dec->limits = *limits;
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
ertmp_amf_dec_run (ertmp_amf_decoder * dec, ertmp_reader * r,
    ertmp_amf_value ** out, ertmp_amf_decode_fn decode)
{
  ertmp_reader tmp = *r;
  ertmp_amf_value *v = NULL;
  ertmp_amf_mark m;
  ertmp_result res;

  ertmp_amf_dec_mark (dec, &m);
  dec->limit_hit = ERTMP_LIMIT_NONE;
  res = decode (dec, &tmp, &v);
  if (res != ERTMP_OK) {
    ertmp_amf_dec_rollback (dec, &m);
    return res;
  }
  *r = tmp;
  *out = v;
  return ERTMP_OK;
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
