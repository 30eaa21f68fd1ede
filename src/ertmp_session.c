/* gst-ertmp: one RTMP connection, the parts both roles share
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Handshake and chunk stream plumbing, output buffer, acknowledgements
 * (rtmp.md 5), the event queue and the stats.  What each message received
 * does is in ertmp_session_input.c.
 */
#include "ertmp_session_private.h"

#include <stdarg.h>
#include <string.h>

#define DEFAULT_CHUNK_SIZE 4096u
#define DEFAULT_FMS_VER "FMS/3,0,1,123"

static void event_free (ertmp_session_qevent * q);

void
ertmp_session_config_init (ertmp_session_config * cfg, ertmp_session_role role)
{
  g_return_if_fail (cfg != NULL);

  memset (cfg, 0, sizeof (*cfg));
  cfg->role = role;
  ertmp_limits_init (&cfg->limits);
  cfg->chunk_size = DEFAULT_CHUNK_SIZE;
  cfg->window_ack_size = ERTMP_SESSION_WINDOW_DEFAULT;
  cfg->default_window_in = ERTMP_SESSION_WINDOW_DEFAULT;
  cfg->stop_commands = ERTMP_SESSION_STOP_FCUNPUBLISH
      | ERTMP_SESSION_STOP_DELETESTREAM;
}

ertmp_session *
ertmp_session_new (const ertmp_session_config * cfg)
{
  ertmp_session * s;
  gsize hs_len;
  const guint8 * hs_out;

  g_return_val_if_fail (cfg != NULL, NULL);
  g_return_val_if_fail (cfg->chunk_size >= ERTMP_LIMIT_CHUNK_SIZE_MIN &&
          cfg->chunk_size <= ERTMP_LIMIT_CHUNK_SIZE_MAX,
      NULL);
  g_return_val_if_fail (cfg->window_ack_size > 0, NULL);
  /* a table entry is allocated per stream */
  g_return_val_if_fail (cfg->limits.max_streams <= G_MAXUINT16, NULL);

  s = g_new0 (ertmp_session, 1);
  s->role = cfg->role;
  s->state = ERTMP_SESSION_STATE_HANDSHAKE;
  s->limits = cfg->limits;
  s->cfg_chunk_size = cfg->chunk_size;
  s->cfg_window = cfg->window_ack_size;
  s->fms_ver = g_strdup (cfg->fms_ver ? cfg->fms_ver : DEFAULT_FMS_VER);
  s->stop_commands = cfg->stop_commands;
  ertmp_caps_init (&s->local_caps);
  ertmp_caps_init (&s->peer_caps);
  if (cfg->caps != NULL)
    ertmp_caps_copy (&s->local_caps, cfg->caps);
  if (cfg->auth != NULL) {
    s->has_auth = TRUE;
    s->auth_llnw = cfg->auth->llnw;
    s->auth[0] = g_strdup (cfg->auth->user);
    s->auth[1] = g_strdup (cfg->auth->password);
    s->auth[2] = g_strdup (cfg->auth->salt);
    s->auth[3] = g_strdup (cfg->auth->challenge);
    s->auth[4] = g_strdup (cfg->auth->opaque);
  }
  if (cfg->secure_token != NULL) {
    s->secure_token = g_strdup (cfg->secure_token);
    /* the text the client must find: 16 hex digits from the seed */
    s->token_text = g_strdup_printf ("%08x%08x", cfg->handshake_seed,
        cfg->handshake_seed * 2654435761u + 1);
  }

  s->hs = ertmp_handshake_new (cfg->role == ERTMP_SESSION_CLIENT
          ? ERTMP_HANDSHAKE_CLIENT
          : ERTMP_HANDSHAKE_SERVER,
      cfg->handshake_time, cfg->handshake_seed);
  s->reader = ertmp_chunk_reader_new (&s->limits);
  s->writer = ertmp_chunk_writer_new ();
  s->dec = ertmp_amf_decoder_new (&s->limits);
  s->out = g_byte_array_new ();
  s->window_in = cfg->default_window_in;
  s->peer_bw_type = -1;
  g_queue_init (&s->events);
  s->streams = g_new0 (ertmp_session_stream, MAX (1, s->limits.max_streams));
  s->clocks = g_new0 (ertmp_session_clock, s->limits.max_streams + 1);
  s->next_txn = 1;

  hs_out = ertmp_handshake_pending_output (s->hs, &hs_len);
  ertmp_put_bytes (s->out, hs_out, hs_len);
  ertmp_handshake_output_written (s->hs, hs_len);
  return s;
}

void
ertmp_session_free (ertmp_session * s)
{
  guint i;

  if (s == NULL)
    return;
  if (s->hs)
    ertmp_handshake_free (s->hs);
  ertmp_chunk_reader_free (s->reader);
  ertmp_chunk_writer_free (s->writer);
  ertmp_amf_decoder_free (s->dec);
  g_byte_array_unref (s->out);
  g_free (s->error_message);
  if (s->current)
    event_free (s->current);
  g_queue_clear_full (&s->events, (GDestroyNotify) event_free);
  if (s->agg.bytes)
    g_bytes_unref (s->agg.bytes);
  for (i = 0; i < s->limits.max_streams; i++)
    g_free (s->streams[i].name);
  g_free (s->streams);
  g_free (s->clocks);
  ertmp_caps_clear (&s->local_caps);
  ertmp_caps_clear (&s->peer_caps);
  g_free (s->fms_ver);
  for (i = 0; i < G_N_ELEMENTS (s->auth); i++)
    g_free (s->auth[i]);
  g_free (s->secure_token);
  g_free (s->token_text);
  g_free (s->tc_url);
  g_free (s->app);
  g_free (s->peer_flash_ver);
  ertmp_session_client_clear (s);
  g_free (s);
}

/* ---- errors ---------------------------------------------------------- */

ertmp_result
ertmp_session_fail (
    ertmp_session * s, ertmp_result res, const gchar * format, ...)
{
  va_list args;

  g_assert (res != ERTMP_OK && res != ERTMP_NEED_MORE);
  s->state = ERTMP_SESSION_STATE_FAILED;
  s->error = res;
  g_free (s->error_message);
  va_start (args, format);
  s->error_message = g_strdup_vprintf (format, args);
  va_end (args);
  return res;
}

ertmp_result
ertmp_session_fail_limit (
    ertmp_session * s, ertmp_limit_id limit, const gchar * context)
{
  gchar * what = ertmp_limits_describe (&s->limits, limit);

  ertmp_session_fail (s, ERTMP_LIMIT, "%s: %s", context, what);
  s->error_limit = limit;
  g_free (what);
  return ERTMP_LIMIT;
}

ertmp_session_state
ertmp_session_get_state (const ertmp_session * s)
{
  g_return_val_if_fail (s != NULL, ERTMP_SESSION_STATE_FAILED);
  return s->state;
}

ertmp_result
ertmp_session_get_error (
    const ertmp_session * s, ertmp_limit_id * limit, const gchar ** message)
{
  g_return_val_if_fail (s != NULL, ERTMP_STATE);

  if (limit)
    *limit = s->error_limit;
  if (message)
    *message = s->error_message;
  return s->error;
}

/* ---- output ---------------------------------------------------------- */

const guint8 *
ertmp_session_pending_output (ertmp_session * s, gsize * len)
{
  g_return_val_if_fail (s != NULL && len != NULL, NULL);

  *len = s->out->len - s->out_pos;
  return *len ? s->out->data + s->out_pos : NULL;
}

void
ertmp_session_output_written (ertmp_session * s, gsize n)
{
  g_return_if_fail (s != NULL);
  g_return_if_fail (n <= s->out->len - s->out_pos);

  s->out_pos += n;
  s->bytes_out += n;
  if (s->out_pos == s->out->len) {
    g_byte_array_set_size (s->out, 0);
    s->out_pos = 0;
  } else if (s->out_pos >= 65536 && s->out_pos >= s->out->len / 2) {
    g_byte_array_remove_range (s->out, 0, (guint) s->out_pos);
    s->out_pos = 0;
  }
}

void
ertmp_session_external_output (ertmp_session * s, guint32 csid, gsize n)
{
  g_return_if_fail (s != NULL);

  s->bytes_out += n;
  /* a fan-out calls this for every write: the forget waits for the
   * session's next message there (ertmp_session_write) */
  if (csid < 64)
    s->shared_csids |= G_GUINT64_CONSTANT (1) << csid;
  else
    ertmp_chunk_writer_forget (s->writer, csid);
}

/* Whether a message of @len more payload bytes fits under the output limit */
gboolean
ertmp_session_has_room (const ertmp_session * s, gsize len)
{
  guint32 cs = ertmp_chunk_writer_get_chunk_size (s->writer);
  gsize need = len + (len / cs + 1) * ERTMP_CHUNK_HEADER_MAX;
  gsize pending = s->out->len - s->out_pos;

  return pending <= s->limits.max_output_bytes &&
      need <= s->limits.max_output_bytes - pending;
}

/* After replies driven by peer input: a peer that never reads fails. */
ertmp_result
ertmp_session_check_output (ertmp_session * s)
{
  if (s->out->len - s->out_pos <= s->limits.max_output_bytes)
    return ERTMP_OK;
  return ertmp_session_fail_limit (
      s, ERTMP_LIMIT_MAX_OUTPUT_BYTES, "output not read by the peer");
}

ertmp_session_kind
ertmp_session_kind_of (guint8 type_id)
{
  switch (type_id) {
    case ERTMP_MSG_SET_CHUNK_SIZE:
    case ERTMP_MSG_ABORT:
    case ERTMP_MSG_ACK:
    case ERTMP_MSG_WINDOW_ACK_SIZE:
    case ERTMP_MSG_SET_PEER_BANDWIDTH:
      return ERTMP_SESSION_KIND_CONTROL;
    case ERTMP_MSG_USER_CONTROL:
      return ERTMP_SESSION_KIND_USER_CONTROL;
    case ERTMP_MSG_COMMAND_AMF0:
    case ERTMP_MSG_COMMAND_AMF3:
      return ERTMP_SESSION_KIND_COMMAND;
    case ERTMP_MSG_DATA_AMF0:
    case ERTMP_MSG_DATA_AMF3:
      return ERTMP_SESSION_KIND_DATA;
    case ERTMP_MSG_AUDIO:
      return ERTMP_SESSION_KIND_AUDIO;
    case ERTMP_MSG_VIDEO:
      return ERTMP_SESSION_KIND_VIDEO;
    case ERTMP_MSG_AGGREGATE:
      return ERTMP_SESSION_KIND_AGGREGATE;
    default:
      return ERTMP_SESSION_KIND_OTHER;
  }
}

ertmp_result
ertmp_session_write (ertmp_session * s, guint32 csid, guint8 type_id,
    guint32 msid, guint32 timestamp, const guint8 * data, gsize len)
{
  ertmp_result res;

  if (csid < 64 && (s->shared_csids >> csid) & 1)
    ertmp_chunk_writer_forget (s->writer, csid);
  res = ertmp_chunk_writer_write (
      s->writer, s->out, csid, type_id, msid, timestamp, data, len);
  if (res == ERTMP_OK)
    s->messages_out[ertmp_session_kind_of (type_id)]++;
  return res;
}

void
ertmp_session_send_control (ertmp_session * s, guint8 type_id, guint32 value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  ertmp_session_write (s, ERTMP_SESSION_CSID_CONTROL, type_id, 0, 0, b, 4);
  if (type_id == ERTMP_MSG_ACK)
    s->acks_out++;
  else if (type_id == ERTMP_MSG_WINDOW_ACK_SIZE)
    s->window_out = value;
}

void
ertmp_session_send_user_control (
    ertmp_session * s, guint16 event, guint32 value)
{
  guint8 b[6] = { event >> 8, event, value >> 24, value >> 16, value >> 8,
    value };

  ertmp_session_write (
      s, ERTMP_SESSION_CSID_CONTROL, ERTMP_MSG_USER_CONTROL, 0, 0, b, 6);
}

/* Set Chunk Size goes out at the old size; what follows uses the new one. */
void
ertmp_session_send_chunk_size (ertmp_session * s, guint32 size)
{
  ertmp_session_send_control (s, ERTMP_MSG_SET_CHUNK_SIZE, size);
  ertmp_chunk_writer_set_chunk_size (s->writer, size);
}

GByteArray *
ertmp_session_cmd_begin (const gchar * name, gdouble txn)
{
  GByteArray * body = g_byte_array_new ();

  ertmp_amf0_put_string (body, name);
  ertmp_amf0_put_number (body, txn);
  return body;
}

void
ertmp_session_cmd_send (
    ertmp_session * s, guint32 csid, guint32 msid, GByteArray * body)
{
  ertmp_session_write (
      s, csid, ERTMP_MSG_COMMAND_AMF0, msid, 0, body->data, body->len);
  g_byte_array_unref (body);
}

/* Encodes and releases @value (our own values always encode). */
void
ertmp_session_put_value (GByteArray * body, ertmp_amf_value * value)
{
  ertmp_result res = ertmp_amf0_encode (body, value);

  g_assert (res == ERTMP_OK);
  ertmp_amf_value_unref (value);
}

/* ---- events ---------------------------------------------------------- */

static void
event_free (ertmp_session_qevent * q)
{
  guint i;

  for (i = 0; i < q->n_strs; i++)
    g_free (q->strs[i]);
  if (q->bytes)
    g_bytes_unref (q->bytes);
  if (q->values)
    g_ptr_array_unref (q->values);
  g_free (q);
}

ertmp_session_qevent *
ertmp_session_push_event (
    ertmp_session * s, ertmp_session_event_type type, guint32 msid)
{
  ertmp_session_qevent * q = g_new0 (ertmp_session_qevent, 1);

  q->ev.type = type;
  q->ev.msid = msid;
  g_queue_push_tail (&s->events, q);
  return q;
}

const gchar *
ertmp_session_qevent_keep (ertmp_session_qevent * q, const gchar * str)
{
  if (str == NULL)
    return NULL;
  g_assert (q->n_strs < G_N_ELEMENTS (q->strs));
  q->strs[q->n_strs] = g_strdup (str);
  return q->strs[q->n_strs++];
}

void
ertmp_session_push_warning (
    ertmp_session * s, ertmp_result res, const gchar * format, ...)
{
  ertmp_session_qevent * q;
  va_list args;

  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_WARNING, 0);
  va_start (args, format);
  q->strs[q->n_strs] = g_strdup_vprintf (format, args);
  va_end (args);
  q->ev.warning.result = res;
  q->ev.warning.message = q->strs[q->n_strs++];
}

GPtrArray *
ertmp_session_values_slice (GPtrArray * values, guint from)
{
  GPtrArray * out =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ertmp_amf_value_unref);
  guint i;

  for (i = from; i < values->len; i++)
    g_ptr_array_add (out, ertmp_amf_value_ref (g_ptr_array_index (values, i)));
  return out;
}

void
ertmp_session_push_command (ertmp_session * s, const ertmp_session_cmd * cmd)
{
  ertmp_session_qevent * q;

  q = ertmp_session_push_event (s, ERTMP_SESSION_EVENT_COMMAND, cmd->msid);
  q->ev.command.name = ertmp_session_qevent_keep (q, cmd->name);
  q->ev.command.txn = cmd->txn;
  q->values = ertmp_session_values_slice (cmd->values, 2);
  q->ev.command.args = q->values;
}

static gboolean
events_pending (const ertmp_session * s)
{
  return s->events.length > 0 || s->agg.bytes != NULL;
}

ertmp_result
ertmp_session_next_event (ertmp_session * s, ertmp_session_event * ev)
{
  g_return_val_if_fail (s != NULL && ev != NULL, ERTMP_STATE);

  if (s->current) {
    event_free (s->current);
    s->current = NULL;
  }
  while (g_queue_is_empty (&s->events) && s->agg.bytes != NULL)
    ertmp_session_aggregate_next (s);
  s->current = g_queue_pop_head (&s->events);
  if (s->current == NULL)
    return ERTMP_NEED_MORE;
  *ev = s->current->ev;
  return ERTMP_OK;
}

/* ---- stats ----------------------------------------------------------- */

void
ertmp_session_get_stats (const ertmp_session * s, ertmp_session_stats * st)
{
  g_return_if_fail (s != NULL && st != NULL);

  memset (st, 0, sizeof (*st));
  st->bytes_in = s->bytes_in;
  st->bytes_out = s->bytes_out;
  memcpy (st->messages_in, s->messages_in, sizeof (st->messages_in));
  memcpy (st->messages_out, s->messages_out, sizeof (st->messages_out));
  st->acks_in = s->acks_in;
  st->acks_out = s->acks_out;
  st->last_ack_in = s->last_ack_in;
  st->chunk_size_in = ertmp_chunk_reader_get_chunk_size (s->reader);
  st->chunk_size_out = ertmp_chunk_writer_get_chunk_size (s->writer);
  st->window_in = s->window_in;
  st->window_out = s->window_out;
  st->peer_bandwidth = s->peer_bw;
  st->tc_url = s->tc_url;
  st->app = s->app;
  st->peer_flash_ver = s->peer_flash_ver;
  st->local_caps = &s->local_caps;
  st->peer_caps = &s->peer_caps;
}

/* ---- input ----------------------------------------------------------- */

static ertmp_result
receive_handshake (
    ertmp_session * s, const guint8 * data, gsize len, gsize * consumed)
{
  ertmp_result res;
  const guint8 * out;
  gsize n;

  res = ertmp_handshake_receive (s->hs, data, len, consumed);
  out = ertmp_handshake_pending_output (s->hs, &n);
  ertmp_put_bytes (s->out, out, n);
  ertmp_handshake_output_written (s->hs, n);
  switch (res) {
    case ERTMP_NEED_MORE:
      return ERTMP_OK;
    case ERTMP_OK:
      ertmp_handshake_free (s->hs);
      s->hs = NULL;
      s->state = ERTMP_SESSION_STATE_CONNECTING;
      if (s->role == ERTMP_SESSION_CLIENT)
        return ertmp_session_client_handshake_done (s);
      return ERTMP_OK;
    default:
      return ertmp_session_fail (s, res, "handshake: %s peer version %u",
          res == ERTMP_UNSUPPORTED ? "unsupported" : "not RTMP,",
          len > 0 ? data[0] : 0);
  }
}

/* Sends an Acknowledgement when the peer's window is reached (rtmp.md 5). */
static void
maybe_ack (ertmp_session * s)
{
  if (s->window_in == 0 || s->acked_bytes - s->last_ack_at < s->window_in)
    return;
  ertmp_session_send_control (s, ERTMP_MSG_ACK, (guint32) s->acked_bytes);
  s->last_ack_at = s->acked_bytes;
}

/* Reads chunks up to the next ack boundary, so that acks carry exactly the
 * window. */
static ertmp_result
receive_chunks (
    ertmp_session * s, const guint8 * data, gsize len, gsize * consumed)
{
  ertmp_chunk_message msg;
  ertmp_result res;
  gsize n = s->window_in == 0 ? len :
      MIN (len, s->last_ack_at + s->window_in - s->acked_bytes);

  res = ertmp_chunk_reader_read (s->reader, data, n, consumed, &msg);
  s->acked_bytes += *consumed;
  if (res == ERTMP_OK)
    res = ertmp_session_on_message (s, &msg);
  else if (res == ERTMP_LIMIT)
    return ertmp_session_fail_limit (
        s, ertmp_chunk_reader_limit_hit (s->reader), "chunk stream");
  else if (res != ERTMP_NEED_MORE)
    return ertmp_session_fail (
        s, res, "chunk stream: %s chunk", ertmp_result_name (res));
  if (s->state == ERTMP_SESSION_STATE_FAILED)
    return res;
  maybe_ack (s);
  return ertmp_session_check_output (s);
}

ertmp_result
ertmp_session_receive (
    ertmp_session * s, const guint8 * data, gsize len, gsize * consumed)
{
  ertmp_result res = ERTMP_OK;

  g_return_val_if_fail (consumed != NULL, ERTMP_STATE);
  *consumed = 0;
  g_return_val_if_fail (s != NULL && (data != NULL || len == 0), ERTMP_STATE);

  if (s->state == ERTMP_SESSION_STATE_FAILED)
    return ERTMP_STATE;
  if (s->current) {
    event_free (s->current);
    s->current = NULL;
  }
  while (*consumed < len && !events_pending (s) && res == ERTMP_OK &&
      s->state != ERTMP_SESSION_STATE_CLOSING) {
    gsize n = 0;

    if (s->state == ERTMP_SESSION_STATE_HANDSHAKE)
      res = receive_handshake (s, data + *consumed, len - *consumed, &n);
    else
      res = receive_chunks (s, data + *consumed, len - *consumed, &n);
    *consumed += n;
  }
  if (s->state == ERTMP_SESSION_STATE_CLOSING && !events_pending (s)) {
    *consumed = len; /* input after the end is dropped */
  }
  s->bytes_in += *consumed;
  return res;
}

/* ---- calls, both roles ----------------------------------------------- */

static gboolean
can_send (const ertmp_session * s)
{
  return s->state == ERTMP_SESSION_STATE_CONNECTING ||
      s->state == ERTMP_SESSION_STATE_CONNECTED ||
      s->state == ERTMP_SESSION_STATE_PUBLISHING;
}

ertmp_result
ertmp_session_ping (ertmp_session * s, guint32 value)
{
  g_return_val_if_fail (s != NULL, ERTMP_STATE);

  if (!can_send (s))
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, 6))
    return ERTMP_LIMIT;
  ertmp_session_send_user_control (s, ERTMP_UC_PING_REQUEST, value);
  return ERTMP_OK;
}

void
ertmp_session_set_limits (ertmp_session * s, const ertmp_limits * limits)
{
  guint32 max_streams;

  g_return_if_fail (s != NULL && limits != NULL);

  max_streams = s->limits.max_streams;
  s->limits = *limits;
  s->limits.max_streams = max_streams;
  ertmp_chunk_reader_set_limits (s->reader, &s->limits);
  ertmp_amf_decoder_set_limits (s->dec, &s->limits);
}

ertmp_result
ertmp_session_set_chunk_size (ertmp_session * s, guint32 size)
{
  g_return_val_if_fail (s != NULL, ERTMP_STATE);

  if (!can_send (s) || size < ERTMP_LIMIT_CHUNK_SIZE_MIN ||
      size > ERTMP_LIMIT_CHUNK_SIZE_MAX)
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, 4))
    return ERTMP_LIMIT;
  ertmp_session_send_chunk_size (s, size);
  return ERTMP_OK;
}

ertmp_result
ertmp_session_send_raw (ertmp_session * s, guint32 csid, guint8 type_id,
    guint32 msid, guint32 timestamp, const guint8 * data, gsize len)
{
  g_return_val_if_fail (s != NULL && (data != NULL || len == 0), ERTMP_STATE);

  if (!can_send (s) || csid < ERTMP_CHUNK_CSID_MIN ||
      csid > ERTMP_CHUNK_CSID_MAX || len > ERTMP_LIMIT_MESSAGE_SIZE_MAX)
    return ERTMP_STATE;
  if (!ertmp_session_has_room (s, len))
    return ERTMP_LIMIT;
  return ertmp_session_write (s, csid, type_id, msid, timestamp, data, len);
}

ertmp_result
ertmp_session_close (ertmp_session * s)
{
  g_return_val_if_fail (s != NULL, ERTMP_STATE);

  if (s->state == ERTMP_SESSION_STATE_FAILED)
    return ERTMP_STATE;
  if (s->state == ERTMP_SESSION_STATE_CLOSING)
    return ERTMP_OK;
  if (s->state != ERTMP_SESSION_STATE_HANDSHAKE) {
    ertmp_result res = s->role == ERTMP_SESSION_SERVER
        ? ertmp_session_server_close (s)
        : ertmp_session_client_close (s);
    if (res != ERTMP_OK)
      return res;
  }
  s->state = ERTMP_SESSION_STATE_CLOSING;
  return ERTMP_OK;
}
