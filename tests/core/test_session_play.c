/* gst-ertmp: playing (ertmp_session_play.c), a client and a server session
 * wired together in memory
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A player's play reaches the server as PLAY_REQUEST; accepting it gives
 * the player StreamBegin, Play.Reset, Play.Start and |RtmpSampleAccess
 * (rtmp.md 7.3), then every message the server sends, byte for byte, with
 * its timestamp; the end, a refusal, FFmpeg's play arguments, a player
 * leaving, and calls made in the wrong state.
 */
#include "test_util.h"

#include "ertmp_session.h"
#include "ertmp_amf0.h"
#include "ertmp_chunk.h"

#define KEY "cam1?token=s3cr3t"

/* One event as seen by one side, with copies of what it borrowed */
typedef struct
{
  ertmp_session_event_type type;
  guint32 msid;
  gchar * name; /* play name, status code, data name, command */
  gchar * description;
  gdouble start, duration;
  gboolean reset;
  guint16 uc_type;
  guint32 uc_value, uc_buffer_ms;
  guint8 type_id;
  gint64 ts;
  GBytes * payload;
} logged;

typedef struct
{
  ertmp_session *client, *server;
  GPtrArray *client_log, *server_log; /* logged * */
} duo;

static void
logged_free (gpointer data)
{
  logged * l = data;

  g_free (l->name);
  g_free (l->description);
  if (l->payload)
    g_bytes_unref (l->payload);
  g_free (l);
}

static void
log_event (GPtrArray * log, const ertmp_session_event * ev)
{
  logged * l = g_new0 (logged, 1);

  l->type = ev->type;
  l->msid = ev->msid;
  switch (ev->type) {
    case ERTMP_SESSION_EVENT_PLAY_REQUEST:
    case ERTMP_SESSION_EVENT_PLAY_STARTED:
      l->name = g_strdup (ev->play.name);
      l->start = ev->play.start;
      l->duration = ev->play.duration;
      l->reset = ev->play.reset;
      break;
    case ERTMP_SESSION_EVENT_PLAY_ENDED:
      l->name = g_strdup (ev->end_of_stream.command);
      break;
    case ERTMP_SESSION_EVENT_STATUS:
    case ERTMP_SESSION_EVENT_ERROR:
      l->name = g_strdup (ev->status.code);
      l->description = g_strdup (ev->status.description);
      break;
    case ERTMP_SESSION_EVENT_USER_CONTROL:
      l->uc_type = ev->user_control.type;
      l->uc_value = ev->user_control.value;
      l->uc_buffer_ms = ev->user_control.buffer_ms;
      break;
    case ERTMP_SESSION_EVENT_MEDIA:
      l->type_id = ev->media.type_id;
      l->ts = ev->media.timestamp;
      l->payload = g_bytes_ref (ev->media.payload);
      break;
    case ERTMP_SESSION_EVENT_DATA:
      l->type_id = ev->data.type_id;
      l->ts = ev->data.timestamp;
      l->name = g_strdup (ev->data.name);
      l->payload = g_bytes_ref (ev->data.payload);
      break;
    case ERTMP_SESSION_EVENT_COMMAND:
      l->name = g_strdup (ev->command.name);
      break;
    default:
      break;
  }
  g_ptr_array_add (log, l);
}

static gboolean
move (ertmp_session * from, ertmp_session * to, GPtrArray * log,
    gboolean from_server)
{
  gsize len, pos = 0;
  const guint8 * out = ertmp_session_pending_output (from, &len);
  GByteArray * copy;
  ertmp_session_event ev;

  if (len == 0)
    return FALSE;
  copy = g_byte_array_new ();
  g_byte_array_append (copy, out, (guint) len);
  ertmp_session_output_written (from, len);
  /* nothing the server says repeats the key of a name it was given */
  if (from_server)
    ck_assert_msg (memmem (copy->data, copy->len, "s3cr3t", 6) == NULL,
        "the server sent the key back");
  /* in slices of 1000 bytes, so that messages span several receives */
  while (pos < len) {
    gsize consumed, n = MIN (1000, len - pos);

    ck_assert_int_eq (
        ertmp_session_receive (to, copy->data + pos, n, &consumed), ERTMP_OK);
    pos += consumed;
    while (ertmp_session_next_event (to, &ev) == ERTMP_OK)
      log_event (log, &ev);
  }
  g_byte_array_unref (copy);
  return TRUE;
}

static void
pump (duo * d)
{
  gboolean moved;

  do {
    moved = move (d->client, d->server, d->server_log, FALSE);
    moved |= move (d->server, d->client, d->client_log, TRUE);
  } while (moved);
}

/* Connected, nothing asked yet */
static void
duo_init (duo * d)
{
  ertmp_session_config cfg;
  ertmp_session_connect_params cp = { 0 };

  d->client_log = g_ptr_array_new_with_free_func (logged_free);
  d->server_log = g_ptr_array_new_with_free_func (logged_free);
  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.handshake_time = 1000;
  cfg.handshake_seed = 1;
  d->client = ertmp_session_new (&cfg);
  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.chunk_size = 4096;
  cfg.handshake_seed = 2;
  d->server = ertmp_session_new (&cfg);
  cp.tc_url = "rtmp://127.0.0.1/live";
  cp.app = "live";
  ck_assert_int_eq (ertmp_session_connect (d->client, &cp), ERTMP_OK);
}

static void
duo_clear (duo * d)
{
  ertmp_session_free (d->client);
  ertmp_session_free (d->server);
  g_ptr_array_unref (d->client_log);
  g_ptr_array_unref (d->server_log);
}

/* The first logged event of @type at or after *from (moved past it) */
static logged *
find (GPtrArray * log, ertmp_session_event_type type, guint * from)
{
  guint i;

  for (i = from ? *from : 0; i < log->len; i++) {
    logged * l = g_ptr_array_index (log, i);

    if (l->type == type) {
      if (from)
        *from = i + 1;
      return l;
    }
  }
  return NULL;
}

static logged *
find_status (GPtrArray * log, const gchar * code)
{
  guint i;

  for (i = 0; i < log->len; i++) {
    logged * l = g_ptr_array_index (log, i);

    if ((l->type == ERTMP_SESSION_EVENT_STATUS ||
            l->type == ERTMP_SESSION_EVENT_ERROR) &&
        g_strcmp0 (l->name, code) == 0)
      return l;
  }
  return NULL;
}

static logged *
find_user_control (GPtrArray * log, guint16 type)
{
  guint i;

  for (i = 0; i < log->len; i++) {
    logged * l = g_ptr_array_index (log, i);

    if (l->type == ERTMP_SESSION_EVENT_USER_CONTROL && l->uc_type == type)
      return l;
  }
  return NULL;
}

/* The player asks for KEY and the server accepts: its msid */
static guint32
play_accepted (duo * d)
{
  logged * req;

  ck_assert_int_eq (ertmp_session_play (d->client, KEY, 3000), ERTMP_OK);
  pump (d);
  req = find (d->server_log, ERTMP_SESSION_EVENT_PLAY_REQUEST, NULL);
  ck_assert_msg (req != NULL, "no PLAY_REQUEST");
  ck_assert_int_eq (ertmp_session_accept_play (d->server, req->msid), ERTMP_OK);
  pump (d);
  return req->msid;
}

START_TEST (test_play_accept_and_stream)
{
  duo d;
  logged *req, *l;
  guint32 msid;
  guint i, at = 0;
  GByteArray * meta = g_byte_array_new ();
  guint8 * big = g_malloc (200000);
  static const guint8 key_frame[] = { 0x17, 0x01, 0, 0, 0, 0xAA, 0xBB };
  static const guint8 audio[] = { 0xAF, 0x01, 0x21, 0x10 };
  /* after |RtmpSampleAccess at 0 (wrapping is test_session_pair's) */
  const gint64 ts0 = 1000;

  duo_init (&d);
  msid = play_accepted (&d);

  /* the server saw what was asked, the key kept for the application */
  req = find (d.server_log, ERTMP_SESSION_EVENT_PLAY_REQUEST, NULL);
  ck_assert_str_eq (req->name, KEY);
  ck_assert (req->start == -2);
  ck_assert (req->duration == -1);
  ck_assert (req->reset);
  ck_assert_uint_ne (msid, 0);
  l = find_user_control (d.server_log, ERTMP_UC_SET_BUFFER_LENGTH);
  ck_assert_msg (l != NULL, "no SetBufferLength");
  ck_assert_uint_eq (l->uc_value, msid);
  ck_assert_uint_eq (l->uc_buffer_ms, 3000);

  /* the player: StreamBegin, Play.Reset, Play.Start, |RtmpSampleAccess */
  l = find_user_control (d.client_log, ERTMP_UC_STREAM_BEGIN);
  ck_assert_msg (l != NULL && l->uc_value == msid, "no StreamBegin(msid)");
  l = find_status (d.client_log, "NetStream.Play.Reset");
  ck_assert_msg (l != NULL, "no Play.Reset");
  ck_assert_str_eq (l->description, "Playing and resetting cam1.");
  ck_assert_msg (find (d.client_log, ERTMP_SESSION_EVENT_PLAY_STARTED, NULL),
      "no PLAY_STARTED");
  l = find (d.client_log, ERTMP_SESSION_EVENT_DATA, NULL);
  ck_assert_msg (l != NULL, "no |RtmpSampleAccess");
  ck_assert_str_eq (l->name, "|RtmpSampleAccess");
  for (i = 0; i < d.client_log->len; i++) {
    l = g_ptr_array_index (d.client_log, i);
    ck_assert_msg (
        l->description == NULL || strstr (l->description, "s3cr3t") == NULL,
        "the key went back to the player: %s", l->description);
  }
  at = d.client_log->len;

  /* the stream: onMetaData (no @setDataFrame), a key frame, audio, and a
   * large frame across 49 chunks */
  ertmp_amf0_put_string (meta, "onMetaData");
  ertmp_amf0_put_null (meta);
  for (i = 0; i < 200000; i++)
    big[i] = (guint8) (i * 7 + 3);
  ck_assert_int_eq (ertmp_session_send_play_message (d.server, msid,
                        ERTMP_MSG_DATA_AMF0, ts0, meta->data, meta->len),
      ERTMP_OK);
  ck_assert_int_eq (ertmp_session_send_play_message (d.server, msid,
                        ERTMP_MSG_VIDEO, ts0, key_frame, sizeof (key_frame)),
      ERTMP_OK);
  ck_assert_int_eq (ertmp_session_send_play_message (d.server, msid,
                        ERTMP_MSG_AUDIO, ts0 + 10, audio, sizeof (audio)),
      ERTMP_OK);
  ck_assert_int_eq (ertmp_session_send_play_message (d.server, msid,
                        ERTMP_MSG_VIDEO, ts0 + 300, big, 200000),
      ERTMP_OK);
  pump (&d);
  l = find (d.client_log, ERTMP_SESSION_EVENT_DATA, &at);
  ck_assert_msg (l != NULL, "no onMetaData");
  ck_assert_str_eq (l->name, "onMetaData");
  ck_assert_int_eq (l->ts, ts0);
  ck_assert_bytes_eq (g_bytes_get_data (l->payload, NULL),
      g_bytes_get_size (l->payload), meta->data, meta->len);
  l = find (d.client_log, ERTMP_SESSION_EVENT_MEDIA, &at);
  ck_assert_uint_eq (l->type_id, ERTMP_MSG_VIDEO);
  ck_assert_uint_eq (l->msid, msid);
  ck_assert_int_eq (l->ts, ts0);
  ck_assert_bytes_eq (g_bytes_get_data (l->payload, NULL),
      g_bytes_get_size (l->payload), key_frame, sizeof (key_frame));
  l = find (d.client_log, ERTMP_SESSION_EVENT_MEDIA, &at);
  ck_assert_uint_eq (l->type_id, ERTMP_MSG_AUDIO);
  ck_assert_int_eq (l->ts, ts0 + 10);
  ck_assert_bytes_eq (g_bytes_get_data (l->payload, NULL),
      g_bytes_get_size (l->payload), audio, sizeof (audio));
  l = find (d.client_log, ERTMP_SESSION_EVENT_MEDIA, &at);
  ck_assert_int_eq (l->ts, ts0 + 300);
  ck_assert_bytes_eq (g_bytes_get_data (l->payload, NULL),
      g_bytes_get_size (l->payload), big, 200000);
  ck_assert_msg (find (d.client_log, ERTMP_SESSION_EVENT_MEDIA, &at) == NULL,
      "a message too many");

  /* the end: StreamEOF and Play.Stop; the player stays connected */
  ck_assert_int_eq (ertmp_session_end_play (d.server, msid, FALSE), ERTMP_OK);
  pump (&d);
  l = find_user_control (d.client_log, ERTMP_UC_STREAM_EOF);
  ck_assert_msg (l != NULL && l->uc_value == msid, "no StreamEOF(msid)");
  ck_assert_msg (
      find_status (d.client_log, "NetStream.Play.Stop"), "no Play.Stop");
  ck_assert_int_eq (
      ertmp_session_get_state (d.client), ERTMP_SESSION_STATE_CONNECTED);
  /* an ended stream takes no more */
  ck_assert_int_eq (ertmp_session_send_play_message (d.server, msid,
                        ERTMP_MSG_AUDIO, ts0, audio, sizeof (audio)),
      ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_session_end_play (d.server, msid, FALSE), ERTMP_STATE);

  g_byte_array_unref (meta);
  g_free (big);
  duo_clear (&d);
}
END_TEST

START_TEST (test_play_unpublish_notify)
{
  duo d;
  guint32 msid;

  duo_init (&d);
  msid = play_accepted (&d);
  ck_assert_int_eq (ertmp_session_end_play (d.server, msid, TRUE), ERTMP_OK);
  pump (&d);
  ck_assert_msg (find_status (d.client_log, "NetStream.Play.UnpublishNotify"),
      "no UnpublishNotify");
  ck_assert_msg (find_status (d.client_log, "NetStream.Play.Stop") == NULL,
      "Play.Stop as well");
  duo_clear (&d);
}
END_TEST

START_TEST (test_play_rejected)
{
  duo d;
  logged *req, *l;

  duo_init (&d);
  ck_assert_int_eq (ertmp_session_play (d.client, KEY, 1000), ERTMP_OK);
  pump (&d);
  req = find (d.server_log, ERTMP_SESSION_EVENT_PLAY_REQUEST, NULL);
  ck_assert_msg (req != NULL, "no PLAY_REQUEST");
  /* not yet playing: nothing can be sent on it */
  ck_assert_int_eq (ertmp_session_send_play_message (d.server, req->msid,
                        ERTMP_MSG_VIDEO, 0, (const guint8 *) "x", 1),
      ERTMP_STATE);
  ck_assert_int_eq (ertmp_session_reject_play (d.server, req->msid,
                        ERTMP_SESSION_PLAY_NOT_FOUND, "no stream cam1 here"),
      ERTMP_OK);
  ck_assert_int_eq (
      ertmp_session_get_state (d.server), ERTMP_SESSION_STATE_CLOSING);
  pump (&d);
  l = find_status (d.client_log, "NetStream.Play.StreamNotFound");
  ck_assert_msg (l != NULL && l->type == ERTMP_SESSION_EVENT_ERROR,
      "no StreamNotFound error");
  ck_assert_str_eq (l->description, "no stream cam1 here");
  ck_assert_msg (
      find (d.client_log, ERTMP_SESSION_EVENT_PLAY_STARTED, NULL) == NULL,
      "PLAY_STARTED after a refusal");
  ck_assert_int_eq (
      ertmp_session_get_state (d.client), ERTMP_SESSION_STATE_CLOSING);
  duo_clear (&d);
}
END_TEST

/* ["play", txn, null, name, start, (duration), (reset)] sent as is */
static void
send_play (duo * d, guint32 msid, const gchar * name, gdouble start,
    gboolean with_reset, gboolean reset)
{
  GByteArray * b = g_byte_array_new ();

  ertmp_amf0_put_string (b, "play");
  ertmp_amf0_put_number (b, 4);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_string (b, name);
  ertmp_amf0_put_number (b, start);
  if (with_reset) {
    guint8 boolean[] = { 0x01, reset ? 1 : 0 };

    ertmp_amf0_put_number (b, -1);
    g_byte_array_append (b, boolean, 2);
  }
  ck_assert_int_eq (ertmp_session_send_raw (d->client, 8,
                        ERTMP_MSG_COMMAND_AMF0, msid, 0, b->data, b->len),
      ERTMP_OK);
  g_byte_array_unref (b);
}

/* FFmpeg's start of -2000 means -2; -1 stays; reset false: no Play.Reset */
START_TEST (test_play_arguments)
{
  duo d;
  logged * req;
  guint at = 0;

  duo_init (&d);
  pump (&d);
  send_play (&d, 1, "ffmpeg", -2000, FALSE, FALSE);
  pump (&d);
  req = find (d.server_log, ERTMP_SESSION_EVENT_PLAY_REQUEST, &at);
  ck_assert_msg (req != NULL, "no PLAY_REQUEST");
  ck_assert_uint_eq (req->msid, 1);
  ck_assert_str_eq (req->name, "ffmpeg");
  ck_assert (req->start == -2);
  ck_assert (req->reset);

  send_play (&d, 2, "live-only", -1, TRUE, FALSE);
  pump (&d);
  req = find (d.server_log, ERTMP_SESSION_EVENT_PLAY_REQUEST, &at);
  ck_assert_msg (req != NULL, "no second PLAY_REQUEST");
  ck_assert_uint_eq (req->msid, 2);
  ck_assert (req->start == -1);
  ck_assert (req->duration == -1);
  ck_assert (!req->reset);
  ck_assert_int_eq (ertmp_session_accept_play (d.server, 2), ERTMP_OK);
  /* twice: the stream is no longer waiting for an answer */
  ck_assert_int_eq (ertmp_session_accept_play (d.server, 2), ERTMP_STATE);
  pump (&d);
  ck_assert_msg (
      find_status (d.client_log, "NetStream.Play.Start"), "no Play.Start");
  ck_assert_msg (find_status (d.client_log, "NetStream.Play.Reset") == NULL,
      "Play.Reset though reset was false");
  duo_clear (&d);
}
END_TEST

START_TEST (test_play_malformed)
{
  duo d;
  const gchar * msg = NULL;

  duo_init (&d);
  pump (&d);
  /* play on the NetConnection's stream 0 fails the session */
  send_play (&d, 0, "x", -2, FALSE, FALSE);
  {
    gsize len;
    const guint8 * out = ertmp_session_pending_output (d.client, &len);
    gsize consumed;

    ertmp_session_receive (d.server, out, len, &consumed);
    ertmp_session_output_written (d.client, len);
  }
  ck_assert_int_eq (
      ertmp_session_get_state (d.server), ERTMP_SESSION_STATE_FAILED);
  ck_assert_int_eq (
      ertmp_session_get_error (d.server, NULL, &msg), ERTMP_MALFORMED);
  ck_assert_str_eq (msg, "play: sent on message stream 0");
  duo_clear (&d);

  /* a playing stream does not also publish */
  duo_init (&d);
  {
    guint32 msid = play_accepted (&d);
    GByteArray * b = g_byte_array_new ();
    gsize len, consumed;
    const guint8 * out;

    ertmp_amf0_put_string (b, "publish");
    ertmp_amf0_put_number (b, 5);
    ertmp_amf0_put_null (b);
    ertmp_amf0_put_string (b, "cam1");
    ertmp_amf0_put_string (b, "live");
    ck_assert_int_eq (ertmp_session_send_raw (d.client, 8,
                          ERTMP_MSG_COMMAND_AMF0, msid, 0, b->data, b->len),
        ERTMP_OK);
    g_byte_array_unref (b);
    out = ertmp_session_pending_output (d.client, &len);
    ertmp_session_receive (d.server, out, len, &consumed);
    ertmp_session_output_written (d.client, len);
    ck_assert_int_eq (
        ertmp_session_get_error (d.server, NULL, &msg), ERTMP_MALFORMED);
    ck_assert_str_eq (msg, "publish: stream 1 is playing");
  }
  duo_clear (&d);
}
END_TEST

/* The player leaves (deleteStream), or the server closes on a player */
START_TEST (test_play_teardown)
{
  duo d;
  logged * l;
  guint32 msid;

  duo_init (&d);
  msid = play_accepted (&d);
  ck_assert_int_eq (ertmp_session_close (d.client), ERTMP_OK);
  pump (&d);
  l = find (d.server_log, ERTMP_SESSION_EVENT_PLAY_ENDED, NULL);
  ck_assert_msg (l != NULL, "no PLAY_ENDED");
  ck_assert_uint_eq (l->msid, msid);
  ck_assert_str_eq (l->name, "deleteStream");
  ck_assert_int_eq (ertmp_session_send_play_message (d.server, msid,
                        ERTMP_MSG_AUDIO, 0, (const guint8 *) "\xaf\x01", 2),
      ERTMP_STATE);
  duo_clear (&d);

  duo_init (&d);
  msid = play_accepted (&d);
  ck_assert_int_eq (ertmp_session_close (d.server), ERTMP_OK);
  pump (&d);
  l = find_user_control (d.client_log, ERTMP_UC_STREAM_EOF);
  ck_assert_msg (l != NULL && l->uc_value == msid, "no StreamEOF(msid)");
  ck_assert_msg (find_status (d.client_log, "NetStream.Play.Stop"),
      "no Play.Stop at close");
  duo_clear (&d);
}
END_TEST

/* A fan-out writes one copy of a message, chunked standalone, to many
 * players: between the session's own messages, on a csid the session uses
 * too (5: audio and the stream's onStatus) */
START_TEST (test_play_external_chunks)
{
  duo d;
  guint32 msid;
  guint at, i;
  GByteArray * ext = g_byte_array_new ();
  guint8 frame[5000];
  static const guint8 audio[] = { 0xAF, 0x01, 0x21, 0x10 };
  ertmp_session_stats st;
  ertmp_session_event ev;
  gsize consumed;
  guint64 before;
  logged * l;

  duo_init (&d);
  msid = play_accepted (&d);
  at = d.client_log->len;
  ck_assert_int_eq (ertmp_session_send_play_message (d.server, msid,
                        ERTMP_MSG_AUDIO, 20, audio, sizeof (audio)),
      ERTMP_OK);
  pump (&d);
  for (i = 0; i < sizeof (frame); i++)
    frame[i] = (guint8) (i ^ 0x5a);
  ertmp_session_get_stats (d.server, &st);
  before = st.bytes_out;
  ck_assert_int_eq (ertmp_chunk_write_standalone (ext, st.chunk_size_out, 5,
                        ERTMP_MSG_AUDIO, msid, 40, frame, sizeof (frame)),
      ERTMP_OK);
  ck_assert_int_eq (
      ertmp_session_receive (d.client, ext->data, ext->len, &consumed),
      ERTMP_OK);
  ck_assert_uint_eq (consumed, ext->len);
  while (ertmp_session_next_event (d.client, &ev) == ERTMP_OK)
    log_event (d.client_log, &ev);
  ertmp_session_external_output (d.server, 5, ext->len);
  ertmp_session_get_stats (d.server, &st);
  ck_assert_uint_eq (st.bytes_out, before + ext->len);
  /* the session's next message on csid 5 must not lean on its own last
   * header there: a fmt 2 header would take the length of the external
   * message */
  ck_assert_int_eq (ertmp_session_send_play_message (d.server, msid,
                        ERTMP_MSG_AUDIO, 60, audio, sizeof (audio)),
      ERTMP_OK);
  ck_assert_int_eq (ertmp_session_end_play (d.server, msid, FALSE), ERTMP_OK);
  pump (&d);
  l = find (d.client_log, ERTMP_SESSION_EVENT_MEDIA, &at);
  ck_assert_msg (l != NULL, "no first audio");
  ck_assert_int_eq (l->ts, 20);
  l = find (d.client_log, ERTMP_SESSION_EVENT_MEDIA, &at);
  ck_assert_msg (l != NULL, "no external message");
  ck_assert_int_eq (l->ts, 40);
  ck_assert_bytes_eq (g_bytes_get_data (l->payload, NULL),
      g_bytes_get_size (l->payload), frame, sizeof (frame));
  l = find (d.client_log, ERTMP_SESSION_EVENT_MEDIA, &at);
  ck_assert_msg (l != NULL, "no audio after the external message");
  ck_assert_int_eq (l->ts, 60);
  ck_assert_bytes_eq (g_bytes_get_data (l->payload, NULL),
      g_bytes_get_size (l->payload), audio, sizeof (audio));
  ck_assert_msg (find_status (d.client_log, "NetStream.Play.Stop"),
      "the session's message after the external one was lost");
  ck_assert_int_eq (
      ertmp_session_get_state (d.client), ERTMP_SESSION_STATE_CONNECTED);
  g_byte_array_unref (ext);
  duo_clear (&d);
}
END_TEST

/* Some servers send NetStream.Play.Start on msid 0, some twice: the
 * player reports it once */
START_TEST (test_play_started_once)
{
  duo d;
  GByteArray * b = g_byte_array_new ();
  ertmp_amf_value * info = ertmp_amf_new (ERTMP_AMF_OBJECT);
  guint at = 0, n = 0;

  duo_init (&d);
  ck_assert_int_eq (ertmp_session_play (d.client, "x", 0), ERTMP_OK);
  pump (&d);
  ck_assert_msg (find (d.server_log, ERTMP_SESSION_EVENT_PLAY_REQUEST, NULL),
      "no PLAY_REQUEST");
  ertmp_amf0_put_string (b, "onStatus");
  ertmp_amf0_put_number (b, 0);
  ertmp_amf0_put_null (b);
  ertmp_amf_add_string (info, "level", "status");
  ertmp_amf_add_string (info, "code", "NetStream.Play.Start");
  ck_assert_int_eq (ertmp_amf0_encode (b, info), ERTMP_OK);
  ertmp_amf_value_unref (info);
  ck_assert_int_eq (ertmp_session_send_raw (d.server, 3, ERTMP_MSG_COMMAND_AMF0,
                        0, 0, b->data, b->len),
      ERTMP_OK);
  ck_assert_int_eq (ertmp_session_send_raw (d.server, 3, ERTMP_MSG_COMMAND_AMF0,
                        0, 0, b->data, b->len),
      ERTMP_OK);
  pump (&d);
  while (find (d.client_log, ERTMP_SESSION_EVENT_PLAY_STARTED, &at))
    n++;
  ck_assert_uint_eq (n, 1);
  g_byte_array_unref (b);
  duo_clear (&d);
}
END_TEST

/* A player whose secureTokenResponse is wrong is refused before its
 * play is surfaced: Play.Failed, an ERROR event on the server */
START_TEST (test_play_token_refused)
{
  duo d;
  ertmp_session_config cfg;
  ertmp_session_connect_params cp = { 0 };
  logged * l;

  d.client_log = g_ptr_array_new_with_free_func (logged_free);
  d.server_log = g_ptr_array_new_with_free_func (logged_free);
  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.handshake_seed = 1;
  d.client = ertmp_session_new (&cfg);
  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.handshake_seed = 2;
  cfg.secure_token = "SecretToken12345";
  d.server = ertmp_session_new (&cfg);
  cp.tc_url = "rtmp://127.0.0.1/live";
  cp.app = "live";
  cp.secure_token = "WrongToken";
  ck_assert_int_eq (ertmp_session_connect (d.client, &cp), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_play (d.client, KEY, 0), ERTMP_OK);
  pump (&d);
  ck_assert_msg (
      find (d.server_log, ERTMP_SESSION_EVENT_PLAY_REQUEST, NULL) == NULL,
      "a play without the token was surfaced");
  l = find (d.server_log, ERTMP_SESSION_EVENT_ERROR, NULL);
  ck_assert_msg (l != NULL, "no ERROR event on the server");
  ck_assert_str_eq (l->name, "NetStream.Play.Failed");
  l = find_status (d.client_log, "NetStream.Play.Failed");
  ck_assert_msg (l != NULL && l->type == ERTMP_SESSION_EVENT_ERROR,
      "the player was not told");
  ck_assert_str_eq (l->description, "secureTokenResponse missing or wrong");
  ck_assert_int_eq (
      ertmp_session_get_state (d.server), ERTMP_SESSION_STATE_CLOSING);
  duo_clear (&d);
}
END_TEST

/* A second play on a playing stream replaces the first (PLAY_ENDED
 * "play", then PLAY_REQUEST); FCUnpublish of its name, a publisher's
 * command, leaves it playing */
START_TEST (test_play_replaced)
{
  duo d;
  guint32 msid;
  guint at;
  logged * l;
  GByteArray * b = g_byte_array_new ();

  duo_init (&d);
  msid = play_accepted (&d);
  at = d.server_log->len;
  ertmp_amf0_put_string (b, "FCUnpublish");
  ertmp_amf0_put_number (b, 7);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_string (b, KEY);
  ck_assert_int_eq (ertmp_session_send_raw (d.client, 3, ERTMP_MSG_COMMAND_AMF0,
                        0, 0, b->data, b->len),
      ERTMP_OK);
  g_byte_array_unref (b);
  pump (&d);
  ck_assert_msg (
      find (d.server_log, ERTMP_SESSION_EVENT_PLAY_ENDED, &at) == NULL,
      "FCUnpublish ended a play");
  ck_assert_int_eq (ertmp_session_send_play_message (d.server, msid,
                        ERTMP_MSG_VIDEO, 0, (const guint8 *) "\x17\x01", 2),
      ERTMP_OK);

  send_play (&d, msid, "cam2", -2, FALSE, FALSE);
  pump (&d);
  l = find (d.server_log, ERTMP_SESSION_EVENT_PLAY_ENDED, &at);
  ck_assert_msg (l != NULL, "the first play did not end");
  ck_assert_str_eq (l->name, "play");
  l = find (d.server_log, ERTMP_SESSION_EVENT_PLAY_REQUEST, &at);
  ck_assert_msg (l != NULL, "no second PLAY_REQUEST");
  ck_assert_str_eq (l->name, "cam2");
  ck_assert_int_eq (ertmp_session_send_play_message (d.server, msid,
                        ERTMP_MSG_VIDEO, 0, (const guint8 *) "\x17\x01", 2),
      ERTMP_STATE);
  ck_assert_int_eq (ertmp_session_accept_play (d.server, msid), ERTMP_OK);
  duo_clear (&d);
}
END_TEST

/* An _error answering the play is fatal for the player */
START_TEST (test_play_error_reply)
{
  duo d;
  GByteArray * b = g_byte_array_new ();
  ertmp_amf_value * info = ertmp_amf_new (ERTMP_AMF_OBJECT);
  logged * l;

  duo_init (&d);
  ck_assert_int_eq (ertmp_session_play (d.client, "x", 0), ERTMP_OK);
  pump (&d);
  /* connect 1, createStream 2, play 3 */
  ertmp_amf0_put_string (b, "_error");
  ertmp_amf0_put_number (b, 3);
  ertmp_amf0_put_null (b);
  ertmp_amf_add_string (info, "level", "error");
  ertmp_amf_add_string (info, "code", "NetStream.Play.Failed");
  ck_assert_int_eq (ertmp_amf0_encode (b, info), ERTMP_OK);
  ertmp_amf_value_unref (info);
  ck_assert_int_eq (ertmp_session_send_raw (d.server, 3, ERTMP_MSG_COMMAND_AMF0,
                        0, 0, b->data, b->len),
      ERTMP_OK);
  g_byte_array_unref (b);
  pump (&d);
  l = find (d.client_log, ERTMP_SESSION_EVENT_ERROR, NULL);
  ck_assert_msg (l != NULL, "no ERROR event");
  ck_assert_str_eq (l->name, "NetStream.Play.Failed");
  ck_assert_int_eq (
      ertmp_session_get_state (d.client), ERTMP_SESSION_STATE_CLOSING);
  duo_clear (&d);
}
END_TEST

/* play and publish are one or the other on a client */
START_TEST (test_play_client_state)
{
  duo d;

  duo_init (&d);
  ck_assert_int_eq (ertmp_session_play (d.client, "a", 0), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_play (d.client, "b", 0), ERTMP_STATE);
  ck_assert_int_eq (ertmp_session_publish (d.client, "c", NULL), ERTMP_STATE);
  ck_assert_int_eq (ertmp_session_play (d.server, "a", 0), ERTMP_STATE);
  duo_clear (&d);
}
END_TEST

static Suite *
session_play_suite (void)
{
  Suite * s = suite_create ("session_play");
  TCase * tc = tcase_create ("play");

  tcase_add_test (tc, test_play_accept_and_stream);
  tcase_add_test (tc, test_play_unpublish_notify);
  tcase_add_test (tc, test_play_rejected);
  tcase_add_test (tc, test_play_arguments);
  tcase_add_test (tc, test_play_malformed);
  tcase_add_test (tc, test_play_teardown);
  tcase_add_test (tc, test_play_external_chunks);
  tcase_add_test (tc, test_play_started_once);
  tcase_add_test (tc, test_play_token_refused);
  tcase_add_test (tc, test_play_replaced);
  tcase_add_test (tc, test_play_error_reply);
  tcase_add_test (tc, test_play_client_state);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (session_play_suite ());
}
