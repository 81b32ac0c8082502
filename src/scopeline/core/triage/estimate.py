"""Estimates: hours (low, likely, high) for a request.

Three sources, in this order of trust:
1. the ledger's history — hours recorded for earlier decided requests of the same kind on the
   same clause (the median, when there are at least two);
2. the matched scope item — its hours per unit (a sixth page costs what one of the five did);
3. the estimate catalogue (``data/estimates.yaml``, shipped; a user file merges over it): typical
   tasks with hours and the phrases clients use for them, matched by embedding similarity.
A request that matches none of them gets a cautious default, and says so.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from scopeline.core._source import load_merged
from scopeline.core.agreement import Agreement
from scopeline.core.errors import ScopelineError
from scopeline.core.events import RequestDecided
from scopeline.core.ledger import ProjectState
from scopeline.core.triage.contract import Kind
from scopeline.core.triage.embedder import Embedder
from scopeline.core.triage.verdict import Estimate, ScopeMatch

CATALOGUE_MATCH: Final = 0.875
"""Cosine similarity with a catalogue phrase above which the task is taken as a match."""
ZERO_ESTIMATE: Final = Estimate(Decimal(0), Decimal(0), Decimal(0), "no work requested")
_DEFAULTS: Final[dict[str, tuple[str, str, str]]] = {
    "defect": ("0.5", "1", "2"),
    "revision": ("1", "2", "4"),
    "extra_concept": ("4", "6", "10"),
    "addition": ("2", "4", "8"),
}
_QUARTER = Decimal("0.25")


class CatalogueError(ScopelineError):
    """An estimate catalogue file that cannot be read."""


@dataclass(frozen=True)
class Task:
    id: str
    low: Decimal
    likely: Decimal
    high: Decimal
    titles: dict[str, str]
    phrases: tuple[str, ...]
    phrase_langs: tuple[str, ...] = ()
    """The language of each phrase (same order)."""


@dataclass
class Catalogue:
    tasks: tuple[Task, ...]
    digest: str
    _vectors: npt.NDArray[np.float32] | None = None
    _owners: npt.NDArray[np.int32] | None = None

    def preload(self, vectors: npt.NDArray[np.float32], owners: npt.NDArray[np.int32]) -> None:
        """Use phrase embeddings computed earlier (at training time) for this same catalogue."""
        if len(vectors) != sum(len(task.phrases) for task in self.tasks):
            raise ValueError("phrase embeddings do not fit this catalogue")
        self._vectors, self._owners = vectors, owners

    def vectors(self, embedder: Embedder) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int32]]:
        """Embeddings of every phrase (computed once per process) and the task each belongs to."""
        if self._vectors is None or self._owners is None:
            phrases = [(i, p) for i, task in enumerate(self.tasks) for p in task.phrases]
            self._vectors = embedder.passages([p for _, p in phrases])
            self._owners = np.asarray([i for i, _ in phrases], dtype=np.int32)
        return self._vectors, self._owners

    def best(self, embedder: Embedder, query: npt.NDArray[np.float32]) -> tuple[Task, float] | None:
        vectors, owners = self.vectors(embedder)
        if not len(vectors):
            return None
        sims = vectors @ query
        top = int(np.argmax(sims))
        return self.tasks[int(owners[top])], float(sims[top])


def _dec(value: Any, where: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except ArithmeticError as exc:
        raise CatalogueError(f"{where}: not a number: {value!r}") from exc
    if not result.is_finite() or result < 0:
        raise CatalogueError(f"{where}: must be a number, zero or more: {value!r}")
    return result


def parse_catalogue(data: Any, source: str) -> list[Task]:
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), list):
        raise CatalogueError(f"{source}: expected a mapping with a 'tasks' list")
    tasks = []
    for i, entry in enumerate(data["tasks"]):
        where = f"{source}: tasks[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise CatalogueError(f"{where}: each task needs an 'id'")
        hours = entry.get("hours")
        if not isinstance(hours, dict):
            raise CatalogueError(f"{where}.hours: expected {{low, likely, high}}")
        low, likely, high = (
            _dec(hours.get(k), f"{where}.hours.{k}") for k in ("low", "likely", "high")
        )
        if not low <= likely <= high:
            raise CatalogueError(f"{where}.hours: low <= likely <= high does not hold")
        titles = {str(k): str(v) for k, v in (entry.get("title") or {}).items()}
        phrases_by_lang = entry.get("phrases") or {}
        pairs = [
            (str(lang), str(p)) for lang, values in phrases_by_lang.items() for p in values or []
        ]
        pairs += list(titles.items())
        first_lang: dict[str, str] = {}
        for lang, phrase in pairs:
            first_lang.setdefault(phrase, lang)
        tasks.append(
            Task(
                entry["id"],
                low,
                likely,
                high,
                titles,
                tuple(first_lang),
                tuple(first_lang.values()),
            )
        )
    return tasks


def load_catalogue(extra: Sequence[str | Path] = ()) -> Catalogue:
    """The shipped catalogue, with each file in ``extra`` merged over it (same id replaces)."""
    tasks, digest = load_merged(
        "estimates.yaml", extra, parse_catalogue, lambda t: t.id, CatalogueError
    )
    return Catalogue(tuple(tasks), digest)


@cache
def task_titles() -> dict[str, dict[str, str]]:
    """The shipped catalogue's task titles by id and language (read once per process): the
    name of a priced extra in the client's language, for replies and change orders."""
    return {task.id: task.titles for task in load_catalogue().tasks}


def _round(value: Decimal) -> Decimal:
    """Hours to the quarter hour (at least a quarter)."""
    quarters = (value / _QUARTER).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(quarters * _QUARTER, _QUARTER)


def _history(agreement: Agreement, kind: Kind, item: str | None) -> list[Decimal]:
    return [
        e.hours
        for e in agreement.ledger
        if isinstance(e, RequestDecided)
        and e.kind == kind
        and e.hours is not None
        and e.hours > 0
        and (item is None or e.item == item)
    ]


def estimate(
    *,
    kind: Kind,
    scope: ScopeMatch,
    agreement: Agreement,
    state: ProjectState,
    catalogue: Catalogue | None,
    embedder: Embedder,
    query: npt.NDArray[np.float32],
) -> tuple[Estimate, Task | None]:
    """Hours for a request of ``kind`` that the scope match placed at ``scope``."""
    if kind == "deadline":
        left = state.hours_budgeted - state.hours_logged if state.hours_budgeted else None
        if left is None or left <= 0:
            return Estimate(Decimal(0), Decimal(0), Decimal(0), "no budgeted hours left"), None
        return Estimate(left, left, left, "remaining budgeted hours"), None
    if kind not in _DEFAULTS:
        return ZERO_ESTIMATE, None

    past = _history(agreement, kind, scope.item)
    if len(past) >= 2:
        median = Decimal(str(statistics.median(past)))
        return (
            Estimate(
                _round(median),
                _round(min(past)),
                _round(max(past)),
                f"median of {len(past)} earlier {kind} requests"
                + (f" on '{scope.item}'" if scope.item else "")  # else: on any clause
                + " in the ledger",
            ),
            None,
        )

    item = agreement.scope_item(scope.item) if scope.item else None
    if kind == "addition" and item is not None and item.hours and scope.verdict == "out_of_scope":
        units = max((scope.requested_quantity or 0) - (scope.agreed_quantity or 0), 1)
        per_unit = item.hours / (item.quantity or 1)
        likely = _round(per_unit * units)
        return (
            Estimate(
                likely,
                _round(likely * Decimal("0.75")),
                _round(likely * Decimal("1.5")),
                f"'{item.id}': {item.hours} h for {item.quantity or 1} {item.unit or 'unit'}(s)",
            ),
            None,
        )

    # The catalogue prices building something; fixing what was delivered is not that work
    # (a broken mobile menu is not a "mobile app"), so defects keep the defect default.
    if catalogue is not None and kind != "defect":
        found = catalogue.best(embedder, query)
        if found is not None and found[1] >= CATALOGUE_MATCH:
            task, similarity = found
            return (
                Estimate(
                    task.likely,
                    task.low,
                    task.high,
                    f"catalogue task '{task.id}' (similarity {similarity:.2f})",
                ),
                task,
            )

    if item is not None and item.hours and kind in ("revision", "extra_concept"):
        share = Decimal("0.15") if kind == "revision" else Decimal("0.3")
        likely = _round(item.hours * share)
        return (
            Estimate(
                likely,
                _round(likely * Decimal("0.5")),
                _round(likely * 2),
                f"{share * 100:.0f}% of the {item.hours} h of '{item.id}'",
            ),
            None,
        )
    low, likely, high = (Decimal(v) for v in _DEFAULTS[kind])
    words = kind.replace("_", " ")
    article = "an" if words[0] in "aeiou" else "a"  # "an addition", "an extra concept"
    return Estimate(
        likely, low, high, f"default for {article} {words}; nothing similar found"
    ), None
