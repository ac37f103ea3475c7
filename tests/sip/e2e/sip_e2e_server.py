"""The server under test: `callplan serve` (or, to check the tests themselves, a Kamailio
stand-in), on loopback ports picked for each test. Reads its stderr on a thread so tests can
wait for log lines ("ready", "reloaded ...") with a deadline."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVER_IP = "127.0.0.1"   # the server and the phones
TRUNK_IP = "127.0.0.2"    # the carrier: a different loopback address, since the server
                          # tells the trunk by its IP (requests from it are not challenged)


def free_udp_port(ip: str) -> int:
    """A port free for UDP and TCP on ip right now (the kernel's pick)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind((ip, 0))
            port = u.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind((ip, port))
                except OSError:
                    continue
            return port


def which_server() -> str:
    """"callplan" (default) or "kamailio" (CALLPLAN_E2E_SERVER), the stand-in."""
    return os.environ.get("CALLPLAN_E2E_SERVER", "callplan")


class ServerProcess:
    def __init__(self, tenant: Path, workdir: Path, *, media_server: str | None = None,
                 tcp: bool = False, extra_args: list[str] | None = None) -> None:
        self.tenant = tenant
        self.workdir = workdir
        self.port = free_udp_port(SERVER_IP)
        self.trunk_port = free_udp_port(TRUNK_IP)
        self.kind = which_server()
        self.lines: list[str] = []
        self._cond = threading.Condition()
        if self.kind == "kamailio":
            self.args = ["kamailio", "-f", str(HERE / "standin_kamailio.cfg"), "-DD", "-E",
                         "-n", "2", "-Y", str(workdir / "kamailio-run"),
                         "-A", f"LISTEN=udp:{SERVER_IP}:{self.port}",
                         "-A", f'TRUNK_IP="{TRUNK_IP}"',
                         "-A", f'TRUNK="{TRUNK_IP}:{self.trunk_port}"']
            (workdir / "kamailio-run").mkdir(exist_ok=True)
        else:
            binary = os.environ.get("CALLPLAN_BIN") or shutil.which("callplan") or "callplan"
            if os.sep in binary:  # the server runs in the test's directory
                binary = str(Path(binary).resolve())
            self.args = [binary, "serve", str(tenant), "--listen", f"udp:{SERVER_IP}:{self.port}",
                         "--trunk", f"{TRUNK_IP}:{self.trunk_port}", "--log-level", "info"]
            if tcp:
                self.args += ["--listen", f"tcp:{SERVER_IP}:{self.port}"]
            # The call detail records of this server (never the user's own state directory).
            self.cdr = workdir / "cdr.jsonl"
            self.args += ["--state-dir", str(workdir / "state"), "--cdr", str(self.cdr)]
            if media_server:
                self.args += ["--media-server", media_server]
            self.args += extra_args or []
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> tuple[str, int]:
        return (SERVER_IP, self.port)

    @property
    def hostport(self) -> str:
        return f"{SERVER_IP}:{self.port}"

    def start(self, ready_timeout: float = 10.0) -> "ServerProcess":
        self.proc = subprocess.Popen(self.args, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        if self.kind == "kamailio":
            self.wait_for(r"Listening on|init_child|INFO", ready_timeout)
            time.sleep(0.5)  # the workers bind after the main process logs
        else:
            self.wait_for(r"callplan serve: ready", ready_timeout)
            if self.runs_own_media:
                # Its media side logs while it comes up; a test that counts log lines starts
                # after both ends said they are connected.
                self.wait_for(r"callplan serve: media side: connected to process", ready_timeout)
                self.wait_for(r"media: control: connected", ready_timeout)
        return self

    @property
    def runs_own_media(self) -> bool:
        return (self.kind == "callplan" and "--no-media" not in self.args
                and not any(a.startswith("--media-server") for a in self.args))

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        log = (self.workdir / "server.stderr.log").open("w")
        for raw in self.proc.stderr:
            line = raw.decode(errors="replace").rstrip("\n")
            log.write(line + "\n")
            log.flush()
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()
        log.close()

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> str:
        """The first stderr line from index `start` on that matches; AssertionError after
        `timeout` seconds or when the server exits first."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines[start:]:
                    if rx.search(line):
                        return line
                if self.proc is not None and self.proc.poll() is not None:
                    raise AssertionError(f"server exited ({self.proc.returncode}) before "
                                         f"/{pattern}/:\n{self.stderr_text()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no /{pattern}/ from the server within {timeout} s:\n"
                                         f"{self.stderr_text()}")
                self._cond.wait(left)

    def call_records(self, count: int, timeout: float = 5.0) -> list[dict]:
        """The call detail records (--cdr), once there are at least `count` of them; they are
        written off the event loop, so wait for them. AssertionError after `timeout` s."""
        import json
        deadline = time.monotonic() + timeout
        while True:
            text = self.cdr.read_text() if self.cdr.exists() else ""
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
            if len(records) >= count:
                return records
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(records)} call records, expected {count}:\n{text}"
                                     f"\n{self.stderr_text()}")
            time.sleep(0.05)

    def stderr_text(self, last: int = 60) -> str:
        with self._cond:
            return "\n".join(self.lines[-last:])

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def stop(self) -> int | None:
        """SIGTERM and wait (callplan must exit 0); SIGKILL the group after 5 s."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
                return None
        if self.kind == "kamailio":
            try:  # its worker processes, in the group we created
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return self.proc.returncode
