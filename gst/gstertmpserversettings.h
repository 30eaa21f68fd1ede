/* gst-ertmp: the settings every element of the shared server has
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtmpingestsrc and rtmpservesink are both clients of the shared server
 * (gstertmpserver.h): the same server settings (host, port, TLS, chunk
 * size, connection limits, PROXY protocol), an application and a stream
 * (the ingest's key, the play-out's name), and a location that sets them.
 * An element embeds a GstErtmpServerSettings, installs its properties from
 * a property id on, hands those ids to set_property() and get_property()
 * under its object lock, uses the URI handler here, and joins its server
 * with them.  Property texts that tell the element's role stay the
 * element's (the Info below).
 */
#ifndef __GST_ERTMP_SERVER_SETTINGS_H__
#define __GST_ERTMP_SERVER_SETTINGS_H__

#include <gst/gst.h>
#include <gio/gio.h>
#include "gstertmpserver.h"

G_BEGIN_DECLS

/* the properties, from the element's first_prop_id on, in this order */
enum
{
  GST_ERTMP_SERVER_PROP_LOCATION,
  GST_ERTMP_SERVER_PROP_HOST,
  GST_ERTMP_SERVER_PROP_PORT,
  GST_ERTMP_SERVER_PROP_BOUND_PORT,
  GST_ERTMP_SERVER_PROP_APPLICATION,
  GST_ERTMP_SERVER_PROP_STREAM,
  GST_ERTMP_SERVER_PROP_CHUNK_SIZE,
  GST_ERTMP_SERVER_PROP_HANDSHAKE_TIMEOUT,
  GST_ERTMP_SERVER_PROP_MAX_CONNECTIONS,
  GST_ERTMP_SERVER_PROP_MAX_PER_ADDRESS,
  GST_ERTMP_SERVER_PROP_PROXY_PROTOCOL,
  GST_ERTMP_SERVER_PROP_TLS_CERTIFICATE,
  GST_ERTMP_SERVER_PROP_TLS_CERTIFICATE_FILE,
  GST_ERTMP_SERVER_PROP_TLS_KEY_FILE,
  GST_ERTMP_SERVER_N_PROPS
};

/* What differs between the elements: one static const per element class */
typedef struct
{
  guint first_prop_id;          /* of GST_ERTMP_SERVER_N_PROPS ids */
  GstURIType uri_type;          /* GST_URI_SRC or GST_URI_SINK */
  gsize offset;                 /* of the settings in the instance */
  GstDebugCategory **debug;     /* the element's category */
  /* the stream property ("stream-key") and its word in a location
   * ("KEY") */
  const gchar *stream_name, *stream_nick, *stream_blurb, *stream_word;
  /* TRUE: an empty APP or KEY in a location is NULL (any) and KEY may be
   * missing; FALSE: a location needs a NAME and sets APP as given ("" for
   * none) */
  gboolean empty_is_any;
  /* blurbs told for the element's role */
  const gchar *location_blurb, *host_blurb, *port_blurb, *application_blurb;
  const gchar *chunk_size_blurb, *handshake_timeout_blurb;
  const gchar *max_connections_blurb, *max_per_address_blurb;
  const gchar *proxy_protocol_blurb;
} GstErtmpServerSettingsInfo;

/* Under the element's object lock */
typedef struct
{
  const GstErtmpServerSettingsInfo *info;
  gchar *host;
  gint port;
  gint bound_port;              /* set by the element from READY on */
  gchar *application;
  gchar *stream;                /* key or name */
  gboolean tls_scheme;          /* location was rtmps:// */
  gchar *bad_location;          /* the last location set, refused
                                 * (redacted), or NULL */
  guint chunk_size;
  guint handshake_timeout;      /* s */
  guint max_connections;
  guint max_per_address;
  gboolean proxy_protocol;
  GTlsCertificate *tls_certificate;
  gchar *tls_certificate_file;
  gchar *tls_key_file;
} GstErtmpServerSettings;

/* class_init: installs the properties and keeps @info (static) for the
 * URI handler */
void gst_ertmp_server_settings_class_init (GObjectClass * klass,
    const GstErtmpServerSettingsInfo * info);
/* The GstURIHandler interface init of an element of such a class */
void gst_ertmp_server_settings_uri_handler_init (gpointer g_iface,
    gpointer iface_data);

/* instance init and finalize: the defaults; everything freed */
void gst_ertmp_server_settings_init (GstErtmpServerSettings * s,
    const GstErtmpServerSettingsInfo * info);
void gst_ertmp_server_settings_clear (GstErtmpServerSettings * s);

/* Under the object lock of @object (the element).  Returns TRUE when
 * @prop_id is one of the settings' (and was set or got). */
gboolean gst_ertmp_server_settings_set_property (GstErtmpServerSettings * s,
    GObject * object, guint prop_id, const GValue * value);
gboolean gst_ertmp_server_settings_get_property (GstErtmpServerSettings * s,
    guint prop_id, GValue * value);

/* Under the object lock.  set: an unparsable @location changes nothing
 * and returns FALSE with @error set.  get: a new string. */
gboolean gst_ertmp_server_settings_set_location (GstErtmpServerSettings * s,
    const gchar * location, GError ** error);
gchar *gst_ertmp_server_settings_get_location (GstErtmpServerSettings * s);

/* NULL -> READY: binds the address, or joins the server already there,
 * with gst_ertmp_server_join() (what goes wrong is posted on @element).
 * Sets *@server (a ref) and bound_port under the object lock; FALSE when
 * an error was posted. */
gboolean gst_ertmp_server_settings_join (GstErtmpServerSettings * s,
    GstElement * element, GstErtmpServer ** server);
/* READY -> NULL: unsets *@server and bound_port under the object lock and
 * releases the server, if any */
void gst_ertmp_server_settings_leave (GstErtmpServerSettings * s,
    GstElement * element, GstErtmpServer ** server);

G_END_DECLS

#endif /* __GST_ERTMP_SERVER_SETTINGS_H__ */
