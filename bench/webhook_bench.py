#!/usr/bin/env python3
"""Webhook delivery benchmark (issue 4 item 5): a throw-away hub (tests/integration/harness.py)
with N recipients, each with one webhook to a Python http.server receiver on loopback, and the
real `tansiq serve`. Measures, in one run:
  * baseline: a bare HTTP POST from this process to the same receiver (round trip);
  * latency: M messages sent one at a time to one recipient, 201 answered -> post received;
  * fan-out: K messages to all N recipients at once, posts received per second.
Usage: TANSIQ_BIN=build/default/cli/tansiq bench/webhook_bench.py [-n 20] [-m 200] [-k 20]
Prints a table and one JSON line."""
import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import harness  # noqa: E402


class Receiver:
    def __init__(self):
        self.arrivals = {}  # (message id, recipient) -> monotonic time
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        rx = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                now = time.monotonic()
                if self.path.startswith("/hook"):
                    key = (json.loads(body)["id"], self.headers.get("X-Tansiq-Recipient"))
                    with rx.cond:
                        rx.arrivals.setdefault(key, now)
                        rx.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        class Server(ThreadingHTTPServer):
            request_queue_size = 1024  # the default 5 stalls bursts of connections

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, keys, timeout=60):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not all(k in self.arrivals for k in keys):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{sum(k in self.arrivals for k in keys)}/{len(keys)}")
                self.cond.wait(left)
            return [self.arrivals[k] for k in keys]


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=20, help="recipients (one webhook each)")
    ap.add_argument("-m", type=int, default=200, help="messages for the latency series")
    ap.add_argument("-k", type=int, default=20, help="messages for the fan-out series")
    a = ap.parse_args()
    rx = Receiver()
    users = {"alice": ("a", ["officer"])}
    users.update({f"r{i}": ("b", ["recipient"]) for i in range(a.n)})
    hub = harness.Hub(users=users,
                      extra_toml=f"\n[webhooks]\nallow = [\"http://127.0.0.1:{rx.port}/\"]\n")
    try:
        hub.start()
        b = hub.identity_of("b")
        for u in users:
            if u != "alice":
                r = hub.request("POST", "/api/v1/webhooks", user=u, accept="application/json",
                                body={"url": f"http://127.0.0.1:{rx.port}/hook"},
                                content_type="application/json")
                assert r.status == 201, r

        def send(to):
            r = hub.request("POST", "/api/v1/messages", user="alice", accept="application/json",
                            content_type="application/json",
                            body={"precedence": "flash", "subject": "bench", "tlp": "amber",
                                  "releasable_to": [b], "recipients": {"users": to}})
            assert r.status == 201, r
            return r.json()["id"], time.monotonic()

        base = []
        for _ in range(a.m):
            t0 = time.monotonic()
            c = http.client.HTTPConnection("127.0.0.1", rx.port, timeout=10)
            c.request("POST", "/baseline", body=b"{}", headers={"Content-Type": "application/json"})
            c.getresponse().read()
            c.close()
            base.append(time.monotonic() - t0)
        lat = []
        for _ in range(a.m):
            mid, t201 = send(["r0"])
            (arrived,) = rx.wait([(mid, "r0")])
            lat.append(arrived - t201)
        everyone = [u for u in users if u != "alice"]
        t0 = time.monotonic()
        keys = []
        for _ in range(a.k):
            mid, _ = send(everyone)
            keys += [(mid, u) for u in everyone]
        sent_s = time.monotonic() - t0
        arrivals = rx.wait(keys, timeout=300)
        fan_s = max(arrivals) - t0
        out = {
            "recipients": a.n,
            "baseline_post_ms": {"p50": pct(base, 50) * 1e3, "p99": pct(base, 99) * 1e3},
            "webhook_latency_ms": {"p50": pct(lat, 50) * 1e3, "p99": pct(lat, 99) * 1e3,
                                   "mean": statistics.mean(lat) * 1e3},
            "fanout_posts": len(keys), "fanout_seconds": fan_s, "fanout_send_seconds": sent_s,
            "fanout_posts_per_s": len(keys) / fan_s,
        }
        print(f"baseline POST round trip   p50 {out['baseline_post_ms']['p50']:.2f} ms"
              f"  p99 {out['baseline_post_ms']['p99']:.2f} ms")
        print(f"201 -> webhook post        p50 {out['webhook_latency_ms']['p50']:.2f} ms"
              f"  p99 {out['webhook_latency_ms']['p99']:.2f} ms  ({a.m} messages)")
        print(f"fan-out {a.k} x {a.n}: {a.k} sends took {sent_s:.2f} s; {len(keys)} posts in"
              f" {fan_s:.2f} s ="
              f" {out['fanout_posts_per_s']:.0f} posts/s")
        print(json.dumps(out))
    finally:
        hub.cleanup()


if __name__ == "__main__":
    main()
