"""The ledger's events folded into a ProjectState: each event's effect, fees, deposit, rates."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scopeline.core import Agreement, agreement_from_data, load_agreement
from scopeline.core.events import (
    AdviceOverridden,
    ChangeOrderAccepted,
    ChangeOrderDeclined,
    ChangeOrderIssued,
    ConceptsDelivered,
    Event,
    Favor,
    Hours,
    Payment,
    Refund,
    RequestDecided,
    RevisionRound,
    event_type,
)
from scopeline.core.ledger import Allowance, ChangeOrderSummary, ProjectState, project_state

D = Decimal
DAY = dt.date(2026, 10, 1)
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def make(
    *,
    model: str = "fixed",
    amount: str | None = "4800",
    rate: str | None = "80",
    currency: str = "EUR",
    deposit: str | None = "50",
    concepts: int | None = 3,
    rounds: int | None = 2,
    goodwill: str = "4",
    scope_hours: Sequence[str] = ("30", "6"),
    ledger: Sequence[dict[str, Any]] = (),
    start: str | None = None,
    deadline: str | None = None,
) -> Agreement:
    price: dict[str, Any] = {"model": model}
    if amount is not None:
        price["amount"] = amount
    if rate is not None:
        price["hourly_rate"] = rate
    allowances: dict[str, Any] = {}
    if concepts is not None:
        allowances["concepts"] = concepts
    if rounds is not None:
        allowances["revision_rounds"] = rounds
    data: dict[str, Any] = {
        "version": 1,
        "project": "Website",
        "client": {"name": "Acme", "language": "en"},
        "provider": {"name": "Studio"},
        "currency": currency,
        "price": price,
        "scope": [
            {"id": f"item{i}", "title": f"Item {i}", "hours": hours}
            for i, hours in enumerate(scope_hours)
        ]
        or [{"id": "item", "title": "Item"}],
        "allowances": allowances,
        "policy": {"goodwill_budget_hours": goodwill},
        "ledger": list(ledger),
    }
    if deposit is not None:
        data["deposit"] = {"percent": deposit}
    if start is not None:
        data["start"] = start
    if deadline is not None:
        data["deadline"] = deadline
    return agreement_from_data(data)


def state(agreement: Agreement, *events: Event) -> ProjectState:
    return project_state(agreement, events)


def pay(amount: str) -> Payment:
    return Payment(date=DAY, amount=D(amount))


def hours(value: str) -> Hours:
    return Hours(date=DAY, hours=D(value))


def favor(value: str) -> Favor:
    return Favor(date=DAY, hours=D(value))


def accepted(ref: str, amount: str, **extra: Any) -> ChangeOrderAccepted:
    return ChangeOrderAccepted(date=DAY, ref=ref, amount=D(amount), **extra)


def issued(ref: str, amount: str = "100") -> ChangeOrderIssued:
    return ChangeOrderIssued(date=DAY, ref=ref, amount=D(amount))


# ------------------------------------------------------------------------- the baseline


def test_empty_ledger() -> None:
    s = state(make())
    assert s.currency == "EUR"
    assert s.price_model == "fixed"
    assert s.bid == D("4800.00")
    assert s.hourly_rate == D("80.00")
    assert s.fees == D("4800.00")
    assert s.paid == 0
    assert s.refunded == 0
    assert s.outstanding == D("4800.00")
    assert s.change_orders == ()
    assert s.change_orders_total == 0
    assert s.pending_change_orders == ()
    assert s.concepts == Allowance(agreed=3, used=0)
    assert s.revision_rounds == Allowance(agreed=2, used=0)
    assert s.hours_billable == 0
    assert s.hours_favor == 0
    assert s.hours_logged == 0
    assert s.hours_budgeted == D(36)
    assert s.hours_over_budget == 0
    assert s.effective_hourly_rate is None
    assert s.goodwill_hours_used == 0
    assert s.goodwill_hours_left == D(4)
    assert s.advice_overridden == 0
    assert s.requests_decided == 0
    assert s.paid_percent == 0


def test_default_events_are_the_agreements_ledger() -> None:
    agreement = make(ledger=[{"date": "2026-10-01", "type": "payment", "amount": "100"}])
    assert project_state(agreement).paid == D(100)
    assert project_state(agreement, []).paid == 0
    assert project_state(agreement, [pay("7")]).paid == D(7)


# ------------------------------------------------------------------------ each event type


def test_payment() -> None:
    s = state(make(), pay("1000"), pay("400.50"))
    assert s.paid == D("1400.50")
    assert s.outstanding == D("3399.50")
    assert s.refunded == 0


def test_refund() -> None:
    s = state(make(), pay("2400"), Refund(date=DAY, amount=D("400")))
    assert s.paid == D("2000")
    assert s.refunded == D("400")
    assert s.outstanding == D("2800.00")


def test_refund_larger_than_payments_leaves_a_negative_paid() -> None:
    s = state(make(), pay("100"), Refund(date=DAY, amount=D("150")))
    assert s.paid == D("-50")
    assert s.outstanding == D("4850.00")
    assert s.paid + s.outstanding == s.fees


def test_concepts_delivered() -> None:
    s = state(make(), ConceptsDelivered(date=DAY, count=2), ConceptsDelivered(date=DAY))
    assert s.concepts == Allowance(agreed=3, used=3)
    assert s.concepts.left == 0
    assert s.concepts.over == 0


def test_revision_round_counts_one_by_default_and_count_when_given() -> None:
    s = state(make(), RevisionRound(date=DAY), RevisionRound(date=DAY, count=3))
    assert s.revision_rounds == Allowance(agreed=2, used=4)
    assert s.revision_rounds.left == 0
    assert s.revision_rounds.over == 2


def test_hours_are_billable() -> None:
    s = state(make(), hours("12.5"), hours("2.25"))
    assert s.hours_billable == D("14.75")
    assert s.hours_favor == 0
    assert s.hours_logged == D("14.75")


def test_favor_spends_goodwill_and_is_not_billed() -> None:
    s = state(make(model="hourly"), hours("2"), favor("0.5"), favor("1"))
    assert s.hours_favor == D("1.5")
    assert s.hours_logged == D("3.5")
    assert s.goodwill_hours_used == D("1.5")
    assert s.goodwill_hours_left == D("2.5")
    assert s.fees == D("160.00")  # two billable hours at 80


def test_goodwill_left_never_goes_below_zero() -> None:
    s = state(make(goodwill="1"), favor("0.75"), favor("0.75"))
    assert s.goodwill_hours_used == D("1.5")
    assert s.goodwill_hours_left == 0


def test_change_order_issued_is_pending() -> None:
    s = state(make(), issued("CO-1"), issued("CO-2"))
    assert s.pending_change_orders == ("CO-1", "CO-2")
    assert s.fees == D("4800.00")
    assert s.change_orders == ()


def test_change_order_issued_twice_is_pending_once() -> None:
    assert state(make(), issued("CO-1"), issued("CO-1")).pending_change_orders == ("CO-1",)


def test_change_order_accepted_adds_to_the_price() -> None:
    s = state(
        make(),
        issued("CO-1", "960"),
        issued("CO-2", "200"),
        accepted("CO-1", "960", hours=D(12), title="Member accounts", days=10),
    )
    assert s.pending_change_orders == ("CO-2",)
    assert s.change_orders == (
        ChangeOrderSummary("CO-1", "Member accounts", D("960.00"), D(12), 10),
    )
    assert s.change_orders_total == D("960.00")
    assert s.fees == D("5760.00")
    assert s.bid == D("4800.00")


def test_change_order_declined_is_no_longer_pending() -> None:
    s = state(make(), issued("CO-1"), issued("CO-2"), ChangeOrderDeclined(date=DAY, ref="CO-1"))
    assert s.pending_change_orders == ("CO-2",)
    assert s.fees == D("4800.00")


def test_change_order_accepted_without_being_issued() -> None:
    s = state(make(), accepted("CO-9", "100"))
    assert s.pending_change_orders == ()
    assert s.fees == D("4900.00")


def test_change_order_adds_concepts_and_revision_rounds() -> None:
    s = state(
        make(concepts=3, rounds=2),
        ConceptsDelivered(date=DAY, count=4),
        accepted("CO-1", "300", concepts=2, revision_rounds=1),
        accepted("CO-2", "100", revision_rounds=1),
    )
    assert s.concepts == Allowance(agreed=5, used=4)
    assert s.concepts.left == 1
    assert s.concepts.over == 0
    assert s.revision_rounds == Allowance(agreed=4, used=0)


def test_change_order_hours_add_to_the_budget() -> None:
    s = state(make(scope_hours=("30", "6")), accepted("CO-1", "960", hours=D("12.5")))
    assert s.hours_budgeted == D("48.5")


def test_change_order_hours_make_a_budget_when_the_scope_has_none() -> None:
    assert state(make(scope_hours=())).hours_budgeted is None
    assert state(make(scope_hours=()), accepted("CO-1", "960", hours=D(12))).hours_budgeted == D(12)


def test_advice_overridden_is_counted() -> None:
    s = state(
        make(), AdviceOverridden(date=DAY, advice="autoplay-music"), AdviceOverridden(date=DAY)
    )
    assert s.advice_overridden == 2
    assert s.fees == D("4800.00")


def test_request_decided_is_counted_and_costs_nothing() -> None:
    decided = RequestDecided(
        date=DAY, kind="addition", action="change_order", hours=D(3), amount=D(240)
    )
    s = state(make(), decided, decided)
    assert s.requests_decided == 2
    assert s.fees == D("4800.00")
    assert s.hours_logged == 0


def test_every_event_type_is_handled() -> None:
    events: list[Event] = [
        pay("100"),
        Refund(date=DAY, amount=D(10)),
        ConceptsDelivered(date=DAY),
        RevisionRound(date=DAY),
        hours("1"),
        favor("1"),
        issued("CO-1"),
        accepted("CO-1", "100"),
        ChangeOrderDeclined(date=DAY, ref="CO-2"),
        AdviceOverridden(date=DAY),
        RequestDecided(date=DAY, kind="question", action="answer"),
    ]
    assert len({event_type(e) for e in events}) == 11
    s = state(make(), *events)
    assert (s.paid, s.refunded, s.concepts.used, s.revision_rounds.used) == (D(90), D(10), 1, 1)
    assert (s.hours_billable, s.hours_favor, s.change_orders_total) == (D(1), D(1), D("100.00"))
    assert (s.advice_overridden, s.requests_decided, s.pending_change_orders) == (1, 1, ())


# ------------------------------------------------------------------------ fixed or hourly


def test_fixed_price_fees_do_not_depend_on_hours() -> None:
    assert state(make(), hours("500")).fees == D("4800.00")


def test_hourly_fees_are_billable_hours_times_the_rate() -> None:
    s = state(make(model="hourly", amount="36000", rate="300"), hours("46"), hours("22.5"))
    assert s.price_model == "hourly"
    assert s.bid == D("36000.00")
    assert s.fees == D("20550.00")


def test_hourly_fees_include_accepted_change_orders() -> None:
    s = state(make(model="hourly", amount=None), hours("10"), accepted("CO-1", "500"))
    assert s.bid is None
    assert s.fees == D("1300.00")


def test_hourly_without_hours_owes_nothing() -> None:
    s = state(make(model="hourly", amount=None))
    assert s.fees == 0
    assert s.outstanding == 0
    assert s.paid_percent is None


@pytest.mark.parametrize(
    ("currency", "rate", "worked", "fees"),
    [
        ("EUR", "80", "1.333", "106.64"),
        ("EUR", "10", "1.2345", "12.35"),  # half up, not to even
        ("EUR", "1", "0.125", "0.13"),
        ("EUR", "99.99", "0.5", "50.00"),  # 49.995 rounds up
        ("JPY", "1000", "1.333", "1333"),
        ("JPY", "1001", "1.5", "1502"),  # 1501.5 rounds up
        ("JPY", "5000", "0.0001", "1"),  # 0.5 rounds up
        ("BHD", "1", "1.3335", "1.334"),
        ("BHD", "12.345", "2", "24.690"),
    ],
)
def test_hourly_fees_round_to_the_currency_minor_unit(
    currency: str, rate: str, worked: str, fees: str
) -> None:
    s = state(make(model="hourly", amount=None, rate=rate, currency=currency), hours(worked))
    assert s.fees == D(fees)
    assert s.fees.as_tuple().exponent == D(fees).as_tuple().exponent
    assert s.as_dict()["fees"] == fees


def test_rounding_is_applied_to_the_total_not_each_entry() -> None:
    # Three entries of 1/3 hour at 10 EUR: 10.00 in total, not 3 x 3.33 = 9.99.
    s = state(
        make(model="hourly", amount=None, rate="10"),
        hours("0.3333333"),
        hours("0.3333333"),
        hours("0.3333334"),
    )
    assert s.fees == D("10.00")


@pytest.mark.parametrize(
    ("currency", "amount", "bid", "rate", "shown_rate"),
    [("EUR", "4800", "4800.00", "80", "80.00"), ("JPY", "480000", "480000", "8000", "8000")],
)
def test_bid_and_rate_are_in_minor_units(
    currency: str, amount: str, bid: str, rate: str, shown_rate: str
) -> None:
    s = state(make(currency=currency, amount=amount, rate=rate))
    assert str(s.bid) == bid
    assert str(s.hourly_rate) == shown_rate


# ------------------------------------------------------------------------------- deposit


def test_deposit_due_before_any_payment() -> None:
    s = state(make(deposit="50"))
    assert s.deposit_percent == D(50)
    assert s.deposit_amount == D("2400.00")
    assert s.deposit_due == D("2400.00")


def test_deposit_partly_paid() -> None:
    assert state(make(deposit="50"), pay("1000")).deposit_due == D("1400.00")


def test_deposit_due_never_goes_below_zero() -> None:
    assert state(make(deposit="50"), pay("3000")).deposit_due == 0


def test_deposit_due_again_after_a_refund() -> None:
    s = state(make(deposit="50"), pay("2400"), Refund(date=DAY, amount=D(400)))
    assert s.deposit_due == D("400.00")


def test_no_deposit() -> None:
    s = state(make(deposit=None))
    assert s.deposit_percent is None
    assert s.deposit_amount is None
    assert s.deposit_due == 0


def test_no_deposit_is_never_due() -> None:
    # Even when refunds exceed the payments (this used to report a deposit due).
    s = state(make(deposit=None), pay("100"), Refund(date=DAY, amount=D(150)))
    assert s.deposit_due == 0


def test_deposit_is_a_share_of_the_bid_not_of_change_orders() -> None:
    assert state(make(deposit="50"), accepted("CO-1", "1000")).deposit_amount == D("2400.00")


def test_deposit_rounds_to_the_minor_unit() -> None:
    assert state(make(amount="99.99", deposit="33")).deposit_amount == D("33.00")  # 32.9967
    assert state(make(currency="JPY", amount="1001", deposit="50")).deposit_amount == D(501)


def test_hourly_deposit_is_a_share_of_the_estimate() -> None:
    s = state(make(model="hourly", amount="36000", rate="300", deposit="20"), hours("1"))
    assert s.deposit_amount == D("7200.00")


def test_hourly_deposit_without_an_estimate_is_a_share_of_the_fees() -> None:
    s = state(make(model="hourly", amount=None, rate="100", deposit="50"), hours("3"))
    assert s.deposit_amount == D("150.00")


# -------------------------------------------------------------------- rates and hours


def test_effective_hourly_rate_counts_favours_too() -> None:
    s = state(make(amount="4800"), hours("12.5"), favor("0.5"))
    assert s.effective_hourly_rate == D("369.23")  # 4800 / 13


def test_effective_hourly_rate_includes_change_orders() -> None:
    s = state(make(amount="4800"), hours("10"), accepted("CO-1", "200"))
    assert s.effective_hourly_rate == D("500.00")


def test_effective_hourly_rate_in_yen_has_no_decimals() -> None:
    s = state(make(currency="JPY", amount="100000", rate="5000"), hours("3"))
    assert s.effective_hourly_rate == D("33333")


def test_effective_hourly_rate_is_none_without_hours() -> None:
    assert state(make()).effective_hourly_rate is None


def test_hours_over_budget() -> None:
    s = state(make(scope_hours=("30", "6")), hours("35"), favor("2"))
    assert s.hours_budgeted == D(36)
    assert s.hours_over_budget == D(1)


def test_hours_within_budget_are_not_over() -> None:
    assert state(make(scope_hours=("30", "6")), hours("20")).hours_over_budget == 0


def test_hours_over_budget_without_a_budget_is_zero() -> None:
    assert state(make(scope_hours=()), hours("500")).hours_over_budget == 0


# ------------------------------------------------------------------------- allowances


def test_allowance_left_and_over() -> None:
    assert (Allowance(3, 1).left, Allowance(3, 1).over) == (2, 0)
    assert (Allowance(3, 3).left, Allowance(3, 3).over) == (0, 0)
    assert (Allowance(3, 5).left, Allowance(3, 5).over) == (0, 2)
    assert (Allowance(0, 1).left, Allowance(0, 1).over) == (0, 1)


def test_allowance_not_agreed_has_no_limit() -> None:
    s = state(make(concepts=None, rounds=None), ConceptsDelivered(date=DAY, count=7))
    assert s.concepts == Allowance(agreed=None, used=7)
    assert s.concepts.left is None
    assert s.concepts.over == 0
    assert s.revision_rounds.agreed is None


def test_concepts_over_the_allowance() -> None:
    s = project_state(load_agreement(EXAMPLES / "anxin-clinic.yaml"))
    assert s.concepts == Allowance(agreed=3, used=5)
    assert s.concepts.over == 2
    assert s.revision_rounds == Allowance(agreed=2, used=2)


# ---------------------------------------------------------------------------- paid share


@pytest.mark.parametrize(
    ("paid", "percent"), [("0", "0"), ("2400", "50"), ("1000", "21"), ("4800", "100")]
)
def test_paid_percent(paid: str, percent: str) -> None:
    events = [pay(paid)] if paid != "0" else []
    assert state(make(), *events).paid_percent == D(percent)


def test_overpaid_has_a_negative_outstanding() -> None:
    s = state(make(), pay("5000"))
    assert s.outstanding == D("-200.00")
    assert s.paid_percent == D(104)


# ---------------------------------------------------------------------------- as_dict


def test_as_dict_of_an_example_is_exact() -> None:
    s = project_state(load_agreement(EXAMPLES / "acme-website.yaml"))
    assert s.as_dict() == {
        "currency": "EUR",
        "price_model": "fixed",
        "hourly_rate": "80.00",
        "bid": "4800.00",
        "fees": "4800.00",
        "paid": "2400.00",
        "refunded": "0.00",
        "outstanding": "2400.00",
        "paid_percent": "50",
        "deposit": {"percent": "50", "amount": "2400.00", "due": "0.00"},
        "concepts": {"agreed": 3, "used": 3, "left": 0, "over": 0},
        "revision_rounds": {"agreed": 2, "used": 1, "left": 1, "over": 0},
        "hours": {
            "logged": "13.0",
            "billable": "12.5",
            "favor": "0.5",
            "budgeted": "44",
            "over_budget": "0",
        },
        "effective_hourly_rate": "369.23",
        "goodwill_hours": {"budget": "4", "used": "0.5", "left": "3.5"},
        "change_orders": {"accepted": [], "accepted_total": "0.00", "pending": []},
        "advice_overridden": 0,
        "requests_decided": 0,
    }


def test_as_dict_is_json_with_amounts_as_strings() -> None:
    s = state(
        make(currency="JPY", amount="480000", rate="8000"),
        pay("100000"),
        hours("3.5"),
        issued("CO-2"),
        accepted("CO-1", "24000", hours=D(3), title="Extra page", days=2),
    )
    d = s.as_dict()
    assert json.loads(json.dumps(d)) == d
    for key in ("hourly_rate", "bid", "fees", "paid", "refunded", "outstanding"):
        assert isinstance(d[key], str), key
    assert d["fees"] == "504000"
    assert d["outstanding"] == "404000"
    assert d["change_orders"] == {
        "accepted": [
            {"ref": "CO-1", "title": "Extra page", "amount": "24000", "hours": "3", "days": 2}
        ],
        "accepted_total": "24000",
        "pending": ["CO-2"],
    }


def test_largest_valid_hours_times_rate_does_not_crash() -> None:
    agreement = make(model="hourly", amount=None, rate="999999999999")
    s = state(agreement, hours("999999999999"))
    assert s.paid + s.outstanding == s.fees


def test_as_dict_amounts_have_the_currency_decimals() -> None:
    d = state(make(currency="BHD", amount="100", rate="10"), pay("33.5")).as_dict()
    assert (d["bid"], d["paid"], d["outstanding"]) == ("100.000", "33.500", "66.500")
