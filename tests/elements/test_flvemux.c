/* gst-ertmp: flvemux element tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Real encoders into flvemux: the FLV header, onMetaData and sequence
 * starts byte for byte, one tag per buffer with a correct PreviousTagSize,
 * the streamheader; GStreamer's flvdemux and ffmpeg read the legacy
 * output.  GstHarness for exact timestamps (ModEx), colorInfo from caps,
 * MultichannelConfig, vvc1 from a hand-made record and refused caps.
 */
#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include "ertmp_amf0.h"
#include "ertmp_codec.h"
#include "ertmp_media.h"
#include "ertmp_media_config.h"

#define VIDEO_SRC(n) "videotestsrc num-buffers=" #n " ! video/x-raw," \
  "format=I420,width=64,height=48,framerate=30/1 ! "
#define AUDIO_SRC(n) "audiotestsrc num-buffers=" #n " "
#define SINK " ! fakesink name=out signal-handoffs=true sync=false "

typedef struct
{
  GstElement *pipeline;
  GPtrArray *bufs;
  GstCaps *caps;                /* of the first buffer */
} Output;

/* ---- helpers --------------------------------------------------------- */

static void
on_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, Output * out)
{
  g_ptr_array_add (out->bufs, gst_buffer_ref (buf));
  if (out->caps == NULL)
    out->caps = gst_pad_get_current_caps (pad);
}

/* Runs @desc (with "fakesink name=out") to EOS; the pipeline is kept (at
 * EOS) so that pad caps can be read. */
static Output *
run (const gchar * desc)
{
  Output *out = g_new0 (Output, 1);
  GError *err = NULL;
  GstElement *sink;
  GstBus *bus;
  GstMessage *msg;

  out->bufs = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  out->pipeline = gst_parse_launch (desc, &err);
  fail_unless (out->pipeline != NULL && err == NULL, "%s: %s", desc,
      err ? err->message : "?");
  sink = gst_bin_get_by_name (GST_BIN (out->pipeline), "out");
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), out);
  gst_object_unref (sink);
  bus = gst_element_get_bus (out->pipeline);
  gst_element_set_state (out->pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 300 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "timeout: %s", desc);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    fail ("%s: %s", desc, err->message);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  return out;
}

/* Caps of pad @pad of element "m", read before the pipeline stops */
static GstCaps *
mux_pad_caps (Output * out, const gchar * pad_name)
{
  GstElement *m = gst_bin_get_by_name (GST_BIN (out->pipeline), "m");
  GstPad *pad = gst_element_get_static_pad (m, pad_name);
  GstCaps *caps = gst_pad_get_current_caps (pad);

  gst_object_unref (pad);
  gst_object_unref (m);
  return caps;
}

static void
output_free (Output * out)
{
  gst_element_set_state (out->pipeline, GST_STATE_NULL);
  gst_object_unref (out->pipeline);
  g_ptr_array_unref (out->bufs);
  gst_clear_caps (&out->caps);
  g_free (out);
}

static GBytes *
buffer_bytes (GstBuffer * buf)
{
  gsize size = gst_buffer_get_size (buf);
  guint8 *data = g_malloc (size);

  gst_buffer_extract (buf, 0, data, size);
  return g_bytes_new_take (data, size);
}

static guint32
be (const guint8 * p, guint n)
{
  guint32 v = 0;

  while (n--)
    v = (v << 8) | *p++;
  return v;
}

/* Tag @i: type, timestamp and body (borrowed from @bytes, unref it) */
static const guint8 *
tag_at (Output * out, guint i, guint8 * type, guint32 * ts, gsize * len,
    GBytes ** bytes)
{
  const guint8 *d;

  *bytes = buffer_bytes (g_ptr_array_index (out->bufs, i));
  d = g_bytes_get_data (*bytes, NULL);
  *type = d[0] & 0x1f;
  *len = be (d + 1, 3);
  *ts = be (d + 4, 3) | ((guint32) d[7] << 24);
  return d + 11;
}

/* The FLV header first, then exactly one tag per buffer, each followed by
 * the PreviousTagSize that matches it */
static void
check_framing (Output * out)
{
  static const guint8 header[] = { 'F', 'L', 'V', 1, 0, 0, 0, 0, 9,
    0, 0, 0, 0
  };
  GBytes *b;
  const guint8 *d;
  gsize size;
  guint i;

  fail_unless (out->bufs->len > 2);
  b = buffer_bytes (g_ptr_array_index (out->bufs, 0));
  d = g_bytes_get_data (b, &size);
  fail_unless_equals_int (size, 13);
  fail_unless (memcmp (d, header, 4) == 0 && memcmp (d + 5, header + 5,
          8) == 0);
  fail_unless ((d[4] & ~0x05) == 0);
  g_bytes_unref (b);
  for (i = 1; i < out->bufs->len; i++) {
    b = buffer_bytes (g_ptr_array_index (out->bufs, i));
    d = g_bytes_get_data (b, &size);
    fail_unless (size >= 15);
    fail_unless (d[0] == 8 || d[0] == 9 || d[0] == 18, "tag %u type %u", i,
        d[0]);
    fail_unless_equals_int (size, 11 + be (d + 1, 3) + 4);
    fail_unless_equals_int (be (d + size - 4, 4), size - 4);
    fail_unless_equals_int (be (d + 8, 3), 0);  /* StreamID */
    g_bytes_unref (b);
  }
}

/* Index of the @nth tag of @type whose body starts with @prefix, or -1 */
static gint
find_tag (Output * out, guint8 type, const guint8 * prefix, gsize len,
    guint nth)
{
  guint i;

  for (i = 1; i < out->bufs->len; i++) {
    GBytes *b;
    guint8 t;
    guint32 ts;
    gsize body_len;
    const guint8 *body = tag_at (out, i, &t, &ts, &body_len, &b);
    gboolean match = t == type && body_len >= len &&
        memcmp (body, prefix, len) == 0;

    g_bytes_unref (b);
    if (match && nth-- == 0)
      return i;
  }
  return -1;
}

static guint
count_tags (Output * out, guint8 type, const guint8 * prefix, gsize len)
{
  guint n = 0;

  while (find_tag (out, type, prefix, len, n) >= 0)
    n++;
  return n;
}

/* onMetaData as an AMF value (unref it) */
static ertmp_amf_value *
metadata (Output * out)
{
  ertmp_amf_decoder *dec = ertmp_amf_decoder_new (NULL);
  GPtrArray *values = NULL;
  ertmp_amf_value *meta;
  GBytes *b;
  guint8 type;
  guint32 ts;
  gsize len;
  const guint8 *body = tag_at (out, 1, &type, &ts, &len, &b);

  fail_unless_equals_int (type, 18);
  fail_unless_equals_int (ts, 0);
  fail_unless (ertmp_amf0_decode_message (dec, body, len,
          &values) == ERTMP_OK);
  fail_unless_equals_int (values->len, 2);
  fail_unless_equals_string (ertmp_amf_get_string (values->pdata[0]),
      "onMetaData");
  meta = ertmp_amf_value_ref (values->pdata[1]);
  fail_unless_equals_int (meta->type, ERTMP_AMF_ECMA_ARRAY);
  g_ptr_array_unref (values);
  ertmp_amf_decoder_free (dec);
  g_bytes_unref (b);
  return meta;
}

static gdouble
meta_number (const ertmp_amf_value * obj, const gchar * key)
{
  gdouble v = -1;

  fail_unless (ertmp_amf_get_prop_number (obj, key, &v), "no %s", key);
  return v;
}

/* Tag @i's body equals @prefix followed by @rest */
static void
check_body (Output * out, gint i, const guint8 * prefix, gsize len,
    GBytes * rest)
{
  GBytes *b;
  guint8 type;
  guint32 ts;
  gsize body_len;
  const guint8 *body;

  fail_unless (i > 0);
  body = tag_at (out, i, &type, &ts, &body_len, &b);
  fail_unless_equals_int (body_len, len + (rest ? g_bytes_get_size (rest) :
          0));
  fail_unless (memcmp (body, prefix, len) == 0);
  if (rest != NULL)
    fail_unless (memcmp (body + len, g_bytes_get_data (rest, NULL),
            g_bytes_get_size (rest)) == 0);
  g_bytes_unref (b);
}

static GBytes *
caps_codec_data (GstCaps * caps)
{
  const GValue *v = gst_structure_get_value (gst_caps_get_structure (caps,
          0), "codec_data");

  fail_unless (v != NULL);
  return buffer_bytes (gst_value_get_buffer (v));
}

/* The streamheader holds buffers 0 .. n-1, flagged HEADER */
static void
check_streamheader (Output * out, guint n)
{
  const GValue *sh = gst_structure_get_value (gst_caps_get_structure
      (out->caps, 0), "streamheader");
  guint i;

  fail_unless (sh != NULL);
  fail_unless_equals_int (gst_value_array_get_size (sh), n);
  for (i = 0; i < n; i++) {
    GstBuffer *a = gst_value_get_buffer (gst_value_array_get_value (sh, i));
    GstBuffer *b = g_ptr_array_index (out->bufs, i);
    GBytes *ab = buffer_bytes (a), *bb = buffer_bytes (b);

    fail_unless (g_bytes_equal (ab, bb), "streamheader %u differs", i);
    fail_unless (GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_HEADER));
    g_bytes_unref (ab);
    g_bytes_unref (bb);
  }
  fail_if (GST_BUFFER_FLAG_IS_SET (g_ptr_array_index (out->bufs, n),
          GST_BUFFER_FLAG_HEADER));
}

static gchar *
write_file (Output * out, const gchar * name)
{
  gchar *dir = g_dir_make_tmp ("flvemux-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, name, NULL);
  GByteArray *all = g_byte_array_new ();
  guint i;

  for (i = 0; i < out->bufs->len; i++) {
    GBytes *b = buffer_bytes (g_ptr_array_index (out->bufs, i));

    g_byte_array_append (all, g_bytes_get_data (b, NULL),
        g_bytes_get_size (b));
    g_bytes_unref (b);
  }
  fail_unless (g_file_set_contents (path, (gchar *) all->data, all->len,
          NULL));
  g_byte_array_unref (all);
  g_free (dir);
  return path;
}

static void
remove_file (gchar * path)
{
  gchar *dir = g_path_get_dirname (path);

  g_remove (path);
  g_rmdir (dir);
  g_free (dir);
  g_free (path);
}

static void
count_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad,
    guint * n)
{
  (*n)++;
}

/* Decoded buffers at sinks "v" and "a" of filesrc(@path) ! @tail */
static void
decode_counts (const gchar * path, const gchar * tail, guint * nv,
    guint * na)
{
  gchar *desc = g_strdup_printf ("filesrc location=%s ! %s", path, tail);
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  const gchar *names[] = { "v", "a" };
  guint *counts[] = { nv, na };
  GstMessage *msg;
  GstBus *bus;
  guint i;

  fail_unless (pipeline != NULL && err == NULL, "%s", desc);
  for (i = 0; i < 2; i++) {
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), names[i]);

    *counts[i] = 0;
    if (sink == NULL)
      continue;
    g_object_set (sink, "signal-handoffs", TRUE, NULL);
    g_signal_connect (sink, "handoff", G_CALLBACK (count_handoff),
        counts[i]);
    gst_object_unref (sink);
  }
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 300 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS,
      "decoding %s failed", path);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_free (desc);
}

/* ffmpeg (5.1 on Debian 12) decodes the file without a single error */
static void
check_ffmpeg (const gchar * path)
{
  const gchar *argv[] = { "timeout", "120", "ffmpeg", "-nostdin", "-v",
    "error", "-i", path, "-f", "null", "-", NULL
  };
  gchar *err = NULL;
  gint status = -1;

  if (!g_file_test ("/usr/bin/ffmpeg", G_FILE_TEST_IS_EXECUTABLE)) {
    GST_INFO ("no ffmpeg: skipped");
    return;
  }
  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL,
          G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
          NULL, &err, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL), "ffmpeg: %s", err);
  fail_unless_equals_string (err, "");
  g_free (err);
}

#define B(...) (const guint8[]) { __VA_ARGS__ }, \
  sizeof ((const guint8[]) { __VA_ARGS__ })

/* ---- legacy output: byte layout, flvdemux, ffmpeg --------------------- */

GST_START_TEST (test_legacy_h264_aac)
{
  Output *out = run (VIDEO_SRC (30) "x264enc bframes=2 ! h264parse ! "
      "flvemux name=m" SINK AUDIO_SRC (30) "! avenc_aac ! aacparse ! m.audio");
  GstCaps *vcaps = mux_pad_caps (out, "video");
  GstCaps *acaps = mux_pad_caps (out, "audio");
  GBytes *avcc = caps_codec_data (vcaps), *asc = caps_codec_data (acaps);
  ertmp_amf_value *meta;
  guint n_aac, nv, na;
  gchar *path;

  check_framing (out);
  /* flags: audio + video */
  fail_unless_equals_int (gst_buffer_get_size (out->bufs->pdata[0]), 13);
  meta = metadata (out);
  fail_unless_equals_int (meta_number (meta, "width"), 64);
  fail_unless_equals_int (meta_number (meta, "height"), 48);
  fail_unless_equals_int (meta_number (meta, "framerate"), 30);
  fail_unless_equals_int (meta_number (meta, "videocodecid"), 7);
  fail_unless_equals_int (meta_number (meta, "audiocodecid"), 10);
  fail_unless_equals_int (meta_number (meta, "audiosamplerate"), 44100);
  fail_unless (ertmp_amf_get_prop_string (meta, "encoder") != NULL);
  ertmp_amf_value_unref (meta);
  /* AVC sequence header: key, AVC, packet 0, cts 0, then the record */
  check_body (out, 2, B (0x17, 0x00, 0x00, 0x00, 0x00), avcc);
  /* AAC sequence header: 0xAF, packet 0, then the AudioSpecificConfig */
  check_body (out, 3, B (0xaf, 0x00), asc);
  check_streamheader (out, 4);
  /* every frame once; legacy: no SequenceEnd */
  fail_unless_equals_int (count_tags (out, 9, B (0x17, 0x01)) +
      count_tags (out, 9, B (0x27, 0x01)), 30);
  n_aac = count_tags (out, 8, B (0xaf, 0x01));
  fail_unless (n_aac >= 30);
  fail_unless_equals_int (out->bufs->len, 4 + 30 + n_aac);

  path = write_file (out, "legacy.flv");
  decode_counts (path, "flvdemux name=d "
      "d.video ! queue ! h264parse ! avdec_h264 ! fakesink name=v "
      "d.audio ! queue ! aacparse ! avdec_aac ! fakesink name=a", &nv, &na);
  fail_unless_equals_int (nv, 30);
  fail_unless_equals_int (na, n_aac);
  check_ffmpeg (path);
  remove_file (path);
  g_bytes_unref (avcc);
  g_bytes_unref (asc);
  gst_caps_unref (vcaps);
  gst_caps_unref (acaps);
  output_free (out);
}

GST_END_TEST;

GST_START_TEST (test_legacy_mp3)
{
  Output *out = run (AUDIO_SRC (40) "! audio/x-raw,rate=44100,channels=2 ! "
      "lamemp3enc ! audio/mpeg,rate=44100 ! mpegaudioparse ! "
      "flvemux name=m" SINK);
  ertmp_amf_value *meta;
  guint n, nv, na;
  gchar *path;

  check_framing (out);
  meta = metadata (out);
  fail_unless_equals_int (meta_number (meta, "audiocodecid"), 2);
  ertmp_amf_value_unref (meta);
  /* MP3, 44 kHz, 16 bit, stereo; no sequence header */
  n = count_tags (out, 8, B (0x2f));
  fail_unless (n > 30);
  fail_unless_equals_int (out->bufs->len, 2 + n);
  check_streamheader (out, 2);
  path = write_file (out, "mp3.flv");
  decode_counts (path, "flvdemux name=d "
      "d.audio ! queue ! mpegaudioparse ! mpg123audiodec ! fakesink name=a",
      &nv, &na);
  fail_unless_equals_int (na, n);
  check_ffmpeg (path);
  remove_file (path);
  output_free (out);
}

GST_END_TEST;

/* ---- Enhanced codecs -------------------------------------------------- */

typedef struct
{
  const gchar *desc;
  gboolean video;
  const gchar *fourcc;
  gboolean seq_start;
  gint frames;                  /* -1: any */
} EnhancedCase;

static const EnhancedCase enhanced_cases[] = {
  {VIDEO_SRC (10) "x265enc option-string=\"bframes=2\" ! h265parse ! "
        "video/x-h265,stream-format=hvc1", TRUE, "hvc1", TRUE, 10},
  {VIDEO_SRC (5) "av1enc cpu-used=8 ! av1parse", TRUE, "av01", TRUE, 5},
  {VIDEO_SRC (10) "vp9enc ! vp9parse", TRUE, "vp09", TRUE, 10},
  {VIDEO_SRC (10) "vp8enc", TRUE, "vp08", TRUE, 10},
  {AUDIO_SRC (20) "! opusenc", FALSE, "Opus", TRUE, -1},
  {AUDIO_SRC (20) "! flacenc ! flacparse", FALSE, "fLaC", TRUE, -1},
  {AUDIO_SRC (20) "! avenc_ac3", FALSE, "ac-3", FALSE, -1},
  {AUDIO_SRC (20) "! avenc_eac3", FALSE, "ec-3", FALSE, -1},
};

/* The SequenceStart payload expected for @c (checked by prefix) */
static void
check_seq_payload (Output * out, gint i, const EnhancedCase * c)
{
  GBytes *b;
  guint8 type;
  guint32 ts;
  gsize len;
  const guint8 *p = tag_at (out, i, &type, &ts, &len, &b) + 5;

  len -= 5;
  if (strcmp (c->fourcc, "hvc1") == 0) {
    GstCaps *caps = mux_pad_caps (out, "video");
    GBytes *cd = caps_codec_data (caps);

    fail_unless (len == g_bytes_get_size (cd) &&
        memcmp (p, g_bytes_get_data (cd, NULL), len) == 0);
    g_bytes_unref (cd);
    gst_caps_unref (caps);
  } else if (strcmp (c->fourcc, "av01") == 0) {
    /* av1C built from the sequence header OBU: 0x81, profile 0,
     * 4:2:0 8 bit, then the OBU (type 1, with size) */
    fail_unless (len > 6 && p[0] == 0x81 && (p[1] >> 5) == 0);
    fail_unless_equals_int (p[2] & 0x7c, 0x0c);
    fail_unless_equals_int (p[4], 0x0a);
  } else if (c->fourcc[0] == 'v') {
    /* vpcC FullBox: version 1, flags 0, profile 0, level (VP9 64x48 at 30
     * fps: 1; VP8: 0), 8 bit, 4:2:0 */
    fail_unless_equals_int (len, 12);
    fail_unless (memcmp (p, "\x01\x00\x00\x00\x00", 5) == 0);
    fail_unless_equals_int (p[5], c->fourcc[3] == '9' ? 10 : 0);
    fail_unless_equals_int (p[6] >> 4, 8);
    fail_unless ((p[6] >> 1 & 7) <= 1);
  } else if (strcmp (c->fourcc, "Opus") == 0) {
    fail_unless (len >= 19 && memcmp (p, "OpusHead", 8) == 0);
  } else {
    fail_unless_equals_int (len, 42);
    fail_unless (memcmp (p, "fLaC\x80\x00\x00\x22", 8) == 0);
  }
  g_bytes_unref (b);
}

GST_START_TEST (test_enhanced_codec)
{
  const EnhancedCase *c = &enhanced_cases[__i__];
  gchar *desc = g_strdup_printf ("%s ! flvemux name=m " SINK, c->desc);
  Output *out = run (desc);
  guint32 fourcc = ertmp_fourcc_from_string (c->fourcc, 4);
  guint8 ex = c->video ? 0x80 : 0x90;   /* IsExHeader / SoundFormat 9 */
  guint8 key = c->video ? 0x10 : 0x00;
  guint8 f[4];
  ertmp_amf_value *meta;
  gint i;
  guint frames;

  memcpy (f, c->fourcc, 4);
  check_framing (out);
  meta = metadata (out);
  fail_unless_equals_int (meta_number (meta, c->video ? "videocodecid" :
          "audiocodecid"), fourcc);
  ertmp_amf_value_unref (meta);
  /* SequenceStart right after onMetaData */
  i = find_tag (out, c->video ? 9 : 8, B (ex | key | 0, f[0], f[1], f[2],
          f[3]), 0);
  fail_unless_equals_int (i, c->seq_start ? 2 : -1);
  if (c->seq_start)
    check_seq_payload (out, i, c);
  /* colorInfo from the encoders' colorimetry, video only: 0xD4 */
  if (c->video)
    fail_unless_equals_int (find_tag (out, 9, B (0xd4, f[0], f[1], f[2],
                f[3]), 0), 3);
  check_streamheader (out, c->seq_start + c->video + 2);
  /* frames: CodedFrames (+ CodedFramesX for hvc1), key and inter */
  frames = count_tags (out, c->video ? 9 : 8, B (ex | key | 1, f[0], f[1],
          f[2], f[3])) + count_tags (out, 9, B (ex | 0x20 | 1, f[0], f[1],
          f[2], f[3])) + count_tags (out, 9, B (ex | 0x10 | 3, f[0], f[1],
          f[2], f[3])) + count_tags (out, 9, B (ex | 0x20 | 3, f[0], f[1],
          f[2], f[3]));
  if (c->frames >= 0)
    fail_unless_equals_int (frames, c->frames);
  fail_unless (frames > 0);
  /* SequenceEnd last */
  fail_unless_equals_int (find_tag (out, c->video ? 9 : 8, B (ex | key | 2,
              f[0], f[1], f[2], f[3]), 0), out->bufs->len - 1);
  output_free (out);
  g_free (desc);
}

GST_END_TEST;

/* ---- multitrack ------------------------------------------------------- */

GST_START_TEST (test_multitrack)
{
  Output *out = run (VIDEO_SRC (10) "x264enc ! h264parse ! flvemux name=m "
      SINK VIDEO_SRC (10) "vp8enc ! m.video_1 "
      AUDIO_SRC (10) "! avenc_aac ! m.audio "
      AUDIO_SRC (10) "! opusenc ! m.audio_1 "
      AUDIO_SRC (10) "! audio/x-raw,channels=6 ! avenc_ac3 ! m.audio_2");
  ertmp_amf_value *meta;
  const ertmp_amf_value *map, *track;

  check_framing (out);
  meta = metadata (out);
  fail_unless_equals_int (meta_number (meta, "videocodecid"), 7);
  fail_unless_equals_int (meta_number (meta, "audiocodecid"), 10);
  map = ertmp_amf_get (meta, "videoTrackIdInfoMap");
  fail_unless (map != NULL && (track = ertmp_amf_get (map, "1")) != NULL);
  fail_unless_equals_int (meta_number (track, "videocodecid"),
      ertmp_fourcc_from_string ("vp08", 4));
  map = ertmp_amf_get (meta, "audioTrackIdInfoMap");
  fail_unless (map != NULL && ertmp_amf_get (map, "1") != NULL);
  fail_unless_equals_int (meta_number (ertmp_amf_get (map, "2"),
          "channels"), 6);
  ertmp_amf_value_unref (meta);
  /* track 0 legacy; tracks > 0 OneTrack: Multitrack packet, OneTrack +
   * packet type, FourCC, track id */
  fail_unless (find_tag (out, 9, B (0x17, 0x00), 0) > 0);
  fail_unless (find_tag (out, 9, B (0x96, 0x00, 'v', 'p', '0', '8', 1),
          0) > 0);
  fail_unless_equals_int (count_tags (out, 9, B (0x96, 0x01, 'v', 'p', '0',
              '8', 1)) + count_tags (out, 9, B (0xa6, 0x01, 'v', 'p', '0',
              '8', 1)), 10);
  fail_unless (find_tag (out, 8, B (0x95, 0x00, 'O', 'p', 'u', 's', 1),
          0) > 0);
  fail_unless (find_tag (out, 8, B (0x95, 0x01, 'O', 'p', 'u', 's', 1),
          0) > 0);
  /* 5.1 AC-3 on track 2: MultichannelConfig, Native, 6 channels, FL FR FC
   * LFE + side left / right (avenc_ac3's mask 0xc0f) */
  fail_unless (find_tag (out, 8, B (0x95, 0x04, 'a', 'c', '-', '3', 2,
              1, 6, 0x00, 0x00, 0x06, 0x0f), 0) > 0);
  fail_unless (find_tag (out, 8, B (0x95, 0x01, 'a', 'c', '-', '3', 2),
          0) > 0);
  /* SequenceEnd per Enhanced track (3), none for legacy track 0 */
  fail_unless_equals_int (count_tags (out, 9, B (0x96, 0x02)) +
      count_tags (out, 8, B (0x95, 0x02)), 3);
  output_free (out);
}

GST_END_TEST;

/* ---- harness: timestamps, ModEx, colorInfo, channels, refused caps ---- */

static GstHarness *
harness (const gchar * pad, const gchar * caps, gboolean nano)
{
  GstHarness *h = gst_harness_new_with_padnames ("flvemux", pad, "src");

  g_object_set (h->element, "timestamp-offset-nano", nano, NULL);
  gst_harness_set_src_caps_str (h, caps);
  return h;
}

static GstBuffer *
payload (GstClockTime pts, GstClockTime dts, gboolean delta)
{
  GstBuffer *buf = gst_buffer_new_memdup ("\x0b\x77\x01\x02", 4);

  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DTS (buf) = dts;
  if (delta)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  return buf;
}

/* Pulls one tag and checks it is @expect (header through payload),
 * without the PreviousTagSize */
static void
pull_tag (GstHarness * h, guint32 ts, const guint8 * expect, gsize len)
{
  GstBuffer *buf = gst_harness_pull (h);
  GBytes *b = buffer_bytes (buf);
  gsize size;
  const guint8 *d = g_bytes_get_data (b, &size);

  fail_unless_equals_int (size, 11 + len + 4);
  fail_unless_equals_int (be (d + 4, 3) | (d[7] << 24), ts);
  fail_unless (memcmp (d + 11, expect, len) == 0);
  fail_unless_equals_int (be (d + size - 4, 4), 11 + len);
  g_bytes_unref (b);
  gst_buffer_unref (buf);
}

static void
pull_headers (GstHarness * h, guint n)
{
  while (n--)
    gst_buffer_unref (gst_harness_pull (h));
}

GST_START_TEST (test_nano_offset)
{
  GstHarness *h = harness ("audio", "audio/x-ac3, framed=(boolean)true, "
      "rate=(int)48000, channels=(int)2", TRUE);

  /* 1.5 ms: 1 ms + ModEx TimestampOffsetNano 500000 (3 bytes) */
  gst_harness_push (h, payload (1500000, 1500000, FALSE));
  gst_harness_push (h, payload (3000000, 3000000, FALSE));
  pull_headers (h, 2);
  pull_tag (h, 1, B (0x97, 0x02, 0x07, 0xa1, 0x20, 0x01, 'a', 'c', '-', '3',
          0x0b, 0x77, 0x01, 0x02));
  /* whole milliseconds: no ModEx */
  pull_tag (h, 3, B (0x91, 'a', 'c', '-', '3', 0x0b, 0x77, 0x01, 0x02));
  gst_harness_teardown (h);

  /* off (the default): the remainder is dropped */
  h = harness ("audio", "audio/x-ac3, framed=(boolean)true, "
      "rate=(int)48000, channels=(int)2", FALSE);
  gst_harness_push (h, payload (1500000, 1500000, FALSE));
  pull_headers (h, 2);
  pull_tag (h, 1, B (0x91, 'a', 'c', '-', '3', 0x0b, 0x77, 0x01, 0x02));
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_video_timestamps)
{
  GstHarness *h = harness ("video", "video/x-vp8, width=(int)64, "
      "height=(int)48", TRUE);

  /* VP8: no cts, video nano offset (gstertmptime.h) on the PTS */
  gst_harness_push (h, payload (10 * GST_MSECOND + 1234, 10 * GST_MSECOND +
          1234, FALSE));
  gst_harness_push (h, payload (43 * GST_MSECOND, 43 * GST_MSECOND, TRUE));
  pull_headers (h, 3);
  pull_tag (h, 10, B (0x97, 0x02, 0x00, 0x04, 0xd2, 0x01, 'v', 'p', '0',
          '8', 0x0b, 0x77, 0x01, 0x02));
  pull_tag (h, 43, B (0xa1, 'v', 'p', '0', '8', 0x0b, 0x77, 0x01, 0x02));
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_composition_time)
{
  GstHarness *h = harness ("video", "video/x-h265, "
      "stream-format=(string)hvc1, alignment=(string)au, "
      "codec_data=(buffer)0102030405", FALSE);
  GstBuffer *buf;

  gst_harness_push (h, payload (80 * GST_MSECOND, 0, FALSE));
  gst_harness_push (h, payload (40 * GST_MSECOND, 40 * GST_MSECOND, TRUE));
  buf = gst_harness_pull (h);   /* FLV header */
  fail_unless (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_HEADER));
  gst_buffer_unref (buf);
  pull_headers (h, 1);
  pull_tag (h, 0, B (0x90, 'h', 'v', 'c', '1', 1, 2, 3, 4, 5));
  /* CodedFrames with SI24 cts 80, then CodedFramesX (cts 0), inter */
  pull_tag (h, 0, B (0x91, 'h', 'v', 'c', '1', 0x00, 0x00, 0x50, 0x0b, 0x77,
          0x01, 0x02));
  pull_tag (h, 40, B (0xa3, 'h', 'v', 'c', '1', 0x0b, 0x77, 0x01, 0x02));
  gst_harness_push_event (h, gst_event_new_eos ());
  pull_tag (h, 40, B (0x92, 'h', 'v', 'c', '1'));
  gst_harness_teardown (h);
}

GST_END_TEST;

/* vvc1 (no H.266 encoder on 1.22: a hand-made record).  The record as
 * VvcDecoderConfigurationRecord (ertmp.md 2.6):
 *   ff       '11111'b, LengthSizeMinusOne 3, ptl_present_flag 1
 *   00 11    ols_idx 0, num_sublayers 1, constant_frame_rate 0, chroma 1
 *   1f       bit_depth_minus8 0, '11111'b
 *   01 02 33 80 00  VvcPTLRecord: 1 constraint byte, Main 10, level 51,
 *            frame-only, 0 sub-profiles
 *   0040 0030 0000  max_picture_width 64, height 48, avg_frame_rate 0
 *   00       num_of_arrays 0 */
#define VVCC_BYTES 0xff, 0x00, 0x11, 0x1f, 0x01, 0x02, 0x33, 0x80, 0x00, \
  0x00, 0x40, 0x00, 0x30, 0x00, 0x00, 0x00
#define VVCC_CAPS "ff00111f010233800000400030000000"

static void
check_vvc1 (const gchar * codec_data)
{
  gchar *caps = g_strconcat ("video/x-h266, stream-format=(string)vvc1, "
      "alignment=(string)au, codec_data=(buffer)", codec_data, NULL);
  GstHarness *h = harness ("video", caps, FALSE);

  /* cts 33 ms, key; cts 0, inter; cts 7 ms, inter */
  gst_harness_push (h, payload (33 * GST_MSECOND, 0, FALSE));
  gst_harness_push (h, payload (40 * GST_MSECOND, 40 * GST_MSECOND, TRUE));
  gst_harness_push (h, payload (87 * GST_MSECOND, 80 * GST_MSECOND, TRUE));
  pull_headers (h, 2);          /* FLV header, onMetaData */
  /* SequenceStart, key: the record without any FullBox */
  pull_tag (h, 0, B (0x90, 'v', 'v', 'c', '1', VVCC_BYTES));
  /* CodedFrames, key, SI24 cts 33 */
  pull_tag (h, 0, B (0x91, 'v', 'v', 'c', '1', 0x00, 0x00, 0x21, 0x0b, 0x77,
          0x01, 0x02));
  /* CodedFramesX, inter */
  pull_tag (h, 40, B (0xa3, 'v', 'v', 'c', '1', 0x0b, 0x77, 0x01, 0x02));
  /* CodedFrames, inter, SI24 cts 7 */
  pull_tag (h, 80, B (0xa1, 'v', 'v', 'c', '1', 0x00, 0x00, 0x07, 0x0b, 0x77,
          0x01, 0x02));
  /* SequenceEnd */
  gst_harness_push_event (h, gst_event_new_eos ());
  pull_tag (h, 80, B (0x92, 'v', 'v', 'c', '1'));
  gst_harness_teardown (h);
  g_free (caps);
}

GST_START_TEST (test_vvc1)
{
  check_vvc1 (VVCC_CAPS);
  /* MP4's vvcC form with the FullBox version/flags: stripped */
  check_vvc1 ("00000000" VVCC_CAPS);
}

GST_END_TEST;

GST_START_TEST (test_color_info)
{
  GstHarness *h = harness ("video", "video/x-vp9, width=(int)64, "
      "height=(int)48, profile=(string)2, bit-depth-luma=(uint)10, "
      "chroma-format=(string)4:2:0, colorimetry=(string)bt2100-pq, "
      "mastering-display-info=(string)"
      "35400:14600:8500:39850:6550:2300:15635:16450:10000000:1, "
      "content-light-level=(string)1000:400", FALSE);
  ertmp_media_color_info ci;
  ertmp_media_tag tag;
  ertmp_media_track track;
  GstBuffer *buf;
  GBytes *b;
  gsize size;
  const guint8 *d;

  gst_harness_push (h, payload (0, 0, FALSE));
  pull_headers (h, 2);
  /* vpcC FullBox: version 1, flags 0; profile 2, level 1 (64x48), 10 bit
   * 4:2:0 colocated, limited; BT.2020, PQ, BT.2020 NCL */
  pull_tag (h, 0, B (0x90, 'v', 'p', '0', '9', 1, 0, 0, 0, 2, 10, 0xa2, 9,
          16, 9, 0, 0));
  /* colorInfo before the first frame: 0xD4 Metadata */
  buf = gst_harness_pull (h);
  b = buffer_bytes (buf);
  d = g_bytes_get_data (b, &size);
  fail_unless (memcmp (d + 11, "\xd4vp09", 5) == 0);
  fail_unless (ertmp_media_parse (ERTMP_CODEC_KIND_VIDEO, d + 11, size - 15,
          NULL, &tag) == ERTMP_OK);
  fail_unless_equals_int (tag.hdr.packet, ERTMP_MEDIA_PACKET_METADATA);
  fail_unless (ertmp_media_next_track (&tag, &track));
  fail_unless (ertmp_media_parse_color_info (track.data, track.len,
          &ci) == ERTMP_OK);
  fail_unless_equals_int (ci.primaries, 9);
  fail_unless_equals_int (ci.transfer, 16);
  fail_unless_equals_int (ci.matrix, 9);
  fail_unless_equals_int (ci.bit_depth, 10);
  fail_unless_equals_float (ci.max_cll, 1000);
  fail_unless_equals_float (ci.max_fall, 400);
  fail_unless_equals_float (ci.red_x, 35400 / 50000.0);
  fail_unless_equals_float (ci.max_luminance, 1000);
  fail_unless_equals_float (ci.min_luminance, 0.0001);
  g_bytes_unref (b);
  gst_buffer_unref (buf);
  pull_tag (h, 0, B (0x91, 'v', 'p', '0', '9', 0x0b, 0x77, 0x01, 0x02));
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_multichannel_51)
{
  GstHarness *h = harness ("audio", "audio/x-eac3, framed=(boolean)true, "
      "rate=(int)48000, channels=(int)6, channel-mask=(bitmask)0x3f", FALSE);

  gst_harness_push (h, payload (0, 0, FALSE));
  pull_headers (h, 2);
  /* Native order, 6 channels, FL FR FC LFE BL BR = 0x3f */
  pull_tag (h, 0, B (0x94, 'e', 'c', '-', '3', 1, 6, 0, 0, 0, 0x3f));
  pull_tag (h, 0, B (0x91, 'e', 'c', '-', '3', 0x0b, 0x77, 0x01, 0x02));
  gst_harness_teardown (h);
}

GST_END_TEST;

/* flacenc's caps carry no `framed` field: the pad must still take them
 * (they were refused: `flacenc ! flvemux` did not negotiate) */
GST_START_TEST (test_flac_caps_unframed)
{
  GstElement *mux = gst_element_factory_make ("flvemux", NULL);
  GstPad *pad = gst_element_request_pad_simple (mux, "audio");
  GstCaps *caps = gst_caps_from_string ("audio/x-flac, channels=(int)2, "
      "rate=(int)44100");

  fail_unless (pad != NULL);
  fail_unless (gst_pad_query_accept_caps (pad, caps));
  gst_caps_unref (caps);
  gst_element_release_request_pad (mux, pad);
  gst_object_unref (pad);
  gst_object_unref (mux);
}

GST_END_TEST;

/* flvdemux's H.264 caps carry no alignment field (FLV tags are whole
 * access units): flvemux must take them like flvmux does, so that
 * flvdemux ! flvemux re-muxes (found by bench/bench_flv.c) */
GST_START_TEST (test_h264_caps_without_alignment)
{
  GstElement *mux = gst_element_factory_make ("flvemux", NULL);
  GstPad *pad = gst_element_request_pad_simple (mux, "video");
  GstCaps *caps = gst_caps_from_string ("video/x-h264, "
      "stream-format=(string)avc, codec_data=(buffer)0164001fffe1");

  fail_unless (pad != NULL);
  fail_unless (gst_pad_query_accept_caps (pad, caps));
  gst_caps_unref (caps);
  gst_element_release_request_pad (mux, pad);
  gst_object_unref (pad);
  gst_object_unref (mux);
}

GST_END_TEST;

/* Pushes @caps and a buffer into pad @pad: the element posts an error
 * whose message contains @why */
static void
check_refused (const gchar * pad, const gchar * caps, const gchar * why)
{
  GstHarness *h = gst_harness_new_with_padnames ("flvemux", pad, "src");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, caps);
  gst_harness_push (h, payload (0, 0, FALSE));
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless_equals_int (err->code, GST_CORE_ERROR_NEGOTIATION);
  fail_unless (strstr (err->message, why) != NULL, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  gst_object_unref (bus);
}

GST_START_TEST (test_refused_caps)
{
  /* avc without codec_data: nothing to write as the sequence header */
  check_refused ("video", "video/x-h264, stream-format=(string)avc, "
      "alignment=(string)au", "codec_data");
  /* a legacy-only codec cannot go on track > 0 */
  check_refused ("audio_1", "audio/x-alaw, rate=(int)8000, "
      "channels=(int)1", "default track");
}

GST_END_TEST;

static Suite *
flvemux_suite (void)
{
  Suite *s = suite_create ("flvemux");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_nano_offset);
  tcase_add_test (tc, test_video_timestamps);
  tcase_add_test (tc, test_composition_time);
  tcase_add_test (tc, test_vvc1);
  tcase_add_test (tc, test_color_info);
  tcase_add_test (tc, test_multichannel_51);
  tcase_add_test (tc, test_flac_caps_unframed);
  tcase_add_test (tc, test_refused_caps);
  tcase_add_test (tc, test_legacy_h264_aac);
  tcase_add_test (tc, test_h264_caps_without_alignment);
  tcase_add_test (tc, test_legacy_mp3);
  tcase_add_loop_test (tc, test_enhanced_codec, 0,
      G_N_ELEMENTS (enhanced_cases));
  tcase_add_test (tc, test_multitrack);
  return s;
}

GST_CHECK_MAIN (flvemux);
