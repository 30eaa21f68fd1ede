/* gst-ertmp: connect authentication (Adobe, Limelight, SecureToken)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ertmp_auth.h"

#include <string.h>

#define MD5_LEN 16

/* base64 (md5 (a b c)), newly allocated */
static gchar *
md5_base64 (const gchar * a, const gchar * b, const gchar * c)
{
  GChecksum *md5 = g_checksum_new (G_CHECKSUM_MD5);
  guint8 digest[MD5_LEN];
  gsize len = sizeof (digest);

  g_checksum_update (md5, (const guchar *) a, -1);
  g_checksum_update (md5, (const guchar *) b, -1);
  g_checksum_update (md5, (const guchar *) c, -1);
  g_checksum_get_digest (md5, digest, &len);
  g_checksum_free (md5);
  return g_base64_encode (digest, len);
}

gchar *
ertmp_auth_adobe_response (const gchar * user, const gchar * salt,
    const gchar * password, const gchar * nonce,
    const gchar * client_challenge)
{
  gchar *hash1, *response;

  g_return_val_if_fail (user && salt && password, NULL);
  g_return_val_if_fail (nonce && client_challenge, NULL);

  hash1 = md5_base64 (user, salt, password);
  response = md5_base64 (hash1, nonce, client_challenge);
  g_free (hash1);
  return response;
}

gchar *
ertmp_auth_query_get (const gchar * query, const gchar * name)
{
  gsize n = strlen (name);
  const gchar *p = query;

  while (p && *p) {
    const gchar *end = strchr (p, '&');

    if (end == NULL)
      end = p + strlen (p);
    if ((gsize) (end - p) > n && strncmp (p, name, n) == 0 && p[n] == '=')
      return g_strndup (p + n + 1, end - p - n - 1);
    p = *end ? end + 1 : end;
  }
  return NULL;
}

/* "authmod=X" between "[ " and " ]" after "AccessManager.Reject" */
static gchar *
find_authmod (const gchar * d)
{
  const gchar *a = strstr (d, "authmod=");
  gsize n;

  if (a == NULL)
    return NULL;
  a += strlen ("authmod=");
  n = strcspn (a, " ];&");
  return n ? g_strndup (a, n) : NULL;
}

void
ertmp_auth_parse_rejection (const gchar * d, ertmp_auth_rejection * r)
{
  const gchar *query;

  memset (r, 0, sizeof (*r));
  r->kind = ERTMP_AUTH_REJECT_OTHER;
  if (d == NULL || strstr (d, "AccessManager.Reject") == NULL)
    return;
  r->authmod = find_authmod (d);
  if (strstr (d, "code=403 need auth") != NULL) {
    r->kind = ERTMP_AUTH_REJECT_NEED_AUTH;
    return;
  }
  query = strchr (d, '?');
  if (query == NULL)
    return;
  query++;
  r->reason = ertmp_auth_query_get (query, "reason");
  if (r->reason == NULL)
    return;
  r->user = ertmp_auth_query_get (query, "user");
  r->salt = ertmp_auth_query_get (query, "salt");
  r->challenge = ertmp_auth_query_get (query, "challenge");
  r->opaque = ertmp_auth_query_get (query, "opaque");
  r->nonce = ertmp_auth_query_get (query, "nonce");
  r->kind = strcmp (r->reason, "needauth") == 0 ?
      ERTMP_AUTH_REJECT_CHALLENGE : ERTMP_AUTH_REJECT_FAILED;
}

void
ertmp_auth_rejection_clear (ertmp_auth_rejection * r)
{
  g_clear_pointer (&r->authmod, g_free);
  g_clear_pointer (&r->reason, g_free);
  g_clear_pointer (&r->user, g_free);
  g_clear_pointer (&r->salt, g_free);
  g_clear_pointer (&r->challenge, g_free);
  g_clear_pointer (&r->opaque, g_free);
  g_clear_pointer (&r->nonce, g_free);
}

gchar *
ertmp_auth_adobe_query (const gchar * user, const gchar * password,
    const ertmp_auth_rejection * r, const gchar * client_challenge)
{
  const gchar *nonce = r->opaque ? r->opaque : r->challenge;
  gchar *response, *query;

  if (r->salt == NULL)
    return NULL;
  response = ertmp_auth_adobe_response (user, r->salt, password,
      nonce ? nonce : "", client_challenge);
  query = g_strdup_printf ("authmod=adobe&user=%s&challenge=%s&response=%s"
      "%s%s", user, client_challenge, response, r->opaque ? "&opaque=" : "",
      r->opaque ? r->opaque : "");
  g_free (response);
  return query;
}

/* ---- Limelight: HTTP digest ------------------------------------------ */

/* md5 of the parts, in lowercase hex (newly allocated) */
static gchar *
md5_hex (const gchar * const *parts)
{
  GChecksum *md5 = g_checksum_new (G_CHECKSUM_MD5);
  gchar *hex;

  for (; *parts; parts++)
    g_checksum_update (md5, (const guchar *) *parts, -1);
  hex = g_strdup (g_checksum_get_string (md5));
  g_checksum_free (md5);
  return hex;
}

gchar *
ertmp_auth_llnw_response (const gchar * user, const gchar * password,
    const gchar * app, const gchar * nonce, const gchar * nc,
    const gchar * cnonce)
{
  gsize app_len;
  gchar *path, *ha1, *ha2, *response;

  g_return_val_if_fail (user && password && app, NULL);
  g_return_val_if_fail (nonce && nc && cnonce, NULL);

  app_len = strcspn (app, "?");
  path = g_strndup (app, app_len);
  {
    const gchar *a1[] = { user, ":live:", password, NULL };
    const gchar *a2[] = { "publish:/", path,
      memchr (app, '/', app_len) ? "" : "/_definst_", NULL
    };

    ha1 = md5_hex (a1);
    ha2 = md5_hex (a2);
  }
  {
    const gchar *r[] = { ha1, ":", nonce, ":", nc, ":", cnonce, ":auth:",
      ha2, NULL
    };

    response = md5_hex (r);
  }
  g_free (path);
  g_free (ha1);
  g_free (ha2);
  return response;
}

gchar *
ertmp_auth_llnw_query (const gchar * user, const gchar * password,
    const gchar * app, const ertmp_auth_rejection * r, const gchar * cnonce)
{
  gchar *response, *query;

  if (r->nonce == NULL)
    return NULL;
  response = ertmp_auth_llnw_response (user, password, app, r->nonce,
      "00000001", cnonce);
  query = g_strdup_printf ("authmod=llnw&user=%s&nonce=%s&cnonce=%s&"
      "nc=00000001&response=%s", user, r->nonce, cnonce, response);
  g_free (response);
  return query;
}

/* ---- SecureToken: XXTEA (Wheeler and Needham's corrected block TEA) -- */

#define XXTEA_DELTA 0x9e3779b9u
#define XXTEA_MX (((z >> 5 ^ y << 2) + (y >> 3 ^ z << 4)) ^ \
    ((sum ^ y) + (key[(p & 3) ^ e] ^ z)))

static guint32
read_le32 (const guint8 * b)
{
  return (guint32) b[0] | (guint32) b[1] << 8 | (guint32) b[2] << 16 |
      (guint32) b[3] << 24;
}

static void
token_key (const gchar * token, guint32 key[4])
{
  guint8 k[16] = { 0 };
  guint i;

  memcpy (k, token, MIN (strlen (token), sizeof (k)));
  for (i = 0; i < 4; i++)
    key[i] = read_le32 (k + 4 * i);
}

static void
xxtea_decode (guint32 * v, guint32 n, const guint32 key[4])
{
  guint32 rounds = 6 + 52 / n, sum = rounds * XXTEA_DELTA;
  guint32 y = v[0], z, e, p;

  while (rounds-- > 0) {
    e = sum >> 2 & 3;
    for (p = n - 1; p > 0; p--) {
      z = v[p - 1];
      y = v[p] -= XXTEA_MX;
    }
    z = v[n - 1];
    y = v[0] -= XXTEA_MX;
    sum -= XXTEA_DELTA;
  }
}

static void
xxtea_encode (guint32 * v, guint32 n, const guint32 key[4])
{
  guint32 rounds = 6 + 52 / n, sum = 0;
  guint32 z = v[n - 1], y, e, p;

  while (rounds-- > 0) {
    sum += XXTEA_DELTA;
    e = sum >> 2 & 3;
    for (p = 0; p < n - 1; p++) {
      y = v[p + 1];
      z = v[p] += XXTEA_MX;
    }
    y = v[0];
    z = v[n - 1] += XXTEA_MX;
  }
}

gchar *
ertmp_auth_secure_token_decode (const gchar * token, const gchar * hex)
{
  gsize len = strlen (hex), n = len / 8, i;
  guint32 key[4], *v;
  guint8 *bytes, *out;

  if (len % 8 != 0 || n < 2)
    return NULL;
  for (i = 0; i < len; i++)
    if (!g_ascii_isxdigit (hex[i]))
      return NULL;
  bytes = g_malloc (n * 4);
  for (i = 0; i < n * 4; i++)
    bytes[i] = g_ascii_xdigit_value (hex[2 * i]) << 4 |
        g_ascii_xdigit_value (hex[2 * i + 1]);
  v = g_new (guint32, n);
  for (i = 0; i < n; i++)
    v[i] = read_le32 (bytes + 4 * i);
  g_free (bytes);
  token_key (token, key);
  xxtea_decode (v, (guint32) n, key);
  out = g_malloc0 (n * 4 + 1);
  for (i = 0; i < n * 4; i++)
    out[i] = (guint8) (v[i / 4] >> (8 * (i % 4)));
  g_free (v);
  return (gchar *) out;
}

gchar *
ertmp_auth_secure_token_encode (const gchar * token, const gchar * text)
{
  gsize len = strlen (text), n = MAX ((len + 3) / 4, 2), i;
  guint8 *bytes = g_malloc0 (n * 4);
  guint32 key[4], *v = g_new (guint32, n);
  GString *hex = g_string_new (NULL);

  memcpy (bytes, text, len);
  for (i = 0; i < n; i++)
    v[i] = read_le32 (bytes + 4 * i);
  token_key (token, key);
  xxtea_encode (v, (guint32) n, key);
  for (i = 0; i < n * 4; i++)
    g_string_append_printf (hex, "%02x", (v[i / 4] >> (8 * (i % 4))) & 0xff);
  g_free (v);
  g_free (bytes);
  return g_string_free (hex, FALSE);
}
