/* gst-ertmp: one RTMP connection pumped through a GIO stream
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstertmpconn.h"

#ifdef G_OS_UNIX
#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>
#endif
#ifdef __linux__
#include <sys/ioctl.h>
#include <linux/sockios.h>
#endif

/* A closing peer that keeps taking our bytes keeps its connection this
 * many linger periods at most (a slow player reading a stream's tail) */
#define LINGER_PERIODS_MAX 15

/* bytes per read: a few TCP segments; the session reassembles */
#define READ_SIZE 65536

/* One read buffer per I/O thread, not per connection: reads are fed to
 * the session before the next read, so a thread needs one at a time (a
 * server with thousands of idle connections would otherwise hold 64 KiB
 * each).  The drop buffer is separate: a connection closed from another
 * one's event drops its input while that one's buffer is being fed. */
static GPrivate read_buf = G_PRIVATE_INIT (g_free);
static GPrivate drop_buf = G_PRIVATE_INIT (g_free);

static guint8 *
thread_buffer (GPrivate * key)
{
  guint8 *buf = g_private_get (key);

  if (buf == NULL) {
    buf = g_malloc (READ_SIZE);
    g_private_set (key, buf);
  }
  return buf;
}
/* reads per wake-up before other sources get a turn */
#define READS_PER_WAKE 16

struct _GstErtmpConn
{
  GIOStream *stream;
  GPollableInputStream *in;
  GPollableOutputStream *out;
  GSocket *socket;              /* the TCP socket under any TLS */
  gint fd;                      /* its descriptor, -1 without one */
  gboolean tls;
  ertmp_session *session;
  GMainContext *context;
  GstErtmpConnFuncs funcs;
  gpointer user_data;

  GSource *read_source, *write_source, *linger_source, *closed_source;
  /* plain TCP with a poller: the socket waits in its epoll set instead
   * of read and write sources */
  GstErtmpWatch *watch;
  gboolean want_write;
  /* the owner's own bytes (write_vectors) wait for room */
  gboolean ext_waiting;
  /* the owner is in the middle of one of its messages: session output
   * waits until it is whole */
  gboolean mid_message;
  /* write_pending left session output for want of room */
  gboolean session_waiting;
  gint64 last_input;
  gboolean reading;             /* the owner wants input */
  gboolean closing;             /* gst_ertmp_conn_close was called */
  guint linger_ms;
  guint linger_periods;         /* of linger_ms, passed */
  guint64 sent;                 /* bytes written to the socket */
  guint64 linger_taken;         /* what the peer had taken at the last one */
  gboolean shut;                /* our FIN is out; input is dropped */
  gboolean closed;              /* stream closed, closed_source pending */
  GstErtmpConnClosed reason;
  GError *error;
};

static void update_read_source (GstErtmpConn * conn);

static GSource *
attach (GstErtmpConn * conn, GSource * source, GSourceFunc func)
{
  g_source_set_callback (source, func, conn, NULL);
  g_source_attach (source, conn->context);
  return source;
}

static gboolean
on_closed (gpointer user_data)
{
  GstErtmpConn *conn = user_data;

  g_source_unref (conn->closed_source);
  conn->closed_source = NULL;
  /* may free conn: touch nothing after */
  conn->funcs.closed (conn, conn->reason, conn->error, conn->user_data);
  return G_SOURCE_REMOVE;
}

/* Reads and drops what the peer sent and we did not read: closing a TCP
 * socket with unread input sends a reset, which makes the peer lose what
 * it has not read yet (our last words) and report an error.  Bounded, so
 * that a peer still sending cannot keep us here. */
static void
drop_unread_input (GstErtmpConn * conn)
{
  gint i;

  for (i = 0; i < READS_PER_WAKE; i++)
    if (g_socket_receive_with_blocking (conn->socket,
            (gchar *) thread_buffer (&drop_buf), READ_SIZE, FALSE, NULL,
            NULL) <= 0)
      break;
}

/* Ends the connection now; the owner hears of it from an idle source, so
 * that no caller up the stack finds the connection freed under it. */
static void
finish (GstErtmpConn * conn, GstErtmpConnClosed reason, GError * error)
{
  if (conn->closed) {
    g_clear_error (&error);
    return;
  }
  conn->closed = TRUE;
  conn->reason = reason;
  conn->error = error;
  gst_ertmp_watch_remove (conn->watch);
  conn->watch = NULL;
  gst_ertmp_source_clear (&conn->read_source);
  gst_ertmp_source_clear (&conn->write_source);
  gst_ertmp_source_clear (&conn->linger_source);
  /* never block on a TLS close_notify to a peer that reads nothing */
  if (conn->socket != NULL) {
    g_socket_set_blocking (conn->socket, FALSE);
    drop_unread_input (conn);
  }
  g_io_stream_close (conn->stream, NULL, NULL);
  conn->closed_source = attach (conn, g_idle_source_new (), on_closed);
}

/* Bytes the peer has taken: what we wrote less what our socket still
 * holds (unsent or unacknowledged); under TLS, roughly (the socket holds
 * records, we count plain bytes).  0 where the socket cannot say. */
static guint64
peer_taken (GstErtmpConn * conn)
{
#ifdef __linux__
  int queued = 0;

  if (conn->fd >= 0 && ioctl (conn->fd, SIOCOUTQ, &queued) == 0
      && queued >= 0)
    return conn->sent - MIN (conn->sent, (guint64) queued);
#endif
  return 0;
}

/* A linger period passed: another one while the peer still takes our
 * bytes, else the end */
static gboolean
on_linger_done (gpointer user_data)
{
  GstErtmpConn *conn = user_data;
  guint64 taken = peer_taken (conn);

  if (taken > conn->linger_taken
      && ++conn->linger_periods < LINGER_PERIODS_MAX) {
    conn->linger_taken = taken;
    return G_SOURCE_CONTINUE;
  }
  g_source_unref (conn->linger_source);
  conn->linger_source = NULL;
  finish (conn, GST_ERTMP_CONN_CLOSED_LOCAL, NULL);
  return G_SOURCE_REMOVE;
}

/* Everything we had to say is written: send FIN (plain TCP; TLS says
 * close_notify when the stream closes) and drop input until the peer
 * closes or the linger timer, started by gst_ertmp_conn_close, ends. */
static void
shut_down (GstErtmpConn * conn)
{
  conn->shut = TRUE;
  if (conn->linger_ms == 0) {
    finish (conn, GST_ERTMP_CONN_CLOSED_LOCAL, NULL);
    return;
  }
  if (!conn->tls && conn->socket != NULL)
    g_socket_shutdown (conn->socket, FALSE, TRUE, NULL);
  update_read_source (conn);
}

static gboolean on_writable (GObject * stream, gpointer user_data);

/* The socket is full: on_writable runs once it has room. */
static void
wait_for_room (GstErtmpConn * conn)
{
  if (conn->watch != NULL) {
    if (!conn->want_write) {
      conn->want_write = TRUE;
      update_read_source (conn);
    }
  } else if (conn->write_source == NULL) {
    conn->write_source = g_pollable_output_stream_create_source (conn->out,
        NULL);
    g_source_set_callback (conn->write_source,
        (GSourceFunc) (void (*)(void)) on_writable, conn, NULL);
    g_source_attach (conn->write_source, conn->context);
  }
}

static void
stop_waiting (GstErtmpConn * conn)
{
  gst_ertmp_source_clear (&conn->write_source);
  if (conn->want_write) {
    conn->want_write = FALSE;
    update_read_source (conn);
  }
}

/* Writes the session's output until done or the socket is full (then a
 * source waits for room).  FALSE when the connection ended. */
static gboolean
write_pending (GstErtmpConn * conn)
{
  const guint8 *data;
  gsize len;
  gssize n;
  GError *err = NULL;

  /* never between the bytes of the owner's message: on_writable lets it
   * finish first */
  if (conn->mid_message && !conn->closing)
    return !conn->closed;
  while ((data = ertmp_session_pending_output (conn->session, &len)) != NULL
      && len > 0) {
    n = g_pollable_output_stream_write_nonblocking (conn->out, data, len,
        NULL, &err);
    if (n < 0 && g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_clear_error (&err);
      conn->session_waiting = TRUE;
      wait_for_room (conn);
      return TRUE;
    }
    if (n < 0) {
      finish (conn, GST_ERTMP_CONN_CLOSED_IO_ERROR, err);
      return FALSE;
    }
    ertmp_session_output_written (conn->session, n);
    conn->sent += n;
  }
  conn->session_waiting = FALSE;
  /* the owner's bytes may still wait: on_writable tells it */
  if (!conn->ext_waiting)
    stop_waiting (conn);
  if (conn->closing && !conn->shut)
    shut_down (conn);
  return !conn->closed;
}

static gboolean
on_writable (GObject * stream, gpointer user_data)
{
  GstErtmpConn *conn = user_data;

  if (conn->mid_message && !conn->closing) {
    /* the owner's message first, then the session's output */
    conn->ext_waiting = FALSE;
    stop_waiting (conn);
    if (conn->funcs.drained != NULL)
      conn->funcs.drained (conn, conn->user_data);
    if (!conn->closed && !conn->mid_message)
      write_pending (conn);
    return G_SOURCE_CONTINUE;
  }
  if (!write_pending (conn))
    return G_SOURCE_CONTINUE;
  /* session output still waits: write_pending keeps waiting for room */
  if (conn->session_waiting)
    return G_SOURCE_CONTINUE;
  conn->ext_waiting = FALSE;
  stop_waiting (conn);
  if (conn->funcs.drained != NULL && !conn->closing)
    conn->funcs.drained (conn, conn->user_data);
  return G_SOURCE_CONTINUE;
}

static void
protocol_error (GstErtmpConn * conn)
{
  const gchar *message = NULL;
  ertmp_result res = ertmp_session_get_error (conn->session, NULL, &message);

  finish (conn, GST_ERTMP_CONN_CLOSED_PROTOCOL,
      g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s (%s)",
          message ? message : "protocol error", ertmp_result_name (res)));
}

/* Feeds @len read bytes through the session, handing out every event. */
static void
feed (GstErtmpConn * conn, const guint8 * data, gsize len)
{
  ertmp_session_event ev;
  gsize off = 0, consumed;
  ertmp_result res;

  while (!conn->closed) {
    while (!conn->closed && ertmp_session_next_event (conn->session,
            &ev) == ERTMP_OK)
      conn->funcs.event (conn, &ev, conn->user_data);
    if (conn->closed || off == len)
      break;
    res = ertmp_session_receive (conn->session, data + off, len - off,
        &consumed);
    off += consumed;
    if (res != ERTMP_OK) {
      protocol_error (conn);
      return;
    }
  }
  if (!conn->closed)
    write_pending (conn);
}

static gboolean
on_readable (GObject * stream, gpointer user_data)
{
  GstErtmpConn *conn = user_data;
  guint8 *buf = thread_buffer (&read_buf);
  GError *err = NULL;
  gssize n;
  gint i;

  for (i = 0; i < READS_PER_WAKE && !conn->closed; i++) {
    if (!conn->reading && !conn->shut)
      break;
    n = g_pollable_input_stream_read_nonblocking (conn->in, buf,
        READ_SIZE, NULL, &err);
    if (n < 0 && g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_clear_error (&err);
      break;
    }
    if (n < 0) {
      /* a reset after our FIN is how many peers say goodbye */
      finish (conn, conn->shut ? GST_ERTMP_CONN_CLOSED_LOCAL :
          GST_ERTMP_CONN_CLOSED_IO_ERROR, conn->shut ? NULL : err);
      if (conn->shut)
        g_clear_error (&err);
      break;
    }
    if (n == 0) {
      finish (conn, conn->shut ? GST_ERTMP_CONN_CLOSED_LOCAL :
          GST_ERTMP_CONN_CLOSED_EOF, NULL);
      break;
    }
    conn->last_input = g_get_monotonic_time ();
    if (!conn->shut)
      feed (conn, buf, n);
    /* a short read emptied the socket: the epoll set (level-triggered)
     * says when more comes, without a read that fails to say so (TLS may
     * hold decrypted bytes back: its source decides) */
    if (conn->watch != NULL && n < READ_SIZE)
      break;
  }
  /* finish() or set_reading() may have replaced or dropped this source */
  return G_SOURCE_CONTINUE;
}

static void
update_read_source (GstErtmpConn * conn)
{
  gboolean want = !conn->closed && (conn->reading || conn->shut);

  if (conn->watch != NULL) {
    gst_ertmp_watch_set (conn->watch, want, conn->want_write);
    return;
  }
  if (want && conn->read_source == NULL) {
    conn->read_source = g_pollable_input_stream_create_source (conn->in,
        NULL);
    g_source_set_callback (conn->read_source,
        (GSourceFunc) (void (*)(void)) on_readable, conn, NULL);
    g_source_attach (conn->read_source, conn->context);
  } else if (!want) {
    gst_ertmp_source_clear (&conn->read_source);
  }
}

static GSocket *
tcp_socket_of (GIOStream * stream, gboolean * tls)
{
  GIOStream *base = NULL;
  GSocket *socket = NULL;

  *tls = G_IS_TLS_CONNECTION (stream);
  if (*tls)
    g_object_get (stream, "base-io-stream", &base, NULL);
  else
    base = g_object_ref (stream);
  if (G_IS_SOCKET_CONNECTION (base))
    socket = g_object_ref (g_socket_connection_get_socket (
            G_SOCKET_CONNECTION (base)));
  g_clear_object (&base);
  return socket;
}

static void
on_watch (gpointer user_data, gboolean readable, gboolean writable)
{
  GstErtmpConn *conn = user_data;

  if (writable && conn->want_write)
    on_writable (NULL, conn);
  if (readable && !conn->closed)
    on_readable (NULL, conn);
}

GstErtmpConn *
gst_ertmp_conn_new (GIOStream * stream, ertmp_session * session,
    GMainContext * context, const GstErtmpConnFuncs * funcs,
    gpointer user_data)
{
  return gst_ertmp_conn_new_polled (stream, session, context, NULL, funcs,
      user_data);
}

GstErtmpConn *
gst_ertmp_conn_new_polled (GIOStream * stream, ertmp_session * session,
    GMainContext * context, GstErtmpPoller * poller,
    const GstErtmpConnFuncs * funcs, gpointer user_data)
{
  GstErtmpConn *conn = g_new0 (GstErtmpConn, 1);

  conn->stream = g_object_ref (stream);
  conn->in = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream));
  conn->out = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream
      (stream));
  conn->socket = tcp_socket_of (stream, &conn->tls);
  conn->fd = conn->socket != NULL ? g_socket_get_fd (conn->socket) : -1;
  conn->session = session;
  conn->context = g_main_context_ref (context);
  conn->funcs = *funcs;
  conn->user_data = user_data;
  conn->last_input = g_get_monotonic_time ();
  conn->reading = TRUE;
  if (poller != NULL && !conn->tls && conn->socket != NULL)
    conn->watch = gst_ertmp_poller_add (poller,
        g_socket_get_fd (conn->socket), on_watch, conn);
  update_read_source (conn);
  write_pending (conn);
  return conn;
}

void
gst_ertmp_conn_free (GstErtmpConn * conn)
{
  if (conn == NULL)
    return;
  if (!conn->closed) {
    finish (conn, GST_ERTMP_CONN_CLOSED_LOCAL, NULL);
  }
  gst_ertmp_watch_remove (conn->watch);
  gst_ertmp_source_clear (&conn->closed_source);
  g_clear_error (&conn->error);
  g_clear_object (&conn->socket);
  g_object_unref (conn->stream);
  ertmp_session_free (conn->session);
  g_main_context_unref (conn->context);
  g_free (conn);
}

ertmp_session *
gst_ertmp_conn_get_session (GstErtmpConn * conn)
{
  return conn->session;
}

gsize
gst_ertmp_conn_get_pending (GstErtmpConn * conn)
{
  gsize len = 0;

  ertmp_session_pending_output (conn->session, &len);
  return len;
}

gint64
gst_ertmp_conn_get_last_input (GstErtmpConn * conn)
{
  return conn->last_input;
}

void
gst_ertmp_conn_flush (GstErtmpConn * conn)
{
  if (!conn->closed)
    write_pending (conn);
}

void
gst_ertmp_conn_set_reading (GstErtmpConn * conn, gboolean reading)
{
  conn->reading = reading;
  update_read_source (conn);
}

void
gst_ertmp_conn_set_mid_message (GstErtmpConn * conn, gboolean mid)
{
  gboolean was = conn->mid_message;

  conn->mid_message = mid;
  /* what the session wrote meanwhile goes now */
  if (was && !mid && !conn->closed && !conn->closing)
    write_pending (conn);
}

void
gst_ertmp_conn_close (GstErtmpConn * conn, guint linger_ms)
{
  if (conn->closed || conn->closing)
    return;
  if (linger_ms == 0) {
    finish (conn, GST_ERTMP_CONN_CLOSED_LOCAL, NULL);
    return;
  }
  conn->closing = TRUE;
  conn->linger_ms = linger_ms;
  conn->linger_taken = peer_taken (conn);
  /* the linger time bounds the output still to write, too */
  if (linger_ms > 0)
    conn->linger_source = attach (conn, g_timeout_source_new (linger_ms),
        on_linger_done);
  write_pending (conn);
}

/* Up to @n_vectors at once, never waiting; what the socket took in
 * *@written.  Plain TCP goes straight to sendmsg(): GIO's pollable writev
 * costs more than the send itself on a fan-out's hot path. */
static GPollableReturn
send_vectors (GstErtmpConn * conn, const GOutputVector * vectors,
    gsize n_vectors, gsize * written, GError ** err)
{
#ifdef G_OS_UNIX
  if (!conn->tls && conn->fd >= 0) {
    struct iovec iov[64];
    struct msghdr msg = { 0 };
    gssize n;
    gsize i;

    n_vectors = MIN (n_vectors, G_N_ELEMENTS (iov));
    for (i = 0; i < n_vectors; i++) {
      iov[i].iov_base = (gpointer) vectors[i].buffer;
      iov[i].iov_len = vectors[i].size;
    }
    msg.msg_iov = iov;
    msg.msg_iovlen = n_vectors;
    do
      n = sendmsg (conn->fd, &msg,
          MSG_DONTWAIT | MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n >= 0) {
      *written = n;
      return G_POLLABLE_RETURN_OK;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return G_POLLABLE_RETURN_WOULD_BLOCK;
    g_set_error (err, G_IO_ERROR, g_io_error_from_errno (errno),
        "Error sending data: %s", g_strerror (errno));
    return G_POLLABLE_RETURN_FAILED;
  }
#endif
  return g_pollable_output_stream_writev_nonblocking (conn->out, vectors,
      n_vectors, written, NULL, err);
}

gssize
gst_ertmp_conn_write_vectors (GstErtmpConn * conn,
    const GOutputVector * vectors, gsize n_vectors)
{
  GPollableReturn r;
  GError *err = NULL;
  gsize written = 0, total = 0, i;

  if (conn->closed || conn->closing)
    return -1;
  /* a message of the owner's is finished before any session output */
  if (!conn->mid_message && !write_pending (conn))
    return -1;
  for (i = 0; i < n_vectors; i++)
    total += vectors[i].size;
  if (conn->mid_message || !conn->session_waiting) {
    r = send_vectors (conn, vectors, n_vectors, &written, &err);
    if (r == G_POLLABLE_RETURN_FAILED) {
      finish (conn, GST_ERTMP_CONN_CLOSED_IO_ERROR, err);
      return -1;
    }
    if (r == G_POLLABLE_RETURN_WOULD_BLOCK)
      written = 0;
    conn->sent += written;
  }
  if (written < total) {
    conn->ext_waiting = TRUE;
    wait_for_room (conn);
  }
  return written;
}

gboolean
gst_ertmp_conn_is_closed (GstErtmpConn * conn)
{
  return conn->closed;
}

static gboolean
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gpointer
io_thread (gpointer data)
{
  GMainLoop *loop = data;
  GMainContext *context = g_main_loop_get_context (loop);

  g_main_context_push_thread_default (context);
  g_main_loop_run (loop);
  g_main_context_pop_thread_default (context);
  g_main_loop_unref (loop);
  return NULL;
}

GThread *
gst_ertmp_io_start (GMainLoop * loop, const gchar * name)
{
  return g_thread_new (name, io_thread, g_main_loop_ref (loop));
}

void
gst_ertmp_io_stop (GThread * thread, GMainLoop * loop)
{
  GSource *source = g_idle_source_new ();

  /* a quit before g_main_loop_run() is forgotten; a source is not */
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, quit_loop, g_main_loop_ref (loop),
      (GDestroyNotify) g_main_loop_unref);
  g_source_attach (source, g_main_loop_get_context (loop));
  g_source_unref (source);
  g_main_loop_quit (loop);
  g_thread_join (thread);
}

void
gst_ertmp_source_clear (GSource ** source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_source_unref (*source);
  *source = NULL;
}
