"""callplan.load / load_string, issues as objects, exceptions, simulate's arguments."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

import callplan
from conftest import ACME

BROKEN = """\
version: 1
tenant: {name: Broken, login: broken, timezone: Europe/Amsterdam}
numbers:
  - {number: "+31881234567", plan: main}
users:
  - {extension: "001", first_name: A, last_name: B, email: a@b.example}
devices:
  - {id: d1, name: Phone, user: "001"}
plans:
  - id: main
    steps:
      - ring_group: {strategy: ring_al, members: ["001"]}
      - voicemail: {user: "009"}
"""


def test_load_example_tenant(acme: callplan.Tenant) -> None:
    assert acme.name == "Acme BV"
    assert acme.timezone == "Europe/Amsterdam"
    assert acme.file == str(ACME)
    assert [n.number for n in acme.numbers] == ["+31881234567", "+31881234568"]
    assert acme.numbers[0].plan == "main"
    assert acme.users[0].extension == "001" and acme.users[0].voicemail
    assert "main" in acme.plans
    assert not acme.errors
    assert acme.check() == acme.issues
    acme.raise_for_issues()


def test_issues_are_objects_with_places_codes_and_hints() -> None:
    tenant = callplan.load_string(BROKEN, "broken.yaml")
    assert not tenant.ok
    by_code = {i.code: i for i in tenant.issues}
    strategy = next(i for i in tenant.issues if "ring_al" in i.message)
    assert strategy.severity is callplan.Severity.error and strategy.severity == "error"
    assert (strategy.file, strategy.line) == ("broken.yaml", 12)
    assert strategy.column > 0
    assert any("ring_all" in h for h in strategy.hints)
    assert str(strategy).startswith(f"broken.yaml:12:{strategy.column}: error: ")
    assert str(strategy).endswith(f"[{strategy.code}]")
    assert strategy.location == f"broken.yaml:12:{strategy.column}"
    assert any("009" in i.message for i in by_code.values())
    # The same issues as the human report, which shows the source line.
    assert "ring_al" in tenant.report("human")
    assert tenant.report("gcc").count("error:") == len(tenant.errors)
    assert isinstance(strategy.to_dict()["notes"], list)


def test_a_tenant_with_errors_refuses_to_route() -> None:
    tenant = callplan.load_string(BROKEN, "broken.yaml")
    with pytest.raises(callplan.LoadError) as raised:
        tenant.simulate(to="+31881234567")
    assert raised.value.issues == tenant.errors
    assert "broken.yaml has" in str(raised.value)
    with pytest.raises(callplan.LoadError):
        tenant.raise_for_issues()
    assert isinstance(raised.value, callplan.Error)
    copy = pickle.loads(pickle.dumps(raised.value))
    assert copy.issues == raised.value.issues and copy.message == raised.value.message


def test_an_unreadable_file_raises_load_error(tmp_path: object) -> None:
    with pytest.raises(callplan.LoadError) as raised:
        callplan.load("/nonexistent/acme.yaml")
    assert "/nonexistent/acme.yaml" in str(raised.value)


def test_simulate_returns_a_trace_of_objects(acme: callplan.Tenant) -> None:
    trace = acme.simulate(to="+31881234567", from_="+31612345678", at="2026-11-30T10:00",
                          answer={"003": 5})
    assert trace.call.from_ == "+31612345678"
    assert trace.call.at == "2026-11-30T10:00:00+01:00"
    assert trace.call.at_datetime == datetime(2026, 11, 30, 9, tzinfo=timezone.utc)
    assert trace.result == callplan.Outcome("answered", by="003", t=50)
    first = trace.events[0]
    assert (first.t, first.type, first.plan, first.step) == (0, "plan", "main", "main")
    rings = [e for e in trace if e.type == "ring"]
    assert rings[0].targets == ["001"] and rings[0].timeout == 30
    assert rings[0].label == "Reception"
    assert trace.rings() == [["001"], ["002"], ["003"]]
    assert "answered by 003" in str(trace) and "Reception" in repr(trace)
    assert repr(first).startswith("Event(t=0, type='plan'")
    assert str(trace.result) == "answered by 003 at 50 s"


def test_datetimes_naive_aware_and_text_agree(acme: callplan.Tenant) -> None:
    text = acme.simulate(to="+31881234567", at="2026-07-01T08:29:59")
    naive = acme.simulate(to="+31881234567", at=datetime(2026, 7, 1, 8, 29, 59))
    aware = acme.simulate(to="+31881234567",
                          at=datetime(2026, 7, 1, 8, 29, 59, tzinfo=ZoneInfo("Europe/Amsterdam")))
    utc = acme.simulate(to="+31881234567", at=datetime(2026, 7, 1, 6, 29, 59, tzinfo=timezone.utc))
    assert text == naive == aware == utc
    assert text.events[1].matched is False  # 08:29:59 is before office hours
    day = acme.simulate(to="+31881234567", at=date(2026, 7, 1))
    assert day.call.at == "2026-07-01T00:00:00+02:00"
    open_ = acme.simulate(to="+31881234567", at=datetime(2026, 7, 1, 8, 30))
    assert open_.events[1].matched is True


def test_presence_enum_and_from_keyword(acme: callplan.Tenant) -> None:
    a = acme.simulate(to="+31881234567", at="2026-11-30T10:00",
                      presence={"001": callplan.Presence.dnd}, **{"from": "0612345678"})
    assert a.call.from_ == "0612345678"
    assert any(e.type == "skip" and e.target == "001" and e.reason == "dnd" for e in a)
    with pytest.raises(TypeError):
        acme.simulate(to="+31881234567", unknown=1)  # type: ignore[call-arg]


def test_bad_arguments_raise_with_hints(acme: callplan.Tenant) -> None:
    with pytest.raises(callplan.Error, match=r"presence: no user has extension `09` \(the tenant's extensions are 001"):
        acme.simulate(to="+31881234567", presence={"09": "busy"})
    with pytest.raises(callplan.Error, match="did you mean `busy`"):
        acme.simulate(to="+31881234567", presence={"002": "bussy"})
    with pytest.raises(callplan.Error, match="at: "):
        acme.simulate(to="+31881234567", at="tomorrow")
    with pytest.raises(TypeError, match="at must be"):
        acme.simulate(to="+31881234567", at=12)  # type: ignore[arg-type]
    with pytest.raises(callplan.Error, match="is neither a number nor an extension"):
        acme.simulate(to="0612 34")


def test_unknown_numbers_are_rejected_not_refused(acme: callplan.Tenant) -> None:
    # SPEC 3.1: a well-formed number or extension the tenant does not have is rejected.
    for to in ("+31201234567", "0999"):
        trace = acme.simulate(to=to, at="2026-11-30T10:00")
        assert trace.result.disposition == "rejected"
        assert trace.result.reason == "unknown_number"
        assert [e.type for e in trace.events] == ["reject"]


def test_schedules_need_no_errors_and_unknown_names_get_hints(acme: callplan.Tenant) -> None:
    with pytest.raises(callplan.Error, match="did you mean `office_hours`"):
        acme.schedule("office_hour")
    assert set(acme.schedules) >= {"office_hours", "holidays"}


def test_naive_datetimes_honour_fold_like_python(acme: callplan.Tenant) -> None:
    # 2026-10-25 02:30 happens twice in Amsterdam. fold=0 is the first (CEST, text `at` means
    # the same), fold=1 the second (CET), as zoneinfo reads them (PEP 495).
    zone = ZoneInfo(acme.timezone)
    for fold, offset in ((0, "+02:00"), (1, "+01:00")):
        naive = datetime(2026, 10, 25, 2, 30, fold=fold)
        assert naive.replace(tzinfo=zone).utcoffset() is not None
        trace = acme.simulate(to="+31881234567", at=naive)
        assert trace.call.at == f"2026-10-25T02:30:00{offset}"
        [many] = acme.simulate_many([callplan.Call(to="+31881234567", at=naive)])
        assert many == trace.result
        aware = naive.replace(tzinfo=zone)
        assert acme.simulate(to="+31881234567", at=aware).call.at == trace.call.at
    # In the gap (2026-03-29 02:30 does not exist), fold=1 reads it with the offset after the
    # change, as zoneinfo does: 00:30 UTC, shown as 01:30 CET.
    gap = datetime(2026, 3, 29, 2, 30, fold=1)
    assert acme.simulate(to="+31881234567", at=gap).call.at == "2026-03-29T01:30:00+01:00"
    assert int(gap.replace(tzinfo=zone).timestamp()) == int(
        datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("UTC")).timestamp())
    schedule = acme.schedule("office_hours")
    assert schedule.matches(datetime(2026, 10, 25, 2, 30, fold=1)) == schedule.matches(
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=zone))
