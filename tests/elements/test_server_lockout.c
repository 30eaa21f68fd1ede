/* gst-ertmp: nothing without the stream key keeps the rightful publisher out
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One "rtmpingestsrc application=live stream-key=good keep-listening=true"
 * on its server's port, an attack on that port, and while the attack goes
 * on the rightful publisher (FFmpeg 5.1, which never retries: a refusal
 * ends it with an error) publishes to live/good.  "On air within 2 s of
 * trying" is asserted as an outcome: its publish is accepted on its first
 * and only attempt, and the element outputs every tag it sent.  Time
 * bounds here only catch hangs.  Attacks: 1,000 idle sockets, 100
 * slowloris handshakes, garbage, a message declared 16 MiB long before
 * connect, a connect with a 100 KiB string, a stalled publisher (SIGSTOP)
 * and a killed one restarted; each attacker's connections are counted by
 * reason in the server's stats.  Also the drops (first-media-timeout,
 * idle-timeout) and the takeover policies (refuse, replace-if-silent).
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ingest_client.h"
#include "server_attack.h"
#include "server_check.h"

#define PER_ADDRESS 32          /* max-connections-per-address default */
#define N_IDLE 1000
#define N_LORIS 100
#define LORIS_STEP_MS 100
/* resident memory the pre-connect attacks may add to this process: 20
 * attackers each declare 16 MiB and send 4 MiB of it (80 MiB if buffered,
 * 320 MiB if the declared size were reserved); generous, the server's
 * budget for a connection before publish is a few KiB */
#define N_HUGE 20
#define HUGE_BODY (4 << 20)
#define RSS_GROWTH_KIB (48 * 1024)
#define BIG_STRING (100 * 1024)
/* between two rounds of an attack that goes on */
#define NEVER_IDLE "idle-timeout=" G_STRINGIFY (ERTMP_TEST_NEVER_S)
#define ATTACK_PACE_US (5 * G_TIME_SPAN_MILLISECOND)

/* ---- the target: one element, its server, its bus ------------------------ */

typedef struct
{
  GstElement *pipeline, *src;
  SrvOutput *out;
  GstObject *server;
  GstBus *bus;
  GPtrArray *log;               /* element messages seen */
  guint16 port;
  gchar *dir, *file, *long_file;
  SrvTags *want;
} Target;

static Target *
target_new (const gchar * props)
{
  gchar *desc = g_strdup_printf ("rtmpingestsrc name=src host=127.0.0.1 "
      "port=0 application=live stream-key=good keep-listening=true %s ! "
      "fakesink sync=false async=false", props);
  Target *t = g_new0 (Target, 1);
  gint port = 0;

  t->pipeline = gst_parse_launch (desc, NULL);
  fail_unless (t->pipeline != NULL, "%s", desc);
  t->src = gst_bin_get_by_name (GST_BIN (t->pipeline), "src");
  t->out = srv_output_new (t->src);
  t->bus = gst_element_get_bus (t->pipeline);
  t->log = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_message_unref);
  fail_if (gst_element_set_state (t->pipeline, GST_STATE_READY) ==
      GST_STATE_CHANGE_FAILURE, "%s", desc);
  g_object_get (t->src, "bound-port", &port, NULL);
  fail_unless (port > 0, "no bound port in READY");
  t->port = port;
  t->server = srv_server (t->src);
  fail_if (gst_element_set_state (t->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "%s", desc);
  t->dir = ertmp_peer_tmpdir ();
  g_free (desc);
  return t;
}

static void
target_free (Target * t)
{
  fail_unless (gst_element_set_state (t->pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  srv_output_free (t->out);
  gst_object_unref (t->server);
  gst_object_unref (t->src);
  gst_object_unref (t->bus);
  gst_object_unref (t->pipeline);
  g_ptr_array_unref (t->log);
  srv_tags_free (t->want);
  ertmp_peer_rmdir (t->dir);
  g_free (t->dir);
  g_free (t->file);
  g_free (t->long_file);
  g_free (t);
}

#define MEDIA(frames) "flvmux name=m streamable=true videotestsrc " \
  "num-buffers=" frames " ! video/x-raw,format=I420,width=160,height=120," \
  "framerate=30/1 ! x264enc speed-preset=ultrafast key-int-max=30 ! " \
  "h264parse ! m. audiotestsrc num-buffers=" frames " " \
  "samplesperbuffer=1470 ! audio/x-raw,rate=44100,channels=2 ! " \
  "audioconvert ! avenc_aac ! m. "

/* the rightful publisher's 2 s file and a 20 s one for stalled ones */
static void
target_media (Target * t, gboolean long_too)
{
  t->file = srv_make_file (t->dir, "good.flv", MEDIA ("60"));
  t->want = srv_tags_from_file (t->file, FALSE);
  if (long_too)
    t->long_file = srv_make_file (t->dir, "long.flv", MEDIA ("600"));
}

static gchar *
target_url (Target * t, const gchar * key)
{
  return g_strdup_printf ("rtmp://127.0.0.1:%u/live/%s", t->port, key);
}

static guint
target_segments (Target * t)
{
  guint n;

  g_mutex_lock (&t->out->lock);
  n = t->out->segments->len;
  g_mutex_unlock (&t->out->lock);
  return n;
}

/* FFmpeg publishes the 2 s file to live/good: accepted on its first and
 * only attempt (it exits 0), and the element outputs all of it as a new
 * segment */
static void
target_rightful (Target * t, const gchar * what)
{
  gchar *url = target_url (t, "good");
  guint seg = target_segments (t);
  guint64 accepted = srv_stat (t->server, "publishers-accepted");
  ErtmpPeer *ffmpeg = srv_ffmpeg_start (t->dir, t->file, url, TRUE);

  fail_unless (srv_peer_finish (ffmpeg, what, TRUE),
      "%s: the rightful publisher was not on air at its first attempt; "
      "server stats: %s", what, srv_stats_text (t->server));
  srv_output_wait_tags (t->out, seg, t->want->av[0]->len +
      t->want->av[1]->len, what);
  srv_output_check (t->out, seg, t->want, what);
  fail_unless_equals_uint64 (srv_stat (t->server, "publishers-accepted"),
      accepted + 1);
  g_print ("%s: rightful publisher on air at its first attempt, %u tags\n",
      what, t->want->av[0]->len + t->want->av[1]->len);
  g_free (url);
}

static void
print_stats (Target * t, const gchar * what)
{
  gchar *text = srv_stats_text (t->server);

  g_print ("%s: %s\n", what, text);
  g_free (text);
}

/* Waits until the sum of the stats @fields reaches @min */
static guint64
wait_sum (Target * t, const gchar * const *fields, guint64 min)
{
  gint64 deadline = g_get_monotonic_time () + SRV_HANG / GST_USECOND;
  guint64 sum;

  for (;;) {
    guint i;

    for (sum = 0, i = 0; fields[i] != NULL; i++)
      sum += srv_stat (t->server, fields[i]);
    if (sum >= min)
      return sum;
    if (g_get_monotonic_time () >= deadline)
      fail ("%s...: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT ": %s",
          fields[0], sum, min, srv_stats_text (t->server));
    /* the server's I/O thread counts them: poll in short steps */
    g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  }
}

/* Every one of @n attacking connections was counted as a refusal, by
 * @reason, or evicted when many were open at once; at least @sure (those
 * made one at a time) by @reason */
static void
expect_counted (Target * t, const gchar * reason, guint n, guint sure)
{
  const gchar *fields[] = { reason, "refused-evicted", NULL };

  wait_sum (t, fields, n);
  fail_unless_equals_uint64 (srv_stat_refused (t->server), n);
  fail_unless (srv_stat (t->server, reason) >= sure, "%s: %s",
      reason, srv_stats_text (t->server));
}

/* ---- an attack that goes on while the rightful publisher publishes ------ */

typedef gboolean (*AttackRound) (guint16 port);

typedef struct
{
  AttackRound round;
  guint16 port;
  gint stop;
  guint rounds, closed;
  GThread *thread;
} Attacker;

static gpointer
attacker_run (Attacker * a)
{
  while (!g_atomic_int_get (&a->stop)) {
    if (a->round (a->port))
      a->closed++;
    a->rounds++;
    /* a steady attack, not a CPU burner on a shared machine */
    g_usleep (ATTACK_PACE_US);
  }
  return NULL;
}

/* @warmup rounds in the test's thread (each closed by the server), then on
 * in a thread until attacker_stop () */
static Attacker *
attacker_start (AttackRound round, guint16 port, guint warmup,
    const gchar * what)
{
  Attacker *a = g_new0 (Attacker, 1);
  guint i;

  a->round = round;
  a->port = port;
  for (i = 0; i < warmup; i++)
    fail_unless (round (port), "%s %u: the server kept the connection",
        what, i);
  a->rounds = a->closed = warmup;
  a->thread = g_thread_new ("attacker", (GThreadFunc) attacker_run, a);
  return a;
}

/* Stops; every round was closed by the server.  Returns the rounds. */
static guint
attacker_stop (Attacker * a, const gchar * what)
{
  guint rounds;

  g_atomic_int_set (&a->stop, 1);
  g_thread_join (a->thread);
  fail_unless_equals_int (a->closed, a->rounds);
  rounds = a->rounds;
  g_print ("%s: %u attacking connections, each closed by the server\n",
      what, rounds);
  g_free (a);
  return rounds;
}

/* ---- connection floods --------------------------------------------------- */

GST_START_TEST (test_idle_sockets)
{
  static const gchar *reasons[] = { "refused-evicted",
    "refused-address-limit", NULL
  };
  Target *t;
  GArray *idle;
  guint64 refused;

  if (!ertmp_peer_have ("test_idle_sockets", "ffmpeg"))
    return;
  fail_unless (attack_raise_nofile (N_IDLE + 256),
      "cannot raise RLIMIT_NOFILE to %u", N_IDLE + 256);
  t = target_new ("");
  target_media (t, FALSE);
  idle = attack_idle (t->port, N_IDLE);
  /* all but the address's slots are refused or evicted */
  wait_sum (t, reasons, N_IDLE - PER_ADDRESS);
  target_rightful (t, "1,000 idle sockets");
  refused = wait_sum (t, reasons, N_IDLE - PER_ADDRESS);
  print_stats (t, "1,000 idle sockets");
  /* the rightful publisher took one more slot: all but PER_ADDRESS - 1
   * idle sockets were closed and counted */
  fail_unless (refused >= N_IDLE - (PER_ADDRESS - 1) && refused <= N_IDLE,
      "%" G_GUINT64_FORMAT " refusals", refused);
  fail_unless (srv_stat (t->server, "connections") <= PER_ADDRESS);
  g_print ("idle sockets: %u of %u closed by the server\n",
      attack_count_closed (idle), N_IDLE);
  attack_close_all (idle);
  target_free (t);
}

GST_END_TEST;

GST_START_TEST (test_slowloris)
{
  static const gchar *reasons[] = { "refused-evicted",
    "refused-address-limit", "refused-timeout", NULL
  };
  AttackLoris *loris;
  Target *t;
  guint closed;

  if (!ertmp_peer_have ("test_slowloris", "ffmpeg"))
    return;
  t = target_new ("");
  target_media (t, FALSE);
  loris = attack_loris_start (t->port, N_LORIS, LORIS_STEP_MS);
  wait_sum (t, reasons, N_LORIS - PER_ADDRESS);
  target_rightful (t, "100 slowloris handshakes");
  wait_sum (t, reasons, N_LORIS - (PER_ADDRESS - 1));
  fail_unless (srv_stat (t->server, "connections") <= PER_ADDRESS);
  closed = attack_loris_stop (loris);
  print_stats (t, "slowloris");
  g_print ("slowloris: %u of %u closed by the server\n", closed, N_LORIS);
  fail_unless (closed >= N_LORIS - PER_ADDRESS);
  target_free (t);
}

GST_END_TEST;

/* ---- bytes that are not a publish -------------------------------------- */

static gboolean
garbage_round (guint16 port)
{
  return attack_garbage (port, 4096, g_random_int ());
}

GST_START_TEST (test_garbage)
{
  Attacker *a;
  Target *t;
  guint n;

  if (!ertmp_peer_have ("test_garbage", "ffmpeg"))
    return;
  t = target_new ("");
  target_media (t, FALSE);
  a = attacker_start (garbage_round, t->port, 10, "garbage");
  target_rightful (t, "garbage");
  n = attacker_stop (a, "garbage");
  expect_counted (t, "refused-protocol-error", n, 10);
  print_stats (t, "garbage");
  target_free (t);
}

GST_END_TEST;

static gboolean
huge_round (guint16 port)
{
  gint fd = attack_handshake (port);
  gboolean closed;

  if (fd < 0)                   /* closed during the handshake */
    return TRUE;
  closed = attack_declare (fd, 0xFFFFFF, HUGE_BODY);
  close (fd);
  return closed;
}

static gboolean
big_connect_round (guint16 port)
{
  gint fd = attack_handshake (port);
  gboolean closed;

  if (fd < 0)
    return TRUE;
  closed = attack_big_connect (fd, BIG_STRING);
  close (fd);
  return closed;
}

/* @round before connect: refused pending-limit, memory stays bounded */
static void
check_pre_connect (AttackRound round, const gchar * what)
{
  guint64 rss0, rss1;
  Attacker *a;
  Target *t;
  guint n;

  if (!ertmp_peer_have (what, "ffmpeg"))
    return;
  t = target_new ("");
  target_media (t, FALSE);
  rss0 = attack_vmrss_kib ();
  a = attacker_start (round, t->port, N_HUGE, what);
  rss1 = attack_vmrss_kib ();
  target_rightful (t, what);
  n = attacker_stop (a, what);
  expect_counted (t, "refused-pending-limit", n, N_HUGE);
  print_stats (t, what);
  g_print ("%s: resident memory %" G_GUINT64_FORMAT " KiB before, %"
      G_GUINT64_FORMAT " KiB after %u attackers\n", what, rss0, rss1,
      N_HUGE);
  fail_unless (rss1 < rss0 + RSS_GROWTH_KIB, "%s: resident memory grew by %"
      G_GUINT64_FORMAT " KiB", what, rss1 - rss0);
  target_free (t);
}

GST_START_TEST (test_huge_message)
{
  check_pre_connect (huge_round, "16 MiB message declared before connect");
}

GST_END_TEST;

GST_START_TEST (test_big_connect)
{
  check_pre_connect (big_connect_round, "connect with a 100 KiB string");
}

GST_END_TEST;

/* ---- publishers that stall, die, return --------------------------------- */

/* FFmpeg publishes the long file to live/good; returns once the element
 * output some of it */
static ErtmpPeer *
start_long (Target * t, guint seg)
{
  gchar *url = target_url (t, "good");
  ErtmpPeer *p = srv_ffmpeg_start (t->dir, t->long_file, url, TRUE);

  srv_output_wait_tags (t->out, seg, 20, "long publisher");
  g_free (url);
  return p;
}

static void
kill_peer (ErtmpPeer * p)
{
  kill (ertmp_peer_pid (p), SIGKILL);
  ertmp_peer_stop (p);
}

/* The old publisher stalls (SIGSTOP), the same key is published again:
 * replace (the default) takes over; one DISCONT, then all of the new */
GST_START_TEST (test_stalled_publisher)
{
  GstMessage *msg;
  ErtmpPeer *old;
  Target *t;

  if (!ertmp_peer_have ("test_stalled_publisher", "ffmpeg"))
    return;
  /* only the takeover may end the stalled one, not the idle timeout */
  t = target_new (NEVER_IDLE);
  target_media (t, TRUE);
  old = start_long (t, 0);
  kill (ertmp_peer_pid (old), SIGSTOP);
  target_rightful (t, "stalled publisher (SIGSTOP)");
  fail_unless_equals_int (target_segments (t), 2);
  msg = srv_bus_wait (t->bus, t->log, "rtmp-ingest-takeover", t->src,
      SRV_HANG);
  fail_unless (msg != NULL, "no rtmp-ingest-takeover");
  fail_unless (gst_structure_has_field (gst_message_get_structure (msg),
          "old-address"));
  fail_unless (gst_structure_has_field (gst_message_get_structure (msg),
          "new-address"));
  gst_message_unref (msg);
  fail_unless_equals_uint64 (srv_stat (t->server, "takeovers"), 1);
  fail_unless_equals_uint64 (srv_stat (t->server, "dropped-taken-over"), 1);
  print_stats (t, "stalled publisher");
  kill_peer (old);
  target_free (t);
}

GST_END_TEST;

/* FFmpeg killed mid-stream and restarted with the same key */
GST_START_TEST (test_killed_restarted)
{
  ErtmpPeer *old;
  Target *t;

  if (!ertmp_peer_have ("test_killed_restarted", "ffmpeg"))
    return;
  t = target_new ("");
  target_media (t, TRUE);
  old = start_long (t, 0);
  kill_peer (old);
  target_rightful (t, "FFmpeg killed and restarted");
  fail_unless_equals_int (target_segments (t), 2);
  fail_unless_equals_uint64 (srv_stat_refused (t->server), 0);
  fail_unless_equals_uint64 (srv_stat (t->server, "dropped-disconnected"),
      1);
  print_stats (t, "killed and restarted");
  target_free (t);
}

GST_END_TEST;

/* ---- drops and takeover policies ----------------------------------------- */

/* An in-process publisher to live/good: TRUE when accepted */
static gboolean
client_try (IngestClient * c, Target * t)
{
  gchar *tc_url = g_strdup_printf ("rtmp://127.0.0.1:%u/live", t->port);
  gboolean ok;

  fail_unless (ingest_client_open (c, t->port));
  ok = ingest_client_publish (c, "live", tc_url, "good", SRV_HANG_MS);
  g_free (tc_url);
  return ok;
}

static void
client_publish (IngestClient * c, Target * t)
{
  fail_unless (client_try (c, t), "publish refused: %s", c->status_code);
}

/* A publisher that sends nothing is dropped by first-media-timeout; one
 * that stops after one audio message by idle-timeout.  Each on a target
 * of its own, with the other timeout far off. */
GST_START_TEST (test_media_timeouts)
{
  static const guint8 aac_config[] = { 0xaf, 0x00, 0x12, 0x10 };
  IngestClient c;
  Target *t = target_new ("first-media-timeout=1 " NEVER_IDLE);

  client_publish (&c, t);
  fail_unless (ingest_client_pump (&c, ingest_client_done_eof, SRV_HANG_MS),
      "no media: not dropped");
  ingest_client_free (&c);
  srv_wait_stat (t->server, "dropped-first-media-timeout", 1);
  fail_unless_equals_uint64 (srv_stat (t->server, "dropped-idle-timeout"),
      0);
  print_stats (t, "first-media-timeout");
  target_free (t);

  t = target_new ("idle-timeout=1 first-media-timeout="
      G_STRINGIFY (ERTMP_TEST_NEVER_S));
  client_publish (&c, t);
  fail_unless (ingest_client_send (&c, 8, 0, aac_config,
          sizeof (aac_config), SRV_HANG_MS));
  fail_unless (ingest_client_pump (&c, ingest_client_done_eof, SRV_HANG_MS),
      "silent after media: not dropped");
  ingest_client_free (&c);
  srv_wait_stat (t->server, "dropped-idle-timeout", 1);
  fail_unless_equals_uint64 (srv_stat (t->server,
          "dropped-first-media-timeout"), 0);
  print_stats (t, "idle-timeout");
  target_free (t);
}

GST_END_TEST;

/* takeover=refuse: a second publisher to a live key is refused busy and
 * the first goes on */
GST_START_TEST (test_takeover_refuse)
{
  IngestClient c;
  GstMessage *msg;
  ErtmpPeer *old;
  Target *t;

  if (!ertmp_peer_have ("test_takeover_refuse", "ffmpeg"))
    return;
  t = target_new ("takeover=refuse");
  target_media (t, TRUE);
  old = start_long (t, 0);
  fail_if (client_try (&c, t), "a second publisher took the key");
  ingest_client_free (&c);
  msg = srv_bus_wait (t->bus, t->log, "rtmp-ingest-refused", t->src,
      SRV_HANG);
  fail_unless (msg != NULL, "no rtmp-ingest-refused");
  fail_unless_equals_string (gst_structure_get_string
      (gst_message_get_structure (msg), "reason"), "busy");
  gst_message_unref (msg);
  fail_unless_equals_uint64 (srv_stat (t->server, "refused-busy"), 1);
  fail_unless_equals_uint64 (srv_stat (t->server, "takeovers"), 0);
  fail_if (ertmp_peer_exited (old), "the first publisher was dropped");
  fail_unless_equals_int (target_segments (t), 1);
  kill_peer (old);
  target_free (t);
}

GST_END_TEST;

/* takeover=replace-if-silent: refused busy while the first sends, taken
 * over once it stalled (SIGSTOP); idle-timeout far off so that only the
 * takeover can free the key */
GST_START_TEST (test_takeover_if_silent)
{
  gchar *props = g_strdup_printf ("takeover=replace-if-silent "
      "idle-timeout=%d", ERTMP_TEST_NEVER_S);
  gint64 deadline = g_get_monotonic_time () + SRV_HANG / GST_USECOND;
  IngestClient c;
  ErtmpPeer *old;
  Target *t;
  guint refused = 0;

  if (!ertmp_peer_have ("test_takeover_if_silent", "ffmpeg"))
    return;
  t = target_new (props);
  target_media (t, TRUE);
  old = start_long (t, 0);
  fail_if (client_try (&c, t), "took the key from a publisher that sends");
  ingest_client_free (&c);
  fail_unless_equals_uint64 (srv_stat (t->server, "refused-busy"), 1);
  kill (ertmp_peer_pid (old), SIGSTOP);
  /* until the old one counts as silent, tries are refused busy */
  for (;;) {
    gboolean ok;

    ok = client_try (&c, t);
    if (ok)
      break;
    ingest_client_free (&c);
    refused++;
    fail_unless (g_get_monotonic_time () < deadline, "never taken over");
    /* poll step: the old publisher's silence is what is waited for */
    g_usleep (50 * G_TIME_SPAN_MILLISECOND);
  }
  fail_unless (srv_bus_wait (t->bus, t->log, "rtmp-ingest-takeover", t->src,
          SRV_HANG) != NULL, "no rtmp-ingest-takeover");
  fail_unless_equals_uint64 (srv_stat (t->server, "takeovers"), 1);
  fail_unless_equals_uint64 (srv_stat (t->server, "refused-busy"),
      refused + 1);
  g_print ("replace-if-silent: %u tries refused busy while the old one "
      "counted as live\n", refused);
  ingest_client_free (&c);
  kill_peer (old);
  target_free (t);
  g_free (props);
}

GST_END_TEST;

static Suite *
server_lockout_suite (void)
{
  Suite *s = suite_create ("server_lockout");
  TCase *floods = tcase_create ("floods");
  TCase *bytes = tcase_create ("bytes");
  TCase *peers = tcase_create ("publishers");
  TCase *tcs[] = { floods, bytes, peers };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (tcs); i++) {
    suite_add_tcase (s, tcs[i]);
    tcase_add_unchecked_fixture (tcs[i], ertmp_peer_scratch_setup,
        ertmp_peer_scratch_teardown);
    tcase_add_checked_fixture (tcs[i], NULL, ertmp_peer_stop_all);
    tcase_set_timeout (tcs[i], 300);
  }
  tcase_add_test (floods, test_idle_sockets);
  tcase_add_test (floods, test_slowloris);
  tcase_add_test (bytes, test_garbage);
  tcase_add_test (bytes, test_huge_message);
  tcase_add_test (bytes, test_big_connect);
  tcase_add_test (peers, test_stalled_publisher);
  tcase_add_test (peers, test_killed_restarted);
  tcase_add_test (peers, test_media_timeouts);
  tcase_add_test (peers, test_takeover_refuse);
  tcase_add_test (peers, test_takeover_if_silent);
  return s;
}

GST_CHECK_MAIN (server_lockout);
