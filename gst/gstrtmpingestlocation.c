/* gst-ertmp: rtmpingestsrc's location and GstURIHandler
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtmp://HOST[:PORT]/APP/KEY (or rtmps://) sets host, port, application
 * and stream key.  One that does not parse changes nothing: the URI
 * handler returns GST_URI_ERROR_BAD_URI, the property remembers it
 * (redacted) so that start() fails quoting it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstertmpredact.h"
#include "gstrtmpingestsrc.h"
#include "ertmp_url.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_ingest_src_debug);
#define GST_CAT_DEFAULT gst_rtmp_ingest_src_debug

/* Under the object lock.  An unparsable @location changes nothing and
 * returns FALSE with @error set. */
static gboolean
set_location (GstRtmpIngestSrc * src, const gchar * location,
    GError ** error)
{
  ertmp_url url;
  gchar *redacted;

  if (location == NULL) {
    g_clear_pointer (&src->bad_location, g_free);
    return TRUE;
  }
  if (ertmp_url_parse (location, &url) != ERTMP_OK) {
    redacted = gst_ertmp_redact_url (location);
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
        "Invalid location \"%s\": expected rtmp://HOST[:PORT]/APP/KEY or "
        "rtmps://...", redacted);
    g_free (redacted);
    return FALSE;
  }
  g_free (src->host);
  src->host = g_strdup (url.host);
  src->port = url.port_explicit ? url.port : (url.tls ? ERTMP_URL_PORT_RTMPS
      : ERTMP_URL_PORT_RTMP);
  g_free (src->application);
  src->application = url.app && *url.app ? g_strdup (url.app) : NULL;
  g_free (src->stream_key);
  src->stream_key = url.stream && *url.stream ? g_strdup (url.stream) : NULL;
  src->tls_scheme = url.tls;
  ertmp_url_clear (&url);
  g_clear_pointer (&src->bad_location, g_free);
  return TRUE;
}

gchar *
gst_rtmp_ingest_src_get_location (GstRtmpIngestSrc * src)
{
  gboolean v6 = strchr (src->host, ':') != NULL;

  return g_strdup_printf ("%s://%s%s%s:%d/%s%s%s",
      src->tls_scheme ? "rtmps" : "rtmp", v6 ? "[" : "", src->host,
      v6 ? "]" : "", src->port, src->application ? src->application : "",
      src->stream_key ? "/" : "", src->stream_key ? src->stream_key : "");
}

static GstURIType
uri_get_type (GType type)
{
  return GST_URI_SRC;
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
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (handler);
  gchar *uri;

  GST_OBJECT_LOCK (src);
  uri = gst_rtmp_ingest_src_get_location (src);
  GST_OBJECT_UNLOCK (src);
  return uri;
}

static gboolean
uri_set_uri (GstURIHandler * handler, const gchar * uri, GError ** error)
{
  GstRtmpIngestSrc *src = GST_RTMP_INGEST_SRC (handler);
  gboolean ok;

  GST_OBJECT_LOCK (src);
  ok = set_location (src, uri, error);
  GST_OBJECT_UNLOCK (src);
  return ok;
}

void
gst_rtmp_ingest_src_uri_handler_init (gpointer g_iface, gpointer iface_data)
{
  GstURIHandlerInterface *iface = g_iface;

  iface->get_type = uri_get_type;
  iface->get_protocols = uri_get_protocols;
  iface->get_uri = uri_get_uri;
  iface->set_uri = uri_set_uri;
}

/* The property: a refused location keeps the old settings and is
 * remembered, so that start() fails quoting it instead of listening where
 * the user did not ask. */
void
gst_rtmp_ingest_src_set_location (GstRtmpIngestSrc * src,
    const gchar * location)
{
  GError *err = NULL;

  if (set_location (src, location, &err))
    return;
  GST_WARNING_OBJECT (src, "%s: location not changed", err->message);
  g_free (src->bad_location);
  src->bad_location = gst_ertmp_redact_url (location);
  g_error_free (err);
}
