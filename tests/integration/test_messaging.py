"""Dissemination over the real server (issue 4): messages, the WebSocket push stream with
Basic/Bearer/ticket auth, the durable queue, precedence, acknowledgement and escalation (the
server's clock is moved through --clock-file: no sleeping through deadlines), watch rules,
metrics, and kill -9 between send and delivery."""
import json
import os
import signal
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from wsclient import HandshakeError, WebSocket  # noqa: E402

USERS = {
    "alice": ("a", ["officer", "recipient"]),
    "a2": ("a", ["recipient"]),
    "bob": ("b", ["officer"]),
    "b2": ("b", ["recipient"], ["b3"]),  # escalates to b3
    "b3": ("b", ["recipient"]),
    "b4": ("b", ["recipient"]),
    "carol": ("c", ["officer"]),
    "c2": ("c", ["recipient"], ["b3"]),  # an alternate in another party: withheld
    "root": ("c", ["hub-admin"]),
}
JSON = "application/json"
HUB = None
CLOCK = None


def setUpModule():
    global HUB, CLOCK
    HUB = harness.Hub(users=USERS)
    CLOCK = os.path.join(HUB.dir, "clock-offset")
    with open(CLOCK, "w") as f:
        f.write("0")
    start()


def tearDownModule():
    HUB.cleanup()


def start():
    HUB.start(extra_args=["--clock-file", CLOCK, "--flash-ack", "600", "--immediate-ack", "1800"])


def advance(seconds: float):
    with open(CLOCK) as f:
        now = float(f.read().strip() or 0)
    with open(CLOCK + ".tmp", "w") as f:
        f.write(str(now + seconds))
    os.replace(CLOCK + ".tmp", CLOCK)


def connect(user, auth="basic", path="/api/v1/stream") -> WebSocket:
    ws = WebSocket("127.0.0.1", HUB.port, path,
                   headers={"Authorization": HUB.auth_header(user, auth)})
    ws.user = user
    return ws


def send(user="alice", expect=201, **fields):
    body = {"precedence": "routine", "subject": "s " + uuid.uuid4().hex[:6]}
    body.update(fields)
    r = HUB.request("POST", "/api/v1/messages", user=user, body=body, content_type=JSON,
                    accept=JSON)
    assert r.status == expect, f"{r.status}: {r.body[:400]!r}"
    return r.json()["id"] if expect == 201 else r.json()


def to_b(**fields):
    """A message releasable to party b."""
    fields.setdefault("tlp", "amber")
    fields.setdefault("releasable_to", [HUB.identity_of("b")])
    return send(**fields)


def messages_of(frames, kind="message"):
    return [f for f in frames if f.get("kind") == kind]


def wait_for(ws, pred, timeout=8.0):
    """Frames until one satisfies pred (returned with everything seen before it)."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        f = ws.recv(timeout=max(0.05, deadline - time.monotonic()))
        if f is None:
            break
        seen.append(f)
        if pred(f):
            return f, seen
    raise AssertionError(f"no matching frame within {timeout}s; saw {seen}")


def wait_withheld(mid, principal, sender, timeout=8.0):
    """The alternates an escalation withheld from `principal`'s copy of message `mid`, as its
    sender sees them, once there are any (else [] after `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        view = HUB.get(f"/api/v1/messages/{mid}", user=sender, accept=JSON).json()
        withheld = [d for d in view["deliveries"] if d["user"] == principal][0]["withheld_from"]
        if withheld or time.monotonic() > deadline:
            return withheld
        time.sleep(0.2)


def wait_state(user, mid, state, who=None, timeout=8.0):
    """The delivery line of `who` (default: `user`) once it reaches `state` (frames are
    applied asynchronously: a confirmation is durable shortly after it is sent)."""
    who = who or user
    line, deadline = None, time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = HUB.get(f"/api/v1/messages/{mid}", user=user, accept=JSON).json()
        line = [d for d in view["deliveries"] if d["user"] == who][0]
        if line["state"] == state:
            return line
        time.sleep(0.05)
    raise AssertionError(f"{who}'s delivery of {mid} stayed {line and line['state']}")


def drain(ws, confirm=True):
    """Reads the durable queue replayed on connect; confirms each message as received."""
    frames = ws.recv_all(quiet=0.7)
    if confirm:
        for f in messages_of(frames):
            ws.send_json({"kind": "received", "id": f["id"]})
        for mid in {f["id"] for f in messages_of(frames)}:  # durable before going on
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline:
                view = HUB.get(f"/api/v1/messages/{mid}", user=ws.user, accept=JSON).json()
                if all(d["state"] != "queued" for d in view["deliveries"]
                       if d["user"] == ws.user):
                    break
                time.sleep(0.05)
    return frames


class StreamAuth(unittest.TestCase):
    def test_unauthenticated_and_wrong_password_are_refused(self):
        with self.assertRaises(HandshakeError) as e:
            WebSocket("127.0.0.1", HUB.port, "/api/v1/stream")
        self.assertEqual(e.exception.status, 401)
        with self.assertRaises(HandshakeError) as e:
            WebSocket("127.0.0.1", HUB.port, "/api/v1/stream",
                      headers={"Authorization": harness.basic("b2", "wrong")})
        self.assertEqual(e.exception.status, 401)

    def test_bearer_and_single_use_ticket(self):
        ws = connect("b4", auth="bearer")
        drain(ws)
        ws.close()
        r = HUB.request("POST", "/api/v1/stream/ticket", user="b4", accept=JSON)
        self.assertEqual(r.status, 200)
        ticket = r.json()["ticket"]
        self.assertGreater(r.json()["expires_in"], 0)
        ws = WebSocket("127.0.0.1", HUB.port, "/api/v1/stream?ticket=" + ticket)
        ws.user = "b4"
        mid = to_b(recipients={"users": ["b4"]})
        f, _ = wait_for(ws, lambda f: f.get("id") == mid)
        self.assertEqual(f["from"], {"party": "a", "user": "alice"})
        ws.close()
        with self.assertRaises(HandshakeError) as e:  # used once already
            WebSocket("127.0.0.1", HUB.port, "/api/v1/stream?ticket=" + ticket)
        self.assertEqual(e.exception.status, 401)
        with self.assertRaises(HandshakeError):
            WebSocket("127.0.0.1", HUB.port, "/api/v1/stream?ticket=" + "0" * 64)

    def test_plain_get_of_the_stream_says_upgrade(self):
        r = HUB.get("/api/v1/stream", user="b4", accept=JSON)
        self.assertEqual(r.status, 400)


class Delivery(unittest.TestCase):
    def test_every_session_of_a_recipient_gets_it_and_nobody_else(self):
        b2a, b2b, b3, carol = connect("b2"), connect("b2", "bearer"), connect("b3"), connect("carol")
        for ws in (b2a, b2b, b3, carol):
            drain(ws)
        mid = to_b(recipients={"users": ["b2"]}, body="النص العربي", lang="ar")
        for ws in (b2a, b2b):
            f, _ = wait_for(ws, lambda f: f.get("id") == mid)
            self.assertEqual(f["kind"], "message")
            self.assertEqual(f["precedence"], "routine")
            self.assertEqual(f["body"], "النص العربي")
            self.assertIn("sent_at", f)
            ws.send_json({"kind": "received", "id": mid})
        for ws in (b3, carol):
            self.assertEqual(messages_of(ws.recv_all(quiet=0.7)), [])
        for ws in (b2a, b2b, b3, carol):
            ws.close()
        view = HUB.get(f"/api/v1/messages/{mid}", user="alice", accept=JSON).json()
        self.assertEqual([d["user"] for d in view["deliveries"]], ["b2"])
        line = wait_state("alice", mid, "delivered", who="b2")
        self.assertIsNotNone(line["delivered_at"])

    def test_role_and_party_recipients(self):
        mid = to_b(recipients={"parties": ["b"], "roles": ["recipient"]})
        view = HUB.get(f"/api/v1/messages/{mid}", user="alice", accept=JSON).json()
        self.assertEqual(sorted(d["user"] for d in view["deliveries"]), ["b2", "b3", "b4"])

    def test_offline_recipient_gets_everything_once_after_deduplication(self):
        ws = connect("b3")
        drain(ws)
        ws.close()
        sent = [to_b(recipients={"users": ["b3"]}) for _ in range(3)]
        # First reconnect: everything, but the client "crashes" before confirming.
        ws = connect("b3")
        first = messages_of(drain(ws, confirm=False))
        ws.close()
        self.assertEqual(sorted(f["id"] for f in first), sorted(sent))
        # Second: delivered again (at-least-once); now confirmed.
        ws = connect("b3")
        second = messages_of(drain(ws, confirm=True))
        for mid in sent:
            wait_state("b3", mid, "delivered")
        ws.close()
        self.assertEqual(sorted(f["id"] for f in second), sorted(sent))
        seen = {f["id"] for f in first + second}
        self.assertEqual(seen, set(sent))  # exactly once after de-duplication by id
        # Third: nothing left in the durable queue.
        ws = connect("b3")
        self.assertEqual(messages_of(drain(ws)), [])
        ws.close()

    def test_flash_overtakes_queued_routine(self):
        ws = connect("b4")
        drain(ws)
        ws.close()
        routine = [to_b(recipients={"users": ["b4"]}) for _ in range(4)]
        flash = to_b(recipients={"users": ["b4"]}, precedence="flash")
        ws = connect("b4")
        frames = messages_of(drain(ws))
        ws.close()
        self.assertEqual(frames[0]["id"], flash)
        self.assertEqual(frames[0]["precedence"], "flash")
        self.assertEqual([f["id"] for f in frames[1:]], routine)  # FIFO within a precedence
        HUB.request("POST", f"/api/v1/messages/{flash}/ack", user="b4", accept=JSON)

    def test_live_flash_overtakes_a_backlog_on_the_connection(self):
        # Many routine messages queued while offline and a FLASH sent as the client connects:
        # the FLASH is never behind more than what was already on the wire.
        ws = connect("b4")
        drain(ws)
        ws.close()
        for _ in range(30):
            to_b(recipients={"users": ["b4"]})
        flash = to_b(recipients={"users": ["b4"]}, precedence="flash")
        ws = connect("b4")
        frames = messages_of(drain(ws))
        ws.close()
        self.assertEqual(len(frames), 31)
        self.assertEqual(frames[0]["id"], flash)
        HUB.request("POST", f"/api/v1/messages/{flash}/ack", user="b4", accept=JSON)


class ReleaseCheck(unittest.TestCase):
    def _object_released_to(self, party):
        mark = harness.releasability_marking(HUB.identity_of("a"), [HUB.identity_of(party)])
        ind = harness.indicator(created_by=HUB.identity_of("a"),
                                markings=[harness.TLP_AMBER, mark["id"]])
        HUB.post_objects(HUB.coll_path("coalition"), [mark, ind], user="alice")
        return ind["id"]

    def test_recipients_outside_a_referenced_object_are_refused_and_nothing_is_sent(self):
        obj = self._object_released_to("b")
        c2 = connect("c2")
        drain(c2)
        before = HUB.get("/api/v1/messages", user="alice", params={"box": "sent", "limit": 200},
                         accept=JSON).json()["messages"]
        err = send(expect=422, precedence="flash", object_refs=[obj], tlp="amber",
                   releasable_to=[HUB.identity_of("b"), HUB.identity_of("c")],
                   recipients={"users": ["b2", "c2", "carol"]})
        self.assertEqual(sorted(err["outside"]), ["c2", "carol"])
        self.assertIn("c2", err["description"])
        after = HUB.get("/api/v1/messages", user="alice", params={"box": "sent", "limit": 200},
                        accept=JSON).json()["messages"]
        self.assertEqual(len(after), len(before))  # no partial send
        self.assertEqual(messages_of(c2.recv_all(quiet=0.7)), [])
        c2.close()

    def test_invisible_and_absent_references_get_the_same_answer(self):
        hidden = harness.indicator(created_by=HUB.identity_of("b"))  # b's own, unmarked
        HUB.post_objects(HUB.coll_path("coalition"), [hidden], user="bob")
        absent = harness.sid("indicator")
        e1 = send(expect=422, object_refs=[hidden["id"]], recipients={"users": ["a2"]})
        e2 = send(expect=422, object_refs=[absent], recipients={"users": ["a2"]})
        self.assertEqual(e1["description"].replace(hidden["id"], "X"),
                         e2["description"].replace(absent, "X"))

    def test_message_without_releasability_stays_in_the_senders_party(self):
        err = send(expect=422, recipients={"users": ["b2"]})
        self.assertEqual(err["outside"], ["b2"])
        mid = send(recipients={"users": ["a2"]})  # own party: fine
        self.assertTrue(mid.startswith("x-tansiq-message--"))

    def test_message_is_a_stix_object_visible_only_within_its_releasability(self):
        mid = to_b(recipients={"users": ["b2"]}, subject="stix form")
        obj = HUB.get(f"{HUB.coll_path('coalition')}objects/{mid}/", user="bob").json()["objects"][0]
        self.assertEqual(obj["type"], "x-tansiq-message")
        self.assertEqual(obj["subject"], "stix form")
        self.assertIn(harness.TLP_AMBER, obj["object_marking_refs"])
        r = HUB.get(f"{HUB.coll_path('coalition')}objects/{mid}/", user="carol")
        self.assertEqual(r.status, 404)
        self.assertEqual(HUB.get(f"/api/v1/messages/{mid}", user="carol", accept=JSON).status, 404)
        # A recipient sees their own delivery line, not the others'.
        view = HUB.get(f"/api/v1/messages/{mid}", user="b2", accept=JSON).json()
        self.assertEqual([d["user"] for d in view["deliveries"]], ["b2"])
        self.assertNotIn("recipients", view)

    def test_bad_input_is_a_clear_4xx_and_changes_nothing(self):
        cases = [
            (b"{not json", JSON, 400),
            (json.dumps({"precedence": "urgent", "subject": "x",
                         "recipients": {"users": ["a2"]}}).encode(), JSON, 400),
            (json.dumps({"precedence": "flash", "subject": "x", "recipient": {"users": ["a2"]}})
             .encode(), JSON, 400),
            (json.dumps({"precedence": "flash", "subject": "x",
                         "recipients": {"users": ["nobody"]}}).encode(), JSON, 422),
            (json.dumps({"precedence": "flash", "subject": "x"}).encode(), "text/plain", 415),
        ]
        before = len(HUB.get("/api/v1/messages", user="alice", params={"box": "sent", "limit": 200},
                             accept=JSON).json()["messages"])
        for body, ctype, status in cases:
            r = HUB.request("POST", "/api/v1/messages", user="alice", body=body,
                            content_type=ctype, accept=JSON)
            self.assertEqual(r.status, status, body)
            self.assertTrue(r.json()["description"])
        after = len(HUB.get("/api/v1/messages", user="alice", params={"box": "sent", "limit": 200},
                            accept=JSON).json()["messages"])
        self.assertEqual(before, after)


class AckAndEscalation(unittest.TestCase):
    def test_missed_flash_deadline_realerts_escalates_and_tells_the_sender(self):
        alice, b2, b3 = connect("alice"), connect("b2"), connect("b3")
        for ws in (alice, b2, b3):
            drain(ws)
        mid = to_b(precedence="flash", recipients={"users": ["b2"]}, subject="FLASH test")
        f, _ = wait_for(b2, lambda f: f.get("id") == mid)
        b2.send_json({"kind": "received", "id": mid})
        wait_for(alice, lambda f: f.get("kind") == "delivery" and f.get("message_id") == mid
                 and f["state"] == "delivered")

        advance(601)  # past the 10-minute FLASH deadline
        realert, _ = wait_for(b2, lambda f: f.get("id") == mid and f.get("realert") == 1)
        esc, _ = wait_for(b3, lambda f: f.get("id") == mid)
        self.assertEqual(esc["escalated_for"], "b2")
        note, _ = wait_for(alice, lambda f: f.get("kind") == "delivery"
                           and f.get("message_id") == mid and f.get("state") == "escalated")
        self.assertEqual(note["recipient"], "b2")
        self.assertEqual(note["escalated_to"], ["b3"])

        view = HUB.get(f"/api/v1/messages/{mid}", user="alice", accept=JSON).json()
        states = {d["user"]: d for d in view["deliveries"]}
        self.assertEqual(states["b2"]["state"], "escalated")
        self.assertIsNotNone(states["b2"]["escalated_at"])
        self.assertEqual(states["b3"]["alternate_for"], "b2")

        r = HUB.request("POST", f"/api/v1/messages/{mid}/ack", user="b2", accept=JSON)
        self.assertEqual(r.status, 204)
        wait_for(alice, lambda f: f.get("kind") == "delivery" and f.get("message_id") == mid
                 and f["state"] == "acknowledged")
        view = HUB.get(f"/api/v1/messages/{mid}", user="alice", accept=JSON).json()
        b2_line = [d for d in view["deliveries"] if d["user"] == "b2"][0]
        self.assertEqual(b2_line["state"], "acknowledged")
        self.assertIsNotNone(b2_line["acknowledged_at"])
        # Acknowledging again changes nothing; a non-recipient cannot.
        self.assertEqual(HUB.request("POST", f"/api/v1/messages/{mid}/ack", user="b2",
                                     accept=JSON).status, 204)
        self.assertEqual(HUB.request("POST", f"/api/v1/messages/{mid}/ack", user="carol",
                                     accept=JSON).status, 404)
        for ws in (alice, b2, b3):
            ws.close()

    def test_alternate_outside_the_releasability_is_withheld(self):
        # c2's alternate is b3 (party b): a message releasable to c only never reaches b3.
        b3 = connect("b3")
        drain(b3)
        mid = send(precedence="flash", tlp="amber", releasable_to=[HUB.identity_of("c")],
                   recipients={"users": ["c2"]})
        advance(601)
        self.assertEqual(wait_withheld(mid, "c2", sender="alice"), ["b3"])
        self.assertNotIn(mid, [f.get("id") for f in b3.recv_all(quiet=0.7)])
        b3.close()

    def test_alternate_who_may_not_read_a_reference_is_withheld(self):
        # carol refers to a TLP:GREEN indicator party c keeps only in its private collection:
        # c2 (party c) may read it, c2's alternate b3 (party b) may not, though the markings of
        # message and indicator both release to b — so the escalation withholds b3.
        ind = harness.indicator(HUB.identity_of("c"), [harness.TLP_GREEN],
                                name="private " + uuid.uuid4().hex[:8],
                                pattern="[ipv4-addr:value = '198.18.7.7']")
        HUB.post_objects(HUB.coll_path("party-c", user="carol"), [ind], user="carol")
        b3 = connect("b3")
        drain(b3)
        mid = send(user="carol", precedence="flash", tlp="green", object_refs=[ind["id"]],
                   recipients={"users": ["c2"]})
        advance(601)
        self.assertEqual(wait_withheld(mid, "c2", sender="carol"), ["b3"])
        self.assertNotIn(mid, [f.get("id") for f in b3.recv_all(quiet=0.7)])
        self.assertEqual(HUB.get(f"/api/v1/messages/{mid}", user="b3", accept=JSON).status, 404)
        b3.close()

    def test_ack_by_frame(self):
        b4 = connect("b4")
        drain(b4)
        mid = to_b(precedence="immediate", recipients={"users": ["b4"]})
        wait_for(b4, lambda f: f.get("id") == mid)
        b4.send_json({"kind": "ack", "id": mid})
        b4.send_json({"kind": "ack", "id": "x-tansiq-message--" + str(uuid.uuid4())})
        err, _ = wait_for(b4, lambda f: f.get("kind") == "error")
        self.assertIn("no such message", err["message"])
        b4.send_text("not json")
        wait_for(b4, lambda f: f.get("kind") == "error")
        b4.close()
        wait_state("b4", mid, "acknowledged")


class HubDeadlines(unittest.TestCase):
    def test_deadlines_come_from_the_hub_toml_without_flags(self):
        hub = harness.Hub(users={"alice": ("a", ["officer"]), "a2": ("a", ["recipient"])},
                          extra_toml="\n[dissemination]\nflash_ack_minutes = 2\n"
                                     "immediate_ack_minutes = 0\n")
        clock = os.path.join(hub.dir, "clock-offset")
        with open(clock, "w") as f:
            f.write("0")
        try:
            hub.start(extra_args=["--clock-file", clock])
            ws = WebSocket("127.0.0.1", hub.port, "/api/v1/stream",
                           headers={"Authorization": harness.basic("a2")})
            r = hub.request("POST", "/api/v1/messages", user="alice", accept=JSON,
                            content_type=JSON, body={"precedence": "flash", "subject": "x",
                                                     "recipients": {"users": ["a2"]}})
            mid = r.json()["id"]
            wait_for(ws, lambda f: f.get("id") == mid and f.get("realert") == 0)
            with open(clock, "w") as f:
                f.write("121")  # past the hub's 2 minutes, far before the default 10
            f, _ = wait_for(ws, lambda f: f.get("id") == mid and f.get("realert") == 1)
            self.assertEqual(f["precedence"], "flash")
            ws.close()
        finally:
            hub.cleanup()

    def test_bad_dissemination_toml_is_refused_at_init(self):
        with self.assertRaises(AssertionError) as e:
            harness.Hub(users={"alice": ("a", ["officer"])},
                        extra_toml="\n[dissemination]\nflash_ack_minutes = -1\n")
        self.assertIn("flash_ack_minutes", str(e.exception))


class Inbox(unittest.TestCase):
    def test_inbox_is_ordered_by_precedence_then_newest(self):
        HUB_USER = "a2"
        ids = [send(recipients={"users": [HUB_USER]}, precedence=p)
               for p in ("routine", "flash", "priority", "immediate")]
        box = HUB.get("/api/v1/messages", user=HUB_USER, params={"limit": 200},
                      accept=JSON).json()["messages"]
        mine = [m for m in box if m["id"] in ids]
        self.assertEqual([m["precedence"] for m in mine],
                         ["flash", "immediate", "priority", "routine"])
        self.assertEqual(HUB.get("/api/v1/messages", user="a2", params={"box": "other"},
                                 accept=JSON).status, 400)


class Watches(unittest.TestCase):
    def test_watch_matches_new_visible_objects_in_any_spelling_and_nothing_hidden(self):
        r = HUB.request("POST", "/api/v1/watches", user="b4", accept=JSON, content_type=JSON,
                        body={"query": "الارهاب", "precedence": "priority"})
        self.assertEqual(r.status, 201, r.body)
        wid = r.json()["id"]
        listed = HUB.get("/api/v1/watches", user="b4", accept=JSON).json()["watches"]
        self.assertIn(wid, [w["id"] for w in listed])
        b4 = connect("b4")
        drain(b4)
        mark_b = harness.releasability_marking(HUB.identity_of("a"), [HUB.identity_of("b")])
        seen = harness.sdo("note", created_by=HUB.identity_of("a"),
                           markings=[harness.TLP_AMBER, mark_b["id"]],
                           content="مكافحة الإرهاب في المنطقة", object_refs=[mark_b["id"]])
        hidden = harness.sdo("note", created_by=HUB.identity_of("a"),
                             content="الإرهاب سري", object_refs=[mark_b["id"]])  # unmarked
        HUB.post_objects(HUB.coll_path("coalition"), [mark_b, seen, hidden], user="alice")
        f, _ = wait_for(b4, lambda f: f.get("kind") == "message"
                        and f.get("object_refs") == [seen["id"]])
        self.assertEqual(f["precedence"], "priority")
        self.assertTrue(f["subject"].startswith("Watch"))
        rest = b4.recv_all(quiet=1.5)
        self.assertNotIn(hidden["id"], json.dumps(rest))
        b4.close()
        self.assertEqual(HUB.request("DELETE", f"/api/v1/watches/{wid}", user="b3",
                                     accept=JSON).status, 404)  # not b3's
        self.assertEqual(HUB.request("DELETE", f"/api/v1/watches/{wid}", user="b4",
                                     accept=JSON).status, 204)

    def test_bad_watches_are_refused(self):
        for body in ({}, {"query": 5}, {"types": "indicator"}, {"parties": ["zz"]},
                     {"query": "x", "colour": "red"}, {"query": "x", "precedence": "asap"}):
            r = HUB.request("POST", "/api/v1/watches", user="b4", accept=JSON,
                            content_type=JSON, body=body)
            self.assertEqual(r.status, 400, body)


class Metrics(unittest.TestCase):
    def test_latency_histograms_for_hub_admins_only(self):
        b4 = connect("b4")
        drain(b4)
        mid = to_b(precedence="flash", recipients={"users": ["b4"]})
        wait_for(b4, lambda f: f.get("id") == mid)
        b4.send_json({"kind": "received", "id": mid})
        time.sleep(0.3)
        HUB.request("POST", f"/api/v1/messages/{mid}/ack", user="b4", accept=JSON)
        b4.close()
        r = HUB.get("/metrics", user="root", accept=None)
        self.assertEqual(r.status, 200)
        text = r.body.decode()
        self.assertIn("# TYPE tansiq_delivery_latency_seconds histogram", text)
        count = [l for l in text.splitlines()
                 if l.startswith('tansiq_ack_latency_seconds_count{precedence="flash"}')]
        self.assertTrue(count and int(count[0].split()[-1]) >= 1, text[:2000])
        self.assertEqual(HUB.get("/metrics", user="bob", accept=None).status, 403)


class ListenCommand(unittest.TestCase):
    def test_tansiq_listen_prints_frames_and_acknowledges_on_command(self):
        import subprocess
        import threading
        env = dict(os.environ, TANSIQ_PASSWORD=harness.password("b4"))
        proc = subprocess.Popen([HUB.bin, "listen", "--url", f"http://127.0.0.1:{HUB.port}",
                                 "--user", "b4"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")),
                                  daemon=True)
        reader.start()
        try:
            time.sleep(0.5)
            mid = to_b(recipients={"users": ["b4"]}, precedence="flash", subject="listen-test")
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline and not any(mid in l for l in lines):
                time.sleep(0.1)
            line = [l for l in lines if mid in l]
            self.assertTrue(line, lines)
            self.assertIn("[FLASH] listen-test", line[0])
            proc.stdin.write(f"ack {mid}\n")
            proc.stdin.flush()
            state = None
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline and state != "acknowledged":
                view = HUB.get(f"/api/v1/messages/{mid}", user="b4", accept=JSON).json()
                state = view["deliveries"][0]["state"]
                time.sleep(0.1)
            self.assertEqual(state, "acknowledged")
            proc.stdin.write("quit\n")
            proc.stdin.flush()
            self.assertEqual(proc.wait(10), 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def test_listen_with_a_bad_password_fails(self):
        import subprocess
        env = dict(os.environ, TANSIQ_PASSWORD="wrong")
        r = subprocess.run([HUB.bin, "listen", "--url", f"http://127.0.0.1:{HUB.port}",
                            "--user", "b4"], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, env=env, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("handshake", r.stderr)


class Durability(unittest.TestCase):
    def test_kill_9_between_send_and_delivery_still_delivers(self):
        ids = [to_b(recipients={"users": ["b4"]}, precedence="immediate") for _ in range(3)]
        HUB.proc.send_signal(signal.SIGKILL)
        HUB.proc.wait()
        HUB.proc = None
        start()
        b4 = connect("b4")
        got = {f["id"] for f in messages_of(drain(b4))}
        b4.close()
        self.assertTrue(set(ids) <= got, (ids, got))
        # The escalation timer resumed: the IMMEDIATE deadlines are tracked again.
        for mid in ids:
            HUB.request("POST", f"/api/v1/messages/{mid}/ack", user="b4", accept=JSON)
        r = HUB.cli("audit", "verify", "--db", HUB.db)
        self.assertEqual(r.returncode, 0)

    def test_kill_9_during_concurrent_ingest_and_messaging_loses_nothing_acknowledged(self):
        """Issue 7: kill -9 at a random moment while objects and messages are being written;
        every acknowledged message is then stored with its queue and reaches its recipient,
        every acknowledged object is stored, the database and the audit chain verify.
        TANSIQ_CRASH_ROUNDS sets the rounds (the slow tier runs 50)."""
        import http.client
        import random
        import sqlite3
        import threading
        rounds = int(os.environ.get("TANSIQ_CRASH_ROUNDS", "2"))
        acked_msgs, acked_objs = [], []
        coll = HUB.coll_path("coalition") + "objects/"
        ida = HUB.identity_of("a")
        for round_no in range(rounds):
            port = HUB.port
            stop = threading.Event()

            def messenger():
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                while not stop.is_set():
                    body = {"precedence": random.choice(["flash", "routine", "immediate"]),
                            "subject": "crash " + uuid.uuid4().hex[:6], "tlp": "amber",
                            "releasable_to": [HUB.identity_of("b")],
                            "recipients": {"users": ["b4"]}}
                    try:
                        c.request("POST", "/api/v1/messages", body=json.dumps(body).encode(),
                                  headers={"Authorization": harness.basic("alice"),
                                           "Content-Type": JSON, "Accept": JSON})
                        r = c.getresponse()
                        data = r.read()
                    except (OSError, http.client.HTTPException):
                        return
                    if r.status == 201:
                        acked_msgs.append(json.loads(data)["id"])

            def ingester():
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                while not stop.is_set():
                    batch = [harness.indicator(ida, [harness.TLP_GREEN]) for _ in range(10)]
                    try:
                        c.request("POST", coll, body=json.dumps({"objects": batch}).encode(),
                                  headers={"Authorization": harness.basic("alice"),
                                           "Content-Type": harness.TAXII,
                                           "Accept": harness.TAXII})
                        r = c.getresponse()
                        data = r.read()
                    except (OSError, http.client.HTTPException):
                        return
                    if r.status == 202 and json.loads(data)["success_count"] == 10:
                        acked_objs.extend(o["id"] for o in batch)

            threads = [threading.Thread(target=messenger), threading.Thread(target=messenger),
                       threading.Thread(target=ingester)]
            for t in threads:
                t.start()
            time.sleep(random.uniform(0.4, 1.5))
            HUB.proc.send_signal(signal.SIGKILL)
            HUB.proc.wait()
            HUB.proc = None
            stop.set()
            for t in threads:
                t.join()
            with sqlite3.connect(HUB.db) as db:
                self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
                stored_msgs = {r[0] for r in db.execute("SELECT id FROM messages")}
                queued = {r[0] for r in db.execute(
                    "SELECT message_id FROM deliveries d JOIN users u ON u.id = d.user_id "
                    "WHERE u.name = 'b4'")}
                stored_objs = {r[0] for r in db.execute("SELECT id FROM versions")}
            self.assertEqual([m for m in acked_msgs if m not in stored_msgs], [],
                             f"round {round_no}: message acknowledged but lost")
            self.assertEqual([m for m in acked_msgs if m not in queued], [],
                             f"round {round_no}: message stored without its delivery queue")
            self.assertEqual([o for o in acked_objs if o not in stored_objs], [],
                             f"round {round_no}: object acknowledged but lost")
            start()
        self.assertGreater(len(acked_msgs), 0)
        self.assertGreater(len(acked_objs), 0)
        b4 = connect("b4")
        got, deadline = set(), time.monotonic() + 60  # hundreds of frames on a loaded machine
        while not set(acked_msgs) <= got and time.monotonic() < deadline:
            f = b4.recv(timeout=2.0)
            if f is not None and f.get("kind") == "message":
                got.add(f["id"])
                b4.send_json({"kind": "received", "id": f["id"]})
        b4.close()
        self.assertEqual([m for m in acked_msgs if m not in got], [])
        for mid in acked_msgs:  # nothing left to escalate later in the module
            HUB.request("POST", f"/api/v1/messages/{mid}/ack", user="b4", accept=JSON)
        r = HUB.cli("audit", "verify", "--db", HUB.db, check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
