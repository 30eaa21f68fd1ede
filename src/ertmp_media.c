/* gst-ertmp: FLV audio/video tag bodies, reading
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The E-RTMP order (ertmp.md 2.2, 3.2): first byte, ModEx chain, command
 * check (video), Multitrack byte, shared FourCC, then per track [FourCC]
 * trackId [sizeOfTrack] [SI24 cts] body.  Audio and video share every step;
 * only the wire numbers differ, and those come from two small switches.
 *
 * Damage inside a multitrack message does not lose the tracks before it:
 * a sizeOfTrack past the end yields the rest as a truncated track, a track
 * too short for its cts is skipped (its size is known), a cut track header
 * ends the loop.  Each of these sets tag->status to MALFORMED.
 */
#include "ertmp_media.h"
#include "ertmp_media_private.h"

#include <string.h>

typedef enum
{
  TRACK_OK,                     /* a track was read */
  TRACK_SKIP,                   /* a broken track was stepped over */
  TRACK_END,                    /* no more tracks (see tag->status) */
} track_step;

guint8
ertmp_media_wire_packet (ertmp_codec_kind kind, ertmp_media_packet packet)
{
  gboolean video = kind == ERTMP_CODEC_KIND_VIDEO;

  switch (packet) {
    case ERTMP_MEDIA_PACKET_SEQUENCE_START:
      return ERTMP_MEDIA_WIRE_SEQUENCE_START;
    case ERTMP_MEDIA_PACKET_CODED_FRAMES:
      return ERTMP_MEDIA_WIRE_CODED_FRAMES;
    case ERTMP_MEDIA_PACKET_SEQUENCE_END:
      return 2;
    case ERTMP_MEDIA_PACKET_METADATA:
      return video ? 4 : ERTMP_MEDIA_WIRE_NONE;
    case ERTMP_MEDIA_PACKET_MPEG2TS_SEQUENCE_START:
      return video ? 5 : ERTMP_MEDIA_WIRE_NONE;
    case ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG:
      return video ? ERTMP_MEDIA_WIRE_NONE : 4;
    case ERTMP_MEDIA_PACKET_COMMAND:
    case ERTMP_MEDIA_PACKET_SILENCE:
      break;
  }
  return ERTMP_MEDIA_WIRE_NONE;
}

guint8
ertmp_media_wire_multitrack (ertmp_codec_kind kind)
{
  return kind == ERTMP_CODEC_KIND_VIDEO ? 6 : 5;
}

/* FALSE for reserved values and for the wrappers (Multitrack, ModEx) */
static gboolean
packet_from_wire (ertmp_codec_kind kind, guint8 wire,
    ertmp_media_packet * packet)
{
  gboolean video = kind == ERTMP_CODEC_KIND_VIDEO;

  switch (wire) {
    case ERTMP_MEDIA_WIRE_SEQUENCE_START:
      *packet = ERTMP_MEDIA_PACKET_SEQUENCE_START;
      return TRUE;
    case ERTMP_MEDIA_WIRE_CODED_FRAMES:
      *packet = ERTMP_MEDIA_PACKET_CODED_FRAMES;
      return TRUE;
    case 2:
      *packet = ERTMP_MEDIA_PACKET_SEQUENCE_END;
      return TRUE;
    case ERTMP_MEDIA_WIRE_CODED_FRAMES_X:
      *packet = ERTMP_MEDIA_PACKET_CODED_FRAMES;
      return video;
    case 4:
      *packet = video ? ERTMP_MEDIA_PACKET_METADATA :
          ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG;
      return TRUE;
    case 5:
      *packet = ERTMP_MEDIA_PACKET_MPEG2TS_SEQUENCE_START;
      return video;
    default:
      return FALSE;
  }
}

static ertmp_codec
codec_of_fourcc (ertmp_codec_kind kind, guint32 fourcc)
{
  const ertmp_codec_info *info = ertmp_codec_from_fourcc (fourcc);

  return info != NULL && info->kind == kind ? info->codec : ERTMP_CODEC_UNKNOWN;
}

static gboolean
codec_has (ertmp_codec codec, ertmp_codec_flags flag)
{
  const ertmp_codec_info *info = ertmp_codec_get (codec);

  return info != NULL && (info->flags & flag) != 0;
}

/* ---- legacy headers (flv.md 4, 5) ---------------------------------- */

/* The rest of the body is the one track of a legacy message. */
static void
set_legacy_track (ertmp_media_tag * tag, gint32 cts)
{
  ertmp_media_track *t = &tag->pending;

  t->codec = tag->hdr.codec;
  t->cts = cts;
  t->len = ertmp_reader_remaining (&tag->r);
  ertmp_reader_view (&tag->r, t->len, &t->data);
  tag->n_tracks = 1;
  tag->has_pending = TRUE;
}

static ertmp_result
parse_legacy_video (ertmp_media_tag * tag, guint8 b)
{
  ertmp_media_header *hdr = &tag->hdr;
  const ertmp_codec_info *info;
  guint8 pt = ERTMP_MEDIA_WIRE_CODED_FRAMES;
  gint32 cts = 0;

  hdr->frame_type = b >> 4;
  hdr->legacy_id = b & 0x0F;
  info = ertmp_codec_from_legacy (hdr->kind, hdr->legacy_id);
  hdr->codec = info != NULL ? info->codec : ERTMP_CODEC_UNKNOWN;
  /* AVC and HEVC: AVCPacketType and SI24 CompositionTime */
  if (codec_has (hdr->codec, ERTMP_CODEC_FLAG_LEGACY_PACKET_TYPE) &&
      (!ertmp_reader_u8 (&tag->r, &pt) || !ertmp_reader_s24be (&tag->r, &cts)))
    return ERTMP_MALFORMED;
  if (hdr->frame_type == ERTMP_MEDIA_FRAME_COMMAND) {
    hdr->packet = ERTMP_MEDIA_PACKET_COMMAND;
    return ertmp_reader_u8 (&tag->r, &hdr->command) ? ERTMP_OK :
        ERTMP_MALFORMED;
  }
  /* 0, 1, 2 are SequenceStart, CodedFrames, SequenceEnd as in E-RTMP */
  if (pt > 2 || !packet_from_wire (hdr->kind, pt, &hdr->packet))
    return ERTMP_UNSUPPORTED;
  set_legacy_track (tag, pt == ERTMP_MEDIA_WIRE_CODED_FRAMES ? cts : 0);
  return ERTMP_OK;
}

static ertmp_result
parse_legacy_audio (ertmp_media_tag * tag, guint8 b)
{
  ertmp_media_header *hdr = &tag->hdr;
  const ertmp_codec_info *info;
  guint8 pt = ERTMP_MEDIA_WIRE_CODED_FRAMES;

  hdr->legacy_id = b >> 4;
  hdr->sound_rate = (b >> 2) & 3;
  hdr->sound_size = (b >> 1) & 1;
  hdr->sound_type = b & 1;
  info = ertmp_codec_from_legacy (hdr->kind, hdr->legacy_id);
  hdr->codec = info != NULL ? info->codec : ERTMP_CODEC_UNKNOWN;
  /* AAC: AACPacketType 0 sequence header, 1 raw */
  if (codec_has (hdr->codec, ERTMP_CODEC_FLAG_LEGACY_PACKET_TYPE) &&
      !ertmp_reader_u8 (&tag->r, &pt))
    return ERTMP_MALFORMED;
  if (pt > 1 || !packet_from_wire (hdr->kind, pt, &hdr->packet))
    return ERTMP_UNSUPPORTED;
  set_legacy_track (tag, 0);
  return ERTMP_OK;
}

/* ---- E-RTMP ExHeader (ertmp.md 2.2, 3.2, 4, 5) ----------------------- */

/* One ModEx; *wire is 7 on entry and the next packet type on return. */
static ertmp_result
read_modex (ertmp_media_tag * tag, guint8 * wire)
{
  ertmp_media_header *hdr = &tag->hdr;
  const guint8 *mod;
  gsize size;
  guint8 b, next;
  guint16 b16;

  if (!ertmp_reader_u8 (&tag->r, &b))
    return ERTMP_MALFORMED;
  size = (gsize) b + 1;
  if (size == 256) {
    if (!ertmp_reader_u16be (&tag->r, &b16))
      return ERTMP_MALFORMED;
    size = (gsize) b16 + 1;
  }
  if (!ertmp_reader_view (&tag->r, size, &mod) ||
      !ertmp_reader_u8 (&tag->r, &next))
    return ERTMP_MALFORMED;
  /* >= 3 bytes, the first 3 a UI24 below one millisecond; anything else
   * and unknown ModEx types are skipped */
  if ((next >> 4) == ERTMP_MEDIA_MODEX_TIMESTAMP_OFFSET_NANO && size >= 3) {
    guint32 ns = ((guint32) mod[0] << 16) | ((guint32) mod[1] << 8) | mod[2];

    if (ns <= ERTMP_MEDIA_NANO_OFFSET_MAX) {
      hdr->has_nano_offset = TRUE;
      hdr->nano_offset = ns;
    }
  }
  *wire = next & 0x0F;
  return ERTMP_OK;
}

/* The Multitrack byte; *wire is the Multitrack type on entry. */
static ertmp_result
read_multitrack (ertmp_media_tag * tag, guint8 * wire)
{
  guint8 b, mt;

  if (!ertmp_reader_u8 (&tag->r, &b))
    return ERTMP_MALFORMED;
  mt = b >> 4;
  *wire = b & 0x0F;
  if (mt > ERTMP_MEDIA_WIRE_MANY_CODECS)
    return ERTMP_UNSUPPORTED;
  if (*wire == ertmp_media_wire_multitrack (tag->hdr.kind) ||
      *wire == ERTMP_MEDIA_WIRE_MODEX)
    return ERTMP_MALFORMED;
  tag->hdr.multitrack = ERTMP_MEDIA_MULTITRACK_ONE_TRACK + mt;
  return ERTMP_OK;
}

/* Whether a frame-type-5 video message at packet type @wire carries
 * Metadata, not a command: plain (0xD4), or wrapped (0xD6) with a
 * Multitrack byte naming Metadata.  A command's UI8 there would be a
 * reserved command (2..255), so the frame type is ignored for Metadata in
 * both forms, as ertmp.md 7 asks of receivers. */
static gboolean
metadata_follows (const ertmp_media_tag * tag, guint8 wire)
{
  guint8 meta = ertmp_media_wire_packet (tag->hdr.kind,
      ERTMP_MEDIA_PACKET_METADATA);
  guint32 next;

  if (wire == meta)
    return TRUE;
  return wire == ertmp_media_wire_multitrack (tag->hdr.kind) &&
      ertmp_reader_peek_be (&tag->r, 1, &next) && (next & 0x0F) == meta;
}

static ertmp_result
parse_enhanced (ertmp_media_tag * tag, guint8 b)
{
  ertmp_media_header *hdr = &tag->hdr;
  gboolean video = hdr->kind == ERTMP_CODEC_KIND_VIDEO;
  guint8 wire = b & 0x0F;
  ertmp_result res;

  hdr->enhanced = TRUE;
  hdr->frame_type = video ? (b >> 4) & 7 : 0;
  /* each ModEx consumes at least 3 bytes: the loop is bounded */
  while (wire == ERTMP_MEDIA_WIRE_MODEX)
    if ((res = read_modex (tag, &wire)) != ERTMP_OK)
      return res;
  if (video && hdr->frame_type == ERTMP_MEDIA_FRAME_COMMAND &&
      !metadata_follows (tag, wire)) {
    hdr->packet = ERTMP_MEDIA_PACKET_COMMAND;
    return ertmp_reader_u8 (&tag->r, &hdr->command) ? ERTMP_OK :
        ERTMP_MALFORMED;
  }
  if (wire == ertmp_media_wire_multitrack (hdr->kind) &&
      (res = read_multitrack (tag, &wire)) != ERTMP_OK)
    return res;
  if (!packet_from_wire (hdr->kind, wire, &hdr->packet))
    return ERTMP_UNSUPPORTED;
  tag->wire_packet = wire;
  if (hdr->multitrack != ERTMP_MEDIA_MULTITRACK_MANY_CODECS) {
    if (!ertmp_reader_u32be (&tag->r, &hdr->fourcc))
      return ERTMP_MALFORMED;
    hdr->codec = codec_of_fourcc (hdr->kind, hdr->fourcc);
  }
  return ERTMP_OK;
}

/* Per-track prefix: [FourCC] trackId [sizeOfTrack]; sets the body view.
 * FALSE when the prefix is cut (the position is then lost). */
static gboolean
read_track_prefix (ertmp_media_tag * tag, ertmp_media_track * t)
{
  ertmp_media_multitrack mt = tag->hdr.multitrack;
  guint32 size;

  if (mt == ERTMP_MEDIA_MULTITRACK_MANY_CODECS) {
    if (!ertmp_reader_u32be (&tag->r, &t->fourcc))
      return FALSE;
    t->codec = codec_of_fourcc (tag->hdr.kind, t->fourcc);
  }
  if (mt != ERTMP_MEDIA_MULTITRACK_NONE &&
      !ertmp_reader_u8 (&tag->r, &t->track_id))
    return FALSE;
  t->len = ertmp_reader_remaining (&tag->r);
  if (mt == ERTMP_MEDIA_MULTITRACK_MANY_TRACKS ||
      mt == ERTMP_MEDIA_MULTITRACK_MANY_CODECS) {
    if (!ertmp_reader_u24be (&tag->r, &size))
      return FALSE;
    t->len = ertmp_reader_remaining (&tag->r);
    if (size > t->len)
      t->truncated = TRUE;
    else
      t->len = size;
  }
  ertmp_reader_view (&tag->r, t->len, &t->data);
  return TRUE;
}

static track_step
read_track (ertmp_media_tag * tag, ertmp_media_track * t)
{
  ertmp_media_multitrack mt = tag->hdr.multitrack;
  gboolean many = mt == ERTMP_MEDIA_MULTITRACK_MANY_TRACKS ||
      mt == ERTMP_MEDIA_MULTITRACK_MANY_CODECS;

  memset (t, 0, sizeof (*t));
  if (tag->n_tracks > 0 && (!many || ertmp_reader_remaining (&tag->r) == 0))
    return TRACK_END;
  if (tag->n_tracks >= tag->max_tracks) {
    tag->status = ERTMP_LIMIT;
    return TRACK_END;
  }
  tag->n_tracks++;
  t->codec = tag->hdr.codec;
  t->fourcc = tag->hdr.fourcc;
  if (!read_track_prefix (tag, t)) {
    tag->status = ERTMP_MALFORMED;
    return TRACK_END;
  }
  if (t->truncated)
    tag->status = ERTMP_MALFORMED;
  if (tag->wire_packet == ERTMP_MEDIA_WIRE_CODED_FRAMES &&
      codec_has (t->codec, ERTMP_CODEC_FLAG_CTS)) {
    ertmp_reader body;

    ertmp_reader_init (&body, t->data, t->len);
    if (!ertmp_reader_s24be (&body, &t->cts)) {
      tag->status = ERTMP_MALFORMED;
      return TRACK_SKIP;
    }
    t->data = ertmp_reader_current (&body);
    t->len = ertmp_reader_remaining (&body);
  }
  return TRACK_OK;
}

/* Next readable track; steps over broken ones. */
static gboolean
read_good_track (ertmp_media_tag * tag, ertmp_media_track * t)
{
  for (;;) {
    switch (read_track (tag, t)) {
      case TRACK_OK:
        return TRUE;
      case TRACK_SKIP:
        break;
      case TRACK_END:
        return FALSE;
    }
  }
}

ertmp_result
ertmp_media_parse (ertmp_codec_kind kind, const guint8 * data, gsize len,
    const ertmp_limits * limits, ertmp_media_tag * tag)
{
  ertmp_result res;
  guint8 b;

  g_return_val_if_fail (tag != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);
  g_return_val_if_fail (kind == ERTMP_CODEC_KIND_AUDIO ||
      kind == ERTMP_CODEC_KIND_VIDEO, ERTMP_STATE);

  memset (tag, 0, sizeof (*tag));
  tag->hdr.kind = kind;
  tag->status = ERTMP_OK;
  tag->max_tracks = limits != NULL ? limits->max_tracks :
      ERTMP_LIMIT_DEFAULT_MAX_TRACKS;
  ertmp_reader_init (&tag->r, data, len);
  if (!ertmp_reader_u8 (&tag->r, &b)) {
    /* an empty audio message is the silence signal (ertmp.md 3.6) */
    tag->hdr.packet = ERTMP_MEDIA_PACKET_SILENCE;
    return kind == ERTMP_CODEC_KIND_AUDIO ? ERTMP_OK : ERTMP_MALFORMED;
  }
  if (kind == ERTMP_CODEC_KIND_VIDEO)
    res = (b & 0x80) ? parse_enhanced (tag, b) : parse_legacy_video (tag, b);
  else
    res = (b >> 4) == ERTMP_MEDIA_SOUND_FORMAT_EX ?
        parse_enhanced (tag, b) : parse_legacy_audio (tag, b);
  if (res != ERTMP_OK || tag->hdr.packet == ERTMP_MEDIA_PACKET_COMMAND ||
      tag->has_pending)
    return res;
  /* vouch for one track, so that a damaged plain message is MALFORMED */
  if (!read_good_track (tag, &tag->pending))
    return tag->status == ERTMP_LIMIT ? ERTMP_LIMIT : ERTMP_MALFORMED;
  tag->has_pending = TRUE;
  return ERTMP_OK;
}

gboolean
ertmp_media_next_track (ertmp_media_tag * tag, ertmp_media_track * track)
{
  g_return_val_if_fail (tag != NULL && track != NULL, FALSE);

  if (tag->has_pending) {
    *track = tag->pending;
    tag->has_pending = FALSE;
    return TRUE;
  }
  if (tag->n_tracks == 0)
    return FALSE;               /* COMMAND, SILENCE */
  return read_good_track (tag, track);
}

void
ertmp_media_legacy_audio_format (const ertmp_media_header * hdr,
    guint * rate, guint * channels, guint * bits)
{
  static const guint rates[] = { 5512, 11025, 22050, 44100 };
  guint r, c;

  g_return_if_fail (hdr != NULL);

  r = rates[hdr->sound_rate & 3];
  c = (hdr->sound_type & 1) + 1;
  switch (hdr->codec) {
    case ERTMP_CODEC_NELLYMOSER_16K:
    case ERTMP_CODEC_SPEEX:
      r = 16000;
      c = 1;
      break;
    case ERTMP_CODEC_NELLYMOSER_8K:
      r = 8000;
      c = 1;
      break;
    case ERTMP_CODEC_ALAW:
    case ERTMP_CODEC_MULAW:
    case ERTMP_CODEC_MP3_8K:
      r = 8000;
      break;
    default:
      break;
  }
  if (rate != NULL)
    *rate = r;
  if (channels != NULL)
    *channels = c;
  if (bits != NULL)
    *bits = (hdr->sound_size & 1) ? 16 : 8;
}
