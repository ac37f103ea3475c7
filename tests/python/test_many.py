"""simulate_many: the same outcomes as simulate, on any number of threads, without the GIL."""

from __future__ import annotations

import math
import threading
import time
import types
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

import pytest

import callplan


def week_of_calls(tenant: callplan.Tenant, n: int) -> List[Dict[str, Any]]:
    exts = [u.extension for u in tenant.users]
    calls: List[Dict[str, Any]] = []
    for i in range(n):
        calls.append({
            "to": tenant.numbers[i % len(tenant.numbers)].number,
            "from": "+31612345678",
            "at": f"2026-11-{30 - (i % 7):02}T{i % 24:02}:{(i * 7) % 60:02}",
            "presence": {exts[i % len(exts)]: ["busy", "offline", "dnd", "available"][i % 4]},
            "answer": {exts[(i * 3) % len(exts)]: (i * 5) % 40},
            "digits": "120"[i % 3],
        })
    return calls


def outcome_of(trace: callplan.Trace) -> callplan.Outcome:
    return trace.result


def test_outcomes_equal_single_simulations(acme: callplan.Tenant) -> None:
    calls = week_of_calls(acme, 300)
    outcomes = acme.simulate_many(calls)
    assert len(outcomes) == 300
    for call, got in zip(calls, outcomes):
        kw = dict(call)
        kw["from_"] = kw.pop("from")
        assert got == acme.simulate(**kw).result
    assert outcomes[-1] == list(outcomes)[-1]
    assert outcomes[10:12] == [outcomes[10], outcomes[11]]
    tally = outcomes.tally()
    assert sum(tally.values()) == 300
    assert sum(outcomes.tally("by").values()) == tally.get("answered", 0)
    assert sum(outcomes.tally("user").values()) == tally.get("voicemail", 0)
    assert "Outcomes of 300 calls" in repr(outcomes)


def test_threads_do_not_change_the_result(acme: callplan.Tenant) -> None:
    calls = week_of_calls(acme, 3000)
    one = list(acme.simulate_many(calls, threads=1))
    assert list(acme.simulate_many(calls, threads=2)) == one
    assert list(acme.simulate_many(calls, threads=0)) == one
    assert list(acme.simulate_many(calls, threads=7)) == one


def test_call_objects_and_traces(acme: callplan.Tenant) -> None:
    calls = [callplan.Call(to="+31881234568", digits="1", at="2026-11-30T10:00",
                           answer={"003": 4}),
             callplan.Call(to="+31881234567", at="2026-12-25T10:00")]
    traces = acme.simulate_many(calls, trace=True)
    assert [t.result.disposition for t in traces] == ["answered", "voicemail"]
    assert traces[0] == acme.simulate(to="+31881234568", digits="1", at="2026-11-30T10:00",
                                      answer={"003": 4})
    assert "Call(to='+31881234568'" in repr(calls[0])


def test_a_shared_state_carries_from_call_to_call(acme: callplan.Tenant) -> None:
    calls = [{"to": "+31881234568", "digits": "1", "at": "2026-11-30T10:00",
              "answer": {"002": 1, "003": 1, "004": 1}}] * 6
    state = callplan.RoutingState()
    outcomes = acme.simulate_many(calls, state=state)
    assert [o.by for o in outcomes] == ["002", "003", "004", "002", "003", "004"]
    expected = callplan.RoutingState()
    for call in calls:
        acme.simulate(**call, state=expected)
    assert state == expected
    with pytest.raises(ValueError, match="threads=1"):
        acme.simulate_many(calls, threads=2, state=state)


def test_the_first_bad_call_is_named(acme: callplan.Tenant) -> None:
    calls: List[Dict[str, Any]] = [{"to": "+31881234567"}] * 1000
    calls = calls + [{"to": "+31881234567", "presence": {"077": "busy"}}] + calls
    with pytest.raises(callplan.Error, match=r"^call 1000: presence: "):
        acme.simulate_many(calls, threads=2)
    with pytest.raises(TypeError, match=r"call 1: a call has no field `too` \(did you mean `to`"):
        acme.simulate_many([{"to": "001"}, {"too": "001"}])
    with pytest.raises(TypeError, match="needs `to`"):
        acme.simulate_many([{}])


def test_the_gil_is_released(acme: callplan.Tenant) -> None:
    # While one thread routes a large batch, another Python thread keeps running.
    calls = week_of_calls(acme, 20000)
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0)

    counter = threading.Thread(target=count)
    counter.start()
    acme.simulate_many(calls)
    ticks_during = ticks
    done.set()
    counter.join()
    assert ticks_during > 10


def test_prepared_batches_route_like_plain_calls(acme: callplan.Tenant) -> None:
    calls = week_of_calls(acme, 2000)
    batch = acme.prepare(calls)
    assert len(batch) == 2000 and "2000 calls" in repr(batch)
    plain = list(acme.simulate_many(calls))
    assert list(acme.simulate_many(batch)) == plain
    assert list(acme.simulate_many(batch, threads=2)) == plain
    assert acme.simulate_many(batch[:0] if False else acme.prepare(calls[:3]), trace=True)[0] \
        == acme.simulate_many(calls[:3], trace=True)[0]
    other = callplan.load(acme.file)
    with pytest.raises(ValueError, match="another tenant"):
        other.simulate_many(batch)
    with pytest.raises(callplan.Error, match="^call 1: presence"):
        acme.prepare([calls[0], {"to": "+31881234567", "presence": {"001": "gone"}}])


# --- reading Call objects (the GIL-bound part of simulate_many, in C++) --------------------

class SubCall(callplan.Call):
    __slots__ = ()


class DigitsProperty(callplan.Call):
    """A subclass whose field is a property: read through Python, not by slot."""

    __slots__ = ()

    @property  # type: ignore[override]
    def digits(self) -> str:
        return "1"

    @digits.setter
    def digits(self, value: str) -> None:
        pass


class Plain:
    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


def kwargs_of(call: Any) -> Dict[str, Any]:
    """simulate()'s keyword arguments for a call as simulate_many reads it."""
    if isinstance(call, dict):
        kw = dict(call)
        if "from" in kw:
            kw["from_"] = kw.pop("from")
        return kw
    names = ("to", "from_", "at", "presence", "answer", "digits", "hangup_after", "seed")
    return {n: getattr(call, n) for n in names if hasattr(call, n)}


def mixed_calls(tenant: callplan.Tenant, n: int) -> List[Any]:
    """Every shape and type a call's fields may take, mixed."""
    exts = [u.extension for u in tenant.users]
    numbers = [num.number for num in tenant.numbers]
    amsterdam = ZoneInfo("Europe/Amsterdam")
    shared_presence = {exts[1]: "busy"}
    shared_answer = {exts[2]: 4}
    ats: List[Any] = [
        "2026-11-30T10:00", datetime(2026, 11, 30, 10, 30), date(2026, 12, 1),
        datetime(2026, 11, 30, 9, 15, 59, 999999, tzinfo=timezone.utc),
        datetime(2026, 12, 2, 11, 0, 0, 500000, tzinfo=amsterdam),
        datetime(2026, 10, 25, 2, 30, tzinfo=amsterdam, fold=1),   # repeated hour, later one
        datetime(2026, 3, 29, 2, 30),                                # in the DST gap
        datetime(2026, 11, 30, 20, 0, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
        "2026-12-03T07:59:30Z",
    ]
    presences: List[Any] = [
        None, {exts[0]: "busy"}, shared_presence, f"{exts[0]}=dnd,{exts[2]}=busy",
        {exts[0]: callplan.Presence.dnd, exts[3]: "offline"},
        types.MappingProxyType({exts[1]: "dnd"}), OrderedDict([(exts[0], "available")]),
    ]
    answers: List[Any] = [
        None, {exts[0]: 3}, shared_answer, f"{exts[1]}@5,{exts[2]}=busy",
        {exts[1]: "busy", exts[2]: 9}, types.MappingProxyType({exts[0]: 12}),
    ]
    calls: List[Any] = []
    for i in range(n):
        fields: Dict[str, Any] = dict(
            to=numbers[i % len(numbers)] if i % 11 else exts[i % len(exts)],
            at=ats[i % len(ats)], presence=presences[i % len(presences)],
            answer=answers[(i // 3) % len(answers)], digits=["", "1", "2", "_1"][i % 4])
        if i % 5 == 0:
            fields["from_"] = ["+31612345678", "anonymous", exts[2]][i % 3]
        if i % 7 == 0:
            fields["hangup_after"] = 20 + i % 30
        if i % 13 == 0:
            fields["seed"] = i
        shape = i % 6
        if shape == 0:
            calls.append(SubCall(**fields))
        elif shape == 1:
            calls.append(DigitsProperty(**fields))
        elif shape == 2:
            calls.append(Plain(**fields))
        elif shape == 3:
            d = dict(fields)
            if "from_" in d and i % 2:
                d["from"] = d.pop("from_")
            calls.append(d)
        else:
            calls.append(callplan.Call(**fields))
    return calls


def test_every_shape_of_call_routes_as_simulate(acme: callplan.Tenant) -> None:
    calls = mixed_calls(acme, 600)
    outcomes = list(acme.simulate_many(calls))
    for call, got in zip(calls, outcomes):
        assert got == acme.simulate(**kwargs_of(call)).result, call
    assert list(acme.simulate_many(calls, threads=2)) == outcomes
    traces = acme.simulate_many(calls[:60], trace=True)
    assert traces == [acme.simulate(**kwargs_of(c)) for c in calls[:60]]


def test_an_aware_datetime_is_its_instant(acme: callplan.Tenant) -> None:
    amsterdam = ZoneInfo("Europe/Amsterdam")
    whens = [datetime(2026, 11, 30, 9, 15, 59, 999999, tzinfo=timezone.utc),
             datetime(2026, 10, 25, 2, 30, tzinfo=amsterdam, fold=0),
             datetime(2026, 10, 25, 2, 30, tzinfo=amsterdam, fold=1),
             datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=timezone(timedelta(hours=2))),
             datetime(2031, 7, 1, 12, tzinfo=timezone(timedelta(hours=-9, seconds=-30)))]
    traces = acme.simulate_many([callplan.Call(to="+31881234567", at=w) for w in whens],
                                trace=True)
    for when, trace in zip(whens, traces):
        instant = datetime.fromtimestamp(math.floor(when.timestamp()), tz=timezone.utc)
        # In the tenant's zone (zoneinfo): the same instant. Compared by timestamp, as PEP 495
        # makes a zoneinfo datetime in a repeated hour unequal to those of other zones.
        assert trace.call.at_datetime.timestamp() == instant.timestamp()
        assert trace.call.at_datetime.tzinfo == amsterdam


def test_batches_of_many_chunks(acme: callplan.Tenant) -> None:
    # Calls are read and routed in chunks of 1,024 through a ring of 16 (16k calls): go
    # around it a few times, on 1, 2 and N threads, and with a state carried in order.
    calls = [callplan.Call(**kwargs_of(c)) for c in week_of_calls(acme, 300)]
    many = calls * 150  # 45,000 calls
    outcomes = list(acme.simulate_many(many, threads=1))
    assert outcomes[:300] == list(acme.simulate_many(calls))
    assert outcomes == outcomes[:300] * 150
    assert list(acme.simulate_many(many, threads=2)) == outcomes
    assert list(acme.simulate_many(iter(many), threads=0)) == outcomes
    rr = [callplan.Call(to="+31881234568", digits="1", at="2026-11-30T10:00",
                        answer={"002": 1, "003": 1, "004": 1})] * 20_000
    state = callplan.RoutingState()
    by = [o.by for o in acme.simulate_many(rr, state=state)]
    assert by == ["002", "003", "004"] * 6666 + ["002", "003"]


def test_the_first_bad_call_is_named_whatever_failed(acme: callplan.Tenant) -> None:
    good = callplan.Call(to="+31881234567", at="2026-11-30T10:00")
    type_error = callplan.Call(to="+31881234567", presence={1: "busy"})
    bad_state = callplan.Call(to="+31881234567", presence={"001": "gone"})
    for threads in (1, 2):
        # A call that cannot be routed comes before one that cannot be read: it is named.
        calls = [good] * 40_000
        calls[25_000] = bad_state
        calls[30_000] = type_error
        with pytest.raises(callplan.Error, match=r"^call 25000: presence: unknown state `gone`"):
            acme.simulate_many(calls, threads=threads)
        calls[25_000] = good
        with pytest.raises(TypeError, match=r"^call 30000: presence extension must be a str"):
            acme.simulate_many(calls, threads=threads)
        calls[5] = type_error
        with pytest.raises(TypeError, match=r"^call 5: "):
            acme.simulate_many(calls, threads=threads)
        calls[3] = bad_state
        with pytest.raises(callplan.Error, match=r"^call 3: "):
            acme.prepare(calls)


def test_a_dict_changed_while_the_batch_is_read(acme: callplan.Tenant) -> None:
    # The same dict in consecutive calls is read once, unless Python code ran in between
    # (a property, here) that may have changed it.
    presence = {"001": "busy"}

    class Sneaky:
        to = "+31881234567"
        at = "2026-11-30T10:00"

        @property
        def presence(self) -> Dict[str, str]:
            presence["001"] = "available"
            return {}

    first = callplan.Call(to="+31881234567", at="2026-11-30T10:00", presence=presence)
    calls = [first, Sneaky(), callplan.Call(to="+31881234567", at="2026-11-30T10:00",
                                            presence=presence)]
    outcomes = acme.simulate_many(calls)
    assert outcomes[0] == acme.simulate(to="+31881234567", at="2026-11-30T10:00",
                                        presence={"001": "busy"}).result
    assert outcomes[2] == acme.simulate(to="+31881234567", at="2026-11-30T10:00").result
    assert outcomes[0] != outcomes[2]


def test_strings_made_while_the_batch_is_read_are_not_mixed_up(acme: callplan.Tenant) -> None:
    # The shim copies a str's text once per chunk and then knows it by the object. Strings
    # made while a batch is read and dropped at once (by a mapping's keys() and [], here) must
    # not be taken for one another when a new one lands at the address of a dead one.
    exts = [u.extension for u in acme.users]
    states = ("busy", "dnd", "available", "offline")

    class Fresh(Mapping):  # every key and value a new str object, dropped after reading
        def __init__(self, ext: str, state: str) -> None:
            self.ext, self.state = ext, state

        def __getitem__(self, key: str) -> str:
            if key != self.ext:
                raise KeyError(key)
            return "".join(list(self.state))

        def __iter__(self) -> Iterator[str]:
            yield "".join(list(self.ext))

        def __len__(self) -> int:
            return 1

    plain = [{"to": "+31881234567", "at": "2026-11-30T10:00", "answer": {exts[i % 3]: 3},
              "presence": {exts[i % len(exts)]: states[(i // 3) % 4]}} for i in range(3000)]
    fresh = [dict(call, presence=Fresh(*next(iter(call["presence"].items()))))
             for call in plain]
    expected = list(acme.simulate_many(plain))
    assert len(set(expected)) > 1  # presence changes who answers
    assert list(acme.simulate_many(fresh)) == expected
    assert list(acme.simulate_many(acme.prepare(fresh))) == expected


def test_bad_batch_arguments_are_python_errors(acme: callplan.Tenant) -> None:
    calls = [{"to": "+31881234567", "at": "2026-11-30T10:00"}]
    with pytest.raises(ValueError, match=r"^threads: -1 is not a number of threads"):
        acme.simulate_many(calls, threads=-1)
    with pytest.raises(TypeError, match="^threads must be an int, not str"):
        acme.simulate_many(calls, threads="2")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="^calls must be an iterable of callplan.Call objects"):
        acme.simulate_many(5)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="^calls must be an iterable .*, not dict"):
        acme.simulate_many(calls[0])  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="^calls must be an iterable .*, not str"):
        acme.prepare("+31881234567")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^state must be a callplan.RoutingState"):
        acme.simulate_many(calls, state=callplan.RoutingState().to_json())  # type: ignore[call-overload]
    assert len(acme.simulate_many(calls, threads=10**30)) == 1  # more threads than calls: fine
    batch = acme.prepare(calls * 3)
    with pytest.raises(ValueError, match=r"^calls: the CallBatch was prepared by another tenant"):
        callplan.load(acme.file).simulate_many(batch)


def test_text_forms_and_from_in_batches(acme: callplan.Tenant) -> None:
    at = "2026-11-30T10:00"
    calls: List[Any] = [
        callplan.Call(to="+31881234567", at=at, presence="002=busy", answer="003@4,001=busy"),
        {"to": "+31881234567", "at": at, "presence": "002=busy", "answer": "003@4,001=busy"},
        callplan.Call(to="+31881234567", at=at, **{"from": "004"}),
    ]
    expected = [acme.simulate(to="+31881234567", at=at, presence={"002": "busy"},
                              answer={"003": 4, "001": "busy"}).result] * 2 + \
        [acme.simulate(to="+31881234567", at=at, from_="004").result]
    assert list(acme.simulate_many(calls)) == expected
    assert list(acme.simulate_many(acme.prepare(calls), threads=2)) == expected
    with pytest.raises(callplan.Error, match=r"^call 1: answer: `4x` in `003@4x` is not a whole"):
        acme.simulate_many([calls[0], {"to": "001", "answer": "003@4x"}])
