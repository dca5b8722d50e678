"""The web UI's server side (issue 6): cookie sessions (login, wrong password, throttling,
cookie flags, logout), CSRF and Origin checks (refused requests change nothing), language
preference, compose (a report releasable to one party: searchable by it, not by another),
tokens, administration scoping and the audit status, and the static single-page app (content
types, caching, CSP and friends, SPA routes, directory traversal attempts, UI not built)."""
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = None
WEB = None
SECRET = "TOP-SECRET-do-not-serve"
JSON = "application/json"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
USERS = dict(H.USERS)
USERS["thr"] = ("b", ["officer"])      # throttled by test_throttling
USERS["gone"] = ("b", ["officer"])     # disabled while logged in

INDEX = "<!doctype html><html><head><script type=module src=/assets/index-AbC123.js></script>" \
        "</head><body><div id=app></div></body></html>"
FILES = {
    "index.html": INDEX.encode(),
    "assets/index-AbC123.js": b"console.log('tansiq');\n",
    "assets/index-DeF456.css": b"body{margin:0}\n",
    "assets/noto-naskh-arabic-Gh789.woff2": b"wOF2\x00\x01fake",
    "favicon.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "locales/ar.json": '{"hello":"مرحبا"}'.encode(),
    "img/logo.png": b"\x89PNG\r\n\x1a\nfake",
    ".env": SECRET.encode(),
}


def setUpModule():
    global hub, WEB
    hub = H.Hub(users=USERS)
    WEB = os.path.join(hub.dir, "web-dist")
    for name, data in FILES.items():
        path = os.path.join(WEB, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with open(os.path.join(hub.dir, "secret.txt"), "w") as f:
        f.write(SECRET)
    os.symlink(os.path.join(hub.dir, "secret.txt"), os.path.join(WEB, "assets", "link.txt"))
    hub.serve_args = ["--web-root", WEB]
    hub.start()


def tearDownModule():
    hub.cleanup()


class Browser:
    """One browser profile: its session cookie and csrf token, sent as the web UI sends them."""

    def __init__(self, user=None, pw=None):
        self.cookie = None
        self.csrf = None
        self.session = None
        if user:
            r = self.login(user, pw)
            assert r.status == 200, r

    @property
    def origin(self):
        return f"http://127.0.0.1:{hub.port}"

    def login(self, user, pw=None, origin=None, headers=None):
        h = {"Origin": origin or self.origin, "Sec-Fetch-Mode": "cors"}
        h.update(headers or {})
        r = hub.request("POST", "/api/v1/session", user=None, accept=JSON, content_type=JSON,
                        body={"user": user, "password": H.password(user) if pw is None else pw},
                        headers=h)
        if r.status == 200:
            m = re.match(r"tansiq_session=([^;]*)", r.header("Set-Cookie") or "")
            self.cookie = m.group(1)
            self.session = r.json()
            self.csrf = self.session["csrf"]
        return r

    def request(self, method, path, body=None, csrf=True, origin=True, headers=None,
                content_type=JSON):
        h = {"Cookie": f"tansiq_session={self.cookie}", "Sec-Fetch-Mode": "cors"}
        if origin is True:
            h["Origin"] = self.origin
        elif origin:
            h["Origin"] = origin
        if csrf is True and self.csrf:
            h["X-CSRF-Token"] = self.csrf
        elif isinstance(csrf, str):
            h["X-CSRF-Token"] = csrf
        h.update(headers or {})
        return hub.request(method, path, user=None, accept=JSON, body=body, headers=h,
                           content_type=content_type if body is not None else None)

    def get(self, path, **kw):
        return self.request("GET", path, csrf=False, **kw)


def api_error(tc, r, status, mentions=None):
    """docs/api.md's error body: {"error": {"code", "message"}} (JSON, not markup)."""
    tc.assertEqual(r.status, status, r)
    tc.assertTrue((r.header("Content-Type") or "").startswith("application/json"), r)
    j = r.json()
    tc.assertEqual(j["error"]["code"], status, j)
    tc.assertTrue(j["error"]["message"], j)
    if mentions:
        tc.assertIn(mentions, j["error"]["message"], j)
    return j


def prefs_lang(user):
    r = hub.get("/api/v1/me/prefs", user=user, accept=JSON)
    assert r.status == 200, r
    return r.json()["lang"]


def audited_changes():
    """Audit records of everything but reads and logins (both audited, asynchronously)."""
    return [row for row in hub.audit_rows()
            if row[4] not in ("object.search", "object.read", "session.login", "session.logout")]


def wait_for_audit(tc, predicate):
    """Reads and logins are audited asynchronously: polls for a matching record."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rows = [row for row in hub.audit_rows() if predicate(row)]
        if rows:
            return rows
        time.sleep(0.05)
    tc.fail("no such audit record")


def search_ids(user, q):
    r = hub.get("/api/v1/search", user=user, params={"q": q, "limit": 50}, accept=JSON)
    assert r.status == 200, r
    return {h["id"] for h in r.json()["hits"]}


# ------------------------------------------------------------------------------------------
class Session(unittest.TestCase):
    def test_login_returns_identity_and_csrf_and_sets_a_strict_cookie(self):
        b = Browser()
        r = b.login("alice")
        self.assertEqual(r.status, 200, r)
        j = r.json()
        self.assertEqual(j["user"], "alice")
        self.assertEqual(j["party"], "a")
        self.assertEqual(sorted(j["roles"]), ["officer", "recipient"])
        self.assertIn("lang", j)
        self.assertRegex(j["csrf"], r"^[0-9a-f]{64}$")
        cookie = r.header("Set-Cookie")
        parts = [p.strip() for p in cookie.split(";")]
        self.assertRegex(parts[0], r"^tansiq_session=[0-9a-f]{64}$")   # 256 random bits
        self.assertIn("HttpOnly", parts)
        self.assertIn("SameSite=Strict", parts)
        self.assertIn("Path=/", parts)
        self.assertNotIn("Secure", parts)                               # plain HTTP here
        max_age = [p for p in parts if p.startswith("Max-Age=")]
        self.assertTrue(max_age and int(max_age[0][8:]) > 0, cookie)
        self.assertNotEqual(parts[0][15:], j["csrf"])
        # The token is not stored: the database never holds it.
        with open(hub.db, "rb") as f:
            self.assertNotIn(b.cookie.encode(), f.read())
        # Two logins, two different sessions.
        self.assertNotEqual(Browser("alice").cookie, b.cookie)

    def test_cookie_authenticates_and_session_describes_itself(self):
        b = Browser("bob")
        r = b.get("/api/v1/whoami")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["user"], "bob")
        s = b.get("/api/v1/session")
        self.assertEqual(s.status, 200, s)
        self.assertEqual(s.json()["csrf"], b.csrf)
        self.assertEqual(s.json()["user"], "bob")
        self.assertEqual(s.json()["party"], "b")
        # TAXII reads work with the cookie too.
        self.assertEqual(b.get("/taxii2/hub/collections/",
                               headers={"Accept": H.TAXII}).status, 200)

    def test_wrong_password_and_unknown_user(self):
        for user, pw in (("alice", "wrong"), ("nobody-here", "x"), ("alice", "")):
            with self.subTest(user=user, pw=pw):
                b = Browser()
                r = b.login(user, pw)
                api_error(self, r, 401)
                self.assertIsNone(r.header("Set-Cookie"), r)
                # A browser's fetch gets no Basic challenge (no native login dialog).
                self.assertNotIn("basic", (r.header("WWW-Authenticate") or "").lower())

    def test_bad_login_bodies(self):
        cases = [(b"not json", JSON, 400), (b"[]", JSON, 400),
                 (json.dumps({"user": "alice"}).encode(), JSON, 400),
                 (json.dumps({"user": 1, "password": "x"}).encode(), JSON, 400),
                 (json.dumps({"user": "alice", "password": H.password("alice"),
                              "extra": 1}).encode(), JSON, 400),
                 (json.dumps({"user": "alice", "password": H.password("alice")}).encode(),
                  "application/x-www-form-urlencoded", 415),
                 (b"user=alice&password=x", "text/plain", 415)]
        for body, ct, status in cases:
            with self.subTest(body=body[:40], ct=ct):
                r = hub.request("POST", "/api/v1/session", user=None, accept=JSON, body=body,
                                content_type=ct)
                api_error(self, r, status)
                self.assertIsNone(r.header("Set-Cookie"))

    def test_login_from_another_origin_is_refused(self):
        b = Browser()
        r = b.login("alice", origin="http://evil.example")
        api_error(self, r, 403, "Origin")
        self.assertIsNone(r.header("Set-Cookie"))

    def test_throttling(self):
        b = Browser()
        statuses = [b.login("thr", "wrong").status for _ in range(8)]
        self.assertEqual(statuses[:5], [401] * 5, statuses)
        self.assertEqual(statuses[-1], 429, statuses)
        r = b.login("thr")                       # the right password, while blocked
        api_error(self, r, 429)
        self.assertTrue(r.header("Retry-After"), r)
        self.assertIsNone(r.header("Set-Cookie"))
        # The same throttle as HTTP Basic.
        self.assertEqual(hub.get("/api/v1/whoami", user="thr", accept=JSON).status, 429)

    def test_logout(self):
        b = Browser("carol")
        # Without the csrf token, logout is refused and the session lives on.
        api_error(self, b.request("DELETE", "/api/v1/session", csrf=False), 403, "CSRF")
        self.assertEqual(b.get("/api/v1/whoami").status, 200)
        r = b.request("DELETE", "/api/v1/session")
        self.assertEqual(r.status, 204, r)
        cookie = r.header("Set-Cookie")
        self.assertRegex(cookie, r"^tansiq_session=;")
        self.assertIn("Max-Age=0", cookie)
        r = b.get("/api/v1/whoami")
        api_error(self, r, 401)
        self.assertNotIn("basic", (r.header("WWW-Authenticate") or "").lower())
        # "Is a session open?" is answered without an error: 204, nothing to log in the UI.
        self.assertEqual(b.get("/api/v1/session").status, 204)
        # Login and logout are in the audit chain (actor, party, client address, outcome).
        for action in ("session.login", "session.logout"):
            rows = wait_for_audit(self, lambda row: row[2] == "carol" and row[4] == action)
            self.assertEqual(rows[-1][5], "127.0.0.1", rows[-1])
            self.assertEqual(rows[-1][6], "ok", rows[-1])

    def test_failed_login_is_audited(self):
        name = "nobody-" + os.urandom(4).hex()
        api_error(self, Browser().login(name, "wrong"), 401)
        rows = wait_for_audit(self, lambda row: row[2] == name and row[4] == "session.login")
        self.assertEqual((rows[0][3], rows[0][6]), ("-", "denied"), rows)

    def test_forged_and_missing_cookies(self):
        for cookie in ("tansiq_session=" + "0" * 64, "tansiq_session=", "tansiq_session=x;y",
                       "other=1"):
            with self.subTest(cookie=cookie):
                r = hub.request("GET", "/api/v1/whoami", user=None, accept=JSON,
                                headers={"Cookie": cookie})
                api_error(self, r, 401)

    def test_disabled_user_loses_the_session_at_once(self):
        b = Browser("gone")
        self.assertEqual(b.get("/api/v1/whoami").status, 200)
        hub.cli("user", "disable", "gone", "--db", hub.db)
        api_error(self, b.get("/api/v1/whoami"), 401)
        api_error(self, b.login("gone"), 401)

    def test_basic_on_session_routes(self):
        r = hub.get("/api/v1/session", user="alice", accept=JSON)
        api_error(self, r, 404)
        r = hub.request("DELETE", "/api/v1/session", user="alice", accept=JSON)
        self.assertEqual(r.status, 204, r)


# ------------------------------------------------------------------------------------------
class Csrf(unittest.TestCase):
    def test_missing_or_wrong_token_is_403_and_changes_nothing(self):
        b = Browser("ana")
        before = len(audited_changes())
        lang = prefs_lang("ana")
        word = "csrfprobe" + os.urandom(4).hex()
        report = {"title": word, "text": word, "lang": "en", "tlp": "green"}
        for csrf in (False, "", "0" * 64, b.csrf[:-1], b.csrf.upper(), Browser("ana").csrf):
            with self.subTest(csrf=csrf):
                api_error(self, b.request("PUT", "/api/v1/me/prefs", {"lang": "ru"}, csrf=csrf),
                          403, "CSRF")
                api_error(self, b.request("POST", "/api/v1/reports", report, csrf=csrf), 403,
                          "CSRF")
                api_error(self, b.request("POST", "/api/v1/tokens", {"name": "x"}, csrf=csrf),
                          403, "CSRF")
        self.assertEqual(prefs_lang("ana"), lang)
        self.assertEqual(search_ids("ana", word), set())
        self.assertEqual(len(audited_changes()), before)
        # With the right token it works.
        r = b.request("PUT", "/api/v1/me/prefs", {"lang": "ru"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(prefs_lang("ana"), "ru")

    def test_basic_and_bearer_need_no_csrf(self):
        r = hub.request("PUT", "/api/v1/me/prefs", user="bob", accept=JSON, content_type=JSON,
                        body={"lang": "ru"})
        self.assertEqual(r.status, 200, r)
        r = hub.request("PUT", "/api/v1/me/prefs", user="bob", auth="bearer", accept=JSON,
                        content_type=JSON, body={"lang": "en"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(prefs_lang("bob"), "en")

    def test_cross_origin_cookie_requests_are_refused(self):
        b = Browser("carol")
        for origin in ("http://evil.example", "null", f"https://127.0.0.1:{hub.port}",
                       f"http://127.0.0.1:{hub.port + 1}"):
            with self.subTest(origin=origin):
                api_error(self, b.get("/api/v1/whoami", origin=origin), 403, "Origin")
                api_error(self, b.request("PUT", "/api/v1/me/prefs", {"lang": "ar"},
                                          origin=origin), 403)
        self.assertNotEqual(prefs_lang("carol"), "ar")
        self.assertEqual(b.get("/api/v1/whoami", origin=False).status, 200)   # same-origin GET
        self.assertEqual(b.get("/api/v1/whoami").status, 200)


# ------------------------------------------------------------------------------------------
class Prefs(unittest.TestCase):
    def test_round_trip_and_login_returns_it(self):
        b = Browser("a2")
        for lang in ("ar", "fa", "ru", "en", "ar"):
            r = b.request("PUT", "/api/v1/me/prefs", {"lang": lang})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json(), {"lang": lang})
            self.assertEqual(b.get("/api/v1/me/prefs").json(), {"lang": lang})
        self.assertEqual(Browser("a2").session["lang"], "ar")
        self.assertEqual(b.get("/api/v1/session").json()["lang"], "ar")
        # Per user: another user's preference is untouched.
        self.assertNotEqual(prefs_lang("alice"), "fa")

    def test_bad_prefs(self):
        b = Browser("a2")
        before = prefs_lang("a2")
        for body in ({"lang": "de"}, {"lang": ""}, {"lang": 5}, {}, {"lang": "ar", "x": 1}, [],
                     {"lang": "AR"}):
            with self.subTest(body=body):
                api_error(self, b.request("PUT", "/api/v1/me/prefs", body), 400)
        api_error(self, b.request("PUT", "/api/v1/me/prefs", b"{", content_type=JSON), 400)
        api_error(self, b.request("PUT", "/api/v1/me/prefs", b'{"lang":"ar"}',
                                  content_type="text/plain"), 415)
        self.assertEqual(prefs_lang("a2"), before)


# ------------------------------------------------------------------------------------------
class Reports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.coal = hub.coll_path("coalition")

    def post(self, browser, body, **kw):
        return browser.request("POST", "/api/v1/reports", body, **kw)

    def test_report_releasable_to_one_party(self):
        word = "قافلة" + "".join(chr(0x0628 + int(c, 16)) for c in os.urandom(3).hex())
        text = H.arabic_text()[:600] + f"\nرصد {word} قرب الإرهاب"
        b = Browser("alice")
        r = self.post(b, {"title": f"تقرير {word}", "text": text, "lang": "ar", "tlp": "amber",
                          "releasable_to": ["b"]})
        self.assertEqual(r.status, 201, r)
        rid = r.json()["id"]
        self.assertTrue(rid.startswith("report--"), rid)
        # Searchable by the party it is released to (a variant spelling), not by another.
        self.assertIn(rid, search_ids("bob", f"{word} الارهاب"))
        self.assertIn(rid, search_ids("alice", word))
        self.assertNotIn(rid, search_ids("carol", word))
        self.assertNotIn(rid, search_ids("root", word))
        H.check_error(self, hub.get(self.coal + f"objects/{rid}/", user="carol"), 404)
        # A valid STIX 2.1 report with the releasability marking, created by alice's party.
        got = hub.get(self.coal + f"objects/{rid}/", user="bob").json()["objects"][0]
        self.assertEqual(got["created_by_ref"], hub.identity_of("a"))
        self.assertEqual(got["lang"], "ar")
        self.assertEqual(got["description"], text)
        self.assertIn(H.TLP_AMBER, got["object_marking_refs"])
        mid = [m for m in got["object_marking_refs"] if m != H.TLP_AMBER][0]
        marking = hub.get(self.coal + f"objects/{mid}/", user="alice").json()["objects"][0]
        self.assertEqual(marking["extensions"][H.EXT_ID]["releasable_to_refs"],
                         [hub.identity_of("b")])
        self.assertTrue(got["object_refs"])
        path = os.path.join(hub.dir, "composed.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"objects": [marking, got]}, f, ensure_ascii=False)
        if os.path.exists(H.STIX_VALIDATE):
            v = subprocess.run([H.STIX_VALIDATE, path], capture_output=True, text=True,
                               timeout=120)
            self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        # Audited as a write by alice.
        self.assertTrue(any(row[2] == "alice" and row[4] == "object.write" and row[5] == rid
                            for row in hub.audit_rows()))

    def test_identity_ids_codes_tlp_and_object_refs(self):
        b = Browser("alice")
        ind = H.indicator(hub.identity_of("a"), [H.TLP_GREEN])
        hub.post_objects(self.coal, [ind])
        word = "refsprobe" + os.urandom(4).hex()
        r = self.post(b, {"title": word, "text": f"{word} text", "lang": "en",
                          "tlp": "TLP:GREEN", "releasable_to": [hub.identity_of("c"), "a"],
                          "object_refs": [ind["id"]]})
        self.assertEqual(r.status, 201, r)
        rid = r.json()["id"]
        got = hub.get(self.coal + f"objects/{rid}/", user="carol").json()["objects"][0]
        self.assertEqual(got["object_refs"], [ind["id"]])
        self.assertNotIn(rid, search_ids("bob", word))
        # Green without releasable_to: every party.
        r = self.post(b, {"title": word + "g", "text": "plain green", "lang": "en",
                          "tlp": "green"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(hub.get(self.coal + f"objects/{r.json()['id']}/", user="bob").status,
                         200)

    def test_bad_reports_name_the_field_and_change_nothing(self):
        b = Browser("alice")
        hidden = H.indicator(hub.identity_of("b"))          # unmarked: bob's party only
        hub.post_objects(self.coal, [hidden], user="bob")
        ok = {"title": "t", "text": "x", "lang": "en", "tlp": "green"}
        cases = [
            ({k: v for k, v in ok.items() if k != "title"}, "title"),
            (dict(ok, title=""), "title"), (dict(ok, title="  "), "title"),
            (dict(ok, title=5), "title"), (dict(ok, text=None), "text"),
            (dict(ok, lang="arabic!"), "lang"), (dict(ok, lang=""), "lang"),
            (dict(ok, tlp="purple"), "tlp"), ({k: v for k, v in ok.items() if k != "tlp"}, "tlp"),
            (dict(ok, releasable_to=["zz"]), "releasable_to[0]"),
            (dict(ok, releasable_to=["b", "nope"]), "releasable_to[1]"),
            (dict(ok, releasable_to=[]), "releasable_to"),
            (dict(ok, releasable_to="b"), "releasable_to"),
            (dict(ok, releasable_to=["b", "b"]), "releasable_to[1]"),
            (dict(ok, releasable_to=[hub.identity_of("a").replace("-", "0", 1)]),
             "releasable_to[0]"),
            (dict(ok, tlp="red", releasable_to=["b"]), "releasable_to"),
            (dict(ok, recipients=["bob"]), "recipients"),
            (dict(ok, tlp="red", recipients=["no-such-user"]), "recipients[0]"),
            (dict(ok, object_refs=["bogus"]), "object_refs[0]"),
            (dict(ok, object_refs=[H.sid("indicator")]), "object_refs[0]"),
            (dict(ok, object_refs=[hidden["id"]]), "object_refs[0]"),
            (dict(ok, surprise=1), "surprise"),
        ]
        before = len(audited_changes())
        messages = {}
        for body, field in cases:
            with self.subTest(body=body, field=field):
                j = api_error(self, self.post(b, body), 400, field)
                messages[json.dumps(body)] = j["error"]["message"]
        # Invisible and unknown refs answer alike: nothing about bob's object leaks.
        unknown = messages[json.dumps(dict(ok, object_refs=[cases[19][0]["object_refs"][0]]))]
        invisible = messages[json.dumps(dict(ok, object_refs=[hidden["id"]]))]
        self.assertEqual(unknown, invisible)
        self.assertNotIn(hidden["id"], invisible)
        api_error(self, self.post(b, b"{", content_type=JSON), 400)
        api_error(self, self.post(b, json.dumps(ok).encode(), content_type="text/plain"), 415)
        self.assertEqual(len(audited_changes()), before)

    def test_red_to_named_recipients(self):
        b = Browser("alice")
        word = "redprobe" + os.urandom(4).hex()
        r = self.post(b, {"title": word, "text": word, "lang": "en", "tlp": "red",
                          "recipients": ["b2"]})
        self.assertEqual(r.status, 201, r)
        self.assertIn(r.json()["id"], search_ids("b2", word))
        self.assertNotIn(r.json()["id"], search_ids("bob", word))

    def test_only_writers_compose(self):
        r = self.post(Browser("a2"), {"title": "t", "text": "x", "lang": "en", "tlp": "green"})
        api_error(self, r, 403)
        r = hub.request("POST", "/api/v1/reports", user="root", accept=JSON, content_type=JSON,
                        body={"title": "t", "text": "x", "lang": "en", "tlp": "green"})
        api_error(self, r, 403)


# ------------------------------------------------------------------------------------------
class Admin(unittest.TestCase):
    def test_users_scoped_to_the_admins_party(self):
        r = Browser("adam").get("/api/v1/admin/users")
        self.assertEqual(r.status, 200, r)
        users = {u["name"]: u for u in r.json()["users"]}
        self.assertEqual(set(users), {n for n, (p, _) in USERS.items() if p == "a"})
        self.assertEqual(users["alice"]["roles"], ["officer", "recipient"])
        self.assertEqual(users["alice"]["party"], "a")
        self.assertIs(users["alice"]["enabled"], True)

    def test_hub_admin_sees_all(self):
        r = hub.get("/api/v1/admin/users", user="root", accept=JSON)
        self.assertEqual(r.status, 200, r)
        users = {u["name"]: u for u in r.json()["users"]}
        self.assertEqual(set(users), set(USERS))
        hub.cli("user", "disable", "dave", "--db", hub.db)
        users = {u["name"]: u for u in
                 hub.get("/api/v1/admin/users", user="root", accept=JSON).json()["users"]}
        self.assertIs(users["dave"]["enabled"], False)

    def test_non_admins_get_403(self):
        for user in ("alice", "bob", "a2"):
            for path in ("/api/v1/admin/users", "/api/v1/admin/audit"):
                with self.subTest(user=user, path=path):
                    api_error(self, Browser(user).get(path), 403)
        api_error(self, hub.get("/api/v1/admin/audit", user="adam", accept=JSON), 403)

    def test_audit_status(self):
        Browser("alice").request("PUT", "/api/v1/me/prefs", {"lang": "en"})
        r = Browser("root").get("/api/v1/admin/audit")
        self.assertEqual(r.status, 200, r)
        j = r.json()
        self.assertIs(j["verified"], True, j)
        self.assertGreater(j["records"], 0)
        self.assertTrue(j["records"] <= len(hub.audit_rows()))
        self.assertIsNotNone(j["last_seal"], j)
        self.assertGreater(j["last_seal"]["seq"], 0)
        self.assertRegex(j["last_seal"]["at"], r"^\d{4}-\d\d-\d\dT")

    def test_token_for_the_caller(self):
        b = Browser("carol")
        r = b.request("POST", "/api/v1/tokens", {"name": "my laptop"})
        self.assertEqual(r.status, 201, r)
        token = r.json()["token"]
        w = hub.request("GET", "/api/v1/whoami", user=None, accept=JSON,
                        headers={"Authorization": f"Bearer {token}"})
        self.assertEqual(w.status, 200, w)
        self.assertEqual(w.json()["user"], "carol")
        for body in ({"name": ""}, {"name": "x" * 65}, {}, {"name": 3}, {"name": "a\nb"}):
            with self.subTest(body=body):
                api_error(self, b.request("POST", "/api/v1/tokens", body), 400)


# ------------------------------------------------------------------------------------------
class Static(unittest.TestCase):
    def get(self, path, **kw):
        return hub.request("GET", path, user=None, accept=None, **kw)

    def assert_html_headers(self, r):
        self.assertEqual(r.header("Content-Security-Policy"), CSP, r)
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(r.header("Referrer-Policy"), "no-referrer")
        self.assertEqual(r.header("X-Frame-Options"), "DENY")

    def test_index_and_spa_routes(self):
        for path in ("/", "/index.html", "/inbox", "/search?q=%D8%AF%D8%A7%D8%B9%D8%B4",
                     "/object/report--1f0e7c6a-2b5e-4bb6-8e0a-0d2a2b6f8e10", "/admin/users/"):
            with self.subTest(path=path):
                r = self.get(path)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.body, FILES["index.html"])
                self.assertTrue(r.header("Content-Type").startswith("text/html"))
                self.assert_html_headers(r)
                self.assertEqual(r.header("Cache-Control"), "no-cache")

    def test_assets_types_and_caching(self):
        types = {"assets/index-AbC123.js": "text/javascript",
                 "assets/index-DeF456.css": "text/css",
                 "assets/noto-naskh-arabic-Gh789.woff2": "font/woff2",
                 "favicon.svg": "image/svg+xml", "locales/ar.json": "application/json",
                 "img/logo.png": "image/png"}
        for name, ctype in types.items():
            with self.subTest(name=name):
                r = self.get("/" + name)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.body, FILES[name])
                self.assertTrue(r.header("Content-Type").startswith(ctype), r)
                self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
                etag = r.header("ETag")
                self.assertRegex(etag, r'^"[0-9a-f]+"$')
                if name.startswith("assets/"):
                    self.assertIn("immutable", r.header("Cache-Control"))
                    self.assertIn("max-age=31536000", r.header("Cache-Control"))
                else:
                    self.assertEqual(r.header("Cache-Control"), "no-cache")
                again = self.get("/" + name, headers={"If-None-Match": etag})
                self.assertEqual(again.status, 304, again)
                self.assertEqual(again.body, b"")
                other = self.get("/" + name, headers={"If-None-Match": '"0123"'})
                self.assertEqual(other.status, 200)

    def test_head(self):
        r = hub.request("HEAD", "/", user=None, accept=None)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, b"")
        self.assertEqual(int(r.header("Content-Length")), len(FILES["index.html"]))
        self.assert_html_headers(r)

    def test_missing_files_and_apis_stay_404(self):
        for path in ("/assets/missing-123.js", "/nope.css", "/img/none.png"):
            with self.subTest(path=path):
                self.assertEqual(self.get(path).status, 404)
        api_error(self, hub.get("/api/v1/nope", user="alice", accept=JSON), 404)
        api_error(self, hub.get("/api/v1/nope", user=None, accept=JSON), 404)
        H.check_error(self, hub.get("/taxii2/nope/"), 404)
        # Known API paths keep 405 for other methods; POST elsewhere is not the SPA.
        self.assertEqual(hub.request("POST", "/inbox", user="alice", body=b"x").status, 404)

    def test_directory_traversal(self):
        attempts = ["/../secret.txt", "/../../secret.txt", "/assets/../../secret.txt",
                    "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
                    "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/assets%2f..%2f..%2fsecret.txt",
                    "/..%5csecret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt",
                    "/.env", "/%2eenv", "/assets/./../../secret.txt", "/%00/secret.txt",
                    "/assets/link.txt", "/%252e%252e/secret.txt", "/.%2e/secret.txt",
                    "//../secret.txt", "/assets/..;/..;/secret.txt", "/%c0%ae%c0%ae/secret.txt"]
        for path in attempts:
            with self.subTest(path=path):
                r = self.get(path)
                self.assertNotIn(SECRET.encode(), r.body, r)
                self.assertIn(r.status, (200, 400, 404), r)
                if r.status == 200:                   # only ever the SPA's index.html
                    self.assertEqual(r.body, FILES["index.html"], r)
        self.assertEqual(self.get("/../secret.txt").status, 400)
        self.assertEqual(self.get("/%2e%2e/secret.txt").status, 400)
        self.assertEqual(self.get("/..%2fsecret.txt").status, 400)
        self.assertEqual(self.get("/assets/link.txt").status, 404)   # symlink leading out

    def test_browser_401_has_no_basic_challenge_but_curl_gets_one(self):
        r = hub.request("GET", "/api/v1/whoami", user=None, accept=JSON,
                        headers={"Sec-Fetch-Mode": "cors"})
        api_error(self, r, 401)
        self.assertNotIn("basic", r.header("WWW-Authenticate").lower())
        r = hub.request("GET", "/api/v1/whoami", user=None, accept=JSON)
        self.assertIn("basic", " ".join(r.headers.get_all("WWW-Authenticate")).lower())


class NotBuilt(unittest.TestCase):
    def test_ui_absent_says_how_to_build(self):
        other = H.Hub(users={"solo": ("a", ["officer"])})
        try:
            other.serve_args = ["--web-root", os.path.join(other.dir, "no-such-dist")]
            other.start()
            r = other.request("GET", "/", user=None, accept=None)
            self.assertEqual(r.status, 503, r)
            self.assertTrue(r.header("Content-Type").startswith("text/html"))
            self.assertIn(b"npm run build", r.body)
            self.assertNotIn(other.dir.encode(), r.body)        # no server paths shown
            self.assertEqual(r.header("Content-Security-Policy"), CSP)
            self.assertEqual(other.request("GET", "/inbox", user=None, accept=None).status, 503)
            self.assertEqual(other.get("/taxii2/", user="solo").status, 200)
            self.assertTrue(other.alive())
        finally:
            other.cleanup()


class Tls(unittest.TestCase):
    def test_cookie_is_secure_under_tls(self):
        import signal
        import ssl
        import time
        other = H.Hub(users={"solo": ("a", ["officer"])})
        proc = None
        try:
            cert, key = (os.path.join(other.dir, n) for n in ("cert.pem", "key.pem"))
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                            "2", "-subj", "/CN=localhost", "-addext",
                            "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                           check=True, capture_output=True)
            port_file = os.path.join(other.dir, "tls.port")
            proc = subprocess.Popen([other.bin, "serve", "--db", other.db, "--listen",
                                     "127.0.0.1:0", "--port-file", port_file, "--tls-cert", cert,
                                     "--tls-key", key], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            while not os.path.exists(port_file) and time.monotonic() < deadline:
                time.sleep(0.05)
            with open(port_file) as f:
                port = int(f.read())
            ctx = ssl.create_default_context(cafile=cert)

            def req(method, path, body=None, headers=None):
                conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
                try:
                    conn.request(method, path, body=body, headers=headers or {})
                    r = conn.getresponse()
                    return r, r.read()
                finally:
                    conn.close()

            origin = f"https://127.0.0.1:{port}"
            r, body = req("POST", "/api/v1/session",
                          json.dumps({"user": "solo", "password": H.password("solo")}),
                          {"Content-Type": JSON, "Origin": origin})
            self.assertEqual(r.status, 200, body)
            parts = [p.strip() for p in r.getheader("Set-Cookie").split(";")]
            self.assertIn("Secure", parts)
            self.assertIn("HttpOnly", parts)
            self.assertIn("SameSite=Strict", parts)
            csrf = json.loads(body)["csrf"]
            cookie = parts[0]
            r, body = req("PUT", "/api/v1/me/prefs", json.dumps({"lang": "fa"}),
                          {"Content-Type": JSON, "Origin": origin, "Cookie": cookie,
                           "X-CSRF-Token": csrf})
            self.assertEqual(r.status, 200, body)
            # The plain-HTTP origin of the same host is another origin.
            r, body = req("GET", "/api/v1/whoami",
                          headers={"Origin": f"http://127.0.0.1:{port}", "Cookie": cookie})
            self.assertEqual(r.status, 403, body)
        finally:
            if proc is not None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(20)
            other.cleanup()


if __name__ == "__main__":
    unittest.main()
