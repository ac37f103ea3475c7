"""Checks of the arguments the public API takes, made in Python before anything reaches the
C++ shims, so that a wrong type is a ``TypeError`` and a bad value a ``ValueError`` or
:class:`callplan.Error`, each naming the Python argument (never a pybind11 signature dump).

The fields of a call (``to``, ``at``, ``presence``...) are checked by the shims' call reader,
which ``simulate_many`` runs on every call: they are not checked again here.
"""

from __future__ import annotations

import enum
import math
import numbers
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Union

from . import _core
from ._errors import Error

if TYPE_CHECKING:
    from ._state import RoutingState


class Presence(str, enum.Enum):
    """A user's state for a simulated call. A ``str``: plain strings work too."""

    available = "available"
    offline = "offline"
    busy = "busy"
    dnd = "dnd"

    def __str__(self) -> str:
        return self.value


PresenceMap = Mapping[str, Union[str, Presence]]
AnswerMap = Mapping[str, Union[int, str]]
#: ``presence``: ``{extension: state}`` or the CLI text ``"002=busy,003=dnd"``.
PresenceArg = Union[PresenceMap, str]
#: ``answer``: ``{target: seconds or "busy"}`` or the CLI text ``"001@5,002=busy"``.
AnswerArg = Union[AnswerMap, str]


class _DefaultFrom(str):
    """The default of ``from_``: "anonymous", told apart from an explicit ``from_``."""

    __slots__ = ()


#: The default of every ``from_`` argument; equal to ``"anonymous"``.
DEFAULT_FROM: str = _DefaultFrom("anonymous")

MAX_SEED = 2**64 - 1
MAX_SECONDS = 2**32 - 1


def type_name(value: object) -> str:
    return type(value).__name__


def take_from(function: str, from_: Optional[str], extra: Dict[str, Any]) -> str:
    """``from_``, or ``**{"from": x}`` (the CLI's name); a TypeError for both, or for any other
    unexpected keyword. The default and ``None`` become the plain ``"anonymous"``; other
    values are returned as they are (the call reader checks them)."""
    if "from" in extra:
        if from_ is not DEFAULT_FROM:
            raise TypeError(f"{function} got both `from_` and `from` (the same argument, the "
                            "caller): give one")
        from_ = extra.pop("from")
    if extra:
        raise TypeError(f"{function} got unexpected keyword arguments: {', '.join(extra)}")
    if from_ is None or from_ is DEFAULT_FROM:
        return "anonymous"
    return from_


def core_state(state: Optional["RoutingState"]) -> Optional[_core.RoutingState]:
    """The C++ state of ``state`` (``None`` for none); TypeError for anything else."""
    if state is None:
        return None
    from ._state import RoutingState
    if not isinstance(state, RoutingState):
        raise TypeError(f"state must be a callplan.RoutingState or None, not {type_name(state)}")
    return state._core


def need_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type_name(value)}")
    return value


def need_int(value: object, name: str) -> int:
    """An ``int`` (not a ``bool``); TypeError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type_name(value)}")
    return value


def whole_number(value: object, name: str, maximum: int = MAX_SEED) -> int:
    """A whole number 0..maximum, checked as the call reader checks ``seed`` and
    ``hangup_after``: TypeError for another type, callplan.Error for a value out of range."""
    n = need_int(value, name)
    if n < 0:
        raise Error(f"{name}: {n} is not a whole number >= 0")
    if n > maximum:
        raise Error(f"{name}: {n} is too large (at most {maximum})")
    return n


def seconds_of(value: object, name: str = "t") -> int:
    """A live call's time: seconds since the call started, whole (an ``int``) or not (a
    ``float``, ``Fraction``...: the second it falls in, rounded down). Not range-checked."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number of seconds since the call started (int or "
                        f"float), not {type_name(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name}: {value} is not a number of seconds")
    return math.floor(value)
