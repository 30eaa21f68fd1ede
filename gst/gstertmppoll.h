/* gst-ertmp: many sockets behind one main-loop source (epoll)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A GMainContext checks every source and polls every file descriptor on
 * each iteration: with thousands of connections, one source per socket
 * makes each wake-up cost thousands of checks.  A poller is one source
 * whose only descriptor is an epoll set: a wake-up costs one epoll_wait
 * and the work of the sockets that are ready.  Linux only; elsewhere
 * gst_ertmp_poller_new returns NULL and connections use their own sources.
 *
 * All functions but new/free run in the thread iterating the context.
 */
#ifndef __GST_ERTMP_POLL_H__
#define __GST_ERTMP_POLL_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GstErtmpPoller GstErtmpPoller;
typedef struct _GstErtmpWatch GstErtmpWatch;

/* @readable / @writable: what is ready (an error or hang-up counts as
 * both, so that the read or write finds it). */
typedef void (*GstErtmpWatchFunc) (gpointer user_data, gboolean readable,
    gboolean writable);

/* NULL when the platform has no epoll. */
GstErtmpPoller *gst_ertmp_poller_new (GMainContext * context);
/* After the context's loop stopped; every watch must be gone. */
void gst_ertmp_poller_free (GstErtmpPoller * poller);

GstErtmpWatch *gst_ertmp_poller_add (GstErtmpPoller * poller, gint fd,
    GstErtmpWatchFunc func, gpointer user_data);
/* What to wait for (level-triggered). */
void gst_ertmp_watch_set (GstErtmpWatch * watch, gboolean read,
    gboolean write);
/* Stops the watch; its function is not called again (also later in the
 * wake-up that is being dispatched). */
void gst_ertmp_watch_remove (GstErtmpWatch * watch);

G_END_DECLS

#endif /* __GST_ERTMP_POLL_H__ */
