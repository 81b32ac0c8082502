"""Ledger events: everything that happens on a project, as typed, immutable facts.

An agreement file lists them under ``ledger:`` as mappings with a ``type``; the web app stores
them in its database. :mod:`scopeline.core.ledger` projects them into a :class:`ProjectState`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final, TypeAlias

import msgspec

from scopeline.core._validate import FieldError, require_count, require_number, require_text


class _Event(
    msgspec.Struct,
    frozen=True,
    kw_only=True,
    forbid_unknown_fields=True,
    tag_field="type",
):
    date: dt.date
    note: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.date, dt.datetime):
            raise FieldError("date", "must be a date without a time, written YYYY-MM-DD")


class Payment(_Event, tag="payment", frozen=True):
    """The client paid ``amount``."""

    amount: Decimal

    def __post_init__(self) -> None:
        super().__post_init__()
        require_number("amount", self.amount, positive=True)


class Refund(_Event, tag="refund", frozen=True):
    """We paid ``amount`` back to the client."""

    amount: Decimal

    def __post_init__(self) -> None:
        super().__post_init__()
        require_number("amount", self.amount, positive=True)


class ConceptsDelivered(_Event, tag="concepts_delivered", frozen=True):
    """We delivered ``count`` design concepts (options, directions, mock-ups)."""

    count: int = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        require_count("count", self.count, positive=True)


class RevisionRound(_Event, tag="revision_round", frozen=True):
    """A round of revisions was done (``count`` rounds at once, usually one)."""

    count: int = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        require_count("count", self.count, positive=True)


class Hours(_Event, tag="hours", frozen=True):
    """Hours of work logged on the project."""

    hours: Decimal

    def __post_init__(self) -> None:
        super().__post_init__()
        require_number("hours", self.hours, positive=True)


class Favor(_Event, tag="favor", frozen=True):
    """Out-of-scope work done free of charge as a favour; spends goodwill hours."""

    hours: Decimal
    request: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require_number("hours", self.hours, positive=True)


class _ChangeOrderEvent(_Event, frozen=True):
    ref: str

    def __post_init__(self) -> None:
        super().__post_init__()
        require_text("ref", self.ref)


class ChangeOrderIssued(_ChangeOrderEvent, tag="change_order_issued", frozen=True):
    """A change order was sent to the client and awaits an answer."""

    amount: Decimal
    hours: Decimal | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require_number("amount", self.amount)
        require_number("hours", self.hours)


class ChangeOrderAccepted(_ChangeOrderEvent, tag="change_order_accepted", frozen=True):
    """The client accepted a change order: scope, allowances and price grow."""

    amount: Decimal
    hours: Decimal | None = None
    title: str | None = None
    concepts: int = 0
    revision_rounds: int = 0
    days: int = 0
    """Schedule impact in calendar days."""

    def __post_init__(self) -> None:
        super().__post_init__()
        require_number("amount", self.amount)
        require_number("hours", self.hours)
        require_count("concepts", self.concepts)
        require_count("revision_rounds", self.revision_rounds)
        require_count("days", self.days)


class ChangeOrderDeclined(_ChangeOrderEvent, tag="change_order_declined", frozen=True):
    """The client declined a change order (or it expired or was withdrawn)."""


class AdviceOverridden(_Event, tag="advice_overridden", frozen=True):
    """The client insisted against our professional advice (e.g. an advice library entry)."""

    advice: str | None = None


class RequestDecided(_Event, tag="request_decided", frozen=True):
    """A client request was triaged and we decided what to do with it."""

    kind: str
    action: str
    request: str | None = None
    item: str | None = None
    """The scope item or exclusion the request rested on."""
    suggested: str | None = None
    """The action Scopeline suggested, when the decision overrode it."""
    hours: Decimal | None = None
    amount: Decimal | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require_text("kind", self.kind)
        require_text("action", self.action)
        require_number("hours", self.hours)
        require_number("amount", self.amount)


Event: TypeAlias = (
    Payment
    | Refund
    | ConceptsDelivered
    | RevisionRound
    | Hours
    | Favor
    | ChangeOrderIssued
    | ChangeOrderAccepted
    | ChangeOrderDeclined
    | AdviceOverridden
    | RequestDecided
)

EVENT_TYPES: Final[dict[str, type[_Event]]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in (
        Payment,
        Refund,
        ConceptsDelivered,
        RevisionRound,
        Hours,
        Favor,
        ChangeOrderIssued,
        ChangeOrderAccepted,
        ChangeOrderDeclined,
        AdviceOverridden,
        RequestDecided,
    )
}


def event_type(event: Event) -> str:
    """The ``type`` tag of ``event`` as written in files: ``"payment"``, ``"hours"``, ..."""
    tag = event.__struct_config__.tag
    assert isinstance(tag, str)
    return tag
