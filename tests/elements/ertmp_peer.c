/* gst-ertmp: real peers for element tests (servers, publishers, players)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ertmp_peer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

/* Poll step while waiting for a port or a process */
#define POLL_MS 20
/* Time a peer gets to exit on SIGTERM before SIGKILL */
#define STOP_GRACE_MS 5000
#define NGINX_START_MS 10000

struct _ErtmpPeer
{
  GPid pid;
  gchar *log_path;
  GMainContext *ctx;            /* the child watch runs here */
  GSource *watch;
  gboolean exited;
  gint status;                  /* wait status once exited */
};

/* peers not yet stopped, for ertmp_peer_stop_all () */
static GList *live_peers;
/* made in the test runner, inherited by forked tests */
static gchar *scratch_root;

/* ---- scratch files ------------------------------------------------------ */

gchar *
ertmp_peer_tmpdir (void)
{
  gchar *tmpl, *dir;

  if (scratch_root == NULL)
    return g_dir_make_tmp ("ertmp-peer-XXXXXX", NULL);
  tmpl = g_build_filename (scratch_root, "XXXXXX", NULL);
  dir = g_mkdtemp (tmpl);
  if (dir == NULL)
    g_free (tmpl);
  return dir;
}

void
ertmp_peer_rmdir (const gchar * dir)
{
  GDir *d;
  const gchar *name;

  if (dir == NULL || (d = g_dir_open (dir, 0, NULL)) == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL) {
    gchar *path = g_build_filename (dir, name, NULL);

    if (g_file_test (path, G_FILE_TEST_IS_DIR) &&
        !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
      ertmp_peer_rmdir (path);
    else
      g_unlink (path);
    g_free (path);
  }
  g_dir_close (d);
  g_rmdir (dir);
}

gboolean
ertmp_peer_have (const gchar * test, const gchar * program)
{
  gchar *path = g_find_program_in_path (program);
  gboolean found = path != NULL;

  if (!found)
    g_print ("SKIP %s: %s not found in PATH\n", test, program);
  g_free (path);
  return found;
}

/* ---- TCP on 127.0.0.1 --------------------------------------------------- */

static GSocketAddress *
loopback (guint16 port)
{
  GInetAddress *ia = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *sa = g_inet_socket_address_new (ia, port);

  g_object_unref (ia);
  return sa;
}

guint16
ertmp_peer_free_port (void)
{
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  GSocketAddress *sa = loopback (0), *bound = NULL;
  guint16 port = 0;

  if (s != NULL && g_socket_bind (s, sa, FALSE, NULL) &&
      (bound = g_socket_get_local_address (s, NULL)) != NULL)
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_clear_object (&bound);
  g_object_unref (sa);
  if (s != NULL) {
    g_socket_close (s, NULL);
    g_object_unref (s);
  }
  return port;
}

static gboolean
port_accepts (GSocketClient * client, guint16 port)
{
  GSocketAddress *sa = loopback (port);
  GSocketConnection *conn =
      g_socket_client_connect (client, G_SOCKET_CONNECTABLE (sa), NULL, NULL);

  g_object_unref (sa);
  if (conn == NULL)
    return FALSE;
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_object_unref (conn);
  return TRUE;
}

static gboolean
on_tick (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs @ctx (the peer's, or a private one) for up to @ms: returns early
 * when a dispatched source (such as the child watch) ends the wait. */
static void
iterate_for (GMainContext * ctx, guint ms, const gboolean * stop)
{
  GSource *timer = g_timeout_source_new (ms);
  gboolean fired = FALSE;

  g_source_set_callback (timer, on_tick, &fired, NULL);
  g_source_attach (timer, ctx);
  while (!fired && !(stop && *stop))
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
}

gboolean
ertmp_peer_wait_port (guint16 port, ErtmpPeer * peer, guint timeout_ms)
{
  GSocketClient *client = g_socket_client_new ();
  GMainContext *ctx = peer ? peer->ctx : g_main_context_new ();
  gint64 deadline = g_get_monotonic_time () +
      timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean up = FALSE;

  g_socket_client_set_timeout (client, 1 + timeout_ms / 1000);
  while (!(up = port_accepts (client, port))) {
    if ((peer && peer->exited) || g_get_monotonic_time () >= deadline)
      break;
    iterate_for (ctx, POLL_MS, peer ? &peer->exited : NULL);
  }
  if (peer == NULL)
    g_main_context_unref (ctx);
  g_object_unref (client);
  return up;
}

/* ---- processes ---------------------------------------------------------- */

static void
child_setup (gpointer data)
{
  /* die with the test: libcheck _exit()s a failed test in fork mode */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
on_child_exit (GPid pid, gint status, gpointer data)
{
  ErtmpPeer *peer = data;

  peer->exited = TRUE;
  peer->status = status;
}

static gchar *
new_log_path (const gchar * dir, const gchar * program)
{
  static gint counter;
  gchar *base = g_path_get_basename (program);
  gchar *name = g_strdup_printf ("%s-%d.log", base,
      g_atomic_int_add (&counter, 1));
  gchar *path = g_build_filename (dir, name, NULL);

  g_free (base);
  g_free (name);
  return path;
}

ErtmpPeer *
ertmp_peer_spawn (const gchar * const *argv, const gchar * dir, GError ** err)
{
  ErtmpPeer *peer;
  gchar *log_path;
  gint fd;
  GPid pid;
  gboolean ok;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);
  g_return_val_if_fail (dir != NULL, NULL);

  log_path = new_log_path (dir, argv[0]);
  fd = g_open (log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    g_set_error (err, G_FILE_ERROR, g_file_error_from_errno (errno),
        "%s: cannot create", log_path);
    g_free (log_path);
    return NULL;
  }
  ok = g_spawn_async_with_fds (dir, (gchar **) argv, NULL,
      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL,
      &pid, -1, fd, fd, err);
  close (fd);
  if (!ok) {
    g_free (log_path);
    return NULL;
  }
  peer = g_new0 (ErtmpPeer, 1);
  peer->pid = pid;
  peer->log_path = log_path;
  peer->ctx = g_main_context_new ();
  peer->watch = g_child_watch_source_new (pid);
  g_source_set_callback (peer->watch, (GSourceFunc) (GCallback) on_child_exit,
      peer, NULL);
  g_source_attach (peer->watch, peer->ctx);
  live_peers = g_list_prepend (live_peers, peer);
  return peer;
}

gboolean
ertmp_peer_wait (ErtmpPeer * peer, guint timeout_ms)
{
  g_return_val_if_fail (peer != NULL, FALSE);

  if (!peer->exited)
    iterate_for (peer->ctx, timeout_ms, &peer->exited);
  return peer->exited;
}

gboolean
ertmp_peer_exited (ErtmpPeer * peer)
{
  g_return_val_if_fail (peer != NULL, FALSE);

  while (g_main_context_iteration (peer->ctx, FALSE));
  return peer->exited;
}

gboolean
ertmp_peer_succeeded (ErtmpPeer * peer)
{
  g_return_val_if_fail (peer != NULL, FALSE);

  return peer->exited && g_spawn_check_wait_status (peer->status, NULL);
}

GPid
ertmp_peer_pid (ErtmpPeer * peer)
{
  return peer->pid;
}

gchar *
ertmp_peer_log (ErtmpPeer * peer)
{
  gchar *text = NULL;

  if (!g_file_get_contents (peer->log_path, &text, NULL, NULL))
    text = g_strdup ("");
  return text;
}

gboolean
ertmp_peer_stop (ErtmpPeer * peer)
{
  gboolean gentle = TRUE;

  if (peer == NULL)
    return TRUE;
  if (!ertmp_peer_exited (peer)) {
    kill (peer->pid, SIGTERM);
    if (!ertmp_peer_wait (peer, STOP_GRACE_MS)) {
      gentle = FALSE;
      kill (peer->pid, SIGKILL);
      ertmp_peer_wait (peer, G_MAXUINT);
    }
  }
  live_peers = g_list_remove (live_peers, peer);
  g_source_destroy (peer->watch);
  g_source_unref (peer->watch);
  g_spawn_close_pid (peer->pid);
  g_main_context_unref (peer->ctx);
  g_free (peer->log_path);
  g_free (peer);
  return gentle;
}

void
ertmp_peer_stop_all (void)
{
  while (live_peers != NULL)
    ertmp_peer_stop (live_peers->data);
}

void
ertmp_peer_scratch_setup (void)
{
  g_assert (scratch_root == NULL);
  scratch_root = g_dir_make_tmp ("ertmp-peer-XXXXXX", NULL);
}

void
ertmp_peer_scratch_teardown (void)
{
  ertmp_peer_stop_all ();
  ertmp_peer_rmdir (scratch_root);
  g_clear_pointer (&scratch_root, g_free);
}

/* ---- known servers ------------------------------------------------------ */

static gboolean
write_nginx_conf (const gchar * dir, guint16 port, const gchar * conf,
    GError ** err)
{
  gchar *text = g_strdup_printf ("load_module "
      "/usr/lib/nginx/modules/ngx_rtmp_module.so;\n"
      "daemon off;\nmaster_process off;\n"
      "pid %s/nginx.pid;\nerror_log %s/error.log info;\n"
      "events { worker_connections 128; }\n"
      "rtmp { server { listen 127.0.0.1:%u; chunk_size 4096; "
      "max_message 16M;\n"
      "  application live { live on; record off; wait_key off; } } }\n",
      dir, dir, port);
  gboolean ok = g_file_set_contents (conf, text, -1, err);

  g_free (text);
  return ok;
}

ErtmpPeer *
ertmp_peer_start_nginx (const gchar * dir, guint16 port, GError ** err)
{
  gchar *conf = g_build_filename (dir, "nginx.conf", NULL);
  gchar *elog = g_build_filename (dir, "error.log", NULL);
  gchar *prefix = g_strconcat (dir, "/", NULL);
  const gchar *argv[] = { "nginx", "-c", conf, "-p", prefix, "-e", elog,
    NULL
  };
  ErtmpPeer *peer = NULL;

  if (write_nginx_conf (dir, port, conf, err))
    peer = ertmp_peer_spawn (argv, dir, err);
  if (peer != NULL && !ertmp_peer_wait_port (port, peer, NGINX_START_MS)) {
    gchar *log = ertmp_peer_log (peer), *elog_text = NULL;

    g_file_get_contents (elog, &elog_text, NULL, NULL);
    g_set_error (err, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
        "nginx did not listen on 127.0.0.1:%u: %s %s", port, log,
        elog_text ? elog_text : "");
    g_free (log);
    g_free (elog_text);
    ertmp_peer_stop (peer);
    peer = NULL;
  }
  g_free (conf);
  g_free (elog);
  g_free (prefix);
  return peer;
}

/* ---- in-process pipelines ----------------------------------------------- */

gchar *
ertmp_peer_describe_message (GstMessage * msg)
{
  GError *gerr = NULL;
  gchar *dbg = NULL, *text;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &gerr, &dbg);
  else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING)
    gst_message_parse_warning (msg, &gerr, &dbg);
  else if (gst_message_get_structure (msg) != NULL)
    return gst_structure_to_string (gst_message_get_structure (msg));
  else
    return g_strdup_printf ("%s from %s", GST_MESSAGE_TYPE_NAME (msg),
        GST_MESSAGE_SRC_NAME (msg));
  text = g_strdup_printf ("%s: %s (%s)", GST_MESSAGE_SRC_NAME (msg),
      gerr->message, dbg ? dbg : "");
  g_error_free (gerr);
  g_free (dbg);
  return text;
}

gboolean
ertmp_peer_run_pipeline (GstElement * pipeline, GstClockTime timeout,
    gchar ** error)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gchar *why = NULL;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (msg == NULL)
      why = g_strdup_printf ("%s: cannot go to PLAYING",
          GST_ELEMENT_NAME (pipeline));
  } else {
    msg = gst_bus_timed_pop_filtered (bus, timeout,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (msg == NULL)
      why = g_strdup_printf ("%s: no EOS within %" GST_TIME_FORMAT,
          GST_ELEMENT_NAME (pipeline), GST_TIME_ARGS (timeout));
  }
  if (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    why = ertmp_peer_describe_message (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (msg != NULL)
    gst_message_unref (msg);
  gst_object_unref (bus);
  if (error != NULL)
    *error = why;
  else
    g_free (why);
  return why == NULL;
}
