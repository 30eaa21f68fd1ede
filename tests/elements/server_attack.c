/* gst-ertmp: hostile clients for the server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "server_attack.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define HANDSHAKE_SIZE 1536
#define CHUNK 128
/* a bound on each blocking step here, only to catch a hang */
#define IO_BOUND_MS 30000

gboolean
attack_raise_nofile (guint n)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) != 0)
    return FALSE;
  if (rl.rlim_cur >= n)
    return TRUE;
  rl.rlim_cur = MIN ((rlim_t) n, rl.rlim_max);
  return setrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= n;
}

gint
attack_connect (guint16 port)
{
  struct sockaddr_in addr;
  gint fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  memset (&addr, 0, sizeof (addr));
  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &addr, sizeof (addr)) != 0) {
    close (fd);
    return -1;
  }
  return fd;
}

GArray *
attack_idle (guint16 port, guint n)
{
  GArray *fds = g_array_new (FALSE, FALSE, sizeof (gint));
  guint i;

  for (i = 0; i < n; i++) {
    gint fd = attack_connect (port);

    g_array_append_val (fds, fd);
  }
  return fds;
}

/* TRUE when the peer closed or reset @fd; reads what is there */
static gboolean
is_closed (gint fd)
{
  guint8 buf[4096];

  for (;;) {
    gssize n = recv (fd, buf, sizeof (buf), MSG_DONTWAIT);

    if (n > 0)
      continue;
    return n == 0 || (errno != EAGAIN && errno != EINTR);
  }
}

guint
attack_count_closed (GArray * fds)
{
  guint i, n = 0;

  for (i = 0; i < fds->len; i++) {
    gint fd = g_array_index (fds, gint, i);

    if (fd < 0 || is_closed (fd))
      n++;
  }
  return n;
}

void
attack_close_all (GArray * fds)
{
  guint i;

  for (i = 0; i < fds->len; i++)
    if (g_array_index (fds, gint, i) >= 0)
      close (g_array_index (fds, gint, i));
  g_array_unref (fds);
}

/* ---- slowloris ----------------------------------------------------------- */

struct _AttackLoris
{
  GThread *thread;
  GArray *fds;
  guint step_ms;
  guint8 hello[1 + HANDSHAKE_SIZE];
  gint stop;
};

static gpointer
loris_run (gpointer data)
{
  AttackLoris *l = data;
  gsize pos;

  for (pos = 0; pos < sizeof (l->hello) && !g_atomic_int_get (&l->stop);
      pos++) {
    guint i;

    for (i = 0; i < l->fds->len; i++) {
      gint fd = g_array_index (l->fds, gint, i);

      if (fd >= 0 && send (fd, &l->hello[pos], 1, MSG_NOSIGNAL |
              MSG_DONTWAIT) < 0 && errno != EAGAIN) {
        close (fd);
        g_array_index (l->fds, gint, i) = -1;
      }
    }
    g_usleep (l->step_ms * G_TIME_SPAN_MILLISECOND);
  }
  return NULL;
}

AttackLoris *
attack_loris_start (guint16 port, guint n, guint step_ms)
{
  AttackLoris *l = g_new0 (AttackLoris, 1);
  guint i;

  l->step_ms = step_ms;
  l->hello[0] = 3;
  for (i = 9; i < sizeof (l->hello); i++)
    l->hello[i] = (guint8) g_random_int ();
  l->fds = attack_idle (port, n);
  l->thread = g_thread_new ("slowloris", loris_run, l);
  return l;
}

guint
attack_loris_stop (AttackLoris * l)
{
  guint closed;

  g_atomic_int_set (&l->stop, 1);
  g_thread_join (l->thread);
  closed = attack_count_closed (l->fds);
  attack_close_all (l->fds);
  g_free (l);
  return closed;
}

/* ---- bytes on the wire --------------------------------------------------- */

/* Sends all of @data: FALSE when the server closed or reset */
static gboolean
send_all (gint fd, const guint8 * data, gsize len)
{
  while (len > 0) {
    struct pollfd pfd = { fd, POLLOUT, 0 };
    gssize n;

    if (poll (&pfd, 1, IO_BOUND_MS) <= 0 || (pfd.revents & (POLLERR |
                POLLHUP)))
      return FALSE;
    n = send (fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      return FALSE;
    if (n > 0) {
      data += n;
      len -= n;
    }
  }
  return TRUE;
}

static gboolean
recv_all (gint fd, guint8 * data, gsize len)
{
  while (len > 0) {
    struct pollfd pfd = { fd, POLLIN, 0 };
    gssize n;

    if (poll (&pfd, 1, IO_BOUND_MS) <= 0)
      return FALSE;
    n = recv (fd, data, len, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
      return FALSE;
    if (n > 0) {
      data += n;
      len -= n;
    }
  }
  return TRUE;
}

gboolean
attack_wait_closed (gint fd, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000ll;
  guint8 buf[4096];

  for (;;) {
    struct pollfd pfd = { fd, POLLIN, 0 };
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    gssize n;

    if (left <= 0 || poll (&pfd, 1, left) <= 0)
      return FALSE;
    n = recv (fd, buf, sizeof (buf), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
      return TRUE;
  }
}

gboolean
attack_garbage (guint16 port, gsize len, guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (len);
  gint fd = attack_connect (port);
  gboolean closed = TRUE;
  gsize i;

  for (i = 0; i < len; i++)
    data[i] = (guint8) g_rand_int (rand);
  /* no RTMP version (3, 6) in C0 */
  data[0] = 0x47;
  if (fd >= 0) {
    send_all (fd, data, len);
    closed = attack_wait_closed (fd, IO_BOUND_MS);
    close (fd);
  }
  g_free (data);
  g_rand_free (rand);
  return closed;
}

gint
attack_handshake (guint16 port)
{
  guint8 c0c1[1 + HANDSHAKE_SIZE] = { 3 }, s[1 + 2 * HANDSHAKE_SIZE];
  gint fd = attack_connect (port);
  gsize i;

  if (fd < 0)
    return -1;
  for (i = 9; i < sizeof (c0c1); i++)
    c0c1[i] = (guint8) g_random_int ();
  /* C2 echoes S1 */
  if (!send_all (fd, c0c1, sizeof (c0c1)) || !recv_all (fd, s, sizeof (s))
      || !send_all (fd, s + 1, HANDSHAKE_SIZE)) {
    close (fd);
    return -1;
  }
  return fd;
}

/* A type 20 message on chunk stream 3, @declared long, its first @len
 * bytes @body split into 128-byte chunks */
static gboolean
send_message (gint fd, guint32 declared, const guint8 * body, gsize len)
{
  guint8 hdr[12] = { 0x03, 0, 0, 0, (declared >> 16) & 0xff,
    (declared >> 8) & 0xff, declared & 0xff, 20, 0, 0, 0, 0
  };
  guint8 cont = 0xc3;
  gsize off;

  if (!send_all (fd, hdr, sizeof (hdr)))
    return FALSE;
  for (off = 0; off < len; off += CHUNK) {
    if (off > 0 && !send_all (fd, &cont, 1))
      return FALSE;
    if (!send_all (fd, body + off, MIN (CHUNK, len - off)))
      return FALSE;
  }
  return TRUE;
}

gboolean
attack_declare (gint fd, guint32 declared, gsize body)
{
  guint8 *data = g_malloc0 (body);
  gboolean sent;

  /* the start of a "connect" command */
  if (body > 10)
    memcpy (data, "\x02\x00\x07" "connect", 10);
  sent = send_message (fd, declared, data, body);
  g_free (data);
  return !sent || attack_wait_closed (fd, IO_BOUND_MS);
}

static void
amf_string (GByteArray * b, const gchar * s)
{
  guint8 len[2] = { strlen (s) >> 8, strlen (s) & 0xff };

  g_byte_array_append (b, len, 2);
  g_byte_array_append (b, (const guint8 *) s, strlen (s));
}

static void
amf_prop_string (GByteArray * b, const gchar * name, const gchar * value)
{
  guint8 marker = 0x02;

  amf_string (b, name);
  g_byte_array_append (b, &marker, 1);
  amf_string (b, value);
}

gboolean
attack_big_connect (gint fd, gsize len)
{
  static const guint8 one[9] = { 0x00, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0 };
  static const guint8 end[3] = { 0, 0, 9 };
  GByteArray *b = g_byte_array_new ();
  guint8 marker = 0x02, lstr[5] = { 0x0c, len >> 24, len >> 16, len >> 8,
    len
  };
  guint8 *pad = g_malloc (len);
  gboolean sent;

  memset (pad, 'A', len);
  g_byte_array_append (b, &marker, 1);
  amf_string (b, "connect");
  g_byte_array_append (b, one, sizeof (one));
  marker = 0x03;
  g_byte_array_append (b, &marker, 1);
  amf_prop_string (b, "app", "live");
  amf_prop_string (b, "tcUrl", "rtmp://127.0.0.1/live");
  amf_string (b, "pad");
  g_byte_array_append (b, lstr, sizeof (lstr));
  g_byte_array_append (b, pad, len);
  g_byte_array_append (b, end, sizeof (end));
  sent = send_message (fd, b->len, b->data, b->len);
  g_byte_array_unref (b);
  g_free (pad);
  return !sent || attack_wait_closed (fd, IO_BOUND_MS);
}

guint64
attack_vmrss_kib (void)
{
  gchar *text = NULL, *line;
  guint64 kib = 0;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return 0;
  line = strstr (text, "VmRSS:");
  if (line != NULL)
    kib = g_ascii_strtoull (line + 6, NULL, 10);
  g_free (text);
  return kib;
}
