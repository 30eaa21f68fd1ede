/* gst-ertmp: rtmppushsink against real servers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A publisher pipeline "<encoders> ! flvemux ! rtmppushsink" pushes a
 * short stream to a server on 127.0.0.1 that the test starts and stops:
 * rtmpingestsrc (in process), nginx-rtmp, FFmpeg's one-shot "-listen"
 * server and node-media-server.  What the encoders gave flvemux (pad
 * probes) is compared with what comes out of the far side's demuxer
 * (appsinks): the same frames, byte for byte, in the same order, with the
 * same PTS and DTS in running time (PTS and audio DTS to the nanosecond
 * where ModEx carries it, video DTS to the millisecond), the same
 * codec_data, and every frame decodes (a decoder beside each appsink).
 * The sink fires "server-capabilities" once per push; its stats after EOS
 * account for the whole push.
 *
 * A test is skipped (not failed) only when a program it runs is missing.
 */
#include <stdio.h>
#include <string.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_peer.h"

/* Bounds that only catch hangs (ertmp_peer.h) */
#define RUN_TIMEOUT_MS ((gint) (ERTMP_TEST_HANG_BOUND / GST_MSECOND))
#define STOP_LIMIT ERTMP_TEST_STOP_BOUND
/* Polling step for what gives no event (a log line, a listening socket) */
#define POLL_MS 10
/* A first "npm install" (.ci/setup does it; later runs reuse it) */
#define NPM_TIMEOUT_MS RUN_TIMEOUT_MS
#define NMS_VERSION "4.4.3"
/* After the publisher's end, for what a server still relays (a bound on a
 * wait for the last frame, not a window) */
#define DRAIN_MS RUN_TIMEOUT_MS

/* ---- captured frames ----------------------------------------------------- */

/* A buffer's PTS and DTS in running time (DTS may be negative) */
typedef struct
{
  GstClockTimeDiff pts, dts;
} Stamp;

typedef struct
{
  gchar *pad;                   /* video, audio, video_1, ... */
  GPtrArray *bufs;              /* GstBuffer, in order */
  GArray *stamps;               /* Stamp, one per buffer */
  GstCaps *caps;                /* the latest */
  guint decoded;                /* buffers out of its decoder */
} Track;

typedef struct
{
  GMutex lock;
  GCond cond;
  GPtrArray *tracks;            /* Track */
} Capture;

static void
track_free (Track * t)
{
  g_free (t->pad);
  g_ptr_array_unref (t->bufs);
  g_array_unref (t->stamps);
  gst_clear_caps (&t->caps);
  g_free (t);
}

static void
capture_init (Capture * c)
{
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  c->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify) track_free);
}

static void
capture_clear (Capture * c)
{
  g_ptr_array_unref (c->tracks);
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
}

/* The track @pad, NULL when there is none (lock held) */
static Track *
capture_find (const Capture * c, const gchar * pad)
{
  guint i;

  for (i = 0; i < c->tracks->len; i++) {
    Track *t = g_ptr_array_index (c->tracks, i);

    if (strcmp (t->pad, pad) == 0)
      return t;
  }
  return NULL;
}

/* The track @pad, created when new (lock held) */
static Track *
capture_track (Capture * c, const gchar * pad)
{
  Track *t = capture_find (c, pad);

  if (t == NULL) {
    t = g_new0 (Track, 1);
    t->pad = g_strdup (pad);
    t->bufs = g_ptr_array_new_with_free_func ((GDestroyNotify)
        gst_buffer_unref);
    t->stamps = g_array_new (FALSE, FALSE, sizeof (Stamp));
    g_ptr_array_add (c->tracks, t);
  }
  return t;
}

static GstClockTimeDiff
running_time (const GstSegment * segment, GstClockTime t)
{
  guint64 rt = 0;
  gint sign;

  if (!GST_CLOCK_TIME_IS_VALID (t))
    return GST_CLOCK_STIME_NONE;
  sign = gst_segment_to_running_time_full (segment, GST_FORMAT_TIME, t, &rt);
  return sign < 0 ? -(GstClockTimeDiff) rt : (GstClockTimeDiff) rt;
}

/* @buf, with its times in running time in @segment (PTS for a missing
 * DTS) */
static void
capture_add (Capture * c, Track * t, GstBuffer * buf, GstCaps * caps,
    const GstSegment * segment)
{
  Stamp st;

  fail_unless (segment != NULL && segment->format == GST_FORMAT_TIME);
  st.pts = running_time (segment, GST_BUFFER_PTS (buf));
  st.dts = GST_BUFFER_DTS_IS_VALID (buf) ?
      running_time (segment, GST_BUFFER_DTS (buf)) : st.pts;
  g_mutex_lock (&c->lock);
  g_ptr_array_add (t->bufs, gst_buffer_ref (buf));
  g_array_append_val (t->stamps, st);
  if (caps != NULL)
    gst_caps_replace (&t->caps, caps);
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

static gboolean
same_bytes (GstBuffer * a, GstBuffer * b)
{
  GstMapInfo map;
  gboolean same;

  if (gst_buffer_get_size (a) != gst_buffer_get_size (b))
    return FALSE;
  fail_unless (gst_buffer_map (a, &map, GST_MAP_READ));
  same = gst_buffer_memcmp (b, 0, map.data, map.size) == 0;
  gst_buffer_unmap (a, &map);
  return same;
}

/* ---- streams ------------------------------------------------------------- */

/* One elementary stream through the muxer and back out of the demuxer */
typedef struct
{
  const gchar *pad;             /* flvemux sink pad = demuxer src pad */
  const gchar *encode;          /* "source ! ... ! encoder [! parser]" */
  const gchar *decode;          /* "[parser !] decoder" */
} Stream;

/* 1 s of 160x120 video at 30 fps: 33.3 ms frames, not whole milliseconds */
#define VIDEO "videotestsrc num-buffers=30 ! video/x-raw,format=I420," \
  "width=160,height=120,framerate=30/1 ! "
/* 1 s of stereo audio in 1024-sample buffers; frames at 44.1 kHz are
 * not whole milliseconds */
#define AUDIO(rate, n) "audiotestsrc num-buffers=" n " samplesperbuffer=1024 " \
  "! audio/x-raw,rate=" rate ",channels=2 ! audioconvert ! "
#define AUDIO_44 AUDIO ("44100", "43")
#define AUDIO_48 AUDIO ("48000", "47")

#define H264_ENC VIDEO "x264enc speed-preset=ultrafast key-int-max=15 ! " \
  "h264parse"
#define H265_ENC VIDEO "x265enc speed-preset=ultrafast key-int-max=15 ! " \
  "h265parse"
#define AV1_ENC VIDEO "av1enc cpu-used=8 usage-profile=realtime ! av1parse"
#define VP9_ENC VIDEO "vp9enc deadline=1 cpu-used=8"
#define VP8_ENC VIDEO "vp8enc deadline=1 cpu-used=8"

#define H264_DEC "h264parse ! avdec_h264"
#define H265_DEC "h265parse ! avdec_h265"
#define AV1_DEC "av1parse ! av1dec"
#define VP9_DEC "vp9dec"
#define VP8_DEC "vp8dec"
#define AAC_DEC "aacparse ! avdec_aac"
#define OPUS_DEC "opusdec"
#define FLAC_DEC "flacparse ! flacdec"
#define MP3_DEC "mpegaudioparse ! mpg123audiodec"
#define AC3_DEC "ac3parse ! avdec_ac3"
#define EAC3_DEC "ac3parse ! avdec_eac3"

static const Stream h264_aac[] = {
  {"video", H264_ENC, H264_DEC},
  {"audio", AUDIO_44 "avenc_aac", AAC_DEC},
  {NULL, NULL, NULL}
};

static const Stream hevc_opus[] = {
  {"video", H265_ENC, H265_DEC},
  {"audio", AUDIO_48 "opusenc", OPUS_DEC},
  {NULL, NULL, NULL}
};

/* ---- pipelines ----------------------------------------------------------- */

/* Pops messages until EOS (TRUE), or fails on an error; FALSE on timeout */
static gboolean
wait_eos (GstElement * pipeline, guint timeout_ms, const gchar * what)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus,
      timeout_ms * GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gchar *text = msg ? ertmp_peer_describe_message (msg) : NULL;

  gst_object_unref (bus);
  if (msg == NULL)
    return FALSE;
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS, "%s: %s", what,
      text);
  g_free (text);
  gst_message_unref (msg);
  return TRUE;
}

static void
expect_eos (GstElement * pipeline, guint timeout_ms, const gchar * what)
{
  fail_unless (wait_eos (pipeline, timeout_ms, what), "%s: no EOS within %u "
      "ms", what, timeout_ms);
}

/* Waits for the element message @name (or fails on an error/timeout) */
static void
expect_element_message (GstElement * pipeline, const gchar * name)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 deadline = g_get_monotonic_time () + RUN_TIMEOUT_MS * 1000;
  GstMessage *msg;

  while (TRUE) {
    gint64 left = deadline - g_get_monotonic_time ();

    msg = gst_bus_timed_pop_filtered (bus, left > 0 ? left * GST_USECOND : 0,
        GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    if (msg == NULL || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR ||
        gst_message_has_name (msg, name))
      break;
    gst_message_unref (msg);
  }
  fail_unless (msg != NULL, "no %s within %d ms", name, RUN_TIMEOUT_MS);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *text = ertmp_peer_describe_message (msg);

    fail ("waiting for %s: %s", name, text);
    g_free (text);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
}

static void
stop_pipeline (GstElement * pipeline)
{
  gint64 start = g_get_monotonic_time ();

  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  fail_unless ((g_get_monotonic_time () - start) * GST_USECOND < STOP_LIMIT,
      "going to NULL took %" G_GINT64_FORMAT " ms",
      (g_get_monotonic_time () - start) / 1000);
}

static GstElement *
launch (const gchar * desc)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);

  fail_unless (p != NULL && err == NULL, "%s: %s", desc,
      err ? err->message : "?");
  return p;
}

/* ---- the publisher ------------------------------------------------------- */

typedef struct
{
  GstElement *pipeline, *sink;
  Capture sent;
  guint capabilities;           /* "server-capabilities" emissions */
  GstStructure *server;         /* the last one's argument */
  GstStructure *stats;          /* the sink's, after EOS */
} Publisher;

/* What the encoders gave the muxer.  In-band headers of a codec whose caps
 * carry a streamheader (FLAC's "fLaC" and metadata blocks) are not frames:
 * they go out in the sequence start.  (A video key frame with its
 * parameter sets is flagged HEADER too: it is a frame.) */
static GstPadProbeReturn
on_sent (GstPad * pad, GstPadProbeInfo * info, Publisher * p)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstCaps *caps = gst_pad_get_current_caps (pad);
  const GstSegment *segment = NULL;
  GstEvent *ev;
  Track *t;

  if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_HEADER) && caps &&
      gst_structure_has_field (gst_caps_get_structure (caps, 0),
          "streamheader")) {
    gst_clear_caps (&caps);
    return GST_PAD_PROBE_OK;
  }
  g_mutex_lock (&p->sent.lock);
  t = capture_track (&p->sent, GST_PAD_NAME (pad));
  g_mutex_unlock (&p->sent.lock);
  ev = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  if (ev != NULL)
    gst_event_parse_segment (ev, &segment);
  capture_add (&p->sent, t, buf, caps, segment);
  gst_clear_event (&ev);
  gst_clear_caps (&caps);
  return GST_PAD_PROBE_OK;
}

static gboolean
probe_sink_pad (GstElement * mux, GstPad * pad, gpointer p)
{
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) on_sent, p, NULL);
  return TRUE;
}

static void
on_server_capabilities (GstElement * sink, const GstStructure * s,
    Publisher * p)
{
  p->capabilities++;
  if (p->server != NULL)
    gst_structure_free (p->server);
  p->server = gst_structure_copy (s);
}

static void
set_live (const GValue * item, gpointer data)
{
  GObject *src = g_value_get_object (item);

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (src), "is-live"))
    g_object_set (src, "is-live", TRUE, NULL);
}

/* "@mux name=m ! rtmppushsink location=@url <streams>"; @live: the test
 * sources run in real time */
static Publisher *
publisher_new (const gchar * mux, const Stream * streams, const gchar * url,
    gboolean live)
{
  Publisher *p = g_new0 (Publisher, 1);
  GString *desc = g_string_new (NULL);
  GstElement *m;
  GstIterator *it;

  g_string_printf (desc, "%s name=m ! rtmppushsink name=pub location=%s",
      mux, url);
  for (; streams->pad; streams++)
    g_string_append_printf (desc, " %s ! m.%s", streams->encode,
        streams->pad);
  capture_init (&p->sent);
  p->pipeline = launch (desc->str);
  p->sink = gst_bin_get_by_name (GST_BIN (p->pipeline), "pub");
  g_signal_connect (p->sink, "server-capabilities",
      G_CALLBACK (on_server_capabilities), p);
  m = gst_bin_get_by_name (GST_BIN (p->pipeline), "m");
  gst_element_foreach_sink_pad (m, probe_sink_pad, p);
  gst_object_unref (m);
  if (live) {
    it = gst_bin_iterate_sources (GST_BIN (p->pipeline));
    gst_iterator_foreach (it, set_live, NULL);
    gst_iterator_free (it);
  }
  g_string_free (desc, TRUE);
  return p;
}

static void
publisher_start (Publisher * p)
{
  fail_unless (gst_element_set_state (p->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE, "publisher cannot start");
}

/* Runs until EOS, keeps the stats, stops */
static void
publisher_finish (Publisher * p)
{
  expect_eos (p->pipeline, RUN_TIMEOUT_MS, "publisher");
  g_object_get (p->sink, "stats", &p->stats, NULL);
  stop_pipeline (p->pipeline);
}

static void
publisher_free (Publisher * p)
{
  gst_object_unref (p->sink);
  gst_object_unref (p->pipeline);
  capture_clear (&p->sent);
  if (p->server != NULL)
    gst_structure_free (p->server);
  if (p->stats != NULL)
    gst_structure_free (p->stats);
  g_free (p);
}

/* ---- the receiver -------------------------------------------------------- */

typedef struct
{
  GstElement *pipeline;
  Capture got;
} Receiver;

typedef struct
{
  Capture *capture;
  Track *track;
} Tap;

static GstFlowReturn
on_got (GstElement * appsink, Tap * tap)
{
  GstSample *sample = NULL;

  g_signal_emit_by_name (appsink, "pull-sample", &sample);
  if (sample == NULL)
    return GST_FLOW_EOS;
  capture_add (tap->capture, tap->track, gst_sample_get_buffer (sample),
      gst_sample_get_caps (sample), gst_sample_get_segment (sample));
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

static void
on_decoded (GstElement * sink, GstBuffer * buf, GstPad * pad, Tap * tap)
{
  g_mutex_lock (&tap->capture->lock);
  tap->track->decoded++;
  g_cond_broadcast (&tap->capture->cond);
  g_mutex_unlock (&tap->capture->lock);
}

static void
free_tap (gpointer data, GClosure * closure)
{
  g_free (data);
}

/* Connects @signal of the element "@prefix_@pad" to @handler */
static void
tap (Receiver * r, const gchar * prefix, const gchar * pad,
    const gchar * signal, GCallback handler)
{
  gchar *name = g_strdup_printf ("%s_%s", prefix, pad);
  GstElement *e = gst_bin_get_by_name (GST_BIN (r->pipeline), name);
  Tap *t = g_new (Tap, 1);

  t->capture = &r->got;
  t->track = capture_find (&r->got, pad);
  g_signal_connect_data (e, signal, handler, t, free_tap, 0);
  gst_object_unref (e);
  g_free (name);
}

/* "@head name=d" (@head ends in a demuxer) and, for each stream, its pad
 * into an appsink and a decoder.  Sinks are not async: a pad that never
 * comes must not hold the others in PAUSED. */
static Receiver *
receiver_new (const gchar * head, const Stream * streams)
{
  Receiver *r = g_new0 (Receiver, 1);
  GString *desc = g_string_new (NULL);
  const Stream *s;

  capture_init (&r->got);
  g_string_printf (desc, "%s name=d", head);
  for (s = streams; s->pad; s++) {
    g_string_append_printf (desc, " d.%s ! tee name=t_%s ! queue ! "
        "appsink name=got_%s sync=false async=false emit-signals=true t_%s. ! "
        "queue ! %s ! fakesink name=dec_%s sync=false async=false "
        "signal-handoffs=true", s->pad, s->pad, s->pad, s->pad, s->decode,
        s->pad);
    capture_track (&r->got, s->pad);
  }
  r->pipeline = launch (desc->str);
  for (s = streams; s->pad; s++) {
    tap (r, "got", s->pad, "new-sample", G_CALLBACK (on_got));
    tap (r, "dec", s->pad, "handoff", G_CALLBACK (on_decoded));
  }
  g_string_free (desc, TRUE);
  return r;
}

static void
receiver_start (Receiver * r)
{
  fail_unless (gst_element_set_state (r->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE, "receiver cannot start");
}

/* TRUE when @got ends with the last frame of @sent (lock held) */
static gboolean
got_last (const Track * got, const Capture * sent)
{
  const Track *want = capture_find (sent, got->pad);

  fail_unless (want != NULL && want->bufs->len > 0, "nothing sent on %s",
      got->pad);
  return got->bufs->len > 0 &&
      same_bytes (g_ptr_array_index (want->bufs, want->bufs->len - 1),
      g_ptr_array_index (got->bufs, got->bufs->len - 1));
}

/* For a server that sends no EOS at the end of a stream: waits until
 * every track received the last frame of @sent (or @timeout_ms passed),
 * then ends the stream so that the decoders drain.  FALSE when EOS did
 * not come out (a pad never came: check_frames () says which). */
static gboolean
receiver_end (Receiver * r, const Capture * sent, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;
  guint i;

  g_mutex_lock (&r->got.lock);
  for (i = 0; i < r->got.tracks->len; i++)
    while (!got_last (g_ptr_array_index (r->got.tracks, i), sent))
      if (!g_cond_wait_until (&r->got.cond, &r->got.lock, deadline))
        break;
  g_mutex_unlock (&r->got.lock);
  gst_element_send_event (r->pipeline, gst_event_new_eos ());
  return wait_eos (r->pipeline, DRAIN_MS, "receiver");
}

static void
receiver_free (Receiver * r)
{
  gst_object_unref (r->pipeline);
  capture_clear (&r->got);
  g_free (r);
}

/* ---- the comparison ------------------------------------------------------ */

static gboolean
within (GstClockTimeDiff d, GstClockTime tolerance)
{
  return ABS (d) <= (GstClockTimeDiff) tolerance;
}

/* The codec_data @sent's caps carry arrived as they were */
static void
check_codec_data (const Track * sent, const Track * got)
{
  const GValue *a, *b;

  if (sent->caps == NULL)
    return;
  a = gst_structure_get_value (gst_caps_get_structure (sent->caps, 0),
      "codec_data");
  if (a == NULL)
    return;
  fail_unless (got->caps != NULL, "%s: no caps", got->pad);
  b = gst_structure_get_value (gst_caps_get_structure (got->caps, 0),
      "codec_data");
  if (b == NULL || gst_value_compare (a, b) != GST_VALUE_EQUAL) {
    gchar *x = gst_caps_to_string (sent->caps);
    gchar *y = gst_caps_to_string (got->caps);

    fail ("%s: codec_data sent in %s, received in %s", got->pad, x, y);
    g_free (x);
    g_free (y);
  }
}

/* What a server may take away: frames at the start of a track (a player
 * that joined late) and at its end */
typedef struct
{
  guint head, tail;
} Loss;

static const Loss no_loss = { 0, 0 };

/* Frame @j of @got is frame @i of @sent: bytes, and timestamps moved by
 * @offset (PTS and audio DTS within @tolerance, video DTS within a
 * millisecond more: FLV timestamps are DTS in whole milliseconds;
 * GST_CLOCK_TIME_NONE: not compared) */
static void
check_frame (const Track * sent, guint i, const Track * got, guint j,
    GstClockTimeDiff offset, GstClockTime tolerance)
{
  GstBuffer *a = g_ptr_array_index (sent->bufs, i);
  GstBuffer *b = g_ptr_array_index (got->bufs, j);
  const Stamp *x = &g_array_index (sent->stamps, Stamp, i);
  const Stamp *y = &g_array_index (got->stamps, Stamp, j);
  GstClockTime dts_tol = tolerance +
      (g_str_has_prefix (sent->pad, "video") ? GST_MSECOND - 1 : 0);

  fail_unless (same_bytes (a, b), "%s frame %u: %" G_GSIZE_FORMAT " bytes "
      "sent, %" G_GSIZE_FORMAT " other bytes received", sent->pad, i,
      gst_buffer_get_size (a), gst_buffer_get_size (b));
  if (!GST_CLOCK_TIME_IS_VALID (tolerance))
    return;
  fail_unless (within (y->pts - x->pts - offset, tolerance), "%s frame %u: "
      "PTS %" GST_STIME_FORMAT " sent, %" GST_STIME_FORMAT " received "
      "(offset %" GST_STIME_FORMAT ")", sent->pad, i, GST_STIME_ARGS (x->pts),
      GST_STIME_ARGS (y->pts), GST_STIME_ARGS (offset));
  fail_unless (within (y->dts - x->dts - offset, dts_tol), "%s frame %u: "
      "DTS %" GST_STIME_FORMAT " sent, %" GST_STIME_FORMAT " received "
      "(offset %" GST_STIME_FORMAT ")", sent->pad, i, GST_STIME_ARGS (x->dts),
      GST_STIME_ARGS (y->dts), GST_STIME_ARGS (offset));
}

/* The sent frame that @got starts with, at most @loss->head in */
static guint
first_frame (const Track * sent, const Track * got, const Loss * loss,
    const gchar * what)
{
  guint i;

  for (i = 0; i <= loss->head && i < sent->bufs->len; i++)
    if (same_bytes (g_ptr_array_index (sent->bufs, i),
            g_ptr_array_index (got->bufs, 0)))
      return i;
  fail ("%s: %s: the first frame received is none of the first %u sent",
      what, sent->pad, loss->head + 1);
  return 0;
}

/* Every frame of @sent came out of @got in order, bytes unchanged, time
 * shifted by one offset for all tracks (see check_frame ()), and decoded;
 * except what @loss allows */
static void
check_frames (const Capture * sent, const Capture * got,
    GstClockTime tolerance, const Loss * loss, const gchar * what)
{
  GstClockTimeDiff offset = 0;
  guint i, j;

  fail_unless (sent->tracks->len > 0, "%s: nothing sent", what);
  fail_unless_equals_int (got->tracks->len, sent->tracks->len);
  for (i = 0; i < sent->tracks->len; i++) {
    const Track *a = g_ptr_array_index (sent->tracks, i);
    const Track *b = capture_find (got, a->pad);
    guint first, n;

    fail_unless (b != NULL, "%s: no %s received", what, a->pad);
    fail_unless (a->bufs->len > 0 && b->bufs->len > 0, "%s: %s: %u frames "
        "sent, %u received", what, a->pad, a->bufs->len, b->bufs->len);
    first = first_frame (a, b, loss, what);
    if (i == 0)
      offset = g_array_index (b->stamps, Stamp, 0).pts -
          g_array_index (a->stamps, Stamp, first).pts;
    n = a->bufs->len - first;
    for (j = 0; j < MIN (n, b->bufs->len); j++)
      check_frame (a, first + j, b, j, offset, tolerance);
    fail_unless (b->bufs->len <= n && b->bufs->len + loss->tail >= n,
        "%s: %s: %u frames sent (from frame %u on), %u received", what,
        a->pad, n, first, b->bufs->len);
    check_codec_data (a, b);
    fail_unless (b->decoded == b->bufs->len, "%s: %s: %u frames received, "
        "%u decoded", what, a->pad, b->bufs->len, b->decoded);
    g_print ("%s: %s: %u of %u frames identical (from frame %u on), "
        "decoded\n", what, a->pad, b->bufs->len, a->bufs->len, first);
  }
}

/* ---- pushing to rtmpingestsrc -------------------------------------------- */

/* The stats after a push (EOS): bytes went out, every frame was counted
 * (tags: frames plus sequence start/end), and the server answered connect
 * with its version and FourCCs */
static void
check_stats (const Publisher * p, const gchar * what)
{
  const GstStructure *s = p->stats;
  const gchar *frames, *version, *fourccs;
  guint64 out_bytes = 0;
  gchar *text;
  guint i;

  fail_unless (s != NULL, "%s: no stats", what);
  text = gst_structure_to_string (s);
  fail_unless (gst_structure_get_uint64 (s, "out-bytes-total", &out_bytes) &&
      out_bytes > 0, "%s: stats %s", what, text);
  frames = gst_structure_get_string (s, "frames");
  fail_unless (frames != NULL, "%s: no frames in %s", what, text);
  for (i = 0; i < p->sent.tracks->len; i++) {
    const Track *t = g_ptr_array_index (p->sent.tracks, i);
    const gchar *sep = strchr (t->pad, '_');
    gchar *key = g_strdup_printf ("%s%s=", g_str_has_prefix (t->pad,
            "video") ? "video" : "audio", sep ? sep + 1 : "0");
    const gchar *at = strstr (frames, key);
    guint64 n = at ? g_ascii_strtoull (at + strlen (key), NULL, 10) : 0;

    /* tags: the frames and the sequence start/end */
    fail_unless (n >= t->bufs->len, "%s: stats frames \"%s\": %s%u frames "
        "sent (stats %s)", what, frames, key, t->bufs->len, text);
    g_free (key);
  }
  version = gst_structure_get_string (s, "server-version");
  fail_unless (version != NULL && *version, "%s: no server-version", what);
  fourccs = gst_structure_get_string (s, "server-fourcc-list");
  fail_unless (fourccs != NULL && strstr (fourccs, "hvc1") &&
      strstr (fourccs, "av01") && strstr (fourccs, "vp09") &&
      strstr (fourccs, "Opus"), "%s: server-fourcc-list \"%s\"", what,
      fourccs);
  /* the same as "server-capabilities" said */
  fail_unless_equals_string (gst_structure_get_string (p->server,
          "server-version"), version);
  g_print ("%s: stats frames %s, %" G_GUINT64_FORMAT " bytes out, server %s "
      "(%s)\n", what, frames, out_bytes, version, fourccs);
  g_free (text);
}

#define INGEST_HEAD "rtmpingestsrc name=src host=127.0.0.1 port=0 " \
  "keep-listening=false ! erdemux"
/* every tag Enhanced (H.264, AAC and MP3 too), so every one carries the
 * sub-millisecond part of its timestamp */
#define MODEX_MUX "flvemux timestamp-offset-nano=true " \
  "enhanced-legacy-codecs=true"

/* In process: @streams through flvemux with ModEx nanosecond offsets,
 * rtmppushsink and rtmpingestsrc ! erdemux; PTS and audio DTS exact */
static void
check_ingest (const Stream * streams, gboolean live, gboolean stats,
    const gchar * what)
{
  Receiver *r = receiver_new (INGEST_HEAD, streams);
  GstElement *src;
  Publisher *p;
  gchar *url;
  gint port = 0;
  gboolean eos;

  receiver_start (r);
  src = gst_bin_get_by_name (GST_BIN (r->pipeline), "src");
  g_object_get (src, "bound-port", &port, NULL);
  gst_object_unref (src);
  fail_unless (port > 0, "bound-port %d", port);
  url = g_strdup_printf ("rtmp://127.0.0.1:%d/live/key", port);
  p = publisher_new (MODEX_MUX, streams, url, live);
  publisher_start (p);
  publisher_finish (p);
  /* EOS follows promptly, unless a pad never came (then check_frames ()
   * says which) */
  expect_element_message (r->pipeline, "rtmp-ingest-publish-end");
  eos = wait_eos (r->pipeline, DRAIN_MS, "rtmpingestsrc ! erdemux");
  stop_pipeline (r->pipeline);
  check_frames (&p->sent, &r->got, 0, &no_loss, what);
  fail_unless (eos, "%s: no EOS", what);
  fail_unless_equals_int (p->capabilities, 1);
  if (stats)
    check_stats (p, what);
  publisher_free (p);
  receiver_free (r);
  g_free (url);
}

GST_START_TEST (test_ingest_h264_aac)
{
  check_ingest (h264_aac, FALSE, FALSE, "H.264 + AAC");
}

GST_END_TEST;

GST_START_TEST (test_ingest_hevc_opus)
{
  check_ingest (hevc_opus, FALSE, FALSE, "HEVC + Opus");
}

GST_END_TEST;

/* After EOS the stats hold the whole push: bytes, every frame, the
 * server's version and FourCCs; "server-capabilities" fired once */
GST_START_TEST (test_ingest_stats)
{
  check_ingest (hevc_opus, FALSE, TRUE, "stats");
}

GST_END_TEST;

/* Live sources: flvemux meets the video after the connection opened and
 * sends its sequence start (and a new streamheader) mid-stream */
GST_START_TEST (test_ingest_live)
{
  /* no B-frames: live, the first DTS would fall before running time 0,
   * where no FLV timestamp can go (flvemux clamps it) */
  static const Stream streams[] = {
    {"video", VIDEO "x265enc speed-preset=ultrafast tune=zerolatency "
          "key-int-max=15 ! h265parse", H265_DEC},
    {"audio", AUDIO_48 "opusenc", OPUS_DEC},
    {NULL, NULL, NULL}
  };

  check_ingest (streams, TRUE, FALSE, "live HEVC + Opus");
}

GST_END_TEST;

GST_START_TEST (test_ingest_av1_flac)
{
  static const Stream streams[] = {
    {"video", AV1_ENC, AV1_DEC},
    {"audio", AUDIO_44 "flacenc blocksize=1152", FLAC_DEC},
    {NULL, NULL, NULL}
  };

  check_ingest (streams, FALSE, FALSE, "AV1 + FLAC");
}

GST_END_TEST;

GST_START_TEST (test_ingest_vp9_mp3)
{
  static const Stream streams[] = {
    {"video", VP9_ENC, VP9_DEC},
    {"audio", AUDIO_44 "lamemp3enc", MP3_DEC},
    {NULL, NULL, NULL}
  };

  check_ingest (streams, FALSE, FALSE, "VP9 + MP3");
}

GST_END_TEST;

GST_START_TEST (test_ingest_vp8_ac3)
{
  static const Stream streams[] = {
    {"video", VP8_ENC, VP8_DEC},
    {"audio", AUDIO_44 "avenc_ac3 ! ac3parse", AC3_DEC},
    {NULL, NULL, NULL}
  };

  check_ingest (streams, FALSE, FALSE, "VP8 + AC-3");
}

GST_END_TEST;

GST_START_TEST (test_ingest_multitrack)
{
  static const Stream streams[] = {
    {"video", H264_ENC, H264_DEC},
    {"video_1", H265_ENC, H265_DEC},
    {"audio", AUDIO_44 "avenc_aac", AAC_DEC},
    {"audio_1", AUDIO_44 "avenc_eac3 ! ac3parse", EAC3_DEC},
    {NULL, NULL, NULL}
  };

  check_ingest (streams, FALSE, FALSE, "multitrack");
}

GST_END_TEST;

/* ---- helpers for external servers ---------------------------------------- */

typedef gboolean (*PollFunc) (gconstpointer data);

/* Polls @func every POLL_MS until it holds (TRUE), @peer exits or the
 * timeout passes: for what posts no event */
static gboolean
poll_until (PollFunc func, gconstpointer data, ErtmpPeer * peer)
{
  gint64 deadline = g_get_monotonic_time () + RUN_TIMEOUT_MS * 1000;

  while (!func (data)) {
    if (ertmp_peer_exited (peer) || g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (POLL_MS * 1000);
  }
  return TRUE;
}

/* 127.0.0.1:port listens (from /proc, without connecting: a one-shot
 * server would take the probe for its client) */
static gboolean
port_listening (gconstpointer data)
{
  /* local address, remote address, state LISTEN */
  gchar *want = g_strdup_printf ("0100007F:%04X 00000000:0000 0A",
      GPOINTER_TO_UINT (data));
  gchar *text = NULL;
  gboolean found;

  found = g_file_get_contents ("/proc/net/tcp", &text, NULL, NULL) &&
      strstr (text, want) != NULL;
  g_free (want);
  g_free (text);
  return found;
}

/* The file ((const gchar **) data)[0] (a log) contains the string [1] */
static gboolean
file_contains (gconstpointer data)
{
  const gchar *const *args = data;
  gchar *text = NULL;
  gboolean found;

  if (!g_file_get_contents (args[0], &text, NULL, NULL))
    return FALSE;
  found = strstr (text, args[1]) != NULL;
  g_free (text);
  return found;
}

static void
peer_fail (ErtmpPeer * peer, const gchar * what)
{
  gchar *log = ertmp_peer_log (peer);

  fail ("%s; its log:\n%s", what, log);
  g_free (log);
}

/* ---- nginx-rtmp ---------------------------------------------------------- */

/* nginx + nginx-rtmp on 127.0.0.1:@port.  Not ertmp_peer_start_nginx ():
 * nginx-rtmp's wait_key defaults to on, and it takes a frame for a key
 * frame only when the first byte's frame type reads 1: an Enhanced key
 * frame (0x9X) never does, so every Enhanced video tag would be dropped. */
static ErtmpPeer *
nginx_start (const gchar * dir, guint16 port)
{
  gchar *conf = g_build_filename (dir, "nginx.conf", NULL);
  gchar *elog = g_build_filename (dir, "error.log", NULL);
  gchar *prefix = g_strconcat (dir, "/", NULL);
  gchar *text = g_strdup_printf ("load_module "
      "/usr/lib/nginx/modules/ngx_rtmp_module.so;\n"
      "daemon off;\nmaster_process off;\n"
      "pid %s/nginx.pid;\nerror_log %s info;\n"
      "events { worker_connections 128; }\n"
      "rtmp { server { listen 127.0.0.1:%u; chunk_size 4096; "
      "max_message 16M;\n"
      "  application live { live on; record off; wait_key off; } } }\n",
      dir, elog, port);
  const gchar *argv[] = { "nginx", "-c", conf, "-p", prefix, "-e", elog,
    NULL
  };
  GError *err = NULL;
  ErtmpPeer *peer;

  fail_unless (g_file_set_contents (conf, text, -1, NULL));
  peer = ertmp_peer_spawn (argv, dir, &err);
  fail_unless (peer != NULL, "nginx: %s", err ? err->message : "?");
  if (!ertmp_peer_wait_port (port, peer, RUN_TIMEOUT_MS))
    peer_fail (peer, "nginx did not listen");
  g_free (text);
  g_free (prefix);
  g_free (elog);
  g_free (conf);
  return peer;
}

/* The player "rtmp2src ! @demux" joins first (nginx does not keep sequence
 * headers for late players, so every frame reaches it), then @mux
 * publishes; nginx ends the play stream after the publisher left.
 * @tolerance: on PTS, 0 when ModEx carries nanoseconds.  @lost_tail: the
 * stream's last message sometimes does not reach the player (seen with
 * rtmp2sink publishing too): for an Enhanced stream that is the audio
 * SequenceEnd, for legacy AAC its last frame. */
static void
check_nginx (const Stream * streams, const gchar * mux, const gchar * demux,
    GstClockTime tolerance, guint lost_tail, const gchar * what)
{
  const Loss loss = { 0, lost_tail };
  guint16 port = ertmp_peer_free_port ();
  gchar *dir, *url, *head, *elog;
  const gchar *played[2];
  ErtmpPeer *nginx;
  Publisher *p;
  Receiver *r;

  if (!ertmp_peer_have (what, "nginx"))
    return;
  dir = ertmp_peer_tmpdir ();
  nginx = nginx_start (dir, port);
  url = g_strdup_printf ("rtmp://127.0.0.1:%u/live/key", port);
  head = g_strdup_printf ("rtmp2src location=%s ! %s", url, demux);
  r = receiver_new (head, streams);
  receiver_start (r);
  /* nginx posts nothing we can wait on but its log line */
  elog = g_build_filename (dir, "error.log", NULL);
  played[0] = elog;
  played[1] = "play: name='key'";
  fail_unless (poll_until (file_contains, played, nginx), "no player");
  p = publisher_new (mux, streams, url, FALSE);
  publisher_start (p);
  publisher_finish (p);
  expect_eos (r->pipeline, RUN_TIMEOUT_MS, "rtmp2src");
  stop_pipeline (r->pipeline);
  check_frames (&p->sent, &r->got, tolerance, &loss, what);
  publisher_free (p);
  receiver_free (r);
  fail_unless (ertmp_peer_stop (nginx));
  ertmp_peer_rmdir (dir);
  g_free (elog);
  g_free (head);
  g_free (url);
  g_free (dir);
}

/* Legacy FLV: timestamps in whole milliseconds */
GST_START_TEST (test_nginx_legacy)
{
  check_nginx (h264_aac, "flvemux", "flvdemux", GST_MSECOND, 1,
      "nginx H.264 + AAC");
}

GST_END_TEST;

GST_START_TEST (test_nginx_hevc)
{
  check_nginx (hevc_opus, MODEX_MUX, "erdemux", 0, 0, "nginx HEVC + Opus");
}

GST_END_TEST;

GST_START_TEST (test_nginx_av1)
{
  static const Stream streams[] = {
    {"video", AV1_ENC, AV1_DEC},
    {"audio", AUDIO_48 "opusenc", OPUS_DEC},
    {NULL, NULL, NULL}
  };

  check_nginx (streams, MODEX_MUX, "erdemux", 0, 0, "nginx AV1 + Opus");
}

GST_END_TEST;

GST_START_TEST (test_nginx_vp9)
{
  static const Stream streams[] = {
    {"video", VP9_ENC, VP9_DEC},
    {"audio", AUDIO_48 "opusenc", OPUS_DEC},
    {NULL, NULL, NULL}
  };

  check_nginx (streams, MODEX_MUX, "erdemux", 0, 0, "nginx VP9 + Opus");
}

GST_END_TEST;

/* ---- FFmpeg -listen ------------------------------------------------------ */

/* FFmpeg 5.1 as a one-shot server recording to a file: legacy H.264 + AAC
 * come back out of flvdemux, in whole milliseconds */
GST_START_TEST (test_ffmpeg_listen)
{
  guint16 port = ertmp_peer_free_port ();
  gchar *dir, *url, *out, *head;
  const gchar *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-listen",
    "1", "-i", NULL, "-c", "copy", "-f", "flv", NULL, NULL
  };
  GError *err = NULL;
  ErtmpPeer *ffmpeg;
  Publisher *p;
  Receiver *r;

  if (!ertmp_peer_have ("test_ffmpeg_listen", "ffmpeg"))
    return;
  dir = ertmp_peer_tmpdir ();
  url = g_strdup_printf ("rtmp://127.0.0.1:%u/live/key", port);
  out = g_build_filename (dir, "out.flv", NULL);
  argv[6] = url;
  argv[11] = out;
  ffmpeg = ertmp_peer_spawn (argv, dir, &err);
  fail_unless (ffmpeg != NULL, "ffmpeg: %s", err ? err->message : "?");
  if (!poll_until (port_listening, GUINT_TO_POINTER (port), ffmpeg))
    peer_fail (ffmpeg, "ffmpeg did not listen");
  p = publisher_new ("flvemux", h264_aac, url, FALSE);
  publisher_start (p);
  publisher_finish (p);
  if (!ertmp_peer_wait (ffmpeg, RUN_TIMEOUT_MS) ||
      !ertmp_peer_succeeded (ffmpeg))
    peer_fail (ffmpeg, "ffmpeg did not record the stream");
  head = g_strdup_printf ("filesrc location=\"%s\" ! flvdemux", out);
  r = receiver_new (head, h264_aac);
  receiver_start (r);
  expect_eos (r->pipeline, RUN_TIMEOUT_MS, "out.flv");
  stop_pipeline (r->pipeline);
  check_frames (&p->sent, &r->got, GST_MSECOND, &no_loss, "ffmpeg -listen");
  publisher_free (p);
  receiver_free (r);
  ertmp_peer_stop (ffmpeg);
  ertmp_peer_rmdir (dir);
  g_free (head);
  g_free (out);
  g_free (url);
  g_free (dir);
}

GST_END_TEST;

/* ---- node-media-server --------------------------------------------------- */

/* Runs @argv to its end; TRUE when it succeeded.  Its log in *log. */
static gboolean
run_tool (const gchar * const *argv, const gchar * dir, guint timeout_ms,
    gchar ** log)
{
  ErtmpPeer *peer = ertmp_peer_spawn (argv, dir, NULL);
  gboolean ok;

  if (peer == NULL) {
    *log = g_strdup ("cannot start");
    return FALSE;
  }
  ok = ertmp_peer_wait (peer, timeout_ms) && ertmp_peer_succeeded (peer);
  *log = ertmp_peer_log (peer);
  ertmp_peer_stop (peer);
  return ok;
}

/* node-media-server's bin/app.js.  .ci/setup installs it (npm, Node >= 20)
 * in the prefix that ERTMP_NMS_PREFIX names (set by meson); when it is not
 * there yet, the test installs it the same way.  Node-media-server is one
 * of the peers this project must interoperate with: a missing Node 20 or
 * npm fails the test, it is never skipped. */
static gboolean
in_path (const gchar * program)
{
  gchar *path = g_find_program_in_path (program);

  g_free (path);
  return path != NULL;
}

static gchar *
nms_install (void)
{
  const gchar *node_argv[] = { "node", "--version", NULL };
  const gchar *prefix = g_getenv ("ERTMP_NMS_PREFIX");
  gchar *cache = prefix ? g_strdup (prefix) :
      g_build_filename (g_get_tmp_dir (), "ertmp-nms-" NMS_VERSION, NULL);
  gchar *app = g_build_filename (cache, "node_modules", "node-media-server",
      "bin", "app.js", NULL);
  const gchar *npm_argv[] = { "npm", "install", "--no-audit", "--no-fund",
    "--prefix", cache, "node-media-server@" NMS_VERSION, NULL
  };
  gchar *log = NULL;
  guint major = 0;

  fail_unless (in_path ("node"), "test_nms: no "
      "node in PATH; node-media-server " NMS_VERSION " needs Node >= 20");
  g_mkdir_with_parents (cache, 0755);
  fail_unless (run_tool (node_argv, cache, RUN_TIMEOUT_MS, &log) &&
      sscanf (log, "v%u", &major) == 1 && major >= 20, "test_nms: "
      "node-media-server " NMS_VERSION " needs Node >= 20, node --version: "
      "%s", log);
  if (!g_file_test (app, G_FILE_TEST_EXISTS)) {
    g_free (log);
    fail_unless (in_path ("npm"), "test_nms: no npm "
        "to install node-media-server " NMS_VERSION " (.ci/setup does)");
    fail_unless (run_tool (npm_argv, cache, NPM_TIMEOUT_MS, &log),
        "test_nms: npm install node-media-server@" NMS_VERSION " into %s "
        "failed:\n%s", cache, log);
  }
  g_free (log);
  g_free (cache);
  return app;
}

/* node-media-server from a scratch config in @dir (its first run rewrites
 * it), RTMP on @port, HTTP on @http, no admin */
static ErtmpPeer *
nms_start (const gchar * app, const gchar * dir, guint16 port, guint16 http)
{
  gchar *conf = g_build_filename (dir, "config.json", NULL);
  gchar *text = g_strdup_printf ("{\"bind\": \"127.0.0.1\", "
      "\"notify\": {\"url\": \"\"}, "
      "\"store\": {\"path\": \"./data\", \"maxHistory\": 100}, "
      "\"auth\": {\"play\": false, \"publish\": false, \"secret\": \"\"}, "
      "\"rtmp\": {\"port\": %u}, \"http\": {\"port\": %u}, "
      "\"webadmin\": {\"enable\": false}, "
      "\"record\": {\"auto\": false, \"path\": \"./record\"}}\n", port, http);
  const gchar *argv[] = { "node", app, "-c", conf, "--no-admin", NULL };
  GError *err = NULL;
  ErtmpPeer *peer;

  fail_unless (g_file_set_contents (conf, text, -1, NULL));
  peer = ertmp_peer_spawn (argv, dir, &err);
  fail_unless (peer != NULL, "node: %s", err ? err->message : "?");
  if (!ertmp_peer_wait_port (port, peer, RUN_TIMEOUT_MS))
    peer_fail (peer, "node-media-server did not listen");
  g_free (text);
  g_free (conf);
  return peer;
}

/* node-media-server serves no player before the publisher: the publisher
 * (one GOP, paced in real time by the sink's clock sync) starts, the player
 * joins once it publishes and gets the stream from the GOP cache (audio
 * sent before the key frame may be missing).  NMS sends no EOS when the
 * publisher leaves: the player ends once it received the last frame sent
 * (or DRAIN_MS after the publisher's end).  The player reads NMS's
 * HTTP-FLV output: over RTMP, NMS sends the media on message stream 0,
 * which rtmp2src ignores ("Ignoring video message with stream 0 != 1"),
 * and librtmp's rtmpsrc cannot be stopped while NMS sends nothing. */
GST_START_TEST (test_nms_hevc)
{
  static const Stream streams[] = {
    {"video", VIDEO "x265enc speed-preset=ultrafast key-int-max=300 ! "
          "h265parse", H265_DEC},
    {"audio", AUDIO_48 "opusenc", OPUS_DEC},
    {NULL, NULL, NULL}
  };
  /* the GOP cache starts at the key frame: audio before it is gone */
  static const Loss nms_loss = { 25, 0 };
  guint16 port = ertmp_peer_free_port (), http = ertmp_peer_free_port ();
  gchar *app = nms_install (), *dir, *url, *head;
  gboolean eos;
  ErtmpPeer *nms;
  Publisher *p;
  Receiver *r;

  dir = ertmp_peer_tmpdir ();
  nms = nms_start (app, dir, port, http);
  url = g_strdup_printf ("rtmp://127.0.0.1:%u/live/key", port);
  head = g_strdup_printf ("souphttpsrc location=http://127.0.0.1:%u/live/"
      "key.flv ! erdemux", http);
  p = publisher_new ("flvemux", streams, url, FALSE);
  publisher_start (p);
  expect_element_message (p->pipeline, "rtmp-push-published");
  r = receiver_new (head, streams);
  receiver_start (r);
  publisher_finish (p);
  eos = receiver_end (r, &p->sent, DRAIN_MS);
  stop_pipeline (r->pipeline);
  check_frames (&p->sent, &r->got, GST_MSECOND, &nms_loss,
      "node-media-server");
  fail_unless (eos, "node-media-server: no EOS at the player");
  publisher_free (p);
  receiver_free (r);
  fail_unless (ertmp_peer_stop (nms));
  ertmp_peer_rmdir (dir);
  g_free (head);
  g_free (url);
  g_free (dir);
  g_free (app);
}

GST_END_TEST;

static Suite *
push_suite (void)
{
  Suite *s = suite_create ("push");
  TCase *ingest = tcase_create ("ingest");
  TCase *servers = tcase_create ("servers");

  /* each test well under a minute (scaled by CK_TIMEOUT_MULTIPLIER) */
  tcase_set_timeout (ingest, 60);
  tcase_set_timeout (servers, 60);
  suite_add_tcase (s, ingest);
  tcase_add_test (ingest, test_ingest_h264_aac);
  tcase_add_test (ingest, test_ingest_hevc_opus);
  tcase_add_test (ingest, test_ingest_av1_flac);
  tcase_add_test (ingest, test_ingest_vp9_mp3);
  tcase_add_test (ingest, test_ingest_vp8_ac3);
  tcase_add_test (ingest, test_ingest_multitrack);
  tcase_add_test (ingest, test_ingest_stats);
  tcase_add_test (ingest, test_ingest_live);
  suite_add_tcase (s, servers);
  tcase_add_unchecked_fixture (servers, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (servers, NULL, ertmp_peer_stop_all);
  tcase_add_test (servers, test_nginx_legacy);
  tcase_add_test (servers, test_nginx_hevc);
  tcase_add_test (servers, test_nginx_av1);
  tcase_add_test (servers, test_nginx_vp9);
  tcase_add_test (servers, test_ffmpeg_listen);
  tcase_add_test (servers, test_nms_hevc);
  return s;
}

GST_CHECK_MAIN (push);
