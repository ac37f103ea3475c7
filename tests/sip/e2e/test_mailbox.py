"""The mailbox by phone and the message-waiting lamp, end to end on loopback (SPEC 10;
docs/voicemail.md "The mailbox by phone", docs/sip-server.md "Events"): `callplan serve` with
its own media process, sipp phones that dial *97 / *98 and press keys by RFC 4733 (RTP
captures written by `keys_pcap` below, played by sipp), a sipp phone that watches the lamp,
and the sipp carrier leaving voicemail.

Run by the sip_e2e ctest with the rest of this folder; a missing peer fails under CI=true
(test_own_media.py's checks, imported). About 60 s in all, most of it real prompts and
messages played at their real speed."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import socket
import struct
import threading
import time
from pathlib import Path

import pytest

from rtp_pcap import RATE, FRAME, _frame, tone_then_key
from sip_e2e_server import SERVER_IP, TRUNK_IP, free_udp_port
from sip_e2e_sipp import EXIT_OK, SippPeer
from test_own_media import greeting_wait_ms  # and its checks for missing peers
from test_sip_e2e import CRASH, Lab, expect_ok, tenant_devices


def ulaw(sample: int) -> int:
    """One 16-bit linear sample to µ-law (ITU-T G.711)."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 132
    exponent = max(0, magnitude.bit_length() - 8)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
PIN = "2468"
# Ports of their own (35000-35999), so that this file may run next to test_own_media.py.
RTP_PORTS = "35000-35299"  # the media process's legs
CALLER_RTP = 35600         # sipp's RTP as the carrier (on the trunk's address)
PHONE_RTP = 35700          # sipp's RTP as a phone
LISTENER_RTP = 35810       # the caller's RTP when the test itself listens

# The e2e tenant with what the mailbox needs: a PIN for Eve and a phone of hers that sipp can
# authenticate (eve-desk stores only a SHA-256 hash, which sipp cannot answer).
TENANT_TEXT = (HERE / "tenant.yaml").read_text().replace(
    "    email: eve@example.com\n",
    f"    email: eve@example.com\n    voicemail_pin: \"{PIN}\"\n").replace(
    "devices:\n",
    "devices:\n  - {id: eve-phone, user: \"105\", sip: {password: \"Eve-phone-pass-5\"}}\n")


def keys_pcap(path: Path, plan: list[str | float | tuple[float, float]]) -> Path:
    """A PCMU stream of silence with RFC 4733 keys (payload type 101) at the moments `plan`
    says: a string is keys pressed one after the other (160 ms each, 140 ms apart), a number
    is that many seconds of silence, (hz, seconds) a sine of that pitch. Each key is its own
    event (its own RTP timestamp)."""
    codes = {**{str(d): d for d in range(10)}, "*": 10, "#": 11}
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    state = {"seq": 2000, "ts": 80000, "t": 1_000_000.0, "first": True}
    ssrc = 0x5EED0097

    def packet(pt: int, payload: bytes, advance: int, marker: bool = False) -> None:
        m = 0x80 if (marker or state["first"]) else 0
        state["first"] = False
        header = struct.pack("!BBHII", 0x80, pt | m, state["seq"], state["ts"], ssrc)
        out.append(_frame(header + payload, state["t"]))
        state["seq"] += 1
        state["t"] += 0.02
        state["ts"] += advance

    def silence(seconds: float) -> None:
        for _ in range(max(1, round(seconds / 0.02))):
            packet(0, b"\xff" * FRAME, FRAME)

    def sine(hz: float, seconds: float) -> None:
        for start in range(0, int(seconds * RATE), FRAME):
            packet(0, bytes(ulaw(int(8000 * math.sin(2 * math.pi * hz * (start + i) / RATE)))
                            for i in range(FRAME)), FRAME)

    silence(0.2)
    for step in plan:
        if isinstance(step, tuple):
            sine(*step)
            continue
        if isinstance(step, (int, float)):
            silence(float(step))
            continue
        for key in step:
            start = state["ts"]
            for i, duration in enumerate((160, 320, 480, 640, 800, 1280, 1280, 1280)):
                end = 0x80 if i >= 5 else 0
                state["ts"] = start  # every packet of one event carries its start
                packet(101, struct.pack("!BBH", codes[key], end | 10, duration), 0, marker=i == 0)
            state["ts"] = start + 1280
            silence(0.14)
    silence(0.2)
    path.write_bytes(b"".join(out))
    return path


class RtpListener:
    """The caller's ear: takes the RTP sent to it (PCMU) and keeps the samples with the time
    each packet arrived."""

    def __init__(self, ip: str, port: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, port))
        self.sock.settimeout(0.2)
        self.frames: list[tuple[float, list[int]]] = []
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        table = [self.decode(b) for b in range(256)]
        while self.running:
            try:
                data, _ = self.sock.recvfrom(2048)
            except OSError:
                continue
            if len(data) > 12 and (data[1] & 0x7F) == 0:
                self.frames.append((time.time(), [table[b] for b in data[12:]]))

    @staticmethod
    def decode(code: int) -> int:
        code = ~code & 0xFF
        magnitude = ((((code & 0x0F) << 3) + 132) << ((code >> 4) & 0x07)) - 132
        return -magnitude if code & 0x80 else magnitude

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


def tone_share(samples: list[int], freq: float) -> float:
    """How much of a frame's energy is at `freq` (Goertzel), 0..1."""
    energy = sum(s * s for s in samples) or 1
    k = 2 * math.cos(2 * math.pi * freq / RATE)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + k * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - k * s1 * s2
    return 2 * power / (len(samples) * energy)


@pytest.fixture
def mailbox_lab(tmp_path: Path):
    """serve with its own media side over the tenant above (no mail: not what is tested)."""
    tenant = tmp_path / "tenant.yaml"
    tenant.write_text(TENANT_TEXT)
    lab = Lab(tmp_path)
    lab.devices = tenant_devices(tenant)  # type: ignore[attr-defined]
    try:
        lab.start_server(tenant, extra_args=["--rtp-ports", RTP_PORTS])
        lab.server.wait_for(r"media side: connected to process", 10)
        yield lab
    finally:
        rc = lab.close()
    assert rc == 0, f"serve did not stop cleanly (exit {rc})\n{lab.server.stderr_text()}"
    bad = [line for line in lab.server.lines if CRASH.search(line)]
    assert not bad, "server stderr:\n" + "\n".join(bad[:20])


def credentials(lab: Lab, device: str) -> list[str]:
    d = lab.devices[device]  # type: ignore[attr-defined]
    return [d["username"], f"[authentication username={d['username']} password={d['password']}]"]


def dial(lab: Lab, tmp_path: Path, device: str, code: str, plan: list[str | float], *,
         hold_ms: int, locked: bool = False, name: str = "mailbox") -> SippPeer:
    """`device` dials `code` and presses the keys of `plan`; it hangs up after `hold_ms`
    (or, `locked`, waits for serve's BYE)."""
    pcap = keys_pcap(tmp_path / f"{name}.pcap", plan)
    scenario = tmp_path / f"{name}.xml"
    source = "mailbox_caller_locked.xml" if locked else "mailbox_caller.xml"
    scenario.write_text((SCENARIOS / source).read_text().replace("PCAP_FILE", str(pcap)))
    return lab.peer(name, str(scenario), local_ip=SERVER_IP, local_port=free_udp_port(SERVER_IP),
                    remote=lab.server.hostport, pause_ms=hold_ms, timeout_s=40,
                    keys={"called": code}, inject=credentials(lab, device),
                    extra=["-mi", SERVER_IP, "-mp", str(PHONE_RTP)]).start()


def leave_voicemail(lab: Lab, tmp_path: Path, seconds: float) -> SippPeer:
    """The carrier calls Eve's mailbox number and leaves `seconds` of tone, ended by #."""
    pcap = tone_then_key(tmp_path / "vm.pcap", seconds)
    scenario = tmp_path / "vm.xml"
    scenario.write_text((SCENARIOS / "own_media_voicemail.xml").read_text()
                        .replace("PCAP_FILE", str(pcap)))
    return lab.peer("vm", str(scenario), local_ip=TRUNK_IP, local_port=lab.server.trunk_port,
                    remote=lab.server.hostport, pause_ms=greeting_wait_ms(), timeout_s=40,
                    keys={"called": "+31850000005", "caller": "+31612345678"},
                    extra=["-mi", TRUNK_IP, "-mp", str(CALLER_RTP)]).start()


def mailbox_folder(lab: Lab) -> Path:
    return lab.workdir / "state" / "voicemail" / "e2e" / "105"


def records(lab: Lab) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(mailbox_folder(lab).glob("messages/*/message.json"))]


def test_the_lamp_goes_on_with_a_message_and_off_when_the_phone_deletes_it(
        mailbox_lab: Lab, tmp_path: Path) -> None:
    lab = mailbox_lab
    watcher = lab.peer("eve-mwi", "subscribe_mwi_cycle.xml", local_ip=SERVER_IP,
                       local_port=free_udp_port(SERVER_IP), remote=lab.server.hostport,
                       timeout_s=60, inject=credentials(lab, "eve-phone")).start()
    time.sleep(1.0)  # subscribed; its first NOTIFY says 0/0
    caller = leave_voicemail(lab, tmp_path, 8.0)
    expect_ok(caller)
    lab.server.wait_for(r"voicemail of 105 recorded", 10)
    stored_at = time.time()
    assert [r["state"] for r in records(lab)] == ["new"]
    # *97 from Eve's own phone: no PIN; 1 plays the 8 s message, 7 deletes it while it plays.
    phone = dial(lab, tmp_path, "eve-phone", "*97", [0.8, "1", 3.5, "7"], hold_ms=7000)
    expect_ok(phone)
    assert watcher.wait() == EXIT_OK, watcher.report()
    notifies = watcher.received("NOTIFY")
    bodies = [re.search(r"Voice-Message: (\d+/\d+)", n.text) for n in notifies[:3]]
    assert [b and b.group(1) for b in bodies] == ["0/0", "1/0", "0/0"], watcher.report()
    # At once, not at the next 5 s poll of the store.
    assert notifies[1].time - stored_at < 1.0, (notifies[1].time, stored_at, watcher.report())
    assert records(lab) == []
    lab.server.wait_for(r"mailbox \*97 from e2e-eve-phone", 2)


def test_a_phone_that_registers_anew_gets_the_lamp_state_at_once(mailbox_lab: Lab) -> None:
    lab = mailbox_lab
    watcher = lab.peer("eve-mwi-reg", "subscribe_mwi_register.xml", local_ip=SERVER_IP,
                       local_port=free_udp_port(SERVER_IP), remote=lab.server.hostport,
                       timeout_s=15, inject=credentials(lab, "eve-phone")).start()
    time.sleep(1.0)  # subscribed: the first NOTIFY
    port = free_udp_port(SERVER_IP)
    registered_at = time.time()
    reg = lab.peer("eve-phone-register", "register.xml", local_ip=SERVER_IP, local_port=port,
                   remote=lab.server.hostport, timeout_s=8,
                   keys={"domain": SERVER_IP, "contact_port": str(port), "expires": "300"},
                   inject=credentials(lab, "eve-phone"))
    assert reg.run() == EXIT_OK, reg.report()
    assert watcher.wait() == EXIT_OK, watcher.report()
    first, again = watcher.received("NOTIFY")[:2]
    assert again.time - registered_at < 2.0, watcher.report()  # not a poll: the registration
    assert "Voice-Message: 0/0" in again.text


def test_the_mailbox_with_a_pin_records_a_greeting_the_next_caller_hears(
        mailbox_lab: Lab, tmp_path: Path) -> None:
    lab = mailbox_lab
    # *98 from a colleague's phone: the extension, the PIN, then 0 (greeting); the greeting,
    # 3 s of a 600 Hz tone between silences, ends with #, and 1 keeps it.
    phone = dial(lab, tmp_path, "alice-desk", "*98",
                 ["105#", 0.3, PIN + "#", 0.5, "0", 6.0, (600.0, 3.0), 0.5, "#", 1.5, "1"],
                 hold_ms=16000)
    expect_ok(phone)
    lab.server.wait_for(r"mailbox 105 opened from e2e-alice-desk", 2)
    lab.server.wait_for(r"greeting of 105 recorded: .* ended by hash", 2)
    lab.server.wait_for(r"voicemail e2e/105: new greeting", 5)
    # Every call writes one log line and one call detail record, the mailbox's too.
    lab.server.wait_for(r"call \S+: 101 to \*98 -> ", 3)
    [line] = [l for l in lab.server.lines if re.search(r"call \S+: 101 to \*98 -> ", l)]
    assert re.search(r"-> answered by 105 \(media-server\), 200, talked \d+ s, ended by caller$",
                     line), line
    [record] = [r for r in lab.server.call_records(1) if r["dialled"] == "*98"]
    assert (record["company"], record["caller"], record["caller_device"], record["disposition"],
            record["answered_by"], record["status"], record["ended_by"]) == \
        ("e2e", "101", "e2e-alice-desk", "answered", "105", 200, "caller"), record
    assert record["answer"] is not None and record["duration"] >= 10, record
    [greeting] = sorted(mailbox_folder(lab).glob("greetings/*/greeting.json"))
    seconds = json.loads(greeting.read_text())["seconds"]
    assert 3.0 < seconds < 9.5, seconds
    # The next caller to Eve's mailbox hears that greeting, not the spoken default, then
    # the tone: the test's own RTP socket is the caller's ear.
    ear = RtpListener(TRUNK_IP, LISTENER_RTP)
    try:
        scenario = tmp_path / "listen.xml"
        text = (SCENARIOS / "own_media_early_caller.xml").read_text()
        text = re.sub(r'  <recv response="183"/>\s*<pause milliseconds="300"/>\s*<nop>.*?</nop>\n', "",
                      text, flags=re.S)
        text = text.replace("m=audio [media_port] RTP/AVP 0 101", f"m=audio {LISTENER_RTP} RTP/AVP 0 101")
        # serve answers the voicemail itself: no Record-Route to check.
        text = re.sub(r'(<recv response="200" rrs="true" rtd="setup">)\s*<action>.*?</action>\s*</recv>',
                      r'<recv response="200" rrs="true" rtd="setup"/>', text, flags=re.S)
        text = text.replace('<Reference variables="record_route"/>', "")
        assert "play_pcap_audio" not in text and "record_route" not in text
        scenario.write_text(text)
        caller = lab.peer("listener", str(scenario), local_ip=TRUNK_IP, local_port=lab.server.trunk_port,
                          remote=lab.server.hostport, pause_ms=int(seconds * 1000) + 2500, timeout_s=30,
                          keys={"called": "+31850000005", "caller": "+31612345678"},
                          extra=["-mi", TRUNK_IP, "-mp", str(CALLER_RTP + 4)]).start()
        expect_ok(caller)
    finally:
        ear.close()
    loud = [(t, f) for t, f in ear.frames if max(abs(x) for x in f) > 500]
    own = [t for t, f in loud if tone_share(f, 600.0) > 0.8]
    beep = [t for t, f in loud if tone_share(f, 1000.0) > 0.8]
    spoken = [t for t, f in loud if tone_share(f, 600.0) < 0.5 and tone_share(f, 1000.0) < 0.5]
    assert len(own) > 100, f"the recorded greeting was not played ({len(own)} frames at 600 Hz)"
    assert beep and min(beep) > max(own), "the tone must follow the greeting"
    assert len(spoken) < 10, f"{len(spoken)} frames of something else (the default greeting?)"


def test_three_wrong_pins_end_the_call_with_a_line_fail2ban_counts(
        mailbox_lab: Lab, tmp_path: Path) -> None:
    lab = mailbox_lab
    phone = dial(lab, tmp_path, "alice-desk", "*98",
                 ["105#", "1111#", 0.5, "105#", "2222#", 0.5, "105#", "3333#"], hold_ms=0,
                 locked=True)
    assert phone.wait() == EXIT_OK, phone.report()  # serve hung up
    line = lab.server.wait_for(r"auth-failure source=127\.0\.0\.1 .*reason=voicemail-pin", 3)
    assert 'method=INVITE user="105"' in line, line
    assert len([l for l in lab.server.lines if "reason=voicemail-pin" in l]) == 1
    assert lab.server.wait_for(r"mailbox 105: wrong PIN \(3 of 3\)", 1)
    # One record: answered by the mailbox (no mailbox opened), ended by serve's BYE.
    lab.server.wait_for(r"call \S+: 101 to \*98 -> answered \(media-server\), 200, talked \d+ s, "
                        r"ended by callee", 3)
    [record] = lab.server.call_records(1)
    assert (record["dialled"], record["answered_by"], record["ended_by"]) == ("*98", "", "callee"), record
    # The fail2ban filter of contrib/ counts it against the caller's address.
    spec = importlib.util.spec_from_file_location(
        "fail2ban_filter_test", HERE.parent / "security" / "fail2ban_filter_test.py")
    f2b = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(f2b)  # type: ignore[union-attr]
    stamped = line[line.index(re.search(r"\d{4}-\d\d-\d\dT", line).group(0)):]  # type: ignore[union-attr]
    found = f2b.Filter(f2b.FILTER, "normal").find(stamped)
    assert found is not None and found[0] == "127.0.0.1", (found, stamped)
