"""Black-box test harness: builds a throw-away hub, runs the real `tansiq serve` on port 0,
and gives the integration tests small HTTP/TAXII/STIX helpers (Python stdlib only).

One Hub per test module: call `harness.module_hub()` from setUpModule and `hub.stop()` from
tearDownModule (an atexit hook stops anything left running)."""
from __future__ import annotations

import atexit
import base64
import datetime as dt
import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid

# Sanitizer builds run several times slower: hang guards and start-up waits widen by this
# factor (never a speed claim).
TIME_SCALE = float(os.environ.get("TANSIQ_TIME_SCALE", "1"))

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(REPO, "..", "shared")
STIX_VALIDATE = os.path.join(REPO, "..", "shared", "tools", "stix-validate")
ARABIC_REPORT = os.path.join(SHARED, "data", "reports", "ar-joint-operations-centre.txt")

TAXII = "application/taxii+json;version=2.1"
EXT_ID = "extension-definition--65d21291-bcb8-457a-8bff-8b997f76182b"
MSG_EXT_ID = "extension-definition--3f8c1e52-6b1d-4f7e-9a0c-2d5b7e91c4a8"  # x-tansiq-message
HUB_EXTENSIONS = {EXT_ID, MSG_EXT_ID}  # extension-definitions every hub publishes
TLP_CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
TLP_AMBER_STRICT = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
TLP_RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
TLP_ALL = {"clear": TLP_CLEAR, "green": TLP_GREEN, "amber": TLP_AMBER,
           "amber+strict": TLP_AMBER_STRICT, "red": TLP_RED}

PARTIES = [
    {"id": "a", "name": "Party A — العراق"},
    {"id": "b", "name": "Party B — Россия"},
    {"id": "c", "name": "Party C — ایران"},
]
# name -> (party, roles)
USERS = {
    "alice": ("a", ["officer", "recipient"]),
    "a2": ("a", ["recipient"]),
    "ana": ("a", ["analyst"]),
    "adam": ("a", ["admin"]),
    "bob": ("b", ["officer"]),
    "b2": ("b", ["recipient"]),
    "carol": ("c", ["officer"]),
    "dave": ("b", ["officer"]),          # disabled by test_auth
    "trudy": ("c", ["officer"]),         # throttled by test_auth
    "root": ("c", ["hub-admin"]),
}


def password(user: str) -> str:
    return f"pw-{user}-Секрет-كلمة"


def tansiq_bin() -> str:
    path = os.environ.get("TANSIQ_BIN") or os.path.join(REPO, "build", "default", "cli", "tansiq")
    if not os.path.isfile(path):
        if os.environ.get("TANSIQ_BIN"):
            raise RuntimeError(f"TANSIQ_BIN={path} does not exist")
        raise unittest.SkipTest(f"tansiq binary not built ({path}); set TANSIQ_BIN")
    return os.path.abspath(path)


# --------------------------------------------------------------------------------------------
# STIX helpers

def ts(at: dt.datetime | None = None) -> str:
    """STIX timestamp with millisecond precision."""
    at = at or dt.datetime.now(dt.timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


_clock_lock = threading.Lock()
_last_clock = [dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)]


def unique_ts() -> str:
    """Distinct, increasing millisecond timestamps (in the past, so they are never 'future')."""
    with _clock_lock:
        _last_clock[0] += dt.timedelta(milliseconds=1)
        return ts(_last_clock[0])


def sid(kind: str) -> str:
    return f"{kind}--{uuid.uuid4()}"


def indicator(created_by: str | None = None, markings=None, name=None, **extra) -> dict:
    t = unique_ts()
    o = {"type": "indicator", "spec_version": "2.1", "id": sid("indicator"), "created": t,
         "modified": t, "name": name or f"indicator {uuid.uuid4().hex[:8]}",
         "pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix",
         "valid_from": "2024-01-01T00:00:00Z", "indicator_types": ["malicious-activity"]}
    if created_by:
        o["created_by_ref"] = created_by
    if markings:
        o["object_marking_refs"] = list(markings)
    o.update(extra)
    return o


def sdo(kind: str, created_by: str | None = None, markings=None, **props) -> dict:
    t = unique_ts()
    o = {"type": kind, "spec_version": "2.1", "id": sid(kind), "created": t, "modified": t}
    if created_by:
        o["created_by_ref"] = created_by
    if markings:
        o["object_marking_refs"] = list(markings)
    o.update(props)
    return o


def relationship(src: str, tgt: str, created_by=None, markings=None, rtype="related-to") -> dict:
    return sdo("relationship", created_by, markings, relationship_type=rtype,
               source_ref=src, target_ref=tgt)


def new_version(obj: dict, **changes) -> dict:
    o = json.loads(json.dumps(obj))
    o["modified"] = unique_ts()
    for k, v in changes.items():
        if v is None:
            o.pop(k, None)
        else:
            o[k] = v
    return o


def releasability_marking(created_by: str, to_refs, recipients=None, name="releasable") -> dict:
    ext = {"extension_type": "property-extension", "releasable_to_refs": list(to_refs)}
    if recipients is not None:
        ext["recipients"] = list(recipients)
    return {"type": "marking-definition", "spec_version": "2.1", "id": sid("marking-definition"),
            "created": unique_ts(), "created_by_ref": created_by, "name": name,
            "extensions": {EXT_ID: ext}}


def arabic_text() -> str:
    with open(ARABIC_REPORT, encoding="utf-8") as f:
        return f.read()


# --------------------------------------------------------------------------------------------
# HTTP

class Response:
    def __init__(self, status: int, reason: str, headers, body: bytes):
        self.status = status
        self.reason = reason
        self.headers = headers            # http.client.HTTPMessage (case-insensitive)
        self.body = body

    def header(self, name: str, default=None):
        return self.headers.get(name, default)

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header_text(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self.headers.items())

    def __repr__(self):
        b = self.body[:600].decode("utf-8", "replace")
        return f"<HTTP {self.status} {self.reason} {dict(self.headers.items())} {b!r}>"


def basic(user: str, pw: str | None = None) -> str:
    raw = f"{user}:{password(user) if pw is None else pw}".encode("utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")


def qs(params) -> str:
    """Query string; params is a dict or a list of pairs (to allow repeats)."""
    if not params:
        return ""
    items = params.items() if isinstance(params, dict) else params
    # brackets percent-encoded, as requests / taxii2-client send them (RFC 3986 query syntax)
    return "?" + "&".join(f"{urllib.parse.quote(str(k), safe='')}="
                          f"{urllib.parse.quote(str(v), safe=',:')}" for k, v in items)


class Hub:
    """A temporary hub: database, config, users, tokens, and one running server."""

    def __init__(self, parties=None, users=None, extra_toml: str = "", name="Tansiq test hub"):
        self.bin = tansiq_bin()
        self.dir = tempfile.mkdtemp(prefix="tansiq-it-")
        self.db = os.path.join(self.dir, "hub.db")
        self.config = os.path.join(self.dir, "hub.toml")
        self.parties = parties or PARTIES
        self.users = users or USERS
        self.proc = None
        self.port = None
        self.tokens: dict[str, str] = {}
        self.serve_args: list[str] = []       # extra `tansiq serve` options (e.g. --web-root)
        self._log = None
        lines = ["[hub]", f"name = {json.dumps(name, ensure_ascii=False)}", ""]
        for p in self.parties:
            lines += ["[[party]]", f'id = "{p["id"]}"',
                      f"name = {json.dumps(p['name'], ensure_ascii=False)}"]
            if p.get("identity"):
                lines.append(f'identity = "{p["identity"]}"')
            if p.get("names"):  # per UI language
                lines.append("names = { " + ", ".join(
                    f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in p["names"].items()) + " }")
            lines.append("")
        for u, spec in self.users.items():
            party, roles = spec[0], spec[1]
            lines += ["[[user]]", f'name = "{u}"', f'party = "{party}"',
                      "roles = [" + ", ".join(f'"{r}"' for r in roles) + "]",
                      f"password = {json.dumps(password(u), ensure_ascii=False)}"]
            if len(spec) > 2:  # alternates, for escalation
                lines.append("alternates = [" + ", ".join(f'"{a}"' for a in spec[2]) + "]")
            lines.append("")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + extra_toml)
        self.cli("init", "--db", self.db, "--config", self.config)
        _live_hubs.append(self)

    # ---- CLI
    def cli(self, *args, check=True, timeout=300) -> subprocess.CompletedProcess:
        r = subprocess.run([self.bin, *args], capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        if check and r.returncode != 0:
            raise AssertionError(f"tansiq {' '.join(args)} failed ({r.returncode}):\n"
                                 f"{r.stdout}\n{r.stderr}")
        return r

    def token(self, user: str) -> str:
        if user not in self.tokens:
            out = self.cli("token", "create", user, "--db", self.db).stdout.strip().splitlines()
            self.tokens[user] = out[-1].strip()
        return self.tokens[user]

    # ---- server
    def start(self, timeout=30.0, extra_args=()):
        port_file = os.path.join(self.dir, f"port-{uuid.uuid4().hex[:6]}")
        self._log = open(os.path.join(self.dir, "server.log"), "ab")
        self.proc = subprocess.Popen([self.bin, "serve", "--db", self.db, "--listen", "127.0.0.1:0",
                                      "--port-file", port_file, *self.serve_args,
                                      *extra_args],
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout * TIME_SCALE
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"tansiq serve exited with {self.proc.returncode}:\n"
                                     + self.log_tail())
            try:
                with open(port_file) as f:
                    txt = f.read().strip()
                if txt.isdigit():
                    self.port = int(txt)
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.05)
        else:
            self.stop()
            raise AssertionError("tansiq serve did not write its port file\n" + self.log_tail())
        # Wait until it answers.
        while time.monotonic() < deadline:
            try:
                self.request("GET", "/taxii2/", user=None)
                return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("tansiq serve does not answer\n" + self.log_tail())

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=20.0) -> int | None:
        rc = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    rc = self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    rc = self.proc.wait()
            else:
                rc = self.proc.returncode
            self.proc = None
        if self._log:
            self._log.close()
            self._log = None
        return rc

    def cleanup(self):
        self.stop()
        if os.environ.get("TANSIQ_KEEP_TMP"):
            return
        shutil.rmtree(self.dir, ignore_errors=True)

    def inbox(self, user) -> list:
        """The user's inbox (newest 100 messages) through the REST API."""
        r = self.get("/api/v1/messages", user=user, params={"box": "inbox", "limit": 100},
                     accept="application/json")
        assert r.status == 200, r
        return r.json()["messages"]

    def stream_replay(self, user, quiet=1.5) -> str:
        """What a fresh push-stream session of `user` is replayed (the durable queue), as JSON
        text, once the stream has been quiet for `quiet` seconds."""
        from wsclient import WebSocket  # noqa: PLC0415 - only the stream tests need it
        ws = WebSocket("127.0.0.1", self.port, "/api/v1/stream",
                       headers={"Authorization": basic(user)})
        try:
            frames = ws.recv_all(quiet=quiet)
        finally:
            ws.close()
        return json.dumps(frames, ensure_ascii=False)

    def wait_inbox(self, user, pred, timeout=20.0) -> list:
        """The messages of the user's inbox that satisfy `pred`, once there is one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = [m for m in self.inbox(user) if pred(m)]
            if got:
                return got
            time.sleep(0.1)
        raise AssertionError(f"nothing arrived in {user}'s inbox: " + self.log_tail())

    def log_tail(self, n=4000) -> str:
        try:
            with open(os.path.join(self.dir, "server.log"), "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    # ---- HTTP
    def auth_header(self, user, auth="basic"):
        if user is None:
            return None
        if auth == "basic":
            return basic(user)
        if auth == "bearer":
            return "Bearer " + self.token(user)
        raise ValueError(auth)

    def request(self, method, path, user="alice", auth="basic", body=None, headers=None,
                accept=TAXII, content_type=None, timeout=60.0) -> Response:
        h = {}
        if accept is not None:
            h["Accept"] = accept
        a = self.auth_header(user, auth)
        if a:
            h["Authorization"] = a
        if body is not None:
            if not isinstance(body, (bytes, bytearray)):
                body = json.dumps(body, ensure_ascii=False).encode("utf-8")
            h["Content-Type"] = TAXII if content_type is None else content_type
        elif content_type is not None:
            h["Content-Type"] = content_type
        if headers:
            h.update(headers)
        h = {k: v for k, v in h.items() if v is not None}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            try:
                conn.request(method, path, body=body, headers=h)
            except (BrokenPipeError, ConnectionResetError):
                pass    # the server answered (e.g. 413) and closed before reading the whole body
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, r.reason, r.headers, data)
        finally:
            conn.close()

    def get(self, path, user="alice", params=None, **kw) -> Response:
        return self.request("GET", path + qs(params), user=user, **kw)

    def post(self, path, body, user="alice", **kw) -> Response:
        return self.request("POST", path, user=user, body=body, **kw)

    # ---- TAXII conveniences
    API = "/taxii2/hub/"

    def collections(self, user="alice") -> dict:
        """alias -> collection id, as a client discovers them."""
        r = self.get(self.API + "collections/", user=user)
        assert r.status == 200, r
        return {c.get("alias"): c["id"] for c in r.json().get("collections", [])}

    def coll_path(self, alias, user="alice") -> str:
        cid = self.collections(user if user else "alice")[alias]
        return f"{self.API}collections/{cid}/"

    def post_objects(self, coll_path, objects, user="alice", auth="basic", expect_ok=True):
        r = self.post(coll_path + "objects/", {"objects": objects}, user=user, auth=auth)
        if expect_ok:
            assert r.status == 202, r
            st = r.json()
            assert st.get("failure_count", 0) == 0, st
            assert st.get("success_count") == len(objects), st
        return r

    def page_all(self, path, user="alice", params=None, limit=None, key="objects", max_pages=10000,
                 auth="basic"):
        """Follow next/more; returns (items, responses)."""
        params = dict(params or {})
        if limit:
            params["limit"] = limit
        items, responses = [], []
        for _ in range(max_pages):
            r = self.get(path, user=user, params=params, auth=auth)
            responses.append(r)
            if r.status != 200:
                break
            j = r.json() if r.body else {}
            items += j.get(key, [])
            if not j.get("more"):
                break
            assert j.get("next"), f"more=true without next: {j}"
            params["next"] = j["next"]
        return items, responses

    def parties_api(self, user="alice"):
        r = self.get("/api/v1/parties", user=user)
        assert r.status == 200, r
        return r.json()

    def identity_of(self, party_id) -> str:
        if not hasattr(self, "_identities"):
            self._identities = {p["id"]: p["identity"] for p in self.parties_api("alice")}
        return self._identities[party_id]

    def count_objects(self, coll_path, user="alice") -> int:
        items, rs = self.page_all(coll_path + "objects/", user=user,
                                  params={"match[version]": "all"}, limit=500)
        assert rs[-1].status == 200, rs[-1]
        return len(items)

    def audit_rows(self):
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute("SELECT seq, at, actor, party, action, target, outcome, prev_hash,"
                               " hash FROM audit ORDER BY seq").fetchall()
        finally:
            con.close()


_live_hubs: list[Hub] = []


@atexit.register
def _stop_all():
    for h in _live_hubs:
        try:
            h.cleanup()
        except Exception:  # noqa: BLE001 - best effort at interpreter exit
            pass


def module_hub(**kw) -> Hub:
    """A started hub for one test module."""
    return Hub(**kw).start()


class ModuleHub:
    """The hub one test module's tests share, started when the module's tests start and
    stopped after them:

        hub = H.ModuleHub()
        setUpModule, tearDownModule = hub.setup, hub.teardown

    Everything else (hub.get, hub.post, ...) is the started Hub's."""

    def __init__(self, **kw):
        self._kw = kw
        self._hub = None

    def setup(self):
        self._hub = module_hub(**self._kw)

    def teardown(self):
        if self._hub is not None:
            self._hub.cleanup()

    def __getattr__(self, name):
        started = self.__dict__.get("_hub")
        if started is None:
            raise AttributeError(f"{name}: the module hub is not started (setUpModule)")
        return getattr(started, name)


def module_hub_with_data(**kw):
    """A started hub with the repository's alias registry and gazetteer (analysis needs them),
    and the paths of its coalition collection and party a's private one."""
    os.environ.setdefault("TANSIQ_DATA", os.path.join(REPO, "data"))
    hub = module_hub(**kw)
    return hub, hub.coll_path("coalition"), hub.coll_path("party-a")


# --------------------------------------------------------------------------------------------
# Assertions shared by the modules

def is_taxii_ct(value: str | None) -> bool:
    if not value:
        return False
    v = value.replace(" ", "").lower()
    return v.startswith("application/taxii+json") and "version=2.1" in v


def check_error(tc: unittest.TestCase, r: Response, status: int):
    """A TAXII 2.1 error resource with the given HTTP status."""
    tc.assertEqual(r.status, status, r)
    try:
        j = r.json()
    except ValueError:
        tc.fail(f"error body is not JSON: {r}")
    if isinstance(j, dict) and isinstance(j.get("error"), dict):
        # /api/ errors: application/json, the TAXII fields beside {"error": {code, message}}
        tc.assertTrue((r.header("Content-Type") or "").startswith("application/json"), r)
        tc.assertEqual(j["error"].get("code"), status, j)
    else:
        tc.assertTrue(is_taxii_ct(r.header("Content-Type")), f"error Content-Type: {r}")
    tc.assertIsInstance(j, dict, r)
    tc.assertIsInstance(j.get("title"), str, f"error without title: {j}")
    tc.assertTrue(j["title"], j)
    if "http_status" in j:
        tc.assertIsInstance(j["http_status"], str, j)
        tc.assertEqual(j["http_status"], str(status), j)
    for k in ("description", "error_id", "error_code", "external_details"):
        if k in j:
            tc.assertIsInstance(j[k], str, (k, j))
    if "details" in j:
        tc.assertIsInstance(j["details"], dict, j)
    return j


def parse_taxii_ts(s: str) -> dt.datetime:
    """Parse an RFC 3339 UTC timestamp with any sub-second precision (to microseconds)."""
    assert s.endswith("Z"), s
    body = s[:-1]
    if "." in body:
        main, frac = body.split(".")
        frac = (frac + "000000")[:6]
    else:
        main, frac = body, "000000"
    return dt.datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(
        microsecond=int(frac), tzinfo=dt.timezone.utc)
