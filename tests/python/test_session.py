"""The live CallSession driven from Python: the same decisions as the simulator."""

from __future__ import annotations

from typing import Dict, List, Optional

import pytest

import callplan

AT = "2026-11-30T10:00"


def drive(session: callplan.CallSession, answers: Dict[str, int],
          digits: str = "") -> List[callplan.Action]:
    """A tiny host: answers `target` `answers[target]` s after it starts ringing."""
    seen: List[callplan.Action] = []
    due: Dict[int, int] = {}
    pressed = iter(digits)
    while True:
        for action in session.actions():
            seen.append(action)
            if action.kind == "ring":
                for leg in action.legs:
                    if leg.target in answers:
                        due[leg.id] = action.t + answers[leg.target]
            if action.kind == "collect_digit":
                d: Optional[str] = next(pressed, None)
                if d is not None:
                    session.digit(d, session.now)
        if session.ended:
            return seen
        wake = session.wake_in()
        ringing = [leg for leg in due if leg in session.ringing]
        first = min(ringing, key=lambda leg: due[leg], default=None)
        if first is not None and (wake is None or due[first] <= session.now + wake):
            session.answered(first, due.pop(first))
        elif wake is not None:
            session.advance_to(session.now + wake)
        else:
            return seen


def test_session_routes_like_the_simulator(acme: callplan.Tenant) -> None:
    session = acme.session()
    session.start(to="+31881234567", from_="+31612345678", at=AT, trace=True)
    actions = drive(session, {"003": 5})
    assert [a.kind for a in actions] == ["ring", "stop", "ring", "ring", "stop", "connect"]
    ring = actions[0]
    assert ring.legs[0].target == "001" and ring.legs[0].kind == "user"
    assert ring.legs[0].user == "001" and ring.timeout == 30
    assert actions[1].reason == "timeout" and actions[1].t == 30
    assert actions[-1].legs[0].target == "003"
    assert session.ended
    simulated = acme.simulate(to="+31881234567", from_="+31612345678", at=AT, answer={"003": 5})
    assert session.outcome == simulated.result
    assert session.trace().to_json() == simulated.to_json()


def test_session_menu_digit_and_voicemail(acme: callplan.Tenant) -> None:
    session = acme.session()
    session.start(to="+31881234568", at=AT)
    prompt = session.next_action()
    assert prompt is not None and prompt.kind == "collect_digit"
    assert prompt.audio == "service-menu.wav" and prompt.timeout == 5
    session.digit("2", 1)
    kinds = [a.kind for a in session.actions()]
    assert kinds == ["ring"]
    session.caller_hung_up(7)
    assert [a.kind for a in session.actions()][-1] == "end"
    assert session.outcome.disposition == "abandoned" and session.outcome.t == 7


def test_session_presence_state_and_misuse(acme: callplan.Tenant) -> None:
    session = acme.session()
    with pytest.raises(callplan.Error, match="start"):
        session.next_action()
    state = callplan.RoutingState()
    session.start(to="+31881234568", at=AT, presence={"002": "busy"}, state=state)
    session.digit("1", 0)
    ring = next(a for a in session.actions() if a.kind == "ring")
    assert ring.legs[0].target == "003"  # 002 is busy
    with pytest.raises(callplan.Error, match="leg 9"):
        session.answered(9, 1)
    with pytest.raises(callplan.Error, match="digit"):
        session.digit("12", 1)
    session.answered(ring.legs[0], 3)
    assert session.outcome.by == "003"
    assert state.round_robin == {"service/0/1/0": "003"}
    with pytest.raises(callplan.Error, match="time never goes back"):
        session.advance_to(1)
    with pytest.raises(callplan.Error, match="trace=True"):
        session.trace()
    with pytest.raises(TypeError, match="live call"):
        session._core.start({"to": "001", "digits": "1"})
    session.set_presence("002", "available")
    with pytest.raises(callplan.Error):
        session.set_presence("002", "away")
