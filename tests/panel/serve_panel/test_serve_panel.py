"""`callplan serve --panel`: the panel inside the SIP server (docs/panel.md, "Inside serve").
A save is applied as a SIGHUP reload is (the server logs the reload and routes by the saved
file), and the dashboard shows which phones are registered, before and after a sipp phone
registers. Under `--tenants DIR` the panel serves every company of the directory, each
strictly apart: one company's administrator reads and changes only their own company, whatever
the request's path, query or body says, and a company added to the directory can log in.

    CALLPLAN_BIN=build/dev/tools/callplan/callplan /usr/bin/python3 -m pytest -q tests/panel/serve_panel

Reuses the end-to-end harness of tests/sip/e2e (the server process, sipp peers, the tenant).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parents[2] / "sip" / "e2e"
sys.path.insert(0, str(E2E))

from sip_e2e_server import SERVER_IP, ServerProcess, free_udp_port, which_server  # noqa: E402
from sip_e2e_sipp import SIPP  # noqa: E402
from test_sip_e2e import TENANT, Lab  # noqa: E402

if SIPP is None:
    pytest.skip("sipp (Debian sip-tester) is not installed", allow_module_level=True)
if which_server() != "callplan":
    pytest.skip("needs callplan itself, not the stand-in", allow_module_level=True)

PORTS = range(37300, 37400)  # this test's own range
PASSWORD = "alice-panel-password"
BETA_PASSWORD = "beta-admin-password"
GAMMA_PASSWORD = "gamma-admin-password"

# A second company beside the e2e one: the same extensions 101 and 102, its own login, number
# and SIP usernames (beta-desk, beta-phone).
BETA = """version: 1
tenant: {name: Beta BV, login: beta, timezone: Europe/Amsterdam, country: NL}
numbers:
  - {number: "+31850000101", plan: main}
users:
  - {extension: "101", role: admin, first_name: Bea, last_name: Baas}
  - {extension: "102", first_name: Ben, last_name: Bode}
devices:
  - {id: desk, user: "101", sip: {password: "Beta-desk-pass-1"}}
  - {id: phone, user: "102", sip: {password: "Beta-phone-pass-2"}}
plans:
  - id: main
    steps:
      - transfer: {to: "101", follow_personal_plan: false, timeout: 5}
"""


def free_tcp_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((SERVER_IP, port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free TCP port in {PORTS}")


class Panel:
    """Same-origin JSON requests with the session cookie, as the browser sends them."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"http://{SERVER_IP}:{port}"
        self.cookie = ""
        self.started = 0.0  # when the panel answered first (time.monotonic())

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        status, text = self.raw(method, path, body)
        return status, json.loads(text)

    def login(self, login: str, password: str) -> int:
        return self.call("POST", "/api/login", {"login": login, "password": password})[0]

    def raw(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.origin + path, data=data, method=method)
        req.add_header("Origin", self.origin)
        req.add_header("Sec-Fetch-Site", "same-origin")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.cookie:
            req.add_header("Cookie", self.cookie)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                if r.headers.get("Set-Cookie"):
                    self.cookie = r.headers["Set-Cookie"].split(";")[0]
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


def set_password(tmp_path: Path, login: str, password: str) -> None:
    binary = os.environ.get("CALLPLAN_BIN") or "callplan"
    subprocess.run([binary, "panel", "passwd", login, "--state-dir", str(tmp_path / "state")],
                   input=password + "\n", text=True, check=True, capture_output=True, timeout=30)


@pytest.fixture
def served(request, tmp_path: Path):
    """serve --panel on a copy of the e2e tenant, with Alice (101) as its administrator: in a
    tenants directory beside the company `beta` (--tenants DIR), or given as a file."""
    companies = tmp_path / "companies"
    companies.mkdir()
    tenant = companies / "e2e.yaml"
    text = TENANT.read_text()
    text = text.replace('{extension: "101", first_name: Alice,', '{extension: "101", role: admin, first_name: Alice,')
    assert "role: admin" in text
    tenant.write_text(text)
    (companies / "beta.yaml").write_text(BETA)
    # request.param: "tenant-file", "tenants-dir" (the default), or the other companies'
    # administrators to give passwords (each is an Argon2id hash: about 0.3 s).
    param = getattr(request, "param", "tenants-dir")
    mode = param if isinstance(param, str) else "tenants-dir"
    set_password(tmp_path, "101@e2e", PASSWORD)
    for login, password in ({} if isinstance(param, str) else param).items():
        set_password(tmp_path, login, password)
    port = free_tcp_port()
    lab = Lab(tmp_path)
    # Without the media side: the panel needs none, and it starts faster.
    args = ["--panel", f"http://{SERVER_IP}:{port}", "--no-media"]
    if mode == "tenants-dir":
        args += ["--tenants", str(companies)]
    try:
        server = ServerProcess(tenant, tmp_path, extra_args=args)
        if mode == "tenants-dir":
            server.args.remove(str(tenant))  # only the directory names the companies
        lab.server = server.start()
        panel = Panel(port)
        for _ in range(100):  # the panel starts right after "ready"
            try:
                assert panel.login("101@e2e", PASSWORD) == 200
                panel.started = time.monotonic()
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.1)
        yield lab, tenant, panel
    finally:
        rc = lab.close()
    assert rc == 0, f"callplan serve did not stop cleanly:\n{lab.server and lab.server.stderr_text()}"


def reloads(lab: Lab, name: str) -> int:
    """How often the server logged a reload of the company file `name`."""
    return sum(1 for line in lab.server.stderr_text(400).splitlines()
               if "reloaded " in line and line.rstrip().endswith("/" + name))


def registered(panel: Panel) -> dict[str, bool]:
    status, d = panel.call("GET", "/api/dashboard")
    assert status == 200, d
    assert d["serve"] is True
    return {x["id"]: x["registered"] for x in d["devices"]}


def test_the_dashboard_shows_a_phone_registered_once_it_registers(served) -> None:
    lab, _, panel = served
    assert registered(panel)["dave-desk"] is False
    lab.register("dave-desk", free_udp_port(SERVER_IP))
    for _ in range(50):
        if registered(panel)["dave-desk"]:
            break
        time.sleep(0.1)
    now = registered(panel)
    assert now["dave-desk"] is True
    assert sum(now.values()) == 1, now


@pytest.mark.parametrize("served", ["tenant-file", "tenants-dir"], indirect=True)
def test_a_save_is_applied_as_a_reload(served) -> None:
    lab, tenant, panel = served
    status, me = panel.call("GET", "/api/me")
    assert status == 200, me
    before = reloads(lab, "e2e.yaml")
    status, saved = panel.call("POST", "/api/save", {"version": me["version"], "changes": [
        {"op": "update_user", "extension": "102", "set": {"email": "bob@e2e.example"}}]})
    assert status == 200, saved
    assert "email: bob@e2e.example" in tenant.read_text()
    for _ in range(50):
        if reloads(lab, "e2e.yaml") > before:
            break
        time.sleep(0.1)
    assert reloads(lab, "e2e.yaml") == before + 1, lab.server.stderr_text()
    # A stale save is refused and reloads nothing.
    status, refused = panel.call("POST", "/api/save", {"version": me["version"], "changes": []})
    assert status == 409, refused
    time.sleep(0.5)
    assert reloads(lab, "e2e.yaml") == before + 1


@pytest.mark.parametrize("served", [{"101@beta": BETA_PASSWORD, "101@gamma": GAMMA_PASSWORD}],
                         indirect=True, ids=["beta-gamma"])
def test_each_company_of_the_tenants_directory_is_strictly_apart(served) -> None:
    lab, e2e_file, alice = served
    beta_file = e2e_file.parent / "beta.yaml"
    e2e_before = e2e_file.read_bytes()
    bea = Panel(alice.port)
    assert bea.login("101@beta", BETA_PASSWORD) == 200
    # Each administrator sees their own company only.
    status, model = bea.call("GET", "/api/model")
    assert status == 200, model
    assert model["model"]["tenant"]["login"] == "beta"
    assert {u["extension"] for u in model["model"]["users"]} == {"101", "102"}
    beta_text = json.dumps([model["model"], model["issues"]])
    assert "Alice" not in beta_text and "e2e" not in beta_text and "+3185000000" not in beta_text
    status, theirs = alice.call("GET", "/api/model")
    assert status == 200 and theirs["model"]["tenant"]["login"] == "e2e"
    # URL tampering: no path, query or prefix names another company.
    for path in ["/api/model?tenant=e2e", "/api/model?login=101@e2e", "/api/e2e/model",
                 "/e2e/api/model", "/api/model/../model?tenant=e2e", "/api/dashboard?tenant=e2e",
                 "/api/me?extension=105"]:
        status, text = bea.raw("GET", path)
        assert "Alice" not in text and "Eve" not in text and "+31850000001" not in text, \
            (path, status, text[:200])
        assert status != 200 or not text.startswith("{"), (path, text[:200])
    # Body tampering: a `tenant` beside the changes, the other company's version, extensions
    # only the other company has. Nothing reaches e2e's file.
    status, refused = bea.call("POST", "/api/save", {"version": theirs["version"], "tenant": "e2e",
                                                     "changes": []})
    assert status == 409, refused
    status, refused = bea.call("POST", "/api/preview", {"tenant": "e2e", "changes": [
        {"op": "update_user", "extension": "105", "set": {"email": "eve@beta.example"}}]})
    assert status == 400 and refused["error"]["code"] == "no-such-user", refused
    status, refused = bea.call("POST", "/api/user-password", {"extension": "105", "new": "x" * 12})
    assert status == 404, refused
    status, refused = bea.call("POST", "/api/simulate", {"to": "+31850000001"})
    assert status == 200 and "Alice" not in json.dumps(refused), refused
    # The same extension is the caller's own company's: Bea's change lands in beta's file and
    # reloads beta; e2e's file is byte for byte as it was.
    before = reloads(lab, "beta.yaml")
    status, saved = bea.call("POST", "/api/save", {"version": model["version"], "tenant": "e2e",
                                                   "changes": [{"op": "update_user", "extension": "102",
                                                                "set": {"email": "ben@beta.example"}}]})
    assert status == 200, saved
    assert "email: ben@beta.example" in beta_file.read_text()
    assert e2e_file.read_bytes() == e2e_before
    # Setting 101's panel password sets beta's 101, not e2e's: Alice's still works.
    status, _ = bea.call("POST", "/api/user-password", {"extension": "101", "new": "a new beta password"})
    assert status == 200
    assert Panel(alice.port).login("101@e2e", "a new beta password") == 401
    assert Panel(alice.port).login("101@e2e", PASSWORD) == 200
    for _ in range(50):
        if reloads(lab, "beta.yaml") > before:
            break
        time.sleep(0.1)
    assert reloads(lab, "beta.yaml") == before + 1, lab.server.stderr_text()
    # A company added to the directory since the start logs in (the panel lists the directory
    # again, at most every 2 s, when a login names a company it does not know).
    (e2e_file.parent / "gamma.yaml").write_text(BETA.replace("login: beta", "login: gamma")
                                                .replace("+31850000101", "+31850000201"))
    gamma = Panel(alice.port)
    time.sleep(max(0.0, alice.started + 2.2 - time.monotonic()))
    assert gamma.login("101@gamma", GAMMA_PASSWORD) == 200
    status, model = gamma.call("GET", "/api/model")
    assert status == 200 and model["model"]["tenant"]["login"] == "gamma", model
