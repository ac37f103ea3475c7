"""`callplan serve --panel`: the panel inside the SIP server (docs/panel.md, "Inside serve").
A save is applied as a SIGHUP reload is (the server logs the reload and routes by the saved
file), and the dashboard shows which phones are registered, before and after a sipp phone
registers.

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

from sip_e2e_server import SERVER_IP, free_udp_port, which_server  # noqa: E402
from sip_e2e_sipp import SIPP  # noqa: E402
from test_sip_e2e import TENANT, Lab  # noqa: E402

if SIPP is None:
    pytest.skip("sipp (Debian sip-tester) is not installed", allow_module_level=True)
if which_server() != "callplan":
    pytest.skip("needs callplan itself, not the stand-in", allow_module_level=True)

PORTS = range(37300, 37400)  # this test's own range
PASSWORD = "alice-panel-password"


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
        self.origin = f"http://{SERVER_IP}:{port}"
        self.cookie = ""

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
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
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())


@pytest.fixture
def served(tmp_path: Path):
    """serve --panel on a copy of the e2e tenant, with Alice (101) as its administrator."""
    tenant = tmp_path / "tenant.yaml"
    text = TENANT.read_text()
    text = text.replace('{extension: "101", first_name: Alice,', '{extension: "101", role: admin, first_name: Alice,')
    assert "role: admin" in text
    tenant.write_text(text)
    binary = os.environ.get("CALLPLAN_BIN") or "callplan"
    subprocess.run([binary, "panel", "passwd", "101@e2e", "--state-dir", str(tmp_path / "state")],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True, timeout=30)
    port = free_tcp_port()
    lab = Lab(tmp_path)
    try:
        lab.start_server(tenant, extra_args=["--panel", f"http://{SERVER_IP}:{port}"])
        panel = Panel(port)
        for _ in range(100):  # the panel starts right after "ready"
            try:
                status, _ = panel.call("POST", "/api/login", {"login": "101@e2e", "password": PASSWORD})
                assert status == 200
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.1)
        yield lab, tenant, panel
    finally:
        rc = lab.close()
    assert rc == 0, f"callplan serve did not stop cleanly:\n{lab.server and lab.server.stderr_text()}"


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


def test_a_save_is_applied_as_a_reload(served) -> None:
    lab, tenant, panel = served
    status, me = panel.call("GET", "/api/me")
    assert status == 200, me
    before = lab.server.stderr_text(200).count("reloaded")
    status, saved = panel.call("POST", "/api/save", {"version": me["version"], "changes": [
        {"op": "update_user", "extension": "102", "set": {"email": "bob@e2e.example"}}]})
    assert status == 200, saved
    assert "email: bob@e2e.example" in tenant.read_text()
    for _ in range(50):
        if lab.server.stderr_text(200).count("reloaded") > before:
            break
        time.sleep(0.1)
    assert lab.server.stderr_text(200).count("reloaded") == before + 1, lab.server.stderr_text()
    # A stale save is refused and reloads nothing.
    status, refused = panel.call("POST", "/api/save", {"version": me["version"], "changes": []})
    assert status == 409, refused
    time.sleep(0.5)
    assert lab.server.stderr_text(200).count("reloaded") == before + 1
