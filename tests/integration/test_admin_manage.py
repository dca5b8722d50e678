"""Administration that manages (issue 18): a hub-admin adds parties and users and changes a
user's roles, alternates, state, language and password through the REST API the web UI uses.
Hub-admins only (403 for party admins and officers), CSRF for cookie sessions, strict input
(4xx naming the field, nothing changed), the CLI's password rule, an audit record for each
change that never carries a password."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

JSON = "application/json"
USERS = {
    "alice": ("a", ["officer"]),
    "adam": ("a", ["admin"]),
    "bob": ("b", ["officer"], ["alice"]),
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


def api(method, path, body=None, user="root", pw=None, headers=None):
    h = dict(headers or {})
    if pw is not None:
        h["Authorization"] = H.basic(user, pw)
        user = None
    return HUB.request(method, path, user=user, accept=JSON, body=body, headers=h,
                       content_type=JSON if body is not None else None)


def users():
    r = api("GET", "/api/v1/admin/users")
    assert r.status == 200, r
    return {u["name"]: u for u in r.json()["users"]}


def parties():
    return {p["id"]: p for p in HUB.parties_api("root")}


def audit(action):
    return [row for row in HUB.audit_rows() if row[4] == action]


class Permissions(unittest.TestCase):
    def test_only_hub_admins_manage(self):
        before_users, before_parties = users(), parties()
        for who in ("alice", "adam"):
            for method, path, body in [
                ("POST", "/api/v1/admin/parties", {"code": "zz", "name": "Zed"}),
                ("POST", "/api/v1/admin/users", {"name": "eve", "party": "a", "roles": ["hub-admin"],
                                                 "password": STRONG}),
                ("PATCH", "/api/v1/admin/users/alice", {"roles": ["hub-admin"]}),
                ("PATCH", f"/api/v1/admin/users/{who}", {"roles": ["hub-admin"]}),
            ]:
                r = api(method, path, body, user=who)
                H.check_error(self, r, 403)
        self.assertEqual(users(), before_users)
        self.assertEqual(parties(), before_parties)

    def test_cookie_sessions_need_the_csrf_token(self):
        origin = f"http://127.0.0.1:{HUB.port}"
        r = HUB.request("POST", "/api/v1/session", user=None, accept=JSON, content_type=JSON,
                        body={"user": "root", "password": H.password("root")},
                        headers={"Origin": origin, "Sec-Fetch-Mode": "cors"})
        self.assertEqual(r.status, 200, r)
        cookie = re.match(r"tansiq_session=([^;]*)", r.header("Set-Cookie")).group(1)
        csrf = r.json()["csrf"]
        h = {"Cookie": f"tansiq_session={cookie}", "Origin": origin, "Sec-Fetch-Mode": "cors"}
        body = {"name": "csrf-user", "party": "a", "roles": ["officer"], "password": STRONG}
        r = HUB.request("POST", "/api/v1/admin/users", user=None, accept=JSON, body=body,
                        headers=h, content_type=JSON)
        H.check_error(self, r, 403)
        self.assertNotIn("csrf-user", users())
        r = HUB.request("POST", "/api/v1/admin/users", user=None, accept=JSON, body=body,
                        headers={**h, "X-CSRF-Token": csrf}, content_type=JSON)
        self.assertEqual(r.status, 201, r)
        self.assertIn("csrf-user", users())


class Parties(unittest.TestCase):
    def test_add_a_party(self):
        r = api("POST", "/api/v1/admin/parties", {"code": "jo", "name": "الأردن"})
        self.assertEqual(r.status, 201, r)
        j = r.json()
        self.assertEqual((j["id"], j["name"]), ("jo", "الأردن"))
        self.assertRegex(j["identity"], r"^identity--[0-9a-f-]{36}$")
        self.assertEqual(parties()["jo"]["identity"], j["identity"])
        # Its identity is published; its private collection exists; a user can be added to it.
        r = api("POST", "/api/v1/admin/users",
                {"name": "jo-officer", "party": "jo", "roles": ["officer"], "password": STRONG})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(api("GET", "/api/v1/whoami", user="jo-officer", pw=STRONG).json()["party"], "jo")
        rows = [(row[2], row[3], row[5], row[6]) for row in audit("party.add") if row[2] != "-"]
        self.assertEqual(rows, [("root", "c", "jo", "ok")])

    def test_bad_parties_change_nothing(self):
        before = parties()
        identity = before["a"]["identity"]
        for body, status, field in [
            ({"code": "a", "name": "again"}, 409, None),
            ({"code": "Bad Code", "name": "x"}, 400, "party id"),
            ({"code": "ok-code"}, 400, "name"),
            ({"name": "x"}, 400, "code"),
            ({"code": "ok2", "name": "x", "colour": "red"}, 400, "colour"),
            ({"code": "ok3", "name": 7}, 400, "name"),
            ({"code": "ok4", "name": "x", "identity": "indicator--" + "0" * 36}, 400, "identity"),
            ({"code": "ok5", "name": "x", "identity": identity}, 409, None),
        ]:
            r = api("POST", "/api/v1/admin/parties", body)
            j = H.check_error(self, r, status)
            if field:
                self.assertIn(field, j["error"]["message"], (body, j))
        r = api("POST", "/api/v1/admin/parties", b"{not json", headers={})
        H.check_error(self, r, 400)
        self.assertEqual(parties(), before)


class Users(unittest.TestCase):
    def test_add_a_user_who_can_sign_in(self):
        r = api("POST", "/api/v1/admin/users", {"name": "carol", "party": "b", "roles": ["officer", "recipient"],
                                                "password": STRONG, "alternates": ["bob"], "lang": "ar"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json(), {"name": "carol", "party": "b", "roles": ["officer", "recipient"],
                                    "alternates": ["bob"], "enabled": True, "lang": "ar"})
        who = api("GET", "/api/v1/whoami", user="carol", pw=STRONG)
        self.assertEqual(who.status, 200, who)
        self.assertEqual(users()["carol"]["alternates"], ["bob"])
        self.assertEqual([row[5] for row in audit("user.add") if row[5] == "carol"], ["carol"])
        self.assertNotIn(STRONG, repr(HUB.audit_rows()))

    def test_bad_users_change_nothing(self):
        before = users()
        base = {"name": "dave", "party": "a", "roles": ["officer"], "password": STRONG}
        for change, status, field in [
            ({"password": "short"}, 400, "password: a password needs at least 8 characters"),
            ({"password": ""}, 400, "password"),
            ({"password": None}, 400, "password"),
            ({"party": "nope"}, 400, "no party"),
            ({"roles": ["boss"]}, 400, "roles[0]"),
            ({"roles": []}, 400, "roles"),
            ({"roles": "officer"}, 400, "roles"),
            ({"name": "bad name!"}, 400, "user name"),
            ({"name": "alice"}, 409, "exists"),
            ({"alternates": ["ghost"]}, 400, "alternates[0]"),
            ({"alternates": ["dave"]}, 400, "alternates[0]"),
            ({"lang": "de"}, 400, "lang"),
            ({"admin": True}, 400, "admin"),
        ]:
            body = {**base, **change}
            j = H.check_error(self, api("POST", "/api/v1/admin/users", body), status)
            self.assertIn(field, j["error"]["message"], (change, j))
        body = dict(base)
        del body["roles"]
        H.check_error(self, api("POST", "/api/v1/admin/users", body), 400)
        self.assertEqual(users(), before)

    def test_change_roles_alternates_state_language_password(self):
        api("POST", "/api/v1/admin/users", {"name": "erin", "party": "a", "roles": ["officer"], "password": STRONG})
        r = api("PATCH", "/api/v1/admin/users/erin", {"roles": ["analyst", "recipient"], "alternates": ["alice"], "lang": "fa"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["roles"], r.json()["alternates"], r.json()["lang"]),
                         (["analyst", "recipient"], ["alice"], "fa"))
        self.assertEqual(api("GET", "/api/v1/whoami", user="erin", pw=STRONG).json()["roles"], ["analyst", "recipient"])
        # Disabled: refused at once; enabled again: back.
        self.assertEqual(api("PATCH", "/api/v1/admin/users/erin", {"enabled": False}).json()["enabled"], False)
        self.assertEqual(api("GET", "/api/v1/whoami", user="erin", pw=STRONG).status, 401)
        self.assertEqual(api("PATCH", "/api/v1/admin/users/erin", {"enabled": True}).status, 200)
        self.assertEqual(api("GET", "/api/v1/whoami", user="erin", pw=STRONG).status, 200)
        # A new password: the old one stops working.
        new = "another long passphrase"
        self.assertEqual(api("PATCH", "/api/v1/admin/users/erin", {"password": new}).status, 200)
        self.assertEqual(api("GET", "/api/v1/whoami", user="erin", pw=STRONG).status, 401)
        self.assertEqual(api("GET", "/api/v1/whoami", user="erin", pw=new).status, 200)
        self.assertEqual(api("PATCH", "/api/v1/admin/users/erin", {"lang": None}).json()["lang"], None)
        targets = [row[5] for row in audit("user.change") if row[5].startswith("erin ")]
        self.assertIn("erin (roles alternates lang)", targets)
        self.assertIn("erin (password)", targets)
        self.assertNotIn(new, repr(HUB.audit_rows()))

    def test_bad_changes_change_nothing(self):
        before = users()
        for name, body, status, field in [
            ("alice", {}, 400, "nothing to change"),
            ("alice", {"roles": ["boss"]}, 400, "roles[0]"),
            ("alice", {"roles": []}, 400, "roles"),
            ("alice", {"enabled": "no"}, 400, "enabled"),
            ("alice", {"password": "short"}, 400, "password"),
            ("alice", {"alternates": ["alice"]}, 400, "alternates[0]"),
            ("alice", {"alternates": ["bob", "bob"]}, 400, "alternates[1]"),
            ("alice", {"lang": "xx"}, 400, "lang"),
            ("alice", {"name": "mallory"}, 400, "name"),
            # A valid field beside a bad one: nothing of it is applied.
            ("alice", {"roles": ["analyst"], "lang": "xx"}, 400, "lang"),
            ("nobody", {"enabled": False}, 404, "nobody"),
            ("root", {"enabled": False}, 422, "yourself"),
            ("root", {"roles": ["officer"]}, 422, "hub-admin"),
        ]:
            j = H.check_error(self, api("PATCH", f"/api/v1/admin/users/{name}", body), status)
            self.assertIn(field, j["error"]["message"], (body, j))
        self.assertEqual(users(), before)
        self.assertEqual(api("GET", "/api/v1/whoami", user="alice").status, 200)


if __name__ == "__main__":
    unittest.main()
