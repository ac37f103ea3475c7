#!/usr/bin/env python3
"""A calendar of Acme's holiday closures for a year.

    PYTHONPATH=build/dev/bindings/python python3 examples/python/holiday_calendar.py [--year 2027]

Asks the ``holidays`` schedule (fixed dates and Easter-based days, computed per year) and
``office_hours`` (which subtracts the holidays) for every day of the year, then prints the
twelve months with closures marked, and the list of weekdays the office is closed.
"""

from __future__ import annotations

import argparse
import calendar
from datetime import date, datetime, time, timedelta
from typing import List, Set

import callplan
from week_table import ACME


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=date.today().year)
    parser.add_argument("--tenant", default=str(ACME))
    args = parser.parse_args()

    tenant = callplan.load(args.tenant)
    tenant.raise_for_issues()
    holidays = tenant.schedule("holidays")
    office = tenant.schedule("office_hours")

    day = date(args.year, 1, 1)
    closed: Set[date] = set()
    while day.year == args.year:
        if holidays.matches(datetime.combine(day, time(12, 0))):  # naive: the tenant's zone
            closed.add(day)
        day += timedelta(days=1)

    print(f"Holiday closures of {tenant.name} in {args.year} ([dd] = closed all day)")
    cal = calendar.Calendar(firstweekday=0)
    for month in range(1, 13):
        print(f"\n{calendar.month_name[month]} {args.year}")
        print(" Mo   Tu   We   Th   Fr   Sa   Su")
        for week in cal.monthdatescalendar(args.year, month):
            cells: List[str] = []
            for d in week:
                if d.month != month:
                    cells.append("    ")
                elif d in closed:
                    cells.append(f"[{d.day:2}]")
                else:
                    cells.append(f" {d.day:2} ")
            print(" ".join(cells).rstrip())

    print("\nWorking days the office stays closed:")
    for d in sorted(closed):
        if d.weekday() < 5:
            # The office would be open at 10:00 on a normal weekday; on a holiday it is not.
            assert not office.matches(datetime.combine(d, time(10, 0)))
            print(f"  {d.isoformat()} {d.strftime('%A')}")
    reopen = office.next_change(datetime(args.year, 12, 24, 18, 0))
    print(f"After Christmas the office reopens {reopen:%A %Y-%m-%d %H:%M %Z}")


if __name__ == "__main__":
    main()
