/* gst-ertmp: the one redaction helper for stream keys and tokens
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstertmpredact.h"

#include <string.h>

gchar *
gst_ertmp_redact_key (const gchar * name)
{
  const gchar *q;
  gsize len;

  if (name == NULL || *name == '\0')
    return g_strdup ("");
  q = strchr (name, '?');
  len = q ? (gsize) (q - name) : strlen (name);
  return g_strdup_printf ("%.*s***%s", (int) MIN (len / 4, 4), name,
      q ? "?***" : "");
}

/* "name=value name2=value2" -> " name=*** name2=***" appended to @out */
static void
redact_options (GString * out, const gchar * opts)
{
  gchar **items = g_strsplit (opts, " ", -1);
  guint i;

  for (i = 0; items[i]; i++) {
    const gchar *eq = strchr (items[i], '=');

    if (items[i][0] == '\0')
      continue;
    g_string_append_c (out, ' ');
    if (eq)
      g_string_append_printf (out, "%.*s=***", (int) (eq - items[i]),
          items[i]);
    else
      g_string_append (out, "***");
  }
  g_strfreev (items);
}

gchar *
gst_ertmp_redact_url (const gchar * url)
{
  GString *out;
  gchar *main_part, *key;
  const gchar *space, *scheme_end, *auth, *path, *at, *colon, *last;

  if (url == NULL)
    return g_strdup ("(null)");
  space = strchr (url, ' ');
  main_part = space ? g_strndup (url, space - url) : g_strdup (url);
  out = g_string_new (NULL);

  scheme_end = strstr (main_part, "://");
  auth = scheme_end ? scheme_end + 3 : main_part;
  path = strchr (auth, '/');
  at = memchr (auth, '@', path ? (gsize) (path - auth) : strlen (auth));
  g_string_append_len (out, main_part, auth - main_part);
  if (at) {
    colon = memchr (auth, ':', at - auth);
    if (colon) {
      g_string_append_len (out, auth, colon - auth);
      g_string_append (out, ":***");
    } else {
      g_string_append_len (out, auth, at - auth);
    }
    auth = at;
  }
  if (path == NULL) {
    g_string_append (out, auth);
  } else {
    /* the application is the first segment; the stream name is what
     * follows the last '/' after it, when there is such a segment */
    const gchar *app_end = strchr (path + 1, '/');
    const gchar *q = strchr (path, '?');

    if (app_end && (q == NULL || app_end < q)) {
      last = strrchr (path, '/');
      while (q && last > q)       /* a '/' inside the query */
        last = g_strrstr_len (path, q - path, "/");
      g_string_append_len (out, auth, last + 1 - auth);
      key = gst_ertmp_redact_key (last + 1);
      g_string_append (out, key);
      g_free (key);
    } else if (q) {
      g_string_append_len (out, auth, q - auth);
      g_string_append (out, "?***");
    } else {
      g_string_append (out, auth);
    }
  }
  if (space)
    redact_options (out, space + 1);
  g_free (main_part);
  return g_string_free (out, FALSE);
}
