/* gst-ertmp: tests of the limits table
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ertmp_limits.h"
#include "ertmp_result.h"
#include "test_util.h"

START_TEST (test_defaults)
{
  ertmp_limits l;

  ertmp_limits_init (&l);
  ck_assert_uint_eq (l.max_message_size, 0xFFFFFF);
  ck_assert_uint_eq (ertmp_limits_get (&l, ERTMP_LIMIT_MAX_CHUNK_STREAMS),
      ERTMP_LIMIT_DEFAULT_MAX_CHUNK_STREAMS);
  ck_assert_uint_eq (ertmp_limits_get (&l, ERTMP_LIMIT_AMF_MAX_DEPTH),
      ERTMP_LIMIT_DEFAULT_AMF_MAX_DEPTH);
  ck_assert_uint_eq (ertmp_limits_get (&l, ERTMP_LIMIT_NONE), 0);
}
END_TEST

/* Every limit has a name and a unit, and the description names both with
 * the value in force (the element posts this text). */
START_TEST (test_describe)
{
  ertmp_limits l;
  guint id;

  ertmp_limits_init (&l);
  l.max_message_size = 1000;
  for (id = ERTMP_LIMIT_MAX_MESSAGE_SIZE; id < ERTMP_LIMIT_N_IDS; id++) {
    gchar *d = ertmp_limits_describe (&l, id);
    gchar *value = g_strdup_printf (" %u ", ertmp_limits_get (&l, id));

    ck_assert_str_ne (ertmp_limit_name (id), "unknown limit");
    ck_assert (strlen (ertmp_limit_unit (id)) > 0);
    ck_assert_msg (strstr (d, value) != NULL, "%s", d);
    g_free (value);
    g_free (d);
  }
  {
    gchar *d = ertmp_limits_describe (&l, ERTMP_LIMIT_MAX_MESSAGE_SIZE);
    ck_assert_str_eq (d, "maximum message size is 1000 bytes");
    g_free (d);
  }
  ck_assert_str_eq (ertmp_limit_name (999), "unknown limit");
}
END_TEST

START_TEST (test_result_names)
{
  ck_assert_str_eq (ertmp_result_name (ERTMP_OK), "ok");
  ck_assert_str_eq (ertmp_result_name (ERTMP_LIMIT), "limit exceeded");
  ck_assert_str_eq (ertmp_result_name (ERTMP_NEED_MORE), "need more data");
  ck_assert_str_eq (ertmp_result_name (99), "unknown result");
}
END_TEST

static Suite *
limits_suite (void)
{
  Suite *s = suite_create ("limits");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, test_defaults);
  tcase_add_test (tc, test_describe);
  tcase_add_test (tc, test_result_names);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (limits_suite ());
}
