/* gst-ertmp: what an FLV tag is, for the network elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtmpingestsrc and rtmppushsink carry tags without demuxing them, but
 * both must know which tags are stream headers (what a decoder needs
 * before any frame: onMetaData, sequence starts, colorInfo metadata,
 * channel layouts) and where video key frames are.
 */
#ifndef __GST_ERTMP_TAG_H__
#define __GST_ERTMP_TAG_H__

#include <gst/gst.h>
#include "ertmp_caps.h"
#include "ertmp_flv.h"

G_BEGIN_DECLS

/* a tag that is not a stream header */
#define GST_ERTMP_TAG_NOT_HEADER (-1)

typedef struct
{
  /* which stream header the tag replaces (one per kind, track and packet
   * type; onMetaData is 0), or GST_ERTMP_TAG_NOT_HEADER */
  gint header_key;
  gboolean keyframe;            /* video coded frames of a key frame */
  gboolean delta;               /* video coded frames of another frame */
} GstErtmpTagInfo;

/* @type: FLV tag type (8, 9, 15, 18); @body: the tag body.  Tags the core
 * cannot parse are neither headers nor frames. */
void gst_ertmp_tag_classify (guint8 type, const guint8 * body, gsize len,
    GstErtmpTagInfo * info);

/* A reader for an FLV stream that arrives in buffers: one that does not
 * start with the file header (it went by in the caps, or never was) gets
 * a default one first.  @data, @len: the first buffer's bytes. */
ertmp_flv_reader *gst_ertmp_tag_reader_new (const guint8 * data, gsize len);

/* The body of tag @t just read from @in (mapped as @data, @len) as a
 * buffer: a sub-buffer of @in when the reader points into it (one tag per
 * buffer, the usual case: no copy), else the reader's reassembled bytes */
GstBuffer *gst_ertmp_tag_body (ertmp_flv_reader * reader,
    const ertmp_flv_tag * t, GstBuffer * in, const guint8 * data, gsize len);

/* "hvc1,av01,Opus": a capability set's fourCcList, for stats and
 * messages (newly allocated; "" when absent) */
gchar *gst_ertmp_fourcc_list_string (const ertmp_caps * caps);

/* A capability set as a structure named @name: fourcc-list (the string
 * above), has-caps-ex, caps-ex (transfer full) */
GstStructure *gst_ertmp_caps_structure (const gchar * name,
    const ertmp_caps * caps);

G_END_DECLS

#endif /* __GST_ERTMP_TAG_H__ */
