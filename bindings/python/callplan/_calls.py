"""Calls as the C++ shim takes them: rows, fed in chunks.

``simulate``, ``simulate_many``, ``prepare`` and ``CallSession.start`` hand each call to
``_core`` as a row, the tuple::

    (to, from_, at, presence, answer, digits, hangup_after, seed)

holding the values as given (``None``: not given). The shim converts and checks the values
(the messages of ``callplan simulate``, naming the Python argument); this module knows which
objects are calls — a :class:`Call`, a dict with those keys (``"from"`` or ``"from_"``), any
object with those attributes — and reads them.

A batch goes to the shim in chunks of rows (``_core.FedBatch.add``): the shim's threads route
a chunk, without the GIL, while this module reads the next one. Reading is the part of a
batch that cannot be spread over threads, so the common cases are read a chunk at a time by
one comprehension (a chunk of exact :class:`Call` objects, a chunk of plain dicts); anything
else is read call by call.
"""

from __future__ import annotations

from types import MemberDescriptorType
from typing import Any, List, Optional, Sequence, Tuple

from . import _core
from ._args import DEFAULT_FROM, AnswerArg, PresenceArg, take_from, type_name
from ._time import When

Row = Tuple[Any, Any, Any, Any, Any, Any, Any, Any]

#: The fields of a call, in the order of a row (and of the checks: the first bad one is
#: reported).
FIELDS = ("to", "from_", "at", "presence", "answer", "digits", "hangup_after", "seed")
# Keys of a call dict -> place in the row ("from" is the CLI's name of "from_").
_KEYS = {"to": 0, "from": 1, "from_": 1, "at": 2, "presence": 3, "answer": 4, "digits": 5,
         "hangup_after": 6, "seed": 7}
_KEY_NAMES = ["to", "from", "from_", "at", "presence", "answer", "digits", "hangup_after",
              "seed"]
_ALL_KEYS = frozenset(_KEYS)
# Calls per chunk: small enough that the routing threads start at once and a chunk's objects
# are still in the cache when the shim converts them, large enough that handing one over
# costs nothing per call.
_CHUNK = 1024


class Call:
    """One call for :meth:`Tenant.simulate_many` (a dict with the same keys works too).

    Takes the keyword arguments of :meth:`Tenant.simulate` except ``state``, with the same
    meanings and defaults (``**{"from": x}`` works too); they are kept as given and checked
    when the call is routed (or prepared). Each is an attribute, writable.
    """

    # A dict: each slot's docstring, shown by help(Call). Slots: a batch reads them with a
    # comprehension that runs no Python code of the class (see _slots_intact).
    __slots__ = {
        "to": "The dialled number or extension.",
        "from_": 'The caller: "anonymous", an external number, an extension or a device id.',
        "at": "When: a datetime (naive: the tenant's zone), a date, ISO 8601 text, or None "
              "(now, when the call is routed).",
        "presence": '{extension: state} or the CLI text "002=busy,003=dnd"; None: everyone '
                    "available.",
        "answer": '{target: seconds or "busy"} or the CLI text "001@5,002=busy"; None: '
                  "nobody answers.",
        "digits": "One digit per menu prompt (_: none for that prompt).",
        "hangup_after": "The caller gives up after that many seconds; None: never.",
        "seed": "Restarts the random generator (the random strategy); None: keep it.",
    }

    def __init__(self, to: str, from_: str = DEFAULT_FROM, at: Optional[When] = None,
                 presence: Optional[PresenceArg] = None, answer: Optional[AnswerArg] = None,
                 digits: str = "", hangup_after: Optional[int] = None,
                 seed: Optional[int] = None, **kwargs: Any) -> None:
        self.to = to
        self.from_ = take_from("Call()", from_, kwargs)
        self.at = at
        self.presence = presence
        self.answer = answer
        self.digits = digits
        self.hangup_after = hangup_after
        self.seed = seed

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__
                           if getattr(self, k, None) not in (None, "", "anonymous"))
        return f"Call({fields})"


def _slots_intact() -> bool:
    """Whether reading a Call's fields runs no Python code: the class's fields are still its
    slots (nobody replaced one with a property) and attribute access is the default one."""
    return (Call.__getattribute__ is object.__getattribute__
            and all(type(Call.__dict__.get(f)) is MemberDescriptorType for f in FIELDS))


def _call_rows(chunk: Sequence[Call]) -> List[Row]:
    """Rows of exact Call objects (AttributeError when a slot was never set)."""
    return [(c.to, c.from_, c.at, c.presence, c.answer, c.digits, c.hangup_after, c.seed)
            for c in chunk]


def _dict_rows(chunk: Sequence[Any]) -> Optional[List[Row]]:
    """Rows of plain dicts, or None when one of them needs a closer look (an unknown key, no
    ``to``, both ``from`` and ``from_``): :func:`read_call` then finds which, in order."""
    for d in chunk:
        if not d.keys() <= _ALL_KEYS or "to" not in d or ("from" in d and "from_" in d):
            return None
    return [(d["to"], d.get("from_", d.get("from")), d.get("at"), d.get("presence"),
             d.get("answer"), d.get("digits"), d.get("hangup_after"), d.get("seed"))
            for d in chunk]


_MISSING = object()


def _row(values: List[Any]) -> Row:
    return (values[0], values[1], values[2], values[3], values[4], values[5], values[6],
            values[7])


def read_call(call: Any) -> Tuple[Row, bool, Optional[str]]:
    """One call's row, whether it has a ``to``, and what is wrong with it as a call (a
    TypeError's message) or None; the row then holds the fields read before the problem."""
    values: List[Any] = [None] * len(FIELDS)
    has_to = False
    if isinstance(call, dict):
        has_from = False
        for key, value in dict.items(call):  # a dict subclass: its items as stored
            if not isinstance(key, str):
                return (_row(values), has_to,
                        f"a call's field name must be a str, not {type_name(key)}")
            field = _KEYS.get(key)
            if field is None:
                hint = _core.did_you_mean(key, _KEY_NAMES)
                return (_row(values), has_to,
                        f"a call has no field `{key}`" + (f" ({hint})" if hint else ""))
            if field == 1:
                if has_from:
                    return (_row(values), has_to,
                            "a call has both `from` and `from_` (the same field, the caller): "
                            "give one")
                has_from = True
            values[field] = value
            has_to = has_to or field == 0
    else:
        # Any object with these attributes (a subclass of Call too: it may define properties).
        for i, name in enumerate(FIELDS):
            value = getattr(call, name, _MISSING)
            if value is not _MISSING:
                values[i] = value
                has_to = has_to or i == 0
    row = _row(values)
    if not has_to:
        return row, False, ("a call needs `to` (the dialled number or extension); got "
                            f"{call!r}")
    return row, True, None


def rows(calls: Sequence[Any]) -> List[Row]:
    """Every call's row (the benchmark's C++ baseline reads them); TypeError for a call that
    is not one."""
    out = []
    for call in calls:
        row, _, problem = read_call(call)
        if problem is not None:
            raise TypeError(problem)
        out.append(row)
    return out


def run(engine: _core.Engine, calls: Any, threads: int, state: Optional[_core.RoutingState],
        mode: str) -> Any:
    """Routes (or, mode "prepare", prepares) ``calls`` through a ``_core.FedBatch``."""
    calls = tuple(calls)  # nobody can change what is read meanwhile
    batch = engine.feed(len(calls), threads, state, mode)
    try:
        _feed(batch, calls)
    except Exception:
        batch.settle()  # a call before the bad one that failed to be routed comes first
        raise
    return batch.finish()


def _feed(batch: _core.FedBatch, calls: Tuple[Any, ...]) -> None:
    fast_calls = _slots_intact()
    for start in range(0, len(calls), _CHUNK):
        chunk = calls[start:start + _CHUNK]
        types = list(map(type, chunk))
        rows: Optional[List[Row]] = None
        if fast_calls and types.count(Call) == len(chunk):
            try:
                rows = _call_rows(chunk)
            except AttributeError:  # a slot never set (del call.digits): one by one
                rows = None
        elif types.count(dict) == len(chunk):
            rows = _dict_rows(chunk)
        if rows is None:
            if not _feed_each(batch, chunk, start, fast_calls):
                return
        elif not batch.add(rows):
            return  # a call failed: finish() reports it


def _feed_each(batch: _core.FedBatch, chunk: Sequence[Any], start: int,
               fast_calls: bool) -> bool:
    """Reads ``chunk`` call by call; False when a call failed (stop reading)."""
    rows: List[Row] = []
    for k, call in enumerate(chunk):
        kind = type(call)
        if rows and not (kind is dict or (kind is Call and fast_calls)):
            # Reading this one may run Python code (a property) that changes what the calls
            # before it hold: they are converted first, as they were when read.
            if not batch.add(rows):
                return False
            rows = []
        row, has_to, problem = read_call(call)
        if problem is not None:
            if rows and not batch.add(rows):
                return False
            batch.fail(start + k, row, has_to, problem)  # raises
        rows.append(row)
    return batch.add(rows) if rows else True
