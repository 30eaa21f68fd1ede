/* gst-ertmp: fuzz target for connect authentication (what a server says)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A client reads the server's connect rejection description, a query in
 * it and a SecureToken challenge, all peer data.  The input is split at
 * its first NUL: a description (also read as a query), then a hex
 * challenge.  A rejection that names a salt must give a step-3 query that
 * carries the user; a decoded token must encode back to the same hex when
 * it had no NUL padding to lose.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ertmp_auth.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

static void
check (gboolean ok)
{
  if (!ok)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  gchar *text = g_strndup ((const gchar *) data, size);
  const gchar *hex = text + strlen (text);
  ertmp_auth_rejection r;
  gchar *query, *value, *plain;

  if ((gsize) (hex - text) < size)
    hex++;                      /* after the first NUL */
  ertmp_auth_parse_rejection (text, &r);
  query = ertmp_auth_adobe_query ("user", "password", &r, "Y2xpZW50");
  check ((query != NULL) == (r.salt != NULL));
  if (query)
    check (strstr (query, "user=user") != NULL);
  g_free (query);
  ertmp_auth_rejection_clear (&r);

  value = ertmp_auth_query_get (text, "salt");
  g_free (value);

  plain = ertmp_auth_secure_token_decode ("shared-token", hex);
  if (plain) {
    gchar *again = ertmp_auth_secure_token_encode ("shared-token", plain);

    check (again != NULL);
    if (strlen (plain) % 4 == 0 && strlen (plain) >= 8)
      check (g_ascii_strcasecmp (again, hex) == 0);
    g_free (again);
    g_free (plain);
  }
  g_free (text);
  return 0;
}
