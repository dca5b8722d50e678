#!/usr/bin/env python3
"""Dissemination fan-out benchmark (issue 4 "Benchmark", issue 7 item 1).

Creates a throw-away hub with N recipients, starts the real `tansiq serve` on loopback, opens
one WebSocket session per recipient (Python asyncio, stdlib only) and measures:
  * baseline: a bare WebSocket round trip through the same server and sockets (an invalid
    client frame is answered at once with {"kind":"error"}: no store, no fan-out);
  * per precedence: send -> delivered latency at every client (receive time minus the frame's
    sent_at, same machine clock), while messages are sent one at a time;
  * ROUTINE throughput: a burst of messages to all N, deliveries (messages x recipients) / s;
  * durable queue: K messages queued for an offline recipient, time to drain on reconnect;
  * the server's own histograms from GET /metrics.
Prints a table and writes JSON (bench/results/dissem-latest.json by default).
Run through bench/dissem_run (builds tansiq first); see bench/README.md."""
from __future__ import annotations

import argparse
import asyncio
import base64
import concurrent.futures
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRECEDENCES = ["flash", "immediate", "priority", "routine"]


# ------------------------------------------------------------------------------------------
# statistics and machine

def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def summary_ms(values_s):
    """p50/p90/p99/max in milliseconds of a list of seconds."""
    if not values_s:
        return {"n": 0, "p50_ms": None, "p90_ms": None, "p99_ms": None, "max_ms": None}
    s = sorted(values_s)
    return {"n": len(s), "p50_ms": round(pct(s, 50) * 1e3, 3), "p90_ms": round(pct(s, 90) * 1e3, 3),
            "p99_ms": round(pct(s, 99) * 1e3, 3), "max_ms": round(s[-1] * 1e3, 3)}


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return {"nproc": os.cpu_count(), "cpu_model": model, "mem_bytes": mem,
            "kernel": platform.release(), "python": platform.python_version()}


def git_commit():
    try:
        c = subprocess.run(["git", "-C", REPO, "rev-parse", "HEAD"], capture_output=True,
                           text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return c + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def proc_cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError, IndexError):
        return None


def proc_rss(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


# ------------------------------------------------------------------------------------------
# the hub

class Hub:
    def __init__(self, tansiq, n, work, server_threads):
        self.bin = tansiq
        self.dir = work
        self.db = os.path.join(work, "hub.db")
        self.n = n
        self.server_threads = server_threads
        self.proc = None
        self.port = None
        self.admin_pw = "bench-admin-" + base64.b16encode(os.urandom(6)).decode()
        self.sender_pw = "bench-sender-" + base64.b16encode(os.urandom(6)).decode()
        self.recipients = [f"r{i:05d}" for i in range(n)]
        self.late = "late"
        self.tokens = {}

    def cli(self, *args):
        r = subprocess.run([self.bin, *args], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise RuntimeError(f"tansiq {' '.join(args)} failed ({r.returncode}): {r.stdout}{r.stderr}")
        return r.stdout

    def create(self, workers):
        """init from TOML (recipients have no password: no argon2id hashing), then one API
        token per recipient with parallel `tansiq token create` calls."""
        t0 = time.monotonic()
        lines = ['[hub]', 'name = "Tansiq dissemination benchmark hub"', '',
                 '[[party]]', 'id = "a"', 'name = "Party A"', '',
                 '[[party]]', 'id = "b"', 'name = "Party B"', '',
                 '[[user]]', 'name = "root"', 'party = "a"', 'roles = ["hub-admin"]',
                 f'password = "{self.admin_pw}"', '',
                 '[[user]]', 'name = "sender"', 'party = "b"', 'roles = ["officer"]',
                 f'password = "{self.sender_pw}"', '',
                 '[[user]]', f'name = "{self.late}"', 'party = "b"', 'roles = ["analyst"]', '']
        for u in self.recipients:
            lines += ['[[user]]', f'name = "{u}"', 'party = "b"', 'roles = ["recipient"]', '']
        config = os.path.join(self.dir, "hub.toml")
        with open(config, "w") as f:
            f.write("\n".join(lines))
        self.cli("init", "--db", self.db, "--config", config)
        t_init = time.monotonic() - t0

        def token(u):
            return u, self.cli("token", "create", u, "--db", self.db).strip().splitlines()[-1]

        t1 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(workers) as ex:
            for u, tok in ex.map(token, self.recipients + [self.late]):
                self.tokens[u] = tok.strip()
        t_tokens = time.monotonic() - t1
        return {"init_s": round(t_init, 3), "tokens_s": round(t_tokens, 3),
                "token_workers": workers, "users": len(self.recipients) + 3}

    def start(self):
        port_file = os.path.join(self.dir, "port")
        self.log = open(os.path.join(self.dir, "server.log"), "ab")
        args = [self.bin, "serve", "--db", self.db, "--listen", "127.0.0.1:0", "--port-file",
                port_file]
        if self.server_threads:
            args += ["--threads", str(self.server_threads)]
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tansiq serve exited with {self.proc.returncode}")
            try:
                with open(port_file) as f:
                    txt = f.read().strip()
                if txt.isdigit():
                    self.port = int(txt)
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.05)
        else:
            raise RuntimeError("tansiq serve did not write its port file")
        while time.monotonic() < deadline:
            try:
                self.request("GET", "/taxii2/")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("tansiq serve does not answer")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def basic(self, user, pw):
        return "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()

    def request(self, method, path, auth=None, body=None, conn=None):
        own = conn is None
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"Accept": "application/json"}
        if auth:
            h["Authorization"] = auth
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        out = (r.status, r.read())
        if own:
            c.close()
        return out


class Sender:
    """A keep-alive HTTP connection posting messages as `sender` (Basic; the server caches the
    verified password, so argon2id runs once)."""

    def __init__(self, hub):
        self.hub = hub
        self.conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=60)
        self.auth = hub.basic("sender", hub.sender_pw)

    def send(self, precedence, recipients, subject):
        body = {"precedence": precedence, "subject": subject, "body": "benchmark " + subject,
                "lang": "en", "recipients": recipients}
        status, data = self.hub.request("POST", "/api/v1/messages", self.auth, body, self.conn)
        if status != 201:
            raise RuntimeError(f"POST /api/v1/messages: {status} {data[:300]!r}")
        return json.loads(data)["id"]


# ------------------------------------------------------------------------------------------
# asyncio WebSocket client

def mask_frame(opcode, payload: bytes) -> bytes:
    n = len(payload)
    if n < 126:
        header = bytes([0x80 | opcode, 0x80 | n])
    elif n < 65536:
        header = bytes([0x80 | opcode, 0x80 | 126]) + struct.pack("!H", n)
    else:
        header = bytes([0x80 | opcode, 0x80 | 127]) + struct.pack("!Q", n)
    mask = os.urandom(4)
    if n:
        m = (mask * (n // 4 + 1))[:n]
        payload = (int.from_bytes(payload, "big") ^ int.from_bytes(m, "big")).to_bytes(n, "big")
    return header + mask + payload


_sent_cache: dict[str, float] = {}


def sent_at_seconds(s: str) -> float:
    v = _sent_cache.get(s)
    if v is None:
        t = dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
        v = t.timestamp()
        _sent_cache[s] = v
    return v


class Tracker:
    """Shared by all clients: per message id, how many distinct recipients got it, when, and
    the latencies; fires an event when a message has reached everybody it is waiting for."""

    def __init__(self):
        self.count: dict[str, int] = {}
        self.want: dict[str, int] = {}
        self.events: dict[str, asyncio.Event] = {}
        self.latency: dict[str, list] = {}
        self.last_at: dict[str, float] = {}
        self.duplicates = 0
        self.errors = 0

    def expect(self, mid, n):
        self.want[mid] = n
        ev = self.events.setdefault(mid, asyncio.Event())
        if self.count.get(mid, 0) >= n:
            ev.set()
        return ev

    def got(self, mid, latency, now):
        c = self.count.get(mid, 0) + 1
        self.count[mid] = c
        self.latency.setdefault(mid, []).append(latency)
        self.last_at[mid] = now
        w = self.want.get(mid)
        if w is not None and c >= w:
            self.events.setdefault(mid, asyncio.Event()).set()


class Client:
    def __init__(self, user, token, tracker):
        self.user = user
        self.token = token
        self.tracker = tracker
        self.seen: set[str] = set()
        self.echo_waiter: asyncio.Future | None = None
        self.reader = None
        self.writer = None
        self.task = None
        self.closed = None  # reason, once closed

    async def connect(self, port):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (f"GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Authorization: Bearer {self.token}\r\n\r\n")
        self.writer.write(req.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        if status != 101:
            raise RuntimeError(f"{self.user}: handshake {status}: {head[:200]!r}")
        self.task = asyncio.ensure_future(self.run())

    async def read_frame(self):
        b0, b1 = await self.reader.readexactly(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", await self.reader.readexactly(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", await self.reader.readexactly(8))[0]
        data = await self.reader.readexactly(n) if n else b""
        return b0 & 0x0F, data

    async def run(self):
        try:
            while True:
                opcode, data = await self.read_frame()
                now = time.time()
                if opcode == 0x1:
                    f = json.loads(data)
                    kind = f.get("kind")
                    if kind == "message":
                        mid = f["id"]
                        self.writer.write(mask_frame(
                            0x1, b'{"kind":"received","id":"' + mid.encode() + b'"}'))
                        if mid in self.seen:
                            self.tracker.duplicates += 1
                            continue
                        self.seen.add(mid)
                        self.tracker.got(mid, now - sent_at_seconds(f["sent_at"]), now)
                    elif kind == "error":
                        w = self.echo_waiter
                        if w is not None and not w.done():
                            w.set_result(now)
                        else:
                            self.tracker.errors += 1
                elif opcode == 0x9:
                    self.writer.write(mask_frame(0xA, data))
                elif opcode == 0x8:
                    code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 1005
                    self.closed = f"closed by server: {code}"
                    return
        except (asyncio.IncompleteReadError, ConnectionError) as e:
            self.closed = f"connection lost: {e!r}"
        except asyncio.CancelledError:
            self.closed = "cancelled"

    async def echo(self):
        """One bare round trip: an invalid client frame, answered by an error frame."""
        loop = asyncio.get_running_loop()
        self.echo_waiter = loop.create_future()
        t0 = time.time()
        self.writer.write(mask_frame(0x1, b'{"kind":"bench-echo"}'))
        t1 = await self.echo_waiter
        self.echo_waiter = None
        return t1 - t0

    async def close(self):
        if self.writer is not None:
            try:
                self.writer.write(mask_frame(0x8, struct.pack("!H", 1000)))
                self.writer.close()
            except (ConnectionError, RuntimeError):
                pass
        if self.task is not None:
            self.task.cancel()
            try:
                await self.task
            except asyncio.CancelledError:
                pass


# ------------------------------------------------------------------------------------------
# workloads

async def connect_all(hub, users, tracker, concurrency):
    sem = asyncio.Semaphore(concurrency)
    clients = [Client(u, hub.tokens[u], tracker) for u in users]

    async def one(c):
        async with sem:
            await c.connect(hub.port)

    t0 = time.monotonic()
    await asyncio.gather(*(one(c) for c in clients))
    return clients, time.monotonic() - t0


async def echo_baseline(clients, rounds, timeout):
    lat = []
    t0 = time.monotonic()
    for _ in range(rounds):
        lat += await asyncio.wait_for(asyncio.gather(*(c.echo() for c in clients)), timeout)
    wall = time.monotonic() - t0
    r = summary_ms(lat)
    r.update({"rounds": rounds, "sockets": len(clients), "wall_s": round(wall, 3),
              "round_trips_per_s": round(len(lat) / wall, 1) if wall > 0 else None})
    return r


async def latency_phase(loop, pool, sender, tracker, precedence, n, messages, timeout):
    """Messages sent one at a time; each waits until all n recipients have it."""
    lat = []
    missing = 0
    t0 = time.monotonic()
    for i in range(messages):
        send = lambda: sender.send(precedence, {"parties": ["b"], "roles": ["recipient"]},  # noqa
                                   f"{precedence} {i}")
        mid = await loop.run_in_executor(pool, send)
        ev = tracker.expect(mid, n)
        try:
            await asyncio.wait_for(ev.wait(), timeout)
        except asyncio.TimeoutError:
            missing += n - tracker.count.get(mid, 0)
        lat += tracker.latency.get(mid, [])
    wall = time.monotonic() - t0
    r = summary_ms(lat)
    r.update({"messages": messages, "recipients": n, "missing": missing, "wall_s": round(wall, 3)})
    return r


async def throughput_phase(loop, pool, sender, tracker, n, messages, timeout):
    """A burst of ROUTINE messages posted back to back; deliveries/s from the first POST to
    the last delivery."""
    ids = []

    def burst():
        for i in range(messages):
            ids.append((sender.send("routine", {"parties": ["b"], "roles": ["recipient"]},
                                    f"burst {i}"), time.time()))

    t0 = time.time()
    await loop.run_in_executor(pool, burst)
    t_posted = time.time()
    missing = 0
    deadline = time.monotonic() + timeout
    for mid, _ in ids:
        ev = tracker.expect(mid, n)
        try:
            await asyncio.wait_for(ev.wait(), max(0.01, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            missing += n - tracker.count.get(mid, 0)
    last = max((tracker.last_at.get(mid, t0) for mid, _ in ids), default=t0)
    delivered = sum(tracker.count.get(mid, 0) for mid, _ in ids)
    lat = [x for mid, _ in ids for x in tracker.latency.get(mid, [])]
    wall = last - t0
    r = summary_ms(lat)
    r.update({"messages": messages, "recipients": n, "deliveries": delivered, "missing": missing,
              "post_s": round(t_posted - t0, 3), "wall_s": round(wall, 3),
              "posts_per_s": round(messages / (t_posted - t0), 1) if t_posted > t0 else None,
              "deliveries_per_s": round(delivered / wall, 1) if wall > 0 else None})
    return r


async def drain_phase(loop, pool, hub, sender, tracker, k, timeout):
    """K messages to an offline recipient, then connect and time the durable queue's drain."""
    rec = {"users": [hub.late]}

    def post():
        out = []
        for i in range(k):
            out.append(sender.send(PRECEDENCES[i % 4], rec, f"queued {i}"))
        return out

    t0 = time.monotonic()
    ids = await loop.run_in_executor(pool, post)
    t_post = time.monotonic() - t0
    local = Tracker()
    c = Client(hub.late, hub.tokens[hub.late], local)
    t1 = time.monotonic()
    await c.connect(hub.port)
    evs = [local.expect(mid, 1) for mid in ids]
    try:
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in evs)), timeout)
    except asyncio.TimeoutError:
        pass
    drain = time.monotonic() - t1
    got = sum(1 for mid in ids if local.count.get(mid, 0) >= 1)
    order_ok = True  # FLASH first: the first k/4 distinct frames are the FLASH ones
    await asyncio.sleep(0.2)  # let the last "received" confirmations reach the server
    await c.close()
    return {"queued": k, "received": got, "duplicates": local.duplicates,
            "post_s": round(t_post, 3), "drain_s": round(drain, 3),
            "messages_per_s": round(got / drain, 1) if drain > 0 else None,
            "closed": c.closed if c.closed not in (None, "cancelled") else None,
            "_order_ok": order_ok}


def parse_metrics(text):
    """{metric: {precedence: {"count", "sum", "mean_ms", "buckets": {le: n}, p50/p99 upper
    bounds}}} for the two latency histograms."""
    out = {}
    rx = re.compile(r'^(tansiq_\w+?)_(bucket|sum|count)\{precedence="(\w+)"(?:,le="([^"]+)")?\} (\S+)$')
    for line in text.splitlines():
        m = rx.match(line)
        if not m:
            continue
        name, part, prec, le, val = m.groups()
        h = out.setdefault(name, {}).setdefault(prec, {"buckets": {}})
        if part == "bucket":
            h["buckets"][le] = int(float(val))
        elif part == "sum":
            h["sum"] = float(val)
        else:
            h["count"] = int(float(val))
    for name, per in out.items():
        for prec, h in per.items():
            c = h.get("count", 0)
            h["mean_ms"] = round(h.get("sum", 0) / c * 1e3, 3) if c else None
            for p in (50, 99):
                bound = None
                if c:
                    for le, n in h["buckets"].items():
                        if n >= p / 100.0 * c:
                            bound = le
                            break
                h[f"p{p}_le_s"] = bound
    gauges = {}
    for line in text.splitlines():
        if line.startswith("tansiq_messages_sent_total") or line.startswith("tansiq_stream_sessions"):
            k, _, v = line.rpartition(" ")
            gauges[k] = float(v)
    out["gauges"] = gauges
    return out


# ------------------------------------------------------------------------------------------

def fmt(v, w=9):
    if v is None:
        return "-".rjust(w)
    if isinstance(v, float):
        return f"{v:,.2f}".rjust(w)
    return f"{v:,}".rjust(w)


def run_cpp_client(args, hub, result):
    """The workloads by bench/dissem_client (C++, one io_context): every latency is taken on
    the client's clock from the start of the sender's POST to the frame's arrival."""
    tokens = os.path.join(hub.dir, "tokens.txt")
    with open(tokens, "w") as f:
        for u in hub.recipients + [hub.late]:
            f.write(f"{u} {hub.tokens[u]}\n")
    pid = hub.proc.pid
    cpu0 = proc_cpu_seconds(pid)
    cmd = [args.client_bin, "--port", str(hub.port), "--tokens", tokens, "--late", hub.late,
           "--sender-authorization", hub.basic("sender", hub.sender_pw),
           "--messages", str(args.messages), "--burst", str(args.burst), "--queue", str(args.queue),
           "--burst-senders", str(args.burst_senders),
           "--echo-rounds", str(args.echo_rounds), "--connect-concurrency",
           str(args.connect_concurrency), "--timeout", str(args.timeout)]
    if args.perf:
        perf_out = os.path.join(REPO, "bench", "results", "dissem-perf.data")
        perf = subprocess.Popen(["perf", "record", "-g", "-F", "999", "-p", str(pid), "-o",
                                 perf_out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if args.perf:
        perf.send_signal(signal.SIGINT)
        perf.wait()
        print(f"perf profile of the server: {os.path.relpath(perf_out, os.getcwd())}", file=sys.stderr)
    if r.stderr:
        sys.stderr.write(r.stderr)
    try:
        out = json.loads(r.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"dissem_client failed ({r.returncode}): {r.stdout[:500]}")
    if "error" in out:
        raise RuntimeError(f"dissem_client: {out['error']}")
    result["setup"]["connect_s"] = round(out["connect_s"], 3)
    result["setup"]["sessions"] = out["sessions"]
    for k in ("baseline_echo", "latency", "throughput", "drain", "client", "errors"):
        result[k] = out[k]
    status, body = hub.request("GET", "/metrics", hub.basic("root", hub.admin_pw))
    if status != 200:
        raise RuntimeError(f"GET /metrics: {status}")
    result["server_metrics"] = parse_metrics(body.decode())
    cpu1 = proc_cpu_seconds(pid)
    result["server"] = {"cpu_s": round(cpu1 - cpu0, 3) if cpu0 is not None else None,
                        "rss_bytes": proc_rss(pid)}


async def main_async(args, hub, result):
    loop = asyncio.get_running_loop()
    pool = concurrent.futures.ThreadPoolExecutor(1)
    tracker = Tracker()
    pid = hub.proc.pid
    cpu0 = proc_cpu_seconds(pid)
    client_cpu0 = time.process_time()
    clients, t_connect = await connect_all(hub, hub.recipients, tracker, args.connect_concurrency)
    result["setup"]["connect_s"] = round(t_connect, 3)
    result["setup"]["sessions"] = len(clients)
    sender = Sender(hub)
    # Warm up: the sender's password check (argon2id once) and one message to everyone.
    await latency_phase(loop, pool, sender, tracker, "routine", len(clients), 1, args.timeout)

    result["baseline_echo"] = await echo_baseline(clients, args.echo_rounds, args.timeout)
    lat = {}
    for p in PRECEDENCES:
        lat[p] = await latency_phase(loop, pool, sender, tracker, p, len(clients),
                                     args.messages, args.timeout)
    result["latency"] = lat
    result["throughput"] = await throughput_phase(loop, pool, sender, tracker, len(clients),
                                                  args.burst, args.timeout)
    result["drain"] = await drain_phase(loop, pool, hub, sender, tracker, args.queue, args.timeout)
    result["drain"].pop("_order_ok", None)
    status, body = hub.request("GET", "/metrics", hub.basic("root", hub.admin_pw))
    if status != 200:
        raise RuntimeError(f"GET /metrics: {status}")
    result["server_metrics"] = parse_metrics(body.decode())
    cpu1 = proc_cpu_seconds(pid)
    result["server"] = {"cpu_s": round(cpu1 - cpu0, 3) if cpu0 is not None else None,
                        "rss_bytes": proc_rss(pid)}
    result["client"] = {"cpu_s": round(time.process_time() - client_cpu0, 3)}
    dropped = [c.closed for c in clients if c.closed]
    result["errors"] = {"duplicates": tracker.duplicates, "unexpected_error_frames": tracker.errors,
                        "sessions_closed": len(dropped), "close_reasons": sorted(set(dropped))[:5]}
    for c in clients:
        await c.close()
    pool.shutdown()


def report(result, goals):
    lat, echo, thr, dr = result["latency"], result["baseline_echo"], result["throughput"], result["drain"]
    n = result["config"]["recipients"]
    s = result["setup"]
    print(f"\nDissemination fan-out: {n} recipients, one WebSocket session each, loopback "
          f"({result['machine']['nproc']} cores: {result['machine']['cpu_model']})")
    print(f"setup: init {s['init_s']} s ({s['users']} users, no passwords for recipients), "
          f"{n + 1} tokens {s['tokens_s']} s ({s['token_workers']} parallel CLI calls), "
          f"{s['sessions']} sessions connected in {s['connect_s']} s")
    print("\nsend -> delivered at each client (ms; messages sent one at a time)")
    print(f"{'workload':<22}{'msgs':>6}{'deliv':>9}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}"
          f"{'missing':>9}")
    print(f"{'echo baseline':<22}{echo['rounds']:>6}{echo['n']:>9}{fmt(echo['p50_ms'])}"
          f"{fmt(echo['p90_ms'])}{fmt(echo['p99_ms'])}{fmt(echo['max_ms'])}{'-':>9}")
    for p in PRECEDENCES:
        r = lat[p]
        print(f"{p:<22}{r['messages']:>6}{r['n']:>9}{fmt(r['p50_ms'])}{fmt(r['p90_ms'])}"
              f"{fmt(r['p99_ms'])}{fmt(r['max_ms'])}{r['missing']:>9}")
    print(f"{'routine burst':<22}{thr['messages']:>6}{thr['n']:>9}{fmt(thr['p50_ms'])}"
          f"{fmt(thr['p90_ms'])}{fmt(thr['p99_ms'])}{fmt(thr['max_ms'])}{thr['missing']:>9}")
    print(f"\nthroughput: routine burst {thr['deliveries']:,} deliveries in {thr['wall_s']} s = "
          f"{fmt(thr['deliveries_per_s'], 0)} deliveries/s (POSTs {fmt(thr['posts_per_s'], 0)}/s); "
          f"echo baseline {fmt(echo['round_trips_per_s'], 0)} round trips/s")
    print(f"durable queue: {dr['queued']} messages queued for an offline recipient "
          f"(posted in {dr['post_s']} s), drained on reconnect in {dr['drain_s']} s "
          f"({fmt(dr['messages_per_s'], 0)} msg/s), received {dr['received']}, "
          f"duplicates {dr['duplicates']}")
    m = result["server_metrics"].get("tansiq_delivery_latency_seconds", {})
    print("\nserver histograms (GET /metrics, tansiq_delivery_latency_seconds, whole run)")
    print(f"{'precedence':<12}{'count':>9}{'mean ms':>10}{'p50 <= s':>10}{'p99 <= s':>10}")
    for p in PRECEDENCES:
        h = m.get(p, {})
        print(f"{p:<12}{fmt(h.get('count'))}{fmt(h.get('mean_ms'), 10)}"
              f"{str(h.get('p50_le_s')):>10}{str(h.get('p99_le_s')):>10}")
    sv = result["server"]
    print(f"server CPU {sv['cpu_s']} s, RSS {(sv['rss_bytes'] or 0) / 2**20:.1f} MiB; "
          f"client ({result['client'].get('kind', 'python')}) CPU {result['client']['cpu_s']:.3f} s; "
          f"errors {result['errors']}")
    print("\nGoals (issue 4; informative)")
    for g in goals:
        print(f"  {g['status']:<5} {g['name']}: {g['value']} (goal {g['goal']})")


def goals_of(result, args):
    lat, echo, thr = result["latency"], result["baseline_echo"], result["throughput"]
    flash_p99 = lat["flash"]["p99_ms"]
    ratio_p99 = (flash_p99 / echo["p99_ms"]) if flash_p99 and echo["p99_ms"] else None
    ratio_p50 = (lat["flash"]["p50_ms"] / echo["p50_ms"]) if lat["flash"]["p50_ms"] and echo["p50_ms"] else None
    result["ratios"] = {"flash_p50_vs_echo_p50": round(ratio_p50, 3) if ratio_p50 else None,
                        "flash_p99_vs_echo_p99": round(ratio_p99, 3) if ratio_p99 else None,
                        "deliveries_per_s_vs_echo_round_trips_per_s":
                            round(thr["deliveries_per_s"] / echo["round_trips_per_s"], 3)
                            if thr["deliveries_per_s"] and echo["round_trips_per_s"] else None}

    def g(name, value, goal, ok):
        return {"name": name, "value": value, "goal": goal,
                "status": "-" if value is None else ("PASS" if ok else "MISS")}

    return [g("FLASH p99 ms", flash_p99, f"<= {args.goal_flash_p99_ms}",
              flash_p99 is not None and flash_p99 <= args.goal_flash_p99_ms),
            g("ROUTINE deliveries/s", thr["deliveries_per_s"], f">= {args.goal_deliveries_per_s}",
              (thr["deliveries_per_s"] or 0) >= args.goal_deliveries_per_s),
            g("FLASH p99 / echo p99", result["ratios"]["flash_p99_vs_echo_p99"],
              f"<= {args.goal_echo_ratio}",
              ratio_p99 is not None and ratio_p99 <= args.goal_echo_ratio)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--tansiq", default=os.path.join(REPO, "build", "default", "cli", "tansiq"))
    ap.add_argument("-n", "--recipients", type=int, default=1000)
    ap.add_argument("--messages", type=int, default=20, help="messages per precedence (latency)")
    ap.add_argument("--burst", type=int, default=100, help="ROUTINE messages in the throughput burst")
    ap.add_argument("--burst-senders", type=int, default=4,
                    help="sender connections posting the burst at once (cpp client; python: 1)")
    ap.add_argument("--queue", type=int, default=200, help="messages queued for the offline recipient")
    ap.add_argument("--echo-rounds", type=int, default=20, help="echo rounds over all sockets")
    ap.add_argument("--quick", action="store_true",
                    help="100 recipients, 5 messages, burst 20, queue 50, 5 echo rounds")
    ap.add_argument("--server-threads", type=int, default=0, help="tansiq serve --threads (0: default)")
    ap.add_argument("--token-workers", type=int, default=4)
    ap.add_argument("--connect-concurrency", type=int, default=64)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one phase step")
    ap.add_argument("--json", default=os.path.join(REPO, "bench", "results", "dissem-latest.json"))
    ap.add_argument("--keep", action="store_true", help="keep the temp directory")
    ap.add_argument("--client", choices=["cpp", "python"], default="cpp",
                    help="cpp: bench/dissem_client (POST start -> frame arrival on the client's "
                         "clock); python: the asyncio client (frame arrival - sent_at)")
    ap.add_argument("--client-bin", default=os.path.join(REPO, "build", "default", "bench",
                                                         "dissem_client"))
    ap.add_argument("--perf", action="store_true",
                    help="record the server with perf during the client run (cpp client only)")
    ap.add_argument("--goal-flash-p99-ms", type=float, default=20.0)
    ap.add_argument("--goal-deliveries-per-s", type=float, default=200000.0)
    ap.add_argument("--goal-echo-ratio", type=float, default=3.0)
    args = ap.parse_args()
    if args.quick:
        args.recipients, args.messages, args.burst, args.queue, args.echo_rounds = 100, 5, 20, 50, 5
    if args.client == "cpp" and not os.path.isfile(args.client_bin):
        print(f"dissem_bench: {args.client_bin} is not built", file=sys.stderr)
        return 2
    if not os.path.isfile(args.tansiq):
        print(f"dissem_bench: {args.tansiq} is not built", file=sys.stderr)
        return 2
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = min(hard, max(soft, args.recipients * 2 + 256))
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    except (ImportError, ValueError, OSError):
        pass

    work = tempfile.mkdtemp(prefix="tansiq-dissem-bench-")
    hub = Hub(os.path.abspath(args.tansiq), args.recipients, work, args.server_threads)
    result = {"benchmark": "dissemination", "machine": machine(), "git_commit": git_commit(),
              "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
              "config": {k: v for k, v in vars(args).items()
                         if k not in ("json", "tansiq", "client_bin")}}
    rc = 0
    t_all = time.monotonic()
    try:
        result["setup"] = hub.create(args.token_workers)
        hub.start()
        if args.client == "cpp":
            run_cpp_client(args, hub, result)
        else:
            asyncio.run(main_async(args, hub, result))
        goals = goals_of(result, args)
        result["goals"] = goals
        result["total_s"] = round(time.monotonic() - t_all, 1)
        errored = (result["errors"]["sessions_closed"] > 0 or result["throughput"]["missing"] > 0
                   or any(result["latency"][p]["missing"] for p in PRECEDENCES)
                   or result["drain"]["received"] != result["drain"]["queued"])
        result["errored"] = errored
        report(result, goals)
        print(f"total {result['total_s']} s")
        rc = 1 if errored else 0
    except Exception as e:  # noqa: BLE001 - report and still write what we have
        result["errored"] = True
        result["error"] = repr(e)
        print(f"dissem_bench: {e!r}", file=sys.stderr)
        rc = 1
    finally:
        hub.stop()
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
        print(f"wrote {os.path.relpath(args.json, os.getcwd())}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
