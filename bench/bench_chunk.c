/* gst-ertmp: benchmark of chunk stream reassembly against memcpy
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each case, ~32 MiB of video messages are chunked in memory with the
 * writer, then parsed in a loop by one reader fed 64 KiB slices (a socket
 * read's worth), taking every payload as a GBytes and dropping it, as the
 * session does with media.  The baseline copies the same payload bytes,
 * message by message, with memcpy in the same run; a second reference copies
 * each payload into a new GBytes (g_bytes_new), the least that taking a
 * payload which is still a view into the input can cost.  Each measurement
 * runs for about one second.  Output: a Markdown table (docs/performance.md).
 *
 * Usage: bench_chunk [seconds per measurement [case index]]
 */
#include "ertmp_chunk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIRE_PAYLOAD_TARGET (32u * 1024u * 1024u)
#define READ_SLICE (64u * 1024u)

typedef struct
{
  gsize msg_len;
  guint32 chunk_size;
} bench_case;

static const bench_case cases[] = {
  { 1024, 4096 },
  { 100 * 1024, 4096 },
  /* context: the default chunk size, kept by GStreamer's rtmp2sink */
  { 1024, 128 },
  { 100 * 1024, 128 },
};

typedef struct
{
  guint8 * payload; /* n_msgs * msg_len source bytes */
  GByteArray * wire;
  gsize n_msgs;
  gsize msg_len;
  guint32 chunk_size;
} bench_data;

typedef enum
{
  MODE_REASSEMBLY,
  MODE_MEMCPY,
  MODE_GBYTES,
} bench_mode;

typedef struct
{
  gdouble mb_per_s;
  gdouble ns_per_msg;
} result;

static volatile guint8 sink;

static void
prepare (bench_data * d, const bench_case * c)
{
  ertmp_chunk_writer * w = ertmp_chunk_writer_new ();
  gsize i;

  d->msg_len = c->msg_len;
  d->chunk_size = c->chunk_size;
  d->n_msgs = WIRE_PAYLOAD_TARGET / c->msg_len;
  d->payload = g_malloc (d->n_msgs * d->msg_len);
  for (i = 0; i < d->n_msgs * d->msg_len; i++)
    d->payload[i] = (guint8) (i * 2654435761u >> 24);
  d->wire = g_byte_array_new ();
  ertmp_chunk_writer_set_chunk_size (w, c->chunk_size);
  for (i = 0; i < d->n_msgs; i++)
    ertmp_chunk_writer_write (w, d->wire, 6, 9, 1, (guint32) (i * 33),
        d->payload + i * d->msg_len, d->msg_len);
  ertmp_chunk_writer_free (w);
}

static void
release (bench_data * d)
{
  g_free (d->payload);
  g_byte_array_unref (d->wire);
}

/* One pass over the wire bytes; returns the number of messages. */
static gsize
reassemble_pass (ertmp_chunk_reader * r, const bench_data * d)
{
  gsize off, n_msgs = 0;

  for (off = 0; off < d->wire->len; off += READ_SLICE) {
    gsize len = MIN (READ_SLICE, d->wire->len - off), consumed;
    const guint8 * p = d->wire->data + off;
    ertmp_chunk_message msg;
    ertmp_result res;

    while ((res = ertmp_chunk_reader_read (r, p, len, &consumed, &msg)) ==
        ERTMP_OK) {
      GBytes * b = ertmp_chunk_reader_take_payload (r);

      sink ^= ((const guint8 *) g_bytes_get_data (b, NULL))[msg.len - 1];
      g_bytes_unref (b);
      p += consumed;
      len -= consumed;
      n_msgs++;
    }
    if (res != ERTMP_NEED_MORE) {
      fprintf (stderr, "reader: %s\n", ertmp_result_name (res));
      exit (1);
    }
  }
  return n_msgs;
}

static gsize
memcpy_pass (const bench_data * d, guint8 * dst)
{
  gsize i;

  for (i = 0; i < d->n_msgs; i++) {
    memcpy (dst, d->payload + i * d->msg_len, d->msg_len);
    sink ^= dst[d->msg_len - 1];
  }
  return d->n_msgs;
}

static gsize
gbytes_pass (const bench_data * d)
{
  gsize i;

  for (i = 0; i < d->n_msgs; i++) {
    GBytes * b = g_bytes_new (d->payload + i * d->msg_len, d->msg_len);

    sink ^= ((const guint8 *) g_bytes_get_data (b, NULL))[d->msg_len - 1];
    g_bytes_unref (b);
  }
  return d->n_msgs;
}

static gsize
run_pass (
    ertmp_chunk_reader * r, const bench_data * d, guint8 * dst, bench_mode mode)
{
  switch (mode) {
    case MODE_REASSEMBLY:
      return reassemble_pass (r, d);
    case MODE_MEMCPY:
      return memcpy_pass (d, dst);
    case MODE_GBYTES:
      return gbytes_pass (d);
  }
  return 0;
}

static result
measure (const bench_data * d, bench_mode mode, gdouble seconds)
{
  ertmp_chunk_reader * r = ertmp_chunk_reader_new (NULL);
  guint8 * dst = g_malloc (d->msg_len);
  gint64 start, elapsed;
  gsize msgs = 0;
  result res;

  ertmp_chunk_reader_set_chunk_size (r, d->chunk_size);
  run_pass (r, d, dst, mode); /* warm-up */
  start = g_get_monotonic_time ();
  do {
    msgs += run_pass (r, d, dst, mode);
    elapsed = g_get_monotonic_time () - start;
  } while (elapsed < (gint64) (seconds * G_USEC_PER_SEC));
  res.mb_per_s = (gdouble) msgs * d->msg_len / elapsed; /* bytes/us */
  res.ns_per_msg = elapsed * 1000.0 / msgs;
  g_free (dst);
  ertmp_chunk_reader_free (r);
  return res;
}

int
main (int argc, char ** argv)
{
  gdouble seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 1.0;
  gint only = argc > 2 ? atoi (argv[2]) : -1;
  guint i;

  if (seconds <= 0)
    seconds = 1.0;
  printf ("| message | chunk | reassembly MB/s | ns/msg | memcpy MB/s "
          "| ns/msg | g_bytes_new MB/s | ns/msg | reassembly / memcpy "
          "| g_bytes_new / memcpy |\n");
  printf ("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    bench_data d;
    result re, mc, gb;

    if (only >= 0 && (guint) only != i)
      continue;
    prepare (&d, &cases[i]);
    re = measure (&d, MODE_REASSEMBLY, seconds);
    mc = measure (&d, MODE_MEMCPY, seconds);
    gb = measure (&d, MODE_GBYTES, seconds);
    printf ("| %" G_GSIZE_FORMAT " B | %u B | %.0f | %.0f | %.0f | %.0f "
            "| %.0f | %.0f | %.2fx | %.2fx |\n",
        d.msg_len, d.chunk_size, re.mb_per_s, re.ns_per_msg, mc.mb_per_s,
        mc.ns_per_msg, gb.mb_per_s, gb.ns_per_msg,
        re.ns_per_msg / mc.ns_per_msg, gb.ns_per_msg / mc.ns_per_msg);
    fflush (stdout);
    release (&d);
  }
  return 0;
}
