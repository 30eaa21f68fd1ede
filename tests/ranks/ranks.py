#!/usr/bin/env python3
# gst-ertmp: what GStreamer's auto-plugging picks once the ertmp plugin is
# installed beside GStreamer's own FLV and RTMP elements.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   ranks.py DIR        (DIR: scratch space for two FLV files)
#
# Prints one line per question, "pick: QUESTION -> FACTORY", and checks
# each against what docs/deployment.md ("Ranks") says for this GStreamer
# version; exit status 1 when one differs.
import os
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstPbutils', '1.0')
from gi.repository import Gst, GstPbutils  # noqa: E402

Gst.init(None)
MAJOR, MINOR = Gst.version()[:2]
failures = []


def check(question, got, want):
    print('pick: %s -> %s (GStreamer %d.%d)' % (question, got, MAJOR, MINOR))
    if got != want:
        failures.append('%s: %s, docs say %s' % (question, got, want))


def run(desc):
    pipeline = Gst.parse_launch(desc)
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        120 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if msg is None or msg.type != Gst.MessageType.EOS:
        sys.exit('%s: %s' % (desc, msg.parse_error()[0].message if msg
                             else 'no EOS'))


def factories_in(bin_, klass_word):
    found = []
    it = bin_.iterate_recurse()
    while True:
        res, el = it.next()
        if res != Gst.IteratorResult.OK:
            break
        f = el.get_factory()
        if f and klass_word in f.get_metadata('klass'):
            found.append(f.get_name())
    return sorted(set(found))


def demuxer_for(path):
    """The demuxer playbin plugs for @path."""
    p = Gst.ElementFactory.make('playbin')
    p.set_property('uri', Gst.filename_to_uri(path))
    p.set_property('video-sink', Gst.ElementFactory.make('fakesink'))
    p.set_property('audio-sink', Gst.ElementFactory.make('fakesink'))
    p.set_state(Gst.State.PAUSED)
    p.get_state(60 * Gst.SECOND)
    found = factories_in(p, 'Demuxer')
    p.set_state(Gst.State.NULL)
    return ','.join(found) or 'none'


def muxer_for(video_caps, audio_caps):
    """The muxer encodebin takes for an FLV profile."""
    cp = GstPbutils.EncodingContainerProfile.new(
        'flv', None, Gst.Caps.from_string('video/x-flv'), None)
    cp.add_profile(GstPbutils.EncodingVideoProfile.new(
        Gst.Caps.from_string(video_caps), None, None, 0))
    cp.add_profile(GstPbutils.EncodingAudioProfile.new(
        Gst.Caps.from_string(audio_caps), None, None, 0))
    e = Gst.ElementFactory.make('encodebin')
    e.set_property('profile', cp)
    e.set_state(Gst.State.PAUSED)
    found = factories_in(e, 'Muxer')
    e.set_state(Gst.State.NULL)
    return ','.join(found) or 'none'


def uri_element(kind, uri):
    el = Gst.Element.make_from_uri(kind, uri, None)
    return el.get_factory().get_name() if el else 'none'


d = sys.argv[1]
legacy = os.path.join(d, 'legacy.flv')
enhanced = os.path.join(d, 'enhanced.flv')
run('videotestsrc num-buffers=30 ! x264enc ! h264parse ! flvmux name=m ! '
    'filesink location=%s audiotestsrc num-buffers=40 ! audioconvert ! '
    'avenc_aac ! m.' % legacy)
run('videotestsrc num-buffers=30 ! x265enc ! h265parse ! flvemux name=m ! '
    'filesink location=%s audiotestsrc num-buffers=40 ! opusenc ! m.' %
    enhanced)

# GStreamer's own Enhanced FLV muxer, where there is one (not in 1.22 nor
# in Debian 13's 1.26.2): at a rank above flvemux's secondary it wins
efm = Gst.ElementFactory.find('eflvmux')
hevc_muxer = ('eflvmux' if efm is not None
              and efm.get_rank() > Gst.Rank.SECONDARY else 'flvemux')
check('playbin, legacy FLV (H.264 + AAC)', demuxer_for(legacy), 'erdemux')
check('playbin, Enhanced FLV (HEVC + Opus)', demuxer_for(enhanced),
      'erdemux')
check('encodebin, video/x-flv with H.264 + AAC',
      muxer_for('video/x-h264', 'audio/mpeg,mpegversion=4'), 'flvmux')
check('encodebin, video/x-flv with H.265 + Opus',
      muxer_for('video/x-h265', 'audio/x-opus'),
      hevc_muxer)
check('rtmp:// source URI', uri_element(Gst.URIType.SRC,
                                        'rtmp://127.0.0.1/live/k'),
      'rtmp2src')
check('rtmp:// sink URI', uri_element(Gst.URIType.SINK,
                                      'rtmp://127.0.0.1/live/k'),
      'rtmp2sink')
if failures:
    print('\n'.join('DIFFERS: ' + f for f in failures))
    sys.exit(1)
