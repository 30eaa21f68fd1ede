/* gst-ertmp: a client session and a server session wired together in memory
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The output of one side is fed to the other in irregular slices.  One run
 * covers: handshake, connect with E-RTMP caps both ways, publish with a
 * "?query" key, 10,000 media messages of 0..1 MiB across outgoing chunk
 * sizes 128, 4096 and 65536 with timestamps crossing 2^32 ms, an aggregate,
 * AMF3 metadata, pings both ways, a Reconnect Request and the teardown.
 * Every payload is checksummed and every timestamp compared.
 */
#include "test_util.h"

#include "ertmp_session.h"
#include "ertmp_amf0.h"
#include "ertmp_amf3.h"

#define N_MEDIA 10000
#define LARGE_EVERY 40 /* 250 large messages: ~130 MB in total */
#define MIB (1024 * 1024)
#define TS_START (G_GINT64_CONSTANT (0x100000000) - 60000)
#define KEY "stream?key=s3cr3t&x=1"

typedef struct
{
  guint8 type_id;
  gint64 ts;
  gsize len;
  guint64 sum;
  const gchar * name; /* DATA only */
} expected;

typedef struct
{
  ertmp_session *client, *server;
  GRand * rand;
  GByteArray * buf;
  guint8 * payload; /* scratch, MIB bytes */
  /* server side */
  GQueue expect; /* expected * the server should deliver */
  guint media_seen, data_seen;
  gboolean server_connected, end_of_stream;
  ertmp_caps server_saw_caps;
  guint32 publish_msid;
  gchar * publish_name;
  /* client side */
  gboolean client_connected, publish_started, stream_begin;
  ertmp_caps client_saw_caps;
  guint32 ping_response_client, ping_response_server;
  gchar * reconnect_url;
} pair;

static guint64
fnv1a (const guint8 * p, gsize n)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  gsize i;

  for (i = 0; i < n; i++)
    h = (h ^ p[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  return h;
}

static void
fill (guint8 * p, gsize n, guint32 seed)
{
  guint32 x = seed | 1;
  gsize i;

  for (i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = (guint8) x;
  }
}

static void
server_event (pair * p, const ertmp_session_event * ev)
{
  expected * e;
  gsize len;
  const guint8 * data;

  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      p->server_connected = TRUE;
      ck_assert_str_eq (ev->connected.app, "live");
      ck_assert_str_eq (ev->connected.tc_url, "rtmp://a.example.com:1935/live");
      ertmp_caps_copy (&p->server_saw_caps, ev->connected.caps);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_REQUEST:
      ck_assert_str_eq (ev->publish.name, KEY);
      ck_assert_str_eq (ev->publish.type, "live");
      p->publish_msid = ev->msid;
      ck_assert_int_eq (
          ertmp_session_accept_publish (p->server, ev->msid), ERTMP_OK);
      break;
    case ERTMP_SESSION_EVENT_MEDIA:
    case ERTMP_SESSION_EVENT_DATA:
      e = g_queue_pop_head (&p->expect);
      ck_assert_msg (e != NULL, "unexpected message");
      ck_assert_uint_eq (ev->msid, p->publish_msid);
      if (ev->type == ERTMP_SESSION_EVENT_MEDIA) {
        ck_assert_uint_eq (ev->media.type_id, e->type_id);
        ck_assert_int_eq (ev->media.timestamp, e->ts);
        data = g_bytes_get_data (ev->media.payload, &len);
        p->media_seen++;
      } else {
        ck_assert_uint_eq (ev->data.type_id, e->type_id);
        ck_assert_int_eq (ev->data.timestamp, e->ts);
        ck_assert_str_eq (ev->data.name, e->name);
        data = g_bytes_get_data (ev->data.payload, &len);
        p->data_seen++;
      }
      ck_assert_uint_eq (len, e->len);
      ck_assert_msg (fnv1a (data, len) == e->sum, "payload differs");
      g_free (e);
      break;
    case ERTMP_SESSION_EVENT_USER_CONTROL:
      if (ev->user_control.type == ERTMP_UC_PING_RESPONSE)
        p->ping_response_server = ev->user_control.value;
      break;
    case ERTMP_SESSION_EVENT_END_OF_STREAM:
      ck_assert_uint_eq (ev->msid, p->publish_msid);
      ck_assert_str_eq (ev->end_of_stream.command, "FCUnpublish");
      p->end_of_stream = TRUE;
      break;
    default:
      ck_abort_msg ("server: unexpected event %d", ev->type);
  }
}

static void
client_event (pair * p, const ertmp_session_event * ev)
{
  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      p->client_connected = TRUE;
      ck_assert_str_eq (ev->connected.fms_ver, "FMS/3,0,1,123");
      ertmp_caps_copy (&p->client_saw_caps, ev->connected.caps);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_STARTED:
      p->publish_started = TRUE;
      ck_assert_str_eq (ev->publish.name, KEY);
      break;
    case ERTMP_SESSION_EVENT_USER_CONTROL:
      if (ev->user_control.type == ERTMP_UC_STREAM_BEGIN)
        p->stream_begin = TRUE;
      else if (ev->user_control.type == ERTMP_UC_PING_RESPONSE)
        p->ping_response_client = ev->user_control.value;
      break;
    case ERTMP_SESSION_EVENT_RECONNECT_REQUEST:
      g_free (p->reconnect_url);
      p->reconnect_url = g_strdup (ev->reconnect.tc_url);
      ck_assert_str_eq (ev->reconnect.description, "Server maintenance.");
      break;
    case ERTMP_SESSION_EVENT_STATUS:
      ck_assert_str_eq (ev->status.code, "NetStream.Unpublish.Success");
      break;
    case ERTMP_SESSION_EVENT_COMMAND:
      /* onFCPublish */
      ck_assert_str_eq (ev->command.name, "onFCPublish");
      break;
    default:
      ck_abort_msg ("client: unexpected event %d", ev->type);
  }
}

/* Moves everything @from has to send into @to, in random slices. */
static gboolean
move (pair * p, ertmp_session * from, ertmp_session * to)
{
  gsize len, pos = 0;
  const guint8 * out = ertmp_session_pending_output (from, &len);
  ertmp_session_event ev;

  if (len == 0)
    return FALSE;
  g_byte_array_set_size (p->buf, 0);
  g_byte_array_append (p->buf, out, (guint) len);
  ertmp_session_output_written (from, len);
  while (pos < len) {
    gsize consumed, n;

    /* mostly large slices, sometimes tiny ones */
    n = g_rand_int_range (p->rand, 0, 4) == 0
        ? (gsize) g_rand_int_range (p->rand, 1, 16)
        : (gsize) g_rand_int_range (p->rand, 1, 200000);
    n = MIN (n, len - pos);
    ck_assert_int_eq (
        ertmp_session_receive (to, p->buf->data + pos, n, &consumed), ERTMP_OK);
    pos += consumed;
    while (ertmp_session_next_event (to, &ev) == ERTMP_OK) {
      if (to == p->server)
        server_event (p, &ev);
      else
        client_event (p, &ev);
    }
  }
  return TRUE;
}

static void
pump (pair * p)
{
  gboolean moved;

  do {
    moved = move (p, p->client, p->server);
    moved |= move (p, p->server, p->client);
  } while (moved);
}

static void
expect (pair * p, guint8 type_id, gint64 ts, const guint8 * data, gsize len,
    const gchar * name)
{
  expected * e = g_new0 (expected, 1);

  e->type_id = type_id;
  e->ts = ts;
  e->len = len;
  e->sum = fnv1a (data, len);
  e->name = name;
  g_queue_push_tail (&p->expect, e);
}

static void
setup_caps (ertmp_caps * client, ertmp_caps * server)
{
  ertmp_caps_init (client);
  ertmp_caps_add_fourcc (client, ERTMP_FOURCC ('h', 'v', 'c', '1'));
  ertmp_caps_add_fourcc (client, ERTMP_FOURCC ('a', 'v', '0', '1'));
  ertmp_caps_add_fourcc (client, ERTMP_FOURCC ('O', 'p', 'u', 's'));
  ertmp_caps_add_info (
      client, TRUE, ERTMP_FOURCC ('h', 'v', 'c', '1'), ERTMP_FOURCC_CAN_ENCODE);
  ertmp_caps_add_info (client, FALSE, ERTMP_FOURCC ('O', 'p', 'u', 's'),
      ERTMP_FOURCC_CAN_ENCODE);
  client->has_caps_ex = TRUE;
  client->caps_ex = 15;
  ertmp_caps_init (server);
  ertmp_caps_add_fourcc (server, ERTMP_FOURCC ('h', 'v', 'c', '1'));
  ertmp_caps_add_info (
      server, TRUE, ERTMP_FOURCC_ANY, ERTMP_FOURCC_CAN_FORWARD);
  server->has_caps_ex = TRUE;
  server->caps_ex = ERTMP_CAPS_EX_RECONNECT;
}

static void
pair_init (pair * p, const ertmp_caps * ccaps, const ertmp_caps * scaps)
{
  ertmp_session_config cfg;
  ertmp_session_connect_params cp = { 0 };

  memset (p, 0, sizeof (*p));
  p->rand = g_rand_new_with_seed (20240521);
  p->buf = g_byte_array_new ();
  p->payload = g_malloc (MIB);
  g_queue_init (&p->expect);
  ertmp_caps_init (&p->server_saw_caps);
  ertmp_caps_init (&p->client_saw_caps);

  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.chunk_size = 128;
  cfg.caps = ccaps;
  cfg.handshake_time = 1000;
  cfg.handshake_seed = 1;
  p->client = ertmp_session_new (&cfg);
  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.chunk_size = 4096;
  cfg.caps = scaps;
  cfg.handshake_seed = 2;
  p->server = ertmp_session_new (&cfg);

  cp.tc_url = "rtmp://a.example.com:1935/live";
  cp.app = "live";
  ck_assert_int_eq (ertmp_session_connect (p->client, &cp), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_publish (p->client, KEY, NULL), ERTMP_OK);
}

static void
pair_clear (pair * p)
{
  ck_assert (g_queue_is_empty (&p->expect));
  ertmp_session_free (p->client);
  ertmp_session_free (p->server);
  g_rand_free (p->rand);
  g_byte_array_unref (p->buf);
  g_free (p->payload);
  ertmp_caps_clear (&p->server_saw_caps);
  ertmp_caps_clear (&p->client_saw_caps);
  g_free (p->publish_name);
  g_free (p->reconnect_url);
}

static gsize
media_size (pair * p, guint i)
{
  if (i % LARGE_EVERY == 0)
    return i % (LARGE_EVERY * 10) == 0
        ? MIB
        : (gsize) g_rand_int_range (p->rand, 65536, MIB);
  if (i % 97 == 0)
    return 0; /* empty audio: the silence signal */
  return (gsize) g_rand_int_range (p->rand, 1, 4096);
}

static void
send_one_media (pair * p, guint i, gint64 ts)
{
  guint8 type = i % 3 == 0 ? ERTMP_MSG_AUDIO : ERTMP_MSG_VIDEO;
  gsize len = media_size (p, i);
  /* audio runs slightly behind video on its own csid */
  gint64 t = type == ERTMP_MSG_AUDIO ? ts - 7 : ts;

  fill (p->payload, len, i + 1);
  ck_assert_int_eq (
      ertmp_session_send_media (p->client, type, t, p->payload, len), ERTMP_OK);
  expect (p, type, t, p->payload, len, NULL);
}

/* onMetaData with an AMF3 object (type 15) */
static void
send_amf3_metadata (pair * p, gint64 ts)
{
  GByteArray * body = g_byte_array_new ();
  ertmp_amf_value * obj = ertmp_amf_new (ERTMP_AMF_OBJECT);

  ertmp_amf_add_number (obj, "width", 1920);
  ertmp_amf_add_number (obj, "height", 1080);
  ertmp_amf_add_string (obj, "encoder", "gst-ertmp");
  ertmp_amf0_put_string (body, "onMetaData");
  g_byte_array_append (body, (const guint8 *) "\x11", 1);
  ck_assert_int_eq (ertmp_amf3_encode (body, obj), ERTMP_OK);
  ertmp_amf_value_unref (obj);
  ck_assert_int_eq (ertmp_session_send_data (p->client, ERTMP_MSG_DATA_AMF3, ts,
                        body->data, body->len),
      ERTMP_OK);
  expect (p, ERTMP_MSG_DATA_AMF3, ts, body->data, body->len, "onMetaData");
  g_byte_array_unref (body);
}

static void
put_sub (
    GByteArray * agg, guint8 type, guint32 ts, const guint8 * data, gsize len)
{
  guint32 start = agg->len;
  guint8 h[11] = { type, len >> 16, len >> 8, len, ts >> 16, ts >> 8, ts,
    ts >> 24, 0, 0, 0 };

  g_byte_array_append (agg, h, 11);
  g_byte_array_append (agg, data, (guint) len);
  ertmp_put_u32be (agg, agg->len - start);
}

/* Aggregate whose first sub-message timestamp (100) differs from the
 * message's: every sub-message is shifted by the difference (rtmp.md 4.2). */
static void
send_aggregate (pair * p, gint64 ts)
{
  GByteArray * agg = g_byte_array_new ();
  guint8 a[10], v[300];

  fill (a, sizeof (a), 77);
  fill (v, sizeof (v), 78);
  put_sub (agg, ERTMP_MSG_VIDEO, 100, v, sizeof (v));
  put_sub (agg, ERTMP_MSG_AUDIO, 120, a, sizeof (a));
  put_sub (agg, ERTMP_MSG_VIDEO, 140, v, 17);
  expect (p, ERTMP_MSG_VIDEO, ts, v, sizeof (v), NULL);
  expect (p, ERTMP_MSG_AUDIO, ts + 20, a, sizeof (a), NULL);
  expect (p, ERTMP_MSG_VIDEO, ts + 40, v, 17, NULL);
  ck_assert_int_eq (ertmp_session_send_raw (p->client, 7, ERTMP_MSG_AGGREGATE,
                        p->publish_msid, (guint32) ts, agg->data, agg->len),
      ERTMP_OK);
  g_byte_array_unref (agg);
}

static void
check_caps (pair * p, const ertmp_caps * ccaps, const ertmp_caps * scaps)
{
  ck_assert (ertmp_caps_equal (&p->server_saw_caps, ccaps));
  ck_assert (ertmp_caps_equal (&p->client_saw_caps, scaps));
}

static void
stream_media (pair * p)
{
  gint64 ts = TS_START;
  guint i;

  for (i = 0; i < N_MEDIA; i++) {
    if (i == N_MEDIA / 3)
      ck_assert_int_eq (
          ertmp_session_set_chunk_size (p->client, 4096), ERTMP_OK);
    if (i == 2 * N_MEDIA / 3)
      ck_assert_int_eq (
          ertmp_session_set_chunk_size (p->client, 65536), ERTMP_OK);
    if (i == N_MEDIA / 2) {
      send_amf3_metadata (p, ts);
      send_aggregate (p, ts);
    }
    send_one_media (p, i, ts);
    ts += 20;
    /* move data now and then, not after every message */
    if (g_rand_int_range (p->rand, 0, 8) == 0)
      pump (p);
  }
  pump (p);
}

START_TEST (test_pair_publish)
{
  pair p;
  ertmp_caps ccaps, scaps;
  ertmp_session_stats cst, sst;
  gint64 ts;

  setup_caps (&ccaps, &scaps);
  pair_init (&p, &ccaps, &scaps);
  pump (&p);
  ck_assert (p.server_connected && p.client_connected);
  ck_assert (p.publish_started && p.stream_begin);
  check_caps (&p, &ccaps, &scaps);
  ck_assert_int_eq (
      ertmp_session_get_state (p.client), ERTMP_SESSION_STATE_PUBLISHING);

  /* metadata first, as FFmpeg does (AMF0, @setDataFrame added) */
  {
    static const guint8 meta[] = { 0x02, 0x00, 0x0a, 'o', 'n', 'M', 'e', 't',
      'a', 'D', 'a', 't', 'a', 0x08, 0, 0, 0, 0, 0, 0, 9 };
    ts = TS_START;
    ck_assert_int_eq (ertmp_session_send_data (p.client, ERTMP_MSG_DATA_AMF0,
                          ts, meta, sizeof (meta)),
        ERTMP_OK);
    expect (&p, ERTMP_MSG_DATA_AMF0, ts, meta, sizeof (meta), "onMetaData");
  }
  ck_assert_int_eq (ertmp_session_ping (p.client, 0xdeadbeef), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_ping (p.server, 42), ERTMP_OK);
  stream_media (&p);
  ck_assert_uint_eq (p.ping_response_client, 0xdeadbeef);
  ck_assert_uint_eq (p.ping_response_server, 42);
  ck_assert_uint_eq (p.media_seen, N_MEDIA + 3);
  ck_assert_uint_eq (p.data_seen, 2);

  /* the old server keeps processing after a Reconnect Request */
  ck_assert_int_eq (ertmp_session_request_reconnect (p.server,
                        "rtmp://b.example.com/live", "Server maintenance."),
      ERTMP_OK);
  pump (&p);
  ck_assert_str_eq (p.reconnect_url, "rtmp://b.example.com/live");
  ck_assert_int_eq (ertmp_session_request_reconnect (
                        p.server, "/other", "Server maintenance."),
      ERTMP_OK);
  send_one_media (&p, 1, TS_START + 20 * N_MEDIA);
  pump (&p);
  ck_assert_str_eq (p.reconnect_url, "rtmp://a.example.com:1935/other");

  ck_assert_int_eq (ertmp_session_close (p.client), ERTMP_OK);
  pump (&p);
  ck_assert (p.end_of_stream);
  ck_assert_int_eq (
      ertmp_session_get_state (p.client), ERTMP_SESSION_STATE_CLOSING);

  ertmp_session_get_stats (p.client, &cst);
  ertmp_session_get_stats (p.server, &sst);
  ck_assert_uint_eq (cst.bytes_out, sst.bytes_in);
  ck_assert_uint_eq (sst.bytes_out, cst.bytes_in);
  ck_assert_uint_eq (sst.chunk_size_in, 65536);
  ck_assert_uint_eq (cst.chunk_size_in, 4096);
  ck_assert_uint_eq (sst.acks_out, cst.acks_in);
  ck_assert_uint_ge (
      sst.acks_out, cst.bytes_out / ERTMP_SESSION_WINDOW_DEFAULT - 1);
  ck_assert_uint_eq (cst.window_out, ERTMP_SESSION_WINDOW_DEFAULT);
  ck_assert_uint_eq (sst.messages_in[ERTMP_SESSION_KIND_AGGREGATE], 1);
  ck_assert_uint_eq (sst.messages_in[ERTMP_SESSION_KIND_VIDEO],
      cst.messages_out[ERTMP_SESSION_KIND_VIDEO] + 2);
  ck_assert_str_eq (sst.app, "live");
  ck_assert (ertmp_caps_equal (sst.peer_caps, &ccaps));
  ck_assert (ertmp_caps_equal (cst.peer_caps, &scaps));

  pair_clear (&p);
  ertmp_caps_clear (&ccaps);
  ertmp_caps_clear (&scaps);
}

END_TEST;

/* Legacy peers on both sides: no caps in either direction. */
START_TEST (test_pair_legacy)
{
  pair p;
  ertmp_caps none;

  ertmp_caps_init (&none);
  pair_init (&p, NULL, NULL);
  pump (&p);
  ck_assert (p.publish_started);
  ck_assert (ertmp_caps_is_empty (&p.server_saw_caps));
  ck_assert (ertmp_caps_is_empty (&p.client_saw_caps));
  send_one_media (&p, 1, 0);
  pump (&p);
  ck_assert_int_eq (ertmp_session_close (p.server), ERTMP_OK);
  pump (&p);
  ck_assert_int_eq (
      ertmp_session_get_state (p.server), ERTMP_SESSION_STATE_CLOSING);
  pair_clear (&p);
}

END_TEST;

static Suite *
session_pair_suite (void)
{
  Suite * s = suite_create ("session_pair");
  TCase * tc = tcase_create ("pair");

  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_pair_publish);
  tcase_add_test (tc, test_pair_legacy);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (session_pair_suite ());
}
