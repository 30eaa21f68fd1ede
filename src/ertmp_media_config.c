/* gst-ertmp: colorInfo, MultichannelConfig and configuration records
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each parser reads one track body with the bounds-checked reader and fills
 * a plain struct; nothing is asserted about the bytes.  Where peers
 * disagree on a form (ertmp.md 13: vpcC, fLaC, vvcC), every form seen in
 * the wild is accepted and the writers emit the FFmpeg-compatible one.
 */
#include "ertmp_media_config.h"
#include "ertmp_amf0.h"
#include "ertmp_amf3.h"
#include "ertmp_bytes.h"
#include "ertmp_media_private.h"

#include <math.h>
#include <string.h>

/* ---- colorInfo (ertmp.md 7) ---------------------------------------- */

#define COLOR_INFO "colorInfo"
#define AMF3_STRING_MARKER 0x06

/* One table drives reading and writing; the order is the write order
 * (OBS's colorConfig order, test-vectors.md 7.7). */
static const struct
{
  const gchar *group;
  const gchar *key;
  guint32 bit;
  gsize offset;
  gboolean code_point;          /* guint8 0..255, else a gdouble >= 0 */
} color_fields[] = {
#define CF(group, key, bit, field, code_point) \
  {group, key, ERTMP_MEDIA_COLOR_ ## bit, \
   G_STRUCT_OFFSET (ertmp_media_color_info, field), code_point}
  CF ("colorConfig", "bitDepth", BIT_DEPTH, bit_depth, TRUE),
  CF ("colorConfig", "colorPrimaries", PRIMARIES, primaries, TRUE),
  CF ("colorConfig", "transferCharacteristics", TRANSFER, transfer, TRUE),
  CF ("colorConfig", "matrixCoefficients", MATRIX, matrix, TRUE),
  CF ("hdrCll", "maxFall", MAX_FALL, max_fall, FALSE),
  CF ("hdrCll", "maxCLL", MAX_CLL, max_cll, FALSE),
  CF ("hdrMdcv", "redX", RED_X, red_x, FALSE),
  CF ("hdrMdcv", "redY", RED_Y, red_y, FALSE),
  CF ("hdrMdcv", "greenX", GREEN_X, green_x, FALSE),
  CF ("hdrMdcv", "greenY", GREEN_Y, green_y, FALSE),
  CF ("hdrMdcv", "blueX", BLUE_X, blue_x, FALSE),
  CF ("hdrMdcv", "blueY", BLUE_Y, blue_y, FALSE),
  CF ("hdrMdcv", "whitePointX", WHITE_X, white_x, FALSE),
  CF ("hdrMdcv", "whitePointY", WHITE_Y, white_y, FALSE),
  CF ("hdrMdcv", "maxLuminance", MAX_LUMINANCE, max_luminance, FALSE),
  CF ("hdrMdcv", "minLuminance", MIN_LUMINANCE, min_luminance, FALSE),
#undef CF
};

static gboolean
is_object (const ertmp_amf_value * v)
{
  return v != NULL && (v->type == ERTMP_AMF_OBJECT ||
      v->type == ERTMP_AMF_ECMA_ARRAY);
}

static void
read_color_fields (const ertmp_amf_value * obj, ertmp_media_color_info * info)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (color_fields); i++) {
    const ertmp_amf_value *group = ertmp_amf_get (obj, color_fields[i].group);
    guint8 *field = (guint8 *) info + color_fields[i].offset;
    gdouble v;

    if (!is_object (group) ||
        !ertmp_amf_get_prop_number (group, color_fields[i].key, &v) ||
        !isfinite (v) || v < 0)
      continue;
    if (color_fields[i].code_point) {
      if (v > 255 || v != (gdouble) (guint8) v)
        continue;
      *field = (guint8) v;
    } else {
      memcpy (field, &v, sizeof (v));
    }
    info->present |= color_fields[i].bit;
  }
}

static ertmp_result
decode_one (ertmp_amf_decoder * dec, ertmp_reader * r, gboolean amf3,
    ertmp_amf_value ** out)
{
  ertmp_result res = amf3 ? ertmp_amf3_decode (dec, r, out) :
      ertmp_amf0_decode (dec, r, out);

  /* the body is a whole message: running out is damage */
  return res == ERTMP_NEED_MORE ? ERTMP_MALFORMED : res;
}

/* "colorInfo" first: OK; another string: UNSUPPORTED */
static ertmp_result
check_name (const ertmp_amf_value * name)
{
  const gchar *s = ertmp_amf_get_string (name);

  if (s == NULL)
    return ERTMP_MALFORMED;
  if (name->data_len != strlen (COLOR_INFO) || strcmp (s, COLOR_INFO) != 0)
    return ERTMP_UNSUPPORTED;
  return ERTMP_OK;
}

ertmp_result
ertmp_media_parse_color_info (const guint8 * data, gsize len,
    ertmp_media_color_info * info)
{
  ertmp_amf_value *name = NULL, *obj = NULL;
  ertmp_amf_decoder *dec;
  ertmp_reader r;
  gboolean amf3;
  ertmp_result res;

  g_return_val_if_fail (info != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);

  memset (info, 0, sizeof (*info));
  amf3 = len > 0 && data[0] == AMF3_STRING_MARKER;
  ertmp_reader_init (&r, data, len);
  dec = ertmp_amf_decoder_new (NULL);
  res = decode_one (dec, &r, amf3, &name);
  if (res == ERTMP_OK)
    res = check_name (name);
  if (res == ERTMP_OK)
    res = decode_one (dec, &r, amf3, &obj);
  if (res == ERTMP_OK) {
    /* Undefined / Null reset, like {} */
    if (is_object (obj))
      read_color_fields (obj, info);
    else if (obj->type != ERTMP_AMF_UNDEFINED && obj->type != ERTMP_AMF_NULL)
      res = ERTMP_MALFORMED;
  }
  g_clear_pointer (&name, ertmp_amf_value_unref);
  g_clear_pointer (&obj, ertmp_amf_value_unref);
  ertmp_amf_decoder_free (dec);
  return res;
}

void
ertmp_media_write_color_info (GByteArray * out,
    const ertmp_media_color_info * info)
{
  ertmp_amf_value *root, *group = NULL;
  const gchar *group_name = NULL;
  guint i;

  g_return_if_fail (out != NULL && info != NULL);

  root = ertmp_amf_new (ERTMP_AMF_OBJECT);
  for (i = 0; i < G_N_ELEMENTS (color_fields); i++) {
    const guint8 *field = (const guint8 *) info + color_fields[i].offset;
    gdouble v;

    if (!(info->present & color_fields[i].bit))
      continue;
    if (color_fields[i].code_point)
      v = *field;
    else
      memcpy (&v, field, sizeof (v));
    /* the table is grouped: a new group name starts a new sub-object */
    if (group == NULL || g_strcmp0 (group_name, color_fields[i].group) != 0) {
      group_name = color_fields[i].group;
      group = ertmp_amf_new (ERTMP_AMF_OBJECT);
      ertmp_amf_add (root, group_name, group);
    }
    ertmp_amf_add_number (group, color_fields[i].key, v);
  }
  ertmp_amf0_put_string (out, COLOR_INFO);
  /* plain objects of numbers always have an AMF0 form */
  if (ertmp_amf0_encode (out, root) != ERTMP_OK)
    g_assert_not_reached ();
  ertmp_amf_value_unref (root);
}

/* ---- MultichannelConfig (ertmp.md 3.5) ------------------------------ */

ertmp_result
ertmp_media_parse_channels (const guint8 * data, gsize len,
    ertmp_media_channels * ch)
{
  ertmp_reader r;

  g_return_val_if_fail (ch != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);

  memset (ch, 0, sizeof (*ch));
  ertmp_reader_init (&r, data, len);
  if (!ertmp_reader_u8 (&r, &ch->order) || !ertmp_reader_u8 (&r, &ch->channels))
    return ERTMP_MALFORMED;
  switch (ch->order) {
    case ERTMP_MEDIA_CHANNEL_ORDER_CUSTOM:
      if (!ertmp_reader_copy (&r, ch->channels, ch->mapping))
        return ERTMP_MALFORMED;
      break;
    case ERTMP_MEDIA_CHANNEL_ORDER_NATIVE:
      if (!ertmp_reader_u32be (&r, &ch->flags))
        return ERTMP_MALFORMED;
      break;
    default:
      /* Unspecified, or reserved: only the count is known */
      break;
  }
  return ERTMP_OK;
}

void
ertmp_media_write_channels (GByteArray * out, const ertmp_media_channels * ch)
{
  g_return_if_fail (out != NULL && ch != NULL);

  ertmp_put_u8 (out, ch->order);
  ertmp_put_u8 (out, ch->channels);
  if (ch->order == ERTMP_MEDIA_CHANNEL_ORDER_CUSTOM)
    ertmp_put_bytes (out, ch->mapping, ch->channels);
  else if (ch->order == ERTMP_MEDIA_CHANNEL_ORDER_NATIVE)
    ertmp_put_u32be (out, ch->flags);
}

/* ---- configuration records ------------------------------------------ */

gboolean
ertmp_media_is_empty_sequence_start (const ertmp_media_header * hdr,
    const ertmp_media_track * track)
{
  g_return_val_if_fail (hdr != NULL && track != NULL, FALSE);

  return hdr->packet == ERTMP_MEDIA_PACKET_SEQUENCE_START && track->len == 0;
}

#define FLAC_STREAMINFO_LEN 34
#define FLAC_BLOCK_HEADER_LEN 4

/* METADATA_BLOCK_HEADER of a STREAMINFO: type 0 (any last-block bit),
 * length 34 */
static gboolean
is_streaminfo_header (const guint8 * p)
{
  return (p[0] & 0x7F) == 0 && p[1] == 0 && p[2] == 0 &&
      p[3] == FLAC_STREAMINFO_LEN;
}

/* ertmp.md 3.4: "fLaC" + blocks, block header + STREAMINFO, or bare */
static ertmp_result
find_streaminfo (const guint8 * data, gsize len, ertmp_media_flac * flac)
{
  ertmp_reader r;
  const guint8 *header;

  ertmp_reader_init (&r, data, len);
  if (len >= 4 && memcmp (data, "fLaC", 4) == 0) {
    /* STREAMINFO must be the first block */
    flac->form = ERTMP_MEDIA_FLAC_SPEC;
    ertmp_reader_skip (&r, 4);
    if (!ertmp_reader_view (&r, FLAC_BLOCK_HEADER_LEN, &header) ||
        !is_streaminfo_header (header))
      return ERTMP_MALFORMED;
  } else if (len >= FLAC_BLOCK_HEADER_LEN + FLAC_STREAMINFO_LEN &&
      is_streaminfo_header (data)) {
    flac->form = ERTMP_MEDIA_FLAC_BLOCK;
    ertmp_reader_skip (&r, FLAC_BLOCK_HEADER_LEN);
  } else {
    flac->form = ERTMP_MEDIA_FLAC_BARE;
  }
  return ertmp_reader_view (&r, FLAC_STREAMINFO_LEN, &flac->streaminfo) ?
      ERTMP_OK : ERTMP_MALFORMED;
}

ertmp_result
ertmp_media_parse_flac (const guint8 * data, gsize len,
    ertmp_media_flac * flac)
{
  ertmp_reader r;
  guint32 hi = 0, lo = 0;
  ertmp_result res;

  g_return_val_if_fail (flac != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);

  memset (flac, 0, sizeof (*flac));
  if ((res = find_streaminfo (data, len, flac)) != ERTMP_OK)
    return res;
  ertmp_reader_init (&r, flac->streaminfo, FLAC_STREAMINFO_LEN);
  /* 34 bytes are there: these reads cannot fail */
  ertmp_reader_u16be (&r, &flac->min_block);
  ertmp_reader_u16be (&r, &flac->max_block);
  ertmp_reader_u24be (&r, &flac->min_frame);
  ertmp_reader_u24be (&r, &flac->max_frame);
  ertmp_reader_u32be (&r, &hi);
  ertmp_reader_u32be (&r, &lo);
  /* sample_rate(20) channels-1(3) bps-1(5) total_samples(36) */
  flac->rate = hi >> 12;
  flac->channels = ((hi >> 9) & 7) + 1;
  flac->bits = ((hi >> 4) & 0x1F) + 1;
  flac->total_samples = ((guint64) (hi & 0x0F) << 32) | lo;
  return flac->rate == 0 ? ERTMP_MALFORMED : ERTMP_OK;
}

#define VPCC_LEN 8
#define FULL_BOX_LEN 4

ertmp_result
ertmp_media_parse_vpcc (const guint8 * data, gsize len,
    ertmp_media_vpcc * vpcc)
{
  ertmp_reader r;
  guint8 b = 0;

  g_return_val_if_fail (vpcc != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);

  memset (vpcc, 0, sizeof (*vpcc));
  ertmp_reader_init (&r, data, len);
  /* in a bare record byte 2 holds bitDepth, never 0 (ertmp.md 2.8) */
  if (len >= FULL_BOX_LEN + VPCC_LEN && data[1] == 0 && data[2] == 0 &&
      data[3] == 0) {
    vpcc->full_box = TRUE;
    ertmp_reader_skip (&r, FULL_BOX_LEN);
  }
  if (ertmp_reader_remaining (&r) < VPCC_LEN)
    return ERTMP_MALFORMED;
  ertmp_reader_u8 (&r, &vpcc->profile);
  ertmp_reader_u8 (&r, &vpcc->level);
  ertmp_reader_u8 (&r, &b);
  vpcc->bit_depth = b >> 4;
  vpcc->chroma_subsampling = (b >> 1) & 7;
  vpcc->full_range = b & 1;
  ertmp_reader_u8 (&r, &vpcc->primaries);
  ertmp_reader_u8 (&r, &vpcc->transfer);
  ertmp_reader_u8 (&r, &vpcc->matrix);
  return ERTMP_OK;
}

void
ertmp_media_write_vpcc (GByteArray * out, const ertmp_media_vpcc * vpcc)
{
  g_return_if_fail (out != NULL && vpcc != NULL);
  g_return_if_fail (vpcc->bit_depth <= 15 && vpcc->chroma_subsampling <= 7);

  if (vpcc->full_box)
    ertmp_put_u32be (out, 0x01000000);  /* version 1, flags 0 */
  ertmp_put_u8 (out, vpcc->profile);
  ertmp_put_u8 (out, vpcc->level);
  ertmp_put_u8 (out, (vpcc->bit_depth << 4) | (vpcc->chroma_subsampling << 1) |
      (vpcc->full_range ? 1 : 0));
  ertmp_put_u8 (out, vpcc->primaries);
  ertmp_put_u8 (out, vpcc->transfer);
  ertmp_put_u8 (out, vpcc->matrix);
  ertmp_put_u16be (out, 0);     /* codecInitializationDataSize */
}

ertmp_result
ertmp_media_vvcc_record (const guint8 * data, gsize len,
    const guint8 ** record, gsize * record_len)
{
  ertmp_reader r;
  guint32 first;

  g_return_val_if_fail (record != NULL && record_len != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);

  ertmp_reader_init (&r, data, len);
  /* the record's first byte has its top 5 bits set; a FullBox starts
   * with version 0 */
  if (len > FULL_BOX_LEN && data[0] == 0)
    ertmp_reader_skip (&r, FULL_BOX_LEN);
  if (!ertmp_reader_peek_be (&r, 1, &first) || first == 0)
    return ERTMP_MALFORMED;
  *record = ertmp_reader_current (&r);
  *record_len = ertmp_reader_remaining (&r);
  return ERTMP_OK;
}

/* ---- OpusHead (RFC 7845 5.1) ---------------------------------------- */

#define OPUS_HEAD_MAGIC "OpusHead"
#define OPUS_HEAD_MIN_LEN 19

/* Family != 0: stream counts and one mapping entry per channel, each a
 * decoded stream or 255 (silence). */
static ertmp_result
read_opus_mapping (ertmp_reader * r, ertmp_media_opus_head * head)
{
  guint i;

  if (!ertmp_reader_u8 (r, &head->stream_count) ||
      !ertmp_reader_u8 (r, &head->coupled_count) ||
      !ertmp_reader_copy (r, head->channels, head->mapping))
    return ERTMP_MALFORMED;
  if (head->stream_count == 0 || head->coupled_count > head->stream_count ||
      (guint) head->stream_count + head->coupled_count > 255)
    return ERTMP_MALFORMED;
  for (i = 0; i < head->channels; i++)
    if (head->mapping[i] != 255 &&
        head->mapping[i] >= head->stream_count + head->coupled_count)
      return ERTMP_MALFORMED;
  return ERTMP_OK;
}

ertmp_result
ertmp_media_parse_opus_head (const guint8 * data, gsize len,
    ertmp_media_opus_head * head)
{
  ertmp_reader r;
  guint16 gain = 0;

  g_return_val_if_fail (head != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);

  memset (head, 0, sizeof (*head));
  if (len < OPUS_HEAD_MIN_LEN || memcmp (data, OPUS_HEAD_MAGIC, 8) != 0)
    return ERTMP_MALFORMED;
  ertmp_reader_init (&r, data, len);
  ertmp_reader_skip (&r, 8);
  /* 11 bytes are there: these reads cannot fail */
  ertmp_reader_u8 (&r, &head->version);
  ertmp_reader_u8 (&r, &head->channels);
  ertmp_reader_u16le (&r, &head->pre_skip);
  ertmp_reader_u32le (&r, &head->input_rate);
  ertmp_reader_u16le (&r, &gain);
  ertmp_reader_u8 (&r, &head->mapping_family);
  head->output_gain = (gint16) gain;
  /* a new major version is incompatible by definition */
  if ((head->version >> 4) != 0)
    return ERTMP_UNSUPPORTED;
  if (head->channels == 0)
    return ERTMP_MALFORMED;
  if (head->mapping_family != 0)
    return read_opus_mapping (&r, head);
  if (head->channels > 2)
    return ERTMP_MALFORMED;
  head->stream_count = 1;
  head->coupled_count = head->channels - 1;
  head->mapping[0] = 0;
  head->mapping[1] = 1;
  return ERTMP_OK;
}

/* ---- AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1, basic) ----------- */

ertmp_result
ertmp_media_parse_aac_config (const guint8 * data, gsize len,
    ertmp_media_aac_config * aac)
{
  static const guint32 rates[13] = { 96000, 88200, 64000, 48000, 44100,
    32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
  };
  static const guint8 channels[16] = { 0, 1, 2, 3, 4, 5, 6, 8, 0, 0, 0, 7,
    8, 24, 8, 0
  };
  ertmp_media_bit_reader b = { data, len, 0 };
  guint32 v, ext;

  g_return_val_if_fail (aac != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);

  memset (aac, 0, sizeof (*aac));
  if (!ertmp_media_read_bits (&b, 5, &v))
    return ERTMP_MALFORMED;
  if (v == 31) {
    if (!ertmp_media_read_bits (&b, 6, &ext))
      return ERTMP_MALFORMED;
    v = 32 + ext;
  }
  aac->object_type = (guint8) v;
  if (v == 0 || !ertmp_media_read_bits (&b, 4, &v))
    return ERTMP_MALFORMED;
  aac->freq_index = (guint8) v;
  if (v == 15) {
    if (!ertmp_media_read_bits (&b, 24, &aac->rate))
      return ERTMP_MALFORMED;
  } else if (v < G_N_ELEMENTS (rates)) {
    aac->rate = rates[v];
  }
  if (aac->rate == 0 || !ertmp_media_read_bits (&b, 4, &v))
    return ERTMP_MALFORMED;
  aac->channel_config = (guint8) v;
  aac->channels = channels[v];
  return ERTMP_OK;
}
