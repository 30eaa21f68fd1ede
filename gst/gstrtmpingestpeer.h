/* gst-ertmp: rtmpingestsrc's connections (private to the element)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A peer is one accepted connection of the I/O thread
 * (gstrtmpingestserver.c); gstrtmpingestpublish.c decides whether it may
 * publish and turns its media into tags.  I/O thread only.
 */
#ifndef __GST_RTMP_INGEST_PEER_H__
#define __GST_RTMP_INGEST_PEER_H__

#include "gstrtmpingestsrc.h"
#include "gstertmpconn.h"

G_BEGIN_DECLS

/* ms to let a refused or dropped peer read our last words */
#define LINGER_MS 2000
typedef enum
{
  PEER_TLS_HANDSHAKE,
  PEER_RTMP,                    /* handshake, connect, publish request */
  PEER_PUBLISHING,
  PEER_DONE,                    /* refused, ended or closing */
} PeerState;

struct _GstRtmpIngestPeer
{
  GstRtmpIngestSrc *src;
  GIOStream *stream;
  GstErtmpConn *conn;
  GCancellable *cancellable;
  gchar *address;
  PeerState state;
  GSource *timer;               /* handshake deadline, then idle checks */
  gint64 accepted_at, publish_at;       /* monotonic us */
  guint32 msid;
  gchar *app, *tc_url, *flash_ver, *name;
  /* app and tc_url with any ?query redacted: for logs, messages, stats */
  gchar *app_safe, *tc_url_safe;
  ertmp_caps caps;
  /* why we closed it: "kicked", "timeout" (publish-end / refused) */
  const gchar *local_reason;
  guint64 last_bytes_in;
  /* after its teardown: when we close it if it has not (monotonic us, 0:
   * not lingering), and the END that waits for that (keep-listening off) */
  gint64 linger_until;
  GstRtmpIngestItem *end;
};

/* gstrtmpingestpublish.c */
/* posts rtmp-ingest-refused and counts it */
void gst_rtmp_ingest_peer_post_refused (GstRtmpIngestPeer * peer,
    const gchar * reason, const gchar * detail);
/* checks application and key, then asks publish-request; refuses (and
 * closes) the peer when it may not publish: FALSE then */
gboolean gst_rtmp_ingest_peer_check_publish (GstRtmpIngestPeer * peer);
void gst_rtmp_ingest_peer_accept (GstRtmpIngestPeer * peer);
/* one media or data message of the publisher, queued as an FLV tag */
void gst_rtmp_ingest_peer_tag (GstRtmpIngestPeer * peer, guint8 type,
    gint64 ms, GBytes * payload);
void gst_rtmp_ingest_peer_refresh_stats (GstRtmpIngestSrc * src,
    GstRtmpIngestPeer * peer);
/* @app with its ?query redacted (transfer full) */
gchar *gst_rtmp_ingest_redact_app (const gchar * app);

G_END_DECLS

#endif /* __GST_RTMP_INGEST_PEER_H__ */
