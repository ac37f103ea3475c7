"""RoutingState: what survives from one call to the next (round-robin positions, random)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from . import _core


class RoutingState:
    """Round-robin positions per ring group and the random generator's state.

    Pass one to ``Tenant.simulate(state=...)`` (or ``simulate_many``, ``CallSession.start``)
    to carry it from call to call, as a PBX does; it is updated in place. Save it with
    :meth:`to_json` or :mod:`pickle`, restore it with :meth:`from_json`. The JSON is the one of
    ``callplan simulate --state/--state-out``:
    ``{"version": 1, "round_robin": {"main/2": "002"}, "random": 42}``.

    Not thread-safe: one call at a time may use a state.
    """

    __slots__ = ("_core",)

    def __init__(self, seed: Optional[int] = None) -> None:
        """A fresh state: no round-robin positions; the random state is ``seed`` (or 0)."""
        self._core = _core.RoutingState() if seed is None else _core.RoutingState(seed)

    @classmethod
    def from_json(cls, text: str) -> "RoutingState":
        """The state saved by :meth:`to_json` (or ``--state-out``). Raises callplan.Error."""
        state = cls.__new__(cls)
        state._core = _core.RoutingState.from_json(text)
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
        """Makes the next call of ring group ``group`` start after ``member``."""
        self._core.set_round_robin(group, member)

    @property
    def random_state(self) -> int:
        """The random generator's state (advanced by every call reaching a random group)."""
        return self._core.random_state

    def seed(self, seed: int) -> None:
        """Restarts the random generator at ``seed`` (``callplan simulate --seed``)."""
        self._core.set_seed(seed)

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
