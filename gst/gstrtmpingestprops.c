/* gst-ertmp: rtmpingestsrc's properties
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Element settings (keep-listening, timeouts, takeover, queue) apply to
 * this element; the location, application, stream key and server settings
 * are rtmpservesink's too (gstertmpserversettings.c), told here for a
 * publisher's server.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtmpingestsrc.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_ingest_src_debug);

#define DEFAULT_KEEP_LISTENING TRUE
#define DEFAULT_DROP_IS_EOS FALSE
/* as SRS: a publisher that sends no media is dropped, 20 s before its
 * first media message and 5 s after */
#define DEFAULT_IDLE_TIMEOUT 5
#define DEFAULT_FIRST_MEDIA_TIMEOUT 20
#define DEFAULT_TAKEOVER GST_ERTMP_TAKEOVER_REPLACE
#define DEFAULT_LATENCY 200
#define DEFAULT_MAX_QUEUE_BYTES (32 * 1024 * 1024)

enum
{
  PROP_0,
  PROP_SERVER_SETTINGS,         /* GST_ERTMP_SERVER_N_PROPS of them */
  PROP_KEEP_LISTENING = PROP_SERVER_SETTINGS + GST_ERTMP_SERVER_N_PROPS,
  PROP_DROP_IS_EOS,
  PROP_IDLE_TIMEOUT,
  PROP_LATENCY,
  PROP_MAX_QUEUE_BYTES,
  PROP_STATS,
  PROP_TAKEOVER,
  PROP_FIRST_MEDIA_TIMEOUT,
  PROP_SERVER,
};

static const GstErtmpServerSettingsInfo settings_info = {
  .first_prop_id = PROP_SERVER_SETTINGS,
  .uri_type = GST_URI_SRC,
  .offset = G_STRUCT_OFFSET (GstRtmpIngestSrc, settings),
  .debug = &gst_rtmp_ingest_src_debug,
  .stream_name = "stream-key",
  .stream_nick = "Stream key",
  .stream_blurb = "The stream key publishers must publish with, compared in "
      "constant time without any ?query (NULL: any)",
  .stream_word = "KEY",
  .empty_is_any = TRUE,
  .location_blurb = "Where to listen, as rtmp://HOST:PORT/APP/KEY or "
      "rtmps://...; sets host, port, application and stream-key (an empty "
      "APP or KEY accepts any)",
  .host_blurb = "Address to listen on (name or IP); every rtmpingestsrc of "
      "the process with the same host and port shares one server",
  .port_blurb = "TCP port to listen on (0: a new server on a free port, see "
      "bound-port; another element joins it with port=bound-port)",
  .application_blurb = "The application publishers must connect to (NULL: "
      "any)",
  .chunk_size_blurb = "Chunk size in bytes announced to every publisher "
      "(Set Chunk Size) and used for what we send; FFmpeg publishers echo "
      "it, so a large one saves them send calls (a server setting)",
  .handshake_timeout_blurb = "Seconds a connection has to get its publish "
      "accepted (TLS, RTMP handshake, connect, publish) before it is "
      "dropped (0: no limit; a server setting)",
  .max_connections_blurb = "Connections the server holds at once; at the "
      "limit, the least advanced connection not yet publishing makes room, "
      "else a newcomer is refused (0: no limit; a server setting)",
  .max_per_address_blurb = "Connections one client address holds at once, "
      "evicted as for max-connections (0: no limit; a server setting)",
  .proxy_protocol_blurb = "Every connection starts with a PROXY protocol v1 "
      "or v2 header (HAProxy send-proxy / send-proxy-v2) naming the real "
      "client; one without a valid header is refused.  Only for a server "
      "that only the load balancer can reach (a server setting)",
};

/* ---- stats ---- */

GstStructure *
gst_rtmp_ingest_src_get_stats (GstRtmpIngestSrc * src)
{
  GstStructure *s;

  g_mutex_lock (&src->lock);
  s = src->stats ? gst_structure_copy (src->stats) :
      gst_structure_new_empty ("rtmp-ingest-stats");
  gst_structure_set (s, "publishers-accepted", G_TYPE_UINT64,
      src->publishers_accepted, "publishers-refused", G_TYPE_UINT64,
      src->publishers_refused, NULL);
  if (!src->has_publisher)
    gst_structure_set (s, "publishing", G_TYPE_BOOLEAN, FALSE, NULL);
  g_mutex_unlock (&src->lock);
  return s;
}

void
gst_rtmp_ingest_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (object);

  GST_OBJECT_LOCK (src);
  if (gst_ertmp_server_settings_set_property (&src->settings, object,
          prop_id, value)) {
    GST_OBJECT_UNLOCK (src);
    return;
  }
  switch (prop_id) {
    case PROP_KEEP_LISTENING:
      src->keep_listening = g_value_get_boolean (value);
      break;
    case PROP_DROP_IS_EOS:
      src->drop_is_eos = g_value_get_boolean (value);
      break;
    case PROP_IDLE_TIMEOUT:
      src->idle_timeout = g_value_get_uint (value);
      break;
    case PROP_LATENCY:
      src->latency = g_value_get_uint (value);
      break;
    case PROP_MAX_QUEUE_BYTES:
      src->max_queue_bytes = g_value_get_uint (value);
      break;
    case PROP_TAKEOVER:
      src->takeover = g_value_get_enum (value);
      break;
    case PROP_FIRST_MEDIA_TIMEOUT:
      src->first_media_timeout = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (src);
}

void
gst_rtmp_ingest_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (object);

  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value, gst_rtmp_ingest_src_get_stats (src));
    return;
  }
  GST_OBJECT_LOCK (src);
  if (gst_ertmp_server_settings_get_property (&src->settings, prop_id,
          value)) {
    GST_OBJECT_UNLOCK (src);
    return;
  }
  switch (prop_id) {
    case PROP_KEEP_LISTENING:
      g_value_set_boolean (value, src->keep_listening);
      break;
    case PROP_DROP_IS_EOS:
      g_value_set_boolean (value, src->drop_is_eos);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, src->idle_timeout);
      break;
    case PROP_LATENCY:
      g_value_set_uint (value, src->latency);
      break;
    case PROP_MAX_QUEUE_BYTES:
      g_value_set_uint (value, src->max_queue_bytes);
      break;
    case PROP_TAKEOVER:
      g_value_set_enum (value, src->takeover);
      break;
    case PROP_FIRST_MEDIA_TIMEOUT:
      g_value_set_uint (value, src->first_media_timeout);
      break;
    case PROP_SERVER:
      g_value_set_object (value, src->server);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (src);
}

void
gst_rtmp_ingest_src_install_properties (GObjectClass * gobject_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY;

  gst_ertmp_server_settings_class_init (gobject_class, &settings_info);
  g_object_class_install_property (gobject_class, PROP_KEEP_LISTENING,
      g_param_spec_boolean ("keep-listening", "Keep listening",
          "Serve the next publisher after one leaves (else its end is the "
          "end of the stream)", DEFAULT_KEEP_LISTENING, rw));
  g_object_class_install_property (gobject_class, PROP_DROP_IS_EOS,
      g_param_spec_boolean ("drop-is-eos", "Drop is EOS",
          "Without keep-listening: a publisher's connection lost without "
          "a teardown is EOS instead of an error", DEFAULT_DROP_IS_EOS, rw));
  g_object_class_install_property (gobject_class, PROP_IDLE_TIMEOUT,
      g_param_spec_uint ("idle-timeout", "Idle timeout",
          "Seconds a publisher may send no media after its first before it "
          "is dropped (0: never)", 0, G_MAXUINT / 1000000,
          DEFAULT_IDLE_TIMEOUT, rw));
  g_object_class_install_property (gobject_class, PROP_LATENCY,
      g_param_spec_uint ("latency", "Latency",
          "Milliseconds of network jitter to allow for (the minimum latency "
          "reported)", 0, G_MAXUINT / 1000000, DEFAULT_LATENCY, rw));
  g_object_class_install_property (gobject_class, PROP_MAX_QUEUE_BYTES,
      g_param_spec_uint ("max-queue-bytes", "Maximum queue bytes",
          "Bytes of tags held for downstream before the publisher is no "
          "longer read (TCP then slows it down)", 65536, G_MAXUINT,
          DEFAULT_MAX_QUEUE_BYTES, rw));
  g_object_class_install_property (gobject_class, PROP_TAKEOVER,
      g_param_spec_enum ("takeover", "Takeover",
          "What a publish with this element's key does while a publisher "
          "is on: refuse it (busy), replace a publisher silent for 2 s, or "
          "replace the old connection (an encoder reconnecting after a "
          "crash or a network change); the output goes on with a DISCONT",
          GST_TYPE_ERTMP_TAKEOVER, DEFAULT_TAKEOVER, rw));
  g_object_class_install_property (gobject_class, PROP_FIRST_MEDIA_TIMEOUT,
      g_param_spec_uint ("first-media-timeout", "First media timeout",
          "Seconds an accepted publisher has to send its first media "
          "message before it is dropped (0: never)", 0, G_MAXUINT / 1000000,
          DEFAULT_FIRST_MEDIA_TIMEOUT, rw));
  g_object_class_install_property (gobject_class, PROP_SERVER,
      g_param_spec_object ("server", "Server",
          "The shared RTMP server (GstErtmpServer) this element is part of, "
          "from READY on: its publisher-unknown signal, drain action, "
          "claim-timeout and stats", GST_TYPE_ERTMP_SERVER,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Stats",
          "Statistics of the current (or last) publisher and of the "
          "publishers served (fields: see stats-fields above)",
          GST_TYPE_STRUCTURE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

void
gst_rtmp_ingest_src_init_properties (GstRtmpIngestSrc * src)
{
  gst_ertmp_server_settings_init (&src->settings, &settings_info);
  src->keep_listening = DEFAULT_KEEP_LISTENING;
  src->drop_is_eos = DEFAULT_DROP_IS_EOS;
  src->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  src->first_media_timeout = DEFAULT_FIRST_MEDIA_TIMEOUT;
  src->takeover = DEFAULT_TAKEOVER;
  src->latency = DEFAULT_LATENCY;
  src->max_queue_bytes = DEFAULT_MAX_QUEUE_BYTES;
}

void
gst_rtmp_ingest_src_clear_properties (GstRtmpIngestSrc * src)
{
  gst_ertmp_server_settings_clear (&src->settings);
}
