/* gst-ertmp: rtmppushsink, an RTMP/RTMPS publisher
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtmppushsink
 * @title: rtmppushsink
 *
 * Publishes an FLV stream (from `flvemux`, or GStreamer's `flvmux`) to an
 * RTMP or RTMPS server: YouTube, Twitch, nginx-rtmp, SRS, MediaMTX,
 * node-media-server, `rtmpingestsrc`...  It takes rtmp2sink's properties
 * with the same meanings, and adds:
 *
 * - Enhanced RTMP capability negotiation (#GstRtmpPushSink:ertmp-advertise):
 *   by default connect lists the FourCCs of the stream's Enhanced codecs;
 *   the server's answer is in the stats and the
 *   #GstRtmpPushSink::server-capabilities signal.
 * - The E-RTMP Reconnect Request: the sink opens the connection the server
 *   names and switches to it before a key frame, stream headers first,
 *   without an error and without losing or repeating a frame.
 * - Automatic reconnection after a network failure
 *   (#GstRtmpPushSink:reconnect-attempts): up to
 *   #GstRtmpPushSink:max-queue-time of stream is kept meanwhile and the
 *   resumed stream starts at a key frame with its headers.  Bus element
 *   messages "rtmp-push-disconnected" and "rtmp-push-reconnected" tell the
 *   application; an error comes only when the attempts run out.
 * - A large default chunk size: servers spend far less CPU per byte.
 *
 * Input buffers may hold part of a tag, several tags or the file header.
 * The caps' `streamheader` (onMetaData and sequence starts) opens every
 * connection.  At EOS the stop commands go out and the connection ends
 * with a FIN once the server has everything.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! x265enc ! h265parse ! \
 *     flvemux name=m ! rtmppushsink location=rtmp://server/live/KEY \
 *     audiotestsrc is-live=true ! opusenc ! m.audio
 * ]| publishes HEVC + Opus as Enhanced RTMP.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstertmpelements.h"
#include "gstrtmppushsink.h"
#include "ertmp_connargs.h"
#include "ertmp_url.h"

GST_DEBUG_CATEGORY (gst_rtmp_push_sink_debug);
#define GST_CAT_DEFAULT gst_rtmp_push_sink_debug

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-flv"));


#define gst_rtmp_push_sink_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstRtmpPushSink, gst_rtmp_push_sink,
    GST_TYPE_BASE_SINK, G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER,
        gst_rtmp_push_sink_uri_init));
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (rtmppushsink, "rtmppushsink",
    GST_RANK_PRIMARY, GST_TYPE_RTMP_PUSH_SINK,
    GST_DEBUG_CATEGORY_INIT (gst_rtmp_push_sink_debug, "rtmppushsink", 0,
        "RTMP publisher sink"));

/* ---- GstBaseSink ---- */

static gboolean
gst_rtmp_push_sink_start (GstBaseSink * bsink)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (bsink);
  gchar *args, *message = NULL, *bad;
  gboolean async;
  ertmp_result res;

  GST_OBJECT_LOCK (sink);
  /* extra-connect-args, then the location's conn= options */
  args = sink->location_conn == NULL ? g_strdup (sink->extra_connect_args)
      : g_strjoin (" ", sink->extra_connect_args ? sink->extra_connect_args :
      "", sink->location_conn, NULL);
  async = sink->async_connect;
  sink->queue_limit = sink->max_queue_time;
  bad = g_strdup (sink->bad_location);
  GST_OBJECT_UNLOCK (sink);
  if (bad != NULL) {
    /* never dial the previous location instead */
    GST_ELEMENT_ERROR (sink, RESOURCE, SETTINGS, ("%s", bad),
        ("the location was refused when set"));
    g_free (bad);
    g_free (args);
    return FALSE;
  }
  g_clear_pointer (&sink->connect_args, g_ptr_array_unref);
  res = ertmp_connargs_parse (args, &sink->connect_args, &message);
  if (res != ERTMP_OK) {
    GST_ELEMENT_ERROR (sink, RESOURCE, SETTINGS,
        ("Bad extra-connect-args: %s", message), ("\"%s\"", args));
    g_free (message);
    g_free (args);
    return FALSE;
  }
  g_free (args);
  gst_rtmp_push_queue_clear (sink);
  g_mutex_lock (&sink->lock);
  sink->flushing = sink->failed = sink->closed = FALSE;
  sink->publishing = sink->published_once = sink->connecting = FALSE;
  sink->codecs_known = FALSE;
  g_mutex_unlock (&sink->lock);
  gst_rtmp_push_client_start (sink);
  if (async)
    gst_rtmp_push_client_connect (sink);
  return TRUE;
}

static gboolean
gst_rtmp_push_sink_stop (GstBaseSink * bsink)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (bsink);

  gst_rtmp_push_client_stop (sink);
  gst_rtmp_push_queue_clear (sink);
  return TRUE;
}

static gboolean
gst_rtmp_push_sink_unlock (GstBaseSink * bsink)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (bsink);

  g_mutex_lock (&sink->lock);
  sink->flushing = TRUE;
  g_cond_broadcast (&sink->cond);
  g_mutex_unlock (&sink->lock);
  return TRUE;
}

static gboolean
gst_rtmp_push_sink_unlock_stop (GstBaseSink * bsink)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (bsink);

  g_mutex_lock (&sink->lock);
  sink->flushing = FALSE;
  g_mutex_unlock (&sink->lock);
  return TRUE;
}

/* The caps' streamheader: kept aside, every connection starts with it. */
static gboolean
gst_rtmp_push_sink_set_caps (GstBaseSink * bsink, GstCaps * caps)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (bsink);
  const GValue *array = gst_structure_get_value (gst_caps_get_structure (caps,
          0), "streamheader");
  GPtrArray *bufs;
  GstFlowReturn ret;
  guint i;

  if (array == NULL || !GST_VALUE_HOLDS_ARRAY (array))
    return TRUE;
  bufs = g_ptr_array_new ();
  for (i = 0; i < gst_value_array_get_size (array); i++) {
    const GValue *v = gst_value_array_get_value (array, i);

    if (GST_VALUE_HOLDS_BUFFER (v))
      g_ptr_array_add (bufs, gst_value_get_buffer (v));
  }
  ret = gst_rtmp_push_queue_add_headers (sink, bufs);
  g_ptr_array_unref (bufs);
  return ret == GST_FLOW_OK;
}

/* A 13-byte FLV file header after the stream started (a muxer that
 * starts over): the tags go on, the header must not reach the reader. */
static gboolean
is_repeated_file_header (GstRtmpPushSink * sink, GstBuffer * buf)
{
  guint8 head[4];

  return sink->reader != NULL && gst_buffer_get_size (buf) == 13
      && gst_buffer_extract (buf, 0, head, 4) == 4
      && memcmp (head, "FLV\1", 4) == 0;
}

static GstFlowReturn
gst_rtmp_push_sink_render (GstBaseSink * bsink, GstBuffer * buf)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (bsink);

  gst_rtmp_push_client_connect (sink);
  /* in-band copies of the streamheader stay: a connection skips the
   * headers it already got (they also carry headers that change) */
  if (is_repeated_file_header (sink, buf)) {
    GST_LOG_OBJECT (sink, "skipped a repeated FLV file header");
    return GST_FLOW_OK;
  }
  return gst_rtmp_push_queue_add (sink, buf);
}

static gboolean
gst_rtmp_push_sink_event (GstBaseSink * bsink, GstEvent * event)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (bsink);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS)
    gst_rtmp_push_client_finish (sink);
  return GST_BASE_SINK_CLASS (parent_class)->event (bsink, event);
}


static void
gst_rtmp_push_sink_finalize (GObject * object)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (object);

  gst_rtmp_push_queue_clear (sink);
  g_array_unref (sink->headers);
  g_clear_pointer (&sink->connect_args, g_ptr_array_unref);
  gst_rtmp_push_props_clear (sink);
  if (sink->last_stats)
    gst_structure_free (sink->last_stats);
  g_mutex_clear (&sink->lock);
  g_cond_clear (&sink->cond);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}


/* gst-inspect shows this; docs/network-elements.md says the same */
#define MESSAGES_DOC "  Bus element messages (every tc-url redacted): " \
  "rtmp-push-published (tc-url string, attempt uint 0) when the first " \
  "connection publishes; rtmp-push-disconnected (tc-url string, reason " \
  "string, attempt uint: 1 for the first retry, retry-in uint64 ns) when " \
  "a publishing connection is lost, with a RESOURCE WRITE warning; " \
  "rtmp-push-reconnected (tc-url, attempt uint) when a retry publishes; " \
  "rtmp-push-reconnect-request (tc-url string: where the server sends us, " \
  "description string) on an E-RTMP Reconnect Request; rtmp-push-switched " \
  "(from string, tc-url string) when the stream moved to that server.  " \
  "Signal server-capabilities(sink, capabilities): capabilities is an " \
  "rtmp-push-server-capabilities structure: tc-url (string), " \
  "server-version (string), fourcc-list (string), has-caps-ex (boolean), " \
  "caps-ex (uint)."

static void
gst_rtmp_push_sink_class_init (GstRtmpPushSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *base_class = GST_BASE_SINK_CLASS (klass);

  gobject_class->finalize = gst_rtmp_push_sink_finalize;
  base_class->start = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_start);
  base_class->stop = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_stop);
  base_class->unlock = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_unlock);
  base_class->unlock_stop =
      GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_unlock_stop);
  base_class->set_caps = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_set_caps);
  base_class->render = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_render);
  base_class->event = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_event);

  gst_rtmp_push_props_install (gobject_class);
  /**
   * GstRtmpPushSink::server-capabilities:
   * @sink: the element
   * @capabilities: an "rtmp-push-server-capabilities" structure: tc-url
   *   (string, redacted), server-version (string, fmsVer), fourcc-list
   *   (string, comma-separated), has-caps-ex (boolean), caps-ex (uint)
   *
   * Emitted from the element's I/O thread when a server answered connect.
   */
  g_signal_new ("server-capabilities", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
      GST_TYPE_STRUCTURE);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class,
      "RTMP publisher sink", "Sink/Network",
      "Publishes FLV over RTMP/RTMPS with Enhanced RTMP negotiation, the "
      "Reconnect Request and automatic reconnection." MESSAGES_DOC
      "  Example: videotestsrc is-live=true ! x264enc tune=zerolatency "
      "key-int-max=60 ! h264parse ! flvemux ! "
      "rtmppushsink location=rtmp://127.0.0.1:1935/live/KEY",
      "gst-ertmp developers");
  gst_rtmp_push_props_mark_api ();
}


static void
gst_rtmp_push_sink_init (GstRtmpPushSink * sink)
{
  gst_rtmp_push_props_init (sink);
  g_mutex_init (&sink->lock);
  g_cond_init (&sink->cond);
  gst_rtmp_push_queue_init (sink);
  gst_base_sink_set_sync (GST_BASE_SINK (sink), TRUE);
}
