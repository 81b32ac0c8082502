from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scopeline.accounts.access import workspace_view
from scopeline.accounts.models import Membership
from scopeline.core.charts import (
    CAUTION,
    GOOD,
    MAIN,
    SECOND,
    WARN,
    Group,
    Series,
    bar_chart,
    grouped_bar_chart,
    sparkline,
    stacked_column_chart,
)
from scopeline.core.money import quantize
from scopeline.dashboard import selectors
from scopeline.dashboard.selectors import Band, ClientRow, ProjectRow
from scopeline.web import i18n, labels

PAGE_SIZE: Final = 25
BAND_COLOURS: Final[dict[Band, str]] = {"at_risk": WARN, "watch": CAUTION, "healthy": GOOD}


@dataclass(frozen=True, slots=True)
class ClientView:
    """A client row with what the template shows beside its figures."""

    row: ClientRow
    url: str
    sparkline: str
    creep_percent: int | None
    months: list[tuple[str, str, str]]  # month (short name), creep % and requests as shown
    figures: list[tuple[str, str, str, str]]  # per currency: rate, charged, favours, pending
    change: str


@dataclass(frozen=True, slots=True)
class ProjectView:
    """A project row with its figures as shown (formatted once per distinct value)."""

    row: ProjectRow
    client: str
    effective_rate: str
    agreed_rate: str
    rate_percent: str
    hours: str
    budget_percent: str


@workspace_view
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    workspace = membership.workspace
    by_action = selectors.requests_by_action(workspace)
    chart = bar_chart(
        [(str(labels.ACTIONS.get(a, a)), Decimal(n)) for a, n in by_action],
        title=_("Client messages in the last 30 days, by suggested action"),
        format_value=lambda v: i18n.number(v),
        empty_label=_("No client messages in the last 30 days"),
    )
    today = timezone.localdate()
    order = request.GET.get("sort", "health")
    order = order if order in selectors.SORTS else "health"
    rows = selectors.sort_clients(
        selectors.client_rows(workspace, today=today, with_months=False), order
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    texts = _Texts(selectors.month_starts(today))
    shown = selectors.with_creep_months(workspace, list(page.object_list), today=today)
    return render(
        request,
        "dashboard/index.html",
        {
            "totals": selectors.totals(workspace),
            "projects": selectors.busiest_projects(workspace),
            "latest": selectors.latest_requests(workspace),
            "action_chart": chart,
            "messages_30d": sum(n for _a, n in by_action),
            "clients": [_client_view(workspace.slug, row, texts) for row in shown],
            "client_page": page,
            "client_count": len(rows),
            "sort": order,
            "sorts": _sort_links(order),
            "months": selectors.month_starts(today),
            "client_projects": [
                _project_view(p, row.name, texts) for row in shown for p in row.projects
            ],
            "health_chart": _health_chart(rows),
            "scope_chart": _scope_chart(rows),
        },
    )


def _sort_links(current: str) -> list[tuple[str, str, bool]]:
    """(order, label, selected) for the sort links above the client table."""
    names = {
        "health": _("Health, worst first"),
        "-health": _("Health, best first"),
        "name": _("Name"),
        "creep": _("Creep rate"),
        "favours": _("Favour hours"),
        "pending": _("Pending change orders"),
    }
    return [(key, names[key], key == current) for key in selectors.SORTS]


def health_url(ws: str, pk: int) -> str:
    """The client's health page, or its client page while the health app has none."""
    try:
        return reverse("client_health", kwargs={"ws": ws, "pk": pk})
    except NoReverseMatch:
        return reverse("client_detail", kwargs={"ws": ws, "pk": pk})


def _percent(rate: Decimal | None) -> int | None:
    return None if rate is None else int((rate * 100).to_integral_value())


class _Texts:
    """The numbers and amounts of the rows in the UI language (``i18n.number``, ``i18n.money``:
    what the ``num`` and ``money`` template filters use), each distinct value formatted once per
    page, since the rows repeat many (budgets, rates, percentages, scores); and the months'
    short names."""

    def __init__(self, months: Sequence[dt.date]) -> None:
        self.numbers: dict[int | Decimal | None, str] = {}
        self.amounts: dict[tuple[Decimal | None, str], str] = {}
        self.months = {m: i18n.date(m, fmt="LLL") for m in months}

    def number(self, value: int | Decimal | None) -> str:
        if value not in self.numbers:
            self.numbers[value] = i18n.number(value)
        return self.numbers[value]

    def money(self, value: Decimal | None, currency: str) -> str:
        key = (value, currency)
        if key not in self.amounts:
            self.amounts[key] = i18n.money(value, currency)
        return self.amounts[key]

    def hours(self, value: Decimal) -> str:
        return _("%(hours)s h") % {"hours": self.number(value)}

    def whole_percent(self, value: int | None) -> str:
        return "–" if value is None else f"{self.number(value)} %"

    def requests(self, n: int) -> str:
        return ngettext("%(n)s request", "%(n)s requests", n) % {"n": self.number(n)}

    def percent(self, rate: Decimal | None) -> str:
        return self.whole_percent(_percent(rate))


def _figures(row: ClientRow, texts: _Texts) -> list[tuple[str, str, str, str]]:
    cells = []
    for f in row.figures:
        c = f.currency
        charged = (
            f"{texts.hours(f.charged_hours)} · {texts.money(f.charged_amount, c)}"
            if f.charged_hours or f.charged_amount
            else "–"
        )
        favours = (
            f"{texts.hours(f.favour_hours)} · {texts.money(f.favour_value, c)}"
            if f.favour_hours
            else "–"
        )
        pending = (
            f"{texts.number(f.pending_count)} · {texts.money(f.pending_amount, c)}"
            if f.pending_count
            else "–"
        )
        cells.append((texts.money(f.effective_rate, c), charged, favours, pending))
    return cells


def _project_view(p: ProjectRow, client: str, texts: _Texts) -> ProjectView:
    return ProjectView(
        row=p,
        client=client,
        effective_rate=texts.money(p.effective_rate, p.currency),
        agreed_rate=texts.money(p.agreed_rate, p.currency),
        rate_percent=texts.whole_percent(p.rate_percent),
        hours=f"{texts.number(p.hours_logged)} / {texts.number(p.hours_budgeted)}",
        budget_percent=texts.whole_percent(p.budget_percent),
    )


def _client_view(ws: str, row: ClientRow, texts: _Texts) -> ClientView:
    spark = ""
    if row.trend and row.band is not None:
        spark = sparkline(
            [Decimal(s) for s in row.trend],
            colour=BAND_COLOURS[row.band],
            title=_("Health score of %(client)s, week by week: %(scores)s")
            % {"client": row.name, "scores": ", ".join(texts.number(s) for s in row.trend)},
        )
    return ClientView(
        row=row,
        url=health_url(ws, row.pk),
        sparkline=spark,
        creep_percent=_percent(row.creep_rate),
        months=[
            (texts.months[m.month], texts.percent(m.rate), texts.requests(m.requests))
            for m in row.months
        ],
        figures=_figures(row, texts),
        change=texts.number(row.change),
    )


def _health_chart(rows: Sequence[ClientRow]) -> str:
    bins = selectors.health_histogram(rows)
    series = [
        Series(_("Consider ending"), BAND_COLOURS["at_risk"]),
        Series(_("Watch"), BAND_COLOURS["watch"]),
        Series(_("Healthy"), BAND_COLOURS["healthy"]),
    ]
    counted = sum(sum(counts.values()) for _span, counts in bins)
    return stacked_column_chart(
        [
            Group(
                f"{i18n.number(low)}–{i18n.number(high)}",
                tuple(Decimal(counts[band]) for band in selectors.BANDS),
            )
            for (low, high), counts in bins
        ]
        if counted
        else [],
        series=series,
        title=_("Clients by health score"),
        description=_(
            "How many clients have a health score in each range of ten points, coloured by "
            "band: consider ending, watch (below %(watch)s), healthy."
        )
        % {"watch": i18n.number(selectors.WATCH_BELOW)},
        format_value=lambda v: i18n.number(v),
        empty_label=_("No client has a health score yet"),
    )


def _scope_chart(rows: Sequence[ClientRow]) -> str:
    top = selectors.most_out_of_scope(rows)
    return grouped_bar_chart(
        [Group(row.name, (row.charged_hours, row.favour_hours)) for row in top],
        series=[
            Series(_("Charged (accepted change orders)"), MAIN),
            Series(_("Given away as favours"), SECOND),
        ],
        title=_("Out-of-scope hours: charged or given away"),
        description=_(
            "For the %(n)s clients with the most out-of-scope hours: the hours of their accepted "
            "change orders beside the hours done as favours."
        )
        % {"n": i18n.number(len(top))},
        format_value=lambda v: i18n.number(v),
        empty_label=_("No out-of-scope hours yet"),
    )


# -- the CSV export ----------------------------------------------------------------------------

CSV_COLUMNS: Final = (
    "row",
    "client_id",
    "client",
    "project_id",
    "project",
    "status",
    "currency",
    "health_score",
    "health_change_4_weeks",
    "health_direction",
    "consider_ending",
    "health_computed_on",
    "creep_rate",
    "fees",
    "effective_rate",
    "agreed_rate",
    "hours_worked",
    "hours_budgeted",
    "charged_hours",
    "charged_amount",
    "favour_hours",
    "favour_value",
    "pending_change_orders",
    "pending_amount",
)
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | dt.date | bool | None


def csv_cell(value: Cell) -> str:
    """One cell: numbers plain with a dot (Decimal never in exponent form), dates in ISO, and
    text that a spreadsheet would run as a formula made inert with a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | dt.date):
        return str(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _money(value: Decimal | None, currency: str) -> Decimal | None:
    return None if value is None else quantize(value, currency)


def csv_rows(rows: Iterable[ClientRow], months: Sequence[dt.date]) -> Iterable[list[Cell]]:
    """A client row per currency the client is billed in (one without a currency when it has
    no project), then a row per project; the creep per month on the client rows."""
    for client in rows:
        health: list[Cell] = [
            client.score,
            client.change,
            client.direction,
            client.consider_ending if client.score is not None else None,
            client.computed_on,
            client.creep_rate,
        ]
        creep: list[Cell] = [m.rate for m in client.months]
        for f in client.figures or (None,):
            if f is None:
                money: list[Cell] = [None] * 11
            else:
                c = f.currency
                money = [
                    _money(f.fees, c),
                    _money(f.effective_rate, c),
                    None,
                    f.hours_worked,
                    None,
                    f.charged_hours,
                    _money(f.charged_amount, c),
                    f.favour_hours,
                    _money(f.favour_value, c),
                    f.pending_count,
                    _money(f.pending_amount, c),
                ]
            currency = f.currency if f is not None else None
            head: list[Cell] = ["client", client.pk, client.name, None, None, None, currency]
            yield [*head, *health, *money, *creep]
        for p in client.projects:
            yield [*_project_cells(client, p), *[None] * len(months)]


def _project_cells(client: ClientRow, p: ProjectRow) -> list[Cell]:
    c = p.currency
    return [
        "project",
        client.pk,
        client.name,
        p.pk,
        p.name,
        p.status,
        c,
        *[None] * 6,
        _money(p.fees, c),
        _money(p.effective_rate, c),
        _money(p.agreed_rate, c),
        p.hours_worked,
        p.hours_budgeted,
        p.charged_hours,
        _money(p.charged_amount, c),
        p.hours_favor,
        _money(p.favour_value, c),
        p.pending_count,
        _money(p.pending_amount, c),
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@workspace_view
def dashboard_csv(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The client table and its projects as CSV for a spreadsheet: UTF-8 with a byte order
    mark (so Excel reads the names right), a header row, plain numbers, one currency a row."""
    workspace = membership.workspace
    today = timezone.localdate()
    order = request.GET.get("sort", "health")
    rows = selectors.sort_clients(selectors.client_rows(workspace, today=today), order)
    months = selectors.month_starts(today)
    writer = csv.writer(_Echo())
    header = [*CSV_COLUMNS, *(f"creep_rate_{m:%Y-%m}" for m in months)]
    lines = [writer.writerow(header)]
    lines += [writer.writerow([csv_cell(v) for v in row]) for row in csv_rows(rows, months)]
    response = HttpResponse("\ufeff" + "".join(lines), content_type="text/csv; charset=utf-8")
    filename = f"{workspace.slug}-clients-{today.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
