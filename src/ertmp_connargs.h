/* gst-ertmp: librtmp / FFmpeg "conn" strings as connect arguments
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The syntax of librtmp's conn= option and FFmpeg's rtmp_conn option
 * (rtmpproto.c rtmp_write_amf_data, librtmp rtmp.c parseAMF): items
 * separated by spaces (runs of spaces are skipped, there is no escape), each
 * TYPE:VALUE with TYPE one of
 *   B  boolean, VALUE 0 or 1
 *   N  number (a double, C locale)
 *   S  string, VALUE verbatim: may hold ':' and may be empty
 *   Z  null, VALUE ignored
 *   O  O:1 begins an object, O:0 ends the innermost open one
 * Inside an object every item is named, NTYPE:NAME:VALUE (NB:, NN:, NS:,
 * NZ:, and NO:NAME:1 for a nested object); the name ends at the first ':'.
 * Example: "B:1 S:authMe O:1 NN:code:1.23 NS:flag:ok O:0".
 */
#ifndef ERTMP_CONNARGS_H
#define ERTMP_CONNARGS_H

#include <glib.h>
#include "ertmp_result.h"

G_BEGIN_DECLS

/* Parses @str (NULL or "" gives an empty array).  On OK *args is a new
 * GPtrArray of new ertmp_amf_value * (its free function unrefs them) to
 * pass as ertmp_session_connect_params.args, and *message is NULL.
 * MALFORMED: an unknown type letter, a missing ':', a boolean or object
 * value other than 0/1, a number that does not parse, O:0 with no open
 * object, an object still open at the end, a named item outside an object
 * or an unnamed one inside.  LIMIT: objects nested deeper than
 * ERTMP_LIMIT_DEFAULT_AMF_MAX_DEPTH.  On error *args is untouched and
 * *message (newly allocated, g_free it) names the item, its number (from 1)
 * and its byte offset in @str. */
ertmp_result ertmp_connargs_parse (const gchar * str, GPtrArray ** args,
    gchar ** message);

G_END_DECLS

#endif /* ERTMP_CONNARGS_H */
