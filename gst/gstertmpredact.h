/* gst-ertmp: the one redaction helper for stream keys and tokens
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every log line, bus message, error and stats field that names a stream
 * key, a ?query or a location goes through these (STYLE 18).  What is kept
 * is enough to tell two keys apart in a log, never enough to reuse one.
 */
#ifndef __GST_ERTMP_REDACT_H__
#define __GST_ERTMP_REDACT_H__

#include <glib.h>

G_BEGIN_DECLS

/* A stream name ("key" or "key?token=...") -> "ke***" or "ke***?***": the
 * first quarter of the key, at most 4 characters, and nothing of the query.
 * NULL or "" -> "".  Returns: (transfer full) a new string. */
gchar *gst_ertmp_redact_key (const gchar * name);

/* An RTMP location -> the same location with the password of any userinfo,
 * the stream name (last path segment, with its query) and the value of
 * every librtmp option after a space replaced:
 *   "rtmp://u:pw@h:1935/live/secret?t=1 live=1 token=x"
 *   -> "rtmp://u:***@h:1935/live/se***?*** live=*** token=***"
 * A location with no path after the application keeps its form.  NULL ->
 * "(null)".  Returns: (transfer full) a new string. */
gchar *gst_ertmp_redact_url (const gchar * url);

G_END_DECLS

#endif /* __GST_ERTMP_REDACT_H__ */
