"""The one write layer for the inbox: take a message in, and write the user's decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

from django.db import transaction
from django.utils import timezone

from scopeline.accounts.models import User
from scopeline.accounts.services import audit
from scopeline.api import webhooks
from scopeline.core import compose_reply
from scopeline.core.events import (
    AdviceOverridden,
    ConceptsDelivered,
    Event,
    Favor,
    RequestDecided,
    RevisionRound,
)
from scopeline.core.replies.bank import TONES
from scopeline.core.triage.contract import ACTIONS
from scopeline.core.triage.text import clean_message
from scopeline.health import services as health
from scopeline.inbox.engine import get_engine
from scopeline.projects import services as project_services
from scopeline.projects.models import ClientRequest, Project
from scopeline.projects.selectors import project_facts, recent_citations

MAX_MESSAGE_CHARS: Final = 20_000
_SUMMARY_CHARS: Final = 200


class InboxError(Exception):
    """A message or decision that cannot be taken; the message says why, for the user."""


@transaction.atomic
def submit_request(
    *,
    project: Project,
    actor: User | None,
    text: str,
    received_at: dt.datetime | None = None,
    channel: str = "paste",
) -> ClientRequest:
    """Triage ``text`` against the project's current agreement and draft the reply in every tone."""
    if not clean_message(text).text.strip():
        raise InboxError("empty")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InboxError("too_long")
    facts = project_facts(project)
    verdict = get_engine().triage(facts.agreement, text, state=facts.state)
    recent = recent_citations(project)
    today = timezone.localdate()
    drafts: dict[str, str] = {}
    cites: dict[str, bool] = {}
    for tone in TONES:
        reply = compose_reply(
            verdict,
            facts.agreement,
            message=text,
            state=facts.state,
            tone=tone,
            recent_cited=recent,
            today=today,
        )
        drafts[tone] = reply.text
        cites[tone] = reply.cites_agreement
    assert project.current_version is not None
    request = ClientRequest.objects.create(
        workspace_id=project.workspace_id,
        project=project,
        version=project.current_version,
        received_at=received_at or timezone.now(),
        text=text,
        channel=channel,
        lang=verdict.lang,
        kind=verdict.kind,
        kinds=list(verdict.kinds),
        scope_verdict=verdict.scope.verdict,
        scope_item=verdict.scope.item or "",
        suggested_action=verdict.action,
        estimate_hours=verdict.estimate.hours,
        price_amount=None if verdict.price is None else verdict.price.amount,
        verdict=verdict.as_dict(),
        drafts=drafts,
        cites=cites,
        tone="neutral",
        created_by=actor,
    )
    audit(
        workspace=project.workspace,
        actor=actor,
        action="request.triaged",
        obj=request,
        detail={"kind": verdict.kind, "action": verdict.action},
    )
    health.project_changed(project)
    webhooks.request_triaged(project.workspace_id, request.pk)
    return request


def decision_events(
    request: ClientRequest, *, action: str, advice_overridden: bool, today: dt.date
) -> list[Event]:
    """The ledger events a decision writes: always the decision itself; a favour spends
    goodwill hours; doing a revision counts a round; doing an extra concept counts a concept."""
    summary = " ".join(request.text.split())[:_SUMMARY_CHARS]
    hours = Decimal(request.estimate_hours)
    events: list[Event] = [
        RequestDecided(
            date=today,
            kind=request.kind,
            action=action,
            request=summary,
            item=request.scope_item or None,
            suggested=request.suggested_action if action != request.suggested_action else None,
            hours=hours if hours > 0 else None,
            amount=request.price_amount if action == "change_order" else None,
        )
    ]
    if action == "favor" and hours > 0:
        events.append(Favor(date=today, hours=hours, request=summary))
    elif action == "do_it" and request.kind == "revision":
        events.append(RevisionRound(date=today, note=summary))
    elif action == "do_it" and request.kind == "extra_concept":
        events.append(ConceptsDelivered(date=today, note=summary))
    if advice_overridden:
        advice = request.verdict.get("advice") if isinstance(request.verdict, dict) else None
        events.append(AdviceOverridden(date=today, advice=advice, note=summary))
    return events


@transaction.atomic
def decide_request(
    *,
    request: ClientRequest,
    actor: User,
    action: str,
    note: str = "",
    tone: str = "neutral",
    reply_text: str = "",
    advice_overridden: bool = False,
    decided_on: dt.date | None = None,
) -> ClientRequest:
    """Record the decision on a message once, with its ledger events, in one transaction.
    The events are dated ``decided_on`` (default: today in the active time zone)."""
    if action not in ACTIONS:
        raise InboxError("unknown_action")
    if tone not in TONES:
        raise InboxError("unknown_tone")
    locked = ClientRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == ClientRequest.Status.DECIDED:
        raise InboxError("already_decided")
    if action != locked.suggested_action and not note.strip():
        raise InboxError("note_required")
    today = decided_on or timezone.localdate()
    text = reply_text.strip() or locked.drafts.get(tone, "")
    locked.status = ClientRequest.Status.DECIDED
    locked.action = action
    locked.tone = tone
    locked.reply_text = text
    locked.cites_agreement = bool(locked.cites.get(tone, False))
    locked.decision_note = note.strip()[:500]
    locked.advice_overridden = advice_overridden
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(
        update_fields=[
            "status",
            "action",
            "tone",
            "reply_text",
            "cites_agreement",
            "decision_note",
            "advice_overridden",
            "decided_by",
            "decided_at",
        ]
    )
    project = locked.project
    for event in decision_events(
        locked, action=action, advice_overridden=advice_overridden, today=today
    ):
        project_services.record_event(
            project=project, actor=actor, event=event, request=locked, refresh=False
        )
    project_services.refresh_summary(project)
    health.project_changed(project)
    if action == "change_order" and (locked.estimate_hours > 0 or locked.price_amount):
        from scopeline.changeorders.services import draft_from_request

        draft_from_request(request=locked, actor=actor)
    audit(
        workspace=project.workspace,
        actor=actor,
        action="request.decided",
        obj=locked,
        detail={"action": action, "suggested": locked.suggested_action},
    )
    return locked
