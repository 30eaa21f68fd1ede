/* gst-ertmp: the core's client as a player, in a thread of a test
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Plays rtmp://127.0.0.1:PORT/APP/NAME with the core's client session
 * (createStream, play, SetBufferLength) on a blocking socket and records
 * every audio, video and data message as an FLV stream, until
 * NetStream.Play.Stop, UnpublishNotify or StreamEOF (nginx-rtmp's end).
 *
 *   CorePlayer *cp = core_player_start (port, "live", "show", 0);
 *   ... wait for core_player_started (cp) when the server needs it ...
 *   core_player_join (cp);           (fails the test on an error)
 *   GArray *got = core_player_items (cp);
 *   core_player_free (cp);
 */
#ifndef CORE_PLAYER_H
#define CORE_PLAYER_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _CorePlayer CorePlayer;

/* @extra_streams: streams created (createStream) before the one it plays
 * on, so that it plays on stream id @extra_streams + 1 */
CorePlayer *core_player_start (guint16 port, const gchar * app,
    const gchar * name, guint extra_streams);
/* The same, reading slowly (at most 2 KiB, then a pause of @pause_us)
 * through a small receive buffer and sending a PingRequest with every
 * read, so that the server's ping responses meet messages it could only
 * half write */
CorePlayer *core_player_start_slow (guint16 port, const gchar * app,
    const gchar * name, gulong pause_us);
/* NetStream.Play.Start arrived */
gboolean core_player_started (CorePlayer * cp);
/* Waits for the end of the stream; fails the test when it ended with an
 * error or the connection dropped first */
void core_player_join (CorePlayer * cp);
/* What ended the stream ("NetStream.Play.Stop", "StreamEOF", ...) */
const gchar *core_player_end (CorePlayer * cp);
/* The stream id it played on */
guint32 core_player_msid (CorePlayer * cp);
/* Every message it got, as FlvItems (transfer full) */
GArray *core_player_items (CorePlayer * cp);
void core_player_free (CorePlayer * cp);

G_END_DECLS

#endif /* CORE_PLAYER_H */
