"""The live call: the routing state machine for Python hosts (SIP servers, PBX glue).

The host starts a call, carries out the actions the session returns (ring these legs, stop
them, play a prompt, collect a digit, voicemail, connect, end) and reports what happens on
the phones, each with the second it happened. The session decides everything; see
docs/python.md for a complete host loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from . import _core
from ._state import RoutingState
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
            ``legs``, ``reason`` says why), ``"play"`` (play ``audio`` or speak ``text``),
            ``"collect_digit"`` (play ``audio`` and report one digit within ``timeout`` s),
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
    """

    kind: str
    legs: Tuple[Leg, ...]
    timeout: int
    reason: Optional[str]
    audio: Optional[str]
    text: Optional[str]
    user: Optional[str]
    t: int


def _leg(d: Dict[str, Any]) -> Leg:
    return Leg(d["id"], d["kind"], d["target"], d["dial"], d["caller_id"], d["user"])


class CallSession:
    """Routes one live call at a time; reuse it call after call (``tenant.session()``).

    Times are whole seconds since the call started and never go back. A session is used by
    one thread at a time; several sessions may share a tenant.
    """

    __slots__ = ("_core", "_tenant")

    def __init__(self, tenant: "Tenant") -> None:
        """A session on ``tenant`` (raises callplan.LoadError when the tenant has errors)."""
        self._tenant = tenant
        self._core = _core.Session(tenant._engine())

    def start(self, to: str, from_: str = "anonymous", at: Any = None,
              presence: Optional[Mapping[str, str]] = None,
              state: Optional[RoutingState] = None, trace: bool = False) -> None:
        """Starts routing a call at second 0 (ending any call the session had).

        Arguments are those of ``Tenant.simulate``: ``at`` a datetime (naive: tenant's zone),
        ISO text, or ``None`` for now; ``presence`` ``{extension: "available" | "offline" |
        "busy" | "dnd"}``; ``state`` a :class:`RoutingState` updated by the call;
        ``trace=True`` records the trace (see :meth:`trace`). Raises callplan.Error for
        unknown extensions or numbers, with a hint.
        """
        call: Dict[str, Any] = {"to": to, "from": from_, "at": at, "presence": presence}
        self._core.start(call, state._core if state is not None else None, trace)

    def next_action(self) -> Optional[Action]:
        """The next action to carry out, or ``None`` when the host has to wait for a phone
        event or for :meth:`wake_in` seconds."""
        d = self._core.next_action()
        if d is None:
            return None
        return Action(d["kind"], tuple(_leg(x) for x in d["legs"]), d["timeout"], d["reason"],
                      d["audio"], d["text"], d["user"], d["t"])

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

    def answered(self, leg: Union[Leg, int], t: int) -> None:
        """``leg`` answered at second ``t`` (reports about legs no longer ringing are ignored)."""
        self._core.answered(leg.id if isinstance(leg, Leg) else leg, t)

    def busy(self, leg: Union[Leg, int], t: int) -> None:
        """``leg`` answered busy or rejected the call at second ``t``: it drops out."""
        self._core.busy(leg.id if isinstance(leg, Leg) else leg, t)

    def digit(self, digit: str, t: int) -> None:
        """The caller pressed ``digit`` (``0``-``9``, ``*``, ``#``) at second ``t``."""
        self._core.digit(digit, t)

    def caller_hung_up(self, t: int) -> None:
        """The caller hung up at second ``t``."""
        self._core.caller_hung_up(t)

    def advance_to(self, t: int) -> None:
        """Nothing happened until second ``t``: fires every timer due by then."""
        self._core.advance_to(t)

    def set_presence(self, extension: str, state: str) -> None:
        """Updates a user's presence; read when the next step starts."""
        self._core.set_presence(extension, state)

    @property
    def ended(self) -> bool:
        """Has the call ended?"""
        return bool(self._core.ended())

    @property
    def outcome(self) -> Outcome:
        """How the call ended (meaningful once :attr:`ended`)."""
        return Outcome(*self._core.outcome())

    @property
    def ringing(self) -> List[int]:
        """Ids of the legs ringing now."""
        return list(self._core.ringing())

    def leg(self, leg_id: int) -> Leg:
        """Details of a leg an action of this call has named."""
        return _leg(self._core.leg(leg_id))

    def trace(self) -> Trace:
        """The trace so far (the call must have been started with ``trace=True``)."""
        return Trace._from_core(self._core.trace())

    def __repr__(self) -> str:
        return f"<CallSession on {self._tenant.name!r}>"
