/* gst-ertmp: erdemux, legacy and Enhanced FLV -> elementary streams
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-erdemux
 * @title: erdemux
 *
 * Demultiplexes legacy and Enhanced (E-RTMP v1/v2) FLV, from a file or
 * live from an RTMP ingest element, into elementary streams: H.264, H.265,
 * AV1, VP9, VP8, H.266, AAC, MP3, Opus, FLAC, AC-3, E-AC-3 and the legacy
 * FLV codecs, with multitrack (`video_%u`, `audio_%u`) and nanosecond
 * timestamps (ModEx).
 *
 * Live input (a TIME segment, one tag per buffer, each stamped with the
 * running time of its tag, as an RTMP ingest source gives it): every
 * timestamp taken from a tag moves by the distance between the input
 * buffer's DTS (else PTS) and the tag's own time, and upstream's segment
 * goes out.  A DISCONT buffer that starts with an FLV header is a new
 * publisher: the reading starts again, the pads stay.
 *
 * A track whose frames come without a SequenceStart (a late player behind
 * a relay) never holds the pipeline: AV1, VP8 and VP9 frames play at once
 * without the record, any other codec is left out after
 * #GstErDemux:sequence-start-timeout; a warning names the track.  A packet
 * that names another codec than its track's never re-types the track.
 * Every warning and error carries a details structure (problem, track-type,
 * track-id, codec, ...): the element description and docs/erdemux.md list
 * the fields.
 *
 * ## Rank
 *
 * erdemux has rank PRIMARY + 1, one above flvdemux (PRIMARY), so that
 * decodebin, playbin, uridecodebin and `gst-play-1.0 file.flv` take it for
 * every FLV stream, Enhanced or legacy: flvdemux reads no Enhanced FLV.
 * It reads every legacy file flvdemux reads with the same pads, caps,
 * buffers and timestamps (H.264, AAC, MP3, Speex, Nellymoser, ADPCM, PCM,
 * G.711, Sorenson H.263, screen video, VP6), and more: audio before the
 * first video timestamp (which flvdemux's segment leaves out), screen
 * video 2.  To prefer flvdemux, lower the rank (GST_PLUGIN_FEATURE_RANK=
 * erdemux:NONE).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=in.flv ! erdemux name=d \
 *   d.video ! av1parse ! av1dec ! autovideosink \
 *   d.audio ! opusparse ! opusdec ! autoaudiosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsterdemux.h"
#include "gstertmpcaps.h"
#include "gstertmpelements.h"

GST_DEBUG_CATEGORY (gst_er_demux_debug);
#define GST_CAT_DEFAULT gst_er_demux_debug

/* gst-inspect shows it; docs/erdemux.md says more */
#define MESSAGES_DOC \
  "Bus messages: GST_STREAM_ERROR_DEMUX warnings (damaged or unplayable " \
  "data, rate-limited per track) and errors (unreadable stream, no " \
  "playable track), each with a details structure: problem (string: " \
  "malformed, unsupported, limit, truncated, missing-sequence-start, " \
  "no-tracks), track-type (string: video, " \
  "audio; absent for the stream), track-id (uint), codec (string, when " \
  "known), held (uint: similar warnings not posted since the last), " \
  "exposed (boolean: missing-sequence-start, the frames play without " \
  "a configuration record), waited (uint64 ns: how long the track " \
  "waited for its SequenceStart)"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-flv"));

G_DEFINE_TYPE (GstErDemux, gst_er_demux, GST_TYPE_ELEMENT);
/* above flvdemux (PRIMARY): decodebin, playbin and gst-play-1.0 take
 * erdemux for every FLV (see the element documentation) */
GST_ELEMENT_REGISTER_DEFINE (erdemux, "erdemux", GST_RANK_PRIMARY + 1,
    GST_TYPE_ER_DEMUX);

static GstFlowReturn gst_er_demux_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buf);
static gboolean gst_er_demux_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static GstStateChangeReturn gst_er_demux_change_state (GstElement * element,
    GstStateChange transition);
static void gst_er_demux_finalize (GObject * object);
static void gst_er_demux_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_er_demux_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);

enum
{
  PROP_0,
  PROP_SEQUENCE_START_TIMEOUT,
};

static void
add_src_templates (GstElementClass * element_class, ertmp_codec_kind kind,
    const gchar * name)
{
  GstCaps *caps = gst_ertmp_caps_template (kind, GST_ERTMP_CAPS_DEMUX);
  gchar *multi = g_strdup_printf ("%s_%%u", name);

  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new (name, GST_PAD_SRC, GST_PAD_SOMETIMES, caps));
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new (multi, GST_PAD_SRC, GST_PAD_SOMETIMES, caps));
  gst_caps_unref (caps);
  g_free (multi);
}

static void
gst_er_demux_class_init (GstErDemuxClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_er_demux_debug, "erdemux", 0,
      "Enhanced FLV demuxer");

  gobject_class->finalize = gst_er_demux_finalize;
  gobject_class->set_property = gst_er_demux_set_property;
  gobject_class->get_property = gst_er_demux_get_property;

  g_object_class_install_property (gobject_class,
      PROP_SEQUENCE_START_TIMEOUT,
      g_param_spec_uint ("sequence-start-timeout", "SequenceStart timeout",
          "Stream time (ms) the frames of a track wait for its missing "
          "SequenceStart (decoder configuration) before the track is left "
          "out: no pad, no-more-pads does not wait for it, and a warning "
          "names it; the pad comes when a SequenceStart does.  AV1, VP8 "
          "and VP9 frames carry their configuration and play at once "
          "(with the same warning).  Keep it below the time the "
          "downstream queues hold, or they fill before the track is "
          "given up", 0, G_MAXUINT,
          GST_ER_DEMUX_DEFAULT_SEQUENCE_START_TIMEOUT_MS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  element_class->change_state = GST_DEBUG_FUNCPTR (gst_er_demux_change_state);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  add_src_templates (element_class, ERTMP_CODEC_KIND_VIDEO, "video");
  add_src_templates (element_class, ERTMP_CODEC_KIND_AUDIO, "audio");
  gst_element_class_set_static_metadata (element_class,
      "Enhanced FLV demuxer", "Codec/Demuxer",
      "Demuxes legacy and Enhanced (E-RTMP v1/v2) FLV into elementary "
      "streams: multitrack, FourCC codecs (HEVC, AV1, VP9, VP8, VVC, Opus, "
      "FLAC, AC-3, E-AC-3), HDR metadata and nanosecond timestamps.  "
      "Rank PRIMARY + 1, above flvdemux.  " MESSAGES_DOC
      ".  Example: filesrc location=hevc-opus.flv ! erdemux name=d "
      "d.video ! queue ! decodebin ! autovideosink "
      "d.audio ! queue ! decodebin ! autoaudiosink",
      "gst-ertmp developers");
}

static void
gst_er_demux_init (GstErDemux * demux)
{
  demux->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_er_demux_chain));
  gst_pad_set_event_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_er_demux_sink_event));
  gst_pad_set_activate_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_er_demux_sink_activate));
  gst_pad_set_activatemode_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_er_demux_sink_activate_mode));
  gst_element_add_pad (GST_ELEMENT (demux), demux->sinkpad);

  demux->flowcombiner = gst_flow_combiner_new ();
  ertmp_limits_init (&demux->limits);
  demux->amf = ertmp_amf_decoder_new (&demux->limits);
  demux->duration = GST_CLOCK_TIME_NONE;
  demux->sequence_start_timeout =
      GST_ER_DEMUX_DEFAULT_SEQUENCE_START_TIMEOUT_MS;
}

static void
gst_er_demux_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstErDemux *demux = GST_ER_DEMUX (object);

  switch (prop_id) {
    case PROP_SEQUENCE_START_TIMEOUT:
      GST_OBJECT_LOCK (demux);
      demux->sequence_start_timeout = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (demux);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_er_demux_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstErDemux *demux = GST_ER_DEMUX (object);

  switch (prop_id) {
    case PROP_SEQUENCE_START_TIMEOUT:
      GST_OBJECT_LOCK (demux);
      g_value_set_uint (value, demux->sequence_start_timeout);
      GST_OBJECT_UNLOCK (demux);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
clear_streamheader (GstErDemux * demux)
{
  if (G_IS_VALUE (&demux->streamheader))
    g_value_unset (&demux->streamheader);
  demux->skip_headers = 0;
}

/* Back to a stream that has not begun; pads stay unless @remove_pads. */
static void
reset (GstErDemux * demux, gboolean remove_pads)
{
  g_clear_pointer (&demux->reader, ertmp_flv_reader_free);
  demux->have_time = FALSE;
  demux->have_data = FALSE;
  demux->header_seen = FALSE;
  demux->have_offset = FALSE;
  demux->tag_in_time = GST_CLOCK_TIME_NONE;
  if (!remove_pads) {
    gst_er_demux_set_discont (demux, FALSE);
    return;
  }
  gst_er_demux_free_tracks (demux);
  gst_flow_combiner_clear (demux->flowcombiner);
  demux->no_more_pads = FALSE;
  demux->n_pads = 0;
  gst_clear_tag_list (&demux->global_tags);
  demux->duration = GST_CLOCK_TIME_NONE;
  demux->warnings_held = 0;
  demux->warned_once = FALSE;
  demux->in_time = FALSE;
  clear_streamheader (demux);
}

static void
gst_er_demux_finalize (GObject * object)
{
  GstErDemux *demux = GST_ER_DEMUX (object);

  reset (demux, TRUE);
  gst_flow_combiner_free (demux->flowcombiner);
  ertmp_amf_decoder_free (demux->amf);

  G_OBJECT_CLASS (gst_er_demux_parent_class)->finalize (object);
}

static GstStateChangeReturn
gst_er_demux_change_state (GstElement * element, GstStateChange transition)
{
  GstErDemux *demux = GST_ER_DEMUX (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    reset (demux, TRUE);
    demux->group_id = gst_util_group_id_next ();
  }
  ret = GST_ELEMENT_CLASS (gst_er_demux_parent_class)->change_state (element,
      transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    reset (demux, TRUE);
  return ret;
}

/* ---- tags ----------------------------------------------------------- */

static gint64
tag_time (GstErDemux * demux, guint32 timestamp)
{
  if (!demux->have_time) {
    demux->have_time = TRUE;
    demux->last_ms = timestamp;
    demux->first_ms = timestamp;
  }
  demux->last_ms = ertmp_timestamp_unwrap (demux->last_ms, timestamp);
  return demux->last_ms;
}

static void
report_tag (GstErDemux * demux, ertmp_result res, const ertmp_flv_tag * tag,
    const gchar * what)
{
  gchar *fault = g_strdup_printf ("%s tag at byte %" G_GUINT64_FORMAT
      " %s; tag skipped", tag->header.type == ERTMP_FLV_TAG_VIDEO ?
      "video" : "audio", tag->offset, what);

  gst_er_demux_report (demux, res, NULL, FALSE, fault);
  g_free (fault);
}

static GstFlowReturn
handle_media (GstErDemux * demux, const ertmp_flv_tag * tag,
    GstErDemuxPayload * payload)
{
  ertmp_codec_kind kind = tag->header.type;
  GstFlowReturn ret = GST_FLOW_OK, r;
  ertmp_media_track track;
  ertmp_media_tag mtag;
  ertmp_result res;
  gboolean truncated = FALSE;
  gint64 ms;

  ms = tag_time (demux, tag->header.timestamp);
  gst_er_demux_map_tag (demux, ms);
  if (tag->header.filter) {
    report_tag (demux, ERTMP_UNSUPPORTED, tag, "is encrypted");
    return GST_FLOW_OK;
  }
  res = ertmp_media_parse (kind, payload->data, payload->len, &demux->limits,
      &mtag);
  if (res == ERTMP_UNSUPPORTED) {
    GST_DEBUG_OBJECT (demux, "skipping tag with a reserved packet type at %"
        G_GUINT64_FORMAT, tag->offset);
    return GST_FLOW_OK;
  }
  if (res != ERTMP_OK) {
    report_tag (demux, res, tag, "has a malformed header");
    return GST_FLOW_OK;
  }
  while (ertmp_media_next_track (&mtag, &track)) {
    r = gst_er_demux_handle_track (demux, &mtag.hdr, &track, payload, ms);
    if (ret == GST_FLOW_OK)
      ret = r;
    truncated |= track.truncated;
  }
  /* a truncated track was reported as such */
  if (mtag.status == ERTMP_LIMIT)
    report_tag (demux, mtag.status, tag, "holds too many tracks");
  else if (mtag.status != ERTMP_OK && !truncated)
    report_tag (demux, mtag.status, tag, "has a damaged track");
  gst_er_demux_check_no_more_pads (demux, FALSE);
  return ret;
}

/* @data, @size: the memory of @buf at @base being read */
static GstFlowReturn
handle_tag (GstErDemux * demux, const ertmp_flv_tag * tag, GstBuffer * buf,
    gsize base, const guint8 * data, gsize size)
{
  GstErDemuxPayload payload = { tag->payload, tag->header.size, NULL, 0,
    demux->reader
  };
  GstFlowReturn ret = GST_FLOW_OK;

  if (tag->skipped > 0 || tag->prev_size_mismatch) {
    gst_er_demux_report (demux, ERTMP_MALFORMED, NULL, FALSE,
        ertmp_flv_reader_describe (demux->reader));
    if (tag->skipped > 0)
      gst_er_demux_set_discont (demux, FALSE);
  }
  if (tag->payload >= data && tag->payload < data + size) {
    payload.buf = gst_buffer_ref (buf);
    payload.offset = base + (tag->payload - data);
  }
  switch (tag->header.type) {
    case ERTMP_FLV_TAG_AUDIO:
    case ERTMP_FLV_TAG_VIDEO:
      ret = handle_media (demux, tag, &payload);
      break;
    case ERTMP_FLV_TAG_SCRIPT:
      gst_er_demux_handle_script (demux, payload.data, payload.len);
      break;
    default:
      GST_DEBUG_OBJECT (demux, "skipping script tag type %u",
          tag->header.type);
      break;
  }
  gst_clear_buffer (&payload.buf);
  return ret;
}

GstBuffer *
gst_er_demux_payload_region (GstErDemuxPayload * p, const guint8 * data,
    gsize len)
{
  if (p->buf == NULL) {
    GBytes *bytes = ertmp_flv_reader_take_payload (p->reader);

    p->buf = gst_buffer_new_wrapped_bytes (bytes);
    p->offset = 0;
    g_bytes_unref (bytes);
  }
  return gst_buffer_copy_region (p->buf, GST_BUFFER_COPY_MEMORY,
      p->offset + (data - p->data), len);
}

/* One memory of @buf, at @base in it.  Live input has one tag per buffer;
 * a tag split over several buffers takes the time of the one it starts
 * in. */
static GstFlowReturn
feed (GstErDemux * demux, GstBuffer * buf, gsize base, const guint8 * data,
    gsize size)
{
  GstFlowReturn ret = GST_FLOW_OK;
  ertmp_flv_header header;
  ertmp_flv_tag tag;
  ertmp_result res;
  gsize pos = 0, consumed;

  if (demux->reader == NULL)
    demux->reader = ertmp_flv_reader_new (&demux->limits);
  if (!ertmp_flv_reader_pending (demux->reader, NULL))
    demux->tag_in_time = gst_er_demux_input_time (buf);
  demux->have_data = TRUE;
  while (ret == GST_FLOW_OK && pos < size) {
    res = ertmp_flv_reader_read (demux->reader, data + pos, size - pos,
        &consumed, &tag);
    pos += consumed;
    if (!demux->header_seen &&
        ertmp_flv_reader_get_header (demux->reader, &header)) {
      demux->header_seen = TRUE;
      gst_er_demux_handle_flv_header (demux, &header);
    }
    if (res == ERTMP_NEED_MORE)
      break;
    if (res != ERTMP_OK) {
      gst_er_demux_report (demux, res, NULL, TRUE,
          ertmp_flv_reader_describe (demux->reader));
      return GST_FLOW_ERROR;
    }
    ret = handle_tag (demux, &tag, buf, base, data, size);
    demux->tag_in_time = gst_er_demux_input_time (buf);
  }
  return ret;
}

/* In-band copies of the streamheader the caps brought: skipped. */
static gboolean
is_known_header (GstErDemux * demux, GstBuffer * buf)
{
  const GValue *v;
  GstBuffer *header;

  /* past the copies (G_MAXUINT): the common case, asked first */
  if (demux->skip_headers == G_MAXUINT)
    return FALSE;
  if (!G_IS_VALUE (&demux->streamheader) ||
      demux->skip_headers >= gst_value_array_get_size (&demux->streamheader)) {
    demux->skip_headers = G_MAXUINT;
    return FALSE;
  }
  v = gst_value_array_get_value (&demux->streamheader, demux->skip_headers);
  header = gst_value_get_buffer (v);
  if (gst_buffer_get_size (buf) == gst_buffer_get_size (header)) {
    GstMapInfo map;
    gboolean same;

    if (!gst_buffer_map (header, &map, GST_MAP_READ))
      return FALSE;
    same = gst_buffer_memcmp (buf, 0, map.data, map.size) == 0;
    gst_buffer_unmap (header, &map);
    if (same) {
      demux->skip_headers++;
      return TRUE;
    }
  }
  demux->skip_headers = G_MAXUINT;
  return FALSE;
}

/* Memory by memory: mapping a buffer of several memories (rtmpingestsrc
 * gives tag header, body and PreviousTagSize apart) would merge them, one
 * copy of every byte; the reader takes any split, and a body whole in one
 * memory leaves as a view of it. */
GstFlowReturn
gst_er_demux_feed_buffer (GstErDemux * demux, GstBuffer * buf)
{
  GstFlowReturn ret = GST_FLOW_OK;
  guint i, n = gst_buffer_n_memory (buf);
  gsize base = 0;
  GstMapInfo map;

  for (i = 0; i < n && ret == GST_FLOW_OK; i++) {
    GstMemory *mem = gst_buffer_peek_memory (buf, i);

    if (!gst_memory_map (mem, &map, GST_MAP_READ)) {
      GST_ELEMENT_ERROR (demux, RESOURCE, READ, (NULL),
          ("cannot map memory %u of an input buffer", i));
      return GST_FLOW_ERROR;
    }
    ret = feed (demux, buf, base, map.data, map.size);
    base += map.size;
    gst_memory_unmap (mem, &map);
  }
  return ret;
}

static gboolean
starts_flv_header (GstBuffer * buf)
{
  guint8 data[ERTMP_FLV_HEADER_SIZE];
  ertmp_flv_header header;

  return gst_buffer_extract (buf, 0, data, sizeof (data)) == sizeof (data) &&
      ertmp_flv_parse_header (data, sizeof (data), &header) == ERTMP_OK &&
      header.version == 1;
}

/* Live ingest: a new publisher begins with its FLV header in a DISCONT
 * buffer.  The reader and the time unwrapping start again; the tracks and
 * their pads stay (a different SequenceStart or codec makes new caps, a
 * new track a new pad) and every pad marks its next buffer DISCONT. */
static GstFlowReturn
push_input (GstErDemux * demux, GstBuffer * buf)
{
  if (GST_BUFFER_IS_DISCONT (buf) && demux->have_data) {
    if (starts_flv_header (buf)) {
      GST_INFO_OBJECT (demux, "FLV header in a DISCONT buffer: the stream "
          "starts again (new publisher)");
      reset (demux, FALSE);
    } else {
      gst_er_demux_set_discont (demux, FALSE);
    }
  }
  return gst_er_demux_feed_buffer (demux, buf);
}

static GstFlowReturn
gst_er_demux_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstErDemux *demux = GST_ER_DEMUX (parent);
  GstFlowReturn ret = GST_FLOW_OK;

  if (!is_known_header (demux, buf))
    ret = push_input (demux, buf);
  gst_buffer_unref (buf);
  return ret;
}

/* The first streamheader (before any data) is read like data; a later
 * different one (a live source's new publisher) is only remembered: the
 * in-band tags carry the changes, its header in a DISCONT buffer (see
 * push_input), so nothing is read twice nor taken for an old copy. */
static gboolean
handle_caps (GstErDemux * demux, GstCaps * caps)
{
  const GValue *sh = NULL;
  GstFlowReturn ret = GST_FLOW_OK;
  guint i;

  if (gst_caps_get_size (caps) > 0)
    sh = gst_structure_get_value (gst_caps_get_structure (caps, 0),
        "streamheader");
  if (sh == NULL || !GST_VALUE_HOLDS_ARRAY (sh))
    return TRUE;
  if (G_IS_VALUE (&demux->streamheader) &&
      gst_value_compare (sh, &demux->streamheader) == GST_VALUE_EQUAL)
    return TRUE;
  clear_streamheader (demux);
  g_value_init (&demux->streamheader, GST_TYPE_ARRAY);
  g_value_copy (sh, &demux->streamheader);
  if (demux->have_data) {
    demux->skip_headers = G_MAXUINT;
    return TRUE;
  }
  for (i = 0; i < gst_value_array_get_size (sh) && ret == GST_FLOW_OK; i++) {
    const GValue *v = gst_value_array_get_value (sh, i);

    if (G_VALUE_HOLDS (v, GST_TYPE_BUFFER))
      ret = push_input (demux, gst_value_get_buffer (v));
  }
  return ret == GST_FLOW_OK;
}

void
gst_er_demux_handle_eos (GstErDemux * demux)
{
  guint64 offset;
  gchar *fault;

  if (demux->reader != NULL &&
      ertmp_flv_reader_pending (demux->reader, &offset)) {
    fault = g_strdup_printf ("the stream ends inside the item at byte %"
        G_GUINT64_FORMAT " (truncated)", offset);
    gst_er_demux_report (demux, ERTMP_NEED_MORE, NULL, FALSE, fault);
    g_free (fault);
  }
  gst_er_demux_check_no_more_pads (demux, TRUE);
  if (demux->n_pads == 0) {
    gst_er_demux_report_no_tracks (demux);
    return;
  }
  gst_er_demux_push_event (demux, gst_event_new_eos ());
}

static void
handle_flush_stop (GstErDemux * demux)
{
  gst_flow_combiner_reset (demux->flowcombiner);
  demux->restart = TRUE;
  gst_er_demux_set_discont (demux, TRUE);
}

/* BYTES: our own TIME segment goes out, and a flush that restarts the bytes
 * at 0 is a new file.  TIME (live): upstream's goes out; a new one mid-
 * stream is sent again before each pad's next buffer. */
static void
handle_segment (GstErDemux * demux, GstEvent * event)
{
  const GstSegment *segment;

  gst_event_parse_segment (event, &segment);
  if (demux->restart && segment->format == GST_FORMAT_BYTES &&
      segment->start == 0)
    reset (demux, FALSE);
  demux->restart = FALSE;
  if (segment->format != GST_FORMAT_TIME) {
    demux->in_time = FALSE;
    return;
  }
  if (demux->in_time && gst_segment_is_equal (segment, &demux->in_segment))
    return;
  GST_DEBUG_OBJECT (demux, "upstream TIME segment %" GST_SEGMENT_FORMAT,
      segment);
  gst_segment_copy_into (segment, &demux->in_segment);
  demux->in_seqnum = gst_event_get_seqnum (event);
  if (demux->in_time && demux->have_data)
    gst_er_demux_set_discont (demux, TRUE);
  demux->in_time = TRUE;
}

static gboolean
gst_er_demux_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstErDemux *demux = GST_ER_DEMUX (parent);
  gboolean ret = TRUE;
  GstCaps *caps;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:
      gst_event_parse_caps (event, &caps);
      ret = handle_caps (demux, caps);
      gst_event_unref (event);
      break;
    case GST_EVENT_SEGMENT:
      handle_segment (demux, event);
      gst_event_unref (event);
      break;
    case GST_EVENT_STREAM_START:
      gst_event_unref (event);
      break;
    case GST_EVENT_EOS:
      gst_er_demux_handle_eos (demux);
      gst_event_unref (event);
      break;
    case GST_EVENT_FLUSH_STOP:
      handle_flush_stop (demux);
      ret = gst_pad_event_default (pad, parent, event);
      break;
    default:
      ret = gst_pad_event_default (pad, parent, event);
      break;
  }
  return ret;
}
