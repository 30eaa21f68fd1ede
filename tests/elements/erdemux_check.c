/* gst-ertmp: helpers of the erdemux file tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "erdemux_check.h"

static void
stream_free (CheckStream * s)
{
  g_free (s->name);
  g_array_unref (s->pts);
  g_array_unref (s->dts);
  g_byte_array_unref (s->bytes);
  g_array_unref (s->sizes);
  gst_clear_caps (&s->caps);
  g_free (s);
}

Check *
check_new (void)
{
  Check *c = g_new0 (Check, 1);

  c->streams = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) stream_free);
  c->warnings = g_ptr_array_new_with_free_func (g_free);
  c->details = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  c->hang_timeout = CHECK_HANG_TIMEOUT;
  g_mutex_init (&c->lock);
  return c;
}

void
check_free (Check * c)
{
  g_hash_table_unref (c->streams);
  g_ptr_array_unref (c->warnings);
  g_ptr_array_unref (c->details);
  g_free (c->error);
  g_mutex_clear (&c->lock);
  g_free (c);
}

/* with the lock */
static CheckStream *
get_stream (Check * c, const gchar * name)
{
  CheckStream *s = g_hash_table_lookup (c->streams, name);

  if (s == NULL) {
    s = g_new0 (CheckStream, 1);
    s->name = g_strdup (name);
    s->pts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
    s->dts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
    s->bytes = g_byte_array_new ();
    s->sizes = g_array_new (FALSE, FALSE, sizeof (gsize));
    g_hash_table_insert (c->streams, s->name, s);
  }
  return s;
}

CheckStream *
check_stream (Check * c, const gchar * name)
{
  return g_hash_table_lookup (c->streams, name);
}

static GstClockTime
running_time (CheckStream * s, GstClockTime t)
{
  if (!GST_CLOCK_TIME_IS_VALID (t) || s->segment.format != GST_FORMAT_TIME)
    return t;
  return gst_segment_to_running_time (&s->segment, GST_FORMAT_TIME, t);
}

static gboolean
is_header (CheckStream * s, GstBuffer * buf)
{
  const GValue *sh;
  guint i;

  /* flacenc: the metadata blocks, untimed, and again at the end in a
   * BYTES segment */
  if (!GST_CLOCK_TIME_IS_VALID (running_time (s, GST_BUFFER_PTS (buf))))
    return TRUE;
  if (!GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_HEADER) ||
      s->caps == NULL)
    return FALSE;
  sh = gst_structure_get_value (gst_caps_get_structure (s->caps, 0),
      "streamheader");
  if (sh == NULL || !GST_VALUE_HOLDS_ARRAY (sh))
    return FALSE;
  for (i = 0; i < gst_value_array_get_size (sh); i++) {
    GstBuffer *h = gst_value_get_buffer (gst_value_array_get_value (sh, i));
    GstMapInfo map;
    gboolean same;

    if (gst_buffer_get_size (h) != gst_buffer_get_size (buf) ||
        !gst_buffer_map (h, &map, GST_MAP_READ))
      continue;
    same = gst_buffer_memcmp (buf, 0, map.data, map.size) == 0;
    gst_buffer_unmap (h, &map);
    if (same)
      return TRUE;
  }
  return FALSE;
}

static void
record_buffer (Check * c, CheckStream * s, GstBuffer * buf)
{
  GstClockTime pts = running_time (s, GST_BUFFER_PTS (buf));
  GstClockTime dts = running_time (s, GST_BUFFER_DTS (buf));
  GstMapInfo map;

  if (is_header (s, buf)) {
    s->headers++;
    return;
  }
  if (c->raw_times) {
    pts = GST_BUFFER_PTS (buf);
    dts = GST_BUFFER_DTS (buf);
  }
  g_array_append_val (s->pts, pts);
  g_array_append_val (s->dts, dts);
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_byte_array_append (s->bytes, map.data, map.size);
  g_array_append_val (s->sizes, map.size);
  gst_buffer_unmap (buf, &map);
}

static void
record_caps (CheckStream * s, GstCaps * caps)
{
  if (s->caps != NULL && !gst_structure_has_name (gst_caps_get_structure
          (caps, 0), gst_structure_get_name (gst_caps_get_structure (s->caps,
                  0))))
    s->mixed_media = TRUE;
  gst_caps_replace (&s->caps, caps);
  s->n_caps++;
}

static GstPadProbeReturn
on_probe (GstPad * pad, GstPadProbeInfo * info, Check * c)
{
  gchar *name = gst_pad_get_name (pad);
  CheckStream *s;
  GstCaps *caps;

  g_mutex_lock (&c->lock);
  s = get_stream (c, name);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    record_buffer (c, s, GST_PAD_PROBE_INFO_BUFFER (info));
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
      GST_EVENT_SEGMENT) {
    gst_event_copy_segment (GST_PAD_PROBE_INFO_EVENT (info), &s->segment);
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
      GST_EVENT_CAPS) {
    gst_event_parse_caps (GST_PAD_PROBE_INFO_EVENT (info), &caps);
    record_caps (s, caps);
  }
  g_mutex_unlock (&c->lock);
  g_free (name);
  return GST_PAD_PROBE_OK;
}

static void
probe_pad (Check * c, GstPad * pad)
{
  gchar *name = gst_pad_get_name (pad);

  g_mutex_lock (&c->lock);
  get_stream (c, name);
  g_mutex_unlock (&c->lock);
  g_free (name);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, (GstPadProbeCallback) on_probe, c,
      NULL);
}

static void
on_pad_added (GstElement * element, GstPad * pad, Check * c)
{
  if ((gint) GST_PAD_DIRECTION (pad) ==
      GPOINTER_TO_INT (g_object_get_data (G_OBJECT (element),
              "check-direction")))
    probe_pad (c, pad);
}

void
check_record_pads (Check * c, GstElement * element, GstPadDirection dir)
{
  GList *l;

  g_object_set_data (G_OBJECT (element), "check-direction",
      GINT_TO_POINTER (dir));
  GST_OBJECT_LOCK (element);
  l = dir == GST_PAD_SRC ? element->srcpads : element->sinkpads;
  for (; l != NULL; l = l->next)
    probe_pad (c, l->data);
  GST_OBJECT_UNLOCK (element);
  g_signal_connect (element, "pad-added", G_CALLBACK (on_pad_added), c);
}

static void
on_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, Check * c)
{
  gchar *name = gst_element_get_name (sink);

  g_mutex_lock (&c->lock);
  get_stream (c, name + strlen ("dec_"))->decoded++;
  g_mutex_unlock (&c->lock);
  g_free (name);
}

void
check_count_decoded (Check * c, GstElement * bin)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (bin));
  GValue v = G_VALUE_INIT;

  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);

    if (g_str_has_prefix (GST_OBJECT_NAME (e), "dec_"))
      g_signal_connect (e, "handoff", G_CALLBACK (on_handoff), c);
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
}

static void
keep_details (Check * c, GstMessage * msg)
{
  const GstStructure *details = NULL;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING)
    gst_message_parse_warning_details (msg, &details);
  else
    gst_message_parse_error_details (msg, &details);
  if (details != NULL)
    g_ptr_array_add (c->details, gst_structure_copy (details));
}

static void
keep_warning (Check * c, GstMessage * msg)
{
  GError *err = NULL;
  gchar *dbg = NULL;

  keep_details (c, msg);
  gst_message_parse_warning (msg, &err, &dbg);
  g_ptr_array_add (c->warnings, g_strdup_printf ("%s | %s", err->message,
          GST_STR_NULL (dbg)));
  GST_INFO ("warning: %s | %s", err->message, GST_STR_NULL (dbg));
  g_clear_error (&err);
  g_free (dbg);
}

void
check_run (Check * c, GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gboolean done = FALSE;
  GError *err = NULL;
  gchar *dbg = NULL;

  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  while (!done) {
    msg = gst_bus_timed_pop_filtered (bus, c->hang_timeout,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);
    fail_unless (msg != NULL, "the pipeline hangs (no EOS)");
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_WARNING:
        keep_warning (c, msg);
        break;
      case GST_MESSAGE_ERROR:
        keep_details (c, msg);
        gst_message_parse_error (msg, &err, &dbg);
        fail_unless (c->allow_error, "error from %s: %s (%s)",
            GST_MESSAGE_SRC_NAME (msg), err->message, GST_STR_NULL (dbg));
        c->error = g_strdup_printf ("%s | %s", err->message,
            GST_STR_NULL (dbg));
        g_clear_error (&err);
        g_free (dbg);
        done = TRUE;
        break;
      default:
        done = TRUE;
        break;
    }
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
}

gboolean
check_has_warning (Check * c, const gchar * first, ...)
{
  guint i;

  for (i = 0; i < c->warnings->len; i++) {
    const gchar *w = c->warnings->pdata[i], *s;
    gboolean all = TRUE;
    va_list args;

    va_start (args, first);
    for (s = first; s != NULL && all; s = va_arg (args, const gchar *))
        all = strstr (w, s) != NULL;
    va_end (args);
    if (all)
      return TRUE;
  }
  return FALSE;
}

const GstStructure *
check_warning_details (Check * c, const gchar * name, const gchar * type,
    guint id)
{
  guint i, v;

  for (i = 0; i < c->details->len; i++) {
    const GstStructure *s = c->details->pdata[i];

    if (g_strcmp0 (gst_structure_get_string (s, "problem"), name) != 0 ||
        g_strcmp0 (gst_structure_get_string (s, "track-type"), type) != 0)
      continue;
    if (type == NULL ? !gst_structure_has_field (s, "track-id") :
        gst_structure_get_uint (s, "track-id", &v) && v == id)
      return s;
  }
  return NULL;
}

void
check_flv_append_tag (GByteArray * out, guint8 type, guint32 ts,
    const guint8 * body, gsize len)
{
  ertmp_flv_tag_header h = { type, FALSE, (guint32) len, ts, 0 };

  fail_unless_equals_int (ertmp_flv_write_tag_header (out, &h), ERTMP_OK);
  g_byte_array_append (out, body, len);
  fail_unless_equals_int (ertmp_flv_write_prev_size (out, len), ERTMP_OK);
}

GBytes *
check_flv_rewrite (GBytes * flv, CheckTagFunc fn, gpointer user_data)
{
  ertmp_flv_reader *r = ertmp_flv_reader_new (NULL);
  GByteArray *out = g_byte_array_new ();
  gsize len, pos = 0, consumed;
  const guint8 *data = g_bytes_get_data (flv, &len);
  ertmp_flv_header header;
  ertmp_flv_tag tag;
  ertmp_result res;

  while (pos < len) {
    res = ertmp_flv_reader_read (r, data + pos, len - pos, &consumed, &tag);
    pos += consumed;
    if (out->len == 0 && ertmp_flv_reader_get_header (r, &header))
      ertmp_flv_write_header (out, header.flags);
    if (res == ERTMP_NEED_MORE)
      break;
    fail_unless_equals_int (res, ERTMP_OK);
    fail_unless (tag.skipped == 0 && !tag.prev_size_mismatch);
    fn (&tag, out, user_data);
  }
  fail_if (ertmp_flv_reader_pending (r, NULL));
  ertmp_flv_reader_free (r);
  return g_byte_array_free_to_bytes (out);
}

gchar *
check_tmp_file (const gchar * suffix)
{
  gchar *tmpl = g_strdup_printf ("erdemux-XXXXXX%s", suffix);
  gchar *path = NULL;
  gint fd = g_file_open_tmp (tmpl, &path, NULL);

  fail_unless (fd >= 0);
  g_close (fd, NULL);
  g_free (tmpl);
  return path;
}

static void
link_to_sink (GstElement * demux, GstPad * pad, GstElement * pipeline)
{
  GstElement *q, *sink;
  GstPad *sinkpad;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  q = gst_element_factory_make ("queue", NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  gst_bin_add_many (GST_BIN (pipeline), q, sink, NULL);
  fail_unless (gst_element_link (q, sink));
  sinkpad = gst_element_get_static_pad (q, "sink");
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
  gst_object_unref (sinkpad);
  gst_element_sync_state_with_parent (sink);
  gst_element_sync_state_with_parent (q);
}

void
check_demux_file (Check * c, const gchar * demux, const gchar * file)
{
  GstElement *p = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("filesrc", NULL);
  GstElement *d = gst_element_factory_make (demux, NULL);

  fail_unless (src != NULL && d != NULL, "%s", demux);
  g_object_set (src, "location", file, NULL);
  gst_bin_add_many (GST_BIN (p), src, d, NULL);
  fail_unless (gst_element_link (src, d));
  check_record_pads (c, d, GST_PAD_SRC);
  g_signal_connect (d, "pad-added", G_CALLBACK (link_to_sink), p);
  check_run (c, p);
  gst_object_unref (p);
}

GstElement *
check_launch (const gchar * desc, const gchar * file)
{
  gchar **parts = g_strsplit (desc, "@FILE@", -1);
  gchar *full = g_strjoinv (file, parts);
  GError *err = NULL;
  GstElement *p = gst_parse_launch (full, &err);

  fail_unless (p != NULL, "%s: %s", full, err ? err->message : "?");
  g_strfreev (parts);
  g_free (full);
  return p;
}
