/* gst-ertmp: rtmpservesink's properties, location and URI handler
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Element settings (application, stream name, GOP cache, player limits)
 * apply to this element; server settings (host, port, TLS, chunk size,
 * connection limits, PROXY protocol) are the shared server's, as for
 * rtmpingestsrc: the first element on an address makes the server.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstrtmpservesink.h"
#include "gstertmpredact.h"
#include "ertmp_url.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_serve_sink_debug);
#define GST_CAT_DEFAULT gst_rtmp_serve_sink_debug

#define DEFAULT_HOST "0.0.0.0"
#define DEFAULT_PORT 1935
#define DEFAULT_HANDSHAKE_TIMEOUT 10
#define DEFAULT_CHUNK_SIZE 65536
#define DEFAULT_MAX_CONNECTIONS 5000
#define DEFAULT_MAX_PER_ADDRESS 32
#define DEFAULT_PROXY_PROTOCOL FALSE
#define DEFAULT_GOP_CACHE TRUE
/* a 10 s GOP at 6 Mb/s */
#define DEFAULT_GOP_CACHE_MAX_BYTES (8 * 1024 * 1024)
/* as SRS's queue_length (10 s) and nginx-rtmp's, a few seconds */
#define DEFAULT_MAX_PLAYER_QUEUE_TIME 5000
#define DEFAULT_MAX_PLAYER_QUEUE_BYTES (8 * 1024 * 1024)
#define DEFAULT_SLOW_PLAYER_TIMEOUT 10
#define DEFAULT_MAX_PLAYERS 5000
#define DEFAULT_MAX_PLAYERS_PER_ADDRESS 0

enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_HOST,
  PROP_PORT,
  PROP_BOUND_PORT,
  PROP_APPLICATION,
  PROP_STREAM_NAME,
  PROP_CHUNK_SIZE,
  PROP_HANDSHAKE_TIMEOUT,
  PROP_MAX_CONNECTIONS,
  PROP_MAX_PER_ADDRESS,
  PROP_PROXY_PROTOCOL,
  PROP_TLS_CERTIFICATE,
  PROP_TLS_CERTIFICATE_FILE,
  PROP_TLS_KEY_FILE,
  PROP_GOP_CACHE,
  PROP_GOP_CACHE_MAX_BYTES,
  PROP_MAX_PLAYER_QUEUE_TIME,
  PROP_MAX_PLAYER_QUEUE_BYTES,
  PROP_SLOW_PLAYER_TIMEOUT,
  PROP_MAX_PLAYERS,
  PROP_MAX_PLAYERS_PER_ADDRESS,
  PROP_SERVER,
  PROP_STATS,
};

/* ---- location ---- */

/* Under the object lock.  An unparsable @location changes nothing. */
static gboolean
set_location (GstRtmpServeSink * sink, const gchar * location,
    GError ** error)
{
  ertmp_url url;
  gchar *redacted;

  if (location == NULL) {
    g_clear_pointer (&sink->bad_location, g_free);
    return TRUE;
  }
  if (ertmp_url_parse (location, &url) != ERTMP_OK || url.stream == NULL
      || *url.stream == '\0') {
    if (error != NULL) {
      redacted = gst_ertmp_redact_url (location);
      g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
          "Invalid location \"%s\": expected rtmp://HOST[:PORT]/APP/NAME or "
          "rtmps://...", redacted);
      g_free (redacted);
    }
    return FALSE;
  }
  g_free (sink->host);
  sink->host = g_strdup (url.host);
  sink->port = url.port_explicit ? url.port : (url.tls ? ERTMP_URL_PORT_RTMPS
      : ERTMP_URL_PORT_RTMP);
  g_free (sink->application);
  sink->application = g_strdup (url.app ? url.app : "");
  g_free (sink->stream_name);
  sink->stream_name = g_strdup (url.stream);
  sink->tls_scheme = url.tls;
  ertmp_url_clear (&url);
  g_clear_pointer (&sink->bad_location, g_free);
  return TRUE;
}

static gchar *
get_location (GstRtmpServeSink * sink)
{
  gboolean v6 = strchr (sink->host, ':') != NULL;

  return g_strdup_printf ("%s://%s%s%s:%d/%s/%s",
      sink->tls_scheme ? "rtmps" : "rtmp", v6 ? "[" : "", sink->host,
      v6 ? "]" : "", sink->port, sink->application ? sink->application : "",
      sink->stream_name ? sink->stream_name : "");
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
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (handler);
  gchar *uri;

  GST_OBJECT_LOCK (sink);
  uri = get_location (sink);
  GST_OBJECT_UNLOCK (sink);
  return uri;
}

static gboolean
uri_set_uri (GstURIHandler * handler, const gchar * uri, GError ** error)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (handler);
  gboolean ok;

  GST_OBJECT_LOCK (sink);
  ok = set_location (sink, uri, error);
  GST_OBJECT_UNLOCK (sink);
  return ok;
}

void
gst_rtmp_serve_sink_uri_handler_init (gpointer g_iface, gpointer iface_data)
{
  GstURIHandlerInterface *iface = g_iface;

  iface->get_type = uri_get_type;
  iface->get_protocols = uri_get_protocols;
  iface->get_uri = uri_get_uri;
  iface->set_uri = uri_set_uri;
}

/* ---- stats ---- */

GstStructure *
gst_rtmp_serve_sink_get_stats (GstRtmpServeSink * sink)
{
  GstRtmpServeStatsCall call = { sink, NULL, NULL, 0, 0 };
  GValue players = G_VALUE_INIT;
  GstErtmpServer *server;
  GstStructure *s;

  g_value_init (&players, GST_TYPE_ARRAY);
  call.players = &players;
  GST_OBJECT_LOCK (sink);
  server = sink->server ? gst_object_ref (sink->server) : NULL;
  GST_OBJECT_UNLOCK (sink);
  if (server != NULL) {
    gst_ertmp_server_run (server, gst_rtmp_serve_fanout_stats, &call);
    gst_object_unref (server);
  }
  GST_OBJECT_LOCK (sink);
  s = gst_structure_new ("rtmp-play-stats",
      "players", G_TYPE_UINT, gst_value_array_get_size (&players),
      "players-total", G_TYPE_UINT64, sink->players_total,
      "players-refused", G_TYPE_UINT64, sink->players_refused,
      "players-dropped", G_TYPE_UINT64, sink->players_dropped,
      "tags-in", G_TYPE_UINT64, sink->tags_in,
      "frames-skipped", G_TYPE_UINT64, sink->frames_skipped,
      "tags-dropped", G_TYPE_UINT64, sink->sink_dropped,
      "cached-tags", G_TYPE_UINT, call.log_tags,
      "cached-bytes", G_TYPE_UINT64, call.log_bytes,
      "stream-codecs", G_TYPE_STRING, call.codecs ? call.codecs : "", NULL);
  GST_OBJECT_UNLOCK (sink);
  g_free (call.codecs);
  gst_structure_take_value (s, "player-stats", &players);
  return s;
}

/* ---- properties ---- */

static void
replace_string (gchar ** field, const GValue * value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
}

void
gst_rtmp_serve_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (object);
  GError *err = NULL;

  GST_OBJECT_LOCK (sink);
  switch (prop_id) {
    case PROP_LOCATION:
      if (!set_location (sink, g_value_get_string (value), &err)) {
        GST_WARNING_OBJECT (sink, "%s: location not changed", err->message);
        g_free (sink->bad_location);
        sink->bad_location = gst_ertmp_redact_url (g_value_get_string
            (value));
        g_error_free (err);
      }
      break;
    case PROP_HOST:
      replace_string (&sink->host, value);
      if (sink->host == NULL)
        sink->host = g_strdup (DEFAULT_HOST);
      break;
    case PROP_PORT:
      sink->port = g_value_get_int (value);
      break;
    case PROP_APPLICATION:
      replace_string (&sink->application, value);
      break;
    case PROP_STREAM_NAME:
      replace_string (&sink->stream_name, value);
      break;
    case PROP_CHUNK_SIZE:
      sink->chunk_size = g_value_get_uint (value);
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      sink->handshake_timeout = g_value_get_uint (value);
      break;
    case PROP_MAX_CONNECTIONS:
      sink->max_connections = g_value_get_uint (value);
      break;
    case PROP_MAX_PER_ADDRESS:
      sink->max_per_address = g_value_get_uint (value);
      break;
    case PROP_PROXY_PROTOCOL:
      sink->proxy_protocol = g_value_get_boolean (value);
      break;
    case PROP_TLS_CERTIFICATE:
      g_clear_object (&sink->tls_certificate);
      sink->tls_certificate = g_value_dup_object (value);
      break;
    case PROP_TLS_CERTIFICATE_FILE:
      replace_string (&sink->tls_certificate_file, value);
      break;
    case PROP_TLS_KEY_FILE:
      replace_string (&sink->tls_key_file, value);
      break;
    case PROP_GOP_CACHE:
      sink->gop_cache = g_value_get_boolean (value);
      break;
    case PROP_GOP_CACHE_MAX_BYTES:
      sink->gop_cache_max_bytes = g_value_get_uint (value);
      break;
    case PROP_MAX_PLAYER_QUEUE_TIME:
      sink->max_player_queue_time = g_value_get_uint (value);
      break;
    case PROP_MAX_PLAYER_QUEUE_BYTES:
      sink->max_player_queue_bytes = g_value_get_uint (value);
      break;
    case PROP_SLOW_PLAYER_TIMEOUT:
      sink->slow_player_timeout = g_value_get_uint (value);
      break;
    case PROP_MAX_PLAYERS:
      sink->max_players = g_value_get_uint (value);
      break;
    case PROP_MAX_PLAYERS_PER_ADDRESS:
      sink->max_players_per_address = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (sink);
}

void
gst_rtmp_serve_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (object);

  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value, gst_rtmp_serve_sink_get_stats (sink));
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
    case PROP_BOUND_PORT:
      g_value_set_int (value, sink->bound_port);
      break;
    case PROP_APPLICATION:
      g_value_set_string (value, sink->application);
      break;
    case PROP_STREAM_NAME:
      g_value_set_string (value, sink->stream_name);
      break;
    case PROP_CHUNK_SIZE:
      g_value_set_uint (value, sink->chunk_size);
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      g_value_set_uint (value, sink->handshake_timeout);
      break;
    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, sink->max_connections);
      break;
    case PROP_MAX_PER_ADDRESS:
      g_value_set_uint (value, sink->max_per_address);
      break;
    case PROP_PROXY_PROTOCOL:
      g_value_set_boolean (value, sink->proxy_protocol);
      break;
    case PROP_TLS_CERTIFICATE:
      g_value_set_object (value, sink->tls_certificate);
      break;
    case PROP_TLS_CERTIFICATE_FILE:
      g_value_set_string (value, sink->tls_certificate_file);
      break;
    case PROP_TLS_KEY_FILE:
      g_value_set_string (value, sink->tls_key_file);
      break;
    case PROP_GOP_CACHE:
      g_value_set_boolean (value, sink->gop_cache);
      break;
    case PROP_GOP_CACHE_MAX_BYTES:
      g_value_set_uint (value, sink->gop_cache_max_bytes);
      break;
    case PROP_MAX_PLAYER_QUEUE_TIME:
      g_value_set_uint (value, sink->max_player_queue_time);
      break;
    case PROP_MAX_PLAYER_QUEUE_BYTES:
      g_value_set_uint (value, sink->max_player_queue_bytes);
      break;
    case PROP_SLOW_PLAYER_TIMEOUT:
      g_value_set_uint (value, sink->slow_player_timeout);
      break;
    case PROP_MAX_PLAYERS:
      g_value_set_uint (value, sink->max_players);
      break;
    case PROP_MAX_PLAYERS_PER_ADDRESS:
      g_value_set_uint (value, sink->max_players_per_address);
      break;
    case PROP_SERVER:
      g_value_set_object (value, sink->server);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (sink);
}

void
gst_rtmp_serve_sink_install_properties (GObjectClass * gobject_class)
{
  /* element settings: may change up to READY (the route is made then) */
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY;
  /* player limits: read when a player comes or a tag goes out */
  const GParamFlags live = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_PLAYING;
  /* what the server is made of: bound in NULL -> READY */
  const GParamFlags srv = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "What to serve, as rtmp://HOST:PORT/APP/NAME or rtmps://...: "
          "players play NAME of APP on that address (sets host, port, "
          "application and stream-name)", NULL, srv));
  g_object_class_install_property (gobject_class, PROP_HOST,
      g_param_spec_string ("host", "Host",
          "Address to listen on (name or IP); every rtmpingestsrc and "
          "rtmpservesink of the process with the same host and port shares "
          "one server", DEFAULT_HOST, srv));
  g_object_class_install_property (gobject_class, PROP_PORT,
      g_param_spec_int ("port", "Port",
          "TCP port to listen on (0: a new server on a free port, see "
          "bound-port)", 0, 65535, DEFAULT_PORT, srv));
  g_object_class_install_property (gobject_class, PROP_BOUND_PORT,
      g_param_spec_int ("bound-port", "Bound port",
          "The port listened on, from READY on (0 in NULL)", 0, 65535, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_APPLICATION,
      g_param_spec_string ("application", "Application",
          "The application players connect to", NULL, rw));
  g_object_class_install_property (gobject_class, PROP_STREAM_NAME,
      g_param_spec_string ("stream-name", "Stream name",
          "The name players play (a key: compared in constant time, "
          "without the player's ?query, which play-request sees)", NULL,
          rw));
  g_object_class_install_property (gobject_class, PROP_CHUNK_SIZE,
      g_param_spec_uint ("chunk-size", "Chunk size",
          "Chunk size in bytes for what the server sends (a server "
          "setting)", 128, 0x7FFFFFFF, DEFAULT_CHUNK_SIZE, srv));
  g_object_class_install_property (gobject_class, PROP_HANDSHAKE_TIMEOUT,
      g_param_spec_uint ("handshake-timeout", "Handshake timeout",
          "Seconds a connection has to get its publish or play accepted "
          "before it is dropped (0: no limit; a server setting)", 0,
          G_MAXUINT / 1000000, DEFAULT_HANDSHAKE_TIMEOUT, srv));
  g_object_class_install_property (gobject_class, PROP_MAX_CONNECTIONS,
      g_param_spec_uint ("max-connections", "Maximum connections",
          "Connections the server holds at once, players included (0: no "
          "limit; a server setting)", 0, G_MAXINT, DEFAULT_MAX_CONNECTIONS,
          srv));
  g_object_class_install_property (gobject_class, PROP_MAX_PER_ADDRESS,
      g_param_spec_uint ("max-connections-per-address",
          "Maximum connections per address",
          "Connections one client address holds at once, players included "
          "(0: no limit; a server setting)", 0, G_MAXINT,
          DEFAULT_MAX_PER_ADDRESS, srv));
  g_object_class_install_property (gobject_class, PROP_PROXY_PROTOCOL,
      g_param_spec_boolean ("proxy-protocol", "PROXY protocol",
          "Every connection starts with a PROXY protocol v1 or v2 header "
          "(a server setting)", DEFAULT_PROXY_PROTOCOL, srv));
  g_object_class_install_property (gobject_class, PROP_TLS_CERTIFICATE,
      g_param_spec_object ("tls-certificate", "TLS certificate",
          "Certificate (with its private key) for RTMPS: connections are "
          "TLS when set", G_TYPE_TLS_CERTIFICATE, srv));
  g_object_class_install_property (gobject_class, PROP_TLS_CERTIFICATE_FILE,
      g_param_spec_string ("tls-certificate-file", "TLS certificate file",
          "PEM file with the RTMPS certificate (and its key unless "
          "tls-key-file is set)", NULL, srv));
  g_object_class_install_property (gobject_class, PROP_TLS_KEY_FILE,
      g_param_spec_string ("tls-key-file", "TLS key file",
          "PEM file with the private key of tls-certificate-file", NULL, srv));
  g_object_class_install_property (gobject_class, PROP_GOP_CACHE,
      g_param_spec_boolean ("gop-cache", "GOP cache",
          "Keep the tags since the latest video key frame, so that a "
          "player who joins starts there and decodes its first frame at "
          "once (off: it waits for the next key frame).  A GOP longer than "
          "gop-cache-max-bytes or max-player-queue-time is not kept",
          DEFAULT_GOP_CACHE, live));
  g_object_class_install_property (gobject_class, PROP_GOP_CACHE_MAX_BYTES,
      g_param_spec_uint ("gop-cache-max-bytes", "GOP cache maximum bytes",
          "Bytes of stream the GOP cache holds at most: past it (a long "
          "GOP), the cache is left empty until the next key frame", 65536,
          G_MAXUINT, DEFAULT_GOP_CACHE_MAX_BYTES, live));
  g_object_class_install_property (gobject_class,
      PROP_MAX_PLAYER_QUEUE_TIME, g_param_spec_uint ("max-player-queue-time",
          "Maximum player queue time",
          "Milliseconds of stream a player may lag (what the sink has that "
          "its socket did not take) before it skips to the latest key "
          "frame", 100, G_MAXUINT / 1000, DEFAULT_MAX_PLAYER_QUEUE_TIME,
          live));
  g_object_class_install_property (gobject_class,
      PROP_MAX_PLAYER_QUEUE_BYTES,
      g_param_spec_uint ("max-player-queue-bytes",
          "Maximum player queue bytes",
          "Bytes of stream a player may lag before it skips to the latest "
          "key frame", 65536,
          G_MAXUINT, DEFAULT_MAX_PLAYER_QUEUE_BYTES, live));
  g_object_class_install_property (gobject_class, PROP_SLOW_PLAYER_TIMEOUT,
      g_param_spec_uint ("slow-player-timeout", "Slow player timeout",
          "Seconds a player may stay behind after it first had to skip "
          "before it is dropped (reason \"too-slow\"; 0: never)", 0,
          G_MAXUINT / 1000000, DEFAULT_SLOW_PLAYER_TIMEOUT, live));
  g_object_class_install_property (gobject_class, PROP_MAX_PLAYERS,
      g_param_spec_uint ("max-players", "Maximum players",
          "Players of this stream at once; more are refused (0: no limit)",
          0, G_MAXINT, DEFAULT_MAX_PLAYERS, live));
  g_object_class_install_property (gobject_class,
      PROP_MAX_PLAYERS_PER_ADDRESS, g_param_spec_uint
      ("max-players-per-address", "Maximum players per address",
          "Players of this stream from one client address at once (0: no "
          "limit but the server's max-connections-per-address)", 0,
          G_MAXINT, DEFAULT_MAX_PLAYERS_PER_ADDRESS, live));
  g_object_class_install_property (gobject_class, PROP_SERVER,
      g_param_spec_object ("server", "Server",
          "The shared RTMP server (GstErtmpServer) this element is part of, "
          "from READY on", GST_TYPE_ERTMP_SERVER,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Stats",
          "Statistics of the players and the stream (fields: see "
          "stats-fields above)", GST_TYPE_STRUCTURE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

void
gst_rtmp_serve_sink_init_properties (GstRtmpServeSink * sink)
{
  sink->host = g_strdup (DEFAULT_HOST);
  sink->port = DEFAULT_PORT;
  sink->chunk_size = DEFAULT_CHUNK_SIZE;
  sink->handshake_timeout = DEFAULT_HANDSHAKE_TIMEOUT;
  sink->max_connections = DEFAULT_MAX_CONNECTIONS;
  sink->max_per_address = DEFAULT_MAX_PER_ADDRESS;
  sink->proxy_protocol = DEFAULT_PROXY_PROTOCOL;
  sink->gop_cache = DEFAULT_GOP_CACHE;
  sink->gop_cache_max_bytes = DEFAULT_GOP_CACHE_MAX_BYTES;
  sink->max_player_queue_time = DEFAULT_MAX_PLAYER_QUEUE_TIME;
  sink->max_player_queue_bytes = DEFAULT_MAX_PLAYER_QUEUE_BYTES;
  sink->slow_player_timeout = DEFAULT_SLOW_PLAYER_TIMEOUT;
  sink->max_players = DEFAULT_MAX_PLAYERS;
  sink->max_players_per_address = DEFAULT_MAX_PLAYERS_PER_ADDRESS;
}

void
gst_rtmp_serve_sink_clear_properties (GstRtmpServeSink * sink)
{
  g_free (sink->host);
  g_free (sink->application);
  g_free (sink->stream_name);
  g_clear_object (&sink->tls_certificate);
  g_free (sink->tls_certificate_file);
  g_free (sink->tls_key_file);
  g_free (sink->bad_location);
}
