"""A redis-server for one test: on a Unix socket in the test's directory (never a TCP port:
parallel agents and CI jobs share this machine's ports), no persistence, stopped by its PID."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server")
REDIS_CLI = shutil.which("redis-cli")


# docs/cluster.md's ACL user for the nodes ("Redis with a password"), checked here.
ACL_RULES = ["~callplan:*", "&callplan:*", "+@all", "-@admin", "-@dangerous", "+script|load"]


class RedisProcess:
    """`password`: Redis asks for it, as the password of an ACL user `user` (the default user
    off, the rules of docs/cluster.md), or of the default user (requirepass) when `user` is
    None. The nodes give them in --cluster-auth-file (`auth_file`), redis-cli its password in
    its environment: never on a command line."""

    def __init__(self, workdir: Path, password: str | None = None, user: str | None = None) -> None:
        self.workdir = workdir
        self.password = password
        self.user = user
        self.auth_file: Path | None = None
        if password:
            self.auth_file = workdir / "redis.pass"
            self.auth_file.write_text((f"{user}\n" if user else "") + password + "\n")
            self.auth_file.chmod(0o600)
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
             "--daemonize", "no", "--dir", str(self.workdir), "--logfile", str(log),
             *self._auth_args()],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.socket.exists() and self.cli("PING") == "PONG":
                return self
            assert self.proc.poll() is None, log.read_text()
            time.sleep(0.02)
        raise AssertionError(f"redis-server did not answer within 5 s\n{log.read_text()}")

    def _auth_args(self) -> list[str]:
        if not self.password:
            return []
        if not self.user:
            return ["--requirepass", self.password]
        return ["--user", "default", "off", "--user", self.user, "on", f">{self.password}", *ACL_RULES]

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

    def _env(self) -> dict[str, str]:
        return {**os.environ, "REDISCLI_AUTH": self.password} if self.password else dict(os.environ)

    def _cli(self) -> list[str]:
        assert REDIS_CLI is not None
        return [REDIS_CLI, "-s", str(self.socket), *(["--user", self.user] if self.user else [])]

    def cli(self, *args: str) -> str:
        out = subprocess.run([*self._cli(), *args], capture_output=True,
                             text=True, timeout=5, env=self._env())
        return out.stdout.strip()

    def bindings(self, company: str) -> dict[tuple[str, str], dict[str, str]]:
        """The company's bindings as the nodes wrote them (cluster/binding_record.hpp):
        (username, contact) -> the record's fields."""
        out = subprocess.run([*self._cli(), "--no-raw", "HGETALL",
                              f"callplan:{{{company}}}:bindings"],
                             capture_output=True, text=True, timeout=5, env=self._env()).stdout
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
