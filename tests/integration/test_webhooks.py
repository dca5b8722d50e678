"""Webhooks over the real server (issue 4 item 5): registration against the allow-list from
the init TOML, HMAC-SHA256 signatures, retries with back-off, only recipients posted to,
owners only, the durable outbox across kill -9, and a hanging receiver that does not delay a
FLASH on the WebSocket stream. Receivers are Python http.server instances on loopback."""
import hashlib
import hmac
import json
import os
import signal
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from wsclient import WebSocket  # noqa: E402

USERS = {
    "alice": ("a", ["officer", "recipient"]),
    "b2": ("b", ["recipient"], ["b3"]),  # escalates to b3
    "b3": ("b", ["recipient"]),
    "b4": ("b", ["recipient"]),
    "b5": ("b", ["recipient"]),
    "b5": ("b", ["recipient"]),
    "badmin": ("b", ["admin"]),
    "root": ("c", ["hub-admin"]),
}
JSON = "application/json"
HUB = None
RX = None          # the receiver
OTHER = None       # a second receiver, not on the allow-list
REBIND = None      # an allow-listed name (not "localhost") that resolves to the loopback
SERVE_ARGS = ["--webhook-retry-ms", "150", "--webhook-retry-max-ms", "600",
              "--webhook-timeout-ms", "2000", "--flash-ack", "600"]
CLOCK = None  # the server's clock offset (seconds), moved forward by the escalation test


class Receiver:
    """An HTTP server on loopback recording every POST. Paths decide the answer:
    /ok/... 200; /flaky/... 500 for the first two posts of each X-Tansiq-Delivery, then 200;
    /gate/... 503 while the gate is closed; /hang/... answers only after 30 s."""

    def __init__(self, tls=None):
        self.posts = []
        self.started = []  # paths of posts as they arrive (before any answer)
        self.lock = threading.Lock()
        self.gate_open = threading.Event()
        self.release = threading.Event()
        self.seen = {}
        rx = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                delivery = self.headers.get("X-Tansiq-Delivery")
                with rx.lock:
                    rx.started.append(self.path)
                    count = rx.seen.get(delivery, 0) + 1
                    rx.seen[delivery] = count
                status = 200
                if self.path.startswith("/flaky/") and count <= 2:
                    status = 500
                elif self.path.startswith("/gate/") and not rx.gate_open.is_set():
                    status = 503
                elif self.path.startswith("/hang/"):
                    rx.release.wait(30)
                elif self.path.startswith("/redirect/"):
                    status = 302
                with rx.lock:
                    rx.posts.append({"path": self.path, "headers": dict(self.headers),
                                     "body": body, "status": status, "at": time.monotonic()})
                try:
                    self.send_response(status)
                    if status == 302:
                        self.send_header("Location", rx.url("/ok/redirected"))
                    self.send_header("Content-Length", "0")
                    self.send_header("Connection", "close")
                    self.end_headers()
                except OSError:
                    pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 1024  # the default 5 stalls bursts of connections

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.scheme = "http"
        if tls:  # (certificate, key) PEM files
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def posts_to(self, path):
        with self.lock:
            return [p for p in self.posts if p["path"] == path]

    def wait(self, path, pred=lambda posts: len(posts) >= 1, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            posts = self.posts_to(path)
            if pred(posts):
                return posts
            time.sleep(0.05)
        raise AssertionError(f"posts to {path}: {self.posts_to(path)}")

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


TLS_OK = None         # https, certificate trusted through --webhook-ca
TLS_UNTRUSTED = None  # https, self-signed and not trusted
TLS_WRONG_NAME = None  # https, trusted, but issued for another name
CERTS = None


def certificate(name, san):
    cert, key = os.path.join(CERTS, name + ".pem"), os.path.join(CERTS, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=" + name, "-addext", "subjectAltName=" + san,
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def setUpModule():
    global HUB, RX, OTHER, TLS_OK, TLS_UNTRUSTED, TLS_WRONG_NAME, CERTS
    import tempfile
    CERTS = tempfile.mkdtemp(prefix="tansiq-wh-certs-")
    ok = certificate("ok", "IP:127.0.0.1")
    untrusted = certificate("untrusted", "IP:127.0.0.1")
    wrong = certificate("wrong", "DNS:other.example,IP:10.9.9.9")
    ca = os.path.join(CERTS, "ca.pem")
    with open(ca, "w") as out:
        for cert in (ok[0], wrong[0]):
            with open(cert) as f:
                out.write(f.read())
    RX = Receiver()
    OTHER = Receiver()
    TLS_OK, TLS_UNTRUSTED, TLS_WRONG_NAME = Receiver(ok), Receiver(untrusted), Receiver(wrong)
    allow = ["https://hooks.nation-a.example/", f"http://127.0.0.1:{RX.port}/"] + [
        f"https://127.0.0.1:{r.port}/" for r in (TLS_OK, TLS_UNTRUSTED, TLS_WRONG_NAME)]
    global REBIND
    REBIND = loopback_name()
    if REBIND:
        allow.append(f"http://{REBIND}:{RX.port}/")
    toml = "\n[webhooks]\nallow = " + json.dumps(allow) + "\n"
    HUB = harness.Hub(users=USERS, extra_toml=toml)
    global CLOCK
    CLOCK = os.path.join(HUB.dir, "clock-offset")
    with open(CLOCK, "w") as f:
        f.write("0")
    SERVE_ARGS.extend(["--webhook-ca", ca, "--clock-file", CLOCK])
    start()


def loopback_name():
    """This machine's host name when it resolves to loopback addresses only (as on many
    Debian machines), else None: an allowed name leading to the hub's own machine."""
    import socket
    name = socket.gethostname().lower()
    if not name or name == "localhost" or not all(c.isalnum() or c in "-." for c in name):
        return None
    try:
        infos = socket.getaddrinfo(name, 80, proto=socket.IPPROTO_TCP)
    except OSError:
        return None
    addresses = {i[4][0] for i in infos}
    if addresses and all(a.startswith("127.") or a == "::1" for a in addresses):
        return name
    return None


def tearDownModule():
    HUB.cleanup()
    for r in (RX, OTHER, TLS_OK, TLS_UNTRUSTED, TLS_WRONG_NAME):
        r.close()
    import shutil
    shutil.rmtree(CERTS, ignore_errors=True)


def start():
    HUB.start(extra_args=SERVE_ARGS)


def register(user, url, expect=201, **fields):
    body = {"url": url}
    body.update(fields)
    r = HUB.request("POST", "/api/v1/webhooks", user=user, body=body, content_type=JSON,
                    accept=JSON)
    assert r.status == expect, f"{r.status}: {r.body[:400]!r}"
    return r


def send(user="alice", **fields):
    body = {"precedence": "routine", "subject": "s " + uuid.uuid4().hex[:6], "tlp": "amber",
            "releasable_to": [HUB.identity_of("b")]}
    body.update(fields)
    r = HUB.request("POST", "/api/v1/messages", user=user, body=body, content_type=JSON,
                    accept=JSON)
    assert r.status == 201, f"{r.status}: {r.body[:400]!r}"
    return r.json()["id"]


def listed(user):
    r = HUB.get("/api/v1/webhooks", user=user, accept=JSON)
    assert r.status == 200, r
    return r.json()["webhooks"]


def delete_all(user):
    for w in listed(user):
        HUB.request("DELETE", f"/api/v1/webhooks/{w['id']}", user=user, accept=JSON)


def metric(name):
    text = HUB.get("/metrics", user="root", accept=None).body.decode()
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


def state_of(mid, user, sender="alice"):
    view = HUB.get(f"/api/v1/messages/{mid}", user=sender, accept=JSON).json()
    return [d for d in view["deliveries"] if d["user"] == user][0]


class Rebinding(unittest.TestCase):
    def test_allowed_name_resolving_to_loopback_is_not_posted_to(self):
        if not REBIND:
            self.skipTest("this machine's host name does not resolve to loopback only")
        path = "/ok/rebind"
        register("b5", f"http://{REBIND}:{RX.port}{path}")  # allowed by name
        failures = metric("tansiq_webhook_failures_total")
        mid = send(recipients={"users": ["b5"]})
        deadline = time.monotonic() + 8
        while metric("tansiq_webhook_failures_total") <= failures and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertGreater(metric("tansiq_webhook_failures_total"), failures)
        # The receiver listens on 127.0.0.1: without the address check the post would arrive.
        self.assertEqual(RX.posts_to(path), [])
        self.assertEqual(state_of(mid, "b5")["state"], "queued")
        delete_all("b5")
        # The same receiver named by its literal loopback address is reached.
        register("b5", RX.url(path + "/literal"))
        mid = send(recipients={"users": ["b5"]})
        RX.wait(path + "/literal", lambda ps: any(json.loads(p["body"])["id"] == mid for p in ps))
        delete_all("b5")


class Registration(unittest.TestCase):
    def test_not_allow_listed_url_is_refused_and_nothing_stored(self):
        before = listed("b2")
        traps = [
            OTHER.url("/x"),                                    # another port
            f"http://127.0.0.1:{RX.port}.evil.com/",            # port trap
            f"http://127.0.0.1:{RX.port}@evil.com/",            # userinfo trap
            f"http://evil.com@127.0.0.1:{RX.port}/",            # userinfo
            f"https://127.0.0.1:{RX.port}/",                    # scheme
            "http://hooks.nation-a.example/",                   # http where https is allowed
            "https://hooks.nation-a.example.evil.com/",         # host suffix
            f"http://127.0.0.1:{RX.port}/ok/#frag",
            "not a url",
        ]
        for url in traps:
            r = register("b2", url, expect=422)
            j = harness.check_error(self, r, 422)
            self.assertIn("url", json.dumps(j), url)
        self.assertEqual(listed("b2"), before)
        # An allowed one, upper-case host and default-port spelling: stored normalised.
        r = register("b2", "HTTPS://HOOKS.Nation-A.Example:443/tansiq/../hooks")
        self.assertEqual(r.json()["url"], "https://hooks.nation-a.example/hooks")
        HUB.request("DELETE", f"/api/v1/webhooks/{r.json()['id']}", user="b2", accept=JSON)

    def test_bad_bodies_are_400(self):
        for body in [{"url": 7}, {}, {"url": RX.url("/ok/x"), "secret": "short"},
                     {"url": RX.url("/ok/x"), "colour": "red"},
                     {"url": RX.url("/ok/x"), "scope": "hub"}]:
            r = HUB.request("POST", "/api/v1/webhooks", user="b2", body=body, content_type=JSON,
                            accept=JSON)
            harness.check_error(self, r, 400)

    def test_generated_secret_is_shown_once(self):
        r = register("b5", RX.url("/ok/gen"))
        j = r.json()
        self.assertEqual(len(j["secret"]), 64)
        self.assertEqual(j["scope"], "user")
        for w in listed("b5"):
            self.assertNotIn("secret", w)
        given = register("b5", RX.url("/ok/given"), secret="g" * 40).json()
        self.assertNotIn("secret", given)
        delete_all("b5")

    def test_another_users_webhook_cannot_be_listed_or_deleted(self):
        w = register("b3", RX.url("/ok/owner")).json()
        self.assertNotIn(w["id"], [x["id"] for x in listed("b4")])
        r = HUB.request("DELETE", f"/api/v1/webhooks/{w['id']}", user="b4", accept=JSON)
        harness.check_error(self, r, 404)
        r = HUB.request("DELETE", f"/api/v1/webhooks/{w['id']}", user="badmin", accept=JSON)
        harness.check_error(self, r, 404)  # a party admin manages party webhooks only
        self.assertIn(w["id"], [x["id"] for x in listed("b3")])
        r = HUB.request("DELETE", f"/api/v1/webhooks/{w['id']}", user="b3", accept=JSON)
        self.assertEqual(r.status, 204)
        r = HUB.request("DELETE", f"/api/v1/webhooks/{w['id']}", user="b3", accept=JSON)
        harness.check_error(self, r, 404)
        actions = [(row[4], row[5]) for row in HUB.audit_rows()]
        self.assertIn(("webhook.add", w["id"]), actions)
        self.assertIn(("webhook.delete", w["id"]), actions)

    def test_party_webhook_needs_an_admin(self):
        r = register("b2", RX.url("/ok/party"), expect=403, scope="party")
        harness.check_error(self, r, 403)


class Delivery(unittest.TestCase):
    def tearDown(self):
        for u in ("b2", "b3", "b4", "b5", "badmin"):
            delete_all(u)

    def test_signature_verifies_with_the_secret_and_counts_as_delivered(self):
        secret = "s3cr3t-" + "x" * 30
        register("b4", RX.url("/ok/sig"), secret=secret)
        con = sqlite3.connect(f"file:{HUB.db}?mode=ro", uri=True, timeout=10)
        try:  # sealed at rest: the database alone does not reveal it
            stored = [r[0] for r in con.execute("SELECT secret FROM webhooks")]
        finally:
            con.close()
        self.assertTrue(stored)
        for value in stored:
            self.assertTrue(value.startswith("v1:"), value)
            self.assertNotIn(secret, value)
            self.assertNotIn(secret.encode().hex(), value)
        mid = send(recipients={"users": ["b4"]}, subject="signed")
        post = RX.wait("/ok/sig", lambda ps: any(json.loads(p["body"])["id"] == mid
                                                 for p in ps))[-1]
        h = post["headers"]
        self.assertEqual(h["Content-Type"], "application/json")
        ts = h["X-Tansiq-Timestamp"]
        self.assertLess(abs(int(ts) - time.time()), 120)
        expected = "sha256=" + hmac.new(secret.encode(), ts.encode() + b"." + post["body"],
                                        hashlib.sha256).hexdigest()
        self.assertEqual(h["X-Tansiq-Signature"], expected)
        wrong = "sha256=" + hmac.new(b"y" * 37, ts.encode() + b"." + post["body"],
                                     hashlib.sha256).hexdigest()
        self.assertNotEqual(h["X-Tansiq-Signature"], wrong)
        self.assertTrue(h["X-Tansiq-Delivery"])
        self.assertEqual(h["X-Tansiq-Recipient"], "b4")
        frame = json.loads(post["body"])
        self.assertEqual(frame["kind"], "message")
        self.assertEqual(frame["subject"], "signed")
        self.assertEqual(frame["from"], {"party": "a", "user": "alice"})
        # A 2xx counts as delivered, like a stream `received`.
        deadline = time.monotonic() + 8
        while state_of(mid, "b4")["state"] == "queued" and time.monotonic() < deadline:
            time.sleep(0.05)
        line = state_of(mid, "b4")
        self.assertEqual(line["state"], "delivered")
        self.assertIsNotNone(line["delivered_at"])

    def test_failing_twice_then_200_is_one_success_with_the_same_delivery_id(self):
        attempts0 = metric("tansiq_webhook_attempts_total")
        failures0 = metric("tansiq_webhook_failures_total")
        register("b2", RX.url("/flaky/b2"))
        mid = send(recipients={"users": ["b2"]})
        posts = RX.wait("/flaky/b2", lambda ps: any(p["status"] == 200 for p in ps))
        time.sleep(1.0)  # no further post after the success
        posts = [p for p in RX.posts_to("/flaky/b2") if json.loads(p["body"])["id"] == mid]
        self.assertEqual([p["status"] for p in posts], [500, 500, 200])
        self.assertEqual(len({p["headers"]["X-Tansiq-Delivery"] for p in posts}), 1)
        self.assertGreater(posts[1]["at"] - posts[0]["at"], 0.05)  # backed off
        self.assertGreaterEqual(metric("tansiq_webhook_attempts_total") - attempts0, 3)
        self.assertGreaterEqual(metric("tansiq_webhook_failures_total") - failures0, 2)

    def test_redirects_are_not_followed(self):
        register("b3", RX.url("/redirect/b3"))
        mid = send(recipients={"users": ["b3"]})
        posts = RX.wait("/redirect/b3", lambda ps: len(
            [p for p in ps if json.loads(p["body"])["id"] == mid]) >= 2)  # a 3xx is retried
        self.assertEqual(len({p["headers"]["X-Tansiq-Delivery"] for p in posts
                              if json.loads(p["body"])["id"] == mid}), 1)
        self.assertEqual(RX.posts_to("/ok/redirected"), [])
        self.assertEqual(state_of(mid, "b3")["state"], "queued")

    def test_a_user_who_is_not_a_recipient_gets_no_post(self):
        register("b3", RX.url("/ok/not-b3"))
        register("b4", RX.url("/ok/yes-b4"))
        mid = send(recipients={"users": ["b4"]})
        RX.wait("/ok/yes-b4", lambda ps: any(json.loads(p["body"])["id"] == mid for p in ps))
        time.sleep(0.5)
        self.assertEqual([p for p in RX.posts_to("/ok/not-b3")
                          if json.loads(p["body"])["id"] == mid], [])

    def test_party_webhook_gets_one_post_per_recipient_of_the_party(self):
        w = register("badmin", RX.url("/ok/party-b"), scope="party").json()
        self.assertEqual(w["scope"], "party")
        self.assertIn(w["id"], [x["id"] for x in listed("badmin")])
        self.assertNotIn(w["id"], [x["id"] for x in listed("b2")])
        mid = send(recipients={"users": ["b2", "b3"]})
        posts = RX.wait("/ok/party-b", lambda ps: len(
            [p for p in ps if json.loads(p["body"])["id"] == mid]) >= 2)
        mine = [p for p in posts if json.loads(p["body"])["id"] == mid]
        self.assertEqual(sorted(p["headers"]["X-Tansiq-Recipient"] for p in mine), ["b2", "b3"])

    def test_hanging_receiver_does_not_delay_a_flash_on_the_stream(self):
        RX.release.clear()
        register("b5", RX.url("/hang/b5"))
        for _ in range(12):  # posts stuck in the hanging receiver
            send(recipients={"users": ["b5"]})
        deadline = time.monotonic() + 8
        while RX.started.count("/hang/b5") < 8 and time.monotonic() < deadline:
            time.sleep(0.02)
        # At most 8 in flight to one webhook (the rest wait their turn), all hanging now.
        self.assertEqual(RX.started.count("/hang/b5"), 8)
        ws = WebSocket("127.0.0.1", HUB.port, "/api/v1/stream",
                       headers={"Authorization": HUB.auth_header("b5")})
        try:
            ws.recv_all(quiet=0.5)  # the durable queue
            t0 = time.monotonic()
            mid = send(recipients={"users": ["b5"]}, precedence="flash", subject="fast")
            got = None
            while time.monotonic() - t0 < 5:
                f = ws.recv(timeout=5)
                if f and f.get("id") == mid:
                    got = time.monotonic() - t0
                    break
            self.assertIsNotNone(got, "FLASH never arrived")
            self.assertLess(got, 1.0)
        finally:
            ws.close()
            RX.release.set()


    def test_https_with_certificate_and_host_name_verification(self):
        failures0 = metric("tansiq_webhook_failures_total")
        for r in (TLS_OK, TLS_UNTRUSTED, TLS_WRONG_NAME):
            register("b2", r.url("/tls"))
        mid = send(recipients={"users": ["b2"]}, subject="over tls")
        post = TLS_OK.wait("/tls", lambda ps: any(json.loads(p["body"])["id"] == mid
                                                  for p in ps))[-1]
        self.assertEqual(json.loads(post["body"])["subject"], "over tls")
        deadline = time.monotonic() + 8  # both refused handshakes counted as failures
        while (metric("tansiq_webhook_failures_total") - failures0 < 2
               and time.monotonic() < deadline):
            time.sleep(0.1)
        self.assertGreaterEqual(metric("tansiq_webhook_failures_total") - failures0, 2)
        self.assertEqual(TLS_UNTRUSTED.started, [])  # no request ever reached them
        self.assertEqual(TLS_WRONG_NAME.started, [])


class Durability(unittest.TestCase):
    def test_kill_9_with_a_pending_webhook_posts_after_restart(self):
        RX.gate_open.clear()
        register("b3", RX.url("/gate/b3"))
        mid = send(recipients={"users": ["b3"]})
        first = RX.wait("/gate/b3", lambda ps: any(json.loads(p["body"])["id"] == mid
                                                   for p in ps))
        delivery = [p for p in first if json.loads(p["body"])["id"] == mid][0]["headers"][
            "X-Tansiq-Delivery"]
        HUB.proc.send_signal(signal.SIGKILL)
        HUB.proc.wait()
        HUB.stop()  # reaped: closes its log
        RX.gate_open.set()
        start()
        posts = RX.wait("/gate/b3", lambda ps: any(p["status"] == 200 and json.loads(
            p["body"])["id"] == mid for p in ps))
        ok = [p for p in posts if p["status"] == 200 and json.loads(p["body"])["id"] == mid]
        self.assertEqual(ok[0]["headers"]["X-Tansiq-Delivery"], delivery)
        deadline = time.monotonic() + 8
        while state_of(mid, "b3")["state"] == "queued" and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(state_of(mid, "b3")["state"], "delivered")
        delete_all("b3")
        r = HUB.cli("audit", "verify", "--db", HUB.db)
        self.assertEqual(r.returncode, 0)

    def test_allow_list_is_checked_again_at_send_time(self):
        RX.gate_open.clear()
        register("b4", RX.url("/gate/shrink"))
        mid = send(recipients={"users": ["b4"]})
        RX.wait("/gate/shrink", lambda ps: any(json.loads(p["body"])["id"] == mid for p in ps))
        self.assertEqual(HUB.stop(), 0)  # a clean stop with a post pending
        # The allow-list shrinks (the receiver is no longer on it): the pending post is dropped.
        HUB.start(extra_args=SERVE_ARGS + ["--webhook-allow", "https://hooks.nation-a.example/"])
        try:
            deadline = time.monotonic() + 8
            while metric("tansiq_webhook_given_up_total") < 1 and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertEqual(metric("tansiq_webhook_given_up_total"), 1)
            r = register("b4", RX.url("/ok/again"), expect=422)
            harness.check_error(self, r, 422)
        finally:
            self.assertEqual(HUB.stop(), 0)
        n = len(RX.posts_to("/gate/shrink"))
        RX.gate_open.set()
        start()
        time.sleep(1.0)
        self.assertEqual(len(RX.posts_to("/gate/shrink")), n)  # dropped for good
        self.assertEqual(state_of(mid, "b4")["state"], "queued")  # still in the durable queue
        delete_all("b4")


class Escalation(unittest.TestCase):
    """Runs after Delivery and Durability: it moves the server's clock forward for good."""

    def test_escalation_copy_and_re_alert_are_posted(self):
        register("b2", RX.url("/ok/esc-b2"))
        register("b3", RX.url("/ok/esc-b3"))
        mid = send(recipients={"users": ["b2"]}, precedence="flash", subject="escalate me")
        RX.wait("/ok/esc-b2", lambda ps: any(json.loads(p["body"])["id"] == mid for p in ps))
        with open(CLOCK) as f:
            now = float(f.read().strip() or 0)
        with open(CLOCK + ".tmp", "w") as f:
            f.write(str(now + 601))  # past the FLASH deadline
        os.replace(CLOCK + ".tmp", CLOCK)
        copy = RX.wait("/ok/esc-b3", lambda ps: any(
            json.loads(p["body"])["id"] == mid for p in ps))[-1]
        frame = json.loads(copy["body"])
        self.assertEqual(frame["escalated_for"], "b2")
        self.assertEqual(copy["headers"]["X-Tansiq-Recipient"], "b3")
        realert = RX.wait("/ok/esc-b2", lambda ps: any(
            json.loads(p["body"])["id"] == mid and json.loads(p["body"])["realert"] >= 1
            for p in ps))
        self.assertTrue(realert)
        ids = {p["headers"]["X-Tansiq-Delivery"] for p in RX.posts_to("/ok/esc-b2")
               if json.loads(p["body"])["id"] == mid}
        self.assertEqual(len(ids), 2)  # the first copy and the re-alert are distinct posts
        line = state_of(mid, "b3")
        self.assertEqual(line["alternate_for"], "b2")
        deadline = time.monotonic() + 8
        while state_of(mid, "b3")["state"] == "queued" and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertNotEqual(state_of(mid, "b3")["state"], "queued")  # the post counted
        delete_all("b2")
        delete_all("b3")


if __name__ == "__main__":
    unittest.main()
