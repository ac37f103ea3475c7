#!/usr/bin/env python3
"""Benchmark: simulate_many of 100,000 calls from Python against the C++ fast path.

    cmake --preset release && cmake --build --preset release --target _core
    PYTHONPATH=build/release/bindings/python /usr/bin/python3 bench/python/simulate_many_bench.py

Targets (issue 4): the cost per call from Python is at most 2x the C++ cost per call, and 2
threads are at least 1.6x faster than 1. The C++ figure is measured in the same process on
the same calls by ``_core.Engine.time_fast_path`` (Simulator::run on scenarios built
beforehand, one thread, best of N): the engine's fast path with nothing of Python in it.
The Python figures are wall-clock times of ``tenant.simulate_many``: on a batch prepared
once with ``tenant.prepare(calls)`` (routing and the Outcomes), and end to end on the Call
objects (reading each Python object under the GIL, building scenarios, routing). Best of N
runs each, because the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import List

import callplan

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme" / "acme.yaml"


def make_calls(tenant: callplan.Tenant, n: int) -> List[callplan.Call]:
    """A week of mixed traffic: both numbers, all hours, busy members, answers, menus."""
    exts = [u.extension for u in tenant.users]
    numbers = [num.number for num in tenant.numbers]
    calls = []
    for i in range(n):
        calls.append(callplan.Call(
            to=numbers[i % len(numbers)],
            from_="+31612345678",
            at=f"2026-11-{23 + i % 7:02}T{(i // 7) % 24:02}:{(i * 13) % 60:02}",
            presence={exts[i % len(exts)]: ("busy", "available", "dnd")[i % 3]},
            answer={exts[(i * 5) % len(exts)]: 5 + i % 30},
            digits="120"[i % 3]))
    return calls


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    tenant = callplan.load(ACME)
    tenant.raise_for_issues()
    calls = make_calls(tenant, args.calls)
    engine = tenant._engine()

    cpp_run, cpp_build_run, _ = engine.time_fast_path(calls, args.repeat)
    # End to end from Python objects: read every Call, build, route, return Outcomes.
    e2e1 = best(lambda: tenant.simulate_many(calls, threads=1), args.repeat) / args.calls
    e2e2 = best(lambda: tenant.simulate_many(calls, threads=2), args.repeat) / args.calls
    # Prepared once (tenant.prepare), routed from Python as often as wanted.
    prep = best(lambda: tenant.prepare(calls), args.repeat) / args.calls
    batch = tenant.prepare(calls)
    py1 = best(lambda: tenant.simulate_many(batch, threads=1), args.repeat) / args.calls
    py2 = best(lambda: tenant.simulate_many(batch, threads=2), args.repeat) / args.calls
    assert list(tenant.simulate_many(batch, threads=2)) == list(tenant.simulate_many(calls))

    ratio = py1 / cpp_run
    speedup = py1 / py2
    print(f"calls: {args.calls}, best of {args.repeat}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"C++ fast path (Simulator::run, scenarios prepared):  {cpp_run * 1e6:8.2f} us/call")
    print(f"C++ building the scenario + run:                     {cpp_build_run * 1e6:8.2f} us/call")
    print(f"Python simulate_many(prepared batch), 1 thread:      {py1 * 1e6:8.2f} us/call")
    print(f"Python simulate_many(prepared batch), 2 threads:     {py2 * 1e6:8.2f} us/call")
    print(f"Python tenant.prepare(Call objects):                 {prep * 1e6:8.2f} us/call")
    print(f"Python simulate_many(Call objects), 1 thread:        {e2e1 * 1e6:8.2f} us/call")
    print(f"Python simulate_many(Call objects), 2 threads:       {e2e2 * 1e6:8.2f} us/call")
    print(f"Python / C++ per call (prepared): {ratio:.2f}x (target <= 2.0)")
    print(f"2 threads vs 1 (prepared):        {speedup:.2f}x (target >= 1.6)")
    print(f"Python / C++ per call (Call objects, vs build + run): {e2e1 / cpp_build_run:.2f}x; "
          f"2 threads vs 1: {e2e1 / e2e2:.2f}x")
    ok = ratio <= 2.0 and speedup >= 1.6
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
