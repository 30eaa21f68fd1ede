/* gst-ertmp: session internals shared by the common, server and client parts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ERTMP_SESSION_PRIVATE_H
#define ERTMP_SESSION_PRIVATE_H

#include "ertmp_session.h"
#include "ertmp_amf0.h"
#include "ertmp_chunk.h"
#include "ertmp_handshake.h"

G_BEGIN_DECLS

/* chunk stream ids we write on (GStreamer rtmp2's choice, rtmp.md 3.2) */
#define ERTMP_SESSION_CSID_CONTROL 2u
#define ERTMP_SESSION_CSID_COMMAND 3u
#define ERTMP_SESSION_CSID_DATA 4u
#define ERTMP_SESSION_CSID_AUDIO 5u
#define ERTMP_SESSION_CSID_VIDEO 6u
/* server: commands on a NetStream (onStatus), like the research server */
#define ERTMP_SESSION_CSID_STREAM 5u

typedef enum
{
  ERTMP_STREAM_FREE = 0,
  ERTMP_STREAM_CREATED, /* createStream answered */
  ERTMP_STREAM_PENDING, /* publish received, not answered */
  ERTMP_STREAM_PUBLISHING, /* publish accepted */
  ERTMP_STREAM_ENDED, /* unpublished, msid still allocated */
  ERTMP_STREAM_PLAY_PENDING, /* server: play received, not answered */
  ERTMP_STREAM_PLAYING, /* server: play accepted */
} ertmp_stream_state;

typedef struct
{
  guint32 msid;
  ertmp_stream_state state;
  gchar * name;
  gboolean reset; /* play: NetStream.Play.Reset before Play.Start */
} ertmp_session_stream;

/* 32-bit wire timestamps unwrapped to 64 bits, one per msid (rtmp.md 9) */
typedef struct
{
  guint32 msid;
  gboolean used;
  gint64 last64;
  guint64 touched;
} ertmp_session_clock;

/* A queued event and the memory its pointers borrow */
typedef struct
{
  ertmp_session_event ev;
  gchar * strs[6];
  guint n_strs;
  GBytes * bytes;
  GPtrArray * values;
} ertmp_session_qevent;

/* A decoded command message (rtmp.md 7.1) */
typedef struct
{
  const gchar * name;
  gdouble txn;
  GPtrArray * values; /* all values, name and txn included */
  guint32 msid;
} ertmp_session_cmd;

/* The aggregate being split (rtmp.md 4.2), one sub-message per event */
typedef struct
{
  GBytes * bytes; /* NULL when none */
  gsize pos;
  guint32 msid;
  guint32 timestamp;
  gboolean have_offset;
  guint32 offset;
} ertmp_session_aggregate;

struct _ertmp_session
{
  ertmp_session_role role;
  ertmp_session_state state;
  ertmp_limits limits;
  guint32 cfg_chunk_size;
  guint32 cfg_window;
  gchar * fms_ver;
  guint stop_commands;
  gchar * auth[5]; /* server: user, password, salt, challenge, opaque */
  gboolean has_auth, auth_llnw;
  gchar * secure_token;
  gchar * token_text; /* server: the secureToken challenge's answer */
  gboolean token_ok; /* server: secureTokenResponse solved it */
  ertmp_caps local_caps;
  ertmp_caps peer_caps;

  ertmp_handshake * hs;
  ertmp_chunk_reader * reader;
  ertmp_chunk_writer * writer;
  ertmp_amf_decoder * dec;

  GByteArray * out;
  gsize out_pos;

  ertmp_result error;
  ertmp_limit_id error_limit;
  gchar * error_message;

  /* flow control (rtmp.md 5) */
  guint64 acked_bytes; /* received after the handshake */
  guint64 last_ack_at;
  guint32 window_in;
  guint32 window_out;
  guint32 peer_bw;
  gint peer_bw_type; /* -1: none yet */

  GQueue events; /* ertmp_session_qevent */
  ertmp_session_qevent * current;
  ertmp_session_aggregate agg;

  ertmp_session_stream * streams; /* limits.max_streams slots */
  ertmp_session_clock * clocks; /* limits.max_streams + 1 slots */
  guint64 clock_tick;

  gchar * tc_url;
  gchar * app;
  gchar * peer_flash_ver;
  guint object_encoding;

  /* client */
  gboolean connect_requested;
  gchar * flash_ver;
  gchar * swf_url;
  ertmp_amf_value * connect_extra;
  GPtrArray * connect_args;
  gchar * publish_name;
  gchar * publish_type;
  gboolean publish_sent; /* FMLE sequence sent */
  guint32 publish_msid;
  gdouble next_txn;
  gdouble txn_connect, txn_release, txn_fcpublish, txn_create, txn_publish;
  gchar * play_name; /* client: play() asked */
  gdouble play_start;
  guint32 play_buffer_ms;
  gboolean play_sent; /* its createStream sent */
  gdouble txn_play_create, txn_play;
  guint32 play_msid;
  gboolean play_started; /* PLAY_STARTED pushed */

  guint64 bytes_in, bytes_out;
  /* csids (< 64) the caller wrote on itself (external_output): the
   * session's messages there start with a full header */
  guint64 shared_csids;
  guint64 messages_in[ERTMP_SESSION_N_KINDS];
  guint64 messages_out[ERTMP_SESSION_N_KINDS];
  guint64 acks_in, acks_out;
  guint32 last_ack_in;
};

/* ertmp_session.c: shared helpers */
ertmp_result ertmp_session_fail (ertmp_session * s, ertmp_result res,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);
ertmp_result ertmp_session_fail_limit (
    ertmp_session * s, ertmp_limit_id limit, const gchar * context);
gboolean ertmp_session_has_room (const ertmp_session * s, gsize len);
ertmp_result ertmp_session_check_output (ertmp_session * s);
ertmp_result ertmp_session_write (ertmp_session * s, guint32 csid,
    guint8 type_id, guint32 msid, guint32 timestamp, const guint8 * data,
    gsize len);
void ertmp_session_send_control (
    ertmp_session * s, guint8 type_id, guint32 value);
void ertmp_session_send_user_control (
    ertmp_session * s, guint16 event, guint32 value);
void ertmp_session_send_chunk_size (ertmp_session * s, guint32 size);
/* Command bodies: begin writes name + txn; send chunks and frees @body. */
GByteArray * ertmp_session_cmd_begin (const gchar * name, gdouble txn);
void ertmp_session_cmd_send (
    ertmp_session * s, guint32 csid, guint32 msid, GByteArray * body);
void ertmp_session_put_value (GByteArray * body, ertmp_amf_value * value);
/* Which stats counter a message type goes to */
ertmp_session_kind ertmp_session_kind_of (guint8 type_id);

ertmp_session_qevent * ertmp_session_push_event (
    ertmp_session * s, ertmp_session_event_type type, guint32 msid);
const gchar * ertmp_session_qevent_keep (
    ertmp_session_qevent * q, const gchar * str);
void ertmp_session_push_warning (ertmp_session * s, ertmp_result res,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);
void ertmp_session_push_command (
    ertmp_session * s, const ertmp_session_cmd * cmd);
/* A new array holding references to @values from index @from on */
GPtrArray * ertmp_session_values_slice (GPtrArray * values, guint from);

/* ertmp_session_input.c: the messages received */
/* Acts on a complete message of the chunk reader (whose payload it may
 * take); fails the session on a fatal error. */
ertmp_result ertmp_session_on_message (
    ertmp_session * s, const ertmp_chunk_message * msg);
/* Queues the event of the aggregate's next sub-message, or ends it */
void ertmp_session_aggregate_next (ertmp_session * s);
/* Argument @i of a command: 0 = command object, 1 = first argument. */
const ertmp_amf_value * ertmp_session_cmd_arg (
    const ertmp_session_cmd * cmd, guint i);
const gchar * ertmp_session_cmd_arg_string (
    const ertmp_session_cmd * cmd, guint i);
/* Argument @i as a message stream id: FALSE unless it is a number from 0
 * to G_MAXUINT32 (a fraction is dropped) */
gboolean ertmp_session_cmd_arg_msid (
    const ertmp_session_cmd * cmd, guint i, guint32 * msid);
/* OBJECT or ECMA_ARRAY (command objects arrive as either, rtmp.md 7.1) */
gboolean ertmp_session_is_object (const ertmp_amf_value * v);

/* ertmp_session_server.c */
ertmp_result ertmp_session_server_command (
    ertmp_session * s, const ertmp_session_cmd * cmd);
ertmp_result ertmp_session_server_close (ertmp_session * s);
ertmp_session_stream * ertmp_session_server_find_stream (
    ertmp_session * s, guint32 msid);
ertmp_session_stream * ertmp_session_server_new_stream (
    ertmp_session * s, guint32 msid);
/* @before, @name up to its "?query" (keys are never sent back), @after */
gchar * ertmp_session_server_describe (
    const gchar * before, const gchar * name, const gchar * after);
void ertmp_session_server_send_status (ertmp_session * s, guint32 csid,
    guint32 msid, const gchar * level, const gchar * code,
    const gchar * description);
/* A publish or play refused: onStatus level "error" @code on @st's msid,
 * the stream ENDED, the session CLOSING (LIMIT: no room, nothing sent) */
ertmp_result ertmp_session_server_refuse (ertmp_session * s,
    ertmp_session_stream * st, const gchar * code, const gchar * description);
/* When the connect's secureToken challenge went unanswered: refuses @st
 * with @code and an ERROR event for @command, TRUE; else FALSE */
gboolean ertmp_session_server_refuse_token (ertmp_session * s,
    ertmp_session_stream * st, const gchar * command, const gchar * code);

/* ertmp_session_play.c: playing, both roles */
ertmp_result ertmp_session_server_on_play (
    ertmp_session * s, const ertmp_session_cmd * cmd);
/* StreamEOF + onStatus NetStream.Play.Stop (or UnpublishNotify when
 * @unpublished); the stream ENDED.  Room is the caller's to check. */
void ertmp_session_server_stop_play (
    ertmp_session * s, ertmp_session_stream * st, gboolean unpublished);
/* Client: createStream once connected, play once it is created */
void ertmp_session_client_send_play_create (ertmp_session * s);
ertmp_result ertmp_session_client_on_play_created (
    ertmp_session * s, const ertmp_session_cmd * cmd);

/* ertmp_session_auth.c.  Server: TRUE when the connect (with s->app and
 * s->tc_url set) may go on (their auth query then stripped); FALSE when it
 * was refused (reply, ERROR event, CLOSING). */
gboolean ertmp_session_server_check_auth (ertmp_session * s, gdouble txn);
/* Server: secureToken in the connect _result's info object, if any */
void ertmp_session_server_add_token_challenge (
    ertmp_session * s, ertmp_amf_value * info);
void ertmp_session_server_on_token_response (
    ertmp_session * s, const ertmp_session_cmd * cmd);
gboolean ertmp_session_server_token_ok (const ertmp_session * s);
/* Client: answers the connect _result @info's secureToken, if any */
void ertmp_session_client_answer_token (
    ertmp_session * s, const ertmp_amf_value * info);

/* ertmp_session_client.c */
/* A client that may still ask to publish or play (one of the two) */
gboolean ertmp_session_client_may_start (const ertmp_session * s);
ertmp_result ertmp_session_client_command (
    ertmp_session * s, const ertmp_session_cmd * cmd);
ertmp_result ertmp_session_client_handshake_done (ertmp_session * s);
ertmp_result ertmp_session_client_close (ertmp_session * s);
void ertmp_session_client_clear (ertmp_session * s);

G_END_DECLS

#endif /* ERTMP_SESSION_PRIVATE_H */
