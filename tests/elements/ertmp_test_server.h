/* gst-ertmp: a small RTMP ingest server for element tests, on the core's
 * server session (with its authentication) and GIO
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Listens on 127.0.0.1 (an ephemeral port) in its own thread, accepts
 * every publish and counts what arrives.  Waits are bounded.
 */
#ifndef ERTMP_TEST_SERVER_H
#define ERTMP_TEST_SERVER_H

#include <gst/gst.h>
#include "ertmp_session.h"

G_BEGIN_DECLS

typedef struct _ErtmpTestServer ErtmpTestServer;

/* @auth, @secure_token: see ertmp_session_config (NULL: none) */
ErtmpTestServer *ertmp_test_server_new (const ertmp_session_auth * auth,
    const gchar * secure_token);
void ertmp_test_server_free (ErtmpTestServer * server);
guint16 ertmp_test_server_port (ErtmpTestServer * server);

/* "media" counts H.264 frames (video NAL unit tags, no sequence start or
 * end).  Waits until @media frames arrived on one publish (TRUE) or
 * @timeout_ms passed. */
gboolean ertmp_test_server_wait_media (ErtmpTestServer * server,
    guint media, guint timeout_ms);

/* What arrived (copies; NULL when nothing yet): the last connect's app
 * and tcUrl, the last publish name, the connect refusals in order
 * ("description\n" each), the chunk size the client sent with */
gchar *ertmp_test_server_app (ErtmpTestServer * server);
gchar *ertmp_test_server_tc_url (ErtmpTestServer * server);
gchar *ertmp_test_server_stream (ErtmpTestServer * server);
gchar *ertmp_test_server_refusals (ErtmpTestServer * server);
guint ertmp_test_server_connections (ErtmpTestServer * server);
guint ertmp_test_server_media (ErtmpTestServer * server);
guint32 ertmp_test_server_chunk_size_in (ErtmpTestServer * server);

/* Publishes @frames small H.264 frames through flvmux into @sink_desc (a
 * gst-launch description, e.g. "rtmppushsink location=..."): TRUE at
 * EOS; FALSE with the first error (*error, *debug: may be NULL) or when
 * @timeout_ms passed (*error NULL). */
gboolean ertmp_test_publish (const gchar * sink_desc, guint frames,
    guint timeout_ms, GError ** error, gchar ** debug);

G_END_DECLS

#endif /* ERTMP_TEST_SERVER_H */
