/* gst-ertmp: command-line demo of the protocol core
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A client session and a server session joined in memory.  The client
 * connects with its E-RTMP capabilities, publishes HEVC + Opus as Enhanced
 * RTMP tags (timestamps starting just before the 32-bit wrap), the server
 * accepts the stream key, pings, asks the client to reconnect elsewhere
 * (E-RTMP v2), and the client tears down.  A tap re-parses the bytes of
 * each direction with a chunk reader of its own and prints every message
 * that crossed.  Exit status 0 when everything the client sent arrived
 * intact, in order, with its timestamps.
 */
#include <stdio.h>
#include <string.h>

#include "ertmp_amf0.h"
#include "ertmp_caps.h"
#include "ertmp_chunk.h"
#include "ertmp_handshake.h"
#include "ertmp_session.h"

#define N_VIDEO 60
#define N_AUDIO 100
#define FIRST_TS G_GINT64_CONSTANT (4294967000)        /* 2^32 - 296 ms */
#define KEY "demo-key"

/* Re-parses one direction of the connection for printing. */
typedef struct
{
  const gchar *label;
  gsize skip;                   /* handshake bytes still to pass over */
  ertmp_chunk_reader *reader;
  ertmp_amf_decoder *amf;
  guint media_printed;
  guint media_hidden;
} tap;

typedef struct
{
  ertmp_session *client, *server;
  tap c2s, s2c;
  GChecksum *sent, *received;
  gint64 sent_ts[N_VIDEO + N_AUDIO], recv_ts[N_VIDEO + N_AUDIO];
  guint n_sent, n_received;
  gboolean publishing, ended, reconnect_seen;
  guint32 ping_value;
  gboolean pong_seen;
} demo;

static void
tap_init (tap * t, const gchar * label)
{
  t->label = label;
  t->skip = 1 + 2 * ERTMP_HANDSHAKE_PACKET_SIZE;
  t->reader = ertmp_chunk_reader_new (NULL);
  t->amf = ertmp_amf_decoder_new (NULL);
  t->media_printed = t->media_hidden = 0;
}

static void
tap_clear (tap * t)
{
  ertmp_chunk_reader_free (t->reader);
  ertmp_amf_decoder_free (t->amf);
}

static void
tap_print_amf (tap * t, const ertmp_chunk_message * m, gsize offset)
{
  GPtrArray *values = NULL;
  guint i;

  if (m->len < offset || ertmp_amf0_decode_message (t->amf, m->payload +
          offset, m->len - offset, &values) != ERTMP_OK) {
    printf (" (undecodable)\n");
    return;
  }
  for (i = 0; i < values->len; i++) {
    gchar *s = ertmp_amf_to_string (g_ptr_array_index (values, i));
    printf ("%s%s", i ? ", " : " ", s);
    g_free (s);
  }
  printf ("\n");
  g_ptr_array_unref (values);
}

static const gchar *
type_name (guint8 type_id)
{
  switch (type_id) {
    case ERTMP_MSG_SET_CHUNK_SIZE:
      return "SetChunkSize";
    case ERTMP_MSG_ABORT:
      return "Abort";
    case ERTMP_MSG_ACK:
      return "Acknowledgement";
    case ERTMP_MSG_USER_CONTROL:
      return "UserControl";
    case ERTMP_MSG_WINDOW_ACK_SIZE:
      return "WindowAckSize";
    case ERTMP_MSG_SET_PEER_BANDWIDTH:
      return "SetPeerBandwidth";
    case ERTMP_MSG_AUDIO:
      return "Audio";
    case ERTMP_MSG_VIDEO:
      return "Video";
    case ERTMP_MSG_DATA_AMF3:
      return "Data(AMF3)";
    case ERTMP_MSG_COMMAND_AMF3:
      return "Command(AMF3)";
    case ERTMP_MSG_DATA_AMF0:
      return "Data";
    case ERTMP_MSG_COMMAND_AMF0:
      return "Command";
    case ERTMP_MSG_AGGREGATE:
      return "Aggregate";
  }
  return "Unknown";
}

static void
tap_print (tap * t, const ertmp_chunk_message * m)
{
  gboolean media = m->type_id == ERTMP_MSG_AUDIO ||
      m->type_id == ERTMP_MSG_VIDEO;
  guint32 v = 0;
  guint i;

  if (media && t->media_printed >= 4) {
    t->media_hidden++;
    return;
  }
  printf ("  %s csid %-2u msid %u ts %-10u %-16s %6" G_GSIZE_FORMAT " B",
      t->label, m->csid, m->msid, m->timestamp, type_name (m->type_id),
      m->len);
  if (media) {
    t->media_printed++;
    /* first byte, then the FourCC of an Enhanced header */
    printf ("  %02x", m->payload[0]);
    if (m->len >= 5)
      printf (" '%.4s'", (const gchar *) m->payload + 1);
    printf ("\n");
  } else if (m->type_id == ERTMP_MSG_COMMAND_AMF0 ||
      m->type_id == ERTMP_MSG_DATA_AMF0) {
    tap_print_amf (t, m, 0);
  } else if (m->type_id == ERTMP_MSG_USER_CONTROL && m->len >= 6) {
    printf (" event %u value %u\n", (m->payload[0] << 8) | m->payload[1],
        (guint) m->payload[2] << 24 | m->payload[3] << 16 |
        m->payload[4] << 8 | m->payload[5]);
  } else {
    for (i = 0; i < MIN (m->len, 4); i++)
      v = (v << 8) | m->payload[i];
    printf (" %u\n", v);
  }
  if (m->type_id == ERTMP_MSG_SET_CHUNK_SIZE && m->len >= 4)
    ertmp_chunk_reader_set_chunk_size (t->reader, v & 0x7FFFFFFF);
}

/* The tap sees every byte that one side sends. */
static void
tap_feed (tap * t, const guint8 * data, gsize len)
{
  gsize skip = MIN (t->skip, len), consumed;
  ertmp_chunk_message m;

  t->skip -= skip;
  data += skip;
  len -= skip;
  while (len > 0) {
    ertmp_result res = ertmp_chunk_reader_read (t->reader, data, len,
        &consumed, &m);

    data += consumed;
    len -= consumed;
    if (res != ERTMP_OK) {
      g_assert (res == ERTMP_NEED_MORE);
      break;
    }
    tap_print (t, &m);
  }
}

/* Moves what @from has to send into @to (which may take only part of it
 * while it has events pending); TRUE if bytes moved. */
static gboolean
pump (ertmp_session * from, ertmp_session * to, tap * t)
{
  gsize len, consumed;
  const guint8 *out = ertmp_session_pending_output (from, &len);
  ertmp_result res;

  if (len == 0)
    return FALSE;
  res = ertmp_session_receive (to, out, len, &consumed);
  if (res != ERTMP_OK) {
    const gchar *msg = NULL;
    ertmp_session_get_error (to, NULL, &msg);
    g_error ("receive failed: %s (%s)", ertmp_result_name (res), msg);
  }
  tap_feed (t, out, consumed);
  ertmp_session_output_written (from, consumed);
  return consumed > 0;
}

static void
make_caps (ertmp_caps * caps, guint32 caps_ex)
{
  static const gchar *fourccs[] = { "hvc1", "av01", "vp09", "avc1", "Opus",
    "mp4a", "fLaC"
  };
  guint i;

  ertmp_caps_init (caps);
  for (i = 0; i < G_N_ELEMENTS (fourccs); i++)
    ertmp_caps_add_fourcc (caps, ertmp_fourcc_from_string (fourccs[i], 4));
  ertmp_caps_add_info (caps, TRUE, ERTMP_FOURCC_ANY,
      ERTMP_FOURCC_CAN_FORWARD);
  caps->has_caps_ex = TRUE;
  caps->caps_ex = caps_ex;
}

/* onMetaData as an FLV script tag body, FourCC codec ids (ertmp.md 8) */
static GByteArray *
make_metadata (void)
{
  GByteArray *b = g_byte_array_new ();
  ertmp_amf_value *meta = ertmp_amf_new (ERTMP_AMF_ECMA_ARRAY);

  ertmp_amf_add_number (meta, "width", 1280);
  ertmp_amf_add_number (meta, "height", 720);
  ertmp_amf_add_number (meta, "framerate", 30);
  ertmp_amf_add_number (meta, "videocodecid",
      ertmp_fourcc_from_string ("hvc1", 4));
  ertmp_amf_add_number (meta, "audiocodecid",
      ertmp_fourcc_from_string ("Opus", 4));
  ertmp_amf_add_string (meta, "encoder", "ertmp-demo");
  ertmp_amf0_put_string (b, "onMetaData");
  ertmp_amf0_encode (b, meta);
  ertmp_amf_value_unref (meta);
  return b;
}

/* Enhanced tag bodies (ertmp.md 2-3): video ExHeader 0x90|type + 'hvc1',
 * audio SoundFormat 9 + type + 'Opus'. */
static GByteArray *
make_media (guint i, guint8 * type_id, gint64 * ts)
{
  GByteArray *b = g_byte_array_new ();
  gboolean video = i < N_VIDEO; /* indexes 0..N_VIDEO-1 are video */
  guint j, size;

  *type_id = video ? ERTMP_MSG_VIDEO : ERTMP_MSG_AUDIO;
  if (video) {
    guint8 hdr = i == 0 ? 0x90 : (i % 30 == 1 ? 0x91 : 0xa1);
    ertmp_put_u8 (b, hdr);      /* key/inter frame, SequenceStart/CodedFrames */
    ertmp_put_bytes (b, "hvc1", 4);
    if (i > 0)
      ertmp_put_s24be (b, 33);  /* composition time, ms */
    *ts = FIRST_TS + (gint64) i * 33;
    size = i == 0 ? 23 : (i % 30 == 1 ? 40000 : 3000 + i * 37);
  } else {
    guint k = i - N_VIDEO;
    ertmp_put_u8 (b, 0x90 | (k == 0 ? 0 : 1));
    ertmp_put_bytes (b, "Opus", 4);
    *ts = FIRST_TS + (gint64) k * 20;
    size = k == 0 ? 19 : 160;
  }
  for (j = 0; j < size; j++)
    ertmp_put_u8 (b, (guint8) (i * 7 + j));
  return b;
}

static void drain (demo * d);

static void
client_publish_all (demo * d)
{
  GByteArray *meta = make_metadata ();
  guint i, v = 0, a = N_VIDEO;

  g_assert (ertmp_session_send_data (d->client, ERTMP_MSG_DATA_AMF0,
          FIRST_TS, meta->data, meta->len) == ERTMP_OK);
  g_byte_array_unref (meta);
  /* interleave in timestamp order, as an encoder would */
  for (i = 0; i < N_VIDEO + N_AUDIO; i++) {
    guint idx = (a >= N_VIDEO + N_AUDIO || (v < N_VIDEO &&
            v * 33 <= (a - N_VIDEO) * 20)) ? v++ : a++;
    guint8 type_id;
    gint64 ts;
    GByteArray *b = make_media (idx, &type_id, &ts);

    g_assert (ertmp_session_send_media (d->client, type_id, ts, b->data,
            b->len) == ERTMP_OK);
    g_checksum_update (d->sent, b->data, b->len);
    d->sent_ts[d->n_sent++] = ts;
    g_byte_array_unref (b);
    /* keep the output queue short: move bytes now and then */
    if (i % 16 == 15)
      drain (d);
  }
}

static void
server_event (demo * d, const ertmp_session_event * ev)
{
  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      printf ("* server: client connected: app \"%s\", tcUrl \"%s\", "
          "flashVer \"%s\", capsEx %u\n", ev->connected.app,
          ev->connected.tc_url, ev->connected.flash_ver,
          ev->connected.caps->caps_ex);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_REQUEST:
      printf ("* server: publish request \"%s\" (%s) on stream %u\n",
          ev->publish.name, ev->publish.type, ev->msid);
      if (g_str_has_prefix (ev->publish.name, KEY "?") ||
          g_strcmp0 (ev->publish.name, KEY) == 0) {
        printf ("* server: stream key accepted\n");
        ertmp_session_accept_publish (d->server, ev->msid);
      } else {
        ertmp_session_reject_publish (d->server, ev->msid,
            ERTMP_SESSION_REJECT_UNAUTHORIZED, "wrong stream key");
      }
      break;
    case ERTMP_SESSION_EVENT_MEDIA:
      g_checksum_update (d->received,
          g_bytes_get_data (ev->media.payload, NULL),
          g_bytes_get_size (ev->media.payload));
      if (d->n_received < N_VIDEO + N_AUDIO)
        d->recv_ts[d->n_received] = ev->media.timestamp;
      d->n_received++;
      break;
    case ERTMP_SESSION_EVENT_DATA:
      printf ("* server: data message \"%s\" with %u value(s)\n",
          ev->data.name, ev->data.values->len);
      break;
    case ERTMP_SESSION_EVENT_USER_CONTROL:
      if (ev->user_control.type == ERTMP_UC_PING_RESPONSE &&
          ev->user_control.value == d->ping_value)
        d->pong_seen = TRUE;
      break;
    case ERTMP_SESSION_EVENT_END_OF_STREAM:
      printf ("* server: end of stream (%s)\n", ev->end_of_stream.command);
      d->ended = TRUE;
      break;
    default:
      break;
  }
}

static void
client_event (demo * d, const ertmp_session_event * ev)
{
  gchar buf[5];
  guint i;

  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      printf ("* client: connected to %s; server E-RTMP codecs:",
          ev->connected.fms_ver);
      for (i = 0; ev->connected.caps->fourcc_list &&
          i < ev->connected.caps->fourcc_list->len; i++)
        printf (" %s", ertmp_fourcc_to_string (g_array_index
                (ev->connected.caps->fourcc_list, guint32, i), buf));
      printf (", capsEx %u\n", ev->connected.caps->caps_ex);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_STARTED:
      printf ("* client: publishing \"%s\"\n", ev->publish.name);
      d->publishing = TRUE;
      break;
    case ERTMP_SESSION_EVENT_RECONNECT_REQUEST:
      printf ("* client: reconnect requested to %s (%s)\n",
          ev->reconnect.tc_url, ev->reconnect.description);
      d->reconnect_seen = g_strcmp0 (ev->reconnect.tc_url,
          "rtmp://127.0.0.1:1935/live-b") == 0;
      break;
    case ERTMP_SESSION_EVENT_ERROR:
      g_error ("client error: %s %s", ev->status.code,
          ev->status.description);
      break;
    default:
      break;
  }
}

/* Runs both sessions until neither has bytes to move nor events to give. */
static void
drain (demo * d)
{
  ertmp_session_event ev;
  gboolean busy;

  do {
    busy = pump (d->client, d->server, &d->c2s);
    while (ertmp_session_next_event (d->server, &ev) == ERTMP_OK) {
      server_event (d, &ev);
      busy = TRUE;
    }
    busy |= pump (d->server, d->client, &d->s2c);
    while (ertmp_session_next_event (d->client, &ev) == ERTMP_OK) {
      client_event (d, &ev);
      busy = TRUE;
    }
  } while (busy);
}

static void
print_stats (const gchar * who, ertmp_session * s)
{
  ertmp_session_stats st;

  ertmp_session_get_stats (s, &st);
  printf ("  %s: %" G_GUINT64_FORMAT " bytes in, %" G_GUINT64_FORMAT
      " bytes out, %" G_GUINT64_FORMAT " audio + %" G_GUINT64_FORMAT
      " video in, %" G_GUINT64_FORMAT " audio + %" G_GUINT64_FORMAT
      " video out, chunk size in/out %u/%u, acks sent %" G_GUINT64_FORMAT
      "\n", who, st.bytes_in, st.bytes_out,
      st.messages_in[ERTMP_SESSION_KIND_AUDIO],
      st.messages_in[ERTMP_SESSION_KIND_VIDEO],
      st.messages_out[ERTMP_SESSION_KIND_AUDIO],
      st.messages_out[ERTMP_SESSION_KIND_VIDEO], st.chunk_size_in,
      st.chunk_size_out, st.acks_out);
}

static gboolean
check (demo * d)
{
  gboolean ok = TRUE;
  guint i;

  if (d->n_received != d->n_sent) {
    printf ("FAIL: %u messages sent, %u received\n", d->n_sent,
        d->n_received);
    return FALSE;
  }
  for (i = 0; i < d->n_sent; i++)
    ok &= d->sent_ts[i] == d->recv_ts[i];
  ok &= g_strcmp0 (g_checksum_get_string (d->sent),
      g_checksum_get_string (d->received)) == 0;
  ok &= d->reconnect_seen && d->pong_seen && d->ended;
  printf ("%s: %u media messages, payload SHA-256 %s, timestamps %"
      G_GINT64_FORMAT "..%" G_GINT64_FORMAT " ms (across the 32-bit wrap) "
      "%s, ping answered: %s, reconnect request: %s, end of stream: %s\n",
      ok ? "OK" : "FAIL", d->n_received,
      ok ? "identical" : "differs", d->recv_ts[0],
      d->recv_ts[d->n_received - 1], ok ? "identical" : "checked",
      d->pong_seen ? "yes" : "no", d->reconnect_seen ? "yes" : "no",
      d->ended ? "yes" : "no");
  return ok;
}

int
main (void)
{
  ertmp_session_config ccfg, scfg;
  ertmp_session_connect_params params = { 0 };
  ertmp_caps ccaps, scaps;
  demo d = { 0 };
  gboolean ok;

  make_caps (&ccaps, ERTMP_CAPS_EX_RECONNECT | ERTMP_CAPS_EX_MODEX |
      ERTMP_CAPS_EX_TIMESTAMP_NANO_OFFSET);
  make_caps (&scaps, ERTMP_CAPS_EX_RECONNECT | ERTMP_CAPS_EX_MULTITRACK |
      ERTMP_CAPS_EX_MODEX | ERTMP_CAPS_EX_TIMESTAMP_NANO_OFFSET);
  ertmp_session_config_init (&ccfg, ERTMP_SESSION_CLIENT);
  ccfg.caps = &ccaps;
  ccfg.handshake_seed = 1;
  ertmp_session_config_init (&scfg, ERTMP_SESSION_SERVER);
  scfg.caps = &scaps;
  scfg.handshake_seed = 2;
  d.client = ertmp_session_new (&ccfg);
  d.server = ertmp_session_new (&scfg);
  d.sent = g_checksum_new (G_CHECKSUM_SHA256);
  d.received = g_checksum_new (G_CHECKSUM_SHA256);
  tap_init (&d.c2s, "C->S");
  tap_init (&d.s2c, "S->C");

  printf ("== handshake, connect with E-RTMP capabilities, publish\n");
  params.tc_url = "rtmp://127.0.0.1:1935/live";
  params.app = "live";
  g_assert (ertmp_session_connect (d.client, &params) == ERTMP_OK);
  g_assert (ertmp_session_publish (d.client, KEY "?token=42", NULL) ==
      ERTMP_OK);
  drain (&d);
  if (!d.publishing)
    g_error ("client did not reach publishing");

  printf ("== Enhanced RTMP media: HEVC + Opus (first 4 of each direction "
      "shown)\n");
  client_publish_all (&d);
  drain (&d);
  printf ("  (%u more media messages)\n", d.c2s.media_hidden);

  printf ("== server pings, then asks the client to move (E-RTMP v2)\n");
  d.ping_value = 123456;
  ertmp_session_ping (d.server, d.ping_value);
  ertmp_session_request_reconnect (d.server, "/live-b",
      "draining this node");
  drain (&d);

  printf ("== teardown\n");
  ertmp_session_close (d.client);
  drain (&d);

  printf ("== statistics\n");
  print_stats ("client", d.client);
  print_stats ("server", d.server);
  ok = check (&d);

  tap_clear (&d.c2s);
  tap_clear (&d.s2c);
  g_checksum_free (d.sent);
  g_checksum_free (d.received);
  ertmp_session_free (d.client);
  ertmp_session_free (d.server);
  ertmp_caps_clear (&ccaps);
  ertmp_caps_clear (&scaps);
  return ok ? 0 : 1;
}
