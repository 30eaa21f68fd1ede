/* gst-ertmp: fuzz target for FLV audio/video tag bodies and what they carry
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The first byte picks the kind (bit 0: video), the rest is one tag body.
 * Every track is read, and every body goes through all the record parsers
 * (colorInfo, MultichannelConfig, FLAC, vpcC, vvcC, OpusHead, ASC, the
 * SPS reorder depth of avcC and hvcC, a VP9 frame header); those with a
 * writer are written and read back.  Each track is then written as a
 * single-track message and read back, and all tracks together as one
 * ManyTracks message; the result must describe the same tracks.  Track views
 * must lie inside the input.  Any mismatch aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ertmp_media.h"
#include "ertmp_media_config.h"
#include "ertmp_media_reorder.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

#define MAX_KEPT 16

static void
check (gboolean ok)
{
  if (!ok)
    abort ();
}

static void
records_roundtrip (const guint8 * data, gsize len)
{
  GByteArray *out = g_byte_array_new ();
  ertmp_media_color_info color, color2;
  ertmp_media_channels ch, ch2;
  ertmp_media_vpcc vpcc, vpcc2;

  if (ertmp_media_parse_color_info (data, len, &color) == ERTMP_OK) {
    ertmp_media_write_color_info (out, &color);
    check (ertmp_media_parse_color_info (out->data, out->len, &color2) ==
        ERTMP_OK && memcmp (&color, &color2, sizeof (color)) == 0);
    g_byte_array_set_size (out, 0);
  }
  if (ertmp_media_parse_channels (data, len, &ch) == ERTMP_OK) {
    ertmp_media_write_channels (out, &ch);
    check (ertmp_media_parse_channels (out->data, out->len, &ch2) ==
        ERTMP_OK && memcmp (&ch, &ch2, sizeof (ch)) == 0);
    g_byte_array_set_size (out, 0);
  }
  /* peer data read by flvemux's DTS rebuilding and its vpcC writer */
  for (guint i = 0; i < 2; i++) {
    guint depth = G_MAXUINT;

    if (ertmp_media_reorder_depth (i ? ERTMP_CODEC_HEVC : ERTMP_CODEC_AVC,
            data, len, &depth) == ERTMP_OK)
      check (depth <= ERTMP_MEDIA_REORDER_MAX);
  }
  memset (&vpcc, 0, sizeof (vpcc));
  if (ertmp_media_parse_vp9_frame (data, len, &vpcc) == ERTMP_OK)
    check (vpcc.profile <= 3);
  if (ertmp_media_parse_vpcc (data, len, &vpcc) == ERTMP_OK) {
    ertmp_media_write_vpcc (out, &vpcc);
    check (ertmp_media_parse_vpcc (out->data, out->len, &vpcc2) == ERTMP_OK);
    vpcc2.full_box = vpcc.full_box;
    check (memcmp (&vpcc, &vpcc2, sizeof (vpcc)) == 0);
  }
  g_byte_array_unref (out);
}

static void
inspect_body (const guint8 * data, gsize len)
{
  ertmp_media_flac flac;
  ertmp_media_opus_head opus;
  ertmp_media_aac_config aac;
  const guint8 *rec;
  gsize rec_len;

  records_roundtrip (data, len);
  if (ertmp_media_parse_flac (data, len, &flac) == ERTMP_OK)
    check (flac.streaminfo >= data && flac.streaminfo + 34 <= data + len);
  ertmp_media_parse_opus_head (data, len, &opus);
  ertmp_media_parse_aac_config (data, len, &aac);
  if (ertmp_media_vvcc_record (data, len, &rec, &rec_len) == ERTMP_OK)
    check (rec >= data && rec + rec_len == data + len && rec[0] != 0);
}

static gboolean
tracks_equal (const ertmp_media_track * a, const ertmp_media_track * b)
{
  return a->track_id == b->track_id && a->codec == b->codec &&
      a->cts == b->cts && a->len == b->len &&
      (a->len == 0 || memcmp (a->data, b->data, a->len) == 0);
}

static void
check_header (const ertmp_media_header * a, const ertmp_media_header * b)
{
  check (a->kind == b->kind && a->enhanced == b->enhanced &&
      a->packet == b->packet && a->has_nano_offset == b->has_nano_offset &&
      a->nano_offset == b->nano_offset);
  if (a->kind == ERTMP_CODEC_KIND_VIDEO &&
      a->packet != ERTMP_MEDIA_PACKET_METADATA)
    check (a->frame_type == b->frame_type);
  if (a->kind == ERTMP_CODEC_KIND_AUDIO && !a->enhanced)
    check (a->sound_rate == b->sound_rate && a->sound_size == b->sound_size &&
        a->sound_type == b->sound_type);
}

/* Parses @out and checks it holds exactly @tracks under @hdr */
static void
check_reparse (GByteArray * out, const ertmp_media_header * hdr,
    const ertmp_media_track * tracks, guint n)
{
  ertmp_media_tag tag;
  ertmp_media_track t;
  guint i = 0;

  check (ertmp_media_parse (hdr->kind, out->data, out->len, NULL, &tag) ==
      ERTMP_OK);
  check_header (hdr, &tag.hdr);
  while (ertmp_media_next_track (&tag, &t))
    check (i < n && tracks_equal (&tracks[i++], &t));
  check (i == n && tag.status == ERTMP_OK);
}

static void
single_roundtrip (const ertmp_media_header * hdr, const ertmp_media_track * t)
{
  GByteArray *out = g_byte_array_new ();

  if (ertmp_media_write_header (out, hdr, t) == ERTMP_OK) {
    g_byte_array_append (out, t->data, (guint) t->len);
    check_reparse (out, hdr, t, 1);
  } else {
    check (out->len == 0);
  }
  g_byte_array_unref (out);
}

static void
many_roundtrip (const ertmp_media_header * hdr,
    const ertmp_media_track * tracks, guint n)
{
  GByteArray *out = g_byte_array_new ();

  if (n > 0 && ertmp_media_write_tracks (out, hdr, tracks, n) == ERTMP_OK)
    check_reparse (out, hdr, tracks, n);
  g_byte_array_unref (out);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  ertmp_media_track kept[MAX_KEPT], t;
  ertmp_media_tag tag;
  ertmp_limits limits;
  ertmp_codec_kind kind;
  guint n = 0;

  if (size < 1)
    return 0;
  kind = (data[0] & 1) ? ERTMP_CODEC_KIND_VIDEO : ERTMP_CODEC_KIND_AUDIO;
  data++;
  size--;
  ertmp_limits_init (&limits);
  limits.max_tracks = 64;       /* low enough for the fuzzer to reach */
  if (ertmp_media_parse (kind, data, size, &limits, &tag) != ERTMP_OK)
    return 0;
  while (ertmp_media_next_track (&tag, &t)) {
    check (t.len == 0 || (t.data >= data && t.data + t.len <= data + size));
    inspect_body (t.data, t.len);
    single_roundtrip (&tag.hdr, &t);
    if (n < MAX_KEPT)
      kept[n++] = t;
  }
  if (tag.hdr.enhanced)
    many_roundtrip (&tag.hdr, kept, n);
  return 0;
}
