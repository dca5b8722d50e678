"""Cross-party leak suite. Party A posts objects under every marking combination; readers of
parties B and C (and A for B's private object) sweep every endpoint. Nothing any of them
receives — bodies, headers, status resources, error texts, paging — may reveal an object they
may not read (its id, name, timestamps, date_added); what they may read arrives intact with
references to invisible objects stripped."""
import os
import sys
import json
import re
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = None
S = {}          # name -> object (latest version); versions in V
V = {}          # name -> [versions]
STATUS_IDS = []  # status ids of alice's posts


def setUpModule():
    global hub
    hub = H.module_hub()
    build_world()


def tearDownModule():
    hub.cleanup()


def secret(tag):
    return f"LEAK-{tag}-{uuid.uuid4().hex[:10]}"


def post(coal, objs, user="alice"):
    r = hub.post_objects(coal, objs, user=user)
    STATUS_IDS.append((user, r.json()["id"]))


def build_world():
    coal = hub.coll_path("coalition")
    ida, idb, idc = hub.identity_of("a"), hub.identity_of("b"), hub.identity_of("c")
    S["M_B"] = H.releasability_marking(ida, [idb], name="releasable to b")
    S["M_BC"] = H.releasability_marking(ida, [idb, idc], name="releasable to b and c")
    S["M_RED_BOB"] = H.releasability_marking(ida, [idb], recipients=["bob"], name="red: bob")
    post(coal, [S["M_B"], S["M_BC"], S["M_RED_BOB"]])

    def ind(name, markings):
        S[name] = H.indicator(ida, markings, name=secret(name), description=secret(name + "-d"))

    ind("U", None)
    for lvl in ("clear", "green", "amber", "amber+strict"):
        ind("T_" + lvl, [H.TLP_ALL[lvl]])
    ind("RED0", [H.TLP_RED])
    ind("RB", [S["M_B"]["id"]])
    ind("RBC", [S["M_BC"]["id"]])
    ind("REDBOB", [H.TLP_RED, S["M_RED_BOB"]["id"]])
    S["L_A"] = H.sdo("location", ida, None, name=secret("L_A"), country="IQ")
    S["L_G"] = H.sdo("location", ida, [H.TLP_GREEN], name="بغداد", country="IQ")
    post(coal, [S[k] for k in ("U", "T_clear", "T_green", "T_amber", "T_amber+strict", "RED0", "RB",
                               "RBC", "REDBOB", "L_A", "L_G")])

    S["REL1"] = H.relationship(S["RB"]["id"], S["U"]["id"], ida, [S["M_B"]["id"]], "indicates")
    S["REL1"]["description"] = secret("REL1")
    S["REL2"] = H.relationship(S["T_green"]["id"], S["RB"]["id"], ida, [H.TLP_GREEN])
    S["REP"] = H.sdo("report", ida, [H.TLP_GREEN], name="مركز العمليات المشترك",
                     description=H.arabic_text(), published="2024-05-01T00:00:00Z",
                     report_types=["threat-report"], lang="ar",
                     object_refs=[S["T_green"]["id"], S["RB"]["id"], S["U"]["id"], S["RBC"]["id"],
                                  S["REDBOB"]["id"], S["RED0"]["id"]])
    S["SIG1"] = H.sdo("sighting", ida, [H.TLP_GREEN], sighting_of_ref=S["U"]["id"],
                      description=secret("SIG1"), count=3)
    S["SIG2"] = H.sdo("sighting", ida, [H.TLP_GREEN], sighting_of_ref=S["T_green"]["id"],
                      where_sighted_refs=[S["L_G"]["id"], S["L_A"]["id"]])
    post(coal, [S[k] for k in ("REL1", "REL2", "REP", "SIG1", "SIG2")])

    # N: green, then narrowed to A only -> recalled from everyone else, every version
    n1 = H.indicator(ida, [H.TLP_GREEN], name=secret("N1"))
    post(coal, [n1])
    assert hub.get(coal + f"objects/{n1['id']}/", user="bob").status == 200
    n2 = H.new_version(n1, name=secret("N2"), object_marking_refs=None)
    post(coal, [n2])
    V["N"] = [n1, n2]
    # N2: to B and C, then narrowed to B
    m1 = H.indicator(ida, [S["M_BC"]["id"]], name=secret("NBC1"))
    post(coal, [m1])
    assert hub.get(coal + f"objects/{m1['id']}/", user="carol").status == 200
    m2 = H.new_version(m1, name=secret("NBC2"), object_marking_refs=[S["M_B"]["id"]])
    post(coal, [m2])
    V["NBC"] = [m1, m2]
    # W: unmarked, then widened to B -> B reads both versions
    w1 = H.indicator(ida, None, name=secret("W1"))
    w2 = H.new_version(w1, name=secret("W2"), object_marking_refs=[S["M_B"]["id"]])
    post(coal, [w1])
    post(coal, [w2])
    V["W"] = [w1, w2]
    for k in ("N", "NBC", "W"):
        S[k] = V[k][-1]
    # B's own unmarked object: alice must not see it
    S["BB"] = H.indicator(idb, None, name=secret("BB"))
    post(coal, [S["BB"]], user="bob")
    # A's private collection object
    S["PA"] = H.indicator(ida, None, name=secret("PA"))
    post(hub.coll_path("party-a"), [S["PA"]])
    for k, o in S.items():
        V.setdefault(k, [o])


PUBLIC = ["T_clear", "T_green", "T_amber", "T_amber+strict", "L_G", "REL2", "REP", "SIG2"]
VISIBLE = {
    "bob": PUBLIC + ["RB", "RBC", "REDBOB", "NBC", "W", "BB", "M_B", "M_BC", "M_RED_BOB"],
    "b2": PUBLIC + ["RB", "RBC", "NBC", "W", "BB", "M_B", "M_BC"],
    "carol": [k for k in PUBLIC if k != "REL2"] + ["RBC", "M_BC"],
    "alice": [],        # alice's own view is checked by test_originator_sees_everything_unstripped
}
INVISIBLE = {
    "bob": ["U", "RED0", "REL1", "SIG1", "L_A", "N", "PA"],
    # a RED marking is read by its named recipients only, not their colleagues (issue 16, 8)
    "b2": ["U", "RED0", "REL1", "SIG1", "L_A", "N", "PA", "REDBOB", "M_RED_BOB"],
    "carol": ["U", "RED0", "RB", "REDBOB", "REL1", "REL2", "SIG1", "L_A", "N", "NBC", "W", "BB",
              "PA", "M_B", "M_RED_BOB"],
    "alice": ["BB"],
}
EXPECTED_REFS = {   # reader -> REP.object_refs / SIG2.where_sighted_refs, as names
    "bob": (["T_green", "RB", "RBC", "REDBOB"], ["L_G"]),
    "b2": (["T_green", "RB", "RBC"], ["L_G"]),
    "carol": (["T_green", "RBC"], ["L_G"]),
}


def norm_error(r, own_id, ghost_id):
    """Status + body with the requested id blanked and per-request fields dropped."""
    body = r.body.replace(own_id.encode(), b"<ID>").replace(ghost_id.encode(), b"<ID>")
    try:
        j = json.loads(body)
        if isinstance(j, dict):
            for k in ("error_id", "request_timestamp", "id"):
                j.pop(k, None)
        body = json.dumps(j, sort_keys=True)
    except ValueError:
        body = body.decode("utf-8", "replace")
    hdrs = {k.lower(): v for k, v in r.headers.items()
            if k.lower() not in ("date", "content-length", "x-request-id")}
    return r.status, body, json.dumps(hdrs, sort_keys=True).replace(own_id, "<ID>").replace(ghost_id, "<ID>")


class Leaks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.coal = hub.coll_path("coalition")
        cls.pa = hub.coll_path("party-a")
        # every version's date_added, as the originator sees them
        man = []
        for coll, user in ((cls.coal, "alice"), (cls.pa, "alice"), (cls.coal, "bob")):
            man += hub.page_all(coll + "manifest/", user=user, params={"match[version]": "all"},
                                limit=500)[0]
        cls.date_added = {(m["id"], m["version"]): m["date_added"] for m in man}

    def secrets_for(self, reader):
        toks = set()
        for name in INVISIBLE[reader]:
            for o in V[name]:
                toks.add(o["id"])
                for k in ("name", "description"):
                    if isinstance(o.get(k), str) and o[k].startswith("LEAK-"):
                        toks.add(o[k])
                ver = o.get("modified", o.get("created"))
                toks.add(ver)
                d = self.date_added.get((o["id"], ver))
                if d:
                    toks.add(d)
        return toks

    def sweep(self, reader):
        """Call every endpoint as reader; returns (corpus of everything received, objects seen)."""
        corpus, seen = [], []

        def rec(r, blank=()):
            text = r.body.decode("utf-8", "replace") + "\n" + r.header_text()
            for b in blank:
                text = text.replace(b, "<ASKED>")
            corpus.append(text)
            return r

        rec(hub.get("/taxii2/", user=reader))
        rec(hub.get(H.Hub.API, user=reader))
        rec(hub.get(H.Hub.API + "collections/", user=reader))
        rec(hub.get(self.coal, user=reader))
        rec(hub.get("/api/v1/parties", user=reader, accept="application/json"))
        for params in ({"match[version]": "all"}, {}, {"match[type]": "relationship"},
                       {"match[type]": "sighting,report"}, {"match[type]": "indicator"},
                       {"match[type]": "marking-definition"}, {"match[version]": "first"},
                       {"added_after": "2000-01-01T00:00:00Z", "match[version]": "all"}):
            for ep in ("objects/", "manifest/"):
                items, rs = hub.page_all(self.coal + ep, user=reader, params=params, limit=3)
                for r in rs:
                    self.assertEqual(r.status, 200, (reader, ep, params, r))
                    rec(r)
                if ep == "objects/":
                    seen += items
        # limit=1 paging: as many pages as visible versions, none empty
        items, rs = hub.page_all(self.coal + "manifest/", user=reader,
                                 params={"match[version]": "all"}, limit=1)
        for i, r in enumerate(rs):
            rec(r)
            n = len(r.json().get("objects", []))
            if i < len(rs) - 1:
                self.assertEqual(n, 1, f"{reader}: page {i} of limit=1 paging has {n} records")
        self.assertIn(len(rs), (len(items), len(items) + 1))
        # private collection of party A (readable only by A)
        for ep in ("", "objects/", "manifest/", f"objects/{S['PA']['id']}/"):
            rec(hub.get(self.pa + ep, user=reader), blank=[S["PA"]["id"]])
        # per-id endpoints
        for name in set(VISIBLE[reader]) | set(INVISIBLE[reader]):
            oid = S[name]["id"]
            for path, params in ((f"objects/{oid}/", {}), (f"objects/{oid}/", {"match[version]": "all"}),
                                 (f"objects/{oid}/", {"match[version]": "first"}),
                                 (f"objects/{oid}/versions/", {}), ("objects/", {"match[id]": oid}),
                                 ("manifest/", {"match[id]": oid, "match[version]": "all"})):
                r = rec(hub.get(self.coal + path, user=reader, params=params), blank=[oid])
                if r.status == 200 and "objects" in r.json() and path.startswith("objects/"):
                    seen += r.json()["objects"]
        # status resources of others' posts
        for owner, st in STATUS_IDS:
            rec(hub.get(f"{H.Hub.API}status/{st}/", user=reader), blank=[st])
        return "\n".join(corpus), seen

    def run_reader(self, reader):
        corpus, seen = self.sweep(reader)
        for tok in sorted(self.secrets_for(reader)):
            self.assertFalse(tok in corpus, f"{reader} received {tok!r}: ..."
                             + corpus[max(0, corpus.find(tok) - 400):corpus.find(tok) + 200] + "...")
        seen_ids = {o["id"] for o in seen}
        for name in VISIBLE[reader]:
            self.assertIn(S[name]["id"], seen_ids, f"{reader} cannot read {name}")
        return corpus, seen

    def check_content(self, reader, seen):
        by_key = {(o["id"], o.get("modified", o.get("created"))): o for o in seen}
        refs = EXPECTED_REFS.get(reader)
        for name in VISIBLE[reader]:
            for o in V[name]:
                got = by_key.get((o["id"], o.get("modified", o.get("created"))))
                self.assertIsNotNone(got, f"{reader} misses a version of {name}")
                exp = json.loads(json.dumps(o))
                if refs and name == "REP":
                    exp["object_refs"] = [S[n]["id"] for n in refs[0]]
                if refs and name == "SIG2":
                    exp["where_sighted_refs"] = [S[n]["id"] for n in refs[1]]
                self.assertEqual(got, exp, f"{reader}'s view of {name}")

    def check_invisible_endpoints(self, reader):
        for name in INVISIBLE[reader]:
            oid = S[name]["id"]
            ghost = f"{oid.split('--')[0]}--{uuid.uuid4()}"
            for method, path, params in (("GET", f"objects/{{}}/", {}),
                                         ("GET", f"objects/{{}}/", {"match[version]": "all"}),
                                         ("GET", f"objects/{{}}/versions/", {}),
                                         ("GET", "objects/", {"match[id]": "{}"}),
                                         ("GET", "manifest/", {"match[id]": "{}"}),
                                         ("DELETE", f"objects/{{}}/", {})):
                def call(i):
                    p = {k: v.format(i) for k, v in params.items()}
                    return hub.request(method, self.coal + path.format(i) + H.qs(p), user=reader)
                r, g = call(oid), call(ghost)
                if path.startswith("objects/{"):
                    H.check_error(self, r, 404)            # 404, never 403
                self.assertEqual(norm_error(r, oid, ghost), norm_error(g, oid, ghost),
                                 f"{reader}: {method} {path} on hidden {name} differs from a nonexistent id")
        # status of someone else's post: like an unknown status id
        ghost = str(uuid.uuid4())
        for owner, st in STATUS_IDS:
            if owner == reader or (owner, reader) in (("bob", "b2"),):
                continue
            r = hub.get(f"{H.Hub.API}status/{st}/", user=reader)
            H.check_error(self, r, 404)
            g = hub.get(f"{H.Hub.API}status/{ghost}/", user=reader)
            self.assertEqual(norm_error(r, st, ghost), norm_error(g, st, ghost))

    def test_bob(self):
        _, seen = self.run_reader("bob")
        self.check_content("bob", seen)
        self.check_invisible_endpoints("bob")

    def test_b2_same_party_not_red_recipient(self):
        _, seen = self.run_reader("b2")
        self.check_content("b2", seen)
        self.check_invisible_endpoints("b2")

    def test_carol(self):
        _, seen = self.run_reader("carol")
        self.check_content("carol", seen)
        self.check_invisible_endpoints("carol")

    def test_alice_does_not_see_bobs_object(self):
        corpus, seen = self.sweep("alice")
        self.assertFalse(S["BB"]["id"] in corpus, "alice received the id of bob's unmarked object")
        for tok in self.secrets_for("alice"):
            self.assertFalse(tok in corpus, f"alice received {tok!r}: ..."
                             + corpus[max(0, corpus.find(tok) - 400):corpus.find(tok) + 200] + "...")
        self.check_invisible_endpoints("alice")

    def test_originator_sees_everything_unstripped(self):
        for reader in ("alice", "a2"):
            for name in S:
                if name == "BB" or name == "PA":
                    continue
                r = hub.get(self.coal + f"objects/{S[name]['id']}/", user=reader,
                            params={"match[version]": "all"})
                self.assertEqual(r.status, 200, (reader, name, r))
                got = sorted(r.json()["objects"], key=lambda o: o.get("modified", o.get("created")))
                self.assertEqual(got, V[name], (reader, name))

    def test_headers_only_cover_visible(self):
        for reader in ("bob", "carol"):
            man = hub.page_all(self.coal + "manifest/", user=reader,
                               params={"match[version]": "all"}, limit=500)[0]
            r = hub.get(self.coal + "objects/", user=reader, params={"match[version]": "all", "limit": 1000})
            self.assertFalse(r.json().get("more"), "test assumes one page")
            ds = [H.parse_taxii_ts(m["date_added"]) for m in man]
            self.assertEqual(H.parse_taxii_ts(r.header("X-TAXII-Date-Added-First")), min(ds))
            self.assertEqual(H.parse_taxii_ts(r.header("X-TAXII-Date-Added-Last")), max(ds))
            self.assertEqual(len(r.json()["objects"]), len(man))

    def test_recall_is_immediate_on_every_path(self):
        """A fresh narrowing: bob reads X, alice narrows it, bob's every path loses it at once."""
        ida = hub.identity_of("a")
        x1 = H.indicator(ida, [H.TLP_AMBER], name=secret("X1"))
        hub.post_objects(self.coal, [x1])
        self.assertEqual(hub.get(self.coal + f"objects/{x1['id']}/", user="bob").status, 200)
        x2 = H.new_version(x1, object_marking_refs=[S["M_BC"]["id"]])
        x3 = H.new_version(x2, object_marking_refs=[H.TLP_RED])
        hub.post_objects(self.coal, [x2])
        self.assertEqual(hub.get(self.coal + f"objects/{x1['id']}/", user="carol").status, 200)
        hub.post_objects(self.coal, [x3])
        for reader in ("bob", "carol", "b2"):
            for p, params in ((f"objects/{x1['id']}/", {"match[version]": "all"}),
                              (f"objects/{x1['id']}/versions/", {})):
                H.check_error(self, hub.get(self.coal + p, user=reader, params=params), 404)
            for ep in ("objects/", "manifest/"):
                body = hub.get(self.coal + ep, user=reader, params={"match[version]": "all"}).body.decode()
                self.assertNotIn(x1["id"], body)
        self.assertEqual(hub.get(self.coal + f"objects/{x1['id']}/", user="a2").status, 200)

    def test_error_texts_do_not_reveal(self):
        """bob posts a relationship pointing at an object he cannot see, and a version of it:
        the failure messages must read like those for a nonexistent object."""
        idb = hub.identity_of("b")
        hidden = S["U"]["id"]
        ghost = f"indicator--{uuid.uuid4()}"
        outs = []
        for target in (hidden, ghost):
            rel = H.relationship(S["BB"]["id"], target, idb)
            r = hub.post(self.coal + "objects/", {"objects": [rel]}, user="bob")
            self.assertEqual(r.status, 202, r)
            st = r.json()
            outs.append((st["success_count"], st["failure_count"],
                         re.sub(r"[0-9a-f-]{36}", "<UUID>", json.dumps(
                             [{k: v for k, v in f.items() if k != "id"} for f in st.get("failures", [])]))))
            self.assertNotIn(hidden, json.dumps(st))
        self.assertEqual(outs[0], outs[1], "posting a ref to a hidden object differs from a ref to nothing")


if __name__ == "__main__":
    unittest.main()
