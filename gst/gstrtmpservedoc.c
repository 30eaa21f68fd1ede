/* gst-ertmp: rtmpservesink's reference for gst-inspect-1.0
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As for rtmpingestsrc (gstrtmpingestdoc.c): signals with argument names,
 * bus messages and stats fields, printed by gst-inspect-1.0 as factory
 * metadata (and in docs/network-elements.md).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtmpservesink.h"

static const gchar *const documentation[][2] = {
  {"signal-play-request",
      "\"play-request\": gboolean user_function (GstElement *sink, "
      "gchararray peer_address, gchararray app, gchararray name, "
      "gchararray query): a player asks to play this stream (application "
      "and stream-name matched, player limits passed); peer_address is "
      "\"ip:port\", app has its ?query redacted, name is redacted, query "
      "is the played name's ?query without \"?\" (not redacted: a token "
      "for you to check) or NULL.  Emitted from the server's I/O thread: "
      "do not block in it, and do not change the element's state there "
      "(hand that to another thread).  Return FALSE to refuse "
      "(NetStream.Play.Failed); the first FALSE wins"},
  {"message-play-join",
      "rtmp-play-join: element message, a player was accepted: "
      "peer-address (gchararray, \"ip:port\"), flash-ver (gchararray), "
      "player-fourcc-list (gchararray, the E-RTMP FourCCs its connect "
      "announced, comma-separated; \"\" for a legacy player, which is "
      "served the same tags), players (guint, playing now)"},
  {"message-play-leave",
      "rtmp-play-leave: element message, a player left: peer-address, "
      "reason (gchararray: \"stopped\" (it closed or deleted its stream, "
      "or the element stopped), \"disconnected\" (its connection was "
      "lost), \"protocol-error\", \"eos\" (the stream ended: it got "
      "NetStream.Play.Stop and a graceful close)), bytes (guint64, "
      "stream bytes sent to it), frames (guint64, audio and video frames "
      "sent), skipped-frames (guint64, frames it skipped for being slow), "
      "duration (guint64, ns since it joined)"},
  {"message-play-dropped",
      "rtmp-play-dropped: element message, a player was dropped: the "
      "fields of rtmp-play-leave, reason \"too-slow\" (still behind "
      "slow-player-timeout after it first had to skip) or \"stopped\" "
      "(the element stopped while a message to it was half written)"},
  {"message-play-refused",
      "rtmp-play-refused: element message, a play of this stream was "
      "refused: peer-address, reason (gchararray: \"player-limit\" "
      "(max-players), \"address-limit\" (max-players-per-address), "
      "\"signal\" (play-request said no)).  A play of a name no element "
      "serves is refused by the server (NetStream.Play.StreamNotFound, "
      "rtmp-ingest-refused reason \"play\" on the server's owner)"},
  {"stats-fields",
      "rtmp-play-stats: players (guint, now), players-total, "
      "players-refused, players-dropped, tags-in (guint64, tags "
      "rendered), frames-skipped (guint64, by every player), "
      "tags-dropped (guint64, frames dropped because the server's I/O "
      "thread held 64 MiB of this sink's tags), cached-tags (guint), "
      "cached-bytes (guint64: the log shared by the players, from the "
      "GOP cache's key frame or the slowest player's position), "
      "stream-codecs (gchararray: the codecs of the stream's sequence "
      "starts, e.g. \"H.265/HEVC (track 0), Opus (track 0)\"), "
      "player-stats (GstValueArray of rtmp-play-player structures: "
      "peer-address, flash-ver, player-fourcc-list, "
      "announced-fourcc-list (gboolean), bytes, frames, skipped-frames, "
      "skips (guint64: times it skipped), queued-bytes, queued-tags "
      "(guint64: what it lags), duration (guint64, ns))"},
};

void
gst_rtmp_serve_sink_add_documentation (GstElementClass * element_class)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (documentation); i++)
    gst_element_class_add_static_metadata (element_class,
        documentation[i][0], documentation[i][1]);
}
