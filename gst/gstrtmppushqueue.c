/* gst-ertmp: rtmppushsink's tag queue
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * render() cuts its input (any split of an FLV stream: partial tags,
 * several tags, the file header) into tags with the core's FLV reader and
 * queues them for the I/O thread.  The stream headers are kept aside,
 * by key, so that every new connection starts with them.  The queue is
 * bounded in time: while connected render() waits when it is full; while
 * reconnecting the oldest tags go instead (max-queue-time).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstrtmppushsink.h"
#include "gstertmptag.h"
#include "ertmp_codec.h"
#include "ertmp_media.h"
#include "ertmp_time.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_push_sink_debug);
#define GST_CAT_DEFAULT gst_rtmp_push_sink_debug

void
gst_rtmp_push_tag_free (GstRtmpPushTag * tag)
{
  gst_buffer_unref (tag->body);
  g_free (tag);
}

static void
clear_header (gpointer data)
{
  gst_clear_buffer (&((GstRtmpPushTag *) data)->body);
}

void
gst_rtmp_push_queue_init (GstRtmpPushSink * sink)
{
  g_queue_init (&sink->queue);
  sink->headers = g_array_new (FALSE, TRUE, sizeof (GstRtmpPushTag));
  g_array_set_clear_func (sink->headers, clear_header);
}

void
gst_rtmp_push_queue_clear (GstRtmpPushSink * sink)
{
  g_mutex_lock (&sink->lock);
  g_queue_clear_full (&sink->queue, (GDestroyNotify) gst_rtmp_push_tag_free);
  sink->queue_bytes = 0;
  g_array_set_size (sink->headers, 0);
  sink->has_video = FALSE;
  g_mutex_unlock (&sink->lock);
  g_clear_pointer (&sink->reader, ertmp_flv_reader_free);
  g_clear_pointer (&sink->fourccs, g_array_unref);
  sink->enhanced = FALSE;
}

/* ms between the oldest and the newest queued tag (lock held) */
static gint64
queue_span (GstRtmpPushSink * sink)
{
  GstRtmpPushTag *head = g_queue_peek_head (&sink->queue);
  GstRtmpPushTag *tail = g_queue_peek_tail (&sink->queue);

  return head && tail->ms > head->ms ? tail->ms - head->ms : 0;
}

/* the queue spans more than max-queue-time (lock held) */
static gboolean
over_limit (GstRtmpPushSink * sink)
{
  return (GstClockTime) queue_span (sink) * GST_MSECOND > sink->queue_limit;
}

/* a resumed or switched stream may start at @tag */
static gboolean
may_start (GstRtmpPushSink * sink, const GstRtmpPushTag * tag)
{
  return tag != NULL && (!sink->has_video || tag->keyframe);
}

static GstRtmpPushTag *
pop_head (GstRtmpPushSink * sink)
{
  GstRtmpPushTag *tag = g_queue_pop_head (&sink->queue);

  if (tag)
    sink->queue_bytes -= gst_buffer_get_size (tag->body);
  return tag;
}

/* Records the codecs a tag uses (for what connect advertises). */
static void
note_codec (GstRtmpPushSink * sink, guint8 type, const guint8 * body,
    gsize len, guint8 * track)
{
  ertmp_media_tag tag;
  ertmp_media_track t;
  const ertmp_codec_info *info;
  guint i;

  *track = 0;
  if ((type != ERTMP_FLV_TAG_AUDIO && type != ERTMP_FLV_TAG_VIDEO)
      || ertmp_media_parse (type, body, len, NULL, &tag) != ERTMP_OK)
    return;
  sink->enhanced |= tag.hdr.enhanced;
  if (sink->fourccs == NULL)
    sink->fourccs = g_array_new (FALSE, FALSE, sizeof (guint32));
  while (ertmp_media_next_track (&tag, &t)) {
    if (*track == 0)
      *track = t.track_id;
    info = ertmp_codec_get (t.codec);
    if (info == NULL || info->fourcc == 0)
      continue;
    for (i = 0; i < sink->fourccs->len; i++)
      if (g_array_index (sink->fourccs, guint32, i) == info->fourcc)
        break;
    if (i == sink->fourccs->len)
      g_array_append_val (sink->fourccs, info->fourcc);
  }
}

/* Keeps a copy of a stream header by key (lock held). */
static void
keep_header (GstRtmpPushSink * sink, const GstRtmpPushTag * tag)
{
  GstRtmpPushTag copy = *tag;
  guint i;

  copy.body = gst_buffer_ref (tag->body);
  for (i = 0; i < sink->headers->len; i++) {
    GstRtmpPushTag *old = &g_array_index (sink->headers, GstRtmpPushTag, i);
    if (old->header_key == tag->header_key) {
      gst_buffer_unref (old->body);
      *old = copy;
      return;
    }
  }
  g_array_append_val (sink->headers, copy);
}

static GstRtmpPushTag *
make_tag (GstRtmpPushSink * sink, ertmp_flv_reader * reader,
    const ertmp_flv_tag * t, GstBuffer * in, const guint8 * data, gsize len)
{
  GstRtmpPushTag *tag = g_new0 (GstRtmpPushTag, 1);
  GstErtmpTagInfo info;
  gsize size;

  tag->type = t->header.type;
  if (!sink->have_last_ms)
    sink->last_ms = t->header.timestamp;
  sink->have_last_ms = TRUE;
  tag->ms = sink->last_ms = ertmp_timestamp_unwrap (sink->last_ms,
      t->header.timestamp);
  tag->body = gst_ertmp_tag_body (reader, t, in, data, len);
  size = gst_buffer_get_size (tag->body);
  gst_ertmp_tag_classify (tag->type, t->payload, size, &info);
  tag->header_key = info.header_key;
  tag->keyframe = info.keyframe;
  note_codec (sink, tag->type, t->payload, size, &tag->track);
  return tag;
}

/* Queues @tag (lock held); @header_only: from the caps, kept aside but not
 * sent as a frame. */
static void
queue_tag (GstRtmpPushSink * sink, GstRtmpPushTag * tag, gboolean header_only)
{
  if (tag->header_key != GST_ERTMP_TAG_NOT_HEADER)
    keep_header (sink, tag);
  if (tag->type == ERTMP_FLV_TAG_VIDEO)
    sink->has_video = TRUE;
  if (header_only) {
    gst_rtmp_push_tag_free (tag);
    return;
  }
  if (tag->header_key == GST_ERTMP_TAG_NOT_HEADER)
    sink->codecs_known = TRUE;
  g_queue_push_tail (&sink->queue, tag);
  sink->queue_bytes += gst_buffer_get_size (tag->body);
  /* reconnecting: keep max-queue-time, the newest */
  while (!sink->publishing && sink->published_once
      && over_limit (sink))
    gst_rtmp_push_tag_free (pop_head (sink));
}

static GstFlowReturn
read_error (GstRtmpPushSink * sink, ertmp_flv_reader * reader,
    ertmp_result res)
{
  GST_ELEMENT_ERROR (sink, STREAM, DEMUX, ("The input is not a valid FLV "
          "stream"), ("%s (%s)", ertmp_flv_reader_describe (reader),
          ertmp_result_name (res)));
  sink->failed = TRUE;
  return GST_FLOW_ERROR;
}

/* Reads every tag of @data into the queue (lock held); @header_only: the
 * caps' streamheader, through a reader of its own. */
static GstFlowReturn
read_tags (GstRtmpPushSink * sink, ertmp_flv_reader * reader,
    GstBuffer * in, const guint8 * data, gsize len, gboolean header_only)
{
  ertmp_flv_tag t;
  ertmp_result res;
  gsize consumed, pos = 0;

  while (pos < len) {
    res = ertmp_flv_reader_read (reader, data + pos, len - pos, &consumed,
        &t);
    pos += consumed;
    if (res == ERTMP_NEED_MORE)
      break;
    if (res != ERTMP_OK)
      return read_error (sink, reader, res);
    queue_tag (sink, make_tag (sink, reader, &t, in, data, len),
        header_only);
  }
  return GST_FLOW_OK;
}

/* Whether render() must wait for the I/O thread (lock held): the queue
 * spans max-queue-time, unless reconnecting (then it is trimmed). */
static gboolean
queue_full (GstRtmpPushSink * sink)
{
  if (!sink->publishing && sink->published_once)
    return FALSE;
  return over_limit (sink);
}

GstFlowReturn
gst_rtmp_push_queue_add (GstRtmpPushSink * sink, GstBuffer * buf)
{
  GstFlowReturn ret;
  GstMapInfo map;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_ERROR;
  g_mutex_lock (&sink->lock);
  if (sink->reader == NULL) {
    sink->reader = gst_ertmp_tag_reader_new (map.data, map.size);
    sink->have_last_ms = FALSE;
  }
  ret = read_tags (sink, sink->reader, buf, map.data, map.size, FALSE);
  gst_buffer_unmap (buf, &map);
  if (ret == GST_FLOW_OK) {
    gst_rtmp_push_client_kick (sink);
    while (queue_full (sink) && !sink->flushing && !sink->failed)
      g_cond_wait (&sink->cond, &sink->lock);
    if (sink->flushing)
      ret = GST_FLOW_FLUSHING;
    else if (sink->failed)
      ret = GST_FLOW_ERROR;
  }
  g_mutex_unlock (&sink->lock);
  return ret;
}

GstFlowReturn
gst_rtmp_push_queue_add_headers (GstRtmpPushSink * sink, GPtrArray * bufs)
{
  ertmp_flv_reader *reader = NULL;
  GstFlowReturn ret = GST_FLOW_OK;
  GstMapInfo map;
  guint i;

  g_mutex_lock (&sink->lock);
  for (i = 0; i < bufs->len && ret == GST_FLOW_OK; i++) {
    if (!gst_buffer_map (g_ptr_array_index (bufs, i), &map, GST_MAP_READ))
      continue;
    if (reader == NULL)
      reader = gst_ertmp_tag_reader_new (map.data, map.size);
    ret = read_tags (sink, reader, g_ptr_array_index (bufs, i), map.data,
        map.size, TRUE);
    gst_buffer_unmap (g_ptr_array_index (bufs, i), &map);
  }
  g_mutex_unlock (&sink->lock);
  g_clear_pointer (&reader, ertmp_flv_reader_free);
  return ret;
}

gboolean
gst_rtmp_push_queue_at_start (GstRtmpPushSink * sink)
{
  GstRtmpPushTag *head;

  while ((head = g_queue_peek_head (&sink->queue)) != NULL) {
    if (may_start (sink, head))
      return TRUE;
    gst_rtmp_push_tag_free (pop_head (sink));
  }
  return FALSE;
}

gboolean
gst_rtmp_push_queue_head_is_key (GstRtmpPushSink * sink)
{
  return may_start (sink, g_queue_peek_head (&sink->queue));
}

GstRtmpPushTag *
gst_rtmp_push_queue_pop (GstRtmpPushSink * sink)
{
  GstRtmpPushTag *tag = pop_head (sink);

  g_cond_broadcast (&sink->cond);
  return tag;
}
