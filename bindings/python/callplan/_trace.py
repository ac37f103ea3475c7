"""Traces: the recorded story of one simulated call (SPEC section 5), as Python objects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from . import _core


@dataclass(frozen=True)
class Outcome:
    """How a call ended.

    Attributes:
        disposition: ``"answered"``, ``"voicemail"``, ``"hangup"``, ``"unanswered"``,
            ``"abandoned"`` (the caller hung up) or ``"rejected"``.
        by: who answered (extension, or the external number as written), for ``answered``.
        user: the mailbox's extension, for ``voicemail``.
        reason: why, for ``rejected`` (``unknown_number``, ``unknown_extension``,
            ``unlinked_device``, ``unknown_device``).
        t: seconds since the call started when it ended.
    """

    disposition: str
    by: Optional[str] = None
    user: Optional[str] = None
    reason: Optional[str] = None
    t: int = 0

    def to_dict(self) -> Dict[str, Any]:
        """The ``result`` object of the JSON trace."""
        d: Dict[str, Any] = {"disposition": self.disposition}
        if self.disposition == "answered":
            d["by"] = self.by
        elif self.disposition == "voicemail":
            d["user"] = self.user
        elif self.disposition == "rejected":
            d["reason"] = self.reason
        d["t"] = self.t
        return d

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "Outcome":
        """The inverse of :meth:`to_dict`."""
        return cls(d["disposition"], d.get("by"), d.get("user"), d.get("reason"), d["t"])

    def __str__(self) -> str:
        text = self.disposition
        if self.disposition == "answered":
            text += f" by {self.by}"
        elif self.disposition == "voicemail":
            text += f" in the mailbox of {self.user}"
        elif self.disposition == "rejected":
            text += f" ({self.reason})"
        return f"{text} at {self.t} s"


@dataclass(frozen=True)
class CallInfo:
    """Who called whom, when: the ``call`` object of the JSON trace.

    Attributes:
        from_: the caller as given (``"anonymous"``, a number, an extension or a device id).
        to: the dialled number or extension as given.
        at: ISO 8601 local time in the tenant's zone with its offset.
        timezone: the tenant's IANA zone (``"Europe/Amsterdam"``), or ``None`` when it is not
            known (a trace read back from JSON without one). Not part of the JSON, nor of
            ``==``.
    """

    from_: str
    to: str
    at: str
    timezone: Optional[str] = field(default=None, compare=False)

    @property
    def at_datetime(self) -> datetime:
        """``at`` as an aware :class:`datetime.datetime`: in the tenant's zone
        (:class:`zoneinfo.ZoneInfo`, as schedules return them) when :attr:`timezone` is known,
        else with the fixed UTC offset written in ``at``. The same instant either way."""
        fixed = datetime.fromisoformat(self.at.replace("Z", "+00:00"))
        if self.timezone is None:
            return fixed
        return fixed.astimezone(ZoneInfo(self.timezone))

    def to_dict(self) -> Dict[str, Any]:
        """``{"from": ..., "to": ..., "at": ...}``."""
        return {"from": self.from_, "to": self.to, "at": self.at}


class Event:
    """One trace event: ``t`` (seconds since the call started), ``type``, its fields, ``step``.

    Types and their fields (docs/routing.md): ``plan`` (plan), ``condition`` (schedule,
    matched), ``menu`` (prompt or prompt_text, seconds, attempt, timeout / digit, invalid /
    no_digit), ``ring``
    (targets, timeout, caller_id), ``skip`` (target, reason), ``stop`` (targets, reason),
    ``answer`` (by), ``announcement`` (audio or text, seconds), ``voicemail`` (user), ``loop`` (plan,
    reason), ``hangup``, ``reject`` (reason). Fields an event's type does not have are
    ``None``; ``invalid`` and ``no_digit`` are ``True`` or ``False`` on every ``menu`` event.

    Attributes:
        label: the step's label, shown in the timeline; ``""`` when the step has none, and in
            traces read back from JSON (labels are not part of it).
    """

    __slots__ = {
        "_data": "The event's JSON object.",
        "label": "The step's label (shown in the timeline, not in JSON); \"\" when none.",
    }

    def __init__(self, data: Dict[str, Any], label: str = "") -> None:
        self._data: Dict[str, Any] = dict(data)
        self.label: str = label

    def _get(self, key: str) -> Any:
        return self._data.get(key)

    def _menu_flag(self, key: str) -> Optional[bool]:
        # JSON writes a menu flag only when it is true
        return bool(self._data.get(key)) if self._data.get("type") == "menu" else None

    @property
    def t(self) -> int:
        """Seconds since the call started."""
        return int(self._data["t"])

    @property
    def type(self) -> str:
        """The event type, e.g. ``"ring"``."""
        return str(self._data["type"])

    @property
    def step(self) -> Optional[str]:
        """The step's path in the tenant (``"main/0/else/1"``); ``None`` for ``reject``."""
        return self._get("step")  # type: ignore[no-any-return]

    @property
    def source(self) -> Optional[str]:
        """``"file:line:col"`` of the step, when it was written in a file."""
        return self._get("source")  # type: ignore[no-any-return]

    @property
    def plan(self) -> Optional[str]:
        """``plan``: the plan entered; ``loop``: the plan not entered."""
        return self._get("plan")  # type: ignore[no-any-return]

    @property
    def schedule(self) -> Optional[str]:
        """``condition``: the schedule evaluated."""
        return self._get("schedule")  # type: ignore[no-any-return]

    @property
    def matched(self) -> Optional[bool]:
        """``condition``: whether the schedule matched."""
        return self._get("matched")  # type: ignore[no-any-return]

    @property
    def targets(self) -> Optional[List[str]]:
        """``ring``: the legs this event starts; ``stop``: the legs stopped."""
        v = self._get("targets")
        return list(v) if v is not None else None

    @property
    def timeout(self) -> Optional[int]:
        """``ring``: seconds the legs ring; menu prompt: seconds to wait for a digit."""
        return self._get("timeout")  # type: ignore[no-any-return]

    @property
    def caller_id(self) -> Optional[str]:
        """``ring``: what external legs show, when it is not the caller."""
        return self._get("caller_id")  # type: ignore[no-any-return]

    @property
    def target(self) -> Optional[str]:
        """``skip``: the member not rung."""
        return self._get("target")  # type: ignore[no-any-return]

    @property
    def reason(self) -> Optional[str]:
        """``skip``, ``stop``, ``loop``, ``reject``: why."""
        return self._get("reason")  # type: ignore[no-any-return]

    @property
    def by(self) -> Optional[str]:
        """``answer``: who answered."""
        return self._get("by")  # type: ignore[no-any-return]

    @property
    def user(self) -> Optional[str]:
        """``voicemail``: the mailbox's extension."""
        return self._get("user")  # type: ignore[no-any-return]

    @property
    def audio(self) -> Optional[str]:
        """``announcement``: the audio file played."""
        return self._get("audio")  # type: ignore[no-any-return]

    @property
    def text(self) -> Optional[str]:
        """``announcement``: the text spoken."""
        return self._get("text")  # type: ignore[no-any-return]

    @property
    def prompt(self) -> Optional[str]:
        """``menu``: the prompt played (prompt events)."""
        return self._get("prompt")  # type: ignore[no-any-return]

    @property
    def prompt_text(self) -> Optional[str]:
        """``menu``: the prompt spoken (prompt events of a menu with ``prompt_text``)."""
        return self._get("prompt_text")  # type: ignore[no-any-return]

    @property
    def seconds(self) -> Optional[int]:
        """``announcement`` and menu prompt events: how long the prompt plays (SPEC 3.9), whole
        seconds rounded up; the timeline goes on (or the digit wait starts) that much later."""
        return self._get("seconds")  # type: ignore[no-any-return]

    @property
    def attempt(self) -> Optional[int]:
        """``menu``: 1 for the first play of the prompt."""
        return self._get("attempt")  # type: ignore[no-any-return]

    @property
    def digit(self) -> Optional[str]:
        """``menu``: the digit pressed."""
        return self._get("digit")  # type: ignore[no-any-return]

    @property
    def invalid(self) -> Optional[bool]:
        """``menu``: the digit pressed has no option (``False`` on other menu events);
        ``None`` for other types."""
        return self._menu_flag("invalid")

    @property
    def no_digit(self) -> Optional[bool]:
        """``menu``: the wait for a digit ran out (``False`` on other menu events); ``None``
        for other types."""
        return self._menu_flag("no_digit")

    def to_dict(self) -> Dict[str, Any]:
        """The event as in the JSON trace (keys in the documented order)."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self._data.items()}

    def describe(self) -> str:
        """What happened, in words: ``"ring 001 002 for 15 s"`` (the C++ timeline's words).

        Raises :class:`callplan.Error` when the event is not one of a trace (a type or field
        missing or of the wrong kind)."""
        return _core.describe_event(_json_text(self._data))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return self._data == other._data and self.label == other.label

    def __hash__(self) -> int:
        return hash(json.dumps(self._data, sort_keys=True))

    def __str__(self) -> str:
        return f"{self.t:>4}s  {self.describe()}  {self.step or ''}".rstrip()

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._data.items() if k != "source")
        return f"Event({fields})"


class Trace:
    """The trace of one simulated call: ``call``, ``events`` and ``result``.

    ``to_json()`` is exactly what ``callplan simulate --format json`` prints for the same call
    (without the final newline); :meth:`to_text` is exactly what ``callplan simulate`` (text
    format) prints, and ``str(trace)`` (and ``repr``) is the same without the final newline,
    so that ``print(trace)`` writes the CLI's output.

    Attributes:
        call: :class:`CallInfo` (from_, to, at).
        events: the :class:`Event` list, in time order.
        result: the :class:`Outcome`.
    """

    __slots__ = {
        "call": "The CallInfo: who called whom, when.",
        "events": "The list of Event, in time order.",
        "result": "The Outcome: how the call ended.",
        "_text": "The CLI's timeline text, when the trace came from the engine.",
    }

    def __init__(self, call: CallInfo, events: Sequence[Event], result: Outcome,
                 text: Optional[str] = None) -> None:
        self.call: CallInfo = call
        self.events: List[Event] = list(events)
        self.result: Outcome = result
        self._text = text

    @classmethod
    def from_dict(cls, d: Dict[str, Any], timezone: Optional[str] = None) -> "Trace":
        """A trace from its JSON object (labels are not part of JSON: they are empty).
        ``timezone``: the tenant's zone, for ``call.at_datetime`` (JSON does not have it)."""
        c = d["call"]
        return cls(CallInfo(c["from"], c["to"], c["at"], timezone),
                   [Event(e) for e in d["events"]], Outcome.from_dict(d["result"]))

    @classmethod
    def from_json(cls, text: str, timezone: Optional[str] = None) -> "Trace":
        """A trace from the JSON text of :meth:`to_json` or ``callplan simulate``
        (``timezone`` as for :meth:`from_dict`)."""
        return cls.from_dict(json.loads(text), timezone)

    @classmethod
    def _from_core(cls, core: Tuple[str, str, List[str]], timezone: str) -> "Trace":
        json_text, text, labels = core
        d = json.loads(json_text)
        c = d["call"]
        events = [Event(e, label) for e, label in zip(d["events"], labels)]
        return cls(CallInfo(c["from"], c["to"], c["at"], timezone), events,
                   Outcome.from_dict(d["result"]), text)

    def to_dict(self) -> Dict[str, Any]:
        """The JSON object of SPEC 5: ``{"call": ..., "events": [...], "result": ...}``."""
        return {
            "call": self.call.to_dict(),
            "events": [e.to_dict() for e in self.events],
            "result": self.result.to_dict(),
        }

    def to_json(self, indent: Optional[int] = 2) -> str:
        """The JSON text; with the default indent it equals ``callplan simulate --format json``
        (without the final newline). ``indent=None`` gives one line."""
        if indent is None:
            return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def rings(self) -> List[List[str]]:
        """The targets of every ``ring`` event, in order (plan tests' ``rings:``)."""
        return [e.targets or [] for e in self.events if e.type == "ring"]

    def to_text(self) -> str:
        """The readable timeline: exactly what ``callplan simulate`` prints (text format),
        final newline included. ``str(trace)`` is the same without the final newline."""
        if self._text is not None:
            return self._text
        return render_text(self)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Trace):
            return NotImplemented
        return (self.call, self.events, self.result) == (other.call, other.events, other.result)

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.to_text().rstrip("\n")

    def __repr__(self) -> str:
        return self.__str__()


def _json_text(d: Dict[str, Any]) -> str:
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


def render_text(trace: Trace) -> str:
    """The timeline of ``trace`` as ``callplan simulate`` prints it: rendered by the same C++
    code from the trace's JSON and its events' labels.

    Raises :class:`callplan.Error` when an event is not one of a trace."""
    return _core.trace_text(_json_text(trace.to_dict()), [e.label for e in trace.events])
