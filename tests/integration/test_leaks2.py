"""Cross-party leak suite, part 2: the paths added after test_leaks.py — analysis (related,
graph, situation), search (exclusion, OR, filters, bounds), dissemination (watch rules, message
and compose references, the stream replay) and recall — attacked as a member of another party
would, with bad input on each. Every check asserts on a concrete secret marker, id or count.

Party A's private collection (`party-a`) is readable by party A alone whatever the marking:
a TLP:GREEN object stored only there is as invisible to B and C as an unmarked one."""
import json
import os
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402
from wsclient import WebSocket  # noqa: E402

hub = None
COAL = None
PRIV_A = None
JSON = "application/json"


def setUpModule():
    global hub, COAL, PRIV_A
    hub, COAL, PRIV_A = H.module_hub_with_data()


def tearDownModule():
    if hub:
        hub.cleanup()


def secret(tag):
    return f"LEAK2-{tag}-{uuid.uuid4().hex[:10]}"


def ip():
    """A fresh documentation-range address: an `obs:` key no other test shares."""
    n = uuid.uuid4().int
    return f"198.18.{n % 250}.{(n >> 8) % 250 + 1}"


def ind(party, value, markings=(H.TLP_GREEN,), name=None):
    return H.indicator(hub.identity_of(party), list(markings) if markings else None,
                       name=name or secret("ind"), pattern=f"[ipv4-addr:value = '{value}']")


def related(user, oid):
    return hub.get(f"/api/v1/objects/{oid}/related", user=user, accept=JSON)


def wait_related(user, oid, other, timeout=30.0):
    """Waits until the correlator has linked `other` to `oid` for `user`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = related(user, oid)
        if r.status == 200 and other in [x["id"] for x in r.json()["related"]]:
            return r.json()
        time.sleep(0.1)
    raise AssertionError(f"{other} never became related to {oid} for {user}: "
                         + hub.log_tail())


def inbox(user):
    return hub.inbox(user)


def wait_inbox(user, pred, timeout=20.0):
    return hub.wait_inbox(user, pred, timeout)


def watch(user, body):
    r = hub.request("POST", "/api/v1/watches", user=user, body=body, accept=JSON,
                    content_type=JSON)
    assert r.status == 201, r
    return r.json()["id"]


def ghost(oid):
    return f"{oid.split('--')[0]}--{uuid.uuid4()}"


def without(text, *ids):
    for i in ids:
        text = text.replace(i, "<ID>")
    return text


class PrivateCollection(unittest.TestCase):
    """A TLP:GREEN object that party A stored only in its private collection."""

    @classmethod
    def setUpClass(cls):
        cls.value = ip()
        cls.priv = ind("a", cls.value, name=secret("PRIV"))
        cls.pub = ind("a", cls.value, name=secret("PUB"))
        hub.post_objects(PRIV_A, [cls.priv])
        hub.post_objects(COAL, [cls.pub])
        wait_related("a2", cls.pub["id"], cls.priv["id"])

    def test_private_object_is_404_elsewhere(self):
        # The premise: B cannot read it on the plain paths.
        for user in ("bob", "carol"):
            H.check_error(self, hub.get(f"/api/v1/objects/{self.priv['id']}", user=user,
                                        accept=JSON), 404)
            self.assertEqual(hub.get(COAL + f"objects/{self.priv['id']}/", user=user).status, 404)
        self.assertEqual(hub.get(f"/api/v1/objects/{self.priv['id']}", user="a2",
                                 accept=JSON).status, 200)

    def test_related_and_graph_of_private_object_are_404(self):
        for user in ("bob", "carol"):
            pid = self.priv["id"]
            g = ghost(pid)
            r, n = related(user, pid), related(user, g)
            H.check_error(self, r, 404)
            self.assertEqual(without(r.body.decode(), pid, g), without(n.body.decode(), pid, g))
            self.assertNotIn(self.value, r.body.decode())
            r = hub.get("/api/v1/graph", user=user, params={"id": pid}, accept=JSON)
            H.check_error(self, r, 404)
            self.assertNotIn(self.pub["id"], r.body.decode())
            # The public twin's neighbours do not include it either.
            r = related(user, self.pub["id"])
            self.assertEqual(r.status, 200, r)
            self.assertNotIn(pid, r.body.decode())

    def test_refs_to_private_object_are_stripped(self):
        rep = H.sdo("report", hub.identity_of("a"), [H.TLP_GREEN], name=secret("REFREP"),
                    published="2024-05-01T00:00:00Z", report_types=["threat-report"],
                    object_refs=[self.pub["id"], self.priv["id"]])
        hub.post_objects(COAL, [rep])
        for user in ("bob", "carol"):
            r = hub.get(COAL + f"objects/{rep['id']}/", user=user)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["objects"][0]["object_refs"], [self.pub["id"]], user)
            r = hub.get(f"/api/v1/objects/{rep['id']}", user=user, accept=JSON)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["object_refs"], [self.pub["id"]], user)
        r = hub.get(COAL + f"objects/{rep['id']}/", user="a2")
        self.assertEqual(r.json()["objects"][0]["object_refs"], [self.pub["id"], self.priv["id"]])

    def test_relationship_to_private_object_is_invisible(self):
        rel = H.relationship(self.pub["id"], self.priv["id"], hub.identity_of("a"), [H.TLP_GREEN])
        rel["description"] = secret("REL")
        hub.post_objects(COAL, [rel])
        for user in ("bob", "carol"):
            H.check_error(self, hub.get(COAL + f"objects/{rel['id']}/", user=user), 404)
            items, _ = hub.page_all(COAL + "manifest/", user=user, limit=500)
            self.assertNotIn(rel["id"], [m["id"] for m in items])
            r = hub.get("/api/v1/search", user=user, params={"q": f'"{rel["description"]}"'},
                        accept=JSON)
            self.assertNotIn(self.priv["id"], r.body.decode())
        self.assertEqual(hub.get(COAL + f"objects/{rel['id']}/", user="a2").status, 200)

    def test_delete_of_private_object_answers_like_a_ghost(self):
        pid = self.priv["id"]
        g = ghost(pid)
        for user in ("bob", "carol"):
            r = hub.request("DELETE", COAL + f"objects/{pid}/", user=user)
            n = hub.request("DELETE", COAL + f"objects/{g}/", user=user)
            H.check_error(self, r, 404)
            self.assertEqual(without(r.body.decode(), pid, g), without(n.body.decode(), pid, g))
        self.assertEqual(hub.get(f"/api/v1/objects/{pid}", user="a2", accept=JSON).status, 200)

    def test_deleted_from_coalition_but_kept_privately_disappears_for_others(self):
        # One object in both collections: B sees it; A deletes the coalition copy; B must lose
        # it on every path at once (search's collection flags are recomputed, not only set).
        word = secret("TWIN").lower()
        twin = H.indicator(hub.identity_of("a"), [H.TLP_GREEN], name=word,
                           pattern=f"[ipv4-addr:value = '{ip()}']")
        hub.post_objects(PRIV_A, [twin])
        hub.post_objects(COAL, [twin])

        def seen_by(user):
            r = hub.get("/api/v1/search", user=user, params={"q": f'"{word}"'}, accept=JSON)
            self.assertEqual(r.status, 200, r)
            return r.json()["total"], hub.get(f"/api/v1/objects/{twin['id']}", user=user,
                                              accept=JSON).status

        self.assertEqual(seen_by("bob"), (1, 200))
        r = hub.request("DELETE", COAL + f"objects/{twin['id']}/", user="alice")
        self.assertIn(r.status, (200, 204), r)
        for user in ("bob", "carol"):
            self.assertEqual(seen_by(user), (0, 404), user)
            self.assertEqual(hub.get(COAL + f"objects/{twin['id']}/", user=user).status, 404)
        self.assertEqual(seen_by("a2"), (1, 200))

    def test_compose_cannot_reference_private_object(self):
        outs = []
        for ref in (self.priv["id"], ghost(self.priv["id"])):
            title = secret("COMPOSE")
            r = hub.request("POST", "/api/v1/reports", user="bob", accept=JSON,
                            content_type=JSON,
                            body={"title": title, "text": "x", "lang": "en", "tlp": "green",
                                  "object_refs": [ref]})
            outs.append((r.status, without(r.body.decode(), ref)))
            # Nothing stored either way.
            s = hub.get("/api/v1/search", user="bob", params={"q": f'"{title}"'}, accept=JSON)
            self.assertEqual(s.json()["total"], 0, s.json())
        self.assertEqual(outs[0][0], 400, outs)
        self.assertEqual(outs[0], outs[1], "a ref to A's private object answers unlike a ghost")

    def test_message_cannot_reference_private_object(self):
        outs = []
        for ref in (self.priv["id"], ghost(self.priv["id"])):
            r = hub.request("POST", "/api/v1/messages", user="bob", accept=JSON,
                            content_type=JSON,
                            body={"precedence": "routine", "subject": secret("MSG"), "body": "x",
                                  "tlp": "green", "object_refs": [ref],
                                  "recipients": {"users": ["b2"]}})
            outs.append((r.status, without(r.body.decode(), ref)))
        self.assertGreaterEqual(outs[0][0], 400, outs)
        self.assertEqual(outs[0], outs[1], "a ref to A's private object answers unlike a ghost")

    def test_message_referencing_a_private_object_stays_in_its_party(self):
        body = {"precedence": "routine", "subject": secret("OWN"), "body": "x", "tlp": "green",
                "object_refs": [self.priv["id"]]}
        r = hub.request("POST", "/api/v1/messages", user="alice", accept=JSON,
                        content_type=JSON, body={**body, "recipients": {"users": ["a2", "bob"]}})
        H.check_error(self, r, 422)
        self.assertEqual(r.json().get("outside"), ["bob"], r.json())
        self.assertFalse([m for m in inbox("a2") if m["subject"] == body["subject"]])
        r = hub.request("POST", "/api/v1/messages", user="alice", accept=JSON,
                        content_type=JSON, body={**body, "recipients": {"users": ["a2"]}})
        self.assertEqual(r.status, 201, r)

    def test_watch_does_not_fire_for_private_object(self):
        word = "quokka" + uuid.uuid4().hex[:8]
        watch("bob", {"query": f'"{word}"'})
        watch("a2", {"query": f'"{word}"'})
        priv = H.sdo("report", hub.identity_of("a"), [H.TLP_GREEN], name=f"{word} {secret('W')}",
                     published="2024-05-01T00:00:00Z", report_types=["threat-report"],
                     object_refs=[hub.identity_of("a")])
        control = H.sdo("report", hub.identity_of("a"), [H.TLP_GREEN],
                        name=f"{word} {secret('CTRL')}", published="2024-05-01T00:00:00Z",
                        report_types=["threat-report"], object_refs=[hub.identity_of("a")])
        hub.post_objects(PRIV_A, [priv])
        hub.post_objects(COAL, [control])
        # The feed is handled in commit order: once the control's notice is there, the private
        # object's would be too.
        wait_inbox("bob", lambda m: control["name"] in m["subject"])
        wait_inbox("a2", lambda m: control["name"] in m["subject"])
        time.sleep(0.5)
        self.assertTrue([m for m in inbox("a2") if priv["name"] in m["subject"]],
                        "party A's own watcher must get its private object")
        box = json.dumps(inbox("bob"), ensure_ascii=False)
        self.assertNotIn(priv["name"], box)
        self.assertNotIn(priv["id"], box)


class Stream(unittest.TestCase):
    def test_no_frame_at_all_for_objects_the_watcher_may_not_see(self):
        """bob's stream is open and his watch matches four of A's objects: TLP:RED to a2,
        unmarked, TLP:GREEN in A's private collection, and a TLP:GREEN control. bob gets
        exactly one frame (the control's notice), nothing else: no id, no count, no timing."""
        word = "pangolin" + uuid.uuid4().hex[:8]
        watch("bob", {"query": f'"{word}"', "precedence": "flash"})
        ida = hub.identity_of("a")
        red = H.releasability_marking(ida, [ida], recipients=["a2"], name="red to a2")

        def rep(markings, tag):
            return H.sdo("report", ida, markings, name=f"{word} {secret(tag)}",
                         published="2024-05-01T00:00:00Z", report_types=["threat-report"],
                         object_refs=[ida])
        hidden = [rep([H.TLP_RED, red["id"]], "SRED"), rep(None, "SUNM")]
        private = rep([H.TLP_GREEN], "SPRIV")
        control = rep([H.TLP_GREEN], "SCTRL")
        ws = WebSocket("127.0.0.1", hub.port, "/api/v1/stream",
                       headers={"Authorization": H.basic("bob")})
        try:
            ws.recv_all(quiet=0.5)   # the replay of earlier tests' notices
            hub.post_objects(COAL, [red] + hidden)
            hub.post_objects(PRIV_A, [private])
            hub.post_objects(COAL, [control])
            frames = ws.recv_all(quiet=1.5)
        finally:
            ws.close()
        msgs = [f for f in frames if f.get("kind") == "message"]
        self.assertEqual(len(msgs), 1, frames)
        self.assertIn(control["name"], msgs[0]["subject"])
        text = json.dumps(frames, ensure_ascii=False)
        for o in hidden + [private]:
            self.assertNotIn(o["id"], text)
            self.assertNotIn(o["name"], text)


class Recall(unittest.TestCase):
    """Narrowing releasability (a new version) recalls the object from every analysis and
    dissemination path at once."""

    def test_related_situation_and_search_forget_a_recalled_object(self):
        value = ip()
        x1 = ind("a", value, name=secret("RX"))
        y = ind("c", value, name=secret("RY"))
        hub.post_objects(COAL, [x1])
        hub.post_objects(COAL, [y], user="carol")
        wait_related("bob", y["id"], x1["id"])
        self.assertEqual(hub.get("/api/v1/search", user="bob", params={"q": f'"{x1["name"]}"'},
                                 accept=JSON).json()["total"], 1)
        x2 = H.new_version(x1, object_marking_refs=None)     # recalled: A only
        hub.post_objects(COAL, [x2])
        r = related("bob", y["id"])
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(x1["id"], r.body.decode())
        H.check_error(self, related("bob", x1["id"]), 404)
        r = hub.get("/api/v1/graph", user="bob", params={"id": y["id"], "depth": 3}, accept=JSON)
        self.assertNotIn(x1["id"], r.body.decode())
        r = hub.get("/api/v1/search", user="bob", params={"q": f'"{x1["name"]}"'}, accept=JSON)
        self.assertEqual(r.json()["total"], 0, r.json())
        self.assertNotIn(x1["id"], r.body.decode())
        # A still links them.
        wait_related("a2", y["id"], x1["id"])

    def test_watch_notice_of_a_recalled_object_is_withdrawn(self):
        """bob's watch fires for A's GREEN object while bob is offline; A recalls it; the notice
        waiting in bob's queue must not carry the object's title or id any more — not in the
        inbox list, the message view, nor the stream replay on connect."""
        word = "wombat" + uuid.uuid4().hex[:8]
        watch("bob", {"query": f'"{word}"', "precedence": "flash"})
        x1 = H.sdo("report", hub.identity_of("a"), [H.TLP_GREEN],
                   name=f"{word} {secret('RECALL')}", published="2024-05-01T00:00:00Z",
                   report_types=["threat-report"], object_refs=[hub.identity_of("a")])
        hub.post_objects(COAL, [x1])
        got = wait_inbox("bob", lambda m: x1["name"] in m["subject"])
        mid = got[0]["id"]
        x2 = H.new_version(x1, object_marking_refs=None)
        hub.post_objects(COAL, [x2])
        box = json.dumps(inbox("bob"), ensure_ascii=False)
        self.assertNotIn(x1["name"], box)
        self.assertNotIn(x1["id"], box)
        r = hub.get(f"/api/v1/messages/{mid}", user="bob", accept=JSON)
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(x1["name"], r.body.decode())
        self.assertNotIn(x1["id"], r.body.decode())
        replay = hub.stream_replay("bob")
        self.assertIn(mid, replay)                      # the notice itself is still queued
        self.assertNotIn(x1["name"], replay)
        self.assertNotIn(x1["id"], replay)
        # The notice is also a STIX object (x-tansiq-message) on the TAXII and search paths.
        r = hub.get(COAL + f"objects/{mid}/", user="bob", params={"match[version]": "all"})
        self.assertNotIn(x1["name"], r.body.decode())
        self.assertNotIn(x1["id"], r.body.decode())
        r = hub.get("/api/v1/search", user="bob", params={"q": f'"{x1["name"]}"'}, accept=JSON)
        self.assertEqual(r.json()["total"], 0, r.json())
        r = hub.get(f"/api/v1/objects/{mid}", user="bob", accept=JSON)
        self.assertNotIn(x1["name"], r.body.decode())
        # The daily brief lists the day's FLASH messages: not with the recalled title.
        r = hub.get("/api/v1/brief", user="bob", params={"date": got[0]["sent_at"][:10]},
                    accept=JSON)
        self.assertEqual(r.status, 200, r)
        self.assertIn(mid, r.body.decode())
        self.assertNotIn(x1["name"], r.body.decode())


class MessageReferences(unittest.TestCase):
    """A member's message is never released wider than the objects it references (issue 16
    item 3): its stored x-tansiq-message object is narrowed to what every reference releases,
    on every read path (TAXII objects, versions and manifest, REST, search)."""

    def send(self, user, refs, recipients, tlp="green"):
        subject = secret("MSGREF")
        r = hub.request("POST", "/api/v1/messages", user=user, accept=JSON, content_type=JSON,
                        body={"precedence": "routine", "subject": subject,
                              "body": secret("BODY"), "tlp": tlp, "object_refs": refs,
                              "recipients": {"users": recipients}})
        self.assertEqual(r.status, 201, r)
        return r.json()["id"], subject

    def assert_unknown_to(self, user, mid, subject):
        H.check_error(self, hub.get(f"/api/v1/objects/{mid}", user=user, accept=JSON), 404)
        self.assertEqual(hub.get(COAL + f"objects/{mid}/", user=user).status, 404)
        self.assertEqual(hub.get(COAL + f"objects/{mid}/versions/", user=user).status, 404)
        man, _ = hub.page_all(COAL + "manifest/", user=user,
                              params={"match[id]": mid, "match[version]": "all"})
        self.assertEqual(man, [])
        s = hub.get("/api/v1/search", user=user, params={"q": f'"{subject}"'}, accept=JSON)
        self.assertEqual(s.json()["total"], 0, s.json())

    def assert_readable_by(self, user, mid, subject):
        r = hub.get(f"/api/v1/objects/{mid}", user=user, accept=JSON)
        self.assertEqual(r.status, 200, r)
        self.assertIn(subject, r.body.decode())
        s = hub.get("/api/v1/search", user=user, params={"q": f'"{subject}"'}, accept=JSON)
        self.assertEqual(s.json()["total"], 1, s.json())

    def test_green_message_about_an_a_and_b_report_stays_with_a_and_b(self):
        mark = H.releasability_marking(hub.identity_of("a"),
                                       [hub.identity_of("a"), hub.identity_of("b")])
        rep = H.sdo("report", hub.identity_of("a"), [H.TLP_GREEN, mark["id"]],
                    name=secret("AB"), published="2024-05-01T00:00:00Z",
                    report_types=["threat-report"], object_refs=[hub.identity_of("a")])
        hub.post_objects(COAL, [mark, rep])
        self.assertEqual(hub.get(COAL + f"objects/{rep['id']}/", user="carol").status, 404)
        mid, subject = self.send("bob", [rep["id"]], ["b2"])
        self.assert_unknown_to("carol", mid, subject)
        for user in ("b2", "a2"):
            self.assert_readable_by(user, mid, subject)
        # Without a reference the same message is every party's (GREEN): the control.
        mid, subject = self.send("bob", [], ["b2"])
        self.assert_readable_by("carol", mid, subject)

    def test_message_about_a_red_report_is_red(self):
        mark = H.releasability_marking(hub.identity_of("a"), [hub.identity_of("b")],
                                       recipients=["bob"])
        rep = H.sdo("report", hub.identity_of("a"), [H.TLP_RED, mark["id"]],
                    name=secret("RED"), published="2024-05-01T00:00:00Z",
                    report_types=["threat-report"], object_refs=[hub.identity_of("a")])
        hub.post_objects(COAL, [mark, rep])
        mid, subject = self.send("bob", [rep["id"]], ["bob"])
        self.assert_unknown_to("carol", mid, subject)
        self.assert_readable_by("a2", mid, subject)  # of the report's originator
        r = hub.get(COAL + f"objects/{mid}/", user="a2")
        self.assertIn(H.TLP_RED, r.body.decode())


def fnv_derived_id(kind, seed):
    """The derived-object id scheme an outsider can compute from the source code alone (two
    FNV-1a 64-bit hashes of the seed, as a version-4 UUID): what the hub must NOT use."""
    data = seed.encode("utf-8")

    def fnv(h):
        for c in data:
            h ^= c
            h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
        return h
    a = fnv(0xcbf29ce484222325)
    b = fnv(0x84222325cbf29ce4 ^ a)
    raw = bytearray(a.to_bytes(8, "little") + b.to_bytes(8, "little"))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return f"{kind}--{uuid.UUID(bytes=bytes(raw))}"


class DerivedIds(unittest.TestCase):
    """bob saw A's report in its first version; A narrows it and adds a place. Were derived ids
    computable from (source id, entity), bob could post an object under the id of the derived
    location of each candidate place: refused ("only the originating party…") exactly when A's
    hidden version names it — an oracle on the recalled text. The ids must be unpredictable, so
    both posts below succeed alike (and squat nothing of A's)."""

    def test_derived_ids_of_a_recalled_report_cannot_be_probed(self):
        ida = hub.identity_of("a")
        v1 = H.sdo("report", ida, [H.TLP_GREEN], name=secret("DV"),
                   description="A patrol was seen in Baghdad.", published="2019-04-01T00:00:00Z",
                   report_types=["threat-report"], object_refs=[ida], lang="en")
        hub.post_objects(COAL, [v1])
        self.assertEqual(hub.get(COAL + f"objects/{v1['id']}/", user="bob").status, 200)
        v2 = H.new_version(v1, object_marking_refs=None,
                           description="Fighters attacked a checkpoint in Mosul.")
        hub.post_objects(COAL, [v2])
        # Wait until the correlator has derived the second version's objects (A sees Mosul).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            items, _ = hub.page_all(COAL + "objects/", user="a2", limit=500,
                                    params={"match[type]": "location"})
            if any(v1["id"] in json.dumps(o) and o.get("name") == "Mosul" for o in items):
                break
            time.sleep(0.1)
        else:
            self.fail("the correlator never derived Mosul: " + hub.log_tail())
        outs = []
        for place in ("iq-mosul", "iq-kirkuk"):     # named by the hidden version, and not
            probe = H.sdo("location", hub.identity_of("b"), [H.TLP_GREEN], name="probe",
                          latitude=1.0, longitude=1.0)
            probe["id"] = fnv_derived_id("location", v1["id"] + "|place|" + place)
            r = hub.post(COAL + "objects/", {"objects": [probe]}, user="bob")
            self.assertEqual(r.status, 202, r)
            st = r.json()
            outs.append((st["success_count"], st.get("failure_count", 0)))
        self.assertEqual(outs[0], outs[1], "bob learned which places A's recalled version names")


class SituationCounts(unittest.TestCase):
    """One armed group named on one day in reports B may and may not see (unmarked, and TLP:GREEN
    in A's private collection): B's counts, cells and trends are over B's visible ones only."""

    def test_group_and_place_counts_only_count_visible_objects(self):
        day = "2019-03-10T08:00:00.000Z"
        ida = hub.identity_of("a")

        def rep(markings, i):
            return H.sdo("report", ida, markings, name=f"patrol report {i}",
                         description=f"Harakat al-Nujaba fighters were seen in Kirkuk, case {i}.",
                         published=day, report_types=["threat-report"], object_refs=[ida],
                         lang="en")
        visible = [rep([H.TLP_GREEN], i) for i in range(2)]
        unmarked = [rep(None, 10 + i) for i in range(3)]
        private = [rep([H.TLP_GREEN], 20 + i) for i in range(2)]
        hub.post_objects(COAL, visible + unmarked)
        hub.post_objects(PRIV_A, private)
        params = {"from": "2019-03-10", "to": "2019-03-11", "bucket": "day"}

        def situation(user, **extra):
            r = hub.get("/api/v1/situation", user=user, params={**params, **extra}, accept=JSON)
            self.assertEqual(r.status, 200, r)
            return r.json()
        deadline = time.monotonic() + 30
        while situation("a2", by="group")["total"] < 7 and time.monotonic() < deadline:
            time.sleep(0.1)
        mine = situation("a2", by="group")
        self.assertEqual(mine["total"], 7, mine)
        keys = [c["key"] for c in mine["cells"] if c["count"] == 7]
        self.assertEqual(len(keys), 1, mine)
        for user in ("bob", "b2", "carol"):
            for by in ("group", "place", "type", "party"):
                j = situation(user, by=by, lang="ar")
                self.assertEqual(j["total"], 2, (user, by, j))
                self.assertTrue(j["cells"], (user, by))
                for c in j["cells"]:
                    self.assertEqual(c["count"], 2, (user, by, c))
                for p in j["places"]:
                    self.assertEqual(p["count"], 2, (user, by, p))
        self.assertEqual(situation("a2", by="place")["places"][0]["count"], 7)


class SearchOracles(unittest.TestCase):
    """Exclusion, OR, phrases, filters and facets over a word that only A's unmarked report
    carries: B's answers are exactly those over B's own visible documents."""

    @classmethod
    def setUpClass(cls):
        cls.common = "okapi" + uuid.uuid4().hex[:6]
        cls.hidden_word = "narwhal" + uuid.uuid4().hex[:6]
        ida = hub.identity_of("a")
        cls.visible = [H.sdo("report", ida, [H.TLP_GREEN], name=f"{cls.common} report {i}",
                             description=f"{cls.common} field note {i}",
                             published="2024-05-01T00:00:00Z", report_types=["threat-report"],
                             object_refs=[ida]) for i in range(3)]
        cls.hidden = [H.sdo("report", ida, None, name=f"{cls.common} {cls.hidden_word}",
                            description=f"{cls.common} {cls.hidden_word} {secret('S')}",
                            published="2024-05-01T00:00:00Z", report_types=["threat-report"],
                            object_refs=[ida]),
                      H.sdo("report", ida, [H.TLP_GREEN],
                            name=f"{cls.common} private {cls.hidden_word}",
                            description=f"{cls.common} {cls.hidden_word}",
                            published="2024-05-01T00:00:00Z", report_types=["threat-report"],
                            object_refs=[ida])]
        hub.post_objects(COAL, cls.visible + cls.hidden[:1])
        hub.post_objects(PRIV_A, cls.hidden[1:])

    def search(self, user, q, **params):
        r = hub.get("/api/v1/search", user=user, params={"q": q, **params}, accept=JSON)
        self.assertEqual(r.status, 200, r)
        return r

    def test_exclusion_or_and_phrase_are_no_oracle(self):
        # Quoted: a phrase is matched as written (no name-key expansion that a random word of
        # another test could share).
        c, w = f'"{self.common}"', f'"{self.hidden_word}"'
        for user in ("bob", "carol"):
            base = self.search(user, c).json()
            self.assertEqual(base["total"], 3, base)
            for q in (f"{c} -{w}", f'{c} -"{self.common} {self.hidden_word}"',
                      f"{c} -{w} -\"zzzqqq\""):
                j = self.search(user, q).json()
                self.assertEqual((j["total"], j["facets"]), (base["total"], base["facets"]), q)
                self.assertEqual([h["id"] for h in j["hits"]], [h["id"] for h in base["hits"]], q)
            for q in (w, f"{c} {w}", f'"{self.common} {self.hidden_word}"', f"name:{w}",
                      f'{w} OR "zzzqqq"'):
                r = self.search(user, q)
                self.assertEqual(r.json()["total"], 0, (q, r.json()))
                self.assertEqual(r.json()["facets"]["party"], {}, q)
            j = self.search(user, f"{w} OR {c}").json()
            self.assertEqual(j["total"], 3, j)
            for h in self.hidden:
                for r in (self.search(user, f"{w} OR {c}"), self.search(user, c, party="a"),
                          self.search(user, c, type="report", offset="2", limit="1")):
                    self.assertNotIn(h["id"], r.body.decode())
                    self.assertNotIn(self.hidden_word, r.body.decode())
        # A sees all five.
        self.assertEqual(self.search("a2", c).json()["total"], 5)

    def test_offsets_past_the_end_and_the_bound(self):
        c = f'"{self.common}"'
        r = self.search("bob", c, offset="3")
        self.assertEqual((r.json()["total"], r.json()["hits"]), (3, []))
        for bad in ({"offset": "10001"}, {"offset": "-1"}, {"limit": "0"}, {"limit": "101"},
                    {"limit": "-5"}, {"limit": "99999999999999999999"}, {"offset": "1e3"}):
            r = hub.get("/api/v1/search", user="bob", params={"q": c, **bad}, accept=JSON)
            H.check_error(self, r, 400)


class BadInput(unittest.TestCase):
    """Bad input on the later paths: a clear 4xx with a message, never a 5xx, nothing stored."""

    def count_all(self):
        return hub.count_objects(COAL, user="alice")

    def test_bad_analysis_and_search_parameters(self):
        before = self.count_all()
        long_q = "و" * 20000
        rtl = "\u202eabc\u202c"
        cases = [
            ("/api/v1/graph", {"id": "report--00000000-0000-4000-8000-000000000000",
                               "depth": "-1"}),
            ("/api/v1/graph", {"id": "report--00000000-0000-4000-8000-000000000000",
                               "depth": "99999999999999999999"}),
            ("/api/v1/graph", {"id": "report--" + "0" * 5000}),
            ("/api/v1/graph", {"id": rtl}),
            ("/api/v1/situation", {"lang": "xx"}),
            ("/api/v1/situation", {"lang": "ar", "lang2": "en"}),
            ("/api/v1/situation", {"bucket": "day", "from": "9999-12-31", "to": "0001-01-01"}),
            ("/api/v1/situation", {"from": "2025-02-30"}),
            ("/api/v1/situation", {"from": "\u0662\u0660\u0662\u0665-01-01"}),
            ("/api/v1/brief", {"date": "2025-01-01", "lang": "ar", "x": "1"}),
            ("/api/v1/brief", {"date": "-2025-01-01"}),
            ("/api/v1/search", {"q": long_q}),
            ("/api/v1/search", {"q": "x", "since": "yesterday"}),
            ("/api/v1/search", {"q": "x", "surprise": "1"}),
            ("/api/v1/messages", {"box": "inbox", "limit": "-1"}),
            ("/api/v1/messages", {"box": "inbox", "offset": "-3"}),
        ]
        for path, params in cases:
            r = hub.get(path, user="bob", params=params, accept=JSON)
            self.assertTrue(400 <= r.status < 500, (path, params, r))
            H.check_error(self, r, r.status)
        # Raw bytes that are not UTF-8 in the query string and in a path id.
        for raw in ("/api/v1/search?q=%FF%FE", "/api/v1/search?q=%C0%AFetc",
                    "/api/v1/search?q=%ED%A0%80", "/api/v1/search?q=%F4%90%80%80",
                    "/api/v1/search?q=x&party=%E2%82", "/api/v1/objects/report--%C0%AF/related",
                    "/api/v1/graph?id=%ED%A0%80", "/api/v1/situation?lang=%FF",
                    COAL + "objects/?match%5Btype%5D=%FF"):
            r = hub.request("GET", raw, user="bob", accept=JSON)
            self.assertTrue(400 <= r.status < 500, (raw, r))
        self.assertEqual(self.count_all(), before)
        self.assertTrue(hub.alive(), hub.log_tail())

    def test_bad_watch_message_and_compose_bodies_change_nothing(self):
        before_w = hub.get("/api/v1/watches", user="bob", accept=JSON).json()["watches"]
        before_sent = hub.get("/api/v1/messages", user="bob", params={"box": "sent"},
                              accept=JSON).json()["messages"]
        before = self.count_all()
        bodies = [
            ("/api/v1/watches", b"\xff\xfe{"),
            ("/api/v1/watches", {"groups": ["no such group " + uuid.uuid4().hex]}),
            ("/api/v1/watches", {"query": "x", "places": "Mosul"}),
            # Queries that can match nothing: bidi override, punctuation, a lone "-".
            ("/api/v1/watches", {"query": "\u202e"}),
            ("/api/v1/watches", {"query": "؟ !"}),
            ("/api/v1/watches", {"query": "-"}),
            ("/api/v1/messages", {"precedence": "flash", "subject": "s", "body": "b",
                                  "tlp": "green", "object_refs": ["not-an-id"],
                                  "recipients": {"users": ["b2"]}}),
            ("/api/v1/messages", {"precedence": "flash", "subject": "s", "body": "b",
                                  "tlp": "green", "recipients": {"users": ["nobody-x"]}}),
            ("/api/v1/messages", {"precedence": "flash", "subject": "s" * 100000, "body": "b",
                                  "tlp": "green", "recipients": {"users": ["b2"]}}),
            ("/api/v1/messages", b'{"precedence":"flash","subject":"\xc0\xaf"}'),
            ("/api/v1/reports", {"title": "t", "text": "x", "lang": "en", "tlp": "green",
                                 "object_refs": ["report--" + "1" * 36]}),
            ("/api/v1/reports", {"title": "t", "text": "x", "lang": "en", "tlp": "purple"}),
            ("/api/v1/reports", {"title": "t", "text": "x", "lang": "en", "tlp": "green",
                                 "releasable_to": []}),
        ]
        for path, body in bodies:
            r = hub.request("POST", path, user="bob", body=body, accept=JSON, content_type=JSON)
            self.assertTrue(400 <= r.status < 500, (path, body if isinstance(body, bytes)
                                                    else str(body)[:200], r))
            H.check_error(self, r, r.status)
        self.assertEqual(hub.get("/api/v1/watches", user="bob", accept=JSON).json()["watches"],
                         before_w)
        self.assertEqual(hub.get("/api/v1/messages", user="bob", params={"box": "sent"},
                                 accept=JSON).json()["messages"], before_sent)
        self.assertEqual(self.count_all(), before)
        self.assertTrue(hub.alive(), hub.log_tail())


if __name__ == "__main__":
    unittest.main()
