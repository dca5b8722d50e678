"""Black-box tests of brief and trend delivery (issue 5) against the real server: the daily
brief arrives at the configured UTC hour as a ROUTINE message over the WebSocket stream, in the
recipient's language, not before, not twice (also across a restart), with only what that user
may see; a trend alert reaches the watcher of a rising place who can see the rising reports,
not a watcher who cannot, and not twice; the same for a watched armed group named in another
script (watch rules with `groups`). The server's clock is moved through --clock-file:
nothing sleeps through the hours."""
import datetime as dt
import json
import os
import subprocess
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402
from wsclient import WebSocket  # noqa: E402

JSON = "application/json"
USERS = {
    "alice": ("a", ["officer", "recipient"]),
    "a2": ("a", ["recipient"]),
    "bob": ("b", ["officer"]),
    "b2": ("b", ["recipient"]),
    "carol": ("c", ["officer"]),
    "root": ("c", ["hub-admin"]),  # not among brief_roles: no brief
}
BRIEF_USERS = ["alice", "a2", "bob", "b2", "carol"]
TITLES = {"en": "Daily brief", "ar": "الموجز اليومي", "ru": "Ежедневная сводка",
          "fa": "گزارش روزانه"}
RISING = {"en": "Places with rising activity", "ar": "أماكن يتصاعد فيها النشاط",
          "ru": "Места с растущей активностью"}
LANGS = {"a2": "ru", "b2": "ar", "carol": "fa"}  # alice and bob: none chosen → en
HUB = None
CLOCK = None
DAY0 = None  # the UTC day (server time) whose brief is tested


def setUpModule():
    global HUB, CLOCK, DAY0
    HUB = H.Hub(users=USERS, extra_toml='\n[analysis]\nbrief_hour = 6\n'
                'brief_roles = ["officer", "recipient"]\n')
    CLOCK = os.path.join(HUB.dir, "clock-offset")
    # Server time starts at 05:00 UTC on DAY0, a few days ahead of real time.
    now = dt.datetime.now(dt.timezone.utc)
    DAY0 = (now + dt.timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
    set_time(DAY0 + dt.timedelta(hours=5))
    start()


def tearDownModule():
    if HUB:
        HUB.cleanup()


def start():
    HUB.start(extra_args=["--clock-file", CLOCK])


def set_time(at: dt.datetime):
    """Moves the server clock so that it reads `at` now (re-read within 50 ms)."""
    offset = (at - dt.datetime.now(dt.timezone.utc)).total_seconds()
    with open(CLOCK + ".tmp", "w") as f:
        f.write(str(offset))
    os.replace(CLOCK + ".tmp", CLOCK)
    time.sleep(0.15)


def server_now() -> dt.datetime:
    with open(CLOCK) as f:
        offset = float(f.read().strip() or 0)
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=offset)


def iso(d: dt.datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def report(party, text, published, markings=(H.TLP_GREEN,), name=None):
    props = {"name": name or text[:40], "description": text, "published": published,
             "report_types": ["threat-report"], "object_refs": [HUB.identity_of(party)]}
    return H.sdo("report", HUB.identity_of(party), list(markings) if markings else None,
                 **props)


def connect(user) -> WebSocket:
    ws = WebSocket("127.0.0.1", HUB.port, "/api/v1/stream",
                   headers={"Authorization": HUB.auth_header(user, "basic")})
    ws.user = user
    return ws


def messages(frames):
    return [f for f in frames if f.get("kind") == "message"]


def briefs(frames, date=None):
    out = [f for f in messages(frames) if f.get("from", {}).get("user") == "tansiq"
           and any(f["subject"].startswith(t) for t in TITLES.values())]
    return [f for f in out if date is None or date in f["subject"]]


def inbox(user):
    r = HUB.get("/api/v1/messages", user=user, params={"box": "inbox", "limit": 200},
                accept=JSON)
    assert r.status == 200, r
    return r.json()["messages"]


def wait_one_brief_each(tc, date, settle=0.0, timeout=15):
    """Waits until every brief user has the brief of `date` (YYYY-MM-DD), then `settle` seconds
    more (scheduler ticks that could send a second), and asserts exactly one each."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(any(date in m["subject"] for m in inbox(u)) for u in BRIEF_USERS):
            break
        time.sleep(0.2)
    time.sleep(settle)
    for u in BRIEF_USERS:
        tc.assertEqual(len([m for m in inbox(u) if date in m["subject"]]), 1, u)


def wait_analysed(user, day: dt.datetime, at_least: int):
    """Waits until `user` sees at least `at_least` analysed objects on `day` (the correlator
    runs after commit, in commit order)."""
    params = {"from": day.strftime("%Y-%m-%d"),
              "to": (day + dt.timedelta(days=1)).strftime("%Y-%m-%d")}
    deadline = time.monotonic() + 60
    total = None
    while time.monotonic() < deadline:
        r = HUB.get("/api/v1/situation", user=user, params=params, accept=JSON)
        if r.status == 200:
            total = r.json()["total"]
            if total >= at_least:
                return
        time.sleep(0.1)
    raise AssertionError(f"analysed {total} < {at_least}: " + HUB.log_tail())


class A_DailyBrief(unittest.TestCase):
    """Runs first (class name order): the clock only moves forward through the suite."""

    @classmethod
    def setUpClass(cls):
        for user, lang in LANGS.items():
            r = HUB.request("PUT", "/api/v1/me/prefs", user=user, body={"lang": lang},
                            accept=JSON, content_type=JSON)
            assert r.status == 200, r
        # Day DAY0: two GREEN reports linked by one person, and two reports of party a that
        # nobody else may see (unmarked: the originator's party only), linked by another.
        t = DAY0 + dt.timedelta(hours=5)
        cls.tag = uuid.uuid4().hex[:6]
        cls.open = [report("a", f"General Tahsin al-Khafaji inspected checkpoint {i}.",
                           iso(t), name=f"OPEN-{cls.tag}-{i}") for i in range(2)]
        cls.secret = [report("a", f"General Zorawar Kandahari met the envoys, meeting {i}.",
                             iso(t), markings=None, name=f"SECRET-{cls.tag}-{i}")
                      for i in range(2)]
        coal = HUB.coll_path("coalition")
        HUB.post_objects(coal, cls.open, user="alice")
        HUB.post_objects(coal, cls.secret, user="alice")
        wait_analysed("alice", DAY0, 4)
        cls.date = DAY0.strftime("%Y-%m-%d")

    def test_1_at_the_hour_in_each_language_only_what_each_may_see(self):
        socks = {u: connect(u) for u in BRIEF_USERS + ["root"]}
        try:
            for ws in socks.values():
                ws.recv_all(quiet=0.3)
            # Just before the hour of the next day: nothing.
            set_time(DAY0 + dt.timedelta(days=1, hours=5, minutes=59, seconds=50))
            for u, ws in socks.items():
                early = ws.recv_all(quiet=1.5 if u == "alice" else 0.2)
                self.assertEqual(briefs(early), [], u)
            # At the hour: one brief each, over the stream.
            set_time(DAY0 + dt.timedelta(days=1, hours=6, seconds=2))
            got = {}
            for u in BRIEF_USERS:
                ws = socks[u]
                deadline = time.monotonic() + 15
                frames = []
                while time.monotonic() < deadline and not briefs(frames):
                    f = ws.recv(timeout=0.5)
                    if f is not None:
                        frames.append(f)
                frames += ws.recv_all(quiet=1.0)  # anything more (a second brief?)
                b = briefs(frames)
                self.assertEqual(len(b), 1, f"{u}: {frames}")
                got[u] = b[0]
                ws.send_json({"kind": "received", "id": b[0]["id"]})
            self.assertEqual(briefs(socks["root"].recv_all(quiet=0.5)), [], "root has no role")
        finally:
            for ws in socks.values():
                ws.close()

        for u, f in got.items():
            lang = LANGS.get(u, "en")
            self.assertEqual(f["precedence"], "routine", u)
            self.assertEqual(f["lang"], lang, u)
            self.assertEqual(f["subject"], f"{TITLES[lang]} {self.date}", u)
            self.assertTrue(f["body"].startswith(f"{TITLES[lang]} {self.date}\n"), u)
            self.assertIn(self.date, f["body"], u)
        # Party a sees the secret pair; b and c never do, by id, name or count.
        secret_ids = {o["id"] for o in self.secret}
        open_ids = {o["id"] for o in self.open}
        for u in ("alice", "a2"):
            self.assertIn(f"SECRET-{self.tag}", got[u]["body"], u)
            self.assertTrue(secret_ids & set(got[u]["object_refs"]), u)
            self.assertTrue(open_ids & set(got[u]["object_refs"]), u)
        for u in ("bob", "b2", "carol"):
            self.assertNotIn("SECRET", got[u]["body"], u)
            self.assertFalse(secret_ids & set(got[u]["object_refs"]), u)
            self.assertIn(f"OPEN-{self.tag}", got[u]["body"], u)
            self.assertTrue(open_ids & set(got[u]["object_refs"]), u)

        def count(body):  # the line under the title: "<n> new reports"
            return int(body.splitlines()[1].split(" ")[0].rstrip("+"))
        self.assertEqual(count(got["alice"]["body"]) - count(got["bob"]["body"]), 2)
        self.assertEqual(count(got["b2"]["body"]), count(got["bob"]["body"]))
        # A brief is its reader's alone: another user of the same party cannot open it.
        r = HUB.get(f"/api/v1/objects/{got['alice']['id']}", user="a2", accept=JSON)
        self.assertEqual(r.status, 404)
        r = HUB.get(f"/api/v1/objects/{got['alice']['id']}", user="alice", accept=JSON)
        self.assertEqual(r.status, 200, r)

    def test_2_not_twice_across_a_restart(self):
        HUB.stop()
        start()
        time.sleep(2.5)  # a couple of scheduler ticks after the start
        for u in BRIEF_USERS:
            subjects = [m["subject"] for m in inbox(u) if self.date in m["subject"]]
            self.assertEqual(len(subjects), 1, (u, subjects))
        self.assertEqual([m for m in inbox("root") if self.date in m["subject"]], [])

    def test_3_the_next_day_brings_the_next_brief_even_when_empty(self):
        set_time(DAY0 + dt.timedelta(days=2, hours=7))
        next_date = (DAY0 + dt.timedelta(days=1)).strftime("%Y-%m-%d")
        wait_one_brief_each(self, next_date)
        # Nothing new that day (for bob): the brief says so in its subject.
        bob = [m for m in inbox("bob") if next_date in m["subject"]][0]
        self.assertIn("Nothing to report.", bob["subject"])
        self.assertEqual(len([m for m in inbox("bob") if self.date in m["subject"]]), 1)


    def test_4_a_server_down_at_the_hour_sends_when_it_starts(self):
        HUB.stop()
        set_time(DAY0 + dt.timedelta(days=3, hours=10))  # down from 07:00 yesterday to 10:00
        start()
        wait_one_brief_each(self, (DAY0 + dt.timedelta(days=2)).strftime("%Y-%m-%d"))

    def test_5_a_second_server_on_one_database_is_refused(self):
        """Two `tansiq serve` processes on one database would each run a scheduler: the second
        is refused (the serve lock, issue 19 item 2), so each brief goes out once. The marker is
        still claimed in the message's own transaction (a restart overlapping the old process
        waits for its lock)."""
        HUB.stop()
        set_time(DAY0 + dt.timedelta(days=4, hours=5, minutes=59, seconds=55))
        start()
        r = subprocess.run([HUB.bin, "serve", "--db", HUB.db, "--listen", "127.0.0.1:0",
                            *HUB.serve_args, "--clock-file", CLOCK],
                           capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("another tansiq serve", r.stdout + r.stderr)
        set_time(DAY0 + dt.timedelta(days=4, hours=6, seconds=1))
        wait_one_brief_each(self, (DAY0 + dt.timedelta(days=3)).strftime("%Y-%m-%d"),
                            settle=2.5, timeout=20)



class Watchers:
    """Mixin of the trend-alert classes: watcher sockets in `socks`, alert subjects starting
    with one of ALERT_TITLES."""
    ALERT_TITLES = {}
    socks = {}

    @classmethod
    def tearDownClass(cls):
        for ws in cls.socks.values():
            ws.close()

    @classmethod
    def alerts(cls, frames):
        return [f for f in messages(frames) if f.get("from", {}).get("user") == "tansiq"
                and any(f["subject"].startswith(t) for t in cls.ALERT_TITLES.values())]


class B_TrendAlerts(Watchers, unittest.TestCase):
    ALERT_TITLES = RISING

    @classmethod
    def setUpClass(cls):
        # a2 (party a) and b2 (party b) watch Mosul; four reports of party a about Mosul that
        # only party a may see, today, against an empty baseline.
        cls.watch = {}
        for u in ("a2", "b2"):
            r = HUB.request("POST", "/api/v1/watches", user=u, body={"places": ["Mosul"]},
                            accept=JSON, content_type=JSON)
            assert r.status in (200, 201), r
            cls.watch[u] = r.json()["id"]
        cls.today = server_now().replace(hour=0, minute=0, second=0, microsecond=0)
        t = server_now() - dt.timedelta(minutes=5)
        coal = HUB.coll_path("coalition")
        cls.rising = [report("a", f"اشتباك مسلح في الموصل، الحادث رقم {i}.", iso(t),
                             markings=None) for i in range(4)]
        cls.socks = {u: connect(u) for u in ("a2", "b2")}
        for ws in cls.socks.values():
            ws.recv_all(quiet=0.3)
        HUB.post_objects(coal, cls.rising, user="alice")
        wait_analysed("alice", cls.today, 4)
        # Past the debounce of trend checks (30 s of hub time).
        set_time(server_now() + dt.timedelta(seconds=40))


    def test_1_the_watcher_who_sees_the_rise_gets_one_alert(self):
        ws = self.socks["a2"]
        frames, deadline = [], time.monotonic() + 15
        while time.monotonic() < deadline and not self.alerts(frames):
            f = ws.recv(timeout=0.5)
            if f is not None:
                frames.append(f)
        a = self.alerts(frames)
        self.assertEqual(len(a), 1, frames)
        self.assertEqual(a[0]["precedence"], "priority")
        self.assertEqual(a[0]["lang"], "ru")
        self.assertIn("4", a[0]["body"])
        # The watcher of party b, who sees none of the reports, gets nothing.
        self.assertEqual(self.alerts(self.socks["b2"].recv_all(quiet=1.0)), [])
        # Another report later the same day, past the debounce: no second alert.
        more = report("a", "اشتباك آخر في الموصل.", iso(server_now() - dt.timedelta(minutes=1)),
                      markings=None)
        HUB.post_objects(HUB.coll_path("coalition"), [more], user="alice")
        wait_analysed("alice", self.today, 5)
        set_time(server_now() + dt.timedelta(seconds=40))
        self.assertEqual(self.alerts(ws.recv_all(quiet=2.5)), [])

    def test_2_not_twice_across_a_restart(self):
        HUB.stop()
        start()
        time.sleep(2.5)
        rising = [m for m in inbox("a2") if any(m["subject"].startswith(t)
                                                 for t in RISING.values())]
        self.assertEqual(len(rising), 1, rising)
        self.assertEqual([m for m in inbox("b2") if any(m["subject"].startswith(t)
                                                         for t in RISING.values())], [])
        # The sockets of the first server are gone.
        for u in list(self.socks):
            self.socks[u].close()
            self.socks[u] = connect(u)


class C_Config(unittest.TestCase):
    def test_bad_brief_config_is_refused(self):
        for toml, needle in (("[analysis]\nbrief_hour = 24\n", "brief_hour"),
                             ("[analysis]\nbrief_hour = \"six\"\n", "brief_hour"),
                             ("[analysis]\nbrief_roles = [\"chief\"]\n", "chief")):
            path = os.path.join(HUB.dir, f"bad-{uuid.uuid4().hex[:6]}.toml")
            with open(path, "w") as f:
                f.write('[hub]\nname = "x"\n' + toml)
            r = HUB.cli("init", "--db", path + ".db", "--config", path, check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(needle, r.stderr + r.stdout)
            self.assertFalse(os.path.exists(path + ".db"))

    def test_bad_brief_hour_flag_is_refused(self):
        r = HUB.cli("serve", "--db", HUB.db, "--listen", "127.0.0.1:0", "--brief-hour", "25",
                    check=False, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--brief-hour", r.stderr + r.stdout)


RISING_GROUPS = {"en": "Groups with rising activity", "ar": "جماعات يتصاعد نشاطها",
                 "ru": "Группы с растущей активностью",
                 "fa": "گروه‌هایی با فعالیت رو به افزایش"}


class D_GroupTrends(Watchers, unittest.TestCase):
    ALERT_TITLES = RISING_GROUPS

    """Watch rules with `groups`: b2 (party b, Arabic) watches داعش, a2 (party a, Russian)
    watches ИГИЛ. Party b's reports, that only party b may see, name the group in Latin and
    Cyrillic script and rise today against an empty baseline."""

    @classmethod
    def setUpClass(cls):
        for user, lang in (("b2", "ar"), ("a2", "ru")):  # as LANGS; also when run alone
            r = HUB.request("PUT", "/api/v1/me/prefs", user=user, body={"lang": lang},
                            accept=JSON, content_type=JSON)
            assert r.status == 200, r
        cls.watch = {}
        for u, name in (("b2", "داعش"), ("a2", "ИГИЛ")):
            r = HUB.request("POST", "/api/v1/watches", user=u, body={"groups": [name]},
                            accept=JSON, content_type=JSON)
            assert r.status == 201, r
            cls.watch[u] = r.json()["id"]
        cls.socks = {u: connect(u) for u in ("a2", "b2")}
        for ws in cls.socks.values():
            ws.recv_all(quiet=0.3)
        cls.today = server_now().replace(hour=0, minute=0, second=0, microsecond=0)
        t = iso(server_now() - dt.timedelta(minutes=3))
        tag = uuid.uuid4().hex[:6]
        cls.named = [report("b", f"ISIS fighters attacked a convoy, incident {tag}-{i}.", t,
                            markings=None) for i in range(2)]
        cls.named += [report("b", f"Боевики ИГИЛ атаковали колонну, инцидент {tag}-{i}.", t,
                             markings=None) for i in range(2)]
        cls.plain = report("b", f"Routine logistics meeting {tag}.", t, markings=None)
        HUB.post_objects(HUB.coll_path("coalition"), cls.named + [cls.plain], user="bob")
        wait_analysed("bob", cls.today, 5)
        set_time(server_now() + dt.timedelta(seconds=40))  # past the trend-check debounce


    @staticmethod
    def watch_notices(frames):
        return [f for f in messages(frames) if f["subject"].startswith("Watch: ")]

    def test_1_the_watcher_who_sees_the_rise_is_alerted_once_in_arabic(self):
        ws = self.socks["b2"]
        frames, deadline = [], time.monotonic() + 15
        while time.monotonic() < deadline and not self.alerts(frames):
            f = ws.recv(timeout=0.5)
            if f is not None:
                frames.append(f)
        frames += ws.recv_all(quiet=1.0)
        a = self.alerts(frames)
        self.assertEqual(len(a), 1, frames)
        self.assertEqual(a[0]["precedence"], "priority")
        self.assertEqual(a[0]["lang"], "ar")
        self.assertEqual(a[0]["subject"], RISING_GROUPS["ar"] + ": داعش")
        self.assertTrue(a[0]["body"].startswith("داعش: 4 "), a[0]["body"])
        # Each new report naming the group matched the watch (its entity keys, any script);
        # the report that names no group did not.
        notices = self.watch_notices(frames)
        refs = {r for n in notices for r in n["object_refs"]}
        self.assertEqual(refs, {o["id"] for o in self.named}, notices)
        # The watcher of party a sees none of the reports: no alert, no notice.
        other = self.socks["a2"].recv_all(quiet=1.0)
        self.assertEqual(self.alerts(other), [])
        self.assertEqual(self.watch_notices(other), [])
        # More reports the same day, past the debounce: no second alert.
        more = [report("b", f"ISIS claimed another attack, {i}.",
                       iso(server_now() - dt.timedelta(minutes=1)), markings=None)
                for i in range(3)]
        HUB.post_objects(HUB.coll_path("coalition"), more, user="bob")
        wait_analysed("bob", self.today, 8)
        set_time(server_now() + dt.timedelta(seconds=40))
        later = ws.recv_all(quiet=2.5)
        self.assertEqual(self.alerts(later), [])
        self.assertEqual(len(self.watch_notices(later)), 3, later)

    def test_2_not_twice_across_a_restart_and_never_to_who_cannot_see(self):
        HUB.stop()
        start()
        time.sleep(2.5)
        def group_alerts(user):
            return [m for m in inbox(user)
                    if any(m["subject"].startswith(t) for t in RISING_GROUPS.values())]
        self.assertEqual(len(group_alerts("b2")), 1)
        self.assertEqual(group_alerts("a2"), [])
        for u in list(self.socks):
            self.socks[u].close()
            self.socks[u] = connect(u)

    def test_3_watches_show_names_and_keys_unknown_groups_are_refused(self):
        r = HUB.get("/api/v1/watches", user="b2", accept=JSON)
        self.assertEqual(r.status, 200, r)
        mine = [w for w in r.json()["watches"] if w["id"] == self.watch["b2"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["groups"], ["داعش"])
        self.assertEqual(mine[0]["group_keys"], ["isis"])
        before = r.json()["watches"]
        for body in ({"groups": ["Brigade of the Nonexistent Dawn"]},
                     {"groups": ["ISIS", "Brigade of the Nonexistent Dawn"], "places": ["Mosul"]}):
            r = HUB.request("POST", "/api/v1/watches", user="b2", body=body, accept=JSON,
                            content_type=JSON)
            self.assertEqual(r.status, 422, r)
            self.assertIn("Brigade of the Nonexistent Dawn", r.body.decode())
        r = HUB.get("/api/v1/watches", user="b2", accept=JSON)
        self.assertEqual(r.json()["watches"], before)


if __name__ == "__main__":
    unittest.main()
