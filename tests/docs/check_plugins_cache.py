#!/usr/bin/env python3
# gst-ertmp: docs/plugins/gst_plugins_cache.json is what the elements
# register now: an element whose properties, signals, pads or texts
# changed without the cache being made again fails here.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   check_plugins_cache.py TOOL CHECKED_IN.json
# (the environment points GStreamer at the plugin in the build tree)
import difflib
import json
import os
import subprocess
import sys
import tempfile

tool, checked_in = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    fresh = os.path.join(tmp, 'gst_plugins_cache.json')
    subprocess.run([tool, fresh], check=True)
    with open(fresh) as f:
        now = f.read()
with open(checked_in) as f:
    kept = f.read()
# both must be JSON, and name every element of the plugin
elements = json.loads(now)['ertmp']['elements']
json.loads(kept)
print('elements now:', ', '.join(sorted(elements)))
if now != kept:
    diff = list(difflib.unified_diff(kept.splitlines(), now.splitlines(),
                                     'checked in', 'registered now',
                                     lineterm=''))
    print('\n'.join(diff[:80]))
    if len(diff) > 80:
        print('... (%d more lines)' % (len(diff) - 80))
    print('docs/plugins/gst_plugins_cache.json is out of date: run '
          '"meson compile -C build update-plugins-cache" and commit it')
    sys.exit(1)
print('docs/plugins/gst_plugins_cache.json is up to date')
