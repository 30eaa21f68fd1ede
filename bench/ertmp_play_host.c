/* gst-ertmp: one relay pipeline for the play-out bench
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs "rtmpingestsrc ! rtmpservesink sync=false": a publisher's stream
 * (application --app, key --key) is served to players under --name on
 * the same shared server (same host and port).  The sink joins the port
 * first (--port, 0 = a free one) and the source joins its bound-port.
 * --set PROP=VALUE (repeatable) sets a property on each of the two
 * elements that has it, so that server settings agree.
 *
 * stdout: "base_rss_kb K" before the pipeline exists, "port P" and "ready"
 * once it is PLAYING.
 *
 * A probe on the sink's pad records, for every video key frame (not
 * sequence headers), the CLOCK_MONOTONIC time it reaches render() with its
 * FLV timestamp.  At the end (SIGINT, SIGTERM or --duration) --out gets
 * "render TS NS" lines, and stdout "errors E" and the sink's counters:
 * "stats players-total T players-dropped D frames-skipped S ...".
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

static struct
{
  gint port, duration;
  gchar *host, *app, *key, *name, *out;
  gchar **set;
} opt;

static GMutex lock;
static GArray *arrivals;        /* Arrival, under lock */
static gint n_errors;

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

/* An FLV video tag that is a key frame: legacy frame type 1 with a NALU
 * (or a non-AVC codec), Enhanced frame type 1 with coded frames. */
static gboolean
is_key (const guint8 * b, gsize len)
{
  gboolean avc;

  if (len < 12 || (b[0] & 0x1f) != 9)
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
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  guint8 b[13];
  gsize len = gst_buffer_extract (buf, 0, b, sizeof b);
  Arrival a;

  (void) pad;
  (void) user_data;
  if (memcmp (b, "FLV", MIN (len, 3)) == 0 || !is_key (b, len))
    return GST_PAD_PROBE_OK;
  a.ns = now_ns ();
  a.ts = ((guint32) b[7] << 24) | (b[4] << 16) | (b[5] << 8) | b[6];
  g_mutex_lock (&lock);
  g_array_append_val (arrivals, a);
  g_mutex_unlock (&lock);
  return GST_PAD_PROBE_OK;
}

static GstBusSyncReply
on_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  (void) bus;
  (void) user_data;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gst_message_parse_error (msg, &err, NULL);
    if (g_atomic_int_add (&n_errors, 1) < 5)
      g_printerr ("%s: %s\n", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
          err->message);
    g_error_free (err);
  }
  return GST_BUS_DROP;
}

static void
set_props (GstElement * e)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (e);
  gchar **kv;

  for (kv = opt.set; kv && *kv; kv++) {
    gchar **pair = g_strsplit (*kv, "=", 2);
    if (pair[1] && g_object_class_find_property (klass, pair[0]))
      gst_util_set_object_arg (G_OBJECT (e), pair[0], pair[1]);
    g_strfreev (pair);
  }
}

/* The pipeline in PLAYING, or NULL; *port is the bound port. */
static GstElement *
build (gint * port)
{
  GError *err = NULL;
  GstElement *pipeline, *src, *sink;
  GstBus *bus;
  GstPad *pad;
  gboolean ok;

  pipeline = gst_parse_launch ("rtmpingestsrc name=src ! "
      "rtmpservesink name=sink sync=false async=false", &err);
  if (err != NULL) {
    g_printerr ("%s\n", err->message);
    g_error_free (err);
    gst_clear_object (&pipeline);
    return NULL;
  }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "host", opt.host, "port", opt.port, "application",
      opt.app, "stream-name", opt.name, NULL);
  set_props (sink);
  ok = gst_element_set_state (sink, GST_STATE_READY)
      != GST_STATE_CHANGE_FAILURE;
  g_object_get (sink, "bound-port", port, NULL);
  g_object_set (src, "host", opt.host, "port", *port, "application",
      opt.app, "stream-key", opt.key, NULL);
  set_props (src);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, NULL, NULL);
  gst_object_unref (pad);
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, on_message, NULL, NULL);
  gst_object_unref (bus);
  ok = ok && *port != 0 && gst_element_set_state (pipeline,
      GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE;
  gst_object_unref (src);
  gst_object_unref (sink);
  if (!ok) {
    g_printerr ("cannot start the pipeline on port %d\n", opt.port);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_clear_object (&pipeline);
  }
  return pipeline;
}

static void
write_results (GstElement * pipeline)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  FILE *f = opt.out ? fopen (opt.out, "w") : NULL;
  GstStructure *stats = NULL;
  const gchar *fields[] = { "players-total", "players-dropped",
    "players-refused", "frames-skipped", "tags-in", "tags-dropped"
  };
  guint i;

  g_mutex_lock (&lock);
  for (i = 0; f && i < arrivals->len; i++) {
    Arrival *a = &g_array_index (arrivals, Arrival, i);
    fprintf (f, "render %u %" G_GINT64_FORMAT "\n", a->ts, a->ns);
  }
  g_mutex_unlock (&lock);
  if (f)
    fclose (f);
  printf ("errors %d\nstats", g_atomic_int_get (&n_errors));
  g_object_get (sink, "stats", &stats, NULL);
  for (i = 0; stats && i < G_N_ELEMENTS (fields); i++) {
    guint64 v = 0;
    if (gst_structure_get_uint64 (stats, fields[i], &v))
      printf (" %s %" G_GUINT64_FORMAT, fields[i], v);
  }
  printf ("\n");
  fflush (stdout);
  if (stats)
    gst_structure_free (stats);
  gst_object_unref (sink);
}

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    {"host", 0, 0, G_OPTION_ARG_STRING, &opt.host, "address", "H"},
    {"port", 0, 0, G_OPTION_ARG_INT, &opt.port, "port (0: free)", "P"},
    {"app", 0, 0, G_OPTION_ARG_STRING, &opt.app, "application", "A"},
    {"key", 0, 0, G_OPTION_ARG_STRING, &opt.key, "publisher's key", "K"},
    {"name", 0, 0, G_OPTION_ARG_STRING, &opt.name, "name players play",
        "NAME"},
    {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt.set,
        "element property (on each element that has it)", "PROP=VALUE"},
    {"out", 0, 0, G_OPTION_ARG_FILENAME, &opt.out, "results file", "F"},
    {"duration", 0, 0, G_OPTION_ARG_INT, &opt.duration, "seconds (0: until "
          "SIGINT/SIGTERM)", "S"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- one relay pipeline");
  GError *err = NULL;
  GMainLoop *loop;
  GstElement *pipeline;
  gint port = 0;

  g_setenv ("GST_PLUGIN_PATH", BENCH_PLUGIN_DIR, FALSE);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("%s\n", err->message);
    return 2;
  }
  g_option_context_free (ctx);
  opt.host = opt.host ? opt.host : g_strdup ("127.0.0.1");
  opt.app = opt.app ? opt.app : g_strdup ("live");
  opt.key = opt.key ? opt.key : g_strdup ("src");
  opt.name = opt.name ? opt.name : g_strdup ("show");
  arrivals = g_array_new (FALSE, FALSE, sizeof (Arrival));
  printf ("base_rss_kb %ld\n", rss_kb ());
  fflush (stdout);
  pipeline = build (&port);
  if (pipeline == NULL)
    return 1;
  printf ("port %d\nready\n", port);
  fflush (stdout);
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit, loop);
  g_unix_signal_add (SIGTERM, quit, loop);
  if (opt.duration > 0)
    g_timeout_add_seconds (opt.duration, quit, loop);
  g_main_loop_run (loop);
  write_results (pipeline);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_main_loop_unref (loop);
  g_array_unref (arrivals);
  return 0;
}
