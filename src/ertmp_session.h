/* gst-ertmp: one RTMP connection, client or server role (sans-I/O)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Bytes in, events out; calls in, bytes out (rtmp.md 2-9, ertmp.md 9-10).
 * The session runs the handshake, the chunk stream, protocol control
 * (chunk size, abort, acknowledgements, windows), user control (pings are
 * answered), aggregates, timestamp unwrapping and the connect/publish
 * command flows.  It never blocks, reads no clock (times are parameters) and
 * never logs.  No callbacks: the caller pumps it.
 *
 *   receive (bytes) -> consumed     then   next_event () until NEED_MORE
 *   pending_output () -> bytes      then   output_written (n)
 *
 * receive() stops after the first message that produced an event, and
 * consumes nothing while events are pending: drain next_event() until
 * NEED_MORE, then call receive() again with the unconsumed rest.  After each
 * receive() or call, send what pending_output() returns.
 *
 * Errors: a protocol violation by the peer gives MALFORMED or LIMIT and
 * leaves the session FAILED; ertmp_session_get_error() then says which
 * message, command, field or limit (with its value).  One session serves one
 * connection: create a new one for every connection.
 */
#ifndef ERTMP_SESSION_H
#define ERTMP_SESSION_H

#include <glib.h>
#include "ertmp_result.h"
#include "ertmp_limits.h"
#include "ertmp_amf.h"
#include "ertmp_caps.h"

G_BEGIN_DECLS

/* message type ids (rtmp.md 4) */
#define ERTMP_MSG_SET_CHUNK_SIZE 1u
#define ERTMP_MSG_ABORT 2u
#define ERTMP_MSG_ACK 3u
#define ERTMP_MSG_USER_CONTROL 4u
#define ERTMP_MSG_WINDOW_ACK_SIZE 5u
#define ERTMP_MSG_SET_PEER_BANDWIDTH 6u
#define ERTMP_MSG_AUDIO 8u
#define ERTMP_MSG_VIDEO 9u
#define ERTMP_MSG_DATA_AMF3 15u
#define ERTMP_MSG_COMMAND_AMF3 17u
#define ERTMP_MSG_DATA_AMF0 18u
#define ERTMP_MSG_COMMAND_AMF0 20u
#define ERTMP_MSG_AGGREGATE 22u

/* user control event types (rtmp.md 6) */
#define ERTMP_UC_STREAM_BEGIN 0u
#define ERTMP_UC_STREAM_EOF 1u
#define ERTMP_UC_STREAM_DRY 2u
#define ERTMP_UC_SET_BUFFER_LENGTH 3u
#define ERTMP_UC_STREAM_IS_RECORDED 4u
#define ERTMP_UC_PING_REQUEST 6u
#define ERTMP_UC_PING_RESPONSE 7u
#define ERTMP_UC_BUFFER_EMPTY 31u
#define ERTMP_UC_BUFFER_READY 32u

/* bytes; rtmp.md 5: Window Ack Size / Set Peer Bandwidth we announce, and
 * the window we ack by when the peer never announced one */
#define ERTMP_SESSION_WINDOW_DEFAULT 2500000u

/* client teardown commands (rtmp.md 7.2; the values of rtmp2sink's
 * stop-commands flags) */
#define ERTMP_SESSION_STOP_FCUNPUBLISH 0x1u
#define ERTMP_SESSION_STOP_CLOSESTREAM 0x2u /* Flash NetStream.close() */
#define ERTMP_SESSION_STOP_DELETESTREAM 0x4u

typedef enum
{
  ERTMP_SESSION_CLIENT,
  ERTMP_SESSION_SERVER,
} ertmp_session_role;

typedef enum
{
  ERTMP_SESSION_STATE_HANDSHAKE,
  ERTMP_SESSION_STATE_CONNECTING, /* handshake done, connect pending */
  ERTMP_SESSION_STATE_CONNECTED, /* connect answered */
  ERTMP_SESSION_STATE_PUBLISHING, /* client: Publish.Start received;
                                   * server: a publish was accepted */
  ERTMP_SESSION_STATE_CLOSING, /* send the pending output, then close the
                                * socket; input is discarded */
  ERTMP_SESSION_STATE_FAILED, /* protocol error: see get_error */
} ertmp_session_state;

/* Server: the Adobe or Limelight authentication (ertmp_auth.h) a connect
 * must pass.  Strings copied.  The client reconnects between the steps:
 * give every connection of one login the same salt, challenge and opaque. */
typedef struct
{
  const gchar * user;
  const gchar * password;
  const gchar * salt;
  const gchar * challenge;
  const gchar * opaque; /* NULL: none sent (the client then hashes the
                         * challenge) */
  gboolean llnw; /* authmod=llnw: the challenge is the nonce; salt and
                  * opaque unused */
} ertmp_session_auth;

typedef struct
{
  ertmp_session_role role;
  ertmp_limits limits;
  guint32 handshake_time; /* ms, C1/S1 time field */
  guint32 handshake_seed; /* seeds the C1/S1 random bytes */
  /* our outgoing chunk size (1..0x7FFFFFFF), announced with Set Chunk Size
   * by the server in its connect reply, by the client just before connect
   * when larger than 128, after createStream (the last message before a
   * reply is awaited) when smaller.  Default 4096. */
  guint32 chunk_size;
  /* server: the Window Ack Size and Set Peer Bandwidth (dynamic) sent in
   * the connect reply.  Default ERTMP_SESSION_WINDOW_DEFAULT. */
  guint32 window_ack_size;
  /* our E-RTMP capabilities (copied; NULL or empty = legacy peer): client in
   * the connect command object, server in the connect _result Properties */
  const ertmp_caps * caps;
  /* server: fmsVer in the connect _result; default "FMS/3,0,1,123" */
  const gchar * fms_ver;
  /* bytes: we acknowledge every this many bytes received until the peer
   * announces its own Window Ack Size; 0: not before it asks.  Default
   * ERTMP_SESSION_WINDOW_DEFAULT (rtmp.md 5).  An ingest server may set 0:
   * FFmpeg never announces a window nor reads before close(), and an ack
   * arriving after its last read turns its close() into a reset that
   * loses its last tags. */
  guint32 default_window_in;
  /* client: the teardown commands close() sends, ERTMP_SESSION_STOP_*;
   * default FCUNPUBLISH | DELETESTREAM (what FFmpeg and rtmp2sink send) */
  guint stop_commands;
  /* server: NULL, or the authentication every connect must pass:
   * a connect without it, or with a wrong response, is refused with
   * _error NetConnection.Connect.Rejected (the descriptions of
   * ertmp_auth.h), an ERROR event follows and the session is CLOSING */
  const ertmp_session_auth * auth;
  /* server: NULL, or the SecureToken shared with the client: the connect
   * _result carries a secureToken challenge (from handshake_seed) and a
   * publish is refused (NetStream.Publish.Unauthorized) unless the
   * client's secureTokenResponse solved it */
  const gchar * secure_token;
} ertmp_session_config;

/* Client connect parameters (rtmp.md 7.2).  Strings copied. */
typedef struct
{
  const gchar * tc_url; /* required: rtmp://host[:port]/app */
  const gchar * app; /* required */
  const gchar * flash_ver; /* NULL: "FMLE/3.0 (compatible; FMSc/1.0)" */
  const gchar * swf_url; /* NULL: not sent */
  /* NULL, or an OBJECT whose properties are appended to the command object
   * after app, type, flashVer, tcUrl, swfUrl and the E-RTMP caps */
  const ertmp_amf_value * extra;
  /* NULL, or ertmp_amf_value * appended after the command object (user
   * arguments, librtmp "conn=") */
  const GPtrArray * args;
  /* NULL, or the SecureToken (ertmp_auth.h) to answer a connect _result's
   * secureToken challenge with; a challenge without it gives an ERROR
   * event (command "secureToken") and CLOSING */
  const gchar * secure_token;
} ertmp_session_connect_params;

typedef enum
{
  ERTMP_SESSION_EVENT_NONE = 0,
  /* server: the peer's connect was answered (app, tcUrl, flashVer,
   * objectEncoding, caps).  client: the connect _result arrived (fmsVer,
   * server caps merged from both _result objects) */
  ERTMP_SESSION_EVENT_CONNECTED,
  /* server: publish on msid; answer with accept_publish/reject_publish */
  ERTMP_SESSION_EVENT_PUBLISH_REQUEST,
  /* client: NetStream.Publish.Start arrived; send_media may be used */
  ERTMP_SESSION_EVENT_PUBLISH_STARTED,
  /* audio (8) or video (9) message, also from an aggregate */
  ERTMP_SESSION_EVENT_MEDIA,
  /* data message (18, or 15 with AMF3), @setDataFrame stripped */
  ERTMP_SESSION_EVENT_DATA,
  /* server: FCUnpublish, closeStream or deleteStream ended a stream that
   * was publishing or waiting for an answer (once per stream) */
  ERTMP_SESSION_EVENT_END_OF_STREAM,
  /* StreamBegin/EOF/Dry, SetBufferLength, StreamIsRecorded, BufferEmpty,
   * BufferReady, PingResponse (value = the value we sent: the caller
   * computes the round trip); PingRequest is answered, not surfaced */
  ERTMP_SESSION_EVENT_USER_CONTROL,
  /* client: an onStatus or a non-fatal _error not handled otherwise */
  ERTMP_SESSION_EVENT_STATUS,
  /* client: _error for connect/createStream/publish/play, or an onStatus
   * with level "error": the session is CLOSING.  server: a connect we
   * refused (authentication, see ertmp_session_config.auth; command
   * "connect"), or a publish or play refused for a missing or wrong
   * secureTokenResponse (command "publish" or "play", on its msid) */
  ERTMP_SESSION_EVENT_ERROR,
  /* client: NetConnection.Connect.ReconnectRequest (ertmp.md 10) */
  ERTMP_SESSION_EVENT_RECONNECT_REQUEST,
  /* a command the session does not handle itself (receiveAudio, pause,
   * getStreamLength, onBWDone, ...) */
  ERTMP_SESSION_EVENT_COMMAND,
  /* a non-fatal problem with the peer's data: truncated aggregate,
   * undecodable data message (dropped) */
  ERTMP_SESSION_EVENT_WARNING,
  /* server: play on msid; answer with accept_play/reject_play.  On a
   * stream already playing it replaces that play (PLAY_ENDED first) */
  ERTMP_SESSION_EVENT_PLAY_REQUEST,
  /* client: NetStream.Play.Start arrived; media follow as MEDIA/DATA */
  ERTMP_SESSION_EVENT_PLAY_STARTED,
  /* server: closeStream, deleteStream or a new play ("play") ended a
   * stream that was playing or waiting for an answer
   * (end_of_stream.command); FCUnpublish leaves playing streams alone */
  ERTMP_SESSION_EVENT_PLAY_ENDED,
} ertmp_session_event_type;

/* One event.  Every pointer is borrowed from the session and valid until
 * the next call to ertmp_session_next_event(), ertmp_session_receive() or
 * ertmp_session_free(); g_bytes_ref() / ertmp_amf_value_ref() to keep. */
typedef struct
{
  ertmp_session_event_type type;
  guint32 msid; /* message stream; 0 = NetConnection */
  union
  {
    struct
    {
      const gchar * app; /* server: connect.app, NULL if absent */
      const gchar * tc_url; /* server: connect.tcUrl */
      const gchar * flash_ver; /* server: connect.flashVer */
      const gchar * fms_ver; /* client: _result fmsVer */
      const gchar * description; /* client: _result description */
      guint object_encoding; /* 0 or 3 */
      const ertmp_caps * caps; /* the peer's E-RTMP caps (maybe empty) */
    } connected;
    struct
    {
      const gchar * name; /* publishing name, "?query" kept */
      const gchar * type; /* "live", "record" or "append" */
    } publish; /* PUBLISH_REQUEST, PUBLISH_STARTED */
    struct
    {
      guint8 type_id; /* ERTMP_MSG_AUDIO or ERTMP_MSG_VIDEO */
      gint64 timestamp; /* ms, unwrapped per msid */
      GBytes * payload; /* FLV tag body, not copied */
    } media;
    struct
    {
      guint8 type_id; /* ERTMP_MSG_DATA_AMF0 or _AMF3 */
      gint64 timestamp; /* ms, unwrapped per msid */
      const gchar * name; /* first value, e.g. "onMetaData"; NULL
                           * when it is not a string */
      GPtrArray * values; /* ertmp_amf_value *: values after the name */
      /* the message after the format byte (type 15) and every leading
       * "@setDataFrame": exactly an FLV script tag body */
      GBytes * payload;
    } data;
    struct
    {
      const gchar * name; /* stream name, "?query" kept */
      /* seconds: -2 live or recorded (the default, and any negative
       * value but -1: FFmpeg sends -2000), -1 live only, >= 0 recorded
       * from there */
      gdouble start;
      gdouble duration; /* seconds, -1 (the default): to the end */
      gboolean reset; /* default TRUE */
    } play; /* PLAY_REQUEST, PLAY_STARTED (name only) */
    struct
    {
      const gchar * command; /* "FCUnpublish", "closeStream" or
                              * "deleteStream" */
    } end_of_stream; /* END_OF_STREAM, PLAY_ENDED */
    struct
    {
      guint16 type; /* ERTMP_UC_* */
      guint32 value; /* stream id, or the ping value */
      guint32 buffer_ms; /* SetBufferLength only */
    } user_control;
    struct
    {
      const gchar * command; /* "onStatus", or the command a _error
                              * answers ("connect", "FCPublish"...) */
      const gchar * level; /* "status", "warning", "error" or NULL */
      const gchar * code;
      const gchar * description;
    } status; /* STATUS, ERROR */
    struct
    {
      const gchar * tc_url; /* resolved against the current tcUrl */
      const gchar * description; /* NULL if absent */
    } reconnect;
    struct
    {
      const gchar * name;
      gdouble txn;
      GPtrArray * args; /* ertmp_amf_value *: command object and
                         * arguments (after the txn) */
    } command;
    struct
    {
      ertmp_result result;
      const gchar * message;
    } warning;
  };
} ertmp_session_event;

/* Kinds of messages counted in the stats; aggregate sub-messages count
 * both as AGGREGATE (once) and under their own kind. */
typedef enum
{
  ERTMP_SESSION_KIND_CONTROL, /* types 1, 2, 3, 5, 6 */
  ERTMP_SESSION_KIND_USER_CONTROL,
  ERTMP_SESSION_KIND_COMMAND,
  ERTMP_SESSION_KIND_DATA,
  ERTMP_SESSION_KIND_AUDIO,
  ERTMP_SESSION_KIND_VIDEO,
  ERTMP_SESSION_KIND_AGGREGATE,
  ERTMP_SESSION_KIND_OTHER, /* skipped types */
  ERTMP_SESSION_N_KINDS,
} ertmp_session_kind;

typedef struct
{
  guint64 bytes_in, bytes_out; /* all bytes, handshake included */
  guint64 messages_in[ERTMP_SESSION_N_KINDS];
  guint64 messages_out[ERTMP_SESSION_N_KINDS];
  guint64 acks_in, acks_out;
  guint32 last_ack_in; /* sequence number of the peer's last ack */
  guint32 chunk_size_in, chunk_size_out;
  guint32 window_in; /* we ack every window_in bytes received */
  guint32 window_out; /* Window Ack Size we last sent, 0 = none */
  guint32 peer_bandwidth; /* limit from the peer's Set Peer
                           * Bandwidth, 0 = none */
  /* server: from the client's connect; client: what we connected to, and
   * the server's fmsVer as peer_flash_ver.  Valid until free, NULL when
   * unknown. */
  const gchar *tc_url, *app, *peer_flash_ver;
  const ertmp_caps *local_caps, *peer_caps;
} ertmp_session_stats;

typedef struct _ertmp_session ertmp_session;

/* Defaults for @role (see the fields). */
void ertmp_session_config_init (
    ertmp_session_config * cfg, ertmp_session_role role);
/* A client has C0+C1 pending at once. */
ertmp_session * ertmp_session_new (const ertmp_session_config * cfg);
void ertmp_session_free (ertmp_session * s);

/* Feeds bytes from the peer; *consumed is always set.  OK: events may be
 * ready.  MALFORMED / UNSUPPORTED / LIMIT: the session is FAILED.  STATE:
 * called on a FAILED session.  In CLOSING all input is consumed and
 * dropped. */
ertmp_result ertmp_session_receive (
    ertmp_session * s, const guint8 * data, gsize len, gsize * consumed);
/* OK and *ev filled, or NEED_MORE when no event is pending. */
ertmp_result ertmp_session_next_event (
    ertmp_session * s, ertmp_session_event * ev);
/* Bytes to send (NULL, *len 0 when none); view valid until the next call
 * other than pending_output. */
const guint8 * ertmp_session_pending_output (ertmp_session * s, gsize * len);
void ertmp_session_output_written (ertmp_session * s, gsize n);
/* The caller sent @n bytes of standalone chunks on @csid itself
 * (ertmp_chunk_write_standalone, at the session's chunk_size_out), after
 * everything pending_output had given: a fan-out writes one copy of each
 * message to many connections.  They count in bytes_out (not in
 * messages_out), and the session's next message on @csid starts with a
 * full header.  Use a csid the session does not write on meanwhile, or
 * call this before it writes there again. */
void ertmp_session_external_output (ertmp_session * s, guint32 csid, gsize n);

ertmp_session_state ertmp_session_get_state (const ertmp_session * s);
/* The error that made the session FAILED (OK if none); *limit is the limit
 * hit for LIMIT, *message e.g. "publish: stream name is not a string" or
 * "chunk stream: maximum message size is 16777215 bytes" (valid until free).
 * Either out parameter may be NULL. */
ertmp_result ertmp_session_get_error (
    const ertmp_session * s, ertmp_limit_id * limit, const gchar ** message);
void ertmp_session_get_stats (
    const ertmp_session * s, ertmp_session_stats * stats);
/* Replaces the input and output limits (the config's, copied) for what
 * comes next, except max_streams, fixed at creation.  A server starts a
 * connection with small limits and raises them once it accepted the
 * peer's publish, so that a peer without the key cannot make it hold a
 * large message. */
void ertmp_session_set_limits (ertmp_session * s, const ertmp_limits * limits);

/* ---- calls: STATE when not valid in the current state or role; LIMIT
 * (nothing queued, session still usable) when the output would exceed
 * max_output_bytes: send pending output first. ---- */

/* Both roles.  PingRequest with @value (e.g. the caller's clock in ms). */
ertmp_result ertmp_session_ping (ertmp_session * s, guint32 value);
/* Sends Set Chunk Size, then uses @size (1..0x7FFFFFFF) for what follows. */
ertmp_result ertmp_session_set_chunk_size (ertmp_session * s, guint32 size);
/* Sends one message as is (e.g. an aggregate); for tests and odd peers. */
ertmp_result ertmp_session_send_raw (ertmp_session * s, guint32 csid,
    guint8 type_id, guint32 msid, guint32 timestamp, const guint8 * data,
    gsize len);
/* Graceful end.  Server: StreamEOF + onStatus NetStream.Unpublish.Success
 * on a publishing stream, StreamEOF + NetStream.Play.Stop on a playing
 * one.  Client: the configured stop commands (FCUnpublish, closeStream,
 * deleteStream) when publishing, deleteStream when playing.  Then
 * CLOSING. */
ertmp_result ertmp_session_close (ertmp_session * s);

/* Server.  StreamBegin(msid) + onStatus NetStream.Publish.Start on msid. */
ertmp_result ertmp_session_accept_publish (ertmp_session * s, guint32 msid);

typedef enum
{
  ERTMP_SESSION_REJECT_BAD_NAME, /* NetStream.Publish.BadName */
  ERTMP_SESSION_REJECT_UNAUTHORIZED, /* NetStream.Publish.Unauthorized */
} ertmp_session_reject;

/* Server.  onStatus level "error" with @description (NULL: a default) on
 * msid, then CLOSING: flush the output and close the socket. */
ertmp_result ertmp_session_reject_publish (ertmp_session * s, guint32 msid,
    ertmp_session_reject reason, const gchar * description);
/* Server.  StreamBegin(msid), onStatus NetStream.Play.Reset (when the play
 * asked for a reset), onStatus NetStream.Play.Start and the data message
 * |RtmpSampleAccess (true, true) on msid (rtmp.md 7.3).  Then send the
 * stream with send_play_message: onMetaData, sequence headers, media. */
ertmp_result ertmp_session_accept_play (ertmp_session * s, guint32 msid);

typedef enum
{
  ERTMP_SESSION_PLAY_NOT_FOUND, /* NetStream.Play.StreamNotFound */
  ERTMP_SESSION_PLAY_FAILED, /* NetStream.Play.Failed */
} ertmp_session_play_reject;

/* Server.  onStatus level "error" with @description (NULL: a default) on
 * msid, then CLOSING: flush the output and close the socket. */
ertmp_result ertmp_session_reject_play (ertmp_session * s, guint32 msid,
    ertmp_session_play_reject reason, const gchar * description);
/* Server, a playing stream.  StreamEOF(msid) and onStatus
 * NetStream.Play.Stop, or NetStream.Play.UnpublishNotify when
 * @unpublished (its publisher left); the session stays connected. */
ertmp_result ertmp_session_end_play (
    ertmp_session * s, guint32 msid, gboolean unpublished);
/* Server, a playing stream.  Audio (8, csid 5), video (9, csid 6) or AMF0
 * data (18, csid 4) as is: an FLV tag body (data without
 * "@setDataFrame", rtmp.md 7.4); @timestamp in ms, written mod 2^32. */
ertmp_result ertmp_session_send_play_message (ertmp_session * s, guint32 msid,
    guint8 type_id, gint64 timestamp, const guint8 * data, gsize len);

/* Server, E-RTMP.  onStatus NetConnection.Connect.ReconnectRequest on msid
 * 0 with @description and @tc_url when not NULL (test-vectors.md 3.9).
 * Only clients that advertised capsEx & ERTMP_CAPS_EX_RECONNECT act on it
 * (check the CONNECTED event's caps); it is sent regardless.  The session
 * keeps working until the client leaves. */
ertmp_result ertmp_session_request_reconnect (
    ertmp_session * s, const gchar * tc_url, const gchar * description);

/* Client.  Sends connect (preceded by Set Chunk Size when configured) as
 * soon as the handshake is done; may be called right after new(). */
ertmp_result ertmp_session_connect (
    ertmp_session * s, const ertmp_session_connect_params * params);
/* Client, after connect().  releaseStream, FCPublish and createStream go
 * out back-to-back once connected, publish(@name, @type: NULL = "live") on
 * the created stream after its _result; PUBLISH_STARTED follows. */
ertmp_result ertmp_session_publish (
    ertmp_session * s, const gchar * name, const gchar * type);
/* Client, after connect(), instead of publish().  createStream once
 * connected, then play(@name, start -2) on the created stream followed by
 * SetBufferLength(@buffer_ms); PLAY_STARTED follows, then the stream as
 * MEDIA and DATA events.  close() sends deleteStream. */
ertmp_result ertmp_session_play (
    ertmp_session * s, const gchar * name, guint32 buffer_ms);
/* Client, PUBLISHING.  Audio (csid 5) or video (csid 6) FLV tag body;
 * @timestamp in ms, written mod 2^32. */
ertmp_result ertmp_session_send_media (ertmp_session * s, guint8 type_id,
    gint64 timestamp, const guint8 * data, gsize len);
/* Client, PUBLISHING.  An FLV script tag body on csid 4 as type 18, or 15
 * (the format byte is added); "@setDataFrame" is prepended when it starts
 * with the string "onMetaData". */
ertmp_result ertmp_session_send_data (ertmp_session * s, guint8 type_id,
    gint64 timestamp, const guint8 * data, gsize len);

G_END_DECLS

#endif /* ERTMP_SESSION_H */
