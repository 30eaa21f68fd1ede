/* gst-ertmp: FLV audio/video tag bodies (flv.md 4, 5; ertmp.md 2-6)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An RTMP audio/video message payload is an FLV tag body, so FLV files and
 * RTMP connections share this module.  Stateless: one call parses one body,
 * one call writes one header.
 *
 * Reading:
 *
 *   ertmp_media_tag tag;
 *   ertmp_media_track track;
 *
 *   if (ertmp_media_parse (kind, data, len, limits, &tag) != ERTMP_OK)
 *     drop the message;
 *   while (ertmp_media_next_track (&tag, &track))
 *     use tag.hdr and track;
 *   if (tag.status != ERTMP_OK)
 *     the message was damaged (MALFORMED) or held too many tracks (LIMIT);
 *     what was yielded is good;
 *
 * The tag and every track borrow @data: they are valid as long as it is.
 *
 * Writing: ertmp_media_write_header() appends everything that precedes a
 * track's payload, so that a muxer can append the payload memory without
 * copying it.
 */
#ifndef ERTMP_MEDIA_H
#define ERTMP_MEDIA_H

#include <glib.h>
#include "ertmp_result.h"
#include "ertmp_limits.h"
#include "ertmp_bytes.h"
#include "ertmp_codec.h"

G_BEGIN_DECLS

/* Video frame types as on the wire (3 bits E-RTMP, 4 bits legacy).  Other
 * values (0, 6, 7) are passed through: treat them as not a keyframe. */
#define ERTMP_MEDIA_FRAME_KEY 1
#define ERTMP_MEDIA_FRAME_INTER 2
#define ERTMP_MEDIA_FRAME_DISPOSABLE 3  /* H.263 only */
#define ERTMP_MEDIA_FRAME_GENERATED_KEY 4       /* server use only */
#define ERTMP_MEDIA_FRAME_COMMAND 5

/* What the message carries.  One enum for legacy and E-RTMP, audio and
 * video; the wire numbers differ per kind and are the writer's business. */
typedef enum
{
  ERTMP_MEDIA_PACKET_SEQUENCE_START = 0,        /* configuration record */
  ERTMP_MEDIA_PACKET_CODED_FRAMES,      /* also CodedFramesX, legacy data */
  ERTMP_MEDIA_PACKET_SEQUENCE_END,      /* empty body */
  ERTMP_MEDIA_PACKET_METADATA,  /* video: AMF ["colorInfo", {...}] */
  ERTMP_MEDIA_PACKET_MPEG2TS_SEQUENCE_START,    /* video, av01: TS descriptor */
  ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG,       /* audio: channel layout */
  ERTMP_MEDIA_PACKET_COMMAND,   /* video frame type 5: drop the message */
  ERTMP_MEDIA_PACKET_SILENCE,   /* audio message of length 0 */
} ertmp_media_packet;

typedef enum
{
  ERTMP_MEDIA_MULTITRACK_NONE = 0,      /* plain message: track 0 */
  ERTMP_MEDIA_MULTITRACK_ONE_TRACK,     /* wire 0: one track, explicit id */
  ERTMP_MEDIA_MULTITRACK_MANY_TRACKS,   /* wire 1: shared FourCC, sizes */
  ERTMP_MEDIA_MULTITRACK_MANY_CODECS,   /* wire 2: FourCC per track */
} ertmp_media_multitrack;

/* Everything a message says once, for all its tracks. */
typedef struct
{
  ertmp_codec_kind kind;
  gboolean enhanced;            /* E-RTMP ExHeader (FourCC) form */
  guint8 frame_type;            /* video: ERTMP_MEDIA_FRAME_*; audio: 0 */
  ertmp_media_packet packet;    /* shared by every track */
  /* shared codec: UNKNOWN / 0 for MANY_CODECS, see each track */
  ertmp_codec codec;
  guint32 fourcc;               /* E-RTMP: as on the wire; legacy: 0 */
  guint8 legacy_id;             /* legacy: CodecID / SoundFormat as read */
  /* legacy audio byte 0: SoundRate 0..3 (5.5/11/22/44 kHz), SoundSize
   * 0..1 (8/16 bit), SoundType 0..1 (mono/stereo) */
  guint8 sound_rate;
  guint8 sound_size;
  guint8 sound_type;
  /* ModEx TimestampOffsetNano: add to this message's DTS and PTS */
  gboolean has_nano_offset;
  guint32 nano_offset;          /* ns, 0..999999 */
  ertmp_media_multitrack multitrack;
  guint8 command;               /* packet COMMAND: 0 StartSeek, 1 EndSeek */
} ertmp_media_header;

/* One track of a message.  A plain message has one track, id 0. */
typedef struct
{
  guint8 track_id;              /* 0 = the default track */
  ertmp_codec codec;            /* UNKNOWN: not in the table; skip it */
  guint32 fourcc;               /* E-RTMP: as on the wire; legacy: 0 */
  gint32 cts;                   /* ms, PTS - DTS; 0 unless carried */
  const guint8 *data;           /* body after every header field (config */
  gsize len;                    /* record, frames, AMF, ...); borrowed */
  gboolean truncated;           /* sizeOfTrack ran past the message end */
} ertmp_media_track;

typedef struct
{
  ertmp_media_header hdr;
  /* OK; after the track loop also MALFORMED (a track was cut short or
   * unreadable) or LIMIT (more than limits->max_tracks tracks) */
  ertmp_result status;
  /*< private > */
  ertmp_reader r;               /* at the next track */
  guint8 wire_packet;           /* E-RTMP packet type inside any wrapper */
  guint32 n_tracks;             /* read so far */
  guint32 max_tracks;
  gboolean has_pending;         /* parse read the first track */
  ertmp_media_track pending;
} ertmp_media_tag;

/* Parses the header of a tag body of @kind and its first track.  @limits
 * may be NULL (defaults).  MALFORMED: cut or broken before the first
 * track's payload; UNSUPPORTED: a reserved packet type or multitrack type
 * (skip the message).  Unknown codecs are not an error (codec UNKNOWN).
 * On anything but OK, @tag is unusable. */
ertmp_result ertmp_media_parse (ertmp_codec_kind kind, const guint8 * data,
    gsize len, const ertmp_limits * limits, ertmp_media_tag * tag);

/* Fills @track with the next track: TRUE, or FALSE when there is none left
 * (COMMAND and SILENCE have none).  Check tag->status after the loop.  The
 * work per call is bounded; the number of calls by limits->max_tracks. */
gboolean ertmp_media_next_track (ertmp_media_tag * tag,
    ertmp_media_track * track);

/* Defaults for writing: @kind, enhanced, key frame (video), and the legacy
 * audio byte 0xAF convention (44 kHz, 16 bit, stereo; flv.md 4). */
void ertmp_media_header_init (ertmp_media_header * hdr,
    ertmp_codec_kind kind);

/* Appends the header of one track's message: everything before
 * track->data (not read here).  Reads from @hdr: kind, enhanced,
 * frame_type, packet, sound_* (legacy audio), has_nano_offset /
 * nano_offset (0..999999); from @track: track_id, codec (or its fourcc
 * when UNKNOWN, E-RTMP only), cts.  The choices real encoders make:
 *  - track_id != 0: Multitrack OneTrack; track 0: the plain form;
 *  - nano offset: one ModEx TimestampOffsetNano of exactly 3 bytes;
 *  - cts 0 on avc1/hvc1/vvc1: CodedFramesX;
 *  - Metadata: frame type 5, plain (0xD4) or wrapped (0xD6), the only
 *    form FFmpeg does not mistake for a frame (ertmp.md 7);
 *  - SILENCE: nothing at all (an empty message).
 * UNSUPPORTED, nothing appended: legacy without a writable legacy id or
 * with a track id or nano offset, cts outside SI24 or on a codec without
 * cts, COMMAND, a packet the kind or the legacy header lacks. */
ertmp_result ertmp_media_write_header (GByteArray * out,
    const ertmp_media_header * hdr, const ertmp_media_track * track);

/* Appends a whole E-RTMP ManyTracks message (ManyTracksManyCodecs when the
 * FourCCs differ), payloads included (copied).  Same rules as above;
 * UNSUPPORTED also when a track does not fit the 24-bit size. */
ertmp_result ertmp_media_write_tracks (GByteArray * out,
    const ertmp_media_header * hdr, const ertmp_media_track * tracks,
    guint n_tracks);

/* Legacy audio: the actual rate (Hz), channels and sample bits, with the
 * fixed values of Nellymoser 8/16 kHz, G.711, Speex and MP3 8 kHz. */
void ertmp_media_legacy_audio_format (const ertmp_media_header * hdr,
    guint * rate, guint * channels, guint * bits);

G_END_DECLS

#endif /* ERTMP_MEDIA_H */
