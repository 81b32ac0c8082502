"""The lead check: before signing, are the budget and the deadline realistic for the work?

Pure: the day of the check (``today``) is passed in. The rules (``docs/health.md``):

* **Hours.** ``estimated_hours`` is the sum of the scope items' hours; items without hours are
  listed in ``unestimated`` (the check then sees less work than there is).
* **Money.** ``cost = estimated_hours × price.hourly_rate`` (rounded to the currency),
  ``budget = price.amount`` (the fixed bid, or the estimate of an hourly price), and
  ``budget_ratio = budget ÷ cost``. A ratio of 1.15 or more is ``realistic``, from 0.85 up to
  1.15 ``tight``, below 0.85 ``unrealistic``. When the money cannot be judged:

  - an hourly price without an amount has no budget: the client pays every hour at the rate,
    so the money is ``realistic`` (``budget`` and ``budget_ratio`` are None);
  - without an hourly rate, or without any estimated hours, there is no cost to compare: the
    money is ``tight`` — not known to be fine, so look at it yourself (``cost`` and
    ``budget_ratio`` are None).

* **Time.** Without a deadline there is no time verdict (``time`` is None). Otherwise the
  working days available are Monday to Friday, both ends included, from ``agreement.start``
  or ``today``, whichever is later, to the deadline (0 when the deadline has passed); the days
  needed are ``ceil(estimated_hours ÷ hours_per_day)``; ``days_ratio = available ÷ needed``
  with the same bands as the money. Without estimated hours the time is ``tight`` (cannot be
  judged) and the ratio None.
* **Verdict.** The worse of the money and the time.

Ratios are reported rounded down to two decimals, so a reported 1.15 is realistic and a
reported 1.14 is not; the verdict itself compares the exact values.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Final, Literal, TypeAlias, get_args

from scopeline.core.agreement import Agreement
from scopeline.core.money import quantize

LeadVerdict: TypeAlias = Literal["realistic", "tight", "unrealistic"]
LEAD_VERDICTS: Final[tuple[LeadVerdict, ...]] = get_args(LeadVerdict)
"""From best to worst."""

REALISTIC_FROM: Final = Decimal("1.15")
TIGHT_FROM: Final = Decimal("0.85")
DEFAULT_HOURS_PER_DAY: Final = Decimal(6)
_RATIO_QUANTUM: Final = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class LeadCheck:
    verdict: LeadVerdict
    """The worse of the money and time verdicts."""
    money: LeadVerdict
    time: LeadVerdict | None
    """None when there is no deadline."""
    estimated_hours: Decimal
    """The sum of the scope items' hours."""
    unestimated: tuple[str, ...]
    """Scope item ids without hours."""
    rate: Decimal | None
    """The provider's hourly rate (``price.hourly_rate``)."""
    cost: Decimal | None
    """``estimated_hours × rate``, rounded to the currency."""
    budget: Decimal | None
    """``price.amount``: the fixed bid or the hourly estimate."""
    budget_ratio: Decimal | None
    """``budget ÷ cost``, rounded down to two decimals."""
    hours_per_day: Decimal
    working_days_needed: int | None
    working_days_available: int | None
    """Monday to Friday from the start (or today) to the deadline, both included."""
    days_ratio: Decimal | None
    """``available ÷ needed``, rounded down to two decimals."""
    currency: str

    def as_dict(self) -> dict[str, object]:
        """JSON-safe: Decimals as strings."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "verdict": self.verdict,
            "money": self.money,
            "time": self.time,
            "estimated_hours": str(self.estimated_hours),
            "unestimated": list(self.unestimated),
            "rate": text(self.rate),
            "cost": text(self.cost),
            "budget": text(self.budget),
            "budget_ratio": text(self.budget_ratio),
            "hours_per_day": str(self.hours_per_day),
            "working_days_needed": self.working_days_needed,
            "working_days_available": self.working_days_available,
            "days_ratio": text(self.days_ratio),
            "currency": self.currency,
        }


def lead_check(
    agreement: Agreement, *, today: dt.date, hours_per_day: Decimal = DEFAULT_HOURS_PER_DAY
) -> LeadCheck:
    """Check ``agreement``'s budget and deadline against its estimated hours, as of ``today``."""
    if not isinstance(hours_per_day, Decimal | int) or not 0 < hours_per_day <= 24:
        raise ValueError(f"hours_per_day must be more than 0 and at most 24, got {hours_per_day}")
    hours_per_day = Decimal(hours_per_day)
    currency = agreement.currency
    estimated = sum((item.hours for item in agreement.scope if item.hours is not None), Decimal(0))
    unestimated = tuple(item.id for item in agreement.scope if item.hours is None)
    price = agreement.price
    rate = None if price.hourly_rate is None else quantize(price.hourly_rate, currency)
    budget = None if price.amount is None else quantize(price.amount, currency)
    cost = None if rate is None else quantize(estimated * rate, currency)

    budget_ratio: Decimal | None = None
    money: LeadVerdict
    if budget is None:
        money = "realistic"  # hourly without an amount: every hour is paid at the rate
    elif cost is None or cost <= 0:
        money = "tight"  # no rate or no estimated hours: nothing to compare the budget with
    else:
        money = _band(budget / cost)
        budget_ratio = _shown(budget / cost)

    time: LeadVerdict | None = None
    needed: int | None = None
    available: int | None = None
    days_ratio: Decimal | None = None
    if agreement.deadline is not None:
        begin = max(agreement.start or today, today)
        available = working_days(begin, agreement.deadline)
        if estimated > 0:
            needed = math.ceil(estimated / hours_per_day)
            time = _band(Decimal(available) / needed)
            days_ratio = _shown(Decimal(available) / needed)
        else:
            time = "tight"  # no estimated hours: the time cannot be judged

    verdict = money if time is None else max(money, time, key=LEAD_VERDICTS.index)
    return LeadCheck(
        verdict=verdict,
        money=money,
        time=time,
        estimated_hours=estimated,
        unestimated=unestimated,
        rate=rate,
        cost=cost,
        budget=budget,
        budget_ratio=budget_ratio,
        hours_per_day=hours_per_day,
        working_days_needed=needed,
        working_days_available=available,
        days_ratio=days_ratio,
        currency=currency,
    )


def working_days(first: dt.date, last: dt.date) -> int:
    """Monday to Friday from ``first`` to ``last``, both included (0 when ``last < first``)."""
    if last < first:
        return 0
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    weekday = first.weekday()  # Monday 0 .. Sunday 6
    extra = sum(1 for i in range(rest) if (weekday + i) % 7 < 5)
    return weeks * 5 + extra


def _band(ratio: Decimal) -> LeadVerdict:
    if ratio >= REALISTIC_FROM:
        return "realistic"
    if ratio >= TIGHT_FROM:
        return "tight"
    return "unrealistic"


def _shown(ratio: Decimal) -> Decimal:
    return ratio.quantize(_RATIO_QUANTUM, rounding=ROUND_FLOOR)
