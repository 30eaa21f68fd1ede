/* gst-ertmp: the PROXY protocol header a load balancer puts first
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * HAProxy's PROXY protocol (proxy-protocol.txt, versions 1 and 2): a proxy
 * such as HAProxy in TCP mode ("send-proxy", "send-proxy-v2") sends one
 * header before the client's bytes, naming the client's address.  A server
 * that expects it reads the header first and feeds every byte after it to
 * the RTMP handshake.  Stateless, like a picohttpparser call: the caller
 * keeps the bytes received so far and calls again with all of them.
 */
#ifndef ERTMP_PROXY_H
#define ERTMP_PROXY_H

#include <glib.h>
#include "ertmp_limits.h"
#include "ertmp_result.h"

G_BEGIN_DECLS

/* bytes, NUL included: the longest text form of an IPv6 address
 * ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"), INET6_ADDRSTRLEN */
#define ERTMP_PROXY_ADDRESS_SIZE 46u

typedef enum
{
  ERTMP_PROXY_FAMILY_UNSPEC = 0,        /* no client address given */
  ERTMP_PROXY_FAMILY_INET = 4,
  ERTMP_PROXY_FAMILY_INET6 = 6,
} ertmp_proxy_family;

/* What a complete header says.  A plain struct for the caller's stack. */
typedef struct
{
  guint version;                /* 1 (text) or 2 (binary) */
  /* TRUE: the header names no client (v2 LOCAL, a proxy's health check; v1
   * UNKNOWN; v2 PROXY with family UNSPEC or AF_UNIX): use the connection's
   * own addresses.  family is then UNSPEC and the fields below are empty. */
  gboolean is_local;
  ertmp_proxy_family family;
  /* canonical text, as inet_ntop writes it: "192.0.2.1", "2001:db8::1",
   * "::ffff:192.0.2.1" */
  gchar source[ERTMP_PROXY_ADDRESS_SIZE];
  guint16 source_port;
  gchar destination[ERTMP_PROXY_ADDRESS_SIZE];
  guint16 destination_port;
} ertmp_proxy_info;

/* Reads the PROXY header at the start of @data (the first @len bytes the
 * connection received).  Reads no byte after the header.
 *
 * Returns:
 *  OK: the header is complete and valid; *consumed is its length, *info
 *   says what it holds.  data[*consumed..len) are the peer's first RTMP
 *   bytes, untouched: feed them to the handshake.
 *  NEED_MORE: every byte so far fits a header that is not complete: call
 *   again with these bytes and more (the proxy sends the header at once,
 *   so a peer that stops here is stalled: time it out).
 *  MALFORMED: not a PROXY header (a first byte that starts neither
 *   signature, e.g. RTMP's C0 0x03, is refused at once), or one that breaks
 *   the format; UNSUPPORTED: a valid v2 header for a datagram transport
 *   (UDP, unix datagram); LIMIT: longer than
 *   ERTMP_LIMIT_PROXY_V1_LINE_MAX (v1) or ERTMP_LIMIT_PROXY_HEADER_MAX
 *   (v2).  An error is returned as soon as the bytes so far prove it.
 *
 * *consumed is 0 unless OK.  On an error, *error (when @error is not NULL)
 * is a newly allocated message saying what is wrong, at which byte and
 * which limit; free it with g_free.  Otherwise *error is set to NULL.
 * *info is written only on OK. */
ertmp_result ertmp_proxy_parse (const guint8 * data, gsize len,
    ertmp_proxy_info * info, gsize * consumed, gchar ** error);

G_END_DECLS

#endif /* ERTMP_PROXY_H */
