"""E-mail intake: a workspace's IMAP mailbox, the messages that came in, and their attachments.

Every message that arrives (uploaded as an .eml file or fetched from the mailbox) is an
``IncomingEmail``, kept with its raw bytes (gzip-compressed, in the default storage), so nothing
is lost when parsing or matching guessed wrong. Matched to a client's project, it becomes a
triaged ``ClientRequest`` in the inbox; otherwise it waits in the "unmatched" list until
someone assigns it to a project.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scopeline.accounts.models import Workspace
from scopeline.clients.models import Client
from scopeline.projects.models import ClientRequest, Project


class IntakeMailbox(models.Model):
    """The IMAP mailbox the workspace's intake polls (one per workspace)."""

    class Security(models.TextChoices):
        SSL = "ssl", _("TLS (IMAPS, usually port 993)")
        STARTTLS = "starttls", _("STARTTLS (usually port 143)")
        NONE = "none", _("None: only for a server on this machine")

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="intake_mailbox"
    )
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("encryption"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=255)
    # Needed in clear to log in; never rendered into a form or a page, left out of the admin.
    password = models.CharField(max_length=500)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    enabled = models.BooleanField(_("check this mailbox regularly"), default=True)

    # Where the last poll stopped: the folder's UIDVALIDITY and the highest UID taken in.
    uid_validity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    # A lease, so that two workers never poll the same mailbox at once.
    polling_since = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.username}@{self.host} for {self.workspace}"


def _raw_path(instance: IncomingEmail, filename: str) -> str:
    return f"intake/{instance.workspace_id}/raw/{instance.sha256[:2]}/{filename}"


def _attachment_path(instance: EmailAttachment, filename: str) -> str:
    return f"intake/{instance.workspace_id}/files/{instance.sha256[:2]}/{filename}"


class IncomingEmail(models.Model):
    """One e-mail message taken in, whatever became of it."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("In the inbox")
        UNMATCHED = "unmatched", _("Waiting for a project")
        REJECTED = "rejected", _("Rejected")
        DISMISSED = "dismissed", _("Dismissed")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("uploaded file")
        IMAP = "imap", _("mailbox")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    # The Message-ID header, or "sha256:<digest of the raw bytes>" when there is none.
    message_id = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    reply_to = models.CharField(max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("sent"))
    size = models.PositiveIntegerField(_("size"))
    text = models.TextField(blank=True)  # the cleaned newest part, as triage reads it
    raw = models.FileField(upload_to=_raw_path, blank=True)  # the whole message, gzip
    status = models.CharField(max_length=10, choices=Status.choices)
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    request = models.OneToOneField(
        ClientRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incoming_email",
    )
    match_note = models.CharField(max_length=30, blank=True)  # services.MATCH_NOTES
    active_projects = models.PositiveSmallIntegerField(default=0)  # of the matched client
    error = models.CharField(max_length=30, blank=True)  # services.ERRORS
    notes = models.JSONField(default=list, blank=True)  # [{"code": ..., "name": ..., ...}]
    imap_uid = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-received_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["workspace", "message_id"], name="one_email_per_message_id"
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["workspace", "status", "-received_at"])
        ]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject[:40]}"


class EmailAttachment(models.Model):
    """A file attached to an incoming e-mail, stored under a content-addressed name."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    email = models.ForeignKey(IncomingEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=120)  # sanitised
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_attachment_path)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.filename
