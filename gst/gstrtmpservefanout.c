/* gst-ertmp: rtmpservesink's players, on the server's I/O thread
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The stream is a log of tags shared by every player: each player is a
 * cursor into it (plus the stream headers it must get first), so a tag
 * costs one reference however many players there are, and its chunks are
 * made once per chunk size and stream id.  The log keeps what the
 * slowest player has not been sent and, with gop-cache, everything from
 * the latest video key frame, so that a player who joins decodes its
 * first frame.
 *
 * Slow players: a player whose unsent part of the log spans more than
 * max-player-queue-time or max-player-queue-bytes skips to the latest key
 * frame (or, when there is none after its cursor, waits for the next
 * one), with the stream headers it passed over; the frames it passed
 * over are counted.  One still behind slow-player-timeout after it first
 * skipped is dropped ("too-slow").  Nothing here waits for a socket.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstrtmpservesink.h"
#include "gstertmptag.h"
#include "gstertmpredact.h"
#include "ertmp_chunk.h"
#include "ertmp_amf.h"
#include "ertmp_amf0.h"

GST_DEBUG_CATEGORY_EXTERN (gst_rtmp_serve_sink_debug);
#define GST_CAT_DEFAULT gst_rtmp_serve_sink_debug

/* vectors per write call */
#define MAX_VECTORS 64
/* the chunk stream ids of a playing stream (ertmp_session.h) */
#define CSID_DATA 4
#define CSID_AUDIO 5
#define CSID_VIDEO 6

/* ---- items ---- */

void
gst_rtmp_serve_item_unref (GstRtmpServeItem * item)
{
  GSList *l;

  if (item == NULL || --item->refs > 0)
    return;
  for (l = item->chunks; l != NULL; l = l->next) {
    GstRtmpServeChunks *c = l->data;

    g_bytes_unref (c->bytes);
    g_free (c);
  }
  g_slist_free (item->chunks);
  gst_clear_buffer (&item->body);
  g_free (item->codecs);
  g_free (item);
}

static GstRtmpServeItem *
item_ref (GstRtmpServeItem * item)
{
  item->refs++;
  return item;
}

static guint32
csid_of (guint8 type)
{
  return type == 8 ? CSID_AUDIO : type == 9 ? CSID_VIDEO : CSID_DATA;
}

/* The message body back from chunks of it (ertmp_chunk_write_standalone:
 * a one-byte basic header, as csids 4 to 6 take, and an 11-byte message
 * header; continuation chunks have a one-byte header; each repeats the
 * extended timestamp when there is one). */
static GBytes *
body_of_chunks (const GstRtmpServeChunks * c, gsize size)
{
  gsize len, off, left = size, n;
  const guint8 *d = g_bytes_get_data (c->bytes, &len);
  GByteArray *out = g_byte_array_sized_new (size);
  gboolean ext = len >= 4 && d[1] == 0xff && d[2] == 0xff && d[3] == 0xff;

  off = 12 + (ext ? 4 : 0);
  while (left > 0 && off < len) {
    n = MIN (MIN (left, c->chunk_size), len - off);
    g_byte_array_append (out, d + off, n);
    off += n + 1 + (ext ? 4 : 0);
    left -= n;
  }
  return g_byte_array_free_to_bytes (out);
}

/* The item as chunks for @chunk_size and @msid, made on first use.  The
 * first ones take the place of the body: a tag is held once. */
static GBytes *
item_chunks (GstRtmpServeItem * item, guint32 chunk_size, guint32 msid)
{
  GstRtmpServeChunks *c;
  GByteArray *out;
  GstMapInfo map;
  GBytes *body;
  GSList *l;

  for (l = item->chunks; l != NULL; l = l->next) {
    c = l->data;
    if (c->chunk_size == chunk_size && c->msid == msid)
      return c->bytes;
  }
  out = g_byte_array_sized_new (item->size + 16 + item->size / chunk_size);
  if (item->body != NULL && gst_buffer_map (item->body, &map,
          GST_MAP_READ)) {
    ertmp_chunk_write_standalone (out, chunk_size, csid_of (item->type),
        item->type, msid, (guint32) item->ms, map.data, map.size);
    gst_buffer_unmap (item->body, &map);
    gst_clear_buffer (&item->body);
  } else if (item->chunks != NULL) {
    body = body_of_chunks (item->chunks->data, item->size);
    ertmp_chunk_write_standalone (out, chunk_size, csid_of (item->type),
        item->type, msid, (guint32) item->ms, g_bytes_get_data (body, NULL),
        g_bytes_get_size (body));
    g_bytes_unref (body);
  }
  c = g_new0 (GstRtmpServeChunks, 1);
  c->chunk_size = chunk_size;
  c->msid = msid;
  c->bytes = g_byte_array_free_to_bytes (out);
  item->chunks = g_slist_prepend (item->chunks, c);
  return c->bytes;
}

/* ---- the log ---- */

static GstRtmpServeItem *
log_item (GstRtmpServeSink * sink, guint64 seq)
{
  if (seq < sink->log_first || seq - sink->log_first >= sink->log->len)
    return NULL;
  return g_ptr_array_index (sink->log, seq - sink->log_first);
}

static guint64
log_end (GstRtmpServeSink * sink)
{
  return sink->log_first + sink->log->len;
}

static GstRtmpServeItem *
log_tail (GstRtmpServeSink * sink)
{
  return sink->log->len ? g_ptr_array_index (sink->log, sink->log->len - 1)
      : NULL;
}

/* Keeps the latest copy of each stream header (arrival order). */
static void
keep_header (GstRtmpServeSink * sink, GstRtmpServeItem * item)
{
  guint i;

  for (i = 0; i < sink->headers->len; i++) {
    GstRtmpServeItem *old = g_ptr_array_index (sink->headers, i);

    if (old->header_key == item->header_key) {
      g_ptr_array_index (sink->headers, i) = item_ref (item);
      gst_rtmp_serve_item_unref (old);
      return;
    }
  }
  g_ptr_array_add (sink->headers, item_ref (item));
}

/* No GOP cache until the next key frame */
static void
forget_keys (GstRtmpServeSink * sink)
{
  guint t;

  for (t = 0; t < G_N_ELEMENTS (sink->key_seq); t++)
    sink->key_seq[t] = -1;
  sink->gop_seq = -1;
}

/* Drops the items before @keep (the first any player needs) that the GOP
 * cache does not keep. */
static void
trim_log_before (GstRtmpServeSink * sink, guint64 keep)
{
  GstRtmpServeItem *tail = log_tail (sink), *gop;
  guint max_bytes, max_time;

  GST_OBJECT_LOCK (sink);
  max_bytes = sink->gop_cache_max_bytes;
  max_time = sink->max_player_queue_time;
  GST_OBJECT_UNLOCK (sink);
  /* a GOP longer than that, or than a player may lag, is not cached: a
   * late joiner waits for the next key frame instead */
  gop = sink->gop_seq >= 0 ? log_item (sink, sink->gop_seq) : NULL;
  if (gop != NULL && tail != NULL && (tail->end - gop->end + gop->size >
          max_bytes || tail->ms - gop->ms > (gint64) max_time))
    forget_keys (sink);
  if (sink->gop_seq >= 0)
    keep = MIN (keep, (guint64) sink->gop_seq);
  if (keep > sink->log_first) {
    guint n = MIN (keep - sink->log_first, sink->log->len);

    g_ptr_array_remove_range (sink->log, 0, n);
    sink->log_first += n;
  }
}

/* Drops what no player needs and the GOP cache does not keep. */
static void
trim_log (GstRtmpServeSink * sink)
{
  guint64 keep = log_end (sink);
  GList *l;

  for (l = sink->players.head; l != NULL; l = l->next)
    keep = MIN (keep, ((GstRtmpServePlayer *) l->data)->next);
  trim_log_before (sink, keep);
}

/* ---- players ---- */

static void
post_player (GstRtmpServePlayer * p, const gchar * name,
    const gchar * reason)
{
  gst_rtmp_serve_sink_post (p->sink, gst_structure_new (name,
          "peer-address", G_TYPE_STRING, p->address,
          "reason", G_TYPE_STRING, reason,
          "bytes", G_TYPE_UINT64, p->bytes,
          "frames", G_TYPE_UINT64, p->frames,
          "skipped-frames", G_TYPE_UINT64, p->skipped,
          "duration", G_TYPE_UINT64, (guint64) (g_get_monotonic_time () -
              p->joined_at) * GST_USECOND, NULL));
}

static gchar *
ip_of (const gchar * address)
{
  const gchar *colon = strrchr (address, ':');

  return colon ? g_strndup (address, colon - address) : g_strdup (address);
}

static void
count_address (GstRtmpServeSink * sink, const gchar * address, gint delta)
{
  gchar *ip = ip_of (address);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (sink->per_address, ip));

  n = delta > 0 ? n + 1 : n - 1;
  if (n == 0)
    g_hash_table_remove (sink->per_address, ip);
  else
    g_hash_table_insert (sink->per_address, g_strdup (ip),
        GUINT_TO_POINTER (n));
  g_free (ip);
}

static void
player_free (GstRtmpServePlayer * p)
{
  GstRtmpServeSink *sink = p->sink;

  g_queue_unlink (&sink->players, &p->link);
  count_address (sink, p->address, -1);
  if (p->end != G_MAXUINT64) {
    g_mutex_lock (&sink->eos_lock);
    sink->ending--;
    g_cond_broadcast (&sink->eos_cond);
    g_mutex_unlock (&sink->eos_lock);
  }
  if (p->peer != NULL)
    p->peer->player = NULL;
  gst_rtmp_serve_item_unref (p->cur);
  g_ptr_array_unref (p->intro);
  g_free (p->address);
  g_free (p->fourccs);
  g_free (p->flash_ver);
  g_free (p);
}

/* Where a player is: its intro position, its log position and what it
 * waits for.  Peeking ahead works on a copy. */
typedef struct
{
  guint ipos;
  guint64 next;
  guint64 wait[4];
  gboolean started;
  guint64 skipped;              /* frames passed over while waiting */
} Cursor;

#define TRACK_WAITS(w, t) (((w)[(t) >> 6] >> ((t) & 63)) & 1)
#define TRACK_CLEAR(w, t) ((w)[(t) >> 6] &= ~(G_GUINT64_CONSTANT (1) << ((t) & 63)))
#define TRACK_SET(w, t) ((w)[(t) >> 6] |= G_GUINT64_CONSTANT (1) << ((t) & 63))

static void
cursor_get (GstRtmpServePlayer * p, Cursor * c)
{
  c->ipos = p->intro_pos;
  c->next = p->next;
  memcpy (c->wait, p->wait, sizeof (c->wait));
  c->started = p->started;
  c->skipped = 0;
}

static void
cursor_set (GstRtmpServePlayer * p, const Cursor * c)
{
  p->intro_pos = c->ipos;
  p->next = c->next;
  memcpy (p->wait, c->wait, sizeof (p->wait));
  p->started = c->started;
  /* a joiner's partial GOP is not a skip; a slow player's wait is */
  if (p->behind_since != 0)
    p->skipped += c->skipped;
}

/* From here on @p needs a key frame of every video track (the frames of
 * each before its key frame go), and audio waits for the first. */
static void
wait_for_keys (GstRtmpServePlayer * p)
{
  memcpy (p->wait, p->sink->video_tracks, sizeof (p->wait));
  p->started = !p->sink->has_video;
}

/* The next item for @p at *@c (advanced), or NULL. */
static GstRtmpServeItem *
peek_next (GstRtmpServePlayer * p, Cursor * c)
{
  GstRtmpServeSink *sink = p->sink;
  GstRtmpServeItem *item;

  if (c->ipos < p->intro->len)
    return g_ptr_array_index (p->intro, c->ipos++);
  while (c->next < p->end && (item = log_item (sink, c->next)) != NULL) {
    c->next++;
    if (item->frame && item->type == 9) {
      if (TRACK_WAITS (c->wait, item->track)) {
        if (!item->keyframe) {
          c->skipped++;
          continue;
        }
        TRACK_CLEAR (c->wait, item->track);
      }
      c->started = TRUE;
    } else if (item->frame && !c->started) {
      c->skipped++;
      continue;
    }
    return item;
  }
  return NULL;
}

/* Bytes written: the items they complete go on the player's account. */
static void
consume (GstRtmpServePlayer * p, GstRtmpServeItem ** items,
    const GOutputVector * v, guint n, gsize written)
{
  GstRtmpServeItem *item;
  gsize done[3] = { 0, 0, 0 };
  gboolean whole = TRUE;
  guint i;

  for (i = 0; i < n; i++) {
    item = items[i];
    if (i > 0) {
      /* the cursor passes it (peeked again: the same item) */
      Cursor c;

      cursor_get (p, &c);
      peek_next (p, &c);
      cursor_set (p, &c);
    }
    if (written < v[i].size) {
      if (i > 0 || p->cur == NULL) {
        gst_rtmp_serve_item_unref (p->cur);
        p->cur = item_ref (item);
        p->cur_off = 0;
      }
      p->cur_off += written;
      p->bytes += written;
      gst_ertmp_conn_set_mid_message (p->peer->conn, TRUE);
      whole = FALSE;
      break;
    }
    written -= v[i].size;
    p->bytes += v[i].size;
    p->last_ms = item->ms;
    if (item->frame)
      p->frames++;
    done[csid_of (item->type) - CSID_DATA] +=
        g_bytes_get_size (item_chunks (item, p->chunk_size, p->peer->msid));
    if (i == 0 && p->cur != NULL) {
      gst_rtmp_serve_item_unref (p->cur);
      p->cur = NULL;
      p->cur_off = 0;
    }
  }
  /* the session counts them, and its next header on those chunk streams
   * cannot follow from ours */
  for (i = 0; i < G_N_ELEMENTS (done); i++)
    if (done[i] > 0)
      ertmp_session_external_output (gst_ertmp_conn_get_session
          (p->peer->conn), CSID_DATA + i, done[i]);
  if (whole)
    gst_ertmp_conn_set_mid_message (p->peer->conn, FALSE);
}

static void end_player (GstRtmpServePlayer * p, const gchar * reason);

/* Writes what @p has not been sent, until done or its socket is full.
 * FALSE when that ended its stream (@p is gone). */
static gboolean
player_write (GstRtmpServePlayer * p, gint64 now)
{
  GOutputVector v[MAX_VECTORS];
  GstRtmpServeItem *items[MAX_VECTORS];
  GstRtmpServeItem *item;
  Cursor c;
  guint n;
  gsize total;
  gssize w;
  GBytes *bytes;

  p->blocked = FALSE;
  for (;;) {
    if (p->intro_pos > 0 && p->intro_pos == p->intro->len) {
      /* the headers it got: their references go */
      g_ptr_array_set_size (p->intro, 0);
      p->intro_pos = 0;
    }
    n = 0;
    total = 0;
    cursor_get (p, &c);
    if (p->cur != NULL) {
      bytes = item_chunks (p->cur, p->chunk_size, p->peer->msid);
      items[n] = p->cur;
      v[n].buffer = (const guint8 *) g_bytes_get_data (bytes, NULL) +
          p->cur_off;
      v[n].size = g_bytes_get_size (bytes) - p->cur_off;
      total += v[n++].size;
    }
    while (n < MAX_VECTORS && (item = peek_next (p, &c)) != NULL) {
      bytes = item_chunks (item, p->chunk_size, p->peer->msid);
      items[n] = item;
      v[n].buffer = g_bytes_get_data (bytes, NULL);
      v[n].size = g_bytes_get_size (bytes);
      total += v[n++].size;
    }
    if (n == 0) {
      /* all sent: the frames passed over waiting for key frames too */
      cursor_set (p, &c);
      p->behind_since = 0;
      if (p->next >= p->end) {
        end_player (p, "eos");
        return FALSE;
      }
      return TRUE;
    }
    if (p->cur == NULL) {
      /* consume() walks the cursor from the first item: it must not be
       * peeked already */
      GstRtmpServeItem *first;

      cursor_get (p, &c);
      first = peek_next (p, &c);
      cursor_set (p, &c);
      g_assert (first == items[0]);
    }
    w = gst_ertmp_conn_write_vectors (p->peer->conn, v, n);
    if (w < 0)
      return TRUE;              /* closing: the server says when it left */
    if (w > 0)
      p->progress_at = now;
    consume (p, items, v, n, w);
    if ((gsize) w < total) {
      p->blocked = TRUE;
      return TRUE;
    }
  }
}

/* The stream is over for @p (EOS, or the element stops): the last words
 * of a stream, then a graceful close.  rtmp2src drops the message it
 * holds when StreamEOF comes, so onPlayStatus goes before it. */
static void
end_player (GstRtmpServePlayer * p, const gchar * reason)
{
  GstErtmpPeer *peer = p->peer;
  ertmp_session *session = gst_ertmp_conn_get_session (peer->conn);
  GByteArray *body = g_byte_array_new ();
  ertmp_amf_value *info = ertmp_amf_new (ERTMP_AMF_OBJECT);

  ertmp_amf0_put_string (body, "onPlayStatus");
  ertmp_amf_add_string (info, "level", "status");
  ertmp_amf_add_string (info, "code", "NetStream.Play.Complete");
  ertmp_amf0_encode (body, info);
  ertmp_amf_value_unref (info);
  ertmp_session_send_play_message (session, peer->msid, 18, p->last_ms,
      body->data, body->len);
  g_byte_array_unref (body);
  ertmp_session_end_play (session, peer->msid, FALSE);
  gst_ertmp_conn_flush (peer->conn);
  post_player (p, "rtmp-play-leave", reason);
  p->peer = NULL;
  player_free (p);
  gst_ertmp_server_drop_player (peer, reason, 2000);
}

static void
drop_player (GstRtmpServePlayer * p, const gchar * reason)
{
  GstErtmpPeer *peer = p->peer;

  GST_INFO_OBJECT (p->sink, "dropping player %s: %s (%" G_GUINT64_FORMAT
      " frames skipped)", p->address, reason, p->skipped);
  GST_OBJECT_LOCK (p->sink);
  p->sink->players_dropped++;
  GST_OBJECT_UNLOCK (p->sink);
  post_player (p, "rtmp-play-dropped", reason);
  p->peer = NULL;
  player_free (p);
  gst_ertmp_server_drop_player (peer, reason, 0);
}

/* @p lags too far: it goes to the latest key frame after its cursor, or
 * to the live edge to wait for the next one (audio-only: the live edge).
 * The stream headers it passes go to its intro. */
static void
skip (GstRtmpServePlayer * p, gint64 now)
{
  GstRtmpServeSink *sink = p->sink;
  guint64 target = log_end (sink), seq, count = 0;
  GstRtmpServeItem *item;

  if (sink->gop_seq >= 0 && (guint64) sink->gop_seq > p->next)
    target = sink->gop_seq;
  /* after EOS, no further than its stream's end */
  target = MIN (target, MAX (p->end, p->next));
  for (seq = p->next; seq < target; seq++) {
    item = log_item (sink, seq);
    if (item->frame)
      count++;
    else if (item->header_key != GST_ERTMP_TAG_NOT_HEADER)
      g_ptr_array_add (p->intro, item_ref (item));
  }
  p->next = target;
  wait_for_keys (p);
  p->skipped += count;
  p->skips++;
  if (p->behind_since == 0)
    p->behind_since = now;
  GST_OBJECT_LOCK (sink);
  sink->frames_skipped += count;
  GST_OBJECT_UNLOCK (sink);
  GST_DEBUG_OBJECT (sink, "player %s skipped %" G_GUINT64_FORMAT " frames",
      p->address, count);
}

/* After new tags: skips or drops players that lag too far.  FALSE when
 * @p was dropped (gone). */
static gboolean
check_lag (GstRtmpServePlayer * p, gint64 now, guint max_time,
    guint max_bytes, guint slow_timeout)
{
  GstRtmpServeSink *sink = p->sink;
  GstRtmpServeItem *first = log_item (sink, p->next);
  GstRtmpServeItem *tail = log_tail (sink);

  /* a socket that took nothing for that long: the player is gone */
  if (p->blocked && slow_timeout > 0 && now - p->progress_at >
      max_time * (gint64) 1000 + slow_timeout * G_USEC_PER_SEC) {
    drop_player (p, "too-slow");
    return FALSE;
  }
  if (first == NULL || first->seq >= p->end)
    return TRUE;
  if (now - first->at > max_time * (gint64) 1000
      || tail->end - first->end + first->size > max_bytes) {
    if (p->behind_since != 0 && slow_timeout > 0
        && now - p->behind_since > slow_timeout * G_USEC_PER_SEC) {
      drop_player (p, "too-slow");
      return FALSE;
    }
    skip (p, now);
  }
  return TRUE;
}

/* ---- the play route ---- */

static gboolean
on_play (gpointer route, GstErtmpPeer * peer, const gchar * query,
    const gchar ** reason, const gchar ** description)
{
  GstRtmpServeSink *sink = route;
  GstRtmpServePlayer *p;
  ertmp_session_stats st;
  guint max_players, max_per_address, n;
  gchar *ip;
  guint i;

  GST_OBJECT_LOCK (sink);
  max_players = sink->max_players;
  max_per_address = sink->max_players_per_address;
  GST_OBJECT_UNLOCK (sink);
  ip = ip_of (peer->address);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (sink->per_address, ip));
  g_free (ip);
  if (max_players > 0 && sink->players.length >= max_players)
    *reason = "player-limit";
  else if (max_per_address > 0 && n >= max_per_address)
    *reason = "address-limit";
  else if (!gst_rtmp_serve_sink_emit_play_request (sink, peer, query))
    *reason = "signal";
  if (*reason != NULL) {
    *description = strcmp (*reason, "signal") == 0 ? "playing refused" :
        "too many players";
    GST_OBJECT_LOCK (sink);
    sink->players_refused++;
    GST_OBJECT_UNLOCK (sink);
    gst_rtmp_serve_sink_post (sink, gst_structure_new ("rtmp-play-refused",
            "peer-address", G_TYPE_STRING, peer->address,
            "reason", G_TYPE_STRING, *reason, NULL));
    return FALSE;
  }

  p = g_new0 (GstRtmpServePlayer, 1);
  p->sink = sink;
  p->peer = peer;
  p->link.data = p;
  p->address = g_strdup (peer->address);
  p->fourccs = gst_ertmp_fourcc_list_string (&peer->caps);
  p->flash_ver = g_strdup (peer->flash_ver ? peer->flash_ver : "");
  p->joined_at = p->progress_at = g_get_monotonic_time ();
  p->end = G_MAXUINT64;
  ertmp_session_get_stats (gst_ertmp_conn_get_session (peer->conn), &st);
  p->chunk_size = st.chunk_size_out;
  /* the GOP cache from its key frame, or the live edge */
  p->next = log_end (sink);
  GST_OBJECT_LOCK (sink);
  if (sink->gop_cache && sink->gop_seq >= 0)
    p->next = sink->gop_seq;
  GST_OBJECT_UNLOCK (sink);
  wait_for_keys (p);
  /* the stream headers first (onMetaData first of all, even when the
   * log sends it again), but sequence headers the log sends anyway */
  p->intro = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_rtmp_serve_item_unref);
  for (i = 0; i < sink->headers->len; i++) {
    GstRtmpServeItem *h = g_ptr_array_index (sink->headers, i);

    if (h->header_key == 0)
      g_ptr_array_insert (p->intro, 0, item_ref (h));
    else if (h->seq < p->next)
      g_ptr_array_add (p->intro, item_ref (h));
  }
  peer->player = p;
  g_queue_push_tail_link (&sink->players, &p->link);
  count_address (sink, p->address, +1);
  GST_OBJECT_LOCK (sink);
  sink->players_total++;
  GST_OBJECT_UNLOCK (sink);
  GST_INFO_OBJECT (sink, "player %s joined (%s), %u playing", p->address,
      *p->fourccs ? p->fourccs : "no fourCcList", sink->players.length);
  gst_rtmp_serve_sink_post (sink, gst_structure_new ("rtmp-play-join",
          "peer-address", G_TYPE_STRING, p->address,
          "flash-ver", G_TYPE_STRING, p->flash_ver,
          "player-fourcc-list", G_TYPE_STRING, p->fourccs,
          "players", G_TYPE_UINT, sink->players.length, NULL));
  return TRUE;
}

static void
on_writable (gpointer route, GstErtmpPeer * peer)
{
  if (peer->player != NULL)
    player_write (peer->player, g_get_monotonic_time ());
}

static void
on_left (gpointer route, GstErtmpPeer * peer, const gchar * reason)
{
  GstRtmpServePlayer *p = peer->player;

  if (p == NULL)
    return;
  GST_INFO_OBJECT (p->sink, "player %s left: %s", p->address, reason);
  post_player (p, "rtmp-play-leave", reason);
  if (p->cur != NULL) {
    /* half a message out: the connection cannot go on */
    p->peer = NULL;
    player_free (p);
    gst_ertmp_server_drop_player (peer, reason, 0);
  } else {
    player_free (p);
  }
  trim_log (route);
}

/* The sweep: lags and stalls are checked without new tags too (a stream
 * that stalled, or ended) */
static void
on_tick (gpointer route, gint64 now)
{
  GstRtmpServeSink *sink = route;
  guint max_time, max_bytes, slow_timeout;
  GList *l, *next;

  GST_OBJECT_LOCK (sink);
  max_time = sink->max_player_queue_time;
  max_bytes = sink->max_player_queue_bytes;
  slow_timeout = sink->slow_player_timeout;
  GST_OBJECT_UNLOCK (sink);
  for (l = sink->players.head; l != NULL; l = next) {
    GstRtmpServePlayer *p = l->data;

    next = l->next;
    if (p->blocked)
      check_lag (p, now, max_time, max_bytes, slow_timeout);
  }
  trim_log (sink);
}

const GstErtmpPlayFuncs gst_rtmp_serve_play_funcs = {
  on_play, on_writable, on_left, on_tick
};

/* ---- from the streaming thread ---- */

/* The GOP cache starts at the oldest of the video tracks' latest key
 * frames: from there, each track finds its key frame (the frames of a
 * track before it go, peek_next) */
static void
update_gop (GstRtmpServeSink * sink, gboolean gop_cache)
{
  gint64 start = -1;
  guint t;

  for (t = 0; t < 256 && gop_cache; t++)
    if (TRACK_WAITS (sink->video_tracks, t)
        && sink->key_seq[t] >= (gint64) sink->log_first
        && (start < 0 || sink->key_seq[t] < start))
      start = sink->key_seq[t];
  sink->gop_seq = start;
}

gboolean
gst_rtmp_serve_fanout_add (gpointer data)
{
  GstRtmpServeSink *sink = data;
  GPtrArray *items;
  gint64 now = g_get_monotonic_time ();
  guint max_time, max_bytes, slow_timeout, i;
  guint64 keep;
  gboolean gop_cache;
  GList *l, *next;

  g_mutex_lock (&sink->handoff_lock);
  items = sink->handoff;
  sink->handoff = NULL;
  sink->handoff_posted = FALSE;
  g_mutex_unlock (&sink->handoff_lock);
  if (items == NULL)
    return G_SOURCE_REMOVE;
  GST_OBJECT_LOCK (sink);
  max_time = sink->max_player_queue_time;
  max_bytes = sink->max_player_queue_bytes;
  slow_timeout = sink->slow_player_timeout;
  gop_cache = sink->gop_cache;
  GST_OBJECT_UNLOCK (sink);
  for (i = 0; i < items->len; i++) {
    GstRtmpServeItem *item = g_ptr_array_index (items, i);

    g_atomic_int_add (&sink->pending_bytes, -(gint) item->size);
    item->at = now;
    if (sink->log->len == 0)
      sink->log_first = item->seq;
    g_ptr_array_add (sink->log, item_ref (item));
    if (item->header_key != GST_ERTMP_TAG_NOT_HEADER)
      keep_header (sink, item);
    if (item->type == 9 && item->frame) {
      sink->has_video = TRUE;
      TRACK_SET (sink->video_tracks, item->track);
      if (item->keyframe) {
        sink->key_seq[item->track] = item->seq;
        update_gop (sink, gop_cache);
      }
    }
  }
  /* only a player whose socket is full can lag: the others take the new
   * tags now.  One walk: the log keeps what the players still need. */
  keep = log_end (sink);
  for (l = sink->players.head; l != NULL; l = next) {
    GstRtmpServePlayer *p = l->data;

    next = l->next;
    if (p->blocked ? check_lag (p, now, max_time, max_bytes, slow_timeout)
        : player_write (p, now))
      keep = MIN (keep, p->next);
  }
  trim_log_before (sink, keep);
  g_ptr_array_unref (items);
  return G_SOURCE_REMOVE;
}

/* Resets the stream: a new one may follow on the same name. */
static void
reset_stream (GstRtmpServeSink * sink)
{
  g_ptr_array_set_size (sink->log, 0);
  sink->log_first = 0;          /* start() numbers tags from 0 again */
  g_ptr_array_set_size (sink->headers, 0);
  forget_keys (sink);
  sink->has_video = FALSE;
  memset (sink->video_tracks, 0, sizeof (sink->video_tracks));
}

/* The players there now end once they have the whole stream; the stream
 * headers and GOP cache go, so that players who join after wait for the
 * next stream. */
gboolean
gst_rtmp_serve_fanout_eos (gpointer data)
{
  GstRtmpServeSink *sink = data;
  GList *l, *next;

  g_mutex_lock (&sink->eos_lock);
  for (l = sink->players.head; l != NULL; l = l->next) {
    GstRtmpServePlayer *p = l->data;

    if (p->end == G_MAXUINT64)
      sink->ending++;
    p->end = log_end (sink);
  }
  g_mutex_unlock (&sink->eos_lock);
  g_ptr_array_set_size (sink->headers, 0);
  forget_keys (sink);
  sink->has_video = FALSE;
  memset (sink->video_tracks, 0, sizeof (sink->video_tracks));
  for (l = sink->players.head; l != NULL; l = next) {
    GstRtmpServePlayer *p = l->data;

    next = l->next;
    /* ends it once all is sent */
    if (!p->blocked)
      player_write (p, g_get_monotonic_time ());
  }
  trim_log (sink);
  return G_SOURCE_REMOVE;
}

gboolean
gst_rtmp_serve_fanout_stop (gpointer data)
{
  GstRtmpServeSink *sink = data;
  GstRtmpServePlayer *p;

  while ((p = g_queue_peek_head (&sink->players)) != NULL) {
    if (p->cur != NULL)
      drop_player (p, "stopped");       /* mid-message: nothing more fits */
    else
      end_player (p, "stopped");
  }
  g_mutex_lock (&sink->handoff_lock);
  g_clear_pointer (&sink->handoff, g_ptr_array_unref);
  g_mutex_unlock (&sink->handoff_lock);
  reset_stream (sink);
  return G_SOURCE_REMOVE;
}

void
gst_rtmp_serve_fanout_init (GstRtmpServeSink * sink)
{
  sink->log = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_rtmp_serve_item_unref);
  sink->headers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_rtmp_serve_item_unref);
  forget_keys (sink);
  g_queue_init (&sink->players);
  sink->per_address = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);
}

void
gst_rtmp_serve_fanout_clear (GstRtmpServeSink * sink)
{
  while (sink->players.head != NULL)
    player_free (sink->players.head->data);
  g_ptr_array_unref (sink->log);
  g_ptr_array_unref (sink->headers);
  g_hash_table_unref (sink->per_address);
}

/* ---- stats ---- */

/* "H.264/AVC (track 0), AAC (track 0)": the codecs of the current stream
 * headers */
static gchar *
stream_codecs (GstRtmpServeSink * sink)
{
  GString *out = g_string_new ("");
  guint i;

  for (i = 0; i < sink->headers->len; i++) {
    GstRtmpServeItem *h = g_ptr_array_index (sink->headers, i);

    if (h->codecs != NULL)
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", h->codecs);
  }
  return g_string_free (out, FALSE);
}

gboolean
gst_rtmp_serve_fanout_stats (gpointer data)
{
  GstRtmpServeStatsCall *call = data;
  GstRtmpServeSink *sink = call->sink;
  GstRtmpServeItem *head = sink->log->len ?
      g_ptr_array_index (sink->log, 0) : NULL;
  GstRtmpServeItem *tail = log_tail (sink);
  GValue v = G_VALUE_INIT;
  GList *l;

  call->codecs = stream_codecs (sink);
  call->log_tags = sink->log->len;
  call->log_bytes = head ? tail->end - head->end + head->size : 0;
  for (l = sink->players.head; l != NULL; l = l->next) {
    GstRtmpServePlayer *p = l->data;
    GstRtmpServeItem *first = log_item (sink, p->next);
    guint64 queued = first ? tail->end - first->end + first->size : 0;

    g_value_init (&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&v, gst_structure_new ("rtmp-play-player",
            "peer-address", G_TYPE_STRING, p->address,
            "flash-ver", G_TYPE_STRING, p->flash_ver,
            "player-fourcc-list", G_TYPE_STRING, p->fourccs,
            "announced-fourcc-list", G_TYPE_BOOLEAN, *p->fourccs != '\0',
            "bytes", G_TYPE_UINT64, p->bytes,
            "frames", G_TYPE_UINT64, p->frames,
            "skipped-frames", G_TYPE_UINT64, p->skipped,
            "skips", G_TYPE_UINT64, p->skips,
            "queued-bytes", G_TYPE_UINT64, queued,
            "queued-tags", G_TYPE_UINT64, first ? log_end (sink) - p->next :
            (guint64) 0,
            "duration", G_TYPE_UINT64, (guint64) (g_get_monotonic_time () -
                p->joined_at) * GST_USECOND, NULL));
    gst_value_array_append_and_take_value (call->players, &v);
  }
  return G_SOURCE_REMOVE;
}
