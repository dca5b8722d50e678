"""An operator's database (issue 19 items 2 and 3): one `tansiq serve` per SQLite file (a
second is refused, saying why, before it touches the database); nothing written before the
listener is bound; the database, its WAL and shared memory, backups, key and lock files are
the owner's alone (0600); `tansiq restore` checks a backup and puts it in place; a schema
migration first copies the database."""
import os
import sqlite3
import stat
import subprocess
import sys
import socket
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def run(*args, timeout=60):
    return subprocess.run([H.tansiq_bin(), *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


class OneServer(unittest.TestCase):
    def setUp(self):
        self.hub = H.Hub()

    def tearDown(self):
        self.hub.cleanup()

    def test_a_second_server_on_the_same_database_is_refused(self):
        self.hub.start()
        size = os.path.getsize(self.hub.db)
        audit = len(self.hub.audit_rows())
        r = run("serve", "--db", self.hub.db, "--listen", "127.0.0.1:0", timeout=30)
        self.assertNotEqual(r.returncode, 0)
        err = r.stdout + r.stderr
        self.assertIn("another tansiq serve", err)
        self.assertIn(f"pid {self.hub.proc.pid}", err)
        self.assertIn("PostgreSQL", err)
        self.assertEqual(len(self.hub.audit_rows()), audit)
        self.assertEqual(os.path.getsize(self.hub.db), size)
        # The first server goes on serving; once it stops, a new one starts.
        self.assertEqual(self.hub.get("/api/v1/whoami", accept=None).status, 200)
        self.hub.stop()
        self.hub.start()

    def test_a_server_that_cannot_bind_writes_nothing(self):
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        try:
            before = self.hub.audit_rows()
            with open(self.hub.db, "rb") as f:
                data = f.read()
            r = run("serve", "--db", self.hub.db, "--listen", f"127.0.0.1:{port}", timeout=30)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("cannot listen", r.stdout + r.stderr)
            self.assertEqual(self.hub.audit_rows(), before)
            with open(self.hub.db, "rb") as f:
                self.assertEqual(f.read(), data)
        finally:
            busy.close()


class Files(unittest.TestCase):
    def setUp(self):
        self.hub = H.Hub()

    def tearDown(self):
        self.hub.cleanup()

    def test_database_wal_backups_and_keys_are_private(self):
        os.umask(0o022)  # a usual umask: tansiq must not depend on it
        self.hub.start()
        self.hub.token("alice")  # a write while serving: the WAL exists
        for suffix in ("", "-wal", "-shm", ".key", ".lock"):
            path = self.hub.db + suffix
            with self.subTest(file=suffix or "db"):
                self.assertTrue(os.path.exists(path), path)
                self.assertEqual(mode(path), 0o600, path)
        copy = os.path.join(self.hub.dir, "copy.db")
        self.hub.cli("backup", "--db", self.hub.db, "--to", copy)
        self.assertEqual(mode(copy), 0o600)
        self.assertEqual(mode(copy + ".key"), 0o600)

    def test_a_world_readable_database_is_made_private_on_open(self):
        os.chmod(self.hub.db, 0o644)
        self.hub.cli("audit", "verify", "--db", self.hub.db)
        self.assertEqual(mode(self.hub.db), 0o600)


class Restore(unittest.TestCase):
    def setUp(self):
        self.hub = H.Hub()

    def tearDown(self):
        self.hub.cleanup()

    def test_restore_puts_a_checked_backup_in_place(self):
        copy = os.path.join(self.hub.dir, "copy.db")
        self.hub.cli("backup", "--db", self.hub.db, "--to", copy)
        before = len(self.hub.audit_rows())
        self.hub.token("alice")  # a change after the backup
        self.assertGreater(len(self.hub.audit_rows()), before)
        self.hub.start()
        r = self.hub.cli("restore", "--db", self.hub.db, "--from", copy, check=False)
        self.assertNotEqual(r.returncode, 0, "refused while a server holds the database")
        self.assertIn("another tansiq serve", r.stderr + r.stdout)
        self.hub.stop()
        self.hub.cli("restore", "--db", self.hub.db, "--from", copy)
        self.assertEqual(len(self.hub.audit_rows()), before)
        self.assertEqual(mode(self.hub.db), 0o600)
        aside = [f for f in os.listdir(self.hub.dir) if ".before-restore-" in f]
        self.assertEqual(len([f for f in aside if not f.endswith(".key")]), 1, aside)
        self.assertEqual(len([f for f in aside if f.endswith(".key")]), 1, aside)
        self.hub.cli("audit", "verify", "--db", self.hub.db)
        self.hub.tokens.clear()
        self.hub.start()
        self.assertEqual(self.hub.get("/api/v1/whoami", accept=None).status, 200)

    def test_restore_refuses_a_backup_with_the_wrong_key(self):
        other = H.Hub()
        try:
            copy = os.path.join(self.hub.dir, "copy.db")
            self.hub.cli("backup", "--db", self.hub.db, "--to", copy)
            r = self.hub.cli("restore", "--db", self.hub.db, "--from", copy, "--key",
                             other.db + ".key", check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("does not verify", r.stderr + r.stdout)
            self.hub.cli("audit", "verify", "--db", self.hub.db)  # untouched
        finally:
            other.cleanup()


class Migration(unittest.TestCase):
    def test_a_migration_first_copies_the_database(self):
        hub = H.Hub()
        try:
            old_secret = hub.token("alice")
            with sqlite3.connect(hub.db) as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                # Back to the schema before API token scopes (migration 10); the migrations
                # after it are idempotent, so they run again over their own tables.
                db.executescript(
                    "CREATE TABLE t9(hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL, "
                    "label TEXT NOT NULL, created INTEGER NOT NULL) WITHOUT ROWID;"
                    "INSERT INTO t9 SELECT hash, user_id, label, created FROM tokens;"
                    "DROP TABLE tokens; ALTER TABLE t9 RENAME TO tokens;"
                    "PRAGMA user_version = 9;")
            hub.tokens.clear()
            hub.start()
            copies = [f for f in os.listdir(hub.dir) if f.startswith(f"hub.db.pre-v{version}-")]
            self.assertEqual(len(copies), 1, os.listdir(hub.dir))
            path = os.path.join(hub.dir, copies[0])
            self.assertEqual(mode(path), 0o600)
            with sqlite3.connect(path) as db:
                self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], 9)
            # The old token still works, now with a scope.
            old = hub.request("GET", "/api/v1/whoami", user=None, accept=None,
                              headers={"Authorization": f"Bearer {old_secret}"})
            self.assertEqual(old.status, 200)
        finally:
            hub.cleanup()


if __name__ == "__main__":
    unittest.main()
