/* gst-ertmp: fuzz target for the FLV file reader
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: [mode] [param] [FLV bytes...]
 *   mode & 3:      split pattern: 0 whole, 1 byte by byte, 2 pieces of
 *                  param + 1 bytes, 3 pseudo-random pieces seeded by param
 *   mode & 4:      take every payload as a GBytes
 *   mode >> 3 & 3: limits (max tag size / resync window): 4096/512,
 *                  64/64, 65536/4096, 300/16
 * The split run must give exactly what a whole-input run gives: tags, their
 * reports and descriptions, the final result and the pending state.  Any
 * difference, or a broken invariant, aborts.
 *
 * Seeds in corpus/flv: FLVs built from test-vectors.md sections 5-8, their
 * corrupted and truncated variants, and (testsrc*, mptestsrc*, bbb*) the
 * first bytes of the ../shared/media samples: real E-RTMP v2 output of
 * FFmpeg 8 (Lavf62.3.100) from the Veovera Enhanced RTMP specification
 * repository (github.com/veovera/enhanced-rtmp, e-rtmp-lab/assets, commit
 * ecc259365a0a, Apache License 2.0); bbb is built from Big Buck Bunny
 * (c) Blender Foundation, CC-BY 3.0.
 */
#include "ertmp_flv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_split.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

typedef struct
{
  guint n_tags;
  guint64 hash;
  ertmp_result res;
  gboolean pending;
  guint64 pending_offset;
} summary;

static const guint32 tag_limits[4][2] = {
  { 4096, 512 },
  { 64, 64 },
  { 65536, 4096 },
  { 300, 16 },
};

static guint64
hash_u64 (guint64 h, guint64 v)
{
  return fuzz_hash_bytes (h, &v, sizeof (v));
}

static guint64
hash_str (guint64 h, const gchar * s)
{
  return s != NULL ? fuzz_hash_bytes (h, s, strlen (s) + 1) : hash_u64 (h, 0);
}

static void
on_tag (ertmp_flv_reader * r, const ertmp_flv_tag * tag, guint64 fed,
    gboolean take, summary * sum, guint64 * last_end)
{
  const ertmp_flv_tag_header * h = &tag->header;

  if (tag->payload == NULL || h->size > 65536 ||
      tag->offset < *last_end + tag->skipped ||
      tag->offset + ERTMP_FLV_TAG_HEADER_SIZE + h->size > fed ||
      (tag->skipped > 0 && tag->prev_size_mismatch))
    abort ();
  if ((tag->skipped > 0 || tag->prev_size_mismatch) !=
      (ertmp_flv_reader_describe (r) != NULL))
    abort ();
  *last_end = tag->offset + ERTMP_FLV_TAG_HEADER_SIZE + h->size;
  sum->n_tags++;
  sum->hash = hash_u64 (sum->hash, h->type | (h->filter << 8));
  sum->hash = hash_u64 (sum->hash, h->size);
  sum->hash = hash_u64 (sum->hash, h->timestamp);
  sum->hash = hash_u64 (sum->hash, h->stream_id);
  sum->hash = hash_u64 (sum->hash, tag->offset);
  sum->hash = hash_u64 (sum->hash, tag->skipped);
  sum->hash = hash_u64 (sum->hash, tag->prev_size_mismatch);
  sum->hash = hash_str (sum->hash, ertmp_flv_reader_describe (r));
  sum->hash = fuzz_hash_bytes (sum->hash, tag->payload, h->size);
  if (take) {
    GBytes * b = ertmp_flv_reader_take_payload (r);
    gsize n;
    const guint8 * p = g_bytes_get_data (b, &n);

    if (n != h->size || (n > 0 && memcmp (p, tag->payload, n) != 0))
      abort ();
    g_bytes_unref (b);
  }
}

static ertmp_result
feed_piece (ertmp_flv_reader * r, const guint8 * data, gsize len, guint64 fed,
    guint mode, summary * sum, guint64 * last_end)
{
  ertmp_flv_tag tag;
  ertmp_result res;
  gsize consumed;
  guint32 max_tag = tag_limits[(mode >> 3) & 3][0];

  for (;;) {
    res = ertmp_flv_reader_read (r, data, len, &consumed, &tag);
    if (consumed > len || (res == ERTMP_NEED_MORE && consumed != len))
      abort ();
    if (ertmp_flv_reader_buffered_bytes (r) > max_tag + 15)
      abort ();
    data += consumed;
    len -= consumed;
    if (res != ERTMP_OK)
      return res;
    on_tag (r, &tag, fed - len, (mode & 4) != 0, sum, last_end);
  }
}

static void
run (const guint8 * data, gsize size, guint mode, guint param, summary * sum)
{
  ertmp_limits lim;
  ertmp_flv_reader * r;
  guint32 state = param;
  guint64 last_end = 0;
  gsize off = 0;

  ertmp_limits_init (&lim);
  lim.max_flv_tag_size = tag_limits[(mode >> 3) & 3][0];
  lim.flv_resync_window = tag_limits[(mode >> 3) & 3][1];
  r = ertmp_flv_reader_new (&lim);
  memset (sum, 0, sizeof (*sum));
  sum->hash = 0xcbf29ce484222325ull;
  sum->res = ERTMP_NEED_MORE;
  while (off < size && sum->res == ERTMP_NEED_MORE) {
    gsize n = MIN (fuzz_piece_size (mode, &state, size - off), size - off);

    off += n;
    sum->res = feed_piece (r, data + off - n, n, off, mode, sum, &last_end);
  }
  if (sum->res != ERTMP_NEED_MORE && sum->res != ERTMP_MALFORMED &&
      sum->res != ERTMP_LIMIT)
    abort ();
  if (sum->res != ERTMP_NEED_MORE) {
    if (ertmp_flv_reader_describe (r) == NULL)
      abort (); /* an error always says what was wrong */
    sum->hash = hash_str (sum->hash, ertmp_flv_reader_describe (r));
  }
  sum->pending = ertmp_flv_reader_pending (r, &sum->pending_offset);
  ertmp_flv_reader_free (r);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  summary whole, split;
  guint mode, param;

  if (size < 2)
    return 0;
  mode = data[0];
  param = data[1];
  run (data + 2, size - 2, mode & ~3u, 0, &whole);
  run (data + 2, size - 2, mode, param, &split);
  if (whole.n_tags != split.n_tags || whole.hash != split.hash ||
      whole.res != split.res || whole.pending != split.pending ||
      (whole.pending && whole.pending_offset != split.pending_offset))
    abort ();
  return 0;
}
