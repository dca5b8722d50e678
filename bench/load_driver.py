#!/usr/bin/env python3
"""bench/load_driver.py: the body of bench/load_run (issue 7 "Load"). Seeds a running hub over
TAXII, collects the request paths wrk will draw from (object ids, `next` tokens, search
queries), runs one bounded wrk phase per endpoint (GET by id, TAXII paging, search), reads the
server's resident memory before and after each phase, prints a table and writes JSON.
Exit status 1 if any request errored (connection errors, timeouts, or any non-2xx answer).

Python stdlib only; wrk (Debian package) does the load, bench/load_wrk.lua the requests."""
import argparse
import base64
import datetime as dt
import http.client
import json
import os
import platform
import random
import subprocess
import sys
import time
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TAXII = "application/taxii+json;version=2.1"
TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
ARABIC_REPORT = os.path.join(REPO, "..", "shared", "data", "reports",
                             "ar-joint-operations-centre.txt")
# Used when ../shared/data is absent, and mixed in always: words of every script the hub serves.
FALLBACK_WORDS = ("intelligence report border crossing convoy militia financing network "
                  "разведка граница колонна финансирование сеть "
                  "گزارش مرز کاروان شبکه "
                  "تقرير الحدود قافلة تمويل شبكة").split()


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


class Client:
    def __init__(self, url, auth):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.root = u.path if u.path.endswith("/") else u.path + "/"
        self.auth = auth
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)

    def request(self, method, path, body=None, accept=TAXII):
        headers = {"Authorization": self.auth, "Accept": accept}
        if body is not None:
            body = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = TAXII
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status >= 300:
            raise RuntimeError(f"{method} {path}: {r.status} {data[:300]!r}")
        return r, (json.loads(data) if data else None)


def words():
    out = list(FALLBACK_WORDS)
    try:
        with open(ARABIC_REPORT, encoding="utf-8") as f:
            for w in f.read().split():
                w = w.strip(".,:;()«»\"'،؛")
                if len(w) >= 4:
                    out.append(w)
    except OSError:
        pass
    return out


def stamp(i):
    t = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(milliseconds=i)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def seed(client, identity, objects, reports, rng):
    """Ingests `objects` indicators and `reports` reports; returns the stored ids."""
    vocab = words()
    ids, batch, n = [], [], 0
    total = objects + reports

    def flush():
        nonlocal batch
        if batch:
            _, st = client.request("POST", client.root + "collections/coalition/objects/",
                                   {"objects": batch})
            if st.get("success_count") != len(batch):
                raise RuntimeError(f"seed: not all stored: {json.dumps(st)[:300]}")
            batch = []

    for i in range(total):
        t = stamp(i)
        base = {"spec_version": "2.1", "created": t, "modified": t, "created_by_ref": identity,
                "object_marking_refs": [TLP_GREEN]}
        if i < reports:
            text = " ".join(rng.choice(vocab) for _ in range(rng.randint(40, 120)))
            o = {"type": "report", "id": f"report--{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                 "name": " ".join(rng.choice(vocab) for _ in range(5)), "description": text,
                 "published": t, "object_refs": [identity], **base}
        else:
            o = {"type": "indicator",
                 "id": f"indicator--{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                 "name": f"load indicator {i} {rng.choice(vocab)}",
                 "pattern": f"[ipv4-addr:value = '198.51.{i // 256 % 256}.{i % 256}']",
                 "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z", **base}
        ids.append(o["id"])
        batch.append(o)
        n += 1
        if len(batch) == 1000:
            flush()
    flush()
    return ids, vocab


def page_tokens(client, limit):
    """Walks the collection once; returns the query strings of every page (first + `next`)."""
    base = client.root + "collections/coalition/objects/"
    queries, params = [], {"limit": str(limit)}
    while True:
        q = urllib.parse.urlencode(params)
        queries.append(base + "?" + q)
        _, body = client.request("GET", base + "?" + q)
        if not body or not body.get("more"):
            return queries
        params = {"limit": str(limit), "next": body["next"]}


def run_phase(args, mode, lines, work, pid):
    inp = os.path.join(work, f"{mode}.paths")
    with open(inp, "w") as f:
        f.write("\n".join(lines) + "\n")
    out = os.path.join(work, f"{mode}.json")
    env = dict(os.environ, LOAD_MODE=mode, LOAD_INPUT=inp, LOAD_AUTH=args.auth, LOAD_OUT=out)
    before = rss_kb(pid)
    cmd = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s",
           "--timeout", f"{args.timeout}s", "-s", os.path.join(HERE, "load_wrk.lua"),
           f"http://127.0.0.1:{args.port}"]
    print(f"== {mode}: wrk -t{args.threads} -c{args.connections} -d{args.duration}s "
          f"({len(lines)} distinct paths)", flush=True)
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(out):
        raise RuntimeError(f"wrk failed ({p.returncode}): {p.stdout}\n{p.stderr}")
    with open(out) as f:
        result = json.load(f)
    result["rss_kb_before"] = before
    result["rss_kb_after"] = rss_kb(pid)
    result["distinct_paths"] = len(lines)
    result["wrk_stdout"] = p.stdout.strip().splitlines()
    return result


def table(rows):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for k, r in enumerate(rows):
        print("  ".join(str(c).rjust(w) for c, w in zip(r, widths)))
        if k == 0:
            print("  ".join("-" * w for w in widths))


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1])
    return {"nproc": os.cpu_count(), "cpu_model": model, "mem_total_kb": mem,
            "kernel": platform.release()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--server-pid", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--git-commit", default="unknown")
    ap.add_argument("--objects", type=int, default=20000, help="indicators to seed")
    ap.add_argument("--reports", type=int, default=2000, help="reports (search text) to seed")
    ap.add_argument("--duration", type=int, default=60, help="seconds per wrk phase")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--connections", type=int, default=8, help="wrk connections")
    ap.add_argument("--timeout", type=int, default=10, help="wrk request timeout, seconds")
    ap.add_argument("--page-limit", type=int, default=100)
    ap.add_argument("--phases", default="get,page,search")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default=os.path.join(HERE, "results", "load-latest.json"))
    args = ap.parse_args()
    args.auth = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
    rng = random.Random(args.seed)
    client = Client(f"http://127.0.0.1:{args.port}/taxii2/hub/", args.auth)
    _, parties = client.request("GET", "/api/v1/parties", accept="application/json")
    identity = [p for p in parties if p["id"] == "a"][0]["identity"]

    t0 = time.monotonic()
    ids, vocab = seed(client, identity, args.objects, args.reports, rng)
    seed_s = time.monotonic() - t0
    print(f"seeded {len(ids)} objects in {seed_s:.1f} s", flush=True)
    inputs = {
        "get": [f"/taxii2/hub/collections/coalition/objects/{i}/" for i in ids],
        "page": page_tokens(client, args.page_limit),
        "search": ["/api/v1/search?" + urllib.parse.urlencode({"q": w}) for w in
                   sorted(set(vocab))[:2000]],
    }
    rss_start = rss_kb(args.server_pid)
    phases = {}
    for mode in args.phases.split(","):
        phases[mode] = run_phase(args, mode, inputs[mode], args.workdir, args.server_pid)
    rss_end = rss_kb(args.server_pid)

    rows = [["phase", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors",
             "RSS before MB", "RSS after MB"]]
    errored = False
    for mode, r in phases.items():
        e = r["errors"]
        n_err = e["connect"] + e["read"] + e["write"] + e["timeout"] + max(e["status"],
                                                                           e["non_2xx"])
        r["error_count"] = n_err
        errored |= n_err > 0 or r["requests"] == 0
        lat = r["latency_ms"]
        rows.append([mode, r["requests"], f"{r['requests_per_s']:.0f}", f"{lat['p50']:.2f}",
                     f"{lat['p90']:.2f}", f"{lat['p99']:.2f}", f"{lat['max']:.1f}", n_err,
                     f"{r['rss_kb_before'] / 1024:.1f}", f"{r['rss_kb_after'] / 1024:.1f}"])
    print()
    table(rows)
    print(f"\nserver RSS: {rss_start / 1024:.1f} MB before the load, {rss_end / 1024:.1f} MB "
          f"after (peak {hwm_kb(args.server_pid) / 1024:.1f} MB, seeding included)")
    result = {
        "benchmark": "load",
        "machine": machine(),
        "git_commit": args.git_commit,
        "config": {k: getattr(args, k) for k in ("objects", "reports", "duration", "threads",
                                                  "connections", "timeout", "page_limit",
                                                  "seed")},
        "seed_seconds": seed_s,
        "stored_objects": len(ids),
        "phases": phases,
        "server_rss_kb": {"before": rss_start, "after": rss_end,
                          "peak": hwm_kb(args.server_pid)},
        "errored": errored,
    }
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2, ensure_ascii=False)
        print(f"wrote {args.json}")
    if errored:
        print("load: ERRORS (see the table)", file=sys.stderr)
    return 1 if errored else 0


if __name__ == "__main__":
    sys.exit(main())
