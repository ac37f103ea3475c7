#!/usr/bin/python3
"""The provisioning endpoint over loopback, as phones and attackers reach it: `callplan serve
--provision http://127.0.0.1:0` (and https) on tests/provision/fixtures/phones.yaml, asked
with curl and with raw HTTP requests whose digest answers this file computes itself (so nonces
and nonce-counts can be replayed on purpose); and `callplan provision credentials`.

    /usr/bin/python3 tests/provision/endpoint_test.py build/dev/tools/callplan/callplan

Each test starts its own server (fresh throttle), SIP on 127.0.0.1:251xx (the http helper's
test ports), HTTP on a port the kernel picks.
"""
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TENANT = ROOT / "tests" / "provision" / "fixtures" / "phones.yaml"
TLS = ROOT / "tests" / "http" / "fixtures"
CLI = None
REALM = "callplan-provisioning"

# Real User-Agent strings of each brand's provisioning client.
PHONES = {
    "zoe-yealink": ("805ec0aabb01", "Yealink SIP-T58W 58.86.0.20 80:5e:c0:aa:bb:01",
                    ["y000000000000.cfg", "805ec0aabb01.cfg"]),
    "zoe-snom": ("000413aabb02", "Mozilla/4.0 (compatible; snomD865-SIP 10.1.73.16 1.1.3-s)",
                 ["000413aabb02.xml"]),
    "zoe-grandstream": ("c074adaabb03",
                        "Grandstream Model HW GRP2614 SW 1.0.5.68 DevId c074adaabb03",
                        ["cfgc074adaabb03.xml"]),
    "zoe-polycom": ("0004f2aabb04", "FileTransport PolycomVVX-VVX_450-UA/6.4.3.5018 "
                    "Type/Application", ["000000000000.cfg", "0004f2aabb04-callplan.cfg"]),
}
_next_sip_port = [25100]


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


class Server:
    def __init__(self, tenant=TENANT, scheme="http", extra=()):
        self.state = tempfile.mkdtemp(prefix="callplan-provision-")
        self.sip_port = _next_sip_port[0]
        _next_sip_port[0] += 1
        self.stderr_path = Path(self.state) / "stderr.log"
        self.stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(
            [CLI, "serve", str(tenant), "--listen", f"udp:127.0.0.1:{self.sip_port}",
             "--state-dir", self.state, "--provision", f"{scheme}://127.0.0.1:0", *extra],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.process.stdout.readline()
        match = re.match(r"provisioning on https?://127\.0\.0\.1:(\d+)", line)
        if not match:
            self.stop()
            raise AssertionError(f"no 'provisioning on' line: {line!r}\n{self.log()}")
        self.port = int(match.group(1))
        self.base = f"{scheme}://127.0.0.1:{self.port}"
        # SIGHUP (a reload) before the server installs its handler would end it: wait.
        deadline = time.monotonic() + 10
        while "callplan serve: ready" not in self.log():
            if time.monotonic() > deadline or self.process.poll() is not None:
                log = self.log()
                self.stop()
                raise AssertionError(f"serve is not ready:\n{log}")
            time.sleep(0.02)

    def password(self, device):
        out = subprocess.run([CLI, "provision", "credentials", str(TENANT), "--device", device,
                              "--url", self.base, "--state-dir", self.state],
                             capture_output=True, text=True, check=True).stdout
        return re.search(r"password: (\S+)", out).group(1)

    def log(self):
        self.stderr.flush()
        return self.stderr_path.read_text(errors="replace")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.stderr.close()
        shutil.rmtree(self.state, ignore_errors=True)


def raw(port, request):
    """Sends bytes, returns the whole answer (Connection: close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request.encode())
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                return b"".join(chunks)
            chunks.append(data)


def get(port, path, ua="", authorization=None):
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", f"User-Agent: {ua}", "Connection: close"]
    if authorization:
        lines.append(f"Authorization: {authorization}")
    return raw(port, "\r\n".join(lines) + "\r\n\r\n")


def status(answer):
    return int(answer.split(b" ", 2)[1])


def body(answer):
    return answer.split(b"\r\n\r\n", 1)[1]


def nonce_of(answer):
    return re.search(rb'nonce="([0-9a-f]+)"', answer).group(1).decode()


def authorization(user, password, path, nonce, nc=1, cnonce="0a4f113b"):
    ha1 = md5(f"{user}:{REALM}:{password}")
    ha2 = md5(f"GET:{path}")
    nc_text = f"{nc:08x}"
    response = md5(f"{ha1}:{nonce}:{nc_text}:{cnonce}:auth:{ha2}")
    return (f'Digest username="{user}", realm="{REALM}", nonce="{nonce}", uri="{path}", '
            f'algorithm=MD5, qop=auth, nc={nc_text}, cnonce="{cnonce}", response="{response}"')


def fetch(server, user, password, path, ua, nc=1, nonce=None):
    """One authenticated GET (a fresh nonce from a first 401 unless given); (answer, nonce)."""
    if nonce is None:
        first = get(server.port, path, ua)
        assert status(first) == 401, first
        nonce = nonce_of(first)
    return get(server.port, path, ua, authorization(user, password, path, nonce, nc)), nonce


def rendered(device, name, sip_port):
    return subprocess.run([CLI, "provision", "render", str(TENANT), "--device", device,
                           "--server", f"127.0.0.1:{sip_port}", "--transport", "udp",
                           "--file", name], capture_output=True, check=True).stdout


class Endpoint(unittest.TestCase):
    def setUp(self):
        self.server = Server()

    def tearDown(self):
        self.server.stop()

    def test_each_brand_gets_its_own_files_through_curl(self):
        for device, (mac, ua, files) in PHONES.items():
            password = self.server.password(device)
            for name in files:
                # Yealink and others may spell the MAC in capitals.
                path = "/" + (name.upper().replace(".CFG", ".cfg") if "yealink" in device else name)
                out = subprocess.run(
                    ["curl", "-s", "-f", "--digest", "-u", f"{mac.upper()}:{password}", "-A", ua,
                     self.server.base + path], capture_output=True)
                self.assertEqual(out.returncode, 0, (device, name, out.stderr))
                self.assertEqual(out.stdout, rendered(device, name, self.server.sip_port),
                                 (device, name))
        self.assertIn("provision: 805ec0aabb01.cfg to device `zoe-yealink` (127.0.0.1)",
                      self.server.log())

    def test_older_yealink_firmware_gets_the_common_file_under_its_model_name(self):
        mac, ua, files = PHONES["zoe-yealink"]
        answer, _ = fetch(self.server, mac, self.server.password("zoe-yealink"),
                          "/y000000000044.cfg", ua)
        self.assertEqual(status(answer), 200)
        self.assertEqual(body(answer), rendered("zoe-yealink", "y000000000000.cfg",
                                                self.server.sip_port))
        self.assertNotIn("foreign-file", self.server.log())

    def test_head_gives_the_length_without_the_file(self):
        mac, ua, (name,) = PHONES["zoe-snom"]
        path = "/" + name
        first = raw(self.server.port, f"HEAD {path} HTTP/1.1\r\nHost: x\r\nUser-Agent: {ua}\r\n"
                                      "Connection: close\r\n\r\n")
        self.assertEqual(status(first), 401)
        ha1 = md5(f"{mac}:{REALM}:{self.server.password('zoe-snom')}")
        nonce = nonce_of(first)
        response = md5(f"{ha1}:{nonce}:00000001:c0ffee:auth:{md5('HEAD:' + path)}")
        answer = raw(self.server.port,
                     f"HEAD {path} HTTP/1.1\r\nHost: x\r\nUser-Agent: {ua}\r\nConnection: close\r\n"
                     f'Authorization: Digest username="{mac}", realm="{REALM}", nonce="{nonce}", '
                     f'uri="{path}", qop=auth, nc=00000001, cnonce="c0ffee", '
                     f'response="{response}"\r\n\r\n')
        self.assertEqual(status(answer), 200)
        self.assertEqual(body(answer), b"")
        length = int(re.search(rb"Content-Length: (\d+)", answer).group(1))
        self.assertEqual(length, len(rendered("zoe-snom", name, self.server.sip_port)))

    def test_unknown_mac_and_wrong_password_get_the_same_answer(self):
        path = "/805ec0aabb01.cfg"
        ua = PHONES["zoe-yealink"][1]
        wrong, _ = fetch(self.server, "805ec0aabb01", "not-the-password", path, ua)
        unknown_path = "/805ec0ffffff.cfg"
        unknown, _ = fetch(self.server, "805ec0ffffff", "not-the-password", unknown_path, ua)
        self.assertEqual(status(wrong), 401)
        # The only difference is the fresh nonce every challenge has.
        mask = lambda answer: re.sub(rb'nonce="[0-9a-f]+"', b'nonce="N"', answer)
        self.assertEqual(mask(wrong), mask(unknown))
        self.assertEqual(len(nonce_of(wrong)), len(nonce_of(unknown)))
        log = self.server.log()
        self.assertRegex(log, r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ callplan-serve\[\d+\]: auth-failure '
                              r'source=127\.0\.0\.1 port=\d+ proto=http method=GET '
                              r'user="805ec0aabb01" reason=wrong\n')
        self.assertIn('user="805ec0ffffff" reason=wrong', log)

    def test_a_phone_gets_no_other_phones_file(self):
        password = self.server.password("zoe-yealink")
        ua = PHONES["zoe-yealink"][1]
        for other in ["/000413aabb02.xml", "/cfgc074adaabb03.xml", "/0004f2aabb04-callplan.cfg",
                      "/805ec0aabb07.cfg"]:
            answer, _ = fetch(self.server, "805ec0aabb01", password, other, ua)
            self.assertEqual(status(answer), 404, other)
            self.assertNotIn(b"password", body(answer).lower())
        self.assertIn('user="805ec0aabb01" reason=foreign-file', self.server.log())

    def test_no_path_tricks_and_no_listing(self):
        for path in ["/", "/../provision.secret", "/%2e%2e/provision.secret", "//etc/passwd",
                     "/provision/805ec0aabb01.cfg", "/.secret", "/805ec0aabb01.cfg%00.xml",
                     "/..%2f..%2fetc%2fpasswd"]:
            answer = get(self.server.port, path, PHONES["zoe-yealink"][1])
            self.assertEqual(status(answer), 404, path)
            self.assertNotIn(b"WWW-Authenticate", answer, path)
        self.assertIn('user="" reason=bad-path', self.server.log())

    def test_a_replayed_nonce_count_is_refused(self):
        password = self.server.password("zoe-snom")
        mac, ua, (name,) = PHONES["zoe-snom"]
        path = "/" + name
        first, nonce = fetch(self.server, mac, password, path, ua, nc=1)
        self.assertEqual(status(first), 200)
        replay, _ = fetch(self.server, mac, password, path, ua, nc=1, nonce=nonce)
        self.assertEqual(status(replay), 401)
        self.assertIn('user="000413aabb02" reason=replayed', self.server.log())
        later, _ = fetch(self.server, mac, password, path, ua, nc=2, nonce=nonce)
        self.assertEqual(status(later), 200)

    def test_the_user_agent_must_name_the_devices_brand(self):
        password = self.server.password("zoe-snom")
        answer, _ = fetch(self.server, "000413aabb02", password, "/000413aabb02.xml",
                          PHONES["zoe-yealink"][1])
        self.assertEqual(status(answer), 401)
        answer, _ = fetch(self.server, "000413aabb02", password, "/000413aabb02.xml",
                          "curl/7.88.1")
        self.assertEqual(status(answer), 401)
        self.assertIn('reason=user-agent', self.server.log())

    def test_repeated_failures_block_even_the_right_password(self):
        mac, ua, files = PHONES["zoe-grandstream"]
        path = "/" + files[0]
        for _ in range(5):
            answer, _ = fetch(self.server, mac, "guess", path, ua)
            self.assertEqual(status(answer), 401)
        answer, _ = fetch(self.server, mac, self.server.password("zoe-grandstream"), path, ua)
        self.assertEqual(status(answer), 401)
        self.assertRegex(self.server.log(), r'auth-blocked source=127\.0\.0\.1 port=\d+ '
                                            r'proto=http method=GET user="c074adaabb03" until=300s')
        # Another phone from the same address is not blocked by that MAC's block.
        mac2, ua2, files2 = PHONES["zoe-snom"]
        answer, _ = fetch(self.server, mac2, self.server.password("zoe-snom"), "/" + files2[0], ua2)
        self.assertEqual(status(answer), 200)

    def test_other_methods_are_not_allowed(self):
        answer = raw(self.server.port, "DELETE /805ec0aabb01.cfg HTTP/1.1\r\nHost: x\r\n"
                                       "Connection: close\r\n\r\n")
        self.assertEqual(status(answer), 405)


class EndpointTls(unittest.TestCase):
    def test_https_with_curl(self):
        server = Server(scheme="https", extra=["--tls-cert", str(TLS / "test_cert.pem"),
                                               "--tls-key", str(TLS / "test_key.pem")])
        try:
            mac, ua, files = PHONES["zoe-polycom"]
            out = subprocess.run(
                ["curl", "-s", "-f", "--cacert", str(TLS / "test_cert.pem"), "--digest", "-u",
                 f"{mac}:{server.password('zoe-polycom')}", "-A", ua,
                 f"{server.base}/{files[1]}"], capture_output=True)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(out.stdout, rendered("zoe-polycom", files[1], server.sip_port))
        finally:
            server.stop()

    def test_tls_files_without_https_are_refused(self):
        out = subprocess.run([CLI, "serve", str(TENANT), "--listen", "udp:127.0.0.1:25199",
                              "--provision", "http://127.0.0.1:0", "--tls-cert", "x.pem",
                              "--tls-key", "y.pem", "--state-dir", tempfile.gettempdir()],
                             capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 2)
        self.assertIn("--tls-cert and --tls-key go with --provision https://", out.stderr)


class EndpointReload(unittest.TestCase):
    def test_a_reloaded_tenant_is_served_without_restart(self):
        workdir = Path(tempfile.mkdtemp(prefix="callplan-provision-tenant-"))
        tenant = workdir / "phones.yaml"
        shutil.copy(TENANT, tenant)
        server = Server(tenant=tenant)
        try:
            mac, ua, files = PHONES["zoe-yealink"]
            password = server.password("zoe-yealink")
            text = tenant.read_text(encoding="utf-8")

            def served():
                answer, _ = fetch(server, mac, password, "/" + files[1], ua)
                self.assertEqual(status(answer), 200)
                return body(answer)

            # A version with errors is refused on SIGHUP: the phones keep the previous files.
            tenant.write_text(text.replace("brand: yealink", "brand: yealnk", 1), encoding="utf-8")
            server.process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 5
            while "reload refused" not in server.log() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertIn("reload refused", server.log())
            before = served()
            self.assertIn("account.1.password = p&ss<w>rd\"'é€".encode(), before)

            new_text = text.replace('password: "p&ss<w>rd\\"\'é€"', 'password: "changed-2027"')
            self.assertNotEqual(new_text, text)
            tenant.write_text(new_text, encoding="utf-8")
            time.sleep(0.2)
            self.assertEqual(served(), before)  # an edit alone changes nothing: serve reloads on SIGHUP
            server.process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 5
            while b"changed-2027" not in served() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertIn(b"account.1.password = changed-2027", served())
        finally:
            server.stop()
            shutil.rmtree(workdir, ignore_errors=True)


class Credentials(unittest.TestCase):
    def run_cli(self, *args):
        state = tempfile.mkdtemp(prefix="callplan-credentials-")
        try:
            return subprocess.run([CLI, "provision", "credentials", *args, "--state-dir", state],
                                  capture_output=True, text=True, timeout=30)
        finally:
            shutil.rmtree(state, ignore_errors=True)

    def test_every_provisionable_phone_with_its_url_user_and_password(self):
        out = self.run_cli(str(TENANT), "--url", "https://pbx.example:8443/")
        self.assertEqual(out.returncode, 0, out.stderr)
        blocks = re.findall(r"^(\S+) \((\w+)[^)]*\)\n  url:      (\S+)\n  user:     ([0-9a-f]{12})\n"
                            r"  password: ([a-z2-7]{24})$", out.stdout, re.M)
        self.assertEqual([b[0] for b in blocks],
                         ["zoe-yealink", "zoe-snom", "zoe-grandstream", "zoe-polycom",
                          "grace-polycom", "lines-snom", "lines-yealink", "hash-only"])
        urls = {b[0]: b[2] for b in blocks}
        self.assertEqual(urls["zoe-yealink"], "https://pbx.example:8443/")
        self.assertEqual(urls["zoe-snom"], "https://pbx.example:8443/000413aabb02.xml")
        self.assertEqual(len({b[4] for b in blocks}), len(blocks))  # one password per phone
        self.assertIn("device `hash-only` has only an HA1 hash", out.stderr)

    def test_refusals(self):
        acme = ROOT / "examples" / "acme" / "acme.yaml"
        for args, message in [
                ((str(TENANT), "--url", "pbx.example:8443"), "--url `pbx.example:8443`"),
                ((str(TENANT), "--url", "http://pbx", "--device", "nobody"), "has no device `nobody`"),
                ((str(acme), "--url", "http://pbx", "--device", "anna-softphone"),
                 "device `anna-softphone` cannot be provisioned")]:
            out = self.run_cli(*args)
            self.assertEqual(out.returncode, 2, args)
            self.assertIn(message, out.stderr)


if __name__ == "__main__":
    CLI = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
