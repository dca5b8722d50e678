"""Authentication: Basic and Bearer succeed; missing, malformed or wrong credentials give 401 with
WWW-Authenticate and a TAXII error; a disabled user is refused; repeated bad passwords -> 429."""
import os
import sys
import base64
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = H.ModuleHub()  # started by setUpModule, stopped by tearDownModule
setUpModule, tearDownModule = hub.setup, hub.teardown
PROTECTED = ["/taxii2/hub/", "/taxii2/hub/collections/", "/api/v1/parties"]


def patient(fn, *a, **kw):
    """Run a request; if the server throttles the whole client address (429 with a short
    Retry-After), wait and retry, so that only test_zz_throttling depends on the threshold."""
    for _ in range(2):
        r = fn(*a, **kw)
        ra = r.header("Retry-After")
        if r.status != 429 or not (ra or "").isdigit() or int(ra) > 15:
            return r
        time.sleep(int(ra) + 0.3)
    return r


def pget(*a, **kw):
    return patient(hub.get, *a, **kw)


class Auth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.coal = hub.coll_path("coalition")
        cls.paths = PROTECTED + [cls.coal, cls.coal + "objects/", cls.coal + "manifest/"]

    def assert401(self, r):
        self.assertEqual(r.status, 401, r)
        www = r.header("WWW-Authenticate")
        self.assertTrue(www, f"401 without WWW-Authenticate: {r}")
        self.assertTrue("basic" in www.lower() or "bearer" in www.lower(), www)
        if r.body and H.is_taxii_ct(r.header("Content-Type")):
            H.check_error(self, r, 401)

    def test_basic_and_bearer_ok(self):
        for p in self.paths:
            self.assertEqual(pget(p).status, 200, p)
            self.assertEqual(pget(p, auth="bearer").status, 200, p)
            self.assertEqual(pget(p, user="carol", auth="bearer").status, 200, p)

    def test_no_auth(self):
        for p in self.paths:
            r = pget(p, user=None)
            self.assert401(r)
            if p.startswith("/taxii2/"):
                H.check_error(self, r, 401)         # a TAXII error resource
        self.assert401(patient(hub.post, self.coal + "objects/", {"objects": [H.indicator()]}, user=None))
        self.assert401(patient(hub.request, "DELETE", self.coal + f"objects/{H.sid('indicator')}/", user=None))

    def test_bad_password(self):
        # spread over several users so that no single user reaches the throttling threshold
        users = ["a2", "ana", "b2", "adam", "root", "a2"]
        for p, u in zip(self.paths, users):
            self.assert401(pget(p, user=None, headers={"Authorization": H.basic(u, "wrong")}))

    def test_unknown_user(self):
        self.assert401(pget(self.coal, user=None, headers={"Authorization": H.basic("mallory", "x")}))

    def test_bad_token(self):
        good = hub.token("alice")
        for tok in ("nope", good[:-1] + ("A" if good[-1] != "A" else "B"), good + "x", "", " "):
            self.assert401(pget(self.coal, user=None, headers={"Authorization": f"Bearer {tok}"}))

    def test_malformed_authorization(self):
        for a in ("Basic", "Basic !!!notbase64!!!", "Basic " + base64.b64encode(b"nocolon").decode(),
                  "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(), "Digest username=alice",
                  "Bearer", "alice:password", "Basic " + "A" * 10000):
            self.assert401(pget(self.coal, user=None, headers={"Authorization": a}))
        self.assertEqual(pget(self.coal).status, 200)       # server is fine

    def test_password_with_token_scheme_and_vice_versa(self):
        self.assert401(pget(self.coal, user=None,
                               headers={"Authorization": "Bearer " + base64.b64encode(
                                   H.password("alice").encode()).decode()}))
        raw = f"alice:{hub.token('alice')}".encode()
        r = pget(self.coal, user=None, headers={"Authorization": "Basic " + base64.b64encode(raw).decode()})
        self.assert401(r)

    def test_token_is_bound_to_its_user(self):
        tok = hub.token("bob")
        r = pget("/taxii2/hub/collections/", user=None, headers={"Authorization": f"Bearer {tok}"})
        aliases = {c["alias"]: c for c in r.json()["collections"]}
        self.assertTrue(aliases["party-b"]["can_read"])
        if "party-a" in aliases:
            self.assertFalse(aliases["party-a"]["can_read"])

    def test_disabled_user(self):
        tok = hub.token("dave")
        self.assertEqual(pget(self.coal, user="dave").status, 200)
        self.assertEqual(pget(self.coal, user="dave", auth="bearer").status, 200)
        hub.cli("user", "disable", "dave", "--db", hub.db)
        r = pget(self.coal, user="dave")
        self.assertIn(r.status, (401, 403), r)
        if r.status == 401:
            self.assert401(r)
        r = pget(self.coal, user=None, headers={"Authorization": f"Bearer {tok}"})
        self.assertIn(r.status, (401, 403), r)
        r = patient(hub.post, self.coal + "objects/", {"objects": [H.indicator(None, [H.TLP_GREEN])]}, user="dave")
        self.assertIn(r.status, (401, 403), r)
        # others unaffected
        self.assertEqual(pget(self.coal, user="bob").status, 200)

    def test_zz_throttling(self):
        """Runs last in this class (name order): bad passwords for trudy eventually give 429."""
        statuses = []
        for _ in range(20):
            r = hub.get(self.coal, user=None, headers={"Authorization": H.basic("trudy", "bad-guess")})
            statuses.append(r.status)
            self.assertIn(r.status, (401, 429), r)
            if r.status == 429:
                H.check_error(self, r, 429)
                break
        self.assertIn(429, statuses, f"no throttling after 20 bad passwords: {statuses}")
        # while throttled, even the right password is refused with 429 (no oracle)
        r = hub.get(self.coal, user="trudy")
        self.assertEqual(r.status, 429, r)
        # another user is unaffected
        self.assertEqual(hub.get(self.coal, user="carol").status, 200)
        self.assertEqual(hub.get(self.coal, user="alice", auth="bearer").status, 200)


if __name__ == "__main__":
    unittest.main()
