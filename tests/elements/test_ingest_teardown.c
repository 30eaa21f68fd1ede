/* gst-ertmp: rtmpingestsrc lets a publisher finish its teardown
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A publisher ends with FCUnpublish, then deleteStream, then closes.  The
 * element ends its stream at FCUnpublish; an application that stops the
 * pipeline at EOS (as gst-launch-1.0 does) must not close the socket under
 * a publisher still in its teardown: GStreamer's rtmp2sink then exits 1
 * ("connection closed remotely").  Each publisher (rtmp2sink, librtmp's
 * rtmpsink, FFmpeg) is run 20 times as a separate process into
 * "rtmpingestsrc keep-listening=false", the pipeline going to NULL at
 * EOS; every run must exit 0.  And a publisher that never closes after its
 * teardown is closed by the element after a bounded linger, gracefully.
 */
#include <string.h>
#include <sys/socket.h>

#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_peer.h"
#include "ingest_client.h"

#define RUNS 20
/* bounds that only catch a hang, ms */
#define RUN_TIMEOUT_MS 60000
/* the element's teardown linger (5 s) and close linger (2 s), ten times */
#define LINGER_BOUND_MS 70000

typedef struct
{
  GstElement *pipeline, *src;
  GstBus *bus;
  guint16 port;
} Receiver;

static void
receiver_start (Receiver * r)
{
  GError *err = NULL;
  GstStateChangeReturn ret;
  gint port = 0;

  r->pipeline = gst_parse_launch ("rtmpingestsrc name=src host=127.0.0.1 "
      "port=0 keep-listening=false stream-key=key ! fakesink sync=false",
      &err);
  fail_unless (r->pipeline != NULL, "%s", err ? err->message : "");
  r->src = gst_bin_get_by_name (GST_BIN (r->pipeline), "src");
  r->bus = gst_element_get_bus (r->pipeline);
  fail_if (gst_element_set_state (r->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  ret = gst_element_get_state (r->src, NULL, NULL,
      RUN_TIMEOUT_MS * GST_MSECOND);
  fail_unless (ret == GST_STATE_CHANGE_SUCCESS ||
      ret == GST_STATE_CHANGE_NO_PREROLL);
  g_object_get (r->src, "bound-port", &port, NULL);
  fail_unless (port > 0);
  r->port = port;
}

static void
receiver_free (Receiver * r)
{
  gst_element_set_state (r->pipeline, GST_STATE_NULL);
  gst_object_unref (r->bus);
  gst_object_unref (r->src);
  gst_object_unref (r->pipeline);
}

/* EOS (NULL) or the error text */
static gchar *
receiver_wait_eos (Receiver * r)
{
  GstMessage *m = gst_bus_timed_pop_filtered (r->bus,
      RUN_TIMEOUT_MS * GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gchar *text = NULL;

  if (m == NULL)
    return g_strdup ("no EOS");
  if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
    text = ertmp_peer_describe_message (m);
  gst_message_unref (m);
  return text;
}

/* ---- real publishers, as separate processes ----------------------------- */

#define ENCODE "videotestsrc num-buffers=30 ! video/x-raw,width=160," \
  "height=120,framerate=30/1 ! x264enc speed-preset=ultrafast " \
  "key-int-max=15 ! h264parse ! flvmux streamable=true ! "

static gchar *
make_flv (const gchar * dir)
{
  gchar *path = g_build_filename (dir, "src.flv", NULL);
  gchar *desc = g_strdup_printf (ENCODE "filesink location=\"%s\"", path);
  GstElement *p = gst_parse_launch (desc, NULL);
  gchar *err = NULL;

  fail_unless (p != NULL, "%s", desc);
  fail_unless (ertmp_peer_run_pipeline (p, RUN_TIMEOUT_MS * GST_MSECOND,
          &err), "%s", err);
  gst_object_unref (p);
  g_free (desc);
  return path;
}

/* The command line of publisher @kind to @url */
static gchar **
publisher_argv (const gchar * kind, const gchar * url, const gchar * file)
{
  gchar *cmd, **argv = NULL;

  if (strcmp (kind, "rtmp2sink") == 0)
    cmd = g_strdup_printf ("gst-launch-1.0 -q " ENCODE
        "rtmp2sink location=%s", url);
  else if (strcmp (kind, "rtmpsink") == 0)
    cmd = g_strdup_printf ("gst-launch-1.0 -q " ENCODE
        "rtmpsink 'location=%s live=1'", url);
  else
    cmd = g_strdup_printf ("ffmpeg -nostdin -hide_banner -loglevel error "
        "-i '%s' -c copy -f flv %s", file, url);
  fail_unless (g_shell_parse_argv (cmd, NULL, &argv, NULL), "%s", cmd);
  g_free (cmd);
  return argv;
}

/* One publish of @kind; TRUE when the publisher exited 0 and the
 * receiver saw EOS */
static gboolean
publish_once (const gchar * kind, const gchar * dir, const gchar * file)
{
  Receiver r;
  gchar *url, **argv, *problem, *log;
  GError *err = NULL;
  ErtmpPeer *peer;
  gboolean ok;

  receiver_start (&r);
  url = g_strdup_printf ("rtmp://127.0.0.1:%u/live/key", r.port);
  argv = publisher_argv (kind, url, file);
  peer = ertmp_peer_spawn ((const gchar * const *) argv, dir, &err);
  fail_unless (peer != NULL, "%s: %s", kind, err ? err->message : "");
  problem = receiver_wait_eos (&r);
  /* what gst-launch-1.0 does at EOS */
  gst_element_set_state (r.pipeline, GST_STATE_NULL);
  fail_unless (ertmp_peer_wait (peer, RUN_TIMEOUT_MS), "%s still running",
      kind);
  ok = ertmp_peer_succeeded (peer) && problem == NULL;
  if (!ok) {
    log = ertmp_peer_log (peer);
    g_print ("%s: receiver %s; publisher %s:\n%s\n", kind,
        problem ? problem : "EOS", ertmp_peer_succeeded (peer) ?
        "exit 0" : "FAILED", log);
    g_free (log);
  }
  ertmp_peer_stop (peer);
  receiver_free (&r);
  g_strfreev (argv);
  g_free (url);
  g_free (problem);
  return ok;
}

static void
check_publisher (const gchar * kind, const gchar * program)
{
  gchar *dir, *file;
  guint i, failed = 0;

  if (!ertmp_peer_have (kind, program))
    return;
  dir = ertmp_peer_tmpdir ();
  file = make_flv (dir);
  for (i = 0; i < RUNS; i++)
    if (!publish_once (kind, dir, file))
      failed++;
  fail_unless (failed == 0, "%s: %u of %u publishes failed", kind, failed,
      RUNS);
  g_free (file);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_START_TEST (test_rtmp2sink_exits_0)
{
  check_publisher ("rtmp2sink", "gst-launch-1.0");
}

GST_END_TEST;

GST_START_TEST (test_librtmp_exits_0)
{
  check_publisher ("rtmpsink", "gst-launch-1.0");
}

GST_END_TEST;

GST_START_TEST (test_ffmpeg_exits_0)
{
  check_publisher ("ffmpeg", "ffmpeg");
}

GST_END_TEST;

/* ---- a publisher that does not close after its teardown ------------------ */

GST_START_TEST (test_linger_bounded)
{
  static const guint8 frame[] = { 0x17, 0x01, 0, 0, 0, 0xAA, 0xBB, 0xCC };
  GstMessage *m = NULL;
  gchar *tc_url, *problem;
  IngestClient c;
  Receiver r;

  receiver_start (&r);
  tc_url = g_strdup_printf ("rtmp://127.0.0.1:%u/live", r.port);
  fail_unless (ingest_client_open (&c, r.port));
  fail_unless (ingest_client_publish (&c, "live", tc_url, "key",
          RUN_TIMEOUT_MS));
  fail_unless (ingest_client_send (&c, 9, 0, frame, sizeof (frame),
          RUN_TIMEOUT_MS));
  fail_unless (ingest_client_teardown (&c, RUN_TIMEOUT_MS));
  while (m == NULL) {
    const GstStructure *st;

    m = gst_bus_timed_pop_filtered (r.bus, RUN_TIMEOUT_MS * GST_MSECOND,
        GST_MESSAGE_ELEMENT);
    fail_unless (m != NULL, "no publish-end");
    st = gst_message_get_structure (m);
    if (!gst_structure_has_name (st, "rtmp-ingest-publish-end"))
      gst_clear_message (&m);
  }
  gst_message_unref (m);
  /* the element keeps the connection for the rest of the teardown ... */
  fail_unless (ingest_client_still_open (&c), "closed at once");
  /* ... not forever: it closes it (a FIN, not a reset) */
  fail_unless (ingest_client_pump (&c, ingest_client_done_eof,
          LINGER_BOUND_MS), "connection still open after its teardown");
  /* and the stream ends once the connection is over */
  problem = receiver_wait_eos (&r);
  fail_unless (problem == NULL, "%s", problem);
  ingest_client_free (&c);
  receiver_free (&r);
  g_free (tc_url);
}

GST_END_TEST;

static Suite *
ingest_teardown_suite (void)
{
  Suite *s = suite_create ("ingest_teardown");
  TCase *real = tcase_create ("publishers");
  TCase *linger = tcase_create ("linger");

  tcase_add_unchecked_fixture (real, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (real, NULL, ertmp_peer_stop_all);
  suite_add_tcase (s, real);
  tcase_add_test (real, test_rtmp2sink_exits_0);
  tcase_add_test (real, test_librtmp_exits_0);
  tcase_add_test (real, test_ffmpeg_exits_0);
  suite_add_tcase (s, linger);
  tcase_add_test (linger, test_linger_bounded);
  return s;
}

GST_CHECK_MAIN (ingest_teardown);
