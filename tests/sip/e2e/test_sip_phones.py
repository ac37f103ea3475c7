"""`callplan serve` with real softphones (issue 12.7): baresip, configured as
docs/sip-server.md says, registers over UDP and TCP, calls a colleague, holds and resumes,
and of a user's two phones only the one that answers stays in the call. Each test takes a
few seconds.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml  # type: ignore[import]

from sip_e2e_phones import BARESIP, Baresip
from sip_e2e_server import ServerProcess, which_server

HERE = Path(__file__).resolve().parent
TENANT = HERE / "tenant.yaml"

if BARESIP is None:
    # A skip in CI would hide a missing install step (scripts/install-deps.sh brings baresip).
    if os.environ.get("CI"):
        pytest.fail("baresip (Debian baresip) is not installed", pytrace=False)
    pytest.skip("baresip (Debian baresip) is not installed", allow_module_level=True)
if which_server() != "callplan":
    pytest.skip("needs callplan itself, not the stand-in", allow_module_level=True)


def password(device: str) -> str:
    doc = yaml.safe_load(TENANT.read_text())
    return next(d["sip"]["password"] for d in doc["devices"] if d["id"] == device)


@pytest.fixture
def server(tmp_path: Path):
    s = ServerProcess(TENANT, tmp_path, tcp=True).start()
    phones: list[Baresip] = []
    s.phones = phones  # type: ignore[attr-defined]
    try:
        yield s
    finally:
        for p in phones:
            p.close()
        rc = s.stop()
    assert rc == 0, s.stderr_text()


def phone(server: ServerProcess, tmp_path: Path, name: str, device: str,
          transport: str = "udp") -> Baresip:
    p = Baresip(tmp_path, name, username=f"e2e-{device}", password=password(device),
                server=server.hostport, transport=transport)
    server.phones.append(p)  # type: ignore[attr-defined]
    return p


def test_baresip_registers_over_udp_and_tcp(server: ServerProcess, tmp_path: Path) -> None:
    udp = phone(server, tmp_path, "alice", "alice-desk", "udp")
    tcp = phone(server, tmp_path, "bob", "bob-desk", "tcp")
    udp.wait_registered()
    tcp.wait_registered()
    assert not udp.has_event("REGISTER_FAIL") and not tcp.has_event("REGISTER_FAIL")


@pytest.mark.parametrize("alice_transport,bob_transport,hangs_up", [
    ("udp", "tcp", "bob"), ("udp", "tcp", "alice"), ("tcp", "udp", "bob")])
def test_baresip_calls_a_colleague_and_hangs_up(server: ServerProcess, tmp_path: Path,
                                                alice_transport: str, bob_transport: str,
                                                hangs_up: str) -> None:
    # A BYE to a phone on TCP goes back over its own connection (the one it called or
    # registered on), as it must behind NAT (issue 12.4).
    alice = phone(server, tmp_path, "alice", "alice-desk", alice_transport)
    bob = phone(server, tmp_path, "bob", "bob-desk", bob_transport)
    alice.wait_registered()
    bob.wait_registered()
    bob.command("dial", "101")
    alice.wait_event("CALL_INCOMING")
    alice.command("accept")
    alice.wait_event("CALL_ESTABLISHED")
    bob.wait_event("CALL_ESTABLISHED")
    time.sleep(0.3)  # a little audio
    (alice if hangs_up == "alice" else bob).command("hangup")
    alice.wait_event("CALL_CLOSED")
    bob.wait_event("CALL_CLOSED")
    (record,) = server.call_records(1)
    assert record["disposition"] == "answered" and record["answered_by"] == "101", record
    assert record["caller"] == "102" and record["caller_device"] == "e2e-bob-desk", record
    assert record["ended_by"] == ("caller" if hangs_up == "bob" else "callee"), record


def test_only_the_answering_phone_of_a_user_stays_in_the_call(server: ServerProcess,
                                                              tmp_path: Path) -> None:
    desk = phone(server, tmp_path, "alice-desk", "alice-desk", "udp")
    second = phone(server, tmp_path, "alice-second", "alice-desk", "tcp")
    bob = phone(server, tmp_path, "bob", "bob-desk", "udp")
    for p in (desk, second, bob):
        p.wait_registered()
    bob.command("dial", "101")
    desk.wait_event("CALL_INCOMING")
    second.wait_event("CALL_INCOMING")
    desk.command("accept")
    desk.wait_event("CALL_ESTABLISHED")
    answered = time.monotonic()
    second.wait_event("CALL_CLOSED", timeout=1.0)  # stops ringing within one second
    assert time.monotonic() - answered < 1.0
    assert not second.has_event("CALL_ESTABLISHED")
    bob.wait_event("CALL_ESTABLISHED")
    bob.command("hangup")
    desk.wait_event("CALL_CLOSED")


def remote_sdp_events(p: Baresip) -> list[dict]:
    with p._cond:  # noqa: SLF001 - the events list is the phone's own record
        return [e for e in p.events if e.get("type") == "CALL_REMOTE_SDP"]


def test_hold_and_resume_through_the_server(server: ServerProcess, tmp_path: Path) -> None:
    """Hold is a re-INVITE with a=sendonly inside the dialog; the server relays it (it
    Record-Routes) and the held phone answers a=recvonly; resume sends a=sendrecv again."""
    alice = phone(server, tmp_path, "alice", "alice-desk", "udp")
    bob = phone(server, tmp_path, "bob", "bob-desk", "udp")
    alice.wait_registered()
    bob.wait_registered()
    bob.command("dial", "101")
    alice.wait_event("CALL_INCOMING")
    alice.command("accept")
    alice.wait_event("CALL_ESTABLISHED")
    bob.wait_event("CALL_ESTABLISHED")
    before = len(remote_sdp_events(alice))
    bob.command("hold")
    deadline = time.monotonic() + 5
    while len(remote_sdp_events(alice)) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    offers = remote_sdp_events(alice)[before:]
    assert offers and offers[0].get("param") == "offer", \
        f"the hold re-INVITE never reached alice as an offer: {offers}\n{alice.text()}"
    assert not alice.has_event("CALL_CLOSED") and not bob.has_event("CALL_CLOSED")
    held = len(remote_sdp_events(alice))
    bob.command("resume")
    deadline = time.monotonic() + 5
    while len(remote_sdp_events(alice)) == held and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(remote_sdp_events(alice)) > held, f"no resume re-INVITE\n{alice.text()}"
    bob.command("hangup")
    alice.wait_event("CALL_CLOSED")
    bob.wait_event("CALL_CLOSED")
    (record,) = server.call_records(1)
    assert record["disposition"] == "answered" and record["ended_by"] == "caller", record
