#!/usr/bin/env python3
# gst-ertmp: rtmpingestsrc against nginx-rtmp + rtmp2src, fed by the same
# FFmpeg publisher as fast as it can send (docs/performance.md, issue 4).
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
Input: a legacy H.264/AAC FLV of about --mb MB (1280x720 30 fps snow, x264enc
ultrafast at 20 Mbit/s, 256 kbit/s AAC; ~20.7 Mbit/s in all), made once with
gst-launch-1.0 and cached in --cache-dir.  Each repetition publishes it with

  ffmpeg -nostdin -v error -i INPUT -c copy -f flv rtmp://127.0.0.1:P/live/key

(no -re: as fast as TCP lets it) into

  (a) gst-launch-1.0 rtmpingestsrc host=127.0.0.1 port=P application=live
        stream-key=key keep-listening=false ! erdemux name=d
        d.video ! fakesink sync=false async=false
        d.audio ! fakesink sync=false async=false
  (b) nginx 1.22 + nginx-rtmp (foreground, master_process off, chunk_size
      4096, max_message 16M, out_queue 4096, started per repetition)
      relaying to
      gst-launch-1.0 rtmp2src location=rtmp://127.0.0.1:P/live/key
        ! flvdemux name=d d.video ! fakesink sync=false async=false
        d.audio ! fakesink sync=false async=false
      (the player is started and connected first)

CPU = user+sys of the whole process (all threads) from wait4(): for (a) the
gst-launch process, for (b) nginx plus the rtmp2src gst-launch process; each
process is started per repetition, so start-up is included (0.02 to 0.06 s
of CPU, against 0.25 s and more for the transfer of 300 MB).  CPU per GB counts the FLV bytes
that FFmpeg sends (10^9 B); "fixed" is the CPU of the same processes started,
(for (b) the player connected), idle 0.5 s and stopped without a publisher,
and "net" subtracts it.  Throughput of (a): FLV bytes / wall time from
FFmpeg's TCP connection to gst-launch's exit at EOS; it is bounded by FFmpeg
(one thread reading the file and writing the socket), see its CPU column.
Repetitions interleave (a) and (b); medians are reported.

Before timing, one checked run per path replaces the demuxer by filesink and
compares the tags received with the tags of the same FFmpeg remux written to
a file (count per type, body bytes and a SHA-256 over the audio and video tag
bodies, in order): (a) must match exactly.

Idle memory: VmRSS of the (a) pipeline listening, then with an FFmpeg
publisher (-re, real time) that connected, published for 2 s and was then
stopped with SIGSTOP: its connection stays open and sends nothing.  Read 2 s
after the stop.  The same for (b) (nginx + rtmp2src player) for comparison.

With --chunk-sizes 4096,default only (a) runs, once per value and
repetition, interleaved: FFmpeg echoes the chunk size the server announces,
so its CPU time (user+sys from wait4) is compared, min and median.

usage: bench/bench_ingest.py [--build DIR] [--mb N] [--reps N]
                             [--cache-dir DIR] [--only a|b] [--out-queue N]
                             [--no-check] [--no-idle] [--keep]
                             [--chunk-sizes LIST]
"""
import argparse
import hashlib
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NGINX_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so"
VIDEO_KBPS = 20000
AUDIO_BPS = 256000
FPS = 30
# nginx-rtmp's per-player queue in messages (nginx default 256, which drops
# a quarter of the frames for a player behind a faster-than-real-time publisher)
OUT_QUEUE = 4096


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---- input ---------------------------------------------------------------

def make_input(cache, mb):
    """The source FLV (gst) and FFmpeg's remux of it (what it publishes)."""
    src = os.path.join(cache, f"snow-720p-{mb}mb.flv")
    ref = os.path.join(cache, f"snow-720p-{mb}mb.ffmpeg.flv")
    if not os.path.exists(src):
        seconds = mb * 8e6 / (VIDEO_KBPS * 1000 + AUDIO_BPS + 400000)
        frames = int(seconds * FPS)
        abufs = int(seconds * 48000 / 1024) + 1
        tmp = src + ".part"
        log(f"== making {src} ({seconds:.0f} s of 1280x720 snow at "
            f"{VIDEO_KBPS} kbit/s; once)")
        subprocess.run([
            "gst-launch-1.0", "-q",
            "videotestsrc", "pattern=snow", f"num-buffers={frames}", "!",
            f"video/x-raw,format=I420,width=1280,height=720,framerate={FPS}/1",
            "!", "x264enc", f"bitrate={VIDEO_KBPS}", "speed-preset=ultrafast",
            "key-int-max=60", "!", "h264parse", "!", "queue", "!",
            "flvmux", "name=m", "streamable=true", "!",
            "filesink", f"location={tmp}",
            "audiotestsrc", "wave=white-noise", f"num-buffers={abufs}",
            "samplesperbuffer=1024", "!",
            "audio/x-raw,rate=48000,channels=2", "!",
            "avenc_aac", f"bitrate={AUDIO_BPS}", "!", "aacparse", "!",
            "queue", "!", "m."], check=True)
        os.rename(tmp, src)
        if os.path.exists(ref):
            os.unlink(ref)
    if not os.path.exists(ref):
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", src,
                        "-c", "copy", "-f", "flv", ref + ".part"], check=True)
        os.rename(ref + ".part", ref)
    return src, ref


def flv_summary(path):
    """Counts and body bytes per tag type, SHA-256 over A/V bodies."""
    counts, body = {}, {}
    h = hashlib.sha256()
    with open(path, "rb") as f:
        head = f.read(9)
        if len(head) < 9 or head[:3] != b"FLV":
            return None
        f.seek(struct.unpack(">I", head[5:9])[0] + 4)
        while True:
            th = f.read(11)
            if len(th) < 11:
                break
            t = th[0] & 0x1f
            n = int.from_bytes(th[1:4], "big")
            data = f.read(n)
            if len(data) < n:
                counts["truncated"] = counts.get("truncated", 0) + 1
                break
            f.read(4)
            counts[t] = counts.get(t, 0) + 1
            body[t] = body.get(t, 0) + n
            if t in (8, 9):
                h.update(data)
    return {"video": (counts.get(9, 0), body.get(9, 0)),
            "audio": (counts.get(8, 0), body.get(8, 0)),
            "script": (counts.get(18, 0), body.get(18, 0)),
            "truncated": counts.get("truncated", 0),
            "sha256": h.hexdigest()}


# ---- processes -------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    try:
        with open("/proc/net/tcp") as f:
            next(f)
            for line in f:
                p = line.split()
                if p[3] == "0A" and int(p[1].split(":")[1], 16) == port:
                    return True
    except OSError:
        pass
    return False


def established_to(port):
    """Number of ESTABLISHED client sockets connected to 127.0.0.1:port"""
    n = 0
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            p = line.split()
            if p[3] == "01" and int(p[2].split(":")[1], 16) == port:
                n += 1
    return n


def wait_for(cond, what, timeout=20.0, proc=None):
    end = time.monotonic() + timeout
    while not cond():
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: process exited ({proc.returncode})")
        if time.monotonic() > end:
            raise RuntimeError(f"timeout waiting for {what}")
        time.sleep(0.02)


class Proc:
    """A child whose rusage we collect with wait4 (by its own pid)."""

    def __init__(self, argv, env=None, log_path=None):
        self.argv = argv
        self.out = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                  stdout=self.out, stderr=subprocess.STDOUT)
        self.pid = self.p.pid
        self.status = None
        self.ru = None

    def poll(self):
        if self.status is None:
            pid, st, ru = os.wait4(self.pid, os.WNOHANG)
            if pid == self.pid:
                self._done(st, ru)
        return self.returncode

    def _done(self, st, ru):
        self.status = st
        self.ru = ru
        self.p.returncode = os.waitstatus_to_exitcode(st)
        if self.out is not subprocess.DEVNULL:
            self.out.close()

    @property
    def returncode(self):
        return None if self.status is None else self.p.returncode

    def wait(self, timeout):
        end = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > end:
                return None
            time.sleep(0.005)
        return self.returncode

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass
            if self.wait(timeout) is None:
                os.kill(self.pid, signal.SIGKILL)
                self.wait(10)
        return self.returncode

    @property
    def cpu(self):
        return self.ru.ru_utime + self.ru.ru_stime

    @property
    def maxrss_kb(self):
        return self.ru.ru_maxrss


def vmrss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Bench:
    def __init__(self, args):
        self.args = args
        self.plugin_dir = os.path.join(os.path.abspath(args.build), "gst")
        self.tmp = tempfile.mkdtemp(prefix="bench-ingest-")
        self.env = dict(os.environ)
        self.env["GST_PLUGIN_PATH_1_0"] = self.plugin_dir
        # a private registry: never touch the user's or the tests' one
        self.env["GST_REGISTRY_1_0"] = os.path.join(self.tmp, "registry.bin")
        self.env.pop("GST_DEBUG", None)
        self.logs = 0
        # build the registry now, not in the first measured run
        subprocess.run(["gst-inspect-1.0", "rtmpingestsrc"], env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def logfile(self, name):
        self.logs += 1
        return os.path.join(self.tmp, f"{self.logs:03d}-{name}.log")

    def tail(self, proc):
        if proc.out is subprocess.DEVNULL:
            return ""
        try:
            with open(proc.out.name, "rb") as f:
                return f.read()[-2000:].decode(errors="replace")
        except OSError:
            return ""

    # -- the pipelines
    def ingest_argv(self, port, sink, chunk_size=None):
        props = [f"chunk-size={chunk_size}"] if chunk_size else []
        return ["gst-launch-1.0", "-q", "rtmpingestsrc", "host=127.0.0.1",
                f"port={port}", "application=live", "stream-key=key",
                "keep-listening=false"] + props + ["!"] + sink

    def play_argv(self, port, sink):
        return ["gst-launch-1.0", "-q", "rtmp2src",
                f"location=rtmp://127.0.0.1:{port}/live/key", "!"] + sink

    @staticmethod
    def demux_sink(demux):
        # async=false: without queues, a sink prerolling on the first video
        # tag would block the only streaming thread before the audio sink
        # gets its first buffer (the pipeline would never reach PLAYING)
        return [demux, "name=d", "d.video", "!", "fakesink", "sync=false",
                "async=false", "d.audio", "!", "fakesink", "sync=false",
                "async=false"]

    def publisher(self, port, src, realtime=False):
        argv = ["ffmpeg", "-nostdin", "-v", "error"]
        if realtime:
            argv.append("-re")
        argv += ["-i", src, "-c", "copy", "-f", "flv",
                 f"rtmp://127.0.0.1:{port}/live/key"]
        return Proc(argv, log_path=self.logfile("ffmpeg"))

    def publish(self, port, src, n_before):
        """Starts FFmpeg; returns it and when its TCP connection was up
        (n_before: connections to port once it is), so that FFmpeg's own
        start-up (probing the file) is not counted as the receiver's time"""
        t0 = time.monotonic()
        ff = self.publisher(port, src)
        while ff.poll() is None:
            if established_to(port) >= n_before:
                return ff, time.monotonic()
            time.sleep(0.002)
        return ff, t0

    def start_nginx(self):
        port = free_port()
        d = tempfile.mkdtemp(prefix="nginx-", dir=self.tmp)
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""load_module {NGINX_MODULE};
daemon off; master_process off; pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 128; }}
rtmp {{ server {{ listen 127.0.0.1:{port}; chunk_size 4096; max_message 16M;
       out_queue {self.args.out_queue};
       application live {{ live on; record off; wait_key off; }} }} }}
""")
        ngx = Proc(["nginx", "-c", conf, "-p", d, "-e", f"{d}/error.log"],
                   log_path=self.logfile("nginx"))
        wait_for(lambda: listening(port), "nginx listening", proc=ngx)
        return ngx, port

    # -- one run of each path; sink=None: the timed demux pipeline
    def run_a(self, src, sink=None, timeout=600, chunk_size=None):
        port = free_port()
        gst = Proc(self.ingest_argv(port, sink or self.demux_sink("erdemux"),
                                    chunk_size),
                   env=self.env, log_path=self.logfile("ingest"))
        try:
            wait_for(lambda: listening(port), "rtmpingestsrc listening",
                     proc=gst)
            ff, t_conn = self.publish(port, src, 1)
            if ff.wait(timeout) != 0:
                raise RuntimeError(f"ffmpeg -> (a) failed ({ff.returncode}): "
                                   f"{self.tail(ff)}")
            if gst.wait(60) is None:
                raise RuntimeError("(a) did not reach EOS 60 s after the "
                                   "publisher finished")
            wall = time.monotonic() - t_conn
            if gst.returncode != 0:
                raise RuntimeError(f"(a) gst-launch failed "
                                   f"({gst.returncode}): {self.tail(gst)}")
            return {"cpu": gst.cpu, "wall": wall, "maxrss": gst.maxrss_kb,
                    "ffmpeg_cpu": ff.cpu, "user": gst.ru.ru_utime,
                    "sys": gst.ru.ru_stime}
        finally:
            gst.stop(signal.SIGKILL)

    def run_b(self, src, sink=None, timeout=600):
        ngx, port = self.start_nginx()
        gst = None
        try:
            gst = Proc(self.play_argv(port, sink or
                                      self.demux_sink("flvdemux")),
                       env=self.env, log_path=self.logfile("play"))
            wait_for(lambda: established_to(port) >= 1, "rtmp2src connected",
                     proc=gst)
            time.sleep(0.3)  # let it get through connect/play
            ff, t_conn = self.publish(port, src, 2)
            if ff.wait(timeout) != 0:
                raise RuntimeError(f"ffmpeg -> (b) failed ({ff.returncode}): "
                                   f"{self.tail(ff)}")
            # nginx tells the player that the stream ended: rtmp2src EOS
            eos = gst.wait(60) is not None
            wall = time.monotonic() - t_conn
            if not eos:
                log("   (b) player still running 60 s after the publisher "
                    "finished: stopped")
                gst.stop(signal.SIGINT)
            ngx.stop(signal.SIGTERM)
            return {"cpu": gst.cpu + ngx.cpu, "wall": wall,
                    "nginx_cpu": ngx.cpu, "play_cpu": gst.cpu,
                    "maxrss": gst.maxrss_kb, "nginx_maxrss": ngx.maxrss_kb,
                    "ffmpeg_cpu": ff.cpu, "eos": eos,
                    "user": gst.ru.ru_utime + ngx.ru.ru_utime,
                    "sys": gst.ru.ru_stime + ngx.ru.ru_stime,
                    "rc": gst.returncode}
        finally:
            if gst is not None:
                gst.stop(signal.SIGKILL)
            ngx.stop(signal.SIGKILL)

    # -- fixed cost: start, listen (and, for (b), connect the player), stop
    def fixed_a(self):
        port = free_port()
        gst = Proc(self.ingest_argv(port, self.demux_sink("erdemux")),
                   env=self.env, log_path=self.logfile("fixed-ingest"))
        try:
            wait_for(lambda: listening(port), "rtmpingestsrc listening",
                     proc=gst)
            time.sleep(0.5)
        finally:
            gst.stop(signal.SIGINT)
        return gst.cpu

    def fixed_b(self):
        ngx, port = self.start_nginx()
        gst = None
        try:
            gst = Proc(self.play_argv(port, self.demux_sink("flvdemux")),
                       env=self.env, log_path=self.logfile("fixed-play"))
            wait_for(lambda: established_to(port) >= 1, "rtmp2src connected",
                     proc=gst)
            time.sleep(0.5)
        finally:
            if gst is not None:
                gst.stop(signal.SIGINT)
            ngx.stop(signal.SIGTERM)
        return gst.cpu + ngx.cpu

    # -- checked runs: filesink, then compare with FFmpeg's remux
    def check(self, path_name, runner, src, want):
        out = os.path.join(self.tmp, f"check-{path_name}.flv")
        res = runner(src, sink=["filesink", f"location={out}"])
        got = flv_summary(out)
        size = os.path.getsize(out)
        os.unlink(out)
        same = got is not None and all(got[k] == want[k] for k in
                                       ("video", "audio", "sha256"))
        return same, got, size, res

    # -- idle memory
    def idle_a(self, src):
        port = free_port()
        gst = Proc(self.ingest_argv(port, self.demux_sink("erdemux")),
                   env=self.env, log_path=self.logfile("idle-ingest"))
        ff = None
        try:
            wait_for(lambda: listening(port), "rtmpingestsrc listening",
                     proc=gst)
            time.sleep(1)
            listen_kb = vmrss_kb(gst.pid)
            ff = self.publisher(port, src, realtime=True)
            time.sleep(2)
            os.kill(ff.pid, signal.SIGSTOP)
            time.sleep(2)
            idle_kb = vmrss_kb(gst.pid)
            return {"listening": listen_kb, "idle": idle_kb}
        finally:
            if ff is not None:
                ff.stop(signal.SIGKILL)
            gst.stop(signal.SIGKILL)

    def idle_b(self, src):
        ngx, port = self.start_nginx()
        gst = ff = None
        try:
            gst = Proc(self.play_argv(port, self.demux_sink("flvdemux")),
                       env=self.env, log_path=self.logfile("idle-play"))
            wait_for(lambda: established_to(port) >= 1, "rtmp2src connected",
                     proc=gst)
            time.sleep(1)
            listen_kb = vmrss_kb(gst.pid) + vmrss_kb(ngx.pid)
            ff = self.publisher(port, src, realtime=True)
            time.sleep(2)
            os.kill(ff.pid, signal.SIGSTOP)
            time.sleep(2)
            return {"listening": listen_kb, "idle_nginx": vmrss_kb(ngx.pid),
                    "idle_play": vmrss_kb(gst.pid),
                    "idle": vmrss_kb(gst.pid) + vmrss_kb(ngx.pid)}
        finally:
            if ff is not None:
                ff.stop(signal.SIGKILL)
            if gst is not None:
                gst.stop(signal.SIGKILL)
            ngx.stop(signal.SIGKILL)


def chunk_compare(b, src, flv_bytes, sizes, reps):
    """(a) with each chunk-size value ("default": the property unset),
    interleaved; FFmpeg echoes the announced size, so its CPU is what
    changes.  Prints min and median per value, side by side."""
    res = {c: [] for c in sizes}
    for r in range(reps):
        for c in sizes:
            x = b.run_a(src, chunk_size=None if c == "default" else c)
            res[c].append(x)
            log(f"   rep {r + 1} chunk-size={c}: FFmpeg CPU "
                f"{x['ffmpeg_cpu']:.2f} s, rtmpingestsrc CPU "
                f"{x['cpu']:.2f} s, wall {x['wall']:.2f} s")
    print(f"\ninput: {flv_bytes / 1e6:.1f} MB of FLV published by FFmpeg "
          f"into (a), {reps} runs per value, interleaved\n")
    print("| rtmpingestsrc chunk-size | FFmpeg CPU s, min | FFmpeg CPU s, "
          "median | rtmpingestsrc CPU s, median | wall s, median |")
    print("|---|---:|---:|---:|---:|")
    for c in sizes:
        f = [x["ffmpeg_cpu"] for x in res[c]]
        print(f"| {c} | {min(f):.2f} | {statistics.median(f):.2f} | "
              f"{statistics.median(x['cpu'] for x in res[c]):.2f} | "
              f"{statistics.median(x['wall'] for x in res[c]):.2f} |")
    base = statistics.median(x["ffmpeg_cpu"] for x in res[sizes[0]])
    for c in sizes[1:]:
        m = statistics.median(x["ffmpeg_cpu"] for x in res[c])
        print(f"\nFFmpeg CPU, median, chunk-size={sizes[0]} / {c}: "
              f"{base / m:.2f}")


def main():
    ap = argparse.ArgumentParser(
        description="rtmpingestsrc vs nginx-rtmp + rtmp2src: CPU per GB, "
        "throughput and idle memory (details: the top of this file)")
    ap.add_argument("--build", default=os.path.join(TOP, "build"),
                    help="build directory whose gst/ holds the plugin "
                    "(default: %(default)s)")
    ap.add_argument("--mb", type=int, default=300,
                    help="size of the input FLV in MB (default 300)")
    ap.add_argument("--reps", type=int, default=3,
                    help="timed repetitions per path (default 3)")
    ap.add_argument("--cache-dir", default=os.path.join(
        os.environ.get("XDG_CACHE_HOME") or "/tmp", "gst-ertmp-bench"),
        help="where the input is generated once (default: %(default)s)")
    ap.add_argument("--only", choices=["a", "b"])
    ap.add_argument("--out-queue", type=int, default=OUT_QUEUE,
                    help="nginx-rtmp out_queue (default %(default)s)")
    ap.add_argument("--no-check", action="store_true",
                    help="skip the checked (filesink) runs")
    ap.add_argument("--no-idle", action="store_true",
                    help="skip the idle memory measurement")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temp dir (logs)")
    ap.add_argument("--chunk-sizes", metavar="LIST",
                    help="only compare FFmpeg's CPU publishing into (a) "
                    "with these rtmpingestsrc chunk-size values, e.g. "
                    "4096,default")
    args = ap.parse_args()

    for tool in ("gst-launch-1.0", "ffmpeg") + (
            ("nginx",) if args.only != "a" else ()):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found")
    if args.only != "a" and not os.path.exists(NGINX_MODULE):
        sys.exit(f"{NGINX_MODULE} not found: apt-get install "
                 "libnginx-mod-rtmp")
    if args.only != "b" and not os.path.exists(
            os.path.join(args.build, "gst", "libgstertmp.so")):
        sys.exit(f"no plugin in {args.build}/gst: build it first")

    os.makedirs(args.cache_dir, exist_ok=True)
    src, ref = make_input(args.cache_dir, args.mb)
    want = flv_summary(ref)
    flv_bytes = os.path.getsize(ref)
    gb = flv_bytes / 1e9
    paths = [p for p in "ab" if args.only in (None, p)]
    b = Bench(args)
    log(f"== input {src}: FFmpeg publishes {flv_bytes} B of FLV: "
        f"{want['video'][0]} video tags ({want['video'][1]} B), "
        f"{want['audio'][0]} audio tags ({want['audio'][1]} B)")
    if args.chunk_sizes:
        try:
            chunk_compare(b, src, flv_bytes, args.chunk_sizes.split(","),
                          args.reps)
        finally:
            if not args.keep:
                shutil.rmtree(b.tmp, ignore_errors=True)
        return
    runners = {"a": b.run_a, "b": b.run_b}
    ok = True
    try:
        if not args.no_check:
            for p in paths:
                same, got, size, res = b.check(p, runners[p], src, want)
                if same:
                    verdict = "every A/V tag, identical"
                elif p == "b" and got:
                    verdict = (f"{want['video'][0] - got['video'][0]} video "
                               f"and {want['audio'][0] - got['audio'][0]} "
                               "audio tags fewer (nginx relays, not a check)")
                else:
                    verdict = "MISMATCH"
                log(f"== check ({p}) -> filesink: {size} B, video "
                    f"{got['video'] if got else None}, audio "
                    f"{got['audio'] if got else None}: {verdict}")
                if p == "a" and not same:
                    ok = False
        results = {p: [] for p in paths}
        for r in range(args.reps):
            for p in paths:
                res = runners[p](src)
                results[p].append(res)
                extra = ""
                if p == "b":
                    extra = (f" (nginx {res['nginx_cpu']:.2f} + rtmp2src "
                             f"{res['play_cpu']:.2f}, eos={res['eos']})")
                log(f"   rep {r + 1} ({p}): CPU {res['cpu']:.2f} s "
                    f"(user {res['user']:.2f}, sys {res['sys']:.2f}){extra}, "
                    f"wall {res['wall']:.2f} s, "
                    f"{flv_bytes / 1e6 / res['wall']:.0f} MB/s, "
                    f"ffmpeg CPU {res['ffmpeg_cpu']:.2f} s")
        fixed = {p: statistics.median(
            (b.fixed_a if p == "a" else b.fixed_b)() for _ in range(3))
            for p in paths}
        idle = {}
        if not args.no_idle:
            if "a" in paths:
                idle["a"] = b.idle_a(src)
            if "b" in paths:
                idle["b"] = b.idle_b(src)
    finally:
        if args.keep:
            log(f"logs kept in {b.tmp}")
        else:
            shutil.rmtree(b.tmp, ignore_errors=True)

    med = {p: {k: statistics.median(x[k] for x in results[p])
               for k in ("cpu", "wall", "maxrss", "ffmpeg_cpu", "user",
                         "sys")}
           for p in paths}
    print(f"\ninput: {flv_bytes / 1e6:.1f} MB of FLV as published by FFmpeg "
          f"({want['video'][0]} video + {want['audio'][0]} audio tags), "
          f"median of {args.reps}\n")
    print("| path | CPU s | CPU s per GB | fixed CPU s | net CPU s per GB | "
          "wall s | MB/s | peak RSS MiB | FFmpeg CPU s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    names = {"a": "(a) rtmpingestsrc ! erdemux",
             "b": "(b) nginx-rtmp + rtmp2src ! flvdemux"}
    for p in paths:
        m = med[p]
        rss = m["maxrss"] / 1024
        if p == "b":
            rss_s = (f"{rss:.0f} + nginx "
                     f"{statistics.median(x['nginx_maxrss'] for x in results[p]) / 1024:.0f}")
        else:
            rss_s = f"{rss:.0f}"
        print(f"| {names[p]} | {m['cpu']:.2f} | {m['cpu'] / gb:.2f} | "
              f"{fixed[p]:.3f} | {(m['cpu'] - fixed[p]) / gb:.2f} | "
              f"{m['wall']:.2f} | {flv_bytes / 1e6 / m['wall']:.0f} | {rss_s} | "
              f"{m['ffmpeg_cpu']:.2f} |")
    print()
    for p in paths:
        print(f"{names[p]}: user {med[p]['user']:.2f} s, sys "
              f"{med[p]['sys']:.2f} s (medians)")
    if "b" in paths:
        nb = statistics.median(x["nginx_cpu"] for x in results["b"])
        pb = statistics.median(x["play_cpu"] for x in results["b"])
        print(f"\n(b) split (medians): nginx {nb:.2f} s ({nb / gb:.2f} s/GB), "
              f"rtmp2src pipeline {pb:.2f} s ({pb / gb:.2f} s/GB)")
    if len(paths) == 2:
        print(f"(a) / (b) CPU per GB: "
              f"{med['a']['cpu'] / med['b']['cpu']:.2f}, net of the fixed "
              f"cost: {(med['a']['cpu'] - fixed['a']) / (med['b']['cpu'] - fixed['b']):.2f}"
              f" (target <= 0.5)")
    if idle:
        print("\nidle VmRSS (MiB): listening / with a stopped publisher")
        for p in paths:
            print(f"  {names[p]}: {idle[p]['listening'] / 1024:.1f} / "
                  f"{idle[p]['idle'] / 1024:.1f}")
    if not ok:
        print("\nFAILED: (a) did not deliver every tag unchanged")
        sys.exit(1)


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as e:
        sys.exit(f"error: {e}")
