/* gst-ertmp: the one caps table, core codec <-> GstCaps
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>
#include <gst/audio/audio.h>

#include "gstertmpcaps.h"

/* Turns the caps of a row into a track's caps: may add fields or replace
 * *caps.  @data / @len: the SequenceStart payload or NULL / 0. */
typedef ertmp_result (*ConfigureFunc) (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len);

typedef struct
{
  ertmp_codec codec;
  GstStaticCaps emit;           /* erdemux; GST_STATIC_CAPS_NONE: never */
  GstStaticCaps accept;         /* flvemux; GST_STATIC_CAPS_NONE: never */
  ConfigureFunc configure;      /* NULL: the emit caps as they are */
} CapsRow;

static ertmp_result configure_codec_data (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len);
static ertmp_result configure_vpcc (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len);
static ertmp_result configure_aac (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len);
static ertmp_result configure_opus (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len);
static ertmp_result configure_flac (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len);
static ertmp_result configure_legacy_audio (ertmp_codec codec,
    GstCaps ** caps, const ertmp_media_header * hdr, const guint8 * data,
    gsize len);

#define NONE GST_STATIC_CAPS_NONE
#define CAPS(str) GST_STATIC_CAPS (str)
#define SAME(str) CAPS (str), CAPS (str)

#define H264 "video/x-h264, stream-format=(string)avc, alignment=(string)au"
#define AV1 "video/x-av1, stream-format=(string)obu-stream, " \
  "alignment=(string)tu"
#define H266 "video/x-h266, stream-format=(string)vvc1, alignment=(string)au"
#define MP3 "audio/mpeg, mpegversion=(int)1, layer=(int)3"
#define LEGACY_RATES "rate=(int){ 5512, 11025, 22050, 44100 }, " \
  "channels=(int){ 1, 2 }"
#define PCM "audio/x-raw, format=(string){ S16LE, U8 }, " \
  "layout=(string)interleaved"

/* Table order is pad template order: the general MP3 row before MP3_8K, so
 * an encoder fixates to its own rate, not to 8 kHz.  gst_ertmp_caps_to_codec()
 * does not depend on it: the narrowest accepting row wins. */
static CapsRow caps_table[] = {
  /* video */
  /* muxer: au preferred; caps without alignment (flvdemux's: FLV tags are
   * whole access units) are taken as au, as flvmux does */
  {ERTMP_CODEC_AVC, CAPS (H264),
        CAPS (H264 "; video/x-h264, stream-format=(string)avc"),
      configure_codec_data},
  {ERTMP_CODEC_HEVC,
        CAPS ("video/x-h265, stream-format=(string)hvc1, "
            "alignment=(string)au"),
        CAPS ("video/x-h265, stream-format=(string){ hvc1, hev1 }, "
            "alignment=(string)au"), configure_codec_data},
  {ERTMP_CODEC_AV1, SAME (AV1), configure_codec_data},
  {ERTMP_CODEC_VP9, SAME ("video/x-vp9"), configure_vpcc},
  {ERTMP_CODEC_VP8, SAME ("video/x-vp8"), configure_vpcc},
  {ERTMP_CODEC_VVC, SAME (H266), configure_codec_data},
  {ERTMP_CODEC_H263, CAPS ("video/x-flash-video, flvversion=(int)1"),
      CAPS ("video/x-flash-video"), NULL},
  {ERTMP_CODEC_SCREEN, SAME ("video/x-flash-screen"), NULL},
  {ERTMP_CODEC_VP6, SAME ("video/x-vp6-flash"), NULL},
  {ERTMP_CODEC_VP6_ALPHA, SAME ("video/x-vp6-alpha"), NULL},
  {ERTMP_CODEC_SCREEN_V2, CAPS ("video/x-flash-screen2"), NONE, NULL},
  /* audio */
  {ERTMP_CODEC_AAC,
        CAPS ("audio/mpeg, mpegversion=(int)4, stream-format=(string)raw, "
            "framed=(boolean)true"),
        CAPS ("audio/mpeg, mpegversion=(int){ 4, 2 }, "
            "stream-format=(string)raw"), configure_aac},
  {ERTMP_CODEC_MP3, SAME (MP3), configure_legacy_audio},
  {ERTMP_CODEC_MP3_8K, CAPS (MP3), CAPS (MP3 ", rate=(int)8000"),
      configure_legacy_audio},
  {ERTMP_CODEC_OPUS, SAME ("audio/x-opus"), configure_opus},
  /* muxer: flacenc writes whole frames but sets no framed field */
  {ERTMP_CODEC_FLAC, CAPS ("audio/x-flac, framed=(boolean)true"),
      CAPS ("audio/x-flac"), configure_flac},
  {ERTMP_CODEC_AC3, SAME ("audio/x-ac3, framed=(boolean)true"), NULL},
  {ERTMP_CODEC_EAC3, SAME ("audio/x-eac3, framed=(boolean)true"), NULL},
  {ERTMP_CODEC_PCM_LE, CAPS (PCM), CAPS (PCM ", " LEGACY_RATES),
      configure_legacy_audio},
  {ERTMP_CODEC_PCM, CAPS (PCM), NONE, configure_legacy_audio},
  {ERTMP_CODEC_ADPCM, CAPS ("audio/x-adpcm, layout=(string)swf"),
        CAPS ("audio/x-adpcm, layout=(string)swf, " LEGACY_RATES),
      configure_legacy_audio},
  {ERTMP_CODEC_NELLYMOSER_8K, CAPS ("audio/x-nellymoser"),
        CAPS ("audio/x-nellymoser, rate=(int)8000, channels=(int)1"),
      configure_legacy_audio},
  {ERTMP_CODEC_NELLYMOSER_16K, CAPS ("audio/x-nellymoser"),
        CAPS ("audio/x-nellymoser, rate=(int)16000, channels=(int)1"),
      configure_legacy_audio},
  {ERTMP_CODEC_NELLYMOSER, CAPS ("audio/x-nellymoser"),
        CAPS ("audio/x-nellymoser, " LEGACY_RATES),
      configure_legacy_audio},
  {ERTMP_CODEC_ALAW, CAPS ("audio/x-alaw"),
        CAPS ("audio/x-alaw, rate=(int)8000, channels=(int){ 1, 2 }"),
      configure_legacy_audio},
  {ERTMP_CODEC_MULAW, CAPS ("audio/x-mulaw"),
        CAPS ("audio/x-mulaw, rate=(int)8000, channels=(int){ 1, 2 }"),
      configure_legacy_audio},
  {ERTMP_CODEC_SPEEX, CAPS ("audio/x-speex"),
        CAPS ("audio/x-speex, rate=(int)16000, channels=(int)1"),
      configure_legacy_audio},
};

static CapsRow *
find_row (ertmp_codec codec)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (caps_table); i++)
    if (caps_table[i].codec == codec)
      return &caps_table[i];
  return NULL;
}

GstCaps *
gst_ertmp_caps_template (ertmp_codec_kind kind, GstErtmpCapsUse use)
{
  GstCaps *all = gst_caps_new_empty ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (caps_table); i++) {
    CapsRow *row = &caps_table[i];
    const ertmp_codec_info *info = ertmp_codec_get (row->codec);

    if (info == NULL || info->kind != kind)
      continue;
    if (use & GST_ERTMP_CAPS_DEMUX)
      all = gst_caps_merge (all, gst_static_caps_get (&row->emit));
    if (use & GST_ERTMP_CAPS_MUX)
      all = gst_caps_merge (all, gst_static_caps_get (&row->accept));
  }
  return all;
}

static gboolean
accepts (GstCaps * accept, const GstStructure * s)
{
  guint i;

  for (i = 0; i < gst_caps_get_size (accept); i++)
    if (gst_structure_can_intersect (s, gst_caps_get_structure (accept, i)))
      return TRUE;
  return FALSE;
}

ertmp_codec
gst_ertmp_caps_to_codec (const GstStructure * s)
{
  ertmp_codec codec = ERTMP_CODEC_UNKNOWN;
  GstCaps *best = NULL;
  guint i;

  g_return_val_if_fail (s != NULL, ERTMP_CODEC_UNKNOWN);

  for (i = 0; i < G_N_ELEMENTS (caps_table); i++) {
    GstCaps *accept = gst_static_caps_get (&caps_table[i].accept);

    /* a row narrower than the match so far (MP3_8K after MP3) wins */
    if (accepts (accept, s) && (best == NULL ||
            gst_caps_is_subset (accept, best))) {
      gst_caps_replace (&best, accept);
      codec = caps_table[i].codec;
    }
    gst_caps_unref (accept);
  }
  gst_clear_caps (&best);
  return codec;
}

ertmp_result
gst_ertmp_caps_from_config (ertmp_codec codec, const ertmp_media_header * hdr,
    const guint8 * config, gsize len, GstCaps ** caps)
{
  CapsRow *row = find_row (codec);
  ertmp_result res = ERTMP_OK;
  GstCaps *base;

  g_return_val_if_fail (caps != NULL, ERTMP_STATE);
  g_return_val_if_fail (config != NULL || len == 0, ERTMP_STATE);

  *caps = NULL;
  if (row == NULL)
    return ERTMP_UNSUPPORTED;
  base = gst_static_caps_get (&row->emit);
  *caps = gst_caps_copy (base);
  gst_caps_unref (base);
  if (row->configure != NULL)
    res = row->configure (codec, caps, hdr, config, len);
  if (res != ERTMP_OK)
    gst_clear_caps (caps);
  return res;
}

GstCaps *
gst_ertmp_caps_in_band (ertmp_codec codec)
{
  GstCaps *base, *caps;

  if (codec != ERTMP_CODEC_AV1 && codec != ERTMP_CODEC_VP9 &&
      codec != ERTMP_CODEC_VP8)
    return NULL;
  base = gst_static_caps_get (&find_row (codec)->emit);
  caps = gst_caps_copy (base);
  gst_caps_unref (base);
  return caps;
}

/* ---- SequenceStart payloads (ertmp.md 12) ---------------------------- */

static GstBuffer *
header_buffer (const guint8 * data, gsize len)
{
  GstBuffer *buf = gst_buffer_new_memdup (data, len);

  GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_HEADER);
  return buf;
}

static void
set_codec_data (GstCaps * caps, const guint8 * data, gsize len)
{
  GstBuffer *buf = gst_buffer_new_memdup (data, len);

  gst_caps_set_simple (caps, "codec_data", GST_TYPE_BUFFER, buf, NULL);
  gst_buffer_unref (buf);
}

/* avcC, hvcC, av1C, vvcC: the record is codec_data as it is (vvcC without
 * a FullBox prefix); only what tells a record from garbage is checked,
 * the parser reads the rest. */
static ertmp_result
configure_codec_data (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len)
{
  gboolean ok;

  switch (codec) {
    case ERTMP_CODEC_AVC:      /* configurationVersion 1, 6 fixed bytes */
      ok = len >= 7 && data[0] == 1;
      break;
    case ERTMP_CODEC_HEVC:     /* configurationVersion 1, 23 fixed bytes */
      ok = len >= 23 && data[0] == 1;
      break;
    case ERTMP_CODEC_AV1:      /* marker 1, version 1, 4 fixed bytes */
      ok = len >= 4 && data[0] == 0x81;
      break;
    case ERTMP_CODEC_VVC:
      ok = ertmp_media_vvcc_record (data, len, &data, &len) == ERTMP_OK;
      break;
    default:
      g_assert_not_reached ();
  }
  if (!ok)
    return ERTMP_MALFORMED;
  set_codec_data (*caps, data, len);
  return ERTMP_OK;
}

static void
set_colorimetry (GstCaps * caps, GstVideoColorRange range,
    guint primaries, guint transfer, guint matrix)
{
  GstVideoColorimetry cinfo;
  gchar *str;

  cinfo.range = range;
  cinfo.matrix = gst_video_color_matrix_from_iso (matrix);
  cinfo.transfer = gst_video_transfer_function_from_iso (transfer);
  cinfo.primaries = gst_video_color_primaries_from_iso (primaries);
  if (cinfo.matrix == GST_VIDEO_COLOR_MATRIX_UNKNOWN &&
      cinfo.transfer == GST_VIDEO_TRANSFER_UNKNOWN &&
      cinfo.primaries == GST_VIDEO_COLOR_PRIMARIES_UNKNOWN)
    return;
  str = gst_video_colorimetry_to_string (&cinfo);
  if (str != NULL)
    gst_caps_set_simple (caps, "colorimetry", G_TYPE_STRING, str, NULL);
  g_free (str);
}

gboolean
gst_ertmp_caps_get_colorimetry (const GstStructure * s, guint * primaries,
    guint * transfer, guint * matrix, gboolean * full_range)
{
  const gchar *str = gst_structure_get_string (s, "colorimetry");
  GstVideoColorimetry cinfo;

  if (str == NULL || !gst_video_colorimetry_from_string (&cinfo, str))
    return FALSE;
  *primaries = gst_video_color_primaries_to_iso (cinfo.primaries);
  *transfer = gst_video_transfer_function_to_iso (cinfo.transfer);
  *matrix = gst_video_color_matrix_to_iso (cinfo.matrix);
  *full_range = cinfo.range == GST_VIDEO_COLOR_RANGE_0_255;
  return TRUE;
}

/* vpcC (ertmp.md 2.8): optional for vp09/vp08; VP9 caps fields as qtdemux
 * sets them. */
static ertmp_result
configure_vpcc (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len)
{
  static const gchar *chroma[] = { "4:2:0", "4:2:0", "4:2:2", "4:4:4" };
  ertmp_media_vpcc vpcc;
  gchar profile[4];

  if (data == NULL)
    return ERTMP_OK;
  if (ertmp_media_parse_vpcc (data, len, &vpcc) != ERTMP_OK)
    return ERTMP_MALFORMED;
  if (codec != ERTMP_CODEC_VP9)
    return ERTMP_OK;
  if (vpcc.profile <= 3) {
    g_snprintf (profile, sizeof (profile), "%u", vpcc.profile);
    gst_caps_set_simple (*caps, "profile", G_TYPE_STRING, profile, NULL);
  }
  if (vpcc.bit_depth == 8 || vpcc.bit_depth == 10 || vpcc.bit_depth == 12)
    gst_caps_set_simple (*caps, "bit-depth-luma", G_TYPE_UINT,
        (guint) vpcc.bit_depth, "bit-depth-chroma", G_TYPE_UINT,
        (guint) vpcc.bit_depth, NULL);
  if (vpcc.chroma_subsampling < G_N_ELEMENTS (chroma))
    gst_caps_set_simple (*caps, "chroma-format", G_TYPE_STRING,
        chroma[vpcc.chroma_subsampling], NULL);
  set_colorimetry (*caps, vpcc.full_range ? GST_VIDEO_COLOR_RANGE_0_255 :
      GST_VIDEO_COLOR_RANGE_16_235, vpcc.primaries, vpcc.transfer,
      vpcc.matrix);
  return ERTMP_OK;
}

/* AudioSpecificConfig: codec_data, rate, channels, profile, level */
static ertmp_result
configure_aac (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len)
{
  ertmp_media_aac_config asc;

  if (data == NULL || ertmp_media_parse_aac_config (data, len, &asc)
      != ERTMP_OK)
    return ERTMP_MALFORMED;
  set_codec_data (*caps, data, len);
  gst_caps_set_simple (*caps, "rate", G_TYPE_INT, (gint) asc.rate, NULL);
  if (asc.channels > 0)
    gst_caps_set_simple (*caps, "channels", G_TYPE_INT, (gint) asc.channels,
        NULL);
  /* fails only for configs it does not know: the fields stay out */
  gst_codec_utils_aac_caps_set_level_and_profile (*caps, data, len);
  return ERTMP_OK;
}

/* OpusHead: caps (and a streamheader) from GStreamer's own helper */
static ertmp_result
configure_opus (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len)
{
  ertmp_media_opus_head head;
  GstBuffer *buf;
  GstCaps *opus;

  if (data == NULL || ertmp_media_parse_opus_head (data, len, &head)
      != ERTMP_OK)
    return ERTMP_MALFORMED;
  buf = header_buffer (data, len);
  opus = gst_codec_utils_opus_create_caps_from_header (buf, NULL);
  gst_buffer_unref (buf);
  if (opus == NULL)
    return ERTMP_MALFORMED;
  gst_caps_replace (caps, opus);
  gst_caps_unref (opus);
  return ERTMP_OK;
}

static void
append_buffer (GValue * array, GstBuffer * buf)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, GST_TYPE_BUFFER);
  g_value_take_boxed (&v, buf);
  gst_value_array_append_and_take_value (array, &v);
}

/* FLAC in any of the three forms -> streamheader < "fLaC", STREAMINFO
 * block (last-block bit set) >, as qtdemux and matroskademux emit it */
static ertmp_result
configure_flac (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len)
{
  static const guint8 marker[4] = { 'f', 'L', 'a', 'C' };
  guint8 block[4 + 34] = { 0x80, 0x00, 0x00, 34 };
  ertmp_media_flac flac;
  GValue array = G_VALUE_INIT;

  if (data == NULL || ertmp_media_parse_flac (data, len, &flac) != ERTMP_OK)
    return ERTMP_MALFORMED;
  memcpy (block + 4, flac.streaminfo, 34);
  g_value_init (&array, GST_TYPE_ARRAY);
  append_buffer (&array, header_buffer (marker, sizeof (marker)));
  append_buffer (&array, header_buffer (block, sizeof (block)));
  gst_caps_set_simple (*caps, "rate", G_TYPE_INT, (gint) flac.rate,
      "channels", G_TYPE_INT, (gint) flac.channels, NULL);
  gst_caps_set_value (*caps, "streamheader", &array);
  g_value_unset (&array);
  return ERTMP_OK;
}

/* Legacy SoundFormats: rate, channels (and PCM sample format) from the
 * header byte; the enhanced .mp3 has none (mpegaudioparse finds them). */
static ertmp_result
configure_legacy_audio (ertmp_codec codec, GstCaps ** caps,
    const ertmp_media_header * hdr, const guint8 * data, gsize len)
{
  guint rate, channels, bits;

  g_return_val_if_fail (hdr != NULL || codec == ERTMP_CODEC_MP3, ERTMP_STATE);

  if (hdr == NULL || hdr->enhanced)
    return ERTMP_OK;
  ertmp_media_legacy_audio_format (hdr, &rate, &channels, &bits);
  gst_caps_set_simple (*caps, "rate", G_TYPE_INT, (gint) rate,
      "channels", G_TYPE_INT, (gint) channels, NULL);
  if (codec == ERTMP_CODEC_PCM || codec == ERTMP_CODEC_PCM_LE)
    gst_caps_set_simple (*caps, "format", G_TYPE_STRING,
        bits == 8 ? "U8" : "S16LE", NULL);
  return ERTMP_OK;
}

/* ---- what other packets add ------------------------------------------ */

void
gst_ertmp_caps_set_video_size (GstCaps * caps, gint width, gint height,
    gdouble framerate)
{
  gint num, den;

  g_return_if_fail (gst_caps_is_writable (caps));

  if (width > 0 && height > 0)
    gst_caps_set_simple (caps, "width", G_TYPE_INT, width, "height",
        G_TYPE_INT, height, NULL);
  if (framerate > 0 && framerate < G_MAXINT) {
    gst_util_double_to_fraction (framerate, &num, &den);
    gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION, num, den,
        NULL);
  }
}

#define MDCV_ALL (ERTMP_MEDIA_COLOR_RED_X | ERTMP_MEDIA_COLOR_RED_Y | \
    ERTMP_MEDIA_COLOR_GREEN_X | ERTMP_MEDIA_COLOR_GREEN_Y | \
    ERTMP_MEDIA_COLOR_BLUE_X | ERTMP_MEDIA_COLOR_BLUE_Y | \
    ERTMP_MEDIA_COLOR_WHITE_X | ERTMP_MEDIA_COLOR_WHITE_Y | \
    ERTMP_MEDIA_COLOR_MAX_LUMINANCE | ERTMP_MEDIA_COLOR_MIN_LUMINANCE)

/* a non-negative finite value times @scale, rounded, clamped to @max */
static guint32
scaled (gdouble v, gdouble scale, guint32 max)
{
  gdouble s = v * scale + 0.5;

  if (!(s >= 0))
    return 0;
  return s >= max ? max : (guint32) s;
}

/* GstVideoMasteringDisplayInfo units (ertmp.md 7): primaries and white
 * point in 0.00002, luminance in 0.0001 cd/m2; index 0 red, 1 green,
 * 2 blue */
#define PRIMARY_SCALE 50000.0
#define LUMINANCE_SCALE 10000.0

static void
set_mastering (GstCaps * caps, const ertmp_media_color_info * c)
{
  GstVideoMasteringDisplayInfo m;
  const gdouble xy[8] = { c->red_x, c->red_y, c->green_x, c->green_y,
    c->blue_x, c->blue_y, c->white_x, c->white_y
  };
  guint i;

  gst_video_mastering_display_info_init (&m);
  for (i = 0; i < 3; i++) {
    m.display_primaries[i].x = scaled (xy[2 * i], PRIMARY_SCALE,
        G_MAXUINT16);
    m.display_primaries[i].y = scaled (xy[2 * i + 1], PRIMARY_SCALE,
        G_MAXUINT16);
  }
  m.white_point.x = scaled (xy[6], PRIMARY_SCALE, G_MAXUINT16);
  m.white_point.y = scaled (xy[7], PRIMARY_SCALE, G_MAXUINT16);
  m.max_display_mastering_luminance = scaled (c->max_luminance,
      LUMINANCE_SCALE, G_MAXUINT32);
  m.min_display_mastering_luminance = scaled (c->min_luminance,
      LUMINANCE_SCALE, G_MAXUINT32);
  gst_video_mastering_display_info_add_to_caps (&m, caps);
}

/* the inverse of set_mastering() */
static void
get_mastering (ertmp_media_color_info * c,
    const GstVideoMasteringDisplayInfo * m)
{
  c->red_x = m->display_primaries[0].x / PRIMARY_SCALE;
  c->red_y = m->display_primaries[0].y / PRIMARY_SCALE;
  c->green_x = m->display_primaries[1].x / PRIMARY_SCALE;
  c->green_y = m->display_primaries[1].y / PRIMARY_SCALE;
  c->blue_x = m->display_primaries[2].x / PRIMARY_SCALE;
  c->blue_y = m->display_primaries[2].y / PRIMARY_SCALE;
  c->white_x = m->white_point.x / PRIMARY_SCALE;
  c->white_y = m->white_point.y / PRIMARY_SCALE;
  c->max_luminance = m->max_display_mastering_luminance / LUMINANCE_SCALE;
  c->min_luminance = m->min_display_mastering_luminance / LUMINANCE_SCALE;
  c->present |= MDCV_ALL;
}

void
gst_ertmp_caps_set_color_info (GstCaps * caps,
    const ertmp_media_color_info * info)
{
  GstVideoContentLightLevel cll;
  guint p = info->present;

  g_return_if_fail (gst_caps_is_writable (caps));

  gst_structure_remove_fields (gst_caps_get_structure (caps, 0),
      "colorimetry", "mastering-display-info", "content-light-level", NULL);
  if (p & (ERTMP_MEDIA_COLOR_PRIMARIES | ERTMP_MEDIA_COLOR_TRANSFER |
          ERTMP_MEDIA_COLOR_MATRIX))
    set_colorimetry (caps, GST_VIDEO_COLOR_RANGE_UNKNOWN,
        (p & ERTMP_MEDIA_COLOR_PRIMARIES) ? info->primaries : 2,
        (p & ERTMP_MEDIA_COLOR_TRANSFER) ? info->transfer : 2,
        (p & ERTMP_MEDIA_COLOR_MATRIX) ? info->matrix : 2);
  if ((p & MDCV_ALL) == MDCV_ALL)
    set_mastering (caps, info);
  if (p & (ERTMP_MEDIA_COLOR_MAX_CLL | ERTMP_MEDIA_COLOR_MAX_FALL)) {
    gst_video_content_light_level_init (&cll);
    if (p & ERTMP_MEDIA_COLOR_MAX_CLL)
      cll.max_content_light_level = scaled (info->max_cll, 1, G_MAXUINT16);
    if (p & ERTMP_MEDIA_COLOR_MAX_FALL)
      cll.max_frame_average_light_level = scaled (info->max_fall, 1,
          G_MAXUINT16);
    gst_video_content_light_level_add_to_caps (&cll, caps);
  }
}

gboolean
gst_ertmp_caps_get_color_info (const GstCaps * caps,
    ertmp_media_color_info * info)
{
  const GstStructure *s = gst_caps_get_structure (caps, 0);
  GstVideoMasteringDisplayInfo mdi;
  GstVideoContentLightLevel cll;
  guint primaries, transfer, matrix, depth = 0;
  gboolean full;

  memset (info, 0, sizeof (*info));
  if (gst_ertmp_caps_get_colorimetry (s, &primaries, &transfer, &matrix,
          &full)) {
    info->primaries = primaries;
    info->transfer = transfer;
    info->matrix = matrix;
    info->present |= ERTMP_MEDIA_COLOR_PRIMARIES |
        ERTMP_MEDIA_COLOR_TRANSFER | ERTMP_MEDIA_COLOR_MATRIX;
  }
  gst_structure_get_uint (s, "bit-depth-luma", &depth);
  if (info->present != 0 && depth > 0 && depth < 256) {
    info->bit_depth = depth;
    info->present |= ERTMP_MEDIA_COLOR_BIT_DEPTH;
  }
  if (gst_video_mastering_display_info_from_caps (&mdi, caps))
    get_mastering (info, &mdi);
  if (gst_video_content_light_level_from_caps (&cll, caps)) {
    info->max_cll = cll.max_content_light_level;
    info->max_fall = cll.max_frame_average_light_level;
    info->present |= ERTMP_MEDIA_COLOR_MAX_CLL | ERTMP_MEDIA_COLOR_MAX_FALL;
  }
  return info->present != 0;
}

/* AudioChannel index (ertmp.md 3.5) <-> GStreamer position: both
 * directions read this one table */
static const GstAudioChannelPosition speaker_positions[24] = {
  GST_AUDIO_CHANNEL_POSITION_FRONT_LEFT,
  GST_AUDIO_CHANNEL_POSITION_FRONT_RIGHT,
  GST_AUDIO_CHANNEL_POSITION_FRONT_CENTER,
  GST_AUDIO_CHANNEL_POSITION_LFE1,
  GST_AUDIO_CHANNEL_POSITION_REAR_LEFT,
  GST_AUDIO_CHANNEL_POSITION_REAR_RIGHT,
  GST_AUDIO_CHANNEL_POSITION_FRONT_LEFT_OF_CENTER,
  GST_AUDIO_CHANNEL_POSITION_FRONT_RIGHT_OF_CENTER,
  GST_AUDIO_CHANNEL_POSITION_REAR_CENTER,
  GST_AUDIO_CHANNEL_POSITION_SIDE_LEFT,
  GST_AUDIO_CHANNEL_POSITION_SIDE_RIGHT,
  GST_AUDIO_CHANNEL_POSITION_TOP_CENTER,
  GST_AUDIO_CHANNEL_POSITION_TOP_FRONT_LEFT,
  GST_AUDIO_CHANNEL_POSITION_TOP_FRONT_CENTER,
  GST_AUDIO_CHANNEL_POSITION_TOP_FRONT_RIGHT,
  GST_AUDIO_CHANNEL_POSITION_TOP_REAR_LEFT,
  GST_AUDIO_CHANNEL_POSITION_TOP_REAR_CENTER,
  GST_AUDIO_CHANNEL_POSITION_TOP_REAR_RIGHT,
  GST_AUDIO_CHANNEL_POSITION_LFE2,
  GST_AUDIO_CHANNEL_POSITION_TOP_SIDE_LEFT,
  GST_AUDIO_CHANNEL_POSITION_TOP_SIDE_RIGHT,
  GST_AUDIO_CHANNEL_POSITION_BOTTOM_FRONT_CENTER,
  GST_AUDIO_CHANNEL_POSITION_BOTTOM_FRONT_LEFT,
  GST_AUDIO_CHANNEL_POSITION_BOTTOM_FRONT_RIGHT,
};

/* The GStreamer mask of the speakers, 0 (unpositioned) unless each
 * channel has a known position and the wire order is GStreamer's order. */
static guint64
channel_mask (const ertmp_media_channels * ch)
{
  guint64 mask = 0, bit;
  guint i, n = 0, speaker;
  gint last = -1;

  for (i = 0; i < G_N_ELEMENTS (speaker_positions) && n < ch->channels; i++) {
    if (ch->order == ERTMP_MEDIA_CHANNEL_ORDER_NATIVE) {
      if (!(ch->flags & (1u << i)))
        continue;
      speaker = i;
    } else if (ch->order == ERTMP_MEDIA_CHANNEL_ORDER_CUSTOM) {
      speaker = ch->mapping[n];
      if (speaker >= G_N_ELEMENTS (speaker_positions))
        return 0;
    } else {
      return 0;
    }
    if ((gint) speaker_positions[speaker] <= last)
      return 0;
    last = speaker_positions[speaker];
    bit = G_GUINT64_CONSTANT (1) << last;
    mask |= bit;
    n++;
  }
  return n == ch->channels ? mask : 0;
}

void
gst_ertmp_caps_set_channels (GstCaps * caps, const ertmp_media_channels * ch)
{
  g_return_if_fail (gst_caps_is_writable (caps));

  if (ch->channels == 0)
    return;
  gst_caps_set_simple (caps, "channels", G_TYPE_INT, (gint) ch->channels,
      "channel-mask", GST_TYPE_BITMASK, channel_mask (ch), NULL);
}

/* GStreamer position -> AudioChannel, ERTMP_MEDIA_CHANNEL_UNKNOWN when the
 * spec has no speaker for it */
static guint8
speaker_of (GstAudioChannelPosition pos)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (speaker_positions); i++)
    if (speaker_positions[i] == pos)
      return i;
  return ERTMP_MEDIA_CHANNEL_UNKNOWN;
}

void
gst_ertmp_caps_get_channels (const GstStructure * s, ertmp_media_channels * ch)
{
  GstAudioChannelPosition pos[64];
  guint64 mask = 0;
  gint i, n = 0;

  g_return_if_fail (s != NULL && ch != NULL);

  memset (ch, 0, sizeof (*ch));
  gst_structure_get_int (s, "channels", &n);
  ch->channels = CLAMP (n, 0, 255);
  if (!gst_structure_get (s, "channel-mask", GST_TYPE_BITMASK, &mask, NULL))
    mask = gst_audio_channel_get_fallback_mask (n);
  if (n > 64 || mask == 0 ||
      !gst_audio_channel_positions_from_mask (n, mask, pos)) {
    ch->order = ERTMP_MEDIA_CHANNEL_ORDER_UNSPECIFIED;
    return;
  }
  ch->order = ERTMP_MEDIA_CHANNEL_ORDER_NATIVE;
  for (i = 0; i < n; i++) {
    ch->mapping[i] = speaker_of (pos[i]);
    if (ch->mapping[i] == ERTMP_MEDIA_CHANNEL_UNKNOWN)
      ch->order = ERTMP_MEDIA_CHANNEL_ORDER_CUSTOM;
    else
      ch->flags |= 1u << ch->mapping[i];
  }
  if (ch->order == ERTMP_MEDIA_CHANNEL_ORDER_CUSTOM)
    ch->flags = 0;
}
