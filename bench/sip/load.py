"""What bench/sip/run.py and bench/sip/soak.py share: the servers under load, the sipp peers
with the options a fair benchmark needs, registration, and CPU / memory read from /proc.

Ports: everything listens on fixed ports from --port-base (default 22000; the block
22000-22999 is this benchmark's), so parallel test suites that pick kernel ports never collide
with it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests" / "sip" / "e2e"))

from sip_e2e_server import SERVER_IP, TRUNK_IP  # noqa: E402,F401
from sip_e2e_sipp import SippPeer  # noqa: E402
from sip_e2e_udp import UdpUac, register  # noqa: E402

DEVICES = [("bench-one", "Bench-one-pass"), ("bench-two", "Bench-two-pass"),
           ("bench-three", "Bench-three-pass")]
# 4 MiB socket buffers for every sipp peer (net.core.rmem_max caps them): bursts of
# thousands of datagrams must not overflow the kernel's 208 KiB default at either end.
SIPP_BUFFER = 4 * 1024 * 1024
# What RFC 3261 allows and strict sipp scenarios count as failures: a 1xx overtaken by the
# 2xx (a multi-process proxy), a BYE that overtakes the ACK, a retransmitted CANCEL or BYE
# for a call already ended. -abortunexp: an unexpected message is ignored (the call goes on
# and still fails by -recv_timeout if what it waits for never comes). For the caller (sipp in
# client mode), -oocsf answers requests for calls already ended with 481; sipp cannot run an
# out-of-call scenario in server mode, where the phones drop such requests (a proxy's
# retransmitted BYE then times out on its side, which no phone counts).
TOLERANT = ["-default_behaviors", "all,-abortunexp", "-recv_timeout", "15000"]
OUT_OF_CALL = ["-oocsf", str(HERE / "scenarios" / "ooc_answer.xml")]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def sipp_options(client: bool) -> list[str]:
    return ["-buff_size", str(SIPP_BUFFER), *TOLERANT, *(OUT_OF_CALL if client else [])]


class Server:
    """A server under load, started once per measurement, stopped by its process id."""

    def __init__(self, name: str, args: list[str], ready: str | None, workdir: Path,
                 port: int) -> None:
        self.name = name
        self.args = args
        self.log = (workdir / f"{name}.stderr.log").open("w")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        self.ready = threading.Event()
        rx = re.compile(ready or "(?!)")
        threading.Thread(target=self._read, args=(rx,), daemon=True).start()
        if ready is None:  # a quiet server: ready when it answers an OPTIONS
            with UdpUac(SERVER_IP) as probe:
                if probe.options((SERVER_IP, port), timeout_s=10) is not None:
                    self.ready.set()
        if not self.ready.wait(15):
            self.stop()
            raise SystemExit(f"{name} did not start: {' '.join(args)}\nsee {self.log.name}")

    def _read(self, rx: re.Pattern[str]) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            line = raw.decode(errors="replace")
            self.log.write(line)
            if rx.search(line):
                self.ready.set()
        self.log.flush()

    def pids(self) -> list[int]:
        """The server's processes: the one we started and, for Kamailio, its workers (all in
        the session we created for it)."""
        out = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == self.proc.pid or int(entry) == self.proc.pid:  # session id
                out.append(int(entry))
        return out

    def cpu_seconds(self) -> float:
        """utime + stime of every process of the server, in seconds (/proc/PID/stat)."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        return total / CLK_TCK

    def rss_kib(self) -> int:
        """Resident memory of the main process (VmRSS, KiB)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        try:  # Kamailio's worker processes live in the group we created for it
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=5)


def start_callplan(binary: str, port: int, trunk_port: int, workdir: Path,
                   tenant: Path = HERE / "tenant.yaml", extra: list[str] | None = None) -> Server:
    """serve with its defaults (the state store, call records and the media process on), its
    state directory in the run's own folder rather than /var/lib/callplan, so that runs never
    share one (or take a lock another server holds)."""
    extra = list(extra or [])
    if "--state-dir" not in extra and "--memory-only" not in extra:
        extra += ["--state-dir", str(workdir / "state")]
    return Server("callplan", [binary, "serve", str(tenant), "--listen", f"udp:{SERVER_IP}:{port}",
                               "--trunk", f"{TRUNK_IP}:{trunk_port}", "--log-level", "error",
                               *extra],
                  r"callplan serve: ready", workdir, port)


def register_phones(server_port: int, ports: list[int]) -> None:
    """Bind each phone's port, REGISTER it (MD5 digest) with callplan, release the port for
    the phone's sipp. Registration is not what is measured, so the runner's own UAC does it."""
    for (user, password), port in zip(DEVICES, ports):
        with UdpUac(SERVER_IP, port) as uac:
            _, ok = register(uac, (SERVER_IP, server_port), user=user, algorithm="MD5",
                             password=password, expires=3600)
        if ok is None or ok.status != 200:
            raise SystemExit(f"{user} could not register with callplan: {ok and ok.text}")


def phone(workdir: Path, name: str, scenario: str, port: int, calls: int, wall: float,
          pause_ms: int = 0) -> SippPeer:
    return SippPeer(workdir, name, scenario, local_ip=SERVER_IP, local_port=port, calls=calls,
                    timeout_s=wall, pause_ms=pause_ms, trace=False, extra=sipp_options(False))


def caller(workdir: Path, name: str, port: int, server_port: int, number: str, rate: int,
           calls: int, wall: float, extra: list[str] | None = None) -> SippPeer:
    return SippPeer(workdir, name, "trunk_call_answered.xml", local_ip=TRUNK_IP,
                    local_port=port, remote=f"{SERVER_IP}:{server_port}", calls=calls,
                    timeout_s=wall, pause_ms=0, trace=False,
                    keys={"called": number, "caller": "+31201234567"},
                    extra=["-r", str(rate), "-rp", "1000", "-l", str(max(50, rate * 4)),
                           *sipp_options(True), *(extra or [])])
