/* gst-ertmp: rtmpingestsrc, a live RTMP/RTMPS ingest server
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 Its parts:
 *  - gstrtmpingestsrc.c: the element (states, its source pad, joining
 *    the server);
 *  - gstrtmpingeststream.c: the queue between the server's I/O thread and
 *    the streaming workers (gstertmpworkers.h), and the pushing;
 *  - gstrtmpingestprops.c: its properties (location, application, key,
 *    server settings and the GstURIHandler: gstertmpserversettings.h);
 *  - gstrtmpingestpublish.c: the element as a route of the shared server
 *    (gstertmpserver.h): publish checks, media -> queued tags, ends;
 *  - gstrtmpingesttags.c: the streaming side (FLV header, streamheader
 *    caps, timestamps on the running time, DISCONT per publisher);
 *  - gstrtmpingestdoc.c: the reference gst-inspect-1.0 prints.
 */
#ifndef __GST_RTMP_INGEST_SRC_H__
#define __GST_RTMP_INGEST_SRC_H__

#include <gst/gst.h>
#include <gio/gio.h>
#include "ertmp_session.h"
#include "gstertmpserver.h"
#include "gstertmpserversettings.h"
#include "gstertmpworkers.h"

G_BEGIN_DECLS

#define GST_TYPE_RTMP_INGEST_SRC (gst_rtmp_ingest_src_get_type ())
G_DECLARE_FINAL_TYPE (GstRtmpIngestSrc, gst_rtmp_ingest_src, GST,
    RTMP_INGEST_SRC, GstElement)

/* What the I/O thread hands to the streaming side, in order. */
typedef enum
{
  GST_RTMP_INGEST_ITEM_TAG,     /* one FLV tag of the publisher */
  GST_RTMP_INGEST_ITEM_START,   /* a publisher was accepted */
  GST_RTMP_INGEST_ITEM_END,     /* it left (eos / error say how) */
} GstRtmpIngestItemType;

typedef struct
{
  GList link;                   /* in one queue at a time (data: the item) */
  GstRtmpIngestItemType type;
  GstBuffer *buf;               /* TAG: the whole tag */
  gsize size;                   /* TAG: its size (what the queue counts) */
  gint64 ms;                    /* TAG: unwrapped publisher timestamp */
  guint8 tag_type;              /* TAG: 8, 9, 18 */
  /* TAG: which stream header it replaces (gst_ertmp_tag_classify), or
   * GST_ERTMP_TAG_NOT_HEADER */
  gint header_key;
  gboolean eos;                 /* END: a clean end (teardown) */
  gboolean continues;           /* END: another publisher took over */
  GError *error;                /* END: why it was not clean, or NULL */
} GstRtmpIngestItem;

struct _GstRtmpIngestSrc
{
  GstElement parent;
  GstPad *srcpad;

  /* properties, under the object lock; settings.stream: the key */
  GstErtmpServerSettings settings;
  gboolean keep_listening;
  gboolean drop_is_eos;
  guint idle_timeout;           /* s */
  guint latency;                /* ms */
  guint max_queue_bytes;
  GstErtmpTakeover takeover;
  guint first_media_timeout;    /* s */

  /* the shared server, from READY to NULL; the route from start to stop */
  GstErtmpServer *server;
  gboolean routed;

  /* the server's I/O thread only (route functions) */
  GstErtmpPeer *publisher;      /* the accepted one, or NULL */
  gboolean finished;            /* one publisher ended, keep-listening off */
  GstRtmpIngestItem *pending_end;       /* its END, once its socket closes */
  gint64 stats_at;              /* monotonic us of the last stats refresh */
  GQueue batch;                 /* items not yet handed to the queue */
  gsize batch_bytes;
  guint64 last_bytes_in;

  /* the queue to the streaming side: lock, items; bytes bound reading */
  GMutex lock;
  GQueue queue;
  gsize queue_bytes;
  gboolean flushing;            /* PAUSED -> READY: push nothing more */
  gboolean playing;             /* push only in PLAYING (a live source) */
  gboolean eos_requested;       /* an EOS event was sent to the element */
  GList *pending_events;        /* other serialized events sent to it */
  gboolean reading_paused;      /* the I/O thread stopped reading */
  GstErtmpWork work;            /* pushes what is queued (the drain) */

  /* stats, under the lock */
  GstStructure *stats;          /* the publisher's, refreshed by the I/O
                                 * thread; NULL before any */
  guint64 publishers_accepted;
  guint64 publishers_refused;
  gboolean has_publisher;

  /* the drain only, one worker at a time (gstrtmpingeststream.c,
   * gstrtmpingesttags.c) */
  GQueue out;                   /* buffers and caps events ready to push */
  gboolean need_stream_start;
  gboolean need_segment;
  gboolean done;                /* EOS or an error went downstream */
  GQueue held;                  /* tags held until the caps are known */
  GArray *headers;              /* key + buffer, in arrival order */
  GstBuffer *flv_header;
  gboolean caps_known;
  gboolean discont;
  gboolean mapped;              /* base_ms/base_time valid */
  gint64 base_ms;
  GstClockTime base_time;
  gboolean ended;               /* END seen with keep-listening off */
};

GST_ELEMENT_REGISTER_DECLARE (rtmpingestsrc);

/* gstrtmpingestsrc.c */
void gst_rtmp_ingest_src_post (GstRtmpIngestSrc * src,
    GstStructure * structure);

/* gstrtmpingeststream.c.  enqueue: from the I/O thread, in order; handed
 * to a worker in batches (reading stops while the queue is full). */
void gst_rtmp_ingest_src_enqueue (GstRtmpIngestSrc * src,
    GstRtmpIngestItem * item);
void gst_rtmp_ingest_stream_init (GstRtmpIngestSrc * src);
/* READY -> PAUSED; PAUSED <-> PLAYING; an EOS event sent */
void gst_rtmp_ingest_stream_start (GstRtmpIngestSrc * src);
void gst_rtmp_ingest_stream_set_playing (GstRtmpIngestSrc * src,
    gboolean playing);
void gst_rtmp_ingest_stream_send_eos (GstRtmpIngestSrc * src);
/* takes @event: pushed before the next buffer */
void gst_rtmp_ingest_stream_send_event (GstRtmpIngestSrc * src,
    GstEvent * event);
/* PAUSED -> READY, before the pad is deactivated: nothing more goes out */
void gst_rtmp_ingest_stream_flush (GstRtmpIngestSrc * src);
/* after the route is gone: waits for the drain, frees what is queued */
void gst_rtmp_ingest_stream_stop (GstRtmpIngestSrc * src);

/* gstrtmpingestprops.c */
void gst_rtmp_ingest_src_install_properties (GObjectClass * gobject_class);
void gst_rtmp_ingest_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
void gst_rtmp_ingest_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
void gst_rtmp_ingest_src_init_properties (GstRtmpIngestSrc * src);
void gst_rtmp_ingest_src_clear_properties (GstRtmpIngestSrc * src);
GstStructure *gst_rtmp_ingest_src_get_stats (GstRtmpIngestSrc * src);

/* gstrtmpingestpublish.c */
extern const GstErtmpRouteFuncs gst_rtmp_ingest_route_funcs;

/* gstrtmpingestdoc.c: signals, bus messages, stats for gst-inspect */
void gst_rtmp_ingest_src_add_documentation (GstElementClass * klass);

/* gstrtmpingesttags.c, the drain */
void gst_rtmp_ingest_tags_init (GstRtmpIngestSrc * src);
void gst_rtmp_ingest_tags_reset (GstRtmpIngestSrc * src);
void gst_rtmp_ingest_tags_clear (GstRtmpIngestSrc * src);
/* Takes @item; buffers and caps events ready to push go to src->out.
 * GST_FLOW_OK, or ERROR (posted); src->ended after a clean end. */
GstFlowReturn gst_rtmp_ingest_tags_handle (GstRtmpIngestSrc * src,
    GstRtmpIngestItem * item);
GstRtmpIngestItem *gst_rtmp_ingest_item_new (GstRtmpIngestItemType type);
void gst_rtmp_ingest_item_free (GstRtmpIngestItem * item);
/* Frees the items queued by their links in @queue. */
void gst_rtmp_ingest_items_clear (GQueue * queue);

G_END_DECLS

#endif /* __GST_RTMP_INGEST_SRC_H__ */
