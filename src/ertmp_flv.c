/* gst-ertmp: FLV file framing
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * flv.md sections 1-3.  The reader is one state machine (file header,
 * DataOffset skip, PreviousTagSize, tag header, body, resync).  Every step
 * needs a fixed number of contiguous bytes at the current position: it reads
 * them in place from the caller's input when nothing is buffered, else they
 * are gathered in one buffer that grows as bytes arrive (a large DataSize is
 * never allocated up front).  A body whole in the caller's input is returned
 * as a view without any copy; a buffered one is handed to the caller with
 * the buffer.  Decisions depend on the stream's bytes only, never on how
 * they were split, so every split gives the same tags.
 */
#include "ertmp_flv.h"
#include "ertmp_bytes.h"

#include <string.h>

/* buffer: first allocation, and the size above which an empty buffer is
 * released rather than kept for the next item */
#define BUF_MIN_ALLOC 256u
#define BUF_KEEP_MAX (64u * 1024u)

/* An empty payload still gets a valid pointer. */
static const guint8 empty_payload[1] = { 0 };

static const guint8 flv_signature[3] = { 'F', 'L', 'V' };

/* ------------------------------------------------------------------ */
/* Stateless parsers and writers                                        */

static gboolean
tag_type_known (guint type)
{
  return type == ERTMP_FLV_TAG_AUDIO || type == ERTMP_FLV_TAG_VIDEO ||
      type == ERTMP_FLV_TAG_SCRIPT_AMF3 || type == ERTMP_FLV_TAG_SCRIPT;
}

ertmp_result
ertmp_flv_parse_header (const guint8 * data, gsize len, ertmp_flv_header * h)
{
  ertmp_reader in;
  guint8 sig[3];

  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);
  g_return_val_if_fail (h != NULL, ERTMP_STATE);

  ertmp_reader_init (&in, data, len);
  if (!ertmp_reader_copy (&in, sizeof (sig), sig) ||
      !ertmp_reader_u8 (&in, &h->version) ||
      !ertmp_reader_u8 (&in, &h->flags) ||
      !ertmp_reader_u32be (&in, &h->data_offset))
    return ERTMP_NEED_MORE;
  if (memcmp (sig, flv_signature, sizeof (sig)) != 0 ||
      h->data_offset < ERTMP_FLV_HEADER_SIZE)
    return ERTMP_MALFORMED;
  return ERTMP_OK;
}

/* All fields of an 11-byte tag header, valid or not. */
static void
tag_header_decode (const guint8 * p, ertmp_flv_tag_header * h, guint8 * b0)
{
  ertmp_reader in;
  guint32 ts24;
  guint8 ext;

  ertmp_reader_init (&in, p, ERTMP_FLV_TAG_HEADER_SIZE);
  ertmp_reader_u8 (&in, b0);
  ertmp_reader_u24be (&in, &h->size);
  ertmp_reader_u24be (&in, &ts24);
  ertmp_reader_u8 (&in, &ext);
  ertmp_reader_u24be (&in, &h->stream_id);
  h->type = *b0 & 0x1f;
  h->filter = (*b0 & 0x20) != 0;
  h->timestamp = ((guint32) ext << 24) | ts24;
}

ertmp_result
ertmp_flv_parse_tag_header (
    const guint8 * data, gsize len, ertmp_flv_tag_header * h)
{
  guint8 b0;

  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);
  g_return_val_if_fail (h != NULL, ERTMP_STATE);

  if (len < ERTMP_FLV_TAG_HEADER_SIZE)
    return ERTMP_NEED_MORE;
  tag_header_decode (data, h, &b0);
  if ((b0 & 0xc0) != 0 || !tag_type_known (h->type))
    return ERTMP_MALFORMED;
  return ERTMP_OK;
}

void
ertmp_flv_write_header (GByteArray * out, guint8 flags)
{
  g_return_if_fail (out != NULL);

  ertmp_put_bytes (out, flv_signature, sizeof (flv_signature));
  ertmp_put_u8 (out, 1); /* version */
  ertmp_put_u8 (out, flags);
  ertmp_put_u32be (out, ERTMP_FLV_HEADER_SIZE); /* DataOffset */
  ertmp_put_u32be (out, 0); /* PreviousTagSize0 */
}

ertmp_result
ertmp_flv_write_tag_header (GByteArray * out, const ertmp_flv_tag_header * h)
{
  g_return_val_if_fail (out != NULL && h != NULL, ERTMP_STATE);

  if (!tag_type_known (h->type) || h->size > ERTMP_FLV_TAG_SIZE_MAX ||
      h->stream_id > 0xFFFFFFu)
    return ERTMP_STATE;
  ertmp_put_u8 (out, (guint8) (h->type | (h->filter ? 0x20 : 0)));
  ertmp_put_u24be (out, h->size);
  ertmp_put_u24be (out, h->timestamp & 0xFFFFFFu);
  ertmp_put_u8 (out, (guint8) (h->timestamp >> 24)); /* TimestampExtended */
  ertmp_put_u24be (out, h->stream_id);
  return ERTMP_OK;
}

ertmp_result
ertmp_flv_write_prev_size (GByteArray * out, gsize size)
{
  g_return_val_if_fail (out != NULL, ERTMP_STATE);

  if (size > ERTMP_FLV_TAG_SIZE_MAX)
    return ERTMP_STATE;
  ertmp_put_u32be (out, (guint32) (ERTMP_FLV_TAG_HEADER_SIZE + size));
  return ERTMP_OK;
}

/* ------------------------------------------------------------------ */
/* Reader                                                               */

typedef enum
{
  READ_FILE_HEADER,
  READ_SKIP, /* DataOffset beyond the 9-byte header */
  READ_PREV_SIZE,
  READ_TAG_HEADER,
  READ_BODY,
  READ_RESYNC,
  READ_FAILED,
} read_state;

struct _ertmp_flv_reader
{
  ertmp_limits limits;
  read_state state;
  gboolean have_header;
  ertmp_flv_header header;

  guint64 pos; /* stream offset of the next unread byte */
  guint64 skip_left; /* READ_SKIP */
  guint32 expected_prev; /* PreviousTagSize due next */
  gboolean prev_mismatch; /* reported on the next tag */
  ertmp_flv_tag_header cur; /* READ_BODY: the tag being read */
  guint64 cur_offset;
  guint64 resync_start; /* READ_RESYNC: where skipping began */
  guint64 scan; /* READ_RESYNC: PreviousTagSize candidate */
  guint64 skipped; /* reported on the next tag */
  gboolean resync_limit; /* the resync began at a DataSize > limit */
  gchar * note; /* anomaly to report with the next tag */
  gchar * problem; /* ertmp_flv_reader_describe () */

  /* bytes at the current position: buf[buf_start .. buf_len) */
  guint8 * buf;
  gsize buf_start;
  gsize buf_len;
  gsize buf_alloc;

  /* tag last returned */
  gboolean can_take;
  guint8 * delivered; /* owned block holding the payload, or NULL */
  const guint8 * delivered_view;
  gsize delivered_len;
};

ertmp_flv_reader *
ertmp_flv_reader_new (const ertmp_limits * limits)
{
  ertmp_flv_reader * r = g_new0 (ertmp_flv_reader, 1);

  if (limits != NULL)
    r->limits = *limits;
  else
    ertmp_limits_init (&r->limits);
  r->state = READ_FILE_HEADER;
  return r;
}

void
ertmp_flv_reader_free (ertmp_flv_reader * r)
{
  if (r == NULL)
    return;
  g_free (r->buf);
  g_free (r->delivered);
  g_free (r->note);
  g_free (r->problem);
  g_free (r);
}

static gsize
buffered (const ertmp_flv_reader * r)
{
  return r->buf_len - r->buf_start;
}

static void
buf_reset (ertmp_flv_reader * r)
{
  r->buf_start = 0;
  r->buf_len = 0;
  if (r->buf_alloc > BUF_KEEP_MAX) {
    g_clear_pointer (&r->buf, g_free);
    r->buf_alloc = 0;
  }
}

/* Room for @want bytes at the current position, of the @n the step needs:
 * the dead prefix is dropped when it outweighs the live bytes, and the
 * block grows geometrically, never beyond @n. */
static void
buf_reserve (ertmp_flv_reader * r, gsize want, gsize n)
{
  gsize have = buffered (r);

  if (r->buf_start > 0 &&
      (r->buf_start >= have || r->buf_start + want > r->buf_alloc)) {
    memmove (r->buf, r->buf + r->buf_start, have);
    r->buf_start = 0;
    r->buf_len = have;
  }
  if (r->buf_start + want > r->buf_alloc) {
    gsize alloc = MAX (want, MAX (r->buf_alloc * 2, BUF_MIN_ALLOC));

    r->buf_alloc = MIN (alloc, n);
    r->buf = g_realloc (r->buf, r->buf_alloc);
  }
}

/* Makes @n contiguous bytes at the current position available in *out:
 * in place in the caller's input when nothing is buffered and it holds them
 * all, else in buf, appending from the input only what is missing, buf
 * growing to at most @cap (>= @n).  FALSE: the input is used up (buffered)
 * and more is needed. */
static gboolean
need_capped (ertmp_flv_reader * r, ertmp_reader * in, gsize n, gsize cap,
    const guint8 ** out)
{
  gsize have = buffered (r), k;

  if (have == 0 && ertmp_reader_remaining (in) >= n) {
    *out = ertmp_reader_current (in);
    return TRUE;
  }
  if (have < n) {
    k = MIN (n - have, ertmp_reader_remaining (in));
    if (k == 0)
      return FALSE;
    buf_reserve (r, have + k, cap);
    ertmp_reader_copy (in, k, r->buf + r->buf_len);
    r->buf_len += k;
    if (have + k < n)
      return FALSE;
  }
  *out = r->buf + r->buf_start;
  return TRUE;
}

static gboolean
need (ertmp_flv_reader * r, ertmp_reader * in, gsize n, const guint8 ** out)
{
  return need_capped (r, in, n, n, out);
}

/* Moves the current position @n bytes on: buffered bytes first, then the
 * input's (the caller checked they are there). */
static void
consume (ertmp_flv_reader * r, ertmp_reader * in, gsize n)
{
  gsize from_buf = MIN (n, buffered (r));

  r->buf_start += from_buf;
  if (r->buf_start == r->buf_len)
    buf_reset (r);
  if (!ertmp_reader_skip (in, n - from_buf))
    g_assert_not_reached ();
  r->pos += n;
}

static guint32
be32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
      ((guint32) p[2] << 8) | p[3];
}

static ertmp_result
fail (ertmp_flv_reader * r, ertmp_result res, gchar * problem)
{
  g_free (r->problem);
  r->problem = problem;
  r->state = READ_FAILED;
  return res;
}

static ertmp_result
read_file_header (ertmp_flv_reader * r, ertmp_reader * in)
{
  const guint8 * p;
  guint32 extra;

  if (!need (r, in, ERTMP_FLV_HEADER_SIZE, &p))
    return ERTMP_NEED_MORE;
  if (memcmp (p, flv_signature, sizeof (flv_signature)) != 0)
    return fail (r, ERTMP_MALFORMED,
        g_strdup_printf ("not an FLV file: it starts with %02x %02x %02x", p[0],
            p[1], p[2]));
  if (ertmp_flv_parse_header (p, ERTMP_FLV_HEADER_SIZE, &r->header) != ERTMP_OK)
    return fail (r, ERTMP_MALFORMED,
        g_strdup_printf ("FLV header: DataOffset %u is below 9", be32 (p + 5)));
  extra = r->header.data_offset - ERTMP_FLV_HEADER_SIZE;
  if (extra > r->limits.flv_resync_window)
    return fail (r, ERTMP_MALFORMED,
        g_strdup_printf ("FLV header: DataOffset %u skips more than the "
                         "FLV resync window (%u bytes)",
            r->header.data_offset, r->limits.flv_resync_window));
  r->have_header = TRUE;
  consume (r, in, ERTMP_FLV_HEADER_SIZE);
  r->skip_left = extra;
  r->expected_prev = 0; /* PreviousTagSize0 */
  r->state = READ_SKIP;
  return ERTMP_OK;
}

static ertmp_result
read_skip (ertmp_flv_reader * r, ertmp_reader * in)
{
  gsize n =
      (gsize) MIN (r->skip_left, buffered (r) + ertmp_reader_remaining (in));

  consume (r, in, n);
  r->skip_left -= n;
  if (r->skip_left > 0)
    return ERTMP_NEED_MORE;
  r->state = READ_PREV_SIZE;
  return ERTMP_OK;
}

static ertmp_result
read_prev_size (ertmp_flv_reader * r, ertmp_reader * in)
{
  const guint8 * p;
  guint32 v;

  if (!need (r, in, ERTMP_FLV_PREV_SIZE_SIZE, &p))
    return ERTMP_NEED_MORE;
  v = be32 (p);
  if (v != r->expected_prev) {
    r->prev_mismatch = TRUE;
    g_free (r->note);
    r->note = g_strdup_printf ("PreviousTagSize at offset %" G_GUINT64_FORMAT
                               " is %u, expected %u",
        r->pos, v, r->expected_prev);
  }
  consume (r, in, ERTMP_FLV_PREV_SIZE_SIZE);
  r->state = READ_TAG_HEADER;
  return ERTMP_OK;
}

/* NULL when the tag header at @p may be read, else why not (newly
 * allocated).  *limit: the reason is a DataSize above the limit. */
static gchar *
tag_header_problem (const ertmp_flv_reader * r, const guint8 * p,
    ertmp_flv_tag_header * h, gboolean * limit)
{
  guint8 b0;

  tag_header_decode (p, h, &b0);
  *limit = FALSE;
  if ((b0 & 0xc0) != 0)
    return g_strdup_printf ("has reserved bits set (first byte 0x%02x)", b0);
  if (!tag_type_known (h->type))
    return g_strdup_printf ("has unknown TagType %u", h->type);
  if (h->size > r->limits.max_flv_tag_size) {
    *limit = TRUE;
    return g_strdup_printf (
        "has DataSize %u, above the maximum FLV tag size (%u bytes)", h->size,
        r->limits.max_flv_tag_size);
  }
  return NULL;
}

static ertmp_result
read_tag_header (ertmp_flv_reader * r, ertmp_reader * in)
{
  const guint8 * p;
  gchar * why;

  if (!need (r, in, ERTMP_FLV_TAG_HEADER_SIZE, &p))
    return ERTMP_NEED_MORE;
  why = tag_header_problem (r, p, &r->cur, &r->resync_limit);
  if (why != NULL) {
    /* a resync replaces any PreviousTagSize report */
    g_free (r->note);
    r->note = g_strdup_printf (
        "the tag header at offset %" G_GUINT64_FORMAT " %s", r->pos, why);
    g_free (why);
    r->prev_mismatch = FALSE;
    r->resync_start = r->pos;
    r->scan = r->pos + ERTMP_FLV_TAG_HEADER_SIZE;
    r->state = READ_RESYNC;
    return ERTMP_OK;
  }
  r->cur_offset = r->pos;
  consume (r, in, ERTMP_FLV_TAG_HEADER_SIZE);
  r->state = READ_BODY;
  return ERTMP_OK;
}

/* A resync candidate: a tag header that reads, from a plain writer
 * (no Filter, StreamID 0), of DataSize @size. */
static gboolean
candidate_plausible (const guint8 * p, guint32 size)
{
  ertmp_flv_tag_header h;

  return ertmp_flv_parse_tag_header (p, ERTMP_FLV_TAG_HEADER_SIZE, &h) ==
      ERTMP_OK &&
      !h.filter && h.stream_id == 0 && h.size == size;
}

/* Finds the tag that ends first after the broken header: the 4 bytes at
 * each scan position e, read as a PreviousTagSize v, point back to a
 * candidate header at e - v, which must be plausible with DataSize v - 11.
 * So a false candidate announcing a large DataSize cannot hide a real tag
 * behind it.  Bytes before the earliest possible candidate are dropped;
 * the tag found is then read as usual. */
static ertmp_result
read_resync (ertmp_flv_reader * r, ertmp_reader * in)
{
  guint64 max_v = ERTMP_FLV_TAG_HEADER_SIZE + r->limits.max_flv_tag_size;
  const guint8 * p;
  guint32 v;

  for (;; r->scan++) {
    if (r->scan + ERTMP_FLV_PREV_SIZE_SIZE - r->resync_start >
        r->limits.flv_resync_window)
      return fail (r, r->resync_limit ? ERTMP_LIMIT : ERTMP_MALFORMED,
          g_strdup_printf ("no valid FLV tag within %u bytes: %s",
              r->limits.flv_resync_window, r->note));
    if (r->scan > r->pos + max_v)
      consume (r, in, (gsize) (r->scan - max_v - r->pos));
    /* the look-ahead grows a byte a step: cap the block at the most the
     * scan ever holds, not at this step's need, so that it grows
     * geometrically (a realloc per byte is quadratic where realloc
     * copies) */
    if (!need_capped (r, in,
            (gsize) (r->scan + ERTMP_FLV_PREV_SIZE_SIZE - r->pos),
            (gsize) (max_v + ERTMP_FLV_PREV_SIZE_SIZE), &p))
      return ERTMP_NEED_MORE;
    v = be32 (p + (r->scan - r->pos));
    if (v < ERTMP_FLV_TAG_HEADER_SIZE || v > max_v ||
        r->scan - r->resync_start < v ||
        !candidate_plausible (
            p + (r->scan - v - r->pos), v - ERTMP_FLV_TAG_HEADER_SIZE))
      continue;
    consume (r, in, (gsize) (r->scan - v - r->pos));
    r->skipped = r->pos - r->resync_start;
    r->state = READ_TAG_HEADER;
    return ERTMP_OK;
  }
}

static void
release_delivered (ertmp_flv_reader * r)
{
  g_clear_pointer (&r->delivered, g_free);
  r->delivered_view = NULL;
  r->delivered_len = 0;
  r->can_take = FALSE;
}

/* The buffered payload at buf_start becomes the delivered block: the whole
 * buffer is handed over and the bytes after the payload (left by a resync
 * look-ahead) move to a new one, or the payload is copied out when those
 * are more. */
static void
deliver_buffered (ertmp_flv_reader * r, gsize n)
{
  gsize rest = buffered (r) - n;
  guint8 * old = r->buf;

  if (rest > n) {
    r->delivered = g_memdup2 (r->buf + r->buf_start, n);
    r->delivered_view = r->delivered;
    r->buf_start += n;
    return;
  }
  r->delivered = old;
  r->delivered_view = old + r->buf_start;
  r->buf = NULL;
  r->buf_alloc = 0;
  r->buf_len = r->buf_start = 0;
  if (rest > 0) {
    buf_reserve (r, rest, rest);
    memcpy (r->buf, r->delivered_view + n, rest);
    r->buf_len = rest;
  }
}

static void
report (ertmp_flv_reader * r, ertmp_flv_tag * tag)
{
  tag->skipped = r->skipped;
  tag->prev_size_mismatch = r->prev_mismatch;
  g_clear_pointer (&r->problem, g_free);
  if (r->skipped > 0)
    r->problem = g_strdup_printf (
        "skipped %" G_GUINT64_FORMAT " bytes: %s", r->skipped, r->note);
  else if (r->prev_mismatch)
    r->problem = g_strdup (r->note);
  g_clear_pointer (&r->note, g_free);
  r->skipped = 0;
  r->prev_mismatch = FALSE;
}

static ertmp_result
read_body (ertmp_flv_reader * r, ertmp_reader * in, ertmp_flv_tag * tag)
{
  const guint8 * p;
  gsize n = r->cur.size;

  if (!need (r, in, n, &p))
    return ERTMP_NEED_MORE;
  if (n == 0) {
    r->delivered_view = empty_payload;
  } else if (buffered (r) > 0) {
    deliver_buffered (r, n);
    r->pos += n;
    if (buffered (r) == 0)
      buf_reset (r);
  } else {
    r->delivered_view = p; /* zero copy */
    consume (r, in, n);
  }
  r->delivered_len = n;
  r->can_take = TRUE;
  tag->header = r->cur;
  tag->payload = r->delivered_view;
  tag->offset = r->cur_offset;
  report (r, tag);
  r->expected_prev = (guint32) (ERTMP_FLV_TAG_HEADER_SIZE + n);
  r->state = READ_PREV_SIZE;
  return ERTMP_OK;
}

ertmp_result
ertmp_flv_reader_read (ertmp_flv_reader * r, const guint8 * data, gsize len,
    gsize * consumed, ertmp_flv_tag * tag)
{
  ertmp_reader in;
  ertmp_result res = ERTMP_OK;

  g_return_val_if_fail (r != NULL, ERTMP_STATE);
  g_return_val_if_fail (consumed != NULL && tag != NULL, ERTMP_STATE);
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);

  if (data == NULL)
    data = empty_payload;
  *consumed = 0;
  release_delivered (r);
  ertmp_reader_init (&in, data, len);
  for (;;) {
    switch (r->state) {
      case READ_FILE_HEADER:
        res = read_file_header (r, &in);
        break;
      case READ_SKIP:
        res = read_skip (r, &in);
        break;
      case READ_PREV_SIZE:
        res = read_prev_size (r, &in);
        break;
      case READ_TAG_HEADER:
        res = read_tag_header (r, &in);
        break;
      case READ_BODY:
        res = read_body (r, &in, tag);
        *consumed = in.pos;
        return res;
      case READ_RESYNC:
        res = read_resync (r, &in);
        break;
      case READ_FAILED:
        res = ERTMP_STATE;
        break;
    }
    if (res != ERTMP_OK)
      break;
  }
  *consumed = in.pos;
  return res;
}

GBytes *
ertmp_flv_reader_take_payload (ertmp_flv_reader * r)
{
  GBytes * bytes;

  g_return_val_if_fail (r != NULL, NULL);
  g_return_val_if_fail (r->can_take, NULL);

  if (r->delivered != NULL)
    bytes = g_bytes_new_with_free_func (
        r->delivered_view, r->delivered_len, g_free, r->delivered);
  else
    bytes = g_bytes_new (r->delivered_view, r->delivered_len);
  r->delivered = NULL;
  r->can_take = FALSE;
  return bytes;
}

const gchar *
ertmp_flv_reader_describe (const ertmp_flv_reader * r)
{
  g_return_val_if_fail (r != NULL, NULL);

  return r->problem;
}

gboolean
ertmp_flv_reader_pending (const ertmp_flv_reader * r, guint64 * offset)
{
  gboolean held;
  guint64 at;

  g_return_val_if_fail (r != NULL, FALSE);

  held = buffered (r) > 0;
  at = r->pos;
  switch (r->state) {
    case READ_FILE_HEADER:
    case READ_PREV_SIZE:
    case READ_TAG_HEADER:
      break;
    case READ_SKIP:
      held = TRUE;
      at = 0;
      break;
    case READ_BODY:
      held = TRUE;
      at = r->cur_offset;
      break;
    case READ_RESYNC:
      held = TRUE;
      at = r->resync_start;
      break;
    case READ_FAILED:
      held = FALSE;
      break;
  }
  if (held && offset != NULL)
    *offset = at;
  return held;
}

gboolean
ertmp_flv_reader_get_header (const ertmp_flv_reader * r, ertmp_flv_header * h)
{
  g_return_val_if_fail (r != NULL && h != NULL, FALSE);

  if (r->have_header)
    *h = r->header;
  return r->have_header;
}

gsize
ertmp_flv_reader_buffered_bytes (const ertmp_flv_reader * r)
{
  g_return_val_if_fail (r != NULL, 0);

  return buffered (r);
}
