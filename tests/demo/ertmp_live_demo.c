/* gst-ertmp: the live loopback E-RTMP demo (README's first command)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two pipelines in one process, joined by a real RTMP connection on
 * 127.0.0.1:
 *
 *   publisher: videotestsrc ! x265enc ! h265parse ! flvemux ! rtmppushsink
 *              audiotestsrc ! opusenc ! flvemux.audio
 *   receiver:  rtmpingestsrc ! tee ! filesink (the stream as an FLV file)
 *                                  ! erdemux ! h265parse ! avdec_h265
 *                                            ! opusdec
 *
 * flvemux writes Enhanced RTMP (hvc1, Opus) with ModEx nanosecond offsets,
 * so every timestamp crosses exactly.  The demo prints what the publisher
 * sent, what arrived (caps, counts, decoded frames), the ingest element's
 * messages and stats, and exits 0 only when every frame arrived with its
 * presentation time to the nanosecond and decoded.
 *
 * Usage: ertmp-live-demo [OUTPUT.flv] [SINK]   (SINK: rtmppushsink by
 * default; rtmp2sink works too)
 */
#include <stdio.h>
#include <string.h>
#include <gst/gst.h>

#define N_VIDEO 150             /* 5 s at 30 fps */
#define N_AUDIO 250             /* 5 s of 20 ms Opus frames */

typedef struct
{
  const gchar *label;
  GArray *pts;                  /* GstClockTime, in order */
  guint decoded;
  GstCaps *caps;
} Stream;

typedef struct
{
  Stream sent[2], got[2];       /* 0 video, 1 audio */
} Demo;

static GstPadProbeReturn
record (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Stream *s = data;
  GstClockTime pts = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));

  g_array_append_val (s->pts, pts);
  if (s->caps == NULL)
    s->caps = gst_pad_get_current_caps (pad);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
count_decoded (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  ((Stream *) data)->decoded++;
  return GST_PAD_PROBE_OK;
}

static void
probe (GstElement * bin, const gchar * element, const gchar * pad,
    GstPadProbeCallback func, Stream * s)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (bin), element);
  GstPad *p = gst_element_get_static_pad (e, pad);

  gst_pad_add_probe (p, GST_PAD_PROBE_TYPE_BUFFER, func, s, NULL);
  gst_object_unref (p);
  gst_object_unref (e);
}

static void
on_demux_pad (GstElement * demux, GstPad * pad, Demo * demo)
{
  gboolean video = g_str_has_prefix (GST_PAD_NAME (pad), "video");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, record,
      &demo->got[video ? 0 : 1], NULL);
}

/* Runs the bus of @pipeline until EOS or an error: FALSE on error. */
static gboolean
run_until_eos (GstElement * pipeline, const gchar * name, gboolean verbose)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gboolean ok = FALSE, done = FALSE;

  while (!done) {
    GstMessage *m = gst_bus_timed_pop (bus, 60 * GST_SECOND);
    GError *err = NULL;
    gchar *dbg = NULL;

    if (m == NULL) {
      g_printerr ("%s: no EOS within 60 s\n", name);
      break;
    }
    switch (GST_MESSAGE_TYPE (m)) {
      case GST_MESSAGE_EOS:
        ok = done = TRUE;
        break;
      case GST_MESSAGE_ERROR:
        gst_message_parse_error (m, &err, &dbg);
        g_printerr ("%s: error: %s (%s)\n", name, err->message, dbg);
        g_clear_error (&err);
        g_free (dbg);
        done = TRUE;
        break;
      case GST_MESSAGE_ELEMENT:
        if (verbose) {
          gchar *str = gst_structure_to_string (gst_message_get_structure (m));
          g_print ("  bus: %s\n", str);
          g_free (str);
        }
        break;
      default:
        break;
    }
    gst_message_unref (m);
  }
  gst_object_unref (bus);
  return ok;
}

static gboolean
report (Demo * demo, guint i)
{
  Stream *sent = &demo->sent[i], *got = &demo->got[i];
  gchar *caps = got->caps ? gst_caps_to_string (got->caps) : g_strdup ("-");
  guint n = MIN (sent->pts->len, got->pts->len), j, exact = 0;
  GstClockTime s0, g0;

  for (j = 0; j < n; j++) {
    s0 = g_array_index (sent->pts, GstClockTime, j)
        - g_array_index (sent->pts, GstClockTime, 0);
    g0 = g_array_index (got->pts, GstClockTime, j)
        - g_array_index (got->pts, GstClockTime, 0);
    exact += s0 == g0;
  }
  g_print ("%s: sent %u, received %u (%u with the same PTS to the "
      "nanosecond), decoded %u\n  caps: %.200s%s\n", sent->label,
      sent->pts->len, got->pts->len, exact, got->decoded, caps,
      strlen (caps) > 200 ? "..." : "");
  g_free (caps);
  return sent->pts->len > 0 && got->pts->len == sent->pts->len
      && exact == n && got->decoded == got->pts->len;
}

static void
init_streams (Demo * demo)
{
  const gchar *labels[2] = { "video (H.265, hvc1)", "audio (Opus)" };
  guint i;

  for (i = 0; i < 2; i++) {
    demo->sent[i].label = demo->got[i].label = labels[i];
    demo->sent[i].pts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
    demo->got[i].pts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  }
}

static void
clear_streams (Demo * demo)
{
  guint i;

  for (i = 0; i < 2; i++) {
    g_array_unref (demo->sent[i].pts);
    g_array_unref (demo->got[i].pts);
    gst_clear_caps (&demo->sent[i].caps);
    gst_clear_caps (&demo->got[i].caps);
  }
}

static GstElement *
receiver_new (const gchar * file, Demo * demo, GError ** err)
{
  gchar *desc = g_strdup_printf ("rtmpingestsrc name=ingest host=127.0.0.1 "
      "port=0 application=live stream-key=demo-key keep-listening=false "
      "! tee name=t t. ! queue ! filesink location=\"%s\" async=false "
      "t. ! queue ! erdemux name=d "
      "d.video ! queue ! h265parse ! avdec_h265 name=vdec ! fakesink "
      "async=false d.audio ! queue ! opusdec name=adec ! fakesink "
      "async=false", file);
  GstElement *p = gst_parse_launch (desc, err);
  GstElement *d;

  g_free (desc);
  if (p == NULL)
    return NULL;
  d = gst_bin_get_by_name (GST_BIN (p), "d");
  g_signal_connect (d, "pad-added", G_CALLBACK (on_demux_pad), demo);
  gst_object_unref (d);
  probe (p, "vdec", "src", count_decoded, &demo->got[0]);
  probe (p, "adec", "src", count_decoded, &demo->got[1]);
  return p;
}

static GstElement *
publisher_new (const gchar * sink, gint port, Demo * demo, GError ** err)
{
  gchar *desc = g_strdup_printf ("flvemux name=m timestamp-offset-nano=true "
      "! %s location=rtmp://127.0.0.1:%d/live/demo-key "
      "videotestsrc num-buffers=%d ! video/x-raw,width=640,height=360,"
      "framerate=30/1 ! x265enc speed-preset=ultrafast tune=zerolatency "
      "key-int-max=30 ! h265parse name=vp ! m.video "
      "audiotestsrc num-buffers=%d samplesperbuffer=960 ! "
      "audio/x-raw,rate=48000,channels=2 ! opusenc name=ae ! m.audio",
      sink, port, N_VIDEO, N_AUDIO);
  GstElement *p = gst_parse_launch (desc, err);

  g_free (desc);
  if (p == NULL)
    return NULL;
  probe (p, "vp", "src", record, &demo->sent[0]);
  probe (p, "ae", "src", record, &demo->sent[1]);
  return p;
}

int
main (int argc, char **argv)
{
  const gchar *file = argc > 1 ? argv[1] : "ertmp-demo.flv";
  const gchar *sink = argc > 2 ? argv[2] : "rtmppushsink";
  GstElement *receiver, *publisher = NULL, *ingest;
  GstStructure *stats;
  GError *err = NULL;
  Demo demo = { 0 };
  gboolean ok = FALSE;
  gint port;
  gchar *str;

  gst_init (&argc, &argv);
  init_streams (&demo);
  receiver = receiver_new (file, &demo, &err);
  if (receiver == NULL) {
    g_printerr ("receiver: %s\n", err->message);
    return 1;
  }
  gst_element_set_state (receiver, GST_STATE_PLAYING);
  ingest = gst_bin_get_by_name (GST_BIN (receiver), "ingest");
  g_object_get (ingest, "bound-port", &port, NULL);
  g_print ("== rtmpingestsrc listens on rtmp://127.0.0.1:%d/live "
      "(stream key demo-key)\n", port);
  g_print ("== publishing 5 s of H.265 + Opus as Enhanced RTMP with %s\n",
      sink);
  publisher = publisher_new (sink, port, &demo, &err);
  if (publisher == NULL) {
    g_printerr ("publisher: %s\n", err->message);
    goto done;
  }
  gst_element_set_state (publisher, GST_STATE_PLAYING);
  if (!run_until_eos (publisher, "publisher", FALSE))
    goto done;
  g_print ("== publisher done; the receiver's messages:\n");
  ok = run_until_eos (receiver, "receiver", TRUE);
  g_object_get (ingest, "stats", &stats, NULL);
  str = gst_structure_to_string (stats);
  g_print ("== rtmpingestsrc stats:\n  %s\n== what arrived:\n", str);
  g_free (str);
  gst_structure_free (stats);
  ok &= report (&demo, 0);
  ok &= report (&demo, 1);
  g_print ("== the stream is recorded in %s\n%s\n", file,
      ok ? "OK: every frame arrived, exact to the nanosecond, and decoded" :
      "FAILED");
done:
  g_clear_error (&err);
  if (publisher) {
    gst_element_set_state (publisher, GST_STATE_NULL);
    gst_object_unref (publisher);
  }
  gst_element_set_state (receiver, GST_STATE_NULL);
  gst_object_unref (ingest);
  gst_object_unref (receiver);
  clear_streams (&demo);
  return ok ? 0 : 1;
}
