/* gst-ertmp: bounds-checked reader and writer for wire data
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The only place where the core does pointer arithmetic on wire bytes.
 * A reader is a view {data, len, pos} over caller memory, valid as long as
 * that memory is.  Every read checks the remaining length and returns FALSE
 * (consuming nothing) when the input is too short; the caller decides whether
 * that means NEED_MORE (a stream) or MALFORMED (a complete message).
 * Writers append to a GByteArray, GLib's growable buffer.
 */
#ifndef ERTMP_BYTES_H
#define ERTMP_BYTES_H

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
} ertmp_reader;

static inline void
ertmp_reader_init (ertmp_reader * r, const guint8 * data, gsize len)
{
  r->data = data;
  r->len = len;
  r->pos = 0;
}

static inline gsize
ertmp_reader_remaining (const ertmp_reader * r)
{
  return r->len - r->pos;
}

static inline const guint8 *
ertmp_reader_current (const ertmp_reader * r)
{
  return r->data + r->pos;
}

static inline gboolean
ertmp_reader_skip (ertmp_reader * r, gsize n)
{
  if (ertmp_reader_remaining (r) < n)
    return FALSE;
  r->pos += n;
  return TRUE;
}

/* Borrows @n bytes: *out points into the reader's memory. */
static inline gboolean
ertmp_reader_view (ertmp_reader * r, gsize n, const guint8 ** out)
{
  if (ertmp_reader_remaining (r) < n)
    return FALSE;
  *out = r->data + r->pos;
  r->pos += n;
  return TRUE;
}

static inline gboolean
ertmp_reader_copy (ertmp_reader * r, gsize n, void *out)
{
  if (ertmp_reader_remaining (r) < n)
    return FALSE;
  memcpy (out, r->data + r->pos, n);
  r->pos += n;
  return TRUE;
}

static inline gboolean
ertmp_reader_u8 (ertmp_reader * r, guint8 * out)
{
  if (r->pos >= r->len)
    return FALSE;
  *out = r->data[r->pos++];
  return TRUE;
}

/* Big-endian unsigned integer of @n bytes (1..4), without advancing. */
static inline gboolean
ertmp_reader_peek_be (const ertmp_reader * r, guint n, guint32 * out)
{
  const guint8 *p;
  guint32 v = 0;
  guint i;

  if (ertmp_reader_remaining (r) < n)
    return FALSE;
  p = r->data + r->pos;
  for (i = 0; i < n; i++)
    v = (v << 8) | p[i];
  *out = v;
  return TRUE;
}

static inline gboolean
ertmp_reader_be (ertmp_reader * r, guint n, guint32 * out)
{
  if (!ertmp_reader_peek_be (r, n, out))
    return FALSE;
  r->pos += n;
  return TRUE;
}

static inline gboolean
ertmp_reader_u16be (ertmp_reader * r, guint16 * out)
{
  guint32 v;
  if (!ertmp_reader_be (r, 2, &v))
    return FALSE;
  *out = (guint16) v;
  return TRUE;
}

static inline gboolean
ertmp_reader_u24be (ertmp_reader * r, guint32 * out)
{
  return ertmp_reader_be (r, 3, out);
}

static inline gboolean
ertmp_reader_u32be (ertmp_reader * r, guint32 * out)
{
  return ertmp_reader_be (r, 4, out);
}

/* Signed 24-bit big-endian (FLV composition time). */
static inline gboolean
ertmp_reader_s24be (ertmp_reader * r, gint32 * out)
{
  guint32 v;
  if (!ertmp_reader_be (r, 3, &v))
    return FALSE;
  *out = (v & 0x800000u) ? (gint32) v - 0x1000000 : (gint32) v;
  return TRUE;
}

static inline gboolean
ertmp_reader_u16le (ertmp_reader * r, guint16 * out)
{
  const guint8 *p;
  if (!ertmp_reader_view (r, 2, &p))
    return FALSE;
  *out = (guint16) (p[0] | (p[1] << 8));
  return TRUE;
}

static inline gboolean
ertmp_reader_u32le (ertmp_reader * r, guint32 * out)
{
  const guint8 *p;
  if (!ertmp_reader_view (r, 4, &p))
    return FALSE;
  *out = (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) |
      ((guint32) p[3] << 24);
  return TRUE;
}

static inline gboolean
ertmp_reader_f64be (ertmp_reader * r, gdouble * out)
{
  const guint8 *p;
  guint64 bits = 0;
  guint i;

  if (!ertmp_reader_view (r, 8, &p))
    return FALSE;
  for (i = 0; i < 8; i++)
    bits = (bits << 8) | p[i];
  memcpy (out, &bits, sizeof (bits));
  return TRUE;
}

/* Writers: append to a GByteArray. */

static inline void
ertmp_put_bytes (GByteArray * b, const void *data, gsize len)
{
  if (len > 0)
    g_byte_array_append (b, (const guint8 *) data, (guint) len);
}

static inline void
ertmp_put_u8 (GByteArray * b, guint8 v)
{
  g_byte_array_append (b, &v, 1);
}

/* Big-endian unsigned integer of @n bytes (1..4). */
static inline void
ertmp_put_be (GByteArray * b, guint n, guint32 v)
{
  guint8 tmp[4];
  guint i;

  for (i = 0; i < n; i++)
    tmp[i] = (guint8) (v >> (8 * (n - 1 - i)));
  g_byte_array_append (b, tmp, n);
}

static inline void
ertmp_put_u16be (GByteArray * b, guint16 v)
{
  ertmp_put_be (b, 2, v);
}

static inline void
ertmp_put_u24be (GByteArray * b, guint32 v)
{
  ertmp_put_be (b, 3, v & 0xFFFFFFu);
}

static inline void
ertmp_put_u32be (GByteArray * b, guint32 v)
{
  ertmp_put_be (b, 4, v);
}

/* Signed 24-bit big-endian; @v must be in -2^23 .. 2^23-1. */
static inline void
ertmp_put_s24be (GByteArray * b, gint32 v)
{
  ertmp_put_be (b, 3, ((guint32) v) & 0xFFFFFFu);
}

static inline void
ertmp_put_u32le (GByteArray * b, guint32 v)
{
  guint8 tmp[4] = { (guint8) v, (guint8) (v >> 8), (guint8) (v >> 16),
    (guint8) (v >> 24)
  };
  g_byte_array_append (b, tmp, 4);
}

static inline void
ertmp_put_f64be (GByteArray * b, gdouble v)
{
  guint64 bits;
  guint8 tmp[8];
  guint i;

  memcpy (&bits, &v, sizeof (bits));
  for (i = 0; i < 8; i++)
    tmp[i] = (guint8) (bits >> (8 * (7 - i)));
  g_byte_array_append (b, tmp, 8);
}

/* Overwrites @n bytes (1..4) big-endian at @offset of an already written
 * array (length fields patched after the body is known). */
static inline void
ertmp_patch_be (GByteArray * b, gsize offset, guint n, guint32 v)
{
  guint i;

  g_assert (offset + n <= b->len);
  for (i = 0; i < n; i++)
    b->data[offset + i] = (guint8) (v >> (8 * (n - 1 - i)));
}

G_END_DECLS

#endif /* ERTMP_BYTES_H */
