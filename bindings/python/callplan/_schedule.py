"""Schedules: when is the office open? Evaluated on local wall-clock time (SPEC 3.5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import List, Optional, Tuple

from . import _core
from ._args import type_name
from ._time import When, from_epoch, to_epoch


class Schedule:
    """One schedule of a tenant (``tenant.schedules["office_hours"]``).

    Naive datetimes mean the tenant's zone; results are aware datetimes in the schedule's
    zone. Safe to use from several threads.

    Attributes:
        name: the schedule's name (inline schedules are named by their step path).
        timezone: the IANA zone the schedule is evaluated in.
    """

    __slots__ = {
        "_engine": "The compiled engine the schedule belongs to.",
        "_index": "The schedule's index in the engine.",
        "name": "The schedule's name (inline schedules are named by their step path).",
        "timezone": "The IANA zone the schedule is evaluated in.",
        "_tenant_zone": "The tenant's zone, in which naive datetimes are read.",
    }

    def __init__(self, engine: _core.Engine, index: int, name: str, timezone: str) -> None:
        self._engine = engine
        self._index = index
        self.name: str = name
        self.timezone: str = timezone
        self._tenant_zone: str = engine.timezone

    def matches(self, when: When) -> bool:
        """Is the schedule open at ``when`` (a datetime, a date's midnight, or ISO text)?"""
        return bool(self._engine.schedule_matches(self._index,
                                                  to_epoch(when, self._tenant_zone, "when")))

    __contains__ = matches

    def next_change(self, after: When, horizon: timedelta = timedelta(days=400)
                    ) -> Optional[datetime]:
        """The first instant strictly after ``after`` at which :meth:`matches` gives another
        answer than at ``after``, exact to the second (DST transitions included): a change
        exactly at ``after`` is not returned. ``None`` when there is none in ``(after, after +
        horizon]`` (``horizon``: a ``timedelta`` >= 0, counted in whole seconds, rounded
        down)."""
        if not isinstance(horizon, timedelta):
            raise TypeError(f"horizon must be a datetime.timedelta, not {type_name(horizon)}")
        if horizon < timedelta(0):
            raise ValueError(f"horizon: {horizon!r} is negative")
        seconds = self._engine.schedule_next_change(
            self._index, to_epoch(after, self._tenant_zone, "after"),
            min(int(horizon.total_seconds()), 2**62))
        return None if seconds is None else from_epoch(seconds, self.timezone)

    def changes(self, start: When, end: When) -> List[Tuple[datetime, bool]]:
        """Every change in ``(start, end]`` as ``(instant, open after it)``, in order: a change
        exactly at ``start`` is left out, one exactly at ``end`` is included (so consecutive
        ranges ``(a, b]``, ``(b, c]`` list each change once). Empty when ``end <= start``."""
        out: List[Tuple[datetime, bool]] = []
        t = to_epoch(start, self._tenant_zone, "start")
        stop = to_epoch(end, self._tenant_zone, "end")
        while t < stop:
            nxt = self._engine.schedule_next_change(self._index, t, stop - t)
            if nxt is None or nxt > stop:
                break
            out.append((from_epoch(nxt, self.timezone),
                        bool(self._engine.schedule_matches(self._index, nxt))))
            t = nxt
        return out

    def __repr__(self) -> str:
        return f"Schedule({self.name!r}, timezone={self.timezone!r})"
