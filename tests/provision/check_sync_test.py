#!/usr/bin/python3
"""Provisioning follows the SIP server's reloads, for every company it serves:

- check-sync: two sipp phones register; the test changes one phone's provisioning keys in the
  tenant and sends SIGHUP; that phone must get `NOTIFY Event: check-sync` (out of dialog, to
  its Contact) and the other, whose file did not change, nothing; the endpoint then serves the
  new file (curl).
- many companies: `serve --tenants DIR --provision`: each company's phone gets its own
  company's file; a later file with a MAC another company has is refused (CP603) and that MAC
  still gets the first company's file.

    /usr/bin/python3 tests/provision/check_sync_test.py build/dev/tools/callplan/callplan

SIP on 127.0.0.1:310xx, sipp phones on 127.0.0.1:311xx (each a UAS and a registering UAC), HTTP on a port the kernel picks.
sipp and curl are required under CI=true (skipped otherwise when missing).
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
CLI = None
_ports = iter(range(31000, 31100))
_phone_ports = iter(range(31100, 31200))

YEALINK_UA = "Yealink SIP-T54W 96.86.0.100 80:5e:c0:aa:bb:01"
SNOM_UA = "Mozilla/4.0 (compatible; snomD785-SIP 10.1.73.16 1.1.3-s)"


def require(tool):
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI") == "true":
            raise AssertionError(f"{tool} is required under CI=true (scripts/install-deps.sh)")
        raise unittest.SkipTest(f"{tool} is not installed")
    return path


def tenant(login, name, zone, phones, keys=None):
    """A small tenant: one user and one device per (id, brand, mac, password, device keys)."""
    lines = ["version: 1",
             f"tenant: {{name: {name}, login: {login}, timezone: {zone}, country: NL}}",
             "numbers:",
             f"  - {{number: \"+3188{sum(map(ord, login)) * 7919 % 10**7:07d}\", plan: main}}",
             "users:"]
    for i, _ in enumerate(phones):
        lines.append(f"  - {{extension: \"10{i}\", first_name: User{i}, last_name: {login}}}")
    lines.append("devices:")
    for i, (device, brand, model, mac, password, device_keys) in enumerate(phones):
        lines += [f"  - id: {device}", f"    user: \"10{i}\"", f"    brand: {brand}",
                  f"    model: {model}", f"    mac: \"{mac}\"",
                  f"    sip: {{password: \"{password}\"}}"]
        if device_keys:
            inner = ", ".join(f"{k}: \"{v}\"" for k, v in device_keys.items())
            lines.append(f"    provisioning: {{keys: {{{inner}}}}}")
    if keys:
        inner = ", ".join(f"{k}: \"{v}\"" for k, v in keys.items())
        lines += ["provisioning:", f"  keys: {{{inner}}}"]
    members = ", ".join(f"\"10{i}\"" for i in range(len(phones)))
    lines += ["plans:", "  - id: main", "    steps:",
              f"      - ring_group: {{strategy: ring_all, members: [{members}], timeout: 20}}"]
    return "\n".join(lines) + "\n"


class Serve:
    def __init__(self, workdir, tenant_args):
        self.workdir = Path(workdir)
        self.state = self.workdir / "state"
        self.state.mkdir()
        self.sip_port = next(_ports)
        self.stderr_path = self.workdir / "serve.log"
        self.stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(
            [CLI, "serve", *tenant_args, "--listen", f"udp:127.0.0.1:{self.sip_port}",
             "--state-dir", str(self.state), "--no-media", "--log-level", "info",
             "--provision", "http://127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.process.stdout.readline()
        match = re.match(r"provisioning on http://127\.0\.0\.1:(\d+)", line)
        if not match:
            self.stop()
            raise AssertionError(f"no 'provisioning on' line: {line!r}\n{self.log()}")
        self.base = f"http://127.0.0.1:{match.group(1)}"
        deadline = time.monotonic() + 10
        while "callplan serve: ready" not in self.log():
            if time.monotonic() > deadline or self.process.poll() is not None:
                log = self.log()
                self.stop()
                raise AssertionError(f"serve is not ready:\n{log}")
            time.sleep(0.02)

    def credentials(self, tenant_file, device):
        out = subprocess.run([CLI, "provision", "credentials", str(tenant_file), "--device",
                              device, "--url", self.base, "--state-dir", str(self.state)],
                             capture_output=True, text=True, check=True).stdout
        return re.search(r"user: +(\S+)", out).group(1), re.search(r"password: (\S+)", out).group(1)

    def fetch(self, user, password, agent, path):
        out = subprocess.run(["curl", "-s", "--digest", "-u", f"{user}:{password}", "-A", agent,
                              "-w", "\n%{http_code}", self.base + path],
                             capture_output=True, text=True, timeout=10)
        body, _, code = out.stdout.rpartition("\n")
        return int(code), body

    def log(self):
        self.stderr.flush()
        return self.stderr_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.stderr.close()


class Phone:
    """A phone played by two sipp processes: a UAS on the Contact port that takes the NOTIFY
    (check_sync_uas.xml; sipp gives a request with a new Call-ID to a new call only), and a
    UAC that registers that Contact (check_sync_register.xml)."""

    def __init__(self, workdir, serve, username, password, domain, uas_seconds):
        self.dir = Path(workdir) / username
        self.dir.mkdir()
        sipp = require("sipp")
        contact_port = next(_phone_ports)
        common = ["-i", "127.0.0.1", "-m", "1", "-trace_msg", "-trace_err", "-nostdin"]
        self.uas = subprocess.Popen(
            [sipp, "-sf", str(SCENARIOS / "check_sync_uas.xml"), "-p", str(contact_port),
             "-timeout", f"{uas_seconds}s", *common,
             "-message_file", str(self.dir / "uas_messages.log"),
             "-error_file", str(self.dir / "uas_errors.log")],
            cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        inf = self.dir / "phone.csv"
        inf.write_text(f"SEQUENTIAL\n{username};[authentication username={username} "
                       f"password={password}]\n")
        register = subprocess.run(
            [sipp, f"127.0.0.1:{serve.sip_port}", "-sf", str(SCENARIOS / "check_sync_register.xml"),
             "-inf", str(inf), "-key", "domain", domain, "-key", "contact_port", str(contact_port),
             "-p", str(next(_phone_ports)), "-timeout", "10s", "-timeout_error", *common,
             "-message_file", str(self.dir / "register_messages.log"),
             "-error_file", str(self.dir / "register_errors.log")],
            cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)
        if register.returncode != 0:
            self.stop()
            raise AssertionError(f"{username} did not register (sipp {register.returncode}):\n"
                                 f"{self.trace('register')}\n{serve.log()}")

    def wait(self, seconds=20):
        """The UAS's exit code: 0 after it answered a NOTIFY, 97 (sipp's global time-out)
        when none came."""
        try:
            return self.uas.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.stop()
            return None

    def received(self):
        path = self.dir / "uas_messages.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def trace(self, side="uas"):
        parts = []
        for name in (f"{side}_messages.log", f"{side}_errors.log"):
            path = self.dir / name
            if path.exists():
                parts.append(path.read_text(errors="replace")[-4000:])
        return "\n".join(parts)

    def stop(self):
        if self.uas.poll() is None:
            self.uas.kill()
            self.uas.wait()


class CheckSync(unittest.TestCase):
    def setUp(self):
        require("sipp")
        require("curl")
        self.workdir = Path(tempfile.mkdtemp(prefix="callplan-check-sync-"))
        self.tenant_file = self.workdir / "acme.yaml"
        self.phones = [
            ("reception", "yealink", "T54W", "80:5E:C0:AA:BB:01", "Reception-s3cret", None),
            ("bram-desk", "snom", "D785", "00:04:13:AA:BB:02", "Bram-s3cret", None)]
        self.tenant_file.write_text(tenant("acme", "Acme BV", "Europe/Amsterdam", self.phones))
        self.serve = Serve(self.workdir, [str(self.tenant_file)])
        self.started = []

    def tearDown(self):
        for phone in self.started:
            phone.stop()
        self.serve.stop()
        if not self._outcome.result.failures and not self._outcome.result.errors:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def phone(self, username, password, uas_seconds):
        phone = Phone(self.workdir, self.serve, username, password, "acme", uas_seconds)
        self.started.append(phone)
        return phone

    def test_a_reload_that_changes_a_phones_file_sends_it_check_sync(self):
        changed = self.phone("acme-reception", "Reception-s3cret", 15)
        unchanged = self.phone("acme-bram-desk", "Bram-s3cret", 4)
        user, password = self.serve.credentials(self.tenant_file, "reception")
        code, before = self.serve.fetch(user, password, YEALINK_UA, "/805ec0aabb01.cfg")
        self.assertEqual(code, 200, before)
        self.assertNotIn("linekey.2.value", before)

        # A busy lamp key for the reception phone alone; the Snom's file stays as it was.
        self.phones[0] = self.phones[0][:5] + ({"linekey.2.type": "16",
                                                "linekey.2.value": "101"},)
        self.tenant_file.write_text(tenant("acme", "Acme BV", "Europe/Amsterdam", self.phones))
        # Not before SIGHUP: the endpoint serves what the SIP server serves.
        self.assertEqual(self.serve.fetch(user, password, YEALINK_UA, "/805ec0aabb01.cfg")[1],
                         before)
        self.serve.process.send_signal(signal.SIGHUP)

        self.assertEqual(changed.wait(), 0, changed.trace() + self.serve.log())
        self.assertRegex(changed.received(), r"Event: check-sync;reboot=false")
        # The Snom's file did not change: its UAS ends by its 4 s time-out, with no NOTIFY.
        self.assertEqual(unchanged.wait(), 97, unchanged.trace() + self.serve.log())
        self.assertNotIn("NOTIFY", unchanged.received())
        log = self.serve.log()
        self.assertRegex(log, r"check-sync acme-reception at sip:acme-reception@127\.0\.0\.1:")
        self.assertNotIn("check-sync acme-bram-desk", log)
        code, after = self.serve.fetch(user, password, YEALINK_UA, "/805ec0aabb01.cfg")
        self.assertEqual(code, 200)
        self.assertIn("linekey.2.value = 101\n", after)


class ManyCompanies(unittest.TestCase):
    def setUp(self):
        require("curl")
        self.workdir = Path(tempfile.mkdtemp(prefix="callplan-provision-companies-"))
        self.dir = self.workdir / "tenants"
        self.dir.mkdir()
        (self.dir / "1-alpha.yaml").write_text(tenant(
            "alpha", "Alpha BV", "Europe/Amsterdam",
            [("desk", "yealink", "T54W", "80:5E:C0:AA:00:01", "Alpha-s3cret", None)],
            keys={"lang.gui": "Dutch"}))
        (self.dir / "2-beta.yaml").write_text(tenant(
            "beta", "Beta Ltd", "Europe/London",
            [("desk", "snom", "D785", "00:04:13:BB:00:01", "Beta-s3cret", None)]))
        # The third company's phone has alpha's MAC: the later file is refused (CP603).
        (self.dir / "3-gamma.yaml").write_text(tenant(
            "gamma", "Gamma SA", "Europe/Paris",
            [("desk", "yealink", "T46U", "80-5e-c0-aa-00-01", "Gamma-s3cret", None)]))
        self.serve = Serve(self.workdir, ["--tenants", str(self.dir)])

    def tearDown(self):
        self.serve.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def test_each_phone_gets_its_own_companys_file(self):
        user, password = self.serve.credentials(self.dir / "1-alpha.yaml", "desk")
        code, common = self.serve.fetch(user, password, YEALINK_UA, "/y000000000000.cfg")
        self.assertEqual(code, 200, common)
        self.assertIn("local_time.time_zone_name = Netherlands(Amsterdam)\n", common)
        self.assertIn("lang.gui = Dutch\n", common)
        code, own = self.serve.fetch(user, password, YEALINK_UA, "/805ec0aa0001.cfg")
        self.assertEqual(code, 200, own)
        self.assertIn("account.1.user_name = alpha-desk\n", own)
        self.assertIn("account.1.password = Alpha-s3cret\n", own)
        self.assertIn(f"account.1.sip_server.1.port = {self.serve.sip_port}\n", own)

        user, password = self.serve.credentials(self.dir / "2-beta.yaml", "desk")
        code, snom = self.serve.fetch(user, password, SNOM_UA, "/000413bb0001.xml")
        self.assertEqual(code, 200, snom)
        self.assertIn('<user_name idx="1" perm="R">beta-desk</user_name>', snom)
        self.assertIn('<timezone perm="R">GBR-0</timezone>', snom)
        # Beta's phone asking for alpha's file: no file for anyone but its own phone.
        code, _ = self.serve.fetch(user, password, SNOM_UA, "/805ec0aa0001.cfg")
        self.assertEqual(code, 404)

    def test_a_mac_of_another_company_is_refused_and_keeps_its_first_owner(self):
        log = self.serve.log()
        self.assertIn("CP603", log)
        self.assertIn("3-gamma.yaml", log)
        user, password = self.serve.credentials(self.dir / "1-alpha.yaml", "desk")
        code, own = self.serve.fetch(user, password, YEALINK_UA, "/805ec0aa0001.cfg")
        self.assertEqual(code, 200)
        self.assertIn("account.1.user_name = alpha-desk\n", own)
        # Gamma's credentials for the same MAC: the same password (it is the MAC's), but
        # the phone is alpha's, so gamma's account is never served.
        self.assertNotIn("gamma", own)


if __name__ == "__main__":
    CLI = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
