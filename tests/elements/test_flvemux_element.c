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
#include <gst/pbutils/encoding-profile.h>

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

/* The muxer encodebin creates for a video/x-flv profile of @video
 * (+ @audio, may be NULL): its factory name */
static gchar *
encodebin_muxer (const gchar * video, const gchar * audio)
{
  GstCaps *fmt = gst_caps_from_string ("video/x-flv");
  GstCaps *vcaps = gst_caps_from_string (video);
  GstEncodingContainerProfile *prof =
      gst_encoding_container_profile_new ("flv", NULL, fmt, NULL);
  GstElement *ebin = gst_element_factory_make ("encodebin", NULL);
  GstIterator *it;
  GValue v = G_VALUE_INIT;
  gchar *muxer = NULL;

  fail_unless (ebin != NULL);
  gst_encoding_container_profile_add_profile (prof, (GstEncodingProfile *)
      gst_encoding_video_profile_new (vcaps, NULL, NULL, 0));
  if (audio != NULL) {
    GstCaps *acaps = gst_caps_from_string (audio);

    gst_encoding_container_profile_add_profile (prof, (GstEncodingProfile *)
        gst_encoding_audio_profile_new (acaps, NULL, NULL, 0));
    gst_caps_unref (acaps);
  }
  g_object_set (ebin, "profile", prof, NULL);
  it = gst_bin_iterate_elements (GST_BIN (ebin));
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);
    GstElementFactory *f = gst_element_get_factory (e);

    if (f != NULL && gst_element_factory_list_is_type (f,
            GST_ELEMENT_FACTORY_TYPE_MUXER))
      muxer = g_strdup (GST_OBJECT_NAME (f));
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  gst_object_unref (ebin);
  gst_encoding_profile_unref (prof);
  gst_caps_unref (vcaps);
  gst_caps_unref (fmt);
  return muxer;
}

/* The rank is deliberate: below flvmux (PRIMARY), so that encodebin keeps
 * flvmux for what flvmux writes and takes flvemux for what only it
 * writes; at equal rank "flvemux" sorts first and took H.264 from flvmux.
 * One encodebin per test: disposing profiles of several encodebins in one
 * process leaves 128 bytes allocated inside GLib's g_object_unref (LSan;
 * no frame of ours in the stack). */
GST_START_TEST (test_rank_against_flvmux)
{
  GstElementFactory *emux = gst_element_factory_find ("flvemux");
  GstElementFactory *mux = gst_element_factory_find ("flvmux");
  gchar *name;

  fail_unless (emux != NULL && mux != NULL);
  fail_unless_equals_int (gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE
          (emux)), GST_RANK_SECONDARY);
  fail_unless (gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE (emux)) <
      gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE (mux)));
  gst_object_unref (emux);
  gst_object_unref (mux);
  /* what both write: flvmux, as before this plugin */
  name = encodebin_muxer ("video/x-h264", "audio/mpeg, mpegversion=(int)4");
  fail_unless_equals_string (name, "flvmux");
  g_free (name);
}

GST_END_TEST;

/* what only flvemux writes: flvemux */
GST_START_TEST (test_rank_enhanced_profile)
{
  gchar *name = encodebin_muxer ("video/x-h265", "audio/x-opus");

  fail_unless_equals_string (name, "flvemux");
  g_free (name);
}

GST_END_TEST;

GST_START_TEST (test_rank_vp9_profile)
{
  gchar *name = encodebin_muxer ("video/x-vp9", NULL);

  fail_unless_equals_string (name, "flvemux");
  g_free (name);
}

GST_END_TEST;

/* gst-inspect: every property has a blurb; the stats blurb gives each
 * field of the structure with its type; the description names every bus
 * message the element posts */
GST_START_TEST (test_inspect_docs)
{
  GstElement *mux = gst_element_factory_make ("flvemux", NULL);
  GstElementFactory *f = gst_element_get_factory (mux);
  const gchar *desc = gst_element_factory_get_metadata (f,
      GST_ELEMENT_METADATA_DESCRIPTION);
  const gchar *messages[] = { "ERROR core/negotiation", "ERROR stream/mux",
    "WARNING stream/mux", "LATENCY", "Rank secondary"
  };
  GParamSpec **specs, *pspec;
  GstStructure *stats;
  GstPad *pad;
  guint i, n;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (mux), &n);
  for (i = 0; i < n; i++) {
    const gchar *blurb = g_param_spec_get_blurb (specs[i]);

    fail_unless (blurb != NULL && strlen (blurb) > 10, "%s",
        specs[i]->name);
  }
  g_free (specs);
  pad = gst_element_request_pad_simple (mux, "video_1");
  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (pad), &n);
  for (i = 0; i < n; i++)
    fail_unless (g_param_spec_get_blurb (specs[i]) != NULL);
  g_free (specs);
  gst_element_release_request_pad (mux, pad);
  gst_object_unref (pad);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (mux), "stats");
  g_object_get (mux, "stats", &stats, NULL);
  fail_unless_equals_string (gst_structure_get_name (stats),
      "application/x-flvemux-stats");
  fail_unless (strstr (g_param_spec_get_blurb (pspec),
          gst_structure_get_name (stats)) != NULL);
  for (i = 0; i < (guint) gst_structure_n_fields (stats); i++) {
    const gchar *name = gst_structure_nth_field_name (stats, i);
    gchar *doc = g_strdup_printf ("%s (%s,", name,
        g_type_name (gst_structure_get_field_type (stats, name)));

    fail_unless (strstr (g_param_spec_get_blurb (pspec), doc) != NULL,
        "stats field %s undocumented", doc);
    g_free (doc);
  }
  gst_structure_free (stats);
  for (i = 0; i < G_N_ELEMENTS (messages); i++)
    fail_unless (strstr (desc, messages[i]) != NULL, "%s", messages[i]);
  gst_object_unref (mux);
}

GST_END_TEST;

static Suite *
flvemux_element_suite (void)
{
  Suite *s = suite_create ("flvemux_element");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_instance_name);
  tcase_add_test (tc, test_rank_against_flvmux);
  tcase_add_test (tc, test_rank_enhanced_profile);
  tcase_add_test (tc, test_rank_vp9_profile);
  tcase_add_test (tc, test_inspect_docs);
  return s;
}

GST_CHECK_MAIN (flvemux_element);
