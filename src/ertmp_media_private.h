/* gst-ertmp: wire numbers shared by the media reader and writer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ERTMP_MEDIA_PRIVATE_H
#define ERTMP_MEDIA_PRIVATE_H

#include "ertmp_media.h"

G_BEGIN_DECLS

/* E-RTMP packet types that are the same for audio and video */
#define ERTMP_MEDIA_WIRE_SEQUENCE_START 0
#define ERTMP_MEDIA_WIRE_CODED_FRAMES 1
#define ERTMP_MEDIA_WIRE_CODED_FRAMES_X 3       /* video only */
#define ERTMP_MEDIA_WIRE_MODEX 7
/* no wire packet type for this packet and kind */
#define ERTMP_MEDIA_WIRE_NONE 0xFF

/* AvMultitrackType on the wire */
#define ERTMP_MEDIA_WIRE_ONE_TRACK 0
#define ERTMP_MEDIA_WIRE_MANY_TRACKS 1
#define ERTMP_MEDIA_WIRE_MANY_CODECS 2

#define ERTMP_MEDIA_MODEX_TIMESTAMP_OFFSET_NANO 0
#define ERTMP_MEDIA_NANO_OFFSET_MAX 999999u
/* legacy audio SoundFormat that announces the ExAudioTagHeader */
#define ERTMP_MEDIA_SOUND_FORMAT_EX 9
#define ERTMP_MEDIA_CTS_MIN (-0x800000)
#define ERTMP_MEDIA_CTS_MAX 0x7FFFFF

/* E-RTMP packet type of @packet for @kind (CodedFrames, never X), or
 * ERTMP_MEDIA_WIRE_NONE. */
guint8 ertmp_media_wire_packet (ertmp_codec_kind kind,
    ertmp_media_packet packet);
/* Multitrack packet type of @kind (video 6, audio 5) */
guint8 ertmp_media_wire_multitrack (ertmp_codec_kind kind);

/* MSB-first bit reader over a byte view (AudioSpecificConfig, AV1
 * sequence headers); FALSE and nothing consumed when too short */
typedef struct
{
  const guint8 *data;
  gsize len;
  gsize bit;
} ertmp_media_bit_reader;

/* MSB first, @n <= 32 */
static inline gboolean
ertmp_media_read_bits (ertmp_media_bit_reader * b, guint n, guint32 * out)
{
  guint32 v = 0;
  guint i;

  if (b->len * 8 - b->bit < n)
    return FALSE;
  for (i = 0; i < n; i++, b->bit++)
    v = (v << 1) | ((b->data[b->bit / 8] >> (7 - b->bit % 8)) & 1);
  *out = v;
  return TRUE;
}

G_END_DECLS

#endif /* ERTMP_MEDIA_PRIVATE_H */
