/* gst-ertmp: millisecond timestamps of the wire
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The core carries milliseconds; nanoseconds live in gst/ only.
 */
#ifndef ERTMP_TIME_H
#define ERTMP_TIME_H

#include <glib.h>

G_BEGIN_DECLS

/* 32-bit FLV/RTMP millisecond timestamps to 64 bits (rtmp.md 9): the value
 * nearest @last whose low 32 bits are @ts, i.e. last + (gint32) (ts - last)
 * (serial-number arithmetic, which also absorbs the small backward steps of
 * audio and video interleaved on one stream).  Start a stream with
 * last = ts of its first message.  The one implementation of the rule. */
static inline gint64
ertmp_timestamp_unwrap (gint64 last, guint32 ts)
{
  /* (guint32) last: the low 32 bits, modulo 2^32 also for negative values */
  return last + (gint32) (ts - (guint32) last);
}

G_END_DECLS

#endif /* ERTMP_TIME_H */
