"""`callplan serve` with real softphones (issue 12.7): baresip, configured as
docs/sip-server.md says, registers over UDP and TCP, calls a colleague, holds and resumes,
and of a user's two phones only the one that answers stays in the call; takes a carrier's
call along the ring-all plan (sipp as the carrier), transfers a call to a colleague (blind
REFER), and shows a colleague's lamp busy while they are in a call (presence); and two
phones register and call each other while a third one on their address floods the server.
Each test takes a few seconds (linphonec: test_linphone.py).
"""
from __future__ import annotations

import os
import re
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml  # type: ignore[import]

from sip_e2e_phones import BARESIP, Baresip
from sip_e2e_server import TRUNK_IP, ServerProcess, free_udp_port, which_server
from sip_e2e_carrier import inside_seen_by
from sip_e2e_sipp import EXIT_OK, SippPeer

HERE = Path(__file__).resolve().parent
TENANT = HERE / "tenant.yaml"

if BARESIP is None:
    # A skip in CI would hide a missing install step (scripts/install-deps.sh brings baresip).
    if os.environ.get("CI"):
        pytest.fail("baresip (Debian baresip) is not installed", pytrace=False)
    pytest.skip("baresip (Debian baresip) is not installed", allow_module_level=True)
if which_server() != "callplan":
    pytest.skip("needs callplan itself, not the stand-in", allow_module_level=True)


def credentials(device: str) -> tuple[str, str]:
    """The SIP username (default "e2e-<device id>") and password of a device of tenant.yaml."""
    doc = yaml.safe_load(TENANT.read_text())
    sip = next(d["sip"] for d in doc["devices"] if d["id"] == device)
    return sip.get("username", f"e2e-{device}"), sip["password"]


@pytest.fixture
def server(tmp_path: Path):
    metrics = f"127.0.0.1:{free_udp_port('127.0.0.1')}"
    s = ServerProcess(TENANT, tmp_path, tcp=True, extra_args=["--metrics", metrics]).start()
    s.metrics = metrics  # type: ignore[attr-defined]
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
          transport: str = "udp", watches: tuple[str, ...] = ()) -> Baresip:
    username, secret = credentials(device)
    p = Baresip(tmp_path, name, username=username, password=secret,
                server=server.hostport, transport=transport, watches=watches)
    server.phones.append(p)  # type: ignore[attr-defined]
    return p



def bob_calls_alice(alice: Baresip, bob: Baresip) -> None:
    """Bob dials Alice's extension (101) and she answers: both phones in the call."""
    bob.command("dial", "101")
    alice.wait_event("CALL_INCOMING")
    alice.command("accept")
    alice.wait_event("CALL_ESTABLISHED")
    bob.wait_event("CALL_ESTABLISHED")

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
    bob_calls_alice(alice, bob)
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
    bob_calls_alice(alice, bob)
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


def count_events(p: Baresip, kind: str) -> int:
    with p._cond:  # noqa: SLF001 - the events list is the phone's own record
        return sum(1 for e in p.events if e.get("event") and e.get("type") == kind)


def test_baresip_phones_take_a_carrier_call_along_the_ring_all_plan(server: ServerProcess,
                                                                    tmp_path: Path) -> None:
    """+31850000002 rings 102, 103 and 104 at once (sales-all). Bob answers; the others stop
    ringing within a second; the carrier hangs up. Nothing of the inside reaches it."""
    bob = phone(server, tmp_path, "bob", "bob-desk", "udp")
    carol = phone(server, tmp_path, "carol", "carol-desk", "tcp")
    dave = phone(server, tmp_path, "dave", "dave-desk", "udp")
    for p in (bob, carol, dave):
        p.wait_registered()
    carrier = SippPeer(tmp_path, "carrier", "trunk_call_answered.xml", local_ip=TRUNK_IP,
                       local_port=free_udp_port(TRUNK_IP), remote=server.hostport,
                       pause_ms=1000, timeout_s=15,
                       keys={"called": "+31850000002", "caller": "+31201234567"},
                       extra=["-mp", str(free_udp_port(TRUNK_IP))]).start()
    try:
        for p in (bob, carol, dave):
            p.wait_event("CALL_INCOMING")
        bob.command("accept")
        bob.wait_event("CALL_ESTABLISHED")
        answered = time.monotonic()
        carol.wait_event("CALL_CLOSED", timeout=1.0)
        dave.wait_event("CALL_CLOSED", timeout=max(0.1, 1.0 - (time.monotonic() - answered)))
        bob.wait_event("CALL_CLOSED", timeout=5)  # the carrier's BYE
        assert carrier.wait(timeout=10) == EXIT_OK, carrier.report()
    finally:
        carrier.kill()
    assert not carol.has_event("CALL_ESTABLISHED") and not dave.has_event("CALL_ESTABLISHED")
    inside = ["e2e-bob-desk", "e2e-carol-desk", "e2e-dave"] + \
        [f":{p.sip_port}" for p in (bob, carol, dave)]
    # Also inside the server's dialog tokens, decoded (sip_e2e_carrier.py).
    assert not (leaks := inside_seen_by(carrier, inside)), leaks
    (record,) = server.call_records(1)
    assert record["disposition"] == "answered" and record["answered_by"] == "102", record
    assert record["ended_by"] == "caller", record


def test_baresip_transfers_a_call_to_a_colleague(server: ServerProcess, tmp_path: Path) -> None:
    """Blind transfer (RFC 3515): bob calls alice, alice REFERs him to 103; the REFER is
    proxied inside the dialog, bob's phone calls carol, alice's call ends."""
    alice = phone(server, tmp_path, "alice", "alice-desk", "udp")
    bob = phone(server, tmp_path, "bob", "bob-desk", "tcp")
    carol = phone(server, tmp_path, "carol", "carol-desk", "udp")
    for p in (alice, bob, carol):
        p.wait_registered()
    bob_calls_alice(alice, bob)
    alice.command("transfer", "103")
    carol.wait_event("CALL_INCOMING")
    carol.command("accept")
    carol.wait_event("CALL_ESTABLISHED")
    alice.wait_event("CALL_CLOSED")  # the transferee's NOTIFY (sipfrag 200) ends alice's call
    deadline = time.monotonic() + 5
    while count_events(bob, "CALL_ESTABLISHED") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert count_events(bob, "CALL_ESTABLISHED") == 2, f"bob never reached carol\n{bob.text()}"
    carol.wait_event("CALL_RTPESTAB")  # audio from bob reaches carol
    carol.command("hangup")
    carol.wait_event("CALL_CLOSED")
    deadline = time.monotonic() + 5
    while count_events(bob, "CALL_CLOSED") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert count_events(bob, "CALL_CLOSED") == 2, bob.text()
    records = server.call_records(2)
    assert {r["answered_by"] for r in records} == {"101", "103"}, records
    assert all(r["caller"] == "102" and r["disposition"] == "answered" for r in records), records


def lamp(p: Baresip) -> str:
    """What baresip's contact list shows of its one watched colleague: Online, Busy, ..."""
    with p._cond:  # noqa: SLF001
        p.events = [e for e in p.events if e.get("token") != "contacts"]
    p.command("contacts")
    text = p.wait_response("contacts", 3).get("data", "")
    for word in ("Busy", "Online", "Offline", "Away", "Unknown"):
        if word in text:
            return word
    return text


def wait_lamp(p: Baresip, shows: str, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while (now := lamp(p)) != shows:
        if time.monotonic() > deadline:
            raise AssertionError(f"{p.name}'s lamp shows {now}, not {shows}\n{p.text()}")
        time.sleep(0.1)


def test_baresip_shows_a_colleagues_lamp_busy_during_a_call(server: ServerProcess,
                                                            tmp_path: Path) -> None:
    """alice's baresip watches 102 (presence, RFC 3856, from the server's call state): Online
    while bob is registered, Busy while he is in a call, Online after, Offline once his
    phone has quit (it un-registers)."""
    bob = phone(server, tmp_path, "bob", "bob-desk", "tcp")
    carol = phone(server, tmp_path, "carol", "carol-desk", "udp")
    bob.wait_registered()
    carol.wait_registered()
    alice = phone(server, tmp_path, "alice", "alice-desk", "udp", watches=("102",))
    alice.wait_registered()
    wait_lamp(alice, "Online")
    carol.command("dial", "102")
    bob.wait_event("CALL_INCOMING")
    bob.command("accept")
    bob.wait_event("CALL_ESTABLISHED")
    wait_lamp(alice, "Busy", timeout=2)
    carol.command("hangup")
    bob.wait_event("CALL_CLOSED")
    wait_lamp(alice, "Online", timeout=2)
    bob.close()
    wait_lamp(alice, "Offline", timeout=3)
    # Answered with 200 and NOTIFYs, baresip's presence module subscribes once and keeps
    # quiet (a 405 made it retry in a loop: the 28,000 SUBSCRIBEs a minute of issue 12.5).
    assert 1 <= subscribes(server) <= 3, subscribes(server)


def subscribes(server: ServerProcess) -> int:
    """SUBSCRIBEs the server received, from its metrics (docs/sip-server.md "Metrics")."""
    url = f"http://{server.metrics}/metrics"  # type: ignore[attr-defined]
    with urllib.request.urlopen(url, timeout=3) as answer:
        text = answer.read().decode()
    m = re.search(r'^callplan_sip_requests_total\{method="SUBSCRIBE"\} (\d+)', text, re.M)
    return int(m.group(1)) if m else 0


def metric(server: ServerProcess, name: str) -> int:
    """A counter of the server's metrics (docs/sip-server.md "Metrics"), 0 when absent."""
    url = f"http://{server.metrics}/metrics"  # type: ignore[attr-defined]
    with urllib.request.urlopen(url, timeout=3) as answer:
        text = answer.read().decode()
    m = re.search(rf"^{re.escape(name)} (\d+)", text, re.M)
    return int(m.group(1)) if m else 0


class Flood:
    """A broken phone (issue 12.5: a baresip bug sent 28,000 SUBSCRIBEs a minute): from one
    UDP socket on 127.0.0.1, `rate` SUBSCRIBEs a second without credentials, each a new
    transaction; counts the answers it gets (one 407 each, when let through)."""

    def __init__(self, server: ServerProcess, rate: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.server = server.address
        self.rate = rate
        self.sent = 0
        self.answers = 0
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._send, daemon=True),
                         threading.Thread(target=self._receive, daemon=True)]
        for t in self._threads:
            t.start()

    def _send(self) -> None:
        port = self.sock.getsockname()[1]
        host, server_port = self.server
        per_tick, tick = self.rate // 100, 0.01
        while not self._stop.is_set():
            for _ in range(per_tick):
                n = self.sent
                self.sock.sendto((
                    f"SUBSCRIBE sip:102@{host}:{server_port} SIP/2.0\r\n"
                    f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKflood{n};rport\r\n"
                    "Max-Forwards: 70\r\n"
                    f"From: <sip:e2e-carol-desk@{host}>;tag=flood{n}\r\n"
                    f"To: <sip:102@{host}>\r\n"
                    f"Call-ID: flood{n}@127.0.0.1\r\n"
                    "CSeq: 1 SUBSCRIBE\r\nEvent: presence\r\nExpires: 600\r\n"
                    f"Contact: <sip:e2e-carol-desk@127.0.0.1:{port}>\r\n"
                    "Content-Length: 0\r\n\r\n").encode(), self.server)
                self.sent += 1
            time.sleep(tick)

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                self.sock.recv(65536)
                self.answers += 1
            except (socket.timeout, OSError):
                continue

    def stop(self) -> float:
        """Stops it; the seconds it ran."""
        self._stop.set()
        for t in self._threads:
            t.join(timeout=2)
        self.sock.close()
        return time.monotonic() - self.started


def test_a_flooding_phone_does_not_silence_the_others_on_its_address(tmp_path: Path) -> None:
    """Issue 12.5: an office behind NAT is one address. One phone floods the server (2,000
    requests a second); its colleagues on the same address (127.0.0.1) register and call each
    other meanwhile. The limits are lowered (10 requests a second per phone, 40 per address)
    so that the flood is 50 times the address's budget: were the limit per address alone,
    the flood would take nearly all of it and the phones would not even register."""
    metrics = f"127.0.0.1:{free_udp_port('127.0.0.1')}"
    server = ServerProcess(TENANT, tmp_path, extra_args=[
        "--metrics", metrics, "--endpoint-rate-limit", "10", "--rate-limit", "40"]).start()
    server.metrics = metrics  # type: ignore[attr-defined]
    server.phones = []  # type: ignore[attr-defined]
    flood = None
    try:
        flood = Flood(server, rate=2000)
        time.sleep(1.0)  # the flooder's burst is spent: from now on it is at its phone's limit
        alice = phone(server, tmp_path, "alice", "alice-desk", "udp")
        bob = phone(server, tmp_path, "bob", "bob-desk", "udp")
        alice.wait_registered()
        bob.wait_registered()
        bob_calls_alice(alice, bob)
        bob.command("hangup")
        alice.wait_event("CALL_CLOSED")
        bob.wait_event("CALL_CLOSED")
        seconds = flood.stop()
        # The flooder got its own budget (a burst of 20, then 10 a second), no more.
        assert flood.sent > 10 * 40 * seconds, (flood.sent, seconds)  # 10x the address's
        assert flood.answers <= 20 + 10 * seconds + 10, (flood.answers, seconds)
        assert metric(server, "callplan_sip_rate_limited_total") >= 0.9 * (flood.sent - flood.answers)
        (record,) = server.call_records(1)
        assert record["disposition"] == "answered" and record["answered_by"] == "101", record
    finally:
        if flood is not None:
            flood.stop()
        for p in server.phones:  # type: ignore[attr-defined]
            p.close()
        rc = server.stop()
    assert rc == 0, server.stderr_text()
