/* gst-ertmp: the settings every element of the shared server has
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Server settings (host, port, TLS, chunk size, limits, PROXY protocol)
 * are the shared server's: the first element to bind an address makes the
 * server with its own, a later one that differs is warned.  A location
 * rtmp://HOST[:PORT]/APP/KEY (or rtmps://) sets host, port, application
 * and stream.  One that does not parse changes nothing: the URI handler
 * returns GST_URI_ERROR_BAD_URI, the property remembers it (redacted) so
 * that the element fails to start quoting it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstertmpredact.h"
#include "gstertmpserversettings.h"
#include "ertmp_url.h"

#define DEFAULT_HOST "0.0.0.0"
#define DEFAULT_PORT 1935
#define DEFAULT_HANDSHAKE_TIMEOUT 10
/* FFmpeg publishers echo the server's chunk size: at 4 KiB they make 16
 * times the send calls they make at 64 KiB (docs/performance.md) */
#define DEFAULT_CHUNK_SIZE 65536
/* thousands of publishers per server, a few dozen per address (NAT) */
#define DEFAULT_MAX_CONNECTIONS 5000
#define DEFAULT_MAX_PER_ADDRESS 32
#define DEFAULT_PROXY_PROTOCOL FALSE

/* ---- location ---- */

gboolean
gst_ertmp_server_settings_set_location (GstErtmpServerSettings * s,
    const gchar * location, GError ** error)
{
  const GstErtmpServerSettingsInfo *info = s->info;
  ertmp_url url;
  gchar *redacted;
  gboolean ok;

  if (location == NULL) {
    g_clear_pointer (&s->bad_location, g_free);
    return TRUE;
  }
  ok = ertmp_url_parse (location, &url) == ERTMP_OK;
  if (ok && !info->empty_is_any && (url.stream == NULL
          || *url.stream == '\0')) {
    ertmp_url_clear (&url);
    ok = FALSE;
  }
  if (!ok) {
    redacted = gst_ertmp_redact_url (location);
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
        "Invalid location \"%s\": expected rtmp://HOST[:PORT]/APP/%s or "
        "rtmps://...", redacted, info->stream_word);
    g_free (redacted);
    return FALSE;
  }
  g_free (s->host);
  s->host = g_strdup (url.host);
  s->port = url.port_explicit ? url.port : (url.tls ? ERTMP_URL_PORT_RTMPS
      : ERTMP_URL_PORT_RTMP);
  g_free (s->application);
  g_free (s->stream);
  if (info->empty_is_any) {
    s->application = url.app && *url.app ? g_strdup (url.app) : NULL;
    s->stream = url.stream && *url.stream ? g_strdup (url.stream) : NULL;
  } else {
    s->application = g_strdup (url.app ? url.app : "");
    s->stream = g_strdup (url.stream);
  }
  s->tls_scheme = url.tls;
  ertmp_url_clear (&url);
  g_clear_pointer (&s->bad_location, g_free);
  return TRUE;
}

gchar *
gst_ertmp_server_settings_get_location (GstErtmpServerSettings * s)
{
  gboolean v6 = strchr (s->host, ':') != NULL;
  /* no stream: "rtmp://h:1935/app" where NULL is any, else ".../app/" */
  gboolean slash = s->stream != NULL || !s->info->empty_is_any;

  return g_strdup_printf ("%s://%s%s%s:%d/%s%s%s",
      s->tls_scheme ? "rtmps" : "rtmp", v6 ? "[" : "", s->host,
      v6 ? "]" : "", s->port, s->application ? s->application : "",
      slash ? "/" : "", s->stream ? s->stream : "");
}

/* The property: a refused location keeps the old settings and is
 * remembered, so that the element fails to start quoting it instead of
 * listening where the user did not ask. */
static void
set_location_property (GstErtmpServerSettings * s, GObject * object,
    const gchar * location)
{
  GError *err = NULL;

  if (gst_ertmp_server_settings_set_location (s, location, &err))
    return;
  GST_CAT_WARNING_OBJECT (*s->info->debug, object,
      "%s: location not changed", err->message);
  g_free (s->bad_location);
  s->bad_location = gst_ertmp_redact_url (location);
  g_error_free (err);
}

/* ---- the server ---- */

gboolean
gst_ertmp_server_settings_join (GstErtmpServerSettings * s,
    GstElement * element, GstErtmpServer ** server)
{
  GstErtmpServerConfig cfg = { NULL };
  GError *err = NULL;
  gchar *bad_location, *expected;
  GstErtmpServer *joined;

  GST_OBJECT_LOCK (element);
  bad_location = g_strdup (s->bad_location);
  cfg.host = g_strdup (s->host);
  cfg.port = s->port;
  cfg.chunk_size = s->chunk_size;
  cfg.handshake_timeout = s->handshake_timeout;
  cfg.max_connections = s->max_connections;
  cfg.max_per_address = s->max_per_address;
  cfg.proxy_protocol = s->proxy_protocol;
  if (bad_location == NULL)
    cfg.tls = gst_ertmp_server_load_certificate (s->tls_certificate,
        s->tls_certificate_file, s->tls_key_file, s->tls_scheme, &err);
  GST_OBJECT_UNLOCK (element);
  expected = g_strdup_printf ("rtmp://HOST[:PORT]/APP/%s or rtmps://...",
      s->info->stream_word);
  joined = gst_ertmp_server_join (element, &cfg, bad_location, expected,
      err);
  g_free (expected);
  g_free (bad_location);
  if (joined == NULL)
    return FALSE;
  GST_OBJECT_LOCK (element);
  *server = joined;
  s->bound_port = gst_ertmp_server_get_bound_port (joined);
  GST_OBJECT_UNLOCK (element);
  return TRUE;
}

void
gst_ertmp_server_settings_leave (GstErtmpServerSettings * s,
    GstElement * element, GstErtmpServer ** server)
{
  GstErtmpServer *left;

  GST_OBJECT_LOCK (element);
  left = *server;
  *server = NULL;
  s->bound_port = 0;
  GST_OBJECT_UNLOCK (element);
  if (left != NULL)
    gst_ertmp_server_release (left, element);
}

/* ---- URI handler ---- */

/* the Info of @type's element class (a subclass has its parent's) */
static const GstErtmpServerSettingsInfo *
class_info (GType type)
{
  GQuark q = g_quark_from_static_string ("gst-ertmp-server-settings-info");
  const GstErtmpServerSettingsInfo *info = NULL;

  for (; info == NULL && type != 0; type = g_type_parent (type))
    info = g_type_get_qdata (type, q);
  return info;
}

static GstErtmpServerSettings *
handler_settings (GstURIHandler * handler)
{
  return G_STRUCT_MEMBER_P (handler,
      class_info (G_OBJECT_TYPE (handler))->offset);
}

static GstURIType
uri_get_type (GType type)
{
  return class_info (type)->uri_type;
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
  gchar *uri;

  GST_OBJECT_LOCK (handler);
  uri = gst_ertmp_server_settings_get_location (handler_settings (handler));
  GST_OBJECT_UNLOCK (handler);
  return uri;
}

static gboolean
uri_set_uri (GstURIHandler * handler, const gchar * uri, GError ** error)
{
  gboolean ok;

  GST_OBJECT_LOCK (handler);
  ok = gst_ertmp_server_settings_set_location (handler_settings (handler),
      uri, error);
  GST_OBJECT_UNLOCK (handler);
  return ok;
}

void
gst_ertmp_server_settings_uri_handler_init (gpointer g_iface,
    gpointer iface_data)
{
  GstURIHandlerInterface *iface = g_iface;

  iface->get_type = uri_get_type;
  iface->get_protocols = uri_get_protocols;
  iface->get_uri = uri_get_uri;
  iface->set_uri = uri_set_uri;
}

/* ---- properties ---- */

static void
replace_string (gchar ** field, const GValue * value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
}

gboolean
gst_ertmp_server_settings_set_property (GstErtmpServerSettings * s,
    GObject * object, guint prop_id, const GValue * value)
{
  switch (prop_id - s->info->first_prop_id) {
    case GST_ERTMP_SERVER_PROP_LOCATION:
      set_location_property (s, object, g_value_get_string (value));
      break;
    case GST_ERTMP_SERVER_PROP_HOST:
      replace_string (&s->host, value);
      if (s->host == NULL)
        s->host = g_strdup (DEFAULT_HOST);
      break;
    case GST_ERTMP_SERVER_PROP_PORT:
      s->port = g_value_get_int (value);
      break;
    case GST_ERTMP_SERVER_PROP_APPLICATION:
      replace_string (&s->application, value);
      break;
    case GST_ERTMP_SERVER_PROP_STREAM:
      replace_string (&s->stream, value);
      break;
    case GST_ERTMP_SERVER_PROP_CHUNK_SIZE:
      s->chunk_size = g_value_get_uint (value);
      break;
    case GST_ERTMP_SERVER_PROP_HANDSHAKE_TIMEOUT:
      s->handshake_timeout = g_value_get_uint (value);
      break;
    case GST_ERTMP_SERVER_PROP_MAX_CONNECTIONS:
      s->max_connections = g_value_get_uint (value);
      break;
    case GST_ERTMP_SERVER_PROP_MAX_PER_ADDRESS:
      s->max_per_address = g_value_get_uint (value);
      break;
    case GST_ERTMP_SERVER_PROP_PROXY_PROTOCOL:
      s->proxy_protocol = g_value_get_boolean (value);
      break;
    case GST_ERTMP_SERVER_PROP_TLS_CERTIFICATE:
      g_clear_object (&s->tls_certificate);
      s->tls_certificate = g_value_dup_object (value);
      break;
    case GST_ERTMP_SERVER_PROP_TLS_CERTIFICATE_FILE:
      replace_string (&s->tls_certificate_file, value);
      break;
    case GST_ERTMP_SERVER_PROP_TLS_KEY_FILE:
      replace_string (&s->tls_key_file, value);
      break;
    default:
      /* bound-port is read-only: GObject never sets it */
      return FALSE;
  }
  return TRUE;
}

gboolean
gst_ertmp_server_settings_get_property (GstErtmpServerSettings * s,
    guint prop_id, GValue * value)
{
  switch (prop_id - s->info->first_prop_id) {
    case GST_ERTMP_SERVER_PROP_LOCATION:
      g_value_take_string (value, gst_ertmp_server_settings_get_location (s));
      break;
    case GST_ERTMP_SERVER_PROP_HOST:
      g_value_set_string (value, s->host);
      break;
    case GST_ERTMP_SERVER_PROP_PORT:
      g_value_set_int (value, s->port);
      break;
    case GST_ERTMP_SERVER_PROP_BOUND_PORT:
      g_value_set_int (value, s->bound_port);
      break;
    case GST_ERTMP_SERVER_PROP_APPLICATION:
      g_value_set_string (value, s->application);
      break;
    case GST_ERTMP_SERVER_PROP_STREAM:
      g_value_set_string (value, s->stream);
      break;
    case GST_ERTMP_SERVER_PROP_CHUNK_SIZE:
      g_value_set_uint (value, s->chunk_size);
      break;
    case GST_ERTMP_SERVER_PROP_HANDSHAKE_TIMEOUT:
      g_value_set_uint (value, s->handshake_timeout);
      break;
    case GST_ERTMP_SERVER_PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, s->max_connections);
      break;
    case GST_ERTMP_SERVER_PROP_MAX_PER_ADDRESS:
      g_value_set_uint (value, s->max_per_address);
      break;
    case GST_ERTMP_SERVER_PROP_PROXY_PROTOCOL:
      g_value_set_boolean (value, s->proxy_protocol);
      break;
    case GST_ERTMP_SERVER_PROP_TLS_CERTIFICATE:
      g_value_set_object (value, s->tls_certificate);
      break;
    case GST_ERTMP_SERVER_PROP_TLS_CERTIFICATE_FILE:
      g_value_set_string (value, s->tls_certificate_file);
      break;
    case GST_ERTMP_SERVER_PROP_TLS_KEY_FILE:
      g_value_set_string (value, s->tls_key_file);
      break;
    default:
      return FALSE;
  }
  return TRUE;
}

void
gst_ertmp_server_settings_class_init (GObjectClass * klass,
    const GstErtmpServerSettingsInfo * info)
{
  const guint id = info->first_prop_id;
  /* application and stream: may change up to READY (the route is made
   * then) */
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
      | GST_PARAM_MUTABLE_READY;
  /* what the server is made of: bound in NULL -> READY */
  const GParamFlags srv = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  g_type_set_qdata (G_OBJECT_CLASS_TYPE (klass),
      g_quark_from_static_string ("gst-ertmp-server-settings-info"),
      (gpointer) info);

  g_object_class_install_property (klass, id + GST_ERTMP_SERVER_PROP_LOCATION,
      g_param_spec_string ("location", "Location", info->location_blurb,
          NULL, srv));
  g_object_class_install_property (klass, id + GST_ERTMP_SERVER_PROP_HOST,
      g_param_spec_string ("host", "Host", info->host_blurb, DEFAULT_HOST,
          srv));
  g_object_class_install_property (klass, id + GST_ERTMP_SERVER_PROP_PORT,
      g_param_spec_int ("port", "Port", info->port_blurb, 0, 65535,
          DEFAULT_PORT, srv));
  g_object_class_install_property (klass,
      id + GST_ERTMP_SERVER_PROP_BOUND_PORT,
      g_param_spec_int ("bound-port", "Bound port",
          "The port listened on, from READY on (0 in NULL)", 0, 65535, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (klass,
      id + GST_ERTMP_SERVER_PROP_APPLICATION,
      g_param_spec_string ("application", "Application",
          info->application_blurb, NULL, rw));
  g_object_class_install_property (klass, id + GST_ERTMP_SERVER_PROP_STREAM,
      g_param_spec_string (info->stream_name, info->stream_nick,
          info->stream_blurb, NULL, rw));
  g_object_class_install_property (klass,
      id + GST_ERTMP_SERVER_PROP_CHUNK_SIZE,
      g_param_spec_uint ("chunk-size", "Chunk size", info->chunk_size_blurb,
          128, 0x7FFFFFFF, DEFAULT_CHUNK_SIZE, srv));
  g_object_class_install_property (klass,
      id + GST_ERTMP_SERVER_PROP_HANDSHAKE_TIMEOUT,
      g_param_spec_uint ("handshake-timeout", "Handshake timeout",
          info->handshake_timeout_blurb, 0, G_MAXUINT / 1000000,
          DEFAULT_HANDSHAKE_TIMEOUT, srv));
  g_object_class_install_property (klass,
      id + GST_ERTMP_SERVER_PROP_MAX_CONNECTIONS,
      g_param_spec_uint ("max-connections", "Maximum connections",
          info->max_connections_blurb, 0, G_MAXINT, DEFAULT_MAX_CONNECTIONS,
          srv));
  g_object_class_install_property (klass,
      id + GST_ERTMP_SERVER_PROP_MAX_PER_ADDRESS,
      g_param_spec_uint ("max-connections-per-address",
          "Maximum connections per address", info->max_per_address_blurb,
          0, G_MAXINT, DEFAULT_MAX_PER_ADDRESS, srv));
  g_object_class_install_property (klass,
      id + GST_ERTMP_SERVER_PROP_PROXY_PROTOCOL,
      g_param_spec_boolean ("proxy-protocol", "PROXY protocol",
          info->proxy_protocol_blurb, DEFAULT_PROXY_PROTOCOL, srv));
  g_object_class_install_property (klass,
      id + GST_ERTMP_SERVER_PROP_TLS_CERTIFICATE,
      g_param_spec_object ("tls-certificate", "TLS certificate",
          "Certificate (with its private key) for RTMPS: connections are "
          "TLS when set", G_TYPE_TLS_CERTIFICATE, srv));
  g_object_class_install_property (klass,
      id + GST_ERTMP_SERVER_PROP_TLS_CERTIFICATE_FILE,
      g_param_spec_string ("tls-certificate-file", "TLS certificate file",
          "PEM file with the RTMPS certificate (and its key unless "
          "tls-key-file is set)", NULL, srv));
  g_object_class_install_property (klass,
      id + GST_ERTMP_SERVER_PROP_TLS_KEY_FILE,
      g_param_spec_string ("tls-key-file", "TLS key file",
          "PEM file with the private key of tls-certificate-file", NULL, srv));
}

void
gst_ertmp_server_settings_init (GstErtmpServerSettings * s,
    const GstErtmpServerSettingsInfo * info)
{
  s->info = info;
  s->host = g_strdup (DEFAULT_HOST);
  s->port = DEFAULT_PORT;
  s->chunk_size = DEFAULT_CHUNK_SIZE;
  s->handshake_timeout = DEFAULT_HANDSHAKE_TIMEOUT;
  s->max_connections = DEFAULT_MAX_CONNECTIONS;
  s->max_per_address = DEFAULT_MAX_PER_ADDRESS;
  s->proxy_protocol = DEFAULT_PROXY_PROTOCOL;
}

void
gst_ertmp_server_settings_clear (GstErtmpServerSettings * s)
{
  g_free (s->host);
  g_free (s->application);
  g_free (s->stream);
  g_clear_object (&s->tls_certificate);
  g_free (s->tls_certificate_file);
  g_free (s->tls_key_file);
  g_free (s->bad_location);
}
