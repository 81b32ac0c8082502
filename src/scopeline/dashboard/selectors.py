"""Reads for the dashboard, each a fixed number of queries whatever the amount of data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property
from typing import Final, Literal

from django.db.models import Count, DateField, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from scopeline.accounts.models import Workspace
from scopeline.changeorders.models import ChangeOrder
from scopeline.clients.models import Client
from scopeline.core.money import quantize
from scopeline.health.models import ClientHealth
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


# -- the clients table: health, rates, charged versus given away, pending, creep -------------

CREEP_SCOPES: Final = ("out_of_scope", "excluded")
"""Scope verdicts of the requests that count as scope creep: additions outside the agreement
(as ``scopeline.core.health`` counts them: "addition" among the kinds, and one of these)."""
CREEP: Final = Q(scope_verdict__in=CREEP_SCOPES) & Q(kinds__icontains='"addition"')
MONTHS: Final = 6
WATCH_BELOW: Final = 75
"""A score below this (and not low enough to consider ending) is in the "watch" band."""
TREND_LOOKBACK: Final = dt.timedelta(weeks=4)

Band = Literal["at_risk", "watch", "healthy"]
Direction = Literal["up", "down", "flat"]
SORTS: Final = ("health", "-health", "name", "creep", "favours", "pending")
"""The client table's orders; "health" (worst first) is the default."""


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """One project's figures, from its summary columns (never the ledger)."""

    pk: int
    name: str
    status: str
    client_id: int
    currency: str
    fees: Decimal
    effective_rate: Decimal | None
    agreed_rate: Decimal | None
    hours_worked: Decimal
    hours_favor: Decimal
    hours_budgeted: Decimal | None
    charged_hours: Decimal
    charged_amount: Decimal
    pending_count: int
    pending_amount: Decimal

    @property
    def hours_logged(self) -> Decimal:
        return self.hours_worked + self.hours_favor

    @property
    def status_label(self) -> str:
        return str(Project.Status(self.status).label)

    @property
    def favour_value(self) -> Decimal | None:
        """The favour hours at the agreed rate: what the client was given for free."""
        if self.agreed_rate is None:
            return None if self.hours_favor else Decimal(0)
        return quantize(self.hours_favor * self.agreed_rate, self.currency)

    @property
    def rate_percent(self) -> int | None:
        """The effective rate as a whole percentage of the agreed one."""
        if self.effective_rate is None or not self.agreed_rate:
            return None
        return int((self.effective_rate * 100 / self.agreed_rate).to_integral_value())

    @property
    def budget_percent(self) -> int | None:
        """The hours logged as a whole percentage of the budgeted hours."""
        if not self.hours_budgeted:
            return None
        return int((self.hours_logged * 100 / self.hours_budgeted).to_integral_value())


@dataclass(frozen=True, slots=True)
class CurrencyFigures:
    """A client's money in one currency (amounts in different currencies are never added)."""

    currency: str
    fees: Decimal
    hours_worked: Decimal
    charged_hours: Decimal
    charged_amount: Decimal
    favour_hours: Decimal
    favour_value: Decimal | None
    """None when some favour hours have no agreed rate to value them at."""
    pending_count: int
    pending_amount: Decimal

    @property
    def hours_logged(self) -> Decimal:
        return self.hours_worked + self.favour_hours

    @property
    def effective_rate(self) -> Decimal | None:
        """All fees over every hour logged, favours included (None before any hour)."""
        if not self.hours_logged:
            return None
        return quantize(self.fees / self.hours_logged, self.currency)


@dataclass(frozen=True, slots=True)
class MonthCreep:
    month: dt.date
    """The first day of the month."""
    requests: int
    out_of_scope: int

    @property
    def rate(self) -> Decimal | None:
        if not self.requests:
            return None
        return (Decimal(self.out_of_scope) / self.requests).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class ClientRow:
    pk: int
    name: str
    language: str
    score: int | None
    """None until the client's health has been computed."""
    consider_ending: bool
    creep_rate: Decimal | None
    computed_on: dt.date | None
    stored_trend: object
    """The reading's trend as stored (``[[ISO date, score], ...]``); read when shown."""
    months: tuple[MonthCreep, ...]
    figures: tuple[CurrencyFigures, ...]
    projects: tuple[ProjectRow, ...]

    @cached_property
    def _points(self) -> list[tuple[dt.date, int]]:
        return _trend(self.stored_trend)

    @property
    def trend(self) -> tuple[int, ...]:
        return tuple(score for _day, score in self._points)

    @cached_property
    def change(self) -> int | None:
        """Points gained (negative: lost) since the trend's reading four weeks earlier."""
        return _change(self._points, self.score, self.computed_on)

    @property
    def band(self) -> Band | None:
        if self.score is None:
            return None
        if self.consider_ending:
            return "at_risk"
        return "watch" if self.score < WATCH_BELOW else "healthy"

    @property
    def direction(self) -> Direction | None:
        if self.change is None:
            return None
        return "up" if self.change > 0 else "down" if self.change < 0 else "flat"

    @cached_property
    def favour_hours(self) -> Decimal:
        return sum((f.favour_hours for f in self.figures), Decimal(0))

    @cached_property
    def charged_hours(self) -> Decimal:
        return sum((f.charged_hours for f in self.figures), Decimal(0))

    @property
    def pending_count(self) -> int:
        return sum(f.pending_count for f in self.figures)


def month_starts(today: dt.date, months: int = MONTHS) -> list[dt.date]:
    """The first days of the last ``months`` months, this one last."""
    starts = [today.replace(day=1)]
    while len(starts) < months:
        previous = starts[-1] - dt.timedelta(days=1)
        starts.append(previous.replace(day=1))
    return starts[::-1]


def client_rows(
    workspace: Workspace, *, today: dt.date, months: int = MONTHS, with_months: bool = True
) -> list[ClientRow]:
    """Every client of the workspace with its health reading, the figures of its projects that
    are not archived, and its creep per month: four queries, whatever the amount of data (the
    ledgers are read through the projects' summary columns, the requests are counted in the
    database). Without ``with_months`` the months are left empty (three queries): a page that
    shows some of the rows adds them with :func:`with_creep_months`."""
    # The stored trends are only read (and decoded) with the months: for the rows shown.
    trend_field = "health__trend" if with_months else "health__computed_on"
    clients = Client.objects.filter(workspace=workspace).values_list(
        "pk",
        "name",
        "language",
        "health__score",
        "health__consider_ending",
        "health__creep_rate",
        "health__computed_on",
        trend_field,
    )
    owners, projects = _projects(workspace, today=today)
    by_client: dict[int, list[ProjectRow]] = {}
    for project in projects:
        by_client.setdefault(project.client_id, []).append(project)
    creep = _creep_by_month(workspace, owners, today=today, months=months) if with_months else {}
    starts = month_starts(today, months)
    none = tuple(MonthCreep(m, 0, 0) for m in starts)
    rows = []
    for pk, name, language, score, ending, rate, computed_on, trend in clients:
        counts = creep.get(pk)
        mine = by_client.get(pk, [])
        rows.append(
            ClientRow(
                pk=pk,
                name=name,
                language=language,
                score=score,
                consider_ending=bool(ending),
                creep_rate=rate,
                computed_on=computed_on,
                stored_trend=trend if with_months else None,
                months=none
                if counts is None
                else tuple(MonthCreep(m, *counts.get(m, (0, 0))) for m in starts),
                figures=_figures(mine),
                projects=tuple(mine),
            )
        )
    return rows


_PROJECT_FIELDS: Final = (
    "pk",
    "name",
    "status",
    "client_id",
    "currency",
    "fees",
    "effective_rate",
    "agreed_rate",
    "hours_worked",
    "hours_favor",
    "hours_budgeted",
    "change_orders_hours",
    "change_orders_total",
)


def _projects(workspace: Workspace, *, today: dt.date) -> tuple[dict[int, int], list[ProjectRow]]:
    """Every project's client (archived ones included: their messages still count), and the
    rows of the projects that are not archived, by name."""
    pending = {
        row["project_id"]: (row["n"], row["total"] or Decimal(0))
        for row in ChangeOrder.objects.filter(
            workspace=workspace, status=ChangeOrder.Status.SENT, valid_until__gte=today
        )
        .values("project_id")
        .annotate(n=Count("id"), total=Sum("total"))
        .order_by()
    }
    owners: dict[int, int] = {}
    rows = []
    none = (0, Decimal(0))
    for values in (
        Project.objects.filter(workspace=workspace)
        .order_by("name", "pk")
        .values_list(*_PROJECT_FIELDS)
    ):
        fields = dict(zip(_PROJECT_FIELDS, values, strict=True))
        owners[fields["pk"]] = fields["client_id"]
        if fields["status"] == Project.Status.ARCHIVED:
            continue
        n, amount = pending.get(fields["pk"], none)
        rows.append(
            ProjectRow(
                pk=fields["pk"],
                name=fields["name"],
                status=fields["status"],
                client_id=fields["client_id"],
                currency=fields["currency"],
                fees=fields["fees"],
                effective_rate=fields["effective_rate"],
                agreed_rate=fields["agreed_rate"],
                hours_worked=fields["hours_worked"],
                hours_favor=fields["hours_favor"],
                hours_budgeted=fields["hours_budgeted"],
                charged_hours=fields["change_orders_hours"],
                charged_amount=fields["change_orders_total"],
                pending_count=n,
                pending_amount=amount,
            )
        )
    return owners, rows


def _figures(projects: list[ProjectRow]) -> tuple[CurrencyFigures, ...]:
    """Per currency (alphabetical), the sums of the projects billed in it."""
    by_currency: dict[str, list[ProjectRow]] = {}
    for p in projects:
        by_currency.setdefault(p.currency, []).append(p)
    figures = []
    for currency in sorted(by_currency):
        group = by_currency[currency]
        values = [p.favour_value for p in group]
        figures.append(
            CurrencyFigures(
                currency=currency,
                fees=sum((p.fees for p in group), Decimal(0)),
                hours_worked=sum((p.hours_worked for p in group), Decimal(0)),
                charged_hours=sum((p.charged_hours for p in group), Decimal(0)),
                charged_amount=sum((p.charged_amount for p in group), Decimal(0)),
                favour_hours=sum((p.hours_favor for p in group), Decimal(0)),
                favour_value=(
                    None
                    if any(v is None for v in values)
                    else sum((v for v in values if v is not None), Decimal(0))
                ),
                pending_count=sum(p.pending_count for p in group),
                pending_amount=sum((p.pending_amount for p in group), Decimal(0)),
            )
        )
    return tuple(figures)


def with_creep_months(
    workspace: Workspace, rows: Sequence[ClientRow], *, today: dt.date, months: int = MONTHS
) -> list[ClientRow]:
    """``rows`` with their creep per month and their health trend, read for those clients only
    (two queries)."""
    clients = [row.pk for row in rows]
    creep = _creep_by_month(workspace, {}, today=today, months=months, clients=clients)
    trends = dict(
        ClientHealth.objects.filter(workspace=workspace, client_id__in=clients).values_list(
            "client_id", "trend"
        )
    )
    starts = month_starts(today, months)
    return [
        replace(
            row,
            months=tuple(MonthCreep(m, *creep.get(row.pk, {}).get(m, (0, 0))) for m in starts),
            stored_trend=trends.get(row.pk),
        )
        for row in rows
    ]


def _creep_by_month(
    workspace: Workspace,
    owners: dict[int, int],
    *,
    today: dt.date,
    months: int,
    clients: Sequence[int] | None = None,
) -> dict[int, dict[dt.date, tuple[int, int]]]:
    """Client id -> first day of the month -> (requests received, of them out of scope), in
    the current time zone, for the last ``months`` months: one GROUP BY in the database, by
    project (``owners`` maps the projects to their clients)."""
    first = month_starts(today, months)[0]
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    counts: dict[int, dict[dt.date, tuple[int, int]]] = {}
    requests = ClientRequest.objects.filter(workspace=workspace, received_at__gte=since)
    key = "project_id"
    if clients is not None:  # a few clients: group by client in the database
        requests = requests.filter(project__client_id__in=clients)
        key = "project__client_id"
    rows = (
        requests.annotate(month=TruncMonth("received_at", output_field=DateField()))
        .values_list(key, "month")
        .annotate(n=Count("id"), out=Count("id", filter=CREEP))
        .order_by()
    )
    for owner, month, n, out in rows:
        client = counts.setdefault(owner if clients is not None else owners.get(owner, 0), {})
        had, had_out = client.get(month, (0, 0))
        client[month] = (had + n, had_out + out)
    return counts


def _trend(value: object) -> list[tuple[dt.date, int]]:
    """The stored trend ``[[ISO date, score], ...]`` as dates and scores; anything malformed
    is left out rather than breaking the page."""
    points: list[tuple[dt.date, int]] = []
    if not isinstance(value, list):
        return points
    for item in value:
        if not (isinstance(item, list | tuple) and len(item) == 2):
            continue
        day, score = item
        if not isinstance(day, str) or not isinstance(score, int) or isinstance(score, bool):
            continue
        try:
            points.append((dt.date.fromisoformat(day), max(0, min(score, 100))))
        except ValueError:
            continue
    points.sort()
    return points


def _change(
    trend: list[tuple[dt.date, int]], score: int | None, computed_on: dt.date | None
) -> int | None:
    """The score now less the trend's latest reading at least four weeks before the
    computation (None when the trend does not reach back that far)."""
    if score is None or computed_on is None:
        return None
    before = [s for day, s in trend if day <= computed_on - TREND_LOOKBACK]
    return None if not before else score - before[-1]


def sort_clients(rows: list[ClientRow], order: str) -> list[ClientRow]:
    """The rows in one of the ``SORTS`` orders (ties by name); an unknown order is "health".
    Clients without a health reading come last when sorting by health."""
    by_name = sorted(rows, key=lambda r: (r.name.casefold(), r.pk))
    if order == "name":
        return by_name
    if order == "-health":
        return sorted(by_name, key=lambda r: (r.score is None, -(r.score or 0)))
    if order == "creep":
        return sorted(by_name, key=lambda r: (r.creep_rate is None, -(r.creep_rate or 0)))
    if order == "favours":
        return sorted(by_name, key=lambda r: -r.favour_hours)
    if order == "pending":
        return sorted(by_name, key=lambda r: -r.pending_count)
    return sorted(by_name, key=lambda r: (r.score is None, r.score or 0))


HEALTH_BINS: Final = tuple((low, low + 9 if low < 90 else 100) for low in range(0, 100, 10))
BANDS: Final[tuple[Band, ...]] = ("at_risk", "watch", "healthy")


def health_histogram(rows: Sequence[ClientRow]) -> list[tuple[tuple[int, int], dict[Band, int]]]:
    """Clients per score range (0–9, …, 90–100), counted per band; clients without a reading
    are left out."""
    bins: list[tuple[tuple[int, int], dict[Band, int]]] = [
        (span, dict.fromkeys(BANDS, 0)) for span in HEALTH_BINS
    ]
    for row in rows:
        band = row.band
        if row.score is None or band is None:
            continue
        bins[min(row.score // 10, 9)][1][band] += 1
    return bins


def most_out_of_scope(rows: Sequence[ClientRow], *, limit: int = 10) -> list[ClientRow]:
    """The clients with the most out-of-scope hours, charged and given away together."""
    busy = [r for r in rows if r.charged_hours + r.favour_hours > 0]
    busy.sort(key=lambda r: (-(r.charged_hours + r.favour_hours), r.name.casefold(), r.pk))
    return busy[:limit]
