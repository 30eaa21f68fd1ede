/* gst-ertmp: rtmppushsink's username/password (Adobe authentication,
 * authmod) against the core's server side, and GStreamer's rtmp2sink
 * against the same server (the algorithm's interop proof)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <string.h>

#include "ertmp_test_server.h"

#define PUBLISH_MS 60000
#define FRAMES 30

/* random enough for a test: the salt, challenge and opaque of one login */
static const ertmp_session_auth alice = { "alice", "s3cret", "Zm9vYmFy",
  "8a4b2c1d", "opaque-0123"
};

static gchar *
publish_desc (const gchar * element, ErtmpTestServer * server,
    const gchar * props)
{
  return g_strdup_printf ("%s %s location=rtmp://127.0.0.1:%u/live/key",
      element, props, ertmp_test_server_port (server));
}

/* Publishes with @props: the frames arrive (TRUE) */
static void
expect_published (const gchar * element, const gchar * props,
    guint connections)
{
  ErtmpTestServer *server = ertmp_test_server_new (&alice, NULL);
  gchar *desc = publish_desc (element, server, props), *v;
  GError *err = NULL;

  fail_unless (ertmp_test_publish (desc, FRAMES, PUBLISH_MS, &err, NULL),
      "%s: %s", props, err ? err->message : "timeout");
  fail_unless (ertmp_test_server_wait_media (server, FRAMES, PUBLISH_MS));
  fail_unless_equals_int (ertmp_test_server_media (server), FRAMES);
  /* the authentication query is not part of the application */
  v = ertmp_test_server_app (server);
  fail_unless_equals_string (v, "live");
  g_free (v);
  v = ertmp_test_server_stream (server);
  fail_unless_equals_string (v, "key");
  g_free (v);
  fail_unless_equals_int (ertmp_test_server_connections (server),
      connections);
  g_free (desc);
  ertmp_test_server_free (server);
}

/* authmod auto: refused, asked for the user, challenged, accepted */
GST_START_TEST (test_auth_auto)
{
  expect_published ("rtmppushsink", "username=alice password=s3cret", 3);
}

GST_END_TEST;

/* authmod adobe: the user in the first connect */
GST_START_TEST (test_auth_adobe)
{
  expect_published ("rtmppushsink", "authmod=adobe username=alice "
      "password=s3cret", 2);
}

GST_END_TEST;

/* user:password@ in the location, as rtmp2sink takes them */
GST_START_TEST (test_auth_userinfo)
{
  ErtmpTestServer *server = ertmp_test_server_new (&alice, NULL);
  gchar *desc = g_strdup_printf ("rtmppushsink location=rtmp://alice:s3cret@"
      "127.0.0.1:%u/live/key", ertmp_test_server_port (server));
  GError *err = NULL;

  fail_unless (ertmp_test_publish (desc, FRAMES, PUBLISH_MS, &err, NULL),
      "%s", err ? err->message : "timeout");
  fail_unless (ertmp_test_server_wait_media (server, FRAMES, PUBLISH_MS));
  g_free (desc);
  ertmp_test_server_free (server);
}

GST_END_TEST;

/* GStreamer's rtmp2sink authenticates against our server side */
GST_START_TEST (test_auth_rtmp2sink)
{
  GstElementFactory *f = gst_element_factory_find ("rtmp2sink");

  if (f == NULL) {
    g_print ("SKIP test_auth_rtmp2sink: no rtmp2sink\n");
    return;
  }
  gst_object_unref (f);
  expect_published ("rtmp2sink", "username=alice password=s3cret", 3);
}

GST_END_TEST;

/* Publishing with @props fails NOT_AUTHORIZED, the message says @says */
static void
expect_refused (const gchar * props, const gchar * says)
{
  ErtmpTestServer *server = ertmp_test_server_new (&alice, NULL);
  gchar *desc = publish_desc ("rtmppushsink", server, props);
  GError *err = NULL;
  gchar *debug = NULL;

  fail_if (ertmp_test_publish (desc, FRAMES, PUBLISH_MS, &err, &debug),
      "%s: published", props);
  fail_unless (err != NULL, "%s: timeout", props);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_NOT_AUTHORIZED), "%s: %s", props, err->message);
  fail_unless (strstr (err->message, says) != NULL, "\"%s\" does not say "
      "\"%s\"", err->message, says);
  fail_if (strstr (err->message, "s3cret") || strstr (err->message,
          "guess"), "%s", err->message);
  fail_unless_equals_int (ertmp_test_server_media (server), 0);
  g_clear_error (&err);
  g_free (debug);
  g_free (desc);
  ertmp_test_server_free (server);
}

GST_START_TEST (test_auth_wrong_password)
{
  expect_refused ("username=alice password=guess", "reason=authfailed");
}

GST_END_TEST;

GST_START_TEST (test_auth_wrong_user)
{
  expect_refused ("username=bob password=s3cret", "refused user \"bob\"");
}

GST_END_TEST;

GST_START_TEST (test_auth_no_credentials)
{
  expect_refused ("", "set username and password");
}

GST_END_TEST;

/* authmod none: the refusal is the error, with the server's words */
GST_START_TEST (test_auth_none)
{
  ErtmpTestServer *server = ertmp_test_server_new (&alice, NULL);
  gchar *desc = publish_desc ("rtmppushsink", server, "authmod=none "
      "username=alice password=s3cret");
  GError *err = NULL;

  fail_if (ertmp_test_publish (desc, FRAMES, PUBLISH_MS, &err, NULL));
  fail_unless (err != NULL);
  fail_unless (strstr (err->message, "code=403 need auth") != NULL, "%s",
      err->message);
  fail_unless_equals_int (ertmp_test_server_connections (server), 1);
  g_clear_error (&err);
  g_free (desc);
  ertmp_test_server_free (server);
}

GST_END_TEST;

static Suite *
push_auth_suite (void)
{
  Suite *s = suite_create ("push_auth");
  TCase *tc = tcase_create ("adobe");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_auth_auto);
  tcase_add_test (tc, test_auth_adobe);
  tcase_add_test (tc, test_auth_userinfo);
  tcase_add_test (tc, test_auth_rtmp2sink);
  tcase_add_test (tc, test_auth_wrong_password);
  tcase_add_test (tc, test_auth_wrong_user);
  tcase_add_test (tc, test_auth_no_credentials);
  tcase_add_test (tc, test_auth_none);
  return s;
}

GST_CHECK_MAIN (push_auth);
