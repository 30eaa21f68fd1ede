/* gst-ertmp: erdemux tracks: their pads, caps and buffers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gsterdemux.h"
#include "gstertmpcaps.h"

GST_DEBUG_CATEGORY_EXTERN (gst_er_demux_debug);
#define GST_CAT_DEFAULT gst_er_demux_debug

static guint
kind_index (ertmp_codec_kind kind)
{
  return kind == ERTMP_CODEC_KIND_VIDEO ? 0 : 1;
}

static const gchar *
kind_name (ertmp_codec_kind kind)
{
  return kind == ERTMP_CODEC_KIND_VIDEO ? "video" : "audio";
}

GstErDemuxTrack *
gst_er_demux_get_track (GstErDemux * demux, ertmp_codec_kind kind, guint8 id)
{
  GstErDemuxTrack **slot = &demux->tracks[kind_index (kind)][id];

  if (*slot == NULL) {
    *slot = g_new0 (GstErDemuxTrack, 1);
    (*slot)->kind = kind;
    (*slot)->id = id;
    (*slot)->discont = TRUE;
    (*slot)->pushed_dts = GST_CLOCK_TIME_NONE;
    demux->track_list = g_renew (GstErDemuxTrack *, demux->track_list,
        demux->n_tracks + 1);
    demux->track_list[demux->n_tracks++] = *slot;
  }
  return *slot;
}

static void
free_track (GstErDemux * demux, GstErDemuxTrack * t)
{
  if (t->pad != NULL)
    gst_element_remove_pad (GST_ELEMENT (demux), t->pad);
  g_clear_pointer (&t->config, g_bytes_unref);
  gst_clear_caps (&t->base_caps);
  gst_clear_caps (&t->caps);
  g_free (t);
}

void
gst_er_demux_free_tracks (GstErDemux * demux)
{
  guint k, i;

  for (k = 0; k < GST_ER_DEMUX_N_KINDS; k++) {
    for (i = 0; i < 256; i++) {
      if (demux->tracks[k][i] != NULL)
        free_track (demux, demux->tracks[k][i]);
      demux->tracks[k][i] = NULL;
    }
  }
  g_clear_pointer (&demux->track_list, g_free);
  demux->n_tracks = 0;
}

gchar *
gst_er_demux_track_name (const GstErDemuxTrack * t)
{
  if (t->codec == ERTMP_CODEC_UNKNOWN)
    return g_strdup_printf ("%s track %u", kind_name (t->kind), t->id);
  return g_strdup_printf ("%s track %u (%s)", kind_name (t->kind), t->id,
      ertmp_codec_name (t->codec));
}

/* ---- pads ------------------------------------------------------------ */

gboolean
gst_er_demux_push_event (GstErDemux * demux, GstEvent * event)
{
  gboolean ret = FALSE;
  guint k, i;

  for (k = 0; k < GST_ER_DEMUX_N_KINDS; k++) {
    for (i = 0; i < 256; i++) {
      GstErDemuxTrack *t = demux->tracks[k][i];

      if (t != NULL && t->pad != NULL)
        ret |= gst_pad_push_event (t->pad, gst_event_ref (event));
    }
  }
  gst_event_unref (event);
  return ret;
}

void
gst_er_demux_set_discont (GstErDemux * demux, gboolean segment)
{
  guint k, i;

  for (k = 0; k < GST_ER_DEMUX_N_KINDS; k++) {
    for (i = 0; i < 256; i++) {
      GstErDemuxTrack *t = demux->tracks[k][i];

      if (t == NULL)
        continue;
      t->discont = TRUE;
      t->segment_pending |= segment && t->pad != NULL;
    }
  }
}

void
gst_er_demux_set_tags_pending (GstErDemux * demux)
{
  guint k, i;

  for (k = 0; k < GST_ER_DEMUX_N_KINDS; k++)
    for (i = 0; i < 256; i++)
      if (demux->tracks[k][i] != NULL)
        demux->tracks[k][i]->tags_pending = TRUE;
}

static gboolean
all_announced_have_pads (GstErDemux * demux)
{
  guint k, i, announced = 0;

  for (k = 0; k < GST_ER_DEMUX_N_KINDS; k++) {
    for (i = 0; i < 256; i++) {
      GstErDemuxTrack *t = demux->tracks[k][i];

      if (t == NULL || !t->announced)
        continue;
      if (t->pad == NULL && !t->left_out)
        return FALSE;
      announced++;
    }
  }
  return announced > 0;
}

/* Live streams announce their tracks in onMetaData (or the FLV header),
 * and a track that does not show up within a few seconds of stream time
 * does not hold the others back; a file ends at the latest at EOS. */
void
gst_er_demux_check_no_more_pads (GstErDemux * demux, gboolean at_end)
{
  if (demux->no_more_pads)
    return;
  if (!at_end) {
    if (demux->n_pads == 0)
      return;
    if (!all_announced_have_pads (demux) && demux->last_ms - demux->first_ms
        < GST_ER_DEMUX_NO_MORE_PADS_AFTER_MS)
      return;
  }
  GST_DEBUG_OBJECT (demux, "no more pads (%u)", demux->n_pads);
  demux->no_more_pads = TRUE;
  gst_element_no_more_pads (GST_ELEMENT (demux));
}

static gboolean
src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstErDemux *demux = GST_ER_DEMUX (parent);
  GstFormat format;

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_DURATION:
      gst_query_parse_duration (query, &format, NULL);
      if (format != GST_FORMAT_TIME ||
          !GST_CLOCK_TIME_IS_VALID (demux->duration))
        break;
      gst_query_set_duration (query, format, demux->duration);
      return TRUE;
    case GST_QUERY_SEEKING:
      /* push mode only */
      gst_query_parse_seeking (query, &format, NULL, NULL, NULL);
      gst_query_set_seeking (query, format, FALSE, 0, -1);
      return TRUE;
    default:
      break;
  }
  return gst_pad_query_default (pad, parent, query);
}

static void
push_pending (GstErDemux * demux, GstErDemuxTrack * t)
{
  GstTagList *tags;

  if (t->caps_pending) {
    gst_pad_push_event (t->pad, gst_event_new_caps (t->caps));
    t->caps_pending = FALSE;
    t->tags_pending = TRUE;
  }
  if (t->segment_pending) {
    gst_pad_push_event (t->pad, gst_er_demux_new_segment (demux));
    t->segment_pending = FALSE;
  }
  if (t->tags_pending) {
    gst_pad_push_event (t->pad, gst_event_new_tag (gst_tag_list_copy
            (gst_er_demux_global_tags (demux))));
    tags = gst_er_demux_stream_tags (demux, t);
    gst_pad_push_event (t->pad, gst_event_new_tag (tags));
    t->tags_pending = FALSE;
  }
}

static void
add_pad (GstErDemux * demux, GstErDemuxTrack * t)
{
  GstElementClass *klass = GST_ELEMENT_GET_CLASS (demux);
  const gchar *kind = kind_name (t->kind);
  gchar *name, *templ_name, *stream_id;
  GstEvent *event;

  templ_name = t->id == 0 ? g_strdup (kind) : g_strdup_printf ("%s_%%u",
      kind);
  name = t->id == 0 ? g_strdup (kind) : g_strdup_printf ("%s_%u", kind,
      t->id);
  t->pad = gst_pad_new_from_template (gst_element_class_get_pad_template
      (klass, templ_name), name);
  gst_pad_set_query_function (t->pad, GST_DEBUG_FUNCPTR (src_query));
  gst_pad_use_fixed_caps (t->pad);
  gst_pad_set_active (t->pad, TRUE);

  stream_id = gst_pad_create_stream_id (t->pad, GST_ELEMENT (demux), name);
  event = gst_event_new_stream_start (stream_id);
  gst_event_set_group_id (event, demux->group_id);
  gst_pad_push_event (t->pad, event);
  g_free (stream_id);
  g_free (name);
  g_free (templ_name);

  t->segment_pending = TRUE;
  t->discont = TRUE;
  push_pending (demux, t);
  gst_flow_combiner_add_pad (demux->flowcombiner, t->pad);
  gst_element_add_pad (GST_ELEMENT (demux), t->pad);
  demux->n_pads++;
}

/* ---- caps ------------------------------------------------------------ */

void
gst_er_demux_update_caps (GstErDemux * demux, GstErDemuxTrack * t)
{
  GstCaps *caps;
  gint channels;

  if (t->base_caps == NULL)
    return;
  caps = gst_caps_copy (t->base_caps);
  if (t->kind == ERTMP_CODEC_KIND_VIDEO) {
    gst_ertmp_caps_set_video_size (caps, t->width, t->height, t->framerate);
    if (t->have_color)
      gst_ertmp_caps_set_color_info (caps, &t->color);
  } else if (t->have_channels) {
    /* the configuration record, where it tells, wins */
    if (!gst_structure_get_int (gst_caps_get_structure (caps, 0), "channels",
            &channels) || channels == t->channels.channels)
      gst_ertmp_caps_set_channels (caps, &t->channels);
  }
  if (t->caps == NULL || !gst_caps_is_equal (caps, t->caps)) {
    GST_DEBUG_OBJECT (demux, "%s %u caps %" GST_PTR_FORMAT,
        kind_name (t->kind), t->id, caps);
    gst_caps_replace (&t->caps, caps);
    t->caps_pending = TRUE;
  }
  gst_caps_unref (caps);
}

static void
retype (GstErDemux * demux, GstErDemuxTrack * t, ertmp_codec codec)
{
  if (t->codec != ERTMP_CODEC_UNKNOWN)
    GST_INFO_OBJECT (demux, "%s %u changes codec from %s to %s",
        kind_name (t->kind), t->id, ertmp_codec_name (t->codec),
        ertmp_codec_name (codec));
  t->codec = codec;
  g_clear_pointer (&t->config, g_bytes_unref);
  gst_clear_caps (&t->base_caps);
  /* they described the old codec's sequence */
  t->have_color = FALSE;
  t->have_channels = FALSE;
  t->discont = TRUE;
  t->waiting = FALSE;
  t->left_out = FALSE;
}

/* New base caps of @codec from @config (NULL: none); FALSE when they
 * cannot be made (reported; the track stays as it was).  Another codec
 * than the track's re-types it. */
static gboolean
configure (GstErDemux * demux, GstErDemuxTrack * t, ertmp_codec codec,
    const ertmp_media_header * hdr, const guint8 * config, gsize len)
{
  GstCaps *caps;
  ertmp_result res;
  gchar *fault;

  res = gst_ertmp_caps_from_config (codec, hdr, config, len, &caps);
  if (res != ERTMP_OK) {
    fault = g_strdup_printf (res == ERTMP_UNSUPPORTED ?
        "GStreamer has no caps for %s; skipped" :
        "the SequenceStart is not a valid %s configuration; ignored",
        ertmp_codec_name (codec));
    gst_er_demux_report (demux, res, t, FALSE, fault);
    g_free (fault);
    return FALSE;
  }
  if (codec != t->codec)
    retype (demux, t, codec);
  gst_caps_replace (&t->base_caps, caps);
  gst_caps_unref (caps);
  gst_er_demux_update_caps (demux, t);
  return TRUE;
}

/* ---- packets --------------------------------------------------------- */

static void
handle_sequence_start (GstErDemux * demux, GstErDemuxTrack * t,
    const ertmp_media_header * hdr, const ertmp_media_track * mt)
{
  if (ertmp_media_is_empty_sequence_start (hdr, mt)) {
    GST_DEBUG_OBJECT (demux, "ignoring an empty SequenceStart");
    return;
  }
  if (mt->codec == t->codec && t->config != NULL &&
      g_bytes_get_size (t->config) == mt->len &&
      memcmp (g_bytes_get_data (t->config, NULL), mt->data, mt->len) == 0)
    return;
  if (!configure (demux, t, mt->codec, hdr, mt->data, mt->len))
    return;
  g_clear_pointer (&t->config, g_bytes_unref);
  t->config = g_bytes_new (mt->data, mt->len);
  t->discont = TRUE;
  t->waiting = FALSE;
  t->left_out = FALSE;
  if (t->pad == NULL)
    add_pad (demux, t);
}

static void
handle_color_info (GstErDemux * demux, GstErDemuxTrack * t,
    const ertmp_media_track * mt)
{
  ertmp_media_color_info info;
  ertmp_result res;

  res = ertmp_media_parse_color_info (mt->data, mt->len, &info);
  if (res == ERTMP_UNSUPPORTED) {
    GST_DEBUG_OBJECT (demux, "skipping unknown video metadata");
    return;
  }
  if (res != ERTMP_OK) {
    gst_er_demux_report (demux, res, t, FALSE,
        "the colorInfo metadata is malformed; ignored");
    return;
  }
  t->have_color = TRUE;
  t->color = info;
  gst_er_demux_update_caps (demux, t);
}

static void
handle_channels (GstErDemux * demux, GstErDemuxTrack * t,
    const ertmp_media_track * mt)
{
  ertmp_media_channels ch;

  if (ertmp_media_parse_channels (mt->data, mt->len, &ch) != ERTMP_OK) {
    gst_er_demux_report (demux, ERTMP_MALFORMED, t, FALSE,
        "the MultichannelConfig is malformed; ignored");
    return;
  }
  t->have_channels = TRUE;
  t->channels = ch;
  gst_er_demux_update_caps (demux, t);
}

/* A frame of a codec that needs a SequenceStart came before any: its codec
 * may carry the configuration in the frames (caps without a record, at
 * once); else the frames are dropped and, after sequence-start-timeout ms
 * of stream time, the track is left out (no-more-pads does not wait for
 * it) until a SequenceStart comes.  Each posts one warning.  TRUE: the
 * frame can go out. */
static gboolean
frame_without_start (GstErDemux * demux, GstErDemuxTrack * t)
{
  GstCaps *caps;
  gint64 waited;

  if (t->left_out)
    return FALSE;
  caps = gst_ertmp_caps_in_band (t->codec);
  if (caps != NULL) {
    gst_caps_replace (&t->base_caps, caps);
    gst_caps_unref (caps);
    gst_er_demux_update_caps (demux, t);
    gst_er_demux_report_missing_start (demux, t, TRUE, 0);
    return TRUE;
  }
  /* a new publisher starts its time again */
  if (!t->waiting || demux->last_ms < t->wait_since_ms) {
    t->waiting = TRUE;
    t->wait_since_ms = demux->last_ms;
  }
  waited = demux->last_ms - t->wait_since_ms;
  GST_DEBUG_OBJECT (demux, "%s %u: frame before any SequenceStart dropped "
      "(waiting for %" G_GINT64_FORMAT " ms)", kind_name (t->kind), t->id,
      waited);
  if (waited < demux->sequence_start_timeout)
    return FALSE;
  t->waiting = FALSE;
  t->left_out = TRUE;
  gst_er_demux_report_missing_start (demux, t, FALSE, waited);
  return FALSE;
}

/* Codecs without a SequenceStart get caps from their first frame (another
 * such codec re-types the track); legacy audio again when its header byte
 * changes.  Frames of a codec that needs a SequenceStart wait for one. */
static gboolean
ensure_frame_caps (GstErDemux * demux, GstErDemuxTrack * t,
    const ertmp_media_header * hdr, ertmp_codec codec)
{
  const ertmp_codec_info *info = ertmp_codec_get (codec);
  guint8 sound;

  if (info->flags & ERTMP_CODEC_FLAG_SEQUENCE_START) {
    if (codec != t->codec)
      retype (demux, t, codec);
    return t->base_caps != NULL || frame_without_start (demux, t);
  }
  sound = hdr->sound_rate << 2 | hdr->sound_size << 1 | hdr->sound_type;
  if (codec == t->codec && t->base_caps != NULL &&
      (hdr->enhanced || sound == t->sound_byte))
    return TRUE;
  t->sound_byte = sound;
  return configure (demux, t, codec, hdr, NULL, 0);
}

static void
set_buffer_meta (GstErDemux * demux, GstErDemuxTrack * t, GstBuffer * buf,
    const ertmp_media_header * hdr, const ertmp_media_track * mt, gint64 ms)
{
  GstClockTime dts, pts;

  gst_er_demux_tag_times (demux, t->kind, ms, mt->cts,
      hdr->has_nano_offset ? hdr->nano_offset : 0, &dts, &pts);
  GST_BUFFER_DTS (buf) = dts;
  GST_BUFFER_PTS (buf) = pts;
  if (t->kind == ERTMP_CODEC_KIND_VIDEO &&
      hdr->frame_type != ERTMP_MEDIA_FRAME_KEY &&
      hdr->frame_type != ERTMP_MEDIA_FRAME_GENERATED_KEY)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  if (t->discont) {
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    t->discont = FALSE;
  }
}

/* A track that lags the one just pushed (at @dts) by more than this gets a
 * GAP event: a track that ended (or pauses) must not leave a muxer behind
 * queue ! waiting for it while the other tracks fill their queues (1 s by
 * default) and block us.  Interleaving in a file is much tighter. */
#define GAP_LAG (500 * GST_MSECOND)

static void
sync_tracks (GstErDemux * demux, GstErDemuxTrack * t, GstClockTime dts)
{
  GstErDemuxTrack *u;
  guint i;

  if (!GST_CLOCK_TIME_IS_VALID (dts))
    return;
  t->pushed_dts = dts;
  for (i = 0; i < demux->n_tracks; i++) {
    u = demux->track_list[i];
    if (u == t || u->pad == NULL
        || !GST_CLOCK_TIME_IS_VALID (u->pushed_dts)
        || dts <= u->pushed_dts + GAP_LAG)
      continue;
    GST_DEBUG_OBJECT (u->pad, "lags by %" GST_TIME_FORMAT ": gap",
        GST_TIME_ARGS (dts - u->pushed_dts));
    gst_pad_push_event (u->pad, gst_event_new_gap (u->pushed_dts,
            dts - GAP_LAG - u->pushed_dts));
    u->pushed_dts = dts - GAP_LAG;
  }
}

static GstFlowReturn
push_frames (GstErDemux * demux, GstErDemuxTrack * t,
    const ertmp_media_header * hdr, const ertmp_media_track * mt,
    GstErDemuxPayload * payload, gint64 ms)
{
  /* VP6: the crop byte goes, as flvdemux and FFmpeg take it off (flv.md 5;
   * VP6 alpha keeps its alpha offset, which the decoder reads) */
  gsize skip = mt->codec == ERTMP_CODEC_VP6 ||
      mt->codec == ERTMP_CODEC_VP6_ALPHA ? 1 : 0;
  GstBuffer *buf;
  GstFlowReturn ret;
  GstClockTime dts;

  if (mt->len <= skip || !ensure_frame_caps (demux, t, hdr, mt->codec))
    return GST_FLOW_OK;
  if (t->pad == NULL)
    add_pad (demux, t);
  push_pending (demux, t);

  buf = gst_er_demux_payload_region (payload, mt->data + skip,
      mt->len - skip);
  set_buffer_meta (demux, t, buf, hdr, mt, ms);
  GST_LOG_OBJECT (t->pad, "pushing %" GST_PTR_FORMAT, buf);
  dts = GST_BUFFER_DTS (buf);
  ret = gst_pad_push (t->pad, buf);
  if (ret == GST_FLOW_OK)
    sync_tracks (demux, t, dts);
  return gst_flow_combiner_update_pad_flow (demux->flowcombiner, t->pad, ret);
}

static const gchar *
packet_name (ertmp_media_packet packet)
{
  switch (packet) {
    case ERTMP_MEDIA_PACKET_SEQUENCE_START:
      return "SequenceStart";
    case ERTMP_MEDIA_PACKET_CODED_FRAMES:
      return "coded frame";
    case ERTMP_MEDIA_PACKET_SEQUENCE_END:
      return "SequenceEnd";
    case ERTMP_MEDIA_PACKET_METADATA:
      return "Metadata packet";
    case ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG:
      return "MultichannelConfig";
    default:
      return "packet";
  }
}

/* The one other track of @t's kind whose codec is @codec, or NULL. */
static GstErDemuxTrack *
track_of_codec (GstErDemux * demux, GstErDemuxTrack * t, ertmp_codec codec)
{
  GstErDemuxTrack *found = NULL, *o;
  guint i;

  for (i = 0; i < 256; i++) {
    o = demux->tracks[kind_index (t->kind)][i];
    if (o == NULL || o == t || o->codec != codec)
      continue;
    if (found != NULL)
      return NULL;
    found = o;
  }
  return found;
}

/* Only a SequenceStart (that makes caps) or the frames of a codec without
 * one give a track another codec.  Anything else that names another codec
 * never re-types a track: writers put the Metadata of tracks > 0 (FFmpeg
 * 8) or a legacy end of sequence of another stream in the plain form,
 * which reads as track 0.  It goes to the one other track of that codec
 * when there is one, else it is dropped with a warning.  Returns the track
 * the packet is for, NULL when dropped. */
static GstErDemuxTrack *
track_for_packet (GstErDemux * demux, GstErDemuxTrack * t,
    const ertmp_media_header * hdr, const ertmp_media_track * mt)
{
  GstErDemuxTrack *other;
  gchar *fault;

  if (mt->codec == t->codec)
    return t;
  if (hdr->packet == ERTMP_MEDIA_PACKET_SEQUENCE_START &&
      !ertmp_media_is_empty_sequence_start (hdr, mt))
    return t;
  if (hdr->packet == ERTMP_MEDIA_PACKET_CODED_FRAMES &&
      (t->base_caps == NULL || !(ertmp_codec_get (mt->codec)->flags &
              ERTMP_CODEC_FLAG_SEQUENCE_START)))
    return t;
  other = track_of_codec (demux, t, mt->codec);
  if (other != NULL && hdr->packet != ERTMP_MEDIA_PACKET_CODED_FRAMES) {
    GST_DEBUG_OBJECT (demux, "%s of %s read as %s %u is for track %u",
        packet_name (hdr->packet), ertmp_codec_name (mt->codec),
        kind_name (t->kind), t->id, other->id);
    return other;
  }
  fault = g_strdup_printf ("a %s of %s names another codec than the "
      "track's; ignored, the track stays %s", packet_name (hdr->packet),
      ertmp_codec_name (mt->codec), ertmp_codec_name (t->codec));
  gst_er_demux_report (demux, ERTMP_UNSUPPORTED, t, FALSE, fault);
  g_free (fault);
  return NULL;
}

GstFlowReturn
gst_er_demux_handle_track (GstErDemux * demux,
    const ertmp_media_header * hdr, const ertmp_media_track * mt,
    GstErDemuxPayload * payload, gint64 ms)
{
  GstErDemuxTrack *t = gst_er_demux_get_track (demux, hdr->kind,
      mt->track_id);
  gchar fourcc[5], *fault;

  if (mt->codec == ERTMP_CODEC_UNKNOWN) {
    fault = g_strdup_printf ("unknown codec '%s'; skipped",
        ertmp_fourcc_to_string (mt->fourcc, fourcc));
    gst_er_demux_report (demux, ERTMP_UNSUPPORTED, t, FALSE, fault);
    g_free (fault);
    return GST_FLOW_OK;
  }
  if (mt->truncated) {
    gst_er_demux_report (demux, ERTMP_MALFORMED, t, FALSE,
        "the track's data runs past the end of its tag; skipped");
    return GST_FLOW_OK;
  }
  if (t->codec == ERTMP_CODEC_UNKNOWN)
    t->codec = mt->codec;
  t = track_for_packet (demux, t, hdr, mt);
  if (t == NULL)
    return GST_FLOW_OK;

  switch (hdr->packet) {
    case ERTMP_MEDIA_PACKET_SEQUENCE_START:
      handle_sequence_start (demux, t, hdr, mt);
      break;
    case ERTMP_MEDIA_PACKET_CODED_FRAMES:
      return push_frames (demux, t, hdr, mt, payload, ms);
    case ERTMP_MEDIA_PACKET_SEQUENCE_END:
      /* ends this track's sequence only: a SequenceStart may follow */
      GST_DEBUG_OBJECT (demux, "%s %u: SequenceEnd", kind_name (t->kind),
          t->id);
      t->discont = TRUE;
      break;
    case ERTMP_MEDIA_PACKET_METADATA:
      handle_color_info (demux, t, mt);
      break;
    case ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG:
      handle_channels (demux, t, mt);
      break;
    default:
      GST_DEBUG_OBJECT (demux, "%s %u: packet %d skipped",
          kind_name (t->kind), t->id, hdr->packet);
      break;
  }
  return GST_FLOW_OK;
}
