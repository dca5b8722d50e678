"""Everything the server emits is well formed: every STIX object read back (objects, object,
versions) validates with ../shared/tools/stix-validate (the OASIS JSON schemas); every TAXII
resource (discovery, api root, collections, collection, envelope, manifest, versions, status,
error) has the TAXII 2.1 required properties with the right types."""
import json
import os
import sys
import re
import subprocess
import tempfile
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = H.ModuleHub()  # started by setUpModule, stopped by tearDownModule
setUpModule, tearDownModule = hub.setup, hub.teardown
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def fixtures(ida):
    g = [H.TLP_GREEN]
    arabic = H.arabic_text()
    ip = {"type": "ipv4-addr", "spec_version": "2.1", "id": H.sid("ipv4-addr"), "value": "198.51.100.7"}
    dom = {"type": "domain-name", "spec_version": "2.1", "id": H.sid("domain-name"), "value": "example.org"}
    url = {"type": "url", "spec_version": "2.1", "id": H.sid("url"), "value": "https://example.org/x"}
    email = {"type": "email-addr", "spec_version": "2.1", "id": H.sid("email-addr"), "value": "x@example.org"}
    f = {"type": "file", "spec_version": "2.1", "id": H.sid("file"), "name": "تقرير.pdf",
         "hashes": {"SHA-256": "a" * 64}, "size": 1024}
    for sco in (ip, dom, url, email, f):
        sco["object_marking_refs"] = g
    ind = H.indicator(ida, g, name="مؤشر")
    mal = H.sdo("malware", ida, g, name="ransom", is_family=True, malware_types=["ransomware"])
    ta = H.sdo("threat-actor", ida, g, name="الخفاجي", threat_actor_types=["terrorist"],
               aliases=["al-Khafaji", "Хафаджи"])
    iset = H.sdo("intrusion-set", ida, g, name="داعش", aliases=["ISIS", "ИГИЛ"])
    camp = H.sdo("campaign", ida, g, name="campaign x", first_seen="2015-09-01T00:00:00Z")
    ap = H.sdo("attack-pattern", ida, g, name="spearphishing",
               external_references=[{"source_name": "capec", "external_id": "CAPEC-163"}])
    coa = H.sdo("course-of-action", ida, g, name="block")
    other = H.sdo("identity", ida, g, name="وزارة الداخلية", identity_class="organization")
    infra = H.sdo("infrastructure", ida, g, name="c2", infrastructure_types=["command-and-control"])
    tool = H.sdo("tool", ida, g, name="nmap", tool_types=["information-gathering"])
    vuln = H.sdo("vulnerability", ida, g, name="CVE-2024-0001")
    loc = H.sdo("location", ida, g, name="بغداد", latitude=33.3152, longitude=44.3661, country="IQ")
    od = H.sdo("observed-data", ida, g, first_observed="2024-01-01T00:00:00Z",
               last_observed="2024-01-02T00:00:00Z", number_observed=5, object_refs=[ip["id"], dom["id"]])
    rel = H.relationship(ind["id"], mal["id"], ida, g, "indicates")
    sig = H.sdo("sighting", ida, g, sighting_of_ref=ind["id"], where_sighted_refs=[ida],
                observed_data_refs=[od["id"]], count=2,
                first_seen="2024-01-01T00:00:00Z", last_seen="2024-01-02T00:00:00Z")
    rep = H.sdo("report", ida, g, name="بغداد: لمركز العمليات المشترك", description=arabic,
                published="2024-05-01T00:00:00Z", report_types=["threat-report"], lang="ar",
                object_refs=[ind["id"], mal["id"], ta["id"], loc["id"]])
    note = H.sdo("note", ida, g, content="ملاحظة", object_refs=[rep["id"]], authors=["khafaji"])
    op = H.sdo("opinion", ida, g, opinion="agree", object_refs=[rep["id"]])
    grp = H.sdo("grouping", ida, g, context="suspicious-activity", object_refs=[ind["id"], ta["id"]])
    inc = H.sdo("incident", ida, g, name="incident")
    ma = H.sdo("malware-analysis", ida, g, product="clamav", result="malicious", sample_ref=f["id"])
    lc = H.sdo("language-content", ida, g, object_ref=mal["id"], object_modified=mal["modified"],
               contents={"ar": {"name": "فدية"}, "ru": {"name": "вымогатель"}})
    stmt = {"type": "marking-definition", "spec_version": "2.1", "id": H.sid("marking-definition"),
            "created": H.unique_ts(), "created_by_ref": ida, "definition_type": "statement",
            "definition": {"statement": "Copyright Party A"}}
    rmark = H.releasability_marking(ida, [hub.identity_of("b")], name="releasable to b")
    ind2 = H.new_version(ind, name="مؤشر ٢", confidence=80)
    return [ip, dom, url, email, f, ind, mal, ta, iset, camp, ap, coa, other, infra, tool, vuln, loc,
            od, rel, sig, rep, note, op, grp, inc, ma, lc, stmt, rmark, ind2]


class Schema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tansiq-schema-", dir=hub.dir)
        cls.files = []
        cls.coal = hub.coll_path("coalition")
        cls.fx = fixtures(hub.identity_of("a"))
        r = hub.post(cls.coal + "objects/", {"objects": cls.fx})
        assert r.status == 202, r
        cls.post_status = r.json()

    def save(self, name, r_or_doc):
        doc = r_or_doc.json() if isinstance(r_or_doc, H.Response) else r_or_doc
        path = os.path.join(self.tmp, f"{len(self.files):04d}-{name}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        self.files.append(path)
        return doc

    def validate(self, paths):
        r = subprocess.run([H.STIX_VALIDATE, *paths], capture_output=True, text=True,
                           timeout=300)
        self.assertEqual(r.returncode, 0, r.stdout[-4000:] + r.stderr[-2000:])

    def test_fixtures_valid_and_accepted(self):
        path = os.path.join(self.tmp, "fixtures.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"objects": self.fx}, f, ensure_ascii=False)
        self.validate([path])
        self.assertEqual(self.post_status["failure_count"], 0, self.post_status)
        self.assertEqual(self.post_status["success_count"], len(self.fx))

    # ------------------------------------------------------------------ TAXII resources
    def check_ts(self, v):
        self.assertIsInstance(v, str)
        self.assertRegex(v, TS_RE)

    def check_keys(self, doc, required, optional):
        self.assertIsInstance(doc, dict)
        for k, t in required.items():
            self.assertIn(k, doc, f"missing {k}: {doc}")
            self.assertIsInstance(doc[k], t, (k, doc))
            if t is int:
                self.assertNotIsInstance(doc[k], bool)
        for k, t in optional.items():
            if k in doc:
                self.assertIsInstance(doc[k], t, (k, doc))

    def test_taxii_resources(self):
        d = self.save("discovery", hub.get("/taxii2/"))
        self.check_keys(d, {"title": str}, {"description": str, "contact": str, "default": str,
                                             "api_roots": list})
        for u in d.get("api_roots", []):
            self.assertIsInstance(u, str)
        a = self.save("api-root", hub.get(H.Hub.API))
        self.check_keys(a, {"title": str, "versions": list, "max_content_length": int},
                        {"description": str})
        cs = self.save("collections", hub.get(H.Hub.API + "collections/"))
        self.check_keys(cs, {}, {"collections": list})
        for c in cs["collections"]:
            self.check_collection(c)
            if c["can_read"]:
                self.check_collection(self.save("collection", hub.get(f"{H.Hub.API}collections/{c['id']}/")))
        st = self.save("status", hub.get(f"{H.Hub.API}status/{self.post_status['id']}/"))
        self.check_status(st)
        self.check_status(self.post_status)
        for r in (hub.get(self.coal + f"objects/indicator--{uuid.uuid4()}/"),
                  hub.get(self.coal + "objects/", params={"added_after": "x"}),
                  hub.get(self.coal + "objects/", accept="text/html"),
                  hub.get(self.coal, user=None),
                  hub.post(self.coal + "objects/", b"{", ),
                  hub.post(self.coal + "objects/", {"objects": []}, content_type="text/plain")):
            e = self.save("error", r)
            self.check_keys(e, {"title": str}, {"description": str, "error_id": str, "error_code": str,
                                                "http_status": str, "external_details": str,
                                                "details": dict})
            if "http_status" in e:
                self.assertEqual(e["http_status"], str(r.status))

    def check_collection(self, c):
        self.check_keys(c, {"id": str, "title": str, "can_read": bool, "can_write": bool},
                        {"description": str, "alias": str, "media_types": list})
        uuid.UUID(c["id"])
        for m in c.get("media_types", []):
            self.assertIsInstance(m, str)

    def check_status(self, st):
        self.check_keys(st, {"id": str, "status": str, "total_count": int, "success_count": int,
                             "failure_count": int, "pending_count": int},
                        {"request_timestamp": str, "successes": list, "failures": list, "pendings": list})
        self.assertIn(st["status"], ("complete", "pending"))
        if "request_timestamp" in st:
            self.check_ts(st["request_timestamp"])
        for k in ("successes", "failures", "pendings"):
            for det in st.get(k, []):
                self.check_keys(det, {"id": str}, {"version": str, "message": str})

    def check_envelope(self, env):
        self.check_keys(env, {}, {"more": bool, "next": str, "objects": list})
        for o in env.get("objects", []):
            self.assertIsInstance(o, dict)

    def test_envelopes_and_objects_validate(self):
        items, rs = hub.page_all(self.coal + "objects/", params={"match[version]": "all"}, limit=10)
        envs = [self.save("envelope", r) for r in rs]
        for e in envs:
            self.check_envelope(e)
        got = {(o["id"], o.get("modified", o.get("created"))): o for o in items}
        for o in self.fx:
            self.assertEqual(got.get((o["id"], o.get("modified", o.get("created")))), o,
                             f"{o['type']} did not round-trip")
        # every object individually, all versions; and the versions resource
        per_object = []
        for oid in sorted({o["id"] for o in items}):
            r = hub.get(self.coal + f"objects/{oid}/", params={"match[version]": "all"})
            self.assertEqual(r.status, 200, r)
            e = self.save("object", r)
            self.check_envelope(e)
            per_object.append(self.files[-1])
            v = self.save("versions", hub.get(self.coal + f"objects/{oid}/versions/"))
            self.check_keys(v, {}, {"more": bool, "versions": list})
            for ver in v["versions"]:
                self.check_ts(ver)
        # the per-party collection too, as bob
        pb = hub.coll_path("party-b", user="bob")
        hub.post_objects(pb, [H.indicator(hub.identity_of("b"))], user="bob")
        r = hub.get(pb + "objects/", user="bob")
        self.save("envelope-b", r)
        self.validate([f for f in self.files if "envelope" in f or "object" in f])

    def test_manifest(self):
        items, rs = hub.page_all(self.coal + "manifest/", params={"match[version]": "all"}, limit=10)
        for r in rs:
            m = self.save("manifest", r)
            self.check_keys(m, {}, {"more": bool, "objects": list})
            for rec in m.get("objects", []):
                self.check_keys(rec, {"id": str, "date_added": str, "version": str},
                                {"media_type": str})
                self.check_ts(rec["date_added"])
                self.check_ts(rec["version"])
                self.assertRegex(rec["id"], r"^[a-z0-9-]+--[0-9a-f-]{36}$")
        self.assertGreaterEqual(len(items), len(self.fx))

    def test_headers_are_timestamps(self):
        r = hub.get(self.coal + "objects/", params={"limit": 5})
        self.check_ts(r.header("X-TAXII-Date-Added-First"))
        self.check_ts(r.header("X-TAXII-Date-Added-Last"))


if __name__ == "__main__":
    unittest.main()
