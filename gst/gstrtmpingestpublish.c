/* gst-ertmp: rtmpingestsrc's publishers: admission, tags, stats
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the I/O thread (gstrtmpingestserver.c) does with a peer that asks
 * to publish: the application and key checks (before anything that
 * reveals the element's state), the refusal, the acceptance; then its
 * media as FLV tags for the queue, and its stats.  Everything named here
 * goes out redacted (gstertmpredact.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtmpingestpeer.h"
#include "gstertmpredact.h"
#include "ertmp_flv.h"
#include "gstertmptag.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_ingest_src_debug);
#define GST_CAT_DEFAULT gst_rtmp_ingest_src_debug

/* The published name without "?query": what stream-key is compared with */
static gchar *
key_of (const gchar * name)
{
  const gchar *q = strchr (name, '?');

  return q ? g_strndup (name, q - name) : g_strdup (name);
}

/* Compares in time that depends on the lengths only, never on where the
 * first difference is (a key must not be guessable byte by byte). */
static gboolean
secret_equal (const gchar * a, const gchar * b)
{
  gsize la = strlen (a), lb = strlen (b), i;
  gsize diff = la ^ lb;

  for (i = 0; i < MAX (la, lb); i++)
    diff |= (guint8) ((i < la ? a[i] : 0) ^ (i < lb ? b[i] : 0));
  return diff == 0;
}

void
gst_rtmp_ingest_peer_post_refused (GstRtmpIngestPeer * peer,
    const gchar * reason, const gchar * detail)
{
  GstRtmpIngestSrc *src = peer->src;

  g_mutex_lock (&src->lock);
  src->publishers_refused++;
  g_mutex_unlock (&src->lock);
  GST_INFO_OBJECT (src, "refused %s: %s (%s)", peer->address, reason,
      detail);
  gst_rtmp_ingest_src_post (src, gst_structure_new ("rtmp-ingest-refused",
          "reason", G_TYPE_STRING, reason,
          "peer-address", G_TYPE_STRING, peer->address,
          "detail", G_TYPE_STRING, detail, NULL));
}

static void
refuse (GstRtmpIngestPeer * peer, ertmp_session_reject why,
    const gchar * reason, const gchar * description)
{
  ertmp_session *session = gst_ertmp_conn_get_session (peer->conn);

  gst_rtmp_ingest_peer_post_refused (peer, reason, description);
  peer->state = PEER_DONE;
  ertmp_session_reject_publish (session, peer->msid, why, description);
  gst_ertmp_conn_close (peer->conn, LINGER_MS);
}

/* ---- the publisher's tags ---- */

/* One FLV tag around @payload: header and PreviousTagSize are small
 * memories, the payload is the session's reassembled bytes, not copied. */
static GstBuffer *
make_tag (guint8 type, gint64 ms, GBytes * payload)
{
  ertmp_flv_tag_header th = { type, FALSE, 0, (guint32) ms, 0 };
  GByteArray *head = g_byte_array_sized_new (ERTMP_FLV_TAG_HEADER_SIZE);
  GByteArray *tail = g_byte_array_sized_new (ERTMP_FLV_PREV_SIZE_SIZE);
  GstBuffer *buf;
  gsize size = g_bytes_get_size (payload);
  guint8 *data;

  th.size = size;
  if (ertmp_flv_write_tag_header (head, &th) != ERTMP_OK) {
    g_byte_array_unref (head);
    g_byte_array_unref (tail);
    return NULL;
  }
  ertmp_flv_write_prev_size (tail, th.size);
  buf = gst_buffer_new_wrapped (g_byte_array_free (head, FALSE),
      ERTMP_FLV_TAG_HEADER_SIZE);
  if (size > 0)
    gst_buffer_append_memory (buf,
        gst_memory_new_wrapped (GST_MEMORY_FLAG_READONLY,
            (gpointer) g_bytes_get_data (payload, NULL), size, 0, size,
            g_bytes_ref (payload), (GDestroyNotify) g_bytes_unref));
  data = g_byte_array_free (tail, FALSE);
  /* the data is its own user data, so that g_free gets it */
  gst_buffer_append_memory (buf, gst_memory_new_wrapped (0, data,
          ERTMP_FLV_PREV_SIZE_SIZE, 0, ERTMP_FLV_PREV_SIZE_SIZE, data,
          g_free));
  return buf;
}

void
gst_rtmp_ingest_peer_tag (GstRtmpIngestPeer * peer, guint8 type,
    gint64 ms, GBytes * payload)
{
  GstRtmpIngestSrc *src = peer->src;
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
  item = g_new0 (GstRtmpIngestItem, 1);
  item->type = GST_RTMP_INGEST_ITEM_TAG;
  item->buf = buf;
  item->ms = ms;
  item->tag_type = type;
  item->header_key = info.header_key;
  gst_rtmp_ingest_src_enqueue (src, item);
  g_mutex_lock (&src->lock);
  if (src->reading_paused)
    gst_ertmp_conn_set_reading (peer->conn, FALSE);
  g_mutex_unlock (&src->lock);
}

/* ---- publish requests ---- */

/* The application a peer connected to, its "?query" (a token, as
 * nginx-rtmp's on_publish takes it) redacted: the helper redacts the
 * query of a path's first segment. */
gchar *
gst_rtmp_ingest_redact_app (const gchar * app)
{
  gchar *path = g_strconcat ("/", app ? app : "", NULL);
  gchar *redacted = gst_ertmp_redact_url (path);
  gchar *out = g_strdup (redacted + 1);

  g_free (redacted);
  g_free (path);
  return out;
}

/* Why @peer may not publish (the reason of rtmp-ingest-refused and the
 * description it is told), or NULL.  Application and key come first: a
 * peer without them learns nothing of the state of the element, and no
 * description names another peer. */
static const gchar *
refusal (GstRtmpIngestPeer * peer, const gchar ** description)
{
  GstRtmpIngestSrc *src = peer->src;
  gchar *app, *want_key, *key;
  const gchar *reason = NULL;

  GST_OBJECT_LOCK (src);
  app = g_strdup (src->application);
  want_key = g_strdup (src->stream_key);
  GST_OBJECT_UNLOCK (src);
  key = key_of (peer->name);
  if (app && !secret_equal (app, peer->app ? peer->app : "")) {
    reason = "bad-app";
    *description = "this application is not served here";
  } else if (want_key && !secret_equal (want_key, key)) {
    reason = "bad-key";
    *description = "wrong stream key";
  } else if (src->publisher != NULL) {
    reason = "busy";
    *description = "another publisher is already publishing";
  } else if (src->finished) {
    reason = "busy";
    *description = "the stream has ended (keep-listening is off)";
  }
  g_free (app);
  g_free (want_key);
  g_free (key);
  return reason;
}

gboolean
gst_rtmp_ingest_peer_check_publish (GstRtmpIngestPeer * peer)
{
  GstRtmpIngestSrc *src = peer->src;
  const gchar *description = NULL;
  const gchar *reason = refusal (peer, &description);
  GstStructure *caps;
  gboolean ok = TRUE;

  if (reason != NULL) {
    refuse (peer, ERTMP_SESSION_REJECT_BAD_NAME, reason, description);
    return FALSE;
  }
  caps = gst_ertmp_caps_structure ("rtmp-ingest-capabilities", &peer->caps);
  g_signal_emit_by_name (src, "publish-request", peer->app ? peer->app : "",
      peer->name, peer->address, peer->tc_url ? peer->tc_url : "", caps,
      &ok);
  gst_structure_free (caps);
  if (!ok)
    refuse (peer, ERTMP_SESSION_REJECT_UNAUTHORIZED, "signal",
        "publishing refused by the application");
  return ok;
}

void
gst_rtmp_ingest_peer_accept (GstRtmpIngestPeer * peer)
{
  GstRtmpIngestSrc *src = peer->src;
  GstRtmpIngestItem *item = g_new0 (GstRtmpIngestItem, 1);
  gchar *key = gst_ertmp_redact_key (peer->name);

  /* publishing for the action signals before the publisher hears it */
  peer->state = PEER_PUBLISHING;
  peer->publish_at = g_get_monotonic_time ();
  src->publisher = peer;
  g_mutex_lock (&src->lock);
  src->publishers_accepted++;
  src->has_publisher = TRUE;
  g_mutex_unlock (&src->lock);
  ertmp_session_accept_publish (gst_ertmp_conn_get_session (peer->conn),
      peer->msid);
  gst_ertmp_conn_flush (peer->conn);
  item->type = GST_RTMP_INGEST_ITEM_START;
  gst_rtmp_ingest_src_enqueue (src, item);
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
}

/* ---- stats ---- */

void
gst_rtmp_ingest_peer_refresh_stats (GstRtmpIngestSrc * src,
    GstRtmpIngestPeer * peer)
{
  ertmp_session_stats st;
  gint64 now = g_get_monotonic_time ();
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
      "messages-in", G_TYPE_UINT64, st.messages_in[ERTMP_SESSION_KIND_CONTROL]
      + st.messages_in[ERTMP_SESSION_KIND_USER_CONTROL]
      + st.messages_in[ERTMP_SESSION_KIND_COMMAND]
      + st.messages_in[ERTMP_SESSION_KIND_DATA]
      + st.messages_in[ERTMP_SESSION_KIND_AUDIO]
      + st.messages_in[ERTMP_SESSION_KIND_VIDEO],
      "audio-messages", G_TYPE_UINT64,
      st.messages_in[ERTMP_SESSION_KIND_AUDIO],
      "video-messages", G_TYPE_UINT64,
      st.messages_in[ERTMP_SESSION_KIND_VIDEO],
      "data-messages", G_TYPE_UINT64, st.messages_in[ERTMP_SESSION_KIND_DATA],
      "bitrate", G_TYPE_UINT64,
      (st.bytes_in - MIN (st.bytes_in, peer->last_bytes_in)) * 8 *
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
      "publishing", G_TYPE_BOOLEAN, peer->state == PEER_PUBLISHING, NULL);
  peer->last_bytes_in = st.bytes_in;
  src->stats_at = now;
  g_mutex_lock (&src->lock);
  if (src->stats)
    gst_structure_free (src->stats);
  src->stats = s;
  g_mutex_unlock (&src->lock);
  g_free (key);
  g_free (fourccs);
}
