"""TAXII 2.1 endpoints against the real server: every endpoint, its response shape (TAXII 2.1
spec sections 4-5), media types (406/415), error resources, per-object POST failures."""
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = H.ModuleHub()  # started by setUpModule, stopped by tearDownModule
setUpModule, tearDownModule = hub.setup, hub.teardown


class Endpoints(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cols = hub.collections("alice")
        cls.coal = f"{H.Hub.API}collections/{cls.cols['coalition']}/"
        cls.pa = f"{H.Hub.API}collections/{cls.cols['party-a']}/"
        cls.ida = hub.identity_of("a")
        cls.idb = hub.identity_of("b")

    # ---------------------------------------------------------------- discovery, api root
    def test_discovery(self):
        r = hub.get("/taxii2/")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(H.is_taxii_ct(r.header("Content-Type")), r)
        d = r.json()
        self.assertIsInstance(d.get("title"), str)
        for k in ("description", "contact", "default"):
            if k in d:
                self.assertIsInstance(d[k], str, k)
        self.assertIn("default", d)
        self.assertTrue(d["default"].startswith("http"), d)
        self.assertTrue(d["default"].endswith("/taxii2/hub/"), d)
        self.assertIsInstance(d.get("api_roots"), list)
        self.assertTrue(d["api_roots"])
        for u in d["api_roots"]:
            self.assertTrue(u.startswith("http://") and u.endswith("/taxii2/hub/"), u)
        self.assertIn(d["default"], d["api_roots"])

    def test_discovery_with_bearer(self):
        r = hub.get("/taxii2/", auth="bearer")
        self.assertEqual(r.status, 200, r)

    def test_api_root(self):
        r = hub.get(H.Hub.API)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(H.is_taxii_ct(r.header("Content-Type")), r)
        j = r.json()
        self.assertIsInstance(j.get("title"), str)
        self.assertIsInstance(j.get("versions"), list)
        self.assertIn(H.TAXII, [v.replace(" ", "") for v in j["versions"]])
        self.assertIsInstance(j.get("max_content_length"), int)
        self.assertNotIsInstance(j["max_content_length"], bool)
        self.assertGreater(j["max_content_length"], 0)

    def test_unknown_api_root_404(self):
        H.check_error(self, hub.get("/taxii2/nope/"), 404)

    # ---------------------------------------------------------------- collections
    def _check_collection(self, c):
        self.assertIsInstance(c.get("id"), str)
        uuid.UUID(c["id"])                   # collection ids are UUIDs
        self.assertIsInstance(c.get("title"), str)
        self.assertIsInstance(c.get("can_read"), bool)
        self.assertIsInstance(c.get("can_write"), bool)
        if "description" in c:
            self.assertIsInstance(c["description"], str)
        self.assertIsInstance(c.get("alias"), str)
        if "media_types" in c:
            self.assertIsInstance(c["media_types"], list)
            for m in c["media_types"]:
                self.assertIsInstance(m, str)

    def test_collections(self):
        r = hub.get(H.Hub.API + "collections/")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(H.is_taxii_ct(r.header("Content-Type")), r)
        cs = r.json()["collections"]
        by_alias = {c["alias"]: c for c in cs}
        for c in cs:
            self._check_collection(c)
        self.assertTrue(by_alias["coalition"]["can_read"])
        self.assertTrue(by_alias["coalition"]["can_write"])
        self.assertTrue(by_alias["party-a"]["can_read"])
        self.assertTrue(by_alias["party-a"]["can_write"])
        for other in ("party-b", "party-c"):
            if other in by_alias:        # may be listed, but not readable or writable by alice
                self.assertFalse(by_alias[other]["can_read"], by_alias[other])
                self.assertFalse(by_alias[other]["can_write"], by_alias[other])
        self.assertEqual(len({c["id"] for c in cs}), len(cs))

    def test_collections_for_bob(self):
        cs = {c["alias"]: c for c in hub.get(H.Hub.API + "collections/", user="bob").json()["collections"]}
        self.assertTrue(cs["party-b"]["can_read"] and cs["party-b"]["can_write"])
        self.assertTrue(cs["coalition"]["can_read"] and cs["coalition"]["can_write"])
        if "party-a" in cs:
            self.assertFalse(cs["party-a"]["can_read"])

    def test_collection(self):
        for alias in ("coalition", "party-a"):
            cid = self.cols[alias]
            r = hub.get(f"{H.Hub.API}collections/{cid}/")
            self.assertEqual(r.status, 200, r)
            self.assertTrue(H.is_taxii_ct(r.header("Content-Type")), r)
            c = r.json()
            self._check_collection(c)
            self.assertEqual(c["id"], cid)
            self.assertEqual(c["alias"], alias)

    def test_collection_unknown_404(self):
        H.check_error(self, hub.get(f"{H.Hub.API}collections/{uuid.uuid4()}/"), 404)

    def test_other_partys_collection_not_readable(self):
        cid = self.cols.get("party-b") or hub.collections("bob")["party-b"]
        r = hub.get(f"{H.Hub.API}collections/{cid}/objects/")
        self.assertIn(r.status, (403, 404), r)
        H.check_error(self, r, r.status)
        r = hub.post(f"{H.Hub.API}collections/{cid}/objects/",
                     {"objects": [H.indicator(self.ida)]})
        self.assertIn(r.status, (403, 404), r)
        H.check_error(self, r, r.status)

    def test_alias_accepted_in_url(self):
        r = hub.get(f"{H.Hub.API}collections/coalition/")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], self.cols["coalition"])

    # ---------------------------------------------------------------- objects POST / status
    def test_post_and_status(self):
        objs = [H.indicator(self.ida, [H.TLP_GREEN]), H.indicator(None, [H.TLP_GREEN]),
                H.sdo("malware", self.ida, [H.TLP_GREEN], name="m", is_family=False)]
        r = hub.post(self.coal + "objects/", {"objects": objs})
        self.assertEqual(r.status, 202, r)
        self.assertTrue(H.is_taxii_ct(r.header("Content-Type")), r)
        st = r.json()
        self._check_status(st)
        self.assertEqual(st["status"], "complete")
        self.assertEqual(st["total_count"], 3)
        self.assertEqual(st["success_count"], 3)
        self.assertEqual(st["failure_count"], 0)
        self.assertEqual(st["pending_count"], 0)
        self.assertEqual({s["id"] for s in st["successes"]}, {o["id"] for o in objs})
        for s in st["successes"]:
            o = next(o for o in objs if o["id"] == s["id"])
            if "version" in s:
                self.assertEqual(s["version"], o["modified"])
        # the status resource can be fetched again
        r2 = hub.get(f"{H.Hub.API}status/{st['id']}/")
        self.assertEqual(r2.status, 200, r2)
        self.assertTrue(H.is_taxii_ct(r2.header("Content-Type")), r2)
        st2 = r2.json()
        self._check_status(st2)
        self.assertEqual(st2["id"], st["id"])
        self.assertEqual(st2["success_count"], 3)
        self.assertEqual(st2["status"], "complete")
        # durable before the reply: readable immediately
        for o in objs:
            g = hub.get(self.coal + f"objects/{o['id']}/")
            self.assertEqual(g.status, 200, g)
            self.assertEqual(g.json()["objects"][0], o)

    def test_status_bearer_same_party(self):
        r = hub.post(self.coal + "objects/", {"objects": [H.indicator(self.ida, [H.TLP_GREEN])]},
                     auth="bearer")
        self.assertEqual(r.status, 202, r)
        sid = r.json()["id"]
        self.assertEqual(hub.get(f"{H.Hub.API}status/{sid}/", auth="bearer").status, 200)

    def test_status_unknown_404(self):
        H.check_error(self, hub.get(f"{H.Hub.API}status/{uuid.uuid4()}/"), 404)
        r = hub.get(f"{H.Hub.API}status/not-a-uuid/")
        self.assertIn(r.status, (400, 404), r)
        H.check_error(self, r, r.status)

    def _check_status(self, st):
        self.assertIsInstance(st.get("id"), str)
        self.assertIn(st.get("status"), ("complete", "pending"))
        if "request_timestamp" in st:
            H.parse_taxii_ts(st["request_timestamp"])
        for k in ("total_count", "success_count", "failure_count", "pending_count"):
            self.assertIsInstance(st.get(k), int, (k, st))
        self.assertEqual(st["total_count"],
                         st["success_count"] + st["failure_count"] + st["pending_count"], st)
        for k, n in (("successes", "success_count"), ("failures", "failure_count"),
                     ("pendings", "pending_count")):
            lst = st.get(k, [])
            self.assertIsInstance(lst, list)
            # TAXII 2.1 (as STIX 2.1 3.3): empty lists are prohibited; an empty one is left out
            self.assertTrue(k not in st or lst, f"empty '{k}' in {st}")
            self.assertEqual(len(lst), st[n], (k, st))
            for d in lst:
                self.assertIsInstance(d.get("id"), str)
                if "version" in d:
                    self.assertIsInstance(d["version"], str)
                if "message" in d:
                    self.assertIsInstance(d["message"], str)

    def test_per_object_failures_do_not_stop_envelope(self):
        good1 = H.indicator(self.ida, [H.TLP_GREEN])
        bad_stix = H.indicator(self.ida, [H.TLP_GREEN])
        del bad_stix["pattern"]                                   # invalid STIX
        foreign = H.indicator(self.idb, [H.TLP_GREEN])           # created_by_ref not alice's party
        good2 = H.indicator(None, [H.TLP_GREEN])
        bad_id = H.indicator(self.ida)
        bad_id["id"] = "indicator--not-a-uuid"
        r = hub.post(self.coal + "objects/", {"objects": [good1, bad_stix, foreign, good2, bad_id]})
        self.assertEqual(r.status, 202, r)
        st = r.json()
        self._check_status(st)
        self.assertEqual(st["total_count"], 5)
        self.assertEqual(st["success_count"], 2, st)
        self.assertEqual(st["failure_count"], 3, st)
        self.assertEqual({s["id"] for s in st["successes"]}, {good1["id"], good2["id"]})
        self.assertEqual({f["id"] for f in st["failures"]},
                         {bad_stix["id"], foreign["id"], bad_id["id"]})
        self.assertEqual(hub.get(self.coal + f"objects/{good2['id']}/").status, 200)
        for o in (bad_stix, foreign):
            self.assertEqual(hub.get(self.coal + f"objects/{o['id']}/").status, 404)

    def test_version_of_other_partys_object_fails(self):
        theirs = H.indicator(self.idb, [H.TLP_GREEN])
        hub.post_objects(self.coal, [theirs], user="bob")
        mine = H.indicator(self.ida, [H.TLP_GREEN])
        v2 = H.new_version(theirs, created_by_ref=self.ida, name="hijacked")
        v2b = H.new_version(theirs, name="hijacked without created_by_ref", created_by_ref=None)
        r = hub.post(self.coal + "objects/", {"objects": [v2, mine, v2b]})
        self.assertEqual(r.status, 202, r)
        st = r.json()
        self.assertEqual(st["success_count"], 1, st)
        self.assertEqual(st["failure_count"], 2, st)
        vs = hub.get(self.coal + f"objects/{theirs['id']}/versions/", user="bob").json()
        self.assertEqual(vs["versions"], [theirs["modified"]])

    def test_duplicate_is_idempotent(self):
        o = H.indicator(self.ida, [H.TLP_GREEN])
        hub.post_objects(self.coal, [o])
        r = hub.post(self.coal + "objects/", {"objects": [o, o]})
        self.assertEqual(r.status, 202, r)
        st = r.json()
        self.assertEqual(st["failure_count"], 0, st)
        self.assertEqual(st["success_count"], st["total_count"], st)
        j = hub.get(self.coal + f"objects/{o['id']}/versions/").json()
        self.assertEqual(j["versions"], [o["modified"]])
        j = hub.get(self.coal + "objects/", params={"match[id]": o["id"], "match[version]": "all"}).json()
        self.assertEqual(len(j["objects"]), 1)

    def test_private_collection_roundtrip(self):
        o = H.indicator(self.ida)
        hub.post_objects(self.pa, [o])
        self.assertEqual(hub.get(self.pa + f"objects/{o['id']}/").json()["objects"], [o])
        self.assertEqual(hub.get(self.pa + f"objects/{o['id']}/", user="a2").status, 200)
        # not in the coalition collection
        self.assertEqual(hub.get(self.coal + f"objects/{o['id']}/").status, 404)

    # ---------------------------------------------------------------- objects GET
    def test_objects_envelope(self):
        o = H.indicator(self.ida, [H.TLP_GREEN])
        hub.post_objects(self.coal, [o])
        r = hub.get(self.coal + "objects/", params={"limit": 5})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(H.is_taxii_ct(r.header("Content-Type")), r)
        env = r.json()
        self.assertIsInstance(env.get("objects"), list)
        self.assertLessEqual(len(env["objects"]), 5)
        if "more" in env:
            self.assertIsInstance(env["more"], bool)
        if env.get("more"):
            self.assertIsInstance(env.get("next"), str)
        first, last = r.header("X-TAXII-Date-Added-First"), r.header("X-TAXII-Date-Added-Last")
        self.assertIsNotNone(first, r)
        self.assertIsNotNone(last, r)
        self.assertLessEqual(H.parse_taxii_ts(first), H.parse_taxii_ts(last))

    def test_object_by_id(self):
        o = H.sdo("report", self.ida, [H.TLP_GREEN], name="تقرير مركز العمليات المشتركة",
                  description=H.arabic_text(), published="2024-05-01T00:00:00Z",
                  report_types=["threat-report"], object_refs=[self.ida], lang="ar")
        hub.post_objects(self.coal, [o])
        r = hub.get(self.coal + f"objects/{o['id']}/")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(H.is_taxii_ct(r.header("Content-Type")), r)
        env = r.json()
        self.assertEqual(env["objects"], [o])
        self.assertIsNotNone(r.header("X-TAXII-Date-Added-First"))
        self.assertIsNotNone(r.header("X-TAXII-Date-Added-Last"))
        # bob (TLP:GREEN) reads the Arabic text byte for byte
        self.assertEqual(hub.get(self.coal + f"objects/{o['id']}/", user="bob").json()["objects"], [o])

    def test_object_unknown_404(self):
        H.check_error(self, hub.get(self.coal + f"objects/indicator--{uuid.uuid4()}/"), 404)

    def test_object_versions(self):
        v1 = H.indicator(self.ida, [H.TLP_GREEN])
        v2 = H.new_version(v1, name="second")
        v3 = H.new_version(v2, name="third")
        hub.post_objects(self.coal, [v1, v3])
        hub.post_objects(self.coal, [v2])
        r = hub.get(self.coal + f"objects/{v1['id']}/versions/")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(H.is_taxii_ct(r.header("Content-Type")), r)
        j = r.json()
        self.assertEqual(sorted(j["versions"]), [v1["modified"], v2["modified"], v3["modified"]])
        if "more" in j:
            self.assertIsInstance(j["more"], bool)
        self.assertIsNotNone(r.header("X-TAXII-Date-Added-First"))
        self.assertIsNotNone(r.header("X-TAXII-Date-Added-Last"))
        # object endpoint: latest by default, all with match[version]=all
        self.assertEqual(hub.get(self.coal + f"objects/{v1['id']}/").json()["objects"], [v3])
        allv = hub.get(self.coal + f"objects/{v1['id']}/", params={"match[version]": "all"}).json()
        self.assertEqual(sorted(allv["objects"], key=lambda o: o["modified"]), [v1, v2, v3])
        H.check_error(self, hub.get(self.coal + f"objects/indicator--{uuid.uuid4()}/versions/"), 404)

    def test_manifest(self):
        o = H.indicator(self.ida, [H.TLP_GREEN])
        hub.post_objects(self.coal, [o])
        r = hub.get(self.coal + "manifest/", params={"match[id]": o["id"]})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(H.is_taxii_ct(r.header("Content-Type")), r)
        j = r.json()
        self.assertEqual(len(j["objects"]), 1)
        rec = j["objects"][0]
        self.assertEqual(rec["id"], o["id"])
        self.assertEqual(rec["version"], o["modified"])
        H.parse_taxii_ts(rec["date_added"])
        if "media_type" in rec:
            self.assertTrue(rec["media_type"].startswith("application/stix+json"), rec)
        self.assertEqual(r.header("X-TAXII-Date-Added-First"), rec["date_added"])
        self.assertEqual(r.header("X-TAXII-Date-Added-Last"), rec["date_added"])
        full = hub.get(self.coal + "manifest/").json()
        for rec in full["objects"]:
            for k in ("id", "date_added", "version"):
                self.assertIsInstance(rec.get(k), str, rec)

    def test_published_identities_and_extension_definition(self):
        parties = hub.parties_api()
        self.assertEqual({p["id"] for p in parties}, {"a", "b", "c"})
        for p in parties:
            self.assertEqual(set(p), {"id", "name", "identity", "names"}, p)
            self.assertIsInstance(p["names"], dict, p)  # per language (issue 18)
            self.assertTrue(p["identity"].startswith("identity--"))
        ids = [p["identity"] for p in parties] + [H.EXT_ID]
        for user in ("alice", "bob", "carol", "b2"):
            for i in ids:
                r = hub.get(self.coal + f"objects/{i}/", user=user)
                self.assertEqual(r.status, 200, (user, i, r))
                self.assertEqual(r.json()["objects"][0]["id"], i)
        ext = hub.get(self.coal + f"objects/{H.EXT_ID}/", user="carol").json()["objects"][0]
        self.assertEqual(ext["type"], "extension-definition")
        self.assertIn("property-extension", ext.get("extension_types", []))
        ida = hub.get(self.coal + f"objects/{self.ida}/", user="bob").json()["objects"][0]
        self.assertEqual(ida["type"], "identity")
        self.assertEqual(ida["name"], H.PARTIES[0]["name"])

    def test_parties_requires_auth(self):
        r = hub.get("/api/v1/parties", user=None, accept="application/json")
        self.assertEqual(r.status, 401, r)

    # ---------------------------------------------------------------- DELETE basics
    def test_delete_object(self):
        o = H.indicator(self.ida, [H.TLP_GREEN])
        hub.post_objects(self.coal, [o])
        r = hub.request("DELETE", self.coal + f"objects/{o['id']}/")
        self.assertIn(r.status, (200, 204), r)
        H.check_error(self, hub.get(self.coal + f"objects/{o['id']}/"), 404)

    # ---------------------------------------------------------------- media types
    def test_accept_variants(self):
        ok = [None, "*/*", H.TAXII, "application/taxii+json; version=2.1",
              "application/taxii+json;version=2.1, application/json;q=0.5"]
        for acc in ok:
            r = hub.get(self.coal + "objects/", accept=acc, params={"limit": 1})
            self.assertEqual(r.status, 200, (acc, r))
        for acc in ("application/json", "text/html", "application/taxii+json;version=2.0",
                    "application/stix+json;version=2.1", "application/xml",
                    "application/taxii+json;version=2.10", "application/taxii+json;version=2.1;q=0",
                    "*/*;q=0"):
            for path in (H.Hub.API, self.coal + "objects/", self.coal + "manifest/",
                         H.Hub.API + "collections/"):
                H.check_error(self, hub.get(path, accept=acc), 406)

    def test_post_content_type(self):
        body = {"objects": [H.indicator(self.ida, [H.TLP_GREEN])]}
        for ct in ("application/json", "text/plain", "application/taxii+json;version=2.0",
                   "application/stix+json;version=2.1", ""):
            r = hub.post(self.coal + "objects/", body, content_type=ct)
            H.check_error(self, r, 415)
        self.assertEqual(hub.get(self.coal + f"objects/{body['objects'][0]['id']}/").status, 404)
        r = hub.post(self.coal + "objects/", body, content_type="application/taxii+json; version=2.1")
        self.assertEqual(r.status, 202, r)

    def test_post_wrong_accept_406(self):
        body = {"objects": [H.indicator(self.ida, [H.TLP_GREEN])]}
        r = hub.post(self.coal + "objects/", body, accept="application/json")
        H.check_error(self, r, 406)
        self.assertEqual(hub.get(self.coal + f"objects/{body['objects'][0]['id']}/").status, 404)

    def test_method_not_allowed(self):
        for m, p in (("PUT", self.coal + "objects/"), ("DELETE", self.coal),
                     ("POST", H.Hub.API + "collections/"), ("POST", "/taxii2/")):
            r = hub.request(m, p, body=b"{}" if m != "DELETE" else None)
            self.assertIn(r.status, (404, 405), (m, p, r))
            H.check_error(self, r, r.status)

    def test_over_limit_413(self):
        mcl = hub.get(H.Hub.API).json()["max_content_length"]
        if mcl > 64 * 1024 * 1024:
            self.skipTest(f"max_content_length {mcl} too large to send here (see test_bad_input)")
        pad = "x" * (mcl + 10)
        o = H.indicator(self.ida, [H.TLP_GREEN], description=pad)
        r = hub.post(self.coal + "objects/", {"objects": [o]})
        H.check_error(self, r, 413)
        self.assertEqual(hub.get(self.coal + f"objects/{o['id']}/").status, 404)


if __name__ == "__main__":
    unittest.main()
