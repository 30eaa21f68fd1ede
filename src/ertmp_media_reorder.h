/* gst-ertmp: how far a video stream reorders frames, from its SPS
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A muxer given presentation times only (GStreamer 1.22's h264parse and
 * h265parse after matroskademux give no DTS) rebuilds decode times from
 * the reorder depth R: at most R frames precede any frame in decode order
 * and follow it in output order (H.264 max_num_reorder_frames, H.265
 * sps_max_num_reorder_pics).  Then the decode time of the i-th frame is
 * the (i - R)-th smallest presentation time, known once frame i arrives.
 */
#ifndef ERTMP_MEDIA_REORDER_H
#define ERTMP_MEDIA_REORDER_H

#include <glib.h>
#include "ertmp_result.h"
#include "ertmp_codec.h"

G_BEGIN_DECLS

/* The largest reorder depth either codec can signal (a DPB of 16) */
#define ERTMP_MEDIA_REORDER_MAX 16u

/* Reads the reorder depth of the first SPS in @record, an avcC (AVC) or
 * hvcC (HEVC) SequenceStart body.  H.264 without VUI bitstream_restriction:
 * the inferred value (H.264 E.2.1): 0 for Baseline and the intra
 * profiles, else MaxDpbFrames for the level and picture size.  Returns OK
 * with *depth (0..ERTMP_MEDIA_REORDER_MAX), MALFORMED when the record or
 * the SPS is cut or broken, UNSUPPORTED for other codecs or a record
 * without an SPS.  Allocates nothing. */
ertmp_result ertmp_media_reorder_depth (ertmp_codec codec,
    const guint8 * record, gsize len, guint * depth);

G_END_DECLS

#endif /* ERTMP_MEDIA_REORDER_H */
