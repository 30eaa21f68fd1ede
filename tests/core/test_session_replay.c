/* gst-ertmp: replays of real publish sessions through a server session
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The FFmpeg 5.1 session of rtmp.md 8.1 and the GStreamer 1.22 rtmp2sink
 * session of 8.2 are rebuilt byte for byte from the captured bytes of
 * test-vectors.md (1.4, 2.1, 2.5, 3.1, 3.2, 3.5, 3.7, 6) and the chunk
 * headers the captures show, then fed to a server session in one piece and
 * byte by byte.  Both must give the same events and the same reply bytes,
 * and the replies must be what those clients accept.
 *
 * With ERTMP_SESSION_CORPUS set to a directory, the chunk stream part of
 * each session (after the handshake) is written there as a fuzz seed.
 */
#include "test_util.h"

#include "ertmp_session.h"
#include "ertmp_amf0.h"
#include "ertmp_chunk.h"
#include "ertmp_handshake.h"

#define HS ERTMP_HANDSHAKE_PACKET_SIZE
#define SEED 4242

typedef struct
{
  GByteArray * wire; /* client -> server, all of it */
  gsize handshake_len; /* C0 + C1 + C2 */
  const gchar * key; /* the publish name */
  guint n_media;
} session_bytes;

/* One message with an explicit chunk header form; continuation chunks are
 * fmt 3 (rtmp.md 3.3).  csid < 64. */
static void
put_msg (GByteArray * b, guint fmt, guint csid, guint32 ts, guint8 type,
    guint32 msid, const guint8 * p, gsize len, gsize chunk)
{
  gsize pos = 0;

  ertmp_put_u8 (b, (guint8) ((fmt << 6) | csid));
  if (fmt <= 2)
    ertmp_put_u24be (b, ts);
  if (fmt <= 1) {
    ertmp_put_u24be (b, (guint32) len);
    ertmp_put_u8 (b, type);
  }
  if (fmt == 0)
    ertmp_put_u32le (b, msid);
  for (;;) {
    gsize n = MIN (chunk, len - pos);

    ertmp_put_bytes (b, p + pos, n);
    pos += n;
    if (pos == len)
      break;
    ertmp_put_u8 (b, (guint8) (0xc0 | csid));
  }
}

static void
put_hex (GByteArray * b, const gchar * hex)
{
  GByteArray * h = test_hex (hex);

  g_byte_array_append (b, h->data, h->len);
  g_byte_array_unref (h);
}

/* A command with a string or number last argument (or none) */
static GByteArray *
command (const gchar * name, gdouble txn, const gchar * s_arg, gdouble n_arg)
{
  GByteArray * b = g_byte_array_new ();

  ertmp_amf0_put_string (b, name);
  ertmp_amf0_put_number (b, txn);
  ertmp_amf0_put_null (b);
  if (s_arg)
    ertmp_amf0_put_string (b, s_arg);
  else if (n_arg > 0)
    ertmp_amf0_put_number (b, n_arg);
  return b;
}

static void
put_command (GByteArray * wire, guint fmt, guint csid, guint32 msid,
    GByteArray * body, gsize chunk, gsize expected_len)
{
  ck_assert_uint_eq (body->len, expected_len);
  put_msg (wire, fmt, csid, 0, 20, msid, body->data, body->len, chunk);
  g_byte_array_unref (body);
}

/* "@setDataFrame", "onMetaData", ECMA[13] as FFmpeg writes it (rtmp.md
 * 8.1) */
static GByteArray *
ffmpeg_metadata (void)
{
  GByteArray * b = g_byte_array_new ();
  ertmp_amf_value * a = ertmp_amf_new (ERTMP_AMF_ECMA_ARRAY);

  ertmp_amf0_put_string (b, "@setDataFrame");
  ertmp_amf0_put_string (b, "onMetaData");
  ertmp_amf_add_number (a, "duration", 0);
  ertmp_amf_add_number (a, "width", 1280);
  ertmp_amf_add_number (a, "height", 720);
  ertmp_amf_add_number (a, "videodatarate", 0);
  ertmp_amf_add_number (a, "framerate", 30);
  ertmp_amf_add_number (a, "videocodecid", 7);
  ertmp_amf_add_number (a, "audiodatarate", 125);
  ertmp_amf_add_number (a, "audiosamplerate", 44100);
  ertmp_amf_add_number (a, "audiosamplesize", 16);
  ertmp_amf_add_boolean (a, "stereo", FALSE);
  ertmp_amf_add_number (a, "audiocodecid", 10);
  ertmp_amf_add_string (a, "encoder", "Lavf59.27.100");
  ertmp_amf_add_number (a, "filesize", 0);
  ck_assert_int_eq (ertmp_amf0_encode (b, a), ERTMP_OK);
  ertmp_amf_value_unref (a);
  return b;
}

/* test-vectors.md 6 */
#define AVC_SEQUENCE_HEADER \
  "17 00 00 00 00 01 f4 00 0d ff e1 00 19 67 f4 00" \
  "0d 91 9b 28 28 3f 60 22 00 00 03 00 02 00 00 03" \
  "00 78 1e 28 53 2c 01 00 06 68 eb e3 c4 48 44 ff" \
  "f8 f8 00"
#define AAC_SEQUENCE_HEADER "af 00 12 08 56 e5 00"

/* A video frame body: header, then @len - 5 bytes of NAL data */
static GByteArray *
frame (const gchar * header, gsize len, guint seed)
{
  GByteArray * b = test_hex (header);
  gsize i;

  for (i = b->len; i < len; i++)
    ertmp_put_u8 (b, (guint8) (i * 31 + seed));
  return b;
}

/* The server's S0+S1+S2 for this C0+C1: to build C2 (an S1 echo) */
static GByteArray *
server_s0s1s2 (const guint8 * c0c1)
{
  ertmp_session_config cfg;
  ertmp_session * s;
  gsize consumed, len;
  const guint8 * out;
  GByteArray * b = g_byte_array_new ();

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.handshake_seed = SEED;
  s = ertmp_session_new (&cfg);
  ck_assert_int_eq (
      ertmp_session_receive (s, c0c1, 1 + HS, &consumed), ERTMP_OK);
  out = ertmp_session_pending_output (s, &len);
  ck_assert_uint_eq (len, 1 + 2 * HS);
  g_byte_array_append (b, out, (guint) len);
  ertmp_session_free (s);
  return b;
}

/* FFmpeg's C1: the 1.4 prefix, pseudo-random rest, scheme-0 digest with
 * the Flash Player key at offset 494 */
static void
ffmpeg_c0c1 (guint8 * c0c1)
{
  static const guint8 key[] = "Genuine Adobe Flash Player 001";
  GByteArray * prefix = test_hex ("00 00 00 00 09 00 7c 02 f7 78 55 1e"
                                  "ce ab 8e 1e");
  guint8 * c1 = c0c1 + 1;
  guint off, i;

  c0c1[0] = 3;
  memcpy (c1, prefix->data, prefix->len);
  for (i = prefix->len; i < HS; i++)
    c1[i] = (guint8) (i * 131 + 7);
  off = ertmp_handshake_digest_offset (c1, 0);
  ck_assert_uint_eq (off, 494);
  ertmp_handshake_packet_digest (c1, off, key, 30, c1 + off);
  ck_assert (ertmp_handshake_validate (c1, 0, FALSE));
  g_byte_array_unref (prefix);
}

/* rtmp.md 8.1 */
static void
build_ffmpeg (session_bytes * sb)
{
  GByteArray *w = g_byte_array_new (), *s012, *b;
  guint8 c0c1[1 + HS];
  guint i;

  ffmpeg_c0c1 (c0c1);
  g_byte_array_append (w, c0c1, sizeof (c0c1));
  s012 = server_s0s1s2 (c0c1);
  g_byte_array_append (w, s012->data + 1, HS); /* C2 = S1 echo */
  g_byte_array_unref (s012);
  sb->handshake_len = w->len;

  /* test-vectors.md 2.5: connect chunked at 128 */
  put_hex (w,
      "03 00 00 00 00 00 8c 14 00 00 00 00 02 00 07 63"
      "6f 6e 6e 65 63 74 00 3f f0 00 00 00 00 00 00 03"
      "00 03 61 70 70 02 00 04 6c 69 76 65 00 04 74 79"
      "70 65 02 00 0a 6e 6f 6e 70 72 69 76 61 74 65 00"
      "08 66 6c 61 73 68 56 65 72 02 00 24 46 4d 4c 45"
      "2f 33 2e 30 20 28 63 6f 6d 70 61 74 69 62 6c 65"
      "3b 20 4c 61 76 66 35 39 2e 32 37 2e 31 30 30 29"
      "00 05 74 63 55 72 6c 02 00 1b 72 74 6d 70 3a 2f"
      "2f 31 32 37 2e 30 2e 30 2e 31 3a 31 c3 39 33 35"
      "30 2f 6c 69 76 65 00 00 09");
  /* its Set Chunk Size echo (2.1), then releaseStream as fmt 1:
   * 43 00 00 00 00 00 23 14 (2.5) */
  put_hex (w, "02 00 00 00 00 00 04 01 00 00 00 00 00 00 10 00");
  put_command (
      w, 1, 3, 0, command ("releaseStream", 2, "stream", 0), 4096, 0x23);
  put_command (w, 1, 3, 0, command ("FCPublish", 3, "stream", 0), 4096, 31);
  put_command (w, 1, 3, 0, command ("createStream", 4, NULL, 0), 4096, 25);
  /* publish on csid 8, fmt 0, msid 1 (3.7) */
  put_hex (w,
      "08 00 00 00 00 00 24 14 01 00 00 00"
      "02 00 07 70 75 62 6c 69 73 68 00 40 14 00 00 00"
      "00 00 00 05 02 00 06 73 74 72 65 61 6d 02 00 04"
      "6c 69 76 65");
  b = ffmpeg_metadata ();
  put_msg (w, 0, 4, 0, 18, 1, b->data, b->len, 4096);
  g_byte_array_unref (b);
  b = test_hex (AVC_SEQUENCE_HEADER);
  put_msg (w, 0, 6, 0, 9, 1, b->data, b->len, 4096);
  g_byte_array_unref (b);
  b = test_hex (AAC_SEQUENCE_HEADER);
  put_msg (w, 0, 4, 0, 8, 1, b->data, b->len, 4096);
  g_byte_array_unref (b);
  /* keyframe with CTS 67 at ts 0: fmt 0; 9000 bytes: two continuations */
  b = frame ("17 01 00 00 43", 9000, 1);
  put_msg (w, 0, 6, 0, 9, 1, b->data, b->len, 4096);
  g_byte_array_unref (b);
  /* then fmt 1 everywhere: video delta 34, audio delta 44 */
  for (i = 1; i <= 20; i++) {
    b = frame ("27 01 00 00 85", 100 + i * 37, i);
    put_msg (w, 1, 6, 34, 9, 1, b->data, b->len, 4096);
    g_byte_array_unref (b);
    b = frame ("af 01", 200 + i, i);
    put_msg (w, 1, 4, 44, 8, 1, b->data, b->len, 4096);
    g_byte_array_unref (b);
  }
  /* on stop: FCUnpublish, deleteStream */
  put_command (w, 1, 3, 0, command ("FCUnpublish", 6, "stream", 0), 4096, 0x21);
  put_command (w, 1, 3, 0, command ("deleteStream", 7, NULL, 1), 4096, 0x22);
  sb->wire = w;
  sb->key = "stream";
  sb->n_media = 3 + 40;
}

/* rtmp.md 8.2: simple C1 with a time, version 0; C2 echoes S1 with its
 * own time in time2 */
static void
build_rtmp2 (session_bytes * sb)
{
  GByteArray *w = g_byte_array_new (), *s012, *b;
  guint8 c0c1[1 + HS] = { 3, 0x00, 0xbc, 0x61, 0x4e };
  guint i;

  for (i = 9; i < sizeof (c0c1); i++)
    c0c1[i] = (guint8) (i * 17 + 3);
  g_byte_array_append (w, c0c1, sizeof (c0c1));
  s012 = server_s0s1s2 (c0c1);
  g_byte_array_append (w, s012->data + 1, HS);
  memcpy (w->data + w->len - HS + 4, c0c1 + 1, 4);
  g_byte_array_unref (s012);
  sb->handshake_len = w->len;

  /* connect, payload 3.2 (118 bytes, one chunk) */
  put_hex (w,
      "03 00 00 00 00 00 76 14 00 00 00 00"
      "02 00 07 63 6f 6e 6e 65 63 74 00 3f f0 00 00 00"
      "00 00 00 03 00 03 61 70 70 02 00 04 6c 69 76 65"
      "00 04 74 79 70 65 02 00 0a 6e 6f 6e 70 72 69 76"
      "61 74 65 00 08 66 6c 61 73 68 56 65 72 02 00 0e"
      "4c 4e 58 20 31 30 2c 30 2c 33 32 2c 31 38 00 05"
      "74 63 55 72 6c 02 00 1b 72 74 6d 70 3a 2f 2f 31"
      "32 37 2e 30 2e 30 2e 31 3a 33 38 34 31 32 2f 6c"
      "69 76 65 00 00 09");
  /* Window Ack Size 2500000 after the connect _result (2.1) */
  put_hex (w, "02 00 00 00 00 00 04 05 00 00 00 00 00 26 25 a0");
  /* releaseStream / FCPublish txn 0, createStream txn 2, publish txn 0,
   * all on csid 3 */
  put_command (
      w, 1, 3, 0, command ("releaseStream", 0, "stream?key=abc", 0), 128, 43);
  put_command (
      w, 1, 3, 0, command ("FCPublish", 0, "stream?key=abc", 0), 128, 39);
  put_command (w, 1, 3, 0, command ("createStream", 2, NULL, 0), 128, 25);
  b = command ("publish", 0, "stream?key=abc", 0);
  ertmp_amf0_put_string (b, "live");
  put_command (w, 0, 3, 1, b, 128, 44);
  /* Set Chunk Size 128 after Publish.Start */
  put_hex (w, "02 00 00 00 00 00 04 01 00 00 00 00 00 00 00 80");
  /* metadata (csid 4), video (6), audio (5); 128-byte chunks */
  b = ffmpeg_metadata ();
  put_msg (w, 0, 4, 0, 18, 1, b->data, b->len, 128);
  g_byte_array_unref (b);
  b = test_hex (AVC_SEQUENCE_HEADER);
  put_msg (w, 0, 6, 0, 9, 1, b->data, b->len, 128);
  g_byte_array_unref (b);
  b = test_hex (AAC_SEQUENCE_HEADER);
  put_msg (w, 0, 5, 0, 8, 1, b->data, b->len, 128);
  g_byte_array_unref (b);
  for (i = 1; i <= 10; i++) {
    b = frame (i == 1 ? "17 01 00 00 43" : "27 01 00 00 21", 500 * i, i);
    put_msg (w, i == 1 ? 0 : 1, 6, i == 1 ? 0 : 33, 9, 1, b->data, b->len, 128);
    g_byte_array_unref (b);
    b = frame ("af 01", 10 + i, i);
    put_msg (w, 1, 5, 23, 8, 1, b->data, b->len, 128);
    g_byte_array_unref (b);
  }
  put_command (
      w, 1, 3, 0, command ("FCUnpublish", 0, "stream?key=abc", 0), 128, 41);
  put_command (w, 1, 3, 0, command ("deleteStream", 3, NULL, 1), 128, 0x22);
  sb->wire = w;
  sb->key = "stream?key=abc";
  sb->n_media = 2 + 20;
}

typedef struct
{
  GString * log;
  GByteArray * out;
  guint media;
} replay_result;

static void
on_event (ertmp_session * s, const ertmp_session_event * ev, replay_result * rr)
{
  switch (ev->type) {
    case ERTMP_SESSION_EVENT_CONNECTED:
      g_string_append_printf (rr->log, "connected %s %s %s\n",
          ev->connected.app, ev->connected.tc_url, ev->connected.flash_ver);
      break;
    case ERTMP_SESSION_EVENT_PUBLISH_REQUEST:
      g_string_append_printf (rr->log, "publish %u %s %s\n", ev->msid,
          ev->publish.name, ev->publish.type);
      ck_assert_int_eq (ertmp_session_accept_publish (s, ev->msid), ERTMP_OK);
      break;
    case ERTMP_SESSION_EVENT_DATA:
      g_string_append_printf (rr->log, "data %s\n", ev->data.name);
      break;
    case ERTMP_SESSION_EVENT_MEDIA:
      g_string_append_printf (rr->log, "media %u %" G_GINT64_FORMAT "\n",
          ev->media.type_id, ev->media.timestamp);
      rr->media++;
      break;
    case ERTMP_SESSION_EVENT_END_OF_STREAM:
      g_string_append_printf (
          rr->log, "eos %u %s\n", ev->msid, ev->end_of_stream.command);
      break;
    case ERTMP_SESSION_EVENT_USER_CONTROL:
      g_string_append_printf (rr->log, "uc %u %u\n", ev->user_control.type,
          ev->user_control.value);
      break;
    case ERTMP_SESSION_EVENT_COMMAND:
      g_string_append_printf (rr->log, "command %s\n", ev->command.name);
      break;
    case ERTMP_SESSION_EVENT_WARNING:
      g_string_append_printf (rr->log, "warning %s\n", ev->warning.message);
      break;
    default:
      ck_abort_msg ("unexpected event %d", ev->type);
  }
}

/* Feeds @sb in slices of @slice bytes (0: in one piece). */
static void
replay (const session_bytes * sb, gsize slice, replay_result * rr)
{
  ertmp_session_config cfg;
  ertmp_session * s;
  gsize pos = 0, len;
  const guint8 * out;
  ertmp_session_event ev;

  ertmp_session_config_init (&cfg, ERTMP_SESSION_SERVER);
  cfg.handshake_seed = SEED;
  s = ertmp_session_new (&cfg);
  rr->log = g_string_new (NULL);
  rr->out = g_byte_array_new ();
  rr->media = 0;
  while (pos < sb->wire->len) {
    gsize consumed,
        n = slice ? MIN (slice, sb->wire->len - pos) : sb->wire->len - pos;

    ertmp_result res =
        ertmp_session_receive (s, sb->wire->data + pos, n, &consumed);
    const gchar * msg = NULL;

    ertmp_session_get_error (s, NULL, &msg);
    ck_assert_msg (res == ERTMP_OK, "at %" G_GSIZE_FORMAT ": %s", pos, msg);
    pos += consumed;
    while (ertmp_session_next_event (s, &ev) == ERTMP_OK)
      on_event (s, &ev, rr);
    out = ertmp_session_pending_output (s, &len);
    g_byte_array_append (rr->out, out, (guint) len);
    ertmp_session_output_written (s, len);
  }
  ertmp_session_free (s);
}

static void
replay_clear (replay_result * rr)
{
  g_string_free (rr->log, TRUE);
  g_byte_array_unref (rr->out);
}

/* The server's replies as messages (after S0+S1+S2) */
static GPtrArray *
read_replies (const GByteArray * out)
{
  ertmp_chunk_reader * r = ertmp_chunk_reader_new (NULL);
  GPtrArray * msgs =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  gsize pos = 1 + 2 * HS;

  while (pos < out->len) {
    ertmp_chunk_message m;
    gsize consumed;
    GByteArray * b = g_byte_array_new ();

    ck_assert_int_eq (ertmp_chunk_reader_read (
                          r, out->data + pos, out->len - pos, &consumed, &m),
        ERTMP_OK);
    pos += consumed;
    /* type, msid (one byte each), csid, then the payload */
    ertmp_put_u8 (b, m.type_id);
    ertmp_put_u8 (b, (guint8) m.msid);
    ertmp_put_u8 (b, (guint8) m.csid);
    ertmp_put_bytes (b, m.payload, m.len);
    if (m.type_id == 1)
      ertmp_chunk_reader_set_chunk_size (r,
          ((guint32) m.payload[0] << 24) | (m.payload[1] << 16) |
              (m.payload[2] << 8) | m.payload[3]);
    g_ptr_array_add (msgs, b);
  }
  ertmp_chunk_reader_free (r);
  return msgs;
}

static gint
find_reply (GPtrArray * msgs, guint8 type, guint8 msid, const gchar * hex)
{
  GByteArray * want = test_hex (hex);
  guint i;
  gint found = -1;

  for (i = 0; i < msgs->len && found < 0; i++) {
    GByteArray * m = g_ptr_array_index (msgs, i);

    if (m->data[0] == type && m->data[1] == msid && m->len - 3 == want->len &&
        memcmp (m->data + 3, want->data, want->len) == 0)
      found = (gint) i;
  }
  g_byte_array_unref (want);
  return found;
}

/* test-vectors.md 2.1 StreamBegin 1 and 3.8 onStatus Publish.Start */
#define STREAM_BEGIN_1 "00 00 00 00 00 01"
#define PUBLISH_START \
  "02 00 08 6f 6e 53 74 61 74 75 73 00 00 00 00 00" \
  "00 00 00 00 05 03 00 05 6c 65 76 65 6c 02 00 06" \
  "73 74 61 74 75 73 00 04 63 6f 64 65 02 00 17 4e" \
  "65 74 53 74 72 65 61 6d 2e 50 75 62 6c 69 73 68" \
  "2e 53 74 61 72 74 00 0b 64 65 73 63 72 69 70 74" \
  "69 6f 6e 02 00 12 50 75 62 6c 69 73 68 69 6e 67" \
  "20 73 74 72 65 61 6d 2e 00 00 09"

static void
write_seed (const session_bytes * sb, const gchar * name)
{
  const gchar * dir = g_getenv ("ERTMP_SESSION_CORPUS");
  gchar * path;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  ck_assert (g_file_set_contents (path,
      (const gchar *) sb->wire->data + sb->handshake_len,
      sb->wire->len - sb->handshake_len, NULL));
  g_free (path);
}

static void
check_replay (session_bytes * sb, const gchar * connected, const gchar * seed)
{
  replay_result whole, bytewise;
  GPtrArray * msgs;
  gchar * line;
  gint begin, start;

  write_seed (sb, seed);
  replay (sb, 0, &whole);
  replay (sb, 1, &bytewise);
  ck_assert_str_eq (whole.log->str, bytewise.log->str);
  ck_assert_bytes_eq (
      whole.out->data, whole.out->len, bytewise.out->data, bytewise.out->len);
  ck_assert (g_str_has_prefix (whole.log->str, connected));
  line = g_strdup_printf ("\npublish 1 %s live\ndata onMetaData\n", sb->key);
  ck_assert_msg (strstr (whole.log->str, line) != NULL, "%s", whole.log->str);
  g_free (line);
  ck_assert_uint_eq (whole.media, sb->n_media);
  ck_assert (g_str_has_suffix (whole.log->str, "eos 1 FCUnpublish\n"));

  msgs = read_replies (whole.out);
  begin = find_reply (msgs, 4, 0, STREAM_BEGIN_1);
  start = find_reply (msgs, 20, 1, PUBLISH_START);
  ck_assert_int_ge (begin, 0);
  ck_assert_int_eq (start, begin + 1);
  g_ptr_array_unref (msgs);
  replay_clear (&whole);
  replay_clear (&bytewise);
  g_byte_array_unref (sb->wire);
}

START_TEST (test_replay_ffmpeg)
{
  session_bytes sb;
  replay_result rr;
  GPtrArray * msgs;

  build_ffmpeg (&sb);
  replay (&sb, 0, &rr);
  /* FFmpeg's timeline: video 0, 0, 34, 68..; audio 0, 44, 88.. */
  ck_assert (strstr (rr.log->str,
                 "media 9 0\nmedia 8 0\nmedia 9 0\n"
                 "media 9 34\nmedia 8 44\nmedia 9 68\nmedia 8 88\n") != NULL);
  ck_assert (strstr (rr.log->str, "media 9 680\nmedia 8 880\neos") != NULL);
  msgs = read_replies (rr.out);
  /* what FFmpeg needs: the createStream _result of vector 3.6 */
  ck_assert_int_ge (find_reply (msgs, 20, 0,
                        "02 00 07 5f 72 65 73 75 6c 74 00 40 10 00 00 00"
                        "00 00 00 05 00 3f f0 00 00 00 00 00 00"),
      0);
  /* Window Ack Size, Set Peer Bandwidth, Set Chunk Size (2.1) first */
  ck_assert_int_eq (find_reply (msgs, 5, 0, "00 26 25 a0"), 0);
  ck_assert_int_eq (find_reply (msgs, 6, 0, "00 26 25 a0 02"), 1);
  ck_assert_int_eq (find_reply (msgs, 1, 0, "00 00 10 00"), 2);
  g_ptr_array_unref (msgs);
  replay_clear (&rr);

  check_replay (&sb,
      "connected live rtmp://127.0.0.1:19350/live "
      "FMLE/3.0 (compatible; Lavf59.27.100)\n",
      "ffmpeg51_publish");
}

END_TEST;

START_TEST (test_replay_rtmp2)
{
  session_bytes sb;

  build_rtmp2 (&sb);
  check_replay (&sb,
      "connected live rtmp://127.0.0.1:38412/live "
      "LNX 10,0,32,18\n",
      "rtmp2sink_publish");
}

END_TEST;

static void
write_msg (GByteArray * w, ertmp_chunk_writer * cw, guint32 csid,
    guint8 type, guint32 msid, guint32 ts, const gchar * hex)
{
  GByteArray *b = test_hex (hex);

  ck_assert_int_eq (ertmp_chunk_writer_write (cw, w, csid, type, msid, ts,
          b->data, b->len), ERTMP_OK);
  g_byte_array_unref (b);
}

/* What no capture shows, in one session (and one fuzz seed): connect as
 * an AMF3 command with E-RTMP caps (test-vectors.md 3.3), windows, user
 * control, a chunk size change, an aggregate, AMF3 data, Abort, an unknown
 * type, closeStream then deleteStream. */
static void
build_misc (session_bytes * sb)
{
  GByteArray *w = g_byte_array_new ();
  ertmp_chunk_writer *cw = ertmp_chunk_writer_new ();
  guint8 c0c1c2[1 + 2 * HS] = { 3 };

  g_byte_array_append (w, c0c1c2, sizeof (c0c1c2));
  sb->handshake_len = w->len;
  write_msg (w, cw, 3, 17, 0, 0, "00"
      "02 00 07 63 6f 6e 6e 65 63 74 00 3f f0 00 00 00"
      "00 00 00 03 00 03 61 70 70 02 00 04 6c 69 76 65"
      "00 04 74 79 70 65 02 00 0a 6e 6f 6e 70 72 69 76"
      "61 74 65 00 08 66 6c 61 73 68 56 65 72 02 00 1f"
      "46 4d 4c 45 2f 33 2e 30 20 28 63 6f 6d 70 61 74"
      "69 62 6c 65 3b 20 46 4d 53 63 2f 31 2e 30 29 00"
      "05 74 63 55 72 6c 02 00 17 72 74 6d 70 3a 2f 2f"
      "65 78 61 6d 70 6c 65 2e 63 6f 6d 2f 6c 69 76 65"
      "00 0a 66 6f 75 72 43 63 4c 69 73 74 0a 00 00 00"
      "03 02 00 04 68 76 63 31 02 00 04 61 76 30 31 02"
      "00 04 4f 70 75 73 00 12 76 69 64 65 6f 46 6f 75"
      "72 43 63 49 6e 66 6f 4d 61 70 03 00 04 68 76 63"
      "31 00 40 00 00 00 00 00 00 00 00 04 61 76 30 31"
      "00 40 00 00 00 00 00 00 00 00 00 09 00 12 61 75"
      "64 69 6f 46 6f 75 72 43 63 49 6e 66 6f 4d 61 70"
      "03 00 04 4f 70 75 73 00 40 00 00 00 00 00 00 00"
      "00 00 09 00 06 63 61 70 73 45 78 00 40 2e 00 00"
      "00 00 00 00 00 00 09");
  write_msg (w, cw, 2, 5, 0, 0, "00 00 01 00");  /* Window Ack Size 256 */
  write_msg (w, cw, 2, 6, 0, 0, "00 00 10 00 00");
  write_msg (w, cw, 2, 4, 0, 0, "00 06 00 00 00 2a");   /* PingRequest */
  write_msg (w, cw, 2, 4, 0, 0, "00 03 00 00 00 01 00 00 0b b8");
  write_msg (w, cw, 2, 1, 0, 0, "00 00 00 c8");  /* Set Chunk Size 200 */
  ertmp_chunk_writer_set_chunk_size (cw, 200);
  write_msg (w, cw, 3, 20, 0, 0, "02 00 0c 63 72 65 61 74 65 53 74 72 65 61"
      "6d 00 40 00 00 00 00 00 00 00 05");
  write_msg (w, cw, 3, 20, 1, 0, "02 00 07 70 75 62 6c 69 73 68 00 00 00 00"
      "00 00 00 00 00 05 02 00 03 6b 65 79 02 00 04 6c 69 76 65");
  /* aggregate: video at sub ts 5, audio at 25; message ts 1000 */
  write_msg (w, cw, 6, 22, 1, 1000,
      "09 00 00 03 00 00 05 00 00 00 01 17 01 00 00 00 00 0e"
      "08 00 00 02 00 00 19 00 00 00 01 af 01 00 00 00 0d");
  write_msg (w, cw, 4, 15, 1, 1000, "00 02 00 0a 6f 6e 4d 65 74 61 44 61 74"
      "61 11 0a 0b 01 09 74 65 73 74 04 05 01");
  write_msg (w, cw, 2, 2, 0, 0, "00 00 00 06");  /* Abort csid 6 */
  write_msg (w, cw, 3, 7, 0, 0, "01 02 03");     /* unknown type */
  write_msg (w, cw, 3, 20, 0, 0, "02 00 0f 67 65 74 53 74 72 65 61 6d 4c 65"
      "6e 67 74 68 00 40 08 00 00 00 00 00 00 05");
  write_msg (w, cw, 5, 20, 1, 0, "02 00 0b 63 6c 6f 73 65 53 74 72 65 61 6d"
      "00 00 00 00 00 00 00 00 00 05");
  write_msg (w, cw, 3, 20, 0, 0, "02 00 0c 64 65 6c 65 74 65 53 74 72 65 61"
      "6d 00 00 00 00 00 00 00 00 00 05 00 3f f0 00 00 00 00 00 00");
  ertmp_chunk_writer_free (cw);
  sb->wire = w;
  sb->key = "key";
  sb->n_media = 2;
}

START_TEST (test_replay_misc)
{
  session_bytes sb;
  replay_result whole, bytewise;

  build_misc (&sb);
  write_seed (&sb, "misc_session");
  replay (&sb, 0, &whole);
  replay (&sb, 1, &bytewise);
  ck_assert_str_eq (whole.log->str,
      "connected live rtmp://example.com/live FMLE/3.0 (compatible; FMSc/1.0)\n"
      "uc 3 1\n"
      "publish 1 key live\n"
      "media 9 1000\n"
      "media 8 1020\n"
      "data onMetaData\n"
      "command getStreamLength\n"
      "eos 1 closeStream\n");
  ck_assert_str_eq (whole.log->str, bytewise.log->str);
  ck_assert_bytes_eq (whole.out->data, whole.out->len, bytewise.out->data,
      bytewise.out->len);
  replay_clear (&whole);
  replay_clear (&bytewise);
  g_byte_array_unref (sb.wire);
}

END_TEST;

static Suite *
session_replay_suite (void)
{
  Suite * s = suite_create ("session_replay");
  TCase * tc = tcase_create ("replay");

  tcase_add_test (tc, test_replay_ffmpeg);
  tcase_add_test (tc, test_replay_rtmp2);
  tcase_add_test (tc, test_replay_misc);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (session_replay_suite ());
}
