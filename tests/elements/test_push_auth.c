/* gst-ertmp: rtmppushsink's username/password (Adobe and Limelight
 * authentication, authmod) against the core's server side; FFmpeg and
 * GStreamer's rtmp2sink against the same server (the algorithms' interop
 * proof)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <string.h>

#include "ertmp_peer.h"
#include "ertmp_test_server.h"

#define PUBLISH_MS 60000
#define FRAMES 30

/* random enough for a test: the salt, challenge and opaque of one login */
static const ertmp_session_auth alice = { "alice", "s3cret", "Zm9vYmFy",
  "8a4b2c1d", "opaque-0123", FALSE
};

/* the same user behind Limelight authentication: the challenge is the
 * nonce */
static const ertmp_session_auth alice_llnw = { "alice", "s3cret", NULL,
  "4c4c4e57", NULL, TRUE
};

static gchar *
publish_desc (const gchar * element, ErtmpTestServer * server,
    const gchar * props)
{
  return g_strdup_printf ("%s %s location=rtmp://127.0.0.1:%u/live/key",
      element, props, ertmp_test_server_port (server));
}

/* After a publish of FRAMES frames in @connections connections: all came,
 * to app "live" (the authentication query is not part of it), stream
 * "key" */
static void
check_arrived (ErtmpTestServer * server, guint connections)
{
  gchar *v;

  fail_unless (ertmp_test_server_wait_media (server, FRAMES, PUBLISH_MS));
  fail_unless_equals_int (ertmp_test_server_media (server), FRAMES);
  v = ertmp_test_server_app (server);
  fail_unless_equals_string (v, "live");
  g_free (v);
  v = ertmp_test_server_stream (server);
  fail_unless_equals_string (v, "key");
  g_free (v);
  fail_unless_equals_int (ertmp_test_server_connections (server),
      connections);
}

/* Publishes with @props to a server asking for @auth: the frames arrive */
static void
expect_published_to (const ertmp_session_auth * auth, const gchar * element,
    const gchar * props, guint connections)
{
  ErtmpTestServer *server = ertmp_test_server_new (auth, NULL);
  gchar *desc = publish_desc (element, server, props);
  GError *err = NULL;

  fail_unless (ertmp_test_publish (desc, FRAMES, PUBLISH_MS, &err, NULL),
      "%s: %s", props, err ? err->message : "timeout");
  check_arrived (server, connections);
  g_free (desc);
  ertmp_test_server_free (server);
}

static void
expect_published (const gchar * element, const gchar * props,
    guint connections)
{
  expect_published_to (&alice, element, props, connections);
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

/* Publishing with @props to a server asking for @auth fails
 * NOT_AUTHORIZED, the message says @says */
static void
expect_refused_by (const ertmp_session_auth * auth, const gchar * props,
    const gchar * says)
{
  ErtmpTestServer *server = ertmp_test_server_new (auth, NULL);
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

static void
expect_refused (const gchar * props, const gchar * says)
{
  expect_refused_by (&alice, props, says);
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

/* ---- Limelight (authmod=llnw) ---- */

/* authmod auto: refused, asked for the user, challenged with a nonce,
 * accepted */
GST_START_TEST (test_llnw_auto)
{
  expect_published_to (&alice_llnw, "rtmppushsink",
      "username=alice password=s3cret", 3);
}

GST_END_TEST;

/* authmod llnw: the user in the first connect */
GST_START_TEST (test_llnw_first_connect)
{
  expect_published_to (&alice_llnw, "rtmppushsink", "authmod=llnw "
      "username=alice password=s3cret", 2);
}

GST_END_TEST;

/* an application with an instance (no "/_definst_" in the digest) */
GST_START_TEST (test_llnw_instance)
{
  ErtmpTestServer *server = ertmp_test_server_new (&alice_llnw, NULL);
  gchar *desc = g_strdup_printf ("rtmppushsink username=alice "
      "password=s3cret location=rtmp://127.0.0.1:%u/live/inst/key",
      ertmp_test_server_port (server));
  GError *err = NULL;
  gchar *app;

  fail_unless (ertmp_test_publish (desc, FRAMES, PUBLISH_MS, &err, NULL),
      "%s", err ? err->message : "timeout");
  fail_unless (ertmp_test_server_wait_media (server, FRAMES, PUBLISH_MS));
  app = ertmp_test_server_app (server);
  fail_unless_equals_string (app, "live/inst");
  g_free (app);
  g_free (desc);
  ertmp_test_server_free (server);
}

GST_END_TEST;

GST_START_TEST (test_llnw_wrong_password)
{
  expect_refused_by (&alice_llnw, "username=alice password=guess",
      "reason=authfailed");
}

GST_END_TEST;

/* the scheme set is not the one the server asks for: told which */
GST_START_TEST (test_llnw_other_scheme)
{
  expect_refused_by (&alice_llnw, "authmod=adobe username=alice "
      "password=s3cret", "asks for authmod=llnw, but authmod is adobe");
  expect_refused_by (&alice, "authmod=llnw username=alice "
      "password=s3cret", "asks for authmod=adobe, but authmod is llnw");
}

GST_END_TEST;

GST_START_TEST (test_llnw_no_credentials)
{
  expect_refused_by (&alice_llnw, "", "(authmod=llnw): set username and "
      "password");
}

GST_END_TEST;

/* TRUE when this GStreamer's rtmp2sink has authmod value @nick */
static gboolean
rtmp2sink_has_authmod (const gchar * test, const gchar * nick)
{
  GstElement *e = gst_element_factory_make ("rtmp2sink", NULL);
  GParamSpec *spec;
  gboolean has = FALSE;

  if (e != NULL) {
    spec = g_object_class_find_property (G_OBJECT_GET_CLASS (e), "authmod");
    has = spec != NULL && G_IS_PARAM_SPEC_ENUM (spec)
        && g_enum_get_value_by_nick (G_PARAM_SPEC_ENUM (spec)->enum_class,
        nick) != NULL;
    gst_object_unref (e);
  }
  if (!has) {
    gchar *version = gst_version_string ();

    g_print ("SKIP %s: no rtmp2sink with authmod=%s (%s)\n", test, nick,
        version);
    g_free (version);
  }
  return has;
}

/* GStreamer's rtmp2sink (1.24+) against our Limelight server side */
GST_START_TEST (test_llnw_rtmp2sink)
{
  if (!rtmp2sink_has_authmod ("test_llnw_rtmp2sink", "llnw"))
    return;
  expect_published_to (&alice_llnw, "rtmp2sink",
      "username=alice password=s3cret", 3);
  expect_published_to (&alice_llnw, "rtmp2sink",
      "authmod=llnw username=alice password=s3cret", 2);
}

GST_END_TEST;

/* FFmpeg publishes with user:password@ in the URL to a server asking for
 * @auth; it answers every step itself */
static void
ffmpeg_publishes_to (const ertmp_session_auth * auth)
{
  ErtmpTestServer *server;
  gchar *dir, *url, *log, *frames = g_strdup_printf ("%u", FRAMES);
  ErtmpPeer *ffmpeg;
  GError *err = NULL;

  if (!ertmp_peer_have ("test_auth_ffmpeg", "ffmpeg"))
    return;
  server = ertmp_test_server_new (auth, NULL);
  dir = ertmp_peer_tmpdir ();
  url = g_strdup_printf ("rtmp://alice:s3cret@127.0.0.1:%u/live/key",
      ertmp_test_server_port (server));
  {
    const gchar *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-f",
      "lavfi", "-i", "testsrc=size=160x120:rate=30", "-frames:v", frames,
      "-c:v", "libx264", "-preset", "ultrafast", "-f", "flv", url, NULL
    };

    ffmpeg = ertmp_peer_spawn (argv, dir, &err);
  }
  fail_unless (ffmpeg != NULL, "ffmpeg: %s", err ? err->message : "?");
  fail_unless (ertmp_peer_wait (ffmpeg, PUBLISH_MS), "ffmpeg did not end");
  log = ertmp_peer_log (ffmpeg);
  fail_unless (ertmp_peer_succeeded (ffmpeg), "ffmpeg failed:\n%s", log);
  check_arrived (server, 3);
  ertmp_peer_stop (ffmpeg);
  ertmp_test_server_free (server);
  ertmp_peer_rmdir (dir);
  g_free (log);
  g_free (url);
  g_free (dir);
  g_free (frames);
}

GST_START_TEST (test_auth_ffmpeg)
{
  ffmpeg_publishes_to (&alice);
  ffmpeg_publishes_to (&alice_llnw);
}

GST_END_TEST;

static Suite *
push_auth_suite (void)
{
  Suite *s = suite_create ("push_auth");
  TCase *tc = tcase_create ("adobe");

  tcase_set_timeout (tc, 120);
  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_auth_auto);
  tcase_add_test (tc, test_auth_adobe);
  tcase_add_test (tc, test_auth_userinfo);
  tcase_add_test (tc, test_auth_rtmp2sink);
  tcase_add_test (tc, test_auth_wrong_password);
  tcase_add_test (tc, test_auth_wrong_user);
  tcase_add_test (tc, test_auth_no_credentials);
  tcase_add_test (tc, test_auth_none);
  tcase_add_test (tc, test_auth_ffmpeg);

  tc = tcase_create ("llnw");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_llnw_auto);
  tcase_add_test (tc, test_llnw_first_connect);
  tcase_add_test (tc, test_llnw_instance);
  tcase_add_test (tc, test_llnw_wrong_password);
  tcase_add_test (tc, test_llnw_other_scheme);
  tcase_add_test (tc, test_llnw_no_credentials);
  tcase_add_test (tc, test_llnw_rtmp2sink);
  return s;
}

GST_CHECK_MAIN (push_auth);
