"""Change orders, their lines, the per-workspace numbering, portal links and notifications.

A change order is numbered when it is created (CO-2026-007: per workspace and year, from a
counter row locked in the same transaction, so there are no gaps and no duplicates) and is never
deleted: a draft that is not wanted is withdrawn. Once sent it no longer changes; a revision is
a new change order that ``replaces`` it. On acceptance the exact document the client saw is
frozen with its SHA-256, the name they typed, the time, their IP address and user agent.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scopeline.accounts.models import Workspace
from scopeline.clients.models import Client
from scopeline.projects.models import ClientRequest, Project


class ChangeOrder(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Delivery(models.TextChoices):
        """The e-mail to the client, sent by a background task. The order stays a draft (and
        cannot be edited) while its e-mail is queued or being sent, and becomes "sent" when the
        mail server has taken the message; a failure leaves it a draft with the error."""

        NONE = "", _("Not e-mailed")
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("E-mailed")
        FAILED = "failed", _("Not delivered")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_orders")
    request = models.ForeignKey(
        ClientRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_orders",
    )
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    number = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(max_length=10)  # the client's, when the order was made
    currency = models.CharField(max_length=3)
    issued_on = models.DateField(_("date"))
    valid_until = models.DateField(_("valid until"))
    days = models.PositiveIntegerField(_("schedule impact (working days)"), default=0)
    concepts = models.PositiveIntegerField(_("extra design concepts"), default=0)
    revision_rounds = models.PositiveIntegerField(_("extra revision rounds"), default=0)
    terms = models.TextField(_("terms"), blank=True)
    hours = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=16, decimal_places=3, default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    document_sha256 = models.CharField(max_length=64, blank=True)
    frozen_html = models.TextField(blank=True)
    accepted_name = models.CharField(max_length=200, blank=True)
    accepted_ip = models.GenericIPAddressField(null=True, blank=True)
    accepted_user_agent = models.CharField(max_length=500, blank=True)
    decline_comment = models.TextField(blank=True)

    delivery = models.CharField(max_length=10, choices=Delivery.choices, blank=True, default="")
    delivery_to = models.EmailField(blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    delivery_error = models.CharField(max_length=500, blank=True)
    # When the next attempt is due (queued), or when the current one started (sending).
    delivery_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-year", "-sequence"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["workspace", "number"], name="one_number_per_order"),
            models.UniqueConstraint(
                fields=["workspace", "year", "sequence"], name="one_sequence_per_year"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["workspace", "status", "-created_at"]),
            models.Index(fields=["project", "-created_at"]),
            models.Index(
                fields=["delivery", "delivery_at"],
                name="co_delivery_due",
                condition=models.Q(delivery__in=["queued", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SENT

    @property
    def is_being_delivered(self) -> bool:
        return self.delivery in (self.Delivery.QUEUED, self.Delivery.SENDING)


class ChangeOrderLine(models.Model):
    change_order = models.ForeignKey(ChangeOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(_("work"), max_length=300)
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=2)
    rate = models.DecimalField(_("rate"), max_digits=16, decimal_places=3)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=3)

    class Meta:
        ordering: ClassVar[list[str]] = ["position"]

    def __str__(self) -> str:
        return self.description


class ChangeOrderCounter(models.Model):
    """The last number given per workspace and year; locked while a change order is created."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["workspace", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.workspace_id}/{self.year}: {self.last}"


class PortalLink(models.Model):
    """A client's private portal address. Only the SHA-256 of the token is stored: the link is
    shown once (and sent by e-mail); a lost link is replaced by a new one."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="portal_links")
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8)  # the token's first characters, to tell links apart
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.client} {self.hint}…"


class Notification(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    change_order = models.ForeignKey(
        ChangeOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"
