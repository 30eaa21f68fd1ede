/* gst-ertmp: encoder -> flvemux -> erdemux -> parser -> decoder round trips
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Real encoders feed flvemux; erdemux takes its output apart and real
 * parsers and decoders consume what comes out.  Per track, every buffer
 * entering flvemux is compared with the buffer leaving erdemux: same
 * count, same bytes, same keyframe flag, and the same running time (plus
 * flvemux's millisecond-aligned "timestamp-offset").  With
 * timestamp-offset-nano=true that is exact to the nanosecond for audio
 * PTS/DTS and video PTS; a video DTS only travels to the millisecond
 * (gstertmptime.h), so it is exact when the source DTS is ms-aligned and
 * otherwise at most 1 ms early.  Every frame must decode.
 *
 * Also: multitrack (2 video + 3 audio of different codecs), HDR caps,
 * 5.1 channel-mask, and erdemux reading FFmpeg's legacy FLV.
 */
#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>
#include <gst/audio/audio.h>

/* Bound on one pipeline: generous for sanitizer builds */
#define RUN_TIMEOUT (240 * GST_SECOND)

/* ---- what passes a tap --------------------------------------------------- */

typedef struct
{
  GstClockTimeDiff pts, dts;    /* running time; DTS falls back to PTS */
  gboolean delta;
  gsize size;
  gchar *sum;                   /* SHA-256 of the bytes */
} Frame;

typedef struct
{
  gchar *name;                  /* flvemux sink pad == erdemux source pad */
  gboolean video;
  GArray *in, *out;             /* Frame */
  GstSegment in_seg, out_seg;
  GstCaps *out_caps;            /* last caps erdemux set on the pad */
  guint decoded;
} Track;

typedef struct
{
  GPtrArray *tracks;            /* Track */
  guint64 ts_offset;            /* flvemux stats "timestamp-offset" */
  GstElement *pipeline;
} Run;

static void
frame_clear (Frame * f)
{
  g_free (f->sum);
}

static void
track_free (Track * t)
{
  g_free (t->name);
  g_array_unref (t->in);
  g_array_unref (t->out);
  gst_clear_caps (&t->out_caps);
  g_free (t);
}

static Track *
run_track (Run * r, const gchar * name)
{
  guint i;

  for (i = 0; i < r->tracks->len; i++) {
    Track *t = g_ptr_array_index (r->tracks, i);

    if (strcmp (t->name, name) == 0)
      return t;
  }
  return NULL;
}

static GstClockTimeDiff
running_time (const GstSegment * seg, GstClockTime t)
{
  guint64 rt;
  gint sign;

  fail_unless (GST_CLOCK_TIME_IS_VALID (t));
  sign = gst_segment_to_running_time_full (seg, GST_FORMAT_TIME, t, &rt);
  fail_unless (sign != 0);
  return sign > 0 ? (GstClockTimeDiff) rt : -(GstClockTimeDiff) rt;
}

static void
record (GstPadProbeInfo * info, GstSegment * seg, GArray * frames,
    GstCaps ** caps)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
    GstClockTime dts = GST_BUFFER_DTS_IS_VALID (buf) ? GST_BUFFER_DTS (buf) :
        GST_BUFFER_PTS (buf);
    GstMapInfo map;
    Frame f;

    /* flacenc's in-band headers: untimed, in the caps streamheader too,
     * and carried as the sequence start */
    if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_HEADER) &&
        !GST_CLOCK_TIME_IS_VALID (dts))
      return;
    f.pts = running_time (seg, GST_BUFFER_PTS (buf));
    f.dts = running_time (seg, dts);
    f.delta = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
    fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
    f.size = map.size;
    f.sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, map.data,
        map.size);
    gst_buffer_unmap (buf, &map);
    g_array_append_val (frames, f);
  } else {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT)
      gst_event_copy_segment (ev, seg);
    if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS && caps != NULL) {
      GstCaps *c;

      gst_event_parse_caps (ev, &c);
      gst_caps_replace (caps, c);
    }
  }
}

static GstPadProbeReturn
in_probe (GstPad * pad, GstPadProbeInfo * info, Track * t)
{
  record (info, &t->in_seg, t->in, NULL);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
out_probe (GstPad * pad, GstPadProbeInfo * info, Track * t)
{
  record (info, &t->out_seg, t->out, &t->out_caps);
  return GST_PAD_PROBE_OK;
}

#define TAP_TYPES (GST_PAD_PROBE_TYPE_BUFFER | \
    GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)

static void
on_demux_pad (GstElement * demux, GstPad * pad, Run * r)
{
  gchar *name = gst_pad_get_name (pad);
  Track *t = run_track (r, name);

  fail_unless (t != NULL, "unexpected erdemux pad %s", name);
  gst_pad_add_probe (pad, TAP_TYPES, (GstPadProbeCallback) out_probe, t,
      NULL);
  g_free (name);
}

static void
on_decoded (GstElement * sink, GstBuffer * buf, GstPad * pad, Track * t)
{
  t->decoded++;
}

/* Runs @desc to EOS.  It holds "flvemux name=m" and "erdemux name=d";
 * @names lists the pads (m.X and d.X) to tap, and each track's decoded
 * branch ends in "fakesink name=s_X". */
static Run *
run (const gchar * desc, const gchar * const *names)
{
  Run *r = g_new0 (Run, 1);
  GError *err = NULL;
  GstElement *m, *d;
  GstMessage *msg;
  GstStructure *stats;
  GstBus *bus;
  guint i;

  r->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify) track_free);
  r->pipeline = gst_parse_launch (desc, &err);
  fail_unless (r->pipeline != NULL, "%s: %s", desc, err ? err->message : "?");
  m = gst_bin_get_by_name (GST_BIN (r->pipeline), "m");
  d = gst_bin_get_by_name (GST_BIN (r->pipeline), "d");
  fail_unless (m != NULL && d != NULL);
  for (; *names; names++) {
    Track *t = g_new0 (Track, 1);
    gchar *sname = g_strdup_printf ("s_%s", *names);
    GstElement *sink = gst_bin_get_by_name (GST_BIN (r->pipeline), sname);
    GstPad *pad = gst_element_get_static_pad (m, *names);

    t->name = g_strdup (*names);
    t->video = g_str_has_prefix (*names, "video");
    t->in = g_array_new (FALSE, FALSE, sizeof (Frame));
    t->out = g_array_new (FALSE, FALSE, sizeof (Frame));
    g_array_set_clear_func (t->in, (GDestroyNotify) frame_clear);
    g_array_set_clear_func (t->out, (GDestroyNotify) frame_clear);
    gst_segment_init (&t->in_seg, GST_FORMAT_TIME);
    gst_segment_init (&t->out_seg, GST_FORMAT_TIME);
    g_ptr_array_add (r->tracks, t);
    fail_unless (pad != NULL, "flvemux has no pad %s", *names);
    fail_unless (sink != NULL, "no %s", sname);
    gst_pad_add_probe (pad, TAP_TYPES, (GstPadProbeCallback) in_probe, t,
        NULL);
    g_object_set (sink, "signal-handoffs", TRUE, NULL);
    g_signal_connect (sink, "handoff", G_CALLBACK (on_decoded), t);
    gst_object_unref (pad);
    gst_object_unref (sink);
    g_free (sname);
  }
  g_signal_connect (d, "pad-added", G_CALLBACK (on_demux_pad), r);

  fail_unless (gst_element_set_state (r->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  bus = gst_element_get_bus (r->pipeline);
  msg = gst_bus_timed_pop_filtered (bus, RUN_TIMEOUT,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "%s: no EOS in time", desc);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    fail ("%s: %s (%s)", desc, err->message, dbg);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  g_object_get (m, "stats", &stats, NULL);
  fail_unless (gst_structure_get_uint64 (stats, "timestamp-offset",
          &r->ts_offset));
  gst_structure_free (stats);
  /* caps are read after EOS: keep the pipeline until run_free () */
  gst_element_set_state (r->pipeline, GST_STATE_NULL);
  gst_object_unref (m);
  gst_object_unref (d);
  for (i = 0; i < r->tracks->len; i++) {
    Track *t = g_ptr_array_index (r->tracks, i);

    GST_INFO ("%s: %u in, %u out, %u decoded, offset %" GST_TIME_FORMAT,
        t->name, t->in->len, t->out->len, t->decoded,
        GST_TIME_ARGS (r->ts_offset));
  }
  return r;
}

static void
run_free (Run * r)
{
  g_ptr_array_unref (r->tracks);
  gst_object_unref (r->pipeline);
  g_free (r);
}

/* ---- what a round trip must give ----------------------------------------- */

/* Every frame of @t came out as it went in.  @nano: nanosecond exact
 * (ModEx on an Enhanced track); else every timestamp within 1 ms. */
static void
check_track (Run * r, Track * t, gboolean nano)
{
  GstClockTimeDiff off = (GstClockTimeDiff) r->ts_offset;
  guint i, bytes = 0, dts_exact = 0, reordered = 0;

  fail_unless_equals_uint64 (r->ts_offset % GST_MSECOND, 0);
  fail_unless (t->in->len > 0, "%s: nothing entered flvemux", t->name);
  fail_unless_equals_int (t->out->len, t->in->len);
  fail_unless_equals_int (t->decoded, t->in->len);
  for (i = 0; i < t->in->len; i++) {
    Frame *a = &g_array_index (t->in, Frame, i);
    Frame *b = &g_array_index (t->out, Frame, i);
    GstClockTimeDiff dd = b->dts - (a->dts + off);

    fail_unless_equals_uint64 (b->size, a->size);
    fail_unless_equals_string (b->sum, a->sum);
    if (t->video)
      fail_unless_equals_int (b->delta, a->delta);
    reordered += a->pts != a->dts;
    bytes += a->size;
    if (!nano) {
      fail_unless (ABS (b->pts - (a->pts + off)) < GST_MSECOND,
          "%s frame %u: PTS %" GST_STIME_FORMAT " in, %" GST_STIME_FORMAT
          " out", t->name, i, GST_STIME_ARGS (a->pts), GST_STIME_ARGS (b->pts));
      fail_unless (ABS (dd) < GST_MSECOND);
      continue;
    }
    fail_unless_equals_int64 (b->pts, a->pts + off);
    if (t->video) {
      /* the wire floors the DTS to the millisecond */
      fail_unless (dd <= 0 && dd > -GST_MSECOND, "%s frame %u: DTS %"
          GST_STIME_FORMAT " in, %" GST_STIME_FORMAT " out", t->name, i,
          GST_STIME_ARGS (a->dts), GST_STIME_ARGS (b->dts));
      if ((a->dts + off) % GST_MSECOND == 0) {
        fail_unless_equals_int64 (dd, 0);
        dts_exact++;
      }
    } else {
      fail_unless_equals_int64 (b->dts, a->dts + off);
    }
  }
  g_print ("%s %s: %u frames, %u bytes identical, %u decoded; offset %"
      G_GUINT64_FORMAT " ns; PTS/DTS %s; %u DTS on the ms (exact); %u PTS "
      "!= DTS\n", t->name, t->out_caps ? gst_structure_get_name
      (gst_caps_get_structure (t->out_caps, 0)) : "?", t->in->len, bytes,
      t->decoded, r->ts_offset, nano ? "ns-exact" : "within 1 ms", dts_exact,
      reordered);
}

/* ---- single codecs ----------------------------------------------------- */

#define VSRC(fps) "videotestsrc num-buffers=20 ! video/x-raw,format=I420," \
  "width=160,height=120,framerate=" fps " ! "
/* 1024-sample buffers and an odd start: nothing on the millisecond */
#define ASRC(rate, ch) "audiotestsrc num-buffers=12 timestamp-offset=1234567 " \
  "! audio/x-raw,rate=" rate ",channels=" ch " ! audioconvert ! "
#define MUX "flvemux name=m timestamp-offset-nano=true " \
  "enhanced-legacy-codecs=true ! erdemux name=d "

/* @enc: source ! ... ending before the muxer; @dec: parser ! decoder */
static Run *
single (const gchar * pad, const gchar * enc, const gchar * dec,
    const gchar * mux)
{
  const gchar *names[] = { pad, NULL };
  gchar *desc = g_strdup_printf ("%s ! m.%s %s d.%s ! queue ! %s ! "
      "fakesink name=s_%s", enc, pad, mux, pad, dec, pad);
  Run *r = run (desc, names);

  g_free (desc);
  return r;
}

static void
roundtrip (const gchar * pad, const gchar * enc, const gchar * dec)
{
  Run *r = single (pad, enc, dec, MUX);

  check_track (r, g_ptr_array_index (r->tracks, 0), TRUE);
  run_free (r);
}

/* at least one B-frame: a PTS below the PTS of a frame before it */
static void
check_reordered (Run * r)
{
  Track *t = g_ptr_array_index (r->tracks, 0);
  GstClockTimeDiff max = G_MININT64;
  gboolean reordered = FALSE;
  guint i;

  for (i = 0; i < t->out->len; i++) {
    Frame *f = &g_array_index (t->out, Frame, i);

    reordered |= f->pts < max;
    max = MAX (max, f->pts);
  }
  fail_unless (reordered, "%s: no B-frames", t->name);
}

GST_START_TEST (test_h264_bframes)
{
  /* 25 fps: the DTS are on the millisecond and come back exact */
  Run *r = single ("video", VSRC ("25/1") "x264enc bframes=2 key-int-max=10 "
      "! h264parse", "h264parse ! avdec_h264", MUX);

  check_track (r, g_ptr_array_index (r->tracks, 0), TRUE);
  check_reordered (r);
  run_free (r);
}

GST_END_TEST;

/* the legacy (default) form has no ModEx: within the millisecond */
GST_START_TEST (test_h264_legacy)
{
  Run *r = single ("video", VSRC ("30/1") "x264enc bframes=2 key-int-max=10 "
      "! h264parse", "h264parse ! avdec_h264",
      "flvemux name=m ! erdemux name=d ");

  check_track (r, g_ptr_array_index (r->tracks, 0), FALSE);
  check_reordered (r);
  run_free (r);
}

GST_END_TEST;

GST_START_TEST (test_h265_bframes)
{
  /* 30 fps: DTS off the millisecond, PTS still exact through ModEx */
  Run *r = single ("video", VSRC ("30/1") "x265enc speed-preset=ultrafast "
      "option-string=bframes=2 key-int-max=10 ! h265parse",
      "h265parse ! avdec_h265", MUX);

  check_track (r, g_ptr_array_index (r->tracks, 0), TRUE);
  check_reordered (r);
  run_free (r);
}

GST_END_TEST;

GST_START_TEST (test_av1)
{
  roundtrip ("video", VSRC ("30/1") "av1enc cpu-used=8 usage-profile=realtime "
      "! av1parse", "av1parse ! av1dec");
}

GST_END_TEST;

GST_START_TEST (test_vp9)
{
  roundtrip ("video", VSRC ("30/1") "vp9enc deadline=1 cpu-used=8",
      "vp9parse ! vp9dec");
}

GST_END_TEST;

GST_START_TEST (test_vp8)
{
  roundtrip ("video", VSRC ("30/1") "vp8enc deadline=1 cpu-used=8",
      "vp8dec");
}

GST_END_TEST;

GST_START_TEST (test_opus)
{
  roundtrip ("audio", ASRC ("48000", "2") "opusenc", "opusparse ! opusdec");
}

GST_END_TEST;

GST_START_TEST (test_flac)
{
  roundtrip ("audio", ASRC ("44100", "2") "flacenc", "flacparse ! flacdec");
}

GST_END_TEST;

GST_START_TEST (test_ac3)
{
  roundtrip ("audio", ASRC ("44100", "2") "avenc_ac3 ! ac3parse",
      "ac3parse ! avdec_ac3");
}

GST_END_TEST;

GST_START_TEST (test_eac3)
{
  roundtrip ("audio", ASRC ("48000", "2") "avenc_eac3 ! ac3parse",
      "ac3parse ! avdec_eac3");
}

GST_END_TEST;

GST_START_TEST (test_aac)
{
  roundtrip ("audio", ASRC ("44100", "2") "avenc_aac ! aacparse",
      "aacparse ! avdec_aac");
}

GST_END_TEST;

GST_START_TEST (test_mp3)
{
  roundtrip ("audio", ASRC ("44100", "2") "lamemp3enc ! mpegaudioparse",
      "mpegaudioparse ! mpg123audiodec");
}

GST_END_TEST;

/* ---- multitrack, HDR, 5.1 ---------------------------------------------- */

/* 2 video + 3 audio tracks, five codecs, one FLV stream */
GST_START_TEST (test_multitrack)
{
  const gchar *names[] = { "video", "video_1", "audio", "audio_1", "audio_2",
    NULL
  };
  Run *r = run (MUX
      VSRC ("25/1") "x264enc bframes=2 key-int-max=10 ! h264parse ! m.video "
      VSRC ("30/1") "vp9enc deadline=1 cpu-used=8 ! m.video_1 "
      ASRC ("44100", "2") "avenc_aac ! aacparse ! m.audio "
      ASRC ("48000", "2") "opusenc ! m.audio_1 "
      ASRC ("44100", "1") "flacenc ! m.audio_2 "
      "d.video ! queue ! h264parse ! avdec_h264 ! fakesink name=s_video "
      "d.video_1 ! queue ! vp9parse ! vp9dec ! fakesink name=s_video_1 "
      "d.audio ! queue ! aacparse ! avdec_aac ! fakesink name=s_audio "
      "d.audio_1 ! queue ! opusparse ! opusdec ! fakesink name=s_audio_1 "
      "d.audio_2 ! queue ! flacparse ! flacdec ! fakesink name=s_audio_2",
      names);
  guint i;

  fail_unless_equals_int (r->tracks->len, 5);
  for (i = 0; i < r->tracks->len; i++)
    check_track (r, g_ptr_array_index (r->tracks, i), TRUE);
  run_free (r);
}

GST_END_TEST;

#define MDI "35400:14600:8500:39850:6550:2300:15635:16450:10000000:1"
#define CLL "1000:400"

/* 10-bit HEVC with HDR10 caps: erdemux gives them back from colorInfo */
GST_START_TEST (test_hdr)
{
  Run *r = single ("video", "videotestsrc num-buffers=10 ! video/x-raw,"
      "format=I420_10LE,width=160,height=120,framerate=30/1,"
      "colorimetry=bt2100-pq ! x265enc speed-preset=ultrafast ! h265parse ! "
      "capssetter caps=\"video/x-h265,colorimetry=(string)bt2100-pq,"
      "mastering-display-info=(string)" MDI ",content-light-level=(string)"
      CLL "\"", "h265parse ! avdec_h265", MUX);
  Track *t = g_ptr_array_index (r->tracks, 0);
  GstStructure *s;
  GstVideoColorimetry cinfo;
  GstVideoMasteringDisplayInfo in_mdi, out_mdi;
  GstVideoContentLightLevel in_cll, out_cll;

  check_track (r, t, TRUE);
  fail_unless (t->out_caps != NULL);
  s = gst_caps_get_structure (t->out_caps, 0);
  fail_unless (gst_video_colorimetry_from_string (&cinfo,
          gst_structure_get_string (s, "colorimetry")),
      "%" GST_PTR_FORMAT, t->out_caps);
  fail_unless_equals_int (cinfo.primaries, GST_VIDEO_COLOR_PRIMARIES_BT2020);
  fail_unless_equals_int (cinfo.transfer, GST_VIDEO_TRANSFER_SMPTE2084);
  fail_unless_equals_int (cinfo.matrix, GST_VIDEO_COLOR_MATRIX_BT2020);
  fail_unless (gst_video_mastering_display_info_from_string (&in_mdi, MDI));
  fail_unless (gst_video_mastering_display_info_from_caps (&out_mdi,
          t->out_caps), "%" GST_PTR_FORMAT, t->out_caps);
  fail_unless (gst_video_mastering_display_info_is_equal (&in_mdi,
          &out_mdi));
  fail_unless (gst_video_content_light_level_from_string (&in_cll, CLL));
  fail_unless (gst_video_content_light_level_from_caps (&out_cll,
          t->out_caps), "%" GST_PTR_FORMAT, t->out_caps);
  fail_unless (gst_video_content_light_level_is_equal (&in_cll, &out_cll));
  run_free (r);
}

GST_END_TEST;

/* 6 channels FL FR FC LFE RL RR: the channel-mask comes back, and the
 * decoder lays the channels out the same way */
static void
check_51 (const gchar * enc, const gchar * dec)
{
  gchar *src = g_strdup_printf ("audiotestsrc num-buffers=12 ! audio/x-raw,"
      "rate=48000,channels=6,channel-mask=(bitmask)0x3f ! audioconvert ! %s",
      enc);
  Run *r = single ("audio", src, dec, MUX);
  Track *t = g_ptr_array_index (r->tracks, 0);
  GstStructure *s;
  guint64 mask = 0;
  gint channels = 0;

  check_track (r, t, TRUE);
  fail_unless (t->out_caps != NULL);
  s = gst_caps_get_structure (t->out_caps, 0);
  fail_unless (gst_structure_get_int (s, "channels", &channels));
  fail_unless_equals_int (channels, 6);
  fail_unless (gst_structure_get (s, "channel-mask", GST_TYPE_BITMASK, &mask,
          NULL), "%s: %" GST_PTR_FORMAT, enc, t->out_caps);
  fail_unless_equals_uint64 (mask, 0x3f);
  run_free (r);
  g_free (src);
}

GST_START_TEST (test_51)
{
  check_51 ("avenc_ac3 ! ac3parse", "ac3parse ! avdec_ac3");
  check_51 ("opusenc", "opusparse ! opusdec");
}

GST_END_TEST;

/* ---- FFmpeg's legacy FLV ------------------------------------------------ */

static gboolean
spawn (const gchar * const *argv, gchar ** out)
{
  GError *err = NULL;
  gint status = -1;

  if (!g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_SEARCH_PATH |
          (out ? 0 : G_SPAWN_STDOUT_TO_DEV_NULL) | G_SPAWN_STDERR_TO_DEV_NULL,
          NULL, NULL, out, NULL, &status, &err)) {
    g_print ("%s: %s\n", argv[0], err->message);
    g_error_free (err);
    return FALSE;
  }
  return g_spawn_check_wait_status (status, NULL);
}

/* packets of stream @sel (v:0 / a:0) by ffprobe's count */
static guint
ffprobe_packets (const gchar * path, const gchar * sel)
{
  const gchar *argv[] = { "ffprobe", "-v", "error", "-count_packets",
    "-select_streams", sel, "-show_entries", "stream=nb_read_packets",
    "-of", "csv=p=0", path, NULL
  };
  gchar *out = NULL;
  guint n;

  fail_unless (spawn (argv, &out));
  n = (guint) g_ascii_strtoull (out, NULL, 10);
  g_free (out);
  return n;
}

static void
on_counted (GstElement * sink, GstBuffer * buf, GstPad * pad, guint * n)
{
  (*n)++;
}

GST_START_TEST (test_ffmpeg_interop)
{
  gchar *path = g_build_filename (g_get_tmp_dir (), "roundtrip-XXXXXX.flv",
      NULL), *desc;
  const gchar *argv[] = { "ffmpeg", "-nostdin", "-y", "-v", "error",
    "-f", "lavfi", "-i", "testsrc=size=160x120:rate=30:duration=2",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2",
    "-c:v", "libx264", "-bf", "2", "-g", "15", "-c:a", "aac",
    "-f", "flv", NULL, NULL
  };
  gint fd = g_mkstemp (path);
  guint video, audio, nv = 0, na = 0;
  GstElement *p, *vs, *as;
  GError *err = NULL;
  GstMessage *msg;
  GstBus *bus;

  fail_unless (fd >= 0);
  close (fd);
  argv[G_N_ELEMENTS (argv) - 2] = path;
  if (!spawn (argv, NULL)) {
    g_print ("SKIP test_ffmpeg_interop: ffmpeg with libx264 and aac did not "
        "run\n");
    g_unlink (path);
    g_free (path);
    return;
  }
  video = ffprobe_packets (path, "v:0");
  audio = ffprobe_packets (path, "a:0");
  fail_unless_equals_int (video, 60);
  fail_unless (audio > 0);

  desc = g_strdup_printf ("filesrc location=\"%s\" ! erdemux name=d "
      "d.video ! queue ! h264parse ! avdec_h264 ! fakesink name=v "
      "signal-handoffs=true d.audio ! queue ! aacparse ! avdec_aac ! "
      "fakesink name=a signal-handoffs=true", path);
  p = gst_parse_launch (desc, &err);
  fail_unless (p != NULL, "%s: %s", desc, err ? err->message : "?");
  vs = gst_bin_get_by_name (GST_BIN (p), "v");
  as = gst_bin_get_by_name (GST_BIN (p), "a");
  g_signal_connect (vs, "handoff", G_CALLBACK (on_counted), &nv);
  g_signal_connect (as, "handoff", G_CALLBACK (on_counted), &na);
  fail_unless (gst_element_set_state (p, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  bus = gst_element_get_bus (p);
  msg = gst_bus_timed_pop_filtered (bus, RUN_TIMEOUT,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no EOS in time");
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS,
      "%" GST_PTR_FORMAT, msg);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (p, GST_STATE_NULL);
  g_print ("ffmpeg legacy FLV: %u/%u video, %u/%u audio frames decoded\n",
      nv, video, na, audio);
  fail_unless_equals_int (nv, video);
  fail_unless_equals_int (na, audio);
  gst_object_unref (vs);
  gst_object_unref (as);
  gst_object_unref (p);
  g_free (desc);
  g_unlink (path);
  g_free (path);
}

GST_END_TEST;

static Suite *
roundtrip_suite (void)
{
  Suite *s = suite_create ("roundtrip");
  TCase *codecs = tcase_create ("codecs");
  TCase *streams = tcase_create ("streams");
  TCase *interop = tcase_create ("interop");

  suite_add_tcase (s, codecs);
  tcase_add_test (codecs, test_h264_bframes);
  tcase_add_test (codecs, test_h264_legacy);
  tcase_add_test (codecs, test_h265_bframes);
  tcase_add_test (codecs, test_av1);
  tcase_add_test (codecs, test_vp9);
  tcase_add_test (codecs, test_vp8);
  tcase_add_test (codecs, test_opus);
  tcase_add_test (codecs, test_flac);
  tcase_add_test (codecs, test_ac3);
  tcase_add_test (codecs, test_eac3);
  tcase_add_test (codecs, test_aac);
  tcase_add_test (codecs, test_mp3);
  suite_add_tcase (s, streams);
  tcase_add_test (streams, test_multitrack);
  tcase_add_test (streams, test_hdr);
  tcase_add_test (streams, test_51);
  suite_add_tcase (s, interop);
  tcase_add_test (interop, test_ffmpeg_interop);
  return s;
}

GST_CHECK_MAIN (roundtrip);
