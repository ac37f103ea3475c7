"""Schedules: when is the office open? Evaluated on local wall-clock time (SPEC 3.5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import List, Optional, Tuple

from . import _core
from ._time import When, from_epoch, to_epoch


class Schedule:
    """One schedule of a tenant (``tenant.schedules["office_hours"]``).

    Naive datetimes mean the tenant's zone; results are aware datetimes in the schedule's
    zone. Safe to use from several threads.

    Attributes:
        name: the schedule's name (inline schedules are named by their step path).
        timezone: the IANA zone the schedule is evaluated in.
    """

    __slots__ = ("_engine", "_index", "name", "timezone", "_tenant_zone")

    def __init__(self, engine: _core.Engine, index: int, name: str, timezone: str) -> None:
        self._engine = engine
        self._index = index
        self.name: str = name
        self.timezone: str = timezone
        self._tenant_zone: str = engine.timezone

    def matches(self, when: When) -> bool:
        """Is the schedule open at ``when`` (a datetime, a date's midnight, or ISO text)?"""
        return bool(self._engine.schedule_matches(self._index, to_epoch(when, self._tenant_zone)))

    __contains__ = matches

    def next_change(self, after: When, horizon: timedelta = timedelta(days=400)
                    ) -> Optional[datetime]:
        """The first instant after ``after`` at which :meth:`matches` changes, exact to the
        second (DST transitions included); ``None`` when it does not change within
        ``horizon``."""
        seconds = self._engine.schedule_next_change(self._index, to_epoch(after, self._tenant_zone),
                                                    int(horizon.total_seconds()))
        return None if seconds is None else from_epoch(seconds, self.timezone)

    def changes(self, start: When, end: When) -> List[Tuple[datetime, bool]]:
        """Every change in ``(start, end]`` as ``(instant, open after it)``, in order."""
        out: List[Tuple[datetime, bool]] = []
        t = to_epoch(start, self._tenant_zone)
        stop = to_epoch(end, self._tenant_zone)
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
