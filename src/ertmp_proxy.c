/* gst-ertmp: the PROXY protocol header (proxy-protocol.txt 2.1 and 2.2)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Strict: the spec says any sequence that does not exactly match must abort
 * the connection, and says it as early as possible.  So every byte is
 * checked as it arrives: a v1 field is refused once the bytes so far can no
 * longer become a valid one, a v2 header once its fixed 16 bytes disagree.
 */
#include "ertmp_proxy_private.h"
#include "ertmp_bytes.h"
#include "ertmp_limits.h"

/* v1: one text line, "PROXY TCP4 192.0.2.1 192.0.2.2 56324 1935\r\n" */
static const gchar v1_signature[] = "PROXY ";
#define V1_SIGNATURE_SIZE 6u
#define V1_IPV4_TEXT_MAX 15u    /* "255.255.255.255" */
#define V1_PORT_DIGITS_MAX 5u   /* "65535" */

/* v2: this signature, version/command, family/transport, a 16-bit length
 * of what follows: addresses, then TLVs */
static const guint8 v2_signature[12] = {
  0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
};
#define V2_FIXED_SIZE 16u
#define V2_COMMAND_LOCAL 0x0u
#define V2_COMMAND_PROXY 0x1u
#define V2_FAMILY_UNSPEC 0x00u
#define V2_FAMILY_TCP4 0x11u
#define V2_FAMILY_TCP6 0x21u
#define V2_FAMILY_UNIX_STREAM 0x31u
#define V2_TLV_HEADER_SIZE 3u   /* type, 16-bit length */

typedef enum
{
  V1_PROTO_NONE,                /* not read yet */
  V1_PROTO_TCP4,
  V1_PROTO_TCP6,
  V1_PROTO_UNKNOWN,
} v1_proto;

/* indexed by v1_proto - 1 */
static const gchar *const v1_proto_names[] = { "TCP4", "TCP6", "UNKNOWN" };

/* the fields after "PROXY ", in line order */
static const gchar *const v1_field_names[] = {
  "protocol", "source address", "destination address", "source port",
  "destination port"
};

typedef struct
{
  v1_proto proto;
  guint8 address[2][16];        /* source, destination */
  guint port[2];
} v1_fields;

static ertmp_result
fail (gchar ** error, ertmp_result res, const gchar * format, ...)
G_GNUC_PRINTF (3, 4);

static ertmp_result
fail (gchar ** error, ertmp_result res, const gchar * format, ...)
{
  va_list args;

  if (error) {
    va_start (args, format);
    *error = g_strdup_vprintf (format, args);
    va_end (args);
  }
  return res;
}

/* Field 0.  A partial one must still be the start of a protocol name. */
static ertmp_result
v1_check_proto (v1_fields * f, const gchar * s, gsize n, gboolean complete,
    gsize at, gchar ** error)
{
  gsize best = 0, j, m;

  for (j = 0; j < G_N_ELEMENTS (v1_proto_names); j++) {
    const gchar *name = v1_proto_names[j];

    for (m = 0; m < n && name[m] != '\0' && name[m] == s[m]; m++);
    if (m == n && (!complete || name[m] == '\0')) {
      f->proto = complete ? (v1_proto) (j + 1) : V1_PROTO_NONE;
      return ERTMP_OK;
    }
    best = MAX (best, m);
  }
  if (best < n)
    return fail (error, ERTMP_MALFORMED, "PROXY v1: byte %" G_GSIZE_FORMAT
        " is 0x%02x: the protocol must be TCP4, TCP6 or UNKNOWN", at + best,
        (guint8) s[best]);
  return fail (error, ERTMP_MALFORMED, "PROXY v1: protocol \"%.*s\" at byte %"
      G_GSIZE_FORMAT " ends early: it must be TCP4, TCP6 or UNKNOWN", (int) n,
      s, at);
}

/* Fields 1 and 2: text of the protocol's family, then the address itself */
static ertmp_result
v1_check_address (v1_fields * f, guint slot, const gchar * s, gsize n,
    gboolean complete, gsize at, gchar ** error)
{
  gboolean v6 = f->proto == V1_PROTO_TCP6;
  const gchar *what = v1_field_names[1 + slot];
  const gchar *kind = v6 ? "an IPv6 address" : "an IPv4 address";
  gsize max = v6 ? ERTMP_PROXY_ADDRESS_SIZE - 1 : V1_IPV4_TEXT_MAX, i;
  gboolean ok;

  for (i = 0; i < n; i++) {
    if (v6)
      ok = g_ascii_isxdigit (s[i]) || s[i] == ':' || s[i] == '.';
    else
      ok = g_ascii_isdigit (s[i]) || s[i] == '.';
    if (!ok)
      return fail (error, ERTMP_MALFORMED, "PROXY v1: byte %" G_GSIZE_FORMAT
          " is 0x%02x, which cannot be in the %s (%s)", at + i, (guint8) s[i],
          what, kind);
  }
  if (n > max)
    return fail (error, ERTMP_MALFORMED, "PROXY v1: the %s at byte %"
        G_GSIZE_FORMAT " is longer than %" G_GSIZE_FORMAT " characters, the "
        "longest %s", what, at, max, v6 ? "IPv6 address" : "IPv4 address");
  if (!complete)
    return ERTMP_OK;
  ok = v6 ? ertmp_proxy_parse_ipv6 (s, n, f->address[slot])
      : ertmp_proxy_parse_ipv4 (s, n, f->address[slot]);
  if (!ok)
    return fail (error, ERTMP_MALFORMED, "PROXY v1: the %s \"%.*s\" at byte %"
        G_GSIZE_FORMAT " is not %s%s", what, (int) n, s, at, kind,
        v6 ? "" : " (4 decimal fields 0..255, no leading zeros)");
  return ERTMP_OK;
}

/* Fields 3 and 4: decimal 0..65535 without a sign or a leading zero */
static ertmp_result
v1_check_port (v1_fields * f, guint slot, const gchar * s, gsize n,
    gboolean complete, gsize at, gchar ** error)
{
  const gchar *what = v1_field_names[3 + slot];
  guint v = 0;
  gsize i;

  for (i = 0; i < n && i < V1_PORT_DIGITS_MAX + 1; i++) {
    if (!g_ascii_isdigit (s[i]))
      return fail (error, ERTMP_MALFORMED, "PROXY v1: byte %" G_GSIZE_FORMAT
          " is 0x%02x, not a digit of the %s", at + i, (guint8) s[i], what);
    v = v * 10 + (guint) (s[i] - '0');
  }
  if (n > 1 && s[0] == '0')
    return fail (error, ERTMP_MALFORMED, "PROXY v1: the %s at byte %"
        G_GSIZE_FORMAT " has a leading zero", what, at);
  if (v > G_MAXUINT16)
    return fail (error, ERTMP_MALFORMED, "PROXY v1: the %s at byte %"
        G_GSIZE_FORMAT " is over 65535", what, at);
  if (complete && n == 0)
    return fail (error, ERTMP_MALFORMED, "PROXY v1: the %s at byte %"
        G_GSIZE_FORMAT " is empty", what, at);
  f->port[slot] = v;
  return ERTMP_OK;
}

static ertmp_result
v1_check_field (v1_fields * f, guint k, const gchar * s, gsize n,
    gboolean complete, gsize at, gchar ** error)
{
  if (k == 0)
    return v1_check_proto (f, s, n, complete, at, error);
  if (k <= 2)
    return v1_check_address (f, k - 1, s, n, complete, at, error);
  return v1_check_port (f, k - 3, s, n, complete, at, error);
}

/* Checks the fields of line[0..n), "PROXY " included.  @complete: a CR is
 * at line[n]; otherwise the last field may still grow. */
static ertmp_result
v1_check_fields (const guint8 * line, gsize n, gboolean complete,
    v1_fields * f, gchar ** error)
{
  gsize start = V1_SIGNATURE_SIZE, end;
  guint k = 0;
  ertmp_result res;

  for (;;) {
    const guint8 *space = memchr (line + start, ' ', n - start);

    end = space ? (gsize) (space - line) : n;
    res = v1_check_field (f, k, (const gchar *) line + start, end - start,
        space != NULL || complete, start, error);
    if (res != ERTMP_OK)
      return res;
    if (f->proto == V1_PROTO_UNKNOWN)
      return ERTMP_OK;          /* the spec: ignore the rest of the line */
    if (space == NULL)
      break;
    start = end + 1;
    if (++k == G_N_ELEMENTS (v1_field_names))
      return fail (error, ERTMP_MALFORMED, "PROXY v1: a space at byte %"
          G_GSIZE_FORMAT " after the destination port, where CRLF must be",
          end);
  }
  if (complete && k + 1 < G_N_ELEMENTS (v1_field_names))
    return fail (error, ERTMP_MALFORMED, "PROXY v1: the line ends at byte %"
        G_GSIZE_FORMAT " after the %s; %s needs two addresses and two ports",
        n, v1_field_names[k], v1_proto_names[f->proto - 1]);
  return ERTMP_OK;
}

static void
v1_fill_info (const v1_fields * f, ertmp_proxy_info * info)
{
  guint i;

  memset (info, 0, sizeof (*info));
  info->version = 1;
  if (f->proto == V1_PROTO_UNKNOWN) {
    info->is_local = TRUE;
    return;
  }
  info->family = f->proto == V1_PROTO_TCP6 ? ERTMP_PROXY_FAMILY_INET6
      : ERTMP_PROXY_FAMILY_INET;
  for (i = 0; i < 2; i++) {
    gchar *text = i == 0 ? info->source : info->destination;

    if (f->proto == V1_PROTO_TCP6)
      ertmp_proxy_format_ipv6 (f->address[i], text);
    else
      ertmp_proxy_format_ipv4 (f->address[i], text);
  }
  info->source_port = (guint16) f->port[0];
  info->destination_port = (guint16) f->port[1];
}

static ertmp_result
parse_v1 (const guint8 * data, gsize len, ertmp_proxy_info * info,
    gsize * consumed, gchar ** error)
{
  gsize scan = MIN (len, ERTMP_LIMIT_PROXY_V1_LINE_MAX), end;
  v1_fields f = { V1_PROTO_NONE, };
  ertmp_result res;

  for (end = 0; end < MIN (len, V1_SIGNATURE_SIZE); end++)
    if (data[end] != (guint8) v1_signature[end])
      return fail (error, ERTMP_MALFORMED, "PROXY v1: byte %" G_GSIZE_FORMAT
          " is 0x%02x where the signature \"PROXY \" has '%c'", end,
          data[end], v1_signature[end]);
  if (len < V1_SIGNATURE_SIZE)
    return ERTMP_NEED_MORE;
  for (end = V1_SIGNATURE_SIZE; end < scan; end++)
    if (data[end] == '\r' || data[end] == '\n')
      break;
  /* the fields before a lone LF first: the earliest wrong byte is named */
  res = v1_check_fields (data, end, end < scan && data[end] == '\r', &f,
      error);
  if (res != ERTMP_OK)
    return res;
  if (end < scan && data[end] == '\n')
    return fail (error, ERTMP_MALFORMED, "PROXY v1: LF at byte %"
        G_GSIZE_FORMAT " without a CR before it", end);
  if (end == scan && len < ERTMP_LIMIT_PROXY_V1_LINE_MAX)
    return ERTMP_NEED_MORE;
  if (end == scan || end + 2 > ERTMP_LIMIT_PROXY_V1_LINE_MAX)
    return fail (error, ERTMP_LIMIT, "PROXY v1: no CRLF within the first %u "
        "bytes, the longest line the spec allows", (guint)
        ERTMP_LIMIT_PROXY_V1_LINE_MAX);
  if (end + 1 == len)
    return ERTMP_NEED_MORE;
  if (data[end + 1] != '\n')
    return fail (error, ERTMP_MALFORMED, "PROXY v1: the CR at byte %"
        G_GSIZE_FORMAT " is followed by 0x%02x, not LF", end, data[end + 1]);
  v1_fill_info (&f, info);
  *consumed = end + 2;
  return ERTMP_OK;
}

/* Byte 13 of a PROXY command: the size of its address block */
static ertmp_result
v2_check_family (guint8 family, gsize * address_size, gchar ** error)
{
  switch (family) {
    case V2_FAMILY_UNSPEC:
      *address_size = 0;
      return ERTMP_OK;
    case V2_FAMILY_TCP4:
      *address_size = 2 * 4 + 2 * 2;
      return ERTMP_OK;
    case V2_FAMILY_TCP6:
      *address_size = 2 * 16 + 2 * 2;
      return ERTMP_OK;
    case V2_FAMILY_UNIX_STREAM:
      *address_size = 2 * 108;
      return ERTMP_OK;
    case 0x12:
    case 0x22:
    case 0x32:
      return fail (error, ERTMP_UNSUPPORTED, "PROXY v2: byte 13 is 0x%02x, a "
          "datagram transport (UDP or unix datagram): RTMP needs a stream",
          family);
    default:
      return fail (error, ERTMP_MALFORMED, "PROXY v2: byte 13 is 0x%02x, "
          "none of the families 0x00 (UNSPEC), 0x11 (TCP4), 0x21 (TCP6), "
          "0x31 (unix stream), 0x12, 0x22, 0x32", family);
  }
}

/* The TLVs after the addresses must tile the rest of the header exactly;
 * @at is the offset of @data in the connection. */
static ertmp_result
v2_check_tlvs (const guint8 * data, gsize len, gsize at, gchar ** error)
{
  ertmp_reader r;
  guint8 type = 0;
  guint16 size = 0;

  ertmp_reader_init (&r, data, len);
  while (ertmp_reader_remaining (&r) > 0) {
    gsize start = at + r.pos, left = ertmp_reader_remaining (&r);

    if (!ertmp_reader_u8 (&r, &type) || !ertmp_reader_u16be (&r, &size))
      return fail (error, ERTMP_MALFORMED, "PROXY v2: %" G_GSIZE_FORMAT
          " bytes at byte %" G_GSIZE_FORMAT " end the header, too few for a "
          "TLV (%u)", left, start, V2_TLV_HEADER_SIZE);
    if (!ertmp_reader_skip (&r, size))
      return fail (error, ERTMP_MALFORMED, "PROXY v2: the TLV of type 0x%02x "
          "at byte %" G_GSIZE_FORMAT " declares %u bytes, past the header's "
          "end at byte %" G_GSIZE_FORMAT, type, start, size, at + len);
  }
  return ERTMP_OK;
}

static void
v2_fill_info (const guint8 * data, gsize len, ertmp_proxy_info * info)
{
  guint8 command = data[12] & 0x0F, family = data[13];
  gboolean v6 = family == V2_FAMILY_TCP6;
  const guint8 *source = NULL, *destination = NULL;
  gboolean ok;
  ertmp_reader r;

  memset (info, 0, sizeof (*info));
  info->version = 2;
  if (command == V2_COMMAND_LOCAL || (family != V2_FAMILY_TCP4 && !v6)) {
    info->is_local = TRUE;
    return;
  }
  ertmp_reader_init (&r, data, len);
  ok = ertmp_reader_skip (&r, V2_FIXED_SIZE)
      && ertmp_reader_view (&r, v6 ? 16 : 4, &source)
      && ertmp_reader_view (&r, v6 ? 16 : 4, &destination)
      && ertmp_reader_u16be (&r, &info->source_port)
      && ertmp_reader_u16be (&r, &info->destination_port);
  /* parse_v2 checked the length against the family's address block */
  g_assert (ok);
  info->family = v6 ? ERTMP_PROXY_FAMILY_INET6 : ERTMP_PROXY_FAMILY_INET;
  if (v6) {
    ertmp_proxy_format_ipv6 (source, info->source);
    ertmp_proxy_format_ipv6 (destination, info->destination);
  } else {
    ertmp_proxy_format_ipv4 (source, info->source);
    ertmp_proxy_format_ipv4 (destination, info->destination);
  }
}

static ertmp_result
parse_v2 (const guint8 * data, gsize len, ertmp_proxy_info * info,
    gsize * consumed, gchar ** error)
{
  gsize i, address_size = 0, total;
  guint8 command;
  guint16 size;
  ertmp_reader r;
  ertmp_result res;

  for (i = 0; i < MIN (len, sizeof (v2_signature)); i++)
    if (data[i] != v2_signature[i])
      return fail (error, ERTMP_MALFORMED, "PROXY v2: byte %" G_GSIZE_FORMAT
          " is 0x%02x where the signature has 0x%02x", i, data[i],
          v2_signature[i]);
  if (len < 13)
    return ERTMP_NEED_MORE;
  command = data[12] & 0x0F;
  if (data[12] >> 4 != 2)
    return fail (error, ERTMP_MALFORMED, "PROXY v2: byte 12 is 0x%02x: "
        "version %u, where 2 is the only one", data[12], data[12] >> 4);
  if (command > V2_COMMAND_PROXY)
    return fail (error, ERTMP_MALFORMED, "PROXY v2: byte 12 is 0x%02x: "
        "command %u is neither LOCAL (0) nor PROXY (1)", data[12], command);
  /* LOCAL (a proxy's own health check): the spec ignores the family */
  if (len >= 14 && command == V2_COMMAND_PROXY) {
    res = v2_check_family (data[13], &address_size, error);
    if (res != ERTMP_OK)
      return res;
  }
  if (len < V2_FIXED_SIZE)
    return ERTMP_NEED_MORE;
  ertmp_reader_init (&r, data, len);
  ertmp_reader_skip (&r, 14);
  ertmp_reader_u16be (&r, &size);
  total = V2_FIXED_SIZE + size;
  if (total > ERTMP_LIMIT_PROXY_HEADER_MAX)
    return fail (error, ERTMP_LIMIT, "PROXY v2: bytes 14-15 declare %u bytes "
        "after the first 16, %" G_GSIZE_FORMAT " in all; the limit is %u "
        "bytes", size, total, (guint) ERTMP_LIMIT_PROXY_HEADER_MAX);
  if (size < address_size)
    return fail (error, ERTMP_MALFORMED, "PROXY v2: bytes 14-15 declare %u "
        "bytes, fewer than the %" G_GSIZE_FORMAT " address bytes of family "
        "0x%02x", size, address_size, data[13]);
  if (len < total)
    return ERTMP_NEED_MORE;
  if (command == V2_COMMAND_PROXY) {
    i = V2_FIXED_SIZE + address_size;
    res = v2_check_tlvs (data + i, total - i, i, error);
    if (res != ERTMP_OK)
      return res;
  }
  v2_fill_info (data, total, info);
  *consumed = total;
  return ERTMP_OK;
}

ertmp_result
ertmp_proxy_parse (const guint8 * data, gsize len, ertmp_proxy_info * info,
    gsize * consumed, gchar ** error)
{
  g_return_val_if_fail (data != NULL || len == 0, ERTMP_STATE);
  g_return_val_if_fail (info != NULL, ERTMP_STATE);
  g_return_val_if_fail (consumed != NULL, ERTMP_STATE);

  *consumed = 0;
  if (error)
    *error = NULL;
  if (len == 0)
    return ERTMP_NEED_MORE;
  if (data[0] == (guint8) v1_signature[0])
    return parse_v1 (data, len, info, consumed, error);
  if (data[0] == v2_signature[0])
    return parse_v2 (data, len, info, consumed, error);
  return fail (error, ERTMP_MALFORMED, "PROXY: byte 0 is 0x%02x, which starts "
      "neither a v1 header (\"PROXY \") nor a v2 one (0x0D 0x0A ...)%s",
      data[0], data[0] == 0x03 || data[0] == 0x06 ?
      ": an RTMP handshake without the header the proxy must send" : "");
}
