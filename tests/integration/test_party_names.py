"""Party names per language (issue 18): the bootstrap file's `names = {ar, en, fa, ru}` are
stored with the party, and GET /api/v1/parties?lang= names each party in the reader's
language, else in English, else by the name it was given; a hub-admin adds a party with its
names. Strict input: an unknown language is refused and nothing is added."""
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
USERS = {"alice": ("iq", ["officer"]), "root": ("sy", ["hub-admin"])}
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


if __name__ == "__main__":
    unittest.main()
