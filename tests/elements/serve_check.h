/* gst-ertmp: feeding rtmpservesink in tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A pipeline "appsrc ! rtmpservesink sync=false" on a server of its own
 * (port 0, 127.0.0.1) serving live/NAME.  The test pushes the tags of an
 * FLV stream it knows (FlvItem, flv_items.h), one buffer per tag, when
 * it chooses (before players join, between joins, ...), so that what
 * each player must get is known exactly.  Element messages of the sink
 * are collected and can be waited for.
 *
 *   ServeFeed *f = serve_feed_start ("show", NULL);
 *   ... start players on serve_feed_url (f) ...
 *   fail_unless (serve_feed_wait_players (f, 2));
 *   serve_feed_push (f, items, 0, items->len);
 *   serve_feed_eos (f);
 *   ... wait for the players, compare ...
 *   serve_feed_stop (f);
 *
 * Waits are bounded by ERTMP_TEST_HANG_BOUND (they only catch hangs).
 */
#ifndef SERVE_CHECK_H
#define SERVE_CHECK_H

#include <gst/gst.h>
#include "ertmp_peer.h"

G_BEGIN_DECLS

typedef struct _ServeFeed ServeFeed;

/* @props: more "name=value" properties of the sink, or NULL.  The
 * pipeline is PLAYING when this returns (fails the test otherwise). */
ServeFeed *serve_feed_start (const gchar * name, const gchar * props);
guint16 serve_feed_port (ServeFeed * f);
/* rtmp://127.0.0.1:PORT/live/NAME (transfer full) */
gchar *serve_feed_url (ServeFeed * f);
GstElement *serve_feed_sink (ServeFeed * f);

/* Pushes the FLV file header (first call only) and tags [@from, @to) of
 * @items, then waits until the sink's I/O thread has them all (a player
 * who joins after this call finds them in the GOP cache). */
void serve_feed_push (ServeFeed * f, GArray * items, guint from, guint to);
/* Pushes @len bytes as one buffer, whatever they are (no wait) */
void serve_feed_push_bytes (ServeFeed * f, const guint8 * data, gsize len);
/* The first error the pipeline posted ("element: message (debug)",
 * transfer full), waiting for one; NULL after the hang bound */
gchar *serve_feed_wait_error (ServeFeed * f);
/* EOS into the sink; returns once it reached the sink (the players end
 * on their own once they have the whole stream). */
void serve_feed_eos (ServeFeed * f);
/* After EOS, a new stream: appsrc restarts, the sink is flushed, then
 * serve_feed_push starts again with an FLV file header. */
void serve_feed_new_stream (ServeFeed * f);
/* To NULL (fails the test beyond ERTMP_TEST_STOP_BOUND), freed. */
void serve_feed_stop (ServeFeed * f);

/* The sink's stats (transfer full) and one guint field of them */
GstStructure *serve_feed_stats (ServeFeed * f);
guint serve_feed_players (ServeFeed * f);
/* Until the sink has @n players (TRUE) or the hang bound passes */
gboolean serve_feed_wait_players (ServeFeed * f, guint n);
/* The next element message of the sink named @name, from all it posted
 * (transfer full); NULL after the hang bound */
GstStructure *serve_feed_wait_message (ServeFeed * f, const gchar * name);
/* How many messages named @name the sink posted so far */
guint serve_feed_count_messages (ServeFeed * f, const gchar * name);

/* ---- media and players ---- */

/* Runs "@media m. ! filesink" (@media has a muxer named m) into
 * @dir/@name (transfer full: the path); fails the test on an error */
gchar *serve_make_media (const gchar * dir, const gchar * name,
    const gchar * media);
/* "ffmpeg -i URL -c copy -f flv OUT" */
ErtmpPeer *serve_spawn_ffmpeg (const gchar * dir, const gchar * url,
    const gchar * out);
/* "gst-launch-1.0 -q FACTORY location=URL ! filesink location=OUT" */
ErtmpPeer *serve_spawn_gst_player (const gchar * dir, const gchar * factory,
    const gchar * url, const gchar * out);
/* Waits for @peer to exit 0 (fails the test otherwise), then frees it */
void serve_wait_success (ErtmpPeer * peer, const gchar * who);

/* Tags [@from, end) of @items that a player joining at @from gets from
 * the GOP cache on: from the last video key frame before @from (from 0
 * when there is none), as a new array of copies of the FlvItems */
GArray *serve_items_from_gop (GArray * items, guint from);
/* The stream headers (sequence starts) before @start, then every tag
 * from @start on: what a player starting at @start gets */
GArray *serve_items_from (GArray * items, guint start);
/* The index of the first video key frame at or after @from, or len */
guint serve_items_next_key (GArray * items, guint from);

/* The tags of 4 s of H.264 (a key frame a second) and AAC in legacy FLV,
 * made here with GStreamer into @dir/src.flv */
GArray *serve_media_items (const gchar * dir);
/* The recording at @path holds exactly the tags of @want and starts as a
 * player can decode (headers, then a key frame) */
void serve_check_recording (GArray * want, const gchar * path,
    const gchar * who);
/* The frames of @items again, @k periods of @period ms later (copies;
 * bodies borrowed from @items) */
GArray *serve_repeat_frames (GArray * items, guint k, guint32 period);

G_END_DECLS

#endif /* SERVE_CHECK_H */
