"""A redis-server for one test: on a Unix socket in the test's directory (never a TCP port:
parallel agents and CI jobs share this machine's ports), no persistence, stopped by its PID."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server")
REDIS_CLI = shutil.which("redis-cli")


class RedisProcess:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.socket = workdir / "redis.sock"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"unix:{self.socket}"

    def start(self) -> "RedisProcess":
        """Starts an empty Redis (no RDB, no AOF: a restart is a Redis that lost everything)."""
        assert REDIS_SERVER is not None
        self.starts += 1
        self.socket.unlink(missing_ok=True)
        log = self.workdir / f"redis-{self.starts}.log"
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", "0", "--unixsocket", str(self.socket),
             "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.workdir), "--logfile", str(log)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.socket.exists() and self.cli("PING") == "PONG":
                return self
            assert self.proc.poll() is None, log.read_text()
            time.sleep(0.02)
        raise AssertionError(f"redis-server did not answer within 5 s\n{log.read_text()}")

    def kill(self) -> None:
        """SIGKILL by PID: Redis goes away at once, with everything it held."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=5)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait(timeout=5)

    def cli(self, *args: str) -> str:
        assert REDIS_CLI is not None
        out = subprocess.run([REDIS_CLI, "-s", str(self.socket), *args], capture_output=True,
                             text=True, timeout=5)
        return out.stdout.strip()

    def bindings(self, company: str) -> dict[tuple[str, str], dict[str, str]]:
        """The company's bindings as the nodes wrote them (cluster/binding_record.hpp):
        (username, contact) -> the record's fields."""
        assert REDIS_CLI is not None
        out = subprocess.run([REDIS_CLI, "-s", str(self.socket), "--no-raw", "HGETALL",
                              f"callplan:{{{company}}}:bindings"],
                             capture_output=True, text=True, timeout=5).stdout
        # --no-raw quotes each element with C escapes ("alice\nsip:..."); decode them.
        items = [bytes(line.split(") ", 1)[1].strip().strip('"'), "utf-8").decode("unicode_escape")
                 for line in out.splitlines() if ") " in line]
        names = ["version", "updated_ms", "expires_ms", "owner", "transport", "address", "port",
                 "q_millis", "cseq", "call_id"]
        found = {}
        for field, value in zip(items[0::2], items[1::2]):
            username, contact = field.split("\n", 1)
            found[(username, contact)] = dict(zip(names, value.split("\n")))
        return found
