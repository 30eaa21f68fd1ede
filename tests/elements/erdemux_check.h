/* gst-ertmp: helpers of the erdemux file tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pipelines run to the end under a hang watchdog, what every pad of an
 * element carries (PTS, DTS, bytes, caps) and the messages on the bus;
 * FLV files read and rewritten tag by tag with the core's FLV code.
 */
#ifndef ERDEMUX_CHECK_H
#define ERDEMUX_CHECK_H

#include <gst/gst.h>

#include "ertmp_flv.h"

G_BEGIN_DECLS

/* Only there to catch a hang: far above any run of these tests (a few
 * seconds on a loaded machine). */
#define CHECK_HANG_TIMEOUT (300 * GST_SECOND)

/* What one pad carried; the header buffers (a muxer's input: untimed or
 * in the caps' streamheader; configuration, not frames) only counted. */
typedef struct
{
  gchar *name;
  GArray *pts;                  /* running time (or buffer time, see
                                 * raw_times) of each buffer */
  GArray *dts;
  GstSegment segment;
  guint headers;                /* streamheader buffers */
  GByteArray *bytes;            /* every buffer, concatenated */
  GArray *sizes;                /* gsize of each buffer */
  GstCaps *caps;                /* the last caps */
  guint n_caps;                 /* caps events */
  gboolean mixed_media;         /* caps changed their media type */
  guint decoded;                /* buffers a fakesink named "dec_NAME" got */
} CheckStream;

typedef struct
{
  GHashTable *streams;          /* pad name -> CheckStream */
  GPtrArray *warnings;          /* "text | debug" of each WARNING */
  GPtrArray *details;           /* GstStructure: the details of each
                                 * WARNING and ERROR that has some */
  GstClockTime hang_timeout;    /* CHECK_HANG_TIMEOUT unless set */
  gboolean raw_times;           /* buffer times, not running times */
  gboolean allow_error;         /* an ERROR ends the run, kept in error */
  gchar *error;
  GMutex lock;
} Check;

Check *check_new (void);
void check_free (Check * c);
/* The stream of pad @name, or NULL. */
CheckStream *check_stream (Check * c, const gchar * name);

/* Records the buffers and caps of every pad of @element in @dir (also the
 * pads it adds later), by pad name. */
void check_record_pads (Check * c, GstElement * element,
    GstPadDirection dir);
/* Counts in each stream's "decoded" the buffers of every fakesink of @bin
 * named "dec_PADNAME" (signal-handoffs must be on). */
void check_count_decoded (Check * c, GstElement * bin);

/* Runs @pipeline to EOS; WARNING messages go to c->warnings and their
 * details to c->details.  Fails the test on a hang (no message for
 * c->hang_timeout), and on an ERROR unless c->allow_error. */
void check_run (Check * c, GstElement * pipeline);

/* A WARNING whose text or debug contains every one of the NULL-terminated
 * strings. */
gboolean check_has_warning (Check * c, const gchar * first, ...)
    G_GNUC_NULL_TERMINATED;
/* The details of a WARNING or ERROR whose "problem" is @name, about a
 * track ("track-type" @type, "track-id" @id) or, @type NULL, about the
 * stream (neither field); NULL when there is none. */
const GstStructure *check_warning_details (Check * c, const gchar * name,
    const gchar * type, guint id);

/* Rewrites an FLV file tag by tag: @fn gets each tag and appends what
 * replaces it (possibly nothing, or several tags) to @out with
 * check_flv_append_tag (). */
typedef void (*CheckTagFunc) (const ertmp_flv_tag * tag, GByteArray * out,
    gpointer user_data);
GBytes *check_flv_rewrite (GBytes * flv, CheckTagFunc fn, gpointer user_data);
void check_flv_append_tag (GByteArray * out, guint8 type, guint32 ts,
    const guint8 * body, gsize len);

/* filesrc location=@file ! @demux, each pad it adds linked to a queue and
 * a fakesink, every pad recorded, run to the end. */
void check_demux_file (Check * c, const gchar * demux, const gchar * file);

/* gst_parse_launch () of @desc with every "@FILE@" replaced by @file;
 * fails the test when it cannot be made. */
GstElement *check_launch (const gchar * desc, const gchar * file);

/* A new empty file name in the temporary directory (free it). */
gchar *check_tmp_file (const gchar * suffix);

G_END_DECLS

#endif /* ERDEMUX_CHECK_H */
