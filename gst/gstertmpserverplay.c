/* gst-ertmp: the shared server's players
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A play route (a play-out element) serves one application and stream
 * name.  A connection's play is routed by a keyed hash of both, as a
 * publish is (the name is compared without its ?query, in one lookup
 * whose time does not depend on which names exist).  A play no route
 * serves is refused at once (NetStream.Play.StreamNotFound) rather than
 * left waiting.  Once the route takes a player, the server answers the
 * play; from then on the route writes the stream itself
 * (gst_ertmp_conn_write_vectors) and hears when the socket has room.
 * Players keep the small budgets of a connection that was not accepted
 * as a publisher: they send commands only.
 *
 * I/O thread only, except add and remove, which wait for it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstertmpserverpriv.h"

GST_DEBUG_CATEGORY_EXTERN (gst_ertmp_server_debug);
#define GST_CAT_DEFAULT gst_ertmp_server_debug

/* ---- routing ---- */

static void
refuse_play (GstErtmpPeerPriv * peer, guint32 msid,
    ertmp_session_play_reject reason, const gchar * description)
{
  gst_ertmp_server_report_refused (peer->pub.server, NULL,
      GST_ERTMP_REFUSED_PLAY, peer->pub.address, description);
  peer->reported = TRUE;
  peer->pub.state = GST_ERTMP_PEER_DONE;
  ertmp_session_reject_play (gst_ertmp_conn_get_session (peer->pub.conn),
      msid, reason, description);
  gst_ertmp_conn_close (peer->pub.conn, GST_ERTMP_LINGER_MS);
}

void
gst_ertmp_server_route_play (GstErtmpPeerPriv * peer,
    const ertmp_session_event * ev)
{
  GstErtmpServer *server = peer->pub.server;
  GstErtmpPlayRoute *route;
  const gchar *query = strchr (ev->play.name, '?');
  const gchar *reason = NULL, *description = NULL;
  gchar *name, *digest;

  name = query ? g_strndup (ev->play.name, query - ev->play.name) :
      g_strdup (ev->play.name);
  digest = gst_ertmp_server_digest (server, peer->pub.app, name);
  route = g_hash_table_lookup (server->play_routes, digest);
  g_free (digest);
  g_free (name);
  if (route == NULL) {
    /* the name is not repeated: it may hold a key */
    refuse_play (peer, ev->msid, ERTMP_SESSION_PLAY_NOT_FOUND,
        g_hash_table_size (server->play_routes) == 0 ?
        "nothing is played here: this server only takes publishers" :
        "no stream of this name is played here");
    return;
  }
  peer->pub.msid = ev->msid;
  g_free (peer->pub.name);
  peer->pub.name = g_strdup (ev->play.name);
  if (!route->funcs->play (route->route, &peer->pub, query ? query + 1 :
          NULL, &reason, &description)) {
    GST_INFO_OBJECT (server, "play from %s refused: %s", peer->pub.address,
        reason ? reason : "refused");
    peer->reported = TRUE;
    peer->pub.state = GST_ERTMP_PEER_DONE;
    ertmp_session_reject_play (gst_ertmp_conn_get_session (peer->pub.conn),
        ev->msid, ERTMP_SESSION_PLAY_FAILED, description);
    gst_ertmp_conn_close (peer->pub.conn, GST_ERTMP_LINGER_MS);
    return;
  }
  peer->pub.state = GST_ERTMP_PEER_PLAYING;
  peer->play_route = route;
  peer->pub.publish_at = g_get_monotonic_time ();
  ertmp_session_accept_play (gst_ertmp_conn_get_session (peer->pub.conn),
      ev->msid);
  gst_ertmp_conn_flush (peer->pub.conn);
  route->funcs->writable (route->route, &peer->pub);
}

void
gst_ertmp_server_player_left (GstErtmpPeerPriv * peer, const gchar * reason)
{
  GstErtmpPlayRoute *route = peer->play_route;

  peer->play_route = NULL;
  peer->pub.state = GST_ERTMP_PEER_DONE;
  if (route == NULL)
    return;
  GST_DEBUG_OBJECT (peer->pub.server, "player %s left: %s",
      peer->pub.address, reason);
  route->funcs->left (route->route, &peer->pub, reason);
  peer->pub.player = NULL;
}

void
gst_ertmp_server_drop_player (GstErtmpPeer * pub, const gchar * reason,
    guint linger_ms)
{
  GstErtmpPeerPriv *peer = (GstErtmpPeerPriv *) pub;

  peer->play_route = NULL;
  peer->pub.player = NULL;
  peer->pub.state = GST_ERTMP_PEER_DONE;
  peer->reported = TRUE;
  gst_ertmp_server_drop (peer, reason, linger_ms);
}

/* ---- adding and removing routes ---- */

typedef struct
{
  GstErtmpServer *server;
  GstErtmpPlayRoute *route;
  gpointer target;
  gboolean ok;
} PlayRouteCall;

static gboolean
do_add_play_route (gpointer data)
{
  PlayRouteCall *call = data;
  GstErtmpServer *server = call->server;
  GstErtmpPlayRoute *route = call->route;

  if (g_hash_table_contains (server->play_routes, route->digest))
    return G_SOURCE_REMOVE;
  g_hash_table_insert (server->play_routes, route->digest, route);
  gst_ertmp_server_count_app (server->play_apps, route->app_digest, +1);
  call->ok = TRUE;
  return G_SOURCE_REMOVE;
}

static void
play_route_free (GstErtmpPlayRoute * route)
{
  g_free (route->digest);
  g_free (route->app_digest);
  g_free (route);
}

gboolean
gst_ertmp_server_add_play_route (GstErtmpServer * server, const gchar * app,
    const gchar * name, const GstErtmpPlayFuncs * funcs, gpointer target,
    GError ** error)
{
  GstErtmpPlayRoute *route = g_new0 (GstErtmpPlayRoute, 1);
  PlayRouteCall call = { server, route, target, FALSE };

  route->route = target;
  route->funcs = funcs;
  route->digest = gst_ertmp_server_digest (server, app, name);
  route->app_digest = gst_ertmp_server_digest (server, app, NULL);
  gst_ertmp_server_run (server, do_add_play_route, &call);
  if (!call.ok) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
        "another element on port %d already plays this stream of "
        "application \"%s\"", server->bound_port, app ? app : "");
    play_route_free (route);
  }
  return call.ok;
}

static GstErtmpPlayRoute *
play_route_of (GstErtmpServer * server, gpointer target)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, server->play_routes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((GstErtmpPlayRoute *) value)->route == target)
      return value;
  return NULL;
}

static gboolean
do_remove_play_route (gpointer data)
{
  PlayRouteCall *call = data;
  GstErtmpServer *server = call->server;
  GstErtmpPlayRoute *route = play_route_of (server, call->target);
  GList *l;

  if (route == NULL)
    return G_SOURCE_REMOVE;
  for (l = server->peers.head; l != NULL; l = l->next) {
    GstErtmpPeerPriv *peer = l->data;

    if (peer->play_route != route)
      continue;
    gst_ertmp_server_player_left (peer, "stopped");
    gst_ertmp_server_drop_player (&peer->pub, "route-removed", 0);
  }
  g_hash_table_remove (server->play_routes, route->digest);
  gst_ertmp_server_count_app (server->play_apps, route->app_digest, -1);
  play_route_free (route);
  return G_SOURCE_REMOVE;
}

void
gst_ertmp_server_remove_play_route (GstErtmpServer * server, gpointer target)
{
  PlayRouteCall call = { server, NULL, target, FALSE };

  gst_ertmp_server_run (server, do_remove_play_route, &call);
}

void
gst_ertmp_server_tick_play_routes (GstErtmpServer * server, gint64 now)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, server->play_routes);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    GstErtmpPlayRoute *route = value;

    if (route->funcs->tick != NULL)
      route->funcs->tick (route->route, now);
  }
}

/* ---- calls that do not wait ----
 * At the priority of gst_ertmp_server_run, so that a call that waits runs
 * after those posted before it. */

typedef struct
{
  GstErtmpServer *server;
  GSourceFunc func;
  gpointer data;
  GDestroyNotify notify;
} InvokeCall;

static gboolean
do_invoke (gpointer data)
{
  InvokeCall *call = data;

  call->func (call->data);
  return G_SOURCE_REMOVE;
}

static void
free_invoke (gpointer data)
{
  InvokeCall *call = data;

  if (call->notify)
    call->notify (call->data);
  gst_object_unref (call->server);
  g_free (call);
}

void
gst_ertmp_server_invoke (GstErtmpServer * server, GSourceFunc func,
    gpointer data, GDestroyNotify notify)
{
  InvokeCall *call;

  if (server->context == NULL) {
    if (notify)
      notify (data);
    return;
  }
  call = g_new0 (InvokeCall, 1);
  call->server = gst_object_ref (server);
  call->func = func;
  call->data = data;
  call->notify = notify;
  g_main_context_invoke_full (server->context, G_PRIORITY_HIGH,
      do_invoke, call, free_invoke);
}
