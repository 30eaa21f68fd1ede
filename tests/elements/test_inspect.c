/* gst-ertmp: what gst-inspect-1.0 shows of each element
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every element of the plugin has a long description that ends with a
 * launch line ("Example: ..."), as users copy it into gst-launch-1.0: the
 * line must parse into a pipeline that holds that element, every element
 * of it known and every link made (sometimes pads: linked when they
 * appear, so only the names are checked).
 */
#include <string.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

static GList *
plugin_factories (void)
{
  GList *all = gst_registry_get_feature_list_by_plugin (gst_registry_get (),
      "ertmp"), *l, *factories = NULL;

  for (l = all; l != NULL; l = l->next)
    if (GST_IS_ELEMENT_FACTORY (l->data))
      factories = g_list_prepend (factories, gst_object_ref (l->data));
  gst_plugin_feature_list_free (all);
  return factories;
}

static gboolean
holds_factory (GstBin * bin, GstElementFactory * factory)
{
  GstIterator *it = gst_bin_iterate_recurse (bin);
  GValue v = G_VALUE_INIT;
  gboolean found = FALSE;

  while (!found && gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    found = gst_element_get_factory (g_value_get_object (&v)) == factory;
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return found;
}

GST_START_TEST (test_every_element_has_a_launch_line)
{
  GList *factories = plugin_factories (), *l;

  /* rtmpingestsrc, rtmppushsink, rtmpservesink, flvemux, erdemux */
  fail_unless_equals_int (g_list_length (factories), 5);
  for (l = factories; l != NULL; l = l->next) {
    GstElementFactory *factory = l->data;
    const gchar *name = GST_OBJECT_NAME (factory);
    const gchar *desc = gst_element_factory_get_metadata (factory,
        GST_ELEMENT_METADATA_DESCRIPTION);
    const gchar *example = desc ? strstr (desc, "Example: ") : NULL;
    GstParseContext *ctx = gst_parse_context_new ();
    GError *err = NULL;
    GstElement *pipeline;

    fail_unless (example != NULL, "%s: no \"Example: \" in its description",
        name);
    example += strlen ("Example: ");
    fail_unless (strstr (example, "Example: ") == NULL,
        "%s: the launch line must be the description's last part", name);
    pipeline = gst_parse_launch_full (example, ctx,
        GST_PARSE_FLAG_FATAL_ERRORS, &err);
    fail_unless (pipeline != NULL && err == NULL, "%s: \"%s\" does not parse: "
        "%s", name, example, err ? err->message : "?");
    fail_unless (gst_parse_context_get_missing_elements (ctx) == NULL,
        "%s: \"%s\" names an element not installed", name, example);
    fail_unless (GST_IS_BIN (pipeline) && holds_factory (GST_BIN (pipeline),
            factory), "%s: its launch line does not use it", name);
    gst_object_unref (pipeline);
    gst_parse_context_free (ctx);
  }
  g_list_free_full (factories, gst_object_unref);
}

GST_END_TEST;

static Suite *
inspect_suite (void)
{
  Suite *s = suite_create ("inspect");
  TCase *tc = tcase_create ("descriptions");

  tcase_add_test (tc, test_every_element_has_a_launch_line);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (inspect);
