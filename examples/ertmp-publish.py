#!/usr/bin/env python3
# ertmp-publish: publish a live test stream over RTMP with rtmppushsink and
# report what happens to the connection
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
usage: ertmp-publish.py URL [--stats-interval S] [--reconnect-attempts N]
                            [--duration S]

Publishes

    videotestsrc is-live=true ! x264enc tune=zerolatency ! h264parse
        ! flvemux name=m ! rtmppushsink location=URL
    audiotestsrc is-live=true ! audioconvert ! avenc_aac ! m.

to URL (rtmp:// or rtmps://HOST[:PORT]/APP/KEY).  rtmppushsink reconnects
on its own when the connection is lost (reconnect-attempts tries in a row,
1 s then doubling); this script only listens to it.  Output on stdout, one
line per event, the event's name first (the key never appears: the sink
redacts every tc-url it reports):

    published tc-url=URL
    disconnected reason=R attempt=N retry-in-ms=M
    reconnected attempt=N
    reconnect-request tc-url=URL          (the server asked us to move)
    stats publishing=B out-bytes-total=N bitrate=N reconnects=N rtt-ms=N
    eos
    error MESSAGE

SIGINT or SIGTERM (or --duration) ends the stream with EOS; the exit
status is 0 once the pipeline has it, 1 after an error.

Needs PyGObject with GStreamer's introspection data (Debian: python3-gi,
gir1.2-gstreamer-1.0) and the ertmp plugin where GStreamer finds it.
"""
import argparse
import signal
import sys

import gi

gi.require_version('Gst', '1.0')
from gi.repository import GLib, Gst  # noqa: E402

PIPELINE = (
    'videotestsrc is-live=true ! video/x-raw,width=320,height=240,'
    'framerate=30/1 ! x264enc tune=zerolatency speed-preset=ultrafast '
    'key-int-max=60 bitrate=500 ! h264parse ! flvemux name=m ! '
    'rtmppushsink name=sink '
    'audiotestsrc is-live=true ! audioconvert ! avenc_aac ! m.')


def say(line):
    print(line, flush=True)


class Publisher:
    def __init__(self, args):
        self.loop = GLib.MainLoop()
        self.status = 0
        self.stopping = False
        self.pipeline = Gst.parse_launch(PIPELINE)
        self.sink = self.pipeline.get_by_name('sink')
        self.sink.set_property('location', args.url)
        self.sink.set_property('reconnect-attempts', args.reconnect_attempts)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect('message', self.on_message)
        GLib.timeout_add(int(args.stats_interval * 1000), self.on_stats)
        for signum in (signal.SIGINT, signal.SIGTERM):
            GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, self.stop)
        if args.duration > 0:
            GLib.timeout_add(int(args.duration * 1000), self.stop)

    def run(self):
        if self.pipeline.set_state(Gst.State.PLAYING) == \
                Gst.StateChangeReturn.FAILURE:
            say('error the pipeline did not start')
            return 1
        self.loop.run()
        self.pipeline.set_state(Gst.State.NULL)
        return self.status

    def stop(self):
        """EOS first, so that the server gets a complete stream."""
        if not self.stopping:
            self.stopping = True
            self.pipeline.send_event(Gst.Event.new_eos())
        return GLib.SOURCE_REMOVE

    def on_stats(self):
        s = self.sink.get_property('stats')
        if s is not None:
            rtt = s.get_uint64('rtt')
            say('stats publishing=%s out-bytes-total=%d bitrate=%d '
                'reconnects=%d rtt-ms=%d' % (
                    'true' if s.get_boolean('publishing')[1] else 'false',
                    s.get_uint64('out-bytes-total')[1],
                    s.get_uint64('bitrate')[1],
                    s.get_uint64('reconnects')[1],
                    rtt[1] // 1000000 if rtt[0] else 0))
        return GLib.SOURCE_CONTINUE

    def on_message(self, bus, msg):
        if msg.type == Gst.MessageType.ELEMENT and msg.src == self.sink:
            s = msg.get_structure()
            name = s.get_name()
            if name == 'rtmp-push-published':
                say('published tc-url=%s' % s.get_string('tc-url'))
            elif name == 'rtmp-push-disconnected':
                say('disconnected reason=%s attempt=%d retry-in-ms=%d' % (
                    s.get_string('reason'), s.get_uint('attempt')[1],
                    s.get_uint64('retry-in')[1] // 1000000))
            elif name == 'rtmp-push-reconnected':
                say('reconnected attempt=%d' % s.get_uint('attempt')[1])
            elif name == 'rtmp-push-reconnect-request':
                say('reconnect-request tc-url=%s' % s.get_string('tc-url'))
        elif msg.type == Gst.MessageType.EOS:
            say('eos')
            self.loop.quit()
        elif msg.type == Gst.MessageType.ERROR:
            err, _debug = msg.parse_error()
            say('error %s' % err.message)
            self.status = 1
            self.loop.quit()


def main():
    p = argparse.ArgumentParser(description='Publish a live test stream '
                                'over RTMP and report the connection.')
    p.add_argument('url')
    p.add_argument('--stats-interval', type=float, default=1.0)
    p.add_argument('--reconnect-attempts', type=int, default=5)
    p.add_argument('--duration', type=float, default=0,
                   help='seconds, then EOS (0: until SIGINT/SIGTERM)')
    args = p.parse_args()
    Gst.init(None)
    return Publisher(args).run()


if __name__ == '__main__':
    sys.exit(main())
