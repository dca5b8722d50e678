"""TLS as an operator deploys it (issue 19 item 7): HSTS on every response, TLS 1.2 only with
forward-secret suites (no AES128-SHA), a clear 400 for plain HTTP sent to the TLS port, and the
certificate re-read on SIGHUP (new connections get the new one, the server keeps running)."""
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

hub = None
CERT = KEY = None


def make_cert(directory, name, cn):
    cert = os.path.join(directory, f"{name}.pem")
    key = os.path.join(directory, f"{name}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={cn}", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def setUpModule():
    global hub, CERT, KEY
    hub = H.Hub()
    CERT, KEY = make_cert(hub.dir, "server", "first.example")
    # The server reads these paths; SIGHUP re-reads them (the test replaces their contents).
    hub.serve_args = ["--tls-cert", CERT, "--tls-key", KEY]
    start(hub)


def start(h):
    port_file = os.path.join(h.dir, "port")
    log = h._log = open(os.path.join(h.dir, "server.log"), "ab")
    h.proc = subprocess.Popen([h.bin, "serve", "--db", h.db, "--listen", "127.0.0.1:0",
                               "--port-file", port_file, *h.serve_args],
                              stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with open(port_file) as f:
                text = f.read().strip()
        except FileNotFoundError:
            text = ""
        if text.isdigit():
            h.port = int(text)
            return
        assert h.proc.poll() is None, h.log_tail()
        time.sleep(0.05)
    raise AssertionError("no port")


def tearDownModule():
    hub.cleanup()


def client_context(**kw):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


def peer_subject(ctx=None):
    with socket.create_connection(("127.0.0.1", hub.port), timeout=10) as s:
        with (ctx or client_context()).wrap_socket(s) as t:
            der = t.getpeercert(binary_form=True)
    out = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-subject"], input=der,
                         capture_output=True, check=True)
    return out.stdout.decode()


class Tls(unittest.TestCase):
    def test_hsts_on_every_response(self):
        for path, auth in (("/taxii2/", True), ("/taxii2/", False), ("/livez", False),
                           ("/api/v1/nothing", True)):
            conn = http.client.HTTPSConnection("127.0.0.1", hub.port, context=client_context(),
                                               timeout=10)
            headers = {"Authorization": H.basic("alice")} if auth else {}
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.getheader("Strict-Transport-Security"), "max-age=63072000", path)
            self.assertIsNotNone(r.getheader("Date"))
            conn.close()

    def test_tls12_offers_only_forward_secret_aead_suites(self):
        for suite in ("AES128-SHA", "AES256-SHA", "AES128-GCM-SHA256", "AES256-SHA256",
                      "ECDHE-RSA-AES128-SHA", "DES-CBC3-SHA"):
            ctx = client_context(minimum_version=ssl.TLSVersion.TLSv1_2,
                                 maximum_version=ssl.TLSVersion.TLSv1_2)
            try:
                ctx.set_ciphers(suite)
            except ssl.SSLError:
                continue  # the client's OpenSSL cannot offer it at all
            with self.assertRaises((ssl.SSLError, OSError), msg=suite):
                peer_subject(ctx)
        ctx = client_context(minimum_version=ssl.TLSVersion.TLSv1_2,
                             maximum_version=ssl.TLSVersion.TLSv1_2)
        ctx.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256")
        self.assertIn("CN", peer_subject(ctx))

    def test_plain_http_on_the_tls_port_gets_a_clear_400(self):
        conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=10)
        conn.request("GET", "/taxii2/", headers={"Authorization": H.basic("alice")})
        r = conn.getresponse()
        body = r.read().decode()
        self.assertEqual(r.status, 400)
        self.assertIn("https://", body)
        self.assertIn("HTTPS", body)

    def test_sighup_reloads_the_certificate_for_new_connections(self):
        self.assertIn("first.example", peer_subject())
        # An open keep-alive connection keeps working across the reload.
        kept = http.client.HTTPSConnection("127.0.0.1", hub.port, context=client_context(),
                                           timeout=10)
        kept.request("GET", "/livez")
        kept.getresponse().read()
        cert2, key2 = make_cert(hub.dir, "next", "second.example")
        os.replace(cert2, CERT)
        os.replace(key2, KEY)
        hub.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        subject = ""
        while time.monotonic() < deadline:
            subject = peer_subject()
            if "second.example" in subject:
                break
            time.sleep(0.1)
        self.assertIn("second.example", subject)
        kept.request("GET", "/livez")
        self.assertEqual(kept.getresponse().status, 200)
        kept.close()
        self.assertIsNone(hub.proc.poll())
        # A broken file on SIGHUP keeps the current certificate.
        with open(KEY, "w") as f:
            f.write("not a key\n")
        hub.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        self.assertIsNone(hub.proc.poll())
        self.assertIn("second.example", peer_subject())
        with open(os.path.join(hub.dir, "server.log"), "rb") as f:
            self.assertIn(b"TLS reload failed", f.read())


if __name__ == "__main__":
    unittest.main()
