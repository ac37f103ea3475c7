"""Schedule.matches / next_change / changes, on wall-clock time with zoneinfo datetimes."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import callplan

AMS = ZoneInfo("Europe/Amsterdam")


def test_office_hours(acme: callplan.Tenant) -> None:
    office = acme.schedule("office_hours")
    assert office.name == "office_hours" and office.timezone == "Europe/Amsterdam"
    assert office.matches(datetime(2026, 11, 30, 10, 0))                 # naive: Amsterdam
    assert not office.matches(datetime(2026, 11, 30, 17, 30))            # `to` is exclusive
    assert office.matches(datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc))  # 10:00 local
    assert not office.matches("2026-11-28T10:00")                          # Saturday
    assert datetime(2026, 11, 30, 12, 0) in office
    assert not office.matches(datetime(2026, 12, 25, 10, 0))             # Christmas
    assert not office.matches(date(2026, 4, 6))                            # Easter Monday 00:00
    nxt = office.next_change(datetime(2026, 11, 30, 10, 0))
    assert nxt == datetime(2026, 11, 30, 17, 30, tzinfo=AMS)
    assert nxt is not None and nxt.tzinfo is not None and nxt.utcoffset() == timedelta(hours=1)
    # Friday evening: next opening is Monday morning.
    assert office.next_change(datetime(2026, 12, 4, 18, 0)) == datetime(2026, 12, 7, 8, 30,
                                                                          tzinfo=AMS)
    assert "office_hours" in repr(office)


def test_wall_clock_across_dst(acme: callplan.Tenant) -> None:
    office = acme.schedule("office_hours")
    # Clocks go forward on Sunday 29 March 2026: Monday opens at 08:30 CEST = 06:30 UTC.
    opening = office.next_change(datetime(2026, 3, 29, 12, 0))
    assert opening == datetime(2026, 3, 30, 6, 30, tzinfo=timezone.utc)
    assert opening is not None and opening.utcoffset() == timedelta(hours=2)


def test_changes_over_a_week(acme: callplan.Tenant) -> None:
    office = acme.schedule("office_hours")
    week = office.changes(datetime(2026, 11, 30), datetime(2026, 12, 7))
    assert len(week) == 10
    assert week[0] == (datetime(2026, 11, 30, 8, 30, tzinfo=AMS), True)
    assert week[1] == (datetime(2026, 11, 30, 17, 30, tzinfo=AMS), False)
    assert all(opened != week[i + 1][1] for i, (_, opened) in enumerate(week[:-1]))


def test_never_changing_schedule_gives_none() -> None:
    tenant = callplan.load_string("""\
version: 1
tenant: {name: T, login: t, timezone: UTC}
numbers: [{number: "+31881234567", plan: main}]
users: [{extension: "001", first_name: A, last_name: B, email: a@b.example}]
devices: [{id: d, name: D, user: "001"}]
schedules:
  xmas: {dates: [2026-12-25]}
plans:
  - id: main
    steps:
      - time_condition: {schedule: xmas, then: [hangup: {}]}
      - transfer: {to: "001"}
""", "t.yaml")
    assert tenant.ok, tenant.report("gcc")
    xmas = tenant.schedule("xmas")
    assert xmas.next_change("2027-01-01T00:00", horizon=timedelta(days=30)) is None
    assert xmas.next_change("2026-12-01T00:00") == datetime(2026, 12, 25, tzinfo=ZoneInfo("UTC"))


def test_boundaries_of_next_change_and_changes(acme: callplan.Tenant) -> None:
    office = acme.schedule("office_hours")
    opening = datetime(2026, 11, 30, 8, 30, tzinfo=AMS)
    closing = datetime(2026, 11, 30, 17, 30, tzinfo=AMS)
    # next_change is strictly after its argument.
    assert office.next_change(datetime(2026, 11, 30, 8, 29, 59)) == opening
    assert office.next_change(datetime(2026, 11, 30, 8, 30)) == closing
    # The horizon is (after, after + horizon], whole seconds.
    after = datetime(2026, 11, 30, 8, 0)
    assert office.next_change(after, horizon=timedelta(minutes=30)) == opening
    assert office.next_change(after, horizon=timedelta(minutes=29, seconds=59.9)) is None
    # changes covers (start, end]: a change at start is left out, one at end included.
    assert office.changes("2026-11-30T08:30", "2026-11-30T17:30") == [(closing, False)]
    assert office.changes("2026-11-30T08:29:59", "2026-11-30T08:30") == [(opening, True)]
    assert office.changes("2026-11-30T12:00", "2026-11-30T08:00") == []
    day = office.changes("2026-11-30T00:00", "2026-11-30T12:00") + \
        office.changes("2026-11-30T12:00", "2026-12-01T00:00")
    assert day == office.changes("2026-11-30T00:00", "2026-12-01T00:00")


def test_bad_arguments_name_themselves(acme: callplan.Tenant) -> None:
    office = acme.schedule("office_hours")
    with pytest.raises(TypeError, match=r"^horizon must be a datetime.timedelta, not int"):
        office.next_change(datetime(2026, 12, 4, 18), horizon=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^horizon: .* is negative"):
        office.next_change(datetime(2026, 12, 4, 18), horizon=timedelta(days=-1))
    with pytest.raises(TypeError, match="^when must be a datetime, a date or an ISO 8601 str, not int"):
        office.matches(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^after must be"):
        office.next_change(5.0)  # type: ignore[arg-type]
    with pytest.raises(callplan.Error, match="^when: `garbage` is not an ISO 8601 instant"):
        office.matches("garbage")
    with pytest.raises(callplan.Error, match="^end: `x` is not"):
        office.changes("2026-11-30T00:00", "x")
