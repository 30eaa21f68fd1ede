/* gst-ertmp: RTMP URLs and tcUrl resolution
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parsing follows rtmp.md 1: the app is split off the path as FFmpeg does,
 * so that a URL that works with FFmpeg means the same here.  The split is
 * made on the path before any "?": the query stays with the stream name
 * ("key?token=a/b" keeps its slash), or with the app when the URL has no
 * stream ("rtmp://host/live?token=x").  No percent-decoding, like FFmpeg.
 *
 * Resolution is RFC 3986 section 5.2 (ertmp.md 10): the reference is split
 * with the regular expression of appendix B, merged with the base
 * (5.2.2, 5.2.3), dot segments are removed (5.2.4) and the result is
 * recomposed (5.3).
 */
#include "ertmp_url.h"

#include <string.h>

/* ---- parsing an rtmp[s] URL ---------------------------------------- */

static gboolean
host_char_ok (gchar c)
{
  /* no space, control, or delimiter that cannot appear in a reg-name */
  return (guchar) c > 0x20 && (guchar) c != 0x7F && !strchr ("[]@/?#", c);
}

/* digits only; empty = the scheme default (RFC 3986 3.2.3) */
static gboolean
parse_port (const gchar * p, const gchar * end, ertmp_url * url)
{
  guint32 port = 0;

  if (p == end)
    return TRUE;
  for (; p < end; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
    port = port * 10 + (guint32) (*p - '0');
    if (port > G_MAXUINT16)
      return FALSE;
  }
  url->port = (guint16) port;
  url->port_explicit = TRUE;
  return TRUE;
}

/* [userinfo@]host[:port] in [p, end); the userinfo is ignored */
static gboolean
parse_authority (const gchar * p, const gchar * end, ertmp_url * url)
{
  const gchar *at = g_strrstr_len (p, end - p, "@");
  const gchar *host, *host_end, *q;

  if (at)
    p = at + 1;
  if (*p == '[') {
    host = p + 1;
    host_end = memchr (host, ']', end - host);
    if (!host_end)
      return FALSE;
    p = host_end + 1;
  } else {
    host = p;
    host_end = memchr (p, ':', end - p);
    if (!host_end)
      host_end = end;
    p = host_end;
  }
  if (host_end == host)
    return FALSE;
  for (q = host; q < host_end; q++)
    if (!host_char_ok (*q))
      return FALSE;
  if (p < end && *p != ':')
    return FALSE;
  if (p < end && !parse_port (p + 1, end, url))
    return FALSE;
  url->host = g_strndup (host, host_end - host);
  return TRUE;
}

/* rtmp.md 1: app = first element, or the first two when another "/"
 * follows with no ":" before it; "ondemand/" keeps a one-element app.
 * @path has no leading "/"; @query is "" or "?...". */
static void
split_path (const gchar * path, gsize path_len, const gchar * query,
    ertmp_url * url)
{
  const gchar *end = path + path_len;
  const gchar *slash = memchr (path, '/', path_len);
  const gchar *rest, *second, *colon;

  if (!slash) {
    url->app = g_strdup_printf ("%.*s%s", (int) path_len, path, query);
    url->stream = g_strdup ("");
    return;
  }
  rest = slash + 1;
  second = memchr (rest, '/', end - rest);
  colon = memchr (rest, ':', end - rest);
  if (second && (!colon || colon > second) &&
      !(slash - path == 8 && strncmp (path, "ondemand", 8) == 0))
    slash = second;
  url->app = g_strndup (path, slash - path);
  url->stream = g_strdup_printf ("%.*s%s", (int) (end - slash - 1), slash + 1,
      query);
}

static gchar *
build_tc_url (const ertmp_url * url)
{
  GString *s = g_string_new (url->tls ? "rtmps://" : "rtmp://");

  if (strchr (url->host, ':'))
    g_string_append_printf (s, "[%s]", url->host);
  else
    g_string_append (s, url->host);
  if (url->port_explicit)
    g_string_append_printf (s, ":%u", url->port);
  g_string_append_c (s, '/');
  if (url->app)
    g_string_append (s, url->app);
  return g_string_free (s, FALSE);
}

/* Length of the scheme prefix "rtmp://" or "rtmps://", 0 for another */
static gsize
rtmp_scheme_len (const gchar * uri, gboolean * tls)
{
  if (g_ascii_strncasecmp (uri, "rtmp://", 7) == 0) {
    *tls = FALSE;
    return 7;
  }
  if (g_ascii_strncasecmp (uri, "rtmps://", 8) == 0) {
    *tls = TRUE;
    return 8;
  }
  return 0;
}

ertmp_result
ertmp_url_parse (const gchar * uri, ertmp_url * url)
{
  const gchar *p, *auth_end, *query;
  gsize skip;

  g_return_val_if_fail (uri != NULL && url != NULL, ERTMP_STATE);

  memset (url, 0, sizeof (*url));
  skip = rtmp_scheme_len (uri, &url->tls);
  if (skip == 0)
    return ERTMP_MALFORMED;
  url->port = url->tls ? ERTMP_URL_PORT_RTMPS : ERTMP_URL_PORT_RTMP;

  p = uri + skip;
  auth_end = p + strcspn (p, "/?#");
  if (!parse_authority (p, auth_end, url)) {
    ertmp_url_clear (url);
    return ERTMP_MALFORMED;
  }

  p = *auth_end == '/' ? auth_end + 1 : auth_end;
  query = p + strcspn (p, "?");
  split_path (p, query - p, query, url);
  url->tc_url = build_tc_url (url);
  return ERTMP_OK;
}

void
ertmp_url_clear (ertmp_url * url)
{
  g_return_if_fail (url != NULL);

  g_free (url->host);
  g_free (url->app);
  g_free (url->stream);
  g_free (url->tc_url);
  memset (url, 0, sizeof (*url));
}

gchar *
ertmp_url_to_string (const ertmp_url * url)
{
  const gchar *app, *stream;
  gchar *tc_url, *s;

  g_return_val_if_fail (url != NULL && url->host != NULL, NULL);

  tc_url = build_tc_url (url);
  app = url->app ? url->app : "";
  stream = url->stream ? url->stream : "";
  /* a two-element app with no stream keeps its trailing "/" so that it
   * parses back as the app ("live/inst/") */
  if (!stream[0] && !memchr (app, '/', strcspn (app, "?")))
    return tc_url;
  s = g_strconcat (tc_url, "/", stream, NULL);
  g_free (tc_url);
  return s;
}

/* ---- RFC 3986 reference resolution --------------------------------- */

/* The five components of appendix B; NULL = undefined (path never is) */
typedef struct
{
  gchar *scheme;
  gchar *authority;
  gchar *path;
  gchar *query;
  gchar *fragment;
} uri_parts;

static void
uri_parts_clear (uri_parts * u)
{
  g_free (u->scheme);
  g_free (u->authority);
  g_free (u->path);
  g_free (u->query);
  g_free (u->fragment);
  memset (u, 0, sizeof (*u));
}

/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 3.1) */
static gboolean
scheme_ok (const gchar * s, gsize len)
{
  gsize i;

  if (len == 0 || !g_ascii_isalpha (s[0]))
    return FALSE;
  for (i = 1; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && !strchr ("+-.", s[i]))
      return FALSE;
  return TRUE;
}

/* ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))? */
static gboolean
uri_split (const gchar * s, uri_parts * u)
{
  gsize n = strcspn (s, ":/?#");

  memset (u, 0, sizeof (*u));
  if (s[n] == ':') {
    if (!scheme_ok (s, n))
      return FALSE;
    u->scheme = g_strndup (s, n);
    s += n + 1;
  }
  if (s[0] == '/' && s[1] == '/') {
    n = strcspn (s + 2, "/?#");
    u->authority = g_strndup (s + 2, n);
    s += 2 + n;
  }
  n = strcspn (s, "?#");
  u->path = g_strndup (s, n);
  s += n;
  if (*s == '?') {
    n = strcspn (s + 1, "#");
    u->query = g_strndup (s + 1, n);
    s += 1 + n;
  }
  if (*s == '#')
    u->fragment = g_strdup (s + 1);
  return TRUE;
}

/* Drops the last segment and its "/" from @out (5.2.4 step 2C) */
static void
drop_last_segment (GString * out)
{
  gchar *slash = g_strrstr (out->str, "/");

  g_string_truncate (out, slash ? (gsize) (slash - out->str) : 0);
}

/* RFC 3986 5.2.4 */
static gchar *
remove_dot_segments (const gchar * path)
{
  gchar *buf = g_strdup (path);
  gchar *in = buf;
  GString *out = g_string_new (NULL);

  while (*in) {
    if (g_str_has_prefix (in, "../")) {
      in += 3;
    } else if (g_str_has_prefix (in, "./")) {
      in += 2;
    } else if (g_str_has_prefix (in, "/./")) {
      in += 2;                  /* "/./x" -> "/x" */
    } else if (g_str_equal (in, "/.")) {
      in += 1;                  /* "/." -> "/" */
      in[0] = '/';
    } else if (g_str_has_prefix (in, "/../")) {
      in += 3;
      drop_last_segment (out);
    } else if (g_str_equal (in, "/..")) {
      in += 2;
      in[0] = '/';
      drop_last_segment (out);
    } else if (g_str_equal (in, ".") || g_str_equal (in, "..")) {
      in += strlen (in);
    } else {
      gsize n = 1 + strcspn (in + 1, "/");

      g_string_append_len (out, in, n);
      in += n;
    }
  }
  g_free (buf);
  return g_string_free (out, FALSE);
}

/* RFC 3986 5.2.3 */
static gchar *
merge_paths (const uri_parts * base, const gchar * ref_path)
{
  const gchar *slash;

  if (base->authority && !base->path[0])
    return g_strconcat ("/", ref_path, NULL);
  slash = strrchr (base->path, '/');
  if (!slash)
    return g_strdup (ref_path);
  return g_strdup_printf ("%.*s%s", (int) (slash - base->path + 1),
      base->path, ref_path);
}

/* RFC 3986 5.2.2, "strict": a reference with a scheme is absolute */
static void
transform (const uri_parts * base, const uri_parts * r, uri_parts * t)
{
  gchar *merged;

  t->scheme = g_strdup (r->scheme ? r->scheme : base->scheme);
  t->fragment = g_strdup (r->fragment);
  if (r->scheme || r->authority) {
    t->authority = g_strdup (r->authority);
    t->path = remove_dot_segments (r->path);
    t->query = g_strdup (r->query);
    return;
  }
  t->authority = g_strdup (base->authority);
  if (!r->path[0]) {
    t->path = g_strdup (base->path);
    t->query = g_strdup (r->query ? r->query : base->query);
    return;
  }
  if (r->path[0] == '/') {
    t->path = remove_dot_segments (r->path);
  } else {
    merged = merge_paths (base, r->path);
    t->path = remove_dot_segments (merged);
    g_free (merged);
  }
  t->query = g_strdup (r->query);
}

/* RFC 3986 5.3 */
static gchar *
recompose (const uri_parts * u)
{
  GString *s = g_string_new (NULL);

  if (u->scheme)
    g_string_append_printf (s, "%s:", u->scheme);
  if (u->authority)
    g_string_append_printf (s, "//%s", u->authority);
  g_string_append (s, u->path);
  if (u->query)
    g_string_append_printf (s, "?%s", u->query);
  if (u->fragment)
    g_string_append_printf (s, "#%s", u->fragment);
  return g_string_free (s, FALSE);
}

gchar *
ertmp_url_resolve (const gchar * base, const gchar * reference)
{
  uri_parts b = { 0 }, r = { 0 }, t = { 0 };
  gchar *result = NULL;
  ertmp_url check;

  g_return_val_if_fail (base != NULL && reference != NULL, NULL);

  if (!uri_split (base, &b) || !uri_split (reference, &r) || !b.scheme)
    goto out;
  transform (&b, &r, &t);
  result = recompose (&t);
  /* usable = an rtmp[s] URL with a host */
  if (ertmp_url_parse (result, &check) != ERTMP_OK) {
    g_clear_pointer (&result, g_free);
    goto out;
  }
  ertmp_url_clear (&check);

out:
  uri_parts_clear (&b);
  uri_parts_clear (&r);
  uri_parts_clear (&t);
  return result;
}

/* ---- librtmp options after the URL ---------------------------------- */

/* "\XX" escapes decoded; NULL for a bad escape */
static gchar *
unescape_value (const gchar * v)
{
  GString *out = g_string_new (NULL);

  while (*v) {
    if (*v != '\\') {
      g_string_append_c (out, *v++);
      continue;
    }
    if (!g_ascii_isxdigit (v[1]) || !g_ascii_isxdigit (v[2])) {
      g_string_free (out, TRUE);
      return NULL;
    }
    g_string_append_c (out, (gchar) (g_ascii_xdigit_value (v[1]) * 16 +
            g_ascii_xdigit_value (v[2])));
    v += 3;
  }
  return g_string_free (out, FALSE);
}

ertmp_result
ertmp_url_split_options (const gchar * location, gchar ** url,
    GPtrArray ** options, gchar ** message)
{
  const gchar *space;
  gchar **words;
  guint i;

  g_return_val_if_fail (location != NULL && url != NULL, ERTMP_STATE);
  g_return_val_if_fail (options != NULL && message != NULL, ERTMP_STATE);

  *message = NULL;
  *options = g_ptr_array_new_with_free_func (g_free);
  space = strchr (location, ' ');
  *url = space ? g_strndup (location, space - location) : g_strdup (location);
  if (space == NULL)
    return ERTMP_OK;
  words = g_strsplit (space + 1, " ", -1);
  for (i = 0; words[i] && *message == NULL; i++) {
    const gchar *eq = strchr (words[i], '=');
    gchar *value;

    if (words[i][0] == '\0')
      continue;                 /* several spaces */
    if (eq == NULL || eq == words[i]) {
      *message = g_strdup_printf ("option \"%s\" is not name=value",
          words[i]);
    } else if ((value = unescape_value (eq + 1)) == NULL) {
      *message = g_strdup_printf ("option \"%.*s\": bad \\XX escape in "
          "its value", (int) (eq - words[i]), words[i]);
    } else {
      g_ptr_array_add (*options, g_strndup (words[i], eq - words[i]));
      g_ptr_array_add (*options, value);
    }
  }
  g_strfreev (words);
  if (*message == NULL)
    return ERTMP_OK;
  g_clear_pointer (url, g_free);
  g_clear_pointer (options, g_ptr_array_unref);
  return ERTMP_MALFORMED;
}
