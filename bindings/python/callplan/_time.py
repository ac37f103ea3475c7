"""Instants: aware datetimes are instants; naive ones are local time in the tenant's zone."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Union
from zoneinfo import ZoneInfo

from . import _core

When = Union[datetime, date, str]


def to_epoch(when: When, zone: str) -> int:
    """Seconds since 1970 UTC. Naive datetimes, dates (midnight) and ISO text without an
    offset are wall-clock time in ``zone``, resolved exactly as ``callplan simulate --at``
    resolves them (a time in a DST gap moves past the gap, a repeated one takes the earlier),
    except that a naive datetime with ``fold=1`` means what it does in Python (PEP 495): the
    later of a repeated time, and in a gap the offset after the change."""
    if isinstance(when, datetime):
        if when.utcoffset() is not None:
            return math.floor(when.timestamp())
        return int(_core.parse_instant(when.replace(microsecond=0, fold=0).isoformat(), zone,
                                       fold=bool(when.fold)))
    if isinstance(when, date):
        return int(_core.parse_instant(datetime.combine(when, time()).isoformat(), zone))
    if isinstance(when, str):
        return int(_core.parse_instant(when, zone))
    raise TypeError(f"expected a datetime, a date or an ISO 8601 str, not {type(when).__name__}")


def from_epoch(seconds: int, zone: str) -> datetime:
    """An aware datetime in ``zone`` (zoneinfo)."""
    return datetime.fromtimestamp(seconds, ZoneInfo(zone))
