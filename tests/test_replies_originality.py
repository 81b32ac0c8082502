"""No client-facing text copies a sentence of the source articles.

The articles are not in the repository; ``tests/data/seed-shingles.txt`` holds hashes of their
word 7-grams and Chinese character 10-grams (made by ``scripts/seed_fingerprints.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scopeline.core.languages import SUPPORTED_LANGUAGES, Language
from scopeline.core.replies.advice import load_advice
from scopeline.core.replies.bank import load_bank
from scopeline.core.replies.originality import shingles

SEEDS = frozenset(
    (Path(__file__).parent / "data" / "seed-shingles.txt").read_text(encoding="utf-8").split()
)


def test_the_fingerprints_are_there_and_work() -> None:
    assert len(SEEDS) > 1000
    assert shingles("one two three four five six seven") == shingles(
        "One, two; three four five six SEVEN!"
    )


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_phrase_banks_copy_no_source_sentence(lang: Language) -> None:
    bank = load_bank(lang)
    for part, by_tone in bank.variants.items():
        for texts in by_tone.values():
            for text in texts:
                assert not shingles(text) & SEEDS, f"{lang} {part}: {text}"


def test_advice_library_copies_no_source_sentence() -> None:
    for entry in load_advice().entries:
        for texts in (entry.request, entry.purpose, entry.alternative):
            for lang, text in texts.items():
                assert not shingles(text) & SEEDS, f"{entry.id} {lang}: {text}"
        for lang, reasons in entry.reasons.items():
            for text in reasons:
                assert not shingles(text) & SEEDS, f"{entry.id} {lang}: {text}"
