/* gst-ertmp: the one caps table, core codec <-> GstCaps
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ertmp.md 12 (FourCC codecs) and flv.md 7 (legacy ids).  One row per
 * ertmp_codec says which caps erdemux emits for it and which caps flvemux
 * accepts as it.
 *
 * Demuxer:
 *   gst_ertmp_caps_from_config (codec, hdr, seq_start, len, &caps);
 *   gst_ertmp_caps_set_video_size / _set_color_info / _set_channels (caps)
 * Muxer:
 *   codec = gst_ertmp_caps_to_codec (gst_caps_get_structure (caps, 0));
 *   gst_ertmp_caps_get_color_info / _get_channels (caps)
 *   templ = gst_ertmp_caps_template (ERTMP_CODEC_KIND_VIDEO,
 *       GST_ERTMP_CAPS_MUX);
 */
#ifndef __GST_ERTMP_CAPS_H__
#define __GST_ERTMP_CAPS_H__

#include <gst/gst.h>
#include "ertmp_result.h"
#include "ertmp_codec.h"
#include "ertmp_media.h"
#include "ertmp_media_config.h"

G_BEGIN_DECLS

typedef enum
{
  GST_ERTMP_CAPS_DEMUX = 1 << 0,        /* erdemux emits these caps */
  GST_ERTMP_CAPS_MUX = 1 << 1,  /* flvemux accepts these caps */
} GstErtmpCapsUse;

/* Pad template caps: the union of the rows of @kind used as @use
 * (transfer full). */
GstCaps *gst_ertmp_caps_template (ertmp_codec_kind kind, GstErtmpCapsUse use);

/* The codec a muxer writes for @s, ERTMP_CODEC_UNKNOWN when no row accepts
 * it.  When several rows accept it the narrowest wins, else the first, so
 * the fixed-rate legacy ids win (MP3 at 8 kHz -> MP3_8K, Nellymoser
 * 8/16 kHz mono -> NELLYMOSER_8K/16K; PCM -> PCM_LE).  Only the
 * structure's name and format fields are looked at (stream-format,
 * alignment, mpegversion, layer, format, rate, ...);
 * codec_data presence is the muxer's business. */
ertmp_codec gst_ertmp_caps_to_codec (const GstStructure * s);

/* Caps of a track of @codec (transfer full in *caps).
 *  @hdr: the message that carries the frame or the SequenceStart; legacy
 *   audio takes rate / channels / sample size from it (may be NULL for
 *   codecs that are not legacy audio).
 *  @config, @len: the SequenceStart payload, for the codecs with
 *   ERTMP_CODEC_FLAG_SEQUENCE_START (avcC, hvcC, av1C, vvcC, ASC, OpusHead,
 *   FLAC STREAMINFO in any form) and optionally vp09/vp08 (vpcC); NULL / 0
 *   otherwise.  An empty SequenceStart must be filtered out before.
 * Result: OK; MALFORMED when @config is not a valid record of @codec (or is
 * missing where one is needed); UNSUPPORTED when GStreamer has no caps for
 * @codec (UNKNOWN, device-specific audio).  *caps is NULL unless OK. */
ertmp_result gst_ertmp_caps_from_config (ertmp_codec codec,
    const ertmp_media_header * hdr, const guint8 * config, gsize len,
    GstCaps ** caps);

/* Caps of a track of @codec whose SequenceStart never came, for codecs
 * whose frames carry their own configuration (AV1: a sequence header OBU
 * in every key frame; VP8, VP9: the frame headers), so that a parser can
 * start from the frames; NULL (no such caps) for every other codec. */
GstCaps *gst_ertmp_caps_in_band (ertmp_codec codec);

/* onMetaData: width / height (> 0) and framerate (> 0, as a fraction);
 * values <= 0 are left out.  @caps must be writable. */
void gst_ertmp_caps_set_video_size (GstCaps * caps, gint width, gint height,
    gdouble framerate);

/* colorInfo (ertmp.md 7): colorimetry, mastering-display-info,
 * content-light-level for the present fields; info->present == 0 removes
 * them.  @caps must be writable. */
void gst_ertmp_caps_set_color_info (GstCaps * caps,
    const ertmp_media_color_info * info);

/* The inverse for a muxer: colorInfo from colorimetry (with
 * bit-depth-luma when there is one), mastering-display-info and
 * content-light-level.  Returns info->present != 0. */
gboolean gst_ertmp_caps_get_color_info (const GstCaps * caps,
    ertmp_media_color_info * info);

/* H.273 code points and range of the "colorimetry" field; FALSE (outputs
 * untouched) when there is none or it does not parse. */
gboolean gst_ertmp_caps_get_colorimetry (const GstStructure * s,
    guint * primaries, guint * transfer, guint * matrix,
    gboolean * full_range);

/* MultichannelConfig (ertmp.md 3.5): channels, and channel-mask when every
 * channel has a distinct known position (0 when unpositioned).  @caps must
 * be writable. */
void gst_ertmp_caps_set_channels (GstCaps * caps,
    const ertmp_media_channels * ch);

/* The inverse for a muxer, from channels and channel-mask (or GStreamer's
 * default layout when there is no mask): Native when every position has a
 * speaker, else Custom, else (unpositioned, > 64 channels) only the
 * count. */
void gst_ertmp_caps_get_channels (const GstStructure * s,
    ertmp_media_channels * ch);

G_END_DECLS

#endif /* __GST_ERTMP_CAPS_H__ */
