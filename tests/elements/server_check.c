/* gst-ertmp: publishers and per-element recorders for the server tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "server_check.h"

#include <string.h>
#include <gst/check/gstcheck.h>

#include "ertmp_flv.h"
#include "ertmp_media.h"

#define FLV_FILE_HEADER_SIZE (ERTMP_FLV_HEADER_SIZE + ERTMP_FLV_PREV_SIZE_SIZE)
/* stats polling step: the wait is for the server's I/O thread */
#define STAT_POLL_US (20 * G_TIME_SPAN_MILLISECOND)

/* ---- tags ---------------------------------------------------------------- */

static void
tag_clear (SrvTag * t)
{
  g_free (t->sum);
}

void
srv_tags_free (SrvTags * tags)
{
  if (tags == NULL)
    return;
  g_array_unref (tags->av[0]);
  g_array_unref (tags->av[1]);
  g_free (tags);
}

static gboolean
is_sequence_end (guint video, const guint8 * body, gsize len)
{
  ertmp_media_tag mt;

  return video && ertmp_media_parse (ERTMP_CODEC_KIND_VIDEO, body, len, NULL,
      &mt) == ERTMP_OK && mt.hdr.packet == ERTMP_MEDIA_PACKET_SEQUENCE_END;
}

static void
tags_add (SrvTags * tags, const ertmp_flv_tag * tag, gboolean seq_end)
{
  guint video = tag->header.type == ERTMP_FLV_TAG_VIDEO;
  SrvTag t = { 0 };

  if (tag->header.type != ERTMP_FLV_TAG_AUDIO && !video) {
    tags->scripts++;
    return;
  }
  if (!seq_end && is_sequence_end (video, tag->payload, tag->header.size))
    return;
  t.ts = tag->header.timestamp;
  t.size = tag->header.size;
  t.sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, tag->payload,
      tag->header.size);
  memcpy (t.first, tag->payload, MIN (t.size, 2));
  tags->bytes += t.size;
  g_array_append_val (tags->av[video], t);
}

static SrvTags *
tags_new (void)
{
  SrvTags *tags = g_new0 (SrvTags, 1);
  guint i;

  for (i = 0; i < 2; i++) {
    tags->av[i] = g_array_new (FALSE, FALSE, sizeof (SrvTag));
    g_array_set_clear_func (tags->av[i], (GDestroyNotify) tag_clear);
  }
  return tags;
}

SrvTags *
srv_tags_parse (const guint8 * data, gsize len, gboolean seq_end,
    gchar ** error)
{
  static const guint8 header[FLV_FILE_HEADER_SIZE] = {
    'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0
  };
  ertmp_flv_reader *rd = ertmp_flv_reader_new (NULL);
  SrvTags *tags = tags_new ();
  ertmp_flv_tag tag;
  ertmp_result res = ERTMP_NEED_MORE;
  gsize used;

  *error = NULL;
  /* a segment after a DISCONT may go on without a header */
  if (len < 3 || memcmp (data, "FLV", 3) != 0)
    ertmp_flv_reader_read (rd, header, sizeof (header), &used, &tag);
  while (*error == NULL && (res = ertmp_flv_reader_read (rd, data, len,
              &used, &tag)) == ERTMP_OK) {
    data += used;
    len -= used;
    if (tag.prev_size_mismatch || tag.skipped)
      *error = g_strdup_printf ("FLV damaged at %" G_GUINT64_FORMAT ": %s",
          tag.offset, ertmp_flv_reader_describe (rd));
    else
      tags_add (tags, &tag, seq_end);
  }
  if (*error == NULL && res != ERTMP_NEED_MORE)
    *error = g_strdup_printf ("FLV unreadable: %s",
        ertmp_flv_reader_describe (rd));
  if (*error == NULL && ertmp_flv_reader_pending (rd, NULL))
    *error = g_strdup ("FLV cut short");
  ertmp_flv_reader_free (rd);
  if (*error != NULL) {
    srv_tags_free (tags);
    return NULL;
  }
  return tags;
}

SrvTags *
srv_tags_from_file (const gchar * path, gboolean seq_end)
{
  gchar *data, *err = NULL;
  gsize len;
  SrvTags *tags;

  fail_unless (g_file_get_contents (path, &data, &len, NULL), "%s", path);
  tags = srv_tags_parse ((const guint8 *) data, len, seq_end, &err);
  fail_unless (tags != NULL, "%s: %s", path, err);
  g_free (data);
  return tags;
}

static gchar *
kind_diff (GArray * a, GArray * b, const gchar * kind)
{
  guint i;

  if (a->len == 0)
    return g_strdup_printf ("no %s in the source", kind);
  for (i = 0; i < MIN (a->len, b->len); i++) {
    SrvTag *x = &g_array_index (a, SrvTag, i);
    SrvTag *y = &g_array_index (b, SrvTag, i);

    if (x->size != y->size || strcmp (x->sum, y->sum) != 0)
      return g_strdup_printf ("%s tag %u (ts %u): %" G_GSIZE_FORMAT " bytes "
          "sent, %" G_GSIZE_FORMAT " bytes (other content?) received", kind,
          i, x->ts, x->size, y->size);
    if (x->ts != y->ts)
      return g_strdup_printf ("%s tag %u: timestamp %u sent, %u received",
          kind, i, x->ts, y->ts);
  }
  if (a->len != b->len)
    return g_strdup_printf ("%u %s tags sent, %u received", a->len, kind,
        b->len);
  return NULL;
}

gchar *
srv_tags_diff (const SrvTags * want, const SrvTags * got)
{
  gchar *diff;

  if (got == NULL)
    return g_strdup ("nothing received");
  diff = kind_diff (want->av[0], got->av[0], "audio");
  if (diff == NULL)
    diff = kind_diff (want->av[1], got->av[1], "video");
  return diff;
}

/* ---- an element's output ------------------------------------------------- */

static void
segment_free (SrvSegment * s)
{
  g_byte_array_unref (s->bytes);
  g_free (s->timing_error);
  g_free (s);
}

/* PTS = DTS, advancing as the FLV timestamps from the segment's first
 * audio/video tag */
static void
segment_check_time (SrvSegment * s, GstBuffer * buf, const guint8 * tag)
{
  guint32 ts = GST_READ_UINT24_BE (tag + 4) | ((guint32) tag[7] << 24);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  gchar *err = NULL;

  if (s->av_tags++ == 0) {
    s->pts0 = pts;
    s->ts0 = ts;
  }
  if (!GST_CLOCK_TIME_IS_VALID (pts) || GST_BUFFER_DTS (buf) != pts)
    err = g_strdup_printf ("tag %u (ts %u): PTS %" GST_TIME_FORMAT " DTS %"
        GST_TIME_FORMAT, s->av_tags - 1, ts, GST_TIME_ARGS (pts),
        GST_TIME_ARGS (GST_BUFFER_DTS (buf)));
  else if ((GstClockTimeDiff) (pts - s->pts0) !=
      (gint32) (ts - s->ts0) * GST_MSECOND)
    err = g_strdup_printf ("tag %u (ts %u, first %u): PTS %" GST_TIME_FORMAT
        ", first %" GST_TIME_FORMAT, s->av_tags - 1, ts, s->ts0,
        GST_TIME_ARGS (pts), GST_TIME_ARGS (s->pts0));
  if (err != NULL && s->timing_errors++ == 0)
    s->timing_error = err;
  else
    g_free (err);
}

static void
output_record (SrvOutput * o, GstBuffer * buf)
{
  GstMapInfo map;
  SrvSegment *s;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return;
  g_mutex_lock (&o->lock);
  o->buffers++;
  if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT)) {
    s = g_new0 (SrvSegment, 1);
    s->bytes = g_byte_array_new ();
    s->header = map.size >= 3 && memcmp (map.data, "FLV", 3) == 0;
    g_ptr_array_add (o->segments, s);
  }
  if (o->segments->len == 0) {
    o->stray++;
  } else {
    s = g_ptr_array_index (o->segments, o->segments->len - 1);
    g_byte_array_append (s->bytes, map.data, map.size);
    if (map.size > ERTMP_FLV_TAG_HEADER_SIZE &&
        ((map.data[0] & 0x1f) == ERTMP_FLV_TAG_AUDIO ||
            (map.data[0] & 0x1f) == ERTMP_FLV_TAG_VIDEO))
      segment_check_time (s, buf, map.data);
  }
  g_cond_broadcast (&o->cond);
  g_mutex_unlock (&o->lock);
  gst_buffer_unmap (buf, &map);
}

static GstPadProbeReturn
on_output (GstPad * pad, GstPadProbeInfo * info, SrvOutput * o)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    output_record (o, GST_PAD_PROBE_INFO_BUFFER (info));
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
      GST_EVENT_EOS) {
    g_mutex_lock (&o->lock);
    o->eos = TRUE;
    g_cond_broadcast (&o->cond);
    g_mutex_unlock (&o->lock);
  }
  return GST_PAD_PROBE_OK;
}

SrvOutput *
srv_output_new (GstElement * src)
{
  SrvOutput *o = g_new0 (SrvOutput, 1);
  GstPad *pad = gst_element_get_static_pad (src, "src");

  g_mutex_init (&o->lock);
  g_cond_init (&o->cond);
  o->src = gst_object_ref (src);
  o->segments = g_ptr_array_new_with_free_func ((GDestroyNotify)
      segment_free);
  o->probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, (GstPadProbeCallback) on_output,
      o, NULL);
  gst_object_unref (pad);
  return o;
}

void
srv_output_free (SrvOutput * o)
{
  GstPad *pad;

  if (o == NULL)
    return;
  /* the probe goes with the pad: remove it in case the element lives on */
  pad = gst_element_get_static_pad (o->src, "src");
  gst_pad_remove_probe (pad, o->probe);
  gst_object_unref (pad);
  gst_object_unref (o->src);
  g_ptr_array_unref (o->segments);
  g_mutex_clear (&o->lock);
  g_cond_clear (&o->cond);
  g_free (o);
}

void
srv_output_wait_tags (SrvOutput * o, guint seg, guint n, const gchar * what)
{
  gint64 deadline = g_get_monotonic_time () + SRV_HANG / GST_USECOND;
  guint have = 0;

  g_mutex_lock (&o->lock);
  while (TRUE) {
    have = o->segments->len > seg ?
        ((SrvSegment *) g_ptr_array_index (o->segments, seg))->av_tags : 0;
    if (have >= n || !g_cond_wait_until (&o->cond, &o->lock, deadline))
      break;
  }
  g_mutex_unlock (&o->lock);
  fail_unless (have >= n, "%s: %u of %u tags arrived in segment %u", what,
      have, n, seg);
}

void
srv_output_wait_eos (SrvOutput * o, const gchar * what)
{
  gint64 deadline = g_get_monotonic_time () + SRV_HANG / GST_USECOND;
  gboolean eos;

  g_mutex_lock (&o->lock);
  while (!o->eos && g_cond_wait_until (&o->cond, &o->lock, deadline));
  eos = o->eos;
  g_mutex_unlock (&o->lock);
  fail_unless (eos, "%s: no EOS from %s", what, GST_ELEMENT_NAME (o->src));
}

SrvTags *
srv_output_tags (SrvOutput * o, guint seg)
{
  SrvTags *tags = NULL;
  gchar *err = NULL;

  g_mutex_lock (&o->lock);
  if (o->segments->len > seg) {
    SrvSegment *s = g_ptr_array_index (o->segments, seg);

    tags = srv_tags_parse (s->bytes->data, s->bytes->len, TRUE, &err);
  }
  g_mutex_unlock (&o->lock);
  fail_if (err != NULL, "segment %u: %s", seg, err);
  return tags;
}

void
srv_output_check (SrvOutput * o, guint seg, const SrvTags * want,
    const gchar * what)
{
  SrvTags *got = srv_output_tags (o, seg);
  gchar *diff = srv_tags_diff (want, got);
  SrvSegment *s;

  fail_unless (diff == NULL, "%s: %s", what, diff);
  g_mutex_lock (&o->lock);
  s = g_ptr_array_index (o->segments, seg);
  fail_unless (o->stray == 0, "%s: %u buffers before the first DISCONT",
      what, o->stray);
  fail_unless (s->timing_errors == 0, "%s: %u tags with a wrong PTS/DTS; "
      "first: %s", what, s->timing_errors, s->timing_error);
  g_mutex_unlock (&o->lock);
  srv_tags_free (got);
}

/* ---- in-process publishers ----------------------------------------------- */

static GstFlowReturn
on_recorded (GstElement * sink, SrvRecording * rec)
{
  GstSample *sample = NULL;

  g_signal_emit_by_name (sink, "pull-sample", &sample);
  if (sample == NULL)
    return GST_FLOW_EOS;
  if (rec->caps == NULL)
    rec->caps = gst_caps_ref (gst_sample_get_caps (sample));
  g_ptr_array_add (rec->buffers, gst_buffer_ref (gst_sample_get_buffer
          (sample)));
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

SrvRecording *
srv_record (const gchar * media)
{
  gchar *desc = g_strdup_printf ("%s m. ! appsink name=out sync=false "
      "emit-signals=true", media);
  GstElement *p = gst_parse_launch (desc, NULL), *sink;
  SrvRecording *rec = g_new0 (SrvRecording, 1);
  GByteArray *all = g_byte_array_new ();
  gchar *err = NULL;
  guint i;

  fail_unless (p != NULL, "%s", desc);
  rec->buffers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  sink = gst_bin_get_by_name (GST_BIN (p), "out");
  g_signal_connect (sink, "new-sample", G_CALLBACK (on_recorded), rec);
  fail_unless (ertmp_peer_run_pipeline (p, SRV_HANG, &err), "%s: %s", desc,
      err);
  for (i = 0; i < rec->buffers->len; i++) {
    GstMapInfo map;

    gst_buffer_map (g_ptr_array_index (rec->buffers, i), &map, GST_MAP_READ);
    g_byte_array_append (all, map.data, map.size);
    gst_buffer_unmap (g_ptr_array_index (rec->buffers, i), &map);
  }
  rec->tags = srv_tags_parse (all->data, all->len, TRUE, &err);
  fail_unless (rec->tags != NULL, "%s: %s", desc, err);
  fail_unless (rec->caps != NULL, "%s: nothing recorded", desc);
  gst_object_unref (sink);
  gst_object_unref (p);
  g_byte_array_unref (all);
  g_free (desc);
  return rec;
}

void
srv_recording_free (SrvRecording * rec)
{
  gst_clear_caps (&rec->caps);
  g_ptr_array_unref (rec->buffers);
  srv_tags_free (rec->tags);
  g_free (rec);
}

SrvPub *
srv_pub_start (const SrvRecording * rec, const gchar * sink,
    const gchar * url, const gchar * what)
{
  gchar *desc = g_strdup_printf ("appsrc name=in format=time max-bytes=0 ! "
      "%s", sink);
  SrvPub *p = g_new0 (SrvPub, 1);
  GstElement *in, *pub;
  GstFlowReturn ret;
  guint i;

  p->what = g_strdup (what);
  p->pipeline = gst_parse_launch (desc, NULL);
  fail_unless (p->pipeline != NULL, "%s", desc);
  in = gst_bin_get_by_name (GST_BIN (p->pipeline), "in");
  pub = gst_bin_get_by_name (GST_BIN (p->pipeline), "pub");
  fail_unless (pub != NULL, "no element pub in %s", desc);
  g_object_set (pub, "location", url, NULL);
  g_object_set (in, "caps", rec->caps, NULL);
  for (i = 0; i < rec->buffers->len; i++)
    g_signal_emit_by_name (in, "push-buffer",
        g_ptr_array_index (rec->buffers, i), &ret);
  g_signal_emit_by_name (in, "end-of-stream", &ret);
  fail_if (gst_element_set_state (p->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "%s: cannot start", what);
  gst_object_unref (in);
  gst_object_unref (pub);
  g_free (desc);
  return p;
}

gboolean
srv_pub_finish (SrvPub * p)
{
  GstBus *bus = gst_element_get_bus (p->pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, SRV_HANG,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

  p->done = TRUE;
  if (msg == NULL)
    p->error = g_strdup ("no EOS (hang bound)");
  else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    p->error = ertmp_peer_describe_message (msg);
  p->ok = p->error == NULL;
  gst_element_set_state (p->pipeline, GST_STATE_NULL);
  if (msg != NULL)
    gst_message_unref (msg);
  gst_object_unref (bus);
  return p->ok;
}

void
srv_pub_free (SrvPub * p)
{
  if (p == NULL)
    return;
  gst_element_set_state (p->pipeline, GST_STATE_NULL);
  gst_object_unref (p->pipeline);
  g_free (p->what);
  g_free (p->error);
  g_free (p);
}

/* ---- FFmpeg -------------------------------------------------------------- */

gchar *
srv_make_file (const gchar * dir, const gchar * name, const gchar * media)
{
  gchar *path = g_build_filename (dir, name, NULL);
  gchar *desc = g_strdup_printf ("%s m. ! filesink location=\"%s\"", media,
      path);
  GstElement *p = gst_parse_launch (desc, NULL);
  gchar *err = NULL;

  fail_unless (p != NULL, "%s", desc);
  fail_unless (ertmp_peer_run_pipeline (p, SRV_HANG, &err), "%s", err);
  gst_object_unref (p);
  g_free (desc);
  return path;
}

ErtmpPeer *
srv_ffmpeg_start (const gchar * dir, const gchar * file, const gchar * url,
    gboolean re)
{
  const gchar *argv[] = { "ffmpeg", "-nostdin", "-hide_banner",
    "-loglevel", "info", "-re", "-i", file, "-c", "copy",
    "-flvflags", "no_sequence_end", "-f", "flv", url, NULL
  };
  GError *err = NULL;
  ErtmpPeer *peer;

  if (!re)                      /* drop "-re" */
    memmove (&argv[5], &argv[6], sizeof (argv) - 6 * sizeof (argv[0]));
  peer = ertmp_peer_spawn (argv, dir, &err);
  fail_unless (peer != NULL, "ffmpeg: %s", err ? err->message : "?");
  return peer;
}

gboolean
srv_peer_finish (ErtmpPeer * peer, const gchar * what, gboolean expected)
{
  gchar *log;
  gboolean ok;

  fail_unless (ertmp_peer_wait (peer, SRV_HANG_MS),
      "%s still running after %u ms", what, SRV_HANG_MS);
  ok = ertmp_peer_succeeded (peer);
  log = ertmp_peer_log (peer);
  if (ok != expected)
    g_print ("%s %s; its log:\n%s\n", what, ok ? "succeeded" : "failed",
        log);
  g_free (log);
  ertmp_peer_stop (peer);
  return ok;
}

/* ---- the server ---------------------------------------------------------- */

GstObject *
srv_server (GstElement * src)
{
  GstObject *server = NULL;

  g_object_get (src, "server", &server, NULL);
  fail_unless (server != NULL, "%s: no server", GST_ELEMENT_NAME (src));
  return server;
}

static GstStructure *
get_stats (GstObject * server)
{
  GstStructure *st = NULL;

  g_object_get (server, "stats", &st, NULL);
  fail_unless (st != NULL, "no server stats");
  return st;
}

gchar *
srv_stats_text (GstObject * server)
{
  GstStructure *st = get_stats (server);
  gchar *text = gst_structure_to_string (st);

  gst_structure_free (st);
  return text;
}

static guint64
field_u64 (const GstStructure * st, const gchar * field)
{
  const GValue *v = gst_structure_get_value (st, field);
  GValue u = G_VALUE_INIT;
  guint64 n = 0;

  if (v == NULL)
    return 0;
  g_value_init (&u, G_TYPE_UINT64);
  if (g_value_transform (v, &u))
    n = g_value_get_uint64 (&u);
  g_value_unset (&u);
  return n;
}

guint64
srv_stat (GstObject * server, const gchar * field)
{
  GstStructure *st = get_stats (server);
  guint64 n = field_u64 (st, field);

  gst_structure_free (st);
  return n;
}

guint64
srv_stat_refused (GstObject * server)
{
  GstStructure *st = get_stats (server);
  guint64 sum = 0;
  gint i;

  for (i = 0; i < gst_structure_n_fields (st); i++) {
    const gchar *name = gst_structure_nth_field_name (st, i);

    if (g_str_has_prefix (name, "refused-"))
      sum += field_u64 (st, name);
  }
  gst_structure_free (st);
  return sum;
}

void
srv_wait_stat (GstObject * server, const gchar * field, guint64 min)
{
  gint64 deadline = g_get_monotonic_time () + SRV_HANG / GST_USECOND;
  gchar *text;

  while (srv_stat (server, field) < min) {
    if (g_get_monotonic_time () >= deadline) {
      text = srv_stats_text (server);
      fail ("%s never reached %" G_GUINT64_FORMAT ": %s", field, min, text);
      g_free (text);
    }
    g_usleep (STAT_POLL_US);
  }
}

void
srv_wait_stat_max (GstObject * server, const gchar * field, guint64 max)
{
  gint64 deadline = g_get_monotonic_time () + SRV_HANG / GST_USECOND;
  gchar *text;

  while (srv_stat (server, field) > max) {
    if (g_get_monotonic_time () >= deadline) {
      text = srv_stats_text (server);
      fail ("%s never went down to %" G_GUINT64_FORMAT ": %s", field, max,
          text);
      g_free (text);
    }
    g_usleep (STAT_POLL_US);
  }
}

GstMessage *
srv_bus_wait (GstBus * bus, GPtrArray * log, const gchar * name,
    GstElement * src, GstClockTime timeout)
{
  gint64 deadline = g_get_monotonic_time () + timeout / GST_USECOND;

  while (TRUE) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstMessage *msg = gst_bus_timed_pop_filtered (bus,
        left > 0 ? left * GST_USECOND : 0,
        GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);

    if (msg == NULL)
      return NULL;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      gchar *text = ertmp_peer_describe_message (msg);

      fail ("waiting for %s: %s", name, text);
      g_free (text);
    }
    if (log != NULL)
      g_ptr_array_add (log, gst_message_ref (msg));
    if (gst_message_has_name (msg, name) &&
        (src == NULL || GST_MESSAGE_SRC (msg) == GST_OBJECT (src)))
      return msg;
    gst_message_unref (msg);
  }
}

guint
srv_log_count (GPtrArray * log, const gchar * name, GstElement * src)
{
  guint i, n = 0;

  for (i = 0; i < log->len; i++) {
    GstMessage *msg = g_ptr_array_index (log, i);

    if (gst_message_has_name (msg, name) &&
        (src == NULL || GST_MESSAGE_SRC (msg) == GST_OBJECT (src)))
      n++;
  }
  return n;
}
