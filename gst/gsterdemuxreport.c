/* gst-ertmp: erdemux: the one place where results become bus messages
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every warning and error erdemux posts is made here; the element
 * documentation (gsterdemux.c) and docs/elements.md list them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsterdemux.h"

GST_DEBUG_CATEGORY_EXTERN (gst_er_demux_debug);
#define GST_CAT_DEFAULT gst_er_demux_debug

/* details.problem of a core result */
static const gchar *
problem_name (ertmp_result res)
{
  switch (res) {
    case ERTMP_MALFORMED:
      return "malformed";
    case ERTMP_UNSUPPORTED:
      return "unsupported";
    case ERTMP_LIMIT:
      return "limit";
    case ERTMP_NEED_MORE:
      return "truncated";
    default:
      return "invalid-state";
  }
}

/* The details every message of erdemux carries (docs/erdemux.md) */
static GstStructure *
details (GstErDemuxTrack * track, const gchar * problem)
{
  GstStructure *s = gst_structure_new ("details", "problem", G_TYPE_STRING,
      problem, NULL);

  if (track == NULL)
    return s;
  gst_structure_set (s, "track-type", G_TYPE_STRING,
      track->kind == ERTMP_CODEC_KIND_VIDEO ? "video" : "audio", "track-id",
      G_TYPE_UINT, (guint) track->id, NULL);
  if (track->codec != ERTMP_CODEC_UNKNOWN)
    gst_structure_set (s, "codec", G_TYPE_STRING,
        ertmp_codec_name (track->codec), NULL);
  return s;
}

/* @text, @debug: transfer full; @structure: transfer full */
static void
post (GstErDemux * demux, GstMessageType type, gchar * text, gchar * debug,
    GstStructure * structure, const gchar * function, gint line)
{
  gst_element_message_full_with_details (GST_ELEMENT (demux), type,
      GST_STREAM_ERROR, GST_STREAM_ERROR_DEMUX, text, debug, __FILE__,
      function, line, structure);
}

void
gst_er_demux_report (GstErDemux * demux, ertmp_result res,
    GstErDemuxTrack * track, gboolean fatal, const gchar * fault)
{
  gchar *who = track ? gst_er_demux_track_name (track) : g_strdup ("stream");
  guint *held = track ? &track->warnings_held : &demux->warnings_held;
  gint64 *last = track ? &track->last_warning_ms : &demux->last_warning_ms;
  gboolean *once = track ? &track->warned_once : &demux->warned_once;
  GstStructure *s;

  if (fatal) {
    post (demux, GST_MESSAGE_ERROR,
        g_strdup_printf ("Cannot read the FLV stream: %s.", fault),
        g_strdup_printf ("%s (%s)", who, ertmp_result_name (res)),
        details (track, problem_name (res)), GST_FUNCTION, __LINE__);
  } else if (!*once || demux->last_ms < *last ||
      demux->last_ms - *last >= GST_ER_DEMUX_WARNING_INTERVAL_MS) {
    s = details (track, problem_name (res));
    gst_structure_set (s, "held", G_TYPE_UINT, *held, NULL);
    post (demux, GST_MESSAGE_WARNING,
        g_strdup_printf ("FLV %s: %s.", who, fault),
        g_strdup_printf ("%s; %u similar warnings of this track not posted "
            "before", ertmp_result_name (res), *held), s, GST_FUNCTION,
        __LINE__);
    *once = TRUE;
    *held = 0;
    *last = demux->last_ms;
  } else {
    GST_WARNING_OBJECT (demux, "%s: %s (%s)", who, fault,
        ertmp_result_name (res));
    (*held)++;
  }
  g_free (who);
}

void
gst_er_demux_report_no_tracks (GstErDemux * demux)
{
  post (demux, GST_MESSAGE_ERROR, g_strdup ("The FLV stream holds no audio "
          "or video track that can be played."), NULL,
      details (NULL, "no-tracks"), GST_FUNCTION, __LINE__);
}

void
gst_er_demux_report_missing_start (GstErDemux * demux,
    GstErDemuxTrack * track, gboolean exposed, gint64 waited_ms)
{
  gchar *who = gst_er_demux_track_name (track);
  GstStructure *s = details (track, "missing-sequence-start");

  gst_structure_set (s, "exposed", G_TYPE_BOOLEAN, exposed, "waited",
      G_TYPE_UINT64, (guint64) waited_ms * GST_MSECOND, NULL);
  if (exposed)
    post (demux, GST_MESSAGE_WARNING, g_strdup_printf ("FLV %s: its frames "
            "come without a SequenceStart; they are played without the "
            "decoder configuration record (%s frames carry their own).",
            who, ertmp_codec_name (track->codec)), NULL, s, GST_FUNCTION,
        __LINE__);
  else
    post (demux, GST_MESSAGE_WARNING, g_strdup_printf ("FLV %s: no "
            "SequenceStart within %" G_GINT64_FORMAT " ms of its first "
            "frame; the track is left out until one comes.", who,
            waited_ms), g_strdup_printf ("sequence-start-timeout=%u ms",
            demux->sequence_start_timeout), s, GST_FUNCTION, __LINE__);
  g_free (who);
}
