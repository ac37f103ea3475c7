"""The live call: the routing state machine for Python hosts (SIP servers, PBX glue).

The host starts a call, carries out the actions the session returns (ring these legs, stop
them, play a prompt, collect a digit, voicemail, connect, end) and reports what happens on
the phones, each with the second it happened. The session decides everything; see
docs/python.md for a complete host loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Tuple, Union

from . import _core
from ._args import (DEFAULT_FROM, MAX_SECONDS, PresenceArg, core_state, need_int, need_str,
                    seconds_of, take_from, type_name)
from ._errors import Error
from ._state import RoutingState
from ._time import When
from ._trace import Outcome, Trace

if TYPE_CHECKING:
    from ._tenant import Tenant


@dataclass(frozen=True)
class Leg:
    """One thing being rung.

    Attributes:
        id: unique within the call; report answers and busy signals with it.
        kind: ``"user"`` (ring all the user's available devices) or ``"external"`` (trunk).
        target: the extension, or the number as written in the tenant file.
        dial: what to dial: the extension, or the number in E.164.
        caller_id: what the rung phone shows (SPEC 3.8).
        user: the user's extension for user legs, else ``None``.
    """

    id: int
    kind: str
    target: str
    dial: str
    caller_id: str
    user: Optional[str]


@dataclass(frozen=True)
class Action:
    """What the host must do now.

    Attributes:
        kind: ``"ring"`` (start ringing ``legs``; the session times them), ``"stop"`` (cancel
            ``legs``, ``reason`` says why), ``"play"`` (play ``audio`` or speak ``text``; the
            plan goes on when it has played, ``seconds`` later), ``"collect_digit"`` (play
            ``audio`` or speak ``text``, then report one digit within ``timeout`` s after the
            prompt's end; a digit during the prompt counts too),
            ``"voicemail"`` (connect the caller to ``user``'s mailbox; the call has ended),
            ``"connect"`` (bridge the caller with ``legs[0]``; the call has ended) or
            ``"end"`` (hang up; see ``CallSession.outcome``).
        legs: the legs of ``ring``, ``stop`` and ``connect``.
        timeout: ``ring``: seconds the legs ring; ``collect_digit``: seconds to wait.
        reason: ``stop``: ``timeout``, ``max_duration``, ``busy``, ``answered_elsewhere`` or
            ``caller_hangup``.
        audio, text: ``play`` / ``collect_digit``.
        user: ``voicemail``: the mailbox's extension.
        t: the second (since the call started) the action was issued.
        seconds: ``play`` / ``collect_digit``: how long the prompt plays (SPEC 3.9), whole
            seconds rounded up, as measured when the tenant was loaded; 0 when unknown. The
            session times the prompt itself: :meth:`CallSession.wake_in` includes it.
    """

    kind: str
    legs: Tuple[Leg, ...]
    timeout: int
    reason: Optional[str]
    audio: Optional[str]
    text: Optional[str]
    user: Optional[str]
    t: int
    seconds: int = 0


def _leg(d: Dict[str, Any]) -> Leg:
    return Leg(d["id"], d["kind"], d["target"], d["dial"], d["caller_id"], d["user"])


class CallSession:
    """Routes one live call at a time; reuse it call after call (``tenant.session()``).

    Times are seconds since the call started and never go back. The session counts whole
    seconds: a time that is not whole (a ``float``) is the second it falls in (rounded down).
    A session is used by one thread at a time; several sessions may share a tenant.
    """

    __slots__ = ("_core", "_tenant")

    def __init__(self, tenant: "Tenant") -> None:
        """A session on ``tenant`` (raises callplan.LoadError when the tenant has errors)."""
        self._tenant = tenant
        self._core = _core.Session(tenant._engine())

    def start(self, to: str, from_: str = DEFAULT_FROM, at: Optional[When] = None,
              presence: Optional[PresenceArg] = None,
              state: Optional[RoutingState] = None, trace: bool = False,
              **kwargs: Any) -> None:
        """Starts routing a call at second 0.

        A call still in progress is dropped on purpose, as if it had never been: no actions
        for it (the host cancels what it still has ringing), no outcome, no trace; its
        ``state`` keeps the round-robin positions of the groups it finished, and the group it
        was ringing records none. When the arguments are bad (an exception), the call in
        progress, if any, goes on.

        Arguments are those of ``Tenant.simulate``: ``at`` a datetime (naive: tenant's zone),
        a date, ISO text, or ``None`` for now; ``presence`` ``{extension: "available" |
        "offline" | "busy" | "dnd"}`` or the CLI text ``"002=busy"``; ``state`` a
        :class:`RoutingState` updated by the call; ``trace=True`` records the trace (see
        :meth:`trace`); ``**{"from": x}`` works too. A ``to`` the tenant does not have is
        routed and rejected, as in ``simulate``. Raises callplan.Error for a malformed ``to``
        or an unknown extension in ``presence``, with a hint; TypeError for the scripted arguments of
        ``simulate`` (``answer``, ``digits``, ``hangup_after``, ``seed``).
        """
        for scripted in ("answer", "digits", "hangup_after", "seed"):
            if scripted in kwargs:
                raise TypeError(
                    f"start() takes no `{scripted}`: a live call takes to, from_, at and "
                    "presence only; the host reports answers, digits and hang-ups as they "
                    "happen (answered(), busy(), digit(), caller_hung_up())")
        row = (to, take_from("start()", from_, kwargs), at, presence, None, None, None, None)
        self._core.start(row, core_state(state), bool(trace))

    def next_action(self) -> Optional[Action]:
        """The next action to carry out, or ``None`` when the host has to wait for a phone
        event or for :meth:`wake_in` seconds."""
        d = self._core.next_action()
        if d is None:
            return None
        return Action(d["kind"], tuple(_leg(x) for x in d["legs"]), d["timeout"], d["reason"],
                      d["audio"], d["text"], d["user"], d["t"], d["seconds"])

    def actions(self) -> Iterator[Action]:
        """Every action available now, in order (``while (a := next_action())``)."""
        while (a := self.next_action()) is not None:
            yield a

    def wake_in(self) -> Optional[int]:
        """Seconds from :attr:`now` until :meth:`advance_to` must be called if nothing
        happens; ``None`` when the session waits for events only, or has ended."""
        return self._core.wake_in()

    @property
    def now(self) -> int:
        """Seconds since the call started, as far as the session knows."""
        return self._core.now()

    def _time(self, t: Union[int, float]) -> int:
        """``t`` as the session's whole second, checked: callplan.Error when there is no
        call or ``t`` is before :attr:`now`."""
        second = seconds_of(t)
        now = self._core.now()  # callplan.Error when no call was started
        if second < now:
            raise Error(f"t = {t} s is before the session's now ({now} s): time never goes back")
        if second > MAX_SECONDS:
            raise Error(f"t: {t} is too large (at most {MAX_SECONDS} s)")
        return second

    @staticmethod
    def _leg_id(leg: Union[Leg, int]) -> int:
        if isinstance(leg, Leg):
            return leg.id
        if isinstance(leg, bool) or not isinstance(leg, int):
            raise TypeError(f"leg must be a callplan.Leg or a leg id (int), not "
                            f"{type_name(leg)}")
        if not 0 <= leg <= MAX_SECONDS:
            raise Error(f"leg {leg}: no action of this call named it")
        return leg

    def answered(self, leg: Union[Leg, int], t: Union[int, float]) -> None:
        """``leg`` (a :class:`Leg` or its id) answered at second ``t``. Reports about legs no
        longer ringing, and every report after the call ended, are ignored."""
        second = self._time(t)
        self._core.answered(self._leg_id(leg), second)

    def busy(self, leg: Union[Leg, int], t: Union[int, float]) -> None:
        """``leg`` answered busy or rejected the call at second ``t``: it drops out."""
        second = self._time(t)
        self._core.busy(self._leg_id(leg), second)

    def digit(self, digit: str, t: Union[int, float]) -> None:
        """The caller pressed ``digit`` (``0``-``9``, ``*``, ``#``) at second ``t``. Only a
        pending ``collect_digit`` takes it: a digit pressed at any other moment (during a
        ring, an announcement, after the call ended) is ignored, as a PBX ignores DTMF nobody
        listens to."""
        second = self._time(t)
        self._core.digit(need_str(digit, "digit"), second)

    def caller_hung_up(self, t: Union[int, float]) -> None:
        """The caller hung up at second ``t``."""
        self._core.caller_hung_up(self._time(t))

    def advance_to(self, t: Union[int, float]) -> None:
        """Nothing happened until second ``t``: fires every timer due at or before it."""
        self._core.advance_to(self._time(t))

    def set_presence(self, extension: str, state: str) -> None:
        """Updates a user's presence (``state`` as in ``start``'s ``presence``); read when the
        next step starts."""
        self._core.set_presence(need_str(extension, "extension"), need_str(state, "state"))

    @property
    def ended(self) -> bool:
        """Has the call ended?"""
        return bool(self._core.ended())

    @property
    def outcome(self) -> Outcome:
        """How the call ended: meaningful once :attr:`ended` (before, the call's state so far,
        ``unanswered``). Raises callplan.Error before the first :meth:`start` (there is no
        call; :attr:`ended` is then ``False``)."""
        return Outcome(*self._core.outcome())

    @property
    def ringing(self) -> List[int]:
        """Ids of the legs ringing now."""
        return list(self._core.ringing())

    def leg(self, leg_id: int) -> Leg:
        """Details of a leg an action of this call has named."""
        need_int(leg_id, "leg_id")
        self._core.now()  # callplan.Error when no call was started
        return _leg(self._core.leg(self._leg_id(leg_id)))

    def trace(self) -> Trace:
        """The trace so far (the call must have been started with ``trace=True``)."""
        return Trace._from_core(self._core.trace(), self._tenant.timezone)

    def __repr__(self) -> str:
        return f"<CallSession on {self._tenant.name!r}>"
