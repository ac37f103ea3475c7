"""simulate_many: the same outcomes as simulate, on any number of threads, without the GIL."""

from __future__ import annotations

import threading
import time
from typing import Any, Dict, List

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
