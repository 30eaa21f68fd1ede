/* gst-ertmp: RTMP load generator, N publishers replaying one FLV file
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One thread, epoll, non-blocking sockets, one client ertmp_session per
 * connection (it does the handshake, connect, publish and chunking).
 * Connection i publishes to rtmp://HOST:PORT/APP/PREFIXi; with --ports-file
 * its port is line i of that file (one port per element).  New connections
 * are opened at --rate per second.  Once its publish is accepted, each
 * connection waits a random delay in [0, 1 s) and replays the file's tags
 * paced in real time, looping with timestamps that keep increasing (the
 * script tag and sequence headers go out once, before the first loop).
 * Every --tick-ms the tags that are due are queued and written with one
 * write() per connection.  --idle: connect and publish, then send nothing.
 * --play NAME: players instead: every connection plays
 * rtmp://HOST:PORT/APP/NAME (createStream, play, SetBufferLength) and
 * counts the audio and video messages and bytes it receives; --file is
 * not needed then.
 *
 * stdout, one line a second: "tick MONO_NS conns C publishing P failed F
 * sent_msgs M sent_bytes B slip_max_ms S" (S: the worst lateness of a tag
 * against its schedule in that second; when it is large the generator
 * itself could not keep up and the run is not valid).  "all-published
 * MONO_NS" once every connection publishes.
 *
 * Players print "tick MONO_NS conns C playing P failed F recv_msgs M
 * recv_bytes B" a second, "all-playing MONO_NS" once every one plays, and
 * --out-prefix gets PREFIX.received, "INDEX MESSAGES", and
 * PREFIX.samples, "INDEX TS NS MESSAGES": for every video key frame
 * received, its RTMP timestamp, the CLOCK_MONOTONIC time of the read()
 * that completed it and the audio and video messages that connection had
 * received then, this one included (the messages between two key frames
 * are the difference).
 *
 * At the end (SIGINT, SIGTERM or --duration) pending output is flushed and
 * --out-prefix gets two files: PREFIX.sent, "INDEX MESSAGES" (audio and
 * video messages sent per connection) and PREFIX.samples, "INDEX TS NS":
 * for every video key frame (not sequence headers) the RTMP timestamp and
 * the CLOCK_MONOTONIC time of the write() that completed it.
 *
 * Usage: ertmp_loadgen --file F.flv --host H --port P --app A --prefix K
 *          -n N [--ports-file F] [--rate R] [--tick-ms T] [--idle]
 *          [--duration S] [--out-prefix P] [--seed S]
 *        ertmp_loadgen --play NAME --host H --port P --app A -n N [--rate R]
 *          [--duration S] [--out-prefix P]
 */
#include "ertmp_session.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_BUF 65536
#define MAX_PENDING_SAMPLES 16

typedef struct
{
  guint8 type; /* 8, 9 or 18 */
  guint32 ts; /* ms from the first tag */
  const guint8 * data;
  gsize size;
  gboolean header; /* script tag or sequence header: first loop only */
  gboolean key; /* video key frame, sampled */
} Tag;

typedef struct
{
  guint64 end; /* output offset after the frame */
  guint32 ts;
} PendingSample;

typedef struct
{
  guint idx;
  gint fd;
  ertmp_session * s;
  gboolean connected, publishing, failed;
  gint64 start_ns; /* media schedule origin */
  guint tag, loop;
  guint64 written; /* bytes written so far */
  guint64 sent_msgs;
  guint64 recv_msgs; /* players: audio and video messages received */
  PendingSample pend[MAX_PENDING_SAMPLES];
  guint n_pend;
} Conn;

typedef struct
{
  guint32 idx, ts;
  gint64 ns;
  guint64 msgs; /* players: messages received, this one included */
} Sample;

static volatile sig_atomic_t stop_flag;

static struct
{
  const gchar *file, *host, *app, *prefix, *ports_file, *out_prefix, *play;
  gint port, n, rate, tick_ms, duration, seed;
  gboolean idle;
} opt = { NULL, "127.0.0.1", "live", "key", NULL, NULL, NULL, 1935, 1, 200,
  10, 0, 1, FALSE };

static GArray *tags; /* Tag */
static guint32 period_ms; /* one loop of the file */
static guint8 *file_data;
static GArray *samples; /* Sample */
static gint *ports;
static guint64 total_msgs, total_bytes;
static guint64 total_recv_msgs, total_recv_bytes;
static gint64 slip_max_ns;

static gint64
now_ns (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (gint64) t.tv_sec * G_GINT64_CONSTANT (1000000000) + t.tv_nsec;
}

static void
on_signal (int sig)
{
  (void) sig;
  stop_flag = 1;
}

/* ---- the FLV file ---- */

static void
classify (Tag * t)
{
  guint8 b0 = t->size > 0 ? t->data[0] : 0, b1 = t->size > 1 ? t->data[1] : 0;

  if (t->type == 18) {
    t->header = TRUE;
  } else if (t->type == 9 && (b0 & 0x80)) { /* Enhanced: packet type */
    t->header = (b0 & 0x0f) == 0 || (b0 & 0x0f) == 4; /* or metadata */
    t->key = ((b0 >> 4) & 7) == 1 && ((b0 & 0x0f) == 1
        || (b0 & 0x0f) == 3);
  } else if (t->type == 9) {
    gboolean avc = (b0 & 0x0f) == 7 || (b0 & 0x0f) == 12;
    t->header = avc && b1 == 0;
    t->key = (b0 >> 4) == 1 && !t->header && (!avc || b1 == 1);
  } else if (t->type == 8) {
    t->header = ((b0 >> 4) == 10 && b1 == 0)
        || ((b0 >> 4) == 9 && (b0 & 0x0f) == 0);
  }
}

/* AVC/HEVC end of sequence, Enhanced video or audio SequenceEnd: the file's
 * end, not the loop's */
static gboolean
is_sequence_end (const Tag * t)
{
  guint8 b0 = t->size > 0 ? t->data[0] : 0;

  if (t->type == 9 && (b0 & 0x80))
    return (b0 & 0x0f) == 2;
  if (t->type == 9)
    return t->size >= 2 && ((b0 & 0x0f) == 7 || (b0 & 0x0f) == 12)
        && t->data[1] == 2;
  return t->type == 8 && (b0 >> 4) == 9 && (b0 & 0x0f) == 2;
}

static void
load_file (void)
{
  GError *err = NULL;
  gsize len, off;
  guint32 first = 0, last = 0;

  if (!g_file_get_contents (opt.file, (gchar **) & file_data, &len, &err))
    g_error ("%s", err->message);
  if (len < 13 || memcmp (file_data, "FLV", 3) != 0)
    g_error ("%s: not an FLV file", opt.file);
  off = (((gsize) file_data[5] << 24) | (file_data[6] << 16)
      | (file_data[7] << 8) | file_data[8]) + 4; /* DataOffset + size 0 */
  tags = g_array_new (FALSE, TRUE, sizeof (Tag));
  while (off + 11 <= len) {
    const guint8 *h = file_data + off;
    Tag t = { 0 };
    t.type = h[0] & 0x1f;
    t.size = (h[1] << 16) | (h[2] << 8) | h[3];
    t.ts = ((guint32) h[7] << 24) | (h[4] << 16) | (h[5] << 8) | h[6];
    if (off + 11 + t.size > len)
      break;
    t.data = h + 11;
    off += 11 + t.size + 4;
    if (t.type != 8 && t.type != 9 && t.type != 18)
      continue;
    classify (&t);
    /* one onMetaData (flvmux repeats it); no end of sequence */
    if ((t.type == 18 && tags->len > 0) || is_sequence_end (&t))
      continue;
    if (tags->len == 0)
      first = t.ts;
    t.ts -= MIN (t.ts, first);
    last = MAX (last, t.ts);
    g_array_append_val (tags, t);
  }
  if (tags->len == 0)
    g_error ("%s: no tags", opt.file);
  period_ms = last + 33; /* one frame after the last tag */
}

/* ---- connections ---- */

static void
conn_fail (Conn * c, const gchar * what)
{
  const gchar *msg = NULL;

  if (!c->failed) {
    ertmp_session_get_error (c->s, NULL, &msg);
    g_printerr ("connection %u: %s%s%s\n", c->idx, what,
        msg ? ": " : "", msg ? msg : "");
  }
  c->failed = TRUE;
  c->publishing = FALSE;
}

/* Writes what the session has queued; records completed samples. */
static void
conn_flush (Conn * c)
{
  while (!c->failed) {
    gsize len;
    const guint8 *out = ertmp_session_pending_output (c->s, &len);
    gssize n;
    gint64 t;

    if (len == 0)
      return;
    n = write (c->fd, out, len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return;
    if (n <= 0) {
      conn_fail (c, g_strerror (errno));
      return;
    }
    ertmp_session_output_written (c->s, n);
    c->written += n;
    total_bytes += n;
    t = now_ns ();
    while (c->n_pend > 0 && c->pend[0].end <= c->written) {
      Sample s = { c->idx, c->pend[0].ts, t, 0 };
      g_array_append_val (samples, s);
      memmove (c->pend, c->pend + 1, --c->n_pend * sizeof (PendingSample));
    }
  }
}

/* A received video message is a key frame (not a sequence header). */
static gboolean
is_key_frame (const ertmp_session_event * ev)
{
  Tag t = { 0 };

  if (ev->media.type_id != 9)
    return FALSE;
  t.type = 9;
  t.data = g_bytes_get_data (ev->media.payload, &t.size);
  classify (&t);
  return t.key;
}

/* @read_ns: when the bytes that completed these events were read */
static void
conn_events (Conn * c, gint64 read_ns)
{
  ertmp_session_event ev;

  while (ertmp_session_next_event (c->s, &ev) == ERTMP_OK) {
    if (ev.type == ERTMP_SESSION_EVENT_PLAY_STARTED) {
      c->publishing = TRUE; /* playing: counted the same way */
    } else if (ev.type == ERTMP_SESSION_EVENT_MEDIA) {
      c->recv_msgs++;
      total_recv_msgs++;
      total_recv_bytes += g_bytes_get_size (ev.media.payload);
      if (opt.out_prefix && is_key_frame (&ev)) {
        Sample s = { c->idx, (guint32) ev.media.timestamp, read_ns,
          c->recv_msgs
        };
        g_array_append_val (samples, s);
      }
    } else if (ev.type == ERTMP_SESSION_EVENT_PUBLISH_STARTED) {
      c->publishing = TRUE;
      /* a random start in the first second spreads the load */
      c->start_ns = now_ns ()
          + g_random_int_range (0, 1000) * G_GINT64_CONSTANT (1000000);
    } else if (ev.type == ERTMP_SESSION_EVENT_ERROR) {
      conn_fail (c, ev.status.description ? ev.status.description : "error");
    }
  }
}

static void
conn_read (Conn * c)
{
  static guint8 buf[READ_BUF];

  while (!c->failed) {
    gssize n = read (c->fd, buf, sizeof buf);
    gsize off = 0;
    gint64 t = opt.play ? now_ns () : 0;

    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return;
    if (n <= 0) {
      conn_fail (c, n == 0 ? "closed by the server" : g_strerror (errno));
      return;
    }
    while (off < (gsize) n && !c->failed) {
      gsize used = 0;
      if (ertmp_session_receive (c->s, buf + off, n - off, &used) != ERTMP_OK)
        conn_fail (c, "protocol error");
      off += used;
      conn_events (c, t);
    }
  }
}

static gboolean
conn_open (Conn * c)
{
  ertmp_session_config cfg;
  ertmp_session_connect_params cp = { 0 };
  struct sockaddr_in sa = { 0 };
  gint port = ports ? ports[c->idx] : opt.port, one = 1;
  gchar *tc_url, *name;

  c->fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) {
    g_printerr ("socket: %s\n", g_strerror (errno));
    return FALSE;
  }
  setsockopt (c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sa.sin_family = AF_INET;
  sa.sin_port = htons (port);
  inet_pton (AF_INET, opt.host, &sa.sin_addr);
  if (connect (c->fd, (struct sockaddr *) &sa, sizeof sa) < 0
      && errno != EINPROGRESS) {
    g_printerr ("connect: %s\n", g_strerror (errno));
    return FALSE;
  }
  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.handshake_seed = c->idx + 1;
  c->s = ertmp_session_new (&cfg);
  tc_url = g_strdup_printf ("rtmp://%s:%d/%s", opt.host, port, opt.app);
  name = g_strdup_printf ("%s%u", opt.prefix, c->idx);
  cp.tc_url = tc_url;
  cp.app = opt.app;
  if (ertmp_session_connect (c->s, &cp) != ERTMP_OK
      || (opt.play ? ertmp_session_play (c->s, opt.play, 1000)
          : ertmp_session_publish (c->s, name, "live")) != ERTMP_OK)
    g_error ("session calls failed");
  g_free (tc_url);
  g_free (name);
  return TRUE;
}

/* ---- pacing ---- */

/* Queues every tag of @c that is due at @now, then writes. */
static void
conn_pace (Conn * c, gint64 now)
{
  for (;;) {
    Tag *t = &g_array_index (tags, Tag, c->tag);
    guint64 ts = t->ts + (guint64) c->loop * period_ms;
    gint64 due = c->start_ns + (gint64) ts * 1000000;
    ertmp_result r;
    gsize after;

    if (due > now)
      break;
    if (t->header && c->loop > 0) {
      r = ERTMP_OK;
    } else {
      if (t->type == 18)
        r = ertmp_session_send_data (c->s, 18, ts, t->data, t->size);
      else
        r = ertmp_session_send_media (c->s, t->type, ts, t->data, t->size);
      if (r != ERTMP_OK) {
        conn_fail (c, "send failed (output backlog)");
        return;
      }
      if (t->type != 18) {
        c->sent_msgs++;
        total_msgs++;
      }
      slip_max_ns = MAX (slip_max_ns, now - due);
      ertmp_session_pending_output (c->s, &after);
      if (t->key && c->n_pend < MAX_PENDING_SAMPLES) {
        c->pend[c->n_pend].end = c->written + after;
        c->pend[c->n_pend++].ts = (guint32) ts;
      }
    }
    if (++c->tag == tags->len) {
      c->tag = 0;
      c->loop++;
    }
  }
  conn_flush (c);
}

/* ---- main loop ---- */

static void
handle_event (Conn * c, guint32 events)
{
  if (c->failed)
    return;
  if (!c->connected && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
    gint err = 0;
    socklen_t l = sizeof err;
    getsockopt (c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
    if (err != 0) {
      errno = err;
      conn_fail (c, g_strerror (err));
      return;
    }
    c->connected = TRUE;
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
    conn_read (c);
  if (c->connected)
    conn_flush (c);
}

static void
report (Conn * conns, gint n_open)
{
  guint publishing = 0, failed = 0;
  gint i;

  for (i = 0; i < n_open; i++) {
    publishing += conns[i].publishing;
    failed += conns[i].failed;
  }
  if (opt.play)
    printf ("tick %" G_GINT64_FORMAT " conns %d playing %u failed %u "
        "recv_msgs %" G_GUINT64_FORMAT " recv_bytes %" G_GUINT64_FORMAT
        "\n", now_ns (), n_open, publishing, failed, total_recv_msgs,
        total_recv_bytes);
  else
    printf ("tick %" G_GINT64_FORMAT " conns %d publishing %u failed %u "
        "sent_msgs %" G_GUINT64_FORMAT " sent_bytes %" G_GUINT64_FORMAT
        " slip_max_ms %.1f\n", now_ns (), n_open, publishing, failed,
        total_msgs, total_bytes, slip_max_ns / 1e6);
  if (publishing == (guint) opt.n) {
    static gboolean once;
    if (!once)
      printf ("%s %" G_GINT64_FORMAT "\n",
          opt.play ? "all-playing" : "all-published", now_ns ());
    once = TRUE;
  }
  fflush (stdout);
  slip_max_ns = 0;
}

static gint
run (Conn * conns, gint ep)
{
  gint64 t0 = now_ns (), next_report = t0 + 1000000000, next_tick = t0;
  gint n_open = 0, i;
  struct epoll_event evs[256];

  while (!stop_flag) {
    gint64 now = now_ns ();
    gint want = MIN (opt.n,
        (gint) ((now - t0) / 1000000 * opt.rate / 1000) + 1);
    gint n, timeout;

    if (opt.duration > 0
        && now - t0 >= opt.duration * G_GINT64_CONSTANT (1000000000))
      break;
    while (n_open < want) {
      Conn *c = &conns[n_open];
      struct epoll_event ev = { EPOLLIN | EPOLLOUT | EPOLLET, { .ptr = c } };
      c->idx = n_open++;
      if (!conn_open (c))
        return 1;
      epoll_ctl (ep, EPOLL_CTL_ADD, c->fd, &ev);
    }
    if (now >= next_tick) {
      for (i = 0; i < n_open && !opt.idle && !opt.play; i++)
        if (conns[i].publishing && conns[i].start_ns <= now)
          conn_pace (&conns[i], now);
      next_tick += opt.tick_ms * 1000000;
      if (next_tick < now)
        next_tick = now;
    }
    if (now >= next_report) {
      report (conns, n_open);
      next_report += 1000000000;
    }
    timeout = (gint) ((MIN (next_tick, next_report) - now_ns () + 999999)
        / 1000000);
    n = epoll_wait (ep, evs, G_N_ELEMENTS (evs), MAX (timeout, 0));
    for (i = 0; i < n; i++)
      handle_event (evs[i].data.ptr, evs[i].events);
  }
  return 0;
}

static void
write_results (Conn * conns)
{
  gchar *path;
  FILE *f;
  guint i;

  if (opt.out_prefix == NULL)
    return;
  if (opt.play) {
    path = g_strdup_printf ("%s.received", opt.out_prefix);
    f = fopen (path, "w");
    for (i = 0; f && i < (guint) opt.n; i++)
      fprintf (f, "%u %" G_GUINT64_FORMAT "\n", i, conns[i].recv_msgs);
    if (f)
      fclose (f);
    g_free (path);
    path = g_strdup_printf ("%s.samples", opt.out_prefix);
    f = fopen (path, "w");
    for (i = 0; f && i < samples->len; i++) {
      Sample *s = &g_array_index (samples, Sample, i);
      fprintf (f, "%u %u %" G_GINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
          s->idx, s->ts, s->ns, s->msgs);
    }
    if (f)
      fclose (f);
    g_free (path);
    return;
  }
  path = g_strdup_printf ("%s.sent", opt.out_prefix);
  f = fopen (path, "w");
  for (i = 0; f && i < (guint) opt.n; i++)
    fprintf (f, "%u %" G_GUINT64_FORMAT "\n", i, conns[i].sent_msgs);
  if (f)
    fclose (f);
  g_free (path);
  path = g_strdup_printf ("%s.samples", opt.out_prefix);
  f = fopen (path, "w");
  for (i = 0; f && i < samples->len; i++) {
    Sample *s = &g_array_index (samples, Sample, i);
    fprintf (f, "%u %u %" G_GINT64_FORMAT "\n", s->idx, s->ts, s->ns);
  }
  if (f)
    fclose (f);
  g_free (path);
}

/* Writes what is still queued (up to 2 s), then closes every socket. */
static void
finish (Conn * conns)
{
  gint64 end = now_ns () + 2000000000;
  gboolean left = TRUE;
  gint i;

  while (left && now_ns () < end) {
    left = FALSE;
    for (i = 0; i < opt.n; i++) {
      gsize len = 0;
      if (conns[i].s == NULL || conns[i].failed || !conns[i].connected)
        continue;
      conn_flush (&conns[i]);
      ertmp_session_pending_output (conns[i].s, &len);
      left |= len > 0;
    }
    if (left)
      g_usleep (1000);
  }
  write_results (conns);
  for (i = 0; i < opt.n; i++) {
    if (conns[i].s == NULL)
      continue;
    close (conns[i].fd);
    ertmp_session_free (conns[i].s);
  }
}

static void
read_ports (void)
{
  gchar *text, **lines;
  GError *err = NULL;
  gint i;

  if (!g_file_get_contents (opt.ports_file, &text, NULL, &err))
    g_error ("%s", err->message);
  lines = g_strsplit (text, "\n", -1);
  if (g_strv_length (lines) < (guint) opt.n)
    g_error ("%s: fewer than %d ports", opt.ports_file, opt.n);
  ports = g_new (gint, opt.n);
  for (i = 0; i < opt.n; i++)
    ports[i] = atoi (lines[i]);
  g_strfreev (lines);
  g_free (text);
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    {"file", 0, 0, G_OPTION_ARG_FILENAME, &opt.file, "FLV file", "F"},
    {"host", 0, 0, G_OPTION_ARG_STRING, &opt.host, "server address", "H"},
    {"port", 0, 0, G_OPTION_ARG_INT, &opt.port, "server port", "P"},
    {"ports-file", 0, 0, G_OPTION_ARG_FILENAME, &opt.ports_file,
        "one port per connection, a line each", "F"},
    {"app", 0, 0, G_OPTION_ARG_STRING, &opt.app, "application", "A"},
    {"prefix", 0, 0, G_OPTION_ARG_STRING, &opt.prefix, "stream key prefix",
        "K"},
    {"n", 'n', 0, G_OPTION_ARG_INT, &opt.n, "connections", "N"},
    {"rate", 0, 0, G_OPTION_ARG_INT, &opt.rate, "new connections a second",
        "R"},
    {"tick-ms", 0, 0, G_OPTION_ARG_INT, &opt.tick_ms, "pacing tick", "T"},
    {"idle", 0, 0, G_OPTION_ARG_NONE, &opt.idle, "publish, send nothing",
        NULL},
    {"duration", 0, 0, G_OPTION_ARG_INT, &opt.duration, "seconds (0: until "
          "SIGINT/SIGTERM)", "S"},
    {"out-prefix", 0, 0, G_OPTION_ARG_FILENAME, &opt.out_prefix,
        "result files PREFIX.sent (.received) and PREFIX.samples", "P"},
    {"seed", 0, 0, G_OPTION_ARG_INT, &opt.seed, "random seed", "S"},
    {"play", 0, 0, G_OPTION_ARG_STRING, &opt.play, "players of stream NAME "
          "instead of publishers", "NAME"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- RTMP load generator");
  GError *err = NULL;
  Conn *conns;
  gint ep, rc;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &err)
      || (opt.file == NULL && opt.play == NULL)
      || opt.n < 1 || opt.rate < 1 || opt.tick_ms < 1) {
    g_printerr ("%s\n", err ? err->message : "--file (or --play), -n >= 1 "
        "needed");
    return 2;
  }
  g_option_context_free (ctx);
  g_random_set_seed (opt.seed);
  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);
  signal (SIGPIPE, SIG_IGN);
  if (opt.play == NULL)
    load_file ();
  else
    tags = g_array_new (FALSE, FALSE, sizeof (Tag));
  if (opt.ports_file)
    read_ports ();
  samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  conns = g_new0 (Conn, opt.n);
  ep = epoll_create1 (EPOLL_CLOEXEC);
  rc = run (conns, ep);
  finish (conns);
  close (ep);
  g_free (conns);
  g_free (ports);
  g_array_unref (samples);
  g_array_unref (tags);
  g_free (file_data);
  return rc;
}
