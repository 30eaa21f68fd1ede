/* gst-ertmp: E-RTMP connect capabilities (ertmp.md 9, 14)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reading is tolerant: a property of the wrong type is ignored, and so is a
 * list entry or map entry that is not a 4-byte FourCC (or "*") with a
 * non-negative integral mask.  Reading merges, so that a client can read the
 * Properties and the Information objects of a connect _result: lists gain
 * the FourCCs they lack, masks of the same FourCC and capsEx are OR-ed.
 *
 * Writing produces what test-vectors.md 3.3 shows: fourCcList as a strict
 * array of strings, the maps as anonymous objects, numbers as doubles.
 */
#include "ertmp_caps.h"

#include <string.h>

#define PROP_FOURCC_LIST "fourCcList"
#define PROP_VIDEO_MAP "videoFourCcInfoMap"
#define PROP_AUDIO_MAP "audioFourCcInfoMap"
#define PROP_CAPS_EX "capsEx"

/* ---- the struct ---------------------------------------------------- */

void
ertmp_caps_init (ertmp_caps * caps)
{
  g_return_if_fail (caps != NULL);
  memset (caps, 0, sizeof (*caps));
}

void
ertmp_caps_clear (ertmp_caps * caps)
{
  g_return_if_fail (caps != NULL);

  g_clear_pointer (&caps->fourcc_list, g_array_unref);
  g_clear_pointer (&caps->video_info, g_array_unref);
  g_clear_pointer (&caps->audio_info, g_array_unref);
  caps->has_caps_ex = FALSE;
  caps->caps_ex = 0;
}

static GArray *
array_dup (const GArray * src)
{
  GArray *dest;

  if (!src)
    return NULL;
  dest = g_array_sized_new (FALSE, FALSE, g_array_get_element_size (
          (GArray *) src), src->len);
  g_array_append_vals (dest, src->data, src->len);
  return dest;
}

void
ertmp_caps_copy (ertmp_caps * dest, const ertmp_caps * src)
{
  g_return_if_fail (dest != NULL && src != NULL);

  if (dest == src)
    return;
  ertmp_caps_clear (dest);
  dest->fourcc_list = array_dup (src->fourcc_list);
  dest->video_info = array_dup (src->video_info);
  dest->audio_info = array_dup (src->audio_info);
  dest->has_caps_ex = src->has_caps_ex;
  dest->caps_ex = src->caps_ex;
}

gboolean
ertmp_caps_is_empty (const ertmp_caps * caps)
{
  g_return_val_if_fail (caps != NULL, TRUE);

  return !caps->fourcc_list && !caps->video_info && !caps->audio_info &&
      !caps->has_caps_ex;
}

/* Both absent, or both present with the same elements in the same order */
static gboolean
array_equal (const GArray * a, const GArray * b, gsize elem_size)
{
  if (!a || !b)
    return a == b;
  return a->len == b->len && (a->len == 0 ||
      memcmp (a->data, b->data, a->len * elem_size) == 0);
}

gboolean
ertmp_caps_equal (const ertmp_caps * a, const ertmp_caps * b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return array_equal (a->fourcc_list, b->fourcc_list, sizeof (guint32)) &&
      array_equal (a->video_info, b->video_info, sizeof (ertmp_fourcc_info))
      && array_equal (a->audio_info, b->audio_info,
      sizeof (ertmp_fourcc_info)) && a->has_caps_ex == b->has_caps_ex &&
      (!a->has_caps_ex || a->caps_ex == b->caps_ex);
}

/* ---- reading ------------------------------------------------------- */

/* A mask is a Number (or AMF3 integer) holding an integer in 0..2^32-1 */
static gboolean
read_mask (const ertmp_amf_value * value, guint32 * mask)
{
  gdouble d;

  if (!value || !ertmp_amf_get_number (value, &d))
    return FALSE;
  /* written so that NaN fails too */
  if (!(d >= 0.0 && d <= (gdouble) G_MAXUINT32))
    return FALSE;
  if ((gdouble) (guint32) d != d)
    return FALSE;
  *mask = (guint32) d;
  return TRUE;
}

static void
list_add (GArray * list, guint32 fourcc)
{
  guint i;

  for (i = 0; i < list->len; i++)
    if (g_array_index (list, guint32, i) == fourcc)
      return;
  g_array_append_val (list, fourcc);
}

/* fourCcList: a strict array of strings */
static void
read_list (ertmp_caps * caps, const ertmp_amf_value * arr)
{
  guint i, n;

  if (!arr || arr->type != ERTMP_AMF_ARRAY)
    return;
  if (!caps->fourcc_list)
    caps->fourcc_list = g_array_new (FALSE, FALSE, sizeof (guint32));
  n = ertmp_amf_n_items (arr);
  for (i = 0; i < n; i++) {
    const ertmp_amf_value *item = ertmp_amf_item (arr, i);
    guint32 fourcc;

    if (!item || item->type != ERTMP_AMF_STRING)
      continue;
    fourcc = ertmp_fourcc_from_string (item->data, item->data_len);
    if (fourcc != 0)
      list_add (caps->fourcc_list, fourcc);
  }
}

static void
map_add (GArray * map, guint32 fourcc, guint32 mask)
{
  ertmp_fourcc_info info = { fourcc, mask };
  guint i;

  for (i = 0; i < map->len; i++) {
    ertmp_fourcc_info *e = &g_array_index (map, ertmp_fourcc_info, i);

    if (e->fourcc == fourcc) {
      e->mask |= mask;
      return;
    }
  }
  g_array_append_val (map, info);
}

void
ertmp_caps_add_fourcc (ertmp_caps * caps, guint32 fourcc)
{
  g_return_if_fail (caps != NULL);

  if (!caps->fourcc_list)
    caps->fourcc_list = g_array_new (FALSE, FALSE, sizeof (guint32));
  list_add (caps->fourcc_list, fourcc);
}

void
ertmp_caps_add_info (ertmp_caps * caps, gboolean video, guint32 fourcc,
    guint32 mask)
{
  GArray **map;

  g_return_if_fail (caps != NULL);

  map = video ? &caps->video_info : &caps->audio_info;
  if (!*map)
    *map = g_array_new (FALSE, FALSE, sizeof (ertmp_fourcc_info));
  map_add (*map, fourcc, mask);
}

/* an InfoMap: an object (or ECMA array) of FourCC -> mask */
static void
read_map (GArray ** map, const ertmp_amf_value * obj)
{
  guint i;

  if (!obj || (obj->type != ERTMP_AMF_OBJECT &&
          obj->type != ERTMP_AMF_ECMA_ARRAY))
    return;
  if (!*map)
    *map = g_array_new (FALSE, FALSE, sizeof (ertmp_fourcc_info));
  for (i = 0; obj->props && i < obj->props->len; i++) {
    const ertmp_amf_prop *p = &g_array_index (obj->props, ertmp_amf_prop, i);
    guint32 fourcc = ertmp_fourcc_from_string (p->name, p->name_len);
    guint32 mask;

    if (fourcc != 0 && read_mask (p->value, &mask))
      map_add (*map, fourcc, mask);
  }
}

ertmp_result
ertmp_caps_read (ertmp_caps * caps, const ertmp_amf_value * obj)
{
  guint32 caps_ex;

  g_return_val_if_fail (caps != NULL, ERTMP_STATE);

  if (!obj || (obj->type != ERTMP_AMF_OBJECT &&
          obj->type != ERTMP_AMF_ECMA_ARRAY))
    return ERTMP_MALFORMED;

  read_list (caps, ertmp_amf_get (obj, PROP_FOURCC_LIST));
  read_map (&caps->video_info, ertmp_amf_get (obj, PROP_VIDEO_MAP));
  read_map (&caps->audio_info, ertmp_amf_get (obj, PROP_AUDIO_MAP));
  if (read_mask (ertmp_amf_get (obj, PROP_CAPS_EX), &caps_ex)) {
    caps->caps_ex = caps->has_caps_ex ? caps->caps_ex | caps_ex : caps_ex;
    caps->has_caps_ex = TRUE;
  }
  return ERTMP_OK;
}

/* ---- writing ------------------------------------------------------- */

static ertmp_amf_value *
write_map (const GArray * map)
{
  ertmp_amf_value *obj = ertmp_amf_new (ERTMP_AMF_OBJECT);
  guint i;

  for (i = 0; i < map->len; i++) {
    const ertmp_fourcc_info *e = &g_array_index (map, ertmp_fourcc_info, i);
    gchar name[5];

    ertmp_amf_add_number (obj, ertmp_fourcc_to_string (e->fourcc, name),
        e->mask);
  }
  return obj;
}

void
ertmp_caps_write (const ertmp_caps * caps, ertmp_amf_value * obj)
{
  guint i;

  g_return_if_fail (caps != NULL && obj != NULL);

  if (caps->fourcc_list) {
    ertmp_amf_value *arr = ertmp_amf_new (ERTMP_AMF_ARRAY);

    for (i = 0; i < caps->fourcc_list->len; i++) {
      gchar name[5];
      guint32 fourcc = g_array_index (caps->fourcc_list, guint32, i);

      ertmp_amf_append (arr, ertmp_amf_new_string (ertmp_fourcc_to_string
              (fourcc, name), -1));
    }
    ertmp_amf_add (obj, PROP_FOURCC_LIST, arr);
  }
  if (caps->video_info)
    ertmp_amf_add (obj, PROP_VIDEO_MAP, write_map (caps->video_info));
  if (caps->audio_info)
    ertmp_amf_add (obj, PROP_AUDIO_MAP, write_map (caps->audio_info));
  if (caps->has_caps_ex)
    ertmp_amf_add_number (obj, PROP_CAPS_EX, caps->caps_ex);
}

/* ---- queries ------------------------------------------------------- */

gboolean
ertmp_caps_lists (const ertmp_caps * caps, gboolean video, guint32 fourcc,
    guint32 mask)
{
  const GArray *map;
  const ertmp_fourcc_info *own = NULL, *any = NULL;
  guint i;

  g_return_val_if_fail (caps != NULL, FALSE);

  for (i = 0; caps->fourcc_list && i < caps->fourcc_list->len; i++) {
    guint32 f = g_array_index (caps->fourcc_list, guint32, i);

    if (f == fourcc || f == ERTMP_FOURCC_ANY)
      return TRUE;
  }

  map = video ? caps->video_info : caps->audio_info;
  for (i = 0; map && i < map->len; i++) {
    const ertmp_fourcc_info *e = &g_array_index (map, ertmp_fourcc_info, i);

    if (e->fourcc == ERTMP_FOURCC_ANY)
      any = e;
    else if (e->fourcc == fourcc)
      own = e;
  }
  /* ertmp.md 9: a "*" key overrides the per-codec entries */
  if (any)
    return (any->mask & mask) != 0;
  return own && (own->mask & mask) != 0;
}
