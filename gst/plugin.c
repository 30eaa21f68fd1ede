/* gst-ertmp: RTMP and Enhanced RTMP for GStreamer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstertmpelements.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  /* one GST_ELEMENT_REGISTER line per element (gstertmpelements.h) */
  ret |= GST_ELEMENT_REGISTER (flvemux, plugin);
  ret |= GST_ELEMENT_REGISTER (erdemux, plugin);
  ret |= GST_ELEMENT_REGISTER (rtmpingestsrc, plugin);
  ret |= GST_ELEMENT_REGISTER (rtmppushsink, plugin);
  ret |= GST_ELEMENT_REGISTER (rtmpservesink, plugin);

  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, ertmp,
    "RTMP and Enhanced RTMP (E-RTMP v1/v2): ingest and play-out server, "
    "publisher, Enhanced FLV muxer and demuxer", plugin_init, VERSION,
    GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
