/* gst-ertmp: helpers for fuzz targets that compare a whole-input run with
 * split-input runs of an incremental reader
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ERTMP_FUZZ_SPLIT_H
#define ERTMP_FUZZ_SPLIT_H

#include <glib.h>

/* FNV-1a over @n bytes, chained from @h */
static inline guint64
fuzz_hash_bytes (guint64 h, const void *data, gsize n)
{
  const guint8 *p = data;
  gsize i;

  for (i = 0; i < n; i++)
    h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

/* The size of the next piece of input for split pattern @mode & 3: whole,
 * byte by byte, fixed pieces of (@state & 0xff) + 1 bytes, or pseudo-random
 * pieces of 1..300 bytes drawn from @state */
static inline gsize
fuzz_piece_size (guint mode, guint32 * state, gsize left)
{
  switch (mode & 3) {
    case 1:
      return 1;
    case 2:
      return (*state & 0xff) + 1;
    case 3:
      *state = *state * 1103515245u + 12345u;
      return MIN (left, (gsize) (*state >> 16) % 300 + 1);
    default:
      return left;
  }
}

#endif /* ERTMP_FUZZ_SPLIT_H */
