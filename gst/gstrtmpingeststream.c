/* gst-ertmp: rtmpingestsrc's queue and its pushing
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The server's I/O thread queues each publisher's items here; a streaming
 * worker shared by every element of the process (gstertmpworkers.h)
 * takes them in batches, turns them into buffers (gstrtmpingesttags.c)
 * and pushes them.  The element has no thread of its own: at a few
 * hundred publishers, waking one thread per element for every tag was
 * most of the process's CPU.
 *
 * Like a live GstBaseSrc it pushes only in PLAYING (what arrives in
 * PAUSED waits in the queue, and reading stops when it is full), sends
 * stream-start, caps and a TIME segment before the first buffer, and
 * after EOS or an error pushes nothing more.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtmpingestsrc.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_ingest_src_debug);
#define GST_CAT_DEFAULT gst_rtmp_ingest_src_debug

/* items a drain takes before it lets other elements have the worker */
#define DRAIN_BATCH 64

static gsize
item_size (const GstRtmpIngestItem * item)
{
  return item->size;
}

/* ---- the I/O thread's side ---- */

/* Moves the links of @from to the end of @to. */
static void
splice (GQueue * to, GQueue * from)
{
  if (from->head == NULL)
    return;
  if (to->tail != NULL) {
    to->tail->next = from->head;
    from->head->prev = to->tail;
  } else {
    to->head = from->head;
  }
  to->tail = from->tail;
  to->length += from->length;
  g_queue_init (from);
}

static void
flush_workers (gpointer unused, gpointer unused2)
{
  gst_ertmp_workers_flush ();
}

/* The I/O thread's batch goes to the queue: one scheduling of the drain
 * for every tag the sockets ready together gave (only when the queue was
 * empty: otherwise a drain is already due), and reading stops when the
 * queue is full. */
static void
flush_batch (gpointer data, gpointer unused)
{
  GstRtmpIngestSrc *src = data;
  gboolean wake, full;
  guint max;

  GST_OBJECT_LOCK (src);
  max = src->max_queue_bytes;
  GST_OBJECT_UNLOCK (src);
  g_mutex_lock (&src->lock);
  wake = g_queue_is_empty (&src->queue) && src->playing;
  splice (&src->queue, &src->batch);
  src->queue_bytes += src->batch_bytes;
  src->batch_bytes = 0;
  if (src->queue_bytes >= max && !src->reading_paused) {
    GST_DEBUG_OBJECT (src, "queue full (%" G_GSIZE_FORMAT " bytes): "
        "reading paused", src->queue_bytes);
    src->reading_paused = TRUE;
  }
  full = src->reading_paused;
  g_mutex_unlock (&src->lock);
  if (wake && gst_ertmp_work_schedule_later (&src->work))
    gst_ertmp_server_defer (src->server, flush_workers, NULL);
  if (full && src->publisher != NULL)
    gst_ertmp_peer_set_reading (src->publisher, FALSE);
}

void
gst_rtmp_ingest_src_enqueue (GstRtmpIngestSrc * src, GstRtmpIngestItem * item)
{
  gboolean first = g_queue_is_empty (&src->batch);

  g_queue_push_tail_link (&src->batch, &item->link);
  src->batch_bytes += item_size (item);
  if (first)
    gst_ertmp_server_defer (src->server, flush_batch, src);
}

/* ---- pushing ---- */

static void
push_stream_start (GstRtmpIngestSrc * src)
{
  gchar *id = gst_pad_create_stream_id (src->srcpad, GST_ELEMENT (src), NULL);
  GstEvent *event = gst_event_new_stream_start (id);

  gst_event_set_group_id (event, gst_util_group_id_next ());
  gst_pad_push_event (src->srcpad, event);
  g_free (id);
  src->need_stream_start = FALSE;
}

static void
push_segment (GstRtmpIngestSrc * src)
{
  GstSegment segment;

  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (src->srcpad, gst_event_new_segment (&segment));
  src->need_segment = FALSE;
}

/* Events sent to the element, pushed before the next buffer (after the
 * segment), as a GstBaseSrc does. */
static void
push_pending_events (GstRtmpIngestSrc * src)
{
  GList *events, *l;

  g_mutex_lock (&src->lock);
  events = src->pending_events;
  g_atomic_pointer_set (&src->pending_events, NULL);
  g_mutex_unlock (&src->lock);
  for (l = events; l != NULL; l = l->next)
    gst_pad_push_event (src->srcpad, l->data);
  g_list_free (events);
}

/* One buffer or caps event of src->out. */
static GstFlowReturn
push_one (GstRtmpIngestSrc * src, GstMiniObject * obj)
{
  if (GST_IS_EVENT (obj)) {
    /* a refused caps event shows as not-negotiated on the next buffer */
    gst_pad_push_event (src->srcpad, GST_EVENT_CAST (obj));
    return GST_FLOW_OK;
  }
  if (src->need_segment)
    push_segment (src);
  /* read without the lock for every buffer: set only under it */
  if (g_atomic_pointer_get (&src->pending_events) != NULL)
    push_pending_events (src);
  return gst_pad_push (src->srcpad, GST_BUFFER_CAST (obj));
}

/* The stream is over downstream: EOS (after an error too, as a GstBaseSrc
 * does), and nothing more is pushed. */
static void
finish (GstRtmpIngestSrc * src, GstFlowReturn ret, gboolean posted)
{
  src->done = TRUE;
  if (ret == GST_FLOW_FLUSHING)
    return;
  if (!posted && (ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS))
    GST_ELEMENT_FLOW_ERROR (src, ret);
  GST_DEBUG_OBJECT (src, "pushing EOS (%s)", gst_flow_get_name (ret));
  if (src->need_stream_start)
    push_stream_start (src);
  if (src->need_segment)
    push_segment (src);
  gst_pad_push_event (src->srcpad, gst_event_new_eos ());
}

/* Handles @item and pushes what it gave. */
static void
push_item (GstRtmpIngestSrc * src, GstRtmpIngestItem * item)
{
  GstFlowReturn ret;
  GstMiniObject *obj;

  if ((ret = gst_rtmp_ingest_tags_handle (src, item)) != GST_FLOW_OK) {
    finish (src, ret, TRUE);
    return;
  }
  while ((obj = g_queue_pop_head (&src->out)) != NULL) {
    if ((ret = push_one (src, obj)) != GST_FLOW_OK) {
      finish (src, ret, FALSE);
      return;
    }
  }
  if (src->ended)
    finish (src, GST_FLOW_EOS, TRUE);
}

/* Under the lock: @items (taken from the head of the queue) go back to
 * it, in front. */
static void
requeue_front (GstRtmpIngestSrc * src, GQueue * items)
{
  GList *l;

  for (l = items->head; l != NULL; l = l->next)
    src->queue_bytes += item_size (l->data);
  splice (items, &src->queue);
  src->queue = *items;
  g_queue_init (items);
}

/* The drain, on a worker: a batch of the queue, pushed.  Between items it
 * looks again at the state: flushing stops it, an EOS sent goes out at
 * once, and leaving PLAYING puts the rest back in the queue. */
static void
drain (gpointer data)
{
  GstRtmpIngestSrc *src = data;
  GstRtmpIngestItem *item;
  GList *link;
  GQueue items = G_QUEUE_INIT;
  gboolean resume = FALSE, more, eos, flushing;
  guint max, n;

  GST_OBJECT_LOCK (src);
  max = src->max_queue_bytes;
  GST_OBJECT_UNLOCK (src);
  g_mutex_lock (&src->lock);
  if (src->flushing || !src->playing) {
    g_mutex_unlock (&src->lock);
    return;
  }
  for (n = 0; n < DRAIN_BATCH && !g_queue_is_empty (&src->queue); n++) {
    link = g_queue_pop_head_link (&src->queue);
    src->queue_bytes -= item_size (link->data);
    g_queue_push_tail_link (&items, link);
  }
  if (src->reading_paused && src->queue_bytes < max / 2) {
    src->reading_paused = FALSE;
    resume = TRUE;
  }
  more = !g_queue_is_empty (&src->queue);
  g_mutex_unlock (&src->lock);
  /* before pushing, which may take long: it does not wait */
  if (resume && src->server != NULL)
    gst_ertmp_server_set_reading (src->server, src, TRUE);

  if (src->need_stream_start && !src->done)
    push_stream_start (src);
  for (;;) {
    g_mutex_lock (&src->lock);
    flushing = src->flushing;
    eos = src->eos_requested && !src->done;
    if (!flushing && !eos && !src->done && !src->playing) {
      requeue_front (src, &items);
      g_mutex_unlock (&src->lock);
      return;
    }
    g_mutex_unlock (&src->lock);
    if (flushing) {
      gst_rtmp_ingest_items_clear (&items);
      return;
    }
    if (eos)
      finish (src, GST_FLOW_EOS, TRUE);
    if ((link = g_queue_pop_head_link (&items)) == NULL)
      break;
    item = link->data;
    if (src->done)
      gst_rtmp_ingest_item_free (item);
    else
      push_item (src, item);
  }
  if (more)
    gst_ertmp_work_schedule (&src->work);
}

/* ---- the element's side ---- */

void
gst_rtmp_ingest_stream_init (GstRtmpIngestSrc * src)
{
  g_mutex_init (&src->lock);
  g_queue_init (&src->queue);
  g_queue_init (&src->batch);
  gst_ertmp_work_init (&src->work, drain, src);
}

void
gst_rtmp_ingest_stream_start (GstRtmpIngestSrc * src)
{
  gst_rtmp_ingest_tags_reset (src);
  src->need_stream_start = TRUE;
  src->need_segment = TRUE;
  src->done = FALSE;
  g_mutex_lock (&src->lock);
  src->flushing = FALSE;
  src->playing = FALSE;
  src->eos_requested = FALSE;
  g_mutex_unlock (&src->lock);
}

void
gst_rtmp_ingest_stream_set_playing (GstRtmpIngestSrc * src, gboolean playing)
{
  gboolean queued;

  g_mutex_lock (&src->lock);
  src->playing = playing;
  queued = !g_queue_is_empty (&src->queue) || src->eos_requested;
  g_mutex_unlock (&src->lock);
  if (playing && queued)
    gst_ertmp_work_schedule (&src->work);
}

void
gst_rtmp_ingest_stream_send_eos (GstRtmpIngestSrc * src)
{
  g_mutex_lock (&src->lock);
  src->eos_requested = TRUE;
  g_mutex_unlock (&src->lock);
  gst_ertmp_work_schedule (&src->work);
}

void
gst_rtmp_ingest_stream_send_event (GstRtmpIngestSrc * src, GstEvent * event)
{
  GList *events;

  g_mutex_lock (&src->lock);
  events = g_list_append (src->pending_events, event);
  g_atomic_pointer_set (&src->pending_events, events);
  g_mutex_unlock (&src->lock);
}

void
gst_rtmp_ingest_stream_flush (GstRtmpIngestSrc * src)
{
  g_mutex_lock (&src->lock);
  src->flushing = TRUE;
  g_mutex_unlock (&src->lock);
}

void
gst_rtmp_ingest_stream_stop (GstRtmpIngestSrc * src)
{
  gst_ertmp_work_cancel (&src->work);
  gst_rtmp_ingest_items_clear (&src->batch);
  src->batch_bytes = 0;
  g_mutex_lock (&src->lock);
  gst_rtmp_ingest_items_clear (&src->queue);
  src->queue_bytes = 0;
  src->reading_paused = FALSE;
  g_list_free_full (src->pending_events, (GDestroyNotify) gst_event_unref);
  src->pending_events = NULL;
  g_mutex_unlock (&src->lock);
  gst_rtmp_ingest_tags_reset (src);
}
