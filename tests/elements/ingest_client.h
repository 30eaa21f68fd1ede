/* gst-ertmp: an in-process RTMP client for rtmpingestsrc tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One TCP connection to 127.0.0.1 driven from the test thread by the
 * core's client session (handshake, connect, publish, media, teardown).
 * Every byte the element sends is kept, so that a test can search the
 * replies.  Waits poll the socket, each bounded by a timeout; functions
 * return FALSE rather than failing the test, the test decides.
 */
#ifndef INGEST_CLIENT_H
#define INGEST_CLIENT_H

#include <glib.h>
#include "ertmp_session.h"

G_BEGIN_DECLS

typedef struct
{
  gint fd;
  ertmp_session *s;
  GByteArray *received;         /* every byte read from the element */
  gboolean connected, publishing, eof, error;
  gchar *status_code, *status_description;     /* of the last error */
} IngestClient;

typedef gboolean (*IngestClientDone) (IngestClient * c);

/* Connects to 127.0.0.1:@port and starts a client session; FALSE when the
 * connection is refused. */
gboolean ingest_client_open (IngestClient * c, guint16 port);
void ingest_client_free (IngestClient * c);

/* Writes the pending output and feeds what arrives until @done (NULL:
 * until the output is written), EOF or @timeout_ms.  TRUE when @done. */
gboolean ingest_client_pump (IngestClient * c, IngestClientDone done,
    gint timeout_ms);

gboolean ingest_client_done_connected (IngestClient * c);
gboolean ingest_client_done_publishing (IngestClient * c);
/* publishing, refused (an error status) or closed */
gboolean ingest_client_done_answered (IngestClient * c);
gboolean ingest_client_done_eof (IngestClient * c);

/* connect to @app (tcUrl @tc_url) and publish @name; TRUE when publishing
 * was accepted, FALSE when refused (see status_*) or on timeout */
gboolean ingest_client_publish (IngestClient * c, const gchar * app,
    const gchar * tc_url, const gchar * name, gint timeout_ms);
/* one media message, written out */
gboolean ingest_client_send (IngestClient * c, guint8 type_id, gint64 ts,
    const guint8 * data, gsize len, gint timeout_ms);
/* FCUnpublish, closeStream, deleteStream, written out; the socket stays
 * open */
gboolean ingest_client_teardown (IngestClient * c, gint timeout_ms);
/* Whether the element still holds the connection: reads what is there
 * without waiting; FALSE once it closed */
gboolean ingest_client_still_open (IngestClient * c);
/* Whether @needle occurs in the bytes received */
gboolean ingest_client_received_contains (IngestClient * c,
    const gchar * needle);

G_END_DECLS

#endif /* INGEST_CLIENT_H */
