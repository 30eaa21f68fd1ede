/* gst-ertmp: E-RTMP connect capabilities (ertmp.md 9)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * fourCcList, videoFourCcInfoMap, audioFourCcInfoMap and capsEx as carried in
 * the connect command object (client) and the connect _result (server).
 */
#ifndef ERTMP_CAPS_H
#define ERTMP_CAPS_H

#include <glib.h>
#include "ertmp_amf.h"
#include "ertmp_codec.h"

G_BEGIN_DECLS

/* ERTMP_FOURCC, ERTMP_FOURCC_ANY and the FourCC string helpers live in
 * ertmp_codec.h. */

/* FourCcInfoMask */
#define ERTMP_FOURCC_CAN_DECODE 0x01u
#define ERTMP_FOURCC_CAN_ENCODE 0x02u
#define ERTMP_FOURCC_CAN_FORWARD 0x04u

/* CapsExMask */
#define ERTMP_CAPS_EX_RECONNECT 0x01u
#define ERTMP_CAPS_EX_MULTITRACK 0x02u
#define ERTMP_CAPS_EX_MODEX 0x04u
#define ERTMP_CAPS_EX_TIMESTAMP_NANO_OFFSET 0x08u

typedef struct
{
  guint32 fourcc;               /* or ERTMP_FOURCC_ANY */
  guint32 mask;                 /* ERTMP_FOURCC_CAN_* */
} ertmp_fourcc_info;

/* Each field is absent (NULL / has_caps_ex FALSE) or present (possibly
 * empty).  All absent = a legacy peer. */
typedef struct
{
  GArray *fourcc_list;          /* guint32 */
  GArray *video_info;           /* ertmp_fourcc_info */
  GArray *audio_info;           /* ertmp_fourcc_info */
  gboolean has_caps_ex;
  guint32 caps_ex;
} ertmp_caps;

void ertmp_caps_init (ertmp_caps * caps);
void ertmp_caps_clear (ertmp_caps * caps);
void ertmp_caps_copy (ertmp_caps * dest, const ertmp_caps * src);
gboolean ertmp_caps_is_empty (const ertmp_caps * caps);
gboolean ertmp_caps_equal (const ertmp_caps * a, const ertmp_caps * b);

/* Building: adds @fourcc to fourCcList (making it present; no duplicates),
 * or to the InfoMap of the given kind with @mask (OR-ed into an existing
 * entry). */
void ertmp_caps_add_fourcc (ertmp_caps * caps, guint32 fourcc);
void ertmp_caps_add_info (ertmp_caps * caps, gboolean video, guint32 fourcc,
    guint32 mask);

/* Reads the four properties from an OBJECT or ECMA_ARRAY, merging into
 * @caps (so that a client can read both _result objects).  Tolerant:
 * entries of the wrong type or a FourCC string that is not 4 bytes (other
 * than "*") are skipped.  Returns MALFORMED only when @obj is not an
 * object-like value. */
ertmp_result ertmp_caps_read (ertmp_caps * caps, const ertmp_amf_value * obj);
/* Appends the present fields to @obj in the order fourCcList,
 * videoFourCcInfoMap, audioFourCcInfoMap, capsEx (test-vectors.md 3.3);
 * writes nothing when all are absent. */
void ertmp_caps_write (const ertmp_caps * caps, ertmp_amf_value * obj);

/* Whether the peer listed @fourcc (or "*") in fourCcList or, with any of
 * @mask, in the InfoMap of the given kind.  A "*" InfoMap entry overrides
 * the per-codec entries (ertmp.md 9). */
gboolean ertmp_caps_lists (const ertmp_caps * caps, gboolean video,
    guint32 fourcc, guint32 mask);

G_END_DECLS

#endif /* ERTMP_CAPS_H */
