"""The bootstrap file is strict (issue 19 item 1): unknown sections and keys, values of the
wrong type or range, users without a password (unless token_only), weak passwords, unknown
parties, roles and alternates are refused with the file's line number, and nothing is
created; and its settings reach the server read once (issue 17 item 7)."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402

GOOD = """[hub]
name = "Test centre"
[[party]]
id = "iq"
name = "العراق"
names = { en = "Iraq", ar = "العراق" }
[[party]]
id = "ru"
name = "Россия"
[[user]]
name = "alice"
party = "iq"
roles = ["officer"]
password = "long-enough-1"
alternates = ["bob"]
[[user]]
name = "bob"
party = "iq"
roles = ["recipient"]
password = "long-enough-2"
[[user]]
name = "scraper"
party = "ru"
roles = ["hub-admin"]
token_only = true
"""


def init(text):
    d = tempfile.mkdtemp(prefix="tansiq-cfg-")
    cfg = os.path.join(d, "hub.toml")
    with open(cfg, "w", encoding="utf-8") as f:
        f.write(text)
    db = os.path.join(d, "hub.db")
    r = subprocess.run([H.tansiq_bin(), "init", "--db", db, "--config", cfg],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    return r, db


class StrictBootstrap(unittest.TestCase):
    def test_the_good_file_is_accepted(self):
        r, db = init(GOOD)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(db))

    def refused(self, text, line, *needles):
        r, db = init(text)
        self.assertNotEqual(r.returncode, 0, f"accepted:\n{text}")
        err = r.stdout + r.stderr
        self.assertIn(f"hub.toml:{line}:", err)
        for n in needles:
            self.assertIn(n, err)
        self.assertFalse(os.path.exists(db), "a refused file must create nothing")

    def test_typos_and_bad_values_are_refused_with_their_line(self):
        lines = GOOD.splitlines(keepends=True)

        def replace(old, new):
            self.assertIn(old, GOOD)
            return GOOD.replace(old, new, 1)

        def line_of(text, needle):
            return next(i + 1 for i, l in enumerate(text.splitlines()) if needle in l)

        cases = [
            (replace("[hub]", "[hubb]"), "[hubb]", ["unknown", "'hubb'", "did you mean 'hub'"]),
            (replace('roles = ["officer"]', 'role = ["officer"]'), "role = ",
             ["unknown key 'role'", "did you mean 'roles'"]),
            (replace('roles = ["officer"]', 'roles = ["oficer"]'), 'roles = ["oficer"]',
             ["unknown role 'oficer'"]),
            (replace('password = "long-enough-1"', 'password = "1"'), 'password = "1"',
             ["at least 8 characters"]),
            (replace('alternates = ["bob"]', 'alternates = ["ghost"]'), '"ghost"',
             ["alternate 'ghost'"]),
            (replace('party = "iq"', 'party = "xx"'), 'party = "xx"', ["no [[party]]", "'xx'"]),
            (replace('name = "Test centre"', 'name = 3'), "name = 3", ["must be a string"]),
            (GOOD + "[dissemination]\nflash_ack_minutes = -1\n", "flash_ack_minutes",
             ["from 0 to 10080"]),
            (GOOD + "[analysis]\nbrief_hour = 24\n", "brief_hour", ["brief_hour"]),
            (GOOD + "[search]\ntotal_bond = 5\n", "total_bond", ["did you mean 'total_bound'"]),
            (GOOD + "[webhooks]\nallow = \"https://x.example/\"\n", "allow =",
             ["list of strings"]),
            (replace('names = { en = "Iraq", ar = "العراق" }', 'names = { de = "Irak" }'),
             "names =", ["unknown key 'de'"]),
            (GOOD + '[[user]]\nname = "bob"\nparty = "iq"\nroles = []\npassword = "12345678"\n',
             'name = "bob"\nparty = "iq"\nroles = []', ["defined twice"]),
        ]
        for text, needle, needles in cases:
            with self.subTest(needle=needle):
                first = needle.split("\n")[0]
                # The duplicate's line is its second definition.
                line = (max(i + 1 for i, l in enumerate(text.splitlines()) if first in l)
                        if "twice" in needles[0] else line_of(text, first))
                self.refused(text, line, *needles)

    def test_a_user_without_a_password_needs_token_only(self):
        text = GOOD.replace('password = "long-enough-2"\n', "", 1)
        r, _ = init(text)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("password is required", r.stderr + r.stdout)
        both = GOOD.replace("token_only = true", 'token_only = true\npassword = "long-enough-3"')
        r, _ = init(both)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("exclude each other", r.stderr + r.stdout)

    def test_one_password_rule_for_init_user_add_and_passwd(self):
        r, db = init(GOOD)
        self.assertEqual(r.returncode, 0, r.stderr)
        for args in (["user", "add", "carol", "--party", "iq", "--roles", "officer",
                      "--password-stdin"], ["user", "passwd", "alice"]):
            with self.subTest(args=args[:2]):
                p = subprocess.run([H.tansiq_bin(), *args, "--db", db], input="ab€cd\n",
                                   capture_output=True, text=True, timeout=60)
                self.assertNotEqual(p.returncode, 0)
                self.assertIn("at least 8 characters", p.stderr + p.stdout)
        p = subprocess.run([H.tansiq_bin(), "user", "add", "carol", "--party", "iq", "--roles",
                            "officer", "--db", db], capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        self.assertNotEqual(p.returncode, 0, "no password and no --token-only")
        self.assertIn("--token-only", p.stderr + p.stdout)
        p = subprocess.run([H.tansiq_bin(), "user", "add", "carol", "--party", "iq", "--roles",
                            "officer", "--token-only", "--db", db], capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_a_token_only_user_cannot_sign_in_with_a_password(self):
        hub = H.Hub(users={"alice": ("a", ["officer"])},
                    extra_toml='\n[[user]]\nname = "svc"\nparty = "a"\nroles = ["officer"]\n'
                               'token_only = true\n')
        try:
            hub.start()
            self.assertEqual(hub.request("GET", "/api/v1/whoami", user="svc",
                                         auth="basic").status, 401)
            self.assertEqual(hub.request("GET", "/api/v1/whoami", user="svc",
                                         auth="bearer").status, 200)
        finally:
            hub.cleanup()


if __name__ == "__main__":
    unittest.main()
