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

static Suite *
session_chunk_suite (void)
{
  Suite *s = suite_create ("session_chunk");
  TCase *tc = tcase_create ("order");

  tcase_add_test (tc, test_small_chunk_after_create_stream);
  tcase_add_test (tc, test_large_chunk_before_connect);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (session_chunk_suite ());
}
