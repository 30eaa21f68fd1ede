/* gst-ertmp: 50 publishers at once on one port, each to its own key
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One pipeline holds 50 "rtmpingestsrc application=live stream-key=kNN !
 * fakesink" branches that share one listening port (the process's
 * server).  50 real publishers push at the same time, each to its own
 * key: 10 FFmpeg 5.1 processes (legacy H.264 + AAC, "-re -c copy" from an
 * FLV file) and 40 in-process GStreamer publishers replaying, in real time,
 * a stream encoded beforehand: GStreamer's rtmp2sink and librtmp's
 * rtmpsink (legacy, flvmux) and rtmp2sink / rtmppushsink with Enhanced
 * streams from flvemux (HEVC, AV1, and multitrack H.264 + HEVC + AAC +
 * Opus).  Every publisher's stream differs from every other one (video
 * pattern, number of frames, audio frequency), so a tag delivered to the
 * wrong element shows: each element must output exactly its publisher's
 * audio and video tags (sizes, SHA-256 of the bodies, FLV timestamps,
 * counts), with PTS following the timestamps, and nothing else.
 *
 * Also: elements join and leave one port while others stream; the ones
 * that stay lose nothing, one that joins again gets all of its publisher.
 *
 * FFmpeg 5.1 cannot read Enhanced FLV (it takes the E-FLV samples in the
 * shared media folder for VP6 and "none" audio), so its publishers are
 * legacy only; Enhanced streams come from flvemux.
 */
#include <string.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "server_check.h"

/* The element i > 0 joins element 0's server by taking its bound port */
#define ONE_PORT 1

#define N_PUB 50
#define N_FFMPEG 10

typedef enum
{
  SINK_FFMPEG,
  SINK_RTMP2,
  SINK_LIBRTMP,
  SINK_PUSH
} SinkKind;

typedef enum
{
  MEDIA_LEGACY,
  MEDIA_HEVC,
  MEDIA_AV1,
  MEDIA_MULTITRACK
} MediaKind;

typedef struct
{
  SinkKind sink;
  MediaKind media;
  guint count;
} MixEntry;

/* 50 publishers in all, FFmpeg first */
static const MixEntry mix[] = {
  {SINK_FFMPEG, MEDIA_LEGACY, N_FFMPEG},
  {SINK_RTMP2, MEDIA_LEGACY, 8},
  {SINK_RTMP2, MEDIA_HEVC, 3},
  {SINK_RTMP2, MEDIA_AV1, 1},
  {SINK_RTMP2, MEDIA_MULTITRACK, 1},
  {SINK_LIBRTMP, MEDIA_LEGACY, 10},
  {SINK_PUSH, MEDIA_LEGACY, 8},
  {SINK_PUSH, MEDIA_HEVC, 3},
  {SINK_PUSH, MEDIA_AV1, 2},
  {SINK_PUSH, MEDIA_MULTITRACK, 4},
};

static const gchar *sink_names[] = { "ffmpeg", "rtmp2sink",
  "librtmp rtmpsink", "rtmppushsink"
};

static const gchar *media_names[] = { "legacy H.264+AAC", "HEVC+AAC",
  "AV1+Opus", "multitrack"
};

/* ---- media, different for every publisher -------------------------------- */

/* 160x120 I420, pattern @i mod 25, 60 + @i frames at 30 fps */
static gchar *
video (guint i)
{
  return g_strdup_printf ("videotestsrc pattern=%u num-buffers=%u ! "
      "video/x-raw,format=I420,width=160,height=120,framerate=30/1 ! ",
      i % 25, 60 + i);
}

/* as long as video (@i), at 300 + 10 * @i Hz */
static gchar *
audio (guint i, guint rate)
{
  guint n = ((60 + i) * rate + 30 * 1024 - 1) / (30 * 1024);

  return g_strdup_printf ("audiotestsrc freq=%u num-buffers=%u ! "
      "audio/x-raw,rate=%u,channels=2 ! audioconvert ! ", 300 + 10 * i, n,
      rate);
}

#define H264 "x264enc speed-preset=ultrafast key-int-max=30 ! h264parse ! "
#define H265 "x265enc speed-preset=ultrafast key-int-max=30 ! h265parse ! "
#define AV1 "av1enc cpu-used=8 usage-profile=realtime ! av1parse ! "

/* The pipeline fragment of publisher @i's stream, ending in muxer m */
static gchar *
media_desc (MediaKind kind, guint i)
{
  gchar *v = video (i), *v2 = video (i + 7), *a = audio (i, 44100);
  gchar *o = audio (i, 48000), *desc = NULL;

  switch (kind) {
    case MEDIA_LEGACY:
      desc = g_strdup_printf ("flvmux name=m streamable=true %s" H264 "m. "
          "%savenc_aac ! m. ", v, a);
      break;
    case MEDIA_HEVC:
      desc = g_strdup_printf ("flvemux name=m %s" H265 "m.video "
          "%savenc_aac ! m.audio ", v, a);
      break;
    case MEDIA_AV1:
      desc = g_strdup_printf ("flvemux name=m %s" AV1 "m.video "
          "%sopusenc ! m.audio ", v, o);
      break;
    case MEDIA_MULTITRACK:
      desc = g_strdup_printf ("flvemux name=m %s" H264 "m.video "
          "%s" H265 "m.video_1 %savenc_aac ! m.audio %sopusenc ! m.audio_1 ",
          v, v2, a, o);
      break;
  }
  g_free (v);
  g_free (v2);
  g_free (a);
  g_free (o);
  return desc;
}

/* ---- the receivers: 50 elements, one port -------------------------------- */

typedef struct
{
  GstElement *pipeline;
  GstElement *src[N_PUB];
  SrvOutput *out[N_PUB];
  gint port[N_PUB];
} Mix;

static gchar *
key_of (guint i)
{
  return g_strdup_printf ("k%02u", i);
}

static GstElement *
add_receiver (Mix * m, guint i, gint port)
{
  GstElement *src = gst_element_factory_make ("rtmpingestsrc", NULL);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  gchar *key = key_of (i);

  fail_unless (src != NULL && sink != NULL);
  /* all 50 come from 127.0.0.1: above the default per-address limit */
  g_object_set (src, "host", "127.0.0.1", "port", port, "application",
      "live", "stream-key", key, "keep-listening", FALSE,
      "max-connections-per-address", 2 * N_PUB, NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add_many (GST_BIN (m->pipeline), src, sink, NULL);
  fail_unless (gst_element_link (src, sink));
  m->src[i] = src;
  m->out[i] = srv_output_new (src);
  g_free (key);
  return src;
}

static Mix *
mix_new (void)
{
  Mix *m = g_new0 (Mix, 1);
  gint port0 = 0;
  guint i;

  m->pipeline = gst_pipeline_new ("mix");
  for (i = 0; i < N_PUB; i++) {
    GstElement *src = add_receiver (m, i, ONE_PORT ? port0 : 0);

    if (ONE_PORT && i == 0) {
      /* the server listens from READY on */
      fail_if (gst_element_set_state (src, GST_STATE_READY) ==
          GST_STATE_CHANGE_FAILURE);
      g_object_get (src, "bound-port", &port0, NULL);
      fail_unless (port0 > 0, "no bound port in READY");
    }
  }
  fail_if (gst_element_set_state (m->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "the receivers cannot start");
  for (i = 0; i < N_PUB; i++) {
    g_object_get (m->src[i], "bound-port", &m->port[i], NULL);
    fail_unless (m->port[i] > 0, "element %u: no bound port", i);
    if (ONE_PORT)
      fail_unless_equals_int (m->port[i], port0);
  }
  return m;
}

static void
mix_free (Mix * m)
{
  guint i;

  fail_unless (gst_element_set_state (m->pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  for (i = 0; i < N_PUB; i++)
    srv_output_free (m->out[i]);
  gst_object_unref (m->pipeline);
  g_free (m);
}

/* Every element posted one publish-start and no refusal; no error */
static void
mix_check_bus (Mix * m)
{
  GstBus *bus = gst_element_get_bus (m->pipeline);
  guint starts[N_PUB] = { 0 }, refused = 0, i;
  GstMessage *msg;

  while ((msg = gst_bus_pop (bus)) != NULL) {
    gchar *text = ertmp_peer_describe_message (msg);

    fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR, "%s", text);
    if (gst_message_has_name (msg, "rtmp-ingest-refused")) {
      g_print ("refused: %s\n", text);
      refused++;
    }
    for (i = 0; i < N_PUB; i++)
      if (GST_MESSAGE_SRC (msg) == GST_OBJECT (m->src[i]) &&
          gst_message_has_name (msg, "rtmp-ingest-publish-start"))
        starts[i]++;
    g_free (text);
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  fail_unless_equals_int (refused, 0);
  for (i = 0; i < N_PUB; i++)
    fail_unless (starts[i] == 1, "element %u: %u publish-start", i,
        starts[i]);
}

/* ---- the test ------------------------------------------------------------ */

typedef struct
{
  SinkKind sink;
  MediaKind media;
  gchar *what;
  SrvTags *want;                /* FFmpeg: the file's tags */
  SrvRecording *rec;            /* GStreamer: the stream replayed */
  gchar *file;
  ErtmpPeer *ffmpeg;
  SrvPub *pub;
} Source;

static const gchar *
sink_desc (SinkKind kind)
{
  switch (kind) {
    case SINK_RTMP2:
      return "rtmp2sink name=pub";
    case SINK_LIBRTMP:
      return "rtmpsink name=pub";
    default:
      return "rtmppushsink name=pub timeout=30";
  }
}

static void
source_prepare (Source * s, guint i, const gchar * dir)
{
  gchar *media = media_desc (s->media, i);
  gchar *name = g_strdup_printf ("src%02u.flv", i);

  s->what = g_strdup_printf ("publisher %u (%s, %s)", i,
      sink_names[s->sink], media_names[s->media]);
  if (s->sink == SINK_FFMPEG) {
    s->file = srv_make_file (dir, name, media);
    s->want = srv_tags_from_file (s->file, FALSE);
  } else {
    s->rec = srv_record (media);
  }
  g_free (name);
  g_free (media);
}

static void
source_start (Source * s, guint i, const gchar * dir, gint port)
{
  gchar *key = key_of (i);
  gchar *url = g_strdup_printf ("rtmp://127.0.0.1:%d/live/%s%s", port, key,
      s->sink == SINK_LIBRTMP ? " live=1" : "");

  if (s->sink == SINK_FFMPEG)
    s->ffmpeg = srv_ffmpeg_start (dir, s->file, url, TRUE);
  else
    s->pub = srv_pub_start (s->rec, sink_desc (s->sink), url, s->what);
  g_free (url);
  g_free (key);
}

static void
source_finish (Source * s)
{
  if (s->ffmpeg != NULL)
    fail_unless (srv_peer_finish (s->ffmpeg, s->what, TRUE), "%s failed",
        s->what);
  else
    fail_unless (srv_pub_finish (s->pub), "%s: %s", s->what, s->pub->error);
  s->ffmpeg = NULL;
}

static void
source_clear (Source * s)
{
  srv_pub_free (s->pub);
  if (s->rec != NULL)
    srv_recording_free (s->rec);
  srv_tags_free (s->want);
  g_free (s->file);
  g_free (s->what);
}

static void
sources_init (Source * sources, const gchar * dir)
{
  guint e, k, i = 0;

  for (e = 0; e < G_N_ELEMENTS (mix); e++)
    for (k = 0; k < mix[e].count; k++, i++) {
      fail_unless (i < N_PUB);
      sources[i].sink = mix[e].sink;
      sources[i].media = mix[e].media;
      source_prepare (&sources[i], i, dir);
    }
  fail_unless_equals_int (i, N_PUB);
}

GST_START_TEST (test_fifty_publishers_one_port)
{
  Source sources[N_PUB] = { {0} };
  gchar *dir;
  guint64 bytes = 0;
  Mix *m;
  guint i;

  if (!ertmp_peer_have ("test_fifty_publishers_one_port", "ffmpeg"))
    return;
  dir = ertmp_peer_tmpdir ();
  sources_init (sources, dir);
  m = mix_new ();
  /* all at once */
  for (i = 0; i < N_PUB; i++)
    source_start (&sources[i], i, dir, m->port[i]);
  for (i = 0; i < N_PUB; i++)
    source_finish (&sources[i]);
  for (i = 0; i < N_PUB; i++) {
    Source *s = &sources[i];
    const SrvTags *want = s->rec ? s->rec->tags : s->want;

    srv_output_wait_eos (m->out[i], s->what);
    fail_unless_equals_int (m->out[i]->segments->len, 1);
    fail_unless (((SrvSegment *) g_ptr_array_index (m->out[i]->segments,
                0))->header, "%s: output does not start with the FLV header",
        s->what);
    srv_output_check (m->out[i], 0, want, s->what);
    bytes += want->bytes;
    g_print ("%s: %u audio + %u video tags identical\n", s->what,
        want->av[0]->len, want->av[1]->len);
  }
  g_print ("50 publishers on one port: %" G_GUINT64_FORMAT " body bytes, "
      "each at its own element\n", bytes);
  mix_check_bus (m);
  if (ONE_PORT) {
    GstObject *server = srv_server (m->src[0]);

    fail_unless_equals_uint64 (srv_stat (server, "publishers-accepted"),
        N_PUB);
    fail_unless_equals_uint64 (srv_stat_refused (server), 0);
    gst_object_unref (server);
  }
  mix_free (m);
  for (i = 0; i < N_PUB; i++)
    source_clear (&sources[i]);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- elements join and leave while others stream ------------------------ */

/* "rtmpingestsrc application=live stream-key=@key port=@port ! fakesink"
 * in a pipeline of its own, PLAYING; *port set when it was 0 */
static GstElement *
lone_receiver (const gchar * key, gint * port, SrvOutput ** out)
{
  GstElement *p = gst_pipeline_new (key), *src;
  Mix m = { 0 };

  m.pipeline = p;
  add_receiver (&m, 0, *port);
  src = m.src[0];
  g_object_set (src, "stream-key", key, NULL);
  *out = m.out[0];
  fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "%s cannot start", key);
  if (*port == 0)
    g_object_get (src, "bound-port", port, NULL);
  fail_unless (*port > 0);
  return p;
}

static void
lone_free (GstElement * p, SrvOutput * out)
{
  fail_unless (gst_element_set_state (p, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  srv_output_free (out);
  gst_object_unref (p);
}

static gchar *
url_for (gint port, const gchar * key)
{
  return g_strdup_printf ("rtmp://127.0.0.1:%d/live/%s", port, key);
}

/* While FFmpeg publishes to a and b, element c joins, takes a publisher,
 * and leaves in the middle of its stream; c joins again and takes a new
 * publisher.  a and b lose nothing; the second c gets all of its own. */
GST_START_TEST (test_join_leave)
{
  SrvOutput *out_a, *out_b, *out_c;
  GstElement *pa, *pb, *pc;
  gchar *dir, *file[3], *url;
  ErtmpPeer *ff[3];
  SrvTags *want[3];
  SrvRecording *rec;
  SrvPub *pub;
  gint port = 0;
  guint i;

  if (!ertmp_peer_have ("test_join_leave", "ffmpeg"))
    return;
  dir = ertmp_peer_tmpdir ();
  for (i = 0; i < 3; i++) {
    gchar *media = media_desc (MEDIA_LEGACY, 30 + i);
    gchar *name = g_strdup_printf ("jl%u.flv", i);

    file[i] = srv_make_file (dir, name, media);
    want[i] = srv_tags_from_file (file[i], FALSE);
    g_free (media);
    g_free (name);
  }
  {
    gchar *media = media_desc (MEDIA_LEGACY, 40);

    rec = srv_record (media);
    g_free (media);
  }
  pa = lone_receiver ("a", &port, &out_a);
  pb = lone_receiver ("b", &port, &out_b);
  for (i = 0; i < 2; i++) {
    url = url_for (port, i == 0 ? "a" : "b");
    ff[i] = srv_ffmpeg_start (dir, file[i], url, TRUE);
    g_free (url);
  }
  srv_output_wait_tags (out_a, 0, 10, "a");
  srv_output_wait_tags (out_b, 0, 10, "b");

  /* c joins, streams, and leaves mid-stream */
  pc = lone_receiver ("c", &port, &out_c);
  url = url_for (port, "c");
  pub = srv_pub_start (rec, "rtmppushsink name=pub timeout=30 "
      "reconnect-attempts=0", url, "c, first");
  srv_output_wait_tags (out_c, 0, 10, "c, first");
  lone_free (pc, out_c);
  srv_pub_free (pub);

  /* c again, with a new publisher */
  pc = lone_receiver ("c", &port, &out_c);
  ff[2] = srv_ffmpeg_start (dir, file[2], url, TRUE);
  for (i = 0; i < 3; i++)
    fail_unless (srv_peer_finish (ff[i], "ffmpeg", TRUE));
  srv_output_wait_eos (out_a, "a");
  srv_output_wait_eos (out_b, "b");
  srv_output_wait_eos (out_c, "c, second");
  srv_output_check (out_a, 0, want[0], "a, while c came and went");
  srv_output_check (out_b, 0, want[1], "b, while c came and went");
  srv_output_check (out_c, 0, want[2], "c, joined again");
  fail_unless_equals_int (out_a->segments->len, 1);
  fail_unless_equals_int (out_b->segments->len, 1);
  lone_free (pa, out_a);
  lone_free (pb, out_b);
  lone_free (pc, out_c);
  srv_recording_free (rec);
  for (i = 0; i < 3; i++) {
    srv_tags_free (want[i]);
    g_free (file[i]);
  }
  g_free (url);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- downstream blocks ---------------------------------------------------- */

/* more than the workers of any machine this runs on */
#define MAX_STUCK 66

typedef struct
{
  GMutex lock;
  GCond cond;
  guint blocked;
} Stuck;

static GstPadProbeReturn
on_stuck (GstPad * pad, GstPadProbeInfo * info, Stuck * st)
{
  g_mutex_lock (&st->lock);
  st->blocked++;
  g_cond_broadcast (&st->cond);
  g_mutex_unlock (&st->lock);
  return GST_PAD_PROBE_OK;
}

/* Elements push from workers the process shares.  The downstream of more
 * elements than there are workers blocks on their first buffer (a
 * blocking probe: a full queue, a sink waiting): another element on the
 * same server still outputs its publisher's whole stream, and the blocked
 * pipelines stop when asked.  The server's stats count the stuck workers. */
GST_START_TEST (test_stuck_downstream)
{
  guint n_stuck = MIN (g_get_num_processors () + 2, MAX_STUCK), i;
  GstElement *stuck[MAX_STUCK], *free_p;
  SrvOutput *stuck_out[MAX_STUCK], *free_out;
  SrvPub *pubs[MAX_STUCK], *pub;
  SrvRecording *rec;
  GstObject *server;
  Stuck st = { 0 };
  gchar *media = media_desc (MEDIA_LEGACY, 40), *url;
  gint64 until;
  gint port = 0;

  rec = srv_record (media);
  g_free (media);
  for (i = 0; i < n_stuck; i++) {
    gchar *key = g_strdup_printf ("stuck%u", i);
    GstPad *srcpad, *sinkpad;

    stuck[i] = lone_receiver (key, &port, &stuck_out[i]);
    srcpad = gst_element_get_static_pad (stuck_out[i]->src, "src");
    sinkpad = gst_pad_get_peer (srcpad);
    gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BLOCK |
        GST_PAD_PROBE_TYPE_BUFFER, (GstPadProbeCallback) on_stuck, &st, NULL);
    gst_object_unref (sinkpad);
    gst_object_unref (srcpad);
    url = url_for (port, key);
    pubs[i] = srv_pub_start (rec, "rtmppushsink name=pub timeout=30 "
        "reconnect-attempts=0", url, key);
    g_free (url);
    g_free (key);
  }
  until = g_get_monotonic_time () + SRV_HANG / GST_USECOND;
  g_mutex_lock (&st.lock);
  while (st.blocked < n_stuck && g_get_monotonic_time () < until)
    g_cond_wait_until (&st.cond, &st.lock, until);
  g_mutex_unlock (&st.lock);
  fail_unless_equals_int (st.blocked, n_stuck);

  free_p = lone_receiver ("free", &port, &free_out);
  server = srv_server (free_out->src);
  /* each blocked element holds a worker, and the stats say so */
  srv_wait_stat (server, "streaming-workers-stuck", n_stuck);
  url = url_for (port, "free");
  pub = srv_pub_start (rec, "rtmppushsink name=pub timeout=30 "
      "reconnect-attempts=0", url, "free");
  fail_unless (srv_pub_finish (pub), "free: %s", pub->error);
  srv_output_wait_eos (free_out, "free, beside blocked ones");
  srv_output_check (free_out, 0, rec->tags, "free, beside blocked ones");
  fail_unless_equals_int (free_out->segments->len, 1);

  /* flushing releases the blocked pushes */
  for (i = 0; i < n_stuck; i++) {
    lone_free (stuck[i], stuck_out[i]);
    srv_pub_free (pubs[i]);
  }
  srv_wait_stat_max (server, "streaming-workers-stuck", 0);
  gst_object_unref (server);
  lone_free (free_p, free_out);
  srv_pub_free (pub);
  srv_recording_free (rec);
  g_free (url);
}

GST_END_TEST;

/* ---- events and pauses --------------------------------------------------- */

typedef struct
{
  gint custom;                  /* our event seen */
  gint buffers_after;           /* buffers after it */
} EventSeen;

static GstPadProbeReturn
on_event_seen (GstPad * pad, GstPadProbeInfo * info, EventSeen * seen)
{
  GstEvent *ev;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    if (g_atomic_int_get (&seen->custom) > 0)
      g_atomic_int_inc (&seen->buffers_after);
    return GST_PAD_PROBE_OK;
  }
  ev = GST_PAD_PROBE_INFO_EVENT (info);
  if (GST_EVENT_TYPE (ev) == GST_EVENT_CUSTOM_DOWNSTREAM &&
      gst_event_has_name (ev, "ertmp-test"))
    g_atomic_int_inc (&seen->custom);
  return GST_PAD_PROBE_OK;
}

/* A serialized event sent to the element goes out once, before a later
 * buffer; a pause in the middle of the stream (PLAYING -> PAUSED ->
 * PLAYING) loses and reorders nothing: what arrives meanwhile waits in
 * the element's queue. */
GST_START_TEST (test_event_and_pause)
{
  gchar *media = media_desc (MEDIA_LEGACY, 41), *url;
  SrvRecording *rec = srv_record (media);
  EventSeen seen = { 0 };
  SrvOutput *out;
  GstElement *p;
  GstPad *pad;
  SrvPub *pub;
  gint port = 0;

  p = lone_receiver ("ev", &port, &out);
  pad = gst_element_get_static_pad (out->src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      (GstPadProbeCallback) on_event_seen, &seen, NULL);
  gst_object_unref (pad);
  url = url_for (port, "ev");
  pub = srv_pub_start (rec, "rtmppushsink name=pub timeout=30 "
      "reconnect-attempts=0", url, "ev");
  srv_output_wait_tags (out, 0, 10, "ev, before the pause");
  fail_unless (gst_element_send_event (out->src,
          gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
              gst_structure_new_empty ("ertmp-test"))));
  fail_if (gst_element_set_state (p, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE);
  g_usleep (G_USEC_PER_SEC / 2);
  fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  fail_unless (srv_pub_finish (pub), "ev: %s", pub->error);
  srv_output_wait_eos (out, "ev, after the pause");
  srv_output_check (out, 0, rec->tags, "ev, paused in the middle");
  fail_unless_equals_int (out->segments->len, 1);
  fail_unless_equals_int (g_atomic_int_get (&seen.custom), 1);
  fail_unless (g_atomic_int_get (&seen.buffers_after) > 0,
      "no buffer after the event");
  lone_free (p, out);
  srv_pub_free (pub);
  srv_recording_free (rec);
  g_free (media);
  g_free (url);
}

GST_END_TEST;

static Suite *
server_mix_suite (void)
{
  Suite *s = suite_create ("server_mix");
  TCase *tc = tcase_create ("mix");

  suite_add_tcase (s, tc);
  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  /* encoding 50 short streams, then 50 publishers of 2-4 s at once */
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_fifty_publishers_one_port);
  tcase_add_test (tc, test_join_leave);
  tcase_add_test (tc, test_stuck_downstream);
  tcase_add_test (tc, test_event_and_pause);
  return s;
}

GST_CHECK_MAIN (server_mix);
