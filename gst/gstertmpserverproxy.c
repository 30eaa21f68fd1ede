/* gst-ertmp: the PROXY protocol header in front of a connection
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With proxy-protocol on, a connection's first bytes must be a PROXY v1
 * or v2 header (src/ertmp_proxy.h parses it) naming the real client,
 * which then replaces the socket's address for limits, logs, stats and
 * signals.  The header is read from the TCP socket itself, before any TLS:
 * bytes are peeked, and only the header's are taken, so what follows it
 * (C0, or a TLS ClientHello) stays in the socket for the stream.  Peeked
 * bytes of an incomplete header are taken too, so a slow header never
 * keeps the socket readable (no busy loop).  I/O thread only.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstertmpserverpriv.h"
#include "ertmp_proxy.h"

GST_DEBUG_CATEGORY_EXTERN (gst_ertmp_server_debug);
#define GST_CAT_DEFAULT gst_ertmp_server_debug

static void
refuse (GstErtmpPeerPriv * peer, const gchar * detail)
{
  gst_ertmp_server_report_refused (peer->pub.server, NULL,
      GST_ERTMP_REFUSED_PROXY_HEADER, peer->pub.address, detail);
  peer->reported = TRUE;
  gst_ertmp_server_peer_remove (peer);
}

/* Reads @len bytes (peeked before, so they are there); FALSE on error. */
static gboolean
take (GstErtmpPeerPriv * peer, guint8 * dest, gsize len)
{
  return len == 0 || g_socket_receive (peer->socket, (gchar *) dest, len,
      NULL, NULL) == (gssize) len;
}

/* The header is complete: the client's address, then the stream. */
static void
header_done (GstErtmpPeerPriv * peer, const ertmp_proxy_info * info)
{
  gchar *address;
  gboolean ok;

  gst_ertmp_source_clear (&peer->proxy_source);
  g_clear_pointer (&peer->proxy_buf, g_free);
  if (!info->is_local) {
    /* the per-address limit is the client's, not the balancer's */
    address = g_strdup_printf (strchr (info->source, ':') ? "[%s]:%u" :
        "%s:%u", info->source, info->source_port);
    ok = gst_ertmp_server_admit (peer->pub.server, info->source, address,
        FALSE, TRUE);
    g_free (address);
    if (!ok) {
      peer->reported = TRUE;
      gst_ertmp_server_peer_remove (peer);
      return;
    }
    GST_LOG_OBJECT (peer->pub.server, "%s is PROXY v%u for %s:%u",
        peer->pub.address, info->version, info->source, info->source_port);
    gst_ertmp_server_set_peer_address (peer, info->source,
        info->source_port);
  }
  gst_ertmp_server_start_stream (peer);
}

static gboolean
on_readable (GSocket * socket, GIOCondition cond, gpointer user_data)
{
  GstErtmpPeerPriv *peer = user_data;
  GInputVector vec;
  gint flags = G_SOCKET_MSG_PEEK;
  ertmp_proxy_info info;
  gsize consumed = 0;
  gchar *error = NULL;
  GError *err = NULL;
  ertmp_result res;
  gssize n;

  vec.buffer = peer->proxy_buf + peer->proxy_len;
  vec.size = ERTMP_LIMIT_PROXY_HEADER_MAX - peer->proxy_len;
  n = g_socket_receive_message (socket, NULL, &vec, 1, NULL, NULL, &flags,
      NULL, &err);
  if (n < 0 && g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
    g_error_free (err);
    return G_SOURCE_CONTINUE;
  }
  if (n <= 0) {
    /* closed or reset before its header: a peer that left, not refused */
    g_clear_error (&err);
    gst_ertmp_server_peer_remove (peer);
    return G_SOURCE_REMOVE;
  }
  res = ertmp_proxy_parse (peer->proxy_buf, peer->proxy_len + n, &info,
      &consumed, &error);
  if (res == ERTMP_NEED_MORE && take (peer, vec.buffer, n)) {
    peer->proxy_len += n;
    return G_SOURCE_CONTINUE;
  }
  if (res == ERTMP_OK && take (peer, vec.buffer,
          consumed - peer->proxy_len)) {
    header_done (peer, &info);
    return G_SOURCE_REMOVE;
  }
  refuse (peer, error ? error : "the PROXY header could not be read");
  g_free (error);
  return G_SOURCE_REMOVE;
}

void
gst_ertmp_server_read_proxy (GstErtmpPeerPriv * peer)
{
  GstErtmpServer *server = peer->pub.server;

  peer->pub.state = GST_ERTMP_PEER_PROXY;
  peer->proxy_buf = g_malloc (ERTMP_LIMIT_PROXY_HEADER_MAX);
  g_socket_set_blocking (peer->socket, FALSE);
  peer->proxy_source = g_socket_create_source (peer->socket,
      G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (peer->proxy_source,
      (GSourceFunc) (void (*)(void)) on_readable, peer, NULL);
  g_source_attach (peer->proxy_source, server->context);
}
