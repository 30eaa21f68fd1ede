/* gst-ertmp: AMF value model shared by the AMF0 and AMF3 codecs
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One tree type for both encodings.  Values are reference counted so that an
 * AMF0 reference (0x07) or an AMF3 object reference shares the referenced
 * subtree instead of copying it (no amplification); a reference to a value
 * that is still being decoded (a cycle) is refused as MALFORMED, so every
 * decoded tree is acyclic.  Encoders never emit references.
 */
#ifndef ERTMP_AMF_H
#define ERTMP_AMF_H

#include <glib.h>
#include "ertmp_result.h"
#include "ertmp_limits.h"
#include "ertmp_bytes.h"

G_BEGIN_DECLS

typedef enum
{
  ERTMP_AMF_UNDEFINED = 0,
  ERTMP_AMF_NULL,
  ERTMP_AMF_BOOLEAN,
  ERTMP_AMF_NUMBER,             /* double: AMF0 0x00, AMF3 0x05 */
  ERTMP_AMF_INTEGER,            /* AMF3 0x04, 29-bit signed */
  ERTMP_AMF_STRING,             /* AMF0 0x02 / 0x0C, AMF3 0x06 */
  ERTMP_AMF_XML_DOCUMENT,       /* AMF0 0x0F, AMF3 0x07 */
  ERTMP_AMF_XML,                /* AMF3 0x0B (E4X) */
  ERTMP_AMF_DATE,               /* AMF0 0x0B, AMF3 0x08: ms since epoch */
  ERTMP_AMF_OBJECT,             /* AMF0 0x03 / 0x10 (class_name), AMF3 0x0A */
  ERTMP_AMF_ECMA_ARRAY,         /* AMF0 0x08 */
  ERTMP_AMF_ARRAY,              /* AMF0 0x0A strict; AMF3 0x09 (items dense,
                                 * props associative) */
  ERTMP_AMF_BYTE_ARRAY,         /* AMF3 0x0C */
  ERTMP_AMF_VECTOR_INT,         /* AMF3 0x0D */
  ERTMP_AMF_VECTOR_UINT,        /* AMF3 0x0E */
  ERTMP_AMF_VECTOR_DOUBLE,      /* AMF3 0x0F */
  ERTMP_AMF_VECTOR_OBJECT,      /* AMF3 0x10 */
  ERTMP_AMF_DICTIONARY,         /* AMF3 0x11 */
  ERTMP_AMF_UNSUPPORTED,        /* AMF0 0x0D */
} ertmp_amf_type;

/* Flags on a value */
typedef enum
{
  /* decoded from AMF3 (after 0x11 in an AMF0 stream); the AMF0 encoder
   * writes such a value back as 0x11 + AMF3 */
  ERTMP_AMF_FLAG_AMF3 = 1 << 0,
  /* AMF3 object: dynamic traits */
  ERTMP_AMF_FLAG_DYNAMIC = 1 << 1,
  /* AMF3 vector: fixed length */
  ERTMP_AMF_FLAG_FIXED = 1 << 2,
  /* AMF3 dictionary: weak keys */
  ERTMP_AMF_FLAG_WEAK_KEYS = 1 << 3,
  /* AMF3 object: externalizable; its body is kept as raw bytes in data */
  ERTMP_AMF_FLAG_EXTERNALIZABLE = 1 << 4,
} ertmp_amf_flags;

typedef struct _ertmp_amf_value ertmp_amf_value;

typedef struct
{
  gchar *name;                  /* NUL-terminated copy */
  gsize name_len;               /* bytes, may be less than strlen if the key
                                 * holds a NUL */
  ertmp_amf_value *value;       /* owned reference */
} ertmp_amf_prop;

struct _ertmp_amf_value
{
  ertmp_amf_type type;
  guint flags;                  /* ertmp_amf_flags */
  gboolean boolean;             /* BOOLEAN */
  gdouble number;               /* NUMBER; DATE (ms since 1970 UTC) */
  gint32 integer;               /* INTEGER */
  gint16 timezone;              /* AMF0 DATE: read, kept, ignored */
  /* STRING, XML_DOCUMENT, XML, BYTE_ARRAY, externalizable body:
   * NUL-terminated copy (the NUL is not counted in data_len) */
  gchar *data;
  gsize data_len;
  /* OBJECT typed (AMF0 0x10) or AMF3 class, VECTOR_OBJECT element type;
   * NULL = anonymous */
  gchar *class_name;
  /* OBJECT, ECMA_ARRAY, associative part of ARRAY: GArray of ertmp_amf_prop
   * in wire order; NULL when empty */
  GArray *props;
  /* ARRAY dense part, VECTOR_OBJECT, DICTIONARY (key0, value0, key1, ...):
   * GPtrArray of ertmp_amf_value (owned); NULL when empty */
  GPtrArray *items;
  /* VECTOR_INT (gint32), VECTOR_UINT (guint32), VECTOR_DOUBLE (gdouble) */
  GArray *vector;
  guint sealed_count;           /* AMF3 OBJECT: the first props are sealed */
  guint32 ecma_count;           /* ECMA_ARRAY: count field as read */
  /*< private > */
  gint ref_count;
};

ertmp_amf_value *ertmp_amf_value_ref (ertmp_amf_value * value);
void ertmp_amf_value_unref (ertmp_amf_value * value);

/* Constructors: each returns a new value with one reference. */
ertmp_amf_value *ertmp_amf_new (ertmp_amf_type type);
ertmp_amf_value *ertmp_amf_new_number (gdouble number);
ertmp_amf_value *ertmp_amf_new_boolean (gboolean boolean);
ertmp_amf_value *ertmp_amf_new_integer (gint32 integer);
/* @len may be -1 for a NUL-terminated string */
ertmp_amf_value *ertmp_amf_new_string (const gchar * str, gssize len);
ertmp_amf_value *ertmp_amf_new_date (gdouble ms);
ertmp_amf_value *ertmp_amf_new_byte_array (const guint8 * data, gsize len);

/* Appends a property (no replacement), taking ownership of @value.  Valid on
 * OBJECT, ECMA_ARRAY and ARRAY (associative part). */
void ertmp_amf_add (ertmp_amf_value * obj, const gchar * name,
    ertmp_amf_value * value);
/* Helpers that build and add in one call */
void ertmp_amf_add_number (ertmp_amf_value * obj, const gchar * name,
    gdouble number);
void ertmp_amf_add_string (ertmp_amf_value * obj, const gchar * name,
    const gchar * str);
void ertmp_amf_add_boolean (ertmp_amf_value * obj, const gchar * name,
    gboolean boolean);
/* Appends an item to ARRAY / VECTOR_OBJECT / DICTIONARY, taking ownership */
void ertmp_amf_append (ertmp_amf_value * arr, ertmp_amf_value * item);

/* First property named @name of an OBJECT, ECMA_ARRAY or ARRAY; NULL if
 * none or @obj is another type.  Borrowed. */
const ertmp_amf_value *ertmp_amf_get (const ertmp_amf_value * obj,
    const gchar * name);
/* Typed accessors; NULL / FALSE when the type differs */
const gchar *ertmp_amf_get_string (const ertmp_amf_value * value);
/* NUMBER or INTEGER */
gboolean ertmp_amf_get_number (const ertmp_amf_value * value, gdouble * out);
/* Shortcuts for a property of an object */
const gchar *ertmp_amf_get_prop_string (const ertmp_amf_value * obj,
    const gchar * name);
gboolean ertmp_amf_get_prop_number (const ertmp_amf_value * obj,
    const gchar * name, gdouble * out);

/* Count of items (ARRAY dense, VECTOR_*, DICTIONARY pairs) or props
 * (OBJECT, ECMA_ARRAY) */
guint ertmp_amf_n_items (const ertmp_amf_value * value);
guint ertmp_amf_n_props (const ertmp_amf_value * value);
const ertmp_amf_value *ertmp_amf_item (const ertmp_amf_value * value,
    guint index);

/* Deep structural equality (type, flags that affect encoding, contents). */
gboolean ertmp_amf_equal (const ertmp_amf_value * a,
    const ertmp_amf_value * b);

/* Compact human-readable form, JSON-like, for logs and the demo. */
gchar *ertmp_amf_to_string (const ertmp_amf_value * value);

/* ---- decoding ------------------------------------------------------ */

/* Length of an externalizable object's body.  Called with the class name
 * and the bytes that follow the traits; sets *len to the body length and
 * returns OK, or returns NEED_MORE / MALFORMED / UNSUPPORTED. */
typedef ertmp_result (*ertmp_amf_ext_resolver) (const gchar * class_name,
    const guint8 * data, gsize avail, gsize * len, gpointer user_data);

/* One decoding context: the AMF0 reference table and the three AMF3 tables
 * of one RTMP message (amf.md 1.2, 2.3, 2.6), value count and depth. */
typedef struct _ertmp_amf_decoder ertmp_amf_decoder;

/* @limits is copied; NULL means the defaults. */
ertmp_amf_decoder *ertmp_amf_decoder_new (const ertmp_limits * limits);
void ertmp_amf_decoder_free (ertmp_amf_decoder * dec);
/* Replaces the limits (copied) for the next decodes. */
void ertmp_amf_decoder_set_limits (ertmp_amf_decoder * dec,
    const ertmp_limits * limits);
void ertmp_amf_decoder_set_ext_resolver (ertmp_amf_decoder * dec,
    ertmp_amf_ext_resolver resolver, gpointer user_data);
/* Forgets all reference tables and counts: call at each new message. */
void ertmp_amf_decoder_reset (ertmp_amf_decoder * dec);
/* When a decode returned LIMIT: which limit. */
ertmp_limit_id ertmp_amf_decoder_limit_hit (const ertmp_amf_decoder * dec);

G_END_DECLS

#endif /* ERTMP_AMF_H */
