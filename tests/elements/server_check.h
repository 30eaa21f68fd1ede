/* gst-ertmp: publishers and per-element recorders for the server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Many rtmpingestsrc elements share one port (the process's server); many
 * real publishers push to them at once.  Here:
 *  - SrvTags: the audio/video tags of an FLV byte stream (size, SHA-256 of
 *    the body, timestamp), to compare what a publisher sent with what an
 *    element output, tag by tag;
 *  - SrvOutput: a probe on an element's src pad that records its output,
 *    split into segments at each DISCONT buffer;
 *  - SrvRecording / SrvPub: a stream encoded once (flvmux or flvemux into
 *    an appsink), then replayed in real time by "appsrc ! <sink>" to a URL,
 *    so that dozens of GStreamer publishers (rtmp2sink, librtmp rtmpsink,
 *    rtmppushsink) run at once without dozens of live encoders;
 *  - FFmpeg publishers of FLV files, and the server's stats.
 *
 * Functions that wait fail the test when what they wait for does not come
 * within the hang bound (ertmp_peer.h); none measures a duration.
 */
#ifndef SERVER_CHECK_H
#define SERVER_CHECK_H

#include <gst/gst.h>
#include "ertmp_peer.h"

G_BEGIN_DECLS

#define SRV_HANG ERTMP_TEST_HANG_BOUND
#define SRV_HANG_MS ((guint) (ERTMP_TEST_HANG_BOUND / GST_MSECOND))

/* ---- tags ---------------------------------------------------------------- */

typedef struct
{
  guint32 ts;                   /* FLV timestamp, ms */
  gsize size;
  gchar *sum;                   /* SHA-256 of the body */
  guint8 first[2];              /* the body's first two bytes (0 if none) */
} SrvTag;

typedef struct
{
  GArray *av[2];                /* SrvTag: [0] audio, [1] video */
  guint scripts;
  guint64 bytes;                /* audio and video body bytes */
} SrvTags;

/* Every tag of an FLV byte stream (with or without its FLV header).
 * @seq_end: keep video SequenceEnd tags.  NULL and *error when damaged. */
SrvTags *srv_tags_parse (const guint8 * data, gsize len, gboolean seq_end,
    gchar ** error);
SrvTags *srv_tags_from_file (const gchar * path, gboolean seq_end);
void srv_tags_free (SrvTags * tags);
/* NULL when @got holds exactly the audio and video tags of @want (bodies,
 * timestamps, counts, order per type); else what differs */
gchar *srv_tags_diff (const SrvTags * want, const SrvTags * got);

/* ---- an element's output ------------------------------------------------- */

typedef struct
{
  GByteArray *bytes;
  gboolean header;              /* starts with the FLV header */
  guint av_tags;
  GstClockTime pts0;
  guint32 ts0;
  guint timing_errors;
  gchar *timing_error;          /* the first one */
} SrvSegment;

typedef struct
{
  GstElement *src;              /* the rtmpingestsrc (ref) */
  gulong probe;
  GMutex lock;
  GCond cond;
  GPtrArray *segments;          /* SrvSegment, a new one at each DISCONT */
  guint buffers, stray;         /* stray: before any DISCONT */
  gboolean eos;
} SrvOutput;

/* Records what @src pushes from now on */
SrvOutput *srv_output_new (GstElement * src);
void srv_output_free (SrvOutput * o);
/* Waits until segment @seg holds @n audio/video tags; fails the test
 * otherwise */
void srv_output_wait_tags (SrvOutput * o, guint seg, guint n,
    const gchar * what);
/* Waits for EOS on the element's src pad; fails the test otherwise */
void srv_output_wait_eos (SrvOutput * o, const gchar * what);
/* The tags of segment @seg (NULL when there is none) */
SrvTags *srv_output_tags (SrvOutput * o, guint seg);
/* Segment @seg carries exactly @want, stamped right (PTS follows the FLV
 * timestamps); fails the test otherwise */
void srv_output_check (SrvOutput * o, guint seg, const SrvTags * want,
    const gchar * what);

/* ---- in-process publishers ----------------------------------------------- */

typedef struct
{
  GstCaps *caps;
  GPtrArray *buffers;           /* GstBuffer, as the muxer output them */
  SrvTags *tags;                /* what they carry */
} SrvRecording;

/* Runs "@media m. ! appsink" (@media ends in a muxer named m) to EOS */
SrvRecording *srv_record (const gchar * media);
void srv_recording_free (SrvRecording * rec);

typedef struct
{
  GstElement *pipeline;
  gchar *what;
  gboolean done, ok;
  gchar *error;
} SrvPub;

/* "appsrc ! @sink" (@sink names its element pub), location @url, replaying
 * @rec in real time; PLAYING */
SrvPub *srv_pub_start (const SrvRecording * rec, const gchar * sink,
    const gchar * url, const gchar * what);
/* Waits for EOS (TRUE) or an error (FALSE, see error), then NULL */
gboolean srv_pub_finish (SrvPub * p);
void srv_pub_free (SrvPub * p);

/* ---- FFmpeg -------------------------------------------------------------- */

/* Writes "@media m. ! filesink" (a muxer named m) to @dir/@name */
gchar *srv_make_file (const gchar * dir, const gchar * name,
    const gchar * media);
/* ffmpeg [-re] -i @file -c copy -f flv @url, started */
ErtmpPeer *srv_ffmpeg_start (const gchar * dir, const gchar * file,
    const gchar * url, gboolean re);
/* Waits for @peer to exit; TRUE when it returned 0.  Prints its log when
 * that is not @expected. */
gboolean srv_peer_finish (ErtmpPeer * peer, const gchar * what,
    gboolean expected);

/* ---- the server ---------------------------------------------------------- */

/* @src's GstErtmpServer (transfer full) */
GstObject *srv_server (GstElement * src);
/* A guint64 field of the server's stats (0 when absent) */
guint64 srv_stat (GstObject * server, const gchar * field);
/* The sum of every refused-* field */
guint64 srv_stat_refused (GstObject * server);
/* Waits until stats field @field reaches @min (polled); fails the test
 * with the stats otherwise */
void srv_wait_stat (GstObject * server, const gchar * field, guint64 min);
/* Waits until stats field @field is down to @max (polled) */
void srv_wait_stat_max (GstObject * server, const gchar * field,
    guint64 max);
/* The stats as text, for failure messages (transfer full) */
gchar *srv_stats_text (GstObject * server);

/* The first ELEMENT message @name from @src on @bus, else NULL (popped
 * messages are kept in @log when not NULL); errors fail the test */
GstMessage *srv_bus_wait (GstBus * bus, GPtrArray * log, const gchar * name,
    GstElement * src, GstClockTime timeout);
guint srv_log_count (GPtrArray * log, const gchar * name, GstElement * src);

G_END_DECLS

#endif /* SERVER_CHECK_H */
