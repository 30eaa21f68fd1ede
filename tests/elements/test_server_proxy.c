/* gst-ertmp: the shared server behind a load balancer (PROXY protocol)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rtmpingestsrc with proxy-protocol=true, driven by in-process clients
 * that write the header a load balancer would (v1 text, v2 binary) before
 * their RTMP handshake: the element must see the client the header names
 * (bus messages, per-address limits), and refuse a connection without a
 * header at once.  HAProxy itself is in test_server_drain.
 */
#include <string.h>
#include <unistd.h>

#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ingest_client.h"
#include "ertmp_peer.h"

/* one step's bound, ms: only catches a hang */
#define WAIT_MS ((gint) (ERTMP_TEST_HANG_BOUND / GST_MSECOND))

typedef struct
{
  GstElement *pipeline, *src;
  GstBus *bus;
  guint16 port;
} Fixture;

static void
fixture_start (Fixture * f, const gchar * props)
{
  gchar *desc = g_strdup_printf ("rtmpingestsrc name=src host=127.0.0.1 "
      "port=0 proxy-protocol=true application=live %s ! fakesink "
      "sync=false", props);
  GError *err = NULL;
  gint port = 0;

  memset (f, 0, sizeof (*f));
  f->pipeline = gst_parse_launch (desc, &err);
  fail_unless (f->pipeline != NULL, "%s: %s", desc, err ? err->message : "");
  g_free (desc);
  f->src = gst_bin_get_by_name (GST_BIN (f->pipeline), "src");
  f->bus = gst_element_get_bus (f->pipeline);
  fail_unless (gst_element_set_state (f->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (f->src, "bound-port", &port, NULL);
  fail_unless (port > 0);
  f->port = port;
}

static void
fixture_stop (Fixture * f)
{
  gst_element_set_state (f->pipeline, GST_STATE_NULL);
  gst_object_unref (f->bus);
  gst_object_unref (f->src);
  gst_object_unref (f->pipeline);
}

/* The next element message named @name (others are dropped). */
static GstStructure *
expect_message (Fixture * f, const gchar * name)
{
  gint64 deadline = g_get_monotonic_time () +
      ERTMP_TEST_HANG_BOUND / GST_USECOND;

  for (;;) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstMessage *m;
    GstStructure *s = NULL;

    fail_unless (left > 0, "no %s message", name);
    m = gst_bus_timed_pop_filtered (f->bus, left * GST_USECOND,
        GST_MESSAGE_ELEMENT);
    fail_unless (m != NULL, "no %s message", name);
    if (gst_message_has_name (m, name))
      s = gst_structure_copy (gst_message_get_structure (m));
    gst_message_unref (m);
    if (s != NULL)
      return s;
  }
}

static guint64
server_stat (Fixture * f, const gchar * field)
{
  GstObject *server = NULL;
  GstStructure *stats = NULL;
  guint64 v = 0;

  g_object_get (f->src, "server", &server, NULL);
  fail_unless (server != NULL);
  g_object_get (server, "stats", &stats, NULL);
  fail_unless (gst_structure_get_uint64 (stats, field, &v), "no %s", field);
  gst_structure_free (stats);
  gst_object_unref (server);
  return v;
}

/* Opens a client that writes @header (@len bytes) before RTMP. */
static void
open_with_header (Fixture * f, IngestClient * c, const void *header,
    gsize len)
{
  fail_unless (ingest_client_open (c, f->port));
  fail_unless (write (c->fd, header, len) == (gssize) len);
}

static void
publish_from (Fixture * f, const void *header, gsize len,
    const gchar * key, const gchar * want_address)
{
  IngestClient c;
  GstStructure *s;

  open_with_header (f, &c, header, len);
  fail_unless (ingest_client_publish (&c, "live", "rtmp://x/live", key,
          WAIT_MS), "publish through PROXY refused");
  s = expect_message (f, "rtmp-ingest-publish-start");
  fail_unless_equals_string (gst_structure_get_string (s, "peer-address"),
      want_address);
  gst_structure_free (s);
  ingest_client_free (&c);
}

GST_START_TEST (test_proxy_v1)
{
  static const gchar v1[] = "PROXY TCP4 203.0.113.7 127.0.0.1 40000 1935\r\n";
  Fixture f;

  fixture_start (&f, "stream-key=good");
  publish_from (&f, v1, strlen (v1), "good", "203.0.113.7:40000");
  fixture_stop (&f);
}

GST_END_TEST;

/* v2, TCP over IPv6: 2001:db8::5 port 4242 -> ::1 port 1935 */
static const guint8 v2_tcp6[] = {
  0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
  0x21, 0x21, 0x00, 0x24,
  0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
  0x10, 0x92, 0x07, 0x8f,
};

GST_START_TEST (test_proxy_v2)
{
  Fixture f;

  fixture_start (&f, "stream-key=good");
  publish_from (&f, v2_tcp6, sizeof (v2_tcp6), "good", "[2001:db8::5]:4242");
  fixture_stop (&f);
}

GST_END_TEST;

/* LOCAL (a balancer's health check) names no client: our own view. */
GST_START_TEST (test_proxy_v2_local)
{
  static const guint8 local[] = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
    0x20, 0x00, 0x00, 0x00,
  };
  IngestClient c;
  GstStructure *s;
  Fixture f;

  fixture_start (&f, "stream-key=good");
  open_with_header (&f, &c, local, sizeof (local));
  fail_unless (ingest_client_publish (&c, "live", "rtmp://x/live", "good",
          WAIT_MS));
  s = expect_message (&f, "rtmp-ingest-publish-start");
  fail_unless (g_str_has_prefix (gst_structure_get_string (s,
              "peer-address"), "127.0.0.1:"));
  gst_structure_free (s);
  ingest_client_free (&c);
  fixture_stop (&f);
}

GST_END_TEST;

/* A publisher that connects straight to the port sends C0 (0x03): it is
 * refused on it, and nothing reaches the RTMP side. */
GST_START_TEST (test_no_header_refused)
{
  IngestClient c;
  GstStructure *s;
  Fixture f;

  fixture_start (&f, "stream-key=good");
  fail_unless (ingest_client_open (&c, f.port));
  fail_if (ingest_client_publish (&c, "live", "rtmp://x/live", "good",
          WAIT_MS), "published without a PROXY header");
  s = expect_message (&f, "rtmp-ingest-refused");
  fail_unless_equals_string (gst_structure_get_string (s, "reason"),
      "proxy-header");
  fail_unless (strstr (gst_structure_get_string (s, "detail"), "byte 0")
      != NULL || strstr (gst_structure_get_string (s, "detail"), "PROXY")
      != NULL, "%s", gst_structure_get_string (s, "detail"));
  gst_structure_free (s);
  fail_unless_equals_uint64 (server_stat (&f, "refused-proxy-header"), 1);
  fail_unless_equals_uint64 (server_stat (&f, "publishers-accepted"), 0);
  ingest_client_free (&c);
  fixture_stop (&f);
}

GST_END_TEST;

/* Per-address limits count the client the header names, not the
 * balancer: two clients behind one balancer address are both served
 * with max-connections-per-address=1, a second connection of one of them
 * is not. */
GST_START_TEST (test_limits_see_client)
{
  static const gchar a[] = "PROXY TCP4 198.51.100.1 127.0.0.1 1000 1935\r\n";
  static const gchar b[] = "PROXY TCP4 198.51.100.2 127.0.0.1 1000 1935\r\n";
  static const gchar a2[] = "PROXY TCP4 198.51.100.1 127.0.0.1 1001 1935\r\n";
  IngestClient ca, cb, ca2;
  GstStructure *s;
  Fixture f;

  fixture_start (&f, "max-connections-per-address=1");
  open_with_header (&f, &ca, a, strlen (a));
  fail_unless (ingest_client_publish (&ca, "live", "rtmp://x/live", "k1",
          WAIT_MS));
  open_with_header (&f, &cb, b, strlen (b));
  fail_unless (ingest_client_pump (&cb, NULL, WAIT_MS));
  /* the publisher of 198.51.100.1 cannot be evicted: its next is refused */
  open_with_header (&f, &ca2, a2, strlen (a2));
  fail_if (ingest_client_publish (&ca2, "live", "rtmp://x/live", "k2",
          WAIT_MS));
  do {
    s = expect_message (&f, "rtmp-ingest-refused");
    if (g_str_equal (gst_structure_get_string (s, "reason"),
            "address-limit"))
      break;
    gst_structure_free (s);
  } while (TRUE);
  fail_unless_equals_string (gst_structure_get_string (s, "peer-address"),
      "198.51.100.1:1001");
  gst_structure_free (s);
  fail_unless (ingest_client_still_open (&ca));
  fail_unless (ingest_client_still_open (&cb));
  ingest_client_free (&ca);
  ingest_client_free (&cb);
  ingest_client_free (&ca2);
  fixture_stop (&f);
}

GST_END_TEST;

static Suite *
server_proxy_suite (void)
{
  Suite *s = suite_create ("server_proxy");
  TCase *tc = tcase_create ("proxy");

  tcase_set_timeout (tc, ERTMP_TEST_NEVER_S);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_proxy_v1);
  tcase_add_test (tc, test_proxy_v2);
  tcase_add_test (tc, test_proxy_v2_local);
  tcase_add_test (tc, test_no_header_refused);
  tcase_add_test (tc, test_limits_see_client);
  return s;
}

GST_CHECK_MAIN (server_proxy);
