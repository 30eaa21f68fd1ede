/* gst-ertmp: rtmpingestsrc's properties
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Element settings (application, key, timeouts, takeover) apply to this
 * element; server settings (host, port, TLS, chunk size, limits, PROXY
 * protocol) are the shared server's: the first element to bind an address
 * makes the server with its own, a later one that differs is warned.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtmpingestsrc.h"

#define DEFAULT_HOST "0.0.0.0"
#define DEFAULT_PORT 1935
#define DEFAULT_KEEP_LISTENING TRUE
#define DEFAULT_DROP_IS_EOS FALSE
#define DEFAULT_HANDSHAKE_TIMEOUT 10
/* as SRS: a publisher that sends no media is dropped, 20 s before its
 * first media message and 5 s after */
#define DEFAULT_IDLE_TIMEOUT 5
#define DEFAULT_FIRST_MEDIA_TIMEOUT 20
#define DEFAULT_TAKEOVER GST_ERTMP_TAKEOVER_REPLACE
/* thousands of publishers per server, a few dozen per address (NAT) */
#define DEFAULT_MAX_CONNECTIONS 5000
#define DEFAULT_MAX_PER_ADDRESS 32
#define DEFAULT_PROXY_PROTOCOL FALSE
#define DEFAULT_LATENCY 200
/* FFmpeg publishers echo the server's chunk size: at 4 KiB they make 16
 * times the send calls they make at 64 KiB (docs/performance.md) */
#define DEFAULT_CHUNK_SIZE 65536
#define DEFAULT_MAX_QUEUE_BYTES (32 * 1024 * 1024)

enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_HOST,
  PROP_PORT,
  PROP_BOUND_PORT,
  PROP_APPLICATION,
  PROP_STREAM_KEY,
  PROP_KEEP_LISTENING,
  PROP_DROP_IS_EOS,
  PROP_HANDSHAKE_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  PROP_LATENCY,
  PROP_CHUNK_SIZE,
  PROP_MAX_QUEUE_BYTES,
  PROP_TLS_CERTIFICATE,
  PROP_TLS_CERTIFICATE_FILE,
  PROP_TLS_KEY_FILE,
  PROP_STATS,
  PROP_TAKEOVER,
  PROP_FIRST_MEDIA_TIMEOUT,
  PROP_MAX_CONNECTIONS,
  PROP_MAX_PER_ADDRESS,
  PROP_PROXY_PROTOCOL,
  PROP_SERVER,
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

static void
replace_string (gchar ** field, const GValue * value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
}

void
gst_rtmp_ingest_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (object);

  GST_OBJECT_LOCK (src);
  switch (prop_id) {
    case PROP_LOCATION:
      gst_rtmp_ingest_src_set_location (src, g_value_get_string (value));
      break;
    case PROP_HOST:
      replace_string (&src->host, value);
      if (src->host == NULL)
        src->host = g_strdup (DEFAULT_HOST);
      break;
    case PROP_PORT:
      src->port = g_value_get_int (value);
      break;
    case PROP_APPLICATION:
      replace_string (&src->application, value);
      break;
    case PROP_STREAM_KEY:
      replace_string (&src->stream_key, value);
      break;
    case PROP_KEEP_LISTENING:
      src->keep_listening = g_value_get_boolean (value);
      break;
    case PROP_DROP_IS_EOS:
      src->drop_is_eos = g_value_get_boolean (value);
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      src->handshake_timeout = g_value_get_uint (value);
      break;
    case PROP_IDLE_TIMEOUT:
      src->idle_timeout = g_value_get_uint (value);
      break;
    case PROP_LATENCY:
      src->latency = g_value_get_uint (value);
      break;
    case PROP_CHUNK_SIZE:
      src->chunk_size = g_value_get_uint (value);
      break;
    case PROP_MAX_QUEUE_BYTES:
      src->max_queue_bytes = g_value_get_uint (value);
      break;
    case PROP_TLS_CERTIFICATE:
      g_clear_object (&src->tls_certificate);
      src->tls_certificate = g_value_dup_object (value);
      break;
    case PROP_TLS_CERTIFICATE_FILE:
      replace_string (&src->tls_certificate_file, value);
      break;
    case PROP_TLS_KEY_FILE:
      replace_string (&src->tls_key_file, value);
      break;
    case PROP_TAKEOVER:
      src->takeover = g_value_get_enum (value);
      break;
    case PROP_FIRST_MEDIA_TIMEOUT:
      src->first_media_timeout = g_value_get_uint (value);
      break;
    case PROP_MAX_CONNECTIONS:
      src->max_connections = g_value_get_uint (value);
      break;
    case PROP_MAX_PER_ADDRESS:
      src->max_per_address = g_value_get_uint (value);
      break;
    case PROP_PROXY_PROTOCOL:
      src->proxy_protocol = g_value_get_boolean (value);
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
  switch (prop_id) {
    case PROP_LOCATION:
      g_value_take_string (value, gst_rtmp_ingest_src_get_location (src));
      break;
    case PROP_HOST:
      g_value_set_string (value, src->host);
      break;
    case PROP_PORT:
      g_value_set_int (value, src->port);
      break;
    case PROP_BOUND_PORT:
      g_value_set_int (value, src->bound_port);
      break;
    case PROP_APPLICATION:
      g_value_set_string (value, src->application);
      break;
    case PROP_STREAM_KEY:
      g_value_set_string (value, src->stream_key);
      break;
    case PROP_KEEP_LISTENING:
      g_value_set_boolean (value, src->keep_listening);
      break;
    case PROP_DROP_IS_EOS:
      g_value_set_boolean (value, src->drop_is_eos);
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      g_value_set_uint (value, src->handshake_timeout);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, src->idle_timeout);
      break;
    case PROP_LATENCY:
      g_value_set_uint (value, src->latency);
      break;
    case PROP_CHUNK_SIZE:
      g_value_set_uint (value, src->chunk_size);
      break;
    case PROP_MAX_QUEUE_BYTES:
      g_value_set_uint (value, src->max_queue_bytes);
      break;
    case PROP_TLS_CERTIFICATE:
      g_value_set_object (value, src->tls_certificate);
      break;
    case PROP_TLS_CERTIFICATE_FILE:
      g_value_set_string (value, src->tls_certificate_file);
      break;
    case PROP_TLS_KEY_FILE:
      g_value_set_string (value, src->tls_key_file);
      break;
    case PROP_TAKEOVER:
      g_value_set_enum (value, src->takeover);
      break;
    case PROP_FIRST_MEDIA_TIMEOUT:
      g_value_set_uint (value, src->first_media_timeout);
      break;
    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, src->max_connections);
      break;
    case PROP_MAX_PER_ADDRESS:
      g_value_set_uint (value, src->max_per_address);
      break;
    case PROP_PROXY_PROTOCOL:
      g_value_set_boolean (value, src->proxy_protocol);
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
  /* what the server is made of: bound in NULL -> READY */
  const GParamFlags srv = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "Where to listen, as rtmp://HOST:PORT/APP/KEY or rtmps://...; "
          "sets host, port, application and stream-key (an empty APP or "
          "KEY accepts any)", NULL, srv));
  g_object_class_install_property (gobject_class, PROP_HOST,
      g_param_spec_string ("host", "Host",
          "Address to listen on (name or IP); every rtmpingestsrc of the "
          "process with the same host and port shares one server",
          DEFAULT_HOST, srv));
  g_object_class_install_property (gobject_class, PROP_PORT,
      g_param_spec_int ("port", "Port",
          "TCP port to listen on (0: a new server on a free port, see "
          "bound-port; another element joins it with port=bound-port)",
          0, 65535, DEFAULT_PORT, srv));
  g_object_class_install_property (gobject_class, PROP_BOUND_PORT,
      g_param_spec_int ("bound-port", "Bound port",
          "The port listened on, from READY on (0 in NULL)", 0, 65535, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_APPLICATION,
      g_param_spec_string ("application", "Application",
          "The application publishers must connect to (NULL: any)", NULL,
          rw));
  g_object_class_install_property (gobject_class, PROP_STREAM_KEY,
      g_param_spec_string ("stream-key", "Stream key",
          "The stream key publishers must publish with, compared in "
          "constant time without any ?query (NULL: any)", NULL, rw));
  g_object_class_install_property (gobject_class, PROP_KEEP_LISTENING,
      g_param_spec_boolean ("keep-listening", "Keep listening",
          "Serve the next publisher after one leaves (else its end is the "
          "end of the stream)", DEFAULT_KEEP_LISTENING, rw));
  g_object_class_install_property (gobject_class, PROP_DROP_IS_EOS,
      g_param_spec_boolean ("drop-is-eos", "Drop is EOS",
          "Without keep-listening: a publisher's connection lost without "
          "a teardown is EOS instead of an error", DEFAULT_DROP_IS_EOS, rw));
  g_object_class_install_property (gobject_class, PROP_HANDSHAKE_TIMEOUT,
      g_param_spec_uint ("handshake-timeout", "Handshake timeout",
          "Seconds a connection has to get its publish accepted (TLS, RTMP "
          "handshake, connect, publish) before it is dropped (0: no limit; "
          "a server setting)", 0, G_MAXUINT / 1000000,
          DEFAULT_HANDSHAKE_TIMEOUT, srv));
  g_object_class_install_property (gobject_class, PROP_IDLE_TIMEOUT,
      g_param_spec_uint ("idle-timeout", "Idle timeout",
          "Seconds a publisher may send no media after its first before it "
          "is dropped (0: never)", 0, G_MAXUINT / 1000000,
          DEFAULT_IDLE_TIMEOUT, rw));
  g_object_class_install_property (gobject_class, PROP_LATENCY,
      g_param_spec_uint ("latency", "Latency",
          "Milliseconds of network jitter to allow for (the minimum latency "
          "reported)", 0, G_MAXUINT / 1000000, DEFAULT_LATENCY, rw));
  g_object_class_install_property (gobject_class, PROP_CHUNK_SIZE,
      g_param_spec_uint ("chunk-size", "Chunk size",
          "Chunk size in bytes announced to every publisher (Set Chunk "
          "Size) and used for what we send; FFmpeg publishers echo it, so "
          "a large one saves them send calls (a server setting)", 128,
          0x7FFFFFFF, DEFAULT_CHUNK_SIZE, srv));
  g_object_class_install_property (gobject_class, PROP_MAX_QUEUE_BYTES,
      g_param_spec_uint ("max-queue-bytes", "Maximum queue bytes",
          "Bytes of tags held for downstream before the publisher is no "
          "longer read (TCP then slows it down)", 65536, G_MAXUINT,
          DEFAULT_MAX_QUEUE_BYTES, rw));
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
  g_object_class_install_property (gobject_class, PROP_MAX_CONNECTIONS,
      g_param_spec_uint ("max-connections", "Maximum connections",
          "Connections the server holds at once; at the limit, the least "
          "advanced connection not yet publishing makes room, else a "
          "newcomer is refused (0: no limit; a server setting)", 0,
          G_MAXINT, DEFAULT_MAX_CONNECTIONS, srv));
  g_object_class_install_property (gobject_class, PROP_MAX_PER_ADDRESS,
      g_param_spec_uint ("max-connections-per-address",
          "Maximum connections per address",
          "Connections one client address holds at once, evicted as for "
          "max-connections (0: no limit; a server setting)", 0, G_MAXINT,
          DEFAULT_MAX_PER_ADDRESS, srv));
  g_object_class_install_property (gobject_class, PROP_PROXY_PROTOCOL,
      g_param_spec_boolean ("proxy-protocol", "PROXY protocol",
          "Every connection starts with a PROXY protocol v1 or v2 header "
          "(HAProxy send-proxy / send-proxy-v2) naming the real client; "
          "one without a valid header is refused.  Only for a server that "
          "only the load balancer can reach (a server setting)",
          DEFAULT_PROXY_PROTOCOL, srv));
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
  src->host = g_strdup (DEFAULT_HOST);
  src->port = DEFAULT_PORT;
  src->keep_listening = DEFAULT_KEEP_LISTENING;
  src->drop_is_eos = DEFAULT_DROP_IS_EOS;
  src->handshake_timeout = DEFAULT_HANDSHAKE_TIMEOUT;
  src->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  src->first_media_timeout = DEFAULT_FIRST_MEDIA_TIMEOUT;
  src->takeover = DEFAULT_TAKEOVER;
  src->latency = DEFAULT_LATENCY;
  src->chunk_size = DEFAULT_CHUNK_SIZE;
  src->max_queue_bytes = DEFAULT_MAX_QUEUE_BYTES;
  src->max_connections = DEFAULT_MAX_CONNECTIONS;
  src->max_per_address = DEFAULT_MAX_PER_ADDRESS;
  src->proxy_protocol = DEFAULT_PROXY_PROTOCOL;
}

void
gst_rtmp_ingest_src_clear_properties (GstRtmpIngestSrc * src)
{
  g_free (src->host);
  g_free (src->application);
  g_free (src->stream_key);
  g_clear_object (&src->tls_certificate);
  g_free (src->tls_certificate_file);
  g_free (src->tls_key_file);
  g_free (src->bad_location);
}
