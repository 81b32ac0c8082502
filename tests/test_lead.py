"""The lead check: money and time verdicts at each boundary, working days, the examples."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scopeline.core import Agreement, LeadCheck, agreement_from_data, lead_check, load_agreement
from scopeline.core.lead import working_days

D = Decimal
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MONDAY = dt.date(2026, 9, 7)


def make(
    *,
    model: str = "fixed",
    amount: str | None = "11500",
    rate: str | None = "100",
    hours: Sequence[str | None] = ("60", "40"),
    currency: str = "EUR",
    start: dt.date | None = None,
    deadline: dt.date | None = None,
) -> Agreement:
    price: dict[str, Any] = {"model": model}
    if amount is not None:
        price["amount"] = amount
    if rate is not None:
        price["hourly_rate"] = rate
    scope = []
    for i, h in enumerate(hours):
        item: dict[str, Any] = {"id": f"item{i}", "title": f"Item {i}"}
        if h is not None:
            item["hours"] = h
        scope.append(item)
    data: dict[str, Any] = {
        "version": 1,
        "project": "Lead",
        "client": {"name": "Client", "language": "en"},
        "provider": {"name": "Studio"},
        "currency": currency,
        "price": price,
        "scope": scope,
    }
    if start is not None:
        data["start"] = start.isoformat()
    if deadline is not None:
        data["deadline"] = deadline.isoformat()
    return agreement_from_data(data)


def check(agreement: Agreement, today: dt.date = MONDAY, **extra: Any) -> LeadCheck:
    return lead_check(agreement, today=today, **extra)


def deadline_after(days: int, first: dt.date = MONDAY) -> dt.date:
    """The day on which ``days`` working days from ``first`` (a Monday) are complete."""
    weeks, rest = divmod(days - 1, 5)
    return first + dt.timedelta(days=7 * weeks + rest)


# --------------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("amount", "verdict", "ratio"),
    [
        ("11500", "realistic", "1.15"),  # exactly 1.15
        ("11499.99", "tight", "1.14"),
        ("10000", "tight", "1.00"),
        ("8500", "tight", "0.85"),  # exactly 0.85
        ("8499.99", "unrealistic", "0.84"),
        ("100", "unrealistic", "0.01"),
    ],
)
def test_money_bands_at_their_boundaries(amount: str, verdict: str, ratio: str) -> None:
    result = check(make(amount=amount))  # 100 h at 100/h = 10000
    assert result.cost == D("10000.00")
    assert result.budget == D(amount)
    assert result.money == verdict
    assert result.budget_ratio == D(ratio)
    assert result.time is None  # no deadline
    assert result.verdict == verdict


def test_hourly_estimate_is_the_budget() -> None:
    result = check(make(model="hourly", amount="9000"))
    assert (result.budget, result.money, result.budget_ratio) == (D("9000.00"), "tight", D("0.90"))


def test_hourly_without_an_amount_is_realistic_money() -> None:
    result = check(make(model="hourly", amount=None))
    assert result.money == "realistic"
    assert result.budget is None
    assert result.budget_ratio is None
    assert result.cost == D("10000.00")


def test_fixed_price_without_a_rate_cannot_be_judged() -> None:
    result = check(make(rate=None))
    assert (result.money, result.rate, result.cost, result.budget_ratio) == (
        "tight",
        None,
        None,
        None,
    )


def test_cost_is_rounded_to_the_currency() -> None:
    result = check(make(currency="JPY", amount="10000", rate="333", hours=("10.5",)))
    assert result.cost == D(3497)  # 3496.5 rounded half up, no decimals in JPY
    assert result.rate == D(333)
    assert result.budget_ratio == D("2.85")


def test_unestimated_items_are_listed_and_not_counted() -> None:
    result = check(make(hours=("30", None, "20", None)))
    assert result.estimated_hours == 50
    assert result.unestimated == ("item1", "item3")


def test_nothing_estimated_cannot_be_judged() -> None:
    result = check(make(hours=(None,), deadline=MONDAY + dt.timedelta(days=30)))
    assert result.estimated_hours == 0
    assert result.unestimated == ("item0",)
    assert (result.money, result.time, result.verdict) == ("tight", "tight", "tight")
    assert result.working_days_needed is None
    assert result.days_ratio is None
    assert result.working_days_available == 23


# ---------------------------------------------------------------------------------- time


@pytest.mark.parametrize(
    ("available", "verdict", "ratio"),
    [
        (23, "realistic", "1.15"),  # 120 h at 6 h/day = 20 days needed
        (22, "tight", "1.10"),
        (17, "tight", "0.85"),
        (16, "unrealistic", "0.80"),
    ],
)
def test_time_bands_at_their_boundaries(available: int, verdict: str, ratio: str) -> None:
    agreement = make(amount="50000", hours=("120",), deadline=deadline_after(available))
    result = check(agreement)
    assert result.working_days_needed == 20
    assert result.working_days_available == available
    assert result.days_ratio == D(ratio)
    assert result.time == verdict
    assert result.money == "realistic"
    assert result.verdict == verdict


def test_days_needed_round_up_and_follow_hours_per_day() -> None:
    agreement = make(hours=("61",), deadline=deadline_after(20))
    assert check(agreement).working_days_needed == 11  # 61 / 6 = 10.17
    assert check(agreement, hours_per_day=D(8)).working_days_needed == 8
    assert check(agreement, hours_per_day=D("7.625")).working_days_needed == 8
    assert check(agreement, hours_per_day=D("7.625")).hours_per_day == D("7.625")


@pytest.mark.parametrize("bad", [D(0), D(-1), D(25)])
def test_hours_per_day_must_be_a_working_day(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="hours_per_day"):
        check(make(), hours_per_day=bad)


def test_days_count_from_the_later_of_start_and_today() -> None:
    deadline = deadline_after(10)  # Friday of the second week
    future_start = make(start=MONDAY + dt.timedelta(days=7), deadline=deadline)
    assert check(future_start, today=MONDAY).working_days_available == 5
    past_start = make(start=MONDAY - dt.timedelta(days=30), deadline=deadline)
    assert check(past_start, today=MONDAY).working_days_available == 10
    assert (
        check(make(deadline=deadline), today=MONDAY + dt.timedelta(days=2)).working_days_available
        == 8
    )


def test_a_passed_deadline_leaves_no_days() -> None:
    result = check(make(deadline=MONDAY), today=MONDAY + dt.timedelta(days=1))
    assert result.working_days_available == 0
    assert result.days_ratio == 0
    assert result.time == "unrealistic"
    assert result.verdict == "unrealistic"


def test_verdict_is_the_worse_of_money_and_time() -> None:
    # Money realistic (1.15), time unrealistic; money unrealistic, time realistic.
    assert check(make(deadline=deadline_after(5))).verdict == "unrealistic"
    assert check(make(amount="100", deadline=deadline_after(100))).verdict == "unrealistic"
    assert check(make(amount="10000", deadline=deadline_after(100))).verdict == "tight"


@pytest.mark.parametrize(
    ("first", "last", "days"),
    [
        (MONDAY, MONDAY, 1),
        (MONDAY, MONDAY + dt.timedelta(days=4), 5),  # Monday to Friday
        (MONDAY, MONDAY + dt.timedelta(days=6), 5),  # to Sunday
        (MONDAY + dt.timedelta(days=5), MONDAY + dt.timedelta(days=6), 0),  # a weekend
        (MONDAY + dt.timedelta(days=4), MONDAY + dt.timedelta(days=7), 2),  # Friday to Monday
        (MONDAY, MONDAY + dt.timedelta(days=13), 10),
        (MONDAY + dt.timedelta(days=1), MONDAY, 0),
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31), 261),
    ],
)
def test_working_days(first: dt.date, last: dt.date, days: int) -> None:
    assert working_days(first, last) == days


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)), st.integers(0, 800))
def test_working_days_count_every_weekday(first: dt.date, span: int) -> None:
    last = first + dt.timedelta(days=span)
    expected = sum(1 for i in range(span + 1) if (first + dt.timedelta(days=i)).weekday() < 5)
    assert working_days(first, last) == expected


# ------------------------------------------------------------------------------ examples


@pytest.mark.parametrize(
    ("name", "verdict", "money", "ratio", "hours", "cost"),
    [
        ("acme-website", "realistic", "realistic", "1.36", "44", "3520.00"),
        ("anxin-clinic", "tight", "tight", "1.00", "40", "60000.00"),
        ("bistro-dunarea", "realistic", "realistic", "1.43", "44", "6600.00"),
        ("brightpath-mvp", "realistic", "realistic", "1.89", "100", "9500.00"),
        ("huamei-shop", "tight", "tight", "1.09", "110", "33000.00"),
    ],
)
def test_the_examples(
    name: str, verdict: str, money: str, ratio: str, hours: str, cost: str
) -> None:
    agreement = load_agreement(EXAMPLES / f"{name}.yaml")
    result = lead_check(agreement, today=dt.date(2026, 9, 1))
    assert (result.verdict, result.money, result.time) == (verdict, money, "realistic")
    assert result.budget_ratio == D(ratio)
    assert result.estimated_hours == D(hours)
    assert result.cost == D(cost)
    assert result.currency == agreement.currency
    # Too late to start: every example's deadline is in 2027.
    assert lead_check(agreement, today=dt.date(2027, 3, 2)).time == "unrealistic"


def test_as_dict_is_json() -> None:
    agreement = load_agreement(EXAMPLES / "acme-website.yaml")
    data = json.loads(json.dumps(lead_check(agreement, today=dt.date(2026, 9, 1)).as_dict()))
    assert data == {
        "verdict": "realistic",
        "money": "realistic",
        "time": "realistic",
        "estimated_hours": "44",
        "unestimated": [],
        "rate": "80.00",
        "cost": "3520.00",
        "budget": "4800.00",
        "budget_ratio": "1.36",
        "hours_per_day": "6",
        "working_days_needed": 8,
        "working_days_available": 76,
        "days_ratio": "9.50",
        "currency": "EUR",
    }
