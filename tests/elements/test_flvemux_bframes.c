/* gst-ertmp: flvemux with B-frames that come without DTS
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GStreamer 1.22's matroskademux ! h264parse / h265parse give PTS only.
 * Real x264enc and x265enc B-frame streams go through Matroska and back
 * into flvemux; every PTS and DTS read back (erdemux, and ffprobe for the
 * legacy H.264 that FFmpeg 5.1 reads) must be the encoder's own.  A
 * harness checks the tag times and composition times byte for byte, the
 * latency the rebuilding adds, and a stream shorter than the reorder
 * depth.
 */
#include <string.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#define FRAMES 40
/* 25 fps: every time is a whole millisecond, so FLV and Matroska keep
 * them exactly */
#define RAW "videotestsrc num-buffers=40 pattern=ball ! video/x-raw," \
  "format=I420,width=64,height=48,framerate=25/1 ! "

typedef struct
{
  GArray *pts, *dts;            /* GstClockTimeDiff, running time */
  GstSegment segment;
  gboolean any_dts;
} Times;

static void
times_init (Times * t)
{
  t->pts = g_array_new (FALSE, FALSE, sizeof (GstClockTimeDiff));
  t->dts = g_array_new (FALSE, FALSE, sizeof (GstClockTimeDiff));
  gst_segment_init (&t->segment, GST_FORMAT_TIME);
  t->any_dts = FALSE;
}

static void
times_clear (Times * t)
{
  g_array_unref (t->pts);
  g_array_unref (t->dts);
}

static GstClockTimeDiff
running (const GstSegment * seg, GstClockTime t)
{
  guint64 rt;
  gint sign = gst_segment_to_running_time_full (seg, GST_FORMAT_TIME, t,
      &rt);

  fail_unless (sign != 0);
  return sign > 0 ? (GstClockTimeDiff) rt : -(GstClockTimeDiff) rt;
}

/* Records the running times of the buffers through a pad */
static GstPadProbeReturn
record (GstPad * pad, GstPadProbeInfo * info, Times * t)
{
  GstClockTimeDiff v;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT)
      gst_event_copy_segment (ev, &t->segment);
    return GST_PAD_PROBE_OK;
  }
  {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

    fail_unless (GST_BUFFER_PTS_IS_VALID (buf));
    v = running (&t->segment, GST_BUFFER_PTS (buf));
    g_array_append_val (t->pts, v);
    t->any_dts |= GST_BUFFER_DTS_IS_VALID (buf);
    v = GST_BUFFER_DTS_IS_VALID (buf) ?
        running (&t->segment, GST_BUFFER_DTS (buf)) : G_MININT64;
    g_array_append_val (t->dts, v);
  }
  return GST_PAD_PROBE_OK;
}

/* Runs @desc to EOS, recording at the sink pad of element "rec" if any */
static void
run (const gchar * desc, Times * t)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstElement *rec;
  GstMessage *msg;
  GstBus *bus;

  fail_unless (pipeline != NULL && err == NULL, "%s: %s", desc,
      err ? err->message : "?");
  rec = gst_bin_get_by_name (GST_BIN (pipeline), "rec");
  if (rec != NULL) {
    GstPad *pad = gst_element_get_static_pad (rec, "sink");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
        GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, (GstPadProbeCallback) record,
        t, NULL);
    gst_object_unref (pad);
    gst_object_unref (rec);
  }
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 300 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "timeout: %s", desc);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    fail ("%s: %s", desc, err->message);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

#define AT(a, i) g_array_index ((a), GstClockTimeDiff, (i))

/* @got equals @want up to one shift (the FLV time of the first tag is not
 * the encoder's running time): every PTS, every DTS, in decode order */
static void
check_times (const Times * want, const Times * got, const gchar * what)
{
  GstClockTimeDiff shift;
  guint i;

  fail_unless_equals_int (got->pts->len, want->pts->len);
  shift = AT (got->pts, 0) - AT (want->pts, 0);
  for (i = 0; i < want->pts->len; i++) {
    fail_unless_equals_int64_hex (AT (got->pts, i) - shift,
        AT (want->pts, i));
    fail_unless (AT (want->dts, i) != G_MININT64);
    fail_unless (AT (got->dts, i) != G_MININT64, "%s: frame %u: no DTS",
        what, i);
    fail_unless (AT (got->dts, i) - shift == AT (want->dts, i),
        "%s: frame %u: DTS %" GST_STIME_FORMAT ", want %" GST_STIME_FORMAT,
        what, i, GST_STIME_ARGS (AT (got->dts, i) - shift),
        GST_STIME_ARGS (AT (want->dts, i)));
    if (i > 0)
      fail_unless (AT (got->dts, i) >= AT (got->dts, i - 1));
  }
}

/* ffprobe's packets (decode order, ms) of the video stream of @path */
static void
ffprobe_times (const gchar * path, Times * t)
{
  const gchar *argv[] = { "timeout", "120", "ffprobe", "-v", "error",
    "-select_streams", "v", "-show_entries", "packet=pts,dts", "-of",
    "csv=p=0", path, NULL
  };
  gchar *out = NULL, *err = NULL, **lines;
  gint status = -1;
  guint i;

  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL,
          G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL), "ffprobe: %s", err);
  fail_unless_equals_string (err, "");
  lines = g_strsplit (out, "\n", -1);
  for (i = 0; lines[i] != NULL; i++) {
    GstClockTimeDiff pts, dts;

    if (*lines[i] == '\0')
      continue;
    fail_unless (sscanf (lines[i], "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
            &pts, &dts) == 2, "ffprobe line '%s'", lines[i]);
    pts *= GST_MSECOND;
    dts *= GST_MSECOND;
    g_array_append_val (t->pts, pts);
    g_array_append_val (t->dts, dts);
  }
  g_strfreev (lines);
  g_free (out);
  g_free (err);
}

/* @enc ! @parse -> Matroska -> matroskademux ! @parse ! flvemux: the
 * times read back equal the encoder's */
static void
check_through_matroska (const gchar * enc, const gchar * parse,
    gboolean ffprobe)
{
  gchar *dir = g_dir_make_tmp ("flvemux-b-XXXXXX", NULL);
  gchar *mkv = g_build_filename (dir, "in.mkv", NULL);
  gchar *flv = g_build_filename (dir, "out.flv", NULL);
  gchar *desc;
  Times orig, in, back, probe;

  times_init (&orig);
  times_init (&in);
  times_init (&back);
  times_init (&probe);
  desc = g_strdup_printf (RAW "%s ! %s ! identity name=rec ! matroskamux ! "
      "filesink location=%s", enc, parse, mkv);
  run (desc, &orig);
  g_free (desc);
  fail_unless_equals_int (orig.pts->len, FRAMES);
  fail_unless (orig.any_dts);
  desc = g_strdup_printf ("filesrc location=%s ! matroskademux ! %s ! "
      "identity name=rec ! flvemux ! filesink location=%s", mkv, parse, flv);
  run (desc, &in);
  g_free (desc);
  /* the case at hand: PTS only, in decode order */
  fail_unless_equals_int (in.pts->len, FRAMES);
  fail_if (in.any_dts);
  desc = g_strdup_printf ("filesrc location=%s ! erdemux name=d d.video ! "
      "identity name=rec ! fakesink", flv);
  run (desc, &back);
  g_free (desc);
  check_times (&orig, &back, "erdemux");
  if (ffprobe) {
    ffprobe_times (flv, &probe);
    check_times (&orig, &probe, "ffprobe");
  }
  times_clear (&orig);
  times_clear (&in);
  times_clear (&back);
  times_clear (&probe);
  g_remove (mkv);
  g_remove (flv);
  g_rmdir (dir);
  g_free (mkv);
  g_free (flv);
  g_free (dir);
}

GST_START_TEST (test_h264_bframes_matroska)
{
  /* B-pyramid: reorder depth 2 */
  check_through_matroska ("x264enc bframes=2", "h264parse", TRUE);
  /* one B-frame: depth 1 */
  check_through_matroska ("x264enc bframes=1", "h264parse", TRUE);
}

GST_END_TEST;

GST_START_TEST (test_h265_bframes_matroska)
{
  /* x265's defaults: 4 B-frames, B-pyramid, depth 2.  FFmpeg 5.1 does
   * not read Enhanced FLV: erdemux only */
  check_through_matroska ("x265enc option-string=\"bframes=4:b-adapt=0\"",
      "h265parse", FALSE);
}

GST_END_TEST;

/* ---- harness: the tags byte for byte ------------------------------- */

/* x264enc bframes=2: avcC with max_num_reorder_frames 2 */
#define AVCC_B2 "01f4000dffe1001c67f4000d90d9b288f602d418181900000300" \
  "01000003003c8f14299601000668ebec448440"

static GstHarness *
h264_harness (void)
{
  GstHarness *h = gst_harness_new_with_padnames ("flvemux", "video", "src");
  gchar *caps = g_strdup_printf ("video/x-h264, stream-format=(string)avc, "
      "alignment=(string)au, width=(int)64, height=(int)48, "
      "framerate=(fraction)25/1, codec_data=(buffer)%s", AVCC_B2);

  gst_harness_set_src_caps_str (h, caps);
  g_free (caps);
  return h;
}

static GstBuffer *
frame (guint pts_ms, gboolean key)
{
  GstBuffer *buf = gst_buffer_new_memdup ("\x00\x00\x00\x01", 4);

  GST_BUFFER_PTS (buf) = pts_ms * GST_MSECOND;
  if (!key)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  return buf;
}

/* The next tag is a legacy AVC frame at @ts with composition time @cts */
static void
pull_frame (GstHarness * h, guint32 ts, gint32 cts, gboolean key)
{
  GstBuffer *buf = gst_harness_pull (h);
  guint8 d[16];

  fail_unless (buf != NULL);
  fail_unless_equals_int (gst_buffer_get_size (buf), 11 + 9 + 4);
  gst_buffer_extract (buf, 0, d, sizeof (d));
  fail_unless_equals_int (d[0], 9);
  fail_unless_equals_int ((d[4] << 16) | (d[5] << 8) | d[6] |
      ((guint32) d[7] << 24), ts);
  fail_unless_equals_int (d[11], key ? 0x17 : 0x27);
  fail_unless_equals_int (d[12], 1);    /* AVC NALU */
  fail_unless_equals_int ((gint32) ((d[13] << 16) | (d[14] << 8) | d[15]),
      cts);
  gst_buffer_unref (buf);
}

static void
pull_headers (GstHarness * h, guint n)
{
  while (n--)
    gst_buffer_unref (gst_harness_pull (h));
}

/* PTS 0 120 40 80 240 160 200 (depth 2, 40 ms): DTS -80 -40 0 40 80 120
 * 160; the first tag is at 0, so 80 ms are added to every time */
GST_START_TEST (test_rebuilt_tags)
{
  static const guint pts[] = { 0, 120, 40, 80, 240, 160, 200 };
  GstHarness *h = h264_harness ();
  GstStructure *stats;
  GstClockTime offset = 0;
  guint64 tags = 0;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (pts); i++)
    gst_harness_push (h, frame (pts[i], i == 0));
  gst_harness_push_event (h, gst_event_new_eos ());
  pull_headers (h, 3);          /* FLV header, onMetaData, AVC sequence */
  for (i = 0; i < G_N_ELEMENTS (pts); i++)
    pull_frame (h, i * 40, pts[i] + 80 - i * 40, i == 0);
  g_object_get (h->element, "stats", &stats, NULL);
  fail_unless (gst_structure_get_uint64 (stats, "timestamp-offset",
          &offset));
  fail_unless_equals_uint64 (offset, 80 * GST_MSECOND);
  /* as documented: every buffer pushed, the FLV file header included */
  fail_unless (gst_structure_get_uint64 (stats, "tags", &tags));
  fail_unless_equals_uint64 (tags, 3 + G_N_ELEMENTS (pts));
  gst_structure_free (stats);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Fewer frames than the depth: EOS lets them out */
GST_START_TEST (test_rebuilt_short_stream)
{
  GstHarness *h = h264_harness ();

  gst_harness_push (h, frame (0, TRUE));
  gst_harness_push_event (h, gst_event_new_eos ());
  pull_headers (h, 3);
  pull_frame (h, 0, 80, TRUE);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Holding the first R frames is latency: R frame durations (80 ms) on top
 * of upstream's, announced with a LATENCY message */
GST_START_TEST (test_rebuilt_latency)
{
  GstHarness *h = h264_harness ();
  GstQuery *q = gst_query_new_latency ();
  GstBus *bus = gst_bus_new ();
  GstClockTime min, max;
  GstMessage *msg;
  gboolean live;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_upstream_latency (h, 10 * GST_MSECOND);
  fail_unless (gst_pad_peer_query (h->sinkpad, q));
  gst_query_parse_latency (q, &live, &min, NULL);
  fail_unless_equals_uint64 (min, 10 * GST_MSECOND);
  gst_harness_push (h, frame (0, TRUE));
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_LATENCY);
  fail_unless (msg != NULL && GST_MESSAGE_SRC (msg) ==
      GST_OBJECT (h->element));
  gst_message_unref (msg);
  fail_unless (gst_pad_peer_query (h->sinkpad, q));
  gst_query_parse_latency (q, &live, &min, &max);
  fail_unless (live);
  fail_unless_equals_uint64 (min, 90 * GST_MSECOND);
  gst_query_unref (q);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Live, the audio pad's first tag goes out (on the aggregator's timeout)
 * before the video pad has a frame.  The video's first DTS is R frames
 * before its PTS 0: the offset chosen at the first tag leaves room for it,
 * so every DTS is still exact (not several frames clamped to one time) */
GST_START_TEST (test_live_video_after_audio)
{
  GstHarness *hv = h264_harness ();
  GstHarness *ha = gst_harness_new_with_element (hv->element, "audio",
      NULL);
  static const guint pts[] = { 0, 120, 40, 80 };
  GstBuffer *buf;
  guint8 d[16];
  guint i;

  gst_harness_use_testclock (hv);
  /* room in the live pad queues for the frames pushed below */
  g_object_set (hv->element, "latency", GST_SECOND, NULL);
  gst_harness_set_src_caps_str (ha, "audio/x-ac3, framed=(boolean)true, "
      "rate=(int)48000, channels=(int)2");
  buf = gst_buffer_new_memdup ("\x0b\x77\x01\x02", 4);
  GST_BUFFER_PTS (buf) = GST_BUFFER_DTS (buf) = 0;
  gst_harness_push (ha, buf);
  /* the live timeout: out with what is there */
  fail_unless (gst_harness_crank_single_clock_wait (hv));
  pull_headers (hv, 3);         /* FLV header, onMetaData, AVC sequence */
  buf = gst_harness_pull (hv);
  gst_buffer_extract (buf, 0, d, sizeof (d));
  fail_unless_equals_int (d[0], 8);
  fail_unless_equals_int ((d[4] << 16) | (d[5] << 8) | d[6], 80);
  gst_buffer_unref (buf);
  for (i = 0; i < G_N_ELEMENTS (pts); i++)
    gst_harness_push (hv, frame (pts[i], i == 0));
  gst_harness_push_event (hv, gst_event_new_eos ());
  gst_harness_push_event (ha, gst_event_new_eos ());
  /* DTS -80 -40 0 40, + 80 (EOS on both pads: no clock wait left) */
  for (i = 0; i < G_N_ELEMENTS (pts); i++)
    pull_frame (hv, i * 40, pts[i] + 80 - i * 40, i == 0);
  gst_harness_teardown (ha);
  gst_harness_teardown (hv);
}

GST_END_TEST;

static Suite *
flvemux_bframes_suite (void)
{
  Suite *s = suite_create ("flvemux_bframes");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_h264_bframes_matroska);
  tcase_add_test (tc, test_h265_bframes_matroska);
  tcase_add_test (tc, test_rebuilt_tags);
  tcase_add_test (tc, test_rebuilt_short_stream);
  tcase_add_test (tc, test_rebuilt_latency);
  tcase_add_test (tc, test_live_video_after_audio);
  return s;
}

GST_CHECK_MAIN (flvemux_bframes);
