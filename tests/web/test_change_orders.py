"""Change orders: numbering, the rules of their states, acceptance (also 20 at once), what an
acceptance adds to the agreement, and who may use the owner's pages.

The concurrency tests need a server that really runs transactions side by side: they run in
``make test``'s PostgreSQL pass and are skipped on SQLite."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from scopeline.accounts.models import Membership, User
from scopeline.changeorders import services
from scopeline.changeorders.documents import render_document, sha256
from scopeline.changeorders.models import (
    ChangeOrder,
    ChangeOrderCounter,
    ChangeOrderLine,
    Notification,
    PortalLink,
)
from scopeline.core.replies.composer import add_working_days
from scopeline.projects.models import AgreementVersion, LedgerEvent, Project
from scopeline.projects.selectors import project_facts
from tests.web.conftest import World

POSTGRESQL = connection.vendor == "postgresql"
needs_postgresql = pytest.mark.skipif(
    not POSTGRESQL,
    reason="needs PostgreSQL's row locks between real concurrent transactions; "
    "runs in make test's PostgreSQL pass (DATABASE_URL=postgres://...)",
)


# -- helpers shared with the portal, mail and PDF tests ------------------------------------------


def line(description: str, hours: str, rate: str) -> services.Line:
    return services.Line(description, Decimal(hours), Decimal(rate))


def new_order(
    project: Project,
    actor: User | None,
    title: str = "Member registration",
    lines: list[services.Line] | None = None,
    **options: Any,
) -> ChangeOrder:
    return services.create_change_order(
        project=project,
        actor=actor,
        title=title,
        lines=lines if lines is not None else [line("Registration and login", "10", "80")],
        **options,
    )


def token_of(url: str) -> str:
    """The token in a portal address ``…/p/<token>/``."""
    return url.rstrip("/").rsplit("/p/", 1)[1]


def sent_order(
    project: Project, actor: User, title: str = "Member registration", **options: Any
) -> tuple[ChangeOrder, str]:
    """A change order sent without e-mail, and the client's portal token."""
    co, url = services.mark_sent(
        co=new_order(project, actor, title, **options),
        actor=actor,
        site_url="http://testserver",
    )
    return co, token_of(url)


def document_hash(co: ChangeOrder) -> str:
    """The SHA-256 of the document the client reads now (the portal form's hidden field)."""
    return sha256(render_document(ChangeOrder.objects.get(pk=co.pk)))


def accept(co: ChangeOrder, token: str, name: str = "Matti Virtanen", **kw: Any) -> ChangeOrder:
    return services.accept(
        link=services.resolve_link(token),
        number=co.number,
        name=name,
        document_hash=kw.pop("document_hash", None) or document_hash(co),
        ip=kw.pop("ip", "192.0.2.7"),
        user_agent=kw.pop("user_agent", "pytest"),
    )


def in_threads(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` in ``count`` threads that start together, each with its own database
    connection; returns each one's result or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # the caller inspects every outcome
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


# -- numbering -----------------------------------------------------------------------------------


def test_numbers_run_per_workspace_and_year_without_gaps(world: World) -> None:
    year = timezone.localdate().year
    first = new_order(world.project, world.owner)
    second = new_order(world.project, world.owner)
    # A creation that fails rolls its number back: the next order takes it.
    with pytest.raises(services.ChangeOrderError, match="no_lines"):
        new_order(world.project, world.owner, lines=[])
    with pytest.raises(services.ChangeOrderError, match="negative"):
        new_order(world.project, world.owner, lines=[line("Refund", "-1", "80")])
    third = services.revise(co=second, actor=world.owner)
    services.withdraw(co=first, actor=world.owner)  # withdrawn, never deleted: its number stays
    fourth = new_order(world.project, world.owner)
    theirs = new_order(world.other_project, world.stranger)

    assert [first.number, second.number, third.number, fourth.number] == [
        f"CO-{year}-001",
        f"CO-{year}-002",
        f"CO-{year}-003",
        f"CO-{year}-004",
    ]
    assert theirs.number == f"CO-{year}-001"  # another workspace counts on its own
    ours = ChangeOrder.objects.filter(workspace=world.workspace)
    assert sorted(ours.values_list("sequence", flat=True)) == [1, 2, 3, 4]
    assert ChangeOrderCounter.objects.get(workspace=world.workspace, year=year).last == 4
    assert ChangeOrderCounter.objects.get(workspace=world.other_workspace, year=year).last == 1


def test_the_number_is_formatted_with_three_digits_and_more_when_needed() -> None:
    assert services.format_number(2026, 7) == "CO-2026-007"
    assert services.format_number(2027, 1234) == "CO-2027-1234"


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_gives_distinct_consecutive_numbers(world: World) -> None:
    count = 8
    year = timezone.localdate().year

    def create(i: int) -> str:
        project = Project.objects.select_related("workspace", "client").get(pk=world.project.pk)
        return new_order(project, None, title=f"Parallel {i}").number

    results = in_threads(count, create)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(str(r) for r in results) == [f"CO-{year}-{n:03d}" for n in range(1, count + 1)]
    assert ChangeOrderCounter.objects.get(workspace=world.workspace, year=year).last == count


# -- creating, editing and sending -------------------------------------------------------------


def test_a_new_order_is_priced_from_its_lines_in_the_clients_language(world: World) -> None:
    co = new_order(
        world.project,
        world.owner,
        lines=[line("Registration", "10", "80"), line("Login page", "2.5", "80")],
        terms="  Payable in 14 days.  ",
    )
    assert co.status == ChangeOrder.Status.DRAFT
    assert co.language == "fi"
    assert co.currency == "EUR"
    assert co.hours == Decimal("12.5")
    assert co.total == Decimal("1000")
    assert co.days == 3  # 12.5 hours at 6 hours a day take three working days
    assert co.terms == "Payable in 14 days."
    assert co.valid_until == timezone.localdate() + dt.timedelta(days=services.VALID_DAYS)
    amounts = list(co.lines.values_list("position", "amount"))
    assert amounts == [(1, Decimal("800")), (2, Decimal("200"))]


def test_only_a_draft_can_be_edited(world: World) -> None:
    co = new_order(world.project, world.owner)
    edited = services.update_draft(
        co=co,
        actor=world.owner,
        title="Registration, login and profiles",
        lines=[line("Profiles", "5", "80")],
        days=3,
        valid_until=timezone.localdate() + dt.timedelta(days=5),
        terms="",
        concepts=1,
        revision_rounds=0,
    )
    assert (edited.title, edited.total, edited.days, edited.concepts) == (
        "Registration, login and profiles",
        Decimal("400"),
        3,
        1,
    )
    assert ChangeOrderLine.objects.filter(change_order=co).count() == 1

    services.mark_sent(co=co, actor=world.owner, site_url="http://t")
    with pytest.raises(services.ChangeOrderError, match="not_draft"):
        services.update_draft(
            co=co,
            actor=world.owner,
            title="Changed after sending",
            lines=[line("More", "1", "80")],
            days=0,
            valid_until=timezone.localdate(),
            terms="",
            concepts=0,
            revision_rounds=0,
        )
    co.refresh_from_db()
    assert co.title == "Registration, login and profiles"
    assert co.total == Decimal("400")

    # The edit page of a sent order sends the owner back, and a POST to it changes nothing.
    http = world.http(world.owner)
    url = reverse("change_order_edit", kwargs={"ws": world.workspace.slug, "pk": co.pk})
    response = http.post(url, {"title": "Sneaky", "valid_until": "2099-01-01"})
    assert response.status_code == 302
    co.refresh_from_db()
    assert co.title == "Registration, login and profiles"


def test_sending_needs_a_valid_date_and_an_email_address(world: World) -> None:
    assert world.client.email == ""
    co = new_order(world.project, world.owner)
    with pytest.raises(services.ChangeOrderError, match="no_client_email"):
        services.send_by_email(co=co, actor=world.owner)

    ChangeOrder.objects.filter(pk=co.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(services.ChangeOrderError, match="valid_until_past"):
        services.mark_sent(co=co, actor=world.owner, site_url="http://t")
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.DRAFT
    assert not PortalLink.objects.exists()
    assert not LedgerEvent.objects.filter(type="change_order_issued").exists()

    # Valid until today is still valid; without e-mail the owner copies the link.
    ChangeOrder.objects.filter(pk=co.pk).update(valid_until=timezone.localdate())
    sent, url = services.mark_sent(co=co, actor=world.owner, site_url="https://app.example/")
    assert sent.status == ChangeOrder.Status.SENT
    assert sent.sent_at is not None
    assert url.startswith("https://app.example/p/")
    assert services.resolve_link(token_of(url)).client == world.client
    issued = LedgerEvent.objects.get(project=world.project, type="change_order_issued")
    assert issued.data["ref"] == co.number
    assert project_facts(world.project).state.pending_change_orders == (co.number,)
    assert mail.outbox == []
    with pytest.raises(services.ChangeOrderError, match="not_draft"):
        services.mark_sent(co=co, actor=world.owner, site_url="http://t")


def test_withdraw_closes_a_draft_or_a_sent_order_and_nothing_else(world: World) -> None:
    draft = new_order(world.project, world.owner)
    services.withdraw(co=draft, actor=world.owner)
    draft.refresh_from_db()
    assert draft.status == ChangeOrder.Status.WITHDRAWN
    assert not LedgerEvent.objects.filter(type="change_order_declined").exists()

    sent, token = sent_order(world.project, world.owner)
    services.withdraw(co=sent, actor=world.owner)
    sent.refresh_from_db()
    assert sent.status == ChangeOrder.Status.WITHDRAWN
    declined = LedgerEvent.objects.get(type="change_order_declined")
    assert (declined.data["ref"], declined.data["note"]) == (sent.number, "withdrawn")
    assert project_facts(world.project).state.pending_change_orders == ()
    with pytest.raises(services.ChangeOrderError, match="not_open"):
        services.withdraw(co=sent, actor=world.owner)
    with pytest.raises(services.ChangeOrderError, match="already_withdrawn"):
        accept(sent, token)

    accepted, token = sent_order(world.project, world.owner, title="Accepted")
    accept(accepted, token)
    with pytest.raises(services.ChangeOrderError, match="not_open"):
        services.withdraw(co=accepted, actor=world.owner)


def test_revise_makes_a_new_draft_that_replaces_the_original(world: World) -> None:
    original, _token = sent_order(
        world.project,
        world.owner,
        lines=[line("Registration", "10", "80"), line("Login", "2", "80")],
        days=4,
        concepts=1,
        terms="Extra terms.",
    )
    new = services.revise(co=original, actor=world.owner)
    assert new.pk != original.pk
    assert new.status == ChangeOrder.Status.DRAFT
    assert new.replaces == original
    assert new.number != original.number
    assert (new.title, new.total, new.hours, new.days, new.concepts, new.terms) == (
        original.title,
        original.total,
        original.hours,
        4,
        1,
        "Extra terms.",
    )
    assert list(new.lines.values_list("description", "hours", "rate")) == list(
        original.lines.values_list("description", "hours", "rate")
    )
    original.refresh_from_db()
    assert original.status == ChangeOrder.Status.SENT  # the original is left as it was
    assert list(original.replaced_by.all()) == [new]


def test_declined_expired_and_withdrawn_orders_cannot_be_accepted(world: World) -> None:
    declined, token = sent_order(world.project, world.owner, title="Declined")
    services.decline(
        link=services.resolve_link(token),
        number=declined.number,
        comment="Not now",
        ip=None,
        user_agent="",
    )
    with pytest.raises(services.ChangeOrderError, match="already_declined"):
        accept(declined, token)
    with pytest.raises(services.ChangeOrderError, match="already_declined"):
        services.decline(
            link=services.resolve_link(token),
            number=declined.number,
            comment="",
            ip=None,
            user_agent="",
        )

    expired, token = sent_order(world.project, world.owner, title="Expired")
    ChangeOrder.objects.filter(pk=expired.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    # Past its date it cannot be accepted even before expire_overdue has marked it.
    with pytest.raises(services.ChangeOrderError, match=r"^expired$"):
        accept(expired, token)
    assert services.expire_overdue() == 1
    with pytest.raises(services.ChangeOrderError, match="already_expired"):
        accept(expired, token)

    draft = new_order(world.project, world.owner, title="Draft")
    with pytest.raises(services.ChangeOrderError, match="already_draft"):
        accept(draft, token)
    with pytest.raises(services.ChangeOrderError, match="unknown"):
        services.accept(
            link=services.resolve_link(token),
            number="CO-1999-999",
            name="X",
            document_hash="0" * 64,
            ip=None,
            user_agent="",
        )
    assert not LedgerEvent.objects.filter(type="change_order_accepted").exists()
    assert not AgreementVersion.objects.filter(source="change_order").exists()


def test_expire_overdue_marks_only_sent_orders_past_their_date(world: World) -> None:
    today = timezone.localdate()
    due, _ = sent_order(world.project, world.owner, title="Due")
    today_ok, _ = sent_order(world.project, world.owner, title="Valid today")
    draft = new_order(world.project, world.owner, title="Old draft")
    theirs, _ = sent_order(world.other_project, world.stranger, title="Theirs")
    ChangeOrder.objects.filter(pk__in=[due.pk, draft.pk, theirs.pk]).update(
        valid_until=today - dt.timedelta(days=1)
    )
    ChangeOrder.objects.filter(pk=today_ok.pk).update(valid_until=today)

    assert services.expire_overdue(workspace_id=world.workspace.pk) == 1
    assert services.expire_overdue(workspace_id=world.workspace.pk) == 0  # idempotent
    statuses = dict(ChangeOrder.objects.values_list("title", "status"))
    assert statuses == {
        "Due": "expired",
        "Valid today": "sent",
        "Old draft": "draft",
        "Theirs": "sent",  # another workspace was not asked
    }
    expired = LedgerEvent.objects.get(type="change_order_declined")
    assert (expired.data["ref"], expired.data["note"]) == (due.number, "expired")
    # A day later the order valid until today expires too; the cron form covers every workspace.
    assert services.expire_overdue(today=today + dt.timedelta(days=1)) == 2
    assert ChangeOrder.objects.get(pk=theirs.pk).status == "expired"


def test_the_list_page_expires_overdue_orders_before_showing_them(world: World) -> None:
    co, _ = sent_order(world.project, world.owner)
    ChangeOrder.objects.filter(pk=co.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=3)
    )
    http = world.http(world.owner)
    response = http.get(
        reverse("change_order_list", kwargs={"ws": world.workspace.slug}), {"status": "expired"}
    )
    assert response.status_code == 200
    assert co.number in response.content.decode()
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.EXPIRED


# -- accepting ------------------------------------------------------------------------------------


def test_accepting_with_a_stale_document_is_refused(world: World) -> None:
    co, token = sent_order(world.project, world.owner)
    seen = document_hash(co)
    # The client's name in the document changes while the client is reading it.
    world.client.name = "Acme Oyj"
    world.client.save(update_fields=["name"])
    assert document_hash(co) != seen
    with pytest.raises(services.ChangeOrderError, match="document_changed"):
        accept(co, token, document_hash=seen)
    with pytest.raises(services.ChangeOrderError, match="document_changed"):
        accept(co, token, document_hash="0" * 64)
    with pytest.raises(services.ChangeOrderError, match="name_required"):
        accept(co, token, name="   ")
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.SENT
    assert co.frozen_html == ""
    assert co.document_sha256 == ""
    assert not LedgerEvent.objects.filter(type="change_order_accepted").exists()

    accepted = accept(co, token, name="  Matti Virtanen  ")
    assert accepted.status == ChangeOrder.Status.ACCEPTED
    assert accepted.accepted_name == "Matti Virtanen"
    assert "Acme Oyj" in accepted.frozen_html


def test_acceptance_freezes_the_document_and_keeps_a_record(world: World) -> None:
    co, token = sent_order(world.project, world.owner)
    digest = document_hash(co)
    before = timezone.now()
    accept(co, token, name="Matti Virtanen", ip="203.0.113.9", user_agent="Firefox/140")
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.ACCEPTED
    assert co.document_sha256 == digest
    assert co.decided_at is not None
    assert co.decided_at >= before
    assert (co.accepted_name, co.accepted_ip, co.accepted_user_agent) == (
        "Matti Virtanen",
        "203.0.113.9",
        "Firefox/140",
    )

    # Later changes do not touch what was accepted: the frozen copy is what is shown.
    world.client.name = "Renamed Oy"
    world.client.save(update_fields=["name"])
    assert render_document(co) == co.frozen_html
    assert "Renamed Oy" not in co.frozen_html

    http = world.http(world.owner)
    ws = world.workspace.slug
    document = http.get(reverse("change_order_document", kwargs={"ws": ws, "pk": co.pk}))
    assert document.status_code == 200
    assert document["Content-Disposition"] == f'attachment; filename="{co.number}.html"'
    assert hashlib.sha256(document.content).hexdigest() == co.document_sha256 == digest

    record = http.get(reverse("change_order_record", kwargs={"ws": ws, "pk": co.pk}))
    assert record.status_code == 200
    assert record["Content-Type"].startswith("application/json")
    data = json.loads(record.content)
    assert data == {
        "change_order": co.number,
        "title": "Member registration",
        "status": "accepted",
        "total": str(co.total),
        "currency": "EUR",
        "accepted_by": "Matti Virtanen",
        "accepted_at": co.decided_at.isoformat(),
        "ip": "203.0.113.9",
        "user_agent": "Firefox/140",
        "document_sha256": digest,
        "document": f"{co.number}.html",
    }
    assert Decimal(data["total"]) == Decimal("800")
    assert dt.datetime.fromisoformat(data["accepted_at"]) == co.decided_at

    # The detail page shows the record; an order that is not accepted has neither download.
    page = http.get(reverse("change_order_detail", kwargs={"ws": ws, "pk": co.pk}))
    assert digest in page.content.decode()
    draft = new_order(world.project, world.owner)
    for name in ("change_order_document", "change_order_record"):
        assert http.get(reverse(name, kwargs={"ws": ws, "pk": draft.pk})).status_code == 404


def test_accepting_grows_the_agreement_the_fees_and_the_allowances(world: World) -> None:
    project = world.project
    before = project_facts(project)
    assert before.agreement.deadline == dt.date(2026, 12, 15)
    assert (before.state.concepts.agreed, before.state.revision_rounds.agreed) == (3, 2)
    versions = AgreementVersion.objects.filter(project=project).count()
    co, token = sent_order(
        project,
        world.owner,
        title="Member registration",
        lines=[line("Registration and login", "12", "80"), line("Testing", "3", "80")],
        days=3,
        concepts=1,
        revision_rounds=2,
    )
    accept(co, token)

    project.refresh_from_db()
    assert AgreementVersion.objects.filter(project=project).count() == versions + 1
    version = project.current_version
    assert version is not None
    assert (version.source, version.note) == ("change_order", co.number)
    scope = version.data["scope"]
    assert scope[-1]["id"] == co.number.lower()
    assert scope[-1]["title"] == f"Member registration ({co.number})"
    assert len(scope) == len(before.agreement.scope) + 1
    # 2026-12-15 is a Tuesday: three working days later is Friday the 18th.
    assert version.data["deadline"] == "2026-12-18"
    assert add_working_days(dt.date(2026, 12, 15), 3) == dt.date(2026, 12, 18)
    # The price and the allowances of the agreement stay; the ledger adds the change order.
    first = AgreementVersion.objects.filter(project=project).order_by("number").first()
    assert first is not None
    assert version.data["price"] == first.data["price"]

    after = project_facts(project)
    assert after.state.bid == before.state.bid == Decimal("4800")
    assert after.state.change_orders_total == Decimal("1200")
    assert after.state.fees == before.state.fees + Decimal("1200") == Decimal("6000")
    assert after.state.concepts.agreed == 3 + 1
    assert after.state.revision_rounds.agreed == 2 + 2
    assert after.state.pending_change_orders == ()
    event = LedgerEvent.objects.get(project=project, type="change_order_accepted")
    assert event.data["ref"] == co.number
    assert Decimal(event.data["amount"]) == Decimal("1200")
    assert (event.data["days"], event.data["concepts"], event.data["revision_rounds"]) == (3, 1, 2)


def test_an_order_without_schedule_impact_keeps_the_deadline(world: World) -> None:
    co, token = sent_order(world.project, world.owner, days=0)
    accept(co, token)
    world.project.refresh_from_db()
    assert world.project.current_version is not None
    assert world.project.current_version.data["deadline"] == "2026-12-15"


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_acceptances_accept_once(world: World) -> None:
    count = 20
    co, token = sent_order(world.project, world.owner)
    digest = document_hash(co)
    versions = AgreementVersion.objects.filter(project=world.project).count()

    def accept_once(i: int) -> ChangeOrder:
        return services.accept(
            link=services.resolve_link(token),
            number=co.number,
            name=f"Signer {i}",
            document_hash=digest,
            ip="198.51.100.1",
            user_agent=f"thread-{i}",
        )

    results = in_threads(count, accept_once)
    accepted = [r for r in results if isinstance(r, ChangeOrder)]
    refused = [r for r in results if isinstance(r, services.ChangeOrderError)]
    assert len(accepted) == 1, results
    assert len(refused) == count - 1, results
    assert {str(r) for r in refused} == {"already_accepted"}
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.ACCEPTED
    assert co.accepted_name == accepted[0].accepted_name
    assert (
        LedgerEvent.objects.filter(project=world.project, type="change_order_accepted").count() == 1
    )
    assert AgreementVersion.objects.filter(project=world.project).count() == versions + 1
    assert Notification.objects.filter(change_order=co).count() == 1  # one owner, told once
    assert project_facts(world.project).state.change_orders_total == co.total


# -- notifications --------------------------------------------------------------------------------


def test_answers_notify_the_owners_only(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    second_owner = User.objects.create_user("dana@example.com", "x", first_name="Dana")
    Membership.objects.create(
        workspace=world.workspace, user=second_owner, role=Membership.Role.OWNER
    )
    yes, token = sent_order(world.project, world.owner, title="Yes")
    no, _ = sent_order(world.project, world.owner, title="No")
    with django_capture_on_commit_callbacks(execute=True):
        accept(yes, token)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(
            link=services.resolve_link(token),
            number=no.number,
            comment="Too expensive",
            ip=None,
            user_agent="",
        )
    rows = Notification.objects.order_by("kind", "user__email")
    assert [(n.kind, n.user.email, n.change_order) for n in rows] == [
        ("change_order_accepted", "alice@example.com", yes),
        ("change_order_accepted", "dana@example.com", yes),
        ("change_order_declined", "alice@example.com", no),
        ("change_order_declined", "dana@example.com", no),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "alice@example.com",
        "alice@example.com",
        "dana@example.com",
        "dana@example.com",
    ]

    ws = world.workspace.slug
    url = reverse("notifications", kwargs={"ws": ws})
    owner = world.http(world.owner)
    page = owner.get(url).content.decode()
    assert yes.number in page
    assert no.number in page
    teammate = world.http(world.teammate).get(url).content.decode()
    assert yes.number not in teammate
    assert no.number not in teammate
    # The owner marks them read; the other owner's stay unread.
    assert owner.post(url).status_code == 302
    assert not Notification.objects.filter(user=world.owner, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=second_owner, read_at__isnull=True).count() == 2


# -- the owner's pages -------------------------------------------------------------------------


def _line_post(**fields: str) -> dict[str, str]:
    data = {
        "title": "Newsletter sign-up",
        "valid_until": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "days": "2",
        "concepts": "0",
        "revision_rounds": "1",
        "terms": "",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "Sign-up form",
        "lines-0-hours": "4",
        "lines-0-rate": "80",
        "lines-1-description": "",
        "lines-1-hours": "",
        "lines-1-rate": "",
    }
    return data | fields


def test_a_teammate_makes_edits_and_sends_change_orders(world: World) -> None:
    http = world.http(world.teammate)
    ws = world.workspace.slug
    new_url = reverse("change_order_new", kwargs={"ws": ws})
    assert http.get(new_url, {"project": world.project.pk}).status_code == 200
    response = http.post(f"{new_url}?project={world.project.pk}", _line_post())
    assert response.status_code == 302
    co = ChangeOrder.objects.get(workspace=world.workspace)
    assert response["Location"] == reverse("change_order_detail", kwargs={"ws": ws, "pk": co.pk})
    assert (co.title, co.total, co.days, co.revision_rounds) == (
        "Newsletter sign-up",
        Decimal("320"),
        2,
        1,
    )
    assert co.created_by == world.teammate

    # A date in the past is refused by the form.
    refused = http.post(
        f"{new_url}?project={world.project.pk}", _line_post(valid_until="2000-01-01")
    )
    assert refused.status_code == 200
    assert ChangeOrder.objects.count() == 1

    edit = reverse("change_order_edit", kwargs={"ws": ws, "pk": co.pk})
    assert http.get(edit).status_code == 200
    assert http.post(edit, _line_post(**{"lines-0-hours": "5"})).status_code == 302
    co.refresh_from_db()
    assert co.total == Decimal("400")

    assert http.get(reverse("change_order_list", kwargs={"ws": ws})).status_code == 200
    detail = reverse("change_order_detail", kwargs={"ws": ws, "pk": co.pk})
    action = reverse("change_order_action", kwargs={"ws": ws, "pk": co.pk})
    # Sending by e-mail needs the client's address; the page says so and nothing changes.
    response = http.post(action, {"action": "send"}, follow=True)
    assert response.redirect_chain[-1][0] == detail
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.DRAFT
    assert http.post(action, {"action": "send_quietly"}).status_code == 302
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.SENT
    # The portal link is shown once, on the next view of the page.
    page = http.get(detail).content.decode()
    link = PortalLink.objects.get(client=world.client)
    assert f"/p/{link.hint}" in page
    assert f"/p/{link.hint}" not in http.get(detail).content.decode()

    response = http.post(action, {"action": "revise"})
    new = ChangeOrder.objects.get(replaces=co)
    assert response["Location"] == reverse("change_order_edit", kwargs={"ws": ws, "pk": new.pk})
    assert http.post(action, {"action": "withdraw"}).status_code == 302
    co.refresh_from_db()
    assert co.status == ChangeOrder.Status.WITHDRAWN
    assert http.post(action, {"action": "fly"}).status_code == 404
    assert http.get(action).status_code == 405


def _owner_urls(
    world: World, co: ChangeOrder, link: PortalLink
) -> list[tuple[str, str, dict[str, str]]]:
    """Every owner page of change orders and portal links: (method, url, data)."""
    ws = world.workspace.slug
    pk = {"ws": ws, "pk": str(co.pk)}
    return [
        ("get", reverse("change_order_list", kwargs={"ws": ws}), {}),
        ("get", reverse("change_order_new", kwargs={"ws": ws}) + f"?project={co.project_id}", {}),
        (
            "post",
            reverse("change_order_new", kwargs={"ws": ws}) + f"?project={co.project_id}",
            _line_post(),
        ),
        ("get", reverse("change_order_detail", kwargs=pk), {}),
        ("get", reverse("change_order_edit", kwargs=pk), {}),
        ("post", reverse("change_order_edit", kwargs=pk), _line_post(title="Hijacked")),
        ("post", reverse("change_order_action", kwargs=pk), {"action": "send_quietly"}),
        ("post", reverse("change_order_action", kwargs=pk), {"action": "withdraw"}),
        ("post", reverse("change_order_action", kwargs=pk), {"action": "revise"}),
        ("get", reverse("change_order_pdf", kwargs=pk), {}),
        ("get", reverse("change_order_document", kwargs=pk), {}),
        ("get", reverse("change_order_record", kwargs=pk), {}),
        ("post", reverse("portal_link_new", kwargs={"ws": ws, "pk": str(world.client.pk)}), {}),
        ("post", reverse("portal_link_revoke", kwargs={"ws": ws, "pk": str(link.pk)}), {}),
        ("get", reverse("notifications", kwargs={"ws": ws}), {}),
        ("post", reverse("notifications", kwargs={"ws": ws}), {}),
    ]


def _snapshot() -> list[object]:
    return [
        list(ChangeOrder.objects.order_by("pk").values_list("pk", "status", "title", "total")),
        list(PortalLink.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        ChangeOrderLine.objects.count(),
        LedgerEvent.objects.count(),
    ]


def test_a_stranger_gets_404_for_every_change_order_page_and_nothing_changes(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    co = new_order(world.project, world.owner)
    accepted, token = sent_order(world.project, world.owner, title="Accepted")
    with django_capture_on_commit_callbacks(execute=True):
        accept(accepted, token)
    link = services.resolve_link(token)
    before = _snapshot()
    http = world.http(world.stranger)
    for target in (co, accepted):
        for method, url, data in _owner_urls(world, target, link):
            response = getattr(http, method)(url, data)
            assert response.status_code == 404, (method, url)
            if url.endswith(("/change-orders/", "/notifications/")):
                continue  # his own list and notifications are his to see
            # Nor through his own workspace with our objects' ids.
            theirs = url.replace(f"/w/{world.workspace.slug}/", f"/w/{world.other_workspace.slug}/")
            response = getattr(http, method)(theirs, data)
            assert response.status_code == 404, (method, theirs)
    assert _snapshot() == before


def test_anonymous_visitors_are_sent_to_the_login_page(world: World) -> None:
    co, token = sent_order(world.project, world.owner)
    link = services.resolve_link(token)
    before = _snapshot()
    http = world.http(None)
    login = reverse("login")
    for method, url, data in _owner_urls(world, co, link):
        response = getattr(http, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(f"{login}?next="), (method, url)
    assert _snapshot() == before
