/* gst-ertmp: rtmppushsink across reconnections, refusals and teardown
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A publisher pipeline "... flvemux ! rtmppushsink" runs in-process
 * against one or two receivers "rtmpingestsrc ! fakesink" on 127.0.0.1.
 * A pad probe records every byte the publisher fed to rtmppushsink and
 * every buffer each receiver produced; the coded frames are compared per
 * type by FLV timestamp and body.
 *
 *  - E-RTMP Reconnect Request (ertmp.md 10) from one rtmpingestsrc to
 *    another (absolute and network-path tcUrl; twice in a row): the sink
 *    switches at a key frame, headers first; the old server gets the stop
 *    commands (EOS), the new one the rest; no frame lost or repeated.
 *    A request it cannot follow (refused, unreachable, the same busy
 *    server by absolute-path, relative-path or no tcUrl) is a warning and
 *    the stream stays whole on the old server; EOS during the switch ends
 *    there too; an old server that goes before the new connection
 *    publishes leaves the stream to the new one.
 *  - Server killed and back on the same port: "rtmp-push-disconnected",
 *    "rtmp-push-reconnected", the resumed stream opens with headers and a
 *    key frame (also when EOS waits for it); attempts running out give one
 *    RESOURCE error naming the server.
 *  - Refusals (stream key, "publish-request"); unreachable servers
 *    (refused, unroutable, silent after TCP) within "timeout".
 *  - Going to NULL while connecting, blocked, at EOS or publishing, and
 *    after an error, takes under a second.
 *  - EOS delivers every frame before the receiver's EOS.
 */
#include <string.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_flv.h"
#include "ertmp_media.h"
#include "ertmp_peer.h"

/* Bounds that only catch hangs (ertmp_peer.h): the waits take a second or
 * two, a change to NULL milliseconds */
#define WAIT_TIMEOUT ERTMP_TEST_HANG_BOUND
#define STOP_LIMIT ERTMP_TEST_STOP_BOUND

#define FLV_FILE_HEADER_SIZE (ERTMP_FLV_HEADER_SIZE + ERTMP_FLV_PREV_SIZE_SIZE)
#define VIDEO_FPS 30
#define AUDIO_RATE 48000
#define AUDIO_SAMPLES 1024
#define KEY_INTERVAL 15

static const guint8 flv_file_header[FLV_FILE_HEADER_SIZE] = {
  'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0
};

/* ---- FLV items ---------------------------------------------------------- */

typedef enum
{
  ITEM_SCRIPT,                  /* onMetaData */
  ITEM_CONFIG,                  /* a sequence start */
  ITEM_FRAME,                   /* coded frames */
  ITEM_OTHER                    /* sequence end, ... */
} ItemKind;

typedef struct
{
  guint8 type;                  /* ERTMP_FLV_TAG_* */
  guint32 ts;                   /* FLV timestamp, ms */
  ItemKind kind;
  gboolean key;                 /* video key frame */
  GBytes *body;
} Item;

static void
item_clear (Item * item)
{
  g_bytes_unref (item->body);
}

static void
item_classify (Item * item, const guint8 * body, gsize len)
{
  ertmp_media_tag mt;
  gboolean video = item->type == ERTMP_FLV_TAG_VIDEO;

  item->kind = ITEM_OTHER;
  if (item->type != ERTMP_FLV_TAG_AUDIO && !video) {
    item->kind = ITEM_SCRIPT;
    return;
  }
  if (ertmp_media_parse (video ? ERTMP_CODEC_KIND_VIDEO :
          ERTMP_CODEC_KIND_AUDIO, body, len, NULL, &mt) != ERTMP_OK)
    return;
  if (mt.hdr.packet == ERTMP_MEDIA_PACKET_SEQUENCE_START)
    item->kind = ITEM_CONFIG;
  else if (mt.hdr.packet == ERTMP_MEDIA_PACKET_CODED_FRAMES)
    item->kind = ITEM_FRAME;
  item->key = video && mt.hdr.frame_type == ERTMP_MEDIA_FRAME_KEY;
}

/* Every tag of an FLV byte stream (with or without its file header) */
static GArray *
items_parse (const guint8 * data, gsize len, const gchar * what)
{
  ertmp_flv_reader *rd = ertmp_flv_reader_new (NULL);
  GArray *items = g_array_new (FALSE, FALSE, sizeof (Item));
  ertmp_flv_tag tag;
  ertmp_result res;
  gsize used;

  g_array_set_clear_func (items, (GDestroyNotify) item_clear);
  if (len < 3 || memcmp (data, "FLV", 3) != 0)
    fail_unless_equals_int (ertmp_flv_reader_read (rd, flv_file_header,
            sizeof (flv_file_header), &used, &tag), ERTMP_NEED_MORE);
  while ((res = ertmp_flv_reader_read (rd, data, len, &used, &tag)) ==
      ERTMP_OK) {
    Item item = { 0 };

    data += used;
    len -= used;
    fail_if (tag.prev_size_mismatch || tag.skipped, "%s: FLV damaged", what);
    item.type = tag.header.type;
    item.ts = tag.header.timestamp;
    item.body = g_bytes_new (tag.payload, tag.header.size);
    item_classify (&item, tag.payload, tag.header.size);
    g_array_append_val (items, item);
  }
  fail_unless_equals_int (res, ERTMP_NEED_MORE);
  fail_if (ertmp_flv_reader_pending (rd, NULL), "%s: FLV cut short", what);
  ertmp_flv_reader_free (rd);
  return items;
}

/* The coded frames of one type, in order (borrowed from @items) */
static GPtrArray *
frames_of (GArray * items, guint8 type)
{
  GPtrArray *frames = g_ptr_array_new ();
  guint i;

  for (i = 0; i < items->len; i++) {
    Item *item = &g_array_index (items, Item, i);

    if (item->type == type && item->kind == ITEM_FRAME)
      g_ptr_array_add (frames, item);
  }
  return frames;
}

static gboolean
item_equal (const Item * a, const Item * b)
{
  return a->type == b->type && a->ts == b->ts && g_bytes_equal (a->body,
      b->body);
}

static const gchar *
type_name (guint8 type)
{
  return type == ERTMP_FLV_TAG_VIDEO ? "video" : "audio";
}

/* The frames of @parts (in order) against those of @sent, per type:
 * @exact: the same frames; else a subsequence (frames may be lost, never
 * repeated, reordered or made up).  Returns the number lost. */
static guint
frames_check (GArray * sent, GArray ** parts, guint n_parts, gboolean exact,
    const gchar * what)
{
  static const guint8 types[] = { ERTMP_FLV_TAG_AUDIO, ERTMP_FLV_TAG_VIDEO };
  guint t, i, j, lost = 0;

  for (t = 0; t < G_N_ELEMENTS (types); t++) {
    GPtrArray *want = frames_of (sent, types[t]);
    GPtrArray *got = g_ptr_array_new ();
    const gchar *kind = type_name (types[t]);

    for (i = 0; i < n_parts; i++) {
      GPtrArray *part = frames_of (parts[i], types[t]);

      g_ptr_array_extend (got, part, NULL, NULL);
      g_ptr_array_unref (part);
    }
    fail_unless (want->len > 10, "%s: only %u %s frames sent", what,
        want->len, kind);
    for (i = 0, j = 0; i < got->len; i++, j++) {
      const Item *g = g_ptr_array_index (got, i);

      while (!exact && j < want->len
          && !item_equal (g_ptr_array_index (want, j), g))
        j++;
      fail_unless (j < want->len, "%s: received %s frame %u (ts %u) was "
          "not sent, or repeated, or out of order", what, kind, i, g->ts);
      fail_unless (item_equal (g_ptr_array_index (want, j), g),
          "%s: %s frame %u: sent ts %u (%" G_GSIZE_FORMAT " bytes), "
          "received ts %u (%" G_GSIZE_FORMAT " bytes)", what, kind, i,
          ((Item *) g_ptr_array_index (want, j))->ts,
          g_bytes_get_size (((Item *) g_ptr_array_index (want, j))->body),
          g->ts, g_bytes_get_size (g->body));
    }
    fail_unless (!exact || got->len == want->len, "%s: %u %s frames sent, "
        "%u received", what, want->len, kind, got->len);
    g_print ("%s: %u %s frames sent, %u received in %u part(s)\n", what,
        want->len, kind, got->len, n_parts);
    lost += want->len - got->len;
    g_ptr_array_unref (want);
    g_ptr_array_unref (got);
  }
  return lost;
}

/* One publisher's session opens with onMetaData; each type's sequence
 * start comes before its frames; the first video frame is a key frame.
 * A @resumed stream (switched or reconnected) has every header before its
 * first frame, which is that key frame.  Returns the first video frame. */
static const Item *
check_stream_start (GArray * items, gboolean resumed, const gchar * what)
{
  gboolean script = FALSE, config[2] = { FALSE, FALSE };
  guint i;

  for (i = 0; i < items->len; i++) {
    Item *item = &g_array_index (items, Item, i);
    gboolean video = item->type == ERTMP_FLV_TAG_VIDEO;

    if (item->kind == ITEM_FRAME) {
      fail_unless (script && config[video], "%s: a %s frame (ts %u) before "
          "onMetaData (%d) or its sequence start", what, type_name
          (item->type), item->ts, script);
      fail_unless (!resumed || (video && config[!video]), "%s: the stream "
          "resumes with %s (ts %u), sequence starts: audio %d, video %d",
          what, type_name (item->type), item->ts, config[0], config[1]);
      if (!video)
        continue;
      fail_unless (item->key, "%s: the first video frame (ts %u) is not a "
          "key frame", what, item->ts);
      return item;
    }
    if (item->kind == ITEM_SCRIPT)
      script = TRUE;
    else if (item->kind == ITEM_CONFIG)
      config[video] = TRUE;
  }
  fail ("%s: no video frame in %u tags", what, items->len);
  return NULL;
}

/* ---- bus ---------------------------------------------------------------- */

static gboolean
message_matches (GstMessage * msg, GstMessageType types, const gchar * name)
{
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT)
    return name != NULL && gst_message_has_name (msg, name);
  return (GST_MESSAGE_TYPE (msg) & types) != 0;
}

/* Pops @pipeline's bus, keeping what it pops in @log, until a message of
 * @types or the element message @name: returned (transfer none, in @log),
 * or NULL on timeout.  An error not in @types fails the test. */
static GstMessage *
bus_wait (GstElement * pipeline, GPtrArray * log, GstMessageType types,
    const gchar * name, GstClockTime timeout)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;
  GstMessage *msg = NULL;

  while (TRUE) {
    gint64 left = deadline - g_get_monotonic_time ();

    msg = gst_bus_timed_pop_filtered (bus, left > 0 ? left * GST_USECOND : 0,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
        GST_MESSAGE_ELEMENT);
    if (msg == NULL)
      break;
    g_ptr_array_add (log, msg);
    if (GST_MESSAGE_TYPE (msg) & (GST_MESSAGE_ERROR | GST_MESSAGE_WARNING)) {
      gchar *text = ertmp_peer_describe_message (msg);

      g_print ("%s: %s: %s\n", GST_OBJECT_NAME (pipeline),
          GST_MESSAGE_TYPE_NAME (msg), text);
      fail_unless (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ERROR
          || (types & GST_MESSAGE_ERROR), "%s: unexpected error: %s",
          GST_OBJECT_NAME (pipeline), text);
      g_free (text);
    }
    if (message_matches (msg, types, name))
      break;
  }
  gst_object_unref (bus);
  return msg;
}

static guint
log_count (GPtrArray * log, GstMessageType types, const gchar * name)
{
  guint i, n = 0;

  for (i = 0; i < log->len; i++)
    if (message_matches (g_ptr_array_index (log, i), types, name))
      n++;
  return n;
}

static const gchar *
message_string (GstMessage * msg, const gchar * field)
{
  const gchar *s = gst_structure_get_string (gst_message_get_structure (msg),
      field);

  fail_unless (s != NULL, "%" GST_PTR_FORMAT ": no %s", msg, field);
  return s;
}

/* Takes @pipeline to NULL; returns how long that took */
static GstClockTime
set_null_timed (GstElement * pipeline)
{
  gint64 start = g_get_monotonic_time ();

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  return (g_get_monotonic_time () - start) * GST_USECOND;
}

/* ---- the receiver: rtmpingestsrc ! fakesink ----------------------------- */

typedef struct
{
  GstElement *pipeline, *src;
  GMutex lock;
  GCond cond;
  GPtrArray *sessions;          /* GByteArray: one per publisher */
  gboolean eos;
  guint after_eos;              /* buffers after EOS */
  GPtrArray *log;               /* messages popped off the bus */
} Receiver;

static void
receiver_record (Receiver * r, GstBuffer * buf)
{
  GstMapInfo map;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_mutex_lock (&r->lock);
  if (r->eos)
    r->after_eos++;
  if (map.size == FLV_FILE_HEADER_SIZE && memcmp (map.data, "FLV", 3) == 0)
    g_ptr_array_add (r->sessions, g_byte_array_new ());
  if (r->sessions->len > 0)
    g_byte_array_append (g_ptr_array_index (r->sessions,
            r->sessions->len - 1), map.data, map.size);
  g_mutex_unlock (&r->lock);
  gst_buffer_unmap (buf, &map);
}

static GstPadProbeReturn
on_receiver_data (GstPad * pad, GstPadProbeInfo * info, Receiver * r)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    receiver_record (r, GST_PAD_PROBE_INFO_BUFFER (info));
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
      GST_EVENT_EOS) {
    g_mutex_lock (&r->lock);
    r->eos = TRUE;
    g_cond_broadcast (&r->cond);
    g_mutex_unlock (&r->lock);
  }
  return GST_PAD_PROBE_OK;
}

/* "rtmpingestsrc host=127.0.0.1 port=@port @props ! fakesink" in PLAYING */
static Receiver *
receiver_new (gint port, const gchar * props)
{
  Receiver *r = g_new0 (Receiver, 1);
  gchar *desc = g_strdup_printf ("rtmpingestsrc name=src host=127.0.0.1 "
      "port=%d %s ! fakesink name=out sync=false async=false", port, props);
  GError *err = NULL;
  GstElement *out;
  GstPad *pad;

  g_mutex_init (&r->lock);
  g_cond_init (&r->cond);
  r->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_byte_array_unref);
  r->log = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_message_unref);
  r->pipeline = gst_parse_launch (desc, &err);
  fail_unless (r->pipeline != NULL, "%s: %s", desc, err ? err->message : "?");
  gst_object_set_name (GST_OBJECT (r->pipeline), "receiver");
  r->src = gst_bin_get_by_name (GST_BIN (r->pipeline), "src");
  out = gst_bin_get_by_name (GST_BIN (r->pipeline), "out");
  pad = gst_element_get_static_pad (out, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      (GstPadProbeCallback) on_receiver_data, r, NULL);
  gst_object_unref (pad);
  gst_object_unref (out);
  fail_unless (gst_element_set_state (r->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE, "%s: cannot start", desc);
  g_free (desc);
  return r;
}

static gint
receiver_port (Receiver * r)
{
  gint port = 0;

  g_object_get (r->src, "bound-port", &port, NULL);
  fail_unless (port > 0 && port < 65536, "bound-port %d", port);
  return port;
}

static gchar *
receiver_url (Receiver * r, const gchar * key)
{
  return g_strdup_printf ("rtmp://127.0.0.1:%d/live/%s", receiver_port (r),
      key);
}

static void
receiver_wait_eos (Receiver * r, GstClockTime timeout, const gchar * what)
{
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;

  g_mutex_lock (&r->lock);
  while (!r->eos && g_cond_wait_until (&r->cond, &r->lock, deadline));
  g_mutex_unlock (&r->lock);
  fail_unless (r->eos, "%s: no EOS within %" GST_TIME_FORMAT, what,
      GST_TIME_ARGS (timeout));
  fail_unless_equals_int (r->after_eos, 0);
}

/* Element message @name from the receiver (already posted) */
static GstMessage *
receiver_message (Receiver * r, const gchar * name)
{
  guint i;

  for (i = 0; i < r->log->len; i++)
    if (message_matches (g_ptr_array_index (r->log, i), 0, name))
      return g_ptr_array_index (r->log, i);
  return bus_wait (r->pipeline, r->log, 0, name, 0);
}

/* The items of publisher session @i (exactly @n sessions expected) */
static GArray *
receiver_items (Receiver * r, guint i, guint n, const gchar * what)
{
  GByteArray *bytes;

  fail_unless (r->sessions->len == n, "%s: %u publisher sessions, not %u",
      what, r->sessions->len, n);
  bytes = g_ptr_array_index (r->sessions, i);
  return items_parse (bytes->data, bytes->len, what);
}

static void
receiver_stop (Receiver * r)
{
  fail_unless (set_null_timed (r->pipeline) < STOP_LIMIT);
}

static void
receiver_free (Receiver * r)
{
  receiver_stop (r);
  gst_object_unref (r->src);
  gst_object_unref (r->pipeline);
  g_ptr_array_unref (r->sessions);
  g_ptr_array_unref (r->log);
  g_mutex_clear (&r->lock);
  g_cond_clear (&r->cond);
  g_free (r);
}

/* ---- the publisher: sources ! flvemux ! rtmppushsink -------------------- */

typedef struct
{
  GstElement *pipeline, *sink;
  GMutex lock;
  GCond cond;
  GByteArray *sent;             /* every byte fed to rtmppushsink */
  GstClockTime last_pts;        /* of the last buffer fed */
  gboolean eos_event;           /* EOS reached the sink */
  GPtrArray *log;
} Publisher;

static GstPadProbeReturn
on_publisher_data (GstPad * pad, GstPadProbeInfo * info, Publisher * p)
{
  GstBuffer *buf;
  GstMapInfo map;

  g_mutex_lock (&p->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    buf = GST_PAD_PROBE_INFO_BUFFER (info);
    fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
    g_byte_array_append (p->sent, map.data, map.size);
    gst_buffer_unmap (buf, &map);
    if (GST_BUFFER_PTS_IS_VALID (buf))
      p->last_pts = GST_BUFFER_PTS (buf);
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
      GST_EVENT_EOS) {
    p->eos_event = TRUE;
  }
  g_cond_broadcast (&p->cond);
  g_mutex_unlock (&p->lock);
  return GST_PAD_PROBE_OK;
}

/* H.264 + AAC, @seconds long (-1: endless), into "rtmppushsink @props";
 * started (PLAYING) */
static Publisher *
publisher_new (gboolean live, gint seconds, const gchar * props)
{
  Publisher *p = g_new0 (Publisher, 1);
  const gchar *is_live = live ? "true" : "false";
  gchar *desc = g_strdup_printf ("videotestsrc is-live=%s num-buffers=%d "
      "pattern=ball ! video/x-raw,format=I420,width=160,height=120,"
      "framerate=%d/1 ! x264enc tune=zerolatency speed-preset=ultrafast "
      "key-int-max=%d ! h264parse ! m.video "
      "audiotestsrc is-live=%s num-buffers=%d samplesperbuffer=%d ! "
      "audio/x-raw,rate=%d,channels=1 ! avenc_aac ! m.audio "
      "flvemux name=m ! rtmppushsink name=sink %s", is_live,
      seconds < 0 ? -1 : seconds * VIDEO_FPS, VIDEO_FPS, KEY_INTERVAL,
      is_live, seconds < 0 ? -1 : seconds * AUDIO_RATE / AUDIO_SAMPLES,
      AUDIO_SAMPLES, AUDIO_RATE, props);
  GError *err = NULL;
  GstPad *pad;

  g_mutex_init (&p->lock);
  g_cond_init (&p->cond);
  p->sent = g_byte_array_new ();
  p->last_pts = GST_CLOCK_TIME_NONE;
  p->log = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_message_unref);
  p->pipeline = gst_parse_launch (desc, &err);
  fail_unless (p->pipeline != NULL, "%s: %s", desc, err ? err->message : "?");
  gst_object_set_name (GST_OBJECT (p->pipeline), "publisher");
  p->sink = gst_bin_get_by_name (GST_BIN (p->pipeline), "sink");
  pad = gst_element_get_static_pad (p->sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      (GstPadProbeCallback) on_publisher_data, p, NULL);
  gst_object_unref (pad);
  fail_unless (gst_element_set_state (p->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE, "%s: cannot start", desc);
  g_free (desc);
  return p;
}

/* The element message @name from the sink, which must come within
 * @timeout (errors fail the test) */
static GstMessage *
publisher_expect (Publisher * p, const gchar * name, GstClockTime timeout)
{
  GstMessage *msg = bus_wait (p->pipeline, p->log, GST_MESSAGE_EOS, name,
      timeout);

  fail_unless (msg != NULL, "no %s within %" GST_TIME_FORMAT, name,
      GST_TIME_ARGS (timeout));
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
    fail ("EOS before %s", name);
  GST_INFO ("%" GST_PTR_FORMAT, gst_message_get_structure (msg));
  return msg;
}

/* Lets the stream run for @duration (the moment a test is about), failing
 * on errors and EOS */
static void
publisher_run (Publisher * p, GstClockTime duration)
{
  GstMessage *msg = bus_wait (p->pipeline, p->log, GST_MESSAGE_EOS, NULL,
      duration);

  fail_unless (msg == NULL, "EOS while the test needs the stream");
}

static void
publisher_expect_eos (Publisher * p, GstClockTime timeout)
{
  fail_unless (bus_wait (p->pipeline, p->log, GST_MESSAGE_EOS, NULL,
          timeout) != NULL, "publisher: no EOS within %" GST_TIME_FORMAT,
      GST_TIME_ARGS (timeout));
}

/* The error (within @timeout): domain RESOURCE, @code, its message holding
 * @needle; returns the text */
static gchar *
publisher_expect_error (Publisher * p, gint code, const gchar * needle,
    GstClockTime timeout)
{
  GstMessage *msg = bus_wait (p->pipeline, p->log, GST_MESSAGE_ERROR, NULL,
      timeout);
  GError *err = NULL;
  gchar *text;

  fail_unless (msg != NULL, "no error within %" GST_TIME_FORMAT,
      GST_TIME_ARGS (timeout));
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR, "%s instead of "
      "an error", GST_MESSAGE_TYPE_NAME (msg));
  gst_message_parse_error (msg, &err, NULL);
  text = ertmp_peer_describe_message (msg);
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (p->sink), "%s", text);
  fail_unless (err->domain == GST_RESOURCE_ERROR && err->code == code,
      "want resource error %d, got %s %d: %s", code,
      g_quark_to_string (err->domain), err->code, text);
  fail_unless (strstr (err->message, needle) != NULL, "\"%s\" not in the "
      "message: %s", needle, text);
  g_error_free (err);
  return text;
}

/* Everything fed to the sink so far, as items */
static GArray *
publisher_items (Publisher * p)
{
  GArray *items;

  g_mutex_lock (&p->lock);
  items = items_parse (p->sent->data, p->sent->len, "publisher");
  g_mutex_unlock (&p->lock);
  return items;
}

/* Waits until a buffer with PTS >= @pts or EOS reached the sink */
static void
publisher_wait_fed (Publisher * p, GstClockTime pts, gboolean eos)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT / GST_USECOND;

  g_mutex_lock (&p->lock);
  while (!(eos ? p->eos_event : GST_CLOCK_TIME_IS_VALID (p->last_pts)
          && p->last_pts >= pts)
      && g_cond_wait_until (&p->cond, &p->lock, deadline));
  fail_unless (eos ? p->eos_event : GST_CLOCK_TIME_IS_VALID (p->last_pts)
      && p->last_pts >= pts, "the sink was not fed in time: last PTS %"
      GST_TIME_FORMAT ", %u bytes", GST_TIME_ARGS (p->last_pts), p->sent->len);
  g_mutex_unlock (&p->lock);
}

/* No warning or error was posted */
static void
publisher_check_clean (Publisher * p)
{
  bus_wait (p->pipeline, p->log, 0, NULL, 0);
  fail_unless_equals_int (log_count (p->log, GST_MESSAGE_ERROR |
          GST_MESSAGE_WARNING, NULL), 0);
}

/* To NULL, promptly */
static void
publisher_stop (Publisher * p, const gchar * when)
{
  GstClockTime took = set_null_timed (p->pipeline);

  g_print ("publisher: NULL %s took %" GST_TIME_FORMAT "\n", when,
      GST_TIME_ARGS (took));
  fail_unless (took < STOP_LIMIT, "publisher: NULL %s took %"
      GST_TIME_FORMAT, when, GST_TIME_ARGS (took));
}

static void
publisher_free (Publisher * p)
{
  fail_unless (set_null_timed (p->pipeline) < STOP_LIMIT);
  gst_object_unref (p->sink);
  gst_object_unref (p->pipeline);
  g_byte_array_unref (p->sent);
  g_ptr_array_unref (p->log);
  g_mutex_clear (&p->lock);
  g_cond_clear (&p->cond);
  g_free (p);
}

/* ---- 1. the E-RTMP Reconnect Request ------------------------------------ */

/* tcUrl forms sent in the request: an absolute URI, a network-path
 * reference (with another application) */
static const struct
{
  const gchar *scheme;          /* before "//" */
  const gchar *app;
} reconnect_forms[] = {
  {"rtmp:", "live"},
  {"", "other"},
};

/* B's stream continues A's: per tag type, B's frames come at or after A's
 * last frame of that type, and B's headers carry its first frame's time.
 * Per type, since a live muxer may interleave audio and video out of
 * timestamp order when one of them runs late (a loaded machine). */
static void
check_continues (GArray * a, GArray * b, const Item * b_first)
{
  guint32 a_last[2] = { 0, 0 };         /* audio, video */
  gboolean header = TRUE;
  guint i;

  for (i = 0; i < a->len; i++) {
    Item *item = &g_array_index (a, Item, i);

    if (item->kind == ITEM_FRAME)
      a_last[item->type == ERTMP_FLV_TAG_VIDEO] =
          MAX (a_last[item->type == ERTMP_FLV_TAG_VIDEO], item->ts);
  }
  for (i = 0; i < b->len; i++) {
    Item *item = &g_array_index (b, Item, i);
    guint32 last = a_last[item->type == ERTMP_FLV_TAG_VIDEO];

    if (item == b_first)
      header = FALSE;
    if (header) {
      fail_unless (item->ts == b_first->ts, "B: header %u at %u ms, its "
          "first frame at %u ms", i, item->ts, b_first->ts);
    } else if (item->kind == ITEM_FRAME) {
      fail_unless (item->ts >= last, "B: frame %u (type %u) at %u ms, A's "
          "last of that type at %u ms", i, item->type, item->ts, last);
    }
  }
  g_print ("switch: A's last frames at %u (audio) and %u ms (video), B's "
      "first at %u ms\n", a_last[0], a_last[1], b_first->ts);
}

/* "rtmp://127.0.0.1:<r's port>/@app" */
static gchar *
receiver_tc_url (Receiver * r, const gchar * app)
{
  return g_strdup_printf ("rtmp://127.0.0.1:%d/%s", receiver_port (r), app);
}

/* @from (publishing at @from_url) sends the Reconnect Request with tcUrl
 * @ref; the sink switches to @want and @from ends cleanly */
static void
switch_to (Publisher * p, Receiver * from, const gchar * from_url,
    const gchar * ref, const gchar * want)
{
  GstMessage *msg;
  gboolean ok = FALSE;

  g_signal_emit_by_name (from->src, "request-reconnect", ref, "moving", &ok);
  fail_unless (ok, "request-reconnect: no publisher on %s", from_url);
  msg = publisher_expect (p, "rtmp-push-reconnect-request", WAIT_TIMEOUT);
  fail_unless_equals_string (message_string (msg, "tc-url"), want);
  fail_unless_equals_string (message_string (msg, "description"), "moving");
  msg = publisher_expect (p, "rtmp-push-switched", WAIT_TIMEOUT);
  fail_unless_equals_string (message_string (msg, "from"), from_url);
  fail_unless_equals_string (message_string (msg, "tc-url"), want);
  /* the old server got the stop commands: a clean end */
  receiver_wait_eos (from, WAIT_TIMEOUT, from_url);
  msg = receiver_message (from, "rtmp-ingest-publish-end");
  fail_unless (msg != NULL, "%s: no publish-end", from_url);
  fail_unless_equals_string (message_string (msg, "reason"), "unpublished");
}

/* After the publisher's EOS: each receiver got its part and EOS, together
 * exactly the frames sent; each part after the first opens with the
 * headers and a key frame, and continues the one before */
static void
check_parts (Publisher * p, Receiver ** rs, guint n)
{
  GArray *sent, *parts[4];
  const Item *start;
  gchar *what;
  guint i;

  g_assert (n <= G_N_ELEMENTS (parts));
  publisher_expect_eos (p, WAIT_TIMEOUT);
  publisher_check_clean (p);
  sent = publisher_items (p);
  for (i = 0; i < n; i++) {
    what = g_strdup_printf ("receiver %u", i);
    receiver_wait_eos (rs[i], WAIT_TIMEOUT, what);
    parts[i] = receiver_items (rs[i], 0, 1, what);
    start = check_stream_start (parts[i], i > 0, what);
    if (i > 0)
      check_continues (parts[i - 1], parts[i], start);
    g_free (what);
  }
  fail_unless_equals_int (frames_check (sent, parts, n, TRUE, "all parts"),
      0);
  for (i = 0; i < n; i++)
    g_array_unref (parts[i]);
  publisher_stop (p, "after EOS");

  g_array_unref (sent);
}

GST_START_TEST (test_reconnect_request)
{
  Receiver *rs[2] = { receiver_new (0, "keep-listening=false"),
    receiver_new (0, "keep-listening=false")
  };
  gchar *url = receiver_url (rs[0], "key");
  gchar *props = g_strdup_printf ("location=%s", url);
  gchar *ref = g_strdup_printf ("%s//127.0.0.1:%d/%s",
      reconnect_forms[__i__].scheme, receiver_port (rs[1]),
      reconnect_forms[__i__].app);
  gchar *want = receiver_tc_url (rs[1], reconnect_forms[__i__].app);
  gchar *from = receiver_tc_url (rs[0], "live");
  Publisher *p = publisher_new (TRUE, 4, props);
  GstMessage *msg;

  publisher_expect (p, "rtmp-push-published", WAIT_TIMEOUT);
  publisher_run (p, GST_SECOND);
  switch_to (p, rs[0], from, ref, want);
  check_parts (p, rs, 2);
  msg = receiver_message (rs[1], "rtmp-ingest-publish-start");
  fail_unless (msg != NULL, "B: no publish-start");
  fail_unless_equals_string (message_string (msg, "app"),
      reconnect_forms[__i__].app);
  fail_unless_equals_string (message_string (msg, "tc-url"), want);

  publisher_free (p);
  receiver_free (rs[0]);
  receiver_free (rs[1]);
  g_free (url);
  g_free (props);
  g_free (ref);
  g_free (want);
  g_free (from);
}

GST_END_TEST;

/* A -> B -> C: the new connection serves a Reconnect Request too */
GST_START_TEST (test_reconnect_request_twice)
{
  Receiver *rs[3];
  gchar *urls[3], *url, *props;
  Publisher *p;
  guint i;

  for (i = 0; i < 3; i++) {
    rs[i] = receiver_new (0, "keep-listening=false");
    urls[i] = receiver_tc_url (rs[i], "live");
  }
  url = receiver_url (rs[0], "key");
  props = g_strdup_printf ("location=%s", url);
  p = publisher_new (TRUE, 5, props);
  publisher_expect (p, "rtmp-push-published", WAIT_TIMEOUT);
  for (i = 0; i < 2; i++) {
    publisher_run (p, GST_SECOND);
    switch_to (p, rs[i], urls[i], urls[i + 1], urls[i + 1]);
  }
  check_parts (p, rs, 3);

  publisher_free (p);
  for (i = 0; i < 3; i++) {
    receiver_free (rs[i]);
    g_free (urls[i]);
  }
  g_free (url);
  g_free (props);
}

GST_END_TEST;

/* A Reconnect Request the sink cannot follow: a warning, and the stream
 * goes on to the old server, whole */
typedef enum
{
  TARGET_REFUSES,               /* the new server refuses the stream key */
  TARGET_UNREACHABLE,           /* nothing listens there */
  /* the same server, busy with our current connection: */
  TARGET_ABSOLUTE_PATH,         /* "/other" */
  TARGET_RELATIVE_PATH,         /* "other" */
  TARGET_NONE,                  /* no tcUrl */
} BadTarget;

/* The Reconnect Request's tcUrl for @target and what it resolves to
 * against A's tcUrl (ertmp.md 10, RFC 3986 5.2) */
static void
bad_target (BadTarget target, Receiver * a, Receiver * b, gchar ** ref,
    gchar ** want)
{
  switch (target) {
    case TARGET_REFUSES:
      *ref = receiver_tc_url (b, "live");
      *want = g_strdup (*ref);
      break;
    case TARGET_UNREACHABLE:
      *ref = g_strdup_printf ("rtmp://127.0.0.1:%u/live",
          ertmp_peer_free_port ());
      *want = g_strdup (*ref);
      break;
    case TARGET_ABSOLUTE_PATH:
      *ref = g_strdup ("/other");
      *want = receiver_tc_url (a, "other");
      break;
    case TARGET_RELATIVE_PATH:
      *ref = g_strdup ("other");
      *want = receiver_tc_url (a, "other");
      break;
    case TARGET_NONE:
      *ref = NULL;
      *want = receiver_tc_url (a, "live");
      break;
  }
}

GST_START_TEST (test_reconnect_not_followed)
{
  BadTarget target = __i__;
  /* refuse: the same server must stay busy with our current connection
   * (the default, replace, would let the new connection take over) */
  Receiver *a = receiver_new (0, "keep-listening=false takeover=refuse");
  Receiver *b = receiver_new (0, "keep-listening=false stream-key=other");
  gchar *url = receiver_url (a, "key");
  gchar *props = g_strdup_printf ("location=%s", url);
  gchar *ref = NULL, *want = NULL;
  Publisher *p = publisher_new (TRUE, 3, props);
  GArray *sent, *got;
  GstMessage *msg;
  GError *err = NULL;
  gboolean ok = FALSE;

  bad_target (target, a, b, &ref, &want);
  publisher_expect (p, "rtmp-push-published", WAIT_TIMEOUT);
  publisher_run (p, GST_SECOND);
  g_signal_emit_by_name (a->src, "request-reconnect", ref, "moving", &ok);
  fail_unless (ok);
  msg = publisher_expect (p, "rtmp-push-reconnect-request", WAIT_TIMEOUT);
  fail_unless_equals_string (message_string (msg, "tc-url"), want);
  msg = bus_wait (p->pipeline, p->log, GST_MESSAGE_WARNING, NULL,
      WAIT_TIMEOUT);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING,
      "no warning");
  gst_message_parse_warning (msg, &err, NULL);
  fail_unless (err->domain == GST_RESOURCE_ERROR
      && err->code == GST_RESOURCE_ERROR_OPEN_WRITE, "%s", err->message);
  g_error_free (err);
  publisher_expect_eos (p, WAIT_TIMEOUT);
  fail_unless_equals_int (log_count (p->log, 0, "rtmp-push-switched"), 0);
  fail_unless_equals_int (log_count (p->log, GST_MESSAGE_ERROR, NULL), 0);
  receiver_wait_eos (a, WAIT_TIMEOUT, "A");

  sent = publisher_items (p);
  got = receiver_items (a, 0, 1, "A");
  fail_unless_equals_int (frames_check (sent, &got, 1, TRUE, "A"), 0);
  fail_unless_equals_int (b->sessions->len, 0);

  publisher_stop (p, "after EOS");

  g_array_unref (sent);
  g_array_unref (got);
  publisher_free (p);
  receiver_free (a);
  receiver_free (b);
  g_free (url);
  g_free (props);
  g_free (ref);
  g_free (want);
}

GST_END_TEST;

/* A gate that holds a new publisher between connect and
 * NetStream.Publish.Start: the new server B is only a lobby (an
 * rtmpingestsrc in READY keeps its server listening) whose
 * publisher-unknown handler holds the publish; opening the gate starts B's
 * receiver for that key, which claims it.  (A publish-request handler
 * that blocked would block the I/O thread every server shares.) */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean entered;
  GstElement *lobby;
  gint port;
} Gate;

static gboolean
on_publisher_unknown (GstObject * server, const gchar * app,
    const gchar * key, const gchar * address, Gate * gate)
{
  g_mutex_lock (&gate->lock);
  gate->entered = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
  return TRUE;
}

static void
gate_init (Gate * gate)
{
  GstObject *server = NULL;

  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
  gate->lobby = gst_element_factory_make ("rtmpingestsrc", NULL);
  g_object_set (gate->lobby, "host", "127.0.0.1", "port", 0, NULL);
  fail_unless_equals_int (gst_element_set_state (gate->lobby,
          GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
  g_object_get (gate->lobby, "bound-port", &gate->port, "server", &server,
      NULL);
  fail_unless (server != NULL && gate->port > 0);
  g_signal_connect (server, "publisher-unknown",
      G_CALLBACK (on_publisher_unknown), gate);
  gst_object_unref (server);
}

static gchar *
gate_tc_url (Gate * gate)
{
  return g_strdup_printf ("rtmp://127.0.0.1:%d/live", gate->port);
}

static void
gate_wait_entered (Gate * gate)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT / GST_USECOND;

  g_mutex_lock (&gate->lock);
  while (!gate->entered
      && g_cond_wait_until (&gate->cond, &gate->lock, deadline));
  fail_unless (gate->entered, "the sink did not publish to the new server");
  g_mutex_unlock (&gate->lock);
}

/* B, the receiver that claims the held publisher of "live/key" */
static Receiver *
gate_open (Gate * gate, const gchar * props)
{
  gchar *all = g_strdup_printf ("application=live stream-key=key %s", props);
  Receiver *b = receiver_new (gate->port, all);

  g_free (all);
  return b;
}

static void
gate_clear (Gate * gate)
{
  gst_element_set_state (gate->lobby, GST_STATE_NULL);
  gst_object_unref (gate->lobby);
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
}

/* The old server sends the Reconnect Request and goes (a shutdown) while
 * the new connection is still being set up: the sink carries on to the
 * new server, whose stream opens with the headers and a key frame, no
 * error; the frames in flight to the old one may be lost */
GST_START_TEST (test_reconnect_old_goes_first)
{
  Receiver *a = receiver_new (0, "keep-listening=false drop-is-eos=true");
  Receiver *b;
  gchar *url = receiver_url (a, "key");
  gchar *props = g_strdup_printf ("location=%s reconnect-interval=%"
      G_GUINT64_FORMAT, url, (guint64) (200 * GST_MSECOND));
  gchar *ref;
  Gate gate = { 0 };
  Publisher *p;
  GArray *sent, *parts[2];
  gboolean ok = FALSE;

  gate_init (&gate);
  ref = gate_tc_url (&gate);
  p = publisher_new (TRUE, 4, props);
  publisher_expect (p, "rtmp-push-published", WAIT_TIMEOUT);
  publisher_run (p, GST_SECOND);
  g_signal_emit_by_name (a->src, "request-reconnect", ref, "shutdown", &ok);
  fail_unless (ok);
  publisher_expect (p, "rtmp-push-reconnect-request", WAIT_TIMEOUT);
  gate_wait_entered (&gate);
  g_signal_emit_by_name (a->src, "disconnect-publisher", &ok);
  fail_unless (ok);
  fail_unless (bus_wait (a->pipeline, a->log, GST_MESSAGE_ERROR,
          "rtmp-ingest-publish-end", WAIT_TIMEOUT) != NULL);
  /* the sink sees the old connection go */
  publisher_run (p, GST_SECOND / 2);
  b = gate_open (&gate, "keep-listening=false");
  publisher_expect_eos (p, WAIT_TIMEOUT);
  fail_unless_equals_int (log_count (p->log, GST_MESSAGE_ERROR, NULL), 0);
  receiver_wait_eos (b, WAIT_TIMEOUT, "B");

  sent = publisher_items (p);
  parts[0] = receiver_items (a, 0, 1, "A");
  parts[1] = receiver_items (b, 0, 1, "B");
  g_print ("%u frames lost\n", frames_check (sent, parts, 2, FALSE,
          "A then B"));
  check_stream_start (parts[1], TRUE, "B");

  publisher_stop (p, "after EOS");

  g_array_unref (sent);
  g_array_unref (parts[0]);
  g_array_unref (parts[1]);
  publisher_free (p);
  receiver_free (a);
  receiver_free (b);
  gate_clear (&gate);
  g_free (url);
  g_free (props);
  g_free (ref);
}

GST_END_TEST;

/* EOS while the new connection is still being set up: the stream ends
 * on the old server, whole; no switch, no error */
GST_START_TEST (test_eos_during_switch)
{
  Receiver *a = receiver_new (0, "keep-listening=false");
  Receiver *b;
  gchar *url = receiver_url (a, "key");
  gchar *props = g_strdup_printf ("location=%s", url);
  gchar *ref;
  Gate gate = { 0 };
  Publisher *p;
  GArray *sent, *got;
  gboolean ok = FALSE;

  gate_init (&gate);
  ref = gate_tc_url (&gate);
  p = publisher_new (TRUE, 2, props);
  publisher_expect (p, "rtmp-push-published", WAIT_TIMEOUT);
  publisher_run (p, GST_SECOND);
  g_signal_emit_by_name (a->src, "request-reconnect", ref, "moving", &ok);
  fail_unless (ok);
  publisher_expect (p, "rtmp-push-reconnect-request", WAIT_TIMEOUT);
  gate_wait_entered (&gate);
  publisher_expect_eos (p, WAIT_TIMEOUT);
  b = gate_open (&gate, "keep-listening=false drop-is-eos=true");
  publisher_check_clean (p);
  fail_unless_equals_int (log_count (p->log, 0, "rtmp-push-switched"), 0);
  receiver_wait_eos (a, WAIT_TIMEOUT, "A");

  sent = publisher_items (p);
  got = receiver_items (a, 0, 1, "A");
  fail_unless_equals_int (frames_check (sent, &got, 1, TRUE, "A"), 0);

  publisher_stop (p, "after EOS");

  g_array_unref (sent);
  g_array_unref (got);
  publisher_free (p);
  receiver_free (a);
  receiver_free (b);
  gate_clear (&gate);
  g_free (url);
  g_free (props);
  g_free (ref);
}

GST_END_TEST;

/* ---- 2. server killed and restarted ------------------------------------- */

GST_START_TEST (test_server_restart)
{
  Receiver *r1 = receiver_new (0, "keep-listening=true"), *r2;
  gint port = receiver_port (r1);
  gchar *url = receiver_url (r1, "key");
  gchar *props = g_strdup_printf ("location=%s reconnect-interval=%"
      G_GUINT64_FORMAT, url, (guint64) (200 * GST_MSECOND));
  Publisher *p = publisher_new (TRUE, 5, props);
  GArray *sent, *parts[2];
  GstMessage *msg;
  guint attempt = 0, lost;

  publisher_expect (p, "rtmp-push-published", WAIT_TIMEOUT);
  publisher_run (p, GST_SECOND);
  receiver_stop (r1);
  msg = publisher_expect (p, "rtmp-push-disconnected", WAIT_TIMEOUT);
  fail_unless (gst_structure_get_uint (gst_message_get_structure (msg),
          "attempt", &attempt) && attempt == 1, "attempt %u", attempt);
  publisher_run (p, GST_SECOND / 2);
  r2 = receiver_new (port, "keep-listening=false");
  fail_unless_equals_int (receiver_port (r2), port);
  msg = publisher_expect (p, "rtmp-push-reconnected", WAIT_TIMEOUT);
  g_print ("reconnected after %u disconnected message(s)\n",
      log_count (p->log, 0, "rtmp-push-disconnected"));
  publisher_expect_eos (p, WAIT_TIMEOUT);
  receiver_wait_eos (r2, WAIT_TIMEOUT, "new server");
  fail_unless_equals_int (log_count (p->log, GST_MESSAGE_ERROR, NULL), 0);

  sent = publisher_items (p);
  parts[0] = receiver_items (r1, 0, 1, "old server");
  parts[1] = receiver_items (r2, 0, 1, "new server");
  lost = frames_check (sent, parts, 2, FALSE, "old then new server");
  g_print ("%u frames lost across the restart\n", lost);
  check_stream_start (parts[0], FALSE, "old server");
  check_stream_start (parts[1], TRUE, "new server");

  g_array_unref (sent);
  g_array_unref (parts[0]);
  g_array_unref (parts[1]);
  publisher_free (p);
  receiver_free (r1);
  receiver_free (r2);
  g_free (url);
  g_free (props);
}

GST_END_TEST;

/* The stream ends (EOS at the sink) while the server is away: EOS waits
 * for the server to come back, then everything still queued goes out */
GST_START_TEST (test_eos_while_reconnecting)
{
  Receiver *r1 = receiver_new (0, "keep-listening=true"), *r2;
  gint port = receiver_port (r1);
  gchar *url = receiver_url (r1, "key");
  gchar *props = g_strdup_printf ("location=%s reconnect-interval=%"
      G_GUINT64_FORMAT, url, (guint64) (100 * GST_MSECOND));
  Publisher *p = publisher_new (TRUE, 2, props);
  GArray *sent, *parts[2];

  publisher_expect (p, "rtmp-push-published", WAIT_TIMEOUT);
  publisher_run (p, GST_SECOND / 2);
  receiver_stop (r1);
  publisher_expect (p, "rtmp-push-disconnected", WAIT_TIMEOUT);
  publisher_wait_fed (p, 0, TRUE);
  r2 = receiver_new (port, "keep-listening=false");
  publisher_expect (p, "rtmp-push-reconnected", WAIT_TIMEOUT);
  publisher_expect_eos (p, WAIT_TIMEOUT);
  fail_unless_equals_int (log_count (p->log, GST_MESSAGE_ERROR, NULL), 0);
  receiver_wait_eos (r2, WAIT_TIMEOUT, "new server");

  sent = publisher_items (p);
  parts[0] = receiver_items (r1, 0, 1, "old server");
  parts[1] = receiver_items (r2, 0, 1, "new server");
  g_print ("%u frames lost\n", frames_check (sent, parts, 2, FALSE,
          "old then new server"));
  check_stream_start (parts[1], TRUE, "new server");
  /* the stream's last frames went to the new server */
  fail_unless (item_equal (&g_array_index (sent, Item, sent->len - 1),
          &g_array_index (parts[1], Item, parts[1]->len - 1)),
      "the last tag sent did not arrive last");

  publisher_stop (p, "after EOS");

  g_array_unref (sent);
  g_array_unref (parts[0]);
  g_array_unref (parts[1]);
  publisher_free (p);
  receiver_free (r1);
  receiver_free (r2);
  g_free (url);
  g_free (props);
}

GST_END_TEST;

GST_START_TEST (test_reconnect_attempts_run_out)
{
  Receiver *r = receiver_new (0, "keep-listening=true");
  gchar *url = receiver_url (r, "key");
  gchar *server = g_strdup_printf ("127.0.0.1:%d", receiver_port (r));
  gchar *props = g_strdup_printf ("location=%s reconnect-attempts=2 "
      "reconnect-interval=%" G_GUINT64_FORMAT, url,
      (guint64) (100 * GST_MSECOND));
  Publisher *p = publisher_new (TRUE, -1, props);
  gint64 start;
  GstClockTime took;
  gchar *text;
  guint i, n = 0, attempt;

  publisher_expect (p, "rtmp-push-published", WAIT_TIMEOUT);
  publisher_run (p, GST_SECOND / 2);
  receiver_stop (r);
  start = g_get_monotonic_time ();
  text = publisher_expect_error (p, GST_RESOURCE_ERROR_WRITE, server,
      WAIT_TIMEOUT);
  took = (g_get_monotonic_time () - start) * GST_USECOND;
  g_print ("after %" GST_TIME_FORMAT ": %s\n", GST_TIME_ARGS (took), text);
  /* 100 ms, then 200 ms, then the error */
  fail_unless (took >= 300 * GST_MSECOND, "error after %" GST_TIME_FORMAT,
      GST_TIME_ARGS (took));
  for (i = 0; i < p->log->len; i++) {
    GstMessage *msg = g_ptr_array_index (p->log, i);

    if (!message_matches (msg, 0, "rtmp-push-disconnected"))
      continue;
    fail_unless (gst_structure_get_uint (gst_message_get_structure (msg),
            "attempt", &attempt));
    fail_unless_equals_int (attempt, ++n);
  }
  fail_unless_equals_int (n, 2);
  fail_unless_equals_int (log_count (p->log, 0, "rtmp-push-reconnected"), 0);
  publisher_stop (p, "after the error");

  publisher_free (p);
  receiver_free (r);
  g_free (text);
  g_free (url);
  g_free (server);
  g_free (props);
}

GST_END_TEST;

/* ---- 3. refusals -------------------------------------------------------- */

static gboolean
refuse_publish (GstElement * src, const gchar * app, const gchar * key,
    const gchar * peer, const gchar * tc_url, GstStructure * caps,
    gpointer data)
{
  return FALSE;
}

static const struct
{
  const gchar *key;
  gboolean signal;
  const gchar *reason;          /* rtmpingestsrc's */
  const gchar *description;     /* in the server's onStatus */
} refusals[] = {
  {"bad", FALSE, "bad-key", "wrong stream key"},
  {"good", TRUE, "signal", "publishing refused by the application"},
};

GST_START_TEST (test_refused)
{
  Receiver *r = receiver_new (0, "stream-key=good keep-listening=true");
  gchar *url = receiver_url (r, refusals[__i__].key);
  gchar *props = g_strdup_printf ("location=%s", url);
  Publisher *p;
  GstMessage *msg;
  gchar *text;

  if (refusals[__i__].signal)
    g_signal_connect (r->src, "publish-request", G_CALLBACK (refuse_publish),
        NULL);
  p = publisher_new (TRUE, -1, props);
  text = publisher_expect_error (p, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
      refusals[__i__].description, WAIT_TIMEOUT);
  g_print ("refused: %s\n", text);
  fail_unless_equals_int (log_count (p->log, 0, "rtmp-push-published"), 0);
  fail_unless_equals_int (log_count (p->log, 0, "rtmp-push-disconnected"), 0);
  msg = bus_wait (r->pipeline, r->log, 0, "rtmp-ingest-refused",
      WAIT_TIMEOUT);
  fail_unless (msg != NULL, "receiver: no rtmp-ingest-refused");
  fail_unless_equals_string (message_string (msg, "reason"),
      refusals[__i__].reason);

  publisher_free (p);
  receiver_free (r);
  g_free (text);
  g_free (url);
  g_free (props);
}

GST_END_TEST;

/* ---- 4. unreachable ----------------------------------------------------- */

/* A TCP listener on 127.0.0.1 that never accepts: connections complete in
 * the kernel, the RTMP handshake never gets an answer */
static GSocket *
silent_listener (guint16 * port)
{
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *sa = g_inet_socket_address_new (lo, 0), *bound;

  fail_unless (s != NULL && g_socket_bind (s, sa, TRUE, NULL));
  fail_unless (g_socket_listen (s, NULL));
  bound = g_socket_get_local_address (s, NULL);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  g_object_unref (sa);
  g_object_unref (lo);
  return s;
}

/* Waits until a connection is pending on @listener */
static void
wait_pending (GSocket * listener)
{
  fail_unless (g_socket_condition_timed_wait (listener, G_IO_IN,
          WAIT_TIMEOUT / GST_USECOND, NULL, NULL),
      "the sink did not connect");
}

/* Where nothing publishes: a free port on loopback (refused), TEST-NET-1
 * (RFC 5737: unroutable, or no network), a server that accepts TCP and
 * then never answers the RTMP handshake.  Each is an error naming the
 * server; the silent one's says that "timeout" ran out, and not before it
 * could have (a lower bound cannot fail on a slow machine). */
GST_START_TEST (test_unreachable)
{
  const guint timeout = 1;
  GSocket *listener = NULL;
  guint16 port = 1935;
  const gchar *host = __i__ == 1 ? "192.0.2.1" : "127.0.0.1";
  gchar *props, *server, *text;
  gint64 start = g_get_monotonic_time ();
  GstClockTime took;
  Publisher *p;

  if (__i__ == 0)
    port = ertmp_peer_free_port ();
  else if (__i__ == 2)
    listener = silent_listener (&port);
  fail_unless (port != 0);
  props = g_strdup_printf ("location=rtmp://%s:%u/live/key timeout=%u",
      host, port, timeout);
  server = g_strdup_printf ("%s:%u", host, port);
  p = publisher_new (TRUE, -1, props);
  text = publisher_expect_error (p, GST_RESOURCE_ERROR_OPEN_WRITE, server,
      WAIT_TIMEOUT);
  took = (g_get_monotonic_time () - start) * GST_USECOND;
  g_print ("after %" GST_TIME_FORMAT ": %s\n", GST_TIME_ARGS (took), text);
  if (__i__ == 2) {
    fail_unless (strstr (text, "(timeout)") != NULL, "not the timeout: %s",
        text);
    fail_unless (took >= timeout * GST_SECOND, "timeout=%u ran out after %"
        GST_TIME_FORMAT, timeout, GST_TIME_ARGS (took));
  }
  fail_unless_equals_int (log_count (p->log, 0, "rtmp-push-disconnected"), 0);
  publisher_stop (p, "after the error");

  publisher_free (p);
  if (listener) {
    g_socket_close (listener, NULL);
    g_object_unref (listener);
  }
  g_free (text);
  g_free (props);
  g_free (server);
}

GST_END_TEST;

/* ---- 5. NULL while connecting, blocked or publishing -------------------- */

typedef enum
{
  STOP_IN_HANDSHAKE,            /* live, the server silent */
  STOP_AT_ONCE,                 /* async-connect, NULL right after PLAYING */
  STOP_QUEUE_FULL,              /* render waits on a full queue */
  STOP_AT_EOS,                  /* EOS waits for the stream to go out */
  STOP_PUBLISHING,              /* mid-stream to rtmpingestsrc */
} StopWhen;

static const gchar *stop_names[] = { "in the handshake", "right after "
      "PLAYING", "with render() waiting", "at EOS", "while publishing"
};

GST_START_TEST (test_stop)
{
  StopWhen when = __i__;
  guint16 port = 0;
  GSocket *listener = NULL;
  Receiver *r = NULL;
  gchar *props;
  Publisher *p;

  if (when == STOP_PUBLISHING) {
    r = receiver_new (0, "keep-listening=false");
    port = receiver_port (r);
  } else {
    listener = silent_listener (&port);
  }
  /* a NULL that waited on the network timeout would show as a hang */
  props = g_strdup_printf ("location=rtmp://127.0.0.1:%u/live/key "
      "timeout=%u async-connect=true max-queue-time=%" G_GUINT64_FORMAT
      " sync=%s", port, ERTMP_TEST_NEVER_S, (guint64) GST_SECOND,
      when == STOP_QUEUE_FULL
      || when == STOP_AT_EOS ? "false" : "true");
  p = publisher_new (when != STOP_QUEUE_FULL && when != STOP_AT_EOS,
      when == STOP_AT_EOS ? 1 : -1, props);
  switch (when) {
    case STOP_IN_HANDSHAKE:
      wait_pending (listener);
      publisher_wait_fed (p, GST_SECOND / 2, FALSE);
      break;
    case STOP_AT_ONCE:
      break;
    case STOP_QUEUE_FULL:
      /* more than max-queue-time fed: render() waits */
      wait_pending (listener);
      publisher_wait_fed (p, GST_SECOND + GST_MSECOND, FALSE);
      break;
    case STOP_AT_EOS:
      wait_pending (listener);
      publisher_wait_fed (p, 0, TRUE);
      break;
    case STOP_PUBLISHING:
      publisher_expect (p, "rtmp-push-published", WAIT_TIMEOUT);
      publisher_run (p, GST_SECOND / 2);
      break;
  }
  publisher_stop (p, stop_names[when]);
  fail_unless_equals_int (log_count (p->log, GST_MESSAGE_ERROR, NULL), 0);

  publisher_free (p);
  if (r)
    receiver_free (r);
  if (listener) {
    g_socket_close (listener, NULL);
    g_object_unref (listener);
  }
  g_free (props);
}

GST_END_TEST;

/* ---- 6. EOS delivers everything ----------------------------------------- */

GST_START_TEST (test_eos_delivers_all)
{
  Receiver *r = receiver_new (0, "keep-listening=false");
  gchar *url = receiver_url (r, "key");
  gchar *props = g_strdup_printf ("location=%s sync=false", url);
  Publisher *p = publisher_new (FALSE, 10, props);
  GArray *sent, *got;
  GstMessage *msg;

  publisher_expect_eos (p, WAIT_TIMEOUT);
  receiver_wait_eos (r, WAIT_TIMEOUT, "receiver");
  publisher_check_clean (p);
  msg = receiver_message (r, "rtmp-ingest-publish-end");
  fail_unless (msg != NULL, "no publish-end");
  fail_unless_equals_string (message_string (msg, "reason"), "unpublished");

  sent = publisher_items (p);
  got = receiver_items (r, 0, 1, "receiver");
  fail_unless_equals_int (frames_check (sent, &got, 1, TRUE, "EOS"), 0);
  check_stream_start (got, FALSE, "receiver");

  g_array_unref (sent);
  g_array_unref (got);
  publisher_free (p);
  receiver_free (r);
  g_free (url);
  g_free (props);
}

GST_END_TEST;

static Suite *
push_reconnect_suite (void)
{
  Suite *s = suite_create ("push_reconnect");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_reconnect_request, 0,
      G_N_ELEMENTS (reconnect_forms));
  tcase_add_test (tc, test_reconnect_request_twice);
  tcase_add_loop_test (tc, test_reconnect_not_followed, TARGET_REFUSES,
      TARGET_NONE + 1);
  tcase_add_test (tc, test_reconnect_old_goes_first);
  tcase_add_test (tc, test_eos_during_switch);
  tcase_add_test (tc, test_server_restart);
  tcase_add_test (tc, test_eos_while_reconnecting);
  tcase_add_test (tc, test_reconnect_attempts_run_out);
  tcase_add_loop_test (tc, test_refused, 0, G_N_ELEMENTS (refusals));
  tcase_add_loop_test (tc, test_unreachable, 0, 3);
  tcase_add_loop_test (tc, test_stop, STOP_IN_HANDSHAKE,
      STOP_PUBLISHING + 1);
  tcase_add_test (tc, test_eos_delivers_all);
  return s;
}

GST_CHECK_MAIN (push_reconnect);
