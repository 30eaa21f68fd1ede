/* gst-ertmp: the example script ertmp-publish.py, end to end
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * examples/ertmp-publish.py (PyGObject) publishes a live test stream with
 * rtmppushsink to an rtmpingestsrc of this process on 127.0.0.1.  Once it
 * says "published", the server drops it (the "disconnect-publisher"
 * action signal): the script reports "disconnected", then "reconnected
 * attempt=1", and its stats lines count the reconnection (and, before,
 * gave the stream's bitrate); the server gets
 * media again after it.  SIGTERM ends the stream with EOS and the script
 * exits 0.  No line the script printed holds the stream key.
 */
#include <string.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_peer.h"
#include "example_proc.h"

#define HANG ERTMP_TEST_HANG_BOUND
#define KEY "pubkey-7f3a9c21d84e"

static gint media_buffers;

static GstPadProbeReturn
count_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  g_atomic_int_inc (&media_buffers);
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_publish_reports_reconnect)
{
  gchar *dir = ertmp_peer_tmpdir ();
  GstElement *server, *src;
  GstPad *pad;
  GError *err = NULL;
  ExampleProc *p;
  gchar *url, *line, *output, *field;
  const gchar *args[6];
  gint port = 0, before;
  gint64 end;
  guint n;
  gboolean dropped = FALSE, reconnected = FALSE;

  server = gst_parse_launch ("rtmpingestsrc name=src host=127.0.0.1 port=0 "
      "application=live stream-key=" KEY " ! fakesink name=out sync=false",
      &err);
  fail_unless (server != NULL, "%s", err ? err->message : "?");
  src = gst_bin_get_by_name (GST_BIN (server), "src");
  pad = gst_element_get_static_pad (src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, NULL,
      NULL);
  gst_object_unref (pad);
  fail_if (gst_element_set_state (server, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  g_object_get (src, "bound-port", &port, NULL);
  fail_unless (port > 0);
  url = g_strdup_printf ("rtmp://127.0.0.1:%d/live/" KEY, port);

  args[0] = url;
  args[1] = "--stats-interval";
  args[2] = "0.2";
  args[3] = "--reconnect-attempts";
  args[4] = "10";
  args[5] = NULL;
  p = example_proc_start ("ERTMP_EXAMPLE_PUBLISH", args, dir, &err);
  fail_unless (p != NULL, "%s", err ? err->message : "?");
  line = example_proc_wait_line (p, "published ", 0, HANG);
  fail_unless (line != NULL, "the script did not publish: %s",
      (output = example_proc_output (p)));
  g_free (line);

  /* the server drops it: the sink reconnects on its own */
  g_signal_emit_by_name (src, "disconnect-publisher", &dropped);
  fail_unless (dropped, "the server had no publisher to drop");
  line = example_proc_wait_line (p, "disconnected ", 0, HANG);
  fail_unless (line != NULL, "no disconnected line");
  g_free (line);
  line = example_proc_wait_line (p, "reconnected ", 0, HANG);
  fail_unless (line != NULL, "the script did not reconnect");
  field = example_proc_field (line, "attempt");
  fail_unless_equals_string (field, "1");
  g_free (field);
  g_free (line);
  before = g_atomic_int_get (&media_buffers);

  /* while it published, its stats said so with a bitrate of the stream
   * (~600 kbit/s: over 10 kbit/s, whatever the load), not of the time
   * since the clock's origin */
  for (n = 0;; n++) {
    guint64 bitrate;

    line = example_proc_wait_line (p, "stats publishing=true", n, HANG);
    fail_unless (line != NULL, "no bitrate in the stats while publishing");
    field = example_proc_field (line, "bitrate");
    bitrate = g_ascii_strtoull (field, NULL, 10);
    g_free (field);
    if (bitrate > 0) {
      /* the first that has one */
      fail_unless (bitrate > 10000, "%s", line);
      g_free (line);
      break;
    }
    g_free (line);
  }

  /* its stats count the reconnection, while it publishes again */
  for (n = example_proc_count_lines (p, "stats "); !reconnected; n++) {
    gchar *reconnects, *publishing, *bytes;

    line = example_proc_wait_line (p, "stats ", n, HANG);
    fail_unless (line != NULL, "no stats line counts the reconnection");
    reconnects = example_proc_field (line, "reconnects");
    publishing = example_proc_field (line, "publishing");
    bytes = example_proc_field (line, "out-bytes-total");
    reconnected = strcmp (reconnects, "1") == 0
        && strcmp (publishing, "true") == 0
        && g_ascii_strtoull (bytes, NULL, 10) > 0;
    g_free (reconnects);
    g_free (publishing);
    g_free (bytes);
    g_free (line);
  }
  /* and the server gets media again */
  end = g_get_monotonic_time () + HANG / GST_USECOND;
  while (g_atomic_int_get (&media_buffers) <= before + 10) {
    fail_unless (g_get_monotonic_time () < end, "no media after the "
        "reconnection");
    g_usleep (10000);
  }

  fail_unless (example_proc_stop (p, HANG), "the script did not exit 0: %s",
      (output = example_proc_output (p)));
  fail_unless_equals_int (example_proc_count_lines (p, "eos"), 1);
  fail_unless_equals_int (example_proc_count_lines (p, "error"), 0);
  output = example_proc_output (p);
  fail_unless (strstr (output, KEY) == NULL, "the key was printed: %s",
      output);
  g_free (output);
  example_proc_free (p);

  fail_unless_equals_int (gst_element_set_state (server, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (src);
  gst_object_unref (server);
  g_free (url);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
example_publish_suite (void)
{
  Suite *s = suite_create ("example-publish");
  TCase *tc = tcase_create ("script");

  tcase_set_timeout (tc, 900);
  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_test (tc, test_publish_reports_reconnect);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (example_publish);
