"""Party admins manage their own party's users (issue 18) through the endpoints hub-admins use:
add users to their own party, change their roles, alternates (deputies), state, language and
password — but grant only officer, analyst, recipient or admin (never hub-admin or peer), never
touch another party's users (404, word for word the answer for a missing user, so user names of
other parties cannot be probed), never change a hub-admin's account, never disable themselves
nor drop their own admin role. Across two parties, each refusal changes nothing."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

JSON = "application/json"
USERS = {
    "adam": ("a", ["admin"]),
    "alice": ("a", ["officer"]),
    "ana": ("a", ["analyst", "recipient"]),
    "ahub": ("a", ["hub-admin", "officer"]),  # a hub-admin of party a: beyond adam's reach
    "bea": ("b", ["admin", "officer"]),
    "bob": ("b", ["officer"], ["bea"]),
    "root": ("c", ["hub-admin"]),
}
HUB = None
STRONG = "correct horse battery"


def setUpModule():
    global HUB
    HUB = H.Hub(users=USERS)
    HUB.start()


def tearDownModule():
    HUB.cleanup()


def api(method, path, body=None, user="root", pw=None):
    h = {}
    if pw is not None:
        h["Authorization"] = H.basic(user, pw)
        user = None
    return HUB.request(method, path, user=user, accept=JSON, body=body, headers=h,
                       content_type=JSON if body is not None else None)


def everyone():
    r = api("GET", "/api/v1/admin/users")
    assert r.status == 200, r
    return {u["name"]: u for u in r.json()["users"]}


def whoami(user, pw=None):
    return api("GET", "/api/v1/whoami", user=user, pw=pw if pw is not None else H.password(user))


def audit(action):
    return [(row[2], row[3], row[5]) for row in HUB.audit_rows() if row[4] == action]


class Allowed(unittest.TestCase):
    def test_a_party_admin_adds_a_user_to_their_own_party(self):
        for admin, party, name, alternate in (("adam", "a", "anew", "alice"), ("bea", "b", "bnew", "bob")):
            r = api("POST", "/api/v1/admin/users",
                    {"name": name, "party": party, "roles": ["officer", "recipient"],
                     "password": STRONG, "alternates": [alternate], "lang": "ar"}, user=admin)
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.json(), {"name": name, "party": party, "roles": ["officer", "recipient"],
                                        "alternates": [alternate], "enabled": True, "lang": "ar"})
            self.assertEqual(whoami(name, STRONG).json()["party"], party)
            self.assertIn((admin, party, name), audit("user.add"))
        # A co-admin: a party admin may grant admin.
        r = api("POST", "/api/v1/admin/users",
                {"name": "acoadmin", "party": "a", "roles": ["admin"], "password": STRONG}, user="adam")
        self.assertEqual(r.status, 201, r)
        self.assertNotIn(STRONG, repr(HUB.audit_rows()))

    def test_a_party_admin_changes_their_own_partys_users(self):
        r = api("PATCH", "/api/v1/admin/users/alice",
                {"roles": ["officer", "analyst", "recipient"], "alternates": ["ana"], "lang": "fa"},
                user="adam")
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["roles"], r.json()["alternates"], r.json()["lang"]),
                         (["officer", "analyst", "recipient"], ["ana"], "fa"))
        self.assertEqual(whoami("alice").json()["roles"], ["officer", "analyst", "recipient"])
        # Disabled at once, enabled again; a new password replaces the old one.
        self.assertEqual(api("PATCH", "/api/v1/admin/users/alice", {"enabled": False}, user="adam").json()["enabled"], False)
        self.assertEqual(whoami("alice").status, 401)
        self.assertEqual(api("PATCH", "/api/v1/admin/users/alice", {"enabled": True}, user="adam").status, 200)
        new = "a new long passphrase"
        self.assertEqual(api("PATCH", "/api/v1/admin/users/alice", {"password": new}, user="adam").status, 200)
        self.assertEqual(whoami("alice").status, 401)
        self.assertEqual(whoami("alice", new).status, 200)
        self.assertEqual(api("PATCH", "/api/v1/admin/users/alice",
                             {"password": H.password("alice"), "roles": ["officer"], "alternates": []},
                             user="adam").status, 200)
        # The other party's admin does the same in theirs.
        r = api("PATCH", "/api/v1/admin/users/bob", {"roles": ["officer", "admin"], "lang": "ru"}, user="bea")
        self.assertEqual((r.status, r.json()["roles"]), (200, ["officer", "admin"]), r)
        self.assertEqual(api("PATCH", "/api/v1/admin/users/bob", {"roles": ["officer"]}, user="bea").status, 200)
        # A party admin changes their own language, password, and roles keeping admin.
        r = api("PATCH", "/api/v1/admin/users/adam", {"lang": "en", "roles": ["admin", "officer"]}, user="adam")
        self.assertEqual((r.status, r.json()["roles"]), (200, ["officer", "admin"]), r)
        self.assertEqual(api("PATCH", "/api/v1/admin/users/adam", {"roles": ["admin"]}, user="adam").status, 200)
        self.assertIn(("adam", "a", "alice (roles alternates lang)"), audit("user.change"))
        self.assertIn(("bea", "b", "bob (roles lang)"), audit("user.change"))


class Refused(unittest.TestCase):
    def setUp(self):
        self.before = everyone()

    def tearDown(self):
        self.assertEqual(everyone(), self.before)

    def test_officers_manage_nothing(self):
        for method, path, body in [
            ("POST", "/api/v1/admin/users", {"name": "x1", "party": "a", "roles": ["officer"], "password": STRONG}),
            ("PATCH", "/api/v1/admin/users/ana", {"lang": "ru"}),
            ("PATCH", "/api/v1/admin/users/alice", {"lang": "ru"}),
        ]:
            H.check_error(self, api(method, path, body, user="alice"), 403)

    def test_no_users_added_to_another_party(self):
        for admin, other in (("adam", "b"), ("bea", "a"), ("adam", "c")):
            j = H.check_error(self, api("POST", "/api/v1/admin/users",
                                        {"name": "intruder", "party": other, "roles": ["officer"],
                                         "password": STRONG}, user=admin), 403)
            self.assertIn("party", j["error"]["message"])
        self.assertEqual(whoami("intruder", STRONG).status, 401)

    def test_never_hub_admin_nor_peer(self):
        for roles, field in ((["hub-admin"], "roles[0]"), (["officer", "hub-admin"], "roles[1]"),
                             (["peer"], "roles[0]")):
            j = H.check_error(self, api("POST", "/api/v1/admin/users",
                                        {"name": "x2", "party": "a", "roles": roles, "password": STRONG},
                                        user="adam"), 403)
            self.assertIn(field, j["error"]["message"])
            for target in ("alice", "adam"):
                j = H.check_error(self, api("PATCH", f"/api/v1/admin/users/{target}", {"roles": roles},
                                            user="adam"), 403)
                self.assertIn(field, j["error"]["message"])

    def test_another_partys_user_answers_as_a_missing_user(self):
        bodies = [{"enabled": False}, {"password": STRONG}, {"roles": ["officer"]}, {"lang": "ru"},
                  {"roles": ["hub-admin"]}, {"alternates": ["alice"]}, {"lang": "xx"}, {}]
        for admin, other in (("adam", "bob"), ("adam", "bea"), ("adam", "root"), ("bea", "alice"),
                             ("bea", "adam")):
            for body in bodies:
                got = api("PATCH", f"/api/v1/admin/users/{other}", body, user=admin)
                missing = api("PATCH", "/api/v1/admin/users/nobody-here", body, user=admin)
                self.assertEqual(got.status, missing.status, (admin, other, body, got))
                self.assertIn(got.status, (400, 403, 404), got)
                self.assertEqual(got.body.replace(other.encode(), b"N"),
                                 missing.body.replace(b"nobody-here", b"N"), (admin, other, body))
            self.assertEqual(api("PATCH", f"/api/v1/admin/users/{other}", {"lang": "ru"}, user=admin).status, 404)
        # Alternates of another party: the answer for a user who does not exist.
        add = {"name": "x3", "party": "a", "roles": ["officer"], "password": STRONG}
        for method, path, body in (("PATCH", "/api/v1/admin/users/alice", {}),
                                   ("POST", "/api/v1/admin/users", add)):
            real = api(method, path, {**body, "alternates": ["bob"]}, user="adam")
            ghost = api(method, path, {**body, "alternates": ["ghost"]}, user="adam")
            j = H.check_error(self, real, 400)
            self.assertIn("alternates[0]", j["error"]["message"])
            self.assertEqual(real.body.replace(b"bob", b"N"), ghost.body.replace(b"ghost", b"N"))
        # Another party's user never appears in a party admin's list.
        r = api("GET", "/api/v1/admin/users", user="adam")
        self.assertEqual({u["party"] for u in r.json()["users"]}, {"a"})

    def test_a_hub_admins_account_is_beyond_a_party_admin(self):
        for body in ({"password": STRONG}, {"enabled": False}, {"roles": ["officer"]}, {"lang": "ru"}):
            H.check_error(self, api("PATCH", "/api/v1/admin/users/ahub", body, user="adam"), 403)
        self.assertEqual(whoami("ahub").status, 200)

    def test_never_disable_themselves_nor_drop_their_admin_role(self):
        for body, field in (({"enabled": False}, "yourself"), ({"roles": ["officer"]}, "admin role"),
                            ({"roles": ["officer"], "lang": "ru"}, "admin role")):
            j = H.check_error(self, api("PATCH", "/api/v1/admin/users/adam", body, user="adam"), 422)
            self.assertIn(field, j["error"]["message"])
        self.assertEqual(whoami("adam").json()["roles"], ["admin"])

    def test_bad_input_from_a_party_admin_changes_nothing(self):
        for name, body, status, field in [
            ("alice", {"roles": []}, 400, "roles"),
            ("alice", {"roles": ["boss"]}, 400, "roles[0]"),
            ("alice", {"password": "short"}, 400, "password"),
            ("alice", {"lang": "de"}, 400, "lang"),
            ("alice", {"party": "b"}, 400, "party"),
            ("alice", {"roles": ["analyst"], "lang": "xx"}, 400, "lang"),
        ]:
            j = H.check_error(self, api("PATCH", f"/api/v1/admin/users/{name}", body, user="adam"), status)
            self.assertIn(field, j["error"]["message"], (body, j))
        # A taken name is a conflict whichever party holds it (user names are hub-wide).
        H.check_error(self, api("POST", "/api/v1/admin/users",
                                {"name": "alice", "party": "a", "roles": ["officer"], "password": STRONG},
                                user="adam"), 409)


if __name__ == "__main__":
    unittest.main()
