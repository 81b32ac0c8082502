"""Reads for client health: the thresholds, a client's histories for the core, the pages' data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from scopeline.clients.models import Client
from scopeline.core.health import ProjectHistory, RequestRecord, Thresholds
from scopeline.health.models import ClientHealth, HealthSettings
from scopeline.projects.agreements import agreement_from_version, decode_event
from scopeline.projects.models import ClientRequest, LedgerEvent, Project

EVIDENCE_SHOWN: Final = 12


# -- thresholds ------------------------------------------------------------------------------


def thresholds_from(settings: HealthSettings | None) -> Thresholds:
    """The core's thresholds from the workspace's row (the core's defaults without one)."""
    if settings is None:
        return Thresholds()
    floors: dict[str, Decimal] = {}
    for code, amount in (settings.rate_floors or {}).items():
        try:
            value = Decimal(str(amount))
        except InvalidOperation:
            continue
        if value.is_finite() and value > 0:
            floors[str(code)] = value
    return Thresholds(
        out_of_scope_window_days=settings.out_of_scope_window_days,
        out_of_scope_per_window=settings.out_of_scope_per_window,
        rate_floor_percent=Decimal(settings.rate_floor_percent),
        rate_floors=floors,
        over_budget_percent=Decimal(settings.over_budget_percent),
        payment_grace_days=settings.payment_grace_days,
        consider_ending_below=settings.consider_ending_below,
    )


def settings_for(workspace_id: int) -> HealthSettings | None:
    return HealthSettings.objects.filter(workspace_id=workspace_id).first()


def thresholds_for(workspace_id: int) -> Thresholds:
    return thresholds_from(settings_for(workspace_id))


# -- the core's input ------------------------------------------------------------------------


def client_histories(client: Client) -> list[ProjectHistory]:
    """Every project of the client with an agreement, as the core's ``ProjectHistory``: the
    current agreement, the ledger rows (refs: their pks) and the triaged messages. Three
    queries, whatever the number of projects, events and messages."""
    projects = list(
        Project.objects.filter(client_id=client.pk, current_version__isnull=False)
        .select_related("current_version")
        .only("id", "current_version__id", "current_version__data")
        .order_by("id")
    )
    if not projects:
        return []
    ids = [p.pk for p in projects]
    events: dict[int, list[tuple[int, str, dict[str, Any]]]] = defaultdict(list)
    for pk, project_id, kind, data in (
        LedgerEvent.objects.filter(project_id__in=ids)
        .order_by("date", "id")
        .values_list("id", "project_id", "type", "data")
    ):
        events[project_id].append((pk, kind, data))
    requests: dict[int, list[RequestRecord]] = defaultdict(list)
    rows = (
        ClientRequest.objects.filter(project_id__in=ids)
        .order_by("received_at", "id")
        .values_list(
            "id",
            "project_id",
            "received_at",
            "kinds",
            "kind",
            "scope_verdict",
            "suggested_action",
            "action",
            "status",
            "advice_overridden",
            "verdict__advice",
        )
    )
    for row in rows:
        pk, project_id, received, kinds, kind, scope, suggested, action, status, over, advice = row
        decided = status == ClientRequest.Status.DECIDED
        requests[project_id].append(
            RequestRecord(
                ref=str(pk),
                date=timezone.localdate(received),
                kinds=tuple(kinds or [kind]),
                scope=scope,
                action=(action or suggested) if decided else suggested,
                decided=decided,
                advice=advice if isinstance(advice, str) and advice else None,
                advice_overridden=bool(over),
            )
        )
    histories = []
    for project in projects:
        version = project.current_version
        assert version is not None
        rows_of = events.get(project.pk, [])
        histories.append(
            ProjectHistory(
                ref=str(project.pk),
                agreement=agreement_from_version(version.data),
                events=tuple(decode_event(kind, data) for _pk, kind, data in rows_of),
                event_refs=tuple(str(pk) for pk, _kind, _data in rows_of),
                requests=tuple(requests.get(project.pk, [])),
            )
        )
    return histories


# -- the pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceLink:
    kind: str  # "request" | "event"
    date: dt.date
    url: str | None  # None when the row is gone
    label: str  # the message's start or the ledger entry's type code
    project: str


@dataclass(frozen=True)
class FlagView:
    code: str
    project: Project | None
    penalty: int
    count: int
    facts: Mapping[str, str]
    evidence: list[EvidenceLink]
    more: int  # evidence left out of the list


def health_rows(clients: Iterable[int]) -> dict[int, ClientHealth]:
    """The stored readings of these clients, by client id (one query)."""
    return {
        row.client_id: row
        for row in ClientHealth.objects.filter(client_id__in=list(clients)).only(
            "id", "client_id", "score", "consider_ending", "computed_on"
        )
    }


def client_projects(client: Client) -> QuerySet[Project]:
    return Project.objects.filter(client=client).only("id", "name", "status", "client_id")


def flag_views(
    row: ClientHealth, projects: Mapping[str, Project], *, ws: str, workspace_id: int
) -> list[FlagView]:
    """The stored flags with their evidence resolved to links (two queries for all flags)."""
    flags = [f for f in (row.flags or []) if isinstance(f, dict)]
    request_ids: set[int] = set()
    event_ids: set[int] = set()
    for flag in flags:
        for item in _evidence(flag)[:EVIDENCE_SHOWN]:
            if item["ref"].isdigit():
                (request_ids if item["kind"] == "request" else event_ids).add(int(item["ref"]))
    texts: dict[int, str] = {}
    if request_ids:
        texts = dict(
            ClientRequest.objects.filter(workspace_id=workspace_id, pk__in=request_ids)
            .values_list("id", "text")
            .order_by()
        )
    kinds: dict[int, tuple[int, str]] = {}
    if event_ids:
        kinds = {
            pk: (project_id, kind)
            for pk, project_id, kind in LedgerEvent.objects.filter(
                workspace_id=workspace_id, pk__in=event_ids
            )
            .values_list("id", "project_id", "type")
            .order_by()
        }
    views = []
    for flag in flags:
        evidence = _evidence(flag)
        links = []
        for item in evidence[:EVIDENCE_SHOWN]:
            ref = int(item["ref"]) if item["ref"].isdigit() else None
            day = _date(item["date"])
            if item["kind"] == "request":
                text = texts.get(ref) if ref is not None else None
                url = (
                    reverse("request_detail", kwargs={"ws": ws, "pk": ref})
                    if text is not None
                    else None
                )
                label = " ".join((text or "").split())
                links.append(EvidenceLink("request", day, url, label, item["project"]))
            else:
                found = kinds.get(ref) if ref is not None else None
                url = None
                label = ""
                if found is not None:
                    project_id, label = found
                    url = (
                        reverse("project_detail", kwargs={"ws": ws, "pk": project_id})
                        + f"#event-{ref}"
                    )
                links.append(EvidenceLink("event", day, url, label, item["project"]))
        project_ref = flag.get("project")
        views.append(
            FlagView(
                code=str(flag.get("code", "")),
                project=projects.get(str(project_ref)) if project_ref is not None else None,
                penalty=int(flag.get("penalty", 0) or 0),
                count=int(flag.get("count", 0) or 0),
                facts={str(k): str(v) for k, v in dict(flag.get("facts") or {}).items()},
                evidence=links,
                more=max(len(evidence) - EVIDENCE_SHOWN, 0),
            )
        )
    return views


def _evidence(flag: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for item in flag.get("evidence") or []:
        if isinstance(item, dict):
            out.append(
                {
                    "kind": "request" if item.get("kind") == "request" else "event",
                    "ref": str(item.get("ref", "")),
                    "project": str(item.get("project", "")),
                    "date": str(item.get("date", "")),
                }
            )
    return out


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return timezone.localdate()


def trend_points(row: ClientHealth) -> list[tuple[dt.date, int]]:
    out = []
    for item in row.trend or []:
        try:
            day, score = item
            out.append((dt.date.fromisoformat(str(day)), int(score)))
        except (TypeError, ValueError):
            continue
    out.sort()
    return out
