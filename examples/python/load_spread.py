#!/usr/bin/env python3
"""Load spread of round robin vs random over 10,000 calls to Acme's sales group.

    PYTHONPATH=build/dev/bindings/python python3 examples/python/load_spread.py [--calls 10000]

Callers dial the sales and support line and press 1 (sales: a round-robin group of 002, 003
and 004). Every member answers after 4 s, but on each call one member is busy on another
call (a different one each time, in a fixed rotation of 7). Who gets the calls? Then the
same with the group switched to ``strategy: random`` (a what-if copy of the tenant).
Both runs carry the routing state from call to call, as the PBX would.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Dict, List

import callplan

ACME = Path(__file__).resolve().parents[1] / "acme" / "acme.yaml"
MEMBERS = ["002", "003", "004"]


def spread(tenant: callplan.Tenant, calls: List[callplan.Call]) -> Dict[str, int]:
    state = callplan.RoutingState(seed=2026)
    outcomes = tenant.simulate_many(calls, state=state)
    return outcomes.tally("by")


def with_random_sales(acme: Path, workdir: Path) -> callplan.Tenant:
    """A copy of the tenant whose sales group uses the random strategy."""
    for f in acme.parent.glob("*.yaml"):
        shutil.copy(f, workdir / f.name)
    plans = workdir / "plans.yaml"
    text = plans.read_text()
    assert "strategy: round_robin" in text
    plans.write_text(text.replace("strategy: round_robin", "strategy: random"))
    return callplan.load(workdir / acme.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--tenant", default=str(ACME))
    args = parser.parse_args()

    acme = callplan.load(args.tenant)
    acme.raise_for_issues()
    service = acme.numbers[1].number
    rotation = [{m: "busy"} if i < 3 else {} for i, m in enumerate(MEMBERS + ["", "", "", ""])]
    calls = [callplan.Call(to=service, digits="1", at="2026-11-30T10:00",
                           presence={k: v for k, v in rotation[i % 7].items() if k},
                           answer={m: 4 for m in MEMBERS})
             for i in range(args.calls)]

    with tempfile.TemporaryDirectory() as tmp:
        results = {"round_robin": spread(acme, calls),
                   "random": spread(with_random_sales(Path(args.tenant), Path(tmp)), calls)}

    print(f"{args.calls} calls to {service}, option 1 (sales); one member busy on 3 of 7 calls")
    print(f"{'member':<8}" + "".join(f"{name:>22}" for name in results))
    for m in MEMBERS:
        cells = []
        for counts in results.values():
            n = counts.get(m, 0)
            cells.append(f"{n:>10} ({100 * n / args.calls:5.1f} %)  ")
        print(f"{m:<8}" + "".join(f"{c:>22}" for c in cells))
    for name, counts in results.items():
        total = sum(counts.values())
        spread_pct = 100 * (max(counts.values()) - min(counts.values())) / total
        print(f"{name}: {total} answered, max - min = {spread_pct:.1f} % of the calls")
    print(f"most calls (round robin): {Counter(results['round_robin']).most_common(1)[0][0]}")


if __name__ == "__main__":
    main()
