/* gst-ertmp: rtmppushsink's session events
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a connection's session reports, on the I/O thread: connected,
 * publishing, refused (authentication's next step, or the error), a
 * Reconnect Request (the next connection, unless it would leave TLS
 * without allow-tls-downgrade), closed; and what a failure leads to: the
 * error, or a reconnection after a doubling interval while attempts
 * remain.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstrtmppushclientpriv.h"
#include "gstertmptag.h"
#include "gstertmpredact.h"
#include "ertmp_url.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_push_sink_debug);
#define GST_CAT_DEFAULT gst_rtmp_push_sink_debug

/* ---- failures and reconnection ---- */

static void
fail (GstRtmpPushSink * sink)
{
  g_mutex_lock (&sink->lock);
  sink->failed = TRUE;
  sink->publishing = FALSE;
  g_cond_broadcast (&sink->cond);
  g_mutex_unlock (&sink->lock);
}

static gboolean on_retry (gpointer data);

/* The current connection @c is lost: retry (doubling the interval) while
 * attempts remain, else the error.  Only a connection that published for
 * stable-time ends a series of failures: a server that accepts and drops
 * at once uses the attempts up instead of flapping forever. */
static void
lost (GstRtmpPushSink * sink, GstRtmpPushConn * c, const gchar * why)
{
  guint attempts;
  GstClockTime interval, stable, lasted = 0;

  GST_OBJECT_LOCK (sink);
  attempts = sink->reconnect_attempts;
  interval = sink->reconnect_interval;
  stable = sink->stable_time;
  GST_OBJECT_UNLOCK (sink);
  g_mutex_lock (&sink->lock);
  sink->publishing = FALSE;
  g_cond_broadcast (&sink->cond);
  g_mutex_unlock (&sink->lock);
  if (c->published_at > 0) {
    lasted = (g_get_monotonic_time () - c->published_at) * GST_USECOND;
    if (lasted >= stable)
      sink->attempt = 0;
  }
  if (sink->attempt >= attempts) {
    GST_ELEMENT_ERROR (sink, RESOURCE, WRITE,
        ("Lost the connection to %s and could not publish again after %u "
            "attempts: %s", c->safe_url, sink->attempt, why),
        ("only a connection that publishes for stable-time (%"
            GST_TIME_FORMAT ") resets the count", GST_TIME_ARGS (stable)));
    fail (sink);
    return;
  }
  interval = MIN (interval << MIN (sink->attempt, 6), 60 * GST_SECOND);
  sink->attempt++;
  sink->resume = TRUE;
  GST_ELEMENT_WARNING (sink, RESOURCE, WRITE,
      ("Lost the connection to %s: %s", c->safe_url, why),
      ("published for %" GST_TIME_FORMAT "; reconnection attempt %u of %u "
          "in %" GST_TIME_FORMAT, GST_TIME_ARGS (lasted), sink->attempt,
          attempts, GST_TIME_ARGS (interval)));
  gst_rtmp_push_client_post (sink, gst_structure_new ("rtmp-push-disconnected",
          "tc-url", G_TYPE_STRING, c->safe_url, "reason", G_TYPE_STRING, why,
          "attempt", G_TYPE_UINT, sink->attempt,
          "retry-in", G_TYPE_UINT64, interval, NULL));
  g_free (sink->retry_url);
  sink->retry_url = g_strdup (c->tc_url);
  sink->retry_source = g_timeout_source_new (interval / GST_MSECOND);
  g_source_set_callback (sink->retry_source, on_retry, sink, NULL);
  g_source_attach (sink->retry_source, sink->context);
}

static gboolean
on_retry (gpointer data)
{
  GstRtmpPushSink *sink = data;

  g_source_unref (sink->retry_source);
  sink->retry_source = NULL;
  sink->conn = gst_rtmp_push_conn_open (sink, sink->retry_url);
  return G_SOURCE_REMOVE;
}

/* A connection ended before publishing (or could not be made). */
void
gst_rtmp_push_conn_failed (GstRtmpPushConn * c, const gchar * what,
    const GError * error)
{
  GstRtmpPushSink *sink = c->sink;
  const gchar *why = what ? what : error ? error->message :
      "the server closed the connection";

  if (c == sink->next) {
    GST_ELEMENT_WARNING (sink, RESOURCE, OPEN_WRITE,
        ("Could not follow the server's Reconnect Request to %s", c->safe_url),
        ("%s", why));
    sink->next = NULL;
    return;
  }
  if (c != sink->conn)
    return;
  sink->conn = NULL;
  if (sink->published_once) {
    lost (sink, c, why);
    return;
  }
  GST_ELEMENT_ERROR (sink, RESOURCE, OPEN_WRITE,
      ("Could not publish to %s:%u: %s", c->host, c->port, why),
      ("tcUrl %s", c->safe_url));
  fail (sink);
}

/* ---- session events ---- */

static void
on_connected (GstRtmpPushConn * c, const ertmp_session_event * ev)
{
  GstRtmpPushSink *sink = c->sink;
  GstStructure *s;

  g_mutex_lock (&sink->lock);
  ertmp_caps_clear (&sink->server_caps);
  ertmp_caps_copy (&sink->server_caps, ev->connected.caps);
  g_free (sink->server_version);
  sink->server_version = g_strdup (ev->connected.fms_ver);
  g_mutex_unlock (&sink->lock);
  s = gst_ertmp_caps_structure ("rtmp-push-server-capabilities",
      ev->connected.caps);
  gst_structure_set (s, "tc-url", G_TYPE_STRING, c->safe_url,
      "server-version", G_TYPE_STRING, ev->connected.fms_ver ?
      ev->connected.fms_ver : "", NULL);
  GST_INFO_OBJECT (sink, "connected: %" GST_PTR_FORMAT, s);
  g_signal_emit_by_name (sink, "server-capabilities", s);
  gst_structure_free (s);
}

static void
on_publish_started (GstRtmpPushConn * c)
{
  GstRtmpPushSink *sink = c->sink;

  c->publishing = TRUE;
  c->published_at = g_get_monotonic_time ();
  gst_ertmp_source_clear (&c->deadline);
  if (c == sink->next) {
    GST_INFO_OBJECT (sink, "%s publishes: switching at the next key frame",
        c->safe_url);
    gst_rtmp_push_client_pump (sink);
    return;
  }
  if (c != sink->conn)
    return;
  g_mutex_lock (&sink->lock);
  sink->publishing = TRUE;
  sink->published_once = TRUE;
  g_cond_broadcast (&sink->cond);
  g_mutex_unlock (&sink->lock);
  if (sink->publish_at == 0)
    sink->publish_at = g_get_monotonic_time ();
  if (sink->attempt > 0)
    sink->reconnects++;
  gst_rtmp_push_client_post (sink, gst_structure_new (sink->attempt > 0 ?
          "rtmp-push-reconnected" : "rtmp-push-published",
          "tc-url", G_TYPE_STRING, c->safe_url,
          "attempt", G_TYPE_UINT, sink->attempt, NULL));
  gst_rtmp_push_client_pump (sink);
}

/* A connect refused for authentication: the next step on a new
 * connection, or the error.  FALSE when it is no authentication matter. */
static gboolean
authenticate (GstRtmpPushConn * c, const ertmp_session_event * ev,
    const gchar * safe_desc)
{
  GstRtmpPushSink *sink = c->sink;
  GstRtmpPushConn *next;
  gchar *query, *why;

  switch (gst_rtmp_push_auth_next (sink, ev->status.description, c->app,
          c->auth_step, &query, &why)) {
    case GST_RTMP_PUSH_AUTH_RETRY:
      /* the next step on a new connection (this one is closing) */
      next = gst_rtmp_push_conn_open (sink, c->tc_url);
      next->auth_query = query;
      next->auth_step = c->auth_step + 1;
      gst_rtmp_push_conn_retire (c);
      sink->conn = next;
      return TRUE;
    case GST_RTMP_PUSH_AUTH_FAILED:
      GST_ELEMENT_ERROR (sink, RESOURCE, NOT_AUTHORIZED,
          ("Authentication to %s failed: %s", c->safe_url, why),
          ("%s: %s", ev->status.code, safe_desc));
      g_free (why);
      fail (sink);
      gst_rtmp_push_conn_retire (c);
      return TRUE;
    default:
      return FALSE;
  }
}

/* @text from the server with our stream key and its ?query redacted (a
 * server may quote them back) */
static gchar *
scrub (GstRtmpPushSink * sink, const gchar * text)
{
  GString *s = g_string_new (text);
  gchar *stream, *safe, **parts;

  GST_OBJECT_LOCK (sink);
  stream = g_strdup (sink->stream);
  GST_OBJECT_UNLOCK (sink);
  if (stream != NULL && stream[0] != '\0') {
    parts = g_strsplit (stream, "?", 2);
    safe = gst_ertmp_redact_key (stream);
    g_string_replace (s, stream, safe, 0);
    g_free (safe);
    if (parts[1] != NULL && parts[1][0] != '\0')
      g_string_replace (s, parts[1], "***", 0);
    /* a key of a few characters would garble the text, and is no
     * secret */
    if (strlen (parts[0]) >= 4) {
      safe = gst_ertmp_redact_key (parts[0]);
      g_string_replace (s, parts[0], safe, 0);
      g_free (safe);
    }
    g_strfreev (parts);
  }
  g_free (stream);
  return g_string_free (s, FALSE);
}

static void
on_refused (GstRtmpPushConn * c, const ertmp_session_event * ev)
{
  GstRtmpPushSink *sink = c->sink;
  gchar *desc = scrub (sink, ev->status.description ?
      ev->status.description : ev->status.code ? ev->status.code :
      "no reason given");

  if (c == sink->conn && g_strcmp0 (ev->status.command, "connect") == 0
      && authenticate (c, ev, desc)) {
    g_free (desc);
    return;
  }
  if (c == sink->next) {
    GST_ELEMENT_WARNING (sink, RESOURCE, OPEN_WRITE,
        ("The server %s of a Reconnect Request refused us: %s", c->safe_url,
            desc), ("%s: %s", ev->status.command, ev->status.code));
  } else if (g_strcmp0 (ev->status.command, "connect") == 0) {
    GST_ELEMENT_ERROR (sink, RESOURCE, OPEN_WRITE,
        ("The server refused the connection to %s: %s", c->safe_url, desc),
        ("%s: %s", ev->status.command, ev->status.code));
    fail (sink);
  } else {
    GST_ELEMENT_ERROR (sink, RESOURCE, NOT_AUTHORIZED,
        ("The server refused to publish: %s", desc),
        ("%s: %s", ev->status.command, ev->status.code));
    fail (sink);
  }
  g_free (desc);
  gst_rtmp_push_conn_retire (c);
}

/* A Reconnect Request from RTMPS to plain RTMP would send the key in
 * clear: refused unless allow-tls-downgrade. */
static gboolean
refuse_downgrade (GstRtmpPushConn * c, const gchar * target,
    const gchar * safe_target)
{
  GstRtmpPushSink *sink = c->sink;
  gboolean allow, tls = FALSE;
  ertmp_url url;

  if (!c->tls)
    return FALSE;
  if (ertmp_url_parse (target, &url) == ERTMP_OK) {
    tls = url.tls;
    ertmp_url_clear (&url);
  }
  GST_OBJECT_LOCK (sink);
  allow = sink->allow_tls_downgrade;
  GST_OBJECT_UNLOCK (sink);
  if (tls || allow)
    return FALSE;
  GST_ELEMENT_WARNING (sink, RESOURCE, OPEN_WRITE,
      ("Not following the server's Reconnect Request from RTMPS to %s: the "
          "stream key would go unencrypted; staying on %s", safe_target,
          c->safe_url), ("set allow-tls-downgrade to follow such requests"));
  return TRUE;
}

static void
on_reconnect_request (GstRtmpPushConn * c, const ertmp_session_event * ev)
{
  GstRtmpPushSink *sink = c->sink;
  const gchar *target = ev->reconnect.tc_url ? ev->reconnect.tc_url :
      c->tc_url;
  gchar *safe_target, *desc;

  if (c != sink->conn || sink->next != NULL || sink->finishing)
    return;
  safe_target = gst_ertmp_redact_url (target);
  desc = scrub (sink, ev->reconnect.description ?
      ev->reconnect.description : "");
  GST_INFO_OBJECT (sink, "Reconnect Request to %s (%s)", safe_target, desc);
  gst_rtmp_push_client_post (sink,
      gst_structure_new ("rtmp-push-reconnect-request",
          "tc-url", G_TYPE_STRING, safe_target,
          "description", G_TYPE_STRING, desc, NULL));
  if (!refuse_downgrade (c, target, safe_target))
    sink->next = gst_rtmp_push_conn_open (sink, target);
  g_free (safe_target);
  g_free (desc);
}

static void
on_event (GstErtmpConn * conn, const ertmp_session_event * ev, gpointer data)
{
  GstRtmpPushConn *c = data;
  gchar *text;
  guint32 now;

  if (c->retired)
    return;
  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      on_connected (c, ev);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_STARTED:
      on_publish_started (c);
      break;
    case ERTMP_SESSION_EVENT_ERROR:
      on_refused (c, ev);
      break;
    case ERTMP_SESSION_EVENT_RECONNECT_REQUEST:
      on_reconnect_request (c, ev);
      break;
    case ERTMP_SESSION_EVENT_USER_CONTROL:
      if (ev->user_control.type == ERTMP_UC_PING_RESPONSE) {
        now = (guint32) (g_get_monotonic_time () / 1000);
        c->sink->rtt = (now - ev->user_control.value) * GST_MSECOND;
      }
      break;
    case ERTMP_SESSION_EVENT_STATUS:
      text = scrub (c->sink, GST_STR_NULL (ev->status.description));
      GST_INFO_OBJECT (c->sink, "%s: %s %s %s", c->safe_url,
          GST_STR_NULL (ev->status.level), GST_STR_NULL (ev->status.code),
          text);
      g_free (text);
      break;
    case ERTMP_SESSION_EVENT_WARNING:
      GST_WARNING_OBJECT (c->sink, "%s: %s", c->safe_url,
          ev->warning.message);
      break;
    default:
      break;
  }
}

static void
on_closed (GstErtmpConn * conn, GstErtmpConnClosed reason,
    const GError * error, gpointer data)
{
  GstRtmpPushConn *c = data;
  GstRtmpPushSink *sink = c->sink;
  const gchar *why = error ? error->message :
      reason == GST_ERTMP_CONN_CLOSED_EOF ? "the server closed the connection"
      : "closed";

  if (c == sink->conn && c->publishing)
    gst_rtmp_push_stats_refresh (sink, c);
  if (sink->stopping) {
    /* stop() is taking everything down */
  } else if (!c->retired && sink->finishing && c == sink->conn) {
    sink->conn = NULL;
    g_mutex_lock (&sink->lock);
    sink->closed = TRUE;
    sink->publishing = FALSE;
    g_cond_broadcast (&sink->cond);
    g_mutex_unlock (&sink->lock);
  } else if (!c->retired && c == sink->conn && sink->next) {
    /* the old server went first: the next one takes over (at a key frame)
     * as soon as it publishes */
    GST_INFO_OBJECT (sink, "%s closed before the switch to %s", c->safe_url,
        sink->next->safe_url);
    sink->conn = sink->next;
    sink->next = NULL;
    sink->resume = TRUE;
    gst_rtmp_push_client_pump (sink);
  } else if (!c->retired && (c == sink->conn || c == sink->next)) {
    if (c->publishing && c == sink->conn) {
      sink->conn = NULL;
      lost (sink, c, why);
    } else {
      gst_rtmp_push_conn_failed (c, NULL, error);
    }
  }
  gst_rtmp_push_conn_forget (c);
}

static void
on_drained (GstErtmpConn * conn, gpointer data)
{
  GstRtmpPushConn *c = data;

  if (c == c->sink->conn)
    gst_rtmp_push_client_pump (c->sink);
}

const GstErtmpConnFuncs gst_rtmp_push_conn_funcs = { on_event, on_closed,
  on_drained
};
