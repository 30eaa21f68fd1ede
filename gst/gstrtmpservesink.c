/* gst-ertmp: rtmpservesink, RTMP play-out on the shared server
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * SECTION:element-rtmpservesink
 *
 * Serves the FLV stream it is given to any number of RTMP/RTMPS players
 * (FFmpeg, ffplay, VLC, mpv, OBS, rtmp2src, a relay) on the shared server
 * of rtmpingestsrc, routed by the play's application and stream name:
 * one process is a complete Enhanced RTMP origin.
 *
 * |[
 * gst-launch-1.0 rtmpingestsrc location=rtmp://0.0.0.0:1935/live/KEY ! \
 *     rtmpservesink location=rtmp://0.0.0.0:1935/live/show sync=false
 * ffplay rtmp://127.0.0.1/live/show
 * ]|
 *
 * render() cuts its input into tags and hands them to the server's I/O
 * thread (gstrtmpservefanout.c); it never waits for a player's socket.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstrtmpservesink.h"
#include "gstertmpelements.h"
#include "gstertmptag.h"
#include "gstertmpredact.h"
#include "ertmp_codec.h"
#include "ertmp_media.h"
#include "ertmp_time.h"

GST_DEBUG_CATEGORY (gst_rtmp_serve_sink_debug);
#define GST_CAT_DEFAULT gst_rtmp_serve_sink_debug

/* What render() may have handed to the I/O thread and it has not taken:
 * past this, frames are dropped (counted as tags-dropped), never
 * headers, so that a stalled I/O thread cannot grow memory. */
#define MAX_PENDING_BYTES (64 * 1024 * 1024)

enum
{
  SIGNAL_PLAY_REQUEST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-flv"));

#define gst_rtmp_serve_sink_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstRtmpServeSink, gst_rtmp_serve_sink,
    GST_TYPE_BASE_SINK, G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER,
        gst_ertmp_server_settings_uri_handler_init);
    GST_DEBUG_CATEGORY_INIT (gst_rtmp_serve_sink_debug, "rtmpservesink", 0,
        "RTMP play-out sink"));
GST_ELEMENT_REGISTER_DEFINE (rtmpservesink, "rtmpservesink", GST_RANK_NONE,
    GST_TYPE_RTMP_SERVE_SINK);

void
gst_rtmp_serve_sink_post (GstRtmpServeSink * sink, GstStructure * structure)
{
  gst_element_post_message (GST_ELEMENT (sink),
      gst_message_new_element (GST_OBJECT (sink), structure));
}

gboolean
gst_rtmp_serve_sink_emit_play_request (GstRtmpServeSink * sink,
    const GstErtmpPeer * peer, const gchar * query)
{
  gboolean ok = TRUE;
  gchar *name = gst_ertmp_redact_key (peer->name);

  g_signal_emit (sink, signals[SIGNAL_PLAY_REQUEST], 0, peer->address,
      peer->app_safe, name, query, &ok);
  g_free (name);
  return ok;
}

/* ---- the server ---- */

/* NULL -> READY: binds the address, or joins the server already there. */
static gboolean
join_server (GstRtmpServeSink * sink)
{
  if (!gst_ertmp_server_settings_join (&sink->settings, GST_ELEMENT (sink),
          &sink->server))
    return FALSE;
  g_object_notify (G_OBJECT (sink), "bound-port");
  g_object_notify (G_OBJECT (sink), "server");
  return TRUE;
}

static void
leave_server (GstRtmpServeSink * sink)
{
  gst_ertmp_server_settings_leave (&sink->settings, GST_ELEMENT (sink),
      &sink->server);
}

/* READY -> PAUSED: the play route of this element's app and name. */
static gboolean
gst_rtmp_serve_sink_start (GstBaseSink * bsink)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (bsink);
  GError *err = NULL;
  gchar *app, *name;

  GST_OBJECT_LOCK (sink);
  app = g_strdup (sink->settings.application ? sink->settings.application :
      "");
  name = g_strdup (sink->settings.stream);
  GST_OBJECT_UNLOCK (sink);
  if (name == NULL || *name == '\0') {
    GST_ELEMENT_ERROR (sink, RESOURCE, SETTINGS,
        ("No stream name set: players have nothing to play"),
        ("set stream-name, or a NAME in location "
            "(rtmp://HOST:PORT/APP/NAME)"));
    g_free (app);
    g_free (name);
    return FALSE;
  }
  sink->reader = NULL;
  sink->have_last_ms = FALSE;
  sink->next_seq = 0;
  sink->stream_bytes = 0;
  g_atomic_int_set (&sink->pending_bytes, 0);
  g_mutex_lock (&sink->eos_lock);
  sink->ending = 0;
  g_mutex_unlock (&sink->eos_lock);
  sink->routed = gst_ertmp_server_add_play_route (sink->server, app, name,
      &gst_rtmp_serve_play_funcs, sink, &err);
  if (!sink->routed) {
    GST_ELEMENT_ERROR (sink, RESOURCE, SETTINGS,
        ("Cannot serve this stream: %s", err->message), ("%s", err->message));
    g_error_free (err);
  }
  g_free (app);
  g_free (name);
  return sink->routed;
}

/* PAUSED -> READY: every player's stream ends (NetStream.Play.Stop and a
 * graceful close, in the background), then the route goes. */
static gboolean
gst_rtmp_serve_sink_stop (GstBaseSink * bsink)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (bsink);

  if (sink->routed) {
    gst_ertmp_server_run (sink->server, gst_rtmp_serve_fanout_stop, sink);
    gst_ertmp_server_remove_play_route (sink->server, sink);
  }
  sink->routed = FALSE;
  g_clear_pointer (&sink->reader, ertmp_flv_reader_free);
  /* what a failed render() read and did not hand over */
  g_clear_pointer (&sink->batch, g_ptr_array_unref);
  return TRUE;
}

static GstStateChangeReturn
gst_rtmp_serve_sink_change_state (GstElement * element,
    GstStateChange transition)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY && !join_server (sink))
    return GST_STATE_CHANGE_FAILURE;
  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if ((transition == GST_STATE_CHANGE_NULL_TO_READY
          && ret == GST_STATE_CHANGE_FAILURE)
      || transition == GST_STATE_CHANGE_READY_TO_NULL)
    leave_server (sink);
  return ret;
}

/* ---- tags ---- */

/* The track of an audio or video tag (of its first track when it carries
 * several: they share the frame type), 0 when it has none; for a sequence
 * start, its codecs ("AAC (track 0)") into *@codecs */
static guint8
first_track (guint8 type, const guint8 * body, gsize len, gchar ** codecs)
{
  ertmp_media_tag tag;
  ertmp_media_track track;
  GString *names = NULL;
  guint8 first = 0;
  gboolean any = FALSE;

  if ((type != 8 && type != 9) || ertmp_media_parse (type == 9 ?
          ERTMP_CODEC_KIND_VIDEO : ERTMP_CODEC_KIND_AUDIO, body, len, NULL,
          &tag) != ERTMP_OK)
    return 0;
  if (tag.hdr.packet == ERTMP_MEDIA_PACKET_SEQUENCE_START)
    names = g_string_new ("");
  while (ertmp_media_next_track (&tag, &track)) {
    if (!any)
      first = track.track_id;
    any = TRUE;
    if (names != NULL)
      g_string_append_printf (names, "%s%s (track %u)", names->len ? ", " :
          "", ertmp_codec_name (track.codec), track.track_id);
    else
      break;
  }
  if (names != NULL)
    *codecs = g_string_free (names, FALSE);
  return tag.hdr.multitrack == ERTMP_MEDIA_MULTITRACK_NONE ? 0 : first;
}

static GstRtmpServeItem *
make_item (GstRtmpServeSink * sink, const ertmp_flv_tag * t, GstBuffer * in,
    const guint8 * data, gsize len)
{
  GstRtmpServeItem *item = g_new0 (GstRtmpServeItem, 1);
  GstErtmpTagInfo info;

  item->refs = 1;
  item->type = t->header.type;
  if (!sink->have_last_ms)
    sink->last_ms = t->header.timestamp;
  sink->have_last_ms = TRUE;
  item->ms = sink->last_ms = ertmp_timestamp_unwrap (sink->last_ms,
      t->header.timestamp);
  item->body = gst_ertmp_tag_body (sink->reader, t, in, data, len);
  item->size = t->header.size;
  gst_ertmp_tag_classify (item->type, t->payload, item->size, &info);
  item->header_key = info.header_key;
  item->keyframe = info.keyframe;
  item->frame = (item->type == 8 || item->type == 9)
      && info.header_key == GST_ERTMP_TAG_NOT_HEADER;
  item->track = first_track (item->type, t->payload, item->size,
      &item->codecs);
  sink->stream_bytes += item->size;
  item->end = sink->stream_bytes;
  return item;
}

/* Hands the tags read so far to the I/O thread. */
static void
hand_over (GstRtmpServeSink * sink)
{
  gboolean post;

  if (sink->batch == NULL || sink->batch->len == 0)
    return;
  g_mutex_lock (&sink->handoff_lock);
  if (sink->handoff == NULL) {
    sink->handoff = sink->batch;
    sink->batch = NULL;
  } else {
    g_ptr_array_extend_and_steal (sink->handoff, sink->batch);
    sink->batch = NULL;
  }
  post = !sink->handoff_posted;
  sink->handoff_posted = TRUE;
  g_mutex_unlock (&sink->handoff_lock);
  if (post)
    gst_ertmp_server_invoke (sink->server, gst_rtmp_serve_fanout_add,
        gst_object_ref (sink), gst_object_unref);
}

/* Cuts @buf into tags and queues them in the batch. */
static GstFlowReturn
read_tags (GstRtmpServeSink * sink, GstBuffer * buf)
{
  GstRtmpServeItem *item;
  ertmp_flv_tag t;
  ertmp_result res;
  gsize consumed, pos = 0;
  GstMapInfo map;
  guint64 tags = 0, dropped = 0;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_ERROR;
  if (sink->reader == NULL) {
    sink->reader = gst_ertmp_tag_reader_new (map.data, map.size);
    sink->have_last_ms = FALSE;
  }
  if (sink->batch == NULL)
    sink->batch = g_ptr_array_new_with_free_func ((GDestroyNotify)
        gst_rtmp_serve_item_unref);
  while (pos < map.size) {
    res = ertmp_flv_reader_read (sink->reader, map.data + pos,
        map.size - pos, &consumed, &t);
    pos += consumed;
    if (res == ERTMP_NEED_MORE)
      break;
    if (res != ERTMP_OK) {
      GST_ELEMENT_ERROR (sink, STREAM, DEMUX,
          ("The input is not a valid FLV stream"),
          ("%s (%s)", ertmp_flv_reader_describe (sink->reader),
              ertmp_result_name (res)));
      gst_buffer_unmap (buf, &map);
      return GST_FLOW_ERROR;
    }
    if (t.skipped > 0 || t.prev_size_mismatch)
      GST_ELEMENT_WARNING (sink, STREAM, DEMUX,
          ("Damaged FLV input: %" G_GUINT64_FORMAT " bytes skipped before "
              "the tag at offset %" G_GUINT64_FORMAT, t.skipped, t.offset),
          ("%s", GST_STR_NULL (ertmp_flv_reader_describe (sink->reader))));
    item = make_item (sink, &t, buf, map.data, map.size);
    tags++;
    if (item->frame && g_atomic_int_get (&sink->pending_bytes) >
        MAX_PENDING_BYTES) {
      dropped++;
      gst_rtmp_serve_item_unref (item);
      continue;
    }
    /* the log's places are contiguous: only tags that go there count */
    item->seq = sink->next_seq++;
    g_atomic_int_add (&sink->pending_bytes, (gint) item->size);
    g_ptr_array_add (sink->batch, item);
  }
  gst_buffer_unmap (buf, &map);
  GST_OBJECT_LOCK (sink);
  sink->tags_in += tags;
  sink->sink_dropped += dropped;
  GST_OBJECT_UNLOCK (sink);
  return GST_FLOW_OK;
}

/* A stream that starts with no headers of its own (a branch linked to a
 * tee after the muxer started) starts with the caps' streamheader: the
 * FLV header, onMetaData and the sequence starts the muxer sent then. */
static GstFlowReturn
read_caps_headers (GstRtmpServeSink * sink)
{
  GstCaps *caps = gst_pad_get_current_caps (GST_BASE_SINK_PAD (sink));
  const GValue *headers = NULL;
  GstFlowReturn ret = GST_FLOW_OK;
  guint i, n = 0;

  if (caps != NULL)
    headers = gst_structure_get_value (gst_caps_get_structure (caps, 0),
        "streamheader");
  if (headers != NULL && GST_VALUE_HOLDS_ARRAY (headers))
    n = gst_value_array_get_size (headers);
  for (i = 0; i < n && ret == GST_FLOW_OK; i++) {
    const GValue *v = gst_value_array_get_value (headers, i);

    if (G_VALUE_HOLDS (v, GST_TYPE_BUFFER))
      ret = read_tags (sink, gst_value_get_buffer (v));
  }
  if (n > 0)
    GST_INFO_OBJECT (sink, "the stream starts without its headers: %u "
        "buffers of the caps' streamheader go first", n);
  gst_clear_caps (&caps);
  return ret;
}

static GstFlowReturn
gst_rtmp_serve_sink_render (GstBaseSink * bsink, GstBuffer * buf)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (bsink);
  GstFlowReturn ret = GST_FLOW_OK;

  if (sink->reader == NULL && !GST_BUFFER_FLAG_IS_SET (buf,
          GST_BUFFER_FLAG_HEADER))
    ret = read_caps_headers (sink);
  if (ret == GST_FLOW_OK)
    ret = read_tags (sink, buf);
  if (ret == GST_FLOW_OK)
    hand_over (sink);
  return ret;
}

/* Until the players who were there at EOS have the whole stream, the
 * element is unlocked, or max-player-queue-time passes. */
static void
wait_players (GstRtmpServeSink * sink)
{
  gint64 end;

  GST_OBJECT_LOCK (sink);
  end = g_get_monotonic_time () + sink->max_player_queue_time *
      (gint64) 1000;
  GST_OBJECT_UNLOCK (sink);
  g_mutex_lock (&sink->eos_lock);
  while (sink->ending > 0 && !sink->unlocked
      && g_cond_wait_until (&sink->eos_cond, &sink->eos_lock, end));
  if (sink->ending > 0)
    GST_INFO_OBJECT (sink, "EOS with %u players still getting the end",
        sink->ending);
  g_mutex_unlock (&sink->eos_lock);
}

static gboolean
gst_rtmp_serve_sink_unlock (GstBaseSink * bsink)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (bsink);

  g_mutex_lock (&sink->eos_lock);
  sink->unlocked = TRUE;
  g_cond_broadcast (&sink->eos_cond);
  g_mutex_unlock (&sink->eos_lock);
  return TRUE;
}

static gboolean
gst_rtmp_serve_sink_unlock_stop (GstBaseSink * bsink)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (bsink);

  g_mutex_lock (&sink->eos_lock);
  sink->unlocked = FALSE;
  g_mutex_unlock (&sink->eos_lock);
  return TRUE;
}

static gboolean
gst_rtmp_serve_sink_event (GstBaseSink * bsink, GstEvent * event)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (bsink);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      /* players end once they have the whole stream: EOS goes on then
       * (so that an application that stops at EOS cuts no player short),
       * or after max-player-queue-time for players too slow for it */
      if (sink->routed) {
        gst_ertmp_server_run (sink->server, gst_rtmp_serve_fanout_eos, sink);
        wait_players (sink);
      }
      /* a stream that follows starts afresh */
      g_clear_pointer (&sink->reader, ertmp_flv_reader_free);
      break;
    case GST_EVENT_STREAM_START:
    case GST_EVENT_FLUSH_STOP:
      g_clear_pointer (&sink->reader, ertmp_flv_reader_free);
      break;
    default:
      break;
  }
  return GST_BASE_SINK_CLASS (parent_class)->event (bsink, event);
}

/* ---- class ---- */

static gboolean
play_request_default (GstRtmpServeSink * sink, const gchar * address,
    const gchar * app, const gchar * name, const gchar * query)
{
  return TRUE;
}

static gboolean
play_request_accumulator (GSignalInvocationHint * ihint,
    GValue * return_accu, const GValue * handler_return, gpointer data)
{
  gboolean ok = g_value_get_boolean (handler_return);

  g_value_set_boolean (return_accu, ok);
  /* the first FALSE wins */
  return ok;
}

static void
gst_rtmp_serve_sink_finalize (GObject * object)
{
  GstRtmpServeSink *sink = GST_RTMP_SERVE_SINK (object);

  gst_rtmp_serve_sink_clear_properties (sink);
  gst_rtmp_serve_fanout_clear (sink);
  g_clear_pointer (&sink->batch, g_ptr_array_unref);
  g_clear_pointer (&sink->handoff, g_ptr_array_unref);
  g_mutex_clear (&sink->handoff_lock);
  g_mutex_clear (&sink->eos_lock);
  g_cond_clear (&sink->eos_cond);
  g_clear_pointer (&sink->reader, ertmp_flv_reader_free);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_rtmp_serve_sink_class_init (GstRtmpServeSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *base_sink_class = GST_BASE_SINK_CLASS (klass);

  gobject_class->set_property = gst_rtmp_serve_sink_set_property;
  gobject_class->get_property = gst_rtmp_serve_sink_get_property;
  gobject_class->finalize = gst_rtmp_serve_sink_finalize;
  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_rtmp_serve_sink_change_state);
  base_sink_class->start = GST_DEBUG_FUNCPTR (gst_rtmp_serve_sink_start);
  base_sink_class->stop = GST_DEBUG_FUNCPTR (gst_rtmp_serve_sink_stop);
  base_sink_class->render = GST_DEBUG_FUNCPTR (gst_rtmp_serve_sink_render);
  base_sink_class->event = GST_DEBUG_FUNCPTR (gst_rtmp_serve_sink_event);
  base_sink_class->unlock = GST_DEBUG_FUNCPTR (gst_rtmp_serve_sink_unlock);
  base_sink_class->unlock_stop =
      GST_DEBUG_FUNCPTR (gst_rtmp_serve_sink_unlock_stop);
  gst_rtmp_serve_sink_install_properties (gobject_class);

  /**
   * GstRtmpServeSink::play-request:
   * @sink: the element
   * @peer_address: "ip:port" of the player
   * @app: the application it connected to (?query redacted)
   * @name: the name it plays, redacted
   * @query: the name's ?query (without "?"), or NULL: a token to check
   *
   * Emitted from the server's I/O thread when a player asks to play this
   * element's stream (application and name matched), after the player
   * limits.  That thread serves every connection of the process: do not
   * block in a handler, and do not change the element's state there (the
   * same holds for a bus sync handler of its element messages): hand that
   * to another thread.  Return FALSE to refuse it
   * (NetStream.Play.Failed); the first FALSE wins.
   *
   * Returns: TRUE to let it play.
   */
  signals[SIGNAL_PLAY_REQUEST] = g_signal_new_class_handler ("play-request",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
      G_CALLBACK (play_request_default), play_request_accumulator, NULL,
      NULL, G_TYPE_BOOLEAN, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
      G_TYPE_STRING);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class,
      "RTMP play-out server sink", "Sink/Network",
      "Serves an FLV stream (legacy or Enhanced RTMP) to any number of "
      "RTMP/RTMPS players on the shared RTMP server: GOP cache, one copy "
      "of each tag for every player, slow players skipped and dropped. "
      "Example: rtmpingestsrc location=rtmp://0.0.0.0:1935/live/KEY ! "
      "rtmpservesink location=rtmp://0.0.0.0:1935/live/show sync=false",
      "gst-ertmp developers");
  gst_rtmp_serve_sink_add_documentation (element_class);
}

static void
gst_rtmp_serve_sink_init (GstRtmpServeSink * sink)
{
  g_mutex_init (&sink->handoff_lock);
  g_mutex_init (&sink->eos_lock);
  g_cond_init (&sink->eos_cond);
  gst_rtmp_serve_sink_init_properties (sink);
  gst_rtmp_serve_fanout_init (sink);
}
