/* gst-ertmp: the shared server's routes and the calls on them
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A route is what serves an application and a key (an element); it is
 * found by a keyed hash, added and removed from element threads through
 * calls that wait for the I/O thread, which owns every route.  The calls
 * on a route's publisher (kick, reconnect, resume reading) and the drain
 * go the same way.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstertmpserverpriv.h"

GST_DEBUG_CATEGORY_EXTERN (gst_ertmp_server_debug);
#define GST_CAT_DEFAULT gst_ertmp_server_debug

/* ---- routes ---- */

/* A keyed hash of (app, key): routes are found in one hash lookup whose
 * time does not depend on which keys exist, and a key never sits in the
 * table in clear. */
gchar *
gst_ertmp_server_digest (GstErtmpServer * server, const gchar * app,
    const gchar * key)
{
  GHmac *hmac = g_hmac_new (G_CHECKSUM_SHA256, server->route_secret,
      sizeof (server->route_secret));
  gchar *digest;

  g_hmac_update (hmac, (const guchar *) (app ? "a" : "*"), 1);
  if (app)
    g_hmac_update (hmac, (const guchar *) app, strlen (app) + 1);
  g_hmac_update (hmac, (const guchar *) (key ? "k" : "*"), 1);
  if (key)
    g_hmac_update (hmac, (const guchar *) key, strlen (key) + 1);
  digest = g_strdup (g_hmac_get_string (hmac));
  g_hmac_unref (hmac);
  return digest;
}

/* The route for @app and @key: the exact one first, then one that takes
 * any key of @app, then one for any application. */
GstErtmpRoute *
gst_ertmp_server_find_route (GstErtmpServer * server, const gchar * app,
    const gchar * key, gboolean * app_known)
{
  const gchar *apps[] = { app, app, NULL, NULL };
  const gchar *keys[] = { key, NULL, key, NULL };
  GstErtmpRoute *route = NULL;
  gchar *digest;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (apps) && route == NULL; i++) {
    digest = gst_ertmp_server_digest (server, apps[i], keys[i]);
    route = g_hash_table_lookup (server->routes, digest);
    g_free (digest);
  }
  digest = gst_ertmp_server_digest (server, app, NULL);
  *app_known = route != NULL || g_hash_table_contains (server->apps, digest)
      || g_hash_table_contains (server->apps, "*");
  g_free (digest);
  return route;
}

void
gst_ertmp_server_count_app (GHashTable * apps, const gchar * app_digest,
    gint delta)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (apps, app_digest));

  if (delta < 0 && n <= 1)
    g_hash_table_remove (apps, app_digest);
  else
    g_hash_table_insert (apps, g_strdup (app_digest),
        GUINT_TO_POINTER (delta < 0 ? n - 1 : n + 1));
}

typedef struct
{
  GstErtmpServer *server;
  GstErtmpRoute *route;
  gpointer target;
  gboolean ok;
} RouteCall;

static gboolean
do_add_route (gpointer data)
{
  RouteCall *call = data;
  GstErtmpServer *server = call->server;
  GstErtmpRoute *route = call->route;

  if (g_hash_table_contains (server->routes, route->digest))
    return G_SOURCE_REMOVE;
  g_hash_table_insert (server->routes, route->digest, route);
  gst_ertmp_server_count_app (server->apps, route->app_digest, +1);
  g_ptr_array_add (server->route_list, route);
  call->ok = TRUE;
  gst_ertmp_server_claim_held (server, route);
  return G_SOURCE_REMOVE;
}

gboolean
gst_ertmp_server_add_route (GstErtmpServer * server,
    const GstErtmpRouteConfig * cfg, const GstErtmpRouteFuncs * funcs,
    gpointer target, GError ** error)
{
  GstErtmpRoute *route = g_new0 (GstErtmpRoute, 1);
  RouteCall call = { server, route, target, FALSE };

  route->route = target;
  route->funcs = funcs;
  route->app = g_strdup (cfg->app);
  route->digest = gst_ertmp_server_digest (server, cfg->app, cfg->key);
  route->app_digest = cfg->app ? gst_ertmp_server_digest (server, cfg->app,
      NULL) : g_strdup ("*");
  route->takeover = cfg->takeover;
  route->first_media_timeout = cfg->first_media_timeout;
  route->idle_timeout = cfg->idle_timeout;
  gst_ertmp_server_run (server, do_add_route, &call);
  if (!call.ok) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
        "another element on port %d already serves application \"%s\" "
        "with %s", server->bound_port, cfg->app ? cfg->app : "(any)",
        cfg->key ? "this stream key" : "any stream key");
    g_free (route->app);
    g_free (route->digest);
    g_free (route->app_digest);
    g_free (route);
  }
  return call.ok;
}

static GstErtmpRoute *
route_of (GstErtmpServer * server, gpointer target)
{
  guint i;

  for (i = 0; i < server->route_list->len; i++) {
    GstErtmpRoute *route = g_ptr_array_index (server->route_list, i);
    if (route->route == target)
      return route;
  }
  return NULL;
}

static gboolean
do_remove_route (gpointer data)
{
  RouteCall *call = data;
  GstErtmpServer *server = call->server;
  GstErtmpRoute *route = route_of (server, call->target);
  GstErtmpPeerPriv *peer;
  GList *l;

  if (route == NULL)
    return G_SOURCE_REMOVE;
  for (l = server->peers.head; l != NULL; l = l->next)
    if (((GstErtmpPeerPriv *) l->data)->ended_route == route)
      ((GstErtmpPeerPriv *) l->data)->ended_route = NULL;
  if ((peer = route->publisher) != NULL) {
    route->publisher = NULL;
    peer->route = NULL;
    peer->pub.state = GST_ERTMP_PEER_DONE;
    gst_ertmp_server_drop (peer, "route-removed", 0);
  }
  g_ptr_array_remove_fast (server->route_list, route);
  g_hash_table_remove (server->routes, route->digest);
  gst_ertmp_server_count_app (server->apps, route->app_digest, -1);
  g_free (route->app);
  g_free (route->digest);
  g_free (route->app_digest);
  g_free (route);
  return G_SOURCE_REMOVE;
}

void
gst_ertmp_server_remove_route (GstErtmpServer * server, gpointer target)
{
  RouteCall call = { server, NULL, target, FALSE };

  gst_ertmp_server_run (server, do_remove_route, &call);
}

typedef struct
{
  GstErtmpServer *server;
  gpointer target;
  enum
  { CALL_KICK, CALL_RECONNECT, CALL_READING } what;
  guint told;                   /* drain: publishers told */
  gboolean reading;
  const gchar *tc_url, *description;
  gboolean ok;
} PublisherCall;

static gboolean
do_publisher_call (gpointer data)
{
  PublisherCall *call = data;
  GstErtmpRoute *route = route_of (call->server, call->target);
  GstErtmpPeerPriv *peer = route ? route->publisher : NULL;

  if (peer == NULL)
    return G_SOURCE_REMOVE;
  call->ok = TRUE;
  if (call->what == CALL_KICK) {
    gst_ertmp_server_drop (peer, "kicked", GST_ERTMP_LINGER_MS);
  } else if (call->what == CALL_RECONNECT) {
    call->ok = ertmp_session_request_reconnect (gst_ertmp_conn_get_session
        (peer->pub.conn), call->tc_url, call->description) == ERTMP_OK;
    gst_ertmp_conn_flush (peer->pub.conn);
  } else {
    gst_ertmp_peer_set_reading (&peer->pub, call->reading);
  }
  return G_SOURCE_REMOVE;
}

gboolean
gst_ertmp_server_kick (GstErtmpServer * server, gpointer target)
{
  PublisherCall call = {.server = server,.target = target,.what = CALL_KICK };

  gst_ertmp_server_run (server, do_publisher_call, &call);
  return call.ok;
}

gboolean
gst_ertmp_server_request_reconnect (GstErtmpServer * server, gpointer target,
    const gchar * tc_url, const gchar * description)
{
  PublisherCall call = {.server = server,.target = target,.what = CALL_RECONNECT };

  call.tc_url = tc_url;
  call.description = description;
  gst_ertmp_server_run (server, do_publisher_call, &call);
  return call.ok;
}

static void
free_publisher_call (gpointer data)
{
  PublisherCall *call = data;

  gst_object_unref (call->server);
  g_free (call);
}

/* Does not wait: a streaming worker that resumes reading must never wait
 * for the I/O thread (which may be waiting for it, stopping an element).
 * A route gone by then makes it a no-op. */
void
gst_ertmp_server_set_reading (GstErtmpServer * server, gpointer target,
    gboolean reading)
{
  PublisherCall *call;

  if (server->context == NULL)
    return;
  call = g_new0 (PublisherCall, 1);
  call->server = gst_object_ref (server);
  call->target = target;
  call->what = CALL_READING;
  call->reading = reading;
  if (g_main_context_is_owner (server->context)) {
    do_publisher_call (call);
    free_publisher_call (call);
    return;
  }
  g_main_context_invoke_full (server->context, G_PRIORITY_HIGH,
      do_publisher_call, call, free_publisher_call);
}

void
gst_ertmp_server_defer (GstErtmpServer * server, GFunc func, gpointer data)
{
  gst_ertmp_poller_defer (server->poller, func, data);
}

/* ---- drain ---- */

static gboolean
do_drain (gpointer data)
{
  PublisherCall *call = data;
  GstErtmpServer *server = call->server;
  GList *l;
  guint told = 0;

  server->draining = TRUE;
  gst_ertmp_server_unlisten (server);
  for (l = server->peers.head; l != NULL; l = l->next) {
    GstErtmpPeerPriv *peer = l->data;

    if (peer->pub.state != GST_ERTMP_PEER_PUBLISHING
        && peer->pub.state != GST_ERTMP_PEER_HELD)
      continue;
    if (ertmp_session_request_reconnect (gst_ertmp_conn_get_session
            (peer->pub.conn), call->tc_url, call->description) == ERTMP_OK) {
      gst_ertmp_conn_flush (peer->pub.conn);
      told++;
    }
  }
  call->told = told;
  return G_SOURCE_REMOVE;
}

guint
gst_ertmp_server_drain (GstErtmpServer * server, const gchar * tc_url,
    const gchar * description)
{
  PublisherCall call = {.server = server };

  call.tc_url = tc_url && *tc_url ? tc_url : NULL;
  call.description = description ? description : "server draining";
  gst_ertmp_server_run (server, do_drain, &call);
  GST_INFO_OBJECT (server, "draining: %u publishers told to reconnect",
      call.told);
  gst_ertmp_server_post (server, gst_structure_new ("rtmp-ingest-drain",
          "publishers", G_TYPE_UINT, call.told, NULL));
  return call.told;
}
