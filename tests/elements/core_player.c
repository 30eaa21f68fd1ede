/* gst-ertmp: the core's client as a player, in a thread of a test
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "core_player.h"

#include <sys/socket.h>
#include <gio/gio.h>
#include <gst/check/gstcheck.h>

#include "ertmp_amf0.h"
#include "ertmp_flv.h"
#include "ertmp_session.h"
#include "ertmp_peer.h"
#include "flv_items.h"

#define HANG_S ((guint) (ERTMP_TEST_HANG_BOUND / GST_SECOND))

struct _CorePlayer
{
  guint16 port;
  gchar *app, *name;
  guint extra_streams;
  gboolean slow;
  gulong pause_us;              /* slow: the pause after each read */
  guint pings;
  GThread *thread;
  GByteArray *flv;              /* what was played, as an FLV stream */
  gint started;                 /* NetStream.Play.Start arrived */
  guint32 msid;
  gchar *error;
  gchar *end;                   /* what ended the stream */
};

static gboolean
flush (ertmp_session * s, GSocket * sock, GError ** err)
{
  gsize len;
  const guint8 *out = ertmp_session_pending_output (s, &len);

  while (len > 0) {
    gssize n = g_socket_send (sock, (const gchar *) out, len, NULL, err);

    if (n <= 0)
      return FALSE;
    ertmp_session_output_written (s, n);
    out = ertmp_session_pending_output (s, &len);
  }
  return TRUE;
}

static void
append_tag (GByteArray * flv, guint8 type, gint64 ts, GBytes * body)
{
  ertmp_flv_tag_header th = { type, FALSE, 0, (guint32) ts, 0 };
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);

  th.size = len;
  fail_unless_equals_int (ertmp_flv_write_tag_header (flv, &th), ERTMP_OK);
  g_byte_array_append (flv, data, len);
  ertmp_flv_write_prev_size (flv, len);
}

/* Once connected: the extra streams, then the play (its createStream
 * after theirs, so that the server numbers it after them) */
static void
on_connected (CorePlayer * cp, ertmp_session * s)
{
  guint i;

  for (i = 0; i < cp->extra_streams; i++) {
    GByteArray *cmd = g_byte_array_new ();

    ertmp_amf0_put_string (cmd, "createStream");
    ertmp_amf0_put_number (cmd, 100 + i);
    ertmp_amf0_put_null (cmd);
    fail_unless_equals_int (ertmp_session_send_raw (s, 3, 20, 0, 0,
            cmd->data, cmd->len), ERTMP_OK);
    g_byte_array_unref (cmd);
  }
  fail_unless_equals_int (ertmp_session_play (s, cp->name, 1000), ERTMP_OK);
}

/* Handles one event; TRUE once the stream ended */
static gboolean
on_event (CorePlayer * cp, ertmp_session * s, const ertmp_session_event * ev)
{
  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      on_connected (cp, s);
      return FALSE;
    case ERTMP_SESSION_EVENT_PLAY_STARTED:
      cp->msid = ev->msid;
      g_atomic_int_set (&cp->started, 1);
      return FALSE;
    case ERTMP_SESSION_EVENT_MEDIA:
      append_tag (cp->flv, ev->media.type_id, ev->media.timestamp,
          ev->media.payload);
      return FALSE;
    case ERTMP_SESSION_EVENT_DATA:
      append_tag (cp->flv, ERTMP_FLV_TAG_SCRIPT, ev->data.timestamp,
          ev->data.payload);
      return FALSE;
    case ERTMP_SESSION_EVENT_STATUS:
      if (g_strcmp0 (ev->status.code, "NetStream.Play.UnpublishNotify") &&
          g_strcmp0 (ev->status.code, "NetStream.Play.Stop"))
        return FALSE;
      cp->end = g_strdup (ev->status.code);
      return TRUE;
    case ERTMP_SESSION_EVENT_USER_CONTROL:
      /* nginx-rtmp's end of a publish (UnpublishNotify only with
       * publish_notify on) */
      if (ev->user_control.type != ERTMP_UC_STREAM_EOF)
        return FALSE;
      cp->end = g_strdup ("StreamEOF");
      return TRUE;
    case ERTMP_SESSION_EVENT_ERROR:
      cp->error = g_strdup_printf ("%s: %s", ev->status.code,
          ev->status.description);
      return TRUE;
    default:
      return FALSE;
  }
}

static gpointer
player_thread (gpointer data)
{
  CorePlayer *cp = data;
  GSocketClient *client = g_socket_client_new ();
  GSocketConnection *conn = NULL;
  GSocket *sock;
  ertmp_session_config cfg;
  ertmp_session_connect_params params = { 0 };
  ertmp_session *s;
  ertmp_session_event ev;
  GError *err = NULL;
  gchar *tc_url = g_strdup_printf ("rtmp://127.0.0.1:%u/%s", cp->port,
      cp->app);
  guint8 buf[16384];
  gboolean done = FALSE;

  if (cp->slow) {
    /* a small receive window, set before the connection is made */
    GSocket *raw = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
        G_SOCKET_PROTOCOL_TCP, &err);
    GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    GSocketAddress *addr = g_inet_socket_address_new (lo, cp->port);

    if (raw != NULL && g_socket_set_option (raw, SOL_SOCKET, SO_RCVBUF,
            4096, &err) && g_socket_connect (raw, addr, NULL, &err))
      conn = g_socket_connection_factory_create_connection (raw);
    g_clear_object (&raw);
    g_object_unref (addr);
    g_object_unref (lo);
  } else {
    conn = g_socket_client_connect_to_host (client, "127.0.0.1", cp->port,
        NULL, &err);
  }
  if (conn == NULL) {
    cp->error = g_strdup (err->message);
    goto out;
  }
  sock = g_socket_connection_get_socket (conn);
  g_socket_set_timeout (sock, HANG_S);
  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  s = ertmp_session_new (&cfg);
  params.app = cp->app;
  params.tc_url = tc_url;
  fail_unless_equals_int (ertmp_session_connect (s, &params), ERTMP_OK);
  while (!done && flush (s, sock, &err)) {
    gssize n = g_socket_receive (sock, (gchar *) buf, cp->slow ? 2048 :
        sizeof (buf), NULL, &err);
    gsize pos = 0, consumed;

    if (n <= 0)
      break;
    if (cp->slow && g_atomic_int_get (&cp->started)) {
      g_usleep (cp->pause_us);
      if (ertmp_session_ping (s, ++cp->pings) != ERTMP_OK)
        cp->pings--;
    }
    while (pos < (gsize) n && !done) {
      fail_unless_equals_int (ertmp_session_receive (s, buf + pos, n - pos,
              &consumed), ERTMP_OK);
      pos += consumed;
      while (!done && ertmp_session_next_event (s, &ev) == ERTMP_OK)
        done = on_event (cp, s, &ev);
    }
  }
  if (!done && cp->error == NULL)
    cp->error = g_strdup (err ? err->message : "the connection ended");
  ertmp_session_close (s);
  flush (s, sock, NULL);
  ertmp_session_free (s);
  g_object_unref (conn);
out:
  g_clear_error (&err);
  g_object_unref (client);
  g_free (tc_url);
  return NULL;
}

CorePlayer *
core_player_start (guint16 port, const gchar * app, const gchar * name,
    guint extra_streams)
{
  CorePlayer *cp = g_new0 (CorePlayer, 1);

  cp->port = port;
  cp->app = g_strdup (app);
  cp->name = g_strdup (name);
  cp->extra_streams = extra_streams;
  cp->flv = g_byte_array_new ();
  g_byte_array_append (cp->flv, (const guint8 *) "FLV\x01\x05\0\0\0\x09"
      "\0\0\0\0", 13);
  cp->thread = g_thread_new ("core-player", player_thread, cp);
  return cp;
}

CorePlayer *
core_player_start_slow (guint16 port, const gchar * app, const gchar * name,
    gulong pause_us)
{
  CorePlayer *cp = g_new0 (CorePlayer, 1);

  cp->port = port;
  cp->app = g_strdup (app);
  cp->name = g_strdup (name);
  cp->slow = TRUE;
  cp->pause_us = pause_us;
  cp->flv = g_byte_array_new ();
  g_byte_array_append (cp->flv, (const guint8 *) "FLV\x01\x05\0\0\0\x09"
      "\0\0\0\0", 13);
  cp->thread = g_thread_new ("core-player", player_thread, cp);
  return cp;
}

gboolean
core_player_started (CorePlayer * cp)
{
  return g_atomic_int_get (&cp->started);
}

void
core_player_join (CorePlayer * cp)
{
  if (cp->thread != NULL)
    g_thread_join (cp->thread);
  cp->thread = NULL;
  fail_unless (cp->error == NULL, "core player: %s", cp->error);
}

const gchar *
core_player_end (CorePlayer * cp)
{
  return cp->end;
}

guint32
core_player_msid (CorePlayer * cp)
{
  return cp->msid;
}

GArray *
core_player_items (CorePlayer * cp)
{
  return flv_items_parse (cp->flv->data, cp->flv->len, "core player");
}

void
core_player_free (CorePlayer * cp)
{
  if (cp->thread != NULL)
    g_thread_join (cp->thread);
  g_byte_array_unref (cp->flv);
  g_free (cp->app);
  g_free (cp->name);
  g_free (cp->error);
  g_free (cp->end);
  g_free (cp);
}
