"""Exceptions of callplan: :class:`Error` and its subclass :class:`LoadError`."""

from __future__ import annotations

from typing import Any, Iterable, List

from ._issues import Issue


class Error(Exception):
    """Misuse of the API, an unreadable file, or a call that cannot be simulated.

    Problems *in a tenant file* are not exceptions: they are :class:`~callplan.Issue` objects
    in ``Tenant.issues``. ``Error`` carries the issues that explain it, when there are any.

    Attributes:
        message: one line saying what went wrong.
        issues: the issues behind it (may be empty).
    """

    def __init__(self, message: str, issues: Iterable[Issue] = ()) -> None:
        super().__init__(message)
        self.message: str = message
        self.issues: List[Issue] = list(issues)

    def __str__(self) -> str:
        lines = [self.message]
        lines.extend(str(issue) for issue in self.issues)
        return "\n".join(lines)

    def __reduce__(self) -> Any:
        return (type(self), (self.message, self.issues))


class LoadError(Error):
    """A tenant that cannot be read, or that has errors and so cannot route calls.

    Raised by :func:`callplan.load` when the file cannot be opened, and by ``Tenant.simulate``
    and friends when the tenant has error-severity issues (they are in ``issues``).
    """


def _from_core(message: str, issues: List[dict]) -> Error:  # type: ignore[type-arg]
    """Builds the exception for a ``callplan::Error`` thrown in C++ (used by ``_core``)."""
    converted = [Issue._from_core(i) for i in issues]
    if message.startswith("cannot read") or message.startswith("cannot open"):
        return LoadError(message, converted)
    return Error(message, converted)
