/* gst-ertmp: an example program run by a test, read line by line
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The example applications (examples/) print one line per event on
 * stdout.  A test starts one, then waits for the lines it expects:
 *
 *   ExampleProc *p = example_proc_start ("ERTMP_EXAMPLE_RECORD_ALL", args,
 *       dir, &err);
 *   gchar *line = example_proc_wait_line (p, "listening on ", 0, bound);
 *   ... kill (example_proc_pid (p), SIGUSR1) ...
 *   example_proc_stop (p);   // SIGTERM, waits for its exit
 *
 * stdout is read by a thread that wakes the waiters (no polling); stderr
 * goes to a log file in @dir.  The child gets SIGKILL when the thread
 * that started it dies (a failed libcheck test _exit()s).
 */
#ifndef EXAMPLE_PROC_H
#define EXAMPLE_PROC_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _ExampleProc ExampleProc;

/* Starts the program named by the environment variable @env_var (set by
 * meson) with @args (NULL-terminated, without argv[0]); through the
 * interpreter in @env_var + "_INTERPRETER" when that is set (a script).  NULL and @err
 * when the variable is unset or the spawn fails. */
ExampleProc *example_proc_start (const gchar * env_var,
    const gchar * const *args, const gchar * dir, GError ** err);

/* The @nth (from 0) line that starts with @prefix (transfer full), once it
 * was printed; NULL when the program's stdout ends first or @timeout
 * passes. */
gchar *example_proc_wait_line (ExampleProc * p, const gchar * prefix,
    guint nth, GstClockTime timeout);
/* Lines that start with @prefix so far */
guint example_proc_count_lines (ExampleProc * p, const gchar * prefix);
/* Everything printed so far, stdout then the stderr log (transfer full) */
gchar *example_proc_output (ExampleProc * p);
/* The value of " @name=" in an output @line (up to the next space), new;
 * fails the test when there is none */
gchar *example_proc_field (const gchar * line, const gchar * name);

GPid example_proc_pid (ExampleProc * p);

/* SIGTERM, then waits up to @timeout for stdout to end and the process to
 * exit (SIGKILL after that).  TRUE when it exited with status 0.  The
 * lines stay readable until example_proc_free (), which kills a process
 * still running. */
gboolean example_proc_stop (ExampleProc * p, GstClockTime timeout);
void example_proc_free (ExampleProc * p);

G_END_DECLS

#endif /* EXAMPLE_PROC_H */
