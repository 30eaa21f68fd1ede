/* gst-ertmp: fuzz target for the PROXY protocol header parser
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: the first bytes a connection receives.  Invariants (any broken
 * one aborts):
 *  - NEED_MORE and the errors consume nothing; an error comes with a
 *    message, NEED_MORE and OK without one;
 *  - OK: the header is 15..ERTMP_LIMIT_PROXY_HEADER_MAX bytes; the same
 *    bytes alone give the same header (nothing after it was read) and one
 *    byte less gives NEED_MORE; the info is consistent (is_local <-> no
 *    family, canonical address text that reads back to itself);
 *  - NEED_MORE never covers more than a header may be;
 *  - an input refused is never the extension of an accepted header:
 *    its prefix one byte shorter is not OK.
 *
 * Seeds in corpus/proxy: the headers HAProxy 2.6.12 (Debian 12) sent
 * with send-proxy and send-proxy-v2 (TCP4, TCP6, health checks, CRC32C
 * and unique-ID TLVs; captured as tests/core/test_proxy.c says), each
 * followed by an RTMP C0, and hand-made ones from proxy-protocol.txt.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ertmp_limits.h"
#include "ertmp_proxy_private.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

static void
check (gboolean ok)
{
  if (!ok)
    abort ();
}

/* NUL-terminated within its array, and canonical */
static void
check_address (const gchar * text, ertmp_proxy_family family)
{
  gchar again[ERTMP_PROXY_ADDRESS_SIZE];
  guint8 a[16];
  gsize n = strnlen (text, ERTMP_PROXY_ADDRESS_SIZE);

  check (n < ERTMP_PROXY_ADDRESS_SIZE);
  if (family == ERTMP_PROXY_FAMILY_INET) {
    check (ertmp_proxy_parse_ipv4 (text, n, a));
    ertmp_proxy_format_ipv4 (a, again);
  } else {
    check (ertmp_proxy_parse_ipv6 (text, n, a));
    ertmp_proxy_format_ipv6 (a, again);
  }
  check (strcmp (text, again) == 0);
}

static void
check_accepted (const uint8_t * data, gsize consumed,
    const ertmp_proxy_info * info)
{
  ertmp_proxy_info alone;
  gsize again = 0;
  guint8 *exact;

  check (consumed >= 15 && consumed <= ERTMP_LIMIT_PROXY_HEADER_MAX);
  check (info->version == 1 || info->version == 2);
  if (info->version == 1)
    check (consumed <= ERTMP_LIMIT_PROXY_V1_LINE_MAX);
  check (info->is_local == (info->family == ERTMP_PROXY_FAMILY_UNSPEC));
  if (info->is_local) {
    check (info->source[0] == '\0' && info->destination[0] == '\0');
    check (info->source_port == 0 && info->destination_port == 0);
  } else {
    check_address (info->source, info->family);
    check_address (info->destination, info->family);
  }

  /* a copy of exactly the header, so that ASan sees a read past it */
  exact = g_memdup2 (data, consumed);
  check (ertmp_proxy_parse (exact, consumed, &alone, &again, NULL)
      == ERTMP_OK);
  check (again == consumed && memcmp (&alone, info, sizeof (alone)) == 0);
  check (ertmp_proxy_parse (exact, consumed - 1, &alone, &again, NULL)
      == ERTMP_NEED_MORE);
  g_free (exact);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  ertmp_proxy_info info;
  gsize consumed = 1;
  gchar *error = (gchar *) "unset";
  ertmp_result res = ertmp_proxy_parse (data, size, &info, &consumed,
      &error);

  switch (res) {
    case ERTMP_OK:
      check (error == NULL && consumed <= size);
      check_accepted (data, consumed, &info);
      break;
    case ERTMP_NEED_MORE:
      check (error == NULL && consumed == 0);
      check (size < ERTMP_LIMIT_PROXY_HEADER_MAX);
      break;
    case ERTMP_MALFORMED:
    case ERTMP_UNSUPPORTED:
    case ERTMP_LIMIT:
      check (error != NULL && error[0] != '\0' && consumed == 0);
      g_free (error);
      check (size > 0);
      check (ertmp_proxy_parse (data, size - 1, &info, &consumed, NULL)
          != ERTMP_OK);
      break;
    default:
      abort ();
  }
  return 0;
}
