/* gst-ertmp: tests for the PROXY protocol header (proxy-protocol.txt 2.1,
 * 2.2)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>

#include "test_util.h"
#include "ertmp_bytes.h"
#include "ertmp_limits.h"
#include "ertmp_proxy_private.h"

/* ---- headers that are accepted ---- */

typedef struct
{
  const gchar *name;
  const gchar *hex;             /* header, then the first RTMP bytes if any */
  gsize header_len;
  guint version;
  gboolean is_local;
  ertmp_proxy_family family;
  const gchar *source;
  guint source_port;
  const gchar *destination;
  guint destination_port;
} accept_case;

/* The first nine vectors are what HAProxy 2.6.12 (Debian 12's haproxy)
 * sent: a python3 TCP listener on 127.0.0.1 behind three "mode tcp"
 * frontends (bind 127.0.0.1 and [::1], ephemeral ports) whose backends
 * said "send-proxy", "send-proxy-v2" and "send-proxy-v2 proxy-v2-options
 * crc32c,unique-id" with "check check-send-proxy"; a client connected to
 * each frontend over IPv4 and IPv6 and wrote 03 "RTMPDATA" (an RTMP C0
 * and a marker), and the listener recorded every byte it received. */
static const accept_case accept_cases[] = {
  {"haproxy v1 TCP4",
        "50524f5859 20 54435034 20"     /* "PROXY TCP4 " */
        "3132372e302e302e31 20"         /* "127.0.0.1 " */
        "3132372e302e302e31 20"         /* "127.0.0.1 " */
        "3436353434 20 3436393135 0d0a" /* "46544 46915\r\n" */
        "03 52544d5044415441",          /* C0, "RTMPDATA" */
        44, 1, FALSE, ERTMP_PROXY_FAMILY_INET, "127.0.0.1", 46544,
      "127.0.0.1", 46915},
  {"haproxy v1 TCP6",
        "50524f5859 20 54435036 20"     /* "PROXY TCP6 " */
        "3a3a31 20 3a3a31 20"           /* "::1 ::1 " */
        "3439323234 20 3430313235 0d0a" /* "49224 40125\r\n" */
        "03 52544d5044415441",
      32, 1, FALSE, ERTMP_PROXY_FAMILY_INET6, "::1", 49224, "::1", 40125},
  /* a health check: v1 names the proxy's own connection */
  {"haproxy v1 health check",
        "50524f5859205443503420313237 2e302e302e31203132372e302e302e31"
        "2035313234342033353932370d0a",
        44, 1, FALSE, ERTMP_PROXY_FAMILY_INET, "127.0.0.1", 51244,
      "127.0.0.1", 35927},
  {"haproxy v2 TCP4",
        "0d0a0d0a000d0a515549540a"      /* signature */
        "21"                    /* version 2, PROXY */
        "11"                    /* TCP over IPv4 */
        "000c"                  /* 12 address bytes */
        "7f000001 7f000001"     /* 127.0.0.1 127.0.0.1 */
        "da9c b7fb"             /* 55964 47099 */
        "03 52544d5044415441",
        28, 2, FALSE, ERTMP_PROXY_FAMILY_INET, "127.0.0.1", 55964,
      "127.0.0.1", 47099},
  {"haproxy v2 TCP6",
        "0d0a0d0a000d0a515549540a 21"
        "21"                    /* TCP over IPv6 */
        "0024"                  /* 36 address bytes */
        "00000000000000000000000000000001"      /* ::1 */
        "00000000000000000000000000000001"      /* ::1 */
        "b5dc 9b97"             /* 46556 39831 */
        "03 52544d5044415441",
      52, 2, FALSE, ERTMP_PROXY_FAMILY_INET6, "::1", 46556, "::1", 39831},
  /* a health check: LOCAL, UNSPEC, no address */
  {"haproxy v2 LOCAL",
        "0d0a0d0a000d0a515549540a"
        "20"                    /* version 2, LOCAL */
        "00"                    /* UNSPEC */
        "0000",
      16, 2, TRUE, ERTMP_PROXY_FAMILY_UNSPEC, "", 0, "", 0},
  {"haproxy v2 LOCAL with CRC32C",
        "0d0a0d0a000d0a515549540a 20 00"
        "0007"                  /* 7 bytes: one TLV */
        "03 0004 a9b87e8f",     /* PP2_TYPE_CRC32C */
      23, 2, TRUE, ERTMP_PROXY_FAMILY_UNSPEC, "", 0, "", 0},
  {"haproxy v2 TCP4 with TLVs",
        "0d0a0d0a000d0a515549540a 21 11"
        "003f"                  /* 63 bytes: 12 address bytes, 51 TLV bytes */
        "7f000001 7f000001 d794 e51b"   /* 127.0.0.1:55188 -> :58651 */
        "03 0004 f1cc1661"      /* PP2_TYPE_CRC32C */
        "05 0029"               /* PP2_TYPE_UNIQUE_ID, 41 bytes: */
        "37463030303030313a443739345f37463030303030313a"
        "453531425f36423136353644455f30303034"
        "03 52544d5044415441",
        79, 2, FALSE, ERTMP_PROXY_FAMILY_INET, "127.0.0.1", 55188,
      "127.0.0.1", 58651},
  {"haproxy v2 TCP6 with TLVs",
        "0d0a0d0a000d0a515549540a 21 21"
        "0087"                  /* 135 bytes: 36 address bytes, 99 TLV bytes */
        "00000000000000000000000000000001"
        "00000000000000000000000000000001"
        "e97e e0b9"             /* 59774 57529 */
        "03 0004 58ff394a"      /* PP2_TYPE_CRC32C */
        "05 0059"               /* PP2_TYPE_UNIQUE_ID, 89 bytes: */
        "3030303030303030303030303030303030303030303030303030303030303031"
        "3a453937455f"
        "3030303030303030303030303030303030303030303030303030303030303031"
        "3a453042395f36423136353644455f30303035"
        "03 52544d5044415441",
      151, 2, FALSE, ERTMP_PROXY_FAMILY_INET6, "::1", 59774, "::1", 57529},
  /* built by hand from the spec */
  {"v1 UNKNOWN short form", "50524f585920554e4b4e4f574e 0d0a 03",
      15, 1, TRUE, ERTMP_PROXY_FAMILY_UNSPEC, "", 0, "", 0},
  /* the spec's worst case: 107 bytes, all of them after UNKNOWN ignored */
  {"v1 UNKNOWN longest",
        "50524f585920554e4b4e4f574e 20" /* "PROXY UNKNOWN " */
        "666666663a666666663a666666663a666666663a"
        "666666663a666666663a666666663a66666666 20"     /* ffff:...:ffff */
        "666666663a666666663a666666663a666666663a"
        "666666663a666666663a666666663a66666666 20"
        "3635353335 20 3635353335 0d0a" /* "65535 65535\r\n" */
        "03",
      107, 1, TRUE, ERTMP_PROXY_FAMILY_UNSPEC, "", 0, "", 0},
  /* longhand, upper case and an IPv4 tail come out as inet_ntop writes */
  {"v1 TCP6 canonical text",
        "50524f5859205443503620"        /* "PROXY TCP6 " */
        "323030313a4442383a303a303a303a303a303a31 20"   /* 2001:DB8:0:..:1 */
        "3a3a666666663a3139322e302e322e31 20"   /* ::ffff:192.0.2.1 */
        "30 20 3635353335 0d0a"         /* "0 65535\r\n" */
        "03",
        58, 1, FALSE, ERTMP_PROXY_FAMILY_INET6, "2001:db8::1", 0,
      "::ffff:192.0.2.1", 65535},
  {"v1 TCP4 extremes",
        "50524f5859205443503420"        /* "PROXY TCP4 " */
        "302e302e302e30 20"     /* "0.0.0.0 " */
        "3235352e3235352e3235352e323535 20"     /* "255.255.255.255 " */
        "3635353335 20 30 0d0a"         /* "65535 0\r\n" */
        "03",
        44, 1, FALSE, ERTMP_PROXY_FAMILY_INET, "0.0.0.0", 65535,
      "255.255.255.255", 0},
  /* PROXY with UNSPEC: no client named, like LOCAL */
  {"v2 PROXY UNSPEC", "0d0a0d0a000d0a515549540a 21 00 0000 03",
      16, 2, TRUE, ERTMP_PROXY_FAMILY_UNSPEC, "", 0, "", 0},
  /* LOCAL: the family byte and the address block are ignored */
  {"v2 LOCAL any family", "0d0a0d0a000d0a515549540a 20 77 0002 ffff 03",
      18, 2, TRUE, ERTMP_PROXY_FAMILY_UNSPEC, "", 0, "", 0},
  /* an empty TLV (PP2_TYPE_NOOP) */
  {"v2 TCP4 NOOP TLV",
        "0d0a0d0a000d0a515549540a 21 11 000f"
        "c0000201 c6336402 0050 0787"   /* 192.0.2.1:80 -> 198.51.100.2:1927 */
        "04 0000 03",
        31, 2, FALSE, ERTMP_PROXY_FAMILY_INET, "192.0.2.1", 80,
      "198.51.100.2", 1927},
};

static void
check_info (const accept_case * c, const ertmp_proxy_info * info)
{
  ck_assert_uint_eq (info->version, c->version);
  ck_assert_int_eq (info->is_local, c->is_local);
  ck_assert_int_eq (info->family, c->family);
  ck_assert_str_eq (info->source, c->source);
  ck_assert_uint_eq (info->source_port, c->source_port);
  ck_assert_str_eq (info->destination, c->destination);
  ck_assert_uint_eq (info->destination_port, c->destination_port);
}

/* Every prefix (byte-at-a-time feeding): NEED_MORE until the header is
 * complete, then OK with the same header whatever follows it. */
START_TEST (test_accept)
{
  const accept_case *c = &accept_cases[_i];
  GByteArray *b = test_hex (c->hex);
  GByteArray *copy = g_byte_array_new ();
  gsize n;

  g_byte_array_append (copy, b->data, b->len);
  ck_assert_uint_le (c->header_len, b->len);
  for (n = 0; n <= b->len; n++) {
    ertmp_proxy_info info;
    gsize consumed = 99;
    gchar *error = (gchar *) "unset";
    ertmp_result res = ertmp_proxy_parse (b->data, n, &info, &consumed,
        &error);

    ck_assert_msg (error == NULL, "%s, %" G_GSIZE_FORMAT " bytes: %s",
        c->name, n, error);
    if (n < c->header_len) {
      ck_assert_msg (res == ERTMP_NEED_MORE, "%s, %" G_GSIZE_FORMAT
          " bytes: %s", c->name, n, ertmp_result_name (res));
      ck_assert_uint_eq (consumed, 0);
      continue;
    }
    ck_assert_msg (res == ERTMP_OK, "%s: %s", c->name,
        ertmp_result_name (res));
    ck_assert_uint_eq (consumed, c->header_len);
    check_info (c, &info);
  }
  /* the RTMP bytes after the header are left as they were */
  ck_assert_bytes_eq (b->data, b->len, copy->data, copy->len);
  g_byte_array_unref (copy);
  g_byte_array_unref (b);
}

END_TEST;

/* The header alone in a buffer of its own size (ASan sees any read past
 * it), and with bytes after it that are no header at all. */
START_TEST (test_reads_no_further)
{
  const accept_case *c = &accept_cases[_i];
  GByteArray *b = test_hex (c->hex);
  guint8 *exact = g_memdup2 (b->data, c->header_len);
  guint8 *junk = g_malloc (c->header_len + 64);
  ertmp_proxy_info info;
  gsize consumed = 0;

  ck_assert_int_eq (ertmp_proxy_parse (exact, c->header_len, &info,
          &consumed, NULL), ERTMP_OK);
  ck_assert_uint_eq (consumed, c->header_len);
  memcpy (junk, b->data, c->header_len);
  memset (junk + c->header_len, '\n', 64);
  ck_assert_int_eq (ertmp_proxy_parse (junk, c->header_len + 64, &info,
          &consumed, NULL), ERTMP_OK);
  ck_assert_uint_eq (consumed, c->header_len);
  check_info (c, &info);
  g_free (junk);
  g_free (exact);
  g_byte_array_unref (b);
}

END_TEST;

/* A v2 header of exactly ERTMP_LIMIT_PROXY_HEADER_MAX bytes is accepted,
 * one byte more is refused as soon as its length field is in. */
START_TEST (test_v2_limit)
{
  GByteArray *b = test_hex ("0d0a0d0a000d0a515549540a 21 11 0000"
      "7f000001 7f000002 0001 0002");
  gsize tlv = ERTMP_LIMIT_PROXY_HEADER_MAX - b->len - 3, total, consumed;
  ertmp_proxy_info info;
  gchar *error = NULL;
  guint8 *data;

  ertmp_put_u8 (b, 0xEE);       /* a custom TLV filling the rest */
  ertmp_put_be (b, 2, (guint32) tlv);
  g_byte_array_set_size (b, ERTMP_LIMIT_PROXY_HEADER_MAX);
  memset (b->data + 31, 0xAB, b->len - 31);
  total = b->len;
  b->data[14] = (guint8) ((total - 16) >> 8);
  b->data[15] = (guint8) ((total - 16) & 0xFF);
  data = g_memdup2 (b->data, total);
  ck_assert_int_eq (ertmp_proxy_parse (data, total - 1, &info, &consumed,
          NULL), ERTMP_NEED_MORE);
  ck_assert_int_eq (ertmp_proxy_parse (data, total, &info, &consumed, NULL),
      ERTMP_OK);
  ck_assert_uint_eq (consumed, ERTMP_LIMIT_PROXY_HEADER_MAX);
  ck_assert_str_eq (info.destination, "127.0.0.2");

  data[15]++;                   /* one byte too many, refused at 16 bytes */
  ck_assert_int_eq (ertmp_proxy_parse (data, 16, &info, &consumed, &error),
      ERTMP_LIMIT);
  ck_assert_ptr_nonnull (strstr (error, "4097 in all"));
  ck_assert_ptr_nonnull (strstr (error, "limit is 4096 bytes"));
  g_free (error);
  g_free (data);
  g_byte_array_unref (b);
}

END_TEST;

/* AF_UNIX stream: two 108-byte paths, no client address to report */
START_TEST (test_v2_unix_stream)
{
  GByteArray *b = test_hex ("0d0a0d0a000d0a515549540a 21 31 00d8");
  ertmp_proxy_info info;
  gsize consumed;

  g_byte_array_set_size (b, 16 + 216);
  memset (b->data + 16, 0, 216);
  memcpy (b->data + 16, "/run/client.sock", 16);
  memcpy (b->data + 16 + 108, "/run/rtmp.sock", 14);
  ertmp_put_u8 (b, 0x03);       /* C0 */
  ck_assert_int_eq (ertmp_proxy_parse (b->data, b->len - 2, &info, &consumed,
          NULL), ERTMP_NEED_MORE);
  ck_assert_int_eq (ertmp_proxy_parse (b->data, b->len, &info, &consumed,
          NULL), ERTMP_OK);
  ck_assert_uint_eq (consumed, 16 + 216);
  ck_assert (info.is_local);
  ck_assert_int_eq (info.family, ERTMP_PROXY_FAMILY_UNSPEC);
  ck_assert_str_eq (info.source, "");
  g_byte_array_unref (b);
}

END_TEST;

/* ---- headers that are refused, each as early as its bytes prove it ---- */

typedef struct
{
  const gchar *name;
  const gchar *text;            /* v1 cases (or NULL) */
  const gchar *hex;             /* v2 and binary cases (or NULL) */
  ertmp_result result;
  gsize refused_at;             /* the shortest prefix that is refused */
  const gchar *message;         /* part of the error message */
} refuse_case;

static const refuse_case refuse_cases[] = {
  /* no header: refused on the first byte, not after a timeout */
  {"RTMP C0 and C1", NULL, "03 00000000 00000000 00000000", ERTMP_MALFORMED,
      1, "byte 0 is 0x03, which starts neither"},
  {"HTTP", "GET / HTTP/1.1\r\n", NULL, ERTMP_MALFORMED, 1, "byte 0 is 0x47"},
  {"v1 lower case", "proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n", NULL,
      ERTMP_MALFORMED, 1, "byte 0 is 0x70"},
  {"v1 bad signature", "PROXY\tTCP4 1.2.3.4 5.6.7.8 1 2\r\n", NULL,
      ERTMP_MALFORMED, 6, "byte 5 is 0x09 where the signature"},
  {"v1 UDP4", "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n", NULL, ERTMP_MALFORMED,
      8, "byte 7 is 0x44: the protocol must be TCP4, TCP6 or UNKNOWN"},
  {"v1 TCP5", "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", NULL, ERTMP_MALFORMED,
      10, "byte 9 is 0x35"},
  {"v1 TCP", "PROXY TCP 1.2.3.4 5.6.7.8 1 2\r\n", NULL, ERTMP_MALFORMED,
      10, "protocol \"TCP\" at byte 6 ends early"},
  {"v1 UNKNOWNX", "PROXY UNKNOWNX\r\n", NULL, ERTMP_MALFORMED, 14,
      "byte 13 is 0x58"},
  {"v1 octet over 255", "PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n", NULL,
        ERTMP_MALFORMED, 21,
      "source address \"1.2.3.256\" at byte 11 is not an IPv4 address"},
  {"v1 octet leading zero", "PROXY TCP4 1.2.3.4 5.6.7.08 1 2\r\n", NULL,
      ERTMP_MALFORMED, 28, "destination address \"5.6.7.08\" at byte 19"},
  {"v1 three octets", "PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n", NULL,
      ERTMP_MALFORMED, 17, "\"1.2.3\" at byte 11 is not an IPv4"},
  {"v1 IPv6 in TCP4", "PROXY TCP4 ::1 ::1 1 2\r\n", NULL, ERTMP_MALFORMED,
      12, "byte 11 is 0x3a, which cannot be in the source address"},
  {"v1 IPv4 in TCP6", "PROXY TCP6 1.2.3.4 ::1 1 2\r\n", NULL,
      ERTMP_MALFORMED, 19, "\"1.2.3.4\" at byte 11 is not an IPv6 address"},
  {"v1 IPv6 two gaps", "PROXY TCP6 1::2::3 ::1 1 2\r\n", NULL,
      ERTMP_MALFORMED, 19, "\"1::2::3\" at byte 11 is not an IPv6"},
  {"v1 IPv6 nine groups", "PROXY TCP6 ::1 1:2:3:4:5:6:7:8:9 1 2\r\n", NULL,
      ERTMP_MALFORMED, 33, "destination address \"1:2:3:4:5:6:7:8:9\""},
  {"v1 address too long", "PROXY TCP4 1111111111111111 5.6.7.8 1 2\r\n",
        NULL, ERTMP_MALFORMED, 27,
      "source address at byte 11 is longer than 15 characters"},
  {"v1 port over 65535", "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", NULL,
      ERTMP_MALFORMED, 32, "source port at byte 27 is over 65535"},
  {"v1 port leading zero", "PROXY TCP4 1.2.3.4 5.6.7.8 1 080\r\n", NULL,
      ERTMP_MALFORMED, 31, "destination port at byte 29 has a leading zero"},
  {"v1 port sign", "PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n", NULL,
      ERTMP_MALFORMED, 28, "byte 27 is 0x2b, not a digit of the source port"},
  {"v1 port junk", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2x\r\n", NULL,
      ERTMP_MALFORMED, 31, "byte 30 is 0x78, not a digit"},
  {"v1 two spaces", "PROXY TCP4 1.2.3.4 5.6.7.8  1 2\r\n", NULL,
      ERTMP_MALFORMED, 28, "source port at byte 27 is empty"},
  {"v1 missing port", "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", NULL,
        ERTMP_MALFORMED, 29,
      "ends at byte 28 after the source port; TCP4 needs"},
  {"v1 extra field", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", NULL,
      ERTMP_MALFORMED, 31, "a space at byte 30 after the destination port"},
  {"v1 LF without CR", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", NULL,
      ERTMP_MALFORMED, 31, "LF at byte 30 without a CR"},
  {"v1 CR without LF", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\r\n", NULL,
      ERTMP_MALFORMED, 32, "CR at byte 30 is followed by 0x0d, not LF"},
  {"v1 UNKNOWN lone LF", "PROXY UNKNOWN x\n", NULL, ERTMP_MALFORMED, 16,
      "LF at byte 15"},
  {"v2 bad signature", NULL, "0d0a0d0a 01 0d0a515549540a 21 11 000c",
      ERTMP_MALFORMED, 5, "byte 4 is 0x01 where the signature has 0x00"},
  {"v2 version 1", NULL, "0d0a0d0a000d0a515549540a 11 11 000c",
      ERTMP_MALFORMED, 13, "byte 12 is 0x11: version 1, where 2"},
  {"v2 version 3", NULL, "0d0a0d0a000d0a515549540a 31 11 000c",
      ERTMP_MALFORMED, 13, "version 3"},
  {"v2 command 2", NULL, "0d0a0d0a000d0a515549540a 22 11 000c",
      ERTMP_MALFORMED, 13, "command 2 is neither LOCAL (0) nor PROXY (1)"},
  {"v2 family 4", NULL, "0d0a0d0a000d0a515549540a 21 41 000c",
      ERTMP_MALFORMED, 14, "byte 13 is 0x41, none of the families"},
  {"v2 family without transport", NULL,
        "0d0a0d0a000d0a515549540a 21 10 000c", ERTMP_MALFORMED, 14,
      "byte 13 is 0x10"},
  {"v2 UDP over IPv4", NULL, "0d0a0d0a000d0a515549540a 21 12 000c",
      ERTMP_UNSUPPORTED, 14, "byte 13 is 0x12, a datagram transport"},
  {"v2 TCP4 length 8", NULL, "0d0a0d0a000d0a515549540a 21 11 0008 00000000",
        ERTMP_MALFORMED, 16,
      "declare 8 bytes, fewer than the 12 address bytes of family 0x11"},
  {"v2 TCP6 length 12", NULL, "0d0a0d0a000d0a515549540a 21 21 000c",
      ERTMP_MALFORMED, 16, "fewer than the 36 address bytes"},
  {"v2 unix length 12", NULL, "0d0a0d0a000d0a515549540a 21 31 000c",
      ERTMP_MALFORMED, 16, "fewer than the 216 address bytes"},
  {"v2 length 65535", NULL, "0d0a0d0a000d0a515549540a 21 11 ffff",
        ERTMP_LIMIT, 16,
      "declare 65535 bytes after the first 16, 65551 in all; the limit is"},
  {"v2 TLV past the end", NULL,
        "0d0a0d0a000d0a515549540a 21 11 0010 7f000001 7f000001 0001 0002"
        "01 0005 00", ERTMP_MALFORMED, 32,
      "TLV of type 0x01 at byte 28 declares 5 bytes, past the header's end "
        "at byte 32"},
  {"v2 TLV cut", NULL,
        "0d0a0d0a000d0a515549540a 21 11 000e 7f000001 7f000001 0001 0002"
        "04 00", ERTMP_MALFORMED, 30,
      "2 bytes at byte 28 end the header, too few for a TLV (3)"},
};

static void
check_refused (const refuse_case * c, const guint8 * data, gsize len,
    gsize n)
{
  ertmp_proxy_info info;
  gsize consumed = 99;
  gchar *error = NULL;
  ertmp_result res = ertmp_proxy_parse (data, n, &info, &consumed, &error);

  ck_assert_uint_eq (consumed, 0);
  if (n < c->refused_at) {
    ck_assert_msg (res == ERTMP_NEED_MORE && error == NULL, "%s, %"
        G_GSIZE_FORMAT " bytes: %s %s", c->name, n, ertmp_result_name (res),
        error);
    return;
  }
  ck_assert_msg (res == c->result, "%s, %" G_GSIZE_FORMAT " bytes: %s",
      c->name, n, ertmp_result_name (res));
  ck_assert_ptr_nonnull (error);
  if (n == c->refused_at || n == len)
    ck_assert_msg (strstr (error, c->message) != NULL,
        "%s, %" G_GSIZE_FORMAT " bytes: \"%s\" lacks \"%s\"", c->name, n,
        error, c->message);
  g_free (error);
}

START_TEST (test_refuse)
{
  const refuse_case *c = &refuse_cases[_i];
  GByteArray *b;
  gsize n;

  if (c->hex) {
    b = test_hex (c->hex);
  } else {
    b = g_byte_array_new ();
    g_byte_array_append (b, (const guint8 *) c->text, strlen (c->text));
  }
  ck_assert_uint_le (c->refused_at, b->len);
  for (n = 0; n <= b->len; n++)
    check_refused (c, b->data, b->len, n);
  g_byte_array_unref (b);
}

END_TEST;

/* ERTMP_LIMIT_PROXY_V1_LINE_MAX: a 107-byte line is the longest */
START_TEST (test_v1_limit)
{
  gchar line[ERTMP_LIMIT_PROXY_V1_LINE_MAX + 8];
  ertmp_proxy_info info;
  gsize consumed, max = ERTMP_LIMIT_PROXY_V1_LINE_MAX;
  gchar *error = NULL;

  memset (line, 'a', sizeof (line));
  memcpy (line, "PROXY UNKNOWN ", 14);
  /* the CRLF as bytes 105 and 106: accepted */
  memcpy (line + max - 2, "\r\n", 2);
  ck_assert_int_eq (ertmp_proxy_parse ((const guint8 *) line, max, &info,
          &consumed, NULL), ERTMP_OK);
  ck_assert_uint_eq (consumed, max);
  ck_assert (info.is_local);
  /* one byte later: refused once the CR is in, the LF could not fit */
  memcpy (line + max - 2, "a\r\n", 3);
  ck_assert_int_eq (ertmp_proxy_parse ((const guint8 *) line, max - 1, &info,
          &consumed, NULL), ERTMP_NEED_MORE);
  ck_assert_int_eq (ertmp_proxy_parse ((const guint8 *) line, max, &info,
          &consumed, &error), ERTMP_LIMIT);
  ck_assert_ptr_nonnull (strstr (error, "no CRLF within the first 107"));
  g_free (error);
  /* no CR at all: refused at 107 bytes */
  line[max - 1] = 'a';
  ck_assert_int_eq (ertmp_proxy_parse ((const guint8 *) line, max - 1, &info,
          &consumed, NULL), ERTMP_NEED_MORE);
  ck_assert_int_eq (ertmp_proxy_parse ((const guint8 *) line, max, &info,
          &consumed, &error), ERTMP_LIMIT);
  g_free (error);
  ck_assert_int_eq (ertmp_proxy_parse ((const guint8 *) line, sizeof (line),
          &info, &consumed, NULL), ERTMP_LIMIT);
}

END_TEST;

/* ---- address text, compared with libc's inet_pton and inet_ntop ---- */

static const gchar *const ipv6_texts[] = {
  "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1:::2", "12345::", "1:", ":",
  ":::", "", "1::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
  "fe80::1", "FE80::ABCD:0", "0:0:0:0:0:0:0:0", "2001:db8:0:0:1:0:0:1",
  "0000:0000:0000:0000:0000:0000:0000:0001", "00001::", "g::1",
  "::ffff:1.2.3.4", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
  "1:2:3:4:5:6::1.2.3.4", "1::1.2.3.4", "::ffff:1.2.3", "::ffff:01.2.3.4",
  "::ffff:1.2.3.4:5", "::ffff:256.1.1.1", "::1.2.3.4.5", "1.2.3.4", "1.2.3.4::",
  "::ffff:0.0.0.0", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
  "::ffff:1.2.3.4.", "::1.", "1:2:3:4::5:6:7", "0::0:0",
};

static const gchar *const ipv4_texts[] = {
  "0.0.0.0", "255.255.255.255", "256.0.0.0", "1.2.3", "1.2.3.4.5",
  "01.2.3.4", "1.2.3.00", "1..2.3", ".1.2.3", "1.2.3.", "", "1.2.3.4a",
  "1234.1.1.1", "192.0.2.1", "10.0.0.255", "1.2.3.-4",
};

START_TEST (test_ipv6_text)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (ipv6_texts); i++) {
    const gchar *s = ipv6_texts[i];
    guint8 ours[16], libc[16];
    gboolean ok = ertmp_proxy_parse_ipv6 (s, strlen (s), ours);

    ck_assert_msg (ok == (inet_pton (AF_INET6, s, libc) == 1),
        "\"%s\": %d", s, ok);
    if (ok)
      ck_assert_bytes_eq (ours, 16, libc, 16);
  }
}

END_TEST;

START_TEST (test_ipv4_text)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (ipv4_texts); i++) {
    const gchar *s = ipv4_texts[i];
    guint8 ours[4], libc[4];
    gboolean ok = ertmp_proxy_parse_ipv4 (s, strlen (s), ours);

    ck_assert_msg (ok == (inet_pton (AF_INET, s, libc) == 1),
        "\"%s\": %d", s, ok);
    if (ok)
      ck_assert_bytes_eq (ours, 4, libc, 4);
  }
}

END_TEST;

/* Random addresses rich in zero groups (and v4-mapped and -compatible
 * ones): our text is inet_ntop's, and it reads back to the same bytes,
 * through a whole v1 line too. */
START_TEST (test_address_round_trip)
{
  GRand *rand = g_rand_new_with_seed (9);
  guint n;

  for (n = 0; n < 20000; n++) {
    guint8 a[16], back[16];
    gchar ours[ERTMP_PROXY_ADDRESS_SIZE], libc[INET6_ADDRSTRLEN];
    guint i;

    for (i = 0; i < 16; i += 2) {
      guint32 r = g_rand_int (rand);
      guint16 w = (r & 3) == 0 ? (guint16) (r >> 16) : (r & 3) == 1 ?
          (guint16) ((r >> 16) & 0xF) : 0;

      a[i] = (guint8) (w >> 8);
      a[i + 1] = (guint8) w;
    }
    if (n % 4 == 1)
      memset (a, 0, 10), a[10] = a[11] = 0xFF;
    if (n % 4 == 2)
      memset (a, 0, 12);
    ertmp_proxy_format_ipv6 (a, ours);
    ck_assert_ptr_nonnull (inet_ntop (AF_INET6, a, libc, sizeof (libc)));
    ck_assert_str_eq (ours, libc);
    ck_assert (ertmp_proxy_parse_ipv6 (ours, strlen (ours), back));
    ck_assert_bytes_eq (back, 16, a, 16);

    ertmp_proxy_format_ipv4 (a + 12, ours);
    ck_assert_ptr_nonnull (inet_ntop (AF_INET, a + 12, libc, sizeof (libc)));
    ck_assert_str_eq (ours, libc);
  }
  g_rand_free (rand);
}

END_TEST;

/* A v1 TCP6 line with each text: accepted exactly when inet_pton takes
 * it, with inet_ntop's text in the info. */
START_TEST (test_v1_ipv6_texts)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (ipv6_texts); i++) {
    gchar *line = g_strdup_printf ("PROXY TCP6 %s ::1 1 2\r\n",
        ipv6_texts[i]);
    guint8 a[16];
    gchar text[INET6_ADDRSTRLEN];
    ertmp_proxy_info info;
    gsize consumed;
    ertmp_result res = ertmp_proxy_parse ((const guint8 *) line,
        strlen (line), &info, &consumed, NULL);

    if (inet_pton (AF_INET6, ipv6_texts[i], a) == 1) {
      ck_assert_msg (res == ERTMP_OK, "%s", line);
      ck_assert_str_eq (info.source, inet_ntop (AF_INET6, a, text,
              sizeof (text)));
      ck_assert_uint_eq (consumed, strlen (line));
    } else {
      ck_assert_msg (res == ERTMP_MALFORMED, "%s", line);
    }
    g_free (line);
  }
}

END_TEST;

int
main (void)
{
  Suite *s = suite_create ("proxy");
  TCase *tc = tcase_create ("proxy");

  tcase_add_loop_test (tc, test_accept, 0, G_N_ELEMENTS (accept_cases));
  tcase_add_loop_test (tc, test_reads_no_further, 0,
      G_N_ELEMENTS (accept_cases));
  tcase_add_test (tc, test_v2_limit);
  tcase_add_test (tc, test_v2_unix_stream);
  tcase_add_loop_test (tc, test_refuse, 0, G_N_ELEMENTS (refuse_cases));
  tcase_add_test (tc, test_v1_limit);
  tcase_add_test (tc, test_ipv6_text);
  tcase_add_test (tc, test_ipv4_text);
  tcase_add_test (tc, test_address_round_trip);
  tcase_add_test (tc, test_v1_ipv6_texts);
  suite_add_tcase (s, tc);
  return test_run_suite (s);
}
