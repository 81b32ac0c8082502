"""Rows as the API shows them (and as webhooks send them): plain JSON-ready dicts, money and
hours as exact decimal strings, datetimes aware."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scopeline.changeorders.models import ChangeOrder
from scopeline.clients.models import Client
from scopeline.projects.models import AgreementVersion, ClientRequest, LedgerEvent, Project


def _dec(value: Decimal | int | None) -> str | None:
    return None if value is None else str(value)


def client(row: Client) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "language": row.language,
        "contact": row.contact,
        "email": row.email,
    }


def project(row: Project) -> dict[str, Any]:
    """Needs ``client`` and ``current_version`` loaded (select_related)."""
    version = row.current_version
    return {
        "id": row.pk,
        "name": row.name,
        "status": row.status,
        "client": row.client_id,
        "client_name": row.client.name,
        "currency": row.currency,
        "fees": str(row.fees),
        "paid": str(row.paid),
        "outstanding": str(Decimal(row.fees) - Decimal(row.paid)),
        "hours_worked": str(row.hours_worked),
        "hours_budgeted": _dec(row.hours_budgeted),
        "version": None if version is None else version.number,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def agreement(version: AgreementVersion) -> dict[str, Any]:
    return {
        "project": version.project_id,
        "version": version.number,
        "source": version.source,
        "note": version.note,
        "created_at": version.created_at,
        "agreement": version.data,
    }


def event(row: LedgerEvent) -> dict[str, Any]:
    return {
        "id": row.pk,
        "project": row.project_id,
        "date": row.date,
        "type": row.type,
        "data": row.data,
        "request": row.request_id,
        "created_at": row.created_at,
    }


def request(row: ClientRequest) -> dict[str, Any]:
    return {
        "id": row.pk,
        "project": row.project_id,
        "received_at": row.received_at,
        "text": row.text,
        "channel": row.channel,
        "lang": row.lang,
        "kind": row.kind,
        "kinds": list(row.kinds),
        "scope_verdict": row.scope_verdict,
        "scope_item": row.scope_item,
        "suggested_action": row.suggested_action,
        "estimate_hours": str(row.estimate_hours),
        "price_amount": _dec(row.price_amount),
        "verdict": row.verdict if isinstance(row.verdict, dict) else {},
        "drafts": dict(row.drafts) if isinstance(row.drafts, dict) else {},
        "status": row.status,
        "action": row.action,
        "tone": row.tone,
        "reply_text": row.reply_text,
        "decision_note": row.decision_note,
        "decided_at": row.decided_at,
    }


def change_order(row: ChangeOrder) -> dict[str, Any]:
    """Needs ``lines`` loaded (prefetch_related) for lists."""
    return {
        "id": row.pk,
        "number": row.number,
        "status": row.status,
        "title": row.title,
        "project": row.project_id,
        "request": row.request_id,
        "language": row.language,
        "currency": row.currency,
        "total": str(row.total),
        "hours": str(row.hours),
        "days": row.days,
        "concepts": row.concepts,
        "revision_rounds": row.revision_rounds,
        "issued_on": row.issued_on,
        "valid_until": row.valid_until,
        "terms": row.terms,
        "sent_at": row.sent_at,
        "decided_at": row.decided_at,
        "document_sha256": row.document_sha256,
        "delivery": row.delivery,
        "lines": [
            {
                "description": line.description,
                "hours": str(line.hours),
                "rate": str(line.rate),
                "amount": str(line.amount),
            }
            for line in row.lines.all()
        ],
    }
