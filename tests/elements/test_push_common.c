/* gst-ertmp: a publisher and receivers for rtmppushsink's newer tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <gst/check/gstcheck.h>

#include "ertmp_peer.h"
#include "test_push_common.h"

#define VIDEO_FPS 30
#define AUDIO_RATE 48000
#define AUDIO_SAMPLES 1024
#define KEY_INTERVAL 15

static gboolean
message_matches (GstMessage * msg, GstMessageType types, const gchar * name)
{
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT)
    return name != NULL && gst_message_has_name (msg, name);
  return (GST_MESSAGE_TYPE (msg) & types) != 0;
}

GstMessage *
bus_wait (GstElement * pipeline, GPtrArray * log, GstMessageType types,
    const gchar * name, GstClockTime timeout)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;
  GstMessage *msg = NULL;

  while (TRUE) {
    gint64 left = deadline - g_get_monotonic_time ();

    msg = gst_bus_timed_pop_filtered (bus, left > 0 ? left * GST_USECOND : 0,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
        GST_MESSAGE_ELEMENT);
    if (msg == NULL)
      break;
    g_ptr_array_add (log, msg);
    if (GST_MESSAGE_TYPE (msg) & (GST_MESSAGE_ERROR | GST_MESSAGE_WARNING)) {
      gchar *text = ertmp_peer_describe_message (msg);

      g_print ("%s: %s: %s\n", GST_OBJECT_NAME (pipeline),
          GST_MESSAGE_TYPE_NAME (msg), text);
      fail_unless (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ERROR
          || (types & GST_MESSAGE_ERROR), "%s: unexpected error: %s",
          GST_OBJECT_NAME (pipeline), text);
      g_free (text);
    }
    if (message_matches (msg, types, name))
      break;
  }
  gst_object_unref (bus);
  return msg;
}

guint
log_count (GPtrArray * log, GstMessageType types, const gchar * name)
{
  guint i, n = 0;

  for (i = 0; i < log->len; i++)
    if (message_matches (g_ptr_array_index (log, i), types, name))
      n++;
  return n;
}

const gchar *
message_string (GstMessage * msg, const gchar * field)
{
  const gchar *s = gst_structure_get_string (gst_message_get_structure (msg),
      field);

  fail_unless (s != NULL, "%" GST_PTR_FORMAT ": no %s", msg, field);
  return s;
}

/* ---- receiver ---- */

static GstPadProbeReturn
on_receiver_data (GstPad * pad, GstPadProbeInfo * info, Receiver * r)
{
  GstBuffer *buf;
  GstMapInfo map;

  g_mutex_lock (&r->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    buf = GST_PAD_PROBE_INFO_BUFFER (info);
    fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
    if (map.size == 13 && memcmp (map.data, "FLV", 3) == 0)
      g_ptr_array_add (r->sessions, g_byte_array_new ());
    if (r->sessions->len > 0)
      g_byte_array_append (g_ptr_array_index (r->sessions,
              r->sessions->len - 1), map.data, map.size);
    gst_buffer_unmap (buf, &map);
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
      GST_EVENT_EOS) {
    r->eos = TRUE;
    g_cond_broadcast (&r->cond);
  }
  g_mutex_unlock (&r->lock);
  return GST_PAD_PROBE_OK;
}

Receiver *
receiver_new (gint port, const gchar * props)
{
  Receiver *r = g_new0 (Receiver, 1);
  gchar *desc = g_strdup_printf ("rtmpingestsrc name=src host=127.0.0.1 "
      "port=%d %s ! fakesink name=out sync=false async=false", port, props);
  GError *err = NULL;
  GstElement *out;
  GstPad *pad;

  g_mutex_init (&r->lock);
  g_cond_init (&r->cond);
  r->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_byte_array_unref);
  r->log = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_message_unref);
  r->pipeline = gst_parse_launch (desc, &err);
  fail_unless (r->pipeline != NULL, "%s: %s", desc, err ? err->message : "?");
  gst_object_set_name (GST_OBJECT (r->pipeline), "receiver");
  r->src = gst_bin_get_by_name (GST_BIN (r->pipeline), "src");
  out = gst_bin_get_by_name (GST_BIN (r->pipeline), "out");
  pad = gst_element_get_static_pad (out, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      (GstPadProbeCallback) on_receiver_data, r, NULL);
  gst_object_unref (pad);
  gst_object_unref (out);
  fail_unless (gst_element_set_state (r->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE, "%s: cannot start", desc);
  g_free (desc);
  return r;
}

gint
receiver_port (Receiver * r)
{
  gint port = 0;

  g_object_get (r->src, "bound-port", &port, NULL);
  fail_unless (port > 0 && port < 65536, "bound-port %d", port);
  return port;
}

gchar *
receiver_url (Receiver * r, const gchar * key)
{
  return g_strdup_printf ("rtmp://127.0.0.1:%d/live/%s", receiver_port (r),
      key);
}

void
receiver_wait_eos (Receiver * r, GstClockTime timeout, const gchar * what)
{
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;

  g_mutex_lock (&r->lock);
  while (!r->eos && g_cond_wait_until (&r->cond, &r->lock, deadline));
  g_mutex_unlock (&r->lock);
  fail_unless (r->eos, "%s: no EOS within %" GST_TIME_FORMAT, what,
      GST_TIME_ARGS (timeout));
}

void
receiver_free (Receiver * r)
{
  gst_element_set_state (r->pipeline, GST_STATE_NULL);
  gst_object_unref (r->src);
  gst_object_unref (r->pipeline);
  g_ptr_array_unref (r->sessions);
  g_ptr_array_unref (r->log);
  g_mutex_clear (&r->lock);
  g_cond_clear (&r->cond);
  g_free (r);
}

/* ---- publisher ---- */

Publisher *
publisher_create (gboolean live, gint seconds, const gchar * props)
{
  Publisher *p = g_new0 (Publisher, 1);
  const gchar *is_live = live ? "true" : "false";
  gchar *desc = g_strdup_printf ("videotestsrc is-live=%s num-buffers=%d "
      "pattern=ball ! video/x-raw,format=I420,width=160,height=120,"
      "framerate=%d/1 ! x264enc tune=zerolatency speed-preset=ultrafast "
      "key-int-max=%d ! h264parse ! m.video "
      "audiotestsrc is-live=%s num-buffers=%d samplesperbuffer=%d ! "
      "audio/x-raw,rate=%d,channels=1 ! avenc_aac ! m.audio "
      "flvemux name=m ! rtmppushsink name=sink timeout=30 %s", is_live,
      seconds < 0 ? -1 : seconds * VIDEO_FPS, VIDEO_FPS, KEY_INTERVAL,
      is_live, seconds < 0 ? -1 : seconds * AUDIO_RATE / AUDIO_SAMPLES,
      AUDIO_SAMPLES, AUDIO_RATE, props);
  GError *err = NULL;

  p->log = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_message_unref);
  p->pipeline = gst_parse_launch (desc, &err);
  fail_unless (p->pipeline != NULL && err == NULL, "%s: %s", desc,
      err ? err->message : "?");
  gst_object_set_name (GST_OBJECT (p->pipeline), "publisher");
  p->sink = gst_bin_get_by_name (GST_BIN (p->pipeline), "sink");
  g_free (desc);
  return p;
}

void
publisher_start (Publisher * p)
{
  fail_unless (gst_element_set_state (p->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE, "publisher: cannot start");
}

Publisher *
publisher_new_with_location (gboolean live, gint seconds,
    const gchar * props, const gchar * location)
{
  Publisher *p = publisher_create (live, seconds, props);

  if (location)
    g_object_set (p->sink, "location", location, NULL);
  publisher_start (p);
  return p;
}

GstMessage *
publisher_expect (Publisher * p, const gchar * name, GstClockTime timeout)
{
  GstMessage *msg = bus_wait (p->pipeline, p->log, GST_MESSAGE_EOS, name,
      timeout);

  fail_unless (msg != NULL, "no %s within %" GST_TIME_FORMAT, name,
      GST_TIME_ARGS (timeout));
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
    fail ("EOS before %s", name);
  return msg;
}

void
publisher_expect_eos (Publisher * p, GstClockTime timeout)
{
  fail_unless (bus_wait (p->pipeline, p->log, GST_MESSAGE_EOS, NULL,
          timeout) != NULL, "publisher: no EOS within %" GST_TIME_FORMAT,
      GST_TIME_ARGS (timeout));
}

gchar *
publisher_expect_error (Publisher * p, gint code, const gchar * needle,
    GstClockTime timeout)
{
  GstMessage *msg = bus_wait (p->pipeline, p->log, GST_MESSAGE_ERROR, NULL,
      timeout);
  GError *err = NULL;
  gchar *text;

  fail_unless (msg != NULL, "no error within %" GST_TIME_FORMAT,
      GST_TIME_ARGS (timeout));
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR, "%s instead of "
      "an error", GST_MESSAGE_TYPE_NAME (msg));
  gst_message_parse_error (msg, &err, NULL);
  text = ertmp_peer_describe_message (msg);
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (p->sink), "%s", text);
  fail_unless (err->domain == GST_RESOURCE_ERROR && err->code == code,
      "want resource error %d, got %s %d: %s", code,
      g_quark_to_string (err->domain), err->code, text);
  fail_unless (strstr (err->message, needle) != NULL, "\"%s\" not in the "
      "message: %s", needle, text);
  g_error_free (err);
  return text;
}

void
publisher_stop (Publisher * p, const gchar * when)
{
  fail_unless_equals_int (gst_element_set_state (p->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
}

void
publisher_free (Publisher * p)
{
  gst_element_set_state (p->pipeline, GST_STATE_NULL);
  gst_object_unref (p->sink);
  gst_object_unref (p->pipeline);
  g_ptr_array_unref (p->log);
  g_free (p);
}

/* ---- certificates ---- */

void
test_run_tool (const gchar * const *argv, const gchar * dir)
{
  gchar *out = NULL, *err_out = NULL;
  GError *err = NULL;
  gint status = 0;

  fail_unless (g_spawn_sync (dir, (gchar **) argv, NULL,
          G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err_out, &status, &err),
      "%s: %s", argv[0], err ? err->message : "?");
  fail_unless (g_spawn_check_wait_status (status, NULL), "%s %s: %s",
      argv[0], argv[1], err_out);
  g_free (out);
  g_free (err_out);
}

gchar *
test_make_self_signed (const gchar * dir)
{
  const gchar *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048",
    "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
    "subjectAltName=IP:127.0.0.1", "-keyout", "self.key", "-out",
    "self.pem", NULL
  };

  test_run_tool (argv, dir);
  return g_strdup_printf ("tls-certificate-file=\"%s/self.pem\" "
      "tls-key-file=\"%s/self.key\"", dir, dir);
}
