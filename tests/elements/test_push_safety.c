/* gst-ertmp: rtmppushsink's safety: secrets in logs, TLS downgrade,
 * flapping servers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A real publisher (videotestsrc ! x264enc, audiotestsrc ! avenc_aac,
 * flvemux ! rtmppushsink) against rtmpingestsrc on 127.0.0.1 (RTMPS with
 * a certificate made here by openssl):
 *  - the stream key and the ?query token never appear whole in a log line
 *    (everything at level 9), a bus message, an error or the stats, also
 *    when the server refuses the key;
 *  - a Reconnect Request from rtmps:// to rtmp:// is refused (warning,
 *    the stream stays) unless allow-tls-downgrade;
 *  - a server that accepts the publish and drops at once uses the
 *    reconnect attempts up: a warning per drop, then the error.
 * The certificate checks (tls-validation-flags) are in test_push_tls.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_peer.h"
#include "ertmp_session.h"
#include "test_push_common.h"

#define KEY "Sup3rSecretStreamKey"
#define TOKEN "t0kenQueryValue42"

/* ---- 1. no secret in logs, messages, errors, stats ---------------------- */

typedef struct
{
  GMutex lock;
  guint lines, leaks;
  gchar *first_leak;
} LogScan;

static LogScan scan;

static gboolean
has_secret (const gchar * text)
{
  return text != NULL && (strstr (text, KEY) != NULL
      || strstr (text, TOKEN) != NULL);
}

/* Every line of this process (the receiver runs in another one) */
static void
scan_log (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer data)
{
  const gchar *text = gst_debug_message_get (message);

  g_mutex_lock (&scan.lock);
  scan.lines++;
  if (has_secret (text) && scan.leaks++ == 0)
    scan.first_leak = g_strdup_printf ("%s %s:%d %s",
        gst_debug_category_get_name (category), file, line, text);
  g_mutex_unlock (&scan.lock);
}

/* The receiver for the secrets test, in its own process (its log is not
 * this test's): this test binary run as
 * "--receiver PORT PROPS": rtmpingestsrc ! fakesink until killed */
static int
run_receiver (const gchar * port, const gchar * props)
{
  gchar *desc = g_strdup_printf ("rtmpingestsrc host=127.0.0.1 port=%s %s "
      "! fakesink sync=false async=false", port, props);
  GstElement *pipeline;
  GMainLoop *loop;

  gst_init (NULL, NULL);
  pipeline = gst_parse_launch (desc, NULL);
  if (pipeline == NULL
      || gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    return 1;
  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);
  return 0;
}

static gchar *self_path;

/* The receiver process on a free port; its rtmp:// base in *@base */
static ErtmpPeer *
receiver_process (const gchar * dir, const gchar * props, gchar ** base)
{
  guint16 port = ertmp_peer_free_port ();
  gchar *port_str = g_strdup_printf ("%u", port);
  const gchar *argv[] = { self_path, "--receiver", port_str, props, NULL };
  GError *err = NULL;
  ErtmpPeer *peer = ertmp_peer_spawn (argv, dir, &err);

  fail_unless (peer != NULL, "receiver: %s", err ? err->message : "?");
  fail_unless (ertmp_peer_wait_port (port, peer, 60000), "receiver did not "
      "listen: %s", ertmp_peer_log (peer));
  *base = g_strdup_printf ("rtmp://127.0.0.1:%u/live", port);
  g_free (port_str);
  return peer;
}

/* Every bus message the publisher posted, as text, must be clean */
static void
check_messages (GPtrArray * log)
{
  guint i;

  for (i = 0; i < log->len; i++) {
    GstMessage *msg = g_ptr_array_index (log, i);
    const GstStructure *s = gst_message_get_structure (msg);
    gchar *text = s ? gst_structure_to_string (s) : NULL;
    gchar *described = NULL;

    if (GST_MESSAGE_TYPE (msg) & (GST_MESSAGE_ERROR | GST_MESSAGE_WARNING))
      described = ertmp_peer_describe_message (msg);
    fail_if (has_secret (text), "bus message %s", text);
    fail_if (has_secret (described), "error or warning: %s", described);
    g_free (text);
    g_free (described);
  }
}

static void
check_stats (GstElement * sink)
{
  GstStructure *stats = NULL;
  gchar *text;

  g_object_get (sink, "stats", &stats, NULL);
  fail_unless (stats != NULL);
  text = gst_structure_to_string (stats);
  fail_if (has_secret (text), "stats: %s", text);
  g_free (text);
  gst_structure_free (stats);
}

typedef enum
{
  SECRET_PUBLISHED,             /* the server takes the stream */
  SECRET_REFUSED,               /* the server refuses the key */
} SecretCase;

GST_START_TEST (test_secrets_redacted)
{
  SecretCase what = __i__;
  gchar *dir = ertmp_peer_tmpdir (), *base = NULL, *location, *text;
  ErtmpPeer *r = receiver_process (dir, what == SECRET_REFUSED ?
      "stream-key=another" : "keep-listening=true", &base);
  Publisher *p;

  location = g_strdup_printf ("%s/" KEY "?token=" TOKEN, base);
  scan.lines = scan.leaks = 0;
  g_clear_pointer (&scan.first_leak, g_free);
  gst_debug_set_threshold_from_string ("*:9", TRUE);
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (scan_log, NULL, NULL);
  /* the location is set as a property: a launch line would be logged */
  p = publisher_new_with_location (FALSE, 2, "", location);
  if (what == SECRET_PUBLISHED) {
    publisher_expect (p, "rtmp-push-published", WAIT_TIMEOUT);
    check_stats (p->sink);
    publisher_expect_eos (p, WAIT_TIMEOUT);
  } else {
    text = publisher_expect_error (p, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
        "refused", WAIT_TIMEOUT);
    g_print ("refused: %s\n", text);
    g_free (text);
  }
  check_stats (p->sink);
  publisher_stop (p, "at the end");
  gst_debug_set_threshold_from_string ("*:0", TRUE);
  gst_debug_remove_log_function (scan_log);
  check_messages (p->log);
  g_print ("%u log lines, %u with a secret\n", scan.lines, scan.leaks);
  if (scan.first_leak)
    g_print ("first: %s\n", scan.first_leak);
  fail_unless (scan.lines > 1000, "only %u log lines: is logging on?",
      scan.lines);
  fail_unless_equals_int (scan.leaks, 0);

  publisher_free (p);
  ertmp_peer_stop (r);
  ertmp_peer_rmdir (dir);
  g_free (dir);
  g_free (base);
  g_free (location);
}

GST_END_TEST;

/* ---- 2. a Reconnect Request from RTMPS to plain RTMP -------------------- */

GST_START_TEST (test_tls_downgrade)
{
  gboolean allow = __i__;
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *tls_props = test_make_self_signed (dir);
  gchar *a_props = g_strdup_printf ("%s keep-listening=false", tls_props);
  Receiver *a = receiver_new (0, a_props);
  Receiver *b = receiver_new (0, "keep-listening=false");
  /* the default refuses */
  gchar *props = g_strdup_printf ("location=rtmps://127.0.0.1:%d/live/key "
      "tls-validation-flags=0 %s", receiver_port (a),
      allow ? "allow-tls-downgrade=true" : "");
  gchar *target = g_strdup_printf ("rtmp://127.0.0.1:%d/live",
      receiver_port (b));
  Publisher *p = publisher_new (TRUE, -1, props);
  GstMessage *msg;
  GError *err = NULL;
  gboolean ok = FALSE;

  /* an endless stream, ended by EOS once the outcome is known */
  publisher_expect (p, "rtmp-push-published", WAIT_TIMEOUT);
  g_signal_emit_by_name (a->src, "request-reconnect", target, "plain",
      &ok);
  fail_unless (ok, "no publisher on the RTMPS server");
  msg = publisher_expect (p, "rtmp-push-reconnect-request", WAIT_TIMEOUT);
  fail_unless_equals_string (message_string (msg, "tc-url"), target);
  if (allow) {
    publisher_expect (p, "rtmp-push-switched", WAIT_TIMEOUT);
    gst_element_send_event (p->pipeline, gst_event_new_eos ());
    publisher_expect_eos (p, WAIT_TIMEOUT);
    receiver_wait_eos (b, WAIT_TIMEOUT, "plain server");
    fail_unless_equals_int (b->sessions->len, 1);
  } else {
    msg = bus_wait (p->pipeline, p->log, GST_MESSAGE_WARNING, NULL,
        WAIT_TIMEOUT);
    fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) ==
        GST_MESSAGE_WARNING, "no warning");
    gst_message_parse_warning (msg, &err, NULL);
    fail_unless (strstr (err->message, "unencrypted") != NULL, "%s",
        err->message);
    g_error_free (err);
    gst_element_send_event (p->pipeline, gst_event_new_eos ());
    publisher_expect_eos (p, WAIT_TIMEOUT);
    fail_unless_equals_int (log_count (p->log, 0, "rtmp-push-switched"), 0);
    receiver_wait_eos (a, WAIT_TIMEOUT, "RTMPS server");
    fail_unless_equals_int (a->sessions->len, 1);
    fail_unless_equals_int (b->sessions->len, 0);
  }
  fail_unless_equals_int (log_count (p->log, GST_MESSAGE_ERROR, NULL), 0);

  publisher_free (p);
  receiver_free (a);
  receiver_free (b);
  ertmp_peer_rmdir (dir);
  g_free (dir);
  g_free (tls_props);
  g_free (a_props);
  g_free (props);
  g_free (target);
}

GST_END_TEST;

/* ---- 3. a server that accepts and drops at once ------------------------- */

/* Drops every publisher as soon as it publishes (@r's disconnect-publisher,
 * or the hostile server below when @r is NULL); returns the drops.  The
 * sink must warn at each and end in the error after @attempts (when it
 * counts), never flap forever. */
static guint
drop_every_publish (Publisher * p, Receiver * r, guint attempts,
    gboolean counts, guint max_drops)
{
  guint drops = 0, warnings = 0, attempt = 0, want;
  GstMessage *msg;
  gboolean ok;

  while (drops < max_drops) {
    msg = bus_wait (p->pipeline, p->log, GST_MESSAGE_ERROR, drops == 0 ?
        "rtmp-push-published" : "rtmp-push-reconnected", WAIT_TIMEOUT);
    fail_unless (msg != NULL, "after %u drops: no publish", drops);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      break;
    if (r) {
      g_signal_emit_by_name (r->src, "disconnect-publisher", &ok);
      fail_unless (ok, "no publisher to drop");
    }
    drops++;
    msg = bus_wait (p->pipeline, p->log, GST_MESSAGE_ERROR,
        "rtmp-push-disconnected", WAIT_TIMEOUT);
    fail_unless (msg != NULL, "drop %u: no disconnected message", drops);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      break;
    fail_unless (gst_structure_get_uint (gst_message_get_structure (msg),
            "attempt", &attempt));
    want = counts ? drops : 1;
    fail_unless_equals_int (attempt, want);
    fail_unless (attempt <= attempts, "attempt %u of %u", attempt, attempts);
    warnings = log_count (p->log, GST_MESSAGE_WARNING, NULL);
    fail_unless_equals_int (warnings, drops);
  }
  return drops;
}

GST_START_TEST (test_flapping_server)
{
  Receiver *r = receiver_new (0, "keep-listening=true");
  gchar *url = receiver_url (r, "key");
  gchar *props = g_strdup_printf ("location=%s reconnect-attempts=3 "
      "reconnect-interval=%" G_GUINT64_FORMAT, url,
      (guint64) (20 * GST_MSECOND));
  Publisher *p = publisher_new (TRUE, -1, props);
  GstMessage *last;
  GError *err = NULL;
  guint drops;

  /* 3 reconnections, each dropped: the 4th drop is the end */
  drops = drop_every_publish (p, r, 3, TRUE, 10);
  fail_unless_equals_int (drops, 4);
  last = g_ptr_array_index (p->log, p->log->len - 1);
  fail_unless (GST_MESSAGE_TYPE (last) == GST_MESSAGE_ERROR, "%s",
      GST_MESSAGE_TYPE_NAME (last));
  gst_message_parse_error (last, &err, NULL);
  g_print ("error: %s\n", err->message);
  fail_unless (strstr (err->message, "after 3 attempts") != NULL, "%s",
      err->message);
  fail_unless (strstr (err->message, "kicked") != NULL
      || strstr (err->message, "closed") != NULL, "no cause: %s",
      err->message);
  g_error_free (err);
  fail_unless_equals_int (log_count (p->log, GST_MESSAGE_WARNING, NULL), 3);

  publisher_free (p);
  receiver_free (r);
  g_free (url);
  g_free (props);
}

GST_END_TEST;

/* stable-time=0: every publish resets the count (the old behaviour, now a
 * choice), still a warning per drop */
GST_START_TEST (test_flapping_stable_time_zero)
{
  Receiver *r = receiver_new (0, "keep-listening=true");
  gchar *url = receiver_url (r, "key");
  gchar *props = g_strdup_printf ("location=%s reconnect-attempts=1 "
      "stable-time=0 reconnect-interval=%" G_GUINT64_FORMAT, url,
      (guint64) (20 * GST_MSECOND));
  Publisher *p = publisher_new (TRUE, -1, props);

  fail_unless_equals_int (drop_every_publish (p, r, 1, FALSE, 4), 4);
  fail_unless_equals_int (log_count (p->log, GST_MESSAGE_ERROR, NULL), 0);

  publisher_free (p);
  receiver_free (r);
  g_free (url);
  g_free (props);
}

GST_END_TEST;

/* A server (the core's server side over GIO, in a thread) that accepts
 * every publish and at once sends Set Chunk Size 0xFFFFFFFF (beyond the
 * protocol's 31 bits) */
typedef struct
{
  GSocket *listener;
  GCancellable *cancellable;
  GThread *thread;
  guint16 port;
  gint served;
  gboolean reject;              /* refuse the publish, quoting its name */
} Hostile;

static void
hostile_flush (GSocket * socket, ertmp_session * session)
{
  const guint8 *out;
  gsize len;
  gssize n;

  while ((out = ertmp_session_pending_output (session, &len)) && len > 0) {
    n = g_socket_send (socket, (const gchar *) out, len, NULL, NULL);
    if (n <= 0)
      return;
    ertmp_session_output_written (session, n);
  }
}

/* Feeds @n bytes; FALSE when the session failed */
static gboolean
hostile_feed (Hostile * h, ertmp_session * session, const guint8 * buf,
    gsize n)
{
  gchar *why;

  static const guint8 huge[4] = { 0xFF, 0xFF, 0xFF, 0xFF };
  ertmp_session_event ev;
  gsize off = 0, used = 0;

  while (off < n) {
    if (ertmp_session_receive (session, buf + off, n - off, &used) !=
        ERTMP_OK || used == 0)
      return FALSE;
    off += used;
    while (ertmp_session_next_event (session, &ev) == ERTMP_OK) {
      if (ev.type != ERTMP_SESSION_EVENT_PUBLISH_REQUEST)
        continue;
      if (h->reject) {
        why = g_strdup_printf ("no stream named %s here", ev.publish.name);
        ertmp_session_reject_publish (session, ev.msid,
            ERTMP_SESSION_REJECT_BAD_NAME, why);
        g_free (why);
        continue;
      }
      ertmp_session_accept_publish (session, ev.msid);
      ertmp_session_send_raw (session, 2, ERTMP_MSG_SET_CHUNK_SIZE, 0, 0,
          huge, sizeof huge);
    }
  }
  return TRUE;
}

static void
hostile_serve (Hostile * h, GSocket * socket)
{
  ertmp_session_config cfg;
  ertmp_session *session;
  guint8 buf[16384];
  gssize n;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  session = ertmp_session_new (&cfg);
  /* only to catch a hang */
  g_socket_set_timeout (socket, 60);
  while ((n = g_socket_receive (socket, (gchar *) buf, sizeof buf, NULL,
              NULL)) > 0 && hostile_feed (h, session, buf, n))
    hostile_flush (socket, session);
  ertmp_session_free (session);
}

static gpointer
hostile_thread (gpointer data)
{
  Hostile *h = data;
  GSocket *socket;

  while ((socket = g_socket_accept (h->listener, h->cancellable, NULL))) {
    g_atomic_int_inc (&h->served);
    hostile_serve (h, socket);
    g_object_unref (socket);
  }
  return NULL;
}

static Hostile *
hostile_new (gboolean reject)
{
  Hostile *h = g_new0 (Hostile, 1);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *sa = g_inet_socket_address_new (lo, 0), *bound;

  h->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  fail_unless (g_socket_bind (h->listener, sa, TRUE, NULL));
  fail_unless (g_socket_listen (h->listener, NULL));
  bound = g_socket_get_local_address (h->listener, NULL);
  h->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  h->cancellable = g_cancellable_new ();
  h->reject = reject;
  h->thread = g_thread_new ("hostile", hostile_thread, h);
  g_object_unref (bound);
  g_object_unref (sa);
  g_object_unref (lo);
  return h;
}

static void
hostile_free (Hostile * h)
{
  g_cancellable_cancel (h->cancellable);
  g_thread_join (h->thread);
  g_object_unref (h->cancellable);
  g_object_unref (h->listener);
  g_free (h);
}

GST_START_TEST (test_huge_chunk_size)
{
  Hostile *h = hostile_new (FALSE);
  gchar *props = g_strdup_printf ("location=rtmp://127.0.0.1:%u/live/key "
      "reconnect-attempts=2 reconnect-interval=%" G_GUINT64_FORMAT, h->port,
      (guint64) (20 * GST_MSECOND));
  Publisher *p = publisher_new (TRUE, -1, props);
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;

  fail_unless_equals_int (drop_every_publish (p, NULL, 2, TRUE, 10), 3);
  msg = g_ptr_array_index (p->log, p->log->len - 1);
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (strstr (err->message, "after 2 attempts") != NULL, "%s",
      err->message);
  fail_unless (strstr (err->message, "Chunk Size") != NULL, "no cause: %s",
      err->message);
  g_error_free (err);
  g_free (debug);
  fail_unless_equals_int (g_atomic_int_get (&h->served), 3);

  publisher_free (p);
  hostile_free (h);
  g_free (props);
}

GST_END_TEST;

/* A server that refuses the key quoting it back: the sink's error holds
 * only its first characters */
GST_START_TEST (test_refusal_quoting_key)
{
  Hostile *h = hostile_new (TRUE);
  gchar *location = g_strdup_printf ("rtmp://127.0.0.1:%u/live/" KEY
      "?token=" TOKEN, h->port);
  Publisher *p = publisher_new_with_location (TRUE, -1, "", location);
  gchar *text = publisher_expect_error (p, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
      "no stream named", WAIT_TIMEOUT);

  g_print ("%s\n", text);
  fail_if (has_secret (text), "%s", text);
  check_messages (p->log);

  g_free (text);
  publisher_free (p);
  hostile_free (h);
  g_free (location);
}

GST_END_TEST;

static Suite *
push_safety_suite (void)
{
  Suite *s = suite_create ("push_safety");
  TCase *tc = tcase_create ("general");

  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_secrets_redacted, SECRET_PUBLISHED,
      SECRET_REFUSED + 1);
  tcase_add_loop_test (tc, test_tls_downgrade, 0, 2);
  tcase_add_test (tc, test_flapping_server);
  tcase_add_test (tc, test_flapping_stable_time_zero);
  tcase_add_test (tc, test_huge_chunk_size);
  tcase_add_test (tc, test_refusal_quoting_key);
  return s;
}

int
main (int argc, char **argv)
{
  if (argc == 4 && g_str_equal (argv[1], "--receiver"))
    return run_receiver (argv[2], argv[3]);
  self_path = g_canonicalize_filename (argv[0], NULL);
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (push_safety_suite (), "push_safety",
      __FILE__);
}
