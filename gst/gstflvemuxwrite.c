/* gst-ertmp: flvemux, one FLV tag per output buffer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A tag buffer is one small memory (11-byte tag header + the media header
 * from ertmp_media_write_header, flv.md 3, ertmp.md 2-5), the input
 * payload's memories appended without copying, and the 4-byte
 * PreviousTagSize.  The first buffer is the FLV file header.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstflvemux.h"
#include "gstertmptime.h"
#include "ertmp_flv.h"

GST_DEBUG_CATEGORY_EXTERN (gst_flv_emux_debug);
#define GST_CAT_DEFAULT gst_flv_emux_debug

static GstClockTimeDiff
running_time (const GstSegment * seg, GstClockTime t)
{
  guint64 rt;
  gint sign = gst_segment_to_running_time_full (seg, GST_FORMAT_TIME, t, &rt);

  if (sign == 0)
    return GST_CLOCK_STIME_NONE;
  return sign > 0 ? (GstClockTimeDiff) rt : -(GstClockTimeDiff) rt;
}

gboolean
gst_flv_emux_buffer_time (GstFlvEMuxPad * pad, GstBuffer * buf,
    GstClockTimeDiff * dts, GstClockTimeDiff * pts)
{
  GstAggregatorPad *apad = GST_AGGREGATOR_PAD (pad);
  GstClockTime d = GST_BUFFER_DTS (buf), p = GST_BUFFER_PTS (buf);

  if (!GST_CLOCK_TIME_IS_VALID (d))
    d = p;
  if (!GST_CLOCK_TIME_IS_VALID (p))
    p = d;
  if (!GST_CLOCK_TIME_IS_VALID (d))
    return FALSE;
  GST_OBJECT_LOCK (pad);
  *dts = running_time (&apad->segment, d);
  *pts = running_time (&apad->segment, p);
  GST_OBJECT_UNLOCK (pad);
  return *dts != GST_CLOCK_STIME_NONE && *pts != GST_CLOCK_STIME_NONE;
}

static GstFlowReturn
push (GstFlvEMux * mux, GstBuffer * buf)
{
  GstAggregator *agg = GST_AGGREGATOR (mux);

  mux->n_tags++;
  mux->n_bytes += gst_buffer_get_size (buf);
  if (GST_BUFFER_DTS_IS_VALID (buf)) {
    GST_OBJECT_LOCK (mux);
    GST_AGGREGATOR_PAD (agg->srcpad)->segment.position = GST_BUFFER_DTS (buf);
    GST_OBJECT_UNLOCK (mux);
  }
  return gst_aggregator_finish_buffer (agg, buf);
}

/* One tag: @hdr/@track (NULL for script data) + @body (copied) +
 * @payload's memories (shared).  NULL with *res when the core refuses. */
static GstBuffer *
make_tag (GstFlvEMux * mux, guint8 type, gint64 ms,
    const ertmp_media_header * hdr, const ertmp_media_track * track,
    GBytes * body, GstBuffer * payload, ertmp_result * res)
{
  GByteArray *media = mux->scratch, *head = mux->scratch_head;
  ertmp_flv_tag_header th = { type, FALSE, 0, (guint32) ms, 0 };
  GstBuffer *buf;
  gpointer tail;

  g_byte_array_set_size (media, 0);
  g_byte_array_set_size (head, 0);
  *res = hdr ? ertmp_media_write_header (media, hdr, track) : ERTMP_OK;
  if (*res != ERTMP_OK)
    return NULL;
  if (body != NULL)
    g_byte_array_append (media, g_bytes_get_data (body, NULL),
        g_bytes_get_size (body));
  th.size = media->len + (payload ? gst_buffer_get_size (payload) : 0);
  if ((*res = ertmp_flv_write_tag_header (head, &th)) != ERTMP_OK)
    return NULL;
  g_byte_array_append (head, media->data, media->len);
  if (payload == NULL) {
    ertmp_flv_write_prev_size (head, th.size);
    return gst_buffer_new_memdup (head->data, head->len);
  }
  buf = gst_buffer_new_memdup (head->data, head->len);
  gst_buffer_copy_into (buf, payload, GST_BUFFER_COPY_MEMORY, 0, -1);
  g_byte_array_set_size (media, 0);
  ertmp_flv_write_prev_size (media, th.size);
  /* the copy is its own user data: g_free gets it, not NULL */
  tail = g_memdup2 (media->data, media->len);
  gst_buffer_append_memory (buf, gst_memory_new_wrapped (0, tail,
          media->len, 0, media->len, tail, g_free));
  return buf;
}

static void
tag_header_init (ertmp_media_header * hdr, ertmp_media_track * track,
    GstFlvEMuxPad * pad, ertmp_media_packet packet)
{
  const GstFlvEMuxTrack *t = &pad->track;

  ertmp_media_header_init (hdr, pad->video ? ERTMP_CODEC_KIND_VIDEO :
      ERTMP_CODEC_KIND_AUDIO);
  hdr->enhanced = t->enhanced;
  hdr->packet = packet;
  if (!pad->video && !t->enhanced) {
    hdr->sound_rate = t->sound_rate;
    hdr->sound_size = t->sound_size;
    hdr->sound_type = t->sound_type;
  }
  memset (track, 0, sizeof (*track));
  track->track_id = pad->track_id;
  track->codec = t->codec;
}

/* A configuration tag (SequenceStart, MultichannelConfig, colorInfo,
 * SequenceEnd) of @pad with @body */
static GstBuffer *
config_tag (GstFlvEMux * mux, GstFlvEMuxPad * pad,
    ertmp_media_packet packet, gint64 ms, GBytes * body)
{
  ertmp_media_header hdr;
  ertmp_media_track track;
  ertmp_result res;
  GstBuffer *buf;

  tag_header_init (&hdr, &track, pad, packet);
  buf = make_tag (mux, hdr.kind, ms, &hdr, &track, body, NULL, &res);
  if (buf == NULL) {
    GST_WARNING_OBJECT (pad, "%s cannot carry packet type %d: %s",
        ertmp_codec_name (track.codec), packet, ertmp_result_name (res));
    return NULL;
  }
  GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_HEADER);
  GST_BUFFER_PTS (buf) = GST_BUFFER_DTS (buf) = ms * GST_MSECOND;
  return buf;
}

static gpointer
ref_buffer (gconstpointer buf, gpointer unused)
{
  return gst_buffer_ref ((GstBuffer *) buf);
}

static GBytes *
array_bytes (GByteArray * out)
{
  return g_byte_array_free_to_bytes (out);
}

/* The pad's SequenceStart, MultichannelConfig (when due) and colorInfo
 * (when due) tags, appended to @out and kept for the streamheader. */
static void
config_tags (GstFlvEMux * mux, GstFlvEMuxPad * pad, gint64 ms,
    GPtrArray * out)
{
  GstFlvEMuxTrack *t = &pad->track;
  GBytes *body;
  GstBuffer *buf;

  if (t->seq_from_data && t->seq_start == NULL)
    return;                     /* until a temporal unit brings it */
  if (pad->send_config) {
    g_ptr_array_set_size (pad->config_tags, 0);
    if (t->seq_start != NULL &&
        (buf = config_tag (mux, pad, ERTMP_MEDIA_PACKET_SEQUENCE_START, ms,
                t->seq_start)) != NULL)
      g_ptr_array_add (pad->config_tags, buf);
    if (t->has_channels) {
      GByteArray *ch = g_byte_array_new ();

      ertmp_media_write_channels (ch, &t->channels);
      body = array_bytes (ch);
      if ((buf = config_tag (mux, pad,
                  ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG, ms, body)) != NULL)
        g_ptr_array_add (pad->config_tags, buf);
      g_bytes_unref (body);
    }
    g_ptr_array_extend (out, pad->config_tags, ref_buffer, NULL);
    pad->send_config = FALSE;
  }
  if (pad->send_color && t->has_color) {
    GByteArray *color = g_byte_array_new ();

    ertmp_media_write_color_info (color, &t->color);
    body = array_bytes (color);
    if ((buf = config_tag (mux, pad, ERTMP_MEDIA_PACKET_METADATA, ms,
                body)) != NULL)
      g_ptr_array_add (out, gst_buffer_ref (buf));
    gst_buffer_replace (&pad->color_tag, buf);
    gst_clear_buffer (&buf);
    g_bytes_unref (body);
  }
  pad->send_color = FALSE;
}

static gpointer
ref_object (gconstpointer object, gpointer unused)
{
  return gst_object_ref ((gpointer) object);
}

static GList *
sinkpads (GstFlvEMux * mux)
{
  GList *pads;

  GST_OBJECT_LOCK (mux);
  pads = g_list_copy_deep (GST_ELEMENT (mux)->sinkpads, ref_object, NULL);
  GST_OBJECT_UNLOCK (mux);
  return pads;
}

static void
append_buffer (GValue * array, GstBuffer * buf)
{
  GValue value = G_VALUE_INIT;

  g_value_init (&value, GST_TYPE_BUFFER);
  gst_value_take_buffer (&value, gst_buffer_copy (buf));
  gst_value_array_append_and_take_value (array, &value);
}

/* Caps: video/x-flv with, when streamable, streamheader = FLV header,
 * onMetaData and every pad's configuration tags */
static void
update_caps (GstFlvEMux * mux)
{
  GstCaps *caps = gst_caps_new_empty_simple ("video/x-flv");
  GValue array = G_VALUE_INIT;
  GList *pads, *l;
  guint i;

  if (mux->streamable) {
    g_value_init (&array, GST_TYPE_ARRAY);
    append_buffer (&array, mux->flv_header);
    append_buffer (&array, mux->metadata);
    pads = sinkpads (mux);
    for (l = pads; l != NULL; l = l->next) {
      GstFlvEMuxPad *pad = l->data;

      for (i = 0; i < pad->config_tags->len; i++)
        append_buffer (&array, g_ptr_array_index (pad->config_tags, i));
      if (pad->color_tag != NULL)
        append_buffer (&array, pad->color_tag);
    }
    g_list_free_full (pads, gst_object_unref);
    gst_caps_set_value (caps, "streamheader", &array);
    g_value_unset (&array);
  }
  gst_aggregator_set_src_caps (GST_AGGREGATOR (mux), caps);
  gst_caps_unref (caps);
}

static GstFlowReturn
push_all (GstFlvEMux * mux, GPtrArray * bufs)
{
  GstFlowReturn ret = GST_FLOW_OK;
  guint i;

  for (i = 0; i < bufs->len && ret == GST_FLOW_OK; i++)
    ret = push (mux, gst_buffer_ref (g_ptr_array_index (bufs, i)));
  g_ptr_array_unref (bufs);
  return ret;
}

/* av01 without codec_data: the SequenceStart comes from the first temporal
 * unit that has a Sequence Header OBU; vp09 without bit depth or chroma
 * format in the caps: from the first key frame */
static gboolean
seq_start_from_data (GstFlvEMuxPad * pad, GstBuffer * buf)
{
  GstMapInfo map;

  if (!pad->track.seq_from_data || pad->track.seq_start != NULL)
    return TRUE;
  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return FALSE;
  if (pad->track.codec == ERTMP_CODEC_AV1)
    pad->track.seq_start = gst_flv_emux_av1c_from_tu (map.data, map.size);
  else
    pad->track.seq_start = gst_flv_emux_vpcc_from_frame (&pad->track,
        map.data, map.size);
  gst_buffer_unmap (buf, &map);
  return pad->track.seq_start != NULL;
}

GstFlowReturn
gst_flv_emux_write_header (GstFlvEMux * mux)
{
  GPtrArray *bufs = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_buffer_unref);
  GByteArray *head = g_byte_array_new ();
  GList *pads = sinkpads (mux), *l;
  guint8 flags = 0;
  GBytes *meta;
  ertmp_result res;

  for (l = pads; l != NULL; l = l->next) {
    GstFlvEMuxPad *pad = l->data;
    GstBuffer *buf = gst_aggregator_pad_peek_buffer (l->data);

    flags |= pad->video ? ERTMP_FLV_FLAG_VIDEO : ERTMP_FLV_FLAG_AUDIO;
    mux->has_video |= pad->video;
    seq_start_from_data (pad, buf);
    gst_clear_buffer (&buf);
  }
  ertmp_flv_write_header (head, flags);
  gst_buffer_replace (&mux->flv_header, NULL);
  mux->flv_header = gst_buffer_new_memdup (head->data, head->len);
  g_byte_array_unref (head);
  meta = gst_flv_emux_metadata (mux);
  gst_buffer_replace (&mux->metadata, NULL);
  mux->metadata = make_tag (mux, ERTMP_FLV_TAG_SCRIPT, 0, NULL, NULL, meta,
      NULL, &res);
  g_bytes_unref (meta);
  if (mux->metadata == NULL) {  /* 16 MB of metadata: not from our keys */
    GST_ELEMENT_ERROR (mux, STREAM, MUX, (NULL),
        ("onMetaData does not fit in a tag: %s", ertmp_result_name (res)));
    g_ptr_array_unref (bufs);
    g_list_free_full (pads, gst_object_unref);
    return GST_FLOW_ERROR;
  }
  GST_BUFFER_FLAG_SET (mux->flv_header, GST_BUFFER_FLAG_HEADER);
  GST_BUFFER_FLAG_SET (mux->metadata, GST_BUFFER_FLAG_HEADER);
  g_ptr_array_add (bufs, gst_buffer_ref (mux->flv_header));
  g_ptr_array_add (bufs, gst_buffer_ref (mux->metadata));
  for (l = pads; l != NULL; l = l->next)
    config_tags (mux, l->data, 0, bufs);
  g_list_free_full (pads, gst_object_unref);
  mux->header_sent = TRUE;
  update_caps (mux);
  return push_all (mux, bufs);
}

/* Wire time of a frame: running time shifted so that no tag is negative,
 * then ms / cts / nano (gstertmptime.h).  A DTS still before 0 (a pad
 * starting before the first tag's time) is written at 0, its PTS kept. */
static void
wire_time (GstFlvEMux * mux, GstFlvEMuxPad * pad,
    GstClockTimeDiff dts, GstClockTimeDiff pts, gint64 * ms, gint32 * cts,
    guint32 * nano)
{
  if (!mux->have_offset) {
    /* room for this tag, and for the first DTS of a reordering video pad
     * that has not written yet: R frames before its PTS, so before 0 when
     * it starts at 0 (live: its first tag comes after another pad's) */
    GstClockTimeDiff room = MAX (-dts, (GstClockTimeDiff)
        gst_flv_emux_dts_lead (mux));

    mux->have_offset = TRUE;
    if (room > 0)
      mux->ts_offset = gst_util_uint64_scale_ceil (room, 1, GST_MSECOND) *
          GST_MSECOND;
  }
  dts = MAX (dts + (GstClockTimeDiff) mux->ts_offset, 0);
  pts = MAX (pts + (GstClockTimeDiff) mux->ts_offset, dts);
  gst_ertmp_time_to_wire (pad->video ? ERTMP_CODEC_KIND_VIDEO :
      ERTMP_CODEC_KIND_AUDIO, dts, pts, ms, cts, nano);
}

static GstBuffer *
frame_tag (GstFlvEMux * mux, GstFlvEMuxPad * pad, GstBuffer * buf,
    gint64 ms, gint32 cts, guint32 nano)
{
  ertmp_media_header hdr;
  ertmp_media_track track;
  ertmp_result res;
  GstBuffer *out;
  gboolean delta = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);

  tag_header_init (&hdr, &track, pad, ERTMP_MEDIA_PACKET_CODED_FRAMES);
  if (pad->video && delta)
    hdr.frame_type = ERTMP_MEDIA_FRAME_INTER;
  hdr.has_nano_offset = mux->nano_offset && pad->track.enhanced && nano != 0;
  hdr.nano_offset = nano;
  track.cts = cts;
  out = make_tag (mux, hdr.kind, ms, &hdr, &track, NULL, buf, &res);
  if (out == NULL) {
    GST_ELEMENT_ERROR (mux, STREAM, MUX, (NULL),
        ("cannot write a %s frame on track %u (composition time %d ms): %s",
            ertmp_codec_name (track.codec), track.track_id, cts,
            ertmp_result_name (res)));
    return NULL;
  }
  /* audio is not a point to start a stream with video at (as flvmux) */
  if (pad->video ? delta : mux->has_video)
    GST_BUFFER_FLAG_SET (out, GST_BUFFER_FLAG_DELTA_UNIT);
  if (GST_BUFFER_IS_DISCONT (buf))
    GST_BUFFER_FLAG_SET (out, GST_BUFFER_FLAG_DISCONT);
  GST_BUFFER_PTS (out) = GST_BUFFER_DTS (out) = ms * GST_MSECOND;
  GST_BUFFER_DURATION (out) = GST_BUFFER_DURATION (buf);
  return out;
}

/* (transfer full) @buf, @dts and @pts: running times */
GstFlowReturn
gst_flv_emux_write_frame (GstFlvEMux * mux,
    GstFlvEMuxPad * pad, GstBuffer * buf, GstClockTimeDiff dts,
    GstClockTimeDiff pts)
{
  GPtrArray *bufs;
  gint64 ms;
  gint32 cts;
  guint32 nano;
  GstBuffer *tag;
  gboolean resend = (pad->send_config || pad->send_color) &&
      mux->header_sent;

  if (!seq_start_from_data (pad, buf)) {
    GST_WARNING_OBJECT (pad, "dropping a %s frame before the first one "
        "that tells its SequenceStart", ertmp_codec_name (pad->track.codec));
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  wire_time (mux, pad, dts, pts, &ms, &cts, &nano);
  bufs = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref);
  config_tags (mux, pad, ms, bufs);
  if (resend)
    update_caps (mux);
  tag = frame_tag (mux, pad, buf, ms, cts, nano);
  gst_buffer_unref (buf);
  if (tag == NULL) {
    g_ptr_array_unref (bufs);
    return GST_FLOW_ERROR;
  }
  pad->sent_frame = TRUE;
  pad->last_ms = ms;
  pad->frames++;
  pad->bytes += gst_buffer_get_size (tag);
  g_ptr_array_add (bufs, tag);
  return push_all (mux, bufs);
}

/* SequenceEnd for every Enhanced track that carried frames */
GstFlowReturn
gst_flv_emux_write_eos (GstFlvEMux * mux)
{
  GPtrArray *bufs = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_buffer_unref);
  GList *pads = sinkpads (mux), *l;
  GstBuffer *buf;

  for (l = pads; l != NULL; l = l->next) {
    GstFlvEMuxPad *pad = l->data;

    if (!pad->sent_frame || !pad->track.enhanced)
      continue;
    buf = config_tag (mux, pad, ERTMP_MEDIA_PACKET_SEQUENCE_END,
        pad->last_ms, NULL);
    if (buf != NULL) {
      GST_BUFFER_FLAG_UNSET (buf, GST_BUFFER_FLAG_HEADER);
      g_ptr_array_add (bufs, buf);
    }
    pad->sent_frame = FALSE;
  }
  g_list_free_full (pads, gst_object_unref);
  mux->eos_written = TRUE;
  return push_all (mux, bufs);
}
