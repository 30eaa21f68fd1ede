/* gst-ertmp: erdemux, legacy and Enhanced FLV -> elementary streams
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gsterdemux.c: the element (sink pad, events, the tag loop);
 * gsterdemuxpull.c: pull mode (the sink pad's task reads whole tags);
 * gsterdemuxtrack.c: tracks, their pads, caps and buffers;
 * gsterdemuxreport.c: results -> warnings and errors on the bus;
 * gsterdemuxtime.c: live input, tag times onto upstream's timeline;
 * gsterdemuxmeta.c: onMetaData -> tags, sizes and the announced tracks.
 */
#ifndef __GST_ER_DEMUX_H__
#define __GST_ER_DEMUX_H__

#include <gst/gst.h>
#include <gst/base/gstflowcombiner.h>

#include "ertmp_amf.h"
#include "ertmp_flv.h"
#include "ertmp_limits.h"
#include "ertmp_media.h"
#include "ertmp_media_config.h"

G_BEGIN_DECLS

#define GST_TYPE_ER_DEMUX (gst_er_demux_get_type ())
G_DECLARE_FINAL_TYPE (GstErDemux, gst_er_demux, GST, ER_DEMUX, GstElement);

/* no-more-pads at the latest this long (stream time) after the first tag
 * when an announced track never shows up */
#define GST_ER_DEMUX_NO_MORE_PADS_AFTER_MS 3000
/* a repeated warning of one track is posted at most this often (stream
 * time); the ones in between are counted and logged */
#define GST_ER_DEMUX_WARNING_INTERVAL_MS 10000

/* sequence-start-timeout: how long (stream time) the frames of a track
 * wait for its SequenceStart before the track is left out */
#define GST_ER_DEMUX_DEFAULT_SEQUENCE_START_TIMEOUT_MS 500

/* kind index: 0 video, 1 audio */
#define GST_ER_DEMUX_N_KINDS 2

/* One (kind, track id): the pad exists once the track has caps. */
typedef struct
{
  ertmp_codec_kind kind;
  guint8 id;
  GstPad *pad;                  /* NULL until the first caps */
  gboolean announced;           /* onMetaData or the FLV header said so */

  ertmp_codec codec;            /* UNKNOWN until the first packet */
  GBytes *config;               /* last non-empty SequenceStart */
  GstCaps *base_caps;           /* from the codec and config alone */
  guint8 sound_byte;            /* legacy audio: rate/size/type bits */
  gboolean have_color;
  ertmp_media_color_info color;
  gboolean have_channels;
  ertmp_media_channels channels;
  /* onMetaData */
  gint width, height;
  gdouble framerate;
  gdouble datarate;             /* kbit/s */

  GstCaps *caps;                /* what the pad has (or gets next) */
  gboolean caps_pending;        /* send caps before the next buffer */
  gboolean segment_pending;     /* send a segment before the next buffer */
  gboolean tags_pending;        /* send the stream tags */
  gboolean discont;
  /* DTS of the last buffer or GAP pushed (gsterdemuxtrack.c sync_tracks) */
  GstClockTime pushed_dts;

  /* frames came before any SequenceStart */
  gboolean waiting;             /* ... since wait_since_ms */
  gint64 wait_since_ms;
  gboolean left_out;            /* none came in time: no pad for now */

  /* warnings of this track */
  guint warnings_held;
  gint64 last_warning_ms;
  gboolean warned_once;
} GstErDemuxTrack;

struct _GstErDemux
{
  GstElement parent;

  GstPad *sinkpad;
  GstFlowCombiner *flowcombiner;

  guint sequence_start_timeout; /* ms; property */

  ertmp_limits limits;
  ertmp_flv_reader *reader;
  ertmp_amf_decoder *amf;

  /* GST_ER_DEMUX_N_KINDS x 256, allocated on use */
  GstErDemuxTrack *tracks[GST_ER_DEMUX_N_KINDS][256];
  /* the same tracks in the order they were made: per-frame loops walk
   * these few, not the 512 slots */
  GstErDemuxTrack **track_list;
  guint n_tracks;
  guint n_pads;
  gboolean no_more_pads;
  guint32 group_id;

  /* time: the unwrapped ms of the last tag */
  gboolean have_time;
  gint64 first_ms;
  gint64 last_ms;
  gboolean restart;             /* flushed: a BYTES segment at 0 follows? */

  /* live (upstream's segment is TIME, e.g. an RTMP ingest): the buffer
   * timestamps place the tags on upstream's timeline */
  gboolean in_time;             /* upstream's segment is TIME */
  GstSegment in_segment;        /* ... and forwarded as it is */
  guint32 in_seqnum;
  GstClockTime tag_in_time;     /* DTS (else PTS) of the input buffer in
                                 * which the tag being read starts */
  gboolean have_offset;         /* tag times move by offset */
  GstClockTimeDiff offset;      /* see gst_er_demux_tag_times () */
  guint64 pull_offset;          /* pull mode: the next byte to pull */
  gsize pull_next;              /* pull mode: size of the tag that starts
                                 * there when known (0: unknown) */

  /* streamheader from the sink caps, and how much of it to skip in-band */
  GValue streamheader;
  guint skip_headers;           /* index of the next one to expect */
  gboolean have_data;           /* the reader has been fed */
  gboolean header_seen;         /* the reader has read the FLV header */

  GstTagList *global_tags;      /* from onMetaData; NULL before */
  GstClockTime duration;

  /* warnings that concern no single track */
  guint warnings_held;
  gint64 last_warning_ms;
  gboolean warned_once;
};

/* A tag body, and the buffer to cut frames from without copying: the
 * input buffer when the tag was whole in it, else (made on first use) the
 * reader's own copy of the body. */
typedef struct
{
  const guint8 *data;
  gsize len;
  GstBuffer *buf;               /* holds data at offset; NULL: not yet */
  gsize offset;
  ertmp_flv_reader *reader;
} GstErDemuxPayload;

/* A sub-buffer of @p for @data / @len inside it (transfer full). */
GstBuffer *gst_er_demux_payload_region (GstErDemuxPayload * p,
    const guint8 * data, gsize len);

/* gsterdemuxreport.c: THE mapping of core results to bus messages.
 * @track may be NULL (the stream itself); @fault says what is wrong in
 * user terms.
 * Fatal: GST_ELEMENT_ERROR; otherwise a rate-limited GST_ELEMENT_WARNING. */
void gst_er_demux_report (GstErDemux * demux, ertmp_result res,
    GstErDemuxTrack * track, gboolean fatal, const gchar * fault);

/* The stream ended without a track that could be played: an error. */
void gst_er_demux_report_no_tracks (GstErDemux * demux);
/* @track's frames came without a SequenceStart: a warning
 * with details (see the element documentation); @exposed: they are played
 * without one (the codec carries its configuration in the frames), else
 * the track is left out after @waited_ms of stream time. */
void gst_er_demux_report_missing_start (GstErDemux * demux,
    GstErDemuxTrack * track, gboolean exposed, gint64 waited_ms);

/* gsterdemuxtime.c: the DTS (else PTS) of an input buffer */
GstClockTime gst_er_demux_input_time (GstBuffer * buf);
/* The tag at @ms came in a buffer stamped tag_in_time: the offset of its
 * times (live input only). */
void gst_er_demux_map_tag (GstErDemux * demux, gint64 ms);
/* gsterdemuxtime.c: the DTS and PTS of a track of the tag at @ms: wire time
 * (gst_ertmp_time_from_wire), moved onto upstream's timeline when live. */
void gst_er_demux_tag_times (GstErDemux * demux, ertmp_codec_kind kind,
    gint64 ms, gint32 cts_ms, guint32 nano_ns, GstClockTime * dts,
    GstClockTime * pts);
/* The segment every pad starts with (transfer full): upstream's when it is
 * TIME, else a TIME segment from 0. */
GstEvent *gst_er_demux_new_segment (GstErDemux * demux);

/* gsterdemux.c: @buf (transfer none) through the reader, as the chain
 * function does but without its DISCONT handling; tags whole in @buf leave
 * as sub-buffers of it. */
GstFlowReturn gst_er_demux_feed_buffer (GstErDemux * demux, GstBuffer * buf);
/* The input ended: report a truncated tail, EOS downstream. */
void gst_er_demux_handle_eos (GstErDemux * demux);

/* gsterdemuxpull.c: the sink pad's activation; pull mode when upstream
 * can seek (GST_SCHEDULING_FLAG_SEEKABLE), else push mode. */
gboolean gst_er_demux_sink_activate (GstPad * pad, GstObject * parent);
gboolean gst_er_demux_sink_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active);

/* gsterdemuxtrack.c */
GstErDemuxTrack *gst_er_demux_get_track (GstErDemux * demux,
    ertmp_codec_kind kind, guint8 id);
void gst_er_demux_free_tracks (GstErDemux * demux);
gchar *gst_er_demux_track_name (const GstErDemuxTrack * track);
/* One track of a tag at @ms (unwrapped): caps, pads, buffers. */
GstFlowReturn gst_er_demux_handle_track (GstErDemux * demux,
    const ertmp_media_header * hdr, const ertmp_media_track * track,
    GstErDemuxPayload * payload, gint64 ms);
void gst_er_demux_update_caps (GstErDemux * demux, GstErDemuxTrack * track);
/* Data was lost (resync, flush): DISCONT on every track's next buffer,
 * and a new segment after a flush when @segment. */
void gst_er_demux_set_discont (GstErDemux * demux, gboolean segment);
/* The global tags changed: every pad sends its tags again. */
void gst_er_demux_set_tags_pending (GstErDemux * demux);
/* Sends @event on every pad (transfer full); FALSE when none took it. */
gboolean gst_er_demux_push_event (GstErDemux * demux, GstEvent * event);
/* After a pad appeared, onMetaData or time went on: no-more-pads when
 * the tracks are known (GST_ER_DEMUX_NO_MORE_PADS_AFTER_MS). */
void gst_er_demux_check_no_more_pads (GstErDemux * demux, gboolean at_end);

/* gsterdemuxmeta.c: a script tag body (AMF0). */
void gst_er_demux_handle_script (GstErDemux * demux, const guint8 * data,
    gsize len);
/* FLV header flags: the tracks to expect when onMetaData says nothing. */
void gst_er_demux_handle_flv_header (GstErDemux * demux,
    const ertmp_flv_header * header);
/* The tags of @track's pad (transfer full), and the ones of the whole
 * stream (transfer none, made on first use). */
GstTagList *gst_er_demux_stream_tags (GstErDemux * demux,
    GstErDemuxTrack * track);
GstTagList *gst_er_demux_global_tags (GstErDemux * demux);

G_END_DECLS

#endif /* __GST_ER_DEMUX_H__ */
