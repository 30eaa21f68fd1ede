#!/usr/bin/env python3
# gst-ertmp: the ingest server at scale against nginx-rtmp, same load, same
# run (docs/performance.md, "Ingest server at scale").
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
For each N (--ns) and each repetition (--reps), one after the other:

  (a) ours:  bench/ertmp_ingest_host -n N: N pipelines
             "rtmpingestsrc ! erdemux ! fakesink" in one process, all on one
             port (default) or one port per element (--ports);
  (b) nginx: nginx 1.22 + nginx-rtmp (worker_processes 1, master_process
             off, application live with wait_key off), started here;

each fed by bench/ertmp_loadgen: N RTMP publishers opened at --rate a
second, replaying the same FLV file (H.264 30 fps ~500 kb/s, key frame every
2 s, + AAC 96 kb/s: ~600 kb/s each) paced in real time, looping.

Per server and N:
  - idle: the generator with --idle (connected, published, sends nothing);
    RSS (VmRSS) delta per publisher against the server with no publisher
    (ours: also the element's own cost, RSS before the pipelines existed);
  - streaming: once all publish and 3.5 s later (random start offsets of up
    to 1 s, settling), CPU time (utime+stime of the server process, all
    threads, /proc/PID/stat) over a --window second window, per
    publisher-second; RSS delta per publisher; threads of the server;
  - ours only: frames lost (audio+video tags sent by the generator minus
    tags seen on each rtmpingestsrc's src pad 5 s after the generator
    stopped) and the p50/p99 delay from
    the generator's write() that completed a video key frame to its arrival
    on the element's src pad (key frames written inside the window).
A repetition in which the generator was late by more than --max-slip ms
inside the window, or lost a connection, is flagged and left out of the
min/median.  CPU is reported as CPU time, never as wall-clock speed.

--bare weighs the element alone: ours only, N lone rtmpingestsrc in
PAUSED (no pipeline, no sink) and the idle phase only: "KiB per element" is
then the element itself, and the element plus "KiB per idle publisher" is
the whole cost of an idle publisher before any pipeline is built around it.

RLIMIT_NOFILE is raised here (for this process and its children).

usage: bench/bench_server.py [--build DIR] [--ns "100 500 1000 2000"]
          [--reps 3] [--window 20] [--rate 200] [--tick-ms 10] [--ports]
          [--only ours|nginx]
          [--no-demux | --bare] [--no-idle] [--hevc] [--file F.flv] [--keep DIR]
          [--set PROP=VALUE ...] [--max-slip MS]
"""
import argparse
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TCK = os.sysconf('SC_CLK_TCK')
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NGINX_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so'
# Properties of the shared server; set only where the element has them.
OUR_SETTINGS = ['max-connections=100000',
                'max-connections-per-address=100000',
                'first-media-timeout=0', 'idle-timeout=0',
                'handshake-timeout=60']


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def proc_cpu(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TCK  # utime + stime


def proc_status(pid, key):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1])
    return -1


def wait_line(path, word, proc, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError('%s exited (%d) before "%s"' %
                               (proc.args[0], proc.returncode, word))
        with open(path) as f:
            for line in f:
                if line.startswith(word):
                    return line.split()
        time.sleep(0.1)
    raise RuntimeError('no "%s" in %s after %d s' % (word, path, timeout))


def stop(proc, timeout=300):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def make_flv(args, build, cache):
    name = 'hevc-opus.flv' if args.hevc else 'h264-aac.flv'
    path = os.path.join(cache, name)
    if os.path.exists(path):
        return path
    os.makedirs(cache, exist_ok=True)
    video = ('videotestsrc pattern=snow num-buffers=750 ! '
             'video/x-raw,width=640,height=360,framerate=30/1 ! ')
    if args.hevc:
        video += ('x265enc bitrate=500 key-int-max=60 tune=zerolatency '
                  'speed-preset=ultrafast option-string=scenecut=0 ! '
                  'h265parse ! flvemux name=m ! filesink location=' + path)
        audio = ('audiotestsrc num-buffers=1172 samplesperbuffer=1024 ! '
                 'audio/x-raw,rate=48000,channels=2 ! opusenc '
                 'bitrate=96000 ! m.audio')
    else:
        # scenecut=0: snow would make every frame a scene cut (a key frame)
        video += ('x264enc bitrate=500 key-int-max=60 tune=zerolatency '
                  'speed-preset=veryfast option-string=scenecut=0 ! '
                  'h264parse ! flvmux name=m ! filesink location=' + path)
        audio = ('audiotestsrc num-buffers=1172 samplesperbuffer=1024 ! '
                 'audio/x-raw,rate=48000,channels=2 ! avenc_aac '
                 'bitrate=96000 ! aacparse ! m.')
    env = dict(os.environ, GST_PLUGIN_PATH=os.path.join(build, 'gst'))
    subprocess.run(['gst-launch-1.0', '-q'] + (video + ' ' + audio).split(),
                   check=True, env=env)
    return path


class Server:
    """One server process under test: ours (the ingest host) or nginx."""

    def __init__(self, kind, n, args, build, tmp):
        self.kind, self.n, self.args, self.tmp = kind, n, args, tmp
        self.ports_file = None
        self.out = os.path.join(tmp, 'host.out')
        self.stdout = os.path.join(tmp, kind + '.stdout')
        self.base_rss = None
        log = open(self.stdout, 'w')
        if kind == 'ours':
            cmd = [os.path.join(build, 'bench', 'ertmp_ingest_host'),
                   '-n', str(n), '--out', self.out]
            if args.ports:
                self.ports_file = os.path.join(tmp, 'ports')
                cmd += ['--ports', '--ports-out', self.ports_file]
            if args.no_demux:
                cmd.append('--no-demux')
            if args.bare:
                cmd.append('--bare')
            for s in OUR_SETTINGS + (args.set or []):
                cmd += ['--set', s]
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=log)
            self.port = int(wait_line(self.stdout, 'port', self.proc,
                                      60 + n / 5)[1])
            wait_line(self.stdout, 'ready', self.proc, 60)
            self.base_rss = int(wait_line(self.stdout, 'base_rss_kb',
                                          self.proc, 1)[1])
        else:
            self.port = free_port()
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
                    % (NGINX_MODULE, tmp, tmp, 2 * n + 128, self.port))
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
            time.sleep(0.5)
        self.ready_rss = proc_status(self.proc.pid, 'VmRSS')

    def loadgen(self, args, build, flv, idle, prefix):
        cmd = [os.path.join(build, 'bench', 'ertmp_loadgen'), '--file', flv,
               '-n', str(self.n), '--rate', str(args.rate),
               '--tick-ms', str(args.tick_ms),
               '--app', 'live', '--prefix', 'key', '--seed', str(self.n)]
        if self.ports_file:
            cmd += ['--ports-file', self.ports_file]
        else:
            cmd += ['--port', str(self.port)]
        if idle:
            cmd.append('--idle')
        else:
            cmd += ['--out-prefix', prefix]
        out = prefix + '.stdout'
        proc = subprocess.Popen(cmd, stdout=open(out, 'w'),
                                stderr=open(prefix + '.stderr', 'w'))
        try:
            wait_line(out, 'all-published', proc,
                      60 + 2 * self.n / args.rate)
        except RuntimeError:
            stop(proc)
            raise
        return proc, out


def gen_window(stdout, t0, t1):
    """Worst slip (ms) and failed connections in [t0, t1] (monotonic ns)."""
    slip, failed = 0.0, 0
    with open(stdout) as f:
        for line in f:
            w = line.split()
            if w[0] != 'tick':
                continue
            d = dict(zip(w[::2], w[1::2]))
            t = int(d['tick'])
            failed = max(failed, int(d['failed']))
            if t0 < t <= t1 + 1000000000:
                slip = max(slip, float(d['slip_max_ms']))
    return slip, failed


def our_frames(out, prefix, t0, t1):
    """(frames lost, frames extra, delays in ms of key frames in window)."""
    sent, got, arrival = {}, {}, {}
    with open(prefix + '.sent') as f:
        for line in f:
            i, c = line.split()
            sent[int(i)] = int(c)
    with open(out) as f:
        for line in f:
            w = line.split()
            if w[0] == 'frames':
                got[int(w[1])] = int(w[2])
            elif w[0] == 'arrival':
                arrival[(int(w[1]), int(w[2]))] = int(w[3])
    lost = sum(max(0, c - got.get(i, 0)) for i, c in sent.items())
    extra = sum(max(0, got.get(i, 0) - c) for i, c in sent.items())
    delays, missing = [], 0
    with open(prefix + '.samples') as f:
        for line in f:
            i, ts, ns = (int(x) for x in line.split())
            if not t0 <= ns <= t1:
                continue
            a = arrival.get((i, ts))
            if a is None:
                missing += 1
            else:
                delays.append((a - ns) / 1e6)
    return lost, extra, missing, delays


def pct(values, p):
    if not values:
        return float('nan')
    v = sorted(values)
    return v[min(len(v) - 1, int(p / 100.0 * len(v)))]


def run_one(kind, n, args, build, flv, tmp):
    """One repetition of one server at N publishers: a dict of results."""
    r = {'server': kind, 'n': n}
    srv = Server(kind, n, args, build, tmp)
    pid = srv.proc.pid
    try:
        if srv.base_rss is not None:
            r['element_kib'] = (srv.ready_rss - srv.base_rss) / n
        if not args.no_idle:
            gen, _ = srv.loadgen(args, build, flv, True,
                                 os.path.join(tmp, 'idle'))
            time.sleep(2)
            r['idle_kib'] = (proc_status(pid, 'VmRSS') - srv.ready_rss) / n
            r['threads_idle'] = proc_status(pid, 'Threads')
            stop(gen)
            if args.bare:  # nothing streams through a lone element
                r['valid'] = True
                return r
            time.sleep(3)
        prefix = os.path.join(tmp, 'gen')
        gen, gen_out = srv.loadgen(args, build, flv, False, prefix)
        time.sleep(3.5)
        t0, cpu0, gcpu0 = time.monotonic_ns(), proc_cpu(pid), proc_cpu(gen.pid)
        time.sleep(args.window)
        t1, cpu1, gcpu1 = time.monotonic_ns(), proc_cpu(pid), proc_cpu(gen.pid)
        r['stream_kib'] = (proc_status(pid, 'VmRSS') - srv.ready_rss) / n
        r['threads'] = proc_status(pid, 'Threads')
        secs = (t1 - t0) / 1e9
        r['cpu_us'] = (cpu1 - cpu0) / (n * secs) * 1e6
        r['gen_cpu_us'] = (gcpu1 - gcpu0) / (n * secs) * 1e6
        stop(gen)
        r['slip_ms'], r['gen_failed'] = gen_window(gen_out, t0, t1)
        r['load1'] = os.getloadavg()[0]
        time.sleep(5)  # a frame later than this is lost for a live stream
    finally:
        stop(srv.proc)
    if kind == 'ours':
        r['lost'], r['extra'], r['missing'], d = our_frames(
            srv.out, prefix, t0, t1)
        r['p50_ms'], r['p99_ms'], r['samples'] = pct(d, 50), pct(d, 99), len(d)
    r['valid'] = r['slip_ms'] <= args.max_slip and r['gen_failed'] == 0
    if args.keep:
        dest = os.path.join(args.keep, '%s-%d-%d' % (kind, n, time.time()))
        shutil.copytree(tmp, dest)
    return r


def fmt(values, digits=0):
    if not values:
        return 'n/a'
    lo, med = min(values), statistics.median(values)
    return '%.*f / %.*f' % (digits, lo, digits, med)


def table(results, args):
    cols = ['server', 'N', 'CPU µs per publisher-s', 'KiB per idle publisher',
            'KiB per element', 'KiB per streaming publisher', 'threads',
            'frames lost', 'delay p50 ms', 'delay p99 ms',
            'generator CPU µs per publisher-s', 'valid reps']
    lines = ['| ' + ' | '.join(cols) + ' |',
             '|' + '---|' * len(cols)]
    keys = []
    for r in results:
        if (r['server'], r['n']) not in keys:
            keys.append((r['server'], r['n']))
    for kind, n in keys:
        rs = [r for r in results if r['server'] == kind and r['n'] == n]
        ok = [r for r in rs if r['valid']]

        def col(k, digits=0):
            return fmt([r[k] for r in ok if k in r], digits)
        name = kind
        if kind == 'ours':
            name += ' (--ports)' if args.ports else ' (one port)'
            name += ', element only' if args.bare else ''
        lost = ('%d' % max(r['lost'] for r in ok)
                if ok and kind == 'ours' and not args.bare else 'n/a')
        lines.append('| ' + ' | '.join([
            name, str(n), col('cpu_us'), col('idle_kib'),
            col('element_kib'), col('stream_kib'),
            '%d' % max(r.get('threads', r.get('threads_idle', 0))
                       for r in ok) if ok else 'n/a', lost,
            col('p50_ms', 1), col('p99_ms', 1), col('gen_cpu_us'),
            '%d/%d' % (len(ok), len(rs))]) + ' |')
    return '\n'.join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--build', default=os.path.join(TOP, 'build'))
    p.add_argument('--ns', default='100 500 1000 2000')
    p.add_argument('--reps', type=int, default=3)
    p.add_argument('--window', type=float, default=20)
    p.add_argument('--rate', type=int, default=200)
    p.add_argument('--tick-ms', type=int, default=10)
    p.add_argument('--ports', action='store_true')
    p.add_argument('--only', choices=['ours', 'nginx'])
    p.add_argument('--no-demux', action='store_true')
    p.add_argument('--no-idle', action='store_true')
    p.add_argument('--bare', action='store_true')
    p.add_argument('--hevc', action='store_true')
    p.add_argument('--file')
    p.add_argument('--cache-dir')
    p.add_argument('--keep')
    p.add_argument('--set', action='append')
    p.add_argument('--max-slip', type=float, default=50)
    args = p.parse_args()
    build = os.path.abspath(args.build)
    if args.bare and (args.no_idle or args.no_demux or args.ports):
        p.error('--bare measures idle publishers on one port only')
    nofile = raise_nofile()
    flv = args.file or make_flv(args, build, args.cache_dir or os.path.join(
        build, 'bench', 'scale-data'))
    kinds = [args.only] if args.only else ['ours', 'nginx']
    results = []
    print('# RLIMIT_NOFILE %d, input %s (%d bytes)' %
          (nofile, flv, os.path.getsize(flv)), flush=True)
    for n in (int(x) for x in args.ns.split()):
        for rep in range(args.reps):
            for kind in kinds:
                tmp = tempfile.mkdtemp(prefix='bench-server-')
                try:
                    r = run_one(kind, n, args, build, flv, tmp)
                except RuntimeError as e:
                    r = {'server': kind, 'n': n, 'valid': False,
                         'error': str(e)}
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
                results.append(r)
                print('# ' + ' '.join('%s=%s' % (k, round(v, 2) if
                                                 isinstance(v, float) else v)
                                      for k, v in r.items()), flush=True)
    print(table(results, args))


if __name__ == '__main__':
    sys.exit(main())
