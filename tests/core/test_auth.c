/* gst-ertmp: tests for connect authentication (Adobe authmod=adobe,
 * Limelight authmod=llnw, SecureToken) and its server side in a session
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test_util.h"
#include "ertmp_auth.h"
#include "ertmp_session.h"

/* Vector computed with Python's hashlib, not with this code:
 *   h1 = b64(md5("alice" "s4lt" "secret"))          = nMFgoFYWB/+t4XoQgEzhGg==
 *   b64(md5(h1 "0paq" "c0ffee42"))                  = c+L3CfU7YqMFvwJZEz2i2A==
 *   b64(md5(h1 "ch4llenge" "c0ffee42"))             = 5jag4LCCZr0xUHHXL9jPvQ== */
START_TEST (test_adobe_response_vector)
{
  gchar *r = ertmp_auth_adobe_response ("alice", "s4lt", "secret", "0paq",
      "c0ffee42");

  ck_assert_str_eq (r, "c+L3CfU7YqMFvwJZEz2i2A==");
  g_free (r);
  r = ertmp_auth_adobe_response ("alice", "s4lt", "secret", "ch4llenge",
      "c0ffee42");
  ck_assert_str_eq (r, "5jag4LCCZr0xUHHXL9jPvQ==");
  g_free (r);
}

END_TEST;

/* Vectors computed with Python's hashlib, not with this code:
 *   ha1 = md5("alice:live:secret")   = f7b8075832e11e7e68e019541c4b8fc3
 *   ha2 = md5("publish:/live/_definst_")
 *   md5(ha1 ":n0nce:00000001:c0ffee42:auth:" ha2)
 *                                    = 03d29049235216d9598d7493e37685c2
 *   the same with ha2 = md5("publish:/live/sub")
 *                                    = 0038d721498757b176369ac76b54fa0a */
START_TEST (test_llnw_response_vector)
{
  gchar *r = ertmp_auth_llnw_response ("alice", "secret", "live", "n0nce",
      "00000001", "c0ffee42");

  ck_assert_str_eq (r, "03d29049235216d9598d7493e37685c2");
  g_free (r);
  /* the application's own query is not hashed */
  r = ertmp_auth_llnw_response ("alice", "secret", "live?authmod=llnw",
      "n0nce", "00000001", "c0ffee42");
  ck_assert_str_eq (r, "03d29049235216d9598d7493e37685c2");
  g_free (r);
  /* an application with an instance gets no _definst_ */
  r = ertmp_auth_llnw_response ("alice", "secret", "live/sub", "n0nce",
      "00000001", "c0ffee42");
  ck_assert_str_eq (r, "0038d721498757b176369ac76b54fa0a");
  g_free (r);
}

END_TEST;

START_TEST (test_parse_rejections)
{
  ertmp_auth_rejection r;
  gchar *q;

  ertmp_auth_parse_rejection (ERTMP_AUTH_NEED_AUTH_ADOBE, &r);
  ck_assert_int_eq (r.kind, ERTMP_AUTH_REJECT_NEED_AUTH);
  ck_assert_str_eq (r.authmod, "adobe");
  ertmp_auth_rejection_clear (&r);

  /* FMS's step 2 (spaces as FMS writes them) */
  ertmp_auth_parse_rejection ("[ AccessManager.Reject ] : [ authmod=adobe ] "
      ": ?reason=needauth&user=alice&salt=s4lt&challenge=ch4llenge&"
      "opaque=0paq", &r);
  ck_assert_int_eq (r.kind, ERTMP_AUTH_REJECT_CHALLENGE);
  ck_assert_str_eq (r.authmod, "adobe");
  ck_assert_str_eq (r.reason, "needauth");
  ck_assert_str_eq (r.user, "alice");
  ck_assert_str_eq (r.salt, "s4lt");
  ck_assert_str_eq (r.challenge, "ch4llenge");
  ck_assert_str_eq (r.opaque, "0paq");
  q = ertmp_auth_adobe_query ("alice", "secret", &r, "c0ffee42");
  ck_assert_str_eq (q, "authmod=adobe&user=alice&challenge=c0ffee42&"
      "response=c+L3CfU7YqMFvwJZEz2i2A==&opaque=0paq");
  g_free (q);
  ertmp_auth_rejection_clear (&r);

  ertmp_auth_parse_rejection ("[ AccessManager.Reject ] : [ authmod=adobe ] "
      ": ?reason=authfailed&opaque=0paq", &r);
  ck_assert_int_eq (r.kind, ERTMP_AUTH_REJECT_FAILED);
  ck_assert_str_eq (r.reason, "authfailed");
  ck_assert_ptr_null (r.salt);
  q = ertmp_auth_adobe_query ("alice", "secret", &r, "c0ffee42");
  ck_assert_ptr_null (q);
  ertmp_auth_rejection_clear (&r);

  ertmp_auth_parse_rejection (ERTMP_AUTH_NEED_AUTH_LLNW, &r);
  ck_assert_int_eq (r.kind, ERTMP_AUTH_REJECT_NEED_AUTH);
  ck_assert_str_eq (r.authmod, "llnw");
  ertmp_auth_rejection_clear (&r);

  ertmp_auth_parse_rejection (ERTMP_AUTH_REJECT_PREFIX_LLNW
      "?reason=needauth&user=alice&nonce=n0nce", &r);
  ck_assert_int_eq (r.kind, ERTMP_AUTH_REJECT_CHALLENGE);
  ck_assert_str_eq (r.authmod, "llnw");
  ck_assert_str_eq (r.nonce, "n0nce");
  ck_assert_ptr_null (r.salt);
  ck_assert_ptr_null (ertmp_auth_adobe_query ("alice", "secret", &r, "cc"));
  q = ertmp_auth_llnw_query ("alice", "secret", "live", &r, "c0ffee42");
  ck_assert_str_eq (q, "authmod=llnw&user=alice&nonce=n0nce&cnonce=c0ffee42&"
      "nc=00000001&response=03d29049235216d9598d7493e37685c2");
  g_free (q);
  ertmp_auth_rejection_clear (&r);

  ertmp_auth_parse_rejection ("Connection refused", &r);
  ck_assert_int_eq (r.kind, ERTMP_AUTH_REJECT_OTHER);
  ertmp_auth_rejection_clear (&r);
  ertmp_auth_parse_rejection (NULL, &r);
  ck_assert_int_eq (r.kind, ERTMP_AUTH_REJECT_OTHER);
  ertmp_auth_rejection_clear (&r);
}

END_TEST;

START_TEST (test_query_get)
{
  gchar *v;

  v = ertmp_auth_query_get ("a=1&user=bob&userx=no", "user");
  ck_assert_str_eq (v, "bob");
  g_free (v);
  v = ertmp_auth_query_get ("usera=1&b=", "b");
  ck_assert_str_eq (v, "");
  g_free (v);
  ck_assert_ptr_null (ertmp_auth_query_get ("usera=1", "user"));
  ck_assert_ptr_null (ertmp_auth_query_get ("", "user"));
}

END_TEST;

/* Vector from an XXTEA written in Python from Wheeler and Needham's
 * paper: key "SecretToken12345" (little-endian words), text
 * "0123456789abcdef" -> 4f86e3fb252524b1d55b5196747accae */
START_TEST (test_secure_token_vector)
{
  gchar *hex, *text;

  hex = ertmp_auth_secure_token_encode ("SecretToken12345", "0123456789abcdef");
  ck_assert_str_eq (hex, "4f86e3fb252524b1d55b5196747accae");
  text = ertmp_auth_secure_token_decode ("SecretToken12345", hex);
  ck_assert_str_eq (text, "0123456789abcdef");
  g_free (hex);
  g_free (text);
  /* a longer token: only its first 16 bytes count (librtmp) */
  text = ertmp_auth_secure_token_decode ("SecretToken12345 and more",
      "4f86e3fb252524b1d55b5196747accae");
  ck_assert_str_eq (text, "0123456789abcdef");
  g_free (text);
  ck_assert_ptr_null (ertmp_auth_secure_token_decode ("k", "4f86e3fb2525"));
  ck_assert_ptr_null (ertmp_auth_secure_token_decode ("k", "4f86e3fb"));
  ck_assert_ptr_null (ertmp_auth_secure_token_decode ("k",
          "4f86e3fb252524bXd55b5196747accae"));
}

END_TEST;

/* ---- the server side, against our client session ---- */

typedef struct
{
  ertmp_session *client, *server;
  gboolean client_connected, published, server_publish_request;
  gchar *client_error, *server_error, *server_app, *server_tc_url;
} pair;

static void
drain (pair * p)
{
  ertmp_session_event ev;

  while (ertmp_session_next_event (p->server, &ev) == ERTMP_OK) {
    if (ev.type == ERTMP_SESSION_EVENT_CONNECTED) {
      p->server_app = g_strdup (ev.connected.app);
      p->server_tc_url = g_strdup (ev.connected.tc_url);
    } else if (ev.type == ERTMP_SESSION_EVENT_ERROR) {
      p->server_error = g_strdup_printf ("%s %s", ev.status.command,
          ev.status.description);
    } else if (ev.type == ERTMP_SESSION_EVENT_PUBLISH_REQUEST) {
      p->server_publish_request = TRUE;
      ertmp_session_accept_publish (p->server, ev.msid);
    }
  }
  while (ertmp_session_next_event (p->client, &ev) == ERTMP_OK) {
    if (ev.type == ERTMP_SESSION_EVENT_CONNECTED)
      p->client_connected = TRUE;
    else if (ev.type == ERTMP_SESSION_EVENT_PUBLISH_STARTED)
      p->published = TRUE;
    else if (ev.type == ERTMP_SESSION_EVENT_ERROR)
      p->client_error = g_strdup_printf ("%s %s %s", ev.status.command,
          ev.status.code ? ev.status.code : "-", ev.status.description);
  }
}

static void drain (pair * p);

/* Everything @from has to say, into @to (events drained between) */
static void
shuttle (pair * p, ertmp_session * from, ertmp_session * to)
{
  const guint8 *out;
  gsize len, used, pos;

  while ((out = ertmp_session_pending_output (from, &len)) != NULL && len) {
    GByteArray *copy = g_byte_array_new ();

    g_byte_array_append (copy, out, len);
    ertmp_session_output_written (from, len);
    for (pos = 0; pos < copy->len; pos += used) {
      ck_assert_int_eq (ertmp_session_receive (to, copy->data + pos,
              copy->len - pos, &used), ERTMP_OK);
      drain (p);
    }
    g_byte_array_unref (copy);
  }
}

static const ertmp_session_auth alice = { "alice", "secret", "s4lt",
  "ch4llenge", "0paq", FALSE
};

/* Limelight: the challenge is the nonce */
static const ertmp_session_auth alice_llnw = { "alice", "secret", NULL,
  "n0nce", NULL, TRUE
};

/* One connection to a server asking for @auth (or, with @server_token,
 * a SecureToken): connect to app @app, publish "key" */
static void
run_pair_with (pair * p, const ertmp_session_auth * auth, const gchar * app,
    const gchar * token, const gchar * server_token)
{
  ertmp_session_config ccfg, scfg;
  ertmp_session_connect_params cp = { 0 };
  gchar *tc_url = g_strdup_printf ("rtmp://h/%s", app);
  guint i;

  memset (p, 0, sizeof (*p));
  ertmp_session_config_init (&ccfg, ERTMP_SESSION_CLIENT);
  ertmp_session_config_init (&scfg, ERTMP_SESSION_SERVER);
  scfg.auth = auth;
  scfg.secure_token = server_token;
  scfg.handshake_seed = 1234;
  p->client = ertmp_session_new (&ccfg);
  p->server = ertmp_session_new (&scfg);
  cp.tc_url = tc_url;
  cp.app = app;
  cp.secure_token = token;
  ck_assert_int_eq (ertmp_session_connect (p->client, &cp), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_publish (p->client, "key", NULL),
      ERTMP_OK);
  for (i = 0; i < 20; i++) {
    shuttle (p, p->client, p->server);
    shuttle (p, p->server, p->client);
  }
  g_free (tc_url);
}

/* alice's Adobe login, or only the SecureToken @server_token */
static void
run_pair (pair * p, const gchar * app, const gchar * token,
    const gchar * server_token)
{
  run_pair_with (p, server_token ? NULL : &alice, app, token, server_token);
}

static void
pair_clear (pair * p)
{
  ertmp_session_free (p->client);
  ertmp_session_free (p->server);
  g_free (p->client_error);
  g_free (p->server_error);
  g_free (p->server_app);
  g_free (p->server_tc_url);
}

/* Steps 1, 2, 3 of ertmp_auth.h, each on its own connection */
START_TEST (test_server_adobe_steps)
{
  ertmp_auth_rejection r;
  pair p;
  gchar *query, *app;

  run_pair (&p, "live", NULL, NULL);
  ck_assert (!p.client_connected);
  ck_assert_str_eq (p.client_error, "connect NetConnection.Connect.Rejected "
      ERTMP_AUTH_NEED_AUTH_ADOBE);
  ck_assert_str_eq (p.server_error, "connect " ERTMP_AUTH_NEED_AUTH_ADOBE);
  ck_assert_int_eq (ertmp_session_get_state (p.server),
      ERTMP_SESSION_STATE_CLOSING);
  pair_clear (&p);

  run_pair (&p, "live?authmod=adobe&user=alice", NULL, NULL);
  ck_assert (!p.client_connected);
  ck_assert_str_eq (p.client_error, "connect NetConnection.Connect.Rejected "
      "[ AccessManager.Reject ] : [ authmod=adobe ] : ?reason=needauth&"
      "user=alice&salt=s4lt&challenge=ch4llenge&opaque=0paq");
  ertmp_auth_parse_rejection (strstr (p.client_error, "[ "), &r);
  pair_clear (&p);

  query = ertmp_auth_adobe_query ("alice", "secret", &r, "c0ffee42");
  app = g_strdup_printf ("live?%s", query);
  run_pair (&p, app, NULL, NULL);
  ck_assert_ptr_null (p.client_error);
  ck_assert (p.client_connected);
  ck_assert (p.published);
  /* the application without the authentication query */
  ck_assert_str_eq (p.server_app, "live");
  ck_assert_str_eq (p.server_tc_url, "rtmp://h/live");
  pair_clear (&p);
  g_free (app);
  g_free (query);

  /* the wrong password */
  query = ertmp_auth_adobe_query ("alice", "guess", &r, "c0ffee42");
  app = g_strdup_printf ("live?%s", query);
  run_pair (&p, app, NULL, NULL);
  ck_assert (!p.client_connected);
  ck_assert (!p.server_publish_request);
  ck_assert_str_eq (p.client_error, "connect NetConnection.Connect.Rejected "
      "[ AccessManager.Reject ] : [ authmod=adobe ] : ?reason=authfailed&"
      "opaque=0paq");
  pair_clear (&p);
  g_free (app);
  g_free (query);
  ertmp_auth_rejection_clear (&r);
}

END_TEST;

/* Another user with alice's response, or a user that does not exist:
 * refused; step 2 says the same for any user. */
START_TEST (test_server_adobe_wrong_user)
{
  gchar *resp = ertmp_auth_adobe_response ("alice", "s4lt", "secret", "0paq",
      "cc");
  gchar *app = g_strdup_printf ("live?authmod=adobe&user=bob&challenge=cc&"
      "response=%s&opaque=0paq", resp);
  pair p;

  run_pair (&p, app, NULL, NULL);
  ck_assert (!p.client_connected);
  ck_assert_ptr_nonnull (strstr (p.client_error, "reason=authfailed"));
  pair_clear (&p);
  run_pair (&p, "live?authmod=adobe&user=bob", NULL, NULL);
  ck_assert_ptr_nonnull (strstr (p.client_error, "reason=needauth&user=bob&"
          "salt=s4lt"));
  pair_clear (&p);
  g_free (app);
  g_free (resp);
}

END_TEST;

/* connect with app "live?" @query: refused with @says (NULL: published) */
static void
expect_llnw (const gchar * query, const gchar * says)
{
  gchar *app = g_strdup_printf ("live%s%s", query ? "?" : "",
      query ? query : "");
  pair p;

  run_pair_with (&p, &alice_llnw, app, NULL, NULL);
  if (says == NULL) {
    ck_assert_ptr_null (p.client_error);
    ck_assert (p.published);
    ck_assert_str_eq (p.server_app, "live");
    ck_assert_str_eq (p.server_tc_url, "rtmp://h/live");
  } else {
    ck_assert (!p.client_connected);
    ck_assert (!p.server_publish_request);
    ck_assert_str_eq (p.client_error, says);
  }
  pair_clear (&p);
  g_free (app);
}

#define REJECTED "connect NetConnection.Connect.Rejected "

/* Steps 1, 2, 3 of Limelight authentication, each on its own connection,
 * and the answers that must fail */
START_TEST (test_server_llnw_steps)
{
  gchar *resp, *query;

  expect_llnw (NULL, REJECTED ERTMP_AUTH_NEED_AUTH_LLNW);
  /* an Adobe client is told which scheme to use */
  expect_llnw ("authmod=adobe&user=alice", REJECTED
      ERTMP_AUTH_NEED_AUTH_LLNW);
  expect_llnw ("authmod=llnw&user=alice", REJECTED
      ERTMP_AUTH_REJECT_PREFIX_LLNW "?reason=needauth&user=alice&nonce=n0nce");
  /* the same answer for a user that does not exist */
  expect_llnw ("authmod=llnw&user=bob", REJECTED
      ERTMP_AUTH_REJECT_PREFIX_LLNW "?reason=needauth&user=bob&nonce=n0nce");

  /* the vector above: accepted */
  expect_llnw ("authmod=llnw&user=alice&nonce=n0nce&cnonce=c0ffee42&"
      "nc=00000001&response=03d29049235216d9598d7493e37685c2", NULL);
  /* a nonce of the client's choosing, with its right digest */
  resp = ertmp_auth_llnw_response ("alice", "secret", "live", "other",
      "00000001", "c0ffee42");
  query = g_strdup_printf ("authmod=llnw&user=alice&nonce=other&"
      "cnonce=c0ffee42&nc=00000001&response=%s", resp);
  expect_llnw (query, REJECTED ERTMP_AUTH_REJECT_PREFIX_LLNW
      "?reason=authfailed");
  g_free (query);
  g_free (resp);
  /* the wrong password, another user, no cnonce */
  resp = ertmp_auth_llnw_response ("alice", "guess", "live", "n0nce",
      "00000001", "c0ffee42");
  query = g_strdup_printf ("authmod=llnw&user=alice&nonce=n0nce&"
      "cnonce=c0ffee42&nc=00000001&response=%s", resp);
  expect_llnw (query, REJECTED ERTMP_AUTH_REJECT_PREFIX_LLNW
      "?reason=authfailed");
  g_free (query);
  g_free (resp);
  expect_llnw ("authmod=llnw&user=bob&nonce=n0nce&cnonce=c0ffee42&"
      "nc=00000001&response=03d29049235216d9598d7493e37685c2", REJECTED
      ERTMP_AUTH_REJECT_PREFIX_LLNW "?reason=authfailed");
  expect_llnw ("authmod=llnw&user=alice&nonce=n0nce&nc=00000001&"
      "response=03d29049235216d9598d7493e37685c2", REJECTED
      ERTMP_AUTH_REJECT_PREFIX_LLNW "?reason=authfailed");
}

END_TEST;

START_TEST (test_server_secure_token)
{
  pair p;

  run_pair (&p, "live", "SecretToken12345", "SecretToken12345");
  ck_assert_ptr_null (p.client_error);
  ck_assert (p.published);
  pair_clear (&p);

  /* the wrong token: publish refused before anything about the stream */
  run_pair (&p, "live", "WrongToken", "SecretToken12345");
  ck_assert (p.client_connected);
  ck_assert (!p.published);
  ck_assert (!p.server_publish_request);
  ck_assert_str_eq (p.server_error, "publish secureTokenResponse missing or "
      "wrong");
  ck_assert_str_eq (p.client_error, "onStatus NetStream.Publish.Unauthorized "
      "secureTokenResponse missing or wrong");
  pair_clear (&p);

  /* no token: the client says so instead of publishing */
  run_pair (&p, "live", NULL, "SecretToken12345");
  ck_assert (!p.published);
  ck_assert_str_eq (p.client_error, "secureToken - the server asks for a "
      "SecureToken (secure-token is not set)");
  pair_clear (&p);
}

END_TEST;

static Suite *
auth_suite (void)
{
  Suite *s = suite_create ("auth");
  TCase *tc = tcase_create ("auth");

  tcase_add_test (tc, test_adobe_response_vector);
  tcase_add_test (tc, test_llnw_response_vector);
  tcase_add_test (tc, test_parse_rejections);
  tcase_add_test (tc, test_query_get);
  tcase_add_test (tc, test_secure_token_vector);
  tcase_add_test (tc, test_server_adobe_steps);
  tcase_add_test (tc, test_server_adobe_wrong_user);
  tcase_add_test (tc, test_server_llnw_steps);
  tcase_add_test (tc, test_server_secure_token);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (auth_suite ());
}
