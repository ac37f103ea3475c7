"""A script using the public API as docs/python.md shows it; checked by `mypy --strict`
(test_typing.py) so that the stubs and annotations stay usable. Also run for real."""

from __future__ import annotations

import pickle
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, List, Optional, Union
from zoneinfo import ZoneInfo

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
    timeline: str = trace.to_text()
    assert str(trace) + "\n" == timeline
    local: datetime = trace.call.at_datetime
    zone: Optional[str] = trace.call.timezone
    assert isinstance(local.tzinfo, ZoneInfo) and zone == tenant.timezone
    back = callplan.Trace.from_json(text, timezone=tenant.timezone)
    assert back.call.at_datetime == local
    invalid: Optional[bool] = trace.events[0].invalid
    no_digit: Optional[bool] = trace.events[0].no_digit
    label: str = trace.events[0].label
    assert invalid is None and no_digit is None and label == ""

    # The CLI text forms of presence and answer (docs/python.md, Simulating one call).
    as_text = tenant.simulate(to="+31881234567", at="2026-11-30T10:00",
                              presence="002=busy,003=dnd", answer="001@5,002=busy")
    as_maps = tenant.simulate(to="+31881234567", at="2026-11-30T10:00",
                              presence={"002": "busy", "003": callplan.Presence.dnd},
                              answer={"001": 5, "002": "busy"})
    assert as_text == as_maps

    state = callplan.RoutingState()
    calls = [callplan.Call(to="+31881234568", digits="1", at="2026-11-30T10:00",
                           answer={"002": 3, "003": 3})] * 10
    texts = [callplan.Call(to="+31881234568", digits="1", at="2026-11-30T10:00",
                           presence="002=busy", answer="003@3")]
    batch: callplan.CallBatch = tenant.prepare(calls + texts)
    assert len(tenant.simulate_many(batch, threads=2)) == len(batch) == 11
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
    live_call(tenant, state)

    try:
        tenant.simulate(to="999")
    except callplan.Error as error:
        problems: List[callplan.Issue] = error.issues
        print(error.message, problems)
    return 0


@dataclass
class PhoneEvent:
    """What a SIP host's I/O reports (docs/python.md's `wait_for_phone_event`)."""

    kind: str
    t: Union[int, float]
    leg_id: int = 0
    digit: str = ""


def wait_for_phone_event(timeout: Optional[int]) -> Optional[PhoneEvent]:
    """A fake phone that never rings back: the call runs on time-outs only."""
    return None


def live_call(tenant: callplan.Tenant, state: callplan.RoutingState) -> None:
    """The host loop of docs/python.md, as written there."""
    session = tenant.session()
    session.start(to="+31881234568", from_="+31612345678",
                  at=datetime.now(ZoneInfo("Europe/Amsterdam")), presence="002=busy",
                  state=state, trace=True)
    while not session.ended:
        for action in session.actions():               # everything to do now, in order
            if action.kind == "ring":
                legs: List[callplan.Leg] = list(action.legs)
                print("ring", [leg.dial for leg in legs], "for", action.timeout, "s")
            elif action.kind == "stop":
                print("cancel", [leg.id for leg in action.legs], action.reason)
            elif action.kind in ("play", "collect_digit"):
                print(action.kind, action.audio, action.text, action.timeout)
            elif action.kind in ("connect", "voicemail", "end"):
                print(action.kind, action.user)
        if session.ended:
            break
        wake = session.wake_in()
        event = wait_for_phone_event(timeout=wake)
        if event is None:
            if wake is not None:
                session.advance_to(session.now + wake)
        elif event.kind == "answered":
            session.answered(event.leg_id, event.t)
        elif event.kind == "busy":
            session.busy(event.leg_id, event.t)
        elif event.kind == "digit":
            session.digit(event.digit, event.t)
        elif event.kind == "hangup":
            session.caller_hung_up(event.t)
    print(session.outcome, session.trace())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
