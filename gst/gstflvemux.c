/* gst-ertmp: flvemux, elementary streams -> legacy or Enhanced FLV tags
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-flvemux
 * @title: flvemux
 *
 * Muxes elementary streams into an FLV file or stream with the Enhanced
 * RTMP (E-RTMP v2) extensions: H.265, AV1, VP9, VP8, H.266, Opus, FLAC,
 * AC-3 and E-AC-3 in FourCC form, multitrack audio and video, HDR colour
 * metadata and nanosecond timestamp offsets.  Every output buffer holds
 * exactly one FLV tag followed by its PreviousTagSize; the first holds the
 * FLV file header.
 *
 * The `video` and `audio` pads carry track 0; `video_%u` and `audio_%u`
 * (1..255) add tracks, written as Multitrack OneTrack tags and described in
 * onMetaData's videoTrackIdInfoMap / audioTrackIdInfoMap.  H.264, AAC and
 * MP3 on track 0 use the legacy FLV headers that every server and player
 * reads, unless #flvemux:enhanced-legacy-codecs is set.
 *
 * ## Rank
 *
 * Secondary, below GStreamer's flvmux (primary).  encodebin takes the
 * highest-ranked muxer that accepts every stream of a profile: a
 * video/x-flv profile of H.264, AAC or MP3 keeps getting flvmux, one with
 * H.265, AV1, VP9, Opus, ... gets flvemux.
 *
 * ## Decode times
 *
 * H.264 and H.265 after matroskademux ! h264parse / h265parse have PTS
 * only.  flvemux then rebuilds the DTS from the reorder depth R in the
 * SPS (H.264 max_num_reorder_frames, H.265 sps_max_num_reorder_pics): the
 * DTS of frame i is the (i - R)-th smallest PTS, the one the encoder gave.
 * The first R frames wait for frame R; that is R frame durations of
 * latency, set when the rebuilding starts.  The first DTS of such a stream
 * is before running time 0: the offset added to every tag (the stats'
 * timestamp-offset, whole milliseconds) is chosen at the first tag to
 * leave room for it, even when a live audio tag goes out first.  A DTS
 * still before 0 is written at 0 with its PTS kept.
 *
 * ## Bus messages
 *
 * - ERROR core/negotiation: a pad's caps cannot be written (no FourCC on a
 *   track > 0, missing codec_data, a legacy audio rate FLV cannot say).
 * - ERROR stream/mux: a frame or onMetaData does not fit in an FLV tag
 *   (composition time outside 24 bits, 16 MB of metadata).
 * - WARNING stream/mux: a video without DTS reorders deeper than its SPS
 *   says; some decode times are approximate.
 * - LATENCY: the DTS rebuilding started and added R frame durations.
 *
 * ## Examples
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=300 ! x265enc ! h265parse !
 *     flvemux name=m ! filesink location=hevc.flv
 *     audiotestsrc num-buffers=300 ! opusenc ! m.audio
 * ]|
 * |[
 * gst-launch-1.0 videotestsrc ! x264enc ! h264parse ! flvemux name=m !
 *     rtmp2sink location=rtmp://server/live/key
 *     audiotestsrc ! avenc_aac ! m.audio  audiotestsrc ! opusenc ! m.audio_1
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "gstflvemux.h"
#include "gstertmpcaps.h"
#include "gstertmpelements.h"

GST_DEBUG_CATEGORY (gst_flv_emux_debug);
#define GST_CAT_DEFAULT gst_flv_emux_debug

#define DEFAULT_STREAMABLE TRUE
#define DEFAULT_ENHANCED_LEGACY_CODECS FALSE
#define DEFAULT_TIMESTAMP_OFFSET_NANO FALSE
#define DEFAULT_ENCODER "gst-ertmp " VERSION " flvemux"
#define MAX_TRACK_ID 255

enum
{
  PROP_0,
  PROP_STREAMABLE,
  PROP_ENHANCED_LEGACY_CODECS,
  PROP_TIMESTAMP_OFFSET_NANO,
  PROP_ENCODER,
  PROP_STATS,
};

enum
{
  PROP_PAD_0,
  PROP_PAD_TRACK_ID,
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-flv"));

G_DEFINE_TYPE (GstFlvEMuxPad, gst_flv_emux_pad,
    GST_TYPE_AGGREGATOR_PAD);

static void
gst_flv_emux_pad_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstFlvEMuxPad *pad = GST_FLV_EMUX_PAD (object);

  switch (prop_id) {
    case PROP_PAD_TRACK_ID:
      g_value_set_uint (value, pad->track_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_flv_emux_pad_finalize (GObject * object)
{
  GstFlvEMuxPad *pad = GST_FLV_EMUX_PAD (object);

  gst_flv_emux_track_clear (&pad->track);
  gst_flv_emux_dts_clear (&pad->dts);
  g_ptr_array_unref (pad->config_tags);
  gst_clear_buffer (&pad->color_tag);
  G_OBJECT_CLASS (gst_flv_emux_pad_parent_class)->finalize (object);
}

/* A flush drops the frames held for their DTS; the next buffers start a
 * new reorder window */
static GstFlowReturn
gst_flv_emux_pad_flush (GstAggregatorPad * apad, GstAggregator * agg)
{
  gst_flv_emux_dts_clear (&GST_FLV_EMUX_PAD (apad)->dts);
  return GST_FLOW_OK;
}

static void
gst_flv_emux_pad_class_init (GstFlvEMuxPadClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  GST_AGGREGATOR_PAD_CLASS (klass)->flush = gst_flv_emux_pad_flush;
  gobject_class->get_property = gst_flv_emux_pad_get_property;
  gobject_class->finalize = gst_flv_emux_pad_finalize;
  g_object_class_install_property (gobject_class, PROP_PAD_TRACK_ID,
      g_param_spec_uint ("track-id", "Track id",
          "E-RTMP track id of this pad: 0 for 'video' and 'audio', N for "
          "'video_N' and 'audio_N'", 0, MAX_TRACK_ID, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
gst_flv_emux_pad_init (GstFlvEMuxPad * pad)
{
  gst_flv_emux_dts_init (&pad->dts);
  pad->config_tags = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_buffer_unref);
}

G_DEFINE_TYPE (GstFlvEMux, gst_flv_emux, GST_TYPE_AGGREGATOR);
/* SECONDARY, below flvmux's PRIMARY: encodebin and other muxer
 * autoplugging take the highest-ranked muxer whose pads accept every
 * stream, so a video/x-flv profile of flvmux's formats (H.264, AAC, MP3,
 * ...) keeps getting flvmux, as before this plugin was installed, and one
 * that only flvemux can write (H.265, AV1, VP9, Opus, multitrack, ...)
 * gets flvemux.  At equal rank the name would decide, and "flvemux" sorts
 * before "flvmux". */
#define FLV_EMUX_RANK GST_RANK_SECONDARY
GST_ELEMENT_REGISTER_DEFINE (flvemux, "flvemux", FLV_EMUX_RANK,
    GST_TYPE_FLV_EMUX);

/* ---- pads ------------------------------------------------------------ */

static gboolean
track_taken (GstFlvEMux * mux, gboolean video, guint id)
{
  GList *l;

  for (l = GST_ELEMENT (mux)->sinkpads; l != NULL; l = l->next) {
    GstFlvEMuxPad *pad = l->data;

    if (pad->video == video && pad->track_id == id)
      return TRUE;
  }
  return FALSE;
}

/* The track id a request for @templ named @req_name gets; -1: refused */
static gint
request_track_id (GstFlvEMux * mux, const gchar * templ,
    const gchar * req_name, gboolean video)
{
  guint64 id = 0;
  gchar *end = NULL;

  if (strchr (templ, '%') != NULL && req_name != NULL) {
    /* "video_N" / "audio_N": both prefixes are 6 characters */
    if (strlen (req_name) > 6)
      id = g_ascii_strtoull (req_name + 6, &end, 10);
    if (end == NULL || *end != '\0' || id == 0 || id > MAX_TRACK_ID)
      return -1;
  } else if (strchr (templ, '%') != NULL) {
    id = 1;
    while (id <= MAX_TRACK_ID && track_taken (mux, video, id))
      id++;
    if (id > MAX_TRACK_ID)
      return -1;
  }
  return track_taken (mux, video, id) ? -1 : (gint) id;
}

static GstAggregatorPad *
gst_flv_emux_create_new_pad (GstAggregator * agg,
    GstPadTemplate * templ, const gchar * req_name, const GstCaps * caps)
{
  GstFlvEMux *mux = GST_FLV_EMUX (agg);
  const gchar *tname = GST_PAD_TEMPLATE_NAME_TEMPLATE (templ);
  gboolean video = g_str_has_prefix (tname, "video");
  GstAggregatorPad *apad;
  gchar *name;
  gint id;

  GST_OBJECT_LOCK (mux);
  id = request_track_id (mux, tname, req_name, video);
  GST_OBJECT_UNLOCK (mux);
  if (id < 0) {
    GST_WARNING_OBJECT (mux, "refusing pad %s (%s): track taken or id not "
        "in 1..%d", GST_STR_NULL (req_name), tname, MAX_TRACK_ID);
    return NULL;
  }
  /* not the parent's create_new_pad: it names every pad sink_%u */
  name = id == 0 ? g_strdup (video ? "video" : "audio") :
      g_strdup_printf ("%s_%d", video ? "video" : "audio", id);
  apad = g_object_new (GST_TYPE_FLV_EMUX_PAD, "name", name,
      "direction", GST_PAD_SINK, "template", templ, NULL);
  g_free (name);
  GST_FLV_EMUX_PAD (apad)->video = video;
  GST_FLV_EMUX_PAD (apad)->track_id = id;
  return apad;
}

/* ---- events ---------------------------------------------------------- */

static gboolean
pad_set_caps (GstFlvEMux * mux, GstFlvEMuxPad * pad,
    GstCaps * caps)
{
  GstFlvEMuxTrack track;
  gboolean fourcc_legacy;
  gchar *why = NULL;

  GST_OBJECT_LOCK (mux);
  fourcc_legacy = mux->fourcc_legacy;
  GST_OBJECT_UNLOCK (mux);
  if (!gst_flv_emux_track_from_caps (&track, caps, pad->track_id,
          fourcc_legacy, &why)) {
    GST_ELEMENT_ERROR (mux, CORE, NEGOTIATION,
        ("Pad %s: %s.", GST_PAD_NAME (pad), why),
        ("refused caps %" GST_PTR_FORMAT, caps));
    g_free (why);
    return FALSE;
  }
  if (!pad->configured ||
      gst_flv_emux_track_config_changed (&pad->track, &track))
    pad->send_config = TRUE;
  if (!pad->configured ||
      gst_flv_emux_track_color_changed (&pad->track, &track))
    pad->send_color = TRUE;
  GST_DEBUG_OBJECT (pad, "%s %s, config %s: %" GST_PTR_FORMAT,
      ertmp_codec_name (track.codec), track.enhanced ? "enhanced" : "legacy",
      pad->send_config ? "changed" : "unchanged", caps);
  gst_flv_emux_track_clear (&pad->track);
  pad->track = track;
  pad->configured = TRUE;
  return TRUE;
}

static gboolean
gst_flv_emux_sink_event (GstAggregator * agg, GstAggregatorPad * apad,
    GstEvent * event)
{
  GstFlvEMux *mux = GST_FLV_EMUX (agg);
  GstFlvEMuxPad *pad = GST_FLV_EMUX_PAD (apad);
  GstCaps *caps;
  GstTagList *tags;
  guint bitrate;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:
      gst_event_parse_caps (event, &caps);
      if (!pad_set_caps (mux, pad, caps)) {
        gst_event_unref (event);
        return FALSE;
      }
      break;
    case GST_EVENT_TAG:
      gst_event_parse_tag (event, &tags);
      if (gst_tag_list_get_uint (tags, GST_TAG_NOMINAL_BITRATE, &bitrate) ||
          gst_tag_list_get_uint (tags, GST_TAG_BITRATE, &bitrate))
        pad->bitrate = bitrate;
      break;
    default:
      break;
  }
  return GST_AGGREGATOR_CLASS (gst_flv_emux_parent_class)->sink_event
      (agg, apad, event);
}

/* ---- aggregation ----------------------------------------------------- */

static gpointer
ref_object (gconstpointer object, gpointer unused)
{
  return gst_object_ref ((gpointer) object);
}

GList *
gst_flv_emux_ref_sinkpads (GstFlvEMux * mux)
{
  GList *pads;

  GST_OBJECT_LOCK (mux);
  pads = g_list_copy_deep (GST_ELEMENT (mux)->sinkpads, ref_object, NULL);
  GST_OBJECT_UNLOCK (mux);
  return pads;
}

/* The DTS running time of what @pad writes next: FALSE when it has
 * nothing; *waiting when it rebuilds DTS and needs more input first */
static gboolean
pad_next_time (GstFlvEMuxPad * pad, GstClockTimeDiff * time,
    gboolean * waiting)
{
  GstFlvEMuxFrame *f = g_queue_peek_head (&pad->dts.ready);
  GstClockTimeDiff pts;
  GstBuffer *buf;

  if (f != NULL) {
    *time = f->dts;
    return TRUE;
  }
  buf = gst_aggregator_pad_peek_buffer (GST_AGGREGATOR_PAD (pad));
  if (pad->dts.active && !gst_flv_emux_is_gap (buf)) {
    gst_clear_buffer (&buf);
    *waiting = !gst_aggregator_pad_is_eos (GST_AGGREGATOR_PAD (pad));
    return FALSE;
  }
  if (buf == NULL)
    return FALSE;
  if (!gst_flv_emux_buffer_time (pad, buf, time, &pts))
    *time = G_MININT64;         /* no time: out at once, then dropped */
  gst_buffer_unref (buf);
  return TRUE;
}

/* The pad with the earliest DTS running time (ties: the first pad, video
 * before audio as requested); *waiting as above, for any pad */
static GstFlvEMuxPad *
earliest_pad (GstFlvEMux * mux, GstClockTimeDiff * time, gboolean * waiting)
{
  GstFlvEMuxPad *best = NULL;
  GstClockTimeDiff t;
  GList *pads = gst_flv_emux_ref_sinkpads (mux), *l;

  *waiting = FALSE;
  for (l = pads; l != NULL; l = l->next) {
    if (!pad_next_time (l->data, &t, waiting))
      continue;
    if (best == NULL || t < *time) {
      best = l->data;
      *time = t;
    }
  }
  if (best != NULL)
    gst_object_ref (best);
  g_list_free_full (pads, gst_object_unref);
  return best;
}

/* @pad's next buffer is a GAP (and no rebuilt frame comes before it) */
static gboolean
pad_has_gap (GstFlvEMuxPad * pad)
{
  GstBuffer *buf;
  gboolean gap;

  if (!g_queue_is_empty (&pad->dts.ready))
    return FALSE;
  buf = gst_aggregator_pad_peek_buffer (GST_AGGREGATOR_PAD (pad));
  gap = gst_flv_emux_is_gap (buf);
  gst_clear_buffer (&buf);
  return gap;
}

/* Writes @pad's next frame: a rebuilt one, or its queued buffer */
static GstFlowReturn
write_next (GstFlvEMux * mux, GstFlvEMuxPad * pad)
{
  GstFlvEMuxFrame *f = g_queue_pop_head (&pad->dts.ready);
  GstClockTimeDiff dts, pts;
  GstBuffer *buf;

  if (f != NULL) {
    buf = f->buf;
    dts = f->dts;
    pts = f->pts;
    g_free (f);
    return gst_flv_emux_write_frame (mux, pad, buf, dts, pts);
  }
  buf = gst_aggregator_pad_pop_buffer (GST_AGGREGATOR_PAD (pad));
  if (buf == NULL)
    return GST_FLOW_OK;         /* flushed since it was peeked (stopping) */
  if (!gst_flv_emux_buffer_time (pad, buf, &dts, &pts)) {
    GST_WARNING_OBJECT (pad, "dropping a buffer without a valid timestamp");
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  return gst_flv_emux_write_frame (mux, pad, buf, dts, pts);
}

static GstFlowReturn
gst_flv_emux_aggregate (GstAggregator * agg, gboolean timeout)
{
  GstFlvEMux *mux = GST_FLV_EMUX (agg);
  GstFlvEMuxPad *pad;
  GstClockTimeDiff time = 0;
  GstFlowReturn ret = GST_FLOW_OK;
  gboolean waiting;
  GList *pads = gst_flv_emux_ref_sinkpads (mux), *l;

  for (l = pads; l != NULL; l = l->next)
    gst_flv_emux_dts_feed (mux, l->data);
  g_list_free_full (pads, gst_object_unref);
  pad = earliest_pad (mux, &time, &waiting);
  if (waiting && !timeout) {
    /* a pad holds frames until its next buffer tells their DTS */
    gst_clear_object (&pad);
    return GST_FLOW_OK;
  }
  if (pad == NULL) {
    /* aggregate() without a buffer anywhere: every pad is at EOS, or a
     * live timeout with nothing queued */
    if (timeout || waiting)
      return GST_FLOW_OK;
    if (!mux->header_sent)
      ret = gst_flv_emux_write_header (mux);
    if (ret == GST_FLOW_OK && !mux->eos_written)
      ret = gst_flv_emux_write_eos (mux);
    return ret == GST_FLOW_OK ? GST_FLOW_EOS : ret;
  }
  if (pad_has_gap (pad)) {
    /* a GAP event (a track that ended or pauses): it only let the other
     * pads go on */
    gst_aggregator_pad_drop_buffer (GST_AGGREGATOR_PAD (pad));
    gst_object_unref (pad);
    return GST_FLOW_OK;
  }
  if (!pad->configured) {
    /* its caps were refused (and the error posted) */
    gst_aggregator_pad_drop_buffer (GST_AGGREGATOR_PAD (pad));
    gst_object_unref (pad);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (!mux->header_sent)
    ret = gst_flv_emux_write_header (mux);
  if (ret == GST_FLOW_OK)
    ret = write_next (mux, pad);
  gst_object_unref (pad);
  return ret;
}

static GstClockTime
gst_flv_emux_get_next_time (GstAggregator * agg)
{
  GstFlvEMuxPad *pad;
  GstClockTimeDiff time = 0;
  gboolean waiting;

  pad = earliest_pad (GST_FLV_EMUX (agg), &time, &waiting);
  if (pad == NULL)
    return GST_CLOCK_TIME_NONE;
  gst_object_unref (pad);
  return time > 0 ? (GstClockTime) time : 0;
}

/* Caps are set by the header writer, with the streamheader */
static gboolean
gst_flv_emux_negotiate (GstAggregator * agg)
{
  return TRUE;
}

static void
reset (GstFlvEMux * mux)
{
  GList *l;

  mux->header_sent = FALSE;
  mux->eos_written = FALSE;
  mux->have_offset = FALSE;
  mux->has_video = FALSE;
  mux->ts_offset = 0;
  mux->n_tags = mux->n_bytes = 0;
  gst_buffer_replace (&mux->flv_header, NULL);
  gst_buffer_replace (&mux->metadata, NULL);
  GST_OBJECT_LOCK (mux);
  for (l = GST_ELEMENT (mux)->sinkpads; l != NULL; l = l->next) {
    GstFlvEMuxPad *pad = l->data;

    pad->send_config = pad->send_color = pad->configured;
    pad->sent_frame = FALSE;
    pad->frames = pad->bytes = 0;
    gst_flv_emux_dts_clear (&pad->dts);
    g_ptr_array_set_size (pad->config_tags, 0);
    gst_clear_buffer (&pad->color_tag);
  }
  GST_OBJECT_UNLOCK (mux);
}

static gboolean
gst_flv_emux_start (GstAggregator * agg)
{
  reset (GST_FLV_EMUX (agg));
  return TRUE;
}

static gboolean
gst_flv_emux_stop (GstAggregator * agg)
{
  reset (GST_FLV_EMUX (agg));
  return TRUE;
}

/* ---- properties ------------------------------------------------------ */

static GstStructure *
get_stats (GstFlvEMux * mux)
{
  return gst_structure_new ("application/x-flvemux-stats",
      "tags", G_TYPE_UINT64, mux->n_tags,
      "bytes", G_TYPE_UINT64, mux->n_bytes,
      "timestamp-offset", G_TYPE_UINT64, mux->ts_offset, NULL);
}

static void
gst_flv_emux_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstFlvEMux *mux = GST_FLV_EMUX (object);

  GST_OBJECT_LOCK (mux);
  switch (prop_id) {
    case PROP_STREAMABLE:
      mux->streamable = g_value_get_boolean (value);
      break;
    case PROP_ENHANCED_LEGACY_CODECS:
      mux->fourcc_legacy = g_value_get_boolean (value);
      break;
    case PROP_TIMESTAMP_OFFSET_NANO:
      mux->nano_offset = g_value_get_boolean (value);
      break;
    case PROP_ENCODER:
      g_free (mux->encoder);
      mux->encoder = g_value_dup_string (value);
      if (mux->encoder == NULL)
        mux->encoder = g_strdup ("");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (mux);
}

static void
gst_flv_emux_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstFlvEMux *mux = GST_FLV_EMUX (object);

  GST_OBJECT_LOCK (mux);
  switch (prop_id) {
    case PROP_STREAMABLE:
      g_value_set_boolean (value, mux->streamable);
      break;
    case PROP_ENHANCED_LEGACY_CODECS:
      g_value_set_boolean (value, mux->fourcc_legacy);
      break;
    case PROP_TIMESTAMP_OFFSET_NANO:
      g_value_set_boolean (value, mux->nano_offset);
      break;
    case PROP_ENCODER:
      g_value_set_string (value, mux->encoder);
      break;
    case PROP_STATS:
      g_value_take_boxed (value, get_stats (mux));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (mux);
}

static void
gst_flv_emux_finalize (GObject * object)
{
  GstFlvEMux *mux = GST_FLV_EMUX (object);

  gst_buffer_replace (&mux->flv_header, NULL);
  gst_buffer_replace (&mux->metadata, NULL);
  g_byte_array_unref (mux->scratch);
  g_byte_array_unref (mux->scratch_head);
  g_free (mux->encoder);
  G_OBJECT_CLASS (gst_flv_emux_parent_class)->finalize (object);
}

static void
install_properties (GObjectClass * gobject_class)
{
  g_object_class_install_property (gobject_class, PROP_STREAMABLE,
      g_param_spec_boolean ("streamable", "Streamable",
          "Live/stream output: the FLV header, onMetaData and sequence "
          "headers go into the caps' streamheader (for tcpserversink, "
          "rtmp sinks, HLS); no duration is written",
          DEFAULT_STREAMABLE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class,
      PROP_ENHANCED_LEGACY_CODECS, g_param_spec_boolean
      ("enhanced-legacy-codecs", "Enhanced legacy codecs",
          "Write H.264 (avc1), AAC (mp4a) and MP3 (.mp3) on track 0 in "
          "Enhanced FourCC form instead of the legacy FLV headers every "
          "server and player reads (tracks > 0 always use FourCCs)",
          DEFAULT_ENHANCED_LEGACY_CODECS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_TIMESTAMP_OFFSET_NANO,
      g_param_spec_boolean ("timestamp-offset-nano",
          "Timestamp offset nano",
          "Write the sub-millisecond part of each Enhanced tag's timestamp "
          "as a ModEx TimestampOffsetNano (E-RTMP v2), so that erdemux "
          "restores nanosecond timestamps.  Off by default: some servers "
          "drop the connection on ModEx packets",
          DEFAULT_TIMESTAMP_OFFSET_NANO,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_ENCODER,
      g_param_spec_string ("encoder", "Encoder",
          "The 'encoder' value in onMetaData", DEFAULT_ENCODER,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "application/x-flvemux-stats: tags (guint64, buffers pushed: the "
          "FLV file header and one per tag), bytes (guint64, bytes pushed), "
          "timestamp-offset (guint64, ns added to every "
          "running time so that the first tag is not before 0, whole "
          "milliseconds)", GST_TYPE_STRUCTURE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
add_sink_templates (GstElementClass * element_class, gboolean video)
{
  ertmp_codec_kind kind = video ? ERTMP_CODEC_KIND_VIDEO :
      ERTMP_CODEC_KIND_AUDIO;
  GstCaps *caps = gst_ertmp_caps_template (kind, GST_ERTMP_CAPS_MUX);

  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new_with_gtype (video ? "video" : "audio",
          GST_PAD_SINK, GST_PAD_REQUEST, caps, GST_TYPE_FLV_EMUX_PAD));
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new_with_gtype (video ? "video_%u" : "audio_%u",
          GST_PAD_SINK, GST_PAD_REQUEST, caps, GST_TYPE_FLV_EMUX_PAD));
  gst_caps_unref (caps);
}

static void
gst_flv_emux_class_init (GstFlvEMuxClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstAggregatorClass *agg_class = GST_AGGREGATOR_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_flv_emux_debug, "flvemux", 0,
      "Enhanced FLV muxer");

  gobject_class->set_property = gst_flv_emux_set_property;
  gobject_class->get_property = gst_flv_emux_get_property;
  gobject_class->finalize = gst_flv_emux_finalize;
  install_properties (gobject_class);

  agg_class->create_new_pad = gst_flv_emux_create_new_pad;
  agg_class->sink_event = gst_flv_emux_sink_event;
  agg_class->aggregate = gst_flv_emux_aggregate;
  agg_class->get_next_time = gst_flv_emux_get_next_time;
  agg_class->negotiate = gst_flv_emux_negotiate;
  agg_class->start = gst_flv_emux_start;
  agg_class->stop = gst_flv_emux_stop;

  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &src_template, GST_TYPE_AGGREGATOR_PAD);
  add_sink_templates (element_class, TRUE);
  add_sink_templates (element_class, FALSE);
  gst_element_class_set_static_metadata (element_class,
      "Enhanced FLV muxer", "Codec/Muxer",
      "Muxes video and audio into legacy or Enhanced (E-RTMP v2) FLV: "
      "H.264, H.265, AV1, VP9, VP8, H.266, AAC, MP3, Opus, FLAC, AC-3, "
      "E-AC-3, multitrack, HDR metadata, nanosecond timestamps.  "
      "Rank secondary, below flvmux: encodebin keeps flvmux for what both "
      "write.  H.264/H.265 without DTS (matroskademux ! h264parse): DTS "
      "rebuilt from the SPS reorder depth R, R frames of latency.  Bus "
      "messages: ERROR core/negotiation (caps it cannot write, e.g. no "
      "codec_data), ERROR stream/mux (a frame or onMetaData no FLV tag can "
      "hold), WARNING stream/mux (video reordering deeper than its SPS "
      "says: some DTS approximate), LATENCY (when DTS rebuilding starts).  "
      "Example: videotestsrc num-buffers=300 ! x265enc ! h265parse ! "
      "flvemux name=m ! filesink location=hevc-opus.flv "
      "audiotestsrc num-buffers=700 ! opusenc ! m.",
      "gst-ertmp developers");
  gst_type_mark_as_plugin_api (GST_TYPE_FLV_EMUX_PAD, 0);
}

static void
gst_flv_emux_init (GstFlvEMux * mux)
{
  mux->streamable = DEFAULT_STREAMABLE;
  mux->fourcc_legacy = DEFAULT_ENHANCED_LEGACY_CODECS;
  mux->nano_offset = DEFAULT_TIMESTAMP_OFFSET_NANO;
  mux->encoder = g_strdup (DEFAULT_ENCODER);
  mux->scratch = g_byte_array_new ();
  mux->scratch_head = g_byte_array_new ();
}
