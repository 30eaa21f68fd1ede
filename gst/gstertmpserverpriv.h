/* gst-ertmp: the shared RTMP server's private parts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Lock discipline:
 *  - the registry lock (gstertmpserver.c) guards the table of servers and
 *    the process's I/O thread; it is never held while calling out;
 *  - the server's object lock guards its owners, claim-timeout and
 *    counters; it is held only to copy or bump them;
 *  - everything else (listener, peers, routes) belongs to the I/O thread:
 *    other threads reach it with gst_ertmp_server_run (a call that waits)
 *    or gst_ertmp_server_post_call (one that does not).
 */
#ifndef __GST_ERTMP_SERVER_PRIV_H__
#define __GST_ERTMP_SERVER_PRIV_H__

#include "gstertmpserver.h"

G_BEGIN_DECLS

/* ms to let a refused or dropped peer read our last words */
#define GST_ERTMP_LINGER_MS 2000
/* ms a publisher that ended its stream keeps its connection for the rest
 * of its teardown before we close it: as nginx-rtmp, we let it close */
#define GST_ERTMP_TEARDOWN_LINGER_MS 5000
/* Before its publish is accepted a connection may hold only this much:
 * one message (connect with an E-RTMP capability list is under 2 KiB),
 * its partial messages in all, and our unsent replies. */
#define GST_ERTMP_PENDING_MESSAGE_MAX (8u * 1024u)
#define GST_ERTMP_PENDING_REASSEMBLY_MAX (16u * 1024u)
#define GST_ERTMP_PENDING_OUTPUT_MAX (64u * 1024u)
/* After: one largest RTMP message (16 MiB) and change */
#define GST_ERTMP_PUBLISHER_REASSEMBLY_MAX (20u * 1024u * 1024u)
/* the sweep: timeouts, lingers and stats, for every peer at once */
#define GST_ERTMP_SWEEP_MS 200

/* Server-level outcomes, counted in stats and reported once each
 * (gst_ertmp_server_report). */
typedef enum
{
  GST_ERTMP_REFUSED_CONNECTION_LIMIT,
  GST_ERTMP_REFUSED_ADDRESS_LIMIT,
  GST_ERTMP_REFUSED_EVICTED,
  GST_ERTMP_REFUSED_BAD_APP,
  GST_ERTMP_REFUSED_BAD_KEY,
  GST_ERTMP_REFUSED_BUSY,
  GST_ERTMP_REFUSED_SIGNAL,
  GST_ERTMP_REFUSED_PROXY_HEADER,
  GST_ERTMP_REFUSED_TIMEOUT,
  GST_ERTMP_REFUSED_PENDING_LIMIT,
  GST_ERTMP_REFUSED_PROTOCOL_ERROR,
  GST_ERTMP_REFUSED_TLS,
  GST_ERTMP_REFUSED_UNCLAIMED,
  GST_ERTMP_REFUSED_PLAY,
  GST_ERTMP_N_REFUSED,
} GstErtmpRefused;

typedef enum
{
  GST_ERTMP_DROPPED_FIRST_MEDIA_TIMEOUT,
  GST_ERTMP_DROPPED_IDLE_TIMEOUT,
  GST_ERTMP_DROPPED_TAKEN_OVER,
  GST_ERTMP_DROPPED_PROTOCOL_ERROR,
  GST_ERTMP_DROPPED_DISCONNECTED,
  GST_ERTMP_DROPPED_KICKED,
  GST_ERTMP_N_DROPPED,
} GstErtmpDropped;

const gchar *gst_ertmp_refused_name (GstErtmpRefused what);
const gchar *gst_ertmp_dropped_name (GstErtmpDropped what);

typedef struct _GstErtmpRoute GstErtmpRoute;

/* A connection: the public part first. */
typedef struct
{
  GstErtmpPeer pub;
  GList link;                   /* in server->peers, oldest first */
  GSocket *socket;
  GIOStream *stream;
  GCancellable *cancellable;    /* the TLS handshake */
  GSource *proxy_source;
  guint8 *proxy_buf;            /* the PROXY header read so far */
  gsize proxy_len;
  gchar *ip;                    /* counted in server->per_address */
  GstErtmpRoute *route;         /* PUBLISHING: the route it feeds */
  GstErtmpRoute *ended_route;   /* unpublished: told when it is gone */
  struct _GstErtmpPlayRoute *play_route;        /* PLAYING: its stream */
  gint64 held_at;               /* HELD: since when (monotonic us) */
  gint64 linger_until;          /* DONE: when we close it (0: not set) */
  const gchar *local_reason;    /* why we closed it (a drop's name) */
  gboolean reported;            /* its end or refusal was reported */
} GstErtmpPeerPriv;


struct _GstErtmpRoute
{
  gpointer route;
  const GstErtmpRouteFuncs *funcs;
  gchar *app;                   /* NULL: any (the key is in digest only) */
  gchar *digest, *app_digest;
  GstErtmpTakeover takeover;
  guint first_media_timeout, idle_timeout;
  GstErtmpPeerPriv *publisher;
};

typedef struct _GstErtmpPlayRoute
{
  gpointer route;
  const GstErtmpPlayFuncs *funcs;
  gchar *digest;
  gchar *app_digest;
} GstErtmpPlayRoute;

typedef struct
{
  guint64 refused[GST_ERTMP_N_REFUSED];
  guint64 dropped[GST_ERTMP_N_DROPPED];
  guint64 accepted, takeovers, connections_total;
} GstErtmpServerCounters;

struct _GstErtmpServer
{
  GstObject parent;

  /* fixed once created */
  GstErtmpServerConfig cfg;
  gchar *registry_key;
  gint bound_port;
  GMainContext *context;        /* the process's I/O context */
  GstErtmpPoller *poller;       /* its epoll set, or NULL */
  ertmp_caps server_caps;
  guint8 route_secret[32];

  /* under the object lock */
  GList *owners;                /* GstElement *, oldest first, not reffed */
  guint claim_timeout;          /* s */
  GstErtmpServerCounters counters;
  GstStructure *gauges;         /* connections by state, bytes: sweep */

  /* I/O thread only */
  GSocket *listener;
  GSource *listen_source, *sweep_source;
  GQueue peers;                 /* GstErtmpPeerPriv, by age */
  GHashTable *per_address;      /* ip -> count (GUINT_TO_POINTER) */
  GHashTable *routes;           /* digest -> GstErtmpRoute */
  GHashTable *apps;             /* app digest -> route count */
  GPtrArray *route_list;        /* every GstErtmpRoute */
  GHashTable *play_routes;      /* digest -> GstErtmpPlayRoute */
  GHashTable *play_apps;        /* app digest -> play route count */
  gboolean draining;
  guint64 bytes_in_closed;      /* bytes of connections gone */
};

/* gstertmpserver.c */
void gst_ertmp_server_count_refused (GstErtmpServer * server,
    GstErtmpRefused what);
void gst_ertmp_server_count_dropped (GstErtmpServer * server,
    GstErtmpDropped what);
/* Posts @s (transfer full) on the oldest owner's bus */
void gst_ertmp_server_post (GstErtmpServer * server, GstStructure * s);
gboolean gst_ertmp_server_emit_unknown (GstErtmpServer * server,
    GstErtmpPeer * peer, const gchar * key);

/* gstertmpserverroute.c */
/* Counts routes per application (@app_digest) in @apps, up or down */
void gst_ertmp_server_count_app (GHashTable * apps, const gchar * app_digest,
    gint delta);
guint gst_ertmp_server_drain (GstErtmpServer * server, const gchar * tc_url,
    const gchar * description);

/* gstertmpserverplay.c: players */
/* A play request on a connection in the RTMP state: routed or refused */
void gst_ertmp_server_route_play (GstErtmpPeerPriv * peer,
    const ertmp_session_event * ev);
/* A player's connection ended or its stream stopped: tells its route */
void gst_ertmp_server_player_left (GstErtmpPeerPriv * peer,
    const gchar * reason);
/* The sweep: each play route's tick */
void gst_ertmp_server_tick_play_routes (GstErtmpServer * server, gint64 now);

/* gstertmpserveraccept.c: listener, admission, PROXY, TLS, sweep */
gboolean gst_ertmp_server_listen (GstErtmpServer * server, GError ** error);
void gst_ertmp_server_unlisten (GstErtmpServer * server);
void gst_ertmp_server_free_peers (GstErtmpServer * server);
/* Closes @peer: gracefully after @linger_ms when it has an RTMP
 * connection, at once otherwise (then it is freed: FALSE) */
gboolean gst_ertmp_server_drop (GstErtmpPeerPriv * peer,
    const gchar * reason, guint linger_ms);
void gst_ertmp_server_peer_remove (GstErtmpPeerPriv * peer);
gboolean gst_ertmp_server_admit (GstErtmpServer * server, const gchar * ip,
    const gchar * address, gboolean total, gboolean per_address);
/* after any PROXY header: TLS if set, then RTMP */
void gst_ertmp_server_start_stream (GstErtmpPeerPriv * peer);
/* the client's address, from a PROXY header */
void gst_ertmp_server_set_peer_address (GstErtmpPeerPriv * peer,
    const gchar * ip, guint port);

/* gstertmpserverproxy.c: reads the PROXY header, then starts the stream */
void gst_ertmp_server_read_proxy (GstErtmpPeerPriv * peer);

/* gstertmpserverpeer.c: the RTMP side of a connection */
void gst_ertmp_server_start_rtmp (GstErtmpPeerPriv * peer);
/* Hands a held publisher of @route's app and key to it, if any */
void gst_ertmp_server_claim_held (GstErtmpServer * server,
    GstErtmpRoute * route);
/* The route's publisher is gone for @what: tells the route */
void gst_ertmp_server_end_publisher (GstErtmpPeerPriv * peer,
    const gchar * reason, GError * error);
void gst_ertmp_server_peer_timeouts (GstErtmpPeerPriv * peer, gint64 now,
    guint handshake_timeout, guint claim_timeout);

/* gstertmpserverreport.c: the one place that says what happened */
/* A refusal: counted, logged, posted to @route (or the server's owner
 * when NULL) as rtmp-ingest-refused */
void gst_ertmp_server_report_refused (GstErtmpServer * server,
    GstErtmpRoute * route, GstErtmpRefused what, const gchar * address,
    const gchar * detail);
GstErtmpRoute *gst_ertmp_server_find_route (GstErtmpServer * server,
    const gchar * app, const gchar * key, gboolean * app_known);
gchar *gst_ertmp_server_digest (GstErtmpServer * server, const gchar * app,
    const gchar * key);

G_END_DECLS

#endif /* __GST_ERTMP_SERVER_PRIV_H__ */
