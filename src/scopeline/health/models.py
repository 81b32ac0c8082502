"""Client health in the web app: the workspace's thresholds and each client's latest reading.

The score is computed by :mod:`scopeline.core.health` from the ledger and the triage history. It
is stored per client after every write that can move it (and daily by ``manage.py
refresh_health``), so the dashboard reads one row per client instead of replaying the ledgers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Final, Literal

from django.db import models
from django.utils.translation import gettext_lazy as _

from scopeline.accounts.models import Workspace
from scopeline.clients.models import Client
from scopeline.projects.models import Project

Band = Literal["healthy", "watch", "consider_ending"]
HEALTHY_FROM: Final = 75
"""A score from here up (and not past the "consider ending" threshold) is "healthy"."""


def band(score: int, consider_ending: bool) -> Band:
    """The score's band for badges: healthy, watch, or consider ending."""
    if consider_ending:
        return "consider_ending"
    return "healthy" if score >= HEALTHY_FROM else "watch"


class HealthSettings(models.Model):
    """The workspace's thresholds for the red flags (defaults = the core's ``Thresholds``)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="health_settings"
    )
    out_of_scope_window_days = models.PositiveIntegerField(
        _("out-of-scope window (days)"), default=30
    )
    out_of_scope_per_window = models.PositiveIntegerField(
        _("out-of-scope requests allowed in the window"), default=2
    )
    rate_floor_percent = models.DecimalField(
        _("rate floor (percent of the agreed rate)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(70),
    )
    rate_floors = models.JSONField(
        _("rate floors per currency"), default=dict, blank=True
    )  # {"EUR": "50.00"}
    over_budget_percent = models.DecimalField(
        _("hours over budget (%)"), max_digits=6, decimal_places=2, default=Decimal(20)
    )
    payment_grace_days = models.PositiveIntegerField(_("payment grace (days)"), default=14)
    consider_ending_below = models.PositiveIntegerField(
        _("suggest ending below this score"), default=50
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"health settings of {self.workspace}"


class ClientHealth(models.Model):
    """A client's latest health reading, as the core computed it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="health")
    score = models.PositiveSmallIntegerField(default=100)
    consider_ending = models.BooleanField(default=False)
    creep_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    flags = models.JSONField(default=list)  # Health.as_dict()["flags"]
    trend = models.JSONField(default=list)  # [[ISO date, score], ...] oldest first
    computed_on = models.DateField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["workspace", "score"])]

    def __str__(self) -> str:
        return f"{self.client}: {self.score}"

    @property
    def band(self) -> Band:
        return band(self.score, self.consider_ending)


class ExitKitChoice(models.Model):
    """What the user chose and edited on a project's exit kit page."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="exit_kit")
    tone = models.CharField(max_length=10, default="neutral")
    money_option = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True)  # the edited letter; empty = the generated one
    leave_out_of_portfolio = models.BooleanField(_("leave out of my portfolio"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"exit kit for {self.project}"
