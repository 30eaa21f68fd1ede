/* gst-ertmp: how far a video stream reorders frames, from its SPS
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * H.264 7.3.2.1.1 and E.1.1 (the SPS up to VUI bitstream_restriction),
 * H.265 7.3.2.2 (the SPS up to sps_max_num_reorder_pics).  The bit reader
 * drops emulation prevention bytes as it goes, so nothing is copied.
 */
#include "ertmp_media_reorder.h"
#include "ertmp_bytes.h"

#include <string.h>

#define AVC_NAL_SPS 7
#define HEVC_NAL_SPS 33
#define UE_MAX_BITS 31

typedef struct
{
  const guint8 *data;
  gsize len, pos;
  guint bit;                    /* bits of data[pos] used, 0..7 */
  guint zeros;                  /* 0x00 bytes just read */
  gboolean error;               /* read past the end */
} bits;

static void
bits_init (bits * b, const guint8 * data, gsize len)
{
  memset (b, 0, sizeof (*b));
  b->data = data;
  b->len = len;
}

static guint
bit1 (bits * b)
{
  guint v;

  if (b->bit == 0) {
    /* 00 00 03: the 03 is an emulation prevention byte */
    if (b->zeros >= 2 && b->pos < b->len && b->data[b->pos] == 3) {
      b->pos++;
      b->zeros = 0;
    }
    if (b->pos >= b->len) {
      b->error = TRUE;
      return 0;
    }
    b->zeros = b->data[b->pos] == 0 ? b->zeros + 1 : 0;
  }
  v = (b->data[b->pos] >> (7 - b->bit)) & 1;
  if (++b->bit == 8) {
    b->bit = 0;
    b->pos++;
  }
  return v;
}

static guint32
bitsn (bits * b, guint n)
{
  guint32 v = 0;

  while (n--)
    v = (v << 1) | bit1 (b);
  return v;
}

static void
skip (bits * b, guint n)
{
  while (n-- && !b->error)
    bit1 (b);
}

/* ue(v); at most 31 leading zeros, more is an error */
static guint32
ue (bits * b)
{
  guint zeros = 0;

  while (!b->error && bit1 (b) == 0)
    if (++zeros > UE_MAX_BITS) {
      b->error = TRUE;
      return 0;
    }
  return (guint32) (((guint64) 1 << zeros) - 1 + bitsn (b, zeros));
}

static gint32
se (bits * b)
{
  guint32 k = ue (b);

  return (k & 1) ? (gint32) ((k + 1) / 2) : -(gint32) (k / 2);
}

/* ---- H.264 ------------------------------------------------------------ */

static void
avc_scaling_list (bits * b, guint size)
{
  gint last = 8, next = 8;
  guint j;

  for (j = 0; j < size && !b->error; j++) {
    if (next != 0)
      next = (last + se (b) + 256) % 256;
    last = next == 0 ? last : next;
  }
}

static void
avc_hrd (bits * b)
{
  guint32 n = ue (b), i;

  if (n > 31) {
    b->error = TRUE;
    return;
  }
  skip (b, 8);                  /* bit_rate_scale, cpb_size_scale */
  for (i = 0; i <= n && !b->error; i++) {
    ue (b);
    ue (b);
    skip (b, 1);
  }
  skip (b, 20);
}

/* H.264 A.3.1 Table A-1: MaxDpbMbs by level_idc */
static guint
avc_max_dpb_mbs (guint level, gboolean level_1b)
{
  static const struct
  {
    guint8 level;
    guint32 mbs;
  } table[] = {
    {9, 396}, {10, 396}, {11, 900}, {12, 2376}, {13, 2376}, {20, 2376},
    {21, 4752}, {22, 8100}, {30, 8100}, {31, 18000}, {32, 20480},
    {40, 32768}, {41, 32768}, {42, 34816}, {50, 110400}, {51, 184320},
    {52, 184320},
  };
  guint i;

  if (level == 11 && level_1b)
    return 396;
  for (i = 0; i < G_N_ELEMENTS (table); i++)
    if (table[i].level == level)
      return table[i].mbs;
  return 696320;                /* 6, 6.1, 6.2 and beyond */
}

/* Through the SPS fields before vui_parameters_present_flag; FALSE when
 * the SPS is broken.  Sets the inferred depth. */
static gboolean
avc_sps_head (bits * b, guint * depth)
{
  guint profile = bitsn (b, 8), flags = bitsn (b, 8), level = bitsn (b, 8);
  guint32 poc, n, i, w, h, frame_mbs_only, max_mbs;
  gboolean intra;

  ue (b);                       /* seq_parameter_set_id */
  if (profile == 100 || profile == 110 || profile == 122 || profile == 244 ||
      profile == 44 || profile == 83 || profile == 86 || profile == 118 ||
      profile == 128 || profile == 138 || profile == 139 || profile == 134 ||
      profile == 135) {
    guint32 chroma = ue (b);

    if (chroma == 3)
      skip (b, 1);
    ue (b);
    ue (b);
    skip (b, 1);
    if (bit1 (b))
      for (i = 0; i < (chroma == 3 ? 12u : 8u) && !b->error; i++)
        if (bit1 (b))
          avc_scaling_list (b, i < 6 ? 16 : 64);
  }
  ue (b);                       /* log2_max_frame_num_minus4 */
  poc = ue (b);
  if (poc == 0) {
    ue (b);
  } else if (poc == 1) {
    skip (b, 1);
    se (b);
    se (b);
    if ((n = ue (b)) > 255)
      return FALSE;
    for (i = 0; i < n && !b->error; i++)
      se (b);
  }
  ue (b);                       /* max_num_ref_frames */
  skip (b, 1);
  w = ue (b) + 1;
  h = ue (b) + 1;
  frame_mbs_only = bit1 (b);
  if (!frame_mbs_only)
    skip (b, 1);
  skip (b, 1);                  /* direct_8x8_inference_flag */
  if (bit1 (b))
    for (i = 0; i < 4; i++)
      ue (b);
  if (b->error || w > 0xFFFF || h > 0xFFFF)
    return FALSE;
  /* E.2.1: intra profiles with constraint_set3 and Baseline (no B
   * slices) never reorder; otherwise MaxDpbFrames */
  intra = (flags & 0x10) && (profile == 44 || profile == 86 ||
      profile == 100 || profile == 110 || profile == 122 || profile == 244);
  max_mbs = avc_max_dpb_mbs (level, (flags & 0x10) != 0);
  *depth = intra || profile == 66 ? 0 :
      MIN (max_mbs / (w * h * (2 - frame_mbs_only)), ERTMP_MEDIA_REORDER_MAX);
  return TRUE;
}

/* @sps without its NAL header byte */
static ertmp_result
avc_depth (const guint8 * sps, gsize len, guint * depth)
{
  bits b;
  guint32 reorder;

  bits_init (&b, sps, len);
  if (!avc_sps_head (&b, depth))
    return ERTMP_MALFORMED;
  if (!bit1 (&b))               /* vui_parameters_present_flag */
    return b.error ? ERTMP_MALFORMED : ERTMP_OK;
  if (bit1 (&b) && bitsn (&b, 8) == 255)        /* aspect_ratio_idc */
    skip (&b, 32);
  if (bit1 (&b))                /* overscan_info_present_flag */
    skip (&b, 1);
  if (bit1 (&b)) {              /* video_signal_type_present_flag */
    skip (&b, 4);
    if (bit1 (&b))
      skip (&b, 24);
  }
  if (bit1 (&b)) {              /* chroma_loc_info_present_flag */
    ue (&b);
    ue (&b);
  }
  if (bit1 (&b))                /* timing_info_present_flag */
    skip (&b, 65);
  {
    guint nal = bit1 (&b), vcl;

    if (nal)
      avc_hrd (&b);
    vcl = bit1 (&b);
    if (vcl)
      avc_hrd (&b);
    if (nal || vcl)
      skip (&b, 1);             /* low_delay_hrd_flag */
  }
  skip (&b, 1);                 /* pic_struct_present_flag */
  if (!bit1 (&b))               /* bitstream_restriction_flag */
    return b.error ? ERTMP_MALFORMED : ERTMP_OK;
  skip (&b, 1);
  ue (&b);
  ue (&b);
  ue (&b);
  ue (&b);
  reorder = ue (&b);
  if (b.error || reorder > ERTMP_MEDIA_REORDER_MAX)
    return ERTMP_MALFORMED;
  *depth = reorder;
  return ERTMP_OK;
}

/* ---- H.265 ------------------------------------------------------------ */

/* @sps without its 2-byte NAL header */
static ertmp_result
hevc_depth (const guint8 * sps, gsize len, guint * depth)
{
  bits b;
  guint max_sub, i, present[8][2];
  guint32 chroma, reorder = 0;

  bits_init (&b, sps, len);
  skip (&b, 4);                 /* sps_video_parameter_set_id */
  max_sub = bitsn (&b, 3);
  skip (&b, 1 + 88 + 8);        /* nesting, general profile, level */
  for (i = 0; i < max_sub; i++) {
    present[i][0] = bit1 (&b);
    present[i][1] = bit1 (&b);
  }
  if (max_sub > 0)
    skip (&b, 2 * (8 - max_sub));
  for (i = 0; i < max_sub; i++)
    skip (&b, (present[i][0] ? 88 : 0) + (present[i][1] ? 8 : 0));
  ue (&b);                      /* sps_seq_parameter_set_id */
  if ((chroma = ue (&b)) == 3)
    skip (&b, 1);
  ue (&b);
  ue (&b);
  if (bit1 (&b))                /* conformance_window_flag */
    for (i = 0; i < 4; i++)
      ue (&b);
  ue (&b);
  ue (&b);
  ue (&b);                      /* log2_max_pic_order_cnt_lsb_minus4 */
  /* the last entry is the one for the highest sub-layer */
  for (i = bit1 (&b) ? 0 : max_sub; i <= max_sub && !b.error; i++) {
    ue (&b);
    reorder = ue (&b);
    ue (&b);
  }
  if (b.error || chroma > 3 || reorder > ERTMP_MEDIA_REORDER_MAX)
    return ERTMP_MALFORMED;
  *depth = reorder;
  return ERTMP_OK;
}

/* ---- records ---------------------------------------------------------- */

/* The first SPS NAL unit of an avcC (ISO 14496-15 5.3.3.1) */
static ertmp_result
avcc_sps (const guint8 * data, gsize len, const guint8 ** sps, gsize * n)
{
  ertmp_reader r;
  guint8 count;
  guint16 size;

  ertmp_reader_init (&r, data, len);
  if (!ertmp_reader_skip (&r, 5) || !ertmp_reader_u8 (&r, &count))
    return ERTMP_MALFORMED;
  if ((count & 0x1f) == 0)
    return ERTMP_UNSUPPORTED;
  if (!ertmp_reader_u16be (&r, &size) || size < 2 ||
      !ertmp_reader_view (&r, size, sps))
    return ERTMP_MALFORMED;
  if (((*sps)[0] & 0x1f) != AVC_NAL_SPS)
    return ERTMP_MALFORMED;
  *n = size;
  return ERTMP_OK;
}

/* The first SPS NAL unit of an hvcC (ISO 14496-15 8.3.3.1) */
static ertmp_result
hvcc_sps (const guint8 * data, gsize len, const guint8 ** sps, gsize * n)
{
  ertmp_reader r;
  guint8 arrays, type;
  guint16 count, size;
  const guint8 *nal;
  guint i, j;

  ertmp_reader_init (&r, data, len);
  if (!ertmp_reader_skip (&r, 22) || !ertmp_reader_u8 (&r, &arrays))
    return ERTMP_MALFORMED;
  for (i = 0; i < arrays; i++) {
    if (!ertmp_reader_u8 (&r, &type) || !ertmp_reader_u16be (&r, &count))
      return ERTMP_MALFORMED;
    for (j = 0; j < count; j++) {
      if (!ertmp_reader_u16be (&r, &size) ||
          !ertmp_reader_view (&r, size, &nal))
        return ERTMP_MALFORMED;
      if ((type & 0x3f) == HEVC_NAL_SPS && size > 2) {
        *sps = nal;
        *n = size;
        return ERTMP_OK;
      }
    }
  }
  return ERTMP_UNSUPPORTED;
}

ertmp_result
ertmp_media_reorder_depth (ertmp_codec codec, const guint8 * record,
    gsize len, guint * depth)
{
  const guint8 *sps;
  gsize n;
  ertmp_result res;

  g_return_val_if_fail (record != NULL || len == 0, ERTMP_STATE);
  g_return_val_if_fail (depth != NULL, ERTMP_STATE);

  switch (codec) {
    case ERTMP_CODEC_AVC:
      if ((res = avcc_sps (record, len, &sps, &n)) != ERTMP_OK)
        return res;
      return avc_depth (sps + 1, n - 1, depth);
    case ERTMP_CODEC_HEVC:
      if ((res = hvcc_sps (record, len, &sps, &n)) != ERTMP_OK)
        return res;
      return hevc_depth (sps + 2, n - 2, depth);
    default:
      return ERTMP_UNSUPPORTED;
  }
}
