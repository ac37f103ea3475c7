"""Instants: aware datetimes are instants; naive ones are local time in the tenant's zone."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Union
from zoneinfo import ZoneInfo

from . import _core
from ._errors import Error

When = Union[datetime, date, str]


def to_epoch(when: When, zone: str, name: str = "when") -> int:
    """Seconds since 1970 UTC. Naive datetimes, dates (midnight) and ISO text without an
    offset are wall-clock time in ``zone``, resolved exactly as ``callplan simulate --at``
    resolves them (a time in a DST gap moves past the gap, a repeated one takes the earlier),
    except that a naive datetime with ``fold=1`` means what it does in Python (PEP 495): the
    later of a repeated time, and in a gap the offset after the change. ``name`` is the
    argument's name in errors (TypeError for another type, callplan.Error for bad text)."""
    if not isinstance(when, (datetime, date, str)):
        raise TypeError(f"{name} must be a datetime, a date or an ISO 8601 str, not "
                        f"{type(when).__name__}")
    try:
        return _to_epoch(when, zone)
    except Error as error:
        raise Error(f"{name}: {error.message}", error.issues) from None


def _to_epoch(when: When, zone: str) -> int:
    if isinstance(when, datetime):
        if when.utcoffset() is not None:
            return math.floor(when.timestamp())
        return int(_core.parse_instant(when.replace(microsecond=0, fold=0).isoformat(), zone,
                                       fold=bool(when.fold)))
    if isinstance(when, date):
        return int(_core.parse_instant(datetime.combine(when, time()).isoformat(), zone))
    return int(_core.parse_instant(when, zone))


def from_epoch(seconds: int, zone: str) -> datetime:
    """An aware datetime in ``zone`` (zoneinfo)."""
    return datetime.fromtimestamp(seconds, ZoneInfo(zone))
