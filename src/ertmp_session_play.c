/* gst-ertmp: playing, both roles of a session
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Server: a player's play (rtmp.md 7.3) is surfaced as PLAY_REQUEST and
 * answered by accept_play (StreamBegin, Play.Reset, Play.Start,
 * |RtmpSampleAccess) or reject_play; the stream then goes out with
 * send_play_message and ends with end_play (StreamEOF, Play.Stop or
 * UnpublishNotify).  Client: createStream, play and SetBufferLength, and
 * NetStream.Play.Start as PLAY_STARTED.
 */
#include "ertmp_session_private.h"

#include <string.h>

/* bytes; room checked before the calls below queue their few messages */
#define PLAY_ROOM 1024u
/* AMF0: string "|RtmpSampleAccess", true, true */
static const guint8 sample_access[] = { 0x02, 0x00, 0x11, '|', 'R', 't', 'm',
  'p', 'S', 'a', 'm', 'p', 'l', 'e', 'A', 'c', 'c', 'e', 's', 's', 0x01, 0x01,
  0x01, 0x01 };

/* ---- server ---------------------------------------------------------- */

static gdouble
arg_number (const ertmp_session_cmd * cmd, guint i, gdouble fallback)
{
  gdouble v;

  return ertmp_amf_get_number (ertmp_session_cmd_arg (cmd, i), &v) ? v
                                                                   : fallback;
}

ertmp_result
ertmp_session_server_on_play (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  const gchar * name = ertmp_session_cmd_arg_string (cmd, 1);
  const ertmp_amf_value * reset = ertmp_session_cmd_arg (cmd, 4);
  ertmp_session_stream * st;
  ertmp_session_qevent * q;
  gdouble start = arg_number (cmd, 2, -2);

  if (name == NULL)
    return ertmp_session_fail (
        s, ERTMP_MALFORMED, "play: stream name is not a string");
  if (cmd->msid == 0)
    return ertmp_session_fail (
        s, ERTMP_MALFORMED, "play: sent on message stream 0");
  st = ertmp_session_server_find_stream (s, cmd->msid);
  if (st == NULL &&
      (st = ertmp_session_server_new_stream (s, cmd->msid)) == NULL)
    return ertmp_session_fail_limit (s, ERTMP_LIMIT_MAX_STREAMS, "play");
  /* a stream plays one name at a time; a new play on a playing stream
   * replaces it (a player switching streams): that play ends first */
  if (st->state == ERTMP_STREAM_PLAYING) {
    q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_PLAY_ENDED, st->msid);
    q->ev.end_of_stream.command = "play";
  }
  if (st->state == ERTMP_STREAM_PENDING ||
      st->state == ERTMP_STREAM_PUBLISHING ||
      st->state == ERTMP_STREAM_PLAY_PENDING)
    return ertmp_session_fail (s, ERTMP_MALFORMED,
        "play: stream %u is already publishing or asking to play", st->msid);
  st->state = ERTMP_STREAM_PLAY_PENDING;
  g_free (st->name);
  st->name = g_strdup (name);
  st->reset =
      reset == NULL || reset->type != ERTMP_AMF_BOOLEAN || reset->boolean;
  if (ertmp_session_server_refuse_token (
          s, st, "play", "NetStream.Play.Failed"))
    return ERTMP_OK;
  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_PLAY_REQUEST, st->msid);
  q->ev.play.name = ertmp_session_qevent_keep (q, name);
  /* FFmpeg sends -2000 for "live or recorded" (rtmp.md 7.3); NaN too */
  q->ev.play.start = !(start >= 0) && start != -1 ? -2 : start;
  q->ev.play.duration = arg_number (cmd, 3, -1);
  q->ev.play.reset = st->reset;
  return ERTMP_OK;
}

static ertmp_session_stream *
play_stream (ertmp_session * s, guint32 msid, ertmp_stream_state state)
{
  ertmp_session_stream * st;

  if (s->role != ERTMP_SESSION_SERVER ||
      (s->state != ERTMP_SESSION_STATE_CONNECTED &&
          s->state != ERTMP_SESSION_STATE_PUBLISHING))
    return NULL;
  st = ertmp_session_server_find_stream (s, msid);
  return st && st->state == state ? st : NULL;
}

ertmp_result
ertmp_session_accept_play (ertmp_session * s, guint32 msid)
{
  ertmp_session_stream * st;
  gchar * desc;

  g_return_val_if_fail (s != NULL, ERTMP_STATE);

  if ((st = play_stream (s, msid, ERTMP_STREAM_PLAY_PENDING)) == NULL)
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, PLAY_ROOM + 2 * strlen (st->name)))
    return ERTMP_LIMIT;
  ertmp_session_send_user_control (s, ERTMP_UC_STREAM_BEGIN, msid);
  if (st->reset) {
    desc =
        ertmp_session_server_describe ("Playing and resetting ", st->name, ".");
    ertmp_session_server_send_status (s, ERTMP_SESSION_CSID_STREAM, msid,
        "status", "NetStream.Play.Reset", desc);
    g_free (desc);
  }
  desc = ertmp_session_server_describe ("Started playing ", st->name, ".");
  ertmp_session_server_send_status (s, ERTMP_SESSION_CSID_STREAM, msid,
      "status", "NetStream.Play.Start", desc);
  g_free (desc);
  ertmp_session_write (s, ERTMP_SESSION_CSID_DATA, ERTMP_MSG_DATA_AMF0, msid, 0,
      sample_access, sizeof (sample_access));
  /* the stream's first message on each media csid starts with a full
   * header (rtmp.md 7.3), not one leaning on the onStatus before it */
  ertmp_chunk_writer_forget (s->writer, ERTMP_SESSION_CSID_AUDIO);
  ertmp_chunk_writer_forget (s->writer, ERTMP_SESSION_CSID_VIDEO);
  ertmp_chunk_writer_forget (s->writer, ERTMP_SESSION_CSID_DATA);
  st->state = ERTMP_STREAM_PLAYING;
  return ERTMP_OK;
}

ertmp_result
ertmp_session_reject_play (ertmp_session * s, guint32 msid,
    ertmp_session_play_reject reason, const gchar * description)
{
  static const gchar * codes[][2] = {
    { "NetStream.Play.StreamNotFound", "No such stream." },
    { "NetStream.Play.Failed", "Playing failed." },
  };
  ertmp_session_stream * st;

  g_return_val_if_fail (s != NULL, ERTMP_STATE);
  g_return_val_if_fail ((guint) reason < G_N_ELEMENTS (codes), ERTMP_STATE);

  if ((st = play_stream (s, msid, ERTMP_STREAM_PLAY_PENDING)) == NULL)
    return ERTMP_STATE;
  return ertmp_session_server_refuse (
      s, st, codes[reason][0], description ? description : codes[reason][1]);
}

void
ertmp_session_server_stop_play (
    ertmp_session * s, ertmp_session_stream * st, gboolean unpublished)
{
  gchar * desc = unpublished
      ? ertmp_session_server_describe ("", st->name, " is now unpublished.")
      : ertmp_session_server_describe ("Stopped playing ", st->name, ".");

  ertmp_session_send_user_control (s, ERTMP_UC_STREAM_EOF, st->msid);
  ertmp_session_server_send_status (s, ERTMP_SESSION_CSID_STREAM, st->msid,
      "status",
      unpublished ? "NetStream.Play.UnpublishNotify" : "NetStream.Play.Stop",
      desc);
  g_free (desc);
  st->state = ERTMP_STREAM_ENDED;
}

ertmp_result
ertmp_session_end_play (ertmp_session * s, guint32 msid, gboolean unpublished)
{
  ertmp_session_stream * st;

  g_return_val_if_fail (s != NULL, ERTMP_STATE);

  if ((st = play_stream (s, msid, ERTMP_STREAM_PLAYING)) == NULL)
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, PLAY_ROOM + strlen (st->name)))
    return ERTMP_LIMIT;
  ertmp_session_server_stop_play (s, st, unpublished);
  return ERTMP_OK;
}

ertmp_result
ertmp_session_send_play_message (ertmp_session * s, guint32 msid,
    guint8 type_id, gint64 timestamp, const guint8 * data, gsize len)
{
  guint32 csid;

  g_return_val_if_fail (s != NULL && (data != NULL || len == 0), ERTMP_STATE);

  if (type_id == ERTMP_MSG_AUDIO)
    csid = ERTMP_SESSION_CSID_AUDIO;
  else if (type_id == ERTMP_MSG_VIDEO)
    csid = ERTMP_SESSION_CSID_VIDEO;
  else if (type_id == ERTMP_MSG_DATA_AMF0)
    csid = ERTMP_SESSION_CSID_DATA;
  else
    return ERTMP_STATE;
  if (play_stream (s, msid, ERTMP_STREAM_PLAYING) == NULL ||
      len > ERTMP_LIMIT_MESSAGE_SIZE_MAX)
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, len))
    return ERTMP_LIMIT;
  return ertmp_session_write (
      s, csid, type_id, msid, (guint32) timestamp, data, len);
}

/* ---- client ---------------------------------------------------------- */

ertmp_result
ertmp_session_play (ertmp_session * s, const gchar * name, guint32 buffer_ms)
{
  g_return_val_if_fail (s != NULL && name != NULL, ERTMP_STATE);

  if (!ertmp_session_client_may_start (s))
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, PLAY_ROOM + strlen (name)))
    return ERTMP_LIMIT;
  s->play_name = g_strdup (name);
  s->play_start = -2;
  s->play_buffer_ms = buffer_ms;
  if (s->state == ERTMP_SESSION_STATE_CONNECTED)
    ertmp_session_client_send_play_create (s);
  return ERTMP_OK;
}

void
ertmp_session_client_send_play_create (ertmp_session * s)
{
  GByteArray * body;

  s->txn_play_create = s->next_txn++;
  body = ertmp_session_cmd_begin ("createStream", s->txn_play_create);
  ertmp_amf0_put_null (body);
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
  s->play_sent = TRUE;
}

/* play, txn, null, name, start; then SetBufferLength (rtmp.md 6, 7.3) */
ertmp_result
ertmp_session_client_on_play_created (
    ertmp_session * s, const ertmp_session_cmd * cmd)
{
  GByteArray * body;
  guint8 b[10];
  guint32 msid, ms = s->play_buffer_ms;

  if (!ertmp_session_cmd_arg_msid (cmd, 1, &msid) || msid == 0)
    return ertmp_session_fail (s, ERTMP_MALFORMED,
        "createStream _result: stream id is not a number >= 1");
  s->play_msid = msid;
  s->txn_play = s->next_txn++;
  body = ertmp_session_cmd_begin ("play", s->txn_play);
  ertmp_amf0_put_null (body);
  ertmp_amf0_put_string (body, s->play_name);
  ertmp_amf0_put_number (body, s->play_start);
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, msid, body);
  b[0] = 0;
  b[1] = ERTMP_UC_SET_BUFFER_LENGTH;
  b[2] = msid >> 24;
  b[3] = msid >> 16;
  b[4] = msid >> 8;
  b[5] = msid;
  b[6] = ms >> 24;
  b[7] = ms >> 16;
  b[8] = ms >> 8;
  b[9] = ms;
  ertmp_session_write (s, ERTMP_SESSION_CSID_CONTROL, ERTMP_MSG_USER_CONTROL, 0,
      0, b, sizeof (b));
  return ERTMP_OK;
}
