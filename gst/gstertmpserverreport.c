/* gst-ertmp: what the shared server says of its refusals and drops
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one place where a refusal becomes a count, a log line and a bus
 * message: the route's when one is concerned (its element posts
 * rtmp-ingest-refused), else the server's oldest owner's.  Addresses are
 * the peer's own; keys never appear here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstertmpserverpriv.h"

GST_DEBUG_CATEGORY_EXTERN (gst_ertmp_server_debug);
#define GST_CAT_DEFAULT gst_ertmp_server_debug

static const gchar *refused_names[GST_ERTMP_N_REFUSED] = {
  "connection-limit", "address-limit", "evicted", "bad-app", "bad-key",
  "busy", "signal", "proxy-header", "timeout", "pending-limit",
  "protocol-error", "tls", "unclaimed", "play",
};

static const gchar *dropped_names[GST_ERTMP_N_DROPPED] = {
  "first-media-timeout", "idle-timeout", "taken-over", "protocol-error",
  "disconnected", "kicked",
};

const gchar *
gst_ertmp_refused_name (GstErtmpRefused what)
{
  return what < GST_ERTMP_N_REFUSED ? refused_names[what] : "unknown";
}

const gchar *
gst_ertmp_dropped_name (GstErtmpDropped what)
{
  return what < GST_ERTMP_N_DROPPED ? dropped_names[what] : "unknown";
}

void
gst_ertmp_server_report_refused (GstErtmpServer * server,
    GstErtmpRoute * route, GstErtmpRefused what, const gchar * address,
    const gchar * detail)
{
  const gchar *reason = gst_ertmp_refused_name (what);

  gst_ertmp_server_count_refused (server, what);
  GST_INFO_OBJECT (server, "refused %s: %s (%s)", address, reason, detail);
  if (route != NULL) {
    route->funcs->refused (route->route, reason, address, detail);
    return;
  }
  gst_ertmp_server_post (server, gst_structure_new ("rtmp-ingest-refused",
          "reason", G_TYPE_STRING, reason,
          "peer-address", G_TYPE_STRING, address,
          "detail", G_TYPE_STRING, detail, NULL));
}
