"""Reads for the dashboard; each is one query whatever the amount of data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from scopeline.accounts.models import Workspace
from scopeline.projects.models import ClientRequest, Project


def requests_by_action(workspace: Workspace, *, days: int = 30) -> list[tuple[str, int]]:
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        ClientRequest.objects.filter(workspace=workspace, received_at__gte=since)
        .values("suggested_action")
        .annotate(n=Count("id"))
        .order_by("-n", "suggested_action")
    )
    return [(row["suggested_action"], row["n"]) for row in rows]


def totals(workspace: Workspace) -> dict[str, Decimal | int]:
    row = Project.objects.filter(workspace=workspace, status=Project.Status.ACTIVE).aggregate(
        projects=Count("id"),
        hours=Sum("hours_worked"),
        favor=Sum("hours_favor"),
    )
    return {k: v or 0 for k, v in row.items()}


def busiest_projects(workspace: Workspace, *, limit: int = 15) -> QuerySet[Project]:
    return (
        Project.objects.filter(workspace=workspace, status=Project.Status.ACTIVE)
        .select_related("client")
        .order_by("-updated_at")[:limit]
    )


def latest_requests(workspace: Workspace, *, limit: int = 8) -> QuerySet[ClientRequest]:
    return (
        ClientRequest.objects.filter(workspace=workspace)
        .select_related("project__client")
        .only(
            "id",
            "received_at",
            "text",
            "kind",
            "suggested_action",
            "status",
            "project__id",
            "project__client__id",
            "project__client__name",
        )
        .order_by("-received_at", "-id")[:limit]
    )
