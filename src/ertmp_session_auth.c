/* gst-ertmp: connect authentication in a session (ertmp_auth.h)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Server: the Adobe or Limelight challenge on connect, the SecureToken
 * challenge in the connect _result and its check before publish.  Client:
 * the answer to a SecureToken challenge.  (The client's connect steps need new connections:
 * the caller makes them, with ertmp_auth.h.)
 */
#include "ertmp_session_private.h"
#include "ertmp_auth.h"

#include <string.h>

enum
{ AUTH_USER, AUTH_PASSWORD, AUTH_SALT, AUTH_CHALLENGE, AUTH_OPAQUE };

/* _error, txn, null, {level, code, description}; an ERROR event; CLOSING */
static void
refuse_connect (ertmp_session * s, gdouble txn, const gchar * description)
{
  GByteArray *body = ertmp_session_cmd_begin ("_error", txn);
  ertmp_amf_value *info = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_session_qevent *q;

  ertmp_amf0_put_null (body);
  ertmp_amf_add_string (info, "level", "error");
  ertmp_amf_add_string (info, "code", "NetConnection.Connect.Rejected");
  ertmp_amf_add_string (info, "description", description);
  ertmp_session_put_value (body, info);
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_ERROR, 0);
  q->ev.status.command = "connect";
  q->ev.status.level = "error";
  q->ev.status.code = "NetConnection.Connect.Rejected";
  q->ev.status.description = ertmp_session_qevent_keep (q, description);
  s->state = ERTMP_SESSION_STATE_CLOSING;
}

/* The client's step 3 answer is right. */
static gboolean
adobe_response_ok (ertmp_session * s, const gchar * user,
    const gchar * client_challenge, const gchar * response)
{
  const gchar *nonce = s->auth[AUTH_OPAQUE] ? s->auth[AUTH_OPAQUE] :
      s->auth[AUTH_CHALLENGE];
  gchar *expected;
  gboolean ok;

  if (user == NULL || client_challenge == NULL || response == NULL
      || g_strcmp0 (user, s->auth[AUTH_USER]) != 0)
    return FALSE;
  expected = ertmp_auth_adobe_response (user, s->auth[AUTH_SALT],
      s->auth[AUTH_PASSWORD], nonce ? nonce : "", client_challenge);
  ok = strcmp (expected, response) == 0;
  g_free (expected);
  return ok;
}

/* The client's LLNW step 3 answer (in @query) is right: our nonce and
 * the digest of the password */
static gboolean
llnw_response_ok (ertmp_session * s, const gchar * query, const gchar * user,
    const gchar * response)
{
  gchar *nonce = ertmp_auth_query_get (query, "nonce");
  gchar *cnonce = ertmp_auth_query_get (query, "cnonce");
  gchar *nc = ertmp_auth_query_get (query, "nc");
  gchar *expected;
  gboolean ok = user != NULL && response != NULL && cnonce != NULL
      && nc != NULL && g_strcmp0 (user, s->auth[AUTH_USER]) == 0
      && g_strcmp0 (nonce, s->auth[AUTH_CHALLENGE]) == 0;

  if (ok) {
    expected = ertmp_auth_llnw_response (user, s->auth[AUTH_PASSWORD],
        s->app, nonce, nc, cnonce);
    ok = strcmp (expected, response) == 0;
    g_free (expected);
  }
  g_free (nonce);
  g_free (cnonce);
  g_free (nc);
  return ok;
}

/* step 2's description: the same for any user (no hint which exist) */
static gchar *
challenge_description (ertmp_session * s, const gchar * user)
{
  if (s->auth_llnw)
    return g_strdup_printf ("%s?reason=needauth&user=%s&nonce=%s",
        ERTMP_AUTH_REJECT_PREFIX_LLNW, user, s->auth[AUTH_CHALLENGE]);
  return g_strdup_printf ("%s?reason=needauth&user=%s&salt=%s&"
      "challenge=%s%s%s", ERTMP_AUTH_REJECT_PREFIX_ADOBE, user,
      s->auth[AUTH_SALT], s->auth[AUTH_CHALLENGE],
      s->auth[AUTH_OPAQUE] ? "&opaque=" : "",
      s->auth[AUTH_OPAQUE] ? s->auth[AUTH_OPAQUE] : "");
}

/* "app?query" -> "app" */
static void
strip_query (gchar * str)
{
  gchar *q = str ? strchr (str, '?') : NULL;

  if (q)
    *q = '\0';
}

gboolean
ertmp_session_server_check_auth (ertmp_session * s, gdouble txn)
{
  const gchar *query = s->app ? strchr (s->app, '?') : NULL;
  gchar *authmod, *user, *challenge, *response, *desc = NULL;
  gboolean ok = FALSE;

  if (!s->has_auth)
    return TRUE;
  authmod = query ? ertmp_auth_query_get (query + 1, "authmod") : NULL;
  user = query ? ertmp_auth_query_get (query + 1, "user") : NULL;
  challenge = query ? ertmp_auth_query_get (query + 1, "challenge") : NULL;
  response = query ? ertmp_auth_query_get (query + 1, "response") : NULL;
  if (g_strcmp0 (authmod, s->auth_llnw ? "llnw" : "adobe") != 0
      || user == NULL) {
    refuse_connect (s, txn, s->auth_llnw ? ERTMP_AUTH_NEED_AUTH_LLNW :
        ERTMP_AUTH_NEED_AUTH_ADOBE);
  } else if (response == NULL) {
    desc = challenge_description (s, user);
    refuse_connect (s, txn, desc);
  } else if (s->auth_llnw ? !llnw_response_ok (s, query + 1, user, response)
      : !adobe_response_ok (s, user, challenge, response)) {
    desc = s->auth_llnw ?
        g_strdup (ERTMP_AUTH_REJECT_PREFIX_LLNW "?reason=authfailed") :
        g_strdup_printf ("%s?reason=authfailed&opaque=%s",
        ERTMP_AUTH_REJECT_PREFIX_ADOBE, s->auth[AUTH_OPAQUE] ?
        s->auth[AUTH_OPAQUE] : "");
    refuse_connect (s, txn, desc);
  } else {
    strip_query (s->app);
    strip_query (s->tc_url);
    ok = TRUE;
  }
  g_free (desc);
  g_free (authmod);
  g_free (user);
  g_free (challenge);
  g_free (response);
  return ok;
}

/* ---- SecureToken ----------------------------------------------------- */

void
ertmp_session_server_add_token_challenge (ertmp_session * s,
    ertmp_amf_value * info)
{
  gchar *hex;

  if (s->secure_token == NULL)
    return;
  hex = ertmp_auth_secure_token_encode (s->secure_token, s->token_text);
  ertmp_amf_add_string (info, "secureToken", hex);
  g_free (hex);
}

void
ertmp_session_server_on_token_response (ertmp_session * s,
    const ertmp_session_cmd * cmd)
{
  const gchar *answer = ertmp_session_cmd_arg_string (cmd, 1);

  if (s->token_text != NULL && answer != NULL)
    s->token_ok = strcmp (answer, s->token_text) == 0;
}

gboolean
ertmp_session_server_token_ok (const ertmp_session * s)
{
  return s->secure_token == NULL || s->token_ok;
}

/* "secureTokenResponse", 0, null, answer (before releaseStream) */
void
ertmp_session_client_answer_token (ertmp_session * s,
    const ertmp_amf_value * info)
{
  const gchar *challenge = ertmp_amf_get_prop_string (info, "secureToken");
  ertmp_session_qevent *q;
  GByteArray *body;
  gchar *answer;

  if (challenge == NULL)
    return;
  answer = s->secure_token ?
      ertmp_auth_secure_token_decode (s->secure_token, challenge) : NULL;
  if (answer == NULL) {
    q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_ERROR, 0);
    q->ev.status.command = "secureToken";
    q->ev.status.level = "error";
    q->ev.status.description = s->secure_token ?
        "the server's secureToken challenge is not hex of 8-digit groups" :
        "the server asks for a SecureToken (secure-token is not set)";
    s->state = ERTMP_SESSION_STATE_CLOSING;
    return;
  }
  body = ertmp_session_cmd_begin ("secureTokenResponse", 0);
  ertmp_amf0_put_null (body);
  ertmp_amf0_put_string (body, answer);
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
  g_free (answer);
}
