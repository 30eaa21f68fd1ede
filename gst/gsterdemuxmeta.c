/* gst-ertmp: erdemux onMetaData -> tags, sizes and announced tracks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * flv.md 6.1, ertmp.md 8.  The metadata is advisory: it never makes caps
 * on its own, it adds width / height / framerate to caps that the stream
 * made, tags, and the set of tracks to wait for before no-more-pads.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <gst/pbutils/pbutils.h>

#include "gsterdemux.h"
#include "ertmp_amf0.h"

GST_DEBUG_CATEGORY_EXTERN (gst_er_demux_debug);
#define GST_CAT_DEFAULT gst_er_demux_debug

/* A number, or a string holding one (writers that get types wrong). */
static gboolean
get_number (const ertmp_amf_value * obj, const gchar * name, gdouble * out)
{
  const gchar *str;
  gchar *end;

  if (ertmp_amf_get_prop_number (obj, name, out))
    return TRUE;
  str = ertmp_amf_get_prop_string (obj, name);
  if (str == NULL || *str == '\0')
    return FALSE;
  *out = g_ascii_strtod (str, &end);
  return *end == '\0';
}

static gboolean
is_map (const ertmp_amf_value * v)
{
  return v != NULL && (v->type == ERTMP_AMF_OBJECT ||
      v->type == ERTMP_AMF_ECMA_ARRAY);
}

/* width, height, framerate, data rates of one track */
static void
read_track_info (GstErDemux * demux, ertmp_codec_kind kind, guint8 id,
    const ertmp_amf_value * obj)
{
  GstErDemuxTrack *t = gst_er_demux_get_track (demux, kind, id);
  gdouble v;

  if (kind == ERTMP_CODEC_KIND_VIDEO) {
    if (get_number (obj, "width", &v) && v >= 1 && v <= G_MAXINT)
      t->width = (gint) v;
    if (get_number (obj, "height", &v) && v >= 1 && v <= G_MAXINT)
      t->height = (gint) v;
    if ((get_number (obj, "framerate", &v) ||
            get_number (obj, "videoframerate", &v)) && v > 0 && v < 1000)
      t->framerate = v;
    if (get_number (obj, "videodatarate", &v) && v > 0 && v < 1e9)
      t->datarate = v;
  } else if (get_number (obj, "audiodatarate", &v) && v > 0 && v < 1e9) {
    t->datarate = v;
  }
  t->tags_pending = TRUE;
  gst_er_demux_update_caps (demux, t);
}

/* videoTrackIdInfoMap / audioTrackIdInfoMap: {"1": {...}, ...} */
static void
read_track_map (GstErDemux * demux, ertmp_codec_kind kind,
    const ertmp_amf_value * map)
{
  guint i;

  if (!is_map (map))
    return;
  for (i = 0; i < ertmp_amf_n_props (map); i++) {
    const ertmp_amf_prop *prop = &g_array_index (map->props, ertmp_amf_prop,
        i);
    gchar *end;
    guint64 id = g_ascii_strtoull (prop->name, &end, 10);

    if (*prop->name == '\0' || *end != '\0' || id < 1 || id > 255 ||
        !is_map (prop->value))
      continue;
    read_track_info (demux, kind, (guint8) id, prop->value);
    gst_er_demux_get_track (demux, kind, (guint8) id)->announced = TRUE;
  }
}

GstTagList *
gst_er_demux_global_tags (GstErDemux * demux)
{
  if (demux->global_tags == NULL) {
    demux->global_tags = gst_tag_list_new (GST_TAG_CONTAINER_FORMAT,
        "Flash Video", NULL);
    gst_tag_list_set_scope (demux->global_tags, GST_TAG_SCOPE_GLOBAL);
  }
  return demux->global_tags;
}

static void
read_global_tags (GstErDemux * demux, const ertmp_amf_value * obj)
{
  static const gchar *strings[][2] = {
    {"encoder", GST_TAG_ENCODER}, {"title", GST_TAG_TITLE},
    {"comment", GST_TAG_COMMENT}, {"copyright", GST_TAG_COPYRIGHT},
  };
  GstTagList *tags = gst_tag_list_copy (gst_er_demux_global_tags (demux));
  const gchar *str;
  gdouble v;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (strings); i++) {
    str = ertmp_amf_get_prop_string (obj, strings[i][0]);
    if (str != NULL && *str != '\0' && g_utf8_validate (str, -1, NULL))
      gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, strings[i][1], str,
          NULL);
  }
  /* seconds; 0 for live */
  if (get_number (obj, "duration", &v) && v > 0 && v < 1e9) {
    demux->duration = (GstClockTime) (v * GST_SECOND);
    gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_TAG_DURATION,
        demux->duration, NULL);
  }
  if (gst_tag_list_is_equal (tags, demux->global_tags)) {
    gst_tag_list_unref (tags);
    return;
  }
  gst_tag_list_unref (demux->global_tags);
  demux->global_tags = tags;
  gst_er_demux_set_tags_pending (demux);
}

static void
read_metadata (GstErDemux * demux, const ertmp_amf_value * obj)
{
  gdouble v;
  gboolean has_video, has_audio;

  read_global_tags (demux, obj);
  read_track_info (demux, ERTMP_CODEC_KIND_VIDEO, 0, obj);
  read_track_info (demux, ERTMP_CODEC_KIND_AUDIO, 0, obj);
  /* the codec ids say which default tracks exist, better than the FLV
   * header flags */
  has_video = get_number (obj, "videocodecid", &v);
  has_audio = get_number (obj, "audiocodecid", &v);
  if (has_video || has_audio) {
    gst_er_demux_get_track (demux, ERTMP_CODEC_KIND_VIDEO, 0)->announced =
        has_video;
    gst_er_demux_get_track (demux, ERTMP_CODEC_KIND_AUDIO, 0)->announced =
        has_audio;
  }
  read_track_map (demux, ERTMP_CODEC_KIND_VIDEO,
      ertmp_amf_get (obj, "videoTrackIdInfoMap"));
  read_track_map (demux, ERTMP_CODEC_KIND_AUDIO,
      ertmp_amf_get (obj, "audioTrackIdInfoMap"));
}

void
gst_er_demux_handle_script (GstErDemux * demux, const guint8 * data,
    gsize len)
{
  GPtrArray *values = NULL;
  const gchar *name;
  ertmp_result res;
  guint i = 0;

  res = ertmp_amf0_decode_message (demux->amf, data, len, &values);
  if (res != ERTMP_OK) {
    gst_er_demux_report (demux, res, NULL, FALSE,
        "a script data tag (onMetaData) is malformed; ignored");
    return;
  }
  /* over RTMP: ["@setDataFrame", "onMetaData", {...}] */
  name = values->len > 0 ? ertmp_amf_get_string (values->pdata[0]) : NULL;
  if (g_strcmp0 (name, "@setDataFrame") == 0) {
    i = 1;
    name = values->len > 1 ? ertmp_amf_get_string (values->pdata[1]) : NULL;
  }
  if (g_strcmp0 (name, "onMetaData") == 0 && values->len > i + 1 &&
      is_map (values->pdata[i + 1])) {
    read_metadata (demux, values->pdata[i + 1]);
    gst_er_demux_check_no_more_pads (demux, FALSE);
  } else {
    GST_DEBUG_OBJECT (demux, "skipping script data '%s'", GST_STR_NULL (name));
  }
  g_ptr_array_unref (values);
}

void
gst_er_demux_handle_flv_header (GstErDemux * demux,
    const ertmp_flv_header * header)
{
  GST_DEBUG_OBJECT (demux, "FLV version %u, flags 0x%02x", header->version,
      header->flags);
  if (header->flags & ERTMP_FLV_FLAG_VIDEO)
    gst_er_demux_get_track (demux, ERTMP_CODEC_KIND_VIDEO, 0)->announced =
        TRUE;
  if (header->flags & ERTMP_FLV_FLAG_AUDIO)
    gst_er_demux_get_track (demux, ERTMP_CODEC_KIND_AUDIO, 0)->announced =
        TRUE;
}

GstTagList *
gst_er_demux_stream_tags (GstErDemux * demux, GstErDemuxTrack * t)
{
  gboolean video = t->kind == ERTMP_CODEC_KIND_VIDEO;
  GstTagList *tags = gst_tag_list_new_empty ();

  gst_tag_list_set_scope (tags, GST_TAG_SCOPE_STREAM);
  if (t->caps != NULL)
    gst_pb_utils_add_codec_description_to_tag_list (tags, video ?
        GST_TAG_VIDEO_CODEC : GST_TAG_AUDIO_CODEC, t->caps);
  /* kbit/s */
  if (t->datarate > 0)
    gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_TAG_NOMINAL_BITRATE,
        (guint) (t->datarate * 1000), NULL);
  return tags;
}
