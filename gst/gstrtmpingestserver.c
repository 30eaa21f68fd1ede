/* gst-ertmp: rtmpingestsrc's I/O thread
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One thread per element iterates a private GMainContext: the listening
 * socket, every connection (through the connection helper), their
 * timeouts and a stats timer.  Publisher media becomes one FLV tag per
 * queued item; nothing here blocks, so pings, refusals and teardowns are
 * served while downstream is slow, and the publisher's socket is drained
 * at once (a fast publisher that closes before we read would otherwise see
 * our Ack as a reset and lose its last tags).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtmpingestpeer.h"
#include "gstertmpredact.h"
#include "ertmp_flv.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_ingest_src_debug);
#define GST_CAT_DEFAULT gst_rtmp_ingest_src_debug

/* connections being served at once (one publisher, the rest waiting to
 * be refused or timed out): bounds the memory a flood of peers can take */
#define MAX_PEERS 16
/* bytes of reassembly per connection: one largest RTMP message (16 MiB)
 * and change, so that MAX_PEERS connections stay within a bound */
#define PEER_REASSEMBLY_BYTES (20u * 1024u * 1024u)
/* ms a publisher that ended its stream (FCUnpublish, closeStream,
 * deleteStream) keeps its connection for the rest of its teardown before
 * we close it (gracefully, LINGER_MS more): as nginx-rtmp, we let the
 * publisher close first */
#define TEARDOWN_LINGER_MS 5000

/* ---- peers ---- */

static void
peer_free (GstRtmpIngestPeer * peer)
{
  if (peer->cancellable)
    g_cancellable_cancel (peer->cancellable);
  g_clear_object (&peer->cancellable);
  gst_ertmp_source_clear (&peer->timer);
  if (peer->end)
    gst_rtmp_ingest_item_free (peer->end);
  gst_ertmp_conn_free (peer->conn);
  g_clear_object (&peer->stream);
  ertmp_caps_clear (&peer->caps);
  g_free (peer->address);
  g_free (peer->app);
  g_free (peer->tc_url);
  g_free (peer->app_safe);
  g_free (peer->tc_url_safe);
  g_free (peer->flash_ver);
  g_free (peer->name);
  g_free (peer);
}

static void
peer_remove (GstRtmpIngestPeer * peer)
{
  GstRtmpIngestSrc *src = peer->src;

  src->peers = g_list_remove (src->peers, peer);
  if (src->publisher == peer)
    src->publisher = NULL;
  peer_free (peer);
}

static GstRtmpIngestItem *
make_end (gboolean eos, GError * error)
{
  GstRtmpIngestItem *item = g_new0 (GstRtmpIngestItem, 1);

  item->type = GST_RTMP_INGEST_ITEM_END;
  item->eos = eos;
  item->error = error;
  return item;
}

static gboolean
on_stats_timer (gpointer user_data)
{
  GstRtmpIngestSrc *src = user_data;

  if (src->publisher != NULL)
    gst_rtmp_ingest_peer_refresh_stats (src, src->publisher);
  return G_SOURCE_CONTINUE;
}

/* ---- connection events ---- */

/* The publisher is gone: say so on the bus and to create().  One that
 * ended its stream keeps its connection until it closes it (or
 * TEARDOWN_LINGER_MS): its teardown goes on after FCUnpublish
 * (deleteStream), and a publisher such as GStreamer's rtmp2sink fails with
 * "connection closed remotely" when we close first.  Without
 * keep-listening the END (EOS) waits for that too, so that an application
 * stopping the pipeline at EOS does not close the socket under it. */
static void
publisher_end (GstRtmpIngestPeer * peer, const gchar * reason, gboolean eos,
    GError * error)
{
  GstRtmpIngestSrc *src = peer->src;
  GstRtmpIngestItem *end;
  gboolean keep_listening;
  ertmp_session_stats st;

  if (src->publisher != peer) {
    g_clear_error (&error);
    return;
  }
  gst_rtmp_ingest_peer_refresh_stats (src, peer);
  ertmp_session_get_stats (gst_ertmp_conn_get_session (peer->conn), &st);
  src->publisher = NULL;
  peer->state = PEER_DONE;
  GST_OBJECT_LOCK (src);
  keep_listening = src->keep_listening;
  src->finished = !keep_listening;
  GST_OBJECT_UNLOCK (src);
  g_mutex_lock (&src->lock);
  src->has_publisher = FALSE;
  g_mutex_unlock (&src->lock);
  GST_INFO_OBJECT (src, "publisher %s ended: %s", peer->address, reason);
  gst_rtmp_ingest_src_post (src, gst_structure_new ("rtmp-ingest-publish-end",
          "reason", G_TYPE_STRING, reason,
          "peer-address", G_TYPE_STRING, peer->address,
          "bytes", G_TYPE_UINT64, st.bytes_in,
          "duration", G_TYPE_UINT64,
          (guint64) (g_get_monotonic_time () - peer->publish_at) * GST_USECOND,
          NULL));
  end = make_end (eos, error);
  if (gst_ertmp_conn_is_closed (peer->conn)) {
    gst_rtmp_ingest_src_enqueue (src, end);
    return;
  }
  /* its input is no longer queued: read on, whatever the queue holds */
  gst_ertmp_conn_set_reading (peer->conn, TRUE);
  peer->linger_until = g_get_monotonic_time () +
      TEARDOWN_LINGER_MS * (gint64) 1000;
  if (keep_listening)
    gst_rtmp_ingest_src_enqueue (src, end);
  else
    peer->end = end;
}

static void
on_connected (GstRtmpIngestPeer * peer, const ertmp_session_event * ev)
{
  g_free (peer->app);
  g_free (peer->tc_url);
  g_free (peer->app_safe);
  g_free (peer->tc_url_safe);
  g_free (peer->flash_ver);
  peer->app = g_strdup (ev->connected.app);
  peer->tc_url = g_strdup (ev->connected.tc_url);
  peer->app_safe = gst_rtmp_ingest_redact_app (peer->app);
  peer->tc_url_safe = gst_ertmp_redact_url (peer->tc_url ? peer->tc_url : "");
  peer->flash_ver = g_strdup (ev->connected.flash_ver);
  ertmp_caps_clear (&peer->caps);
  ertmp_caps_copy (&peer->caps, ev->connected.caps);
  GST_DEBUG_OBJECT (peer->src, "%s connected: app \"%s\", tcUrl %s, %s",
      peer->address, peer->app_safe, peer->tc_url_safe, peer->flash_ver);
}

static void
on_publish_request (GstRtmpIngestPeer * peer, const ertmp_session_event * ev)
{
  if (peer->state != PEER_RTMP) {
    GST_DEBUG_OBJECT (peer->src, "%s: ignored a second publish",
        peer->address);
    return;
  }
  peer->msid = ev->msid;
  g_free (peer->name);
  peer->name = g_strdup (ev->publish.name);
  if (gst_rtmp_ingest_peer_check_publish (peer))
    gst_rtmp_ingest_peer_accept (peer);
}

static void
on_event (GstErtmpConn * conn, const ertmp_session_event * ev,
    gpointer user_data)
{
  GstRtmpIngestPeer *peer = user_data;
  gboolean mine = peer->state == PEER_PUBLISHING && ev->msid == peer->msid;

  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      on_connected (peer, ev);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_REQUEST:
      on_publish_request (peer, ev);
      break;
    case ERTMP_SESSION_EVENT_MEDIA:
      if (mine)
        gst_rtmp_ingest_peer_tag (peer, ev->media.type_id, ev->media.timestamp,
            ev->media.payload);
      break;
    case ERTMP_SESSION_EVENT_DATA:
      if (mine)
        gst_rtmp_ingest_peer_tag (peer,
            ev->data.type_id == ERTMP_MSG_DATA_AMF3 ?
            ERTMP_FLV_TAG_SCRIPT_AMF3 : ERTMP_FLV_TAG_SCRIPT,
            ev->data.timestamp, ev->data.payload);
      break;
    case ERTMP_SESSION_EVENT_END_OF_STREAM:
      if (mine)
        publisher_end (peer, "unpublished", TRUE, NULL);
      break;
    case ERTMP_SESSION_EVENT_WARNING:
      GST_WARNING_OBJECT (peer->src, "%s: %s", peer->address,
          ev->warning.message);
      break;
    default:
      GST_LOG_OBJECT (peer->src, "%s: event %d", peer->address, ev->type);
      break;
  }
}

static void
on_closed (GstErtmpConn * conn, GstErtmpConnClosed reason,
    const GError * error, gpointer user_data)
{
  GstRtmpIngestPeer *peer = user_data;
  GstRtmpIngestSrc *src = peer->src;
  gboolean drop_is_eos;
  const gchar *why;

  GST_OBJECT_LOCK (src);
  drop_is_eos = src->drop_is_eos;
  GST_OBJECT_UNLOCK (src);
  if (reason == GST_ERTMP_CONN_CLOSED_PROTOCOL)
    GST_ELEMENT_WARNING (src, STREAM, DECODE,
        ("Dropped RTMP peer %s: it broke the protocol", peer->address),
        ("%s", error->message));
  if (peer->state == PEER_PUBLISHING) {
    if (reason == GST_ERTMP_CONN_CLOSED_PROTOCOL)
      publisher_end (peer, "protocol-error", FALSE, g_error_new (
              GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
              "publisher %s broke the protocol: %s", peer->address,
              error->message));
    else if (reason == GST_ERTMP_CONN_CLOSED_LOCAL && peer->local_reason
        && strcmp (peer->local_reason, "kicked") == 0)
      publisher_end (peer, "kicked", TRUE, NULL);
    else if (reason == GST_ERTMP_CONN_CLOSED_LOCAL)
      publisher_end (peer, "timeout", FALSE, g_error_new (
              GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
              "publisher %s sent nothing for too long (idle-timeout)",
              peer->address));
    else
      publisher_end (peer, "disconnected", drop_is_eos, drop_is_eos ? NULL :
          g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
              "publisher %s dropped the connection without ending the "
              "stream%s%s", peer->address, error ? ": " : "",
              error ? error->message : ""));
  } else if (peer->state != PEER_DONE) {
    why = reason == GST_ERTMP_CONN_CLOSED_PROTOCOL ? "protocol-error" :
        peer->local_reason;
    if (why != NULL)
      gst_rtmp_ingest_peer_post_refused (peer, why, error ? error->message :
          "no publish within handshake-timeout");
  }
  if (peer->end != NULL) {
    GST_DEBUG_OBJECT (src, "%s closed after its teardown", peer->address);
    gst_rtmp_ingest_src_enqueue (src, peer->end);
    peer->end = NULL;
  }
  peer_remove (peer);
}

static const GstErtmpConnFuncs conn_funcs = { on_event, on_closed, NULL };

/* ---- timeouts ---- */

/* Closes @peer for @reason; the closed function reports it.  A peer still
 * in its TLS handshake has no RTMP connection yet and goes at once:
 * FALSE then, and @peer is freed. */
static gboolean
drop_peer (GstRtmpIngestPeer * peer, const gchar * reason)
{
  peer->local_reason = reason;
  if (peer->conn != NULL) {
    gst_ertmp_conn_close (peer->conn, 0);
    return TRUE;
  }
  gst_rtmp_ingest_peer_post_refused (peer, reason,
      "TLS handshake not done within handshake-timeout");
  peer_remove (peer);
  return FALSE;
}

static gboolean
on_peer_timer (gpointer user_data)
{
  GstRtmpIngestPeer *peer = user_data;
  GstRtmpIngestSrc *src = peer->src;
  gint64 now = g_get_monotonic_time ();
  guint handshake, idle;

  GST_OBJECT_LOCK (src);
  handshake = src->handshake_timeout;
  idle = src->idle_timeout;
  GST_OBJECT_UNLOCK (src);
  if (peer->state == PEER_DONE) {
    if (peer->linger_until != 0 && now > peer->linger_until) {
      GST_INFO_OBJECT (src, "%s still connected %d ms after its teardown: "
          "closing", peer->address, TEARDOWN_LINGER_MS);
      peer->linger_until = 0;
      gst_ertmp_conn_close (peer->conn, LINGER_MS);
    }
    return G_SOURCE_CONTINUE;
  }
  if (peer->state != PEER_PUBLISHING && handshake > 0
      && now - peer->accepted_at > handshake * G_USEC_PER_SEC) {
    GST_INFO_OBJECT (src, "%s did not publish within %u s", peer->address,
        handshake);
    if (!drop_peer (peer, "timeout"))
      return G_SOURCE_REMOVE;
  } else if (peer->state == PEER_PUBLISHING && idle > 0
      && now - gst_ertmp_conn_get_last_input (peer->conn) >
      idle * G_USEC_PER_SEC) {
    GST_INFO_OBJECT (src, "publisher %s sent nothing for %u s",
        peer->address, idle);
    drop_peer (peer, "timeout");
  }
  return G_SOURCE_CONTINUE;
}

/* ---- new connections ---- */

static void
start_rtmp (GstRtmpIngestPeer * peer)
{
  GstRtmpIngestSrc *src = peer->src;
  ertmp_session_config cfg;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  GST_OBJECT_LOCK (src);
  cfg.chunk_size = src->chunk_size;
  GST_OBJECT_UNLOCK (src);
  cfg.caps = &src->server_caps;
  /* one largest message at a time: a peer holds at most this much */
  cfg.limits.max_reassembly_bytes = PEER_REASSEMBLY_BYTES;
  /* acknowledge only publishers that ask: an unasked ack reaching FFmpeg
   * after its last read resets its close() and loses its last tags */
  cfg.default_window_in = 0;
  cfg.handshake_time = (guint32) (g_get_monotonic_time () / 1000);
  cfg.handshake_seed = g_random_int ();
  peer->state = PEER_RTMP;
  peer->conn = gst_ertmp_conn_new (peer->stream, ertmp_session_new (&cfg),
      src->context, &conn_funcs, peer);
}

static void
on_tls_handshake (GObject * object, GAsyncResult * result, gpointer data)
{
  GstRtmpIngestPeer *peer = data;
  GError *err = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result,
          &err)) {
    /* cancelled: the peer is already gone */
    if (!g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      GST_ELEMENT_WARNING (peer->src, RESOURCE, READ,
          ("TLS handshake with %s failed", peer->address),
          ("%s", err->message));
      gst_rtmp_ingest_peer_post_refused (peer, "tls", err->message);
      peer_remove (peer);
    }
    g_error_free (err);
    return;
  }
  start_rtmp (peer);
}

static gchar *
remote_address (GSocket * socket)
{
  GSocketAddress *addr = g_socket_get_remote_address (socket, NULL);
  gchar *ip, *str;

  if (!G_IS_INET_SOCKET_ADDRESS (addr)) {
    g_clear_object (&addr);
    return g_strdup ("unknown");
  }
  ip = g_inet_address_to_string (g_inet_socket_address_get_address
      (G_INET_SOCKET_ADDRESS (addr)));
  str = g_strdup_printf (strchr (ip, ':') ? "[%s]:%u" : "%s:%u", ip,
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr)));
  g_free (ip);
  g_object_unref (addr);
  return str;
}

static void
add_peer (GstRtmpIngestSrc * src, GSocket * socket)
{
  GstRtmpIngestPeer *peer = g_new0 (GstRtmpIngestPeer, 1);
  GIOStream *tcp;
  GError *err = NULL;

  peer->src = src;
  peer->address = remote_address (socket);
  peer->accepted_at = g_get_monotonic_time ();
  ertmp_caps_init (&peer->caps);
  if (g_list_length (src->peers) >= MAX_PEERS) {
    gst_rtmp_ingest_peer_post_refused (peer, "busy",
        "too many connections at once");
    g_socket_close (socket, NULL);
    peer_free (peer);
    return;
  }
  src->peers = g_list_prepend (src->peers, peer);
  GST_DEBUG_OBJECT (src, "connection from %s", peer->address);
  peer->timer = g_timeout_source_new (100);
  g_source_set_callback (peer->timer, on_peer_timer, peer, NULL);
  g_source_attach (peer->timer, src->context);
  tcp = G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
  if (src->tls == NULL) {
    peer->stream = tcp;
    start_rtmp (peer);
    return;
  }
  peer->state = PEER_TLS_HANDSHAKE;
  peer->stream = G_IO_STREAM (g_tls_server_connection_new (tcp, src->tls,
          &err));
  g_object_unref (tcp);
  if (peer->stream == NULL) {
    gst_rtmp_ingest_peer_post_refused (peer, "tls", err->message);
    g_error_free (err);
    peer_remove (peer);
    return;
  }
  peer->cancellable = g_cancellable_new ();
  g_tls_connection_handshake_async (G_TLS_CONNECTION (peer->stream),
      G_PRIORITY_DEFAULT, peer->cancellable, on_tls_handshake, peer);
}

static gboolean
on_incoming (GSocket * listener, GIOCondition cond, gpointer user_data)
{
  GstRtmpIngestSrc *src = user_data;
  GSocket *socket;
  GError *err = NULL;

  while ((socket = g_socket_accept (listener, NULL, &err)) != NULL) {
    add_peer (src, socket);
    g_object_unref (socket);
  }
  if (!g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    GST_WARNING_OBJECT (src, "accept failed: %s", err->message);
  g_error_free (err);
  return G_SOURCE_CONTINUE;
}

/* ---- start / stop ---- */

/* What erdemux takes: every FourCC of the codec table, E-RTMP multitrack
 * and ModEx (with nanosecond offsets) understood. */
static void
init_server_caps (ertmp_caps * caps)
{
  const ertmp_codec_info *info;
  guint c;

  ertmp_caps_init (caps);
  for (c = ERTMP_CODEC_UNKNOWN + 1; (info = ertmp_codec_get (c)) != NULL;
      c++) {
    if (info->fourcc == 0)
      continue;
    ertmp_caps_add_fourcc (caps, info->fourcc);
    ertmp_caps_add_info (caps, info->kind == ERTMP_CODEC_KIND_VIDEO,
        info->fourcc, ERTMP_FOURCC_CAN_DECODE | ERTMP_FOURCC_CAN_FORWARD);
  }
  caps->has_caps_ex = TRUE;
  caps->caps_ex = ERTMP_CAPS_EX_MULTITRACK | ERTMP_CAPS_EX_MODEX
      | ERTMP_CAPS_EX_TIMESTAMP_NANO_OFFSET;
}

static GTlsCertificate *
load_certificate (GstRtmpIngestSrc * src, GError ** error)
{
  GTlsCertificate *cert = NULL;
  gchar *cert_file, *key_file;
  gboolean scheme;

  GST_OBJECT_LOCK (src);
  if (src->tls_certificate)
    cert = g_object_ref (src->tls_certificate);
  cert_file = g_strdup (src->tls_certificate_file);
  key_file = g_strdup (src->tls_key_file);
  scheme = src->tls_scheme;
  GST_OBJECT_UNLOCK (src);
  if (cert == NULL && cert_file != NULL)
    cert = g_tls_certificate_new_from_files (cert_file,
        key_file ? key_file : cert_file, error);
  else if (cert == NULL && scheme)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "rtmps:// needs a certificate: set tls-certificate or "
        "tls-certificate-file");
  if (cert != NULL && !g_tls_backend_supports_tls (g_tls_backend_get_default
          ())) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
        "TLS is not available (is glib-networking installed?)");
    g_clear_object (&cert);
  }
  g_free (cert_file);
  g_free (key_file);
  return cert;
}

static GSocket *
listen_on (const gchar * host, gint port, gint * bound_port, GError ** error)
{
  GSocketAddress *addr = NULL, *local;
  GInetAddress *ip = g_inet_address_new_from_string (host);
  GResolver *resolver;
  GList *ips;
  GSocket *socket = NULL;

  if (ip == NULL) {
    resolver = g_resolver_get_default ();
    ips = g_resolver_lookup_by_name (resolver, host, NULL, error);
    g_object_unref (resolver);
    if (ips == NULL)
      return NULL;
    ip = g_object_ref (ips->data);
    g_resolver_free_addresses (ips);
  }
  addr = g_inet_socket_address_new (ip, port);
  socket = g_socket_new (g_inet_address_get_family (ip), G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL || !g_socket_bind (socket, addr, TRUE, error)
      || !g_socket_listen (socket, error)) {
    g_clear_object (&socket);
  } else {
    g_socket_set_blocking (socket, FALSE);
    local = g_socket_get_local_address (socket, NULL);
    *bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS
        (local));
    g_object_unref (local);
  }
  g_object_unref (addr);
  g_object_unref (ip);
  return socket;
}

static GSource *
attach_source (GstRtmpIngestSrc * src, GSource * source, GSourceFunc func)
{
  g_source_set_callback (source, func, src, NULL);
  g_source_attach (source, src->context);
  return source;
}

gboolean
gst_rtmp_ingest_server_start (GstRtmpIngestSrc * src, GError ** error)
{
  gchar *host;
  gint port, bound = 0;

  src->finished = FALSE;
  src->tls = load_certificate (src, error);
  if (src->tls == NULL && error && *error)
    return FALSE;
  GST_OBJECT_LOCK (src);
  host = g_strdup (src->host);
  port = src->port;
  GST_OBJECT_UNLOCK (src);
  src->listener = listen_on (host, port, &bound, error);
  if (src->listener == NULL) {
    g_prefix_error (error, "cannot listen on %s:%d: ", host, port);
    g_free (host);
    g_clear_object (&src->tls);
    return FALSE;
  }
  GST_INFO_OBJECT (src, "listening on %s:%d%s", host, bound,
      src->tls ? " (RTMPS)" : "");
  g_free (host);
  GST_OBJECT_LOCK (src);
  src->bound_port = bound;
  GST_OBJECT_UNLOCK (src);
  g_object_notify (G_OBJECT (src), "bound-port");
  init_server_caps (&src->server_caps);
  src->context = g_main_context_new ();
  src->loop = g_main_loop_new (src->context, FALSE);
  src->listen_source = attach_source (src,
      g_socket_create_source (src->listener, G_IO_IN, NULL),
      (GSourceFunc) (void (*)(void)) on_incoming);
  src->stats_source = attach_source (src, g_timeout_source_new (1000),
      on_stats_timer);
  src->thread = gst_ertmp_io_start (src->loop, "rtmpingestsrc");
  return TRUE;
}

void
gst_rtmp_ingest_server_stop (GstRtmpIngestSrc * src)
{
  if (src->thread == NULL)
    return;
  g_mutex_lock (&src->lock);
  src->has_publisher = FALSE;
  g_mutex_unlock (&src->lock);
  gst_ertmp_io_stop (src->thread, src->loop);
  src->thread = NULL;
  /* the loop is over: what it served is ours now */
  while (src->peers)
    peer_remove (src->peers->data);
  gst_ertmp_source_clear (&src->listen_source);
  gst_ertmp_source_clear (&src->stats_source);
  g_socket_close (src->listener, NULL);
  g_clear_object (&src->listener);
  g_clear_object (&src->tls);
  g_main_loop_unref (src->loop);
  src->loop = NULL;
  g_main_context_unref (src->context);
  src->context = NULL;
  ertmp_caps_clear (&src->server_caps);
  GST_OBJECT_LOCK (src);
  src->bound_port = 0;
  GST_OBJECT_UNLOCK (src);
}

/* ---- calls from other threads ---- */

typedef struct
{
  GstRtmpIngestSrc *src;
  gchar *tc_url, *description;
} ReconnectCall;

static void
reconnect_call_free (gpointer data)
{
  ReconnectCall *call = data;

  g_free (call->tc_url);
  g_free (call->description);
  g_free (call);
}

static gboolean
do_request_reconnect (gpointer data)
{
  ReconnectCall *call = data;
  GstRtmpIngestPeer *peer = call->src->publisher;

  if (peer != NULL && ertmp_session_request_reconnect
      (gst_ertmp_conn_get_session (peer->conn), call->tc_url,
          call->description) == ERTMP_OK)
    gst_ertmp_conn_flush (peer->conn);
  return G_SOURCE_REMOVE;
}

static gboolean
do_disconnect (gpointer data)
{
  GstRtmpIngestSrc *src = data;

  if (src->publisher != NULL)
    drop_peer (src->publisher, "kicked");
  return G_SOURCE_REMOVE;
}

static gboolean
do_resume (gpointer data)
{
  GstRtmpIngestSrc *src = data;

  if (src->publisher != NULL)
    gst_ertmp_conn_set_reading (src->publisher->conn, TRUE);
  return G_SOURCE_REMOVE;
}

/* Runs @func on the I/O thread if a publisher is on; under the lock, so
 * that stop() cannot pull the context away meanwhile. */
static gboolean
invoke_if_publishing (GstRtmpIngestSrc * src, GSourceFunc func,
    gpointer data, GDestroyNotify notify)
{
  gboolean ok;

  g_mutex_lock (&src->lock);
  ok = src->has_publisher && src->context != NULL;
  if (ok)
    g_main_context_invoke_full (src->context, G_PRIORITY_DEFAULT, func, data,
        notify);
  g_mutex_unlock (&src->lock);
  if (!ok && notify)
    notify (data);
  return ok;
}

gboolean
gst_rtmp_ingest_server_request_reconnect (GstRtmpIngestSrc * src,
    const gchar * tc_url, const gchar * description)
{
  ReconnectCall *call = g_new0 (ReconnectCall, 1);

  call->src = src;
  call->tc_url = g_strdup (tc_url);
  call->description = g_strdup (description);
  return invoke_if_publishing (src, do_request_reconnect, call,
      reconnect_call_free);
}

gboolean
gst_rtmp_ingest_server_disconnect (GstRtmpIngestSrc * src)
{
  return invoke_if_publishing (src, do_disconnect, src, NULL);
}

void
gst_rtmp_ingest_server_resume (GstRtmpIngestSrc * src)
{
  if (src->context != NULL)
    g_main_context_invoke (src->context, do_resume, src);
}
