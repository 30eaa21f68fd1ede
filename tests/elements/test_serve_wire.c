/* gst-ertmp: what rtmpservesink's players get on the wire
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *  - timestamps past 2^24 ms in 1 KiB chunks, to players on stream ids 1
 *    and 2: every tag exactly;
 *  - a player that pings while the server's socket to it is full: the
 *    ping responses never land inside a message;
 *  - a branch linked to a tee after flvmux started: the sink starts the
 *    stream with the caps' streamheader, so a player decodes from its
 *    first frame.
 */
#include <string.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_flv.h"
#include "ertmp_peer.h"
#include "flv_items.h"
#include "serve_check.h"
#include "core_player.h"

#define HANG ERTMP_TEST_HANG_BOUND
#define HANG_MS ((guint) (HANG / GST_MSECOND))

/* ---- extended timestamps, a second stream id, small chunks ---- */

/* @items @offset ms later (copies) */
static GArray *
shifted (GArray * items, guint32 offset)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (FlvItem));
  guint i;

  for (i = 0; i < items->len; i++) {
    FlvItem it = g_array_index (items, FlvItem, i);

    it.ts += offset;
    g_array_append_val (out, it);       /* bodies borrowed from @items */
  }
  return out;
}

/* Timestamps past 2^24 ms (4.6 hours: every chunk repeats an extended
 * timestamp) in 1 KiB chunks, to rtmp2src on stream 1 and to the core's
 * client on stream 2: each tag is chunked for stream 1 and again, from
 * those chunks, for stream 2; both players get every tag exactly. */
GST_START_TEST (test_long_stream_two_stream_ids)
{
  gchar *dir = ertmp_peer_tmpdir ();
  GArray *items = serve_media_items (dir);
  GArray *late = shifted (items, 0x1000000 + 5);
  gchar *out = g_build_filename (dir, "rtmp2src.flv", NULL);
  ServeFeed *f = serve_feed_start ("long", "chunk-size=1024");
  gchar *url = serve_feed_url (f);
  ErtmpPeer *gst;
  CorePlayer *cp;
  GArray *got;

  gst = serve_spawn_gst_player (dir, "rtmp2src", url, out);
  cp = core_player_start (serve_feed_port (f), "live", "long", 1);
  fail_unless (serve_feed_wait_players (f, 2), "the players did not join");
  serve_feed_push (f, late, 0, late->len);
  serve_feed_eos (f);
  serve_wait_success (gst, "rtmp2src");
  core_player_join (cp);
  fail_unless_equals_int (core_player_msid (cp), 2);
  /* StreamEOF, then NetStream.Play.Stop: the player stops at the first */
  fail_unless_equals_string (core_player_end (cp), "StreamEOF");
  serve_feed_stop (f);
  serve_check_recording (late, out, "rtmp2src, extended timestamps");
  got = core_player_items (cp);
  flv_items_check_same (late, got, "core player on stream 2");
  flv_items_check_start (got, "core player on stream 2");
  g_array_unref (got);
  core_player_free (cp);
  g_array_unref (late);
  g_array_unref (items);
  g_free (out);
  g_free (url);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- slow players that ping ---- */

/* @all pushed at once to stream @name, played by the core's client reading
 * slowly (a pause of @pause_us after each read of at most 2 KiB, a ping
 * with each): it gets every tag, then StreamEOF */
static void
play_slowly (const gchar * name, GArray * all, gulong pause_us,
    const gchar * what)
{
  ServeFeed *f = serve_feed_start (name, "chunk-size=4096");
  CorePlayer *cp = core_player_start_slow (serve_feed_port (f), "live",
      name, pause_us);
  GArray *got;

  fail_unless (serve_feed_wait_players (f, 1), "the player did not join");
  serve_feed_push (f, all, 0, all->len);
  serve_feed_eos (f);
  core_player_join (cp);
  fail_unless_equals_string (core_player_end (cp), "StreamEOF");
  serve_feed_stop (f);
  got = core_player_items (cp);
  flv_items_check_same (all, got, what);
  g_array_unref (got);
  core_player_free (cp);
}

/* @items and @repeats more copies of its frames (4 s apart) */
static GArray *
repeated_stream (GArray * items, guint repeats)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (FlvItem));
  guint k;

  g_array_append_vals (all, items->data, items->len);
  for (k = 1; k <= repeats; k++) {
    GArray *more = serve_repeat_frames (items, k, 4000);

    g_array_append_vals (all, more->data, more->len);
    g_array_unref (more);
  }
  return all;
}

/* A player reads slowly through a 4 KiB receive buffer and sends a
 * PingRequest with every read while the whole stream is pushed at once:
 * the server's socket is full in the middle of messages again and again,
 * and each ping response waits for the message to be whole.  The player
 * parses every byte (a response inside a message would break its chunk
 * stream) and gets every tag. */
GST_START_TEST (test_ping_while_blocked)
{
  gchar *dir = ertmp_peer_tmpdir ();
  GArray *items = serve_media_items (dir);
  /* 48 s of stream (4.4 MB): more than the server's socket buffer */
  GArray *all = repeated_stream (items, 11);

  play_slowly ("pings", all, 1000, "slow player that pings");
  g_array_unref (all);
  g_array_unref (items);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* The stream ends while most of it still waits in the server's socket for
 * a player that reads 2 KiB every 20 ms: the server has said its last
 * words, but the player needs seconds more to read them.  The server keeps
 * the connection while the player is still taking bytes, so it gets every
 * tag, then its StreamEOF. */
GST_START_TEST (test_slow_player_gets_the_tail)
{
  gchar *dir = ertmp_peer_tmpdir ();
  GArray *items = serve_media_items (dir);
  /* 8 s of stream, 600 KB */
  GArray *all = repeated_stream (items, 1);

  play_slowly ("tail", all, 20000, "slow player after EOS");
  g_array_unref (all);
  g_array_unref (items);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- a branch linked after the muxer started ---- */

typedef struct
{
  GMutex lock;
  GCond cond;
  guint buffers;
} Counter;

static GstPadProbeReturn
count_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Counter *c = data;

  g_mutex_lock (&c->lock);
  c->buffers++;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
  return GST_PAD_PROBE_OK;
}

/* Until @c counted @n buffers (TRUE) or the hang bound passes */
static gboolean
wait_buffers (Counter * c, guint n)
{
  gint64 end = g_get_monotonic_time () + HANG_MS * (gint64) 1000;
  gboolean ok = TRUE;

  g_mutex_lock (&c->lock);
  while (c->buffers < n && ok)
    ok = g_cond_wait_until (&c->cond, &c->lock, end);
  ok = c->buffers >= n;
  g_mutex_unlock (&c->lock);
  return ok;
}

static guint
counted (Counter * c)
{
  guint n;

  g_mutex_lock (&c->lock);
  n = c->buffers;
  g_mutex_unlock (&c->lock);
  return n;
}

static guint
sink_players (GstElement * sink)
{
  GstStructure *stats = NULL;
  guint n = 0;

  g_object_get (sink, "stats", &stats, NULL);
  gst_structure_get_uint (stats, "players", &n);
  gst_structure_free (stats);
  return n;
}

/* flvmux sends its headers (FLV header, onMetaData, the sequence starts)
 * once, flagged HEADER, and keeps them in its caps' streamheader.  A
 * rtmpservesink linked to a tee after that sees only frames: it starts
 * the stream with the streamheader, and rtmp2src's recording starts with
 * both sequence starts, then a key frame. */
GST_START_TEST (test_branch_linked_late)
{
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *out = g_build_filename (dir, "rtmp2src.flv", NULL);
  gchar *url;
  GError *err = NULL;
  GstElement *pipeline, *tee, *branch, *sink;
  GstPad *tee_pad, *tee_sink, *branch_pad;
  GstMessage *msg;
  GstBus *bus;
  ErtmpPeer *player;
  Counter counter = { 0 };
  GArray *got;
  gint port = 0;
  guint joined_at;
  gint64 end;

  g_mutex_init (&counter.lock);
  g_cond_init (&counter.cond);
  pipeline = gst_parse_launch ("flvmux name=m streamable=true ! tee name=t "
      "! queue ! fakesink sync=false "
      "videotestsrc is-live=true ! video/x-raw,format=I420,width=160,"
      "height=120,framerate=30/1 ! x264enc speed-preset=ultrafast "
      "tune=zerolatency key-int-max=15 ! h264parse ! m. "
      "audiotestsrc is-live=true ! audio/x-raw,rate=44100,channels=2 ! "
      "audioconvert ! avenc_aac ! m.", &err);
  fail_unless (pipeline != NULL, "%s", err ? err->message : "?");
  tee = gst_bin_get_by_name (GST_BIN (pipeline), "t");
  tee_sink = gst_element_get_static_pad (tee, "sink");
  gst_pad_add_probe (tee_sink, GST_PAD_PROBE_TYPE_BUFFER, count_buffer,
      &counter, NULL);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  /* the headers went by long ago */
  fail_unless (wait_buffers (&counter, 60), "the muxer did not start");

  branch = gst_parse_bin_from_description ("queue ! rtmpservesink name=serve "
      "sync=false host=127.0.0.1 port=0 application=live stream-name=late",
      TRUE, &err);
  fail_unless (branch != NULL, "%s", err ? err->message : "?");
  sink = gst_bin_get_by_name (GST_BIN (branch), "serve");
  gst_bin_add (GST_BIN (pipeline), branch);
  fail_unless (gst_element_sync_state_with_parent (branch));
  tee_pad = gst_element_request_pad_simple (tee, "src_%u");
  branch_pad = gst_element_get_static_pad (branch, "sink");
  fail_unless_equals_int (gst_pad_link (tee_pad, branch_pad),
      GST_PAD_LINK_OK);
  g_object_get (sink, "bound-port", &port, NULL);
  fail_unless (port > 0);
  url = g_strdup_printf ("rtmp://127.0.0.1:%d/live/late", port);
  player = serve_spawn_gst_player (dir, "rtmp2src", url, out);
  end = g_get_monotonic_time () + HANG_MS * (gint64) 1000;
  while (sink_players (sink) < 1) {
    fail_unless (g_get_monotonic_time () < end, "the player did not join");
    g_usleep (10000);
  }
  /* two seconds of stream after the join: key frames come */
  joined_at = counted (&counter);
  fail_unless (wait_buffers (&counter, joined_at + 90));

  bus = gst_element_get_bus (pipeline);
  gst_element_send_event (pipeline, gst_event_new_eos ());
  msg = gst_bus_timed_pop_filtered (bus, HANG, GST_MESSAGE_EOS |
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no EOS");
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  serve_wait_success (player, "rtmp2src");
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  got = flv_items_from_file (out);
  flv_items_check_start (got, "rtmp2src, linked late");
  g_array_unref (got);
  gst_object_unref (bus);
  gst_object_unref (branch_pad);
  gst_element_release_request_pad (tee, tee_pad);
  gst_object_unref (tee_pad);
  gst_object_unref (tee_sink);
  gst_object_unref (tee);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_mutex_clear (&counter.lock);
  g_cond_clear (&counter.cond);
  g_free (url);
  g_free (out);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
serve_wire_suite (void)
{
  Suite *s = suite_create ("rtmpservesink-wire");
  TCase *tc = tcase_create ("wire");

  tcase_set_timeout (tc, 900);
  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  tcase_add_test (tc, test_long_stream_two_stream_ids);
  tcase_add_test (tc, test_ping_while_blocked);
  tcase_add_test (tc, test_slow_player_gets_the_tail);
  tcase_add_test (tc, test_branch_linked_late);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (serve_wire);
