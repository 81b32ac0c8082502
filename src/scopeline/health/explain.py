"""The red flags in the UI language: a title per code and a sentence with the flag's numbers.

The core gives each flag its facts as strings (decimals, integers, ISO dates); they are
formatted here for the reader's language, and a fact the core did not give leaves the
sentence for the flag's count, so a page never shows an unfilled placeholder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from scopeline.web import i18n

TITLES: dict[str, Promise] = {
    "out_of_scope_repeated": gettext_lazy("Repeated out-of-scope requests"),
    "allowance_exceeded": gettext_lazy("Beyond the agreed concepts or revision rounds"),
    "discount_demands": gettext_lazy("Discount demands after signing"),
    "refund_demands": gettext_lazy("Refund demands"),
    "threats": gettext_lazy("Threats"),
    "advice_overridden": gettext_lazy("Professional advice overridden"),
    "over_budget": gettext_lazy("Hours far over the budget"),
    "overdue_payment": gettext_lazy("Overdue payment"),
    "outside_skills": gettext_lazy("Requests outside your skills"),
}

BANDS: dict[str, Promise] = {
    "healthy": gettext_lazy("healthy"),
    "watch": gettext_lazy("watch"),
    "consider_ending": gettext_lazy("consider ending"),
}

MONEY_OPTIONS: dict[str, Promise] = {
    "waive": gettext_lazy("Waive what is left to pay"),
    "keep_deposit": gettext_lazy("Keep the deposit"),
    "partial_refund": gettext_lazy("A partial refund as goodwill"),
    "fair": gettext_lazy("Hours invested against the price: pay what is fair"),
}

VERDICTS: dict[str, Promise] = {
    "realistic": gettext_lazy("realistic"),
    "tight": gettext_lazy("tight"),
    "unrealistic": gettext_lazy("unrealistic"),
}


def title(code: str) -> str:
    return str(TITLES.get(code, code))


def _number(text: str | None) -> str | None:
    value = _decimal(text)
    return None if value is None else i18n.number(value)


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _money(text: str | None, currency: str | None) -> str | None:
    value = _decimal(text)
    if value is None or not currency:
        return None
    return i18n.money(value, currency)


def _date(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return i18n.date(dt.date.fromisoformat(text))
    except ValueError:
        return None


def _count(count: int) -> str:
    return ngettext("It happened %(count)s time.", "It happened %(count)s times.", count) % {
        "count": count
    }


def _out_of_scope(facts: Mapping[str, str]) -> str | None:
    in_window, days, total = (facts.get(k) for k in ("in_window", "window_days", "total"))
    if in_window is None or days is None:
        return None
    text = _(
        "%(in_window)s requests outside the agreement in the last %(days)s days (%(total)s in all)."
    )
    return text % {"in_window": _number(in_window), "days": _number(days), "total": total}


def _allowance(facts: Mapping[str, str]) -> str | None:
    parts = []
    concepts = (facts.get("concepts_used"), facts.get("concepts_agreed"))
    rounds = (facts.get("rounds_used"), facts.get("rounds_agreed"))
    if all(v is not None for v in concepts) and _gt(*concepts):
        parts.append(
            _("%(used)s concepts delivered where %(agreed)s were agreed.")
            % {"used": _number(concepts[0]), "agreed": _number(concepts[1])}
        )
    if all(v is not None for v in rounds) and _gt(*rounds):
        parts.append(
            _("%(used)s revision rounds used where %(agreed)s were agreed.")
            % {"used": _number(rounds[0]), "agreed": _number(rounds[1])}
        )
    return " ".join(parts) or None


def _gt(used: str | None, agreed: str | None) -> bool:
    a, b = _decimal(used), _decimal(agreed)
    return a is not None and b is not None and a > b


def _over_budget(facts: Mapping[str, str]) -> str | None:
    parts = []
    hours, budget = _decimal(facts.get("hours")), _decimal(facts.get("budget_hours"))
    over = _decimal(facts.get("over_percent"))
    if hours is not None and budget is not None and hours > budget:
        if over is not None:
            parts.append(
                _("%(hours)s hours logged against a budget of %(budget)s hours, %(over)s%% over.")
                % {"hours": i18n.number(hours), "budget": i18n.number(budget), "over": _n(over)}
            )
        else:
            parts.append(
                _("%(hours)s hours logged against a budget of %(budget)s hours.")
                % {"hours": i18n.number(hours), "budget": i18n.number(budget)}
            )
    currency = facts.get("currency")
    rate_value, floor_value = _decimal(facts.get("effective_rate")), _decimal(facts.get("floor"))
    if rate_value is not None and floor_value is not None and rate_value < floor_value:
        parts.append(
            _("The effective hourly rate is %(rate)s, below your floor of %(floor)s.")
            % {
                "rate": _money(facts.get("effective_rate"), currency),
                "floor": _money(facts.get("floor"), currency),
            }
        )
    return " ".join(parts) or None


def _n(value: Decimal) -> str:
    return i18n.number(value)


def _overdue(facts: Mapping[str, str]) -> str | None:
    amount = _money(facts.get("amount"), facts.get("currency"))
    due, days = _date(facts.get("due")), facts.get("days_overdue")
    if amount is None or due is None or days is None:
        return None
    n = int(_decimal(days) or 0)
    return ngettext(
        "%(amount)s was due on %(due)s and is %(days)s day overdue.",
        "%(amount)s was due on %(due)s and is %(days)s days overdue.",
        n,
    ) % {"amount": amount, "due": due, "days": n}


_EXPLAIN: dict[str, Callable[[Mapping[str, str]], str | None]] = {
    "out_of_scope_repeated": _out_of_scope,
    "allowance_exceeded": _allowance,
    "over_budget": _over_budget,
    "overdue_payment": _overdue,
}


def explanation(code: str, facts: Mapping[str, str], count: int) -> str:
    """The flag's sentence with its numbers in the UI language."""
    explain = _EXPLAIN.get(code)
    text = explain(facts) if explain is not None else None
    if text is None:
        text = _counted(code, count)
    return text


def _counted(code: str, count: int) -> str:
    if code == "discount_demands":
        text = ngettext(
            "The client asked for a discount %(count)s time after signing.",
            "The client asked for a discount %(count)s times after signing.",
            count,
        )
    elif code == "refund_demands":
        text = ngettext(
            "The client demanded a refund %(count)s time.",
            "The client demanded a refund %(count)s times.",
            count,
        )
    elif code == "threats":
        text = ngettext(
            "The client threatened %(count)s time (withholding payment, a bad review, ...).",
            "The client threatened %(count)s times (withholding payment, a bad review, ...).",
            count,
        )
    elif code == "advice_overridden":
        text = ngettext(
            "The client insisted against your professional advice %(count)s time.",
            "The client insisted against your professional advice %(count)s times.",
            count,
        )
    elif code == "outside_skills":
        text = ngettext(
            "%(count)s request was outside your skills.",
            "%(count)s requests were outside your skills.",
            count,
        )
    else:
        return _count(count)
    return text % {"count": count}
