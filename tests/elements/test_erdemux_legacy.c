/* gst-ertmp: erdemux reads every legacy FLV that flvdemux reads
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * erdemux ranks above flvdemux, so decodebin, playbin and gst-play-1.0
 * take it for every FLV file.  Before that is allowed, every legacy file
 * flvdemux reads must come out of erdemux the same: files written by
 * FFmpeg 5.1 and by GStreamer's flvmux (H.264, AAC, MP3, Speex,
 * Nellymoser, ADPCM, PCM, G.711, Sorenson H.263, no audio, no video), and
 * hand-built tags of the codecs nothing here encodes (VP6, VP6 alpha,
 * screen video 1 and 2) and of a file with only onMetaData.  For each: the
 * same pads, caps that intersect, the same buffers (count, PTS, DTS,
 * bytes).  Then playbin on an Enhanced FLV (HEVC + Opus) picks erdemux
 * and decodes every frame.
 */
#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "erdemux_check.h"
#include "ertmp_amf0.h"

/* ---- writers --------------------------------------------------------- */

#define LAVFI_VIDEO "testsrc=size=128x96:rate=25:duration=2"

typedef struct
{
  const gchar *name;
  const gchar *args[12];        /* after the inputs, before the file */
  gboolean video, audio;
  guint audio_rate;
} FfmpegFile;

static const FfmpegFile ffmpeg_files[] = {
  {"h264-aac", {"-c:v", "libx264", "-bf", "2", "-c:a", "aac", NULL},
      TRUE, TRUE, 44100},
  {"flv1-mp3", {"-c:v", "flv", "-c:a", "libmp3lame", NULL}, TRUE, TRUE,
      44100},
  {"flv1-noaudio", {"-c:v", "flv", NULL}, TRUE, FALSE, 0},
  {"speex-novideo", {"-c:a", "libspeex", NULL}, FALSE, TRUE, 16000},
  {"nellymoser", {"-c:a", "nellymoser", NULL}, FALSE, TRUE, 22050},
  {"adpcm", {"-c:a", "adpcm_swf", NULL}, FALSE, TRUE, 22050},
  {"pcm-s16le", {"-c:a", "pcm_s16le", NULL}, FALSE, TRUE, 44100},
  {"pcm-u8", {"-c:a", "pcm_u8", NULL}, FALSE, TRUE, 11025},
};

static gchar *
ffmpeg_file (const FfmpegFile * f)
{
  gchar *path = check_tmp_file (".flv"), *err = NULL;
  gchar *audio = g_strdup_printf ("sine=frequency=440:sample_rate=%u:"
      "duration=2", f->audio_rate);
  GPtrArray *argv = g_ptr_array_new ();
  gint status;
  guint i;

  g_ptr_array_add (argv, (gpointer) "ffmpeg");
  g_ptr_array_add (argv, (gpointer) "-nostdin");
  g_ptr_array_add (argv, (gpointer) "-hide_banner");
  g_ptr_array_add (argv, (gpointer) "-loglevel");
  g_ptr_array_add (argv, (gpointer) "error");
  g_ptr_array_add (argv, (gpointer) "-y");
  if (f->video) {
    g_ptr_array_add (argv, (gpointer) "-f");
    g_ptr_array_add (argv, (gpointer) "lavfi");
    g_ptr_array_add (argv, (gpointer) "-i");
    g_ptr_array_add (argv, (gpointer) LAVFI_VIDEO);
  }
  if (f->audio) {
    g_ptr_array_add (argv, (gpointer) "-f");
    g_ptr_array_add (argv, (gpointer) "lavfi");
    g_ptr_array_add (argv, (gpointer) "-i");
    g_ptr_array_add (argv, audio);
  }
  for (i = 0; f->args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) f->args[i]);
  g_ptr_array_add (argv, (gpointer) "-f");
  g_ptr_array_add (argv, (gpointer) "flv");
  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, NULL);
  fail_unless (g_spawn_sync (NULL, (gchar **) argv->pdata, NULL,
          G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
          &err, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL), "ffmpeg %s: %s",
      f->name, err);
  g_free (err);
  g_free (audio);
  g_ptr_array_unref (argv);
  return path;
}

#define V "videotestsrc num-buffers=50 ! video/x-raw,format=I420,width=128," \
  "height=96,framerate=25/1 ! "
#define A(rate, ch) "audiotestsrc num-buffers=40 samplesperbuffer=1024 ! " \
  "audio/x-raw,rate=" #rate ",channels=" #ch " ! "

static const gchar *flvmux_files[][2] = {
  {"h264-aac", "flvmux name=m ! filesink location=@FILE@ "
        V "x264enc bframes=2 key-int-max=25 ! h264parse ! m. "
        A (44100, 1) "avenc_aac ! aacparse ! m."},
  {"flv1-mp3", "flvmux name=m ! filesink location=@FILE@ "
        V "avenc_flv ! m. " A (44100, 2) "lamemp3enc ! mpegaudioparse ! m."},
  {"flv1-noaudio", "flvmux name=m ! filesink location=@FILE@ "
        V "avenc_flv ! m."},
  {"speex-novideo", "flvmux name=m ! filesink location=@FILE@ "
        A (16000, 1) "speexenc ! m."},
  {"nellymoser", "flvmux name=m ! filesink location=@FILE@ "
        A (22050, 1) "avenc_nellymoser ! m."},
  {"adpcm", "flvmux name=m ! filesink location=@FILE@ "
        A (22050, 1) "avenc_adpcm_swf ! m."},
  {"pcm-s16le", "flvmux name=m ! filesink location=@FILE@ "
        A (44100, 2) "audioconvert ! audio/x-raw,format=S16LE ! m."},
  {"pcm-u8", "flvmux name=m ! filesink location=@FILE@ "
        A (11025, 1) "audioconvert ! audio/x-raw,format=U8 ! m."},
  {"alaw", "flvmux name=m ! filesink location=@FILE@ "
        A (8000, 1) "alawenc ! m."},
  {"mulaw", "flvmux name=m ! filesink location=@FILE@ "
        A (8000, 1) "mulawenc ! m."},
};

static gchar *
flvmux_file (const gchar * desc)
{
  gchar *path = check_tmp_file (".flv");
  GstElement *p = check_launch (desc, path);
  Check *c = check_new ();

  check_run (c, p);
  gst_object_unref (p);
  check_free (c);
  return path;
}

/* ---- hand-built tags ----------------------------------------------------- */

static void
append_metadata (GByteArray * flv, gdouble videocodecid)
{
  GByteArray *body = g_byte_array_new ();
  ertmp_amf_value *obj = ertmp_amf_new (ERTMP_AMF_ECMA_ARRAY);

  ertmp_amf_add_number (obj, "duration", 0.4);
  ertmp_amf_add_number (obj, "width", 64);
  ertmp_amf_add_number (obj, "height", 48);
  if (videocodecid > 0)
    ertmp_amf_add_number (obj, "videocodecid", videocodecid);
  ertmp_amf0_put_string (body, "onMetaData");
  fail_unless_equals_int (ertmp_amf0_encode (body, obj), ERTMP_OK);
  check_flv_append_tag (flv, ERTMP_FLV_TAG_SCRIPT, 0, body->data, body->len);
  ertmp_amf_value_unref (obj);
  g_byte_array_unref (body);
}

/* Ten frames of legacy video codec @id, a key frame every fifth; the
 * bytes after the codec byte are not a valid bitstream (no encoder here),
 * which a demuxer does not look at.  VP6 has its adjustment byte and VP6
 * alpha also the 24-bit offset of its alpha data (flv.md 5). */
static gchar *
handmade_video (guint8 id)
{
  gchar *path = check_tmp_file (".flv");
  GByteArray *flv = g_byte_array_new ();
  GRand *rand = g_rand_new_with_seed (id);
  guint i, j;

  ertmp_flv_write_header (flv, ERTMP_FLV_FLAG_VIDEO);
  append_metadata (flv, id);
  for (i = 0; i < 10; i++) {
    guint8 body[64];

    body[0] = (i % 5 == 0 ? 0x10 : 0x20) | id;
    for (j = 1; j < sizeof (body); j++)
      body[j] = g_rand_int_range (rand, 0, 256);
    if (id == 4 || id == 5)
      body[1] = 0x00;           /* adjustment: none */
    if (id == 5) {
      body[2] = body[3] = 0;
      body[4] = 40;             /* alpha data after 40 bytes */
    }
    check_flv_append_tag (flv, ERTMP_FLV_TAG_VIDEO, i * 40, body,
        sizeof (body));
  }
  fail_unless (g_file_set_contents (path, (const gchar *) flv->data,
          flv->len, NULL));
  g_rand_free (rand);
  g_byte_array_unref (flv);
  return path;
}

static gchar *
handmade_script_only (void)
{
  gchar *path = check_tmp_file (".flv");
  GByteArray *flv = g_byte_array_new ();

  ertmp_flv_write_header (flv, 0);
  append_metadata (flv, 0);
  fail_unless (g_file_set_contents (path, (const gchar *) flv->data,
          flv->len, NULL));
  g_byte_array_unref (flv);
  return path;
}

/* ---- the comparison ---------------------------------------------------- */

/* erdemux's buffers from @skip on are flvdemux's, one for one */
static void
assert_same_buffers (const gchar * file, CheckStream * f, CheckStream * e,
    guint skip)
{
  gsize offset = 0;
  guint i;

  fail_unless (e->pts->len - skip == f->pts->len, "%s %s: %u buffers, "
      "flvdemux %u", file, f->name, e->pts->len - skip, f->pts->len);
  for (i = 0; i < skip; i++)
    offset += g_array_index (e->sizes, gsize, i);
  for (i = 0; i < f->pts->len; i++) {
    GstClockTime fp = g_array_index (f->pts, GstClockTime, i);
    GstClockTime fd = g_array_index (f->dts, GstClockTime, i);
    GstClockTime ep = g_array_index (e->pts, GstClockTime, i + skip);
    GstClockTime ed = g_array_index (e->dts, GstClockTime, i + skip);

    fail_unless (ep == fp, "%s %s buffer %u: PTS %" GST_TIME_FORMAT
        ", flvdemux %" GST_TIME_FORMAT, file, f->name, i,
        GST_TIME_ARGS (ep), GST_TIME_ARGS (fp));
    /* flvdemux leaves the DTS of audio unset: erdemux sets it = PTS */
    fail_unless (!GST_CLOCK_TIME_IS_VALID (fd) || ed == fd,
        "%s %s buffer %u: DTS %" GST_TIME_FORMAT ", flvdemux %"
        GST_TIME_FORMAT, file, f->name, i, GST_TIME_ARGS (ed),
        GST_TIME_ARGS (fd));
  }
  fail_unless (e->bytes->len - offset == f->bytes->len &&
      memcmp (e->bytes->data + offset, f->bytes->data, f->bytes->len) == 0,
      "%s %s: other bytes (%u, flvdemux %u)", file, f->name,
      (guint) (e->bytes->len - offset), f->bytes->len);
}

/* The same stream, but for the frames before the start of flvdemux's
 * segment, which flvdemux starts at its first video timestamp and so
 * leaves out the audio that comes before it (FFmpeg's AAC at 57 ms when
 * the first video PTS is 80 ms): erdemux gives them too. */
static void
assert_same_stream (const gchar * file, CheckStream * f, CheckStream * e)
{
  guint skip = 0;

  fail_unless (e != NULL, "%s: erdemux has no pad %s", file, f->name);
  fail_unless (f->caps != NULL && e->caps != NULL, "%s %s", file, f->name);
  fail_unless (gst_caps_can_intersect (f->caps, e->caps),
      "%s %s: flvdemux %" GST_PTR_FORMAT ", erdemux %" GST_PTR_FORMAT, file,
      f->name, f->caps, e->caps);
  fail_unless (f->pts->len > 0, "%s %s: no buffers", file, f->name);
  while (skip < e->pts->len && f->segment.format == GST_FORMAT_TIME &&
      g_array_index (e->pts, GstClockTime, skip) < f->segment.start)
    skip++;
  if (skip > 0)
    GST_INFO ("%s %s: %u buffers before flvdemux's segment (%"
        GST_TIME_FORMAT ")", file, f->name, skip,
        GST_TIME_ARGS (f->segment.start));
  assert_same_buffers (file, f, e, skip);
}

static void
compare_demuxers (const gchar * what, const gchar * path)
{
  Check *f = check_new (), *e = check_new ();
  GHashTableIter it;
  CheckStream *s;

  /* flvdemux's segment starts at the first timestamp, erdemux's at 0:
   * the buffer times are compared */
  f->allow_error = e->allow_error = TRUE;
  f->raw_times = e->raw_times = TRUE;
  check_demux_file (f, "flvdemux", path);
  check_demux_file (e, "erdemux", path);
  GST_INFO ("%s: flvdemux %u pads (%s), erdemux %u pads (%s)", what,
      g_hash_table_size (f->streams), GST_STR_NULL (f->error),
      g_hash_table_size (e->streams), GST_STR_NULL (e->error));
  /* erdemux reads what flvdemux reads (and a file that holds nothing to
   * play is an error for both) */
  fail_if (e->error != NULL && f->error == NULL, "%s: erdemux: %s", what,
      e->error);
  if (f->error != NULL && g_hash_table_size (f->streams) == 0) {
    g_hash_table_iter_init (&it, e->streams);
    while (g_hash_table_iter_next (&it, NULL, (gpointer *) & s))
      fail_unless (s->pts->len > 0, "%s: erdemux %s empty", what, s->name);
    goto done;
  }
  fail_unless_equals_int (g_hash_table_size (e->streams),
      g_hash_table_size (f->streams));
  g_hash_table_iter_init (&it, f->streams);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & s))
    assert_same_stream (what, s, check_stream (e, s->name));
done:
  check_free (f);
  check_free (e);
}

GST_START_TEST (test_ffmpeg_files)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (ffmpeg_files); i++) {
    gchar *path = ffmpeg_file (&ffmpeg_files[i]);
    gchar *what = g_strdup_printf ("ffmpeg %s", ffmpeg_files[i].name);

    compare_demuxers (what, path);
    g_unlink (path);
    g_free (path);
    g_free (what);
  }
}

GST_END_TEST;

GST_START_TEST (test_flvmux_files)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (flvmux_files); i++) {
    gchar *path = flvmux_file (flvmux_files[i][1]);
    gchar *what = g_strdup_printf ("flvmux %s", flvmux_files[i][0]);

    compare_demuxers (what, path);
    g_unlink (path);
    g_free (path);
    g_free (what);
  }
}

GST_END_TEST;

GST_START_TEST (test_handmade_files)
{
  /* screen video, VP6, VP6 alpha, screen video 2 (flv.md 5) */
  static const guint8 ids[] = { 3, 4, 5, 6 };
  gchar *path, *what;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (ids); i++) {
    path = handmade_video (ids[i]);
    what = g_strdup_printf ("hand-built video codec %u", ids[i]);
    compare_demuxers (what, path);
    g_unlink (path);
    g_free (path);
    g_free (what);
  }
  path = handmade_script_only ();
  compare_demuxers ("hand-built script only", path);
  /* the error says why, for applications too */
  {
    Check *c = check_new ();

    c->allow_error = TRUE;
    check_demux_file (c, "erdemux", path);
    fail_unless (c->error != NULL);
    fail_unless (check_warning_details (c, "no-tracks", NULL, 0) != NULL);
    check_free (c);
  }
  g_unlink (path);
  g_free (path);
}

GST_END_TEST;

/* ---- rank: decodebin, playbin and gst-play-1.0 take erdemux ------------ */

static void
on_deep_element_added (GstBin * bin, GstBin * sub, GstElement * element,
    gboolean * found)
{
  GstElementFactory *f = gst_element_get_factory (element);

  if (f != NULL && g_strcmp0 (GST_OBJECT_NAME (f), "erdemux") == 0)
    *found = TRUE;
}

static void
on_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, guint * n)
{
  g_atomic_int_inc (n);
}

GST_START_TEST (test_playbin_picks_erdemux)
{
  GstPluginFeature *er = GST_PLUGIN_FEATURE (gst_element_factory_find
      ("erdemux"));
  GstPluginFeature *flv = GST_PLUGIN_FEATURE (gst_element_factory_find
      ("flvdemux"));
  gchar *path = flvmux_file ("flvemux name=m ! filesink location=@FILE@ "
      V "x265enc speed-preset=ultrafast key-int-max=25 ! h265parse ! m.video "
      A (48000, 2) "opusenc ! m.audio");
  gchar *uri = gst_filename_to_uri (path, NULL);
  GstElement *p = gst_element_factory_make ("playbin", NULL);
  GstElement *vs = gst_element_factory_make ("fakesink", NULL);
  GstElement *as = gst_element_factory_make ("fakesink", NULL);
  Check *c = check_new ();
  gboolean found = FALSE;
  guint video = 0, audio = 0;

  fail_unless (er != NULL && flv != NULL && p != NULL);
  fail_unless (gst_plugin_feature_get_rank (er) >
      gst_plugin_feature_get_rank (flv));
  g_object_set (vs, "signal-handoffs", TRUE, NULL);
  g_object_set (as, "signal-handoffs", TRUE, NULL);
  g_signal_connect (vs, "handoff", G_CALLBACK (on_handoff), &video);
  g_signal_connect (as, "handoff", G_CALLBACK (on_handoff), &audio);
  g_object_set (p, "uri", uri, "video-sink", vs, "audio-sink", as, NULL);
  g_signal_connect (p, "deep-element-added",
      G_CALLBACK (on_deep_element_added), &found);
  check_run (c, p);
  fail_unless (found, "playbin did not take erdemux");
  fail_unless_equals_int (video, 50);
  fail_unless (audio > 0);

  gst_object_unref (p);
  gst_object_unref (er);
  gst_object_unref (flv);
  check_free (c);
  g_unlink (path);
  g_free (path);
  g_free (uri);
}

GST_END_TEST;

/* gst-inspect documents every message: each problem and details field */
GST_START_TEST (test_messages_documented)
{
  static const gchar *words[] = { "malformed", "unsupported", "limit",
    "truncated", "missing-sequence-start", "no-tracks", "problem (string",
    "track-type (string", "track-id (uint", "codec (string", "held (uint",
    "exposed (boolean", "waited (uint64"
  };
  GstElementFactory *f = gst_element_factory_find ("erdemux");
  const gchar *desc;
  guint i;

  fail_unless (f != NULL);
  desc = gst_element_factory_get_metadata (f, GST_ELEMENT_METADATA_DESCRIPTION);
  for (i = 0; i < G_N_ELEMENTS (words); i++)
    fail_unless (strstr (desc, words[i]) != NULL, "%s", words[i]);
  gst_object_unref (f);
}

GST_END_TEST;

static Suite *
erdemux_legacy_suite (void)
{
  Suite *s = suite_create ("erdemux_legacy");
  TCase *tc = tcase_create ("files");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ffmpeg_files);
  tcase_add_test (tc, test_flvmux_files);
  tcase_add_test (tc, test_handmade_files);
  tcase_add_test (tc, test_playbin_picks_erdemux);
  tcase_add_test (tc, test_messages_documented);
  return s;
}

GST_CHECK_MAIN (erdemux_legacy);
