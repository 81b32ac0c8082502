"""The busy pages run a fixed number of SQL queries, however much data the workspace holds.

Measured once for a small world and again after adding many projects, client messages and
ledger events; the counts must be equal (no query per row), and under a ceiling, so that a
regression shows even when it does not grow with the data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scopeline.inbox import services as inbox
from scopeline.projects.models import ClientRequest, LedgerEvent, Project
from tests.web.conftest import World, make_project

CEILING = 15
EXTRA_PROJECTS = 24  # more than the dashboard's 15 and several per example agreement
REQUESTS_PER_PROJECT = 6  # with ours: more than a page of the inbox (50)
EVENTS_PER_PROJECT = 40  # ours gets more than the project page's 100 latest rows
EXAMPLES = ("acme-website", "bistro-dunarea", "brightpath-mvp", "huamei-shop", "anxin-clinic")

REGISTRATION = "Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua."
PHONE = "Lisätkää etusivulle puhelinnumeromme."


def pages(world: World, request: ClientRequest) -> dict[str, str]:
    ws = world.workspace.slug
    p = world.project.pk
    return {
        "inbox": reverse("inbox", kwargs={"ws": ws}),
        "inbox, decided": reverse("inbox", kwargs={"ws": ws}) + "?show=decided",
        "inbox, all, page 2": reverse("inbox", kwargs={"ws": ws}) + "?show=all&page=2",
        "project detail": reverse("project_detail", kwargs={"ws": ws, "pk": p}),
        "project list": reverse("project_list", kwargs={"ws": ws}),
        "project list, all": reverse("project_list", kwargs={"ws": ws}) + "?status=all",
        "dashboard": reverse("dashboard", kwargs={"ws": ws}),
        "dashboard csv": reverse("dashboard_csv", kwargs={"ws": ws}),
        "request detail": reverse("request_detail", kwargs={"ws": ws, "pk": request.pk}),
        "client list": reverse("client_list", kwargs={"ws": ws}),
        "client detail": reverse("client_detail", kwargs={"ws": ws, "pk": world.client.pk}),
        "project versions": reverse("project_versions", kwargs={"ws": ws, "pk": p}),
    }


def count_queries(http: HttpClient, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(url)
    assert response.status_code == 200, url
    return len(captured), [q["sql"] for q in captured.captured_queries]


def measure(http: HttpClient, urls: dict[str, str]) -> dict[str, tuple[int, list[str]]]:
    return {name: count_queries(http, url) for name, url in urls.items()}


def copy_request(
    template: ClientRequest, project: Project, received_at: dt.datetime, *, decided: bool
) -> ClientRequest:
    """A stored message like ``template`` (triaging thousands would only test the engine)."""
    fields: dict[str, Any] = {
        f.attname: getattr(template, f.attname)
        for f in ClientRequest._meta.concrete_fields
        if f.attname != "id"
    }
    fields |= {
        "workspace_id": project.workspace_id,
        "project_id": project.pk,
        "version_id": project.current_version_id,
        "received_at": received_at,
    }
    if decided:
        fields |= {
            "status": ClientRequest.Status.DECIDED,
            "action": template.suggested_action,
            "tone": "neutral",
            "reply_text": template.drafts["neutral"],
            "decided_by_id": template.created_by_id,
            "decided_at": received_at + dt.timedelta(hours=1),
        }
    return ClientRequest(**fields)


def grow(world: World, template: ClientRequest) -> None:
    """Many more projects (with their clients), messages and ledger events."""
    projects = [world.project]
    for i in range(EXTRA_PROJECTS):
        project = make_project(world.workspace, world.owner, EXAMPLES[i % len(EXAMPLES)])
        project.name = f"{project.name} #{i}"
        project.save(update_fields=["name"])
        projects.append(project)
    now = timezone.now()
    requests = []
    events = []
    hours = LedgerEvent.objects.filter(project=world.project, type="hours").first()
    assert hours is not None
    for n, project in enumerate(projects):
        for i in range(REQUESTS_PER_PROJECT):
            when = now - dt.timedelta(hours=n * REQUESTS_PER_PROJECT + i)
            requests.append(copy_request(template, project, when, decided=i % 2 == 1))
        count = EVENTS_PER_PROJECT * (4 if project == world.project else 1)
        for i in range(count):
            events.append(
                LedgerEvent(
                    workspace_id=project.workspace_id,
                    project=project,
                    date=dt.date(2026, 10, 1) + dt.timedelta(days=i % 60),
                    type=hours.type,
                    data=hours.data,
                    created_by=world.owner,
                )
            )
    ClientRequest.objects.bulk_create(requests)
    LedgerEvent.objects.bulk_create(events)
    # Events attached to the messages they decided, as the inbox writes them.
    decided = ClientRequest.objects.filter(project=world.project, status="decided")
    LedgerEvent.objects.bulk_create(
        LedgerEvent(
            workspace_id=world.workspace.pk,
            project=world.project,
            date=dt.date(2026, 11, 1),
            type="request_decided",
            data={"date": "2026-11-01", "kind": r.kind, "action": r.action},
            request=r,
            created_by=world.owner,
        )
        for r in decided
    )


@pytest.fixture
def small_world(world: World) -> tuple[World, ClientRequest]:
    template = inbox.submit_request(project=world.project, actor=world.owner, text=REGISTRATION)
    phone = inbox.submit_request(project=world.project, actor=world.owner, text=PHONE)
    inbox.decide_request(request=phone, actor=world.owner, action=phone.suggested_action)
    return world, template


def test_query_counts_do_not_grow_with_the_data(small_world: tuple[World, ClientRequest]) -> None:
    world, template = small_world
    http = world.http(world.owner)
    urls = pages(world, template)
    http.get(urls["dashboard"])  # warm up what is cached once per process
    small = measure(http, urls)

    grow(world, template)
    assert ClientRequest.objects.filter(workspace=world.workspace).count() > 150
    assert LedgerEvent.objects.filter(project=world.project).count() > 150
    assert Project.objects.filter(workspace=world.workspace).count() == EXTRA_PROJECTS + 1
    large = measure(http, urls)

    for name in urls:
        count, sql = large[name]
        assert count == small[name][0], f"{name}: {small[name][0]} → {count} queries\n" + "\n".join(
            sql
        )
        assert count <= CEILING, f"{name}: {count} queries\n" + "\n".join(sql)


def test_pages_still_show_the_data_after_growing(
    small_world: tuple[World, ClientRequest],
) -> None:
    """The counts above are of pages that really list the rows (and page them)."""
    world, template = small_world
    grow(world, template)
    http = world.http(world.owner)
    urls = pages(world, template)
    inbox_page = http.get(urls["inbox"]).content.decode()
    assert inbox_page.count('<tr class="new">') == 50  # one full page
    assert 'class="pager"' in inbox_page
    listing = http.get(urls["project list"]).content.decode()
    assert listing.count("<tr>") == 1 + EXTRA_PROJECTS + 1  # the header row and every project
    detail = http.get(urls["project detail"]).content.decode()
    ledger = re.search(r'<table[^>]*id="ledger">(.*?)</table>', detail, re.S)
    assert ledger is not None
    assert ledger.group(1).count("<tr>") == 1 + 100  # the latest 100 ledger entries
    assert "Showing the 100 latest entries" in detail
