/* gst-ertmp: many short publishes of each push pipeline shape
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One run of "erdemux ! queue ! flvemux ! rtmppushsink" into nginx-rtmp
 * once hung for minutes and did not come back in later runs.  This test
 * runs each push pipeline shape many times, each run under a watchdog:
 *
 *  - filesrc ! erdemux ! queue ! flvemux ! rtmppushsink (nginx-rtmp)
 *  - filesrc ! erdemux ! queue ! flvemux ! fakesink
 *    (both alternate between an Enhanced AV1 + Opus file and a legacy
 *    H.264 + AAC one, the benchmark's kind of input)
 *  - filesrc ! flvdemux ! queue ! parse ! flvmux ! rtmppushsink (the
 *    benchmark's shape, GStreamer's muxer)
 *
 * Every run must reach EOS and go back to NULL.  A run that has not after
 * RUN_LIMIT (a few hundred times what one takes) is a hang: the watchdog
 * prints the pipeline's graph and every thread's backtrace (gdb -batch -p)
 * and aborts.
 *
 * ERTMP_SOAK_RUNS sets the runs per shape: 300 by default (under a minute
 * in all on a loaded two-core machine), 30 in an AddressSanitizer build.
 * Set it to a few thousand to hunt a rare hang.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_peer.h"

#if defined(__SANITIZE_ADDRESS__)
#define DEFAULT_RUNS 30
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DEFAULT_RUNS 30
#endif
#endif
#ifndef DEFAULT_RUNS
#define DEFAULT_RUNS 300
#endif

/* a run takes well under a second: this only catches a hang */
#define RUN_LIMIT (60 * GST_SECOND)

/* ---- the watchdog ------------------------------------------------------- */

typedef struct
{
  GMutex lock;
  GCond cond;
  GThread *thread;
  gint64 deadline;              /* monotonic us; 0: disarmed */
  gchar *what;
  GstElement *pipeline;
  gboolean quit;
} Watchdog;

static Watchdog dog;

/* Every thread's backtrace, from gdb attached to this process */
static void
dump_threads (void)
{
  gchar *pid = g_strdup_printf ("%d", (int) getpid ());
  const gchar *argv[] = { "gdb", "-batch", "-nx", "-p", pid, "-ex",
    "thread apply all bt", NULL
  };
  gchar *out = NULL, *err_out = NULL;
  GError *err = NULL;

  if (!g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
          NULL, &out, &err_out, NULL, &err))
    g_print ("no backtraces: gdb: %s\n", err->message);
  else
    g_print ("---- backtraces ----\n%s\n%s\n", out, err_out);
  g_clear_error (&err);
  g_free (out);
  g_free (err_out);
  g_free (pid);
}

static gpointer
watchdog_thread (gpointer data)
{
  gchar *dot;

  g_mutex_lock (&dog.lock);
  while (!dog.quit) {
    if (dog.deadline == 0) {
      g_cond_wait (&dog.cond, &dog.lock);
      continue;
    }
    if (g_cond_wait_until (&dog.cond, &dog.lock, dog.deadline)
        || dog.deadline == 0 || g_get_monotonic_time () < dog.deadline)
      continue;
    g_print ("==== HANG: %s did not end within %" GST_TIME_FORMAT " ====\n",
        dog.what, GST_TIME_ARGS (RUN_LIMIT));
    /* the threads first: the graph takes locks a hang may hold */
    dump_threads ();
    if (dog.pipeline) {
      dot = gst_debug_bin_to_dot_data (GST_BIN (dog.pipeline),
          GST_DEBUG_GRAPH_SHOW_ALL);
      g_print ("---- pipeline ----\n%s\n", dot);
      g_free (dot);
    }
    abort ();
  }
  g_mutex_unlock (&dog.lock);
  return NULL;
}

static void
watchdog_arm (const gchar * what, GstElement * pipeline)
{
  g_mutex_lock (&dog.lock);
  g_free (dog.what);
  dog.what = g_strdup (what);
  dog.pipeline = pipeline;
  dog.deadline = g_get_monotonic_time () + RUN_LIMIT / GST_USECOND;
  g_cond_broadcast (&dog.cond);
  g_mutex_unlock (&dog.lock);
}

static void
watchdog_disarm (void)
{
  g_mutex_lock (&dog.lock);
  dog.deadline = 0;
  dog.pipeline = NULL;
  g_cond_broadcast (&dog.cond);
  g_mutex_unlock (&dog.lock);
}

static void
watchdog_start (void)
{
  g_mutex_init (&dog.lock);
  g_cond_init (&dog.cond);
  dog.quit = FALSE;
  dog.thread = g_thread_new ("watchdog", watchdog_thread, NULL);
}

static void
watchdog_stop (void)
{
  g_mutex_lock (&dog.lock);
  dog.quit = TRUE;
  g_cond_broadcast (&dog.cond);
  g_mutex_unlock (&dog.lock);
  g_thread_join (dog.thread);
  g_clear_pointer (&dog.what, g_free);
}

/* ---- runs --------------------------------------------------------------- */

static guint
soak_runs (void)
{
  const gchar *env = g_getenv ("ERTMP_SOAK_RUNS");

  return env && atoi (env) > 0 ? (guint) atoi (env) : DEFAULT_RUNS;
}

/* Runs @desc to EOS and back to NULL under the watchdog */
static void
run_once (const gchar * desc, const gchar * what)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstBus *bus;
  GstMessage *msg;
  gchar *text;

  fail_unless (pipeline != NULL && err == NULL, "%s: %s", desc,
      err ? err->message : "?");
  bus = gst_element_get_bus (pipeline);
  watchdog_arm (what, pipeline);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "%s: cannot start", what);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    text = ertmp_peer_describe_message (msg);
    fail ("%s: %s", what, text);
    g_free (text);
  }
  gst_message_unref (msg);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  watchdog_disarm ();
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

static gchar *
media (const gchar * name)
{
  const gchar *dir = g_getenv ("ERTMP_MEDIA_DIR");

  fail_unless (dir != NULL, "ERTMP_MEDIA_DIR is not set");
  return g_build_filename (dir, name, NULL);
}

/* A legacy H.264 + AAC FLV written by flvmux (the benchmark's kind of
 * input), 5 s at about 8 Mbit/s */
static gchar *
make_legacy_flv (const gchar * dir)
{
  gchar *path = g_build_filename (dir, "legacy.flv", NULL);
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=150 "
      "pattern=snow ! video/x-raw,width=640,height=360,framerate=30/1 ! "
      "x264enc speed-preset=ultrafast bitrate=8000 key-int-max=30 ! "
      "h264parse ! flvmux name=m streamable=true ! filesink "
      "location=\"%s\" audiotestsrc num-buffers=235 ! avenc_aac ! aacparse "
      "! m.", path);

  run_once (desc, "making the legacy FLV");
  g_free (desc);
  return path;
}

typedef enum
{
  SHAPE_ERDEMUX_PUSH,
  SHAPE_ERDEMUX_FAKESINK,
  SHAPE_FLVMUX_PUSH,
} Shape;

static const gchar *shape_names[] = {
  "filesrc ! erdemux ! queue ! flvemux ! rtmppushsink",
  "filesrc ! erdemux ! queue ! flvemux ! fakesink",
  "filesrc ! flvdemux ! queue ! flvmux ! rtmppushsink",
};

static gchar *
shape_desc (Shape shape, const gchar * file, guint16 port, guint run)
{
  gchar *sink = shape == SHAPE_ERDEMUX_FAKESINK ?
      g_strdup ("fakesink sync=false") :
      g_strdup_printf ("rtmppushsink sync=false "
      "location=rtmp://127.0.0.1:%u/live/soak-%d-%u", port, shape, run);
  gchar *desc;

  if (shape == SHAPE_FLVMUX_PUSH)
    desc = g_strdup_printf ("filesrc location=\"%s\" ! flvdemux name=d "
        "d.video ! queue ! h264parse ! flvmux name=m streamable=true ! %s "
        "d.audio ! queue ! aacparse ! m.", file, sink);
  else
    desc = g_strdup_printf ("filesrc location=\"%s\" ! erdemux name=d "
        "d.video ! queue ! m.video d.audio ! queue ! m.audio "
        "flvemux name=m ! %s", file, sink);
  g_free (sink);
  return desc;
}

GST_START_TEST (test_soak)
{
  Shape shape = __i__;
  guint runs = soak_runs (), i;
  gchar *dir = ertmp_peer_tmpdir ();
  guint16 port = ertmp_peer_free_port ();
  ErtmpPeer *nginx = NULL;
  GError *err = NULL;
  gchar *files[2], *desc, *what;
  gint64 start;

  if (shape != SHAPE_ERDEMUX_FAKESINK) {
    nginx = ertmp_peer_start_nginx (dir, port, &err);
    fail_unless (nginx != NULL, "nginx: %s", err ? err->message : "?");
  }
  watchdog_start ();
  files[0] = make_legacy_flv (dir);
  files[1] = shape == SHAPE_FLVMUX_PUSH ? g_strdup (files[0]) :
      media ("testsrc.flv");
  if (!g_file_test (files[1], G_FILE_TEST_EXISTS)) {
    /* a checkout without ../shared: the legacy half of the runs only */
    g_print ("SKIP the Enhanced FLV runs of %s: no %s\n",
        shape_names[shape], files[1]);
    g_free (files[1]);
    files[1] = g_strdup (files[0]);
  }
  start = g_get_monotonic_time ();
  for (i = 0; i < runs; i++) {
    desc = shape_desc (shape, files[i % 2], port, i);
    what = g_strdup_printf ("run %u of %u: %s", i + 1, runs, desc);
    run_once (desc, what);
    g_free (what);
    g_free (desc);
  }
  g_print ("%s: %u runs in %.1f s\n", shape_names[shape], runs,
      (g_get_monotonic_time () - start) / 1e6);
  watchdog_stop ();
  if (nginx)
    fail_unless (ertmp_peer_stop (nginx), "nginx did not stop on SIGTERM");
  ertmp_peer_rmdir (dir);
  g_free (dir);
  g_free (files[0]);
  g_free (files[1]);
}

GST_END_TEST;

/* What the soak found: a track that ends seconds before the other (here
 * video 2 s, audio 4.2 s, as audiotestsrc/videotestsrc files with
 * different num-buffers are) deadlocked demux ! queue ! mux: the muxer
 * (an aggregator) waited for the next video buffer or EOS, the audio queue
 * filled (1 s), the demuxer blocked pushing audio and never reached the
 * end of the file that would give EOS.  erdemux now sends a GAP event on
 * a track that lags the others by more than 500 ms, and flvemux lets a
 * GAP advance its pad.  (GStreamer's own flvdemux ! queue ! flvmux still
 * hangs on this file.) */
static gchar *
make_uneven_flv (const gchar * dir)
{
  gchar *path = g_build_filename (dir, "uneven.flv", NULL);
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=60 ! "
      "video/x-raw,width=320,height=240,framerate=30/1 ! x264enc "
      "speed-preset=ultrafast key-int-max=30 ! h264parse ! flvmux name=m "
      "streamable=true ! filesink location=\"%s\" audiotestsrc "
      "num-buffers=180 ! avenc_aac ! aacparse ! m.", path);

  run_once (desc, "making the uneven FLV");
  g_free (desc);
  return path;
}

GST_START_TEST (test_track_ends_early)
{
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *file, *desc;

  watchdog_start ();
  file = make_uneven_flv (dir);
  desc = shape_desc (SHAPE_ERDEMUX_FAKESINK, file, 0, 0);
  run_once (desc, desc);
  watchdog_stop ();
  ertmp_peer_rmdir (dir);
  g_free (dir);
  g_free (file);
  g_free (desc);
}

GST_END_TEST;

static Suite *
push_soak_suite (void)
{
  Suite *s = suite_create ("push_soak");
  TCase *tc = tcase_create ("general");

  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  /* the watchdog bounds each run; ERTMP_SOAK_RUNS sets how many */
  tcase_set_timeout (tc, 0);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_soak, SHAPE_ERDEMUX_PUSH,
      SHAPE_FLVMUX_PUSH + 1);
  tcase_add_test (tc, test_track_ends_early);
  return s;
}

GST_CHECK_MAIN (push_soak);
