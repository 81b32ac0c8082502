"""The arithmetic behind replies: target prices in discount requests, scope reductions that
reach them, working days, and the client's sentence quoted back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from scopeline.core.loading import load_agreement
from scopeline.core.replies.composer import (
    add_working_days,
    reductions_for,
    request_sentence,
    requested_target,
    scope_savings,
    working_days,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BID = Decimal(4800)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Could you do it for 3,500?", "3500"),
        ("Voisitteko tehdä sen 3 500 eurolla?", "3500"),
        ("Ați putea face totul cu 4.000 lei?", "4000"),
        ("Can you do it 20% cheaper?", "3840"),
        ("Voisitteko tehdä koko projektin 20 % halvemmalla?", "3840"),
        ("Could you take 500 € off?", "4300"),
        ("Could it be 500 less?", "4300"),
        ("Can we pay 4k instead?", "4000"),
        ("能不能3千做完？", "3000"),
        ("整个项目能不能打八折？", "3840"),
        ("可以9折嗎", "4320"),
        ("Could you do it cheaper?", None),
        ("We have 10000 for it", None),
    ],
)
def test_requested_target(message: str, expected: str | None) -> None:
    target = requested_target(message, BID)
    assert (None if target is None else target.normalize()) == (
        None if expected is None else Decimal(expected).normalize()
    )


def test_chinese_ten_thousands() -> None:
    assert requested_target("整個案子可以用5萬做嗎？", Decimal(60000)) == Decimal(50000)
    # Two readings: eight tenths (48,000) or 40,000; the more moderate one is taken.
    assert requested_target("能打八折吗，或者4万？", Decimal(60000)) == Decimal(48000)


def test_savings_share_the_fixed_price_by_hours() -> None:
    agreement = load_agreement(EXAMPLES / "acme-website.yaml")
    savings = dict(scope_savings(agreement))
    # 4800 EUR over 44 budgeted hours: the 30-hour pages item is worth 3272.73 of the price.
    assert savings["pages"] == Decimal("3272.73")
    assert savings["training"] == Decimal("109.09")
    assert sum(savings.values()) == pytest.approx(Decimal(4800), abs=Decimal("0.05"))
    assert list(savings) == sorted(savings, key=lambda k: -savings[k])


def test_hourly_projects_save_hours_at_the_rate() -> None:
    agreement = load_agreement(EXAMPLES / "huamei-shop.yaml")
    savings = dict(scope_savings(agreement))
    assert savings["catalogue"] == Decimal(30 * 300)


def test_reductions_reach_the_target_with_the_fewest_items() -> None:
    savings = [
        ("core", Decimal(3000)),
        ("a", Decimal(900)),
        ("b", Decimal(800)),
        ("c", Decimal(600)),
        ("d", Decimal(400)),
    ]
    bid = Decimal(5700)
    # 700 needed: the smallest single item that is enough.
    assert reductions_for(savings, bid, Decimal(5000)) == [("b", Decimal(800))]
    # 1,500 needed: largest first until enough; the core item always stays.
    assert reductions_for(savings, bid, Decimal(4200)) == [
        ("a", Decimal(900)),
        ("b", Decimal(800)),
    ]
    # Not reachable without the core: every other item, and the reply says it falls short.
    assert [k for k, _ in reductions_for(savings, bid, Decimal(100))] == ["a", "b", "c", "d"]
    # No target: up to three options, never the core.
    assert [k for k, _ in reductions_for(savings, bid, None)] == ["a", "b", "c"]


def test_working_days_skip_weekends() -> None:
    friday = dt.date(2026, 11, 27)
    assert add_working_days(friday, 1) == dt.date(2026, 11, 30)
    assert add_working_days(friday, 5) == dt.date(2026, 12, 4)
    assert working_days(Decimal("0.5")) == 1
    assert working_days(Decimal(6)) == 1
    assert working_days(Decimal("6.25")) == 2
    assert working_days(Decimal(14)) == 3


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Hei Maria,\n\nvoisitteko lisätä sivun? Kiitos!", "voisitteko lisätä sivun?"),
        ("The form is broken. Please fix it.", "The form is broken."),
        ("The budget got cut. Could you do it for less?", "Could you do it for less?"),
        ("预算被砍了。能不能打八折？谢谢", "能不能打八折？"),
        ("您好，\n網站打不開。麻煩處理。", "網站打不開。"),
    ],
)
def test_request_sentence(message: str, expected: str) -> None:
    assert request_sentence(message) == expected


def test_a_long_request_sentence_is_cut_at_a_word() -> None:
    quoted = request_sentence("word " * 100)
    assert quoted.endswith("word…")
    assert len(quoted) <= 141
