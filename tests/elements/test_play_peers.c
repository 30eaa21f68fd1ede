/* gst-ertmp: the core's play (ertmp_session_play.c) against real players
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A small server in a thread of this process, on the core's server session
 * and a blocking GSocket on 127.0.0.1: it answers a player's play with
 * accept_play, sends every tag of an FLV file made here with GStreamer
 * (H.264 + AAC, legacy FLV), then end_play (Play.Stop) and waits for the
 * player to leave.  Every other audio or video message goes out as
 * standalone chunks written to the socket beside the session
 * (ertmp_chunk_write_standalone + ertmp_session_external_output), the way
 * a fan-out to many players sends them.
 *
 * Players: FFmpeg 5.1 (-c copy to FLV), GStreamer rtmp2src and librtmp's
 * rtmpsrc (to filesink).  Each recording holds exactly the file's audio
 * and video sequence starts and frames, in order, with their timestamps
 * and bodies.  rtmp2src also plays an Enhanced FLV file (AV1 + Opus)
 * from ../shared/media.
 *
 * The other way round, the core's client plays from nginx-rtmp while
 * FFmpeg publishes the same file there, and gets exactly its tags.
 */
#include <string.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_chunk.h"
#include "ertmp_flv.h"
#include "ertmp_session.h"
#include "ertmp_peer.h"
#include "flv_items.h"
#include "core_player.h"

/* Bounds that only catch hangs (ertmp_peer.h) */
#define HANG ERTMP_TEST_HANG_BOUND
#define HANG_MS ((guint) (HANG / GST_MSECOND))

/* 2 s of H.264 (a key frame every 30) and AAC in legacy FLV */
#define MEDIA "flvmux name=m streamable=true " \
  "videotestsrc num-buffers=60 ! video/x-raw,format=I420,width=160," \
  "height=120,framerate=30/1 ! x264enc speed-preset=ultrafast " \
  "key-int-max=30 ! h264parse ! m. " \
  "audiotestsrc num-buffers=86 ! audio/x-raw,rate=44100,channels=2 ! " \
  "audioconvert ! avenc_aac ! m. "

#define STREAM "stream1"

typedef struct
{
  GSocket *listener;
  guint16 port;
  GThread *thread;
  GArray *items;                /* FlvItem: what to send */
  /* results, read after the thread ended */
  gchar *play_name;
  gchar *error;
  guint sent;                   /* messages sent */
  guint standalone;             /* of them, as standalone chunks */
  guint32 last_ts;
} PlayServer;

/* AMF0: "|RtmpSampleAccess", true, true */
static const guint8 sample_access[] = { 0x02, 0x00, 0x11, '|', 'R', 't', 'm',
  'p', 'S', 'a', 'm', 'p', 'l', 'e', 'A', 'c', 'c', 'e', 's', 's', 0x01, 0x01,
  0x01, 0x01
};

static gboolean
send_all (GSocket * sock, const guint8 * data, gsize len, GError ** err)
{
  while (len > 0) {
    gssize n = g_socket_send (sock, (const gchar *) data, len, NULL, err);

    if (n <= 0)
      return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}

static gboolean
flush (ertmp_session * s, GSocket * sock, GError ** err)
{
  gsize len;
  const guint8 *out = ertmp_session_pending_output (s, &len);

  if (len == 0)
    return TRUE;
  if (!send_all (sock, out, len, err))
    return FALSE;
  ertmp_session_output_written (s, len);
  return TRUE;
}

/* Sends every item of the file on @msid, then Play.Stop */
static gboolean
send_stream (PlayServer * ps, ertmp_session * s, GSocket * sock,
    guint32 msid, GError ** err)
{
  GByteArray *chunks = g_byte_array_new ();
  ertmp_session_stats st;
  gboolean ok = TRUE;
  guint i;

  for (i = 0; ok && i < ps->items->len; i++) {
    const FlvItem *it = &g_array_index (ps->items, FlvItem, i);
    gsize len;
    const guint8 *body = g_bytes_get_data (it->body, &len);
    guint32 csid = it->type == ERTMP_FLV_TAG_AUDIO ? 5 : 6;

    if (it->type != ERTMP_FLV_TAG_SCRIPT && i % 2 == 1) {
      /* the session's output first, then the standalone chunks */
      ok = flush (s, sock, err);
      ertmp_session_get_stats (s, &st);
      g_byte_array_set_size (chunks, 0);
      fail_unless_equals_int (ertmp_chunk_write_standalone (chunks,
              st.chunk_size_out, csid, it->type, msid, it->ts, body, len),
          ERTMP_OK);
      ok = ok && send_all (sock, chunks->data, chunks->len, err);
      ertmp_session_external_output (s, csid, chunks->len);
      ps->standalone++;
    } else {
      fail_unless_equals_int (ertmp_session_send_play_message (s, msid,
              it->type, it->ts, body, len), ERTMP_OK);
      ok = flush (s, sock, err);
    }
    ps->sent++;
    ps->last_ts = it->ts;
  }
  /* rtmp2src (1.22) hands one message at a time to its streaming thread
   * and stops at StreamEOF even when that message was not pushed yet: a
   * data message players ignore goes last, so that every tag compared
   * reached it */
  fail_unless_equals_int (ertmp_session_send_play_message (s, msid,
          ERTMP_FLV_TAG_SCRIPT, ps->last_ts, sample_access,
          sizeof (sample_access)), ERTMP_OK);
  fail_unless_equals_int (ertmp_session_end_play (s, msid, FALSE), ERTMP_OK);
  g_byte_array_unref (chunks);
  return ok && flush (s, sock, err);
}

/* One player, from its handshake until it closes the connection */
static void
serve (PlayServer * ps, GSocket * sock)
{
  ertmp_session_config cfg;
  ertmp_session *s;
  ertmp_session_event ev;
  GError *err = NULL;
  guint8 buf[16384];
  gboolean done = FALSE;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.chunk_size = 4096;
  s = ertmp_session_new (&cfg);
  g_socket_set_timeout (sock, ERTMP_TEST_NEVER_S / 10);
  while (!done && err == NULL) {
    gssize n = g_socket_receive (sock, (gchar *) buf, sizeof (buf), NULL,
        &err);
    gsize pos = 0, consumed;

    if (n <= 0)
      break;                    /* the player left */
    while (pos < (gsize) n && err == NULL) {
      if (ertmp_session_receive (s, buf + pos, n - pos, &consumed) !=
          ERTMP_OK) {
        const gchar *msg = NULL;

        ertmp_session_get_error (s, NULL, &msg);
        ps->error = g_strdup_printf ("session: %s", msg);
        done = TRUE;
        break;
      }
      pos += consumed;
      while (ertmp_session_next_event (s, &ev) == ERTMP_OK) {
        if (ev.type != ERTMP_SESSION_EVENT_PLAY_REQUEST)
          continue;
        g_free (ps->play_name);
        ps->play_name = g_strdup (ev.play.name);
        fail_unless_equals_int (ertmp_session_accept_play (s, ev.msid),
            ERTMP_OK);
        if (flush (s, sock, &err))
          send_stream (ps, s, sock, ev.msid, &err);
      }
      if (err == NULL)
        flush (s, sock, &err);
    }
  }
  if (err != NULL && ps->error == NULL && ps->sent < ps->items->len)
    ps->error = g_strdup (err->message);
  g_clear_error (&err);
  ertmp_session_free (s);
}

static gpointer
server_thread (gpointer data)
{
  PlayServer *ps = data;
  GSocket *sock = g_socket_accept (ps->listener, NULL, NULL);

  if (sock == NULL) {
    ps->error = g_strdup ("no player connected");
    g_socket_close (ps->listener, NULL);
    return NULL;
  }
  serve (ps, sock);
  g_socket_close (sock, NULL);
  g_object_unref (sock);
  /* librtmp's rtmpsrc connects again after Play.Stop: refused at once */
  g_socket_close (ps->listener, NULL);
  return NULL;
}

static PlayServer *
play_server_start (GArray * items)
{
  PlayServer *ps = g_new0 (PlayServer, 1);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0), *bound;
  GError *err = NULL;

  ps->items = items;
  ps->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, &err);
  fail_unless (ps->listener != NULL && g_socket_bind (ps->listener, addr,
          TRUE, &err) && g_socket_listen (ps->listener, &err),
      "listen: %s", err ? err->message : "?");
  g_socket_set_timeout (ps->listener, HANG_MS / 1000);
  bound = g_socket_get_local_address (ps->listener, &err);
  ps->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  g_object_unref (addr);
  g_object_unref (lo);
  ps->thread = g_thread_new ("play-server", server_thread, ps);
  return ps;
}

/* Waits for the server to finish with its player */
static void
play_server_finish (PlayServer * ps)
{
  g_thread_join (ps->thread);
  g_object_unref (ps->listener);
  fail_unless (ps->error == NULL, "play server: %s", ps->error);
  fail_unless_equals_string (ps->play_name, STREAM);
  fail_unless_equals_int (ps->sent, ps->items->len);
  fail_unless (ps->standalone > 0);
  g_free (ps->play_name);
  g_free (ps);
}

/* ---- the file and the players -------------------------------------------- */

static gchar *
make_media (const gchar * dir)
{
  gchar *path = g_build_filename (dir, "src.flv", NULL);
  gchar *desc = g_strdup_printf ("%s m. ! filesink location=%s", MEDIA, path);
  GstElement *p = gst_parse_launch (desc, NULL);
  gchar *error = NULL;

  fail_unless (p != NULL);
  fail_unless (ertmp_peer_run_pipeline (p, HANG, &error), "media: %s", error);
  gst_object_unref (p);
  g_free (desc);
  return path;
}

static gchar *
play_url (PlayServer * ps)
{
  return g_strdup_printf ("rtmp://127.0.0.1:%u/live/" STREAM, ps->port);
}

/* Runs "@src ! filesink" (a player element) until EOS, or until the
 * server ended the stream and left (rtmpsrc: an error when it tries to
 * connect again) */
static void
record_with_gst (const gchar * src, const gchar * out)
{
  gchar *desc = g_strdup_printf ("%s ! filesink location=%s", src, out);
  GstElement *p = gst_parse_launch (desc, NULL);
  gchar *error = NULL;

  fail_unless (p != NULL, "%s", desc);
  if (!ertmp_peer_run_pipeline (p, HANG, &error))
    GST_INFO ("%s ended with: %s", src, error);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  g_free (error);
  g_free (desc);
}

static void
check_recording (GArray * want, const gchar * path, const gchar * who)
{
  GArray *got = flv_items_from_file (path);

  flv_items_check_same (want, got, who);
  flv_items_check_start (got, who);
  g_array_unref (got);
}

GST_START_TEST (test_ffmpeg_plays)
{
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *src, *out, *url;
  GArray *items;
  PlayServer *ps;
  ErtmpPeer *ff;
  GError *err = NULL;

  if (!ertmp_peer_have ("test_ffmpeg_plays", "ffmpeg")) {
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  src = make_media (dir);
  items = flv_items_from_file (src);
  ps = play_server_start (items);
  url = play_url (ps);
  out = g_build_filename (dir, "ffmpeg.flv", NULL);
  {
    const gchar *argv[] = { "ffmpeg", "-nostdin", "-loglevel", "error",
      "-i", url, "-c", "copy", "-f", "flv", out, NULL
    };
    ff = ertmp_peer_spawn (argv, dir, &err);
  }
  fail_unless (ff != NULL, "ffmpeg: %s", err ? err->message : "?");
  fail_unless (ertmp_peer_wait (ff, HANG_MS), "ffmpeg did not end");
  fail_unless (ertmp_peer_succeeded (ff), "ffmpeg failed: %s",
      ertmp_peer_log (ff));
  ertmp_peer_stop (ff);
  play_server_finish (ps);
  check_recording (items, out, "FFmpeg");
  g_array_unref (items);
  g_free (url);
  g_free (out);
  g_free (src);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* rtmp2src (loop 0) and librtmp's rtmpsrc (loop 1) */
GST_START_TEST (test_gst_plays)
{
  static const gchar *const factory[] = { "rtmp2src", "rtmpsrc" };
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *src, *out, *url, *desc;
  GArray *items;
  PlayServer *ps;
  GstElementFactory *f = gst_element_factory_find (factory[__i__]);

  if (f == NULL) {
    g_print ("SKIP test_gst_plays: no %s\n", factory[__i__]);
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  gst_object_unref (f);
  src = make_media (dir);
  items = flv_items_from_file (src);
  ps = play_server_start (items);
  url = play_url (ps);
  out = g_build_filename (dir, "player.flv", NULL);
  desc = g_strdup_printf ("%s location=%s", factory[__i__], url);
  record_with_gst (desc, out);
  play_server_finish (ps);
  check_recording (items, out, factory[__i__]);
  g_array_unref (items);
  g_free (desc);
  g_free (url);
  g_free (out);
  g_free (src);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* Enhanced FLV (AV1 + Opus with colorInfo and a multichannel config,
 * written by FFmpeg 8: ../shared/media) played by rtmp2src: every tag
 * arrives as it is in the file */
GST_START_TEST (test_rtmp2src_plays_enhanced)
{
  const gchar *media = g_getenv ("ERTMP_MEDIA_DIR");
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *src, *out, *url, *desc;
  GArray *items;
  PlayServer *ps;
  guint i;

  src = media ? g_build_filename (media, "testsrc.flv", NULL) : NULL;
  if (src == NULL || !g_file_test (src, G_FILE_TEST_EXISTS)) {
    g_print ("SKIP test_rtmp2src_plays_enhanced: no %s\n",
        src ? src : "ERTMP_MEDIA_DIR");
    g_free (src);
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  items = flv_items_from_file (src);
  ps = play_server_start (items);
  url = play_url (ps);
  out = g_build_filename (dir, "player.flv", NULL);
  desc = g_strdup_printf ("rtmp2src location=%s", url);
  record_with_gst (desc, out);
  play_server_finish (ps);
  /* rtmp2src (1.22) drops video messages under 6 bytes (and audio under
   * 2): the file's empty av01 SequenceStart (5 bytes) never reaches it */
  for (i = items->len; i > 0; i--) {
    const FlvItem *it = &g_array_index (items, FlvItem, i - 1);

    if (it->type == ERTMP_FLV_TAG_VIDEO && g_bytes_get_size (it->body) < 6)
      g_array_remove_index (items, i - 1);
  }
  check_recording (items, out, "rtmp2src, Enhanced FLV");
  g_array_unref (items);
  g_free (desc);
  g_free (url);
  g_free (out);
  g_free (src);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- the core's client as a player, against nginx-rtmp ----------------- */

/* Plays from nginx-rtmp while FFmpeg publishes the file there (-re -c
 * copy): the core's client gets exactly its audio and video tags */
GST_START_TEST (test_core_plays_from_nginx)
{
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *src, *url;
  CorePlayer *cp;
  ErtmpPeer *nginx, *ff;
  GArray *items, *got;
  GError *err = NULL;
  guint16 port;
  gint64 end;

  if (!ertmp_peer_have ("test_core_plays_from_nginx", "nginx") ||
      !ertmp_peer_have ("test_core_plays_from_nginx", "ffmpeg")) {
    ertmp_peer_rmdir (dir);
    g_free (dir);
    return;
  }
  src = make_media (dir);
  items = flv_items_from_file (src);
  port = ertmp_peer_free_port ();
  nginx = ertmp_peer_start_nginx (dir, port, &err);
  fail_unless (nginx != NULL, "nginx: %s", err ? err->message : "?");
  cp = core_player_start (port, "live", STREAM, 0);
  /* nginx answers a play before anyone publishes: publish after it */
  end = g_get_monotonic_time () + HANG / GST_USECOND;
  while (!core_player_started (cp) && g_get_monotonic_time () < end)
    g_usleep (10000);
  fail_unless (core_player_started (cp), "nginx did not start the play");
  url = g_strdup_printf ("rtmp://127.0.0.1:%u/live/" STREAM, port);
  {
    const gchar *argv[] = { "ffmpeg", "-nostdin", "-loglevel", "error", "-re",
      "-i", src, "-c", "copy", "-f", "flv", url, NULL
    };
    ff = ertmp_peer_spawn (argv, dir, &err);
  }
  fail_unless (ff != NULL, "ffmpeg: %s", err ? err->message : "?");
  fail_unless (ertmp_peer_wait (ff, HANG_MS), "ffmpeg did not end");
  fail_unless (ertmp_peer_succeeded (ff), "ffmpeg failed: %s",
      ertmp_peer_log (ff));
  ertmp_peer_stop (ff);
  core_player_join (cp);
  GST_INFO ("the stream ended with %s", core_player_end (cp));
  got = core_player_items (cp);
  flv_items_check_same (items, got, "core player from nginx");
  flv_items_check_start (got, "core player from nginx");
  ertmp_peer_stop (nginx);
  core_player_free (cp);
  g_array_unref (got);
  g_array_unref (items);
  g_free (url);
  g_free (src);
  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
play_peers_suite (void)
{
  Suite *s = suite_create ("play_peers");
  TCase *tc = tcase_create ("general");

  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ffmpeg_plays);
  tcase_add_loop_test (tc, test_gst_plays, 0, 2);
  tcase_add_test (tc, test_rtmp2src_plays_enhanced);
  tcase_add_test (tc, test_core_plays_from_nginx);
  return s;
}

GST_CHECK_MAIN (play_peers);
