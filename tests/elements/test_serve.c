/* gst-ertmp: rtmpservesink against real players
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * appsrc feeds the sink the tags of an FLV file made here with GStreamer
 * (H.264 + AAC, legacy FLV, a key frame a second), at moments the test
 * chooses (serve_check.h), so that what each player must get is known:
 *  - players there before the stream (FFmpeg 5.1, rtmp2src, librtmp's
 *    rtmpsrc) record exactly every audio and video tag, and end on EOS;
 *  - a late joiner starts with the stream headers and the GOP cache's key
 *    frame (or, without the cache, the next key frame), then everything;
 *  - refusals: an unknown name, max-players, the play-request signal;
 *  - 100 players: 99 of the load generator get every message while an
 *    FFmpeg stopped with SIGSTOP is skipped, then dropped, and render()
 *    never waits; the sink goes to NULL with them connected.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_flv.h"
#include "ertmp_peer.h"
#include "flv_items.h"
#include "serve_check.h"

#define HANG ERTMP_TEST_HANG_BOUND
#define HANG_MS ((guint) (HANG / GST_MSECOND))

/* a leave message for each of @n players, with @reason */
static void
check_leaves (ServeFeed * f, guint n, const gchar * reason)
{
  guint i;

  for (i = 0; i < n; i++) {
    GstStructure *s = serve_feed_wait_message (f, "rtmp-play-leave");

    fail_unless (s != NULL, "player %u of %u did not leave", i + 1, n);
    fail_unless_equals_string (gst_structure_get_string (s, "reason"),
        reason);
    gst_structure_free (s);
  }
}

/* The stats of @n players who announced no fourCcList (FFmpeg 5.1 and
 * GStreamer 1.22's players are legacy): they are served all the same,
 * and the stats say so. */
static void
check_legacy_players (ServeFeed * f, guint n)
{
  GstStructure *stats = serve_feed_stats (f);
  const GValue *players = gst_structure_get_value (stats, "player-stats");
  guint i;

  fail_unless (players != NULL && GST_VALUE_HOLDS_ARRAY (players));
  fail_unless_equals_int (gst_value_array_get_size (players), n);
  for (i = 0; i < n; i++) {
    const GstStructure *p = gst_value_get_structure
        (gst_value_array_get_value (players, i));
    gboolean announced = TRUE;

    fail_unless (gst_structure_get_boolean (p, "announced-fourcc-list",
            &announced));
    fail_if (announced, "%" GST_PTR_FORMAT, p);
    fail_unless_equals_string (gst_structure_get_string (p,
            "player-fourcc-list"), "");
    fail_unless (g_str_has_prefix (gst_structure_get_string (p,
                "peer-address"), "127.0.0.1:"));
  }
  gst_structure_free (stats);
}

/* ---- players there before the stream ---- */

GST_START_TEST (test_players_get_whole_stream)
{
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *url, *out_ff, *out_gst, *out_lib;
  ErtmpPeer *ff, *gst, *lib;
  GArray *items;
  ServeFeed *f;

  if (!ertmp_peer_have ("test_players_get_whole_stream", "ffmpeg")) {
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  items = serve_media_items (dir);
  f = serve_feed_start ("show", NULL);
  url = serve_feed_url (f);
  out_ff = g_build_filename (dir, "ffmpeg.flv", NULL);
  out_gst = g_build_filename (dir, "rtmp2src.flv", NULL);
  out_lib = g_build_filename (dir, "rtmpsrc.flv", NULL);
  ff = serve_spawn_ffmpeg (dir, url, out_ff);
  gst = serve_spawn_gst_player (dir, "rtmp2src", url, out_gst);
  lib = serve_spawn_gst_player (dir, "rtmpsrc", url, out_lib);
  fail_unless (serve_feed_wait_players (f, 3), "the players did not join");
  check_legacy_players (f, 3);

  serve_feed_push (f, items, 0, items->len);
  {
    GstStructure *stats = serve_feed_stats (f);
    const gchar *codecs = gst_structure_get_string (stats, "stream-codecs");

    fail_unless (codecs != NULL && strstr (codecs, "H.264") != NULL
        && strstr (codecs, "AAC") != NULL, "stream-codecs: %s", codecs);
    gst_structure_free (stats);
  }
  serve_feed_eos (f);
  serve_wait_success (ff, "ffmpeg");
  serve_wait_success (gst, "rtmp2src");
  /* librtmp plays again after NetStream.Play.Stop: it waits for a next
   * stream until the server goes */
  check_leaves (f, 3, "eos");
  serve_feed_stop (f);
  ertmp_peer_wait (lib, HANG_MS);
  ertmp_peer_stop (lib);

  serve_check_recording (items, out_ff, "FFmpeg");
  serve_check_recording (items, out_gst, "rtmp2src");
  serve_check_recording (items, out_lib, "rtmpsrc");
  g_array_unref (items);
  g_free (out_ff);
  g_free (out_gst);
  g_free (out_lib);
  g_free (url);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- a late joiner ---- */

/* the index of the first tag at or after @ms */
static guint
index_at (GArray * items, guint32 ms)
{
  guint i;

  for (i = 0; i < items->len; i++)
    if (g_array_index (items, FlvItem, i).ts >= ms)
      break;
  return i;
}

/* The body bytes of tags [@from, @to) */
static gsize
bytes_between (GArray * items, guint from, guint to)
{
  gsize n = 0;

  for (; from < to; from++)
    n += g_bytes_get_size (g_array_index (items, FlvItem, from).body);
  return n;
}

/* rtmp2src (it keeps the stream's timestamps) joins 2.9 s into the
 * stream: with the GOP cache it starts at the key frame of 2 s; without
 * it, or when that GOP is already larger than gop-cache-max-bytes, at the
 * next one (3 s); each starts with the stream headers. */
GST_START_TEST (test_late_joiner)
{
  static const gchar *const props[] = { "gop-cache=true", "gop-cache=false",
    "gop-cache-max-bytes=65536"
  };
  gchar *dir = ertmp_peer_tmpdir ();
  GArray *items = serve_media_items (dir);
  guint mid = index_at (items, 2900), i;
  guint gop = index_at (items, 2000);

  /* the media is what this test needs: the GOP at the join is well over
   * 64 KiB (H.264 at about 600 kb/s) */
  fail_unless (bytes_between (items, gop, mid) > 65536 * 5 / 4,
      "GOP of %" G_GSIZE_FORMAT " bytes", bytes_between (items, gop, mid));
  for (i = 0; i < G_N_ELEMENTS (props); i++) {
    ServeFeed *f = serve_feed_start ("late", props[i]);
    gchar *url = serve_feed_url (f);
    gchar *out = g_strdup_printf ("%s/late%u.flv", dir, i);
    GArray *want = i == 0 ? serve_items_from_gop (items, mid) :
        serve_items_from (items, serve_items_next_key (items, mid));
    ErtmpPeer *player;
    GstStructure *stats;

    serve_feed_push (f, items, 0, mid);
    stats = serve_feed_stats (f);
    GST_INFO ("%s before the join: %" GST_PTR_FORMAT, props[i], stats);
    gst_structure_free (stats);
    player = serve_spawn_gst_player (dir, "rtmp2src", url, out);
    fail_unless (serve_feed_wait_players (f, 1), "no player");
    serve_feed_push (f, items, mid, items->len);
    serve_feed_eos (f);
    serve_wait_success (player, "rtmp2src");
    check_leaves (f, 1, "eos");
    serve_feed_stop (f);
    serve_check_recording (want, out, props[i]);
    g_array_unref (want);
    g_free (out);
    g_free (url);
  }
  g_array_unref (items);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- refusals ---- */

static gboolean
check_token (GstElement * sink, const gchar * address, const gchar * app,
    const gchar * name, const gchar * query, gpointer data)
{
  gchar **seen = data;

  /* the name is redacted: the key never reaches the application whole */
  g_free (*seen);
  *seen = g_strdup (name);
  return g_strcmp0 (query, "token=good") == 0;
}

/* FFmpeg fails to play @url (the sink refused it) */
static void
ffmpeg_refused (const gchar * dir, const gchar * url, const gchar * why)
{
  gchar *out = g_build_filename (dir, "refused.flv", NULL);
  ErtmpPeer *ff = serve_spawn_ffmpeg (dir, url, out);

  fail_unless (ertmp_peer_wait (ff, HANG_MS), "ffmpeg did not end (%s)",
      why);
  fail_if (ertmp_peer_succeeded (ff), "ffmpeg played (%s)", why);
  ertmp_peer_stop (ff);
  g_free (out);
}

GST_START_TEST (test_refusals)
{
  gchar *dir = ertmp_peer_tmpdir ();
  ServeFeed *f;
  gchar *url, *base, *seen = NULL;
  ErtmpPeer *holder;
  GstStructure *s;

  if (!ertmp_peer_have ("test_refusals", "ffmpeg")) {
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  f = serve_feed_start ("s3cr3tname", "max-players=1");
  g_signal_connect (serve_feed_sink (f), "play-request",
      G_CALLBACK (check_token), &seen);
  base = g_strdup_printf ("rtmp://127.0.0.1:%u/live", serve_feed_port (f));

  /* a name nobody serves: the server says StreamNotFound */
  url = g_strdup_printf ("%s/other", base);
  ffmpeg_refused (dir, url, "unknown name");
  g_free (url);
  fail_unless_equals_int (serve_feed_count_messages (f, "rtmp-play-refused"),
      0);

  /* the signal says no */
  url = g_strdup_printf ("%s/s3cr3tname?token=bad", base);
  ffmpeg_refused (dir, url, "bad token");
  g_free (url);
  s = serve_feed_wait_message (f, "rtmp-play-refused");
  fail_unless (s != NULL);
  fail_unless_equals_string (gst_structure_get_string (s, "reason"),
      "signal");
  gst_structure_free (s);
  fail_unless (seen != NULL && strstr (seen, "s3cr3tname") == NULL,
      "play-request saw the whole name: %s", seen);

  /* the signal says yes: one player, the limit */
  url = g_strdup_printf ("%s/s3cr3tname?token=good", base);
  holder = serve_spawn_gst_player (dir, "rtmp2src", url,
      "/dev/null");
  fail_unless (serve_feed_wait_players (f, 1), "the good token was refused");
  ffmpeg_refused (dir, url, "max-players");
  s = serve_feed_wait_message (f, "rtmp-play-refused");
  fail_unless (s != NULL);
  fail_unless_equals_string (gst_structure_get_string (s, "reason"),
      "player-limit");
  gst_structure_free (s);
  fail_unless_equals_int (serve_feed_players (f), 1);
  g_free (url);

  serve_feed_stop (f);
  ertmp_peer_stop (holder);

  /* one player per address (every player here is 127.0.0.1) */
  f = serve_feed_start ("s3cr3tname", "max-players-per-address=1");
  url = serve_feed_url (f);
  holder = serve_spawn_gst_player (dir, "rtmp2src", url, "/dev/null");
  fail_unless (serve_feed_wait_players (f, 1), "the first was refused");
  ffmpeg_refused (dir, url, "max-players-per-address");
  s = serve_feed_wait_message (f, "rtmp-play-refused");
  fail_unless (s != NULL);
  fail_unless_equals_string (gst_structure_get_string (s, "reason"),
      "address-limit");
  gst_structure_free (s);
  serve_feed_stop (f);
  ertmp_peer_stop (holder);
  g_free (url);
  g_free (seen);
  g_free (base);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- many players, one of them stuck ---- */

/* "serve_loadgen --play NAME -n N": N players in one process */
static ErtmpPeer *
spawn_players (const gchar * dir, ServeFeed * f, const gchar * name, guint n,
    const gchar * prefix)
{
  const gchar *loadgen = g_getenv ("ERTMP_LOADGEN");
  gchar *port = g_strdup_printf ("%u", serve_feed_port (f));
  gchar *count = g_strdup_printf ("%u", n);
  const gchar *argv[] = { loadgen, "--play", name, "--host", "127.0.0.1",
    "--port", port, "--app", "live", "-n", count, "--rate", "1000",
    "--out-prefix", prefix, NULL
  };
  GError *err = NULL;
  ErtmpPeer *peer;

  fail_unless (loadgen != NULL, "ERTMP_LOADGEN is not set");
  peer = ertmp_peer_spawn (argv, dir, &err);
  fail_unless (peer != NULL, "loadgen: %s", err ? err->message : "?");
  g_free (port);
  g_free (count);
  return peer;
}

/* the messages each player of the load generator received */
static GArray *
received (ErtmpPeer * players, const gchar * prefix)
{
  GArray *counts = g_array_new (FALSE, TRUE, sizeof (guint64));
  gchar *path = g_strdup_printf ("%s.received", prefix);
  gchar *text = NULL, **lines;
  guint i;

  kill (ertmp_peer_pid (players), SIGTERM);
  fail_unless (ertmp_peer_wait (players, HANG_MS), "loadgen did not end");
  ertmp_peer_stop (players);
  fail_unless (g_file_get_contents (path, &text, NULL, NULL), "no %s", path);
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i] != NULL; i++) {
    guint idx;
    guint64 n;

    if (sscanf (lines[i], "%u %" G_GUINT64_FORMAT, &idx, &n) == 2)
      g_array_append_val (counts, n);
  }
  g_strfreev (lines);
  g_free (text);
  g_free (path);
  return counts;
}

static guint
count_media (GArray * items)
{
  guint i, n = 0;

  for (i = 0; i < items->len; i++)
    n += g_array_index (items, FlvItem, i).type != ERTMP_FLV_TAG_SCRIPT;
  return n;
}

/* 99 players of the load generator and an FFmpeg that stops reading
 * (SIGSTOP): FFmpeg skips, then is dropped as too slow, while the stream
 * goes on to the 99, who each get every audio and video message. */
GST_START_TEST (test_stuck_player_among_hundred)
{
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *prefix = g_build_filename (dir, "players", NULL);
  gchar *out = g_build_filename (dir, "stuck.flv", NULL);
  GArray *items, *counts;
  ErtmpPeer *players, *ff;
  ServeFeed *f;
  GstStructure *s = NULL;
  gchar *url;
  guint64 sent, skipped = 0;
  guint k, i;

  if (!ertmp_peer_have ("test_stuck_player_among_hundred", "ffmpeg")) {
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  items = serve_media_items (dir);
  /* every player comes from 127.0.0.1: lift the per-address limit */
  f = serve_feed_start ("crowd", "max-player-queue-time=3000 "
      "slow-player-timeout=2 max-connections-per-address=0");
  url = serve_feed_url (f);
  ff = serve_spawn_ffmpeg (dir, url, out);
  fail_unless (serve_feed_wait_players (f, 1), "ffmpeg did not join");
  kill (ertmp_peer_pid (ff), SIGSTOP);
  players = spawn_players (dir, f, "crowd", 99, prefix);
  fail_unless (serve_feed_wait_players (f, 100), "the 99 did not join");

  /* the stream runs on at twice its pace (the 99 keep up even under
   * sanitizers) until the stuck player's socket is full, it lags past
   * max-player-queue-time, skips, and is dropped: render() never waits */
  serve_feed_push (f, items, 0, items->len);
  sent = count_media (items);
  for (k = 1; serve_feed_count_messages (f, "rtmp-play-dropped") == 0; k++) {
    GArray *more = serve_repeat_frames (items, k, 4000);
    guint q;

    fail_unless (k < 2 * HANG_MS / 1000, "the stuck player was never "
        "dropped");
    for (q = 0; q < 4; q++) {
      serve_feed_push (f, more, q * more->len / 4, (q + 1) * more->len / 4);
      g_usleep (G_USEC_PER_SEC / 2);
    }
    sent += more->len;
    g_array_unref (more);
  }
  s = serve_feed_wait_message (f, "rtmp-play-dropped");
  fail_unless_equals_string (gst_structure_get_string (s, "reason"),
      "too-slow");
  fail_unless (gst_structure_get_uint64 (s, "skipped-frames", &skipped));
  fail_unless (skipped > 0, "the stuck player skipped nothing");
  gst_structure_free (s);
  kill (ertmp_peer_pid (ff), SIGCONT);
  ertmp_peer_stop (ff);

  serve_feed_eos (f);
  check_leaves (f, 99, "eos");
  counts = received (players, prefix);
  fail_unless_equals_int (counts->len, 99);
  for (i = 0; i < counts->len; i++)
    fail_unless (g_array_index (counts, guint64, i) == sent,
        "player %u got %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
        " messages", i, g_array_index (counts, guint64, i), sent);
  g_print ("100 players: 99 got all %" G_GUINT64_FORMAT " messages, the "
      "stuck one skipped %" G_GUINT64_FORMAT " frames and was dropped\n",
      sent, skipped);
  serve_feed_stop (f);
  g_array_unref (counts);
  g_array_unref (items);
  g_free (url);
  g_free (out);
  g_free (prefix);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* The sink goes to NULL with 100 players connected, mid-stream: it
 * returns (the players' streams end in the background) and every player
 * is let go. */
GST_START_TEST (test_stop_with_hundred_players)
{
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *prefix = g_build_filename (dir, "players", NULL);
  GArray *items = serve_media_items (dir), *counts;
  ErtmpPeer *players;
  ServeFeed *f;
  gint64 start;

  f = serve_feed_start ("many", "max-connections-per-address=0");
  players = spawn_players (dir, f, "many", 100, prefix);
  fail_unless (serve_feed_wait_players (f, 100), "the 100 did not join");
  serve_feed_push (f, items, 0, items->len / 2);
  start = g_get_monotonic_time ();
  serve_feed_stop (f);
  GST_INFO ("NULL with 100 players took %" G_GINT64_FORMAT " us",
      g_get_monotonic_time () - start);
  counts = received (players, prefix);
  fail_unless_equals_int (counts->len, 100);
  g_array_unref (counts);
  g_array_unref (items);
  g_free (prefix);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- after EOS, a new stream on the same name ---- */

/* A player who joins after EOS waits for the next stream and gets all of
 * it; the one who played the first stream got its end. */
GST_START_TEST (test_new_stream_after_eos)
{
  gchar *dir = ertmp_peer_tmpdir ();
  GArray *items = serve_media_items (dir);
  gchar *out1 = g_build_filename (dir, "first.flv", NULL);
  gchar *out2 = g_build_filename (dir, "second.flv", NULL);
  ServeFeed *f = serve_feed_start ("again", NULL);
  gchar *url = serve_feed_url (f);
  ErtmpPeer *p1, *p2;

  p1 = serve_spawn_gst_player (dir, "rtmp2src", url, out1);
  fail_unless (serve_feed_wait_players (f, 1), "no first player");
  serve_feed_push (f, items, 0, items->len);
  serve_feed_eos (f);
  serve_wait_success (p1, "rtmp2src (first stream)");
  check_leaves (f, 1, "eos");

  p2 = serve_spawn_gst_player (dir, "rtmp2src", url, out2);
  fail_unless (serve_feed_wait_players (f, 1), "no second player");
  serve_feed_new_stream (f);
  serve_feed_push (f, items, 0, items->len);
  serve_feed_eos (f);
  serve_wait_success (p2, "rtmp2src (second stream)");
  check_leaves (f, 1, "eos");
  serve_feed_stop (f);
  serve_check_recording (items, out1, "first stream");
  serve_check_recording (items, out2, "second stream");
  g_array_unref (items);
  g_free (url);
  g_free (out1);
  g_free (out2);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- RTMPS ---- */

/* rtmp2src and FFmpeg play over TLS (a self-signed certificate made with
 * openssl) and record exactly what was fed. */
GST_START_TEST (test_rtmps_players)
{
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *cert = g_build_filename (dir, "cert.pem", NULL);
  gchar *key = g_build_filename (dir, "key.pem", NULL);
  gchar *out_gst = g_build_filename (dir, "tls-rtmp2src.flv", NULL);
  gchar *out_ff = g_build_filename (dir, "tls-ffmpeg.flv", NULL);
  gchar *props, *url, *loc;
  GArray *items;
  ServeFeed *f;
  ErtmpPeer *ssl, *gst, *ff;
  GError *err = NULL;

  if (!ertmp_peer_have ("test_rtmps_players", "openssl")
      || !ertmp_peer_have ("test_rtmps_players", "ffmpeg")) {
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  {
    const gchar *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048",
      "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj",
      "/CN=127.0.0.1", NULL
    };
    ssl = ertmp_peer_spawn (argv, dir, &err);
    fail_unless (ssl != NULL, "openssl: %s", err ? err->message : "?");
    serve_wait_success (ssl, "openssl");
  }
  items = serve_media_items (dir);
  props = g_strdup_printf ("tls-certificate-file=\"%s\" tls-key-file=\"%s\"",
      cert, key);
  f = serve_feed_start ("secure", props);
  url = g_strdup_printf ("rtmps://127.0.0.1:%u/live/secure",
      serve_feed_port (f));
  loc = g_strdup_printf ("location=%s", url);
  {
    gchar *sink = g_strdup_printf ("location=%s", out_gst);
    const gchar *argv[] = { "gst-launch-1.0", "-q", "rtmp2src", loc,
      "tls-validation-flags=0", "!", "filesink", sink, NULL
    };
    gst = ertmp_peer_spawn (argv, dir, &err);
    fail_unless (gst != NULL, "rtmp2src: %s", err ? err->message : "?");
    g_free (sink);
  }
  ff = serve_spawn_ffmpeg (dir, url, out_ff);
  fail_unless (serve_feed_wait_players (f, 2), "the players did not join");
  serve_feed_push (f, items, 0, items->len);
  serve_feed_eos (f);
  serve_wait_success (gst, "rtmp2src over TLS");
  serve_wait_success (ff, "ffmpeg over TLS");
  check_leaves (f, 2, "eos");
  serve_feed_stop (f);
  serve_check_recording (items, out_gst, "rtmp2src over TLS");
  serve_check_recording (items, out_ff, "FFmpeg over TLS");
  g_array_unref (items);
  g_free (props);
  g_free (loc);
  g_free (url);
  g_free (out_gst);
  g_free (out_ff);
  g_free (cert);
  g_free (key);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- bad input ---- */

#define JUNK (17 * 1024 * 1024)

/* Bytes that are no FLV tag after a valid start, more than the reader's
 * resync window (16 MiB): the sink posts an error that says so and
 * where; the player it had keeps what came before. */
GST_START_TEST (test_bad_input)
{
  gchar *dir = ertmp_peer_tmpdir ();
  GArray *items = serve_media_items (dir);
  gchar *out = g_build_filename (dir, "before.flv", NULL);
  ServeFeed *f = serve_feed_start ("bad", NULL);
  gchar *url = serve_feed_url (f), *error;
  guint8 *junk = g_malloc (JUNK);
  guint half = items->len / 2;
  ErtmpPeer *player;
  GArray *got;

  memset (junk, 0xff, JUNK);
  player = serve_spawn_gst_player (dir, "rtmp2src", url, out);
  fail_unless (serve_feed_wait_players (f, 1), "no player");
  serve_feed_push (f, items, 0, half);
  serve_feed_push_bytes (f, junk, JUNK);
  error = serve_feed_wait_error (f);
  fail_unless (error != NULL, "no error for a stream that is not FLV");
  fail_unless (strstr (error, "not a valid FLV stream") != NULL, "%s", error);
  GST_INFO ("error: %s", error);
  serve_feed_stop (f);
  ertmp_peer_wait (player, HANG_MS);
  ertmp_peer_stop (player);
  /* what the player recorded is the valid part, whole tags only */
  got = flv_items_from_file (out);
  fail_unless (got->len > 0);
  flv_items_check_start (got, "before the bad input");
  g_array_unref (got);
  g_free (error);
  g_free (junk);
  g_free (url);
  g_free (out);
  g_array_unref (items);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
serve_suite (void)
{
  Suite *s = suite_create ("rtmpservesink");
  TCase *tc = tcase_create ("players");

  tcase_set_timeout (tc, 900);
  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  tcase_add_test (tc, test_players_get_whole_stream);
  tcase_add_test (tc, test_late_joiner);
  tcase_add_test (tc, test_refusals);
  tcase_add_test (tc, test_stuck_player_among_hundred);
  tcase_add_test (tc, test_stop_with_hundred_players);
  tcase_add_test (tc, test_new_stream_after_eos);
  tcase_add_test (tc, test_rtmps_players);
  tcase_add_test (tc, test_bad_input);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (serve);
