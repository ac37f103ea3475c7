"""Diagnostics: problems found in a tenant file, as objects."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Dict, Tuple


class Severity(str, enum.Enum):
    """How bad an issue is. Compares equal to its name: ``Severity.error == "error"``."""

    error = "error"
    warning = "warning"
    note = "note"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Note:
    """A related place, e.g. "first defined here" for a duplicate.

    Attributes:
        message: what the place is.
        file, line, column: where (1-based; ``line == 0`` means no place).
    """

    message: str
    file: str = ""
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{_where(self.file, self.line, self.column)}note: {self.message}"


@dataclass(frozen=True)
class Issue:
    """One problem in a tenant: severity, stable code, message, place, notes and hints.

    ``str(issue)`` is the one-line GCC form of ``callplan check --format gcc``:
    ``acme.yaml:12:5: error: unknown user `009` [CP201]``.

    Attributes:
        severity: :class:`Severity` (a ``str``: ``"error"``, ``"warning"`` or ``"note"``).
        code: the stable code, e.g. ``"CP201"`` (see docs/diagnostics.md).
        message: one sentence, no location.
        file, line, column: where it was written (1-based; ``line == 0``: no place).
        notes: related places (:class:`Note`).
        hints: suggestions such as "did you mean `strategy`?".
    """

    severity: Severity
    code: str
    message: str
    file: str = ""
    line: int = 0
    column: int = 0
    notes: Tuple[Note, ...] = field(default=())
    hints: Tuple[str, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        """True for error-severity issues (those that stop a tenant from routing calls)."""
        return self.severity is Severity.error

    @property
    def location(self) -> str:
        """``"file:line:column"``, or just the file when the place is unknown."""
        return _where(self.file, self.line, self.column).rstrip(": ")

    def __str__(self) -> str:
        return f"{_where(self.file, self.line, self.column)}{self.severity.value}: " \
               f"{self.message} [{self.code}]"

    def to_dict(self) -> Dict[str, Any]:
        """The issue as plain data (as in ``callplan check --format json``'s issues)."""
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "notes": [
                {"message": n.message, "file": n.file, "line": n.line, "column": n.column}
                for n in self.notes
            ],
            "hints": list(self.hints),
        }

    @classmethod
    def _from_core(cls, d: Dict[str, Any]) -> "Issue":
        return cls(
            severity=Severity(d["severity"]),
            code=d["code"],
            message=d["message"],
            file=d["file"],
            line=d["line"],
            column=d["column"],
            notes=tuple(Note(**n) for n in d["notes"]),
            hints=tuple(d["hints"]),
        )


def _where(file: str, line: int, column: int) -> str:
    if not file:
        return ""
    if line == 0:
        return f"{file}: "
    return f"{file}:{line}:{column}: "
