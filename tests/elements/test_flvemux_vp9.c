/* gst-ertmp: flvemux's VP9 configuration and Metadata of tracks > 0
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The vpcC of real vp9enc streams (8-bit profile 0, 10-bit profile 2,
 * 4:4:4 profile 1), with and without vp9parse's caps, byte for byte and
 * as erdemux reads it back; and the colorInfo of a track > 0 in the form
 * FFmpeg does not take for a frame.  FFmpeg 5.1 does not read Enhanced
 * FLV, so the bytes and our reader are the judges.
 */
#include <string.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include "ertmp_media.h"
#include "ertmp_media_config.h"

#define B(...) (const guint8[]) { __VA_ARGS__ }, \
  sizeof ((const guint8[]) { __VA_ARGS__ })

typedef struct
{
  GByteArray *flv;
  GstCaps *caps;                /* erdemux's video caps */
  guint frames;                 /* buffers out of erdemux */
} Result;

static void
on_flv (GstElement * sink, GstBuffer * buf, GstPad * pad, Result * r)
{
  GstMapInfo map;

  gst_buffer_map (buf, &map, GST_MAP_READ);
  g_byte_array_append (r->flv, map.data, map.size);
  gst_buffer_unmap (buf, &map);
}

static void
on_frame (GstElement * sink, GstBuffer * buf, GstPad * pad, Result * r)
{
  if (r->caps == NULL)
    r->caps = gst_pad_get_current_caps (pad);
  r->frames++;
}

static void
run (const gchar * desc, const gchar * sink, GCallback cb, Result * r)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstElement *s;
  GstMessage *msg;
  GstBus *bus;

  fail_unless (pipeline != NULL && err == NULL, "%s", desc);
  s = gst_bin_get_by_name (GST_BIN (pipeline), sink);
  g_object_set (s, "signal-handoffs", TRUE, NULL);
  g_signal_connect (s, "handoff", cb, r);
  gst_object_unref (s);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 300 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "timeout: %s", desc);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    fail ("%s: %s", desc, err->message);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

/* The body of the first video tag of the FLV in @r that starts with
 * @prefix; NULL when there is none */
static const guint8 *
find_video_tag (Result * r, const guint8 * prefix, gsize plen, gsize * len)
{
  const guint8 *d = r->flv->data;
  gsize pos = 13;

  while (pos + 11 <= r->flv->len) {
    gsize size = (d[pos + 1] << 16) | (d[pos + 2] << 8) | d[pos + 3];

    fail_unless (pos + 11 + size + 4 <= r->flv->len);
    if (d[pos] == 9 && size >= plen && memcmp (d + pos + 11, prefix,
            plen) == 0) {
      *len = size;
      return d + pos + 11;
    }
    pos += 11 + size + 4;
  }
  return NULL;
}

/* The FLV in @r through erdemux: its video caps and frame count */
static void
read_back (Result * r)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch ("appsrc name=in caps=video/x-flv ! "
      "erdemux name=d d.video ! fakesink name=v", &err);
  GstElement *v = gst_bin_get_by_name (GST_BIN (p), "v");
  GstElement *src = gst_bin_get_by_name (GST_BIN (p), "in");
  GstBus *bus = gst_element_get_bus (p);
  GstFlowReturn fret;
  GstMessage *msg;
  GstBuffer *buf;

  fail_unless (err == NULL);
  g_object_set (v, "signal-handoffs", TRUE, NULL);
  g_signal_connect (v, "handoff", G_CALLBACK (on_frame), r);
  gst_element_set_state (p, GST_STATE_PLAYING);
  buf = gst_buffer_new_memdup (r->flv->data, r->flv->len);
  g_signal_emit_by_name (src, "push-buffer", buf, &fret);
  gst_buffer_unref (buf);
  g_signal_emit_by_name (src, "end-of-stream", &fret);
  msg = gst_bus_timed_pop_filtered (bus, 300 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (v);
  gst_object_unref (src);
  gst_object_unref (p);
}

typedef struct
{
  const gchar *format;
  const gchar *parse;           /* "" or "vp9parse ! " */
  guint8 vpcc[12];
  guint depth;
  const gchar *chroma;
  const gchar *profile_str;
} Vp9Case;

/* 64x48 at 30 fps: level 1 (10); vp9enc's colorimetry bt601: BT.601
 * primaries, transfer and matrix (6), limited range, site "jpeg" */
static const Vp9Case cases[] = {
  {"I420", "vp9parse ! ", {1, 0, 0, 0, 0, 10, 0x82, 6, 6, 6, 0, 0},
      8, "4:2:0", "0"},
  /* without vp9parse the caps have the profile only: the key frame's
   * header gives the bit depth and subsampling */
  {"I420", "", {1, 0, 0, 0, 0, 10, 0x82, 6, 6, 6, 0, 0}, 8, "4:2:0",
      "0"},
  {"I420_10LE", "", {1, 0, 0, 0, 2, 10, 0xa2, 6, 6, 6, 0, 0}, 10,
      "4:2:0", "2"},
  {"I420_10LE", "vp9parse ! ", {1, 0, 0, 0, 2, 10, 0xa2, 6, 6, 6, 0, 0},
      10, "4:2:0", "2"},
  {"Y444", "", {1, 0, 0, 0, 1, 10, 0x86, 6, 6, 6, 0, 0}, 8, "4:4:4",
      "1"},
};

GST_START_TEST (test_vpcc_real_encoder)
{
  const Vp9Case *c = &cases[__i__];
  Result r = { g_byte_array_new (), NULL, 0 };
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=10 ! "
      "video/x-raw,format=%s,width=64,height=48,framerate=30/1 ! vp9enc ! "
      "%sflvemux ! fakesink name=out", c->format, c->parse);
  const guint8 *body;
  gsize len = 0;
  GstStructure *s;
  guint depth = 0;

  run (desc, "out", G_CALLBACK (on_flv), &r);
  g_free (desc);
  /* SequenceStart: 0x90 'vp09', then the 12-byte FullBox form */
  body = find_video_tag (&r, B (0x90, 'v', 'p', '0', '9'), &len);
  fail_unless (body != NULL);
  fail_unless_equals_int (len, 5 + 12);
  fail_unless (memcmp (body + 5, c->vpcc, 12) == 0,
      "%s%s: vpcC %02x %02x %02x %02x %02x %02x", c->parse, c->format,
      body[9], body[10], body[11], body[12], body[13], body[14]);
  /* erdemux takes the FullBox form: the caps say what the stream is */
  read_back (&r);
  fail_unless_equals_int (r.frames, 10);
  fail_unless (r.caps != NULL);
  s = gst_caps_get_structure (r.caps, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "profile"),
      c->profile_str);
  fail_unless (gst_structure_get_uint (s, "bit-depth-luma", &depth));
  fail_unless_equals_int (depth, c->depth);
  fail_unless_equals_string (gst_structure_get_string (s, "chroma-format"),
      c->chroma);
  gst_caps_unref (r.caps);
  g_byte_array_unref (r.flv);
}

GST_END_TEST;

/* colorInfo of track 1: frame type 5 in the Multitrack wrapper (0xD6), as
 * on track 0 (0xD4); FFmpeg hands a frame type 0 Metadata to the decoder
 * as a frame.  Our reader takes it as track 1's Metadata. */
GST_START_TEST (test_track_metadata_frame_type)
{
  GstHarness *h = gst_harness_new_with_padnames ("flvemux", "video_1",
      "src");
  GstBuffer *buf;
  GstMapInfo map;
  ertmp_media_tag tag;
  ertmp_media_track track;
  ertmp_media_color_info ci;
  guint i;

  gst_harness_set_src_caps_str (h, "video/x-vp9, width=(int)64, "
      "height=(int)48, profile=(string)2, bit-depth-luma=(uint)10, "
      "chroma-format=(string)4:2:0, colorimetry=(string)bt2100-pq, "
      "content-light-level=(string)1000:400");
  buf = gst_buffer_new_memdup ("\x92\x49\x83\x42", 4);
  GST_BUFFER_PTS (buf) = GST_BUFFER_DTS (buf) = 0;
  gst_harness_push (h, buf);
  for (i = 0; i < 3; i++)       /* FLV header, onMetaData, SequenceStart */
    gst_buffer_unref (gst_harness_pull (h));
  buf = gst_harness_pull (h);
  gst_buffer_map (buf, &map, GST_MAP_READ);
  fail_unless (memcmp (map.data + 11, "\xd6\x04vp09\x01", 7) == 0,
      "Metadata header %02x %02x", map.data[11], map.data[12]);
  fail_unless (ertmp_media_parse (ERTMP_CODEC_KIND_VIDEO, map.data + 11,
          map.size - 15, NULL, &tag) == ERTMP_OK);
  fail_unless_equals_int (tag.hdr.packet, ERTMP_MEDIA_PACKET_METADATA);
  fail_unless (ertmp_media_next_track (&tag, &track));
  fail_unless_equals_int (track.track_id, 1);
  fail_unless (ertmp_media_parse_color_info (track.data, track.len,
          &ci) == ERTMP_OK);
  fail_unless_equals_int (ci.transfer, 16);
  fail_unless_equals_float (ci.max_cll, 1000);
  gst_buffer_unmap (buf, &map);
  gst_buffer_unref (buf);
  /* then the frame, track 1 */
  buf = gst_harness_pull (h);
  gst_buffer_map (buf, &map, GST_MAP_READ);
  fail_unless (memcmp (map.data + 11, "\x96\x01vp09\x01", 7) == 0);
  gst_buffer_unmap (buf, &map);
  gst_buffer_unref (buf);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
flvemux_vp9_suite (void)
{
  Suite *s = suite_create ("flvemux_vp9");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_vpcc_real_encoder, 0, G_N_ELEMENTS (cases));
  tcase_add_test (tc, test_track_metadata_frame_type);
  return s;
}

GST_CHECK_MAIN (flvemux_vp9);
