/* gst-ertmp: publishers whose keys the application learns when they come
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An application runs one rtmpingestsrc (live/anchor) and connects its
 * server's "publisher-unknown" signal.  Publishers arrive with keys it
 * did not know: FFmpeg processes and in-process rtmppushsink and
 * rtmp2sink.  The handler (the server's I/O thread) accepts them by
 * returning TRUE and hands the key to the test's thread, which builds
 * "rtmpingestsrc port=P application=APP stream-key=KEY ! appsink" for
 * each.  Each new element must output its publisher's whole stream from
 * the first tag on: the AVC sequence header, then the first key frame,
 * with the publisher's timestamps, then every other tag.  A key the
 * handler turns down (returns FALSE) is refused with bad-key.  A player
 * is refused at once (play).
 */
#include <string.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ingest_client.h"
#include "server_check.h"

#define N_FFMPEG 2
#define N_GST 2
#define N_DYN (N_FFMPEG + N_GST)

typedef struct
{
  gchar *app, *key, *address;
} Request;

typedef struct
{
  GAsyncQueue *requests;        /* Request, accepted ones */
  gint refused;                 /* keys turned down */
  gint anchor;                  /* calls for the anchor's own key */
} App;

static void
request_free (Request * r)
{
  g_free (r->app);
  g_free (r->key);
  g_free (r->address);
  g_free (r);
}

/* The server's I/O thread: never block here */
static gboolean
on_publisher_unknown (GstObject * server, const gchar * app,
    const gchar * key, const gchar * address, App * a)
{
  Request *r;

  if (g_strcmp0 (key, "anchor") == 0)
    g_atomic_int_inc (&a->anchor);
  if (g_str_has_prefix (key, "no-")) {
    g_atomic_int_inc (&a->refused);
    return FALSE;
  }
  r = g_new0 (Request, 1);
  r->app = g_strdup (app);
  r->key = g_strdup (key);
  r->address = g_strdup (address);
  g_async_queue_push (a->requests, r);
  return TRUE;
}

/* One element built for a publisher */
typedef struct
{
  GstElement *pipeline, *src;
  SrvOutput *out;
  gchar *key;
} Claim;

static Claim *
claim_new (gint port, const Request * r)
{
  gchar *desc = g_strdup_printf ("rtmpingestsrc name=src host=127.0.0.1 "
      "port=%d application=%s stream-key=%s keep-listening=false ! "
      "appsink name=out sync=false", port, r->app, r->key);
  Claim *c = g_new0 (Claim, 1);

  c->pipeline = gst_parse_launch (desc, NULL);
  fail_unless (c->pipeline != NULL, "%s", desc);
  c->src = gst_bin_get_by_name (GST_BIN (c->pipeline), "src");
  c->out = srv_output_new (c->src);
  c->key = g_strdup (r->key);
  fail_if (gst_element_set_state (c->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "%s", desc);
  g_free (desc);
  return c;
}

static void
claim_free (Claim * c)
{
  if (c == NULL)
    return;
  fail_unless (gst_element_set_state (c->pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  srv_output_free (c->out);
  gst_object_unref (c->src);
  gst_object_unref (c->pipeline);
  g_free (c->key);
  g_free (c);
}

/* The output starts with the publisher's first video tags: the AVC
 * sequence header, then the first key frame, at their timestamps */
static void
check_first_video (Claim * c, const SrvTags * want, const gchar * what)
{
  SrvTags *got = srv_output_tags (c->out, 0);
  GArray *w = want->av[1], *g;
  guint i;

  fail_unless (got != NULL && w->len >= 2, "%s: no video", what);
  g = got->av[1];
  fail_unless (g->len >= 2, "%s: %u video tags out", what, g->len);
  for (i = 0; i < 2; i++) {
    SrvTag *x = &g_array_index (w, SrvTag, i), *y = &g_array_index (g,
        SrvTag, i);

    fail_unless (strcmp (x->sum, y->sum) == 0 && x->ts == y->ts,
        "%s: video tag %u differs from the publisher's", what, i);
  }
  /* legacy AVC: key frame (1 << 4) | codec 7; AVCPacketType 0 then 1 */
  fail_unless (g_array_index (g, SrvTag, 0).first[0] == 0x17 &&
      g_array_index (g, SrvTag, 0).first[1] == 0,
      "%s: first video tag is no AVC sequence header", what);
  fail_unless (g_array_index (g, SrvTag, 1).first[0] == 0x17 &&
      g_array_index (g, SrvTag, 1).first[1] == 1,
      "%s: second video tag is no key frame", what);
  g_print ("%s: sequence header at %u ms, first key frame at %u ms kept\n",
      what, g_array_index (g, SrvTag, 0).ts, g_array_index (g, SrvTag, 1).ts);
  srv_tags_free (got);
}

#define MEDIA(pattern) "flvmux name=m streamable=true videotestsrc " \
  "pattern=" pattern " num-buffers=75 ! video/x-raw,format=I420," \
  "width=160,height=120,framerate=30/1 ! x264enc speed-preset=ultrafast " \
  "key-int-max=30 ! h264parse ! m. audiotestsrc num-buffers=75 " \
  "samplesperbuffer=1470 ! audio/x-raw,rate=44100,channels=2 ! " \
  "audioconvert ! avenc_aac ! m. "

static const gchar *patterns[N_DYN] = { "0", "1", "18", "10" };

static const gchar *sinks[N_GST] = {
  "rtmppushsink name=pub timeout=30", "rtmp2sink name=pub"
};

/* The application and its publishers */
typedef struct
{
  App app;
  GstElement *anchor;
  GstObject *server;
  gint port;
  gchar *dir, *files[N_FFMPEG];
  ErtmpPeer *ffmpeg[N_FFMPEG];
  SrvRecording *rec[N_GST];
  SrvPub *pub[N_GST];
  SrvTags *want[N_FFMPEG];
  Claim *claims[N_DYN];
} Dyn;

/* Streams for the publishers, different from each other */
static void
dyn_media (Dyn * d)
{
  guint i;

  d->dir = ertmp_peer_tmpdir ();
  for (i = 0; i < N_DYN; i++) {
    gchar *media = g_strdup_printf (MEDIA ("%s"), patterns[i]);

    if (i < N_FFMPEG) {
      gchar *name = g_strdup_printf ("pub%u.flv", i);

      d->files[i] = srv_make_file (d->dir, name, media);
      d->want[i] = srv_tags_from_file (d->files[i], FALSE);
      g_free (name);
    } else {
      d->rec[i - N_FFMPEG] = srv_record (media);
    }
    g_free (media);
  }
}

/* The application's one element (live/anchor) and its server's signal */
static void
dyn_anchor (Dyn * d)
{
  GstElement *src;

  d->app.requests = g_async_queue_new_full ((GDestroyNotify) request_free);
  d->anchor = gst_parse_launch ("rtmpingestsrc name=src host=127.0.0.1 "
      "port=0 application=live stream-key=anchor keep-listening=true ! "
      "fakesink sync=false async=false", NULL);
  fail_unless (gst_element_set_state (d->anchor, GST_STATE_READY) ==
      GST_STATE_CHANGE_SUCCESS);
  src = gst_bin_get_by_name (GST_BIN (d->anchor), "src");
  g_object_get (src, "bound-port", &d->port, NULL);
  fail_unless (d->port > 0, "no bound port in READY");
  d->server = srv_server (src);
  gst_object_unref (src);
  g_signal_connect (d->server, "publisher-unknown",
      G_CALLBACK (on_publisher_unknown), &d->app);
  fail_if (gst_element_set_state (d->anchor, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
}

/* Every publisher starts, to a key of its own making */
static void
dyn_publish (Dyn * d)
{
  guint i;

  for (i = 0; i < N_DYN; i++) {
    gchar *key = g_strdup_printf ("cam-%u-%08x", i, g_random_int ());
    gchar *url = g_strdup_printf ("rtmp://127.0.0.1:%d/live/%s", d->port,
        key);

    if (i < N_FFMPEG)
      d->ffmpeg[i] = srv_ffmpeg_start (d->dir, d->files[i], url, TRUE);
    else
      d->pub[i - N_FFMPEG] = srv_pub_start (d->rec[i - N_FFMPEG],
          sinks[i - N_FFMPEG], url, key);
    g_free (url);
    g_free (key);
  }
}

/* The application builds an element for each publisher, as they come */
static void
dyn_claim (Dyn * d)
{
  guint i;

  for (i = 0; i < N_DYN; i++) {
    Request *r = g_async_queue_timeout_pop (d->app.requests, SRV_HANG /
        GST_USECOND);

    fail_unless (r != NULL, "%u of %u publisher-unknown emissions", i,
        N_DYN);
    fail_unless_equals_string (r->app, "live");
    fail_unless (g_str_has_prefix (r->address, "127.0.0.1"), "address %s",
        r->address);
    d->claims[i] = claim_new (d->port, r);
    request_free (r);
  }
  for (i = 0; i < N_FFMPEG; i++)
    fail_unless (srv_peer_finish (d->ffmpeg[i], "ffmpeg", TRUE));
  for (i = 0; i < N_GST; i++)
    fail_unless (srv_pub_finish (d->pub[i]), "%s", d->pub[i]->error);
}

/* Each element output all of its own publisher's stream */
static void
dyn_check (Dyn * d)
{
  guint i, j;

  for (i = 0; i < N_DYN; i++) {
    const SrvTags *want = i < N_FFMPEG ? d->want[i] :
        d->rec[i - N_FFMPEG]->tags;
    gchar *prefix = g_strdup_printf ("cam-%u-", i);
    gchar *what = g_strdup_printf ("publisher %u (%s)", i,
        i < N_FFMPEG ? "ffmpeg" : sinks[i - N_FFMPEG]);

    for (j = 0; j < N_DYN && !g_str_has_prefix (d->claims[j]->key, prefix);
        j++);
    fail_unless (j < N_DYN, "no element for %s", what);
    srv_output_wait_eos (d->claims[j]->out, what);
    fail_unless_equals_int (d->claims[j]->out->segments->len, 1);
    check_first_video (d->claims[j], want, what);
    srv_output_check (d->claims[j]->out, 0, want, what);
    g_free (prefix);
    g_free (what);
  }
}

/* A key the application turns down: refused bad-key */
static void
dyn_turned_down (Dyn * d)
{
  gchar *url = g_strdup_printf ("rtmp://127.0.0.1:%d/live/no-entry",
      d->port);
  ErtmpPeer *no = srv_ffmpeg_start (d->dir, d->files[0], url, FALSE);

  fail_if (srv_peer_finish (no, "turned-down ffmpeg", FALSE),
      "a publisher the application turned down was accepted");
  fail_unless_equals_int (g_atomic_int_get (&d->app.refused), 1);
  srv_wait_stat (d->server, "refused-bad-key", 1);
  fail_unless_equals_uint64 (srv_stat (d->server, "publishers-accepted"),
      N_DYN);
  fail_unless_equals_int (g_atomic_int_get (&d->app.anchor), 0);
  g_free (url);
}

static void
dyn_free (Dyn * d)
{
  guint i;

  for (i = 0; i < N_DYN; i++)
    claim_free (d->claims[i]);
  fail_unless (gst_element_set_state (d->anchor, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  g_signal_handlers_disconnect_by_data (d->server, &d->app);
  gst_object_unref (d->server);
  gst_object_unref (d->anchor);
  for (i = 0; i < N_FFMPEG; i++) {
    srv_tags_free (d->want[i]);
    g_free (d->files[i]);
  }
  for (i = 0; i < N_GST; i++) {
    srv_pub_free (d->pub[i]);
    if (d->rec[i] != NULL)
      srv_recording_free (d->rec[i]);
  }
  g_async_queue_unref (d->app.requests);
  ertmp_peer_rmdir (d->dir);
  g_free (d->dir);
}

GST_START_TEST (test_unknown_keys)
{
  Dyn d;

  if (!ertmp_peer_have ("test_unknown_keys", "ffmpeg"))
    return;
  memset (&d, 0, sizeof (d));
  dyn_media (&d);
  dyn_anchor (&d);
  dyn_publish (&d);
  dyn_claim (&d);
  dyn_check (&d);
  dyn_turned_down (&d);
  dyn_free (&d);
}

GST_END_TEST;

/* A publisher the application held but never claimed is refused
 * (unclaimed) after the server's claim-timeout; its publish was never
 * answered before */
GST_START_TEST (test_unclaimed)
{
  IngestClient c;
  gchar *tc_url;
  Request *r;
  Dyn d;

  memset (&d, 0, sizeof (d));
  d.dir = ertmp_peer_tmpdir ();
  dyn_anchor (&d);
  g_object_set (d.server, "claim-timeout", 1, NULL);
  tc_url = g_strdup_printf ("rtmp://127.0.0.1:%d/live", d.port);
  fail_unless (ingest_client_open (&c, d.port));
  fail_if (ingest_client_publish (&c, "live", tc_url, "lost-1",
          SRV_HANG_MS), "an unclaimed publisher was accepted");
  fail_unless_equals_string (c.status_code, "NetStream.Publish.BadName");
  r = g_async_queue_timeout_pop (d.app.requests, SRV_HANG / GST_USECOND);
  fail_unless (r != NULL && strcmp (r->key, "lost-1") == 0);
  request_free (r);
  fail_unless (ingest_client_pump (&c, ingest_client_done_eof, SRV_HANG_MS),
      "an unclaimed publisher was kept");
  ingest_client_free (&c);
  srv_wait_stat (d.server, "refused-unclaimed", 1);
  /* the counter moves before the connection leaves the held state */
  srv_wait_stat_max (d.server, "held", 0);
  dyn_free (&d);
  g_free (tc_url);
}

GST_END_TEST;

/* A player (FFmpeg) is refused at once, even for the anchor's own key:
 * nothing is played on this server.  It is told
 * NetStream.Play.StreamNotFound, which FFmpeg reports with the server's
 * description; publisher-unknown is not asked; refused-play counts it. */
GST_START_TEST (test_player_refused)
{
  ErtmpPeer *ff;
  GError *err = NULL;
  gchar *url, *log;
  Dyn d;

  memset (&d, 0, sizeof (d));
  d.dir = ertmp_peer_tmpdir ();
  dyn_anchor (&d);
  if (!ertmp_peer_have ("test_player_refused", "ffmpeg")) {
    dyn_free (&d);
    return;
  }
  url = g_strdup_printf ("rtmp://127.0.0.1:%d/live/anchor", d.port);
  {
    const gchar *argv[] = { "ffmpeg", "-nostdin", "-loglevel", "error",
      "-i", url, "-t", "1", "-f", "null", "-", NULL
    };
    ff = ertmp_peer_spawn (argv, d.dir, &err);
  }
  fail_unless (ff != NULL, "ffmpeg: %s", err ? err->message : "?");
  fail_unless (ertmp_peer_wait (ff, SRV_HANG_MS), "ffmpeg kept playing");
  log = ertmp_peer_log (ff);
  fail_if (ertmp_peer_succeeded (ff), "ffmpeg played: %s", log);
  fail_unless (strstr (log, "nothing is played here") != NULL,
      "ffmpeg was not told why: %s", log);
  ertmp_peer_stop (ff);
  srv_wait_stat (d.server, "refused-play", 1);
  fail_unless_equals_int (d.app.refused, 0);
  fail_unless_equals_int (d.app.anchor, 0);
  fail_unless_equals_int (g_async_queue_length (d.app.requests), 0);
  g_free (log);
  g_free (url);
  dyn_free (&d);
}

GST_END_TEST;

static Suite *
server_dynamic_suite (void)
{
  Suite *s = suite_create ("server_dynamic");
  TCase *tc = tcase_create ("dynamic");

  suite_add_tcase (s, tc);
  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_unknown_keys);
  tcase_add_test (tc, test_unclaimed);
  tcase_add_test (tc, test_player_refused);
  return s;
}

GST_CHECK_MAIN (server_dynamic);
