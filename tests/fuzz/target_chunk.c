/* gst-ertmp: fuzz target for the RTMP chunk stream reader
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: [mode] [param] [wire bytes...]
 *   mode & 3:      split pattern: 0 whole, 1 byte by byte, 2 pieces of
 *                  param + 1 bytes, 3 pseudo-random pieces seeded by param
 *   mode >> 2 & 3: initial chunk size: 128, 1, 64, 4096
 *   mode & 0x10:   take every payload as a GBytes
 * The wire bytes go through a reader with small limits, applying Set Chunk
 * Size and Abort as the session does.  The split run must give exactly what
 * a whole-input run gives (messages and final result); any difference, or a
 * broken invariant, aborts.
 */
#include "ertmp_chunk.h"

#include <stdint.h>
#include <stdlib.h>
#include "fuzz_split.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

typedef struct
{
  guint n_messages;
  guint64 hash;
  ertmp_result res;
} summary;

static const guint32 chunk_sizes[4] = { 128, 1, 64, 4096 };

static void
limits_small (ertmp_limits * lim)
{
  ertmp_limits_init (lim);
  lim->max_message_size = 64 * 1024;
  lim->max_chunk_streams = 8;
  lim->max_reassembly_bytes = 96 * 1024;
}

static guint64
hash_u32 (guint64 h, guint32 v)
{
  guint8 b[4] = { (guint8) (v >> 24), (guint8) (v >> 16), (guint8) (v >> 8),
    (guint8) v };
  return fuzz_hash_bytes (h, b, 4);
}

static guint32
be32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
      ((guint32) p[2] << 8) | p[3];
}

static ertmp_result
on_message (ertmp_chunk_reader * r, const ertmp_chunk_message * msg,
    gboolean take, summary * sum)
{
  ertmp_result res = ERTMP_OK;

  if (msg->len > 64 * 1024 || msg->payload == NULL)
    abort ();
  sum->n_messages++;
  sum->hash = hash_u32 (sum->hash, msg->csid);
  sum->hash = hash_u32 (sum->hash, msg->type_id);
  sum->hash = hash_u32 (sum->hash, msg->msid);
  sum->hash = hash_u32 (sum->hash, msg->timestamp);
  sum->hash = fuzz_hash_bytes (sum->hash, msg->payload, msg->len);
  /* as the session: the view is read before the payload is taken */
  if (msg->type_id == 1 && msg->len >= 4)
    res = ertmp_chunk_reader_set_chunk_size (r, be32 (msg->payload));
  else if (msg->type_id == 2 && msg->len >= 4)
    ertmp_chunk_reader_abort (r, be32 (msg->payload));
  if (take) {
    GBytes * b = ertmp_chunk_reader_take_payload (r);
    if (g_bytes_get_size (b) != msg->len)
      abort ();
    g_bytes_unref (b);
  }
  return res;
}

static ertmp_result
feed_piece (ertmp_chunk_reader * r, const guint8 * data, gsize len,
    gboolean take, summary * sum)
{
  ertmp_chunk_message msg;
  ertmp_result res;
  gsize consumed;

  for (;;) {
    res = ertmp_chunk_reader_read (r, data, len, &consumed, &msg);
    if (consumed > len || (res == ERTMP_NEED_MORE && consumed != len))
      abort ();
    if (ertmp_chunk_reader_buffered_bytes (r) > 96 * 1024 ||
        ertmp_chunk_reader_n_streams (r) > 8)
      abort ();
    data += consumed;
    len -= consumed;
    if (res != ERTMP_OK)
      return res;
    res = on_message (r, &msg, take, sum);
    if (res != ERTMP_OK)
      return res;
  }
}

static void
run (const guint8 * data, gsize size, guint mode, guint param, summary * sum)
{
  ertmp_limits lim;
  ertmp_chunk_reader * r;
  guint32 state = param;
  gsize off = 0;

  limits_small (&lim);
  r = ertmp_chunk_reader_new (&lim);
  ertmp_chunk_reader_set_chunk_size (r, chunk_sizes[(mode >> 2) & 3]);
  sum->n_messages = 0;
  sum->hash = 0xcbf29ce484222325ull;
  sum->res = ERTMP_NEED_MORE;
  while (off < size && sum->res == ERTMP_NEED_MORE) {
    gsize n = MIN (fuzz_piece_size (mode, &state, size - off), size - off);

    sum->res = feed_piece (r, data + off, n, (mode & 0x10) != 0, sum);
    off += n;
  }
  if (sum->res == ERTMP_LIMIT &&
      ertmp_chunk_reader_limit_hit (r) == ERTMP_LIMIT_NONE)
    abort ();
  ertmp_chunk_reader_free (r);
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
  if (whole.n_messages != split.n_messages || whole.hash != split.hash ||
      whole.res != split.res)
    abort ();
  return 0;
}
