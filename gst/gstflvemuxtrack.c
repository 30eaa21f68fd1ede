/* gst-ertmp: flvemux, what a pad's caps mean on the wire
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The codec comes from the shared caps table (gstertmpcaps.h); this file
 * adds what a muxer needs beyond it: the legacy-or-FourCC choice, the
 * SequenceStart body (ertmp.md 2.5-2.8, 3.4; av1C from the core's builder
 * when the caps have none) and the legacy audio byte (flv.md 4).
 * MultichannelConfig (ertmp.md 3.5) and colorInfo (ertmp.md 7) come from
 * the caps table's inverse mappings.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/pbutils/pbutils.h>

#include "gstflvemux.h"
#include "gstertmpcaps.h"

#define FLAC_STREAMINFO_LEN 34

void
gst_flv_emux_track_clear (GstFlvEMuxTrack * track)
{
  g_clear_pointer (&track->seq_start, g_bytes_unref);
  memset (track, 0, sizeof (*track));
}

/* FourCC or legacy header (ertmp.md 14): codecs without a FourCC are
 * legacy and track 0 only; AVC, AAC and MP3 are legacy on track 0 unless
 * @fourcc_legacy; everything else is Enhanced. */
static gboolean
choose_form (GstFlvEMuxTrack * t, guint8 track_id,
    gboolean fourcc_legacy, gchar ** why)
{
  const ertmp_codec_info *info;

  if (t->codec == ERTMP_CODEC_MP3_8K && (track_id != 0 || fourcc_legacy))
    t->codec = ERTMP_CODEC_MP3;
  info = ertmp_codec_get (t->codec);
  if (info->fourcc == 0 && track_id != 0) {
    *why = g_strdup_printf ("%s has no FourCC and can only be written on "
        "the default track (pad 'audio' or 'video'), not on track %u",
        info->name, track_id);
    return FALSE;
  }
  t->enhanced = info->fourcc != 0 &&
      (track_id != 0 || fourcc_legacy ||
      !(info->flags & ERTMP_CODEC_FLAG_LEGACY) ||
      (info->flags & ERTMP_CODEC_FLAG_LEGACY_READ_ONLY));
  return TRUE;
}

/* The legacy audio byte 0 fields (flv.md 4) */
static gboolean
set_sound_bits (GstFlvEMuxTrack * t, const GstStructure * s,
    gchar ** why)
{
  const gchar *format = gst_structure_get_string (s, "format");

  t->sound_size = !(format != NULL && strcmp (format, "U8") == 0);
  t->sound_type = t->n_channels == 2;
  if (!t->sound_size)
    t->sample_bits = 8;
  if (t->codec == ERTMP_CODEC_AAC) {
    /* 0xAF: the AudioSpecificConfig says the rest (flv.md 4) */
    t->sound_rate = 3;
    t->sound_type = 1;
    return TRUE;
  }
  switch (t->rate) {
    case 5512:
      t->sound_rate = 0;
      return TRUE;
    case 11025:
      t->sound_rate = 1;
      return TRUE;
    case 22050:
      t->sound_rate = 2;
      return TRUE;
    case 8000:
    case 16000:                /* fixed-rate ids: the field is ignored */
      t->sound_rate = 0;
      if (t->codec != ERTMP_CODEC_MP3 && t->codec != ERTMP_CODEC_PCM_LE &&
          t->codec != ERTMP_CODEC_ADPCM)
        return TRUE;
      break;
    default:
      /* 44.1 kHz, and what the field cannot say (AAC: the ASC does; MP3 at
       * 48 kHz: FFmpeg writes 3 as well) */
      t->sound_rate = 3;
      if (t->rate == 44100 || t->codec == ERTMP_CODEC_MP3)
        return TRUE;
      break;
  }
  *why = g_strdup_printf ("legacy FLV audio cannot carry %s at %d Hz",
      ertmp_codec_name (t->codec), t->rate);
  return FALSE;
}

static GstBuffer *
caps_buffer (const GstStructure * s, const gchar * field, guint index)
{
  const GValue *v = gst_structure_get_value (s, field);

  if (v != NULL && GST_VALUE_HOLDS_ARRAY (v) &&
      index < gst_value_array_get_size (v))
    v = gst_value_array_get_value (v, index);
  else if (index > 0)
    return NULL;
  return v != NULL && GST_VALUE_HOLDS_BUFFER (v) ?
      gst_value_get_buffer (v) : NULL;
}

static GBytes *
buffer_bytes (GstBuffer * buf)
{
  gsize size = gst_buffer_get_size (buf);
  gpointer data = g_malloc (size);

  gst_buffer_extract (buf, 0, data, size);
  return g_bytes_new_take (data, size);
}

/* "fLaC" + the STREAMINFO block marked last (ertmp.md 3.4), from the first
 * streamheader buffer: "fLaC" alone (then the block follows in the second),
 * or the Ogg-FLAC mapping header 0x7F "FLAC" that flacenc writes */
static GBytes *
flac_seq_start (const GstStructure * s)
{
  GstBuffer *buf = caps_buffer (s, "streamheader", 0);
  ertmp_media_flac flac;
  GByteArray *out;
  GBytes *hdr, *rest;
  gsize len, skip = 0;
  const guint8 *data;

  if (buf == NULL)
    return NULL;
  hdr = buffer_bytes (buf);
  data = g_bytes_get_data (hdr, &len);
  if (len >= 13 && data[0] == 0x7f && memcmp (data + 1, "FLAC", 4) == 0)
    skip = 9;
  if (len == 4 && (buf = caps_buffer (s, "streamheader", 1)) != NULL) {
    rest = buffer_bytes (buf);
    g_bytes_unref (hdr);
    hdr = rest;
    data = g_bytes_get_data (hdr, &len);
  }
  if (ertmp_media_parse_flac (data + skip, len - skip, &flac) != ERTMP_OK) {
    g_bytes_unref (hdr);
    return NULL;
  }
  out = g_byte_array_sized_new (8 + FLAC_STREAMINFO_LEN);
  g_byte_array_append (out, (const guint8 *) "fLaC\x80\x00\x00\x22", 8);
  g_byte_array_append (out, flac.streaminfo, FLAC_STREAMINFO_LEN);
  g_bytes_unref (hdr);
  return g_byte_array_free_to_bytes (out);
}

/* OpusHead: the first streamheader buffer, else built from the caps */
static GBytes *
opus_seq_start (const GstCaps * caps, const GstStructure * s)
{
  GstBuffer *buf = caps_buffer (s, "streamheader", 0);
  guint32 rate;
  guint8 channels, family, streams, coupled, mapping[256];
  GBytes *bytes;

  if (buf != NULL && gst_buffer_get_size (buf) >= 19 &&
      gst_buffer_memcmp (buf, 0, "OpusHead", 8) == 0)
    return buffer_bytes (buf);
  if (!gst_codec_utils_opus_parse_caps ((GstCaps *) caps, &rate, &channels,
          &family, &streams, &coupled, mapping))
    return NULL;
  buf = gst_codec_utils_opus_create_header (rate, channels, family, streams,
      coupled, mapping, 0, 0);
  if (buf == NULL)
    return NULL;
  bytes = buffer_bytes (buf);
  gst_buffer_unref (buf);
  return bytes;
}

static guint
bit_depth (const GstStructure * s)
{
  guint depth = 0;

  gst_structure_get_uint (s, "bit-depth-luma", &depth);
  return depth;
}

static GBytes *
vpcc_bytes (const ertmp_media_vpcc * vpcc)
{
  GByteArray *out = g_byte_array_new ();

  ertmp_media_write_vpcc (out, vpcc);
  return g_byte_array_free_to_bytes (out);
}

/* vpcC (ertmp.md 2.8) in the 12-byte FullBox form of the VP codec ISO
 * binding, from caps fields: profile, bit depth, chroma format and site,
 * colorimetry, and the VP9 level for the size and frame rate.  FALSE when
 * VP9 caps lack the bit depth or chroma format: the first key frame's
 * header gives them (gst_flv_emux_vpcc_from_frame()). */
static gboolean
vpcc_from_caps (GstFlvEMuxTrack * t, const GstStructure * s)
{
  ertmp_media_vpcc *vpcc = &t->vpcc;
  const gchar *profile = gst_structure_get_string (s, "profile");
  const gchar *chroma = gst_structure_get_string (s, "chroma-format");
  const gchar *site = gst_structure_get_string (s, "chroma-site");
  guint primaries = 2, transfer = 2, matrix = 2;

  memset (vpcc, 0, sizeof (*vpcc));
  vpcc->full_box = TRUE;
  if (profile != NULL && profile[0] >= '0' && profile[0] <= '3')
    vpcc->profile = profile[0] - '0';
  if (t->codec == ERTMP_CODEC_VP9)
    vpcc->level = ertmp_media_vp9_level (MAX (t->width, 0),
        MAX (t->height, 0), t->framerate);
  vpcc->bit_depth = bit_depth (s) ? MIN (bit_depth (s), 15) : 8;
  vpcc->chroma_subsampling = site != NULL && strcmp (site, "mpeg2") == 0 ?
      0 : 1;
  if (g_strcmp0 (chroma, "4:2:2") == 0)
    vpcc->chroma_subsampling = 2;
  else if (g_strcmp0 (chroma, "4:4:4") == 0)
    vpcc->chroma_subsampling = 3;
  t->vpcc_colorimetry = gst_ertmp_caps_get_colorimetry (s, &primaries,
      &transfer, &matrix, &vpcc->full_range);
  vpcc->primaries = primaries;
  vpcc->transfer = transfer;
  vpcc->matrix = matrix;
  return t->codec != ERTMP_CODEC_VP9 ||
      (bit_depth (s) != 0 && chroma != NULL);
}

GBytes *
gst_flv_emux_vpcc_from_frame (GstFlvEMuxTrack * t, const guint8 * data,
    gsize len)
{
  ertmp_media_vpcc vpcc = t->vpcc;

  if (ertmp_media_parse_vp9_frame (data, len, &vpcc) != ERTMP_OK)
    return NULL;
  /* the header codes neither the 4:2:0 siting nor (unlike the caps'
   * colorimetry) the primaries and transfer */
  if (vpcc.chroma_subsampling == 1)
    vpcc.chroma_subsampling = t->vpcc.chroma_subsampling == 0 ? 0 : 1;
  if (t->vpcc_colorimetry) {
    vpcc.matrix = t->vpcc.matrix;
    vpcc.full_range = t->vpcc.full_range;
  }
  return vpcc_bytes (&vpcc);
}

static GBytes *
vvcc_seq_start (const GstStructure * s)
{
  GstBuffer *buf = caps_buffer (s, "codec_data", 0);
  const guint8 *data, *record;
  gsize len, record_len;
  GBytes *all, *bytes;

  if (buf == NULL)
    return NULL;
  all = buffer_bytes (buf);
  data = g_bytes_get_data (all, &len);
  if (ertmp_media_vvcc_record (data, len, &record, &record_len) != ERTMP_OK) {
    g_bytes_unref (all);
    return NULL;
  }
  bytes = g_bytes_new_from_bytes (all, record - data, record_len);
  g_bytes_unref (all);
  return bytes;
}

/* The SequenceStart body; FALSE with *why when one is needed and missing */
static gboolean
set_seq_start (GstFlvEMuxTrack * t, const GstCaps * caps,
    const GstStructure * s, gchar ** why)
{
  GstBuffer *codec_data = caps_buffer (s, "codec_data", 0);
  const gchar *what = "codec_data";

  switch (t->codec) {
    case ERTMP_CODEC_AVC:
    case ERTMP_CODEC_HEVC:
    case ERTMP_CODEC_AAC:
      t->seq_start = codec_data ? buffer_bytes (codec_data) : NULL;
      break;
    case ERTMP_CODEC_AV1:
      t->seq_start = codec_data ? buffer_bytes (codec_data) : NULL;
      t->seq_from_data = codec_data == NULL;
      return TRUE;
    case ERTMP_CODEC_VVC:
      t->seq_start = vvcc_seq_start (s);
      break;
    case ERTMP_CODEC_VP9:
    case ERTMP_CODEC_VP8:
      if (vpcc_from_caps (t, s))
        t->seq_start = vpcc_bytes (&t->vpcc);
      else
        t->seq_from_data = TRUE;
      return TRUE;
    case ERTMP_CODEC_OPUS:
      what = "an OpusHead streamheader or the Opus caps fields";
      t->seq_start = opus_seq_start (caps, s);
      break;
    case ERTMP_CODEC_FLAC:
      what = "a streamheader with STREAMINFO";
      t->seq_start = flac_seq_start (s);
      break;
    default:
      return TRUE;              /* no SequenceStart */
  }
  if (t->seq_start != NULL)
    return TRUE;
  *why = g_strdup_printf ("%s caps lack %s", ertmp_codec_name (t->codec),
      what);
  return FALSE;
}

GBytes *
gst_flv_emux_av1c_from_tu (const guint8 * data, gsize len)
{
  GByteArray *out = g_byte_array_new ();

  if (ertmp_media_build_av1c (data, len, out) != ERTMP_OK) {
    g_byte_array_unref (out);
    return NULL;
  }
  return g_byte_array_free_to_bytes (out);
}

static void
set_format (GstFlvEMuxTrack * t, const GstStructure * s)
{
  gint num = 0, den = 1;

  gst_structure_get_int (s, "width", &t->width);
  gst_structure_get_int (s, "height", &t->height);
  t->fps_d = 1;
  if (gst_structure_get_fraction (s, "framerate", &num, &den) && den > 0) {
    gst_util_fraction_to_double (num, den, &t->framerate);
    t->fps_n = MAX (num, 0);
    t->fps_d = den;
  }
  gst_structure_get_int (s, "rate", &t->rate);
  gst_structure_get_int (s, "channels", &t->n_channels);
}

gboolean
gst_flv_emux_track_from_caps (GstFlvEMuxTrack * t,
    const GstCaps * caps, guint8 track_id, gboolean fourcc_legacy,
    gchar ** why)
{
  const GstStructure *s = gst_caps_get_structure (caps, 0);
  const ertmp_codec_info *info;

  memset (t, 0, sizeof (*t));
  t->codec = gst_ertmp_caps_to_codec (s);
  info = ertmp_codec_get (t->codec);
  if (info == NULL) {
    *why = g_strdup_printf ("no FLV codec for %" GST_PTR_FORMAT, caps);
    return FALSE;
  }
  set_format (t, s);
  if (!choose_form (t, track_id, fourcc_legacy, why) ||
      !set_seq_start (t, caps, s, why))
    goto fail;
  if (t->seq_start != NULL)
    t->has_reorder = ertmp_media_reorder_depth (t->codec,
        g_bytes_get_data (t->seq_start, NULL),
        g_bytes_get_size (t->seq_start), &t->reorder) == ERTMP_OK;
  if (info->kind == ERTMP_CODEC_KIND_AUDIO) {
    t->sample_bits = 16;        /* compressed: 16 by convention */
    if (!t->enhanced && !set_sound_bits (t, s, why))
      goto fail;
    if (t->enhanced && t->n_channels > 2) {
      t->has_channels = TRUE;
      gst_ertmp_caps_get_channels (s, &t->channels);
    }
  } else if (t->enhanced) {
    t->has_color = gst_ertmp_caps_get_color_info (caps, &t->color);
  }
  return TRUE;

fail:
  gst_flv_emux_track_clear (t);
  return FALSE;
}

static gboolean
bytes_equal (GBytes * a, GBytes * b)
{
  return a == b || (a != NULL && b != NULL && g_bytes_equal (a, b));
}

gboolean
gst_flv_emux_track_config_changed (const GstFlvEMuxTrack * old,
    const GstFlvEMuxTrack * t)
{
  return old->codec != t->codec || old->enhanced != t->enhanced ||
      !bytes_equal (old->seq_start, t->seq_start) ||
      old->seq_from_data != t->seq_from_data ||
      old->has_channels != t->has_channels ||
      (t->has_channels &&
      memcmp (&old->channels, &t->channels, sizeof (t->channels)) != 0);
}

gboolean
gst_flv_emux_track_color_changed (const GstFlvEMuxTrack * old,
    const GstFlvEMuxTrack * t)
{
  return old->has_color != t->has_color ||
      memcmp (&old->color, &t->color, sizeof (t->color)) != 0;
}
