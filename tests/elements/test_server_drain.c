/* gst-ertmp: draining an ingest node behind HAProxy, with PROXY v2
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The deployment of docs/deployment.md, on loopback: two ingest nodes A
 * and B (examples/ertmp-record-all --proxy-protocol, separate processes on
 * ephemeral ports) behind Debian's HAProxy in TCP mode, which sends a
 * PROXY v2 header to each and prefers A ("balance first"; a connection
 * A refuses is redispatched to B).
 *
 *  1. A connection straight to A without a PROXY header is refused before
 *     the RTMP handshake (A reports it with reason proxy-header and counts
 *     it as refused-proxy-header).
 *  2. rtmppushsink publishes through HAProxy and lands on A.
 *  3. A is drained (SIGUSR1: the server's "drain" action, tcUrl NULL): it
 *     stops listening and sends the E-RTMP Reconnect Request.  The sink
 *     connects again to the same URL; HAProxy finds A closed and sends it
 *     to B; the sink switches at a key frame.
 *  4. What A and B recorded, one after the other, is every frame the sink
 *     was given: none lost, none repeated (type, timestamp, body).  Both
 *     recordings open with the sequence starts and a key frame.
 *  5. Each node saw the real client: the address it reports for its
 *     publisher is the client address HAProxy logged for the connection it
 *     sent to that node (127.0.0.1 and the sink's own source port).
 *
 * And a publisher that ignores the request (GStreamer's rtmp2sink) stays
 * on the drained node, which goes on serving it to its end: nothing lost,
 * nothing sent to B.
 *
 * Skipped when haproxy is not installed.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_flv.h"
#include "ertmp_peer.h"
#include "example_proc.h"
#include "flv_items.h"

/* Bounds that only catch hangs (ertmp_peer.h) */
#define HANG ERTMP_TEST_HANG_BOUND
#define HANG_MS ((guint) (HANG / GST_MSECOND))
#define STOP ERTMP_TEST_STOP_BOUND

#define EXAMPLE "ERTMP_EXAMPLE_RECORD_ALL"
/* FLV tags the sink must have been given on a node before the next step:
 * enough for several key frames (one every 15 video frames) */
#define TAGS_PER_STEP 60

/* ---- nodes --------------------------------------------------------------- */

typedef struct
{
  const gchar *name;
  ExampleProc *proc;
  gint port;
} Node;

static void
node_start (Node * node, const gchar * name, const gchar * dir)
{
  gchar *rec = g_strdup_printf ("%s/rec-%s", dir, name);
  const gchar *args[] = { "--host=127.0.0.1", "--port=0", "--proxy-protocol",
    "--dir", rec, NULL
  };
  GError *err = NULL;
  gchar *line;

  node->name = name;
  node->proc = example_proc_start (EXAMPLE, args, dir, &err);
  fail_unless (node->proc != NULL, "node %s: %s", name,
      err ? err->message : "?");
  line = example_proc_wait_line (node->proc, "", 0, HANG);
  fail_unless (line != NULL && sscanf (line, "listening on 127.0.0.1:%d",
          &node->port) == 1, "node %s: %s", name,
      example_proc_output (node->proc));
  g_free (line);
  g_free (rec);
}

/* The @nth line starting with @prefix, which must come */
static gchar *
node_expect (Node * node, const gchar * prefix, guint nth)
{
  gchar *line = example_proc_wait_line (node->proc, prefix, nth, HANG);

  fail_unless (line != NULL, "node %s: no \"%s\" line:\n%s", node->name,
      prefix, example_proc_output (node->proc));
  return line;
}

/* Stops the node (exit status 0) and returns its server's stats */
static GstStructure *
node_stop (Node * node)
{
  gchar *line;
  GstStructure *stats;

  fail_unless (example_proc_stop (node->proc, STOP), "node %s did not exit "
      "0 on SIGTERM:\n%s", node->name, example_proc_output (node->proc));
  line = node_expect (node, "stats ", 0);
  stats = gst_structure_from_string (line + strlen ("stats "), NULL);
  fail_unless (stats != NULL, "node %s: %s", node->name, line);
  g_free (line);
  return stats;
}

static guint64
stat_u64 (const GstStructure * stats, const gchar * name)
{
  guint64 v = 0;

  fail_unless (gst_structure_get_uint64 (stats, name, &v), "no %s in %"
      GST_PTR_FORMAT, name, stats);
  return v;
}

/* ---- HAProxy ------------------------------------------------------------- */

/* TCP mode, PROXY v2 to both nodes, A first; a connection A refuses is
 * redispatched to B at once.  Its log (stderr) has one line per client
 * connection: "IP:PORT [date] rtmp nodes/<server> ..." */
static ErtmpPeer *
haproxy_start (const gchar * dir, guint16 port, const Node * a,
    const Node * b)
{
  gchar *cfg = g_build_filename (dir, "haproxy.cfg", NULL);
  gchar *text = g_strdup_printf ("global\n"
      "  log stderr format raw local0 info\n"
      "defaults\n"
      "  mode tcp\n  log global\n  option tcplog\n"
      "  timeout connect 10s\n  timeout client 10m\n  timeout server 10m\n"
      "  retries 3\n  option redispatch 1\n"
      "frontend rtmp\n  bind 127.0.0.1:%u\n  default_backend nodes\n"
      "backend nodes\n  balance first\n"
      "  server a 127.0.0.1:%d send-proxy-v2\n"
      "  server b 127.0.0.1:%d send-proxy-v2\n", port, a->port, b->port);
  const gchar *argv[] = { "haproxy", "-db", "-f", cfg, NULL };
  GError *err = NULL;
  ErtmpPeer *peer;

  fail_unless (g_file_set_contents (cfg, text, -1, &err), "%s", cfg);
  peer = ertmp_peer_spawn (argv, dir, &err);
  fail_unless (peer != NULL, "haproxy: %s", err ? err->message : "?");
  fail_unless (ertmp_peer_wait_port (port, peer, HANG_MS), "haproxy did not "
      "listen: %s", ertmp_peer_log (peer));
  g_free (text);
  g_free (cfg);
  return peer;
}

/* Soft stop (SIGUSR1: it exits once its connections are over), so that
 * every connection is logged; returns the log */
static gchar *
haproxy_stop (ErtmpPeer * haproxy)
{
  gchar *log;

  kill (ertmp_peer_pid (haproxy), SIGUSR1);
  fail_unless (ertmp_peer_wait (haproxy, HANG_MS), "haproxy did not stop");
  log = ertmp_peer_log (haproxy);
  ertmp_peer_stop (haproxy);
  return log;
}

/* TRUE when @log has a connection from @client sent to server @server */
static gboolean
haproxy_logged (const gchar * log, const gchar * client,
    const gchar * server)
{
  gchar **lines = g_strsplit (log, "\n", -1);
  gchar *want = g_strdup_printf (" nodes/%s ", server);
  gboolean found = FALSE;
  guint i;

  for (i = 0; lines[i] != NULL && !found; i++)
    found = g_str_has_prefix (lines[i], client) &&
        lines[i][strlen (client)] == ' ' && strstr (lines[i], want) != NULL;
  g_strfreev (lines);
  g_free (want);
  return found;
}

/* ---- a connection without a PROXY header --------------------------------- */

/* Connects to @port, sends C0+C1 and reads until the server closes:
 * returns the bytes it answered (an RTMP server would send S0 S1 S2);
 * *@from: our "ip:port" */
static gsize
bare_rtmp_answer (gint port, gchar ** from)
{
  GSocketAddress *local;
  GSocketClient *client = g_socket_client_new ();
  GSocketConnection *conn;
  GInputStream *in;
  guint8 c0c1[1537] = { 3 }, buf[4096];
  gssize n;
  gsize total = 0;
  GError *err = NULL;

  g_socket_client_set_timeout (client, HANG / GST_SECOND);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL,
      &err);
  fail_unless (conn != NULL, "%s", err ? err->message : "?");
  local = g_socket_connection_get_local_address (conn, NULL);
  *from = g_strdup_printf ("127.0.0.1:%u", g_inet_socket_address_get_port
      (G_INET_SOCKET_ADDRESS (local)));
  g_object_unref (local);
  /* the server may close while we write: any error here is its answer */
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM
          (conn)), c0c1, sizeof (c0c1), NULL, NULL, NULL);
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while ((n = g_input_stream_read (in, buf, sizeof (buf), NULL, &err)) > 0)
    total += n;
  /* closed (0) or reset: both end the connection; a timeout is a hang */
  fail_if (n < 0 && g_error_matches (err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT),
      "the node kept a connection without PROXY header open");
  g_clear_error (&err);
  g_object_unref (conn);
  g_object_unref (client);
  return total;
}

/* ---- the publisher ------------------------------------------------------- */

typedef struct
{
  GstElement *pipeline;
  GMutex lock;
  GCond cond;
  GByteArray *sent;             /* every byte given to rtmppushsink */
  guint buffers;
} Publisher;

static GstPadProbeReturn
on_sent (GstPad * pad, GstPadProbeInfo * info, Publisher * p)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;

  gst_buffer_map (buf, &map, GST_MAP_READ);
  g_mutex_lock (&p->lock);
  g_byte_array_append (p->sent, map.data, map.size);
  p->buffers++;
  g_cond_broadcast (&p->cond);
  g_mutex_unlock (&p->lock);
  gst_buffer_unmap (buf, &map);
  return GST_PAD_PROBE_OK;
}

/* Live H.264 (a key frame every 15) and AAC, endless, into "@sink
 * location=@url" (the sink is named sink); PLAYING */
static Publisher *
publisher_start (const gchar * sink_desc, const gchar * url)
{
  Publisher *p = g_new0 (Publisher, 1);
  gchar *desc = g_strdup_printf ("videotestsrc is-live=true pattern=ball ! "
      "video/x-raw,format=I420,width=160,height=120,framerate=30/1 ! "
      "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 ! "
      "h264parse ! m.video audiotestsrc is-live=true samplesperbuffer=1024 "
      "! audio/x-raw,rate=48000,channels=1 ! avenc_aac ! m.audio "
      "flvemux name=m ! %s name=sink location=%s", sink_desc, url);
  GError *err = NULL;
  GstElement *sink;
  GstPad *pad;

  g_mutex_init (&p->lock);
  g_cond_init (&p->cond);
  p->sent = g_byte_array_new ();
  p->pipeline = gst_parse_launch (desc, &err);
  fail_unless (p->pipeline != NULL, "%s: %s", desc, err ? err->message : "");
  sink = gst_bin_get_by_name (GST_BIN (p->pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) on_sent, p, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  fail_unless (gst_element_set_state (p->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE, "publisher: cannot start");
  g_free (desc);
  return p;
}

/* Waits until @more buffers were given to the sink after this call */
static void
publisher_wait_buffers (Publisher * p, guint more)
{
  gint64 deadline = g_get_monotonic_time () + HANG / GST_USECOND;
  guint target;

  g_mutex_lock (&p->lock);
  target = p->buffers + more;
  while (p->buffers < target)
    if (!g_cond_wait_until (&p->cond, &p->lock, deadline))
      break;
  fail_unless (p->buffers >= target, "the publisher stalled at %u buffers",
      p->buffers);
  g_mutex_unlock (&p->lock);
}

/* Ends the stream (EOS, which rtmppushsink delivers before it completes),
 * then NULL (the stop commands); errors and warnings fail the test */
static void
publisher_finish (Publisher * p)
{
  GstBus *bus = gst_element_get_bus (p->pipeline);
  GstMessage *msg;

  gst_element_send_event (p->pipeline, gst_event_new_eos ());
  while ((msg = gst_bus_timed_pop_filtered (bus, HANG, GST_MESSAGE_EOS |
              GST_MESSAGE_ERROR | GST_MESSAGE_WARNING)) != NULL) {
    gboolean eos = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
    gchar *text = eos ? NULL : ertmp_peer_describe_message (msg);

    gst_message_unref (msg);
    fail_unless (eos, "publisher: %s", text);
    break;
  }
  fail_unless (msg != NULL, "publisher: no EOS");
  gst_element_set_state (p->pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
}

static void
publisher_free (Publisher * p)
{
  gst_object_unref (p->pipeline);
  g_byte_array_unref (p->sent);
  g_mutex_clear (&p->lock);
  g_cond_clear (&p->cond);
  g_free (p);
}

/* ---- the test ------------------------------------------------------------ */

/* A node's one publisher: its recording and the address it saw */
static GArray *
node_recording (Node * node, gchar ** peer)
{
  gchar *start = node_expect (node, "publisher-start ", 0);
  gchar *file = example_proc_field (start, "file");
  GArray *items = flv_items_from_file (file);

  *peer = example_proc_field (start, "peer");
  fail_unless_equals_int (example_proc_count_lines (node->proc,
          "publisher-start "), 1);
  g_free (file);
  g_free (start);
  return items;
}

/* 1. A connection to @node without a PROXY header gets no RTMP handshake,
 * and the node reports it with its address */
static void
check_bare_refused (Node * node)
{
  gchar *from, *line, *expected;

  fail_unless_equals_int (bare_rtmp_answer (node->port, &from), 0);
  line = node_expect (node, "refused ", 0);
  expected = g_strdup_printf ("refused %s proxy-header", from);
  fail_unless_equals_string (line, expected);
  g_free (expected);
  g_free (line);
  g_free (from);
}

/* 2. and 3. Publishes to @url (HAProxy) until it is on @a, drains @a,
 * publishes until it moved to @b, then ends the stream; returns the
 * publisher */
static Publisher *
publish_and_drain (const gchar * url, Node * a, Node * b)
{
  Publisher *pub = publisher_start ("rtmppushsink", url);
  gchar *line;

  g_free (node_expect (a, "publisher-start ", 0));
  publisher_wait_buffers (pub, TAGS_PER_STEP);
  kill (example_proc_pid (a->proc), SIGUSR1);
  line = node_expect (a, "draining ", 0);
  fail_unless_equals_string (line, "draining 1");
  g_free (line);
  g_free (node_expect (b, "publisher-start ", 0));
  line = node_expect (a, "publisher-end ", 0);
  fail_unless_equals_string (line, "publisher-end 1 eos");
  g_free (line);
  publisher_wait_buffers (pub, TAGS_PER_STEP);
  publisher_finish (pub);
  line = node_expect (b, "publisher-end ", 0);
  fail_unless (g_str_has_suffix (line, " eos"), "%s", line);
  g_free (line);
  return pub;
}

/* 4. and 5., once both nodes (@stats: theirs) and HAProxy (@log) are
 * stopped */
static void
check_recordings (Publisher * pub, Node * a, Node * b, GstStructure ** stats,
    const gchar * log)
{
  GArray *sent = flv_items_parse (pub->sent->data, pub->sent->len, "sent");
  GArray *parts[2];
  gchar *peer[2];
  guint counts[2], i;

  parts[0] = node_recording (a, &peer[0]);
  parts[1] = node_recording (b, &peer[1]);
  flv_items_check_union (sent, parts, 2, counts, "drain A -> B");
  g_print ("frames: %u on A, %u on B\n", counts[0], counts[1]);
  fail_unless (counts[0] > 0 && counts[1] > 0, "frames: %u on A, %u on B",
      counts[0], counts[1]);
  flv_items_check_start (parts[0], "node A");
  flv_items_check_start (parts[1], "node B");

  g_print ("publisher seen from %s on A, %s on B\n", peer[0], peer[1]);
  for (i = 0; i < 2; i++) {
    fail_unless (g_str_has_prefix (peer[i], "127.0.0.1:"), "%s", peer[i]);
    fail_unless (haproxy_logged (log, peer[i], i ? "b" : "a"), "node %s "
        "saw %s, which is not a client HAProxy sent there:\n%s",
        i ? "B" : "A", peer[i], log);
    fail_unless_equals_int (stat_u64 (stats[i], "publishers-accepted"), 1);
    fail_unless_equals_int (stat_u64 (stats[i], "refused-proxy-header"),
        i ? 0 : 1);
    g_array_unref (parts[i]);
    g_free (peer[i]);
  }
  g_array_unref (sent);
}

GST_START_TEST (test_drain_behind_haproxy)
{
  gchar *dir, *url, *log;
  Node a, b;
  ErtmpPeer *haproxy;
  Publisher *pub;
  GstStructure *stats[2];
  guint16 port;

  if (!ertmp_peer_have ("test_drain_behind_haproxy", "haproxy"))
    return;
  dir = ertmp_peer_tmpdir ();
  node_start (&a, "A", dir);
  node_start (&b, "B", dir);
  check_bare_refused (&a);

  port = ertmp_peer_free_port ();
  haproxy = haproxy_start (dir, port, &a, &b);
  url = g_strdup_printf ("rtmp://127.0.0.1:%u/live/%08x%08x", port,
      g_random_int (), g_random_int ());
  pub = publish_and_drain (url, &a, &b);
  stats[0] = node_stop (&a);
  stats[1] = node_stop (&b);
  log = haproxy_stop (haproxy);
  check_recordings (pub, &a, &b, stats, log);

  gst_structure_free (stats[0]);
  gst_structure_free (stats[1]);
  publisher_free (pub);
  example_proc_free (a.proc);
  example_proc_free (b.proc);
  g_free (log);
  g_free (url);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* A publisher that ignores the Reconnect Request (GStreamer's rtmp2sink,
 * like FFmpeg, does not implement it) stays on the drained node, which
 * goes on serving it: its recording there is whole, and B gets nothing. */
GST_START_TEST (test_drain_ignored)
{
  gchar *dir, *url, *log, *line, *peer;
  Node a, b;
  ErtmpPeer *haproxy;
  Publisher *pub;
  GstStructure *stats[2];
  GArray *sent, *parts[1];
  guint16 port;

  if (!ertmp_peer_have ("test_drain_ignored", "haproxy"))
    return;
  dir = ertmp_peer_tmpdir ();
  node_start (&a, "A", dir);
  node_start (&b, "B", dir);
  port = ertmp_peer_free_port ();
  haproxy = haproxy_start (dir, port, &a, &b);
  url = g_strdup_printf ("rtmp://127.0.0.1:%u/live/%08x%08x", port,
      g_random_int (), g_random_int ());
  pub = publisher_start ("rtmp2sink", url);
  g_free (node_expect (&a, "publisher-start ", 0));
  publisher_wait_buffers (pub, TAGS_PER_STEP);
  kill (example_proc_pid (a.proc), SIGUSR1);
  line = node_expect (&a, "draining ", 0);
  fail_unless_equals_string (line, "draining 1");
  g_free (line);
  publisher_wait_buffers (pub, 2 * TAGS_PER_STEP);
  publisher_finish (pub);
  line = node_expect (&a, "publisher-end ", 0);
  fail_unless_equals_string (line, "publisher-end 1 eos");
  g_free (line);
  stats[0] = node_stop (&a);
  stats[1] = node_stop (&b);
  log = haproxy_stop (haproxy);

  sent = flv_items_parse (pub->sent->data, pub->sent->len, "sent");
  parts[0] = node_recording (&a, &peer);
  flv_items_check_union (sent, parts, 1, NULL, "drain ignored, on A");
  flv_items_check_start (parts[0], "node A");
  fail_unless_equals_int (example_proc_count_lines (b.proc,
          "publisher-start "), 0);
  fail_unless_equals_int (stat_u64 (stats[1], "connections-total"), 0);

  g_array_unref (parts[0]);
  g_array_unref (sent);
  gst_structure_free (stats[0]);
  gst_structure_free (stats[1]);
  publisher_free (pub);
  example_proc_free (a.proc);
  example_proc_free (b.proc);
  g_free (peer);
  g_free (log);
  g_free (url);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
server_drain_suite (void)
{
  Suite *s = suite_create ("server_drain");
  TCase *tc = tcase_create ("haproxy");

  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_drain_behind_haproxy);
  tcase_add_test (tc, test_drain_ignored);
  return s;
}

GST_CHECK_MAIN (server_drain);
