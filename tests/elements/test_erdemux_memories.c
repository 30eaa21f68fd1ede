/* gst-ertmp: erdemux reads a buffer of several memories without merging
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtmpingestsrc gives each tag as one buffer of three memories: the tag
 * header, the body (the session's reassembled bytes) and the
 * PreviousTagSize.  Mapping such a buffer merges the memories: a copy of
 * every byte.  erdemux reads memory by memory, so the frame it pushes is
 * a view of the body memory itself.
 */
#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include "ertmp_flv.h"

typedef struct
{
  GstHarness *video;
} Pads;

static void
on_pad_added (GstElement * element, GstPad * pad, Pads * pads)
{
  gchar *name = gst_pad_get_name (pad);

  fail_unless_equals_string (name, "video");
  pads->video = gst_harness_new_with_element (element, NULL, name);
  g_free (name);
}

static GstMemory *
memdup (const guint8 * data, gsize len)
{
  return gst_memory_new_wrapped (0, g_memdup2 (data, len), len, 0, len,
      NULL, NULL);
}

/* header, body, PreviousTagSize: three memories, as rtmpingestsrc makes
 * them; *body gets the body memory */
static GstBuffer *
tag_buffer (guint32 ts, const guint8 * body, gsize len, GstMemory ** mem)
{
  ertmp_flv_tag_header th = { ERTMP_FLV_TAG_VIDEO, FALSE, len, ts, 0 };
  GByteArray *head = g_byte_array_new (), *tail = g_byte_array_new ();
  GstBuffer *buf = gst_buffer_new ();

  fail_unless_equals_int (ertmp_flv_write_tag_header (head, &th), ERTMP_OK);
  fail_unless_equals_int (ertmp_flv_write_prev_size (tail, len), ERTMP_OK);
  *mem = memdup (body, len);
  gst_buffer_append_memory (buf, memdup (head->data, head->len));
  gst_buffer_append_memory (buf, gst_memory_ref (*mem));
  gst_buffer_append_memory (buf, memdup (tail->data, tail->len));
  g_byte_array_unref (head);
  g_byte_array_unref (tail);
  return buf;
}

/* The frame: a view of the body memory (5 bytes in: codec byte, packet
 * type, composition time), not a copy */
GST_START_TEST (test_three_memories_not_merged)
{
  /* AVC SequenceStart (avcC), then a key frame */
  static const guint8 config[] = { 0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00,
    0x0a, 0xff, 0xe0, 0x00
  };
  guint8 frame[4096];
  GstHarness *h = gst_harness_new_with_padnames ("erdemux", "sink", NULL);
  GByteArray *flv = g_byte_array_new ();
  GstMemory *body;
  GstMapInfo in, out;
  GstBuffer *buf;
  Pads pads = { NULL };
  guint i;

  g_signal_connect (h->element, "pad-added", G_CALLBACK (on_pad_added),
      &pads);
  gst_harness_set_src_caps_str (h, "video/x-flv");
  ertmp_flv_write_header (flv, ERTMP_FLV_FLAG_VIDEO);
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_new_memdup
          (flv->data, flv->len)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, tag_buffer (0, config,
              sizeof (config), &body)), GST_FLOW_OK);
  gst_memory_unref (body);
  fail_unless (pads.video != NULL);

  frame[0] = 0x17;
  frame[1] = 0x01;
  frame[2] = frame[3] = frame[4] = 0;
  for (i = 5; i < sizeof (frame); i++)
    frame[i] = i;
  buf = tag_buffer (40, frame, sizeof (frame), &body);
  fail_unless_equals_int (gst_buffer_n_memory (buf), 3);
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);

  buf = gst_harness_pull (pads.video);
  fail_unless_equals_int (gst_buffer_get_size (buf), sizeof (frame) - 5);
  fail_unless (gst_buffer_map (buf, &out, GST_MAP_READ));
  fail_unless (gst_memory_map (body, &in, GST_MAP_READ));
  fail_unless (memcmp (out.data, frame + 5, out.size) == 0);
  fail_unless (out.data == in.data + 5, "the frame was copied");
  gst_memory_unmap (body, &in);
  gst_buffer_unmap (buf, &out);
  gst_buffer_unref (buf);
  gst_memory_unref (body);

  g_byte_array_unref (flv);
  gst_harness_teardown (pads.video);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
erdemux_memories_suite (void)
{
  Suite *s = suite_create ("erdemux_memories");
  TCase *tc = tcase_create ("zero-copy");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_three_memories_not_merged);
  return s;
}

GST_CHECK_MAIN (erdemux_memories);
