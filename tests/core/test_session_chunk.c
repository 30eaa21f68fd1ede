/* gst-ertmp: when a client announces its chunk size (rtmp.md 5): a larger
 * one before connect, a smaller one after createStream, the last message
 * before a reply is awaited (nginx-rtmp breaks when data follows a small
 * Set Chunk Size in one read)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test_util.h"
#include "ertmp_session.h"

typedef struct
{
  ertmp_session *client, *server;
  gboolean published;
} pair;

static void
pump (pair * p, ertmp_session * from, ertmp_session * to)
{
  const guint8 *out;
  gsize len, used, pos;
  ertmp_session_event ev;

  while ((out = ertmp_session_pending_output (from, &len)) != NULL && len) {
    GByteArray *copy = g_byte_array_new ();

    g_byte_array_append (copy, out, len);
    ertmp_session_output_written (from, len);
    for (pos = 0; pos < copy->len; pos += used) {
      ck_assert_int_eq (ertmp_session_receive (to, copy->data + pos,
              copy->len - pos, &used), ERTMP_OK);
      while (ertmp_session_next_event (to, &ev) == ERTMP_OK) {
        if (ev.type == ERTMP_SESSION_EVENT_PUBLISH_REQUEST)
          ertmp_session_accept_publish (to, ev.msid);
        else if (ev.type == ERTMP_SESSION_EVENT_PUBLISH_STARTED)
          p->published = TRUE;
      }
    }
    g_byte_array_unref (copy);
  }
}

static guint32
chunk_out (ertmp_session * s)
{
  ertmp_session_stats st;

  ertmp_session_get_stats (s, &st);
  return st.chunk_size_out;
}

static guint32
chunk_in (ertmp_session * s)
{
  ertmp_session_stats st;

  ertmp_session_get_stats (s, &st);
  return st.chunk_size_in;
}

/* Connects and publishes with chunk size @size; @before_connect: the size
 * the client writes with once connect is out, @after_connected: once the
 * connect reply made it send the FMLE sequence */
static void
run (guint32 size, guint32 before_connect, guint32 after_connected)
{
  ertmp_session_config ccfg, scfg;
  ertmp_session_connect_params cp = { 0 };
  ertmp_session_event ev;
  pair p = { 0 };
  guint i;

  ertmp_session_config_init (&ccfg, ERTMP_SESSION_CLIENT);
  ertmp_session_config_init (&scfg, ERTMP_SESSION_SERVER);
  ccfg.chunk_size = size;
  p.client = ertmp_session_new (&ccfg);
  p.server = ertmp_session_new (&scfg);
  cp.tc_url = "rtmp://h/live";
  cp.app = "live";
  ck_assert_int_eq (ertmp_session_connect (p.client, &cp), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_publish (p.client, "key", NULL),
      ERTMP_OK);
  /* handshake: C0C1 -> S0S1S2 -> C2 + connect */
  pump (&p, p.client, p.server);
  pump (&p, p.server, p.client);
  while (ertmp_session_next_event (p.client, &ev) == ERTMP_OK);
  ck_assert_uint_eq (chunk_out (p.client), before_connect);
  /* the connect reply: the FMLE sequence goes out */
  pump (&p, p.client, p.server);
  pump (&p, p.server, p.client);
  ck_assert_uint_eq (chunk_out (p.client), after_connected);
  for (i = 0; i < 4 && !p.published; i++) {
    pump (&p, p.client, p.server);
    pump (&p, p.server, p.client);
  }
  ck_assert (p.published);
  ck_assert_uint_eq (chunk_in (p.server), size);
  ertmp_session_free (p.client);
  ertmp_session_free (p.server);
}

START_TEST (test_small_chunk_after_create_stream)
{
  run (1, 128, 1);
  run (100, 128, 100);
}

END_TEST;

START_TEST (test_large_chunk_before_connect)
{
  run (4096, 4096, 4096);
  run (128, 128, 128);
}

END_TEST;

/* Feeds all of @from's output to @to; the first result that is not OK */
static ertmp_result
feed_all (ertmp_session * from, ertmp_session * to, gsize * media_bytes)
{
  const guint8 *out;
  gsize len, used, pos;
  ertmp_session_event ev;
  ertmp_result res = ERTMP_OK;

  while (res == ERTMP_OK
      && (out = ertmp_session_pending_output (from, &len)) != NULL && len) {
    GByteArray *copy = g_byte_array_new ();

    g_byte_array_append (copy, out, len);
    ertmp_session_output_written (from, len);
    for (pos = 0; pos < copy->len && res == ERTMP_OK; pos += used) {
      res = ertmp_session_receive (to, copy->data + pos, copy->len - pos,
          &used);
      while (ertmp_session_next_event (to, &ev) == ERTMP_OK)
        if (ev.type == ERTMP_SESSION_EVENT_MEDIA)
          *media_bytes += g_bytes_get_size (ev.media.payload);
    }
    g_byte_array_unref (copy);
  }
  return res;
}

/* A server that starts with a 4 KiB message limit (as rtmpingestsrc does
 * before a publish is accepted) refuses a larger message, unless it raised
 * its limits once the publish was accepted. */
static void
run_limits (gboolean raise)
{
  ertmp_session_config ccfg, scfg;
  ertmp_session_connect_params cp = { 0 };
  ertmp_session_event ev;
  ertmp_limits big;
  guint8 *frame = g_malloc0 (10000);
  gsize media = 0;
  pair p = { 0 };
  guint i;

  ertmp_session_config_init (&ccfg, ERTMP_SESSION_CLIENT);
  ertmp_session_config_init (&scfg, ERTMP_SESSION_SERVER);
  scfg.limits.max_message_size = 4096;
  scfg.limits.max_reassembly_bytes = 8192;
  p.client = ertmp_session_new (&ccfg);
  p.server = ertmp_session_new (&scfg);
  cp.tc_url = "rtmp://h/live";
  cp.app = "live";
  ck_assert_int_eq (ertmp_session_connect (p.client, &cp), ERTMP_OK);
  ck_assert_int_eq (ertmp_session_publish (p.client, "key", NULL),
      ERTMP_OK);
  for (i = 0; i < 8 && !p.published; i++) {
    pump (&p, p.client, p.server);
    pump (&p, p.server, p.client);
    while (ertmp_session_next_event (p.client, &ev) == ERTMP_OK)
      if (ev.type == ERTMP_SESSION_EVENT_PUBLISH_STARTED)
        p.published = TRUE;
  }
  ck_assert (p.published);
  if (raise) {
    ertmp_limits_init (&big);
    ertmp_session_set_limits (p.server, &big);
  }
  frame[0] = 0x17;
  ck_assert_int_eq (ertmp_session_send_media (p.client, ERTMP_MSG_VIDEO, 0,
          frame, 10000), ERTMP_OK);
  if (raise) {
    ck_assert_int_eq (feed_all (p.client, p.server, &media), ERTMP_OK);
    ck_assert_uint_eq (media, 10000);
  } else {
    ck_assert_int_eq (feed_all (p.client, p.server, &media), ERTMP_LIMIT);
    ck_assert_uint_eq (media, 0);
  }
  g_free (frame);
  ertmp_session_free (p.client);
  ertmp_session_free (p.server);
}

START_TEST (test_limits_raised_after_publish)
{
  run_limits (FALSE);
  run_limits (TRUE);
}

END_TEST;

static Suite *
session_chunk_suite (void)
{
  Suite *s = suite_create ("session_chunk");
  TCase *tc = tcase_create ("order");

  tcase_add_test (tc, test_small_chunk_after_create_stream);
  tcase_add_test (tc, test_large_chunk_before_connect);
  tcase_add_test (tc, test_limits_raised_after_publish);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (session_chunk_suite ());
}
