/* gst-ertmp: the redaction helper for keys, tokens and locations
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <gst/check/gstcheck.h>

#include "gstertmpredact.h"

static void
check_key (const gchar * in, const gchar * want)
{
  gchar *got = gst_ertmp_redact_key (in);

  fail_unless_equals_string (got, want);
  g_free (got);
}

static void
check_url (const gchar * in, const gchar * want)
{
  gchar *got = gst_ertmp_redact_url (in);

  fail_unless_equals_string (got, want);
  g_free (got);
}

GST_START_TEST (test_key)
{
  check_key (NULL, "");
  check_key ("", "");
  check_key ("abc", "***");     /* too short to show anything */
  check_key ("abcdefgh", "ab***");
  check_key ("0123456789abcdefghij", "0123***");
  check_key ("secretkey?token=hunter2", "se***?***");
  check_key ("?token=x", "***?***");
}

GST_END_TEST;

GST_START_TEST (test_url)
{
  check_url (NULL, "(null)");
  check_url ("rtmp://h/live/secretkey", "rtmp://h/live/se***");
  check_url ("rtmps://h:443/live/secretkey?t=abc",
      "rtmps://h:443/live/se***?***");
  check_url ("rtmp://user:pw@h:1935/live/secretkey",
      "rtmp://user:***@h:1935/live/se***");
  check_url ("rtmp://user@h/live/secretkey", "rtmp://user@h/live/se***");
  /* app with an instance: only the last segment is the stream name */
  check_url ("rtmp://h/app/inst/secretkey", "rtmp://h/app/inst/se***");
  /* a '/' inside the query is not a path separator */
  check_url ("rtmp://h/live/secretkey?r=a/b", "rtmp://h/live/se***?***");
  /* no stream name: nothing to hide but a query */
  check_url ("rtmp://h/live", "rtmp://h/live");
  check_url ("rtmp://h/live?auth=x", "rtmp://h/live?***");
  check_url ("rtmp://h", "rtmp://h");
  /* librtmp options keep their names, never their values */
  check_url ("rtmp://h/live/secretkey live=1 token=abc",
      "rtmp://h/live/se*** live=*** token=***");
}

GST_END_TEST;

/* nothing of the secret survives, whatever its length */
GST_START_TEST (test_never_whole)
{
  const gchar *secret = "k3yMaterial-0123456789";
  guint len;

  for (len = 1; len <= strlen (secret); len++) {
    gchar *key = g_strndup (secret, len);
    gchar *url = g_strdup_printf ("rtmp://h/live/%s?tok=%s", key, key);
    gchar *r1 = gst_ertmp_redact_key (key), *r2 = gst_ertmp_redact_url (url);

    fail_unless (strstr (r1, key) == NULL || len < 4, "%s", r1);
    fail_unless (strlen (r1) - 3 <= len / 4);
    fail_unless (strstr (r2, "tok=") == NULL, "%s", r2);
    g_free (key);
    g_free (url);
    g_free (r1);
    g_free (r2);
  }
}

GST_END_TEST;

static Suite *
redact_suite (void)
{
  Suite *s = suite_create ("redact");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_key);
  tcase_add_test (tc, test_url);
  tcase_add_test (tc, test_never_whole);
  return s;
}

GST_CHECK_MAIN (redact);
