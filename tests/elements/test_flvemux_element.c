/* gst-ertmp: flvemux as GStreamer sees it: names, rank, documentation
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The instance name comes from the type name; the rank decides what
 * encodebin picks for a video/x-flv profile next to flvmux; every property
 * has a blurb and the long description names the messages the element
 * posts.
 */
#include <string.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

GST_START_TEST (test_instance_name)
{
  GstElement *a = gst_element_factory_make ("flvemux", NULL);
  GstElement *b = gst_element_factory_make ("flvemux", NULL);
  gchar *na, *nb;

  fail_unless (a != NULL && b != NULL);
  na = gst_object_get_name (GST_OBJECT (a));
  nb = gst_object_get_name (GST_OBJECT (b));
  /* the element's name, not "ertmpflvemux0" (first test of the run) */
  fail_unless_equals_string (na, "flvemux0");
  fail_unless_equals_string (nb, "flvemux1");
  /* and no upstream type name is reused */
  fail_if (g_type_from_name ("GstFlvEMux") == 0);
  fail_unless_equals_string (G_OBJECT_TYPE_NAME (a), "GstFlvEMux");
  g_free (na);
  g_free (nb);
  gst_object_unref (a);
  gst_object_unref (b);
}

GST_END_TEST;

static Suite *
flvemux_element_suite (void)
{
  Suite *s = suite_create ("flvemux_element");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_instance_name);
  return s;
}

GST_CHECK_MAIN (flvemux_element);
