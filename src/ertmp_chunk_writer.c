/* gst-ertmp: RTMP chunk stream writer (chunker)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtmp.md 3.5 "writer policy": fmt 0 for the first message on a chunk
 * stream, when the message stream changes or time goes backwards; fmt 1, or
 * fmt 2 when length and type repeat; fmt 3 for a new message only after a
 * fmt 1/2 header with the same delta; fmt 3 continuation chunks repeating
 * the extended timestamp of their header.
 */
#include "ertmp_chunk.h"
#include "ertmp_bytes.h"

typedef struct
{
  guint32 csid;
  guint32 msid;
  guint32 length;
  guint32 timestamp;
  guint32 delta;
  guint8 type_id;
  gboolean started;
  gboolean delta_valid; /* last header was fmt 1/2: fmt 3 may follow */
} write_stream;

struct _ertmp_chunk_writer
{
  guint32 chunk_size;
  guint32 chunk_size_eff;
  GArray * streams; /* write_stream */
};

ertmp_chunk_writer *
ertmp_chunk_writer_new (void)
{
  ertmp_chunk_writer * w = g_new0 (ertmp_chunk_writer, 1);

  w->chunk_size = ERTMP_CHUNK_SIZE_DEFAULT;
  w->chunk_size_eff = ERTMP_CHUNK_SIZE_DEFAULT;
  w->streams = g_array_new (FALSE, TRUE, sizeof (write_stream));
  return w;
}

void
ertmp_chunk_writer_free (ertmp_chunk_writer * w)
{
  if (w == NULL)
    return;
  g_array_unref (w->streams);
  g_free (w);
}

ertmp_result
ertmp_chunk_writer_set_chunk_size (ertmp_chunk_writer * w, guint32 size)
{
  g_return_val_if_fail (w != NULL, ERTMP_STATE);

  if (size < ERTMP_LIMIT_CHUNK_SIZE_MIN || size > ERTMP_LIMIT_CHUNK_SIZE_MAX)
    return ERTMP_STATE;
  w->chunk_size = size;
  w->chunk_size_eff = MIN (size, ERTMP_CHUNK_SIZE_EFFECTIVE_MAX);
  return ERTMP_OK;
}

guint32
ertmp_chunk_writer_get_chunk_size (const ertmp_chunk_writer * w)
{
  g_return_val_if_fail (w != NULL, 0);

  return w->chunk_size;
}

static write_stream *
writer_stream (ertmp_chunk_writer * w, guint32 csid)
{
  write_stream * s;
  guint i;

  for (i = 0; i < w->streams->len; i++) {
    s = &g_array_index (w->streams, write_stream, i);
    if (s->csid == csid)
      return s;
  }
  g_array_set_size (w->streams, i + 1);
  s = &g_array_index (w->streams, write_stream, i);
  s->csid = csid;
  return s;
}

/* Shortest basic header form (rtmp.md 3.2). */
static void
put_basic_header (GByteArray * out, guint fmt, guint32 csid)
{
  if (csid < 64) {
    ertmp_put_u8 (out, (guint8) ((fmt << 6) | csid));
  } else if (csid < 320) {
    ertmp_put_u8 (out, (guint8) (fmt << 6));
    ertmp_put_u8 (out, (guint8) (csid - 64));
  } else {
    ertmp_put_u8 (out, (guint8) ((fmt << 6) | 1));
    ertmp_put_u8 (out, (guint8) ((csid - 64) & 0xff));
    ertmp_put_u8 (out, (guint8) ((csid - 64) >> 8));
  }
}

/* Picks the header type for a new message (writer policy, rtmp.md 3.5) and
 * returns the timestamp field value (absolute for fmt 0, else the delta). */
static guint
choose_fmt (const write_stream * s, guint32 msid, guint32 timestamp,
    guint32 len, guint8 type_id, guint32 * field)
{
  guint32 delta = timestamp - s->timestamp;

  *field = timestamp;
  if (!s->started || msid != s->msid || timestamp < s->timestamp)
    return ERTMP_CHUNK_FMT_0;
  *field = delta;
  if (len != s->length || type_id != s->type_id)
    return ERTMP_CHUNK_FMT_1;
  if (s->delta_valid && delta == s->delta && delta < ERTMP_CHUNK_TS_EXTENDED)
    return ERTMP_CHUNK_FMT_3;
  return ERTMP_CHUNK_FMT_2;
}

static void
put_first_header (GByteArray * out, guint fmt, guint32 csid, guint32 field,
    guint32 len, guint8 type_id, guint32 msid)
{
  put_basic_header (out, fmt, csid);
  if (fmt == ERTMP_CHUNK_FMT_3)
    return;
  ertmp_put_u24be (out, MIN (field, ERTMP_CHUNK_TS_EXTENDED));
  if (fmt <= ERTMP_CHUNK_FMT_1) {
    ertmp_put_u24be (out, len);
    ertmp_put_u8 (out, type_id);
  }
  if (fmt == ERTMP_CHUNK_FMT_0)
    ertmp_put_u32le (out, msid);
  if (field >= ERTMP_CHUNK_TS_EXTENDED)
    ertmp_put_u32be (out, field);
}

static void
update_stream (write_stream * s, guint fmt, guint32 field, guint32 msid,
    guint32 timestamp, guint32 len, guint8 type_id)
{
  s->msid = msid;
  s->timestamp = timestamp;
  s->length = len;
  s->type_id = type_id;
  s->started = TRUE;
  if (fmt == ERTMP_CHUNK_FMT_3)
    return;
  s->delta = field;
  s->delta_valid = fmt != ERTMP_CHUNK_FMT_0;
}

/* Appends a message as chunks of @chunk_size: its first header (@fmt,
 * @field as choose_fmt gave them), then fmt 3 continuations repeating the
 * extended timestamp when the header used it (rtmp.md 3.4). */
static void
put_message (GByteArray * out, guint32 chunk_size, guint fmt, guint32 csid,
    guint32 field, guint8 type_id, guint32 msid, const guint8 * payload,
    gsize len)
{
  gboolean ext = fmt != ERTMP_CHUNK_FMT_3 && field >= ERTMP_CHUNK_TS_EXTENDED;
  gsize basic = csid < 64 ? 1 : csid < 320 ? 2 : 3;
  gsize off, n, start;

  /* reserve the whole output once: appends below never reallocate */
  start = out->len;
  n = len / chunk_size + 1;
  g_byte_array_set_size (out,
      start + len + ERTMP_CHUNK_HEADER_MAX +
          n * (basic + (ext ? ERTMP_CHUNK_EXT_TS_SIZE : 0)));
  g_byte_array_set_size (out, start);

  put_first_header (out, fmt, csid, field, (guint32) len, type_id, msid);
  off = MIN (len, chunk_size);
  ertmp_put_bytes (out, payload, off);
  while (off < len) {
    put_basic_header (out, ERTMP_CHUNK_FMT_3, csid);
    if (ext)
      ertmp_put_u32be (out, field);
    n = MIN (len - off, chunk_size);
    ertmp_put_bytes (out, payload + off, n);
    off += n;
  }
}

static gboolean
message_ok (guint32 csid, const guint8 * payload, gsize len)
{
  return (payload != NULL || len == 0) && len <= ERTMP_LIMIT_MESSAGE_SIZE_MAX &&
      csid >= ERTMP_CHUNK_CSID_MIN && csid <= ERTMP_CHUNK_CSID_MAX;
}

ertmp_result
ertmp_chunk_writer_write (ertmp_chunk_writer * w, GByteArray * out,
    guint32 csid, guint8 type_id, guint32 msid, guint32 timestamp,
    const guint8 * payload, gsize len)
{
  write_stream * s;
  guint fmt;
  guint32 field;

  g_return_val_if_fail (w != NULL && out != NULL, ERTMP_STATE);
  g_return_val_if_fail (payload != NULL || len == 0, ERTMP_STATE);
  if (!message_ok (csid, payload, len))
    return ERTMP_STATE;

  s = writer_stream (w, csid);
  fmt = choose_fmt (s, msid, timestamp, (guint32) len, type_id, &field);
  put_message (
      out, w->chunk_size_eff, fmt, csid, field, type_id, msid, payload, len);
  update_stream (s, fmt, field, msid, timestamp, (guint32) len, type_id);
  return ERTMP_OK;
}

void
ertmp_chunk_writer_forget (ertmp_chunk_writer * w, guint32 csid)
{
  guint i;

  g_return_if_fail (w != NULL);

  for (i = 0; i < w->streams->len; i++) {
    write_stream * s = &g_array_index (w->streams, write_stream, i);

    if (s->csid == csid) {
      s->started = FALSE;
      s->delta_valid = FALSE;
    }
  }
}

ertmp_result
ertmp_chunk_write_standalone (GByteArray * out, guint32 chunk_size,
    guint32 csid, guint8 type_id, guint32 msid, guint32 timestamp,
    const guint8 * payload, gsize len)
{
  g_return_val_if_fail (out != NULL, ERTMP_STATE);
  g_return_val_if_fail (payload != NULL || len == 0, ERTMP_STATE);
  if (!message_ok (csid, payload, len) ||
      chunk_size < ERTMP_LIMIT_CHUNK_SIZE_MIN ||
      chunk_size > ERTMP_LIMIT_CHUNK_SIZE_MAX)
    return ERTMP_STATE;

  put_message (out, MIN (chunk_size, ERTMP_CHUNK_SIZE_EFFECTIVE_MAX),
      ERTMP_CHUNK_FMT_0, csid, timestamp, type_id, msid, payload, len);
  return ERTMP_OK;
}
