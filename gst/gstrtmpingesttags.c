/* gst-ertmp: rtmpingestsrc's streaming side
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Turns the queued items of one publisher after another into the output
 * (buffers and caps events, pushed by gstrtmpingeststream.c):
 * an FLV header, then one tag per buffer, on the running time.  The stream
 * headers (onMetaData, sequence starts, colorInfo, channel layouts) are
 * held until the first frame so that the caps' streamheader is complete
 * before anything flows, and the caps follow when a header changes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtmpingestsrc.h"
#include "ertmp_flv.h"
#include "gstertmptag.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_ingest_src_debug);
#define GST_CAT_DEFAULT gst_rtmp_ingest_src_debug

typedef struct
{
  gint key;
  GstBuffer *buf;
} Header;

GstRtmpIngestItem *
gst_rtmp_ingest_item_new (GstRtmpIngestItemType type)
{
  GstRtmpIngestItem *item = g_new0 (GstRtmpIngestItem, 1);

  item->link.data = item;
  item->type = type;
  return item;
}

void
gst_rtmp_ingest_items_clear (GQueue * queue)
{
  GList *link;

  while ((link = g_queue_pop_head_link (queue)) != NULL)
    gst_rtmp_ingest_item_free (link->data);
}

void
gst_rtmp_ingest_item_free (GstRtmpIngestItem * item)
{
  gst_clear_buffer (&item->buf);
  g_clear_error (&item->error);
  g_free (item);
}

static void
clear_header (gpointer data)
{
  gst_buffer_unref (((Header *) data)->buf);
}

void
gst_rtmp_ingest_tags_init (GstRtmpIngestSrc * src)
{
  src->headers = g_array_new (FALSE, FALSE, sizeof (Header));
  g_array_set_clear_func (src->headers, clear_header);
  g_queue_init (&src->out);
  g_queue_init (&src->held);
}

/* Forgets the publisher: its headers and held tags. */
static void
reset_publisher (GstRtmpIngestSrc * src)
{
  g_array_set_size (src->headers, 0);
  gst_rtmp_ingest_items_clear (&src->held);
  src->caps_known = FALSE;
  src->mapped = FALSE;
  src->discont = TRUE;
}

void
gst_rtmp_ingest_tags_reset (GstRtmpIngestSrc * src)
{
  reset_publisher (src);
  g_queue_clear_full (&src->out, (GDestroyNotify) gst_mini_object_unref);
  gst_clear_buffer (&src->flv_header);
  src->ended = FALSE;
}

void
gst_rtmp_ingest_tags_clear (GstRtmpIngestSrc * src)
{
  gst_rtmp_ingest_tags_reset (src);
  g_clear_pointer (&src->headers, g_array_unref);
}

/* The publisher's timestamp on the running time: its first tag is placed
 * at the running time it is taken at, the rest keep their distance. */
static void
map_time (GstRtmpIngestSrc * src, GstRtmpIngestItem * item)
{
  GstClock *clock;
  GstClockTime now = 0, ts;
  gint64 delta;

  if (!src->mapped) {
    clock = gst_element_get_clock (GST_ELEMENT (src));
    if (clock != NULL) {
      now = gst_clock_get_time (clock);
      now = MAX (now, gst_element_get_base_time (GST_ELEMENT (src)))
          - gst_element_get_base_time (GST_ELEMENT (src));
      gst_object_unref (clock);
    }
    src->base_ms = item->ms;
    src->base_time = now;
    src->mapped = TRUE;
    GST_DEBUG_OBJECT (src, "publisher time %" G_GINT64_FORMAT " ms is "
        "running time %" GST_TIME_FORMAT, item->ms, GST_TIME_ARGS (now));
  }
  delta = (item->ms - src->base_ms) * (gint64) GST_MSECOND;
  ts = delta < 0 && (GstClockTime) - delta > src->base_time ? 0 :
      src->base_time + delta;
  GST_BUFFER_DTS (item->buf) = GST_BUFFER_PTS (item->buf) = ts;
}

static guint8
kind_flag (const GstRtmpIngestItem * item)
{
  if (item->tag_type == ERTMP_FLV_TAG_AUDIO)
    return ERTMP_FLV_FLAG_AUDIO;
  if (item->tag_type == ERTMP_FLV_TAG_VIDEO)
    return ERTMP_FLV_FLAG_VIDEO;
  return 0;
}

/* The FLV header: its advisory flags name the kinds held before the
 * first frame (the headers) and the first frame's own (@first, or NULL
 * when a publisher left before any frame). */
static GstBuffer *
flv_header (GstRtmpIngestSrc * src, GstRtmpIngestItem * first)
{
  GByteArray *bytes = g_byte_array_new ();
  guint8 flags = first ? kind_flag (first) : 0;
  GstRtmpIngestItem *lead = first ? first : g_queue_peek_head (&src->held);
  GstBuffer *buf;
  GList *l;

  for (l = src->held.head; l; l = l->next)
    flags |= kind_flag (l->data);
  ertmp_flv_write_header (bytes, flags);
  buf = gst_buffer_new_wrapped (g_byte_array_free (bytes, FALSE),
      ERTMP_FLV_HEADER_SIZE + ERTMP_FLV_PREV_SIZE_SIZE);
  GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_HEADER);
  GST_BUFFER_DTS (buf) = GST_BUFFER_PTS (buf) = GST_BUFFER_DTS (lead->buf);
  return buf;
}

/* caps video/x-flv with streamheader = FLV header + the stream headers */
static void
update_caps (GstRtmpIngestSrc * src)
{
  GValue array = G_VALUE_INIT, value = G_VALUE_INIT;
  GstCaps *caps = gst_caps_new_empty_simple ("video/x-flv");
  guint i;

  g_value_init (&array, GST_TYPE_ARRAY);
  g_value_init (&value, GST_TYPE_BUFFER);
  gst_value_set_buffer (&value, src->flv_header);
  gst_value_array_append_value (&array, &value);
  for (i = 0; i < src->headers->len; i++) {
    gst_value_set_buffer (&value, g_array_index (src->headers, Header,
            i).buf);
    gst_value_array_append_value (&array, &value);
  }
  gst_caps_set_value (caps, "streamheader", &array);
  g_value_unset (&value);
  g_value_unset (&array);
  GST_DEBUG_OBJECT (src, "caps %" GST_PTR_FORMAT, caps);
  /* in order with the buffers around it */
  g_queue_push_tail (&src->out, gst_event_new_caps (caps));
  gst_caps_unref (caps);
}

/* Keeps @buf as the stream header of @key (replacing the last one). */
static void
set_header (GstRtmpIngestSrc * src, gint key, GstBuffer * buf)
{
  Header h = { key, gst_buffer_ref (buf) };
  guint i;

  for (i = 0; i < src->headers->len; i++) {
    Header *old = &g_array_index (src->headers, Header, i);
    if (old->key == key) {
      gst_buffer_unref (old->buf);
      old->buf = h.buf;
      return;
    }
  }
  g_array_append_val (src->headers, h);
}

static void
push_out (GstRtmpIngestSrc * src, GstBuffer * buf)
{
  if (src->discont) {
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    src->discont = FALSE;
  }
  g_queue_push_tail (&src->out, buf);
}

static void
push_item (GstRtmpIngestSrc * src, GstRtmpIngestItem * item)
{
  push_out (src, g_steal_pointer (&item->buf));
  gst_rtmp_ingest_item_free (item);
}

/* The caps are complete (the first frame is @first, or NULL): FLV header,
 * caps, then the held headers. */
static void
start_stream (GstRtmpIngestSrc * src, GstRtmpIngestItem * first)
{
  gst_clear_buffer (&src->flv_header);
  src->flv_header = flv_header (src, first);
  src->caps_known = TRUE;
  update_caps (src);
  push_out (src, gst_buffer_ref (src->flv_header));
  while (!g_queue_is_empty (&src->held))
    push_item (src, g_queue_pop_head_link (&src->held)->data);
}

/* headers held before the first frame: a publisher that sends nothing but
 * headers gets its stream started anyway after this many */
#define MAX_HELD 64

static void
handle_tag (GstRtmpIngestSrc * src, GstRtmpIngestItem * item)
{
  map_time (src, item);
  if (item->header_key == GST_ERTMP_TAG_NOT_HEADER) {
    if (!src->caps_known)
      start_stream (src, item);
    push_item (src, item);
    return;
  }
  GST_BUFFER_FLAG_SET (item->buf, GST_BUFFER_FLAG_HEADER);
  set_header (src, item->header_key, item->buf);
  if (src->caps_known) {
    update_caps (src);
    push_item (src, item);
    return;
  }
  g_queue_push_tail_link (&src->held, &item->link);
  if (g_queue_get_length (&src->held) >= MAX_HELD)
    start_stream (src, NULL);
}

/* A publisher left.  With keep-listening the next one just starts over;
 * without, a clean end is EOS (after what is queued) and the rest an
 * error naming why. */
static GstFlowReturn
handle_end (GstRtmpIngestSrc * src, GstRtmpIngestItem * item)
{
  gboolean keep;

  GST_OBJECT_LOCK (src);
  keep = src->keep_listening;
  GST_OBJECT_UNLOCK (src);
  /* a takeover goes on as a new publisher would */
  if (keep || item->continues) {
    gst_rtmp_ingest_item_free (item);
    return GST_FLOW_OK;
  }
  if (item->error != NULL && item->error->domain == GST_STREAM_ERROR) {
    GST_ELEMENT_ERROR (src, STREAM, DECODE, ("The RTMP publisher broke the "
            "protocol"), ("%s", item->error->message));
  } else if (item->error != NULL) {
    GST_ELEMENT_ERROR (src, RESOURCE, READ, ("The RTMP publisher was lost"),
        ("%s", item->error->message));
  }
  if (item->error != NULL) {
    gst_rtmp_ingest_item_free (item);
    return GST_FLOW_ERROR;
  }
  if (!src->caps_known && !g_queue_is_empty (&src->held))
    start_stream (src, NULL);
  src->ended = TRUE;
  gst_rtmp_ingest_item_free (item);
  return GST_FLOW_OK;
}

GstFlowReturn
gst_rtmp_ingest_tags_handle (GstRtmpIngestSrc * src, GstRtmpIngestItem * item)
{
  switch (item->type) {
    case GST_RTMP_INGEST_ITEM_TAG:
      handle_tag (src, item);
      return GST_FLOW_OK;
    case GST_RTMP_INGEST_ITEM_START:
      reset_publisher (src);
      gst_rtmp_ingest_item_free (item);
      return GST_FLOW_OK;
    case GST_RTMP_INGEST_ITEM_END:
      return handle_end (src, item);
  }
  g_assert_not_reached ();
  return GST_FLOW_ERROR;
}
