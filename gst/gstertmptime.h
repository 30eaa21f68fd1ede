/* gst-ertmp: THE conversion between wire time and GstClockTime
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Milliseconds live in the core, nanoseconds in gst/ (ARCHITECTURE "Time",
 * ertmp.md 2.3, 4, 6).  Every element converts here and nowhere else:
 *   DTS = ms * GST_MSECOND
 *   PTS = DTS + cts * GST_MSECOND + nano
 * where nano (ModEx TimestampOffsetNano, 0..999999) is added to the video
 * PTS only and to both audio timestamps.
 */
#ifndef __GST_ERTMP_TIME_H__
#define __GST_ERTMP_TIME_H__

#include <gst/gst.h>
#include "ertmp_codec.h"

G_BEGIN_DECLS

/* Wire -> GStreamer.  @ms is the unwrapped 64-bit message timestamp
 * (ertmp_timestamp_unwrap), @cts_ms the composition time, @nano_ns the
 * ModEx offset (0 when absent).  A result below 0 is clamped to 0. */
void gst_ertmp_time_from_wire (ertmp_codec_kind kind, gint64 ms,
    gint32 cts_ms, guint32 nano_ns, GstClockTime * dts, GstClockTime * pts);

/* GStreamer -> wire, the exact inverse for a muxer: @dts and @pts must be
 * valid.  Video: *ms = floor (dts / ms), the rest of PTS - *ms goes to
 * *cts_ms (floor, may be negative) and *nano_ns (0..999999); the
 * sub-millisecond part of a video DTS cannot be carried.  Audio: *ms and
 * *nano_ns from @pts, *cts_ms = 0. */
void gst_ertmp_time_to_wire (ertmp_codec_kind kind, GstClockTime dts,
    GstClockTime pts, gint64 * ms, gint32 * cts_ms, guint32 * nano_ns);

G_END_DECLS

#endif /* __GST_ERTMP_TIME_H__ */
