"""The core's exception types: one base class the shells can catch."""

from __future__ import annotations

from dataclasses import dataclass


class ScopelineError(Exception):
    """Base class of every error the core raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    source: str
    """The file name as the user gave it (or ``<string>``)."""
    line: int | None
    """1-based line number, when known."""
    path: str
    """Where in the document: ``scope[2].quantity``; empty for the whole document."""
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class AgreementError(ScopelineError):
    """An agreement file that cannot be read or does not validate."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("AgreementError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
