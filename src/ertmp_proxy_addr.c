/* gst-ertmp: IPv4 and IPv6 address text for the PROXY protocol
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The core has no sockets, so no inet_pton/inet_ntop: these do the same
 * (RFC 4291 2.2 text forms in, glibc's inet_ntop forms out; the tests
 * compare both with libc's).
 */
#include "ertmp_proxy_private.h"

/* One decimal field of a dotted quad: 1..3 digits, no leading zero (the
 * PROXY spec and inet_pton both refuse octal-looking "010"). */
static gboolean
parse_octet (const gchar * s, gsize n, guint8 * out)
{
  guint v = 0;
  gsize i;

  if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
    return FALSE;
  for (i = 0; i < n; i++) {
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
    v = v * 10 + (guint) (s[i] - '0');
  }
  if (v > 255)
    return FALSE;
  *out = (guint8) v;
  return TRUE;
}

gboolean
ertmp_proxy_parse_ipv4 (const gchar * s, gsize n, guint8 out[4])
{
  gsize start = 0, i;
  guint part = 0;

  for (i = 0; i <= n; i++) {
    if (i < n && s[i] != '.')
      continue;
    if (part == 4 || !parse_octet (s + start, i - start, &out[part]))
      return FALSE;
    part++;
    start = i + 1;
  }
  return part == 4;
}

/* 1..4 hex digits at s[*i], or an IPv4 tail when a '.' follows digits:
 * the number of 16-bit groups stored (0 on error) */
static guint
parse_group (const gchar * s, gsize n, gsize * i, guint16 * groups,
    guint have)
{
  gsize start = *i;
  guint v = 0, digits = 0;
  guint8 v4[4];

  while (*i < n && g_ascii_isxdigit (s[*i]) && digits < 5) {
    v = (v << 4) | (guint) g_ascii_xdigit_value (s[*i]);
    digits++;
    (*i)++;
  }
  if (*i < n && s[*i] == '.') {
    /* the last 32 bits as a dotted quad: ::ffff:192.0.2.1 */
    if (have > 6 || !ertmp_proxy_parse_ipv4 (s + start, n - start, v4))
      return 0;
    groups[0] = (guint16) ((v4[0] << 8) | v4[1]);
    groups[1] = (guint16) ((v4[2] << 8) | v4[3]);
    *i = n;
    return 2;
  }
  if (digits == 0 || digits > 4 || have == 8)
    return 0;
  groups[0] = (guint16) v;
  return 1;
}

gboolean
ertmp_proxy_parse_ipv6 (const gchar * s, gsize n, guint8 out[16])
{
  guint16 groups[8] = { 0 };
  gint gap = -1;
  guint have = 0, k, got;
  gsize i = 0;

  if (n >= 2 && s[0] == ':' && s[1] == ':') {
    gap = 0;
    i = 2;
  }
  while (i < n) {
    got = parse_group (s, n, &i, groups + have, have);
    if (got == 0)
      return FALSE;
    have += got;
    if (i == n)
      break;
    if (s[i] != ':' || ++i == n)
      return FALSE;             /* junk, or a trailing single ':' */
    if (s[i] == ':') {
      if (gap >= 0)
        return FALSE;           /* a second "::" */
      gap = (gint) have;
      i++;
    }
  }
  if (gap < 0 ? have != 8 : have > 7)
    return FALSE;
  memset (out, 0, 16);
  for (k = 0; k < have; k++) {
    /* groups after the gap move to the end */
    guint at = (gap >= 0 && k >= (guint) gap) ? k + 8 - have : k;

    out[2 * at] = (guint8) (groups[k] >> 8);
    out[2 * at + 1] = (guint8) (groups[k] & 0xFF);
  }
  return TRUE;
}

static gsize
format_dotted (const guint8 * a, gchar * out, gsize size)
{
  return (gsize) g_snprintf (out, size, "%u.%u.%u.%u", a[0], a[1], a[2],
      a[3]);
}

void
ertmp_proxy_format_ipv4 (const guint8 a[4],
    gchar out[ERTMP_PROXY_ADDRESS_SIZE])
{
  format_dotted (a, out, ERTMP_PROXY_ADDRESS_SIZE);
}

/* The longest run of two or more zero groups (the first of equals), as
 * inet_ntop compresses it; *len 0 when there is none. */
static void
longest_zero_run (const guint16 * w, guint * base, guint * len)
{
  guint i, run = 0;

  *base = 0;
  *len = 0;
  for (i = 0; i <= 8; i++) {
    if (i < 8 && w[i] == 0) {
      run++;
      continue;
    }
    if (run >= 2 && run > *len) {
      *base = i - run;
      *len = run;
    }
    run = 0;
  }
}

void
ertmp_proxy_format_ipv6 (const guint8 a[16],
    gchar out[ERTMP_PROXY_ADDRESS_SIZE])
{
  guint16 w[8];
  guint i, base, len;
  gsize pos = 0;

  for (i = 0; i < 8; i++)
    w[i] = (guint16) ((a[2 * i] << 8) | a[2 * i + 1]);
  longest_zero_run (w, &base, &len);
  for (i = 0; i < 8; i++) {
    if (len > 0 && i >= base && i < base + len) {
      if (i == base)
        out[pos++] = ':';
      continue;
    }
    if (i > 0)
      out[pos++] = ':';
    /* IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) */
    if (i == 6 && base == 0 && (len == 6 || (len == 5 && w[5] == 0xFFFF))) {
      format_dotted (a + 12, out + pos, ERTMP_PROXY_ADDRESS_SIZE - pos);
      return;
    }
    pos += (gsize) g_snprintf (out + pos, ERTMP_PROXY_ADDRESS_SIZE - pos,
        "%x", w[i]);
  }
  if (len > 0 && base + len == 8)
    out[pos++] = ':';
  out[pos] = '\0';
}
