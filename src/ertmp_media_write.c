/* gst-ertmp: FLV audio/video tag bodies, writing
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The writer makes the choices real encoders make (ertmp.md 5, 13, 14):
 * OneTrack for every track but 0, one 3-byte TimestampOffsetNano ModEx,
 * CodedFramesX when an avc1/hvc1/vvc1 frame has cts 0, frame type 5 on
 * every Metadata.  A call that returns anything but OK leaves @out as it
 * was.
 */
#include "ertmp_media.h"
#include "ertmp_media_private.h"
#include "ertmp_bytes.h"

#include <string.h>

void
ertmp_media_header_init (ertmp_media_header * hdr, ertmp_codec_kind kind)
{
  g_return_if_fail (hdr != NULL);

  memset (hdr, 0, sizeof (*hdr));
  hdr->kind = kind;
  hdr->enhanced = TRUE;
  if (kind == ERTMP_CODEC_KIND_VIDEO)
    hdr->frame_type = ERTMP_MEDIA_FRAME_KEY;
  hdr->sound_rate = 3;
  hdr->sound_size = 1;
  hdr->sound_type = 1;
}

static gboolean
header_valid (const ertmp_media_header * hdr)
{
  return (hdr->kind == ERTMP_CODEC_KIND_AUDIO ||
      hdr->kind == ERTMP_CODEC_KIND_VIDEO) && hdr->frame_type <= 7 &&
      hdr->sound_rate <= 3 && hdr->sound_size <= 1 && hdr->sound_type <= 1 &&
      (!hdr->has_nano_offset ||
      hdr->nano_offset <= ERTMP_MEDIA_NANO_OFFSET_MAX);
}

/* Whether @track's cts goes on the wire (CodedFrames of a cts codec);
 * FALSE in *ok when the cts cannot be represented. */
static gboolean
cts_carried (const ertmp_media_header * hdr, const ertmp_media_track * track,
    gboolean * ok)
{
  const ertmp_codec_info *info = ertmp_codec_get (track->codec);
  gboolean has_cts = hdr->packet == ERTMP_MEDIA_PACKET_CODED_FRAMES &&
      info != NULL && (info->flags & ERTMP_CODEC_FLAG_CTS);

  if (track->cts < ERTMP_MEDIA_CTS_MIN || track->cts > ERTMP_MEDIA_CTS_MAX ||
      (!has_cts && track->cts != 0))
    *ok = FALSE;
  return has_cts;
}

/* FourCC of @track for @kind; 0 when it has none */
static guint32
track_fourcc (ertmp_codec_kind kind, const ertmp_media_track * track)
{
  const ertmp_codec_info *info;

  if (track->codec == ERTMP_CODEC_UNKNOWN)
    return track->fourcc;
  info = ertmp_codec_get (track->codec);
  return info != NULL && info->kind == kind ? info->fourcc : 0;
}

/* Video frame type on the wire.  Metadata: always 5, as FFmpeg writes it
 * (0xD4, or 0xD6 inside a Multitrack wrapper; ertmp.md 7).  FFmpeg parses
 * Metadata only with frame type 5 and, with any other frame type, hands
 * the colorInfo AMF to the decoder as a frame; a wrapped 0xD6 it skips as
 * a command.  Our reader tells a wrapped Metadata from a command by the
 * Multitrack byte (ertmp_media_parse()). */
static guint8
wire_frame_type (const ertmp_media_header * hdr)
{
  if (hdr->packet != ERTMP_MEDIA_PACKET_METADATA)
    return hdr->frame_type;
  return ERTMP_MEDIA_FRAME_COMMAND;
}

/* First byte, the optional ModEx, and the packet type that follows */
static void
put_ex_start (GByteArray * out, const ertmp_media_header * hdr, guint8 wire)
{
  guint8 b;

  if (hdr->kind == ERTMP_CODEC_KIND_VIDEO) {
    b = 0x80 | (wire_frame_type (hdr) << 4);
  } else {
    b = ERTMP_MEDIA_SOUND_FORMAT_EX << 4;
  }
  if (!hdr->has_nano_offset) {
    ertmp_put_u8 (out, b | wire);
    return;
  }
  ertmp_put_u8 (out, b | ERTMP_MEDIA_WIRE_MODEX);
  ertmp_put_u8 (out, 3 - 1);    /* ModEx data size - 1 */
  ertmp_put_u24be (out, hdr->nano_offset);
  ertmp_put_u8 (out, (ERTMP_MEDIA_MODEX_TIMESTAMP_OFFSET_NANO << 4) | wire);
}

/* E-RTMP wire packet type of the message, X when @frames_x */
static guint8
ex_wire_packet (const ertmp_media_header * hdr, gboolean frames_x)
{
  if (hdr->kind == ERTMP_CODEC_KIND_VIDEO && frames_x)
    return ERTMP_MEDIA_WIRE_CODED_FRAMES_X;
  return ertmp_media_wire_packet (hdr->kind, hdr->packet);
}

static gboolean
command_frame (const ertmp_media_header * hdr)
{
  return hdr->kind == ERTMP_CODEC_KIND_VIDEO &&
      hdr->frame_type == ERTMP_MEDIA_FRAME_COMMAND &&
      hdr->packet != ERTMP_MEDIA_PACKET_METADATA;
}

static ertmp_result
write_enhanced (GByteArray * out, const ertmp_media_header * hdr,
    const ertmp_media_track * track)
{
  guint32 fourcc = track_fourcc (hdr->kind, track);
  gboolean ok = TRUE;
  gboolean cts = cts_carried (hdr, track, &ok);
  guint8 wire = ex_wire_packet (hdr, cts && track->cts == 0);

  if (!ok || fourcc == 0 || wire == ERTMP_MEDIA_WIRE_NONE ||
      command_frame (hdr))
    return ERTMP_UNSUPPORTED;
  if (track->track_id == 0) {
    put_ex_start (out, hdr, wire);
  } else {
    put_ex_start (out, hdr, ertmp_media_wire_multitrack (hdr->kind));
    ertmp_put_u8 (out, (ERTMP_MEDIA_WIRE_ONE_TRACK << 4) | wire);
  }
  ertmp_put_u32be (out, fourcc);
  if (track->track_id != 0)
    ertmp_put_u8 (out, track->track_id);
  if (cts && track->cts != 0)
    ertmp_put_s24be (out, track->cts);
  return ERTMP_OK;
}

/* flv.md 4, 5: byte 0, then AVCPacketType + SI24 or AACPacketType */
static ertmp_result
write_legacy (GByteArray * out, const ertmp_media_header * hdr,
    const ertmp_media_track * track)
{
  const ertmp_codec_info *info = ertmp_codec_get (track->codec);
  gboolean video = hdr->kind == ERTMP_CODEC_KIND_VIDEO;
  gboolean ok = TRUE;
  gboolean cts = cts_carried (hdr, track, &ok);
  guint8 wire = ertmp_media_wire_packet (hdr->kind, hdr->packet);

  if (!ok || info == NULL || info->kind != hdr->kind ||
      !(info->flags & ERTMP_CODEC_FLAG_LEGACY) ||
      (info->flags & ERTMP_CODEC_FLAG_LEGACY_READ_ONLY) ||
      track->track_id != 0 || hdr->has_nano_offset || command_frame (hdr))
    return ERTMP_UNSUPPORTED;
  /* SequenceStart/End exist only where the legacy header says so */
  if (!(info->flags & ERTMP_CODEC_FLAG_LEGACY_PACKET_TYPE) ?
      hdr->packet != ERTMP_MEDIA_PACKET_CODED_FRAMES :
      wire > (video ? 2 : 1))
    return ERTMP_UNSUPPORTED;
  if (video)
    ertmp_put_u8 (out, (hdr->frame_type << 4) | info->legacy_id);
  else
    ertmp_put_u8 (out, (info->legacy_id << 4) | (hdr->sound_rate << 2) |
        (hdr->sound_size << 1) | hdr->sound_type);
  if (info->flags & ERTMP_CODEC_FLAG_LEGACY_PACKET_TYPE) {
    ertmp_put_u8 (out, wire);
    if (video)
      ertmp_put_s24be (out, cts ? track->cts : 0);
  }
  return ERTMP_OK;
}

ertmp_result
ertmp_media_write_header (GByteArray * out, const ertmp_media_header * hdr,
    const ertmp_media_track * track)
{
  g_return_val_if_fail (out != NULL && hdr != NULL && track != NULL,
      ERTMP_STATE);
  g_return_val_if_fail (header_valid (hdr), ERTMP_STATE);

  if (hdr->packet == ERTMP_MEDIA_PACKET_SILENCE)
    return hdr->kind == ERTMP_CODEC_KIND_AUDIO ? ERTMP_OK : ERTMP_UNSUPPORTED;
  if (hdr->enhanced)
    return write_enhanced (out, hdr, track);
  return write_legacy (out, hdr, track);
}

/* ---- ManyTracks / ManyTracksManyCodecs ------------------------------ */

/* Checks every track; sets *many_codecs and *frames_x for the message. */
static gboolean
check_tracks (const ertmp_media_header * hdr, const ertmp_media_track * tracks,
    guint n_tracks, gboolean * many_codecs, gboolean * frames_x)
{
  gboolean ok = TRUE, any_cts = FALSE, all_zero = TRUE;
  guint i;

  *many_codecs = FALSE;
  for (i = 0; i < n_tracks; i++) {
    const ertmp_media_track *t = &tracks[i];
    gsize size = t->len;

    if (cts_carried (hdr, t, &ok)) {
      any_cts = TRUE;
      size += 3;
    }
    all_zero = all_zero && t->cts == 0;
    if (track_fourcc (hdr->kind, t) == 0 || size > 0xFFFFFF ||
        (t->len > 0 && t->data == NULL))
      return FALSE;
    if (track_fourcc (hdr->kind, t) != track_fourcc (hdr->kind, &tracks[0]))
      *many_codecs = TRUE;
  }
  *frames_x = any_cts && all_zero;
  return ok;
}

ertmp_result
ertmp_media_write_tracks (GByteArray * out, const ertmp_media_header * hdr,
    const ertmp_media_track * tracks, guint n_tracks)
{
  gboolean many_codecs, frames_x;
  guint8 wire;
  guint i;

  g_return_val_if_fail (out != NULL && hdr != NULL, ERTMP_STATE);
  g_return_val_if_fail (tracks != NULL && n_tracks > 0, ERTMP_STATE);
  g_return_val_if_fail (header_valid (hdr), ERTMP_STATE);

  if (!hdr->enhanced || command_frame (hdr) ||
      !check_tracks (hdr, tracks, n_tracks, &many_codecs, &frames_x))
    return ERTMP_UNSUPPORTED;
  wire = ex_wire_packet (hdr, frames_x);
  if (wire == ERTMP_MEDIA_WIRE_NONE)
    return ERTMP_UNSUPPORTED;
  put_ex_start (out, hdr, ertmp_media_wire_multitrack (hdr->kind));
  ertmp_put_u8 (out, ((many_codecs ? ERTMP_MEDIA_WIRE_MANY_CODECS :
              ERTMP_MEDIA_WIRE_MANY_TRACKS) << 4) | wire);
  if (!many_codecs)
    ertmp_put_u32be (out, track_fourcc (hdr->kind, &tracks[0]));
  for (i = 0; i < n_tracks; i++) {
    const ertmp_media_track *t = &tracks[i];
    gboolean ok = TRUE;
    gboolean cts = cts_carried (hdr, t, &ok) && !frames_x;

    if (many_codecs)
      ertmp_put_u32be (out, track_fourcc (hdr->kind, t));
    ertmp_put_u8 (out, t->track_id);
    ertmp_put_u24be (out, (guint32) t->len + (cts ? 3 : 0));
    if (cts)
      ertmp_put_s24be (out, t->cts);
    ertmp_put_bytes (out, t->data, t->len);
  }
  return ERTMP_OK;
}
