"""The one write layer for change orders and portal links."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext

from scopeline.accounts.models import Membership, User, Workspace
from scopeline.accounts.services import audit
from scopeline.api import webhooks
from scopeline.changeorders import mail
from scopeline.changeorders.documents import django_language, render_document, sha256
from scopeline.changeorders.models import (
    ChangeOrder,
    ChangeOrderCounter,
    ChangeOrderLine,
    Notification,
    PortalLink,
)
from scopeline.clients.models import Client
from scopeline.core.events import ChangeOrderAccepted, ChangeOrderDeclined, ChangeOrderIssued
from scopeline.core.money import quantize
from scopeline.core.replies.composer import add_working_days, request_sentence, working_days
from scopeline.core.triage.estimate import task_titles
from scopeline.health import services as health
from scopeline.projects import services as project_services
from scopeline.projects.agreements import agreement_data
from scopeline.projects.models import AgreementVersion, ClientRequest, Project
from scopeline.projects.selectors import current_agreement
from scopeline.web.tasks import describe, enqueue_on_commit, is_transient, retry_delay

VALID_DAYS: Final = 14
PORTAL_DAYS: Final = 30
TOKEN_BYTES: Final = 32
# A delivery queued or being sent this long past its time has lost its task (seconds).
STUCK_AFTER: Final = 15 * 60

log = logging.getLogger(__name__)


class ChangeOrderError(Exception):
    """A change that the change order's state does not allow; ``str(exc)`` is a code."""


class PortalError(Exception):
    """A portal link that cannot be used: "unknown", "expired" or "revoked"."""

    def __init__(self, code: str, link: PortalLink | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.link = link


@dataclass(frozen=True)
class Line:
    description: str
    hours: Decimal
    rate: Decimal


# -- numbering ----------------------------------------------------------------------------


def _next_sequence(workspace: Workspace, year: int) -> int:
    """The next number of ``workspace`` in ``year``; call inside a transaction. The counter
    row stays locked until the transaction ends, so two creators wait for each other."""
    counter = (
        ChangeOrderCounter.objects.select_for_update()
        .filter(workspace=workspace, year=year)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():
                counter = ChangeOrderCounter.objects.create(workspace=workspace, year=year)
        except IntegrityError:  # created by a concurrent transaction a moment ago
            counter = ChangeOrderCounter.objects.select_for_update().get(
                workspace=workspace, year=year
            )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def format_number(year: int, sequence: int) -> str:
    return f"CO-{year}-{sequence:03d}"


# -- creating and editing -------------------------------------------------------------------


def _lines(co: ChangeOrder, lines: Sequence[Line]) -> None:
    if not lines:
        raise ChangeOrderError("no_lines")
    rows = []
    for position, line in enumerate(lines, start=1):
        if line.hours < 0 or line.rate < 0:
            raise ChangeOrderError("negative")
        rows.append(
            ChangeOrderLine(
                change_order=co,
                position=position,
                description=line.description.strip()[:300],
                hours=line.hours,
                rate=quantize(line.rate, co.currency),
                amount=quantize(line.hours * line.rate, co.currency),
            )
        )
    co.lines.all().delete()
    ChangeOrderLine.objects.bulk_create(rows)
    co.hours = sum((r.hours for r in rows), Decimal(0))
    co.total = sum((r.amount for r in rows), Decimal(0))


@transaction.atomic
def create_change_order(
    *,
    project: Project,
    actor: User | None,
    title: str,
    lines: Sequence[Line],
    days: int | None = None,
    valid_until: dt.date | None = None,
    terms: str = "",
    concepts: int = 0,
    revision_rounds: int = 0,
    request: ClientRequest | None = None,
    replaces: ChangeOrder | None = None,
) -> ChangeOrder:
    today = timezone.localdate()
    agreement = current_agreement(project)
    sequence = _next_sequence(project.workspace, today.year)
    hours = sum((line.hours for line in lines), Decimal(0))
    co = ChangeOrder.objects.create(
        workspace_id=project.workspace_id,
        project=project,
        request=request,
        replaces=replaces,
        number=format_number(today.year, sequence),
        year=today.year,
        sequence=sequence,
        title=title.strip()[:200],
        language=project.client.language,
        currency=agreement.currency,
        issued_on=today,
        valid_until=valid_until or today + dt.timedelta(days=VALID_DAYS),
        days=working_days(hours) if days is None and hours > 0 else (days or 0),
        concepts=concepts,
        revision_rounds=revision_rounds,
        terms=terms.strip(),
        created_by=actor,
    )
    _lines(co, lines)
    co.save(update_fields=["hours", "total"])
    audit(
        workspace=project.workspace,
        actor=actor,
        action="change_order.created",
        obj=co,
        detail={"number": co.number, "request": request.pk if request else None},
    )
    return co


def _title_for(request: ClientRequest) -> str:
    """The work a request asks for, named in the client's language."""
    lang = request.project.client.language
    task = request.verdict.get("catalogue") if isinstance(request.verdict, dict) else None
    if task:
        title = task_titles().get(task, {}).get(lang)
        if title:
            return title
    with translation.override(django_language(lang)):
        if request.kind == "deadline":
            return gettext("Earlier delivery")
        if request.kind == "revision":
            return gettext("An extra revision round")
        if request.kind == "extra_concept":
            return gettext("An extra design concept")
    scope = request.verdict.get("scope", {}) if isinstance(request.verdict, dict) else {}
    if request.scope_verdict == "excluded" and scope.get("title"):
        return str(scope["title"])
    return request_sentence(request.text, 120)


@transaction.atomic
def draft_from_request(*, request: ClientRequest, actor: User | None) -> ChangeOrder:
    """A draft priced as the triage priced the request (one line: hours × the hourly rate;
    for earlier delivery, the rush surcharge on the remaining work)."""
    project = request.project
    agreement = current_agreement(project)
    rate = agreement.price.hourly_rate or project.workspace.hourly_rate
    hours = Decimal(request.estimate_hours)
    title = _title_for(request)
    line = Line(title, hours, Decimal(rate))
    if request.kind == "deadline" and request.price_amount is not None and hours > 0:
        # The surcharge is priced on the remaining hours: rate × surcharge per hour.
        line = Line(title, hours, Decimal(request.price_amount) / hours)
    return create_change_order(
        project=project,
        actor=actor,
        title=title,
        lines=[line],
        days=0 if request.kind == "deadline" else None,
        concepts=1 if request.kind == "extra_concept" else 0,
        revision_rounds=1 if request.kind == "revision" else 0,
        request=request,
    )


@transaction.atomic
def update_draft(
    *,
    co: ChangeOrder,
    actor: User,
    title: str,
    lines: Sequence[Line],
    days: int,
    valid_until: dt.date,
    terms: str,
    concepts: int,
    revision_rounds: int,
) -> ChangeOrder:
    locked = ChangeOrder.objects.select_for_update().get(pk=co.pk)
    if locked.status != ChangeOrder.Status.DRAFT:
        raise ChangeOrderError("not_draft")
    if locked.is_being_delivered:
        raise ChangeOrderError("being_sent")
    locked.title = title.strip()[:200]
    locked.days = days
    locked.valid_until = valid_until
    locked.terms = terms.strip()
    locked.concepts = concepts
    locked.revision_rounds = revision_rounds
    _lines(locked, lines)
    locked.save()
    audit(workspace=locked.project.workspace, actor=actor, action="change_order.edited", obj=locked)
    return locked


@transaction.atomic
def revise(*, co: ChangeOrder, actor: User) -> ChangeOrder:
    """A new draft with the same content; the original stays as it was (it may be frozen)."""
    lines = [Line(x.description, x.hours, x.rate) for x in co.lines.all()]
    return create_change_order(
        project=co.project,
        actor=actor,
        title=co.title,
        lines=lines,
        days=co.days,
        terms=co.terms,
        concepts=co.concepts,
        revision_rounds=co.revision_rounds,
        request=co.request,
        replaces=co,
    )


# -- sending, withdrawing, expiring ---------------------------------------------------------
#
# "Send" hands the e-mail to a background task (changeorders/tasks.py): the order is queued,
# locked against edits, and becomes "sent" (ledger event, portal link) only when the mail server
# has taken the message. A transient failure is tried again with back-off; a permanent one, or
# the last attempt, leaves the order a draft marked "not delivered", with the error, a retry
# button and a notification for the owners. "Mark as sent" without e-mail is immediate.


@dataclass(frozen=True)
class Delivered:
    """What one delivery attempt did: "sent", "retry" (again at ``retry_at``), "failed" or
    "skipped" (nothing to do: delivered already, withdrawn, or another attempt has it)."""

    outcome: str
    retry_at: dt.datetime | None = None


def _locked(co: ChangeOrder) -> ChangeOrder:
    return (
        ChangeOrder.objects.select_for_update(of=("self",))
        .select_related("project__client", "project__workspace")
        .get(pk=co.pk)
    )


def _check_sendable(co: ChangeOrder) -> None:
    if co.status != ChangeOrder.Status.DRAFT:
        raise ChangeOrderError("not_draft")
    if co.is_being_delivered:
        raise ChangeOrderError("being_sent")
    if co.valid_until < timezone.localdate():
        raise ChangeOrderError("valid_until_past")


def _issue(co: ChangeOrder, *, actor: User | None, site_url: str, token: str, emailed: bool) -> str:
    """Freeze ``co`` (locked, a draft) as sent: the ledger's issued event, once, and the
    client's portal link for ``token``. Returns the link's address."""
    today = timezone.localdate()
    co.status = ChangeOrder.Status.SENT
    co.issued_on = today
    co.sent_at = timezone.now()
    co.save(
        update_fields=[
            "status",
            "issued_on",
            "sent_at",
            "delivery",
            "delivery_error",
            "delivered_at",
            "updated_at",
        ]
    )
    project_services.record_event(
        project=co.project,
        actor=actor,
        event=ChangeOrderIssued(
            date=today, ref=co.number, amount=co.total, hours=co.hours, title=co.title
        ),
    )
    link = _new_link(client=co.project.client, actor=actor, token=token)
    audit(
        workspace=co.project.workspace,
        actor=actor,
        action="change_order.sent",
        obj=co,
        detail={"number": co.number, "emailed": emailed, "link": link.hint},
    )
    return portal_url(site_url, token)


@transaction.atomic
def mark_sent(*, co: ChangeOrder, actor: User, site_url: str) -> tuple[ChangeOrder, str]:
    """Send a draft without e-mail: it is frozen as sent at once, the ledger records it as
    issued, and the client gets a new portal link, returned for the owner to pass on."""
    locked = _locked(co)
    _check_sendable(locked)
    url = _issue(
        locked,
        actor=actor,
        site_url=site_url,
        token=secrets.token_urlsafe(TOKEN_BYTES),
        emailed=False,
    )
    return locked, url


def _queue_delivery(co: ChangeOrder, actor: User) -> None:
    client = co.project.client
    if not client.email:
        raise ChangeOrderError("no_client_email")
    co.delivery = ChangeOrder.Delivery.QUEUED
    co.delivery_to = client.email
    co.delivery_attempts = 0
    co.delivery_error = ""
    co.delivery_at = timezone.now()
    co.save(
        update_fields=[
            "delivery",
            "delivery_to",
            "delivery_attempts",
            "delivery_error",
            "delivery_at",
            "updated_at",
        ]
    )
    from scopeline.changeorders.tasks import deliver_change_order

    enqueue_on_commit(deliver_change_order, co.pk, actor.pk)


@transaction.atomic
def send_by_email(*, co: ChangeOrder, actor: User) -> ChangeOrder:
    """Queue a draft's e-mail to the client (the PDF attached, a new portal link in it). The
    order cannot be edited from now on; it becomes sent when the e-mail has gone out."""
    locked = _locked(co)
    _check_sendable(locked)
    _queue_delivery(locked, actor)
    audit(
        workspace=locked.project.workspace,
        actor=actor,
        action="change_order.queued",
        obj=locked,
        detail={"number": locked.number, "to": locked.delivery_to},
    )
    return locked


def delivery_is_stuck(co: ChangeOrder, now: dt.datetime | None = None) -> bool:
    """Queued or being sent for longer than ``STUCK_AFTER`` past its time: its task was lost
    (a queue that was down, a worker that died), so it may be queued again."""
    now = now or timezone.now()
    return (
        co.is_being_delivered
        and co.delivery_at is not None
        and co.delivery_at < now - dt.timedelta(seconds=STUCK_AFTER)
    )


@transaction.atomic
def retry_delivery(*, co: ChangeOrder, actor: User) -> ChangeOrder:
    """Queue the e-mail again after it failed (or got stuck), to the client's address as it is
    now (the owner may have corrected it), with a fresh series of attempts."""
    locked = _locked(co)
    if locked.status != ChangeOrder.Status.DRAFT:
        raise ChangeOrderError("not_draft")
    if locked.delivery != ChangeOrder.Delivery.FAILED and not delivery_is_stuck(locked):
        raise ChangeOrderError("not_retryable")
    if locked.valid_until < timezone.localdate():
        raise ChangeOrderError("valid_until_past")
    _queue_delivery(locked, actor)
    audit(
        workspace=locked.project.workspace,
        actor=actor,
        action="change_order.delivery_retried",
        obj=locked,
        detail={"number": locked.number, "to": locked.delivery_to},
    )
    return locked


def deliver(
    *, change_order_id: int, actor_id: int | None, site_url: str, can_retry: bool
) -> Delivered:
    """One attempt at e-mailing a queued change order; called by its background task.

    The attempt is claimed with a conditional update (queued -> sending, one row or nothing),
    so two copies of the task never both send. The PDF is rendered and the mail sent outside
    any transaction (no lock is held while the mail server thinks); only when the server has
    taken the message is the order marked sent, with the portal link whose token is in it."""
    now = timezone.now()
    claimed = ChangeOrder.objects.filter(
        pk=change_order_id, status=ChangeOrder.Status.DRAFT, delivery=ChangeOrder.Delivery.QUEUED
    ).update(
        delivery=ChangeOrder.Delivery.SENDING,
        delivery_at=now,
        delivery_attempts=F("delivery_attempts") + 1,
        updated_at=now,
    )
    if claimed != 1:
        return Delivered("skipped")
    co = ChangeOrder.objects.select_related(
        "project__client", "project__workspace", "project__current_version", "request"
    ).get(pk=change_order_id)
    if co.valid_until < timezone.localdate():
        return _undelivered(co, "valid_until_past", retry_at=None)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    try:
        mail.send_change_order(co, portal_url(site_url, token), to=co.delivery_to)
    except Exception as exc:
        log.warning(
            "change order %s: e-mail to %s failed", co.number, co.delivery_to, exc_info=True
        )
        delay = retry_delay(co.delivery_attempts) if can_retry and is_transient(exc) else None
        retry_at = now + dt.timedelta(seconds=delay) if delay is not None else None
        return _undelivered(co, describe(exc), retry_at=retry_at)
    with transaction.atomic():
        locked = _locked(co)
        if (
            locked.status != ChangeOrder.Status.DRAFT
            or locked.delivery != ChangeOrder.Delivery.SENDING
        ):
            log.error("change order %s changed while its e-mail was sent", co.number)
            return Delivered("skipped")
        locked.delivery = ChangeOrder.Delivery.SENT
        locked.delivery_error = ""
        locked.delivered_at = timezone.now()
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        _issue(locked, actor=actor, site_url=site_url, token=token, emailed=True)
    return Delivered("sent")


def _undelivered(co: ChangeOrder, error: str, *, retry_at: dt.datetime | None) -> Delivered:
    """Record a failed attempt: queued again for ``retry_at``, or failed for good (the owners
    get a notification and the order is a draft again, with a retry button)."""
    with transaction.atomic():
        locked = _locked(co)
        if locked.delivery != ChangeOrder.Delivery.SENDING:
            return Delivered("skipped")
        locked.delivery_error = error[:500]
        if retry_at is not None:
            locked.delivery = ChangeOrder.Delivery.QUEUED
            locked.delivery_at = retry_at
            locked.save(update_fields=["delivery", "delivery_error", "delivery_at", "updated_at"])
            return Delivered("retry", retry_at)
        locked.delivery = ChangeOrder.Delivery.FAILED
        locked.delivery_at = None
        locked.save(update_fields=["delivery", "delivery_error", "delivery_at", "updated_at"])
        audit(
            workspace=locked.project.workspace,
            actor=None,
            action="change_order.delivery_failed",
            obj=locked,
            detail={
                "number": locked.number,
                "to": locked.delivery_to,
                "attempts": locked.delivery_attempts,
                "error": locked.delivery_error,
            },
        )
        _notify(locked, "change_order_undelivered", email=False)
    return Delivered("failed")


def resume_deliveries(*, now: dt.datetime | None = None) -> int:
    """Queue again the e-mails whose task was lost: queued or being sent for ``STUCK_AFTER``
    past their time. Run by `manage.py resume_deliveries` from cron; a duplicate is harmless
    (the claim lets one attempt through). Returns how many were queued."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=STUCK_AFTER)
    from scopeline.changeorders.tasks import deliver_change_order

    resumed = 0
    stuck = ChangeOrder.objects.filter(
        status=ChangeOrder.Status.DRAFT,
        delivery__in=[ChangeOrder.Delivery.QUEUED, ChangeOrder.Delivery.SENDING],
        delivery_at__lt=cutoff,
    ).values_list("pk", "delivery")
    for pk, delivery in stuck:
        with transaction.atomic():
            if delivery == ChangeOrder.Delivery.SENDING:
                # A worker died mid-attempt; if it had in fact sent the mail, the client gets it
                # twice, which beats never.
                moved = ChangeOrder.objects.filter(
                    pk=pk, delivery=ChangeOrder.Delivery.SENDING, delivery_at__lt=cutoff
                ).update(delivery=ChangeOrder.Delivery.QUEUED, delivery_at=now)
                if not moved:
                    continue
            enqueue_on_commit(deliver_change_order, pk, None)
            resumed += 1
    return resumed


@transaction.atomic
def withdraw(*, co: ChangeOrder, actor: User) -> ChangeOrder:
    locked = ChangeOrder.objects.select_for_update().get(pk=co.pk)
    if locked.status not in (ChangeOrder.Status.DRAFT, ChangeOrder.Status.SENT):
        raise ChangeOrderError("not_open")
    if locked.delivery == ChangeOrder.Delivery.SENDING and not delivery_is_stuck(locked):
        raise ChangeOrderError("being_sent")  # the mail may be on its way; ask again shortly
    was_sent = locked.status == ChangeOrder.Status.SENT
    locked.status = ChangeOrder.Status.WITHDRAWN
    locked.decided_at = timezone.now()
    if locked.is_being_delivered:  # a queued e-mail is not sent (its task finds it withdrawn)
        locked.delivery = ChangeOrder.Delivery.NONE
    locked.save(update_fields=["status", "decided_at", "delivery", "updated_at"])
    if was_sent:
        project_services.record_event(
            project=locked.project,
            actor=actor,
            event=ChangeOrderDeclined(
                date=timezone.localdate(), ref=locked.number, note="withdrawn"
            ),
        )
    audit(
        workspace=locked.project.workspace, actor=actor, action="change_order.withdrawn", obj=locked
    )
    return locked


def expire_overdue(*, today: dt.date | None = None, workspace_id: int | None = None) -> int:
    """Mark sent change orders past their date as expired (one transaction each). Pages that
    list change orders call it first (one cheap query when nothing is due), and
    `manage.py expire_change_orders` does it for all workspaces from cron."""
    today = today or timezone.localdate()
    expired = 0
    due = ChangeOrder.objects.filter(status=ChangeOrder.Status.SENT, valid_until__lt=today)
    if workspace_id is not None:
        due = due.filter(workspace_id=workspace_id)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            co = ChangeOrder.objects.select_for_update().get(pk=pk)
            if co.status != ChangeOrder.Status.SENT or co.valid_until >= today:
                continue
            co.status = ChangeOrder.Status.EXPIRED
            co.decided_at = timezone.now()
            co.save(update_fields=["status", "decided_at", "updated_at"])
            project_services.record_event(
                project=co.project,
                actor=None,
                event=ChangeOrderDeclined(date=today, ref=co.number, note="expired"),
            )
            expired += 1
    return expired


# -- the client's answer ----------------------------------------------------------------------


def _open_for(link: PortalLink, number: str) -> ChangeOrder:
    co = (
        ChangeOrder.objects.select_for_update(of=("self",))
        .select_related("project__client", "project__workspace", "project__current_version")
        .filter(workspace_id=link.workspace_id, project__client_id=link.client_id, number=number)
        .first()
    )
    if co is None:
        raise ChangeOrderError("unknown")
    if co.status != ChangeOrder.Status.SENT:
        raise ChangeOrderError(f"already_{co.status}")
    if co.valid_until < timezone.localdate():
        raise ChangeOrderError("expired")
    return co


@transaction.atomic
@health.refresh_once()  # the ledger event and the new version: one refresh
def accept(
    *,
    link: PortalLink,
    number: str,
    name: str,
    document_hash: str,
    ip: str | None,
    user_agent: str,
) -> ChangeOrder:
    """Accept once: the row lock makes a second, concurrent acceptance wait and then find the
    order already accepted. The agreement gains a version; the ledger the accepted order."""
    co = _open_for(link, number)
    if not name.strip():
        raise ChangeOrderError("name_required")
    html = render_document(co)
    digest = sha256(html)
    if not secrets.compare_digest(digest, document_hash or ""):
        raise ChangeOrderError("document_changed")
    now = timezone.now()
    co.status = ChangeOrder.Status.ACCEPTED
    co.decided_at = now
    co.frozen_html = html
    co.document_sha256 = digest
    co.accepted_name = name.strip()[:200]
    co.accepted_ip = ip
    co.accepted_user_agent = user_agent[:500]
    co.save()
    today = timezone.localdate()
    project = co.project
    project_services.record_event(
        project=project,
        actor=None,
        event=ChangeOrderAccepted(
            date=today,
            ref=co.number,
            amount=co.total,
            hours=co.hours,
            title=co.title,
            concepts=co.concepts,
            revision_rounds=co.revision_rounds,
            days=co.days,
        ),
    )
    _grow_agreement(co)
    _notify(co, "change_order_accepted")
    webhooks.change_order_decided(co.workspace_id, co.pk, accepted=True)
    return co


def _grow_agreement(co: ChangeOrder) -> AgreementVersion | None:
    """The agreement's next version: the accepted work as a scope item and the delivery date
    moved by the schedule impact. Its price, hours and allowances come from the ledger's
    accepted change order, which the core adds to the fees, the budget and the allowances."""
    project = co.project
    data = agreement_data(current_agreement(project))
    item = {"id": co.number.lower(), "title": f"{co.title} ({co.number})"}
    data["scope"] = [*data.get("scope", []), item]
    if co.days and data.get("deadline"):
        deadline = dt.date.fromisoformat(str(data["deadline"]))
        data["deadline"] = add_working_days(deadline, co.days).isoformat()
    agreement = project_services.validate_agreement(data)
    return project_services.save_agreement(
        project=project,
        actor=None,
        agreement=agreement,
        source=AgreementVersion.Source.CHANGE_ORDER,
        note=co.number,
    )


@transaction.atomic
def decline(
    *, link: PortalLink, number: str, comment: str, ip: str | None, user_agent: str
) -> ChangeOrder:
    co = _open_for(link, number)
    co.status = ChangeOrder.Status.DECLINED
    co.decided_at = timezone.now()
    co.decline_comment = comment.strip()[:2000]
    co.accepted_ip = ip
    co.accepted_user_agent = user_agent[:500]
    co.save()
    project_services.record_event(
        project=co.project,
        actor=None,
        event=ChangeOrderDeclined(date=timezone.localdate(), ref=co.number, note="declined"),
    )
    _notify(co, "change_order_declined")
    webhooks.change_order_decided(co.workspace_id, co.pk, accepted=False)
    return co


def _notify(co: ChangeOrder, kind: str, *, email: bool = True) -> None:
    """A notification for each owner of the workspace, and (``email``) an e-mail to each, queued
    after the commit."""
    owners = list(
        User.objects.filter(
            memberships__workspace_id=co.workspace_id, memberships__role=Membership.Role.OWNER
        )
    )
    Notification.objects.bulk_create(
        Notification(workspace_id=co.workspace_id, user=u, change_order=co, kind=kind)
        for u in owners
    )
    if email:
        from scopeline.changeorders.tasks import notify_owners

        enqueue_on_commit(notify_owners, co.pk, kind)


# -- portal links -----------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def portal_url(site_url: str, token: str) -> str:
    return f"{site_url.rstrip('/')}/p/{token}/"


@transaction.atomic
def create_portal_link(
    *, client: Client, actor: User | None, days: int = PORTAL_DAYS
) -> tuple[PortalLink, str]:
    """A new private link for ``client``; the token is returned once and stored hashed."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return _new_link(client=client, actor=actor, token=token, days=days), token


def _new_link(
    *, client: Client, actor: User | None, token: str, days: int = PORTAL_DAYS
) -> PortalLink:
    link = PortalLink.objects.create(
        workspace_id=client.workspace_id,
        client=client,
        token_hash=_hash(token),
        hint=token[:6],
        created_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit(
        workspace=client.workspace,
        actor=actor,
        action="portal_link.created",
        obj=link,
        detail={"client": client.pk, "hint": link.hint},
    )
    return link


def resolve_link(token: str) -> PortalLink:
    if not token or len(token) > 100:
        raise PortalError("unknown")
    link = (
        PortalLink.objects.select_related("client", "client__workspace")
        .filter(token_hash=_hash(token))
        .first()
    )
    if link is None:
        raise PortalError("unknown")
    if link.revoked_at is not None:
        raise PortalError("revoked", link)
    if link.expires_at <= timezone.now():
        raise PortalError("expired", link)
    return link


def touch(link: PortalLink) -> None:
    PortalLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())


@transaction.atomic
def revoke_link(*, link: PortalLink, actor: User) -> PortalLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit(workspace=link.client.workspace, actor=actor, action="portal_link.revoked", obj=link)
    return link


def mark_read(*, user: User, ids: Sequence[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def acceptance_record(co: ChangeOrder) -> dict[str, Any]:
    """What was accepted, by whom, when and from where: the record kept with the document."""
    return {
        "change_order": co.number,
        "title": co.title,
        "status": co.status,
        "total": str(co.total),
        "currency": co.currency,
        "accepted_by": co.accepted_name,
        "accepted_at": co.decided_at.isoformat() if co.decided_at else None,
        "ip": co.accepted_ip,
        "user_agent": co.accepted_user_agent,
        "document_sha256": co.document_sha256,
        "document": f"{co.number}.html",
    }
