/* gst-ertmp: one RTMP connection pumped through a GIO stream
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The connection helper of ARCHITECTURE.md: it owns a GIOStream (TCP, or
 * TLS over TCP) and an ertmp_session, and moves bytes between them from
 * non-blocking sources attached to a GMainContext that the owner iterates
 * in its I/O thread.  Bytes read are fed to the session at once and every
 * event is handed to the owner's event function; the session's output is
 * written as soon as the socket takes it.  Nothing here blocks.
 *
 * All functions must be called from the thread iterating the context.
 * The owner's functions run from that context too; inside them the owner
 * may call session functions (then gst_ertmp_conn_flush) or
 * gst_ertmp_conn_close, but must not free the connection: it frees it from
 * the closed function or later.
 */
#ifndef __GST_ERTMP_CONN_H__
#define __GST_ERTMP_CONN_H__

#include <gio/gio.h>
#include "ertmp_session.h"
#include "gstertmppoll.h"

G_BEGIN_DECLS

typedef struct _GstErtmpConn GstErtmpConn;

/* How a connection ended (the closed function's @reason). */
typedef enum
{
  GST_ERTMP_CONN_CLOSED_LOCAL, /* gst_ertmp_conn_close, or the session
                                * finished its CLOSING output */
  GST_ERTMP_CONN_CLOSED_EOF, /* the peer closed its side */
  GST_ERTMP_CONN_CLOSED_IO_ERROR, /* read/write failed: see @error */
  GST_ERTMP_CONN_CLOSED_PROTOCOL, /* the session FAILED: see @error */
} GstErtmpConnClosed;

typedef struct
{
  /* one session event; the event is valid during the call only */
  void (*event) (GstErtmpConn * conn, const ertmp_session_event * ev,
      gpointer user_data);
  /* the connection is over (called once; the stream is closed, the
   * session still readable for its stats).  @error: NULL for LOCAL and
   * EOF; for PROTOCOL its message names the fault and the limit. */
  void (*closed) (GstErtmpConn * conn, GstErtmpConnClosed reason,
      const GError * error, gpointer user_data);
  /* optional: output that had to wait for the socket (the session's or
   * write_vectors') is all written, so a sender may queue more */
  void (*drained) (GstErtmpConn * conn, gpointer user_data);
} GstErtmpConnFuncs;

/* Takes @session (transfer full) and a ref on @stream; reading starts at
 * once on @context (pending session output, e.g. a client's C0+C1, is
 * written too). */
GstErtmpConn *gst_ertmp_conn_new (GIOStream * stream,
    ertmp_session * session, GMainContext * context,
    const GstErtmpConnFuncs * funcs, gpointer user_data);
/* The same, a plain TCP stream waiting in @poller's set (NULL: its own
 * sources, as for TLS) */
GstErtmpConn *gst_ertmp_conn_new_polled (GIOStream * stream,
    ertmp_session * session, GMainContext * context,
    GstErtmpPoller * poller, const GstErtmpConnFuncs * funcs,
    gpointer user_data);
/* Closes the stream if still open, without calling the closed function. */
void gst_ertmp_conn_free (GstErtmpConn * conn);

ertmp_session *gst_ertmp_conn_get_session (GstErtmpConn * conn);
/* Monotonic time (g_get_monotonic_time) of the last byte read. */
gint64 gst_ertmp_conn_get_last_input (GstErtmpConn * conn);
/* Writes what the session has pending (after a call on the session). */
void gst_ertmp_conn_flush (GstErtmpConn * conn);
/* Bytes of session output not yet taken by the socket. */
gsize gst_ertmp_conn_get_pending (GstErtmpConn * conn);
/* Writes the owner's own bytes (a fan-out's shared chunks) after all the
 * session's output.  Returns the bytes the socket took: fewer than asked
 * (0 too) when it is full or session output still waits, and then the
 * drained function runs once there is room; -1 when the connection is
 * over or closing.  Never blocks. */
gssize gst_ertmp_conn_write_vectors (GstErtmpConn * conn,
    const GOutputVector * vectors, gsize n_vectors);
/* The owner wrote part of one of its messages with write_vectors (@mid)
 * or finished it: meanwhile the session's output (a ping response, a
 * command's reply) waits, so that it never lands inside the message. */
void gst_ertmp_conn_set_mid_message (GstErtmpConn * conn, gboolean mid);
/* Stops or resumes reading (back-pressure from the owner's queue). */
void gst_ertmp_conn_set_reading (GstErtmpConn * conn, gboolean reading);
/* Graceful close: sends what is pending, shuts the sending side down
 * (FIN) and reads and drops until the peer closes or @linger_ms passes
 * with the peer taking none of our bytes (15 periods at most), so that
 * the peer reads our last words before its socket sees a reset.  Then
 * the closed function runs with LOCAL.  @linger_ms 0: close now, what is
 * unsent is dropped. */
void gst_ertmp_conn_close (GstErtmpConn * conn, guint linger_ms);
gboolean gst_ertmp_conn_is_closed (GstErtmpConn * conn);

/* An element's I/O thread: runs @loop with its context as the thread
 * default (so async GIO calls made there complete there) until
 * gst_ertmp_io_stop(), which quits the loop (also when the thread has not
 * entered it yet) and joins the thread. */
GThread *gst_ertmp_io_start (GMainLoop * loop, const gchar * name);
void gst_ertmp_io_stop (GThread * thread, GMainLoop * loop);

/* Destroys and unrefs *@source (if any) and clears the pointer. */
void gst_ertmp_source_clear (GSource ** source);

G_END_DECLS

#endif /* __GST_ERTMP_CONN_H__ */
