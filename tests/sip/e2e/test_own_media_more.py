"""More of serve's own media side end to end on loopback (SPEC 10; issue 11 item 7): the mail
server down while a message is left, then up (the mail arrives, through serve and its media
process); a menu choice by in-band DTMF from a caller that offered no telephone-event; an
announcement heard before a phone rings (what the caller hears, recorded, is the prompt and
then ringback, and the phone's INVITE comes after the prompt's end).

Run by the sip_e2e ctest with the rest of this folder; a missing peer fails under CI=true
(test_own_media.py's checks, imported). About 40 s."""

from __future__ import annotations

import math
import re
import struct
import time
from pathlib import Path

import pytest

from rtp_pcap import FRAME, RATE, _frame
from sip_e2e_server import SERVER_IP, TRUNK_IP, free_udp_port
from test_mailbox import RtpListener, leave_voicemail, tone_share, ulaw
from test_own_media import Controller, MailSink, messages
from test_sip_e2e import CRASH, Lab, expect_ok

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
# Ports of their own (35000-35999), so that this file may run next to test_own_media.py.
RTP_PORTS = "35300-35499"  # the media process's legs
CALLER_RTP = 35610         # sipp's RTP as the carrier
LISTENER_RTP = 35800       # the caller's RTP when the test itself listens
ANNOUNCEMENT = "Welcome to the end to end test company"

# The e2e tenant plus a number whose plan speaks an announcement, then rings Alice.
TENANT_TEXT = (HERE / "tenant.yaml").read_text().replace(
    "numbers:\n",
    "numbers:\n  - {number: \"+31850000010\", plan: welcome-alice, label: Welcome then Alice}\n"
).replace(
    "plans:\n",
    "plans:\n  - id: welcome-alice\n    steps:\n"
    f"      - announcement: {{text: \"{ANNOUNCEMENT}\"}}\n"
    "      - transfer: {to: \"101\", follow_personal_plan: false, timeout: 15, label: Alice}\n\n")


def start_lab(tmp_path: Path, extra: list[str]) -> Lab:
    tenant = tmp_path / "tenant.yaml"
    tenant.write_text(TENANT_TEXT)
    lab = Lab(tmp_path)
    lab.start_server(tenant, extra_args=["--rtp-ports", RTP_PORTS, *extra])
    lab.server.wait_for(r"media side: connected to process", 10)
    return lab


def stop_lab(lab: Lab) -> None:
    rc = lab.close()
    assert rc == 0, f"serve did not stop cleanly (exit {rc})\n{lab.server.stderr_text()}"
    bad = [line for line in lab.server.lines if CRASH.search(line)]
    assert not bad, "server stderr:\n" + "\n".join(bad[:20])


@pytest.fixture
def plain(tmp_path: Path):
    lab = start_lab(tmp_path, [])
    try:
        yield lab
    finally:
        stop_lab(lab)


def test_mail_server_down_while_a_message_is_left_then_up_the_mail_arrives(tmp_path: Path) -> None:
    port = free_udp_port(SERVER_IP)  # nothing listens there yet (TCP, same number)
    lab = start_lab(tmp_path, ["--smtp", f"smtp://{SERVER_IP}:{port}",
                               "--mail-from", "voicemail@e2e.example"])
    sink = MailSink()
    controller = Controller(sink, hostname=SERVER_IP, port=port)
    up = False
    try:
        caller = leave_voicemail(lab, tmp_path, 3.0)
        expect_ok(caller)
        lab.server.wait_for(r"voicemail of 105 recorded: .* mail queued", 10)
        lab.server.wait_for(r"mail \S+ to eve@example.com attempt 1: not delivered", 10)
        assert not sink.messages
        controller.start()  # the mail server comes up; the outbox retries after 10 s
        up = True
        [msg] = sink.wait(1, 25)
        lab.server.wait_for(r"mail \S+ to eve@example.com attempt 2: delivered: 250", 5)
        [wav] = messages(lab)
        [attachment] = list(msg.iter_attachments())
        assert attachment.get_content_type() == "audio/wav"
        assert attachment.get_content() == wav.read_bytes()
        assert not list((lab.workdir / "state" / "outbox").glob("*.mail"))
    finally:
        if up:
            controller.stop()
        stop_lab(lab)


def inband_key_pcap(path: Path, low: float, high: float, lead: float = 1.0) -> Path:
    """PCMU: `lead` s of silence, a DTMF key (two sines, 120 ms, about -8 dBm0 each), then
    1 s of silence. No telephone-event: the key is only in the audio."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    seq, ts, t = 3000, 40000, 1_000_000.0
    total = int((lead + 0.12 + 1.0) * RATE)
    for start in range(0, total, FRAME):
        payload = bytearray()
        for i in range(FRAME):
            n = start + i
            on = lead * RATE <= n < (lead + 0.12) * RATE
            s = 0.0
            if on:
                s = 5000 * (math.sin(2 * math.pi * low * n / RATE) + math.sin(2 * math.pi * high * n / RATE))
            payload.append(ulaw(int(s)))
        header = struct.pack("!BBHII", 0x80, 0 | (0x80 if start == 0 else 0), seq, ts, 0x1B0B1B0B)
        out.append(_frame(header + bytes(payload), t))
        seq, ts, t = seq + 1, ts + FRAME, t + 0.02
    path.write_bytes(b"".join(out))
    return path


def test_menu_choice_by_inband_tones_rings_the_chosen_phone(plain: Lab, tmp_path: Path) -> None:
    alice = plain.phone("alice-desk", "device_answer.xml", pause_ms=500)
    pcap = inband_key_pcap(tmp_path / "key1.pcap", 697.0, 1209.0)  # the key 1
    scenario = tmp_path / "inband.xml"
    text = (SCENARIOS / "own_media_menu_caller.xml").read_text()
    text = text.replace("/usr/share/sip-tester/dtmf_2833_1.pcap", str(pcap))
    text = text.replace("m=audio [media_port] RTP/AVP 0 101", "m=audio [media_port] RTP/AVP 0")
    text = text.replace("      a=rtpmap:101 telephone-event/8000\n", "").replace("      a=fmtp:101 0-15\n", "")
    assert "telephone-event" not in text
    scenario.write_text(text)
    time.sleep(0.2)
    caller = plain.peer("inband", str(scenario), local_ip=TRUNK_IP, local_port=free_udp_port(TRUNK_IP),
                        remote=plain.server.hostport, pause_ms=3000, timeout_s=25,
                        keys={"called": "+31850000008", "caller": "+31612345678"},
                        extra=["-mi", TRUNK_IP, "-mp", str(CALLER_RTP)]).start()
    expect_ok(caller, alice)  # the menu answered, "1" in the audio, Alice rang and answered
    answer = next(m for m in caller.messages() if m.status == 200)
    assert "telephone-event" not in answer.text, answer.text
    plain.server.wait_for(r"-> answered", 5)


def test_an_announcement_is_heard_before_the_phone_rings(plain: Lab, tmp_path: Path) -> None:
    alice = plain.phone("alice-desk", "device_answer.xml", pause_ms=500, timeout_s=30)
    ear = RtpListener(TRUNK_IP, LISTENER_RTP)
    try:
        scenario = tmp_path / "listen.xml"
        text = (SCENARIOS / "own_media_early_caller.xml").read_text()
        # No digit: the caller only listens, on the test's own port, not sipp's.
        text = re.sub(r"  <pause milliseconds=\"300\"/>\s*<nop>.*?</nop>\n", "", text, flags=re.S)
        text = text.replace("m=audio [media_port] RTP/AVP 0 101", f"m=audio {LISTENER_RTP} RTP/AVP 0 101")
        assert "play_pcap_audio" not in text and str(LISTENER_RTP) in text
        scenario.write_text(text)
        time.sleep(0.2)
        started = time.time()
        caller = plain.peer("listener", str(scenario), local_ip=TRUNK_IP, local_port=free_udp_port(TRUNK_IP),
                            remote=plain.server.hostport, pause_ms=500, timeout_s=30,
                            keys={"called": "+31850000010", "caller": "+31612345678"},
                            extra=["-mi", TRUNK_IP, "-mp", str(CALLER_RTP + 2)]).start()
        expect_ok(caller, alice)
    finally:
        ear.close()
    spoken = re.search(r"prompt played at ([0-9.]+) s", plain.server.wait_for(r"prompt played at", 2))
    assert spoken
    invite = alice.received("INVITE")[0].time
    # The phone is rung only once the announcement has played (SPEC 3.9).
    loud = [(t, tone_share(f, 425.0)) for t, f in ear.frames if max(abs(s) for s in f) > 500]
    assert loud, "the caller heard nothing"
    # Ringback starts where 200 ms in a row are the 425 Hz tone; the speech is before it.
    run = 10
    starts = [i for i in range(len(loud) - run) if all(share > 0.8 for _, share in loud[i:i + run])]
    assert starts, "no ringback heard"
    ringback = loud[starts[0]][0]
    speech = [t for t, share in loud if t < ringback and share < 0.5]
    assert speech, "no announcement before the ringback"
    assert max(speech) - min(speech) > 1.0, "the announcement was cut short"
    after = [t for t, share in loud if t > ringback and share < 0.5]
    assert len(after) < 5, f"{len(after)} frames of speech after the ringback began"
    # The phone is rung only once the announcement has played (SPEC 3.9).
    assert invite >= max(speech) - 0.3, (invite - started, max(speech) - started)
