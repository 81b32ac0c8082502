"""Client health in the web app: the stored reading follows every write, matches the core, and
the health page explains each red flag with its numbers and links to its evidence.

Also the thresholds page (owner only, hostile input refused, saving recomputes every client)
and ``manage.py refresh_health``."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scopeline.accounts.models import AuditEntry
from scopeline.changeorders import services as changeorders
from scopeline.core.events import ConceptsDelivered, Hours, Payment, RevisionRound
from scopeline.core.health import (
    ProjectHistory,
    RequestRecord,
    Thresholds,
    client_health,
    health_trend,
)
from scopeline.core.loading import load_agreement
from scopeline.health import services as health
from scopeline.health.models import ClientHealth, HealthSettings, band
from scopeline.health.selectors import client_histories, thresholds_from
from scopeline.inbox import services as inbox
from scopeline.projects import services as projects
from scopeline.projects.models import ClientRequest, LedgerEvent, Project
from scopeline.projects.selectors import project_facts
from tests.web.conftest import EXAMPLES, World, make_project

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

PHONE = "Lisätkää etusivulle puhelinnumeromme."
REGISTRATION = "Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua."


# -- helpers ---------------------------------------------------------------------------------


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of ours (Django's sessions and unmanaged models aside)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models():
        if model._meta.label == "sessions.Session" or not model._meta.managed:
            continue
        out[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
    return out


def text_of(response: Response) -> str:
    return html.unescape(response.content.decode())


def health_url(world: World, client_id: int | None = None, ws: str | None = None) -> str:
    return reverse(
        "client_health",
        kwargs={"ws": ws or world.workspace.slug, "pk": client_id or world.client.pk},
    )


def stored_request(
    project: Project,
    *,
    kinds: list[str],
    scope: str = "not_applicable",
    action: str = "answer",
    days_ago: int = 1,
    decided: bool = False,
    text: str = "",
    advice: str | None = None,
    advice_overridden: bool = False,
) -> ClientRequest:
    """A triaged message as the inbox stores it (without running the triage model)."""
    assert project.current_version is not None
    received = timezone.now() - dt.timedelta(days=days_ago)
    return ClientRequest.objects.create(
        workspace_id=project.workspace_id,
        project=project,
        version=project.current_version,
        received_at=received,
        text=text or f"{kinds[0]} message {days_ago} days ago",
        lang="en",
        kind=kinds[0],
        kinds=kinds,
        scope_verdict=scope,
        suggested_action=action,
        estimate_hours=Decimal(0),
        verdict={"kinds": kinds, "advice": advice},
        status=ClientRequest.Status.DECIDED if decided else ClientRequest.Status.NEW,
        action=action if decided else "",
        advice_overridden=advice_overridden,
        decided_at=received if decided else None,
    )


def red_project(world: World) -> Project:
    """The Taiwanese clinic: five concepts where three were agreed, and a client who asks for a
    discount, demands the deposit back with a threat and keeps adding excluded work."""
    project = make_project(world.workspace, world.owner, "anxin-clinic")
    stored_request(project, kinds=["discount"], action="hold_price", days_ago=3)
    stored_request(project, kinds=["refund", "threat"], action="escalate", days_ago=1)
    for days in (4, 8, 12, 20):
        stored_request(
            project, kinds=["addition"], scope="excluded", action="change_order", days_ago=days
        )
    health.refresh_client_health(project.client)
    return project


def reference_histories(client_id: int) -> list[ProjectHistory]:
    """The core's input built independently of the selector: through the project facts."""
    out = []
    for project in Project.objects.filter(client_id=client_id).order_by("pk"):
        facts = project_facts(project)
        records = tuple(
            RequestRecord(
                ref=str(r.pk),
                date=timezone.localdate(r.received_at),
                kinds=tuple(r.kinds),
                scope=r.scope_verdict,
                action=r.action if r.status == "decided" else r.suggested_action,
                decided=r.status == "decided",
                advice=r.verdict.get("advice") or None,
                advice_overridden=r.advice_overridden,
            )
            for r in ClientRequest.objects.filter(project=project).order_by("received_at", "pk")
        )
        out.append(
            ProjectHistory(
                ref=str(project.pk),
                agreement=facts.agreement,
                events=tuple(facts.events),
                event_refs=tuple(str(row.pk) for row in facts.rows),
                requests=records,
            )
        )
    return out


# -- the stored reading ----------------------------------------------------------------------


def test_a_new_project_gives_its_client_a_reading(world: World) -> None:
    row = ClientHealth.objects.get(client=world.client)
    assert row.workspace == world.workspace
    assert row.computed_on == timezone.localdate()
    assert len(row.trend) == health.TREND_WEEKS
    assert row.trend[-1] == [timezone.localdate().isoformat(), row.score]


def test_the_stored_row_matches_the_core(world: World) -> None:
    project = red_project(world)
    today = timezone.localdate()
    histories = reference_histories(project.client_id)
    expected = client_health(histories, Thresholds(), today)
    trend = health_trend(histories, Thresholds(), today, weeks=health.TREND_WEEKS)
    row = ClientHealth.objects.get(client=project.client)
    assert row.score == expected.score < 50
    assert row.consider_ending is expected.consider_ending is True
    assert row.flags == expected.as_dict()["flags"]
    assert row.creep_rate == expected.creep_rate
    assert row.trend == [[p.date.isoformat(), p.score] for p in trend]
    assert client_histories(project.client) == histories
    codes = {flag["code"] for flag in row.flags}
    assert {
        "allowance_exceeded",
        "discount_demands",
        "refund_demands",
        "threats",
        "out_of_scope_repeated",
    } <= codes


def test_the_workspace_thresholds_are_used(world: World) -> None:
    project = red_project(world)
    HealthSettings.objects.create(
        workspace=world.workspace,
        consider_ending_below=10,
        out_of_scope_per_window=10,
        rate_floors={"TWD": "1600"},
    )
    row = health.refresh_client_health(project.client)
    thresholds = thresholds_from(HealthSettings.objects.get(workspace=world.workspace))
    assert thresholds.rate_floors == {"TWD": Decimal(1600)}
    expected = client_health(reference_histories(project.client_id), thresholds, row.computed_on)
    assert row.score == expected.score
    assert row.consider_ending is False  # not below 10
    codes = {flag["code"] for flag in row.flags}
    assert "out_of_scope_repeated" not in codes  # 4 in the window is no longer more than 10
    assert "over_budget" in codes  # 60 000 TWD ÷ 41 h is below a 1 600 TWD floor


def test_the_request_fields_reach_the_core(world: World) -> None:
    overridden = stored_request(
        world.project,
        kinds=["addition"],
        scope="excluded",
        action="decline",
        decided=True,
        advice="autoplay_music",
        advice_overridden=True,
    )
    suggested = stored_request(world.project, kinds=["question"], action="answer")
    (history,) = client_histories(world.client)
    records = {r.ref: r for r in history.requests}
    record = records[str(overridden.pk)]
    assert (record.action, record.decided, record.advice, record.advice_overridden) == (
        "decline",
        True,
        "autoplay_music",
        True,
    )
    assert record.scope == "excluded"
    assert records[str(suggested.pk)].action == "answer"
    assert records[str(suggested.pk)].decided is False
    assert records[str(suggested.pk)].advice is None
    assert history.event_refs == tuple(
        str(pk) for pk in world.project.events.order_by("date", "id").values_list("pk", flat=True)
    )


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The client ids refreshed, one entry per refresh."""
    seen: list[int] = []
    original = health.refresh_client_health

    def counting(client: Any, **kwargs: Any) -> ClientHealth:
        seen.append(client.pk)
        return original(client, **kwargs)

    monkeypatch.setattr(health, "refresh_client_health", counting)
    return seen


def test_every_write_refreshes_its_client_once(world: World, refreshes: list[int]) -> None:
    client = world.client.pk
    projects.record_event(
        project=world.project,
        actor=world.owner,
        event=ConceptsDelivered(date=timezone.localdate(), count=2),
    )
    assert refreshes == [client]
    row = ClientHealth.objects.get(client=world.client)
    assert "allowance_exceeded" in {f["code"] for f in row.flags}  # 5 concepts of 3

    refreshes.clear()
    request = inbox.submit_request(project=world.project, actor=world.owner, text=PHONE)
    assert refreshes == [client]
    refreshes.clear()
    inbox.decide_request(request=request, actor=world.owner, action=request.suggested_action)
    assert refreshes == [client]

    refreshes.clear()
    agreement = load_agreement(EXAMPLES / "acme-website.yaml")
    changed = msgspec.structs.replace(agreement, project="Acme website, phase 2")
    projects.save_agreement(project=world.project, actor=world.owner, agreement=changed)
    assert refreshes == [client]

    refreshes.clear()
    text = (EXAMPLES / "acme-website.yaml").read_text(encoding="utf-8")
    text = text.replace("type: favor, hours: 0.5", "type: favor, hours: 0.75")
    from scopeline.core import parse_agreement

    projects.import_agreement(
        project=world.project,
        actor=world.owner,
        agreement=parse_agreement(text.replace("amount: 4800", "amount: 5000"), source="a.yaml"),
        filename="a.yaml",
    )
    assert refreshes == [client]  # a new version and a new event: one refresh


def test_change_orders_refresh_once_per_step(
    world: World, refreshes: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client.pk
    order = changeorders.create_change_order(
        project=world.project,
        actor=world.owner,
        title="Newsletter sign-up",
        lines=[changeorders.Line("Newsletter sign-up form", Decimal(3), Decimal(80))],
    )
    assert refreshes == []  # a draft is not in the ledger
    order, url = changeorders.mark_sent(co=order, actor=world.owner, site_url="http://testserver")
    assert refreshes == [client]
    refreshes.clear()
    link = world.client.portal_links.latest("pk")
    from scopeline.changeorders.documents import render_document, sha256

    with django_capture_on_commit_callbacks(execute=False):
        changeorders.accept(
            link=link,
            number=order.number,
            name="Matti Virtanen",
            document_hash=sha256(render_document(order)),
            ip="127.0.0.1",
            user_agent="test",
        )
    assert refreshes == [client]  # the ledger event and the agreement's new version: once
    assert url

    refreshes.clear()
    second = changeorders.create_change_order(
        project=world.project,
        actor=world.owner,
        title="Analytics",
        lines=[changeorders.Line("Analytics", Decimal(1), Decimal(80))],
    )
    second, _url = changeorders.mark_sent(co=second, actor=world.owner, site_url="http://x")
    refreshes.clear()
    changeorders.withdraw(co=second, actor=world.owner)
    assert refreshes == [client]


def test_a_failing_refresh_does_not_undo_the_write(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(client: Any, **kwargs: Any) -> ClientHealth:
        raise RuntimeError("boom")

    monkeypatch.setattr(health, "refresh_client_health", broken)
    before = ClientHealth.objects.get(client=world.client)
    row = projects.record_event(
        project=world.project,
        actor=world.owner,
        event=Hours(date=timezone.localdate(), hours=Decimal(2)),
    )
    assert LedgerEvent.objects.filter(pk=row.pk).exists()
    assert ClientHealth.objects.get(client=world.client).computed_at == before.computed_at
    assert "not refreshed" in caplog.text


def test_refresh_once_batches_nested_writes(world: World, refreshes: list[int]) -> None:
    with health.refresh_once():
        for _ in range(3):
            projects.record_event(
                project=world.project,
                actor=world.owner,
                event=RevisionRound(date=timezone.localdate()),
            )
        assert refreshes == []
    assert refreshes == [world.client.pk]


def test_refresh_runs_a_constant_number_of_queries(world: World) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            health.refresh_client_health(world.client)
        return len(captured)

    small = count()
    for i in range(3):
        project = make_project(world.workspace, world.owner, "acme-website")
        project.client = world.client
        project.save(update_fields=["client"])
        for n in range(20):
            stored_request(project, kinds=["addition"], scope="excluded", days_ago=n + i)
        LedgerEvent.objects.bulk_create(
            projects.event_row(
                project, world.owner, Payment(date=dt.date(2026, 10, 1), amount=Decimal(1))
            )
            for _ in range(30)
        )
    assert count() == small
    assert small <= 8


# -- the health page -------------------------------------------------------------------------


def test_the_health_page_explains_each_flag_with_its_evidence(world: World) -> None:
    project = red_project(world)
    row = ClientHealth.objects.get(client=project.client)
    response = world.http(world.owner).get(health_url(world, project.client_id))
    assert response.status_code == 200
    text = text_of(response)
    assert f"{row.score} / 100" in text
    assert band(row.score, row.consider_ending) == "consider_ending"
    assert 'class="band consider_ending"' in text
    assert "<h2>Consider ending</h2>" in text
    assert reverse("project_exit", kwargs={"ws": world.workspace.slug, "pk": project.pk}) in text
    # Each flag: its title, its sentence with numbers, its evidence as links.
    assert "Beyond the agreed concepts or revision rounds" in text
    assert "5 concepts delivered where 3 were agreed." in text
    assert "The client asked for a discount 1 time after signing." in text
    assert "The client demanded a refund 1 time." in text
    assert "4 requests outside the agreement in the last 30 days (4 in all)." in text
    refund = ClientRequest.objects.get(project=project, kind="refund")
    assert reverse("request_detail", kwargs={"ws": world.workspace.slug, "pk": refund.pk}) in text
    over = LedgerEvent.objects.filter(project=project, type="concepts_delivered").last()
    assert over is not None
    detail = reverse("project_detail", kwargs={"ws": world.workspace.slug, "pk": project.pk})
    assert f'href="{detail}#event-{over.pk}"' in text
    # The anchor exists on the project page.
    assert f'id="event-{over.pk}"' in text_of(world.http(world.owner).get(detail))
    # The trend chart, drawn on the server.
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text
    assert 'class="chart chart-trend"' in text
    # The creep rate: 4 excluded additions of 6 messages.
    assert "67%" in text


def test_a_healthy_client_has_no_flags_and_no_exit(world: World) -> None:
    response = world.http(world.teammate).get(health_url(world))
    assert response.status_code == 200
    text = text_of(response)
    assert "100 / 100" in text
    assert "No red flags" in text
    assert "<h2>Consider ending</h2>" not in text
    assert 'id="consider-ending"' not in text


def test_the_page_recomputes_a_stale_reading(world: World) -> None:
    ClientHealth.objects.filter(client=world.client).update(
        computed_on=timezone.localdate() - dt.timedelta(days=2), score=3
    )
    text = text_of(world.http(world.teammate).get(health_url(world)))
    assert "100 / 100" in text
    row = ClientHealth.objects.get(client=world.client)
    assert (row.score, row.computed_on) == (100, timezone.localdate())


def test_the_client_list_and_page_show_the_badge(world: World) -> None:
    project = red_project(world)
    row = ClientHealth.objects.get(client=project.client)
    http = world.http(world.owner)
    listing = text_of(http.get(reverse("client_list", kwargs={"ws": world.workspace.slug})))
    link = health_url(world, project.client_id)
    assert re.search(
        rf'href="{link}"[^>]*class="health-badge consider_ending"[^>]*>{row.score}<', listing
    )
    detail = text_of(
        http.get(
            reverse("client_detail", kwargs={"ws": world.workspace.slug, "pk": project.client_id})
        )
    )
    assert link in detail
    project_page = text_of(
        http.get(reverse("project_detail", kwargs={"ws": world.workspace.slug, "pk": project.pk}))
    )
    assert (
        reverse("project_exit", kwargs={"ws": world.workspace.slug, "pk": project.pk})
        in project_page
    )
    assert (
        reverse("project_lead", kwargs={"ws": world.workspace.slug, "pk": project.pk})
        in project_page
    )


def test_strangers_see_nothing(world: World) -> None:
    project = red_project(world)
    http = world.http(world.stranger)
    before = snapshot()
    for url in (
        health_url(world, project.client_id),
        health_url(world, project.client_id, ws=world.other_workspace.slug),
        reverse("health_settings", kwargs={"ws": world.workspace.slug}),
    ):
        assert http.get(url).status_code == 404, url
        assert http.post(url, {"consider_ending_below": "1"}).status_code == 404, url
    assert snapshot() == before
    # His own client's id in our workspace, and ours in his.
    his = world.other_project.client_id
    assert world.http(world.owner).get(health_url(world, his)).status_code == 404


def test_the_health_page_query_count_does_not_grow(world: World) -> None:
    project = red_project(world)
    http = world.http(world.owner)
    url = health_url(world, project.client_id)
    http.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert http.get(url).status_code == 200
        return len(captured)

    small = count()
    for i in range(15):
        stored_request(project, kinds=["discount", "threat"], action="hold_price", days_ago=i + 2)
        stored_request(project, kinds=["addition"], scope="out_of_scope", days_ago=i + 2)
    for _ in range(5):
        projects.record_event(
            project=project,
            actor=world.owner,
            event=ConceptsDelivered(date=timezone.localdate(), count=1),
        )
    row = health.refresh_client_health(project.client)
    assert sum(len(f["evidence"]) for f in row.flags) > 40
    assert count() == small
    assert small <= 15


# -- the thresholds --------------------------------------------------------------------------


def settings_url(world: World) -> str:
    return reverse("health_settings", kwargs={"ws": world.workspace.slug})


VALID = {
    "out_of_scope_window_days": "21",
    "out_of_scope_per_window": "1",
    "rate_floor_percent": "80",
    "rate_floors": "EUR 50\r\ntwd 1200\n\n",
    "over_budget_percent": "10",
    "payment_grace_days": "7",
    "consider_ending_below": "60",
}


def test_the_owner_saves_thresholds_and_every_client_is_recomputed(world: World) -> None:
    red = red_project(world)
    http = world.http(world.owner)
    page = http.get(settings_url(world))
    assert page.status_code == 200
    assert 'value="30"' in page.content.decode()  # the defaults
    response = http.post(settings_url(world), VALID, follow=True)
    assert response.redirect_chain[-1][0] == settings_url(world)
    assert "the health of 2 clients was recomputed" in text_of(response)
    stored = HealthSettings.objects.get(workspace=world.workspace)
    assert stored.rate_floors == {"EUR": "50", "TWD": "1200"}
    assert (stored.consider_ending_below, stored.out_of_scope_window_days) == (60, 21)
    assert AuditEntry.objects.filter(action="health.thresholds_saved").count() == 1
    for client_id in (world.client.pk, red.client_id):
        row = ClientHealth.objects.get(client_id=client_id)
        expected = client_health(
            reference_histories(client_id), thresholds_from(stored), row.computed_on
        )
        assert (row.score, row.consider_ending) == (expected.score, expected.consider_ending)
    again = text_of(http.get(settings_url(world)))
    assert "EUR 50\nTWD 1200" in again


HOSTILE: list[tuple[dict[str, str], str, str]] = [
    ({"out_of_scope_window_days": "0"}, "out_of_scope_window_days", "greater than or equal"),
    ({"out_of_scope_window_days": "-5"}, "out_of_scope_window_days", "greater than or equal"),
    ({"out_of_scope_per_window": "1e3"}, "out_of_scope_per_window", "whole number"),
    ({"rate_floor_percent": "101"}, "rate_floor_percent", "less than or equal"),
    ({"rate_floor_percent": "-1"}, "rate_floor_percent", "greater than or equal"),
    ({"rate_floor_percent": "NaN"}, "rate_floor_percent", "number"),
    ({"over_budget_percent": "Infinity"}, "over_budget_percent", "number"),
    ({"payment_grace_days": "x"}, "payment_grace_days", "whole number"),
    ({"consider_ending_below": "0"}, "consider_ending_below", "greater than or equal"),
    ({"consider_ending_below": "101"}, "consider_ending_below", "less than or equal"),
    ({"rate_floors": "EUR -5"}, "rate_floors", "must be positive"),
    ({"rate_floors": "EUR 0"}, "rate_floors", "must be positive"),
    ({"rate_floors": "XYZ 50"}, "rate_floors", "not a currency code"),
    ({"rate_floors": "EUR fifty"}, "rate_floors", "like “EUR 50”"),
    ({"rate_floors": "50 EUR"}, "rate_floors", "like “EUR 50”"),
    ({"rate_floors": "EUR 50.001"}, "rate_floors", "fit EUR"),
    ({"rate_floors": "JPY 10.5"}, "rate_floors", "fit JPY"),
    ({"rate_floors": "EUR 1e99"}, "rate_floors", "must be positive"),
    ({"rate_floors": "EUR 50\nEUR 60"}, "rate_floors", "already given"),
    ({"rate_floors": "\n".join(f"EUR {i}" for i in range(1, 60))}, "rate_floors", "At most"),
    ({"rate_floors": "<script>alert(1)</script> 5"}, "rate_floors", "like “EUR 50”"),
    ({"rate_floors": "EUR 5\x00"}, "rate_floors", "Null characters"),
    ({"rate_floors": "E" * 3000}, "rate_floors", "at most 2000"),
]


@pytest.mark.parametrize(("changes", "field", "message"), HOSTILE)
def test_hostile_thresholds_are_refused_and_change_nothing(
    world: World, changes: dict[str, str], field: str, message: str
) -> None:
    http = world.http(world.owner)
    before = snapshot()
    response = http.post(settings_url(world), VALID | changes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field]), errors[field]
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert snapshot() == before


def test_only_the_owner_edits_thresholds(world: World) -> None:
    http = world.http(world.teammate)
    before = snapshot()
    assert http.get(settings_url(world)).status_code == 403
    assert http.post(settings_url(world), VALID).status_code == 403
    assert snapshot() == before
    # The teammate still reads the health page, without the owner's link to the thresholds.
    text = text_of(http.get(health_url(world)))
    assert settings_url(world) not in text
    assert settings_url(world) in text_of(world.http(world.owner).get(health_url(world)))


# -- manage.py refresh_health ----------------------------------------------------------------


def test_the_command_recomputes_every_client_and_says_so(world: World) -> None:
    ClientHealth.objects.all().update(score=1, computed_on=dt.date(2026, 1, 1))
    out = io.StringIO()
    call_command("refresh_health", stdout=out)
    printed = out.getvalue()
    assert f"{world.workspace.slug}: 1/1 Acme Oy" in printed
    assert "Health recomputed for 2 client(s)." in printed
    assert set(ClientHealth.objects.values_list("score", flat=True)) != {1}
    assert set(ClientHealth.objects.values_list("computed_on", flat=True)) == {timezone.localdate()}


def test_the_command_takes_one_workspace(world: World) -> None:
    ClientHealth.objects.all().update(computed_on=dt.date(2026, 1, 1))
    out = io.StringIO()
    call_command("refresh_health", "--workspace", world.other_workspace.slug, stdout=out)
    assert "Health recomputed for 1 client(s)." in out.getvalue()
    ours = ClientHealth.objects.get(client=world.client)
    assert ours.computed_on == dt.date(2026, 1, 1)
    with pytest.raises(CommandError, match="No workspace"):
        call_command("refresh_health", "--workspace", "no-such-studio", stdout=io.StringIO())
