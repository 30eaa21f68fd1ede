/* gst-ertmp: the client role of a session (a publisher)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * connect with optional E-RTMP caps (ertmp.md 9), the FMLE publish sequence
 * releaseStream, FCPublish, createStream sent back-to-back, publish once the
 * stream exists, replies matched by transaction id and onStatus by code
 * (rtmp.md 7, 8), media and metadata, the teardown, and the Reconnect
 * Request (ertmp.md 10).
 */
#include "ertmp_session_private.h"
#include "ertmp_url.h"

#include <string.h>

#define DEFAULT_FLASH_VER "FMLE/3.0 (compatible; FMSc/1.0)"
/* bytes; room checked before the calls below queue their few messages */
#define REQUEST_ROOM 1024u

/* AMF0 "onMetaData" string: marker, u16 length, bytes */
static const guint8 on_metadata[] = { 0x02, 0x00, 0x0a, 'o', 'n', 'M', 'e', 't',
  'a', 'D', 'a', 't', 'a' };

void
ertmp_session_client_clear (ertmp_session * s)
{
  g_clear_pointer (&s->flash_ver, g_free);
  g_clear_pointer (&s->swf_url, g_free);
  g_clear_pointer (&s->connect_extra, ertmp_amf_value_unref);
  g_clear_pointer (&s->connect_args, g_ptr_array_unref);
  g_clear_pointer (&s->publish_name, g_free);
  g_clear_pointer (&s->publish_type, g_free);
  g_clear_pointer (&s->play_name, g_free);
}

/* "connect", txn, {app, type, flashVer, tcUrl, [swfUrl], [caps], [extra]},
 * [args] (test-vectors.md 3.1, 3.3) */
static void
send_connect (ertmp_session * s)
{
  GByteArray * body;
  ertmp_amf_value * obj = ertmp_amf_new (ERTMP_AMF_OBJECT);
  guint i;

  /* a smaller size waits (send_fmle_sequence) */
  if (s->cfg_chunk_size > ERTMP_CHUNK_SIZE_DEFAULT)
    ertmp_session_send_chunk_size (s, s->cfg_chunk_size);
  s->txn_connect = s->next_txn++;
  body = ertmp_session_cmd_begin ("connect", s->txn_connect);
  ertmp_amf_add_string (obj, "app", s->app);
  ertmp_amf_add_string (obj, "type", "nonprivate");
  ertmp_amf_add_string (obj, "flashVer", s->flash_ver);
  ertmp_amf_add_string (obj, "tcUrl", s->tc_url);
  if (s->swf_url)
    ertmp_amf_add_string (obj, "swfUrl", s->swf_url);
  ertmp_caps_write (&s->local_caps, obj);
  for (i = 0; s->connect_extra && i < ertmp_amf_n_props (s->connect_extra);
       i++) {
    const ertmp_amf_prop * p =
        &g_array_index (s->connect_extra->props, ertmp_amf_prop, i);
    ertmp_amf_add (obj, p->name, ertmp_amf_value_ref (p->value));
  }
  ertmp_session_put_value (body, obj);
  for (i = 0; s->connect_args && i < s->connect_args->len; i++)
    ertmp_amf0_encode (body, g_ptr_array_index (s->connect_args, i));
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
}

ertmp_result
ertmp_session_client_handshake_done (ertmp_session * s)
{
  if (s->connect_requested)
    send_connect (s);
  return ERTMP_OK;
}

ertmp_result
ertmp_session_connect (
    ertmp_session * s, const ertmp_session_connect_params * p)
{
  guint i;

  g_return_val_if_fail (s != NULL && p != NULL, ERTMP_STATE);
  g_return_val_if_fail (p->tc_url != NULL && p->app != NULL, ERTMP_STATE);
  g_return_val_if_fail (
      p->extra == NULL || p->extra->type == ERTMP_AMF_OBJECT, ERTMP_STATE);

  if (s->role != ERTMP_SESSION_CLIENT || s->connect_requested ||
      (s->state != ERTMP_SESSION_STATE_HANDSHAKE &&
          s->state != ERTMP_SESSION_STATE_CONNECTING))
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, REQUEST_ROOM))
    return ERTMP_LIMIT;
  s->connect_requested = TRUE;
  s->tc_url = g_strdup (p->tc_url);
  s->app = g_strdup (p->app);
  s->flash_ver = g_strdup (p->flash_ver ? p->flash_ver : DEFAULT_FLASH_VER);
  s->swf_url = g_strdup (p->swf_url);
  s->secure_token = g_strdup (p->secure_token);
  if (p->extra)
    s->connect_extra = ertmp_amf_value_ref ((ertmp_amf_value *) p->extra);
  if (p->args) {
    s->connect_args =
        g_ptr_array_new_with_free_func ((GDestroyNotify) ertmp_amf_value_unref);
    for (i = 0; i < p->args->len; i++)
      g_ptr_array_add (s->connect_args,
          ertmp_amf_value_ref (g_ptr_array_index (p->args, i)));
  }
  if (s->state == ERTMP_SESSION_STATE_CONNECTING)
    send_connect (s);
  return ERTMP_OK;
}

/* "name", txn, null[, string] on msid 0 */
static gdouble
send_request (ertmp_session * s, const gchar * name, const gchar * arg)
{
  gdouble txn = s->next_txn++;
  GByteArray * body = ertmp_session_cmd_begin (name, txn);

  ertmp_amf0_put_null (body);
  if (arg)
    ertmp_amf0_put_string (body, arg);
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
  return txn;
}

/* Back-to-back, without waiting for replies (rtmp.md 7.2, 8.1) */
static void
send_fmle_sequence (ertmp_session * s)
{
  s->txn_release = send_request (s, "releaseStream", s->publish_name);
  s->txn_fcpublish = send_request (s, "FCPublish", s->publish_name);
  s->txn_create = send_request (s, "createStream", NULL);
  s->publish_sent = TRUE;
  /* A chunk size below the default goes last, before a reply is awaited:
   * nginx-rtmp moves what it read after Set Chunk Size into buffers of
   * the new size, and more than fits there breaks the connection. */
  if (s->cfg_chunk_size < ERTMP_CHUNK_SIZE_DEFAULT)
    ertmp_session_send_chunk_size (s, s->cfg_chunk_size);
}

gboolean
ertmp_session_client_may_start (const ertmp_session * s)
{
  return s->role == ERTMP_SESSION_CLIENT && s->connect_requested &&
      s->publish_name == NULL && s->play_name == NULL &&
      (s->state == ERTMP_SESSION_STATE_HANDSHAKE ||
          s->state == ERTMP_SESSION_STATE_CONNECTING ||
          s->state == ERTMP_SESSION_STATE_CONNECTED);
}

ertmp_result
ertmp_session_publish (
    ertmp_session * s, const gchar * name, const gchar * type)
{
  g_return_val_if_fail (s != NULL && name != NULL, ERTMP_STATE);

  if (!ertmp_session_client_may_start (s))
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, REQUEST_ROOM + 2 * strlen (name)))
    return ERTMP_LIMIT;
  s->publish_name = g_strdup (name);
  s->publish_type = g_strdup (type ? type : "live");
  if (s->state == ERTMP_SESSION_STATE_CONNECTED)
    send_fmle_sequence (s);
  return ERTMP_OK;
}

/* ---- replies --------------------------------------------------------- */

static ertmp_result
on_connect_result (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  const ertmp_amf_value * props = ertmp_session_cmd_arg (cmd, 0);
  const ertmp_amf_value * info = ertmp_session_cmd_arg (cmd, 1);
  ertmp_session_qevent * q;
  gdouble enc = 0;

  /* E-RTMP caps: in either object (ertmp.md 9) */
  if (ertmp_session_is_object (props)) {
    ertmp_caps_read (&s->peer_caps, props);
    s->peer_flash_ver = g_strdup (ertmp_amf_get_prop_string (props, "fmsVer"));
  }
  if (ertmp_session_is_object (info)) {
    ertmp_caps_read (&s->peer_caps, info);
    if (ertmp_amf_get_prop_number (info, "objectEncoding", &enc) && enc == 3)
      s->object_encoding = 3;
  }
  s->state = ERTMP_SESSION_STATE_CONNECTED;
  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_CONNECTED, 0);
  q->ev.connected.fms_ver = s->peer_flash_ver;
  q->ev.connected.description = ertmp_session_is_object (info)
      ? ertmp_session_qevent_keep (
            q, ertmp_amf_get_prop_string (info, "description"))
      : NULL;
  q->ev.connected.object_encoding = s->object_encoding;
  q->ev.connected.caps = &s->peer_caps;
  if (ertmp_session_is_object (info))
    ertmp_session_client_answer_token (s, info);
  if (s->publish_name != NULL && s->state == ERTMP_SESSION_STATE_CONNECTED)
    send_fmle_sequence (s);
  if (s->play_name != NULL && s->state == ERTMP_SESSION_STATE_CONNECTED)
    ertmp_session_client_send_play_create (s);
  return ERTMP_OK;
}

static ertmp_result
on_create_result (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  GByteArray * body;
  guint32 msid;

  if (!ertmp_session_cmd_arg_msid (cmd, 1, &msid) || msid == 0)
    return ertmp_session_fail (s, ERTMP_MALFORMED,
        "createStream _result: stream id is not a number >= 1");
  s->publish_msid = msid;
  s->txn_publish = s->next_txn++;
  body = ertmp_session_cmd_begin ("publish", s->txn_publish);
  ertmp_amf0_put_null (body);
  ertmp_amf0_put_string (body, s->publish_name);
  ertmp_amf0_put_string (body, s->publish_type);
  ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, s->publish_msid, body);
  return ERTMP_OK;
}

/* STATUS or ERROR event from an info object (may be NULL) */
static void
push_status (ertmp_session * s, ertmp_session_event_type type, guint32 msid,
    const gchar * command, const ertmp_amf_value * info)
{
  ertmp_session_qevent * q = ertmp_session_push_event (s, type, msid);

  q->ev.status.command = ertmp_session_qevent_keep (q, command);
  if (!ertmp_session_is_object (info))
    return;
  q->ev.status.level =
      ertmp_session_qevent_keep (q, ertmp_amf_get_prop_string (info, "level"));
  q->ev.status.code =
      ertmp_session_qevent_keep (q, ertmp_amf_get_prop_string (info, "code"));
  q->ev.status.description = ertmp_session_qevent_keep (
      q, ertmp_amf_get_prop_string (info, "description"));
}

static void
push_error (ertmp_session * s, guint32 msid, const gchar * command,
    const ertmp_amf_value * info)
{
  push_status (s, ERTMP_SESSION_EVENT_ERROR, msid, command, info);
  s->state = ERTMP_SESSION_STATE_CLOSING;
}

static ertmp_result
on_result (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  if (cmd->txn == 0)
    return ERTMP_OK;
  if (cmd->txn == s->txn_connect && s->state == ERTMP_SESSION_STATE_CONNECTING)
    return on_connect_result (s, cmd);
  if (s->publish_sent && cmd->txn == s->txn_create && s->publish_msid == 0)
    return on_create_result (s, cmd);
  if (s->play_sent && cmd->txn == s->txn_play_create && s->play_msid == 0)
    return ertmp_session_client_on_play_created (s, cmd);
  return ERTMP_OK; /* releaseStream, FCPublish, publish */
}

static ertmp_result
on_error (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  const ertmp_amf_value * info = ertmp_session_cmd_arg (cmd, 1);

  if (cmd->txn == 0)
    push_status (s, ERTMP_SESSION_EVENT_STATUS, cmd->msid, "_error", info);
  else if (cmd->txn == s->txn_connect)
    push_error (s, cmd->msid, "connect", info);
  else if ((s->publish_sent && cmd->txn == s->txn_create) ||
      (s->play_sent && cmd->txn == s->txn_play_create))
    push_error (s, cmd->msid, "createStream", info);
  else if (s->publish_msid != 0 && cmd->txn == s->txn_publish)
    push_error (s, cmd->msid, "publish", info);
  else if (s->play_msid != 0 && cmd->txn == s->txn_play)
    push_error (s, cmd->msid, "play", info);
  else if (s->publish_sent && cmd->txn == s->txn_release)
    push_status (
        s, ERTMP_SESSION_EVENT_STATUS, cmd->msid, "releaseStream", info);
  else if (s->publish_sent && cmd->txn == s->txn_fcpublish)
    push_status (s, ERTMP_SESSION_EVENT_STATUS, cmd->msid, "FCPublish", info);
  else
    push_status (s, ERTMP_SESSION_EVENT_STATUS, cmd->msid, "_error", info);
  return ERTMP_OK;
}

/* New target: tcUrl resolved against ours, or ours (ertmp.md 10) */
static void
on_reconnect_request (
    ertmp_session * s, guint32 msid, const ertmp_amf_value * info)
{
  const gchar * ref = ertmp_amf_get_prop_string (info, "tcUrl");
  gchar * url = ref ? ertmp_url_resolve (s->tc_url, ref) : g_strdup (s->tc_url);
  ertmp_session_qevent * q;

  if (url == NULL) {
    ertmp_session_push_warning (
        s, ERTMP_MALFORMED, "ReconnectRequest: unusable tcUrl \"%s\"", ref);
    return;
  }
  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_RECONNECT_REQUEST, msid);
  q->strs[q->n_strs++] = url;
  q->ev.reconnect.tc_url = url;
  q->ev.reconnect.description = ertmp_session_qevent_keep (
      q, ertmp_amf_get_prop_string (info, "description"));
}

/* onStatus is matched by code, whatever its txn (SRS sends 0) */
static ertmp_result
on_status (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  const ertmp_amf_value * info = ertmp_session_cmd_arg (cmd, 1);
  const gchar * code;
  ertmp_session_qevent * q;

  if (!ertmp_session_is_object (info))
    info = ertmp_session_cmd_arg (cmd, 0);
  if (!ertmp_session_is_object (info))
    return ertmp_session_fail (s, ERTMP_MALFORMED, "onStatus: no info object");
  code = ertmp_amf_get_prop_string (info, "code");
  if (g_strcmp0 (code, "NetStream.Publish.Start") == 0 &&
      s->publish_msid != 0 && s->state == ERTMP_SESSION_STATE_CONNECTED) {
    s->state = ERTMP_SESSION_STATE_PUBLISHING;
    q = ertmp_session_push_event (
        s, ERTMP_SESSION_EVENT_PUBLISH_STARTED, s->publish_msid);
    q->ev.publish.name = s->publish_name;
    q->ev.publish.type = s->publish_type;
  } else if (g_strcmp0 (code, "NetStream.Play.Start") == 0 &&
      s->play_msid != 0 && !s->play_started &&
      (cmd->msid == s->play_msid || cmd->msid == 0)) {
    /* once; on the stream or, from some servers, on msid 0 */
    s->play_started = TRUE;
    q = ertmp_session_push_event (
        s, ERTMP_SESSION_EVENT_PLAY_STARTED, s->play_msid);
    q->ev.play.name = s->play_name;
    q->ev.play.start = s->play_start;
    q->ev.play.duration = -1;
    q->ev.play.reset = TRUE;
  } else if (g_strcmp0 (code, "NetConnection.Connect.ReconnectRequest") == 0) {
    on_reconnect_request (s, cmd->msid, info);
  } else if (g_strcmp0 (ertmp_amf_get_prop_string (info, "level"), "error") ==
      0) {
    push_error (s, cmd->msid, "onStatus", info);
  } else {
    push_status (s, ERTMP_SESSION_EVENT_STATUS, cmd->msid, "onStatus", info);
  }
  return ERTMP_OK;
}

ertmp_result
ertmp_session_client_command (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  if (strcmp (cmd->name, "_result") == 0)
    return on_result (s, cmd);
  if (strcmp (cmd->name, "_error") == 0)
    return on_error (s, cmd);
  if (strcmp (cmd->name, "onStatus") == 0)
    return on_status (s, cmd);
  ertmp_session_push_command (s, cmd);
  return ERTMP_OK;
}

/* ---- media ----------------------------------------------------------- */

ertmp_result
ertmp_session_send_media (ertmp_session * s, guint8 type_id, gint64 timestamp,
    const guint8 * data, gsize len)
{
  g_return_val_if_fail (s != NULL && (data != NULL || len == 0), ERTMP_STATE);

  if (s->role != ERTMP_SESSION_CLIENT ||
      s->state != ERTMP_SESSION_STATE_PUBLISHING ||
      (type_id != ERTMP_MSG_AUDIO && type_id != ERTMP_MSG_VIDEO) ||
      len > ERTMP_LIMIT_MESSAGE_SIZE_MAX)
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, len))
    return ERTMP_LIMIT;
  return ertmp_session_write (s,
      type_id == ERTMP_MSG_AUDIO ? ERTMP_SESSION_CSID_AUDIO
                                 : ERTMP_SESSION_CSID_VIDEO,
      type_id, s->publish_msid, (guint32) timestamp, data, len);
}

ertmp_result
ertmp_session_send_data (ertmp_session * s, guint8 type_id, gint64 timestamp,
    const guint8 * data, gsize len)
{
  GByteArray * body;
  ertmp_result res;

  g_return_val_if_fail (s != NULL && (data != NULL || len == 0), ERTMP_STATE);

  if (s->role != ERTMP_SESSION_CLIENT ||
      s->state != ERTMP_SESSION_STATE_PUBLISHING ||
      (type_id != ERTMP_MSG_DATA_AMF0 && type_id != ERTMP_MSG_DATA_AMF3) ||
      len > ERTMP_LIMIT_MESSAGE_SIZE_MAX - 16)
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, len + 16))
    return ERTMP_LIMIT;
  body = g_byte_array_sized_new ((guint) len + 17);
  if (type_id == ERTMP_MSG_DATA_AMF3)
    ertmp_put_u8 (body, 0); /* format selector (rtmp.md 4.1) */
  if (len >= sizeof (on_metadata) &&
      memcmp (data, on_metadata, sizeof (on_metadata)) == 0)
    ertmp_amf0_put_string (body, "@setDataFrame");
  ertmp_put_bytes (body, data, len);
  res = ertmp_session_write (s, ERTMP_SESSION_CSID_DATA, type_id,
      s->publish_msid, (guint32) timestamp, body->data, body->len);
  g_byte_array_unref (body);
  return res;
}

/* [FCUnpublish,] [closeStream,] [deleteStream] (rtmp.md 7.2); a player:
 * deleteStream */
ertmp_result
ertmp_session_client_close (ertmp_session * s)
{
  GByteArray * body;

  if (s->play_msid != 0) {
    if (!ertmp_session_has_room (s, REQUEST_ROOM))
      return ERTMP_LIMIT;
    body = ertmp_session_cmd_begin ("deleteStream", s->next_txn++);
    ertmp_amf0_put_null (body);
    ertmp_amf0_put_number (body, s->play_msid);
    ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
    return ERTMP_OK;
  }
  if (s->publish_msid == 0)
    return ERTMP_OK;
  if (!ertmp_session_has_room (s, REQUEST_ROOM + strlen (s->publish_name)))
    return ERTMP_LIMIT;
  if (s->stop_commands & ERTMP_SESSION_STOP_FCUNPUBLISH)
    send_request (s, "FCUnpublish", s->publish_name);
  if (s->stop_commands & ERTMP_SESSION_STOP_CLOSESTREAM) {
    body = ertmp_session_cmd_begin ("closeStream", 0);
    ertmp_amf0_put_null (body);
    ertmp_session_cmd_send (
        s, ERTMP_SESSION_CSID_COMMAND, s->publish_msid, body);
  }
  if (s->stop_commands & ERTMP_SESSION_STOP_DELETESTREAM) {
    body = ertmp_session_cmd_begin ("deleteStream", s->next_txn++);
    ertmp_amf0_put_null (body);
    ertmp_amf0_put_number (body, s->publish_msid);
    ertmp_session_cmd_send (s, ERTMP_SESSION_CSID_COMMAND, 0, body);
  }
  return ERTMP_OK;
}
