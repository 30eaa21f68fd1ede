/* gst-ertmp: av1C for flvemux when upstream gives no codec_data
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GStreamer 1.22's av1parse emits obu-stream caps without codec_data, but
 * an av01 SequenceStart carries an AV1CodecConfigurationRecord (ertmp.md
 * 2.7).  The record is built from the Sequence Header OBU of the first
 * temporal unit: the fields of av1C are read from it (AV1 spec 5.5) and the
 * OBU itself is appended as configOBUs.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstflvemux.h"

#include <gst/base/gstbitreader.h>
#include <gst/base/gstbytereader.h>
#include <string.h>

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
} SeqHeader;

/* GstBitReader with one sticky failure flag instead of a check per read */
typedef struct
{
  GstBitReader br;
  gboolean bad;
} Bits;

static guint32
bits (Bits * b, guint n)
{
  guint32 v = 0;

  if (n > 0 && !gst_bit_reader_get_bits_uint32 (&b->br, &v, n))
    b->bad = TRUE;
  return v;
}

static void
skip_uvlc (Bits * b)
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
skip_timing (Bits * b, guint * delay_len)
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
read_operating_points (Bits * b, SeqHeader * h)
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
skip_tools (Bits * b, gboolean reduced)
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
read_color_config (Bits * b, SeqHeader * h)
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
parse_seq_header (const guint8 * data, gsize len, SeqHeader * h)
{
  Bits b;
  gboolean reduced;

  gst_bit_reader_init (&b.br, data, len);
  b.bad = FALSE;
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

static gboolean
read_leb128 (GstByteReader * r, guint64 * value)
{
  guint8 byte;
  guint i;

  *value = 0;
  for (i = 0; i < 8; i++) {
    if (!gst_byte_reader_get_uint8 (r, &byte))
      return FALSE;
    *value |= (guint64) (byte & 0x7f) << (7 * i);
    if (!(byte & 0x80))
      return TRUE;
  }
  return FALSE;
}

/* Finds the Sequence Header OBU: @obu / @obu_len get the whole OBU,
 * @payload / @payload_len the part after its header */
static gboolean
find_seq_header (const guint8 * data, gsize len, const guint8 ** obu,
    gsize * obu_len, const guint8 ** payload, gsize * payload_len)
{
  GstByteReader r;

  gst_byte_reader_init (&r, data, len);
  while (gst_byte_reader_get_remaining (&r) > 0) {
    guint start = gst_byte_reader_get_pos (&r);
    guint8 hdr, ext;
    guint64 size;

    if (!gst_byte_reader_get_uint8 (&r, &hdr) || !(hdr & 0x02))
      return FALSE;             /* obu-stream OBUs all have a size field */
    if ((hdr & 0x04) && !gst_byte_reader_get_uint8 (&r, &ext))
      return FALSE;
    if (!read_leb128 (&r, &size) ||
        size > gst_byte_reader_get_remaining (&r))
      return FALSE;
    if (((hdr >> 3) & 0x0f) == OBU_SEQUENCE_HEADER) {
      *payload = data + gst_byte_reader_get_pos (&r);
      *payload_len = size;
      *obu = data + start;
      *obu_len = gst_byte_reader_get_pos (&r) + size - start;
      return TRUE;
    }
    gst_byte_reader_skip_unchecked (&r, size);
  }
  return FALSE;
}

GBytes *
gst_ertmp_flv_emux_av1c_from_tu (const guint8 * data, gsize len)
{
  const guint8 *obu, *payload;
  gsize obu_len, payload_len;
  SeqHeader h;
  GByteArray *out;

  if (!find_seq_header (data, len, &obu, &obu_len, &payload, &payload_len) ||
      !parse_seq_header (payload, payload_len, &h))
    return NULL;
  out = g_byte_array_sized_new (4 + obu_len);
  g_byte_array_append (out, (const guint8[]) {
        0x81,                   /* marker, version 1 */
        (h.profile << 5) | h.level_idx_0,
        (h.tier_0 << 7) | (h.high_bitdepth << 6) | (h.twelve_bit << 5) |
        (h.mono << 4) | (h.ssx << 3) | (h.ssy << 2) | h.csp,
        h.delay_present ? 0x10 | h.delay_minus_one : 0}, 4);
  g_byte_array_append (out, obu, obu_len);
  return g_byte_array_free_to_bytes (out);
}
