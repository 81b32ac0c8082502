"""The decision: which action a request gets, by the policy table, with reasons a human can check.

Pure functions of the request's kind, its scope match, its estimate and the project's state.
The baseline table is the one in DOMAIN.md; an agreement's ``policy.actions`` overrides it per
kind. Secondary kinds (a threat beside a request) add reasons, never change the action.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from scopeline.core.agreement import Agreement
from scopeline.core.ledger import ProjectState
from scopeline.core.money import HUNDRED, quantize
from scopeline.core.triage.contract import Action, Kind
from scopeline.core.triage.verdict import Estimate, Price, ScopeMatch

BASELINE: Final[dict[Kind, Action]] = {
    "defect": "fix_now",
    "revision": "do_it",
    "extra_concept": "do_it",
    "addition": "change_order",
    "discount": "hold_price",
    "refund": "escalate",
    "deadline": "change_order",
    "threat": "escalate",
    "question": "answer",
    "approval": "acknowledge",
    "other": "answer",
}


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    price: Price | None
    reasons: tuple[str, ...]


def _h(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return f"{text} h"


def decide(
    *,
    kind: Kind,
    kinds: tuple[Kind, ...],
    scope: ScopeMatch,
    estimate: Estimate,
    agreement: Agreement,
    state: ProjectState,
    decline_reason: str | None = None,
) -> Decision:
    """Apply the policy table. ``decline_reason`` is set when professional advice or the
    provider's skills say the request should be declined (with the nearest alternative)."""
    policy = agreement.policy
    reasons: list[str] = []
    action: Action

    if kind == "defect":
        action = "fix_now"
        where = f" in '{scope.item}'" if scope.item else ""
        reasons.append(
            f"A defect{where} in work we delivered: we apologise, fix it and charge nothing."
        )
    elif kind in ("revision", "extra_concept"):
        allowance = state.revision_rounds if kind == "revision" else state.concepts
        noun = "revision rounds" if kind == "revision" else "concepts"
        if allowance.agreed is None:
            action = "do_it"
            reasons.append(f"The agreement sets no limit on {noun}.")
        elif allowance.used < allowance.agreed:
            action = "do_it"
            reasons.append(
                f"{allowance.used} of {allowance.agreed} {noun} used so far; "
                f"this one is included ({allowance.agreed - allowance.used} left)."
            )
        else:
            action = "change_order"
            reasons.append(
                f"All {allowance.agreed} agreed {noun} are used ({allowance.used} delivered); "
                f"another one is extra work, priced as a change order."
            )
    elif kind == "addition":
        action, why = _addition(scope, estimate, policy.favor_max_hours, state)
        reasons.extend(why)
        if decline_reason and action != "do_it":
            action = "decline"
            reasons.append(decline_reason)
    elif kind == "deadline":
        action = "change_order"
        reasons.append(
            f"Earlier delivery means rush work: the rush surcharge is "
            f"{policy.rush_surcharge_percent}% (policy.rush_surcharge_percent)."
        )
    else:
        action = BASELINE[kind]
        reasons.append(_plain_reason(kind))

    override = agreement.policy.actions.get(kind)
    if override and override != action:
        reasons.append(
            f"The agreement's policy sets '{override}' for {kind} requests "
            f"(the baseline would be '{action}')."
        )
        action = override  # type: ignore[assignment]  # validated against ACTIONS on load

    for secondary in kinds[1:]:
        reasons.append(_secondary_reason(secondary))

    price = _price(action, kind, kinds, estimate, agreement)
    if price is not None and kind == "deadline":
        reasons.append(
            f"Rush surcharge: {price.surcharge_percent}% of the remaining "
            f"{_h(estimate.hours)} of work = {price.amount} {price.currency}."
        )
    elif price is not None and action in ("change_order", "favor"):
        rate = agreement.price.hourly_rate
        reasons.append(
            f"Estimate {_h(estimate.low)}–{_h(estimate.high)} (likely {_h(estimate.hours)}) "
            f"at {rate} {agreement.currency}/h = {price.amount} {price.currency}"
            + (" before the favour." if action == "favor" else ".")
        )
    return Decision(action=action, price=price, reasons=tuple(reasons))


def _addition(
    scope: ScopeMatch, estimate: Estimate, favor_max: Decimal, state: ProjectState
) -> tuple[Action, list[str]]:
    reasons: list[str] = []
    if scope.verdict == "in_scope":
        reasons.append(f"Covered by scope item '{scope.item}' ({scope.title}).")
        return "do_it", reasons
    if scope.verdict == "excluded":
        reasons.append(f"Matches exclusion '{scope.item}' ({scope.title}).")
    elif scope.item:
        reasons.append(
            f"Beyond scope item '{scope.item}': {scope.agreed_quantity} agreed"
            + (
                f", this would make {scope.requested_quantity}."
                if scope.requested_quantity
                else ", this adds one more."
            )
        )
    else:
        reasons.append("No scope item covers this request.")
    left = state.goodwill_hours_left
    if estimate.hours <= favor_max and estimate.hours <= left and estimate.hours > 0:
        reasons.append(
            f"Small: about {_h(estimate.hours)}, within the favour limit of {_h(favor_max)}, "
            f"and {_h(left)} of goodwill are left — a favour, named as one."
        )
        return "favor", reasons
    if estimate.hours <= favor_max and estimate.hours > 0:
        reasons.append(
            f"Small enough for a favour, but the goodwill budget has {_h(left)} left; "
            "priced as a change order."
        )
    else:
        reasons.append(
            f"About {_h(estimate.hours)}, more than the favour limit of {_h(favor_max)}: "
            "a change order."
        )
    return "change_order", reasons


def _price(
    action: Action,
    kind: Kind,
    kinds: tuple[Kind, ...],
    estimate: Estimate,
    agreement: Agreement,
) -> Price | None:
    rate = agreement.price.hourly_rate
    currency = agreement.currency
    if rate is None or estimate.hours <= 0:
        return None
    surcharge = agreement.policy.rush_surcharge_percent if "deadline" in kinds else None

    def amount(hours: Decimal) -> Decimal:
        base = hours * rate
        if kind == "deadline" and surcharge is not None:
            return quantize(base * surcharge / HUNDRED, currency)
        if surcharge is not None:
            return quantize(base * (HUNDRED + surcharge) / HUNDRED, currency)
        return quantize(base, currency)

    chargeable = action in ("change_order", "do_it") and kind not in ("defect",)
    if action == "do_it" and kind in ("revision", "extra_concept", "addition"):
        chargeable = False  # included in the agreed price
    return Price(
        amount=amount(estimate.hours),
        currency=currency,
        low=amount(estimate.low),
        high=amount(estimate.high),
        surcharge_percent=surcharge,
        chargeable=chargeable,
    )


def _plain_reason(kind: Kind) -> str:
    return {
        "discount": "A request to pay less: we hold the price for the same scope, offer scope "
        "reductions that reach the target, and ask about the real concern.",
        "refund": "A refund request: we show that the agreed work was delivered and offer to "
        "rework what falls short; the decision is escalated to you.",
        "threat": "Pressure (withholding payment, legal steps, reviews): stay calm and factual; "
        "pressure alone changes nothing in the agreement.",
        "question": "A question: answer it; no work is requested.",
        "approval": "An approval or thanks: acknowledge it and confirm the next step.",
        "other": "Nothing to decide: answer briefly.",
    }.get(kind, "")


def _secondary_reason(kind: Kind) -> str:
    return {
        "threat": "The message also applies pressure (a threat): answer calmly, record it; it "
        "does not change the action.",
        "discount": "The message also asks for a lower price: the price of the agreed scope holds.",
        "deadline": "The message also asks for earlier delivery: the rush surcharge applies.",
        "refund": "The message also asks for money back: handled separately, with evidence.",
        "question": "The message also asks a question: answer it in the reply.",
        "approval": "The message also approves or thanks: acknowledge it.",
    }.get(kind, f"The message also contains {_a(kind.replace('_', ' '))} request.")


def _a(words: str) -> str:
    """``words`` with its indefinite article: "a revision", "an extra concept"."""
    return f"{'an' if words[:1] in ('a', 'e', 'i', 'o', 'u') else 'a'} {words}"
