"""The one write layer for e-mail intake: take a message in (an uploaded .eml file or one
fetched from the mailbox), match it to a client's project, store it with its attachments, and
have it triaged into the inbox; assign or dismiss what did not match; poll the mailbox.

Triage runs in the ``triage_email`` task, enqueued after the message's transaction has
committed: the services are called outside transactions (views, tasks, the command), and a
message a worker could not yet see is taken up again by the next poll (``retriage_pending``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import logging
from dataclasses import dataclass, field
from typing import Final

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from scopeline.accounts.models import User, Workspace
from scopeline.accounts.services import audit
from scopeline.clients.models import Client
from scopeline.inbox.services import MAX_MESSAGE_CHARS, InboxError, submit_request
from scopeline.intake.imap import ImapError, ImapSettings, MailboxSession, open_mailbox
from scopeline.intake.models import EmailAttachment, IncomingEmail, IntakeMailbox
from scopeline.intake.parsing import EmailError, ParsedEmail, parse_email, read_header
from scopeline.projects.models import Project

logger = logging.getLogger(__name__)

MATCH_NOTES: Final = (
    "one_project",  # the sender's client has one active project
    "most_recent_project",  # several: the most recently updated one
    "no_active_project",  # the sender is a client without an active project
    "unknown_sender",  # no client has this address
    "assigned",  # someone chose the project by hand
)
POLL_BATCH: Final = 100  # messages taken per poll; the rest come with the next one
POLL_LEASE: Final = dt.timedelta(minutes=15)  # a poll older than this is taken as crashed
RETRIAGE_AFTER: Final = dt.timedelta(minutes=2)


class IntakeError(Exception):
    """A change the intake's rules do not allow; the code is explained to the user."""


def limits() -> dict[str, int]:
    return {
        "max_bytes": int(getattr(settings, "INTAKE_MAX_EMAIL_BYTES", 25 * 1024 * 1024)),
        "max_attachment_bytes": int(
            getattr(settings, "INTAKE_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
        ),
        "max_attachments": int(getattr(settings, "INTAKE_MAX_ATTACHMENTS", 20)),
    }


@dataclass(frozen=True)
class Receipt:
    """What became of one message: stored (``email``), already known (``duplicate``), or
    refused (``error``, nothing stored)."""

    email: IncomingEmail | None = None
    duplicate: bool = False
    error: str = ""


# -- taking a message in -----------------------------------------------------------------------


def receive_email(
    *,
    workspace: Workspace,
    raw: bytes,
    source: str,
    actor: User | None,
    imap_uid: int | None = None,
) -> Receipt:
    """Parse, de-duplicate, match and store one message, then have it triaged.

    A message that is not one (empty, too large, binary, no sender) is refused with a code
    and changes nothing; the same message again (same Message-ID, or the same bytes when it
    has none) returns the stored one."""
    try:
        limit = limits()
        parsed = parse_email(
            raw,
            max_bytes=limit["max_bytes"],
            max_attachment_bytes=limit["max_attachment_bytes"],
            max_attachments=limit["max_attachments"],
            max_chars=MAX_MESSAGE_CHARS,
        )
    except EmailError as exc:
        return Receipt(error=exc.code)
    existing = IncomingEmail.objects.filter(
        workspace=workspace, message_id=parsed.message_id
    ).first()
    if existing is not None:
        return Receipt(email=existing, duplicate=True)
    client, project, note, active = match_sender(workspace, [parsed.from_address, parsed.reply_to])
    try:
        email = _store(
            workspace=workspace,
            parsed=parsed,
            raw=raw,
            source=source,
            actor=actor,
            client=client,
            project=project,
            note=note,
            active=active,
            imap_uid=imap_uid,
        )
    except IntegrityError:  # the same message, stored a moment ago by another process
        existing = IncomingEmail.objects.filter(
            workspace=workspace, message_id=parsed.message_id
        ).first()
        if existing is None:
            raise
        return Receipt(email=existing, duplicate=True)
    if email.status == IncomingEmail.Status.MATCHED:
        email = _triage_soon(email)
    return Receipt(email=email)


def match_sender(
    workspace: Workspace, addresses: list[str]
) -> tuple[Client | None, Project | None, str, int]:
    """The client (by From, then Reply-To, ignoring case) and the project a message goes to:
    the client's only active project, or the most recently updated of several."""
    for address in addresses:
        if not address:
            continue
        clients = list(
            Client.objects.filter(workspace=workspace, email__iexact=address).order_by("pk")
        )
        if not clients:
            continue
        projects = list(
            Project.objects.filter(
                workspace=workspace,
                client__in=clients,
                status=Project.Status.ACTIVE,
                current_version__isnull=False,
            )
            .select_related("client")
            .order_by("-updated_at", "-pk")
        )
        if not projects:
            return clients[0], None, "no_active_project", 0
        chosen = projects[0]
        note = "one_project" if len(projects) == 1 else "most_recent_project"
        return chosen.client, chosen, note, len(projects)
    return None, None, "unknown_sender", 0


@transaction.atomic
def _store(
    *,
    workspace: Workspace,
    parsed: ParsedEmail,
    raw: bytes,
    source: str,
    actor: User | None,
    client: Client | None,
    project: Project | None,
    note: str,
    active: int,
    imap_uid: int | None,
) -> IncomingEmail:
    saved: list[str] = []
    try:
        email = IncomingEmail(
            workspace=workspace,
            source=source,
            message_id=parsed.message_id,
            sha256=parsed.sha256,
            from_address=parsed.from_address,
            from_name=parsed.from_name,
            reply_to=parsed.reply_to,
            subject=parsed.subject,
            received_at=parsed.sent_at or timezone.now(),
            size=parsed.size,
            text=parsed.text,
            status=(
                IncomingEmail.Status.MATCHED
                if project is not None
                else IncomingEmail.Status.UNMATCHED
            ),
            client=client,
            project=project,
            match_note=note,
            active_projects=active,
            notes=parsed.notes,
            imap_uid=imap_uid,
            created_by=actor,
        )
        email.raw.save(
            f"{parsed.sha256}.eml.gz", ContentFile(gzip.compress(raw, mtime=0)), save=False
        )
        saved.append(email.raw.name or "")
        with transaction.atomic():  # a savepoint: a duplicate leaves the outer block usable
            email.save()
        for attachment in parsed.attachments:
            digest = _sha256(attachment.data)
            row = EmailAttachment(
                workspace=workspace,
                email=email,
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=len(attachment.data),
                sha256=digest,
            )
            row.file.save(digest, ContentFile(attachment.data), save=False)
            saved.append(row.file.name or "")
            row.save()
        audit(
            workspace=workspace,
            actor=actor,
            action="email.received",
            obj=email,
            detail={"source": source, "status": email.status, "match": note},
        )
    except BaseException:
        for name in saved:  # the rows are rolled back; so are the files
            if name:
                default_storage.delete(name)
        raise
    return email


def record_rejection(
    *,
    workspace: Workspace,
    code: str,
    message_id: str,
    sha256: str,
    size: int,
    from_address: str = "",
    subject: str = "",
    imap_uid: int | None = None,
) -> IncomingEmail | None:
    """A message from the mailbox that cannot be taken in, listed so that someone sees it
    (its bytes are not kept). None when it was recorded before."""
    if IncomingEmail.objects.filter(workspace=workspace, message_id=message_id).exists():
        return None
    try:
        with transaction.atomic():
            email = IncomingEmail.objects.create(
                workspace=workspace,
                source=IncomingEmail.Source.IMAP,
                message_id=message_id,
                sha256=sha256,
                from_address=from_address[:320],
                subject=subject[:300],
                received_at=timezone.now(),
                size=size,
                status=IncomingEmail.Status.REJECTED,
                error=code,
                imap_uid=imap_uid,
            )
            audit(
                workspace=workspace,
                actor=None,
                action="email.rejected",
                obj=email,
                detail={"error": code},
            )
    except IntegrityError:
        return None
    return email


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- triage ----------------------------------------------------------------------------------


def _triage_soon(email: IncomingEmail) -> IncomingEmail:
    """Enqueue the triage (run at once by the immediate backend) and return the fresh row."""
    from scopeline.intake import tasks

    try:
        result = tasks.triage_email.enqueue(email.pk)
    except Exception:  # a queue that is down: the next poll enqueues it again
        logger.exception("could not enqueue the triage of e-mail %s", email.pk)
    else:
        for error in result.errors:  # run inline and failed: say so, the next poll retries
            logger.error("triage of e-mail %s failed:\n%s", email.pk, error.traceback)
    email.refresh_from_db()
    return email


def triage_email(*, email_id: int) -> IncomingEmail | None:
    """Turn a matched message into a triaged client request in the inbox, once."""
    with transaction.atomic():
        email = (
            IncomingEmail.objects.select_for_update(of=("self",))
            .select_related("project", "workspace")
            .filter(pk=email_id)
            .first()
        )
        if email is None or email.request_id is not None:
            return email
        if email.status != IncomingEmail.Status.MATCHED or email.project is None:
            return email
        project = email.project
        if project.current_version_id is None or project.status != Project.Status.ACTIVE:
            email.status = IncomingEmail.Status.UNMATCHED
            email.project = None
            email.match_note = "no_active_project"
            email.save(update_fields=["status", "project", "match_note"])
            return email
        try:
            request = submit_request(
                project=project,
                actor=None,
                text=email.text,
                received_at=email.received_at,
                channel="email",
            )
        except InboxError as exc:
            email.status = IncomingEmail.Status.REJECTED
            email.error = {"empty": "no_text"}.get(str(exc), str(exc))
            email.save(update_fields=["status", "error"])
            return email
        email.request = request
        email.save(update_fields=["request"])
        audit(
            workspace=email.workspace,
            actor=None,
            action="email.triaged",
            obj=email,
            detail={"request": request.pk},
        )
        return email


def retriage_pending(*, workspace: Workspace) -> int:
    """Enqueue the triage of matched messages that are still waiting for it (a worker that
    crashed, a queue that was down); returns how many."""
    waiting = list(
        IncomingEmail.objects.filter(
            workspace=workspace,
            status=IncomingEmail.Status.MATCHED,
            request__isnull=True,
            created_at__lt=timezone.now() - RETRIAGE_AFTER,
        ).values_list("pk", flat=True)[:POLL_BATCH]
    )
    from scopeline.intake import tasks

    for pk in waiting:
        tasks.triage_email.enqueue(pk)
    return len(waiting)


# -- what the user does with a message ------------------------------------------------------------


def assign_email(*, email: IncomingEmail, project: Project, actor: User) -> IncomingEmail:
    """Send a message that matched no project to ``project``'s inbox (it is triaged there)."""
    with transaction.atomic():
        locked = IncomingEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status != IncomingEmail.Status.UNMATCHED:
            raise IntakeError("not_unmatched")
        if (
            project.workspace_id != locked.workspace_id
            or project.status != Project.Status.ACTIVE
            or project.current_version_id is None
        ):
            raise IntakeError("bad_project")
        locked.status = IncomingEmail.Status.MATCHED
        locked.project = project
        locked.client = project.client
        locked.match_note = "assigned"
        locked.assigned_by = actor
        locked.save(update_fields=["status", "project", "client", "match_note", "assigned_by"])
        audit(
            workspace=project.workspace,
            actor=actor,
            action="email.assigned",
            obj=locked,
            detail={"project": project.pk},
        )
    return _triage_soon(locked)


@transaction.atomic
def dismiss_email(*, email: IncomingEmail, actor: User) -> IncomingEmail:
    """Put aside a message that belongs to no project (spam, a newsletter)."""
    locked = IncomingEmail.objects.select_for_update().get(pk=email.pk)
    if locked.status != IncomingEmail.Status.UNMATCHED:
        raise IntakeError("not_unmatched")
    locked.status = IncomingEmail.Status.DISMISSED
    locked.assigned_by = actor
    locked.save(update_fields=["status", "assigned_by"])
    audit(workspace=locked.workspace, actor=actor, action="email.dismissed", obj=locked)
    return locked


# -- the mailbox -----------------------------------------------------------------------------------


@transaction.atomic
def save_mailbox(
    *,
    workspace: Workspace,
    actor: User,
    host: str,
    port: int,
    security: str,
    username: str,
    password: str,
    folder: str,
    enabled: bool,
) -> IntakeMailbox:
    """Create or change the workspace's mailbox; an empty ``password`` keeps the stored one.
    Another server, user or folder starts afresh (UIDs only mean something in their folder)."""
    mailbox = IntakeMailbox.objects.select_for_update().filter(workspace=workspace).first()
    created = mailbox is None
    if mailbox is None:
        if not password:
            raise IntakeError("password_required")
        mailbox = IntakeMailbox(workspace=workspace)
    moved = (mailbox.host, mailbox.port, mailbox.username, mailbox.folder) != (
        host,
        port,
        username,
        folder,
    )
    mailbox.host = host
    mailbox.port = port
    mailbox.security = security
    mailbox.username = username
    if password:
        mailbox.password = password
    mailbox.folder = folder
    mailbox.enabled = enabled
    if moved:
        mailbox.uid_validity = None
        mailbox.last_uid = 0
        mailbox.last_error = ""
    mailbox.save()
    audit(
        workspace=workspace,
        actor=actor,
        action="mailbox.created" if created else "mailbox.changed",
        obj=mailbox,
        detail={"host": host, "username": username, "folder": folder, "enabled": enabled},
    )
    return mailbox


def imap_settings(mailbox: IntakeMailbox) -> ImapSettings:
    return ImapSettings(
        host=mailbox.host,
        port=mailbox.port,
        security=mailbox.security,
        username=mailbox.username,
        password=mailbox.password,
        folder=mailbox.folder or "INBOX",
        timeout=float(getattr(settings, "INTAKE_IMAP_TIMEOUT", 30)),
    )


def check_connection(config: ImapSettings) -> tuple[int, str]:
    """Log in and open the folder; (messages in it, "") or (0, "code: detail"). Changes nothing."""
    try:
        with open_mailbox(config) as session:
            return session.exists, ""
    except ImapError as exc:
        return 0, f"{exc.code}: {exc.detail}"


@dataclass
class PollResult:
    skipped: bool = False  # disabled, or another worker is polling it now
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    error: str = ""
    emails: list[int] = field(default_factory=list)


def poll_mailbox(*, workspace_id: int) -> PollResult:
    """Take in the mailbox's new messages: the unread ones the first time, then every message
    with a UID above the last one taken; each is marked read once stored. A connection or login
    failure is recorded on the mailbox (``last_error``) and does not raise."""
    now = timezone.now()
    claimed = (
        IntakeMailbox.objects.filter(workspace_id=workspace_id, enabled=True)
        .filter(Q(polling_since__isnull=True) | Q(polling_since__lt=now - POLL_LEASE))
        .update(polling_since=now)
    )
    if not claimed:
        return PollResult(skipped=True)
    mailbox = IntakeMailbox.objects.select_related("workspace").get(workspace_id=workspace_id)
    result = PollResult()
    try:
        with open_mailbox(imap_settings(mailbox)) as session:
            _take_new(mailbox, session, result)
    except ImapError as exc:
        result.error = f"{exc.code}: {exc.detail}"
        logger.warning("intake poll of workspace %s failed: %s", workspace_id, result.error)
    except Exception as exc:  # never crash the worker; say what happened on the settings page
        logger.exception("intake poll of workspace %s failed", workspace_id)
        result.error = f"protocol: {type(exc).__name__}: {exc}"[:500]
    finally:
        IntakeMailbox.objects.filter(pk=mailbox.pk).update(
            polling_since=None, last_polled_at=timezone.now(), last_error=result.error
        )
    if not result.error:
        retriage_pending(workspace=mailbox.workspace)
    return result


def _take_new(mailbox: IntakeMailbox, session: MailboxSession, result: PollResult) -> None:
    workspace = mailbox.workspace
    first_time = mailbox.uid_validity is None or session.uid_validity != mailbox.uid_validity
    after = 0 if first_time else mailbox.last_uid
    if first_time:
        mailbox.uid_validity = session.uid_validity
        mailbox.last_uid = 0
    max_bytes = limits()["max_bytes"]
    for uid in session.new_uids(after, unseen_only=first_time, limit=POLL_BATCH):
        size = session.size(uid)
        if size > max_bytes:
            _reject_large(workspace, session, uid, size, result)
        else:
            raw = session.fetch(uid)
            receipt = receive_email(
                workspace=workspace,
                raw=raw,
                source=IncomingEmail.Source.IMAP,
                actor=None,
                imap_uid=uid,
            )
            if receipt.error:
                digest = _sha256(raw)
                if record_rejection(
                    workspace=workspace,
                    code=receipt.error,
                    message_id=f"sha256:{digest}",
                    sha256=digest,
                    size=len(raw),
                    imap_uid=uid,
                ):
                    result.rejected += 1
            elif receipt.duplicate:
                result.duplicates += 1
            elif receipt.email is not None:
                result.stored += 1
                result.emails.append(receipt.email.pk)
        session.mark_seen(uid)
        mailbox.last_uid = max(mailbox.last_uid, uid)
        mailbox.save(update_fields=["uid_validity", "last_uid"])
    if first_time:
        mailbox.save(update_fields=["uid_validity", "last_uid"])


def _reject_large(
    workspace: Workspace, session: MailboxSession, uid: int, size: int, result: PollResult
) -> None:
    """A message over the size limit: its header tells who sent it and what it was."""
    header = read_header(session.fetch(uid, header_only=True))
    if record_rejection(
        workspace=workspace,
        code="too_large",
        message_id=header.message_id,
        sha256=header.sha256,
        size=size,
        from_address=header.from_address,
        subject=header.subject,
        imap_uid=uid,
    ):
        result.rejected += 1
