/* gst-ertmp: connect authentication (Adobe "authmod=adobe", Limelight
 * "authmod=llnw", SecureToken)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Adobe authentication runs over three connections (FMS; FFmpeg, librtmp
 * and GStreamer's rtmp2 answer it the same way):
 *
 *  1. connect app "live": the server refuses with the description
 *     "[ AccessManager.Reject ] : [ code=403 need auth; authmod=adobe ] : "
 *  2. connect app "live?authmod=adobe&user=U": refused with
 *     "[ AccessManager.Reject ] : [ authmod=adobe ] : ?reason=needauth&
 *     user=U&salt=S&challenge=C&opaque=O"
 *  3. connect app "live?authmod=adobe&user=U&challenge=CC&response=R&
 *     opaque=O" where CC is the client's own challenge and
 *       R = base64 (md5 (base64 (md5 (U S password)) N CC))
 *     with N the opaque when the server sent one, else its challenge.
 *     Accepted, or refused with "?reason=authfailed".
 *
 * Limelight (LLNW) authentication takes the same three connections, with
 * "authmod=llnw" in place of "authmod=adobe" and an HTTP-digest answer
 * (RFC 2617, qop "auth", realm "live", method "publish"; FFmpeg and
 * GStreamer 1.24's rtmp2 answer it the same way):
 *
 *  2. refused with "[ AccessManager.Reject ] : [ authmod=llnw ] :
 *     ?reason=needauth&user=U&nonce=N"
 *  3. connect app "live?authmod=llnw&user=U&nonce=N&cnonce=CN&nc=NC&
 *     response=R" where, in lowercase hex,
 *       R = md5 (md5 (U ":live:" password) ":" N ":" NC ":" CN ":auth:"
 *                md5 ("publish:/" APP))
 *     with APP the application without its query, "/_definst_" appended
 *     when it has no '/'.  NC is "00000001" (one answer per nonce).
 *
 * The tcUrl carries the same query as the app.  Pure functions, no I/O.
 */
#ifndef ERTMP_AUTH_H
#define ERTMP_AUTH_H

#include <glib.h>
#include "ertmp_result.h"

G_BEGIN_DECLS

/* the connect rejection descriptions of steps 1 and 2 */
#define ERTMP_AUTH_NEED_AUTH_ADOBE \
  "[ AccessManager.Reject ] : [ code=403 need auth; authmod=adobe ] : "
#define ERTMP_AUTH_REJECT_PREFIX_ADOBE \
  "[ AccessManager.Reject ] : [ authmod=adobe ] : "
#define ERTMP_AUTH_NEED_AUTH_LLNW \
  "[ AccessManager.Reject ] : [ code=403 need auth; authmod=llnw ] : "
#define ERTMP_AUTH_REJECT_PREFIX_LLNW \
  "[ AccessManager.Reject ] : [ authmod=llnw ] : "

/* R above (newly allocated); @nonce is the opaque, else the challenge */
gchar *ertmp_auth_adobe_response (const gchar * user, const gchar * salt,
    const gchar * password, const gchar * nonce,
    const gchar * client_challenge);

typedef enum
{
  ERTMP_AUTH_REJECT_OTHER,      /* not an authentication rejection */
  ERTMP_AUTH_REJECT_NEED_AUTH,  /* step 1: "code=403 need auth" */
  ERTMP_AUTH_REJECT_CHALLENGE,  /* step 2: reason=needauth, salt or nonce */
  ERTMP_AUTH_REJECT_FAILED,     /* reason=authfailed (or another) */
} ertmp_auth_reject_kind;

/* A connect rejection's description, parsed. */
typedef struct
{
  ertmp_auth_reject_kind kind;
  gchar *authmod;               /* "adobe", "llnw"...; NULL if absent */
  gchar *reason;                /* CHALLENGE, FAILED: the reason= value */
  gchar *user, *salt, *challenge, *opaque;      /* NULL when absent */
  gchar *nonce;                 /* llnw's; NULL when absent */
} ertmp_auth_rejection;

/* Always fills @r (OTHER for a description that is no authentication
 * rejection, or NULL); clear with ertmp_auth_rejection_clear(). */
void ertmp_auth_parse_rejection (const gchar * description,
    ertmp_auth_rejection * r);
void ertmp_auth_rejection_clear (ertmp_auth_rejection * r);

/* The value of @name in the "a=1&b=2" @query (newly allocated), or NULL */
gchar *ertmp_auth_query_get (const gchar * query, const gchar * name);

/* Step 3's query "authmod=adobe&user=U&challenge=CC&response=R[&opaque=O]"
 * (newly allocated) for the CHALLENGE @r; NULL when @r has no salt. */
gchar *ertmp_auth_adobe_query (const gchar * user, const gchar * password,
    const ertmp_auth_rejection * r, const gchar * client_challenge);

/* R of the LLNW step 3 (newly allocated, 32 lowercase hex digits) */
gchar *ertmp_auth_llnw_response (const gchar * user, const gchar * password,
    const gchar * app, const gchar * nonce, const gchar * nc,
    const gchar * cnonce);

/* Step 3's query "authmod=llnw&user=U&nonce=N&cnonce=CN&nc=00000001&
 * response=R" (newly allocated) for the CHALLENGE @r; NULL when @r has no
 * nonce.  @app as in ertmp_auth_llnw_response(). */
gchar *ertmp_auth_llnw_query (const gchar * user, const gchar * password,
    const gchar * app, const ertmp_auth_rejection * r, const gchar * cnonce);

/* SecureToken (librtmp, rtmp2): the connect _result's "secureToken" is hex
 * of XXTEA-encrypted text under the key made of the first 16 bytes of the
 * shared token (NUL-padded, little-endian words); the client answers
 * "secureTokenResponse" with the decrypted text.  decode: NULL when @hex
 * is not whole 8-digit groups of hex digits; encode: @text is NUL-padded
 * to a multiple of 4 bytes and at least 8. */
gchar *ertmp_auth_secure_token_decode (const gchar * token, const gchar * hex);
gchar *ertmp_auth_secure_token_encode (const gchar * token,
    const gchar * text);

G_END_DECLS

#endif /* ERTMP_AUTH_H */
