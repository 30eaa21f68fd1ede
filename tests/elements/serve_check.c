/* gst-ertmp: feeding rtmpservesink in tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "serve_check.h"

#include <string.h>
#include <gst/check/gstcheck.h>

#include "ertmp_flv.h"
#include "ertmp_peer.h"
#include "flv_items.h"

#define HANG_MS ((guint) (ERTMP_TEST_HANG_BOUND / GST_MSECOND))

struct _ServeFeed
{
  GstElement *pipeline, *src, *sink;
  gchar *name;
  gboolean header_sent;
  guint64 pushed;
  GMutex lock;
  GCond cond;
  GList *messages;              /* GstStructure, all the sink posted */
  gboolean eos;
  gchar *error;                 /* the first error posted, or NULL */
};

static GstBusSyncReply
on_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  ServeFeed *f = data;

  g_mutex_lock (&f->lock);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
      && GST_MESSAGE_SRC (msg) == GST_OBJECT (f->sink))
    f->messages = g_list_append (f->messages,
        gst_structure_copy (gst_message_get_structure (msg)));
  else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
    f->eos = TRUE;
  else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *what = ertmp_peer_describe_message (msg);

    g_printerr ("serve feed error: %s\n", what);
    if (f->error == NULL)
      f->error = what;
    else
      g_free (what);
  }
  g_cond_broadcast (&f->cond);
  g_mutex_unlock (&f->lock);
  return GST_BUS_DROP;
}

ServeFeed *
serve_feed_start (const gchar * name, const gchar * props)
{
  ServeFeed *f = g_new0 (ServeFeed, 1);
  gchar *desc;
  GstBus *bus;
  GError *err = NULL;

  g_mutex_init (&f->lock);
  g_cond_init (&f->cond);
  f->name = g_strdup (name);
  desc = g_strdup_printf ("appsrc name=src format=bytes max-bytes=0 "
      "caps=video/x-flv ! rtmpservesink name=sink sync=false host=127.0.0.1 "
      "port=0 application=live stream-name=%s %s", name, props ? props : "");
  f->pipeline = gst_parse_launch (desc, &err);
  fail_unless (f->pipeline != NULL, "%s: %s", desc,
      err ? err->message : "?");
  g_free (desc);
  f->src = gst_bin_get_by_name (GST_BIN (f->pipeline), "src");
  f->sink = gst_bin_get_by_name (GST_BIN (f->pipeline), "sink");
  bus = gst_element_get_bus (f->pipeline);
  gst_bus_set_sync_handler (bus, on_message, f, NULL);
  gst_object_unref (bus);
  fail_if (gst_element_set_state (f->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "the serve pipeline did not start");
  return f;
}

guint16
serve_feed_port (ServeFeed * f)
{
  gint port = 0;

  g_object_get (f->sink, "bound-port", &port, NULL);
  return port;
}

gchar *
serve_feed_url (ServeFeed * f)
{
  return g_strdup_printf ("rtmp://127.0.0.1:%u/live/%s", serve_feed_port (f),
      f->name);
}

GstElement *
serve_feed_sink (ServeFeed * f)
{
  return f->sink;
}

/* appsrc's push-buffer action signal: no link to libgstapp needed */
static GstFlowReturn
push (ServeFeed * f, GstBuffer * buf)
{
  GstFlowReturn ret = GST_FLOW_ERROR;

  g_signal_emit_by_name (f->src, "push-buffer", buf, &ret);
  gst_buffer_unref (buf);
  return ret;
}

static GstBuffer *
tag_buffer (const FlvItem * item)
{
  gsize size = g_bytes_get_size (item->body);
  guint8 *data = g_malloc (11 + size + 4);

  data[0] = item->type;
  data[1] = size >> 16;
  data[2] = size >> 8;
  data[3] = size;
  data[4] = item->ts >> 16;
  data[5] = item->ts >> 8;
  data[6] = item->ts;
  data[7] = item->ts >> 24;
  data[8] = data[9] = data[10] = 0;
  memcpy (data + 11, g_bytes_get_data (item->body, NULL), size);
  data[11 + size] = (11 + size) >> 24;
  data[12 + size] = (11 + size) >> 16;
  data[13 + size] = (11 + size) >> 8;
  data[14 + size] = (11 + size);
  return gst_buffer_new_wrapped (data, 11 + size + 4);
}

GstStructure *
serve_feed_stats (ServeFeed * f)
{
  GstStructure *s = NULL;

  g_object_get (f->sink, "stats", &s, NULL);
  fail_unless (s != NULL);
  return s;
}

static guint64
stats_u64 (ServeFeed * f, const gchar * field)
{
  GstStructure *s = serve_feed_stats (f);
  guint64 v = 0;

  gst_structure_get_uint64 (s, field, &v);
  gst_structure_free (s);
  return v;
}

guint
serve_feed_players (ServeFeed * f)
{
  GstStructure *s = serve_feed_stats (f);
  guint v = 0;

  gst_structure_get_uint (s, "players", &v);
  gst_structure_free (s);
  return v;
}

/* polls @check until TRUE or the hang bound */
static gboolean
poll_until (ServeFeed * f, gboolean (*check) (ServeFeed *, gconstpointer),
    gconstpointer arg)
{
  gint64 end = g_get_monotonic_time () + HANG_MS * (gint64) 1000;

  while (!check (f, arg)) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    g_usleep (10000);
  }
  return TRUE;
}

static gboolean
all_taken (ServeFeed * f, gconstpointer arg)
{
  /* tags-in counts what render() read; the stats call runs on the I/O
   * thread after the hand-offs made before it */
  return stats_u64 (f, "tags-in") >= f->pushed;
}

void
serve_feed_push (ServeFeed * f, GArray * items, guint from, guint to)
{
  static const guint8 header[] = { 'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9,
    0, 0, 0, 0
  };
  guint i;

  if (!f->header_sent) {
    fail_unless_equals_int (push (f, gst_buffer_new_memdup (header,
                sizeof (header))), GST_FLOW_OK);
    f->header_sent = TRUE;
  }
  for (i = from; i < to && i < items->len; i++) {
    fail_unless_equals_int (push (f, tag_buffer (&g_array_index (items,
                    FlvItem, i))), GST_FLOW_OK);
    f->pushed++;
  }
  fail_unless (poll_until (f, all_taken, NULL), "the sink did not take "
      "%" G_GUINT64_FORMAT " tags", f->pushed);
  /* once more: this stats call comes after the I/O thread took them */
  stats_u64 (f, "tags-in");
}

void
serve_feed_push_bytes (ServeFeed * f, const guint8 * data, gsize len)
{
  push (f, gst_buffer_new_memdup (data, len));
}

gchar *
serve_feed_wait_error (ServeFeed * f)
{
  gint64 end = g_get_monotonic_time () + HANG_MS * (gint64) 1000;
  gchar *error;

  g_mutex_lock (&f->lock);
  while (f->error == NULL && g_cond_wait_until (&f->cond, &f->lock, end));
  error = g_strdup (f->error);
  g_mutex_unlock (&f->lock);
  return error;
}

void
serve_feed_eos (ServeFeed * f)
{
  gint64 end = g_get_monotonic_time () + HANG_MS * (gint64) 1000;

  GstFlowReturn ret = GST_FLOW_ERROR;

  g_signal_emit_by_name (f->src, "end-of-stream", &ret);
  fail_unless_equals_int (ret, GST_FLOW_OK);
  g_mutex_lock (&f->lock);
  while (!f->eos && g_cond_wait_until (&f->cond, &f->lock, end));
  g_mutex_unlock (&f->lock);
  fail_unless (f->eos, "EOS did not reach the sink");
}

void
serve_feed_new_stream (ServeFeed * f)
{
  GstPad *pad = gst_element_get_static_pad (f->sink, "sink");

  /* appsrc starts again from READY; the sink leaves EOS with a flush */
  fail_if (gst_element_set_state (f->src, GST_STATE_READY) ==
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_pad_send_event (pad, gst_event_new_flush_start ()));
  fail_unless (gst_pad_send_event (pad, gst_event_new_flush_stop (TRUE)));
  gst_object_unref (pad);
  fail_if (gst_element_set_state (f->src, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  g_mutex_lock (&f->lock);
  f->eos = FALSE;
  g_mutex_unlock (&f->lock);
  f->header_sent = FALSE;
}

void
serve_feed_stop (ServeFeed * f)
{
  GstStateChangeReturn ret;

  ret = gst_element_set_state (f->pipeline, GST_STATE_NULL);
  fail_unless (ret == GST_STATE_CHANGE_SUCCESS, "NULL: %d", ret);
  gst_object_unref (f->src);
  gst_object_unref (f->sink);
  gst_object_unref (f->pipeline);
  g_list_free_full (f->messages, (GDestroyNotify) gst_structure_free);
  g_free (f->error);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->cond);
  g_free (f->name);
  g_free (f);
}

static gboolean
has_players (ServeFeed * f, gconstpointer n)
{
  return serve_feed_players (f) == GPOINTER_TO_UINT (n);
}

gboolean
serve_feed_wait_players (ServeFeed * f, guint n)
{
  return poll_until (f, has_players, GUINT_TO_POINTER (n));
}

GstStructure *
serve_feed_wait_message (ServeFeed * f, const gchar * name)
{
  gint64 end = g_get_monotonic_time () + HANG_MS * (gint64) 1000;
  GstStructure *found = NULL;
  GList *l;

  g_mutex_lock (&f->lock);
  do {
    for (l = f->messages; l != NULL; l = l->next)
      if (gst_structure_has_name (l->data, name)) {
        found = l->data;
        f->messages = g_list_delete_link (f->messages, l);
        break;
      }
  } while (found == NULL && g_cond_wait_until (&f->cond, &f->lock, end));
  g_mutex_unlock (&f->lock);
  return found;
}

guint
serve_feed_count_messages (ServeFeed * f, const gchar * name)
{
  guint n = 0;
  GList *l;

  g_mutex_lock (&f->lock);
  for (l = f->messages; l != NULL; l = l->next)
    n += gst_structure_has_name (l->data, name);
  g_mutex_unlock (&f->lock);
  return n;
}

guint
serve_items_next_key (GArray * items, guint from)
{
  guint i;

  for (i = from; i < items->len; i++) {
    const FlvItem *it = &g_array_index (items, FlvItem, i);

    if (it->type == ERTMP_FLV_TAG_VIDEO && it->key
        && it->kind == FLV_ITEM_FRAME)
      return i;
  }
  return items->len;
}

static void
item_clear (FlvItem * item)
{
  g_bytes_unref (item->body);
}

static void
append_copy (GArray * out, const FlvItem * item)
{
  FlvItem copy = *item;

  copy.body = g_bytes_ref (copy.body);
  g_array_append_val (out, copy);
}

GArray *
serve_items_from (GArray * items, guint start)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (FlvItem));
  guint i;

  g_array_set_clear_func (out, (GDestroyNotify) item_clear);
  /* the stream headers before it come first */
  for (i = 0; i < start; i++)
    if (g_array_index (items, FlvItem, i).kind == FLV_ITEM_CONFIG)
      append_copy (out, &g_array_index (items, FlvItem, i));
  for (i = start; i < items->len; i++)
    append_copy (out, &g_array_index (items, FlvItem, i));
  return out;
}

GArray *
serve_items_from_gop (GArray * items, guint from)
{
  guint start = 0, i;

  for (i = 0; i < from && i < items->len; i++) {
    const FlvItem *it = &g_array_index (items, FlvItem, i);

    if (it->type == ERTMP_FLV_TAG_VIDEO && it->key && it->kind ==
        FLV_ITEM_FRAME)
      start = i;
  }
  return serve_items_from (items, start);
}

/* ---- media and players ---- */

gchar *
serve_make_media (const gchar * dir, const gchar * name, const gchar * media)
{
  gchar *path = g_build_filename (dir, name, NULL);
  gchar *desc = g_strdup_printf ("%s m. ! filesink location=%s", media, path);
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);
  gchar *error = NULL;

  fail_unless (p != NULL, "%s: %s", desc, err ? err->message : "?");
  fail_unless (ertmp_peer_run_pipeline (p, ERTMP_TEST_HANG_BOUND, &error),
      "%s: %s", name, error);
  gst_object_unref (p);
  g_free (desc);
  return path;
}

ErtmpPeer *
serve_spawn_ffmpeg (const gchar * dir, const gchar * url, const gchar * out)
{
  const gchar *argv[] = { "ffmpeg", "-nostdin", "-loglevel", "error",
    "-i", url, "-c", "copy", "-f", "flv", out, NULL
  };
  GError *err = NULL;
  ErtmpPeer *peer = ertmp_peer_spawn (argv, dir, &err);

  fail_unless (peer != NULL, "ffmpeg: %s", err ? err->message : "?");
  return peer;
}

ErtmpPeer *
serve_spawn_gst_player (const gchar * dir, const gchar * factory,
    const gchar * url, const gchar * out)
{
  gchar *location = g_strdup_printf ("location=%s", url);
  gchar *sink = g_strdup_printf ("location=%s", out);
  const gchar *argv[] = { "gst-launch-1.0", "-q", factory, location, "!",
    "filesink", sink, NULL
  };
  GError *err = NULL;
  ErtmpPeer *peer = ertmp_peer_spawn (argv, dir, &err);

  fail_unless (peer != NULL, "%s: %s", factory, err ? err->message : "?");
  g_free (location);
  g_free (sink);
  return peer;
}

void
serve_wait_success (ErtmpPeer * peer, const gchar * who)
{
  fail_unless (ertmp_peer_wait (peer, HANG_MS), "%s did not end", who);
  fail_unless (ertmp_peer_succeeded (peer), "%s failed: %s", who,
      ertmp_peer_log (peer));
  ertmp_peer_stop (peer);
}

/* 4 s of H.264 (a key frame every 30 frames) and AAC, legacy FLV */
#define SERVE_MEDIA "flvmux name=m streamable=true " \
  "videotestsrc num-buffers=120 ! video/x-raw,format=I420,width=160," \
  "height=120,framerate=30/1 ! x264enc speed-preset=ultrafast " \
  "key-int-max=30 ! h264parse ! m. " \
  "audiotestsrc num-buffers=172 ! audio/x-raw,rate=44100,channels=2 ! " \
  "audioconvert ! avenc_aac ! m. "

GArray *
serve_media_items (const gchar * dir)
{
  gchar *path = serve_make_media (dir, "src.flv", SERVE_MEDIA);
  GArray *items = flv_items_from_file (path);

  g_free (path);
  return items;
}

void
serve_check_recording (GArray * want, const gchar * path, const gchar * who)
{
  GArray *got = flv_items_from_file (path);

  flv_items_check_same (want, got, who);
  flv_items_check_start (got, who);
  g_array_unref (got);
}

GArray *
serve_repeat_frames (GArray * items, guint k, guint32 period)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (FlvItem));
  guint i;

  for (i = 0; i < items->len; i++) {
    FlvItem it = g_array_index (items, FlvItem, i);

    if (it.kind != FLV_ITEM_FRAME)
      continue;
    it.ts += k * period;
    g_array_append_val (out, it);       /* bodies borrowed from @items */
  }
  return out;
}
