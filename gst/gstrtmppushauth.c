/* gst-ertmp: rtmppushsink's connect authentication (authmod, username,
 * password; ertmp_auth.h)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Adobe and Limelight authentication take up to three connections: the
 * I/O thread opens the next one with the query chosen here, as rtmp2sink
 * does.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstrtmppushsink.h"
#include "ertmp_auth.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_push_sink_debug);
#define GST_CAT_DEFAULT gst_rtmp_push_sink_debug

static const gchar *
authmod_name (GstRtmpPushAuthmod mode)
{
  return mode == GST_RTMP_PUSH_AUTHMOD_LLNW ? "llnw" : "adobe";
}

gchar *
gst_rtmp_push_auth_first_query (GstRtmpPushSink * sink)
{
  gchar *query = NULL;

  GST_OBJECT_LOCK (sink);
  if ((sink->authmod == GST_RTMP_PUSH_AUTHMOD_ADOBE
          || sink->authmod == GST_RTMP_PUSH_AUTHMOD_LLNW) && sink->username)
    query = g_strdup_printf ("authmod=%s&user=%s",
        authmod_name (sink->authmod), sink->username);
  GST_OBJECT_UNLOCK (sink);
  return query;
}

static GstRtmpPushAuthStep
failed (gchar ** why, gchar * message)
{
  *why = message;
  return GST_RTMP_PUSH_AUTH_FAILED;
}

/* What one connect attempt knows */
typedef struct
{
  GstRtmpPushAuthmod mode;
  gchar *user, *password;
  const gchar *app;
  guint step;
} AuthInput;

/* step 2's answer: the server's challenge, our response */
static GstRtmpPushAuthStep
answer (const ertmp_auth_rejection * r, const AuthInput * in,
    gchar ** query, gchar ** why)
{
  gboolean llnw = strcmp (r->authmod, "llnw") == 0;
  gchar *cnonce;

  if (in->step >= 2)
    return failed (why, g_strdup ("the server sent a new challenge after "
            "our response"));
  cnonce = g_strdup_printf ("%08x", g_random_int ());
  *query = llnw ?
      ertmp_auth_llnw_query (in->user, in->password, in->app, r, cnonce) :
      ertmp_auth_adobe_query (in->user, in->password, r, cnonce);
  g_free (cnonce);
  if (*query == NULL)
    return failed (why, g_strdup_printf ("the server's challenge has no %s",
            llnw ? "nonce" : "salt"));
  return GST_RTMP_PUSH_AUTH_RETRY;
}

static GstRtmpPushAuthStep
next_step (const ertmp_auth_rejection * r, const AuthInput * in,
    gchar ** query, gchar ** why)
{
  if (r->kind == ERTMP_AUTH_REJECT_FAILED)
    return failed (why, g_strdup_printf ("the server refused user \"%s\" "
            "(reason=%s): wrong user name or password?",
            GST_STR_NULL (in->user), GST_STR_NULL (r->reason)));
  if (g_strcmp0 (r->authmod, "adobe") != 0
      && g_strcmp0 (r->authmod, "llnw") != 0)
    return failed (why, g_strdup_printf ("the server asks for "
            "authentication authmod=%s; adobe and llnw are supported",
            GST_STR_NULL (r->authmod)));
  if (in->mode != GST_RTMP_PUSH_AUTHMOD_AUTO
      && strcmp (r->authmod, authmod_name (in->mode)) != 0)
    return failed (why, g_strdup_printf ("the server asks for authmod=%s, "
            "but authmod is %s (set %s or auto)", r->authmod,
            authmod_name (in->mode), r->authmod));
  if (in->user == NULL || in->password == NULL)
    return failed (why, g_strdup_printf ("the server requires "
            "authentication (authmod=%s): set username and password",
            r->authmod));
  if (r->kind == ERTMP_AUTH_REJECT_CHALLENGE)
    return answer (r, in, query, why);
  if (in->step >= 1)
    return failed (why, g_strdup ("the server asked again for "
            "authentication"));
  *query = g_strdup_printf ("authmod=%s&user=%s", r->authmod, in->user);
  return GST_RTMP_PUSH_AUTH_RETRY;
}

GstRtmpPushAuthStep
gst_rtmp_push_auth_next (GstRtmpPushSink * sink, const gchar * description,
    const gchar * app, guint step, gchar ** query, gchar ** why)
{
  ertmp_auth_rejection r;
  GstRtmpPushAuthStep next;
  AuthInput in = { 0, NULL, NULL, app, step };

  *query = *why = NULL;
  ertmp_auth_parse_rejection (description, &r);
  GST_OBJECT_LOCK (sink);
  in.mode = sink->authmod;
  in.user = g_strdup (sink->username);
  in.password = g_strdup (sink->password);
  GST_OBJECT_UNLOCK (sink);
  if (r.kind == ERTMP_AUTH_REJECT_OTHER
      || in.mode == GST_RTMP_PUSH_AUTHMOD_NONE)
    next = GST_RTMP_PUSH_AUTH_NOT_AUTH;
  else
    next = next_step (&r, &in, query, why);
  GST_DEBUG_OBJECT (sink, "authentication step %u: %s", step,
      next == GST_RTMP_PUSH_AUTH_RETRY ? "again" : GST_STR_NULL (*why));
  ertmp_auth_rejection_clear (&r);
  g_free (in.user);
  g_free (in.password);
  return next;
}
