#!/usr/bin/env python3
"""A small HTTP target whose failures are known: python3 test_server.py PORT [options]

  --status CODE        answer every request with CODE (default 200)
  --fail-every N       answer every Nth request with 500
  --ballast MIB        allocate and touch MIB MiB at start
  --shed-above SHARE   answer 503 while the memory cgroup's anon memory is above SHARE of its limit
                       (a load shedder: alive, but failing its load under a low limit)
  --env-file PATH      at start, append one JSON line to PATH: {"env": the environment, "limit": the memory
                       cgroup's limit in bytes or null} (what a verification really started)
  --hang-live-after S  GET /live stops answering (hangs) S seconds after the start; every other path still answers
  --stall-start MIB    before listening, read a MIB-MiB mapped file over and over, forever: under a smaller limit
                       a start that stalls at the limit with major faults climbing
  --crawl-above SHARE  once the memory cgroup's anon memory is above SHARE of its limit, every request waits 2 s
                       (40 to 500 times its unlimited time on this machine, busy or quiet) and a thread reads a file
                       as big as the limit (written at the start) through a mapping, over and over: the kernel keeps
                       evicting it, so major faults climb at the limit while the server crawls (never under no limit:
                       its share is then 0, and no file is written)
GET /env answers the process's environment as JSON; GET /ready answers 200 always.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def option(name, default, kind):
    if name in sys.argv:
        return kind(sys.argv[sys.argv.index(name) + 1])
    return default


STATUS = option("--status", 200, int)
FAIL_EVERY = option("--fail-every", 0, int)
SHED_ABOVE = option("--shed-above", 0.0, float)
CRAWL_ABOVE = option("--crawl-above", 0.0, float)
HANG_LIVE_AFTER = option("--hang-live-after", -1.0, float)
STARTED = time.monotonic()
STALL_START = option("--stall-start", 0, int)
if STALL_START:
    import mmap
    import tempfile
    with tempfile.TemporaryFile() as f:
        for _ in range(STALL_START):
            f.write(b"\1" * (1 << 20))
        f.flush()
        mapped = mmap.mmap(f.fileno(), STALL_START << 20, access=mmap.ACCESS_READ)
    while True:
        total = 0
        for i in range(0, len(mapped), 4096):
            total += mapped[i]
BALLAST = bytearray(option("--ballast", 0, int) << 20)
for i in range(0, len(BALLAST), 4096):
    BALLAST[i] = 1


def memory_cgroup():
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            if "memory" in controllers.split(","):
                return "/sys/fs/cgroup/memory" + path
            if controllers == "":
                return "/sys/fs/cgroup" + path
    return None


CGROUP = memory_cgroup()


def anon_share():
    """The cgroup's anonymous memory as a share of its limit (0 when it has none)."""
    try:
        stat = {}
        with open(os.path.join(CGROUP, "memory.stat")) as f:
            for line in f:
                key, value = line.split()
                stat[key] = int(value)
        anon = stat.get("total_rss", stat.get("anon", 0))
        for name in ("memory.limit_in_bytes", "memory.max"):
            path = os.path.join(CGROUP, name)
            if os.path.exists(path):
                with open(path) as f:
                    text = f.read().strip()
                limit = 1 << 62 if text == "max" else int(text)
                return anon / limit
    except (OSError, ValueError, TypeError):
        pass
    return 0.0


def cgroup_limit():
    """The memory cgroup's limit in bytes, or None when it has none."""
    for name in ("memory.limit_in_bytes", "memory.max"):
        path = os.path.join(CGROUP or "/nonexistent", name)
        if os.path.exists(path):
            with open(path) as f:
                text = f.read().strip()
            return None if text == "max" or int(text) >= 1 << 62 else int(text)
    return None


ENV_FILE = option("--env-file", None, str)
if ENV_FILE:
    with open(ENV_FILE, "a") as f:
        f.write(json.dumps({"env": dict(os.environ), "limit": cgroup_limit()}) + "\n")


CRAWLING = threading.Lock()
CRAWL_FILE = None
if CRAWL_ABOVE and cgroup_limit():
    # Written (and synced, so that its pages are clean and the kernel can evict them) before the server listens.
    import tempfile
    CRAWL_FILE = tempfile.TemporaryFile()
    for _ in range(0, cgroup_limit(), 1 << 20):
        CRAWL_FILE.write(b"\1" * (1 << 20))
    CRAWL_FILE.flush()
    os.fsync(CRAWL_FILE.fileno())
crawl_started = False


def thrash_forever():
    """Reads the crawl file through a mapping, a page every 5 ms, over and over."""
    import mmap
    size = os.fstat(CRAWL_FILE.fileno()).st_size
    mapped = mmap.mmap(CRAWL_FILE.fileno(), size, access=mmap.ACCESS_READ)
    # No read-around: with this disk's 8-MiB readahead one fault would bring in 8 MiB, and a pass only a few faults.
    mapped.madvise(mmap.MADV_RANDOM)
    total = 0
    while True:
        for i in range(0, size, 4096):
            total += mapped[i]
            time.sleep(0.005)


def crawl():
    """Above the share: start the thrashing once, then make this request wait."""
    global crawl_started
    with CRAWLING:
        if not crawl_started and CRAWL_FILE:
            crawl_started = True
            threading.Thread(target=thrash_forever, daemon=True).start()
    time.sleep(2)


class Handler(BaseHTTPRequestHandler):
    count = 0
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        Handler.count += 1
        if self.path == "/ready":
            self.answer(200, b"ready\n")
            return
        if self.path == "/live":
            if HANG_LIVE_AFTER >= 0 and time.monotonic() - STARTED > HANG_LIVE_AFTER:
                time.sleep(3600)
            self.answer(200, b"alive\n")
            return
        if self.path == "/env":
            self.answer(200, json.dumps(dict(os.environ)).encode())
            return
        status = STATUS
        if FAIL_EVERY and Handler.count % FAIL_EVERY == 0:
            status = 500
        if SHED_ABOVE and anon_share() > SHED_ABOVE:
            status = 503
        if CRAWL_ABOVE and anon_share() > CRAWL_ABOVE:
            crawl()
        self.answer(status, b"ok\n")

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
