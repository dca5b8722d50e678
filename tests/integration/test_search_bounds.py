"""Black-box tests of the search bounds (issue 3): a total counted up to a bound ("total":
bound, "total_relation": "gte" beyond it; exact below), facets over the same counted set, and
ranking tiered beyond a window — all over matches the reader may see only.

The hub is created with `[search] total_bound = 7` in its TOML and served with
`--search-total-bound 5 --search-rank-window 4` (the flags win; `tansiq search` on the same
database uses the TOML's 7). Party A posts, in this order: 12 TLP:GREEN reports with the word
"plexor" (3 of them with it in the name), then a flood of 20 TLP:RED reports (decided per row
by the policy) and 20 reports in A's private collection, all with "plexor", newer than the
green ones. Bob (party B) sees the 12 green ones only; the flood must neither count toward
his bound nor push his visible matches out of the ranked windows."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

SEARCH = "/api/v1/search"
BOUND = 5
WINDOW = 4
TOML_BOUND = 7
hub = None
GREEN = []      # ids of the 12 visible reports, oldest first
NAMED = set()   # the 3 of them with "plexor" in the name
RARE = set()    # the 3 of them with "quillfen" (below every bound)
FLOOD = set()   # ids bob may not see


def setUpModule():
    global hub
    os.environ.setdefault("TANSIQ_DATA", os.path.join(H.REPO, "data"))
    hub = H.Hub(extra_toml=f"\n[search]\ntotal_bound = {TOML_BOUND}\nrank_window = 6\n")
    hub.serve_args = ["--search-total-bound", str(BOUND), "--search-rank-window", str(WINDOW)]
    hub.start()
    ida = hub.identity_of("a")
    coal = hub.coll_path("coalition")
    green = []
    for i in range(12):
        named = i in (1, 5, 9)
        rare = i in (2, 3, 10)
        name = f"plexor bulletin {i}" if named else f"bulletin {i}"
        body = f"Patrol log {i}: plexor sighted near the river" + (" quillfen" if rare else "")
        green.append(H.sdo("report", ida, [H.TLP_GREEN], name=name, description=body,
                           published="2024-05-01T00:00:00Z", report_types=["threat-report"],
                           object_refs=[ida], lang="en"))
    for o in green:  # one at a time: index order is posting order
        hub.post_objects(coal, [o])
    GREEN.extend(o["id"] for o in green)
    NAMED.update(green[i]["id"] for i in (1, 5, 9))
    RARE.update(green[i]["id"] for i in (2, 3, 10))
    red = [H.sdo("report", ida, [H.TLP_RED], name=f"plexor red {i}",
                 description=f"plexor plexor quillfen red {i}", published="2024-05-01T00:00:00Z",
                 report_types=["threat-report"], object_refs=[ida], lang="en")
           for i in range(20)]
    hub.post_objects(coal, red)
    private = [H.sdo("report", ida, None, name=f"plexor private {i}",
                     description=f"plexor plexor quillfen private {i}",
                     published="2024-05-01T00:00:00Z", report_types=["threat-report"],
                     object_refs=[ida], lang="en")
               for i in range(20)]
    hub.post_objects(hub.coll_path("party-a"), private)
    FLOOD.update(o["id"] for o in red + private)


def tearDownModule():
    if hub:
        hub.cleanup()


def search(tc, params, user="bob"):
    r = hub.get(SEARCH, user=user, params=params, accept="application/json")
    tc.assertEqual(r.status, 200, (params, user, r))
    return r.json()


class Bounds(unittest.TestCase):
    def check_facets(self, j):
        for f in ("type", "party", "lang"):
            self.assertEqual(sum(j["facets"][f].values()), j["total"], (f, j["facets"]))
        self.assertEqual(j["facets_relation"], j["total_relation"], j)

    def test_exact_below_the_bound(self):
        j = search(self, {"q": "quillfen"})
        self.assertEqual(j["total"], 3, j)
        self.assertEqual(j["total_relation"], "eq", j)
        self.assertEqual({h["id"] for h in j["hits"]}, RARE)
        self.check_facets(j)
        # Ranked exactly (fewer than the window): scores never increase down the page.
        scores = [h["score"] for h in j["hits"]]
        self.assertEqual(scores, sorted(scores, reverse=True), j)

    def test_bound_reached_counts_visible_only(self):
        j = search(self, {"q": "plexor", "limit": 3})
        self.assertEqual(j["total"], BOUND, j)
        self.assertEqual(j["total_relation"], "gte", j)
        self.check_facets(j)
        self.assertEqual(j["facets"]["party"], {"a": BOUND}, j)
        self.assertEqual(len(j["hits"]), 3)
        self.assertTrue({h["id"] for h in j["hits"]} <= set(GREEN), j)

    def test_invisible_flood_is_never_counted(self):
        # carol (party C) sees the 12 green reports, not the 40 newer ones of the flood.
        for user in ("bob", "carol"):
            j = search(self, {"q": "plexor", "limit": 100}, user=user)
            ids = [h["id"] for h in j["hits"]]
            self.assertEqual(set(ids), set(GREEN), user)  # every visible one, none other
            self.assertEqual(len(ids), len(set(ids)))
            body = str(j)
            for fid in FLOOD:
                self.assertNotIn(fid, body)
        # Alice sees the flood: her bound is reached within it.
        j = search(self, {"q": "plexor"}, user="alice")
        self.assertEqual((j["total"], j["total_relation"]), (BOUND, "gte"))
        j = search(self, {"q": "quillfen", "limit": 100}, user="alice")
        self.assertEqual((j["total"], j["total_relation"]), (BOUND, "gte"))
        self.assertEqual(len(j["hits"]), 43)

    def test_name_tier_first_beyond_the_window(self):
        j = search(self, {"q": "plexor", "limit": 100})
        ids = [h["id"] for h in j["hits"]]
        # Tier 1: of the newest BOUND visible matches, those with the word in the name.
        newest = list(reversed(GREEN))
        tier1 = [i for i in newest[:BOUND] if i in NAMED]
        self.assertEqual(len(tier1), 1)  # green 9; greens 5 and 1 are older than the horizon
        self.assertEqual(ids[:1], tier1, j)
        # The rest: windows of WINDOW visible matches (newest window first, the name tier's
        # rows taken out), each ranked within itself.
        at = 1
        for w in range(0, len(newest), WINDOW):
            members = [i for i in newest[w:w + WINDOW] if i not in tier1]
            self.assertEqual(set(ids[at:at + len(members)]), set(members), w)
            at += len(members)
        self.assertEqual(at, len(GREEN))

    def test_pages_are_consistent(self):
        full = [h["id"] for h in search(self, {"q": "plexor", "limit": 100})["hits"]]
        for limit in (1, 2, 3, 5):
            pages = []
            for offset in range(0, 16, limit):
                j = search(self, {"q": "plexor", "limit": limit, "offset": offset})
                self.assertEqual((j["total"], j["total_relation"]), (BOUND, "gte"))
                pages += [h["id"] for h in j["hits"]]
            self.assertEqual(pages, full, limit)

    def test_filters_apply_before_the_bound(self):
        j = search(self, {"q": "plexor", "type": "note"})
        self.assertEqual((j["total"], j["total_relation"], j["hits"]), (0, "eq", []))

    def test_cli_uses_the_toml_bound(self):
        r = hub.cli("search", "--db", hub.db, "--as", "bob", "plexor")
        self.assertIn(f"{TOML_BOUND}+ matches", r.stderr)
        r = hub.cli("search", "--db", hub.db, "--as", "bob", "quillfen")
        self.assertIn("3 matches", r.stderr)
        self.assertNotIn("3+", r.stderr)


if __name__ == "__main__":
    unittest.main()
