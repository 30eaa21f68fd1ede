/* gst-ertmp: erdemux on multitrack files of FFmpeg 8's shape
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * FFmpeg 8 writes the Metadata (colorInfo) packets of tracks 1 and 2
 * without the multitrack wrapper, so they read as track 0, and a legacy
 * (plain, track 0) end-of-sequence tag for an H.264 stream.  The file here
 * is made by real encoders (HEVC + AV1 + VP9 with colorInfo, Opus, FLAC,
 * AC-3, MP3) through flvemux, then its tags are rewritten into that shape
 * with the core's FLV and media code.  Every frame of every track must come
 * out with the times the encoders gave, every track must decode, and no
 * track may change its codec.
 */
#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

#include "erdemux_check.h"
#include "ertmp_media.h"

#define VIDEO_CAPS "video/x-raw,format=I420,width=128,height=96," \
  "framerate=30/1"
#define N_VIDEO 90
/* in the middle: every HEVC frame after it used to be dropped */
#define EOS_AFTER_FRAME 45
#define QUEUE " ! queue max-size-buffers=0 max-size-bytes=0 " \
  "max-size-time=0 ! "

static const gchar *producer =
    "flvemux name=m timestamp-offset-nano=true ! filesink location=\"@FILE@\" "
    "videotestsrc num-buffers=90 ! " VIDEO_CAPS ",colorimetry=bt709 ! "
    "x265enc speed-preset=ultrafast option-string=bframes=0 key-int-max=30 "
    "! h265parse ! m.video "
    "videotestsrc num-buffers=90 pattern=ball ! " VIDEO_CAPS
    ",colorimetry=bt2020 ! av1enc cpu-used=10 usage-profile=realtime ! "
    "av1parse ! m.video_1 "
    "videotestsrc num-buffers=90 pattern=smpte ! " VIDEO_CAPS
    ",colorimetry=bt601 ! vp9enc deadline=1 cpu-used=8 ! m.video_2 "
    "audiotestsrc num-buffers=150 ! audio/x-raw,rate=48000,channels=2 ! "
    "opusenc ! m.audio "
    "audiotestsrc num-buffers=150 ! audio/x-raw,rate=44100,channels=1 ! "
    "flacenc ! m.audio_1 "
    "audiotestsrc num-buffers=150 ! audio/x-raw,rate=48000,channels=2 ! "
    "avenc_ac3 ! ac3parse ! m.audio_2 "
    "audiotestsrc num-buffers=150 ! audio/x-raw,rate=44100,channels=2 ! "
    "lamemp3enc ! mpegaudioparse ! m.audio_3";

static const gchar *consumer =
    "filesrc location=\"@FILE@\" ! erdemux name=d "
    "d.video" QUEUE "h265parse ! avdec_h265 ! "
    "fakesink name=dec_video signal-handoffs=true "
    "d.video_1" QUEUE "av1parse ! av1dec ! "
    "fakesink name=dec_video_1 signal-handoffs=true "
    "d.video_2" QUEUE "vp9parse ! avdec_vp9 ! "
    "fakesink name=dec_video_2 signal-handoffs=true "
    "d.audio" QUEUE "opusparse ! opusdec ! "
    "fakesink name=dec_audio signal-handoffs=true "
    "d.audio_1" QUEUE "flacparse ! flacdec ! "
    "fakesink name=dec_audio_1 signal-handoffs=true "
    "d.audio_2" QUEUE "ac3parse ! avdec_ac3 ! "
    "fakesink name=dec_audio_2 signal-handoffs=true "
    "d.audio_3" QUEUE "mpegaudioparse ! mpg123audiodec ! "
    "fakesink name=dec_audio_3 signal-handoffs=true";

static const gchar *tracks[] = { "video", "video_1", "video_2", "audio",
  "audio_1", "audio_2", "audio_3"
};

/* Encodes into a temporary file; @enc records what flvemux got. */
static gchar *
make_file (Check * enc)
{
  gchar *path = check_tmp_file (".flv");
  GstElement *p = check_launch (producer, path), *m;

  m = gst_bin_get_by_name (GST_BIN (p), "m");
  check_record_pads (enc, m, GST_PAD_SINK);
  check_run (enc, p);
  gst_object_unref (m);
  gst_object_unref (p);
  return path;
}

typedef struct
{
  guint metadata_unwrapped;
  guint hevc_frames;
  guint eos_tags;
} Rewrite;

/* Metadata of a track > 0 -> the plain (track 0) form FFmpeg 8 writes */
static gboolean
unwrap_metadata (const ertmp_flv_tag * tag, const ertmp_media_tag * mtag,
    ertmp_media_track * mt, GByteArray * out)
{
  GByteArray *body;
  ertmp_media_header hdr = mtag->hdr;

  if (hdr.packet != ERTMP_MEDIA_PACKET_METADATA || mt->track_id == 0)
    return FALSE;
  body = g_byte_array_new ();
  hdr.multitrack = ERTMP_MEDIA_MULTITRACK_NONE;
  hdr.frame_type = ERTMP_MEDIA_FRAME_COMMAND;
  mt->track_id = 0;
  fail_unless_equals_int (ertmp_media_write_header (body, &hdr, mt),
      ERTMP_OK);
  fail_unless_equals_int (body->data[0], 0xd4);
  g_byte_array_append (body, mt->data, mt->len);
  check_flv_append_tag (out, ERTMP_FLV_TAG_VIDEO, tag->header.timestamp,
      body->data, body->len);
  g_byte_array_unref (body);
  return TRUE;
}

static void
to_ffmpeg8 (const ertmp_flv_tag * tag, GByteArray * out, gpointer user_data)
{
  /* AVC, key frame, end of sequence, composition time 0 */
  static const guint8 legacy_avc_eos[] = { 0x17, 0x02, 0, 0, 0 };
  Rewrite *rw = user_data;
  ertmp_media_tag mtag;
  ertmp_media_track mt;

  if (tag->header.type == ERTMP_FLV_TAG_VIDEO &&
      ertmp_media_parse (ERTMP_CODEC_KIND_VIDEO, tag->payload,
          tag->header.size, NULL, &mtag) == ERTMP_OK &&
      ertmp_media_next_track (&mtag, &mt)) {
    if (unwrap_metadata (tag, &mtag, &mt, out)) {
      rw->metadata_unwrapped++;
      return;
    }
    if (mtag.hdr.packet == ERTMP_MEDIA_PACKET_CODED_FRAMES &&
        mt.track_id == 0 && ++rw->hevc_frames == EOS_AFTER_FRAME) {
      check_flv_append_tag (out, tag->header.type, tag->header.timestamp,
          tag->payload, tag->header.size);
      check_flv_append_tag (out, ERTMP_FLV_TAG_VIDEO, tag->header.timestamp,
          legacy_avc_eos, sizeof (legacy_avc_eos));
      rw->eos_tags++;
      return;
    }
  }
  check_flv_append_tag (out, tag->header.type, tag->header.timestamp,
      tag->payload, tag->header.size);
}

static gchar *
rewrite_file (const gchar * path)
{
  gchar *data, *out_path = check_tmp_file (".flv");
  gsize len;
  GBytes *in, *out;
  Rewrite rw = { 0, };

  fail_unless (g_file_get_contents (path, &data, &len, NULL));
  in = g_bytes_new_take (data, len);
  out = check_flv_rewrite (in, to_ffmpeg8, &rw);
  fail_unless_equals_int (rw.metadata_unwrapped, 2);
  fail_unless_equals_int (rw.hevc_frames, N_VIDEO);
  fail_unless_equals_int (rw.eos_tags, 1);
  fail_unless (g_file_set_contents (out_path, g_bytes_get_data (out, NULL),
          g_bytes_get_size (out), NULL));
  g_bytes_unref (in);
  g_bytes_unref (out);
  return out_path;
}

/* The wire carries a video DTS in whole ms (gstertmptime.h) */
static void
assert_same_times (CheckStream * in, CheckStream * out, gboolean video)
{
  guint i;

  fail_unless (out->pts->len == in->pts->len, "%s: %u frames, not %u",
      in->name, out->pts->len, in->pts->len);
  for (i = 0; i < in->pts->len; i++) {
    GstClockTime pts = g_array_index (in->pts, GstClockTime, i);
    GstClockTime dts = g_array_index (in->dts, GstClockTime, i);

    fail_unless_equals_uint64 (g_array_index (out->pts, GstClockTime, i),
        pts);
    /* audio encoders leave DTS unset: erdemux gives DTS = PTS */
    if (!GST_CLOCK_TIME_IS_VALID (dts))
      dts = pts;
    if (video)
      dts -= dts % GST_MSECOND;
    fail_unless_equals_uint64 (g_array_index (out->dts, GstClockTime, i),
        dts);
  }
  fail_unless_equals_int (out->bytes->len, in->bytes->len);
  fail_unless (memcmp (out->bytes->data, in->bytes->data,
          in->bytes->len) == 0);
}

static void
assert_colorimetry (CheckStream * in, CheckStream * out)
{
  const gchar *want = gst_structure_get_string (gst_caps_get_structure
      (in->caps, 0), "colorimetry");
  const gchar *got = gst_structure_get_string (gst_caps_get_structure
      (out->caps, 0), "colorimetry");

  GstVideoColorimetry w, g;

  /* colorInfo carries no range */
  fail_unless (want != NULL, "%" GST_PTR_FORMAT, in->caps);
  fail_unless (got != NULL, "%" GST_PTR_FORMAT, out->caps);
  fail_unless (gst_video_colorimetry_from_string (&w, want));
  fail_unless (gst_video_colorimetry_from_string (&g, got));
  fail_unless (w.matrix == g.matrix && w.transfer == g.transfer &&
      w.primaries == g.primaries, "%s: %s, not %s", out->name, got, want);
}

GST_START_TEST (test_ffmpeg8_multitrack)
{
  Check *enc = check_new (), *dem = check_new ();
  gchar *path = make_file (enc), *shaped = rewrite_file (path);
  const GstStructure *details;
  GstElement *p, *d;
  guint i;

  p = check_launch (consumer, shaped);
  d = gst_bin_get_by_name (GST_BIN (p), "d");
  check_record_pads (dem, d, GST_PAD_SRC);
  check_count_decoded (dem, p);
  check_run (dem, p);

  for (i = 0; i < G_N_ELEMENTS (tracks); i++) {
    CheckStream *in = check_stream (enc, tracks[i]);
    CheckStream *out = check_stream (dem, tracks[i]);

    fail_unless (in != NULL && out != NULL, "%s", tracks[i]);
    GST_INFO ("%s: %u frames in, %u out, %u decoded; %" GST_PTR_FORMAT,
        tracks[i], in->pts->len, out->pts->len, out->decoded, out->caps);
    fail_unless (in->pts->len > 0);
    assert_same_times (in, out, g_str_has_prefix (tracks[i], "video"));
    fail_if (out->mixed_media, "%s changed its codec", tracks[i]);
    if (g_str_has_prefix (tracks[i], "video")) {
      fail_unless_equals_int (in->pts->len, N_VIDEO);
      fail_unless_equals_int (out->decoded, N_VIDEO);
      assert_colorimetry (in, out);
    } else {
      /* one decoded buffer per frame at most (decoder delay) */
      fail_unless (out->decoded > 0 && out->decoded <= in->pts->len,
          "%s: %u decoded", tracks[i], out->decoded);
    }
  }
  /* the end of sequence names H.264: there is no such track */
  fail_unless (check_has_warning (dem, "video track 0", "H.264", NULL));
  details = check_warning_details (dem, "unsupported", "video", 0);
  fail_unless (details != NULL);
  fail_unless_equals_string (gst_structure_get_string (details, "codec"),
      "H.265/HEVC");

  gst_object_unref (d);
  gst_object_unref (p);
  g_unlink (path);
  g_unlink (shaped);
  g_free (path);
  g_free (shaped);
  check_free (enc);
  check_free (dem);
}

GST_END_TEST;

static Suite *
erdemux_multitrack_suite (void)
{
  Suite *s = suite_create ("erdemux_multitrack");
  TCase *tc = tcase_create ("files");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ffmpeg8_multitrack);
  return s;
}

GST_CHECK_MAIN (erdemux_multitrack);
