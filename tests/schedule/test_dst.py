"""matches(), the UTC offset and next_change() around DST changes, against zoneinfo.

For every spring-forward and fall-back change in a few zones and years (including 2038 and
later, where only the TZif footer rule knows about daylight saving time), the probe evaluates
schedules whose windows touch the changed hours; an independent Python evaluator gives the
expected answers, and a minute scan of it gives the expected next change."""

from datetime import datetime, timezone

import pytest

from schedule_reference import hm, local_wall_clock, reference_matches, run_probe

ZONES = ["Europe/Amsterdam", "America/New_York", "Australia/Sydney"]
YEARS = [2025, 2026, 2027, 2031, 2038, 2045]
EVERY_DAY = list(range(7))
HORIZON = 24 * 3600


def transitions(zone, year):
    """UTC instants in `year` at which the zone's offset changes (to the second)."""
    start = int(datetime(year, 1, 1, tzinfo=timezone.utc).timestamp())
    end = int(datetime(year + 1, 1, 1, tzinfo=timezone.utc).timestamp())
    found = []
    t = start
    previous = local_wall_clock(t, zone)[1]
    while t < end:
        nxt = t + 3600
        offset = local_wall_clock(nxt, zone)[1]
        if offset != previous:
            lo, hi = t, nxt  # offset(lo) == previous, offset(hi) != previous
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if local_wall_clock(mid, zone)[1] == previous:
                    lo = mid
                else:
                    hi = mid
            found.append(hi)
            previous = offset
        t = nxt
    return found


def schedules_for(local_day):
    def weekly(name, start, stop, days=EVERY_DAY):
        return {"name": name, "weekly": [{"days": days, "from": hm(start), "to": hm(stop)}]}

    return [
        weekly("w0130_0230", "01:30", "02:30"),
        weekly("w0200_0300", "02:00", "03:00"),
        weekly("w0215_0245", "02:15", "02:45"),
        weekly("w0230_0330", "02:30", "03:30"),
        weekly("w0300_0400", "03:00", "04:00"),
        weekly("office", "08:30", "17:30", [0, 1, 2, 3, 4]),
        weekly("night", "22:00", "02:30"),
        {"name": "the_day", "dates": [local_day]},
        {"name": "gap_range", "ranges": [{"from": f"{local_day}T02:10", "to": f"{local_day}T02:50"}]},
        {"name": "not_two", "weekly": [{"days": EVERY_DAY, "from": 0, "to": 1440}],
         "except": ["w0200_0300"]},
    ]


CASES = [(zone, year) for zone in ZONES for year in YEARS]


@pytest.mark.parametrize("zone,year", CASES, ids=[f"{z}-{y}" for z, y in CASES])
def test_dst_changes_match_zoneinfo(zone, year):
    changes = transitions(zone, year)
    assert len(changes) == 2, f"{zone} {year}: expected two DST changes, found {changes}"
    for change in changes:
        local_day = local_wall_clock(change, zone)[0].date().isoformat()
        schedules = schedules_for(local_day)
        queries_at = [change + k * 1800 for k in range(-6, 7)] + [change - 1, change + 1, change + 59]
        request = {"mode": "schedules", "tenant_timezone": zone, "schedules": schedules,
                   "queries": [{"schedule": s["name"], "at": at, "horizon": HORIZON}
                               for s in schedules for at in queries_at]}
        results = run_probe(request)["results"]

        # Expected values on a minute grid covering every query's horizon (all offsets here are
        # whole minutes, so values only change on UTC minutes).
        grid_start = (min(queries_at) // 60) * 60
        grid = range(grid_start, max(queries_at) + HORIZON + 61, 60)
        i = 0
        for s in schedules:
            values = {t: reference_matches(schedules, zone, s["name"], t) for t in grid}
            for at in queries_at:
                got = results[i]
                i += 1
                where = f"{zone} {s['name']} at {datetime.fromtimestamp(at, timezone.utc)}"
                expected = reference_matches(schedules, zone, s["name"], at)
                assert got["matches"] == expected, where
                assert got["offset"] == local_wall_clock(at, zone)[1], where
                expected_next = next((t for t in grid if at < t <= at + HORIZON
                                      and values[t] != expected), None)
                assert got["next_change"] == expected_next, where
