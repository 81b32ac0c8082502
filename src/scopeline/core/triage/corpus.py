"""The labelled triage corpus shipped in ``data/corpus/<lang>.jsonl`` (see its README)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from scopeline.core.agreement import Agreement
from scopeline.core.loading import load_agreement
from scopeline.core.triage.contract import Kind, ScopeVerdict


@dataclass(frozen=True)
class Example:
    id: str
    lang: str
    text: str
    kinds: tuple[Kind, ...]
    agreement: str
    verdict: ScopeVerdict
    item: str | None
    split: str

    @property
    def kind(self) -> Kind:
        return self.kinds[0]


def load_corpus() -> list[Example]:
    rows: list[Example] = []
    folder = resources.files("scopeline.core").joinpath("data/corpus")
    for name in _files():
        for line in folder.joinpath(name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            rows.append(
                Example(
                    id=row["id"],
                    lang=row["lang"],
                    text=row["text"],
                    kinds=tuple(row["kinds"]),
                    agreement=row["agreement"],
                    verdict=row["scope"]["verdict"],
                    item=row["scope"]["item"],
                    split=row["split"],
                )
            )
    return rows


def corpus_digest() -> str:
    folder = resources.files("scopeline.core").joinpath("data/corpus")
    digest = hashlib.sha256()
    for name in _files():
        digest.update(folder.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def _files() -> list[str]:
    """``<lang>.jsonl`` and its continuations ``<lang>-2.jsonl``, ..., in a stable order."""
    folder = resources.files("scopeline.core").joinpath("data/corpus")
    return sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".jsonl"))


def example_agreements(folder: Path) -> dict[str, Agreement]:
    """The agreements the corpus refers to, by file stem (``examples/`` in the repository)."""
    return {path.stem: load_agreement(path) for path in sorted(folder.glob("*.yaml"))}
