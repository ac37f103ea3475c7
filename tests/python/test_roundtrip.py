"""Hypothesis round trips: RoutingState (JSON, pickle), traces (to_dict / to_json)."""

from __future__ import annotations

import copy
import json
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

import callplan

group = st.from_regex(r"[a-z][a-z0-9-]{0,8}(/[0-9]{1,2}){1,3}", fullmatch=True)
member = st.one_of(st.from_regex(r"[0-9]{2,6}", fullmatch=True),
                   st.from_regex(r"\+[1-9][0-9]{6,12}", fullmatch=True))


@given(st.dictionaries(group, member, max_size=6), st.integers(0, 2**64 - 1))
def test_routing_state_round_trips(positions: dict, seed: int) -> None:  # type: ignore[type-arg]
    state = callplan.RoutingState(seed)
    for g, m in positions.items():
        state.set_round_robin(g, m)
    assert state.round_robin == positions and state.random_state == seed
    again = callplan.RoutingState.from_json(state.to_json())
    assert again == state
    assert json.loads(again.to_json()) == json.loads(state.to_json())
    assert pickle.loads(pickle.dumps(state)) == state
    clone = state.copy()
    clone.seed(seed ^ 1)
    assert clone != state and copy.deepcopy(state) == state


def test_routing_state_rejects_garbage() -> None:
    for text in ["", "[]", '{"version": 2}', '{"version": 1, "round_robin": 3}']:
        try:
            callplan.RoutingState.from_json(text)
        except callplan.Error:
            continue
        raise AssertionError(f"accepted {text!r}")


calls = st.fixed_dictionaries({
    "to": st.sampled_from(["+31881234567", "+31881234568", "001", "004"]),
    "from_": st.sampled_from(["anonymous", "+31612345678", "002", "reception"]),
    "at": st.datetimes(min_value=__import__("datetime").datetime(2025, 1, 1),
                       max_value=__import__("datetime").datetime(2028, 12, 31)),
    "presence": st.dictionaries(st.sampled_from(["001", "002", "003", "004", "005", "006"]),
                                st.sampled_from(["available", "offline", "busy", "dnd"]),
                                max_size=3),
    "answer": st.dictionaries(st.sampled_from(["001", "002", "003", "004", "+31612345678"]),
                              st.one_of(st.integers(0, 90), st.just("busy")), max_size=3),
    "digits": st.text(alphabet="0123_*#9", max_size=3),
    "hangup_after": st.one_of(st.none(), st.integers(0, 120)),
})


@settings(max_examples=150, deadline=None)
@given(calls)
def test_trace_round_trips_through_dict_and_json(call: dict) -> None:  # type: ignore[type-arg]
    from conftest import ACME
    tenant = _tenant(ACME)
    if call["to"] == call["from_"]:
        return
    trace = tenant.simulate(**call)
    assert callplan.Trace.from_dict(trace.to_dict()).to_dict() == trace.to_dict()
    back = callplan.Trace.from_json(trace.to_json())
    assert back.to_json() == trace.to_json()
    assert back.to_json(indent=None) == json.dumps(json.loads(trace.to_json()),
                                                   separators=(",", ":"), ensure_ascii=False)
    assert back.result == trace.result and back.call == trace.call
    # Labels are not in JSON; everything else is.
    assert [e.to_dict() for e in back.events] == [e.to_dict() for e in trace.events]
    # The outcome is the same on the fast path.
    assert tenant.simulate_many([call])[0] == trace.result
    # Results are consistent with the events.
    if trace.result.disposition == "answered":
        assert trace.events[-1].type in ("answer", "stop")
        assert any(e.type == "answer" and e.by == trace.result.by for e in trace.events)


_cache: dict = {}  # type: ignore[type-arg]


def _tenant(path: object) -> callplan.Tenant:
    if path not in _cache:
        _cache[path] = callplan.load(str(path))
    return _cache[path]  # type: ignore[no-any-return]
