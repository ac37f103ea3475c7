#!/usr/bin/env python3
"""Every hour of next week: where does a call to Acme's main number go?

    PYTHONPATH=build/dev/bindings/python python3 examples/python/week_table.py [--week-of 2026-11-30]

Simulates one call per hour (168 calls, one batch) from an outside caller, nobody answering,
and prints a table: rows are hours, columns are days. A cell shows who rings first
(``001``), or where the call ends when nobody rings (``vm 001`` for voicemail).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from pathlib import Path

import callplan

ACME = Path(__file__).resolve().parents[1] / "acme" / "acme.yaml"


def first_stop(trace: callplan.Trace) -> str:
    """Who rings first, or how the call ends when nobody rings."""
    for event in trace.events:
        if event.type == "ring":
            return " ".join(event.targets or [])
    result = trace.result
    if result.disposition == "voicemail":
        return f"vm {result.user}"
    return result.disposition


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    today = date.today()
    next_monday = today + timedelta(days=7 - today.weekday())
    parser.add_argument("--week-of", type=date.fromisoformat, default=next_monday,
                        help="the Monday the week starts on (default: next Monday)")
    parser.add_argument("--tenant", default=str(ACME))
    args = parser.parse_args()

    tenant = callplan.load(args.tenant)
    tenant.raise_for_issues()
    main_number = tenant.numbers[0].number
    monday = args.week_of - timedelta(days=args.week_of.weekday())
    days = [monday + timedelta(days=d) for d in range(7)]
    hours = range(24)

    # Naive datetimes are wall-clock time in the tenant's zone (Europe/Amsterdam).
    calls = [callplan.Call(to=main_number, from_="+31612345678",
                           at=datetime.combine(day, datetime.min.time()).replace(hour=h))
             for h in hours for day in days]
    traces = tenant.simulate_many(calls, trace=True)

    print(f"Calls to {main_number} ({tenant.numbers[0].label}), week of {monday}, "
          f"times in {tenant.timezone}; nobody answers")
    print("hour  " + "".join(f"{d.strftime('%a %d'):>9}" for d in days))
    for h in hours:
        row = traces[h * 7:(h + 1) * 7]
        print(f"{h:02}:00 " + "".join(f"{first_stop(t):>9}" for t in row))
    final = {t.result.disposition + (f" {t.result.user}" if t.result.user else "") for t in traces}
    print(f"every call ends in: {', '.join(sorted(final))}")


if __name__ == "__main__":
    main()
