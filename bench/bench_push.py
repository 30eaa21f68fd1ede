#!/usr/bin/env python3
# gst-ertmp: rtmppushsink against rtmp2sink and FFmpeg, all publishing the
# same FLV to the same nginx-rtmp as fast as they can (docs/performance.md,
# issue 5).
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
Input: the legacy H.264/AAC FLV of bench/bench_ingest.py (about --mb MB,
1280x720 30 fps snow, x264enc ultrafast at 20 Mbit/s, 256 kbit/s AAC), made
once with gst-launch-1.0 and cached in --cache-dir (the same cache, the same
file).  One nginx 1.22 + nginx-rtmp (foreground, master_process off: a single
process; chunk_size 4096, max_message 16M; application live, no player) runs
for the whole benchmark, and each repetition publishes the file with

  (f) gst-launch-1.0 filesrc location=IN ! flvdemux name=d
        d.video ! queue ! h264parse ! flvmux name=m streamable=true
        ! fakesink sync=false   d.audio ! queue ! aacparse ! m.
      (the same pipeline without a network sink: the baseline)
  (a) the same, ending in rtmppushsink location=rtmp://127.0.0.1:P/live/a
        sync=false
  (b) the same, ending in rtmp2sink location=rtmp://127.0.0.1:P/live/b
        sync=false
  (c) ffmpeg -nostdin -v error -i IN -c copy -f flv rtmp://127.0.0.1:P/live/c
      (no -re), for reference

in that order (interleaved), --reps times; medians are reported.

CPU = user+sys of the whole publisher process (all threads), from wait4()'s
rusage; each process is started per run, so start-up (plugin loading,
connect) is included.  The sink's own CPU is (a) or (b) minus (f) of the same
repetition.  nginx's CPU is utime+stime from /proc/<nginx>/stat read before
the publisher starts and after nginx has closed its connection (so the bytes
still in the socket when the publisher exits are counted).  Per GB: divided
by the size of the input file (10^9 B), the same for every path.

Delivery check: nginx-rtmp has no statistics without its HTTP module, but
its RTMP access log has each session's $bytes_received, written when the
session ends; every run publishes under its own stream name.  A run counts
only if the publisher exited with status 0, in a single publish session
(no reconnection), and nginx received at least the audio and video tag
bodies of the file plus one byte of RTMP header per tag (a byte count: it
would miss a lost audio frame, not a stall, a reconnection or a lost GOP).
The exit status alone is not enough: a sink that drops data or reconnects
(rtmppushsink does, up to max-queue-time of stream) still exits 0 at EOS.
A run that fails this is listed and retried (--attempts per repetition).

usage: bench/bench_push.py [--build DIR] [--mb N] [--reps N]
                           [--attempts N] [--cache-dir DIR]
                           [--only f,a,b,c] [--timeout S] [--keep]
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# shared with the ingest benchmark: the cached input, the free-port and
# listening helpers, and Proc (a child whose rusage comes from wait4)
from bench_ingest import (NGINX_MODULE, Proc, flv_summary,  # noqa: E402
                          free_port, listening, log, make_input,
                          wait_for)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")

NAMES = {
    "f": "(f) flvdemux ! flvmux ! fakesink (baseline)",
    "a": "(a) ... ! rtmppushsink",
    "b": "(b) ... ! rtmp2sink",
    "c": "(c) ffmpeg -c copy (reference)",
}


def proc_cpu(pid):
    """utime+stime of a running process, seconds (from /proc/PID/stat)"""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3): utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def access_log_sessions(path, name):
    """bytes_received of each session that published NAME (nginx-rtmp's
    access log, our log_format: command app name bytes_received bytes_sent)"""
    got = []
    try:
        with open(path) as f:
            for line in f:
                q = line.split()
                if len(q) == 5 and q[0] == "PUBLISH" and q[2] == name:
                    got.append(int(q[3]))
    except FileNotFoundError:
        pass
    return got


def server_open(port):
    """Connections that nginx (local port) has not closed yet: ESTABLISHED
    or CLOSE_WAIT (the publisher closed, nginx may still be reading)"""
    n = 0
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            q = line.split()
            if q[3] in ("01", "08") and int(q[1].split(":")[1], 16) == port:
                n += 1
    return n


def backtraces(pid):
    """Every thread's backtrace of a hung process (gdb -batch -p), so that
    a rare hang leaves more than its duration behind"""
    if shutil.which("gdb") is None:
        return "(no gdb: no backtraces)"
    r = subprocess.run(["gdb", "-batch", "-nx", "-p", str(pid), "-ex",
                        "thread apply all bt"], capture_output=True,
                       text=True, timeout=120)
    return r.stdout + r.stderr


def gst_argv(src, sink):
    return ["gst-launch-1.0", "-q", "filesrc", f"location={src}", "!",
            "flvdemux", "name=d",
            "d.video", "!", "queue", "!", "h264parse", "!",
            "flvmux", "name=m", "streamable=true", "!"] + sink + [
            "d.audio", "!", "queue", "!", "aacparse", "!", "m."]


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="bench-push-")
        self.env = dict(os.environ)
        self.env["GST_PLUGIN_PATH_1_0"] = os.path.join(
            os.path.abspath(args.build), "gst")
        # a private registry: never touch the user's or the tests' one
        self.env["GST_REGISTRY_1_0"] = os.path.join(self.tmp, "registry.bin")
        self.env.pop("GST_DEBUG", None)
        self.logs = 0
        self.ngx = None
        self.port = None
        # build the registry now, not in the first measured run
        subprocess.run(["gst-inspect-1.0", "rtmppushsink"], env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def logfile(self, name):
        self.logs += 1
        return os.path.join(self.tmp, f"{self.logs:03d}-{name}.log")

    @staticmethod
    def tail(proc):
        if proc.out is subprocess.DEVNULL:
            return ""
        try:
            with open(proc.out.name, "rb") as f:
                return f.read()[-2000:].decode(errors="replace").strip()
        except OSError:
            return ""

    def start_nginx(self):
        port = free_port()
        d = tempfile.mkdtemp(prefix="nginx-", dir=self.tmp)
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""load_module {NGINX_MODULE};
daemon off; master_process off; pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 128; }}
rtmp {{ log_format bench '$command $app $name $bytes_received $bytes_sent';
       access_log {d}/access.log bench;
       server {{ listen 127.0.0.1:{port}; chunk_size 4096; max_message 16M;
       application live {{ live on; record off; }} }} }}
""")
        self.access_log = os.path.join(d, "access.log")
        self.ngx = Proc(["nginx", "-c", conf, "-p", d, "-e",
                         f"{d}/error.log"], log_path=self.logfile("nginx"))
        self.port = port
        wait_for(lambda: listening(port), "nginx listening", proc=self.ngx)

    def stop(self):
        if self.ngx is not None:
            self.ngx.stop(signal.SIGTERM)

    def argv(self, path, src, name):
        url = f"rtmp://127.0.0.1:{self.port}/live/{name}"
        if path == "f":
            return gst_argv(src, ["fakesink", "sync=false"])
        if path == "a":
            return gst_argv(src, ["rtmppushsink", f"location={url}",
                                  "sync=false"])
        if path == "b":
            return gst_argv(src, ["rtmp2sink", f"location={url}",
                                  "sync=false"])
        return ["ffmpeg", "-nostdin", "-v", "error", "-i", src, "-c", "copy",
                "-f", "flv", url]

    def run(self, path, src, timeout, name):
        if self.ngx.poll() is not None:
            raise RuntimeError(f"nginx exited ({self.ngx.returncode}): "
                               f"{self.tail(self.ngx)}")
        ngx_pid = self.ngx.pid
        wait_for(lambda: server_open(self.port) == 0,
                 "no connection left to nginx", timeout=30)
        cpu0 = proc_cpu(ngx_pid)
        t0 = time.monotonic()
        p = Proc(self.argv(path, src, name), env=self.env,
                 log_path=self.logfile(path))
        if p.wait(timeout) is None:
            print(f"{NAMES[path]} hung: backtraces\n{backtraces(p.pid)}",
                  file=sys.stderr, flush=True)
            p.stop(signal.SIGINT)
            raise RuntimeError(f"{NAMES[path]}: still running after "
                               f"{timeout} s: stopped")
        wall = time.monotonic() - t0
        # nginx may still be reading what the publisher left in the socket
        wait_for(lambda: server_open(self.port) == 0,
                 "nginx closing the publisher's connection", timeout=60)
        cpu1 = proc_cpu(ngx_pid)
        sessions = access_log_sessions(self.access_log, name)
        if p.returncode != 0:
            raise RuntimeError(f"{NAMES[path]} failed (exit "
                               f"{p.returncode}): {' '.join(p.argv)}\n"
                               f"{self.tail(p)}")
        return {"cpu": p.cpu, "user": p.ru.ru_utime, "sys": p.ru.ru_stime,
                "wall": wall, "maxrss": p.maxrss_kb,
                "nginx_cpu": cpu1 - cpu0, "nginx_in": sum(sessions),
                "sessions": len(sessions)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(TOP, "build"),
                    help="build directory whose gst/ holds the plugin "
                    "(default: %(default)s)")
    ap.add_argument("--mb", type=int, default=300,
                    help="size of the input FLV in MB (default 300)")
    ap.add_argument("--reps", type=int, default=3,
                    help="repetitions per path (default 3)")
    ap.add_argument("--cache-dir", default=os.path.join(
        os.environ.get("XDG_CACHE_HOME") or "/tmp", "gst-ertmp-bench"),
        help="where the input is generated once (default: %(default)s)")
    ap.add_argument("--only", default="f,a,b,c",
                    help="comma-separated paths among f,a,b,c "
                    "(default: all)")
    ap.add_argument("--attempts", type=int, default=3,
                    help="runs tried per path and repetition until one "
                    "delivers everything (default 3); failures are listed")
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds allowed per run (default 600)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temp dir (logs)")
    args = ap.parse_args()

    paths = [p for p in "fabc" if p in args.only.split(",")]
    if not paths:
        sys.exit("--only: nothing to run")
    for tool in ("gst-launch-1.0", "ffmpeg", "nginx"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found")
    if not os.path.exists(NGINX_MODULE):
        sys.exit(f"{NGINX_MODULE} not found: apt-get install "
                 "libnginx-mod-rtmp")
    if "a" in paths and not os.path.exists(
            os.path.join(args.build, "gst", "libgstertmp.so")):
        sys.exit(f"no plugin in {args.build}/gst: build it first")

    os.makedirs(args.cache_dir, exist_ok=True)
    src, _ = make_input(args.cache_dir, args.mb)
    size = os.path.getsize(src)
    gb = size / 1e9
    info = flv_summary(src)
    av_tags = info["video"][0] + info["audio"][0]
    # what nginx must at least receive: every audio and video tag body and
    # a chunk basic header (1 byte) per message.  Script tags are left out:
    # flvmux writes its own onMetaData, not the file's
    need = info["video"][1] + info["audio"][1] + av_tags
    log(f"== input {src}: {size} B, {info['video'][0]} video tags, "
        f"{info['audio'][0]} audio tags; nginx must receive >= {need} B")

    b = Bench(args)
    results = {p: [] for p in paths}
    failed = []          # (path, rep, attempt, what)
    try:
        b.start_nginx()
        for r in range(args.reps):
            for p in paths:
                for attempt in range(1, args.attempts + 1):
                    name = f"{p}{r + 1}-{attempt}"
                    what = None
                    try:
                        res = b.run(p, src, args.timeout, name)
                    except RuntimeError as e:
                        res, what = None, str(e)
                    if res is not None and p != "f" and (
                            res["nginx_in"] < need or res["sessions"] != 1):
                        what = (f"exit 0 but nginx received {res['nginx_in']}"
                                f" B in {res['sessions']} publish session(s),"
                                f" {need} B expected in one; CPU "
                                f"{res['cpu']:.2f} s, wall "
                                f"{res['wall']:.2f} s")
                    tag = f"   rep {r + 1} {p} (attempt {attempt})"
                    if what is not None:
                        log(f"{tag}: FAILED: {what}")
                        failed.append((p, r + 1, attempt, what))
                        continue
                    results[p].append(res)
                    log(f"{tag}: CPU {res['cpu']:.2f} s (user "
                        f"{res['user']:.2f}, sys {res['sys']:.2f}), wall "
                        f"{res['wall']:.2f} s ({size / 1e6 / res['wall']:.0f}"
                        f" MB/s), nginx CPU {res['nginx_cpu']:.2f} s, nginx "
                        f"received {res['nginx_in']} B "
                        f"({res['nginx_in'] / size:.4f} of the file)")
                    break
    finally:
        b.stop()
        if args.keep:
            log(f"logs kept in {b.tmp}")
        else:
            shutil.rmtree(b.tmp, ignore_errors=True)

    def med(p, k):
        return statistics.median(x[k] for x in results[p])

    def sink_cpu(p):
        """median of (p) - median of (f): the network sink's own CPU"""
        if not results.get("f") or not results.get(p):
            return None
        return med(p, "cpu") - med("f", "cpu")

    print(f"\ninput: {size / 1e6:.1f} MB of FLV ({info['video'][0]} video + "
          f"{info['audio'][0]} audio tags) pushed to nginx-rtmp on 127.0.0.1,"
          f" median of {args.reps}\n")
    attempts = {p: len(results[p]) + sum(1 for f in failed if f[0] == p)
                for p in paths}
    print("| publisher | runs ok / tried | CPU s | CPU s/GB | user s | sys s "
          "| sink's own CPU s/GB | wall s | MB/s | peak RSS MiB "
          "| nginx CPU s | nginx CPU s/GB | nginx in / file |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    sink = {}
    for p in paths:
        if not results[p]:
            print(f"| {NAMES[p]} | 0 / {attempts[p]} | | | | | | | | | | | |")
            continue
        cpu = med(p, "cpu")
        own = sink_cpu(p) if p in "ab" else None
        sink[p] = own
        own_txt = f"{own / gb:.2f}" if own is not None else ""
        if p == "f":
            ngx = ngx_gb = nin = ""
        else:
            ngx = f"{med(p, 'nginx_cpu'):.2f}"
            ngx_gb = f"{med(p, 'nginx_cpu') / gb:.2f}"
            nin = f"{med(p, 'nginx_in') / size:.4f}"
        print(f"| {NAMES[p]} | {len(results[p])} / {attempts[p]} | "
              f"{cpu:.2f} | {cpu / gb:.2f} | "
              f"{med(p, 'user'):.2f} | {med(p, 'sys'):.2f} | {own_txt} | "
              f"{med(p, 'wall'):.2f} | {size / 1e6 / med(p, 'wall'):.0f} | "
              f"{med(p, 'maxrss') / 1024:.0f} | {ngx} | {ngx_gb} | {nin} |")
    print()
    if sink.get("a") is not None and sink.get("b") is not None:
        ratio = sink["a"] / sink["b"] if sink["b"] > 0 else float("inf")
        print(f"sink's own CPU, rtmppushsink / rtmp2sink: {ratio:.2f} "
              f"(target <= 0.25): {'met' if ratio <= 0.25 else 'NOT met'}")
    if results.get("a") and results.get("c"):
        na, nc = med("a", "nginx_cpu"), med("c", "nginx_cpu")
        print(f"nginx CPU for rtmppushsink's stream / for FFmpeg's: "
              f"{na / nc if nc > 0 else float('inf'):.2f} (target <= 1): "
              f"{'met' if na <= nc else 'NOT met'}")
    if results.get("b") and results.get("c"):
        nb, nc = med("b", "nginx_cpu"), med("c", "nginx_cpu")
        print(f"nginx CPU for rtmp2sink's stream / for FFmpeg's: "
              f"{nb / nc if nc > 0 else float('inf'):.2f}")
    if failed:
        print("\nFAILED runs:")
        for p, r, att, e in failed:
            print(f"  {NAMES[p]}, rep {r} attempt {att}: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
