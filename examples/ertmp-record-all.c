/* ertmp-record-all: record every RTMP publisher to its own FLV file
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Copyright (C) the gst-ertmp authors
 *
 * This library is free software; you can redistribute it and/or modify it
 * under the terms of the GNU Lesser General Public License as published by
 * the Free Software Foundation; either version 2.1 of the License, or (at
 * your option) any later version.  It is distributed WITHOUT ANY WARRANTY;
 * see the GNU Lesser General Public License for more details.
 *
 *   ertmp-record-all --port 1935 --dir /srv/rec [--app live]
 *       [--host 0.0.0.0] [--allow-prefix cam-] [--proxy-protocol]
 *
 * Every publisher of rtmp://HOST:PORT/APP/<any key> gets its own pipeline
 *
 *   rtmpingestsrc port=PORT application=APP stream-key=KEY
 *       ! filesink location=DIR/APP-<n>.flv
 *
 * built when it arrives, and torn down when it stops publishing.  The keys
 * are not known in advance: the process-wide RTMP server asks us about
 * each one with its "publisher-unknown" signal, holds the publisher (and
 * its first frames) while we build the pipeline, and hands it over to the
 * rtmpingestsrc that names its key.  Nothing is lost at the start.
 *
 * Stream keys are secrets: they never appear in a file name or on the
 * console.  Files are numbered; the console shows the key redacted, as the
 * element reports it.
 *
 * Output on stdout, one line per event, the event's name first:
 *   listening on HOST:PORT                  (always the first line)
 *   publisher-start N key=ab*** peer=IP:PORT file=FILE
 *   publisher-end N REASON
 *   refused IP:PORT REASON
 *   draining N                              (publishers asked to move)
 *   stats rtmp-server-stats, ...            (the server's, at exit)
 *
 * Signals: SIGINT and SIGTERM stop everything (files are complete: every
 * buffer rtmpingestsrc pushes is a whole FLV tag).  SIGUSR1 drains the
 * node: the listening socket closes and every publisher is sent the
 * E-RTMP Reconnect Request for the same URL, so that those that follow it
 * (rtmppushsink) move to another node behind the same load balancer.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

typedef struct
{
  /* settings, read-only once the server runs (the server's I/O thread
   * reads app and allow_prefix) */
  gchar *host;
  gint port;                    /* 0: any free port */
  gchar *dir;
  gchar *app;
  gchar *allow_prefix;          /* NULL: accept every key */
  gboolean proxy_protocol;

  GMainLoop *loop;
  GMainContext *context;        /* the main thread's */
  GstElement *listener;         /* one rtmpingestsrc held in READY */
  GObject *server;              /* its GstErtmpServer */
  gint bound_port;
  /* the rest is touched from the main thread only */
  GHashTable *recorders;        /* stream key -> Recorder */
  guint next_id;
  gboolean stopping;
} App;

/* One publisher's pipeline */
typedef struct
{
  App *app;
  guint id;
  gchar *key;                   /* secret: never printed */
  gchar *path;
  GstElement *pipeline;
  GstBus *bus;                  /* its watch runs on the main thread */
} Recorder;

/* A publisher the server holds for us, on its way to the main thread */
typedef struct
{
  App *app;
  gchar *key;
} Claim;

static void say (const gchar * format, ...) G_GNUC_PRINTF (1, 2);

/* Every line goes out at once: a supervisor (or a test) reads them live */
static void
say (const gchar * format, ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

/* ---- one recorder per publisher ----------------------------------------- */

static void
recorder_free (Recorder * rec)
{
  gst_bus_remove_watch (rec->bus);
  gst_object_unref (rec->bus);
  gst_element_set_state (rec->pipeline, GST_STATE_NULL);
  gst_object_unref (rec->pipeline);
  g_free (rec->key);
  g_free (rec->path);
  g_free (rec);
}

/* Ends a recorder: the hash table frees it */
static void
recorder_end (Recorder * rec, const gchar * why)
{
  say ("publisher-end %u %s", rec->id, why);
  g_hash_table_remove (rec->app->recorders, rec->key);
}

/* "refused IP:PORT REASON" for an rtmp-ingest-refused message */
static void
print_refused (const GstStructure * s)
{
  say ("refused %s %s", gst_structure_get_string (s, "peer-address"),
      gst_structure_get_string (s, "reason"));
}

static void
on_element_message (Recorder * rec, GstMessage * msg)
{
  const GstStructure *s = gst_message_get_structure (msg);

  /* the element redacts the key in its messages */
  if (gst_structure_has_name (s, "rtmp-ingest-publish-start"))
    say ("publisher-start %u key=%s peer=%s file=%s", rec->id,
        gst_structure_get_string (s, "key"),
        gst_structure_get_string (s, "peer-address"), rec->path);
  else if (gst_structure_has_name (s, "rtmp-ingest-refused"))
    print_refused (s);
}

/* Runs on the main thread: the pipeline can be stopped from here */
static gboolean
on_recorder_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  Recorder *rec = data;
  GError *err = NULL;
  gchar *why;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ELEMENT:
      on_element_message (rec, msg);
      return G_SOURCE_CONTINUE;
    case GST_MESSAGE_EOS:
      recorder_end (rec, "eos");
      return G_SOURCE_REMOVE;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, NULL);
      why = g_strdup_printf ("error %s", err->message);
      recorder_end (rec, why);
      g_free (why);
      g_error_free (err);
      return G_SOURCE_REMOVE;
    default:
      return G_SOURCE_CONTINUE;
  }
}

/* DIR/APP-N.flv that does not exist yet (never overwrite a recording) */
static gchar *
recorder_path (App * app, guint * id)
{
  gchar *safe_app = g_strcanon (g_strdup (app->app),
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", '_');
  gchar *path = NULL;

  do {
    gchar *name;

    g_free (path);
    *id = ++app->next_id;
    name = g_strdup_printf ("%s-%u.flv", safe_app, *id);
    path = g_build_filename (app->dir, name, NULL);
    g_free (name);
  } while (g_file_test (path, G_FILE_TEST_EXISTS));
  g_free (safe_app);
  return path;
}

/* rtmpingestsrc (joining the listener's server) ! filesink */
static GstElement *
recorder_pipeline (App * app, const gchar * key, const gchar * path)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("rtmpingestsrc", NULL);
  GstElement *sink = gst_element_factory_make ("filesink", NULL);

  /* the same host and port as the listener: the same server.  The key is
   * set as a property, never pasted into a pipeline description. */
  g_object_set (src, "host", app->host, "port", app->bound_port,
      "application", app->app, "stream-key", key,
      "proxy-protocol", app->proxy_protocol,
      /* one publisher, one file: its end is the end of the stream, also
       * when it vanishes instead of stopping */
      "keep-listening", FALSE, "drop-is-eos", TRUE, NULL);
  g_object_set (sink, "location", path, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, sink, NULL);
  gst_element_link (src, sink);
  return pipeline;
}

/* Main thread: builds and starts the recorder of a held publisher */
static gboolean
start_recorder (gpointer data)
{
  Claim *claim = data;
  App *app = claim->app;
  Recorder *rec;

  /* already recording that key (a second connection with it is the
   * server's business: takeover), or shutting down */
  if (app->stopping || g_hash_table_contains (app->recorders, claim->key))
    return G_SOURCE_REMOVE;
  rec = g_new0 (Recorder, 1);
  rec->app = app;
  rec->key = g_strdup (claim->key);
  rec->path = recorder_path (app, &rec->id);
  rec->pipeline = recorder_pipeline (app, rec->key, rec->path);
  g_hash_table_insert (app->recorders, rec->key, rec);
  rec->bus = gst_element_get_bus (rec->pipeline);
  gst_bus_add_watch (rec->bus, on_recorder_message, rec);
  if (gst_element_set_state (rec->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    recorder_end (rec, "error cannot start its pipeline");
  return G_SOURCE_REMOVE;
}

static void
claim_free (gpointer data)
{
  Claim *claim = data;

  g_free (claim->key);
  g_free (claim);
}

/* ---- the server ---------------------------------------------------------- */

/* Emitted from the server's I/O thread for a publish that no rtmpingestsrc
 * has asked for.  It must not block: decide, hand the work to the main
 * thread, return.  TRUE holds the publisher (with its media) until an
 * rtmpingestsrc for @key starts within the server's claim-timeout. */
static gboolean
on_publisher_unknown (GObject * server, const gchar * app_name,
    const gchar * key, const gchar * address, gpointer data)
{
  App *app = data;
  Claim *claim;

  if (g_strcmp0 (app_name, app->app) != 0)
    return FALSE;
  /* your own check goes here (a database lookup belongs on another
   * thread: return TRUE and drop the claim if it says no) */
  if (app->allow_prefix != NULL && !g_str_has_prefix (key, app->allow_prefix))
    return FALSE;
  claim = g_new0 (Claim, 1);
  claim->app = app;
  claim->key = g_strdup (key);
  g_main_context_invoke_full (app->context, G_PRIORITY_DEFAULT,
      start_recorder, claim, claim_free);
  return TRUE;
}

static gboolean
on_listener_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  const GstStructure *s = gst_message_get_structure (msg);
  GError *err = NULL;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT &&
      gst_structure_has_name (s, "rtmp-ingest-refused")) {
    print_refused (s);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    g_printerr ("server error: %s\n", err->message);
    g_error_free (err);
  }
  return G_SOURCE_CONTINUE;
}

/* One rtmpingestsrc in READY: its listening socket is the server's, and it
 * stays open as long as the element does, whoever else comes and goes. */
static gboolean
start_listener (App * app)
{
  GstElement *src = gst_element_factory_make ("rtmpingestsrc", NULL);
  gchar *placeholder = g_uuid_string_random ();
  GstBus *bus;

  if (src == NULL) {
    g_printerr ("no rtmpingestsrc: is the gst-ertmp plugin installed?\n");
    return FALSE;
  }
  app->listener = gst_pipeline_new ("listener");
  gst_bin_add (GST_BIN (app->listener), src);
  /* it never starts, so it never takes a publisher; a random key keeps it
   * that way whatever routing the server does */
  g_object_set (src, "host", app->host, "port", app->port,
      "application", app->app, "stream-key", placeholder,
      "proxy-protocol", app->proxy_protocol, NULL);
  g_free (placeholder);
  bus = gst_element_get_bus (app->listener);
  gst_bus_add_watch (bus, on_listener_message, app);
  if (gst_element_set_state (app->listener, GST_STATE_READY) ==
      GST_STATE_CHANGE_FAILURE) {
    /* the element posted why (address in use, ...) */
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    GError *err = NULL;

    if (msg != NULL)
      gst_message_parse_error (msg, &err, NULL);
    g_printerr ("cannot listen on %s:%d: %s\n", app->host, app->port,
        err != NULL ? err->message : "unknown error");
    g_clear_error (&err);
    gst_clear_message (&msg);
    gst_object_unref (bus);
    return FALSE;
  }
  gst_object_unref (bus);
  g_object_get (src, "bound-port", &app->bound_port, "server", &app->server,
      NULL);
  if (app->server == NULL) {
    g_printerr ("rtmpingestsrc has no server: gst-ertmp is too old\n");
    return FALSE;
  }
  g_signal_connect (app->server, "publisher-unknown",
      G_CALLBACK (on_publisher_unknown), app);
  say ("listening on %s:%d", app->host, app->bound_port);
  return TRUE;
}

/* ---- signals ------------------------------------------------------------- */

static gboolean
on_drain (gpointer data)
{
  App *app = data;
  guint told = 0;

  /* NULL: "reconnect to the URL you used", i.e. the load balancer, which
   * now sends new connections to another node */
  g_signal_emit_by_name (app->server, "drain", NULL,
      "this node is going down for maintenance", &told);
  say ("draining %u", told);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_stop (gpointer data)
{
  App *app = data;
  GstStructure *stats = NULL;
  GHashTableIter iter;
  Recorder *rec;
  gchar *text;

  if (app->stopping)
    return G_SOURCE_REMOVE;
  app->stopping = TRUE;
  g_hash_table_iter_init (&iter, app->recorders);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & rec))
    say ("publisher-end %u stopped", rec->id);
  /* the hash table stops and frees each recorder */
  g_hash_table_remove_all (app->recorders);
  g_object_get (app->server, "stats", &stats, NULL);
  text = stats ? gst_structure_to_string (stats) : g_strdup ("none");
  say ("stats %s", text);
  g_free (text);
  if (stats != NULL)
    gst_structure_free (stats);
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

/* ---- main ---------------------------------------------------------------- */

static gboolean
parse_args (App * app, int *argc, char ***argv)
{
  const GOptionEntry entries[] = {
    {"host", 0, 0, G_OPTION_ARG_STRING, &app->host,
        "Address to listen on (default 0.0.0.0)", "HOST"},
    {"port", 0, 0, G_OPTION_ARG_INT, &app->port,
        "Port to listen on, 0 for any (default 1935)", "PORT"},
    {"dir", 0, 0, G_OPTION_ARG_FILENAME, &app->dir,
        "Directory for the recordings (required)", "DIR"},
    {"app", 0, 0, G_OPTION_ARG_STRING, &app->app,
        "RTMP application (default live)", "APP"},
    {"allow-prefix", 0, 0, G_OPTION_ARG_STRING, &app->allow_prefix,
        "Only accept stream keys starting with this", "PREFIX"},
    {"proxy-protocol", 0, 0, G_OPTION_ARG_NONE, &app->proxy_protocol,
        "Expect a PROXY protocol header (behind HAProxy) on every "
          "connection", NULL},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- record every RTMP publisher");
  GError *err = NULL;
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  ok = g_option_context_parse (ctx, argc, argv, &err);
  g_option_context_free (ctx);
  if (!ok) {
    g_printerr ("%s\n", err->message);
    g_error_free (err);
    return FALSE;
  }
  if (app->dir == NULL || app->port < 0 || app->port > 65535) {
    g_printerr ("usage: ertmp-record-all --dir DIR [--port PORT] "
        "[--app APP] (see --help)\n");
    return FALSE;
  }
  if (app->host == NULL)
    app->host = g_strdup ("0.0.0.0");
  if (app->app == NULL)
    app->app = g_strdup ("live");
  return TRUE;
}

static void
app_clear (App * app)
{
  g_clear_pointer (&app->recorders, g_hash_table_unref);
  if (app->listener != NULL) {
    gst_element_set_state (app->listener, GST_STATE_NULL);
    gst_object_unref (app->listener);
  }
  g_clear_object (&app->server);
  g_clear_pointer (&app->loop, g_main_loop_unref);
  g_free (app->host);
  g_free (app->dir);
  g_free (app->app);
  g_free (app->allow_prefix);
}

int
main (int argc, char **argv)
{
  App app = {.port = 1935 };
  int status = 1;

  if (!parse_args (&app, &argc, &argv))
    goto out;
  if (g_mkdir_with_parents (app.dir, 0755) != 0) {
    g_printerr ("%s: %s\n", app.dir, g_strerror (errno));
    goto out;
  }
  app.context = g_main_context_default ();
  app.loop = g_main_loop_new (app.context, FALSE);
  app.recorders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) recorder_free);
  if (!start_listener (&app))
    goto out;
  g_unix_signal_add (SIGINT, on_stop, &app);
  g_unix_signal_add (SIGTERM, on_stop, &app);
  g_unix_signal_add (SIGUSR1, on_drain, &app);
  g_main_loop_run (app.loop);
  status = 0;
out:
  app_clear (&app);
  return status;
}
