/* gst-ertmp: rtmppushsink's connect authentication (authmod, username,
 * password; ertmp_auth.h)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Adobe authentication takes up to three connections: the I/O thread
 * opens the next one with the query chosen here, as rtmp2sink does.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstrtmppushsink.h"
#include "ertmp_auth.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_push_sink_debug);
#define GST_CAT_DEFAULT gst_rtmp_push_sink_debug

gchar *
gst_rtmp_push_auth_first_query (GstRtmpPushSink * sink)
{
  gchar *query = NULL;

  GST_OBJECT_LOCK (sink);
  if (sink->authmod == GST_RTMP_PUSH_AUTHMOD_ADOBE && sink->username)
    query = g_strdup_printf ("authmod=adobe&user=%s", sink->username);
  GST_OBJECT_UNLOCK (sink);
  return query;
}

static GstRtmpPushAuthStep
failed (gchar ** why, gchar * message)
{
  *why = message;
  return GST_RTMP_PUSH_AUTH_FAILED;
}

/* step 2's answer: the server's challenge, our response */
static GstRtmpPushAuthStep
answer (const ertmp_auth_rejection * r, const gchar * user,
    const gchar * password, guint step, gchar ** query, gchar ** why)
{
  gchar *challenge;

  if (step >= 2)
    return failed (why, g_strdup ("the server sent a new challenge after "
            "our response"));
  challenge = g_strdup_printf ("%08x", g_random_int ());
  *query = ertmp_auth_adobe_query (user, password, r, challenge);
  g_free (challenge);
  if (*query == NULL)
    return failed (why, g_strdup ("the server's challenge has no salt"));
  return GST_RTMP_PUSH_AUTH_RETRY;
}

static GstRtmpPushAuthStep
next_step (const ertmp_auth_rejection * r, const gchar * user,
    const gchar * password, guint step, gchar ** query, gchar ** why)
{
  if (r->kind != ERTMP_AUTH_REJECT_FAILED
      && g_strcmp0 (r->authmod, "adobe") != 0)
    return failed (why, g_strdup_printf ("the server asks for "
            "authentication authmod=%s; only adobe is supported",
            GST_STR_NULL (r->authmod)));
  if (r->kind != ERTMP_AUTH_REJECT_FAILED && (user == NULL
          || password == NULL))
    return failed (why, g_strdup ("the server requires authentication "
            "(authmod=adobe): set username and password"));
  switch (r->kind) {
    case ERTMP_AUTH_REJECT_NEED_AUTH:
      if (step >= 1)
        return failed (why, g_strdup ("the server asked again for "
                "authentication"));
      *query = g_strdup_printf ("authmod=adobe&user=%s", user);
      return GST_RTMP_PUSH_AUTH_RETRY;
    case ERTMP_AUTH_REJECT_CHALLENGE:
      return answer (r, user, password, step, query, why);
    default:
      return failed (why, g_strdup_printf ("the server refused user \"%s\" "
              "(reason=%s): wrong user name or password?",
              GST_STR_NULL (user), GST_STR_NULL (r->reason)));
  }
}

GstRtmpPushAuthStep
gst_rtmp_push_auth_next (GstRtmpPushSink * sink, const gchar * description,
    guint step, gchar ** query, gchar ** why)
{
  ertmp_auth_rejection r;
  GstRtmpPushAuthStep next;
  gchar *user, *password;
  GstRtmpPushAuthmod mode;

  *query = *why = NULL;
  ertmp_auth_parse_rejection (description, &r);
  GST_OBJECT_LOCK (sink);
  mode = sink->authmod;
  user = g_strdup (sink->username);
  password = g_strdup (sink->password);
  GST_OBJECT_UNLOCK (sink);
  if (r.kind == ERTMP_AUTH_REJECT_OTHER || mode == GST_RTMP_PUSH_AUTHMOD_NONE)
    next = GST_RTMP_PUSH_AUTH_NOT_AUTH;
  else
    next = next_step (&r, user, password, step, query, why);
  GST_DEBUG_OBJECT (sink, "authentication step %u: %s", step,
      next == GST_RTMP_PUSH_AUTH_RETRY ? "again" : GST_STR_NULL (*why));
  ertmp_auth_rejection_clear (&r);
  g_free (user);
  g_free (password);
  return next;
}
