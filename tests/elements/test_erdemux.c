/* gst-ertmp: erdemux element tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Known-answer tags (test-vectors.md 6-8) in FLV framing, fed whole and
 * at every split point: exact caps, PTS/DTS, flags and bytes per pad.
 * Then real files: the third-party Enhanced FLV samples decoded with
 * av1parse ! av1dec and opusparse ! opusdec, and flvmux output compared
 * with what flvdemux gives.  vvc1 from hand-made records (no H.266
 * encoder on 1.22), and hostile input: deep AMF, absurd track counts and
 * sizes, truncation, unknown tag types, garbage.
 */
#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "ertmp_flv.h"
#include "ertmp_media.h"
#include "ertmp_media_config.h"

/* ---- building FLV streams -------------------------------------------- */

/* hex digits; whitespace ignored */
static GByteArray *
hex (const gchar * str)
{
  GByteArray *b = g_byte_array_new ();
  gint hi = -1;

  for (; *str; str++) {
    gint v = g_ascii_xdigit_value (*str);

    if (v < 0)
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      guint8 byte = (guint8) (hi << 4 | v);

      g_byte_array_append (b, &byte, 1);
      hi = -1;
    }
  }
  g_assert (hi < 0);
  return b;
}

static GByteArray *
flv_new (void)
{
  GByteArray *b = g_byte_array_new ();

  ertmp_flv_write_header (b, ERTMP_FLV_FLAG_AUDIO | ERTMP_FLV_FLAG_VIDEO);
  return b;
}

static void
flv_tag_bytes (GByteArray * b, guint8 type, guint32 ts, const guint8 * body,
    gsize len)
{
  ertmp_flv_tag_header h = { type, FALSE, (guint32) len, ts, 0 };

  fail_unless (ertmp_flv_write_tag_header (b, &h) == ERTMP_OK);
  g_byte_array_append (b, body, len);
  fail_unless (ertmp_flv_write_prev_size (b, len) == ERTMP_OK);
}

static void
flv_tag (GByteArray * b, guint8 type, guint32 ts, const gchar * body_hex)
{
  GByteArray *body = hex (body_hex);

  flv_tag_bytes (b, type, ts, body->data, body->len);
  g_byte_array_unref (body);
}

#define V ERTMP_FLV_TAG_VIDEO
#define A ERTMP_FLV_TAG_AUDIO

/* records used as SequenceStart payloads */
#define HVCC "01 01 60000000 900000000000 5d f000 fc fd f8 f8 0000 0f 00"
#define AV1C_A "81 04 0c 00 0a 0b 00 00 00 24 cf 7f 0d bf ff 30 08"
#define AV1C_B "81 05 0c 00 0a 0b 00 00 00 24 cf 7f 0d bf ff 30 08"
#define OPUS_HEAD_2CH "4f 70 75 73 48 65 61 64 01 02 38 01 80 bb 00 00" \
  " 00 00 00"

/* ---- a demuxer with a harness per source pad ------------------------- */

typedef struct
{
  GstHarness *h;
  GHashTable *pads;             /* name -> GstHarness */
  GstBus *bus;
} Demux;

static void
on_pad_added (GstElement * element, GstPad * pad, Demux * d)
{
  gchar *name = gst_pad_get_name (pad);

  g_hash_table_insert (d->pads, name,
      gst_harness_new_with_element (element, NULL, name));
}

static Demux *
demux_new (void)
{
  Demux *d = g_new0 (Demux, 1);

  d->h = gst_harness_new_with_padnames ("erdemux", "sink", NULL);
  d->pads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) gst_harness_teardown);
  d->bus = gst_bus_new ();
  gst_element_set_bus (d->h->element, d->bus);
  g_signal_connect (d->h->element, "pad-added", G_CALLBACK (on_pad_added), d);
  gst_harness_set_src_caps_str (d->h, "video/x-flv");
  return d;
}

static void
demux_free (Demux * d)
{
  g_hash_table_unref (d->pads);
  gst_element_set_bus (d->h->element, NULL);
  gst_object_unref (d->bus);
  gst_harness_teardown (d->h);
  g_free (d);
}

static void
demux_push (Demux * d, const guint8 * data, gsize len)
{
  fail_unless_equals_int (gst_harness_push (d->h,
          gst_buffer_new_memdup (data, len)), GST_FLOW_OK);
}

static GstHarness *
demux_pad (Demux * d, const gchar * name)
{
  GstHarness *ph = g_hash_table_lookup (d->pads, name);

  fail_unless (ph != NULL, "no pad %s", name);
  return ph;
}

static guint
count_messages (Demux * d, GstMessageType type)
{
  GstMessage *msg;
  guint n = 0;

  while ((msg = gst_bus_pop_filtered (d->bus, type)) != NULL) {
    n++;
    gst_message_unref (msg);
  }
  return n;
}

/* The caps a pad has now, as a string. */
static gchar *
pad_caps (Demux * d, const gchar * name)
{
  GstCaps *caps = gst_pad_get_current_caps (demux_pad (d, name)->sinkpad);
  gchar *str;

  fail_unless (caps != NULL);
  str = gst_caps_to_string (caps);
  gst_caps_unref (caps);
  return str;
}

/* @str without the spaces inside hex runs ("01 f4" -> "01f4") */
static gchar *
squeeze_hex (const gchar * str)
{
  GString *s = g_string_new (NULL);
  const gchar *p;

  for (p = str; *p; p++) {
    if (*p == ' ' && p > str && g_ascii_isxdigit (p[-1]) &&
        g_ascii_isxdigit (p[1]))
      continue;
    g_string_append_c (s, *p);
  }
  return g_string_free (s, FALSE);
}

static void
assert_caps (Demux * d, const gchar * pad, const gchar * expected)
{
  gchar *got_str = pad_caps (d, pad), *want_str = squeeze_hex (expected);
  GstCaps *want = gst_caps_from_string (want_str);
  GstCaps *got = gst_caps_from_string (got_str);

  fail_unless (want != NULL, "bad caps %s", want_str);
  fail_unless (gst_caps_is_equal (want, got), "caps %s, expected %s",
      got_str, want_str);
  gst_caps_unref (want);
  gst_caps_unref (got);
  g_free (got_str);
  g_free (want_str);
}

static void
assert_buffer (GstHarness * ph, GstClockTime pts, GstClockTime dts,
    GstBufferFlags flags, const gchar * bytes_hex)
{
  GstBuffer *buf = gst_harness_try_pull (ph);
  GByteArray *expected = hex (bytes_hex);
  GstBufferFlags mask = GST_BUFFER_FLAG_DELTA_UNIT | GST_BUFFER_FLAG_DISCONT;

  fail_unless (buf != NULL, "no buffer");
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), pts);
  fail_unless_equals_uint64 (GST_BUFFER_DTS (buf), dts);
  fail_unless_equals_int (GST_BUFFER_FLAGS (buf) & mask, flags);
  fail_unless_equals_int (gst_buffer_get_size (buf), expected->len);
  fail_unless (gst_buffer_memcmp (buf, 0, expected->data,
          expected->len) == 0);
  g_byte_array_unref (expected);
  gst_buffer_unref (buf);
}

/* Drains every pad into one text: caps events, EOS and each buffer. */
static gchar *
describe (Demux * d)
{
  GString *s = g_string_new (NULL);
  GList *names = g_list_sort (g_hash_table_get_keys (d->pads),
      (GCompareFunc) g_strcmp0), *l;

  for (l = names; l != NULL; l = l->next) {
    GstHarness *ph = g_hash_table_lookup (d->pads, l->data);
    GstEvent *ev;
    GstBuffer *buf;

    g_string_append_printf (s, "[%s]\n", (gchar *) l->data);
    while ((ev = gst_harness_try_pull_event (ph)) != NULL) {
      if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS) {
        GstCaps *caps;
        gchar *str;

        gst_event_parse_caps (ev, &caps);
        str = gst_caps_to_string (caps);
        g_string_append_printf (s, "caps %s\n", str);
        g_free (str);
      } else if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS) {
        g_string_append (s, "eos\n");
      }
      gst_event_unref (ev);
    }
    while ((buf = gst_harness_try_pull (ph)) != NULL) {
      GstMapInfo map;
      gsize i;

      g_string_append_printf (s, "buf %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
          " %x ", GST_BUFFER_PTS (buf), GST_BUFFER_DTS (buf),
          GST_BUFFER_FLAGS (buf) & (GST_BUFFER_FLAG_DELTA_UNIT |
              GST_BUFFER_FLAG_DISCONT));
      gst_buffer_map (buf, &map, GST_MAP_READ);
      for (i = 0; i < map.size; i++)
        g_string_append_printf (s, "%02x", map.data[i]);
      gst_buffer_unmap (buf, &map);
      g_string_append_c (s, '\n');
      gst_buffer_unref (buf);
    }
  }
  g_list_free (names);
  return g_string_free (s, FALSE);
}

/* What the demuxer makes of @b cut into pieces of at most @step bytes, or
 * into [0, split) + [split, end) when @step is 0. */
static gchar *
run_split (GByteArray * b, gsize split, gsize step)
{
  Demux *d = demux_new ();
  gsize pos = 0, n;
  gchar *out;

  while (pos < b->len) {
    n = step > 0 ? MIN (step, b->len - pos) : (pos == 0 ? split :
        b->len - pos);
    demux_push (d, b->data + pos, n);
    pos += n;
  }
  gst_harness_push_event (d->h, gst_event_new_eos ());
  out = describe (d);
  demux_free (d);
  return out;
}

/* Every split point and byte-by-byte give what one buffer gives. */
static void
check_every_split (GByteArray * b)
{
  gchar *whole = run_split (b, 0, b->len), *other;
  gsize k;

  fail_unless (strstr (whole, "buf ") != NULL);
  for (k = 1; k < b->len; k++) {
    other = run_split (b, k, 0);
    fail_unless (g_str_equal (whole, other), "split at %" G_GSIZE_FORMAT
        ":\n%s\nwhole:\n%s", k, other, whole);
    g_free (other);
  }
  other = run_split (b, 0, 1);
  fail_unless (g_str_equal (whole, other), "byte by byte:\n%s", other);
  g_free (other);
  g_free (whole);
}

static Demux *
demux_run (GByteArray * b)
{
  Demux *d = demux_new ();

  demux_push (d, b->data, b->len);
  return d;
}

#define MS GST_MSECOND
#define KEY 0
#define DELTA GST_BUFFER_FLAG_DELTA_UNIT
#define DISC GST_BUFFER_FLAG_DISCONT

/* ---- known-answer tags ----------------------------------------------- */

#define AVCC "01 f4 00 0d ff e1 00 19 67 f4 00 0d 91 9b 28 28 3f 60 22 00" \
  " 00 03 00 02 00 00 03 00 78 1e 28 53 2c 01 00 06 68 eb e3 c4 48 44 ff" \
  " f8 f8 00"

/* test-vectors.md 6: FFmpeg's legacy AVC / AAC */
GST_START_TEST (test_legacy_avc_aac)
{
  GByteArray *b = flv_new ();
  Demux *d;

  flv_tag (b, V, 0, "17 00 000000" AVCC);       /* AVC sequence header */
  flv_tag (b, A, 0, "af 00 12 08 56 e5 00");    /* AAC sequence header */
  flv_tag (b, V, 40, "17 01 000043 00000002 6588");     /* key, CTS 67 */
  flv_tag (b, A, 23, "af 01 21 00");    /* raw AAC */
  flv_tag (b, V, 80, "27 01 000085 00000002 419a");     /* inter, CTS 133 */
  d = demux_run (b);

  assert_caps (d, "video", "video/x-h264, stream-format=(string)avc, "
      "alignment=(string)au, codec_data=(buffer)" AVCC);
  {
    gchar *c = pad_caps (d, "audio");
    GstCaps *got = gst_caps_from_string (c);
    GstCaps *want = gst_caps_from_string ("audio/mpeg, mpegversion=(int)4, "
        "stream-format=(string)raw, framed=(boolean)true, "
        "codec_data=(buffer)120856e500, rate=(int)44100, channels=(int)1, "
        "profile=(string)lc");

    fail_unless (gst_caps_is_subset (got, want), "audio caps %s", c);
    gst_caps_unref (got);
    gst_caps_unref (want);
    g_free (c);
  }
  assert_buffer (demux_pad (d, "video"), 107 * MS, 40 * MS, KEY | DISC,
      "00000002 6588");
  assert_buffer (demux_pad (d, "video"), 213 * MS, 80 * MS, DELTA,
      "00000002 419a");
  assert_buffer (demux_pad (d, "audio"), 23 * MS, 23 * MS, DISC, "21 00");
  demux_free (d);
  check_every_split (b);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* test-vectors.md 7.1-7.3, 7.9: hvc1 composition times and ModEx */
GST_START_TEST (test_hvc1_cts_modex)
{
  GByteArray *b = flv_new ();
  Demux *d;

  flv_tag (b, V, 0, "90 68766331" HVCC);        /* SequenceStart */
  flv_tag (b, V, 0, "91 68766331 000021 00000005 2601af1234");  /* 7.1 */
  flv_tag (b, V, 33, "a1 68766331 ffffdf 00000004 0201d0aa");   /* 7.2 */
  flv_tag (b, V, 66, "a3 68766331 00000004 0201d0aa");  /* 7.3 */
  /* 7.9: ModEx TimestampOffsetNano 500000, CodedFrames CTS 0 */
  flv_tag (b, V, 100, "97 02 07a120 01 68766331 000000 00000005 2601af1234");
  flv_tag (b, V, 133, "d1 00");       /* 7.8 command frame: dropped */
  d = demux_run (b);

  assert_caps (d, "video", "video/x-h265, stream-format=(string)hvc1, "
      "alignment=(string)au, codec_data=(buffer)" HVCC);
  assert_buffer (demux_pad (d, "video"), 33 * MS, 0, KEY | DISC,
      "00000005 2601af1234");
  assert_buffer (demux_pad (d, "video"), 0, 33 * MS, DELTA,
      "00000004 0201d0aa");
  assert_buffer (demux_pad (d, "video"), 66 * MS, 66 * MS, DELTA,
      "00000004 0201d0aa");
  /* the nano offset moves the video PTS only */
  assert_buffer (demux_pad (d, "video"), 100 * MS + 500000, 100 * MS, KEY,
      "00000005 2601af1234");
  fail_unless (gst_harness_try_pull (demux_pad (d, "video")) == NULL);
  demux_free (d);
  check_every_split (b);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* test-vectors.md 8.1, 8.2, 8.11: Opus, and ModEx on audio */
GST_START_TEST (test_opus_modex)
{
  GByteArray *b = flv_new ();
  Demux *d;

  flv_tag (b, A, 0, "90 4f707573" OPUS_HEAD_2CH);       /* 8.1 */
  flv_tag (b, A, 0, "91 4f707573 fcfffe");      /* 8.2 */
  flv_tag (b, A, 20, "97 02 03d090 01 4f707573 fcfffe");        /* 8.11 */
  d = demux_run (b);

  {
    gchar *c = pad_caps (d, "audio");
    GstCaps *got = gst_caps_from_string (c);
    GstCaps *want = gst_caps_from_string ("audio/x-opus, rate=(int)48000, "
        "channels=(int)2, channel-mapping-family=(int)0, "
        "stream-count=(int)1, coupled-count=(int)1");

    fail_unless (gst_caps_is_subset (got, want), "caps %s", c);
    fail_unless (strstr (c, "streamheader=(buffer)< 4f707573486561640102")
        != NULL, "caps %s", c);
    gst_caps_unref (got);
    gst_caps_unref (want);
    g_free (c);
  }
  assert_buffer (demux_pad (d, "audio"), 0, 0, DISC, "fcfffe");
  /* audio: the nano offset moves both */
  assert_buffer (demux_pad (d, "audio"), 20 * MS + 250000, 20 * MS + 250000,
      0, "fcfffe");
  demux_free (d);
  check_every_split (b);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* test-vectors.md 7.11, 8.8, 8.9: OneTrack and ManyTracks */
GST_START_TEST (test_multitrack)
{
  GByteArray *b = flv_new ();
  Demux *d;

  flv_tag (b, V, 0, "90 68766331" HVCC);        /* track 0 */
  flv_tag (b, V, 0, "96 00 68766331 01" HVCC);  /* OneTrack, track 1 */
  flv_tag (b, A, 0, "90 4f707573" OPUS_HEAD_2CH);
  flv_tag (b, A, 0, "95 00 4f707573 01" OPUS_HEAD_2CH);
  /* 7.11 ManyTracks hvc1 CodedFrames, tracks 0 and 1 */
  flv_tag (b, V, 10, "96 11 68766331 00 00000c 000000 00000005 2601af1234"
      " 01 00000a 000000 00000003 2601bb");
  flv_tag (b, A, 20, "95 01 4f707573 01 fcfffe");       /* 8.8 */
  flv_tag (b, A, 40, "95 11 4f707573 00 000003 aabbcc 01 000002 ddee");
  d = demux_run (b);

  assert_caps (d, "video_1", "video/x-h265, stream-format=(string)hvc1, "
      "alignment=(string)au, codec_data=(buffer)" HVCC);
  assert_buffer (demux_pad (d, "video"), 10 * MS, 10 * MS, KEY | DISC,
      "00000005 2601af1234");
  assert_buffer (demux_pad (d, "video_1"), 10 * MS, 10 * MS, KEY | DISC,
      "00000003 2601bb");
  assert_buffer (demux_pad (d, "audio_1"), 20 * MS, 20 * MS, DISC, "fcfffe");
  assert_buffer (demux_pad (d, "audio"), 40 * MS, 40 * MS, DISC, "aabbcc");
  assert_buffer (demux_pad (d, "audio_1"), 40 * MS, 40 * MS, 0, "ddee");
  fail_unless_equals_int (g_hash_table_size (d->pads), 4);
  demux_free (d);
  check_every_split (b);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* test-vectors.md 7.12, 8.3, 8.10: OneTrack av01, ManyTracksManyCodecs */
GST_START_TEST (test_multitrack_many_codecs)
{
  GByteArray *b = flv_new ();
  Demux *d;

  flv_tag (b, V, 0, "96 00 61763031 01" AV1C_A);        /* track 1 av01 */
  flv_tag (b, V, 0, "a6 01 61763031 01 12000a0b");      /* 7.12 */
  flv_tag (b, A, 0, "90 4f707573" OPUS_HEAD_2CH);       /* track 0 Opus */
  flv_tag (b, A, 0, "95 00 6d703461 01 1190");  /* track 1 mp4a (8.3) */
  /* 8.10 ManyTracksManyCodecs: Opus track 0, AAC track 1 */
  flv_tag (b, A, 30, "95 21 4f707573 00 000003 aabbcc 6d703461 01 000002"
      " ddee");
  d = demux_run (b);

  assert_caps (d, "video_1", "video/x-av1, stream-format=(string)obu-stream,"
      " alignment=(string)tu, codec_data=(buffer)" AV1C_A);
  assert_buffer (demux_pad (d, "video_1"), 0, 0, DELTA | DISC, "12000a0b");
  assert_buffer (demux_pad (d, "audio"), 30 * MS, 30 * MS, DISC, "aabbcc");
  assert_buffer (demux_pad (d, "audio_1"), 30 * MS, 30 * MS, DISC, "ddee");
  {
    gchar *c = pad_caps (d, "audio_1");

    fail_unless (g_str_has_prefix (c, "audio/mpeg, mpegversion=(int)4, "
            "stream-format=(string)raw, framed=(boolean)true, "
            "codec_data=(buffer)1190, rate=(int)48000, channels=(int)2"),
        "caps %s", c);
    g_free (c);
  }
  demux_free (d);
  check_every_split (b);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* the colorInfo Metadata body of a full HDR10 signal (ertmp.md 7) */
static GByteArray *
hdr10_color_info (guint8 first_byte)
{
  ertmp_media_color_info c = { 0 };
  GByteArray *b = g_byte_array_new ();
  guint8 head[5] = { first_byte, 'h', 'v', 'c', '1' };

  c.present = 0xffff;
  c.bit_depth = 10;
  c.primaries = 9;
  c.transfer = 16;
  c.matrix = 9;
  c.max_cll = 1000;
  c.max_fall = 400;
  c.red_x = 0.708;
  c.red_y = 0.292;
  c.green_x = 0.170;
  c.green_y = 0.797;
  c.blue_x = 0.131;
  c.blue_y = 0.046;
  c.white_x = 0.3127;
  c.white_y = 0.3290;
  c.max_luminance = 1000;
  c.min_luminance = 0.0001;
  g_byte_array_append (b, head, sizeof (head));
  ertmp_media_write_color_info (b, &c);
  return b;
}

static void
assert_bt2100_pq (GstCaps * caps)
{
  GstStructure *s = gst_caps_get_structure (caps, 0);
  GstVideoColorimetry cinfo;

  fail_unless (gst_video_colorimetry_from_string (&cinfo,
          gst_structure_get_string (s, "colorimetry")));
  fail_unless_equals_int (cinfo.primaries, GST_VIDEO_COLOR_PRIMARIES_BT2020);
  fail_unless_equals_int (cinfo.transfer, GST_VIDEO_TRANSFER_SMPTE2084);
  fail_unless_equals_int (cinfo.matrix, GST_VIDEO_COLOR_MATRIX_BT2020);
}

/* test-vectors.md 7.7 (frame type 5, FFmpeg), the OBS form (frame type 0)
 * with mastering display and light level, and the reset of 7.13 */
GST_START_TEST (test_color_info)
{
  GByteArray *b = flv_new (), *obs = hdr10_color_info (0x84);
  GstVideoMasteringDisplayInfo mdi;
  GstVideoContentLightLevel cll;
  GstHarness *ph;
  GstCaps *caps;
  Demux *d;

  flv_tag (b, V, 0, "90 68766331" HVCC);
  /* 7.7, verbatim */
  flv_tag (b, V, 0,
      "d4 68 76 63 31 02 00 09 63 6f 6c 6f 72 49 6e 66"
      "6f 03 00 0b 63 6f 6c 6f 72 43 6f 6e 66 69 67 03"
      "00 08 62 69 74 44 65 70 74 68 00 40 24 00 00 00"
      "00 00 00 00 0e 63 6f 6c 6f 72 50 72 69 6d 61 72"
      "69 65 73 00 40 22 00 00 00 00 00 00 00 17 74 72"
      "61 6e 73 66 65 72 43 68 61 72 61 63 74 65 72 69"
      "73 74 69 63 73 00 40 30 00 00 00 00 00 00 00 12"
      "6d 61 74 72 69 78 43 6f 65 66 66 69 63 69 65 6e"
      "74 73 00 40 22 00 00 00 00 00 00 00 00 09 00 00" "09");
  flv_tag (b, V, 0, "91 68766331 000000 00000002 2601");
  d = demux_run (b);
  ph = demux_pad (d, "video");
  caps = gst_pad_get_current_caps (ph->sinkpad);
  assert_bt2100_pq (caps);
  gst_caps_unref (caps);

  /* OBS: frame type 0, all of HDR10 */
  flv_tag_bytes (b, V, 33, obs->data, obs->len);
  flv_tag (b, V, 33, "a1 68766331 000000 00000002 0201");
  demux_free (d);
  d = demux_run (b);
  ph = demux_pad (d, "video");
  caps = gst_pad_get_current_caps (ph->sinkpad);
  assert_bt2100_pq (caps);
  fail_unless (gst_video_mastering_display_info_from_caps (&mdi, caps));
  fail_unless_equals_int (mdi.display_primaries[0].x, 35400);
  fail_unless_equals_int (mdi.display_primaries[0].y, 14600);
  fail_unless_equals_int (mdi.display_primaries[1].x, 8500);
  fail_unless_equals_int (mdi.display_primaries[1].y, 39850);
  fail_unless_equals_int (mdi.display_primaries[2].x, 6550);
  fail_unless_equals_int (mdi.display_primaries[2].y, 2300);
  fail_unless_equals_int (mdi.white_point.x, 15635);
  fail_unless_equals_int (mdi.white_point.y, 16450);
  fail_unless_equals_int (mdi.max_display_mastering_luminance, 10000000);
  fail_unless_equals_int (mdi.min_display_mastering_luminance, 1);
  fail_unless (gst_video_content_light_level_from_caps (&cll, caps));
  fail_unless_equals_int (cll.max_content_light_level, 1000);
  fail_unless_equals_int (cll.max_frame_average_light_level, 400);
  gst_caps_unref (caps);

  /* 7.13: colorConfig {} resets */
  flv_tag (b, V, 66, "d4 68766331 0200 09 636f6c6f72496e666f 03"
      " 000b 636f6c6f72436f6e666967 03 000009 000009");
  flv_tag (b, V, 66, "a1 68766331 000000 00000002 0201");
  demux_free (d);
  d = demux_run (b);
  assert_caps (d, "video", "video/x-h265, stream-format=(string)hvc1, "
      "alignment=(string)au, codec_data=(buffer)" HVCC);
  demux_free (d);
  check_every_split (b);
  g_byte_array_unref (obs);
  g_byte_array_unref (b);
}

GST_END_TEST;

static guint
count_caps_events (GstHarness * ph)
{
  GstEvent *ev;
  guint n = 0;

  while ((ev = gst_harness_try_pull_event (ph)) != NULL) {
    n += GST_EVENT_TYPE (ev) == GST_EVENT_CAPS;
    fail_if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS);
    gst_event_unref (ev);
  }
  return n;
}

/* ertmp.md 2.7, 12: an empty SequenceStart is ignored, an identical one
 * changes nothing, a different one changes the caps (DISCONT follows) */
GST_START_TEST (test_caps_change)
{
  GByteArray *b = flv_new ();
  Demux *d;

  flv_tag (b, V, 0, "90 61763031");     /* empty (FFmpeg) */
  flv_tag (b, V, 10, "90 61763031" AV1C_A);
  flv_tag (b, V, 10, "91 61763031 1200 0a0b");
  flv_tag (b, V, 20, "90 61763031" AV1C_A);     /* repeat */
  flv_tag (b, V, 20, "a1 61763031 1200 01");
  flv_tag (b, V, 30, "90 61763031");    /* empty again */
  flv_tag (b, V, 30, "90 61763031" AV1C_B);     /* new level */
  flv_tag (b, V, 30, "91 61763031 1200 0a0c");
  d = demux_run (b);

  assert_buffer (demux_pad (d, "video"), 10 * MS, 10 * MS, KEY | DISC,
      "1200 0a0b");
  assert_buffer (demux_pad (d, "video"), 20 * MS, 20 * MS, DELTA, "1200 01");
  assert_buffer (demux_pad (d, "video"), 30 * MS, 30 * MS, KEY | DISC,
      "1200 0a0c");
  assert_caps (d, "video", "video/x-av1, stream-format=(string)obu-stream,"
      " alignment=(string)tu, codec_data=(buffer)" AV1C_B);
  fail_unless_equals_int (count_caps_events (demux_pad (d, "video")), 2);
  demux_free (d);
  check_every_split (b);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* test-vectors.md 7.5, 8.7: SequenceEnd ends no stream */
GST_START_TEST (test_sequence_end)
{
  GByteArray *b = flv_new ();
  Demux *d;

  flv_tag (b, V, 0, "90 61763031" AV1C_A);
  flv_tag (b, A, 0, "90 4f707573" OPUS_HEAD_2CH);
  flv_tag (b, V, 0, "91 61763031 1200 0a0b");
  flv_tag (b, A, 0, "91 4f707573 fcfffe");
  flv_tag (b, V, 20, "92 61763031");    /* 7.5 */
  flv_tag (b, A, 20, "92 4f707573");    /* 8.7 */
  flv_tag (b, V, 40, "91 61763031 1200 0a0b");
  flv_tag (b, A, 40, "91 4f707573 fcfffe");
  d = demux_run (b);

  fail_unless_equals_int (gst_harness_buffers_received (demux_pad (d,
              "video")), 2);
  fail_unless_equals_int (gst_harness_buffers_received (demux_pad (d,
              "audio")), 2);
  count_caps_events (demux_pad (d, "video"));   /* fails on EOS */
  count_caps_events (demux_pad (d, "audio"));
  demux_free (d);
  check_every_split (b);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* A broken body: one warning naming the track, the tag skipped, the other
 * tracks go on */
GST_START_TEST (test_malformed_body)
{
  GByteArray *b = flv_new ();
  Demux *d;
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;

  flv_tag (b, A, 0, "90 4f707573" OPUS_HEAD_2CH);
  flv_tag (b, V, 0, "90 61763031 ffffffff");    /* not an av1C */
  flv_tag (b, A, 0, "91 4f707573 01");
  flv_tag (b, V, 20, "90 61763031 ffffffff");   /* again: counted only */
  flv_tag (b, A, 20, "91 4f707573 02");
  flv_tag (b, V, 40, "90 61763031 ffffffff");
  flv_tag (b, A, 40, "91 4f707573 03");
  d = demux_run (b);

  assert_buffer (demux_pad (d, "audio"), 0, 0, DISC, "01");
  assert_buffer (demux_pad (d, "audio"), 20 * MS, 20 * MS, 0, "02");
  assert_buffer (demux_pad (d, "audio"), 40 * MS, 40 * MS, 0, "03");
  fail_if (g_hash_table_contains (d->pads, "video"));
  msg = gst_bus_pop_filtered (d->bus, GST_MESSAGE_WARNING);
  fail_unless (msg != NULL);
  gst_message_parse_warning (msg, &err, &debug);
  fail_unless (strstr (err->message, "video track 0 (AV1)") != NULL,
      "%s", err->message);
  fail_unless (strstr (err->message, "SequenceStart") != NULL);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING), 0);
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_ERROR), 0);

  /* ManyTracks whose second track runs past the end of the tag */
  demux_free (d);
  flv_tag (b, A, 60, "95 11 4f707573 00 000001 04 01 000009 05");
  flv_tag (b, A, 80, "91 4f707573 06");
  d = demux_run (b);
  fail_unless_equals_int (gst_harness_buffers_received (demux_pad (d,
              "audio")), 5);
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING), 2);
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_ERROR), 0);
  demux_free (d);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* A broken tag header: resync (one warning, DISCONT), and a stream that
 * is not FLV: a clear error */
GST_START_TEST (test_broken_framing)
{
  GByteArray *b = flv_new ();
  GstHarness *ph;
  GstBuffer *buf;
  Demux *d;

  flv_tag (b, A, 0, "90 4f707573" OPUS_HEAD_2CH);
  flv_tag (b, A, 0, "91 4f707573 01");
  g_byte_array_append (b, (const guint8 *) "\x07garbage", 8);
  flv_tag (b, A, 20, "91 4f707573 02");
  d = demux_run (b);
  ph = demux_pad (d, "audio");
  assert_buffer (ph, 0, 0, DISC, "01");
  buf = gst_harness_pull (ph);
  fail_unless (GST_BUFFER_IS_DISCONT (buf));
  gst_buffer_unref (buf);
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING), 1);
  demux_free (d);

  d = demux_new ();
  fail_unless_equals_int (gst_harness_push (d->h,
          gst_buffer_new_memdup ("not an flv file at all", 22)),
      GST_FLOW_ERROR);
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_ERROR), 1);
  demux_free (d);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* vp09 has caps at once; test-vectors.md 7.6 and the FullBox form add the
 * vpcC fields */
GST_START_TEST (test_vp09)
{
  GByteArray *b = flv_new ();
  Demux *d;
  const gchar *with_vpcc = "video/x-vp9, profile=(string)0, "
      "bit-depth-luma=(uint)8, bit-depth-chroma=(uint)8, "
      "chroma-format=(string)4:2:0, colorimetry=(string)bt709";

  flv_tag (b, V, 0, "91 76703039 aa");
  d = demux_run (b);
  assert_caps (d, "video", "video/x-vp9");
  assert_buffer (demux_pad (d, "video"), 0, 0, KEY | DISC, "aa");
  demux_free (d);

  flv_tag (b, V, 10, "90 76703039 00 1f 82 01 01 01 0000");     /* 7.6 */
  flv_tag (b, V, 10, "a1 76703039 bb");
  d = demux_run (b);
  assert_caps (d, "video", with_vpcc);
  demux_free (d);
  check_every_split (b);
  g_byte_array_unref (b);

  b = flv_new ();               /* FullBox form, then a frame */
  flv_tag (b, V, 0, "90 76703039 01000000 00 1f 82 01 01 01 0000");
  flv_tag (b, V, 0, "91 76703039 aa");
  d = demux_run (b);
  assert_caps (d, "video", with_vpcc);
  demux_free (d);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* test-vectors.md 8.4-8.6: MultichannelConfig -> channel-mask */
static gchar *
opus_caps_with (const gchar * head, const gchar * mcc)
{
  GByteArray *b = flv_new ();
  gchar *body = g_strconcat ("90 4f707573 ", head, NULL), *caps;
  Demux *d;

  flv_tag (b, A, 0, body);
  flv_tag (b, A, 0, mcc);
  flv_tag (b, A, 0, "91 4f707573 fcfffe");
  d = demux_run (b);
  caps = pad_caps (d, "audio");
  demux_free (d);
  g_free (body);
  g_byte_array_unref (b);
  return caps;
}

GST_START_TEST (test_opus_channels)
{
  /* 5.1, family 1: 4 streams, 2 coupled, Vorbis order */
  gchar *c = opus_caps_with ("4f707573 48656164 01 06 3801 80bb0000 0000 01"
      " 04 02 00 04 01 02 03 05", "94 4f707573 01 06 0000003f");

  fail_unless (strstr (c, "channels=(int)6") != NULL, "%s", c);
  fail_unless (strstr (c, "channel-mapping-family=(int)1") != NULL, "%s", c);
  fail_unless (strstr (c, "channel-mask=(bitmask)0x000000000000003f")
      != NULL, "%s", c);
  g_free (c);
  c = opus_caps_with (OPUS_HEAD_2CH, "94 4f707573 02 02 00 01");
  fail_unless (strstr (c, "channel-mask=(bitmask)0x0000000000000003")
      != NULL, "%s", c);
  g_free (c);
  c = opus_caps_with (OPUS_HEAD_2CH, "94 4f707573 00 02");
  fail_unless (strstr (c, "channel-mask=(bitmask)0x0000000000000000")
      != NULL, "%s", c);
  g_free (c);
  /* a count that disagrees with OpusHead is left out */
  c = opus_caps_with (OPUS_HEAD_2CH, "94 4f707573 01 01 00000004");
  fail_unless (strstr (c, "channels=(int)2") != NULL, "%s", c);
  fail_unless (strstr (c, "channel-mask") == NULL, "%s", c);
  g_free (c);
}

GST_END_TEST;

/* ertmp.md 3.4: the bare STREAMINFO (FFmpeg) and the spec form give the
 * same caps, with the streamheader flacparse wants */
#define STREAMINFO "1000 1000 000000 000000 0ac442f000000000" \
  " 00000000000000000000000000000000"

GST_START_TEST (test_flac_forms)
{
  const gchar *forms[] = {
    "90 664c6143 " STREAMINFO,
    "90 664c6143 664c6143 80000022 " STREAMINFO,
    "90 664c6143 00000022 " STREAMINFO,
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (forms); i++) {
    GByteArray *b = flv_new ();
    Demux *d;

    flv_tag (b, A, 0, forms[i]);
    flv_tag (b, A, 0, "91 664c6143 fff8");
    d = demux_run (b);
    assert_caps (d, "audio", "audio/x-flac, framed=(boolean)true, "
        "rate=(int)44100, channels=(int)2, streamheader=(buffer)< 664c6143, "
        "80000022" STREAMINFO " >");
    demux_free (d);
    g_byte_array_unref (b);
  }
}

GST_END_TEST;

/* Live: the caps streamheader is read once and its in-band copies are
 * skipped: no second caps, buffer or tag event */
GST_START_TEST (test_streamheader)
{
  GByteArray *hdr = flv_new (), *meta = g_byte_array_new (),
      *seq = g_byte_array_new (), *frame = g_byte_array_new ();
  GByteArray *parts[3];
  GstBuffer *bufs[3];
  GstHarness *ph;
  GstEvent *ev;
  GstCaps *caps;
  GValue array = G_VALUE_INIT;
  Demux *d = demux_new ();
  guint i, tags = 0, n_caps = 0;

  /* ["onMetaData", {encoder: "x"}] */
  flv_tag (meta, ERTMP_FLV_TAG_SCRIPT, 0, "02 000a 6f6e4d65746144617461"
      " 03 0007 656e636f646572 02 0001 78 000009");
  flv_tag (seq, A, 0, "90 4f707573" OPUS_HEAD_2CH);
  flv_tag (frame, A, 0, "91 4f707573 fcfffe");
  parts[0] = hdr;
  parts[1] = meta;
  parts[2] = seq;
  g_value_init (&array, GST_TYPE_ARRAY);
  for (i = 0; i < 3; i++) {
    GValue v = G_VALUE_INIT;

    bufs[i] = gst_buffer_new_memdup (parts[i]->data, parts[i]->len);
    GST_BUFFER_FLAG_SET (bufs[i], GST_BUFFER_FLAG_HEADER);
    g_value_init (&v, GST_TYPE_BUFFER);
    gst_value_set_buffer (&v, bufs[i]);
    gst_value_array_append_and_take_value (&array, &v);
  }
  caps = gst_caps_new_empty_simple ("video/x-flv");
  gst_caps_set_value (caps, "streamheader", &array);
  gst_harness_set_src_caps (d->h, caps);
  g_value_unset (&array);
  for (i = 0; i < 3; i++)
    fail_unless_equals_int (gst_harness_push (d->h, bufs[i]), GST_FLOW_OK);
  demux_push (d, frame->data, frame->len);

  ph = demux_pad (d, "audio");
  fail_unless_equals_int (gst_harness_buffers_received (ph), 1);
  while ((ev = gst_harness_try_pull_event (ph)) != NULL) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_TAG) {
      GstTagList *list;
      gchar *enc = NULL;

      gst_event_parse_tag (ev, &list);
      if (gst_tag_list_get_string (list, GST_TAG_ENCODER, &enc)) {
        fail_unless_equals_string (enc, "x");
        tags++;
      }
      g_free (enc);
    }
    n_caps += GST_EVENT_TYPE (ev) == GST_EVENT_CAPS;
    gst_event_unref (ev);
  }
  fail_unless_equals_int (tags, 1);
  fail_unless_equals_int (n_caps, 1);
  demux_free (d);
  for (i = 0; i < 3; i++)
    g_byte_array_unref (parts[i]);
  g_byte_array_unref (frame);
}

GST_END_TEST;

/* ---- live input (an RTMP ingest source) ------------------------------ */

#define SEC GST_SECOND

/* One FLV tag (or, @type 0, the FLV header) in one buffer stamped @time
 * (DTS and PTS; GST_CLOCK_TIME_NONE: not stamped), as rtmpingestsrc
 * pushes them. */
static GstBuffer *
live_buffer (guint8 type, guint32 ts, const gchar * body_hex,
    GstClockTime time, GstBufferFlags flags)
{
  GByteArray *b = type == 0 ? flv_new () : g_byte_array_new ();
  GstBuffer *buf;

  if (type != 0)
    flv_tag (b, type, ts, body_hex);
  buf = gst_buffer_new_memdup (b->data, b->len);
  GST_BUFFER_DTS (buf) = time;
  GST_BUFFER_PTS (buf) = time;
  GST_BUFFER_FLAG_SET (buf, flags);
  g_byte_array_unref (b);
  return buf;
}

static void
live_push (Demux * d, guint8 type, guint32 ts, const gchar * body_hex,
    GstClockTime time, GstBufferFlags flags)
{
  fail_unless_equals_int (gst_harness_push (d->h, live_buffer (type, ts,
              body_hex, time, flags)), GST_FLOW_OK);
}

/* Caps with @bufs (transfer none) as their streamheader. */
static void
live_set_streamheader (Demux * d, GstBuffer ** bufs, guint n)
{
  GValue array = G_VALUE_INIT;
  GstCaps *caps;
  guint i;

  g_value_init (&array, GST_TYPE_ARRAY);
  for (i = 0; i < n; i++) {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, GST_TYPE_BUFFER);
    gst_value_set_buffer (&v, bufs[i]);
    gst_value_array_append_and_take_value (&array, &v);
  }
  caps = gst_caps_new_empty_simple ("video/x-flv");
  gst_caps_set_value (caps, "streamheader", &array);
  gst_harness_set_src_caps (d->h, caps);
  g_value_unset (&array);
}

/* The events a pad has queued: caps counted, the segments checked against
 * @segment / @seqnum (0: any) and counted. */
static void
live_events (GstHarness * ph, const GstSegment * segment, guint32 seqnum,
    guint * n_caps, guint * n_segments)
{
  GstEvent *ev;

  while ((ev = gst_harness_try_pull_event (ph)) != NULL) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
      const GstSegment *got;

      gst_event_parse_segment (ev, &got);
      fail_unless (gst_segment_is_equal (got, segment), "segment %"
          GST_SEGMENT_FORMAT, got);
      fail_unless (seqnum == 0 || gst_event_get_seqnum (ev) == seqnum);
      (*n_segments)++;
    }
    *n_caps += GST_EVENT_TYPE (ev) == GST_EVENT_CAPS;
    fail_if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS);
    gst_event_unref (ev);
  }
}

/* A TIME segment and stamped buffers: the publisher's tag times (from
 * 1000 ms) land on upstream's timeline (its first tag at 5 s), with the
 * composition times and ModEx nanoseconds kept exactly; upstream's segment
 * goes out. */
GST_START_TEST (test_live_mapping)
{
  Demux *d = demux_new ();
  GstSegment segment;
  GstEvent *ev;
  guint32 seqnum = gst_util_seqnum_next ();
  guint n_caps = 0, n_segments = 0;

  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.base = 2 * SEC;       /* something a fresh segment lacks */
  ev = gst_event_new_segment (&segment);
  gst_event_set_seqnum (ev, seqnum);
  fail_unless (gst_harness_push_event (d->h, ev));

  live_push (d, 0, 0, NULL, 5 * SEC, DISC);
  live_push (d, V, 1000, "90 68766331" HVCC, 5 * SEC, 0);
  live_push (d, A, 1000, "90 4f707573" OPUS_HEAD_2CH, 5 * SEC, 0);
  live_push (d, V, 1000, "91 68766331 000021 00000005 2601af1234", 5 * SEC,
      0);
  live_push (d, A, 1020, "97 02 03d090 01 4f707573 fcfffe",
      5 * SEC + 20 * MS, 0);
  live_push (d, V, 1033, "a1 68766331 ffffdf 00000004 0201d0aa",
      5 * SEC + 33 * MS, 0);
  live_push (d, V, 1100, "97 02 07a120 01 68766331 000000 00000005"
      " 2601af1234", 5 * SEC + 100 * MS, 0);
  /* an unstamped buffer keeps the last distance */
  live_push (d, V, 1133, "a1 68766331 000000 00000004 0201d0aa",
      GST_CLOCK_TIME_NONE, 0);
  /* the first tag of a publisher late: upstream's time wins */
  live_push (d, V, 1166, "a1 68766331 ffffdf 00000004 0201d0aa",
      6 * SEC, 0);

  assert_buffer (demux_pad (d, "video"), 5 * SEC + 33 * MS, 5 * SEC,
      KEY | DISC, "00000005 2601af1234");
  assert_buffer (demux_pad (d, "video"), 5 * SEC, 5 * SEC + 33 * MS, DELTA,
      "00000004 0201d0aa");
  assert_buffer (demux_pad (d, "video"), 5 * SEC + 100 * MS + 500000,
      5 * SEC + 100 * MS, KEY, "00000005 2601af1234");
  assert_buffer (demux_pad (d, "video"), 5 * SEC + 133 * MS,
      5 * SEC + 133 * MS, DELTA, "00000004 0201d0aa");
  assert_buffer (demux_pad (d, "video"), 6 * SEC - 33 * MS, 6 * SEC, DELTA,
      "00000004 0201d0aa");
  assert_buffer (demux_pad (d, "audio"), 5 * SEC + 20 * MS + 250000,
      5 * SEC + 20 * MS + 250000, DISC, "fcfffe");
  live_events (demux_pad (d, "video"), &segment, seqnum, &n_caps,
      &n_segments);
  live_events (demux_pad (d, "audio"), &segment, seqnum, &n_caps,
      &n_segments);
  fail_unless_equals_int (n_caps, 2);
  fail_unless_equals_int (n_segments, 2);
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING |
          GST_MESSAGE_ERROR), 0);
  demux_free (d);
}

GST_END_TEST;

/* A negative composition time right at the start of the timeline clamps
 * at 0, after the mapping */
GST_START_TEST (test_live_mapping_clamp)
{
  Demux *d = demux_new ();

  live_push (d, 0, 0, NULL, 10 * MS, DISC);
  live_push (d, V, 500, "90 68766331" HVCC, 10 * MS, 0);
  live_push (d, V, 500, "a1 68766331 ffffdf 00000004 0201d0aa", 10 * MS, 0);
  live_push (d, V, 533, "a1 68766331 fffffb 00000004 0201d0aa", 43 * MS, 0);
  assert_buffer (demux_pad (d, "video"), 0, 10 * MS, DELTA | DISC,
      "00000004 0201d0aa");
  assert_buffer (demux_pad (d, "video"), 38 * MS, 43 * MS, DELTA,
      "00000004 0201d0aa");
  demux_free (d);
}

GST_END_TEST;

/* Publisher 1 (AV1 + Opus) with its streamheader on the caps and in-band;
 * publisher 2 (HEVC + the same Opus, times from 0 again) whose caps come
 * before its DISCONT FLV header; publisher 3 (AV1 again) whose caps come
 * after its header and SequenceStart.  The pads stay, the video caps
 * follow, each publisher's first buffers are DISCONT, nothing is read
 * twice or skipped, the times follow upstream. */
GST_START_TEST (test_live_new_publisher)
{
  Demux *d = demux_new ();
  GstBuffer *sh[3];
  GstSegment segment;
  guint n_caps = 0, n_segments = 0, i;

  gst_segment_init (&segment, GST_FORMAT_TIME);
  sh[0] = live_buffer (0, 0, NULL, 1 * SEC, DISC | GST_BUFFER_FLAG_HEADER);
  sh[1] = live_buffer (V, 0, "90 61763031" AV1C_A, 1 * SEC,
      GST_BUFFER_FLAG_HEADER);
  sh[2] = live_buffer (A, 0, "90 4f707573" OPUS_HEAD_2CH, 1 * SEC,
      GST_BUFFER_FLAG_HEADER);
  live_set_streamheader (d, sh, 3);
  for (i = 0; i < 3; i++)
    fail_unless_equals_int (gst_harness_push (d->h, sh[i]), GST_FLOW_OK);
  live_push (d, V, 0, "91 61763031 1200 0a0b", 1 * SEC, 0);
  live_push (d, A, 0, "91 4f707573 fcfffe", 1 * SEC, 0);
  live_push (d, V, 40, "a1 61763031 1200 01", 1 * SEC + 40 * MS, 0);

  /* publisher 2: caps first */
  sh[0] = live_buffer (0, 0, NULL, 8 * SEC, DISC | GST_BUFFER_FLAG_HEADER);
  sh[1] = live_buffer (V, 0, "90 68766331" HVCC, 8 * SEC,
      GST_BUFFER_FLAG_HEADER);
  sh[2] = live_buffer (A, 0, "90 4f707573" OPUS_HEAD_2CH, 8 * SEC,
      GST_BUFFER_FLAG_HEADER);
  live_set_streamheader (d, sh, 3);
  for (i = 0; i < 3; i++)
    fail_unless_equals_int (gst_harness_push (d->h, sh[i]), GST_FLOW_OK);
  live_push (d, V, 0, "91 68766331 000021 00000005 2601af1234", 8 * SEC, 0);
  live_push (d, A, 0, "91 4f707573 fcfffd", 8 * SEC, 0);
  live_push (d, V, 33, "a1 68766331 ffffdf 00000004 0201d0aa",
      8 * SEC + 33 * MS, 0);

  /* publisher 3: caps after its header and SequenceStart */
  sh[0] = live_buffer (0, 0, NULL, 9 * SEC, DISC | GST_BUFFER_FLAG_HEADER);
  sh[1] = live_buffer (V, 7, "90 61763031" AV1C_B, 9 * SEC,
      GST_BUFFER_FLAG_HEADER);
  for (i = 0; i < 2; i++)
    fail_unless_equals_int (gst_harness_push (d->h, gst_buffer_ref (sh[i])),
        GST_FLOW_OK);
  live_set_streamheader (d, sh, 2);
  gst_buffer_unref (sh[0]);
  gst_buffer_unref (sh[1]);
  live_push (d, V, 7, "91 61763031 1200 0a0c", 9 * SEC, 0);

  assert_buffer (demux_pad (d, "video"), 1 * SEC, 1 * SEC, KEY | DISC,
      "1200 0a0b");
  assert_buffer (demux_pad (d, "video"), 1 * SEC + 40 * MS,
      1 * SEC + 40 * MS, DELTA, "1200 01");
  assert_buffer (demux_pad (d, "video"), 8 * SEC + 33 * MS, 8 * SEC,
      KEY | DISC, "00000005 2601af1234");
  assert_buffer (demux_pad (d, "video"), 8 * SEC, 8 * SEC + 33 * MS, DELTA,
      "00000004 0201d0aa");
  assert_buffer (demux_pad (d, "video"), 9 * SEC, 9 * SEC, KEY | DISC,
      "1200 0a0c");
  fail_unless (gst_harness_try_pull (demux_pad (d, "video")) == NULL);
  assert_buffer (demux_pad (d, "audio"), 1 * SEC, 1 * SEC, DISC, "fcfffe");
  assert_buffer (demux_pad (d, "audio"), 8 * SEC, 8 * SEC, DISC, "fcfffd");
  fail_unless (gst_harness_try_pull (demux_pad (d, "audio")) == NULL);
  assert_caps (d, "video", "video/x-av1, stream-format=(string)obu-stream,"
      " alignment=(string)tu, codec_data=(buffer)" AV1C_B);

  /* AV1, HEVC, AV1: three caps on video, one on audio, one segment each */
  live_events (demux_pad (d, "video"), &segment, 0, &n_caps, &n_segments);
  fail_unless_equals_int (n_caps, 3);
  n_caps = 0;
  live_events (demux_pad (d, "audio"), &segment, 0, &n_caps, &n_segments);
  fail_unless_equals_int (n_caps, 1);
  fail_unless_equals_int (n_segments, 2);
  fail_unless_equals_int (g_hash_table_size (d->pads), 2);
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING |
          GST_MESSAGE_ERROR), 0);
  demux_free (d);
}

GST_END_TEST;

/* A BYTES segment (filesrc in push mode): the buffer timestamps are not
 * used and a TIME segment from 0 goes out */
GST_START_TEST (test_bytes_ignores_timestamps)
{
  Demux *d = demux_new ();
  GstSegment segment, fresh;
  guint n_caps = 0, n_segments = 0;
  GstEvent *ev;

  gst_segment_init (&segment, GST_FORMAT_BYTES);
  fail_unless (gst_harness_push_event (d->h, gst_event_new_segment
          (&segment)));
  live_push (d, 0, 0, NULL, 0, DISC);
  live_push (d, V, 1000, "90 68766331" HVCC, 3 * SEC, 0);
  live_push (d, V, 1000, "91 68766331 000021 00000005 2601af1234", 3 * SEC,
      0);
  assert_buffer (demux_pad (d, "video"), 1033 * MS, 1000 * MS, KEY | DISC,
      "00000005 2601af1234");
  gst_segment_init (&fresh, GST_FORMAT_TIME);
  while ((ev = gst_harness_try_pull_event (demux_pad (d, "video"))) != NULL) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
      const GstSegment *got;

      gst_event_parse_segment (ev, &got);
      fail_unless (gst_segment_is_equal (got, &fresh));
      n_segments++;
    }
    n_caps += GST_EVENT_TYPE (ev) == GST_EVENT_CAPS;
    gst_event_unref (ev);
  }
  fail_unless_equals_int (n_segments, 1);
  fail_unless_equals_int (n_caps, 1);
  demux_free (d);
}

GST_END_TEST;

/* ---- real files -------------------------------------------------------- */

typedef struct
{
  GArray *times;                /* GstClockTime pairs: PTS, DTS */
  guint64 bytes;
  GstPadMode mode;              /* of the demuxer's sink pad, while running */
} Sink;

static void
on_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, Sink * out)
{
  GstClockTime t[2] = { GST_BUFFER_PTS (buf), GST_BUFFER_DTS (buf) };
  GstObject *bin = gst_object_get_parent (GST_OBJECT (sink));
  GstElement *demux = bin ? gst_bin_get_by_name (GST_BIN (bin), "d") : NULL;
  GstPad *sinkpad = demux ? gst_element_get_static_pad (demux, "sink") : NULL;

  g_array_append_vals (out->times, t, 2);
  out->bytes += gst_buffer_get_size (buf);
  if (sinkpad != NULL)
    out->mode = GST_PAD_MODE (sinkpad);
  gst_clear_object (&sinkpad);
  gst_clear_object (&demux);
  gst_clear_object (&bin);
}

/* Runs @desc to EOS; sinks "v" and "a" record what they get. */
static void
run_pipeline (const gchar * desc, Sink * v, Sink * a)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);
  GstElement *vs, *as;
  GstMessage *msg;
  GstBus *bus;

  fail_unless (p != NULL, "%s: %s", desc, err ? err->message : "?");
  v->times = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  a->times = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  v->bytes = a->bytes = 0;
  v->mode = a->mode = GST_PAD_MODE_NONE;
  vs = gst_bin_get_by_name (GST_BIN (p), "v");
  as = gst_bin_get_by_name (GST_BIN (p), "a");
  if (vs != NULL)
    g_signal_connect (vs, "handoff", G_CALLBACK (on_handoff), v);
  if (as != NULL)
    g_signal_connect (as, "handoff", G_CALLBACK (on_handoff), a);
  gst_element_set_state (p, GST_STATE_PLAYING);
  bus = gst_element_get_bus (p);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    fail ("%s: %s (%s)", desc, err->message, dbg);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_clear_object (&vs);
  gst_clear_object (&as);
  gst_object_unref (p);
}

static void
sink_clear (Sink * s)
{
  g_array_unref (s->times);
}

#define N_FRAMES(s) ((s)->times->len / 2)

/* Frames in an Enhanced FLV file, by walking the tags directly: video
 * CodedFrames / CodedFramesX and audio CodedFrames that carry bytes. */
static void
count_file_frames (const gchar * path, guint * video, guint * audio)
{
  gchar *data;
  gsize len, pos;
  const guint8 *p;

  fail_unless (g_file_get_contents (path, &data, &len, NULL));
  p = (const guint8 *) data;
  *video = *audio = 0;
  pos = ((gsize) p[5] << 24 | p[6] << 16 | p[7] << 8 | p[8]) + 4;
  while (pos + 11 <= len) {
    guint type = p[pos] & 0x1f;
    gsize size = p[pos + 1] << 16 | p[pos + 2] << 8 | p[pos + 3];
    const guint8 *body = p + pos + 11;

    if (pos + 11 + size > len)
      break;
    if (type == 9 && size > 5 && (body[0] & 0x80) &&
        ((body[0] & 0x0f) == 1 || (body[0] & 0x0f) == 3))
      (*video)++;
    if (type == 8 && size > 5 && body[0] == 0x91)
      (*audio)++;
    pos += 11 + size + 4;
  }
  g_free (data);
}

/* ../shared/media: AV1 + Opus written by FFmpeg 8 decode with GStreamer's
 * own parsers and decoders, every frame */
GST_START_TEST (test_third_party_files)
{
  const gchar *files[] = { "testsrc.flv", "testsrc2.flv", "mptestsrc.flv",
    "bbb.flv"
  };
  const gchar *dir = g_getenv ("ERTMP_MEDIA_DIR");
  guint i, video, audio;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR)) {
    g_print ("SKIP test_third_party_files: ERTMP_MEDIA_DIR (%s) is not "
        "there\n", GST_STR_NULL (dir));
    return;
  }
  for (i = 0; i < G_N_ELEMENTS (files); i++) {
    gchar *path = g_build_filename (dir, files[i], NULL), *desc;
    Sink v, a;

    count_file_frames (path, &video, &audio);
    fail_unless (video > 0 && audio > 0);
    desc = g_strdup_printf ("filesrc location=\"%s\" ! erdemux name=d "
        "d.video ! queue ! av1parse ! av1dec ! fakesink name=v "
        "signal-handoffs=true  d.audio ! queue ! opusparse ! opusdec ! "
        "fakesink name=a signal-handoffs=true", path);
    run_pipeline (desc, &v, &a);
    fail_unless_equals_int (N_FRAMES (&v), video);
    fail_unless_equals_int (N_FRAMES (&a), audio);
    sink_clear (&v);
    sink_clear (&a);
    g_free (desc);
    g_free (path);
  }
}

GST_END_TEST;

#define DEMUX_TO_SINKS(demux) " ! " demux " name=d d.video ! queue ! " \
  "fakesink name=v signal-handoffs=true d.audio ! queue ! " \
  "fakesink name=a signal-handoffs=true"

/* flvmux's legacy H.264 (B-frames) + AAC: erdemux gives the timestamps
 * flvdemux gives, and every frame decodes */
GST_START_TEST (test_flvmux_interop)
{
  gchar *path = g_build_filename (g_get_tmp_dir (), "erdemux-XXXXXX.flv",
      NULL), *desc;
  Sink fv, fa, ev, ea;
  gint fd = g_mkstemp (path);
  guint i;

  fail_unless (fd >= 0);
  close (fd);
  desc = g_strdup_printf ("videotestsrc num-buffers=60 ! video/x-raw,"
      "format=I420,width=160,height=120,framerate=30/1 ! x264enc bframes=2 "
      "key-int-max=20 ! h264parse ! flvmux name=m ! filesink location=\"%s\" "
      "audiotestsrc num-buffers=30 ! audio/x-raw,rate=44100,channels=1 ! "
      "avenc_aac ! aacparse ! m.", path);
  run_pipeline (desc, &ev, &ea);
  sink_clear (&ev);
  sink_clear (&ea);
  g_free (desc);

  desc = g_strdup_printf ("filesrc location=\"%s\"" DEMUX_TO_SINKS
      ("flvdemux"), path);
  run_pipeline (desc, &fv, &fa);
  g_free (desc);
  desc = g_strdup_printf ("filesrc location=\"%s\"" DEMUX_TO_SINKS
      ("erdemux"), path);
  run_pipeline (desc, &ev, &ea);
  g_free (desc);
  fail_unless_equals_int (N_FRAMES (&ev), 60);
  fail_unless_equals_int (N_FRAMES (&fv), 60);
  fail_unless_equals_int (N_FRAMES (&ea), N_FRAMES (&fa));
  for (i = 0; i < fv.times->len; i++)
    fail_unless_equals_uint64 (g_array_index (ev.times, GstClockTime, i),
        g_array_index (fv.times, GstClockTime, i));
  for (i = 0; i < fa.times->len; i += 2)    /* flvdemux: audio PTS only */
    fail_unless_equals_uint64 (g_array_index (ea.times, GstClockTime, i),
        g_array_index (fa.times, GstClockTime, i));
  sink_clear (&fv);
  sink_clear (&fa);
  sink_clear (&ea);
  sink_clear (&ev);

  desc = g_strdup_printf ("filesrc location=\"%s\" ! erdemux name=d "
      "d.video ! queue ! h264parse ! avdec_h264 ! fakesink name=v "
      "signal-handoffs=true d.audio ! queue ! aacparse ! avdec_aac ! "
      "fakesink name=a signal-handoffs=true", path);
  run_pipeline (desc, &ev, &ea);
  fail_unless_equals_int (N_FRAMES (&ev), 60);
  fail_unless (N_FRAMES (&ea) > 0);
  g_free (desc);
  desc = g_strdup_printf ("filesrc location=\"%s\" ! flvdemux name=d "
      "d.video ! queue ! h264parse ! avdec_h264 ! fakesink name=v "
      "signal-handoffs=true d.audio ! queue ! aacparse ! avdec_aac ! "
      "fakesink name=a signal-handoffs=true", path);
  run_pipeline (desc, &fv, &fa);
  fail_unless_equals_int (N_FRAMES (&ea), N_FRAMES (&fa));
  sink_clear (&fv);
  sink_clear (&fa);
  sink_clear (&ea);
  sink_clear (&ev);
  g_free (desc);
  g_unlink (path);
  g_free (path);
}

GST_END_TEST;

/* ---- vvc1 (no H.266 encoder on 1.22: hand-made records) -------------- */

/* VvcDecoderConfigurationRecord (ertmp.md 2.6), without the FullBox */
#define VVCC \
  "ff"            /* '11111'b, LengthSizeMinusOne 3, ptl_present_flag 1 */ \
  " 00 11"        /* ols_idx 0, num_sublayers 1, constant_frame_rate 0, \
                   * chroma_format_idc 1 */ \
  " 1f"           /* bit_depth_minus8 0, '11111'b */ \
  " 01"           /* VvcPTLRecord: num_bytes_constraint_info 1 */ \
  " 02"           /* general_profile_idc 1 (Main 10), tier 0 */ \
  " 33"           /* general_level_idc 51 */ \
  " 80"           /* ptl_frame_only_constraint 1, multilayer 0, info 0 */ \
  " 00"           /* ptl_num_sub_profiles 0 */ \
  " 0040 0030"    /* max_picture_width 64, max_picture_height 48 */ \
  " 0000"         /* avg_frame_rate 0 */ \
  " 00"           /* num_of_arrays 0 */
#define H266_CAPS "video/x-h266, stream-format=(string)vvc1, " \
  "alignment=(string)au, codec_data=(buffer)" VVCC

static void
vvc1_stream (GByteArray * b, const gchar * seq_start)
{
  flv_tag (b, V, 0, seq_start);
  /* CodedFrames, key: cts 33 ms, one NAL of 3 bytes */
  flv_tag (b, V, 0, "91 76766331 000021 00000003 260100");
  /* CodedFramesX, inter: no cts */
  flv_tag (b, V, 40, "a3 76766331 00000003 020102");
  /* CodedFrames, inter: negative cts -7 ms */
  flv_tag (b, V, 80, "a1 76766331 fffff9 00000002 0203");
}

static void
check_vvc1 (Demux * d)
{
  GstHarness *ph = demux_pad (d, "video");

  assert_caps (d, "video", H266_CAPS);
  assert_buffer (ph, 33 * MS, 0, DISC, "00000003 260100");
  assert_buffer (ph, 40 * MS, 40 * MS, DELTA, "00000003 020102");
  assert_buffer (ph, 73 * MS, 80 * MS, DELTA, "00000002 0203");
  fail_unless (gst_harness_try_pull (ph) == NULL);
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING |
          GST_MESSAGE_ERROR), 0);
}

GST_START_TEST (test_vvc1)
{
  GByteArray *b = flv_new ();
  Demux *d;

  /* the record as it is */
  vvc1_stream (b, "90 76766331" VVCC);
  d = demux_run (b);
  check_vvc1 (d);
  demux_free (d);
  check_every_split (b);
  g_byte_array_unref (b);

  /* with the 4 FullBox bytes (version 0, flags 0) of MP4's vvcC: the
   * codec_data is the same record without them */
  b = flv_new ();
  vvc1_stream (b, "90 76766331 00000000" VVCC);
  d = demux_run (b);
  check_vvc1 (d);
  demux_free (d);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* ---- hostile input --------------------------------------------------- */

/* Pops the next message of @type: its text must hold @what and @what2
 * (when not NULL) */
static void
assert_message (Demux * d, GstMessageType type, const gchar * what,
    const gchar * what2)
{
  GstMessage *msg = gst_bus_pop_filtered (d->bus, type);
  GError *err = NULL;
  gchar *debug = NULL;

  fail_unless (msg != NULL, "no %s message",
      gst_message_type_get_name (type));
  if (type == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &err, &debug);
  else
    gst_message_parse_warning (msg, &err, &debug);
  fail_unless (strstr (err->message, what) != NULL, "'%s' lacks '%s'",
      err->message, what);
  fail_unless (what2 == NULL || strstr (err->message, what2) != NULL,
      "'%s' lacks '%s'", err->message, what2);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);
}

static void
opus_start (GByteArray * b)
{
  flv_tag (b, A, 0, "90 4f707573" OPUS_HEAD_2CH);
  flv_tag (b, A, 0, "91 4f707573 01");
}

/* frames 02 and 03 at 20 and 40 ms, after the fault */
static void
opus_end (GByteArray * b)
{
  flv_tag (b, A, 20, "91 4f707573 02");
  flv_tag (b, A, 40, "91 4f707573 03");
}

static void
assert_opus_frames (Demux * d, GstBufferFlags after_fault)
{
  GstHarness *ph = demux_pad (d, "audio");

  assert_buffer (ph, 0, 0, DISC, "01");
  assert_buffer (ph, 20 * MS, 20 * MS, after_fault, "02");
  assert_buffer (ph, 40 * MS, 40 * MS, 0, "03");
  fail_unless (gst_harness_try_pull (ph) == NULL);
}

#define AMF_DEPTH 2000

/* onMetaData {a: {a: ... 2000 levels}}: the AMF depth limit refuses it,
 * one warning, the media goes on */
GST_START_TEST (test_hostile_deep_amf)
{
  GByteArray *b = flv_new (), *script = hex ("02 000a 6f6e4d65746144617461");
  static const guint8 object = 0x03, key[] = { 0x00, 0x01, 'a' };
  static const guint8 end[] = { 0x00, 0x00, 0x09 };     /* object end */
  static const guint8 null_value = 0x05;
  Demux *d;
  guint i;

  /* the onMetaData object, then AMF_DEPTH times "a": { */
  g_byte_array_append (script, &object, 1);
  for (i = 0; i < AMF_DEPTH; i++) {
    g_byte_array_append (script, key, sizeof (key));
    g_byte_array_append (script, &object, 1);
  }
  /* the innermost: "a": null */
  g_byte_array_append (script, key, sizeof (key));
  g_byte_array_append (script, &null_value, 1);
  for (i = 0; i <= AMF_DEPTH; i++)
    g_byte_array_append (script, end, sizeof (end));
  opus_start (b);
  flv_tag_bytes (b, ERTMP_FLV_TAG_SCRIPT, 10, script->data, script->len);
  opus_end (b);
  d = demux_run (b);
  gst_harness_push_event (d->h, gst_event_new_eos ());
  assert_opus_frames (d, 0);
  assert_message (d, GST_MESSAGE_WARNING, "onMetaData", "malformed");
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING |
          GST_MESSAGE_ERROR), 0);
  demux_free (d);
  g_byte_array_unref (script);
  g_byte_array_unref (b);
}

GST_END_TEST;

#define MANY_TRACKS 4000

/* A vp09 ManyTracks CodedFrames tag of 4000 empty tracks of track 1: at
 * most the track limit (256) is read, one warning, no empty buffer, the
 * tags after go on */
GST_START_TEST (test_hostile_many_tracks)
{
  /* ex header, key, Multitrack; ManyTracks, CodedFrames; vp09 */
  GByteArray *b = flv_new (), *body = hex ("96 11 76703039");
  static const guint8 empty_track[] = { 1, 0, 0, 0 };   /* id 1, size 0 */
  gchar *where;
  Demux *d;
  guint i, n;

  for (i = 0; i < MANY_TRACKS; i++)
    g_byte_array_append (body, empty_track, 4);
  opus_start (b);
  where = g_strdup_printf ("video tag at byte %u ", b->len);
  flv_tag_bytes (b, V, 10, body->data, body->len);
  opus_end (b);
  d = demux_run (b);
  gst_harness_push_event (d->h, gst_event_new_eos ());
  assert_opus_frames (d, 0);
  n = g_hash_table_contains (d->pads, "video_1") ?
      gst_harness_buffers_received (demux_pad (d, "video_1")) : 0;
  /* empty frames are not pushed */
  fail_unless_equals_int (n, 0);
  assert_message (d, GST_MESSAGE_WARNING, where, "too many tracks");
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING |
          GST_MESSAGE_ERROR), 0);
  demux_free (d);
  g_free (where);
  g_byte_array_unref (body);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* sizeOfTrack 0xffffff in a tag of 11 bytes: the track is skipped with
 * one warning naming it, the other tags go on */
GST_START_TEST (test_hostile_track_size)
{
  GByteArray *b = flv_new ();
  Demux *d;

  opus_start (b);
  flv_tag (b, A, 10, "95"       /* SoundFormat 9, Multitrack */
      " 11"                     /* ManyTracks, CodedFrames */
      " 4f707573"               /* Opus */
      " 00 ffffff 07");         /* track 0, sizeOfTrack 16 MiB - 1, 1 byte */
  opus_end (b);
  d = demux_run (b);
  gst_harness_push_event (d->h, gst_event_new_eos ());
  assert_opus_frames (d, 0);
  assert_message (d, GST_MESSAGE_WARNING, "audio track 0 (Opus)",
      "runs past the end of its tag");
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING |
          GST_MESSAGE_ERROR), 0);
  demux_free (d);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* The last tag's DataSize (1000) runs past the end of the file: at EOS a
 * warning names its offset, the frames before it are out, EOS goes on */
GST_START_TEST (test_hostile_truncated_tag)
{
  GByteArray *b = flv_new ();
  GByteArray *tail = hex ("09 0003e8 00003c 00 000000"     /* video, 1000 B */
      " 91 76703039 0102");     /* 7 bytes of it */
  gchar *offset;
  Demux *d;
  GstEvent *ev;
  gboolean eos = FALSE;

  opus_start (b);
  opus_end (b);
  offset = g_strdup_printf ("at byte %u ", b->len);
  g_byte_array_append (b, tail->data, tail->len);
  d = demux_run (b);
  gst_harness_push_event (d->h, gst_event_new_eos ());
  assert_opus_frames (d, 0);
  while ((ev = gst_harness_try_pull_event (demux_pad (d, "audio"))) != NULL) {
    eos |= GST_EVENT_TYPE (ev) == GST_EVENT_EOS;
    gst_event_unref (ev);
  }
  fail_unless (eos);
  assert_message (d, GST_MESSAGE_WARNING, offset, "truncated");
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING |
          GST_MESSAGE_ERROR), 0);
  demux_free (d);
  g_free (offset);
  g_byte_array_unref (tail);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* A tag of unknown TagType 7 between two audio tags: resync with one
 * warning giving the bytes skipped and the offset, the next frame is
 * DISCONT and the later ones come out */
GST_START_TEST (test_hostile_unknown_tag_type)
{
  GByteArray *b = flv_new ();
  GByteArray *bad = hex ("07 000003 00000a 00 000000"     /* type 7, 3 B */
      " aabbcc 0000000e");      /* body, PreviousTagSize 14 */
  gchar *where;
  Demux *d;

  opus_start (b);
  where = g_strdup_printf ("skipped 18 bytes: the tag header at offset %u",
      b->len);
  g_byte_array_append (b, bad->data, bad->len);
  opus_end (b);
  d = demux_run (b);
  gst_harness_push_event (d->h, gst_event_new_eos ());
  assert_opus_frames (d, DISC);
  assert_message (d, GST_MESSAGE_WARNING, where, "unknown TagType 7");
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING |
          GST_MESSAGE_ERROR), 0);
  demux_free (d);
  g_free (where);
  g_byte_array_unref (bad);
  g_byte_array_unref (b);
}

GST_END_TEST;

/* Random bytes after the FLV header.  A little: nothing to resync to, at
 * EOS a warning for the unread bytes and an error (no track).  More than
 * the 16 MiB resync window: an error at once, no hang, bounded memory. */
GST_START_TEST (test_hostile_garbage)
{
  GByteArray *b = flv_new ();
  GRand *rand = g_rand_new_with_seed (3);
  guint8 chunk[64 * 1024];
  guint i, pushed = 0;
  GstFlowReturn ret = GST_FLOW_OK;
  Demux *d;

  for (i = 0; i < 4096; i++) {
    guint8 v = (guint8) g_rand_int_range (rand, 0, 256);

    g_byte_array_append (b, &v, 1);
  }
  b->data[13] = 0xff;           /* surely not a tag type */
  d = demux_run (b);
  gst_harness_push_event (d->h, gst_event_new_eos ());
  assert_message (d, GST_MESSAGE_WARNING, "at byte 13 ", "truncated");
  assert_message (d, GST_MESSAGE_ERROR, "no audio or video track", NULL);
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_WARNING |
          GST_MESSAGE_ERROR), 0);
  demux_free (d);

  d = demux_new ();
  demux_push (d, b->data, 13);
  while (ret == GST_FLOW_OK && pushed < 32 * 1024 * 1024) {
    for (i = 0; i < sizeof (chunk); i++)
      chunk[i] = (guint8) g_rand_int_range (rand, 0, 256);
    if (pushed == 0)
      chunk[0] = 0xff;
    ret = gst_harness_push (d->h, gst_buffer_new_memdup (chunk,
            sizeof (chunk)));
    pushed += sizeof (chunk);
  }
  fail_unless_equals_int (ret, GST_FLOW_ERROR);
  /* the window is 16 MiB: the error comes within it */
  fail_unless (pushed <= 16 * 1024 * 1024 + sizeof (chunk), "%u", pushed);
  assert_message (d, GST_MESSAGE_ERROR, "no valid FLV tag within",
      "offset 13");
  fail_unless_equals_int (count_messages (d, GST_MESSAGE_ERROR), 0);
  demux_free (d);
  g_rand_free (rand);
  g_byte_array_unref (b);
}

GST_END_TEST;

static void
assert_same_output (Sink * x, Sink * y)
{
  guint i;

  fail_unless (x->times->len > 0);
  fail_unless_equals_int (x->times->len, y->times->len);
  fail_unless_equals_uint64 (x->bytes, y->bytes);
  for (i = 0; i < x->times->len; i++)
    fail_unless_equals_uint64 (g_array_index (x->times, GstClockTime, i),
        g_array_index (y->times, GstClockTime, i));
}

/* filesrc ! erdemux pulls whole tags (pull mode) and gives what push mode
 * (filesrc ! queue ! erdemux) gives; going to NULL mid-stream returns */
GST_START_TEST (test_pull_mode)
{
  gchar *path = g_build_filename (g_get_tmp_dir (), "erdemux-XXXXXX.flv",
      NULL), *desc;
  Sink pv, pa, qv, qa;
  gint fd = g_mkstemp (path), i;
  GstElement *p;

  fail_unless (fd >= 0);
  close (fd);
  desc = g_strdup_printf ("videotestsrc num-buffers=60 ! video/x-raw,"
      "format=I420,width=160,height=120,framerate=30/1 ! x264enc bframes=2 "
      "key-int-max=20 ! h264parse ! flvmux name=m ! filesink location=\"%s\" "
      "audiotestsrc num-buffers=30 ! audio/x-raw,rate=44100,channels=1 ! "
      "avenc_aac ! aacparse ! m.", path);
  run_pipeline (desc, &pv, &pa);
  sink_clear (&pv);
  sink_clear (&pa);
  g_free (desc);

  desc = g_strdup_printf ("filesrc location=\"%s\"" DEMUX_TO_SINKS
      ("erdemux"), path);
  run_pipeline (desc, &pv, &pa);
  g_free (desc);
  desc = g_strdup_printf ("filesrc location=\"%s\" ! queue"
      DEMUX_TO_SINKS ("erdemux"), path);
  run_pipeline (desc, &qv, &qa);
  g_free (desc);
  fail_unless_equals_int (pv.mode, GST_PAD_MODE_PULL);
  fail_unless_equals_int (pa.mode, GST_PAD_MODE_PULL);
  fail_unless_equals_int (qv.mode, GST_PAD_MODE_PUSH);
  fail_unless_equals_int (N_FRAMES (&pv), 60);
  assert_same_output (&pv, &qv);
  assert_same_output (&pa, &qa);
  sink_clear (&pv);
  sink_clear (&pa);
  sink_clear (&qv);
  sink_clear (&qa);

  /* synced to the clock: 2 s; stopped after a few buffers, several times */
  desc = g_strdup_printf ("filesrc location=\"%s\" ! erdemux name=d "
      "d.video ! queue ! fakesink d.audio ! queue ! fakesink", path);
  for (i = 0; i < 3; i++) {
    p = gst_parse_launch (desc, NULL);
    fail_unless (p != NULL);
    fail_unless (gst_element_set_state (p, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    g_usleep (50000 * (i + 1));
    fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    gst_object_unref (p);
  }
  g_free (desc);
  g_unlink (path);
  g_free (path);
}

GST_END_TEST;

static Suite *
erdemux_suite (void)
{
  Suite *s = suite_create ("erdemux");
  TCase *tc = tcase_create ("known-answer");
  TCase *files = tcase_create ("files");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_legacy_avc_aac);
  tcase_add_test (tc, test_hvc1_cts_modex);
  tcase_add_test (tc, test_opus_modex);
  tcase_add_test (tc, test_multitrack);
  tcase_add_test (tc, test_multitrack_many_codecs);
  tcase_add_test (tc, test_color_info);
  tcase_add_test (tc, test_caps_change);
  tcase_add_test (tc, test_sequence_end);
  tcase_add_test (tc, test_malformed_body);
  tcase_add_test (tc, test_broken_framing);
  tcase_add_test (tc, test_vp09);
  tcase_add_test (tc, test_opus_channels);
  tcase_add_test (tc, test_flac_forms);
  tcase_add_test (tc, test_streamheader);
  tcase_add_test (tc, test_live_mapping);
  tcase_add_test (tc, test_live_mapping_clamp);
  tcase_add_test (tc, test_live_new_publisher);
  tcase_add_test (tc, test_bytes_ignores_timestamps);
  tcase_add_test (tc, test_vvc1);
  tcase_add_test (tc, test_hostile_deep_amf);
  tcase_add_test (tc, test_hostile_many_tracks);
  tcase_add_test (tc, test_hostile_track_size);
  tcase_add_test (tc, test_hostile_truncated_tag);
  tcase_add_test (tc, test_hostile_unknown_tag_type);
  tcase_add_test (tc, test_hostile_garbage);
  suite_add_tcase (s, files);
  tcase_add_test (files, test_third_party_files);
  tcase_add_test (files, test_flvmux_interop);
  tcase_add_test (files, test_pull_mode);
  return s;
}

GST_CHECK_MAIN (erdemux);
