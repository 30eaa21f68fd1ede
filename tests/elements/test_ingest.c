/* gst-ertmp: rtmpingestsrc against real publishers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A receiver pipeline "rtmpingestsrc port=0 ! ..." goes to PLAYING on
 * 127.0.0.1, a real publisher (FFmpeg, GStreamer's rtmp2sink, librtmp's
 * rtmpsink) pushes a short stream to its bound port, and everything the
 * element pushed is compared with what the publisher sent: for audio and
 * video, the same tags in the same order per type, with the same bodies and
 * the same FLV timestamps; buffer PTS/DTS advance as those timestamps; the
 * first buffer of each publisher is the FLV header, flagged HEADER and
 * DISCONT.  Where erdemux and decoders follow, every coded frame decodes.
 *
 * Also: RTMPS, refusals (stream key, "publish-request", busy) and
 * keep-listening across three publishers.  A test is skipped (not failed)
 * only when a program it runs is not installed.
 */
#include <string.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_flv.h"
#include "ertmp_media.h"
#include "ertmp_peer.h"

/* Bounds that only catch hangs (ertmp_peer.h) */
#define PUBLISH_TIMEOUT ERTMP_TEST_HANG_BOUND
#define PUBLISH_TIMEOUT_MS ((gint) (PUBLISH_TIMEOUT / GST_MSECOND))
#define STOP_LIMIT ERTMP_TEST_STOP_BOUND

#define FLV_FILE_HEADER_SIZE (ERTMP_FLV_HEADER_SIZE + ERTMP_FLV_PREV_SIZE_SIZE)
#define MAX_TRACKS 4

/* ---- FLV tags ----------------------------------------------------------- */

typedef struct
{
  guint32 ts;                   /* FLV timestamp, ms */
  gsize size;
  gchar *sum;                   /* SHA-256 of the body */
} Tag;

typedef struct
{
  GArray *av[2];                /* Tag: [0] audio, [1] video, in order */
  guint scripts;
  /* coded frames per kind (0 audio, 1 video) and track id */
  guint frames[2][MAX_TRACKS];
} Tags;

static void
tag_clear (Tag * t)
{
  g_free (t->sum);
}

static void
tags_free (Tags * tags)
{
  g_array_unref (tags->av[0]);
  g_array_unref (tags->av[1]);
  g_free (tags);
}

/* Counts the coded frames of each track; TRUE for a SequenceEnd */
static gboolean
count_frames (Tags * tags, guint video, const guint8 * body, gsize len)
{
  ertmp_media_tag mt;
  ertmp_media_track track;

  if (ertmp_media_parse (video ? ERTMP_CODEC_KIND_VIDEO :
          ERTMP_CODEC_KIND_AUDIO, body, len, NULL, &mt) != ERTMP_OK)
    return FALSE;
  if (mt.hdr.packet == ERTMP_MEDIA_PACKET_SEQUENCE_END)
    return TRUE;
  while (ertmp_media_next_track (&mt, &track))
    if (mt.hdr.packet == ERTMP_MEDIA_PACKET_CODED_FRAMES &&
        track.track_id < MAX_TRACKS)
      tags->frames[video][track.track_id]++;
  return FALSE;
}

/* Every tag of an FLV byte stream.  @seq_end: keep video SequenceEnd tags
 * (FFmpeg's demuxer drops the one at the end of the file). */
static Tags *
tags_parse (const guint8 * data, gsize len, gboolean seq_end)
{
  ertmp_flv_reader *rd = ertmp_flv_reader_new (NULL);
  Tags *tags = g_new0 (Tags, 1);
  ertmp_flv_tag tag;
  ertmp_result res;
  gsize used;
  guint i;

  for (i = 0; i < 2; i++) {
    tags->av[i] = g_array_new (FALSE, FALSE, sizeof (Tag));
    g_array_set_clear_func (tags->av[i], (GDestroyNotify) tag_clear);
  }
  while ((res = ertmp_flv_reader_read (rd, data, len, &used, &tag)) ==
      ERTMP_OK) {
    guint video = tag.header.type == ERTMP_FLV_TAG_VIDEO;
    Tag t;

    data += used;
    len -= used;
    fail_if (tag.prev_size_mismatch || tag.skipped, "FLV stream damaged");
    if (tag.header.type != ERTMP_FLV_TAG_AUDIO && !video) {
      tags->scripts++;
      continue;
    }
    if (count_frames (tags, video, tag.payload, tag.header.size) && !seq_end)
      continue;
    t.ts = tag.header.timestamp;
    t.size = tag.header.size;
    t.sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, tag.payload,
        tag.header.size);
    g_array_append_val (tags->av[video], t);
  }
  fail_unless_equals_int (res, ERTMP_NEED_MORE);
  fail_if (ertmp_flv_reader_pending (rd, NULL), "FLV stream cut short");
  ertmp_flv_reader_free (rd);
  return tags;
}

/* @got holds every audio and video tag of @want, in order per type, with
 * the same bodies and timestamps */
static void
tags_compare (const Tags * want, const Tags * got, const gchar * what)
{
  static const gchar *kinds[] = { "audio", "video" };
  guint k, i;

  for (k = 0; k < 2; k++) {
    GArray *a = want->av[k], *b = got->av[k];
    guint64 bytes = 0;

    fail_unless (a->len > 0, "%s: no %s in the source", what, kinds[k]);
    for (i = 0; i < MIN (a->len, b->len); i++) {
      Tag *x = &g_array_index (a, Tag, i), *y = &g_array_index (b, Tag, i);

      fail_unless (x->size == y->size && strcmp (x->sum, y->sum) == 0,
          "%s: %s tag %u (ts %u): %" G_GSIZE_FORMAT " bytes sent, %"
          G_GSIZE_FORMAT " bytes (other content?) received", what, kinds[k],
          i, x->ts, x->size, y->size);
      fail_unless (x->ts == y->ts, "%s: %s tag %u: timestamp %u sent, %u "
          "received", what, kinds[k], i, x->ts, y->ts);
      bytes += x->size;
    }
    fail_unless (a->len == b->len, "%s: %u %s tags sent, %u received%s",
        what, a->len, kinds[k], b->len, b->len < a->len ? " (tail lost)" : "");
    g_print ("%s: %u %s tags, %" G_GUINT64_FORMAT " body bytes identical, "
        "timestamps %u..%u ms\n", what, a->len, kinds[k], bytes,
        g_array_index (a, Tag, 0).ts, g_array_index (a, Tag, a->len - 1).ts);
  }
}

static Tags *
tags_from_file (const gchar * path, gboolean seq_end)
{
  gchar *data;
  gsize len;
  Tags *tags;

  fail_unless (g_file_get_contents (path, &data, &len, NULL), "%s", path);
  tags = tags_parse ((const guint8 *) data, len, seq_end);
  g_free (data);
  return tags;
}

/* ---- the receiver: rtmpingestsrc ! ... ---------------------------------- */

/* What one publisher produced downstream */
typedef struct
{
  GByteArray *bytes;            /* FLV header + tags */
  gboolean header_flags;        /* first buffer: HEADER and DISCONT */
  GstCaps *caps;                /* when the first buffer was pushed */
  guint av_tags;
  GstClockTime pts0;            /* of the first audio/video tag */
  guint32 ts0;
  guint timing_errors;
  gchar *timing_error;          /* the first one */
} Session;

/* One decoded branch "d.<pad> ! queue ! <decode> ! fakesink" */
typedef struct
{
  const gchar *pad;             /* erdemux pad: video, audio, video_1 ... */
  const gchar *decode;          /* parser ! decoder */
} Branch;

typedef struct
{
  GstElement *pipeline, *src;
  GMutex lock;
  GCond cond;
  GPtrArray *sessions;          /* Session */
  guint buffers;
  gboolean stray;               /* a buffer before any FLV header */
  GPtrArray *messages;          /* element messages seen on the bus */
  const Branch *branches;
  guint decoded[8];
} Receiver;

/* receivers not yet freed: a failed test leaves one PLAYING */
static GList *live_receivers;

static void
session_free (Session * s)
{
  g_byte_array_unref (s->bytes);
  gst_clear_caps (&s->caps);
  g_free (s->timing_error);
  g_free (s);
}

static Session *
session_new (GstBuffer * buf, GstCaps * caps)
{
  Session *s = g_new0 (Session, 1);

  s->caps = caps ? gst_caps_ref (caps) : NULL;
  s->bytes = g_byte_array_new ();
  s->header_flags = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_HEADER) &&
      GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT);
  return s;
}

/* A tag's PTS and DTS follow its FLV timestamp from the publisher's
 * first audio/video tag on */
static void
session_check_time (Session * s, GstBuffer * buf, const guint8 * tag)
{
  guint32 ts = GST_READ_UINT24_BE (tag + 4) | ((guint32) tag[7] << 24);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  gchar *err = NULL;

  if (s->av_tags++ == 0) {
    s->pts0 = pts;
    s->ts0 = ts;
  }
  if (!GST_CLOCK_TIME_IS_VALID (pts) || GST_BUFFER_DTS (buf) != pts)
    err = g_strdup_printf ("tag %u (ts %u): PTS %" GST_TIME_FORMAT " DTS %"
        GST_TIME_FORMAT, s->av_tags - 1, ts, GST_TIME_ARGS (pts),
        GST_TIME_ARGS (GST_BUFFER_DTS (buf)));
  else if ((GstClockTimeDiff) (pts - s->pts0) !=
      (gint32) (ts - s->ts0) * GST_MSECOND)
    err = g_strdup_printf ("tag %u (ts %u, first %u): PTS %" GST_TIME_FORMAT
        ", first %" GST_TIME_FORMAT, s->av_tags - 1, ts, s->ts0,
        GST_TIME_ARGS (pts), GST_TIME_ARGS (s->pts0));
  if (err != NULL && s->timing_errors++ == 0)
    s->timing_error = err;
  else
    g_free (err);
}

/* The caps of a publisher's first buffer carry a streamheader that starts
 * with the FLV header */
static void
session_check_caps (Session * s, const gchar * what)
{
  gchar *text = s->caps ? gst_caps_to_string (s->caps) : NULL;
  const GValue *sh;
  GstBuffer *buf;

  fail_unless (s->caps != NULL, "%s: no caps", what);
  sh = gst_structure_get_value (gst_caps_get_structure (s->caps, 0),
      "streamheader");
  fail_unless (sh != NULL && GST_VALUE_HOLDS_ARRAY (sh) &&
      gst_value_array_get_size (sh) > 0, "%s: no streamheader: %s", what,
      text);
  buf = gst_value_get_buffer (gst_value_array_get_value (sh, 0));
  fail_unless (gst_buffer_get_size (buf) == FLV_FILE_HEADER_SIZE &&
      gst_buffer_memcmp (buf, 0, "FLV", 3) == 0, "%s: streamheader[0] is "
      "not the FLV header: %s", what, text);
  g_free (text);
}

static void
receiver_record (Receiver * r, GstBuffer * buf, GstCaps * caps)
{
  GstMapInfo map;
  Session *s;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_mutex_lock (&r->lock);
  r->buffers++;
  if (map.size == FLV_FILE_HEADER_SIZE && memcmp (map.data, "FLV", 3) == 0)
    g_ptr_array_add (r->sessions, session_new (buf, caps));
  if (r->sessions->len == 0) {
    r->stray = TRUE;
  } else {
    s = g_ptr_array_index (r->sessions, r->sessions->len - 1);
    g_byte_array_append (s->bytes, map.data, map.size);
    if (map.size > ERTMP_FLV_TAG_HEADER_SIZE &&
        ((map.data[0] & 0x1f) == ERTMP_FLV_TAG_AUDIO ||
            (map.data[0] & 0x1f) == ERTMP_FLV_TAG_VIDEO))
      session_check_time (s, buf, map.data);
  }
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
  gst_buffer_unmap (buf, &map);
}

static GstPadProbeReturn
on_src_data (GstPad * pad, GstPadProbeInfo * info, Receiver * r)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);

  receiver_record (r, GST_PAD_PROBE_INFO_BUFFER (info), caps);
  gst_clear_caps (&caps);
  return GST_PAD_PROBE_OK;
}

static void
on_decoded (GstElement * sink, GstBuffer * buf, GstPad * pad, guint * n)
{
  g_atomic_int_inc (n);
}

static gchar *
receiver_desc (const gchar * props, const Branch * branches)
{
  GString *desc = g_string_new (NULL);

  g_string_append_printf (desc, "rtmpingestsrc name=src host=127.0.0.1 "
      "port=0 %s ! ", props);
  if (branches == NULL || branches->pad == NULL)
    g_string_append (desc, "fakesink sync=false async=false");
  else
    g_string_append (desc, "erdemux name=d");
  for (; branches && branches->pad; branches++)
    g_string_append_printf (desc, " d.%s ! queue ! %s ! fakesink "
        "name=dec_%s sync=false signal-handoffs=true", branches->pad,
        branches->decode, branches->pad);
  return g_string_free (desc, FALSE);
}

/* "rtmpingestsrc host=127.0.0.1 port=0 @props ! ..." in PLAYING */
static Receiver *
receiver_new (const gchar * props, const Branch * branches)
{
  Receiver *r = g_new0 (Receiver, 1);
  gchar *desc = receiver_desc (props, branches);
  GError *err = NULL;
  GstPad *pad;
  guint i;

  g_mutex_init (&r->lock);
  g_cond_init (&r->cond);
  r->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) session_free);
  r->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_message_unref);
  r->branches = branches;
  r->pipeline = gst_parse_launch (desc, &err);
  fail_unless (r->pipeline != NULL, "%s: %s", desc, err ? err->message : "?");
  r->src = gst_bin_get_by_name (GST_BIN (r->pipeline), "src");
  pad = gst_element_get_static_pad (r->src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) on_src_data, r, NULL);
  gst_object_unref (pad);
  for (i = 0; branches && branches[i].pad; i++) {
    gchar *name = g_strdup_printf ("dec_%s", branches[i].pad);
    GstElement *sink = gst_bin_get_by_name (GST_BIN (r->pipeline), name);

    fail_unless (i < G_N_ELEMENTS (r->decoded));
    g_signal_connect (sink, "handoff", G_CALLBACK (on_decoded),
        &r->decoded[i]);
    gst_object_unref (sink);
    g_free (name);
  }
  live_receivers = g_list_prepend (live_receivers, r);
  fail_unless (gst_element_set_state (r->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE, "%s: cannot start", desc);
  g_free (desc);
  return r;
}

static gint
receiver_port (Receiver * r)
{
  gint port = 0;

  g_object_get (r->src, "bound-port", &port, NULL);
  fail_unless (port > 0 && port < 65536, "bound-port %d", port);
  return port;
}

/* rtmp[s]://127.0.0.1:<bound-port>/live/@key */
static gchar *
receiver_url (Receiver * r, const gchar * scheme, const gchar * key)
{
  return g_strdup_printf ("%s://127.0.0.1:%d/live/%s", scheme,
      receiver_port (r), key);
}

/* Pops bus messages, keeping element messages, until EOS, an error, or
 * the element message @name (NULL: none); NULL on timeout.  Warnings are
 * printed. */
static GstMessage *
receiver_pop (Receiver * r, const gchar * name, GstClockTime timeout)
{
  GstBus *bus = gst_element_get_bus (r->pipeline);
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;
  GstMessage *msg;

  while (TRUE) {
    /* MAX () would read the clock twice */
    gint64 left = deadline - g_get_monotonic_time ();

    msg = gst_bus_timed_pop_filtered (bus, left > 0 ? left * GST_USECOND : 0,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
        GST_MESSAGE_ELEMENT);
    if (msg == NULL)
      break;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      gchar *text = ertmp_peer_describe_message (msg);

      g_print ("receiver warning: %s\n", text);
      g_free (text);
      gst_message_unref (msg);
      continue;
    }
    if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT)
      break;
    g_ptr_array_add (r->messages, gst_message_ref (msg));
    if (name != NULL && gst_message_has_name (msg, name))
      break;
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  return msg;
}

static void
receiver_expect (Receiver * r, const gchar * name, GstClockTime timeout)
{
  GstMessage *msg = receiver_pop (r, name, timeout);
  gchar *text = msg ? ertmp_peer_describe_message (msg) : NULL;

  fail_unless (msg != NULL, "no %s within %" GST_TIME_FORMAT,
      name ? name : "EOS", GST_TIME_ARGS (timeout));
  fail_unless (GST_MESSAGE_TYPE (msg) == (name ? GST_MESSAGE_ELEMENT :
          GST_MESSAGE_EOS), "waiting for %s: %s", name ? name : "EOS", text);
  g_free (text);
  gst_message_unref (msg);
}

/* The element messages @name seen so far; the last in *last */
static guint
receiver_count (Receiver * r, const gchar * name, const GstStructure ** last)
{
  guint i, n = 0;

  for (i = 0; i < r->messages->len; i++) {
    const GstStructure *s =
        gst_message_get_structure (g_ptr_array_index (r->messages, i));

    if (gst_structure_has_name (s, name)) {
      n++;
      if (last != NULL)
        *last = s;
    }
  }
  return n;
}

static void
expect_reason (Receiver * r, const gchar * name, const gchar * reason)
{
  const GstStructure *s = NULL;

  fail_unless (receiver_count (r, name, &s) > 0, "no %s", name);
  fail_unless_equals_string (gst_structure_get_string (s, "reason"), reason);
}

/* Waits until session @i holds @n audio/video tags */
static void
receiver_wait_tags (Receiver * r, guint i, guint n, GstClockTime timeout)
{
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;
  guint have = 0;

  g_mutex_lock (&r->lock);
  while (TRUE) {
    have = r->sessions->len > i ?
        ((Session *) g_ptr_array_index (r->sessions, i))->av_tags : 0;
    if (have >= n || !g_cond_wait_until (&r->cond, &r->lock, deadline))
      break;
  }
  g_mutex_unlock (&r->lock);
  fail_unless (have >= n, "publisher %u: %u of %u tags arrived", i, have, n);
}

/* Session @i carries every tag of @want, stamped and flagged right */
static void
receiver_check_session (Receiver * r, guint i, const Tags * want,
    const gchar * what)
{
  Session *s;
  Tags *got;

  fail_unless (r->sessions->len > i, "%s: no FLV header from publisher %u",
      what, i);
  fail_if (r->stray, "%s: a buffer before the FLV header", what);
  s = g_ptr_array_index (r->sessions, i);
  fail_unless (s->header_flags, "%s: FLV header of publisher %u not flagged "
      "HEADER|DISCONT", what, i);
  session_check_caps (s, what);
  got = tags_parse (s->bytes->data, s->bytes->len, TRUE);
  tags_compare (want, got, what);
  fail_unless (s->timing_errors == 0, "%s: %u tags with a wrong PTS/DTS; "
      "first: %s", what, s->timing_errors, s->timing_error);
  tags_free (got);
}

/* Every coded frame of @want came out of its decoder */
static void
receiver_check_decoded (Receiver * r, const Tags * want)
{
  guint i;

  for (i = 0; r->branches && r->branches[i].pad; i++) {
    const gchar *pad = r->branches[i].pad, *sep = strchr (pad, '_');
    guint video = g_str_has_prefix (pad, "video");
    guint id = sep ? (guint) g_ascii_strtoull (sep + 1, NULL, 10) : 0;
    guint n = g_atomic_int_get (&r->decoded[i]);

    fail_unless (id < MAX_TRACKS);
    fail_unless (want->frames[video][id] > 0, "%s: no frames sent", pad);
    fail_unless_equals_int (n, want->frames[video][id]);
    g_print ("%s: %u frames decoded (%s)\n", pad, n, r->branches[i].decode);
  }
}

/* A guint64 field of the "stats" property */
static guint64
receiver_stat (Receiver * r, const gchar * field)
{
  GstStructure *st = NULL;
  guint64 v = 0;
  gchar *text;

  g_object_get (r->src, "stats", &st, NULL);
  fail_unless (st != NULL, "no stats");
  text = gst_structure_to_string (st);
  fail_unless (gst_structure_get_uint64 (st, field, &v), "no %s: %s", field,
      text);
  GST_INFO ("stats: %s", text);
  g_free (text);
  gst_structure_free (st);
  return v;
}

/* The "stats" property counts @accepted and @refused publishers; @last
 * (may be NULL) is what the last publisher sent */
static void
receiver_check_stats (Receiver * r, guint64 accepted, guint64 refused,
    const Tags * last)
{
  fail_unless_equals_uint64 (receiver_stat (r, "publishers-accepted"),
      accepted);
  fail_unless_equals_uint64 (receiver_stat (r, "publishers-refused"),
      refused);
  if (last == NULL)
    return;
  fail_unless_equals_uint64 (receiver_stat (r, "audio-messages"),
      last->av[0]->len);
  fail_unless_equals_uint64 (receiver_stat (r, "video-messages"),
      last->av[1]->len);
}

static void
receiver_destroy (Receiver * r)
{
  live_receivers = g_list_remove (live_receivers, r);
  gst_element_set_state (r->pipeline, GST_STATE_NULL);
  gst_object_unref (r->src);
  gst_object_unref (r->pipeline);
  g_ptr_array_unref (r->sessions);
  g_ptr_array_unref (r->messages);
  g_mutex_clear (&r->lock);
  g_cond_clear (&r->cond);
  g_free (r);
}

/* Stops the pipeline (promptly) and frees everything */
static void
receiver_free (Receiver * r)
{
  gint64 start = g_get_monotonic_time ();

  fail_unless (gst_element_set_state (r->pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  fail_unless ((g_get_monotonic_time () - start) * GST_USECOND < STOP_LIMIT,
      "going to NULL took %" G_GINT64_FORMAT " ms",
      (g_get_monotonic_time () - start) / 1000);
  receiver_destroy (r);
}

/* One publisher accepted (@refused refused), keep-listening=false: all of
 * @want arrives, then EOS */
static void
receiver_check_one (Receiver * r, const Tags * want, const gchar * what,
    guint64 refused)
{
  GstMessage *msg = receiver_pop (r, NULL, PUBLISH_TIMEOUT), *late;
  gchar *text = msg ? ertmp_peer_describe_message (msg) : NULL;

  if (msg == NULL || GST_MESSAGE_TYPE (msg) != GST_MESSAGE_EOS) {
    Session *s = r->sessions->len ? g_ptr_array_index (r->sessions, 0) : NULL;

    fail ("%s: no EOS but %s; %u of %u audio/video tags had arrived", what,
        text ? text : "a timeout", s ? s->av_tags : 0,
        want->av[0]->len + want->av[1]->len);
  }
  gst_message_unref (msg);
  g_free (text);
  /* what was posted right after EOS */
  late = receiver_pop (r, NULL, 0);
  fail_if (late != NULL, "after EOS: %s",
      late ? ertmp_peer_describe_message (late) : "");
  fail_unless_equals_int (r->sessions->len, 1);
  receiver_check_session (r, 0, want, what);
  receiver_check_decoded (r, want);
  fail_unless_equals_int (receiver_count (r, "rtmp-ingest-publish-start",
          NULL), 1);
  fail_unless_equals_int (receiver_count (r, "rtmp-ingest-publish-end",
          NULL), 1);
  expect_reason (r, "rtmp-ingest-publish-end", "unpublished");
  receiver_check_stats (r, 1, refused, want);
}

/* ---- publishers ---------------------------------------------------------- */

#define VIDEO(fps, n) "videotestsrc num-buffers=" n " ! " \
  "video/x-raw,format=I420,width=160,height=120,framerate=" fps " ! "
/* 2 s of 1024-sample buffers */
#define AUDIO(rate, n) "audiotestsrc num-buffers=" n " ! audio/x-raw,rate=" \
  rate ",channels=2 ! audioconvert ! "
#define H264 "x264enc speed-preset=ultrafast key-int-max=30 ! h264parse ! "
#define LEGACY_VIDEO VIDEO ("30/1", "60") H264
#define LEGACY_AUDIO(mux) AUDIO ("44100", "86") "avenc_aac ! " mux ". "
/* ~7.8 MB of noise */
#define BIG_VIDEO "videotestsrc pattern=snow num-buffers=78 ! " \
  "video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! " \
  "x264enc speed-preset=ultrafast key-int-max=30 pass=quant quantizer=8 ! " \
  "h264parse ! "

static const Branch legacy_branches[] = {
  {"video", "h264parse ! avdec_h264"},
  {"audio", "aacparse ! avdec_aac"},
  {NULL, NULL}
};

/* Writes @video ("... ! " H.264) and 2 s of AAC as legacy FLV to
 * @dir/src.flv */
static gchar *
make_legacy_flv (const gchar * dir, const gchar * video)
{
  gchar *path = g_build_filename (dir, "src.flv", NULL);
  gchar *desc = g_strdup_printf ("flvmux name=m streamable=true ! filesink "
      "location=\"%s\" %s m. " LEGACY_AUDIO ("m"), path, video);
  GstElement *p = gst_parse_launch (desc, NULL);
  gchar *err = NULL;

  fail_unless (p != NULL, "%s", desc);
  fail_unless (ertmp_peer_run_pipeline (p, PUBLISH_TIMEOUT, &err), "%s", err);
  gst_object_unref (p);
  g_free (desc);
  return path;
}

/* ffmpeg [-re] -i @file -c copy -f flv @url, started */
static ErtmpPeer *
ffmpeg_start (const gchar * dir, const gchar * file, const gchar * url,
    gboolean re)
{
  const gchar *argv[] = { "ffmpeg", "-nostdin", "-hide_banner",
    "-loglevel", "info", "-re", "-i", file, "-c", "copy",
    "-flvflags", "no_sequence_end", "-f", "flv", url, NULL
  };
  GError *err = NULL;
  ErtmpPeer *peer;

  if (!re)                      /* drop "-re" */
    memmove (&argv[5], &argv[6], sizeof (argv) - 6 * sizeof (argv[0]));
  peer = ertmp_peer_spawn (argv, dir, &err);
  fail_unless (peer != NULL, "ffmpeg: %s", err ? err->message : "?");
  return peer;
}

/* Waits for a peer; TRUE when it exited with 0.  Its log is printed when
 * that is not @expected. */
static gboolean
peer_finish (ErtmpPeer * peer, const gchar * what, gboolean expected)
{
  gchar *log;
  gboolean ok;

  fail_unless (ertmp_peer_wait (peer, PUBLISH_TIMEOUT_MS),
      "%s still running after %d ms", what, PUBLISH_TIMEOUT_MS);
  ok = ertmp_peer_succeeded (peer);
  log = ertmp_peer_log (peer);
  if (ok != expected)
    g_print ("%s %s; its log:\n%s\n", what, ok ? "succeeded" : "failed",
        log);
  g_free (log);
  ertmp_peer_stop (peer);
  return ok;
}

static GstPadProbeReturn
on_published (GstPad * pad, GstPadProbeInfo * info, GByteArray * sent)
{
  GstMapInfo map;

  gst_buffer_map (GST_PAD_PROBE_INFO_BUFFER (info), &map, GST_MAP_READ);
  g_byte_array_append (sent, map.data, map.size);
  gst_buffer_unmap (GST_PAD_PROBE_INFO_BUFFER (info), &map);
  return GST_PAD_PROBE_OK;
}

/* Runs the in-process publisher "@desc" (its sink is named "pub") to @url
 * (plus @url_suffix) until EOS and NULL (which sends the teardown).
 * Returns the FLV stream the sink was given; NULL when it failed. */
static Tags *
publish_gst (const gchar * desc, const gchar * url, const gchar * url_suffix,
    gchar ** error)
{
  GstElement *p = gst_parse_launch (desc, NULL), *sink;
  GByteArray *sent = g_byte_array_new ();
  gchar *location = g_strconcat (url, url_suffix, NULL);
  Tags *tags = NULL;
  GstPad *pad;

  fail_unless (p != NULL, "%s", desc);
  sink = gst_bin_get_by_name (GST_BIN (p), "pub");
  fail_unless (sink != NULL, "no sink named pub in %s", desc);
  g_object_set (sink, "location", location, NULL);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) on_published, sent, NULL);
  if (ertmp_peer_run_pipeline (p, PUBLISH_TIMEOUT, error))
    tags = tags_parse (sent->data, sent->len, TRUE);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (p);
  g_byte_array_unref (sent);
  g_free (location);
  return tags;
}

/* ---- FFmpeg -------------------------------------------------------------- */

static void
check_ffmpeg (gboolean re, const gchar * video)
{
  const gchar *what = re ? "ffmpeg -re" : "ffmpeg (fast)";
  gchar *dir, *file, *url;
  Receiver *r;
  Tags *want;

  if (!ertmp_peer_have (what, "ffmpeg"))
    return;
  dir = ertmp_peer_tmpdir ();
  file = make_legacy_flv (dir, video);
  want = tags_from_file (file, FALSE);
  r = receiver_new ("keep-listening=false", legacy_branches);
  url = receiver_url (r, "rtmp", "key");
  fail_unless (peer_finish (ffmpeg_start (dir, file, url, re), what, TRUE));
  receiver_check_one (r, want, what, 0);
  g_print ("%s: %" G_GUINT64_FORMAT " bytes in\n", what,
      receiver_stat (r, "in-bytes-total"));
  receiver_free (r);
  tags_free (want);
  g_free (url);
  g_free (file);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_START_TEST (test_ffmpeg_realtime)
{
  check_ffmpeg (TRUE, LEGACY_VIDEO);
}

GST_END_TEST;

/* Without -re FFmpeg sends everything at once and closes.  FFmpeg reads
 * from the server only between packets and never before close (), so an
 * Acknowledgement it has not read turns its close into a RST and the
 * kernel drops what was still in its send queue: the last tags, FCUnpublish
 * and deleteStream.  ~7.8 MB cross a 2.5 MB window three times. */
GST_START_TEST (test_ffmpeg_fast)
{
  check_ffmpeg (FALSE, BIG_VIDEO);
}

GST_END_TEST;

/* ---- GStreamer publishers ----------------------------------------------- */

/* An in-process publisher: its sink, named pub, and URL form */
typedef struct
{
  const gchar *sink;
  const gchar *scheme;          /* rtmp, rtmps */
  const gchar *url_suffix;      /* librtmp options after the URL */
} Publisher;

static const Publisher rtmp2sink = { "rtmp2sink name=pub", "rtmp", "" };
static const Publisher rtmp2sink_tls = {
  "rtmp2sink name=pub tls-validation-flags=0", "rtmps", ""
};
static const Publisher librtmp = { "rtmpsink name=pub", "rtmp", " live=1" };

/* @media ends in a muxer named m; @props: more rtmpingestsrc properties */
static void
check_gst (const gchar * what, const gchar * media, const Publisher * pub,
    const gchar * props, const Branch * branches)
{
  gchar *desc = g_strdup_printf ("%s m. ! %s", media, pub->sink);
  gchar *all = g_strdup_printf ("keep-listening=false %s", props);
  Receiver *r = receiver_new (all, branches);
  gchar *url = receiver_url (r, pub->scheme, "key"), *err = NULL;
  Tags *want = publish_gst (desc, url, pub->url_suffix, &err);

  fail_unless (want != NULL, "%s: publisher failed: %s", what, err);
  receiver_check_one (r, want, what, 0);
  receiver_free (r);
  tags_free (want);
  g_free (url);
  g_free (all);
  g_free (desc);
}

#define LEGACY_MUX "flvmux name=m streamable=true " LEGACY_VIDEO "m. " \
  LEGACY_AUDIO ("m")

GST_START_TEST (test_rtmp2sink_legacy)
{
  check_gst ("rtmp2sink, flvmux", LEGACY_MUX, &rtmp2sink, "",
      legacy_branches);
}

GST_END_TEST;

GST_START_TEST (test_rtmp2sink_hevc)
{
  static const Branch branches[] = {
    {"video", "h265parse ! avdec_h265"},
    {"audio", "aacparse ! avdec_aac"},
    {NULL, NULL}
  };

  check_gst ("rtmp2sink, flvemux HEVC", "flvemux name=m " VIDEO ("30/1", "60")
      "x265enc speed-preset=ultrafast key-int-max=30 ! h265parse ! m.video "
      AUDIO ("44100", "86") "avenc_aac ! m.audio",
      &rtmp2sink, "", branches);
}

GST_END_TEST;

GST_START_TEST (test_rtmp2sink_av1)
{
  static const Branch branches[] = {
    {"video", "av1parse ! av1dec"},
    {"audio", "opusparse ! opusdec"},
    {NULL, NULL}
  };

  check_gst ("rtmp2sink, flvemux AV1", "flvemux name=m " VIDEO ("30/1", "30")
      "av1enc cpu-used=8 usage-profile=realtime ! av1parse ! m.video "
      AUDIO ("48000", "48") "opusenc ! m.audio",
      &rtmp2sink, "", branches);
}

GST_END_TEST;

GST_START_TEST (test_rtmp2sink_vp9)
{
  static const Branch branches[] = {
    {"video", "vp9parse ! vp9dec"},
    {"audio", "opusparse ! opusdec"},
    {NULL, NULL}
  };

  check_gst ("rtmp2sink, flvemux VP9", "flvemux name=m " VIDEO ("30/1", "60")
      "vp9enc deadline=1 cpu-used=8 ! m.video "
      AUDIO ("48000", "96") "opusenc ! m.audio",
      &rtmp2sink, "", branches);
}

GST_END_TEST;

GST_START_TEST (test_rtmp2sink_multitrack)
{
  static const Branch branches[] = {
    {"video", "h264parse ! avdec_h264"},
    {"video_1", "h265parse ! avdec_h265"},
    {"audio", "aacparse ! avdec_aac"},
    {"audio_1", "opusparse ! opusdec"},
    {NULL, NULL}
  };

  check_gst ("rtmp2sink, flvemux multitrack", "flvemux name=m "
      VIDEO ("30/1", "60") H264 "m.video "
      VIDEO ("30/1", "60") "x265enc speed-preset=ultrafast key-int-max=30 ! "
      "h265parse ! m.video_1 "
      AUDIO ("44100", "86") "avenc_aac ! m.audio "
      AUDIO ("48000", "96") "opusenc ! m.audio_1",
      &rtmp2sink, "", branches);
}

GST_END_TEST;

/* librtmp, OBS's lineage: simple handshake */
GST_START_TEST (test_librtmp)
{
  check_gst ("librtmp rtmpsink", LEGACY_MUX, &librtmp, "", legacy_branches);
}

GST_END_TEST;

GST_START_TEST (test_rtmps)
{
  gchar *dir, *cert, *key, *props;
  const gchar *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048",
    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", "k.pem",
    "-out", "c.pem", NULL
  };
  GError *err = NULL;
  ErtmpPeer *openssl;

  if (!ertmp_peer_have ("test_rtmps", "openssl"))
    return;
  dir = ertmp_peer_tmpdir ();
  openssl = ertmp_peer_spawn (argv, dir, &err);
  fail_unless (openssl != NULL, "openssl: %s", err ? err->message : "?");
  fail_unless (peer_finish (openssl, "openssl req", TRUE));
  cert = g_build_filename (dir, "c.pem", NULL);
  key = g_build_filename (dir, "k.pem", NULL);
  props = g_strdup_printf ("tls-certificate-file=\"%s\" "
      "tls-key-file=\"%s\"", cert, key);
  check_gst ("rtmp2sink, RTMPS", LEGACY_MUX, &rtmp2sink_tls, props,
      legacy_branches);
  g_free (props);
  g_free (cert);
  g_free (key);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- refusals ----------------------------------------------------------- */

/* An FFmpeg publisher to key @key is refused with @reason; nothing flows */
static void
check_refused (Receiver * r, const gchar * dir, const gchar * file,
    const gchar * key, const gchar * reason)
{
  gchar *url = receiver_url (r, "rtmp", key);

  fail_if (peer_finish (ffmpeg_start (dir, file, url, FALSE),
          "refused ffmpeg", FALSE), "ffmpeg publishing to %s succeeded", url);
  receiver_expect (r, "rtmp-ingest-refused", PUBLISH_TIMEOUT);
  expect_reason (r, "rtmp-ingest-refused", reason);
  g_free (url);
}

static gboolean
on_publish_request (GstElement * src, const gchar * app, const gchar * key,
    const gchar * peer, const gchar * tc_url, GstStructure * caps,
    gchar ** seen)
{
  /* the I/O thread: the test reads it after the publisher exited */
  g_free (*seen);
  *seen = g_strdup_printf ("%s/%s from %s", app, key, peer);
  GST_INFO ("publish-request %s (%s), capabilities %" GST_PTR_FORMAT,
      *seen, tc_url, caps);
  return FALSE;
}

/* keep-listening=false: a refused publisher neither ends nor feeds the
 * stream */
static void
check_refusal (gboolean by_signal)
{
  const gchar *what = by_signal ? "refused by signal" : "refused key";
  gchar *dir, *file, *seen = NULL;
  Receiver *r;

  if (!ertmp_peer_have (what, "ffmpeg"))
    return;
  dir = ertmp_peer_tmpdir ();
  file = make_legacy_flv (dir, LEGACY_VIDEO);
  r = receiver_new ("keep-listening=false stream-key=good", NULL);
  if (by_signal)
    g_signal_connect (r->src, "publish-request",
        G_CALLBACK (on_publish_request), &seen);
  check_refused (r, dir, file, by_signal ? "good" : "bad",
      by_signal ? "signal" : "bad-key");
  if (by_signal)
    fail_unless (seen != NULL &&
        g_str_has_prefix (seen, "live/good from 127.0.0.1:"), "%s", seen);
  g_mutex_lock (&r->lock);
  fail_unless_equals_int (r->buffers, 0);
  g_mutex_unlock (&r->lock);
  fail_unless_equals_int (receiver_count (r, "rtmp-ingest-publish-start",
          NULL), 0);
  fail_unless (GST_STATE (r->pipeline) == GST_STATE_PLAYING);
  receiver_check_stats (r, 0, 1, NULL);
  receiver_free (r);
  g_free (seen);
  g_free (file);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_START_TEST (test_refuse_key)
{
  check_refusal (FALSE);
}

GST_END_TEST;

GST_START_TEST (test_refuse_signal)
{
  check_refusal (TRUE);
}

GST_END_TEST;

/* A second publisher while the first publishes is refused ("busy"); the
 * first goes on untouched */
GST_START_TEST (test_refuse_busy)
{
  gchar *dir, *file, *url;
  ErtmpPeer *first;
  Receiver *r;
  Tags *want;

  if (!ertmp_peer_have ("test_refuse_busy", "ffmpeg"))
    return;
  dir = ertmp_peer_tmpdir ();
  file = make_legacy_flv (dir, LEGACY_VIDEO);
  want = tags_from_file (file, FALSE);
  /* takeover=refuse: the default (replace) lets the second one in */
  r = receiver_new ("keep-listening=false takeover=refuse", legacy_branches);
  url = receiver_url (r, "rtmp", "key");
  first = ffmpeg_start (dir, file, url, TRUE);
  receiver_expect (r, "rtmp-ingest-publish-start", PUBLISH_TIMEOUT);
  check_refused (r, dir, file, "key", "busy");
  fail_unless (!ertmp_peer_exited (first),
      "the first publisher ended before the second was refused");
  fail_unless (peer_finish (first, "first ffmpeg", TRUE));
  receiver_check_one (r, want, "first of two publishers", 1);
  receiver_free (r);
  tags_free (want);
  g_free (url);
  g_free (file);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- keep-listening ------------------------------------------------------ */

#define N_PUBLISHERS 3

GST_START_TEST (test_keep_listening)
{
  Receiver *r = receiver_new ("keep-listening=true", NULL);
  gchar *url = receiver_url (r, "rtmp", "key"), *err = NULL;
  gchar *desc = g_strdup_printf ("%s m. ! %s", LEGACY_MUX, rtmp2sink.sink);
  Tags *want[N_PUBLISHERS];
  guint i;

  for (i = 0; i < N_PUBLISHERS; i++) {
    guint n;

    want[i] = publish_gst (desc, url, "", &err);
    fail_unless (want[i] != NULL, "publisher %u: %s", i, err);
    n = want[i]->av[0]->len + want[i]->av[1]->len;
    receiver_expect (r, "rtmp-ingest-publish-end", PUBLISH_TIMEOUT);
    receiver_wait_tags (r, i, n, PUBLISH_TIMEOUT);
  }
  fail_unless (GST_STATE (r->pipeline) == GST_STATE_PLAYING);
  receiver_check_stats (r, N_PUBLISHERS, 0, want[N_PUBLISHERS - 1]);
  g_mutex_lock (&r->lock);
  fail_unless_equals_int (r->sessions->len, N_PUBLISHERS);
  g_mutex_unlock (&r->lock);
  for (i = 0; i < N_PUBLISHERS; i++) {
    gchar *what = g_strdup_printf ("keep-listening publisher %u", i);

    receiver_check_session (r, i, want[i], what);
    tags_free (want[i]);
    g_free (what);
  }
  fail_unless_equals_int (receiver_count (r, "rtmp-ingest-publish-start",
          NULL), N_PUBLISHERS);
  fail_unless_equals_int (receiver_count (r, "rtmp-ingest-publish-end",
          NULL), N_PUBLISHERS);
  expect_reason (r, "rtmp-ingest-publish-end", "unpublished");
  receiver_free (r);
  g_free (desc);
  g_free (url);
}

GST_END_TEST;

/* What a failed test left (CK_FORK=no): peers, PLAYING receivers */
static void
teardown (void)
{
  ertmp_peer_stop_all ();
  while (live_receivers != NULL)
    receiver_destroy (live_receivers->data);
}

/* Peers, scratch files and a bound per test */
static TCase *
peer_tcase (Suite * s, const gchar * name)
{
  TCase *tc = tcase_create (name);

  suite_add_tcase (s, tc);
  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, teardown);
  /* each test well under a minute (scaled by CK_TIMEOUT_MULTIPLIER) */
  tcase_set_timeout (tc, 60);
  return tc;
}

static Suite *
ingest_suite (void)
{
  Suite *s = suite_create ("ingest");
  TCase *ffmpeg = peer_tcase (s, "ffmpeg");
  TCase *gst = peer_tcase (s, "gstreamer");
  TCase *policy = peer_tcase (s, "policy");

  tcase_add_test (ffmpeg, test_ffmpeg_realtime);
  tcase_add_test (ffmpeg, test_ffmpeg_fast);
  tcase_add_test (gst, test_rtmp2sink_legacy);
  tcase_add_test (gst, test_rtmp2sink_hevc);
  tcase_add_test (gst, test_rtmp2sink_av1);
  tcase_add_test (gst, test_rtmp2sink_vp9);
  tcase_add_test (gst, test_rtmp2sink_multitrack);
  tcase_add_test (gst, test_librtmp);
  tcase_add_test (gst, test_rtmps);
  tcase_add_test (policy, test_refuse_key);
  tcase_add_test (policy, test_refuse_signal);
  tcase_add_test (policy, test_refuse_busy);
  tcase_add_test (policy, test_keep_listening);
  return s;
}

GST_CHECK_MAIN (ingest);
