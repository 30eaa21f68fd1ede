/* gst-ertmp: PROXY protocol internals shared by its two files
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ERTMP_PROXY_PRIVATE_H
#define ERTMP_PROXY_PRIVATE_H

#include <string.h>

#include "ertmp_proxy.h"

G_BEGIN_DECLS

/* Text to 4 or 16 network-order bytes, like inet_pton: exactly the @n
 * bytes at @s (no NUL needed), no leading zero in a dotted-quad field;
 * FALSE (and *out undefined) when they are not an address. */
gboolean ertmp_proxy_parse_ipv4 (const gchar * s, gsize n, guint8 out[4]);
gboolean ertmp_proxy_parse_ipv6 (const gchar * s, gsize n, guint8 out[16]);

/* Network-order bytes to text, as glibc's inet_ntop writes it */
void ertmp_proxy_format_ipv4 (const guint8 a[4],
    gchar out[ERTMP_PROXY_ADDRESS_SIZE]);
void ertmp_proxy_format_ipv6 (const guint8 a[16],
    gchar out[ERTMP_PROXY_ADDRESS_SIZE]);

G_END_DECLS

#endif /* ERTMP_PROXY_PRIVATE_H */
