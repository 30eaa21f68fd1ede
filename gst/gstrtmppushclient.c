/* gst-ertmp: rtmppushsink's I/O thread
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One thread per element iterates a private GMainContext: the connection
 * being made or publishing, a second one while a Reconnect Request is
 * served, the retry timer and the stats timer.  The queue is pumped into
 * the session while the socket keeps up (at most PUMP_HIGH bytes wait in
 * the session), so render() feels TCP's back-pressure through the queue.
 *
 * Connections: TCP (+TLS) -> RTMP handshake -> connect (once the stream's
 * codecs are known, for what it advertises) -> FMLE publish -> PUBLISHING:
 * the stream headers, then the queue.  A Reconnect Request opens the next
 * connection beside the current one and switches before a key frame.  A
 * lost connection is retried (reconnect-attempts, reconnect-interval
 * doubling) and the resumed stream starts with the headers at a key frame.
 *
 * This file holds the thread, the calls into it and the sending; the
 * connections are in gstrtmppushconn.c, their session events, failures
 * and reconnection in gstrtmppushevents.c, the stats in
 * gstrtmppushstats.c (gstrtmppushclientpriv.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include "gstrtmppushclientpriv.h"
#include "gstertmptag.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_push_sink_debug);
#define GST_CAT_DEFAULT gst_rtmp_push_sink_debug

/* session output bytes allowed to wait for the socket (fewer, larger
 * writes when the queue holds more) */
#define PUMP_HIGH (1024 * 1024)

void
gst_rtmp_push_client_post (GstRtmpPushSink * sink, GstStructure * s)
{
  gst_element_post_message (GST_ELEMENT (sink),
      gst_message_new_element (GST_OBJECT (sink), s));
}

/* ---- sending ---- */

static void
send_tag (GstRtmpPushConn * c, GstRtmpPushTag * tag, gint64 ms)
{
  ertmp_session *session = gst_ertmp_conn_get_session (c->conn);
  ertmp_result res;
  GstMapInfo map;

  if (!gst_buffer_map (tag->body, &map, GST_MAP_READ))
    return;
  if (tag->type == ERTMP_FLV_TAG_AUDIO || tag->type == ERTMP_FLV_TAG_VIDEO)
    res = ertmp_session_send_media (session, tag->type, ms, map.data,
        map.size);
  else
    res = ertmp_session_send_data (session,
        tag->type == ERTMP_FLV_TAG_SCRIPT_AMF3 ? ERTMP_MSG_DATA_AMF3 :
        ERTMP_MSG_DATA_AMF0, ms, map.data, map.size);
  gst_buffer_unmap (tag->body, &map);
  if (res != ERTMP_OK)
    GST_WARNING_OBJECT (c->sink, "could not send a %" G_GSIZE_FORMAT
        " byte tag: %s", gst_buffer_get_size (tag->body),
        ertmp_result_name (res));
  if (tag->header_key != GST_ERTMP_TAG_NOT_HEADER)
    g_hash_table_replace (c->sent_headers, GINT_TO_POINTER (tag->header_key),
        gst_buffer_ref (tag->body));
  if (tag->type == ERTMP_FLV_TAG_AUDIO || tag->type == ERTMP_FLV_TAG_VIDEO)
    c->sink->tags_sent[tag->type == ERTMP_FLV_TAG_VIDEO][tag->track]++;
}

/* an in-band header this connection already got at its start */
static gboolean
already_sent (GstRtmpPushConn * c, GstRtmpPushTag * tag)
{
  GstBuffer *old;
  GstMapInfo map;
  gboolean same;

  if (tag->header_key == GST_ERTMP_TAG_NOT_HEADER)
    return FALSE;
  old = g_hash_table_lookup (c->sent_headers,
      GINT_TO_POINTER (tag->header_key));
  if (old == NULL || gst_buffer_get_size (old) !=
      gst_buffer_get_size (tag->body))
    return FALSE;
  if (old == tag->body)
    return TRUE;
  if (!gst_buffer_map (tag->body, &map, GST_MAP_READ))
    return FALSE;
  same = gst_buffer_memcmp (old, 0, map.data, map.size) == 0;
  gst_buffer_unmap (tag->body, &map);
  return same;
}

/* The headers open every connection's stream, at @ms (lock held). */
static void
send_headers (GstRtmpPushConn * c, gint64 ms)
{
  GstRtmpPushSink *sink = c->sink;
  guint i;

  for (i = 0; i < sink->headers->len; i++)
    send_tag (c, &g_array_index (sink->headers, GstRtmpPushTag, i), ms);
}

static void
switch_to_next (GstRtmpPushSink * sink)
{
  GstRtmpPushConn *old = sink->conn;

  sink->conn = sink->next;
  sink->next = NULL;
  sink->resume = FALSE;
  GST_INFO_OBJECT (sink, "switching from %s to %s", old->safe_url,
      sink->conn->safe_url);
  gst_rtmp_push_client_post (sink, gst_structure_new ("rtmp-push-switched",
          "from", G_TYPE_STRING, old->safe_url,
          "tc-url", G_TYPE_STRING, sink->conn->safe_url, NULL));
  gst_rtmp_push_conn_retire (old);
}

/* Moves queued tags into the session while the socket keeps up. */
void
gst_rtmp_push_client_pump (GstRtmpPushSink * sink)
{
  GstRtmpPushConn *c = sink->conn;
  GstRtmpPushTag *tag, *head;

  if (c == NULL || !c->publishing || c->retired || sink->finishing)
    return;
  g_mutex_lock (&sink->lock);
  if (!c->started) {
    if (sink->resume && !gst_rtmp_push_queue_at_start (sink)) {
      g_mutex_unlock (&sink->lock);
      return;
    }
    head = g_queue_peek_head (&sink->queue);
    send_headers (c, head ? head->ms : sink->last_sent_ms);
    c->started = TRUE;
    sink->resume = FALSE;
  }
  /* fill up to PUMP_HIGH, write; again while the socket took it all (the
   * drained function only comes after the socket was full) */
  do {
    while (gst_ertmp_conn_get_pending (c->conn) < PUMP_HIGH) {
      if (sink->next && sink->next->publishing
          && gst_rtmp_push_queue_head_is_key (sink)) {
        g_mutex_unlock (&sink->lock);
        gst_ertmp_conn_flush (c->conn);
        switch_to_next (sink);
        gst_rtmp_push_client_pump (sink);
        return;
      }
      if ((tag = gst_rtmp_push_queue_pop (sink)) == NULL)
        break;
      if (!already_sent (c, tag))
        send_tag (c, tag, tag->ms);
      sink->last_sent_ms = tag->ms;
      gst_rtmp_push_tag_free (tag);
    }
    gst_ertmp_conn_flush (c->conn);
  } while (!gst_ertmp_conn_is_closed (c->conn)
      && gst_ertmp_conn_get_pending (c->conn) < PUMP_HIGH
      && !g_queue_is_empty (&sink->queue));
  g_mutex_unlock (&sink->lock);
}

/* ---- the thread and the calls into it ---- */

/* peak-kbps as the socket's pacing rate (rtmp2sink's way) */
void
gst_rtmp_push_client_pace (GstRtmpPushSink * sink, GSocket * socket)
{
  guint kbps, rate;

  GST_OBJECT_LOCK (sink);
  kbps = sink->peak_kbps;
  GST_OBJECT_UNLOCK (sink);
  rate = kbps ? kbps * 125 : G_MAXUINT;
  if (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_MAX_PACING_RATE,
          &rate, sizeof (rate)) != 0)
    GST_WARNING_OBJECT (sink, "could not pace the socket to %u kbit/s: %s",
        kbps, g_strerror (errno));
}

static gboolean
do_pace (gpointer data)
{
  GstRtmpPushSink *sink = data;
  GstRtmpPushConn *c = sink->conn;

  if (c && G_IS_SOCKET_CONNECTION (c->stream))
    gst_rtmp_push_client_pace (sink,
        g_socket_connection_get_socket (G_SOCKET_CONNECTION (c->stream)));
  return G_SOURCE_REMOVE;
}

/* peak-kbps changed (any thread) */
void
gst_rtmp_push_client_repace (GstRtmpPushSink * sink)
{
  GMainContext *context;

  g_mutex_lock (&sink->lock);
  context = sink->context ? g_main_context_ref (sink->context) : NULL;
  g_mutex_unlock (&sink->lock);
  if (context == NULL)
    return;
  g_main_context_invoke (context, do_pace, sink);
  g_main_context_unref (context);
}

void
gst_rtmp_push_client_start (GstRtmpPushSink * sink)
{
  GSource *source;

  sink->attempt = 0;
  sink->reconnects = 0;
  sink->publish_at = 0;
  sink->stats_at = 0;
  sink->finishing = FALSE;
  sink->stopping = FALSE;
  sink->resume = FALSE;
  sink->last_sent_ms = 0;
  memset (sink->tags_sent, 0, sizeof (sink->tags_sent));
  ertmp_caps_init (&sink->local_caps);
  ertmp_caps_init (&sink->server_caps);
  sink->context = g_main_context_new ();
  sink->loop = g_main_loop_new (sink->context, FALSE);
  source = g_timeout_source_new (1000);
  g_source_set_callback (source, gst_rtmp_push_stats_on_timer, sink, NULL);
  g_source_attach (source, sink->context);
  sink->stats_source = source;
  sink->thread = gst_ertmp_io_start (sink->loop, "rtmppushsink");
}

static gboolean
do_connect (gpointer data)
{
  GstRtmpPushSink *sink = data;
  gchar *tc_url;

  if (sink->conn != NULL || sink->published_once || sink->failed)
    return G_SOURCE_REMOVE;
  GST_OBJECT_LOCK (sink);
  tc_url = g_strdup_printf ("%s://%s%s%s:%d/%s", sink->tls_scheme ? "rtmps" :
      "rtmp", strchr (sink->host, ':') ? "[" : "", sink->host,
      strchr (sink->host, ':') ? "]" : "", sink->port, sink->application);
  GST_OBJECT_UNLOCK (sink);
  sink->conn = gst_rtmp_push_conn_open (sink, tc_url);
  sink->conn->auth_query = gst_rtmp_push_auth_first_query (sink);
  sink->conn->auth_step = sink->conn->auth_query ? 1 : 0;
  g_free (tc_url);
  return G_SOURCE_REMOVE;
}

void
gst_rtmp_push_client_connect (GstRtmpPushSink * sink)
{
  g_mutex_lock (&sink->lock);
  if (!sink->connecting) {
    sink->connecting = TRUE;
    g_main_context_invoke (sink->context, do_connect, sink);
  }
  g_mutex_unlock (&sink->lock);
}

static gboolean
do_kick (gpointer data)
{
  GstRtmpPushSink *sink = data;

  g_mutex_lock (&sink->lock);
  sink->kick_pending = FALSE;
  g_mutex_unlock (&sink->lock);
  if (sink->conn != NULL)
    gst_rtmp_push_conn_start_rtmp (sink->conn);
  if (sink->next != NULL)
    gst_rtmp_push_conn_start_rtmp (sink->next);
  gst_rtmp_push_client_pump (sink);
  return G_SOURCE_REMOVE;
}

/* lock held */
void
gst_rtmp_push_client_kick (GstRtmpPushSink * sink)
{
  if (sink->kick_pending || sink->context == NULL)
    return;
  sink->kick_pending = TRUE;
  g_main_context_invoke (sink->context, do_kick, sink);
}

static gboolean
do_finish (gpointer data)
{
  GstRtmpPushSink *sink = data;
  GstRtmpPushConn *c = sink->conn;

  gst_rtmp_push_client_pump (sink);
  if (c == NULL || c->conn == NULL || !c->publishing) {
    g_mutex_lock (&sink->lock);
    sink->closed = TRUE;
    g_cond_broadcast (&sink->cond);
    g_mutex_unlock (&sink->lock);
    return G_SOURCE_REMOVE;
  }
  sink->finishing = TRUE;
  if (sink->next)
    gst_rtmp_push_conn_retire (sink->next);
  ertmp_session_close (gst_ertmp_conn_get_session (c->conn));
  gst_ertmp_conn_close (c->conn, LINGER_MS);
  return G_SOURCE_REMOVE;
}

void
gst_rtmp_push_client_finish (GstRtmpPushSink * sink)
{
  gint64 deadline;

  g_mutex_lock (&sink->lock);
  if (!sink->connecting) {
    g_mutex_unlock (&sink->lock);
    return;
  }
  /* everything queued goes out first */
  while (!sink->flushing && !sink->failed
      && !(sink->publishing && g_queue_is_empty (&sink->queue))) {
    gst_rtmp_push_client_kick (sink);
    g_cond_wait (&sink->cond, &sink->lock);
  }
  if (sink->flushing || sink->failed) {
    g_mutex_unlock (&sink->lock);
    return;
  }
  sink->closed = FALSE;
  g_main_context_invoke (sink->context, do_finish, sink);
  deadline = g_get_monotonic_time () + (LINGER_MS + 1000) * G_TIME_SPAN_MILLISECOND;
  while (!sink->closed && !sink->flushing && !sink->failed)
    if (!g_cond_wait_until (&sink->cond, &sink->lock, deadline))
      break;
  g_mutex_unlock (&sink->lock);
}

void
gst_rtmp_push_client_stop (GstRtmpPushSink * sink)
{
  gint64 deadline;
  GList *l;

  if (sink->thread == NULL)
    return;
  gst_ertmp_io_stop (sink->thread, sink->loop);
  sink->thread = NULL;
  sink->stopping = TRUE;
  /* let cancelled connection attempts come home (bounded) */
  for (l = sink->conns; l; l = l->next)
    g_cancellable_cancel (((GstRtmpPushConn *) l->data)->cancellable);
  g_main_context_push_thread_default (sink->context);
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (sink->conns && g_get_monotonic_time () < deadline) {
    for (l = sink->conns; l; l = l->next)
      if (((GstRtmpPushConn *) l->data)->stream == NULL)
        break;
    if (l == NULL)
      break;
    g_main_context_iteration (sink->context, FALSE);
    g_usleep (1000);
  }
  while (sink->conns)
    gst_rtmp_push_conn_forget (sink->conns->data);
  g_main_context_pop_thread_default (sink->context);
  sink->conn = sink->next = NULL;
  gst_ertmp_source_clear (&sink->retry_source);
  gst_ertmp_source_clear (&sink->stats_source);
  g_main_loop_unref (sink->loop);
  sink->loop = NULL;
  g_main_context_unref (sink->context);
  sink->context = NULL;
  ertmp_caps_clear (&sink->local_caps);
  ertmp_caps_clear (&sink->server_caps);
  g_clear_pointer (&sink->server_version, g_free);
  g_clear_pointer (&sink->retry_url, g_free);
}
