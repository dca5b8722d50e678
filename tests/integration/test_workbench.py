"""The officer's workbench (issue 18), server side: a recall's preview names the users who
would lose access — told to the originating party's writers only, 404 for anyone else — and
the correlation view's names written in different scripts (الخفاجي, Khafaji, Хафаджи), for
readers of both objects only."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

JSON = "application/json"
HUB = None


def setUpModule():
    global HUB
    HUB = H.Hub()
    HUB.start()


def tearDownModule():
    HUB.cleanup()


def get(path, user):
    return HUB.request("GET", path, user=user, accept=JSON)


def post(objs, user="alice"):
    HUB.post_objects(HUB.coll_path("coalition", user), objs, user=user)


class Audience(unittest.TestCase):
    def test_the_originator_sees_who_reads(self):
        a, b = HUB.identity_of("a"), HUB.identity_of("b")
        m = H.releasability_marking(a, [b])
        rep = H.sdo("report", a, [H.TLP_GREEN, m["id"]], name="audience", published=H.ts(),
                    object_refs=[a])
        post([m, rep])
        r = get(f"/api/v1/objects/{rep['id']}/audience", "alice")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"red": False, "recipients": [],
                                    "parties": [{"id": "b", "identity": b, "users": ["b2", "bob", "dave"]}]})
        # A colleague of the originator who may write (an analyst) is told too.
        self.assertEqual(get(f"/api/v1/objects/{rep['id']}/audience", "ana").status, 200)
        # Everyone else: as if the object did not exist (a reader, a non-writer, an outsider).
        missing = get(f"/api/v1/objects/indicator--{'0' * 8}-0000-4000-8000-{'0' * 12}/audience", "alice")
        H.check_error(self, missing, 404)
        for user in ("bob", "a2", "carol", "root"):
            r = get(f"/api/v1/objects/{rep['id']}/audience", user)
            j = H.check_error(self, r, 404)
            self.assertEqual(j["error"]["message"].replace(rep["id"], "ID"),
                             missing.json()["error"]["message"].replace(missing_id(missing), "ID"))
        H.check_error(self, get("/api/v1/objects/not-an-id/audience", "alice"), 400)

    def test_red_names_its_recipients(self):
        a = HUB.identity_of("a")
        m = H.releasability_marking(a, [], recipients=["bob", "carol"])
        rep = H.sdo("report", a, [H.TLP_RED, m["id"]], name="red audience", published=H.ts(),
                    object_refs=[a])
        post([m, rep])
        r = get(f"/api/v1/objects/{rep['id']}/audience", "alice")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"red": True, "parties": [], "recipients": ["bob", "carol"]})
        H.check_error(self, get(f"/api/v1/objects/{rep['id']}/audience", "bob"), 404)


def missing_id(r):
    return r.json()["error"]["message"].split(": ", 1)[-1]


class Names(unittest.TestCase):
    def test_names_across_scripts(self):
        a, b = HUB.identity_of("a"), HUB.identity_of("b")
        x = H.sdo("report", a, [H.TLP_GREEN], name="اجتماع مع الخفاجي في الرمادي", published=H.ts(),
                  object_refs=[a], lang="ar", description="قال الخفاجي إن الاجتماع انتهى")
        y = H.sdo("report", a, [H.TLP_GREEN], name="Meeting with al-Khafaji", published=H.ts(),
                  object_refs=[a], lang="en", description="Хафаджи was seen in Ramadi")
        m = H.releasability_marking(a, [a])
        hidden = H.sdo("report", a, [m["id"]], name="Khafaji again", published=H.ts(), object_refs=[a])
        post([x, y, m, hidden])
        r = get(f"/api/v1/objects/{x['id']}/names?with={y['id']}", "bob")
        self.assertEqual(r.status, 200, r)
        matches = {m["key"]: (m["a"], sorted(m["b"])) for m in r.json()["matches"]}
        # The person in three scripts, and the place (الرمادي, Ramadi) in two.
        self.assertEqual(matches, {"hfj": (["الخفاجي"], ["Khafaji", "Хафаджи"]),
                                   "rmd": (["الرمادي"], ["Ramadi"])})
        # Words both sides write alike are not name matches (they are shared words).
        self.assertEqual(get(f"/api/v1/objects/{x['id']}/names?with={x['id']}", "bob").json(),
                         {"matches": []})
        # Either object invisible to the reader: 404, as for the object itself.
        H.check_error(self, get(f"/api/v1/objects/{x['id']}/names?with={hidden['id']}", "bob"), 404)
        H.check_error(self, get(f"/api/v1/objects/{hidden['id']}/names?with={x['id']}", "bob"), 404)
        self.assertEqual(get(f"/api/v1/objects/{x['id']}/names?with={hidden['id']}", "alice").status, 200)
        H.check_error(self, get(f"/api/v1/objects/{x['id']}/names", "bob"), 400)
        H.check_error(self, get(f"/api/v1/objects/{x['id']}/names?with={y['id']}&x=1", "bob"), 400)


if __name__ == "__main__":
    unittest.main()
