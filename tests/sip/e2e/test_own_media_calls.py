"""End to end on loopback: a caller that serve's own media side answered stays connected
after the menu (SPEC 10, docs/sip-server.md "callplan's own media side"): the menu answers
the carrier (200 + SDP), the digit comes by RFC 4733, the chosen phone (a real baresip) rings
with serve's own INVITE, and once it answers the media process bridges the two legs: audio
goes both ways, and a BYE from either side ends both dialogs.

The carrier is sipp for the signalling and this file's RtpPeer for the audio (it sends a
1 kHz tone and the digit, and keeps what it receives), so the test can tell the phone's tone
from serve's ringback and silence. baresip's sndfile module keeps what the phone heard.

Hold and resume, by the phone and by the carrier (re-INVITEs answered by serve from each
side's own media leg), are the last two tests.

Part of the sip_e2e ctest; about 28 s for the four tests (the two hold tests about 6 and
8.5 s). A missing peer (sipp, baresip) fails under CI=true instead of skipping."""

from __future__ import annotations

import math
import re
import os
import socket
import struct
import threading
import time
import wave
from pathlib import Path

import pytest

from sip_e2e_phones import BARESIP, Baresip
from sip_e2e_server import SERVER_IP, TRUNK_IP, free_udp_port, which_server
from sip_e2e_sipp import SIPP
from test_sip_e2e import CRASH, Lab, expect_ok  # noqa: F401

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
RTP_PORTS = "34000-34499"  # the media process's legs (this file's range: 34000-34999)
MENU_NUMBER = "+31850000008"  # front-menu: "1" rings Alice (101) for 5 s
EXTERNAL = "+31612345678"


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed (scripts/install-deps.sh)", pytrace=False)
    pytest.skip(f"{what} is not installed", allow_module_level=True)


if SIPP is None:
    _missing("sipp (Debian sip-tester)")
if BARESIP is None:
    _missing("baresip")
if which_server() != "callplan":
    pytest.skip("needs callplan itself, not the stand-in", allow_module_level=True)


def ulaw(sample: int) -> int:
    """G.711 µ-law of a 16-bit sample (ITU-T G.711's segment rule)."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent = max(0, magnitude.bit_length() - 8)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def ulaw_level(code: int) -> int:
    """|linear| of a µ-law code, roughly: enough to tell a tone from silence."""
    code = ~code & 0xFF
    exponent = (code >> 4) & 0x07
    return (((code & 0x0F) << 3) + 0x84 << exponent) - 0x84


class RtpPeer:
    """The carrier's RTP: a 1 kHz PCMU tone every 20 ms once it knows where to send (the
    source of the first packet it receives: serve's media leg sends at once), RFC 4733
    digits on demand, and each received packet as (time, payload type, mean level)."""

    def __init__(self, ip: str) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, 0))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.05)
        self.remote: tuple[str, int] | None = None
        self.received: list[tuple[float, int, int]] = []
        self.lock = threading.Lock()
        self.seq = 0
        self.ts = 0
        self.ssrc = 0x1234ABCD
        self.running = True
        self.digits: list[str] = []
        self.threads = [threading.Thread(target=self._receive, daemon=True),
                        threading.Thread(target=self._send, daemon=True)]
        for t in self.threads:
            t.start()

    def _receive(self) -> None:
        while self.running:
            try:
                data, source = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) < 12:
                continue
            pt = data[1] & 0x7F
            payload = data[12:]
            level = sum(ulaw_level(b) for b in payload) // max(1, len(payload)) if pt == 0 else 0
            with self.lock:
                if self.remote is None:
                    self.remote = source
                self.received.append((time.monotonic(), pt, level))

    def _packet(self, pt: int, payload: bytes, marker: bool = False) -> bytes:
        self.seq = (self.seq + 1) & 0xFFFF
        return struct.pack("!BBHII", 0x80, pt | (0x80 if marker else 0), self.seq, self.ts,
                           self.ssrc) + payload

    def _send(self) -> None:
        tone = bytes(ulaw(int(12000 * math.sin(2 * math.pi * 1000 * n / 8000)))
                     for n in range(160))
        next_at = time.monotonic()
        while self.running:
            next_at += 0.02
            time.sleep(max(0.0, next_at - time.monotonic()))
            with self.lock:
                remote = self.remote
                digit = self.digits.pop(0) if self.digits else None
            if remote is None:
                continue
            if digit is not None:
                self._send_digit(digit, remote)
                next_at = time.monotonic()
                continue
            self.sock.sendto(self._packet(0, tone), remote)
            self.ts = (self.ts + 160) & 0xFFFFFFFF

    def _send_digit(self, digit: str, remote: tuple[str, int]) -> None:
        event = "0123456789*#".index(digit)
        for i in range(1, 6):  # 100 ms held, one packet per 20 ms, the start marked
            payload = struct.pack("!BBH", event, 10, 160 * i)
            self.sock.sendto(self._packet(101, payload, marker=i == 1), remote)
            time.sleep(0.02)
        for _ in range(3):  # the end, three times
            self.sock.sendto(self._packet(101, struct.pack("!BBH", event, 0x80 | 10, 800)), remote)
        self.ts = (self.ts + 800) & 0xFFFFFFFF

    def press(self, digit: str) -> None:
        with self.lock:
            self.digits.append(digit)

    def wait_remote(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.remote is None:
            assert time.monotonic() < deadline, "serve's media leg sent no RTP to the caller"
            time.sleep(0.02)

    def loud_share(self, since: float, until: float) -> tuple[int, float]:
        """(packets received in [since, until), share of them carrying a tone)."""
        with self.lock:
            window = [r for r in self.received if since <= r[0] < until and r[1] == 0]
        loud = sum(1 for r in window if r[2] > 1000)
        return len(window), (loud / len(window) if window else 0.0)

    def close(self) -> None:
        self.running = False
        for t in self.threads:
            t.join(1)
        self.sock.close()


@pytest.fixture
def own(tmp_path: Path):
    """A server running its own media side, a baresip Alice (101), the carrier's RtpPeer."""
    lab = Lab(tmp_path)
    phones: list[Baresip] = []
    rtp = RtpPeer(TRUNK_IP)
    try:
        lab.start_server(extra_args=["--rtp-ports", RTP_PORTS])
        lab.server.wait_for(r"media side: connected to process", 10)
        alice = Baresip(tmp_path, "alice", username="e2e-alice-desk", password="Alice-desk-pass-1",
                        server=lab.server.hostport, transport="udp", heard=tmp_path / "heard")
        (tmp_path / "heard").mkdir()
        phones.append(alice)
        alice.wait_registered()
        yield lab, alice, rtp
    finally:
        rtp.close()
        for p in phones:
            p.close()
        rc = lab.close()
    assert rc == 0, f"serve did not stop cleanly (exit {rc})\n{lab.server.stderr_text()}"
    bad = [line for line in lab.server.lines if CRASH.search(line)]
    assert not bad, "server stderr:\n" + "\n".join(bad[:20])


def menu_caller(lab: Lab, tmp_path: Path, rtp: RtpPeer, ending: str, pause_ms: int):
    scenario = tmp_path / f"menu-{ending}.xml"
    scenario.write_text((SCENARIOS / "own_media_menu_answered.xml").read_text()
                        .replace("HANGUP", (SCENARIOS / f"own_media_hangup_{ending}.part").read_text()))
    return lab.peer("carrier", str(scenario), local_ip=TRUNK_IP,
                    local_port=free_udp_port(TRUNK_IP), remote=lab.server.hostport,
                    pause_ms=pause_ms, timeout_s=25,
                    keys={"called": MENU_NUMBER, "caller": EXTERNAL,
                          "rtp_port": str(rtp.port)}).start()


def connect_through_menu(lab: Lab, alice: Baresip, rtp: RtpPeer) -> float:
    """Menu answered, "1", Alice rings and answers: the time both are connected."""
    rtp.wait_remote(5)  # the menu answered: serve's leg sends (its prompt, or silence)
    time.sleep(0.3)
    rtp.press("1")
    alice.wait_event("CALL_INCOMING", 5)
    time.sleep(0.5)  # the caller hears ringback meanwhile
    alice.command("accept")
    alice.wait_event("CALL_ESTABLISHED", 5)
    lab.server.wait_for(r"connected to the phone", 3)
    return time.monotonic()


def assert_no_inside(carrier, alice: Baresip) -> None:
    """Nothing the carrier got names the phone: its SIP port or its username (serve and the
    phone share 127.0.0.1 here, so the address alone says nothing)."""
    for m in carrier.messages():
        assert "e2e-alice-desk" not in m.text and f":{alice.sip_port}" not in m.text, m.text


def heard_tone(folder: Path) -> float:
    """Seconds of loud audio in what the phone heard (baresip's sndfile *-dec.wav)."""
    files = sorted(folder.glob("*dec*.wav"))
    assert files, f"baresip kept no audio in {folder}: {list(folder.iterdir())}"
    with wave.open(str(files[-1])) as w:
        rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
        frames = w.readframes(w.getnframes())
    assert width == 2, width
    samples = memoryview(frames).cast("h")
    loud = sum(1 for s in samples[::channels] if abs(s) > 3000)
    return loud / rate


@pytest.mark.parametrize("ending", ["caller", "serve"])
def test_menu_answers_then_the_phone_talks_with_the_caller(own, tmp_path: Path,
                                                          ending: str) -> None:
    lab, alice, rtp = own
    # "caller": the carrier's BYE after its pause; "serve": Alice hangs up, serve's BYE.
    carrier = menu_caller(lab, tmp_path, rtp, ending, pause_ms=6000 if ending == "caller" else 0)
    connected = connect_through_menu(lab, alice, rtp)
    time.sleep(1.5)
    count, share = rtp.loud_share(connected + 0.3, connected + 1.5)
    assert count > 40, f"{count} packets in 1.2 s from serve after the phone answered"
    assert share > 0.9, f"only {share:.0%} of the caller's packets carry the phone's tone"
    if ending == "serve":
        alice.command("hangup")
    else:
        alice.wait_event("CALL_CLOSED", 10)  # the carrier's BYE reached the phone as ours
    expect_ok(carrier)  # its BYE answered, or serve's BYE received and answered
    alice.wait_event("CALL_CLOSED", 5)
    assert heard_tone(tmp_path / "heard") > 1.0, "the phone did not hear the caller's tone"
    (record,) = lab.server.call_records(1)
    assert record["disposition"] == "answered" and record["answered_by"] == "101", record
    assert record["ended_by"] == ("caller" if ending == "caller" else "callee"), record
    first = carrier.messages()
    assert any(m.status == 200 and "m=audio" in m.text for m in first), "the menu was not answered"
    assert_no_inside(carrier, alice)


def leg_packets(lab: Lab, name_pattern: str, timeout: float = 5.0) -> tuple[int, int]:
    """(sent, received) of a media leg, from serve's line when it closed."""
    line = lab.server.wait_for(rf"media leg {name_pattern} closed: (\d+) packets sent, (\d+) received",
                               timeout)
    m = re.search(r"closed: (\d+) packets sent, (\d+) received", line)
    assert m, line
    return int(m.group(1)), int(m.group(2))


def test_the_phone_holds_and_resumes_a_call_after_the_menu(own, tmp_path: Path) -> None:
    """baresip's hold (a re-INVITE with a=sendonly in serve's own dialog toward the phone) is
    answered by serve from the phone's media leg, recvonly: the media process sends the phone
    nothing while it holds, the carrier gets no re-INVITE and hears no phone (baresip sends
    nothing on hold); after the resume the tone flows both ways again. About 6 s."""
    lab, alice, rtp = own
    carrier = menu_caller(lab, tmp_path, rtp, "serve", pause_ms=0)
    connected = connect_through_menu(lab, alice, rtp)
    time.sleep(0.8)
    mark = len(lab.server.lines)
    alice.command("hold")
    lab.server.wait_for(r"the phone e2e-alice-desk holds the call \(we answer recvonly\)", 5, start=mark)
    held = time.monotonic()
    time.sleep(1.6)
    alice.command("resume")
    lab.server.wait_for(r"the phone e2e-alice-desk resumed the call", 5, start=mark)
    resumed = time.monotonic()
    time.sleep(1.3)
    alice.command("hangup")
    hung_up = time.monotonic()
    expect_ok(carrier)  # serve's BYE, and no re-INVITE: the scenario takes none
    _, on_hold = rtp.loud_share(held + 0.3, resumed - 0.1)
    count, back = rtp.loud_share(resumed + 0.3, resumed + 1.3)
    assert on_hold < 0.1, f"the caller heard the phone while it held: {on_hold:.0%} tone"
    assert count > 30 and back > 0.9, f"after the resume: {count} packets, {back:.0%} tone"
    # The phone's leg sent nothing while the phone held: about a packet per 20 ms of the
    # connected time without the hold (1.6 s, 80 packets).
    sent, _ = leg_packets(lab, r"c\d+p\d+")
    talking = (hung_up - connected) - (resumed - held)
    assert sent < (talking + 0.8) / 0.02, f"{sent} packets to the phone in {talking:.1f} s of talk"
    assert sent > (talking - 0.8) / 0.02, f"{sent} packets to the phone in {talking:.1f} s of talk"
    assert_no_inside(carrier, alice)


def test_the_carrier_holds_and_resumes_a_call_after_the_menu(own, tmp_path: Path) -> None:
    """The carrier's hold and resume (re-INVITEs in the dialog serve answered): each answered by
    serve from the caller's leg (recvonly, then sendrecv; the o= version one up each time,
    checked by the scenario), never passed to the phone; serve's RTP to the carrier stops
    while it holds and starts again, and the phone hears the carrier's tone throughout
    (sendonly: the carrier still sends). About 8.5 s."""
    lab, alice, rtp = own
    carrier = menu_caller(lab, tmp_path, rtp, "after_hold", pause_ms=0)
    connect_through_menu(lab, alice, rtp)
    lab.server.wait_for(r"the caller holds the call \(we answer recvonly\)", 6)
    held = time.monotonic()
    lab.server.wait_for(r"the caller resumed the call", 4)
    resumed = time.monotonic()
    alice.wait_event("CALL_CLOSED", 5)  # the carrier's BYE, passed on as ours
    expect_ok(carrier)
    with rtp.lock:
        during = [r for r in rtp.received if held + 0.1 <= r[0] < resumed - 0.1]
    assert len(during) <= 2, f"serve sent {len(during)} packets to the carrier while it held"
    count, back = rtp.loud_share(resumed + 0.3, resumed + 1.3)
    assert count > 30 and back > 0.9, f"after the resume: {count} packets, {back:.0%} tone"
    assert heard_tone(tmp_path / "heard") > 3.0, "the phone did not hear the caller through the hold"
