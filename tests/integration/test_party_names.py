"""Party names per language (issue 18): the bootstrap file's `names = {ar, en, fa, ru}` are
stored with the party, and GET /api/v1/parties?lang= names each party in the reader's
language, else in English, else by the name it was given; a hub-admin adds a party with its
names, and renames a party and changes its names per language (PATCH, issue 18): its code and
identity never change. Strict input: an unknown language, a field, a type or a name out of
bounds is refused naming the field, and nothing is added or changed."""
import re
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

JSON = "application/json"
PARTIES = [
    {"id": "iq", "name": "العراق", "names": {"ar": "العراق", "en": "Iraq", "fa": "عراق", "ru": "Ирак"}},
    {"id": "ru", "name": "Россия", "names": {"en": "Russia", "ar": "روسيا"}},
    {"id": "sy", "name": "سوريا"},
]
USERS = {"alice": ("iq", ["officer"]), "adam": ("iq", ["admin"]), "root": ("sy", ["hub-admin"])}
HUB = None


def setUpModule():
    global HUB
    HUB = H.Hub(parties=PARTIES, users=USERS)
    HUB.start()


def tearDownModule():
    HUB.cleanup()


BOOT = {p["id"] for p in PARTIES}


def names(lang=None, user="alice", only_boot=True):
    r = HUB.request("GET", "/api/v1/parties" + (f"?lang={lang}" if lang else ""), user=user,
                    accept=JSON)
    assert r.status == 200, r
    return {p["id"]: p["name"] for p in r.json() if not only_boot or p["id"] in BOOT}


class Names(unittest.TestCase):
    def test_the_readers_language_then_english_then_the_given_name(self):
        self.assertEqual(names("ar"), {"iq": "العراق", "ru": "روسيا", "sy": "سوريا"})
        self.assertEqual(names("ru"), {"iq": "Ирак", "ru": "Russia", "sy": "سوريا"})
        self.assertEqual(names("fa"), {"iq": "عراق", "ru": "Russia", "sy": "سوريا"})
        self.assertEqual(names("en"), {"iq": "Iraq", "ru": "Russia", "sy": "سوريا"})
        self.assertEqual(names("ar-IQ"), names("ar"))
        self.assertEqual(names("FA"), names("fa"))
        self.assertEqual(names(), {"iq": "العراق", "ru": "Россия", "sy": "سوريا"})
        self.assertEqual(names("de"), names("en"))
        r = HUB.request("GET", "/api/v1/parties", user="alice", accept=JSON)
        self.assertEqual({p["id"]: p["names"] for p in r.json() if p["id"] in BOOT},
                         {"iq": PARTIES[0]["names"], "ru": PARTIES[1]["names"], "sy": {}})
        H.check_error(self, HUB.request("GET", "/api/v1/parties?lang=ar&lang=en", user="alice",
                                        accept=JSON), 400)
        H.check_error(self, HUB.request("GET", "/api/v1/parties?x=1", user="alice", accept=JSON), 400)

    def test_kept_across_a_restart(self):
        before = names("ru")
        HUB.stop()
        HUB.start()
        self.assertEqual(names("ru"), before)

    def test_a_hub_admin_adds_a_party_with_its_names(self):
        body = {"code": "jo", "name": "الأردن", "names": {"en": "Jordan", "ru": "Иордания"}}
        r = HUB.request("POST", "/api/v1/admin/parties", user="root", accept=JSON, body=body,
                        content_type=JSON)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["names"], body["names"])
        self.assertEqual(names("ru", only_boot=False)["jo"], "Иордания")
        self.assertEqual(names("ar", only_boot=False)["jo"], "Jordan")
        before = names("en", only_boot=False)
        for bad in ({"de": "Jordanien"}, {"en": ""}, {"en": 7}, ["Jordan"]):
            r = HUB.request("POST", "/api/v1/admin/parties", user="root", accept=JSON,
                            body={"code": "jo2", "name": "x", "names": bad}, content_type=JSON)
            j = H.check_error(self, r, 400)
            self.assertIn("names", j["error"]["message"], (bad, j))
        self.assertEqual(names("en", only_boot=False), before)

    def test_the_bootstrap_file_refuses_an_unknown_language(self):
        bad = [{"id": "x", "name": "X", "names": {"de": "Iks"}}]
        with self.assertRaises(Exception):
            H.Hub(parties=bad, users={"u": ("x", ["officer"])})


def admin(method, path, body=None, user="root", headers=None):
    return HUB.request(method, path, user=user, accept=JSON, body=body, headers=headers,
                       content_type=JSON if body is not None else None)


def party(code):
    r = HUB.request("GET", "/api/v1/parties", user="alice", accept=JSON)
    assert r.status == 200, r
    return next(p for p in r.json() if p["id"] == code)


class Rename(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = admin("POST", "/api/v1/admin/parties",
                  {"code": "lb", "name": "لبنان", "names": {"en": "Lebanon", "ru": "Ливан"}})
        assert r.status == 201, r
        cls.identity = r.json()["identity"]

    def test_rename_and_change_the_names_per_language(self):
        r = admin("PATCH", "/api/v1/admin/parties/lb",
                  {"name": "الجمهورية اللبنانية", "names": {"ar": "لبنان", "ru": None, "fa": "لبنان"}})
        self.assertEqual(r.status, 200, r)
        want = {"id": "lb", "name": "الجمهورية اللبنانية", "identity": self.identity,
                "names": {"ar": "لبنان", "en": "Lebanon", "fa": "لبنان"}}
        self.assertEqual(r.json(), want)
        # At once on the node that answered: the directory was re-read.
        got = party("lb")
        self.assertEqual((got["name"], got["identity"], got["names"]),
                         (want["name"], self.identity, want["names"]))
        self.assertEqual(names("ru", only_boot=False)["lb"], "Lebanon")  # ru removed: English
        self.assertEqual(names("ar", only_boot=False)["lb"], "لبنان")
        # Only the name: the names per language stay.
        r = admin("PATCH", "/api/v1/admin/parties/lb", {"name": "Liban"})
        self.assertEqual(r.json()["names"], want["names"])
        self.assertEqual(party("lb")["name"], "Liban")
        # Audited with the fields changed, never a value.
        rows = [row[5] for row in HUB.audit_rows() if row[4] == "party.change"]
        self.assertIn("lb (name names.ar names.fa names.ru)", rows)
        self.assertIn("lb (name)", rows)
        self.assertNotIn("Liban", repr(HUB.audit_rows()))
        # Kept across a restart.
        HUB.stop()
        HUB.start()
        self.assertEqual(party("lb")["names"], want["names"])

    def test_bad_renames_change_nothing(self):
        before = party("lb")
        for body, status, field in [
            ({}, 400, "nothing to change"),
            ({"code": "lb2"}, 400, "code"),
            ({"identity": "identity--" + "1" * 36}, 400, "identity"),
            ({"name": "x", "colour": "red"}, 400, "colour"),
            ({"name": 7}, 400, "name"),
            ({"name": None}, 400, "name"),
            ({"name": ""}, 400, "name"),
            ({"name": "   "}, 400, "name"),
            ({"name": "x" * 257}, 400, "name"),
            ({"names": {"de": "Libanon"}}, 400, "names.de"),
            ({"names": {"AR": "x"}}, 400, "names.AR"),
            ({"names": {"ar-LB": "x"}}, 400, "names.ar-LB"),
            ({"names": {"en": ""}}, 400, "names.en"),
            ({"names": {"en": " \t"}}, 400, "names.en"),
            ({"names": {"en": "L" * 257}}, 400, "names.en"),
            ({"names": {"en": 7}}, 400, "names.en"),
            ({"names": {"en": ["Lebanon"]}}, 400, "names.en"),
            ({"names": ["Lebanon"]}, 400, "names"),
            ({"names": {}}, 400, "names"),
            ({"names": "Lebanon"}, 400, "names"),
            # A good field beside a bad one: nothing of it is applied.
            ({"name": "Good", "names": {"en": "Good", "xx": "Bad"}}, 400, "names.xx"),
        ]:
            j = H.check_error(self, admin("PATCH", "/api/v1/admin/parties/lb", body), status)
            self.assertIn(field, j["error"]["message"], (body, j))
        H.check_error(self, admin("PATCH", "/api/v1/admin/parties/lb", b"{not json"), 400)
        j = H.check_error(self, admin("PATCH", "/api/v1/admin/parties/nope", {"name": "X"}), 404)
        self.assertIn("nope", j["error"]["message"])
        self.assertEqual(party("lb"), before)

    def test_only_hub_admins_and_cookie_sessions_need_the_csrf_token(self):
        before = party("lb")
        for who in ("alice", "adam"):
            H.check_error(self, admin("PATCH", "/api/v1/admin/parties/lb", {"name": "X"}, user=who), 403)
            H.check_error(self, admin("PATCH", "/api/v1/admin/parties/iq", {"name": "X"}, user=who), 403)
        self.assertEqual(party("lb"), before)
        origin = f"http://127.0.0.1:{HUB.port}"
        r = HUB.request("POST", "/api/v1/session", user=None, accept=JSON, content_type=JSON,
                        body={"user": "root", "password": H.password("root")},
                        headers={"Origin": origin, "Sec-Fetch-Mode": "cors"})
        self.assertEqual(r.status, 200, r)
        cookie = re.match(r"tansiq_session=([^;]*)", r.header("Set-Cookie")).group(1)
        csrf = r.json()["csrf"]
        h = {"Cookie": f"tansiq_session={cookie}", "Origin": origin, "Sec-Fetch-Mode": "cors"}
        r = HUB.request("PATCH", "/api/v1/admin/parties/lb", user=None, accept=JSON,
                        body={"names": {"en": "Csrf"}}, headers=h, content_type=JSON)
        H.check_error(self, r, 403)
        self.assertEqual(party("lb"), before)
        r = HUB.request("PATCH", "/api/v1/admin/parties/lb", user=None, accept=JSON,
                        body={"names": {"en": "Csrf"}}, headers={**h, "X-CSRF-Token": csrf},
                        content_type=JSON)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(party("lb")["names"]["en"], "Csrf")
        r = admin("PATCH", "/api/v1/admin/parties/lb", {"names": {"en": before["names"]["en"]}})
        self.assertEqual(r.status, 200, r)


if __name__ == "__main__":
    unittest.main()
