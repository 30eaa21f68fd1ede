/* gst-ertmp: fuzz target for a server session
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: the bytes a client sends after the handshake.  A server session
 * gets a valid simple handshake (C0+C1+C2) first, so the input reaches the
 * chunk stream and command parsing, then the input.  Events are drained
 * (every publish and play request is accepted, a frame sent on every
 * accepted play, every borrowed field touched), output
 * is drained, and the session is closed at the end.
 *
 * The input runs twice: in one piece, and in slices of 1..16 bytes (chosen
 * by the first byte).  Both runs must give the same events, the same output
 * bytes (hashed apart: the interleaving of the two depends on the slices)
 * and the same final result; a difference aborts.  Seeds: the replay
 * sessions of tests/core/test_session_replay.c.
 */
#include "ertmp_session.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

#define HS 1536

typedef struct
{
  guint64 hash; /* events */
  guint64 out_hash; /* output bytes */
  guint n_events;
  ertmp_result res;
} summary;

/* FNV-1a */
static guint64
hash_bytes (guint64 h, const void * p, gsize n)
{
  const guint8 * b = p;
  gsize i;

  for (i = 0; i < n; i++)
    h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}

static guint64
hash_str (guint64 h, const gchar * s)
{
  return s ? hash_bytes (h, s, strlen (s) + 1) : hash_bytes (h, "", 1);
}

static guint64
hash_gbytes (guint64 h, GBytes * b)
{
  gsize len;
  const guint8 * p = g_bytes_get_data (b, &len);

  return hash_bytes (hash_bytes (h, &len, sizeof (len)), p, len);
}

static void
on_event (ertmp_session * s, const ertmp_session_event * ev, summary * sum)
{
  guint64 h = hash_bytes (sum->hash, &ev->type, sizeof (ev->type));
  guint i;

  h = hash_bytes (h, &ev->msid, sizeof (ev->msid));
  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      h = hash_str (
          hash_str (hash_str (h, ev->connected.app), ev->connected.tc_url),
          ev->connected.flash_ver);
      h = hash_bytes (h, &ev->connected.caps->caps_ex, 4);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_REQUEST:
      h = hash_str (hash_str (h, ev->publish.name), ev->publish.type);
      ertmp_session_accept_publish (s, ev->msid);
      break;
    case ERTMP_SESSION_EVENT_MEDIA:
      h = hash_bytes (h, &ev->media.timestamp, 8);
      h = hash_gbytes (h, ev->media.payload);
      break;
    case ERTMP_SESSION_EVENT_DATA:
      h = hash_bytes (h, &ev->data.timestamp, 8);
      h = hash_str (h, ev->data.name);
      h = hash_gbytes (h, ev->data.payload);
      for (i = 0; i < ev->data.values->len; i++) {
        gchar * str =
            ertmp_amf_to_string (g_ptr_array_index (ev->data.values, i));
        h = hash_str (h, str);
        g_free (str);
      }
      break;
    case ERTMP_SESSION_EVENT_PLAY_REQUEST:
      h = hash_str (h, ev->play.name);
      h = hash_bytes (h, &ev->play.start, sizeof (ev->play.start));
      h = hash_bytes (h, &ev->play.duration, sizeof (ev->play.duration));
      h = hash_bytes (h, &ev->play.reset, sizeof (ev->play.reset));
      /* accepted, and a frame goes out on it */
      if (ertmp_session_accept_play (s, ev->msid) == ERTMP_OK)
        ertmp_session_send_play_message (
            s, ev->msid, 9, 40, (const guint8 *) "\x17\x01\0\0\0", 5);
      break;
    case ERTMP_SESSION_EVENT_END_OF_STREAM:
    case ERTMP_SESSION_EVENT_PLAY_ENDED:
      h = hash_str (h, ev->end_of_stream.command);
      break;
    case ERTMP_SESSION_EVENT_USER_CONTROL:
      h = hash_bytes (h, &ev->user_control.value, 4);
      break;
    case ERTMP_SESSION_EVENT_COMMAND:
      h = hash_str (h, ev->command.name);
      h = hash_bytes (h, &ev->command.args->len, sizeof (guint));
      break;
    case ERTMP_SESSION_EVENT_WARNING:
      h = hash_str (h, ev->warning.message);
      break;
    default:
      /* client-only events from a server session */
      abort ();
  }
  sum->hash = h;
  sum->n_events++;
}

static void
drain (ertmp_session * s, summary * sum)
{
  ertmp_session_event ev;
  const guint8 * out;
  gsize len;

  while (ertmp_session_next_event (s, &ev) == ERTMP_OK)
    on_event (s, &ev, sum);
  out = ertmp_session_pending_output (s, &len);
  sum->out_hash = hash_bytes (sum->out_hash, out, len);
  ertmp_session_output_written (s, len);
}

static void
run (const uint8_t * data, size_t size, gsize slice, summary * sum)
{
  static guint8 handshake[1 + 2 * HS] = { 3 };
  ertmp_session_config cfg;
  ertmp_session * s;
  gsize pos = 0, consumed;
  const gchar * message = NULL;

  memset (sum, 0, sizeof (*sum));
  sum->hash = sum->out_hash = 0xcbf29ce484222325ull;
  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  /* the output limit is left at its default: how often output is
   * drained differs between the two runs */
  cfg.limits.max_message_size = 256 * 1024;
  cfg.limits.max_reassembly_bytes = 512 * 1024;
  s = ertmp_session_new (&cfg);
  /* C0+C1 then C2: S0+S1+S2 is drained unhashed (seeded, but the same) */
  if (ertmp_session_receive (s, handshake, sizeof (handshake), &consumed) !=
          ERTMP_OK ||
      consumed != sizeof (handshake))
    abort ();
  ertmp_session_output_written (s, 1 + 2 * HS);

  while (pos < size && sum->res == ERTMP_OK) {
    gsize n = slice ? MIN (slice, size - pos) : size - pos;

    sum->res = ertmp_session_receive (s, data + pos, n, &consumed);
    pos += consumed;
    drain (s, sum);
  }
  if (sum->res != ERTMP_OK) {
    if (ertmp_session_get_state (s) != ERTMP_SESSION_STATE_FAILED ||
        ertmp_session_get_error (s, NULL, &message) != sum->res ||
        message == NULL)
      abort ();
    sum->hash = hash_str (sum->hash, message);
  } else {
    ertmp_session_close (s);
    drain (s, sum);
  }
  ertmp_session_free (s);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  summary whole, sliced;

  run (data, size, 0, &whole);
  run (data, size, size ? 1 + data[0] % 16 : 1, &sliced);
  if (whole.hash != sliced.hash || whole.out_hash != sliced.out_hash ||
      whole.n_events != sliced.n_events || whole.res != sliced.res)
    abort ();
  return 0;
}
