"""Batch input and output for triage: JSON Lines in, one verdict per line out."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BatchItem:
    id: str | None
    text: str
    error: str | None = None
    """Why the line could not be read as intended (the verdict then says so)."""


def read_jsonl(raw: bytes) -> tuple[list[BatchItem], list[str]]:
    """Parse JSON Lines of ``{"id": ..., "text": ...}``. A bad line still yields an item (with
    an empty text and an error), so the output keeps one verdict per input line."""
    items: list[BatchItem] = []
    problems: list[str] = []
    text = raw.decode("utf-8-sig", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            message = f"line {number}: not valid JSON ({exc.msg})"
            problems.append(f"{number}: not valid JSON ({exc.msg}); triaged as empty")
            items.append(BatchItem(None, "", message))
            continue
        if not isinstance(row, dict):
            problems.append(f"{number}: expected an object with id and text")
            items.append(BatchItem(None, "", f"line {number}: not a JSON object"))
            continue
        raw_id = row.get("id")
        item_id = None if raw_id is None else str(raw_id)
        body = row.get("text")
        if not isinstance(body, str):
            problems.append(f"{number}: 'text' is missing or not a string")
            items.append(BatchItem(item_id, "", f"line {number}: no text"))
            continue
        items.append(BatchItem(item_id, body))
    return items, problems


def write_atomically(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` all at once: a reader never sees half a file."""
    directory = path.resolve().parent
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
