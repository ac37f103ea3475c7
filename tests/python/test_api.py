"""callplan.load / load_string, issues as objects, exceptions, simulate's arguments."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
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


def test_from_and_from_underscore_together_are_a_type_error(acme: callplan.Tenant) -> None:
    with pytest.raises(TypeError, match=r"simulate\(\) got both `from_` and `from`"):
        acme.simulate(to="+31881234567", from_="002", **{"from": "003"})
    # Even when from_ is given as its default value.
    with pytest.raises(TypeError, match="both `from_` and `from`"):
        acme.simulate(to="+31881234567", from_="anonymous", **{"from": "003"})
    with pytest.raises(TypeError, match=r"Call\(\) got both `from_` and `from`"):
        callplan.Call(to="+31881234567", from_="002", **{"from": "003"})
    with pytest.raises(TypeError, match=r"^call 1: a call has both `from` and `from_`"):
        acme.simulate_many([{"to": "001"}, {"to": "001", "from": "002", "from_": "003"}])
    with pytest.raises(TypeError, match="unexpected keyword arguments: state"):
        callplan.Call(to="001", state=callplan.RoutingState())  # type: ignore[call-arg]


def test_call_takes_from_like_simulate(acme: callplan.Tenant) -> None:
    call = callplan.Call(to="+31881234567", at="2026-11-30T10:00", **{"from": "002"})
    assert call.from_ == "002"
    assert callplan.Call(to="001").from_ == "anonymous"
    [outcome] = acme.simulate_many([call], trace=True)
    assert outcome == acme.simulate(to="+31881234567", at="2026-11-30T10:00", from_="002")
    assert outcome.call.from_ == "002"


def test_wrong_types_are_type_errors_naming_the_argument(acme: callplan.Tenant) -> None:
    for kwargs in ({"state": {}}, {"state": "x"}):
        with pytest.raises(TypeError, match=r"^state must be a callplan.RoutingState or None, not"):
            acme.simulate(to="001", **kwargs)
        with pytest.raises(TypeError, match="^state must be"):
            acme.simulate_many([{"to": "001"}], **kwargs)
    with pytest.raises(TypeError, match=r'^presence must be a mapping .* or the CLI text "002=busy,003=dnd", not list'):
        acme.simulate(to="001", presence=["002"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r'^answer must be a mapping .* or the CLI text "001@5,002=busy", not list'):
        acme.simulate(to="001", answer=[("001", 5)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r'^answer: 001: 2.5 must be a whole number of seconds \(int\) or "busy", not float'):
        acme.simulate(to="001", answer={"001": 2.5})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match=r"^answer: 001: True must be"):
        acme.simulate(to="001", answer={"001": True})
    with pytest.raises(TypeError, match="^path must be a str or an os.PathLike, not int"):
        callplan.load(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^text must be a str, not int"):
        callplan.load_string(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^format must be a str, not int"):
        acme.report(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^name must be a str, not int"):
        acme.schedule(5)  # type: ignore[arg-type]
    outcomes = acme.simulate_many([{"to": "001"}])
    with pytest.raises(TypeError, match="^field must be a str, not int"):
        outcomes.tally(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        outcomes["0"]  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="^seed must be an int, not str"):
        callplan.RoutingState(seed="1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^group must be a str, not int"):
        callplan.RoutingState().set_round_robin(1, "002")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^text must be a str, not dict"):
        callplan.RoutingState.from_json({})  # type: ignore[arg-type]


def test_bad_values_name_the_argument_once(acme: callplan.Tenant) -> None:
    to = "+31881234567"
    cases = [
        ({"answer": {"001": -5}}, "answer: 001: -5 is not a whole number >= 0"),
        ({"answer": {"001": 2**40}},
         "answer: 001: 1099511627776 is too large (at most 4294967295)"),
        ({"answer": {"001": "maybe"}}, 'answer: 001: `maybe` is neither a number of seconds nor "busy"'),
        # The CLI text form: the CLI's messages (`--answer:` -> `answer:`), never doubled.
        ({"answer": "001@x"}, "answer: `x` in `001@x` is not a whole number of seconds"),
        ({"answer": "001=bsy"}, "answer: `001=bsy` is neither X@SECONDS nor X=busy (e.g. 001@5,002=busy)"),
        ({"seed": -1}, "seed: -1 is not a whole number >= 0"),
        ({"seed": 2**64 + 5},
         "seed: 18446744073709551621 is too large (at most 18446744073709551615)"),
        ({"hangup_after": 2**40}, "hangup_after: 1099511627776 is too large (at most 4294967295)"),
        ({"hangup_after": -2**70}, f"hangup_after: {-2**70} is not a whole number >= 0"),
    ]
    for kwargs, message in cases:
        with pytest.raises(callplan.Error) as raised:
            acme.simulate(to=to, **kwargs)
        assert raised.value.message == message
        with pytest.raises(callplan.Error) as many:
            acme.simulate_many([callplan.Call(to=to, **kwargs)])
        assert many.value.message == f"call 0: {message}"
    with pytest.raises(callplan.Error, match=r"^seed: -3 is not a whole number >= 0$"):
        callplan.RoutingState(seed=-3)
    with pytest.raises(callplan.Error, match=r"^seed: 18446744073709551616 is too large"):
        callplan.RoutingState().seed(2**64)
    assert callplan.RoutingState(seed=2**64 - 1).random_state == 2**64 - 1


def test_answer_text_is_read_as_the_cli_reads_it(acme: callplan.Tenant) -> None:
    text = acme.simulate(to="+31881234567", at="2026-11-30T10:00", answer=" 001=busy , 002@3 ,")
    maps = acme.simulate(to="+31881234567", at="2026-11-30T10:00", answer={"001": "busy", "002": 3})
    assert text == maps and text.result.by == "002"
    # `--answer "001 = busy"` is refused by the CLI (the target would be `001 `): so here.
    with pytest.raises(callplan.Error, match=r"^answer: `001 = busy` is neither"):
        acme.simulate(to="+31881234567", answer="001 = busy")


def test_trace_text_is_the_cli_output(acme: callplan.Tenant) -> None:
    from conftest import ACME, cli_simulate
    trace = acme.simulate(to="+31881234567", from_="+31612345678", at="2026-11-30T10:00",
                          answer={"003": 5})
    assert trace.to_text().endswith("result: answered by 003 at 50 s\n")
    assert str(trace) + "\n" == trace.to_text() and repr(trace) == str(trace)
    run = cli_simulate(ACME, ["--to", "+31881234567", "--from", "+31612345678", "--at",
                              "2026-11-30T10:00", "--answer", "003@5"])
    assert run.returncode == 0, run.stderr
    assert run.stdout == trace.to_text()


def test_event_fields_of_other_types_are_none(acme: callplan.Tenant) -> None:
    menu = acme.simulate(to="+31881234568", at="2026-11-30T10:00", digits="9_0")
    kinds = [(e.type, e.prompt is not None, e.digit, e.invalid, e.no_digit) for e in menu]
    assert kinds[:6] == [("plan", False, None, None, None),
                         ("menu", True, None, False, False),
                         ("menu", False, "9", True, False),
                         ("menu", True, None, False, False),
                         ("menu", False, None, False, True),
                         ("menu", True, None, False, False)]
    plan = menu.events[0]
    assert plan.label == "" and plan.targets is None and plan.timeout is None
    assert plan.matched is None and plan.attempt is None
    main = acme.simulate(to="+31881234567", at="2026-11-30T10:00")
    ring = next(e for e in main if e.type == "ring")
    assert ring.label == "Reception" and ring.invalid is None and ring.no_digit is None
    assert callplan.Trace.from_json(main.to_json()).events[2].label == ""


def test_at_datetime_is_in_the_tenants_zone(acme: callplan.Tenant) -> None:
    zone = ZoneInfo("Europe/Amsterdam")
    trace = acme.simulate(to="+31881234567", at=datetime(2026, 11, 30, 9, tzinfo=timezone.utc))
    assert trace.call.timezone == "Europe/Amsterdam"
    local = trace.call.at_datetime
    assert local.tzinfo == zone and local == datetime(2026, 11, 30, 10, tzinfo=zone)
    [many] = acme.simulate_many([{"to": "+31881234567", "at": "2026-07-01T12:00"}], trace=True)
    assert many.call.at_datetime.tzinfo == zone and many.call.at_datetime.utcoffset() == \
        timedelta(hours=2)
    # From JSON, the zone is known only when given; the instant is the same either way.
    plain = callplan.Trace.from_json(trace.to_json())
    assert plain.call.timezone is None and plain.call == trace.call
    assert plain.call.at_datetime.tzinfo == timezone(timedelta(hours=1))
    assert plain.call.at_datetime == local
    zoned = callplan.Trace.from_dict(trace.to_dict(), timezone="Europe/Amsterdam")
    assert zoned.call.at_datetime.tzinfo == zone
    # The second 02:30 of 2026-10-25 (CET) keeps its fold.
    repeat = acme.simulate(to="+31881234567", at="2026-10-25T01:30Z").call.at_datetime
    assert (repeat.hour, repeat.minute, repeat.fold, repeat.utcoffset()) == \
        (2, 30, 1, timedelta(hours=1))


def test_load_string_resolves_includes_against_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "people.yaml").write_text(
        'users: [{extension: "001", first_name: A, last_name: B, email: a@b.example}]\n'
        'devices: [{id: d, name: D, user: "001"}]\n')
    text = ("version: 1\ntenant: {name: T, login: t, timezone: UTC}\n"
            'numbers: [{number: "+31881234567", plan: main}]\ninclude: [people.yaml]\n'
            'plans: [{id: main, steps: [{transfer: {to: "001"}}]}]\n')
    monkeypatch.chdir(tmp_path)
    assert callplan.load_string(text).ok
    assert callplan.load_string(text, str(tmp_path / "tenant.yaml")).ok
    elsewhere = callplan.load_string(text, "sub/tenant.yaml")
    assert [i.code for i in elsewhere.errors][:1] == ["CP106"]
    assert len(elsewhere.errors) > 1  # what the include held is missing too


def test_routing_state_is_not_tied_to_a_tenant(acme: callplan.Tenant) -> None:
    # Without "version" (as `--state` reads it); unknown groups are kept, and a member the
    # group does not have restarts it at its first member.
    state = callplan.RoutingState.from_json('{"round_robin": {"nope/0": "002"}}')
    assert state.to_json() == callplan.RoutingState.from_json(state.to_json()).to_json()
    state.set_round_robin("service/0/1/0", "099")
    trace = acme.simulate(to="+31881234568", at="2026-11-30T10:00", digits="1", state=state)
    assert trace.rings()[0] == ["002"]
    assert state.round_robin == {"nope/0": "002", "service/0/1/0": "002"}
    with pytest.raises(callplan.Error, match="`version` must be 1"):
        callplan.RoutingState.from_json('{"version": 2}')
