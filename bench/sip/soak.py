#!/usr/bin/python3
"""Soak: does `callplan serve` keep flat memory and flat CPU per call under steady load?

    /usr/bin/python3 bench/sip/soak.py --callplan build/release/tools/callplan/callplan \
        --minutes 30 [--rate 300] [--sample 10] [--warm-up 120]

Ring-all over three registered phones (one answers, two are CANCELled) at --rate calls per
second from the trunk (sipp UAC on 127.0.0.2), for --minutes. Every --sample seconds the
server's resident memory (VmRSS, /proc/PID/status) and its CPU time (utime + stime,
/proc/PID/stat) are read, with the calls completed so far (the caller's sipp statistics).

Verdict, after the warm-up (--warm-up seconds, default a fifth of the run, at least one
sample): memory is flat when no later sample exceeds the first one after warm-up by more than
--tolerance (default 10 %); CPU per call is flat when the mean CPU per 1,000 calls of the last
third of the samples is within --tolerance of the first third's. Failed calls are reported
too (every sipp peer must exit 0). Exit 0 when all hold, 1 otherwise. Writes --json (default
build/bench-sip-soak.json) with every sample. Only loopback is used; ports from --port-base.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import ROOT, caller, phone, register_phones, start_callplan  # noqa: E402

NUMBER = "+31850001002"  # ring-all over three (bench/sip/tenant.yaml)


def completed_calls(workdir: Path, name: str) -> int | None:
    """Successful + failed calls so far, from the caller's -trace_stat file (cumulative)."""
    files = sorted(workdir.glob("trunk_call_answered_*_.csv"))
    if not files:
        return None
    rows = list(csv.reader(files[-1].open(), delimiter=";"))
    if len(rows) < 2:
        return None
    head, last = rows[0], rows[-1]
    try:
        return (int(last[head.index("SuccessfulCall(C)")]) +
                int(last[head.index("FailedCall(C)")]))
    except (ValueError, IndexError):
        return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--callplan", default=str(ROOT / "build/release/tools/callplan/callplan"))
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--rate", type=int, default=300, help="calls per second")
    ap.add_argument("--sample", type=float, default=10.0, help="seconds between samples")
    ap.add_argument("--warm-up", type=float, default=None,
                    help="seconds before the flatness check starts (default: a fifth of the run)")
    ap.add_argument("--tolerance", type=float, default=0.10)
    ap.add_argument("--port-base", type=int, default=22000)
    ap.add_argument("--callplan-args", default="",
                    help="extra options for callplan serve (space-separated)")
    ap.add_argument("--json", default=str(ROOT / "build/bench-sip-soak.json"))
    args = ap.parse_args()

    seconds = args.minutes * 60
    warm_up = args.warm_up if args.warm_up is not None else seconds / 5
    calls = int(args.rate * seconds)
    wall = seconds + 60
    base = args.port_base
    server_port, trunk_port, caller_port = base, base + 1, base + 2
    phone_ports = [base + 3, base + 4, base + 5]
    workdir = Path(tempfile.mkdtemp(prefix="bench-sip-soak-"))
    print(f"soak: {platform.node()}, {os.cpu_count()} cores, {args.rate} calls/s for "
          f"{args.minutes} min ({calls} calls); logs in {workdir}", flush=True)

    server = start_callplan(args.callplan, server_port, trunk_port, workdir,
                            extra=args.callplan_args.split())
    peers = []
    samples: list[dict[str, float]] = []
    try:
        register_phones(server_port, phone_ports)
        peers = [phone(workdir, f"phone{i + 1}",
                       "device_answer.xml" if i == 0 else "device_ring_cancel.xml",
                       port, calls, wall) for i, port in enumerate(phone_ports)]
        for p in peers:
            p.start()
        time.sleep(0.3)
        uac = caller(workdir, "caller", caller_port, server_port, NUMBER, args.rate, calls, wall,
                     extra=["-trace_stat", "-fd", str(max(1, int(args.sample / 2)))])
        start = time.monotonic()
        cpu0 = server.cpu_seconds()
        uac.start()
        samples.append({"t": 0.0, "rss_kib": server.rss_kib(), "cpu_s": 0.0, "calls": 0})
        while uac.proc is not None and uac.proc.poll() is None:
            time.sleep(args.sample)
            done = completed_calls(workdir, "caller")
            sample = {"t": round(time.monotonic() - start, 1), "rss_kib": server.rss_kib(),
                      "cpu_s": round(server.cpu_seconds() - cpu0, 3),
                      "calls": done if done is not None else 0}
            samples.append(sample)
            print(f"  {sample['t']:7.1f} s  RSS {sample['rss_kib'] / 1024:7.1f} MiB  "
                  f"CPU {sample['cpu_s']:7.2f} s  calls {sample['calls']}", flush=True)
        uac.wait(timeout=30)
        for p in peers:
            p.wait(timeout=30)
    finally:
        for p in peers:
            p.kill()
        server.stop()

    # Per interval: CPU seconds per 1,000 calls completed in it.
    rows = []
    for a, b in zip(samples, samples[1:]):
        if b["calls"] > a["calls"]:
            rows.append({"t": b["t"], "rss_kib": b["rss_kib"],
                         "cpu_per_1000": 1000 * (b["cpu_s"] - a["cpu_s"])
                         / (b["calls"] - a["calls"])})
    after = [r for r in rows if r["t"] >= warm_up] or rows[-1:]
    verdict = {"rss_flat": None, "cpu_flat": None}
    if after:
        first_rss = after[0]["rss_kib"]
        peak = max(r["rss_kib"] for r in after)
        verdict["rss_first_after_warm_up_kib"] = first_rss
        verdict["rss_peak_after_warm_up_kib"] = peak
        verdict["rss_growth"] = round(peak / first_rss - 1, 4) if first_rss else None
        verdict["rss_flat"] = peak <= first_rss * (1 + args.tolerance)
        third = max(1, len(after) // 3)
        early = sum(r["cpu_per_1000"] for r in after[:third]) / third
        late = sum(r["cpu_per_1000"] for r in after[-third:]) / third
        verdict["cpu_per_1000_first_third_s"] = round(early, 4)
        verdict["cpu_per_1000_last_third_s"] = round(late, 4)
        verdict["cpu_flat"] = late <= early * (1 + args.tolerance)
    codes = [uac.returncode] + [p.returncode for p in peers]
    verdict["exit_codes"] = codes
    verdict["failed_calls"] = uac.screen_counter("Failed call")
    verdict["successful_calls"] = uac.screen_counter("Successful call")
    ok = bool(verdict["rss_flat"]) and bool(verdict["cpu_flat"]) and all(c == 0 for c in codes)
    result = {"command": " ".join([sys.executable] + sys.argv), "host": platform.node(),
              "cores": os.cpu_count(), "load_average_at_end": os.getloadavg(),
              "rate": args.rate, "minutes": args.minutes, "warm_up_s": warm_up,
              "tolerance": args.tolerance, "verdict": verdict, "ok": ok,
              "samples": samples, "intervals": rows}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(verdict, indent=2))
    print(f"{'flat' if ok else 'NOT flat (or calls failed)'}; written {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
