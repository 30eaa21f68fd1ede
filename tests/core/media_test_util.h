/* gst-ertmp: vectors and helpers shared by the media tests
 * (test-vectors.md 5-8)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ERTMP_MEDIA_TEST_UTIL_H
#define ERTMP_MEDIA_TEST_UTIL_H

#include "test_util.h"
#include "ertmp_media.h"

#define V ERTMP_CODEC_KIND_VIDEO
#define A ERTMP_CODEC_KIND_AUDIO
#define MAX_TRACKS 8

/* ---- vectors ------------------------------------------------------- */

/* test-vectors.md 5: the AAC raw body of the FLV container vector */
static const gchar vec_5_aac_raw[] =
    "af"                        /* AAC, 44 kHz, 16 bit, stereo */
    "01"                        /* AACPacketType raw */
    "21 00";                    /* AAC frame */

/* test-vectors.md 6: AVC sequence header (51 bytes) */
static const gchar vec_6_avc_seq[] =
    "17"                        /* keyframe | AVC */
    "00"                        /* AVCPacketType 0 */
    "00 00 00"                  /* CTS 0 */
    "01 f4 00 0d ff e1 00 19 67 f4 00"  /* AVCDecoderConfigurationRecord */
    "0d 91 9b 28 28 3f 60 22 00 00 03 00 02 00 00 03"
    "00 78 1e 28 53 2c 01 00 06 68 eb e3 c4 48 44 ff" "f8 f8 00";

/* test-vectors.md 6: AAC sequence header */
static const gchar vec_6_aac_seq[] =
    "af"                        /* AAC, 44 kHz, 16 bit, stereo */
    "00"                        /* AACPacketType sequence header */
    "12 08 56 e5 00";           /* AudioSpecificConfig */

/* test-vectors.md 6: first video frame headers */
static const gchar vec_6_frame_key[] = "17 01 00 00 43";        /* CTS 67 */
static const gchar vec_6_frame_inter[] = "27 01 00 00 85";      /* CTS 133 */
static const gchar vec_6_frame_inter2[] = "27 01 00 00 21";     /* CTS 33 */

/* test-vectors.md 7.1 */
static const gchar vec_7_1[] =
    "91"                        /* IsEx, KeyFrame, CodedFrames */
    "68 76 63 31"               /* hvc1 */
    "00 00 21"                  /* SI24 +33 */
    "00 00 00 05 26 01 af 12 34";       /* one NALU */

/* test-vectors.md 7.2 */
static const gchar vec_7_2[] =
    "a1"                        /* IsEx, InterFrame, CodedFrames */
    "68 76 63 31"               /* hvc1 */
    "ff ff df"                  /* SI24 -33 */
    "00 00 00 04 02 01 d0 aa";  /* one NALU */

/* test-vectors.md 7.3 */
static const gchar vec_7_3[] =
    "a3"                        /* IsEx, InterFrame, CodedFramesX */
    "68 76 63 31"               /* hvc1 */
    "00 00 00 04 02 01 d0 aa";  /* one NALU, no CTS */

/* test-vectors.md 7.4 */
static const gchar vec_7_4[] =
    "91"                        /* IsEx, KeyFrame, CodedFrames */
    "61 76 63 31"               /* avc1 */
    "00 00 43"                  /* SI24 67 */
    "00 00 00 05 65 88 84 00 ff";       /* one NALU */

/* test-vectors.md 7.5 */
static const gchar vec_7_5[] =
    "92"                        /* IsEx, KeyFrame, SequenceEnd */
    "61 76 30 31";              /* av01 */

/* test-vectors.md 7.6 */
static const gchar vec_7_6[] =
    "90"                        /* IsEx, KeyFrame, SequenceStart */
    "76 70 30 39"               /* vp09 */
    "00 1f 82 01 01 01 00 00";  /* vpcC: profile 0, level 31, ... */

/* test-vectors.md 7.7 */
static const gchar vec_7_7[] =
    "d4"                        /* IsEx, frame type 5, Metadata */
    "68 76 63 31"               /* hvc1 */
    "02 00 09 63 6f 6c 6f 72 49 6e 66 6f"       /* "colorInfo" */
    "03 00 0b 63 6f 6c 6f 72 43 6f 6e 66 69 67 03"      /* colorConfig: { */
    "00 08 62 69 74 44 65 70 74 68 00 40 24 00 00 00 00 00 00"
                                /* bitDepth: 10 */
    "00 0e 63 6f 6c 6f 72 50 72 69 6d 61 72 69 65 73"
    "00 40 22 00 00 00 00 00 00"        /* colorPrimaries: 9 */
    "00 17 74 72 61 6e 73 66 65 72 43 68 61 72 61 63 74 65 72 69"
    "73 74 69 63 73 00 40 30 00 00 00 00 00 00"
                                /* transferCharacteristics: 16 */
    "00 12 6d 61 74 72 69 78 43 6f 65 66 66 69 63 69 65 6e 74 73"
    "00 40 22 00 00 00 00 00 00"        /* matrixCoefficients: 9 */
    "00 00 09"                  /* } */
    "00 00 09";                 /* } */

/* test-vectors.md 7.8 */
static const gchar vec_7_8[] =
    "d1"                        /* IsEx, frame type 5 (command) */
    "00";                       /* StartSeek */

/* test-vectors.md 7.9 */
static const gchar vec_7_9[] =
    "97"                        /* IsEx, KeyFrame, ModEx */
    "02"                        /* ModEx data size - 1 = 2 */
    "07 a1 20"                  /* TimestampOffsetNano 500000 */
    "01"                        /* ModExType 0, next CodedFrames */
    "68 76 63 31"               /* hvc1 */
    "00 00 00"                  /* SI24 0 */
    "00 00 00 05 26 01 af 12 34";       /* one NALU */

/* test-vectors.md 7.11 */
static const gchar vec_7_11[] =
    "96"                        /* IsEx, KeyFrame, Multitrack */
    "11"                        /* ManyTracks, CodedFrames */
    "68 76 63 31"               /* hvc1 */
    "00" "00 00 0c"             /* track 0, size 12 */
    "00 00 00" "00 00 00 05 26 01 af 12 34"     /* CTS 0, NALU */
    "01" "00 00 0a"             /* track 1, size 10 */
    "00 00 00" "00 00 00 03 26 01 bb";  /* CTS 0, NALU */

/* test-vectors.md 7.12 */
static const gchar vec_7_12[] =
    "a6"                        /* IsEx, InterFrame, Multitrack */
    "01"                        /* OneTrack, CodedFrames */
    "61 76 30 31"               /* av01 */
    "01"                        /* trackId 1 */
    "12 00 0a 0b";              /* TD OBU, then an OBU start */

/* test-vectors.md 7.13: real av01 SequenceStart from bbb.flv */
static const gchar vec_7_13_seq[] =
    "90"                        /* IsEx, KeyFrame, SequenceStart */
    "61 76 30 31"               /* av01 */
    "81 04 0c 00"               /* av1C */
    "0a 0b 00 00 00 24 cf 7f 0d bf ff 30 08";   /* sequence header OBU */

/* test-vectors.md 7.13: the empty av01 SequenceStart */
static const gchar vec_7_13_empty[] = "90 61 76 30 31";

/* test-vectors.md 7.13: colorInfo with an empty colorConfig */
static const gchar vec_7_13_meta[] =
    "d4"                        /* IsEx, frame type 5, Metadata */
    "61 76 30 31"               /* av01 */
    "02 00 09 63 6f 6c 6f 72 49 6e 66 6f"       /* "colorInfo" */
    "03 00 0b 63 6f 6c 6f 72 43 6f 6e 66 69 67" /* { colorConfig: */
    "03 00 00 09"               /* {} */
    "00 00 09";                 /* } */

/* test-vectors.md 7.13: AV1 keyframe and inter frame beginnings */
static const gchar vec_7_13_key[] = "91 61 76 30 31 12 00 0a 0b 00";
static const gchar vec_7_13_inter[] = "a1 61 76 30 31 12 00";

/* test-vectors.md 8.1 (and 8.12 stereo) */
static const gchar vec_8_1[] =
    "90"                        /* SoundFormat 9, SequenceStart */
    "4f 70 75 73"               /* Opus */
    "4f 70 75 73 48 65 61 64"   /* "OpusHead" */
    "01 02 38 01 80 bb 00 00 00 00 00"; /* v1, 2 ch, 312, 48000, 0, 0 */

/* test-vectors.md 8.2 */
static const gchar vec_8_2[] =
    "91"                        /* SoundFormat 9, CodedFrames */
    "4f 70 75 73"               /* Opus */
    "fc ff fe";                 /* Opus packet */

/* test-vectors.md 8.3 */
static const gchar vec_8_3[] =
    "90"                        /* SoundFormat 9, SequenceStart */
    "6d 70 34 61"               /* mp4a */
    "11 90";                    /* AudioSpecificConfig */

/* test-vectors.md 8.4 */
static const gchar vec_8_4[] =
    "94"                        /* SoundFormat 9, MultichannelConfig */
    "4f 70 75 73"               /* Opus */
    "01 06 00 00 00 3f";        /* Native, 6 ch, FL|FR|FC|LFE1|BL|BR */

/* test-vectors.md 8.5 */
static const gchar vec_8_5[] =
    "94" "4f 70 75 73"          /* MultichannelConfig, Opus */
    "02 02 00 01";              /* Custom, 2 ch, FL, FR */

/* test-vectors.md 8.6 */
static const gchar vec_8_6[] =
    "94" "4f 70 75 73"          /* MultichannelConfig, Opus */
    "00 02";                    /* Unspecified, 2 ch */

/* test-vectors.md 8.7 */
static const gchar vec_8_7[] = "92 4f 70 75 73";        /* SequenceEnd Opus */

/* test-vectors.md 8.8 */
static const gchar vec_8_8[] =
    "95"                        /* SoundFormat 9, Multitrack */
    "01"                        /* OneTrack, CodedFrames */
    "4f 70 75 73"               /* Opus */
    "01"                        /* trackId 1 */
    "fc ff fe";                 /* payload */

/* test-vectors.md 8.9 */
static const gchar vec_8_9[] =
    "95" "11"                   /* Multitrack: ManyTracks, CodedFrames */
    "4f 70 75 73"               /* Opus */
    "00" "00 00 03" "aa bb cc"  /* track 0, 3 bytes */
    "01" "00 00 02" "dd ee";    /* track 1, 2 bytes */

/* test-vectors.md 8.10 */
static const gchar vec_8_10[] =
    "95" "21"                   /* Multitrack: ManyTracksManyCodecs, CF */
    "4f 70 75 73" "00" "00 00 03" "aa bb cc"    /* Opus, track 0 */
    "6d 70 34 61" "01" "00 00 02" "dd ee";      /* mp4a, track 1 */

/* test-vectors.md 8.11 */
static const gchar vec_8_11[] =
    "97"                        /* SoundFormat 9, ModEx */
    "02" "03 d0 90"             /* 3 bytes: TimestampOffsetNano 250000 */
    "01"                        /* ModExType 0, next CodedFrames */
    "4f 70 75 73"               /* Opus */
    "fc ff fe";                 /* payload */

/* test-vectors.md 8.12: mono Opus from testsrc.flv, MultichannelConfigs */
static const gchar vec_8_12_mono[] =
    "90 4f 70 75 73"            /* SequenceStart Opus */
    "4f 70 75 73 48 65 61 64 01 01 38 01 80 bb 00 00 00 00 00";
static const gchar vec_8_12_mcc_mono[] =
    "94 4f 70 75 73" "01 01 00 00 00 04";       /* Native, 1 ch, FC */
static const gchar vec_8_12_mcc_stereo[] =
    "94 4f 70 75 73" "01 02 00 00 00 03";       /* Native, 2 ch, FL|FR */

typedef struct
{
  const gchar *name;
  ertmp_codec_kind kind;
  const gchar *hex;
} vector;

/* every vector above, for the prefix and split tests */
static const vector all_vectors[] G_GNUC_UNUSED = {
  {"5 aac raw", A, vec_5_aac_raw},
  {"6 avc seq", V, vec_6_avc_seq},
  {"6 aac seq", A, vec_6_aac_seq},
  {"6 key", V, vec_6_frame_key},
  {"6 inter", V, vec_6_frame_inter},
  {"6 inter2", V, vec_6_frame_inter2},
  {"7.1", V, vec_7_1},
  {"7.2", V, vec_7_2},
  {"7.3", V, vec_7_3},
  {"7.4", V, vec_7_4},
  {"7.5", V, vec_7_5},
  {"7.6", V, vec_7_6},
  {"7.7", V, vec_7_7},
  {"7.8", V, vec_7_8},
  {"7.9", V, vec_7_9},
  {"7.11", V, vec_7_11},
  {"7.12", V, vec_7_12},
  {"7.13 seq", V, vec_7_13_seq},
  {"7.13 empty", V, vec_7_13_empty},
  {"7.13 meta", V, vec_7_13_meta},
  {"7.13 key", V, vec_7_13_key},
  {"7.13 inter", V, vec_7_13_inter},
  {"8.1", A, vec_8_1},
  {"8.2", A, vec_8_2},
  {"8.3", A, vec_8_3},
  {"8.4", A, vec_8_4},
  {"8.5", A, vec_8_5},
  {"8.6", A, vec_8_6},
  {"8.7", A, vec_8_7},
  {"8.8", A, vec_8_8},
  {"8.9", A, vec_8_9},
  {"8.10", A, vec_8_10},
  {"8.11", A, vec_8_11},
  {"8.12 mono", A, vec_8_12_mono},
  {"8.12 mcc mono", A, vec_8_12_mcc_mono},
  {"8.12 mcc stereo", A, vec_8_12_mcc_stereo},
};

/* ---- helpers ------------------------------------------------------- */

typedef struct
{
  GByteArray *bytes;            /* owns the input the views borrow */
  ertmp_media_tag tag;
  guint n;
  ertmp_media_track t[MAX_TRACKS];
} parsed;

static inline ertmp_result
parse_bytes (ertmp_codec_kind kind, GByteArray * b, parsed * p)
{
  ertmp_result res;

  p->bytes = b;
  p->n = 0;
  res = ertmp_media_parse (kind, b->data, b->len, NULL, &p->tag);
  if (res != ERTMP_OK)
    return res;
  while (p->n < MAX_TRACKS && ertmp_media_next_track (&p->tag, &p->t[p->n]))
    p->n++;
  return res;
}

static inline ertmp_result
parse_hex (ertmp_codec_kind kind, const gchar * hex, parsed * p)
{
  return parse_bytes (kind, test_hex (hex), p);
}

static inline void
parsed_clear (parsed * p)
{
  g_byte_array_unref (p->bytes);
}

static inline void
assert_body (const ertmp_media_track * t, const gchar * hex)
{
  GByteArray *want = test_hex (hex);

  ck_assert_bytes_eq (t->data, t->len, want->data, want->len);
  g_byte_array_unref (want);
}

/* Our writer reproduces @hex: header from the parse + the body. */
static inline void
assert_rebuilds (ertmp_codec_kind kind, const gchar * hex)
{
  GByteArray *out = g_byte_array_new ();
  parsed p;

  ck_assert_int_eq (parse_hex (kind, hex, &p), ERTMP_OK);
  ck_assert_uint_eq (p.n, 1);
  ck_assert_int_eq (ertmp_media_write_header (out, &p.tag.hdr, &p.t[0]),
      ERTMP_OK);
  g_byte_array_append (out, p.t[0].data, p.t[0].len);
  ck_assert_bytes_eq (out->data, out->len, p.bytes->data, p.bytes->len);
  g_byte_array_unref (out);
  parsed_clear (&p);
}

static inline void
assert_track_eq (const ertmp_media_track * a, const ertmp_media_track * b)
{
  ck_assert_uint_eq (a->track_id, b->track_id);
  ck_assert_int_eq (a->codec, b->codec);
  ck_assert_int_eq (a->cts, b->cts);
  ck_assert_bytes_eq (a->data, a->len, b->data, b->len);
}

/* Writes @hdr + @track + body, parses it back and compares. */
static inline void
assert_reparses (const ertmp_media_header * hdr,
    const ertmp_media_track * track)
{
  GByteArray *out = g_byte_array_new ();
  parsed p;

  ck_assert_int_eq (ertmp_media_write_header (out, hdr, track), ERTMP_OK);
  g_byte_array_append (out, track->data, track->len);
  ck_assert_int_eq (parse_bytes (hdr->kind, out, &p), ERTMP_OK);
  ck_assert_uint_eq (p.n, 1);
  ck_assert_int_eq (p.tag.status, ERTMP_OK);
  ck_assert_int_eq (p.tag.hdr.enhanced, hdr->enhanced);
  ck_assert_int_eq (p.tag.hdr.packet, hdr->packet);
  ck_assert_int_eq (p.tag.hdr.has_nano_offset, hdr->has_nano_offset);
  if (hdr->has_nano_offset)
    ck_assert_uint_eq (p.tag.hdr.nano_offset, hdr->nano_offset);
  if (hdr->kind == V && hdr->packet != ERTMP_MEDIA_PACKET_METADATA)
    ck_assert_uint_eq (p.tag.hdr.frame_type, hdr->frame_type);
  assert_track_eq (&p.t[0], track);
  parsed_clear (&p);
}

#endif /* ERTMP_MEDIA_TEST_UTIL_H */
