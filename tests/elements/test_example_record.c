/* gst-ertmp: the example application ertmp-record-all, end to end
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * examples/ertmp-record-all runs as its own process on an ephemeral port
 * of 127.0.0.1 (it prints "listening on 127.0.0.1:PORT" first).  Three
 * publishers with random stream keys it has never heard of publish at
 * once: two FFmpeg 5.1 (-re -c copy of an FLV made here with GStreamer)
 * and one GStreamer rtmp2sink.  The example builds a recorder pipeline for
 * each from the server's "publisher-unknown" signal.  Once they are done
 * and the example was stopped with SIGTERM (exit status 0), each file is a
 * valid FLV holding exactly the audio and video tags its publisher sent
 * (count, timestamps, bodies), opening with the video sequence start and
 * then the first key frame: nothing was lost while the recorder was being
 * built.  No file name and no line the example printed holds a key.
 *
 * With --allow-prefix, a key without the prefix is refused (the example
 * prints one "refused" line) and nothing is recorded for it, while a key
 * with it is.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_flv.h"
#include "ertmp_peer.h"
#include "example_proc.h"
#include "flv_items.h"
#include "gstertmpredact.h"

/* Bounds that only catch hangs (ertmp_peer.h) */
#define HANG ERTMP_TEST_HANG_BOUND
#define HANG_MS ((guint) (HANG / GST_MSECOND))
#define STOP ERTMP_TEST_STOP_BOUND

#define N_PUBLISHERS 3
#define EXAMPLE "ERTMP_EXAMPLE_RECORD_ALL"

/* 2 s of H.264 (a key frame every 30) and AAC in legacy FLV */
#define MEDIA "flvmux name=m streamable=true " \
  "videotestsrc num-buffers=60 ! video/x-raw,format=I420,width=160," \
  "height=120,framerate=30/1 ! x264enc speed-preset=ultrafast " \
  "key-int-max=30 ! h264parse ! m. " \
  "audiotestsrc num-buffers=86 ! audio/x-raw,rate=44100,channels=2 ! " \
  "audioconvert ! avenc_aac ! m. "

/* ---- the example --------------------------------------------------------- */

/* Starts ertmp-record-all on 127.0.0.1 with @extra arguments (NULL
 * terminated, may be NULL) recording to @dir/rec; *port: its bound port */
static ExampleProc *
example_start (const gchar * dir, const gchar * const *extra, gint * port)
{
  gchar *rec = g_build_filename (dir, "rec", NULL);
  GPtrArray *args = g_ptr_array_new ();
  ExampleProc *p;
  GError *err = NULL;
  gchar *line;

  g_ptr_array_add (args, (gpointer) "--host=127.0.0.1");
  g_ptr_array_add (args, (gpointer) "--port=0");
  g_ptr_array_add (args, (gpointer) "--dir");
  g_ptr_array_add (args, rec);
  for (; extra != NULL && *extra != NULL; extra++)
    g_ptr_array_add (args, (gpointer) * extra);
  g_ptr_array_add (args, NULL);
  p = example_proc_start (EXAMPLE, (const gchar * const *) args->pdata, dir,
      &err);
  fail_unless (p != NULL, "ertmp-record-all: %s", err ? err->message : "?");
  line = example_proc_wait_line (p, "", 0, HANG);
  fail_unless (line != NULL && sscanf (line, "listening on 127.0.0.1:%d",
          port) == 1 && *port > 0 && *port < 65536,
      "the example's first line is not \"listening on 127.0.0.1:PORT\": %s",
      example_proc_output (p));
  g_free (line);
  g_free (rec);
  g_ptr_array_unref (args);
  return p;
}

/* The file of the publisher-start line for the key redacted as
 * @redacted; NULL when there is none */
static gchar *
file_of (ExampleProc * p, const gchar * redacted)
{
  guint i, n = example_proc_count_lines (p, "publisher-start ");
  gchar *file = NULL;

  for (i = 0; i < n && file == NULL; i++) {
    gchar *line = example_proc_wait_line (p, "publisher-start ", i, 0);
    gchar *key = example_proc_field (line, "key");

    if (strcmp (key, redacted) == 0)
      file = example_proc_field (line, "file");
    g_free (key);
    g_free (line);
  }
  return file;
}

/* @n random keys (hex), told apart by their redacted forms */
static gchar **
random_keys (guint n)
{
  gchar **keys = g_new0 (gchar *, n + 1);
  guint i, j;

  for (i = 0; i < n; i++) {
    gboolean clash;

    do {
      gchar *a, *b;

      g_free (keys[i]);
      keys[i] = g_strdup_printf ("%08x%08x%08x", g_random_int (),
          g_random_int (), g_random_int ());
      a = gst_ertmp_redact_key (keys[i]);
      clash = FALSE;
      for (j = 0; j < i && !clash; j++) {
        b = gst_ertmp_redact_key (keys[j]);
        clash = strcmp (a, b) == 0;
        g_free (b);
      }
      g_free (a);
    } while (clash);
  }
  return keys;
}

/* Neither a file in @rec nor anything the example printed holds a key */
static void
check_no_key_shown (ExampleProc * p, const gchar * rec, gchar ** keys)
{
  gchar *output = example_proc_output (p);
  const gchar *name;
  GDir *d = g_dir_open (rec, 0, NULL);
  guint i;

  fail_unless (d != NULL, "%s", rec);
  while ((name = g_dir_read_name (d)) != NULL)
    for (i = 0; keys[i] != NULL; i++)
      fail_if (strstr (name, keys[i]) != NULL, "file %s names key %u",
          name, i);
  g_dir_close (d);
  for (i = 0; keys[i] != NULL; i++)
    fail_if (strstr (output, keys[i]) != NULL, "the example printed key %u",
        i);
  g_free (output);
}

static guint
count_files (const gchar * rec)
{
  GDir *d = g_dir_open (rec, 0, NULL);
  guint n = 0;

  fail_unless (d != NULL, "%s", rec);
  while (g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  return n;
}

/* ---- publishers ---------------------------------------------------------- */

static gchar *
make_flv (const gchar * dir)
{
  gchar *path = g_build_filename (dir, "src.flv", NULL);
  gchar *desc = g_strdup_printf ("%s m. ! filesink location=\"%s\"", MEDIA,
      path);
  GstElement *p = gst_parse_launch (desc, NULL);
  gchar *err = NULL;

  fail_unless (p != NULL, "%s", desc);
  fail_unless (ertmp_peer_run_pipeline (p, HANG, &err), "%s", err);
  gst_object_unref (p);
  g_free (desc);
  return path;
}

static ErtmpPeer *
ffmpeg_start (const gchar * dir, const gchar * file, const gchar * url)
{
  const gchar *argv[] = { "ffmpeg", "-nostdin", "-hide_banner",
    "-loglevel", "info", "-re", "-i", file, "-c", "copy",
    "-flvflags", "no_sequence_end", "-f", "flv", url, NULL
  };
  GError *err = NULL;
  ErtmpPeer *peer = ertmp_peer_spawn (argv, dir, &err);

  fail_unless (peer != NULL, "ffmpeg: %s", err ? err->message : "?");
  return peer;
}

/* Waits for @peer; returns TRUE when it exited 0 (else prints its log) */
static gboolean
peer_finish (ErtmpPeer * peer, const gchar * what)
{
  gboolean ok;
  gchar *log;

  fail_unless (ertmp_peer_wait (peer, HANG_MS), "%s still running", what);
  ok = ertmp_peer_succeeded (peer);
  log = ertmp_peer_log (peer);
  if (!ok)
    g_print ("%s failed; its log:\n%s\n", what, log);
  g_free (log);
  ertmp_peer_stop (peer);
  return ok;
}

static GstPadProbeReturn
on_sent (GstPad * pad, GstPadProbeInfo * info, GByteArray * sent)
{
  GstMapInfo map;

  gst_buffer_map (GST_PAD_PROBE_INFO_BUFFER (info), &map, GST_MAP_READ);
  g_byte_array_append (sent, map.data, map.size);
  gst_buffer_unmap (GST_PAD_PROBE_INFO_BUFFER (info), &map);
  return GST_PAD_PROBE_OK;
}

/* MEDIA ! rtmp2sink to @url, until EOS and NULL; returns what it sent */
static GArray *
publish_rtmp2sink (const gchar * url)
{
  gchar *desc = g_strdup_printf ("%s m. ! rtmp2sink name=pub location=%s",
      MEDIA, url);
  GstElement *p = gst_parse_launch (desc, NULL), *sink;
  GByteArray *sent = g_byte_array_new ();
  gchar *err = NULL;
  GstPad *pad;
  GArray *items;

  fail_unless (p != NULL, "%s", desc);
  sink = gst_bin_get_by_name (GST_BIN (p), "pub");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) on_sent, sent, NULL);
  fail_unless (ertmp_peer_run_pipeline (p, HANG, &err), "rtmp2sink: %s",
      err);
  items = flv_items_parse (sent->data, sent->len, "rtmp2sink");
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (p);
  g_byte_array_unref (sent);
  g_free (desc);
  return items;
}

/* ---- checks -------------------------------------------------------------- */

/* The recording of the publisher with @key is @want, and opens with the
 * video sequence start and then the first key frame */
static void
check_recording (ExampleProc * p, const gchar * key, GArray * want,
    const gchar * what)
{
  gchar *redacted = gst_ertmp_redact_key (key);
  gchar *file = file_of (p, redacted);
  GArray *got;
  const FlvItem *first_video = NULL, *second_video = NULL;
  guint i;

  fail_unless (file != NULL, "%s: no publisher-start for key %s:\n%s", what,
      redacted, example_proc_output (p));
  got = flv_items_from_file (file);
  flv_items_check_same (want, got, what);
  flv_items_check_start (got, what);
  for (i = 0; i < got->len && second_video == NULL; i++) {
    const FlvItem *item = &g_array_index (got, FlvItem, i);

    if (item->type != ERTMP_FLV_TAG_VIDEO)
      continue;
    if (first_video == NULL)
      first_video = item;
    else
      second_video = item;
  }
  fail_unless (second_video != NULL, "%s: fewer than 2 video tags", what);
  fail_unless (first_video->kind == FLV_ITEM_CONFIG, "%s: the first video "
      "tag is not the sequence start", what);
  fail_unless (second_video->kind == FLV_ITEM_FRAME && second_video->key,
      "%s: the second video tag is not a key frame", what);
  g_array_unref (got);
  g_free (file);
  g_free (redacted);
}

GST_START_TEST (test_record_three)
{
  gchar *dir, *src, *rec, **keys, *url[N_PUBLISHERS];
  ErtmpPeer *ffmpeg[2];
  ExampleProc *p;
  GArray *from_file, *from_gst;
  gint port;
  guint i;

  if (!ertmp_peer_have ("test_record_three", "ffmpeg"))
    return;
  dir = ertmp_peer_tmpdir ();
  rec = g_build_filename (dir, "rec", NULL);
  src = make_flv (dir);
  from_file = flv_items_from_file (src);
  p = example_start (dir, NULL, &port);
  keys = random_keys (N_PUBLISHERS);
  for (i = 0; i < N_PUBLISHERS; i++)
    url[i] = g_strdup_printf ("rtmp://127.0.0.1:%d/live/%s", port, keys[i]);

  /* all three at once: the FFmpegs run while rtmp2sink publishes */
  ffmpeg[0] = ffmpeg_start (dir, src, url[0]);
  ffmpeg[1] = ffmpeg_start (dir, src, url[1]);
  from_gst = publish_rtmp2sink (url[2]);
  fail_unless (peer_finish (ffmpeg[0], "ffmpeg 1"));
  fail_unless (peer_finish (ffmpeg[1], "ffmpeg 2"));
  for (i = 0; i < N_PUBLISHERS; i++) {
    gchar *line = example_proc_wait_line (p, "publisher-end ", i, HANG);

    fail_unless (line != NULL, "%u of %d recorders ended:\n%s", i,
        N_PUBLISHERS, example_proc_output (p));
    fail_unless (g_str_has_suffix (line, " eos"), "%s", line);
    g_free (line);
  }
  fail_unless (example_proc_stop (p, STOP), "the example did not exit 0 on "
      "SIGTERM:\n%s", example_proc_output (p));

  fail_unless_equals_int (example_proc_count_lines (p, "publisher-start "),
      N_PUBLISHERS);
  fail_unless_equals_int (count_files (rec), N_PUBLISHERS);
  check_recording (p, keys[0], from_file, "ffmpeg 1");
  check_recording (p, keys[1], from_file, "ffmpeg 2");
  check_recording (p, keys[2], from_gst, "rtmp2sink");
  check_no_key_shown (p, rec, keys);

  example_proc_free (p);
  g_array_unref (from_file);
  g_array_unref (from_gst);
  for (i = 0; i < N_PUBLISHERS; i++)
    g_free (url[i]);
  g_strfreev (keys);
  g_free (src);
  g_free (rec);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* --allow-prefix: the example's own admission rule */
GST_START_TEST (test_allow_prefix)
{
  const gchar *extra[] = { "--allow-prefix", "cam-", NULL };
  gchar *dir, *rec, *src, *good, *bad, *url, *line, *keys[3] = { NULL };
  ExampleProc *p;
  GArray *want;
  gint port;

  if (!ertmp_peer_have ("test_allow_prefix", "ffmpeg"))
    return;
  dir = ertmp_peer_tmpdir ();
  rec = g_build_filename (dir, "rec", NULL);
  src = make_flv (dir);
  want = flv_items_from_file (src);
  p = example_start (dir, extra, &port);
  good = g_strdup_printf ("cam-%08x%08x", g_random_int (), g_random_int ());
  bad = g_strdup_printf ("mic-%08x%08x", g_random_int (), g_random_int ());
  keys[0] = good;
  keys[1] = bad;

  url = g_strdup_printf ("rtmp://127.0.0.1:%d/live/%s", port, bad);
  fail_if (peer_finish (ffmpeg_start (dir, src, url), "ffmpeg, wrong key"),
      "a key without the prefix was accepted");
  g_free (url);
  url = g_strdup_printf ("rtmp://127.0.0.1:%d/live/%s", port, good);
  fail_unless (peer_finish (ffmpeg_start (dir, src, url), "ffmpeg"));
  line = example_proc_wait_line (p, "publisher-end ", 0, HANG);
  fail_unless (line != NULL && g_str_has_suffix (line, " eos"), "%s",
      example_proc_output (p));
  g_free (line);
  fail_unless (example_proc_stop (p, STOP), "%s", example_proc_output (p));

  fail_unless_equals_int (example_proc_count_lines (p, "publisher-start "),
      1);
  fail_unless_equals_int (example_proc_count_lines (p, "refused "), 1);
  fail_unless_equals_int (count_files (rec), 1);
  check_recording (p, good, want, "ffmpeg cam-");
  check_no_key_shown (p, rec, keys);

  example_proc_free (p);
  g_array_unref (want);
  g_free (url);
  g_free (good);
  g_free (bad);
  g_free (src);
  g_free (rec);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
example_record_suite (void)
{
  Suite *s = suite_create ("example_record");
  TCase *tc = tcase_create ("record");

  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_record_three);
  tcase_add_test (tc, test_allow_prefix);
  return s;
}

GST_CHECK_MAIN (example_record);
