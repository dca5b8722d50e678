"""`tansiq import` of the MITRE ATT&CK ICS and Mobile bundles into a hub whose party "mitre" owns
the MITRE identity; then every object is read back over TAXII (match[version]=all), version by
version, and compared property for property with the bundles."""
import json
import os
import sys
import random
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = None
DATA = os.path.join(H.SHARED, "data", "attack-stix-data")
BUNDLES = [os.path.join(DATA, "ics-attack", "ics-attack.json"),
           os.path.join(DATA, "mobile-attack", "mobile-attack-17.1.json")]
IMPORT_RESULTS = []


def version_of(o):
    return o.get("modified", o.get("created"))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def mitre_identity():
    objs = load(BUNDLES[0])["objects"]
    refs = {o["created_by_ref"] for o in objs if "created_by_ref" in o}
    assert len(refs) == 1, refs
    return refs.pop()


def setUpModule():
    global hub
    parties = [{"id": "mitre", "name": "The MITRE Corporation", "identity": mitre_identity()},
               {"id": "a", "name": "Party A"}]
    users = {"mo": ("mitre", ["officer"]), "alice": ("a", ["officer"])}
    hub = H.Hub(parties=parties, users=users)
    for path in BUNDLES + [BUNDLES[0]]:         # the second ICS import must be idempotent
        IMPORT_RESULTS.append((path, hub.cli("import", path, "--db", hub.db, "--as", "mo",
                                             "--collection", "coalition", check=False, timeout=600)))
    hub.start()


def tearDownModule():
    hub.cleanup()


class ImportAttack(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.coal = hub.coll_path("coalition", user="mo")
        cls.expected = {}
        for path in BUNDLES:
            for o in load(path)["objects"]:
                cls.expected.setdefault((o["id"], version_of(o)), o)
        items, rs = hub.page_all(cls.coal + "objects/", user="mo", params={"match[version]": "all"},
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

    def test_import_exit_codes(self):
        for path, r in IMPORT_RESULTS:
            self.assertEqual(r.returncode, 0, f"import {path}: {r.stdout[-2000:]} {r.stderr[-2000:]}")

    def test_every_version_round_trips(self):
        missing = [k for k in self.expected if k not in self.got]
        different = [k for k in self.expected if k in self.got and self.got[k] != self.expected[k]]
        msg = []
        for k in different[:5]:
            e, g = self.expected[k], self.got[k]
            diff = {p: (e.get(p), g.get(p)) for p in set(e) | set(g) if e.get(p) != g.get(p)}
            msg.append(f"{k}: {json.dumps(diff, ensure_ascii=False)[:600]}")
        self.assertEqual(missing, [], f"{len(missing)} of {len(self.expected)} versions missing, "
                                      f"e.g. {missing[:5]}")
        self.assertEqual(different, [], f"{len(different)} versions differ:\n" + "\n".join(msg))
        self.assertEqual(self.dups, [], "a version was returned twice")

    def test_nothing_extra(self):
        expected_ids = {k[0] for k in self.expected}
        published = {p["identity"] for p in hub.parties_api("mo")} | H.HUB_EXTENSIONS
        # the hub may publish its own identity (e.g. as creator of the extension-definition)
        extra = [k for k in self.got if k not in self.expected and k[0] not in published
                 and not k[0].startswith("identity--")]
        self.assertEqual(extra, [])
        # every id of the bundles is present
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
            r = hub.get(self.coal + f"objects/{oid}/versions/", user="mo")
            self.assertEqual(r.status, 200, (oid, r))
            vs = r.json()["versions"]
            self.assertTrue(by_id[oid] <= set(vs), (oid, vs, by_id[oid]))
            r = hub.get(self.coal + f"objects/{oid}/", user="mo", params={"match[version]": "all"})
            for o in r.json()["objects"]:
                k = (o["id"], version_of(o))
                if k in self.expected:
                    self.assertEqual(o, self.expected[k])
            # the latest version is the default
            latest = hub.get(self.coal + f"objects/{oid}/", user="mo").json()["objects"]
            self.assertEqual(len(latest), 1)
            self.assertEqual(version_of(latest[0]), max(vs, key=H.parse_taxii_ts))

    def test_other_party_sees_only_published(self):
        """ATT&CK objects carry no TLP or releasability marking: the originator alone reads them."""
        items, rs = hub.page_all(self.coal + "objects/", user="alice", params={"match[version]": "all"},
                                 limit=1000)
        published = {p["identity"] for p in hub.parties_api("alice")} | H.HUB_EXTENSIONS
        leaked = {o["id"] for o in items if o["type"] != "identity"
                  or o["id"] == mitre_identity()} - published
        self.assertEqual(leaked, set())
        self.assertEqual(hub.get(self.coal + "objects/", user="alice",
                                 params={"match[type]": "attack-pattern"}).json().get("objects", []), [])


if __name__ == "__main__":
    unittest.main()
