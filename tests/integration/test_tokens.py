"""API tokens can be listed, revoked, limited in time and in scope (issue 19 item 4), from
the CLI and the REST API: read-only tokens change nothing, metrics tokens read /metrics only,
expired and revoked tokens are refused, and administrators see their own party's users'."""
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

JSON = "application/json"
USERS = {
    "alice": ("a", ["officer"]),
    "adam": ("a", ["admin"]),
    "bob": ("b", ["officer"]),
    "root": ("c", ["hub-admin"]),
}
HUB = None


def setUpModule():
    global HUB
    HUB = H.Hub(users=USERS)
    HUB.start()


def tearDownModule():
    HUB.cleanup()


def bearer(token, method, path, body=None, accept=JSON):
    return HUB.request(method, path, user=None, accept=accept, body=body,
                       headers={"Authorization": f"Bearer {token}"},
                       content_type=JSON if body is not None else None)


def cli_token(user, *args):
    out = HUB.cli("token", "create", user, "--db", HUB.db, *args).stdout.strip().splitlines()
    return out[-1].strip()


def cli_list(*args):
    lines = HUB.cli("token", "list", "--db", HUB.db, *args).stdout.strip().splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, l.split("\t"))) for l in lines[1:]]


class Cli(unittest.TestCase):
    def test_create_list_revoke(self):
        secret = cli_token("alice", "--label", "laptop")
        self.assertEqual(bearer(secret, "GET", "/api/v1/whoami").status, 200)
        mine = [t for t in cli_list("alice") if t["label"] == "laptop"]
        self.assertEqual(len(mine), 1, mine)
        t = mine[0]
        self.assertEqual((t["user"], t["party"], t["scope"], t["expires"]),
                         ("alice", "a", "full", "-"))
        self.assertNotIn(secret, json.dumps(cli_list()))
        self.assertRegex(t["created"], r"^\d{4}-\d\d-\d\dT.*Z$")
        # The last use is written behind the request, through the store's writer queue: wait
        # for it (bounded) rather than race it.
        deadline = time.monotonic() + 10 * H.TIME_SCALE
        while t["last_used"] == "-" and time.monotonic() < deadline:
            time.sleep(0.05)
            t = [x for x in cli_list("alice") if x["label"] == "laptop"][0]
        self.assertRegex(t["last_used"], r"^\d{4}-\d\d-\d\dT.*Z$", "last use recorded")
        HUB.cli("token", "revoke", t["id"], "--db", HUB.db)
        self.assertEqual(bearer(secret, "GET", "/api/v1/whoami").status, 401)
        self.assertNotIn(t["id"], [x["id"] for x in cli_list()])
        r = HUB.cli("token", "revoke", t["id"], "--db", HUB.db, check=False)
        self.assertNotEqual(r.returncode, 0)
        actions = [(a[4], a[5]) for a in HUB.audit_rows()]  # action, target
        self.assertIn(("token.revoke", f"alice {t['id']}"), actions)

    def test_bad_options_are_refused(self):
        for args in (["--scope", "admin"], ["--expires-days", "-1"]):
            with self.subTest(args=args):
                r = HUB.cli("token", "create", "alice", "--db", HUB.db, *args, check=False)
                self.assertNotEqual(r.returncode, 0)


class Scopes(unittest.TestCase):
    def test_read_only_token_reads_and_changes_nothing(self):
        token = cli_token("alice", "--scope", "read", "--label", "reader")
        self.assertEqual(bearer(token, "GET", "/api/v1/whoami").status, 200)
        coll = HUB.coll_path("coalition")
        self.assertEqual(bearer(token, "GET", coll + "objects/", accept=H.TAXII).status, 200)
        r = HUB.request("POST", coll + "objects/", user=None,
                        body={"objects": [H.indicator(HUB.identity_of("a"))]},
                        headers={"Authorization": f"Bearer {token}"})
        self.assertEqual(r.status, 403, r)
        for method, path, body in (("POST", "/api/v1/tokens", {"label": "more"}),
                                   ("POST", "/api/v1/watches", {"keywords": ["x"]}),
                                   ("DELETE", "/api/v1/tokens/0123456789abcdef", None)):
            with self.subTest(path=path):
                self.assertEqual(bearer(token, method, path, body).status, 403)

    def test_metrics_token_reads_metrics_only(self):
        token = cli_token("root", "--scope", "metrics", "--label", "prometheus")
        r = bearer(token, "GET", "/metrics", accept=None)
        self.assertEqual(r.status, 200, r)
        for method, path in (("GET", "/api/v1/whoami"), ("GET", "/taxii2/hub/collections/"),
                             ("GET", "/api/v1/search?q=x"), ("POST", "/api/v1/tokens")):
            with self.subTest(path=path):
                self.assertEqual(bearer(token, method, path,
                                        {} if method == "POST" else None).status, 403)

    def test_expired_token_is_refused(self):
        secret = cli_token("bob", "--expires-days", "1", "--label", "soon")
        self.assertEqual(bearer(secret, "GET", "/api/v1/whoami").status, 200)
        t = [t for t in cli_list("bob") if t["label"] == "soon"][0]
        self.assertNotEqual(t["expires"], "-")
        # Expire it in the database itself (the server reads the token on every call).
        import sqlite3
        with sqlite3.connect(HUB.db) as db:
            db.execute("UPDATE tokens SET expires = 1 WHERE id = ?", (t["id"],))
        r = bearer(secret, "GET", "/api/v1/whoami")
        self.assertEqual(r.status, 401, r)


class Rest(unittest.TestCase):
    def post(self, token, body):
        return bearer(token, "POST", "/api/v1/tokens", body)

    def test_own_tokens_create_list_revoke(self):
        full = cli_token("alice", "--label", "rest")
        r = self.post(full, {"label": "ci", "scope": "read", "expires_days": 30})
        self.assertEqual(r.status, 201, r)
        created = r.json()
        self.assertEqual((created["label"], created["scope"], created["user"]), ("ci", "read",
                                                                                  "alice"))
        self.assertTrue(created["token"].startswith("tsq_"))
        self.assertIsNotNone(created["expires"])
        listed = bearer(full, "GET", "/api/v1/tokens").json()["tokens"]
        self.assertIn(created["id"], [t["id"] for t in listed])
        self.assertTrue(all(t["user"] == "alice" for t in listed))
        self.assertNotIn("token", json.dumps(listed).replace('"tokens"', ""))
        self.assertEqual(bearer(full, "DELETE", f"/api/v1/tokens/{created['id']}").status, 204)
        self.assertEqual(bearer(created["token"], "GET", "/api/v1/whoami").status, 401)

    def test_bad_requests(self):
        full = cli_token("alice", "--label", "rest2")
        for body in ({"label": ""}, {"label": "x", "scope": "root"},
                     {"label": "x", "expires_days": 0}, {"label": "x", "extra": 1}, {}):
            with self.subTest(body=body):
                self.assertEqual(self.post(full, body).status, 400)

    def test_admins_see_and_revoke_their_partys_tokens_only(self):
        alice_secret = cli_token("alice", "--label", "alice-box")
        bob_secret = cli_token("bob", "--label", "bob-box")
        adam = cli_token("adam", "--label", "admin-box")
        alice_id = [t for t in cli_list("alice") if t["label"] == "alice-box"][0]["id"]
        bob_id = [t for t in cli_list("bob") if t["label"] == "bob-box"][0]["id"]
        seen = bearer(adam, "GET", "/api/v1/tokens?user=*").json()["tokens"]
        self.assertIn(alice_id, [t["id"] for t in seen])
        self.assertNotIn(bob_id, [t["id"] for t in seen])
        self.assertEqual(bearer(adam, "GET", "/api/v1/tokens?user=bob").status, 404)
        self.assertEqual(bearer(adam, "DELETE", f"/api/v1/tokens/{bob_id}").status, 404)
        self.assertEqual(bearer(bob_secret, "GET", "/api/v1/whoami").status, 200)
        # A user cannot revoke another's token either.
        self.assertEqual(bearer(bob_secret, "DELETE", f"/api/v1/tokens/{alice_id}").status, 404)
        self.assertEqual(bearer(adam, "DELETE", f"/api/v1/tokens/{alice_id}").status, 204)
        self.assertEqual(bearer(alice_secret, "GET", "/api/v1/whoami").status, 401)
        root = cli_token("root", "--label", "root-box")
        every = bearer(root, "GET", "/api/v1/tokens?user=*").json()["tokens"]
        self.assertIn(bob_id, [t["id"] for t in every])


if __name__ == "__main__":
    unittest.main()
