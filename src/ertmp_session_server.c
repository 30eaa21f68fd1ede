/* gst-ertmp: the server role of a session (ingest: a publisher connects)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * connect, releaseStream, FCPublish, createStream, publish, FCUnpublish,
 * closeStream, deleteStream (rtmp.md 7.2, 7.3, 8.4), the publish answer, the
 * graceful close and the E-RTMP Reconnect Request (ertmp.md 10).
 */
#include "ertmp_session_private.h"

#include <string.h>

#define CONNECT_CAPABILITIES 31.0
#define CONNECT_MODE 1.0
/* bytes; room checked before the calls below queue their few messages */
#define REPLY_ROOM 1024u

ertmp_session_stream *
ertmp_session_server_find_stream (ertmp_session * s, guint32 msid)
{
  guint i;

  for (i = 0; i < s->limits.max_streams; i++)
    if (s->streams[i].state != ERTMP_STREAM_FREE && s->streams[i].msid == msid)
      return &s->streams[i];
  return NULL;
}

gchar *
ertmp_session_server_describe (
    const gchar * before, const gchar * name, const gchar * after)
{
  return g_strdup_printf ("%s%.*s%s", before,
      name ? (int) strcspn (name, "?") : 0, name ? name : "", after);
}

/* onStatus, 0, null, {level, code, description} (test-vectors.md 3.8) */
void
ertmp_session_server_send_status (ertmp_session * s, guint32 csid, guint32 msid,
    const gchar * level, const gchar * code, const gchar * description)
{
  GByteArray * body = ertmp_session_cmd_begin ("onStatus", 0);
  ertmp_amf_value * info = ertmp_amf_new (ERTMP_AMF_OBJECT);

  ertmp_amf0_put_null (body);
  ertmp_amf_add_string (info, "level", level);
  ertmp_amf_add_string (info, "code", code);
  ertmp_amf_add_string (info, "description", description);
  ertmp_session_put_value (body, info);
  ertmp_session_cmd_send (s, csid, msid, body);
}

static void
update_state (ertmp_session * s)
{
  guint i;

  if (s->state != ERTMP_SESSION_STATE_CONNECTED &&
      s->state != ERTMP_SESSION_STATE_PUBLISHING)
    return;
  s->state = ERTMP_SESSION_STATE_CONNECTED;
  for (i = 0; i < s->limits.max_streams; i++)
    if (s->streams[i].state == ERTMP_STREAM_PUBLISHING)
      s->state = ERTMP_SESSION_STATE_PUBLISHING;
}

/* "_result", txn, {fmsVer, capabilities, mode, caps}, {level, code,
 * description, objectEncoding} (rtmp.md 7.2, ertmp.md 9) */
static void
send_connect_result (ertmp_session * s, gdouble txn)
{
  GByteArray * body = ertmp_session_cmd_begin ("_result", txn);
  ertmp_amf_value * props = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_amf_value * info = ertmp_amf_new (ERTMP_AMF_OBJECT);

  ertmp_amf_add_string (props, "fmsVer", s->fms_ver);
  ertmp_amf_add_number (props, "capabilities", CONNECT_CAPABILITIES);
  ertmp_amf_add_number (props, "mode", CONNECT_MODE);
  ertmp_caps_write (&s->local_caps, props);
  ertmp_session_put_value (body, props);
  ertmp_amf_add_string (info, "level", "status");
  ertmp_amf_add_string (info, "code", "NetConnection.Connect.Success");
  ertmp_amf_add_string (info, "description", "Connection succeeded.");
  ertmp_amf_add_number (info, "objectEncoding", 0);
  ertmp_session_server_add_token_challenge (s, info);
  ertmp_session_put_value (body, info);
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
}

static ertmp_result
on_connect (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  const ertmp_amf_value * obj = ertmp_session_cmd_arg (cmd, 0);
  ertmp_session_qevent * q;
  gdouble enc = 0;
  guint8 bw[5];

  if (s->state != ERTMP_SESSION_STATE_CONNECTING)
    return ertmp_session_fail (
        s, ERTMP_MALFORMED, "connect: second connect on one connection");
  if (!ertmp_session_is_object (obj))
    return ertmp_session_fail (
        s, ERTMP_MALFORMED, "connect: command object is not an object");
  s->app = g_strdup (ertmp_amf_get_prop_string (obj, "app"));
  s->tc_url = g_strdup (ertmp_amf_get_prop_string (obj, "tcUrl"));
  s->peer_flash_ver = g_strdup (ertmp_amf_get_prop_string (obj, "flashVer"));
  if (ertmp_amf_get_prop_number (obj, "objectEncoding", &enc) && enc == 3)
    s->object_encoding = 3;
  ertmp_caps_read (&s->peer_caps, obj);
  if (!ertmp_session_server_check_auth (s, cmd->txn))
    return ERTMP_OK;

  ertmp_session_send_control (s, ERTMP_MSG_WINDOW_ACK_SIZE, s->cfg_window);
  bw[0] = s->cfg_window >> 24;
  bw[1] = s->cfg_window >> 16;
  bw[2] = s->cfg_window >> 8;
  bw[3] = s->cfg_window;
  bw[4] = 2; /* dynamic */
  ertmp_session_write (
      s, ERTMP_SESSION_CSID_CONTROL, ERTMP_MSG_SET_PEER_BANDWIDTH, 0, 0, bw, 5);
  ertmp_session_send_chunk_size (s, s->cfg_chunk_size);
  send_connect_result (s, cmd->txn);
  s->state = ERTMP_SESSION_STATE_CONNECTED;

  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_CONNECTED, 0);
  q->ev.connected.app = s->app;
  q->ev.connected.tc_url = s->tc_url;
  q->ev.connected.flash_ver = s->peer_flash_ver;
  q->ev.connected.object_encoding = s->object_encoding;
  q->ev.connected.caps = &s->peer_caps;
  return ERTMP_OK;
}

/* "_result", txn, null, undefined: only when a reply is expected */
static void
send_void_result (ertmp_session * s, gdouble txn)
{
  GByteArray * body;

  if (txn == 0)
    return;
  body = ertmp_session_cmd_begin ("_result", txn);
  ertmp_amf0_put_null (body);
  ertmp_session_put_value (body, ertmp_amf_new (ERTMP_AMF_UNDEFINED));
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
}

/* onFCPublish / onFCUnpublish, 0, null, {code, description: name} (the
 * name without its "?query": keys are not sent back) */
static void
send_fc_status (ertmp_session * s, const gchar * command, const gchar * code,
    const gchar * name)
{
  GByteArray * body = ertmp_session_cmd_begin (command, 0);
  ertmp_amf_value * info = ertmp_amf_new (ERTMP_AMF_OBJECT);
  gchar * desc = ertmp_session_server_describe ("", name, "");

  ertmp_amf0_put_null (body);
  ertmp_amf_add_string (info, "code", code);
  ertmp_amf_add_string (info, "description", desc);
  g_free (desc);
  ertmp_session_put_value (body, info);
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
}

static ertmp_result
on_release_stream (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  send_void_result (s, cmd->txn);
  return ERTMP_OK;
}

static ertmp_result
on_fc_publish (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  send_void_result (s, cmd->txn);
  send_fc_status (s, "onFCPublish", "NetStream.Publish.Start",
      ertmp_session_cmd_arg_string (cmd, 1));
  return ERTMP_OK;
}

/* A free slot with the lowest unused msid >= 1, or NULL (max_streams). */
ertmp_session_stream *
ertmp_session_server_new_stream (ertmp_session * s, guint32 msid)
{
  guint i;

  if (msid == 0)
    for (msid = 1; ertmp_session_server_find_stream (s, msid) != NULL; msid++)
      ;
  for (i = 0; i < s->limits.max_streams; i++) {
    if (s->streams[i].state == ERTMP_STREAM_FREE) {
      s->streams[i].msid = msid;
      s->streams[i].state = ERTMP_STREAM_CREATED;
      return &s->streams[i];
    }
  }
  return NULL;
}

static ertmp_result
on_create_stream (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  ertmp_session_stream * st = ertmp_session_server_new_stream (s, 0);
  GByteArray * body;

  if (st == NULL)
    return ertmp_session_fail_limit (
        s, ERTMP_LIMIT_MAX_STREAMS, "createStream");
  body = ertmp_session_cmd_begin ("_result", cmd->txn);
  ertmp_amf0_put_null (body);
  ertmp_amf0_put_number (body, st->msid);
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
  return ERTMP_OK;
}

static const gchar *
publish_type (const gchar * type)
{
  if (g_strcmp0 (type, "record") == 0 || g_strcmp0 (type, "append") == 0)
    return type;
  return "live"; /* unknown types too (rtmp.md 7.3) */
}

static ertmp_result
on_publish (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  const gchar * name = ertmp_session_cmd_arg_string (cmd, 1);
  ertmp_session_stream * st;
  ertmp_session_qevent * q;

  if (name == NULL)
    return ertmp_session_fail (
        s, ERTMP_MALFORMED, "publish: stream name is not a string");
  if (cmd->msid == 0)
    return ertmp_session_fail (
        s, ERTMP_MALFORMED, "publish: sent on message stream 0");
  st = ertmp_session_server_find_stream (s, cmd->msid);
  if (st == NULL &&
      (st = ertmp_session_server_new_stream (s, cmd->msid)) == NULL)
    return ertmp_session_fail_limit (s, ERTMP_LIMIT_MAX_STREAMS, "publish");
  if (st->state == ERTMP_STREAM_PENDING || st->state == ERTMP_STREAM_PUBLISHING)
    return ertmp_session_fail (s, ERTMP_MALFORMED,
        "publish: stream %u is already publishing", st->msid);
  if (st->state == ERTMP_STREAM_PLAY_PENDING ||
      st->state == ERTMP_STREAM_PLAYING)
    return ertmp_session_fail (
        s, ERTMP_MALFORMED, "publish: stream %u is playing", st->msid);
  st->state = ERTMP_STREAM_PENDING;
  g_free (st->name);
  st->name = g_strdup (name);
  if (ertmp_session_server_refuse_token (
          s, st, "publish", "NetStream.Publish.Unauthorized"))
    return ERTMP_OK;

  q = ertmp_session_push_event (
      s, ERTMP_SESSION_EVENT_PUBLISH_REQUEST, st->msid);
  q->ev.publish.name = ertmp_session_qevent_keep (q, name);
  q->ev.publish.type = ertmp_session_qevent_keep (
      q, publish_type (ertmp_session_cmd_arg_string (cmd, 2)));
  return ERTMP_OK;
}

/* END_OF_STREAM once for a stream that was publishing or asking to (TRUE);
 * a playing one gives PLAY_ENDED instead (FALSE: nothing to answer). */
static gboolean
end_stream (ertmp_session * s, ertmp_session_stream * st, const gchar * command)
{
  ertmp_session_qevent * q;

  if (st != NULL &&
      (st->state == ERTMP_STREAM_PLAY_PENDING ||
          st->state == ERTMP_STREAM_PLAYING)) {
    st->state = ERTMP_STREAM_ENDED;
    q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_PLAY_ENDED, st->msid);
    q->ev.end_of_stream.command = command;
    return FALSE;
  }
  if (st == NULL ||
      (st->state != ERTMP_STREAM_PENDING &&
          st->state != ERTMP_STREAM_PUBLISHING))
    return FALSE;
  st->state = ERTMP_STREAM_ENDED;
  update_state (s);
  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_END_OF_STREAM, st->msid);
  q->ev.end_of_stream.command = command;
  return TRUE;
}

/* Ends every stream published under @name; frees them too when @free */
static void
end_streams_named (ertmp_session * s, const gchar * name, const gchar * command,
    gboolean free_them)
{
  guint i;

  for (i = 0; i < s->limits.max_streams && name != NULL; i++) {
    ertmp_session_stream * st = &s->streams[i];

    if (st->state == ERTMP_STREAM_FREE || g_strcmp0 (st->name, name) != 0)
      continue;
    /* FCUnpublish is a publisher's: a playing stream of that name stays */
    if (!free_them &&
        (st->state == ERTMP_STREAM_PLAY_PENDING ||
            st->state == ERTMP_STREAM_PLAYING))
      continue;
    end_stream (s, st, command);
    if (free_them) {
      g_clear_pointer (&st->name, g_free);
      st->state = ERTMP_STREAM_FREE;
    }
  }
}

static ertmp_result
on_fc_unpublish (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  const gchar * name = ertmp_session_cmd_arg_string (cmd, 1);

  send_void_result (s, cmd->txn);
  send_fc_status (s, "onFCUnpublish", "NetStream.Unpublish.Success", name);
  end_streams_named (s, name, "FCUnpublish", FALSE);
  return ERTMP_OK;
}

/* A teardown command never fails the session (rtmp.md 8.4): GStreamer
 * 1.22 rtmp2 sends the stream name in place of the id, and anything else
 * that is not a stream id is ignored. */
static ertmp_result
on_delete_stream (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  ertmp_session_stream * st;
  guint32 msid;

  if (!ertmp_session_cmd_arg_msid (cmd, 1, &msid)) {
    end_streams_named (
        s, ertmp_session_cmd_arg_string (cmd, 1), "deleteStream", TRUE);
    return ERTMP_OK;
  }
  st = ertmp_session_server_find_stream (s, msid);
  if (st == NULL)
    return ERTMP_OK;
  end_stream (s, st, "deleteStream");
  g_clear_pointer (&st->name, g_free);
  st->state = ERTMP_STREAM_FREE;
  return ERTMP_OK;
}

static void
send_unpublished (ertmp_session * s, ertmp_session_stream * st)
{
  gchar * desc =
      ertmp_session_server_describe ("", st->name, " is now unpublished.");

  ertmp_session_server_send_status (s, ERTMP_SESSION_CSID_STREAM, st->msid,
      "status", "NetStream.Unpublish.Success", desc);
  g_free (desc);
}

static ertmp_result
on_close_stream (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  ertmp_session_stream * st = ertmp_session_server_find_stream (s, cmd->msid);

  if (end_stream (s, st, "closeStream"))
    send_unpublished (s, st);
  return ERTMP_OK;
}

static ertmp_result
on_token_response (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  ertmp_session_server_on_token_response (s, cmd);
  return ERTMP_OK;
}

typedef ertmp_result (*command_handler) (
    ertmp_session * s, const ertmp_session_cmd * cmd);

static const struct
{
  const gchar * name;
  command_handler handler;
} server_commands[] = {
  { "connect", on_connect },
  { "releaseStream", on_release_stream },
  { "FCPublish", on_fc_publish },
  { "createStream", on_create_stream },
  { "publish", on_publish },
  { "play", ertmp_session_server_on_play },
  { "FCUnpublish", on_fc_unpublish },
  { "deleteStream", on_delete_stream },
  { "closeStream", on_close_stream },
  { "secureTokenResponse", on_token_response },
};

ertmp_result
ertmp_session_server_command (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (server_commands); i++) {
    if (strcmp (cmd->name, server_commands[i].name) != 0)
      continue;
    if (i > 0 && s->state == ERTMP_SESSION_STATE_CONNECTING)
      return ertmp_session_fail (
          s, ERTMP_MALFORMED, "%s: received before connect", cmd->name);
    return server_commands[i].handler (s, cmd);
  }
  ertmp_session_push_command (s, cmd);
  return ERTMP_OK;
}

/* ---- calls ----------------------------------------------------------- */

static ertmp_session_stream *
pending_stream (ertmp_session * s, guint32 msid)
{
  ertmp_session_stream * st;

  if (s->role != ERTMP_SESSION_SERVER ||
      (s->state != ERTMP_SESSION_STATE_CONNECTED &&
          s->state != ERTMP_SESSION_STATE_PUBLISHING))
    return NULL;
  st = ertmp_session_server_find_stream (s, msid);
  return st && st->state == ERTMP_STREAM_PENDING ? st : NULL;
}

ertmp_result
ertmp_session_accept_publish (ertmp_session * s, guint32 msid)
{
  ertmp_session_stream * st;
  gchar * desc;
  gsize n;

  g_return_val_if_fail (s != NULL, ERTMP_STATE);

  if ((st = pending_stream (s, msid)) == NULL)
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, REPLY_ROOM + strlen (st->name)))
    return ERTMP_LIMIT;
  /* the name without "?query": keys stay out of the description */
  n = strcspn (st->name, "?");
  desc = g_strdup_printf ("Publishing %.*s.", (int) n, st->name);
  ertmp_session_send_user_control (s, ERTMP_UC_STREAM_BEGIN, msid);
  ertmp_session_server_send_status (s, ERTMP_SESSION_CSID_STREAM, msid,
      "status", "NetStream.Publish.Start", desc);
  g_free (desc);
  st->state = ERTMP_STREAM_PUBLISHING;
  s->state = ERTMP_SESSION_STATE_PUBLISHING;
  return ERTMP_OK;
}

ertmp_result
ertmp_session_reject_publish (ertmp_session * s, guint32 msid,
    ertmp_session_reject reason, const gchar * description)
{
  static const gchar * codes[][2] = {
    { "NetStream.Publish.BadName", "Bad stream name." },
    { "NetStream.Publish.Unauthorized", "Not authorized." },
  };
  ertmp_session_stream * st;

  g_return_val_if_fail (s != NULL, ERTMP_STATE);
  g_return_val_if_fail ((guint) reason < G_N_ELEMENTS (codes), ERTMP_STATE);

  if ((st = pending_stream (s, msid)) == NULL)
    return ERTMP_STATE;
  return ertmp_session_server_refuse (
      s, st, codes[reason][0], description ? description : codes[reason][1]);
}

ertmp_result
ertmp_session_server_refuse (ertmp_session * s, ertmp_session_stream * st,
    const gchar * code, const gchar * description)
{
  if (!ertmp_session_has_room (s, REPLY_ROOM + strlen (description)))
    return ERTMP_LIMIT;
  ertmp_session_server_send_status (
      s, ERTMP_SESSION_CSID_STREAM, st->msid, "error", code, description);
  st->state = ERTMP_STREAM_ENDED;
  s->state = ERTMP_SESSION_STATE_CLOSING;
  return ERTMP_OK;
}

gboolean
ertmp_session_server_refuse_token (ertmp_session * s, ertmp_session_stream * st,
    const gchar * command, const gchar * code)
{
  static const gchar why[] = "secureTokenResponse missing or wrong";
  ertmp_session_qevent * q;

  if (ertmp_session_server_token_ok (s))
    return FALSE;
  /* authentication first: nothing about the stream is said */
  if (ertmp_session_server_refuse (s, st, code, why) != ERTMP_OK) {
    /* no room for the refusal: the peer goes all the same */
    ertmp_session_fail_limit (s, ERTMP_LIMIT_MAX_OUTPUT_BYTES, command);
    return TRUE;
  }
  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_ERROR, st->msid);
  q->ev.status.command = command;
  q->ev.status.level = "error";
  q->ev.status.code = code;
  q->ev.status.description = why;
  return TRUE;
}

/* onStatus, 0, null, {code, description, level, tcUrl} on msid 0, in the
 * order of test-vectors.md 3.9 */
ertmp_result
ertmp_session_request_reconnect (
    ertmp_session * s, const gchar * tc_url, const gchar * description)
{
  GByteArray * body;
  ertmp_amf_value * info;

  g_return_val_if_fail (s != NULL, ERTMP_STATE);

  if (s->role != ERTMP_SESSION_SERVER ||
      (s->state != ERTMP_SESSION_STATE_CONNECTED &&
          s->state != ERTMP_SESSION_STATE_PUBLISHING))
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s,
          REPLY_ROOM + (tc_url ? strlen (tc_url) : 0) +
              (description ? strlen (description) : 0)))
    return ERTMP_LIMIT;
  body = ertmp_session_cmd_begin ("onStatus", 0);
  ertmp_amf0_put_null (body);
  info = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_amf_add_string (info, "code", "NetConnection.Connect.ReconnectRequest");
  if (description != NULL)
    ertmp_amf_add_string (info, "description", description);
  ertmp_amf_add_string (info, "level", "status");
  if (tc_url != NULL)
    ertmp_amf_add_string (info, "tcUrl", tc_url);
  ertmp_session_put_value (body, info);
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
  return ERTMP_OK;
}

/* StreamEOF + onStatus NetStream.Unpublish.Success per publishing stream,
 * StreamEOF + NetStream.Play.Stop per playing one */
ertmp_result
ertmp_session_server_close (ertmp_session * s)
{
  gsize room = 0;
  guint i;

  /* each reply names its stream: room for all of them, or nothing */
  for (i = 0; i < s->limits.max_streams; i++)
    if (s->streams[i].state == ERTMP_STREAM_PLAYING ||
        s->streams[i].state == ERTMP_STREAM_PUBLISHING)
      room += REPLY_ROOM + strlen (s->streams[i].name);
  if (!ertmp_session_has_room (s, room))
    return ERTMP_LIMIT;
  for (i = 0; i < s->limits.max_streams; i++) {
    ertmp_session_stream * st = &s->streams[i];

    if (st->state == ERTMP_STREAM_PLAYING)
      ertmp_session_server_stop_play (s, st, FALSE);
    if (st->state != ERTMP_STREAM_PUBLISHING)
      continue;
    ertmp_session_send_user_control (s, ERTMP_UC_STREAM_EOF, st->msid);
    send_unpublished (s, st);
    st->state = ERTMP_STREAM_ENDED;
  }
  return ERTMP_OK;
}
