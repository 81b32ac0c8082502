"""Client health: every flag present and absent, evidence, score, trend, and monotonicity."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import random
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scopeline.core import Agreement, load_agreement
from scopeline.core.agreement import Deposit, Price
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
from scopeline.core.health import (
    FLAG_CODES,
    Evidence,
    Flag,
    Health,
    ProjectHistory,
    RequestRecord,
    Thresholds,
    client_health,
    client_health_with_trend,
    health_trend,
    project_flags,
)
from tests.test_ledger import make as ledger_agreement

D = Decimal
TODAY = dt.date(2026, 12, 1)
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DEFAULT = Thresholds()


def day(n: int) -> dt.date:
    """``n`` days before TODAY."""
    return TODAY - dt.timedelta(days=n)


def make(
    *,
    model: str = "fixed",
    amount: str | None = "4800",
    rate: str | None = "80",
    deposit: str | None = "50",
    concepts: int | None = 3,
    rounds: int | None = 2,
    scope_hours: Sequence[str] = ("200",),
    start: str | None = None,
    deadline: str | None = None,
) -> Agreement:
    """The ledger tests' agreement, with one 200-hour item and no goodwill budget."""
    return ledger_agreement(
        model=model,
        amount=amount,
        rate=rate,
        deposit=deposit,
        concepts=concepts,
        rounds=rounds,
        scope_hours=scope_hours,
        start=start,
        deadline=deadline,
        goodwill="0",
    )


def req(
    ref: str,
    when: dt.date,
    *kinds: str,
    scope: str = "not_applicable",
    action: str = "answer",
    decided: bool = False,
    advice: str | None = None,
    overridden: bool = False,
) -> RequestRecord:
    return RequestRecord(
        ref=ref,
        date=when,
        kinds=kinds or ("question",),
        scope=scope,
        action=action,
        decided=decided,
        advice=advice,
        advice_overridden=overridden,
    )


def oos(ref: str, when: dt.date, scope: str = "excluded") -> RequestRecord:
    return req(ref, when, "addition", scope=scope, action="change_order")


def history(
    agreement: Agreement | None = None,
    events: Sequence[Event] = (),
    requests: Sequence[RequestRecord] = (),
    *,
    ref: str = "p1",
    refs: Sequence[str] = (),
) -> ProjectHistory:
    return ProjectHistory(
        ref=ref,
        agreement=agreement or make(),
        events=tuple(events),
        event_refs=tuple(refs),
        requests=tuple(requests),
    )


def flags_of(
    h: ProjectHistory, thresholds: Thresholds = DEFAULT, today: dt.date = TODAY
) -> dict[str, Flag]:
    found = project_flags(h, thresholds, today)
    assert len({f.code for f in found}) == len(found)
    return {f.code: f for f in found}


def refs(flag: Flag) -> list[str]:
    return [e.ref for e in flag.evidence]


def paid(events: Sequence[Event] = ()) -> list[Event]:
    """A deposit paid at the start, so that no payment is overdue."""
    return [Payment(date=day(200), amount=D(4800)), *events]


# ------------------------------------------------------------------------------ the API


def test_flag_codes_are_the_contract() -> None:
    assert FLAG_CODES == (
        "out_of_scope_repeated",
        "allowance_exceeded",
        "discount_demands",
        "refund_demands",
        "threats",
        "advice_overridden",
        "over_budget",
        "overdue_payment",
        "outside_skills",
    )


def test_no_history_is_perfect_health() -> None:
    health = client_health([history()], DEFAULT, TODAY)
    assert health == Health(score=100, flags=(), consider_ending=False, creep_rate=None)
    assert client_health([], DEFAULT, TODAY).score == 100
    assert [p.score for p in health_trend([], DEFAULT, TODAY)] == [100] * 12


def test_event_refs_must_match_the_events() -> None:
    with pytest.raises(ValueError, match="event_refs has 1 refs for 2 events"):
        history(events=[Hours(date=TODAY, hours=D(1))] * 2, refs=["a"])


@pytest.mark.parametrize(
    "bad",
    [
        {"out_of_scope_window_days": 0},
        {"out_of_scope_per_window": -1},
        {"payment_grace_days": -1},
        {"rate_floor_percent": D(-1)},
        {"over_budget_percent": D("NaN")},
        {"rate_floors": {"EUR": D(0)}},
    ],
)
def test_thresholds_refuse_bad_values(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must"):
        Thresholds(**bad)


def test_thresholds_keep_their_own_copy_of_the_floors() -> None:
    floors = {"EUR": D(50)}
    thresholds = Thresholds(rate_floors=floors)
    floors["EUR"] = D(1)
    assert thresholds.rate_floors["EUR"] == 50
    with pytest.raises(TypeError):
        thresholds.rate_floors["EUR"] = D(2)  # type: ignore[index]


# ------------------------------------------------------------------ out_of_scope_repeated


def test_out_of_scope_repeated_over_the_limit_in_the_window() -> None:
    requests = [
        oos("r1", day(40)),  # outside the 30-day window, still in the total
        oos("r2", day(29)),
        oos("r3", day(10), scope="out_of_scope"),
        oos("r4", day(0)),
        req("r5", day(5), "addition", scope="in_scope"),  # in scope: not counted
        req("r6", day(5), "question", scope="excluded"),  # not an addition
        oos("r7", TODAY + dt.timedelta(days=1)),  # after today: not seen
    ]
    flag = flags_of(history(requests=requests))["out_of_scope_repeated"]
    assert flag.count == 3
    assert flag.penalty == 5 * (3 - 2) + 4
    assert dict(flag.facts) == {
        "in_window": "3",
        "window_days": "30",
        "per_window": "2",
        "total": "4",
    }
    assert refs(flag) == ["r4", "r3", "r2"]  # the window's requests, newest first
    assert flag.project == "p1"
    assert all(e.kind == "request" and e.project == "p1" for e in flag.evidence)


def test_out_of_scope_just_under_the_limit_is_no_flag() -> None:
    # Two in the window (the one exactly 30 days ago is outside it), many before.
    requests = [oos(f"old{i}", day(31 + i)) for i in range(8)]
    requests += [oos("a", day(30)), oos("b", day(29)), oos("c", day(0))]
    assert "out_of_scope_repeated" not in flags_of(history(requests=requests))


def test_out_of_scope_penalty_grows_with_the_window_and_the_total_and_is_capped() -> None:
    def penalty(in_window: int, before: int) -> int:
        requests = [oos(f"w{i}", day(i)) for i in range(in_window)]
        requests += [oos(f"b{i}", day(100 + i)) for i in range(before)]
        return flags_of(history(requests=requests))["out_of_scope_repeated"].penalty

    assert penalty(3, 0) < penalty(4, 0) < penalty(5, 0)
    assert penalty(3, 0) < penalty(3, 1) < penalty(3, 5)
    assert penalty(3, 7) == penalty(3, 50)  # the total counts up to 10
    assert penalty(40, 40) == 30


def test_out_of_scope_thresholds_are_configurable() -> None:
    requests = [oos("a", day(50)), oos("b", day(0))]
    thresholds = Thresholds(out_of_scope_window_days=60, out_of_scope_per_window=1)
    assert "out_of_scope_repeated" in flags_of(history(requests=requests), thresholds)
    assert "out_of_scope_repeated" not in flags_of(history(requests=requests))


# --------------------------------------------------------------------- allowance_exceeded


def test_allowance_exceeded_with_the_events_and_requests_beyond_it() -> None:
    events = paid(
        [
            ConceptsDelivered(date=day(50), count=2),
            ConceptsDelivered(date=day(40), count=1),  # uses the 3 agreed up
            ConceptsDelivered(date=day(30), count=1),  # beyond
            RevisionRound(date=day(20)),
            RevisionRound(date=day(10)),
        ]
    )
    requests = [
        req("x-before", day(45), "extra_concept", action="do_it", decided=True),
        req("x-after", day(35), "extra_concept", action="do_it", decided=True),
        req("x-undecided", day(35), "extra_concept", action="do_it"),
        req("rev", day(15), "revision", action="do_it", decided=True),  # rounds not over
    ]
    flag = flags_of(history(events=events, requests=requests))["allowance_exceeded"]
    assert flag.count == 1
    assert flag.penalty == 10
    assert flag.facts["concepts_used"] == "4"
    assert flag.facts["concepts_agreed"] == "3"
    assert flag.facts["concepts_over"] == "1"
    assert flag.facts["rounds_over"] == "0"
    assert [(e.kind, e.ref) for e in flag.evidence] == [("event", "3"), ("request", "x-after")]


def test_allowance_exactly_used_is_no_flag() -> None:
    events = paid([ConceptsDelivered(date=day(5), count=3), RevisionRound(date=day(4), count=2)])
    assert "allowance_exceeded" not in flags_of(history(events=events))


def test_allowance_without_a_limit_is_never_exceeded() -> None:
    events = paid([ConceptsDelivered(date=day(5), count=30)])
    agreement = make(concepts=None, rounds=None)
    assert "allowance_exceeded" not in flags_of(history(agreement, events))


def test_an_accepted_change_order_raises_the_allowance() -> None:
    events = paid(
        [
            RevisionRound(date=day(9), count=3),
            ChangeOrderAccepted(date=day(8), ref="co", amount=D(100), revision_rounds=1),
        ]
    )
    assert "allowance_exceeded" not in flags_of(history(events=events))


def test_allowance_penalty_grows_with_the_excess_and_is_capped() -> None:
    def penalty(rounds: int) -> int:
        events = paid([RevisionRound(date=day(3), count=rounds)])
        return flags_of(history(events=events))["allowance_exceeded"].penalty

    assert penalty(3) == 10
    assert penalty(4) == 15
    assert penalty(5) == 20
    assert penalty(50) == 25
    zero = make(concepts=0)
    flag = flags_of(history(zero, paid([ConceptsDelivered(date=day(3))])))["allowance_exceeded"]
    assert refs(flag) == ["1"]


# ------------------------------------------------------------- demands, threats, skills


@pytest.mark.parametrize(
    ("code", "kind", "each", "cap"),
    [
        ("discount_demands", "discount", 5, 20),
        ("refund_demands", "refund", 8, 24),
        ("threats", "threat", 10, 30),
    ],
)
def test_demands_and_threats(code: str, kind: str, each: int, cap: int) -> None:
    assert code not in flags_of(history(requests=[req("q", day(1), "question")]))
    requests = [req("a", day(9), "addition", kind), req("b", day(2), kind), req("c", day(5))]
    flag = flags_of(history(requests=requests))[code]
    assert (flag.count, flag.penalty, dict(flag.facts)) == (2, 2 * each, {"count": "2"})
    assert refs(flag) == ["b", "a"]
    many = [req(str(i), day(i), kind) for i in range(20)]
    assert flags_of(history(requests=many))[code].penalty == cap


def test_outside_skills_is_a_decline_without_advice() -> None:
    requests = [
        req("skills", day(3), "addition", scope="out_of_scope", action="decline"),
        req("advice", day(2), "addition", scope="out_of_scope", action="decline", advice="x"),
        req("co", day(1), "addition", scope="out_of_scope", action="change_order"),
    ]
    flag = flags_of(history(requests=requests))["outside_skills"]
    assert (flag.count, flag.penalty, refs(flag)) == (1, 5, ["skills"])
    assert "outside_skills" not in flags_of(history(requests=requests[1:]))


# ---------------------------------------------------------------------- advice_overridden


def test_advice_overridden_counts_events_or_requests_whichever_is_more() -> None:
    events = paid([AdviceOverridden(date=day(9)), AdviceOverridden(date=day(3))])
    requests = [req("r", day(3), "revision", overridden=True)]
    flag = flags_of(history(events=events, requests=requests))["advice_overridden"]
    assert (flag.count, flag.penalty) == (2, 12)
    assert dict(flag.facts) == {"events": "2", "requests": "1"}
    assert [(e.kind, e.ref) for e in flag.evidence] == [
        ("event", "2"),
        ("request", "r"),
        ("event", "1"),
    ]
    requests = [req(str(i), day(i), overridden=True) for i in range(3)]
    flag = flags_of(history(events=events, requests=requests))["advice_overridden"]
    assert (flag.count, flag.penalty) == (3, 18)
    assert "advice_overridden" not in flags_of(history(events=paid()))


# ---------------------------------------------------------------------------- over_budget


def test_fixed_price_rate_just_above_the_floor_is_no_flag() -> None:
    # 4800 EUR; the floor is 70 % of 80 = 56/h; 4800 / 85.7 h = 56.01/h.
    events = paid([Hours(date=day(5), hours=D("85.7"))])
    assert "over_budget" not in flags_of(history(events=events))


def test_fixed_price_rate_below_the_floor() -> None:
    events = paid([Hours(date=day(9), hours=D(80)), Favor(date=day(5), hours=D(6))])
    flag = flags_of(history(events=events))["over_budget"]
    assert flag.facts["effective_rate"] == "55.81"  # 4800 / 86 h
    assert flag.facts["ledger_rate"] == "55.81"
    assert flag.facts["rate_basis"] == "ledger"
    assert flag.facts["floor"] == "56.00"
    assert flag.facts["currency"] == "EUR"
    assert flag.facts["hours"] == "86"
    assert flag.penalty == 10
    assert flag.count == 2
    assert refs(flag) == ["2", "1"]


def test_an_absolute_floor_wins_over_the_percentage() -> None:
    events = paid([Hours(date=day(5), hours=D(60))])  # 80/h
    thresholds = Thresholds(rate_floors={"EUR": D(100)})
    flag = flags_of(history(events=events), thresholds)["over_budget"]
    assert flag.facts["floor"] == "100"
    assert flag.facts["shortfall_percent"] == "20.0"
    assert flag.penalty == 10 + 20 // 5
    assert "over_budget" not in flags_of(
        history(events=events), Thresholds(rate_floors={"USD": D(100)})
    )


def test_hours_just_at_the_budget_limit_is_no_flag() -> None:
    agreement = make(scope_hours=("30", "14"))  # 44 h; 20 % over is 52.8 h
    events = paid([Hours(date=day(5), hours=D("52.8"))])
    assert "over_budget" not in flags_of(history(agreement, events))


def test_hours_over_the_budget() -> None:
    agreement = make(scope_hours=("30", "14"))
    events = paid([Hours(date=day(5), hours=D("52.9"))])
    flag = flags_of(history(agreement, events))["over_budget"]
    assert flag.facts["budget_hours"] == "44.00"
    assert flag.facts["over_percent"] == "20.2"
    assert flag.facts["shortfall_percent"] == ""  # the rate (90.74/h) is fine
    assert flag.penalty == 10
    more = paid([Hours(date=day(5), hours=D(66))])  # 50 % over: 30 beyond the threshold
    assert flags_of(history(agreement, more))["over_budget"].penalty == 13


def test_over_budget_penalty_is_capped_and_evidence_limited_to_ten() -> None:
    agreement = make(scope_hours=("10",))
    events = paid([Hours(date=day(30 - i), hours=D(20)) for i in range(15)])
    flag = flags_of(history(agreement, events))["over_budget"]
    assert flag.penalty == 30
    assert flag.count == 15
    assert refs(flag) == [str(i) for i in range(15, 5, -1)]


def test_over_budget_without_a_budget_or_a_rate() -> None:
    agreement = make(rate=None, scope_hours=())
    events = paid([Hours(date=day(5), hours=D(1000))])
    assert "over_budget" not in flags_of(history(agreement, events))
    assert "over_budget" in flags_of(
        history(agreement, events), Thresholds(rate_floors={"EUR": D(5)})
    )


def test_hourly_rate_test_looks_at_the_favours_over_the_budget() -> None:
    agreement = make(model="hourly", amount=None, rate="100", scope_hours=("100",), deposit=None)
    billed: list[Event] = [Hours(date=day(9), hours=D(10))]
    assert "over_budget" not in flags_of(history(agreement, billed))
    # 100 h budgeted at 100/h with 43 h of favours: 10000 / 143 = 69.93 < 70.
    favours: list[Event] = [*billed, Favor(date=day(5), hours=D(43))]
    flag = flags_of(history(agreement, favours))["over_budget"]
    assert flag.facts["rate_basis"] == "budget"
    assert flag.facts["effective_rate"] == "69.93"
    assert flag.facts["ledger_rate"] == "18.87"  # 1000 / 53 h
    assert "over_budget" not in flags_of(
        history(agreement, [*billed, Favor(date=day(5), hours=D(42))])
    )
    # Billing more hours never lifts the score back (the ledger's rate would rise).
    more: list[Event] = [*favours, Hours(date=day(2), hours=D(40))]
    assert flags_of(history(agreement, more))["over_budget"].penalty >= flag.penalty


def test_hourly_budget_hours_from_the_estimate_when_items_have_none() -> None:
    agreement = make(model="hourly", amount="1000", rate="100", scope_hours=(), deposit=None)
    events: list[Event] = [Hours(date=day(5), hours=D(13)), Payment(date=day(1), amount=D(1300))]
    flag = flags_of(history(agreement, events))["over_budget"]
    assert flag.facts["budget_hours"] == "10.00"
    assert flag.facts["over_percent"] == "30.0"


# ------------------------------------------------------------------------ overdue_payment


def test_deposit_overdue_after_the_grace_period() -> None:
    agreement = make(start="2026-10-01")
    events: list[Event] = [ConceptsDelivered(date=dt.date(2026, 10, 2))]
    h = history(agreement, events)
    assert "overdue_payment" not in flags_of(h, today=dt.date(2026, 10, 15))  # day 14
    flag = flags_of(h, today=dt.date(2026, 10, 16))["overdue_payment"]
    assert dict(flag.facts) == {
        "amount": "2400.00",
        "currency": "EUR",
        "due": "2026-10-01",
        "days_overdue": "15",
        "grace_days": "14",
    }
    assert flag.penalty == 10 + 0 + 5  # half the price unpaid
    assert refs(flag) == ["0"]  # no due event, no payment: the newest event
    late = flags_of(h, today=dt.date(2026, 12, 1))["overdue_payment"]
    assert late.penalty == 10 + 10 + 5  # weeks late count up to 10 points


def test_deposit_due_on_the_first_event_without_a_start() -> None:
    events: list[Event] = [Hours(date=dt.date(2026, 11, 1), hours=D(1))]
    assert flags_of(history(events=events))["overdue_payment"].facts["due"] == "2026-11-01"


def test_paid_deposit_and_a_partly_paid_price_after_the_deadline() -> None:
    agreement = make(start="2026-09-01", deadline="2026-11-01")
    events: list[Event] = [
        Payment(date=dt.date(2026, 9, 1), amount=D(2400)),
        Payment(date=dt.date(2026, 11, 20), amount=D(1000)),
    ]
    h = history(agreement, events)
    assert "overdue_payment" not in flags_of(h, today=dt.date(2026, 10, 31))
    assert "overdue_payment" not in flags_of(h, today=dt.date(2026, 11, 15))
    flag = flags_of(h, today=dt.date(2026, 11, 30))["overdue_payment"]
    assert flag.facts["amount"] == "1400.00"
    assert flag.facts["due"] == "2026-11-01"
    assert flag.facts["days_overdue"] == "29"
    assert refs(flag) == ["1"]  # the latest payment
    settled: list[Event] = [*events, Payment(date=dt.date(2026, 11, 25), amount=D(1400))]
    assert "overdue_payment" not in flags_of(
        history(agreement, settled), today=dt.date(2026, 11, 30)
    )


def test_no_overdue_without_events_or_before_anything_is_due() -> None:
    agreement = make(start="2026-01-01", deadline="2026-12-31")
    assert "overdue_payment" not in flags_of(history(agreement))
    no_deposit = make(deposit=None, start="2026-01-01")  # no deadline: the price is never due
    assert "overdue_payment" not in flags_of(history(no_deposit, [Hours(date=day(90), hours=D(1))]))


def test_hourly_fees_are_due_on_their_dates_and_payments_pay_the_oldest_first() -> None:
    agreement = make(model="hourly", amount=None, rate="100", deposit=None)
    events: list[Event] = [
        Hours(date=dt.date(2026, 10, 1), hours=D(10)),  # 1000 due
        Hours(date=dt.date(2026, 10, 20), hours=D(5)),  # 500 due
        Payment(date=dt.date(2026, 11, 1), amount=D(1200)),
        Hours(date=dt.date(2026, 11, 25), hours=D(5)),  # within the grace period
    ]
    flag = flags_of(history(agreement, events))["overdue_payment"]
    assert flag.facts["amount"] == "300.00"
    assert flag.facts["due"] == "2026-10-20"
    assert flag.facts["days_overdue"] == "42"
    assert refs(flag) == ["2", "1"]  # the latest payment and the unpaid hours
    assert flag.penalty == 10 + 2 * ((42 - 14) // 7)  # no estimate: no share part


def test_hourly_deposit_is_an_advance_on_the_fees() -> None:
    agreement = make(model="hourly", amount="2000", rate="100", deposit="50", start="2026-10-01")
    events: list[Event] = [
        Payment(date=dt.date(2026, 10, 1), amount=D(1000)),
        Hours(date=dt.date(2026, 10, 10), hours=D(8)),  # 800: covered by the deposit
    ]
    assert "overdue_payment" not in flags_of(history(agreement, events))
    more: list[Event] = [*events, Hours(date=dt.date(2026, 10, 12), hours=D(4))]  # 1200 in all
    flag = flags_of(history(agreement, more))["overdue_payment"]
    assert flag.facts["amount"] == "200.00"
    assert flag.facts["due"] == "2026-10-12"
    assert refs(flag) == ["2", "0"]


def test_accepted_change_orders_are_due_on_acceptance() -> None:
    agreement = make(deposit=None, start="2026-10-01")
    events: list[Event] = [
        ChangeOrderAccepted(date=dt.date(2026, 10, 5), ref="CO-1", amount=D(300))
    ]
    flag = flags_of(history(agreement, events))["overdue_payment"]
    assert (flag.facts["amount"], flag.facts["due"], refs(flag)) == ("300.00", "2026-10-05", ["0"])


def test_overdue_grace_is_configurable() -> None:
    agreement = make(start="2026-11-20")
    h = history(agreement, [Hours(date=day(3), hours=D(1))])
    assert "overdue_payment" not in flags_of(h)
    assert "overdue_payment" in flags_of(h, Thresholds(payment_grace_days=5))


# -------------------------------------------------------------- score, order, ending


def bad_client() -> ProjectHistory:
    requests = [req(f"t{i}", day(i), "threat", "refund", "discount") for i in range(5)]
    requests += [oos(f"o{i}", day(i)) for i in range(8)]
    return history(requests=requests)


def test_score_is_clamped_at_zero_and_flags_are_ordered() -> None:
    health = client_health([bad_client()], DEFAULT, TODAY)
    assert sum(f.penalty for f in health.flags) > 100
    assert health.score == 0
    assert health.consider_ending
    assert [f.code for f in health.flags] == [
        "out_of_scope_repeated",  # 5 * 6 + 8 = 38 -> 30, first of the ties by the flag order
        "threats",  # 30
        "refund_demands",  # 24
        "discount_demands",  # 20
    ]


def test_ties_follow_the_flag_order_then_the_project() -> None:
    one = history(requests=[req("a", day(1), "discount")], ref="b")
    two = history(requests=[req("a", day(1), "discount"), req("b", day(1), "refund")], ref="a")
    health = client_health([one, two], DEFAULT, TODAY)
    assert [(f.code, f.project, f.penalty) for f in health.flags] == [
        ("refund_demands", "a", 8),
        ("discount_demands", "a", 5),
        ("discount_demands", "b", 5),
    ]
    assert health.score == 100 - 18


@pytest.mark.parametrize(("below", "ending"), [(90, False), (91, True)])
def test_consider_ending_is_strictly_below_the_threshold(below: int, ending: bool) -> None:
    h = history(requests=[req("t", day(1), "threat")])  # 90
    health = client_health([h], Thresholds(consider_ending_below=below), TODAY)
    assert health.score == 90
    assert health.consider_ending is ending


def test_creep_rate_over_every_project() -> None:
    one = history(requests=[oos("a", day(1)), req("b", day(1))], ref="1")
    two = history(
        requests=[req("c", day(2)), oos("d", day(2), "in_scope"), oos("late", day(-1))], ref="2"
    )
    assert client_health([one, two], DEFAULT, TODAY).creep_rate == D("0.25")
    assert client_health([one], DEFAULT, TODAY).creep_rate == D("0.5")
    three = history(requests=[oos("a", day(1)), req("b", day(1)), req("c", day(1))])
    assert client_health([three], DEFAULT, TODAY).creep_rate == D("0.333")


def test_events_order_and_future_events_do_not_matter() -> None:
    events = paid(
        [
            RevisionRound(date=day(9), count=3),
            Hours(date=day(8), hours=D(90)),
            AdviceOverridden(date=day(7)),
        ]
    )
    future = [*events, Refund(date=day(-3), amount=D(4800)), RevisionRound(date=day(-1))]
    shuffled = list(future)
    random.Random(4).shuffle(shuffled)
    base = client_health([history(events=events)], DEFAULT, TODAY)
    other = client_health([history(events=shuffled)], DEFAULT, TODAY)
    assert other.score == base.score
    assert [(f.code, f.penalty, dict(f.facts)) for f in other.flags] == [
        (f.code, f.penalty, dict(f.facts)) for f in base.flags
    ]


def test_event_refs_name_the_evidence() -> None:
    events = paid([RevisionRound(date=day(9), count=3)])
    h = history(events=events, refs=["pk-10", "pk-11"])
    flag = flags_of(h)["allowance_exceeded"]
    assert flag.evidence == (Evidence("event", "pk-11", "p1", day(9)),)


def test_every_flag_has_evidence_newest_first() -> None:
    agreement = make(scope_hours=("10",), start="2026-01-01")
    events: list[Event] = [
        RevisionRound(date=day(9), count=5),
        Hours(date=day(8), hours=D(200)),
        AdviceOverridden(date=day(7)),
    ]
    requests = [req(f"r{i}", day(i), "threat", "discount", "refund") for i in range(3)]
    requests += [oos(f"o{i}", day(i)) for i in range(4)]
    requests += [req("d", day(2), "addition", action="decline", scope="out_of_scope")]
    flags = flags_of(history(agreement, events, requests))
    assert set(flags) == set(FLAG_CODES)
    for flag in flags.values():
        assert flag.evidence, flag.code
        dates = [e.date for e in flag.evidence]
        assert dates == sorted(dates, reverse=True), flag.code
        assert flag.penalty > 0


def test_as_dict_is_json_and_reads_back() -> None:
    health = client_health(
        [bad_client(), history(events=[Hours(date=day(3), hours=D(1))])], DEFAULT, TODAY
    )
    data = json.loads(json.dumps(health.as_dict()))
    assert data["score"] == health.score
    assert data["flags"][0]["evidence"][0]["date"] == health.flags[0].evidence[0].date.isoformat()
    assert Health.from_dict(data) == health
    assert Health.from_dict(client_health([], DEFAULT, TODAY).as_dict()).creep_rate is None


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"score": "100", "consider_ending": False, "creep_rate": None, "flags": []},
        {"score": 1, "consider_ending": False, "creep_rate": "x", "flags": []},
        {"score": 1, "consider_ending": False, "creep_rate": None, "flags": [{"code": "nope"}]},
        {"score": 1, "consider_ending": False, "creep_rate": None, "flags": "no"},
    ],
)
def test_from_dict_refuses_what_is_not_a_stored_health(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="not a stored health"):
        Health.from_dict(bad)


# ---------------------------------------------------------------------------------- trend


def test_trend_points_are_weekly_and_the_last_is_today() -> None:
    points = health_trend([history()], DEFAULT, TODAY)
    assert len(points) == 12
    assert points[0].date == TODAY - dt.timedelta(weeks=11)
    assert points[-1].date == TODAY
    assert all(b.date - a.date == dt.timedelta(days=7) for a, b in itertools.pairwise(points))
    assert [p.date for p in health_trend([], DEFAULT, TODAY, weeks=1)] == [TODAY]
    with pytest.raises(ValueError, match="weeks"):
        health_trend([], DEFAULT, TODAY, weeks=0)


def test_each_trend_point_sees_only_its_past() -> None:
    agreement = make(start="2026-01-01")
    events: list[Event] = [
        Payment(date=dt.date(2026, 1, 1), amount=D(2400)),
        RevisionRound(date=day(20), count=3),  # one over: from 3 weeks ago
    ]
    requests = [req("t", day(6), "threat")]  # from the last week
    h = history(agreement, events, requests)
    points = health_trend([h], DEFAULT, TODAY, weeks=5)
    assert [p.score for p in points] == [100, 100, 90, 90, 80]
    for point in points:
        assert point.score == client_health([h], DEFAULT, point.date).score


def test_health_with_trend_is_both_calls_in_one() -> None:
    histories = [
        bad_client(),
        history(events=paid([RevisionRound(date=day(30), count=4)]), ref="x"),
    ]
    health, trend = client_health_with_trend(histories, DEFAULT, TODAY, weeks=6)
    assert health == client_health(histories, DEFAULT, TODAY)
    assert trend == health_trend(histories, DEFAULT, TODAY, weeks=6)
    assert trend[-1].score == health.score


def test_sums_beyond_one_events_size_limit_do_not_break_the_state() -> None:
    agreement = make(model="hourly", amount=None, rate="1", deposit=None)
    big = D(999_999_999_999)
    events: list[Event] = [Hours(date=day(30), hours=big), Hours(date=day(29), hours=big)]
    events += [Payment(date=day(20), amount=big), Payment(date=day(19), amount=big)]
    flags = flags_of(history(agreement, events))
    assert list(flags) == ["over_budget"]  # 200 h budgeted
    assert flags["over_budget"].facts["hours"] == str(2 * big)


# ------------------------------------------------------------- the monotonicity property

EXAMPLE_AGREEMENTS = [load_agreement(path) for path in sorted(EXAMPLES.glob("*.yaml"))]
AGREEMENTS = [
    *EXAMPLE_AGREEMENTS,
    # Variants for the money rules: hourly without an estimate, fixed without a rate,
    # no deposit, a start date, a deadline in the past.
    msgspec.structs.replace(
        EXAMPLE_AGREEMENTS[4],
        price=Price(model="hourly", hourly_rate=D(300)),
        deposit=Deposit(percent=D(30)),
    ),
    msgspec.structs.replace(
        EXAMPLE_AGREEMENTS[0], price=Price(model="fixed", amount=D(4800)), deposit=None
    ),
    msgspec.structs.replace(
        EXAMPLE_AGREEMENTS[1], start=dt.date(2026, 6, 1), deadline=dt.date(2026, 9, 1)
    ),
]
HOURLY = [a for a in AGREEMENTS if a.price.model == "hourly"]
THRESHOLDS = [
    DEFAULT,
    Thresholds(out_of_scope_per_window=0, payment_grace_days=0, over_budget_percent=D(0)),
    Thresholds(
        rate_floors={"EUR": D(100), "CNY": D(400), "TWD": D(2000)}, rate_floor_percent=D(100)
    ),
    # The hours test out of the way, so that the rate test's penalty is not hidden by the cap.
    Thresholds(over_budget_percent=D(100000), rate_floor_percent=D(95), payment_grace_days=3),
]
START = dt.date(2026, 6, 1)
END = dt.date(2027, 4, 1)

dates = st.dates(START, END)
amounts = st.decimals(min_value=1, max_value=20000, places=0)
hours_st = st.decimals(min_value=D("0.5"), max_value=80, places=1)

hours_events = st.builds(Hours, date=dates, hours=hours_st)
favor_events = st.builds(Favor, date=dates, hours=hours_st)
refund_events = st.builds(Refund, date=dates, amount=amounts)
red_events: st.SearchStrategy[Event] = st.one_of(
    # Hours, favours and refunds more often: their rules have the most arithmetic.
    *[hours_events, favor_events, refund_events] * 3,
    st.builds(ConceptsDelivered, date=dates, count=st.integers(1, 3)),
    st.builds(RevisionRound, date=dates, count=st.integers(1, 2)),
    st.builds(ChangeOrderIssued, date=dates, ref=st.just("CO-9"), amount=amounts),
    st.builds(ChangeOrderDeclined, date=dates, ref=st.just("CO-9")),
    st.builds(AdviceOverridden, date=dates),
    st.builds(RequestDecided, date=dates, kind=st.just("revision"), action=st.just("do_it")),
)
any_events: st.SearchStrategy[Event] = st.one_of(
    red_events,
    st.builds(Payment, date=dates, amount=amounts),
    st.builds(
        ChangeOrderAccepted,
        date=dates,
        ref=st.uuids().map(str),
        amount=st.decimals(min_value=0, max_value=1000, places=0),
        hours=st.none() | hours_st,
        concepts=st.integers(0, 1),
        revision_rounds=st.integers(0, 1),
    ),
)
requests_st = st.builds(
    RequestRecord,
    ref=st.uuids().map(str),
    date=dates,
    kinds=st.lists(
        st.sampled_from(
            ["addition", "revision", "extra_concept", "discount", "refund", "threat", "question"]
        ),
        min_size=1,
        max_size=3,
    ).map(tuple),
    scope=st.sampled_from(["in_scope", "excluded", "out_of_scope", "not_applicable"]),
    action=st.sampled_from(["do_it", "decline", "change_order", "answer", "escalate"]),
    decided=st.booleans(),
    advice=st.none() | st.just("portfolio"),
    advice_overridden=st.booleans(),
)


@st.composite
def histories(draw: st.DrawFn) -> list[ProjectHistory]:
    out = []
    for i in range(draw(st.integers(1, 2))):
        agreement = draw(st.sampled_from([*AGREEMENTS, *HOURLY]))
        ledger = draw(
            st.lists(
                st.sampled_from(agreement.ledger), max_size=len(agreement.ledger), unique_by=id
            )
        )
        events: list[Event] = [*ledger, *draw(st.lists(any_events, max_size=20))]
        requests = draw(st.lists(requests_st, max_size=8))
        out.append(ProjectHistory(str(i), agreement, tuple(events), requests=tuple(requests)))
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=histories(),
    which=st.integers(0, 1),
    events=st.lists(red_events, max_size=3),
    requests=st.lists(requests_st, max_size=2),
    thresholds=st.sampled_from(THRESHOLDS),
    today=st.dates(dt.date(2026, 9, 1), END),
)
def test_adding_red_flags_never_raises_the_score(
    before: list[ProjectHistory],
    which: int,
    events: list[Event],
    requests: list[RequestRecord],
    thresholds: Thresholds,
    today: dt.date,
) -> None:
    """Any events but payments and accepted change orders, and any requests, dated on or before
    today, never raise the score, nor any point of the trend."""
    target = before[which % len(before)]
    added = dataclasses.replace(
        target,
        events=(
            *target.events,
            *(msgspec.structs.replace(e, date=min(e.date, today)) for e in events),
        ),
        requests=(
            *target.requests,
            *(dataclasses.replace(r, date=min(r.date, today)) for r in requests),
        ),
    )
    after = [added if h is target else h for h in before]

    health_before, trend_before = client_health_with_trend(before, thresholds, today, weeks=4)
    health_after, trend_after = client_health_with_trend(after, thresholds, today, weeks=4)
    assert health_after.score <= health_before.score
    # Stronger: no flag's penalty falls (one rule's fall could hide behind another's rise).
    penalties = {(f.project, f.code): f.penalty for f in health_after.flags}
    for flag in health_before.flags:
        assert penalties.get((flag.project, flag.code), 0) >= flag.penalty, flag
    for point_before, point_after in zip(trend_before, trend_after, strict=True):
        assert point_after.score <= point_before.score
    # The separate calls agree with the combined one.
    assert client_health(after, thresholds, today) == health_after
    assert trend_after[-1].score == health_after.score


@settings(max_examples=100, deadline=None)
@given(before=histories(), thresholds=st.sampled_from(THRESHOLDS), today=st.dates(START, END))
def test_every_flag_keeps_its_contract(
    before: list[ProjectHistory], thresholds: Thresholds, today: dt.date
) -> None:
    health = client_health(before, thresholds, today)
    assert 0 <= health.score <= 100
    assert health.score == max(0, 100 - sum(f.penalty for f in health.flags))
    penalties = [f.penalty for f in health.flags]
    assert penalties == sorted(penalties, reverse=True)
    for flag in health.flags:
        assert flag.penalty > 0
        assert flag.count > 0
        assert 1 <= len(flag.evidence) <= 20
        assert all(e.date <= today for e in flag.evidence)
        assert all(isinstance(v, str) for v in flag.facts.values())
    assert Health.from_dict(json.loads(json.dumps(health.as_dict()))) == health
