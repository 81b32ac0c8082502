"""The workspace overview: its numbers, its chart, and only the workspace's own data."""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone, translation

from scopeline.inbox import services as inbox
from scopeline.projects import services as projects
from scopeline.projects.models import ClientRequest, Project
from scopeline.web import i18n
from tests.web.conftest import World, make_project

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
