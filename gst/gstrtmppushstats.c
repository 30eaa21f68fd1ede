/* gst-ertmp: rtmppushsink's stats
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The stats property: the publishing session's counters, bit rates, frame
 * counts, RTT (a ping every PING_INTERVAL s) and the socket's pacing
 * rate, refreshed each second on the I/O thread and kept for the last
 * connection; the queue's state is added when read.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>
#include "gstrtmppushclientpriv.h"
#include "gstertmptag.h"

/* s between pings (RTT in the stats) */
#define PING_INTERVAL 5

/* ---- stats ---- */

static gchar *
frames_string (GstRtmpPushSink * sink)
{
  GString *s = g_string_new (NULL);
  guint kind, track;

  for (kind = 0; kind < 2; kind++)
    for (track = 0; track < 256; track++)
      if (sink->tags_sent[kind][track] > 0)
        g_string_append_printf (s, "%s%s%u=%" G_GUINT64_FORMAT,
            s->len ? "," : "", kind ? "video" : "audio", track,
            sink->tags_sent[kind][track]);
  return g_string_free (s, FALSE);
}

/* bytes/s: the socket's SO_MAX_PACING_RATE as the kernel has it (0: no
 * pacing) */
static guint64
pacing_rate (GstRtmpPushConn * c)
{
  GSocket *socket;
  guint rate = 0;
  socklen_t len = sizeof (rate);

  if (!G_IS_SOCKET_CONNECTION (c->stream))
    return 0;
  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (c->stream));
  if (getsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_MAX_PACING_RATE,
          &rate, &len) != 0 || rate == G_MAXUINT)
    return 0;
  return rate;
}

static GstStructure *
session_stats (GstRtmpPushSink * sink, GstRtmpPushConn * c)
{
  ertmp_session_stats st;
  gint64 now = g_get_monotonic_time ();
  gchar *frames = frames_string (sink);
  gchar *fourccs = gst_ertmp_fourcc_list_string (&sink->server_caps);
  GstStructure *s;

  ertmp_session_get_stats (gst_ertmp_conn_get_session (c->conn), &st);
  /* the first window starts with the stream, not at the clock's origin */
  if (sink->stats_at == 0) {
    sink->stats_at = sink->publish_at ? sink->publish_at : now;
    sink->stats_bytes = 0;
  }
  if (now - sink->stats_at >= G_USEC_PER_SEC / 2) {
    sink->bitrate = (st.bytes_out - MIN (st.bytes_out, sink->stats_bytes))
        * 8 * G_USEC_PER_SEC / MAX (now - sink->stats_at, 1);
    sink->stats_bytes = st.bytes_out;
    sink->stats_at = now;
  }
  s = gst_structure_new ("rtmp-push-stats",
      "in-chunk-size", G_TYPE_UINT, st.chunk_size_in,
      "out-chunk-size", G_TYPE_UINT, st.chunk_size_out,
      "in-window-ack-size", G_TYPE_UINT, st.window_in,
      "out-window-ack-size", G_TYPE_UINT, st.window_out,
      "in-bytes-total", G_TYPE_UINT64, st.bytes_in,
      "out-bytes-total", G_TYPE_UINT64, st.bytes_out,
      "out-bytes-acked", G_TYPE_UINT64, (guint64) st.last_ack_in,
      "bitrate", G_TYPE_UINT64, sink->bitrate,
      "average-bitrate", G_TYPE_UINT64, sink->publish_at ? st.bytes_out * 8 *
      (guint64) G_USEC_PER_SEC / MAX (now - sink->publish_at, 1) : 0,
      "frames", G_TYPE_STRING, frames,
      "reconnects", G_TYPE_UINT64, sink->reconnects,
      "rtt", G_TYPE_UINT64, sink->rtt,
      "tc-url", G_TYPE_STRING, c->safe_url,
      "server-version", G_TYPE_STRING, sink->server_version ?
      sink->server_version : "",
      "server-fourcc-list", G_TYPE_STRING, fourccs,
      "server-caps-ex", G_TYPE_UINT, sink->server_caps.caps_ex,
      "pacing-rate", G_TYPE_UINT64, pacing_rate (c), NULL);
  g_free (frames);
  g_free (fourccs);
  return s;
}

void
gst_rtmp_push_stats_refresh (GstRtmpPushSink * sink, GstRtmpPushConn * c)
{
  GstStructure *s = session_stats (sink, c);

  g_mutex_lock (&sink->lock);
  if (sink->last_stats)
    gst_structure_free (sink->last_stats);
  sink->last_stats = s;
  g_mutex_unlock (&sink->lock);
}

gboolean
gst_rtmp_push_stats_on_timer (gpointer data)
{
  GstRtmpPushSink *sink = data;
  GstRtmpPushConn *c = sink->conn;
  gint64 now = g_get_monotonic_time ();

  if (c == NULL || c->conn == NULL || gst_ertmp_conn_is_closed (c->conn))
    return G_SOURCE_CONTINUE;
  if (c->publishing && now - c->ping_at > PING_INTERVAL * G_USEC_PER_SEC) {
    c->ping_at = now;
    if (ertmp_session_ping (gst_ertmp_conn_get_session (c->conn),
            (guint32) (now / 1000)) == ERTMP_OK)
      gst_ertmp_conn_flush (c->conn);
  }
  gst_rtmp_push_stats_refresh (sink, c);
  return G_SOURCE_CONTINUE;
}

GstStructure *
gst_rtmp_push_client_get_stats (GstRtmpPushSink * sink)
{
  GstStructure *s;
  GstRtmpPushTag *head, *tail;

  g_mutex_lock (&sink->lock);
  s = sink->last_stats ? gst_structure_copy (sink->last_stats) :
      gst_structure_new_empty ("rtmp-push-stats");
  head = g_queue_peek_head (&sink->queue);
  tail = g_queue_peek_tail (&sink->queue);
  gst_structure_set (s, "publishing", G_TYPE_BOOLEAN, sink->publishing,
      "queue-tags", G_TYPE_UINT, g_queue_get_length (&sink->queue),
      "queue-bytes", G_TYPE_UINT64, (guint64) sink->queue_bytes,
      "queue-time", G_TYPE_UINT64, head && tail->ms > head->ms ?
      (guint64) (tail->ms - head->ms) * GST_MSECOND : (guint64) 0, NULL);
  g_mutex_unlock (&sink->lock);
  return s;
}
