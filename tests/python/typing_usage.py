"""A script using the public API as docs/python.md shows it; checked by `mypy --strict`
(test_typing.py) so that the stubs and annotations stay usable. Also run for real."""

from __future__ import annotations

import pickle
import sys
from datetime import datetime, timedelta
from typing import Dict, List, Optional

import callplan


def main(path: str) -> int:
    tenant: callplan.Tenant = callplan.load(path)
    issues: List[callplan.Issue] = tenant.check()
    for issue in issues:
        where: str = f"{issue.file}:{issue.line}:{issue.column}"
        print(where, issue.severity.value, issue.code, issue.message, list(issue.hints))
    if not tenant.ok:
        return 1

    trace: callplan.Trace = tenant.simulate(to="+31881234567", from_="+31612345678",
                                            at=datetime(2026, 11, 30, 10, 0),
                                            presence={"002": "busy"}, answer={"003": 5},
                                            digits="", hangup_after=None, seed=1)
    for event in trace.events:
        t: int = event.t
        targets: Optional[List[str]] = event.targets
        print(t, event.type, targets, event.step)
    result: callplan.Outcome = trace.result
    as_dict: Dict[str, object] = trace.to_dict()
    text: str = trace.to_json()
    assert callplan.Trace.from_json(text).result == result and as_dict

    state = callplan.RoutingState()
    calls = [callplan.Call(to="+31881234568", digits="1", at="2026-11-30T10:00",
                           answer={"002": 3, "003": 3})] * 10
    outcomes: callplan.Outcomes = tenant.simulate_many(calls, threads=1, state=state)
    counts: Dict[str, int] = outcomes.tally("by")
    traces: List[callplan.Trace] = tenant.simulate_many(calls[:2], trace=True)
    restored: callplan.RoutingState = pickle.loads(pickle.dumps(state))
    assert restored == callplan.RoutingState.from_json(state.to_json())
    print(counts, len(traces), restored.round_robin)

    office: callplan.Schedule = tenant.schedule("office_hours")
    now = datetime(2026, 11, 30, 10, 0)
    change: Optional[datetime] = office.next_change(now, horizon=timedelta(days=7))
    print(office.matches(now), change)

    session: callplan.CallSession = tenant.session()
    session.start(to="+31881234567", at=now)
    action: Optional[callplan.Action] = session.next_action()
    while action is not None:
        legs: List[callplan.Leg] = list(action.legs)
        print(action.kind, [leg.target for leg in legs])
        action = session.next_action()
    wake: Optional[int] = session.wake_in()
    if wake is not None:
        session.advance_to(session.now + wake)
    rung: List[callplan.Action] = [a for a in session.actions() if a.kind == "ring"]
    if rung:
        session.answered(rung[0].legs[0], session.now + 2)
    outcome: callplan.Outcome = session.outcome
    print(outcome)

    try:
        tenant.simulate(to="999")
    except callplan.Error as error:
        problems: List[callplan.Issue] = error.issues
        print(error.message, problems)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
