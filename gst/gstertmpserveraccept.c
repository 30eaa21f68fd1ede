/* gst-ertmp: the shared server's listener, admission control and sweep
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * I/O thread only.  A new connection is admitted against the limits in
 * total and per address; when a limit is reached, the least advanced of
 * the connections that have not been accepted as publishers (by state,
 * then age) makes room, so that nothing a peer without the key does can
 * keep a rightful publisher out: its connection, once it has connected,
 * outranks every socket that has not.  One sweep timer checks the
 * timeouts of every connection and refreshes the gauges.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#ifdef G_OS_UNIX
#include <netinet/in.h>
#include <netinet/tcp.h>
#endif
#include "gstertmpserverpriv.h"
#include "gstertmpworkers.h"

GST_DEBUG_CATEGORY_EXTERN (gst_ertmp_server_debug);
#define GST_CAT_DEFAULT gst_ertmp_server_debug

/* connections accepted per wake-up before other sources get a turn */
#define ACCEPTS_PER_WAKE 64
/* TCP keepalive: a publisher whose network vanished is found in
 * KEEPIDLE + KEEPCNT * KEEPINTVL s even when no timeout is set */
#define KEEPIDLE_S 20
#define KEEPINTVL_S 5
#define KEEPCNT 3

/* ---- peers ---- */

static void
peer_free (GstErtmpPeerPriv * peer)
{
  GstErtmpPeer *pub = &peer->pub;

  if (peer->cancellable)
    g_cancellable_cancel (peer->cancellable);
  g_clear_object (&peer->cancellable);
  gst_ertmp_source_clear (&peer->proxy_source);
  gst_ertmp_conn_free (pub->conn);
  g_clear_object (&peer->stream);
  if (peer->socket != NULL)
    g_socket_close (peer->socket, NULL);
  g_clear_object (&peer->socket);
  ertmp_caps_clear (&pub->caps);
  g_free (peer->proxy_buf);
  g_free (peer->ip);
  g_free (pub->address);
  g_free (pub->app);
  g_free (pub->tc_url);
  g_free (pub->app_safe);
  g_free (pub->tc_url_safe);
  g_free (pub->flash_ver);
  g_free (pub->name);
  g_free (peer);
}

static void
count_address (GstErtmpServer * server, const gchar * ip, gint delta)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (server->per_address, ip));

  n += delta;
  if (n == 0)
    g_hash_table_remove (server->per_address, ip);
  else
    g_hash_table_insert (server->per_address, g_strdup (ip),
        GUINT_TO_POINTER (n));
}

/* The address a connection is counted under changes once its PROXY
 * header names the real client. */
void
gst_ertmp_server_set_peer_address (GstErtmpPeerPriv * peer, const gchar * ip,
    guint port)
{
  GstErtmpServer *server = peer->pub.server;

  count_address (server, peer->ip, -1);
  g_free (peer->ip);
  g_free (peer->pub.address);
  peer->ip = g_strdup (ip);
  peer->pub.address = g_strdup_printf (strchr (ip, ':') ? "[%s]:%u" :
      "%s:%u", ip, port);
  count_address (server, peer->ip, 1);
}

void
gst_ertmp_server_peer_remove (GstErtmpPeerPriv * peer)
{
  GstErtmpServer *server = peer->pub.server;
  ertmp_session_stats st;

  if (peer->pub.conn != NULL) {
    ertmp_session_get_stats (gst_ertmp_conn_get_session (peer->pub.conn),
        &st);
    server->bytes_in_closed += st.bytes_in;
  }
  g_queue_unlink (&server->peers, &peer->link);
  count_address (server, peer->ip, -1);
  peer_free (peer);
}

void
gst_ertmp_server_free_peers (GstErtmpServer * server)
{
  while (server->peers.head != NULL)
    gst_ertmp_server_peer_remove (server->peers.head->data);
}

gboolean
gst_ertmp_server_drop (GstErtmpPeerPriv * peer, const gchar * reason,
    guint linger_ms)
{
  peer->local_reason = reason;
  if (peer->pub.conn != NULL) {
    gst_ertmp_conn_close (peer->pub.conn, linger_ms);
    return TRUE;
  }
  gst_ertmp_server_peer_remove (peer);
  return FALSE;
}

/* ---- admission ---- */

/* How far a connection got: the least advanced goes first. */
static gint
progress (GstErtmpPeerPriv * peer)
{
  switch (peer->pub.state) {
    case GST_ERTMP_PEER_PROXY:
    case GST_ERTMP_PEER_TLS:
      return 0;
    case GST_ERTMP_PEER_RTMP:
      return peer->pub.app != NULL ? 2 : 1;
    default:
      return G_MAXINT;          /* publishers, held ones, closing ones */
  }
}

/* The least advanced, oldest connection not yet a publisher (of @ip when
 * set), or NULL. */
static GstErtmpPeerPriv *
eviction_candidate (GstErtmpServer * server, const gchar * ip)
{
  GstErtmpPeerPriv *best = NULL;
  gint best_rank = G_MAXINT;
  GList *l;

  for (l = server->peers.head; l != NULL && best_rank > 0; l = l->next) {
    GstErtmpPeerPriv *peer = l->data;
    gint rank = progress (peer);

    if (rank < best_rank && (ip == NULL || strcmp (peer->ip, ip) == 0)) {
      best = peer;
      best_rank = rank;
    }
  }
  return best;
}

static void
evict (GstErtmpServer * server, GstErtmpPeerPriv * victim)
{
  victim->reported = TRUE;
  gst_ertmp_server_report_refused (server, NULL, GST_ERTMP_REFUSED_EVICTED,
      victim->pub.address, "closed to make room for a new connection");
  victim->pub.state = GST_ERTMP_PEER_DONE;
  gst_ertmp_server_drop (victim, "evicted", 0);
}

/* Makes room for one more connection in total (@total) and from @ip
 * (@per_address): TRUE, or a refusal. */
gboolean
gst_ertmp_server_admit (GstErtmpServer * server, const gchar * ip,
    const gchar * address, gboolean total, gboolean per_address)
{
  guint from_ip = GPOINTER_TO_UINT (g_hash_table_lookup (server->per_address,
          ip));
  GstErtmpPeerPriv *victim;

  if (per_address && server->cfg.max_per_address > 0
      && from_ip >= server->cfg.max_per_address) {
    victim = eviction_candidate (server, ip);
    if (victim == NULL) {
      gst_ertmp_server_report_refused (server, NULL,
          GST_ERTMP_REFUSED_ADDRESS_LIMIT, address,
          "too many connections from this address "
          "(max-connections-per-address)");
      return FALSE;
    }
    evict (server, victim);
  }
  if (total && server->cfg.max_connections > 0
      && server->peers.length >= server->cfg.max_connections) {
    victim = eviction_candidate (server, NULL);
    if (victim == NULL) {
      gst_ertmp_server_report_refused (server, NULL,
          GST_ERTMP_REFUSED_CONNECTION_LIMIT, address,
          "too many connections (max-connections)");
      return FALSE;
    }
    evict (server, victim);
  }
  return TRUE;
}

/* ---- new connections ---- */

static void
on_tls_handshake (GObject * object, GAsyncResult * result, gpointer data)
{
  GstErtmpPeerPriv *peer = data;
  GError *err = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result,
          &err)) {
    /* cancelled: the peer is already gone */
    if (!g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      gst_ertmp_server_report_refused (peer->pub.server, NULL,
          GST_ERTMP_REFUSED_TLS, peer->pub.address, err->message);
      gst_ertmp_server_peer_remove (peer);
    }
    g_error_free (err);
    return;
  }
  g_clear_object (&peer->cancellable);
  gst_ertmp_server_start_rtmp (peer);
}

/* After any PROXY header: TLS, then RTMP. */
void
gst_ertmp_server_start_stream (GstErtmpPeerPriv * peer)
{
  GstErtmpServer *server = peer->pub.server;
  GIOStream *tcp;
  GError *err = NULL;

  tcp = G_IO_STREAM (g_socket_connection_factory_create_connection
      (peer->socket));
  if (server->cfg.tls == NULL) {
    peer->stream = tcp;
    gst_ertmp_server_start_rtmp (peer);
    return;
  }
  peer->pub.state = GST_ERTMP_PEER_TLS;
  peer->stream = G_IO_STREAM (g_tls_server_connection_new (tcp,
          server->cfg.tls, &err));
  g_object_unref (tcp);
  if (peer->stream == NULL) {
    gst_ertmp_server_report_refused (server, NULL, GST_ERTMP_REFUSED_TLS,
        peer->pub.address, err->message);
    g_error_free (err);
    gst_ertmp_server_peer_remove (peer);
    return;
  }
  peer->cancellable = g_cancellable_new ();
  g_tls_connection_handshake_async (G_TLS_CONNECTION (peer->stream),
      G_PRIORITY_DEFAULT, peer->cancellable, on_tls_handshake, peer);
}

static gchar *
ip_of (GSocket * socket, guint * port)
{
  GSocketAddress *addr = g_socket_get_remote_address (socket, NULL);
  gchar *ip;

  *port = 0;
  if (!G_IS_INET_SOCKET_ADDRESS (addr)) {
    g_clear_object (&addr);
    return g_strdup ("unknown");
  }
  ip = g_inet_address_to_string (g_inet_socket_address_get_address
      (G_INET_SOCKET_ADDRESS (addr)));
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr));
  g_object_unref (addr);
  return ip;
}

static void
set_keepalive (GSocket * socket)
{
  g_socket_set_keepalive (socket, TRUE);
#if defined(TCP_KEEPIDLE) && defined(TCP_KEEPINTVL) && defined(TCP_KEEPCNT)
  g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPIDLE, KEEPIDLE_S, NULL);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPINTVL, KEEPINTVL_S,
      NULL);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPCNT, KEEPCNT, NULL);
#endif
}

static void
add_peer (GstErtmpServer * server, GSocket * socket)
{
  GstErtmpPeerPriv *peer;
  guint port;
  gchar *ip = ip_of (socket, &port);
  gchar *address = g_strdup_printf (strchr (ip, ':') ? "[%s]:%u" : "%s:%u",
      ip, port);

  GST_OBJECT_LOCK (server);
  server->counters.connections_total++;
  GST_OBJECT_UNLOCK (server);
  /* behind a balancer every socket comes from its address: the client's
   * is known once its PROXY header is read */
  if (!gst_ertmp_server_admit (server, ip, address, TRUE,
          !server->cfg.proxy_protocol)) {
    g_socket_close (socket, NULL);
    g_free (ip);
    g_free (address);
    return;
  }
  peer = g_new0 (GstErtmpPeerPriv, 1);
  peer->pub.server = server;
  peer->pub.address = address;
  peer->pub.accepted_at = g_get_monotonic_time ();
  peer->ip = ip;
  peer->socket = g_object_ref (socket);
  ertmp_caps_init (&peer->pub.caps);
  peer->link.data = peer;
  g_queue_push_tail_link (&server->peers, &peer->link);
  count_address (server, ip, 1);
  set_keepalive (socket);
  GST_LOG_OBJECT (server, "connection from %s", address);
  if (server->cfg.proxy_protocol)
    gst_ertmp_server_read_proxy (peer);
  else
    gst_ertmp_server_start_stream (peer);
}

static gboolean
on_incoming (GSocket * listener, GIOCondition cond, gpointer user_data)
{
  GstErtmpServer *server = user_data;
  GSocket *socket;
  GError *err = NULL;
  gint i;

  for (i = 0; i < ACCEPTS_PER_WAKE; i++) {
    socket = g_socket_accept (listener, NULL, &err);
    if (socket == NULL)
      break;
    add_peer (server, socket);
    g_object_unref (socket);
  }
  if (err != NULL && !g_error_matches (err, G_IO_ERROR,
          G_IO_ERROR_WOULD_BLOCK))
    GST_WARNING_OBJECT (server, "accept failed: %s", err->message);
  g_clear_error (&err);
  return G_SOURCE_CONTINUE;
}

/* ---- the sweep ---- */

static void
refresh_gauges (GstErtmpServer * server)
{
  guint by_state[GST_ERTMP_PEER_DONE + 1] = { 0 };
  guint64 bytes_in = server->bytes_in_closed;
  ertmp_session_stats st;
  GstStructure *s;
  GList *l;

  for (l = server->peers.head; l != NULL; l = l->next) {
    GstErtmpPeerPriv *peer = l->data;

    by_state[peer->pub.state]++;
    if (peer->pub.conn != NULL) {
      ertmp_session_get_stats (gst_ertmp_conn_get_session (peer->pub.conn),
          &st);
      bytes_in += st.bytes_in;
    }
  }
  s = gst_structure_new ("rtmp-server-stats",
      "connections", G_TYPE_UINT, server->peers.length,
      "handshaking", G_TYPE_UINT, by_state[GST_ERTMP_PEER_PROXY]
      + by_state[GST_ERTMP_PEER_TLS],
      "pending", G_TYPE_UINT, by_state[GST_ERTMP_PEER_RTMP],
      "publishing", G_TYPE_UINT, by_state[GST_ERTMP_PEER_PUBLISHING],
      "held", G_TYPE_UINT, by_state[GST_ERTMP_PEER_HELD],
      "playing", G_TYPE_UINT, by_state[GST_ERTMP_PEER_PLAYING],
      "closing", G_TYPE_UINT, by_state[GST_ERTMP_PEER_DONE],
      "addresses", G_TYPE_UINT, g_hash_table_size (server->per_address),
      "routes", G_TYPE_UINT, server->route_list->len,
      "play-routes", G_TYPE_UINT, g_hash_table_size (server->play_routes),
      "bytes-in", G_TYPE_UINT64, bytes_in,
      "listening", G_TYPE_BOOLEAN, server->listener != NULL, NULL);
  GST_OBJECT_LOCK (server);
  if (server->gauges)
    gst_structure_free (server->gauges);
  server->gauges = s;
  GST_OBJECT_UNLOCK (server);
}

static gboolean
on_sweep (gpointer user_data)
{
  GstErtmpServer *server = user_data;
  gint64 now = g_get_monotonic_time ();
  guint claim;
  GList *l, *next;

  GST_OBJECT_LOCK (server);
  claim = server->claim_timeout;
  GST_OBJECT_UNLOCK (server);
  for (l = server->peers.head; l != NULL; l = next) {
    next = l->next;
    gst_ertmp_server_peer_timeouts (l->data, now,
        server->cfg.handshake_timeout, claim);
  }
  gst_ertmp_server_tick_play_routes (server, now);
  refresh_gauges (server);
  /* work queued behind stuck workers gets one more */
  gst_ertmp_workers_check ();
  return G_SOURCE_CONTINUE;
}

/* ---- listening ---- */

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
  if (socket != NULL)
    g_socket_set_listen_backlog (socket, 1024);
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

typedef struct
{
  GstErtmpServer *server;
  GSocket *socket;
} ListenCall;

static gboolean
do_listen (gpointer data)
{
  ListenCall *call = data;
  GstErtmpServer *server = call->server;

  server->listener = call->socket;
  server->listen_source = g_socket_create_source (server->listener, G_IO_IN,
      NULL);
  g_source_set_callback (server->listen_source,
      (GSourceFunc) (void (*)(void)) on_incoming, server, NULL);
  g_source_attach (server->listen_source, server->context);
  server->sweep_source = g_timeout_source_new (GST_ERTMP_SWEEP_MS);
  g_source_set_callback (server->sweep_source, on_sweep, server, NULL);
  g_source_attach (server->sweep_source, server->context);
  refresh_gauges (server);
  return G_SOURCE_REMOVE;
}

gboolean
gst_ertmp_server_listen (GstErtmpServer * server, GError ** error)
{
  ListenCall call = { server, NULL };
  gint bound = 0;

  call.socket = listen_on (server->cfg.host, server->cfg.port, &bound,
      error);
  if (call.socket == NULL) {
    g_prefix_error (error, "cannot listen on %s:%d: ", server->cfg.host,
        server->cfg.port);
    return FALSE;
  }
  server->bound_port = bound;
  init_server_caps (&server->server_caps);
  GST_INFO_OBJECT (server, "listening on %s:%d%s%s", server->cfg.host, bound,
      server->cfg.tls ? " (RTMPS)" : "",
      server->cfg.proxy_protocol ? " (PROXY protocol)" : "");
  gst_ertmp_server_run (server, do_listen, &call);
  return TRUE;
}

/* Closes the listening socket (drain, or the last owner left); the
 * connections stay. */
void
gst_ertmp_server_unlisten (GstErtmpServer * server)
{
  gst_ertmp_source_clear (&server->listen_source);
  if (server->listener != NULL)
    g_socket_close (server->listener, NULL);
  g_clear_object (&server->listener);
  if (server->draining)
    return;
  gst_ertmp_source_clear (&server->sweep_source);
}
