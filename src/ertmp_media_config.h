/* gst-ertmp: what tag bodies carry besides frames (ertmp.md 2.6-2.8, 3.4,
 * 3.5, 7; flv.md 4)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * colorInfo metadata, MultichannelConfig and the configuration records a
 * demuxer needs to look into.  Each parser reads a track body
 * (ertmp_media_track data/len) and fills a plain struct; MALFORMED means
 * the body breaks the format, and nothing here allocates per peer byte
 * beyond the AMF decoder's limits.
 */
#ifndef ERTMP_MEDIA_CONFIG_H
#define ERTMP_MEDIA_CONFIG_H

#include <glib.h>
#include "ertmp_result.h"
#include "ertmp_media.h"

G_BEGIN_DECLS

/* ---- colorInfo (VideoPacketType Metadata, ertmp.md 7) ---------------- */

typedef enum
{
  ERTMP_MEDIA_COLOR_BIT_DEPTH = 1 << 0,
  ERTMP_MEDIA_COLOR_PRIMARIES = 1 << 1,
  ERTMP_MEDIA_COLOR_TRANSFER = 1 << 2,
  ERTMP_MEDIA_COLOR_MATRIX = 1 << 3,
  ERTMP_MEDIA_COLOR_MAX_FALL = 1 << 4,
  ERTMP_MEDIA_COLOR_MAX_CLL = 1 << 5,
  ERTMP_MEDIA_COLOR_RED_X = 1 << 6,
  ERTMP_MEDIA_COLOR_RED_Y = 1 << 7,
  ERTMP_MEDIA_COLOR_GREEN_X = 1 << 8,
  ERTMP_MEDIA_COLOR_GREEN_Y = 1 << 9,
  ERTMP_MEDIA_COLOR_BLUE_X = 1 << 10,
  ERTMP_MEDIA_COLOR_BLUE_Y = 1 << 11,
  ERTMP_MEDIA_COLOR_WHITE_X = 1 << 12,
  ERTMP_MEDIA_COLOR_WHITE_Y = 1 << 13,
  ERTMP_MEDIA_COLOR_MAX_LUMINANCE = 1 << 14,
  ERTMP_MEDIA_COLOR_MIN_LUMINANCE = 1 << 15,
} ertmp_media_color_field;

/* A field counts only when its bit is in @present.  present == 0 is the
 * reset to defaults (Undefined, {} or only empty sub-objects). */
typedef struct
{
  guint32 present;              /* ertmp_media_color_field */
  /* colorConfig: H.273 / ISO 23091-4 code points, whole numbers 0..255 */
  guint8 bit_depth;
  guint8 primaries;             /* colorPrimaries */
  guint8 transfer;              /* transferCharacteristics */
  guint8 matrix;                /* matrixCoefficients */
  /* hdrCll, cd/m2 */
  gdouble max_fall;
  gdouble max_cll;
  /* hdrMdcv: CIE 1931 xy, and luminance in cd/m2; finite, >= 0 */
  gdouble red_x, red_y, green_x, green_y, blue_x, blue_y, white_x, white_y;
  gdouble max_luminance;
  gdouble min_luminance;
} ertmp_media_color_info;

/* Reads ["colorInfo", Object | ECMA array | Undefined | Null] in AMF0 (or
 * AMF3 when the body starts with the AMF3 string marker).  Members of the
 * wrong type or out of range are left out of @present.  UNSUPPORTED: the
 * first value is another string (unknown metadata: skip it). */
ertmp_result ertmp_media_parse_color_info (const guint8 * data, gsize len,
    ertmp_media_color_info * info);
/* Appends the AMF0 body: "colorInfo" and an object with the sub-objects
 * that have a present field (colorConfig keys in OBS order). */
void ertmp_media_write_color_info (GByteArray * out,
    const ertmp_media_color_info * info);

/* ---- MultichannelConfig (AudioPacketType 4, ertmp.md 3.5) ------------ */

#define ERTMP_MEDIA_CHANNEL_ORDER_UNSPECIFIED 0
#define ERTMP_MEDIA_CHANNEL_ORDER_NATIVE 1
#define ERTMP_MEDIA_CHANNEL_ORDER_CUSTOM 2
/* AudioChannel values in a custom mapping besides speakers 0..23 */
#define ERTMP_MEDIA_CHANNEL_UNUSED 0xFE
#define ERTMP_MEDIA_CHANNEL_UNKNOWN 0xFF

typedef struct
{
  guint8 order;                 /* ERTMP_MEDIA_CHANNEL_ORDER_*; others
                                 * (reserved) carry only the count */
  guint8 channels;
  guint32 flags;                /* NATIVE: AudioChannelMask, 1 << speaker */
  guint8 mapping[255];          /* CUSTOM: speaker of each channel */
} ertmp_media_channels;

ertmp_result ertmp_media_parse_channels (const guint8 * data, gsize len,
    ertmp_media_channels * ch);
void ertmp_media_write_channels (GByteArray * out,
    const ertmp_media_channels * ch);

/* ---- configuration records ------------------------------------------- */

/* FFmpeg writes an empty SequenceStart before the real one (ertmp.md
 * 2.7): ignore it, change no caps. */
gboolean ertmp_media_is_empty_sequence_start (const ertmp_media_header * hdr,
    const ertmp_media_track * track);

typedef enum
{
  ERTMP_MEDIA_FLAC_SPEC = 0,    /* "fLaC" + STREAMINFO block [+ blocks] */
  ERTMP_MEDIA_FLAC_BLOCK,       /* block header + STREAMINFO */
  ERTMP_MEDIA_FLAC_BARE,        /* the 34-byte STREAMINFO (FFmpeg) */
} ertmp_media_flac_form;

typedef struct
{
  ertmp_media_flac_form form;
  const guint8 *streaminfo;     /* the 34 bytes, borrowed from the body */
  guint16 min_block, max_block;
  guint32 min_frame, max_frame;
  guint32 rate;                 /* Hz, not 0 */
  guint8 channels;              /* 1..8 */
  guint8 bits;                  /* 4..32 */
  guint64 total_samples;        /* 0 = unknown */
} ertmp_media_flac;

/* fLaC SequenceStart, any of the three forms (ertmp.md 3.4). */
ertmp_result ertmp_media_parse_flac (const guint8 * data, gsize len,
    ertmp_media_flac * flac);

typedef struct
{
  gboolean full_box;            /* the 12-byte FullBox form (read/write) */
  guint8 profile;
  guint8 level;
  guint8 bit_depth;
  guint8 chroma_subsampling;    /* 0 4:2:0 vertical, 1 4:2:0 colocated,
                                 * 2 4:2:2, 3 4:4:4 */
  gboolean full_range;
  guint8 primaries;
  guint8 transfer;
  guint8 matrix;
} ertmp_media_vpcc;

/* vp09/vp08 SequenceStart: the 8-byte record or its 12-byte FullBox form
 * (ertmp.md 2.8); codecInitializationData is ignored. */
ertmp_result ertmp_media_parse_vpcc (const guint8 * data, gsize len,
    ertmp_media_vpcc * vpcc);
/* Appends the record: with full_box the 12-byte "vpcC" FullBox form
 * (version 1, flags 0) of the VP codec ISO binding, else the 8-byte bare
 * record. */
void ertmp_media_write_vpcc (GByteArray * out, const ertmp_media_vpcc * vpcc);

/* The profile, bit_depth, chroma_subsampling (4:2:0 as 1, co-located),
 * full_range and matrix (from color_space) of a VP9 key frame's
 * uncompressed header (the first frame of a superframe); the other fields
 * are left as they are.  UNSUPPORTED: not a key frame (or a 4:4:0 one,
 * which vpcC cannot say); MALFORMED: not a VP9 frame header. */
ertmp_result ertmp_media_parse_vp9_frame (const guint8 * data, gsize len,
    ertmp_media_vpcc * vpcc);

/* The lowest VP9 level (10, 11, 20, ... 62) whose picture size and luma
 * sample rate take @width x @height at @fps (0: unknown, size only); 0
 * when the size is unknown or beyond level 6.2. */
guint8 ertmp_media_vp9_level (guint width, guint height, gdouble fps);

/* vvc1 SequenceStart: the VvcDecoderConfigurationRecord without the 4
 * FullBox bytes a peer may have left in (a record cannot start with 0x00).
 * *record borrows @data.  MALFORMED: empty, or still starting with 0x00. */
ertmp_result ertmp_media_vvcc_record (const guint8 * data, gsize len,
    const guint8 ** record, gsize * record_len);

typedef struct
{
  guint8 version;
  guint8 channels;              /* >= 1 */
  guint16 pre_skip;             /* samples at 48 kHz */
  guint32 input_rate;           /* Hz, informative (0 = unspecified) */
  gint16 output_gain;           /* Q7.8 dB */
  guint8 mapping_family;
  /* family 0: 1 stream, channels - 1 coupled, mapping 0, 1 */
  guint8 stream_count;
  guint8 coupled_count;
  guint8 mapping[255];          /* channels entries */
} ertmp_media_opus_head;

/* Opus SequenceStart: OpusHead (RFC 7845 5.1), little-endian fields.  An
 * empty SequenceStart is not OpusHead: check for it first. */
ertmp_result ertmp_media_parse_opus_head (const guint8 * data, gsize len,
    ertmp_media_opus_head * head);

typedef struct
{
  guint8 object_type;           /* 1..95: 2 LC, 5 SBR, 29 PS, ... */
  guint8 freq_index;            /* 15: explicit rate */
  guint32 rate;                 /* Hz of the core (no SBR doubling) */
  guint8 channel_config;        /* 0: in a PCE; 1..7 as defined */
  guint8 channels;              /* from channel_config, 0 if unknown */
} ertmp_media_aac_config;

/* AudioSpecificConfig, basic fields only (flv.md 4). */
ertmp_result ertmp_media_parse_aac_config (const guint8 * data, gsize len,
    ertmp_media_aac_config * aac);

/* av01 SequenceStart (ertmp.md 2.7) when the encoder gives no av1C: the
 * AV1CodecConfigurationRecord built from the first Sequence Header OBU in
 * @obus (low-overhead obu-stream, every OBU with a size field; AV1 spec
 * 5.5), with that OBU as configOBUs.  Appends to @out only on OK.
 * NEED_MORE: @obus end inside an OBU or hold no Sequence Header OBU (feed
 * a later temporal unit); MALFORMED: an OBU without a size field, a
 * leb128 size over 8 bytes, or a Sequence Header that does not parse. */
ertmp_result ertmp_media_build_av1c (const guint8 * obus, gsize len,
    GByteArray * out);

G_END_DECLS

#endif /* ERTMP_MEDIA_CONFIG_H */
