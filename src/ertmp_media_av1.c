/* gst-ertmp: AV1 configuration record (av1C) from a Sequence Header OBU
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ertmp.md 2.7: the muxer builds the SequenceStart of av01 tracks from the
 * first temporal unit when no av1C came in caps.
 */
#include "ertmp_media_config.h"
#include "ertmp_media_private.h"
#include "ertmp_bytes.h"

/* ---- av1C from a Sequence Header OBU (ertmp.md 2.7, AV1 spec 5.5) ----- */

#define OBU_SEQUENCE_HEADER 1

/* The av1C fields a Sequence Header OBU holds */
typedef struct
{
  guint8 profile;
  guint8 level_idx_0;
  guint8 tier_0;
  gboolean delay_present;
  guint8 delay_minus_one;
  guint8 high_bitdepth, twelve_bit, mono, ssx, ssy, csp;
} av1_seq_header;

/* ertmp_media_read_bits() with one sticky failure flag instead of a check per read:
 * a read past the end gives 0 and sets @bad */
typedef struct
{
  ertmp_media_bit_reader br;
  gboolean bad;
} av1_bits;

static guint32
bits (av1_bits * b, guint n)
{
  guint32 v = 0;

  if (b->bad || !ertmp_media_read_bits (&b->br, n, &v)) {
    b->bad = TRUE;
    return 0;
  }
  return v;
}

static void
skip_uvlc (av1_bits * b)
{
  guint lz = 0;

  while (!b->bad && lz < 32 && bits (b, 1) == 0)
    lz++;
  if (lz < 32)
    bits (b, lz);
}

/* timing_info and decoder_model_info; returns the decoder model flag and
 * the buffer delay length in *delay_len */
static gboolean
skip_timing (av1_bits * b, guint * delay_len)
{
  gboolean decoder_model = FALSE;

  if (!bits (b, 1))             /* timing_info_present_flag */
    return FALSE;
  bits (b, 32);                 /* num_units_in_display_tick */
  bits (b, 32);                 /* time_scale */
  if (bits (b, 1))              /* equal_picture_interval */
    skip_uvlc (b);
  decoder_model = bits (b, 1);
  if (decoder_model) {
    *delay_len = bits (b, 5) + 1;
    bits (b, 32);               /* num_units_in_decoding_tick */
    bits (b, 10);               /* removal / presentation time lengths */
  }
  return decoder_model;
}

static void
read_operating_points (av1_bits * b, av1_seq_header * h)
{
  guint delay_len = 0, i, count;
  gboolean decoder_model = skip_timing (b, &delay_len);
  gboolean display_delay = bits (b, 1);

  count = bits (b, 5) + 1;
  for (i = 0; i < count && !b->bad; i++) {
    guint level, tier = 0, delay_present = 0, delay = 0;

    bits (b, 12);               /* operating_point_idc */
    level = bits (b, 5);
    if (level > 7)
      tier = bits (b, 1);
    if (decoder_model && bits (b, 1)) {
      bits (b, delay_len);      /* decoder_buffer_delay */
      bits (b, delay_len);      /* encoder_buffer_delay */
      bits (b, 1);              /* low_delay_mode_flag */
    }
    if (display_delay && (delay_present = bits (b, 1)))
      delay = bits (b, 4);
    if (i == 0) {
      h->level_idx_0 = level;
      h->tier_0 = tier;
      h->delay_present = delay_present;
      h->delay_minus_one = delay;
    }
  }
}

static void
skip_tools (av1_bits * b, gboolean reduced)
{
  guint fw, fh, order_hint, screen;

  fw = bits (b, 4) + 1;
  fh = bits (b, 4) + 1;
  bits (b, fw);
  bits (b, fh);
  if (!reduced && bits (b, 1))  /* frame_id_numbers_present_flag */
    bits (b, 7);
  bits (b, 3);                  /* 128x128 sb, filter intra, edge filter */
  if (!reduced) {
    bits (b, 4);                /* interintra, masked, warped, dual filter */
    order_hint = bits (b, 1);
    if (order_hint)
      bits (b, 2);              /* jnt_comp, ref_frame_mvs */
    /* seq_choose_screen_content_tools (SELECT), else the forced value */
    screen = bits (b, 1) ? 2 : bits (b, 1);
    /* seq_choose_integer_mv, and seq_force_integer_mv when it is 0 */
    if (screen > 0 && !bits (b, 1))
      bits (b, 1);
    if (order_hint)
      bits (b, 3);
  }
  bits (b, 3);                  /* superres, cdef, restoration */
}

static void
read_color_config (av1_bits * b, av1_seq_header * h)
{
  guint cp = 2, tc = 2, mc = 2;

  h->high_bitdepth = bits (b, 1);
  if (h->profile == 2 && h->high_bitdepth)
    h->twelve_bit = bits (b, 1);
  h->mono = h->profile == 1 ? 0 : bits (b, 1);
  if (bits (b, 1)) {            /* color_description_present_flag */
    cp = bits (b, 8);
    tc = bits (b, 8);
    mc = bits (b, 8);
  }
  h->ssx = h->ssy = 1;
  if (h->mono)
    return;
  if (cp == 1 && tc == 13 && mc == 0) {
    h->ssx = h->ssy = 0;
    return;
  }
  bits (b, 1);                  /* color_range */
  if (h->profile == 1) {
    h->ssx = h->ssy = 0;
  } else if (h->profile == 2) {
    h->ssy = 0;
    if (h->twelve_bit && (h->ssx = bits (b, 1)))
      h->ssy = bits (b, 1);
  }
  if (h->ssx && h->ssy)
    h->csp = bits (b, 2);
}

static gboolean
parse_av1_seq_header (const guint8 * data, gsize len, av1_seq_header * h)
{
  av1_bits b = { {data, len, 0}, FALSE };
  gboolean reduced;

  memset (h, 0, sizeof (*h));
  h->profile = bits (&b, 3);
  bits (&b, 1);                 /* still_picture */
  reduced = bits (&b, 1);
  if (reduced)
    h->level_idx_0 = bits (&b, 5);
  else
    read_operating_points (&b, h);
  skip_tools (&b, reduced);
  read_color_config (&b, h);
  return !b.bad && h->profile <= 2;
}

/* leb128 of at most 8 bytes: NEED_MORE when the input ends in it */
static ertmp_result
read_leb128 (ertmp_reader * r, guint64 * value)
{
  guint8 byte;
  guint i;

  *value = 0;
  for (i = 0; i < 8; i++) {
    if (!ertmp_reader_u8 (r, &byte))
      return ERTMP_NEED_MORE;
    *value |= (guint64) (byte & 0x7f) << (7 * i);
    if (!(byte & 0x80))
      return ERTMP_OK;
  }
  return ERTMP_MALFORMED;
}

/* The first Sequence Header OBU: *obu / *obu_len the whole OBU,
 * *payload / *payload_len the part after its header and size */
static ertmp_result
find_av1_seq_header (const guint8 * data, gsize len, const guint8 ** obu,
    gsize * obu_len, const guint8 ** payload, gsize * payload_len)
{
  ertmp_reader r;
  ertmp_result res;

  ertmp_reader_init (&r, data, len);
  for (;;) {
    gsize start = r.pos;
    guint8 hdr, ext;
    guint64 size;

    if (!ertmp_reader_u8 (&r, &hdr))
      return ERTMP_NEED_MORE;
    if (!(hdr & 0x02))
      return ERTMP_MALFORMED;   /* obu-stream OBUs all have a size field */
    if ((hdr & 0x04) && !ertmp_reader_u8 (&r, &ext))
      return ERTMP_NEED_MORE;
    if ((res = read_leb128 (&r, &size)) != ERTMP_OK)
      return res;
    if (size > ertmp_reader_remaining (&r))
      return ERTMP_NEED_MORE;
    if (((hdr >> 3) & 0x0f) == OBU_SEQUENCE_HEADER) {
      *payload = ertmp_reader_current (&r);
      *payload_len = size;
      *obu = data + start;
      *obu_len = r.pos + size - start;
      return ERTMP_OK;
    }
    ertmp_reader_skip (&r, size);
  }
}

ertmp_result
ertmp_media_build_av1c (const guint8 * obus, gsize len, GByteArray * out)
{
  const guint8 *obu, *payload;
  gsize obu_len, payload_len;
  av1_seq_header h;
  ertmp_result res;
  guint8 fixed[4];

  g_return_val_if_fail (obus != NULL || len == 0, ERTMP_STATE);
  g_return_val_if_fail (out != NULL, ERTMP_STATE);

  res = find_av1_seq_header (obus, len, &obu, &obu_len, &payload,
      &payload_len);
  if (res != ERTMP_OK)
    return res;
  if (!parse_av1_seq_header (payload, payload_len, &h))
    return ERTMP_MALFORMED;
  fixed[0] = 0x81;              /* marker, version 1 */
  fixed[1] = (h.profile << 5) | h.level_idx_0;
  fixed[2] = (h.tier_0 << 7) | (h.high_bitdepth << 6) | (h.twelve_bit << 5) |
      (h.mono << 4) | (h.ssx << 3) | (h.ssy << 2) | h.csp;
  fixed[3] = h.delay_present ? 0x10 | h.delay_minus_one : 0;
  g_byte_array_append (out, fixed, sizeof (fixed));
  g_byte_array_append (out, obu, obu_len);
  return ERTMP_OK;
}
