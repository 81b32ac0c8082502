"""The agreement, format v1: what was agreed, as frozen values.

Read one from a file with :func:`scopeline.core.load_agreement` (YAML or JSON); the field
names are the contract with users and tools described in ``docs/agreement-format.md``.
"""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal
from typing import Final, Literal

import msgspec

from scopeline.core._validate import (
    FieldError,
    require_count,
    require_id,
    require_number,
    require_text,
    shown,
)
from scopeline.core.errors import Problem
from scopeline.core.events import Event, event_type
from scopeline.core.languages import Language, parse_language, suggest_language
from scopeline.core.money import HUNDRED, fits_minor_unit, is_known_currency

FORMAT_VERSION: Final = 1


class _Struct(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class Client(_Struct, frozen=True):
    name: str
    language: str
    """One of ``en``, ``fi``, ``ro``, ``zh-Hant``, ``zh-Hans`` (normalised on load)."""
    contact: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        require_text("name", self.name)
        lang = parse_language(self.language)
        if lang is None:
            hint = suggest_language(self.language)
            supported = "en, fi, ro, zh-Hant, zh-Hans"
            message = f"unsupported language {shown(self.language)}; use one of {supported}"
            if hint:
                message += f" (did you mean {hint!r}?)"
            raise FieldError("language", message)
        # Normalise the spelling ("ZH-hant" -> "zh-Hant") so that every reader sees one form.
        msgspec.structs.force_setattr(self, "language", lang)
        require_text("contact", self.contact, optional=True)
        require_text("email", self.email, optional=True)

    @property
    def lang(self) -> Language:
        lang = parse_language(self.language)
        assert lang is not None  # checked in __post_init__
        return lang


class Provider(_Struct, frozen=True):
    name: str
    skills: tuple[str, ...] = ()
    email: str | None = None

    def __post_init__(self) -> None:
        require_text("name", self.name)
        for i, skill in enumerate(self.skills):
            require_text(f"skills[{i}]", skill)


class Price(_Struct, frozen=True):
    model: Literal["fixed", "hourly"]
    amount: Decimal | None = None
    """The bid for ``fixed``; the estimate (budget) for ``hourly``."""
    hourly_rate: Decimal | None = None
    """The rate of hourly work, and of extras on a fixed price."""

    def __post_init__(self) -> None:
        require_number("amount", self.amount)
        require_number("hourly_rate", self.hourly_rate, positive=True)
        if self.model == "fixed" and self.amount is None:
            raise FieldError("amount", "is required when model is 'fixed'")
        if self.model == "hourly" and self.hourly_rate is None:
            raise FieldError("hourly_rate", "is required when model is 'hourly'")


class Deposit(_Struct, frozen=True):
    percent: Decimal

    def __post_init__(self) -> None:
        require_number("percent", self.percent, maximum=HUNDRED)


class ScopeItem(_Struct, frozen=True):
    id: str
    title: str
    quantity: int | None = None
    unit: str | None = None
    hours: Decimal | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        require_id("id", self.id)
        require_text("title", self.title)
        require_count("quantity", self.quantity, positive=True)
        require_text("unit", self.unit, optional=True)
        require_number("hours", self.hours)


class Exclusion(_Struct, frozen=True):
    id: str
    title: str
    description: str | None = None

    def __post_init__(self) -> None:
        require_id("id", self.id)
        require_text("title", self.title)


class Allowances(_Struct, frozen=True):
    concepts: int | None = None
    revision_rounds: int | None = None

    def __post_init__(self) -> None:
        require_count("concepts", self.concepts)
        require_count("revision_rounds", self.revision_rounds)


class Policy(_Struct, frozen=True):
    favor_max_hours: Decimal = Decimal(1)
    """Out-of-scope work up to this many hours may be done as a favour."""
    goodwill_budget_hours: Decimal = Decimal(0)
    """Hours of favours the project can give in all."""
    rush_surcharge_percent: Decimal = Decimal(25)
    """Added to the price of work asked to be delivered earlier."""
    actions: dict[str, str] = msgspec.field(default_factory=dict)
    """Overrides of the baseline decision table: ``{kind: action}``, e.g. ``{refund: answer}``."""

    def __post_init__(self) -> None:
        from scopeline.core.triage.contract import ACTIONS, KINDS

        require_number("favor_max_hours", self.favor_max_hours)
        require_number("goodwill_budget_hours", self.goodwill_budget_hours)
        require_number("rush_surcharge_percent", self.rush_surcharge_percent)
        for kind, action in self.actions.items():
            if kind not in KINDS:
                hint = difflib.get_close_matches(kind, KINDS, n=1)
                message = f"unknown request kind {kind!r}; expected one of {', '.join(KINDS)}"
                raise FieldError(
                    f"actions.{kind}", message + (f" (did you mean {hint[0]!r}?)" if hint else "")
                )
            if action not in ACTIONS:
                hint = difflib.get_close_matches(action, ACTIONS, n=1)
                message = f"unknown action {action!r}; expected one of {', '.join(ACTIONS)}"
                raise FieldError(
                    f"actions.{kind}", message + (f" (did you mean {hint[0]!r}?)" if hint else "")
                )


class Agreement(_Struct, frozen=True):
    """A project's agreement and the ledger of what happened so far."""

    version: int
    project: str
    client: Client
    provider: Provider
    currency: str
    price: Price
    scope: tuple[ScopeItem, ...]
    deposit: Deposit | None = None
    start: dt.date | None = None
    deadline: dt.date | None = None
    exclusions: tuple[Exclusion, ...] = ()
    allowances: Allowances = msgspec.field(default_factory=Allowances)
    policy: Policy = msgspec.field(default_factory=Policy)
    ledger: tuple[Event, ...] = ()

    def __post_init__(self) -> None:
        problems = list(_agreement_problems(self))
        if problems:
            raise AgreementInvalidError(problems)

    @property
    def lang(self) -> Language:
        """The client's language."""
        return self.client.lang

    def scope_item(self, item_id: str) -> ScopeItem | None:
        return next((item for item in self.scope if item.id == item_id), None)

    def exclusion(self, item_id: str) -> Exclusion | None:
        return next((item for item in self.exclusions if item.id == item_id), None)

    @property
    def budgeted_hours(self) -> Decimal | None:
        """The hours the scope items were estimated at, or None when no item has hours."""
        hours = [item.hours for item in self.scope if item.hours is not None]
        return sum(hours, Decimal(0)) if hours else None


class AgreementInvalidError(Exception):
    """Raised from :class:`Agreement` construction with every cross-field problem at once.

    Deliberately not a ValueError, so msgspec passes it through unchanged; the loader turns
    its ``(path, message)`` pairs into located :class:`~scopeline.core.errors.Problem` values.
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


def _agreement_problems(a: Agreement) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if a.version != FORMAT_VERSION:
        out.append(
            (
                "version",
                f"unsupported format version {shown(a.version)}; "
                f"this Scopeline reads version {FORMAT_VERSION}",
            )
        )
    if not a.project.strip():
        out.append(("project", "must not be empty"))
    currency_ok = is_known_currency(a.currency)
    if not currency_ok:
        message = f"unknown currency {shown(a.currency)}; use an ISO 4217 code such as EUR"
        if a.currency.upper() != a.currency and is_known_currency(a.currency.upper()):
            message += f" (did you mean {a.currency.upper()!r}?)"
        out.append(("currency", message))
    if not a.scope:
        out.append(("scope", "must list at least one item that the price covers"))

    seen: dict[str, str] = {}
    ids = [("scope", i, item.id) for i, item in enumerate(a.scope)]
    ids += [("exclusions", i, item.id) for i, item in enumerate(a.exclusions)]
    for section, i, item_id in ids:
        path = f"{section}[{i}].id"
        first = seen.get(item_id)
        if first is None:
            seen[item_id] = path
        elif section == "exclusions" and first.startswith("scope"):
            out.append((path, f"exclusion id {item_id!r} is also a scope item id ({first})"))
        else:
            out.append((path, f"duplicate id {item_id!r} (first used at {first})"))

    if a.start and a.deadline and a.deadline < a.start:
        out.append(("deadline", f"is before the start date {a.start.isoformat()}"))

    if currency_ok:
        money = [("price.amount", a.price.amount), ("price.hourly_rate", a.price.hourly_rate)]
        for i, event in enumerate(a.ledger):
            amount = getattr(event, "amount", None)
            if isinstance(amount, Decimal):
                money.append((f"ledger[{i}].amount", amount))
        for path, value in money:
            if value is not None and value.is_finite() and not fits_minor_unit(value, a.currency):
                out.append((path, f"{value} has more decimals than {a.currency} allows"))

    refs: set[str] = set()
    for i, event in enumerate(a.ledger):
        ref = getattr(event, "ref", None)
        if event_type(event) == "change_order_accepted":
            if ref in refs:
                out.append((f"ledger[{i}].ref", f"change order {ref!r} is already accepted"))
            refs.add(str(ref))
        if i and event.date < a.ledger[i - 1].date:
            out.append((f"ledger[{i}].date", "ledger events must be listed oldest first"))
    return out


def problems_from_invalid(source: str, exc: AgreementInvalidError) -> list[Problem]:
    """Cross-field problems without line numbers (the loader adds them when it can)."""
    return [Problem(source, None, path, message) for path, message in exc.problems]
