/* gst-ertmp: session unit tests, server and client fed hand-built bytes
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Peer messages are built with the chunk writer and the AMF0 encoder, or
 * taken as hex from test-vectors.md (named per vector).  What the session
 * sends is read back with a chunk reader.  Events are logged as one-line
 * summaries so that a test states the whole sequence it expects.
 */
#include "test_util.h"

#include <math.h>

#include "ertmp_session.h"
#include "ertmp_amf0.h"
#include "ertmp_chunk.h"
#include "ertmp_handshake.h"

#define HS 1536

/* ---- harness --------------------------------------------------------- */

typedef struct
{
  guint32 csid;
  guint8 type_id;
  guint32 msid;
  guint32 ts;
  GBytes * payload;
} out_msg;

typedef struct
{
  ertmp_session * s;
  ertmp_chunk_writer * w; /* the peer's chunker */
  ertmp_chunk_reader * r; /* the peer reading our output */
  GString * log; /* event summaries, one per line */
  GPtrArray * out; /* out_msg * */
  gsize skip; /* handshake bytes still to drop */
  ertmp_result last; /* last receive result */
} harness;

static void
out_msg_free (out_msg * m)
{
  g_bytes_unref (m->payload);
  g_free (m);
}

static const gchar *
str (const gchar * s)
{
  return s ? s : "(null)";
}

static void
log_event (harness * h, const ertmp_session_event * ev)
{
  GString * l = h->log;
  gsize len;

  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      g_string_append_printf (l,
          "connected app=%s tc=%s flash=%s fms=%s "
          "enc=%u caps=%s\n",
          str (ev->connected.app), str (ev->connected.tc_url),
          str (ev->connected.flash_ver), str (ev->connected.fms_ver),
          ev->connected.object_encoding,
          ertmp_caps_is_empty (ev->connected.caps) ? "no" : "yes");
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_REQUEST:
      g_string_append_printf (l, "publish %u %s %s\n", ev->msid,
          ev->publish.name, ev->publish.type);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_STARTED:
      g_string_append_printf (l, "started %u %s\n", ev->msid, ev->publish.name);
      break;
    case ERTMP_SESSION_EVENT_MEDIA:
      g_bytes_get_data (ev->media.payload, &len);
      g_string_append_printf (l,
          "media %u type=%u ts=%" G_GINT64_FORMAT " len=%" G_GSIZE_FORMAT "\n",
          ev->msid, ev->media.type_id, ev->media.timestamp, len);
      break;
    case ERTMP_SESSION_EVENT_DATA:
      g_bytes_get_data (ev->data.payload, &len);
      g_string_append_printf (l,
          "data %u type=%u ts=%" G_GINT64_FORMAT
          " name=%s values=%u len=%" G_GSIZE_FORMAT "\n",
          ev->msid, ev->data.type_id, ev->data.timestamp, str (ev->data.name),
          ev->data.values->len, len);
      break;
    case ERTMP_SESSION_EVENT_END_OF_STREAM:
      g_string_append_printf (
          l, "eos %u %s\n", ev->msid, ev->end_of_stream.command);
      break;
    case ERTMP_SESSION_EVENT_USER_CONTROL:
      g_string_append_printf (l, "uc %u type=%u value=%u buffer=%u\n", ev->msid,
          ev->user_control.type, ev->user_control.value,
          ev->user_control.buffer_ms);
      break;
    case ERTMP_SESSION_EVENT_STATUS:
    case ERTMP_SESSION_EVENT_ERROR:
      g_string_append_printf (l, "%s %s %s %s %s\n",
          ev->type == ERTMP_SESSION_EVENT_ERROR ? "error" : "status",
          ev->status.command, str (ev->status.level), str (ev->status.code),
          str (ev->status.description));
      break;
    case ERTMP_SESSION_EVENT_RECONNECT_REQUEST:
      g_string_append_printf (l, "reconnect %s %s\n", ev->reconnect.tc_url,
          str (ev->reconnect.description));
      break;
    case ERTMP_SESSION_EVENT_COMMAND:
      g_string_append_printf (l, "command %u %s %g args=%u\n", ev->msid,
          ev->command.name, ev->command.txn, ev->command.args->len);
      break;
    case ERTMP_SESSION_EVENT_WARNING:
      g_string_append_printf (l, "warning %s\n", ev->warning.message);
      break;
    default:
      ck_abort_msg ("unknown event %d", ev->type);
  }
}

/* Feeds everything, draining events between receive calls. */
static ertmp_result
h_feed (harness * h, const guint8 * data, gsize len)
{
  gsize pos = 0;
  ertmp_session_event ev;

  h->last = ERTMP_OK;
  while (h->last == ERTMP_OK) {
    gsize consumed;

    h->last = ertmp_session_receive (h->s, data + pos, len - pos, &consumed);
    pos += consumed;
    while (ertmp_session_next_event (h->s, &ev) == ERTMP_OK)
      log_event (h, &ev);
    if (pos == len)
      break;
    ck_assert_msg (consumed > 0 || h->last != ERTMP_OK, "no progress");
  }
  return h->last;
}

static ertmp_result
h_feed_hex (harness * h, const gchar * hex)
{
  GByteArray * b = test_hex (hex);
  ertmp_result res = h_feed (h, b->data, b->len);

  g_byte_array_unref (b);
  return res;
}

static ertmp_result
h_send (harness * h, guint32 csid, guint8 type_id, guint32 msid, guint32 ts,
    const guint8 * data, gsize len)
{
  GByteArray * b = g_byte_array_new ();
  ertmp_result res;

  ck_assert_int_eq (
      ertmp_chunk_writer_write (h->w, b, csid, type_id, msid, ts, data, len),
      ERTMP_OK);
  res = h_feed (h, b->data, b->len);
  g_byte_array_unref (b);
  return res;
}

/* Sends a command body (takes it) as type 20 on csid 3. */
static ertmp_result
h_cmd (harness * h, guint32 msid, GByteArray * body)
{
  ertmp_result res =
      h_send (h, 3, ERTMP_MSG_COMMAND_AMF0, msid, 0, body->data, body->len);

  g_byte_array_unref (body);
  return res;
}

static ertmp_result
h_send_hex (
    harness * h, guint32 csid, guint8 type_id, guint32 msid, const gchar * hex)
{
  GByteArray * b = test_hex (hex);
  ertmp_result res = h_send (h, csid, type_id, msid, 0, b->data, b->len);

  g_byte_array_unref (b);
  return res;
}

static GByteArray *
cmd (const gchar * name, gdouble txn)
{
  GByteArray * b = g_byte_array_new ();

  ertmp_amf0_put_string (b, name);
  ertmp_amf0_put_number (b, txn);
  return b;
}

/* Reads the session's output as messages into h->out. */
static void
h_output (harness * h)
{
  gsize len, pos = 0;
  const guint8 * data = ertmp_session_pending_output (h->s, &len);

  if (h->skip) {
    ck_assert_uint_ge (len, h->skip);
    pos = h->skip;
    h->skip = 0;
  }
  while (pos < len) {
    ertmp_chunk_message msg;
    gsize consumed;
    ertmp_result res =
        ertmp_chunk_reader_read (h->r, data + pos, len - pos, &consumed, &msg);
    out_msg * m;

    pos += consumed;
    if (res == ERTMP_NEED_MORE)
      break;
    ck_assert_int_eq (res, ERTMP_OK);
    m = g_new0 (out_msg, 1);
    m->csid = msg.csid;
    m->type_id = msg.type_id;
    m->msid = msg.msid;
    m->ts = msg.timestamp;
    m->payload = g_bytes_new (msg.payload, msg.len);
    if (msg.type_id == ERTMP_MSG_SET_CHUNK_SIZE && msg.len == 4)
      ertmp_chunk_reader_set_chunk_size (h->r,
          ((guint32) msg.payload[0] << 24) | (msg.payload[1] << 16) |
              (msg.payload[2] << 8) | msg.payload[3]);
    g_ptr_array_add (h->out, m);
  }
  ertmp_session_output_written (h->s, len);
}

static harness *
h_new (const ertmp_session_config * cfg)
{
  harness * h = g_new0 (harness, 1);

  h->s = ertmp_session_new (cfg);
  h->w = ertmp_chunk_writer_new ();
  h->r = ertmp_chunk_reader_new (NULL);
  h->log = g_string_new (NULL);
  h->out = g_ptr_array_new_with_free_func ((GDestroyNotify) out_msg_free);
  return h;
}

static void
h_free (harness * h)
{
  ertmp_session_free (h->s);
  ertmp_chunk_writer_free (h->w);
  ertmp_chunk_reader_free (h->r);
  g_string_free (h->log, TRUE);
  g_ptr_array_unref (h->out);
  g_free (h);
}

/* A peer writer starting afresh (fmt 0 on every csid), after raw bytes
 * were fed */
static void
h_new_writer (harness * h)
{
  ertmp_chunk_writer_free (h->w);
  h->w = ertmp_chunk_writer_new ();
}

/* Clears what was logged and sent so far. */
static void
h_reset (harness * h)
{
  g_string_truncate (h->log, 0);
  g_ptr_array_set_size (h->out, 0);
}

static void
ck_log (harness * h, const gchar * expected)
{
  ck_assert_str_eq (h->log->str, expected);
  g_string_truncate (h->log, 0);
}

/* Message @i of the output: type, msid and payload hex */
static void
ck_out (harness * h, guint i, guint8 type_id, guint32 msid, const gchar * hex)
{
  out_msg * m;
  GByteArray * b = test_hex (hex);
  gsize len;
  const guint8 * p;

  ck_assert_uint_gt (h->out->len, i);
  m = g_ptr_array_index (h->out, i);
  p = g_bytes_get_data (m->payload, &len);
  ck_assert_uint_eq (m->type_id, type_id);
  ck_assert_uint_eq (m->msid, msid);
  ck_assert_bytes_eq (p, len, b->data, b->len);
  g_byte_array_unref (b);
}

static GPtrArray *
out_values (harness * h, guint i)
{
  out_msg * m = g_ptr_array_index (h->out, i);
  gsize len;
  const guint8 * p = g_bytes_get_data (m->payload, &len);
  ertmp_amf_decoder * dec = ertmp_amf_decoder_new (NULL);
  GPtrArray * v = NULL;

  ck_assert_int_eq (ertmp_amf0_decode_message (dec, p, len, &v), ERTMP_OK);
  ertmp_amf_decoder_free (dec);
  return v;
}

static const gchar *
v_str (GPtrArray * v, guint i)
{
  return ertmp_amf_get_string (g_ptr_array_index (v, i));
}

static const gchar *
v_prop (GPtrArray * v, guint i, const gchar * name)
{
  return ertmp_amf_get_prop_string (g_ptr_array_index (v, i), name);
}

/* A server past a simple handshake */
static harness *
server_new_cfg (ertmp_session_config * cfg)
{
  harness * h = h_new (cfg);
  guint8 c0c1[1 + HS] = { 3 }, c2[HS] = { 0 };

  ck_assert_int_eq (h_feed (h, c0c1, sizeof (c0c1)), ERTMP_OK);
  ck_assert_int_eq (h_feed (h, c2, sizeof (c2)), ERTMP_OK);
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_CONNECTING);
  h->skip = 1 + 2 * HS;
  h_output (h);
  ck_assert_uint_eq (h->out->len, 0);
  return h;
}

static harness *
server_new (void)
{
  ertmp_session_config cfg;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  return server_new_cfg (&cfg);
}

/* test-vectors.md 2.5: FFmpeg 5.1 connect chunked at 128 */
static const gchar ffmpeg_connect_chunked[] =
    "03 00 00 00 00 00 8c 14 00 00 00 00 02 00 07 63"
    "6f 6e 6e 65 63 74 00 3f f0 00 00 00 00 00 00 03"
    "00 03 61 70 70 02 00 04 6c 69 76 65 00 04 74 79"
    "70 65 02 00 0a 6e 6f 6e 70 72 69 76 61 74 65 00"
    "08 66 6c 61 73 68 56 65 72 02 00 24 46 4d 4c 45"
    "2f 33 2e 30 20 28 63 6f 6d 70 61 74 69 62 6c 65"
    "3b 20 4c 61 76 66 35 39 2e 32 37 2e 31 30 30 29"
    "00 05 74 63 55 72 6c 02 00 1b 72 74 6d 70 3a 2f"
    "2f 31 32 37 2e 30 2e 30 2e 31 3a 31 c3 39 33 35"
    "30 2f 6c 69 76 65 00 00 09";

/* test-vectors.md 3.3: connect with E-RTMP capabilities (payload) */
static const gchar ertmp_connect[] =
    "02 00 07 63 6f 6e 6e 65 63 74 00 3f f0 00 00 00"
    "00 00 00 03 00 03 61 70 70 02 00 04 6c 69 76 65"
    "00 04 74 79 70 65 02 00 0a 6e 6f 6e 70 72 69 76"
    "61 74 65 00 08 66 6c 61 73 68 56 65 72 02 00 1f"
    "46 4d 4c 45 2f 33 2e 30 20 28 63 6f 6d 70 61 74"
    "69 62 6c 65 3b 20 46 4d 53 63 2f 31 2e 30 29 00"
    "05 74 63 55 72 6c 02 00 17 72 74 6d 70 3a 2f 2f"
    "65 78 61 6d 70 6c 65 2e 63 6f 6d 2f 6c 69 76 65"
    "00 0a 66 6f 75 72 43 63 4c 69 73 74 0a 00 00 00"
    "03 02 00 04 68 76 63 31 02 00 04 61 76 30 31 02"
    "00 04 4f 70 75 73 00 12 76 69 64 65 6f 46 6f 75"
    "72 43 63 49 6e 66 6f 4d 61 70 03 00 04 68 76 63"
    "31 00 40 00 00 00 00 00 00 00 00 04 61 76 30 31"
    "00 40 00 00 00 00 00 00 00 00 00 09 00 12 61 75"
    "64 69 6f 46 6f 75 72 43 63 49 6e 66 6f 4d 61 70"
    "03 00 04 4f 70 75 73 00 40 00 00 00 00 00 00 00"
    "00 00 09 00 06 63 61 70 73 45 78 00 40 2e 00 00"
    "00 00 00 00 00 00 09";

/* test-vectors.md 3.7: ["publish", 5, null, "stream", "live"] */
static const gchar publish_stream[] =
    "02 00 07 70 75 62 6c 69 73 68 00 40 14 00 00 00"
    "00 00 00 05 02 00 06 73 74 72 65 61 6d 02 00 04"
    "6c 69 76 65";

/* test-vectors.md 3.8: onStatus NetStream.Publish.Start */
static const gchar publish_start[] =
    "02 00 08 6f 6e 53 74 61 74 75 73 00 00 00 00 00"
    "00 00 00 00 05 03 00 05 6c 65 76 65 6c 02 00 06"
    "73 74 61 74 75 73 00 04 63 6f 64 65 02 00 17 4e"
    "65 74 53 74 72 65 61 6d 2e 50 75 62 6c 69 73 68"
    "2e 53 74 61 72 74 00 0b 64 65 73 63 72 69 70 74"
    "69 6f 6e 02 00 12 50 75 62 6c 69 73 68 69 6e 67"
    "20 73 74 72 65 61 6d 2e 00 00 09";

/* test-vectors.md 3.9: ReconnectRequest */
static const gchar reconnect_request[] =
    "02 00 08 6f 6e 53 74 61 74 75 73 00 00 00 00 00"
    "00 00 00 00 05 03 00 04 63 6f 64 65 02 00 26 4e"
    "65 74 43 6f 6e 6e 65 63 74 69 6f 6e 2e 43 6f 6e"
    "6e 65 63 74 2e 52 65 63 6f 6e 6e 65 63 74 52 65"
    "71 75 65 73 74 00 0b 64 65 73 63 72 69 70 74 69"
    "6f 6e 02 00 13 53 65 72 76 65 72 20 6d 61 69 6e"
    "74 65 6e 61 6e 63 65 2e 00 05 6c 65 76 65 6c 02"
    "00 06 73 74 61 74 75 73 00 05 74 63 55 72 6c 02"
    "00 19 72 74 6d 70 3a 2f 2f 62 2e 65 78 61 6d 70"
    "6c 65 2e 63 6f 6d 2f 6c 69 76 65 00 00 09";

/* test-vectors.md 2.1 */
#define WIN_ACK_2500000 "00 26 25 a0"
#define PEER_BW_2500000_DYNAMIC "00 26 25 a0 02"
#define CHUNK_SIZE_4096 "00 00 10 00"

/* A server that answered FFmpeg's connect (vector 2.5) */
static harness *
server_connected (void)
{
  harness * h = server_new ();

  ck_assert_int_eq (h_feed_hex (h, ffmpeg_connect_chunked), ERTMP_OK);
  h_output (h);
  h_reset (h);
  return h;
}

/* ... and created stream 1 */
static harness *
server_with_stream (void)
{
  harness * h = server_connected ();
  GByteArray * b = cmd ("createStream", 4);

  ertmp_amf0_put_null (b);
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  h_output (h);
  h_reset (h);
  return h;
}

/* ... and a publish request for "stream" on msid 1 (vector 3.7) */
static harness *
server_publishing (gboolean accept)
{
  harness * h = server_with_stream ();

  ck_assert_int_eq (
      h_send_hex (h, 8, ERTMP_MSG_COMMAND_AMF0, 1, publish_stream), ERTMP_OK);
  ck_log (h, "publish 1 stream live\n");
  if (accept) {
    ck_assert_int_eq (ertmp_session_accept_publish (h->s, 1), ERTMP_OK);
    h_output (h);
    h_reset (h);
  }
  return h;
}

static void
ck_error (harness * h, ertmp_result res, const gchar * message)
{
  const gchar * msg = NULL;

  ck_assert_int_eq (h->last, res);
  ck_assert_int_eq (ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_FAILED);
  ck_assert_int_eq (ertmp_session_get_error (h->s, NULL, &msg), res);
  ck_assert_str_eq (msg, message);
}

/* ---- server: commands ------------------------------------------------ */

/* FFmpeg's connect (vector 2.5): Window Ack Size, Set Peer Bandwidth and
 * Set Chunk Size as in vector 2.1, then the _result echoing txn 1. */
START_TEST (test_server_connect)
{
  harness * h = server_new ();
  GPtrArray * v;
  gdouble n;
  ertmp_session_stats st;

  ck_assert_int_eq (h_feed_hex (h, ffmpeg_connect_chunked), ERTMP_OK);
  ck_log (h,
      "connected app=live tc=rtmp://127.0.0.1:19350/live "
      "flash=FMLE/3.0 (compatible; Lavf59.27.100) fms=(null) enc=0 caps=no\n");
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_CONNECTED);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 4);
  ck_out (h, 0, ERTMP_MSG_WINDOW_ACK_SIZE, 0, WIN_ACK_2500000);
  ck_out (h, 1, ERTMP_MSG_SET_PEER_BANDWIDTH, 0, PEER_BW_2500000_DYNAMIC);
  ck_out (h, 2, ERTMP_MSG_SET_CHUNK_SIZE, 0, CHUNK_SIZE_4096);
  v = out_values (h, 3);
  ck_assert_uint_eq (v->len, 4);
  ck_assert_str_eq (v_str (v, 0), "_result");
  ck_assert (ertmp_amf_get_number (g_ptr_array_index (v, 1), &n) && n == 1);
  ck_assert_str_eq (v_prop (v, 2, "fmsVer"), "FMS/3,0,1,123");
  ck_assert (ertmp_amf_get_prop_number (
                 g_ptr_array_index (v, 2), "capabilities", &n) &&
      n == 31);
  ck_assert (ertmp_amf_get_prop_number (g_ptr_array_index (v, 2), "mode", &n) &&
      n == 1);
  ck_assert_str_eq (v_prop (v, 3, "level"), "status");
  ck_assert_str_eq (v_prop (v, 3, "code"), "NetConnection.Connect.Success");
  ck_assert_str_eq (v_prop (v, 3, "description"), "Connection succeeded.");
  ck_assert (ertmp_amf_get_prop_number (
                 g_ptr_array_index (v, 3), "objectEncoding", &n) &&
      n == 0);
  g_ptr_array_unref (v);
  ertmp_session_get_stats (h->s, &st);
  ck_assert_str_eq (st.app, "live");
  ck_assert_str_eq (st.tc_url, "rtmp://127.0.0.1:19350/live");
  ck_assert_str_eq (st.peer_flash_ver, "FMLE/3.0 (compatible; Lavf59.27.100)");
  ck_assert_uint_eq (st.chunk_size_out, 4096);
  ck_assert_uint_eq (st.window_out, 2500000);
  h_free (h);
}

END_TEST;

/* Vector 3.3: the client's caps are read; the server's own caps go into
 * the _result Properties object. */
START_TEST (test_server_connect_caps)
{
  ertmp_session_config cfg;
  ertmp_caps caps, seen;
  harness * h;
  GPtrArray * v;
  ertmp_session_stats st;

  ertmp_caps_init (&caps);
  ertmp_caps_add_fourcc (&caps, ERTMP_FOURCC ('h', 'v', 'c', '1'));
  caps.has_caps_ex = TRUE;
  caps.caps_ex = ERTMP_CAPS_EX_RECONNECT;
  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.caps = &caps;
  cfg.chunk_size = 60000;
  h = server_new_cfg (&cfg);
  ck_assert_int_eq (
      h_send_hex (h, 3, ERTMP_MSG_COMMAND_AMF0, 0, ertmp_connect), ERTMP_OK);
  ck_log (h,
      "connected app=live tc=rtmp://example.com/live "
      "flash=FMLE/3.0 (compatible; FMSc/1.0) fms=(null) enc=0 caps=yes\n");
  ertmp_session_get_stats (h->s, &st);
  ck_assert (st.peer_caps->has_caps_ex && st.peer_caps->caps_ex == 15);
  ck_assert_uint_eq (st.peer_caps->fourcc_list->len, 3);
  ck_assert (ertmp_caps_lists (st.peer_caps, TRUE,
      ERTMP_FOURCC ('a', 'v', '0', '1'), ERTMP_FOURCC_CAN_ENCODE));
  h_output (h);
  ck_out (h, 2, ERTMP_MSG_SET_CHUNK_SIZE, 0, "00 00 ea 60");
  v = out_values (h, 3);
  ertmp_caps_init (&seen);
  ck_assert_int_eq (
      ertmp_caps_read (&seen, g_ptr_array_index (v, 2)), ERTMP_OK);
  ck_assert (ertmp_caps_equal (&seen, &caps));
  ertmp_caps_clear (&seen);
  g_ptr_array_unref (v);
  ertmp_caps_clear (&caps);
  h_free (h);
}

END_TEST;

/* Some Flash-era clients send connect as an AMF3 command (type 17):
 * format byte 0x00, then AMF0 values. */
START_TEST (test_server_connect_amf3_command)
{
  harness * h = server_new ();
  GByteArray * b = test_hex ("00");
  GByteArray * c = test_hex (ertmp_connect);

  g_byte_array_append (b, c->data, c->len);
  ck_assert_int_eq (
      h_send (h, 3, ERTMP_MSG_COMMAND_AMF3, 0, 0, b->data, b->len), ERTMP_OK);
  ck_log (h,
      "connected app=live tc=rtmp://example.com/live "
      "flash=FMLE/3.0 (compatible; FMSc/1.0) fms=(null) enc=0 caps=yes\n");
  /* empty type 17: no format byte */
  ck_assert_int_eq (
      h_send (h, 3, ERTMP_MSG_COMMAND_AMF3, 0, 0, NULL, 0), ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED, "AMF3 command message without format byte");
  g_byte_array_unref (b);
  g_byte_array_unref (c);
  h_free (h);
}

END_TEST;

/* releaseStream / FCPublish: _result only when txn != 0, onFCPublish always
 * (rtmp.md 7.2) */
START_TEST (test_server_release_fcpublish)
{
  harness * h = server_connected ();
  GByteArray * b;
  GPtrArray * v;

  b = cmd ("releaseStream", 2);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_string (b, "stream");
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  b = cmd ("FCPublish", 3);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_string (b, "stream");
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 3);
  /* ["_result", 2, null, undefined] */
  ck_out (h, 0, ERTMP_MSG_COMMAND_AMF0, 0,
      "02 00 07 5f 72 65 73 75 6c 74"
      "00 40 00 00 00 00 00 00 00  05  06");
  ck_out (h, 1, ERTMP_MSG_COMMAND_AMF0, 0,
      "02 00 07 5f 72 65 73 75 6c 74"
      "00 40 08 00 00 00 00 00 00  05  06");
  v = out_values (h, 2);
  ck_assert_str_eq (v_str (v, 0), "onFCPublish");
  ck_assert_str_eq (v_prop (v, 3, "code"), "NetStream.Publish.Start");
  ck_assert_str_eq (v_prop (v, 3, "description"), "stream");
  g_ptr_array_unref (v);
  h_reset (h);

  /* rtmp2 sends them with txn 0: no _result */
  b = cmd ("releaseStream", 0);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_string (b, "stream");
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  b = cmd ("FCPublish", 0);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_string (b, "stream");
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 1);
  ck_log (h, "");
  h_free (h);
}

END_TEST;

/* createStream: ["_result", 4, null, 1] (vector 3.6); max_streams bounds */
START_TEST (test_server_create_stream)
{
  ertmp_session_config cfg;
  harness * h;
  GByteArray * b;
  ertmp_limit_id limit;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.limits.max_streams = 2;
  h = server_new_cfg (&cfg);
  ck_assert_int_eq (h_feed_hex (h, ffmpeg_connect_chunked), ERTMP_OK);
  h_output (h);
  h_reset (h);
  b = cmd ("createStream", 4); /* vector 3.5 */
  ertmp_amf0_put_null (b);
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  b = cmd ("createStream", 5);
  ertmp_amf0_put_null (b);
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  h_output (h);
  ck_out (h, 0, ERTMP_MSG_COMMAND_AMF0, 0,
      "02 00 07 5f 72 65 73 75 6c 74 00 40 10 00 00 00"
      "00 00 00 05 00 3f f0 00 00 00 00 00 00");
  ck_out (h, 1, ERTMP_MSG_COMMAND_AMF0, 0,
      "02 00 07 5f 72 65 73 75 6c 74 00 40 14 00 00 00"
      "00 00 00 05 00 40 00 00 00 00 00 00 00");
  /* deleteStream frees msid 1 for reuse */
  b = cmd ("deleteStream", 0);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_number (b, 1);
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  b = cmd ("createStream", 6);
  ertmp_amf0_put_null (b);
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  h_output (h);
  ck_out (h, 2, ERTMP_MSG_COMMAND_AMF0, 0,
      "02 00 07 5f 72 65 73 75 6c 74 00 40 18 00 00 00"
      "00 00 00 05 00 3f f0 00 00 00 00 00 00");
  b = cmd ("createStream", 7);
  ertmp_amf0_put_null (b);
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_LIMIT);
  ck_error (h, ERTMP_LIMIT,
      "createStream: maximum streams per connection is 2 streams");
  ertmp_session_get_error (h->s, &limit, NULL);
  ck_assert_int_eq (limit, ERTMP_LIMIT_MAX_STREAMS);
  h_free (h);
}

END_TEST;

/* publish (vector 3.7) then accept: StreamBegin(1) (vector 2.1) and
 * onStatus Publish.Start on msid 1 (vector 3.8) */
START_TEST (test_server_publish_accept)
{
  harness * h = server_publishing (FALSE);

  ck_assert_int_eq (ertmp_session_accept_publish (h->s, 2), ERTMP_STATE);
  ck_assert_int_eq (ertmp_session_accept_publish (h->s, 1), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_accept_publish (h->s, 1), ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_PUBLISHING);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 2);
  ck_out (h, 0, ERTMP_MSG_USER_CONTROL, 0, "00 00 00 00 00 01");
  ck_out (h, 1, ERTMP_MSG_COMMAND_AMF0, 1, publish_start);
  h_free (h);
}

END_TEST;

START_TEST (test_server_publish_types)
{
  harness * h = server_with_stream ();
  const gchar * types[][2] = { { "record", "record" }, { "append", "append" },
    { "appendWithGap", "live" }, { NULL, "live" } };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (types); i++) {
    GByteArray * b = cmd ("publish", 0);
    gchar * line;

    ertmp_amf0_put_null (b);
    ertmp_amf0_put_string (b, "key?token=1");
    if (types[i][0])
      ertmp_amf0_put_string (b, types[i][0]);
    ck_assert_int_eq (h_cmd (h, 1, b), ERTMP_OK);
    line = g_strdup_printf ("publish 1 key?token=1 %s\n", types[i][1]);
    ck_log (h, line);
    g_free (line);
    b = cmd ("closeStream", 0);
    ertmp_amf0_put_null (b);
    ck_assert_int_eq (h_cmd (h, 1, b), ERTMP_OK);
    ck_log (h, "eos 1 closeStream\n");
  }
  /* publish without createStream: the msid is taken as is */
  ck_assert_int_eq (
      h_send_hex (h, 3, ERTMP_MSG_COMMAND_AMF0, 3, publish_stream), ERTMP_OK);
  ck_log (h, "publish 3 stream live\n");
  ck_assert_int_eq (
      h_send_hex (h, 3, ERTMP_MSG_COMMAND_AMF0, 3, publish_stream),
      ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED, "publish: stream 3 is already publishing");
  h_free (h);
}

END_TEST;

static void
check_reject (ertmp_session_reject reason, const gchar * description,
    const gchar * code, const gchar * expected_description)
{
  harness * h = server_publishing (FALSE);
  GPtrArray * v;
  gsize consumed;
  guint8 junk[100] = { 0 };

  ck_assert_int_eq (
      ertmp_session_reject_publish (h->s, 1, reason, description), ERTMP_OK);
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_CLOSING);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 1);
  v = out_values (h, 0);
  ck_assert_str_eq (v_str (v, 0), "onStatus");
  ck_assert_str_eq (v_prop (v, 3, "level"), "error");
  ck_assert_str_eq (v_prop (v, 3, "code"), code);
  ck_assert_str_eq (v_prop (v, 3, "description"), expected_description);
  ck_assert_uint_eq (((out_msg *) g_ptr_array_index (h->out, 0))->msid, 1);
  g_ptr_array_unref (v);
  /* input after the end is dropped; calls are refused */
  ck_assert_int_eq (
      ertmp_session_receive (h->s, junk, sizeof (junk), &consumed), ERTMP_OK);
  ck_assert_uint_eq (consumed, sizeof (junk));
  ck_assert_int_eq (ertmp_session_accept_publish (h->s, 1), ERTMP_STATE);
  ck_assert_int_eq (ertmp_session_ping (h->s, 1), ERTMP_STATE);
  h_free (h);
}

START_TEST (test_server_publish_reject)
{
  check_reject (ERTMP_SESSION_REJECT_BAD_NAME, NULL,
      "NetStream.Publish.BadName", "Bad stream name.");
  check_reject (ERTMP_SESSION_REJECT_UNAUTHORIZED, "wrong key",
      "NetStream.Publish.Unauthorized", "wrong key");
}

END_TEST;

/* FFmpeg's stop: FCUnpublish then deleteStream: one END_OF_STREAM */
START_TEST (test_server_unpublish)
{
  harness * h = server_publishing (TRUE);
  GByteArray * b;
  GPtrArray * v;

  b = cmd ("FCUnpublish", 6);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_string (b, "stream");
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  ck_log (h, "eos 1 FCUnpublish\n");
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_CONNECTED);
  b = cmd ("deleteStream", 7);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_number (b, 1);
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  ck_log (h, "");
  h_output (h);
  ck_assert_uint_eq (h->out->len, 2); /* _result, onFCUnpublish */
  v = out_values (h, 1);
  ck_assert_str_eq (v_str (v, 0), "onFCUnpublish");
  ck_assert_str_eq (v_prop (v, 3, "code"), "NetStream.Unpublish.Success");
  g_ptr_array_unref (v);
  h_free (h);

  /* deleteStream alone */
  h = server_publishing (TRUE);
  b = cmd ("deleteStream", 0);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_number (b, 1);
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  ck_log (h, "eos 1 deleteStream\n");
  /* a teardown command never fails the session: a stream id that is not
   * a number, or NaN (casting it would be undefined), is ignored */
  b = cmd ("deleteStream", 0);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_string (b, "1");
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  b = cmd ("deleteStream", 0);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_number (b, NAN);
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  ck_log (h, "");
  ck_assert_int_ne (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_FAILED);
  h_free (h);

  /* GStreamer 1.22 rtmp2sink stops with the stream NAME in place of the id
   * (captured on loopback): deleteStream, 0, null, "stream" */
  h = server_publishing (TRUE);
  h_send_hex (h, 3, 20, 0,
      "02 00 0c 64 65 6c 65 74 65 53 74 72 65 61 6d" /* "deleteStream" */
      "00 00 00 00 00 00 00 00 00"                   /* txn 0 */
      "05"                                           /* null */
      "02 00 06 73 74 72 65 61 6d");                 /* "stream" */
  ck_log (h, "eos 1 deleteStream\n");
  ck_assert_int_ne (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_FAILED);
  h_free (h);

  /* closeStream on the stream's msid: onStatus Unpublish.Success */
  h = server_publishing (TRUE);
  b = cmd ("closeStream", 0);
  ertmp_amf0_put_null (b);
  ck_assert_int_eq (h_cmd (h, 1, b), ERTMP_OK);
  ck_log (h, "eos 1 closeStream\n");
  h_output (h);
  v = out_values (h, 0);
  ck_assert_str_eq (v_prop (v, 3, "code"), "NetStream.Unpublish.Success");
  g_ptr_array_unref (v);
  h_free (h);
}

END_TEST;

/* Graceful close by the server: StreamEOF + Unpublish.Success */
START_TEST (test_server_close)
{
  harness * h = server_publishing (TRUE);
  GPtrArray * v;

  ck_assert_int_eq (ertmp_session_close (h->s), ERTMP_OK);
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_CLOSING);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 2);
  ck_out (h, 0, ERTMP_MSG_USER_CONTROL, 0, "00 01 00 00 00 01");
  v = out_values (h, 1);
  ck_assert_uint_eq (((out_msg *) g_ptr_array_index (h->out, 1))->msid, 1);
  ck_assert_str_eq (v_prop (v, 3, "level"), "status");
  ck_assert_str_eq (v_prop (v, 3, "code"), "NetStream.Unpublish.Success");
  g_ptr_array_unref (v);
  ck_assert_int_eq (ertmp_session_close (h->s), ERTMP_OK);
  h_free (h);
}

END_TEST;

/* Unknown commands are surfaced, not answered */
START_TEST (test_server_unknown_command)
{
  harness * h = server_connected ();
  GByteArray * b = cmd ("getStreamLength", 3);

  ertmp_amf0_put_null (b);
  ertmp_amf0_put_string (b, "stream");
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
  ck_log (h, "command 0 getStreamLength 3 args=2\n");
  h_output (h);
  ck_assert_uint_eq (h->out->len, 0);
  h_free (h);
}

END_TEST;

START_TEST (test_server_command_errors)
{
  harness * h = server_new ();
  GByteArray * b;

  /* publish before connect */
  ck_assert_int_eq (
      h_send_hex (h, 3, ERTMP_MSG_COMMAND_AMF0, 1, publish_stream),
      ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED, "publish: received before connect");
  ck_assert_int_eq (h_send_hex (h, 3, 20, 0, "05"), ERTMP_STATE);
  h_free (h);

  h = server_connected ();
  ck_assert_int_eq (h_feed_hex (h, ffmpeg_connect_chunked), ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED, "connect: second connect on one connection");
  h_free (h);

  h = server_new ();
  b = cmd ("connect", 1);
  ertmp_amf0_put_null (b);
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED, "connect: command object is not an object");
  h_free (h);

  h = server_with_stream ();
  b = cmd ("publish", 0);
  ertmp_amf0_put_null (b);
  ertmp_amf0_put_number (b, 7);
  ck_assert_int_eq (h_cmd (h, 1, b), ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED, "publish: stream name is not a string");
  h_free (h);

  h = server_with_stream ();
  ck_assert_int_eq (
      h_send_hex (h, 3, ERTMP_MSG_COMMAND_AMF0, 0, publish_stream),
      ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED, "publish: sent on message stream 0");
  h_free (h);

  h = server_new ();
  ck_assert_int_eq (
      h_send_hex (h, 3, 20, 0, "00 3f f0 00 00 00 00 00 00"), ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED, "command message: name is not a string");
  h_free (h);

  /* a non-number transaction id is read as 0, "no reply expected" */
  h = server_new ();
  ck_assert_int_eq (h_send_hex (h, 3, 20, 0, "02 00 01 78 05"), ERTMP_OK);
  ck_log (h, "command 0 x 0 args=0\n");
  h_free (h);

  /* truncated AMF */
  h = server_new ();
  ck_assert_int_eq (
      h_send_hex (h, 3, 20, 0, "02 00 07 63 6f 6e"), ERTMP_MALFORMED);
  ck_assert_int_eq (ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_FAILED);
  h_free (h);
}

END_TEST;

/* ---- both: protocol control ------------------------------------------ */

/* Vector 2.1 PingRequest 0x12345678 -> exactly the PingResponse bytes */
START_TEST (test_ping_answer)
{
  harness * h = server_new ();
  gsize len;
  const guint8 * out;
  GByteArray * want = test_hex ("02 00 00 00 00 00 06 04 00 00 00 00 00 07"
                                "12 34 56 78");

  ck_assert_int_eq (h_feed_hex (h,
                        "02 00 00 00 00 00 06 04 00 00 00 00"
                        "00 06 12 34 56 78"),
      ERTMP_OK);
  ck_log (h, "");
  out = ertmp_session_pending_output (h->s, &len);
  ck_assert_bytes_eq (out, len, want->data, want->len);
  g_byte_array_unref (want);
  /* and our own ping */
  h_output (h);
  ck_assert_int_eq (ertmp_session_ping (h->s, 0xcafe), ERTMP_OK);
  h_output (h);
  ck_out (h, 1, ERTMP_MSG_USER_CONTROL, 0, "00 06 00 00 ca fe");
  h_free (h);
}

END_TEST;

START_TEST (test_user_control_events)
{
  harness * h = server_new ();

  h_send_hex (h, 2, 4, 0, "00 00 00 00 00 01"); /* StreamBegin 1 */
  h_send_hex (h, 2, 4, 0, "00 01 00 00 00 01"); /* StreamEOF */
  h_send_hex (h, 2, 4, 0, "00 02 00 00 00 01"); /* StreamDry */
  /* vector 2.1 SetBufferLength msid 1, 3000 ms */
  h_feed_hex (h,
      "02 00 00 00 00 00 0a 04 00 00 00 00 00 03 00 00 00 01"
      "00 00 0b b8");
  h_new_writer (h);
  h_send_hex (h, 2, 4, 0, "00 04 00 00 00 01"); /* StreamIsRecorded */
  h_send_hex (h, 2, 4, 0, "00 07 00 00 03 e8"); /* PingResponse 1000 */
  h_send_hex (h, 2, 4, 0, "00 1f 00 00 00 01"); /* BufferEmpty */
  h_send_hex (h, 2, 4, 0, "00 20 00 00 00 01"); /* BufferReady */
  ck_log (h,
      "uc 0 type=0 value=1 buffer=0\n"
      "uc 0 type=1 value=1 buffer=0\n"
      "uc 0 type=2 value=1 buffer=0\n"
      "uc 0 type=3 value=1 buffer=3000\n"
      "uc 0 type=4 value=1 buffer=0\n"
      "uc 0 type=7 value=1000 buffer=0\n"
      "uc 0 type=31 value=1 buffer=0\n"
      "uc 0 type=32 value=1 buffer=0\n");
  /* ignored: unknown events, short payloads */
  h_send_hex (h, 2, 4, 0, "00 05 00 00 00 01");
  h_send_hex (h, 2, 4, 0, "00 1a");
  h_send_hex (h, 2, 4, 0, "00 00 00 01");
  h_send_hex (h, 2, 4, 0, "00");
  h_send_hex (h, 2, 4, 0, "");
  h_send_hex (h, 2, 4, 0, "00 03 00 00 00 01 00 00");
  h_send_hex (h, 2, 4, 0, "00 06 12 34");
  ck_assert_int_eq (h->last, ERTMP_OK);
  ck_log (h, "");
  h_output (h);
  ck_assert_uint_eq (h->out->len, 0);
  h_free (h);
}

END_TEST;

/* A 200-byte message after Set Chunk Size 200 is one chunk. */
START_TEST (test_set_chunk_size)
{
  harness * h = server_new ();
  guint8 body[200] = { 0x17 };
  ertmp_session_stats st;

  ck_assert_int_eq (h_send_hex (h, 2, 1, 0, "00 00 00 c8"), ERTMP_OK);
  ertmp_chunk_writer_set_chunk_size (h->w, 200);
  ck_assert_int_eq (
      h_send (h, 6, ERTMP_MSG_VIDEO, 1, 40, body, sizeof (body)), ERTMP_OK);
  ck_log (h, "media 1 type=9 ts=40 len=200\n");
  ertmp_session_get_stats (h->s, &st);
  ck_assert_uint_eq (st.chunk_size_in, 200);
  /* the maximum is fine; above 0xFFFFFF behaves like 0xFFFFFF */
  ck_assert_int_eq (h_send_hex (h, 2, 1, 0, "7f ff ff ff"), ERTMP_OK);
  h_free (h);

  /* test-vectors.md 9: bit 31 set */
  h = server_new ();
  ck_assert_int_eq (h_send_hex (h, 2, 1, 0, "80 00 10 00"), ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED,
      "Set Chunk Size: invalid size 2147487744 (0x80001000)");
  h_free (h);
  h = server_new ();
  ck_assert_int_eq (h_send_hex (h, 2, 1, 0, "00 00 00 00"), ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED, "Set Chunk Size: invalid size 0 (0x00000000)");
  h_free (h);
}

END_TEST;

/* Every length field of the control messages: short payloads are
 * protocol errors (rtmp.md 4, 5). */
START_TEST (test_control_malformed)
{
  static const struct
  {
    guint8 type;
    const gchar * hex;
    const gchar * message;
  } cases[] = {
    { 1, "00 00 10", "Set Chunk Size: 3 bytes, need 4" },
    { 1, "", "Set Chunk Size: 0 bytes, need 4" },
    { 2, "00 00 06", "Abort: 3 bytes, need 4" },
    { 3, "00 98", "Acknowledgement: 2 bytes, need 4" },
    { 5, "00 26 25", "Window Ack Size: 3 bytes, need 4" },
    { 5, "00 00 00 00", "Window Ack Size: window of 0 bytes" },
    { 6, "00 26 25 a0", "Set Peer Bandwidth: 4 bytes, need 5" },
    { 6, "00", "Set Peer Bandwidth: 1 bytes, need 5" },
    { 6, "00 26 25 a0 03", "Set Peer Bandwidth: limit type 3" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    harness * h = server_new ();

    ck_assert_int_eq (
        h_send_hex (h, 2, cases[i].type, 0, cases[i].hex), ERTMP_MALFORMED);
    ck_error (h, ERTMP_MALFORMED, cases[i].message);
    h_free (h);
  }
}

END_TEST;

/* Abort drops the partial message on csid 6 (vector 2.1 Abort csid 6) */
START_TEST (test_abort)
{
  harness * h = server_new ();
  guint8 big[300] = { 0 };
  GByteArray * b = g_byte_array_new ();

  ertmp_chunk_writer_write (
      h->w, b, 6, ERTMP_MSG_VIDEO, 1, 0, big, sizeof (big));
  /* first chunk only: 12-byte header + 128 bytes */
  ck_assert_int_eq (h_feed (h, b->data, 140), ERTMP_OK);
  ck_assert_int_eq (h_feed_hex (h,
                        "02 00 00 00 00 00 04 02 00 00 00 00"
                        "00 00 00 06"),
      ERTMP_OK);
  /* a fresh fmt-0 message on csid 6 */
  ck_assert_int_eq (h_feed_hex (h,
                        "06 00 00 64 00 00 05 09 01 00 00 00"
                        "27 01 00 00 00"),
      ERTMP_OK);
  ck_log (h, "media 1 type=9 ts=100 len=5\n");
  g_byte_array_unref (b);
  ck_assert_int_eq (h_send_hex (h, 2, 2, 0, "00 00 00 63"), ERTMP_OK);
  h_free (h);
}

END_TEST;

/* Acknowledgements at exactly the window, counting every byte after the
 * handshake (rtmp.md 5) */
START_TEST (test_ack_window)
{
  harness * h = server_new ();
  GByteArray * b = g_byte_array_new ();
  guint8 body[72] = { 0 };
  ertmp_session_stats st;

  /* Window Ack Size 100 (16 bytes on the wire) */
  ck_assert_int_eq (h_send_hex (h, 2, 5, 0, "00 00 00 64"), ERTMP_OK);
  /* unknown type 7, 72 bytes: 84 bytes on the wire, 100 in total */
  ertmp_chunk_writer_write (h->w, b, 3, 7, 0, 0, body, sizeof (body));
  ck_assert_uint_eq (b->len, 84);
  ck_assert_int_eq (h_feed (h, b->data, 83), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 0);
  ck_assert_int_eq (h_feed (h, b->data + 83, 1), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 1);
  ck_out (h, 0, ERTMP_MSG_ACK, 0, "00 00 00 64");
  /* the next one at 200, even when it arrives in one piece with more */
  g_byte_array_set_size (b, 0);
  ertmp_chunk_writer_write (h->w, b, 3, 7, 0, 0, body, sizeof (body));
  ertmp_chunk_writer_write (h->w, b, 3, 7, 0, 0, body, sizeof (body));
  ck_assert_int_eq (h_feed (h, b->data, b->len), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 2);
  ck_out (h, 1, ERTMP_MSG_ACK, 0, "00 00 00 c8");
  ertmp_session_get_stats (h->s, &st);
  ck_assert_uint_eq (st.acks_out, 2);
  ck_assert_uint_eq (st.window_in, 100);
  g_byte_array_unref (b);
  h_free (h);
}

END_TEST;

/* No Window Ack Size from the peer (FFmpeg): the default window 2500000 */
START_TEST (test_ack_default_window)
{
  harness * h = server_new ();
  guint8 * body = g_malloc0 (1000000);
  GByteArray * b = g_byte_array_new ();
  gsize total;

  ertmp_chunk_writer_set_chunk_size (h->w, 1000000);
  ck_assert_int_eq (h_send_hex (h, 2, 1, 0, "00 0f 42 40"), ERTMP_OK);
  /* 16 + 2 x (12 + 1000000) = 2000040, then 499959 bytes */
  ertmp_chunk_writer_write (h->w, b, 3, 7, 0, 0, body, 1000000);
  ertmp_chunk_writer_write (h->w, b, 3, 7, 0, 0, body, 1000000);
  ertmp_chunk_writer_write (h->w, b, 3, 7, 0, 0, body, 1000000);
  total = 16;
  ck_assert_int_eq (h_feed (h, b->data, 2500000 - 1 - total), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 0);
  ck_assert_int_eq (h_feed (h, b->data + 2500000 - 1 - total, 1), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 1);
  ck_out (h, 0, ERTMP_MSG_ACK, 0, WIN_ACK_2500000);
  g_byte_array_unref (b);
  g_free (body);
  h_free (h);
}

END_TEST;

/* default_window_in 0 (an ingest server): no ack until the peer asks with
 * a Window Ack Size, then acks at its window */
START_TEST (test_ack_only_when_asked)
{
  ertmp_session_config cfg;
  harness * h;
  guint8 * body = g_malloc0 (1000000);
  GByteArray * b = g_byte_array_new ();

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.default_window_in = 0;
  h = server_new_cfg (&cfg);
  ertmp_chunk_writer_set_chunk_size (h->w, 1000000);
  ck_assert_int_eq (h_send_hex (h, 2, 1, 0, "00 0f 42 40"), ERTMP_OK);
  /* three 1000000-byte messages: past the default window, no ack */
  ertmp_chunk_writer_write (h->w, b, 3, 7, 0, 0, body, 1000000);
  ertmp_chunk_writer_write (h->w, b, 3, 7, 0, 0, body, 1000000);
  ertmp_chunk_writer_write (h->w, b, 3, 7, 0, 0, body, 1000000);
  ck_assert_int_eq (h_feed (h, b->data, b->len), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 0);
  /* Window Ack Size 100: every byte so far (3000045, the later headers
   * compressed) is acked at once */
  ck_assert_int_eq (h_send_hex (h, 2, 5, 0, "00 00 00 64"), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 1);
  ck_out (h, 0, ERTMP_MSG_ACK, 0, "00 2d c6 ed");
  g_byte_array_unref (b);
  g_free (body);
  h_free (h);
}

END_TEST;

/* Set Peer Bandwidth rules (rtmp.md 5): answer with Window Ack Size when
 * the enforced limit differs from the last one we sent */
START_TEST (test_peer_bandwidth)
{
  harness * h = server_connected (); /* we sent 2500000 */
  ertmp_session_stats st;

  h_send_hex (h, 2, 6, 0, PEER_BW_2500000_DYNAMIC); /* same: nothing */
  h_output (h);
  ck_assert_uint_eq (h->out->len, 0);
  h_send_hex (h, 2, 6, 0, "00 00 03 e8 01"); /* soft 1000 */
  h_send_hex (h, 2, 6, 0, "00 00 07 d0 01"); /* soft 2000: min 1000 */
  h_send_hex (h, 2, 6, 0, "00 00 0b b8 02"); /* dynamic after soft */
  h_send_hex (h, 2, 6, 0, "00 00 0b b8 00"); /* hard 3000 */
  h_send_hex (h, 2, 6, 0, "00 00 0f a0 02"); /* dynamic after hard */
  h_send_hex (h, 2, 6, 0, "00 00 0f a0 00"); /* hard, same */
  ck_assert_int_eq (h->last, ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 3);
  ck_out (h, 0, ERTMP_MSG_WINDOW_ACK_SIZE, 0, "00 00 03 e8");
  ck_out (h, 1, ERTMP_MSG_WINDOW_ACK_SIZE, 0, "00 00 0b b8");
  ck_out (h, 2, ERTMP_MSG_WINDOW_ACK_SIZE, 0, "00 00 0f a0");
  ertmp_session_get_stats (h->s, &st);
  ck_assert_uint_eq (st.peer_bandwidth, 4000);
  ck_assert_uint_eq (st.window_out, 4000);
  /* acks from the peer are counted */
  h_feed_hex (h, "02 00 00 00 00 00 04 03 00 00 00 00 00 98 96 80");
  ertmp_session_get_stats (h->s, &st);
  ck_assert_uint_eq (st.acks_in, 1);
  ck_assert_uint_eq (st.last_ack_in, 10000000);
  h_free (h);
}

END_TEST;

/* ---- both: media, data, aggregates ---------------------------------- */

START_TEST (test_media_and_unknown_types)
{
  harness * h = server_publishing (TRUE);
  ertmp_session_stats st;

  /* vector 2.3: three audio messages at 1000, 1020, 1040 */
  h_feed_hex (h,
      "04 00 03 e8 00 00 20 08 01 00 00 00 af 01 00 00"
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
      "00 00 00 00 00 00 00 00 00 00 00 00 84 00 00 14"
      "af 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
      "c4 af 01 00 00 00 00 00 00 00 00 00 00 00 00 00"
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
      "00");
  /* unknown types 7, 19, 23 are skipped; an empty audio is legal */
  h_send_hex (h, 3, 7, 0, "01 02 03");
  h_send_hex (h, 3, 19, 1, "00");
  h_send_hex (h, 3, 23, 1, "");
  h_send (h, 4, ERTMP_MSG_AUDIO, 1, 1060, NULL, 0);
  ck_assert_int_eq (h->last, ERTMP_OK);
  ck_log (h,
      "media 1 type=8 ts=1000 len=32\n"
      "media 1 type=8 ts=1020 len=32\n"
      "media 1 type=8 ts=1040 len=32\n"
      "media 1 type=8 ts=1060 len=0\n");
  ertmp_session_get_stats (h->s, &st);
  ck_assert_uint_eq (st.messages_in[ERTMP_SESSION_KIND_AUDIO], 4);
  ck_assert_uint_eq (st.messages_in[ERTMP_SESSION_KIND_OTHER], 3);
  h_free (h);
}

END_TEST;

/* 32-bit wrap unwrapped per msid: last + (int32) (ts - last_ts) */
START_TEST (test_timestamp_unwrap)
{
  harness * h = server_publishing (TRUE);
  guint8 v[2] = { 0x27, 0x01 };

  h_send (h, 6, ERTMP_MSG_VIDEO, 1, 0xFFFFFFF0u, v, 2);
  h_send (h, 6, ERTMP_MSG_VIDEO, 1, 0xFFFFFFFFu, v, 2);
  h_send (h, 6, ERTMP_MSG_VIDEO, 1, 0x00000000u, v, 2);
  h_send (h, 6, ERTMP_MSG_VIDEO, 1, 0x00000010u, v, 2);
  /* audio a little behind on another csid */
  h_send (h, 4, ERTMP_MSG_AUDIO, 1, 0xFFFFFFFAu, v, 2);
  h_send (h, 6, ERTMP_MSG_VIDEO, 1, 0x00000030u, v, 2);
  /* another msid has its own timeline */
  h_send (h, 7, ERTMP_MSG_VIDEO, 2, 0x00000005u, v, 2);
  ck_log (h,
      "media 1 type=9 ts=4294967280 len=2\n"
      "media 1 type=9 ts=4294967295 len=2\n"
      "media 1 type=9 ts=4294967296 len=2\n"
      "media 1 type=9 ts=4294967312 len=2\n"
      "media 1 type=8 ts=4294967290 len=2\n"
      "media 1 type=9 ts=4294967344 len=2\n"
      "media 2 type=9 ts=5 len=2\n");
  h_free (h);
}

END_TEST;

/* @setDataFrame stripped (also doubled); the payload is the FLV script tag
 * body (rtmp.md 7.4) */
START_TEST (test_data_messages)
{
  harness * h = server_publishing (TRUE);
  GByteArray *pl = g_byte_array_new (), *wire = g_byte_array_new (), *body;
  ertmp_session_event ev;
  gsize len, consumed;
  const guint8 * p;

  body =
      test_hex ("02 00 0a 6f 6e 4d 65 74 61 44 61 74 61" /* onMetaData */
                "08 00 00 00 01 00 05 77 69 64 74 68 00 40 9e 00 00 00 00 00 00"
                "00 00 09");
  ertmp_amf0_put_string (pl, "@setDataFrame");
  ertmp_amf0_put_string (pl, "@setDataFrame");
  g_byte_array_append (pl, body->data, body->len);
  ertmp_chunk_writer_write (
      h->w, wire, 4, ERTMP_MSG_DATA_AMF0, 1, 0, pl->data, pl->len);
  ck_assert_int_eq (
      ertmp_session_receive (h->s, wire->data, wire->len, &consumed), ERTMP_OK);
  ck_assert_uint_eq (consumed, wire->len);
  ck_assert_int_eq (ertmp_session_next_event (h->s, &ev), ERTMP_OK);
  ck_assert_int_eq (ev.type, ERTMP_SESSION_EVENT_DATA);
  ck_assert_str_eq (ev.data.name, "onMetaData");
  ck_assert_uint_eq (ev.data.values->len, 1);
  ck_assert_int_eq (
      ((ertmp_amf_value *) g_ptr_array_index (ev.data.values, 0))->type,
      ERTMP_AMF_ECMA_ARRAY);
  p = g_bytes_get_data (ev.data.payload, &len);
  ck_assert_bytes_eq (p, len, body->data, body->len);
  ck_assert_int_eq (ertmp_session_next_event (h->s, &ev), ERTMP_NEED_MORE);
  g_byte_array_unref (pl);
  g_byte_array_unref (wire);

  /* bare onTextData, AMF3 data (type 15) */
  h_send_hex (h, 4, ERTMP_MSG_DATA_AMF0, 1,
      "02 00 0a 6f 6e 54 65 78 74 44"
      "61 74 61 02 00 01 78");
  h_send_hex (h, 4, ERTMP_MSG_DATA_AMF3, 1,
      "00 02 00 0d 40 73 65 74 44 61"
      "74 61 46 72 61 6d 65 02 00 0a 6f 6e 4d 65 74 61 44 61 74 61"
      "11 0a 0b 01 09 74 65 73 74 04 05 01");
  /* undecodable: dropped with a warning, the connection lives */
  h_send_hex (h, 4, ERTMP_MSG_DATA_AMF0, 1, "02 00 0a 6f 6e");
  h_send_hex (h, 4, ERTMP_MSG_DATA_AMF3, 1, "");
  h_send_hex (h, 4, ERTMP_MSG_DATA_AMF0, 1, "");
  ck_assert_int_eq (h->last, ERTMP_OK);
  ck_log (h,
      "data 1 type=18 ts=0 name=onTextData values=1 len=17\n"
      "data 1 type=15 ts=0 name=onMetaData values=1 len=25\n"
      "warning data message of 5 bytes on stream 1 dropped: malformed\n"
      "warning data message of 0 bytes on stream 1 dropped: malformed\n"
      "data 1 type=18 ts=0 name=(null) values=0 len=0\n");
  g_byte_array_unref (body);
  h_free (h);
}

END_TEST;

static void
put_sub (GByteArray * agg, guint8 type, guint32 ts, const gchar * hex)
{
  GByteArray * body = test_hex (hex);
  guint32 start = agg->len;
  guint8 hdr[11] = { type, body->len >> 16, body->len >> 8, body->len, ts >> 16,
    ts >> 8, ts, ts >> 24, 0, 0, 1 };

  g_byte_array_append (agg, hdr, 11);
  g_byte_array_append (agg, body->data, body->len);
  ertmp_put_u32be (agg, agg->len - start);
  g_byte_array_unref (body);
}

/* rtmp.md 4.2: sub-messages with offset = aggregate ts - first sub ts */
START_TEST (test_aggregate)
{
  harness * h = server_publishing (TRUE);
  GByteArray * agg = g_byte_array_new ();

  put_sub (agg, ERTMP_MSG_VIDEO, 0x01000010, "17 00 00 00 00");
  put_sub (agg, ERTMP_MSG_AUDIO, 0x01000020, "af 01 21");
  put_sub (agg, ERTMP_MSG_DATA_AMF0, 0x01000030, "02 00 01 78 05");
  put_sub (agg, 4, 0x01000040, "00 06 00 00 00 01"); /* ignored */
  put_sub (agg, ERTMP_MSG_VIDEO, 0x01000050, "");
  h_send (h, 5, ERTMP_MSG_AGGREGATE, 1, 1000, agg->data, agg->len);
  ck_log (h,
      "media 1 type=9 ts=1000 len=5\n"
      "media 1 type=8 ts=1016 len=3\n"
      "data 1 type=18 ts=1032 name=x values=1 len=5\n"
      "media 1 type=9 ts=1064 len=0\n");
  h_output (h);
  ck_assert_uint_eq (h->out->len, 0); /* nested control ignored */

  /* truncated: the second sub-message's length runs past the end */
  g_byte_array_set_size (agg, 0);
  put_sub (agg, ERTMP_MSG_VIDEO, 10, "17 01");
  put_sub (agg, ERTMP_MSG_AUDIO, 20, "af 01 21 22 23");
  g_byte_array_set_size (agg, agg->len - 6);
  h_send (h, 5, ERTMP_MSG_AGGREGATE, 1, 2000, agg->data, agg->len);
  ck_log (h,
      "media 1 type=9 ts=2000 len=2\n"
      "warning aggregate on stream 1: sub-message length runs past the end "
      "(3 bytes left)\n");
  /* fewer than 11 bytes after a sub-message */
  g_byte_array_set_size (agg, 0);
  put_sub (agg, ERTMP_MSG_VIDEO, 10, "17 01");
  g_byte_array_append (agg, (const guint8 *) "\x09\x00\x00", 3);
  h_send (h, 5, ERTMP_MSG_AGGREGATE, 1, 3000, agg->data, agg->len);
  ck_log (h,
      "media 1 type=9 ts=3000 len=2\n"
      "warning aggregate on stream 1: truncated sub-message header "
      "(3 bytes left)\n");
  /* a partial back pointer */
  g_byte_array_set_size (agg, 0);
  put_sub (agg, ERTMP_MSG_VIDEO, 10, "17 01");
  g_byte_array_set_size (agg, agg->len - 2);
  h_send (h, 5, ERTMP_MSG_AGGREGATE, 1, 4000, agg->data, agg->len);
  /* no back pointer at all after the last one is accepted */
  g_byte_array_set_size (agg, agg->len - 2);
  h_send (h, 5, ERTMP_MSG_AGGREGATE, 1, 5000, agg->data, agg->len);
  h_send (h, 5, ERTMP_MSG_AGGREGATE, 1, 6000, NULL, 0);
  ck_log (h,
      "media 1 type=9 ts=4000 len=2\n"
      "warning aggregate on stream 1: truncated back pointer "
      "(2 bytes left)\n"
      "media 1 type=9 ts=5000 len=2\n");
  ck_assert_int_eq (h->last, ERTMP_OK);
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_PUBLISHING);
  g_byte_array_unref (agg);
  h_free (h);
}

END_TEST;

/* ---- robustness and limits ------------------------------------------- */

START_TEST (test_handshake_errors)
{
  ertmp_session_config cfg;
  harness * h;
  guint8 c0[1] = { 6 };

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  h = h_new (&cfg);
  ck_assert_int_eq (h_feed (h, c0, 1), ERTMP_UNSUPPORTED);
  ck_error (h, ERTMP_UNSUPPORTED, "handshake: unsupported peer version 6");
  h_free (h);
  h = h_new (&cfg);
  ck_assert_int_eq (
      h_feed (h, (const guint8 *) "GET / HTTP/1.1", 14), ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED, "handshake: not RTMP, peer version 71");
  h_free (h);
}

END_TEST;

/* A peer announcing a message over max_message_size */
START_TEST (test_message_size_limit)
{
  ertmp_session_config cfg;
  harness * h;
  ertmp_limit_id limit;
  gchar * desc;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.limits.max_message_size = 1000;
  h = server_new_cfg (&cfg);
  ck_assert_int_eq (
      h_feed_hex (h, "06 00 00 00 00 07 d0 09 01 00 00 00"), ERTMP_LIMIT);
  ck_error (h, ERTMP_LIMIT, "chunk stream: maximum message size is 1000 bytes");
  ck_assert_int_eq (ertmp_session_get_error (h->s, &limit, NULL), ERTMP_LIMIT);
  ck_assert_int_eq (limit, ERTMP_LIMIT_MAX_MESSAGE_SIZE);
  desc = ertmp_limits_describe (&cfg.limits, limit);
  ck_assert_str_eq (desc, "maximum message size is 1000 bytes");
  g_free (desc);
  h_free (h);
}

END_TEST;

/* A peer that never reads cannot grow our output beyond max_output_bytes */
START_TEST (test_output_limit)
{
  ertmp_session_config cfg;
  harness * h;
  guint i;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.limits.max_output_bytes = 100;
  h = server_new_cfg (&cfg);
  /* a PingResponse per PingRequest: 18 bytes, then 7 (fmt 3) */
  for (i = 0; i < 12; i++)
    ck_assert_int_eq (h_send_hex (h, 2, 4, 0, "00 06 00 00 00 01"), ERTMP_OK);
  ck_assert_int_eq (h_send_hex (h, 2, 4, 0, "00 06 00 00 00 01"), ERTMP_LIMIT);
  ck_error (h, ERTMP_LIMIT,
      "output not read by the peer: maximum unsent output is 100 bytes");
  h_free (h);

  /* a call that does not fit is refused and the session lives on */
  cfg.limits.max_output_bytes = 40;
  h = server_new_cfg (&cfg);
  ck_assert_int_eq (ertmp_session_ping (h->s, 1), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_ping (h->s, 2), ERTMP_LIMIT);
  h_output (h);
  ck_assert_int_eq (ertmp_session_ping (h->s, 3), ERTMP_OK);
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_CONNECTING);
  h_free (h);
}

END_TEST;

/* receive consumes nothing while events are pending */
START_TEST (test_receive_pending_events)
{
  harness * h = server_publishing (TRUE);
  GByteArray * b = g_byte_array_new ();
  guint8 v[3] = { 0x27, 1, 0 };
  gsize consumed;
  ertmp_session_event ev;

  ertmp_chunk_writer_write (h->w, b, 6, ERTMP_MSG_VIDEO, 1, 10, v, 3);
  ertmp_chunk_writer_write (h->w, b, 6, ERTMP_MSG_VIDEO, 1, 20, v, 3);
  ck_assert_int_eq (
      ertmp_session_receive (h->s, b->data, b->len, &consumed), ERTMP_OK);
  ck_assert_uint_eq (consumed, 15);
  ck_assert_int_eq (ertmp_session_receive (
                        h->s, b->data + consumed, b->len - consumed, &consumed),
      ERTMP_OK);
  ck_assert_uint_eq (consumed, 0);
  ck_assert_int_eq (ertmp_session_next_event (h->s, &ev), ERTMP_OK);
  ck_assert_int_eq (ev.media.timestamp, 10);
  ck_assert_int_eq (ertmp_session_next_event (h->s, &ev), ERTMP_NEED_MORE);
  ck_assert_int_eq (
      ertmp_session_receive (h->s, b->data + 15, b->len - 15, &consumed),
      ERTMP_OK);
  ck_assert_uint_eq (consumed, b->len - 15);
  ck_assert_int_eq (ertmp_session_next_event (h->s, &ev), ERTMP_OK);
  ck_assert_int_eq (ev.media.timestamp, 20);
  g_byte_array_unref (b);
  h_free (h);
}

END_TEST;

/* ---- client ---------------------------------------------------------- */

/* A client past the handshake (S0+S1+S2 fed, C0+C1+C2 dropped) */
static harness *
client_new_cfg (
    ertmp_session_config * cfg, const ertmp_session_connect_params * cp)
{
  harness * h = h_new (cfg);
  guint8 * s012 = g_malloc0 (1 + 2 * HS);

  s012[0] = 3;
  if (cp)
    ck_assert_int_eq (ertmp_session_connect (h->s, cp), ERTMP_OK);
  ck_assert_int_eq (h_feed (h, s012, 1 + 2 * HS), ERTMP_OK);
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_CONNECTING);
  h->skip = 1 + 2 * HS;
  g_free (s012);
  return h;
}

static harness *
client_new (const gchar * tc_url)
{
  ertmp_session_config cfg;
  ertmp_session_connect_params cp = { 0 };

  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.chunk_size = 128;
  cp.tc_url = tc_url;
  cp.app = "live";
  return client_new_cfg (&cfg, &cp);
}

/* The bytes after C2 */
static void
ck_client_wire (harness * h, const gchar * hex)
{
  gsize len;
  const guint8 * out = ertmp_session_pending_output (h->s, &len);
  GByteArray * want = test_hex (hex);

  ck_assert_uint_gt (len, h->skip);
  ck_assert_bytes_eq (out + h->skip, len - h->skip, want->data, want->len);
  g_byte_array_unref (want);
}

/* Empty caps: byte-identical to FFmpeg's legacy connect (vector 2.5,
 * chunked at 128, payload vector 3.1) */
START_TEST (test_client_connect_legacy)
{
  ertmp_session_config cfg;
  ertmp_session_connect_params cp = { 0 };
  ertmp_caps none;
  harness * h;

  ertmp_caps_init (&none);
  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.chunk_size = 128;
  cfg.caps = &none;
  cp.tc_url = "rtmp://127.0.0.1:19350/live";
  cp.app = "live";
  cp.flash_ver = "FMLE/3.0 (compatible; Lavf59.27.100)";
  h = client_new_cfg (&cfg, &cp);
  ck_client_wire (h, ffmpeg_connect_chunked);
  h_free (h);
}

END_TEST;

/* With caps: vector 3.3, chunked form */
START_TEST (test_client_connect_caps)
{
  ertmp_session_config cfg;
  ertmp_session_connect_params cp = { 0 };
  ertmp_caps caps;
  harness * h;

  ertmp_caps_init (&caps);
  ertmp_caps_add_fourcc (&caps, ERTMP_FOURCC ('h', 'v', 'c', '1'));
  ertmp_caps_add_fourcc (&caps, ERTMP_FOURCC ('a', 'v', '0', '1'));
  ertmp_caps_add_fourcc (&caps, ERTMP_FOURCC ('O', 'p', 'u', 's'));
  ertmp_caps_add_info (&caps, TRUE, ERTMP_FOURCC ('h', 'v', 'c', '1'), 2);
  ertmp_caps_add_info (&caps, TRUE, ERTMP_FOURCC ('a', 'v', '0', '1'), 2);
  ertmp_caps_add_info (&caps, FALSE, ERTMP_FOURCC ('O', 'p', 'u', 's'), 2);
  caps.has_caps_ex = TRUE;
  caps.caps_ex = 15;
  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.chunk_size = 128;
  cfg.caps = &caps;
  /* connect before the handshake is done: sent once it is */
  cp.tc_url = "rtmp://example.com/live";
  cp.app = "live";
  h = client_new_cfg (&cfg, &cp);
  ck_client_wire (h,
      "03 00 00 00 00 01 17 14 00 00 00 00 02 00 07 63"
      "6f 6e 6e 65 63 74 00 3f f0 00 00 00 00 00 00 03"
      "00 03 61 70 70 02 00 04 6c 69 76 65 00 04 74 79"
      "70 65 02 00 0a 6e 6f 6e 70 72 69 76 61 74 65 00"
      "08 66 6c 61 73 68 56 65 72 02 00 1f 46 4d 4c 45"
      "2f 33 2e 30 20 28 63 6f 6d 70 61 74 69 62 6c 65"
      "3b 20 46 4d 53 63 2f 31 2e 30 29 00 05 74 63 55"
      "72 6c 02 00 17 72 74 6d 70 3a 2f 2f 65 78 61 6d"
      "70 6c 65 2e 63 6f 6d 2f 6c 69 76 65 c3 00 0a 66"
      "6f 75 72 43 63 4c 69 73 74 0a 00 00 00 03 02 00"
      "04 68 76 63 31 02 00 04 61 76 30 31 02 00 04 4f"
      "70 75 73 00 12 76 69 64 65 6f 46 6f 75 72 43 63"
      "49 6e 66 6f 4d 61 70 03 00 04 68 76 63 31 00 40"
      "00 00 00 00 00 00 00 00 04 61 76 30 31 00 40 00"
      "00 00 00 00 00 00 00 00 09 00 12 61 75 64 69 6f"
      "46 6f 75 72 43 63 49 6e 66 6f 4d 61 70 03 00 04"
      "4f 70 75 73 00 40 00 00 00 00 00 00 00 c3 00 00"
      "09 00 06 63 61 70 73 45 78 00 40 2e 00 00 00 00"
      "00 00 00 00 09");
  ertmp_caps_clear (&caps);
  h_free (h);
}

END_TEST;

/* swfUrl, extra properties and user arguments; Set Chunk Size first */
START_TEST (test_client_connect_extra)
{
  ertmp_session_config cfg;
  ertmp_session_connect_params cp = { 0 };
  ertmp_amf_value * extra = ertmp_amf_new (ERTMP_AMF_OBJECT);
  GPtrArray * args =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ertmp_amf_value_unref);
  harness * h;
  GPtrArray * v;
  const ertmp_amf_value * obj;
  gdouble n;

  ertmp_amf_add_string (extra, "pageUrl", "http://example.com/");
  g_ptr_array_add (args, ertmp_amf_new_string ("user", -1));
  g_ptr_array_add (args, ertmp_amf_new_number (7));
  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cp.tc_url = "rtmp://example.com/live";
  cp.app = "live";
  cp.swf_url = "rtmp://example.com/live";
  cp.extra = extra;
  cp.args = args;
  h = client_new_cfg (&cfg, &cp);
  ertmp_amf_value_unref (extra);
  g_ptr_array_unref (args);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 2);
  ck_out (h, 0, ERTMP_MSG_SET_CHUNK_SIZE, 0, CHUNK_SIZE_4096);
  v = out_values (h, 1);
  ck_assert_uint_eq (v->len, 5);
  obj = g_ptr_array_index (v, 2);
  ck_assert_uint_eq (ertmp_amf_n_props (obj), 6);
  ck_assert_str_eq (g_array_index (obj->props, ertmp_amf_prop, 0).name, "app");
  ck_assert_str_eq (
      g_array_index (obj->props, ertmp_amf_prop, 4).name, "swfUrl");
  ck_assert_str_eq (
      g_array_index (obj->props, ertmp_amf_prop, 5).name, "pageUrl");
  ck_assert_str_eq (v_str (v, 3), "user");
  ck_assert (ertmp_amf_get_number (g_ptr_array_index (v, 4), &n) && n == 7);
  g_ptr_array_unref (v);
  h_free (h);
}

END_TEST;

/* connect called after the handshake: sent at once; publish only once */
START_TEST (test_client_connect_late)
{
  ertmp_session_config cfg;
  ertmp_session_connect_params cp = { 0 };
  harness * h;
  GPtrArray * v;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.chunk_size = 128;
  h = client_new_cfg (&cfg, NULL);
  ck_assert_int_eq (ertmp_session_publish (h->s, "s", NULL), ERTMP_STATE);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 0);
  cp.tc_url = "rtmp://x/live";
  cp.app = "live";
  ck_assert_int_eq (ertmp_session_connect (h->s, &cp), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 1);
  v = out_values (h, 0);
  ck_assert_str_eq (v_str (v, 0), "connect");
  ck_assert_str_eq (v_prop (v, 2, "flashVer"),
      "FMLE/3.0 (compatible; FMSc/1.0)");
  g_ptr_array_unref (v);
  h_free (h);
}

END_TEST;

static void
feed_connect_result (harness * h, gboolean caps_in_info)
{
  GByteArray * b = cmd ("_result", 1);
  ertmp_amf_value * props = ertmp_amf_new (ERTMP_AMF_OBJECT);
  ertmp_amf_value * info = ertmp_amf_new (ERTMP_AMF_OBJECT);

  ertmp_amf_add_string (props, "fmsVer", "FMS/3,5,7,7009");
  ertmp_amf_add_number (props, "capabilities", 31);
  ertmp_amf_add_string (info, "level", "status");
  ertmp_amf_add_string (info, "code", "NetConnection.Connect.Success");
  ertmp_amf_add_string (info, "description", "Connection succeeded.");
  if (caps_in_info)
    ertmp_amf_add_number (info, "capsEx", 1);
  ertmp_amf0_encode (b, props);
  ertmp_amf0_encode (b, info);
  ertmp_amf_value_unref (props);
  ertmp_amf_value_unref (info);
  /* what nginx-rtmp and the research server send first */
  h_send_hex (h, 2, 5, 0, WIN_ACK_2500000);
  h_send_hex (h, 2, 6, 0, PEER_BW_2500000_DYNAMIC);
  h_send_hex (h, 2, 1, 0, CHUNK_SIZE_4096);
  ertmp_chunk_writer_set_chunk_size (h->w, 4096);
  ck_assert_int_eq (h_cmd (h, 0, b), ERTMP_OK);
}

/* The FMLE sequence, replies matched by txn, onStatus by code (txn 0) */
START_TEST (test_client_publish_flow)
{
  harness * h = client_new ("rtmp://127.0.0.1:19350/live");
  GByteArray * b;
  GPtrArray * v;
  ertmp_session_stats st;
  static const guint8 meta[] = { 0x02, 0x00, 0x0a, 'o', 'n', 'M', 'e', 't', 'a',
    'D', 'a', 't', 'a', 0x03, 0, 0, 9 };
  guint8 video[5] = { 0x17, 0, 0, 0, 0 };

  h_output (h);
  h_reset (h);
  ck_assert_int_eq (ertmp_session_publish (h->s, "stream", NULL), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_publish (h->s, "again", NULL), ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_session_send_media (h->s, 9, 0, video, 5), ERTMP_STATE);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 0); /* waits for the connect _result */
  feed_connect_result (h, TRUE);
  ck_log (h,
      "connected app=(null) tc=(null) flash=(null) "
      "fms=FMS/3,5,7,7009 enc=0 caps=yes\n");
  ertmp_session_get_stats (h->s, &st);
  ck_assert (st.peer_caps->has_caps_ex && st.peer_caps->caps_ex == 1);
  h_output (h);
  /* Window Ack Size answering Set Peer Bandwidth (rtmp2, rtmp.md 8.2),
   * then releaseStream, FCPublish, createStream back-to-back */
  ck_assert_uint_eq (h->out->len, 4);
  ck_out (h, 0, ERTMP_MSG_WINDOW_ACK_SIZE, 0, WIN_ACK_2500000);
  ck_out (h, 1, ERTMP_MSG_COMMAND_AMF0, 0,
      "02 00 0d 72 65 6c 65 61 73 65 53"
      "74 72 65 61 6d 00 40 00 00 00 00 00 00 00 05 02 00 06 73 74 72 65 61"
      "6d");
  ck_out (h, 2, ERTMP_MSG_COMMAND_AMF0, 0,
      "02 00 09 46 43 50 75 62 6c 69 73"
      "68 00 40 08 00 00 00 00 00 00 05 02 00 06 73 74 72 65 61 6d");
  /* vector 3.5 */
  ck_out (h, 3, ERTMP_MSG_COMMAND_AMF0, 0,
      "02 00 0c 63 72 65 61 74 65 53 74"
      "72 65 61 6d 00 40 10 00 00 00 00 00 00 05");
  h_reset (h);

  /* replies to releaseStream / FCPublish change nothing */
  b = cmd ("_result", 2);
  ertmp_amf0_put_null (b);
  h_cmd (h, 0, b);
  b = cmd ("onFCPublish", 0);
  ertmp_amf0_put_null (b);
  h_cmd (h, 0, b);
  ck_log (h, "command 0 onFCPublish 0 args=1\n");
  /* FFmpeg 5.1's -listen server sends a bare "onFCPublish" without a
   * transaction id (captured on loopback): no txn means 0 (rtmp.md 7.1) */
  h_send_hex (h, 3, 20, 0,
      "02 00 0b 6f 6e 46 43 50 75 62 6c 69 73 68"); /* "onFCPublish" */
  ck_log (h, "command 0 onFCPublish 0 args=0\n");
  /* vector 3.6: ["_result", 4, null, 1] -> publish (vector 3.7) on msid 1 */
  h_send_hex (h, 3, 20, 0,
      "02 00 07 5f 72 65 73 75 6c 74 00 40 10 00 00 00"
      "00 00 00 05 00 3f f0 00 00 00 00 00 00");
  h_output (h);
  ck_assert_uint_eq (h->out->len, 1);
  ck_out (h, 0, ERTMP_MSG_COMMAND_AMF0, 1, publish_stream);
  ck_assert_uint_eq (((out_msg *) g_ptr_array_index (h->out, 0))->csid, 3);
  h_reset (h);

  h_send_hex (h, 2, 4, 0, "00 00 00 00 00 01");
  h_send_hex (h, 5, 20, 1, publish_start); /* vector 3.8, txn 0 */
  ck_log (h, "uc 0 type=0 value=1 buffer=0\nstarted 1 stream\n");
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_PUBLISHING);

  /* media on csids 5/6, metadata with @setDataFrame on csid 4 */
  ck_assert_int_eq (
      ertmp_session_send_data (h->s, 18, 0, meta, sizeof (meta)), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_send_media (h->s, 9, 0, video, 5), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_send_media (
                        h->s, 8, G_GINT64_CONSTANT (0x100000021), video, 2),
      ERTMP_OK);
  ck_assert_int_eq (
      ertmp_session_send_media (h->s, 7, 0, video, 2), ERTMP_STATE);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 3);
  ck_out (h, 0, 18, 1,
      "02 00 0d 40 73 65 74 44 61 74 61 46 72 61 6d 65"
      "02 00 0a 6f 6e 4d 65 74 61 44 61 74 61 03 00 00 09");
  ck_assert_uint_eq (((out_msg *) g_ptr_array_index (h->out, 0))->csid, 4);
  ck_out (h, 1, 9, 1, "17 00 00 00 00");
  ck_assert_uint_eq (((out_msg *) g_ptr_array_index (h->out, 1))->csid, 6);
  ck_out (h, 2, 8, 1, "17 00");
  ck_assert_uint_eq (((out_msg *) g_ptr_array_index (h->out, 2))->csid, 5);
  ck_assert_uint_eq (((out_msg *) g_ptr_array_index (h->out, 2))->ts, 0x21);
  h_reset (h);

  /* teardown: FCUnpublish + deleteStream */
  ck_assert_int_eq (ertmp_session_close (h->s), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 2);
  v = out_values (h, 0);
  ck_assert_str_eq (v_str (v, 0), "FCUnpublish");
  ck_assert_str_eq (v_str (v, 3), "stream");
  g_ptr_array_unref (v);
  ck_out (h, 1, 20, 0,
      "02 00 0c 64 65 6c 65 74 65 53 74 72 65 61 6d"
      "00 40 1c 00 00 00 00 00 00 05 00 3f f0 00 00 00 00 00 00");
  ck_assert_int_eq (
      ertmp_session_send_media (h->s, 9, 0, video, 5), ERTMP_STATE);
  h_free (h);
}

END_TEST;

/* closeStream in the teardown when configured */
START_TEST (test_client_close_stream)
{
  ertmp_session_config cfg;
  ertmp_session_connect_params cp = { 0 };
  harness * h;
  GPtrArray * v;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.stop_commands |= ERTMP_SESSION_STOP_CLOSESTREAM;
  cp.tc_url = "rtmp://x/live";
  cp.app = "live";
  h = client_new_cfg (&cfg, &cp);
  feed_connect_result (h, FALSE);
  ertmp_session_publish (h->s, "s", "record");
  h_send_hex (h, 3, 20, 0,
      "02 00 07 5f 72 65 73 75 6c 74 00 40 10 00 00 00"
      "00 00 00 05 00 3f f0 00 00 00 00 00 00");
  h_send_hex (h, 5, 20, 1, publish_start);
  h_output (h);
  h_reset (h);
  ertmp_session_close (h->s);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 3);
  v = out_values (h, 1);
  ck_assert_str_eq (v_str (v, 0), "closeStream");
  ck_assert_uint_eq (((out_msg *) g_ptr_array_index (h->out, 1))->msid, 1);
  g_ptr_array_unref (v);
  h_free (h);
}

END_TEST;

/* stop_commands: only what is asked for, deleteStream alone here */
START_TEST (test_client_stop_commands)
{
  ertmp_session_config cfg;
  ertmp_session_connect_params cp = { 0 };
  harness * h;
  GPtrArray * v;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.stop_commands = ERTMP_SESSION_STOP_DELETESTREAM;
  cp.tc_url = "rtmp://x/live";
  cp.app = "live";
  h = client_new_cfg (&cfg, &cp);
  feed_connect_result (h, FALSE);
  ertmp_session_publish (h->s, "s", NULL);
  h_send_hex (h, 3, 20, 0,
      "02 00 07 5f 72 65 73 75 6c 74 00 40 10 00 00 00"
      "00 00 00 05 00 3f f0 00 00 00 00 00 00");
  h_send_hex (h, 5, 20, 1, publish_start);
  h_output (h);
  h_reset (h);
  ertmp_session_close (h->s);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 1);
  v = out_values (h, 0);
  ck_assert_str_eq (v_str (v, 0), "deleteStream");
  g_ptr_array_unref (v);
  h_free (h);
}

END_TEST;

static void
feed_error (harness * h, const gchar * name, gdouble txn, const gchar * level,
    const gchar * code, const gchar * description)
{
  GByteArray * b = cmd (name, txn);
  ertmp_amf_value * info = ertmp_amf_new (ERTMP_AMF_OBJECT);

  ertmp_amf0_put_null (b);
  ertmp_amf_add_string (info, "level", level);
  ertmp_amf_add_string (info, "code", code);
  ertmp_amf_add_string (info, "description", description);
  ertmp_amf0_encode (b, info);
  ertmp_amf_value_unref (info);
  h_cmd (h, 0, b);
}

START_TEST (test_client_errors)
{
  harness * h = client_new ("rtmp://x/live");
  gsize consumed;

  feed_error (h, "_error", 1, "error", "NetConnection.Connect.Rejected",
      "code=403 need auth; authmod=adobe");
  ck_log (h,
      "error connect error NetConnection.Connect.Rejected "
      "code=403 need auth; authmod=adobe\n");
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_CLOSING);
  ck_assert_int_eq (
      ertmp_session_receive (h->s, (const guint8 *) "abc", 3, &consumed),
      ERTMP_OK);
  ck_assert_uint_eq (consumed, 3);
  h_free (h);

  /* _error for releaseStream is only a status; BadName is fatal */
  h = client_new ("rtmp://x/live");
  feed_connect_result (h, FALSE);
  ertmp_session_publish (h->s, "s", NULL);
  g_string_truncate (h->log, 0);
  feed_error (h, "_error", 2, "error", "NetConnection.Call.Failed", "no");
  feed_error (h, "_error", 0, "error", "NetConnection.Call.Failed", "zero");
  feed_error (h, "onStatus", 0, "warning", "NetStream.Publish.Idle", "idle");
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_CONNECTED);
  feed_error (h, "onStatus", 0, "error", "NetStream.Publish.BadName", "taken");
  ck_log (h,
      "status releaseStream error NetConnection.Call.Failed no\n"
      "status _error error NetConnection.Call.Failed zero\n"
      "status onStatus warning NetStream.Publish.Idle idle\n"
      "error onStatus error NetStream.Publish.BadName taken\n");
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_CLOSING);
  h_free (h);

  /* createStream _error, then a malformed createStream _result */
  h = client_new ("rtmp://x/live");
  feed_connect_result (h, FALSE);
  ertmp_session_publish (h->s, "s", NULL);
  g_string_truncate (h->log, 0);
  feed_error (h, "_error", 4, "error", "NetConnection.Call.Failed", "no");
  ck_log (h, "error createStream error NetConnection.Call.Failed no\n");
  h_free (h);
  h = client_new ("rtmp://x/live");
  feed_connect_result (h, FALSE);
  ertmp_session_publish (h->s, "s", NULL);
  ck_assert_int_eq (h_send_hex (h, 3, 20, 0,
                        "02 00 07 5f 72 65 73 75 6c 74"
                        "00 40 10 00 00 00 00 00 00 05 05"),
      ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED,
      "createStream _result: stream id is not a number >= 1");
  h_free (h);

  /* onStatus without an info object */
  h = client_new ("rtmp://x/live");
  ck_assert_int_eq (h_send_hex (h, 3, 20, 0,
                        "02 00 08 6f 6e 53 74 61 74 75"
                        "73 00 00 00 00 00 00 00 00 00 05"),
      ERTMP_MALFORMED);
  ck_error (h, ERTMP_MALFORMED, "onStatus: no info object");
  h_free (h);
}

END_TEST;

/* Vector 3.9 and the four reference shapes of ertmp.md 10 */
START_TEST (test_client_reconnect)
{
  static const gchar * shapes[][2] = {
    { "rtmp://foo.mydomain.com:1935/realtimeapp",
        "rtmp://foo.mydomain.com:1935/realtimeapp" },
    { "//192.0.2.0/realtimeapp", "rtmp://192.0.2.0/realtimeapp" },
    { "/realtimeapp", "rtmp://a.example.com:1935/realtimeapp" },
    { "realtimeapp", "rtmp://a.example.com:1935/live/realtimeapp" },
    { "rtmps://b.example.com/live", "rtmps://b.example.com/live" },
  };
  harness * h = client_new ("rtmp://a.example.com:1935/live/inst");
  GByteArray * b;
  guint i;

  h_send_hex (h, 3, 20, 0, reconnect_request);
  ck_log (h, "reconnect rtmp://b.example.com/live Server maintenance.\n");
  for (i = 0; i < G_N_ELEMENTS (shapes); i++) {
    ertmp_amf_value * info = ertmp_amf_new (ERTMP_AMF_OBJECT);
    gchar * line;

    b = cmd ("onStatus", 0);
    ertmp_amf0_put_null (b);
    ertmp_amf_add_string (
        info, "code", "NetConnection.Connect.ReconnectRequest");
    ertmp_amf_add_string (info, "level", "status");
    ertmp_amf_add_string (info, "tcUrl", shapes[i][0]);
    ertmp_amf0_encode (b, info);
    ertmp_amf_value_unref (info);
    h_cmd (h, 0, b);
    line = g_strdup_printf ("reconnect %s (null)\n", shapes[i][1]);
    ck_log (h, line);
    g_free (line);
  }
  /* no tcUrl: the current one */
  feed_error (h, "onStatus", 0, "status",
      "NetConnection.Connect.ReconnectRequest", "bye");
  ck_log (h, "reconnect rtmp://a.example.com:1935/live/inst bye\n");
  ck_assert_int_eq (
      ertmp_session_get_state (h->s), ERTMP_SESSION_STATE_CONNECTING);
  h_free (h);
}

END_TEST;

/* The server's request is byte-identical to vector 3.9, on msid 0 */
START_TEST (test_server_request_reconnect)
{
  harness * h = server_new ();

  ck_assert_int_eq (
      ertmp_session_request_reconnect (h->s, NULL, NULL), ERTMP_STATE);
  ertmp_session_free (h->s);
  h->s = NULL;
  h_free (h);

  h = server_publishing (TRUE);
  ck_assert_int_eq (ertmp_session_request_reconnect (h->s,
                        "rtmp://b.example.com/live", "Server maintenance."),
      ERTMP_OK);
  ck_assert_int_eq (
      ertmp_session_request_reconnect (h->s, NULL, NULL), ERTMP_OK);
  h_output (h);
  ck_assert_uint_eq (h->out->len, 2);
  ck_out (h, 0, ERTMP_MSG_COMMAND_AMF0, 0, reconnect_request);
  ck_out (h, 1, ERTMP_MSG_COMMAND_AMF0, 0,
      "02 00 08 6f 6e 53 74 61 74 75 73 00 00 00 00 00 00 00 00 00 05"
      "03 00 04 63 6f 64 65 02 00 26 4e 65 74 43 6f 6e 6e 65 63 74 69 6f 6e"
      "2e 43 6f 6e 6e 65 63 74 2e 52 65 63 6f 6e 6e 65 63 74 52 65 71 75 65"
      "73 74 00 05 6c 65 76 65 6c 02 00 06 73 74 61 74 75 73 00 00 09");
  /* and keeps processing */
  h_send (h, 6, 9, 1, 7, (const guint8 *) "\x27\x01", 2);
  ck_log (h, "media 1 type=9 ts=7 len=2\n");
  h_free (h);
}

END_TEST;

/* Calls in the wrong role or state */
START_TEST (test_wrong_role)
{
  harness * h = server_connected ();
  ertmp_session_connect_params cp = { "rtmp://x/a", "a", NULL, NULL, NULL,
    NULL, NULL };

  ck_assert_int_eq (ertmp_session_connect (h->s, &cp), ERTMP_STATE);
  ck_assert_int_eq (ertmp_session_publish (h->s, "x", NULL), ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_session_send_media (h->s, 9, 0, NULL, 0), ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_session_send_data (h->s, 18, 0, NULL, 0), ERTMP_STATE);
  ck_assert_int_eq (ertmp_session_set_chunk_size (h->s, 0), ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_session_send_raw (h->s, 1, 9, 0, 0, NULL, 0), ERTMP_STATE);
  h_free (h);
  h = client_new ("rtmp://x/live");
  ck_assert_int_eq (ertmp_session_accept_publish (h->s, 1), ERTMP_STATE);
  ck_assert_int_eq (ertmp_session_reject_publish (
                        h->s, 1, ERTMP_SESSION_REJECT_BAD_NAME, NULL),
      ERTMP_STATE);
  ck_assert_int_eq (
      ertmp_session_request_reconnect (h->s, NULL, NULL), ERTMP_STATE);
  ck_assert_int_eq (ertmp_session_connect (h->s, &cp), ERTMP_STATE);
  h_free (h);
}

END_TEST;

static Suite *
session_suite (void)
{
  Suite * s = suite_create ("session");
  TCase * tc;

  tc = tcase_create ("server");
  tcase_add_test (tc, test_server_connect);
  tcase_add_test (tc, test_server_connect_caps);
  tcase_add_test (tc, test_server_connect_amf3_command);
  tcase_add_test (tc, test_server_release_fcpublish);
  tcase_add_test (tc, test_server_create_stream);
  tcase_add_test (tc, test_server_publish_accept);
  tcase_add_test (tc, test_server_publish_types);
  tcase_add_test (tc, test_server_publish_reject);
  tcase_add_test (tc, test_server_unpublish);
  tcase_add_test (tc, test_server_close);
  tcase_add_test (tc, test_server_unknown_command);
  tcase_add_test (tc, test_server_command_errors);
  tcase_add_test (tc, test_server_request_reconnect);
  suite_add_tcase (s, tc);

  tc = tcase_create ("control");
  tcase_add_test (tc, test_ping_answer);
  tcase_add_test (tc, test_user_control_events);
  tcase_add_test (tc, test_set_chunk_size);
  tcase_add_test (tc, test_control_malformed);
  tcase_add_test (tc, test_abort);
  tcase_add_test (tc, test_ack_window);
  tcase_add_test (tc, test_ack_default_window);
  tcase_add_test (tc, test_ack_only_when_asked);
  tcase_add_test (tc, test_peer_bandwidth);
  suite_add_tcase (s, tc);

  tc = tcase_create ("messages");
  tcase_add_test (tc, test_media_and_unknown_types);
  tcase_add_test (tc, test_timestamp_unwrap);
  tcase_add_test (tc, test_data_messages);
  tcase_add_test (tc, test_aggregate);
  tcase_add_test (tc, test_receive_pending_events);
  suite_add_tcase (s, tc);

  tc = tcase_create ("limits");
  tcase_add_test (tc, test_handshake_errors);
  tcase_add_test (tc, test_message_size_limit);
  tcase_add_test (tc, test_output_limit);
  tcase_add_test (tc, test_wrong_role);
  suite_add_tcase (s, tc);

  tc = tcase_create ("client");
  tcase_add_test (tc, test_client_connect_legacy);
  tcase_add_test (tc, test_client_connect_caps);
  tcase_add_test (tc, test_client_connect_extra);
  tcase_add_test (tc, test_client_connect_late);
  tcase_add_test (tc, test_client_publish_flow);
  tcase_add_test (tc, test_client_close_stream);
  tcase_add_test (tc, test_client_stop_commands);
  tcase_add_test (tc, test_client_errors);
  tcase_add_test (tc, test_client_reconnect);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (session_suite ());
}
