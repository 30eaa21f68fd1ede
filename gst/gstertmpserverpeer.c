/* gst-ertmp: the shared server's connections, once RTMP speaks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * I/O thread only.  A connection starts with small budgets (a peer
 * without the key cannot make us hold a large message); its publish is
 * routed by application and key, held for the application when no route
 * matches and publisher-unknown says so, refused otherwise; a route that
 * already has a publisher settles it by its takeover policy.  Once
 * accepted, the budgets grow and every media message goes to the route.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstertmpserverpriv.h"
#include "gstertmpredact.h"
#include "ertmp_flv.h"

GST_DEBUG_CATEGORY_EXTERN (gst_ertmp_server_debug);
#define GST_CAT_DEFAULT gst_ertmp_server_debug

/* The published name without "?query": what stream keys are compared
 * with. */
static gchar *
key_of (const gchar * name)
{
  const gchar *q = strchr (name, '?');

  return q ? g_strndup (name, q - name) : g_strdup (name);
}

/* The application a peer connected to, its "?query" (a token, as
 * nginx-rtmp's on_publish takes it) redacted. */
static gchar *
redact_app (const gchar * app)
{
  gchar *path = g_strconcat ("/", app ? app : "", NULL);
  gchar *redacted = gst_ertmp_redact_url (path);
  gchar *out = g_strdup (redacted + 1);

  g_free (redacted);
  g_free (path);
  return out;
}

void
gst_ertmp_peer_set_reading (GstErtmpPeer * peer, gboolean reading)
{
  if (peer->conn != NULL && !gst_ertmp_conn_is_closed (peer->conn))
    gst_ertmp_conn_set_reading (peer->conn, reading);
}

/* ---- ends ---- */

static GstErtmpDropped
dropped_of (const gchar * reason)
{
  guint i;

  for (i = 0; i < GST_ERTMP_N_DROPPED; i++)
    if (strcmp (reason, gst_ertmp_dropped_name (i)) == 0)
      return i;
  return GST_ERTMP_N_DROPPED;
}

void
gst_ertmp_server_end_publisher (GstErtmpPeerPriv * peer,
    const gchar * reason, GError * error)
{
  GstErtmpRoute *route = peer->route;
  GstErtmpDropped what = dropped_of (reason);

  peer->reported = TRUE;
  if (route == NULL) {
    g_clear_error (&error);
    return;
  }
  route->publisher = NULL;
  peer->route = NULL;
  if (what != GST_ERTMP_N_DROPPED)
    gst_ertmp_server_count_dropped (peer->pub.server, what);
  GST_INFO_OBJECT (peer->pub.server, "publisher %s ended: %s",
      peer->pub.address, reason);
  route->funcs->ended (route->route, &peer->pub, reason, error);
}

static void
refuse (GstErtmpPeerPriv * peer, GstErtmpRoute * route, GstErtmpRefused what,
    const gchar * description)
{
  ertmp_session *session = gst_ertmp_conn_get_session (peer->pub.conn);

  gst_ertmp_server_report_refused (peer->pub.server, route, what,
      peer->pub.address, description);
  peer->reported = TRUE;
  peer->pub.state = GST_ERTMP_PEER_DONE;
  ertmp_session_reject_publish (session, peer->pub.msid,
      what == GST_ERTMP_REFUSED_SIGNAL ? ERTMP_SESSION_REJECT_UNAUTHORIZED :
      ERTMP_SESSION_REJECT_BAD_NAME, description);
  gst_ertmp_conn_close (peer->pub.conn, GST_ERTMP_LINGER_MS);
}

/* ---- publishing ---- */

static void
raise_limits (GstErtmpPeerPriv * peer)
{
  ertmp_limits limits;

  ertmp_limits_init (&limits);
  limits.max_reassembly_bytes = GST_ERTMP_PUBLISHER_REASSEMBLY_MAX;
  ertmp_session_set_limits (gst_ertmp_conn_get_session (peer->pub.conn),
      &limits);
}

/* @route's publisher @old makes way for a newcomer. */
static void
take_over (GstErtmpRoute * route, GstErtmpPeerPriv * old,
    GstErtmpPeerPriv * peer)
{
  GstErtmpServer *server = peer->pub.server;

  GST_OBJECT_LOCK (server);
  server->counters.takeovers++;
  GST_OBJECT_UNLOCK (server);
  GST_INFO_OBJECT (server, "%s takes over from %s", peer->pub.address,
      old->pub.address);
  route->funcs->takeover (route->route, old->pub.address, peer->pub.address);
  gst_ertmp_server_end_publisher (old, "taken-over", NULL);
  old->pub.state = GST_ERTMP_PEER_DONE;
  gst_ertmp_server_drop (old, "taken-over", GST_ERTMP_LINGER_MS);
}

static GstErtmpRefused
refused_of (const gchar * reason)
{
  guint i;

  for (i = 0; i < GST_ERTMP_N_REFUSED; i++)
    if (strcmp (reason, gst_ertmp_refused_name (i)) == 0)
      return i;
  return GST_ERTMP_REFUSED_SIGNAL;
}

/* Gives @peer to @route, settling takeover first.  FALSE: refused. */
static gboolean
hand_to_route (GstErtmpPeerPriv * peer, GstErtmpRoute * route)
{
  GstErtmpServer *server = peer->pub.server;
  GstErtmpPeerPriv *old = route->publisher;
  const gchar *reason = NULL, *description = NULL;
  gboolean silent;

  if (old != NULL) {
    silent = g_get_monotonic_time () - gst_ertmp_conn_get_last_input
        (old->pub.conn) > GST_ERTMP_SILENT_MS * (gint64) 1000;
    if (route->takeover == GST_ERTMP_TAKEOVER_REFUSE
        || (route->takeover == GST_ERTMP_TAKEOVER_REPLACE_IF_SILENT
            && !silent)) {
      refuse (peer, route, GST_ERTMP_REFUSED_BUSY,
          "another publisher is already publishing");
      return FALSE;
    }
    take_over (route, old, peer);
  }
  if (!route->funcs->publish (route->route, &peer->pub, &reason,
          &description)) {
    refuse (peer, route, refused_of (reason ? reason : "signal"),
        description ? description : "publishing refused");
    return FALSE;
  }
  ertmp_session_accept_publish (gst_ertmp_conn_get_session (peer->pub.conn),
      peer->pub.msid);
  gst_ertmp_conn_flush (peer->pub.conn);
  peer->pub.publish_at = g_get_monotonic_time ();
  raise_limits (peer);
  peer->pub.state = GST_ERTMP_PEER_PUBLISHING;
  route->publisher = peer;
  peer->route = route;
  GST_OBJECT_LOCK (server);
  server->counters.accepted++;
  GST_OBJECT_UNLOCK (server);
  return TRUE;
}

/* No route serves it, but the application wants it: its publish waits
 * (no NetStream.Publish.Start, so no media is sent yet) until a route
 * claims it, or claim-timeout. */
static void
hold (GstErtmpPeerPriv * peer)
{
  GST_INFO_OBJECT (peer->pub.server, "holding publisher %s for the "
      "application", peer->pub.address);
  peer->pub.state = GST_ERTMP_PEER_HELD;
  peer->held_at = g_get_monotonic_time ();
}

void
gst_ertmp_server_claim_held (GstErtmpServer * server, GstErtmpRoute * route)
{
  GList *l, *next;
  gboolean known;
  gchar *key;

  for (l = server->peers.head; l != NULL && route->publisher == NULL;
      l = next) {
    GstErtmpPeerPriv *peer = l->data;

    next = l->next;
    if (peer->pub.state != GST_ERTMP_PEER_HELD)
      continue;
    key = key_of (peer->pub.name);
    if (gst_ertmp_server_find_route (server, peer->pub.app, key,
            &known) == route)
      hand_to_route (peer, route);
    g_free (key);
  }
}

/* The route that hears of a refused key: the one serving @app (any route
 * when NULL) if it is the only one, else none (the server's owner). */
static GstErtmpRoute *
only_route (GstErtmpServer * server, const gchar * app)
{
  GstErtmpRoute *found = NULL;
  guint i;

  for (i = 0; i < server->route_list->len; i++) {
    GstErtmpRoute *route = g_ptr_array_index (server->route_list, i);

    if (app != NULL && route->app != NULL && strcmp (route->app, app) != 0)
      continue;
    if (found != NULL)
      return NULL;
    found = route;
  }
  return found;
}

static void
on_publish_request (GstErtmpPeerPriv * peer, const ertmp_session_event * ev)
{
  GstErtmpServer *server = peer->pub.server;
  GstErtmpRoute *route;
  gboolean app_known;
  gchar *key;

  if (peer->pub.state != GST_ERTMP_PEER_RTMP) {
    GST_DEBUG_OBJECT (server, "%s: ignored a second publish",
        peer->pub.address);
    return;
  }
  peer->pub.msid = ev->msid;
  g_free (peer->pub.name);
  peer->pub.name = g_strdup (ev->publish.name);
  key = key_of (peer->pub.name);
  route = gst_ertmp_server_find_route (server, peer->pub.app, key,
      &app_known);
  if (route != NULL)
    hand_to_route (peer, route);
  else if (!server->draining && gst_ertmp_server_emit_unknown (server,
          &peer->pub, key))
    hold (peer);
  else if (app_known)
    refuse (peer, only_route (server, peer->pub.app),
        GST_ERTMP_REFUSED_BAD_KEY, "wrong stream key");
  else
    refuse (peer, only_route (server, NULL), GST_ERTMP_REFUSED_BAD_APP,
        "this application is not served here");
  g_free (key);
}

/* A play from a connection that publishes (or is held, or plays) is
 * ignored: refusing it would close that connection. */
static void
on_play_request (GstErtmpPeerPriv * peer, const ertmp_session_event * ev)
{
  if (peer->pub.state != GST_ERTMP_PEER_RTMP) {
    GST_DEBUG_OBJECT (peer->pub.server, "%s: ignored a play",
        peer->pub.address);
    return;
  }
  gst_ertmp_server_route_play (peer, ev);
}

/* The player stopped its stream (closeStream, deleteStream, or a new
 * play on the same connection, which follows): the connection may play
 * again within handshake-timeout, as a new one would. */
static void
on_play_ended (GstErtmpPeerPriv * peer)
{
  gst_ertmp_server_player_left (peer, "stopped");
  if (peer->local_reason != NULL || gst_ertmp_conn_is_closed (peer->pub.conn))
    return;                     /* its route had to drop it */
  peer->pub.state = GST_ERTMP_PEER_RTMP;
  peer->pub.accepted_at = g_get_monotonic_time ();
}

static void
on_media (GstErtmpPeerPriv * peer, guint8 type, gint64 ms, GBytes * payload)
{
  peer->pub.last_media_at = g_get_monotonic_time ();
  if (peer->pub.first_media_at == 0)
    peer->pub.first_media_at = peer->pub.last_media_at;
  peer->route->funcs->media (peer->route->route, &peer->pub, type, ms,
      payload);
}

/* The publisher ended its stream: it keeps its connection for the rest
 * of its teardown (until it closes, or TEARDOWN_LINGER_MS). */
static void
on_unpublished (GstErtmpPeerPriv * peer)
{
  peer->ended_route = peer->route;
  gst_ertmp_server_end_publisher (peer, "unpublished", NULL);
  peer->pub.state = GST_ERTMP_PEER_DONE;
  gst_ertmp_conn_set_reading (peer->pub.conn, TRUE);
  peer->linger_until = g_get_monotonic_time () +
      GST_ERTMP_TEARDOWN_LINGER_MS * (gint64) 1000;
}

static void
on_connected (GstErtmpPeerPriv * peer, const ertmp_session_event * ev)
{
  GstErtmpPeer *pub = &peer->pub;

  g_free (pub->app);
  g_free (pub->tc_url);
  g_free (pub->app_safe);
  g_free (pub->tc_url_safe);
  g_free (pub->flash_ver);
  pub->app = g_strdup (ev->connected.app);
  pub->tc_url = g_strdup (ev->connected.tc_url);
  pub->app_safe = redact_app (pub->app);
  pub->tc_url_safe = gst_ertmp_redact_url (pub->tc_url ? pub->tc_url : "");
  pub->flash_ver = g_strdup (ev->connected.flash_ver);
  ertmp_caps_clear (&pub->caps);
  ertmp_caps_copy (&pub->caps, ev->connected.caps);
  GST_DEBUG_OBJECT (pub->server, "%s connected: app \"%s\", tcUrl %s, %s",
      pub->address, pub->app_safe, pub->tc_url_safe, pub->flash_ver);
}

static void
on_event (GstErtmpConn * conn, const ertmp_session_event * ev,
    gpointer user_data)
{
  GstErtmpPeerPriv *peer = user_data;
  gboolean mine = peer->pub.state == GST_ERTMP_PEER_PUBLISHING
      && ev->msid == peer->pub.msid;

  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      on_connected (peer, ev);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_REQUEST:
      on_publish_request (peer, ev);
      break;
    case ERTMP_SESSION_EVENT_PLAY_REQUEST:
      on_play_request (peer, ev);
      break;
    case ERTMP_SESSION_EVENT_MEDIA:
      if (mine)
        on_media (peer, ev->media.type_id, ev->media.timestamp,
            ev->media.payload);
      break;
    case ERTMP_SESSION_EVENT_DATA:
      if (mine)
        on_media (peer, ev->data.type_id == ERTMP_MSG_DATA_AMF3 ?
            ERTMP_FLV_TAG_SCRIPT_AMF3 : ERTMP_FLV_TAG_SCRIPT,
            ev->data.timestamp, ev->data.payload);
      break;
    case ERTMP_SESSION_EVENT_END_OF_STREAM:
      if (mine)
        on_unpublished (peer);
      break;
    case ERTMP_SESSION_EVENT_PLAY_ENDED:
      if (peer->pub.state == GST_ERTMP_PEER_PLAYING
          && ev->msid == peer->pub.msid)
        on_play_ended (peer);
      break;
    case ERTMP_SESSION_EVENT_WARNING:
      GST_WARNING_OBJECT (peer->pub.server, "%s: %s", peer->pub.address,
          ev->warning.message);
      break;
    default:
      GST_LOG_OBJECT (peer->pub.server, "%s: event %d", peer->pub.address,
          ev->type);
      break;
  }
}

/* A publisher's connection ended: what the route is told. */
static void
publisher_closed (GstErtmpPeerPriv * peer, GstErtmpConnClosed reason,
    const GError * error)
{
  const gchar *local = peer->local_reason;
  guint idle = peer->route->idle_timeout;
  guint first = peer->route->first_media_timeout;

  if (reason == GST_ERTMP_CONN_CLOSED_PROTOCOL)
    gst_ertmp_server_end_publisher (peer, "protocol-error",
        g_error_new (GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
            "publisher %s broke the protocol: %s", peer->pub.address,
            error->message));
  else if (reason == GST_ERTMP_CONN_CLOSED_LOCAL && local != NULL
      && strcmp (local, "kicked") == 0)
    gst_ertmp_server_end_publisher (peer, "kicked", NULL);
  else if (reason == GST_ERTMP_CONN_CLOSED_LOCAL && local != NULL
      && strcmp (local, "first-media-timeout") == 0)
    gst_ertmp_server_end_publisher (peer, local,
        g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
            "publisher %s sent no media within %u s of its publish "
            "(first-media-timeout)", peer->pub.address, first));
  else if (reason == GST_ERTMP_CONN_CLOSED_LOCAL)
    gst_ertmp_server_end_publisher (peer, "idle-timeout",
        g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
            "publisher %s sent no media for %u s (idle-timeout)",
            peer->pub.address, idle));
  else
    gst_ertmp_server_end_publisher (peer, "disconnected",
        g_error_new (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
            "publisher %s dropped the connection without ending the "
            "stream%s%s", peer->pub.address, error ? ": " : "",
            error ? error->message : ""));
}

static void
on_closed (GstErtmpConn * conn, GstErtmpConnClosed reason,
    const GError * error, gpointer user_data)
{
  GstErtmpPeerPriv *peer = user_data;
  GstErtmpServer *server = peer->pub.server;
  ertmp_limit_id limit = ERTMP_LIMIT_NONE;

  if (reason == GST_ERTMP_CONN_CLOSED_PROTOCOL)
    GST_INFO_OBJECT (server, "dropped %s: it broke the protocol: %s",
        peer->pub.address, error->message);
  if (peer->pub.state == GST_ERTMP_PEER_PUBLISHING && peer->route != NULL) {
    publisher_closed (peer, reason, error);
  } else if (peer->pub.state == GST_ERTMP_PEER_PLAYING) {
    gst_ertmp_server_player_left (peer, reason ==
        GST_ERTMP_CONN_CLOSED_PROTOCOL ? "protocol-error" : "disconnected");
  } else if (!peer->reported && reason == GST_ERTMP_CONN_CLOSED_PROTOCOL) {
    ertmp_session_get_error (gst_ertmp_conn_get_session (conn), &limit,
        NULL);
    gst_ertmp_server_report_refused (server, NULL, limit != ERTMP_LIMIT_NONE
        && peer->pub.state == GST_ERTMP_PEER_RTMP ?
        GST_ERTMP_REFUSED_PENDING_LIMIT : GST_ERTMP_REFUSED_PROTOCOL_ERROR,
        peer->pub.address, error->message);
  }
  if (peer->ended_route != NULL)
    peer->ended_route->funcs->gone (peer->ended_route->route, &peer->pub);
  gst_ertmp_server_peer_remove (peer);
}

/* a player's socket has room again */
static void
on_drained (GstErtmpConn * conn, gpointer user_data)
{
  GstErtmpPeerPriv *peer = user_data;

  if (peer->pub.state == GST_ERTMP_PEER_PLAYING && peer->play_route != NULL)
    peer->play_route->funcs->writable (peer->play_route->route, &peer->pub);
}

static const GstErtmpConnFuncs conn_funcs = { on_event, on_closed,
  on_drained
};

void
gst_ertmp_server_start_rtmp (GstErtmpPeerPriv * peer)
{
  GstErtmpServer *server = peer->pub.server;
  ertmp_session_config cfg;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.chunk_size = server->cfg.chunk_size;
  cfg.caps = &server->server_caps;
  /* small until a publish is accepted (raise_limits) */
  cfg.limits.max_message_size = GST_ERTMP_PENDING_MESSAGE_MAX;
  cfg.limits.max_reassembly_bytes = GST_ERTMP_PENDING_REASSEMBLY_MAX;
  cfg.limits.max_output_bytes = GST_ERTMP_PENDING_OUTPUT_MAX;
  /* acknowledge only publishers that ask: an unasked ack reaching FFmpeg
   * after its last read resets its close() and loses its last tags */
  cfg.default_window_in = 0;
  cfg.handshake_time = (guint32) (g_get_monotonic_time () / 1000);
  cfg.handshake_seed = g_random_int ();
  peer->pub.state = GST_ERTMP_PEER_RTMP;
  peer->pub.conn = gst_ertmp_conn_new_polled (peer->stream,
      ertmp_session_new (&cfg), server->context, server->poller, &conn_funcs,
      peer);
}

/* ---- timeouts (the sweep) ---- */

static gboolean
expired (gint64 now, gint64 since, guint seconds)
{
  return seconds > 0 && since > 0 && now - since > seconds * G_USEC_PER_SEC;
}

void
gst_ertmp_server_peer_timeouts (GstErtmpPeerPriv * peer, gint64 now,
    guint handshake_timeout, guint claim_timeout)
{
  GstErtmpPeer *pub = &peer->pub;
  GstErtmpRoute *route = peer->route;

  switch (pub->state) {
    case GST_ERTMP_PEER_DONE:
      if (peer->linger_until != 0 && now > peer->linger_until) {
        GST_INFO_OBJECT (pub->server, "%s still connected %d ms after its "
            "teardown: closing", pub->address, GST_ERTMP_TEARDOWN_LINGER_MS);
        peer->linger_until = 0;
        gst_ertmp_conn_close (pub->conn, GST_ERTMP_LINGER_MS);
      }
      break;
    case GST_ERTMP_PEER_HELD:
      if (expired (now, peer->held_at, claim_timeout))
        refuse (peer, NULL, GST_ERTMP_REFUSED_UNCLAIMED,
            "no stream for this key (not claimed within claim-timeout)");
      break;
    case GST_ERTMP_PEER_PLAYING:
      /* its route decides how long a player may lag */
      break;
    case GST_ERTMP_PEER_PUBLISHING:
      if (route == NULL || gst_ertmp_conn_is_closed (pub->conn))
        break;
      if (pub->first_media_at == 0 && expired (now, pub->publish_at,
              route->first_media_timeout))
        gst_ertmp_server_drop (peer, "first-media-timeout",
            GST_ERTMP_LINGER_MS);
      else if (expired (now, peer->pub.last_media_at, route->idle_timeout))
        gst_ertmp_server_drop (peer, "idle-timeout", GST_ERTMP_LINGER_MS);
      break;
    default:
      if (expired (now, pub->accepted_at, handshake_timeout)) {
        gst_ertmp_server_report_refused (pub->server, NULL,
            GST_ERTMP_REFUSED_TIMEOUT, pub->address,
            "no publish within handshake-timeout");
        peer->reported = TRUE;
        pub->state = GST_ERTMP_PEER_DONE;
        gst_ertmp_server_drop (peer, "timeout", 0);
      }
      break;
  }
}
