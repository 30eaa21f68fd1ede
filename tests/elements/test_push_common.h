/* gst-ertmp: a publisher and receivers for rtmppushsink's newer tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The publisher: videotestsrc ! x264enc, audiotestsrc ! avenc_aac,
 * flvemux ! rtmppushsink, in this process.  A receiver: rtmpingestsrc !
 * fakesink on 127.0.0.1, recording what each publisher sent.  Functions
 * here fail the test when what they wait for does not come.
 */
#ifndef TEST_PUSH_COMMON_H
#define TEST_PUSH_COMMON_H

#include <gst/gst.h>

G_BEGIN_DECLS

/* Bounds on waits for work, only to catch a hang (the work takes a few
 * seconds at most, a TLS handshake under AddressSanitizer with slow
 * unwinding up to several: the sink's timeout is 30 s) */
#define WAIT_TIMEOUT (120 * GST_SECOND)

typedef struct
{
  GstElement *pipeline, *src;
  GMutex lock;
  GCond cond;
  GPtrArray *sessions;          /* GByteArray: one per publisher */
  gboolean eos;
  GPtrArray *log;               /* messages popped off the bus */
} Receiver;

typedef struct
{
  GstElement *pipeline, *sink;
  GPtrArray *log;               /* messages popped off the bus */
} Publisher;

/* Pops @pipeline's bus into @log until a message of @types or the element
 * message @name: returned (transfer none), NULL on timeout.  An error not
 * in @types fails the test. */
GstMessage *bus_wait (GstElement * pipeline, GPtrArray * log,
    GstMessageType types, const gchar * name, GstClockTime timeout);
guint log_count (GPtrArray * log, GstMessageType types, const gchar * name);
const gchar *message_string (GstMessage * msg, const gchar * field);

/* "rtmpingestsrc host=127.0.0.1 port=@port @props ! fakesink", PLAYING */
Receiver *receiver_new (gint port, const gchar * props);
gint receiver_port (Receiver * r);
gchar *receiver_url (Receiver * r, const gchar * key);
void receiver_wait_eos (Receiver * r, GstClockTime timeout,
    const gchar * what);
void receiver_free (Receiver * r);

/* H.264 + AAC, @seconds long (-1: endless), into "rtmppushsink timeout=30
 * @props"; not started (publisher_start) */
Publisher *publisher_create (gboolean live, gint seconds,
    const gchar * props);
void publisher_start (Publisher * p);
/* H.264 + AAC, @seconds long (-1: endless), into "rtmppushsink @props"
 * (location set as a property when not NULL), PLAYING */
Publisher *publisher_new_with_location (gboolean live, gint seconds,
    const gchar * props, const gchar * location);
#define publisher_new(live, seconds, props) \
  publisher_new_with_location (live, seconds, props, NULL)
GstMessage *publisher_expect (Publisher * p, const gchar * name,
    GstClockTime timeout);
void publisher_expect_eos (Publisher * p, GstClockTime timeout);
/* The error: domain RESOURCE, @code, @needle in its message; the text */
gchar *publisher_expect_error (Publisher * p, gint code,
    const gchar * needle, GstClockTime timeout);
void publisher_stop (Publisher * p, const gchar * when);
void publisher_free (Publisher * p);

/* openssl: a self-signed certificate for 127.0.0.1 in @dir; returns the
 * receiver properties that serve RTMPS with it */
gchar *test_make_self_signed (const gchar * dir);
/* Runs @argv (openssl ...) in @dir to its successful end */
void test_run_tool (const gchar * const *argv, const gchar * dir);

G_END_DECLS

#endif /* TEST_PUSH_COMMON_H */
