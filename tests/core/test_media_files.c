/* gst-ertmp: every audio/video tag of the FFmpeg 8 sample files parses
 * (../shared/media, see its README; test-vectors.md 7.13, 8.12)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A tiny FLV walk of its own (flv.md 1, 3): 9-byte header, PreviousTagSize0,
 * then 11-byte tag headers, bodies and PreviousTagSizes.  Counts what the
 * media parser reports per file against what the files hold.
 */
#include "test_util.h"
#include "ertmp_media.h"
#include "ertmp_media_config.h"

#define TAG_AUDIO 8
#define TAG_VIDEO 9
#define TAG_SCRIPT 18

typedef struct
{
  const gchar *name;
  guint audio_seq, audio_frames, audio_mcc;
  guint video_seq, video_empty_seq, video_frames, video_key, video_meta;
  guint opus_channels;
  guint32 channel_flags;
  guint32 color_present;
} file_counts;

/* what the files hold (counted independently of this parser) */
static const file_counts expected[] = {
  {"bbb.flv", 1, 1501, 1, 2, 1, 897, 5, 1, 2, 0x3, 0},
  {"mptestsrc.flv", 1, 501, 1, 2, 1, 342, 3, 1, 1, 0x4, 0},
  /* FFmpeg wrote colorConfig {matrixCoefficients: 0} here */
  {"testsrc.flv", 1, 501, 1, 2, 1, 300, 1, 1, 1, 0x4,
      ERTMP_MEDIA_COLOR_MATRIX},
  {"testsrc2.flv", 1, 501, 1, 2, 1, 300, 1, 1, 1, 0x4, 0},
};

static gchar *
media_dir (void)
{
  const gchar *env = g_getenv ("ERTMP_MEDIA_DIR");

  if (env != NULL)
    return g_strdup (env);
  return g_build_filename (ERTMP_TEST_SRCDIR, "..", "..", "..", "shared",
      "media", NULL);
}

static void
count_audio (const ertmp_media_tag * tag, const ertmp_media_track * t,
    file_counts * c)
{
  ertmp_media_opus_head head;
  ertmp_media_channels ch;

  ck_assert_int_eq (t->codec, ERTMP_CODEC_OPUS);
  switch (tag->hdr.packet) {
    case ERTMP_MEDIA_PACKET_SEQUENCE_START:
      ck_assert_int_eq (ertmp_media_parse_opus_head (t->data, t->len, &head),
          ERTMP_OK);
      c->opus_channels = head.channels;
      c->audio_seq++;
      break;
    case ERTMP_MEDIA_PACKET_CODED_FRAMES:
      ck_assert_uint_gt (t->len, 0);
      c->audio_frames++;
      break;
    case ERTMP_MEDIA_PACKET_MULTICHANNEL_CONFIG:
      ck_assert_int_eq (ertmp_media_parse_channels (t->data, t->len, &ch),
          ERTMP_OK);
      ck_assert_uint_eq (ch.order, ERTMP_MEDIA_CHANNEL_ORDER_NATIVE);
      ck_assert_uint_eq (ch.channels, c->opus_channels);
      c->channel_flags = ch.flags;
      c->audio_mcc++;
      break;
    default:
      ck_abort_msg ("unexpected audio packet %d", tag->hdr.packet);
  }
}

static void
count_video (const ertmp_media_tag * tag, const ertmp_media_track * t,
    file_counts * c)
{
  ertmp_media_color_info color;

  ck_assert_int_eq (t->codec, ERTMP_CODEC_AV1);
  ck_assert_int_eq (t->cts, 0);
  switch (tag->hdr.packet) {
    case ERTMP_MEDIA_PACKET_SEQUENCE_START:
      c->video_seq++;
      if (ertmp_media_is_empty_sequence_start (&tag->hdr, t))
        c->video_empty_seq++;
      else
        ck_assert_uint_eq (t->data[0], 0x81);   /* av1C marker/version */
      break;
    case ERTMP_MEDIA_PACKET_CODED_FRAMES:
      /* a TU starting with a Temporal Delimiter (ertmp.md 2.7) */
      ck_assert (t->len >= 2 && t->data[0] == 0x12 && t->data[1] == 0x00);
      if (tag->hdr.frame_type == ERTMP_MEDIA_FRAME_KEY)
        c->video_key++;
      c->video_frames++;
      break;
    case ERTMP_MEDIA_PACKET_METADATA:
      /* FFmpeg's frame type 5 is Metadata here, not a command */
      ck_assert_uint_eq (tag->hdr.frame_type, ERTMP_MEDIA_FRAME_COMMAND);
      ck_assert_int_eq (ertmp_media_parse_color_info (t->data, t->len,
              &color), ERTMP_OK);
      c->color_present = color.present;
      c->video_meta++;
      break;
    default:
      ck_abort_msg ("unexpected video packet %d", tag->hdr.packet);
  }
}

static void
count_tag (guint8 type, const guint8 * body, gsize len, file_counts * c)
{
  ertmp_media_tag tag;
  ertmp_media_track t;
  guint n = 0;

  ck_assert_int_eq (ertmp_media_parse (type, body, len, NULL, &tag),
      ERTMP_OK);
  ck_assert (tag.hdr.enhanced);
  ck_assert (!tag.hdr.has_nano_offset);
  ck_assert_int_eq (tag.hdr.multitrack, ERTMP_MEDIA_MULTITRACK_NONE);
  while (ertmp_media_next_track (&tag, &t)) {
    ck_assert_uint_eq (t.track_id, 0);
    if (type == TAG_AUDIO)
      count_audio (&tag, &t, c);
    else
      count_video (&tag, &t, c);
    n++;
  }
  ck_assert_uint_eq (n, 1);
  ck_assert_int_eq (tag.status, ERTMP_OK);
}

static void
walk_file (const guint8 * data, gsize len, file_counts * c)
{
  ertmp_reader r;
  guint32 header_size, prev, size;
  const guint8 *body;
  guint8 type;

  ertmp_reader_init (&r, data, len);
  ck_assert (len >= 13 && memcmp (data, "FLV\x01", 4) == 0);
  ertmp_reader_skip (&r, 5);
  ertmp_reader_u32be (&r, &header_size);
  ck_assert (ertmp_reader_skip (&r, header_size - 9));
  ck_assert (ertmp_reader_u32be (&r, &prev) && prev == 0);
  while (ertmp_reader_remaining (&r) > 0) {
    ck_assert (ertmp_reader_u8 (&r, &type));
    ck_assert (ertmp_reader_u24be (&r, &size));
    ck_assert (ertmp_reader_skip (&r, 7));      /* timestamp, stream id */
    ck_assert (ertmp_reader_view (&r, size, &body));
    ck_assert (ertmp_reader_u32be (&r, &prev) && prev == 11 + size);
    type &= 0x1F;
    if (type == TAG_AUDIO || type == TAG_VIDEO)
      count_tag (type, body, size, c);
    else
      ck_assert_uint_eq (type, TAG_SCRIPT);
  }
}

START_TEST (test_sample_files)
{
  gchar *dir = media_dir ();
  guint i;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR)) {
    g_print ("media_files: %s not found, skipped\n", dir);
    g_free (dir);
    return;
  }
  for (i = 0; i < G_N_ELEMENTS (expected); i++) {
    gchar *path = g_build_filename (dir, expected[i].name, NULL);
    const file_counts *e = &expected[i];
    file_counts c;
    gchar *data = NULL;
    gsize len = 0;

    memset (&c, 0, sizeof (c));
    ck_assert_msg (g_file_get_contents (path, &data, &len, NULL), "%s", path);
    walk_file ((const guint8 *) data, len, &c);
    ck_assert_uint_eq (c.audio_seq, e->audio_seq);
    ck_assert_uint_eq (c.audio_frames, e->audio_frames);
    ck_assert_uint_eq (c.audio_mcc, e->audio_mcc);
    ck_assert_uint_eq (c.video_seq, e->video_seq);
    ck_assert_uint_eq (c.video_empty_seq, e->video_empty_seq);
    ck_assert_uint_eq (c.video_frames, e->video_frames);
    ck_assert_uint_eq (c.video_key, e->video_key);
    ck_assert_uint_eq (c.video_meta, e->video_meta);
    ck_assert_uint_eq (c.opus_channels, e->opus_channels);
    ck_assert_uint_eq (c.channel_flags, e->channel_flags);
    ck_assert_uint_eq (c.color_present, e->color_present);
    g_free (data);
    g_free (path);
  }
  g_free (dir);
}
END_TEST

static Suite *
media_files_suite (void)
{
  Suite *s = suite_create ("media_files");
  TCase *tc = tcase_create ("ffmpeg8");

  tcase_add_test (tc, test_sample_files);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (media_files_suite ());
}
