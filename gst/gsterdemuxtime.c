/* gst-ertmp: erdemux live input: tag times onto upstream's timeline
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsterdemux.h"
#include "gstertmptime.h"

/* gst_ertmp_time_from_wire () clamps at 0: the times are taken this many
 * ms later, where a negative composition time cannot clamp them, and the
 * offset brings them back (clamped once, at the end). */
#define UNCLAMP_MS (G_GINT64_CONSTANT (1) << 32)

GstClockTime
gst_er_demux_input_time (GstBuffer * buf)
{
  return GST_BUFFER_DTS_IS_VALID (buf) ? GST_BUFFER_DTS (buf) :
      GST_BUFFER_PTS (buf);
}

/* The tag at @ms came in a buffer stamped tag_in_time: its times, and
 * the ones of the tags after it until the next stamped one, move by the
 * difference between the two (the composition time and the ModEx
 * nanoseconds stay as they are). */
void
gst_er_demux_map_tag (GstErDemux * demux, gint64 ms)
{
  GstClockTime dts, pts;

  if (!demux->in_time) {
    demux->have_offset = FALSE;
    return;
  }
  if (!GST_CLOCK_TIME_IS_VALID (demux->tag_in_time))
    return;
  gst_ertmp_time_from_wire (ERTMP_CODEC_KIND_VIDEO, ms + UNCLAMP_MS, 0, 0,
      &dts, &pts);
  demux->offset = GST_CLOCK_DIFF (dts, demux->tag_in_time);
  demux->have_offset = TRUE;
}

static GstClockTime
shift_time (GstClockTime t, GstClockTimeDiff offset)
{
  gint64 v = (gint64) t + offset;

  return v < 0 ? 0 : (GstClockTime) v;
}

void
gst_er_demux_tag_times (GstErDemux * demux, ertmp_codec_kind kind,
    gint64 ms, gint32 cts_ms, guint32 nano_ns, GstClockTime * dts,
    GstClockTime * pts)
{
  if (!demux->have_offset) {
    gst_ertmp_time_from_wire (kind, ms, cts_ms, nano_ns, dts, pts);
    return;
  }
  gst_ertmp_time_from_wire (kind, ms + UNCLAMP_MS, cts_ms, nano_ns, dts, pts);
  *dts = shift_time (*dts, demux->offset);
  *pts = shift_time (*pts, demux->offset);
}

GstEvent *
gst_er_demux_new_segment (GstErDemux * demux)
{
  GstSegment segment;
  GstEvent *event;

  if (!demux->in_time) {
    gst_segment_init (&segment, GST_FORMAT_TIME);
    return gst_event_new_segment (&segment);
  }
  event = gst_event_new_segment (&demux->in_segment);
  gst_event_set_seqnum (event, demux->in_seqnum);
  return event;
}
