/* gst-ertmp: element registration
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_ERTMP_ELEMENTS_H__
#define __GST_ERTMP_ELEMENTS_H__

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

G_BEGIN_DECLS

/* one line per element, in the order they arrive (plugin.c registers) */
GST_ELEMENT_REGISTER_DECLARE (flvemux);
GST_ELEMENT_REGISTER_DECLARE (erdemux);
GST_ELEMENT_REGISTER_DECLARE (rtmpingestsrc);
GST_ELEMENT_REGISTER_DECLARE (rtmppushsink);
GST_ELEMENT_REGISTER_DECLARE (rtmpservesink);

G_END_DECLS

#endif /* __GST_ERTMP_ELEMENTS_H__ */
