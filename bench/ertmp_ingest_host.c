/* gst-ertmp: N rtmpingestsrc pipelines in one process, for the scale bench
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pipeline i is "rtmpingestsrc ! erdemux ! fakesink" (audio and video to
 * their own fakesink; --no-demux: "rtmpingestsrc ! fakesink"; --bare: a
 * lone rtmpingestsrc in PAUSED, no pipeline, which accepts publishers and
 * pushes nothing, to weigh the element alone with idle publishers) with
 * application --app and stream key PREFIXi.  All elements share one port
 * (the first takes --port, 0 = a free one, the others join its bound-port)
 * or, with --ports, each listens on a port of its own.  --set PROP=VALUE
 * (repeatable) sets an element property when the element has it.
 *
 * stdout: "base_rss_kb K" before the pipelines exist, "port P" (shared) and
 * "ready" once every pipeline is PLAYING.  --ports-out gets one port per
 * line (line i: element i).
 *
 * A probe on each rtmpingestsrc's src pad counts the audio and video tags
 * and, for every video key frame (not sequence headers), records the
 * CLOCK_MONOTONIC time of its arrival with its FLV timestamp.  At the end
 * (SIGINT, SIGTERM or --duration) --out gets "frames INDEX COUNT" and
 * "arrival INDEX TS NS" lines, and stdout "errors E refused R".
 */
#include <gst/gst.h>
#include <glib-unix.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct
{
  guint32 ts;
  gint64 ns;
} Arrival;

typedef struct
{
  guint idx;
  GstElement *pipeline, *src;
  GMutex lock;
  guint64 frames;
  GArray *arrivals;
} Slot;

static struct
{
  gint n, port, duration;
  gchar *host, *app, *prefix, *out, *ports_out;
  gchar **set;
  gboolean ports, no_demux, bare;
} opt = { 1, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, FALSE, FALSE, FALSE };

static gint n_errors, n_refused;

static gint64
now_ns (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (gint64) t.tv_sec * G_GINT64_CONSTANT (1000000000) + t.tv_nsec;
}

static glong
rss_kb (void)
{
  gchar *text = NULL, *line;
  glong kb = -1;

  if (g_file_get_contents ("/proc/self/status", &text, NULL, NULL)
      && (line = strstr (text, "VmRSS:")) != NULL)
    kb = strtol (line + 6, NULL, 10);
  g_free (text);
  return kb;
}

/* Video key frame: legacy frame type 1 with a NALU (or a non-AVC codec),
 * Enhanced frame type 1 with coded frames. */
static gboolean
is_key (const guint8 * b, gsize len)
{
  gboolean avc;

  if (len < 12)
    return FALSE;
  if (b[11] & 0x80)
    return ((b[11] >> 4) & 7) == 1 && ((b[11] & 0x0f) == 1
        || (b[11] & 0x0f) == 3);
  avc = (b[11] & 0x0f) == 7 || (b[11] & 0x0f) == 12;
  return (b[11] >> 4) == 1 && (!avc || (len >= 13 && b[12] == 1));
}

static GstPadProbeReturn
on_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Slot *slot = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  guint8 b[13];
  gsize len = gst_buffer_extract (buf, 0, b, sizeof b);
  guint8 type;

  (void) pad;
  if (len < 11 || memcmp (b, "FLV", 3) == 0)
    return GST_PAD_PROBE_OK;
  type = b[0] & 0x1f;
  if (type != 8 && type != 9)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&slot->lock);
  slot->frames++;
  if (type == 9 && is_key (b, len)) {
    Arrival a;
    a.ns = now_ns ();
    a.ts = ((guint32) b[7] << 24) | (b[4] << 16) | (b[5] << 8) | b[6];
    g_array_append_val (slot->arrivals, a);
  }
  g_mutex_unlock (&slot->lock);
  return GST_PAD_PROBE_OK;
}

static GstBusSyncReply
on_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Slot *slot = user_data;
  const GstStructure *st;

  (void) bus;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gst_message_parse_error (msg, &err, NULL);
    if (g_atomic_int_add (&n_errors, 1) < 5)
      g_printerr ("pipeline %u: %s\n", slot->idx, err->message);
    g_error_free (err);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
      && (st = gst_message_get_structure (msg)) != NULL
      && gst_structure_has_name (st, "rtmp-ingest-refused")) {
    g_atomic_int_inc (&n_refused);
  }
  return GST_BUS_DROP;
}

static void
set_props (Slot * slot, gint port)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (slot->src);
  gchar *key = g_strdup_printf ("%s%u", opt.prefix, slot->idx);
  gchar **kv;

  g_object_set (slot->src, "host", opt.host, "port", port,
      "application", opt.app, "stream-key", key, NULL);
  g_free (key);
  for (kv = opt.set; kv && *kv; kv++) {
    gchar **pair = g_strsplit (*kv, "=", 2);
    if (pair[1] && g_object_class_find_property (klass, pair[0]))
      gst_util_set_object_arg (G_OBJECT (slot->src), pair[0], pair[1]);
    g_strfreev (pair);
  }
}

static gboolean
slot_init (Slot * slot, guint idx, gint port)
{
  GError *err = NULL;
  GstBus *bus;
  GstPad *pad;
  const gchar *desc = opt.no_demux ?
      "rtmpingestsrc name=src ! fakesink sync=false async=false" :
      "rtmpingestsrc name=src ! erdemux name=d "
      "d.video ! fakesink sync=false async=false "
      "d.audio ! fakesink sync=false async=false";

  slot->idx = idx;
  g_mutex_init (&slot->lock);
  slot->arrivals = g_array_new (FALSE, FALSE, sizeof (Arrival));
  if (opt.bare) {
    slot->pipeline = gst_element_factory_make ("rtmpingestsrc", NULL);
    if (slot->pipeline == NULL) {
      g_printerr ("no rtmpingestsrc\n");
      return FALSE;
    }
    slot->src = gst_object_ref (slot->pipeline);
    set_props (slot, port);
    return gst_element_set_state (slot->pipeline, GST_STATE_READY)
        != GST_STATE_CHANGE_FAILURE;
  }
  slot->pipeline = gst_parse_launch (desc, &err);
  if (err != NULL) { /* e.g. the plugin is missing */
    g_printerr ("%s\n", err->message);
    g_error_free (err);
    return FALSE;
  }
  slot->src = gst_bin_get_by_name (GST_BIN (slot->pipeline), "src");
  set_props (slot, port);
  bus = gst_element_get_bus (slot->pipeline);
  gst_bus_set_sync_handler (bus, on_message, slot, NULL);
  gst_object_unref (bus);
  pad = gst_element_get_static_pad (slot->src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, slot, NULL);
  gst_object_unref (pad);
  if (gst_element_set_state (slot->pipeline, GST_STATE_READY)
      == GST_STATE_CHANGE_FAILURE) {
    g_printerr ("pipeline %u: cannot listen on port %d\n", idx, port);
    return FALSE;
  }
  return TRUE;
}

static void
write_results (Slot * slots)
{
  FILE *f = opt.out ? fopen (opt.out, "w") : NULL;
  gint i;
  guint j;

  for (i = 0; f && i < opt.n; i++) {
    g_mutex_lock (&slots[i].lock);
    fprintf (f, "frames %d %" G_GUINT64_FORMAT "\n", i, slots[i].frames);
    for (j = 0; j < slots[i].arrivals->len; j++) {
      Arrival *a = &g_array_index (slots[i].arrivals, Arrival, j);
      fprintf (f, "arrival %d %u %" G_GINT64_FORMAT "\n", i, a->ts, a->ns);
    }
    g_mutex_unlock (&slots[i].lock);
  }
  if (f)
    fclose (f);
  printf ("errors %d refused %d\n", g_atomic_int_get (&n_errors),
      g_atomic_int_get (&n_refused));
  fflush (stdout);
}

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* The listening port of @slot: from READY with the shared server, from
 * PAUSED with the per-element listener of older versions. */
static gint
slot_port (Slot * slot)
{
  gint bound = 0;

  g_object_get (slot->src, "bound-port", &bound, NULL);
  if (bound == 0 && gst_element_set_state (slot->pipeline,
          GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE)
    g_object_get (slot->src, "bound-port", &bound, NULL);
  return bound;
}

static gboolean
build (Slot * slots)
{
  GString *ports = g_string_new (NULL);
  gint i, port = opt.port;
  gboolean ok = TRUE;

  for (i = 0; i < opt.n && ok; i++) {
    ok = slot_init (&slots[i], i, opt.ports ? 0 : port);
    if (ok && (opt.ports || i == 0))
      port = slot_port (&slots[i]);
    ok = ok && port != 0;
    g_string_append_printf (ports, "%d\n", port);
  }
  for (i = 0; i < opt.n && ok; i++)
    ok = gst_element_set_state (slots[i].pipeline,
        opt.bare ? GST_STATE_PAUSED : GST_STATE_PLAYING)
        != GST_STATE_CHANGE_FAILURE;
  if (ok && opt.ports_out)
    ok = g_file_set_contents (opt.ports_out, ports->str, -1, NULL);
  g_string_free (ports, TRUE);
  if (ok) {
    printf ("port %d\nready\n", opt.ports ? 0 : port);
    fflush (stdout);
  }
  return ok;
}

static void
free_slots (Slot * slots)
{
  gint i;

  for (i = 0; i < opt.n; i++) {
    if (slots[i].pipeline == NULL)
      continue;
    gst_element_set_state (slots[i].pipeline, GST_STATE_NULL);
    gst_clear_object (&slots[i].src);
    gst_object_unref (slots[i].pipeline);
    g_array_unref (slots[i].arrivals);
    g_mutex_clear (&slots[i].lock);
  }
  g_free (slots);
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    {"n", 'n', 0, G_OPTION_ARG_INT, &opt.n, "pipelines", "N"},
    {"host", 0, 0, G_OPTION_ARG_STRING, &opt.host, "address", "H"},
    {"port", 0, 0, G_OPTION_ARG_INT, &opt.port, "shared port (0: free)", "P"},
    {"ports", 0, 0, G_OPTION_ARG_NONE, &opt.ports, "a port per element",
        NULL},
    {"app", 0, 0, G_OPTION_ARG_STRING, &opt.app, "application", "A"},
    {"prefix", 0, 0, G_OPTION_ARG_STRING, &opt.prefix, "key prefix", "K"},
    {"no-demux", 0, 0, G_OPTION_ARG_NONE, &opt.no_demux, "no erdemux", NULL},
    {"bare", 0, 0, G_OPTION_ARG_NONE, &opt.bare, "lone elements in PAUSED, "
          "no pipeline (idle publishers only)", NULL},
    {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt.set,
        "element property (when it exists)", "PROP=VALUE"},
    {"out", 0, 0, G_OPTION_ARG_FILENAME, &opt.out, "results file", "F"},
    {"ports-out", 0, 0, G_OPTION_ARG_FILENAME, &opt.ports_out,
        "bound ports, one a line", "F"},
    {"duration", 0, 0, G_OPTION_ARG_INT, &opt.duration, "seconds (0: until "
          "SIGINT/SIGTERM)", "S"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- N ingest pipelines");
  GError *err = NULL;
  GMainLoop *loop;
  Slot *slots;
  gint rc = 0;

  g_setenv ("GST_PLUGIN_PATH", BENCH_PLUGIN_DIR, FALSE);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err) || opt.n < 1) {
    g_printerr ("%s\n", err ? err->message : "-n >= 1 needed");
    return 2;
  }
  g_option_context_free (ctx);
  if (opt.host == NULL)
    opt.host = g_strdup ("127.0.0.1");
  if (opt.app == NULL)
    opt.app = g_strdup ("live");
  if (opt.prefix == NULL)
    opt.prefix = g_strdup ("key");
  printf ("base_rss_kb %ld\n", rss_kb ());
  fflush (stdout);
  slots = g_new0 (Slot, opt.n);
  loop = g_main_loop_new (NULL, FALSE);
  if (build (slots)) {
    g_unix_signal_add (SIGINT, quit, loop);
    g_unix_signal_add (SIGTERM, quit, loop);
    if (opt.duration > 0)
      g_timeout_add_seconds (opt.duration, quit, loop);
    g_main_loop_run (loop);
    write_results (slots);
  } else {
    rc = 1;
  }
  free_slots (slots);
  g_main_loop_unref (loop);
  return rc;
}
