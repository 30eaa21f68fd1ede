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

#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT 1935
#define DEFAULT_APPLICATION "live"
#define DEFAULT_STREAM "myStream"
#define DEFAULT_TIMEOUT 5
#define DEFAULT_FLASH_VERSION "FMLE/3.0 (compatible; FMSc/1.0)"
#define DEFAULT_ASYNC_CONNECT TRUE
#define DEFAULT_CHUNK_SIZE 65536
#define DEFAULT_STOP_COMMANDS (ERTMP_SESSION_STOP_FCUNPUBLISH | \
    ERTMP_SESSION_STOP_DELETESTREAM)
#define DEFAULT_PUBLISH_TYPE "live"
#define DEFAULT_ADVERTISE GST_RTMP_PUSH_ADVERTISE_AUTO
#define DEFAULT_RECONNECT_ATTEMPTS 5
#define DEFAULT_RECONNECT_INTERVAL GST_SECOND
#define DEFAULT_MAX_QUEUE_TIME (10 * GST_SECOND)
#define DEFAULT_STABLE_TIME (10 * GST_SECOND)
#define DEFAULT_ALLOW_TLS_DOWNGRADE FALSE

enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_HOST,
  PROP_PORT,
  PROP_APPLICATION,
  PROP_STREAM,
  PROP_USERNAME,
  PROP_PASSWORD,
  PROP_TIMEOUT,
  PROP_TLS_VALIDATION_FLAGS,
  PROP_FLASH_VERSION,
  PROP_EXTRA_CONNECT_ARGS,
  PROP_ASYNC_CONNECT,
  PROP_CHUNK_SIZE,
  PROP_STOP_COMMANDS,
  PROP_PUBLISH_TYPE,
  PROP_ERTMP_ADVERTISE,
  PROP_ADVERTISE_EXTENSIONS,
  PROP_RECONNECT_ATTEMPTS,
  PROP_RECONNECT_INTERVAL,
  PROP_MAX_QUEUE_TIME,
  PROP_STATS,
  PROP_STABLE_TIME,
  PROP_ALLOW_TLS_DOWNGRADE,
  PROP_TLS_DATABASE,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-flv"));

#define GST_TYPE_RTMP_PUSH_ADVERTISE (gst_rtmp_push_advertise_get_type ())
static GType
gst_rtmp_push_advertise_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_RTMP_PUSH_ADVERTISE_AUTO, "The FourCCs of the stream's Enhanced "
          "codecs; nothing for a legacy stream", "auto"},
    {GST_RTMP_PUSH_ADVERTISE_NONE, "Nothing: a legacy connect", "none"},
    {GST_RTMP_PUSH_ADVERTISE_FOURCC_LIST, "fourCcList of the stream's "
          "codecs (what FFmpeg sends)", "fourcc-list"},
    {GST_RTMP_PUSH_ADVERTISE_FULL, "E-RTMP v2: fourCcList, FourCC info "
          "maps and capsEx (Reconnect)", "full"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstRtmpPushAdvertise", values));
  return type;
}

#define GST_TYPE_RTMP_PUSH_STOP_COMMANDS (gst_rtmp_push_stop_commands_get_type ())
static GType
gst_rtmp_push_stop_commands_get_type (void)
{
  static GType type = 0;
  static const GFlagsValue values[] = {
    {ERTMP_SESSION_STOP_FCUNPUBLISH, "FCUnpublish", "fcunpublish"},
    {ERTMP_SESSION_STOP_CLOSESTREAM, "closeStream", "closestream"},
    {ERTMP_SESSION_STOP_DELETESTREAM, "deleteStream", "deletestream"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_flags_register_static ("GstRtmpPushStopCommands", values));
  return type;
}

static void gst_rtmp_push_sink_uri_init (gpointer iface, gpointer data);

#define gst_rtmp_push_sink_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstRtmpPushSink, gst_rtmp_push_sink,
    GST_TYPE_BASE_SINK, G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER,
        gst_rtmp_push_sink_uri_init));
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (rtmppushsink, "rtmppushsink",
    GST_RANK_PRIMARY, GST_TYPE_RTMP_PUSH_SINK,
    GST_DEBUG_CATEGORY_INIT (gst_rtmp_push_sink_debug, "rtmppushsink", 0,
        "RTMP publisher sink"));

/* ---- location ---- */

/* Sets host, port, application, stream from @uri (object lock held). */
static gboolean
set_location (GstRtmpPushSink * sink, const gchar * uri, GError ** error)
{
  ertmp_url url;

  if (uri == NULL || ertmp_url_parse (uri, &url) != ERTMP_OK) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
        "not an rtmp:// or rtmps:// location: %s", GST_STR_NULL (uri));
    return FALSE;
  }
  sink->tls_scheme = url.tls;
  g_free (sink->host);
  sink->host = g_strdup (url.host);
  sink->port = url.port;
  g_free (sink->application);
  sink->application = g_strdup (url.app ? url.app : "");
  g_free (sink->stream);
  sink->stream = g_strdup (url.stream ? url.stream : "");
  ertmp_url_clear (&url);
  return TRUE;
}

static gchar *
get_location (GstRtmpPushSink * sink)
{
  gboolean v6 = sink->host && strchr (sink->host, ':');

  return g_strdup_printf ("%s://%s%s%s:%d/%s/%s",
      sink->tls_scheme ? "rtmps" : "rtmp", v6 ? "[" : "",
      GST_STR_NULL (sink->host), v6 ? "]" : "", sink->port,
      GST_STR_NULL (sink->application), GST_STR_NULL (sink->stream));
}

static GstURIType
uri_get_type (GType type)
{
  return GST_URI_SINK;
}

static const gchar *const *
uri_get_protocols (GType type)
{
  static const gchar *protocols[] = { "rtmp", "rtmps", NULL };

  return protocols;
}

static gchar *
uri_get_uri (GstURIHandler * handler)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (handler);
  gchar *uri;

  GST_OBJECT_LOCK (sink);
  uri = get_location (sink);
  GST_OBJECT_UNLOCK (sink);
  return uri;
}

static gboolean
uri_set_uri (GstURIHandler * handler, const gchar * uri, GError ** error)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (handler);
  gboolean ok;

  GST_OBJECT_LOCK (sink);
  ok = set_location (sink, uri, error);
  GST_OBJECT_UNLOCK (sink);
  return ok;
}

static void
gst_rtmp_push_sink_uri_init (gpointer iface, gpointer data)
{
  GstURIHandlerInterface *uri = iface;

  uri->get_type = uri_get_type;
  uri->get_protocols = uri_get_protocols;
  uri->get_uri = uri_get_uri;
  uri->set_uri = uri_set_uri;
}

/* ---- GstBaseSink ---- */

static gboolean
gst_rtmp_push_sink_start (GstBaseSink * bsink)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (bsink);
  gchar *args, *message = NULL;
  gboolean async;
  ertmp_result res;

  GST_OBJECT_LOCK (sink);
  args = g_strdup (sink->extra_connect_args);
  async = sink->async_connect;
  sink->queue_limit = sink->max_queue_time;
  GST_OBJECT_UNLOCK (sink);
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

/* ---- GObject ---- */

static void
replace_string (gchar ** field, const GValue * value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
}

static void
gst_rtmp_push_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (object);
  GError *err = NULL;

  GST_OBJECT_LOCK (sink);
  switch (prop_id) {
    case PROP_LOCATION:
      if (!set_location (sink, g_value_get_string (value), &err)) {
        GST_WARNING_OBJECT (sink, "%s", err->message);
        g_error_free (err);
      }
      break;
    case PROP_HOST:
      replace_string (&sink->host, value);
      break;
    case PROP_PORT:
      sink->port = g_value_get_int (value);
      break;
    case PROP_APPLICATION:
      replace_string (&sink->application, value);
      break;
    case PROP_STREAM:
      replace_string (&sink->stream, value);
      break;
    case PROP_USERNAME:
      replace_string (&sink->username, value);
      break;
    case PROP_PASSWORD:
      replace_string (&sink->password, value);
      break;
    case PROP_TIMEOUT:
      sink->timeout = g_value_get_uint (value);
      break;
    case PROP_TLS_VALIDATION_FLAGS:
      sink->tls_validation_flags = g_value_get_flags (value);
      break;
    case PROP_FLASH_VERSION:
      replace_string (&sink->flash_version, value);
      break;
    case PROP_EXTRA_CONNECT_ARGS:
      replace_string (&sink->extra_connect_args, value);
      break;
    case PROP_ASYNC_CONNECT:
      sink->async_connect = g_value_get_boolean (value);
      break;
    case PROP_CHUNK_SIZE:
      sink->chunk_size = g_value_get_uint (value);
      break;
    case PROP_STOP_COMMANDS:
      sink->stop_commands = g_value_get_flags (value);
      break;
    case PROP_PUBLISH_TYPE:
      replace_string (&sink->publish_type, value);
      break;
    case PROP_ERTMP_ADVERTISE:
      sink->advertise = g_value_get_enum (value);
      break;
    case PROP_ADVERTISE_EXTENSIONS:
      sink->advertise_extensions = g_value_get_boolean (value);
      break;
    case PROP_RECONNECT_ATTEMPTS:
      sink->reconnect_attempts = g_value_get_uint (value);
      break;
    case PROP_RECONNECT_INTERVAL:
      sink->reconnect_interval = g_value_get_uint64 (value);
      break;
    case PROP_MAX_QUEUE_TIME:
      sink->max_queue_time = g_value_get_uint64 (value);
      break;
    case PROP_STABLE_TIME:
      sink->stable_time = g_value_get_uint64 (value);
      break;
    case PROP_ALLOW_TLS_DOWNGRADE:
      sink->allow_tls_downgrade = g_value_get_boolean (value);
      break;
    case PROP_TLS_DATABASE:
      g_clear_object (&sink->tls_database);
      sink->tls_database = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (sink);
}

static void
gst_rtmp_push_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (object);

  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value, gst_rtmp_push_client_get_stats (sink));
    return;
  }
  GST_OBJECT_LOCK (sink);
  switch (prop_id) {
    case PROP_LOCATION:
      g_value_take_string (value, get_location (sink));
      break;
    case PROP_HOST:
      g_value_set_string (value, sink->host);
      break;
    case PROP_PORT:
      g_value_set_int (value, sink->port);
      break;
    case PROP_APPLICATION:
      g_value_set_string (value, sink->application);
      break;
    case PROP_STREAM:
      g_value_set_string (value, sink->stream);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, sink->username);
      break;
    case PROP_PASSWORD:
      g_value_set_string (value, sink->password);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, sink->timeout);
      break;
    case PROP_TLS_VALIDATION_FLAGS:
      g_value_set_flags (value, sink->tls_validation_flags);
      break;
    case PROP_FLASH_VERSION:
      g_value_set_string (value, sink->flash_version);
      break;
    case PROP_EXTRA_CONNECT_ARGS:
      g_value_set_string (value, sink->extra_connect_args);
      break;
    case PROP_ASYNC_CONNECT:
      g_value_set_boolean (value, sink->async_connect);
      break;
    case PROP_CHUNK_SIZE:
      g_value_set_uint (value, sink->chunk_size);
      break;
    case PROP_STOP_COMMANDS:
      g_value_set_flags (value, sink->stop_commands);
      break;
    case PROP_PUBLISH_TYPE:
      g_value_set_string (value, sink->publish_type);
      break;
    case PROP_ERTMP_ADVERTISE:
      g_value_set_enum (value, sink->advertise);
      break;
    case PROP_ADVERTISE_EXTENSIONS:
      g_value_set_boolean (value, sink->advertise_extensions);
      break;
    case PROP_RECONNECT_ATTEMPTS:
      g_value_set_uint (value, sink->reconnect_attempts);
      break;
    case PROP_RECONNECT_INTERVAL:
      g_value_set_uint64 (value, sink->reconnect_interval);
      break;
    case PROP_MAX_QUEUE_TIME:
      g_value_set_uint64 (value, sink->max_queue_time);
      break;
    case PROP_STABLE_TIME:
      g_value_set_uint64 (value, sink->stable_time);
      break;
    case PROP_ALLOW_TLS_DOWNGRADE:
      g_value_set_boolean (value, sink->allow_tls_downgrade);
      break;
    case PROP_TLS_DATABASE:
      g_value_set_object (value, sink->tls_database);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (sink);
}

static void
gst_rtmp_push_sink_finalize (GObject * object)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (object);

  gst_rtmp_push_queue_clear (sink);
  g_array_unref (sink->headers);
  g_clear_pointer (&sink->connect_args, g_ptr_array_unref);
  g_free (sink->host);
  g_free (sink->application);
  g_free (sink->stream);
  g_free (sink->username);
  g_free (sink->password);
  g_free (sink->flash_version);
  g_free (sink->extra_connect_args);
  g_free (sink->publish_type);
  g_clear_object (&sink->tls_database);
  if (sink->last_stats)
    gst_structure_free (sink->last_stats);
  g_mutex_clear (&sink->lock);
  g_cond_clear (&sink->cond);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
install_connection_properties (GObjectClass * gobject_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "rtmp[s]://HOST[:PORT]/APP[/INSTANCE]/STREAM[?query]: sets host, "
          "port, application and stream", "rtmp://localhost/live/myStream",
          rw));
  g_object_class_install_property (gobject_class, PROP_HOST,
      g_param_spec_string ("host", "Host", "RTMP server host name",
          DEFAULT_HOST, rw));
  g_object_class_install_property (gobject_class, PROP_PORT,
      g_param_spec_int ("port", "Port", "RTMP server port", 1, 65535,
          DEFAULT_PORT, rw));
  g_object_class_install_property (gobject_class, PROP_APPLICATION,
      g_param_spec_string ("application", "Application",
          "RTMP application path", DEFAULT_APPLICATION, rw));
  g_object_class_install_property (gobject_class, PROP_STREAM,
      g_param_spec_string ("stream", "Stream",
          "RTMP stream path: the stream key, any ?query kept",
          DEFAULT_STREAM, rw));
  g_object_class_install_property (gobject_class, PROP_USERNAME,
      g_param_spec_string ("username", "User name",
          "RTMP authorization user name (kept for rtmp2sink compatibility; "
          "put tokens in the stream's ?query)", NULL, rw));
  g_object_class_install_property (gobject_class, PROP_PASSWORD,
      g_param_spec_string ("password", "Password",
          "RTMP authorization password (see username)", NULL, rw));
  g_object_class_install_property (gobject_class, PROP_TIMEOUT,
      g_param_spec_uint ("timeout", "Timeout",
          "Seconds to wait for the TCP and TLS connection (0: the system's)",
          0, G_MAXUINT, DEFAULT_TIMEOUT, rw));
  g_object_class_install_property (gobject_class, PROP_TLS_VALIDATION_FLAGS,
      g_param_spec_flags ("tls-validation-flags", "TLS validation flags",
          "Which certificate problems refuse an RTMPS server, each on its "
          "own (unknown-ca off accepts a self-signed certificate that is "
          "otherwise right; 0: none)", G_TYPE_TLS_CERTIFICATE_FLAGS,
          G_TLS_CERTIFICATE_VALIDATE_ALL, rw));
  g_object_class_install_property (gobject_class, PROP_FLASH_VERSION,
      g_param_spec_string ("flash-version", "Flash version",
          "flashVer sent in connect", DEFAULT_FLASH_VERSION, rw));
  g_object_class_install_property (gobject_class, PROP_EXTRA_CONNECT_ARGS,
      g_param_spec_string ("extra-connect-args", "Extra connect arguments",
          "Arguments appended to connect, in librtmp's conn= syntax "
          "(\"B:1 S:text O:1 NN:code:1.5 O:0\")", NULL, rw));
  g_object_class_install_property (gobject_class, PROP_ASYNC_CONNECT,
      g_param_spec_boolean ("async-connect", "Async connect",
          "Connect on READY to PAUSED, otherwise on the first buffer",
          DEFAULT_ASYNC_CONNECT, rw));
  g_object_class_install_property (gobject_class, PROP_CHUNK_SIZE,
      g_param_spec_uint ("chunk-size", "Chunk size",
          "RTMP chunk size we send with (large: less CPU on the server)",
          128, 0x7FFFFFFF, DEFAULT_CHUNK_SIZE, rw));
  g_object_class_install_property (gobject_class, PROP_STOP_COMMANDS,
      g_param_spec_flags ("stop-commands", "Stop commands",
          "Commands sent at EOS before closing the connection",
          GST_TYPE_RTMP_PUSH_STOP_COMMANDS, DEFAULT_STOP_COMMANDS, rw));
  g_object_class_install_property (gobject_class, PROP_PUBLISH_TYPE,
      g_param_spec_string ("publish-type", "Publish type",
          "The publish command's type: live, record or append",
          DEFAULT_PUBLISH_TYPE, rw));
}

/* gst-inspect shows these; docs/network-elements.md says the same */
#define STATS_DOC "Statistics (rtmp-push-stats), refreshed every second: " \
  "publishing (boolean: a connection publishes), queue-tags (uint), " \
  "queue-bytes (uint64) and queue-time (uint64, ns) of what waits; of the " \
  "current or last connection: tc-url (string, redacted), " \
  "in-/out-chunk-size (uint, bytes), in-/out-window-ack-size (uint, " \
  "bytes), in-/out-bytes-total (uint64), out-bytes-acked (uint64: the " \
  "server's last acknowledgement), bitrate (uint64, bit/s over the last " \
  "second), average-bitrate (uint64, bit/s since the first publish), " \
  "frames (string: \"video0=N,audio0=N,...\" sent per track), reconnects " \
  "(uint64: successful reconnections), rtt (uint64, ns: ping round trip), " \
  "server-version (string: fmsVer), server-fourcc-list (string: the " \
  "server's FourCCs, comma-separated), server-caps-ex (uint: its capsEx " \
  "bits, 1 Reconnect, 2 Multitrack, 4 ModEx, 8 nanosecond offsets)"

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
install_safety_properties (GObjectClass * gobject_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY;

  g_object_class_install_property (gobject_class, PROP_STABLE_TIME,
      g_param_spec_uint64 ("stable-time", "Stable time",
          "Nanoseconds a connection must publish before its loss starts a "
          "new series of reconnect-attempts; a shorter one counts as a "
          "failed attempt (0: every publish resets the count)", 0,
          G_MAXUINT64, DEFAULT_STABLE_TIME, rw));
  g_object_class_install_property (gobject_class, PROP_ALLOW_TLS_DOWNGRADE,
      g_param_spec_boolean ("allow-tls-downgrade", "Allow TLS downgrade",
          "Follow a Reconnect Request from rtmps:// to plain rtmp:// (the "
          "stream key then travels unencrypted); otherwise a warning and "
          "the stream stays on the current server",
          DEFAULT_ALLOW_TLS_DOWNGRADE, rw));
  g_object_class_install_property (gobject_class, PROP_TLS_DATABASE,
      g_param_spec_object ("tls-database", "TLS database",
          "Certificate authorities an RTMPS server's certificate is checked "
          "against (NULL: the system's)", G_TYPE_TLS_DATABASE, rw));
}

static void
install_properties (GObjectClass * gobject_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY;

  install_connection_properties (gobject_class);
  g_object_class_install_property (gobject_class, PROP_ERTMP_ADVERTISE,
      g_param_spec_enum ("ertmp-advertise", "E-RTMP advertise",
          "What connect advertises of Enhanced RTMP",
          GST_TYPE_RTMP_PUSH_ADVERTISE, DEFAULT_ADVERTISE, rw));
  g_object_class_install_property (gobject_class, PROP_ADVERTISE_EXTENSIONS,
      g_param_spec_boolean ("advertise-extensions", "Advertise extensions",
          "With ertmp-advertise=full, also claim Multitrack, ModEx and "
          "nanosecond offsets in capsEx", FALSE, rw));
  g_object_class_install_property (gobject_class, PROP_RECONNECT_ATTEMPTS,
      g_param_spec_uint ("reconnect-attempts", "Reconnect attempts",
          "Reconnections tried in a row after the connection is lost, "
          "before an error (0: none)", 0, G_MAXUINT,
          DEFAULT_RECONNECT_ATTEMPTS, rw));
  g_object_class_install_property (gobject_class, PROP_RECONNECT_INTERVAL,
      g_param_spec_uint64 ("reconnect-interval", "Reconnect interval",
          "Nanoseconds before the first reconnection; doubles with each "
          "failed one (at most 60 s)", 0, G_MAXUINT64,
          DEFAULT_RECONNECT_INTERVAL, rw));
  g_object_class_install_property (gobject_class, PROP_MAX_QUEUE_TIME,
      g_param_spec_uint64 ("max-queue-time", "Maximum queue time",
          "Nanoseconds of stream held: while reconnecting the oldest goes, "
          "while connected render waits", GST_SECOND, G_MAXUINT64,
          DEFAULT_MAX_QUEUE_TIME, rw));
  install_safety_properties (gobject_class);
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Stats", STATS_DOC,
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
gst_rtmp_push_sink_class_init (GstRtmpPushSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *base_class = GST_BASE_SINK_CLASS (klass);

  gobject_class->set_property = gst_rtmp_push_sink_set_property;
  gobject_class->get_property = gst_rtmp_push_sink_get_property;
  gobject_class->finalize = gst_rtmp_push_sink_finalize;
  base_class->start = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_start);
  base_class->stop = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_stop);
  base_class->unlock = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_unlock);
  base_class->unlock_stop =
      GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_unlock_stop);
  base_class->set_caps = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_set_caps);
  base_class->render = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_render);
  base_class->event = GST_DEBUG_FUNCPTR (gst_rtmp_push_sink_event);

  install_properties (gobject_class);
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
      "Reconnect Request and automatic reconnection." MESSAGES_DOC,
      "gst-ertmp developers");
  gst_type_mark_as_plugin_api (GST_TYPE_RTMP_PUSH_ADVERTISE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RTMP_PUSH_STOP_COMMANDS, 0);
}

static void
gst_rtmp_push_sink_init (GstRtmpPushSink * sink)
{
  sink->host = g_strdup (DEFAULT_HOST);
  sink->port = DEFAULT_PORT;
  sink->application = g_strdup (DEFAULT_APPLICATION);
  sink->stream = g_strdup (DEFAULT_STREAM);
  sink->timeout = DEFAULT_TIMEOUT;
  sink->tls_validation_flags = G_TLS_CERTIFICATE_VALIDATE_ALL;
  sink->flash_version = g_strdup (DEFAULT_FLASH_VERSION);
  sink->async_connect = DEFAULT_ASYNC_CONNECT;
  sink->chunk_size = DEFAULT_CHUNK_SIZE;
  sink->stop_commands = DEFAULT_STOP_COMMANDS;
  sink->publish_type = g_strdup (DEFAULT_PUBLISH_TYPE);
  sink->advertise = DEFAULT_ADVERTISE;
  sink->reconnect_attempts = DEFAULT_RECONNECT_ATTEMPTS;
  sink->reconnect_interval = DEFAULT_RECONNECT_INTERVAL;
  sink->max_queue_time = DEFAULT_MAX_QUEUE_TIME;
  sink->stable_time = DEFAULT_STABLE_TIME;
  sink->allow_tls_downgrade = DEFAULT_ALLOW_TLS_DOWNGRADE;
  g_mutex_init (&sink->lock);
  g_cond_init (&sink->cond);
  gst_rtmp_push_queue_init (sink);
  gst_base_sink_set_sync (GST_BASE_SINK (sink), TRUE);
}
