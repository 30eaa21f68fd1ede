/* gst-ertmp: THE conversion between wire time and GstClockTime
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstertmptime.h"

static GstClockTime
clamp_time (gint64 ns)
{
  return ns < 0 ? 0 : (GstClockTime) ns;
}

void
gst_ertmp_time_from_wire (ertmp_codec_kind kind, gint64 ms, gint32 cts_ms,
    guint32 nano_ns, GstClockTime * dts, GstClockTime * pts)
{
  gint64 d = ms * (gint64) GST_MSECOND;
  gint64 p = d + (gint64) cts_ms * (gint64) GST_MSECOND + nano_ns;

  if (kind == ERTMP_CODEC_KIND_AUDIO)
    d += nano_ns;
  *dts = clamp_time (d);
  *pts = clamp_time (p);
}

void
gst_ertmp_time_to_wire (ertmp_codec_kind kind, GstClockTime dts,
    GstClockTime pts, gint64 * ms, gint32 * cts_ms, guint32 * nano_ns)
{
  gint64 rest, cts;

  if (kind == ERTMP_CODEC_KIND_AUDIO) {
    *ms = (gint64) (pts / GST_MSECOND);
    *cts_ms = 0;
    *nano_ns = (guint32) (pts % GST_MSECOND);
    return;
  }
  *ms = (gint64) (dts / GST_MSECOND);
  rest = (gint64) pts - *ms * (gint64) GST_MSECOND;
  /* floor division: a negative rest gives a negative cts and nano >= 0 */
  cts = rest >= 0 ? rest / (gint64) GST_MSECOND :
      -((-rest + (gint64) GST_MSECOND - 1) / (gint64) GST_MSECOND);
  /* far outside SI24 anyway: the writer refuses it */
  *cts_ms = (gint32) CLAMP (cts, G_MININT32, G_MAXINT32);
  *nano_ns = (guint32) (rest - cts * (gint64) GST_MSECOND);
}
