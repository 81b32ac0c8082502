"""The projection of an agreement and its ledger events into the state of the project.

Every number the status statement, the triage policy and the dashboards use comes from here.
Money is Decimal, rounded to the currency's minor unit; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from scopeline.core.agreement import Agreement
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
)
from scopeline.core.money import ZERO, percent_of, quantize


@dataclass(frozen=True, slots=True)
class ChangeOrderSummary:
    ref: str
    title: str | None
    amount: Decimal
    hours: Decimal | None
    days: int


@dataclass(frozen=True, slots=True)
class Allowance:
    """An allowance (concepts, revision rounds) agreed versus used."""

    agreed: int | None
    """None when the agreement does not state it."""
    used: int

    @property
    def left(self) -> int | None:
        return None if self.agreed is None else max(self.agreed - self.used, 0)

    @property
    def over(self) -> int:
        """How many were delivered beyond what was agreed."""
        return 0 if self.agreed is None else max(self.used - self.agreed, 0)


@dataclass(frozen=True, slots=True)
class ProjectState:
    """Where a project stands: allowances, hours, money and goodwill."""

    currency: str
    price_model: str
    hourly_rate: Decimal | None

    bid: Decimal | None
    """The fixed price, or the estimate of an hourly project."""
    change_orders: tuple[ChangeOrderSummary, ...]
    change_orders_total: Decimal
    pending_change_orders: tuple[str, ...]
    fees: Decimal
    """What the client owes for the work so far: the bid plus accepted change orders on a fixed
    price; billable hours times the rate plus accepted change orders on an hourly project."""

    paid: Decimal
    """Payments less refunds."""
    refunded: Decimal
    deposit_percent: Decimal | None
    deposit_amount: Decimal | None
    deposit_due: Decimal

    concepts: Allowance
    revision_rounds: Allowance

    hours_billable: Decimal
    hours_favor: Decimal
    hours_budgeted: Decimal | None

    goodwill_budget_hours: Decimal
    advice_overridden: int
    requests_decided: int

    @property
    def outstanding(self) -> Decimal:
        """What is left to pay; negative when the client has paid more than the fees."""
        return self.fees - self.paid

    @property
    def hours_logged(self) -> Decimal:
        """Every hour worked, favours included."""
        return self.hours_billable + self.hours_favor

    @property
    def hours_over_budget(self) -> Decimal:
        if self.hours_budgeted is None:
            return ZERO
        return max(self.hours_logged - self.hours_budgeted, ZERO)

    @property
    def effective_hourly_rate(self) -> Decimal | None:
        """Fees divided by every hour worked; None before any hour is logged."""
        if self.hours_logged == 0:
            return None
        return quantize(self.fees / self.hours_logged, self.currency)

    @property
    def goodwill_hours_used(self) -> Decimal:
        return self.hours_favor

    @property
    def goodwill_hours_left(self) -> Decimal:
        return max(self.goodwill_budget_hours - self.hours_favor, ZERO)

    @property
    def paid_percent(self) -> Decimal | None:
        """Share of the fees paid, in whole percent (None when there is nothing to pay)."""
        if self.fees <= 0:
            return None
        return (self.paid * 100 / self.fees).quantize(Decimal(1))

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready values; amounts as strings so that no reader parses them as floats."""

        def money(value: Decimal | None) -> str | None:
            return None if value is None else str(quantize(value, self.currency))

        def number(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "currency": self.currency,
            "price_model": self.price_model,
            "hourly_rate": money(self.hourly_rate),
            "bid": money(self.bid),
            "fees": money(self.fees),
            "paid": money(self.paid),
            "refunded": money(self.refunded),
            "outstanding": money(self.outstanding),
            "paid_percent": number(self.paid_percent),
            "deposit": {
                "percent": number(self.deposit_percent),
                "amount": money(self.deposit_amount),
                "due": money(self.deposit_due),
            },
            "concepts": _allowance_dict(self.concepts),
            "revision_rounds": _allowance_dict(self.revision_rounds),
            "hours": {
                "logged": number(self.hours_logged),
                "billable": number(self.hours_billable),
                "favor": number(self.hours_favor),
                "budgeted": number(self.hours_budgeted),
                "over_budget": number(self.hours_over_budget),
            },
            "effective_hourly_rate": money(self.effective_hourly_rate),
            "goodwill_hours": {
                "budget": number(self.goodwill_budget_hours),
                "used": number(self.goodwill_hours_used),
                "left": number(self.goodwill_hours_left),
            },
            "change_orders": {
                "accepted": [
                    {
                        "ref": co.ref,
                        "title": co.title,
                        "amount": money(co.amount),
                        "hours": number(co.hours),
                        "days": co.days,
                    }
                    for co in self.change_orders
                ],
                "accepted_total": money(self.change_orders_total),
                "pending": list(self.pending_change_orders),
            },
            "advice_overridden": self.advice_overridden,
            "requests_decided": self.requests_decided,
        }


def _allowance_dict(allowance: Allowance) -> dict[str, int | None]:
    return {
        "agreed": allowance.agreed,
        "used": allowance.used,
        "left": allowance.left,
        "over": allowance.over,
    }


def project_state(agreement: Agreement, events: Iterable[Event] | None = None) -> ProjectState:
    """Fold ``events`` (default: the agreement's own ledger) into a :class:`ProjectState`."""
    currency = agreement.currency
    paid = refunded = billable = favor = co_total = ZERO
    co_hours = ZERO
    has_co_hours = False
    concepts_used = rounds_used = extra_concepts = extra_rounds = 0
    overridden = decided = 0
    accepted: list[ChangeOrderSummary] = []
    pending: dict[str, None] = {}

    for event in agreement.ledger if events is None else events:
        match event:
            case Payment(amount=amount):
                paid += amount
            case Refund(amount=amount):
                refunded += amount
            case ConceptsDelivered(count=count):
                concepts_used += count
            case RevisionRound(count=count):
                rounds_used += count
            case Hours(hours=hours):
                billable += hours
            case Favor(hours=hours):
                favor += hours
            case ChangeOrderIssued(ref=ref):
                pending[ref] = None
            case ChangeOrderAccepted() as co:
                pending.pop(co.ref, None)
                amount = quantize(co.amount, currency)
                co_total += amount
                if co.hours is not None:
                    co_hours += co.hours
                    has_co_hours = True
                extra_concepts += co.concepts
                extra_rounds += co.revision_rounds
                accepted.append(ChangeOrderSummary(co.ref, co.title, amount, co.hours, co.days))
            case ChangeOrderDeclined(ref=ref):
                pending.pop(ref, None)
            case AdviceOverridden():
                overridden += 1
            case RequestDecided():
                decided += 1

    price = agreement.price
    bid = None if price.amount is None else quantize(price.amount, currency)
    if price.model == "hourly":
        assert price.hourly_rate is not None  # validated with the agreement
        fees = quantize(billable * price.hourly_rate, currency) + co_total
    else:
        assert bid is not None  # validated with the agreement
        fees = bid + co_total

    deposit_percent = agreement.deposit.percent if agreement.deposit else None
    deposit_base = bid if bid is not None else fees
    deposit_amount = (
        None if deposit_percent is None else percent_of(deposit_base, deposit_percent, currency)
    )
    net_paid = paid - refunded
    deposit_due = ZERO if deposit_amount is None else max(deposit_amount - net_paid, ZERO)

    budget = agreement.budgeted_hours
    if has_co_hours:
        budget = (budget or ZERO) + co_hours

    allowances = agreement.allowances
    return ProjectState(
        currency=currency,
        price_model=price.model,
        hourly_rate=None if price.hourly_rate is None else quantize(price.hourly_rate, currency),
        bid=bid,
        change_orders=tuple(accepted),
        change_orders_total=co_total,
        pending_change_orders=tuple(pending),
        fees=fees,
        paid=net_paid,
        refunded=refunded,
        deposit_percent=deposit_percent,
        deposit_amount=deposit_amount,
        deposit_due=deposit_due,
        concepts=Allowance(
            None if allowances.concepts is None else allowances.concepts + extra_concepts,
            concepts_used,
        ),
        revision_rounds=Allowance(
            None
            if allowances.revision_rounds is None
            else allowances.revision_rounds + extra_rounds,
            rounds_used,
        ),
        hours_billable=billable,
        hours_favor=favor,
        hours_budgeted=budget,
        goodwill_budget_hours=agreement.policy.goodwill_budget_hours,
        advice_overridden=overridden,
        requests_decided=decided,
    )
