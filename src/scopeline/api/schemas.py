"""The API's request and response shapes (pydantic, through django-ninja).

Money and hours in responses are exact decimal strings (``"4800.00"``); datetimes are ISO 8601
with their offset. Inputs are bounded (ids, lengths, list sizes, numbers), so that a value the
database cannot hold is refused here, as a 422 naming the field, and never reaches it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from scopeline.core.triage.contract import Action, Kind

MAX_ID = 2**53
MAX_MESSAGE_CHARS = 20_000
MAX_MESSAGES = 100
MAX_AGREEMENT_CHARS = 1_000_000

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Tone = Literal["warm", "neutral", "firm"]


def _aware(value: dt.datetime) -> dt.datetime:
    """A datetime the database can hold: naive ones are read as UTC; offsets that push the
    moment outside years 1..9999 are refused."""
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("is outside the years 1 to 9999") from None


AwareDatetime = Annotated[dt.datetime, AfterValidator(_aware)]
AgreementInput = Annotated[
    dict[str, Any] | Annotated[str, Field(min_length=1, max_length=MAX_AGREEMENT_CHARS)],
    Field(
        description=(
            "The agreement (format v1, see docs/agreement-format.md) as a JSON object, or the "
            "text of an agreement file in YAML or JSON."
        )
    ),
]


class FieldProblem(Schema):
    field: str = Field(description="Where: body.messages[0].text, query.limit, ...")
    message: str


class Problem(Schema):
    """An error (RFC 9457, application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] = Field(default_factory=list)


# -- triage ------------------------------------------------------------------------------------


class MessageIn(Schema):
    id: str | None = Field(None, max_length=100)
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class TriageIn(Schema):
    """Exactly one of ``project`` (its current agreement and ledger) or ``agreement``."""

    project: Id | None = None
    agreement: AgreementInput | None = None
    messages: list[MessageIn] = Field(min_length=1, max_length=MAX_MESSAGES)
    drafts: list[Tone] = Field(
        default_factory=list,
        max_length=3,
        description="Tones to draft the reply in, in the client's language.",
    )


class ScopeOut(Schema):
    verdict: str
    item: str | None
    score: float
    title: str | None
    reason: str


class EstimateOut(Schema):
    hours: int | float
    low: int | float
    high: int | float
    source: str


class PriceOut(Schema):
    amount: str
    currency: str
    low: str | None
    high: str | None
    chargeable: bool
    surcharge_percent: str | None = None


class DraftOut(Schema):
    lang: str
    tone: str
    text: str
    cites_agreement: bool


class VerdictOut(Schema):
    """The triage contract (docs/triage.md), as ``scopeline triage`` prints it, plus the drafts
    asked for."""

    id: str | None
    lang: str
    kind: str
    kinds: list[str]
    scope: ScopeOut
    action: str
    estimate: EstimateOut
    price: PriceOut | None
    reasons: list[str]
    confidence: float
    kind_scores: dict[str, float]
    lang_reason: str
    notes: list[str]
    catalogue: str | None
    advice: str | None
    drafts: dict[str, DraftOut] = Field(default_factory=dict)


class TriageOut(Schema):
    project: int | None
    verdicts: list[VerdictOut]


# -- clients and projects ----------------------------------------------------------------------


class ClientOut(Schema):
    id: int
    name: str
    language: str
    contact: str
    email: str


class ProjectOut(Schema):
    id: int
    name: str
    status: str
    client: int
    client_name: str
    currency: str
    fees: str
    paid: str
    outstanding: str
    hours_worked: str
    hours_budgeted: str | None
    version: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ProjectIn(Schema):
    client: Id
    agreement: AgreementInput


class AgreementIn(Schema):
    agreement: AgreementInput
    note: str = Field("", max_length=300)


class AgreementOut(Schema):
    project: int
    version: int
    source: str
    note: str
    created_at: dt.datetime
    agreement: dict[str, Any]


class EventIn(Schema):
    """A ledger event as in an agreement file's ``ledger:`` (docs/agreement-format.md): its
    ``type``, its ``date`` and the type's fields (``amount``, ``hours``, ``count``, ...)."""

    model_config = ConfigDict(extra="allow")

    type: Literal[
        "payment",
        "refund",
        "concepts_delivered",
        "revision_round",
        "hours",
        "favor",
        "change_order_issued",
        "change_order_accepted",
        "change_order_declined",
        "advice_overridden",
        "request_decided",
    ]
    date: dt.date


class EventOut(Schema):
    id: int
    project: int
    date: dt.date
    type: str
    data: dict[str, Any]
    request: int | None
    created_at: dt.datetime


class EventPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EventOut]


# -- requests ----------------------------------------------------------------------------------


class RequestIn(Schema):
    project: Id
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    received_at: AwareDatetime | None = None


class DecisionIn(Schema):
    action: Action
    tone: Tone = "neutral"
    note: str = Field("", max_length=500, description="Required when not the suggested action.")
    reply_text: str = Field("", max_length=MAX_MESSAGE_CHARS)
    advice_overridden: bool = False


class RequestOut(Schema):
    id: int
    project: int
    received_at: dt.datetime
    text: str
    channel: str
    lang: str
    kind: str
    kinds: list[str]
    scope_verdict: str
    scope_item: str
    suggested_action: str
    estimate_hours: str
    price_amount: str | None
    verdict: dict[str, Any]
    drafts: dict[str, str]
    status: str
    action: str
    tone: str
    reply_text: str
    decision_note: str
    decided_at: dt.datetime | None


class RequestPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RequestOut]


class ProjectPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProjectOut]


class ClientPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ClientOut]


# -- change orders -----------------------------------------------------------------------------


class LineIn(Schema):
    description: str = Field(min_length=1, max_length=300)
    hours: Decimal = Field(ge=0, le=10_000, decimal_places=2)
    rate: Decimal = Field(ge=0, le=1_000_000, decimal_places=3)


class ChangeOrderIn(Schema):
    project: Id
    title: str = Field(min_length=1, max_length=200)
    lines: list[LineIn] = Field(min_length=1, max_length=50)
    days: int | None = Field(None, ge=0, le=1000)
    valid_until: dt.date | None = None
    terms: str = Field("", max_length=5000)
    concepts: int = Field(0, ge=0, le=100)
    revision_rounds: int = Field(0, ge=0, le=100)


class LineOut(Schema):
    description: str
    hours: str
    rate: str
    amount: str


class ChangeOrderOut(Schema):
    id: int
    number: str
    status: str
    title: str
    project: int
    request: int | None
    language: str
    currency: str
    total: str
    hours: str
    days: int
    concepts: int
    revision_rounds: int
    issued_on: dt.date
    valid_until: dt.date
    terms: str
    sent_at: dt.datetime | None
    decided_at: dt.datetime | None
    document_sha256: str
    delivery: str = Field(description="The e-mail to the client: queued, sending, failed, ...")
    lines: list[LineOut]


class ChangeOrderPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ChangeOrderOut]


class SendIn(Schema):
    email: bool = Field(True, description="E-mail the client the change order and the link.")


class SendOut(Schema):
    change_order: ChangeOrderOut
    portal_url: str | None = Field(
        description="The client's new portal link when sent without e-mail (shown this once)."
    )


# -- query filters -----------------------------------------------------------------------------


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class RequestFilters(PageQuery):
    status: Literal["new", "decided"] | None = None
    project: Id | None = None
    kind: Kind | None = None
    since: AwareDatetime | None = Field(None, description="Received at or after.")


class ProjectFilters(PageQuery):
    status: Literal["active", "completed", "archived"] | None = None
    client: Id | None = None


class EventFilters(PageQuery):
    type: str | None = Field(None, max_length=40)
    since: dt.date | None = None
    until: dt.date | None = None


class ChangeOrderFilters(PageQuery):
    status: Literal["draft", "sent", "accepted", "declined", "expired", "withdrawn"] | None = None
    project: Id | None = None
