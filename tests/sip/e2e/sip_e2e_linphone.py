"""linphonec (Debian linphone-cli 5.1) as a phone for the end-to-end tests, headless: one
account from an rc file written as docs/sip-server.md ("linphone") tells a user, driven over
its stdin, its console lines collected on a thread.

What headless linphonec needs (found with `-d 6` logs, tests/sip/e2e/README.md):
- its data directory `$HOME/.local/share/linphone` must exist: without it the database
  cannot be opened and the core stays in `LinphoneGlobalStartup`, where it sends one REGISTER
  before it listens anywhere (`No listening point matching`) and never retries;
- no sound card: `soundcard use files` makes it play a WAV file (`play`) as microphone and
  write what it receives to another (`record`), so a test can measure the audio received.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import threading
import time
import math
import wave
from pathlib import Path

LINPHONEC = shutil.which("linphonec")
def _port_range(variable: str, default: range) -> range:
    """A range "FIRST-LAST" from the environment (parallel runs on one machine), else default."""
    text = os.environ.get(variable)
    if not text:
        return default
    first, last = (int(x) for x in text.split("-"))
    return range(first, last + 1)


PORTS = _port_range("CALLPLAN_E2E_LINPHONE_PORTS", range(24000, 24500))  # blocks of 20
_next_block = [int.from_bytes(os.urandom(2), "big") % (len(PORTS) // 20)]


def free_block(ip: str) -> int:
    """The first of 20 ports of PORTS free right now: SIP on UDP and TCP (first, first+1),
    RTP and RTCP in first+10..first+19."""
    for _ in range(len(PORTS) // 20):
        first = PORTS.start + 20 * (_next_block[0] % (len(PORTS) // 20))
        _next_block[0] += 1
        try:
            for port in (first, first + 1, first + 10, first + 11):
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, \
                        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                    # Listeners reuse ports whose old connections are in TIME_WAIT
                    # (the phones set SO_REUSEADDR): so does this probe.
                    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    u.bind((ip, port))
                    t.bind((ip, port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no free ports in {PORTS.start}-{PORTS.stop - 1}")


def write_tone(path: Path, seconds: float = 3.0, hz: float = 440.0) -> None:
    """A 16-bit mono 8 kHz sine: the microphone of a linphonec in file mode."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * hz * i / 8000)))
                               for i in range(int(8000 * seconds))))


def rc_text(*, username: str, password: str, realm: str, server: str, transport: str,
            sip_port: int, rtp_ports: str, ip: str) -> str:
    """The linphonerc of one account: the settings of docs/sip-server.md ("linphone"), plus
    fixed ports for the test."""
    return (
        "[sip]\n"
        f"sip_port={sip_port if transport == 'udp' else 0}\n"
        f"sip_tcp_port={sip_port + 1 if transport == 'tcp' else 0}\n"
        "sip_tls_port=0\n"
        f"bind_address={ip}\n"
        "default_proxy=0\n"
        "use_ipv6=0\n"
        "guess_hostname=1\n"
        "inc_timeout=30\n"
        "[rtp]\n"
        f"audio_rtp_port={rtp_ports}\n"
        "[net]\n"
        "firewall_policy=0\n"
        "[video]\n"
        "capture=0\n"
        "display=0\n"
        "[proxy_0]\n"
        f"reg_proxy=<sip:{server};transport={transport}>\n"
        f"reg_identity=sip:{username}@{server.split(':')[0]}\n"
        "reg_expires=600\n"
        "reg_sendregister=1\n"
        "publish=0\n"
        "[auth_info_0]\n"
        f"username={username}\n"
        f"passwd={password}\n"
        f"realm={realm}\n")


class Linphonec:
    """One linphonec process with one account."""

    def __init__(self, workdir: Path, name: str, *, username: str, password: str, realm: str,
                 server: str, transport: str, ip: str = "127.0.0.1") -> None:
        self.name = name
        self.dir = workdir / f"linphonec-{name}"
        (self.dir / "home" / ".local" / "share" / "linphone").mkdir(parents=True, exist_ok=True)
        first = free_block(ip)
        self.sip_port = first if transport == "udp" else first + 1
        (self.dir / "rc").write_text(rc_text(
            username=username, password=password, realm=realm, server=server,
            transport=transport, sip_port=first, rtp_ports=f"{first + 10}-{first + 19}", ip=ip))
        self.tone = self.dir / "tone.wav"
        write_tone(self.tone)
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self.log = open(self.dir / "linphonec.out", "wb")
        env = dict(os.environ, HOME=str(self.dir / "home"))
        self.proc = subprocess.Popen(
            [LINPHONEC, "-c", str(self.dir / "rc"), "-d", "6", "-l", str(self.dir / "debug.log")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
            cwd=self.dir)
        threading.Thread(target=self._read, daemon=True).start()
        self.command("soundcard use files")
        self.command(f"play {self.tone}")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in iter(self.proc.stdout.readline, b""):
            self.log.write(raw)
            line = raw.decode(errors="replace").rstrip("\r\n")
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()

    def command(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()

    def wait_line(self, pattern: str, timeout: float = 5.0, start: int = 0) -> re.Match[str]:
        """The first console line from index `start` matching `pattern` (a regex)."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines[start:]:
                    if m := regex.search(line):
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"linphonec {self.name}: no line /{pattern}/ within "
                                         f"{timeout} s\n{self.text()}")
                self._cond.wait(left)

    def mark(self) -> int:
        with self._cond:
            return len(self.lines)

    def has_line(self, pattern: str, start: int = 0) -> bool:
        regex = re.compile(pattern)
        with self._cond:
            return any(regex.search(line) for line in self.lines[start:])

    def wait_registered(self, timeout: float = 5.0) -> None:
        """Until `states proxies` shows the account LinphoneRegistrationOk."""
        deadline = time.monotonic() + timeout
        while True:
            start = self.mark()
            self.command("states proxies")
            self.wait_line(r"\| Linphone\w+", timeout, start)
            if self.has_line(r"\| LinphoneRegistrationOk", start):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"linphonec {self.name} did not register\n{self.text()}")
            time.sleep(0.2)

    def record_to(self, path: Path) -> None:
        self.command(f"record {path}")

    def text(self) -> str:
        self.log.flush()
        return (self.dir / "linphonec.out").read_text(errors="replace")[-3000:]

    def close(self) -> None:
        try:
            self.command("quit")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def received_audio_seconds(path: Path) -> float:
    """How much audio a linphonec in file mode wrote to its `record` file."""
    if not path.exists() or path.stat().st_size <= 44:
        return 0.0
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()
