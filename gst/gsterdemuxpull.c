/* gst-ertmp: erdemux pull mode: the sink pad's task reads whole tags
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * When upstream can be pulled from at any offset (a file), the sink pad
 * runs a task that pulls the file header, then 64 KiB chunks cut after
 * their last whole tag (with its PreviousTagSize), or a tag bigger than a
 * chunk whole in one pull (11 + DataSize + 4 bytes), and feeds each buffer
 * to the reader as the chain function would.  A tag whole in one buffer
 * comes back as a view into it, so its frames leave as sub-buffers: no
 * copy.  Anything else (the FLV header's skipped bytes, a resync over
 * broken framing, a tag over the size limit) is pulled in chunks fed as
 * they are: the reader takes any split.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsterdemux.h"

GST_DEBUG_CATEGORY_EXTERN (gst_er_demux_debug);
#define GST_CAT_DEFAULT gst_er_demux_debug

/* pulls that are not one whole tag */
#define PULL_CHUNK_SIZE (64 * 1024)
/* upstream had no more bytes: not the EOS a downstream pad returns */
#define PULL_UPSTREAM_EOS GST_FLOW_CUSTOM_SUCCESS

static GstFlowReturn
pull (GstErDemux * demux, guint size, GstBuffer ** buf)
{
  GstFlowReturn ret;

  *buf = NULL;
  ret = gst_pad_pull_range (demux->sinkpad, demux->pull_offset, size, buf);
  if (ret == GST_FLOW_EOS)
    return PULL_UPSTREAM_EOS;
  if (ret != GST_FLOW_OK)
    return ret;
  if (gst_buffer_get_size (*buf) == 0) {
    gst_clear_buffer (buf);
    return PULL_UPSTREAM_EOS;
  }
  return GST_FLOW_OK;
}

static GstFlowReturn
feed_pulled (GstErDemux * demux, GstBuffer * buf)
{
  GstFlowReturn ret;

  GST_LOG_OBJECT (demux, "feeding %" G_GSIZE_FORMAT " bytes at %"
      G_GUINT64_FORMAT, gst_buffer_get_size (buf), demux->pull_offset);
  demux->pull_offset += gst_buffer_get_size (buf);
  ret = gst_er_demux_feed_buffer (demux, buf);
  gst_buffer_unref (buf);
  return ret;
}

static GstFlowReturn
pull_and_feed (GstErDemux * demux, guint size)
{
  GstFlowReturn ret;
  GstBuffer *buf;

  ret = pull (demux, size, &buf);
  if (ret != GST_FLOW_OK)
    return ret;
  return feed_pulled (demux, buf);
}

/* The end of the last whole tag (with its PreviousTagSize) in @data, 0
 * when the first is not whole; *first: the size of the first tag, *next:
 * the size of the tag cut at the end; each 0 when its header is not there,
 * not valid or over the size limit. */
static gsize
whole_tags (GstErDemux * demux, const guint8 * data, gsize len, gsize * first,
    gsize * next)
{
  ertmp_flv_tag_header h;
  gsize end = 0, n;

  *first = *next = 0;
  while (end + ERTMP_FLV_TAG_HEADER_SIZE <= len &&
      ertmp_flv_parse_tag_header (data + end, len - end, &h) == ERTMP_OK &&
      h.size <= demux->limits.max_flv_tag_size) {
    n = ERTMP_FLV_TAG_HEADER_SIZE + h.size + ERTMP_FLV_PREV_SIZE_SIZE;
    if (end == 0)
      *first = n;
    if (end + n > len) {
      *next = n;
      break;
    }
    end += n;
  }
  return end;
}

/* At a tag boundary: a chunk cut after its last whole tag, or one tag
 * bigger than a chunk pulled whole; a chunk with no valid tag header at
 * its start (broken framing, the tail) is fed as it is. */
static GstFlowReturn
pull_tags (GstErDemux * demux)
{
  GstFlowReturn ret;
  GstBuffer *buf, *sub;
  GstMapInfo map;
  gsize end, first, next, size;

  /* a tag known (from the last chunk) to be bigger than a chunk is pulled
   * whole at once instead of after a chunk that cannot hold it */
  ret = pull (demux, MAX (demux->pull_next, PULL_CHUNK_SIZE), &buf);
  demux->pull_next = 0;
  if (ret != GST_FLOW_OK)
    return ret;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ)) {
    gst_buffer_unref (buf);
    GST_ELEMENT_ERROR (demux, RESOURCE, READ, (NULL),
        ("cannot map an input buffer"));
    return GST_FLOW_ERROR;
  }
  size = map.size;
  end = whole_tags (demux, map.data, size, &first, &next);
  gst_buffer_unmap (buf, &map);
  if (end == 0 && first > size) {
    gst_buffer_unref (buf);
    return pull_and_feed (demux, first);
  }
  if (end > 0 && end < size) {
    demux->pull_next = next;
    sub = gst_buffer_copy_region (buf, GST_BUFFER_COPY_ALL, 0, end);
    gst_buffer_unref (buf);
    buf = sub;
  }
  return feed_pulled (demux, buf);
}

/* One step of the task: the file header, the bytes up to the first tag,
 * one tag, or a chunk while the reader is inside an item. */
static GstFlowReturn
pull_step (GstErDemux * demux)
{
  ertmp_flv_header header;
  guint64 header_end;

  if (demux->reader == NULL ||
      !ertmp_flv_reader_get_header (demux->reader, &header))
    return pull_and_feed (demux, demux->pull_offset == 0 ?
        ERTMP_FLV_HEADER_SIZE : PULL_CHUNK_SIZE);
  header_end = (guint64) header.data_offset + ERTMP_FLV_PREV_SIZE_SIZE;
  if (demux->pull_offset < header_end)
    return pull_and_feed (demux, MIN (header_end - demux->pull_offset,
            PULL_CHUNK_SIZE));
  if (ertmp_flv_reader_buffered_bytes (demux->reader) > 0)
    return pull_and_feed (demux, PULL_CHUNK_SIZE);
  return pull_tags (demux);
}

/* As a source does when the chain function returns @ret in push mode. */
static void
pull_pause (GstErDemux * demux, GstFlowReturn ret)
{
  GST_DEBUG_OBJECT (demux, "pausing the task: %s", gst_flow_get_name (ret));
  gst_pad_pause_task (demux->sinkpad);
  if (ret == PULL_UPSTREAM_EOS) {
    gst_er_demux_handle_eos (demux);
  } else if (ret == GST_FLOW_EOS) {
    gst_er_demux_push_event (demux, gst_event_new_eos ());
  } else if (ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS) {
    GST_ELEMENT_FLOW_ERROR (demux, ret);
    gst_er_demux_push_event (demux, gst_event_new_eos ());
  }
}

static void
pull_loop (GstPad * pad)
{
  GstErDemux *demux = GST_ER_DEMUX (GST_PAD_PARENT (pad));
  GstFlowReturn ret;

  ret = pull_step (demux);
  if (ret != GST_FLOW_OK)
    pull_pause (demux, ret);
}

gboolean
gst_er_demux_sink_activate (GstPad * pad, GstObject * parent)
{
  GstQuery *query = gst_query_new_scheduling ();
  gboolean pull_mode = FALSE;

  if (gst_pad_peer_query (pad, query))
    pull_mode = gst_query_has_scheduling_mode_with_flags (query,
        GST_PAD_MODE_PULL, GST_SCHEDULING_FLAG_SEEKABLE);
  gst_query_unref (query);
  GST_DEBUG_OBJECT (parent, "activating in %s mode",
      pull_mode ? "pull" : "push");
  if (pull_mode)
    return gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, TRUE);
  return gst_pad_activate_mode (pad, GST_PAD_MODE_PUSH, TRUE);
}

gboolean
gst_er_demux_sink_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstErDemux *demux = GST_ER_DEMUX (parent);

  switch (mode) {
    case GST_PAD_MODE_PUSH:
      return TRUE;
    case GST_PAD_MODE_PULL:
      if (!active)
        return gst_pad_stop_task (pad);
      demux->pull_offset = 0;
      demux->pull_next = 0;
      return gst_pad_start_task (pad, (GstTaskFunction) pull_loop, pad, NULL);
    default:
      return FALSE;
  }
}
