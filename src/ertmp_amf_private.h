/* gst-ertmp: AMF decoder state and codec helpers shared by the AMF0 and AMF3
 * codecs (private)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Budgets.  Every decoded value counts against amf_max_values.  A reference
 * (AMF0 0x07, AMF3 string / object / traits reference) costs the weight of
 * what it repeats: the values of the referenced subtree, and its size in
 * bytes against max_message_size.  The tree a message expands to is thereby
 * bounded, so walking it (encode, equal, to_string) is bounded too, however
 * the peer chains its references.  Likewise a reference counts as deep as
 * what it repeats, so that the tree never nests deeper than amf_max_depth.
 *
 * Tables grow only by appending; a public decode call marks their lengths
 * and truncates them back when it fails, so that NEED_MORE and the errors
 * leave the decoder as they found it.
 */
#ifndef ERTMP_AMF_PRIVATE_H
#define ERTMP_AMF_PRIVATE_H

#include "ertmp_amf.h"

G_BEGIN_DECLS

/* nesting levels; ours: the decoders recurse once per level, so whatever
 * amf_max_depth says, they never go deeper than this (stack safety) */
#define ERTMP_AMF_DEPTH_HARD_MAX 256u

/* An entry of the AMF0 reference table or of the AMF3 object table */
typedef struct
{
  ertmp_amf_value *value; /* owned reference */
  gboolean complete;      /* FALSE while its members are decoded */
  guint32 values;         /* weight, once complete */
  gsize bytes;
  guint height; /* nesting levels inside it, once complete */
} ertmp_amf_ref;

/* An entry of the AMF3 string table, or a sealed member name */
typedef struct
{
  gchar *str; /* NUL-terminated copy */
  gsize len;
} ertmp_amf_str;

/* An entry of the AMF3 traits table */
typedef struct
{
  gchar *class_name; /* NULL = anonymous */
  GArray *names;     /* ertmp_amf_str, sealed member names */
  gboolean dynamic;
  gboolean externalizable;
  gsize bytes; /* weight: size of the inline definition */
} ertmp_amf_traits;

struct _ertmp_amf_decoder
{
  ertmp_limits limits;
  ertmp_limit_id limit_hit;
  ertmp_amf_ext_resolver ext_resolver;
  gpointer ext_user_data;
  GArray *refs0;      /* ertmp_amf_ref: AMF0 complex values */
  GArray *objects3;   /* ertmp_amf_ref: AMF3 object table */
  GArray *strings3;   /* ertmp_amf_str: AMF3 string table */
  GPtrArray *traits3; /* ertmp_amf_traits: AMF3 traits table */
  guint depth;        /* containers being decoded */
  guint peak;         /* deepest level reached, references expanded */
  guint32 n_values;   /* values decoded, references expanded */
  gsize n_bytes;      /* bytes added by expanding references */
  gboolean message;   /* inside ertmp_amf0_decode_message */
};

/* Table lengths and budgets at the start of a public decode call */
typedef struct
{
  guint refs0, objects3, strings3, traits3;
  guint32 n_values;
  gsize n_bytes;
} ertmp_amf_mark;

/* A table entry being filled: where its value started */
typedef struct
{
  guint index;
  gsize pos; /* reader position of the marker */
  guint32 values;
  gsize bytes;
  guint depth, peak;
} ertmp_amf_open;

/* One value at the reader, no mark/rollback: decode_value of either codec */
typedef ertmp_result (*ertmp_amf_decode_fn) (ertmp_amf_decoder * dec,
    ertmp_reader * r, ertmp_amf_value ** out);
/* One value appended to @out, not truncated on failure */
typedef ertmp_result (*ertmp_amf_encode_fn) (GByteArray * out,
    const ertmp_amf_value * v);

/* A public decode call around @decode: on OK the reader is past the value
 * and *out holds it; otherwise the reader, *out and the tables are as they
 * were */
ertmp_result ertmp_amf_dec_run (ertmp_amf_decoder * dec, ertmp_reader * r,
    ertmp_amf_value ** out, ertmp_amf_decode_fn decode);
/* A public encode call around @encode: on failure @out is truncated back to
 * its length before the call */
ertmp_result ertmp_amf_enc_run (GByteArray * out,
    const ertmp_amf_value * value, ertmp_amf_encode_fn encode);

void ertmp_amf_dec_mark (const ertmp_amf_decoder * dec, ertmp_amf_mark * m);
void ertmp_amf_dec_rollback (ertmp_amf_decoder * dec, const ertmp_amf_mark * m);
/* Adds to the budgets: LIMIT (and limit_hit set) when one is exceeded */
ertmp_result ertmp_amf_dec_count (ertmp_amf_decoder * dec, guint32 values,
    gsize bytes);
/* One more nesting level: LIMIT when too deep; pair with _leave on OK */
ertmp_result ertmp_amf_dec_enter (ertmp_amf_decoder * dec);
void ertmp_amf_dec_leave (ertmp_amf_decoder * dec);

/* Appends @value (ref taken) to @table as in progress */
void ertmp_amf_dec_open (ertmp_amf_decoder * dec, GArray * table,
    ertmp_amf_value * value, gsize marker_pos, ertmp_amf_open * o);
/* Marks the entry complete and records its weight */
void ertmp_amf_dec_close (ertmp_amf_decoder * dec, GArray * table,
    const ertmp_reader * r, const ertmp_amf_open * o);
/* Resolves a reference: MALFORMED when out of range or still in progress,
 * LIMIT when its weight exceeds a budget or its height the depth limit;
 * else a new reference in *out */
ertmp_result ertmp_amf_dec_lookup (ertmp_amf_decoder * dec, GArray * table,
    guint32 index, ertmp_amf_value ** out);

/* Value helpers */
gchar *ertmp_amf_copy_bytes (const guint8 * data, gsize len);
/* Appends a property, taking ownership of @name (a copy of @len bytes)
 * and @value */
void ertmp_amf_take_prop (ertmp_amf_value * obj, gchar * name, gsize len,
    ertmp_amf_value * value);

ertmp_amf_traits *ertmp_amf_traits_new (void);
void ertmp_amf_traits_free (gpointer traits);

/* AMF3 value at the reader, no mark/rollback (the 0x11 switch of AMF0) */
ertmp_result ertmp_amf3_decode_value (ertmp_amf_decoder * dec, ertmp_reader * r,
    ertmp_amf_value ** out);

G_END_DECLS

#endif /* ERTMP_AMF_PRIVATE_H */
