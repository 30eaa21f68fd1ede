/* gst-ertmp: RTMP chunk stream reader (reassembly); the writer is in
 * ertmp_chunk_writer.c
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtmp.md section 3.  The reader is a two-state machine (header, body).
 * Header bytes that arrive split across calls are gathered in a small stash;
 * when a whole header is in the caller's input it is parsed in place.  Chunk
 * bodies are copied with one memcpy per chunk into a per-csid buffer that
 * grows geometrically as bytes arrive (a large declared length is never
 * allocated up front); a single-chunk message whose body is entirely in the
 * caller's input is returned as a view without any copy.
 */
#include "ertmp_chunk.h"
#include "ertmp_bytes.h"

#include <string.h>

/* Reassembly blocks: a message of up to WHOLE bytes gets one block on its
 * first chunk; a larger one starts at MIN_ALLOC and doubles as bytes arrive
 * (a peer declaring 16 MB and sending 10 bytes costs 256). */
#define REASSEMBLY_WHOLE_MAX 4096u
#define REASSEMBLY_MIN_ALLOC 256u

static const guint8 message_header_size[4] = { 11, 7, 3, 0 };

/* An empty payload still gets a valid pointer. */
static const guint8 empty_payload[1] = { 0 };

/* ------------------------------------------------------------------ */
/* Reader                                                               */

typedef struct
{
  guint32 csid;
  /* from the last message header on this csid (rtmp.md 3.5) */
  guint32 msid;
  guint32 length;
  guint32 timestamp; /* absolute, of the current/last message */
  guint32 delta; /* applied by a type-3 chunk starting a message */
  guint32 ext_value; /* extended field of the current message's header */
  guint8 type_id;
  gboolean has_ext; /* that header used the extended field */
  /* reassembly */
  gboolean in_progress;
  gsize received; /* payload bytes held in buf */
  gsize alloc;
  guint8 * buf;
} read_stream;

typedef enum
{
  READ_HEADER,
  READ_BODY,
  READ_FAILED,
} read_state;

/* A parsed chunk header, not yet applied to the stream state. */
typedef struct
{
  guint fmt;
  guint32 csid;
  guint32 ts_field; /* timestamp or delta (extended when used) */
  guint32 length;
  guint8 type_id;
  guint32 msid;
  gboolean ext; /* the 4-byte field was read (and consumed) */
  gsize size; /* header bytes consumed */
  read_stream * stream; /* NULL: a csid never seen */
} chunk_header;

struct _ertmp_chunk_reader
{
  ertmp_limits limits;
  guint32 chunk_size; /* as set by the peer */
  guint32 chunk_size_eff; /* capped at 0xFFFFFF */
  read_state state;
  ertmp_limit_id limit_hit;

  GPtrArray * streams; /* read_stream*, owned */
  read_stream * last; /* lookup cache */

  /* current chunk (READ_BODY) */
  read_stream * cur;
  gsize chunk_rem;
  gboolean skip; /* current message aborted mid-chunk */

  /* consumed input not yet processed (a split header, or peeked bytes) */
  guint8 stash[ERTMP_CHUNK_HEADER_MAX];
  gsize stash_len;

  gsize buffered; /* payload bytes in partial messages */

  /* message last returned */
  gboolean can_take;
  guint8 * delivered; /* owned reassembly block, or NULL */
  const guint8 * delivered_view;
  gsize delivered_len;
};

static void
read_stream_free (gpointer data)
{
  read_stream * s = data;

  g_free (s->buf);
  g_free (s);
}

ertmp_chunk_reader *
ertmp_chunk_reader_new (const ertmp_limits * limits)
{
  ertmp_chunk_reader * r = g_new0 (ertmp_chunk_reader, 1);

  if (limits != NULL)
    r->limits = *limits;
  else
    ertmp_limits_init (&r->limits);
  r->chunk_size = ERTMP_CHUNK_SIZE_DEFAULT;
  r->chunk_size_eff = ERTMP_CHUNK_SIZE_DEFAULT;
  r->state = READ_HEADER;
  r->streams = g_ptr_array_new_with_free_func (read_stream_free);
  return r;
}

void
ertmp_chunk_reader_set_limits (ertmp_chunk_reader * r,
    const ertmp_limits * limits)
{
  g_return_if_fail (r != NULL && limits != NULL);

  r->limits = *limits;
}

void
ertmp_chunk_reader_free (ertmp_chunk_reader * r)
{
  if (r == NULL)
    return;
  g_ptr_array_unref (r->streams);
  g_free (r->delivered);
  g_free (r);
}

ertmp_result
ertmp_chunk_reader_set_chunk_size (ertmp_chunk_reader * r, guint32 size)
{
  g_return_val_if_fail (r != NULL, ERTMP_STATE);

  if (size < ERTMP_LIMIT_CHUNK_SIZE_MIN || size > ERTMP_LIMIT_CHUNK_SIZE_MAX)
    return ERTMP_MALFORMED;
  r->chunk_size = size;
  r->chunk_size_eff = MIN (size, ERTMP_CHUNK_SIZE_EFFECTIVE_MAX);
  return ERTMP_OK;
}

guint32
ertmp_chunk_reader_get_chunk_size (const ertmp_chunk_reader * r)
{
  g_return_val_if_fail (r != NULL, 0);

  return r->chunk_size;
}

static read_stream *
stream_find (ertmp_chunk_reader * r, guint32 csid)
{
  guint i;

  if (r->last != NULL && r->last->csid == csid)
    return r->last;
  for (i = 0; i < r->streams->len; i++) {
    read_stream * s = g_ptr_array_index (r->streams, i);
    if (s->csid == csid) {
      r->last = s;
      return s;
    }
  }
  return NULL;
}

/* Drops the partial message on @s, if any. */
static void
stream_drop_message (ertmp_chunk_reader * r, read_stream * s)
{
  r->buffered -= s->received;
  s->received = 0;
  s->in_progress = FALSE;
  g_clear_pointer (&s->buf, g_free);
  s->alloc = 0;
}

void
ertmp_chunk_reader_abort (ertmp_chunk_reader * r, guint32 csid)
{
  read_stream * s;

  g_return_if_fail (r != NULL);

  s = stream_find (r, csid);
  if (s == NULL || !s->in_progress)
    return;
  stream_drop_message (r, s);
  /* the rest of a chunk already started on @csid is skipped */
  if (r->state == READ_BODY && r->cur == s)
    r->skip = TRUE;
}

ertmp_limit_id
ertmp_chunk_reader_limit_hit (const ertmp_chunk_reader * r)
{
  g_return_val_if_fail (r != NULL, ERTMP_LIMIT_NONE);

  return r->limit_hit;
}

guint
ertmp_chunk_reader_n_streams (const ertmp_chunk_reader * r)
{
  g_return_val_if_fail (r != NULL, 0);

  return r->streams->len;
}

gsize
ertmp_chunk_reader_buffered_bytes (const ertmp_chunk_reader * r)
{
  g_return_val_if_fail (r != NULL, 0);

  return r->buffered;
}

/* Basic header (rtmp.md 3.2): fmt and csid.  FALSE: more bytes needed. */
static gboolean
parse_basic_header (ertmp_reader * in, chunk_header * h, gsize * need)
{
  guint8 b0, b1 = 0, b2 = 0;

  *need = 1;
  if (!ertmp_reader_u8 (in, &b0))
    return FALSE;
  h->fmt = b0 >> 6;
  h->csid = b0 & 0x3f;
  if (h->csid >= 2)
    return TRUE;
  *need = h->csid == 0 ? 2 : 3;
  if (!ertmp_reader_u8 (in, &b1) || (*need == 3 && !ertmp_reader_u8 (in, &b2)))
    return FALSE;
  /* the 16-bit form is little-endian */
  h->csid = 64u + b1 + 256u * b2;
  return TRUE;
}

/* Message header fields of fmt 0-2; the caller checked the length. */
static void
parse_message_header (ertmp_reader * in, chunk_header * h)
{
  if (h->fmt == ERTMP_CHUNK_FMT_3)
    return;
  ertmp_reader_u24be (in, &h->ts_field);
  if (h->fmt == ERTMP_CHUNK_FMT_2)
    return;
  ertmp_reader_u24be (in, &h->length);
  ertmp_reader_u8 (in, &h->type_id);
  if (h->fmt == ERTMP_CHUNK_FMT_1)
    return;
  ertmp_reader_u32le (in, &h->msid);
}

/* Extended timestamp (rtmp.md 3.4), including the tolerant rule for type-3
 * continuation chunks: the 4 bytes are consumed only when they repeat the
 * header's extended value or the message timestamp. */
static gboolean
parse_extended (ertmp_reader * in, chunk_header * h, gsize * need)
{
  const read_stream * s = h->stream;
  guint32 v;

  if (h->fmt != ERTMP_CHUNK_FMT_3 ? h->ts_field != ERTMP_CHUNK_TS_EXTENDED : !s->has_ext)
    return TRUE;
  *need = in->pos + ERTMP_CHUNK_EXT_TS_SIZE;
  if (!ertmp_reader_peek_be (in, ERTMP_CHUNK_EXT_TS_SIZE, &v))
    return FALSE;
  if (h->fmt == ERTMP_CHUNK_FMT_3 && s->in_progress && v != s->ext_value &&
      v != s->timestamp)
    return TRUE; /* omitted by the peer: these are payload */
  ertmp_reader_skip (in, ERTMP_CHUNK_EXT_TS_SIZE);
  h->ts_field = v;
  h->ext = TRUE;
  return TRUE;
}

/* Parses one chunk header from @data without changing any state.
 * NEED_MORE sets *need to the number of bytes needed to make progress. */
static ertmp_result
header_parse (ertmp_chunk_reader * r, const guint8 * data, gsize len,
    chunk_header * h, gsize * need)
{
  ertmp_reader in;

  ertmp_reader_init (&in, data, len);
  h->ext = FALSE; /* fields a fmt does not carry are never read */
  if (!parse_basic_header (&in, h, need))
    return ERTMP_NEED_MORE;
  *need = in.pos + message_header_size[h->fmt];
  if (ertmp_reader_remaining (&in) < message_header_size[h->fmt])
    return ERTMP_NEED_MORE;
  h->stream = stream_find (r, h->csid);
  if (h->stream == NULL && h->fmt != ERTMP_CHUNK_FMT_0)
    return ERTMP_MALFORMED; /* nothing to inherit from */
  parse_message_header (&in, h);
  if (!parse_extended (&in, h, need))
    return ERTMP_NEED_MORE;
  h->size = in.pos;
  return ERTMP_OK;
}

static ertmp_result
fail (ertmp_chunk_reader * r, ertmp_result res, ertmp_limit_id limit)
{
  r->state = READ_FAILED;
  r->limit_hit = limit;
  return res;
}

static read_stream *
stream_new (ertmp_chunk_reader * r, guint32 csid)
{
  read_stream * s;

  if (r->streams->len >= r->limits.max_chunk_streams)
    return NULL;
  s = g_new0 (read_stream, 1);
  s->csid = csid;
  g_ptr_array_add (r->streams, s);
  r->last = s;
  return s;
}

/* Applies the header of a chunk starting a new message on @s. */
static void
stream_start_message (
    ertmp_chunk_reader * r, read_stream * s, const chunk_header * h)
{
  if (s->in_progress) /* new header mid-message: drop the partial */
    stream_drop_message (r, s);
  switch (h->fmt) {
    case ERTMP_CHUNK_FMT_0:
      s->msid = h->msid;
      s->timestamp = h->ts_field;
      s->delta = h->ts_field; /* "the delta of a type-3 is the type-0 ts" */
      break;
    case ERTMP_CHUNK_FMT_1:
    case ERTMP_CHUNK_FMT_2:
      s->delta = h->ts_field;
      s->timestamp += s->delta;
      break;
    case ERTMP_CHUNK_FMT_3:
      if (h->ext)
        s->delta = h->ts_field;
      s->timestamp += s->delta;
      break;
  }
  if (h->fmt <= ERTMP_CHUNK_FMT_1) {
    s->length = h->length;
    s->type_id = h->type_id;
  }
  if (h->fmt != ERTMP_CHUNK_FMT_3)
    s->has_ext = h->ext;
  if (h->ext)
    s->ext_value = h->ts_field;
  s->in_progress = TRUE;
  s->received = 0;
}

static ertmp_result
header_apply (ertmp_chunk_reader * r, const chunk_header * h)
{
  read_stream * s = h->stream;

  if (s == NULL && (s = stream_new (r, h->csid)) == NULL)
    return fail (r, ERTMP_LIMIT, ERTMP_LIMIT_MAX_CHUNK_STREAMS);
  if (h->fmt != ERTMP_CHUNK_FMT_3 || !s->in_progress) {
    stream_start_message (r, s, h);
    if (s->length > r->limits.max_message_size)
      return fail (r, ERTMP_LIMIT, ERTMP_LIMIT_MAX_MESSAGE_SIZE);
  }
  r->cur = s;
  r->chunk_rem = MIN (s->length - s->received, r->chunk_size_eff);
  r->skip = FALSE;
  r->state = READ_BODY;
  return ERTMP_OK;
}

static void
stash_drop (ertmp_chunk_reader * r, gsize n)
{
  r->stash_len -= n;
  memmove (r->stash, r->stash + n, r->stash_len);
}

static ertmp_result
read_header (ertmp_chunk_reader * r, ertmp_reader * in)
{
  chunk_header h;
  gsize need = 0, n;
  ertmp_result res;

  if (r->stash_len == 0) {
    /* fast path: the whole header is in the caller's input */
    res = header_parse (
        r, ertmp_reader_current (in), ertmp_reader_remaining (in), &h, &need);
    if (res == ERTMP_OK) {
      ertmp_reader_skip (in, h.size);
      return header_apply (r, &h);
    }
    if (res != ERTMP_NEED_MORE)
      return fail (r, res, ERTMP_LIMIT_NONE);
  }
  /* gather exactly the bytes the header needs so far into the stash */
  while ((res = header_parse (r, r->stash, r->stash_len, &h, &need)) ==
      ERTMP_NEED_MORE) {
    n = MIN (need - r->stash_len, ertmp_reader_remaining (in));
    if (n == 0)
      return ERTMP_NEED_MORE;
    ertmp_reader_copy (in, n, r->stash + r->stash_len);
    r->stash_len += n;
  }
  if (res != ERTMP_OK)
    return fail (r, res, ERTMP_LIMIT_NONE);
  /* peeked bytes that were not an extended timestamp stay stashed */
  stash_drop (r, h.size);
  return header_apply (r, &h);
}

/* Appends chunk body bytes to the message being reassembled on @s. */
static ertmp_result
stream_append (
    ertmp_chunk_reader * r, read_stream * s, const guint8 * src, gsize n)
{
  gsize need = s->received + n;

  if (r->skip)
    return ERTMP_OK;
  if (r->limits.max_reassembly_bytes - r->buffered < n)
    return fail (r, ERTMP_LIMIT, ERTMP_LIMIT_MAX_REASSEMBLY_BYTES);
  if (need > s->alloc) {
    gsize alloc = MAX (need, MAX (s->alloc * 2, REASSEMBLY_MIN_ALLOC));

    if (s->length <= REASSEMBLY_WHOLE_MAX)
      alloc = s->length;
    s->alloc = MIN (alloc, s->length);
    s->buf = g_realloc (s->buf, s->alloc);
  }
  memcpy (s->buf + s->received, src, n);
  s->received = need;
  r->buffered += n;
  return ERTMP_OK;
}

static void
deliver (ertmp_chunk_reader * r, read_stream * s, const guint8 * view,
    ertmp_chunk_message * msg)
{
  msg->csid = s->csid;
  msg->type_id = s->type_id;
  msg->msid = s->msid;
  msg->timestamp = s->timestamp;
  msg->len = s->length;
  if (view == NULL) {
    /* hand the reassembly block over to the caller */
    r->delivered = s->buf;
    view = s->buf;
    s->buf = NULL;
    s->alloc = 0;
    r->buffered -= s->received;
  }
  msg->payload = s->length > 0 ? view : empty_payload;
  r->delivered_view = msg->payload;
  r->delivered_len = s->length;
  r->can_take = TRUE;
  s->received = 0;
  s->in_progress = FALSE;
  r->state = READ_HEADER;
}

/* Reads the current chunk's body.  OK with *done when a message completed,
 * OK without it when the chunk ended mid-message. */
static ertmp_result
read_body (ertmp_chunk_reader * r, ertmp_reader * in, ertmp_chunk_message * msg,
    gboolean * done)
{
  read_stream * s = r->cur;
  const guint8 * src;
  gsize n;

  /* a whole single-chunk message in the caller's input: no copy */
  if (s->received == 0 && r->chunk_rem == s->length && r->stash_len == 0 &&
      !r->skip && ertmp_reader_view (in, s->length, &src)) {
    deliver (r, s, src, msg);
    *done = TRUE;
    return ERTMP_OK;
  }
  while (r->chunk_rem > 0) {
    gboolean stashed = r->stash_len > 0;

    n = MIN (
        r->chunk_rem, stashed ? r->stash_len : ertmp_reader_remaining (in));
    if (n == 0)
      return ERTMP_NEED_MORE;
    src = stashed ? r->stash : ertmp_reader_current (in);
    if (!stashed)
      ertmp_reader_skip (in, n);
    if (stream_append (r, s, src, n) != ERTMP_OK)
      return ERTMP_LIMIT;
    if (stashed)
      stash_drop (r, n);
    r->chunk_rem -= n;
  }
  r->state = READ_HEADER;
  *done = !r->skip && s->in_progress && s->received == s->length;
  if (*done)
    deliver (r, s, NULL, msg);
  return ERTMP_OK;
}

static void
release_delivered (ertmp_chunk_reader * r)
{
  g_clear_pointer (&r->delivered, g_free);
  r->delivered_view = NULL;
  r->delivered_len = 0;
  r->can_take = FALSE;
}

ertmp_result
ertmp_chunk_reader_read (ertmp_chunk_reader * r, const guint8 * data, gsize len,
    gsize * consumed, ertmp_chunk_message * msg)
{
  ertmp_reader in;
  ertmp_result res = ERTMP_OK;
  gboolean done = FALSE;

  g_return_val_if_fail (r != NULL, ERTMP_STATE);
  g_return_val_if_fail (consumed != NULL && msg != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);

  if (data == NULL)
    data = empty_payload;
  *consumed = 0;
  release_delivered (r);
  ertmp_reader_init (&in, data, len);
  while (res == ERTMP_OK && !done) {
    switch (r->state) {
      case READ_HEADER:
        res = read_header (r, &in);
        break;
      case READ_BODY:
        res = read_body (r, &in, msg, &done);
        break;
      case READ_FAILED:
        res = ERTMP_STATE;
        break;
    }
  }
  *consumed = in.pos;
  return res;
}

GBytes *
ertmp_chunk_reader_take_payload (ertmp_chunk_reader * r)
{
  GBytes * bytes;

  g_return_val_if_fail (r != NULL, NULL);
  g_return_val_if_fail (r->can_take, NULL);

  if (r->delivered != NULL)
    bytes = g_bytes_new_take (r->delivered, r->delivered_len);
  else
    bytes = g_bytes_new (r->delivered_view, r->delivered_len);
  r->delivered = NULL;
  r->can_take = FALSE;
  return bytes;
}
