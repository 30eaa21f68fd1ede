/* gst-ertmp: FLV file framing: file header, tag headers, PreviousTagSize
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * flv.md sections 1-3.  Tag bodies are not interpreted here (that is the
 * media module).  The reader is fed any split of a file's bytes and returns
 * one tag at a time; the writer appends headers and PreviousTagSize fields
 * to a GByteArray so that a muxer can put its payload memory between them
 * without copying.
 */
#ifndef ERTMP_FLV_H
#define ERTMP_FLV_H

#include <glib.h>
#include "ertmp_result.h"
#include "ertmp_limits.h"
#include "ertmp_time.h"

G_BEGIN_DECLS

#define ERTMP_FLV_HEADER_SIZE 9u /* file header, version 1 */
#define ERTMP_FLV_TAG_HEADER_SIZE 11u
#define ERTMP_FLV_PREV_SIZE_SIZE 4u /* PreviousTagSize field */
#define ERTMP_FLV_TAG_SIZE_MAX 0xFFFFFFu /* DataSize is 24 bits */

#define ERTMP_FLV_FLAG_AUDIO 0x04u /* file header flags, advisory */
#define ERTMP_FLV_FLAG_VIDEO 0x01u

#define ERTMP_FLV_TAG_AUDIO 8u
#define ERTMP_FLV_TAG_VIDEO 9u
#define ERTMP_FLV_TAG_SCRIPT_AMF3 15u /* E-RTMP (ertmp.md 11) */
#define ERTMP_FLV_TAG_SCRIPT 18u /* AMF0 */

typedef struct
{
  guint8 version;
  guint8 flags; /* ERTMP_FLV_FLAG_*: don't trust them */
  guint32 data_offset; /* >= 9; bytes beyond 9 are skipped */
} ertmp_flv_header;

typedef struct
{
  guint8 type; /* ERTMP_FLV_TAG_* */
  gboolean filter; /* encrypted (Annex F): undecodable */
  guint32 size; /* DataSize: payload bytes */
  guint32 timestamp; /* ms: (TimestampExtended << 24) | Timestamp */
  guint32 stream_id; /* 0 in every file */
} ertmp_flv_tag_header;

/* Stateless parsers: NEED_MORE when @len is short, MALFORMED when the
 * signature is not "FLV" or DataOffset < 9 (file header), or when reserved
 * bits are set or TagType is not 8, 9, 15 or 18 (tag header). */
ertmp_result ertmp_flv_parse_header (
    const guint8 * data, gsize len, ertmp_flv_header * h);
ertmp_result ertmp_flv_parse_tag_header (
    const guint8 * data, gsize len, ertmp_flv_tag_header * h);

/* Writers.  File header (version 1, @flags) + PreviousTagSize0: 13 bytes.
 * Tag header: 11 bytes, the payload of h->size bytes follows; STATE when
 * the type is unknown or a field overflows its width.  PreviousTagSize
 * after a tag of @size payload bytes: STATE when @size > 0xFFFFFF. */
void ertmp_flv_write_header (GByteArray * out, guint8 flags);
ertmp_result ertmp_flv_write_tag_header (
    GByteArray * out, const ertmp_flv_tag_header * h);
ertmp_result ertmp_flv_write_prev_size (GByteArray * out, gsize size);

/* One tag.  @payload (header.size bytes) is valid until the next call on
 * the reader that returned it. */
typedef struct
{
  ertmp_flv_tag_header header;
  const guint8 * payload;
  guint64 offset; /* of the tag header, from the file start */
  guint64 skipped; /* bytes a resync skipped just before it */
  gboolean prev_size_mismatch; /* PreviousTagSize before it was wrong */
} ertmp_flv_tag;

typedef struct _ertmp_flv_reader ertmp_flv_reader;

/* @limits is copied (max_flv_tag_size, flv_resync_window); NULL: defaults */
ertmp_flv_reader * ertmp_flv_reader_new (const ertmp_limits * limits);
void ertmp_flv_reader_free (ertmp_flv_reader * r);

/* Consumes bytes from @data until one tag is complete or the input is used
 * up.  *consumed is always set.
 *  OK: *tag holds a tag; call again with the rest of the input.
 *  NEED_MORE: all input consumed (buffered), no tag complete yet.
 *  MALFORMED: not an FLV file, or a broken tag header with no valid tag in
 *   the resync window after it; LIMIT: the same when the broken header was
 *   a DataSize above max_flv_tag_size.  Then the reader is unusable.
 * A wrong PreviousTagSize is reported on the next tag and reading goes on.
 * A broken tag header (reserved bits, unknown type, DataSize over the limit)
 * starts a scan for the first tag to end, within flv_resync_window bytes,
 * that has a valid header (no Filter, StreamID 0) and the PreviousTagSize
 * that matches it; tag->skipped counts the bytes passed over. */
ertmp_result ertmp_flv_reader_read (ertmp_flv_reader * r, const guint8 * data,
    gsize len, gsize * consumed, ertmp_flv_tag * tag);

/* The payload of the tag last returned as a GBytes (transfer full), without
 * copying when the reader buffered it (a copy when it points into the
 * caller's input).  Valid once, before the next read. */
GBytes * ertmp_flv_reader_take_payload (ertmp_flv_reader * r);

/* What went wrong, for a message: the error last returned, or the resync or
 * PreviousTagSize mismatch the last tag reports; NULL when neither.  Valid
 * until the next read. */
const gchar * ertmp_flv_reader_describe (const ertmp_flv_reader * r);

/* At the end of the input: TRUE when it ends inside an item (file header,
 * PreviousTagSize, tag, or bytes a resync was examining), i.e. the file is
 * truncated; *offset (may be NULL) is where that item starts. */
gboolean ertmp_flv_reader_pending (
    const ertmp_flv_reader * r, guint64 * offset);

/* FALSE until the file header was read. */
gboolean ertmp_flv_reader_get_header (
    const ertmp_flv_reader * r, ertmp_flv_header * h);
gsize ertmp_flv_reader_buffered_bytes (const ertmp_flv_reader * r);

G_END_DECLS

#endif /* ERTMP_FLV_H */
