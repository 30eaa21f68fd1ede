/* gst-ertmp: flvemux, the onMetaData script tag (flv.md 6.1, ertmp.md 8)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Track 0 of each kind fills the top-level keys; tracks > 0 go to
 * videoTrackIdInfoMap / audioTrackIdInfoMap, keyed by the track id as a
 * string.  Codec ids are the legacy id for legacy tracks and the FourCC as
 * a number for Enhanced ones.  Advisory only: the sequence starts are what
 * a reader must trust.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstflvemux.h"
#include "ertmp_amf0.h"

static gdouble
codec_id (const GstFlvEMuxTrack * t)
{
  return ertmp_codec_metadata_id (ertmp_codec_get (t->codec), !t->enhanced);
}

/* @top: the top-level names (stereo, audiosamplerate) or the track-map
 * ones (channels, samplerate) */
static void
add_track (ertmp_amf_value * obj, GstFlvEMuxPad * pad, gboolean top)
{
  const GstFlvEMuxTrack *t = &pad->track;

  if (pad->video) {
    if (t->width > 0 && t->height > 0) {
      ertmp_amf_add_number (obj, "width", t->width);
      ertmp_amf_add_number (obj, "height", t->height);
    }
    if (t->framerate > 0)
      ertmp_amf_add_number (obj, "framerate", t->framerate);
    if (pad->bitrate > 0)
      ertmp_amf_add_number (obj, "videodatarate", pad->bitrate / 1000.0);
    ertmp_amf_add_number (obj, "videocodecid", codec_id (t));
    return;
  }
  if (pad->bitrate > 0)
    ertmp_amf_add_number (obj, "audiodatarate", pad->bitrate / 1000.0);
  if (t->rate > 0)
    ertmp_amf_add_number (obj, top ? "audiosamplerate" : "samplerate",
        t->rate);
  ertmp_amf_add_number (obj, "audiosamplesize", t->sample_bits);
  if (top)
    ertmp_amf_add_boolean (obj, "stereo", t->n_channels == 2);
  if (!top || t->n_channels > 2)
    ertmp_amf_add_number (obj, top ? "audiochannels" : "channels",
        t->n_channels);
  ertmp_amf_add_number (obj, "audiocodecid", codec_id (t));
}

/* Adds track @pad to the map of its kind, creating the map on first use */
static void
add_to_map (ertmp_amf_value ** map, GstFlvEMuxPad * pad)
{
  ertmp_amf_value *entry = ertmp_amf_new (ERTMP_AMF_OBJECT);
  gchar key[4];

  if (*map == NULL)
    *map = ertmp_amf_new (ERTMP_AMF_OBJECT);
  g_snprintf (key, sizeof (key), "%u", pad->track_id);
  add_track (entry, pad, FALSE);
  ertmp_amf_add (*map, key, entry);
}

GBytes *
gst_flv_emux_metadata (GstFlvEMux * mux)
{
  ertmp_amf_value *meta = ertmp_amf_new (ERTMP_AMF_ECMA_ARRAY);
  ertmp_amf_value *maps[2] = { NULL, NULL };
  GByteArray *out = g_byte_array_new ();
  GList *l;

  GST_OBJECT_LOCK (mux);
  if (!mux->streamable) {
    /* rewritten at the end when downstream can seek */
    ertmp_amf_add_number (meta, "duration", 0.0);
    ertmp_amf_add_number (meta, "filesize", 0.0);
  }
  for (l = GST_ELEMENT (mux)->sinkpads; l != NULL; l = l->next) {
    GstFlvEMuxPad *pad = l->data;

    if (!pad->configured)
      continue;
    if (pad->track_id == 0)
      add_track (meta, pad, TRUE);
    else
      add_to_map (&maps[pad->video], pad);
  }
  if (maps[1] != NULL)
    ertmp_amf_add (meta, "videoTrackIdInfoMap", maps[1]);
  if (maps[0] != NULL)
    ertmp_amf_add (meta, "audioTrackIdInfoMap", maps[0]);
  ertmp_amf_add_string (meta, "encoder", mux->encoder);
  GST_OBJECT_UNLOCK (mux);

  ertmp_amf0_put_string (out, "onMetaData");
  ertmp_amf0_encode (out, meta);
  ertmp_amf_value_unref (meta);
  return g_byte_array_free_to_bytes (out);
}
