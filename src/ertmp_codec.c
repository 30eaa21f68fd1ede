/* gst-ertmp: the codec table
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The table is indexed by ertmp_codec; lookups by FourCC or legacy id are
 * linear scans of 30 entries, which is cheaper than keeping a second index
 * in sync.
 */
#include "ertmp_codec.h"

#define A ERTMP_CODEC_KIND_AUDIO
#define V ERTMP_CODEC_KIND_VIDEO
#define LEG ERTMP_CODEC_FLAG_LEGACY
#define RO ERTMP_CODEC_FLAG_LEGACY_READ_ONLY
#define LPT ERTMP_CODEC_FLAG_LEGACY_PACKET_TYPE
#define CTS ERTMP_CODEC_FLAG_CTS
#define SEQ ERTMP_CODEC_FLAG_SEQUENCE_START
#define F ERTMP_FOURCC

/* designated, so that the index always equals the codec */
#define E(codec, kind, fourcc, id, flags, name) \
  [codec] = {codec, kind, fourcc, id, flags, name}

static const ertmp_codec_info codec_table[] = {
  E (ERTMP_CODEC_UNKNOWN, (ertmp_codec_kind) 0, 0, 0, 0, "unknown"),
  E (ERTMP_CODEC_AVC, V, F ('a', 'v', 'c', '1'), 7, LEG | LPT | CTS | SEQ,
      "H.264/AVC"),
  E (ERTMP_CODEC_HEVC, V, F ('h', 'v', 'c', '1'), 12,
      LEG | RO | LPT | CTS | SEQ, "H.265/HEVC"),
  E (ERTMP_CODEC_AV1, V, F ('a', 'v', '0', '1'), 0, SEQ, "AV1"),
  E (ERTMP_CODEC_VP9, V, F ('v', 'p', '0', '9'), 0, 0, "VP9"),
  E (ERTMP_CODEC_VP8, V, F ('v', 'p', '0', '8'), 0, 0, "VP8"),
  E (ERTMP_CODEC_VVC, V, F ('v', 'v', 'c', '1'), 0, CTS | SEQ, "H.266/VVC"),
  E (ERTMP_CODEC_H263, V, 0, 2, LEG, "Sorenson H.263"),
  E (ERTMP_CODEC_SCREEN, V, 0, 3, LEG, "Screen video"),
  E (ERTMP_CODEC_VP6, V, 0, 4, LEG, "On2 VP6"),
  E (ERTMP_CODEC_VP6_ALPHA, V, 0, 5, LEG, "On2 VP6 with alpha"),
  E (ERTMP_CODEC_SCREEN_V2, V, 0, 6, LEG, "Screen video v2"),
  E (ERTMP_CODEC_AAC, A, F ('m', 'p', '4', 'a'), 10, LEG | LPT | SEQ, "AAC"),
  E (ERTMP_CODEC_MP3, A, F ('.', 'm', 'p', '3'), 2, LEG, "MP3"),
  E (ERTMP_CODEC_OPUS, A, F ('O', 'p', 'u', 's'), 0, SEQ, "Opus"),
  E (ERTMP_CODEC_FLAC, A, F ('f', 'L', 'a', 'C'), 0, SEQ, "FLAC"),
  E (ERTMP_CODEC_AC3, A, F ('a', 'c', '-', '3'), 0, 0, "AC-3"),
  E (ERTMP_CODEC_EAC3, A, F ('e', 'c', '-', '3'), 0, 0, "E-AC-3"),
  E (ERTMP_CODEC_PCM, A, 0, 0, LEG, "Linear PCM, platform endian"),
  E (ERTMP_CODEC_ADPCM, A, 0, 1, LEG, "ADPCM"),
  E (ERTMP_CODEC_PCM_LE, A, 0, 3, LEG, "Linear PCM, little endian"),
  E (ERTMP_CODEC_NELLYMOSER_16K, A, 0, 4, LEG, "Nellymoser 16 kHz"),
  E (ERTMP_CODEC_NELLYMOSER_8K, A, 0, 5, LEG, "Nellymoser 8 kHz"),
  E (ERTMP_CODEC_NELLYMOSER, A, 0, 6, LEG, "Nellymoser"),
  E (ERTMP_CODEC_ALAW, A, 0, 7, LEG, "G.711 A-law"),
  E (ERTMP_CODEC_MULAW, A, 0, 8, LEG, "G.711 mu-law"),
  E (ERTMP_CODEC_SPEEX, A, 0, 11, LEG, "Speex"),
  E (ERTMP_CODEC_MP3_8K, A, 0, 14, LEG, "MP3 8 kHz"),
  E (ERTMP_CODEC_DEVICE_SPECIFIC, A, 0, 15, LEG, "Device-specific sound"),
};

#undef A
#undef V
#undef LEG
#undef RO
#undef LPT
#undef CTS
#undef SEQ
#undef F
#undef E

const ertmp_codec_info *
ertmp_codec_get (ertmp_codec codec)
{
  if (codec == ERTMP_CODEC_UNKNOWN ||
      (guint) codec >= G_N_ELEMENTS (codec_table))
    return NULL;
  return &codec_table[codec];
}

const gchar *
ertmp_codec_name (ertmp_codec codec)
{
  if ((guint) codec >= G_N_ELEMENTS (codec_table))
    return codec_table[ERTMP_CODEC_UNKNOWN].name;
  return codec_table[codec].name;
}

const ertmp_codec_info *
ertmp_codec_from_fourcc (guint32 fourcc)
{
  guint i;

  if (fourcc == 0)
    return NULL;
  for (i = 1; i < G_N_ELEMENTS (codec_table); i++)
    if (codec_table[i].fourcc == fourcc)
      return &codec_table[i];
  return NULL;
}

const ertmp_codec_info *
ertmp_codec_from_legacy (ertmp_codec_kind kind, guint8 legacy_id)
{
  guint i;

  for (i = 1; i < G_N_ELEMENTS (codec_table); i++) {
    const ertmp_codec_info *c = &codec_table[i];

    if (c->kind == kind && (c->flags & ERTMP_CODEC_FLAG_LEGACY) &&
        c->legacy_id == legacy_id)
      return c;
  }
  return NULL;
}

const ertmp_codec_info *
ertmp_codec_from_metadata_id (ertmp_codec_kind kind, gdouble id)
{
  const ertmp_codec_info *c;

  /* the range check is also false for NaN; then a whole number */
  if (!(id >= 0 && id <= (gdouble) G_MAXUINT32) ||
      id != (gdouble) (guint32) id)
    return NULL;
  if (id < 256)
    return ertmp_codec_from_legacy (kind, (guint8) id);
  c = ertmp_codec_from_fourcc ((guint32) id);
  return c != NULL && c->kind == kind ? c : NULL;
}

gdouble
ertmp_codec_metadata_id (const ertmp_codec_info * info, gboolean legacy)
{
  g_return_val_if_fail (info != NULL, 0);

  if (legacy && (info->flags & ERTMP_CODEC_FLAG_LEGACY) &&
      !(info->flags & ERTMP_CODEC_FLAG_LEGACY_READ_ONLY))
    return info->legacy_id;
  return info->fourcc;
}

guint32
ertmp_fourcc_from_string (const gchar * str, gsize len)
{
  guint32 fourcc;

  g_return_val_if_fail (str != NULL || len == 0, 0);

  if (len == 1 && str[0] == '*')
    return ERTMP_FOURCC_ANY;
  if (len != 4)
    return 0;
  fourcc = ERTMP_FOURCC (str[0], str[1], str[2], str[3]);
  /* "\0\0\0*" must not pass for "*" */
  return fourcc == ERTMP_FOURCC_ANY ? 0 : fourcc;
}

const gchar *
ertmp_fourcc_to_string (guint32 fourcc, gchar buf[5])
{
  g_return_val_if_fail (buf != NULL, NULL);

  if (fourcc == ERTMP_FOURCC_ANY) {
    buf[0] = '*';
    buf[1] = '\0';
    return buf;
  }
  buf[0] = (gchar) (fourcc >> 24);
  buf[1] = (gchar) (fourcc >> 16);
  buf[2] = (gchar) (fourcc >> 8);
  buf[3] = (gchar) fourcc;
  buf[4] = '\0';
  return buf;
}
