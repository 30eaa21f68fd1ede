/* gst-ertmp: rtmpservesink against real players
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * appsrc feeds the sink the tags of an FLV file made here with GStreamer
 * (H.264 + AAC, legacy FLV, a key frame a second), at moments the test
 * chooses (serve_check.h), so that what each player must get is known:
 *  - players there before the stream (FFmpeg 5.1, rtmp2src, librtmp's
 *    rtmpsrc) record exactly every audio and video tag, and end on EOS;
 *  - a late joiner starts with the stream headers and the GOP cache's key
 *    frame (or, without the cache, the next key frame), then everything;
 *  - refusals: an unknown name, max-players, the play-request signal;
 *  - 100 players: 99 of the load generator get every message while an
 *    FFmpeg stopped with SIGSTOP is skipped, then dropped, and render()
 *    never waits; the sink goes to NULL with them connected.
 */
#include <signal.h>
#include <string.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_flv.h"
#include "ertmp_peer.h"
#include "flv_items.h"
#include "serve_check.h"

#define HANG ERTMP_TEST_HANG_BOUND
#define HANG_MS ((guint) (HANG / GST_MSECOND))

/* 4 s of H.264 (a key frame every 30 frames) and AAC, legacy FLV */
#define MEDIA "flvmux name=m streamable=true " \
  "videotestsrc num-buffers=120 ! video/x-raw,format=I420,width=160," \
  "height=120,framerate=30/1 ! x264enc speed-preset=ultrafast " \
  "key-int-max=30 ! h264parse ! m. " \
  "audiotestsrc num-buffers=172 ! audio/x-raw,rate=44100,channels=2 ! " \
  "audioconvert ! avenc_aac ! m. "

static gchar *
make_media (const gchar * dir)
{
  gchar *path = g_build_filename (dir, "src.flv", NULL);
  gchar *desc = g_strdup_printf ("%s m. ! filesink location=%s", MEDIA, path);
  GstElement *p = gst_parse_launch (desc, NULL);
  gchar *error = NULL;

  fail_unless (p != NULL);
  fail_unless (ertmp_peer_run_pipeline (p, HANG, &error), "media: %s", error);
  gst_object_unref (p);
  g_free (desc);
  return path;
}

static GArray *
media_items (const gchar * dir)
{
  gchar *path = make_media (dir);
  GArray *items = flv_items_from_file (path);

  g_free (path);
  return items;
}

/* "ffmpeg -i URL -c copy -f flv OUT" */
static ErtmpPeer *
spawn_ffmpeg (const gchar * dir, const gchar * url, const gchar * out)
{
  const gchar *argv[] = { "ffmpeg", "-nostdin", "-loglevel", "error",
    "-i", url, "-c", "copy", "-f", "flv", out, NULL
  };
  GError *err = NULL;
  ErtmpPeer *peer = ertmp_peer_spawn (argv, dir, &err);

  fail_unless (peer != NULL, "ffmpeg: %s", err ? err->message : "?");
  return peer;
}

/* "gst-launch-1.0 -q SRC location=URL ! filesink location=OUT" */
static ErtmpPeer *
spawn_gst_player (const gchar * dir, const gchar * factory,
    const gchar * url, const gchar * out)
{
  gchar *location = g_strdup_printf ("location=%s", url);
  gchar *sink = g_strdup_printf ("location=%s", out);
  const gchar *argv[] = { "gst-launch-1.0", "-q", factory, location, "!",
    "filesink", sink, NULL
  };
  GError *err = NULL;
  ErtmpPeer *peer = ertmp_peer_spawn (argv, dir, &err);

  fail_unless (peer != NULL, "%s: %s", factory, err ? err->message : "?");
  g_free (location);
  g_free (sink);
  return peer;
}

static void
wait_success (ErtmpPeer * peer, const gchar * who)
{
  fail_unless (ertmp_peer_wait (peer, HANG_MS), "%s did not end", who);
  fail_unless (ertmp_peer_succeeded (peer), "%s failed: %s", who,
      ertmp_peer_log (peer));
  ertmp_peer_stop (peer);
}

static void
check_recording (GArray * want, const gchar * path, const gchar * who)
{
  GArray *got = flv_items_from_file (path);

  flv_items_check_same (want, got, who);
  flv_items_check_start (got, who);
  g_array_unref (got);
}

/* a leave message for each of @n players, with @reason */
static void
check_leaves (ServeFeed * f, guint n, const gchar * reason)
{
  guint i;

  for (i = 0; i < n; i++) {
    GstStructure *s = serve_feed_wait_message (f, "rtmp-play-leave");

    fail_unless (s != NULL, "player %u of %u did not leave", i + 1, n);
    fail_unless_equals_string (gst_structure_get_string (s, "reason"),
        reason);
    gst_structure_free (s);
  }
}

/* ---- players there before the stream ---- */

GST_START_TEST (test_players_get_whole_stream)
{
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *url, *out_ff, *out_gst, *out_lib;
  ErtmpPeer *ff, *gst, *lib;
  GArray *items;
  ServeFeed *f;

  if (!ertmp_peer_have ("test_players_get_whole_stream", "ffmpeg")) {
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  items = media_items (dir);
  f = serve_feed_start ("show", NULL);
  url = serve_feed_url (f);
  out_ff = g_build_filename (dir, "ffmpeg.flv", NULL);
  out_gst = g_build_filename (dir, "rtmp2src.flv", NULL);
  out_lib = g_build_filename (dir, "rtmpsrc.flv", NULL);
  ff = spawn_ffmpeg (dir, url, out_ff);
  gst = spawn_gst_player (dir, "rtmp2src", url, out_gst);
  lib = spawn_gst_player (dir, "rtmpsrc", url, out_lib);
  fail_unless (serve_feed_wait_players (f, 3), "the players did not join");

  serve_feed_push (f, items, 0, items->len);
  serve_feed_eos (f);
  wait_success (ff, "ffmpeg");
  wait_success (gst, "rtmp2src");
  /* librtmp plays again after NetStream.Play.Stop: it waits for a next
   * stream until the server goes */
  check_leaves (f, 3, "eos");
  serve_feed_stop (f);
  ertmp_peer_wait (lib, HANG_MS);
  ertmp_peer_stop (lib);

  check_recording (items, out_ff, "FFmpeg");
  check_recording (items, out_gst, "rtmp2src");
  check_recording (items, out_lib, "rtmpsrc");
  g_array_unref (items);
  g_free (out_ff);
  g_free (out_gst);
  g_free (out_lib);
  g_free (url);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
serve_suite (void)
{
  Suite *s = suite_create ("rtmpservesink");
  TCase *tc = tcase_create ("players");

  tcase_set_timeout (tc, 900);
  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  tcase_add_test (tc, test_players_get_whole_stream);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (serve);
