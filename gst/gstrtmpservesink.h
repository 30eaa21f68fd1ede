/* gst-ertmp: rtmpservesink, RTMP play-out on the shared server
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Its parts:
 *  - gstrtmpservesink.c: the element (states, events, render: FLV in,
 *    tags out to the server's I/O thread);
 *  - gstrtmpserveprops.c: its properties (location, application, name,
 *    server settings and the GstURIHandler: gstertmpserversettings.h);
 *  - gstrtmpservefanout.c: the I/O thread's side: the stream's log of
 *    tags (GOP cache), stream headers, players, their cursors, the
 *    slow-player policy, the end of a stream;
 *  - gstrtmpservedoc.c: the reference gst-inspect-1.0 prints.
 *
 * Fan-out without copies: a tag is chunked once per chunk size and stream
 * id (one in practice: every player gets the server's chunk size and
 * plays stream 1) and the same bytes are written to every player; a
 * player is a cursor into the shared log, not a queue of its own.
 */
#ifndef __GST_RTMP_SERVE_SINK_H__
#define __GST_RTMP_SERVE_SINK_H__

#include <gst/gst.h>
#include <gst/base/gstbasesink.h>
#include <gio/gio.h>
#include "ertmp_flv.h"
#include "gstertmpserver.h"
#include "gstertmpserversettings.h"

G_BEGIN_DECLS

#define GST_TYPE_RTMP_SERVE_SINK (gst_rtmp_serve_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstRtmpServeSink, gst_rtmp_serve_sink, GST,
    RTMP_SERVE_SINK, GstBaseSink)

/* One tag as players get it.  Made by render(), then the I/O thread's
 * (refs from the log, the headers and players: I/O thread only). */
typedef struct
{
  gint refs;
  guint64 seq;                  /* place in the stream, from 0 */
  guint8 type;                  /* 8, 9, 18, 15 */
  gint64 ms;                    /* unwrapped */
  gint header_key;              /* gst_ertmp_tag_classify */
  gboolean keyframe;            /* video key frame */
  guint8 track;                 /* audio or video: its (first) track id */
  gchar *codecs;                /* sequence starts: "AAC (track 0)" */
  gboolean frame;               /* audio or video frame (not a header) */
  gsize size;                   /* body bytes */
  guint64 end;                  /* body bytes of the stream up to here */
  gint64 at;                    /* monotonic us, handed to the I/O thread */
  GstBuffer *body;              /* until chunked (then NULL) */
  /* chunked: one GstRtmpServeChunks per chunk size and stream id, the
   * first one made first in the list's last place */
  GSList *chunks;
} GstRtmpServeItem;

typedef struct
{
  guint32 chunk_size, msid;
  GBytes *bytes;
} GstRtmpServeChunks;

/* One player (I/O thread only). */
typedef struct
{
  GstRtmpServeSink *sink;
  GstErtmpPeer *peer;
  GList link;                   /* in sink->players */
  guint32 chunk_size;
  GPtrArray *intro;             /* items before the log: stream headers */
  guint intro_pos;
  guint64 next;                 /* seq of the next log item */
  GstRtmpServeItem *cur;        /* being written (a ref), or NULL */
  gsize cur_off;                /* its bytes written */
  guint64 end;                  /* EOS: the log's end for it (else max) */
  /* video tracks whose frames it skips until their key frame; audio
   * frames are skipped until a video key frame went (started) */
  guint64 wait[4];
  gboolean started;
  gboolean blocked;             /* socket full: writable() resumes it */
  gint64 behind_since;          /* monotonic us, 0: keeping up */
  gint64 joined_at;             /* monotonic us */
  gint64 progress_at;           /* monotonic us: its socket last took bytes */
  guint64 bytes, frames, skipped, skips;
  gint64 last_ms;               /* of the last tag sent */
  gchar *address;
  gchar *fourccs;               /* what its connect announced, "" none */
  gchar *flash_ver;
} GstRtmpServePlayer;

struct _GstRtmpServeSink
{
  GstBaseSink parent;

  /* properties, under the object lock; settings.stream: the name */
  GstErtmpServerSettings settings;
  gboolean gop_cache;
  guint gop_cache_max_bytes;
  guint max_player_queue_time;  /* ms */
  guint max_player_queue_bytes;
  guint slow_player_timeout;    /* s */
  guint max_players;
  guint max_players_per_address;

  /* the shared server, from READY to NULL; the route from start to stop */
  GstErtmpServer *server;
  gboolean routed;

  /* streaming thread only */
  ertmp_flv_reader *reader;
  gboolean have_last_ms;
  gint64 last_ms;
  guint64 next_seq;
  guint64 stream_bytes;
  GPtrArray *batch;             /* items of one render() */

  /* hand-off to the I/O thread: tags wait in @handoff until it takes
   * them all at once (one call posted at a time: when it is busy, tags
   * pile up and each player gets them in one write) */
  GMutex handoff_lock;
  GPtrArray *handoff;           /* items, under handoff_lock */
  gboolean handoff_posted;      /* under handoff_lock */
  gint pending_bytes;           /* atomic: handed over, not yet logged */

  /* I/O thread only (gstrtmpservefanout.c), or under server_run */
  GPtrArray *log;               /* items, oldest first */
  guint64 log_first;            /* seq of log[0] */
  gint64 gop_seq;               /* where the GOP cache starts, -1: none */
  gboolean has_video;
  guint64 video_tracks[4];      /* the video track ids seen */
  gint64 key_seq[256];          /* per video track: its latest key frame */
  GPtrArray *headers;           /* current stream headers (items) */
  GQueue players;
  GHashTable *per_address;      /* ip -> players (GUINT_TO_POINTER) */

  /* EOS: players still getting the stream's end (players with an end),
   * under eos_lock; the EOS event waits for them (bounded) */
  GMutex eos_lock;
  GCond eos_cond;
  guint ending;
  gboolean unlocked;            /* unlock(): stop waiting */

  /* counters, under the object lock */
  guint64 players_total, players_refused, players_dropped;
  guint64 tags_in, frames_skipped, sink_dropped;
};

GST_ELEMENT_REGISTER_DECLARE (rtmpservesink);

void gst_rtmp_serve_item_unref (GstRtmpServeItem * item);

/* gstrtmpservesink.c */
void gst_rtmp_serve_sink_post (GstRtmpServeSink * sink,
    GstStructure * structure);
gboolean gst_rtmp_serve_sink_emit_play_request (GstRtmpServeSink * sink,
    const GstErtmpPeer * peer, const gchar * query);

typedef struct
{
  GstRtmpServeSink *sink;
  GValue *players;              /* GST_TYPE_ARRAY of structures */
  gchar *codecs;
  guint64 log_bytes;
  guint log_tags;
} GstRtmpServeStatsCall;

/* gstrtmpservefanout.c: the play route (I/O thread) */
extern const GstErtmpPlayFuncs gst_rtmp_serve_play_funcs;
void gst_rtmp_serve_fanout_init (GstRtmpServeSink * sink);
void gst_rtmp_serve_fanout_clear (GstRtmpServeSink * sink);
/* the tags waiting in the hand-off join the stream */
gboolean gst_rtmp_serve_fanout_add (gpointer sink);
/* EOS: every player ends once it has the whole stream */
gboolean gst_rtmp_serve_fanout_eos (gpointer sink);
/* stop: every player's stream ends now */
gboolean gst_rtmp_serve_fanout_stop (gpointer sink);
/* fills a GstRtmpServeStatsCall */
gboolean gst_rtmp_serve_fanout_stats (gpointer call);

/* gstrtmpserveprops.c */
void gst_rtmp_serve_sink_install_properties (GObjectClass * gobject_class);
void gst_rtmp_serve_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
void gst_rtmp_serve_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
void gst_rtmp_serve_sink_init_properties (GstRtmpServeSink * sink);
void gst_rtmp_serve_sink_clear_properties (GstRtmpServeSink * sink);
GstStructure *gst_rtmp_serve_sink_get_stats (GstRtmpServeSink * sink);

/* gstrtmpservedoc.c */
void gst_rtmp_serve_sink_add_documentation (GstElementClass * klass);

G_END_DECLS

#endif /* __GST_RTMP_SERVE_SINK_H__ */
