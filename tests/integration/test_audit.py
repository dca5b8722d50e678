"""Audit hash chain: writes and reads of object content are recorded; `tansiq audit verify`
passes after real activity (across a restart) and detects each kind of tampering done with
sqlite3 on a stopped server: a modified field, a deleted row, an inserted row, swapped rows."""
import os
import sys
import shutil
import sqlite3
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = H.ModuleHub()  # started by setUpModule, stopped by tearDownModule
setUpModule, tearDownModule = hub.setup, hub.teardown
COLS = ["at", "actor", "party", "action", "target", "outcome", "prev_hash", "hash"]


def activity(tag):
    coal = hub.coll_path("coalition")
    ida, idb = hub.identity_of("a"), hub.identity_of("b")
    objs = [H.indicator(ida, [H.TLP_GREEN], name=f"{tag} {i}") for i in range(5)]
    hub.post_objects(coal, objs)
    hub.post_objects(coal, [H.indicator(idb, None)], user="bob")
    for o in objs:
        hub.get(coal + f"objects/{o['id']}/", user="bob")
        hub.get(coal + f"objects/{o['id']}/versions/", user="carol", auth="bearer")
    hub.get(coal + "objects/", user="carol", params={"limit": 3})
    hub.request("DELETE", coal + f"objects/{objs[0]['id']}/", user="alice")
    hub.request("DELETE", coal + f"objects/{objs[1]['id']}/", user="bob")       # refused
    hub.get(coal + "objects/", user=None, headers={"Authorization": H.basic("bob", "wrong")})
    return objs


class Audit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.objs = activity("first")
        hub.stop()
        cls.rows_after_first = hub.audit_rows()
        hub.start()
        activity("second")
        rc = hub.stop()
        cls.stop_rc = rc
        cls.rows = hub.audit_rows()

    def verify(self, db):
        return hub.cli("audit", "verify", "--db", db, check=False, timeout=120)

    def copy(self, name):
        dst = os.path.join(hub.dir, f"tampered-{name}.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(dst + suffix):
                os.remove(dst + suffix)
        src = sqlite3.connect(hub.db)
        out = sqlite3.connect(dst)
        src.backup(out)
        src.close()
        out.close()
        # the hub keeps companion files beside its database (e.g. the signing key, DB.key)
        for name in os.listdir(os.path.dirname(hub.db)):
            base = os.path.basename(hub.db)
            if name.startswith(base + ".") and not name.endswith(("-wal", "-shm")):
                shutil.copy(os.path.join(os.path.dirname(hub.db), name), dst + name[len(base):])
        return dst

    def tamper(self, name, *statements, params=()):
        dst = self.copy(name)
        con = sqlite3.connect(dst)
        for i, st in enumerate(statements):
            con.execute(st, params[i] if i < len(params) else ())
        con.commit()
        con.close()
        return dst

    def assertDetected(self, db, first_bad_seq=None):
        r = self.verify(db)
        self.assertNotEqual(r.returncode, 0, f"tampering not detected: {r.stdout} {r.stderr}")
        if first_bad_seq is not None:
            self.assertIn(str(first_bad_seq), r.stdout + r.stderr,
                          f"message does not name record {first_bad_seq}: {r.stdout} {r.stderr}")

    def mid(self):
        self.assertGreater(len(self.rows), 10)
        return self.rows[len(self.rows) // 2][0]

    # ------------------------------------------------------------------ intact chain
    def test_stop_was_graceful(self):
        self.assertEqual(self.stop_rc, 0, hub.log_tail())

    def test_verify_passes(self):
        r = self.verify(hub.db)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.verify(self.copy("pristine")).returncode, 0)

    def test_chain_links(self):
        seqs = [r[0] for r in self.rows]
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] + len(seqs))), "gaps in seq")
        for prev, cur in zip(self.rows, self.rows[1:]):
            self.assertEqual(cur[7], prev[8], f"prev_hash of {cur[0]} is not hash of {prev[0]}")
        self.assertEqual(len({r[8] for r in self.rows}), len(self.rows), "repeated hashes")
        # the second run continued the first chain
        self.assertEqual(self.rows[:len(self.rows_after_first)], self.rows_after_first)

    def test_reads_and_writes_recorded(self):
        actors = {r[2] for r in self.rows}
        self.assertTrue({"alice", "bob", "carol"} <= actors, actors)
        targets = " ".join(str(r[5]) for r in self.rows)
        for o in self.objs:
            self.assertIn(o["id"], targets, "a write or read of this object is not audited")
        bob_rows = [r for r in self.rows if r[2] == "bob"]
        self.assertTrue(any(self.objs[2]["id"] in str(r[5]) for r in bob_rows), "bob's read not audited")
        parties = {r[2]: r[3] for r in self.rows if r[2] in ("alice", "bob", "carol")}
        self.assertEqual(parties, {"alice": "a", "bob": "b", "carol": "c"})

    # ------------------------------------------------------------------ tampering
    def test_modified_field_detected(self):
        seq = self.mid()
        for col in ("actor", "party", "action", "target", "outcome", "at"):
            with self.subTest(col=col):
                val = 12345 if col == "at" else "tampered"
                db = self.tamper(f"mod-{col}", f"UPDATE audit SET {col} = ? WHERE seq = ?",
                                 params=[(val, seq)])
                self.assertDetected(db, seq)

    def test_modified_hash_detected(self):
        seq = self.mid()
        db = self.tamper("hash", "UPDATE audit SET hash = ? WHERE seq = ?", params=[("0" * 64, seq)])
        self.assertDetected(db)
        last = self.rows[-1][0]
        db = self.tamper("lasthash", "UPDATE audit SET hash = ? WHERE seq = ?", params=[("f" * 64, last)])
        self.assertDetected(db)

    def test_deleted_row_detected(self):
        seq = self.mid()
        self.assertDetected(self.tamper("del", "DELETE FROM audit WHERE seq = ?", params=[(seq,)]))
        first = self.rows[0][0]
        self.assertDetected(self.tamper("delfirst", "DELETE FROM audit WHERE seq = ?", params=[(first,)]))

    def test_deleted_and_relinked_detected(self):
        """Delete a row and patch the next row's prev_hash so the links still match."""
        seq = self.mid()
        prev_hash = [r for r in self.rows if r[0] == seq][0][7]
        db = self.tamper("relink", "DELETE FROM audit WHERE seq = ?",
                         "UPDATE audit SET prev_hash = ? WHERE seq = ?",
                         params=[(seq,), (prev_hash, seq + 1)])
        self.assertDetected(db)

    def test_inserted_row_detected(self):
        last = self.rows[-1]
        db = self.tamper("ins-end", "INSERT INTO audit (seq, at, actor, party, action, target, outcome, "
                         "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         params=[(last[0] + 1, last[1], "mallory", "b", "read", "x", "ok", last[8],
                                  "ab" * 32)])
        self.assertDetected(db, last[0] + 1)
        # in the middle: shift the tail up by one and insert a copy of an existing row
        seq = self.mid()
        row = [r for r in self.rows if r[0] == seq][0]
        dst = self.copy("ins-mid")
        con = sqlite3.connect(dst)
        for r in reversed(self.rows):
            if r[0] > seq:
                con.execute("UPDATE audit SET seq = ? WHERE seq = ?", (r[0] + 1, r[0]))
        con.execute("INSERT INTO audit (seq, at, actor, party, action, target, outcome, prev_hash, hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (seq + 1, *row[1:]))
        con.commit()
        con.close()
        self.assertDetected(dst)

    def test_swapped_rows_detected(self):
        seq = self.mid()
        a = [r for r in self.rows if r[0] == seq][0]
        b = [r for r in self.rows if r[0] == seq + 3][0]
        sets = ", ".join(f"{c} = ?" for c in COLS)
        db = self.tamper("swap", f"UPDATE audit SET {sets} WHERE seq = ?", f"UPDATE audit SET {sets} WHERE seq = ?",
                         params=[(*b[1:], a[0]), (*a[1:], b[0])])
        self.assertDetected(db, seq)
        # adjacent swap of content only (keeping the chain columns in place)
        c = [r for r in self.rows if r[0] == seq + 1][0]
        body = ", ".join(f"{k} = ?" for k in COLS[:6])
        db = self.tamper("swap-adj", f"UPDATE audit SET {body} WHERE seq = ?", f"UPDATE audit SET {body} WHERE seq = ?",
                         params=[(*c[1:7], a[0]), (*a[1:7], c[0])])
        self.assertDetected(db, seq)


if __name__ == "__main__":
    unittest.main()
