"""Cross-party leak suite, part 3 (issue 16): what an outside red team found after parts 1 and
2 — a delete after a recall bringing back what the recall hid, a redaction leaving the redacted
name readable, granular TLP:RED markings, upper-case ids, RED marking metadata — attacked on
every read path: TAXII objects/object/manifest/versions, REST objects, search, related/graph,
situation, brief, watches with the stream replay and webhooks, and `tansiq export`. Every check
asserts on a concrete secret marker or id."""
import json
import os
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402
from test_webhooks import Receiver  # noqa: E402

hub = None
COAL = None
RX = None  # a webhook receiver on loopback (bob's watch notices)
JSON = "application/json"
DERIVED_TYPES = ("location", "intrusion-set", "identity", "relationship")
OTHERS = ("bob", "b2", "carol")


def setUpModule():
    global hub, COAL, RX
    RX = Receiver()
    os.environ.setdefault("TANSIQ_DATA", os.path.join(H.REPO, "data"))
    hub = H.Hub(extra_toml="\n[webhooks]\nallow = " + json.dumps([RX.url("/")]) + "\n")
    hub.serve_args += ["--webhook-retry-ms", "150", "--webhook-retry-max-ms", "600"]
    hub.start()
    COAL = hub.coll_path("coalition")


def tearDownModule():
    if hub:
        hub.cleanup()
    if RX:
        RX.close()


def secret(tag):
    return f"LEAK3{tag}{uuid.uuid4().hex[:8]}"


def name_word():
    """A capitalised word of letters only (names are extracted from letters): unique per call."""
    return "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:9]).capitalize()


def report(name, description, markings=(H.TLP_GREEN,), **extra):
    ida = hub.identity_of("a")
    return H.sdo("report", ida, list(markings) if markings else None, name=name,
                 description=description, published="2024-03-02T00:00:00Z",
                 report_types=["threat-report"], object_refs=[ida], lang="en", **extra)


def derived_of(user, rid):
    """The hub's derived objects of report `rid` that `user` reads on TAXII (every version)."""
    items, rs = hub.page_all(COAL + "objects/", user=user, limit=500,
                             params={"match[type]": ",".join(DERIVED_TYPES),
                                     "match[version]": "all"})
    assert rs[-1].status == 200, rs[-1]
    return [o for o in items if rid in json.dumps(o)]


def wait_derived(user, rid, pred, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = derived_of(user, rid)
        if pred(got):
            return got
        time.sleep(0.1)
    raise AssertionError(f"derivation of {rid} never settled for {user}: " + hub.log_tail())


def inbox(user):
    return hub.inbox(user)


def wait_inbox(user, pred, timeout=20.0):
    return hub.wait_inbox(user, pred, timeout)


class Paths:
    """Every read path, for one reader, as one text to search secrets in (plus status codes)."""

    @staticmethod
    def by_id(tc, user, oid, visible):
        want = 200 if visible else 404
        r = hub.get(f"/api/v1/objects/{oid}", user=user, accept=JSON)
        tc.assertEqual(r.status, want, (user, oid, r))
        r = hub.get(COAL + f"objects/{oid}/", user=user, params={"match[version]": "all"})
        tc.assertEqual(r.status, want, (user, oid, r))
        r = hub.get(COAL + f"objects/{oid}/versions/", user=user)
        tc.assertEqual(r.status, want, (user, oid, r))
        for path in (f"/api/v1/objects/{oid}/related",):
            r = hub.get(path, user=user, accept=JSON)
            if not visible:
                tc.assertEqual(r.status, 404, (user, path, r))

    @staticmethod
    def listing(user, besides=()):
        """Every version on TAXII objects and manifest, without the objects `besides` (a
        redacted source's own earlier versions stay readable until its originator deletes
        them: TAXII keeps versions; only what the hub derived must go)."""
        text = ""
        for ep in ("objects/", "manifest/"):
            items, rs = hub.page_all(COAL + ep, user=user, limit=500,
                                     params={"match[version]": "all"})
            assert rs[-1].status == 200, rs[-1]
            text += json.dumps([o for o in items if o.get("id") not in besides],
                               ensure_ascii=False)
        return text

    @staticmethod
    def analysis(user, start):
        text = ""
        for path, params in (("/api/v1/search", {"q": "Baghdad"}),
                             ("/api/v1/search", {"q": "Khafaji"}),
                             ("/api/v1/graph", {"id": start, "depth": 3}),
                             (f"/api/v1/objects/{start}/related", {}),
                             ("/api/v1/situation", {"by": "place", "from": "2024-03-01T00:00:00Z",
                                                    "to": "2024-03-04T00:00:00Z"}),
                             ("/api/v1/brief", {"date": "2024-03-02"})):
            r = hub.get(path, user=user, params=params, accept=JSON)
            assert r.status in (200, 404), (path, r)
            text += r.body.decode()
        return text

    @staticmethod
    def export(user):
        r = hub.cli("export", "--db", hub.db, "--as", user)
        return r.stdout


class RecallThenDelete(unittest.TestCase):
    """Issue 16 item 1. A's GREEN report names a person, a place and a group; the analysis
    derives objects from it and bob's watch fires. A recalls it (narrower, redacted), then
    deletes it: nothing derived from it — nor the notice's text — may come back for B or C,
    on any path, nor for A's own colleagues once it is deleted."""

    def test_delete_after_recall_brings_nothing_back(self):
        word = "quokka" + uuid.uuid4().hex[:8]
        person = "Tahseen " + name_word()
        watch = hub.request("POST", "/api/v1/watches", user="bob",
                            body={"query": f'"{word}"'}, accept=JSON, content_type=JSON)
        self.assertEqual(watch.status, 201, watch)
        # bob's webhook answers 503 until the end: the notice waits in the durable outbox
        # through the recall and the delete, and is prepared anew for each attempt.
        hook = f"/gate/{uuid.uuid4().hex[:8]}"
        r = hub.request("POST", "/api/v1/webhooks", user="bob", body={"url": RX.url(hook)},
                        accept=JSON, content_type=JSON)
        self.assertEqual(r.status, 201, r)
        v1 = report(f"{word} {secret('T')}",
                    f"General {person} met ISIS commanders in Baghdad on Monday.")
        hub.post_objects(COAL, [v1])
        rid = v1["id"]
        got = wait_derived("bob", rid, lambda d: {"location", "intrusion-set", "identity"}
                           <= {o["type"] for o in d})
        derived_ids = {o["id"] for o in got}
        self.assertTrue(any(o["type"] == "relationship" for o in got), got)
        notice = wait_inbox("bob", lambda m: v1["name"] in m["subject"])[0]
        self.assertIn(person.split()[-1], json.dumps(got))  # the premise: bob read the name
        first = RX.wait(hook, timeout=20.0)[0]  # the premise: the post carried the title
        self.assertIn(v1["name"], first["body"].decode())

        v2 = H.new_version(v1, object_marking_refs=None, description="[redacted]")
        hub.post_objects(COAL, [v2])
        for user in OTHERS:
            self.assertEqual(derived_of(user, rid), [], user)
        # A's own re-derivation of the recalled version: nothing of the redacted text.
        wait_derived("a2", rid, lambda d: not any(o["id"] in derived_ids for o in d))

        r = hub.request("DELETE", COAL + f"objects/{rid}/", user="alice")
        self.assertIn(r.status, (200, 204), r)
        for user in OTHERS + ("alice", "a2"):
            self.assertEqual(derived_of(user, rid), [], user)
            for oid in sorted(derived_ids | {rid}):
                Paths.by_id(self, user, oid, visible=False)
            text = Paths.listing(user) + Paths.analysis(user, hub.identity_of("a"))
            for oid in derived_ids | {rid}:
                self.assertNotIn(oid, text, user)
            self.assertNotIn(person, text, user)
        for user in ("bob", "carol"):
            out = Paths.export(user)
            self.assertNotIn(rid, out, user)
            self.assertNotIn(person, out, user)
            for oid in derived_ids:
                self.assertNotIn(oid, out, user)
        # The watch notice stays withdrawn after the delete: inbox, message, replay, brief.
        box = json.dumps(inbox("bob"), ensure_ascii=False)
        self.assertNotIn(v1["name"], box)
        self.assertNotIn(rid, box)
        r = hub.get(f"/api/v1/messages/{notice['id']}", user="bob", accept=JSON)
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(v1["name"], r.body.decode())
        self.assertIn("Withdrawn", r.body.decode())
        r = hub.get(f"/api/v1/objects/{notice['id']}", user="bob", accept=JSON)
        self.assertNotIn(v1["name"], r.body.decode())
        replay = hub.stream_replay("bob")
        self.assertNotIn(v1["name"], replay)
        self.assertNotIn(rid, replay)
        r = hub.get("/api/v1/search", user="bob", params={"q": f'"{word}"'}, accept=JSON)
        self.assertEqual(r.json()["total"], 0, r.json())
        # The webhook's next attempt, once its receiver answers, carries the withdrawn notice.
        RX.gate_open.set()
        done = RX.wait(hook, lambda ps: any(p["status"] == 200 for p in ps), timeout=20.0)
        body = [p for p in done if p["status"] == 200][-1]["body"].decode()
        self.assertNotIn(v1["name"], body)
        self.assertNotIn(rid, body)
        self.assertNotIn(person, body)
        # Nobody else may re-create the deleted id (others' objects still name it).
        squat = dict(v1, created_by_ref=hub.identity_of("c"), modified=H.unique_ts())
        r = hub.post(COAL + "objects/", {"objects": [squat]}, user="carol")
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json()["failure_count"], 1, r.json())


class Redaction(unittest.TestCase):
    """Issue 16 item 2: a new version that drops a person's name but stays GREEN withdraws the
    person's derived identity and its relationships from everyone; the place it still names is
    derived again from the new version."""

    def test_redacted_name_is_no_longer_readable(self):
        person = "Tahseen " + name_word()
        v1 = report(secret("RT"), f"General {person} inspected a checkpoint in Mosul.")
        hub.post_objects(COAL, [v1])
        rid = v1["id"]
        got = wait_derived("carol", rid, lambda d: {"location", "identity"}
                           <= {o["type"] for o in d})
        identity = [o["id"] for o in got if o["type"] == "identity"]
        rels = [o["id"] for o in got if o["type"] == "relationship"
                and (o["target_ref"] in identity or o["source_ref"] in identity)]
        self.assertTrue(identity and rels, got)
        v2 = H.new_version(v1, description="An officer inspected a checkpoint in Mosul.")
        hub.post_objects(COAL, [v2])
        # The place is derived again from version 2; the person is not.
        wait_derived("carol", rid, lambda d: any(o["type"] == "location"
                                                 and o["modified"] == v2["modified"] for o in d))
        for user in OTHERS + ("a2",):
            for oid in identity + rels:
                Paths.by_id(self, user, oid, visible=False)
            text = Paths.listing(user, besides=(rid,))
            self.assertNotIn(person, text, user)
            for oid in identity + rels:
                self.assertNotIn(oid, text, user)
            # Nothing derived from version 1 stays readable.
            for o in derived_of(user, rid):
                self.assertEqual(o["modified"], v2["modified"], (user, o))
        export = json.loads(Paths.export("carol"))
        self.assertNotIn(person, json.dumps([o for o in export["objects"] if o["id"] != rid]))


class GranularMarkings(unittest.TestCase):
    """Issue 16 item 4: the hub cannot withhold part of an object, so a granular marking
    narrower than the object's own is refused (never stored, indexed or analysed); one that
    narrows nothing is accepted."""

    def test_granular_red_is_refused_and_nothing_leaks(self):
        hidden = secret("G")
        o = report(secret("GT"), f"{hidden} General Tahseen Alrubaie in Basra.",
                   granular_markings=[{"selectors": ["description"], "marking_ref": H.TLP_RED}])
        r = hub.post(COAL + "objects/", {"objects": [o]})
        self.assertEqual(r.status, 202, r)
        st = r.json()
        self.assertEqual(st["failure_count"], 1, st)
        self.assertIn("granular_markings[0]: TLP:red is narrower", st["failures"][0]["message"])
        rm = dict(o, id=H.sid("report"), granular_markings=[
            {"selectors": ["name"], "marking_ref": H.TLP_GREEN},
            {"selectors": ["description"], "marking_ref": H.sid("marking-definition")}])
        st = hub.post(COAL + "objects/", {"objects": [rm]}).json()
        self.assertEqual(st["failure_count"], 1, st)
        self.assertIn("granular_markings[1]: only TLP markings", st["failures"][0]["message"])
        for user in ("bob", "carol", "alice"):
            Paths.by_id(self, user, o["id"], visible=False)
            r = hub.get("/api/v1/search", user=user, params={"q": hidden}, accept=JSON)
            self.assertEqual(r.json()["total"], 0, r.json())
            self.assertNotIn(hidden, Paths.listing(user))
        ok = report(secret("GOK"), "Nothing narrower here.",
                    granular_markings=[{"selectors": ["description"],
                                        "marking_ref": H.TLP_GREEN}])
        hub.post_objects(COAL, [ok])
        Paths.by_id(self, "carol", ok["id"], visible=True)


class UpperCaseIds(unittest.TestCase):
    """Issue 16 item 5: the upper-case form of an id is the same UUID; it is refused, so party
    C cannot stand a second object under A's id, in an id or in a reference."""

    def test_upper_case_ids_and_refs_are_refused(self):
        o = report(secret("U"), "Upper.")
        hub.post_objects(COAL, [o])
        prefix, uid = o["id"].split("--")
        upper = f"{prefix}--{uid.upper()}"
        squat = dict(o, id=upper, created_by_ref=hub.identity_of("c"), name=secret("SQ"))
        st = hub.post(COAL + "objects/", {"objects": [squat]}, user="carol").json()
        self.assertEqual(st["failure_count"], 1, st)
        self.assertIn("lower-case", st["failures"][0]["message"])
        ref = H.relationship(hub.identity_of("c"), upper, hub.identity_of("c"), [H.TLP_GREEN])
        st = hub.post(COAL + "objects/", {"objects": [ref]}, user="carol").json()
        self.assertEqual(st["failure_count"], 1, st)
        for user in ("alice", "bob", "carol"):
            r = hub.get(f"/api/v1/objects/{upper}", user=user, accept=JSON)
            self.assertIn(r.status, (400, 404), r)
            self.assertNotIn(squat["name"], Paths.listing(user))


class RedMarkingDefinition(unittest.TestCase):
    """Issue 16 item 8: a releasability marking naming TLP:RED recipients tells who receives RED
    traffic: only its creator's party and the named users read it — not their colleagues."""

    def test_red_marking_is_read_by_named_recipients_only(self):
        ida = hub.identity_of("a")
        m = H.releasability_marking(ida, [hub.identity_of("b")], recipients=["bob"],
                                    name=secret("REDM"))
        x = H.indicator(ida, [H.TLP_RED, m["id"]], name=secret("REDX"))
        hub.post_objects(COAL, [m, x])
        for user, visible in (("bob", True), ("alice", True), ("a2", True), ("b2", False),
                              ("carol", False)):
            Paths.by_id(self, user, m["id"], visible)
            Paths.by_id(self, user, x["id"], visible)
            text = Paths.listing(user)
            self.assertEqual(m["id"] in text, visible, user)
            self.assertEqual(m["name"] in text, visible, user)
        self.assertNotIn(m["id"], Paths.export("b2"))
        self.assertIn(m["id"], Paths.export("bob"))


if __name__ == "__main__":
    unittest.main()
