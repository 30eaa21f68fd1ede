/* gst-ertmp: what a vpcC says, from a VP9 frame and the picture format
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The uncompressed header of a VP9 key frame (VP9 bitstream spec 6.2,
 * 6.2.2 color_config) gives the profile, bit depth, colour space, range
 * and subsampling; the level comes from the picture size and sample rate
 * (VP9 spec Annex A, as the VP codec ISO binding asks).
 */
#include "ertmp_media_config.h"

#include <string.h>

#define VP9_FRAME_MARKER 2
#define VP9_SYNC_CODE 0x498342
#define VP9_CS_RGB 7

typedef struct
{
  const guint8 *data;
  gsize len, bit;
} bits;

static gboolean
take (bits * b, guint n, guint32 * out)
{
  guint32 v = 0;

  if (b->bit + n > b->len * 8)
    return FALSE;
  while (n--) {
    v = (v << 1) | ((b->data[b->bit / 8] >> (7 - b->bit % 8)) & 1);
    b->bit++;
  }
  *out = v;
  return TRUE;
}

/* VP9 color_space -> ISO/IEC 23091-4 matrixCoefficients */
static guint8
matrix_of (guint32 cs)
{
  static const guint8 map[8] = { 2, 6, 1, 6, 7, 9, 2, 0 };

  return map[cs & 7];
}

/* color_config() of a key frame, after the sync code */
static ertmp_result
color_config (bits * b, ertmp_media_vpcc * vpcc)
{
  guint32 v = 0, cs, sx = 1, sy = 1;

  vpcc->bit_depth = 8;
  if (vpcc->profile >= 2) {
    if (!take (b, 1, &v))
      return ERTMP_MALFORMED;
    vpcc->bit_depth = v ? 12 : 10;
  }
  if (!take (b, 3, &cs))
    return ERTMP_MALFORMED;
  vpcc->matrix = matrix_of (cs);
  if (cs != VP9_CS_RGB) {
    if (!take (b, 1, &v))
      return ERTMP_MALFORMED;
    vpcc->full_range = v;
    if ((vpcc->profile & 1) &&
        (!take (b, 1, &sx) || !take (b, 1, &sy) || !take (b, 1, &v)))
      return ERTMP_MALFORMED;
  } else {
    vpcc->full_range = TRUE;
    sx = sy = 0;
    if (!(vpcc->profile & 1))
      return ERTMP_MALFORMED;   /* RGB needs profile 1 or 3 */
  }
  if (sx && sy)
    vpcc->chroma_subsampling = 1;       /* 4:2:0, siting not coded */
  else if (sx)
    vpcc->chroma_subsampling = 2;
  else if (!sy)
    vpcc->chroma_subsampling = 3;
  else
    return ERTMP_UNSUPPORTED;   /* 4:4:0 has no vpcC value */
  return ERTMP_OK;
}

ertmp_result
ertmp_media_parse_vp9_frame (const guint8 * data, gsize len,
    ertmp_media_vpcc * vpcc)
{
  bits b = { data, len, 0 };
  guint32 marker, lo, hi, v, show_existing, type, sync;

  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);
  g_return_val_if_fail (vpcc != NULL, ERTMP_STATE);

  if (!take (&b, 2, &marker) || !take (&b, 1, &lo) || !take (&b, 1, &hi))
    return ERTMP_MALFORMED;
  if (marker != VP9_FRAME_MARKER)
    return ERTMP_MALFORMED;
  vpcc->profile = (hi << 1) | lo;
  if ((vpcc->profile == 3 && !take (&b, 1, &v)) ||
      !take (&b, 1, &show_existing))
    return ERTMP_MALFORMED;
  if (show_existing)
    return ERTMP_UNSUPPORTED;
  if (!take (&b, 1, &type) || !take (&b, 2, &v))
    return ERTMP_MALFORMED;
  if (type != 0)                /* not a key frame */
    return ERTMP_UNSUPPORTED;
  if (!take (&b, 24, &sync) || sync != VP9_SYNC_CODE)
    return ERTMP_MALFORMED;
  return color_config (&b, vpcc);
}

guint8
ertmp_media_vp9_level (guint width, guint height, gdouble fps)
{
  /* Annex A: level, max luma picture size, max luma sample rate */
  static const struct
  {
    guint8 level;
    guint32 size;
    guint64 rate;
  } table[] = {
    {10, 36864, 829440}, {11, 73728, 2764800}, {20, 122880, 4608000},
    {21, 245760, 9216000}, {30, 552960, 20736000}, {31, 983040, 36864000},
    {40, 2228224, 83558400}, {41, 2228224, 160432128},
    {50, 8912896, 311951360}, {51, 8912896, 588251136},
    {52, 8912896, 1176502272}, {60, 35651584, 1176502272},
    {61, 35651584, 2353004544u}, {62, 35651584, 4706009088u},
  };
  guint64 size = (guint64) width * height;
  gdouble rate = size * (fps > 0 ? fps : 0);
  guint i;

  if (size == 0)
    return 0;
  for (i = 0; i < G_N_ELEMENTS (table); i++)
    if (size <= table[i].size && rate <= table[i].rate)
      return table[i].level;
  return 0;                     /* beyond 6.2: unknown */
}
