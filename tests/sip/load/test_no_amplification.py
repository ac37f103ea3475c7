"""Issue 18.4, end to end: what an unauthenticated request costs the server in datagrams and
bytes out. A spoofed source must not turn `callplan serve` into a reflection amplifier: every
request without credentials gets at most one response, never retransmitted (a stateful 407
was sent 12 times over 32 s, 21x the bytes in).

The server runs on fixed ports of this suite's block (22900-22919); the attacker sends from
127.0.0.3, neither the phones' address nor the trunk's.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVER = ("127.0.0.1", 22900)
TRUNK = "127.0.0.2:22901"
ATTACKER = ("127.0.0.3", 22902)
# Timer G would resend a stateful final at 0.5, 1.5 and 3.5 s: waiting 4 s sees three.
WATCH_S = 4.0


def callplan_binary() -> str:
    binary = os.environ.get("CALLPLAN_BIN") or shutil.which("callplan")
    if not binary:
        pytest.skip("set CALLPLAN_BIN to the callplan binary")
    return binary


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    log = (tmp_path_factory.mktemp("amplification") / "server.stderr.log").open("w+")
    proc = subprocess.Popen([callplan_binary(), "serve", str(ROOT / "bench/sip/tenant.yaml"),
                             "--listen", f"udp:{SERVER[0]}:{SERVER[1]}", "--trunk", TRUNK,
                             # Not the machine's state directory: parallel runs would lock it.
                             "--memory-only"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                            start_new_session=True)
    deadline = time.monotonic() + 15
    while "callplan serve: ready" not in Path(log.name).read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"callplan serve did not start:\n{Path(log.name).read_text()}")
        time.sleep(0.05)
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture()
def attacker():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(ATTACKER)
    yield sock
    sock.close()


def request(method: str, *, to_tag: str = "", branch: str | None = None,
            call_id: str | None = None) -> bytes:
    branch = branch or "z9hG4bK" + secrets.token_hex(8)
    call_id = call_id or secrets.token_hex(8)
    uri = "sip:+31850001001@127.0.0.1:22900" if method != "REGISTER" else "sip:127.0.0.1:22900"
    to = f"<{uri}>" + (f";tag={to_tag}" if to_tag else "")
    return (f"{method} {uri} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {ATTACKER[0]}:{ATTACKER[1]};branch={branch};rport\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:bench-one@127.0.0.1>;tag={secrets.token_hex(4)}\r\n"
            f"To: {to}\r\n"
            f"Call-ID: {call_id}\r\n"
            f"CSeq: 1 {method}\r\n"
            f"Contact: <sip:bench-one@{ATTACKER[0]}:{ATTACKER[1]}>\r\n"
            f"Content-Length: 0\r\n\r\n").encode()


def collect(sock: socket.socket, seconds: float) -> list[bytes]:
    """Every datagram that arrives within `seconds`."""
    out = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            out.append(sock.recv(65536))
        except socket.timeout:
            break
    return out


def status(datagram: bytes) -> int:
    return int(datagram.split(b" ", 2)[1])


@pytest.mark.parametrize("method,expected", [("INVITE", 407), ("REGISTER", 401),
                                             ("OPTIONS", 407), ("SUBSCRIBE", 407)])
def test_an_unauthenticated_request_gets_exactly_one_response(server, attacker, method,
                                                             expected) -> None:
    sent = request(method)
    attacker.sendto(sent, SERVER)
    received = collect(attacker, WATCH_S)
    assert [status(d) for d in received] == [expected], received  # no 100 Trying, no Timer G
    out = sum(len(d) for d in received)
    # One response: the request's headers echoed plus two challenges, well under 3x the
    # request (the stateful 407 was 21x over 32 s).
    assert out < 3 * len(sent), f"{out} bytes out for {len(sent)} in"


def test_a_retransmitted_invite_gets_the_same_single_response_again(server, attacker) -> None:
    sent = request("INVITE", branch="z9hG4bK" + secrets.token_hex(8))
    for _ in range(3):  # the same bytes, as a client's Timer A would resend them
        attacker.sendto(sent, SERVER)
        time.sleep(0.2)
    received = collect(attacker, WATCH_S)
    assert [status(d) for d in received] == [407, 407, 407], received
    # The ACK for the 407 is taken without an answer.
    attacker.sendto(request("ACK", to_tag="x"), SERVER)
    assert collect(attacker, 1.0) == []


def test_a_request_for_an_unknown_dialog_gets_one_481(server, attacker) -> None:
    attacker.sendto(request("INVITE", to_tag="forged"), SERVER)  # a re-INVITE of no dialog
    received = collect(attacker, WATCH_S)
    assert [status(d) for d in received] == [481], received
