/* gst-ertmp: rtmpservesink's properties
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Element settings (GOP cache, player limits) apply to this element; the
 * location, application, stream name and server settings are
 * rtmpingestsrc's too (gstertmpserversettings.c), told here for players'
 * server.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtmpservesink.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_serve_sink_debug);

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
  PROP_SERVER_SETTINGS,         /* GST_ERTMP_SERVER_N_PROPS of them */
  PROP_GOP_CACHE = PROP_SERVER_SETTINGS + GST_ERTMP_SERVER_N_PROPS,
  PROP_GOP_CACHE_MAX_BYTES,
  PROP_MAX_PLAYER_QUEUE_TIME,
  PROP_MAX_PLAYER_QUEUE_BYTES,
  PROP_SLOW_PLAYER_TIMEOUT,
  PROP_MAX_PLAYERS,
  PROP_MAX_PLAYERS_PER_ADDRESS,
  PROP_SERVER,
  PROP_STATS,
};

static const GstErtmpServerSettingsInfo settings_info = {
  .first_prop_id = PROP_SERVER_SETTINGS,
  .uri_type = GST_URI_SINK,
  .offset = G_STRUCT_OFFSET (GstRtmpServeSink, settings),
  .debug = &gst_rtmp_serve_sink_debug,
  .stream_name = "stream-name",
  .stream_nick = "Stream name",
  .stream_blurb = "The name players play (a key: compared in constant time, "
      "without the player's ?query, which play-request sees)",
  .stream_word = "NAME",
  .empty_is_any = FALSE,
  .location_blurb = "What to serve, as rtmp://HOST:PORT/APP/NAME or "
      "rtmps://...: players play NAME of APP on that address (sets host, "
      "port, application and stream-name)",
  .host_blurb = "Address to listen on (name or IP); every rtmpingestsrc and "
      "rtmpservesink of the process with the same host and port shares one "
      "server",
  .port_blurb = "TCP port to listen on (0: a new server on a free port, see "
      "bound-port)",
  .application_blurb = "The application players connect to",
  .chunk_size_blurb = "Chunk size in bytes for what the server sends (a "
      "server setting)",
  .handshake_timeout_blurb = "Seconds a connection has to get its publish "
      "or play accepted before it is dropped (0: no limit; a server "
      "setting)",
  .max_connections_blurb = "Connections the server holds at once, players "
      "included (0: no limit; a server setting)",
  .max_per_address_blurb = "Connections one client address holds at once, "
      "players included (0: no limit; a server setting)",
  .proxy_protocol_blurb = "Every connection starts with a PROXY protocol v1 "
      "or v2 header (a server setting)",
};

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

void
gst_rtmp_serve_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (object);

  GST_OBJECT_LOCK (sink);
  if (gst_ertmp_server_settings_set_property (&sink->settings, object,
          prop_id, value)) {
    GST_OBJECT_UNLOCK (sink);
    return;
  }
  switch (prop_id) {
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
  if (gst_ertmp_server_settings_get_property (&sink->settings, prop_id,
          value)) {
    GST_OBJECT_UNLOCK (sink);
    return;
  }
  switch (prop_id) {
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
  /* player limits: read when a player comes or a tag goes out */
  const GParamFlags live = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_PLAYING;

  gst_ertmp_server_settings_class_init (gobject_class, &settings_info);
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
  gst_ertmp_server_settings_init (&sink->settings, &settings_info);
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
  gst_ertmp_server_settings_clear (&sink->settings);
}
