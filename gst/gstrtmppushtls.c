/* gst-ertmp: rtmppushsink's check of an RTMPS server's certificate
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GIO validates the chain during the handshake, but since GLib 2.72 its
 * validation flags are only a hint: the GnuTLS backend reports just
 * "unknown CA" for a chain it cannot verify, whatever else is wrong with
 * the certificate.  So every connection validates with all checks, and
 * accept-certificate decides with tls-validation-flags after looking for
 * the problems the handshake may have left out (dates, host name).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtmppushtls.h"

gboolean
gst_rtmp_push_tls_check (GTlsConnection * conn, GTlsCertificate * cert,
    GTlsCertificateFlags errors, GTlsCertificateFlags flags,
    GTlsCertificateFlags * found)
{
  GSocketConnectable *identity = NULL;
  GTlsCertificateFlags more;

  if (G_IS_TLS_CLIENT_CONNECTION (conn))
    identity = g_tls_client_connection_get_server_identity
        (G_TLS_CLIENT_CONNECTION (conn));
  /* with no trusted CA given every chain is of an unknown CA: that one
   * only counts when the handshake found it */
  more = g_tls_certificate_verify (cert, identity, NULL);
  *found = (errors | (more & ~G_TLS_CERTIFICATE_UNKNOWN_CA)) & flags;
  return *found == 0;
}

gchar *
gst_rtmp_push_tls_problem (GTlsCertificateFlags errors)
{
  static const struct
  {
    GTlsCertificateFlags flag;
    const gchar *text;
  } names[] = {
    {G_TLS_CERTIFICATE_UNKNOWN_CA, "signed by an unknown certificate "
          "authority (self-signed?)"},
    {G_TLS_CERTIFICATE_BAD_IDENTITY, "issued for another host name"},
    {G_TLS_CERTIFICATE_NOT_ACTIVATED, "not valid yet"},
    {G_TLS_CERTIFICATE_EXPIRED, "expired"},
    {G_TLS_CERTIFICATE_REVOKED, "revoked"},
    {G_TLS_CERTIFICATE_INSECURE, "using an insecure algorithm"},
    {G_TLS_CERTIFICATE_GENERIC_ERROR, "unusable"},
  };
  GString *s = g_string_new ("the server's certificate is ");
  guint i, n = 0;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    if (errors & names[i].flag)
      g_string_append_printf (s, "%s%s", n++ ? ", " : "", names[i].text);
  g_string_append (s, " (tls-validation-flags decides what is checked)");
  return g_string_free (s, FALSE);
}
