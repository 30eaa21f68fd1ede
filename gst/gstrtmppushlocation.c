/* gst-ertmp: rtmppushsink's location and URI handler
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtmp[s]://[USER:PASSWORD@]HOST[:PORT]/APP[/INSTANCE]/STREAM[?query], then
 * librtmp's options after a space ("rtmp://h/app/key live=1 timeout=10"),
 * each applied as the property it stands for.  A location is checked
 * whole: an unusable one changes nothing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstrtmppushsink.h"
#include "gstertmpredact.h"
#include "ertmp_url.h"

/* ---- location ---- */

/* What a location sets, checked whole before anything is applied */
typedef struct
{
  ertmp_url url;
  gchar *user, *password;       /* userinfo */
  GPtrArray *options;           /* librtmp's: name, value, ... */
} Location;

/* librtmp options (librtmp(3)) that mean nothing for a publisher */
static const gchar *const playing_options[] = { "socks", "playlist",
  "subscribe", "start", "stop", "buffer", "swfhash", "swfsize", "swfVfy",
  "swfAge", "jtv", "weeb", NULL
};

/* the librtmp options we take, and the property each one sets */
static const gchar *const known_options[] = { "app", "tcUrl", "pageUrl",
  "swfUrl", "flashVer", "conn", "playpath", "live", "timeout", "token",
  "pubUser", "pubPasswd", NULL
};

static gboolean
check_option (const gchar * name, const gchar * value, GError ** error)
{
  guint64 n;

  if (g_strv_contains (playing_options, name)) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
        "librtmp option \"%s\" is for playing, not publishing", name);
    return FALSE;
  }
  if (!g_strv_contains (known_options, name)) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
        "unknown librtmp option \"%s\"", name);
    return FALSE;
  }
  if ((strcmp (name, "timeout") == 0 && !g_ascii_string_to_unsigned (value,
              10, 0, G_MAXUINT, &n, NULL))
      || (strcmp (name, "live") == 0 && g_strcmp0 (value, "1") != 0)) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
        "librtmp option \"%s\": bad value \"%s\"", name, value);
    return FALSE;
  }
  return TRUE;
}

static void
location_clear (Location * loc)
{
  ertmp_url_clear (&loc->url);
  g_free (loc->user);
  g_free (loc->password);
  g_clear_pointer (&loc->options, g_ptr_array_unref);
}

/* Parses @uri whole; FALSE and @error (the location redacted) if any part
 * is unusable. */
static gboolean
location_parse (const gchar * uri, Location * loc, GError ** error)
{
  gchar *url = NULL, *message = NULL, *redacted;
  guint i;
  gboolean ok;

  memset (loc, 0, sizeof (*loc));
  if (uri == NULL || ertmp_url_split_options (uri, &url, &loc->options,
          &message) != ERTMP_OK) {
    ok = FALSE;
  } else if (ertmp_url_parse (url, &loc->url) != ERTMP_OK) {
    message = g_strdup ("not rtmp[s]://HOST[:PORT]/APP[/INSTANCE]/STREAM");
    ok = FALSE;
  } else {
    g_uri_split_with_user (url, G_URI_FLAGS_HAS_PASSWORD, NULL, &loc->user,
        &loc->password, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    for (i = 0, ok = TRUE; ok && i + 1 < loc->options->len; i += 2)
      ok = check_option (g_ptr_array_index (loc->options, i),
          g_ptr_array_index (loc->options, i + 1), error);
  }
  g_free (url);
  if (ok)
    return TRUE;
  redacted = gst_ertmp_redact_url (uri);
  if (error && *error) {
    g_prefix_error (error, "bad location \"%s\": ", redacted);
  } else {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
        "bad location \"%s\": %s", redacted, message ? message :
        "no location");
  }
  g_free (redacted);
  g_free (message);
  location_clear (loc);
  return FALSE;
}

static void
take_string (gchar ** field, const gchar * value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* One librtmp option (checked) as the property it stands for */
static void
apply_option (GstRtmpPushSink * sink, const gchar * name, const gchar * v)
{
  static const struct
  {
    const gchar *option;
    gsize offset;
  } strings[] = {
    {"app", G_STRUCT_OFFSET (GstRtmpPushSink, application)},
    {"tcUrl", G_STRUCT_OFFSET (GstRtmpPushSink, tc_url)},
    {"pageUrl", G_STRUCT_OFFSET (GstRtmpPushSink, page_url)},
    {"swfUrl", G_STRUCT_OFFSET (GstRtmpPushSink, swf_url)},
    {"flashVer", G_STRUCT_OFFSET (GstRtmpPushSink, flash_version)},
    {"playpath", G_STRUCT_OFFSET (GstRtmpPushSink, stream)},
    {"token", G_STRUCT_OFFSET (GstRtmpPushSink, secure_token)},
    {"pubUser", G_STRUCT_OFFSET (GstRtmpPushSink, username)},
    {"pubPasswd", G_STRUCT_OFFSET (GstRtmpPushSink, password)},
  };
  gchar *joined;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (strings); i++) {
    if (strcmp (name, strings[i].option) == 0) {
      take_string (G_STRUCT_MEMBER_P (sink, strings[i].offset), v);
      return;
    }
  }
  if (strcmp (name, "timeout") == 0) {
    sink->timeout = (guint) g_ascii_strtoull (v, NULL, 10);
  } else if (strcmp (name, "live") == 0) {
    /* live=1 (librtmp publishes live whatever it says; other values are
     * refused): the publish type */
    take_string (&sink->publish_type, "live");
  } else if (strcmp (name, "conn") == 0) {
    joined = sink->location_conn ? g_strconcat (sink->location_conn, " ", v,
        NULL) : g_strdup (v);
    g_free (sink->location_conn);
    sink->location_conn = joined;
  }
}

/* Sets host, port, application, stream and the options from @uri (object
 * lock held); on error nothing changes. */
gboolean
gst_rtmp_push_location_set (GstRtmpPushSink * sink, const gchar * uri, GError ** error)
{
  Location loc;
  guint i;

  if (!location_parse (uri, &loc, error))
    return FALSE;
  sink->tls_scheme = loc.url.tls;
  take_string (&sink->host, loc.url.host);
  sink->port = loc.url.port;
  take_string (&sink->application, loc.url.app ? loc.url.app : "");
  take_string (&sink->stream, loc.url.stream ? loc.url.stream : "");
  if (loc.user) {
    take_string (&sink->username, loc.user);
    take_string (&sink->password, loc.password);
  }
  g_clear_pointer (&sink->location_conn, g_free);
  for (i = 0; i + 1 < loc.options->len; i += 2)
    apply_option (sink, g_ptr_array_index (loc.options, i),
        g_ptr_array_index (loc.options, i + 1));
  g_clear_pointer (&sink->bad_location, g_free);
  location_clear (&loc);
  return TRUE;
}

gchar *
gst_rtmp_push_location_get (GstRtmpPushSink * sink)
{
  gboolean v6 = sink->host && strchr (sink->host, ':');

  return g_strdup_printf ("%s://%s%s%s:%d/%s/%s",
      sink->tls_scheme ? "rtmps" : "rtmp", v6 ? "[" : "",
      GST_STR_NULL (sink->host), v6 ? "]" : "", sink->port,
      GST_STR_NULL (sink->application), GST_STR_NULL (sink->stream));
}

static GstURIType
uri_get_type (GType type)
{
  return GST_URI_SINK;
}

static const gchar *const *
uri_get_protocols (GType type)
{
  static const gchar *protocols[] = { "rtmp", "rtmps", NULL };

  return protocols;
}

static gchar *
uri_get_uri (GstURIHandler * handler)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (handler);
  gchar *uri;

  GST_OBJECT_LOCK (sink);
  uri = gst_rtmp_push_location_get (sink);
  GST_OBJECT_UNLOCK (sink);
  return uri;
}

static gboolean
uri_set_uri (GstURIHandler * handler, const gchar * uri, GError ** error)
{
  GstRtmpPushSink *sink = GST_RTMP_PUSH_SINK (handler);
  gboolean ok;

  GST_OBJECT_LOCK (sink);
  ok = gst_rtmp_push_location_set (sink, uri, error);
  GST_OBJECT_UNLOCK (sink);
  return ok;
}

void
gst_rtmp_push_sink_uri_init (gpointer iface, gpointer data)
{
  GstURIHandlerInterface *uri = iface;

  uri->get_type = uri_get_type;
  uri->get_protocols = uri_get_protocols;
  uri->get_uri = uri_get_uri;
  uri->set_uri = uri_set_uri;
}
