/* gst-ertmp: rtmpingestsrc as a route of the shared server
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The functions the server (gstertmpserver.h) calls from its I/O thread
 * once a publisher's application and key named this element: its own
 * checks (the stream ended, publish-request), the acceptance, its media as
 * FLV tags for the queue, its end, its stats, and the bus messages.
 * Everything named here goes out redacted (gstertmpredact.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstrtmpingestsrc.h"
#include "gstertmpredact.h"
#include "gstertmpcaps.h"
#include "gstertmptag.h"
#include "ertmp_flv.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_ingest_src_debug);
#define GST_CAT_DEFAULT gst_rtmp_ingest_src_debug

/* ---- the publisher's tags ---- */

/* The I/O thread's scratch space for tag headers */
static GPrivate scratch_key = G_PRIVATE_INIT ((GDestroyNotify)
    g_byte_array_unref);

/* Payloads up to this size are copied into one block with their tag
 * header and PreviousTagSize: a copy of a few KiB costs less than the four
 * allocations (two memories, a header block, a GBytes reference) that
 * wrapping them saves, on the I/O thread and again where a streaming
 * worker frees them.  Audio tags and most video frames are this small. */
#define SMALL_TAG_MAX 4096

static GstBuffer *
make_small_tag (GByteArray * scratch, GBytes * payload)
{
  gsize size = g_bytes_get_size (payload);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, scratch->len + size, NULL);
  GstMapInfo map;

  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_WRITE)) {
    gst_clear_buffer (&buf);
    return NULL;
  }
  memcpy (map.data, scratch->data, ERTMP_FLV_TAG_HEADER_SIZE);
  if (size > 0)
    memcpy (map.data + ERTMP_FLV_TAG_HEADER_SIZE,
        g_bytes_get_data (payload, NULL), size);
  memcpy (map.data + ERTMP_FLV_TAG_HEADER_SIZE + size,
      scratch->data + ERTMP_FLV_TAG_HEADER_SIZE, ERTMP_FLV_PREV_SIZE_SIZE);
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* One FLV tag around @payload.  A large payload is the session's
 * reassembled bytes, not copied; its tag header and PreviousTagSize are
 * two views of one small block.  A small one is one block (above). */
static GstBuffer *
make_tag (guint8 type, gint64 ms, GBytes * payload)
{
  ertmp_flv_tag_header th = { type, FALSE, 0, (guint32) ms, 0 };
  GByteArray *scratch = g_private_get (&scratch_key);
  gsize size = g_bytes_get_size (payload);
  GstMemory *head;
  GstBuffer *buf;
  guint8 *block;

  if (scratch == NULL) {
    scratch = g_byte_array_sized_new (ERTMP_FLV_TAG_HEADER_SIZE +
        ERTMP_FLV_PREV_SIZE_SIZE);
    g_private_set (&scratch_key, scratch);
  }
  g_byte_array_set_size (scratch, 0);
  th.size = size;
  if (ertmp_flv_write_tag_header (scratch, &th) != ERTMP_OK)
    return NULL;
  ertmp_flv_write_prev_size (scratch, th.size);
  if (size <= SMALL_TAG_MAX)
    return make_small_tag (scratch, payload);
  block = g_memdup2 (scratch->data, scratch->len);
  head = gst_memory_new_wrapped (0, block, scratch->len, 0,
      ERTMP_FLV_TAG_HEADER_SIZE, block, g_free);
  buf = gst_buffer_new ();
  gst_buffer_append_memory (buf, head);
  if (size > 0)
    gst_buffer_append_memory (buf,
        gst_memory_new_wrapped (GST_MEMORY_FLAG_READONLY,
            (gpointer) g_bytes_get_data (payload, NULL), size, 0, size,
            g_bytes_ref (payload), (GDestroyNotify) g_bytes_unref));
  gst_buffer_append_memory (buf, gst_memory_share (head,
          ERTMP_FLV_TAG_HEADER_SIZE, ERTMP_FLV_PREV_SIZE_SIZE));
  return buf;
}

/* ---- stats ---- */

static guint64
messages_in (const ertmp_session_stats * st)
{
  guint64 n = 0;
  guint k;

  for (k = 0; k < G_N_ELEMENTS (st->messages_in); k++)
    n += st->messages_in[k];
  return n;
}

static void
refresh_stats (GstRtmpIngestSrc * src, GstErtmpPeer * peer, gint64 now)
{
  ertmp_session_stats st;
  gint64 age = MAX (now - peer->publish_at, 1);
  gint64 interval = MAX (now - src->stats_at, 1);
  gchar *key = gst_ertmp_redact_key (peer->name);
  gchar *fourccs = gst_ertmp_fourcc_list_string (&peer->caps);
  GstStructure *s;

  ertmp_session_get_stats (gst_ertmp_conn_get_session (peer->conn), &st);
  s = gst_structure_new ("rtmp-ingest-stats",
      "in-bytes-total", G_TYPE_UINT64, st.bytes_in,
      "out-bytes-total", G_TYPE_UINT64, st.bytes_out,
      "in-chunk-size", G_TYPE_UINT, st.chunk_size_in,
      "out-chunk-size", G_TYPE_UINT, st.chunk_size_out,
      "in-window-ack-size", G_TYPE_UINT, st.window_in,
      "out-window-ack-size", G_TYPE_UINT, st.window_out,
      "in-bytes-acked", G_TYPE_UINT64, (guint64) st.last_ack_in,
      "messages-in", G_TYPE_UINT64, messages_in (&st),
      "audio-messages", G_TYPE_UINT64,
      st.messages_in[ERTMP_SESSION_KIND_AUDIO],
      "video-messages", G_TYPE_UINT64,
      st.messages_in[ERTMP_SESSION_KIND_VIDEO],
      "data-messages", G_TYPE_UINT64, st.messages_in[ERTMP_SESSION_KIND_DATA],
      "bitrate", G_TYPE_UINT64,
      (st.bytes_in - MIN (st.bytes_in, src->last_bytes_in)) * 8 *
      G_USEC_PER_SEC / interval,
      "average-bitrate", G_TYPE_UINT64,
      st.bytes_in * 8 * (guint64) G_USEC_PER_SEC / age,
      "publisher-address", G_TYPE_STRING, peer->address,
      "application", G_TYPE_STRING, peer->app_safe ? peer->app_safe : "",
      "stream-key", G_TYPE_STRING, key,
      "tc-url", G_TYPE_STRING, peer->tc_url_safe ? peer->tc_url_safe : "",
      "flash-ver", G_TYPE_STRING, peer->flash_ver ? peer->flash_ver : "",
      "peer-fourcc-list", G_TYPE_STRING, fourccs,
      "connection-duration", G_TYPE_UINT64, (guint64) age * GST_USECOND,
      "publishing", G_TYPE_BOOLEAN, peer->state == GST_ERTMP_PEER_PUBLISHING,
      NULL);
  src->last_bytes_in = st.bytes_in;
  src->stats_at = now;
  g_mutex_lock (&src->lock);
  if (src->stats)
    gst_structure_free (src->stats);
  src->stats = s;
  g_mutex_unlock (&src->lock);
  g_free (key);
  g_free (fourccs);
}

/* ---- route functions ---- */

static void
route_media (gpointer route, GstErtmpPeer * peer, guint8 type, gint64 ms,
    GBytes * payload)
{
  GstRtmpIngestSrc *src = route;
  GstRtmpIngestItem *item;
  GstBuffer *buf = make_tag (type, ms, payload);
  GstErtmpTagInfo info;

  if (buf == NULL) {
    GST_WARNING_OBJECT (src, "dropped a %" G_GSIZE_FORMAT " byte message "
        "that does not fit in an FLV tag", g_bytes_get_size (payload));
    return;
  }
  gst_ertmp_tag_classify (type, g_bytes_get_data (payload, NULL),
      g_bytes_get_size (payload), &info);
  if (info.delta)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  item = gst_rtmp_ingest_item_new (GST_RTMP_INGEST_ITEM_TAG);
  item->buf = buf;
  item->size = gst_buffer_get_size (buf);
  item->ms = ms;
  item->tag_type = type;
  item->header_key = info.header_key;
  gst_rtmp_ingest_src_enqueue (src, item);
  /* the server took the time of this message already */
  if (peer->last_media_at - src->stats_at > G_USEC_PER_SEC)
    refresh_stats (src, peer, peer->last_media_at);
}

/* Why @peer may not publish here, or NULL.  The server checked the
 * application and key and settled takeover. */
static gboolean
route_publish (gpointer route, GstErtmpPeer * peer, const gchar ** reason,
    const gchar ** description)
{
  GstRtmpIngestSrc *src = route;
  GstStructure *caps;
  GstRtmpIngestItem *item;
  gchar *key;
  gboolean ok = TRUE;

  if (src->finished) {
    *reason = "busy";
    *description = "the stream has ended (keep-listening is off)";
    return FALSE;
  }
  caps = gst_ertmp_caps_structure ("rtmp-ingest-capabilities", &peer->caps);
  g_signal_emit_by_name (src, "publish-request", peer->app ? peer->app : "",
      peer->name, peer->address, peer->tc_url ? peer->tc_url : "", caps,
      &ok);
  gst_structure_free (caps);
  if (!ok) {
    *reason = "signal";
    *description = "publishing refused by the application";
    return FALSE;
  }
  src->publisher = peer;
  src->stats_at = g_get_monotonic_time ();
  src->last_bytes_in = 0;
  g_mutex_lock (&src->lock);
  src->publishers_accepted++;
  src->has_publisher = TRUE;
  g_mutex_unlock (&src->lock);
  item = gst_rtmp_ingest_item_new (GST_RTMP_INGEST_ITEM_START);
  gst_rtmp_ingest_src_enqueue (src, item);
  key = gst_ertmp_redact_key (peer->name);
  GST_INFO_OBJECT (src, "publisher %s: app \"%s\", key %s", peer->address,
      peer->app_safe, key);
  gst_rtmp_ingest_src_post (src,
      gst_structure_new ("rtmp-ingest-publish-start",
          "app", G_TYPE_STRING, peer->app_safe ? peer->app_safe : "",
          "key", G_TYPE_STRING, key,
          "peer-address", G_TYPE_STRING, peer->address,
          "tc-url", G_TYPE_STRING, peer->tc_url_safe ? peer->tc_url_safe
          : "",
          "flash-ver", G_TYPE_STRING, peer->flash_ver ? peer->flash_ver : "",
          NULL));
  g_free (key);
  return TRUE;
}

static GstRtmpIngestItem *
make_end (gboolean eos, gboolean continues, GError * error)
{
  GstRtmpIngestItem *item;

  item = gst_rtmp_ingest_item_new (GST_RTMP_INGEST_ITEM_END);
  item->eos = eos;
  item->continues = continues;
  item->error = error;
  return item;
}

/* The publisher is gone: say so on the bus and to the streaming side.
 * A clean end (unpublished, kicked; disconnected with drop-is-eos) is EOS
 * without keep-listening, the rest an error; a takeover goes on.  Without
 * keep-listening the END of an unpublished stream waits until its
 * connection is over (route_gone), so that an application stopping the
 * pipeline at EOS never closes the socket under a publisher still in its
 * teardown. */
static void
route_ended (gpointer route, GstErtmpPeer * peer, const gchar * reason,
    GError * error)
{
  GstRtmpIngestSrc *src = route;
  gboolean keep, drop_is_eos, takeover = g_str_equal (reason, "taken-over");
  gboolean eos;
  ertmp_session_stats st;

  refresh_stats (src, peer, g_get_monotonic_time ());
  ertmp_session_get_stats (gst_ertmp_conn_get_session (peer->conn), &st);
  GST_OBJECT_LOCK (src);
  keep = src->keep_listening;
  drop_is_eos = src->drop_is_eos;
  GST_OBJECT_UNLOCK (src);
  if (g_str_equal (reason, "disconnected") && drop_is_eos)
    g_clear_error (&error);
  eos = error == NULL && !takeover;
  src->publisher = NULL;
  src->finished = !keep && !takeover;
  g_mutex_lock (&src->lock);
  src->has_publisher = FALSE;
  if (src->stats)
    gst_structure_set (src->stats, "publishing", G_TYPE_BOOLEAN, FALSE,
        NULL);
  g_mutex_unlock (&src->lock);
  GST_INFO_OBJECT (src, "publisher %s ended: %s", peer->address, reason);
  gst_rtmp_ingest_src_post (src, gst_structure_new ("rtmp-ingest-publish-end",
          "reason", G_TYPE_STRING, reason,
          "peer-address", G_TYPE_STRING, peer->address,
          "bytes", G_TYPE_UINT64, st.bytes_in,
          "duration", G_TYPE_UINT64,
          (guint64) (g_get_monotonic_time () - peer->publish_at) * GST_USECOND,
          NULL));
  if (!keep && g_str_equal (reason, "unpublished"))
    src->pending_end = make_end (TRUE, FALSE, NULL);
  else
    gst_rtmp_ingest_src_enqueue (src, make_end (eos, takeover, error));
}

static void
route_gone (gpointer route, GstErtmpPeer * peer)
{
  GstRtmpIngestSrc *src = route;

  if (src->pending_end == NULL)
    return;
  GST_DEBUG_OBJECT (src, "%s closed after its teardown", peer->address);
  gst_rtmp_ingest_src_enqueue (src, src->pending_end);
  src->pending_end = NULL;
}

static void
route_refused (gpointer route, const gchar * reason, const gchar * address,
    const gchar * detail)
{
  GstRtmpIngestSrc *src = route;

  g_mutex_lock (&src->lock);
  src->publishers_refused++;
  g_mutex_unlock (&src->lock);
  GST_INFO_OBJECT (src, "refused %s: %s (%s)", address, reason, detail);
  gst_rtmp_ingest_src_post (src, gst_structure_new ("rtmp-ingest-refused",
          "reason", G_TYPE_STRING, reason,
          "peer-address", G_TYPE_STRING, address,
          "detail", G_TYPE_STRING, detail, NULL));
}

static void
route_takeover (gpointer route, const gchar * old_address,
    const gchar * new_address)
{
  GstRtmpIngestSrc *src = route;

  GST_INFO_OBJECT (src, "%s takes over from %s", new_address, old_address);
  gst_rtmp_ingest_src_post (src, gst_structure_new ("rtmp-ingest-takeover",
          "old-address", G_TYPE_STRING, old_address,
          "new-address", G_TYPE_STRING, new_address, NULL));
}

const GstErtmpRouteFuncs gst_rtmp_ingest_route_funcs = {
  route_publish, route_media, route_ended, route_gone, route_refused,
  route_takeover,
};
