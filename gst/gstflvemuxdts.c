/* gst-ertmp: flvemux, decode times rebuilt from presentation times
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GStreamer 1.22's matroskademux ! h264parse / h265parse give PTS only.
 * Writing DTS = PTS would make the tag times go back and forth and the
 * composition times 0, so readers would get wrong PTS.  The reorder depth
 * R of the stream (ertmp_media_reorder.h, from the SPS) bounds how far a
 * frame can be ahead of its output position, so the DTS of frame i is
 * the (i - R)-th smallest PTS, which is known once frame i is in: a window
 * of R + 1 PTS, no look-ahead.  The first R frames precede the smallest
 * PTS by R - i frame durations, which makes them wait for frame R: that is
 * the only delay, R frame durations, reported as latency.  It is also
 * what x264 and x265 do, so the DTS equal the encoder's.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstflvemux.h"

GST_DEBUG_CATEGORY_EXTERN (gst_flv_emux_debug);
#define GST_CAT_DEFAULT gst_flv_emux_debug

static void
frame_free (GstFlvEMuxFrame * f)
{
  gst_buffer_unref (f->buf);
  g_free (f);
}

void
gst_flv_emux_dts_init (GstFlvEMuxDts * d)
{
  memset (d, 0, sizeof (*d));
  g_queue_init (&d->held);
  g_queue_init (&d->ready);
}

void
gst_flv_emux_dts_clear (GstFlvEMuxDts * d)
{
  g_queue_clear_full (&d->held, (GDestroyNotify) frame_free);
  g_queue_clear_full (&d->ready, (GDestroyNotify) frame_free);
  gst_flv_emux_dts_init (d);
}

static GstClockTime
frame_duration (const GstFlvEMuxTrack * t, GstBuffer * buf)
{
  if (t->fps_n > 0)
    return gst_util_uint64_scale_int (GST_SECOND, t->fps_d, t->fps_n);
  if (GST_BUFFER_DURATION_IS_VALID (buf))
    return GST_BUFFER_DURATION (buf);
  return 0;                     /* from the PTS spacing, when released */
}

gboolean
gst_flv_emux_dts_wanted (GstFlvEMuxPad * pad, GstBuffer * buf)
{
  GstFlvEMuxDts *d = &pad->dts;
  const ertmp_codec_info *info;

  /* a GAP carries no frame: it stays queued for aggregate() to drop */
  if (gst_flv_emux_is_gap (buf))
    return FALSE;
  if (d->active)
    return TRUE;
  info = ertmp_codec_get (pad->track.codec);
  if (!pad->video || !pad->configured || info == NULL ||
      !(info->flags & ERTMP_CODEC_FLAG_CTS) ||
      GST_BUFFER_DTS_IS_VALID (buf) || !GST_BUFFER_PTS_IS_VALID (buf))
    return FALSE;
  d->active = TRUE;
  d->depth = pad->track.has_reorder ? pad->track.reorder :
      ERTMP_MEDIA_REORDER_MAX;
  if (!pad->track.has_reorder)
    GST_INFO_OBJECT (pad, "no reorder depth in the SequenceStart: "
        "assuming the largest, %u", d->depth);
  d->frame = frame_duration (&pad->track, buf);
  GST_INFO_OBJECT (pad, "buffers without DTS: rebuilding it from the PTS, "
      "reorder depth %u, frame %" GST_TIME_FORMAT, d->depth,
      GST_TIME_ARGS (d->frame));
  return TRUE;
}

/* Inserts @pts into the sorted window */
static void
window_insert (GstFlvEMuxDts * d, GstClockTimeDiff pts)
{
  guint i = d->n_window;

  g_assert (d->n_window < G_N_ELEMENTS (d->window));
  while (i > 0 && d->window[i - 1] > pts) {
    d->window[i] = d->window[i - 1];
    i--;
  }
  d->window[i] = pts;
  d->n_window++;
}

static GstClockTimeDiff
window_pop (GstFlvEMuxDts * d)
{
  GstClockTimeDiff min = d->window[0];

  d->n_window--;
  memmove (d->window, d->window + 1, d->n_window * sizeof (d->window[0]));
  return min;
}

/* The held frames get the smallest PTS minus (R - i) frame durations */
static void
release_held (GstFlvEMuxDts * d)
{
  GstClockTimeDiff first = d->window[0];
  GstClockTime frame = d->frame;
  GstFlvEMuxFrame *f;
  guint i;

  if (frame == 0 && d->n_window > 1)
    frame = (d->window[d->n_window - 1] - first) / (d->n_window - 1);
  for (i = 0; (f = g_queue_pop_head (&d->held)) != NULL; i++) {
    f->dts = first - (GstClockTimeDiff) ((d->depth - i) * frame);
    d->last_dts = f->dts;
    g_queue_push_tail (&d->ready, f);
  }
}

gboolean
gst_flv_emux_dts_push (GstFlvEMuxDts * d, GstBuffer * buf,
    GstClockTimeDiff pts)
{
  GstFlvEMuxFrame *f = g_new0 (GstFlvEMuxFrame, 1);
  gboolean ok = TRUE;

  f->buf = buf;
  f->pts = pts;
  window_insert (d, pts);
  if (d->n++ < d->depth) {
    g_queue_push_tail (&d->held, f);
    return TRUE;
  }
  if (!g_queue_is_empty (&d->held))
    release_held (d);
  f->dts = window_pop (d);
  if (f->dts > f->pts || f->dts < d->last_dts) {
    /* reordered deeper than R: keep DTS <= PTS and DTS rising */
    ok = FALSE;
    f->dts = MAX (MIN (f->dts, f->pts), d->last_dts);
  }
  d->last_dts = f->dts;
  g_queue_push_tail (&d->ready, f);
  return ok;
}

void
gst_flv_emux_dts_drain (GstFlvEMuxDts * d)
{
  if (!g_queue_is_empty (&d->held))
    release_held (d);
}

GstClockTime
gst_flv_emux_dts_latency (const GstFlvEMuxDts * d)
{
  return d->active ? d->depth * d->frame : 0;
}

GstClockTime
gst_flv_emux_dts_lead (GstFlvEMux * mux)
{
  GList *pads = gst_flv_emux_ref_sinkpads (mux), *l;
  GstClockTime lead = 0;

  for (l = pads; l != NULL; l = l->next) {
    GstFlvEMuxPad *pad = l->data;
    const GstFlvEMuxTrack *t = &pad->track;

    if (pad->configured && pad->frames == 0 && t->has_reorder &&
        t->fps_n > 0)
      lead = MAX (lead, gst_util_uint64_scale_int (t->reorder * GST_SECOND,
              t->fps_d, t->fps_n));
  }
  g_list_free_full (pads, gst_object_unref);
  return lead;
}

/* ---- the aggregator side ------------------------------------------- */

/* R frame durations of the pads that rebuild DTS, as latency */
static void
update_latency (GstFlvEMux * mux)
{
  GstClockTime latency = 0;
  GList *pads = gst_flv_emux_ref_sinkpads (mux), *l;

  for (l = pads; l != NULL; l = l->next)
    latency = MAX (latency,
        gst_flv_emux_dts_latency (&GST_FLV_EMUX_PAD (l->data)->dts));
  g_list_free_full (pads, gst_object_unref);
  GST_INFO_OBJECT (mux, "latency %" GST_TIME_FORMAT, GST_TIME_ARGS (latency));
  gst_aggregator_set_latency (GST_AGGREGATOR (mux), latency, latency);
}

/* Moves @pad's queued buffers that lack a DTS into its rebuilder until one
 * frame is ready (or the queue is empty; at EOS the held frames go). */
void
gst_flv_emux_dts_feed (GstFlvEMux * mux, GstFlvEMuxPad * pad)
{
  GstAggregatorPad *apad = GST_AGGREGATOR_PAD (pad);
  GstClockTimeDiff dts, pts;
  GstBuffer *buf;
  gboolean active;

  while (g_queue_is_empty (&pad->dts.ready)) {
    if ((buf = gst_aggregator_pad_peek_buffer (apad)) == NULL) {
      if (gst_aggregator_pad_is_eos (apad))
        gst_flv_emux_dts_drain (&pad->dts);
      return;
    }
    active = pad->dts.active;
    if (!gst_flv_emux_dts_wanted (pad, buf)) {
      gst_buffer_unref (buf);
      return;
    }
    if (!active)
      update_latency (mux);
    gst_buffer_unref (buf);
    buf = gst_aggregator_pad_pop_buffer (apad);
    /* flushed since it was peeked: the pad stops (a LATENCY message just
     * went out, and a bus handler may have stopped the element) */
    if (buf == NULL)
      return;
    if (!gst_flv_emux_buffer_time (pad, buf, &dts, &pts)) {
      GST_WARNING_OBJECT (pad, "dropping a buffer without a valid PTS");
      gst_buffer_unref (buf);
    } else if (!gst_flv_emux_dts_push (&pad->dts, buf, pts) &&
        !pad->dts.warned) {
      pad->dts.warned = TRUE;
      GST_ELEMENT_WARNING (mux, STREAM, MUX, ("Pad %s: the video reorders "
              "frames further than its sequence header says (%u frames); "
              "some decode times are approximate.", GST_PAD_NAME (pad),
              pad->dts.depth), ("PTS %" GST_STIME_FORMAT,
              GST_STIME_ARGS (pts)));
    }
  }
}
