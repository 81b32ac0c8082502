"""Client health: red flags with their evidence, a score, and its weekly trend.

Pure functions of an agreement, its ledger events and the client's triaged requests; the day of
the evaluation (``today``) is always passed in. Everything dated after ``today`` is ignored.
``docs/health.md`` explains the rules for people; this docstring is the reference.

The flags
=========

Each :class:`Flag` takes ``penalty`` points off the score, counts its ``count`` occurrences,
carries the numbers for the UI in ``facts`` (strings: Decimal ``str``, whole numbers, ISO dates;
``""`` when a number does not exist) and at least one piece of :class:`Evidence`, newest first
(at most :data:`MAX_EVIDENCE`; ``count`` is always the full number).

``out_of_scope_repeated``
    Requests with ``addition`` in their kinds and scope ``excluded`` or ``out_of_scope``. Flagged
    when more than ``out_of_scope_per_window`` fall in the window ``(today - window_days, today]``.
    Penalty ``5 × (in window - per_window) + min(total, 10)``, at most 30.
    Facts: ``in_window``, ``window_days``, ``per_window``, ``total``. Evidence: the requests in
    the window. ``count`` is ``in_window``.
``allowance_exceeded``
    More concepts or revision rounds delivered than agreed (``ProjectState.concepts.over`` /
    ``revision_rounds.over``; accepted change orders raise the allowance). Penalty
    ``5 + 5 × excess``, at most 25. Facts: ``concepts_used``, ``concepts_agreed``,
    ``concepts_over``, ``rounds_used``, ``rounds_agreed``, ``rounds_over``. Evidence: the
    ``concepts_delivered`` / ``revision_round`` events that went beyond the allowance, and the
    requests of kind ``extra_concept`` / ``revision`` decided ``do_it`` on or after the day the
    allowance was used up. ``count`` is the excess.
``discount_demands``, ``refund_demands``, ``threats``
    Requests whose kinds include ``discount`` / ``refund`` / ``threat``. Penalty per request
    5 / 8 / 10, at most 20 / 24 / 30. Facts: ``count``. Evidence: those requests.
``advice_overridden``
    ``AdviceOverridden`` events and requests marked ``advice_overridden`` (the web writes both
    for one decision, so ``count = max(events, requests)``). Penalty 6 each, at most 24. Facts:
    ``events``, ``requests``. Evidence: both.
``over_budget``
    Two tests, added together, at most 30:

    * the rate: the effective hourly rate below the floor. The floor is
      ``rate_floors[currency]`` when set, else ``hourly_rate × rate_floor_percent / 100``; with
      neither, no rate test. On a fixed price the rate is the ledger's
      ``ProjectState.effective_hourly_rate`` (fees ÷ every hour logged). On an hourly price every
      billed hour is paid at the agreed rate, so only unbilled hours (favours) pull the rate
      down; measuring fees ÷ hours there would let a further billed hour lift the score again.
      So an hourly project's rate is the rate over the budgeted job with the favours on top:
      ``(budget_hours × rate + accepted change orders) ÷ (budget_hours + favour hours)``, tested
      once a favour is logged (``rate_basis`` says which: ``"ledger"`` or ``"budget"``).
      Penalty ``10 + shortfall% // 5`` where ``shortfall% = (floor - rate) / floor × 100``;
    * the hours: every hour logged (favours included) more than ``over_budget_percent`` over the
      budgeted hours (the scope items' hours plus accepted change orders' hours; without them,
      the price's amount ÷ the hourly rate). Penalty ``10 + (over% - over_budget_percent) // 10``.

    Facts: ``effective_rate``, ``ledger_rate``, ``rate_basis``, ``floor``, ``currency``,
    ``hours``, ``budget_hours``, ``shortfall_percent``, ``over_percent`` (whole percent).
    Evidence: the hours and favour events (at most 10). ``count`` is the number of those events.
``overdue_payment``
    Money due and unpaid for more than ``payment_grace_days``. What is due, and when:

    * the deposit on the agreement's ``start``, or on the first event's date without a start;
    * on a fixed price, the rest of the price on the ``deadline`` (never, without a deadline);
    * on an hourly price, each ``hours`` event's fee (hours × rate) on its date; the deposit is
      an advance on those fees, so what is due by a day is the larger of the two;
    * each accepted change order's amount on its date.

    Payments less refunds (as of ``today``) pay the oldest dues first; what is left of the dues
    older than the grace period (``today - due > payment_grace_days``) is overdue. Penalty
    ``10 + min(2 × whole weeks past the grace period, 10) + 10 × min(overdue ÷ price, 1)``
    (rounded down; the price is the fixed price or the hourly estimate, else the budgeted
    hours × rate, else that part is 0), at most 30. Facts: ``amount``, ``currency``, ``due``
    (the oldest unpaid due date), ``days_overdue`` (today - due), ``grace_days``. Evidence: the
    event of the oldest unpaid due (an hours event or a change order) and the latest payment;
    when neither exists, the newest event. A project without any event yet gets no overdue
    flag (there is no evidence to show, and work usually starts with the deposit).
``outside_skills``
    Requests whose action is ``decline`` and that match no advice entry: the reply composer
    then declines because the work is outside the provider's skills. Penalty 5 each, at most
    15. Facts: ``count``. Evidence: those requests.

The score and the trend
=======================

``score = 100 - Σ penalties``, clamped to 0..100, over every project's flags together;
``consider_ending`` when it is below ``Thresholds.consider_ending_below``. Every penalty is a
capped, non-decreasing function of counts and sums, so adding a request, or any ledger event
other than a payment or an accepted change order, dated on or before ``today`` never raises the
score (a property test checks it). :func:`health_trend` gives the score at the end of each of
the last weeks, each seeing only what is dated on or before its day.

Performance: each history is sorted and folded once per call, with running totals recorded at
each trend day; the :class:`~scopeline.core.ledger.ProjectState` of a day is projected from
those totals, so a trend costs one pass over the events, not one per point.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final, Literal, TypeAlias, get_args

from scopeline.core._validate import MAX_NUMBER
from scopeline.core.agreement import Agreement
from scopeline.core.events import (
    AdviceOverridden,
    ChangeOrderAccepted,
    ConceptsDelivered,
    Event,
    Favor,
    Hours,
    Payment,
    Refund,
    RevisionRound,
)
from scopeline.core.ledger import ProjectState, project_state
from scopeline.core.money import HUNDRED, ZERO, quantize

FlagCode: TypeAlias = Literal[
    "out_of_scope_repeated",
    "allowance_exceeded",
    "discount_demands",
    "refund_demands",
    "threats",
    "advice_overridden",
    "over_budget",
    "overdue_payment",
    "outside_skills",
]
FLAG_CODES: Final[tuple[FlagCode, ...]] = get_args(FlagCode)

MAX_EVIDENCE: Final = 20
"""At most this many pieces of evidence per flag (the newest); ``Flag.count`` has them all."""
MAX_HOURS_EVIDENCE: Final = 10

OUT_OF_SCOPE_STEP: Final = 5
OUT_OF_SCOPE_TOTAL_CAP: Final = 10
OUT_OF_SCOPE_CAP: Final = 30
ALLOWANCE_BASE: Final = 5
ALLOWANCE_STEP: Final = 5
ALLOWANCE_CAP: Final = 25
PER_REQUEST: Final[Mapping[FlagCode, tuple[int, int]]] = MappingProxyType(
    {
        "discount_demands": (5, 20),
        "refund_demands": (8, 24),
        "threats": (10, 30),
        "advice_overridden": (6, 24),
        "outside_skills": (5, 15),
    }
)
"""Points per occurrence and the most a flag takes off, for the flags that count occurrences."""
RATE_BASE: Final = 10
RATE_PERCENT_PER_POINT: Final = 5
HOURS_BASE: Final = 10
HOURS_PERCENT_PER_POINT: Final = 10
OVER_BUDGET_CAP: Final = 30
OVERDUE_BASE: Final = 10
OVERDUE_POINTS_PER_WEEK: Final = 2
OVERDUE_LATE_CAP: Final = 10
OVERDUE_SHARE_POINTS: Final = 10
OVERDUE_CAP: Final = 30

_LARGEST: Final = MAX_NUMBER - 1
_OUT_OF_SCOPE: Final = frozenset({"excluded", "out_of_scope"})
_CODE_ORDER: Final = {code: i for i, code in enumerate(FLAG_CODES)}


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One triaged client message (the web app's ClientRequest)."""

    ref: str
    """The caller's id (the web uses ``str(pk)``); used in :class:`Evidence`."""
    date: dt.date
    """Received."""
    kinds: tuple[str, ...]
    """Verdict kinds, primary first."""
    scope: str
    """``in_scope``, ``excluded``, ``out_of_scope`` or ``not_applicable``."""
    action: str
    """The decided action if decided, else the suggested one."""
    decided: bool = False
    advice: str | None = None
    """The advice-library entry the verdict matched, if any."""
    advice_overridden: bool = False
    """The user marked "the client insisted against my advice"."""


@dataclass(frozen=True, slots=True)
class ProjectHistory:
    """A project as health sees it: the agreement, its ledger events and its requests."""

    ref: str
    agreement: Agreement
    """Its ``ledger`` is ignored: the events come from ``events``."""
    events: tuple[Event, ...] = ()
    """Core ledger events, in any order."""
    event_refs: tuple[str, ...] = ()
    """Parallel to ``events`` (the web's LedgerEvent pk as str); when empty, the refs are the
    indexes in ``events``: ``"0"``, ``"1"``, ..."""
    requests: tuple[RequestRecord, ...] = ()

    def __post_init__(self) -> None:
        if self.event_refs and len(self.event_refs) != len(self.events):
            raise ValueError(
                f"event_refs has {len(self.event_refs)} refs for {len(self.events)} events"
            )


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The workspace's settings for health (all configurable; the defaults are the product's)."""

    out_of_scope_window_days: int = 30
    out_of_scope_per_window: int = 2
    """More than this many out-of-scope additions in the window raise the flag."""
    rate_floor_percent: Decimal = Decimal(70)
    """The effective rate is too low below this percentage of the agreed hourly rate."""
    rate_floors: Mapping[str, Decimal] = field(default_factory=dict)
    """An absolute floor per currency (``{"EUR": Decimal(50)}``); wins over the percentage."""
    over_budget_percent: Decimal = Decimal(20)
    """Hours more than this percentage over the budgeted hours raise the flag."""
    payment_grace_days: int = 14
    consider_ending_below: int = 50
    """A score strictly below this suggests considering ending the relationship."""

    def __post_init__(self) -> None:
        if self.out_of_scope_window_days < 1:
            raise ValueError("out_of_scope_window_days must be at least 1")
        if self.out_of_scope_per_window < 0:
            raise ValueError("out_of_scope_per_window must not be negative")
        if self.payment_grace_days < 0:
            raise ValueError("payment_grace_days must not be negative")
        for name in ("rate_floor_percent", "over_budget_percent"):
            value = getattr(self, name)
            if not isinstance(value, Decimal | int) or not Decimal(value).is_finite() or value < 0:
                raise ValueError(f"{name} must be a number of at least 0, got {value!r}")
        floors: dict[str, Decimal] = {}
        for currency, floor in self.rate_floors.items():
            if not isinstance(floor, Decimal | int) or not Decimal(floor).is_finite() or floor <= 0:
                raise ValueError(f"rate_floors[{currency!r}] must be a positive number")
            floors[currency] = Decimal(floor)
        # A read-only copy: a caller changing its dict later must not change these thresholds.
        object.__setattr__(self, "rate_floors", MappingProxyType(floors))

    def floor(self, currency: str, hourly_rate: Decimal | None) -> Decimal | None:
        """The lowest acceptable effective hourly rate in ``currency``, if one can be said."""
        absolute = self.rate_floors.get(currency)
        if absolute is not None:
            return absolute
        if hourly_rate is None:
            return None
        return quantize(hourly_rate * self.rate_floor_percent / HUNDRED, currency)


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: Literal["request", "event"]
    ref: str
    """A :attr:`RequestRecord.ref` or an event ref."""
    project: str
    """The :attr:`ProjectHistory.ref`."""
    date: dt.date


@dataclass(frozen=True, slots=True)
class Flag:
    code: FlagCode
    project: str | None
    """The project's ref; None for a client-wide flag."""
    penalty: int
    """Points this flag takes off the score (> 0)."""
    count: int
    """Occurrences."""
    facts: Mapping[str, str]
    """The numbers for the UI to phrase, per code (see the module docstring)."""
    evidence: tuple[Evidence, ...]
    """Newest first; at least one."""

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "project": self.project,
            "penalty": self.penalty,
            "count": self.count,
            "facts": dict(self.facts),
            "evidence": [
                {"kind": e.kind, "ref": e.ref, "project": e.project, "date": e.date.isoformat()}
                for e in self.evidence
            ],
        }


@dataclass(frozen=True, slots=True)
class Health:
    score: int
    """0..100; 100 means no flags."""
    flags: tuple[Flag, ...]
    """Largest penalty first (then in :data:`FLAG_CODES` order, then by project)."""
    consider_ending: bool
    """The score is below ``Thresholds.consider_ending_below``."""
    creep_rate: Decimal | None
    """Out-of-scope and excluded additions ÷ all requests, 0..1 to three decimals (None without
    requests)."""

    def as_dict(self) -> dict[str, object]:
        """JSON-safe: Decimals and dates as strings. :meth:`from_dict` reads it back."""
        return {
            "score": self.score,
            "consider_ending": self.consider_ending,
            "creep_rate": None if self.creep_rate is None else str(self.creep_rate),
            "flags": [flag.as_dict() for flag in self.flags],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Health:
        """The :class:`Health` that :meth:`as_dict` stored (ValueError if it is not one)."""
        try:
            flags = tuple(_flag_from_dict(item) for item in _list(data["flags"]))
            creep = data["creep_rate"]
            score = data["score"]
            ending = data["consider_ending"]
            if not isinstance(score, int) or not isinstance(ending, bool):
                raise TypeError("score and consider_ending")
            return cls(
                score=score,
                flags=flags,
                consider_ending=ending,
                creep_rate=None if creep is None else Decimal(str(creep)),
            )
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise ValueError(f"not a stored health: {exc}") from exc


@dataclass(frozen=True, slots=True)
class TrendPoint:
    date: dt.date
    score: int


# ------------------------------------------------------------------------------ public calls


def project_flags(history: ProjectHistory, thresholds: Thresholds, today: dt.date) -> list[Flag]:
    """The red flags of one project on ``today``, largest penalty first."""
    prepared = _Prepared(history, (today,))
    return sorted(prepared.flags(0, thresholds, evidence=True), key=_flag_order)


def client_health(
    histories: Sequence[ProjectHistory], thresholds: Thresholds, today: dt.date
) -> Health:
    """The health of a client on ``today``: every project's flags together, and the score."""
    prepared = [_Prepared(history, (today,)) for history in histories]
    return _health(prepared, 0, thresholds)


def health_trend(
    histories: Sequence[ProjectHistory],
    thresholds: Thresholds,
    today: dt.date,
    *,
    weeks: int = 12,
) -> list[TrendPoint]:
    """The score at the end of each of the last ``weeks`` weeks, oldest first.

    The last point is ``today``, the others 7, 14, ... days before; each is computed with only
    the events and requests dated on or before its day, as :func:`client_health` would on it.
    """
    days = _trend_days(today, weeks)
    return _trend([_Prepared(history, days) for history in histories], days, thresholds)


def client_health_with_trend(
    histories: Sequence[ProjectHistory],
    thresholds: Thresholds,
    today: dt.date,
    *,
    weeks: int = 12,
) -> tuple[Health, list[TrendPoint]]:
    """:func:`client_health` and :func:`health_trend` together, reading each history once
    (what a page that shows both, or a nightly refresh, should call)."""
    days = _trend_days(today, weeks)
    prepared = [_Prepared(history, days) for history in histories]
    return _health(prepared, weeks - 1, thresholds), _trend(prepared, days, thresholds)


# ------------------------------------------------------------------------------- internals


def _trend_days(today: dt.date, weeks: int) -> tuple[dt.date, ...]:
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    return tuple(today - dt.timedelta(days=7 * (weeks - 1 - i)) for i in range(weeks))


def _health(prepared: Sequence[_Prepared], which: int, thresholds: Thresholds) -> Health:
    flags: list[Flag] = []
    creep = total = 0
    for project in prepared:
        day = project.days[which]
        flags.extend(project.flags(which, thresholds, evidence=True))
        creep += project.requests_out_of_scope.upto(day)
        total += project.requests_all.upto(day)
    flags.sort(key=_flag_order)
    score = _score_of(sum(flag.penalty for flag in flags))
    return Health(
        score=score,
        flags=tuple(flags),
        consider_ending=score < thresholds.consider_ending_below,
        creep_rate=None
        if total == 0
        else (Decimal(creep) / total).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
    )


def _trend(
    prepared: Sequence[_Prepared], days: Sequence[dt.date], thresholds: Thresholds
) -> list[TrendPoint]:
    penalties = [0] * len(days)
    for project in prepared:
        for i in range(len(days)):
            penalties[i] += sum(f.penalty for f in project.flags(i, thresholds, evidence=False))
    return [TrendPoint(day, _score_of(total)) for day, total in zip(days, penalties, strict=True)]


def _score_of(total: int) -> int:
    return max(0, min(100, 100 - total))


def _flag_order(flag: Flag) -> tuple[int, int, str]:
    return (-flag.penalty, _CODE_ORDER[flag.code], flag.project or "")


@dataclass(slots=True)
class _Totals:
    """Running totals of a project's events, oldest first, up to some day."""

    count: int = 0
    paid: Decimal = ZERO
    refunded: Decimal = ZERO
    concepts: int = 0
    rounds: int = 0
    billable: Decimal = ZERO
    favor: Decimal = ZERO
    co_amount: Decimal = ZERO
    co_hours: Decimal = ZERO
    has_co_hours: bool = False
    co_concepts: int = 0
    co_rounds: int = 0
    advice_events: int = 0
    work_events: int = 0
    """Hours and favour events."""
    last_payment: int = -1
    """Index (in date order) of the latest payment, -1 when none."""


class _Dated:
    """Items sorted by date with a bisectable key: how many fall on or before a day."""

    __slots__ = ("items", "keys")

    def __init__(self, items: list[tuple[dt.date, int, RequestRecord]]) -> None:
        items.sort(key=lambda item: (item[0], item[1]))
        self.items = items
        self.keys = [item[0].toordinal() for item in items]

    def upto(self, day: dt.date) -> int:
        return bisect_right(self.keys, day.toordinal())

    def between(self, after: dt.date, day: dt.date) -> int:
        """How many are dated in ``(after, day]``."""
        return self.upto(day) - bisect_right(self.keys, after.toordinal())

    def newest(self, day: dt.date, after: dt.date | None = None) -> list[RequestRecord]:
        end = self.upto(day)
        start = 0 if after is None else bisect_right(self.keys, after.toordinal())
        return [item[2] for item in reversed(self.items[start:end])]


class _Prepared:
    """One history sorted and folded once, with its totals at each of the given days."""

    def __init__(self, history: ProjectHistory, days: Sequence[dt.date]) -> None:
        self.history = history
        agreement = history.agreement
        self.agreement = agreement
        self.currency = agreement.currency
        refs = history.event_refs or tuple(str(i) for i in range(len(history.events)))
        dates = [event.date for event in history.events]
        order = sorted(range(len(dates)), key=dates.__getitem__)  # stable: ties keep their order
        self.events: list[Event] = [history.events[i] for i in order]
        self.refs: list[str] = [refs[i] for i in order]
        self.days = tuple(days)
        self._fold()
        self._sort_requests(history.requests)

    # --- the fold

    def _fold(self) -> None:
        hourly = self.agreement.price.model == "hourly"
        rate = self.agreement.price.hourly_rate
        currency = self.currency
        # Dues from events: date ordinal, hourly fees so far, change orders so far, index.
        self.due_keys: list[int] = []
        self.due_fees: list[Decimal] = []
        self.due_orders: list[Decimal] = []
        self.due_index: list[int] = []
        # Indexes of the events some flags cite, in date order.
        self.work_events: list[int] = []
        self.advice_events: list[int] = []
        self.deliveries: dict[type[ConceptsDelivered | RevisionRound], list[int]] = {
            ConceptsDelivered: [],
            RevisionRound: [],
        }
        fees = orders = ZERO
        run = _Totals()
        snapshots: dict[int, _Totals] = {}
        pending = sorted({day.toordinal() for day in self.days}, reverse=True)
        index = 0
        for index, event in enumerate(self.events):
            when = event.date.toordinal()
            while pending and when > pending[-1]:
                snapshots[pending.pop()] = replace(run, count=index)
            if not pending:
                break
            kind = type(event)
            if kind is Hours:
                assert isinstance(event, Hours)
                run.billable += event.hours
                run.work_events += 1
                self.work_events.append(index)
                if hourly and rate is not None:
                    fees += quantize(event.hours * rate, currency)
                    self._due(when, fees, orders, index)
            elif kind is Payment:
                assert isinstance(event, Payment)
                run.paid += event.amount
                run.last_payment = index
            elif kind is Favor:
                assert isinstance(event, Favor)
                run.favor += event.hours
                run.work_events += 1
                self.work_events.append(index)
            elif kind is ConceptsDelivered or kind is RevisionRound:
                assert isinstance(event, ConceptsDelivered | RevisionRound)
                self.deliveries[kind].append(index)
                if kind is ConceptsDelivered:
                    run.concepts += event.count
                else:
                    run.rounds += event.count
            elif kind is Refund:
                assert isinstance(event, Refund)
                run.refunded += event.amount
            elif kind is AdviceOverridden:
                run.advice_events += 1
                self.advice_events.append(index)
            elif kind is ChangeOrderAccepted:
                assert isinstance(event, ChangeOrderAccepted)
                amount = quantize(event.amount, currency)
                run.co_amount += amount
                if event.hours is not None:
                    run.co_hours += event.hours
                    run.has_co_hours = True
                run.co_concepts += event.concepts
                run.co_rounds += event.revision_rounds
                if amount > 0:
                    orders += amount
                    self._due(when, fees, orders, index)
        else:
            index = len(self.events)
        for day in pending:
            snapshots[day] = replace(run, count=index)
        self.totals = [snapshots[day.toordinal()] for day in self.days]

    def _due(self, when: int, fees: Decimal, orders: Decimal, index: int) -> None:
        self.due_keys.append(when)
        self.due_fees.append(fees)
        self.due_orders.append(orders)
        self.due_index.append(index)

    def _sort_requests(self, requests: Sequence[RequestRecord]) -> None:
        buckets: dict[str, list[tuple[dt.date, int, RequestRecord]]] = {
            name: []
            for name in (
                "all",
                "oos",
                "discount",
                "refund",
                "threat",
                "advice",
                "outside",
                "extra_concept",
                "revision",
            )
        }
        for i, request in enumerate(requests):
            item = (request.date, i, request)
            buckets["all"].append(item)
            kinds = request.kinds
            if "addition" in kinds and request.scope in _OUT_OF_SCOPE:
                buckets["oos"].append(item)
            for kind in ("discount", "refund", "threat"):
                if kind in kinds:
                    buckets[kind].append(item)
            if request.advice_overridden:
                buckets["advice"].append(item)
            if request.action == "decline" and request.advice is None:
                buckets["outside"].append(item)
            if request.decided and request.action == "do_it":
                for kind in ("extra_concept", "revision"):
                    if kind in kinds:
                        buckets[kind].append(item)
        self.requests_all = _Dated(buckets["all"])
        self.requests_out_of_scope = _Dated(buckets["oos"])
        self.requests_discount = _Dated(buckets["discount"])
        self.requests_refund = _Dated(buckets["refund"])
        self.requests_threat = _Dated(buckets["threat"])
        self.requests_advice = _Dated(buckets["advice"])
        self.requests_outside = _Dated(buckets["outside"])
        self.requests_extra_concept = _Dated(buckets["extra_concept"])
        self.requests_revision = _Dated(buckets["revision"])

    def state(self, totals: _Totals) -> ProjectState:
        """The ledger's state from the running totals: the same fold over a few events that add
        up to the real ones, so that fees, deposit, budget and allowances follow ledger.py."""
        day = dt.date.min
        events: list[Event] = []
        events += [Payment(date=day, amount=part) for part in _parts(totals.paid)]
        events += [Refund(date=day, amount=part) for part in _parts(totals.refunded)]
        events += [Hours(date=day, hours=part) for part in _parts(totals.billable)]
        events += [Favor(date=day, hours=part) for part in _parts(totals.favor)]
        if totals.concepts:
            events.append(ConceptsDelivered(date=day, count=totals.concepts))
        if totals.rounds:
            events.append(RevisionRound(date=day, count=totals.rounds))
        amounts = _parts(totals.co_amount)
        hours = _parts(totals.co_hours)
        if amounts or totals.has_co_hours or totals.co_concepts or totals.co_rounds:
            for i in range(max(len(amounts), len(hours), 1)):
                events.append(
                    ChangeOrderAccepted(
                        date=day,
                        ref=f"*{i}",
                        amount=amounts[i] if i < len(amounts) else ZERO,
                        hours=(hours[i] if i < len(hours) else ZERO)
                        if totals.has_co_hours
                        else None,
                        concepts=totals.co_concepts if i == 0 else 0,
                        revision_rounds=totals.co_rounds if i == 0 else 0,
                    )
                )
        return project_state(self.agreement, events)

    # --- the flags on one of the days

    def flags(self, which: int, thresholds: Thresholds, *, evidence: bool) -> list[Flag]:
        day = self.days[which]
        totals = self.totals[which]
        state = self.state(totals)
        out: list[Flag] = []
        for flag in (
            self._out_of_scope(day, thresholds, evidence),
            self._allowance(day, totals, state, evidence),
            self._per_request("discount_demands", self.requests_discount, day, evidence),
            self._per_request("refund_demands", self.requests_refund, day, evidence),
            self._per_request("threats", self.requests_threat, day, evidence),
            self._advice(day, totals, evidence),
            self._over_budget(totals, state, thresholds, evidence),
            self._overdue(day, totals, state, thresholds, evidence),
            self._per_request("outside_skills", self.requests_outside, day, evidence),
        ):
            if flag is not None:
                out.append(flag)
        return out

    def _flag(
        self,
        code: FlagCode,
        penalty: int,
        count: int,
        facts: dict[str, str],
        evidence: list[Evidence],
    ) -> Flag:
        evidence.sort(key=lambda e: e.date, reverse=True)  # stable: ties keep their order
        return Flag(code, self.history.ref, penalty, count, facts, tuple(evidence[:MAX_EVIDENCE]))

    def _requests(self, records: list[RequestRecord]) -> list[Evidence]:
        ref = self.history.ref
        return [Evidence("request", r.ref, ref, r.date) for r in records]

    def _events(self, indexes: Sequence[int]) -> list[Evidence]:
        ref = self.history.ref
        return [Evidence("event", self.refs[i], ref, self.events[i].date) for i in indexes]

    def _out_of_scope(self, day: dt.date, thresholds: Thresholds, evidence: bool) -> Flag | None:
        requests = self.requests_out_of_scope
        window_start = day - dt.timedelta(days=thresholds.out_of_scope_window_days)
        in_window = requests.between(window_start, day)
        allowed = thresholds.out_of_scope_per_window
        if in_window <= allowed:
            return None
        total = requests.upto(day)
        penalty = min(
            OUT_OF_SCOPE_CAP,
            OUT_OF_SCOPE_STEP * (in_window - allowed) + min(total, OUT_OF_SCOPE_TOTAL_CAP),
        )
        facts = {
            "in_window": str(in_window),
            "window_days": str(thresholds.out_of_scope_window_days),
            "per_window": str(allowed),
            "total": str(total),
        }
        found = self._requests(requests.newest(day, window_start)) if evidence else []
        return self._flag("out_of_scope_repeated", penalty, in_window, facts, found)

    def _allowance(
        self, day: dt.date, totals: _Totals, state: ProjectState, evidence: bool
    ) -> Flag | None:
        concepts, rounds = state.concepts, state.revision_rounds
        excess = concepts.over + rounds.over
        if excess <= 0:
            return None
        penalty = min(ALLOWANCE_CAP, ALLOWANCE_BASE + ALLOWANCE_STEP * excess)
        facts = {
            "concepts_used": str(concepts.used),
            "concepts_agreed": _str(concepts.agreed),
            "concepts_over": str(concepts.over),
            "rounds_used": str(rounds.used),
            "rounds_agreed": _str(rounds.agreed),
            "rounds_over": str(rounds.over),
        }
        found: list[Evidence] = []
        if evidence:
            if concepts.over and concepts.agreed is not None:
                found += self._beyond(
                    ConceptsDelivered,
                    concepts.agreed,
                    self.requests_extra_concept,
                    day,
                    totals.count,
                )
            if rounds.over and rounds.agreed is not None:
                found += self._beyond(
                    RevisionRound, rounds.agreed, self.requests_revision, day, totals.count
                )
        return self._flag("allowance_exceeded", penalty, excess, facts, found)

    def _beyond(
        self,
        kind: type[ConceptsDelivered | RevisionRound],
        agreed: int,
        requests: _Dated,
        day: dt.date,
        count: int,
    ) -> list[Evidence]:
        """The deliveries beyond ``agreed`` and the requests for one more decided ``do_it``
        on or after the day the allowance was used up."""
        used = 0
        used_up = dt.date.min if agreed == 0 else None
        beyond: list[int] = []
        for i in self.deliveries[kind]:
            if i >= count:
                break
            event = self.events[i]
            assert isinstance(event, ConceptsDelivered | RevisionRound)
            used += event.count
            if used_up is None and used >= agreed:
                used_up = event.date
            if used > agreed:
                beyond.append(i)
        found = self._events(beyond[-MAX_EVIDENCE:])
        if used_up is not None:
            found += self._requests([r for r in requests.newest(day) if r.date >= used_up])
        return found

    def _per_request(
        self, code: FlagCode, requests: _Dated, day: dt.date, evidence: bool
    ) -> Flag | None:
        count = requests.upto(day)
        if count == 0:
            return None
        each, cap = PER_REQUEST[code]
        found = self._requests(requests.newest(day)[:MAX_EVIDENCE]) if evidence else []
        return self._flag(code, min(cap, each * count), count, {"count": str(count)}, found)

    def _advice(self, day: dt.date, totals: _Totals, evidence: bool) -> Flag | None:
        from_requests = self.requests_advice.upto(day)
        count = max(totals.advice_events, from_requests)
        if count == 0:
            return None
        each, cap = PER_REQUEST["advice_overridden"]
        found: list[Evidence] = []
        if evidence:
            events = self.advice_events[: bisect_left(self.advice_events, totals.count)]
            found = self._events(events[-MAX_EVIDENCE:])
            found += self._requests(self.requests_advice.newest(day)[:MAX_EVIDENCE])
        facts = {"events": str(totals.advice_events), "requests": str(from_requests)}
        return self._flag("advice_overridden", min(cap, each * count), count, facts, found)

    def _budget_hours(self, state: ProjectState) -> Decimal | None:
        if state.hours_budgeted is not None:
            return state.hours_budgeted
        if state.bid is not None and state.hourly_rate:
            return state.bid / state.hourly_rate
        return None

    def _over_budget(
        self, totals: _Totals, state: ProjectState, thresholds: Thresholds, evidence: bool
    ) -> Flag | None:
        if totals.work_events == 0:
            return None
        currency = self.currency
        floor = thresholds.floor(currency, state.hourly_rate)
        budget = self._budget_hours(state)
        hours = state.hours_logged

        rate: Decimal | None = None
        basis = "ledger"
        if state.price_model == "hourly":
            basis = "budget"
            if budget and state.hourly_rate is not None and state.hours_favor > 0:
                fees = quantize(budget * state.hourly_rate, currency) + state.change_orders_total
                rate = quantize(fees / (budget + state.hours_favor), currency)
        else:
            rate = state.effective_hourly_rate
        penalty = 0
        shortfall: Decimal | None = None
        if floor is not None and floor > 0 and rate is not None and rate < floor:
            shortfall = (floor - rate) * HUNDRED / floor
            penalty += RATE_BASE + int(shortfall // RATE_PERCENT_PER_POINT)
        over: Decimal | None = None
        if budget:
            over = (hours - budget) * HUNDRED / budget
            if over > thresholds.over_budget_percent:
                beyond = over - thresholds.over_budget_percent
                penalty += HOURS_BASE + int(beyond // HOURS_PERCENT_PER_POINT)
        if penalty == 0:
            return None
        facts = {
            "effective_rate": _str(rate),
            "ledger_rate": _str(state.effective_hourly_rate),
            "rate_basis": basis,
            "floor": _str(floor),
            "currency": currency,
            "hours": str(hours),
            "budget_hours": "" if budget is None else str(budget.quantize(Decimal("0.01"))),
            "shortfall_percent": _percent(shortfall),
            "over_percent": _percent(over),
        }
        found: list[Evidence] = []
        if evidence:
            end = bisect_left(self.work_events, totals.count)
            found = self._events(self.work_events[max(0, end - MAX_HOURS_EVIDENCE) : end])
        return self._flag(
            "over_budget", min(OVER_BUDGET_CAP, penalty), totals.work_events, facts, found
        )

    def _overdue(
        self,
        day: dt.date,
        totals: _Totals,
        state: ProjectState,
        thresholds: Thresholds,
        evidence: bool,
    ) -> Flag | None:
        if totals.count == 0:
            return None
        agreement = self.agreement
        start = agreement.start or self.events[0].date
        deadline = agreement.deadline
        deposit = state.deposit_amount or ZERO
        hourly = state.price_model == "hourly"
        rest = ZERO if hourly or state.bid is None else state.bid - deposit

        def due_by(date: dt.date) -> Decimal:
            k = bisect_right(self.due_keys, date.toordinal())
            fees = self.due_fees[k - 1] if k else ZERO
            orders = self.due_orders[k - 1] if k else ZERO
            advance = deposit if date >= start else ZERO
            if hourly:
                return max(advance, fees) + orders
            final = rest if deadline is not None and date >= deadline else ZERO
            return advance + final + orders

        paid = max(state.paid, ZERO)  # refunds beyond the payments are not a debt
        cutoff = day - dt.timedelta(days=thresholds.payment_grace_days + 1)
        overdue = due_by(cutoff) - paid
        if overdue <= 0:
            return None
        # The oldest unpaid due: the first day on which more was due than has been paid.
        # Dues only grow with the day, so search the days on which they change.
        candidates = [d for d in (start, deadline) if d is not None and d <= cutoff]
        lo, hi = 0, bisect_right(self.due_keys, cutoff.toordinal())
        while lo < hi:
            mid = (lo + hi) // 2
            if due_by(dt.date.fromordinal(self.due_keys[mid])) > paid:
                hi = mid
            else:
                lo = mid + 1
        if lo < len(self.due_keys) and self.due_keys[lo] <= cutoff.toordinal():
            candidates.append(dt.date.fromordinal(self.due_keys[lo]))
        oldest = min(d for d in candidates if due_by(d) > paid)
        days_overdue = (day - oldest).days
        weeks_late = (days_overdue - thresholds.payment_grace_days) // 7
        base = state.bid
        if base is None and state.hourly_rate is not None:
            budget = self._budget_hours(state)
            base = None if budget is None else quantize(budget * state.hourly_rate, self.currency)
        share = 0
        if base is not None and base > 0:
            share = int(min(overdue / base, Decimal(1)) * OVERDUE_SHARE_POINTS)
        lateness = min(OVERDUE_LATE_CAP, OVERDUE_POINTS_PER_WEEK * weeks_late)
        penalty = min(OVERDUE_CAP, OVERDUE_BASE + lateness + share)
        facts = {
            "amount": str(quantize(overdue, self.currency)),
            "currency": self.currency,
            "due": oldest.isoformat(),
            "days_overdue": str(days_overdue),
            "grace_days": str(thresholds.payment_grace_days),
        }
        found: list[Evidence] = []
        if evidence:
            due_event = [
                self.due_index[i]
                for i in range(len(self.due_keys))
                if self.due_keys[i] == oldest.toordinal() and self.due_index[i] < totals.count
            ][:1]
            payment = [totals.last_payment] if totals.last_payment >= 0 else []
            found = self._events(due_event + payment) or self._events([totals.count - 1])
        return self._flag("overdue_payment", penalty, 1, facts, found)


def _parts(total: Decimal) -> list[Decimal]:
    """``total`` as positive pieces that each pass the events' size check (a long ledger can
    add up to more than one event may hold)."""
    out: list[Decimal] = []
    while total > 0:
        part = min(total, _LARGEST)
        out.append(part)
        total -= part
    return out


def _str(value: Decimal | int | None) -> str:
    return "" if value is None else str(value)


def _percent(value: Decimal | None) -> str:
    return "" if value is None else str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def _flag_from_dict(item: object) -> Flag:
    if not isinstance(item, dict):
        raise TypeError("a flag must be a mapping")
    code = item["code"]
    if code not in FLAG_CODES:
        raise ValueError(f"unknown flag code {code!r}")
    project = item["project"]
    penalty, count = item["penalty"], item["count"]
    facts = item["facts"]
    if (
        not (project is None or isinstance(project, str))
        or not isinstance(penalty, int)
        or not isinstance(count, int)
        or not isinstance(facts, dict)
    ):
        raise TypeError("a flag's project, penalty, count or facts")
    evidence: list[Evidence] = []
    for entry in _list(item["evidence"]):
        if not isinstance(entry, dict) or entry["kind"] not in ("request", "event"):
            raise TypeError("evidence")
        evidence.append(
            Evidence(
                kind=entry["kind"],
                ref=str(entry["ref"]),
                project=str(entry["project"]),
                date=dt.date.fromisoformat(str(entry["date"])),
            )
        )
    return Flag(
        code=code,
        project=project,
        penalty=penalty,
        count=count,
        facts={str(k): str(v) for k, v in facts.items()},
        evidence=tuple(evidence),
    )
