"""The shipped triage data files: the estimate catalogue and the lexical cues per request kind."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from scopeline.core.languages import SUPPORTED_LANGUAGES
from scopeline.core.triage.contract import KINDS

DATA = Path(__file__).resolve().parents[1] / "src" / "scopeline" / "core" / "data"
LANGS = SUPPORTED_LANGUAGES
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Distinctive (Traditional, Simplified) pairs: either form betrays the other script.
TRADITIONAL = "個們這時說會費頁網設計錢還給嗎開關發見單價證號買賣圖顏種點擊請報幫應東車長門問題"
SIMPLIFIED = "个们这时说会费页网设计钱还给吗开关发见单价证号买卖图颜种点击请报帮应东车长门问题"
PAIRS = tuple(zip(TRADITIONAL, SIMPLIFIED, strict=True))
TRADITIONAL_ONLY = frozenset(TRADITIONAL)
SIMPLIFIED_ONLY = frozenset(SIMPLIFIED)
CEDILLA = frozenset("şţŞŢ")  # Romanian is written with the comma-below ș and ț


@cache
def load(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def tasks() -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = load("estimates.yaml")["tasks"]
    return result


def script_problems(lang: str, text: str) -> set[str]:
    """Characters of the wrong Chinese script (or cedilla forms in Romanian) in ``text``."""
    if lang == "zh-Hant":
        return set(text) & SIMPLIFIED_ONLY
    if lang == "zh-Hans":
        return set(text) & TRADITIONAL_ONLY
    if lang == "ro":
        return set(text) & CEDILLA
    return set()


def test_pairs_are_distinct_characters() -> None:
    assert len(PAIRS) >= 40
    assert all(trad != simp for trad, simp in PAIRS)
    assert len(TRADITIONAL_ONLY) == len(SIMPLIFIED_ONLY) == len(PAIRS)
    assert not TRADITIONAL_ONLY & SIMPLIFIED_ONLY


def test_estimates_header_and_size() -> None:
    data = load("estimates.yaml")
    assert data["version"] == 1
    assert len(tasks()) >= 60


def test_estimate_ids_are_unique_slugs() -> None:
    ids = [t["id"] for t in tasks()]
    assert all(isinstance(i, str) and ID.match(i) for i in ids), ids
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("task", tasks(), ids=lambda t: str(t["id"]))
def test_estimate_task(task: dict[str, Any]) -> None:
    assert set(task) == {"id", "hours", "title", "phrases"}
    hours = task["hours"]
    assert set(hours) == {"low", "likely", "high"}
    values = [hours["low"], hours["likely"], hours["high"]]
    assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    assert 0 < values[0] <= values[1] <= values[2]
    assert set(task["title"]) == set(LANGS)
    assert set(task["phrases"]) == set(LANGS)
    for lang in LANGS:
        title = task["title"][lang]
        assert isinstance(title, str)
        assert title
        assert title.strip() == title
        phrases = task["phrases"][lang]
        assert isinstance(phrases, list)
        assert 3 <= len(phrases) <= 6, lang
        assert len(set(phrases)) == len(phrases), lang
        for text in [title, *phrases]:
            assert isinstance(text, str)
            assert text, lang
            assert text.strip() == text, (lang, text)
            assert not script_problems(lang, text), (lang, text)


def test_cues_cover_every_kind_and_language() -> None:
    data = load("cues.yaml")
    assert data["version"] == 1
    assert set(data["cues"]) == set(KINDS)
    for kind in KINDS:
        assert set(data["cues"][kind]) == set(LANGS), kind


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_cue_list(kind: str, lang: str) -> None:
    cues = load("cues.yaml")["cues"][kind][lang]
    assert isinstance(cues, list)
    assert (5 if kind == "other" else 15) <= len(cues) <= 40, len(cues)
    assert len(set(cues)) == len(cues), [c for c in cues if cues.count(c) > 1]
    for cue in cues:
        assert isinstance(cue, str)
        assert cue
        assert cue == cue.lower() == cue.strip(), cue
        assert not script_problems(lang, cue), cue


def test_script_check_catches_mixed_scripts() -> None:
    assert script_problems("zh-Hant", "网站") == {"网"}
    assert script_problems("zh-Hans", "網站") == {"網"}
    assert script_problems("ro", "modificaţi") == {"ţ"}
    assert not script_problems("ro", "modificați")
