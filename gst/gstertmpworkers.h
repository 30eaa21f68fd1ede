/* gst-ertmp: the process's streaming workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Elements fed by the shared server (rtmpingestsrc) push downstream from
 * a few threads that every such element of the process shares, instead
 * of one streaming thread each.  With a thread per element, every tag of
 * every publisher woke a thread of its own: at a few hundred publishers
 * most of the process's CPU went to threads falling asleep and waking up.
 * A worker that finds more work queued when it finishes takes it without
 * sleeping, so a burst of tags from many sockets costs a wake-up or two.
 *
 * A unit of work (GstErtmpWork, one per element) is queued at most once
 * and never runs on two workers at the same time: an element's buffers
 * stay in order.  There are as many workers as cores (at least 2), plus
 * one for every worker stuck for more than GST_ERTMP_WORK_STALL_MS in one
 * unit (a blocked downstream push), so that one element blocking its
 * worker does not stop the others (up to GST_ERTMP_WORKERS_MAX of them).
 * Those extra workers end after a while idle; the others end with the
 * last server (gst_ertmp_workers_release).
 */
#ifndef __GST_ERTMP_WORKERS_H__
#define __GST_ERTMP_WORKERS_H__

#include <glib.h>

G_BEGIN_DECLS

/* a unit running longer than this no longer counts as a worker */
#define GST_ERTMP_WORK_STALL_MS 100
/* at most this many workers, stuck ones included */
#define GST_ERTMP_WORKERS_MAX 4096

typedef void (*GstErtmpWorkFunc) (gpointer data);

typedef struct
{
  /*< private >*/
  GstErtmpWorkFunc func;
  gpointer data;
  GList link;                   /* in the queue while queued */
  gint state;
  gboolean cancelled;
  GThread *thread;              /* running on, or NULL */
  gint64 since;                 /* monotonic us it started running */
} GstErtmpWork;

void gst_ertmp_work_init (GstErtmpWork * work, GstErtmpWorkFunc func,
    gpointer data);
/* Any thread: @work runs on a worker once more, after what it is running
 * now, if anything.  Runs it again even after a cancel. */
void gst_ertmp_work_schedule (GstErtmpWork * work);
/* Like schedule, but kept in this thread's list until
 * gst_ertmp_workers_flush (): the I/O thread schedules every element its
 * wake-up fed at once, with one lock and one wake-up.  TRUE when the list
 * was empty (the caller arranges the flush). */
gboolean gst_ertmp_work_schedule_later (GstErtmpWork * work);
void gst_ertmp_workers_flush (void);
/* Any thread: takes @work out of the queue and waits until it is not
 * running.  From @work's own function, only takes it out of the queue.
 * The caller makes sure its function returns soon (flushing). */
void gst_ertmp_work_cancel (GstErtmpWork * work);
/* Adds a worker when the queue waits behind stuck ones; the server's
 * sweep calls it, in case nothing is scheduled for a while. */
void gst_ertmp_workers_check (void);
/* The shared server's I/O thread's users are the workers' users too: the
 * last release ends and joins every worker (no element is left to push),
 * so that no thread of ours outlives the last server. */
void gst_ertmp_workers_acquire (void);
void gst_ertmp_workers_release (void);
/* For stats: the workers alive now, and how many of them are stuck. */
void gst_ertmp_workers_get_counts (guint * workers, guint * stuck);

G_END_DECLS

#endif /* __GST_ERTMP_WORKERS_H__ */
