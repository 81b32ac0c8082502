"""The workspace overview: its numbers, its chart, and only the workspace's own data."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from scopeline.changeorders import services as changeorders
from scopeline.changeorders.models import ChangeOrder
from scopeline.clients import services as clients
from scopeline.clients.models import Client
from scopeline.core.events import ChangeOrderAccepted, Favor
from scopeline.core.loading import load_agreement
from scopeline.dashboard import selectors, views
from scopeline.health.models import ClientHealth
from scopeline.inbox import services as inbox
from scopeline.projects import services as projects
from scopeline.projects.models import ClientRequest, Project
from scopeline.web import i18n
from tests.web.conftest import EXAMPLES, World, make_project

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

REGISTRATION = "Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua."
SHOP = "Lisätkää verkkokauppa, josta asiakkaat voivat ostaa tuotteita."
PHONE = "Lisätkää etusivulle puhelinnumeromme."
OLD = "Milloin sivusto julkaistaan?"  # a question, received long ago

_SVG = "{http://www.w3.org/2000/svg}"


def numbers(response: Response) -> dict[str, str]:
    """The overview's figures by their label, as shown."""
    section = re.search(
        r'<section class="numbers">(.*?)</section>', response.content.decode(), re.S
    )
    assert section is not None
    found = re.findall(
        r'<span class="label">([^<]+)</span><strong>(?:<a [^>]*>)?([^<]*)', section.group(1)
    )
    return {html.unescape(label): html.unescape(value).strip() for label, value in found}


def action_chart(response: Response) -> ET.Element:
    match = re.search(r"<svg[^>]*chart-bars.*?</svg>", response.content.decode(), re.S)
    assert match is not None, "no bar chart on the overview"
    return ET.fromstring(match.group(0))  # well-formed XML, or this raises


def bars(chart: ET.Element) -> list[tuple[str, str]]:
    texts = chart.findall(f"{_SVG}text")
    labels = [t.text or "" for t in texts if t.get("class") == "row-label"]
    values = [t.text or "" for t in texts if t.get("class") == "value"]
    return list(zip(labels, values, strict=True))


def dashboard(world: World, ws: str | None = None) -> str:
    return reverse("dashboard", kwargs={"ws": ws or world.workspace.slug})


def test_overview_numbers_and_chart(world: World) -> None:
    second = make_project(world.workspace, world.owner, "brightpath-mvp")
    archived = make_project(world.workspace, world.owner, "huamei-shop")
    projects.set_status(project=archived, actor=world.owner, status=Project.Status.ARCHIVED)

    inbox.submit_request(project=world.project, actor=world.owner, text=REGISTRATION)
    inbox.submit_request(project=world.project, actor=world.owner, text=SHOP)
    phone = inbox.submit_request(project=world.project, actor=world.owner, text=PHONE)
    inbox.submit_request(
        project=world.project,
        actor=world.owner,
        text=OLD,
        received_at=timezone.now() - dt.timedelta(days=45),
    )
    inbox.decide_request(request=phone, actor=world.owner, action=phone.suggested_action)
    assert phone.suggested_action == "favor"

    active = [world.project, second]
    for p in active:
        p.refresh_from_db()
    hours = sum((p.hours_worked for p in active), Decimal(0))
    favor = sum((p.hours_favor for p in active), Decimal(0))
    world.project.refresh_from_db()
    assert world.project.hours_favor == Decimal("0.5") + phone.estimate_hours

    response = world.http(world.owner).get(dashboard(world))
    assert response.status_code == 200
    with translation.override("en"):
        expected = {
            "Not handled": "3",
            "Messages, last 30 days": "3",  # the old question is not counted
            "Active projects": "2",  # the archived project is not
            "Hours worked": i18n.number(hours),
            "Hours given as favours": i18n.number(favor),
        }
    assert numbers(response) == expected

    chart = action_chart(response)
    assert chart.get("role") == "img"
    title = chart.find(f"{_SVG}title")
    assert title is not None
    assert title.text == "Client messages in the last 30 days, by suggested action"
    assert bars(chart) == [("Change order (priced)", "2"), ("Do it as a favour", "1")]

    page = html.unescape(response.content.decode())
    # The latest messages, the old one included, and the active projects with their money.
    for text in (REGISTRATION, SHOP, PHONE, OLD):
        assert text[:60] in page
    assert world.project.name in page
    assert second.name in page
    assert archived.name not in page
    with translation.override("en"):
        assert i18n.money(world.project.paid, "EUR") in page


def test_empty_workspace_overview(world: World) -> None:
    ClientRequest.objects.all().delete()
    response = world.http(world.owner).get(dashboard(world))
    assert response.status_code == 200
    shown = numbers(response)
    assert shown["Not handled"] == "0"
    assert shown["Messages, last 30 days"] == "0"
    assert shown["Active projects"] == "1"
    assert bars(action_chart(response)) == []
    assert "No messages yet." in html.unescape(response.content.decode())


def test_stranger_sees_only_his_own_workspace(world: World) -> None:
    for text in (REGISTRATION, SHOP, PHONE):
        inbox.submit_request(project=world.project, actor=world.owner, text=text)
    http = world.http(world.stranger)
    assert http.get(dashboard(world)).status_code == 404

    response = http.get(dashboard(world, world.other_workspace.slug))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert world.other_workspace.name in page
    assert world.other_project.name in page
    assert world.project.name not in page
    assert world.workspace.name not in page
    assert world.client.name not in page
    for text in (REGISTRATION, SHOP, PHONE):
        assert text[:30] not in page
    shown = numbers(response)
    assert shown["Not handled"] == "0"
    assert shown["Messages, last 30 days"] == "0"
    assert shown["Active projects"] == "1"
    other = world.other_project
    with translation.override("en"):
        assert shown["Hours worked"] == i18n.number(other.hours_worked)
        assert shown["Hours given as favours"] == i18n.number(other.hours_favor)
    assert bars(action_chart(response)) == []

    # His own message shows up on his overview only.
    inbox.submit_request(project=other, actor=world.stranger, text="Puteți adăuga o pagină?")
    assert numbers(http.get(dashboard(world, world.other_workspace.slug)))["Not handled"] == "1"
    assert numbers(world.http(world.owner).get(dashboard(world)))["Not handled"] == "3"


# -- the clients table, its charts and its CSV export -------------------------------------------


def health(world: World, client: Client, score: int, *, trend: list[int] | None = None) -> None:
    """A stored health reading, computed today; ``trend`` one score a week, oldest first."""
    today = timezone.localdate()
    scores = trend or [score]
    points = [
        [(today - dt.timedelta(weeks=len(scores) - 1 - i)).isoformat(), s]
        for i, s in enumerate(scores)
    ]
    ClientHealth.objects.update_or_create(
        client=client,
        defaults={
            "workspace": client.workspace,
            "score": score,
            "consider_ending": score < 50,
            "creep_rate": Decimal("0.25") if score < 50 else None,
            "trend": points,
            "computed_on": today,
        },
    )


def no_health(*clients: Client) -> None:
    """As before the client's first health reading (the health app may compute one on writes)."""
    ClientHealth.objects.filter(client__in=clients).delete()


def second_project(world: World, example: str) -> Project:
    """Another project of our first client, from an example billed in another currency."""
    return projects.create_project(
        workspace=world.workspace,
        actor=world.owner,
        client=world.client,
        agreement=load_agreement(EXAMPLES / f"{example}.yaml"),
    )


def accept_change_order(project: Project, world: World, hours: str, amount: str) -> None:
    event = ChangeOrderAccepted(
        date=timezone.localdate(), ref=f"CO-{hours}", amount=Decimal(amount), hours=Decimal(hours)
    )
    projects.record_event(project=project, actor=world.owner, event=event)


def pending_change_order(project: Project, world: World, hours: str, rate: str) -> ChangeOrder:
    co = changeorders.create_change_order(
        project=project,
        actor=world.owner,
        title="Newsletter",
        lines=[changeorders.Line("Newsletter", Decimal(hours), Decimal(rate))],
    )
    # Sent and awaiting an answer (how it was sent does not matter to the dashboard).
    ChangeOrder.objects.filter(pk=co.pk).update(status=ChangeOrder.Status.SENT)
    return co


def client_table(response: Response) -> list[dict[str, str]]:
    """The client table's rows: the cells' text by column header, as shown."""
    page = response.content.decode()
    table = re.search(r'<table class="data compact" id="client-table">(.*?)</table>', page, re.S)
    assert table is not None, "no client table"
    names = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", h.split("<br>")[0])).split())
        for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table.group(1), re.S)
    ]
    rows = []
    for tr in re.findall(r'<tr class="client[^"]*">(.*?)</tr>', table.group(1), re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        texts = [
            " ".join(html.unescape(re.sub(r"<title>.*?</title>|<[^>]+>", " ", c)).split())
            for c in cells
        ]
        rows.append(dict(zip(names, texts, strict=True)))
    return rows


def test_client_table_money_per_currency_charged_favours_and_pending(world: World) -> None:
    gbp = second_project(world, "brightpath-mvp")  # the same client, billed in pounds
    accept_change_order(world.project, world, hours="10", amount="800")
    projects.record_event(
        project=gbp,
        actor=world.owner,
        event=Favor(date=timezone.localdate(), hours=Decimal("2.5")),
    )
    pending_change_order(world.project, world, hours="3", rate="80")
    pending_change_order(world.project, world, hours="2", rate="80")
    expired = pending_change_order(world.project, world, hours="9", rate="80")
    ChangeOrder.objects.filter(pk=expired.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )  # past its validity: no longer awaiting an answer
    draft = changeorders.create_change_order(
        project=world.project,
        actor=world.owner,
        title="Not sent",
        lines=[changeorders.Line("Draft", Decimal(5), Decimal(80))],
    )
    assert draft.status == ChangeOrder.Status.DRAFT
    world.project.refresh_from_db()
    gbp.refresh_from_db()
    no_health(world.client)
    assert world.project.change_orders_hours == Decimal(10)
    assert world.project.change_orders_total == Decimal(800)
    assert world.project.agreed_rate == Decimal(80)

    with translation.override("en"):
        response = world.http(world.owner).get(dashboard(world))
        assert response.status_code == 200
        (row,) = client_table(response)
        assert row["Client"] == world.client.name
        # Two currencies, never added: one line each, in alphabetical order.
        eur_rate = (Decimal(5600) / Decimal("13.0")).quantize(Decimal("0.01"))  # 4800 + 800
        gbp_rate = (Decimal(18000) / Decimal(68)).quantize(Decimal("0.01"))  # 64 + 1.5 + 2.5 h
        assert row["Effective hourly rate"] == (
            f"{i18n.money(eur_rate, 'EUR')} {i18n.money(gbp_rate, 'GBP')}"
        )
        assert row["Out of scope, charged"] == (f"10 h · {i18n.money(Decimal(800), 'EUR')} –")
        # Favours at the agreed rate: 0.5 h × 80 € and 4 h × 95 £.
        assert row["Given away as favours"] == (
            f"0.5 h · {i18n.money(Decimal(40), 'EUR')} 4 h · {i18n.money(Decimal(380), 'GBP')}"
        )
        assert row["Change orders awaiting an answer"] == (
            f"2 · {i18n.money(Decimal(400), 'EUR')} –"
        )
        assert row["Health"] == "not computed yet"

        page = html.unescape(response.content.decode())
        projects_table = page[page.index('id="client-projects"') :]
        assert world.project.name in projects_table
        assert gbp.name in projects_table
        # Effective against agreed: 5 600 € over 13 h is 430.77 €, 538 % of 80 €.
        assert "538 %" in projects_table
        assert "13 / 54" in projects_table  # hours logged / budget (44 + the change order's 10)


def test_client_table_health_sorting_and_links(world: World) -> None:
    second = make_project(world.workspace, world.owner, "bistro-dunarea").client
    third = make_project(world.workspace, world.owner, "anxin-clinic").client
    unscored = make_project(world.workspace, world.owner, "huamei-shop").client
    health(world, world.client, 80, trend=[60, 70, 70, 75, 80])  # up 20 on four weeks ago
    health(world, second, 35, trend=[90, 80, 70, 50, 35])  # down 55
    health(world, third, 72, trend=[72, 72, 72, 72, 72])  # flat
    stranger_client = world.other_project.client
    stranger_client.name = "Charlie's own client"
    stranger_client.save(update_fields=["name"])
    health(world, stranger_client, 10)
    no_health(unscored)

    http = world.http(world.owner)
    with translation.override("en"):
        rows = client_table(http.get(dashboard(world)))
    assert [r["Client"].split(" Consider")[0] for r in rows] == [
        second.name,
        third.name,
        world.client.name,
        unscored.name,
    ]  # worst first, the client without a reading last
    assert rows[0]["Client"] == f"{second.name} Consider ending"
    assert rows[0]["Health"] == "35 ↓ -55"
    assert rows[1]["Health"] == "72 → 0"
    assert rows[2]["Health"] == "80 ↑ +20"
    assert rows[3]["Health"] == "not computed yet"
    assert "Consider ending" not in rows[2]["Client"]
    assert rows[0]["Creep rate"].startswith("25 %")

    page = http.get(dashboard(world)).content.decode()
    link = views.health_url(world.workspace.slug, second.pk)
    assert f'<a href="{link}">' in page
    try:  # the client's health page, once the health app has one
        assert link == reverse(
            "client_health", kwargs={"ws": world.workspace.slug, "pk": second.pk}
        )
    except NoReverseMatch:
        assert link == reverse(
            "client_detail", kwargs={"ws": world.workspace.slug, "pk": second.pk}
        )
    # Each trend as a sparkline whose title reads the scores.
    sparks = re.findall(r'<svg[^>]*class="chart sparkline".*?</svg>', page, re.S)
    assert len(sparks) == 3
    titles = [ET.fromstring(s).findtext(f"{_SVG}title") for s in sparks]
    assert titles[0] == f"Health score of {second.name}, week by week: 90, 80, 70, 50, 35"
    assert stranger_client.name not in html.unescape(page)

    def order(sort: str) -> list[str]:
        with translation.override("en"):
            response = http.get(dashboard(world) + f"?sort={sort}")
        return [r["Client"].split(" Consider")[0] for r in client_table(response)]

    assert order("-health") == [world.client.name, third.name, second.name, unscored.name]
    assert order("name") == sorted([world.client.name, second.name, third.name, unscored.name])
    assert order("nonsense") == order("health")
    assert order("creep")[0] == second.name


def test_health_chart_counts_clients_by_band(world: World) -> None:
    second = make_project(world.workspace, world.owner, "bistro-dunarea").client
    third = make_project(world.workspace, world.owner, "anxin-clinic").client
    health(world, world.client, 100)
    health(world, second, 42)
    health(world, third, 71)
    with translation.override("en"):
        page = world.http(world.owner).get(dashboard(world)).content.decode()
    match = re.search(r'<svg[^>]*class="chart chart-columns".*?</svg>', page, re.S)
    assert match is not None
    chart = ET.fromstring(match.group(0))
    assert chart.findtext(f"{_SVG}title") == "Clients by health score"
    assert "consider ending" in (chart.findtext(f"{_SVG}desc") or "")
    columns = [
        (r.get("class"), r.get("fill"))
        for r in chart.iter(f"{_SVG}rect")
        if "column" in (r.get("class") or "")
    ]
    assert columns == [
        ("column series-0", "#dc2626"),  # 42: consider ending
        ("column series-1", "#d97706"),  # 71: watch
        ("column series-2", "#16a34a"),  # 100: healthy
    ]
    labels = [t.text for t in chart.iter(f"{_SVG}text") if t.get("class") == "column-label"]
    assert labels[0] == "0–9"
    assert labels[-1] == "90–100"


def test_charged_versus_favours_chart(world: World) -> None:
    other = make_project(world.workspace, world.owner, "bistro-dunarea")
    accept_change_order(other, world, hours="6", amount="900")
    with translation.override("en"):
        page = world.http(world.owner).get(dashboard(world)).content.decode()
    match = re.search(r'<svg[^>]*class="chart chart-grouped".*?</svg>', page, re.S)
    assert match is not None
    chart = ET.fromstring(match.group(0))
    assert chart.findtext(f"{_SVG}title") == "Out-of-scope hours: charged or given away"
    texts = [(t.get("class"), t.text) for t in chart.iter(f"{_SVG}text")]
    rows = [text for cls, text in texts if cls == "row-label"]
    values = [text for cls, text in texts if cls == "value"]
    # The bistro: 6 h charged, none given; acme: none charged, 0.5 h given (its ledger).
    assert rows == [other.client.name, world.client.name]
    assert values == ["6", "0", "0", "0.5"]


def test_creep_rate_per_month(world: World) -> None:
    template = inbox.submit_request(project=world.project, actor=world.owner, text=REGISTRATION)
    assert template.scope_verdict in selectors.CREEP_SCOPES
    assert "addition" in template.kinds
    question = inbox.submit_request(project=world.project, actor=world.owner, text=OLD)
    assert question.scope_verdict not in selectors.CREEP_SCOPES
    today = timezone.localdate()
    months = selectors.month_starts(today)
    assert len(months) == 6
    assert months[-1] == today.replace(day=1)
    assert months[0] < months[1]
    # Two months ago: 3 out of scope of 4; seven months ago (outside the window): one more.
    noon = dt.time(12, tzinfo=timezone.get_current_timezone())
    earlier = dt.datetime.combine(months[-3], noon)
    for received, source in [
        (earlier, template),
        (earlier, template),
        (earlier + dt.timedelta(days=1), template),
        (earlier, question),
        (dt.datetime.combine(months[0], noon) - dt.timedelta(days=40), template),
    ]:
        copy = ClientRequest.objects.get(pk=source.pk)
        copy.pk = None
        copy.received_at = received
        copy.save()
    # Out of scope, but a revision, not an addition: a request, not creep (as the core counts).
    revision = ClientRequest.objects.get(pk=template.pk)
    revision.pk = None
    revision.received_at = earlier
    revision.kind = "revision"
    revision.kinds = ["revision"]
    revision.save()

    rows = selectors.client_rows(world.workspace, today=today)
    (ours,) = [r for r in rows if r.pk == world.client.pk]
    by_month = {m.month: (m.requests, m.out_of_scope, m.rate) for m in ours.months}
    assert by_month[months[-1]] == (2, 1, Decimal("0.5"))  # this month: the two submitted
    assert by_month[months[-3]] == (5, 3, Decimal("0.6"))
    assert by_month[months[-2]] == (0, 0, None)
    assert sum(n for n, _o, _r in by_month.values()) == 7  # the old one is not counted

    with translation.override("en"):
        (row,) = client_table(world.http(world.owner).get(dashboard(world)))
    shown = row["Creep rate"]
    assert "60 %" in shown
    assert "50 %" in shown


def test_clients_are_paged(world: World) -> None:
    for i in range(views.PAGE_SIZE + 3):
        clients.create_client(
            workspace=world.workspace, actor=world.owner, name=f"Client {i:03}", language="en"
        )
    http = world.http(world.owner)
    first = client_table(http.get(dashboard(world) + "?sort=name"))
    assert len(first) == views.PAGE_SIZE
    response = http.get(dashboard(world) + "?sort=name&page=2")
    second = client_table(response)
    assert len(second) == 4  # the example's client and three more
    assert not {r["Client"] for r in first} & {r["Client"] for r in second}
    assert "?sort=name&amp;page=1" in response.content.decode()


def test_numbers_follow_the_ui_language(world: World) -> None:
    world.owner.language = "fi"
    world.owner.save(update_fields=["language"])
    health(world, world.client, 44)
    response = world.http(world.owner).get(dashboard(world))
    page = html.unescape(response.content.decode())
    with translation.override("fi"):
        assert i18n.money(Decimal(40), "EUR") in page  # the favour's value: "40 €"
        assert f"0,5 h · {i18n.money(Decimal(40), 'EUR')}" in page
        assert "25 %" in page


def csv_of(response: Response) -> list[dict[str, str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_csv_export(world: World) -> None:
    gbp = second_project(world, "brightpath-mvp")
    accept_change_order(world.project, world, hours="10", amount="800.5")
    pending_change_order(world.project, world, hours="3", rate="80")
    hostile = clients.create_client(
        workspace=world.workspace,
        actor=world.owner,
        name='=HYPERLINK("http://evil.example","x")',
        language="en",
    )
    health(world, world.client, 45, trend=[70, 60, 50, 45, 45])
    no_health(hostile)
    url = reverse("dashboard_csv", kwargs={"ws": world.workspace.slug})
    response = world.http(world.owner).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="{world.workspace.slug}-clients-{today}.csv"'
    )
    rows = csv_of(response)
    header = list(rows[0])
    assert header[: len(views.CSV_COLUMNS)] == list(views.CSV_COLUMNS)
    assert header[len(views.CSV_COLUMNS) :] == [
        f"creep_rate_{m:%Y-%m}" for m in selectors.month_starts(timezone.localdate())
    ]

    ours = [r for r in rows if r["client_id"] == str(world.client.pk)]
    assert [(r["row"], r["currency"], r["project"]) for r in ours] == [
        ("client", "EUR", ""),
        ("client", "GBP", ""),
        ("project", "GBP", gbp.name),  # by name
        ("project", "EUR", world.project.name),
    ]
    eur, gbp_row, _bright, acme = ours
    assert eur["health_score"] == "45"
    assert eur["health_change_4_weeks"] == "-25"
    assert eur["health_direction"] == "down"
    assert eur["consider_ending"] == "true"
    assert eur["creep_rate"] == "0.2500"
    assert eur["fees"] == "5600.50"  # plain, with a dot, to the cent
    assert eur["effective_rate"] == "430.81"
    assert eur["charged_hours"] == "10.00"
    assert eur["charged_amount"] == "800.50"
    assert eur["favour_hours"] == "0.50"
    assert eur["favour_value"] == "40.00"
    assert eur["pending_change_orders"] == "1"
    assert eur["pending_amount"] == "240.00"
    assert gbp_row["favour_value"] == "142.50"  # 1.5 h × 95 £
    assert gbp_row["health_score"] == "45"  # the reading is the client's, on each of its rows
    assert acme["agreed_rate"] == "80.00"
    assert acme["hours_budgeted"] == "54.00"
    assert acme["status"] == "active"
    assert acme["health_score"] == ""

    # A name that a spreadsheet would run as a formula is made inert.
    (evil,) = [r for r in rows if r["client_id"] == str(hostile.pk)]
    assert evil["client"] == '\'=HYPERLINK("http://evil.example","x")'
    assert evil["currency"] == ""
    assert evil["health_score"] == ""
    # Worst health first, as on the page.
    assert rows[0]["client_id"] == str(world.client.pk)


def test_csv_cells() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert views.csv_cell(text) == "'" + text
    assert views.csv_cell("Acme Oy") == "Acme Oy"
    assert views.csv_cell(Decimal("1E+3")) == "1000"
    assert views.csv_cell(Decimal("0.0000")) == "0.0000"
    assert views.csv_cell(Decimal("-12.50")) == "-12.50"
    assert views.csv_cell(None) == ""
    assert views.csv_cell(True) == "true"
    assert views.csv_cell(dt.date(2026, 11, 2)) == "2026-11-02"


def test_stranger_never_sees_our_clients(world: World) -> None:
    gbp = second_project(world, "brightpath-mvp")
    accept_change_order(world.project, world, hours="10", amount="800")
    pending_change_order(world.project, world, hours="3", rate="80")
    inbox.submit_request(project=world.project, actor=world.owner, text=REGISTRATION)
    health(world, world.client, 30)
    no_health(world.other_project.client)
    http = world.http(world.stranger)
    ours = reverse("dashboard_csv", kwargs={"ws": world.workspace.slug})
    assert http.get(ours).status_code == 404

    his = reverse("dashboard_csv", kwargs={"ws": world.other_workspace.slug})
    rows = csv_of(http.get(his))
    assert {r["client"] for r in rows} == {world.other_project.client.name}
    assert {r["project"] for r in rows} == {"", world.other_project.name}
    assert all(r["health_score"] == "" for r in rows)
    assert all(r["pending_change_orders"] in ("0", "") for r in rows)
    body = http.get(his).content.decode()
    for name in (world.client.name, world.project.name, gbp.name):
        assert name not in body

    page = html.unescape(http.get(dashboard(world, world.other_workspace.slug)).content.decode())
    rows_shown = client_table(http.get(dashboard(world, world.other_workspace.slug)))
    assert [r["Client"] for r in rows_shown] == [world.other_project.client.name]
    assert world.client.name not in page
    assert gbp.name not in page


def test_query_count_does_not_grow_with_clients(world: World) -> None:
    """The page and the export read every client, project, reading and request in a fixed
    number of queries: the same for one client as for thirty with all kinds of data."""
    http = world.http(world.owner)
    urls = [dashboard(world), reverse("dashboard_csv", kwargs={"ws": world.workspace.slug})]
    template = inbox.submit_request(project=world.project, actor=world.owner, text=REGISTRATION)
    http.get(urls[0])  # warm up what is cached once per process

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert http.get(url).status_code == 200
            found.append(len(captured))
        return found

    small = counts()
    examples = ("bistro-dunarea", "anxin-clinic", "huamei-shop", "brightpath-mvp")
    for i in range(30):
        project = make_project(world.workspace, world.owner, examples[i % len(examples)])
        accept_change_order(project, world, hours="2", amount="100")
        pending_change_order(project, world, hours="1", rate="10")
        copy = ClientRequest.objects.get(pk=template.pk)
        copy.pk = None
        copy.project = project
        copy.save()
        health(world, project.client, 20 + i * 2, trend=[90, 80, 70, 60, 50, 40])
    health(world, world.client, 55)
    assert ClientHealth.objects.filter(workspace=world.workspace).count() == 31
    large = counts()
    assert large == small
    assert large[0] <= 15
    rows = client_table(http.get(dashboard(world)))
    assert len(rows) == min(31, views.PAGE_SIZE)
