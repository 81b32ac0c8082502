"""Projects and what happens in them.

An agreement is never edited in place: every saved change is a new ``AgreementVersion`` (the
agreement file's fields as JSON, without the ledger), and the project points at its current one.
The ledger is a list of ``LedgerEvent`` rows, each the JSON of one core event, so the same
``scopeline.core`` code folds a file's ledger and the database's into a ``ProjectState``.
A few totals of that state are copied onto the project after every write, for lists and the
dashboard, which must not fold every ledger on every page.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scopeline.accounts.models import Workspace
from scopeline.clients.models import Client


class Project(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ARCHIVED = "archived", _("Archived")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="projects")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("project"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    current_version = models.ForeignKey(
        "AgreementVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Copied from the folded ledger by services.refresh_summary after every write.
    currency = models.CharField(max_length=3, default="EUR")
    fees = models.DecimalField(default=0, max_digits=16, decimal_places=3)
    paid = models.DecimalField(default=0, max_digits=16, decimal_places=3)
    hours_worked = models.DecimalField(default=0, max_digits=10, decimal_places=2)
    hours_favor = models.DecimalField(default=0, max_digits=10, decimal_places=2)
    hours_budgeted = models.DecimalField(null=True, blank=True, max_digits=10, decimal_places=2)
    effective_rate = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=3)
    # The agreed hourly rate (the price's hourly rate; for a fixed price without one, the bid
    # over the budgeted hours), and the accepted change orders' hours and money, for the
    # dashboard's rate comparison and its charged-versus-favours figures.
    agreed_rate = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=3)
    change_orders_hours = models.DecimalField(default=0, max_digits=10, decimal_places=2)
    change_orders_total = models.DecimalField(default=0, max_digits=16, decimal_places=3)

    class Meta:
        ordering: ClassVar[list[str]] = ["-updated_at"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["workspace", "status", "-updated_at"])
        ]

    def __str__(self) -> str:
        return self.name


class AgreementVersion(models.Model):
    class Source(models.TextChoices):
        FORM = "form", _("edited in the form")
        FILE = "file", _("imported from a file")
        DEMO = "demo", _("demo data")
        CHANGE_ORDER = "change_order", _("change order accepted")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.FORM)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["project", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.project} v{self.number}"


class ClientRequest(models.Model):
    """One client message, its triage verdict, the drafted replies and the decision taken."""

    class Status(models.TextChoices):
        NEW = "new", _("Not handled")
        DECIDED = "decided", _("Decided")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="requests")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="requests")
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received"))
    text = models.TextField(_("message"))
    channel = models.CharField(max_length=10, default="paste")

    lang = models.CharField(max_length=10)
    kind = models.CharField(max_length=20)
    kinds = models.JSONField(default=list)
    scope_verdict = models.CharField(max_length=20)
    scope_item = models.CharField(max_length=100, blank=True)
    suggested_action = models.CharField(max_length=20)
    estimate_hours = models.DecimalField(max_digits=10, decimal_places=2)
    price_amount = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=3)
    verdict = models.JSONField()
    drafts = models.JSONField(default=dict)  # tone -> draft text
    cites = models.JSONField(default=dict)  # tone -> whether that draft cites the agreement

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    action = models.CharField(max_length=20, blank=True)
    tone = models.CharField(max_length=10, blank=True)
    reply_text = models.TextField(blank=True)
    cites_agreement = models.BooleanField(default=False)
    decision_note = models.CharField(max_length=500, blank=True)
    advice_overridden = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-received_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["workspace", "status", "-received_at"]),
            models.Index(fields=["workspace", "-received_at"]),
            models.Index(fields=["project", "-received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.text[:40]}"


class LedgerEvent(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    date = models.DateField()
    type = models.CharField(max_length=30)
    data = models.JSONField()  # the core event's fields, amounts as strings
    request = models.ForeignKey(
        ClientRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["date", "id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["project", "date", "id"])]

    def __str__(self) -> str:
        return f"{self.date} {self.type}"
