"""End to end on loopback: `callplan serve` with its own media side (no --media-server): the
supervised `callplan media` process, and the calls serve answers itself (docs/sip-server.md
"callplan's own media side"). sipp plays the carrier with real RTP (a generated tone ending
in the # key, sipp's own RFC 4733 pcaps), sipp phones answer, aiosmtpd is the mail sink.

Run by the sip_e2e ctest with the rest of this folder. A missing peer (sipp, aiosmtpd,
espeak-ng) fails under CI=true instead of skipping: a skip there would hide a missing install
step. Real-time waits are kept short: the voicemail greeting (~4 s) is the longest."""

from __future__ import annotations

import email
import email.policy
import io
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import wave
from pathlib import Path

import pytest

from sip_e2e_server import SERVER_IP, TRUNK_IP, free_udp_port, which_server
from sip_e2e_sipp import SIPP
from rtp_pcap import tone_then_key

# The lab (server, sipp peers) of the main e2e module, shared rather than copied.
from test_sip_e2e import CRASH, Lab, expect_ok, final_status  # noqa: F401

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
RTP_PORTS = "30000-30499"  # the media process's legs (this file's RTP range: 30000-30999)
CALLER_RTP = 30600         # sipp's RTP as the carrier (on the trunk's address)
TONE_SECONDS = 3.0
GREETING = "Eve de Boer is niet bereikbaar, spreek een bericht in na de toon"  # serve's, nl


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed (scripts/install-deps.sh)", pytrace=False)
    pytest.skip(f"{what} is not installed", allow_module_level=True)


if SIPP is None:
    _missing("sipp (Debian sip-tester)")
try:
    from aiosmtpd.controller import Controller  # type: ignore[import]
except ImportError:  # pragma: no cover - depends on the machine
    _missing("python3-aiosmtpd")
if shutil.which("espeak-ng") is None:
    _missing("espeak-ng (the spoken voicemail greeting)")
if which_server() != "callplan":
    pytest.skip("needs callplan itself, not the stand-in", allow_module_level=True)


def greeting_wait_ms() -> int:
    """How long the caller waits before it speaks: the greeting as espeak-ng says it, the
    0.5 s tone, and 2.5 s for serve to render and start it (more on a loaded machine)."""
    out = subprocess.run(["espeak-ng", "-v", "nl", "--stdout", GREETING], check=True,
                         capture_output=True).stdout
    with wave.open(io.BytesIO(out)) as w:  # streamed: its header has no real length
        seconds = (len(out) - 44) / (w.getframerate() * w.getsampwidth() * w.getnchannels())
    return int((seconds + 0.5 + 2.5) * 1000)


class MailSink:
    """Every message the SMTP sink took, as parsed email.message objects."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self._cond = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._cond:
            self.messages.append(msg)  # type: ignore[arg-type]
            self._cond.notify_all()
        return "250 OK"

    def wait(self, count: int, timeout: float) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.messages)} mail(s) arrived, expected {count}"
                self._cond.wait(left)
            return list(self.messages)


@pytest.fixture
def mail():
    sink = MailSink()
    controller = Controller(sink, hostname=SERVER_IP, port=free_udp_port(SERVER_IP))
    controller.start()
    try:
        yield controller, sink
    finally:
        controller.stop()


@pytest.fixture
def own(tmp_path: Path, mail):
    """A lab whose server runs its own media side, mailing to the sink."""
    controller, _ = mail
    lab = Lab(tmp_path)
    try:
        lab.start_server(extra_args=["--rtp-ports", RTP_PORTS,
                                     "--smtp", f"smtp://{SERVER_IP}:{controller.port}",
                                     "--mail-from", "voicemail@e2e.example"])
        lab.server.wait_for(r"media side: connected to process", 10)
        yield lab
    finally:
        rc = lab.close()
    assert rc == 0, f"serve did not stop cleanly (exit {rc})\n{lab.server.stderr_text()}"
    bad = [line for line in lab.server.lines if CRASH.search(line)]
    assert not bad, "server stderr:\n" + "\n".join(bad[:20])


def voicemail_call(lab: Lab, tmp_path: Path, name: str):
    """The carrier calls Eve's mailbox and leaves TONE_SECONDS of tone, ended by #."""
    pcap = tone_then_key(tmp_path / f"{name}.pcap", TONE_SECONDS)
    scenario = tmp_path / f"{name}.xml"
    scenario.write_text((SCENARIOS / "own_media_voicemail.xml").read_text()
                        .replace("PCAP_FILE", str(pcap)))
    caller = lab.peer(name, str(scenario), local_ip=TRUNK_IP, local_port=lab.server.trunk_port,
                      remote=lab.server.hostport, pause_ms=greeting_wait_ms(), timeout_s=30,
                      keys={"called": "+31850000005", "caller": "+31612345678"},
                      extra=["-mi", TRUNK_IP, "-mp", str(CALLER_RTP)])
    return caller.start()


def messages(lab: Lab) -> list[Path]:
    return sorted((lab.workdir / "state" / "voicemail" / "e2e" / "105" / "messages").glob("*/message.wav"))


def tone_span(path: Path) -> tuple[float, float]:
    """(seconds of the WAV, seconds from the first to the last loud sample)."""
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
        frames = w.readframes(w.getnframes())
    samples = memoryview(frames).cast("h")
    loud = [i for i, s in enumerate(samples) if abs(s) > 2000]
    assert loud, f"{path}: silence only"
    return len(samples) / 8000, (loud[-1] - loud[0] + 1) / 8000


def test_voicemail_is_recorded_stored_and_mailed(own: Lab, mail, tmp_path: Path) -> None:
    _, sink = mail
    caller = voicemail_call(own, tmp_path, "vm")
    expect_ok(caller)  # answered by serve, and serve's BYE after the message was stored
    own.server.wait_for(r"voicemail of 105 recorded: .* ended by hash, mail queued", 10)
    [wav] = messages(own)
    total, tone = tone_span(wav)
    assert abs(tone - TONE_SECONDS) <= 0.02 * TONE_SECONDS, (total, tone)
    assert total - tone < 0.1, f"the message goes on after the # key: {total} s, tone {tone} s"
    [msg] = sink.wait(1, 15)
    assert msg["To"] and "eve@example.com" in msg["To"], msg["To"]
    attachments = [p for p in msg.iter_attachments()]
    assert [a.get_content_type() for a in attachments] == ["audio/wav"], attachments
    assert attachments[0].get_content() == wav.read_bytes()


def test_menu_choice_by_rfc4733_rings_the_chosen_phone(own: Lab) -> None:
    alice = own.phone("alice-desk", "device_answer.xml", pause_ms=500)
    time.sleep(0.2)  # the phone's sipp binds its port
    caller = own.peer("caller", "own_media_menu_caller.xml", local_ip=TRUNK_IP,
                      local_port=free_udp_port(TRUNK_IP), remote=own.server.hostport,
                      pause_ms=3000, timeout_s=25,
                      keys={"called": "+31850000008", "caller": "+31612345678"},
                      extra=["-mi", TRUNK_IP, "-mp", str(CALLER_RTP)]).start()
    expect_ok(caller, alice)  # the menu answered, "1" by RFC 4733, Alice rang and answered
    answer = next(m for m in caller.messages() if m.status == 200)
    assert "m=audio" in answer.text, answer.text
    own.server.wait_for(r"connected to the phone", 5)
    own.server.wait_for(r"-> answered", 5)


def test_media_side_killed_serve_goes_on_and_the_next_voicemail_works(
        own: Lab, tmp_path: Path) -> None:
    started = re.search(r"started process (\d+)", own.server.wait_for(r"started process \d+", 5))
    assert started
    os.kill(int(started.group(1)), signal.SIGKILL)
    killed_at = len(own.server.lines)
    own.server.wait_for(r"media side: process \d+ killed by signal 9", 5)
    # The registrar and the proxy never stopped: a phone registers meanwhile.
    own.register("alice-desk", free_udp_port(SERVER_IP))
    # The call goes in once serve is connected to the new process, not the killed one.
    again = re.search(r"started process (\d+)",
                      own.server.wait_for(r"started process \d+", 10, start=killed_at))
    assert again and again.group(1) != started.group(1)
    own.server.wait_for(rf"media side: connected to process {again.group(1)}\b", 10,
                        start=killed_at)
    caller = voicemail_call(own, tmp_path, "after-kill")
    expect_ok(caller)
    own.server.wait_for(r"voicemail of 105 recorded: .* ended by hash", 10)
    assert len(messages(own)) == 1
