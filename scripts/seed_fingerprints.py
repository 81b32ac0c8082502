"""Fingerprints of the source articles' sentences, for the originality test.

    .venv/bin/python scripts/seed_fingerprints.py SEEDS/*.txt > tests/data/seed-shingles.txt

Writes hashed word 7-grams (Latin script) and character 10-grams (Chinese) of the articles, so the
tests can check that no client-facing text copies them without the articles being in the repo.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scopeline.core.replies.originality import shingles


def main() -> None:
    found: set[str] = set()
    for name in sys.argv[1:]:
        found |= shingles(Path(name).read_text(encoding="utf-8"))
    sys.stdout.write("".join(f"{h}\n" for h in sorted(found)))


if __name__ == "__main__":
    main()
