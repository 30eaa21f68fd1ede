/* gst-ertmp: erdemux vs flvdemux and flvemux vs flvmux, side by side
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two legacy H.264/AAC FLV inputs, made once and cached in the build
 * directory (BENCH_DATA_DIR):
 *   big:   a 2 s 1280x720 clip (x264enc ultrafast, ~50 Mbit/s, snow) and
 *          320 kbit/s AAC muxed by flvmux, its tags repeated with shifted
 *          timestamps up to --big-mb MB;
 *   small: a 10 s 64x64 clip at 16 kbit/s and 16 kbit/s mono AAC (tags of
 *          tens of bytes), repeated up to --small-tags tags.
 * Demuxers: filesrc ! DEMUX, each source pad to fakesink sync=false.
 * Muxers: the input is demuxed once by flvdemux into memory (appsink); per
 * run, two appsrc are filled with the same buffers before PLAYING and feed
 * MUX ! fakesink.  Baselines without the element under test run in the
 * same loop.  CPU time (user+sys of all threads, CLOCK_PROCESS_CPUTIME_ID)
 * from PLAYING to EOS; repetitions interleave the variants; medians.
 *
 * usage: bench_flv [--reps N] [--big-mb N] [--small-tags N] [--only demux|mux]
 */
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <gst/app/gstappsink.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REPS 64

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
} seed_reader;

typedef struct
{
  guint8 type;
  guint32 ts;
  const guint8 *body;
  guint32 size;
} seed_tag;

static guint64
cpu_ns (void)
{
  struct timespec t;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return (guint64) t.tv_sec * 1000000000u + t.tv_nsec;
}

static guint64
wall_ns (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (guint64) t.tv_sec * 1000000000u + t.tv_nsec;
}

static void
die (const gchar * what)
{
  g_printerr ("bench_flv: %s\n", what);
  exit (1);
}

/* Run a pipeline to EOS; an error is fatal. */
static void
run_to_eos (GstElement * pipe)
{
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;

  if (gst_element_set_state (pipe, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    die ("cannot set a pipeline to PLAYING");
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err;
    gchar *dbg;
    gst_message_parse_error (msg, &err, &dbg);
    g_printerr ("bench_flv: %s: %s (%s)\n", GST_OBJECT_NAME (msg->src),
        err->message, dbg ? dbg : "");
    exit (1);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
}

/* ---- inputs ---------------------------------------------------------- */

static const gchar *seed_big_desc =
    "videotestsrc pattern=snow num-buffers=60 "
    "! video/x-raw,width=1280,height=720,framerate=30/1 "
    "! x264enc speed-preset=ultrafast bitrate=50000 key-int-max=30 "
    "! h264parse ! video/x-h264,stream-format=avc "
    "! flvmux name=m ! filesink name=out "
    "audiotestsrc wave=white-noise num-buffers=94 "
    "! audio/x-raw,rate=48000,channels=2 ! avenc_aac bitrate=320000 ! m.";

static const gchar *seed_small_desc =
    "videotestsrc pattern=ball num-buffers=300 "
    "! video/x-raw,width=64,height=64,framerate=30/1 "
    "! x264enc speed-preset=ultrafast bitrate=16 key-int-max=300 "
    "! h264parse ! video/x-h264,stream-format=avc "
    "! flvmux name=m ! filesink name=out "
    "audiotestsrc num-buffers=469 "
    "! audio/x-raw,rate=48000,channels=1 ! avenc_aac bitrate=16000 ! m.";

static guint32
rd24 (const guint8 * p)
{
  return ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
}

/* Split a seed FLV into tags (bodies point into @data). */
static GArray *
seed_tags (const guint8 * data, gsize len)
{
  GArray *tags = g_array_new (FALSE, FALSE, sizeof (seed_tag));
  gsize pos;

  if (len < 13 || memcmp (data, "FLV", 3) != 0)
    die ("seed is not FLV");
  pos = 13;
  while (pos + 11 <= len) {
    seed_tag t;
    t.type = data[pos] & 0x1f;
    t.size = rd24 (data + pos + 1);
    t.ts = rd24 (data + pos + 4) | ((guint32) data[pos + 7] << 24);
    if (pos + 11 + t.size + 4 > len)
      break;
    t.body = data + pos + 11;
    g_array_append_val (tags, t);
    pos += 11 + t.size + 4;
  }
  return tags;
}

static gboolean
is_config (const seed_tag * t)
{
  if (t->type == 18)
    return TRUE;
  if (t->type == 9 && t->size >= 2 && (t->body[0] & 0x0f) == 7)
    return t->body[1] == 0 || t->body[1] == 2;  /* AVC sequence start/end */
  if (t->type == 8 && t->size >= 2 && (t->body[0] >> 4) == 10)
    return t->body[1] == 0;     /* AAC sequence header */
  return FALSE;
}

static void
put_tag (FILE * f, const seed_tag * t, guint32 ts)
{
  guint8 h[11] = { t->type, t->size >> 16, t->size >> 8, t->size,
    ts >> 16, ts >> 8, ts, ts >> 24, 0, 0, 0
  };
  guint32 prev = 11 + t->size;
  guint8 p[4] = { prev >> 24, prev >> 16, prev >> 8, prev };

  if (fwrite (h, 1, 11, f) != 11 || fwrite (t->body, 1, t->size, f) != t->size
      || fwrite (p, 1, 4, f) != 4)
    die ("write failed");
}

/* Repeat the seed's frames (configuration tags only once) with timestamps
 * shifted by one seed period per cycle until @max_bytes or @max_tags. */
static void
synthesize (const gchar * seed_path, const gchar * out_path,
    guint64 max_bytes, guint64 max_tags)
{
  gchar *seed;
  gsize len;
  GArray *tags;
  guint32 period = 0;
  guint64 bytes = 13, ntags = 0;
  gchar *tmp = g_strconcat (out_path, ".part", NULL);
  FILE *f;
  guint i, cycle;

  if (!g_file_get_contents (seed_path, &seed, &len, NULL))
    die ("cannot read the seed");
  tags = seed_tags ((const guint8 *) seed, len);
  for (i = 0; i < tags->len; i++)
    period = MAX (period, g_array_index (tags, seed_tag, i).ts);
  period += 34;
  f = fopen (tmp, "wb");
  if (!f)
    die ("cannot create an input file");
  if (fwrite (seed, 1, 13, f) != 13)
    die ("write failed");
  for (cycle = 0; bytes < max_bytes && ntags < max_tags; cycle++) {
    for (i = 0; i < tags->len && bytes < max_bytes && ntags < max_tags; i++) {
      const seed_tag *t = &g_array_index (tags, seed_tag, i);
      /* flvmux's end of sequence at EOS: not in the middle */
      if ((cycle > 0 && is_config (t)) || (t->type == 9 && t->size >= 2
              && (t->body[0] & 0x0f) == 7 && t->body[1] == 2))
        continue;
      put_tag (f, t, t->ts + cycle * period);
      bytes += 15 + t->size;
      ntags++;
    }
  }
  if (fclose (f) != 0 || g_rename (tmp, out_path) != 0)
    die ("cannot finish an input file");
  g_free (tmp);
  g_array_unref (tags);
  g_free (seed);
}

static void
make_seed (const gchar * desc, const gchar * path)
{
  gchar *tmp = g_strconcat (path, ".part", NULL);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err), *out;

  if (!pipe)
    die (err->message);
  out = gst_bin_get_by_name (GST_BIN (pipe), "out");
  g_object_set (out, "location", tmp, NULL);
  gst_object_unref (out);
  run_to_eos (pipe);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  if (g_rename (tmp, path) != 0)
    die ("cannot rename the seed");
  g_free (tmp);
}

/* Path of a cached input, generated when missing. */
static gchar *
input (const gchar * name, const gchar * seed_desc, guint64 max_bytes,
    guint64 max_tags)
{
  gchar *seed_name = g_strdup_printf ("seed-%s.flv",
      seed_desc == seed_big_desc ? "big" : "small");
  gchar *seed_path = g_build_filename (BENCH_DATA_DIR, seed_name, NULL);
  gchar *path = g_build_filename (BENCH_DATA_DIR, name, NULL);

  g_mkdir_with_parents (BENCH_DATA_DIR, 0755);
  if (!g_file_test (seed_path, G_FILE_TEST_EXISTS))
    make_seed (seed_desc, seed_path);
  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_printerr ("generating %s\n", path);
    synthesize (seed_path, path, max_bytes, max_tags);
  }
  g_free (seed_name);
  g_free (seed_path);
  return path;
}

/* Tags and bytes of an FLV file (for the tables). */
static void
count_tags (const gchar * path, guint64 * ntags, guint64 * nbytes)
{
  gchar *data;
  gsize len, pos = 13;

  if (!g_file_get_contents (path, &data, &len, NULL))
    die ("cannot read an input");
  *ntags = 0;
  while (pos + 11 <= len) {
    pos += 11 + rd24 ((const guint8 *) data + pos + 1) + 4;
    (*ntags)++;
  }
  *nbytes = len;
  g_free (data);
}

/* ---- measurement ------------------------------------------------------ */

typedef struct
{
  guint64 cpu, wall, out_buffers;
} run_result;

static guint64
rendered (GstElement * pipe, const gchar * name)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), name);
  GstStructure *st = NULL;
  guint64 n = 0;

  if (!sink)
    return 0;
  g_object_get (sink, "stats", &st, NULL);
  gst_structure_get_uint64 (st, "rendered", &n);
  gst_structure_free (st);
  gst_object_unref (sink);
  return n;
}

/* Time a pipeline from PLAYING to EOS; sinks are named s0, s1. */
static run_result
time_pipeline (GstElement * pipe)
{
  run_result r;
  guint64 c0 = cpu_ns (), w0 = wall_ns ();

  run_to_eos (pipe);
  r.cpu = cpu_ns () - c0;
  r.wall = wall_ns () - w0;
  r.out_buffers = rendered (pipe, "s0") + rendered (pipe, "s1");
  gst_element_set_state (pipe, GST_STATE_NULL);
  return r;
}

/* @desc: a gst-launch line with %s for the location, sinks s0 and s1 */
static run_result
run_demux (const gchar * desc, const gchar * path)
{
  gchar **parts = g_strsplit (desc, "%s", 2);
  gchar *s = g_strjoin (path, parts[0], parts[1], NULL);
  GstElement *pipe = gst_parse_launch (s, NULL);
  run_result r;

  if (!pipe)
    die ("cannot build a demux pipeline");
  r = time_pipeline (pipe);
  gst_object_unref (pipe);
  g_strfreev (parts);
  g_free (s);
  return r;
}

typedef struct
{
  GstCaps *caps;
  GPtrArray *buffers;
} stream;

static void
pull_all (GstElement * pipe, const gchar * name, stream * st)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), name);
  GstSample *s;

  st->buffers = g_ptr_array_new_with_free_func
      ((GDestroyNotify) gst_buffer_unref);
  while ((s = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 0))) {
    if (!st->caps)
      st->caps = gst_caps_ref (gst_sample_get_caps (s));
    g_ptr_array_add (st->buffers, gst_buffer_ref (gst_sample_get_buffer (s)));
    gst_sample_unref (s);
  }
  gst_object_unref (sink);
}

/* Elementary streams of @path, demuxed once by flvdemux. */
static void
load_streams (const gchar * path, stream * video, stream * audio)
{
  gchar *s = g_strdup_printf ("filesrc location=%s ! flvdemux name=d "
      "d.video ! appsink name=v sync=false async=false wait-on-eos=false "
      "d.audio ! appsink name=a sync=false async=false wait-on-eos=false", path);
  GstElement *pipe = gst_parse_launch (s, NULL);

  if (!pipe)
    die ("cannot build the loading pipeline");
  run_to_eos (pipe);
  memset (video, 0, sizeof (*video));
  memset (audio, 0, sizeof (*audio));
  pull_all (pipe, "v", video);
  /* flvdemux leaves alignment out; flvemux wants it (flvmux does not) */
  video->caps = gst_caps_make_writable (video->caps);
  gst_caps_set_simple (video->caps, "alignment", G_TYPE_STRING, "au", NULL);
  pull_all (pipe, "a", audio);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (s);
}

static GstElement *
add_src (GstElement * pipe, const stream * st)
{
  GstElement *src = gst_element_factory_make ("appsrc", NULL);

  g_object_set (src, "caps", st->caps, "format", GST_FORMAT_TIME,
      "max-bytes", (guint64) 0, NULL);
  gst_bin_add (GST_BIN (pipe), src);
  return src;
}

static GstElement *
add_sink (GstElement * pipe, const gchar * name)
{
  GstElement *sink = gst_element_factory_make ("fakesink", name);

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (pipe), sink);
  return sink;
}

static void
fill (GstElement * src, const stream * st)
{
  guint i;

  for (i = 0; i < st->buffers->len; i++)
    if (gst_app_src_push_buffer (GST_APP_SRC (src),
            gst_buffer_ref (g_ptr_array_index (st->buffers, i))) != GST_FLOW_OK)
      die ("appsrc refused a buffer");
  gst_app_src_end_of_stream (GST_APP_SRC (src));
}

/* @mux NULL: appsrc ! fakesink twice (the feeding cost) */
static run_result
run_mux (const gchar * mux, const stream * video, const stream * audio)
{
  GstElement *pipe = gst_pipeline_new (NULL);
  GstElement *vsrc = add_src (pipe, video), *asrc = add_src (pipe, audio);
  run_result r;

  if (mux) {
    GstElement *m = gst_element_factory_make (mux, NULL);
    if (!m)
      die ("no such muxer");
    if (g_object_class_find_property (G_OBJECT_GET_CLASS (m), "streamable"))
      g_object_set (m, "streamable", TRUE, NULL);
    gst_bin_add (GST_BIN (pipe), m);
    if (!gst_element_link_pads (vsrc, "src", m, "video")
        || !gst_element_link_pads (asrc, "src", m, "audio")
        || !gst_element_link (m, add_sink (pipe, "s0")))
      die ("cannot link the muxer");
  } else if (!gst_element_link (vsrc, add_sink (pipe, "s0"))
      || !gst_element_link (asrc, add_sink (pipe, "s1")))
    die ("cannot link the baseline");
  /* appsrc queues while READY; the data flows from PLAYING on */
  gst_element_set_state (pipe, GST_STATE_READY);
  fill (vsrc, video);
  fill (asrc, audio);
  r = time_pipeline (pipe);
  gst_object_unref (pipe);
  return r;
}

/* ---- report ------------------------------------------------------------ */

static int
cmp_u64 (const void *a, const void *b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;
  return x < y ? -1 : x > y;
}

static guint64
median (guint64 * v, guint n)
{
  qsort (v, n, sizeof (*v), cmp_u64);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct
{
  const gchar *label;
  const gchar *element;         /* NULL: baseline */
  guint64 cpu[MAX_REPS], wall[MAX_REPS];
  guint64 out_buffers;
} variant;

static void
report (const gchar * input_name, guint64 ntags, guint64 nbytes,
    variant * v, guint nv, guint reps, guint ref, const gchar * ref_name,
    guint ours)
{
  guint i;
  double ref_cpu = median (v[ref].cpu, reps) / 1e6;

  g_print ("\n%s: %" G_GUINT64_FORMAT " %s", input_name, ntags,
      nbytes ? "tags" : "buffers in");
  if (nbytes)
    g_print (", %.1f MB", nbytes / 1e6);
  g_print ("; median of %u\n\n", reps);
  g_print ("| pipeline | CPU ms | wall ms | ns/tag (CPU) | buffers out |"
      " CPU / %s |\n|---|---:|---:|---:|---:|---:|\n", ref_name);
  for (i = 0; i < nv; i++) {
    double cpu = median (v[i].cpu, reps) / 1e6;
    double wall = median (v[i].wall, reps) / 1e6;
    g_print ("| %s | %.0f | %.0f | %.0f | %" G_GUINT64_FORMAT " | %s%.2f%s |\n",
        v[i].label, cpu, wall, cpu * 1e6 / ntags, v[i].out_buffers,
        i == ours ? "**" : "", cpu / ref_cpu, i == ours ? "**" : "");
  }
}

static void
bench_demux (const gchar * name, const gchar * path, guint reps)
{
#define SINKS " d.video ! fakesink name=s0 sync=false async=false" \
    " d.audio ! fakesink name=s1 sync=false async=false"
  variant v[] = {
    {.label = "`filesrc ! fakesink` (reading only)",
        .element = "filesrc location=%s ! fakesink name=s0 sync=false"},
    {.label = "`filesrc ! flvdemux ! fakesink x2`",
        .element = "filesrc location=%s ! flvdemux name=d" SINKS},
    {.label = "`filesrc ! erdemux ! fakesink x2`",
        .element = "filesrc location=%s ! erdemux name=d" SINKS},
    {.label = "`filesrc blocksize=1048576 ! fakesink` (reading only)",
        .element = "filesrc location=%s blocksize=1048576 "
          "! fakesink name=s0 sync=false"},
    {.label = "`filesrc blocksize=1048576 ! erdemux ! fakesink x2`",
        .element = "filesrc location=%s blocksize=1048576 ! erdemux name=d"
          SINKS},
  };
#undef SINKS
  guint64 ntags, nbytes;
  guint r, i;

  count_tags (path, &ntags, &nbytes);
  for (r = 0; r < reps; r++)
    for (i = 0; i < G_N_ELEMENTS (v); i++) {
      run_result x = run_demux (v[i].element, path);
      v[i].cpu[r] = x.cpu;
      v[i].wall[r] = x.wall;
      v[i].out_buffers = x.out_buffers;
    }
  report (name, ntags, nbytes, v, G_N_ELEMENTS (v), reps, 1, "flvdemux", 2);
}

static void
bench_mux (const gchar * name, const gchar * path, guint reps)
{
  variant v[] = {
    {.label = "`appsrc x2 ! fakesink x2` (feeding only)"},
    {.label = "`appsrc x2 ! flvmux streamable=true ! fakesink`",
        .element = "flvmux"},
    {.label = "`appsrc x2 ! flvemux ! fakesink`", .element = "flvemux"},
  };
  stream video, audio;
  guint r, i;

  load_streams (path, &video, &audio);
  for (r = 0; r < reps; r++)
    for (i = 0; i < G_N_ELEMENTS (v); i++) {
      run_result x = run_mux (v[i].element, &video, &audio);
      v[i].cpu[r] = x.cpu;
      v[i].wall[r] = x.wall;
      v[i].out_buffers = x.out_buffers;
    }
  report (name, video.buffers->len + audio.buffers->len, 0, v,
      G_N_ELEMENTS (v), reps, 1, "flvmux", 2);
  g_ptr_array_unref (video.buffers);
  g_ptr_array_unref (audio.buffers);
  gst_caps_unref (video.caps);
  gst_caps_unref (audio.caps);
}

int
main (int argc, char **argv)
{
  gint reps = 5, big_mb = 320, small_tags = 600000;
  gchar *only = NULL;
  GOptionEntry entries[] = {
    {"reps", 0, 0, G_OPTION_ARG_INT, &reps, "repetitions (median)", "N"},
    {"big-mb", 0, 0, G_OPTION_ARG_INT, &big_mb, "size of the big input", "MB"},
    {"small-tags", 0, 0, G_OPTION_ARG_INT, &small_tags,
        "tags in the small-tag input", "N"},
    {"only", 0, 0, G_OPTION_ARG_STRING, &only, "demux or mux", "WHAT"},
    G_OPTION_ENTRY_NULL
  };
  GOptionContext *ctx = g_option_context_new ("- FLV element benchmark");
  gchar *big, *small, *big_name, *small_name;

  g_setenv ("GST_PLUGIN_PATH", BENCH_PLUGIN_DIR, FALSE);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, NULL) || reps < 1
      || reps > MAX_REPS)
    die ("bad arguments");
  g_option_context_free (ctx);
  if (!gst_registry_check_feature_version (gst_registry_get (), "erdemux",
          0, 0, 0) || !gst_registry_check_feature_version (gst_registry_get (),
          "flvemux", 0, 0, 0))
    die ("erdemux/flvemux not found: build the plugin (GST_PLUGIN_PATH)");

  big_name = g_strdup_printf ("big-%dMB.flv", big_mb);
  small_name = g_strdup_printf ("small-%dtags.flv", small_tags);
  big = input (big_name, seed_big_desc, (guint64) big_mb * 1000000,
      G_MAXUINT64);
  small = input (small_name, seed_small_desc, G_MAXUINT64, small_tags);

  if (!only || strcmp (only, "demux") == 0) {
    bench_demux ("demux, big file", big, reps);
    bench_demux ("demux, small tags", small, reps);
  }
  if (!only || strcmp (only, "mux") == 0) {
    bench_mux ("mux, big file", big, reps);
    bench_mux ("mux, small tags", small, reps);
  }
  g_free (big);
  g_free (small);
  g_free (big_name);
  g_free (small_name);
  return 0;
}
