"""Workspace backup: export to one JSON file, import into an empty database or under a new
short name; every object and every ledger total comes back exactly, and a bad file changes
nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.utils import timezone

from scopeline.accounts.models import AuditEntry, Membership, User, Workspace
from scopeline.api.models import ApiToken, Webhook, WebhookDelivery
from scopeline.backup import format as backup_format
from scopeline.backup.format import EXCLUDED, SECTIONS, _remap_health_flags
from scopeline.backup.services import (
    BackupError,
    export_workspace,
    import_workspace,
    specs,
    validate,
    workspace_models,
)
from scopeline.changeorders import services as changeorders
from scopeline.changeorders.documents import render_document, sha256
from scopeline.changeorders.models import PortalLink
from scopeline.core import ProjectState
from scopeline.health import services as health
from scopeline.health.models import ExitKitChoice, HealthSettings
from scopeline.inbox import services as inbox
from scopeline.intake import services as intake
from scopeline.intake.models import IntakeMailbox
from scopeline.projects.models import ClientRequest
from scopeline.projects.selectors import project_facts
from scopeline.timeimport import services as timeimport
from scopeline.timeimport.selectors import ImportOptions
from scopeline.web.demo import load_demo
from tests.web.conftest import World, make_project

DATA = Path(__file__).resolve().parents[1] / "data"


def export(workspace: Workspace, *, secrets: bool = True) -> dict[str, Any]:
    out = io.StringIO()
    export_workspace(workspace=workspace, out=out, include_secrets=secrets)
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


@pytest.fixture
def rich(db: None) -> Workspace:
    """The demo workspace (clients in five languages, agreements, ledgers, decided messages,
    change orders sent and accepted in the portal), enriched."""
    summary = load_demo(today=dt.date(2026, 3, 2))
    owner = User.objects.get(email="demo@scopeline.example")
    return enrich(summary.workspace, owner)


@pytest.fixture
def studio(world: World) -> Workspace:
    """A lighter one (triage is slow on a busy machine): the five example agreements with their
    ledgers, two client messages, one decided, enriched."""
    for example in ("anxin-clinic", "bistro-dunarea", "brightpath-mvp", "huamei-shop"):
        make_project(world.workspace, world.owner, example)
    message = inbox.submit_request(
        project=world.project, actor=world.owner, text="Voisitteko lisätä uutiskirjeen tilauksen?"
    )
    inbox.decide_request(
        request=message, actor=world.owner, action="favor", tone="warm", note="Pieni juttu."
    )
    inbox.submit_request(project=world.project, actor=world.teammate, text="Kiitos, hyvä!")
    return enrich(world.workspace, world.owner)


def enrich(workspace: Workspace, owner: User) -> Workspace:
    """Add a change order accepted and one declined in the portal, a revision, a withdrawn
    draft, portal links, notifications, health, an exit kit, imported time, an e-mail with
    attachments, a mailbox, API tokens, webhooks and their deliveries."""
    project = workspace.projects.order_by("name")[0]
    client = project.client
    # A change order declined in the portal, one revised, one withdrawn.
    lines = [changeorders.Line("Newsletter sign-up", Decimal("3.5"), Decimal("82.50"))]
    co = changeorders.create_change_order(
        project=project, actor=owner, title="Newsletter", lines=lines
    )
    co, _url = changeorders.mark_sent(co=co, actor=owner, site_url="http://testserver")
    link, _token = changeorders.create_portal_link(client=client, actor=owner)
    changeorders.decline(
        link=link, number=co.number, comment="Ei nyt.", ip="10.0.0.1", user_agent="UA"
    )
    won = changeorders.create_change_order(
        project=project, actor=owner, title="Map", lines=lines, days=2, concepts=1
    )
    won, _url = changeorders.mark_sent(co=won, actor=owner, site_url="http://testserver")
    changeorders.accept(
        link=link,
        number=won.number,
        name="Matti",
        document_hash=sha256(render_document(won)),
        ip="10.0.0.2",
        user_agent="UA",
    )
    draft = changeorders.create_change_order(
        project=project, actor=owner, title="Blog", lines=lines
    )
    revision = changeorders.revise(co=draft, actor=owner)
    changeorders.withdraw(co=revision, actor=owner)
    revoked, _token = changeorders.create_portal_link(client=client, actor=owner)
    changeorders.revoke_link(link=revoked, actor=owner)
    changeorders.mark_read(user=owner, ids=None)
    # Health, settings and an exit kit.
    HealthSettings.objects.create(workspace=workspace, rate_floors={"EUR": "55.00"})
    health.refresh_workspace_health(workspace, today=dt.date(2026, 3, 2))
    ExitKitChoice.objects.create(
        workspace=workspace, project=project, tone="warm", text="Kiitos yhteistyöstä."
    )
    # Time imported from a tracker.
    upload = timeimport.store_upload(
        project=project,
        actor=owner,
        filename="toggl.csv",
        content=(DATA / "timesheets" / "toggl-detailed.csv").read_bytes(),
    )
    timeimport.import_time(upload=upload, actor=owner, options=ImportOptions())
    # E-mail intake with stored files, and its mailbox (with a password).
    intake.receive_email(
        workspace=workspace,
        raw=(DATA / "eml" / "en-alternative-attachments.eml").read_bytes(),
        source="upload",
        actor=owner,
    )
    IntakeMailbox.objects.create(
        workspace=workspace, host="imap.example.com", username="in@example.com", password="pw"
    )
    # API tokens and webhooks.
    ApiToken.objects.create(
        workspace=workspace,
        name="sync",
        prefix="abcd1234",
        secret_sha256="f" * 64,
        scopes=["read"],
        created_by=owner,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    hook = Webhook.objects.create(
        workspace=workspace,
        url="https://hooks.example.com/x",
        secret="whsec_abc",
        events=["request.triaged"],
        created_by=owner,
    )
    WebhookDelivery.objects.create(
        webhook=hook, event="request.triaged", event_id="evt_123", payload='{"a": 1}'
    )
    return workspace


# -- comparing two workspaces ------------------------------------------------------------------


def _file_digest(value: Any) -> str | None:
    if not value.name:
        return None
    with value.storage.open(value.name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def snapshot(workspace: Workspace, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every row of the workspace, every column but the ids: references as (section, position
    in that section), users by e-mail, files by the SHA-256 of their content."""
    rows: dict[str, list[models.Model]] = {}
    position: dict[str, dict[int, int]] = {}
    for spec in specs():
        manager = spec.model._default_manager
        items = list(manager.filter(**{spec.section.workspace_path: workspace}).order_by("pk"))
        rows[spec.section.key] = items
        position[spec.section.key] = {obj.pk: i for i, obj in enumerate(items)}
    section_of = {spec.model: spec.section.key for spec in specs()}
    by_class = {spec.model.__name__: spec.section.key for spec in specs()}

    def where(section: str, old: str) -> str:
        found = position.get(section, {}).get(int(old)) if old.isdigit() else None
        return f"{section}#{found}" if found is not None else old

    out: dict[str, Any] = {
        "workspace": {
            f.name: getattr(workspace, f.name)
            for f in Workspace._meta.concrete_fields
            if f.name not in ("id", "slug")
        }
    }
    for spec in specs():
        key = spec.section.key
        table = []
        for obj in rows[key]:
            row: dict[str, Any] = {}
            for f in spec.model._meta.concrete_fields:
                if f.primary_key or f"{key}.{f.name}" in skip:
                    continue
                value = getattr(obj, f.attname)
                if f.is_relation and value is not None:
                    related = f.related_model
                    if related is Workspace:
                        value = "WS"
                    elif related is User:
                        value = User.objects.get(pk=value).email
                    else:
                        target = section_of[related]  # type: ignore[index]
                        value = (target, position[target][value])
                elif isinstance(f, models.FileField):
                    value = _file_digest(getattr(obj, f.name))
                row[f.name] = value
            if key == "audit":
                if row["object_type"] == "Workspace":
                    row["object_id"] = "WS"
                elif row["object_type"] in by_class:
                    row["object_id"] = where(by_class[row["object_type"]], row["object_id"])
            if key == "client_health":
                row["flags"] = _remap_health_flags(row["flags"], where)
            table.append(row)
        out[key] = table
    return out


def states(workspace: Workspace) -> list[ProjectState]:
    return [project_facts(p).state for p in workspace.projects.order_by("pk")]


def test_sections_cover_every_model_of_a_workspace() -> None:
    listed = {s.model for s in SECTIONS}
    assert workspace_models() == listed | set(EXCLUDED)
    assert len({s.key for s in SECTIONS}) == len(SECTIONS)
    # Late references (set after every row exists) are only the ones we know of.
    late = {(s.section.key, f.name) for s in specs() for f in s.fields if f.deferred}
    assert late == {("projects", "current_version"), ("change_orders", "replaces")}


def wipe(workspace: Workspace) -> None:
    """An empty database: the workspace, everything in it and every user gone."""
    ClientRequest.objects.filter(workspace=workspace).delete()
    workspace.projects.all().delete()
    workspace.delete()
    User.objects.all().delete()
    assert not AuditEntry.objects.exists()


def test_round_trip_into_an_empty_database_reproduces_everything(rich: Workspace) -> None:
    document = export(rich)
    assert document["format"] == "scopeline-workspace"
    assert document["version"] == 1
    assert len(document["events"]) > 40
    assert len(document["requests"]) > 20
    assert {c["status"] for c in document["change_orders"]} >= {
        "accepted",
        "declined",
        "sent",
        "withdrawn",
    }
    assert document["imported_time"]
    assert document["email_attachments"]
    assert document["notifications"]
    assert document["client_health"]
    assert document["portal_links"][0]["token_hash"]
    # Decimal amounts are exact strings in the file.
    assert any("." in e["data"].get("hours", "") for e in document["events"])
    assert isinstance(document["projects"][0]["fees"], str)
    without = export(rich, secrets=False)
    before = snapshot(rich)
    totals = states(rich)
    users_before = {
        u.email: (u.password, u.first_name, u.language)
        for u in User.objects.filter(memberships__workspace=rich)
    }
    wipe(rich)

    summary = import_workspace(document=json.loads(json.dumps(document)))
    copy = summary.workspace
    assert copy.slug == "demo"
    assert snapshot(copy) == before
    assert states(copy) == totals
    assert {
        u.email: (u.password, u.first_name, u.language)
        for u in User.objects.filter(memberships__workspace=copy)
    } == users_before
    # The restored demo user signs in with the old password.
    assert User.objects.get(email="demo@scopeline.example").check_password("scopeline-demo")

    # Without secrets, nothing opens in the restored workspace.
    assert without["secrets"] is False
    assert all(u.get("password") is None for u in without["users"])
    assert all(link["token_hash"] is None for link in without["portal_links"])
    assert without["intake_mailbox"][0]["password"] is None
    assert without["webhooks"][0]["secret"] is None
    assert "whsec_abc" not in json.dumps(without)
    wipe(copy)
    copy = import_workspace(document=without).workspace
    secret = frozenset(
        {
            "portal_links.token_hash",
            "api_tokens.secret_sha256",
            "webhooks.secret",
            "intake_mailbox.password",
        }
    )
    assert snapshot(copy, skip=secret) == snapshot_without(before, secret)
    owner = User.objects.get(email="demo@scopeline.example")
    assert not owner.has_usable_password()
    assert IntakeMailbox.objects.get(workspace=copy).password == ""
    hook = Webhook.objects.get(workspace=copy)
    assert hook.secret
    assert hook.secret != "whsec_abc"
    token = ApiToken.objects.get(workspace=copy)
    assert len(token.secret_sha256) == 64
    assert token.secret_sha256 != "f" * 64
    link = PortalLink.objects.filter(workspace=copy).first()
    assert link is not None
    assert link.token_hash not in {x["token_hash"] for x in document["portal_links"]}


def snapshot_without(snap: dict[str, Any], skip: frozenset[str]) -> dict[str, Any]:
    out = dict(snap)
    for name in skip:
        section, field = name.split(".")
        out[section] = [{k: v for k, v in row.items() if k != field} for row in snap[section]]
    return out


def test_a_copy_under_a_new_slug_beside_the_original(
    studio: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = export(studio)
    before = snapshot(studio)
    # The slug is taken: refused, unless another is given.
    with pytest.raises(BackupError) as caught:
        validate(document)
    assert caught.value.problems == [
        "$.workspace.slug: a workspace 'studio-north' already exists; choose another with --slug"
    ]
    # A write the database refuses rolls everything back.
    broken = json.loads(json.dumps(document))
    orders = broken["change_orders"]
    orders[1]["number"] = orders[0]["number"]  # two orders with one number
    counts = {label: apps_count(label) for label in ("projects.LedgerEvent", "accounts.User")}
    workspaces = Workspace.objects.count()
    with pytest.raises(BackupError) as caught:
        import_workspace(document=broken, slug="broken")
    assert "nothing was imported" in str(caught.value)
    assert Workspace.objects.count() == workspaces
    assert {label: apps_count(label) for label in counts} == counts

    summary = import_workspace(document=document, slug="demo-copy")
    copy = summary.workspace
    # Globally unique values cannot be shared with the original: the copy's are new.
    unique = frozenset(
        {
            "portal_links.token_hash",
            "api_tokens.prefix",
            "webhook_deliveries.event_id",
        }
    )
    assert set(summary.renamed) == unique
    assert snapshot(copy, skip=unique) == snapshot(studio, skip=unique)
    assert snapshot(studio) == before  # the original is untouched
    assert states(copy) == states(studio)
    assert summary.users_created == []
    # Re-exported, the copy gives the same file but for ids, the slug and the export time.
    again = export(copy)
    assert normalised(again, unique) == normalised(document, unique)

    # The commands.
    target = tmp_path / "demo.json"
    err = io.StringIO()
    call_command("export_workspace", "studio-north", "-o", str(target), stderr=err)
    assert "events: " in err.getvalue()
    assert "Exported workspace 'studio-north'" in err.getvalue()
    assert json.loads(target.read_text(encoding="utf-8"))["secrets"] is False
    call_command(
        "export_workspace", "studio-north", "-o", "-", "--include-secrets", stderr=io.StringIO()
    )
    streamed = json.loads(capsys.readouterr().out)
    assert streamed["secrets"] is True
    assert streamed["users"][0]["password"]
    with pytest.raises(CommandError, match="no workspace 'nope'"):
        call_command("export_workspace", "nope", stderr=io.StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("import_workspace", str(target), stderr=io.StringIO())
    out = io.StringIO()
    call_command(
        "import_workspace",
        str(target),
        "--slug",
        "restored",
        "--owner",
        "charlie@example.com",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Imported workspace 'restored'" in out.getvalue()
    restored = Workspace.objects.get(slug="restored")
    role = Membership.objects.get(workspace=restored, user__email="charlie@example.com").role
    assert role == "owner"


def normalised(document: dict[str, Any], skip: frozenset[str]) -> dict[str, Any]:
    """The document with ids replaced by positions and file names and unique values left out."""
    doc: dict[str, Any] = json.loads(json.dumps(document))
    doc.pop("exported_at")
    doc["workspace"].pop("slug")
    position = {
        s.section.key: {row["id"]: i for i, row in enumerate(doc[s.section.key])} for s in specs()
    }
    for spec in specs():
        key = spec.section.key
        for row in doc[key]:
            row["id"] = position[key][row["id"]]
            for fs in spec.fields:
                if f"{key}.{fs.name}" in skip:
                    row[fs.name] = None
                elif fs.kind == "ref" and row[fs.name] is not None:
                    row[fs.name] = position[str(fs.target)][row[fs.name]]
                elif fs.kind == "file" and row[fs.name] is not None:
                    row[fs.name] = row[fs.name]["content"]
            if key == "audit" and row["object_type"] in ("Workspace",):
                row["object_id"] = "WS"
            elif key == "audit":
                section = {s.model.__name__: s.section.key for s in specs()}.get(row["object_type"])
                if section and row["object_id"].isdigit():
                    row["object_id"] = str(position[section].get(int(row["object_id"]), "gone"))
            if key == "client_health":
                row["flags"] = _remap_health_flags(
                    row["flags"],
                    lambda s, old: str(position[s].get(int(old), old)) if old.isdigit() else old,
                )
    return doc


def _minimal() -> dict[str, Any]:
    return {
        "format": "scopeline-workspace",
        "version": 1,
        "exported_at": "2026-03-02T09:00:00+00:00",
        "secrets": False,
        "workspace": {
            "name": "Tiny",
            "slug": "tiny",
            "provider_name": "Tiny Oy",
            "skills": [],
            "currency": "EUR",
            "hourly_rate": "80.00",
            "created_at": "2026-01-01T08:00:00+00:00",
        },
        "users": [{"email": "tina@example.com", "first_name": "Tina"}],
        "members": [{"id": 7, "user": "tina@example.com", "role": "owner"}],
        "clients": [{"id": 3, "name": "Acme", "language": "fi"}],
    }


def test_a_minimal_file_imports_with_defaults(db: None) -> None:
    summary = import_workspace(document=_minimal(), owner="tina@example.com")
    workspace = summary.workspace
    assert workspace.hourly_rate == Decimal("80.00")
    assert workspace.created_at == dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
    assert Membership.objects.get(workspace=workspace).role == "owner"
    assert summary.users_created == ["tina@example.com"]
    assert workspace.clients.get().language == "fi"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(format="other"), "$.format: must be 'scopeline-workspace'"),
        (
            lambda d: d.update(version=2),
            "$.version: this Scopeline reads version 1, got 2 (written",
        ),
        (lambda d: d.update(extra=[]), "$.extra: unknown section"),
        (
            lambda d: d["workspace"].update(hourly_rate=80.5),
            "$.workspace.hourly_rate: must be a number written as a string",
        ),
        (lambda d: d["workspace"].update(hourly_rate="1e99"), "$.workspace.hourly_rate: Ensure"),
        (
            lambda d: d["workspace"].update(created_at="2026-01-01T08:00:00"),
            "$.workspace.created_at: must have a time zone offset",
        ),
        (
            lambda d: d["members"][0].update(user="nobody@example.com"),
            "$.members[0].user: 'nobody@example.com' is not one of the file's users",
        ),
        (lambda d: d["members"][0].update(role="king"), "$.members[0].role: 'king' is not one of"),
        (lambda d: d["clients"][0].update(colour="red"), "$.clients[0].colour: unknown field"),
        (lambda d: d["clients"][0].pop("name"), "$.clients[0].name: missing"),
        (lambda d: d["clients"][0].update(id="3"), "$.clients[0].id: must be a whole number"),
        (
            lambda d: d.update(projects=[{"id": 1, "client": 99, "name": "X"}]),
            "$.projects[0].client: refers to clients id 99, which is not in the file",
        ),
        (
            lambda d: d.update(
                projects=[{"id": 1, "client": 3, "name": "X", "current_version": 5}]
            ),
            "$.projects[0].current_version: refers to versions id 5",
        ),
        (
            lambda d: d["workspace"].update(slug="no spaces"),
            "$.workspace.slug: 'no spaces' is not a valid short name",
        ),
        (
            lambda d: d["users"].append({"email": "not-an-address"}),
            "$.users[1].email: 'not-an-address' is not an e-mail address",
        ),
    ],
)
def test_a_bad_file_names_the_place_and_changes_nothing(
    db: None, change: Any, problem: str
) -> None:
    document = _minimal()
    change(document)
    before = (Workspace.objects.count(), User.objects.count())
    with pytest.raises(BackupError) as caught:
        import_workspace(document=document)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems
    assert (Workspace.objects.count(), User.objects.count()) == before


def apps_count(label: str) -> int:
    return int(apps.get_model(label)._default_manager.count())


def test_the_import_command_reports_unreadable_files(db: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "scopeline-workspace", ', encoding="utf-8")
    with pytest.raises(CommandError, match="not JSON: line 1"):
        call_command("import_workspace", str(bad), stderr=io.StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_workspace", str(tmp_path / "missing.json"), stderr=io.StringIO())
    bad.write_text(json.dumps(_minimal() | {"version": 7}), encoding="utf-8")
    with pytest.raises(CommandError, match=r"nothing was imported:\n  \$\.version"):
        call_command("import_workspace", str(bad), stderr=io.StringIO())


def test_the_format_module_documents_every_section() -> None:
    doc = backup_format.__doc__ or ""
    assert '"format": "scopeline-workspace", "version": 1' in doc
    docs = (Path(__file__).resolve().parents[2] / "docs" / "backup.md").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f"`{section.key}`" in docs, section.key
