/* gst-ertmp: rtmpingestsrc against real and hostile peers on 127.0.0.1
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element runs in this process (rtmpingestsrc ! appsink); the peers are
 * plain TCP sockets driven from the test thread, either by the core's
 * client session (handshake, connect, publish, media, teardown) or by raw
 * bytes.
 *
 *  - a publisher crossing the 32-bit timestamp wrap: every FLV tag comes
 *    out byte-identical with its timestamp, DTS follow the tag deltas, the
 *    streamheader holds header, onMetaData and sequence start, then EOS;
 *  - hostile peers (garbage, the largest messages the 24-bit length field
 *    can declare until the reassembly limit, 60000 chunk streams, a slow
 *    drip, a silent peer, an idle publisher): each is dropped with a
 *    message naming the fault, memory stays bounded, the pipeline stays
 *    PLAYING and the next, well-behaved, publisher is served;
 *  - PLAYING -> NULL returns quickly whatever the peer is doing;
 *  - the request-reconnect and disconnect-publisher action signals.
 *
 * Waits are on sockets, bus messages and appsink pulls, each bounded; only
 * the timeout tests measure time.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_peer.h"

#include "ertmp_amf0.h"
#include "ertmp_bytes.h"
#include "ertmp_caps.h"
#include "ertmp_limits.h"
#include "ertmp_session.h"

/* bounds that only catch hangs (ertmp_peer.h), ms */
#define WAIT_MS ((gint) (ERTMP_TEST_HANG_BOUND / GST_MSECOND))
#define STOP_MS ((gint) (ERTMP_TEST_STOP_BOUND / GST_MSECOND))
#define FLV_HEADER_SIZE 13
#define TAG_HEADER_SIZE 11
/* first timestamp of the wrap test: 4096 ms before 2^32 */
#define WRAP_TS G_GINT64_CONSTANT (0xFFFFF000)
#define WRAP_TAGS 200
#define WRAP_STEP 25            /* ms between tags */
/* RSS growth allowed while a hostile peer is served, bytes */
#define RSS_SLACK (32u * 1024u * 1024u)

/* ---- the element --------------------------------------------------------- */

typedef struct
{
  GstElement *pipeline, *src, *sink;
  GstBus *bus;
  guint16 port;
} Fixture;


/* big-endian, byte by byte: GST_READ_UINT32_BE's fast path reads
 * unaligned words, which UBSan reports */
static guint32
read_u32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | (p[2] << 8) | p[3];
}

static void
fixture_start (Fixture * f, const gchar * props)
{
  GError *err = NULL;
  gchar *desc = g_strdup_printf ("rtmpingestsrc name=src host=127.0.0.1 "
      "port=0 %s ! appsink name=sink sync=false", props);
  GstStateChangeReturn ret;
  gint port = 0;

  memset (f, 0, sizeof (*f));
  f->pipeline = gst_parse_launch (desc, &err);
  fail_unless (f->pipeline != NULL, "%s: %s", desc, err ? err->message : "");
  g_free (desc);
  f->src = gst_bin_get_by_name (GST_BIN (f->pipeline), "src");
  f->sink = gst_bin_get_by_name (GST_BIN (f->pipeline), "sink");
  f->bus = gst_element_get_bus (f->pipeline);
  ret = gst_element_set_state (f->pipeline, GST_STATE_PLAYING);
  fail_if (ret == GST_STATE_CHANGE_FAILURE);
  /* live: the sink prerolls on the first tag, the source is PLAYING */
  ret = gst_element_get_state (f->src, NULL, NULL, WAIT_MS * GST_MSECOND);
  fail_unless (ret == GST_STATE_CHANGE_SUCCESS ||
      ret == GST_STATE_CHANGE_NO_PREROLL, "source not started: %d", ret);
  g_object_get (f->src, "bound-port", &port, NULL);
  fail_unless (port > 0 && port < 65536, "bound-port %d", port);
  f->port = port;
  /* without a stream key the start warns: not a fault of any peer */
  if (strstr (props, "stream-key") == NULL) {
    GstMessage *m = gst_bus_pop_filtered (f->bus, GST_MESSAGE_WARNING);

    fail_unless (m != NULL, "no warning without a stream key");
    gst_message_unref (m);
  }
}

typedef struct
{
  GstElement *pipeline;
  GMutex lock;
  GCond cond;
  gboolean done;
  GstStateChangeReturn ret;
} NullJob;

static gpointer
null_thread (gpointer data)
{
  NullJob *job = data;
  GstStateChangeReturn ret = gst_element_set_state (job->pipeline,
      GST_STATE_NULL);

  g_mutex_lock (&job->lock);
  job->ret = ret;
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
  return NULL;
}

/* To NULL, which must not hang whatever the peers do. */
static void
fixture_stop (Fixture * f)
{
  NullJob *job = g_new0 (NullJob, 1);
  gint64 deadline = g_get_monotonic_time () + STOP_MS * 1000;
  GThread *thread;
  gboolean done;

  job->pipeline = f->pipeline;
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  thread = g_thread_new ("to-null", null_thread, job);
  g_mutex_lock (&job->lock);
  while (!job->done)
    if (!g_cond_wait_until (&job->cond, &job->lock, deadline))
      break;
  done = job->done;
  g_mutex_unlock (&job->lock);
  /* on failure the thread and the pipeline are leaked: the test aborts */
  fail_unless (done, "set_state (NULL) did not return within %d ms",
      STOP_MS);
  fail_unless (job->ret == GST_STATE_CHANGE_SUCCESS);
  g_thread_join (thread);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_free (job);
  gst_object_unref (f->bus);
  gst_object_unref (f->src);
  gst_object_unref (f->sink);
  gst_object_unref (f->pipeline);
}

/* The source is PLAYING and the pipeline still heading there. */
static void
assert_playing (Fixture * f)
{
  GstState cur = GST_STATE_VOID_PENDING;

  gst_element_get_state (f->src, &cur, NULL, 0);
  fail_unless (cur == GST_STATE_PLAYING, "source is %s",
      gst_element_state_get_name (cur));
  fail_unless (GST_STATE_TARGET (f->pipeline) == GST_STATE_PLAYING);
}

/* Forgets what is on the bus (an ERROR still fails the test). */
static void
bus_drain (Fixture * f)
{
  GstMessage *m;

  while ((m = gst_bus_pop (f->bus)) != NULL) {
    fail_if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR,
        "unexpected error: %" GST_PTR_FORMAT, m);
    gst_message_unref (m);
  }
}

/* A readable line for a WARNING or an element message; NULL for others. */
static gchar *
message_text (GstMessage * m)
{
  const GstStructure *st = gst_message_get_structure (m);
  GError *err = NULL;
  gchar *debug = NULL, *text;

  switch (GST_MESSAGE_TYPE (m)) {
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (m, &err, &debug);
      text = g_strdup_printf ("WARNING %s (%s)", err->message,
          GST_STR_NULL (debug));
      g_clear_error (&err);
      g_free (debug);
      return text;
    case GST_MESSAGE_ELEMENT:
      /* the detail unescaped, so that a keyword can match it */
      if (st == NULL)
        return NULL;
      text = gst_structure_to_string (st);
      if (gst_structure_has_field (st, "detail")) {
        gchar *both = g_strdup_printf ("%s: %s", text,
            gst_structure_get_string (st, "detail"));
        g_free (text);
        text = both;
      }
      return text;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (m, &err, &debug);
      fail ("unexpected error: %s (%s)", err->message, GST_STR_NULL (debug));
      return NULL;
    default:
      return NULL;
  }
}

/* Whether @m reports a dropped peer: a WARNING, "rtmp-ingest-refused" or
 * "rtmp-ingest-publish-end" with reason protocol-error or timeout. */
static gboolean
is_fault (GstMessage * m)
{
  const GstStructure *st = gst_message_get_structure (m);
  const gchar *reason;

  if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING)
    return TRUE;
  if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_ELEMENT || st == NULL ||
      !(gst_structure_has_name (st, "rtmp-ingest-refused") ||
          gst_structure_has_name (st, "rtmp-ingest-publish-end")))
    return FALSE;
  reason = gst_structure_get_string (st, "reason");
  return g_strcmp0 (reason, "protocol-error") == 0 ||
      g_strcmp0 (reason, "pending-limit") == 0 ||
      g_strcmp0 (reason, "timeout") == 0 ||
      g_strcmp0 (reason, "idle-timeout") == 0;
}

/* Waits for a fault message whose text contains @keyword (any case; NULL:
 * any fault).  Fails listing what was seen. */
static void
expect_fault (Fixture * f, const gchar * keyword)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  GString *seen = g_string_new (NULL);
  gchar *key = keyword ? g_ascii_strdown (keyword, -1) : NULL;
  gboolean found = FALSE;

  while (!found) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstMessage *m;
    gchar *text, *lower;

    if (left <= 0)
      break;
    m = gst_bus_timed_pop_filtered (f->bus, left * GST_USECOND,
        GST_MESSAGE_WARNING | GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    if (m == NULL)
      break;
    text = message_text (m);
    if (text != NULL) {
      g_string_append_printf (seen, "\n  %s", text);
      lower = g_ascii_strdown (text, -1);
      found = is_fault (m) && (key == NULL || strstr (lower, key) != NULL);
      g_free (lower);
      g_free (text);
    }
    gst_message_unref (m);
  }
  fail_unless (found, "no fault message naming \"%s\"; seen:%s",
      GST_STR_NULL (keyword), seen->str);
  GST_INFO ("fault reported:%s", seen->str);
  g_string_free (seen, TRUE);
  g_free (key);
}

/* Waits for the element message @name; returns its structure (a copy). */
static GstStructure *
expect_element_message (Fixture * f, const gchar * name)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  GstStructure *found = NULL;

  while (found == NULL) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstMessage *m;
    const GstStructure *st;

    if (left <= 0)
      break;
    m = gst_bus_timed_pop_filtered (f->bus, left * GST_USECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    if (m == NULL)
      break;
    g_free (message_text (m));  /* fails on ERROR */
    st = gst_message_get_structure (m);
    if (st != NULL && gst_structure_has_name (st, name))
      found = gst_structure_copy (st);
    gst_message_unref (m);
  }
  fail_unless (found != NULL, "no %s message", name);
  return found;
}

static GstBuffer *
pull (Fixture * f, GstCaps ** caps)
{
  GstSample *sample = NULL;
  GstBuffer *buf;

  g_signal_emit_by_name (f->sink, "try-pull-sample", WAIT_MS * GST_MSECOND,
      &sample);
  if (sample == NULL)
    return NULL;
  buf = gst_buffer_ref (gst_sample_get_buffer (sample));
  if (caps != NULL)
    gst_caps_replace (caps, gst_sample_get_caps (sample));
  gst_sample_unref (sample);
  return buf;
}

static gsize
rss_bytes (void)
{
  gchar *contents = NULL;
  gchar **fields;
  gsize rss;

  fail_unless (g_file_get_contents ("/proc/self/statm", &contents, NULL,
          NULL));
  fields = g_strsplit (contents, " ", -1);
  rss = g_ascii_strtoull (fields[1], NULL, 10) * sysconf (_SC_PAGESIZE);
  g_strfreev (fields);
  g_free (contents);
  return rss;
}

/* ---- a peer: one TCP connection, optionally with a client session -------- */

typedef struct
{
  gint fd;
  ertmp_session *s;             /* NULL for raw peers */
  gboolean publishing, eof, error;
  gchar *reconnect_url, *reconnect_desc;
} Peer;

typedef gboolean (*PeerDone) (Peer * p);

static void
peer_open (Peer * p, guint16 port)
{
  struct timeval send_timeout = { WAIT_MS / 1000, 0 };
  struct sockaddr_in addr;
  gint one = 1;

  memset (p, 0, sizeof (*p));
  p->fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  fail_unless (p->fd >= 0);
  memset (&addr, 0, sizeof (addr));
  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fail_unless (connect (p->fd, (struct sockaddr *) &addr, sizeof (addr)) ==
      0, "connect: %s", g_strerror (errno));
  setsockopt (p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof (one));
  /* a blocking raw send gives up when the element stops reading */
  setsockopt (p->fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout,
      sizeof (send_timeout));
}

static void
peer_free (Peer * p)
{
  if (p->fd >= 0)
    close (p->fd);
  p->fd = -1;
  if (p->s)
    ertmp_session_free (p->s);
  p->s = NULL;
  g_clear_pointer (&p->reconnect_url, g_free);
  g_clear_pointer (&p->reconnect_desc, g_free);
}

static void
peer_event (Peer * p, const ertmp_session_event * ev)
{
  switch (ev->type) {
    case ERTMP_SESSION_EVENT_PUBLISH_STARTED:
      p->publishing = TRUE;
      break;
    case ERTMP_SESSION_EVENT_RECONNECT_REQUEST:
      g_free (p->reconnect_url);
      g_free (p->reconnect_desc);
      p->reconnect_url = g_strdup (ev->reconnect.tc_url);
      p->reconnect_desc = g_strdup (ev->reconnect.description);
      break;
    case ERTMP_SESSION_EVENT_ERROR:
      GST_WARNING ("client error: %s %s", ev->status.code,
          ev->status.description);
      p->error = TRUE;
      break;
    default:
      break;
  }
}

/* Feeds received bytes to the session and handles every event. */
static void
peer_feed (Peer * p, const guint8 * data, gsize len)
{
  ertmp_session_event ev;
  gsize consumed;

  while (p->s != NULL && !p->error) {
    ertmp_result res = ertmp_session_receive (p->s, data, len, &consumed);
    gboolean events = FALSE;

    if (res != ERTMP_OK) {
      const gchar *msg = NULL;

      ertmp_session_get_error (p->s, NULL, &msg);
      GST_WARNING ("client session: %s (%s)", ertmp_result_name (res), msg);
      p->error = TRUE;
      return;
    }
    data += consumed;
    len -= consumed;
    while (ertmp_session_next_event (p->s, &ev) == ERTMP_OK) {
      peer_event (p, &ev);
      events = TRUE;
    }
    if (len == 0 || (consumed == 0 && !events))
      return;
  }
}

/* The one pump: sends the session's pending output and feeds what arrives
 * until @done (NULL: until the output is written) or EOF or @timeout_ms.
 * Returns whether @done became true. */
static gboolean
peer_pump (Peer * p, PeerDone done, gint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint8 buf[65536];

  for (;;) {
    struct pollfd pfd = { p->fd, POLLIN, 0 };
    const guint8 *out = NULL;
    gsize out_len = 0;
    gint64 left;
    gssize n;

    if (p->s)
      out = ertmp_session_pending_output (p->s, &out_len);
    if (done ? done (p) : out_len == 0)
      return TRUE;
    if (p->eof || p->error)
      return FALSE;
    left = deadline - g_get_monotonic_time ();
    if (left <= 0)
      return FALSE;
    if (out_len > 0)
      pfd.events |= POLLOUT;
    if (poll (&pfd, 1, (left + 999) / 1000) <= 0)
      continue;
    if (pfd.revents & POLLOUT) {
      n = send (p->fd, out, out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0)
        ertmp_session_output_written (p->s, n);
      else if (n < 0 && errno != EAGAIN && errno != EINTR)
        p->eof = TRUE;
    }
    if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
      n = recv (p->fd, buf, sizeof (buf), MSG_DONTWAIT);
      if (n > 0)
        peer_feed (p, buf, n);
      else if (n == 0 || (errno != EAGAIN && errno != EINTR))
        p->eof = TRUE;
    }
  }
}

static gboolean
done_eof (Peer * p)
{
  return p->eof;
}

static gboolean
done_publishing (Peer * p)
{
  return p->publishing;
}

static gboolean
done_reconnect (Peer * p)
{
  return p->reconnect_url != NULL;
}

static gboolean
done_handshake (Peer * p)
{
  gsize len = 0;

  ertmp_session_pending_output (p->s, &len);
  return len == 0 && ertmp_session_get_state (p->s) !=
      ERTMP_SESSION_STATE_HANDSHAKE;
}

static void
peer_new_session (Peer * p, guint32 caps_ex)
{
  ertmp_session_config cfg;
  ertmp_caps caps;

  ertmp_caps_init (&caps);
  ertmp_session_config_init (&cfg, ERTMP_SESSION_CLIENT);
  cfg.handshake_seed = 7;
  if (caps_ex != 0) {
    ertmp_caps_add_fourcc (&caps, ertmp_fourcc_from_string ("hvc1", 4));
    ertmp_caps_add_fourcc (&caps, ertmp_fourcc_from_string ("Opus", 4));
    caps.has_caps_ex = TRUE;
    caps.caps_ex = caps_ex;
    cfg.caps = &caps;
  }
  p->s = ertmp_session_new (&cfg);
  ertmp_caps_clear (&caps);
}

/* A raw peer that has completed a valid handshake (the core client's) and
 * has sent nothing else. */
static void
peer_handshake (Peer * p, guint16 port)
{
  peer_open (p, port);
  peer_new_session (p, 0);
  fail_unless (peer_pump (p, done_handshake, WAIT_MS), "handshake");
}

/* Connects to live on @port and publishes @key. */
static void
peer_publish (Peer * p, guint16 port, const gchar * key, guint32 caps_ex)
{
  ertmp_session_connect_params params = { 0 };
  gchar *tc_url = g_strdup_printf ("rtmp://127.0.0.1:%u/live", port);

  peer_open (p, port);
  peer_new_session (p, caps_ex);
  params.tc_url = tc_url;
  params.app = "live";
  fail_unless (ertmp_session_connect (p->s, &params) == ERTMP_OK);
  fail_unless (ertmp_session_publish (p->s, key, NULL) == ERTMP_OK);
  fail_unless (peer_pump (p, done_publishing, WAIT_MS),
      "publish of %s not started (eof %d, error %d)", key, p->eof, p->error);
  g_free (tc_url);
}

/* Queues one message (media, or data for ERTMP_MSG_DATA_AMF0) and writes
 * everything out. */
static void
peer_send (Peer * p, guint8 type_id, gint64 ts, const guint8 * data,
    gsize len)
{
  ertmp_result res;

  if (type_id == ERTMP_MSG_DATA_AMF0)
    res = ertmp_session_send_data (p->s, type_id, ts, data, len);
  else
    res = ertmp_session_send_media (p->s, type_id, ts, data, len);
  fail_unless (res == ERTMP_OK, "send: %s", ertmp_result_name (res));
  fail_unless (peer_pump (p, NULL, WAIT_MS), "output not written");
}

/* Teardown, then waits for the element to close the connection. */
static void
peer_close (Peer * p)
{
  fail_unless (ertmp_session_close (p->s) == ERTMP_OK);
  fail_unless (peer_pump (p, NULL, WAIT_MS));
  shutdown (p->fd, SHUT_WR);
  fail_unless (peer_pump (p, done_eof, WAIT_MS), "connection not closed");
}

/* Blocking raw send; FALSE once the element has closed the connection. */
static gboolean
raw_send (Peer * p, const guint8 * data, gsize len)
{
  while (len > 0) {
    gssize n = send (p->fd, data, len, MSG_NOSIGNAL);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}

/* Whether the element still holds the connection (reads and drops what it
 * sent, without waiting). */
static gboolean
peer_connected (Peer * p)
{
  guint8 buf[4096];

  for (;;) {
    gssize n = recv (p->fd, buf, sizeof (buf), MSG_DONTWAIT);

    if (n > 0)
      continue;
    return n < 0 && (errno == EAGAIN || errno == EINTR);
  }
}

/* Waits for the element to drop @p; returns the seconds it took. */
static gdouble
peer_wait_dropped (Peer * p, gint timeout_ms)
{
  gint64 start = g_get_monotonic_time ();
  guint8 buf[4096];

  for (;;) {
    struct pollfd pfd = { p->fd, POLLIN, 0 };
    gint64 left = start + (gint64) timeout_ms * 1000 - g_get_monotonic_time ();
    gssize n;

    fail_unless (left > 0, "peer not dropped within %d ms", timeout_ms);
    if (poll (&pfd, 1, (left + 999) / 1000) <= 0)
      continue;
    n = recv (p->fd, buf, sizeof (buf), 0);
    if (n == 0 || (n < 0 && errno != EINTR))
      break;
  }
  p->eof = TRUE;
  return (g_get_monotonic_time () - start) / 1e6;
}

/* ---- tags ---------------------------------------------------------------- */

typedef struct
{
  guint8 type_id;
  gint64 ts;                    /* ms, unwrapped */
  GBytes *body;                 /* FLV tag body */
} Tag;

static void
tag_clear (Tag * t)
{
  g_bytes_unref (t->body);
}

static GArray *
tags_new (void)
{
  GArray *tags = g_array_new (FALSE, TRUE, sizeof (Tag));

  g_array_set_clear_func (tags, (GDestroyNotify) tag_clear);
  return tags;
}

static void
tags_add (GArray * tags, guint8 type_id, gint64 ts, GByteArray * body)
{
  Tag t = { type_id, ts, g_byte_array_free_to_bytes (body) };

  g_array_append_val (tags, t);
}

/* onMetaData as an FLV script tag body */
static GByteArray *
make_metadata (void)
{
  GByteArray *b = g_byte_array_new ();
  ertmp_amf_value *meta = ertmp_amf_new (ERTMP_AMF_ECMA_ARRAY);

  ertmp_amf_add_number (meta, "width", 320);
  ertmp_amf_add_number (meta, "height", 240);
  ertmp_amf_add_number (meta, "videocodecid",
      ertmp_fourcc_from_string ("hvc1", 4));
  ertmp_amf_add_number (meta, "audiocodecid",
      ertmp_fourcc_from_string ("Opus", 4));
  ertmp_amf0_put_string (b, "onMetaData");
  fail_unless (ertmp_amf0_encode (b, meta) == ERTMP_OK);
  ertmp_amf_value_unref (meta);
  return b;
}

/* Enhanced HEVC SequenceStart: keyframe, 'hvc1', an hvcC without arrays */
static GByteArray *
make_hevc_sequence_start (void)
{
  static const guint8 hvcc[] = {
    0x01,                       /* configurationVersion */
    0x01,                       /* profile space, tier, profile idc: Main */
    0x60, 0x00, 0x00, 0x00,     /* profile compatibility flags */
    0x90, 0x00, 0x00, 0x00, 0x00, 0x00, /* constraint indicator flags */
    0x5d,                       /* level idc 3.1 */
    0xf0, 0x00,                 /* min spatial segmentation */
    0xfc,                       /* parallelism type */
    0xfd,                       /* chroma format 4:2:0 */
    0xf8, 0xf8,                 /* bit depth luma, chroma - 8 */
    0x00, 0x00,                 /* avgFrameRate */
    0x0f,                       /* lengthSizeMinusOne 3 */
    0x00,                       /* numOfArrays */
  };
  GByteArray *b = g_byte_array_new ();

  ertmp_put_u8 (b, 0x90);       /* ExHeader, keyframe, SequenceStart */
  ertmp_put_bytes (b, "hvc1", 4);
  ertmp_put_bytes (b, hvcc, sizeof (hvcc));
  return b;
}

/* Tag @i of a stream: even = HEVC CodedFrames, odd = Opus CodedFrames;
 * @seed makes the bytes of different publishers differ. */
static GByteArray *
make_media (guint i, guint seed, guint8 * type_id)
{
  GByteArray *b = g_byte_array_new ();
  guint j, size;

  if (i % 2 == 0) {
    *type_id = ERTMP_MSG_VIDEO;
    ertmp_put_u8 (b, i % 60 == 0 ? 0x91 : 0xa1);
    ertmp_put_bytes (b, "hvc1", 4);
    ertmp_put_s24be (b, 0);     /* composition time */
    size = 200 + (i * 37) % 3000;
  } else {
    *type_id = ERTMP_MSG_AUDIO;
    ertmp_put_u8 (b, 0x91);     /* SoundFormat 9 (ExHeader), CodedFrames */
    ertmp_put_bytes (b, "Opus", 4);
    size = 80 + i % 40;
  }
  ertmp_put_u32be (b, seed);
  for (j = 0; j < size; j++)
    ertmp_put_u8 (b, (guint8) (i * 7 + j + seed));
  return b;
}

static void
check_flv_header (GstBuffer * buf)
{
  GstMapInfo map;

  fail_unless (buf != NULL, "no FLV header");
  fail_unless (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_HEADER));
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  fail_unless_equals_int (map.size, FLV_HEADER_SIZE);
  fail_unless (memcmp (map.data, "FLV\x01", 4) == 0);
  fail_unless (read_u32 (map.data + 5) == 9);
  fail_unless (read_u32 (map.data + 9) == 0);
  gst_buffer_unmap (buf, &map);
}

/* Whether @buf is exactly the FLV tag for @t. */
static gboolean
tag_equal (GstBuffer * buf, const Tag * t, gchar ** why)
{
  gsize len, size = gst_buffer_get_size (buf);
  const guint8 *body = g_bytes_get_data (t->body, &len);
  guint32 ts = (guint32) t->ts;
  guint8 hdr[TAG_HEADER_SIZE] = {
    t->type_id, len >> 16, len >> 8, len, ts >> 16, ts >> 8, ts, ts >> 24,
    0, 0, 0
  };
  GstMapInfo map;
  gboolean ok;

  if (size != TAG_HEADER_SIZE + len + 4) {
    *why = g_strdup_printf ("size %" G_GSIZE_FORMAT ", expected %"
        G_GSIZE_FORMAT, size, TAG_HEADER_SIZE + len + 4);
    return FALSE;
  }
  gst_buffer_map (buf, &map, GST_MAP_READ);
  ok = memcmp (map.data, hdr, TAG_HEADER_SIZE) == 0 &&
      memcmp (map.data + TAG_HEADER_SIZE, body, len) == 0 &&
      read_u32 (map.data + TAG_HEADER_SIZE + len) ==
      TAG_HEADER_SIZE + len;
  if (!ok)
    *why = g_strdup_printf ("type %u/%u ts %u/%u (ext %u/%u) differ or body "
        "differs", map.data[0], t->type_id, GST_READ_UINT24_BE (map.data + 4),
        ts & 0xFFFFFF, map.data[7], ts >> 24);
  gst_buffer_unmap (buf, &map);
  return ok;
}

/* Pulls until the first tag of @tags, then expects all of them in order. */
static void
expect_tags (Fixture * f, GArray * tags)
{
  GstBuffer *buf;
  gchar *why = NULL;
  guint i, skipped = 0;

  for (;;) {
    buf = pull (f, NULL);
    fail_unless (buf != NULL, "first tag not received (%u buffers skipped)",
        skipped);
    if (gst_buffer_get_size (buf) > FLV_HEADER_SIZE &&
        tag_equal (buf, &g_array_index (tags, Tag, 0), &why))
      break;
    g_clear_pointer (&why, g_free);
    gst_buffer_unref (buf);
    skipped++;
  }
  gst_buffer_unref (buf);
  for (i = 1; i < tags->len; i++) {
    buf = pull (f, NULL);
    fail_unless (buf != NULL, "tag %u of %u not received", i, tags->len);
    fail_unless (tag_equal (buf, &g_array_index (tags, Tag, i), &why),
        "tag %u: %s", i, why);
    gst_buffer_unref (buf);
  }
}

/* A well-behaved publisher: publishes a few tags, tears down; the tags must
 * come out of the element. */
static void
good_publisher (Fixture * f, guint seed)
{
  GArray *tags = tags_new ();
  Peer p;
  guint i;

  assert_playing (f);
  peer_publish (&p, f->port, "good", 0);
  for (i = 0; i < 10; i++) {
    guint8 type_id;
    GByteArray *b = make_media (i, seed, &type_id);

    peer_send (&p, type_id, i * 20, b->data, b->len);
    tags_add (tags, type_id, i * 20, b);
  }
  peer_close (&p);
  peer_free (&p);
  expect_tags (f, tags);
  g_array_unref (tags);
  assert_playing (f);
}

/* ---- 1: a publisher across the timestamp wrap ---------------------------- */

static gboolean
on_publish_request (GstElement * src, const gchar * app, const gchar * key,
    const gchar * peer, const gchar * tc_url, GstStructure * caps,
    gpointer user_data)
{
  gchar **seen = user_data;

  g_free (*seen);
  *seen = g_strdup (key);
  return TRUE;
}

static void
check_streamheader (GstCaps * caps, GArray * tags, GstBuffer * header)
{
  const GValue *sh;
  gchar *why = NULL;
  guint i;

  fail_unless (caps != NULL);
  sh = gst_structure_get_value (gst_caps_get_structure (caps, 0),
      "streamheader");
  fail_unless (sh != NULL && GST_VALUE_HOLDS_ARRAY (sh), "caps %"
      GST_PTR_FORMAT, caps);
  fail_unless_equals_int (gst_value_array_get_size (sh), 3);
  fail_unless (gst_buffer_memcmp (gst_value_get_buffer
          (gst_value_array_get_value (sh, 0)), 0, "FLV\x01", 4) == 0);
  fail_unless_equals_int (gst_buffer_get_size (gst_value_get_buffer
          (gst_value_array_get_value (sh, 0))), FLV_HEADER_SIZE);
  fail_unless (gst_buffer_get_size (header) == FLV_HEADER_SIZE);
  for (i = 1; i < 3; i++)
    fail_unless (tag_equal (gst_value_get_buffer (gst_value_array_get_value
                (sh, i)), &g_array_index (tags, Tag, i - 1), &why),
        "streamheader %u: %s", i, why);
}

GST_START_TEST (test_publish_wrap)
{
  GArray *tags = tags_new ();
  GstBuffer *header, *buf;
  GstCaps *caps = NULL;
  GstClockTime dts0 = GST_CLOCK_TIME_NONE;
  gchar *key = NULL, *why = NULL;
  GstMessage *eos;
  Fixture f;
  Peer p;
  guint i;

  fixture_start (&f, "keep-listening=false application=live stream-key=key");
  g_signal_connect (f.src, "publish-request",
      G_CALLBACK (on_publish_request), &key);
  peer_publish (&p, f.port, "key?token=1", 0);
  fail_unless_equals_string (key, "key?token=1");

  tags_add (tags, ERTMP_MSG_DATA_AMF0, WRAP_TS, make_metadata ());
  tags_add (tags, ERTMP_MSG_VIDEO, WRAP_TS, make_hevc_sequence_start ());
  for (i = 0; i < WRAP_TAGS; i++) {
    guint8 type_id;
    GByteArray *b = make_media (i, 1, &type_id);

    tags_add (tags, type_id, WRAP_TS + i * WRAP_STEP, b);
  }
  fail_unless (g_array_index (tags, Tag, tags->len - 1).ts > G_MAXUINT32);
  for (i = 0; i < tags->len; i++) {
    const Tag *t = &g_array_index (tags, Tag, i);
    gsize len;
    const guint8 *data = g_bytes_get_data (t->body, &len);

    peer_send (&p, t->type_id, t->ts, data, len);
  }
  peer_close (&p);
  peer_free (&p);

  header = pull (&f, NULL);
  check_flv_header (header);
  for (i = 0; i < tags->len; i++) {
    const Tag *t = &g_array_index (tags, Tag, i);

    buf = pull (&f, &caps);
    fail_unless (buf != NULL, "tag %u of %u not received", i, tags->len);
    fail_unless (tag_equal (buf, t, &why), "tag %u: %s", i, why);
    fail_unless (GST_BUFFER_DTS_IS_VALID (buf), "tag %u without DTS", i);
    if (i == 0)
      dts0 = GST_BUFFER_DTS (buf);
    fail_unless_equals_uint64 (GST_BUFFER_DTS (buf) - dts0,
        (t->ts - WRAP_TS) * GST_MSECOND);
    gst_buffer_unref (buf);
  }
  check_streamheader (caps, tags, header);
  /* then EOS */
  fail_unless (pull (&f, NULL) == NULL);
  eos = gst_bus_timed_pop_filtered (f.bus, WAIT_MS * GST_MSECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (eos != NULL && GST_MESSAGE_TYPE (eos) == GST_MESSAGE_EOS,
      "%" GST_PTR_FORMAT, eos);
  gst_message_unref (eos);

  gst_buffer_unref (header);
  gst_caps_unref (caps);
  g_free (key);
  g_array_unref (tags);
  fixture_stop (&f);
}

GST_END_TEST;

/* ---- 2: hostile peers, each followed by a good publisher ----------------- */

/* fmt 0 chunk header (rtmp.md 3.2-3.3): basic header for any csid, then
 * timestamp 0, @length, @type_id, message stream @msid */
static void
put_fmt0 (GByteArray * b, guint32 csid, guint32 length, guint8 type_id,
    guint8 msid)
{
  if (csid < 64) {
    ertmp_put_u8 (b, csid);
  } else {
    ertmp_put_u8 (b, 1);        /* fmt 0, 3-byte basic header */
    ertmp_put_u8 (b, (csid - 64) & 0xFF);
    ertmp_put_u8 (b, (csid - 64) >> 8);
  }
  ertmp_put_u24be (b, 0);       /* timestamp */
  ertmp_put_u24be (b, length);  /* message length */
  ertmp_put_u8 (b, type_id);
  ertmp_put_u8 (b, msid);       /* message stream id, little endian */
  ertmp_put_u8 (b, 0);
  ertmp_put_u16be (b, 0);
}

GST_START_TEST (test_garbage)
{
  guint8 junk[4096];
  Fixture f;
  Peer p;
  guint i;

  fixture_start (&f, "keep-listening=true");
  peer_handshake (&p, f.port);
  /* fmt 1 on a chunk stream never opened: nothing to inherit from */
  for (i = 0; i < sizeof (junk); i++)
    junk[i] = (guint8) (0x7F + i * 131);
  raw_send (&p, junk, sizeof (junk));
  peer_wait_dropped (&p, WAIT_MS);
  peer_free (&p);
  expect_fault (&f, NULL);
  good_publisher (&f, 2);
  fixture_stop (&f);
}

GST_END_TEST;

/* The 24-bit message length field cannot declare 100 MB: every chunk
 * stream declares the largest message it can (16 MiB - 1) and the bodies
 * grow round-robin until the reassembly limit (64 MiB) ends it. */
GST_START_TEST (test_huge_messages)
{
  const guint n_streams = 8, chunk = 65536;
  GByteArray *b = g_byte_array_new ();
  guint8 *body = g_malloc0 (chunk);
  gsize rss0, rss1, sent = 0;
  Fixture f;
  Peer p;
  guint i;

  fixture_start (&f, "keep-listening=true");
  rss0 = rss_bytes ();
  peer_handshake (&p, f.port);
  /* Set Chunk Size 64 KiB on csid 2 */
  put_fmt0 (b, 2, 4, ERTMP_MSG_SET_CHUNK_SIZE, 0);
  ertmp_put_u32be (b, chunk);
  raw_send (&p, b->data, b->len);
  for (i = 0; sent < 100u * 1024 * 1024; i++) {
    guint csid = 3 + i % n_streams;

    g_byte_array_set_size (b, 0);
    if (i < n_streams)
      put_fmt0 (b, csid, ERTMP_LIMIT_MESSAGE_SIZE_MAX, ERTMP_MSG_VIDEO,
          1);
    else
      ertmp_put_u8 (b, 0xC0 | csid);    /* fmt 3 continuation */
    if (!raw_send (&p, b->data, b->len) || !raw_send (&p, body, chunk))
      break;
    sent += chunk;
  }
  GST_INFO ("sent %" G_GSIZE_FORMAT " body bytes", sent);
  peer_wait_dropped (&p, WAIT_MS);
  rss1 = rss_bytes ();
  peer_free (&p);
  /* before its publish is accepted a peer may declare only a few KiB */
  expect_fault (&f, ertmp_limit_name (ERTMP_LIMIT_MAX_MESSAGE_SIZE));
  fail_unless (rss1 < rss0 + RSS_SLACK, "RSS grew by %" G_GSIZE_FORMAT
      " bytes", rss1 - rss0);
  GST_INFO ("RSS grew by %" G_GSSIZE_FORMAT " bytes", (gssize) (rss1 - rss0));
  good_publisher (&f, 3);
  g_free (body);
  g_byte_array_unref (b);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_many_chunk_streams)
{
  const guint n_streams = 60000, part = 128;
  GByteArray *b = g_byte_array_new ();
  gsize rss0, rss1, off;
  Fixture f;
  Peer p;
  guint i;

  /* each csid opens a 256-byte video message and sends its first chunk */
  for (i = 0; i < n_streams; i++) {
    put_fmt0 (b, 64 + i, 2 * part, ERTMP_MSG_VIDEO, 1);
    g_byte_array_set_size (b, b->len + part);
  }
  fixture_start (&f, "keep-listening=true");
  rss0 = rss_bytes ();
  peer_handshake (&p, f.port);
  for (off = 0; off < b->len; off += 65536)
    if (!raw_send (&p, b->data + off, MIN (65536, b->len - off)))
      break;
  GST_INFO ("sent %" G_GSIZE_FORMAT " of %u bytes", off, b->len);
  peer_wait_dropped (&p, WAIT_MS);
  rss1 = rss_bytes ();
  peer_free (&p);
  expect_fault (&f, ertmp_limit_name (ERTMP_LIMIT_MAX_CHUNK_STREAMS));
  fail_unless (rss1 < rss0 + 2 * RSS_SLACK, "RSS grew by %" G_GSIZE_FORMAT
      " bytes", rss1 - rss0);
  good_publisher (&f, 4);
  g_byte_array_unref (b);
  fixture_stop (&f);
}

GST_END_TEST;

/* Sends C0 and C1 one byte per 200 ms; handshake-timeout=1 must drop the
 * peer after about a second. */
GST_START_TEST (test_slow_drip)
{
  gint64 start;
  gdouble secs;
  Fixture f;
  Peer p;
  guint8 byte = 3;              /* C0: version 3, then C1 zeros */

  fixture_start (&f, "keep-listening=true handshake-timeout=1");
  peer_open (&p, f.port);
  start = g_get_monotonic_time ();
  while (peer_connected (&p)) {
    struct pollfd pfd = { p.fd, POLLIN, 0 };

    if (!raw_send (&p, &byte, 1))
      break;
    byte = 0;
    /* the drip interval; ends early when the element sends or hangs up */
    poll (&pfd, 1, 200);
    fail_unless (g_get_monotonic_time () - start < WAIT_MS * 1000,
        "slow peer not dropped");
  }
  peer_wait_dropped (&p, WAIT_MS);
  secs = (g_get_monotonic_time () - start) / 1e6;
  /* dropped by the timeout (expect_fault says so), not before it */
  fail_unless (secs > 0.8, "dropped after %.2f s", secs);
  peer_free (&p);
  expect_fault (&f, "time");
  good_publisher (&f, 5);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_silent_peer)
{
  gdouble secs;
  Fixture f;
  Peer p;

  fixture_start (&f, "keep-listening=true handshake-timeout=1");
  peer_open (&p, f.port);
  secs = peer_wait_dropped (&p, WAIT_MS);
  /* dropped by the timeout (expect_fault says so), not before it */
  fail_unless (secs > 0.8, "dropped after %.2f s", secs);
  peer_free (&p);
  expect_fault (&f, "time");
  good_publisher (&f, 6);
  fixture_stop (&f);
}

GST_END_TEST;

/* Publishes one tag, then says nothing more. */
static void
silent_publisher (Fixture * f, Peer * p)
{
  guint8 type_id;
  GByteArray *b = make_media (0, 7, &type_id);

  peer_publish (p, f->port, "silent", 0);
  peer_send (p, type_id, 0, b->data, b->len);
  g_byte_array_unref (b);
}

GST_START_TEST (test_idle_timeout)
{
  gdouble secs;
  GstStructure *end;
  Fixture f;
  Peer p;

  fixture_start (&f, "keep-listening=true idle-timeout=1");
  silent_publisher (&f, &p);
  secs = peer_wait_dropped (&p, WAIT_MS);
  /* dropped by the timeout (expect_fault says so), not before it */
  fail_unless (secs > 0.8, "dropped after %.2f s", secs);
  peer_free (&p);
  end = expect_element_message (&f, "rtmp-ingest-publish-end");
  fail_unless_equals_string (gst_structure_get_string (end, "reason"),
      "idle-timeout");
  gst_structure_free (end);
  good_publisher (&f, 8);
  fixture_stop (&f);
}

GST_END_TEST;

/* idle-timeout=0: a silent publisher stays connected (watched for 3 s). */
GST_START_TEST (test_no_idle_timeout)
{
  gint64 deadline;
  Fixture f;
  Peer p;

  fixture_start (&f, "keep-listening=true idle-timeout=0");
  silent_publisher (&f, &p);
  bus_drain (&f);
  deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  for (;;) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstMessage *m;
    gchar *text;

    if (left <= 0)
      break;
    m = gst_bus_timed_pop_filtered (f.bus, left * GST_USECOND,
        GST_MESSAGE_WARNING | GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    if (m == NULL)
      break;
    text = message_text (m);
    fail_if (gst_message_has_name (m, "rtmp-ingest-publish-end") ||
        GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING, "%s", text);
    g_free (text);
    gst_message_unref (m);
  }
  fail_unless (peer_connected (&p), "silent publisher was dropped");
  assert_playing (&f);
  peer_close (&p);
  peer_free (&p);
  good_publisher (&f, 9);
  fixture_stop (&f);
}

GST_END_TEST;

/* ---- 3: to NULL whatever the peers do ------------------------------------ */

GST_START_TEST (test_null_mid_message)
{
  gsize len, half;
  guint8 *video = g_malloc0 (65536);
  Fixture f;
  Peer p;

  fixture_start (&f, "keep-listening=true");
  peer_publish (&p, f.port, "mid", 0);
  memcpy (video, "\x91hvc1", 5);
  fail_unless (ertmp_session_send_media (p.s, ERTMP_MSG_VIDEO, 0, video,
          65536) == ERTMP_OK);
  ertmp_session_pending_output (p.s, &len);
  half = len / 2;
  while (half > 0) {
    const guint8 *out = ertmp_session_pending_output (p.s, &len);
    gssize n = send (p.fd, out, MIN (len, half), MSG_NOSIGNAL);

    fail_unless (n > 0);
    ertmp_session_output_written (p.s, n);
    half -= n;
  }
  gst_structure_free (expect_element_message (&f,
          "rtmp-ingest-publish-start"));
  fixture_stop (&f);
  peer_free (&p);
  g_free (video);
}

GST_END_TEST;

GST_START_TEST (test_null_mid_handshake)
{
  guint8 c0c1[1 + 700] = { 3 };
  Fixture f;
  Peer p;

  fixture_start (&f, "keep-listening=true");
  peer_open (&p, f.port);
  fail_unless (raw_send (&p, c0c1, sizeof (c0c1)));
  fixture_stop (&f);
  peer_free (&p);
}

GST_END_TEST;

GST_START_TEST (test_null_no_peer)
{
  Fixture f;

  fixture_start (&f, "keep-listening=true");
  fixture_stop (&f);
}

GST_END_TEST;

/* ---- 5: action signals --------------------------------------------------- */

GST_START_TEST (test_request_reconnect)
{
  const gchar *url = "rtmp://127.0.0.1:1936/live";
  gboolean ok = FALSE;
  Fixture f;
  Peer p;

  fixture_start (&f, "keep-listening=true");
  peer_publish (&p, f.port, "rc", ERTMP_CAPS_EX_RECONNECT);
  gst_structure_free (expect_element_message (&f,
          "rtmp-ingest-publish-start"));
  g_signal_emit_by_name (f.src, "request-reconnect", url, "maintenance",
      &ok);
  fail_unless (ok, "request-reconnect returned FALSE");
  fail_unless (peer_pump (&p, done_reconnect, WAIT_MS),
      "no reconnect request");
  fail_unless_equals_string (p.reconnect_url, url);
  fail_unless_equals_string (p.reconnect_desc, "maintenance");
  peer_close (&p);
  peer_free (&p);
  good_publisher (&f, 10);
  fixture_stop (&f);
}

GST_END_TEST;

GST_START_TEST (test_disconnect_publisher)
{
  gboolean ok = FALSE;
  GstStructure *end;
  Fixture f;
  Peer p;

  fixture_start (&f, "keep-listening=true");
  silent_publisher (&f, &p);
  gst_structure_free (expect_element_message (&f,
          "rtmp-ingest-publish-start"));
  g_signal_emit_by_name (f.src, "disconnect-publisher", &ok);
  fail_unless (ok, "disconnect-publisher returned FALSE");
  peer_wait_dropped (&p, WAIT_MS);
  peer_free (&p);
  end = expect_element_message (&f, "rtmp-ingest-publish-end");
  fail_unless_equals_string (gst_structure_get_string (end, "reason"),
      "kicked");
  gst_structure_free (end);
  good_publisher (&f, 11);
  fixture_stop (&f);
}

GST_END_TEST;

static Suite *
ingest_hostile_suite (void)
{
  Suite *s = suite_create ("ingest_hostile");
  TCase *publish = tcase_create ("publish");
  TCase *hostile = tcase_create ("hostile");
  TCase *to_null = tcase_create ("to_null");
  TCase *actions = tcase_create ("actions");

  suite_add_tcase (s, publish);
  tcase_add_test (publish, test_publish_wrap);
  suite_add_tcase (s, hostile);
  tcase_add_test (hostile, test_garbage);
  tcase_add_test (hostile, test_huge_messages);
  tcase_add_test (hostile, test_many_chunk_streams);
  tcase_add_test (hostile, test_slow_drip);
  tcase_add_test (hostile, test_silent_peer);
  tcase_add_test (hostile, test_idle_timeout);
  tcase_add_test (hostile, test_no_idle_timeout);
  suite_add_tcase (s, to_null);
  tcase_add_test (to_null, test_null_mid_message);
  tcase_add_test (to_null, test_null_mid_handshake);
  tcase_add_test (to_null, test_null_no_peer);
  suite_add_tcase (s, actions);
  tcase_add_test (actions, test_request_reconnect);
  tcase_add_test (actions, test_disconnect_publisher);
  return s;
}

GST_CHECK_MAIN (ingest_hostile);
