"""Projects in the web app: the agreement editor and its versions, import and export of the
agreement file, the ledger form, the project status, and the stranger who must see none of it."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client as HttpClient
from django.urls import reverse

from scopeline.accounts.models import AuditEntry
from scopeline.core import parse_agreement, project_state
from scopeline.core.loading import load_agreement
from scopeline.projects.models import AgreementVersion, LedgerEvent, Project
from scopeline.projects.selectors import current_agreement, project_facts
from scopeline.web import i18n
from tests.web.conftest import EXAMPLES, World

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


# -- helpers -----------------------------------------------------------------------------------


def page(response: Any) -> str:
    return html.unescape(response.content.decode())


def url(world: World, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"ws": world.workspace.slug, **kwargs})


def purl(world: World, name: str, project: Project | None = None) -> str:
    return url(world, name, pk=(project or world.project).pk)


class _Forms(HTMLParser):
    """The fields each <form> of a page submits, as a browser would send them unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[dict[str, str], list[tuple[str, str]]]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a, []))
        elif not self.forms:
            return
        fields = self.forms[-1][1]
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value") or "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and "name" in a:
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and "name" in a:
            self._textarea, self._text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            chosen = [v for v, sel in self._options if sel] or [v for v, _ in self._options[:1]]
            self.forms[-1][1].extend((self._select, v) for v in chosen[:1])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1][1].append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_fields(response: Any, css_class: str = "editor") -> dict[str, str]:
    """The fields of the page's form with ``css_class``, as the browser would submit them."""
    parser = _Forms()
    parser.feed(response.content.decode())
    for attrs, fields in parser.forms:
        if css_class in attrs.get("class", "").split():
            return dict(fields)
    raise AssertionError(f"no form with class {css_class!r}")


def editor_post(
    *,
    client: int | None = None,
    scope: list[dict[str, str]] | None = None,
    exclusions: list[dict[str, str]] | None = None,
    **fields: str,
) -> dict[str, str]:
    """The POST of the agreement editor, management forms included."""
    data = {
        "project": "Brand identity for Vinăria Dealu",
        "currency": "EUR",
        "price_model": "fixed",
        "price_amount": "3000",
        "hourly_rate": "75",
        "deposit_percent": "40",
        "start": "2026-11-02",
        "deadline": "2027-01-29",
        "concepts": "3",
        "revision_rounds": "2",
        "favor_max_hours": "1",
        "goodwill_budget_hours": "3",
        "rush_surcharge_percent": "25",
    }
    if client is not None:
        data["client"] = str(client)
    data.update(fields)
    if scope is None:
        scope = [
            {"id": "logo", "title": "Logo in three concepts", "hours": "20"},
            {"id": "guide", "title": "Brand guide, twelve pages", "quantity": "12", "unit": "page"},
        ]
    if exclusions is None:
        exclusions = [{"id": "print", "title": "Printing and print management"}]
    for prefix, rows in (("scope", scope), ("exclusions", exclusions)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
    return data


def counts() -> tuple[int, int, int, int]:
    return (
        Project.objects.count(),
        AgreementVersion.objects.count(),
        LedgerEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def row(obj: Model) -> dict[str, Any]:
    return type(obj)._default_manager.filter(pk=obj.pk).values().get()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def import_new(http: HttpClient, world: World, name: str, content: bytes) -> Any:
    return http.post(
        url(world, "project_import_new"),
        {"c-client": str(world.client.pk), "file": upload(name, content)},
    )


# -- the agreement editor ----------------------------------------------------------------------


def test_create_a_project_in_the_editor(world: World) -> None:
    http = world.http(world.teammate)
    response = http.post(url(world, "project_new"), editor_post(client=world.client.pk))
    project = Project.objects.get(name="Brand identity for Vinăria Dealu")
    assert response["Location"] == purl(world, "project_lead", project)  # "Before you sign"
    assert (project.workspace, project.client, project.status) == (
        world.workspace,
        world.client,
        Project.Status.ACTIVE,
    )
    version = AgreementVersion.objects.get(project=project)
    assert (version.number, version.source, version.created_by) == (1, "form", world.teammate)
    assert project.current_version == version
    assert not LedgerEvent.objects.filter(project=project).exists()

    agreement = current_agreement(project)
    assert agreement.price.model == "fixed"
    assert agreement.price.amount == Decimal(3000)
    assert agreement.price.hourly_rate == Decimal(75)
    assert agreement.deposit is not None
    assert agreement.deposit.percent == Decimal(40)
    assert (agreement.start, agreement.deadline) == (dt.date(2026, 11, 2), dt.date(2027, 1, 29))
    assert (agreement.allowances.concepts, agreement.allowances.revision_rounds) == (3, 2)
    assert agreement.policy.goodwill_budget_hours == Decimal(3)
    assert [(i.id, i.quantity, i.unit, i.hours) for i in agreement.scope] == [
        ("logo", None, None, Decimal(20)),
        ("guide", 12, "page", None),
    ]
    assert [i.id for i in agreement.exclusions] == ["print"]
    # The client and the provider come from the client record and the workspace.
    assert (agreement.client.name, agreement.client.language) == ("Acme Oy", "fi")
    assert agreement.client.contact == "Matti Virtanen"
    assert agreement.provider.name == world.workspace.provider_name
    assert project.hours_budgeted == Decimal(20)
    assert project.fees == Decimal(3000)
    assert AuditEntry.objects.filter(action="project.created", object_id=str(project.pk)).exists()

    detail = page(http.get(response["Location"]))
    assert "Project created with its agreement (version 1)." in detail
    assert "Logo in three concepts" in detail
    assert "Printing and print management" in detail


def test_the_new_project_form_needs_a_client_of_this_workspace(world: World) -> None:
    http = world.http(world.owner)
    before = counts()
    theirs = world.other_project.client.pk
    response = http.post(url(world, "project_new"), editor_post(client=theirs))
    assert response.status_code == 200
    assert "client" in response.context["client_form"].errors
    response = http.post(url(world, "project_new"), editor_post())
    assert response.status_code == 200
    assert "client" in response.context["client_form"].errors
    assert counts() == before


def test_new_project_without_clients_sends_to_the_client_form(world: World) -> None:
    Project.objects.filter(workspace=world.workspace).delete()
    world.workspace.clients.all().delete()
    response = world.http(world.owner).get(url(world, "project_new"))
    assert response["Location"] == url(world, "client_new")


def edit_and_save(http: HttpClient, world: World, target: Project, /, **changes: str) -> Any:
    """Open the editor, change ``changes`` in the rendered form and submit it."""
    fields = form_fields(http.get(purl(world, "project_edit", target)))
    fields.update(changes)
    return http.post(purl(world, "project_edit", target), fields)


def test_editing_makes_version_2_and_keeps_version_1(world: World) -> None:
    http = world.http(world.owner)
    http.post(url(world, "project_new"), editor_post(client=world.client.pk))
    project = Project.objects.get(name="Brand identity for Vinăria Dealu")
    v1 = AgreementVersion.objects.get(project=project, number=1)
    v1_data = v1.data

    response = edit_and_save(
        http,
        world,
        project,
        project="Brand identity for Vinăria Dealu, phase 1",
        price_amount="3600",
        **{"scope-2-id": "icons", "scope-2-title": "Twelve icons", "scope-2-hours": "8"},
    )
    project.refresh_from_db()
    assert response["Location"] == purl(world, "project_detail", project)
    assert project.name == "Brand identity for Vinăria Dealu, phase 1"
    v2 = project.current_version
    assert v2 is not None
    assert v2.number == 2
    assert AgreementVersion.objects.get(pk=v1.pk).data == v1_data  # version 1 is kept as it was
    agreement = current_agreement(project)
    assert agreement.price.amount == Decimal(3600)
    assert [i.id for i in agreement.scope] == ["logo", "guide", "icons"]
    assert project.fees == Decimal(3600)
    assert project.hours_budgeted == Decimal(28)
    entry = AuditEntry.objects.get(action="agreement.saved")
    assert entry.detail == {"number": 2, "source": "form"}
    assert "Saved as version 2." in page(http.get(response["Location"]))

    history = http.get(purl(world, "project_versions", project))
    text = page(history)
    assert "Version 1" in text
    assert "Version 2" in text
    assert history.context["selected"] == v2
    assert "Twelve icons" in text
    old = http.get(purl(world, "project_versions", project) + "?v=1")
    assert old.context["selected"] == v1
    assert "Twelve icons" not in page(old)

    # Deleting a row is a change too.
    edit_and_save(http, world, project, **{"scope-2-DELETE": "on"})
    project.refresh_from_db()
    assert project.current_version is not None
    assert project.current_version.number == 3
    assert [i.id for i in current_agreement(project).scope] == ["logo", "guide"]


def test_saving_unchanged_makes_no_version(world: World) -> None:
    http = world.http(world.owner)
    http.post(url(world, "project_new"), editor_post(client=world.client.pk))
    project = Project.objects.get(name="Brand identity for Vinăria Dealu")
    before = counts()
    response = edit_and_save(http, world, project)
    assert response["Location"] == purl(world, "project_detail", project)
    assert counts() == before
    assert "Nothing changed, so no new version was made." in page(http.get(response["Location"]))


def test_saving_an_imported_agreement_unchanged_makes_no_version(world: World) -> None:
    """The world's project came from acme-website.yaml, whose provider skills and client
    e-mail are not in the workspace or client record: the editor must keep them."""
    http = world.http(world.owner)
    before = counts()
    agreement_before = current_agreement(world.project)
    edit_and_save(http, world, world.project)
    assert counts() == before
    edit_and_save(http, world, world.project, price_amount="5000")
    world.project.refresh_from_db()
    after = current_agreement(world.project)
    assert after.price.amount == Decimal(5000)
    assert after.provider == agreement_before.provider
    assert after.client == agreement_before.client
    assert after.policy == agreement_before.policy


EDITOR_PROBLEMS: list[tuple[str, dict[str, Any], str]] = [
    ("fixed price without amount", {"price_amount": ""}, "price.amount: is required"),
    ("hourly without a rate", {"price_model": "hourly", "hourly_rate": ""}, "price.hourly_rate"),
    (
        "duplicate scope ids",
        {"scope": [{"id": "logo", "title": "A"}, {"id": "logo", "title": "B"}]},
        "duplicate id 'logo'",
    ),
    (
        "exclusion id equal to a scope id",
        {"exclusions": [{"id": "logo", "title": "No logo"}]},
        "exclusion id 'logo' is also a scope item id",
    ),
    (
        "bad id characters",
        {"scope": [{"id": "Logo Design!", "title": "A logo"}]},
        "digits, '-' and '_' (e.g. contact-form)",
    ),
    (
        "negative hours",
        {"scope": [{"id": "logo", "title": "A logo", "hours": "-3"}]},
        "Ensure this value is greater than or equal to 0.",
    ),
    (
        "negative price",
        {"price_amount": "-100"},
        "Ensure this value is greater than or equal to 0.",
    ),
    ("unknown currency", {"currency": "XQZ"}, "Unknown currency code"),
    ("no scope at all", {"scope": []}, "scope: must list at least one item"),
    ("deadline before start", {"deadline": "2026-10-01"}, "deadline: is before the start date"),
    ("garbage date", {"start": "next tuesday"}, "Enter a valid date."),
    ("deposit over 100", {"deposit_percent": "150"}, "less than or equal to 100"),
    (
        "scope row without title",
        {"scope": [{"id": "logo", "title": ""}]},
        "This field is required.",
    ),
]


@pytest.mark.parametrize(
    ("changes", "message"),
    [pytest.param(c, m, id=name) for name, c, m in EDITOR_PROBLEMS],
)
def test_an_invalid_agreement_is_refused_with_its_problems(
    world: World, changes: dict[str, Any], message: str
) -> None:
    http = world.http(world.owner)
    before = counts()
    response = http.post(url(world, "project_new"), editor_post(client=world.client.pk, **changes))
    assert response.status_code == 200
    assert message in page(response)
    assert counts() == before

    # The same problem in the editor of an existing project: no new version.
    project_before = row(world.project)
    response = http.post(purl(world, "project_edit"), editor_post(**changes))
    assert response.status_code == 200
    assert message in page(response)
    assert counts() == before
    assert row(world.project) == project_before


def test_editor_problems_are_listed_together(world: World) -> None:
    response = world.http(world.owner).post(
        url(world, "project_new"),
        editor_post(
            client=world.client.pk,
            deadline="2026-01-01",
            scope=[{"id": "a", "title": "A"}, {"id": "a", "title": "B"}],
        ),
    )
    assert set(response.context["agreement_errors"]) == {
        "scope[1].id: duplicate id 'a' (first used at scope[0].id)",
        "deadline: is before the start date 2026-11-02",
    }


# -- import and export -------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_import_an_example_file_creates_a_project_with_its_ledger(world: World, path: Path) -> None:
    http = world.http(world.owner)
    expected = load_agreement(path)
    response = import_new(http, world, path.name, path.read_bytes())
    project = Project.objects.exclude(pk__in=[world.project.pk, world.other_project.pk]).get()
    assert response["Location"] == purl(world, "project_lead", project)  # "Before you sign"
    assert (project.workspace, project.client, project.name) == (
        world.workspace,
        world.client,
        expected.project,
    )
    version = project.current_version
    assert version is not None
    assert (version.number, version.source, version.note) == (1, "file", path.name)
    facts = project_facts(project)
    assert facts.agreement == msgspec.structs.replace(expected, ledger=())
    assert tuple(facts.events) == expected.ledger
    assert len(expected.ledger) > 0
    state = project_state(expected, list(expected.ledger))
    assert (project.paid, project.fees, project.hours_worked, project.hours_favor) == (
        state.paid,
        state.fees,
        state.hours_billable,
        state.hours_favor,
    )
    assert f"with {len(expected.ledger)} ledger entries." in page(http.get(response["Location"]))
    detail = page(http.get(purl(world, "project_detail", project)))
    assert i18n.money(state.paid, state.currency, "en") in detail


def test_import_pasted_text(world: World) -> None:
    text = (EXAMPLES / "acme-website.yaml").read_text(encoding="utf-8")
    response = world.http(world.owner).post(
        url(world, "project_import_new"), {"c-client": str(world.client.pk), "text": text}
    )
    assert response.status_code == 302
    project = Project.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-2]))
    assert project.events.count() == 5
    assert project.current_version is not None
    assert project.current_version.note == "pasted.yaml"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_export_round_trips_and_reimport_changes_nothing(
    world: World, path: Path, fmt: str
) -> None:
    http = world.http(world.owner)
    import_new(http, world, path.name, path.read_bytes())
    project = Project.objects.exclude(pk__in=[world.project.pk, world.other_project.pk]).get()
    export_url = purl(world, "project_export", project) + ("?format=json" if fmt == "json" else "")
    response = http.get(export_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(f"application/{fmt}")
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    text = response.content.decode("utf-8")

    exported = parse_agreement(text, source=f"export.{fmt}")
    original = load_agreement(path)
    assert exported == original
    assert project_state(exported, list(exported.ledger)) == project_state(
        original, list(original.ledger)
    )

    before = counts()
    project_before = row(project)
    reimport = http.post(
        purl(world, "project_import", project),
        {"file": upload(f"export.{fmt}", response.content)},
        follow=True,
    )
    assert "The agreement is the same as the current version." in page(reimport)
    assert "0 new ledger entries added." in page(reimport)
    after = counts()
    assert after[:3] == before[:3]  # no project, no version, no ledger event
    assert row(project) == {**project_before, "updated_at": row(project)["updated_at"]}


def test_reimport_adds_only_the_new_ledger_events(world: World) -> None:
    http = world.http(world.owner)
    export = http.get(purl(world, "project_export")).content.decode()
    grown = export + "- {date: 2026-11-05, type: payment, amount: 1200}\n"
    # The export ends with the ledger list, so the appended line is its last event.
    assert list(yaml.safe_load(export))[-1] == "ledger"
    response = http.post(
        purl(world, "project_import"),
        {"file": upload("grown.yaml", grown.encode())},
        follow=True,
    )
    assert "1 new ledger entry added." in page(response)
    world.project.refresh_from_db()
    assert world.project.events.count() == 6
    assert world.project.paid == Decimal(3600)
    assert world.project.versions.count() == 1


def test_import_a_changed_agreement_makes_a_new_version(world: World) -> None:
    text = (EXAMPLES / "acme-website.yaml").read_text(encoding="utf-8")
    changed = text.replace("amount: 4800", "amount: 5200")
    assert changed != text
    response = world.http(world.owner).post(
        purl(world, "project_import"),
        {"file": upload("acme-v2.yaml", changed.encode())},
        follow=True,
    )
    assert "Imported as version 2." in page(response)
    assert "0 new ledger entries added." in page(response)
    world.project.refresh_from_db()
    version = world.project.current_version
    assert version is not None
    assert (version.number, version.source, version.note) == (2, "file", "acme-v2.yaml")
    assert world.project.fees == Decimal(5200)
    assert world.project.events.count() == 5


BAD_UPLOADS: list[tuple[str, str, bytes, str]] = [
    ("malformed yaml", "bad.yaml", b"version: 1\nproject: [unclosed\n", "line"),
    (
        "unknown field",
        "typo.yaml",
        (EXAMPLES / "acme-website.yaml").read_bytes().replace(b"deadline:", b"dedline:"),
        "unknown field 'dedline'",
    ),
    (
        "negative payment",
        "neg.yaml",
        (EXAMPLES / "acme-website.yaml").read_bytes().replace(b"amount: 2400", b"amount: -2400"),
        "ledger[0].amount",
    ),
    ("binary", "logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
    (
        "not utf-8",
        "latin1.yaml",
        "version: 1\nproject: Sivusto Äänekoskelle\n".encode("latin-1"),
        "not valid UTF-8",
    ),
    ("oversized", "huge.yaml", b"#" * (512 * 1024 + 1), "larger than 512 KB"),
    ("empty", "empty.yaml", b"", "The submitted file is empty."),
    ("a list, not a mapping", "list.json", b"[1, 2, 3]", "must be a mapping"),
]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [pytest.param(n, c, m, id=i) for i, n, c, m in BAD_UPLOADS],
)
def test_bad_uploads_get_a_clear_error_and_change_nothing(
    world: World, name: str, content: bytes, message: str
) -> None:
    http = world.http(world.owner)
    before = counts()
    project_before = row(world.project)
    response = import_new(http, world, name, content)
    assert response.status_code == 200
    assert message in page(response)
    assert counts() == before

    response = http.post(purl(world, "project_import"), {"file": upload(name, content)})
    assert response.status_code == 200
    assert message in page(response)
    assert counts() == before
    assert row(world.project) == project_before


def test_import_without_a_file_or_text_asks_for_one(world: World) -> None:
    before = counts()
    response = world.http(world.owner).post(purl(world, "project_import"), {"text": "   "})
    assert response.status_code == 200
    assert "Choose a file or paste the agreement." in page(response)
    assert counts() == before


# -- the ledger --------------------------------------------------------------------------------


def record(world: World, user: Any = None, **fields: str) -> Any:
    data = {"date": "2026-11-03", **fields}
    return world.http(user or world.owner).post(purl(world, "ledger_record"), data, follow=True)


def test_recording_the_ledger_updates_the_numbers(world: World) -> None:
    base = project_facts(world.project).state
    assert (base.paid, base.hours_billable, base.hours_favor) == (
        Decimal(2400),
        Decimal("12.5"),
        Decimal("0.5"),
    )
    steps: list[tuple[dict[str, str], str]] = [
        ({"type": "hours", "hours": "4.5", "note": "news section"}, "hours"),
        ({"type": "payment", "amount": "1000"}, "payment"),
        ({"type": "revision_round"}, "revision_round"),
        ({"type": "concepts_delivered", "count": "2"}, "concepts_delivered"),
        ({"type": "favor", "hours": "0.5", "note": "extra banner"}, "favor"),
        ({"type": "refund", "amount": "200"}, "refund"),
    ]
    for fields, kind in steps:
        response = record(world, user=world.teammate, **fields)
        assert "Recorded in the ledger." in page(response), kind
        latest = LedgerEvent.objects.filter(project=world.project).latest("id")
        assert latest.type == kind
        assert latest.created_by == world.teammate
    rows = LedgerEvent.objects.filter(project=world.project).order_by("id")
    assert rows.count() == 5 + len(steps)
    assert [r.type for r in rows][5:] == [kind for _, kind in steps]
    assert AuditEntry.objects.filter(action="ledger.recorded").count() == len(steps)

    state = project_facts(world.project).state
    assert state.paid == Decimal(3200)
    assert state.refunded == Decimal(200)
    assert state.hours_billable == Decimal(17)
    assert state.hours_favor == Decimal(1)
    assert (state.concepts.used, state.revision_rounds.used) == (5, 2)
    assert state.outstanding == Decimal(1600)
    assert state.effective_hourly_rate == Decimal("266.67")  # 4,800 EUR over 18 h

    # The summary columns follow the ledger.
    world.project.refresh_from_db()
    assert world.project.paid == Decimal(3200)
    assert world.project.fees == Decimal(4800)
    assert world.project.hours_worked == Decimal(17)
    assert world.project.hours_favor == Decimal(1)
    assert world.project.effective_rate == Decimal("266.67")
    assert world.project.hours_budgeted == Decimal(44)

    # The project page shows them, in the reader's locale.
    detail = page(world.http(world.owner).get(purl(world, "project_detail")))
    for amount in (Decimal(3200), Decimal(1600), Decimal("266.67")):
        assert i18n.money(amount, "EUR", "en") in detail
    assert "18 / 44" in detail
    assert "news section" in detail
    assert "extra banner" in detail

    listing = page(world.http(world.owner).get(url(world, "project_list")))
    assert i18n.money(Decimal(3200), "EUR", "en") in listing
    assert i18n.money(Decimal(4800), "EUR", "en") in listing


BAD_LEDGER: list[tuple[str, dict[str, str], str]] = [
    ("hours without hours", {"type": "hours"}, "Enter the hours (more than zero)."),
    ("zero hours", {"type": "hours", "hours": "0"}, "Enter the hours (more than zero)."),
    ("favour without hours", {"type": "favor"}, "Enter the hours (more than zero)."),
    ("payment without amount", {"type": "payment"}, "Enter the amount (more than zero)."),
    (
        "negative amount",
        {"type": "payment", "amount": "-50"},
        "Ensure this value is greater than or equal to 0.",
    ),
    ("text amount", {"type": "refund", "amount": "a lot"}, "Enter a number."),
    (
        "more decimals than the currency has",
        {"type": "payment", "amount": "10.005"},
        "The amount has more decimals than EUR allows.",
    ),
    ("unknown type", {"type": "bribe", "amount": "10"}, "Select a valid choice."),
    ("no type", {"hours": "2"}, "This field is required."),
    ("garbage date", {"type": "hours", "hours": "2", "date": "soon-ish"}, "Enter a valid date."),
    ("no date", {"type": "hours", "hours": "2", "date": ""}, "This field is required."),
    ("zero count", {"type": "revision_round", "count": "0"}, "greater than or equal to 1"),
]


@pytest.mark.parametrize(
    ("fields", "message"), [pytest.param(f, m, id=i) for i, f, m in BAD_LEDGER]
)
def test_bad_ledger_input_is_refused_and_writes_nothing(
    world: World, fields: dict[str, str], message: str
) -> None:
    before = counts()
    project_before = row(world.project)
    response = record(world, **fields)
    assert response.redirect_chain[-1][0] == purl(world, "project_detail")
    text = page(response)
    assert message in text
    assert "Recorded in the ledger." not in text
    assert counts() == before
    assert row(world.project) == project_before


def test_the_ledger_recorded_on_the_web_exports_and_imports_again(world: World) -> None:
    http = world.http(world.owner)
    record(world, type="payment", amount="99.95")
    record(world, type="hours", hours="1.25", note="call")
    text = http.get(purl(world, "project_export")).content.decode()
    exported = parse_agreement(text, source="export.yaml")
    assert exported.ledger[-2:] == tuple(project_facts(world.project).events[-2:])
    assert exported.ledger[-2].amount == Decimal("99.95")  # type: ignore[union-attr]
    before = counts()
    response = http.post(
        purl(world, "project_import"), {"file": upload("export.yaml", text.encode())}, follow=True
    )
    assert "0 new ledger entries added." in page(response)
    assert counts()[:3] == before[:3]


def test_ledger_form_is_post_only(world: World) -> None:
    assert world.http(world.owner).get(purl(world, "ledger_record")).status_code == 405


# -- status ------------------------------------------------------------------------------------


def test_project_status_change(world: World) -> None:
    http = world.http(world.owner)
    listing = url(world, "project_list")
    assert world.project.name in page(http.get(listing))
    response = http.post(purl(world, "project_status"), {"status": "completed"}, follow=True)
    assert "Project status changed." in page(response)
    world.project.refresh_from_db()
    assert world.project.status == Project.Status.COMPLETED
    entry = AuditEntry.objects.get(action="project.status")
    assert (entry.actor, entry.detail) == (world.owner, {"status": "completed"})
    # The default list shows active projects only; the tabs find the others.
    assert world.project.name not in page(http.get(listing))
    assert world.project.name in page(http.get(listing + "?status=completed"))
    assert world.project.name in page(http.get(listing + "?status=all"))
    assert world.project.name not in page(http.get(listing + "?status=archived"))

    response = http.post(purl(world, "project_status"), {"status": "deleted"}, follow=True)
    assert "Unknown status." in page(response)
    world.project.refresh_from_db()
    assert world.project.status == Project.Status.COMPLETED
    assert AuditEntry.objects.filter(action="project.status").count() == 1


# -- the stranger ------------------------------------------------------------------------------


def test_the_stranger_gets_404_on_every_project_url_and_changes_nothing(world: World) -> None:
    http = world.http(world.stranger)
    before = counts()
    project_before = row(world.project)
    version_before = row(world.project.current_version)  # type: ignore[arg-type]
    acme = (EXAMPLES / "acme-website.yaml").read_bytes()

    ours = world.project.pk
    for ws in (world.workspace.slug, world.other_workspace.slug):
        for name in (
            "project_detail",
            "project_edit",
            "project_import",
            "project_export",
            "project_versions",
        ):
            target = reverse(name, kwargs={"ws": ws, "pk": ours})
            assert http.get(target).status_code == 404, (ws, name)
            assert http.get(target + "?format=json&v=1").status_code == 404, (ws, name)
        posts: list[tuple[str, dict[str, Any]]] = [
            ("project_edit", editor_post(project="Hijacked")),
            ("project_import", {"file": upload("acme.yaml", acme)}),
            ("ledger_record", {"type": "payment", "amount": "1", "date": "2026-11-01"}),
            ("project_status", {"status": "archived"}),
        ]
        for name, data in posts:
            target = reverse(name, kwargs={"ws": ws, "pk": ours})
            assert http.post(target, data).status_code == 404, (ws, name)
    # Our workspace's lists and forms are not his either.
    for name in ("project_list", "project_new", "project_import_new"):
        assert http.get(url(world, name)).status_code == 404, name
    assert (
        http.post(url(world, "project_new"), editor_post(client=world.client.pk)).status_code == 404
    )
    assert (
        http.post(
            url(world, "project_import_new"),
            {"c-client": str(world.client.pk), "file": upload("acme.yaml", acme)},
        ).status_code
        == 404
    )

    # Through his own workspace he cannot attach a project to our client.
    his = world.other_workspace.slug
    response = http.post(
        reverse("project_new", kwargs={"ws": his}), editor_post(client=world.client.pk)
    )
    assert response.status_code == 200
    assert "client" in response.context["client_form"].errors
    response = http.post(
        reverse("project_import_new", kwargs={"ws": his}),
        {"c-client": str(world.client.pk), "file": upload("acme.yaml", acme)},
    )
    assert response.status_code == 200
    assert "client" in response.context["client_form"].errors

    assert counts() == before
    assert row(world.project) == project_before
    assert row(world.project.current_version) == version_before  # type: ignore[arg-type]

    # His own list does not show our project.
    own = page(http.get(reverse("project_list", kwargs={"ws": his}) + "?status=all"))
    assert world.other_project.name in own
    assert world.project.name not in own


def test_a_teammate_works_on_projects(world: World) -> None:
    http = world.http(world.teammate)
    for name in ("project_detail", "project_edit", "project_versions", "project_export"):
        assert http.get(purl(world, name)).status_code == 200, name
    fields = form_fields(http.get(purl(world, "project_edit")))
    fields["price_amount"] = "5100"
    assert http.post(purl(world, "project_edit"), fields).status_code == 302
    world.project.refresh_from_db()
    assert world.project.current_version is not None
    assert world.project.current_version.created_by == world.teammate
    assert world.project.fees == Decimal(5100)
