"""Restarts of `callplan serve` (SPEC 11, docs/state.md): kill -9 and SIGTERM with sipp phones
registered over UDP, and a call that outlives the server.

- The phones register once, before the restart. After it, the first trunk call rings them
  without a new registration, including a phone whose 200 came only 100 ms before the kill.
- Round robin goes on where it was: the position the server kept (read from its state.db,
  as the JSON `callplan simulate --state` takes) makes `callplan simulate` name the member
  the server then rings.
- A call answered before a kill -9: the phone's BYE after the restart reaches the carrier
  (a dialog token in the Record-Route, no stored dialog), and a BYE with a forged token gets
  481 and reaches no one.

    CALLPLAN_BIN=build/dev/tools/callplan/callplan /usr/bin/python3 -m pytest -q \
        tests/sip/e2e/test_sip_restart.py
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from sip_e2e_server import SERVER_IP, TRUNK_IP, ServerProcess, free_udp_port, which_server
from sip_e2e_sipp import EXIT_OK, SIPP, SippPeer
from sip_e2e_udp import UdpUac, parse_response
from test_sip_e2e import tenant_devices

HERE = Path(__file__).resolve().parent
TENANT = HERE / "restart_tenant.yaml"
DEVICES = tenant_devices(TENANT)
EXTERNAL_CALLER = "+31201234567"
ROUND_ROBIN = "+31850000010"
DAVE_DIRECT = "+31850000011"
BOB_DIRECT = "+31850000012"

if SIPP is None:
    pytest.skip("sipp (Debian sip-tester) is not installed", allow_module_level=True)
if which_server() != "callplan":
    pytest.skip("restarts need callplan itself, not the stand-in", allow_module_level=True)


class RestartLab:
    """One server (restarted on the same ports and state directory) and its sipp peers."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.peers: list[SippPeer] = []
        self.server = ServerProcess(TENANT, workdir).start()

    def restart(self, how: signal.Signals) -> None:
        old = self.server
        assert old.proc is not None
        old.proc.send_signal(how)
        rc = old.proc.wait(timeout=15)
        assert rc == (0 if how == signal.SIGTERM else -signal.SIGKILL), old.stderr_text()
        fresh = ServerProcess(TENANT, self.workdir)
        fresh.port, fresh.trunk_port, fresh.args = old.port, old.trunk_port, old.args
        self.server = fresh.start()

    def peer(self, name: str, scenario: str, **kw: object) -> SippPeer:
        p = SippPeer(self.workdir, name, scenario, **kw)  # type: ignore[arg-type]
        self.peers.append(p)
        return p

    def register(self, device: str, port: int) -> None:
        """Registers `device` with its Contact on `port` (where its UAS sipp listens, maybe
        already), sent from another port: the server reaches a UDP phone at its Contact."""
        d = DEVICES[device]
        reg = self.peer(f"{device}-register", "register.xml", local_ip=SERVER_IP,
                        local_port=free_udp_port(SERVER_IP), remote=self.server.hostport,
                        timeout_s=8,
                        keys={"domain": SERVER_IP, "contact_port": str(port), "expires": "300"},
                        inject=[d["username"], f"[authentication username={d['username']} "
                                               f"password={d['password']}]"])
        assert reg.run() == EXIT_OK, f"registration of {device} failed\n{reg.report()}"

    def phone(self, device: str, scenario: str, port: int, *, calls: int = 1,
              pause_ms: int = 300) -> SippPeer:
        return self.peer(device, scenario, local_ip=SERVER_IP, local_port=port, calls=calls,
                         pause_ms=pause_ms, timeout_s=25).start()

    def trunk_call(self, scenario: str, called: str, name: str) -> SippPeer:
        return self.peer(name, scenario, local_ip=TRUNK_IP, local_port=free_udp_port(TRUNK_IP),
                         remote=self.server.hostport, pause_ms=200, timeout_s=20,
                         keys={"called": called, "caller": EXTERNAL_CALLER}).start()

    def close(self) -> None:
        for p in self.peers:
            p.kill()
        self.server.stop()


@pytest.fixture
def rlab(tmp_path: Path):
    lab = RestartLab(tmp_path)
    try:
        yield lab
    finally:
        lab.close()


def callplan_bin() -> str:
    binary = os.environ.get("CALLPLAN_BIN") or "callplan"
    return str(Path(binary).resolve()) if os.sep in binary else binary


def kept_routing_state(state_dir: Path, path: Path) -> dict:
    """The round-robin positions the server kept, as `callplan simulate --state` reads them.
    Read-only, with the server's lock and WAL honoured by SQLite itself."""
    db = sqlite3.connect(f"file:{state_dir / 'state.db'}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT ring_group, member FROM round_robin WHERE company = 'e2e'")
        state = {"version": 1, "round_robin": dict(rows.fetchall()), "random": 0}
    finally:
        db.close()
    path.write_text(json.dumps(state))
    return state


def simulated_answerer(state_file: Path, called: str) -> str:
    """Who `callplan simulate --state` says answers `called` when every phone answers."""
    out = subprocess.run([callplan_bin(), "simulate", str(TENANT), "--from", EXTERNAL_CALLER,
                          "--to", called, "--answer", "102@1,103@1,104@1", "--state",
                          str(state_file), "--format", "json"],
                         capture_output=True, text=True, timeout=30, check=True)
    return json.loads(out.stdout)["result"]["by"]


def answered(records: list[dict], called: str) -> list[str]:
    return [r["answered_device"] for r in records if r["dialled"] == called]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_phones_and_round_robin_survive_a_restart(rlab: RestartLab, how: signal.Signals) -> None:
    ports = {d: free_udp_port(SERVER_IP) for d in ("bob-desk", "carol-desk", "dave-desk")}
    for device in ("bob-desk", "carol-desk"):
        rlab.register(device, ports[device])
    # Every phone answers whatever rings it, before and after the restart: a round robin that
    # started over would ring bob again, and bob would answer (the records would say so).
    phones = {d: rlab.phone(d, "device_answer.xml", ports[d], calls=2) for d in ports}
    time.sleep(0.2)
    first = rlab.trunk_call("trunk_call_answered.xml", ROUND_ROBIN, "call-before")
    assert first.wait() == EXIT_OK, first.report()
    assert answered(rlab.server.call_records(1), ROUND_ROBIN) == ["e2e-bob-desk"]

    # Dave registers last; the server goes down 100 ms after his 200 (SPEC 11's bound).
    rlab.register("dave-desk", ports["dave-desk"])
    time.sleep(0.1)
    rlab.restart(how)
    assert re.search(r"state: 3 registration\(s\) and 1 round-robin position\(s\) back",
                     rlab.server.wait_for(r"state: .* back from", 5)), rlab.server.stderr_text()

    state_file = rlab.workdir / "kept-state.json"
    kept = kept_routing_state(rlab.workdir / "state", state_file)
    assert kept["round_robin"] == {"desk-round-robin/0": "102"}, kept
    # Where `callplan simulate --state` continues from what was kept: after bob, carol.
    assert simulated_answerer(state_file, ROUND_ROBIN) == "103"

    started = time.monotonic()
    second = rlab.trunk_call("trunk_call_answered.xml", ROUND_ROBIN, "call-after")
    assert second.wait() == EXIT_OK, second.report()
    # Carol's phone rang first, not after a 5 s ring on bob's.
    assert time.monotonic() - started < 4.5
    third = rlab.trunk_call("trunk_call_answered.xml", DAVE_DIRECT, "call-dave")
    assert third.wait() == EXIT_OK, third.report()
    records = rlab.server.call_records(3)
    assert answered(records, ROUND_ROBIN) == ["e2e-bob-desk", "e2e-carol-desk"]
    assert answered(records, DAVE_DIRECT) == ["e2e-dave"]
    assert len(phones) == 3  # each still waiting for a second call: closed by the fixture


def test_a_bye_after_a_kill_reaches_the_carrier(rlab: RestartLab) -> None:
    port = free_udp_port(SERVER_IP)
    rlab.register("bob-desk", port)
    # Bob answers at once and hangs up 2.5 s later, when the server has been killed and
    # started again in between.
    bob = rlab.phone("bob-desk", "device_answer_then_bye.xml", port, pause_ms=2500)
    time.sleep(0.2)
    carrier = rlab.trunk_call("trunk_call_far_bye.xml", BOB_DIRECT, "carrier")
    time.sleep(1.0)  # answered and ACKed: the server knew the dialog, and dies with it
    rlab.restart(signal.SIGKILL)
    assert carrier.wait() == EXIT_OK, f"the carrier never got the BYE\n{carrier.report()}"
    assert bob.wait() == EXIT_OK, bob.report()
    carrier_saw = carrier.msg_file.read_text()
    assert "BYE sip:" in carrier_saw
    # Topology hiding holds after the restart too: the carrier sees the server, not bob.
    bye = carrier_saw[carrier_saw.index("BYE sip:"):]
    bye = bye[:bye.index("\n\n")] if "\n\n" in bye else bye
    assert str(port) not in bye, bye


def test_a_forged_dialog_token_gets_481(rlab: RestartLab) -> None:
    port = free_udp_port(SERVER_IP)
    rlab.register("bob-desk", port)
    bob = rlab.phone("bob-desk", "device_answer_then_bye.xml", port, pause_ms=3000)
    time.sleep(0.2)
    carrier = rlab.trunk_call("trunk_call_far_bye.xml", BOB_DIRECT, "carrier")
    time.sleep(1.0)
    text = bob.msg_file.read_text()
    invite = text[text.index("INVITE sip:"):]
    route = re.search(r"Record-Route: <sip:(cp1\.[A-Za-z0-9_-]+)@", invite)
    call_id = re.search(r"Call-ID: (\S+)", invite)
    from_tag = re.search(r"From: [^\n]*;tag=(\S+)", invite)
    assert route and call_id and from_tag, invite
    rlab.restart(signal.SIGKILL)
    token = route.group(1)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    with UdpUac(TRUNK_IP) as uac:
        for bad in (forged, "cp1.notatoken"):
            bye = (f"BYE sip:{bad}@{rlab.server.hostport} SIP/2.0\r\n"
                   f"Via: SIP/2.0/UDP {TRUNK_IP}:{uac.local_port};branch=z9hG4bK{bad[-6:]}\r\n"
                   f"Max-Forwards: 70\r\n"
                   f"From: <sip:{BOB_DIRECT}@{SERVER_IP}>;tag=made-up\r\n"
                   f"To: <sip:{EXTERNAL_CALLER}@{TRUNK_IP}>;tag={from_tag.group(1)}\r\n"
                   f"Call-ID: {call_id.group(1)}\r\nCSeq: 9 BYE\r\nContent-Length: 0\r\n\r\n")
            uac.send(bye.encode(), rlab.server.address)
            data = uac.receive(time.monotonic() + 3)
            response = parse_response(data) if data else None
            assert response is not None and response.status == 481, data
    # The real call goes on and ends normally: bob's BYE (a valid token) reaches the carrier,
    # and bob saw no BYE but his own transaction's answer.
    assert carrier.wait() == EXIT_OK, carrier.report()
    assert bob.wait() == EXIT_OK, bob.report()
    assert bob.msg_file.read_text().count("BYE sip:") == 1
