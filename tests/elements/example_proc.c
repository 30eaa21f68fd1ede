/* gst-ertmp: an example program run by a test, read line by line
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "example_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include <gio/gunixinputstream.h>

struct _ExampleProc
{
  GPid pid;
  gchar *log_path;              /* stderr */
  GThread *reader;
  GInputStream *out;            /* the child's stdout */
  GMutex lock;
  GCond cond;
  GPtrArray *lines;             /* gchar *, under lock */
  gboolean eof;                 /* under lock */
  gboolean reaped;
  gint status;
};

static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gpointer
read_lines (gpointer data)
{
  ExampleProc *p = data;
  GDataInputStream *in = g_data_input_stream_new (p->out);
  gchar *line;

  while ((line = g_data_input_stream_read_line (in, NULL, NULL, NULL))) {
    g_mutex_lock (&p->lock);
    g_ptr_array_add (p->lines, line);
    g_cond_broadcast (&p->cond);
    g_mutex_unlock (&p->lock);
  }
  g_mutex_lock (&p->lock);
  p->eof = TRUE;
  g_cond_broadcast (&p->cond);
  g_mutex_unlock (&p->lock);
  g_object_unref (in);
  return NULL;
}

ExampleProc *
example_proc_start (const gchar * env_var, const gchar * const *args,
    const gchar * dir, GError ** err)
{
  const gchar *program = g_getenv (env_var);
  GPtrArray *argv = g_ptr_array_new ();
  ExampleProc *p;
  gchar *base, *interp_var = g_strconcat (env_var, "_INTERPRETER", NULL);
  const gchar *interp = g_getenv (interp_var);
  gint fd, out_fd = -1;
  GPid pid;
  gboolean ok;

  if (program == NULL) {
    g_set_error (err, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT, "%s is not set",
        env_var);
    g_ptr_array_unref (argv);
    g_free (interp_var);
    return NULL;
  }
  /* a script: the interpreter meson found for it */
  if (interp != NULL && *interp != '\0')
    g_ptr_array_add (argv, (gpointer) interp);
  g_ptr_array_add (argv, (gpointer) program);
  for (; args != NULL && *args != NULL; args++)
    g_ptr_array_add (argv, (gpointer) * args);
  g_ptr_array_add (argv, NULL);
  p = g_new0 (ExampleProc, 1);
  base = g_path_get_basename (program);
  p->log_path = g_strdup_printf ("%s/%s-%d.stderr", dir, base,
      g_random_int_range (0, 1 << 30));
  g_free (base);
  fd = g_open (p->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ok = fd >= 0 && g_spawn_async_with_pipes_and_fds (dir,
      (const gchar * const *) argv->pdata, NULL,
      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
      child_setup, NULL, -1, -1, fd, NULL, NULL, 0, &pid, NULL, &out_fd,
      NULL, err);
  if (fd >= 0)
    close (fd);
  g_ptr_array_unref (argv);
  g_free (interp_var);
  if (!ok) {
    if (fd < 0)
      g_set_error (err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: %s",
          p->log_path, g_strerror (errno));
    g_free (p->log_path);
    g_free (p);
    return NULL;
  }
  p->pid = pid;
  g_mutex_init (&p->lock);
  g_cond_init (&p->cond);
  p->lines = g_ptr_array_new_with_free_func (g_free);
  p->out = g_unix_input_stream_new (out_fd, TRUE);
  p->reader = g_thread_new ("example-stdout", read_lines, p);
  return p;
}

/* Under lock: the @nth line starting with @prefix, or NULL */
static const gchar *
find_line (ExampleProc * p, const gchar * prefix, guint nth)
{
  guint i;

  for (i = 0; i < p->lines->len; i++) {
    const gchar *line = g_ptr_array_index (p->lines, i);

    if (g_str_has_prefix (line, prefix) && nth-- == 0)
      return line;
  }
  return NULL;
}

gchar *
example_proc_wait_line (ExampleProc * p, const gchar * prefix, guint nth,
    GstClockTime timeout)
{
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;
  const gchar *line;
  gchar *copy;

  g_mutex_lock (&p->lock);
  while ((line = find_line (p, prefix, nth)) == NULL && !p->eof)
    if (!g_cond_wait_until (&p->cond, &p->lock, deadline))
      break;
  line = find_line (p, prefix, nth);
  copy = g_strdup (line);
  g_mutex_unlock (&p->lock);
  return copy;
}

guint
example_proc_count_lines (ExampleProc * p, const gchar * prefix)
{
  guint i, n = 0;

  g_mutex_lock (&p->lock);
  for (i = 0; i < p->lines->len; i++)
    n += g_str_has_prefix (g_ptr_array_index (p->lines, i), prefix);
  g_mutex_unlock (&p->lock);
  return n;
}

gchar *
example_proc_output (ExampleProc * p)
{
  GString *s = g_string_new (NULL);
  gchar *log = NULL;
  guint i;

  g_mutex_lock (&p->lock);
  for (i = 0; i < p->lines->len; i++)
    g_string_append_printf (s, "%s\n", (gchar *) g_ptr_array_index (p->lines,
            i));
  g_mutex_unlock (&p->lock);
  if (g_file_get_contents (p->log_path, &log, NULL, NULL))
    g_string_append_printf (s, "[stderr]\n%s", log);
  g_free (log);
  return g_string_free (s, FALSE);
}

GPid
example_proc_pid (ExampleProc * p)
{
  return p->pid;
}

/* waitpid with WNOHANG until @deadline, in 10 ms steps: the child's stdout
 * has ended, so it is exiting or has exited */
static gboolean
reap (ExampleProc * p, gint64 deadline)
{
  while (!p->reaped) {
    pid_t r = waitpid (p->pid, &p->status, WNOHANG);

    if (r == p->pid || (r < 0 && errno != EINTR))
      p->reaped = TRUE;
    else if (g_get_monotonic_time () >= deadline)
      return FALSE;
    else
      g_usleep (10 * G_TIME_SPAN_MILLISECOND);
  }
  return TRUE;
}

gboolean
example_proc_stop (ExampleProc * p, GstClockTime timeout)
{
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;

  if (p->reaped)
    return g_spawn_check_wait_status (p->status, NULL);
  kill (p->pid, SIGTERM);
  g_mutex_lock (&p->lock);
  while (!p->eof && g_cond_wait_until (&p->cond, &p->lock, deadline));
  g_mutex_unlock (&p->lock);
  if (!reap (p, deadline)) {
    kill (p->pid, SIGKILL);
    reap (p, G_MAXINT64);
    return FALSE;
  }
  return g_spawn_check_wait_status (p->status, NULL);
}

void
example_proc_free (ExampleProc * p)
{
  if (p == NULL)
    return;
  if (!p->reaped) {
    kill (p->pid, SIGKILL);
    reap (p, G_MAXINT64);
  }
  g_thread_join (p->reader);
  g_object_unref (p->out);
  g_ptr_array_unref (p->lines);
  g_mutex_clear (&p->lock);
  g_cond_clear (&p->cond);
  g_spawn_close_pid (p->pid);
  g_free (p->log_path);
  g_free (p);
}

gchar *
example_proc_field (const gchar * line, const gchar * name)
{
  gchar *needle = g_strdup_printf (" %s=", name);
  const gchar *at = strstr (line, needle);
  gchar *value;

  fail_unless (at != NULL, "no %s in \"%s\"", needle, line);
  at += strlen (needle);
  value = g_strndup (at, strcspn (at, " "));
  g_free (needle);
  return value;
}
