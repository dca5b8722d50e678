"""TAXII filters (added_after, match[id|type|version|spec_version]) and paging (limit/next/more,
X-TAXII-Date-Added-* headers, ascending date_added), including paging while objects are being
added, and the tamper-proof, caller- and filter-bound `next`."""
import os
import sys
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = H.ModuleHub()  # started by setUpModule, stopped by tearDownModule
setUpModule, tearDownModule = hub.setup, hub.teardown
P = H.parse_taxii_ts


def manifest_map(path, user="alice", params=None):
    items, rs = hub.page_all(path + "manifest/", user=user, params=params, limit=500)
    assert rs[-1].status == 200, rs[-1]
    return items


class Filters(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.coal = hub.coll_path("coalition")
        ida = hub.identity_of("a")
        g = [H.TLP_GREEN]
        cls.ind1 = H.indicator(ida, g)
        cls.ind2 = H.indicator(ida, g)
        cls.mal = H.sdo("malware", ida, g, name="m", is_family=True)
        cls.x1 = H.indicator(ida, g, name="x v1")
        cls.x2 = H.new_version(cls.x1, name="x v2")
        cls.x3 = H.new_version(cls.x2, name="x v3")
        for batch in ([cls.ind1], [cls.ind2], [cls.mal], [cls.x1], [cls.x2], [cls.x3]):
            hub.post_objects(cls.coal, batch)
            time.sleep(0.002)
        cls.mine = [cls.ind1["id"], cls.ind2["id"], cls.mal["id"], cls.x1["id"]]
        m = manifest_map(cls.coal, params={"match[version]": "all",
                                           "match[id]": ",".join(cls.mine)})
        cls.added = {(r["id"], r["version"]): r["date_added"] for r in m}
        assert len(cls.added) == 6, m

    def objs(self, params, path=None, user="alice"):
        r = hub.get(path or self.coal + "objects/", user=user, params=params)
        self.assertEqual(r.status, 200, (params, r))
        return r.json().get("objects", [])

    def ids(self, params, **kw):
        return [o["id"] for o in self.objs(params, **kw)]

    def test_match_id(self):
        self.assertEqual(self.ids({"match[id]": self.ind1["id"]}), [self.ind1["id"]])
        got = self.ids({"match[id]": f"{self.ind1['id']},{self.mal['id']}"})
        self.assertEqual(sorted(got), sorted([self.ind1["id"], self.mal["id"]]))
        self.assertEqual(self.ids({"match[id]": f"indicator--{uuid.uuid4()}"}), [])

    def test_match_type(self):
        objs = self.objs({"match[type]": "malware", "match[id]": ",".join(self.mine)})
        self.assertEqual([o["id"] for o in objs], [self.mal["id"]])
        objs = self.objs({"match[type]": "indicator,malware", "match[id]": ",".join(self.mine)})
        self.assertEqual(len(objs), 4)
        for o in self.objs({"match[type]": "identity"}):
            self.assertEqual(o["type"], "identity")
        self.assertEqual(self.objs({"match[type]": "campaign"}), [])

    def test_match_version(self):
        one = {"match[id]": self.x1["id"]}
        self.assertEqual(self.objs(one), [self.x3])                      # default last
        self.assertEqual(self.objs({**one, "match[version]": "last"}), [self.x3])
        self.assertEqual(self.objs({**one, "match[version]": "first"}), [self.x1])
        self.assertEqual(self.objs({**one, "match[version]": "all"}), [self.x1, self.x2, self.x3])
        self.assertEqual(self.objs({**one, "match[version]": self.x2["modified"]}), [self.x2])
        got = self.objs({**one, "match[version]": f"first,last"})
        self.assertEqual(sorted(o["modified"] for o in got), [self.x1["modified"], self.x3["modified"]])
        got = self.objs({**one, "match[version]": f"{self.x1['modified']},{self.x2['modified']}"})
        self.assertEqual(got, [self.x1, self.x2])
        self.assertEqual(self.objs({**one, "match[version]": "2001-01-01T00:00:00.000Z"}), [])
        # on the object endpoint too
        p = self.coal + f"objects/{self.x1['id']}/"
        self.assertEqual(self.objs({}, path=p), [self.x3])
        self.assertEqual(self.objs({"match[version]": "first"}, path=p), [self.x1])
        self.assertEqual(self.objs({"match[version]": "all"}, path=p), [self.x1, self.x2, self.x3])
        self.assertEqual(self.objs({"match[version]": self.x2["modified"]}, path=p), [self.x2])
        # and the manifest
        r = hub.get(self.coal + "manifest/", params={**one, "match[version]": "all"})
        self.assertEqual([m["version"] for m in r.json()["objects"]],
                         [self.x1["modified"], self.x2["modified"], self.x3["modified"]])
        r = hub.get(self.coal + "manifest/", params=one)
        self.assertEqual([m["version"] for m in r.json()["objects"]], [self.x3["modified"]])

    def test_match_spec_version(self):
        self.assertEqual(self.ids({"match[id]": self.ind1["id"], "match[spec_version]": "2.1"}),
                         [self.ind1["id"]])
        self.assertEqual(self.ids({"match[id]": self.ind1["id"], "match[spec_version]": "2.0"}), [])
        self.assertEqual(self.ids({"match[id]": self.ind1["id"], "match[spec_version]": "2.0,2.1"}),
                         [self.ind1["id"]])

    def test_added_after(self):
        t_ind2 = self.added[(self.ind2["id"], self.ind2["modified"])]
        got = self.ids({"added_after": t_ind2, "match[id]": ",".join(self.mine)})
        self.assertNotIn(self.ind1["id"], got)
        self.assertNotIn(self.ind2["id"], got)          # strictly after
        self.assertIn(self.mal["id"], got)
        self.assertIn(self.x1["id"], got)
        # added_after with match[version]=all selects versions by their date_added
        t_x1 = self.added[(self.x1["id"], self.x1["modified"])]
        got = self.objs({"added_after": t_x1, "match[id]": self.x1["id"], "match[version]": "all"})
        self.assertEqual(got, [self.x2, self.x3])
        r = hub.get(self.coal + "manifest/", params={"added_after": t_ind2, "match[id]": ",".join(self.mine)})
        self.assertNotIn(self.ind2["id"], [m["id"] for m in r.json()["objects"]])
        for m in r.json()["objects"]:
            self.assertGreater(P(m["date_added"]), P(t_ind2))
        # versions endpoint
        r = hub.get(self.coal + f"objects/{self.x1['id']}/versions/", params={"added_after": t_x1})
        self.assertEqual(r.json()["versions"], [self.x2["modified"], self.x3["modified"]])
        # everything later than the last one: empty
        last = max(self.added.values(), key=P)
        later = [o for o in self.objs({"added_after": last, "match[id]": ",".join(self.mine)})]
        self.assertEqual(later, [])

    def test_headers_match_manifest(self):
        params = {"match[id]": ",".join(self.mine), "match[version]": "all"}
        r = hub.get(self.coal + "objects/", params=params)
        vals = sorted(self.added.values(), key=P)
        self.assertEqual(P(r.header("X-TAXII-Date-Added-First")), P(vals[0]))
        self.assertEqual(P(r.header("X-TAXII-Date-Added-Last")), P(vals[-1]))
        # ascending date_added order in the envelope
        got = [(o["id"], o["modified"]) for o in r.json()["objects"]]
        self.assertEqual([P(self.added[k]) for k in got], sorted(P(self.added[k]) for k in got))

    def test_versions_spec_version(self):
        r = hub.get(self.coal + f"objects/{self.x1['id']}/versions/", params={"match[spec_version]": "2.1"})
        self.assertEqual(len(r.json()["versions"]), 3)

    def test_malformed_filters_400(self):
        bad = [{"added_after": "yesterday"}, {"added_after": "2024-13-45T25:61:00Z"},
               {"added_after": ""}, {"match[version]": "not-a-timestamp"},
               {"match[version]": "2024-01-01"}, {"limit": "abc"}, {"limit": "-1"},
               {"limit": "1.5"}, {"match[foo]": "bar"}, {"match[label]": "x"},
               {"match[]": "x"}, {"match[id": "x"}]
        for params in bad:
            for ep in ("objects/", "manifest/"):
                H.check_error(self, hub.get(self.coal + ep, params=params), 400)
        p = self.coal + f"objects/{self.x1['id']}/"
        for params in ({"match[version]": "bogus"}, {"added_after": "nope"}, {"match[zzz]": "1"}):
            H.check_error(self, hub.get(p, params=params), 400)
            H.check_error(self, hub.get(p + "versions/", params=params), 400)

    def test_version_all_with_another_value_400(self):
        """TAXII 2.1 3.4.2: `all` MUST NOT be combined with any other match[version] value."""
        one = {"match[id]": self.x1["id"]}
        p = self.coal + f"objects/{self.x1['id']}/"
        for v in ("all,first", "first,all", "all,last", f"all,{self.x2['modified']}", "all,all"):
            for ep in (self.coal + "objects/", self.coal + "manifest/"):
                H.check_error(self, hub.get(ep, params={**one, "match[version]": v}), 400)
            H.check_error(self, hub.get(p, params={"match[version]": v}), 400)
            H.check_error(self, hub.request("DELETE", p + H.qs({"match[version]": v})), 400)
        self.assertEqual(self.objs({"match[version]": "all"}, path=p), [self.x1, self.x2, self.x3])

    def test_empty_page_has_date_headers(self):
        """Every 200 of objects, object, manifest and versions carries X-TAXII-Date-Added-First and
        -Last (TAXII 2.1 5.3-5.7). An empty page has no first or last object: both headers name
        the page's lower bound, the point a client resumes from (added_after, else the epoch), so a
        poll that takes Date-Added-Last as its next added_after never skips an object."""
        last = max(self.added.values(), key=P)
        p = self.coal + f"objects/{self.x1['id']}/"
        cases = [(self.coal + "objects/", {"added_after": last, "match[id]": ",".join(self.mine)}, last),
                 (self.coal + "manifest/", {"added_after": last, "match[id]": ",".join(self.mine)}, last),
                 (p, {"added_after": last}, last),
                 (p + "versions/", {"added_after": last}, last),
                 (self.coal + "objects/", {"match[type]": "campaign"}, "1970-01-01T00:00:00Z"),
                 (self.coal + "manifest/", {"match[type]": "campaign"}, "1970-01-01T00:00:00Z")]
        for path, params, bound in cases:
            r = hub.get(path, params=params)
            self.assertEqual(r.status, 200, (path, params, r))
            self.assertEqual(r.json(), {"more": False}, (path, params))
            for h in ("X-TAXII-Date-Added-First", "X-TAXII-Date-Added-Last"):
                self.assertIsNotNone(r.header(h), (path, params, h))
                self.assertEqual(P(r.header(h)), P(bound), (path, params, h))

    def test_manifest_and_versions_date_headers(self):
        """The headers are the first and last date_added of the page on manifest and versions."""
        vals = sorted((P(d) for (i, _), d in self.added.items() if i == self.x1["id"]))
        r = hub.get(self.coal + f"objects/{self.x1['id']}/versions/")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(P(r.header("X-TAXII-Date-Added-First")), vals[0])
        self.assertEqual(P(r.header("X-TAXII-Date-Added-Last")), vals[-1])
        r = hub.get(self.coal + "manifest/", params={"match[id]": self.x1["id"], "match[version]": "all"})
        self.assertEqual([P(m["date_added"]) for m in r.json()["objects"]], vals)
        self.assertEqual(P(r.header("X-TAXII-Date-Added-First")), vals[0])
        self.assertEqual(P(r.header("X-TAXII-Date-Added-Last")), vals[-1])

    def test_repeated_filters_400(self):
        rep = [[("match[type]", "indicator"), ("match[type]", "malware")],
               [("match[id]", self.ind1["id"]), ("match[id]", self.ind2["id"])],
               [("added_after", "2020-01-01T00:00:00Z"), ("added_after", "2021-01-01T00:00:00Z")],
               [("match[version]", "all"), ("match[version]", "first")],
               [("limit", "5"), ("limit", "6")],
               [("match[spec_version]", "2.1"), ("match[spec_version]", "2.1")]]
        for params in rep:
            for ep in ("objects/", "manifest/"):
                H.check_error(self, hub.get(self.coal + ep, params=params), 400)

    def test_large_limit_is_clamped_not_error(self):
        r = hub.get(self.coal + "objects/", params={"limit": 100000000})
        self.assertEqual(r.status, 200, r)

    def test_many_versions_paged(self):
        v = [H.indicator(hub.identity_of("a"), [H.TLP_GREEN], name="v0")]
        for i in range(1, 12):
            v.append(H.new_version(v[-1], name=f"v{i}"))
        hub.post_objects(self.coal, v)
        got, rs = hub.page_all(self.coal + f"objects/{v[0]['id']}/", params={"match[version]": "all"},
                               limit=5)
        self.assertEqual(len(rs), 3, rs)
        self.assertEqual(got, v)
        vers, rs = hub.page_all(self.coal + f"objects/{v[0]['id']}/versions/", limit=5, key="versions")
        self.assertEqual(len(rs), 3, rs)
        self.assertEqual(vers, [o["modified"] for o in v])


class Paging(unittest.TestCase):
    N = 250

    @classmethod
    def setUpClass(cls):
        cls.pa = hub.coll_path("party-a")
        ida = hub.identity_of("a")
        cls.objs = [H.indicator(ida, name=f"paging {i}") for i in range(cls.N)]
        for i in range(0, cls.N, 50):
            hub.post_objects(cls.pa, cls.objs[i:i + 50])

    def check_pages(self, rs, limit, key="objects"):
        prev_last = None
        for i, r in enumerate(rs):
            self.assertEqual(r.status, 200, r)
            j = r.json()
            items = j.get(key, [])
            self.assertLessEqual(len(items), limit)
            if i < len(rs) - 1:
                self.assertTrue(j.get("more"), j)
                self.assertTrue(items, f"empty page {i} with more=true")
            else:
                self.assertFalse(j.get("more", False))
            if items:
                first = P(r.header("X-TAXII-Date-Added-First"))
                last = P(r.header("X-TAXII-Date-Added-Last"))
                self.assertLessEqual(first, last)
                if prev_last is not None:
                    self.assertGreater(first, prev_last, f"page {i} overlaps previous page")
                prev_last = last

    def test_objects_limit_7(self):
        got, rs = hub.page_all(self.pa + "objects/", limit=7)
        ids = [o["id"] for o in got]
        self.assertEqual(len(ids), self.N)
        self.assertEqual(len(set(ids)), self.N, "an object was returned twice")
        self.assertEqual(set(ids), {o["id"] for o in self.objs})
        self.assertEqual(len(rs), -(-self.N // 7))
        self.check_pages(rs, 7)
        # ascending date_added == posting order (the store keeps envelope order)
        self.assertEqual(ids, [o["id"] for o in self.objs])
        self.assertEqual(got, self.objs)

    def test_manifest_limit_7(self):
        got, rs = hub.page_all(self.pa + "manifest/", limit=7)
        self.check_pages(rs, 7)
        ids = [m["id"] for m in got]
        self.assertEqual(len(ids), self.N)
        self.assertEqual(len(set(ids)), self.N)
        times = [P(m["date_added"]) for m in got]
        self.assertEqual(times, sorted(times))
        self.assertEqual(len(set(times)), self.N, "date_added not strictly increasing")
        self.assertEqual(ids, [o["id"] for o in self.objs])

    def test_objects_headers_equal_page_date_added(self):
        man = {m["id"]: m["date_added"] for m in hub.page_all(self.pa + "manifest/", limit=500)[0]}
        _, rs = hub.page_all(self.pa + "objects/", limit=7)
        for r in rs:
            ds = [P(man[o["id"]]) for o in r.json()["objects"]]
            self.assertEqual(P(r.header("X-TAXII-Date-Added-First")), min(ds))
            self.assertEqual(P(r.header("X-TAXII-Date-Added-Last")), max(ds))

    def test_paging_with_bearer_and_filter(self):
        got, rs = hub.page_all(self.pa + "objects/", limit=11, auth="bearer",
                               params={"match[type]": "indicator"})
        self.assertEqual(len({o["id"] for o in got}), self.N)
        self.check_pages(rs, 11)

    def test_next_tampered_400(self):
        r = hub.get(self.pa + "objects/", params={"limit": 7})
        nxt = r.json()["next"]
        mid = len(nxt) // 2
        flip = "A" if nxt[mid] != "A" else "B"
        variants = [nxt[:mid] + flip + nxt[mid + 1:], nxt[:-1], nxt + "A", nxt[1:],
                    "garbage", str(uuid.uuid4()), "0", "-1", "%00"]
        for v in variants:
            H.check_error(self, hub.get(self.pa + "objects/", params={"limit": 7, "next": v}), 400)
        # the genuine one still works
        self.assertEqual(hub.get(self.pa + "objects/", params={"limit": 7, "next": nxt}).status, 200)

    def test_next_other_user_400(self):
        coal = hub.coll_path("coalition")
        r = hub.get(coal + "objects/", params={"limit": 1})
        j = r.json()
        self.assertTrue(j.get("more"), j)
        nxt = j["next"]
        for other in ("bob", "a2"):
            H.check_error(self, hub.get(coal + "objects/", user=other,
                                        params={"limit": 1, "next": nxt}), 400)
        # same user, same filters: fine
        self.assertEqual(hub.get(coal + "objects/", params={"limit": 1, "next": nxt}).status, 200)
        # a party-a next replayed by a2 (same party, can read it) on the same collection: still bound to alice
        nxt = hub.get(self.pa + "objects/", params={"limit": 7}).json()["next"]
        H.check_error(self, hub.get(self.pa + "objects/", user="a2", params={"limit": 7, "next": nxt}), 400)

    def test_next_other_filters_400(self):
        r = hub.get(self.pa + "objects/", params={"limit": 7, "match[type]": "indicator"})
        nxt = r.json()["next"]
        for params in ({"match[type]": "malware"}, {"match[type]": "indicator,malware"},
                       {"match[type]": "indicator", "match[version]": "all"},
                       {"match[type]": "indicator", "added_after": "2001-01-01T00:00:00Z"},
                       {"match[type]": "indicator", "match[id]": self.objs[0]["id"]}):
            H.check_error(self, hub.get(self.pa + "objects/", params={"limit": 7, "next": nxt, **params}), 400)
        self.assertEqual(hub.get(self.pa + "objects/", params={"limit": 7, "next": nxt,
                                                               "match[type]": "indicator"}).status, 200)

    def test_next_on_other_collection_400(self):
        nxt = hub.get(self.pa + "objects/", params={"limit": 7}).json()["next"]
        coal = hub.coll_path("coalition")
        H.check_error(self, hub.get(coal + "objects/", params={"limit": 7, "next": nxt}), 400)


class ConcurrentPaging(unittest.TestCase):
    """bob pages his party's collection while another thread keeps posting to it."""

    def test_paging_while_adding(self):
        pb = hub.coll_path("party-b", user="bob")
        idb = hub.identity_of("b")
        before = [H.indicator(idb, name=f"before {i}") for i in range(120)]
        hub.post_objects(pb, before, user="bob")
        added, errors = [], []
        stop = threading.Event()

        def writer():
            n = 0
            try:
                while not stop.is_set() and n < 75:
                    n += 3
                    batch = [H.indicator(idb, name="during") for _ in range(3)]
                    r = hub.post(pb + "objects/", {"objects": batch}, user="bob")
                    if r.status != 202 or r.json().get("success_count") != 3:
                        errors.append(r)
                        return
                    added.extend(batch)
                    time.sleep(0.005)
            except Exception as e:  # noqa: BLE001
                errors.append(e)

        for endpoint, key in (("manifest/", "objects"), ("objects/", "objects")):
            stop.clear()
            t = threading.Thread(target=writer)
            t.start()
            try:
                got, rs = [], []
                params = {"limit": 5}
                for _ in range(2000):
                    r = hub.get(pb + endpoint, user="bob", params=params)
                    rs.append(r)
                    self.assertEqual(r.status, 200, r)
                    j = r.json()
                    got += j.get(key, [])
                    if not j.get("more"):
                        break
                    params = {"limit": 5, "next": j["next"]}
                    time.sleep(0.003)
            finally:
                stop.set()
                t.join()
            self.assertFalse(errors, errors)
            ids = [o["id"] for o in got]
            self.assertEqual(len(ids), len(set(ids)), f"{endpoint}: duplicates while paging")
            self.assertTrue({o["id"] for o in before} <= set(ids), f"{endpoint}: lost objects")
            self.assertTrue(set(ids) <= {o["id"] for o in before + added})
            if endpoint == "manifest/":
                times = [P(m["date_added"]) for m in got]
                self.assertEqual(times, sorted(times))
            prev = None
            for r in rs:
                if r.json().get(key):
                    first = P(r.header("X-TAXII-Date-Added-First"))
                    if prev is not None:
                        self.assertGreater(first, prev)
                    prev = P(r.header("X-TAXII-Date-Added-Last"))
        total = hub.count_objects(pb, user="bob")
        self.assertEqual(total, len(before) + len(added))


if __name__ == "__main__":
    unittest.main()
