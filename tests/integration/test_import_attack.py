"""Third-party content (issue 17.3): an officer of member party a imports the MITRE ATT&CK ICS and
Mobile bundles (created_by_ref MITRE's identity, which is no party) with `--tlp green`; party b
reads every version back over TAXII (match[version]=all) and REST, property for property, with
TLP:GREEN added to the markings; party a is the originator (contributor); a second contribution
of the same objects by party c is refused and changes nothing.

ATT&CK Enterprise is not in ../shared/data: TANSIQ_ATTACK_ENTERPRISE=<path of
enterprise-attack.json> adds it (the `slow` ctest label runs this module with it when set)."""
import json
import os
import sys
import random
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = None
DATA = os.path.join(H.SHARED, "data", "attack-stix-data")
ICS = os.path.join(DATA, "ics-attack", "ics-attack.json")
MOBILE = os.path.join(DATA, "mobile-attack", "mobile-attack-17.1.json")
BUNDLES = [ICS, MOBILE]
if os.environ.get("TANSIQ_ATTACK_ENTERPRISE"):
    BUNDLES.append(os.environ["TANSIQ_ATTACK_ENTERPRISE"])
IMPORT_RESULTS = []
SECOND_CONTRIBUTION = None


def version_of(o):
    return o.get("modified", o.get("created"))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def mitre_identity():
    objs = load(ICS)["objects"]
    refs = {o["created_by_ref"] for o in objs if "created_by_ref" in o}
    assert len(refs) == 1, refs
    return refs.pop()


def without_markings(o):
    return {k: v for k, v in o.items() if k != "object_marking_refs"}


def setUpModule():
    global hub, SECOND_CONTRIBUTION
    parties = [{"id": "a", "name": "العراق"}, {"id": "b", "name": "Party B"},
               {"id": "c", "name": "Party C"}]
    users = {"alice": ("a", ["officer"]), "bob": ("b", ["officer"]), "cathy": ("c", ["officer"])}
    hub = H.Hub(parties=parties, users=users)
    for path in BUNDLES + [ICS]:         # the second ICS import must be idempotent
        IMPORT_RESULTS.append((path, hub.cli("import", path, "--db", hub.db, "--as", "alice",
                                             "--collection", "coalition", "--tlp", "green",
                                             check=False, timeout=3600)))
    # Party c contributes the same ICS objects (same ids and versions): a is their originator.
    SECOND_CONTRIBUTION = hub.cli("import", ICS, "--db", hub.db, "--as", "cathy", "--collection",
                                  "coalition", "--tlp", "clear", check=False, timeout=600)
    hub.start()


def tearDownModule():
    hub.cleanup()


class ImportAttack(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.coal = hub.coll_path("coalition", user="bob")
        cls.expected = {}
        for path in BUNDLES:
            for o in load(path)["objects"]:
                cls.expected.setdefault((o["id"], version_of(o)), o)
        items, rs = hub.page_all(cls.coal + "objects/", user="bob", params={"match[version]": "all"},
                                 limit=1000)
        assert rs[-1].status == 200, rs[-1]
        cls.items = items
        cls.got = {}
        cls.dups = []
        for o in items:
            k = (o["id"], version_of(o))
            if k in cls.got:
                cls.dups.append(k)
            cls.got[k] = o

    def test_import_exit_codes_and_progress(self):
        for path, r in IMPORT_RESULTS:
            self.assertEqual(r.returncode, 0, f"import {path}: {r.stdout[-2000:]} {r.stderr[-2000:]}")
        # a long import says how far it is (a log line per envelope of 1,000 without a terminal)
        mobile = next(r for p, r in IMPORT_RESULTS if p == MOBILE)
        out = mobile.stdout + mobile.stderr
        self.assertIn("import: 1000 of 2148 objects", out)
        self.assertIn("import: 2148 of 2148 objects", out)

    def test_every_version_round_trips_for_another_party(self):
        """b reads every version a contributed, byte for byte but for the added TLP:GREEN."""
        missing = [k for k in self.expected if k not in self.got]
        different = [k for k in self.expected if k in self.got
                     and without_markings(self.got[k]) != without_markings(self.expected[k])]
        msg = []
        for k in different[:5]:
            e, g = self.expected[k], self.got[k]
            diff = {p: (e.get(p), g.get(p)) for p in set(e) | set(g) if e.get(p) != g.get(p)}
            msg.append(f"{k}: {json.dumps(diff, ensure_ascii=False)[:600]}")
        self.assertEqual(missing, [], f"{len(missing)} of {len(self.expected)} versions missing, "
                                      f"e.g. {missing[:5]}")
        self.assertEqual(different, [], f"{len(different)} versions differ:\n" + "\n".join(msg))
        self.assertEqual(self.dups, [], "a version was returned twice")
        for k, o in self.expected.items():
            self.assertEqual(self.got[k].get("object_marking_refs"),
                             o.get("object_marking_refs", []) + [H.TLP_GREEN], k)
            self.assertEqual(self.got[k].get("created_by_ref"), o.get("created_by_ref"), k)

    def test_nothing_extra(self):
        expected_ids = {k[0] for k in self.expected}
        published = {p["identity"] for p in hub.parties_api("bob")} | H.HUB_EXTENSIONS
        extra = [k for k in self.got if k not in self.expected and k[0] not in published
                 and not k[0].startswith("identity--")]
        self.assertEqual(extra, [])
        self.assertEqual(expected_ids - {k[0] for k in self.got}, set())

    def test_versions_endpoint(self):
        by_id = {}
        for (oid, ver) in self.expected:
            by_id.setdefault(oid, set()).add(ver)
        multi = [oid for oid, vs in by_id.items() if len(vs) > 1]
        self.assertGreater(len(multi), 5)           # ICS and Mobile carry different versions
        rnd = random.Random(7)
        sample = multi + rnd.sample(sorted(by_id), 60)
        for oid in sample:
            r = hub.get(self.coal + f"objects/{oid}/versions/", user="bob")
            self.assertEqual(r.status, 200, (oid, r))
            vs = r.json()["versions"]
            self.assertTrue(by_id[oid] <= set(vs), (oid, vs, by_id[oid]))
            latest = hub.get(self.coal + f"objects/{oid}/", user="bob").json()["objects"]
            self.assertEqual(len(latest), 1)
            self.assertEqual(version_of(latest[0]), max(vs, key=H.parse_taxii_ts))

    def test_contributor_shown_beside_the_author(self):
        """REST names the contributing party (X-Tansiq-Party) while created_by_ref stays MITRE."""
        rnd = random.Random(3)
        for oid in rnd.sample(sorted({k[0] for k in self.expected}), 20):
            r = hub.get(f"/api/v1/objects/{oid}", user="bob", accept="application/json")
            self.assertEqual(r.status, 200, (oid, r))
            self.assertEqual(r.header("X-Tansiq-Party"), "a", oid)
            o = r.json()
            if o.get("created_by_ref"):
                self.assertEqual(o["created_by_ref"], mitre_identity())
        hits = hub.get("/api/v1/search", user="bob", accept="application/json",
                       params={"q": "Spearphishing", "limit": 5}).json()["hits"]
        self.assertTrue(hits)
        for h in hits:
            self.assertEqual((h["party"], h["created_by_ref"]), ("a", mitre_identity()), h)

    def test_second_contribution_refused(self):
        """Same ids and versions contributed by c: refused per object, a stays the originator,
        and c's TLP:CLEAR choice changes nothing."""
        r = SECOND_CONTRIBUTION
        self.assertEqual(r.returncode, 1, r.stderr[-2000:])
        self.assertIn("imported 0 of 1826 objects", r.stdout + r.stderr)
        self.assertIn("only the originating party may add versions", r.stdout + r.stderr)
        for k in random.Random(5).sample(sorted(self.expected), 20):
            self.assertNotIn(H.TLP_CLEAR, self.got[k].get("object_marking_refs", []), k)

    def test_another_partys_identity_refused(self):
        """Content created by another party's identity stays refused (nobody writes as b)."""
        idb = hub.identity_of("b")
        o = H.indicator(idb, [H.TLP_GREEN])
        r = hub.post(hub.coll_path("coalition") + "objects/", {"objects": [o]})
        self.assertEqual(r.status, 202, r)
        st = r.json()
        self.assertEqual(st["failure_count"], 1, st)
        self.assertIn("another party's identity", st["failures"][0]["message"])

    def test_taxii_post_of_third_party_content(self):
        """Over TAXII the contributor supplies the markings: unmarked = the contributor alone."""
        vendor = "identity--0b5e8a6c-1a52-4b1c-9f5c-0d1d2a3b4c5d"
        coal_a = hub.coll_path("coalition")
        unmarked = H.indicator(vendor)
        green = H.indicator(vendor, [H.TLP_GREEN])
        hub.post_objects(coal_a, [unmarked, green])
        self.assertEqual(hub.get(self.coal + f"objects/{green['id']}/", user="bob")
                         .json()["objects"], [green])
        self.assertEqual(hub.get(self.coal + f"objects/{unmarked['id']}/", user="bob").status, 404)
        self.assertEqual(hub.get(coal_a + f"objects/{unmarked['id']}/").json()["objects"],
                         [unmarked])
        # a new version of the third-party object: the contributor only (originator control)
        v2 = H.new_version(green, name="changed by c")
        r = hub.post(coal_a + "objects/", {"objects": [v2]}, user="cathy")
        self.assertEqual(r.json()["failure_count"], 1, r)

    def test_release_to(self):
        """--release-to adds a releasability marking of the importer's party to unmarked objects."""
        vendor = "identity--7d1f3c1e-2b9a-4e4f-8d57-1f0e6c2b9a11"
        objs = [H.indicator(vendor), H.indicator(vendor), H.indicator(vendor, [H.TLP_CLEAR])]
        path = os.path.join(hub.dir, "vendor.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"type": "bundle", "id": "bundle--0d8a9f3e-9d1c-4f5e-8a7b-2c3d4e5f6a7b",
                       "objects": objs}, f)
        r = hub.cli("import", path, "--db", hub.db, "--as", "alice", "--release-to", "b",
                    check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        coal_c = hub.coll_path("coalition", user="cathy")
        for o in objs[:2]:
            got = hub.get(self.coal + f"objects/{o['id']}/", user="bob").json()["objects"][0]
            self.assertEqual(without_markings(got), without_markings(o))
            self.assertEqual(len(got["object_marking_refs"]), 1)
            self.assertEqual(hub.get(coal_c + f"objects/{o['id']}/", user="cathy").status, 404)
        # an object with markings of its own keeps them: TLP:CLEAR, everyone reads it
        got = hub.get(coal_c + f"objects/{objs[2]['id']}/", user="cathy").json()["objects"]
        self.assertEqual(got, [objs[2]])
        bad = hub.cli("import", path, "--db", hub.db, "--as", "alice", "--release-to", "zz",
                      check=False)
        self.assertNotEqual(bad.returncode, 0)
        bad = hub.cli("import", path, "--db", hub.db, "--as", "alice", "--tlp", "red", check=False)
        self.assertNotEqual(bad.returncode, 0)


if __name__ == "__main__":
    unittest.main()
