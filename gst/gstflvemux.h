/* gst-ertmp: flvemux, elementary streams -> legacy or Enhanced FLV tags
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_FLV_EMUX_H__
#define __GST_FLV_EMUX_H__

#include <gst/gst.h>
#include <gst/base/gstaggregator.h>

#include "ertmp_codec.h"
#include "ertmp_media.h"
#include "ertmp_media_config.h"
#include "ertmp_media_reorder.h"

G_BEGIN_DECLS

#define GST_TYPE_FLV_EMUX_PAD (gst_flv_emux_pad_get_type ())
G_DECLARE_FINAL_TYPE (GstFlvEMuxPad, gst_flv_emux_pad,
    GST, FLV_EMUX_PAD, GstAggregatorPad);

#define GST_TYPE_FLV_EMUX (gst_flv_emux_get_type ())
G_DECLARE_FINAL_TYPE (GstFlvEMux, gst_flv_emux,
    GST, FLV_EMUX, GstAggregator);

/* What one track's caps say, in wire terms.  Built from caps by
 * gst_flv_emux_track_from_caps(); compared to find what changed. */
typedef struct
{
  ertmp_codec codec;
  gboolean enhanced;            /* FourCC form (else legacy header) */
  guint8 sound_rate, sound_size, sound_type;    /* legacy audio byte 0 */
  /* SequenceStart body; NULL when the codec has none, or (av01 without
   * codec_data, vp09 without bit depth or chroma format) until the first
   * temporal unit / key frame supplies it */
  GBytes *seq_start;
  gboolean seq_from_data;       /* build seq_start from the first buffer */
  gboolean has_channels;        /* MultichannelConfig (> 2 channels) */
  ertmp_media_channels channels;
  ertmp_media_vpcc vpcc;        /* vp09/vp08: what the caps say */
  gboolean vpcc_colorimetry;    /* the caps had colorimetry */
  gboolean has_color;           /* colorInfo Metadata */
  ertmp_media_color_info color;
  /* onMetaData */
  gint width, height;
  gdouble framerate;
  gint fps_n, fps_d;            /* 0/1 when unknown or variable */
  /* avc1/hvc1: the SPS reorder depth R (ertmp_media_reorder.h) */
  gboolean has_reorder;
  guint reorder;
  gint rate, n_channels, sample_bits;
} GstFlvEMuxTrack;

/* A frame whose DTS was rebuilt, with its running times */
typedef struct
{
  GstBuffer *buf;
  GstClockTimeDiff dts, pts;
} GstFlvEMuxFrame;

/* Decode times rebuilt from presentation times (gstflvemuxdts.c): for a
 * reordering codec (avc1, hvc1, vvc1) whose buffers come without DTS.
 * With the reorder depth R, the DTS of frame i is the (i - R)-th smallest
 * PTS; the first R frames are held until frame R tells the smallest PTS,
 * and get it minus (R - i) frame durations. */
typedef struct
{
  gboolean active;
  guint depth;                  /* R */
  GstClockTime frame;           /* frame duration for the first R */
  guint64 n;                    /* frames taken */
  GstClockTimeDiff window[ERTMP_MEDIA_REORDER_MAX + 1]; /* sorted PTS */
  guint n_window;
  GstClockTimeDiff last_dts;
  GQueue held;                  /* GstFlvEMuxFrame, the first R */
  GQueue ready;                 /* GstFlvEMuxFrame, DTS known */
  gboolean warned;              /* deeper reorder than R seen */
} GstFlvEMuxDts;

struct _GstFlvEMuxPad
{
  GstAggregatorPad parent;

  gboolean video;
  guint8 track_id;

  /* streaming thread only */
  gboolean configured;
  GstFlvEMuxTrack track;
  gboolean send_config;         /* SequenceStart (+ channels) before next */
  gboolean send_color;          /* colorInfo before the next frame */
  GPtrArray *config_tags;       /* the last config tags, for streamheader */
  GstBuffer *color_tag;         /* the last colorInfo tag, likewise */
  gboolean sent_frame;          /* SequenceEnd due at EOS */
  gint64 last_ms;               /* tag time of the last frame */
  guint bitrate;                /* bit/s from tags, 0 unknown */
  guint64 frames;               /* stats */
  guint64 bytes;
  GstFlvEMuxDts dts;
};

struct _GstFlvEMux
{
  GstAggregator parent;

  /* properties (object lock) */
  gboolean streamable;
  gboolean fourcc_legacy;
  gboolean nano_offset;
  gchar *encoder;

  /* streaming thread only */
  gboolean header_sent;
  gboolean eos_written;
  gboolean have_offset;
  GstClockTime ts_offset;       /* added so that no running time is < 0 */
  GstBuffer *flv_header;        /* streamheader parts */
  GstBuffer *metadata;
  gboolean has_video;           /* a video pad at header time */
  GByteArray *scratch;          /* media header being built */
  GByteArray *scratch_head;     /* tag header + media header */
  guint64 n_tags;               /* stats */
  guint64 n_bytes;
  GstClockTime duration;
};

/* gstflvemuxtrack.c: caps -> track.  FALSE with *why set (a message for the
 * user) when the caps cannot be written. */
gboolean gst_flv_emux_track_from_caps (GstFlvEMuxTrack * track,
    const GstCaps * caps, guint8 track_id, gboolean fourcc_legacy,
    gchar ** why);
void gst_flv_emux_track_clear (GstFlvEMuxTrack * track);
/* whether a SequenceStart / MultichannelConfig resend is due (@old may be
 * the zeroed track of an unconfigured pad) */
gboolean gst_flv_emux_track_config_changed (
    const GstFlvEMuxTrack * old, const GstFlvEMuxTrack * track);
gboolean gst_flv_emux_track_color_changed (
    const GstFlvEMuxTrack * old, const GstFlvEMuxTrack * track);

/* gstflvemuxwrite.c: output, one tag per buffer.  write_frame takes @buf
 * (transfer full) with its DTS and PTS running times. */
/* A GAP event, which the aggregator queues as an empty GAP buffer: it only
 * tells that a pad has nothing before its time (a track that ended or
 * pauses), so that the other pads go on */
static inline gboolean
gst_flv_emux_is_gap (GstBuffer * buf)
{
  return buf != NULL && GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP)
      && gst_buffer_get_size (buf) == 0;
}

gboolean gst_flv_emux_buffer_time (GstFlvEMuxPad * pad,
    GstBuffer * buf, GstClockTimeDiff * dts, GstClockTimeDiff * pts);
GstFlowReturn gst_flv_emux_write_header (GstFlvEMux * mux);
GstFlowReturn gst_flv_emux_write_frame (GstFlvEMux * mux,
    GstFlvEMuxPad * pad, GstBuffer * buf, GstClockTimeDiff dts,
    GstClockTimeDiff pts);

/* gstflvemuxdts.c */
void gst_flv_emux_dts_init (GstFlvEMuxDts * d);
void gst_flv_emux_dts_clear (GstFlvEMuxDts * d);
/* Whether @buf of @pad needs its DTS rebuilt; activates the rebuilding
 * (reads R from the SequenceStart) on the first such buffer. */
gboolean gst_flv_emux_dts_wanted (GstFlvEMuxPad * pad, GstBuffer * buf);
/* Takes @buf (transfer full) of PTS running time @pts; frames whose DTS
 * is then known move to d->ready.  FALSE (and a warning logged) when the
 * stream reorders deeper than its R: the DTS is then clamped. */
gboolean gst_flv_emux_dts_push (GstFlvEMuxDts * d, GstBuffer * buf,
    GstClockTimeDiff pts);
/* At EOS: every held frame to d->ready */
void gst_flv_emux_dts_drain (GstFlvEMuxDts * d);
/* The latency the held frames add: R frame durations */
GstClockTime gst_flv_emux_dts_latency (const GstFlvEMuxDts * d);
/* Moves @pad's queued buffers that lack a DTS into its rebuilder until one
 * frame is ready (at EOS: the held ones); sets the latency when the
 * rebuilding starts, warns (once) of a reorder deeper than R */
void gst_flv_emux_dts_feed (GstFlvEMux * mux, GstFlvEMuxPad * pad);

/* How far before its PTS the first DTS of a reordering video pad that has
 * written no frame yet can be: R frame durations, the largest over the
 * pads (0: none) */
GstClockTime gst_flv_emux_dts_lead (GstFlvEMux * mux);

/* gstflvemux.c: the sink pads, each with a reference */
GList *gst_flv_emux_ref_sinkpads (GstFlvEMux * mux);
GstFlowReturn gst_flv_emux_write_eos (GstFlvEMux * mux);

/* gstflvemuxtrack.c: av1C from the Sequence Header OBU of a temporal unit
 * (obu-stream, ertmp_media_build_av1c()); NULL when there is none */
GBytes *gst_flv_emux_av1c_from_tu (const guint8 * data, gsize len);
/* vpcC from the caps and a VP9 key frame's header; NULL when @data is not
 * a key frame */
GBytes *gst_flv_emux_vpcc_from_frame (GstFlvEMuxTrack * track,
    const guint8 * data, gsize len);

/* gstflvemuxmeta.c: the onMetaData SCRIPTDATA body for the pads' tracks
 * (transfer full) */
GBytes *gst_flv_emux_metadata (GstFlvEMux * mux);

G_END_DECLS

#endif /* __GST_FLV_EMUX_H__ */
