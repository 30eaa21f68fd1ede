/* gst-ertmp: rtmpservesink with real peers: Enhanced RTMP, relays, one port
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What this proves, each time with real programs on 127.0.0.1:
 *  - Enhanced RTMP out: the sink serves Enhanced FLV made here by flvemux
 *    (HEVC + Opus, AV1 + Opus, VP9 + Opus, a multitrack stream of H.264,
 *    HEVC, AAC and Opus, HEVC + Opus with ModEx nanosecond timestamps)
 *    and another implementation's AV1 + Opus file (../shared/media) to
 *    GStreamer's rtmp2src, which records every audio and video tag
 *    exactly as fed (type, timestamp, body); the recording decodes with
 *    GStreamer's own parsers and decoders, every frame of every track,
 *    and the ModEx stream gives back its frames' nanosecond timestamps;
 *  - the sink as a relay's origin: nginx-rtmp pulls the stream from it
 *    for an FFmpeg player, who records every audio and video frame fed,
 *    in order, with the same bodies and timestamp steps, opening with the
 *    stream headers and a key frame;
 *  - one pipeline, one port: "rtmpingestsrc ! rtmpservesink" on the same
 *    host and port relays what FFmpeg publishes (H.264 + AAC) to FFmpeg
 *    and rtmp2src players, packet-identical, and the publisher's end
 *    (keep-listening=false) ends the players' stream.
 * Waits are bounded only to catch hangs (ertmp_peer.h); nothing here
 * asserts a duration.
 */
#include <string.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_flv.h"
#include "ertmp_media.h"
#include "ertmp_peer.h"
#include "flv_items.h"
#include "serve_check.h"

#define HANG ERTMP_TEST_HANG_BOUND
#define HANG_MS ((guint) (HANG / GST_MSECOND))

/* ---- helpers ------------------------------------------------------------ */

/* TRUE when every element factory of @names (space separated) exists;
 * else prints a SKIP line */
static gboolean
have_factories (const gchar * test, const gchar * names)
{
  gchar **list = g_strsplit (names, " ", -1);
  gboolean ok = TRUE;
  guint i;

  for (i = 0; ok && list[i] != NULL; i++) {
    GstElementFactory *f = gst_element_factory_find (list[i]);

    if (f == NULL) {
      g_print ("SKIP %s: no GStreamer element %s\n", test, list[i]);
      ok = FALSE;
    } else {
      gst_object_unref (f);
    }
  }
  g_strfreev (list);
  return ok;
}

/* rtmp2src (1.22) drops video messages under 6 bytes and audio messages
 * under 2 (an empty Enhanced SequenceStart): they never reach a player */
static void
remove_short (GArray * items)
{
  guint i;

  for (i = items->len; i > 0; i--) {
    const FlvItem *it = &g_array_index (items, FlvItem, i - 1);
    gsize size = g_bytes_get_size (it->body);

    if ((it->type == ERTMP_FLV_TAG_VIDEO && size < 6) ||
        (it->type == ERTMP_FLV_TAG_AUDIO && size < 2))
      g_array_remove_index (items, i - 1);
  }
}

/* How many coded frames track @track of @type holds in @items, and how
 * many tags carry a ModEx nanosecond offset (into *@nano, may be NULL) */
static guint
count_frames (GArray * items, guint8 type, guint8 track, guint * nano)
{
  guint i, n = 0;

  for (i = 0; i < items->len; i++) {
    const FlvItem *it = &g_array_index (items, FlvItem, i);
    gsize len;
    const guint8 *body = g_bytes_get_data (it->body, &len);
    ertmp_media_tag mt;
    ertmp_media_track tr;

    if (it->type != type || it->kind != FLV_ITEM_FRAME ||
        ertmp_media_parse (type == ERTMP_FLV_TAG_VIDEO ?
            ERTMP_CODEC_KIND_VIDEO : ERTMP_CODEC_KIND_AUDIO, body, len, NULL,
            &mt) != ERTMP_OK)
      continue;
    if (nano != NULL && mt.hdr.has_nano_offset)
      (*nano)++;
    while (ertmp_media_next_track (&mt, &tr))
      n += tr.track_id == track;
    fail_unless (mt.status == ERTMP_OK, "tag %u: damaged", i);
  }
  return n;
}

/* ---- decoding a recording ----------------------------------------------- */

typedef struct
{
  const gchar *pad;             /* of erdemux */
  const gchar *decode;          /* parser ! decoder */
  guint8 type;                  /* ERTMP_FLV_TAG_* */
  guint8 track;
} Branch;

#define MAX_BRANCHES 4

typedef struct
{
  guint buffers;
  GArray *pts;                  /* GstClockTime of each decoded buffer */
} BranchCount;

static GstPadProbeReturn
count_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  BranchCount *c = data;
  GstClockTime pts = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));

  c->buffers++;
  g_array_append_val (c->pts, pts);
  return GST_PAD_PROBE_OK;
}

/* "filesrc ! erdemux" with a "queue ! parser ! decoder ! fakesink" per
 * branch, to EOS without an error; the decoded buffers of each branch are
 * counted (and their PTS kept) into @counts */
static void
decode_recording (const gchar * path, const Branch * branches, guint n,
    BranchCount * counts, const gchar * what)
{
  GString *desc = g_string_new (NULL);
  GstElement *p;
  GError *err = NULL;
  gchar *error = NULL;
  guint i;

  g_string_printf (desc, "filesrc location=%s ! erdemux name=d", path);
  for (i = 0; i < n; i++)
    g_string_append_printf (desc, " d.%s ! queue ! %s ! fakesink name=out%u "
        "sync=false", branches[i].pad, branches[i].decode, i);
  p = gst_parse_launch (desc->str, &err);
  fail_unless (p != NULL, "%s: %s", desc->str, err ? err->message : "?");
  for (i = 0; i < n; i++) {
    gchar *name = g_strdup_printf ("out%u", i);
    GstElement *sink = gst_bin_get_by_name (GST_BIN (p), name);
    GstPad *pad = gst_element_get_static_pad (sink, "sink");

    counts[i].buffers = 0;
    counts[i].pts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer,
        &counts[i], NULL);
    gst_object_unref (pad);
    gst_object_unref (sink);
    g_free (name);
  }
  fail_unless (ertmp_peer_run_pipeline (p, HANG, &error), "%s: decoding "
      "failed: %s", what, error);
  gst_object_unref (p);
  g_string_free (desc, TRUE);
}

/* ---- 1. Enhanced RTMP to rtmp2src --------------------------------------- */

#define VIDEO_RAW(n, fps) "videotestsrc num-buffers=" #n " ! video/x-raw," \
  "format=I420,width=160,height=120,framerate=" fps " ! "
#define OPUS "audiotestsrc num-buffers=100 ! audio/x-raw,rate=48000," \
  "channels=2 ! audioconvert ! opusenc ! m.audio "
#define OPUS_BRANCH { "audio", "opusparse ! opusdec", ERTMP_FLV_TAG_AUDIO, 0 }

typedef struct
{
  const gchar *name;
  const gchar *needs;           /* element factories */
  const gchar *media;           /* into flvemux m; NULL: @file */
  const gchar *file;            /* in ERTMP_MEDIA_DIR */
  Branch branches[MAX_BRANCHES];
  guint n_branches;
  gboolean nano;                /* ModEx: check the video PTS in ns */
} EnhancedCase;

static const EnhancedCase enhanced_cases[] = {
  {"HEVC + Opus", "x265enc h265parse opusenc avdec_h265 opusdec",
        "flvemux name=m " VIDEO_RAW (60, "30/1")
        "x265enc speed-preset=ultrafast key-int-max=30 ! h265parse ! m.video "
        OPUS, NULL,
        {{"video", "h265parse ! avdec_h265", ERTMP_FLV_TAG_VIDEO, 0},
            OPUS_BRANCH}, 2, FALSE},
  {"AV1 + Opus", "av1enc av1parse opusenc av1dec opusdec",
        "flvemux name=m " VIDEO_RAW (30, "30/1")
        "av1enc cpu-used=8 keyframe-max-dist=15 ! av1parse ! m.video " OPUS,
        NULL,
        {{"video", "av1parse ! av1dec", ERTMP_FLV_TAG_VIDEO, 0},
            OPUS_BRANCH}, 2, FALSE},
  {"AV1 + Opus by FFmpeg 8", "av1parse av1dec opusdec", NULL, "testsrc.flv",
        {{"video", "av1parse ! av1dec", ERTMP_FLV_TAG_VIDEO, 0},
            OPUS_BRANCH}, 2, FALSE},
  {"VP9 + Opus", "vp9enc vp9parse opusenc vp9dec opusdec",
        "flvemux name=m " VIDEO_RAW (60, "30/1")
        "vp9enc deadline=1 keyframe-max-dist=30 ! m.video " OPUS, NULL,
        {{"video", "vp9parse ! vp9dec", ERTMP_FLV_TAG_VIDEO, 0},
            OPUS_BRANCH}, 2, FALSE},
  {"multitrack", "x264enc x265enc h265parse avenc_aac opusenc avdec_h264 "
        "avdec_h265 avdec_aac opusdec",
        "flvemux name=m " VIDEO_RAW (60, "30/1")
        "x264enc speed-preset=ultrafast key-int-max=30 ! h264parse ! m.video "
        "videotestsrc pattern=ball num-buffers=60 ! video/x-raw,format=I420,"
        "width=160,height=120,framerate=30/1 ! x265enc speed-preset=ultrafast "
        "key-int-max=30 option-string=open-gop=0 ! h265parse ! m.video_1 "
        "audiotestsrc num-buffers=86 ! audio/x-raw,rate=44100,channels=2 ! "
        "audioconvert ! avenc_aac ! m.audio "
        "audiotestsrc freq=880 num-buffers=100 ! audio/x-raw,rate=48000,"
        "channels=2 ! audioconvert ! opusenc ! m.audio_1 ", NULL,
        {{"video", "h264parse ! avdec_h264", ERTMP_FLV_TAG_VIDEO, 0},
            {"video_1", "h265parse ! avdec_h265", ERTMP_FLV_TAG_VIDEO, 1},
            {"audio", "aacparse ! avdec_aac", ERTMP_FLV_TAG_AUDIO, 0},
            {"audio_1", "opusparse ! opusdec", ERTMP_FLV_TAG_AUDIO, 1}}, 4,
      FALSE},
  /* 30000/1001 fps: every frame's timestamp has a sub-millisecond part;
   * no B-frames, so that PTS = DTS is exact to the nanosecond */
  {"ModEx nanoseconds", "x265enc h265parse opusenc avdec_h265 opusdec",
        "flvemux name=m timestamp-offset-nano=true "
        VIDEO_RAW (60, "30000/1001")
        "x265enc speed-preset=ultrafast tune=zerolatency key-int-max=30 ! "
        "h265parse ! m.video " OPUS, NULL,
        {{"video", "h265parse ! avdec_h265", ERTMP_FLV_TAG_VIDEO, 0},
            OPUS_BRANCH}, 2, TRUE},
};

/* The Enhanced FLV of @c: made here, or the file (NULL when missing) */
static gchar *
enhanced_media (const EnhancedCase * c, const gchar * dir)
{
  const gchar *media_dir = g_getenv ("ERTMP_MEDIA_DIR");
  gchar *path;

  if (c->media != NULL)
    return serve_make_media (dir, "src.flv", c->media);
  path = media_dir ? g_build_filename (media_dir, c->file, NULL) : NULL;
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_print ("SKIP test_rtmp2src_plays_enhanced (%s): no %s\n", c->name,
        path ? path : "ERTMP_MEDIA_DIR");
    g_free (path);
    return NULL;
  }
  return path;
}

/* Each decoded branch of @c has exactly the frames of its track in @rec */
static void
check_decoded (const EnhancedCase * c, GArray * rec, const gchar * path)
{
  BranchCount counts[MAX_BRANCHES];
  guint i, j;

  decode_recording (path, c->branches, c->n_branches, counts, c->name);
  for (i = 0; i < c->n_branches; i++) {
    const Branch *b = &c->branches[i];
    guint want = count_frames (rec, b->type, b->track, NULL);

    g_print ("%s: d.%s decoded %u buffers from %u frames\n", c->name,
        b->pad, counts[i].buffers, want);
    fail_unless (want > 0, "%s: no frames of d.%s", c->name, b->pad);
    fail_unless_equals_int (counts[i].buffers, want);
    if (c->nano && b->type == ERTMP_FLV_TAG_VIDEO) {
      /* frame j at j * 1001/30000 s, to the nanosecond */
      GstClockTime t0 = g_array_index (counts[i].pts, GstClockTime, 0);

      for (j = 0; j < counts[i].pts->len; j++) {
        GstClockTime t = g_array_index (counts[i].pts, GstClockTime, j);

        fail_unless (GST_CLOCK_TIME_IS_VALID (t) && t >= t0);
        fail_unless_equals_uint64 (t - t0,
            gst_util_uint64_scale (j, 1001 * GST_SECOND, 30000));
      }
    }
    g_array_unref (counts[i].pts);
  }
}

GST_START_TEST (test_rtmp2src_plays_enhanced)
{
  const EnhancedCase *c = &enhanced_cases[__i__];
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *src, *url, *out;
  GArray *items, *rec;
  ErtmpPeer *player;
  ServeFeed *f;
  guint nano = 0;

  if (!ertmp_peer_have ("test_rtmp2src_plays_enhanced", "gst-launch-1.0") ||
      !have_factories ("test_rtmp2src_plays_enhanced", "rtmp2src") ||
      !have_factories ("test_rtmp2src_plays_enhanced", c->needs) ||
      (src = enhanced_media (c, dir)) == NULL) {
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  items = flv_items_from_file (src);
  if (c->nano) {
    count_frames (items, ERTMP_FLV_TAG_VIDEO, 0, &nano);
    fail_unless (nano > 0, "%s: flvemux wrote no ModEx tag", c->name);
  }
  f = serve_feed_start ("show", NULL);
  url = serve_feed_url (f);
  out = g_build_filename (dir, "rtmp2src.flv", NULL);
  player = serve_spawn_gst_player (dir, "rtmp2src", url, out);
  fail_unless (serve_feed_wait_players (f, 1), "rtmp2src did not join");

  serve_feed_push (f, items, 0, items->len);
  serve_feed_eos (f);
  serve_wait_success (player, "rtmp2src");
  serve_feed_stop (f);

  rec = flv_items_from_file (out);
  remove_short (items);
  flv_items_check_same (items, rec, c->name);
  flv_items_check_start (rec, c->name);
  if (c->nano) {
    guint got = 0;

    count_frames (rec, ERTMP_FLV_TAG_VIDEO, 0, &got);
    fail_unless_equals_int (got, nano);
  }
  check_decoded (c, rec, out);

  g_array_unref (rec);
  g_array_unref (items);
  g_free (out);
  g_free (url);
  g_free (src);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- a late joiner on a multitrack stream -------------------------------- */

/* The (first) track of an audio or video tag */
static guint8
track_of (const FlvItem * it)
{
  gsize len;
  const guint8 *body = g_bytes_get_data (it->body, &len);
  ertmp_media_tag mt;
  ertmp_media_track tr;

  if (ertmp_media_parse (it->type == ERTMP_FLV_TAG_VIDEO ?
          ERTMP_CODEC_KIND_VIDEO : ERTMP_CODEC_KIND_AUDIO, body, len, NULL,
          &mt) != ERTMP_OK || !ertmp_media_next_track (&mt, &tr))
    return 0;
  return tr.track_id;
}

/* The video frames of @track in @items from index @from on */
static GPtrArray *
track_frames (GArray * items, guint8 track, guint from)
{
  GPtrArray *out = g_ptr_array_new ();
  guint i;

  for (i = from; i < items->len; i++) {
    FlvItem *it = &g_array_index (items, FlvItem, i);

    if (it->type == ERTMP_FLV_TAG_VIDEO && it->kind == FLV_ITEM_FRAME
        && track_of (it) == track)
      g_ptr_array_add (out, it);
  }
  return out;
}

/* The key frames of the two video tracks alternate (H.264 on track 0,
 * HEVC on track 1, closed GOPs: a decoder that starts at an open GOP's
 * key frame drops the frames that refer to the GOP before).  A player who joins after one track's key frame but
 * before the other's gets each track from its own latest key frame: the
 * GOP cache starts at the older of the two, and the other track's frames
 * before its key frame are left out.  Every track starts with a key
 * frame, holds every frame from there, and decodes. */
GST_START_TEST (test_multitrack_late_joiner)
{
  const EnhancedCase *c = &enhanced_cases[4];
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *src, *url, *out;
  GArray *items, *rec;
  ErtmpPeer *player;
  ServeFeed *f;
  guint i, keys = 0, mid = 0, t;

  fail_unless_equals_string (c->name, "multitrack");
  if (!ertmp_peer_have ("test_multitrack_late_joiner", "gst-launch-1.0") ||
      !have_factories ("test_multitrack_late_joiner", "rtmp2src") ||
      !have_factories ("test_multitrack_late_joiner", c->needs)) {
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  src = enhanced_media (c, dir);
  items = flv_items_from_file (src);
  /* a few tags past the 4th video key frame: after the second key frame
   * of one track, before the second of the other */
  for (i = 0; i < items->len && mid == 0; i++) {
    const FlvItem *it = &g_array_index (items, FlvItem, i);

    if (it->type == ERTMP_FLV_TAG_VIDEO && it->kind == FLV_ITEM_FRAME
        && it->key && ++keys == 4)
      mid = MIN (i + 3, items->len);
  }
  fail_unless (mid > 0, "fewer than 4 video key frames");

  f = serve_feed_start ("show", NULL);
  url = serve_feed_url (f);
  out = g_build_filename (dir, "late.flv", NULL);
  serve_feed_push (f, items, 0, mid);
  player = serve_spawn_gst_player (dir, "rtmp2src", url, out);
  fail_unless (serve_feed_wait_players (f, 1), "rtmp2src did not join");
  serve_feed_push (f, items, mid, items->len);
  serve_feed_eos (f);
  serve_wait_success (player, "rtmp2src");
  serve_feed_stop (f);

  rec = flv_items_from_file (out);
  for (t = 0; t < 2; t++) {
    GPtrArray *got = track_frames (rec, t, 0), *want;
    guint start = 0;

    /* the track's latest key frame before the join */
    for (i = 0; i < mid; i++) {
      const FlvItem *it = &g_array_index (items, FlvItem, i);

      if (it->type == ERTMP_FLV_TAG_VIDEO && it->kind == FLV_ITEM_FRAME
          && it->key && track_of (it) == t)
        start = i;
    }
    want = track_frames (items, t, start);
    fail_unless (got->len > 0, "track %u: no frame", t);
    fail_unless (((FlvItem *) g_ptr_array_index (got, 0))->key,
        "track %u starts with an inter frame", t);
    fail_unless_equals_int (got->len, want->len);
    for (i = 0; i < got->len; i++)
      fail_unless (g_bytes_equal (((FlvItem *) g_ptr_array_index (got,
                      i))->body, ((FlvItem *) g_ptr_array_index (want,
                      i))->body), "track %u frame %u differs", t, i);
    g_print ("multitrack late joiner: video track %u from its key frame, "
        "%u frames\n", t, got->len);
    g_ptr_array_unref (got);
    g_ptr_array_unref (want);
  }
  check_decoded (c, rec, out);
  g_array_unref (rec);
  g_array_unref (items);
  g_free (out);
  g_free (url);
  g_free (src);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- legacy H.264 + AAC -------------------------------------------------- */

/* 4 s of H.264 (a key frame every 30 frames) and AAC, legacy FLV */
#define LEGACY_MEDIA "flvmux name=m streamable=true " \
  VIDEO_RAW (120, "30/1") "x264enc speed-preset=ultrafast " \
  "key-int-max=30 ! h264parse ! m. " \
  "audiotestsrc num-buffers=172 ! audio/x-raw,rate=44100,channels=2 ! " \
  "audioconvert ! avenc_aac ! m. "

static GPtrArray *
select_type (GArray * items, guint8 type)
{
  GPtrArray *out = g_ptr_array_new ();
  guint i;

  for (i = 0; i < items->len; i++) {
    FlvItem *it = &g_array_index (items, FlvItem, i);

    if (it->type == type && (it->kind == FLV_ITEM_FRAME ||
            it->kind == FLV_ITEM_CONFIG))
      g_ptr_array_add (out, it);
  }
  return out;
}

/* What a relay delivered (@got) is, per type, the sequence start fed then
 * a run of the fed frames up to the last one, none lost, none repeated,
 * with the same bodies and the same timestamp steps (the relay may shift
 * timestamps, by the same amount for audio and video).  Returns the index
 * of the first video frame received among those fed. */
static guint
check_relayed (GArray * sent, GArray * got, const gchar * what)
{
  static const guint8 types[] = { ERTMP_FLV_TAG_VIDEO, ERTMP_FLV_TAG_AUDIO };
  gboolean have_shift = FALSE;
  gint64 shift = 0;
  guint t, first_video = 0;

  for (t = 0; t < G_N_ELEMENTS (types); t++) {
    GPtrArray *w = select_type (sent, types[t]);
    GPtrArray *g = select_type (got, types[t]);
    const FlvItem *wc = g_ptr_array_index (w, 0), *gi;
    guint i = 0, start;

    fail_unless (w->len > 10 && wc->kind == FLV_ITEM_CONFIG);
    fail_unless (g->len > 1, "%s: %u tags of type %u", what, g->len,
        types[t]);
    /* the sequence start, at the same timestamp as the first frame
     * after it or not: its body is what counts */
    gi = g_ptr_array_index (g, 0);
    fail_unless (gi->kind == FLV_ITEM_CONFIG && g_bytes_equal (gi->body,
            wc->body), "%s: type %u does not open with its sequence start",
        what, types[t]);
    gi = g_ptr_array_index (g, 1);
    for (start = 1; start < w->len; start++)
      if (g_bytes_equal (((FlvItem *) g_ptr_array_index (w, start))->body,
              gi->body))
        break;
    fail_unless (start < w->len, "%s: the first frame of type %u was not "
        "fed", what, types[t]);
    if (!have_shift) {
      shift = (gint64) gi->ts -
          ((FlvItem *) g_ptr_array_index (w, start))->ts;
      have_shift = TRUE;
    }
    fail_unless_equals_int (g->len - 1, w->len - start);
    for (i = 1; i < g->len; i++) {
      const FlvItem *a = g_ptr_array_index (w, start + i - 1);
      const FlvItem *b = g_ptr_array_index (g, i);

      fail_unless (a->kind == FLV_ITEM_FRAME && b->kind == FLV_ITEM_FRAME &&
          g_bytes_equal (a->body, b->body), "%s: type %u frame %u differs",
          what, types[t], start + i - 1);
      fail_unless_equals_int64 ((gint64) b->ts - a->ts, shift);
    }
    g_print ("%s: type %u: frames %u..%u of %u received identical, "
        "timestamps shifted by %" G_GINT64_FORMAT " ms\n", what, types[t],
        start, w->len - 1, w->len - 1, shift);
    if (types[t] == ERTMP_FLV_TAG_VIDEO)
      first_video = start;
    g_ptr_array_unref (w);
    g_ptr_array_unref (g);
  }
  return first_video;
}

/* ---- 2. nginx-rtmp pulls from the sink ---------------------------------- */

/* nginx-rtmp with an application "relay" that pulls every stream played
 * from it, on demand, from rtmp://127.0.0.1:@origin/live; the players get
 * NetStream.Play.UnpublishNotify when the pulled stream ends */
static ErtmpPeer *
start_nginx_relay (const gchar * dir, guint16 port, guint16 origin)
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
      "  application relay { live on; record off; publish_notify on;\n"
      "    pull rtmp://127.0.0.1:%u/live; } } }\n", dir, elog, port, origin);
  const gchar *argv[] = { "nginx", "-c", conf, "-p", prefix, "-e", elog,
    NULL
  };
  GError *err = NULL;
  ErtmpPeer *nginx;

  fail_unless (g_file_set_contents (conf, text, -1, &err), "%s",
      err ? err->message : "?");
  nginx = ertmp_peer_spawn (argv, dir, &err);
  fail_unless (nginx != NULL, "nginx: %s", err ? err->message : "?");
  if (!ertmp_peer_wait_port (port, nginx, HANG_MS)) {
    gchar *log = NULL;

    g_file_get_contents (elog, &log, NULL, NULL);
    fail ("nginx did not listen on 127.0.0.1:%u: %s", port, log);
  }
  g_free (text);
  g_free (prefix);
  g_free (elog);
  g_free (conf);
  return nginx;
}

GST_START_TEST (test_nginx_pulls_from_sink)
{
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *src, *url, *out;
  GArray *items, *rec;
  ErtmpPeer *nginx, *ff;
  ServeFeed *f;
  guint16 port;
  GstStructure *join;
  guint start;

  if (!ertmp_peer_have ("test_nginx_pulls_from_sink", "nginx") ||
      !ertmp_peer_have ("test_nginx_pulls_from_sink", "ffmpeg")) {
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  src = serve_make_media (dir, "src.flv", LEGACY_MEDIA);
  items = flv_items_from_file (src);
  f = serve_feed_start ("show", NULL);
  port = ertmp_peer_free_port ();
  nginx = start_nginx_relay (dir, port, serve_feed_port (f));

  /* FFmpeg plays "show" from nginx, which pulls it from the sink: the
   * relay joins the sink after FFmpeg joined nginx's stream */
  url = g_strdup_printf ("rtmp://127.0.0.1:%u/relay/show", port);
  out = g_build_filename (dir, "ffmpeg.flv", NULL);
  ff = serve_spawn_ffmpeg (dir, url, out);
  fail_unless (serve_feed_wait_players (f, 1), "nginx did not pull");
  join = serve_feed_wait_message (f, "rtmp-play-join");
  fail_unless (join != NULL);
  g_print ("nginx pulls as %s (%s)\n", gst_structure_get_string (join,
          "flash-ver"), gst_structure_get_string (join, "peer-address"));
  gst_structure_free (join);

  serve_feed_push (f, items, 0, items->len);
  serve_feed_eos (f);
  serve_wait_success (ff, "ffmpeg via nginx");
  serve_feed_stop (f);
  ertmp_peer_stop (nginx);

  rec = flv_items_from_file (out);
  flv_items_check_start (rec, "FFmpeg via nginx");
  start = check_relayed (items, rec, "FFmpeg via nginx");
  /* FFmpeg was on nginx's stream before the relay started it: it got
   * the whole stream, timestamps unchanged */
  fail_unless_equals_int (start, 1);
  flv_items_check_same (items, rec, "FFmpeg via nginx");

  g_array_unref (rec);
  g_array_unref (items);
  g_free (out);
  g_free (url);
  g_free (src);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- 3. rtmpingestsrc ! rtmpservesink on one port ----------------------- */

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean eos;
  gchar *error;
} BusWatch;

static GstBusSyncReply
on_relay_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  BusWatch *w = data;

  g_mutex_lock (&w->lock);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
    w->eos = TRUE;
  else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR && w->error == NULL)
    w->error = ertmp_peer_describe_message (msg);
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
  return GST_BUS_DROP;
}

static guint
sink_players (GstElement * sink)
{
  GstStructure *s = NULL;
  guint n = 0;

  g_object_get (sink, "stats", &s, NULL);
  fail_unless (s != NULL);
  gst_structure_get_uint (s, "players", &n);
  gst_structure_free (s);
  return n;
}

GST_START_TEST (test_one_port_relay)
{
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *src, *desc, *play_url, *pub_url, *out_ff, *out_gst;
  GstElement *pipeline, *ingest, *sink;
  GArray *items, *rec;
  ErtmpPeer *ff, *gst, *pub;
  BusWatch w = { 0 };
  GstBus *bus;
  GError *err = NULL;
  gint port = 0;
  gint64 end;

  if (!ertmp_peer_have ("test_one_port_relay", "ffmpeg") ||
      !ertmp_peer_have ("test_one_port_relay", "gst-launch-1.0") ||
      !have_factories ("test_one_port_relay", "rtmp2src")) {
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  src = serve_make_media (dir, "src.flv", LEGACY_MEDIA);
  items = flv_items_from_file (src);

  desc = g_strdup ("rtmpingestsrc name=in host=127.0.0.1 port=0 "
      "application=live stream-key=secret keep-listening=false ! "
      "rtmpservesink name=out host=127.0.0.1 application=live "
      "stream-name=show sync=false");
  pipeline = gst_parse_launch (desc, &err);
  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "?");
  ingest = gst_bin_get_by_name (GST_BIN (pipeline), "in");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  g_mutex_init (&w.lock);
  g_cond_init (&w.cond);
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, on_relay_message, &w, NULL);
  /* the source opens a server on a free port; the sink joins it */
  fail_unless (gst_element_set_state (ingest, GST_STATE_READY) ==
      GST_STATE_CHANGE_SUCCESS);
  g_object_get (ingest, "bound-port", &port, NULL);
  fail_unless (port > 0);
  g_object_set (sink, "port", port, NULL);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "the relay pipeline did not start");
  {
    GObject *a = NULL, *b = NULL;

    g_object_get (ingest, "server", &a, NULL);
    g_object_get (sink, "server", &b, NULL);
    fail_unless (a != NULL && a == b, "the elements do not share a server");
    g_object_unref (a);
    g_object_unref (b);
  }

  /* two players wait for the stream before it is published */
  play_url = g_strdup_printf ("rtmp://127.0.0.1:%d/live/show", port);
  out_ff = g_build_filename (dir, "ffmpeg.flv", NULL);
  out_gst = g_build_filename (dir, "rtmp2src.flv", NULL);
  ff = serve_spawn_ffmpeg (dir, play_url, out_ff);
  gst = serve_spawn_gst_player (dir, "rtmp2src", play_url, out_gst);
  end = g_get_monotonic_time () + HANG / GST_USECOND;
  while (sink_players (sink) < 2 && g_get_monotonic_time () < end)
    g_usleep (10000);
  fail_unless_equals_int (sink_players (sink), 2);

  pub_url = g_strdup_printf ("rtmp://127.0.0.1:%d/live/secret", port);
  {
    const gchar *argv[] = { "ffmpeg", "-nostdin", "-loglevel", "error", "-re",
      "-i", src, "-c", "copy", "-f", "flv", pub_url, NULL
    };
    pub = ertmp_peer_spawn (argv, dir, &err);
  }
  fail_unless (pub != NULL, "ffmpeg: %s", err ? err->message : "?");
  serve_wait_success (pub, "ffmpeg publisher");

  /* the publisher's end (keep-listening=false) is EOS: through the sink,
   * it ends the players' stream once they have all of it */
  end = g_get_monotonic_time () + HANG / GST_USECOND;
  g_mutex_lock (&w.lock);
  while (!w.eos && w.error == NULL && g_cond_wait_until (&w.cond, &w.lock,
          end));
  g_mutex_unlock (&w.lock);
  fail_unless (w.error == NULL, "relay pipeline: %s", w.error);
  fail_unless (w.eos, "the publisher's end did not reach the sink");
  serve_wait_success (ff, "ffmpeg player");
  serve_wait_success (gst, "rtmp2src");
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);

  rec = flv_items_from_file (out_ff);
  flv_items_check_same (items, rec, "FFmpeg, one-port relay");
  flv_items_check_start (rec, "FFmpeg, one-port relay");
  g_array_unref (rec);
  rec = flv_items_from_file (out_gst);
  flv_items_check_same (items, rec, "rtmp2src, one-port relay");
  flv_items_check_start (rec, "rtmp2src, one-port relay");
  g_array_unref (rec);

  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_object_unref (bus);
  gst_object_unref (ingest);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_mutex_clear (&w.lock);
  g_cond_clear (&w.cond);
  g_free (w.error);
  g_array_unref (items);
  g_free (pub_url);
  g_free (out_gst);
  g_free (out_ff);
  g_free (play_url);
  g_free (desc);
  g_free (src);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
serve_peers_suite (void)
{
  Suite *s = suite_create ("rtmpservesink_peers");
  TCase *tc = tcase_create ("peers");

  tcase_set_timeout (tc, 900);
  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  tcase_add_loop_test (tc, test_rtmp2src_plays_enhanced, 0,
      G_N_ELEMENTS (enhanced_cases));
  tcase_add_test (tc, test_multitrack_late_joiner);
  tcase_add_test (tc, test_nginx_pulls_from_sink);
  tcase_add_test (tc, test_one_port_relay);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (serve_peers);
