#!/usr/bin/python3
"""Calls per second through `callplan serve` and through Kamailio, same sipp load, same run.

    /usr/bin/python3 bench/sip/run.py --callplan build/release/tools/callplan/callplan

For each plan — "one" (rings one registered phone, which answers), "all" (ring-all over
three phones: one answers, two are cancelled) and "cascade" (one phone rings for 1 s and is
cancelled, the next says busy, the third answers) — and each server, the trunk (sipp UAC on
127.0.0.2) places calls at a stepped rate: `rate x --seconds` calls per step, each step a
fresh set of sipp phones. A step passes when every call on every peer succeeded (sipp exit
0 everywhere). The result is the highest passing rate, with the server's CPU time per 1,000
calls at that rate (utime + stime of all its processes, /proc/PID/stat, over the step).

Fair to both servers (issue 18): Kamailio gets 4 GB of shared memory (-m 4096), a 4 MB
receive buffer (maxbuffer in bench/sip/kamailio.cfg) and is tried with 1, 2 and 4 worker
processes (its best counts); callplan runs with its defaults (4 MiB socket buffers). Every
sipp peer has 4 MiB buffers and tolerates what RFC 3261 allows (bench/sip/load.py: a late
1xx after the 2xx, BYE before ACK, a retransmitted CANCEL or BYE after the call ended).
Kamailio (bench/sip/kamailio.cfg) relays to fixed targets without registrar or
authentication; callplan routes through its engine and registrar (the phones register
first). Only loopback is used, on ports from --port-base. The whole run is bounded by
--budget seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import (ROOT, SERVER_IP, Server, caller, phone, register_phones,  # noqa: E402
                  start_callplan)

NUMBERS = {"one": "+31850001001", "all": "+31850001002", "cascade": "+31850001003"}
# The phones' parts per plan, in the order of bench/sip/tenant.yaml's devices (201, 202, 203).
PHONES = {"one": ["device_answer.xml"],
          "all": ["device_answer.xml", "device_ring_cancel.xml", "device_ring_cancel.xml"],
          "cascade": ["device_ring_cancel.xml", "device_busy.xml", "device_answer.xml"]}
LABELS = {"one": "one target", "all": "ring-all over three",
          "cascade": "cascade (ring, 486, answer)"}


def run_step(server: Server, ports: dict[str, object], plan: str, rate: int, seconds: float,
             workdir: Path) -> dict[str, object]:
    """One load step: fresh phones, `rate * seconds` calls; did every call succeed?"""
    calls = max(1, int(rate * seconds))
    wall = seconds + 20
    phones = [phone(workdir, f"{plan}-phone{i + 1}", scenario, port, calls, wall)
              for i, (scenario, port) in enumerate(zip(PHONES[plan], ports["phones"]))]
    for p in phones:
        p.start()
    time.sleep(0.3)
    uac = caller(workdir, f"{plan}-caller", ports["caller"], ports["server"], NUMBERS[plan],
                 rate, calls, wall)
    cpu0 = server.cpu_seconds()
    started = time.monotonic()
    uac.run()
    elapsed = time.monotonic() - started
    for p in phones:
        p.wait(timeout=15)
    cpu = server.cpu_seconds() - cpu0
    ok = uac.returncode == 0 and all(p.returncode == 0 for p in phones)
    done = uac.screen_counter("Successful call")
    return {"rate": rate, "calls": calls, "ok": ok, "successful": done,
            "failed": uac.screen_counter("Failed call"), "seconds": round(elapsed, 2),
            "server_cpu_s": round(cpu, 3),
            "cpu_per_1000_calls_s": round(1000 * cpu / calls, 4),
            "exit_codes": [uac.returncode] + [p.returncode for p in phones]}


def search(name: str, server: Server, ports: dict[str, object], plan: str,
           args: argparse.Namespace, deadline: float, workdir: Path,
           log: list[dict[str, object]]) -> dict[str, object] | None:
    """The highest passing step: geometric steps up, then one bisection between the last
    pass and the first failure (when time allows)."""
    best, rate, failed_at = None, args.start_rate, None

    def step(at: int) -> dict[str, object]:
        result = run_step(server, ports, plan, at, args.seconds, workdir)
        result.update(server=name, plan=plan)
        log.append(result)
        print(f"  {name:12} {plan:8} {at:6d} cps  {'ok' if result['ok'] else 'FAILED'} "
              f"({result['successful']}/{result['calls']} in {result['seconds']} s, "
              f"CPU {result['cpu_per_1000_calls_s']:.3f} s/1000 calls, "
              f"exit {result['exit_codes']})", flush=True)
        return result

    while rate <= args.max_rate and time.monotonic() + args.seconds + 30 < deadline:
        result = step(rate)
        if not result["ok"]:
            failed_at = rate
            break
        best = result
        rate = int(rate * args.factor)
    if failed_at and best and time.monotonic() + args.seconds + 30 < deadline:
        mid = (int(best["rate"]) + failed_at) // 2
        if int(best["rate"]) < mid < failed_at:
            result = step(mid)
            if result["ok"]:
                best = result
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--callplan", default=str(ROOT / "build/release/tools/callplan/callplan"),
                    help="the callplan binary (a Release build)")
    ap.add_argument("--callplan-args", default="",
                    help="extra options for callplan serve (space-separated)")
    ap.add_argument("--kamailio", default="/usr/sbin/kamailio")
    ap.add_argument("--servers", default="kamailio,callplan", help="which halves to run")
    ap.add_argument("--plans", default="one,all,cascade")
    ap.add_argument("--children", default="1,2,4",
                    help="Kamailio UDP worker counts (-n) to try; Kamailio's best counts")
    ap.add_argument("--start-rate", type=int, default=200)
    ap.add_argument("--factor", type=float, default=1.5)
    ap.add_argument("--max-rate", type=int, default=8000)
    ap.add_argument("--seconds", type=float, default=5.0, help="load per step, in seconds")
    ap.add_argument("--budget", type=float, default=1800.0, help="whole run, seconds")
    ap.add_argument("--port-base", type=int, default=22000)
    ap.add_argument("--json", default=str(ROOT / "build/bench-sip.json"))
    args = ap.parse_args()

    deadline = time.monotonic() + args.budget
    servers = args.servers.split(",")
    plans = args.plans.split(",")
    workdir = Path(tempfile.mkdtemp(prefix="bench-sip-"))
    base = args.port_base
    ports = {"server": base, "trunk": base + 1, "caller": base + 2,
             "phones": [base + 3, base + 4, base + 5]}
    children = [int(c) for c in args.children.split(",")]
    runs = [(name, c) for name in servers for c in (children if name == "kamailio" else [0])]
    share = args.budget / (len(runs) * len(plans))
    log: list[dict[str, object]] = []
    best: dict[str, dict[str, dict[str, object] | None]] = {p: {} for p in plans}
    print(f"bench/sip: {platform.node()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; logs in {workdir}", flush=True)

    for plan in plans:
        for name, workers in runs:
            label = f"kamailio-n{workers}" if name == "kamailio" else name
            if name == "kamailio":
                uas = [f'"sip:bench@{SERVER_IP}:{p}"' for p in ports["phones"]]
                server = Server(label, [args.kamailio, "-f", str(ROOT / "bench/sip/kamailio.cfg"),
                                        "-DD", "-E", "-n", str(workers), "-m", "4096",
                                        "-M", "32", "-Y", str(workdir),
                                        "-A", f"LISTEN=udp:{SERVER_IP}:{ports['server']}",
                                        "-A", f"UAS1={uas[0]}", "-A", f"UAS2={uas[1]}",
                                        "-A", f"UAS3={uas[2]}"],
                                None, workdir, int(ports["server"]))
            else:
                server = start_callplan(args.callplan, int(ports["server"]), int(ports["trunk"]),
                                        workdir, extra=args.callplan_args.split())
            try:
                if name == "callplan":
                    register_phones(int(ports["server"]), list(ports["phones"]))
                part_deadline = min(deadline, time.monotonic() + share)
                best[plan][label] = search(label, server, ports, plan, args, part_deadline,
                                           workdir, log)
            finally:
                server.stop()

    def cps(result: dict[str, object] | None) -> int:
        return int(result["rate"]) if result else 0

    print(f"\n{'plan':28} {'kamailio cps (CPU s/1000)':>28} {'callplan cps (CPU s/1000)':>28} "
          f"{'cps ratio':>10} {'CPU ratio':>10}")
    rows = {}
    for plan in plans:
        kamailio = {k: v for k, v in best[plan].items() if k.startswith("kamailio")}
        k_label = max(kamailio, key=lambda k: cps(kamailio[k])) if kamailio else None
        k, c = (kamailio[k_label] if k_label else None), best[plan].get("callplan")
        ratio = round(cps(c) / cps(k), 2) if k and c else None
        cpu_ratio = (round(float(c["cpu_per_1000_calls_s"]) / float(k["cpu_per_1000_calls_s"]), 2)
                     if k and c and float(k["cpu_per_1000_calls_s"]) > 0 else None)
        rows[plan] = {"number": NUMBERS[plan], "kamailio_best": k_label,
                      "kamailio": k, "callplan": c, "cps_ratio": ratio,
                      "cpu_ratio_at_own_best": cpu_ratio,
                      "kamailio_by_children": {n: cps(v) for n, v in kamailio.items()}}
        tried = ", ".join(f"{n}: {cps(v)}" for n, v in sorted(kamailio.items()))
        if tried:
            print(f"  ({tried})")

        def cell(r: dict[str, object] | None) -> str:
            return f"{cps(r)} ({float(r['cpu_per_1000_calls_s']):.3f})" if r else "-"
        print(f"{LABELS[plan]:28} {cell(k):>28} {cell(c):>28} {ratio or '-':>10} "
              f"{cpu_ratio or '-':>10}")
    result = {"command": " ".join([sys.executable] + sys.argv), "host": platform.node(),
              "cores": os.cpu_count(), "load_average_at_end": os.getloadavg(),
              "seconds_per_step": args.seconds, "results": rows, "steps": log,
              "note": "highest rate with zero failed calls (every sipp peer exit 0); CPU per "
                      "1,000 calls is the server's at that step"}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
