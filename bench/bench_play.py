#!/usr/bin/env python3
# gst-ertmp: play-out, rtmpservesink against nginx-rtmp serving the same
# stream to the same players, same run (docs/performance.md, "Play-out:
# rtmpservesink against nginx-rtmp").
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
For each N (--ns) and repetition (--reps), both servers one after the
other (the order alternates between repetitions):

  (a) ours:  bench/ertmp_play_host, one pipeline
             "rtmpingestsrc ! rtmpservesink sync=false" on one port (the
             shared server): the publisher's key src0 is served as "show";
  (b) nginx: nginx 1.22 + nginx-rtmp (worker_processes 1, master_process
             off, chunk_size 4096, application live with wait_key off),
             started here; players play src0.

The load, from bench/ertmp_loadgen: one publisher replaying the FLV file of
bench_server.py (H.264 30 fps ~500 kb/s, key frame every 2 s, + AAC 96
kb/s: ~615 kb/s) in real time, then N players (--play) opened at --rate a
second, all on 127.0.0.1.

Per server, N and repetition:
  - 0 players: --base seconds after the publisher's first tags are due,
    the server's CPU time (utime+stime, all threads, /proc/PID/stat) over
    --base-window seconds (the ingest alone) and its VmRSS;
  - N players: --settle s after the last player plays, CPU time of the
    server over --window s, per player-second: "gross" (all of it) and
    "net" (minus the 0-player rate: the cost of the players alone); VmRSS
    then minus VmRSS with 0 players, per player; the CPU of the player
    generator and of the publisher;
  - messages: audio+video messages received per player-second in the window
    (the players' tick lines) against the publisher's sent per second; lost
    = for each player, the messages it got between two key frames of the
    window (from its per-key-frame counts) against those the file has there,
    plus the key frames written in the window that it never got;
  - delay, for each player and each video key frame the publisher's write()
    completed inside the window: the player's read() that completed it
    minus that write() (CLOCK_MONOTONIC, same machine): p50/p99.  This
    includes the ingest path of each server.  Ours also: that write() to
    the frame's arrival on rtmpservesink's pad (render(), the ingest part)
    and render() to the player's read() (the play-out part).
A repetition where the publisher was late by more than --max-slip ms, or a
player failed or never played, is flagged and left out of the min/median.
One where the players fell behind (a key frame of the window never came, p50
delay over 100 ms, or fewer messages received than sent) is "saturated":
left out where other repetitions kept up, marked where none did.
--perf-stat counts the server's system calls and sends in the window (perf
stat), --perf S records a profile of it (perf record -g).

usage: bench/bench_play.py [--build DIR] [--ns "100 500 1000"] [--reps 3]
          [--window 20] [--rate 500] [--only ours|nginx] [--file F.flv]
          [--cache-dir DIR] [--keep DIR] [--set PROP=VALUE ...]
          [--max-slip MS] [--perf SECONDS] [--perf-stat]
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_server as bs  # noqa: E402  (its /proc helpers and input)

OUR_SETTINGS = ['max-connections=100000',
                'max-connections-per-address=100000', 'max-players=0',
                'first-media-timeout=0', 'idle-timeout=0',
                'handshake-timeout=60']


# ---- the input, as the generator sends it ----

def flv_schedule(path):
    """(period_ms, [(ts, key)]) of the audio and video messages of one loop
    of @path as ertmp_loadgen sends them, and the headers of the first."""
    with open(path, 'rb') as f:
        data = f.read()
    off = int.from_bytes(data[5:9], 'big') + 4
    tags, first, last, script = [], None, 0, False
    while off + 11 <= len(data):
        h = data[off:off + 11]
        kind, size = h[0] & 0x1f, int.from_bytes(h[1:4], 'big')
        ts = (h[7] << 24) | int.from_bytes(h[4:7], 'big')
        body = data[off + 11:off + 11 + size]
        off += 11 + size + 4
        if kind not in (8, 9, 18) or len(body) < size:
            continue
        b0 = body[0] if body else 0
        b1 = body[1] if len(body) > 1 else 0
        header = key = False
        if kind == 18:
            if script:
                continue
            script = header = True
        elif kind == 9:
            avc = (b0 & 0x0f) in (7, 12)
            if avc and b1 == 2:
                continue  # end of sequence
            header = avc and b1 == 0
            key = (b0 >> 4) == 1 and not header and (not avc or b1 == 1)
        else:
            header = ((b0 >> 4) == 10 and b1 == 0)
        if first is None:
            first = ts
        ts -= min(ts, first)
        last = max(last, ts)
        tags.append((kind, ts, header, key))
    return last + 33, tags


def key_positions(schedule, max_ts):
    """{key frame ts: messages sent up to it, it included}."""
    period, tags = schedule
    pos, count, loop = {}, 0, 0
    while loop * period <= max_ts:
        for kind, ts, header, key in tags:
            if kind == 18 or (header and loop > 0):
                continue
            count += 1
            if key:
                pos[ts + loop * period] = count
        loop += 1
    return pos


def proc_sys(pid):
    """stime (s) of @pid, all threads: the kernel's share of its CPU."""
    with open('/proc/%d/stat' % pid) as f:
        return int(f.read().rsplit(')', 1)[1].split()[12]) / bs.TCK


SYSCALL_EVENTS = ['raw_syscalls:sys_enter', 'syscalls:sys_enter_sendmsg',
                  'syscalls:sys_enter_sendto', 'syscalls:sys_enter_writev',
                  'syscalls:sys_enter_write', 'context-switches']


def syscalls(path, n, window, cpu, secs):
    """Per player-second: system calls, sends (sendmsg, send, writev,
    write) and the server's CPU per send, from perf stat's CSV."""
    counts = {}
    with open(path) as f:
        for line in f:
            w = line.strip().split(',')
            if len(w) > 2 and w[0].replace('.', '').isdigit():
                counts[w[2]] = float(w[0])
    sends = sum(counts.get('syscalls:sys_enter_' + k, 0)
                for k in ('sendmsg', 'sendto', 'writev', 'write'))
    return {'syscalls_per_ps': counts.get('raw_syscalls:sys_enter', 0) /
            (n * window),
            'sends_per_ps': sends / (n * window),
            'cswitch_per_s': counts.get('context-switches', 0) / window,
            'us_per_send': cpu / secs * window / max(sends, 1) * 1e6}


# ---- servers ----

class Server:
    def __init__(self, kind, n, args, build, tmp):
        self.kind, self.tmp = kind, tmp
        self.stdout = os.path.join(tmp, kind + '.stdout')
        self.out = os.path.join(tmp, 'render.out')
        log = open(self.stdout, 'w')
        if kind == 'ours':
            cmd = [os.path.join(build, 'bench', 'ertmp_play_host'),
                   '--key', 'src0', '--name', 'show', '--out', self.out]
            for s in OUR_SETTINGS + (args.set or []):
                cmd += ['--set', s]
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=log)
            self.port = int(bs.wait_line(self.stdout, 'port', self.proc,
                                         60)[1])
            bs.wait_line(self.stdout, 'ready', self.proc, 60)
            self.play_name = 'show'
        else:
            self.port = bs.free_port()
            conf = os.path.join(tmp, 'nginx.conf')
            with open(conf, 'w') as f:
                f.write(
                    'load_module %s;\n'
                    'daemon off; master_process off; worker_processes 1;\n'
                    'pid %s/nginx.pid; error_log %s/error.log warn;\n'
                    'events { worker_connections %d; }\n'
                    'rtmp { server { listen 127.0.0.1:%d; chunk_size 4096;\n'
                    '  max_message 16M; application live { live on;\n'
                    '  record off; wait_key off; } } }\n'
                    % (bs.NGINX_MODULE, tmp, tmp, n + 128, self.port))
            self.proc = subprocess.Popen(['nginx', '-c', conf, '-p', tmp],
                                         stdout=log, stderr=log)
            end = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(('127.0.0.1', self.port)).close()
                    break
                except OSError:
                    if time.monotonic() > end or self.proc.poll() is not None:
                        raise RuntimeError('nginx did not start')
                    time.sleep(0.1)
            self.play_name = 'src0'

    def stats(self):
        """The sink's counters (ours), after the host stopped."""
        st = {}
        with open(self.stdout) as f:
            for line in f:
                w = line.split()
                if w and w[0] == 'stats':
                    st = {k: int(v) for k, v in zip(w[1::2], w[2::2])}
        return st


def loadgen(cmd, out, word, timeout):
    proc = subprocess.Popen(cmd, stdout=open(out, 'w'),
                            stderr=open(out + '.err', 'w'))
    try:
        bs.wait_line(out, word, proc, timeout)
    except RuntimeError:
        bs.stop(proc)
        raise
    return proc


# ---- results ----

def ticks(path, key):
    """[(mono ns, cumulative @key, failed)] of a generator's tick lines."""
    rows = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if w and w[0] == 'tick':
                d = dict(zip(w[::2], w[1::2]))
                rows.append((int(d['tick']), int(d[key]), int(d['failed']),
                             float(d.get('slip_max_ms', 0))))
    return rows


def at(rows, t):
    """@rows' cumulative count interpolated at @t."""
    for (t0, c0, _, _), (t1, c1, _, _) in zip(rows, rows[1:]):
        if t0 <= t <= t1:
            return c0 + (c1 - c0) * (t - t0) / (t1 - t0)
    return float('nan')


def read_samples(path):
    rows = []
    with open(path) as f:
        for line in f:
            rows.append(tuple(int(x) for x in line.split()))
    return rows


def frames(tmp, n, t0, t1, schedule, render_out):
    """Loss and delays (ms) of the key frames written in [t0, t1]."""
    written = {ts: ns for _, ts, ns in read_samples(tmp + '/pub.samples')
               if t0 <= ns <= t1}
    got = {}
    for idx, ts, ns, msgs in read_samples(tmp + '/play.samples'):
        got.setdefault(idx, {})[ts] = (ns, msgs)
    pos = key_positions(schedule, max(written) if written else 0)
    render = {}
    if render_out and os.path.exists(render_out):
        with open(render_out) as f:
            for line in f:
                w = line.split()
                render[int(w[1])] = int(w[2])
    delays, play_delays, missing, lost = [], [], 0, 0
    keys = sorted(written)
    for idx in range(n):
        mine = got.get(idx, {})
        for ts in keys:
            if ts not in mine:
                missing += 1
                continue
            delays.append((mine[ts][0] - written[ts]) / 1e6)
            if ts in render:
                play_delays.append((mine[ts][0] - render[ts]) / 1e6)
        for a, b in zip(keys, keys[1:]):
            if a in mine and b in mine and a in pos and b in pos:
                lost += (pos[b] - pos[a]) - (mine[b][1] - mine[a][1])
    ingest = [(render[ts] - written[ts]) / 1e6 for ts in keys
              if ts in render]
    return {'keys': len(keys), 'missing_keys': missing, 'lost': lost,
            'delays': delays, 'play_delays': play_delays, 'ingest': ingest}


def run_one(kind, n, rep, args, build, flv, schedule, tmp):
    r = {'server': kind, 'n': n, 'rep': rep}
    gen = os.path.join(build, 'bench', 'ertmp_loadgen')
    srv = Server(kind, n, args, build, tmp)
    pid = srv.proc.pid
    procs = []
    try:
        pub = loadgen([gen, '--file', flv, '-n', '1', '--prefix', 'src',
                       '--port', str(srv.port), '--out-prefix',
                       tmp + '/pub', '--seed', str(n)],
                      tmp + '/pub.stdout', 'all-published', 30)
        procs.append(pub)
        time.sleep(args.base)
        b0, bc0 = time.monotonic_ns(), bs.proc_cpu(pid)
        time.sleep(args.base_window)
        b1, bc1 = time.monotonic_ns(), bs.proc_cpu(pid)
        r['base_us_s'] = (bc1 - bc0) / ((b1 - b0) / 1e9) * 1e6
        rss0 = bs.proc_status(pid, 'VmRSS')
        r['rss0_mb'] = rss0 / 1024
        play = loadgen([gen, '--play', srv.play_name, '-n', str(n),
                        '--port', str(srv.port), '--rate', str(args.rate),
                        '--out-prefix', tmp + '/play'],
                       tmp + '/play.stdout', 'all-playing',
                       60 + 2 * n / args.rate)
        procs.append(play)
        time.sleep(args.settle)
        t0 = time.monotonic_ns()
        c0, g0, p0 = (bs.proc_cpu(pid), bs.proc_cpu(play.pid),
                      bs.proc_cpu(pub.pid))
        s0 = proc_sys(pid)
        perf = stat = None
        if args.perf_stat:
            stat = subprocess.Popen(
                ['perf', 'stat', '-x', ',', '-o', tmp + '/perf.stat', '-e',
                 ','.join(SYSCALL_EVENTS), '-p', str(pid), '--', 'sleep',
                 str(args.window)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if args.perf:
            perf = subprocess.Popen(
                ['perf', 'record', '-g', '-F', '999', '-o',
                 os.path.join(args.keep or '.', 'perf-%s-%d-%d.data' % (
                     kind, n, time.time())),
                 '-p', str(pid), '--', 'sleep', str(args.perf)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(args.window)
        t1 = time.monotonic_ns()
        c1, g1, p1 = (bs.proc_cpu(pid), bs.proc_cpu(play.pid),
                      bs.proc_cpu(pub.pid))
        s1 = proc_sys(pid)
        for tool in (perf, stat):
            if tool:
                tool.wait()
        rss1 = bs.proc_status(pid, 'VmRSS')
        r['threads'] = bs.proc_status(pid, 'Threads')
        r['load1'] = os.getloadavg()[0]
        secs = (t1 - t0) / 1e9
        r['cpu_us'] = (c1 - c0) / (n * secs) * 1e6
        r['sys_pct'] = 100 * (s1 - s0) / max(c1 - c0, 1e-9)
        r['net_us'] = ((c1 - c0) / secs * 1e6 - r['base_us_s']) / n
        r['kib'] = (rss1 - rss0) / n
        r['gen_us'] = (g1 - g0) / (n * secs) * 1e6
        r['pub_us_s'] = (p1 - p0) / secs * 1e6
        if stat:
            r.update(syscalls(tmp + '/perf.stat', n, args.window,
                              c1 - c0, secs))
        time.sleep(1.2)  # a tick line after t1 in each generator
        for p in reversed(procs):
            bs.stop(p)
        procs = []
    finally:
        for p in reversed(procs):
            bs.stop(p)
        bs.stop(srv.proc)
    pt = ticks(tmp + '/pub.stdout', 'sent_msgs')
    lt = ticks(tmp + '/play.stdout', 'recv_msgs')
    r['sent_per_s'] = (at(pt, t1) - at(pt, t0)) / secs
    r['recv_per_s'] = (at(lt, t1) - at(lt, t0)) / (n * secs)
    r['slip_ms'] = max([s for t, _, _, s in pt if t0 < t <= t1 + 1e9] or
                       [0])
    r['failed'] = max([f for _, _, f, _ in lt + pt] or [0])
    fr = frames(tmp, n, t0, t1, schedule,
                srv.out if kind == 'ours' else None)
    r['keys'], r['missing_keys'], r['lost'] = (fr['keys'],
                                               fr['missing_keys'], fr['lost'])
    r['p50_ms'], r['p99_ms'] = bs.pct(fr['delays'], 50), bs.pct(
        fr['delays'], 99)
    r['samples'] = len(fr['delays'])
    if kind == 'ours':
        r['play_p50_ms'] = bs.pct(fr['play_delays'], 50)
        r['play_p99_ms'] = bs.pct(fr['play_delays'], 99)
        r['ingest_p50_ms'] = bs.pct(fr['ingest'], 50)
        st = srv.stats()
        r['dropped'] = st.get('players-dropped', -1)
        r['skipped'] = st.get('frames-skipped', -1)
    r['valid'] = (r['slip_ms'] <= args.max_slip and r['failed'] == 0)
    # the players did not get the stream in time: the server fell behind
    r['saturated'] = (r['missing_keys'] > 0 or r['p50_ms'] > 100
                      or r['recv_per_s'] < 0.98 * r['sent_per_s'])
    if args.keep:
        shutil.copytree(tmp, os.path.join(args.keep, '%s-%d-%d' % (
            kind, n, time.time())))
    return r


def fmt(values, digits=0):
    if not values:
        return 'n/a'
    return '%.*f / %.*f' % (digits, min(values), digits,
                            statistics.median(values))


def table(results, ns):
    """Min / median over the valid repetitions that kept up; where none
    kept up, over the valid ones, marked "sat." (the players fell behind:
    a saturated server's CPU per player-second understates its cost)."""
    cols = ['N', 'server', 'CPU µs per player-s', 'net of 0 players',
            'ours / nginx (paired)', 'kernel %', 'KiB per player',
            'msgs per player-s (sent)', 'lost msgs, key frames',
            'delay p50 ms', 'delay p99 ms', 'render() to player p50 ms',
            'render() to player p99 ms', 'player gen µs per player-s',
            'valid, saturated / reps']
    lines = ['| ' + ' | '.join(cols) + ' |', '|' + '---|' * len(cols)]
    for n in ns:
        use = {}
        for kind in ('ours', 'nginx'):
            ok = [r for r in results if r['server'] == kind
                  and r['n'] == n and r['valid']]
            kept = [r for r in ok if not r['saturated']]
            use[kind] = (kept or ok, not kept and ok)
        pairs = {}
        for r in results:
            if r['n'] == n and r['valid'] and not r['saturated']:
                pairs.setdefault(r['rep'], {})[r['server']] = r['cpu_us']
        ratios = [p['ours'] / p['nginx'] for p in pairs.values()
                  if len(p) == 2]
        for kind in ('ours', 'nginx'):
            rs = [r for r in results if r['server'] == kind and r['n'] == n]
            if not rs:
                continue
            ok, sat = use[kind]
            mark = ' sat.' if sat else ''

            def col(k, digits=0):
                v = fmt([r[k] for r in ok if k in r], digits)
                return v + mark if v != 'n/a' and k == 'cpu_us' else v
            ratio = ('%.2f-%.2f (%.2f)' % (min(ratios), max(ratios),
                                           statistics.median(ratios))
                     if kind == 'ours' and ratios else 'n/a')
            lost = ('%d, %d' % (max(r['lost'] for r in ok),
                                max(r['missing_keys'] for r in ok))
                    if ok else 'n/a')
            msgs = ('%s (%.1f)' % (col('recv_per_s', 1), statistics.median(
                r['sent_per_s'] for r in ok)) if ok else 'n/a')
            lines.append('| ' + ' | '.join([
                str(n), kind, col('cpu_us'), col('net_us'), ratio,
                col('sys_pct'), col('kib', 1), msgs, lost,
                col('p50_ms', 1), col('p99_ms', 1), col('play_p50_ms', 1),
                col('play_p99_ms', 1), col('gen_us'),
                '%d, %d / %d' % (len([r for r in rs if r['valid']]),
                                 len([r for r in rs if r['valid'] and
                                      r['saturated']]), len(rs))]) + ' |')
    return '\n'.join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--build', default=os.path.join(bs.TOP, 'build'))
    p.add_argument('--ns', default='100 500 1000')
    p.add_argument('--reps', type=int, default=3)
    p.add_argument('--window', type=float, default=20)
    p.add_argument('--base', type=float, default=4)
    p.add_argument('--base-window', type=float, default=6)
    p.add_argument('--settle', type=float, default=3)
    p.add_argument('--rate', type=int, default=500)
    p.add_argument('--only', choices=['ours', 'nginx'])
    p.add_argument('--file')
    p.add_argument('--cache-dir')
    p.add_argument('--keep')
    p.add_argument('--set', action='append')
    p.add_argument('--max-slip', type=float, default=50)
    p.add_argument('--perf', type=float, default=0,
                   help='perf record -g the server for S s of the window '
                   '(perf-SERVER-N-TIME.data in --keep or here)')
    p.add_argument('--perf-stat', action='store_true',
                   help='count the server\'s system calls and sends in the '
                   'window (perf stat; adds tracing overhead)')
    args = p.parse_args()
    args.hevc = False
    build = os.path.abspath(args.build)
    nofile = bs.raise_nofile()
    flv = args.file or bs.make_flv(args, build, args.cache_dir or
                                   os.path.join(build, 'bench', 'scale-data'))
    schedule = flv_schedule(flv)
    kinds = [args.only] if args.only else ['ours', 'nginx']
    ns = [int(x) for x in args.ns.split()]
    results = []
    print('# RLIMIT_NOFILE %d, input %s (%d bytes), %d CPUs' %
          (nofile, flv, os.path.getsize(flv), os.cpu_count()), flush=True)
    for n in ns:
        for rep in range(args.reps):
            for kind in (kinds if rep % 2 == 0 else kinds[::-1]):
                tmp = tempfile.mkdtemp(prefix='bench-play-')
                try:
                    r = run_one(kind, n, rep, args, build, flv, schedule,
                                tmp)
                except RuntimeError as e:
                    r = {'server': kind, 'n': n, 'rep': rep, 'valid': False,
                         'saturated': False, 'error': str(e)}
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
                results.append(r)
                print('# ' + ' '.join('%s=%s' % (k, round(v, 2) if
                                                 isinstance(v, float) else v)
                                      for k, v in r.items()), flush=True)
    print(table(results, ns))


if __name__ == '__main__':
    sys.exit(main())
