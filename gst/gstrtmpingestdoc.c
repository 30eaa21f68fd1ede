/* gst-ertmp: rtmpingestsrc's reference for gst-inspect-1.0
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GObject signals have no argument names and bus messages no schema:
 * gst-inspect-1.0 prints every metadata key of the factory ("Factory
 * Details"), so the signals' prototypes with argument names, the bus
 * messages and the stats fields, with their types and meanings, are
 * documented there (and in docs/network-elements.md).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtmpingestsrc.h"

static const gchar *const documentation[][2] = {
  {"signal-publish-request",
      "\"publish-request\": gboolean user_function (GstElement *src, "
      "gchararray app, gchararray key, gchararray peer_address, "
      "gchararray tc_url, GstStructure *capabilities): a publisher that "
      "passed the application and stream-key checks asks to publish; key "
      "is the whole published name, ?query included (not redacted: it is "
      "yours to check); peer_address is \"ip:port\"; capabilities "
      "(rtmp-ingest-capabilities) holds its E-RTMP fourcc-list "
      "(comma-separated), has-caps-ex and caps-ex.  Emitted from the "
      "server's I/O thread, shared by every connection of the process: "
      "do not block in it.  Return FALSE to refuse (NetStream.Publish.Unauthorized); "
      "the first FALSE wins"},
  {"action-request-reconnect",
      "\"request-reconnect\": gboolean user_function (GstElement *src, "
      "gchararray tc_url, gchararray description): action, sends the "
      "E-RTMP Reconnect Request (tc_url: where to go, absolute or "
      "relative, or NULL; description: a reason, or NULL); FALSE when no "
      "publisher is connected"},
  {"action-disconnect",
      "\"disconnect-publisher\": gboolean user_function (GstElement "
      "*src): action, drops the publisher (publish-end reason "
      "\"kicked\"); FALSE when no publisher is connected"},
  {"message-publish-start",
      "rtmp-ingest-publish-start: element message, a publisher was "
      "accepted: app (gchararray, its application, ?query redacted), key "
      "(gchararray, its stream key redacted to the first characters), "
      "peer-address (gchararray, \"ip:port\"), tc-url (gchararray, ?query "
      "redacted), flash-ver (gchararray, its flashVer)"},
  {"message-publish-end",
      "rtmp-ingest-publish-end: element message, the publisher left: "
      "reason (gchararray: \"unpublished\" after its teardown, "
      "\"disconnected\" when its connection was lost, \"kicked\" by "
      "disconnect-publisher, \"idle-timeout\", \"first-media-timeout\", "
      "\"taken-over\" (a publisher with the same key replaced it; the "
      "stream goes on with a DISCONT), \"protocol-error\"), peer-address (gchararray), bytes (guint64, "
      "bytes received on its connection), duration (guint64, ns since its "
      "publish was accepted)"},
  {"message-refused",
      "rtmp-ingest-refused: element message, a connection was refused or "
      "dropped before publishing: reason (gchararray: \"bad-app\", "
      "\"bad-key\", \"busy\" (takeover=refuse and a publisher is on, or "
      "the stream ended without keep-listening), \"signal\" "
      "(publish-request said no), \"timeout\" (handshake-timeout), "
      "\"pending-limit\" (a message over the budget of a connection "
      "whose publish is not accepted yet: 8 KiB per message, 16 KiB "
      "in all), \"protocol-error\", \"tls\", \"proxy-header\" (no valid "
      "PROXY header with proxy-protocol), \"address-limit\", "
      "\"connection-limit\", \"evicted\" (an unauthenticated connection "
      "closed to make room), \"unclaimed\" (held by publisher-unknown, "
      "not claimed within claim-timeout), \"play\" (a player: nothing "
      "is played on this server; it is told "
      "NetStream.Play.StreamNotFound)), "
      "peer-address (gchararray, \"ip:port\" of that peer), detail "
      "(gchararray, what it was told or why it was dropped)"},
  {"message-takeover",
      "rtmp-ingest-takeover: element message, a publisher with this "
      "element's key replaced the one publishing (takeover): old-address, "
      "new-address (gchararray, \"ip:port\")"},
  {"message-server",
      "Messages of the shared server that concern no element (refusals "
      "before a key is known, limits, evictions, PROXY; rtmp-ingest-drain: "
      "publishers (guint, told to reconnect)) are posted by the element "
      "that has been on the server longest; a refusal of a key or "
      "application goes to the element serving that application when "
      "it is the only one"},
  {"server",
      "GstErtmpServer (property server, from READY): signal "
      "\"publisher-unknown\": gboolean user_function (GstErtmpServer "
      "*server, gchararray app, gchararray key, gchararray address): a "
      "publish names an application and key no element serves; emitted "
      "from the I/O thread (do not block); TRUE holds its publish "
      "unanswered (so it sends no media yet) until an rtmpingestsrc with "
      "that application and key starts on the server within "
      "claim-timeout, which then accepts it and outputs it from its first "
      "tag; FALSE refuses it (bad-key).  Action \"drain\": guint "
      "user_function (GstErtmpServer *server, gchararray tc_url, "
      "gchararray description): stops listening and sends every "
      "publisher the E-RTMP Reconnect Request (tc_url NULL: the URL it "
      "used); returns how many were told.  Properties: bound-port, "
      "claim-timeout (guint, s, default 10), stats"},
  {"server-stats-fields",
      "rtmp-server-stats: connections, handshaking (TCP, PROXY or TLS), "
      "pending (RTMP, not yet publishing), publishing, held, closing, "
      "addresses (distinct client addresses), routes (elements), "
      "listening (gboolean) (guint, refreshed every 200 ms); "
      "streaming-workers, streaming-workers-stuck (guint, now: the "
      "threads that push every rtmpingestsrc of the process, and those "
      "blocked over 100 ms in one element's downstream); bytes-in, "
      "connections-total, publishers-accepted, takeovers (guint64, since "
      "the server started); refused-REASON for each refusal reason above "
      "and dropped-REASON for first-media-timeout, idle-timeout, "
      "taken-over, protocol-error, disconnected, kicked "
      "(guint64)"},
  {"stats-fields",
      "rtmp-ingest-stats: publishers-accepted, publishers-refused "
      "(guint64, since start), publishing (gboolean); of the current or "
      "last publisher, refreshed every second: in-bytes-total, "
      "out-bytes-total (guint64, bytes on its connection), in-chunk-size, "
      "out-chunk-size (guint, bytes), in-window-ack-size, "
      "out-window-ack-size (guint, bytes, 0: none), in-bytes-acked "
      "(guint64, bytes we acknowledged), messages-in, audio-messages, "
      "video-messages, data-messages (guint64), bitrate (guint64, bit/s "
      "over the last second), average-bitrate (guint64, bit/s since its "
      "publish), publisher-address (gchararray, \"ip:port\"), application "
      "(gchararray, ?query redacted), stream-key (gchararray, redacted), "
      "tc-url (gchararray, ?query redacted), flash-ver (gchararray), "
      "peer-fourcc-list (gchararray, its E-RTMP FourCCs, "
      "comma-separated), connection-duration (guint64, ns since its "
      "publish was accepted)"},
  {"warnings",
      "GST_ELEMENT_WARNING at start when no stream key is set (any key is "
      "accepted; the address is named), and when a peer breaks the "
      "protocol or its TLS handshake fails (the peer is dropped, the next "
      "one served)"},
};

void
gst_rtmp_ingest_src_add_documentation (GstElementClass * element_class)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (documentation); i++)
    gst_element_class_add_static_metadata (element_class,
        documentation[i][0], documentation[i][1]);
}
