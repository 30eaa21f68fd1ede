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

void
gst_er_demux_report (GstErDemux * demux, ertmp_result res,
    GstErDemuxTrack * track, gboolean fatal, const gchar * fault)
{
  gchar *who = track ? gst_er_demux_track_name (track) : g_strdup ("stream");
  guint *held = track ? &track->warnings_held : &demux->warnings_held;
  gint64 *last = track ? &track->last_warning_ms : &demux->last_warning_ms;
  gboolean *once = track ? &track->warned_once : &demux->warned_once;

  if (fatal) {
    GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
        ("Cannot read the FLV stream: %s.", fault),
        ("%s (%s)", who, ertmp_result_name (res)));
  } else if (!*once || demux->last_ms < *last ||
      demux->last_ms - *last >= GST_ER_DEMUX_WARNING_INTERVAL_MS) {
    GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
        ("FLV %s: %s.", who, fault),
        ("%s; %u similar warnings of this track not posted before",
            ertmp_result_name (res), *held));
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
gst_er_demux_report_missing_start (GstErDemux * demux,
    GstErDemuxTrack * track, gboolean exposed, gint64 waited_ms)
{
  gchar *who = gst_er_demux_track_name (track);
  const gchar *kind = track->kind == ERTMP_CODEC_KIND_VIDEO ? "video" :
      "audio";

  if (exposed) {
    GST_ELEMENT_WARNING_WITH_DETAILS (demux, STREAM, DEMUX,
        ("FLV %s: its frames come without a SequenceStart; they are played "
            "without the decoder configuration record (%s frames carry "
            "their own).", who, ertmp_codec_name (track->codec)), (NULL),
        ("problem", G_TYPE_STRING, "missing-sequence-start", "track-type", G_TYPE_STRING, kind,
            "track-id", G_TYPE_UINT, (guint) track->id, "codec",
            G_TYPE_STRING, ertmp_codec_name (track->codec), "exposed",
            G_TYPE_BOOLEAN, TRUE, "waited", G_TYPE_UINT64, (guint64) 0,
            NULL));
  } else {
    GST_ELEMENT_WARNING_WITH_DETAILS (demux, STREAM, DEMUX,
        ("FLV %s: no SequenceStart within %" G_GINT64_FORMAT " ms of its "
            "first frame; the track is left out until one comes.", who,
            waited_ms), ("sequence-start-timeout=%u ms",
            demux->sequence_start_timeout),
        ("problem", G_TYPE_STRING, "missing-sequence-start", "track-type", G_TYPE_STRING, kind,
            "track-id", G_TYPE_UINT, (guint) track->id, "codec",
            G_TYPE_STRING, ertmp_codec_name (track->codec), "exposed",
            G_TYPE_BOOLEAN, FALSE, "waited", G_TYPE_UINT64,
            (guint64) waited_ms * GST_MSECOND, NULL));
  }
  g_free (who);
}
