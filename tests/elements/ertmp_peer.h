/* gst-ertmp: real peers for element tests (servers, publishers, players)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A test that talks to a real program (ffmpeg, nginx-rtmp,
 * node-media-server, ...) or to another in-process pipeline:
 *
 *   gchar *dir = ertmp_peer_tmpdir ();
 *   guint16 port = ertmp_peer_free_port ();
 *   ErtmpPeer *nginx = ertmp_peer_start_nginx (dir, port, &err);
 *   ... run the element against 127.0.0.1:port ...
 *   ertmp_peer_stop (nginx);
 *   ertmp_peer_rmdir (dir);
 *
 * A spawned peer writes stdout and stderr to a log file in the directory
 * given at spawn time.  It is killed when the process that spawned it
 * dies (PR_SET_PDEATHSIG), so a failing libcheck test (which _exit()s in
 * fork mode) leaves no process behind.  Spawn from the test's thread: the
 * death signal follows the thread that forked.  Per test case:
 *
 *   tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
 *       ertmp_peer_scratch_teardown);
 *   tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
 *
 * puts every ertmp_peer_tmpdir () in one scratch root that is removed after
 * the test case even when a test failed, and stops what a failed test
 * left running when CK_FORK=no.
 *
 * No function here fails a test: they return FALSE/NULL and a message,
 * the test decides.  Waits are bounded and poll in short steps at most.
 */
#ifndef ERTMP_PEER_H
#define ERTMP_PEER_H

#include <gst/gst.h>

G_BEGIN_DECLS

/* ---- bounds that only catch hangs ----------------------------------------
 * A test asserts outcomes, never durations (STYLE 17).  These bound a wait
 * so that a hang fails the test instead of blocking CI; each is at least
 * ten times what the wait takes on a loaded machine under sanitizers:
 *  - ERTMP_TEST_STOP_BOUND: a change to NULL, which takes milliseconds.
 *    A test that checks that NULL does not wait on a network timeout sets
 *    that timeout far above this bound, so that such a wait shows as a hang.
 *  - ERTMP_TEST_HANG_BOUND: one step of a test (a publish accepted, an
 *    expected error or message, a stream of a few seconds delivered). */
#define ERTMP_TEST_STOP_BOUND (20 * GST_SECOND)
#define ERTMP_TEST_HANG_BOUND (120 * GST_SECOND)
/* a network timeout that must never fire during a test */
#define ERTMP_TEST_NEVER_S 600

typedef struct _ErtmpPeer ErtmpPeer;

/* ---- scratch files ------------------------------------------------------ */

/* A new private directory (transfer full) in the scratch root, else in the
 * temp dir; NULL on error */
gchar *ertmp_peer_tmpdir (void);
/* Removes @dir and everything in it (no-op for NULL) */
void ertmp_peer_rmdir (const gchar * dir);

/* TRUE when @program is in PATH; else prints "SKIP @test: no @program" */
gboolean ertmp_peer_have (const gchar * test, const gchar * program);

/* ---- TCP on 127.0.0.1 --------------------------------------------------- */

/* A port that was free a moment ago on 127.0.0.1; 0 on error */
guint16 ertmp_peer_free_port (void);

/* Polls until 127.0.0.1:@port accepts a TCP connection (TRUE), @peer
 * (may be NULL) exits, or @timeout_ms passes. */
gboolean ertmp_peer_wait_port (guint16 port, ErtmpPeer * peer,
    guint timeout_ms);

/* ---- processes ---------------------------------------------------------- */

/* Starts @argv (argv[0] searched in PATH), stdin from /dev/null, stdout and
 * stderr to "@dir/<argv0 basename>-<n>.log". */
ErtmpPeer *ertmp_peer_spawn (const gchar * const *argv, const gchar * dir,
    GError ** err);

/* Waits for the process to exit: TRUE when it has, FALSE on timeout */
gboolean ertmp_peer_wait (ErtmpPeer * peer, guint timeout_ms);
gboolean ertmp_peer_exited (ErtmpPeer * peer);
/* After the process exited: TRUE when it returned 0 */
gboolean ertmp_peer_succeeded (ErtmpPeer * peer);
/* for signals other than ertmp_peer_stop ()'s */
GPid ertmp_peer_pid (ErtmpPeer * peer);
/* The log so far (transfer full), "" when unreadable */
gchar *ertmp_peer_log (ErtmpPeer * peer);

/* SIGTERM, up to 5 s for it to exit, then SIGKILL; reaps and frees.
 * Returns TRUE when the process ended on SIGTERM (or had exited). */
gboolean ertmp_peer_stop (ErtmpPeer * peer);
/* Stops every peer still alive (a checked teardown for CK_FORK=no) */
void ertmp_peer_stop_all (void);

/* Unchecked fixture: creates / stops peers and removes the scratch root */
void ertmp_peer_scratch_setup (void);
void ertmp_peer_scratch_teardown (void);

/* ---- known servers ------------------------------------------------------ */

/* nginx + nginx-rtmp in the foreground on 127.0.0.1:@port with an
 * application "live" (chunk_size 4096, max_message 16M); config, pid and
 * logs in @dir.  Returns once the port accepts connections, NULL (and the
 * log in @err) when nginx does not come up within 10 s. */
ErtmpPeer *ertmp_peer_start_nginx (const gchar * dir, guint16 port,
    GError ** err);

/* ---- in-process pipelines ----------------------------------------------- */

/* Takes @pipeline to PLAYING and waits up to @timeout for EOS (TRUE) or the
 * first error (FALSE, *error = "element: message (debug)"), then sets it to
 * NULL.  Timeout: FALSE with *error saying so.  @error may be NULL. */
gboolean ertmp_peer_run_pipeline (GstElement * pipeline,
    GstClockTime timeout, gchar ** error);

/* "element: message (debug)" for a GST_MESSAGE_ERROR or _WARNING */
gchar *ertmp_peer_describe_message (GstMessage * msg);

G_END_DECLS

#endif /* ERTMP_PEER_H */
