"""The one write layer for projects: agreement versions, ledger events, the project summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from scopeline.accounts.models import User, Workspace
from scopeline.accounts.services import audit
from scopeline.clients.models import Client
from scopeline.core import Agreement, agreement_from_data
from scopeline.core.events import Event
from scopeline.core.ledger import ProjectState
from scopeline.core.money import quantize
from scopeline.health import services as health
from scopeline.projects.agreements import agreement_data, event_data
from scopeline.projects.models import AgreementVersion, ClientRequest, LedgerEvent, Project
from scopeline.projects.selectors import project_facts


def validate_agreement(data: dict[str, Any]) -> Agreement:
    """The core's validation; raises ``AgreementError`` with every problem found."""
    return agreement_from_data(data, source="agreement")


@transaction.atomic
def create_project(
    *,
    workspace: Workspace,
    actor: User | None,
    client: Client,
    agreement: Agreement,
    source: str = AgreementVersion.Source.FORM,
    note: str = "",
) -> Project:
    project = Project.objects.create(
        workspace=workspace, client=client, name=agreement.project, currency=agreement.currency
    )
    _new_version(project=project, actor=actor, agreement=agreement, source=source, note=note)
    if agreement.ledger:
        _append_events(project, actor, agreement.ledger)
    audit(workspace=workspace, actor=actor, action="project.created", obj=project)
    refresh_summary(project)
    health.project_changed(project)
    return project


@transaction.atomic
def save_agreement(
    *,
    project: Project,
    actor: User | None,
    agreement: Agreement,
    source: str = AgreementVersion.Source.FORM,
    note: str = "",
) -> AgreementVersion | None:
    """A new version when ``agreement`` differs from the current one; None when it does not."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    current = locked.current_version
    data = agreement_data(agreement)
    if current is not None and current.data == data:
        return None
    version = _new_version(
        project=locked, actor=actor, agreement=agreement, source=source, note=note
    )
    locked.name = agreement.project
    locked.currency = agreement.currency
    locked.save(update_fields=["name", "currency", "updated_at"])
    audit(
        workspace=locked.workspace,
        actor=actor,
        action="agreement.saved",
        obj=version,
        detail={"number": version.number, "source": source},
    )
    refresh_summary(locked)
    health.project_changed(locked)
    project.refresh_from_db()
    return version


@transaction.atomic
@health.refresh_once()
def import_agreement(
    *, project: Project, actor: User | None, agreement: Agreement, filename: str
) -> tuple[AgreementVersion | None, int]:
    """Adopt a file's agreement as a new version and add those of its ledger events the
    project does not have yet (so re-importing an exported file changes nothing).
    Returns the new version (None when the agreement did not change) and the events added."""
    version = save_agreement(
        project=project,
        actor=actor,
        agreement=agreement,
        source=AgreementVersion.Source.FILE,
        note=filename[:300],
    )
    have = {
        _event_key(row.type, row.date, row.data)
        for row in LedgerEvent.objects.filter(project=project)
    }
    new = []
    for event in agreement.ledger:
        kind, data = event_data(event)
        key = _event_key(kind, event.date, data)
        if key not in have:
            have.add(key)
            new.append(event)
    _append_events(project, actor, new)
    if new:
        refresh_summary(project)
        health.project_changed(project)
    return version, len(new)


def _event_key(kind: str, date: dt.date, data: dict[str, Any]) -> str:
    fields = {k: v for k, v in data.items() if k != "date" and v is not None}
    return f"{kind}|{date.isoformat()}|{sorted(fields.items())!r}"


@transaction.atomic
def record_event(
    *,
    project: Project,
    actor: User | None,
    event: Event,
    request: ClientRequest | None = None,
    refresh: bool = True,
) -> LedgerEvent:
    row = _append_events(project, actor, [event], request=request)[0]
    audit(
        workspace=project.workspace,
        actor=actor,
        action="ledger.recorded",
        obj=row,
        detail={"type": row.type},
    )
    if refresh:
        refresh_summary(project)
        health.project_changed(project)
    return row


def _append_events(
    project: Project,
    actor: User | None,
    events: Iterable[Event],
    *,
    request: ClientRequest | None = None,
) -> list[LedgerEvent]:
    rows = [event_row(project, actor, event, request=request) for event in events]
    return LedgerEvent.objects.bulk_create(rows)


def event_row(
    project: Project, actor: User | None, event: Event, *, request: ClientRequest | None = None
) -> LedgerEvent:
    """The unsaved database row of a core event (bulk loaders save many at once)."""
    kind, data = event_data(event)
    return LedgerEvent(
        workspace_id=project.workspace_id,
        project=project,
        date=event.date,
        type=kind,
        data=data,
        request=request,
        created_by=actor,
    )


def _new_version(
    *, project: Project, actor: User | None, agreement: Agreement, source: str, note: str
) -> AgreementVersion:
    last = project.versions.aggregate(n=Max("number"))["n"] or 0
    version = AgreementVersion.objects.create(
        project=project,
        number=last + 1,
        data=agreement_data(agreement),
        source=source,
        note=note,
        created_by=actor,
    )
    project.current_version = version
    project.save(update_fields=["current_version", "updated_at"])
    return version


def agreed_rate(state: ProjectState) -> Decimal | None:
    """The hourly rate the agreement sets; for a fixed price without one, the bid and the
    accepted change orders over the budgeted hours (None when neither is known)."""
    if state.hourly_rate is not None:
        return state.hourly_rate
    if state.bid is not None and state.hours_budgeted:
        planned = state.bid + state.change_orders_total
        return quantize(planned / state.hours_budgeted, state.currency)
    return None


def refresh_summary(project: Project) -> Project:
    """Copy the folded ledger's totals onto the project (lists and the dashboard read them)."""
    state = project_facts(project).state
    project.fees = state.fees
    project.paid = state.paid
    project.hours_worked = state.hours_billable
    project.hours_favor = state.hours_favor
    project.hours_budgeted = state.hours_budgeted
    project.effective_rate = state.effective_hourly_rate
    project.agreed_rate = agreed_rate(state)
    project.change_orders_hours = sum(
        (co.hours for co in state.change_orders if co.hours is not None), Decimal(0)
    )
    project.change_orders_total = state.change_orders_total
    project.save(
        update_fields=[
            "fees",
            "paid",
            "hours_worked",
            "hours_favor",
            "hours_budgeted",
            "effective_rate",
            "agreed_rate",
            "change_orders_hours",
            "change_orders_total",
            "updated_at",
        ]
    )
    return project


@transaction.atomic
def set_status(*, project: Project, actor: User, status: str) -> Project:
    project.status = status
    project.save(update_fields=["status", "updated_at"])
    audit(
        workspace=project.workspace,
        actor=actor,
        action="project.status",
        obj=project,
        detail={"status": status},
    )
    return project
