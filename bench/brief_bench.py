#!/usr/bin/env python3
"""Cost of brief delivery and trend checks (analysis/scheduler.h) on the real server.

A hub with 3 parties and U users (every one a brief recipient, every one watching two places
and one armed group), N reports spread over 28 days of event time (half of them naming a group),
all stored on day D-1 (server clock moved with --clock-file). Then: the clock moves to D 06:00
and the scheduler sends U briefs for D-1 (the server logs "daily brief: U sent, X ms"); one more
report and 31 s of hub time later it runs one debounced trend check over every watcher (logs
"trend check: W watcher(s) …, Q quer(ies), A alert(s), X ms, Y ms CPU": wall time and the
scheduler thread's CPU time, which runs the check's queries).
Prints one JSON line. Usage: TANSIQ_BIN=build/default/cli/tansiq bench/brief_bench.py [N] [U]
[places] — "places": watches name places only (the baseline without group checks).
"""
import datetime as dt
import json
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
import harness as H  # noqa: E402

PLACES = ["الموصل", "بغداد", "كركوك", "الرمادي", "حلب", "الرقة", "دير الزور", "تكريت",
          "الفلوجة", "البصرة", "أربيل", "حمص"]
WATCHED = ["Mosul", "Baghdad", "Kirkuk", "Ramadi", "Aleppo", "Raqqa"]
GROUPS = ["داعش", "هيئة تحرير الشام", "حزب الله", "القاعدة"]  # named in the reports
WATCHED_GROUPS = ["ISIS", "ИГИЛ", "Hezbollah", "al-Qaeda", "HTS"]  # watched, other scripts


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    u = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with_groups = not (len(sys.argv) > 3 and sys.argv[3] == "places")
    rng = random.Random(7)
    users = {f"u{i}": ("abc"[i % 3], ["recipient", "officer"]) for i in range(u)}
    users["alice"] = ("a", ["officer"])  # the harness reads party identities as alice
    hub = H.Hub(users=users, extra_toml="\n[analysis]\nbrief_hour = 6\n")
    clock = os.path.join(hub.dir, "clock-offset")
    day = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)).replace(
        hour=0, minute=0, second=0, microsecond=0)

    def set_time(at):
        with open(clock + ".tmp", "w") as f:
            f.write(str((at - dt.datetime.now(dt.timezone.utc)).total_seconds()))
        os.replace(clock + ".tmp", clock)
        time.sleep(0.15)

    def log_lines(pattern):
        with open(os.path.join(hub.dir, "server.log"), encoding="utf-8", errors="replace") as f:
            return re.findall(pattern, f.read())

    try:
        set_time(day - dt.timedelta(hours=12))  # D-1 12:00: everything is "new" on D-1
        hub.start(extra_args=["--clock-file", clock])
        for name in [x for x in users if x != "alice"]:
            r = hub.request("POST", "/api/v1/watches", user=name,
                            body={"places": rng.sample(WATCHED, 2),
                                  **({"groups": [rng.choice(WATCHED_GROUPS)]}
                                     if with_groups else {})},
                            accept="application/json",
                            content_type="application/json")
            assert r.status == 201, r
        coal = hub.coll_path("coalition", user="u0")
        t0 = time.monotonic()
        batch = []
        for i in range(n):
            party = "abc"[i % 3]
            at = day - dt.timedelta(days=1) - dt.timedelta(seconds=rng.randrange(27 * 86400))
            text = f"بلاغ {i}: نشاط مسلح في {rng.choice(PLACES)}."
            if rng.random() < 0.5:
                text += f" تبنّى {rng.choice(GROUPS)} الهجوم."
            marks = [H.TLP_GREEN] if rng.random() < 0.7 else None
            batch.append((party, H.sdo("report", hub.identity_of(party), marks, name=f"r{i}",
                                       description=text,
                                       published=at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                                       report_types=["threat-report"],
                                       object_refs=[hub.identity_of(party)])))
            if len(batch) == 300 or i == n - 1:
                for p in "abc":
                    objs = [o for q, o in batch if q == p]
                    if objs:
                        hub.post_objects(coal, objs, user=f"u{'abc'.index(p)}")
                batch = []
        # Wait for the correlator (the situation total of u0's party covers what it stored).
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            r = hub.get("/api/v1/situation", user="u0", accept="application/json",
                        params={"from": (day - dt.timedelta(days=28)).strftime("%Y-%m-%d"),
                                "to": day.strftime("%Y-%m-%d")})
            if r.status == 200 and r.json()["total"] >= int(n * 0.75):
                break
            time.sleep(0.5)
        ingest_s = time.monotonic() - t0
        set_time(day + dt.timedelta(hours=6, seconds=1))
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not log_lines(r"daily brief: (\d+) sent"):
            time.sleep(0.2)
        brief = log_lines(r"daily brief: (\d+) sent, ([\d.]+) ms")
        checks_before = len(log_lines(r"trend check:"))
        hub.post_objects(coal, [H.sdo("report", hub.identity_of("a"), [H.TLP_GREEN],
                                      name="one more", description="نشاط في الموصل.",
                                      published=(day + dt.timedelta(hours=6)).strftime(
                                          "%Y-%m-%dT%H:%M:%S.000Z"),
                                      report_types=["threat-report"],
                                      object_refs=[hub.identity_of("a")])], user="u0")
        time.sleep(1.5)
        set_time(day + dt.timedelta(hours=6, seconds=40))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(log_lines(r"trend check:")) <= checks_before:
            time.sleep(0.2)
        trend = log_lines(r"trend check: (\d+) watcher\(s\) with places or groups, (\d+) "
                          r"quer\(ies\), (\d+) alert\(s\), ([\d.]+) ms, ([\d.]+) ms CPU")
        out = {"bench": "brief", "reports": n, "users": u, "watch_groups": with_groups,
               "ingest_and_analyse_s":
               round(ingest_s, 1)}
        if brief:
            sent, ms = brief[-1]
            out.update({"briefs_sent": int(sent), "briefs_ms": float(ms),
                        "ms_per_brief": round(float(ms) / max(1, int(sent)), 1)})
        if trend:
            w, queries, alerts, ms, cpu = trend[-1]
            out.update({"trend_check_watchers": int(w), "trend_check_queries": int(queries),
                        "trend_check_alerts": int(alerts), "trend_check_ms": float(ms),
                        "trend_check_cpu_ms": float(cpu)})
        print(json.dumps(out))
    finally:
        hub.cleanup()


if __name__ == "__main__":
    main()
