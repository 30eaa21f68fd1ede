/* gst-ertmp: rtmpingestsrc, a live RTMP/RTMPS ingest server
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-rtmpingestsrc
 * @title: rtmpingestsrc
 *
 * An RTMP and RTMPS server in the pipeline: OBS, FFmpeg or any encoder
 * publishes straight to it, and the published stream comes out as
 * `video/x-flv`: the FLV header, then one tag per buffer, with the stream
 * headers (onMetaData and sequence starts) in the caps' `streamheader`.
 * Enhanced RTMP (E-RTMP v1/v2: HEVC, AV1, VP9, Opus, multitrack, ModEx)
 * passes through untouched; link `erdemux` to get elementary streams.
 *
 * Every rtmpingestsrc of the process with the same host and port shares
 * one server (#GstRtmpIngestSrc:server): one listening socket, one I/O
 * thread, publishers routed by application and stream key, admission
 * control (connection limits with eviction of unauthenticated sockets,
 * small budgets before a publish is accepted, timeouts, takeover, PROXY
 * protocol).  One publisher at a time per element: by default a second
 * one with the same key takes over (#GstRtmpIngestSrc:takeover).  With
 * #GstRtmpIngestSrc:keep-listening the element serves the
 * next publisher after one leaves (the stream goes on with a DISCONT);
 * without, a publisher's teardown is EOS and a lost connection an error.
 * After its teardown a publisher keeps its connection until it closes it
 * (at most 5 s), and without keep-listening the EOS waits for that, so
 * that stopping the pipeline at EOS never cuts a publisher's teardown.
 *
 * The stream key (and application) are checked in constant time, before
 * anything that reveals the element's state; the
 * #GstRtmpIngestSrc::publish-request signal lets the application decide.
 * Without a stream key any key is accepted, and a warning says so at
 * start.  A location that does not parse is refused and the element does
 * not start.  Keys and ?query tokens appear only redacted in logs, bus
 * messages and stats.
 *
 * Signal arguments, bus messages and stats fields, with their types and
 * meanings, are listed in the factory details that gst-inspect-1.0 prints
 * (keys Signal-*, Action-*, Message-*, Stats-fields, Warnings).
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 rtmpingestsrc location=rtmp://0.0.0.0:1935/live/secret ! \
 *     erdemux name=d d.video ! queue ! decodebin ! autovideosink \
 *     d.audio ! queue ! decodebin ! autoaudiosink
 * ]| plays what `ffmpeg -re -i in.flv -c copy -f flv
 * rtmp://HOST/live/secret` publishes.
 * |[
 * gst-launch-1.0 -e rtmpingestsrc port=1935 keep-listening=false ! \
 *     filesink location=recording.flv
 * ]| records one publisher's stream as an FLV file, byte for byte.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstertmpelements.h"
#include "gstrtmpingestsrc.h"

GST_DEBUG_CATEGORY (gst_rtmp_ingest_src_debug);
#define GST_CAT_DEFAULT gst_rtmp_ingest_src_debug

enum
{
  SIGNAL_PUBLISH_REQUEST,
  SIGNAL_REQUEST_RECONNECT,
  SIGNAL_DISCONNECT_PUBLISHER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-flv"));

#define gst_rtmp_ingest_src_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstRtmpIngestSrc, gst_rtmp_ingest_src,
    GST_TYPE_ELEMENT, G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER,
        gst_ertmp_server_settings_uri_handler_init));
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (rtmpingestsrc, "rtmpingestsrc",
    GST_RANK_NONE, GST_TYPE_RTMP_INGEST_SRC,
    GST_DEBUG_CATEGORY_INIT (gst_rtmp_ingest_src_debug, "rtmpingestsrc", 0,
        "RTMP ingest server source"));

void
gst_rtmp_ingest_src_post (GstRtmpIngestSrc * src, GstStructure * structure)
{
  gst_element_post_message (GST_ELEMENT (src),
      gst_message_new_element (GST_OBJECT (src), structure));
}

/* ---- the server ---- */

/* NULL -> READY: binds the address, or joins the server already there. */
static gboolean
join_server (GstRtmpIngestSrc * src)
{
  if (!gst_ertmp_server_settings_join (&src->settings, GST_ELEMENT (src),
          &src->server))
    return FALSE;
  g_object_notify (G_OBJECT (src), "bound-port");
  g_object_notify (G_OBJECT (src), "server");
  return TRUE;
}

static void
leave_server (GstRtmpIngestSrc * src)
{
  gst_ertmp_server_settings_leave (&src->settings, GST_ELEMENT (src),
      &src->server);
}

/* READY -> PAUSED: the route to this element's app and key. */
static gboolean
start (GstRtmpIngestSrc * src)
{
  GstErtmpRouteConfig cfg = { NULL };
  GError *err = NULL;
  gchar *app, *key;

  GST_OBJECT_LOCK (src);
  app = g_strdup (src->settings.application);
  key = g_strdup (src->settings.stream);
  cfg.takeover = src->takeover;
  cfg.first_media_timeout = src->first_media_timeout;
  cfg.idle_timeout = src->idle_timeout;
  GST_OBJECT_UNLOCK (src);
  cfg.app = app;
  cfg.key = key;
  gst_rtmp_ingest_stream_start (src);
  src->finished = FALSE;
  src->publisher = NULL;
  src->routed = gst_ertmp_server_add_route (src->server, &cfg,
      &gst_rtmp_ingest_route_funcs, src, &err);
  if (!src->routed) {
    GST_ELEMENT_ERROR (src, RESOURCE, SETTINGS,
        ("Cannot serve this stream: %s", err->message), ("%s", err->message));
    g_error_free (err);
  } else if (key == NULL) {
    GST_ELEMENT_WARNING (src, RESOURCE, SETTINGS,
        ("No stream key set: any stream key is accepted on %s:%d",
            src->settings.host, src->settings.bound_port),
        ("set stream-key (or a KEY in location) to accept one key only"));
  }
  g_free (app);
  g_free (key);
  return src->routed;
}

/* PAUSED -> READY, once the pad is inactive: no more calls from the I/O
 * thread, then no drain running. */
static void
stop (GstRtmpIngestSrc * src)
{
  if (src->routed)
    gst_ertmp_server_remove_route (src->server, src);
  src->routed = FALSE;
  src->publisher = NULL;
  if (src->pending_end != NULL)
    gst_rtmp_ingest_item_free (src->pending_end);
  src->pending_end = NULL;
  gst_rtmp_ingest_stream_stop (src);
  g_mutex_lock (&src->lock);
  src->has_publisher = FALSE;
  g_mutex_unlock (&src->lock);
}

static GstStateChangeReturn
gst_rtmp_ingest_src_change_state (GstElement * element,
    GstStateChange transition)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!join_server (src))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!start (src)) {
        stop (src);
        return GST_STATE_CHANGE_FAILURE;
      }
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      gst_rtmp_ingest_stream_set_playing (src, FALSE);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_rtmp_ingest_stream_flush (src);
      break;
    default:
      break;
  }
  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (ret == GST_STATE_CHANGE_FAILURE)
        leave_server (src);
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (ret == GST_STATE_CHANGE_FAILURE)
        stop (src);
      else
        ret = GST_STATE_CHANGE_NO_PREROLL;      /* a live source */
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      if (ret != GST_STATE_CHANGE_FAILURE)
        gst_rtmp_ingest_stream_set_playing (src, TRUE);
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      if (ret != GST_STATE_CHANGE_FAILURE)
        ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      stop (src);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      leave_server (src);
      break;
    default:
      break;
  }
  return ret;
}

/* An EOS sent to the element (gst-launch-1.0 -e, an application ending a
 * recording) goes out after the buffer being pushed; the rest of the queue
 * is dropped, as a live GstBaseSrc does. */
static gboolean
gst_rtmp_ingest_src_send_event (GstElement * element, GstEvent * event)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (element);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    GST_DEBUG_OBJECT (src, "EOS requested");
    gst_rtmp_ingest_stream_send_eos (src);
    gst_event_unref (event);
    return TRUE;
  }
  if (!GST_EVENT_IS_DOWNSTREAM (event))
    return GST_ELEMENT_CLASS (parent_class)->send_event (element, event);
  /* other downstream events: in order before the next buffer, or at once
   * when they are not serialized (flushes, out-of-band) */
  if (GST_EVENT_IS_SERIALIZED (event)) {
    gst_rtmp_ingest_stream_send_event (src, event);
    return TRUE;
  }
  return gst_pad_push_event (src->srcpad, event);
}

/* ---- the source pad ---- */

static gboolean
src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (parent);
  GstClockTime latency;
  gchar *uri;

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_LATENCY:
      GST_OBJECT_LOCK (src);
      latency = src->latency * GST_MSECOND;
      GST_OBJECT_UNLOCK (src);
      /* tags arrive with the network's jitter behind their mapped time;
       * the queue holds as much as downstream needs */
      gst_query_set_latency (query, TRUE, latency, GST_CLOCK_TIME_NONE);
      return TRUE;
    case GST_QUERY_SCHEDULING:
      gst_query_set_scheduling (query, GST_SCHEDULING_FLAG_SEQUENTIAL, 1, -1,
          0);
      gst_query_add_scheduling_mode (query, GST_PAD_MODE_PUSH);
      return TRUE;
    case GST_QUERY_SEEKING:
      gst_query_set_seeking (query, GST_FORMAT_TIME, FALSE, 0, -1);
      return TRUE;
    case GST_QUERY_URI:
      uri = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
      if (uri == NULL)
        return FALSE;
      gst_query_set_uri (query, uri);
      g_free (uri);
      return TRUE;
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* Upstream events: nothing to seek, nothing to renegotiate (the caps are
 * the publisher's). */
static gboolean
src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  gboolean ok;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_RECONFIGURE:
    case GST_EVENT_LATENCY:
    case GST_EVENT_QOS:
      ok = TRUE;
      break;
    default:
      ok = FALSE;
      break;
  }
  gst_event_unref (event);
  return ok;
}

/* ---- GObject ---- */

static void
gst_rtmp_ingest_src_finalize (GObject * object)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (object);

  /* an EOS sent in READY may have queued a drain (that pushes nothing) */
  gst_rtmp_ingest_stream_stop (src);
  gst_rtmp_ingest_tags_clear (src);
  gst_rtmp_ingest_src_clear_properties (src);
  if (src->stats)
    gst_structure_free (src->stats);
  g_mutex_clear (&src->lock);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* publish-request: every handler must agree; the class handler, run last,
 * says yes when none said no */
static gboolean
publish_request_accumulator (GSignalInvocationHint * hint,
    GValue * return_accu, const GValue * handler_return, gpointer data)
{
  gboolean ok = g_value_get_boolean (handler_return);

  g_value_set_boolean (return_accu, ok);
  return ok;
}

static gboolean
publish_request_default (GstRtmpIngestSrc * src, const gchar * app,
    const gchar * key, const gchar * address, const gchar * tc_url,
    GstStructure * caps)
{
  return TRUE;
}

static gboolean
request_reconnect (GstRtmpIngestSrc * src, const gchar * tc_url,
    const gchar * description)
{
  return src->routed && gst_ertmp_server_request_reconnect (src->server, src,
      tc_url, description);
}

static gboolean
disconnect_publisher (GstRtmpIngestSrc * src)
{
  return src->routed && gst_ertmp_server_kick (src->server, src);
}

static void
install_signals (GObjectClass * gobject_class)
{
  /**
   * GstRtmpIngestSrc::publish-request:
   * @src: the element
   * @app: the application the publisher connected to
   * @key: the publishing name (stream key), "?query" included
   * @peer_address: "ip:port" of the publisher
   * @tc_url: the tcUrl of its connect
   * @capabilities: its E-RTMP capabilities (fourcc-list, caps-ex)
   *
   * Emitted from the server's I/O thread when a publisher that passed the
   * application and stream-key checks asks to publish.  That thread
   * serves every connection of every server of the process: do not block
   * in a handler.  Return FALSE to refuse it
   * (NetStream.Publish.Unauthorized); the first FALSE wins.
   *
   * Returns: TRUE to accept.
   */
  signals[SIGNAL_PUBLISH_REQUEST] = g_signal_new_class_handler
      ("publish-request", G_TYPE_FROM_CLASS (gobject_class),
      G_SIGNAL_RUN_LAST, G_CALLBACK (publish_request_default),
      publish_request_accumulator, NULL, NULL, G_TYPE_BOOLEAN, 5,
      G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
      GST_TYPE_STRUCTURE);
  /**
   * GstRtmpIngestSrc::request-reconnect:
   * @src: the element
   * @tc_url: where the publisher should go (absolute or relative), or NULL
   * @description: a human-readable reason, or NULL
   *
   * Sends the E-RTMP Reconnect Request to the publisher, so that it moves
   * to another server without an error (publishers that announced the
   * Reconnect capability act on it).
   *
   * Returns: FALSE when no publisher is connected.
   */
  signals[SIGNAL_REQUEST_RECONNECT] = g_signal_new_class_handler
      ("request-reconnect", G_TYPE_FROM_CLASS (gobject_class),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (request_reconnect), NULL, NULL,
      NULL, G_TYPE_BOOLEAN, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * GstRtmpIngestSrc::disconnect-publisher:
   * @src: the element
   *
   * Drops the publisher's connection (publish-end reason "kicked").
   *
   * Returns: FALSE when no publisher is connected.
   */
  signals[SIGNAL_DISCONNECT_PUBLISHER] = g_signal_new_class_handler
      ("disconnect-publisher", G_TYPE_FROM_CLASS (gobject_class),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (disconnect_publisher), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 0);
}

static void
gst_rtmp_ingest_src_class_init (GstRtmpIngestSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_rtmp_ingest_src_set_property;
  gobject_class->get_property = gst_rtmp_ingest_src_get_property;
  gobject_class->finalize = gst_rtmp_ingest_src_finalize;

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_rtmp_ingest_src_change_state);
  element_class->send_event =
      GST_DEBUG_FUNCPTR (gst_rtmp_ingest_src_send_event);
  gst_rtmp_ingest_src_install_properties (gobject_class);
  install_signals (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "RTMP ingest server source", "Source/Network",
      "Receives a stream published over RTMP/RTMPS (and Enhanced RTMP) "
      "by OBS, FFmpeg or any encoder, as FLV.  "
      "Example: rtmpingestsrc location=rtmp://0.0.0.0:1935/live/KEY ! "
      "erdemux name=d d.video ! queue ! decodebin ! autovideosink "
      "d.audio ! queue ! decodebin ! autoaudiosink",
      "gst-ertmp developers");
  gst_rtmp_ingest_src_add_documentation (element_class);
}

static void
gst_rtmp_ingest_src_init (GstRtmpIngestSrc * src)
{
  gst_rtmp_ingest_src_init_properties (src);
  gst_rtmp_ingest_stream_init (src);
  gst_rtmp_ingest_tags_init (src);
  src->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_query_function (src->srcpad, GST_DEBUG_FUNCPTR (src_query));
  gst_pad_set_event_function (src->srcpad, GST_DEBUG_FUNCPTR (src_event));
  gst_pad_use_fixed_caps (src->srcpad);
  gst_element_add_pad (GST_ELEMENT (src), src->srcpad);
  GST_OBJECT_FLAG_SET (src, GST_ELEMENT_FLAG_SOURCE);
}
