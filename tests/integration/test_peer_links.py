"""Federation links as configuration (issue 15): [[peer]] tables in the strict bootstrap file
(typos and bad values refused with their line, nothing created) and `tansiq peer
add|list|remove --db` (validated, audited). The sync engine that uses them is not built yet
(docs/federation.md)."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402
from test_config import GOOD, init  # noqa: E402

PEER = """
[[peer]]
name = "coalition"
url = "https://hub.example/taxii2/hub/"
collection = "coalition"
user = "iq-link"
password_env = "TANSIQ_PEER_COALITION_PASSWORD"
party = "iq"
pull = true
push = false
interval_seconds = 7
"""


def tansiq(*args):
    return subprocess.run([H.tansiq_bin(), *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def peers(db):
    r = tansiq("peer", "list", "--db", db)
    assert r.returncode == 0, r.stderr
    rows = [l.split("\t") for l in r.stdout.strip().splitlines()]
    return [dict(zip(rows[0], row)) for row in rows[1:]]


class PeerLinks(unittest.TestCase):
    def test_a_peer_table_is_kept_and_listed(self):
        r, db = init(GOOD + PEER)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(peers(db), [{
            "name": "coalition", "party": "iq", "url": "https://hub.example/taxii2/hub/",
            "collection": "coalition", "user": "iq-link",
            "credential": "password_env=TANSIQ_PEER_COALITION_PASSWORD", "pull": "true",
            "push": "false", "interval_seconds": "7"}])

    def test_bad_peer_tables_are_refused_with_their_line(self):
        text = GOOD + PEER

        def replace(old, new):
            self.assertIn(old, text)
            return text.replace(old, new, 1)

        cases = [
            (replace("interval_seconds = 7", "intervall_seconds = 7"), "intervall_seconds",
             ["unknown key 'intervall_seconds'", "did you mean 'interval_seconds'"]),
            (replace("interval_seconds = 7", "interval_seconds = 0"), "interval_seconds",
             ["from 1 to 86400"]),
            (replace('party = "iq"\npull', 'party = "xx"\npull'), 'party = "xx"',
             ["no [[party]]", "'xx'"]),
            (replace('url = "https://hub.example/taxii2/hub/"', 'url = "ftp://hub.example/x/"'),
             'url = "ftp:', ["url", "API root"]),
            (replace('url = "https://hub.example/taxii2/hub/"',
                     'url = "https://u:p@hub.example/taxii2/hub/"'), 'url = "https://u:p',
             ["no user info"]),
            (replace('password_env = "TANSIQ_PEER_COALITION_PASSWORD"',
                     'password_env = "hunter2 secret"'), "password_env", ["environment variable"]),
            # A rule about a missing key points at the table's header.
            (replace('password_env = "TANSIQ_PEER_COALITION_PASSWORD"\n', ""), "[[peer]]",
             ["exactly one"]),
            (replace('push = false', 'push = "no"'), 'push = "no"', ["true or false"]),
            (replace('name = "coalition"', 'name = "Coalition Hub"'), 'name = "Coalition Hub"',
             ["[a-z0-9-]"]),
            (text + PEER, "[[peer]]", ["defined twice"]),
        ]
        for bad, needle, needles in cases:
            with self.subTest(needle=needle):
                lines = bad.splitlines()
                if "twice" in needles[0]:  # the second definition's name
                    line = max(i + 1 for i, l in enumerate(lines) if 'name = "coalition"' in l)
                else:
                    line = next(i + 1 for i, l in enumerate(lines) if needle in l)
                r, db = init(bad)
                self.assertNotEqual(r.returncode, 0, bad)
                err = r.stdout + r.stderr
                self.assertIn(f"hub.toml:{line}:", err)
                for n in needles:
                    self.assertIn(n, err)
                self.assertFalse(os.path.exists(db))

    def test_peer_add_list_remove_are_validated_and_audited(self):
        r, db = init(GOOD)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(peers(db), [])
        add = ["peer", "add", "coalition", "--db", db, "--url", "http://127.0.0.1:9/taxii2/hub/",
               "--collection", "coalition", "--user", "iq-link", "--token-env", "IQ_LINK_TOKEN",
               "--party", "iq"]
        r = tansiq(*add)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(peers(db)[0]["credential"], "token_env=IQ_LINK_TOKEN")
        self.assertEqual(peers(db)[0]["interval_seconds"], "5")
        r = tansiq(*add)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("exists", r.stderr)
        r = tansiq(*[a if a != "iq" else "zz" for a in add[:3]], *add[3:-1], "zz")
        self.assertNotEqual(r.returncode, 0)
        r = tansiq("peer", "add", "x", "--db", db, "--url", "http://h/t/", "--collection", "c",
                   "--user", "u", "--party", "iq")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("exactly one", r.stderr)
        self.assertEqual(len(peers(db)), 1)
        r = tansiq("peer", "remove", "nope", "--db", db)
        self.assertNotEqual(r.returncode, 0)
        r = tansiq("peer", "remove", "coalition", "--db", db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(peers(db), [])
        out = tansiq("audit", "export", "--db", db).stdout
        self.assertIn('"action":"peer.add","target":"coalition"', out)
        self.assertIn('"action":"peer.remove","target":"coalition"', out)
        self.assertEqual(tansiq("audit", "verify", "--db", db).returncode, 0)


if __name__ == "__main__":
    unittest.main()
