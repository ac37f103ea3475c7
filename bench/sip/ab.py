#!/usr/bin/python3
"""CPU per call of two `callplan serve` binaries, A and B, at fixed rates, back to back.

    /usr/bin/python3 bench/sip/ab.py --a /work/wt/baseline/callplan-6b3b8cc \
        --b build/release/tools/callplan/callplan --plans one:1518,all:1012,cascade:1518 \
        --repeat 3 [--seconds 6] [--port-base 22000] [--kamailio-children 1]

A CPU comparison on a shared, noisy machine is only worth something within one sitting: so
for each plan (bench/sip/run.py's "one", "all", "cascade") at its rate, each repetition runs
one step of A, then one of B (then, with --kamailio-children, one of Kamailio), each with a
fresh server and fresh sipp phones, the same way run.py does a step. Reported per plan and
server: the range of CPU seconds per 1,000 calls over the repetitions (utime + stime of every
process of the server, /proc), whether every step passed (zero failed calls), and B/A of the
medians. Writes --json with every step.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import ROOT, SERVER_IP, Server, register_phones, start_callplan  # noqa: E402
from run import run_step  # noqa: E402


def start(kind: str, binary: str, ports: dict[str, object], workdir: Path,
          args: argparse.Namespace) -> Server:
    if kind == "kamailio":
        uas = [f'"sip:bench@{SERVER_IP}:{p}"' for p in ports["phones"]]
        return Server(f"kamailio-n{args.kamailio_children}",
                      [args.kamailio, "-f", str(ROOT / "bench/sip/kamailio.cfg"), "-DD", "-E",
                       "-n", str(args.kamailio_children), "-m", "4096", "-M", "32",
                       "-Y", str(workdir), "-A", f"LISTEN=udp:{SERVER_IP}:{ports['server']}",
                       "-A", f"UAS1={uas[0]}", "-A", f"UAS2={uas[1]}", "-A", f"UAS3={uas[2]}"],
                      None, workdir, int(ports["server"]))
    server = start_callplan(binary, int(ports["server"]), int(ports["trunk"]), workdir,
                            extra=args.callplan_args.split())
    register_phones(int(ports["server"]), list(ports["phones"]))
    return server


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", required=True, help="callplan binary A (the baseline)")
    ap.add_argument("--b", required=True, help="callplan binary B (the change)")
    ap.add_argument("--plans", default="one:1518,all:1012,cascade:1518",
                    help="plan:rate, comma-separated (plans of bench/sip/run.py)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=6.0, help="load per step, in seconds")
    ap.add_argument("--callplan-args", default="", help="extra options for both servers")
    ap.add_argument("--kamailio", default="/usr/sbin/kamailio")
    ap.add_argument("--kamailio-children", type=int, default=0,
                    help="also a Kamailio step with this many workers (-n); 0: none")
    ap.add_argument("--port-base", type=int, default=22000)
    ap.add_argument("--json", default=str(ROOT / "build/bench-sip-ab.json"))
    args = ap.parse_args()

    base = args.port_base
    ports = {"server": base, "trunk": base + 1, "caller": base + 2,
             "phones": [base + 3, base + 4, base + 5]}
    workdir = Path(tempfile.mkdtemp(prefix="bench-sip-ab-"))
    servers = [("A", "callplan", args.a), ("B", "callplan", args.b)]
    if args.kamailio_children:
        servers.append(("kamailio", "kamailio", ""))
    plans = [(p.split(":")[0], int(p.split(":")[1])) for p in args.plans.split(",")]
    print(f"bench/sip/ab: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"logs in {workdir}", flush=True)

    steps: list[dict[str, object]] = []
    for plan, rate in plans:
        for rep in range(args.repeat):
            for label, kind, binary in servers:
                server = start(kind, binary, ports, workdir, args)
                try:
                    step = run_step(server, ports, plan, rate, args.seconds, workdir)
                finally:
                    server.stop()
                step.update(server=label, plan=plan, repetition=rep + 1)
                steps.append(step)
                print(f"  {plan:8} {rate:5d} cps  #{rep + 1} {label:9} "
                      f"{'ok' if step['ok'] else 'FAILED':6} "
                      f"CPU {float(step['cpu_per_1000_calls_s']):.3f} s/1000 calls "
                      f"({step['successful']}/{step['calls']})", flush=True)
                time.sleep(0.5)

    print(f"\n{'plan':8} {'rate':>5} " + " ".join(f"{label:>22}" for label, _, _ in servers) +
          f" {'B/A (medians)':>14}")
    summary = {}
    for plan, rate in plans:
        cells, medians = [], {}
        for label, _, _ in servers:
            mine = [s for s in steps if s["plan"] == plan and s["server"] == label]
            cpu = [float(s["cpu_per_1000_calls_s"]) for s in mine]
            medians[label] = statistics.median(cpu)
            ok = all(s["ok"] for s in mine)
            cells.append(f"{min(cpu):.3f}-{max(cpu):.3f}{'' if ok else ' (fail)'}")
            summary.setdefault(plan, {})[label] = {"cpu_per_1000_calls_s": cpu, "all_ok": ok}
        ratio = medians["B"] / medians["A"] if medians["A"] > 0 else float("nan")
        summary[plan]["b_over_a"] = round(ratio, 3)
        print(f"{plan:8} {rate:5d} " + " ".join(f"{c:>22}" for c in cells) + f" {ratio:>14.2f}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"command": " ".join([sys.executable] + sys.argv),
                                           "summary": summary, "steps": steps}, indent=2) + "\n")
    print(f"\nwritten {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
