/* gst-ertmp: RTMP URLs and tcUrl resolution
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtmp.md 1 (URL shape, how FFmpeg splits app and stream) and ertmp.md 10
 * (a ReconnectRequest tcUrl is resolved against the current tcUrl with
 * RFC 3986 section 5.2).
 */
#ifndef ERTMP_URL_H
#define ERTMP_URL_H

#include <glib.h>
#include "ertmp_result.h"

G_BEGIN_DECLS

#define ERTMP_URL_PORT_RTMP 1935u
#define ERTMP_URL_PORT_RTMPS 443u

typedef struct
{
  gboolean tls;                 /* rtmps:// */
  gchar *host;                  /* without brackets for IPv6 literals */
  guint16 port;                 /* explicit, or the scheme default */
  gboolean port_explicit;
  gchar *app;                   /* may hold an instance: "live/inst" */
  gchar *stream;                /* publish name, "?query" kept; may be "" */
  gchar *tc_url;                /* scheme://host[:port]/app */
} ertmp_url;

/* Parses rtmp[s]://host[:port]/app[/instance]/stream[?query].  The app is
 * the first path element, or the first two when a second "/" follows
 * (FFmpeg's rule, rtmp.md 1); the rest is the stream name.  MALFORMED for
 * another scheme, no host, a bad port. */
ertmp_result ertmp_url_parse (const gchar * uri, ertmp_url * url);
void ertmp_url_clear (ertmp_url * url);
/* Builds rtmp[s]://host[:port]/app[/stream] (newly allocated) */
gchar *ertmp_url_to_string (const ertmp_url * url);

/* Splits librtmp's "URL option=value option=value" (librtmp(3): the
 * options follow the URL after a space; "\XX" in a value is the byte with
 * hex code XX, so "\20" is a space).  Returns OK with *url (the text before
 * the first space) and *options (name, value, name, value...; empty when
 * there are none), both newly allocated (g_free, g_ptr_array_unref).
 * MALFORMED when an option has no "=" or a bad escape: *message (newly
 * allocated) quotes it, and *url and *options are NULL. */
ertmp_result ertmp_url_split_options (const gchar * location, gchar ** url,
    GPtrArray ** options, gchar ** message);

/* Resolves @reference against @base (RFC 3986 5.2: absolute URI,
 * network-path "//host/app", absolute-path "/app", relative-path "app").
 * Returns a new string, or NULL when either is unusable. */
gchar *ertmp_url_resolve (const gchar * base, const gchar * reference);

G_END_DECLS

#endif /* ERTMP_URL_H */
