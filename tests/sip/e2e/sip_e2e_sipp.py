"""sipp peers for the end-to-end tests: start a scenario, wait for it, read what it saw.

Every peer writes its message trace (-trace_msg), its errors (-trace_err) and its final
screen (-trace_screen) into the test's directory, so a failing test can say exactly which
message a peer expected and what it got instead. Never -bg: the runner owns the process and
kills it by its id.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
SIPP = shutil.which("sipp")

# sipp exit codes (sipp(1)): 0 all calls succeeded, 1 at least one failed, 97 stopped by an
# internal command or the global -timeout, 99 normal exit without calls, 255 fatal error.
EXIT_OK = 0
EXIT_TIMEOUT = 97

_BLOCK = re.compile(
    r"^-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\n"
    r"(?:UDP|TCP) message (received|sent) [\[(]\d+[\])] bytes ?:\n\n?",
    re.M,
)


@dataclass
class SipMessage:
    """One message a sipp peer sent or received, as its trace shows it."""

    time: float        # seconds since the epoch (sipp's wall clock)
    direction: str     # "received" or "sent"
    text: str

    @property
    def first_line(self) -> str:
        return self.text.split("\r\n", 1)[0].split("\n", 1)[0].strip()

    @property
    def method(self) -> str | None:
        """The request method, None for a response."""
        first = self.first_line
        return None if first.startswith("SIP/2.0") else first.split(" ", 1)[0]

    @property
    def status(self) -> int | None:
        first = self.first_line
        return int(first.split(" ")[1]) if first.startswith("SIP/2.0") else None

    def header(self, name: str) -> str | None:
        """The first value of a header (full name, case-insensitive)."""
        for line in self.text.replace("\r\n", "\n").split("\n")[1:]:
            if not line.strip():
                return None
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None


def parse_trace(text: str) -> list[SipMessage]:
    """Split a sipp -trace_msg file into messages."""
    marks = list(_BLOCK.finditer(text))
    out: list[SipMessage] = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        when = dt.datetime.strptime(mark.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        out.append(SipMessage(when, mark.group(2), text[mark.end():end].strip("\n")))
    return out


class SippPeer:
    """One sipp process playing one scenario from one local address."""

    def __init__(self, workdir: Path, name: str, scenario: str, *, local_ip: str,
                 local_port: int, remote: str | None = None, calls: int = 1,
                 timeout_s: float = 20.0, pause_ms: int | None = None,
                 keys: dict[str, str] | None = None, inject: list[str] | None = None,
                 extra: list[str] | None = None, trace: bool = True) -> None:
        self.name = name
        self.workdir = workdir
        self.timeout_s = timeout_s
        self.msg_file = workdir / f"{name}.msg.log"
        self.err_file = workdir / f"{name}.err.log"
        self.screen_file = workdir / f"{name}.screen.log"
        for f in (self.msg_file, self.err_file, self.screen_file):
            f.unlink(missing_ok=True)
        args = [SIPP or "sipp", "-sf", str(SCENARIOS / scenario), "-i", local_ip,
                "-p", str(local_port), "-m", str(calls), "-nostdin",
                "-timeout", f"{int(timeout_s)}s",
                "-trace_err", "-error_file", str(self.err_file),
                "-trace_screen", "-screen_file", str(self.screen_file)]
        if trace:  # every message with its time stamp; too slow for load (bench/sip)
            args += ["-trace_msg", "-message_file", str(self.msg_file)]
        if pause_ms is not None:
            args += ["-d", str(pause_ms)]
        for key, value in (keys or {}).items():
            args += ["-key", key, value]
        if inject:
            inf = workdir / f"{name}.csv"
            inf.write_text("SEQUENTIAL\n" + ";".join(inject) + "\n")
            args += ["-inf", str(inf)]
        args += extra or []
        if remote:
            args.append(remote)
        self.args = args
        self.proc: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None

    def start(self) -> "SippPeer":
        self.proc = subprocess.Popen(self.args, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        return self

    def wait(self, timeout: float | None = None) -> int:
        """The exit code; kills the peer when it outlives `timeout` (then -9)."""
        assert self.proc is not None
        try:
            _, err = self.proc.communicate(timeout=timeout or self.timeout_s + 5)
            self.stderr = err.decode(errors="replace")
        except subprocess.TimeoutExpired:
            self.kill()
            self.stderr = ""
        self.returncode = self.proc.returncode
        return self.returncode

    def run(self) -> int:
        return self.start().wait()

    def kill(self) -> None:
        """Stop this peer (its own process group, started by us) if it still runs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=5)

    def messages(self) -> list[SipMessage]:
        if not self.msg_file.exists():
            return []
        return parse_trace(self.msg_file.read_text(errors="replace"))

    def received(self, what: str | int) -> list[SipMessage]:
        """Received requests of a method, or responses with a status code."""
        out = []
        for m in self.messages():
            if m.direction != "received":
                continue
            if (isinstance(what, int) and m.status == what) or m.method == what:
                out.append(m)
        return out

    def screen_counter(self, name: str) -> int | None:
        """A cumulative counter of the final statistics screen, e.g. "Successful call"."""
        if not self.screen_file.exists():
            return None
        m = re.search(rf"^\s*{re.escape(name)}\s*\|[^|]*\|\s*(\d+)", self.screen_file.read_text(
            errors="replace"), re.M)
        return int(m.group(1)) if m else None

    def report(self) -> str:
        """What went wrong, for assertion messages: exit code, errors, the trace's first lines."""
        lines = [f"sipp peer {self.name}: exit {self.returncode}; {' '.join(self.args)}"]
        if self.err_file.exists():
            lines.append("errors: " + self.err_file.read_text(errors="replace")[-2000:])
        if getattr(self, "stderr", ""):
            lines.append("stderr: " + self.stderr[-1000:])
        for m in self.messages():
            lines.append(f"  {m.time:.3f} {m.direction:8} {m.first_line}")
        return "\n".join(lines)
