/* gst-ertmp: the codec table (ertmp.md 2.1, 3.1, 12; flv.md 4, 5, 6.1)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ONE table: codec id <-> kind <-> E-RTMP FourCC <-> legacy FLV CodecID /
 * SoundFormat <-> name <-> properties.  Every other module (media parsing
 * and building, onMetaData, connect capabilities) asks this table instead
 * of keeping its own list.  Entries are static and never freed.
 */
#ifndef ERTMP_CODEC_H
#define ERTMP_CODEC_H

#include <glib.h>

G_BEGIN_DECLS

/* A FourCC is its 4 ASCII bytes read as a big-endian u32 ("hvc1" =
 * 0x68766331); FourCCs are case-sensitive ("Opus", "fLaC"). */
#define ERTMP_FOURCC(a, b, c, d) \
  (((guint32) (guint8) (a) << 24) | ((guint32) (guint8) (b) << 16) | \
   ((guint32) (guint8) (c) << 8) | (guint32) (guint8) (d))
/* the "*" entry of a connect fourCcList (any codec) */
#define ERTMP_FOURCC_ANY ERTMP_FOURCC (0, 0, 0, '*')

/* Audio or video.  The values are the FLV TagType and the RTMP message
 * type id that carry the kind, so either can be passed as is. */
typedef enum
{
  ERTMP_CODEC_KIND_AUDIO = 8,
  ERTMP_CODEC_KIND_VIDEO = 9,
} ertmp_codec_kind;

typedef enum
{
  ERTMP_CODEC_UNKNOWN = 0,      /* not in the table: skip, never guess */
  /* video with a FourCC */
  ERTMP_CODEC_AVC,              /* avc1, legacy 7 */
  ERTMP_CODEC_HEVC,             /* hvc1, legacy 12 read only (flv.md 5) */
  ERTMP_CODEC_AV1,              /* av01 */
  ERTMP_CODEC_VP9,              /* vp09 */
  ERTMP_CODEC_VP8,              /* vp08 */
  ERTMP_CODEC_VVC,              /* vvc1 */
  /* legacy-only video */
  ERTMP_CODEC_H263,             /* 2 Sorenson H.263 */
  ERTMP_CODEC_SCREEN,           /* 3 screen video */
  ERTMP_CODEC_VP6,              /* 4 On2 VP6 */
  ERTMP_CODEC_VP6_ALPHA,        /* 5 On2 VP6 with alpha */
  ERTMP_CODEC_SCREEN_V2,        /* 6 screen video v2 */
  /* audio with a FourCC */
  ERTMP_CODEC_AAC,              /* mp4a, legacy 10 */
  ERTMP_CODEC_MP3,              /* .mp3, legacy 2 */
  ERTMP_CODEC_OPUS,             /* Opus */
  ERTMP_CODEC_FLAC,             /* fLaC */
  ERTMP_CODEC_AC3,              /* ac-3 */
  ERTMP_CODEC_EAC3,             /* ec-3 */
  /* legacy-only audio */
  ERTMP_CODEC_PCM,              /* 0 linear PCM, platform endian */
  ERTMP_CODEC_ADPCM,            /* 1 SWF ADPCM */
  ERTMP_CODEC_PCM_LE,           /* 3 linear PCM, little endian */
  ERTMP_CODEC_NELLYMOSER_16K,   /* 4 Nellymoser 16 kHz mono */
  ERTMP_CODEC_NELLYMOSER_8K,    /* 5 Nellymoser 8 kHz mono */
  ERTMP_CODEC_NELLYMOSER,       /* 6 Nellymoser */
  ERTMP_CODEC_ALAW,             /* 7 G.711 A-law */
  ERTMP_CODEC_MULAW,            /* 8 G.711 mu-law */
  ERTMP_CODEC_SPEEX,            /* 11 Speex */
  ERTMP_CODEC_MP3_8K,           /* 14 MP3 8 kHz */
  ERTMP_CODEC_DEVICE_SPECIFIC,  /* 15 device-specific sound */
} ertmp_codec;

typedef enum
{
  /* has a legacy CodecID / SoundFormat (legacy_id is valid) */
  ERTMP_CODEC_FLAG_LEGACY = 1 << 0,
  /* the legacy id is accepted on read and never written (HEVC 12) */
  ERTMP_CODEC_FLAG_LEGACY_READ_ONLY = 1 << 1,
  /* the legacy header has a packet type byte (AVC/HEVC: + SI24 cts; AAC) */
  ERTMP_CODEC_FLAG_LEGACY_PACKET_TYPE = 1 << 2,
  /* CodedFrames carry an SI24 composition time (avc1, hvc1, vvc1) */
  ERTMP_CODEC_FLAG_CTS = 1 << 3,
  /* a SequenceStart configures the decoder: no caps before it
   * (avc1, hvc1, vvc1, av01, mp4a, Opus, fLaC; ertmp.md 12) */
  ERTMP_CODEC_FLAG_SEQUENCE_START = 1 << 4,
} ertmp_codec_flags;

typedef struct
{
  ertmp_codec codec;
  ertmp_codec_kind kind;
  guint32 fourcc;               /* 0: legacy only */
  guint8 legacy_id;             /* valid with ERTMP_CODEC_FLAG_LEGACY */
  guint flags;                  /* ertmp_codec_flags */
  const gchar *name;            /* human-readable, e.g. "H.265/HEVC" */
} ertmp_codec_info;

/* Lookups; NULL when nothing matches.  Entries are static. */
const ertmp_codec_info *ertmp_codec_get (ertmp_codec codec);
const ertmp_codec_info *ertmp_codec_from_fourcc (guint32 fourcc);
/* Includes the read-only ids (video 12 = HEVC). */
const ertmp_codec_info *ertmp_codec_from_legacy (ertmp_codec_kind kind,
    guint8 legacy_id);
/* onMetaData videocodecid / audiocodecid (flv.md 6.1): a whole number
 * >= 256 is a FourCC, a smaller one a legacy id of @kind. */
const ertmp_codec_info *ertmp_codec_from_metadata_id (ertmp_codec_kind kind,
    gdouble id);
/* The number to write there: the legacy id when @legacy and the codec has
 * a writable one, else the FourCC as a number; 0 when neither exists. */
gdouble ertmp_codec_metadata_id (const ertmp_codec_info * info,
    gboolean legacy);
/* "unknown" for ERTMP_CODEC_UNKNOWN and out-of-range values */
const gchar *ertmp_codec_name (ertmp_codec codec);

/* "hvc1" -> FourCC; "*" -> ERTMP_FOURCC_ANY; 0 when not 4 bytes */
guint32 ertmp_fourcc_from_string (const gchar * str, gsize len);
/* FourCC -> 4-character string ("*" for ANY) into @buf */
const gchar *ertmp_fourcc_to_string (guint32 fourcc, gchar buf[5]);

G_END_DECLS

#endif /* ERTMP_CODEC_H */
