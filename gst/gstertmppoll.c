/* gst-ertmp: many sockets behind one main-loop source (epoll)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstertmppoll.h"

#ifdef __linux__
#include <errno.h>
#include <unistd.h>
#include <sys/epoll.h>

/* events taken per epoll_wait: a wake-up serves at most this many
 * sockets before the context's other sources get a turn */
#define EVENTS_PER_WAKE 256
/* the work the sockets' callbacks deferred (handing tags to the streaming
 * workers) runs after this many of them, so that on a burst of hundreds of
 * ready sockets the workers start on the first ones at once */
#define EVENTS_PER_HANDOFF 32

struct _GstErtmpWatch
{
  GstErtmpPoller *poller;
  gint fd;
  guint32 events;               /* registered, 0: not in the set */
  gboolean removed;
  GstErtmpWatchFunc func;
  gpointer user_data;
};

typedef struct
{
  GSource source;
  GstErtmpPoller *poller;
} PollSource;

typedef struct
{
  GFunc func;
  gpointer data;
} Deferred;

struct _GstErtmpPoller
{
  gint epfd;
  GSource *source;
  gboolean dispatching;
  GPtrArray *removed;           /* watches freed after the dispatch */
  GArray *deferred;             /* Deferred, run after the dispatch */
  struct epoll_event events[EVENTS_PER_WAKE];
};

static void
run_deferred (GstErtmpPoller * poller)
{
  guint i;

  /* deferred work may defer more: it runs in this loop, after */
  for (i = 0; i < poller->deferred->len; i++) {
    Deferred d = g_array_index (poller->deferred, Deferred, i);
    d.func (d.data, NULL);
  }
  g_array_set_size (poller->deferred, 0);
}

static gboolean
poll_dispatch (GSource * source, GSourceFunc callback, gpointer data)
{
  GstErtmpPoller *poller = ((PollSource *) source)->poller;
  gint n, i;

  n = epoll_wait (poller->epfd, poller->events, EVENTS_PER_WAKE, 0);
  poller->dispatching = TRUE;
  for (i = 0; i < n; i++) {
    GstErtmpWatch *watch = poller->events[i].data.ptr;
    guint32 ev = poller->events[i].events;
    gboolean broken = (ev & (EPOLLERR | EPOLLHUP)) != 0;

    if (!watch->removed)
      watch->func (watch->user_data, (ev & EPOLLIN) || broken,
          (ev & EPOLLOUT) || broken);
    /* hand what the first sockets gave on while the others are read */
    if ((i + 1) % EVENTS_PER_HANDOFF == 0)
      run_deferred (poller);
  }
  run_deferred (poller);
  poller->dispatching = FALSE;
  g_ptr_array_set_size (poller->removed, 0);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs poll_funcs = {.dispatch = poll_dispatch };

GstErtmpPoller *
gst_ertmp_poller_new (GMainContext * context)
{
  GstErtmpPoller *poller;
  gint epfd = epoll_create1 (EPOLL_CLOEXEC);

  if (epfd < 0)
    return NULL;
  poller = g_new0 (GstErtmpPoller, 1);
  poller->epfd = epfd;
  poller->removed = g_ptr_array_new_with_free_func (g_free);
  poller->deferred = g_array_new (FALSE, FALSE, sizeof (Deferred));
  poller->source = g_source_new (&poll_funcs, sizeof (PollSource));
  ((PollSource *) poller->source)->poller = poller;
  g_source_set_name (poller->source, "ertmp-poller");
  /* GLib takes a source's fds out of its poll set around each dispatch of
   * a source that may not recurse, and each change wakes the context: two
   * eventfd writes and one more loop iteration per wake-up.  Nothing
   * iterates this context from inside a dispatch (it is the I/O thread's
   * own), so recursion cannot happen and the churn is saved. */
  g_source_set_can_recurse (poller->source, TRUE);
  g_source_add_unix_fd (poller->source, epfd, G_IO_IN);
  g_source_attach (poller->source, context);
  return poller;
}

void
gst_ertmp_poller_free (GstErtmpPoller * poller)
{
  if (poller == NULL)
    return;
  g_source_destroy (poller->source);
  g_source_unref (poller->source);
  g_ptr_array_unref (poller->removed);
  g_array_unref (poller->deferred);
  close (poller->epfd);
  g_free (poller);
}

GstErtmpWatch *
gst_ertmp_poller_add (GstErtmpPoller * poller, gint fd,
    GstErtmpWatchFunc func, gpointer user_data)
{
  GstErtmpWatch *watch = g_new0 (GstErtmpWatch, 1);

  watch->poller = poller;
  watch->fd = fd;
  watch->func = func;
  watch->user_data = user_data;
  return watch;
}

void
gst_ertmp_watch_set (GstErtmpWatch * watch, gboolean read, gboolean write)
{
  struct epoll_event ev = { 0 };
  guint32 events = (read ? EPOLLIN : 0) | (write ? EPOLLOUT : 0);
  gint op;

  if (events == watch->events || watch->removed)
    return;
  if (events == 0)
    op = EPOLL_CTL_DEL;
  else if (watch->events == 0)
    op = EPOLL_CTL_ADD;
  else
    op = EPOLL_CTL_MOD;
  ev.events = events;
  ev.data.ptr = watch;
  if (epoll_ctl (watch->poller->epfd, op, watch->fd, &ev) < 0)
    g_warning ("epoll_ctl(%d) on fd %d failed: %s", op, watch->fd,
        g_strerror (errno));
  watch->events = events;
}

void
gst_ertmp_poller_defer (GstErtmpPoller * poller, GFunc func, gpointer data)
{
  Deferred d = { func, data };

  if (poller == NULL || !poller->dispatching) {
    func (data, NULL);
    return;
  }
  g_array_append_val (poller->deferred, d);
}

void
gst_ertmp_watch_remove (GstErtmpWatch * watch)
{
  if (watch == NULL)
    return;
  gst_ertmp_watch_set (watch, FALSE, FALSE);
  watch->removed = TRUE;
  /* an event of it may still be in the batch being dispatched */
  if (watch->poller->dispatching)
    g_ptr_array_add (watch->poller->removed, watch);
  else
    g_free (watch);
}

#else /* !__linux__ */

GstErtmpPoller *
gst_ertmp_poller_new (GMainContext * context)
{
  return NULL;
}

void
gst_ertmp_poller_free (GstErtmpPoller * poller)
{
}

GstErtmpWatch *
gst_ertmp_poller_add (GstErtmpPoller * poller, gint fd,
    GstErtmpWatchFunc func, gpointer user_data)
{
  return NULL;
}

void
gst_ertmp_watch_set (GstErtmpWatch * watch, gboolean read, gboolean write)
{
}

void
gst_ertmp_poller_defer (GstErtmpPoller * poller, GFunc func, gpointer data)
{
  func (data, NULL);
}

void
gst_ertmp_watch_remove (GstErtmpWatch * watch)
{
}

#endif
