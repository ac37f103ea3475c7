"""RoutingState: what survives from one call to the next (round-robin positions, random)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from . import _core
from ._args import need_str, whole_number


class RoutingState:
    """Round-robin positions per ring group and the random generator's state.

    Pass one to ``Tenant.simulate(state=...)`` (or ``simulate_many``, ``CallSession.start``)
    to carry it from call to call, as a PBX does; it is updated in place. Save it with
    :meth:`to_json` or :mod:`pickle`, restore it with :meth:`from_json`. The JSON is the one of
    ``callplan simulate --state/--state-out``:
    ``{"version": 1, "round_robin": {"main/2": "002"}, "random": 42}``.

    A state is not tied to a tenant (positions are keyed by ring-group path, so they survive
    edits and reloads, like ``--state`` files): :meth:`set_round_robin` and :meth:`from_json`
    cannot check group paths or members. A position for a group the tenant does not have is
    kept and never read; one naming a member the group does not have restarts the group at its
    first member (docs/routing.md).

    Not thread-safe: one call at a time may use a state.
    """

    __slots__ = ("_core",)

    def __init__(self, seed: Optional[int] = None) -> None:
        """A fresh state: no round-robin positions; the random state is ``seed`` (or 0), a
        whole number 0..2**64-1 (callplan.Error otherwise, TypeError for a non-int)."""
        self._core = (_core.RoutingState() if seed is None
                      else _core.RoutingState(whole_number(seed, "seed")))

    @classmethod
    def from_json(cls, text: str) -> "RoutingState":
        """The state saved by :meth:`to_json` (or ``--state-out``), read as ``callplan
        simulate --state`` reads it: every key is optional (no ``version``: 1; no
        ``round_robin``: no positions; no ``random``: 0); another version, an unknown key or
        a value of the wrong kind raises callplan.Error."""
        state = cls.__new__(cls)
        state._core = _core.RoutingState.from_json(need_str(text, "text"))
        return state

    def to_json(self) -> str:
        """The state as JSON text."""
        return self._core.to_json()

    @property
    def round_robin(self) -> Dict[str, str]:
        """Ring group path (``"service/0/1/0"``) -> the member its next call starts after.

        A copy: change positions with :meth:`set_round_robin`.
        """
        return self._core.round_robin_positions()

    def set_round_robin(self, group: str, member: str) -> None:
        """Makes the next call of ring group ``group`` (its step path, ``"service/0/1/0"``)
        start after ``member`` (as written in the group). Not checked against a tenant: see
        the class docstring."""
        self._core.set_round_robin(need_str(group, "group"), need_str(member, "member"))

    @property
    def random_state(self) -> int:
        """The random generator's state (advanced by every call reaching a random group)."""
        return self._core.random_state

    def seed(self, seed: int) -> None:
        """Restarts the random generator at ``seed`` (``callplan simulate --seed``): a whole
        number 0..2**64-1."""
        self._core.set_seed(whole_number(seed, "seed"))

    def copy(self) -> "RoutingState":
        """An independent copy."""
        state = RoutingState.__new__(RoutingState)
        state._core = self._core.copy()
        return state

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RoutingState):
            return NotImplemented
        return bool(self._core == other._core)

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> Dict[str, Any]:
        return {"json": self.to_json()}

    def __setstate__(self, d: Dict[str, Any]) -> None:
        self._core = _core.RoutingState.from_json(d["json"])

    def __repr__(self) -> str:
        return f"RoutingState(round_robin={self.round_robin!r}, random_state={self.random_state})"
