"""End to end: `callplan media` driven over its control socket, the far ends played by Phone
(tests/media_engine/media_process.py) on 127.0.0.1, ports 25100-25999 (docs/media.md)."""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import struct
import time
import wave
from pathlib import Path

import pytest

from media_process import Media, Phone, frequency, loud_span


def write_tone(path: Path, seconds: float, rate: int = 16000, freq: float = 440.0) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(10000 * math.sin(2 * math.pi * freq * i / rate)))
                               for i in range(int(seconds * rate))))


@pytest.fixture
def media(tmp_path):
    m = Media(tmp_path)
    yield m
    m.stop()


_next_port = [25500]


@pytest.fixture
def phone_factory():
    phones = []

    def make(pt: int = 0, telephone_event: bool = True) -> Phone:
        _next_port[0] += 2
        phone = Phone(_next_port[0], pt, telephone_event)
        phones.append(phone)
        return phone
    yield make
    for p in phones:
        p.close()


def test_prompt_is_heard_with_its_length(media, phone_factory, tmp_path):
    wav = tmp_path / "closed.wav"
    write_tone(wav, 1.5)  # 16 kHz: resampled to 8 kHz on the way
    phone = phone_factory()
    media.open("a", phone)
    started = time.monotonic()
    reply = media.request("play", leg="a", prompt={"file": str(wav)})
    assert reply["ok"] and abs(reply["seconds"] - 1.5) < 0.001, reply
    assert media.event("played", "a")["why"] == "end"
    time.sleep(0.1)
    span = loud_span(phone.audio(since=started))
    assert span, "nothing heard"
    heard = (span[1] - span[0]) / 8000
    assert abs(heard - 1.5) <= 0.02 * 1.5, heard


def test_prompt_errors_and_bad_requests(media, phone_factory):
    phone = phone_factory()
    media.open("a", phone)
    reply = media.request("play", leg="a", prompt={"file": "/nonexistent/closed.wav"})
    assert not reply["ok"] and reply["code"] == "prompt-failed" and "prompt.file_missing" in reply["message"]
    assert media.request("play", leg="nope", prompt={"tone": "beep"})["code"] == "unknown-leg"
    assert media.request("open", leg="a")["code"] == "leg-exists"
    assert media.request("fly", leg="a")["code"] == "unknown-op"
    media.send_raw('{"id": 77, "op": "collect", "leg": "a", "timeout_ms": "soon"}')
    assert media.reply(77)["code"] == "bad-request"
    media.send_raw("not json")
    assert media.reply(None)["code"] == "bad-request"
    g729 = phone.offer().replace("RTP/AVP 0 101", "RTP/AVP 18").replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:18 G729/8000")
    reply = media.request("open", leg="b", offer=g729)
    assert reply["code"] == "not-acceptable", reply
    assert media.request("ping")["legs"] == 1


def test_rfc4733_digit_collected_once(media, phone_factory):
    phone = phone_factory()
    media.open("a", phone)
    assert media.request("collect", leg="a", timeout_ms=3000)["ok"]
    time.sleep(0.1)
    phone.press("5")  # one event: a start, updates, three end packets
    assert media.event("digit", "a")["digit"] == "5"
    assert media.request("collect", leg="a", timeout_ms=400)["ok"]
    assert media.event("timeout", "a")["why"] == "no_digit"  # the repeated ends gave no second 5


def test_barge_in_stops_the_prompt_and_the_digit_counts(media, phone_factory, tmp_path):
    wav = tmp_path / "menu.wav"
    write_tone(wav, 3.0, rate=8000)
    phone = phone_factory()
    media.open("a", phone)
    assert media.request("play", leg="a", prompt={"file": str(wav)}, barge_in=True)["ok"]
    time.sleep(0.5)
    pressed = time.monotonic()
    phone.press("7")
    played = media.event("played", "a")
    assert played == {"event": "played", "leg": "a", "why": "digit", "digit": "7"}
    assert time.monotonic() - pressed < 1.0
    assert media.request("collect", leg="a", timeout_ms=100)["ok"]
    assert media.event("digit", "a")["digit"] == "7"


def speak_after_beep(phone: Phone, since: float, timeout: float = 5) -> float:
    """The caller waits for the beep (500 ms of 1 kHz), silent, then speaks a 440 Hz tone.
    Returns when it started: the recording's first frame is the first one it sends."""
    import media_process
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        samples = phone.audio(since)
        span = loud_span(samples, 1000)
        if span and len(samples) - span[1] > 160:
            assert abs((span[1] - span[0]) / 8000 - 0.5) < 0.02
            phone.source = media_process.sine(440)
            phone.sending = True
            return time.monotonic()
        time.sleep(0.02)
    raise AssertionError("no beep heard")


RECORD = {"company": "acme", "extension": "001", "caller": "+31612345678", "caller_name": "Jan Jansen",
          "called": "+31881234567", "reason": "no_answer", "time_zone": "Europe/Amsterdam"}


def test_voicemail_recorded_with_the_length_sent(media, phone_factory):
    phone = phone_factory()
    media.open("a", phone)
    phone.sending = False
    started = time.monotonic()
    assert media.request("record", leg="a", **RECORD)["ok"]
    spoke = speak_after_beep(phone, started)
    time.sleep(2.5)
    phone.press("#")
    sent = time.monotonic() - spoke
    recorded = media.event("recorded", "a")
    assert recorded["ended"] == "hash"
    assert abs(recorded["seconds"] - sent) <= 0.02 * sent, (recorded, sent)
    folder = Path(recorded["path"])
    record = json.loads((folder / "message.json").read_text())
    assert record["caller"] == "+31612345678" and record["called"] == "+31881234567"
    assert record["reason"] == "no_answer" and record["id"] == recorded["id"]
    with wave.open(str(folder / "message.wav")) as w:
        assert w.getframerate() == 8000
        assert w.getnframes() == round(recorded["seconds"] * 8000)
        samples = struct.unpack(f"<{w.getnframes()}h", w.readframes(w.getnframes()))
    assert abs(frequency(list(samples)) - 440) < 10


def test_voicemail_ended_by_hangup_and_too_short_dropped(tmp_path, phone_factory):
    media = Media(tmp_path, extra=["--smtp", "smtp://127.0.0.1:25999", "--mail-from", "voicemail@acme.example"])
    try:
        phone = phone_factory()
        media.open("a", phone)
        phone.sending = False
        started = time.monotonic()
        assert media.request("record", leg="a", email="anna@acme.example", email_name="Anna", **RECORD)["ok"]
        spoke = speak_after_beep(phone, started)
        time.sleep(3.0)
        phone.sending = False
        sent = time.monotonic() - spoke
        assert media.request("close", leg="a")["ok"]  # the caller hung up: serve got a BYE
        recorded = media.event("recorded", "a")
        assert recorded["ended"] == "closed"
        assert abs(recorded["seconds"] - sent) <= 0.02 * sent, (recorded, sent)
        assert recorded["mail"] == "queued"  # the mail server is down: it waits in the outbox
        assert (tmp_path / "state" / "outbox" / f"{recorded['mail_id']}.mail").exists()

        short = phone_factory()
        media.open("b", short)
        short.sending = False
        started = time.monotonic()
        assert media.request("record", leg="b", **RECORD)["ok"]
        speak_after_beep(short, started)
        time.sleep(1.0)
        short.press("#")
        dropped = media.event("dropped", "b")
        assert dropped["seconds"] < 2.0
    finally:
        media.stop()


def test_voicemail_ended_by_silence(media, phone_factory):
    phone = phone_factory()
    media.open("a", phone)
    phone.sending = False
    started = time.monotonic()
    assert media.request("record", leg="a", silence_seconds=1.0, **RECORD)["ok"]
    import media_process
    spoke = speak_after_beep(phone, started)
    time.sleep(2.2)
    phone.source = media_process.silence
    sent = time.monotonic() - spoke
    recorded = media.event("recorded", "a", timeout=5)
    assert recorded["ended"] == "silence"
    assert abs(recorded["seconds"] - sent) <= 0.02 * sent, (recorded, sent)  # the silence is not kept


def test_bridge_carries_audio_both_ways_with_transcoding(media, phone_factory):
    import media_process
    a = phone_factory(pt=0)
    b = phone_factory(pt=8, telephone_event=False)  # PCMA only
    media.open("a", a)
    reply = media.open("b", b)
    assert reply["codec"] == "PCMA"
    assert media.request("bridge", leg="a", **{"with": "b"})["transcoding"] is True
    a.source = media_process.sine(440)
    b.source = media_process.sine(1000)
    since = time.monotonic() + 0.3
    time.sleep(1.3)
    heard_by_b = b.audio(since)
    heard_by_a = a.audio(since)
    assert abs(frequency(heard_by_b) - 440) < 15
    assert abs(frequency(heard_by_a) - 1000) < 15
    assert media.request("unbridge", leg="a")["ok"]
    assert media.request("bridge", leg="b", **{"with": "b"})["code"] == "bad-request"


def test_rtp_timeout_and_ringback(media, phone_factory):
    phone = phone_factory()
    phone.sending = False
    media.open("a", phone, rtp_timeout_ms=300)
    assert media.event("rtp_timeout", "a", timeout=3)["quiet_ms"] >= 300
    started = time.monotonic()
    assert media.request("ringback", leg="a", on=True)["ok"]
    time.sleep(1.2)
    span = loud_span(phone.audio(started), 500)
    assert span and abs(frequency(phone.audio(started)[span[0]:span[1]]) - 425) < 10


def test_dead_control_connection_closes_every_leg(media, phone_factory):
    media.open("a", phone_factory())
    media.open("b", phone_factory())
    assert media.request("ping")["legs"] == 2
    media.reconnect()
    assert media.request("ping")["legs"] == 0


def test_killed_and_started_again_a_new_leg_works(tmp_path, phone_factory):
    first = Media(tmp_path)
    first.open("a", phone_factory())
    os.kill(first.proc.pid, signal.SIGKILL)
    first.proc.wait()
    first.stop()
    second = Media(tmp_path)  # the same socket path: the stale socket file is replaced
    try:
        phone = phone_factory()
        second.open("a", phone)
        assert second.request("play", leg="a", prompt={"tone": "beep"})["ok"]
        assert second.event("played", "a")["why"] == "end"
    finally:
        second.stop()


def dtmf(digit: str, ms: int = 120):
    """A source that sends the digit's two tones (ITU-T Q.23) for `ms`, then silence."""
    low = {"1": 697, "2": 697, "3": 697, "4": 770, "5": 770, "6": 770, "7": 852, "8": 852, "9": 852,
           "*": 941, "0": 941, "#": 941}[digit]
    high = {"1": 1209, "4": 1209, "7": 1209, "*": 1209, "2": 1336, "5": 1336, "8": 1336, "0": 1336,
            "3": 1477, "6": 1477, "9": 1477, "#": 1477}[digit]
    n = 0

    def frame() -> list[int]:
        nonlocal n
        if n >= ms * 8:
            return [0] * 160
        out = [int(5000 * (math.sin(2 * math.pi * low * (n + i) / 8000) + math.sin(2 * math.pi * high * (n + i) / 8000)))
               for i in range(160)]
        n += 160
        return out
    return frame


def test_inband_digit_when_telephone_event_was_not_offered(media, phone_factory):
    phone = phone_factory(telephone_event=False)
    reply = media.open("a", phone)
    assert reply["telephone_event"] is False
    assert media.request("collect", leg="a", timeout_ms=3000)["ok"]
    time.sleep(0.1)
    phone.source = dtmf("8")
    assert media.event("digit", "a")["digit"] == "8"
    assert media.request("collect", leg="a", timeout_ms=400)["ok"]
    assert media.event("timeout", "a")["why"] == "no_digit"


@pytest.mark.skipif(not shutil.which("espeak-ng") and not os.environ.get("CI"), reason="espeak-ng (Debian espeak-ng) is not installed")
def test_text_prompt_spoken_for_its_length(media, phone_factory):
    phone = phone_factory()
    media.open("a", phone)
    started = time.monotonic()
    reply = media.request("play", leg="a", prompt={"text": "Wij zijn gesloten.", "language": "nl"}, timeout=30)
    assert reply["ok"] and 0.5 < reply["seconds"] < 5, reply
    assert media.event("played", "a", timeout=10)["why"] == "end"
    heard = time.monotonic() - started
    assert heard >= reply["seconds"]
    span = loud_span(phone.audio(started), 500)
    assert span and (span[1] - span[0]) / 8000 <= reply["seconds"] + 0.02


def test_bridge_passes_rfc4733_digits_on(media, phone_factory):
    a, b = phone_factory(), phone_factory()
    media.open("a", a)
    media.open("b", b)
    assert media.request("bridge", leg="a", **{"with": "b"})["transcoding"] is False
    time.sleep(0.2)
    a.press("3")
    time.sleep(0.6)
    with b.lock:
        events = [(p[3], p[4]) for p in b.received if p[1] == 101]
    assert events and all(payload[0] == 3 for _, payload in events)
    assert len({ts for ts, _ in events}) == 1  # one event, sent once
    assert media.request("collect", leg="a", timeout_ms=100)["ok"]
    assert media.event("timeout", "a")["why"] == "no_digit"  # a bridged leg's digits are not queued


def test_our_offer_then_the_peers_answer(media, phone_factory):
    phone = phone_factory(pt=8)
    reply = media.request("open", leg="out")
    assert reply["ok"] and "m=audio" in reply["sdp"] and "PCMU/8000" in reply["sdp"]
    assert media.request("play", leg="out", prompt={"tone": "beep"})["code"] == "wrong-state"
    phone.connect(reply["sdp"])
    answer = phone.offer()  # the phone answers with PCMA and telephone-event
    accepted = media.request("answer", leg="out", sdp=answer)
    assert accepted["ok"] and accepted["codec"] == "PCMA" and accepted["telephone_event"], accepted
    assert media.request("answer", leg="out", sdp=answer)["code"] == "wrong-state"
    started = time.monotonic()
    assert abs(media.request("play", leg="out", prompt={"tone": "beep"})["seconds"] - 0.5) < 0.001
    assert media.event("played", "out")["why"] == "end"
    time.sleep(0.1)
    span = loud_span(phone.audio(started), 1000)
    assert span and abs((span[1] - span[0]) / 8000 - 0.5) < 0.01
    assert media.request("answer", leg="nobody", sdp=answer)["code"] == "unknown-leg"
    assert media.request("open", leg="bad", offer="v=0\r\nm=audio x RTP/AVP 0\r\n")["code"] == "bad-sdp"
