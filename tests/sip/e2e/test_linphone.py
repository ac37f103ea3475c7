"""`callplan serve` with linphonec (Debian linphone-cli 5.1) as the phone (issue 12.7),
headless and configured as docs/sip-server.md ("linphone") says: it registers over UDP and
TCP, calls a colleague on baresip and hears them, takes a trunk call along the tenant's plan
(nothing of the inside reaches the carrier), shows a colleague online, on the phone and
offline (presence), and chats (MESSAGE, also one from baresip). About 25 s in all.
"""
from __future__ import annotations

import array
import math
import os
import time
import wave
from pathlib import Path

import pytest
import yaml  # type: ignore[import]

from sip_e2e_linphone import LINPHONEC, Linphonec, received_audio_seconds
from sip_e2e_phones import BARESIP, Baresip
from sip_e2e_server import SERVER_IP, TRUNK_IP, ServerProcess, free_udp_port, which_server
from sip_e2e_carrier import inside_seen_by
from sip_e2e_sipp import EXIT_OK, SippPeer

HERE = Path(__file__).resolve().parent
TENANT = HERE / "tenant.yaml"
REALM = "e2e"  # tenant.login

for tool, package in ((LINPHONEC, "linphone-cli"), (BARESIP, "baresip")):
    if tool is None:
        # A skip in CI would hide a missing install step (scripts/install-deps.sh).
        if os.environ.get("CI"):
            pytest.fail(f"{package} (Debian) is not installed", pytrace=False)
        pytest.skip(f"{package} (Debian) is not installed", allow_module_level=True)
if which_server() != "callplan":
    pytest.skip("needs callplan itself, not the stand-in", allow_module_level=True)


def credentials(device: str) -> tuple[str, str]:
    """The SIP username (default "e2e-<device id>") and password of a device of tenant.yaml."""
    doc = yaml.safe_load(TENANT.read_text())
    sip = next(d["sip"] for d in doc["devices"] if d["id"] == device)
    return sip.get("username", f"e2e-{device}"), sip["password"]


@pytest.fixture
def server(tmp_path: Path):
    s = ServerProcess(TENANT, tmp_path, tcp=True).start()
    s.phones = []  # type: ignore[attr-defined]
    try:
        yield s
    finally:
        for p in s.phones:  # type: ignore[attr-defined]
            p.close()
        rc = s.stop()
    assert rc == 0, s.stderr_text()


def linphone(server: ServerProcess, tmp_path: Path, name: str, device: str,
             transport: str = "udp") -> Linphonec:
    username, secret = credentials(device)
    p = Linphonec(tmp_path, name, username=username, password=secret, realm=REALM, server=server.hostport, transport=transport)
    server.phones.append(p)  # type: ignore[attr-defined]
    return p


def baresip(server: ServerProcess, tmp_path: Path, name: str, device: str,
            transport: str = "udp") -> Baresip:
    username, secret = credentials(device)
    p = Baresip(tmp_path, name, username=username, password=secret,
                server=server.hostport, transport=transport)
    server.phones.append(p)  # type: ignore[attr-defined]
    return p


def tone_level(path: Path) -> int:
    """The RMS of what linphonec recorded: a 440 Hz sine from baresip is thousands, silence
    (no RTP, or RTP of zeros) is near 0."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2, "linphonec records 16-bit PCM"
        samples = array.array("h", w.readframes(w.getnframes()))
    return int(math.sqrt(sum(x * x for x in samples) / max(len(samples), 1)))


def test_linphonec_registers_over_udp_and_tcp(server: ServerProcess, tmp_path: Path) -> None:
    udp = linphone(server, tmp_path, "alice", "alice-desk", "udp")
    tcp = linphone(server, tmp_path, "bob", "bob-desk", "tcp")
    udp.wait_registered(timeout=8)
    tcp.wait_registered(timeout=8)


def test_linphonec_calls_a_colleague_on_baresip_and_hears_them(server: ServerProcess,
                                                               tmp_path: Path) -> None:
    alice = linphone(server, tmp_path, "alice", "alice-desk", "tcp")
    bob = baresip(server, tmp_path, "bob", "bob-desk", "udp")
    alice.wait_registered(timeout=8)
    bob.wait_registered()
    recording = tmp_path / "alice-heard.wav"
    alice.record_to(recording)
    alice.command("call 102")
    bob.wait_event("CALL_INCOMING")
    bob.command("accept")
    alice.wait_line(r"Call \d+ with sip:102@.* connected", timeout=5)
    bob.wait_event("CALL_RTPESTAB", timeout=5)  # bob receives alice's RTP
    time.sleep(1.5)
    mark = alice.mark()
    alice.command("terminate")
    alice.wait_line(r"Call \d+ with .* ended", timeout=5, start=mark)
    bob.wait_event("CALL_CLOSED")
    assert received_audio_seconds(recording) >= 1.0, alice.text()
    assert tone_level(recording) > 1000, "alice recorded silence, not bob's tone"
    (record,) = server.call_records(1)
    assert record["disposition"] == "answered" and record["answered_by"] == "102", record
    assert record["caller"] == "101" and record["ended_by"] == "caller", record


def test_linphonec_takes_a_trunk_call_along_the_plan(server: ServerProcess,
                                                     tmp_path: Path) -> None:
    """+31850000001 is alice-direct: the carrier's call rings alice's linphonec; she answers;
    the carrier hangs up. Nothing of the inside (device username, the phone's address or
    port) is in any message the carrier receives."""
    alice = linphone(server, tmp_path, "alice", "alice-desk", "udp")
    alice.wait_registered(timeout=8)
    carrier = SippPeer(tmp_path, "carrier", "trunk_call_answered.xml", local_ip=TRUNK_IP,
                       local_port=free_udp_port(TRUNK_IP), remote=server.hostport,
                       pause_ms=1000, timeout_s=15,
                       keys={"called": "+31850000001", "caller": "+31201234567"},
                       extra=["-mp", str(free_udp_port(TRUNK_IP))]).start()
    try:
        alice.wait_line(r"Receiving new incoming call from sip:\+31201234567@", timeout=5)
        alice.command("answer")
        alice.wait_line(r"Call \d+ with .* connected", timeout=5)
        alice.wait_line(r"Call \d+ with .* ended", timeout=8)
        assert carrier.wait(timeout=10) == EXIT_OK, carrier.report()
    finally:
        carrier.kill()
    inside = ("e2e-alice-desk", f":{alice.sip_port}")
    # Also inside the server's dialog tokens, decoded (sip_e2e_carrier.py).
    assert not (leaks := inside_seen_by(carrier, list(inside))), leaks
    (record,) = server.call_records(1)
    assert record["disposition"] == "answered" and record["answered_by"] == "101", record
    assert record["ended_by"] == "caller", record


def test_linphonec_sees_a_colleague_online_on_the_phone_and_offline_and_chats(
        server: ServerProcess, tmp_path: Path) -> None:
    """Presence (RFC 3856) from the server's own state: bob on baresip is Online while
    registered, On the phone in a call carol makes, Online after, Offline when his phone
    quits (it un-registers). A MESSAGE from alice reaches dave's linphonec."""
    alice = linphone(server, tmp_path, "alice", "alice-desk", "udp")
    dave = linphone(server, tmp_path, "dave", "dave-desk", "tcp")
    bob = baresip(server, tmp_path, "bob", "bob-desk", "tcp")
    carol = baresip(server, tmp_path, "carol", "carol-desk", "udp")
    for p in (alice, dave):
        p.wait_registered(timeout=8)
    for p in (bob, carol):
        p.wait_registered()
    mark = alice.mark()
    alice.command(f'friend add "bob" sip:102@{server.hostport}')
    alice.wait_line(r'Friend "bob" .* is Online', timeout=5, start=mark)
    carol.command("dial", "102")
    bob.wait_event("CALL_INCOMING")
    bob.command("accept")
    bob.wait_event("CALL_ESTABLISHED")
    alice.wait_line(r'Friend "bob" .* is On the phone', timeout=3, start=mark)
    mark = alice.mark()
    carol.command("hangup")
    alice.wait_line(r'Friend "bob" .* is Online', timeout=3, start=mark)

    alice.command(f'chat sip:104@{server.hostport} "the boiler is fixed"')
    dave.wait_line(r'Message received from sip:101@.*"the boiler is fixed"', timeout=5)

    mark = alice.mark()
    bob.close()  # baresip un-registers when it quits
    alice.wait_line(r'Friend "bob" .* is Offline', timeout=5, start=mark)


def test_baresip_sends_a_message_that_linphonec_shows_from_the_extension(
        server: ServerProcess, tmp_path: Path) -> None:
    """Chat (RFC 3428) from baresip's contact list (`contact_next`, `message`) to a colleague
    on linphonec: relayed with the sender's extension as From, not its device username."""
    carol = linphone(server, tmp_path, "carol", "carol-desk", "tcp")
    carol.wait_registered(timeout=8)
    username, secret = credentials("alice-desk")
    alice = Baresip(tmp_path, "alice", username=username, password=secret,
                    server=server.hostport, transport="udp", watches=("103",))
    server.phones.append(alice)  # type: ignore[attr-defined]
    alice.wait_registered()
    alice.command("contact_next")  # the current contact: 103
    alice.wait_response("contact_next", 3)
    alice.command("message", "lunch at noon?")
    line = carol.wait_line(r"Message received from (\S+): lunch at noon\?", timeout=5)
    assert line.group(1).startswith("sip:101@"), line.group(0)


def count_events(p: Baresip, kind: str) -> int:
    with p._cond:  # noqa: SLF001 - the events list is the phone's own record
        return sum(1 for e in p.events if e.get("event") and e.get("type") == kind)


def wait_count(p: Baresip, kind: str, count: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while count_events(p, kind) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{p.name}: {count_events(p, kind)} {kind}, not {count}\n"
                                 f"{p.text()}")
        time.sleep(0.05)


def test_linphonec_holds_resumes_and_transfers_a_colleague(server: ServerProcess,
                                                           tmp_path: Path) -> None:
    """linphonec (alice) calls bob on baresip, holds and resumes him (re-INVITEs through the
    server), then transfers him blind to carol (REFER inside the dialog): bob's phone calls
    carol, alice's call ends."""
    alice = linphone(server, tmp_path, "alice", "alice-desk", "udp")
    bob = baresip(server, tmp_path, "bob", "bob-desk", "udp")
    carol = baresip(server, tmp_path, "carol", "carol-desk", "udp")
    alice.wait_registered(timeout=8)
    bob.wait_registered()
    carol.wait_registered()
    alice.command("call 102")
    bob.wait_event("CALL_INCOMING")
    bob.command("accept")
    alice.wait_line(r"Call \d+ with sip:102@.* connected", timeout=5)
    offers = count_events(bob, "CALL_REMOTE_SDP")
    mark = alice.mark()
    alice.command("pause")
    alice.wait_line(r"[Pp]aus", timeout=5, start=mark)
    wait_count(bob, "CALL_REMOTE_SDP", offers + 1)  # the hold re-INVITE reached bob
    mark = alice.mark()
    alice.command("resume")
    alice.wait_line(r"Media streams established with sip:102@", timeout=5, start=mark)
    wait_count(bob, "CALL_REMOTE_SDP", offers + 2)  # and the resume
    assert not bob.has_event("CALL_CLOSED")
    mark = alice.mark()
    alice.command(f"transfer sip:103@{server.hostport}")
    carol.wait_event("CALL_INCOMING")
    carol.command("accept")
    carol.wait_event("CALL_ESTABLISHED")
    wait_count(bob, "CALL_ESTABLISHED", 2)  # bob is now with carol
    alice.wait_line(r"Call \d+ with .* ended", timeout=5, start=mark)
    carol.command("hangup")
    wait_count(bob, "CALL_CLOSED", 2)
    records = server.call_records(2)
    assert {(r["caller"], r["answered_by"]) for r in records} == {("101", "102"), ("102", "103")}, \
        records
