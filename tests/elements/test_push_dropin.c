/* gst-ertmp: rtmppushsink as a drop-in for rtmp2sink: its properties, its
 * location (librtmp options, bad locations), chunk-size 1, peak-kbps,
 * secure-token
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <string.h>

#include "ertmp_peer.h"
#include "ertmp_test_server.h"

/* generous: a few seconds of work on a loaded machine */
#define PUBLISH_MS 60000
#define FRAMES 30

/* Properties whose default is ours on purpose */
static const gchar *const own_defaults[] = {
  "name",                       /* the element's name */
  "chunk-size",                 /* 65536: far less CPU on the server */
  "flash-version",              /* FMLE's, what FFmpeg and OBS send */
  NULL
};

/* enum values rtmp2sink has since 1.24 (authmod): ours has them on 1.22 */
static const gchar *const newer_enum_values[] = { "llnw", NULL };

static void
check_enum_like (GParamSpec * theirs, GParamSpec * ours)
{
  const gchar *tname = g_type_name (theirs->value_type);

  /* a type of their own (GstRtmp...) must not be reused (two plugins in
   * one registry); a GLib type (GTlsCertificateFlags) is shared */
  if (g_str_has_prefix (tname, "GstRtmp"))
    fail_if (theirs->value_type == ours->value_type, "%s: type %s reused",
        theirs->name, tname);
  if (G_IS_PARAM_SPEC_ENUM (theirs)) {
    GEnumClass *a = G_PARAM_SPEC_ENUM (theirs)->enum_class;
    GEnumClass *b;
    guint i;

    fail_unless (G_IS_PARAM_SPEC_ENUM (ours), "%s: not an enum", theirs->name);
    b = G_PARAM_SPEC_ENUM (ours)->enum_class;
    /* every value of theirs; more only where a later rtmp2sink has them */
    for (i = 0; i < b->n_values; i++)
      fail_unless (g_enum_get_value_by_nick (a, b->values[i].value_nick)
          || g_strv_contains (newer_enum_values, b->values[i].value_nick),
          "%s: %s is not rtmp2sink's", theirs->name, b->values[i].value_nick);
    for (i = 0; i < a->n_values; i++) {
      GEnumValue *v = g_enum_get_value_by_nick (b, a->values[i].value_nick);

      fail_unless (v != NULL, "%s: no nick %s", theirs->name,
          a->values[i].value_nick);
      fail_unless_equals_int (v->value, a->values[i].value);
    }
  } else {
    GFlagsClass *a = G_PARAM_SPEC_FLAGS (theirs)->flags_class;
    GFlagsClass *b;
    guint i;

    fail_unless (G_IS_PARAM_SPEC_FLAGS (ours), "%s: not flags", theirs->name);
    b = G_PARAM_SPEC_FLAGS (ours)->flags_class;
    fail_unless_equals_int (a->n_values, b->n_values);
    for (i = 0; i < a->n_values; i++) {
      GFlagsValue *v = g_flags_get_value_by_nick (b, a->values[i].value_nick);

      fail_unless (v != NULL, "%s: no nick %s", theirs->name,
          a->values[i].value_nick);
      fail_unless_equals_int (v->value, a->values[i].value);
    }
  }
}

#define CHECK_RANGE(T, spec, a, b) G_STMT_START { \
  fail_unless_equals_uint64 ((guint64) T (a)->minimum, \
      (guint64) T (b)->minimum); \
  fail_unless_equals_uint64 ((guint64) T (a)->maximum, \
      (guint64) T (b)->maximum); \
} G_STMT_END

static void
check_range (GParamSpec * a, GParamSpec * b)
{
  if (G_IS_PARAM_SPEC_UINT (a)) {
    CHECK_RANGE (G_PARAM_SPEC_UINT, a, a, b);
  } else if (G_IS_PARAM_SPEC_INT (a)) {
    CHECK_RANGE (G_PARAM_SPEC_INT, a, a, b);
  } else if (G_IS_PARAM_SPEC_UINT64 (a)) {
    CHECK_RANGE (G_PARAM_SPEC_UINT64, a, a, b);
  } else if (G_IS_PARAM_SPEC_INT64 (a)) {
    CHECK_RANGE (G_PARAM_SPEC_INT64, a, a, b);
  }
}

/* Every rtmp2sink property: the same name, value type, readable/writable,
 * range, default (but own_defaults) and enum/flags nicks and values */
GST_START_TEST (test_properties_like_rtmp2sink)
{
  GstElementFactory *f = gst_element_factory_find ("rtmp2sink");
  GstElement *theirs, *ours;
  GParamSpec **specs;
  guint n, i;

  if (f == NULL) {
    g_print ("SKIP test_properties_like_rtmp2sink: no rtmp2sink\n");
    return;
  }
  theirs = gst_element_factory_create (f, NULL);
  ours = gst_element_factory_make ("rtmppushsink", NULL);
  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (theirs), &n);
  for (i = 0; i < n; i++) {
    GParamSpec *a = specs[i];
    GParamSpec *b = g_object_class_find_property (G_OBJECT_GET_CLASS (ours),
        a->name);
    const GParamFlags rw = G_PARAM_READABLE | G_PARAM_WRITABLE;

    fail_unless (b != NULL, "rtmppushsink has no property %s", a->name);
    fail_unless (G_PARAM_SPEC_VALUE_TYPE (a) == G_PARAM_SPEC_VALUE_TYPE (b)
        || (G_TYPE_IS_ENUM (a->value_type) && G_TYPE_IS_ENUM (b->value_type))
        || (G_TYPE_IS_FLAGS (a->value_type)
            && G_TYPE_IS_FLAGS (b->value_type)), "%s: %s, ours %s", a->name,
        g_type_name (a->value_type), g_type_name (b->value_type));
    fail_unless_equals_int (a->flags & rw, b->flags & rw);
    if (G_IS_PARAM_SPEC_ENUM (a) || G_IS_PARAM_SPEC_FLAGS (a))
      check_enum_like (a, b);
    check_range (a, b);
    if (!g_strv_contains (own_defaults, a->name)
        && (a->flags & G_PARAM_WRITABLE)
        && G_PARAM_SPEC_VALUE_TYPE (a) != G_TYPE_OBJECT) {
      const GValue *da = g_param_spec_get_default_value (a);
      const GValue *db = g_param_spec_get_default_value (b);

      if (G_TYPE_IS_ENUM (a->value_type)) {
        fail_unless_equals_int (g_value_get_enum (da), g_value_get_enum (db));
      } else if (G_TYPE_IS_FLAGS (a->value_type)) {
        fail_unless_equals_int (g_value_get_flags (da),
            g_value_get_flags (db));
      } else {
        fail_unless (gst_value_compare (da, db) == GST_VALUE_EQUAL,
            "%s: default %s, ours %s", a->name, gst_value_serialize (da),
            gst_value_serialize (db));
      }
    }
  }
  g_free (specs);
  gst_object_unref (theirs);
  gst_object_unref (ours);
  gst_object_unref (f);
}

GST_END_TEST;

/* The values rtmp2sink takes are taken: stop-commands none, chunk-size 1 */
GST_START_TEST (test_values_taken)
{
  GstElement *sink = gst_element_factory_make ("rtmppushsink", NULL);
  guint v;

  gst_util_set_object_arg (G_OBJECT (sink), "stop-commands", "none");
  g_object_get (sink, "stop-commands", &v, NULL);
  fail_unless_equals_int (v, 0);
  gst_util_set_object_arg (G_OBJECT (sink), "chunk-size", "1");
  g_object_get (sink, "chunk-size", &v, NULL);
  fail_unless_equals_int (v, 1);
  gst_util_set_object_arg (G_OBJECT (sink), "scheme", "rtmps");
  gst_util_set_object_arg (G_OBJECT (sink), "authmod", "adobe");
  g_object_get (sink, "authmod", &v, NULL);
  fail_unless_equals_int (v, 2);
  gst_object_unref (sink);
}

GST_END_TEST;

static gchar *
get_string (GstElement * e, const gchar * name)
{
  gchar *v = NULL;

  g_object_get (e, name, &v, NULL);
  return v;
}

/* Starts @sink alone; the error it posts (transfer full), or NULL */
static GError *
start_error (GstElement * sink)
{
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  GstStateChangeReturn ret;

  gst_element_set_bus (sink, bus);
  ret = gst_element_set_state (sink, GST_STATE_PAUSED);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (msg)
    gst_message_parse_error (msg, &err, NULL);
  fail_unless (ret == GST_STATE_CHANGE_FAILURE || msg == NULL);
  gst_element_set_state (sink, GST_STATE_NULL);
  gst_element_set_bus (sink, NULL);
  if (msg)
    gst_message_unref (msg);
  gst_object_unref (bus);
  return err;
}

/* An unusable location is refused (the old one stays) and start fails
 * quoting it, its key redacted; it never dials the old location */
GST_START_TEST (test_bad_location)
{
  static const struct
  {
    const gchar *location, *says;
  } cases[] = {
    {"rtmp:/nohost/live/s3cr3tkey", "bad location \"rtmp:/nohost/live/"},
    {"http://h/live/s3cr3tkey", "bad location \"http://h/live/"},
    {"rtmp://h:99999/live/s3cr3tkey", "bad location \"rtmp://h:99999/"},
    {"rtmp://h/live/s3cr3tkey bogus=1", "unknown librtmp option \"bogus\""},
    {"rtmp://h/live/s3cr3tkey buffer=100", "librtmp option \"buffer\" is "
          "for playing"},
    {"rtmp://h/live/s3cr3tkey live", "option \"live\" is not name=value"},
    {"rtmp://h/live/s3cr3tkey timeout=soon", "\"timeout\": bad value"},
    {"rtmp://h/live/s3cr3tkey live=0", "\"live\": bad value \"0\""},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstElement *sink = gst_element_factory_make ("rtmppushsink", NULL);
    GError *err = NULL;
    gchar *loc;

    g_object_set (sink, "location", "rtmp://127.0.0.1:1/app/old", NULL);
    /* the URI handler refuses it */
    fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (sink),
            cases[i].location, &err));
    fail_unless (g_error_matches (err, GST_URI_ERROR, GST_URI_ERROR_BAD_URI)
        || g_error_matches (err, GST_URI_ERROR,
            GST_URI_ERROR_UNSUPPORTED_PROTOCOL), "%s", err->message);
    /* (GStreamer itself refuses another scheme) */
    fail_unless (err->code != GST_URI_ERROR_BAD_URI
        || strstr (err->message, cases[i].says) != NULL,
        "\"%s\" does not say \"%s\"", err->message, cases[i].says);
    fail_if (strstr (err->message, "s3cr3tkey") != NULL, "%s",
        err->message);
    g_clear_error (&err);
    /* the property keeps the old value */
    g_object_set (sink, "location", cases[i].location, NULL);
    loc = get_string (sink, "location");
    fail_unless_equals_string (loc, "rtmp://127.0.0.1:1/app/old");
    g_free (loc);
    /* and start fails, quoting it */
    err = start_error (sink);
    fail_unless (err != NULL, "%s: started", cases[i].location);
    fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_SETTINGS));
    fail_unless (strstr (err->message, cases[i].says) != NULL,
        "\"%s\" does not say \"%s\"", err->message, cases[i].says);
    fail_if (strstr (err->message, "s3cr3tkey") != NULL, "%s",
        err->message);
    g_clear_error (&err);
    gst_object_unref (sink);
  }
}

GST_END_TEST;

/* librtmp's options set their properties */
GST_START_TEST (test_location_options)
{
  GstElement *sink = gst_element_factory_make ("rtmppushsink", NULL);
  gchar *v;
  guint timeout;

  g_object_set (sink, "location", "rtmp://h/live/key live=1 timeout=17 "
      "flashVer=FMLE/3.0\\20(x) token=t0k pubUser=alice pubPasswd=pw "
      "playpath=other", NULL);
  g_object_get (sink, "timeout", &timeout, NULL);
  fail_unless_equals_int (timeout, 17);
  v = get_string (sink, "stream");
  fail_unless_equals_string (v, "other");
  g_free (v);
  v = get_string (sink, "flash-version");
  fail_unless_equals_string (v, "FMLE/3.0 (x)");
  g_free (v);
  v = get_string (sink, "secure-token");
  fail_unless_equals_string (v, "t0k");
  g_free (v);
  v = get_string (sink, "username");
  fail_unless_equals_string (v, "alice");
  g_free (v);
  v = get_string (sink, "password");
  fail_unless_equals_string (v, "pw");
  g_free (v);
  v = get_string (sink, "location");
  fail_unless_equals_string (v, "rtmp://h:1935/live/other");
  g_free (v);
  /* user:password@ as rtmp2sink takes them */
  g_object_set (sink, "location", "rtmp://bob:pw2@h/live/key", NULL);
  v = get_string (sink, "username");
  fail_unless_equals_string (v, "bob");
  g_free (v);
  gst_object_unref (sink);
}

GST_END_TEST;

/* The server gets the key without the options, the app and tcUrl from
 * them; the frames arrive */
GST_START_TEST (test_location_options_publish)
{
  ErtmpTestServer *server = ertmp_test_server_new (NULL, NULL);
  gchar *desc, *v;
  GError *err = NULL;

  desc = g_strdup_printf ("rtmppushsink location=\"rtmp://127.0.0.1:%u/"
      "live/key?t=1 live=1 timeout=20 tcUrl=rtmp://example.com/live "
      "conn=S:extra\"", ertmp_test_server_port (server));
  fail_unless (ertmp_test_publish (desc, FRAMES, PUBLISH_MS, &err, NULL),
      "%s", err ? err->message : "timeout");
  fail_unless (ertmp_test_server_wait_media (server, FRAMES, PUBLISH_MS));
  v = ertmp_test_server_stream (server);
  fail_unless_equals_string (v, "key?t=1");
  g_free (v);
  v = ertmp_test_server_tc_url (server);
  fail_unless_equals_string (v, "rtmp://example.com/live");
  g_free (v);
  fail_unless_equals_int (ertmp_test_server_media (server), FRAMES);
  g_free (desc);
  ertmp_test_server_free (server);
}

GST_END_TEST;

/* chunk-size=1: every message in 1-byte chunks, as sent */
GST_START_TEST (test_chunk_size_one)
{
  ErtmpTestServer *server = ertmp_test_server_new (NULL, NULL);
  gchar *desc;
  GError *err = NULL;

  desc = g_strdup_printf ("rtmppushsink chunk-size=1 "
      "location=rtmp://127.0.0.1:%u/live/key", ertmp_test_server_port (server));
  fail_unless (ertmp_test_publish (desc, FRAMES, PUBLISH_MS, &err, NULL),
      "%s", err ? err->message : "timeout");
  fail_unless (ertmp_test_server_wait_media (server, FRAMES, PUBLISH_MS));
  fail_unless_equals_int (ertmp_test_server_media (server), FRAMES);
  fail_unless_equals_int (ertmp_test_server_chunk_size_in (server), 1);
  g_free (desc);
  ertmp_test_server_free (server);
}

GST_END_TEST;

typedef struct
{
  GMutex lock;
  GCond cond;
  gint n;
} Counter;

static void
count_frame (GstElement * fakesink, GstBuffer * buf, GstPad * pad,
    Counter * count)
{
  g_mutex_lock (&count->lock);
  count->n++;
  g_cond_broadcast (&count->cond);
  g_mutex_unlock (&count->lock);
}

/* ... and into rtmpingestsrc: every frame comes out of its demuxer */
GST_START_TEST (test_chunk_size_one_ingest)
{
  GstElement *recv = gst_parse_launch ("rtmpingestsrc name=src "
      "host=127.0.0.1 port=0 keep-listening=false stream-key=key ! "
      "flvdemux name=d d.video ! fakesink name=out sync=false "
      "signal-handoffs=true", NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (recv), "src");
  GstElement *out = gst_bin_get_by_name (GST_BIN (recv), "out");
  gint port = 0;
  Counter count = { 0 };
  GError *err = NULL;
  gchar *desc, *why = NULL;

  g_signal_connect (out, "handoff", G_CALLBACK (count_frame), &count);
  fail_unless (gst_element_set_state (recv, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (src, "bound-port", &port, NULL);
  fail_unless (port > 0);
  desc = g_strdup_printf ("rtmppushsink chunk-size=1 "
      "location=rtmp://127.0.0.1:%d/live/key", port);
  fail_unless (ertmp_test_publish (desc, FRAMES, PUBLISH_MS, &err, NULL),
      "%s", err ? err->message : "timeout");
  /* the publisher's end is the end of the stream */
  fail_unless (ertmp_peer_run_pipeline (recv, PUBLISH_MS * GST_MSECOND,
          &why), "%s", why);
  fail_unless_equals_int (count.n, FRAMES);
  g_free (desc);
  gst_object_unref (src);
  gst_object_unref (out);
  gst_object_unref (recv);
}

GST_END_TEST;

static gboolean
wait_count (Counter * count, gint n, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  gboolean ok;

  g_mutex_lock (&count->lock);
  while (count->n < n)
    if (!g_cond_wait_until (&count->cond, &count->lock, deadline))
      break;
  ok = count->n >= n;
  g_mutex_unlock (&count->lock);
  return ok;
}

/* ... and into nginx-rtmp (which broke on a Set Chunk Size 1 followed by
 * more in the same read): a player joined while we publish gets tags */
GST_START_TEST (test_chunk_size_one_nginx)
{
  guint16 port;
  gchar *dir, *desc;
  ErtmpPeer *nginx;
  GstElement *pub, *play, *out;
  GstBus *bus;
  GstMessage *msg;
  GError *err = NULL;
  Counter count = { 0 };

  if (!ertmp_peer_have ("test_chunk_size_one_nginx", "nginx"))
    return;
  dir = ertmp_peer_tmpdir ();
  port = ertmp_peer_free_port ();
  nginx = ertmp_peer_start_nginx (dir, port, &err);
  fail_unless (nginx != NULL, "%s", err ? err->message : "?");
  desc = g_strdup_printf ("videotestsrc is-live=true ! "
      "video/x-raw,width=64,height=48,framerate=30/1 ! "
      "x264enc tune=zerolatency key-int-max=10 ! h264parse ! "
      "flvmux streamable=true ! rtmppushsink chunk-size=1 "
      "location=rtmp://127.0.0.1:%u/live/key", port);
  pub = gst_parse_launch (desc, NULL);
  g_free (desc);
  bus = gst_element_get_bus (pub);
  gst_element_set_state (pub, GST_STATE_PLAYING);
  /* publishing (an error would come first) */
  msg = gst_bus_timed_pop_filtered (bus, PUBLISH_MS * GST_MSECOND,
      GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
  while (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT &&
      !gst_message_has_name (msg, "rtmp-push-published")) {
    gst_message_unref (msg);
    msg = gst_bus_timed_pop_filtered (bus, PUBLISH_MS * GST_MSECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
  }
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT,
      "not published: %s", msg ? ertmp_peer_describe_message (msg) : "-");
  gst_message_unref (msg);
  /* rtmp2src puts out one buffer per FLV tag */
  desc = g_strdup_printf ("rtmp2src location=rtmp://127.0.0.1:%u/live/key ! "
      "fakesink name=out sync=false signal-handoffs=true", port);
  play = gst_parse_launch (desc, NULL);
  out = gst_bin_get_by_name (GST_BIN (play), "out");
  g_signal_connect (out, "handoff", G_CALLBACK (count_frame), &count);
  gst_element_set_state (play, GST_STATE_PLAYING);
  fail_unless (wait_count (&count, FRAMES, PUBLISH_MS), "the player got %d "
      "tags", count.n);
  gst_element_set_state (play, GST_STATE_NULL);
  gst_element_set_state (pub, GST_STATE_NULL);
  gst_object_unref (out);
  gst_object_unref (play);
  gst_object_unref (bus);
  gst_object_unref (pub);
  g_free (desc);
  fail_unless (ertmp_peer_stop (nginx));
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* peak-kbps paces the socket: the kernel's SO_MAX_PACING_RATE, read back
 * in the stats, is kbit/s * 125 bytes/s; and changes while playing */
GST_START_TEST (test_peak_kbps)
{
  ErtmpTestServer *server = ertmp_test_server_new (NULL, NULL);
  GstElement *pub, *sink;
  GstStructure *stats = NULL;
  GstBus *bus;
  guint64 rate = 0;
  guint tries;
  gchar *desc;

  desc = g_strdup_printf ("videotestsrc is-live=true ! "
      "video/x-raw,width=64,height=48,framerate=30/1 ! "
      "x264enc tune=zerolatency key-int-max=10 ! h264parse ! "
      "flvmux streamable=true ! rtmppushsink name=sink peak-kbps=800 "
      "location=rtmp://127.0.0.1:%u/live/key",
      ertmp_test_server_port (server));
  pub = gst_parse_launch (desc, NULL);
  sink = gst_bin_get_by_name (GST_BIN (pub), "sink");
  bus = gst_element_get_bus (pub);
  gst_element_set_state (pub, GST_STATE_PLAYING);
  fail_unless (ertmp_test_server_wait_media (server, 2, PUBLISH_MS));
  /* the stats are refreshed every second: a second of frames (30) later,
   * they have the socket (bounded: 20 tries) */
  for (tries = 0; rate == 0 && tries < 20; tries++) {
    fail_unless (ertmp_test_server_wait_media (server,
            ertmp_test_server_media (server) + 30, PUBLISH_MS));
    g_object_get (sink, "stats", &stats, NULL);
    gst_structure_get_uint64 (stats, "pacing-rate", &rate);
    gst_structure_free (stats);
  }
  fail_unless_equals_uint64 (rate, 800 * 125);
  g_object_set (sink, "peak-kbps", 1600, NULL);
  for (tries = 0; rate == 800 * 125 && tries < 20; tries++) {
    fail_unless (ertmp_test_server_wait_media (server,
            ertmp_test_server_media (server) + 30, PUBLISH_MS));
    g_object_get (sink, "stats", &stats, NULL);
    gst_structure_get_uint64 (stats, "pacing-rate", &rate);
    gst_structure_free (stats);
  }
  fail_unless_equals_uint64 (rate, 1600 * 125);
  gst_element_set_state (pub, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pub);
  g_free (desc);
  ertmp_test_server_free (server);
}

GST_END_TEST;

/* secure-token answers the server's SecureToken challenge; a wrong one is
 * refused with the server's reason */
GST_START_TEST (test_secure_token)
{
  ErtmpTestServer *server = ertmp_test_server_new (NULL, "SecretToken12345");
  gchar *desc;
  GError *err = NULL;

  desc = g_strdup_printf ("rtmppushsink secure-token=SecretToken12345 "
      "location=rtmp://127.0.0.1:%u/live/key", ertmp_test_server_port (server));
  fail_unless (ertmp_test_publish (desc, FRAMES, PUBLISH_MS, &err, NULL),
      "%s", err ? err->message : "timeout");
  fail_unless (ertmp_test_server_wait_media (server, FRAMES, PUBLISH_MS));
  g_free (desc);
  /* librtmp's token= option is the same */
  desc = g_strdup_printf ("rtmppushsink location=\"rtmp://127.0.0.1:%u/"
      "live/key token=Wrong\"", ertmp_test_server_port (server));
  fail_if (ertmp_test_publish (desc, FRAMES, PUBLISH_MS, &err, NULL));
  fail_unless (err != NULL, "timeout");
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_NOT_AUTHORIZED), "%s", err->message);
  fail_unless (strstr (err->message, "secureTokenResponse") != NULL, "%s",
      err->message);
  g_clear_error (&err);
  g_free (desc);
  ertmp_test_server_free (server);
}

GST_END_TEST;

static Suite *
push_dropin_suite (void)
{
  Suite *s = suite_create ("push_dropin");
  TCase *props = tcase_create ("properties");
  TCase *net = tcase_create ("network");

  tcase_set_timeout (props, 60);
  tcase_set_timeout (net, 120);
  suite_add_tcase (s, props);
  tcase_add_test (props, test_properties_like_rtmp2sink);
  tcase_add_test (props, test_values_taken);
  tcase_add_test (props, test_bad_location);
  tcase_add_test (props, test_location_options);
  suite_add_tcase (s, net);
  tcase_add_unchecked_fixture (net, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (net, NULL, ertmp_peer_stop_all);
  tcase_add_test (net, test_location_options_publish);
  tcase_add_test (net, test_chunk_size_one);
  tcase_add_test (net, test_chunk_size_one_ingest);
  tcase_add_test (net, test_chunk_size_one_nginx);
  tcase_add_test (net, test_peak_kbps);
  tcase_add_test (net, test_secure_token);
  return s;
}

GST_CHECK_MAIN (push_dropin);
