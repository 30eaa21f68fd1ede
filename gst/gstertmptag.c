/* gst-ertmp: what an FLV tag is, for the network elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstertmptag.h"
#include "ertmp_flv.h"
#include "ertmp_media.h"

/* AMF0 string "onMetaData" (flv.md 6) */
static const guint8 on_metadata[] = { 0x02, 0x00, 0x0A, 'o', 'n', 'M', 'e',
  't', 'a', 'D', 'a', 't', 'a'
};

/* what a stream without its file header is taken to start with */
static const guint8 flv_file_header[] = { 'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9,
  0, 0, 0, 0
};

ertmp_flv_reader *
gst_ertmp_tag_reader_new (const guint8 * data, gsize len)
{
  ertmp_flv_reader *reader = ertmp_flv_reader_new (NULL);
  ertmp_flv_tag t;
  gsize consumed;

  if (len < 3 || memcmp (data, "FLV", 3) != 0)
    ertmp_flv_reader_read (reader, flv_file_header, sizeof (flv_file_header),
        &consumed, &t);
  return reader;
}

GstBuffer *
gst_ertmp_tag_body (ertmp_flv_reader * reader, const ertmp_flv_tag * t,
    GstBuffer * in, const guint8 * data, gsize len)
{
  GBytes *bytes;
  GstBuffer *body;

  if (t->payload >= data && t->payload + t->header.size <= data + len)
    return gst_buffer_copy_region (in, GST_BUFFER_COPY_MEMORY,
        t->payload - data, t->header.size);
  bytes = ertmp_flv_reader_take_payload (reader);
  body = gst_buffer_new_wrapped_bytes (bytes);
  g_bytes_unref (bytes);
  return body;
}

void
gst_ertmp_tag_classify (guint8 type, const guint8 * body, gsize len,
    GstErtmpTagInfo * info)
{
  ertmp_media_tag tag;

  info->header_key = GST_ERTMP_TAG_NOT_HEADER;
  info->keyframe = info->delta = FALSE;
  if (type == ERTMP_FLV_TAG_SCRIPT) {
    if (len >= sizeof (on_metadata)
        && memcmp (body, on_metadata, sizeof (on_metadata)) == 0)
      info->header_key = 0;
    return;
  }
  if ((type != ERTMP_FLV_TAG_AUDIO && type != ERTMP_FLV_TAG_VIDEO)
      || ertmp_media_parse (type, body, len, NULL, &tag) != ERTMP_OK)
    return;
  switch (tag.hdr.packet) {
    case ERTMP_MEDIA_PACKET_SEQUENCE_START:
    case ERTMP_MEDIA_PACKET_METADATA:
    case ERTMP_MEDIA_PACKET_MPEG2TS_SEQUENCE_START:
    case ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG:
      info->header_key = (type << 24) | (tag.hdr.multitrack << 16)
          | (tag.has_pending ? tag.pending.track_id << 8 : 0)
          | tag.hdr.packet;
      break;
    case ERTMP_MEDIA_PACKET_CODED_FRAMES:
      if (type != ERTMP_FLV_TAG_VIDEO)
        break;
      info->keyframe = tag.hdr.frame_type == ERTMP_MEDIA_FRAME_KEY
          || tag.hdr.frame_type == ERTMP_MEDIA_FRAME_GENERATED_KEY;
      info->delta = !info->keyframe;
      break;
    default:
      break;
  }
}

gchar *
gst_ertmp_fourcc_list_string (const ertmp_caps * caps)
{
  GString *s = g_string_new (NULL);
  gchar buf[5];
  guint i;

  for (i = 0; caps->fourcc_list && i < caps->fourcc_list->len; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "",
        ertmp_fourcc_to_string (g_array_index (caps->fourcc_list, guint32, i),
            buf));
  return g_string_free (s, FALSE);
}

GstStructure *
gst_ertmp_caps_structure (const gchar * name, const ertmp_caps * caps)
{
  gchar *list = gst_ertmp_fourcc_list_string (caps);
  GstStructure *s = gst_structure_new (name,
      "fourcc-list", G_TYPE_STRING, list,
      "has-caps-ex", G_TYPE_BOOLEAN, caps->has_caps_ex,
      "caps-ex", G_TYPE_UINT, caps->caps_ex, NULL);

  g_free (list);
  return s;
}
