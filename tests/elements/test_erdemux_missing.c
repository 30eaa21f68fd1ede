/* gst-ertmp: erdemux never hangs on a missing SequenceStart
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A late player behind a relay (node-media-server) gets the frames of
 * track 1 but never its SequenceStart.  The stream here: real encoders
 * through flvemux (H.264 + AV1 on track 1, Opus + AAC on track 1), with
 * the SequenceStart of both tracks 1 removed by the core's FLV and media
 * code.  The pipeline must reach the end: the AV1 frames (which carry their
 * configuration) play without the record, the AAC track is left out, each
 * with a warning that names the track, and the other tracks lose nothing.
 */
#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "erdemux_check.h"
#include "ertmp_media.h"

#define VIDEO_CAPS "video/x-raw,format=I420,width=128,height=96," \
  "framerate=30/1"
#define N_VIDEO 60
#define DETAILS "missing-sequence-start"

static const gchar *producer =
    "flvemux name=m timestamp-offset-nano=true ! filesink location=@FILE@ "
    "videotestsrc num-buffers=60 ! " VIDEO_CAPS " ! x264enc "
    "speed-preset=ultrafast key-int-max=30 ! h264parse ! m.video "
    "videotestsrc num-buffers=60 pattern=ball ! " VIDEO_CAPS " ! av1enc "
    "cpu-used=10 usage-profile=realtime ! av1parse ! m.video_1 "
    "audiotestsrc num-buffers=100 ! audio/x-raw,rate=48000,channels=2 ! "
    "opusenc ! m.audio "
    "audiotestsrc num-buffers=100 ! audio/x-raw,rate=44100,channels=1 ! "
    "avenc_aac ! aacparse ! m.audio_1";

/* queues as a user writes them: their default limits */
static const gchar *consumer =
    "filesrc location=@FILE@ ! erdemux name=d "
    "d.video ! queue ! h264parse ! avdec_h264 ! "
    "fakesink name=dec_video signal-handoffs=true "
    "d.video_1 ! queue ! av1parse ! av1dec ! "
    "fakesink name=dec_video_1 signal-handoffs=true "
    "d.audio ! queue ! opusparse ! opusdec ! "
    "fakesink name=dec_audio signal-handoffs=true";

typedef struct
{
  guint removed;
} Rewrite;

static void
drop_track1_start (const ertmp_flv_tag * tag, GByteArray * out,
    gpointer user_data)
{
  Rewrite *rw = user_data;
  ertmp_media_tag mtag;
  ertmp_media_track mt;

  if ((tag->header.type == ERTMP_FLV_TAG_VIDEO ||
          tag->header.type == ERTMP_FLV_TAG_AUDIO) &&
      ertmp_media_parse (tag->header.type, tag->payload, tag->header.size,
          NULL, &mtag) == ERTMP_OK && ertmp_media_next_track (&mtag, &mt) &&
      mtag.hdr.packet == ERTMP_MEDIA_PACKET_SEQUENCE_START &&
      mt.track_id == 1) {
    rw->removed++;
    return;
  }
  check_flv_append_tag (out, tag->header.type, tag->header.timestamp,
      tag->payload, tag->header.size);
}

static gchar *
make_file (Check * enc)
{
  gchar *path = check_tmp_file (".flv"), *data;
  GstElement *p = check_launch (producer, path), *m;
  GBytes *in, *out;
  Rewrite rw = { 0 };
  gsize len;

  m = gst_bin_get_by_name (GST_BIN (p), "m");
  check_record_pads (enc, m, GST_PAD_SINK);
  check_run (enc, p);
  gst_object_unref (m);
  gst_object_unref (p);

  fail_unless (g_file_get_contents (path, &data, &len, NULL));
  in = g_bytes_new_take (data, len);
  out = check_flv_rewrite (in, drop_track1_start, &rw);
  fail_unless_equals_int (rw.removed, 2);
  fail_unless (g_file_set_contents (path, g_bytes_get_data (out, NULL),
          g_bytes_get_size (out), NULL));
  g_bytes_unref (in);
  g_bytes_unref (out);
  return path;
}

static void
assert_all_frames (Check * enc, Check * dem, const gchar * name)
{
  CheckStream *in = check_stream (enc, name), *out = check_stream (dem, name);
  guint i;

  fail_unless (in != NULL && out != NULL, "%s", name);
  fail_unless (in->pts->len > 0);
  fail_unless (out->pts->len == in->pts->len, "%s: %u frames, not %u", name,
      out->pts->len, in->pts->len);
  /* legacy H.264 carries whole ms */
  for (i = 0; i < in->pts->len; i++)
    fail_unless_equals_uint64 (g_array_index (out->pts, GstClockTime,
            i) / GST_MSECOND, g_array_index (in->pts, GstClockTime,
            i) / GST_MSECOND);
  fail_unless_equals_int (out->bytes->len, in->bytes->len);
  fail_unless (out->decoded > 0, "%s: nothing decoded", name);
}

static void
assert_details (Check * dem, const gchar * type, guint id,
    const gchar * codec, gboolean exposed)
{
  const GstStructure *s = check_warning_details (dem, DETAILS, type, id);
  gboolean b;

  fail_unless (s != NULL, "no warning details for %s track %u", type, id);
  fail_unless_equals_string (gst_structure_get_string (s, "codec"), codec);
  fail_unless (gst_structure_get_boolean (s, "exposed", &b));
  fail_unless_equals_int (b, exposed);
}

GST_START_TEST (test_missing_sequence_start)
{
  Check *enc = check_new (), *dem = check_new ();
  gchar *path = make_file (enc);
  GstElement *p = check_launch (consumer, path), *d;
  CheckStream *v1;

  /* expected: about a second; the bound catches a hang only */
  dem->hang_timeout = 120 * GST_SECOND;
  d = gst_bin_get_by_name (GST_BIN (p), "d");
  check_record_pads (dem, d, GST_PAD_SRC);
  check_count_decoded (dem, p);
  check_run (dem, p);

  assert_all_frames (enc, dem, "video");
  assert_all_frames (enc, dem, "audio");
  /* AV1 without its record: every frame, every frame decodes */
  assert_all_frames (enc, dem, "video_1");
  v1 = check_stream (dem, "video_1");
  fail_unless_equals_int (v1->decoded, N_VIDEO);
  fail_if (gst_structure_has_field (gst_caps_get_structure (v1->caps, 0),
          "codec_data"));
  fail_unless (check_has_warning (dem, "video track 1 (AV1)", NULL));
  assert_details (dem, "video", 1, "AV1", TRUE);
  /* AAC cannot: left out, named */
  fail_if (check_stream (dem, "audio_1") != NULL);
  fail_unless (check_has_warning (dem, "audio track 1 (AAC)",
          "left out", NULL));
  assert_details (dem, "audio", 1, "AAC", FALSE);

  gst_object_unref (d);
  gst_object_unref (p);
  g_unlink (path);
  g_free (path);
  check_free (enc);
  check_free (dem);
}

GST_END_TEST;

/* decodebin (erdemux ranks above flvdemux) plays the same stream to the
 * end: both video tracks and the Opus track, every frame decoded */
GST_START_TEST (test_missing_sequence_start_decodebin)
{
  Check *enc = check_new (), *dem = check_new ();
  gchar *path = make_file (enc);
  GHashTableIter it;
  CheckStream *s;
  guint video = 0, audio = 0;

  dem->hang_timeout = 120 * GST_SECOND;
  check_demux_file (dem, "decodebin", path);
  g_hash_table_iter_init (&it, dem->streams);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & s)) {
    const gchar *media;

    fail_unless (s->caps != NULL, "%s", s->name);
    media = gst_structure_get_name (gst_caps_get_structure (s->caps, 0));
    if (g_str_has_prefix (media, "video/")) {
      fail_unless_equals_int (s->pts->len, N_VIDEO);
      video++;
    } else {
      fail_unless (s->pts->len > 0);
      audio++;
    }
  }
  fail_unless_equals_int (video, 2);
  fail_unless_equals_int (audio, 1);
  assert_details (dem, "video", 1, "AV1", TRUE);
  assert_details (dem, "audio", 1, "AAC", FALSE);

  g_unlink (path);
  g_free (path);
  check_free (enc);
  check_free (dem);
}

GST_END_TEST;

/* The bound is a property: 0 leaves the track out at its first frame */
GST_START_TEST (test_sequence_start_timeout_property)
{
  GstElement *d = gst_element_factory_make ("erdemux", NULL);
  guint v;

  fail_unless (d != NULL);
  g_object_get (d, "sequence-start-timeout", &v, NULL);
  fail_unless_equals_int (v, 500);
  g_object_set (d, "sequence-start-timeout", 0, NULL);
  g_object_get (d, "sequence-start-timeout", &v, NULL);
  fail_unless_equals_int (v, 0);
  gst_object_unref (d);
}

GST_END_TEST;

static Suite *
erdemux_missing_suite (void)
{
  Suite *s = suite_create ("erdemux_missing");
  TCase *tc = tcase_create ("files");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_missing_sequence_start);
  tcase_add_test (tc, test_missing_sequence_start_decodebin);
  tcase_add_test (tc, test_sequence_start_timeout_property);
  return s;
}

GST_CHECK_MAIN (erdemux_missing);
