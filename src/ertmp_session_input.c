/* gst-ertmp: what the peer's messages do to a session
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each message the chunk stream completes: protocol control (rtmp.md 4-5),
 * user control (6), media, data (7.4), aggregates (4.2) with timestamp
 * unwrapping (9), and commands, decoded here and handed to the server or
 * client part.
 */
#include "ertmp_session_private.h"
#include "ertmp_time.h"

#include <string.h>

/* bytes of an aggregate sub-message header (rtmp.md 4.2) */
#define AGG_HEADER_SIZE 11u

/* ---- clocks ---------------------------------------------------------- */

/* rtmp.md 9: unwrapped = last + (int32) (ts - last_ts), per msid.  The
 * table is bounded; a msid beyond it takes the least recently used slot. */
static gint64
unwrap (ertmp_session * s, guint32 msid, guint32 ts)
{
  ertmp_session_clock *c = NULL, *oldest = &s->clocks[0];
  guint i;

  for (i = 0; i <= s->limits.max_streams; i++) {
    ertmp_session_clock * k = &s->clocks[i];

    if (k->used && k->msid == msid) {
      c = k;
      break;
    }
    if (!k->used || (oldest->used && k->touched < oldest->touched))
      oldest = k;
  }
  s->clock_tick++;
  if (c == NULL) {
    c = oldest;
    c->used = TRUE;
    c->msid = msid;
    c->last64 = ts;
  } else {
    c->last64 = ertmp_timestamp_unwrap (c->last64, ts);
  }
  c->touched = s->clock_tick;
  return c->last64;
}

/* ---- protocol control (rtmp.md 4, 5) ----------------------------------- */

static gboolean
read_u32 (const ertmp_chunk_message * msg, guint32 * v)
{
  ertmp_reader r;

  ertmp_reader_init (&r, msg->payload, msg->len);
  return ertmp_reader_u32be (&r, v);
}

/* Set Peer Bandwidth: hard sets, soft lowers, dynamic acts as hard after a
 * hard one (or as the first); answer when the limit differs from the Window
 * Ack Size we last sent. */
static ertmp_result
on_peer_bandwidth (ertmp_session * s, const ertmp_chunk_message * msg)
{
  guint32 w;
  guint8 type;

  if (msg->len < 5 || !read_u32 (msg, &w))
    return ertmp_session_fail (s, ERTMP_MALFORMED,
        "Set Peer Bandwidth: %" G_GSIZE_FORMAT " bytes, need 5", msg->len);
  type = msg->payload[4];
  if (type > 2)
    return ertmp_session_fail (
        s, ERTMP_MALFORMED, "Set Peer Bandwidth: limit type %u", type);
  if (type == 2 && s->peer_bw_type != -1 && s->peer_bw_type != 0)
    return ERTMP_OK;
  if (type == 1 && s->peer_bw_type != -1)
    w = MIN (w, s->peer_bw);
  s->peer_bw = w;
  s->peer_bw_type = type == 2 ? 0 : type;
  if (w != s->window_out)
    ertmp_session_send_control (s, ERTMP_MSG_WINDOW_ACK_SIZE, w);
  return ERTMP_OK;
}

static ertmp_result
on_control (ertmp_session * s, const ertmp_chunk_message * msg)
{
  static const gchar * names[] = { NULL, "Set Chunk Size", "Abort",
    "Acknowledgement", NULL, "Window Ack Size" };
  guint32 v;

  if (msg->type_id == ERTMP_MSG_SET_PEER_BANDWIDTH)
    return on_peer_bandwidth (s, msg);
  if (msg->len < 4 || !read_u32 (msg, &v))
    return ertmp_session_fail (s, ERTMP_MALFORMED,
        "%s: %" G_GSIZE_FORMAT " bytes, need 4", names[msg->type_id], msg->len);
  switch (msg->type_id) {
    case ERTMP_MSG_SET_CHUNK_SIZE:
      if (ertmp_chunk_reader_set_chunk_size (s->reader, v) != ERTMP_OK)
        return ertmp_session_fail (s, ERTMP_MALFORMED,
            "Set Chunk Size: invalid size %u (0x%08x)", v, v);
      break;
    case ERTMP_MSG_ABORT:
      ertmp_chunk_reader_abort (s->reader, v);
      break;
    case ERTMP_MSG_ACK:
      s->acks_in++;
      s->last_ack_in = v;
      break;
    case ERTMP_MSG_WINDOW_ACK_SIZE:
      if (v == 0)
        return ertmp_session_fail (
            s, ERTMP_MALFORMED, "Window Ack Size: window of 0 bytes");
      s->window_in = v;
      break;
    default:
      g_assert_not_reached ();
  }
  return ERTMP_OK;
}

/* rtmp.md 6: unknown and short events are ignored. */
static ertmp_result
on_user_control (ertmp_session * s, const ertmp_chunk_message * msg)
{
  ertmp_session_qevent * q;
  ertmp_reader r;
  guint16 event;
  guint32 value, buffer_ms = 0;

  ertmp_reader_init (&r, msg->payload, msg->len);
  if (!ertmp_reader_u16be (&r, &event) || !ertmp_reader_u32be (&r, &value))
    return ERTMP_OK;
  switch (event) {
    case ERTMP_UC_PING_REQUEST:
      ertmp_session_send_user_control (s, ERTMP_UC_PING_RESPONSE, value);
      return ERTMP_OK;
    case ERTMP_UC_SET_BUFFER_LENGTH:
      if (!ertmp_reader_u32be (&r, &buffer_ms))
        return ERTMP_OK;
      break;
    case ERTMP_UC_STREAM_BEGIN:
    case ERTMP_UC_STREAM_EOF:
    case ERTMP_UC_STREAM_DRY:
    case ERTMP_UC_STREAM_IS_RECORDED:
    case ERTMP_UC_PING_RESPONSE:
    case ERTMP_UC_BUFFER_EMPTY:
    case ERTMP_UC_BUFFER_READY:
      break;
    default:
      return ERTMP_OK;
  }
  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_USER_CONTROL, msg->msid);
  q->ev.user_control.type = event;
  q->ev.user_control.value = value;
  q->ev.user_control.buffer_ms = buffer_ms;
  return ERTMP_OK;
}

/* ---- media, data, aggregates ----------------------------------------- */

static void
push_media (ertmp_session * s, guint8 type_id, guint32 msid, guint32 ts,
    GBytes * payload)
{
  ertmp_session_qevent * q;

  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_MEDIA, msid);
  q->bytes = payload;
  q->ev.media.type_id = type_id;
  q->ev.media.timestamp = unwrap (s, msid, ts);
  q->ev.media.payload = payload;
}

/* Offset of the FLV script tag body: after the format byte (type 15) and
 * every leading "@setDataFrame" string (rtmp.md 7.4). */
static gsize
data_body_offset (
    ertmp_session * s, guint8 type_id, const guint8 * data, gsize len)
{
  gsize off = type_id == ERTMP_MSG_DATA_AMF3 ? 1 : 0;

  while (off < len) {
    ertmp_amf_value * v = NULL;
    ertmp_reader r;
    gboolean strip;

    ertmp_reader_init (&r, data, len);
    r.pos = off;
    ertmp_amf_decoder_reset (s->dec);
    if (ertmp_amf0_decode (s->dec, &r, &v) != ERTMP_OK)
      return off;
    strip = g_strcmp0 (ertmp_amf_get_string (v), "@setDataFrame") == 0;
    ertmp_amf_value_unref (v);
    if (!strip)
      return off;
    off = r.pos;
  }
  return off;
}

/* Takes @payload.  Undecodable data is dropped with a warning. */
static void
push_data (ertmp_session * s, guint8 type_id, guint32 msid, guint32 ts,
    GBytes * payload)
{
  ertmp_session_qevent * q;
  GPtrArray * values = NULL;
  gsize len, off = 0;
  const guint8 * data = g_bytes_get_data (payload, &len);
  ertmp_result res = ERTMP_MALFORMED;

  if (len > 0 || type_id == ERTMP_MSG_DATA_AMF0) {
    off = data_body_offset (s, type_id, data, len);
    if (off < len) {
      res = ertmp_amf0_decode_message (s->dec, data + off, len - off, &values);
    } else {
      res = ERTMP_OK;
      values = g_ptr_array_new ();
    }
  }
  if (res != ERTMP_OK) {
    ertmp_session_push_warning (s, res,
        "data message of %" G_GSIZE_FORMAT " bytes on stream %u dropped: %s",
        len, msid, ertmp_result_name (res));
    g_bytes_unref (payload);
    return;
  }
  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_DATA, msid);
  q->bytes = g_bytes_new_from_bytes (payload, off, len - off);
  g_bytes_unref (payload);
  q->values = ertmp_session_values_slice (values, MIN (1, values->len));
  q->ev.data.type_id = type_id;
  q->ev.data.timestamp = unwrap (s, msid, ts);
  q->ev.data.name = values->len
      ? ertmp_session_qevent_keep (
            q, ertmp_amf_get_string (g_ptr_array_index (values, 0)))
      : NULL;
  q->ev.data.values = q->values;
  q->ev.data.payload = q->bytes;
  g_ptr_array_unref (values);
}

static void
aggregate_stop (ertmp_session * s, const gchar * why, gsize left)
{
  if (why != NULL)
    ertmp_session_push_warning (s, ERTMP_MALFORMED,
        "aggregate on stream %u: %s (%" G_GSIZE_FORMAT " bytes left)",
        s->agg.msid, why, left);
  g_bytes_unref (s->agg.bytes);
  memset (&s->agg, 0, sizeof (s->agg));
}

/* Queues the event of the next sub-message (rtmp.md 4.2), or stops. */
void
ertmp_session_aggregate_next (ertmp_session * s)
{
  gsize len;
  const guint8 * data = g_bytes_get_data (s->agg.bytes, &len);
  guint32 msid = s->agg.msid, sub_len = 0, ts = 0, sid = 0;
  ertmp_reader r;
  guint8 type = 0, ts_ext = 0;
  GBytes * body;
  gsize left;

  ertmp_reader_init (&r, data, len);
  r.pos = s->agg.pos;
  if (ertmp_reader_remaining (&r) < AGG_HEADER_SIZE) {
    aggregate_stop (s,
        ertmp_reader_remaining (&r) ? "truncated sub-message header" : NULL,
        ertmp_reader_remaining (&r));
    return;
  }
  ertmp_reader_u8 (&r, &type);
  ertmp_reader_u24be (&r, &sub_len);
  ertmp_reader_u24be (&r, &ts);
  ertmp_reader_u8 (&r, &ts_ext);
  ertmp_reader_u24be (&r, &sid); /* ignored: the aggregate's msid wins */
  if (sub_len > ertmp_reader_remaining (&r)) {
    aggregate_stop (
        s, "sub-message length runs past the end", ertmp_reader_remaining (&r));
    return;
  }
  ts |= (guint32) ts_ext << 24;
  if (!s->agg.have_offset) {
    s->agg.offset = s->agg.timestamp - ts;
    s->agg.have_offset = TRUE;
  }
  ts += s->agg.offset;
  body = g_bytes_new_from_bytes (s->agg.bytes, r.pos, sub_len);
  r.pos += sub_len;
  /* back pointer (11 + sub_len, not checked); may be absent at the end */
  left = ertmp_reader_remaining (&r);
  s->agg.pos = r.pos + MIN (left, 4);

  s->messages_in[ertmp_session_kind_of (type)]++;
  if (type == ERTMP_MSG_AUDIO || type == ERTMP_MSG_VIDEO)
    push_media (s, type, msid, ts, body);
  else if (type == ERTMP_MSG_DATA_AMF0 || type == ERTMP_MSG_DATA_AMF3)
    push_data (s, type, msid, ts, body);
  else
    g_bytes_unref (body);
  if (left > 0 && left < 4)
    aggregate_stop (s, "truncated back pointer", left);
}

/* ---- messages -------------------------------------------------------- */

const ertmp_amf_value *
ertmp_session_cmd_arg (const ertmp_session_cmd * cmd, guint i)
{
  if (cmd->values->len <= 2 + i)
    return NULL;
  return g_ptr_array_index (cmd->values, 2 + i);
}

gboolean
ertmp_session_is_object (const ertmp_amf_value * v)
{
  return v != NULL &&
      (v->type == ERTMP_AMF_OBJECT || v->type == ERTMP_AMF_ECMA_ARRAY);
}

const gchar *
ertmp_session_cmd_arg_string (const ertmp_session_cmd * cmd, guint i)
{
  const ertmp_amf_value * v = ertmp_session_cmd_arg (cmd, i);

  return v ? ertmp_amf_get_string (v) : NULL;
}

gboolean
ertmp_session_cmd_arg_msid (
    const ertmp_session_cmd * cmd, guint i, guint32 * msid)
{
  const ertmp_amf_value * v = ertmp_session_cmd_arg (cmd, i);
  gdouble d;

  /* written so that NaN fails too: casting it would be undefined */
  if (v == NULL || !ertmp_amf_get_number (v, &d) ||
      !(d >= 0 && d <= G_MAXUINT32))
    return FALSE;
  *msid = (guint32) d;
  return TRUE;
}

static ertmp_result
on_command (ertmp_session * s, const ertmp_chunk_message * msg)
{
  ertmp_session_cmd cmd = { NULL, 0, NULL, msg->msid };
  gsize off = msg->type_id == ERTMP_MSG_COMMAND_AMF3 ? 1 : 0;
  ertmp_result res;

  if (msg->len < off)
    return ertmp_session_fail (
        s, ERTMP_MALFORMED, "AMF3 command message without format byte");
  res = ertmp_amf0_decode_message (
      s->dec, msg->payload + off, msg->len - off, &cmd.values);
  if (res == ERTMP_LIMIT)
    return ertmp_session_fail_limit (
        s, ertmp_amf_decoder_limit_hit (s->dec), "command message");
  if (res != ERTMP_OK)
    return ertmp_session_fail (s,
        res == ERTMP_NEED_MORE ? ERTMP_MALFORMED : res,
        "command message of %" G_GSIZE_FORMAT " bytes: bad AMF0 (%s)", msg->len,
        ertmp_result_name (res));
  /* a missing or non-number transaction id means 0, "no reply expected"
   * (rtmp.md 7.1): FFmpeg's -listen server sends a bare "onFCPublish" */
  if (cmd.values->len < 2 ||
      !ertmp_amf_get_number (g_ptr_array_index (cmd.values, 1), &cmd.txn))
    cmd.txn = 0;
  if (cmd.values->len < 1 ||
      (cmd.name = ertmp_amf_get_string (g_ptr_array_index (cmd.values, 0))) ==
          NULL) {
    res = ertmp_session_fail (
        s, ERTMP_MALFORMED, "command message: name is not a string");
  } else if (s->role == ERTMP_SESSION_SERVER) {
    res = ertmp_session_server_command (s, &cmd);
  } else {
    res = ertmp_session_client_command (s, &cmd);
  }
  g_ptr_array_unref (cmd.values);
  return res;
}

ertmp_result
ertmp_session_on_message (ertmp_session * s, const ertmp_chunk_message * msg)
{
  guint8 t = msg->type_id;

  s->messages_in[ertmp_session_kind_of (t)]++;
  switch (t) {
    case ERTMP_MSG_SET_CHUNK_SIZE:
    case ERTMP_MSG_ABORT:
    case ERTMP_MSG_ACK:
    case ERTMP_MSG_WINDOW_ACK_SIZE:
    case ERTMP_MSG_SET_PEER_BANDWIDTH:
      return on_control (s, msg);
    case ERTMP_MSG_USER_CONTROL:
      return on_user_control (s, msg);
    case ERTMP_MSG_AUDIO:
    case ERTMP_MSG_VIDEO:
      push_media (s, t, msg->msid, msg->timestamp,
          ertmp_chunk_reader_take_payload (s->reader));
      return ERTMP_OK;
    case ERTMP_MSG_DATA_AMF0:
    case ERTMP_MSG_DATA_AMF3:
      push_data (s, t, msg->msid, msg->timestamp,
          ertmp_chunk_reader_take_payload (s->reader));
      return ERTMP_OK;
    case ERTMP_MSG_COMMAND_AMF0:
    case ERTMP_MSG_COMMAND_AMF3:
      return on_command (s, msg);
    case ERTMP_MSG_AGGREGATE:
      s->agg.bytes = ertmp_chunk_reader_take_payload (s->reader);
      s->agg.msid = msg->msid;
      s->agg.timestamp = msg->timestamp;
      return ERTMP_OK;
    default:
      return ERTMP_OK; /* unknown types are skipped (rtmp.md 4) */
  }
}
