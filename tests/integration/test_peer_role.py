"""The `peer` role (issue 15): a federation link's remote account reads and writes as its
party, receives the messages addressed to its party on behalf of the node whatever roles they
name, and cannot log in to the web UI. Real `tansiq serve`, real HTTP."""
import json
import os
import subprocess
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

JSON = "application/json"
USERS = dict(harness.USERS)
USERS["a-link"] = ("a", ["peer"])
HUB = None


def setUpModule():
    global HUB
    HUB = harness.module_hub(users=USERS)


def tearDownModule():
    HUB.cleanup()


def login(user):
    origin = f"http://127.0.0.1:{HUB.port}"
    return HUB.request("POST", "/api/v1/session", user=None, accept=JSON, content_type=JSON,
                       body={"user": user, "password": harness.password(user)},
                       headers={"Origin": origin, "Sec-Fetch-Mode": "cors"})


class PeerRole(unittest.TestCase):
    def test_peer_cannot_log_in_to_the_web_ui_and_the_refusal_is_audited(self):
        r = login("a-link")
        self.assertEqual(r.status, 403, r)
        self.assertIsNone(r.header("Set-Cookie"))
        self.assertIn("peer", r.json()["description"] if "description" in r.json()
                      else json.dumps(r.json()))
        self.assertEqual(login("alice").status, 200)
        rows = [row for row in HUB.audit_rows() if row[4] == "session.login"]
        self.assertTrue(any(row[2] == "a-link" and "peer" in row[6] for row in rows), rows)

    def test_peer_reads_and_writes_as_its_party_over_taxii(self):
        coll = HUB.coll_path("coalition", user="a-link")
        obj = harness.indicator(created_by=HUB.identity_of("a"), markings=[harness.TLP_GREEN])
        HUB.post_objects(coll, [obj], user="a-link")
        r = HUB.get(coll + f"objects/{obj['id']}/", user="alice")
        self.assertEqual(r.status, 200, r)
        # Another party's identity is refused, as for any writer of party a.
        other = harness.indicator(created_by=HUB.identity_of("b"), markings=[harness.TLP_GREEN])
        r = HUB.post_objects(coll, [other], user="a-link", expect_ok=False)
        self.assertEqual(r.json().get("failure_count"), 1, r)
        # What party b keeps to itself stays invisible to a's link.
        secret = harness.indicator(created_by=HUB.identity_of("b"))
        HUB.post_objects(HUB.coll_path("coalition", user="bob"), [secret], user="bob")
        self.assertEqual(HUB.get(coll + f"objects/{secret['id']}/", user="a-link").status, 404)

    def test_peer_receives_messages_addressed_to_its_party_whatever_the_roles(self):
        subject = "to a's recipients " + uuid.uuid4().hex[:6]
        r = HUB.request("POST", "/api/v1/messages", user="bob", content_type=JSON, accept=JSON,
                        body={"precedence": "flash", "subject": subject, "tlp": "green",
                              "recipients": {"parties": ["a"], "roles": ["recipient"]}})
        self.assertEqual(r.status, 201, r)
        got = HUB.wait_inbox("a-link", lambda m: m.get("subject") == subject)
        self.assertEqual(got[0]["precedence"], "flash")
        HUB.wait_inbox("a2", lambda m: m.get("subject") == subject)
        # Addressed to party b only: a's link gets nothing.
        other = "to b " + uuid.uuid4().hex[:6]
        r = HUB.request("POST", "/api/v1/messages", user="alice", content_type=JSON, accept=JSON,
                        body={"precedence": "routine", "subject": other, "tlp": "green",
                              "recipients": {"parties": ["b"]}})
        self.assertEqual(r.status, 201, r)
        HUB.wait_inbox("bob", lambda m: m.get("subject") == other)
        self.assertFalse([m for m in HUB.inbox("a-link") if m.get("subject") == other])

    def test_peer_role_is_held_alone(self):
        cfg = os.path.join(HUB.dir, "bad.toml")
        with open(cfg, "w") as f:
            f.write('[hub]\nname = "x"\n\n[[party]]\nid = "a"\nname = "A"\n\n[[user]]\n'
                    'name = "mix"\nparty = "a"\nroles = ["peer", "officer"]\n'
                    f'password = {json.dumps(harness.password("mix"))}\n')
        r = subprocess.run([HUB.bin, "init", "--db", os.path.join(HUB.dir, "bad.db"),
                            "--config", cfg], capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("peer", r.stderr + r.stdout)


if __name__ == "__main__":
    unittest.main()
