/* gst-ertmp: the process's streaming workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One lock for the queue and the counters.  Wake-ups are counted: a
 * worker is signalled only while the idle workers outnumber the signals
 * on their way, so that a burst of scheduling wakes each idle worker once
 * at most, not once per unit.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstertmpworkers.h"

/* a worker beyond the base count with nothing to do for this long ends */
#define IDLE_END_US (10 * G_USEC_PER_SEC)

enum
{
  WORK_IDLE,
  WORK_QUEUED,
  WORK_RUNNING,
  WORK_RUNNING_AGAIN,           /* scheduled while running */
};

typedef struct
{
  GstErtmpWork *running;
  GThread *thread;              /* joined by the last release */
} Worker;

static GMutex lock;
static GCond wake_cond;         /* workers wait for work */
static GCond done_cond;         /* cancels wait for a unit to finish */
static GQueue queue;
static GPtrArray *workers;      /* Worker, every live worker */
static guint n_idle;            /* waiting on wake_cond */
static guint n_signalled;       /* signals not yet taken by a waiter */
static guint n_cancelling;      /* waiting on done_cond */
static guint users;             /* acquire - release */
static gboolean quit;           /* the last user left: workers end */

void
gst_ertmp_work_init (GstErtmpWork * work, GstErtmpWorkFunc func,
    gpointer data)
{
  memset (work, 0, sizeof (*work));
  work->func = func;
  work->data = data;
  work->link.data = work;
  work->state = WORK_IDLE;
}

/* g_get_num_processors () reads a sysfs file: once */
static guint
base_workers (void)
{
  static gsize base = 0;

  if (g_once_init_enter (&base))
    g_once_init_leave (&base, MAX (2, g_get_num_processors ()));
  return base;
}

static gpointer worker_main (gpointer data);

/* Under the lock.  Workers stuck in one unit. */
static guint
stuck_workers (void)
{
  gint64 stall = g_get_monotonic_time () - GST_ERTMP_WORK_STALL_MS * 1000;
  guint i, stuck = 0;

  for (i = 0; workers != NULL && i < workers->len; i++) {
    Worker *w = g_ptr_array_index (workers, i);
    if (w->running != NULL && w->running->since < stall)
      stuck++;
  }
  return stuck;
}

/* Under the lock, with work queued: wakes an idle worker, or starts one
 * when there are fewer than the base count that can take it. */
static void
kick (void)
{
  Worker *w;
  GThread *thread;
  GError *err = NULL;

  if (n_idle > n_signalled) {
    n_signalled++;
    g_cond_signal (&wake_cond);
    return;
  }
  if (workers == NULL)
    workers = g_ptr_array_new ();
  /* nobody to serve (an event sent to an element outside any server):
   * the unit waits, its element cancels it */
  if (users == 0)
    return;
  /* every worker is busy: a new one only if some are stuck */
  if (workers->len >= GST_ERTMP_WORKERS_MAX
      || (workers->len >= base_workers ()
          && workers->len - stuck_workers () >= base_workers ()))
    return;
  w = g_new0 (Worker, 1);
  thread = g_thread_try_new ("ertmp-stream", worker_main, w, &err);
  if (thread == NULL) {
    g_warning ("cannot start a streaming worker: %s", err->message);
    g_error_free (err);
    g_free (w);
    return;
  }
  w->thread = thread;
  g_ptr_array_add (workers, w);
}

static gpointer
worker_main (gpointer data)
{
  Worker *self = data;
  GstErtmpWork *work;

  g_mutex_lock (&lock);
  for (;;) {
    gint64 until = g_get_monotonic_time () + IDLE_END_US;
    gboolean timed_out = FALSE;

    while (g_queue_is_empty (&queue) && !timed_out && !quit) {
      n_idle++;
      timed_out = !g_cond_wait_until (&wake_cond, &lock, until);
      n_idle--;
      if (n_signalled > 0)
        n_signalled--;
    }
    /* only workers beyond the base count end (those started for stuck
     * ones): a thread ending at any moment, process exit included, is
     * what leak checkers and debuggers cope with worst */
    if (g_queue_is_empty (&queue) && quit)
      goto joined;              /* the last release joins this thread */
    if (g_queue_is_empty (&queue) && workers->len > base_workers ())
      break;
    if (g_queue_is_empty (&queue))
      continue;
    work = g_queue_pop_head_link (&queue)->data;
    work->state = WORK_RUNNING;
    work->thread = g_thread_self ();
    work->since = g_get_monotonic_time ();
    self->running = work;
    /* more queued: let another worker share it */
    if (!g_queue_is_empty (&queue))
      kick ();
    g_mutex_unlock (&lock);

    work->func (work->data);

    g_mutex_lock (&lock);
    self->running = NULL;
    work->thread = NULL;
    if (work->state == WORK_RUNNING_AGAIN && !work->cancelled) {
      work->state = WORK_QUEUED;
      g_queue_push_tail_link (&queue, &work->link);
    } else {
      work->state = WORK_IDLE;
    }
    if (n_cancelling > 0)
      g_cond_broadcast (&done_cond);
  }
  g_ptr_array_remove_fast (workers, self);
  g_thread_unref (self->thread);
  g_mutex_unlock (&lock);
  g_free (self);
  return NULL;

joined:
  g_mutex_unlock (&lock);
  return NULL;
}

/* Under the lock: queues @work unless it is queued or will run again. */
static gboolean
enqueue (GstErtmpWork * work)
{
  work->cancelled = FALSE;
  switch (work->state) {
    case WORK_IDLE:
      work->state = WORK_QUEUED;
      g_queue_push_tail_link (&queue, &work->link);
      return TRUE;
    case WORK_RUNNING:
      work->state = WORK_RUNNING_AGAIN;
      return FALSE;
    default:
      return FALSE;
  }
}

void
gst_ertmp_work_schedule (GstErtmpWork * work)
{
  g_mutex_lock (&lock);
  if (enqueue (work))
    kick ();
  g_mutex_unlock (&lock);
}

static GPrivate later = G_PRIVATE_INIT ((GDestroyNotify) g_ptr_array_unref);

gboolean
gst_ertmp_work_schedule_later (GstErtmpWork * work)
{
  GPtrArray *list = g_private_get (&later);

  if (list == NULL) {
    list = g_ptr_array_new ();
    g_private_set (&later, list);
  }
  g_ptr_array_add (list, work);
  return list->len == 1;
}

void
gst_ertmp_workers_flush (void)
{
  GPtrArray *list = g_private_get (&later);
  gboolean queued = FALSE;
  guint i;

  if (list == NULL || list->len == 0)
    return;
  g_mutex_lock (&lock);
  for (i = 0; i < list->len; i++)
    queued |= enqueue (g_ptr_array_index (list, i));
  /* one worker; it wakes a second when it sees more queued */
  if (queued)
    kick ();
  g_mutex_unlock (&lock);
  g_ptr_array_set_size (list, 0);
}

void
gst_ertmp_work_cancel (GstErtmpWork * work)
{
  g_mutex_lock (&lock);
  for (;;) {
    if (work->state == WORK_QUEUED) {
      g_queue_unlink (&queue, &work->link);
      work->state = WORK_IDLE;
    }
    if (work->state == WORK_IDLE)
      break;
    /* running: not again, and wait unless it is this very thread */
    work->cancelled = TRUE;
    if (work->thread == g_thread_self ())
      break;
    n_cancelling++;
    g_cond_wait (&done_cond, &lock);
    n_cancelling--;
  }
  g_mutex_unlock (&lock);
}

void
gst_ertmp_workers_check (void)
{
  g_mutex_lock (&lock);
  if (!g_queue_is_empty (&queue))
    kick ();
  g_mutex_unlock (&lock);
}

void
gst_ertmp_workers_get_counts (guint * n_workers, guint * n_stuck)
{
  g_mutex_lock (&lock);
  *n_workers = workers != NULL ? workers->len : 0;
  *n_stuck = stuck_workers ();
  g_mutex_unlock (&lock);
}

void
gst_ertmp_workers_acquire (void)
{
  g_mutex_lock (&lock);
  users++;
  g_mutex_unlock (&lock);
}

void
gst_ertmp_workers_release (void)
{
  GPtrArray *gone = NULL;
  guint i;

  g_mutex_lock (&lock);
  if (--users == 0 && workers != NULL && workers->len > 0) {
    gone = workers;
    workers = NULL;
    quit = TRUE;
    g_cond_broadcast (&wake_cond);
  }
  g_mutex_unlock (&lock);
  if (gone == NULL)
    return;
  for (i = 0; i < gone->len; i++) {
    Worker *w = g_ptr_array_index (gone, i);

    g_thread_join (w->thread);
    g_free (w);
  }
  g_ptr_array_unref (gone);
  g_mutex_lock (&lock);
  quit = FALSE;
  n_signalled = 0;
  g_mutex_unlock (&lock);
}
