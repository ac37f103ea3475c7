"""Real softphones for the end-to-end tests: baresip, headless, driven over its ctrl_tcp
module (netstring-framed JSON commands; it reports call and registration events the same
way). Configured with `-f DIR` exactly as docs/sip-server.md ("Setting up phones") tells a
user, with a sine tone as microphone and no speaker, so it needs no sound card.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

BARESIP = shutil.which("baresip")
MODULES = Path("/usr/lib/baresip/modules")
PORTS = range(21000, 22000)  # this helper's range (tests/sip/e2e/README.md)
if os.environ.get("CALLPLAN_E2E_BARESIP_PORTS"):  # parallel runs on one machine: "FIRST-LAST"
    _first, _last = (int(x) for x in os.environ["CALLPLAN_E2E_BARESIP_PORTS"].split("-"))
    PORTS = range(_first, _last + 1)


_next_block = [random.randrange(0, len(PORTS) // 16)]


def free_ports(ip: str) -> int:
    """The first of 16 ports of PORTS free for UDP and TCP on ip right now: baresip listens on
    its SIP port and the next ones (TCP, TLS), the control port is the 10th. Blocks are
    handed out in turn from a random start, so phones started together never share one."""
    for _ in range(len(PORTS) // 16):
        block = _next_block[0] % (len(PORTS) // 16)
        _next_block[0] += 1
        first = PORTS.start + 16 * block
        try:
            for port in (first, first + 1, first + 2, first + 10):
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


class Baresip:
    """One baresip process: one account, events collected on a thread."""

    def __init__(self, workdir: Path, name: str, *, username: str, password: str,
                 server: str, transport: str, ip: str = "127.0.0.1",
                 watches: tuple[str, ...] = (), heard: Path | None = None) -> None:
        """`watches`: colleagues' extensions whose presence this phone shows (its contacts
        with `;presence=p2p`, subscribed by baresip's presence module). `heard`: a folder
        where baresip's sndfile module keeps each call's audio as WAV files (`*-dec.wav` is
        what the phone heard); None keeps nothing."""
        self.name = name
        self.dir = workdir / f"baresip-{name}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.sip_port = free_ports(ip)
        self.ctrl_port = self.sip_port + 10
        (self.dir / "config").write_text(
            f"sip_listen\t{ip}:{self.sip_port}\n"
            f"module_path\t{MODULES}\n"
            "module_app\taccount.so\n"
            "module\tg711.so\n"
            "module\taufile.so\n"
            "module\tausine.so\n"
            "module_app\tmenu.so\n"
            + ("module_app\tcontact.so\nmodule_app\tpresence.so\n" if watches else "") +
            "module\tctrl_tcp.so\n"
            f"ctrl_tcp_listen\t{ip}:{self.ctrl_port}\n"
            "audio_player\taufile,/dev/null\n"
            + (f"module\tsndfile.so\nsnd_path\t{heard}\n" if heard else "") +
            "audio_source\tausine,440\n"
            "audio_alert\taufile,/dev/null\n"
            # ausine plays only 48 kHz stereo: baresip resamples to the call's codec.
            "ausrc_srate\t48000\n"
            "auplay_srate\t48000\n"
            "ausrc_channels\t2\n"
            "auplay_channels\t2\n"
            "rtcp_mux\tno\n")
        # The account line of docs/sip-server.md.
        (self.dir / "accounts").write_text(
            f"<sip:{username}@{server};transport={transport}>;auth_user={username};"
            f"auth_pass={password};regint=600\n")
        (self.dir / "contacts").write_text("".join(
            f'"{ext}" <sip:{ext}@{server};transport={transport}>;presence=p2p\n'
            for ext in watches))
        self.events: list[dict] = []
        self._cond = threading.Condition()
        self.log = open(self.dir / "baresip.log", "wb")
        self.proc = subprocess.Popen([BARESIP, "-f", str(self.dir)], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.sock = self._connect(ip)
        threading.Thread(target=self._read, daemon=True).start()

    def _connect(self, ip: str) -> socket.socket:
        deadline = time.monotonic() + 5
        while True:
            try:
                return socket.create_connection((ip, self.ctrl_port), timeout=1)
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise AssertionError(f"baresip {self.name} has no ctrl_tcp:\n{self.text()}")
                time.sleep(0.05)

    def _read(self) -> None:
        buf = b""
        self.sock.settimeout(None)
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b":" in buf:  # netstrings: "<len>:<payload>,"
                size_text, rest = buf.split(b":", 1)
                size = int(size_text)
                if len(rest) < size + 1:
                    break
                payload, buf = rest[:size], rest[size + 1:]
                with self._cond:
                    self.events.append(json.loads(payload))
                    self._cond.notify_all()

    def command(self, command: str, params: str = "") -> None:
        data = json.dumps({"command": command, "params": params, "token": command}).encode()
        self.sock.sendall(str(len(data)).encode() + b":" + data + b",")

    def wait_event(self, kind: str, timeout: float = 5.0) -> dict:
        """The first event of `kind` (e.g. REGISTER_OK, CALL_INCOMING, CALL_ESTABLISHED,
        CALL_CLOSED); AssertionError with the log after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for e in self.events:
                    if e.get("event") and e.get("type") == kind:
                        return e
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"baresip {self.name}: no {kind} within {timeout} s; "
                                         f"events {[e.get('type') for e in self.events]}\n"
                                         f"{self.text()}")
                self._cond.wait(left)

    def wait_registered(self, timeout: float = 5.0) -> None:
        """Until `reginfo` shows the account registered (it registers while we connect, so
        its REGISTER_OK event may come before we listen)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                self.events = [e for e in self.events if e.get("token") != "reginfo"]
            self.command("reginfo")
            answer = self.wait_response("reginfo", timeout)
            if "OK" in answer.get("data", ""):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"baresip {self.name} did not register: {answer}\n"
                                     f"{self.text()}")
            time.sleep(0.1)

    def wait_response(self, token: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for e in self.events:
                    if e.get("response") and e.get("token") == token:
                        return e
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"baresip {self.name}: no answer to {token}")
                self._cond.wait(left)

    def has_event(self, kind: str) -> bool:
        with self._cond:
            return any(e.get("type") == kind for e in self.events)

    def text(self) -> str:
        self.log.flush()
        return (self.dir / "baresip.log").read_text(errors="replace")[-3000:]

    def close(self) -> None:
        try:
            self.command("quit")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.sock.close()
        self.log.close()
