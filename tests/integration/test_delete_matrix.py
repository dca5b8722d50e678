"""DELETE /objects/{id}/ permission matrix: only officers/admins of the originating party delete;
other users who can see the object get 403; users who cannot see it get 404 (never 403)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = H.ModuleHub()  # started by setUpModule, stopped by tearDownModule
setUpModule, tearDownModule = hub.setup, hub.teardown


class DeleteMatrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.coal = hub.coll_path("coalition")
        cls.ida, cls.idb = hub.identity_of("a"), hub.identity_of("b")
        cls.mark_b = H.releasability_marking(cls.ida, [cls.idb], name="releasable to b")
        hub.post_objects(cls.coal, [cls.mark_b])

    def fresh(self, markings):
        o = H.indicator(self.ida, markings)
        hub.post_objects(self.coal, [o])
        return o

    def delete(self, o, user, params=None, path=None):
        return hub.request("DELETE", (path or self.coal) + f"objects/{o['id']}/" + H.qs(params), user=user)

    def assertGone(self, o, user="alice", path=None):
        H.check_error(self, hub.get((path or self.coal) + f"objects/{o['id']}/", user=user), 404)

    def assertPresent(self, o, user="alice"):
        r = hub.get(self.coal + f"objects/{o['id']}/", user=user)
        self.assertEqual(r.status, 200, r)

    def test_matrix(self):
        # (markings, {user: expected status for a refused delete})
        cases = {
            "green (visible to all)": ([H.TLP_GREEN], {"a2": 403, "ana": 403, "bob": 403, "b2": 403,
                                                       "carol": 403, "root": 403}),
            "unmarked (a only)": (None, {"a2": 403, "ana": 403, "bob": 404, "b2": 404,
                                         "carol": 404, "root": 404}),
            "releasable to b": ([self.mark_b["id"]], {"a2": 403, "ana": 403, "bob": 403, "b2": 403,
                                                      "carol": 404, "root": 404}),
            "red, no recipients": ([H.TLP_RED], {"a2": 403, "bob": 404, "carol": 404}),
        }
        for name, (markings, refused) in cases.items():
            with self.subTest(case=name):
                o = self.fresh(markings)
                for user, status in refused.items():
                    r = self.delete(o, user)
                    H.check_error(self, r, status)
                    if status == 404:
                        # indistinguishable from a nonexistent id
                        ghost = {"id": H.sid("indicator")}
                        g = self.delete(ghost, user)
                        self.assertEqual(g.status, 404)
                        self.assertEqual(g.body.replace(ghost["id"].encode(), b"ID"),
                                         r.body.replace(o["id"].encode(), b"ID"))
                    self.assertPresent(o)
                for deleter in ("alice", "adam"):
                    o = self.fresh(markings)
                    r = self.delete(o, deleter)
                    self.assertIn(r.status, (200, 204), (deleter, r))
                    self.assertGone(o)
                    self.assertGone(o, user="a2")
                    H.check_error(self, self.delete(o, deleter), 404)    # already gone

    def test_delete_with_bearer(self):
        o = self.fresh([H.TLP_GREEN])
        r = hub.request("DELETE", self.coal + f"objects/{o['id']}/", user="adam", auth="bearer")
        self.assertIn(r.status, (200, 204), r)
        self.assertGone(o, user="bob")

    def test_delete_one_version(self):
        v1 = H.indicator(self.ida, [H.TLP_GREEN], name="v1")
        v2 = H.new_version(v1, name="v2")
        v3 = H.new_version(v2, name="v3")
        hub.post_objects(self.coal, [v1, v2, v3])
        H.check_error(self, self.delete(v1, "bob", {"match[version]": v2["modified"]}), 403)
        r = self.delete(v1, "alice", {"match[version]": v2["modified"]})
        self.assertIn(r.status, (200, 204), r)
        vs = hub.get(self.coal + f"objects/{v1['id']}/versions/").json()["versions"]
        self.assertEqual(vs, [v1["modified"], v3["modified"]])
        self.assertEqual(hub.get(self.coal + f"objects/{v1['id']}/").json()["objects"], [v3])
        r = self.delete(v1, "alice", {"match[version]": "first"})
        self.assertIn(r.status, (200, 204), r)
        self.assertEqual(hub.get(self.coal + f"objects/{v1['id']}/versions/").json()["versions"],
                         [v3["modified"]])
        r = self.delete(v1, "alice", {"match[version]": "last"})
        self.assertIn(r.status, (200, 204), r)
        self.assertGone(v1)

    def test_delete_unknown_404(self):
        H.check_error(self, self.delete({"id": H.sid("indicator")}, "alice"), 404)
        H.check_error(self, self.delete({"id": H.sid("indicator")}, "bob"), 404)

    def test_delete_in_private_collection(self):
        pa = hub.coll_path("party-a")
        o = H.indicator(self.ida)
        hub.post_objects(pa, [o])
        for user in ("bob", "carol"):
            pb_path = pa  # bob uses the id of party-a's collection that he cannot read
            r = self.delete(o, user, path=pb_path)
            self.assertIn(r.status, (403, 404), r)
            H.check_error(self, r, r.status)
        H.check_error(self, self.delete(o, "a2", path=pa), 403)
        r = self.delete(o, "alice", path=pa)
        self.assertIn(r.status, (200, 204), r)
        self.assertGone(o, path=pa)

    def test_other_party_cannot_delete_b_object(self):
        o = H.indicator(self.idb, [H.TLP_GREEN])
        hub.post_objects(self.coal, [o], user="bob")
        for user in ("alice", "adam", "carol"):
            H.check_error(self, self.delete(o, user), 403)
        self.assertPresent(o, user="bob")
        self.assertIn(self.delete(o, "bob").status, (200, 204))

    def test_deleted_object_gone_everywhere(self):
        o = self.fresh([H.TLP_GREEN])
        self.assertIn(self.delete(o, "alice").status, (200, 204))
        for user in ("alice", "bob"):
            man = hub.get(self.coal + "manifest/", user=user, params={"match[id]": o["id"]})
            self.assertNotIn(o["id"], man.body.decode())
            objs = hub.get(self.coal + "objects/", user=user, params={"match[id]": o["id"]})
            self.assertNotIn(o["id"], objs.body.decode())
            H.check_error(self, hub.get(self.coal + f"objects/{o['id']}/versions/", user=user), 404)


if __name__ == "__main__":
    unittest.main()
