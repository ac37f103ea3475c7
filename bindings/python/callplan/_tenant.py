"""Tenants: loading, checking, simulating calls (one with its trace, or many at once)."""

from __future__ import annotations

import operator
import os
from dataclasses import dataclass
from typing import (Any, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Sequence,
                    Union, overload)

from . import _calls, _core
from ._args import (DEFAULT_FROM, AnswerArg, PresenceArg, core_state, need_int, need_str,
                    take_from, type_name)
from ._calls import Call
from ._errors import Error, LoadError
from ._issues import Issue, Severity
from ._schedule import Schedule
from ._session import CallSession
from ._state import RoutingState
from ._time import When
from ._trace import Outcome, Trace


At = Union[When, None]


class Outcomes(Sequence[Outcome]):
    """The outcomes of :meth:`Tenant.simulate_many`, in the order of the calls.

    A sequence of :class:`Outcome`; the objects are made when you index or iterate, so large
    batches stay cheap. :meth:`tally` counts in C++.
    """

    __slots__ = ("_core",)

    def __init__(self, core: _core.Outcomes) -> None:
        self._core = core

    def __len__(self) -> int:
        return len(self._core)

    @overload
    def __getitem__(self, i: int) -> Outcome: ...

    @overload
    def __getitem__(self, i: slice) -> List[Outcome]: ...

    def __getitem__(self, i: Union[int, slice]) -> Union[Outcome, List[Outcome]]:
        if isinstance(i, slice):
            return [Outcome(*self._core.get(j)) for j in range(*i.indices(len(self)))]
        return Outcome(*self._core.get(operator.index(i)))

    def __iter__(self) -> Iterator[Outcome]:
        return (Outcome(*t) for t in self._core.all())

    def tally(self, field: str = "disposition") -> Dict[str, int]:
        """How many calls had each value of ``field``: ``"disposition"``, ``"by"`` (answered
        calls) or ``"user"`` (voicemail calls). ``{"answered": 9000, "voicemail": 1000}``.
        ValueError for another field."""
        return dict(self._core.tally(need_str(field, "field")))

    def __repr__(self) -> str:
        return f"<Outcomes of {len(self)} calls: {self.tally()}>"


class CallBatch:
    """Calls read and validated once by :meth:`Tenant.prepare`, ready to be routed again and
    again by :meth:`Tenant.simulate_many` with no Python work per call (for batches routed
    many times: other states, more threads). ``len(batch)`` is the number of calls.

    Bound to the :class:`Tenant` object that prepared it: ``simulate_many`` of another Tenant
    (even one loaded from the same file) raises ``ValueError``. The calls are fixed when
    prepared: calls without ``at`` were given the time of :meth:`Tenant.prepare`, and changing
    the Call objects or dicts afterwards does not change the batch.
    """

    __slots__ = ("_core", "_tenant")

    def __init__(self, core: _core.CallBatch, tenant: "Tenant") -> None:
        self._core = core
        self._tenant = tenant

    def __len__(self) -> int:
        return len(self._core)

    def __repr__(self) -> str:
        return f"<CallBatch of {len(self)} calls>"


Calls = Union[CallBatch, Iterable[Union[Call, Mapping[str, Any]]]]


@dataclass(frozen=True)
class Number:
    """One of the tenant's external numbers and the plan it follows.

    Attributes:
        number: the number in E.164 (``"+31881234567"``).
        plan: the id of the plan a call to it follows.
        label: its label (``""`` when it has none).
    """

    number: str
    plan: str
    label: str


@dataclass(frozen=True)
class User:
    """A user of the tenant (an employee with an internal number).

    Attributes:
        extension: the user's internal number (``"001"``).
        first_name, last_name: as written in the tenant file (see :attr:`name`).
        voicemail: whether the user has a mailbox.
    """

    extension: str
    first_name: str
    last_name: str
    voicemail: bool

    @property
    def name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()


class Tenant:
    """A loaded tenant: its model, every problem found in it, and (when it has no errors) a
    compiled routing engine that is immutable and safe to share between threads.

    Get one with :func:`load` or :func:`load_string`.
    """

    __slots__ = ("_core", "_engine_core", "_schedules", "__weakref__")

    def __init__(self, core: _core.Tenant) -> None:
        self._core = core
        self._engine_core: Optional[_core.Engine] = None
        self._schedules: Optional[Dict[str, Schedule]] = None

    # --- what the file says ---------------------------------------------------------------

    @property
    def name(self) -> str:
        """``tenant.name``."""
        return self._core.name

    @property
    def timezone(self) -> str:
        """``tenant.timezone``: naive datetimes are read in this zone."""
        return self._core.timezone

    @property
    def file(self) -> str:
        """The file it was loaded from (the name given to :func:`load_string`)."""
        return self._core.file

    @property
    def numbers(self) -> List[Number]:
        """The tenant's external numbers, in file order."""
        return [Number(*n) for n in self._core.numbers]

    @property
    def users(self) -> List[User]:
        """The tenant's users, in file order."""
        return [User(*u) for u in self._core.users]

    @property
    def plans(self) -> Dict[str, str]:
        """Plan id -> label, in file order."""
        return {pid: label for pid, label in self._core.plans}

    # --- problems -------------------------------------------------------------------------

    @property
    def issues(self) -> List[Issue]:
        """Every problem: the loader's and the checker's, sorted by place (as
        ``callplan check`` prints them)."""
        return [Issue._from_core(d) for d in self._core.issues]

    @property
    def errors(self) -> List[Issue]:
        """The error-severity issues: a tenant with any cannot route calls."""
        return [i for i in self.issues if i.severity is Severity.error]

    @property
    def warnings(self) -> List[Issue]:
        """The warnings."""
        return [i for i in self.issues if i.severity is Severity.warning]

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors

    def check(self, strict: bool = False) -> List[Issue]:
        """Returns every issue (as :attr:`issues`). Never raises for problems; use
        :meth:`raise_for_issues` to turn them into an exception. With ``strict``, only
        errors and warnings are returned (notes left out)."""
        issues = self.issues
        if strict:
            return [i for i in issues if i.severity is not Severity.note]
        return issues

    def raise_for_issues(self, strict: bool = False) -> None:
        """Raises :class:`LoadError` carrying the issues when there are errors (or, with
        ``strict``, warnings), like ``callplan check [--strict]`` exiting 1."""
        bad = [i for i in self.issues
               if i.severity is Severity.error or (strict and i.severity is Severity.warning)]
        if bad:
            raise LoadError(f"{self.file}: {_count(bad)}", bad)

    def report(self, format: str = "human", color: bool = False) -> str:
        """The issues as ``callplan check --format FORMAT`` prints them: ``human`` (source line
        and caret), ``gcc``, ``json``, ``sarif`` or ``github`` (:class:`Error` for another)."""
        return self._core.report(need_str(format, "format"), bool(color))

    # --- routing --------------------------------------------------------------------------

    def _engine(self) -> _core.Engine:
        if self._engine_core is None:
            errors = self.errors
            if errors:
                raise LoadError(f"{self.file} has {_count(errors)}; fix them before routing "
                                "calls", errors)
            self._engine_core = self._core.engine()
        return self._engine_core

    def simulate(self, to: str, from_: str = DEFAULT_FROM, at: At = None,
                 presence: Optional[PresenceArg] = None, answer: Optional[AnswerArg] = None,
                 digits: str = "", hangup_after: Optional[int] = None,
                 seed: Optional[int] = None, state: Optional[RoutingState] = None,
                 **kwargs: Any) -> Trace:
        """Routes one call on a virtual clock and returns its :class:`Trace` (``callplan
        simulate``; the trace's ``to_json()`` equals ``--format json``).

        Args:
            to: the dialled tenant number (any form: ``"+31881234567"``, ``"0881234567"``),
                extension, or (from a user) external number.
            from_: the caller: ``"anonymous"``, an external number, an extension or a device
                id. (``**{"from": ...}`` works too.)
            at: when: a ``datetime`` (naive: the tenant's zone), a ``date`` (midnight), ISO
                8601 text as for ``--at``, or ``None`` for now.
            presence: ``{extension: "available" | "offline" | "busy" | "dnd"}`` (or
                :class:`Presence` members), or the CLI text ``"002=busy,003=dnd"``.
            answer: ``{target: seconds}`` (answers that many seconds after it starts ringing)
                or ``{target: "busy"}`` (rejects); others never answer. Or the CLI text
                ``"001@5,002=busy"``.
            digits: digits pressed in menus, one per prompt (``_``: none for that prompt).
            hangup_after: the caller gives up after that many seconds.
            seed: restarts the random generator (the ``random`` strategy).
            state: a :class:`RoutingState` the call reads and updates (round robin); ``None``:
                a fresh state for this call only.

        Raises:
            LoadError: the tenant has errors.
            Error: a malformed ``to`` (a well-formed one the tenant does not have is routed
                and rejected), an unknown extension in ``presence`` or ``answer``, a bad
                presence state or ``at`` (with a hint), a negative or too large number.
            TypeError: an argument of the wrong type, an unknown keyword, or both ``from_``
                and ``from``.
        """
        row = (to, take_from("simulate()", from_, kwargs), at, presence, answer, digits,
               hangup_after, seed)
        engine = self._engine()
        core = engine.simulate(row, core_state(state))
        return Trace._from_core(core, engine.timezone)

    @overload
    def simulate_many(self, calls: Calls, threads: int = ...,
                      state: Optional[RoutingState] = ..., trace: Literal[False] = ...
                      ) -> Outcomes: ...

    @overload
    def simulate_many(self, calls: Calls, threads: int = ...,
                      state: Optional[RoutingState] = ..., *, trace: Literal[True]
                      ) -> List[Trace]: ...

    def simulate_many(self, calls: Calls, threads: int = 1,
                      state: Optional[RoutingState] = None, trace: bool = False
                      ) -> Union[Outcomes, List[Trace]]:
        """Routes many calls, releasing the GIL, on ``threads`` threads (0: one per core).

        ``calls`` holds :class:`Call` objects or dicts with the keyword arguments of
        :meth:`simulate` (``"from"`` or ``"from_"``), or is a :class:`CallBatch` from
        :meth:`prepare`. Returns :class:`Outcomes` (the fast path:
        no trace is recorded), or with ``trace=True`` the list of :class:`Trace`.

        Only reading the calls needs the GIL: the calling thread reads them in chunks while
        the other threads route the chunks already read, then routes too.

        Without ``state`` every call starts from a fresh routing state, so the result does not
        depend on ``threads``. With ``state`` the calls run in order and carry it from call to
        call, like a PBX (round robin moves on, random draws go on): that needs
        ``threads=1`` (``ValueError`` otherwise). Raises :class:`Error` (or ``TypeError``)
        naming the first bad call (``call 17: ...``), whether it could not be read or not be
        routed; ``ValueError`` for a negative ``threads`` or a batch another Tenant prepared.
        """
        shared = core_state(state)
        n = need_int(threads, "threads")
        if n < 0:
            raise ValueError(f"threads: {n} is not a number of threads (>= 1, or 0 for one "
                             "per CPU)")
        engine = self._engine()
        if isinstance(calls, CallBatch):
            if calls._tenant is not self:
                raise ValueError("calls: the CallBatch was prepared by another tenant (another "
                                 "Tenant object, bound to its own compiled engine); prepare "
                                 "the calls with this one")
            result = engine.simulate_prepared(calls._core, min(n, 1 << 16), shared, bool(trace))
        else:
            result = _calls.run(engine, _iterable(calls), min(n, 1 << 16), shared,
                                "traces" if trace else "outcomes")
        if trace:
            return [Trace._from_core(t, engine.timezone) for t in result]
        return Outcomes(result)

    def prepare(self, calls: Iterable[Union[Call, Mapping[str, Any]]]) -> CallBatch:
        """Reads and validates ``calls`` (as :meth:`simulate_many` takes them) once, for
        routing them many times: ``simulate_many(batch, threads=2)`` then does no Python work
        per call. Calls without ``at`` get the time of this call. The batch is bound to this
        Tenant object. Raises :class:`Error` (or ``TypeError``) naming the first bad call."""
        return CallBatch(_calls.run(self._engine(), _iterable(calls), 1, None, "prepare"), self)

    def session(self) -> CallSession:
        """A :class:`CallSession` for routing live calls on this tenant."""
        return CallSession(self)

    @property
    def schedules(self) -> Dict[str, Schedule]:
        """Name -> :class:`Schedule` (named schedules, then inline ones by step path)."""
        if self._schedules is None:
            engine = self._engine()
            self._schedules = {name: Schedule(engine, i, name, zone)
                               for i, name, zone in engine.schedules()}
        return dict(self._schedules)

    def schedule(self, name: str) -> Schedule:
        """The schedule called ``name``; raises :class:`Error` (with a hint) when unknown."""
        need_str(name, "name")
        schedules = self.schedules
        if name not in schedules:
            import difflib
            close = difflib.get_close_matches(name, list(schedules), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise Error(f"no schedule called `{name}`{hint}")
        return schedules[name]

    def __repr__(self) -> str:
        return f"<Tenant {self.name!r} from {self.file!r}: {_count(self.issues) or 'no problems'}>"


def _count(issues: Sequence[Issue]) -> str:
    errors = sum(1 for i in issues if i.severity is Severity.error)
    warnings = sum(1 for i in issues if i.severity is Severity.warning)
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)


def _iterable(calls: object) -> object:
    """``calls`` when it can be iterated over (the shims read it), else a TypeError."""
    try:
        if isinstance(calls, (str, bytes, Mapping)):
            raise TypeError
        iter(calls)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError("calls must be an iterable of callplan.Call objects or dicts (or a "
                        f"CallBatch), not {type_name(calls)}") from None
    return calls


def load(path: Union[str, "os.PathLike[str]"]) -> Tenant:
    """Loads and checks the tenant in ``path`` (and the files it includes).

    Problems in the file never raise: they are in ``tenant.issues``. Raises
    :class:`LoadError` when the file cannot be read.
    """
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"path must be a str or an os.PathLike, not {type_name(path)}")
    return Tenant(_core.load_file(os.fsdecode(path)))


def load_string(text: str, name: str = "<string>") -> Tenant:
    """Loads and checks a tenant from YAML text.

    ``name`` is the file name in issues, and relative includes are resolved against its
    directory: with the default ``"<string>"``, against the current working directory (as if
    the text were a file there).
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8")
    return Tenant(_core.load_string(need_str(text, "text"), need_str(name, "name")))
