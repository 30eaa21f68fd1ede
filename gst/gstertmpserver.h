/* gst-ertmp: one RTMP server per listening address, shared by elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A GstErtmpServer owns one listening socket and every connection made to
 * it; all servers of the process share one I/O thread.  Elements (routes)
 * register the application and stream key they serve; a publisher is
 * handed to the route its app and key name, or held for the application
 * (publisher-unknown) until one claims it.  Admission control (limits per
 * address and in total, eviction of unauthenticated connections, small
 * budgets before a publish is accepted, timeouts, takeover) is the
 * server's, so that no route can be kept from its rightful publisher.
 *
 * Threads (docs/network-elements.md):
 *  - the I/O thread runs every connection and every route function;
 *  - acquire/release and add/remove route come from element threads;
 *    remove_route returns only once no route function runs or will run.
 * This file does not know the elements: it calls routes through
 * GstErtmpRouteFuncs, so that a play-out sink can be a route as well.
 */
#ifndef __GST_ERTMP_SERVER_H__
#define __GST_ERTMP_SERVER_H__

#include <gst/gst.h>
#include <gio/gio.h>
#include "gstertmpconn.h"
#include "ertmp_caps.h"

G_BEGIN_DECLS

#define GST_TYPE_ERTMP_SERVER (gst_ertmp_server_get_type ())
G_DECLARE_FINAL_TYPE (GstErtmpServer, gst_ertmp_server, GST, ERTMP_SERVER,
    GstObject)

#define GST_TYPE_ERTMP_TAKEOVER (gst_ertmp_takeover_get_type ())
GType gst_ertmp_takeover_get_type (void);

/* What a publish for a key that already has a publisher does. */
typedef enum
{
  GST_ERTMP_TAKEOVER_REFUSE,    /* the newcomer is refused (busy) */
  GST_ERTMP_TAKEOVER_REPLACE_IF_SILENT, /* replaces one silent for 2 s */
  GST_ERTMP_TAKEOVER_REPLACE,   /* always replaces the old connection */
} GstErtmpTakeover;

/* How long a publisher must have sent nothing for replace-if-silent */
#define GST_ERTMP_SILENT_MS 2000

/* What creates (or must match) a server: the first element's settings. */
typedef struct
{
  gchar *host;
  gint port;                    /* 0: a new server on an ephemeral port */
  GTlsCertificate *tls;         /* NULL: plain RTMP */
  guint chunk_size;
  guint handshake_timeout;      /* s, 0: none */
  guint max_connections;
  guint max_per_address;
  gboolean proxy_protocol;
} GstErtmpServerConfig;

void gst_ertmp_server_config_clear (GstErtmpServerConfig * cfg);

/* An element's TLS settings as the certificate of its server's config:
 * @cert (reffed) if set, else one loaded from @cert_file (and @key_file,
 * else the same file).  NULL without an error when none is set and the
 * location was not rtmps://; NULL with one when rtmps:// has none, a file
 * does not load, or TLS is not available. */
GTlsCertificate *gst_ertmp_server_load_certificate (GTlsCertificate * cert,
    const gchar * cert_file, const gchar * key_file, gboolean tls_scheme,
    GError ** error);

typedef enum
{
  GST_ERTMP_PEER_PROXY,         /* reading the PROXY protocol header */
  GST_ERTMP_PEER_TLS,           /* TLS handshake */
  GST_ERTMP_PEER_RTMP,          /* handshake, connect, publish request */
  GST_ERTMP_PEER_HELD,          /* accepted for the application, unclaimed */
  GST_ERTMP_PEER_PUBLISHING,    /* handed to its route */
  GST_ERTMP_PEER_PLAYING,       /* a player, handed to its play route */
  GST_ERTMP_PEER_DONE,          /* refused, ended or closing */
} GstErtmpPeerState;

/* One connection.  Read-only for routes, from the I/O thread. */
typedef struct _GstErtmpPeer GstErtmpPeer;
struct _GstErtmpPeer
{
  GstErtmpServer *server;
  GstErtmpConn *conn;           /* NULL before the RTMP handshake starts */
  GstErtmpPeerState state;
  gchar *address;               /* "ip:port", the client's (PROXY) */
  gchar *app, *tc_url, *flash_ver, *name;       /* name with its ?query */
  gchar *app_safe, *tc_url_safe;        /* ?query redacted */
  ertmp_caps caps;
  guint32 msid;                 /* its publishing or playing stream */
  gpointer player;              /* PLAYING: the play route's, its own */
  /* monotonic us */
  gint64 accepted_at, publish_at, first_media_at, last_media_at;
};

/* A route's functions, all called from the I/O thread. */
typedef struct
{
  /* @peer asks to publish on this route (app and key matched, takeover
   * settled): TRUE to take it (the route then owns its media until
   * ended), FALSE with a reason and a description to refuse it. */
  gboolean (*publish) (gpointer route, GstErtmpPeer * peer,
      const gchar ** reason, const gchar ** description);
  /* one media (8, 9) or script (18, 15) message of the route's publisher */
  void (*media) (gpointer route, GstErtmpPeer * peer, guint8 tag_type,
      gint64 ms, GBytes * payload);
  /* the publisher is gone (@reason: unpublished, disconnected, kicked,
   * protocol-error, first-media-timeout, idle-timeout, taken-over);
   * @error (transfer full) is NULL for a clean end.  After it, @peer is
   * no longer the route's. */
  void (*ended) (gpointer route, GstErtmpPeer * peer, const gchar * reason,
      GError * error);
  /* the connection of a publisher that ended with "unpublished" is over
   * (it closed, or we did after its teardown) */
  void (*gone) (gpointer route, GstErtmpPeer * peer);
  /* a refusal or drop this route should report (rtmp-ingest-refused) */
  void (*refused) (gpointer route, const gchar * reason,
      const gchar * address, const gchar * detail);
  /* a publisher replaced the route's publisher */
  void (*takeover) (gpointer route, const gchar * old_address,
      const gchar * new_address);
} GstErtmpRouteFuncs;

/* A play route's functions (a play-out element), all called from the I/O
 * thread. */
typedef struct
{
  /* @peer asks to play this route's stream (app and name matched, the
   * name's ?query in @query or NULL): TRUE to take it (then the server
   * answers the play and calls writable), FALSE with a reason and a
   * description to refuse it (NetStream.Play.Failed). */
  gboolean (*play) (gpointer route, GstErtmpPeer * peer,
      const gchar * query, const gchar ** reason,
      const gchar ** description);
  /* @peer's socket has room again (also once right after play): write
   * with gst_ertmp_conn_write_vectors */
  void (*writable) (gpointer route, GstErtmpPeer * peer);
  /* the player is gone (@reason: stopped, disconnected, protocol-error,
   * or the reason given to gst_ertmp_server_drop_player); after it @peer
   * is no longer the route's */
  void (*left) (gpointer route, GstErtmpPeer * peer, const gchar * reason);
  /* every sweep (GST_ERTMP_SWEEP_MS), for timeouts (@now: monotonic us) */
  void (*tick) (gpointer route, gint64 now);
} GstErtmpPlayFuncs;

typedef struct
{
  const gchar *app;             /* NULL: any application */
  const gchar *key;             /* NULL: any key */
  GstErtmpTakeover takeover;
  guint first_media_timeout;    /* s, 0: none */
  guint idle_timeout;           /* s, 0: none */
} GstErtmpRouteConfig;

/* Finds the server of @cfg's address or creates one (binding it).  A
 * server found keeps its own settings: *@mismatch then names the first of
 * @cfg's that differ (NULL when none); TLS on one and not the other is an
 * error.  @owner is where server-level messages go while it is the oldest
 * owner.  From an element's thread. */
GstErtmpServer *gst_ertmp_server_acquire (const GstErtmpServerConfig * cfg,
    GstElement * owner, const gchar ** mismatch, GError ** error);
void gst_ertmp_server_release (GstErtmpServer * server, GstElement * owner);
/* An element's NULL -> READY: acquire() with what goes wrong posted on
 * @element: a refused location (@bad_location, redacted; @expected says
 * what a location looks like), @error (transfer full: building @cfg
 * failed, e.g. a certificate), a server that cannot start (errors), a
 * server found with other settings (a warning).  Clears @cfg.  NULL when
 * an error was posted. */
GstErtmpServer *gst_ertmp_server_join (GstElement * element,
    GstErtmpServerConfig * cfg, const gchar * bad_location,
    const gchar * expected, GError * error);
gint gst_ertmp_server_get_bound_port (GstErtmpServer * server);

/* Serves @cfg's app and key with @funcs on @route; a held publisher of
 * that app and key is handed over at once (from the I/O thread).  FALSE
 * (and @error) when another route serves them. */
gboolean gst_ertmp_server_add_route (GstErtmpServer * server,
    const GstErtmpRouteConfig * cfg, const GstErtmpRouteFuncs * funcs,
    gpointer route, GError ** error);
/* Its publisher, if any, is closed (reason "route-removed", not
 * reported).  Returns when no route function runs. */
void gst_ertmp_server_remove_route (GstErtmpServer * server, gpointer route);

/* Serves plays of @app and @name (exact, without ?query) with @funcs on
 * @route.  FALSE (and @error) when another play route serves them. */
gboolean gst_ertmp_server_add_play_route (GstErtmpServer * server,
    const gchar * app, const gchar * name, const GstErtmpPlayFuncs * funcs,
    gpointer route, GError ** error);
/* Its players leave (reason "stopped") and are closed.  Returns when no
 * route function runs. */
void gst_ertmp_server_remove_play_route (GstErtmpServer * server,
    gpointer route);
/* I/O thread: @peer is no longer a player (left is not called): closed
 * after @linger_ms (as gst_ertmp_conn_close) for @reason. */
void gst_ertmp_server_drop_player (GstErtmpPeer * peer, const gchar * reason,
    guint linger_ms);
/* Runs @func (@data) on the I/O thread and waits for it (at once when
 * called from there). */
void gst_ertmp_server_run (GstErtmpServer * server, GSourceFunc func,
    gpointer data);
/* Runs @func (@data) on the I/O thread without waiting for it; @notify
 * frees @data after (also when the server stopped: then @func does not
 * run). */
void gst_ertmp_server_invoke (GstErtmpServer * server, GSourceFunc func,
    gpointer data, GDestroyNotify notify);

/* Calls on a route's publisher, from any thread: FALSE when it has none. */
gboolean gst_ertmp_server_request_reconnect (GstErtmpServer * server,
    gpointer route, const gchar * tc_url, const gchar * description);
gboolean gst_ertmp_server_kick (GstErtmpServer * server, gpointer route);
/* Does not wait for the I/O thread. */
void gst_ertmp_server_set_reading (GstErtmpServer * server, gpointer route,
    gboolean reading);

/* I/O thread, from a route function: stops or resumes reading @peer. */
void gst_ertmp_peer_set_reading (GstErtmpPeer * peer, gboolean reading);
/* I/O thread: runs @func (@data, NULL) once the sockets ready at the same
 * time were all served (at once when none is being served), so that a
 * route hands its tags over in one batch. */
void gst_ertmp_server_defer (GstErtmpServer * server, GFunc func,
    gpointer data);

G_END_DECLS

#endif /* __GST_ERTMP_SERVER_H__ */
