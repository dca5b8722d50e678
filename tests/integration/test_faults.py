"""Storage faults on the real server (issue 7): `tansiq serve` started with TANSIQ_FAULT_FILE
routes SQLite's I/O through the fault VFS (store/sqlite/fault_vfs.h); the test writes "full",
"fsync", "readonly", "slow 10ms" or "none" to that file while the server runs.

Under each fault the server answers writes with a clear 503 (never a 202 for what it did not
store), keeps serving reads, and stores again as soon as the fault clears, without a restart.
After a kill -9 and a restart every acknowledged object is present, no refused one appears,
`PRAGMA integrity_check` and `tansiq audit verify` pass."""
import http.client
import json
import os
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = None
CONTROL = None


def setUpModule():
    global hub, CONTROL
    hub = H.Hub()
    CONTROL = os.path.join(hub.dir, "fault")
    set_fault("none")
    os.environ["TANSIQ_FAULT_FILE"] = CONTROL  # inherited by the servers this module starts
    # Writers post as fast as refusals come back (hundreds a second): no rate limit here, so
    # every answer is the store's own (202 or 503). Rate limits are it_ops' subject.
    hub.serve_args += ["--rate-per-user", "0"]
    hub.start()


def tearDownModule():
    os.environ.pop("TANSIQ_FAULT_FILE", None)
    hub.cleanup()


def set_fault(text):
    """Atomically replaces the control file (the VFS re-reads it when its inode changes)."""
    tmp = CONTROL + ".tmp"
    with open(tmp, "w") as f:
        f.write(text + "\n")
    os.replace(tmp, CONTROL)


def objects_path():
    return hub.coll_path("coalition") + "objects/"


def batch(n=10, tag="x"):
    ida = hub.identity_of("a")
    return [H.indicator(ida, [H.TLP_GREEN], name=f"{tag} {i}") for i in range(n)]


def post(objs):
    """POSTs an envelope; returns (acknowledged ids, refused ids, response)."""
    r = hub.post(objects_path(), {"objects": objs})
    ids = [o["id"] for o in objs]
    if r.status != 202:
        return [], ids, r
    st = r.json()
    ok = {s["id"] for s in st.get("successes", [])}
    return [i for i in ids if i in ok], [i for i in ids if i not in ok], r


def kill9_and_restart():
    hub.proc.kill()
    hub.proc.wait()
    hub.stop()
    hub.start()


class Faults(unittest.TestCase):
    def setUp(self):
        set_fault("none")
        if not hub.alive():
            hub.start()

    def tearDown(self):
        set_fault("none")

    def check_store(self, acked, refused):
        """After kill -9 + restart: exactly the acknowledged objects, an intact db and chain."""
        kill9_and_restart()
        with sqlite3.connect(f"file:{hub.db}?mode=ro", uri=True, timeout=10) as db:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            stored = {row[0] for row in db.execute("SELECT id FROM versions")}
        self.assertEqual([i for i in acked if i not in stored], [], "acknowledged but lost")
        self.assertEqual([i for i in refused if i in stored], [], "refused but stored")
        r = hub.cli("audit", "verify", "--db", hub.db, check=False, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for i in acked[:5]:
            self.assertEqual(hub.get(objects_path() + f"{i}/").status, 200, i)
        for i in refused[:5]:
            self.assertEqual(hub.get(objects_path() + f"{i}/").status, 404, i)

    def fault_round(self, fault):
        before = batch(tag=f"before {fault}")
        acked, refused, r = post(before)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(len(acked), len(before))
        stored_one = acked[0]

        set_fault(fault)
        for attempt in range(3):  # stays refused while the fault lasts: no wedge into success
            a, f, r = post(batch(tag=f"under {fault} {attempt}"))
            self.assertEqual(a, [], f"{fault}: acknowledged under the fault: {r}")
            refused += f
            self.assertEqual(r.status, 503, r)
            j = H.check_error(self, r, 503)
            self.assertTrue(j.get("description"), j)
            self.assertEqual(r.header("Retry-After"), "5")
        # Reads still answer while writes fail (the read's own audit record may be refused).
        g = hub.get(objects_path() + f"{stored_one}/")
        self.assertIn(g.status, (200, 503), g)
        if g.status == 200:
            self.assertEqual(g.json()["objects"][0]["id"], stored_one)
        self.assertEqual(hub.get(objects_path() + f"{refused[0]}/").status, 404)

        set_fault("none")  # recovers without a restart
        after = batch(tag=f"after {fault}")
        a, f, r = post(after)
        self.assertEqual(r.status, 202, f"{fault}: no recovery after the fault cleared: {r}")
        self.assertEqual(f, [])
        acked += a
        self.assertEqual(hub.get(objects_path() + f"{a[0]}/").status, 200)
        self.check_store(acked, refused)

    def test_disk_full(self):
        self.fault_round("full")

    def test_fsync_failure(self):
        self.fault_round("fsync")

    def test_read_only_database(self):
        self.fault_round("readonly")

    def test_refused_write_stays_refused_after_a_crash(self):
        """A commit whose fsync failed left valid frames in the WAL; with no later write to
        overwrite them, a kill -9 must still not bring the refused objects back."""
        acked, _, r = post(batch(tag="before crash"))
        self.assertEqual(r.status, 202, r)
        set_fault("fsync")
        a, refused, r = post(batch(tag="refused then crash"))
        self.assertEqual((r.status, a), (503, []), r)
        set_fault("none")
        time.sleep(0.5)  # no client write follows; the server cleans up on its own
        self.check_store(acked, refused)

    def test_slow_disk_delays_but_acknowledges(self):
        set_fault("slow 10ms")
        objs = batch(20, tag="slow")
        start = time.monotonic()
        acked, refused, r = post(objs)
        elapsed = time.monotonic() - start
        self.assertEqual(r.status, 202, r)
        self.assertEqual(refused, [])
        self.assertGreaterEqual(elapsed, 0.01)  # at least the delay of the commit's fsync
        # A read during a slow write still answers.
        done = threading.Event()
        result = {}

        def slow_writer():
            result["post"] = post(batch(20, tag="slow2"))
            done.set()

        t = threading.Thread(target=slow_writer)
        t.start()
        g = hub.get(objects_path() + f"{acked[0]}/")
        self.assertEqual(g.status, 200, g)
        t.join(120)
        self.assertTrue(done.is_set())
        self.assertEqual(result["post"][2].status, 202)
        acked += result["post"][0]
        set_fault("none")
        self.check_store(acked, [])

    def test_faults_flipping_under_concurrent_ingest(self):
        """Writers post continuously while the fault changes under them; whatever each request
        was told must match what the store holds after a kill -9."""
        port = hub.port
        path = objects_path()
        ida = hub.identity_of("a")
        acked, refused, other = [], [], []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(k):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            n = 0
            while not stop.is_set():
                if n and n % 50 == 0:  # new connections now and then, as real clients do
                    c.close()
                objs = [H.indicator(ida, [H.TLP_GREEN], name=f"w{k} {n} {i}") for i in range(5)]
                n += 1
                c.request("POST", path, body=json.dumps({"objects": objs}).encode(),
                          headers={"Accept": H.TAXII, "Content-Type": H.TAXII,
                                   "Authorization": H.basic("alice")})
                r = c.getresponse()
                data = r.read()
                ids = [o["id"] for o in objs]
                with lock:
                    if r.status == 202 and json.loads(data).get("success_count") == len(objs):
                        acked.extend(ids)
                    elif r.status == 503:
                        refused.extend(ids)
                    else:
                        other.append((r.status, data[:300]))
            c.close()

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
        for t in threads:
            t.start()
        try:
            for fault in ("full", "none", "fsync", "none", "readonly", "none", "slow 5ms",
                          "full", "none"):
                set_fault(fault)
                time.sleep(0.4)
            # The last state is "none": wait for fresh acknowledgements before the kill.
            with lock:
                seen = len(acked)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with lock:
                    if len(acked) > seen:
                        break
                time.sleep(0.05)
        finally:
            stop.set()
            for t in threads:
                t.join(120)
        self.assertEqual(other, [], "answers other than 202 or 503")
        self.assertGreater(len(acked), seen, "no write succeeded after the last fault cleared")
        self.assertGreater(len(refused), 0, "no write was refused: the faults never fired")
        self.check_store(acked, refused)


if __name__ == "__main__":
    unittest.main()
