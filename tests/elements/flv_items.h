/* gst-ertmp: the tags of recorded FLV streams, compared with what was sent
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For tests that record a publisher to a file and compare: each tag is
 * (type, FLV timestamp, body bytes) plus what it is (onMetaData, sequence
 * start, coded frames, key frame).  The check functions fail the running
 * libcheck test with a message naming the tag.
 */
#ifndef FLV_ITEMS_H
#define FLV_ITEMS_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum
{
  FLV_ITEM_SCRIPT,              /* onMetaData */
  FLV_ITEM_CONFIG,              /* a sequence start */
  FLV_ITEM_FRAME,               /* coded frames */
  FLV_ITEM_OTHER                /* sequence end, ... */
} FlvItemKind;

typedef struct
{
  guint8 type;                  /* ERTMP_FLV_TAG_* */
  guint32 ts;                   /* FLV timestamp, ms */
  FlvItemKind kind;
  gboolean key;                 /* video key frame */
  GBytes *body;
} FlvItem;

/* Every tag of an FLV stream (with or without its file header): a GArray
 * of FlvItem (transfer full).  A damaged or truncated stream fails. */
GArray *flv_items_parse (const guint8 * data, gsize len, const gchar * what);
GArray *flv_items_from_file (const gchar * path);

/* @got holds exactly the audio and video sequence starts and coded frames
 * of @want, in order per type, with the same timestamps and bodies (other
 * tags, such as onMetaData and sequence ends, are not compared).  Prints a
 * summary line. */
void flv_items_check_same (GArray * want, GArray * got, const gchar * what);

/* The coded frames of @parts, one after the other, are exactly those of
 * @sent, per type: none lost, none repeated.  Returns how many frames
 * each part holds (in @counts, @n_parts entries; may be NULL). */
void flv_items_check_union (GArray * sent, GArray ** parts, guint n_parts,
    guint * counts, const gchar * what);

/* The stream opens whole: every type's sequence start comes before its
 * first frame, and the first video frame is a key frame.  Returns that
 * frame (borrowed). */
const FlvItem *flv_items_check_start (GArray * items, const gchar * what);

G_END_DECLS

#endif /* FLV_ITEMS_H */
