/* gst-ertmp: an in-process RTMP client for rtmpingestsrc tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ingest_client.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

gboolean
ingest_client_open (IngestClient * c, guint16 port)
{
  ertmp_session_config cfg;
  struct sockaddr_in addr;
  gint one = 1;

  memset (c, 0, sizeof (*c));
  c->received = g_byte_array_new ();
  c->fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd < 0)
    return FALSE;
  memset (&addr, 0, sizeof (addr));
  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (c->fd, (struct sockaddr *) &addr, sizeof (addr)) != 0)
    return FALSE;
  setsockopt (c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof (one));
  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.handshake_seed = 11;
  c->s = ertmp_session_new (&cfg);
  return TRUE;
}

void
ingest_client_free (IngestClient * c)
{
  if (c->fd >= 0)
    close (c->fd);
  c->fd = -1;
  g_clear_pointer (&c->s, ertmp_session_free);
  g_clear_pointer (&c->received, g_byte_array_unref);
  g_clear_pointer (&c->status_code, g_free);
  g_clear_pointer (&c->status_description, g_free);
}

static void
on_event (IngestClient * c, const ertmp_session_event * ev)
{
  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      c->connected = TRUE;
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_STARTED:
      c->publishing = TRUE;
      break;
    case ERTMP_SESSION_EVENT_ERROR:
      g_free (c->status_code);
      g_free (c->status_description);
      c->status_code = g_strdup (ev->status.code);
      c->status_description = g_strdup (ev->status.description);
      c->error = TRUE;
      break;
    default:
      break;
  }
}

static void
feed (IngestClient * c, const guint8 * data, gsize len)
{
  ertmp_session_event ev;
  gsize consumed;

  g_byte_array_append (c->received, data, len);
  while (!c->error) {
    ertmp_result res = ertmp_session_receive (c->s, data, len, &consumed);
    gboolean events = FALSE;

    if (res != ERTMP_OK) {
      c->error = TRUE;
      return;
    }
    data += consumed;
    len -= consumed;
    while (ertmp_session_next_event (c->s, &ev) == ERTMP_OK) {
      on_event (c, &ev);
      events = TRUE;
    }
    if (len == 0 || (consumed == 0 && !events))
      return;
  }
}

gboolean
ingest_client_pump (IngestClient * c, IngestClientDone done, gint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint8 buf[65536];

  for (;;) {
    struct pollfd pfd = { c->fd, POLLIN, 0 };
    const guint8 *out;
    gsize out_len = 0;
    gint64 left;
    gssize n;

    out = ertmp_session_pending_output (c->s, &out_len);
    if (done ? done (c) : out_len == 0)
      return TRUE;
    if (c->eof)
      return FALSE;
    left = deadline - g_get_monotonic_time ();
    if (left <= 0)
      return FALSE;
    if (out_len > 0)
      pfd.events |= POLLOUT;
    if (poll (&pfd, 1, (left + 999) / 1000) <= 0)
      continue;
    if (pfd.revents & POLLOUT) {
      n = send (c->fd, out, out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0)
        ertmp_session_output_written (c->s, n);
      else if (n < 0 && errno != EAGAIN && errno != EINTR)
        c->eof = TRUE;
    }
    if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
      n = recv (c->fd, buf, sizeof (buf), MSG_DONTWAIT);
      if (n > 0)
        feed (c, buf, n);
      else if (n == 0 || (errno != EAGAIN && errno != EINTR))
        c->eof = TRUE;
    }
  }
}

gboolean
ingest_client_done_connected (IngestClient * c)
{
  return c->connected;
}

gboolean
ingest_client_done_publishing (IngestClient * c)
{
  return c->publishing;
}

gboolean
ingest_client_done_answered (IngestClient * c)
{
  return c->publishing || c->error || c->eof;
}

gboolean
ingest_client_done_eof (IngestClient * c)
{
  return c->eof;
}

gboolean
ingest_client_publish (IngestClient * c, const gchar * app,
    const gchar * tc_url, const gchar * name, gint timeout_ms)
{
  ertmp_session_connect_params params = { 0 };

  params.tc_url = tc_url;
  params.app = app;
  if (ertmp_session_connect (c->s, &params) != ERTMP_OK ||
      ertmp_session_publish (c->s, name, NULL) != ERTMP_OK)
    return FALSE;
  return ingest_client_pump (c, ingest_client_done_answered, timeout_ms)
      && c->publishing;
}

gboolean
ingest_client_send (IngestClient * c, guint8 type_id, gint64 ts,
    const guint8 * data, gsize len, gint timeout_ms)
{
  if (ertmp_session_send_media (c->s, type_id, ts, data, len) != ERTMP_OK)
    return FALSE;
  return ingest_client_pump (c, NULL, timeout_ms);
}

gboolean
ingest_client_teardown (IngestClient * c, gint timeout_ms)
{
  if (ertmp_session_close (c->s) != ERTMP_OK)
    return FALSE;
  return ingest_client_pump (c, NULL, timeout_ms);
}

gboolean
ingest_client_still_open (IngestClient * c)
{
  guint8 buf[4096];

  for (;;) {
    gssize n = recv (c->fd, buf, sizeof (buf), MSG_DONTWAIT);

    if (n > 0) {
      g_byte_array_append (c->received, buf, n);
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EINTR);
  }
}

gboolean
ingest_client_received_contains (IngestClient * c, const gchar * needle)
{
  gsize n = strlen (needle), i;

  for (i = 0; i + n <= c->received->len; i++)
    if (memcmp (c->received->data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}
