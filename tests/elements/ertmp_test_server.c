/* gst-ertmp: a small RTMP ingest server for element tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ertmp_test_server.h"
#include "gstertmpconn.h"

#include <gst/gst.h>

struct _ErtmpTestServer
{
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  GSocketService *service;
  guint16 port;
  ertmp_session_auth auth;
  gboolean has_auth;
  gchar *secure_token;
  GList *conns;                 /* GstErtmpConn * */

  GMutex lock;
  GCond cond;
  gchar *app, *tc_url, *stream;
  GString *refusals;
  guint connections, media;
  guint32 chunk_size_in;
};

static void
on_event (GstErtmpConn * conn, const ertmp_session_event * ev, gpointer data)
{
  ErtmpTestServer *s = data;
  ertmp_session *session = gst_ertmp_conn_get_session (conn);
  ertmp_session_stats st;
  const guint8 *body;
  gsize len;

  g_mutex_lock (&s->lock);
  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      g_free (s->app);
      g_free (s->tc_url);
      s->app = g_strdup (ev->connected.app);
      s->tc_url = g_strdup (ev->connected.tc_url);
      break;
    case ERTMP_SESSION_EVENT_ERROR:
      g_string_append_printf (s->refusals, "%s\n", ev->status.description);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_REQUEST:
      g_free (s->stream);
      s->stream = g_strdup (ev->publish.name);
      s->media = 0;
      ertmp_session_accept_publish (session, ev->msid);
      gst_ertmp_conn_flush (conn);
      break;
    case ERTMP_SESSION_EVENT_MEDIA:
      body = g_bytes_get_data (ev->media.payload, &len);
      /* frames: H.264 NAL units, not its sequence start or end */
      if (ev->media.type_id == ERTMP_MSG_VIDEO && len > 1
          && (body[0] & 0x0f) == 7 && body[1] == 1)
        s->media++;
      ertmp_session_get_stats (session, &st);
      s->chunk_size_in = st.chunk_size_in;
      break;
    default:
      break;
  }
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
}

static void
on_closed (GstErtmpConn * conn, GstErtmpConnClosed reason,
    const GError * error, gpointer data)
{
  ErtmpTestServer *s = data;

  g_mutex_lock (&s->lock);
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
}

static const GstErtmpConnFuncs funcs = { on_event, on_closed, NULL };

static gboolean
on_incoming (GSocketService * service, GSocketConnection * connection,
    GObject * source, gpointer data)
{
  ErtmpTestServer *s = data;
  ertmp_session_config cfg;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.handshake_seed = g_random_int ();
  cfg.auth = s->has_auth ? &s->auth : NULL;
  cfg.secure_token = s->secure_token;
  s->conns = g_list_prepend (s->conns,
      gst_ertmp_conn_new (G_IO_STREAM (connection), ertmp_session_new (&cfg),
          s->context, &funcs, s));
  g_mutex_lock (&s->lock);
  s->connections++;
  g_mutex_unlock (&s->lock);
  return TRUE;
}

static gpointer
run (gpointer data)
{
  ErtmpTestServer *s = data;

  g_main_context_push_thread_default (s->context);
  g_main_loop_run (s->loop);
  g_main_context_pop_thread_default (s->context);
  return NULL;
}

static gboolean
start_service (gpointer data)
{
  ErtmpTestServer *s = data;
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0), *bound = NULL;

  s->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (s->service), addr,
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound, NULL);
  g_signal_connect (s->service, "incoming", G_CALLBACK (on_incoming), s);
  g_mutex_lock (&s->lock);
  s->port = bound ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS
      (bound)) : 1;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
  g_clear_object (&bound);
  g_object_unref (addr);
  g_object_unref (lo);
  return G_SOURCE_REMOVE;
}

ErtmpTestServer *
ertmp_test_server_new (const ertmp_session_auth * auth,
    const gchar * secure_token)
{
  ErtmpTestServer *s = g_new0 (ErtmpTestServer, 1);

  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->refusals = g_string_new (NULL);
  if (auth) {
    s->has_auth = TRUE;
    s->auth.user = g_strdup (auth->user);
    s->auth.password = g_strdup (auth->password);
    s->auth.salt = g_strdup (auth->salt);
    s->auth.challenge = g_strdup (auth->challenge);
    s->auth.opaque = g_strdup (auth->opaque);
    s->auth.llnw = auth->llnw;
  }
  s->secure_token = g_strdup (secure_token);
  s->context = g_main_context_new ();
  s->loop = g_main_loop_new (s->context, FALSE);
  s->thread = g_thread_new ("test-server", run, s);
  g_main_context_invoke (s->context, start_service, s);
  g_mutex_lock (&s->lock);
  while (s->port == 0)
    g_cond_wait (&s->cond, &s->lock);
  g_mutex_unlock (&s->lock);
  return s;
}

static gboolean
stop_service (gpointer data)
{
  ErtmpTestServer *s = data;

  g_socket_service_stop (s->service);
  g_socket_listener_close (G_SOCKET_LISTENER (s->service));
  g_list_free_full (s->conns, (GDestroyNotify) gst_ertmp_conn_free);
  s->conns = NULL;
  g_main_loop_quit (s->loop);
  return G_SOURCE_REMOVE;
}

void
ertmp_test_server_free (ErtmpTestServer * s)
{
  g_main_context_invoke (s->context, stop_service, s);
  g_thread_join (s->thread);
  g_object_unref (s->service);
  g_main_loop_unref (s->loop);
  g_main_context_unref (s->context);
  g_free ((gchar *) s->auth.user);
  g_free ((gchar *) s->auth.password);
  g_free ((gchar *) s->auth.salt);
  g_free ((gchar *) s->auth.challenge);
  g_free ((gchar *) s->auth.opaque);
  g_free (s->secure_token);
  g_free (s->app);
  g_free (s->tc_url);
  g_free (s->stream);
  g_string_free (s->refusals, TRUE);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
  g_free (s);
}

guint16
ertmp_test_server_port (ErtmpTestServer * s)
{
  return s->port;
}

gboolean
ertmp_test_server_wait_media (ErtmpTestServer * s, guint media,
    guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  gboolean ok;

  g_mutex_lock (&s->lock);
  while (s->media < media)
    if (!g_cond_wait_until (&s->cond, &s->lock, deadline))
      break;
  ok = s->media >= media;
  g_mutex_unlock (&s->lock);
  return ok;
}

#define GETTER(type, name, expr) \
type \
ertmp_test_server_##name (ErtmpTestServer * s) \
{ \
  type v; \
  g_mutex_lock (&s->lock); \
  v = expr; \
  g_mutex_unlock (&s->lock); \
  return v; \
}

GETTER (gchar *, app, g_strdup (s->app))
GETTER (gchar *, tc_url, g_strdup (s->tc_url))
GETTER (gchar *, stream, g_strdup (s->stream))
GETTER (gchar *, refusals, g_strdup (s->refusals->str))
GETTER (guint, connections, s->connections)
GETTER (guint, media, s->media)
GETTER (guint32, chunk_size_in, s->chunk_size_in)

gboolean
ertmp_test_publish (const gchar * sink_desc, guint frames, guint timeout_ms,
    GError ** error, gchar ** debug)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=%u ! "
      "video/x-raw,width=64,height=48,framerate=30/1 ! "
      "x264enc tune=zerolatency key-int-max=10 ! h264parse ! "
      "flvmux streamable=true ! %s", frames, sink_desc);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gboolean eos = FALSE;

  g_free (desc);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, timeout_ms * GST_MSECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, error, debug);
  else
    eos = msg != NULL;
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (msg)
    gst_message_unref (msg);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  return eos;
}
