"""End to end: a voicemail message stored and mailed through a real SMTP server.

The C++ side runs in tests/mail/mail_driver (the voicemail store, the mail builder, the outbox
and its sender thread); aiosmtpd (Debian python3-aiosmtpd) is the mail server on 127.0.0.1,
ports 24025-24049. The mail is parsed back with Python's `email` package.
"""

from __future__ import annotations

import email
import email.policy
import json
import math
import os
import re
import shutil
import ssl
import struct
import subprocess
import time
import wave
from pathlib import Path

import pytest

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd (Debian python3-aiosmtpd) is not installed")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

DRIVER = os.environ.get("CALLPLAN_MAIL_DRIVER", "build/dev/tests/callplan_mail_driver")
HOST = "127.0.0.1"


class Sink:
    """Collects mail; can refuse recipients or answer DATA with scripted replies first."""

    def __init__(self, rcpt_reply: str | None = None, data_replies: list[str] | None = None):
        self.received: list = []
        self.rcpt_reply = rcpt_reply
        self.data_replies = list(data_replies or [])
        self.logins: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.data_replies:
            return self.data_replies.pop(0)
        self.received.append(envelope)
        return "250 2.0.0 Message accepted for delivery"


def start(sink: Sink, port: int, **kwargs) -> Controller:
    controller = Controller(sink, hostname=HOST, port=port, **kwargs)
    controller.start()
    return controller


def write_tone(path: Path, seconds: float, rate: int = 16000, channels: int = 2) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = bytearray()
        for i in range(int(seconds * rate)):
            v = int(12000 * math.sin(2 * math.pi * 440 * i / rate))
            frames += struct.pack("<h", v) * channels
        w.writeframes(bytes(frames))


def leave(tmp: Path, wav: Path, *, language="nl", caller_name="Jan Jansen", to_name="Anna de Vries",
          reason="no_answer") -> tuple[str, Path, str]:
    out = subprocess.run(
        [DRIVER, "leave", "--state", str(tmp / "state"), "--outbox", str(tmp / "outbox"), "--wav", str(wav),
         "--company", "acme", "--extension", "001", "--caller", "+31612345678", "--caller-name", caller_name,
         "--called", "+31881234567", "--to", "anna@acme.example", "--to-name", to_name,
         "--from", "voicemail@acme.example", "--language", language, "--zone", "Europe/Amsterdam",
         "--reason", reason],
        capture_output=True, text=True, timeout=30, check=True)
    lines = out.stdout.split()
    if lines == ["dropped"]:
        return "", Path(), ""
    return lines[0], Path(lines[1]), lines[2]


def send(tmp: Path, url: str, timeout_s: int = 20, **popen) -> subprocess.CompletedProcess:
    return subprocess.run([DRIVER, "send", "--outbox", str(tmp / "outbox"), "--smtp", url,
                           "--first-retry-ms", "200", "--timeout-s", str(timeout_s)],
                          capture_output=True, text=True, timeout=timeout_s + 30)


def attempt_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if re.match(r"mail \S+ to \S+ attempt \d+: ", line)]


def the_only_attachment(message) -> email.message.EmailMessage:
    parts = [p for p in message.walk() if p.get_content_disposition() == "attachment"]
    assert len(parts) == 1, [p.get_content_type() for p in message.walk()]
    assert parts[0].get_content_type() == "audio/wav"
    return parts[0]


def test_voicemail_is_stored_and_mailed_with_its_wav(tmp_path):
    source = tmp_path / "caller.wav"
    write_tone(source, 3.0)  # 16 kHz stereo: stored as 8 kHz mono
    message_id, folder, mail_id = leave(tmp_path, source, reason="busy")

    # The store: an 8 kHz mono 16-bit WAV of the same length and a record.
    with wave.open(str(folder / "message.wav")) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()) == (8000, 1, 2, 24000)
    record = json.loads((folder / "message.json").read_text())
    assert record["id"] == message_id == folder.name
    assert record["caller"] == "+31612345678"
    assert record["called"] == "+31881234567"
    assert record["reason"] == "busy"
    assert record["state"] == "new"
    assert record["seconds"] == 3.0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", record["received"])
    assert folder.parent == tmp_path / "state" / "voicemail" / "acme" / "001" / "messages"

    sink = Sink()
    server = start(sink, 24025)
    try:
        result = send(tmp_path, f"smtp://{HOST}:24025")
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    assert attempt_lines(result.stderr) == [
        f"mail {mail_id} to anna@acme.example attempt 1: delivered: 250 2.0.0 Message accepted for delivery"]
    assert not list((tmp_path / "outbox").glob("*.mail"))

    assert len(sink.received) == 1
    envelope = sink.received[0]
    assert envelope.mail_from == "voicemail@acme.example"
    assert envelope.rcpt_tos == ["anna@acme.example"]
    mail = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert mail["To"] == "Anna de Vries <anna@acme.example>"
    assert mail["From"] == "Voicemail <voicemail@acme.example>"
    assert mail["Subject"] == "Voicemail van Jan Jansen (+31612345678) voor +31881234567 (0:03)"
    assert mail["Date"].datetime is not None
    assert re.fullmatch(r"<[^@>]+@acme\.example>", mail["Message-ID"])
    attachment = the_only_attachment(mail)
    assert attachment.get_payload(decode=True) == (folder / "message.wav").read_bytes()
    assert attachment.get_filename().startswith("voicemail-") and attachment.get_filename().endswith(
        "-31612345678.wav")
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Van: Jan Jansen (+31612345678)" in body
    assert "Gebeld nummer: +31881234567" in body
    assert "Lengte: 0:03" in body
    assert "Reden: in gesprek" in body
    day = int(record["received"][8:10])
    assert re.search(rf"Ontvangen: {day} \w+ \d{{4}} om {record['received'][11:16]}", body), body
    # Lines of at most 78 characters (RFC 5322), base64 lines of 76 (RFC 2045).
    raw = envelope.original_content.decode("ascii")
    assert max(len(line) for line in raw.split("\r\n")) <= 78
    encoded = raw.split("filename=")[1].split("\r\n\r\n", 1)[1].split("\r\n--")[0].split("\r\n")
    assert all(len(line) == 76 for line in encoded[:-1]) and 0 < len(encoded[-1]) <= 76


def test_non_ascii_names_and_english(tmp_path):
    source = tmp_path / "caller.wav"
    write_tone(source, 2.5, rate=8000, channels=1)
    _, folder, _ = leave(tmp_path, source, language="en", caller_name="Jürgen Müller", to_name="Zoë Ølsen")
    sink = Sink()
    server = start(sink, 24026)
    try:
        assert send(tmp_path, f"smtp://{HOST}:24026").returncode == 0
    finally:
        server.stop()
    raw = sink.received[0].original_content
    assert all(b < 0x80 for b in raw), "headers and body are 7-bit"
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail["Subject"] == "Voicemail from Jürgen Müller (+31612345678) for +31881234567 (0:03)"
    assert mail["To"].addresses[0].display_name == "Zoë Ølsen"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Zoë Ølsen," in body
    assert "From: Jürgen Müller (+31612345678)" in body
    assert the_only_attachment(mail).get_payload(decode=True) == (folder / "message.wav").read_bytes()


@pytest.mark.skipif(shutil.which("sox") is None and not os.environ.get("CI"), reason="sox is not installed")
def test_other_formats_from_sox_are_stored_at_8khz(tmp_path):
    source = tmp_path / "caller.flac"
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", str(source), "synth", "2.5", "sine", "440"], check=True)
    _, folder, _ = leave(tmp_path, source)
    with wave.open(str(folder / "message.wav")) as w:
        assert (w.getframerate(), w.getnchannels(), w.getnframes()) == (8000, 1, 20000)


def test_short_recording_is_dropped_and_not_mailed(tmp_path):
    source = tmp_path / "caller.wav"
    write_tone(source, 1.5)
    assert leave(tmp_path, source) == ("", Path(), "")
    assert not (tmp_path / "state" / "voicemail" / "acme").exists()


def test_mail_server_down_then_up_the_mail_arrives(tmp_path):
    source = tmp_path / "caller.wav"
    write_tone(source, 2.5)
    _, folder, mail_id = leave(tmp_path, source)
    sender = subprocess.Popen([DRIVER, "send", "--outbox", str(tmp_path / "outbox"), "--smtp",
                               f"smtp://{HOST}:24027", "--first-retry-ms", "200", "--timeout-s", "30"],
                              stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)  # attempts fail: nothing listens
        assert (tmp_path / "outbox" / f"{mail_id}.mail").exists()
        sink = Sink()
        server = start(sink, 24027)
        try:
            _, stderr = sender.communicate(timeout=40)
        finally:
            server.stop()
    finally:
        if sender.poll() is None:
            sender.kill()
            sender.wait()
    assert sender.returncode == 0, stderr
    lines = attempt_lines(stderr)
    assert len(lines) >= 2, stderr  # at least one failed attempt, then the delivery
    for line in lines[:-1]:
        assert "not delivered: " in line and "next attempt in" in line, line
    assert lines[-1].endswith("delivered: 250 2.0.0 Message accepted for delivery")
    assert len(sink.received) == 1
    mail = email.message_from_bytes(sink.received[0].original_content, policy=email.policy.default)
    assert the_only_attachment(mail).get_payload(decode=True) == (folder / "message.wav").read_bytes()


def test_temporary_refusal_is_retried(tmp_path):
    source = tmp_path / "caller.wav"
    write_tone(source, 2.5)
    _, _, mail_id = leave(tmp_path, source)
    sink = Sink(data_replies=["451 4.7.1 Greylisted, try again later"])
    server = start(sink, 24028)
    try:
        result = send(tmp_path, f"smtp://{HOST}:24028")
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    lines = attempt_lines(result.stderr)
    assert lines[0].startswith(f"mail {mail_id} to anna@acme.example attempt 1: not delivered: "
                               "451 4.7.1 Greylisted, try again later")
    assert lines[1].endswith("attempt 2: delivered: 250 2.0.0 Message accepted for delivery")
    assert len(sink.received) == 1


def test_permanent_rejection_is_kept_in_failed(tmp_path):
    source = tmp_path / "caller.wav"
    write_tone(source, 2.5)
    _, _, mail_id = leave(tmp_path, source)
    sink = Sink(rcpt_reply="550 5.1.1 <anna@acme.example>: Recipient address rejected")
    server = start(sink, 24029)
    try:
        result = send(tmp_path, f"smtp://{HOST}:24029")
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    assert attempt_lines(result.stderr) == [
        f"mail {mail_id} to anna@acme.example attempt 1: rejected: 550 5.1.1 <anna@acme.example>: "
        f"Recipient address rejected; kept in failed/{mail_id}.mail"]
    assert not sink.received
    failed = tmp_path / "outbox" / "failed"
    assert (failed / f"{mail_id}.mail").exists()
    assert (failed / f"{mail_id}.reason").read_text().startswith("550 5.1.1")


class Accounts:
    def __init__(self, users: dict[str, str]):
        self.users = users
        self.mechanisms: list[str] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.mechanisms.append(mechanism)
        ok = isinstance(auth_data, LoginPassword) and \
            self.users.get(auth_data.login.decode()) == auth_data.password.decode()
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


# Login without TLS is what these tests exercise; aiosmtpd warns about it.
no_tls_warning = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@no_tls_warning
@pytest.mark.parametrize("mechanism,port", [("", 24030), (";auth=LOGIN", 24031), (";auth=PLAIN", 24032)])
def test_login(tmp_path, mechanism, port):
    source = tmp_path / "caller.wav"
    write_tone(source, 2.5)
    leave(tmp_path, source)
    accounts = Accounts({"voicemail@acme.example": "p@ss:word"})
    sink = Sink()
    server = start(sink, port, authenticator=accounts, auth_required=True, auth_require_tls=False)
    try:
        result = send(tmp_path, f"smtp://voicemail%40acme.example:p%40ss%3Aword{mechanism}@{HOST}:{port}")
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    assert len(sink.received) == 1
    if mechanism:
        assert accounts.mechanisms == [mechanism.split("=")[1]]
    assert "p@ss" not in result.stderr


@no_tls_warning
def test_wrong_password_keeps_the_mail_waiting(tmp_path):
    source = tmp_path / "caller.wav"
    write_tone(source, 2.5)
    _, _, mail_id = leave(tmp_path, source)
    sink = Sink()
    server = start(sink, 24033, authenticator=Accounts({"vm": "right"}), auth_required=True,
                   auth_require_tls=False)
    try:
        result = send(tmp_path, f"smtp://vm:wrong@{HOST}:24033", timeout_s=2)
    finally:
        server.stop()
    assert result.returncode == 1  # still waiting when the driver gave up
    assert (tmp_path / "outbox" / f"{mail_id}.mail").exists()
    assert not list((tmp_path / "outbox" / "failed").glob("*"))
    line = attempt_lines(result.stderr)[0]
    assert "attempt 1: not delivered: 535" in line, line


@pytest.mark.skipif(shutil.which("openssl") is None and not os.environ.get("CI"), reason="openssl is not installed")
def test_starttls_required(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    source = tmp_path / "caller.wav"
    write_tone(source, 2.5)
    leave(tmp_path, source)
    sink = Sink()
    server = start(sink, 24034, tls_context=context, require_starttls=True)
    try:
        # Without STARTTLS the server refuses the mail (530): it stays queued.
        plain = send(tmp_path, f"smtp://{HOST}:24034", timeout_s=2)
        assert plain.returncode == 1
        assert "530" in attempt_lines(plain.stderr)[0]
        result = send(tmp_path, f"smtp://{HOST}:24034?starttls=required&cafile={cert}")
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    assert len(sink.received) == 1


def test_starttls_required_but_not_offered_is_not_sent_in_the_clear(tmp_path):
    source = tmp_path / "caller.wav"
    write_tone(source, 2.5)
    leave(tmp_path, source)
    sink = Sink()
    server = start(sink, 24035)
    try:
        result = send(tmp_path, f"smtp://{HOST}:24035?starttls=required", timeout_s=2)
    finally:
        server.stop()
    assert result.returncode == 1
    assert not sink.received
    assert "not delivered" in attempt_lines(result.stderr)[0]
