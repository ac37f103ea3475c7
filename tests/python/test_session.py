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
        session._core.start(("001", None, None, None, None, "1", None, None))
    session.set_presence("002", "available")
    with pytest.raises(callplan.Error):
        session.set_presence("002", "away")


def test_times_may_be_floats_and_count_as_their_second(acme: callplan.Tenant) -> None:
    session = acme.session()
    session.start(to="+31881234567", at=AT, trace=True)
    ring = next(session.actions())
    session.advance_to(12.9)
    assert session.now == 12
    session.answered(ring.legs[0], 29.7)  # second 29: before the time-out at 30
    assert session.ended and session.outcome == callplan.Outcome("answered", by="001", t=29)
    simulated = acme.simulate(to="+31881234567", at=AT, answer={"001": 29})
    assert session.trace().to_json() == simulated.to_json()
    # 30.2 is second 30: a report for a second comes before its timers (docs/routing.md).
    session.start(to="+31881234567", at=AT)
    ring = next(session.actions())
    session.answered(ring.legs[0].id, 30.2)
    assert session.outcome.by == "001" and session.outcome.t == 30


def test_bad_times_and_legs_are_python_errors(acme: callplan.Tenant) -> None:
    session = acme.session()
    with pytest.raises(callplan.Error, match="no call"):
        session.advance_to(1)
    with pytest.raises(callplan.Error, match="no call"):
        session.set_presence("002", "busy")  # start() would reset it
    session.start(to="+31881234567", at=AT)
    ring = next(session.actions())
    session.advance_to(5)
    with pytest.raises(TypeError, match=r"^t must be a number of seconds .* not str"):
        session.advance_to("6")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^t must be a number of seconds"):
        session.answered(ring.legs[0], True)
    with pytest.raises(ValueError, match="^t: nan"):
        session.advance_to(float("nan"))
    with pytest.raises(callplan.Error, match=r"^t = 4.5 s is before the session's now \(5 s\)"):
        session.advance_to(4.5)
    with pytest.raises(callplan.Error, match=r"^t = -1 s is before the session's now"):
        session.busy(1, -1)
    with pytest.raises(callplan.Error, match="too large"):
        session.advance_to(2**40)
    with pytest.raises(TypeError, match="^leg must be a callplan.Leg or a leg id"):
        session.busy("0", 6)  # type: ignore[arg-type]
    with pytest.raises(callplan.Error, match=r"^leg -1: no action of this call named it"):
        session.busy(-1, 6)
    with pytest.raises(TypeError, match="^digit must be a str, not int"):
        session.digit(1, 6)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^leg_id must be an int"):
        session.leg("0")  # type: ignore[arg-type]
    with pytest.raises(callplan.Error, match=r"^extension: no user has extension `099`"):
        session.set_presence("099", "busy")
    with pytest.raises(callplan.Error, match=r"^state: unknown state `bussy` for 002 \(did you mean `busy`\?"):
        session.set_presence("002", "bussy")
    with pytest.raises(TypeError, match="^state must be a str, not int"):
        session.set_presence("002", 3)  # type: ignore[arg-type]
    assert session.now == 5 and not session.ended  # nothing above changed the call


def test_start_restarts_on_purpose_and_checks_its_arguments(acme: callplan.Tenant) -> None:
    session = acme.session()
    assert not session.ended
    with pytest.raises(callplan.Error, match="no call"):
        session.outcome
    state = callplan.RoutingState()
    session.start(to="+31881234568", at=AT, state=state, trace=True, **{"from": "+31612345678"})
    assert session.trace().call.from_ == "+31612345678"
    assert [a.kind for a in session.actions()] == ["collect_digit"]
    session.digit("1", 0)
    assert [a.kind for a in session.actions()] == ["ring"]
    assert session.outcome.disposition == "unanswered"  # the state so far, not ended
    # Bad arguments: the call in progress goes on.
    with pytest.raises(TypeError, match="^state must be a callplan.RoutingState"):
        session.start(to="+31881234567", state={})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^start\(\) takes no `answer`"):
        session.start(to="+31881234567", answer={"001": 5})  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^start\(\) got both `from_` and `from`"):
        session.start(to="+31881234567", from_="002", **{"from": "003"})
    with pytest.raises(callplan.Error, match="^presence: "):
        session.start(to="+31881234567", presence="099=busy")
    assert session.ringing == [0] and session.now == 0
    # A start() during a call drops it: no actions, outcome or trace of it; the group it was
    # ringing had not ended, so it records no round-robin position.
    session.start(to="+31881234567", at=AT, presence="001=dnd", trace=True)
    assert state.round_robin == {}
    kinds = [(a.kind, [leg.target for leg in a.legs]) for a in session.actions()]
    assert kinds == [("ring", ["002"])]
    assert [e.type for e in session.trace()][:3] == ["plan", "condition", "skip"]


def test_digits_nobody_waits_for_are_ignored(acme: callplan.Tenant) -> None:
    session = acme.session()
    session.start(to="+31881234567", at=AT, trace=True)
    list(session.actions())
    session.digit("1", 3)  # during a ring: ignored
    assert list(session.actions()) == [] and session.wake_in() == 27
    session.caller_hung_up(4)
    session.digit("1", 5)  # after the end: ignored
    assert session.outcome.disposition == "abandoned"
    assert [e.type for e in session.trace()].count("menu") == 0
