/* gst-ertmp: rtmppushsink's connections
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A connection's life on the I/O thread: TCP (+TLS, the certificate
 * checked by tls-validation-flags), then RTMP (handshake, connect with
 * what it advertises, FMLE publish) once the stream's codecs are known,
 * all within the timeout; retired when switched away from or abandoned,
 * freed when its I/O ends.  Its session events: gstrtmppushevents.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtmppushclientpriv.h"
#include "gstertmpredact.h"
#include "gstrtmppushtls.h"
#include "ertmp_url.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_push_sink_debug);
#define GST_CAT_DEFAULT gst_rtmp_push_sink_debug

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

/* Takes @c out of service; it is freed when its I/O ends (or at stop). */
void
gst_rtmp_push_conn_retire (GstRtmpPushConn * c)
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
      gst_rtmp_push_conn_forget (c);
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

/* RTMP over the connected stream: handshake, connect and the FMLE publish,
 * once the stream's codecs are known (for what connect advertises; at
 * once when it advertises nothing). */
void
gst_rtmp_push_conn_start_rtmp (GstRtmpPushConn * c)
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
      &gst_rtmp_push_conn_funcs, c);
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

void
gst_rtmp_push_conn_forget (GstRtmpPushConn * c)
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
      gst_rtmp_push_conn_forget (c);
      return;
    }
    what = c->cert_errors ? gst_rtmp_push_tls_problem (c->cert_errors) :
        NULL;
    gst_rtmp_push_conn_failed (c, what, err);
    g_free (what);
    g_error_free (err);
    gst_rtmp_push_conn_forget (c);
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
  gst_rtmp_push_conn_start_rtmp (c);
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
  gst_rtmp_push_conn_failed (c, why, NULL);
  g_free (why);
  gst_rtmp_push_conn_retire (c);
  return G_SOURCE_REMOVE;
}

/* Opens a connection to @tc_url (rtmp[s]://host[:port]/app[/instance]). */
GstRtmpPushConn *
gst_rtmp_push_conn_open (GstRtmpPushSink * sink, const gchar * tc_url)
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
    /* TCP, TLS, handshake, connect and publish: all within the timeout.
     * Not g_timeout_source_new_seconds (): it rounds to whole seconds and
     * may fire up to a quarter second early. */
    c->deadline = timeout <= G_MAXUINT / 1000 ?
        g_timeout_source_new (timeout * 1000) :
        g_timeout_source_new_seconds (timeout);
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
