"""Black-box tests of the analysis endpoints (issue 5) against the real server.

1. Correlation: one group and one person spelled in Arabic, Russian and English in three
   parties' reports are linked; a place named by more than half of a 120-report corpus links
   nothing (no clique); related/graph never show what the reader may not see, and answer 404
   for an invisible start object.
2. Extraction results are the hub's own STIX objects with exactly the source's releasability:
   the demo report's derived objects are readable by its party only.
3. Situation picture: per-reader counts equal a brute-force count over what each reader can
   GET, for every reader, on a randomised fixture (places, types, parties).
4. Brief and bad input."""
import datetime as dt
import json
import os
import random
import sqlite3
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = None
COAL = None
PRIV_A = None
READERS = ["alice", "a2", "bob", "b2", "carol"]
DAY = dt.timedelta(days=1)


def setUpModule():
    global hub, COAL, PRIV_A
    hub, COAL, PRIV_A = H.module_hub_with_data()


def tearDownModule():
    if hub:
        hub.cleanup()


def iso(d: dt.datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def report(user_party, text, published, markings=(H.TLP_GREEN,), lang=None, name=None):
    props = {"name": name or text[:40], "description": text, "published": published,
             "report_types": ["threat-report"], "object_refs": [hub.identity_of(user_party)]}
    if lang:
        props["lang"] = lang
    return H.sdo("report", hub.identity_of(user_party), list(markings) if markings else None,
                 **props)


def wait_analysed(user="alice"):
    """Posts a sentinel report and waits until the correlator has handled it (the commit feed
    is handled in order, so everything posted before is analysed too)."""
    day = dt.datetime(2001, 1, 1) + dt.timedelta(days=random.randrange(1, 3000))
    party = {"alice": "a", "bob": "b", "carol": "c"}[user]
    hub.post_objects(COAL, [report(party, "دورية في زاخو", iso(day))], user=user)
    params = {"from": day.strftime("%Y-%m-%d"), "to": (day + DAY).strftime("%Y-%m-%d")}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = hub.get("/api/v1/situation", user=user, params=params, accept="application/json")
        if r.status == 200 and r.json()["total"] >= 1:
            return
        time.sleep(0.1)
    raise AssertionError("the correlator did not catch up: " + hub.log_tail())


def related(user, oid):
    r = hub.get(f"/api/v1/objects/{oid}/related", user=user, accept="application/json")
    return r


def related_ids(user, oid):
    r = related(user, oid)
    assert r.status == 200, r
    return {x["id"]: x for x in r.json()["related"]}


class Correlation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        base = dt.datetime(2024, 6, 10, 8, 0, 0)
        # One group (alias registry) and one person (name keys) in three scripts, three parties.
        cls.ar = report("a", "قال اللواء تحسين الخفاجي إن كتائب سيد الشهداء نقلت أسلحة.",
                        iso(base), lang="ar")
        cls.ru = report("b", "Генерал Тахсин аль-Хафаджи сообщил, что «Катаиб Сейид аш-Шухада» "
                        "перебросила оружие.", iso(base + DAY), lang="ru")
        cls.en = report("c", "General Tahsin al-Khafaji said Kata'ib Sayyid al-Shuhada moved "
                        "weapons.", iso(base + 2 * DAY), lang="en")
        hub.post_objects(COAL, [cls.ar], user="alice")
        hub.post_objects(COAL, [cls.ru], user="bob")
        hub.post_objects(COAL, [cls.en], user="carol")
        # 120 reports; 70 of them name Mosul (more than half) and nothing else in common.
        cls.common = []
        objs = []
        for i in range(120):
            place = "الموصل" if i < 70 else ["بغداد", "كركوك", "الرمادي", "حلب"][i % 4]
            o = report("a", f"تقرير ميداني رقم {i}: دورية روتينية في {place}.",
                       iso(base - dt.timedelta(days=40) + dt.timedelta(hours=i)))
            objs.append(o)
            if i < 70:
                cls.common.append(o["id"])
        for k in range(0, len(objs), 40):
            hub.post_objects(COAL, objs[k:k + 40], user="alice")
        # Visibility: one group in a GREEN report of a, an unmarked report of b (b only) and a
        # RED report of c named to alice only.
        cls.vx = report("a", "رصد تحرك لعناصر حركة النجباء قرب الحدود.", iso(base), lang="ar")
        cls.vy = report("b", "Harakat al-Nujaba fighters were seen near the border.", iso(base),
                        markings=None, lang="en")
        red = H.releasability_marking(hub.identity_of("c"), [hub.identity_of("c")],
                                      recipients=["alice"], name="red to alice")
        cls.vz = report("c", "Движение ан-Нуджаба усилило позиции у границы.", iso(base),
                        markings=(H.TLP_RED, red["id"]), lang="ru")
        hub.post_objects(COAL, [cls.vx], user="alice")
        hub.post_objects(COAL, [cls.vy], user="bob")
        hub.post_objects(COAL, [red, cls.vz], user="carol")
        wait_analysed()

    def test_one_actor_in_three_scripts_and_parties_is_linked(self):
        for user in ("alice", "bob", "carol"):
            rel = related_ids(user, self.ar["id"])
            self.assertIn(self.ru["id"], rel, user)
            self.assertIn(self.en["id"], rel, user)
            reasons = rel[self.ru["id"]]["reasons"]
            self.assertIn("group:kataib-sayyid-al-shuhada", reasons)
            self.assertTrue(any(r.startswith("name:") for r in reasons), reasons)
            self.assertGreater(rel[self.ru["id"]]["score"], 5.0)
        rel = related_ids("bob", self.en["id"])
        self.assertEqual(set(rel) & {self.ar["id"], self.ru["id"]}, {self.ar["id"], self.ru["id"]})

    def test_a_value_in_half_the_corpus_does_not_make_a_clique(self):
        for oid in self.common[:10]:
            rel = related_ids("alice", oid)
            self.assertFalse(set(rel) & set(self.common), (oid, rel))
        # The graph around one of them stays small.
        r = hub.get("/api/v1/graph", user="alice", params={"id": self.common[0], "depth": 2},
                    accept="application/json")
        self.assertEqual(r.status, 200, r)
        self.assertLessEqual(len(r.json()["nodes"]), 5)

    def test_related_only_shows_what_the_reader_may_see(self):
        vx, vy, vz = self.vx["id"], self.vy["id"], self.vz["id"]
        self.assertEqual(set(related_ids("alice", vx)) & {vy, vz}, {vz})
        self.assertEqual(set(related_ids("bob", vx)) & {vy, vz}, {vy})
        self.assertEqual(set(related_ids("a2", vx)) & {vy, vz}, set())   # not named in the RED
        self.assertEqual(set(related_ids("carol", vx)) & {vy, vz}, {vz})
        # Invisible start objects are 404, like absent ones.
        for user, oid in (("alice", vy), ("a2", vz), ("bob", vz), ("carol", vy)):
            H.check_error(self, related(user, oid), 404)
            r = hub.get("/api/v1/graph", user=user, params={"id": oid}, accept="application/json")
            H.check_error(self, r, 404)
            r = hub.get(f"/api/v1/objects/{oid}", user=user, accept="application/json")
            H.check_error(self, r, 404)
        H.check_error(self, related("alice", "report--00000000-0000-4000-8000-000000000000"), 404)

    def test_graph_never_contains_invisible_nodes(self):
        for user in READERS:
            r = hub.get("/api/v1/graph", user=user, params={"id": self.vx["id"], "depth": 3},
                        accept="application/json")
            self.assertEqual(r.status, 200, r)
            g = r.json()
            ids = {n["id"] for n in g["nodes"]}
            for e in g["edges"]:
                self.assertIn(e["source"], ids)
                self.assertIn(e["target"], ids)
                self.assertTrue(e["reasons"])
            for oid in ids:
                got = hub.get(f"/api/v1/objects/{oid}", user=user, accept="application/json")
                self.assertEqual(got.status, 200, (user, oid))
        r = hub.get("/api/v1/graph", user="alice", params={"id": self.ar["id"], "depth": 2},
                    accept="application/json")
        ids = {n["id"] for n in r.json()["nodes"]}
        self.assertTrue({self.ar["id"], self.ru["id"], self.en["id"]} <= ids)
        names = {n["id"]: n for n in r.json()["nodes"]}
        self.assertEqual(names[self.ar["id"]]["type"], "report")

    def test_object_endpoint_returns_latest_visible_version(self):
        r = hub.get(f"/api/v1/objects/{self.ru['id']}", user="alice", accept="application/json")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], self.ru["id"])
        self.assertEqual(r.json()["description"], self.ru["description"])


class Derived(unittest.TestCase):
    def test_demo_report_entities_have_exactly_its_releasability(self):
        text = H.arabic_text()
        src = report("a", text, "2019-10-09T09:00:00.000Z", markings=None, lang="ar",
                     name="مركز العمليات المشترك")
        hub.post_objects(COAL, [src], user="alice")
        wait_analysed()
        items, _ = hub.page_all(COAL + "objects/", user="alice", limit=500)
        hub_identity = None
        derived = [o for o in items if src["id"] in json.dumps(o) and o["id"] != src["id"]]
        kinds = {}
        for o in derived:
            kinds.setdefault(o["type"], []).append(o)
            hub_identity = o["created_by_ref"]
        self.assertNotEqual(hub_identity, hub.identity_of("a"))
        names = {o.get("name") for o in kinds.get("location", [])}
        self.assertIn("Baghdad", names)
        self.assertIn("Anbar Governorate", names)
        self.assertEqual([o["name"] for o in kinds.get("intrusion-set", [])], ["Islamic State"])
        persons = [o["name"] for o in kinds.get("identity", [])]
        self.assertEqual(persons, ["تحسين الخفاجي"])
        rels = kinds.get("relationship", [])
        self.assertTrue(any(r["relationship_type"] == "mentions" and r["source_ref"] == src["id"]
                            for r in rels))
        all_derived = [o["id"] for o in derived]
        self.assertGreaterEqual(len(all_derived), 7)
        for o in derived:
            self.assertNotIn("object_marking_refs", o)  # as unmarked as the source
        # Party a's only: invisible to every other reader on every path.
        for user in ("bob", "carol", "b2"):
            for oid in all_derived + [src["id"]]:
                r = hub.get(f"/api/v1/objects/{oid}", user=user, accept="application/json")
                H.check_error(self, r, 404)
                r = hub.get(COAL + f"objects/{oid}/", user=user)
                self.assertEqual(r.status, 404, (user, oid))
        r = hub.get(f"/api/v1/objects/{all_derived[0]}", user="a2", accept="application/json")
        self.assertEqual(r.status, 200)


PLACES = {"الموصل": "iq-gov-nineveh", "الرمادي": "iq-gov-anbar", "الرقة": "sy-gov-raqqa",
          "كركوك": "iq-gov-kirkuk", "بغداد": "iq-gov-baghdad", "تدمر": "sy-gov-homs"}


class Situation(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        rng = random.Random(20261129)
        cls.start = dt.datetime(2025, 3, 1)
        cls.fixture = []    # (object, governorates, day index)
        posts = {"alice": [], "bob": [], "carol": []}
        private = []
        parties = {"alice": "a", "bob": "b", "carol": "c"}
        for i in range(60):
            user = rng.choice(list(parties))
            party = parties[user]
            places = rng.sample(list(PLACES), rng.choice([1, 1, 2]))
            day = rng.randrange(10)
            when = cls.start + dt.timedelta(days=day, hours=rng.randrange(24))
            text = f"بلاغ {i}: رصد نشاط في " + " و".join(places) + "."
            mode = rng.choice(["green", "green", "unmarked", "to", "red"])
            extra = []
            if mode == "green":
                markings = (H.TLP_GREEN,)
            elif mode == "unmarked":
                markings = None
            elif mode == "to":
                m = H.releasability_marking(hub.identity_of(party),
                                            [hub.identity_of(rng.choice("abc"))])
                extra.append(m)
                markings = (m["id"],)
            else:
                named = rng.sample(READERS, 2)
                m = H.releasability_marking(hub.identity_of(party), [hub.identity_of(party)],
                                            recipients=named)
                extra.append(m)
                markings = (H.TLP_RED, m["id"])
            if rng.random() < 0.5:
                o = report(party, text, iso(when), markings=markings)
            else:
                o = H.sdo("note", hub.identity_of(party), list(markings) if markings else None,
                          content=text, object_refs=[hub.identity_of(party)],
                          created=iso(when), modified=iso(when))
            govs = sorted({PLACES[p] for p in places})
            cls.fixture.append((o, govs, day, party))
            if user == "alice" and rng.random() < 0.2:
                private.append(extra + [o])
            else:
                posts[user].append(extra + [o])
        for user, groups in posts.items():
            for g in groups:
                hub.post_objects(COAL, g, user=user)
        for g in private:
            hub.post_objects(PRIV_A, g, user="alice")
        wait_analysed()

    def expected(self, user, by):
        cells, total = {}, 0
        for o, govs, day, party in self.fixture:
            r = hub.get(f"/api/v1/objects/{o['id']}", user=user, accept="application/json")
            if r.status != 200:
                self.assertEqual(r.status, 404)
                continue
            total += 1
            bucket = iso(self.start + dt.timedelta(days=day))
            keys = govs if by == "place" else [o["type"]] if by == "type" else [party]
            for k in keys:
                cells[(k, bucket)] = cells.get((k, bucket), 0) + 1
        return total, cells

    def test_per_reader_counts_equal_brute_force(self):
        params = {"from": "2025-03-01", "to": "2025-03-11", "bucket": "day"}
        for by in ("place", "type", "party"):
            for user in READERS:
                r = hub.get("/api/v1/situation", user=user, params={**params, "by": by},
                            accept="application/json")
                self.assertEqual(r.status, 200, r)
                j = r.json()
                total, cells = self.expected(user, by)
                got = {(c["key"], iso(H.parse_taxii_ts(c["bucket"]).replace(tzinfo=None))):
                       c["count"] for c in j["cells"]}
                self.assertEqual(j["total"], total, (user, by))
                self.assertEqual(got, cells, (user, by))
                if by == "place":
                    per_gov = {}
                    for (k, _), n in cells.items():
                        per_gov[k] = per_gov.get(k, 0) + n
                    self.assertEqual({p["key"]: p["count"] for p in j["places"]}, per_gov)
                    for p in j["places"]:
                        self.assertIsInstance(p["lat"], float)
                        self.assertIsInstance(p["lon"], float)

    def test_long_range_is_answered_sparsely(self):
        """A span of a million hour buckets (issue 16.10): 200 with only the non-empty cells, the
        same counts as a day-bucketed window over the same rows."""
        long = {"from": "1970-01-01", "to": "2100-01-01", "by": "type"}
        for user in READERS:
            r = hub.get("/api/v1/situation", user=user, params={**long, "bucket": "hour"},
                        accept="application/json")
            self.assertEqual(r.status, 200, r)
            hours = r.json()
            self.assertTrue(all(c["count"] > 0 for c in hours["cells"]))
            weeks = hub.get("/api/v1/situation", user=user, params={**long, "bucket": "week"},
                            accept="application/json").json()
            self.assertEqual(hours["total"], weeks["total"])
            self.assertEqual(sum(c["count"] for c in hours["cells"]),
                             sum(c["count"] for c in weeks["cells"]))
            # the fixture's days, from the hour cells, equal the day-bucketed window's cells
            days = hub.get("/api/v1/situation", user=user, accept="application/json",
                           params={"from": "2025-03-01", "to": "2025-03-11", "bucket": "day",
                                   "by": "type"}).json()
            want = {(c["key"], c["bucket"][:10]): c["count"] for c in days["cells"]}
            got = {}
            for c in hours["cells"]:
                if "2025-03-01" <= c["bucket"][:10] < "2025-03-11":
                    k = (c["key"], c["bucket"][:10])
                    got[k] = got.get(k, 0) + c["count"]
            self.assertEqual(got, want, user)

    def test_rising_place_is_a_trend(self):
        # Kirkuk, quiet for three weeks (one report a week), then 6 reports on one day.
        day0 = dt.datetime(2025, 5, 1)
        objs = [report("a", f"حادث في كركوك رقم {i}", iso(day0 + dt.timedelta(days=7 * i)))
                for i in range(3)]
        objs += [report("a", f"هجمات متعددة في كركوك {i}", iso(day0 + dt.timedelta(days=21, hours=i)))
                 for i in range(6)]
        hub.post_objects(COAL, objs, user="alice")
        wait_analysed()
        r = hub.get("/api/v1/situation", user="alice", accept="application/json",
                    params={"from": "2025-04-25", "to": "2025-05-23"})
        self.assertEqual(r.status, 200, r)
        trends = [t for t in r.json()["trends"] if t["kind"] == "place"]
        self.assertIn("iq-gov-kirkuk", [t["key"] for t in trends], r.json()["trends"])
        # A reader who sees none of it sees no trend.
        r = hub.get("/api/v1/situation", user="bob", accept="application/json",
                    params={"from": "2025-04-25", "to": "2025-05-23"})
        self.assertEqual(r.json()["total"], 9)   # GREEN: bob sees them all
        r = hub.get("/api/v1/situation", user="bob", accept="application/json",
                    params={"from": "2025-04-25", "to": "2025-05-22"})
        self.assertFalse([t for t in r.json()["trends"] if t["key"] == "iq-gov-kirkuk"])

    def test_rising_group_is_a_trend_named_in_the_readers_language(self):
        # ISIS, named in Latin letters: quiet for three weeks, then 6 reports on one day.
        day0 = dt.datetime(2025, 7, 1)
        objs = [report("a", f"ISIS cell dismantled near the border, case {i}",
                       iso(day0 + dt.timedelta(days=7 * i))) for i in range(3)]
        objs += [report("a", f"ISIS fighters attacked a checkpoint, incident {i}",
                        iso(day0 + dt.timedelta(days=21, hours=i))) for i in range(6)]
        hub.post_objects(COAL, objs, user="alice")
        wait_analysed()
        names = {}
        for lang in ("en", "ar"):
            r = hub.get("/api/v1/situation", user="alice", accept="application/json",
                        params={"from": "2025-06-25", "to": "2025-07-23", "lang": lang})
            self.assertEqual(r.status, 200, r)
            groups = [t for t in r.json()["trends"] if t["kind"] == "group"]
            self.assertEqual(len(groups), 1, r.json()["trends"])
            names[lang] = (groups[0]["key"], groups[0]["name"])
        self.assertEqual(names["en"][0], names["ar"][0])  # one group, one key
        self.assertTrue(any("a" <= c.lower() <= "z" for c in names["en"][1]), names)
        self.assertTrue(any("\u0600" <= c <= "\u06ff" for c in names["ar"][1]), names)


class Backfill(unittest.TestCase):
    def test_objects_imported_while_no_server_ran_are_analysed_at_start(self):
        a = report("a", "قال اللواء نزار الحمداني إن عصائب أهل الحق انسحبت من القيارة.",
                   "2023-03-03T10:00:00.000Z", lang="ar")
        b = report("a", "General Nizar al-Hamdani said Asa'ib Ahl al-Haq left Qayyarah.",
                   "2023-03-04T10:00:00.000Z", lang="en")
        bundle = os.path.join(hub.dir, "bundle.json")
        with open(bundle, "w", encoding="utf-8") as f:
            json.dump({"type": "bundle", "id": H.sid("bundle"), "objects": [a, b]}, f,
                      ensure_ascii=False)
        hub.stop()
        try:
            hub.cli("import", bundle, "--db", hub.db, "--as", "alice")
        finally:
            hub.start()
        deadline = time.monotonic() + 60
        rel = {}
        while time.monotonic() < deadline and b["id"] not in rel:
            r = related("alice", a["id"])
            self.assertEqual(r.status, 200, r)
            rel = {x["id"]: x for x in r.json()["related"]}
            time.sleep(0.1)
        self.assertIn(b["id"], rel, hub.log_tail())
        self.assertIn("place:iq-qayyarah", rel[b["id"]]["reasons"])


    def test_records_of_an_older_analysis_are_analysed_again_at_start(self):
        # A record written by another version of the analysis (analysis::kFactsVersion) is
        # replaced by the start-up backfill: here its name and version are what an older
        # analysis left behind.
        a = report("a", "Colonel Saad al-Obeidi met tribal leaders in Hit on Monday.",
                   "2023-05-08T10:00:00.000Z", lang="en", name="Hit meeting")
        hub.post_objects(COAL, [a], user="alice")
        self.assertEqual(self.wait_for_name(a["id"], "Hit meeting"), "Hit meeting",
                         hub.log_tail())
        hub.stop()
        try:
            db = sqlite3.connect(hub.db)
            with db:
                db.execute("UPDATE analysis SET name = 'left by an older analysis' WHERE id = ?",
                           (a["id"],))
                db.execute("DELETE FROM analysis_versions WHERE id = ?", (a["id"],))
            db.close()
        finally:
            hub.start()
        self.assertEqual(self.wait_for_name(a["id"], "Hit meeting"), "Hit meeting",
                         hub.log_tail())

    def wait_for_name(self, oid, name):
        """The name the graph gives `oid` (its analysis record's), once it is `name` or after
        60 s."""
        deadline = time.monotonic() + 60
        while True:
            g = hub.get("/api/v1/graph", user="alice", params={"id": oid},
                        accept="application/json")
            self.assertEqual(g.status, 200, g)
            got = next(n for n in g.json()["nodes"] if n["id"] == oid)["name"]
            if got == name or time.monotonic() > deadline:
                return got
            time.sleep(0.1)


class BriefAndErrors(unittest.TestCase):
    def test_brief_in_four_languages(self):
        today = dt.datetime.utcnow().strftime("%Y-%m-%d")
        titles = {"ar": "الموجز اليومي", "en": "Daily brief", "ru": "Ежедневная сводка",
                  "fa": "گزارش روزانه"}
        for lang, title in titles.items():
            r = hub.get("/api/v1/brief", user="alice", params={"date": today, "lang": lang},
                        accept="application/json")
            self.assertEqual(r.status, 200, r)
            j = r.json()
            self.assertEqual(j["title"], title)
            self.assertEqual([s["kind"] for s in j["sections"]],
                             ["urgent", "correlations", "rising"])
            self.assertIn(title, j["text"])

    def test_bad_input_is_400(self):
        for path, params in (
                ("/api/v1/graph", {}),
                ("/api/v1/graph", {"id": "report--x"}),
                ("/api/v1/graph", {"id": "report--00000000-0000-4000-8000-000000000000",
                                   "depth": "9"}),
                ("/api/v1/situation", {"by": "colour"}),
                ("/api/v1/situation", {"bucket": "year"}),
                ("/api/v1/situation", {"from": "yesterday"}),
                ("/api/v1/situation", {"from": "2025-03-02", "to": "2025-03-01"}),
                ("/api/v1/situation", {"surprise": "1"}),
                ("/api/v1/brief", {"date": "2025-13-01"}),
                ("/api/v1/brief", {"lang": "de"}),
                ("/api/v1/objects/not-an-id/related", {}),
                ("/api/v1/objects/not-an-id", {})):
            r = hub.get(path, user="alice", params=params, accept="application/json")
            H.check_error(self, r, 400)

    def test_unauthenticated_is_401(self):
        r = hub.get("/api/v1/situation", user=None, accept="application/json")
        self.assertEqual(r.status, 401)


if __name__ == "__main__":
    unittest.main()
