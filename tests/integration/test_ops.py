"""What an operator runs the hub with (issue 19 items 5, 6, 7, 8; issue 16 item 6d): the Date
header, probes and /version, JSON 404s under the API prefixes, /metrics for HTTP and the store,
logs (UTC, levels, JSON, access log, security events, stderr), `tansiq audit export`, rate
limits with 429 + Retry-After, and a party added by the CLI seen while serving."""
import concurrent.futures
import email.utils
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = None


def setUpModule():
    global hub
    hub = H.Hub()
    hub.serve_args = ["--log-format", "json"]
    hub.start()


def tearDownModule():
    hub.cleanup()


def raw(method, path, headers=None, body=None, port=None):
    conn = http.client.HTTPConnection("127.0.0.1", port or hub.port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r, data


def log_lines():
    with open(os.path.join(hub.dir, "server.log"), "rb") as f:
        return f.read().decode("utf-8", "replace").splitlines()


class DateHeader(unittest.TestCase):
    def check_date(self, r):
        date = r.getheader("Date")
        self.assertIsNotNone(date, f"{r.status} without Date")
        self.assertRegex(date, r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|"
                               r"Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$")
        when = email.utils.parsedate_to_datetime(date).timestamp()
        self.assertLess(abs(when - time.time()), 60)

    def test_every_response_carries_date(self):
        auth = {"Authorization": H.basic("alice")}
        for method, path, headers, body in [
                ("GET", "/taxii2/", {**auth, "Accept": H.TAXII}, None),       # 200
                ("GET", "/taxii2/", {}, None),                                # 401
                ("GET", "/api/v1/nothing-here", auth, None),                  # 404
                ("DELETE", "/taxii2/", auth, None),                           # 405
                ("GET", "/", {}, None),                                       # web UI or 503
                ("GET", "/livez", {}, None),
                ("POST", "/taxii2/", {**auth, "Content-Length": "99999999999"}, b"x")]:  # 413
            r, _ = raw(method, path, headers, body)
            self.check_date(r)


class Probes(unittest.TestCase):
    def test_livez_readyz_healthz_are_json_not_the_web_app(self):
        for path in ("/livez", "/readyz", "/healthz"):
            r, data = raw("GET", path)
            self.assertEqual(r.status, 200, path)
            self.assertTrue(r.getheader("Content-Type").startswith("application/json"), path)
            body = json.loads(data)
            self.assertIn(body["status"], ("ok", "ready"))
        _, data = raw("GET", "/readyz")
        self.assertEqual(json.loads(data)["checks"],
                         {"schema": "ok", "writer": "ok", "database": "ok"})

    def test_version_matches_the_binary(self):
        r, data = raw("GET", "/version")
        self.assertEqual(r.status, 200)
        v = json.loads(data)
        out = subprocess.run([hub.bin, "--version"], capture_output=True, text=True, check=True)
        self.assertEqual(out.stdout.strip(), "tansiq " + v["version"])
        self.assertRegex(v["version"], r"^\d+\.\d+\.\d+")
        self.assertGreater(v["schema_version"], 0)

    def test_unknown_api_paths_are_json_404s(self):
        auth = {"Authorization": H.basic("alice")}
        for method, path in [("GET", "/api/v1/nothing"), ("GET", "/api/"), ("GET", "/taxii2/x/y/z"),
                             ("GET", "/health"), ("GET", "/readyz/more"), ("HEAD", "/api/v2"),
                             ("POST", "/api/v1/nothing"), ("GET", "/metrics/x")]:
            r, data = raw(method, path, auth, b"{}" if method == "POST" else None)
            self.assertEqual(r.status, 404, (method, path))
            self.assertNotIn("text/html", r.getheader("Content-Type") or "", (method, path))
            if method != "HEAD":
                self.assertIsInstance(json.loads(data), dict)


class ReadinessUnderFaults(unittest.TestCase):
    def test_readyz_is_503_while_the_database_is_not_writable(self):
        h = H.Hub()
        control = os.path.join(h.dir, "fault")

        def fault(text):
            with open(control + ".tmp", "w") as f:
                f.write(text + "\n")
            os.replace(control + ".tmp", control)

        fault("none")
        os.environ["TANSIQ_FAULT_FILE"] = control
        try:
            h.start()
        finally:
            os.environ.pop("TANSIQ_FAULT_FILE", None)
        try:
            r, _ = raw("GET", "/readyz", port=h.port)
            self.assertEqual(r.status, 200)
            fault("full")
            r, data = raw("GET", "/readyz", port=h.port)
            self.assertEqual(r.status, 503, data)
            self.assertEqual(json.loads(data)["status"], "not ready")
            self.assertIn("not writable", json.loads(data)["checks"]["database"])
            r, _ = raw("GET", "/livez", port=h.port)
            self.assertEqual(r.status, 200)  # alive, not ready: no restart loop
            fault("none")
            deadline = time.monotonic() + 20
            while True:
                r, data = raw("GET", "/readyz", port=h.port)
                if r.status == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            self.assertEqual(r.status, 200, data)
        finally:
            h.cleanup()


class Metrics(unittest.TestCase):
    def test_http_store_and_analysis_series(self):
        hub.get(hub.coll_path("coalition") + "objects/")
        r = hub.get("/metrics", user="root")
        self.assertEqual(r.status, 200)
        text = r.body.decode()
        self.assertRegex(text, r'tansiq_http_requests_total\{method="GET",'
                               r'route="/taxii2/hub/collections/\{\}/objects/",status="200"\} \d+')
        self.assertIn('tansiq_http_request_duration_seconds_bucket{method="GET",route="/taxii2/'
                      'hub/collections/{}/objects/",status="200",le="+Inf"}', text)
        for name in ("tansiq_store_write_queue", "tansiq_store_writer_wait_seconds",
                     "tansiq_store_wal_bytes", "tansiq_store_commit_duration_seconds_count",
                     "tansiq_analysis_backlog", "tansiq_analysis_lag_seconds",
                     "tansiq_stream_sessions"):
            self.assertRegex(text, rf"(?m)^{name} ", name)
        # No request path (ids, query strings) is a label.
        self.assertNotIn("collections/coalition", text)
        self.assertEqual(hub.get("/metrics", user="alice").status, 403)


class Logs(unittest.TestCase):
    def test_access_lines_are_json_utc_without_secrets(self):
        token = hub.token("bob")
        secret_q = "sekrit-query-value"
        hub.get("/api/v1/whoami", user="bob", auth="bearer")
        hub.get(f"/api/v1/search?q={secret_q}&token={secret_q}", user="alice")
        time.sleep(0.3)
        lines = log_lines()
        parsed = []
        for line in lines:
            if not line.startswith("{"):
                continue
            o = json.loads(line)  # every JSON line parses
            self.assertRegex(o["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            parsed.append(o)
        access = [o for o in parsed if o.get("log") == "access"]
        who = [o for o in access if o["route"] == "/api/v1/whoami" and o["user"] == "bob"]
        self.assertTrue(who, access[-5:])
        for key in ("method", "route", "status", "user", "latency_us", "bytes", "client"):
            self.assertIn(key, who[-1])
        self.assertEqual(who[-1]["status"], 200)
        text = "\n".join(lines)
        for secret in (token, secret_q, H.password("alice"), H.basic("alice"),
                       H.basic("alice").split()[1], "Authorization:", "Bearer "):
            self.assertNotIn(secret, text)

    def test_failed_login_is_a_security_event(self):
        r = hub.get("/taxii2/", user="carol", headers={"Authorization": H.basic("carol", "nope")})
        self.assertEqual(r.status, 401)
        time.sleep(0.3)
        events = [json.loads(line) for line in log_lines()
                  if line.startswith("{") and '"security"' in line]
        failed = [e for e in events if e.get("event") == "auth_failed" and e.get("user") == "carol"]
        self.assertTrue(failed, events[-5:])
        self.assertEqual(failed[-1]["level"], "warning")
        self.assertNotIn("nope", json.dumps(events))


class LogStreamsAndLevels(unittest.TestCase):
    def run_server(self, *args):
        h = H.Hub()
        port_file = os.path.join(h.dir, "port")
        proc = subprocess.Popen([h.bin, "serve", "--db", h.db, "--listen", "127.0.0.1:0",
                                 "--port-file", port_file, *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        def read_port():
            try:
                with open(port_file) as f:
                    return f.read().strip()
            except FileNotFoundError:
                return ""

        deadline = time.monotonic() + 30
        while not read_port().isdigit():
            self.assertIsNone(proc.poll())
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        port = int(read_port())
        raw("GET", "/taxii2/", {"Authorization": H.basic("alice")}, port=port)
        raw("GET", "/taxii2/", {"Authorization": H.basic("alice", "wrong")}, port=port)
        proc.terminate()
        out, err = proc.communicate(timeout=30)
        h.cleanup()
        return out.decode(), err.decode()

    def test_info_on_stdout_warnings_on_stderr_times_in_utc(self):
        out, err = self.run_server()
        self.assertRegex(out, r"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info access .*"
                              r"route=/taxii2/ status=200 user=alice")
        self.assertNotIn("auth_failed", out)
        self.assertRegex(err, r"(?m)^\S+Z warning security event=auth_failed .*user=alice")
        self.assertNotIn(" info ", err)

    def test_log_level_warn_drops_the_access_log(self):
        out, err = self.run_server("--log-level", "warn")
        self.assertNotIn("access", out)
        self.assertIn("auth_failed", err)

    def test_bad_log_flags_are_refused(self):
        for args in (["--log-level", "loud"], ["--log-format", "xml"]):
            r = subprocess.run([hub.bin, "serve", "--db", hub.db, *args], capture_output=True,
                               text=True, timeout=30)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(args[0], r.stderr)


class AuditExport(unittest.TestCase):
    def test_json_lines_from_a_sequence_number(self):
        hub.post_objects(hub.coll_path("coalition"),
                         [H.indicator(hub.identity_of("a"), [H.TLP_GREEN], name="audit export")])
        out = hub.cli("audit", "export", "--db", hub.db).stdout.splitlines()
        records = [json.loads(line) for line in out]
        self.assertGreater(len(records), 3)
        self.assertEqual([r["seq"] for r in records], list(range(1, len(records) + 1)))
        for r in records:
            self.assertRegex(r["time"], r"Z$")
            for key in ("actor", "party", "action", "target", "outcome", "prev_hash", "hash"):
                self.assertIn(key, r)
        for a, b in zip(records, records[1:]):
            self.assertEqual(b["prev_hash"], a["hash"])
        tail = hub.cli("audit", "export", "--db", hub.db, "--from", str(records[-2]["seq"]))
        self.assertEqual([json.loads(x) for x in tail.stdout.splitlines()][:2], records[-2:])


class RateLimits(unittest.TestCase):
    def test_per_user_and_per_token_limits_answer_429_with_retry_after(self):
        h = H.Hub()
        h.serve_args = ["--rate-per-user", "2", "--burst-per-user", "20",
                        "--rate-per-token", "1", "--burst-per-token", "5"]
        h.start()
        try:
            def call(i):
                r, _ = raw("GET", "/api/v1/whoami", {"Authorization": H.basic("alice")},
                           port=h.port)
                return r.status, r.getheader("Retry-After")

            self.assertEqual(call(0)[0], 200)  # warms the password cache (argon2 once)
            started = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(20) as pool:
                results = list(pool.map(call, range(200)))
            elapsed = time.monotonic() - started
            statuses = [s for s, _ in results]
            self.assertEqual(set(statuses), {200, 429})
            self.assertLessEqual(statuses.count(200), 19 + 2 * elapsed + 2)
            self.assertGreaterEqual(statuses.count(429), 100)
            for s, retry in results:
                if s == 429:
                    self.assertTrue(retry and int(retry) >= 1)
            # Another user is not affected; a token has its own, smaller bucket.
            self.assertEqual(h.get("/api/v1/whoami", user="bob").status, 200)
            responses = [h.get("/api/v1/whoami", user="carol", auth="bearer") for _ in range(10)]
            codes = [r.status for r in responses]
            self.assertEqual(codes[:5], [200] * 5)
            refused = [r for r in responses if r.status == 429]
            self.assertTrue(refused, codes)
            self.assertIn("rate limit", refused[0].json()["description"])
            self.assertGreaterEqual(int(refused[0].header("Retry-After")), 1)
            self.assertEqual(h.get("/api/v1/whoami", user="carol").status, 200)  # password
        finally:
            h.cleanup()


class DirectoryWhileServing(unittest.TestCase):
    def test_party_and_user_added_by_the_cli_are_known_at_once(self):
        hub.cli("party", "add", "--db", hub.db, "--id", "jo", "--name", "الأردن")
        r = subprocess.run([hub.bin, "user", "add", "joe", "--db", hub.db, "--party", "jo",
                            "--roles", "officer", "--password-stdin"],
                           input="pw-joe-long-enough\n", capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        deadline = time.monotonic() + 5
        while True:
            codes = [p.get("id") or p.get("code") for p in hub.parties_api()]
            r = hub.get("/api/v1/whoami", headers={"Authorization": H.basic("joe", "pw-joe-long-enough")})
            if ("jo" in json.dumps(codes) and r.status == 200 and r.json()["party"] == "jo") \
                    or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertIn("jo", json.dumps(codes))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["party"], "jo")
        cols = hub.get("/taxii2/hub/collections/",
                       headers={"Authorization": H.basic("joe", "pw-joe-long-enough"),
                                "Accept": H.TAXII})
        self.assertIn("party-jo", json.dumps(cols.json()))


class RelocatableInstall(unittest.TestCase):
    def test_installed_tree_finds_its_web_ui_and_data_wherever_it_is_moved(self):
        build = os.path.dirname(os.path.dirname(hub.bin))  # <build>/cli/tansiq
        if not os.path.isfile(os.path.join(build, "cmake_install.cmake")):
            self.skipTest("TANSIQ_BIN is not in a CMake build tree")
        if not os.path.isfile(os.path.join(H.REPO, "web", "dist", "index.html")):
            self.skipTest("web UI not built (scripts/build-web)")
        root = tempfile.mkdtemp(prefix="tansiq-install-")
        try:
            first = os.path.join(root, "first")
            subprocess.run(["cmake", "--install", build, "--prefix", first], check=True,
                           capture_output=True, timeout=300)
            for rel in ("bin/tansiq", "share/tansiq/web/index.html",
                        "share/tansiq/data/gazetteer/places.tsv", "share/tansiq/data/aliases"):
                self.assertTrue(os.path.exists(os.path.join(first, rel)), rel)
            moved = os.path.join(root, "moved")
            os.rename(first, moved)  # relocatable: nothing points back at the first prefix
            with open(os.path.join(moved, "share/tansiq/web/index.html"), "a") as f:
                f.write("<!-- installed copy -->\n")
            h = H.Hub()
            h.bin = os.path.join(moved, "bin", "tansiq")
            env = os.environ.pop("TANSIQ_DATA", None)
            try:
                h.start()
                r, body = raw("GET", "/", port=h.port)
                self.assertEqual(r.status, 200)
                self.assertIn(b"<!-- installed copy -->", body)
                log = h.log_tail(1_000_000)
                self.assertNotIn("no alias registry", log)
                self.assertNotIn("no gazetteer", log)
            finally:
                if env is not None:
                    os.environ["TANSIQ_DATA"] = env
                h.cleanup()
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
