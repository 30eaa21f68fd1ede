/* gst-ertmp: rtmpingestsrc's settings and what it tells whom
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element runs in this process; publishers are in-process clients of
 * the core's session (ingest_client.h) on 127.0.0.1:
 *  - the chunk size it announces (64 KiB by default, chunk-size to change);
 *  - a location that does not parse is refused (URI handler, property) and
 *    start fails quoting it, without listening;
 *  - no stream key: a warning at start naming the address;
 *  - a refused peer learns nothing of the publisher (no address, no
 *    "busy" before its key is checked);
 *  - no key or token appears whole in any log line, bus message or stats;
 *  - every signal (with argument names), bus message and stats field is
 *    documented (gst-inspect's factory details, docs/network-elements.md).
 */
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ingest_client.h"

/* bound on any single wait, ms: only catches a hang */
#define WAIT_MS 20000

typedef struct
{
  GstElement *pipeline, *src;
  GstBus *bus;
  guint16 port;
  guint bound_notifies;
} Fixture;

static void
on_bound_port (GObject * src, GParamSpec * pspec, Fixture * f)
{
  f->bound_notifies++;
}

/* Builds "rtmpingestsrc @props ! fakesink" (not started) */
static void
fixture_new (Fixture * f, const gchar * props)
{
  gchar *desc = g_strdup_printf ("rtmpingestsrc name=src host=127.0.0.1 "
      "port=0 %s ! fakesink sync=false", props);
  GError *err = NULL;

  memset (f, 0, sizeof (*f));
  f->pipeline = gst_parse_launch (desc, &err);
  fail_unless (f->pipeline != NULL, "%s: %s", desc, err ? err->message : "");
  g_free (desc);
  f->src = gst_bin_get_by_name (GST_BIN (f->pipeline), "src");
  f->bus = gst_element_get_bus (f->pipeline);
  g_signal_connect (f->src, "notify::bound-port", G_CALLBACK (on_bound_port),
      f);
}

static void
fixture_start (Fixture * f, const gchar * props)
{
  GstStateChangeReturn ret;
  gint port = 0;

  fixture_new (f, props);
  ret = gst_element_set_state (f->pipeline, GST_STATE_PLAYING);
  fail_if (ret == GST_STATE_CHANGE_FAILURE);
  ret = gst_element_get_state (f->src, NULL, NULL, WAIT_MS * GST_MSECOND);
  fail_unless (ret == GST_STATE_CHANGE_SUCCESS ||
      ret == GST_STATE_CHANGE_NO_PREROLL, "source not started: %d", ret);
  g_object_get (f->src, "bound-port", &port, NULL);
  fail_unless (port > 0 && port < 65536, "bound-port %d", port);
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

/* The element message @name (a copy), failing on an ERROR or timeout */
static GstStructure *
expect_message (Fixture * f, const gchar * name)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  for (;;) {
    gint64 left = deadline - g_get_monotonic_time ();
    const GstStructure *st;
    GstMessage *m;

    fail_unless (left > 0, "no %s message", name);
    m = gst_bus_timed_pop_filtered (f->bus, left * GST_USECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    fail_unless (m != NULL, "no %s message", name);
    fail_if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR, "error: %"
        GST_PTR_FORMAT, m);
    st = gst_message_get_structure (m);
    if (st != NULL && gst_structure_has_name (st, name)) {
      GstStructure *copy = gst_structure_copy (st);

      gst_message_unref (m);
      return copy;
    }
    gst_message_unref (m);
  }
}

static gchar *
tc_url_for (guint16 port, const gchar * app)
{
  return g_strdup_printf ("rtmp://127.0.0.1:%u/%s", port, app);
}

/* ---- chunk size ---------------------------------------------------------- */

/* The Set Chunk Size a client reads after its connect */
static guint
announced_chunk_size (Fixture * f)
{
  ertmp_session_connect_params params = { 0 };
  gchar *tc_url = tc_url_for (f->port, "live");
  ertmp_session_stats st;
  IngestClient c;

  fail_unless (ingest_client_open (&c, f->port));
  params.app = "live";
  params.tc_url = tc_url;
  fail_unless (ertmp_session_connect (c.s, &params) == ERTMP_OK);
  fail_unless (ingest_client_pump (&c, ingest_client_done_connected,
          WAIT_MS), "connect not answered");
  ertmp_session_get_stats (c.s, &st);
  ingest_client_free (&c);
  g_free (tc_url);
  return st.chunk_size_in;
}

GST_START_TEST (test_chunk_size_default)
{
  Fixture f;

  fixture_start (&f, "stream-key=k");
  fail_unless_equals_int (announced_chunk_size (&f), 65536);
  fixture_stop (&f);
}

GST_END_TEST;

/* the smallest: every reply is split in 128-byte chunks, and still read */
GST_START_TEST (test_chunk_size_small)
{
  static const guint8 frame[] = { 0x17, 0x01, 0, 0, 0, 0xAA, 0xBB, 0xCC };
  gchar *tc_url;
  GstStructure *end, *stats = NULL;
  guint64 videos = 0;
  IngestClient c;
  Fixture f;
  guint i;

  fixture_start (&f, "chunk-size=128 stream-key=k");
  fail_unless_equals_int (announced_chunk_size (&f), 128);
  tc_url = tc_url_for (f.port, "live");
  fail_unless (ingest_client_open (&c, f.port));
  fail_unless (ingest_client_publish (&c, "live", tc_url, "k", WAIT_MS),
      "publish refused: %s", GST_STR_NULL (c.status_description));
  for (i = 0; i < 3; i++)
    fail_unless (ingest_client_send (&c, 9, i * 33, frame, sizeof (frame),
            WAIT_MS));
  fail_unless (ingest_client_teardown (&c, WAIT_MS));
  end = expect_message (&f, "rtmp-ingest-publish-end");
  fail_unless_equals_string (gst_structure_get_string (end, "reason"),
      "unpublished");
  g_object_get (f.src, "stats", &stats, NULL);
  fail_unless (gst_structure_get_uint64 (stats, "video-messages", &videos));
  fail_unless_equals_uint64 (videos, 3);
  gst_structure_free (stats);
  gst_structure_free (end);
  ingest_client_free (&c);
  g_free (tc_url);
  fixture_stop (&f);
}

GST_END_TEST;

/* ---- a location that does not parse -------------------------------------- */

#define GOOD_LOCATION "rtmp://127.0.0.1:1999/live/goodkey"
/* a port out of range */
#define BAD_LOCATION "rtmp://127.0.0.1:70000/live/secretkey"
#define BAD_REDACTED "rtmp://127.0.0.1:70000/live/se***"

GST_START_TEST (test_bad_location_uri)
{
  GstElement *src = gst_element_factory_make ("rtmpingestsrc", NULL);
  GError *err = NULL;
  gchar *location = NULL;

  fail_unless (src != NULL);
  fail_unless (GST_IS_URI_HANDLER (src), "not a GstURIHandler");
  fail_unless (gst_uri_handler_set_uri (GST_URI_HANDLER (src),
          GOOD_LOCATION, &err), "%s", err ? err->message : "");
  fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (src), BAD_LOCATION,
          &err));
  fail_unless (g_error_matches (err, GST_URI_ERROR, GST_URI_ERROR_BAD_URI),
      "%s", err ? err->message : "no error");
  fail_unless (strstr (err->message, BAD_REDACTED) != NULL,
      "%s", err->message);
  fail_if (strstr (err->message, "secretkey") != NULL, "%s", err->message);
  g_clear_error (&err);
  /* the property keeps the old value too */
  g_object_set (src, "location", BAD_LOCATION, NULL);
  g_object_get (src, "location", &location, NULL);
  fail_unless_equals_string (location, GOOD_LOCATION);
  g_free (location);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_bad_location_start)
{
  Fixture f;
  GstMessage *m;
  GError *err = NULL;
  gchar *debug = NULL;
  gint port = -1;

  fixture_new (&f, "location=" BAD_LOCATION);
  fail_unless (gst_element_set_state (f.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "started with a bad location");
  m = gst_bus_timed_pop_filtered (f.bus, WAIT_MS * GST_MSECOND,
      GST_MESSAGE_ERROR);
  fail_unless (m != NULL, "no error message");
  gst_message_parse_error (m, &err, &debug);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS), "%s", err->message);
  fail_unless (strstr (err->message, BAD_REDACTED) != NULL,
      "%s", err->message);
  fail_if (strstr (err->message, "secretkey") != NULL, "%s", err->message);
  fail_if (debug && strstr (debug, "secretkey") != NULL, "%s", debug);
  /* it never listened */
  g_object_get (f.src, "bound-port", &port, NULL);
  fail_unless_equals_int (port, 0);
  fail_unless_equals_int (f.bound_notifies, 0);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (m);
  fixture_stop (&f);
}

GST_END_TEST;

/* ---- no stream key ------------------------------------------------------- */

GST_START_TEST (test_no_key_warning)
{
  Fixture f;
  GstMessage *m;
  GError *err = NULL;
  gchar *addr;

  fixture_start (&f, "");
  m = gst_bus_pop_filtered (f.bus, GST_MESSAGE_WARNING);
  fail_unless (m != NULL, "no warning at start without a stream key");
  gst_message_parse_warning (m, &err, NULL);
  addr = g_strdup_printf ("127.0.0.1:%u", f.port);
  fail_unless (strstr (err->message, addr) != NULL, "%s", err->message);
  fail_unless (strstr (err->message, "any stream key is accepted") != NULL,
      "%s", err->message);
  g_free (addr);
  g_clear_error (&err);
  gst_message_unref (m);
  fixture_stop (&f);

  fixture_start (&f, "stream-key=k");
  m = gst_bus_pop_filtered (f.bus, GST_MESSAGE_WARNING);
  fail_unless (m == NULL, "warning with a stream key: %" GST_PTR_FORMAT, m);
  fixture_stop (&f);
}

GST_END_TEST;

/* ---- refusals reveal nothing --------------------------------------------- */

static guint16
local_port (IngestClient * c)
{
  struct sockaddr_in addr;
  socklen_t len = sizeof (addr);

  fail_unless (getsockname (c->fd, (struct sockaddr *) &addr, &len) == 0);
  return ntohs (addr.sin_port);
}

/* @c was refused with @code and a description containing @want; none of
 * its bytes names the publisher's port */
static void
check_refused (IngestClient * c, const gchar * code, const gchar * want,
    guint16 publisher_port)
{
  gchar *port = g_strdup_printf ("%u", publisher_port);

  fail_unless (c->error, "not refused");
  fail_unless_equals_string (c->status_code, code);
  fail_unless (strstr (c->status_description, want) != NULL, "told \"%s\"",
      c->status_description);
  fail_if (ingest_client_received_contains (c, port),
      "the reply names the publisher's port %s", port);
  g_free (port);
}

GST_START_TEST (test_refusal_hides_publisher)
{
  IngestClient pub, wrong, busy;
  GstStructure *refused;
  gchar *tc_url;
  guint16 pub_port;
  Fixture f;

  fixture_start (&f, "application=live stream-key=good takeover=refuse");
  tc_url = tc_url_for (f.port, "live");
  fail_unless (ingest_client_open (&pub, f.port));
  fail_unless (ingest_client_publish (&pub, "live", tc_url, "good", WAIT_MS));
  pub_port = local_port (&pub);
  gst_structure_free (expect_message (&f, "rtmp-ingest-publish-start"));

  /* a wrong key hears about its key, not about the publisher */
  fail_unless (ingest_client_open (&wrong, f.port));
  fail_if (ingest_client_publish (&wrong, "live", tc_url, "bad", WAIT_MS));
  check_refused (&wrong, "NetStream.Publish.BadName", "wrong stream key",
      pub_port);
  refused = expect_message (&f, "rtmp-ingest-refused");
  fail_unless_equals_string (gst_structure_get_string (refused, "reason"),
      "bad-key");
  gst_structure_free (refused);

  /* the right key hears "busy", without the address */
  fail_unless (ingest_client_open (&busy, f.port));
  fail_if (ingest_client_publish (&busy, "live", tc_url, "good", WAIT_MS));
  check_refused (&busy, "NetStream.Publish.BadName", "already publishing",
      pub_port);
  fail_if (strstr (busy.status_description, "127.0.0.1") != NULL, "%s",
      busy.status_description);
  refused = expect_message (&f, "rtmp-ingest-refused");
  fail_unless_equals_string (gst_structure_get_string (refused, "reason"),
      "busy");
  gst_structure_free (refused);

  ingest_client_free (&busy);
  ingest_client_free (&wrong);
  ingest_client_free (&pub);
  g_free (tc_url);
  fixture_stop (&f);
}

GST_END_TEST;

/* ---- redaction ----------------------------------------------------------- */

#define SECRET_KEY "Sup3rS3cretKey"
#define SECRET_TOKEN "T0kenS3cret"
#define SECRET_AUTH "AuthS3cret"

static const gchar *const secrets[] = { SECRET_KEY, SECRET_TOKEN,
  SECRET_AUTH
};

typedef struct
{
  GMutex lock;
  guint lines;
  gchar *leak;                  /* the first line with a secret */
} LogScan;

static const gchar *
find_secret (const gchar * text)
{
  guint i;

  for (i = 0; text && i < G_N_ELEMENTS (secrets); i++)
    if (strstr (text, secrets[i]) != NULL)
      return secrets[i];
  return NULL;
}

static void
scan_log (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  LogScan *scan = user_data;
  const gchar *text = gst_debug_message_get (message);

  g_mutex_lock (&scan->lock);
  scan->lines++;
  if (scan->leak == NULL && find_secret (text) != NULL)
    scan->leak = g_strdup_printf ("%s:%d %s", file, line, text);
  g_mutex_unlock (&scan->lock);
}

/* Every message on the bus so far: none names a secret */
static void
check_bus_clean (Fixture * f)
{
  GstMessage *m;

  while ((m = gst_bus_pop (f->bus)) != NULL) {
    const GstStructure *st = gst_message_get_structure (m);
    gchar *text = st ? gst_structure_to_string (st) : NULL;
    GError *err = NULL;
    gchar *debug = NULL;

    fail_if (find_secret (text) != NULL, "bus message: %s", text);
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING ||
        GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING)
        gst_message_parse_warning (m, &err, &debug);
      else
        gst_message_parse_error (m, &err, &debug);
      fail_if (find_secret (err->message) || find_secret (debug), "%s (%s)",
          err->message, GST_STR_NULL (debug));
      g_clear_error (&err);
      g_free (debug);
    }
    g_free (text);
    gst_message_unref (m);
  }
}

static void
check_stats_clean (Fixture * f, gboolean publisher)
{
  GstStructure *stats = NULL;
  gchar *text;

  g_object_get (f->src, "stats", &stats, NULL);
  text = gst_structure_to_string (stats);
  fail_if (find_secret (text) != NULL, "stats: %s", text);
  fail_unless (!publisher || strstr (text, "publisher-address") != NULL,
      "%s", text);
  g_free (text);
  gst_structure_free (stats);
}

GST_START_TEST (test_secrets_redacted)
{
  static const guint8 frame[] = { 0x17, 0x01, 0, 0, 0, 0xAA, 0xBB, 0xCC };
  const gchar *app = "live?auth=" SECRET_AUTH;
  LogScan scan = { 0 };
  IngestClient c, wrong;
  GstDebugLevel old = gst_debug_get_default_threshold ();
  gchar *tc_url;
  gint port = 0;
  Fixture f;

  g_mutex_init (&scan.lock);
  gst_debug_set_active (TRUE);
  gst_debug_add_log_function (scan_log, &scan, NULL);
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_set_default_threshold (GST_LEVEL_MEMDUMP);

  fixture_new (&f, "");
  g_object_set (f.src, "stream-key", SECRET_KEY, NULL);
  fail_if (gst_element_set_state (f.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  fail_if (gst_element_get_state (f.src, NULL, NULL, WAIT_MS * GST_MSECOND)
      == GST_STATE_CHANGE_FAILURE);
  g_object_get (f.src, "bound-port", &port, NULL);
  f.port = port;
  tc_url = tc_url_for (f.port, app);

  /* a refused one with a key that shares the secret's prefix */
  fail_unless (ingest_client_open (&wrong, f.port));
  fail_if (ingest_client_publish (&wrong, app, tc_url,
          SECRET_KEY "x?token=" SECRET_TOKEN, WAIT_MS));
  gst_structure_free (expect_message (&f, "rtmp-ingest-refused"));
  ingest_client_free (&wrong);

  fail_unless (ingest_client_open (&c, f.port));
  fail_unless (ingest_client_publish (&c, app, tc_url,
          SECRET_KEY "?token=" SECRET_TOKEN, WAIT_MS), "refused: %s",
      GST_STR_NULL (c.status_description));
  fail_unless (ingest_client_send (&c, 9, 0, frame, sizeof (frame),
          WAIT_MS));
  check_stats_clean (&f, FALSE);
  fail_unless (ingest_client_teardown (&c, WAIT_MS));
  gst_structure_free (expect_message (&f, "rtmp-ingest-publish-end"));
  check_stats_clean (&f, TRUE);
  ingest_client_free (&c);
  gst_element_set_state (f.pipeline, GST_STATE_NULL);
  check_bus_clean (&f);
  fixture_stop (&f);

  gst_debug_set_default_threshold (old);
  gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);
  gst_debug_remove_log_function (scan_log);
  fail_unless (scan.lines > 100, "only %u log lines seen", scan.lines);
  fail_if (scan.leak != NULL, "a log line names a secret: %s", scan.leak);
  g_mutex_clear (&scan.lock);
  g_free (tc_url);
}

GST_END_TEST;

/* ---- documentation ------------------------------------------------------ */

/* Every field of @st is named in the factory metadata @key and in
 * docs/network-elements.md */
static void
check_documented (const GstStructure * st, const gchar * key,
    const gchar * docs)
{
  GstElementFactory *factory = gst_element_factory_find ("rtmpingestsrc");
  const gchar *text = gst_element_factory_get_metadata (factory, key);
  guint i;

  fail_unless (text != NULL, "no \"%s\" in the factory details", key);
  fail_unless (strstr (text, gst_structure_get_name (st)) != NULL,
      "%s does not name %s", key, gst_structure_get_name (st));
  for (i = 0; i < (guint) gst_structure_n_fields (st); i++) {
    const gchar *field = gst_structure_nth_field_name (st, i);
    gchar *quoted = g_strdup_printf ("`%s`", field);

    fail_unless (strstr (text, field) != NULL, "%s: %s not documented",
        key, field);
    fail_unless (strstr (docs, quoted) != NULL || strstr (docs, field),
        "docs/network-elements.md: %s not documented", field);
    g_free (quoted);
  }
  gst_object_unref (factory);
}

static gchar *
read_docs (void)
{
  gchar *path = g_build_filename (ERTMP_TEST_SRCDIR, "..", "..", "docs",
      "network-elements.md", NULL);
  gchar *docs = NULL;

  fail_unless (g_file_get_contents (path, &docs, NULL, NULL), "%s", path);
  g_free (path);
  return docs;
}

/* "user_function (GstElement *src, TYPE name, ...)": one named argument
 * of the right type per parameter */
static void
check_prototype (const GSignalQuery * q, const gchar * doc)
{
  const gchar *open = strstr (doc, "user_function (GstElement *src");
  gchar *args, **parts;
  guint j;

  fail_unless (open != NULL, "%s", doc);
  args = g_strndup (open, strchr (open, ')') - open);
  parts = g_strsplit (args, ",", -1);
  fail_unless_equals_int (g_strv_length (parts), q->n_params + 1);
  for (j = 0; j < q->n_params; j++) {
    gchar **words = g_strsplit (g_strstrip (parts[j + 1]), " ", -1);
    const gchar *type = g_type_name (q->param_types[j] &
        ~G_SIGNAL_TYPE_STATIC_SCOPE);

    fail_unless (g_strv_length (words) == 2, "%s: \"%s\"", q->signal_name,
        parts[j + 1]);
    fail_unless (g_str_has_prefix (words[0], type), "%s: %s is not %s",
        q->signal_name, words[0], type);
    g_strfreev (words);
  }
  g_strfreev (parts);
  g_free (args);
}

/* gst-inspect prints every factory metadata key: each signal, with its
 * argument names, each bus message and stats field seen in a real
 * publish is documented there and in the docs */
GST_START_TEST (test_documented)
{
  static const guint8 frame[] = { 0x17, 0x01, 0, 0, 0, 0xAA, 0xBB, 0xCC };
  GstElementFactory *factory;
  GstStructure *start, *end, *refused, *stats = NULL;
  IngestClient c, wrong;
  gchar *tc_url, *docs = read_docs ();
  guint *ids, n_ids, i;
  Fixture f;

  fixture_start (&f, "stream-key=k");
  tc_url = tc_url_for (f.port, "live");
  fail_unless (ingest_client_open (&wrong, f.port));
  fail_if (ingest_client_publish (&wrong, "live", tc_url, "x", WAIT_MS));
  refused = expect_message (&f, "rtmp-ingest-refused");
  fail_unless (ingest_client_open (&c, f.port));
  fail_unless (ingest_client_publish (&c, "live", tc_url, "k", WAIT_MS));
  start = expect_message (&f, "rtmp-ingest-publish-start");
  fail_unless (ingest_client_send (&c, 9, 0, frame, sizeof (frame),
          WAIT_MS));
  fail_unless (ingest_client_teardown (&c, WAIT_MS));
  end = expect_message (&f, "rtmp-ingest-publish-end");
  g_object_get (f.src, "stats", &stats, NULL);

  check_documented (start, "message-publish-start", docs);
  check_documented (end, "message-publish-end", docs);
  check_documented (refused, "message-refused", docs);
  check_documented (stats, "stats-fields", docs);

  factory = gst_element_factory_find ("rtmpingestsrc");
  ids = g_signal_list_ids (G_OBJECT_TYPE (f.src), &n_ids);
  fail_unless (n_ids > 0);
  for (i = 0; i < n_ids; i++) {
    GSignalQuery q;
    gchar **keys = gst_element_factory_get_metadata_keys (factory);
    gchar *want = NULL;
    guint k;

    g_signal_query (ids[i], &q);
    for (k = 0; keys[k] && want == NULL; k++) {
      const gchar *text = gst_element_factory_get_metadata (factory,
          keys[k]);
      gchar *quoted = g_strdup_printf ("\"%s\": ", q.signal_name);

      if (g_str_has_prefix (text, quoted))
        want = g_strdup (text);
      g_free (quoted);
    }
    fail_unless (want != NULL, "signal %s not in the factory details",
        q.signal_name);
    check_prototype (&q, want);
    fail_unless (strstr (docs, q.signal_name) != NULL, "%s not in docs",
        q.signal_name);
    g_free (want);
    g_strfreev (keys);
  }
  g_free (ids);
  gst_object_unref (factory);
  gst_structure_free (stats);
  gst_structure_free (start);
  gst_structure_free (end);
  gst_structure_free (refused);
  ingest_client_free (&c);
  ingest_client_free (&wrong);
  g_free (tc_url);
  g_free (docs);
  fixture_stop (&f);
}

GST_END_TEST;

static Suite *
ingest_safety_suite (void)
{
  Suite *s = suite_create ("ingest_safety");
  TCase *tc = tcase_create ("safety");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_chunk_size_default);
  tcase_add_test (tc, test_chunk_size_small);
  tcase_add_test (tc, test_bad_location_uri);
  tcase_add_test (tc, test_bad_location_start);
  tcase_add_test (tc, test_no_key_warning);
  tcase_add_test (tc, test_refusal_hides_publisher);
  tcase_add_test (tc, test_secrets_redacted);
  tcase_add_test (tc, test_documented);
  return s;
}

GST_CHECK_MAIN (ingest_safety);
