/* gst-ertmp: rtmppushsink's I/O-thread client (private to the element)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The client's files, all on the I/O thread unless said:
 *  - gstrtmppushclient.c: the thread, the calls into it and the pump from
 *    the queue into the publishing session;
 *  - gstrtmppushconn.c: a connection's life: TCP (+TLS), the RTMP start,
 *    the timeout, retiring and freeing it;
 *  - gstrtmppushevents.c: its session events: refusals, authentication,
 *    Reconnect Requests, failures and reconnection;
 *  - gstrtmppushstats.c: the stats and the pings behind the RTT.
 */
#ifndef __GST_RTMP_PUSH_CLIENT_PRIV_H__
#define __GST_RTMP_PUSH_CLIENT_PRIV_H__

#include "gstrtmppushsink.h"
#include "gstertmpconn.h"

G_BEGIN_DECLS

/* ms for the server to read our last words after the stop commands */
#define LINGER_MS 5000

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

/* gstrtmppushclient.c */
/* Posts an element message of @s (transfer full). */
void gst_rtmp_push_client_post (GstRtmpPushSink * sink, GstStructure * s);
/* Moves queued tags into the current connection's session while the
 * socket keeps up (switching to sink->next at a key frame). */
void gst_rtmp_push_client_pump (GstRtmpPushSink * sink);

/* gstrtmppushconn.c */
/* Opens a connection to @tc_url (rtmp[s]://host[:port]/app[/instance]);
 * it is in sink->conns until gst_rtmp_push_conn_forget(). */
GstRtmpPushConn *gst_rtmp_push_conn_open (GstRtmpPushSink * sink,
    const gchar * tc_url);
/* Starts RTMP on @c's connected stream once the stream's codecs are known
 * (nothing before, or when it started already). */
void gst_rtmp_push_conn_start_rtmp (GstRtmpPushConn * c);
/* Takes @c out of service; it is freed when its I/O ends (or at stop). */
void gst_rtmp_push_conn_retire (GstRtmpPushConn * c);
/* Removes @c from sink->conns and frees it. */
void gst_rtmp_push_conn_forget (GstRtmpPushConn * c);

/* gstrtmppushevents.c */
/* what a connection's GstErtmpConn calls back (data: the connection) */
extern const GstErtmpConnFuncs gst_rtmp_push_conn_funcs;
/* @c ended before publishing or could not be made (@what, else @error,
 * says why): the error, a warning for a Reconnect Request target, or a
 * reconnection once the stream published. */
void gst_rtmp_push_conn_failed (GstRtmpPushConn * c, const gchar * what,
    const GError * error);

/* gstrtmppushstats.c */
/* the session stats of @c into sink->last_stats */
void gst_rtmp_push_stats_refresh (GstRtmpPushSink * sink,
    GstRtmpPushConn * c);
/* the 1 s stats timer (data: the sink): pings, then refreshes */
gboolean gst_rtmp_push_stats_on_timer (gpointer data);

G_END_DECLS

#endif /* __GST_RTMP_PUSH_CLIENT_PRIV_H__ */
