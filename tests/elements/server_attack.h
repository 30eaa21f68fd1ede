/* gst-ertmp: hostile clients for the server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Raw TCP connections to 127.0.0.1 that never publish: idle sockets,
 * slowloris handshakes, garbage, a message declared huge, a connect with
 * a huge string.  They run in the test's process; none fails the test,
 * each reports what the server did (closed the connection or not).
 */
#ifndef SERVER_ATTACK_H
#define SERVER_ATTACK_H

#include <glib.h>

G_BEGIN_DECLS

/* Raises RLIMIT_NOFILE's soft limit to at least @n (up to the hard
 * limit): TRUE when it is now >= @n */
gboolean attack_raise_nofile (guint n);

/* A blocking TCP connection to 127.0.0.1:@port, -1 on failure */
gint attack_connect (guint16 port);

/* @n connections that send nothing; the fds (-1 where connect failed) */
GArray *attack_idle (guint16 port, guint n);
/* How many of @fds the server closed (EOF or reset), without waiting */
guint attack_count_closed (GArray * fds);
void attack_close_all (GArray * fds);

/* Slowloris: @n connections, each sent C0 + C1 one byte every @step_ms
 * from a thread of its own, until stopped */
typedef struct _AttackLoris AttackLoris;
AttackLoris *attack_loris_start (guint16 port, guint n, guint step_ms);
/* Stops and closes; returns how many connections the server had closed */
guint attack_loris_stop (AttackLoris * l);

/* @len bytes that are not RTMP (the first is no RTMP version) on a new
 * connection; TRUE when the server then closed it */
gboolean attack_garbage (guint16 port, gsize len, guint32 seed);

/* A simple handshake (C0 C1, S0 S1 S2, C2): the fd, -1 when it fails */
gint attack_handshake (guint16 port);
/* After the handshake: a command message header declaring @declared
 * bytes (chunk stream 3, chunk size 128), then @body bytes of it.  TRUE
 * when the server closed the connection (while sending or after). */
gboolean attack_declare (gint fd, guint32 declared, gsize body);
/* After the handshake: connect("live") whose command object also holds a
 * @len byte AMF0 long string.  TRUE when the server closed. */
gboolean attack_big_connect (gint fd, gsize len);

/* Reads and drops until the server closes @fd (TRUE) or @timeout_ms */
gboolean attack_wait_closed (gint fd, guint timeout_ms);

/* This process's resident memory, KiB (0 when unknown) */
guint64 attack_vmrss_kib (void);

G_END_DECLS

#endif /* SERVER_ATTACK_H */
