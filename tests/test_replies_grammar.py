"""Counted nouns in each client language, in the forms the phrase banks ask for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scopeline.core.replies.grammar import Quantity, Span


def q(value: str | int, noun: str, lang: str, form: str = "") -> str:
    return format(Quantity(Decimal(value), noun, lang), form)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "noun", "form", "expected"),
    [
        (1, "hour", "", "1 tunti"),
        (14, "hour", "", "14 tuntia"),
        ("1.5", "hour", "", "1,5 tuntia"),
        (14, "hour", "gen", "14 tunnin"),
        (3, "day", "ade", "3 työpäivällä"),
        (1, "day", "ade", "1 työpäivällä"),
        (2, "round", "ela", "kahdesta korjauskierroksesta"),
        (1, "round", "", "yksi korjauskierros"),
        (3, "concept", "", "kolme konseptia"),
        (1, "concept", "acc", "yhden konseptin"),
        (5, "concept", "acc", "viisi konseptia"),
        (3, "concept", "gen", "kolmen konseptin"),
        (12, "concept", "", "12 konseptia"),
        (4, "round", "n", "4"),
    ],
)
def test_finnish_cases(value: int, noun: str, form: str, expected: str) -> None:
    assert q(value, noun, "fi", form) == expected


@pytest.mark.parametrize(
    ("value", "noun", "expected"),
    [
        (1, "hour", "o oră"),
        (2, "hour", "2 ore"),
        (20, "hour", "20 de ore"),
        (101, "hour", "101 ore"),
        ("1.5", "hour", "1,5 ore"),
        (1, "round", "o rundă de revizie"),
        (2, "round", "două runde de revizie"),
        (1, "concept", "un concept"),
        (3, "concept", "trei concepte"),
        (1, "day", "o zi lucrătoare"),
        (3, "day", "3 zile lucrătoare"),
        (25, "day", "25 de zile lucrătoare"),
    ],
)
def test_romanian_gender_and_de(value: int, noun: str, expected: str) -> None:
    assert q(value, noun, "ro") == expected


@pytest.mark.parametrize(
    ("lang", "value", "noun", "expected"),
    [
        ("zh-Hant", 14, "hour", "14 小時"),
        ("zh-Hans", 14, "hour", "14 小时"),
        ("zh-Hant", 2, "round", "兩輪修改"),
        ("zh-Hans", 2, "round", "两轮修改"),
        ("zh-Hant", 3, "concept", "三款設計提案"),
        ("zh-Hans", 3, "concept", "三套设计方案"),
        ("zh-Hant", 3, "day", "3 個工作天"),
        ("zh-Hans", 3, "day", "3 个工作日"),
        ("zh-Hant", 12, "concept", "12款設計提案"),
    ],
)
def test_chinese_measure_words(lang: str, value: int, noun: str, expected: str) -> None:
    assert q(value, noun, lang) == expected


def test_english_words_for_small_counts_digits_for_measures() -> None:
    assert q(2, "round", "en") == "two revision rounds"
    assert q(1, "concept", "en") == "one concept"
    assert q(1, "hour", "en") == "1 hour"
    assert q("2.5", "hour", "en") == "2.5 hours"
    assert q(3, "day", "en") == "3 working days"


def test_span_agrees_with_the_upper_number() -> None:
    assert format(Span(Decimal(12), Decimal(16), "hour", "fi"), "") == "12–16 tuntia"
    assert format(Span(Decimal(12), Decimal(16), "hour", "fi"), "gen") == "12–16 tunnin"
    assert format(Span(Decimal(12), Decimal(20), "hour", "ro"), "") == "12–20 de ore"
    assert format(Span(Decimal(1), Decimal(2), "hour", "en"), "") == "1–2 hours"
    assert format(Span(Decimal(3), Decimal(3), "hour", "en"), "") == "3 hours"
    assert format(Span(Decimal(12), Decimal(16), "hour", "zh-Hant"), "") == "12–16 小時"


@pytest.mark.parametrize(
    ("lang", "form"), [("en", "ela"), ("ro", "gen"), ("zh-Hans", "acc"), ("fi", "ill")]
)
def test_unknown_form_raises(lang: str, form: str) -> None:
    with pytest.raises(ValueError, match="not known"):
        q(2, "hour", lang, form)


def test_chinese_measure_word_only_for_a_second_mention() -> None:
    assert q(2, "round", "zh-Hant", "m") == "兩輪"
    assert q(3, "concept", "zh-Hant", "m") == "三款"
    assert q(3, "concept", "zh-Hans", "m") == "三套"
    assert q(14, "hour", "zh-Hans", "m") == "14 小时"
