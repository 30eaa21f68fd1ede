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
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include "gstrtmppushsink.h"
#include "gstertmpconn.h"
#include "gstertmptag.h"
#include "gstertmpredact.h"
#include "gstrtmppushtls.h"
#include "ertmp_url.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_push_sink_debug);
#define GST_CAT_DEFAULT gst_rtmp_push_sink_debug

/* session output bytes allowed to wait for the socket (fewer, larger
 * writes when the queue holds more) */
#define PUMP_HIGH (1024 * 1024)
/* ms for the server to read our last words after the stop commands */
#define LINGER_MS 5000
/* s between pings (RTT in the stats) */
#define PING_INTERVAL 5

struct _GstRtmpPushConn
{
  GstRtmpPushSink *sink;
  GCancellable *cancellable;
  gchar *host;
  guint16 port;
  gboolean tls;
  gchar *app, *tc_url;
  gchar *safe_url;              /* tc_url redacted: logs, messages, stats */
  GTlsCertificateFlags cert_errors;     /* what refused the certificate */
  GTlsCertificateFlags tls_flags;       /* tls-validation-flags */
  GTlsDatabase *database;       /* tls-database, or NULL */
  GIOStream *stream;            /* once TCP (+TLS) is connected */
  GstErtmpConn *conn;           /* once RTMP started on it */
  gboolean publishing;
  gboolean started;             /* headers sent */
  gboolean retired;             /* switched away from or abandoned */
  GHashTable *sent_headers;     /* header key -> GstBuffer sent here */
  GSource *deadline;            /* connecting until publishing: timeout */
  guint timeout;                /* s */
  gint64 ping_at;               /* monotonic us of the last ping */
  gchar *auth_query;            /* appended to app and tcUrl, or NULL */
  guint auth_step;              /* gst_rtmp_push_auth_next */
  gint64 published_at;          /* monotonic us of Publish.Start, or 0 */
};

static void pump (GstRtmpPushSink * sink);
static void refresh_stats (GstRtmpPushSink * sink, GstRtmpPushConn * c);
static void conn_failed (GstRtmpPushConn * c, const gchar * what,
    const GError * error);

/* ---- connections ---- */

static void
push_conn_free (GstRtmpPushConn * c)
{
  gst_ertmp_source_clear (&c->deadline);
  g_cancellable_cancel (c->cancellable);
  g_object_unref (c->cancellable);
  gst_ertmp_conn_free (c->conn);
  g_clear_object (&c->stream);
  g_hash_table_unref (c->sent_headers);
  g_free (c->host);
  g_free (c->app);
  g_free (c->tc_url);
  g_free (c->auth_query);
  g_free (c->safe_url);
  g_clear_object (&c->database);
  g_free (c);
}

static void forget (GstRtmpPushConn * c);

/* Takes @c out of service; it is freed when its I/O ends (or at stop). */
static void
retire (GstRtmpPushConn * c)
{
  GstRtmpPushSink *sink = c->sink;

  c->retired = TRUE;
  if (sink->conn == c)
    sink->conn = NULL;
  if (sink->next == c)
    sink->next = NULL;
  g_cancellable_cancel (c->cancellable);
  gst_ertmp_source_clear (&c->deadline);
  if (c->conn == NULL) {
    /* TCP only (nothing to say goodbye to: gone now), or still connecting
     * (the cancelled connect frees it) */
    if (c->stream) {
      g_io_stream_close (c->stream, NULL, NULL);
      forget (c);
    }
    return;
  }
  if (gst_ertmp_conn_is_closed (c->conn))
    return;
  /* a publishing connection says goodbye properly */
  if (c->publishing) {
    ertmp_session_close (gst_ertmp_conn_get_session (c->conn));
    gst_ertmp_conn_close (c->conn, LINGER_MS);
  } else {
    gst_ertmp_conn_close (c->conn, 0);
  }
}

static void
post (GstRtmpPushSink * sink, GstStructure * s)
{
  gst_element_post_message (GST_ELEMENT (sink),
      gst_message_new_element (GST_OBJECT (sink), s));
}

/* What connect advertises, from the mode and the stream's codecs. */
static void
build_local_caps (GstRtmpPushSink * sink, ertmp_caps * caps)
{
  GstRtmpPushAdvertise mode;
  gboolean ext;
  guint i;

  GST_OBJECT_LOCK (sink);
  mode = sink->advertise;
  ext = sink->advertise_extensions;
  GST_OBJECT_UNLOCK (sink);
  ertmp_caps_init (caps);
  if (mode == GST_RTMP_PUSH_ADVERTISE_NONE || sink->fourccs == NULL
      || (mode == GST_RTMP_PUSH_ADVERTISE_AUTO && !sink->enhanced))
    return;
  for (i = 0; i < sink->fourccs->len; i++) {
    guint32 fourcc = g_array_index (sink->fourccs, guint32, i);
    const ertmp_codec_info *info = ertmp_codec_from_fourcc (fourcc);

    ertmp_caps_add_fourcc (caps, fourcc);
    if (mode == GST_RTMP_PUSH_ADVERTISE_FULL && info != NULL)
      ertmp_caps_add_info (caps, info->kind == ERTMP_CODEC_KIND_VIDEO,
          fourcc, ERTMP_FOURCC_CAN_ENCODE | ERTMP_FOURCC_CAN_FORWARD);
  }
  if (mode == GST_RTMP_PUSH_ADVERTISE_FULL) {
    caps->has_caps_ex = TRUE;
    caps->caps_ex = ERTMP_CAPS_EX_RECONNECT;
    if (ext)
      caps->caps_ex |= ERTMP_CAPS_EX_MULTITRACK | ERTMP_CAPS_EX_MODEX
          | ERTMP_CAPS_EX_TIMESTAMP_NANO_OFFSET;
  }
}

static const GstErtmpConnFuncs conn_funcs;

/* RTMP over the connected stream: handshake, connect and the FMLE publish,
 * once the stream's codecs are known (for what connect advertises; at
 * once when it advertises nothing). */
static void
start_rtmp (GstRtmpPushConn * c)
{
  GstRtmpPushSink *sink = c->sink;
  ertmp_session_config cfg;
  ertmp_session_connect_params params = { 0 };
  ertmp_session *session;
  gchar *stream, *type, *flash_ver, *app, *tc_url, *token, *swf, *page;
  gchar *safe_key;
  ertmp_amf_value *extra = NULL;
  gboolean ready;

  if (c->stream == NULL || c->conn != NULL)
    return;
  g_mutex_lock (&sink->lock);
  ready = sink->codecs_known || sink->advertise == GST_RTMP_PUSH_ADVERTISE_NONE;
  if (ready) {
    ertmp_caps_clear (&sink->local_caps);
    build_local_caps (sink, &sink->local_caps);
  }
  g_mutex_unlock (&sink->lock);
  if (!ready)
    return;
  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  GST_OBJECT_LOCK (sink);
  cfg.chunk_size = sink->chunk_size;
  cfg.stop_commands = sink->stop_commands;
  stream = g_strdup (sink->stream);
  type = g_strdup (sink->publish_type);
  flash_ver = g_strdup (sink->flash_version);
  token = g_strdup (sink->secure_token);
  swf = g_strdup (sink->swf_url);
  page = g_strdup (sink->page_url);
  /* librtmp's tcUrl= for the location's server, not a Reconnect target */
  tc_url = g_strdup (sink->tc_url && c != sink->next ? sink->tc_url :
      c->tc_url);
  GST_OBJECT_UNLOCK (sink);
  if (c->auth_query) {
    app = g_strdup_printf ("%s?%s", c->app, c->auth_query);
    g_free (tc_url);
    tc_url = g_strdup_printf ("%s?%s", c->tc_url, c->auth_query);
  } else {
    app = g_strdup (c->app);
  }
  if (page) {
    extra = ertmp_amf_new (ERTMP_AMF_OBJECT);
    ertmp_amf_add_string (extra, "pageUrl", page);
  }
  cfg.caps = &sink->local_caps;
  cfg.handshake_time = (guint32) (g_get_monotonic_time () / 1000);
  cfg.handshake_seed = g_random_int ();
  session = ertmp_session_new (&cfg);
  params.tc_url = tc_url;
  params.app = app;
  params.flash_ver = flash_ver;
  params.swf_url = swf;
  params.extra = extra;
  params.args = sink->connect_args;
  params.secure_token = token;
  ertmp_session_connect (session, &params);
  ertmp_session_publish (session, stream, type);
  safe_key = gst_ertmp_redact_key (stream);
  GST_DEBUG_OBJECT (sink, "connect %s, publish \"%s\" (%s)", c->safe_url,
      safe_key, type);
  g_free (safe_key);
  c->conn = gst_ertmp_conn_new (c->stream, session, sink->context,
      &conn_funcs, c);
  g_free (stream);
  g_free (type);
  g_free (flash_ver);
  g_free (app);
  g_free (tc_url);
  g_free (token);
  g_free (swf);
  g_free (page);
  g_clear_pointer (&extra, ertmp_amf_value_unref);
}

static void
forget (GstRtmpPushConn * c)
{
  c->sink->conns = g_list_remove (c->sink->conns, c);
  push_conn_free (c);
}

/* ---- TCP and TLS ---- */

/* tls-validation-flags decide (gstrtmppushtls.c) */
static gboolean
on_accept_certificate (GTlsConnection * tls, GTlsCertificate * cert,
    GTlsCertificateFlags errors, gpointer data)
{
  GstRtmpPushConn *c = data;
  gboolean ok = gst_rtmp_push_tls_check (tls, cert, errors, c->tls_flags,
      &c->cert_errors);

  GST_DEBUG_OBJECT (c->sink, "certificate of %s: handshake found 0x%x, "
      "refusing 0x%x (flags 0x%x)", c->safe_url, errors, c->cert_errors,
      c->tls_flags);
  return ok;
}

static void
on_client_event (GSocketClient * client, GSocketClientEvent event,
    GSocketConnectable * connectable, GIOStream * connection, gpointer data)
{
  GstRtmpPushConn *c = data;

  if (event != G_SOCKET_CLIENT_TLS_HANDSHAKING)
    return;
  if (c->database)
    g_tls_connection_set_database (G_TLS_CONNECTION (connection),
        c->database);
  g_signal_connect (connection, "accept-certificate",
      G_CALLBACK (on_accept_certificate), data);
}

static void
on_tcp_connected (GObject * object, GAsyncResult * result, gpointer data)
{
  GstRtmpPushConn *c = data;
  GSocketConnection *connection;
  GSocket *socket;
  GError *err = NULL;
  gchar *what;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT
      (object), result, &err);
  if (connection == NULL) {
    if (c->retired || c->sink->stopping
        || g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_error_free (err);
      forget (c);
      return;
    }
    what = c->cert_errors ? gst_rtmp_push_tls_problem (c->cert_errors) :
        NULL;
    conn_failed (c, what, err);
    g_free (what);
    g_error_free (err);
    forget (c);
    return;
  }
  /* Nagle stays on, as in FFmpeg: tags are written whole, and a server
   * woken per small write spends more CPU on the stream */
  socket = g_socket_connection_get_socket (connection);
  /* the timeout was for connecting: a server may stay silent for long
   * (nginx acks every 5 MB) and a socket timeout would drop us */
  g_socket_set_timeout (socket, 0);
  gst_rtmp_push_client_pace (c->sink, socket);
  c->stream = G_IO_STREAM (connection);
  GST_DEBUG_OBJECT (c->sink, "connected to %s:%u%s", c->host, c->port,
      c->tls ? " (TLS)" : "");
  start_rtmp (c);
}

/* The server did not get us publishing within the timeout (a server that
 * accepts TCP and then says nothing). */
static gboolean
on_deadline (gpointer data)
{
  GstRtmpPushConn *c = data;
  gchar *why;

  g_source_unref (c->deadline);
  c->deadline = NULL;
  if (c->publishing || c->retired)
    return G_SOURCE_REMOVE;
  why = g_strdup_printf ("no answer within %u s (timeout)", c->timeout);
  conn_failed (c, why, NULL);
  g_free (why);
  retire (c);
  return G_SOURCE_REMOVE;
}

/* Opens a connection to @tc_url (rtmp[s]://host[:port]/app[/instance]). */
static GstRtmpPushConn *
push_conn_open (GstRtmpPushSink * sink, const gchar * tc_url)
{
  GstRtmpPushConn *c = g_new0 (GstRtmpPushConn, 1);
  GSocketClient *client = g_socket_client_new ();
  gchar *path = NULL;
  ertmp_url url;
  guint timeout;

  c->sink = sink;
  c->cancellable = g_cancellable_new ();
  c->sent_headers = g_hash_table_new_full (NULL, NULL, NULL,
      (GDestroyNotify) gst_buffer_unref);
  c->tc_url = g_strdup (tc_url);
  c->safe_url = gst_ertmp_redact_url (tc_url);
  /* the whole path of a tcUrl is the application */
  if (ertmp_url_parse (tc_url, &url) == ERTMP_OK) {
    c->host = g_strdup (url.host);
    c->port = url.port;
    c->tls = url.tls;
    ertmp_url_clear (&url);
  }
  g_uri_split (tc_url, G_URI_FLAGS_NONE, NULL, NULL, NULL, NULL, &path, NULL,
      NULL, NULL);
  c->app = g_strdup (path && path[0] == '/' ? path + 1 : path ? path : "");
  g_free (path);
  sink->conns = g_list_prepend (sink->conns, c);
  GST_OBJECT_LOCK (sink);
  timeout = sink->timeout;
  c->tls_flags = sink->tls_validation_flags;
  c->database = sink->tls_database ? g_object_ref (sink->tls_database) : NULL;
  GST_OBJECT_UNLOCK (sink);
  g_socket_client_set_timeout (client, timeout);
  c->timeout = timeout;
  if (timeout > 0) {
    /* TCP, TLS, handshake, connect and publish: all within the timeout */
    c->deadline = g_timeout_source_new_seconds (timeout);
    g_source_set_callback (c->deadline, on_deadline, c, NULL);
    g_source_attach (c->deadline, sink->context);
  }
  if (c->tls) {
    /* every check runs; accept-certificate applies the flags */
    g_socket_client_set_tls (client, TRUE);
    g_signal_connect (client, "event", G_CALLBACK (on_client_event), c);
  }
  GST_INFO_OBJECT (sink, "connecting to %s", c->safe_url);
  g_socket_client_connect_to_host_async (client, c->host ? c->host : "",
      c->port, c->cancellable, on_tcp_connected, c);
  g_object_unref (client);
  return c;
}

/* ---- failures and reconnection ---- */

static void
fail (GstRtmpPushSink * sink)
{
  g_mutex_lock (&sink->lock);
  sink->failed = TRUE;
  sink->publishing = FALSE;
  g_cond_broadcast (&sink->cond);
  g_mutex_unlock (&sink->lock);
}

static gboolean on_retry (gpointer data);

/* The current connection @c is lost: retry (doubling the interval) while
 * attempts remain, else the error.  Only a connection that published for
 * stable-time ends a series of failures: a server that accepts and drops
 * at once uses the attempts up instead of flapping forever. */
static void
lost (GstRtmpPushSink * sink, GstRtmpPushConn * c, const gchar * why)
{
  guint attempts;
  GstClockTime interval, stable, lasted = 0;

  GST_OBJECT_LOCK (sink);
  attempts = sink->reconnect_attempts;
  interval = sink->reconnect_interval;
  stable = sink->stable_time;
  GST_OBJECT_UNLOCK (sink);
  g_mutex_lock (&sink->lock);
  sink->publishing = FALSE;
  g_cond_broadcast (&sink->cond);
  g_mutex_unlock (&sink->lock);
  if (c->published_at > 0) {
    lasted = (g_get_monotonic_time () - c->published_at) * GST_USECOND;
    if (lasted >= stable)
      sink->attempt = 0;
  }
  if (sink->attempt >= attempts) {
    GST_ELEMENT_ERROR (sink, RESOURCE, WRITE,
        ("Lost the connection to %s and could not publish again after %u "
            "attempts: %s", c->safe_url, sink->attempt, why),
        ("only a connection that publishes for stable-time (%"
            GST_TIME_FORMAT ") resets the count", GST_TIME_ARGS (stable)));
    fail (sink);
    return;
  }
  interval = MIN (interval << MIN (sink->attempt, 6), 60 * GST_SECOND);
  sink->attempt++;
  sink->resume = TRUE;
  GST_ELEMENT_WARNING (sink, RESOURCE, WRITE,
      ("Lost the connection to %s: %s", c->safe_url, why),
      ("published for %" GST_TIME_FORMAT "; reconnection attempt %u of %u "
          "in %" GST_TIME_FORMAT, GST_TIME_ARGS (lasted), sink->attempt,
          attempts, GST_TIME_ARGS (interval)));
  post (sink, gst_structure_new ("rtmp-push-disconnected",
          "tc-url", G_TYPE_STRING, c->safe_url, "reason", G_TYPE_STRING, why,
          "attempt", G_TYPE_UINT, sink->attempt,
          "retry-in", G_TYPE_UINT64, interval, NULL));
  g_free (sink->retry_url);
  sink->retry_url = g_strdup (c->tc_url);
  sink->retry_source = g_timeout_source_new (interval / GST_MSECOND);
  g_source_set_callback (sink->retry_source, on_retry, sink, NULL);
  g_source_attach (sink->retry_source, sink->context);
}

static gboolean
on_retry (gpointer data)
{
  GstRtmpPushSink *sink = data;

  g_source_unref (sink->retry_source);
  sink->retry_source = NULL;
  sink->conn = push_conn_open (sink, sink->retry_url);
  return G_SOURCE_REMOVE;
}

/* A connection ended before publishing (or could not be made). */
static void
conn_failed (GstRtmpPushConn * c, const gchar * what, const GError * error)
{
  GstRtmpPushSink *sink = c->sink;
  const gchar *why = what ? what : error ? error->message :
      "the server closed the connection";

  if (c == sink->next) {
    GST_ELEMENT_WARNING (sink, RESOURCE, OPEN_WRITE,
        ("Could not follow the server's Reconnect Request to %s", c->safe_url),
        ("%s", why));
    sink->next = NULL;
    return;
  }
  if (c != sink->conn)
    return;
  sink->conn = NULL;
  if (sink->published_once) {
    lost (sink, c, why);
    return;
  }
  GST_ELEMENT_ERROR (sink, RESOURCE, OPEN_WRITE,
      ("Could not publish to %s:%u: %s", c->host, c->port, why),
      ("tcUrl %s", c->safe_url));
  fail (sink);
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
  post (sink, gst_structure_new ("rtmp-push-switched",
          "from", G_TYPE_STRING, old->safe_url,
          "tc-url", G_TYPE_STRING, sink->conn->safe_url, NULL));
  retire (old);
}

/* Moves queued tags into the session while the socket keeps up. */
static void
pump (GstRtmpPushSink * sink)
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
        pump (sink);
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

/* ---- session events ---- */

static void
on_connected (GstRtmpPushConn * c, const ertmp_session_event * ev)
{
  GstRtmpPushSink *sink = c->sink;
  GstStructure *s;

  g_mutex_lock (&sink->lock);
  ertmp_caps_clear (&sink->server_caps);
  ertmp_caps_copy (&sink->server_caps, ev->connected.caps);
  g_free (sink->server_version);
  sink->server_version = g_strdup (ev->connected.fms_ver);
  g_mutex_unlock (&sink->lock);
  s = gst_ertmp_caps_structure ("rtmp-push-server-capabilities",
      ev->connected.caps);
  gst_structure_set (s, "tc-url", G_TYPE_STRING, c->safe_url,
      "server-version", G_TYPE_STRING, ev->connected.fms_ver ?
      ev->connected.fms_ver : "", NULL);
  GST_INFO_OBJECT (sink, "connected: %" GST_PTR_FORMAT, s);
  g_signal_emit_by_name (sink, "server-capabilities", s);
  gst_structure_free (s);
}

static void
on_publish_started (GstRtmpPushConn * c)
{
  GstRtmpPushSink *sink = c->sink;

  c->publishing = TRUE;
  c->published_at = g_get_monotonic_time ();
  gst_ertmp_source_clear (&c->deadline);
  if (c == sink->next) {
    GST_INFO_OBJECT (sink, "%s publishes: switching at the next key frame",
        c->safe_url);
    pump (sink);
    return;
  }
  if (c != sink->conn)
    return;
  g_mutex_lock (&sink->lock);
  sink->publishing = TRUE;
  sink->published_once = TRUE;
  g_cond_broadcast (&sink->cond);
  g_mutex_unlock (&sink->lock);
  if (sink->publish_at == 0)
    sink->publish_at = g_get_monotonic_time ();
  if (sink->attempt > 0)
    sink->reconnects++;
  post (sink, gst_structure_new (sink->attempt > 0 ? "rtmp-push-reconnected" :
          "rtmp-push-published", "tc-url", G_TYPE_STRING, c->safe_url,
          "attempt", G_TYPE_UINT, sink->attempt, NULL));
  pump (sink);
}

/* A connect refused for authentication: the next step on a new
 * connection, or the error.  FALSE when it is no authentication matter. */
static gboolean
authenticate (GstRtmpPushConn * c, const ertmp_session_event * ev,
    const gchar * safe_desc)
{
  GstRtmpPushSink *sink = c->sink;
  GstRtmpPushConn *next;
  gchar *query, *why;

  switch (gst_rtmp_push_auth_next (sink, ev->status.description,
          c->auth_step, &query, &why)) {
    case GST_RTMP_PUSH_AUTH_RETRY:
      /* the next step on a new connection (this one is closing) */
      next = push_conn_open (sink, c->tc_url);
      next->auth_query = query;
      next->auth_step = c->auth_step + 1;
      retire (c);
      sink->conn = next;
      return TRUE;
    case GST_RTMP_PUSH_AUTH_FAILED:
      GST_ELEMENT_ERROR (sink, RESOURCE, NOT_AUTHORIZED,
          ("Authentication to %s failed: %s", c->safe_url, why),
          ("%s: %s", ev->status.code, safe_desc));
      g_free (why);
      fail (sink);
      retire (c);
      return TRUE;
    default:
      return FALSE;
  }
}

/* @text from the server with our stream key and its ?query redacted (a
 * server may quote them back) */
static gchar *
scrub (GstRtmpPushSink * sink, const gchar * text)
{
  GString *s = g_string_new (text);
  gchar *stream, *safe, **parts;

  GST_OBJECT_LOCK (sink);
  stream = g_strdup (sink->stream);
  GST_OBJECT_UNLOCK (sink);
  if (stream != NULL && stream[0] != '\0') {
    parts = g_strsplit (stream, "?", 2);
    safe = gst_ertmp_redact_key (stream);
    g_string_replace (s, stream, safe, 0);
    g_free (safe);
    if (parts[1] != NULL && parts[1][0] != '\0')
      g_string_replace (s, parts[1], "***", 0);
    /* a key of a few characters would garble the text, and is no
     * secret */
    if (strlen (parts[0]) >= 4) {
      safe = gst_ertmp_redact_key (parts[0]);
      g_string_replace (s, parts[0], safe, 0);
      g_free (safe);
    }
    g_strfreev (parts);
  }
  g_free (stream);
  return g_string_free (s, FALSE);
}

static void
on_refused (GstRtmpPushConn * c, const ertmp_session_event * ev)
{
  GstRtmpPushSink *sink = c->sink;
  gchar *desc = scrub (sink, ev->status.description ?
      ev->status.description : ev->status.code ? ev->status.code :
      "no reason given");

  if (c == sink->conn && g_strcmp0 (ev->status.command, "connect") == 0
      && authenticate (c, ev, desc)) {
    g_free (desc);
    return;
  }
  if (c == sink->next) {
    GST_ELEMENT_WARNING (sink, RESOURCE, OPEN_WRITE,
        ("The server %s of a Reconnect Request refused us: %s", c->safe_url,
            desc), ("%s: %s", ev->status.command, ev->status.code));
  } else if (g_strcmp0 (ev->status.command, "connect") == 0) {
    GST_ELEMENT_ERROR (sink, RESOURCE, OPEN_WRITE,
        ("The server refused the connection to %s: %s", c->safe_url, desc),
        ("%s: %s", ev->status.command, ev->status.code));
    fail (sink);
  } else {
    GST_ELEMENT_ERROR (sink, RESOURCE, NOT_AUTHORIZED,
        ("The server refused to publish: %s", desc),
        ("%s: %s", ev->status.command, ev->status.code));
    fail (sink);
  }
  g_free (desc);
  retire (c);
}

/* A Reconnect Request from RTMPS to plain RTMP would send the key in
 * clear: refused unless allow-tls-downgrade. */
static gboolean
refuse_downgrade (GstRtmpPushConn * c, const gchar * target,
    const gchar * safe_target)
{
  GstRtmpPushSink *sink = c->sink;
  gboolean allow, tls = FALSE;
  ertmp_url url;

  if (!c->tls)
    return FALSE;
  if (ertmp_url_parse (target, &url) == ERTMP_OK) {
    tls = url.tls;
    ertmp_url_clear (&url);
  }
  GST_OBJECT_LOCK (sink);
  allow = sink->allow_tls_downgrade;
  GST_OBJECT_UNLOCK (sink);
  if (tls || allow)
    return FALSE;
  GST_ELEMENT_WARNING (sink, RESOURCE, OPEN_WRITE,
      ("Not following the server's Reconnect Request from RTMPS to %s: the "
          "stream key would go unencrypted; staying on %s", safe_target,
          c->safe_url), ("set allow-tls-downgrade to follow such requests"));
  return TRUE;
}

static void
on_reconnect_request (GstRtmpPushConn * c, const ertmp_session_event * ev)
{
  GstRtmpPushSink *sink = c->sink;
  const gchar *target = ev->reconnect.tc_url ? ev->reconnect.tc_url :
      c->tc_url;
  gchar *safe_target, *desc;

  if (c != sink->conn || sink->next != NULL || sink->finishing)
    return;
  safe_target = gst_ertmp_redact_url (target);
  desc = scrub (sink, ev->reconnect.description ?
      ev->reconnect.description : "");
  GST_INFO_OBJECT (sink, "Reconnect Request to %s (%s)", safe_target, desc);
  post (sink, gst_structure_new ("rtmp-push-reconnect-request",
          "tc-url", G_TYPE_STRING, safe_target,
          "description", G_TYPE_STRING, desc, NULL));
  if (!refuse_downgrade (c, target, safe_target))
    sink->next = push_conn_open (sink, target);
  g_free (safe_target);
  g_free (desc);
}

static void
on_event (GstErtmpConn * conn, const ertmp_session_event * ev, gpointer data)
{
  GstRtmpPushConn *c = data;
  gchar *text;
  guint32 now;

  if (c->retired)
    return;
  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      on_connected (c, ev);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_STARTED:
      on_publish_started (c);
      break;
    case ERTMP_SESSION_EVENT_ERROR:
      on_refused (c, ev);
      break;
    case ERTMP_SESSION_EVENT_RECONNECT_REQUEST:
      on_reconnect_request (c, ev);
      break;
    case ERTMP_SESSION_EVENT_USER_CONTROL:
      if (ev->user_control.type == ERTMP_UC_PING_RESPONSE) {
        now = (guint32) (g_get_monotonic_time () / 1000);
        c->sink->rtt = (now - ev->user_control.value) * GST_MSECOND;
      }
      break;
    case ERTMP_SESSION_EVENT_STATUS:
      text = scrub (c->sink, GST_STR_NULL (ev->status.description));
      GST_INFO_OBJECT (c->sink, "%s: %s %s %s", c->safe_url,
          GST_STR_NULL (ev->status.level), GST_STR_NULL (ev->status.code),
          text);
      g_free (text);
      break;
    case ERTMP_SESSION_EVENT_WARNING:
      GST_WARNING_OBJECT (c->sink, "%s: %s", c->safe_url,
          ev->warning.message);
      break;
    default:
      break;
  }
}

static void
on_closed (GstErtmpConn * conn, GstErtmpConnClosed reason,
    const GError * error, gpointer data)
{
  GstRtmpPushConn *c = data;
  GstRtmpPushSink *sink = c->sink;
  const gchar *why = error ? error->message :
      reason == GST_ERTMP_CONN_CLOSED_EOF ? "the server closed the connection"
      : "closed";

  if (c == sink->conn && c->publishing)
    refresh_stats (sink, c);
  if (sink->stopping) {
    /* stop() is taking everything down */
  } else if (!c->retired && sink->finishing && c == sink->conn) {
    sink->conn = NULL;
    g_mutex_lock (&sink->lock);
    sink->closed = TRUE;
    sink->publishing = FALSE;
    g_cond_broadcast (&sink->cond);
    g_mutex_unlock (&sink->lock);
  } else if (!c->retired && c == sink->conn && sink->next) {
    /* the old server went first: the next one takes over (at a key frame)
     * as soon as it publishes */
    GST_INFO_OBJECT (sink, "%s closed before the switch to %s", c->safe_url,
        sink->next->safe_url);
    sink->conn = sink->next;
    sink->next = NULL;
    sink->resume = TRUE;
    pump (sink);
  } else if (!c->retired && (c == sink->conn || c == sink->next)) {
    if (c->publishing && c == sink->conn) {
      sink->conn = NULL;
      lost (sink, c, why);
    } else {
      conn_failed (c, NULL, error);
    }
  }
  forget (c);
}

static void
on_drained (GstErtmpConn * conn, gpointer data)
{
  GstRtmpPushConn *c = data;

  if (c == c->sink->conn)
    pump (c->sink);
}

static const GstErtmpConnFuncs conn_funcs = { on_event, on_closed,
  on_drained
};

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

static void
refresh_stats (GstRtmpPushSink * sink, GstRtmpPushConn * c)
{
  GstStructure *s = session_stats (sink, c);

  g_mutex_lock (&sink->lock);
  if (sink->last_stats)
    gst_structure_free (sink->last_stats);
  sink->last_stats = s;
  g_mutex_unlock (&sink->lock);
}

static gboolean
on_stats_timer (gpointer data)
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
  refresh_stats (sink, c);
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
  g_source_set_callback (source, on_stats_timer, sink, NULL);
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
  sink->conn = push_conn_open (sink, tc_url);
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
    start_rtmp (sink->conn);
  if (sink->next != NULL)
    start_rtmp (sink->next);
  pump (sink);
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

  pump (sink);
  if (c == NULL || c->conn == NULL || !c->publishing) {
    g_mutex_lock (&sink->lock);
    sink->closed = TRUE;
    g_cond_broadcast (&sink->cond);
    g_mutex_unlock (&sink->lock);
    return G_SOURCE_REMOVE;
  }
  sink->finishing = TRUE;
  if (sink->next)
    retire (sink->next);
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
    forget (sink->conns->data);
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
