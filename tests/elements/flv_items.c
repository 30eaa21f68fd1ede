/* gst-ertmp: the tags of recorded FLV streams, compared with what was sent
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "flv_items.h"

#include <string.h>
#include <gst/check/gstcheck.h>

#include "ertmp_flv.h"
#include "ertmp_media.h"

static const guint8 file_header[ERTMP_FLV_HEADER_SIZE +
    ERTMP_FLV_PREV_SIZE_SIZE] = { 'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9,
  0, 0, 0, 0
};

static void
item_clear (FlvItem * item)
{
  g_bytes_unref (item->body);
}

static void
item_classify (FlvItem * item, const guint8 * body, gsize len)
{
  ertmp_media_tag mt;
  gboolean video = item->type == ERTMP_FLV_TAG_VIDEO;

  item->kind = FLV_ITEM_OTHER;
  if (item->type != ERTMP_FLV_TAG_AUDIO && !video) {
    item->kind = FLV_ITEM_SCRIPT;
    return;
  }
  if (ertmp_media_parse (video ? ERTMP_CODEC_KIND_VIDEO :
          ERTMP_CODEC_KIND_AUDIO, body, len, NULL, &mt) != ERTMP_OK)
    return;
  if (mt.hdr.packet == ERTMP_MEDIA_PACKET_SEQUENCE_START)
    item->kind = FLV_ITEM_CONFIG;
  else if (mt.hdr.packet == ERTMP_MEDIA_PACKET_CODED_FRAMES)
    item->kind = FLV_ITEM_FRAME;
  item->key = video && mt.hdr.frame_type == ERTMP_MEDIA_FRAME_KEY;
}

GArray *
flv_items_parse (const guint8 * data, gsize len, const gchar * what)
{
  ertmp_flv_reader *rd = ertmp_flv_reader_new (NULL);
  GArray *items = g_array_new (FALSE, FALSE, sizeof (FlvItem));
  ertmp_flv_tag tag;
  ertmp_result res;
  gsize used;

  g_array_set_clear_func (items, (GDestroyNotify) item_clear);
  if (len < 3 || memcmp (data, "FLV", 3) != 0)
    fail_unless_equals_int (ertmp_flv_reader_read (rd, file_header,
            sizeof (file_header), &used, &tag), ERTMP_NEED_MORE);
  while ((res = ertmp_flv_reader_read (rd, data, len, &used, &tag)) ==
      ERTMP_OK) {
    FlvItem item = { 0 };

    data += used;
    len -= used;
    fail_if (tag.prev_size_mismatch || tag.skipped, "%s: FLV damaged at "
        "%" G_GUINT64_FORMAT, what, tag.offset);
    item.type = tag.header.type;
    item.ts = tag.header.timestamp;
    item.body = g_bytes_new (tag.payload, tag.header.size);
    item_classify (&item, tag.payload, tag.header.size);
    g_array_append_val (items, item);
  }
  fail_unless (res == ERTMP_NEED_MORE, "%s: not an FLV stream: %s", what,
      ertmp_flv_reader_describe (rd));
  fail_if (ertmp_flv_reader_pending (rd, NULL), "%s: FLV cut short", what);
  ertmp_flv_reader_free (rd);
  return items;
}

GArray *
flv_items_from_file (const gchar * path)
{
  gchar *data;
  gsize len;
  GArray *items;

  fail_unless (g_file_get_contents (path, &data, &len, NULL), "%s", path);
  fail_unless (len >= sizeof (file_header) && memcmp (data, "FLV", 3) == 0,
      "%s: no FLV file header", path);
  items = flv_items_parse ((const guint8 *) data, len, path);
  g_free (data);
  return items;
}

static const gchar *
type_name (guint8 type)
{
  return type == ERTMP_FLV_TAG_VIDEO ? "video" : "audio";
}

static gboolean
item_equal (const FlvItem * a, const FlvItem * b)
{
  return a->type == b->type && a->ts == b->ts && g_bytes_equal (a->body,
      b->body);
}

/* The items of @type among @kinds (a bit per FlvItemKind), in order,
 * appended to @out (borrowed from @items) */
static void
select_items (GArray * items, guint8 type, guint kinds, GPtrArray * out)
{
  guint i;

  for (i = 0; i < items->len; i++) {
    FlvItem *item = &g_array_index (items, FlvItem, i);

    if (item->type == type && (kinds & (1u << item->kind)))
      g_ptr_array_add (out, item);
  }
}

/* @got equals @want item by item; returns the body bytes compared */
static guint64
compare_lists (GPtrArray * want, GPtrArray * got, const gchar * kind,
    const gchar * what)
{
  guint64 bytes = 0;
  guint i;

  for (i = 0; i < MIN (want->len, got->len); i++) {
    const FlvItem *w = g_ptr_array_index (want, i);
    const FlvItem *g = g_ptr_array_index (got, i);

    fail_unless (item_equal (w, g), "%s: %s tag %u: sent ts %u (%"
        G_GSIZE_FORMAT " bytes), received ts %u (%" G_GSIZE_FORMAT
        " bytes%s)", what, kind, i, w->ts, g_bytes_get_size (w->body),
        g->ts, g_bytes_get_size (g->body), w->ts == g->ts &&
        g_bytes_get_size (w->body) == g_bytes_get_size (g->body) ?
        ", other content" : "");
    bytes += g_bytes_get_size (w->body);
  }
  fail_unless (want->len == got->len, "%s: %u %s tags sent, %u received",
      what, want->len, kind, got->len);
  return bytes;
}

void
flv_items_check_same (GArray * want, GArray * got, const gchar * what)
{
  static const guint8 types[] = { ERTMP_FLV_TAG_AUDIO, ERTMP_FLV_TAG_VIDEO };
  const guint kinds = (1u << FLV_ITEM_CONFIG) | (1u << FLV_ITEM_FRAME);
  guint t;

  for (t = 0; t < G_N_ELEMENTS (types); t++) {
    GPtrArray *w = g_ptr_array_new (), *g = g_ptr_array_new ();
    guint64 bytes;

    select_items (want, types[t], kinds, w);
    select_items (got, types[t], kinds, g);
    fail_unless (w->len > 2, "%s: only %u %s tags sent", what, w->len,
        type_name (types[t]));
    bytes = compare_lists (w, g, type_name (types[t]), what);
    g_print ("%s: %u %s tags identical (%" G_GUINT64_FORMAT " body bytes, "
        "ts %u..%u ms)\n", what, w->len, type_name (types[t]), bytes,
        ((FlvItem *) g_ptr_array_index (w, 0))->ts,
        ((FlvItem *) g_ptr_array_index (w, w->len - 1))->ts);
    g_ptr_array_unref (w);
    g_ptr_array_unref (g);
  }
}

void
flv_items_check_union (GArray * sent, GArray ** parts, guint n_parts,
    guint * counts, const gchar * what)
{
  static const guint8 types[] = { ERTMP_FLV_TAG_AUDIO, ERTMP_FLV_TAG_VIDEO };
  const guint frames = 1u << FLV_ITEM_FRAME;
  guint t, i;

  if (counts != NULL)
    memset (counts, 0, n_parts * sizeof (guint));
  for (t = 0; t < G_N_ELEMENTS (types); t++) {
    GPtrArray *w = g_ptr_array_new (), *g = g_ptr_array_new ();
    guint64 bytes;

    select_items (sent, types[t], frames, w);
    for (i = 0; i < n_parts; i++) {
      guint before = g->len;

      select_items (parts[i], types[t], frames, g);
      if (counts != NULL)
        counts[i] += g->len - before;
    }
    fail_unless (w->len > 10, "%s: only %u %s frames sent", what, w->len,
        type_name (types[t]));
    bytes = compare_lists (w, g, type_name (types[t]), what);
    g_print ("%s: %u %s frames sent, the same %u (%" G_GUINT64_FORMAT
        " bytes) received in %u part(s)\n", what, w->len,
        type_name (types[t]), g->len, bytes, n_parts);
    g_ptr_array_unref (w);
    g_ptr_array_unref (g);
  }
}

const FlvItem *
flv_items_check_start (GArray * items, const gchar * what)
{
  gboolean config[2] = { FALSE, FALSE };
  guint i;

  for (i = 0; i < items->len; i++) {
    const FlvItem *item = &g_array_index (items, FlvItem, i);
    gboolean video = item->type == ERTMP_FLV_TAG_VIDEO;

    if (item->kind == FLV_ITEM_CONFIG)
      config[video] = TRUE;
    if (item->kind != FLV_ITEM_FRAME)
      continue;
    fail_unless (config[video], "%s: a %s frame (ts %u, tag %u) before its "
        "sequence start", what, type_name (item->type), item->ts, i);
    if (!video)
      continue;
    fail_unless (item->key, "%s: the first video frame (ts %u) is not a "
        "key frame", what, item->ts);
    return item;
  }
  fail ("%s: no video frame in %u tags", what, items->len);
  return NULL;
}
