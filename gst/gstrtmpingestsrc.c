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
 * One publisher at a time: a second one is refused while the first
 * publishes.  With #GstRtmpIngestSrc:keep-listening the element serves the
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

#define DEFAULT_HOST "0.0.0.0"
#define DEFAULT_PORT 1935
#define DEFAULT_KEEP_LISTENING TRUE
#define DEFAULT_DROP_IS_EOS FALSE
#define DEFAULT_HANDSHAKE_TIMEOUT 10
#define DEFAULT_IDLE_TIMEOUT 0
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
};

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
    GST_TYPE_PUSH_SRC, G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER,
        gst_rtmp_ingest_src_uri_handler_init));
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (rtmpingestsrc, "rtmpingestsrc",
    GST_RANK_NONE, GST_TYPE_RTMP_INGEST_SRC,
    GST_DEBUG_CATEGORY_INIT (gst_rtmp_ingest_src_debug, "rtmpingestsrc", 0,
        "RTMP ingest server source"));

/* ---- the queue between the I/O thread and create() ---- */

static gsize
item_size (const GstRtmpIngestItem * item)
{
  return item->buf ? gst_buffer_get_size (item->buf) : 0;
}

void
gst_rtmp_ingest_src_enqueue (GstRtmpIngestSrc * src, GstRtmpIngestItem * item)
{
  guint max;

  GST_OBJECT_LOCK (src);
  max = src->max_queue_bytes;
  GST_OBJECT_UNLOCK (src);
  g_mutex_lock (&src->lock);
  g_queue_push_tail (&src->queue, item);
  src->queue_bytes += item_size (item);
  if (src->queue_bytes >= max && !src->reading_paused) {
    GST_DEBUG_OBJECT (src, "queue full (%" G_GSIZE_FORMAT " bytes): "
        "reading paused", src->queue_bytes);
    src->reading_paused = TRUE;
  }
  g_cond_signal (&src->cond);
  g_mutex_unlock (&src->lock);
}

/* The next item, or NULL when flushing. */
static GstRtmpIngestItem *
dequeue (GstRtmpIngestSrc * src)
{
  GstRtmpIngestItem *item = NULL;
  gboolean resume = FALSE;
  guint max;

  GST_OBJECT_LOCK (src);
  max = src->max_queue_bytes;
  GST_OBJECT_UNLOCK (src);
  g_mutex_lock (&src->lock);
  while (!src->flushing && g_queue_is_empty (&src->queue))
    g_cond_wait (&src->cond, &src->lock);
  if (!src->flushing) {
    item = g_queue_pop_head (&src->queue);
    src->queue_bytes -= item_size (item);
    if (src->reading_paused && src->queue_bytes < max / 2) {
      src->reading_paused = FALSE;
      resume = TRUE;
    }
  }
  g_mutex_unlock (&src->lock);
  if (resume)
    gst_rtmp_ingest_server_resume (src);
  return item;
}

static void
clear_queue (GstRtmpIngestSrc * src)
{
  g_mutex_lock (&src->lock);
  g_queue_clear_full (&src->queue,
      (GDestroyNotify) gst_rtmp_ingest_item_free);
  src->queue_bytes = 0;
  src->reading_paused = FALSE;
  g_mutex_unlock (&src->lock);
}

void
gst_rtmp_ingest_src_post (GstRtmpIngestSrc * src, GstStructure * structure)
{
  gst_element_post_message (GST_ELEMENT (src),
      gst_message_new_element (GST_OBJECT (src), structure));
}

/* ---- GstBaseSrc ---- */

static gboolean
gst_rtmp_ingest_src_start (GstBaseSrc * bsrc)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (bsrc);
  GError *err = NULL;
  gchar *bad_location, *host, *key;
  gboolean ok;
  gint port;

  GST_OBJECT_LOCK (src);
  bad_location = g_strdup (src->bad_location);
  host = g_strdup (src->host);
  port = src->port;
  key = g_strdup (src->stream_key);
  GST_OBJECT_UNLOCK (src);
  if (bad_location != NULL) {
    GST_ELEMENT_ERROR (src, RESOURCE, SETTINGS,
        ("Invalid location \"%s\": expected "
            "rtmp://HOST[:PORT]/APP/KEY or rtmps://...", bad_location),
        ("the location property was refused; not listening"));
    g_free (bad_location);
    g_free (host);
    g_free (key);
    return FALSE;
  }
  gst_rtmp_ingest_tags_reset (src);
  src->flushing = FALSE;
  ok = gst_rtmp_ingest_server_start (src, &err);
  if (!ok) {
    GST_ELEMENT_ERROR (src, RESOURCE, OPEN_READ,
        ("Could not start the RTMP server: %s", err->message),
        ("%s", err->message));
    g_error_free (err);
  } else if (key == NULL) {
    GST_ELEMENT_WARNING (src, RESOURCE, SETTINGS,
        ("No stream key set: any stream key is accepted on %s:%d",
            host, port == 0 ? src->bound_port : port),
        ("set stream-key (or a KEY in location) to accept one key only"));
  }
  g_free (host);
  g_free (key);
  return ok;
}

static gboolean
gst_rtmp_ingest_src_stop (GstBaseSrc * bsrc)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (bsrc);

  gst_rtmp_ingest_server_stop (src);
  clear_queue (src);
  gst_rtmp_ingest_tags_reset (src);
  return TRUE;
}

static gboolean
gst_rtmp_ingest_src_unlock (GstBaseSrc * bsrc)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (bsrc);

  g_mutex_lock (&src->lock);
  src->flushing = TRUE;
  g_cond_broadcast (&src->cond);
  g_mutex_unlock (&src->lock);
  return TRUE;
}

static gboolean
gst_rtmp_ingest_src_unlock_stop (GstBaseSrc * bsrc)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (bsrc);

  g_mutex_lock (&src->lock);
  src->flushing = FALSE;
  g_mutex_unlock (&src->lock);
  return TRUE;
}

static gboolean
gst_rtmp_ingest_src_query (GstBaseSrc * bsrc, GstQuery * query)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (bsrc);
  GstClockTime latency;

  if (GST_QUERY_TYPE (query) != GST_QUERY_LATENCY)
    return GST_BASE_SRC_CLASS (parent_class)->query (bsrc, query);
  GST_OBJECT_LOCK (src);
  latency = src->latency * GST_MSECOND;
  GST_OBJECT_UNLOCK (src);
  /* tags arrive with the network's jitter behind their mapped time; the
   * queue holds as much as downstream needs */
  gst_query_set_latency (query, TRUE, latency, GST_CLOCK_TIME_NONE);
  return TRUE;
}

static GstFlowReturn
gst_rtmp_ingest_src_create (GstPushSrc * psrc, GstBuffer ** outbuf)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (psrc);
  GstRtmpIngestItem *item;
  GstFlowReturn ret;

  for (;;) {
    if (!g_queue_is_empty (&src->out)) {
      *outbuf = g_queue_pop_head (&src->out);
      return GST_FLOW_OK;
    }
    if (src->ended)
      return GST_FLOW_EOS;
    if ((item = dequeue (src)) == NULL)
      return GST_FLOW_FLUSHING;
    if ((ret = gst_rtmp_ingest_tags_handle (src, item)) != GST_FLOW_OK)
      return ret;
  }
}

/* ---- GObject ---- */

static GstStructure *
get_stats (GstRtmpIngestSrc * src)
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

static void
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (src);
}

static void
gst_rtmp_ingest_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (object);

  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value, get_stats (src));
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (src);
}

static void
gst_rtmp_ingest_src_finalize (GObject * object)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (object);

  gst_rtmp_ingest_tags_clear (src);
  g_free (src->host);
  g_free (src->application);
  g_free (src->stream_key);
  g_clear_object (&src->tls_certificate);
  g_free (src->tls_certificate_file);
  g_free (src->tls_key_file);
  g_free (src->bad_location);
  if (src->stats)
    gst_structure_free (src->stats);
  g_mutex_clear (&src->lock);
  g_cond_clear (&src->cond);
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
   * Emitted from the element's I/O thread when a publisher that passed the
   * application and stream-key checks asks to publish.  Return FALSE to
   * refuse it (NetStream.Publish.Unauthorized); the first FALSE wins.
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
      G_CALLBACK (gst_rtmp_ingest_server_request_reconnect), NULL, NULL,
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
      G_CALLBACK (gst_rtmp_ingest_server_disconnect), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 0);
}

static void
install_properties (GObjectClass * gobject_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "Where to listen, as rtmp://HOST:PORT/APP/KEY or rtmps://...; "
          "sets host, port, application and stream-key (an empty APP or "
          "KEY accepts any)", NULL, rw));
  g_object_class_install_property (gobject_class, PROP_HOST,
      g_param_spec_string ("host", "Host",
          "Address to listen on (name or IP)", DEFAULT_HOST, rw));
  g_object_class_install_property (gobject_class, PROP_PORT,
      g_param_spec_int ("port", "Port",
          "TCP port to listen on (0: pick a free one, see bound-port)",
          0, 65535, DEFAULT_PORT, rw));
  g_object_class_install_property (gobject_class, PROP_BOUND_PORT,
      g_param_spec_int ("bound-port", "Bound port",
          "The port listened on from READY to PAUSED on (0 when not "
          "listening)", 0, 65535, 0,
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
          "handshake, connect, publish) before it is dropped (0: no limit)",
          0, G_MAXUINT / 1000000, DEFAULT_HANDSHAKE_TIMEOUT, rw));
  g_object_class_install_property (gobject_class, PROP_IDLE_TIMEOUT,
      g_param_spec_uint ("idle-timeout", "Idle timeout",
          "Seconds a publisher may send nothing at all before it is dropped "
          "(0: never)", 0, G_MAXUINT / 1000000, DEFAULT_IDLE_TIMEOUT, rw));
  g_object_class_install_property (gobject_class, PROP_LATENCY,
      g_param_spec_uint ("latency", "Latency",
          "Milliseconds of network jitter to allow for (the minimum latency "
          "reported)", 0, G_MAXUINT / 1000000, DEFAULT_LATENCY, rw));
  g_object_class_install_property (gobject_class, PROP_CHUNK_SIZE,
      g_param_spec_uint ("chunk-size", "Chunk size",
          "Chunk size in bytes announced to every publisher (Set Chunk "
          "Size) and used for what we send; FFmpeg publishers echo it, so "
          "a large one saves them send calls", 128, 0x7FFFFFFF,
          DEFAULT_CHUNK_SIZE, rw));
  g_object_class_install_property (gobject_class, PROP_MAX_QUEUE_BYTES,
      g_param_spec_uint ("max-queue-bytes", "Maximum queue bytes",
          "Bytes of tags held for downstream before the publisher is no "
          "longer read (TCP then slows it down)", 65536, G_MAXUINT,
          DEFAULT_MAX_QUEUE_BYTES, rw));
  g_object_class_install_property (gobject_class, PROP_TLS_CERTIFICATE,
      g_param_spec_object ("tls-certificate", "TLS certificate",
          "Certificate (with its private key) for RTMPS: connections are "
          "TLS when set", G_TYPE_TLS_CERTIFICATE, rw));
  g_object_class_install_property (gobject_class, PROP_TLS_CERTIFICATE_FILE,
      g_param_spec_string ("tls-certificate-file", "TLS certificate file",
          "PEM file with the RTMPS certificate (and its key unless "
          "tls-key-file is set)", NULL, rw));
  g_object_class_install_property (gobject_class, PROP_TLS_KEY_FILE,
      g_param_spec_string ("tls-key-file", "TLS key file",
          "PEM file with the private key of tls-certificate-file", NULL, rw));
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Stats",
          "Statistics of the current (or last) publisher and of the "
          "publishers served (fields: see stats-fields above)",
          GST_TYPE_STRUCTURE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
gst_rtmp_ingest_src_class_init (GstRtmpIngestSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *base_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *push_class = GST_PUSH_SRC_CLASS (klass);

  gobject_class->set_property = gst_rtmp_ingest_src_set_property;
  gobject_class->get_property = gst_rtmp_ingest_src_get_property;
  gobject_class->finalize = gst_rtmp_ingest_src_finalize;
  base_class->start = GST_DEBUG_FUNCPTR (gst_rtmp_ingest_src_start);
  base_class->stop = GST_DEBUG_FUNCPTR (gst_rtmp_ingest_src_stop);
  base_class->unlock = GST_DEBUG_FUNCPTR (gst_rtmp_ingest_src_unlock);
  base_class->unlock_stop =
      GST_DEBUG_FUNCPTR (gst_rtmp_ingest_src_unlock_stop);
  base_class->query = GST_DEBUG_FUNCPTR (gst_rtmp_ingest_src_query);
  push_class->create = GST_DEBUG_FUNCPTR (gst_rtmp_ingest_src_create);

  install_properties (gobject_class);
  install_signals (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "RTMP ingest server source", "Source/Network",
      "Receives a stream published over RTMP/RTMPS (and Enhanced RTMP) "
      "by OBS, FFmpeg or any encoder, as FLV",
      "gst-ertmp developers");
  gst_rtmp_ingest_src_add_documentation (element_class);
}

static void
gst_rtmp_ingest_src_init (GstRtmpIngestSrc * src)
{
  src->host = g_strdup (DEFAULT_HOST);
  src->port = DEFAULT_PORT;
  src->keep_listening = DEFAULT_KEEP_LISTENING;
  src->drop_is_eos = DEFAULT_DROP_IS_EOS;
  src->handshake_timeout = DEFAULT_HANDSHAKE_TIMEOUT;
  src->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  src->latency = DEFAULT_LATENCY;
  src->chunk_size = DEFAULT_CHUNK_SIZE;
  src->max_queue_bytes = DEFAULT_MAX_QUEUE_BYTES;
  g_mutex_init (&src->lock);
  g_cond_init (&src->cond);
  g_queue_init (&src->queue);
  gst_rtmp_ingest_tags_init (src);
  gst_base_src_set_live (GST_BASE_SRC (src), TRUE);
  gst_base_src_set_format (GST_BASE_SRC (src), GST_FORMAT_TIME);
}
