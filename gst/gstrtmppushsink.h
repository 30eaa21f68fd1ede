/* gst-ertmp: rtmppushsink, an RTMP/RTMPS publisher
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Three parts:
 *  - gstrtmppushsink.c: the element (GstBaseSink methods, stats);
 *  - gstrtmppushprops.c: the properties;
 *  - gstrtmppushlocation.c: the location (librtmp options), URI handler;
 *  - gstrtmppushauth.c: connect authentication (authmod);
 *  - gstrtmppushqueue.c: the tag queue between render() and the I/O
 *    thread: FLV input cut into tags, the stream headers, trimming while
 *    disconnected, where a resumed stream may start;
 *  - gstrtmppushclient.c: the I/O thread: connections, publishing, the
 *    E-RTMP Reconnect Request switch and automatic reconnection, with
 *    gstrtmppushconn.c, gstrtmppushevents.c and gstrtmppushstats.c
 *    (gstrtmppushclientpriv.h).
 */
#ifndef __GST_RTMP_PUSH_SINK_H__
#define __GST_RTMP_PUSH_SINK_H__

#include <gst/gst.h>
#include <gst/base/gstbasesink.h>
#include <gio/gio.h>
#include "ertmp_flv.h"
#include "ertmp_session.h"

G_BEGIN_DECLS

#define GST_TYPE_RTMP_PUSH_SINK (gst_rtmp_push_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstRtmpPushSink, gst_rtmp_push_sink, GST,
    RTMP_PUSH_SINK, GstBaseSink)

/* what connect advertises (ertmp.md 9) */
typedef enum
{
  GST_RTMP_PUSH_ADVERTISE_AUTO, /* the FourCCs of the stream's Enhanced
                                 * codecs; nothing for a legacy stream */
  GST_RTMP_PUSH_ADVERTISE_NONE, /* legacy connect, byte-identical */
  GST_RTMP_PUSH_ADVERTISE_FOURCC_LIST,  /* fourCcList only (FFmpeg) */
  GST_RTMP_PUSH_ADVERTISE_FULL, /* fourCcList, InfoMaps, capsEx */
} GstRtmpPushAdvertise;

/* authmod: Adobe or Limelight authentication (ertmp_auth.h); rtmp2sink's
 * values (llnw since GStreamer 1.24) */
typedef enum
{
  GST_RTMP_PUSH_AUTHMOD_NONE,
  GST_RTMP_PUSH_AUTHMOD_AUTO,   /* when the server asks for it */
  GST_RTMP_PUSH_AUTHMOD_ADOBE,  /* from the first connect */
  GST_RTMP_PUSH_AUTHMOD_LLNW,   /* Limelight, from the first connect */
} GstRtmpPushAuthmod;

typedef struct _GstRtmpPushConn GstRtmpPushConn;

/* One FLV tag to publish. */
typedef struct
{
  guint8 type;                  /* 8, 9, 15, 18 */
  gint64 ms;                    /* unwrapped */
  GstBuffer *body;              /* the tag body (a sub-buffer) */
  gint header_key;              /* gst_ertmp_tag_classify */
  gboolean keyframe;
  guint8 track;                 /* for the frame counts */
} GstRtmpPushTag;

struct _GstRtmpPushSink
{
  GstBaseSink parent;

  /* properties, under the object lock */
  gboolean tls_scheme;
  gchar *host;
  gint port;
  gchar *application;
  gchar *stream;
  gchar *username, *password;
  guint timeout;                /* s */
  GTlsCertificateFlags tls_validation_flags;
  gchar *flash_version;
  gchar *extra_connect_args;
  gboolean async_connect;
  guint chunk_size;
  guint stop_commands;          /* ERTMP_SESSION_STOP_* */
  gchar *publish_type;
  GstRtmpPushAdvertise advertise;
  gboolean advertise_extensions;
  guint reconnect_attempts;
  GstClockTime reconnect_interval;
  GstClockTime max_queue_time;
  GstRtmpPushAuthmod authmod;
  gchar *secure_token;
  guint peak_kbps;
  gchar *bad_location;          /* why the last location was refused */
  /* from librtmp options in the location (NULL: not given) */
  gchar *tc_url, *page_url, *swf_url;
  gchar *location_conn;         /* conn= arguments, space-separated */
  GstClockTime stable_time;     /* a shorter connection is a failure */
  gboolean allow_tls_downgrade;
  GTlsDatabase *tls_database;

  /* the I/O thread */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  GstRtmpPushConn *conn;        /* the one publishing (or connecting) */
  GstRtmpPushConn *next;        /* Reconnect Request target, if any */
  GSource *retry_source;
  gchar *retry_url;             /* the tcUrl to retry */
  guint attempt;                /* failed reconnections in a row */
  gboolean resume;              /* next conn: headers, then a keyframe */
  gboolean kick_pending;        /* a pump is scheduled (under lock) */
  ertmp_caps local_caps;
  GPtrArray *connect_args;      /* ertmp_amf_value *: extra-connect-args */
  GList *conns;                 /* every GstRtmpPushConn not yet freed */
  gboolean finishing;           /* EOS: the stop commands are out */
  gboolean stopping;            /* stop() is tearing down */
  gint64 last_sent_ms;
  GSource *stats_source;
  ertmp_caps server_caps;
  gchar *server_version;
  GstClockTime rtt;
  gint64 stats_at;
  guint64 stats_bytes;
  guint64 bitrate;
  gint64 publish_at;
  guint64 reconnects;

  /* shared between render() and the I/O thread */
  GMutex lock;
  GCond cond;
  GQueue queue;                 /* GstRtmpPushTag, oldest first */
  gsize queue_bytes;
  GArray *headers;              /* GstRtmpPushTag copies, by key */
  gboolean has_video;
  gboolean flushing;
  gboolean connecting;          /* the first connection is under way */
  gboolean publishing;          /* a connection publishes */
  gboolean failed;              /* an error was posted */
  gboolean closed;              /* EOS: stop commands sent, FIN done */
  guint64 tags_sent[2][256];    /* [audio, video][track] */
  GstStructure *last_stats;     /* the last connection's session stats */

  gboolean codecs_known;        /* a frame was queued: all headers seen */
  gboolean published_once;
  GstClockTime queue_limit;     /* max-queue-time, copied at start */
  GArray *fourccs;              /* guint32: the stream's codecs */
  gboolean enhanced;            /* the stream has E-RTMP tags */

  /* render() only (under the lock too, for simplicity) */
  ertmp_flv_reader *reader;
  gint64 last_ms;
  gboolean have_last_ms;
};

GST_ELEMENT_REGISTER_DECLARE (rtmppushsink);

/* gstrtmppushprops.c: the properties */
void gst_rtmp_push_props_install (GObjectClass * gobject_class);
void gst_rtmp_push_props_init (GstRtmpPushSink * sink);
void gst_rtmp_push_props_clear (GstRtmpPushSink * sink);
void gst_rtmp_push_props_mark_api (void);

/* gstrtmppushlocation.c (object lock held): sets the location's
 * properties, or nothing and @error (GST_URI_ERROR_BAD_URI, the location
 * redacted); the location without options (newly allocated) */
gboolean gst_rtmp_push_location_set (GstRtmpPushSink * sink,
    const gchar * uri, GError ** error);
gchar *gst_rtmp_push_location_get (GstRtmpPushSink * sink);
void gst_rtmp_push_sink_uri_init (gpointer iface, gpointer data);

/* gstrtmppushauth.c (I/O thread) */
typedef enum
{
  GST_RTMP_PUSH_AUTH_NOT_AUTH,  /* not an authentication refusal */
  GST_RTMP_PUSH_AUTH_RETRY,     /* connect again with the query */
  GST_RTMP_PUSH_AUTH_FAILED,    /* give up: the reason says why */
} GstRtmpPushAuthStep;
/* The query of the first connect (authmod=adobe or llnw), or NULL */
gchar *gst_rtmp_push_auth_first_query (GstRtmpPushSink * sink);
/* After a connect to application @app (without query) refused with
 * @description at authentication @step (0: plain, 1: user sent, 2:
 * response sent): RETRY with *@query, or FAILED with *@why (both newly
 * allocated). */
GstRtmpPushAuthStep gst_rtmp_push_auth_next (GstRtmpPushSink * sink,
    const gchar * description, const gchar * app, guint step,
    gchar ** query, gchar ** why);

/* gstrtmppushqueue.c (render thread unless said) */
void gst_rtmp_push_queue_init (GstRtmpPushSink * sink);
void gst_rtmp_push_queue_clear (GstRtmpPushSink * sink);
/* Cuts @buf (any part of an FLV stream) into tags and queues them; waits
 * while the queue is full. */
GstFlowReturn gst_rtmp_push_queue_add (GstRtmpPushSink * sink,
    GstBuffer * buf);
/* Keeps the stream headers of the caps' streamheader @bufs. */
GstFlowReturn gst_rtmp_push_queue_add_headers (GstRtmpPushSink * sink,
    GPtrArray * bufs);
void gst_rtmp_push_tag_free (GstRtmpPushTag * tag);
/* I/O thread, under the lock: drops what may not start a resumed stream;
 * TRUE when the queue's head may go (a key frame, or no video). */
gboolean gst_rtmp_push_queue_at_start (GstRtmpPushSink * sink);
/* I/O thread, under the lock: whether the head is a key frame (a
 * Reconnect Request may switch before it) */
gboolean gst_rtmp_push_queue_head_is_key (GstRtmpPushSink * sink);
/* I/O thread, under the lock: the oldest tag (wakes render()) */
GstRtmpPushTag *gst_rtmp_push_queue_pop (GstRtmpPushSink * sink);

/* gstrtmppushclient.c (get_stats: gstrtmppushstats.c) */
void gst_rtmp_push_client_start (GstRtmpPushSink * sink);
void gst_rtmp_push_client_stop (GstRtmpPushSink * sink);
/* from render(): connect now (async-connect off), or send what is queued */
void gst_rtmp_push_client_connect (GstRtmpPushSink * sink);
void gst_rtmp_push_client_kick (GstRtmpPushSink * sink);
/* from the EOS event: send the stop commands once the queue is out */
void gst_rtmp_push_client_finish (GstRtmpPushSink * sink);
GstStructure *gst_rtmp_push_client_get_stats (GstRtmpPushSink * sink);
/* peak-kbps on @socket (I/O thread); again on the current one (any) */
void gst_rtmp_push_client_pace (GstRtmpPushSink * sink, GSocket * socket);
void gst_rtmp_push_client_repace (GstRtmpPushSink * sink);

G_END_DECLS

#endif /* __GST_RTMP_PUSH_SINK_H__ */
