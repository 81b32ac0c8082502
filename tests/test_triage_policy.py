"""The decision table: every kind's action, allowances, favours, rush, overrides, prices."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from scopeline.core import Agreement, load_agreement, parse_agreement, project_state
from scopeline.core.triage.contract import ACTIONS, KINDS, Kind
from scopeline.core.triage.policy import BASELINE, decide
from scopeline.core.triage.verdict import Estimate, ScopeMatch

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ACME = (EXAMPLES / "acme-website.yaml").read_text(encoding="utf-8")


def acme(**replace: str) -> Agreement:
    text = ACME
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return parse_agreement(text, source="acme.yaml")


def hours(likely: str, low: str | None = None, high: str | None = None) -> Estimate:
    value = Decimal(likely)
    return Estimate(value, Decimal(low or likely), Decimal(high or likely), "test")


NONE = ScopeMatch("not_applicable", None, 0.0)
EXCLUDED = ScopeMatch("excluded", "accounts", 0.9, "User registration, member accounts or login")
OUTSIDE = ScopeMatch("out_of_scope", None, 0.2)
INSIDE = ScopeMatch("in_scope", "news", 0.9, "News section the client can edit")


def run(
    kind: Kind,
    scope: ScopeMatch = NONE,
    estimate: Estimate | None = None,
    agreement: Agreement | None = None,
    kinds: tuple[Kind, ...] | None = None,
    decline_reason: str | None = None,
) -> tuple[str, Decimal | None, tuple[str, ...]]:
    agreement = agreement or acme()
    decision = decide(
        kind=kind,
        kinds=kinds or (kind,),
        scope=scope,
        estimate=estimate or hours("0"),
        agreement=agreement,
        state=project_state(agreement),
        decline_reason=decline_reason,
    )
    assert decision.action in ACTIONS
    return decision.action, decision.price.amount if decision.price else None, decision.reasons


def test_baseline_covers_every_kind() -> None:
    assert set(BASELINE) == set(KINDS)


@pytest.mark.parametrize(
    ("kind", "action"),
    [
        ("discount", "hold_price"),
        ("refund", "escalate"),
        ("threat", "escalate"),
        ("question", "answer"),
        ("approval", "acknowledge"),
        ("other", "answer"),
    ],
)
def test_non_work_kinds(kind: Kind, action: str) -> None:
    assert run(kind)[0] == action


def test_defect_is_fixed_now_and_never_charged() -> None:
    scope = ScopeMatch("in_scope", "contact-form", 0.9, "Contact form")
    action, amount, reasons = run("defect", scope, hours("1", "0.5", "2"))
    assert action == "fix_now"
    assert "charge nothing" in reasons[0]
    decision = decide(
        kind="defect",
        kinds=("defect",),
        scope=scope,
        estimate=hours("1"),
        agreement=acme(),
        state=project_state(acme()),
    )
    assert decision.price is not None
    assert decision.price.chargeable is False
    assert amount == Decimal("80.00")  # what it would cost, shown but not charged


def test_revision_while_rounds_remain_then_change_order() -> None:
    # acme: 2 rounds agreed, 1 used.
    action, _, reasons = run("revision", INSIDE, hours("2"))
    assert action == "do_it"
    assert "1 of 2 revision rounds used" in reasons[0]
    used_up = acme(
        **{
            "- {date: 2026-10-20, type: revision_round}": (
                "- {date: 2026-10-20, type: revision_round, count: 2}"
            )
        }
    )
    action, amount, reasons = run("revision", INSIDE, hours("2"), used_up)
    assert action == "change_order"
    assert "All 2 agreed revision rounds are used" in reasons[0]
    assert amount == Decimal("160.00")  # 2 h x 80 EUR


def test_extra_concept_after_the_allowance_is_a_change_order() -> None:
    action, amount, reasons = run("extra_concept", INSIDE, hours("6", "4", "10"))
    assert action == "change_order"  # 3 of 3 concepts delivered in the example ledger
    assert "All 3 agreed concepts are used (3 delivered)" in reasons[0]
    assert amount == Decimal("480.00")


def test_no_allowance_agreed_means_do_it() -> None:
    open_ended = acme(**{"allowances: {concepts: 3, revision_rounds: 2}\n": ""})
    assert run("revision", INSIDE, hours("2"), open_ended)[0] == "do_it"


def test_addition_in_scope_is_done() -> None:
    action, _, reasons = run("addition", INSIDE, hours("6"))
    assert action == "do_it"
    assert "Covered by scope item 'news'" in reasons[0]


def test_small_addition_is_a_favour_while_goodwill_lasts() -> None:
    action, amount, reasons = run("addition", OUTSIDE, hours("0.5"))
    assert action == "favor"
    assert any("a favour" in r for r in reasons)
    assert amount == Decimal("40.00")


def test_small_addition_without_goodwill_left_is_priced() -> None:
    spent = acme(**{"hours: 0.5, note: favicon": "hours: 4, note: favicon"})
    action, _, reasons = run("addition", OUTSIDE, hours("0.5"), spent)
    assert action == "change_order"
    assert any("goodwill budget has 0 h left" in r for r in reasons)


def test_large_excluded_addition_is_a_change_order_with_the_clause() -> None:
    action, amount, reasons = run(
        "addition", EXCLUDED, hours("14", "12", "16"), kinds=("addition", "threat")
    )
    assert action == "change_order"
    assert "Matches exclusion 'accounts'" in reasons[0]
    assert amount == Decimal("1120.00")
    assert any("threat" in r for r in reasons)  # the pressure is noted, not obeyed


def test_decline_when_advice_says_so() -> None:
    action, _, reasons = run(
        "addition", OUTSIDE, hours("3"), decline_reason="Autoplay music drives visitors away."
    )
    assert action == "decline"
    assert reasons[-1] == "Autoplay music drives visitors away."


def test_rush_prices_the_surcharge_on_the_remaining_work() -> None:
    action, amount, reasons = run("deadline", NONE, hours("31"))
    assert action == "change_order"
    assert amount == Decimal("620.00")  # 25% of 31 h x 80 EUR
    assert any("25%" in r for r in reasons)


def test_secondary_deadline_adds_the_surcharge_to_the_work() -> None:
    _, amount, _ = run("addition", OUTSIDE, hours("4"), kinds=("addition", "deadline"))
    assert amount == Decimal("400.00")  # 4 h x 80 EUR x 1.25


def test_policy_override_per_kind() -> None:
    custom = acme(
        **{"rush_surcharge_percent: 25}": "rush_surcharge_percent: 25, actions: {refund: answer}}"}
    )
    action, _, reasons = run("refund", NONE, agreement=custom)
    assert action == "answer"
    assert any("policy sets 'answer'" in r for r in reasons)


def test_no_hourly_rate_means_no_price() -> None:
    no_rate = acme(
        **{
            "price: {model: fixed, amount: 4800, hourly_rate: 80}": (
                "price: {model: fixed, amount: 4800}"
            )
        }
    )
    action, amount, _ = run("addition", OUTSIDE, hours("10"), no_rate)
    assert action == "change_order"
    assert amount is None


def test_prices_are_rounded_to_the_currency() -> None:
    shop = load_agreement(EXAMPLES / "huamei-shop.yaml")  # CNY, 300/h
    _, amount, _ = run("addition", OUTSIDE, hours("1.333"), shop)
    assert amount == Decimal("399.90")
