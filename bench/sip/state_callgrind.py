#!/usr/bin/python3
"""What one REGISTER costs `callplan serve` with `--state-dir` against `--memory-only`, in
instructions counted by callgrind (docs/performance.md "State in serve").

    /usr/bin/python3 bench/sip/state_callgrind.py --callplan build/dev/tools/callplan/callplan

On a machine shared by many jobs a rate or a CPU time moves by tens of percent from one run to
the next; an instruction count does not. Each mode's server runs under valgrind's callgrind
(all threads: the SIP event loop and the store's writer), its counters are zeroed once it is
ready, the same sipp REGISTER load as bench/sip/state_run.py is sent (slowly: valgrind runs
the server some 50 times slower), and the counts are dumped. Printed: instructions per REGISTER
of the whole process, of the event loop's share of the store (StateKeeper::bindings_changed,
inside each REGISTER) and of the writer thread (SqliteStore::writer_loop).

Needs valgrind (Debian `valgrind`, scripts/install-deps.sh). Ports from --port-base (33400).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import SERVER_IP, TRUNK_IP  # noqa: E402
import state_run  # noqa: E402

# Inclusive counts of these functions, read from callgrind_annotate's output.
PARTS = {"event loop, StateKeeper::bindings_changed": r"StateKeeper::bindings_changed\(",
         "writer thread, SqliteStore::writer_loop": r"SqliteStore::writer_loop\(\)"}


class CallgrindServe:
    """`callplan serve` under callgrind; what state_run.register_step needs of a server."""

    def __init__(self, binary: str, tenant: Path, port: int, trunk_port: int, extra: list[str],
                 out: Path, workdir: Path, ready_timeout: float) -> None:
        self.out = out
        self.ready = threading.Event()
        self.log = (workdir / f"serve-{out.suffix.lstrip('.')}.stderr.log").open("w")
        self.proc = subprocess.Popen(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary, "serve",
             str(tenant), "--listen", f"udp:{SERVER_IP}:{port}", "--trunk",
             f"{TRUNK_IP}:{trunk_port}", "--log-level", "error", "--no-media",
             *state_run.NO_LIMITS, *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(ready_timeout):
            self.stop()
            raise SystemExit(f"serve under callgrind not ready after {ready_timeout} s")

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.write(line)
            if "callplan serve: ready" in line:
                self.ready.set()

    def cpu_seconds(self) -> float:
        return 0.0  # not meaningful under valgrind; the instruction counts are the figure

    def control(self, flag: str) -> None:
        subprocess.run(["callgrind_control", flag, str(self.proc.pid)], capture_output=True,
                       timeout=60, check=False)

    def dumps(self) -> list[Path]:
        return sorted(self.out.parent.glob(self.out.name + ".[0-9]*"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            time.sleep(0.5)
            if self.proc.poll() is None:
                self.proc.terminate()  # the second stop signal stops at once
            self.proc.wait(timeout=60)


def inclusive(dump: Path) -> dict[str, int]:
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100",
                           str(dump)], capture_output=True, text=True, check=True).stdout
    total = re.search(r"^\s*([\d,]+) .*PROGRAM TOTALS", text, re.M)
    out = {"total": int(total.group(1).replace(",", "")) if total else 0}
    for name, pattern in PARTS.items():
        # Its line in the summary at the top (the annotated sources below repeat it).
        m = re.search(r"^\s*([\d,]+) \([^)]*\)\s+[^=\s]\S*" + pattern, text, re.M)
        out[name] = int(m.group(1).replace(",", "")) if m else 0
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--callplan", default="build/dev/tools/callplan/callplan")
    ap.add_argument("--registers", type=int, default=120)
    ap.add_argument("--rate", type=int, default=8, help="REGISTERs per second (valgrind is slow)")
    ap.add_argument("--phones", type=int, default=1000)
    ap.add_argument("--port-base", type=int, default=33400)
    ap.add_argument("--ready-timeout", type=float, default=300)
    args = ap.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-sip-state-callgrind-"))
    tenant = workdir / "many-phones.yaml"
    phones = state_run.many_phones_tenant(tenant, args.phones)
    modes = {"memory": ["--memory-only"], "state": ["--state-dir", str(workdir / "state")]}
    per_register: dict[str, dict[str, float]] = {}
    for i, (mode, extra) in enumerate(modes.items()):
        base = args.port_base + 10 * i
        server = CallgrindServe(args.callplan, tenant, base, base + 1, extra,
                                workdir / f"callgrind.{mode}", workdir, args.ready_timeout)
        try:
            server.control("-z")  # the start (tenant, store) is not what is measured
            r = state_run.register_step(server, base + 2, base, base + 3, args.rate,
                                        args.registers / args.rate, workdir, phones)  # type: ignore[arg-type]
            time.sleep(1.0)  # the writer's last batch
            server.control("-d")
            time.sleep(1.0)
        finally:
            server.stop()
        counts = inclusive(server.dumps()[0])
        per_register[mode] = {k: v / int(r["calls"]) for k, v in counts.items()}
        print(f"{mode:7} {r['calls']} REGISTERs, every one answered: {r['ok']} "
              f"({r['seconds']} s); instructions per REGISTER: "
              + ", ".join(f"{k} {v / 1e3:,.0f} k" for k, v in per_register[mode].items()),
              flush=True)
    m, s = per_register["memory"]["total"], per_register["state"]["total"]
    store = sum(per_register["state"][k] for k in PARTS)
    # The whole-process ratio also counts the UDP retransmissions sipp sends when valgrind
    # answers late, which differ from run to run; the store's own work is the cost.
    print(f"the store's work per REGISTER: {store / 1e3:,.0f} k instructions = "
          f"{100 * store / m:.1f} % of a --memory-only REGISTER ({m / 1e3:,.0f} k); whole "
          f"process state / memory {s / m:.3f}; logs and dumps in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
