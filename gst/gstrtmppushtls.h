/* gst-ertmp: rtmppushsink's check of an RTMPS server's certificate
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_RTMP_PUSH_TLS_H__
#define __GST_RTMP_PUSH_TLS_H__

#include <gio/gio.h>

G_BEGIN_DECLS

/* From a connection's accept-certificate: the problems of @cert (the
 * handshake's @errors and what it may leave out) that @flags
 * (tls-validation-flags) check into *@found; TRUE when there are none. */
gboolean gst_rtmp_push_tls_check (GTlsConnection * conn,
    GTlsCertificate * cert, GTlsCertificateFlags errors,
    GTlsCertificateFlags flags, GTlsCertificateFlags * found);

/* "the server's certificate is expired, ..." for a refusal (transfer
 * full) */
gchar *gst_rtmp_push_tls_problem (GTlsCertificateFlags errors);

G_END_DECLS

#endif /* __GST_RTMP_PUSH_TLS_H__ */
