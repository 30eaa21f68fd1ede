/* gst-ertmp: rtmppushsink's properties
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every rtmp2sink property with its type, range and meaning, and ours.
 * An unusable location is refused, kept aside, and fails start().
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstrtmppushsink.h"
#include "ertmp_url.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_push_sink_debug);
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
#define DEFAULT_AUTHMOD GST_RTMP_PUSH_AUTHMOD_AUTO
#define DEFAULT_STABLE_TIME (10 * GST_SECOND)
#define DEFAULT_ALLOW_TLS_DOWNGRADE FALSE
/* rtmp2sink's limit: kbit/s * 125 fits a gint of bytes/s */
#define MAX_PEAK_KBPS (G_MAXINT / 125)

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
  PROP_SCHEME,
  PROP_AUTHMOD,
  PROP_SECURE_TOKEN,
  PROP_PEAK_KBPS,
  PROP_STABLE_TIME,
  PROP_ALLOW_TLS_DOWNGRADE,
  PROP_TLS_DATABASE,
};

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
    {0, "No command", "none"},
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

#define GST_TYPE_RTMP_PUSH_AUTHMOD (gst_rtmp_push_authmod_get_type ())
static GType
gst_rtmp_push_authmod_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_RTMP_PUSH_AUTHMOD_NONE, "No authentication: a refused connect is "
          "an error", "none"},
    {GST_RTMP_PUSH_AUTHMOD_AUTO, "Adobe or Limelight authentication, the "
          "one the server asks for", "auto"},
    {GST_RTMP_PUSH_AUTHMOD_ADOBE, "Adobe authentication from the first "
          "connect", "adobe"},
    {GST_RTMP_PUSH_AUTHMOD_LLNW, "Limelight (LLNW) authentication from the "
          "first connect", "llnw"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstRtmpPushAuthmod", values));
  return type;
}

#define GST_TYPE_RTMP_PUSH_SCHEME (gst_rtmp_push_scheme_get_type ())
static GType
gst_rtmp_push_scheme_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {0, "RTMP over TCP", "rtmp"},
    {1, "RTMP over TLS", "rtmps"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstRtmpPushScheme", values));
  return type;
}

/* ---- GObject ---- */

static void
replace_string (gchar ** field, const GValue * value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
}

static void
set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (object);
  GError *err = NULL;

  if (prop_id == PROP_PEAK_KBPS) {
    GST_OBJECT_LOCK (sink);
    sink->peak_kbps = g_value_get_uint (value);
    GST_OBJECT_UNLOCK (sink);
    gst_rtmp_push_client_repace (sink);
    return;
  }
  GST_OBJECT_LOCK (sink);
  switch (prop_id) {
    case PROP_LOCATION:
      if (!gst_rtmp_push_location_set (sink, g_value_get_string (value), &err)) {
        /* the old location stays; start() fails on this one */
        GST_WARNING_OBJECT (sink, "%s; keeping the previous location",
            err->message);
        g_free (sink->bad_location);
        sink->bad_location = g_strdup (err->message);
        g_error_free (err);
      }
      break;
    case PROP_HOST:
      replace_string (&sink->host, value);
      g_clear_pointer (&sink->bad_location, g_free);
      break;
    case PROP_SCHEME:
      sink->tls_scheme = g_value_get_enum (value) == 1;
      break;
    case PROP_AUTHMOD:
      sink->authmod = g_value_get_enum (value);
      break;
    case PROP_SECURE_TOKEN:
      replace_string (&sink->secure_token, value);
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
get_property (GObject * object, guint prop_id,
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
      g_value_take_string (value, gst_rtmp_push_location_get (sink));
      break;
    case PROP_HOST:
      g_value_set_string (value, sink->host);
      break;
    case PROP_SCHEME:
      g_value_set_enum (value, sink->tls_scheme ? 1 : 0);
      break;
    case PROP_AUTHMOD:
      g_value_set_enum (value, sink->authmod);
      break;
    case PROP_SECURE_TOKEN:
      g_value_set_string (value, sink->secure_token);
      break;
    case PROP_PEAK_KBPS:
      g_value_set_uint (value, sink->peak_kbps);
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
  "bits, 1 Reconnect, 2 Multitrack, 4 ModEx, 8 nanosecond offsets), " \
  "pacing-rate (uint64, bytes/s: the socket's pacing rate from peak-kbps, " \
  "as the kernel reports it)"

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
install_connection_properties (GObjectClass * gobject_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "rtmp[s]://[USER:PASSWORD@]HOST[:PORT]/APP[/INSTANCE]/STREAM"
          "[?query][ option=value...]: sets host, port, application, stream "
          "(and username, password); librtmp's options after a space set "
          "their properties (app, tcUrl, pageUrl, swfUrl, flashVer, conn, "
          "playpath, live, timeout, token, pubUser, pubPasswd).  An "
          "unusable location is refused and makes start fail",
          "rtmp://localhost/live/myStream", rw));
  g_object_class_install_property (gobject_class, PROP_SCHEME,
      g_param_spec_enum ("scheme", "Scheme", "rtmp, or rtmps (TLS)",
          GST_TYPE_RTMP_PUSH_SCHEME, 0, rw));
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
          "RTMP authorization user name (Adobe or Limelight "
          "authentication, see authmod)", NULL, rw));
  g_object_class_install_property (gobject_class, PROP_PASSWORD,
      g_param_spec_string ("password", "Password",
          "RTMP authorization password (see username)", NULL, rw));
  g_object_class_install_property (gobject_class, PROP_AUTHMOD,
      g_param_spec_enum ("authmod", "Authentication mode",
          "Connect authentication with username and password: the Adobe "
          "or Limelight (llnw) scheme the server asks for (auto), one of "
          "them from the first connect, or none",
          GST_TYPE_RTMP_PUSH_AUTHMOD, DEFAULT_AUTHMOD, rw));
  g_object_class_install_property (gobject_class, PROP_SECURE_TOKEN,
      g_param_spec_string ("secure-token", "Secure token",
          "Answers a server's SecureToken challenge (librtmp's token=)",
          NULL, rw));
  g_object_class_install_property (gobject_class, PROP_TIMEOUT,
      g_param_spec_uint ("timeout", "Timeout",
          "Seconds to wait for the TCP and TLS connection (0: the system's)",
          0, G_MAXUINT, DEFAULT_TIMEOUT, rw));
  g_object_class_install_property (gobject_class, PROP_TLS_VALIDATION_FLAGS,
      g_param_spec_flags ("tls-validation-flags", "TLS validation flags",
          "Which certificate checks refuse an RTMPS server (0: none, for "
          "self-signed test servers)", G_TYPE_TLS_CERTIFICATE_FLAGS,
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
          ERTMP_LIMIT_CHUNK_SIZE_MIN, ERTMP_LIMIT_CHUNK_SIZE_MAX,
          DEFAULT_CHUNK_SIZE, rw));
  g_object_class_install_property (gobject_class, PROP_PEAK_KBPS,
      g_param_spec_uint ("peak-kbps", "Peak bitrate",
          "Paces the socket to this many kbit/s (SO_MAX_PACING_RATE, as "
          "rtmp2sink; 0: no pacing); at once",
          0, MAX_PEAK_KBPS, 0, rw | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_STOP_COMMANDS,
      g_param_spec_flags ("stop-commands", "Stop commands",
          "Commands sent at EOS before closing the connection",
          GST_TYPE_RTMP_PUSH_STOP_COMMANDS, DEFAULT_STOP_COMMANDS, rw));
  g_object_class_install_property (gobject_class, PROP_PUBLISH_TYPE,
      g_param_spec_string ("publish-type", "Publish type",
          "The publish command's type: live, record or append",
          DEFAULT_PUBLISH_TYPE, rw));
}

void
gst_rtmp_push_props_install (GObjectClass * gobject_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY;

  gobject_class->set_property = set_property;
  gobject_class->get_property = get_property;
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
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Stats", STATS_DOC,
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  install_safety_properties (gobject_class);
}


void
gst_rtmp_push_props_init (GstRtmpPushSink * sink)
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
  sink->authmod = DEFAULT_AUTHMOD;
}

void
gst_rtmp_push_props_clear (GstRtmpPushSink * sink)
{
  g_free (sink->host);
  g_free (sink->application);
  g_free (sink->stream);
  g_free (sink->username);
  g_free (sink->password);
  g_free (sink->flash_version);
  g_free (sink->extra_connect_args);
  g_free (sink->publish_type);
  g_clear_object (&sink->tls_database);
  g_free (sink->secure_token);
  g_free (sink->bad_location);
  g_free (sink->tc_url);
  g_free (sink->page_url);
  g_free (sink->swf_url);
  g_free (sink->location_conn);
}

void
gst_rtmp_push_props_mark_api (void)
{
  gst_type_mark_as_plugin_api (GST_TYPE_RTMP_PUSH_ADVERTISE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RTMP_PUSH_STOP_COMMANDS, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RTMP_PUSH_AUTHMOD, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RTMP_PUSH_SCHEME, 0);
}
