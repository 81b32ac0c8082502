"""The one write layer for client health: each client's reading, the thresholds, the exit kit.

A client's health is a projection of its projects' agreements, ledgers and triaged messages,
computed by :mod:`scopeline.core.health` and stored as one ``ClientHealth`` row, so lists and
the dashboard read it without replaying the ledgers. The services that change ledger events or
messages call :func:`project_changed` once per write; inside :func:`refresh_once` (a decorator
and a context manager) the refreshes of nested services are collected and done once per client
at the end, still inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from scopeline.accounts.models import User, Workspace
from scopeline.accounts.services import audit
from scopeline.clients.models import Client
from scopeline.core.health import Thresholds, client_health_with_trend
from scopeline.core.replies.bank import TONES
from scopeline.health.models import ClientHealth, ExitKitChoice, HealthSettings
from scopeline.health.selectors import client_histories, thresholds_for
from scopeline.projects.models import Project

log = logging.getLogger(__name__)

TREND_WEEKS = 12
MAX_LETTER_CHARS = 20_000

_pending: ContextVar[dict[int, int] | None] = ContextVar("health_pending", default=None)
"""Inside :func:`refresh_once`: the clients to refresh (client id -> workspace id)."""


class HealthError(Exception):
    """A choice that cannot be saved; the message is a code the view explains."""


# -- refreshing ------------------------------------------------------------------------------


def refresh_client_health(
    client: Client, *, today: dt.date | None = None, thresholds: Thresholds | None = None
) -> ClientHealth:
    """Compute the client's health and trend from every project's data and store the row.

    A constant number of queries whatever the amount of data: the workspace's thresholds
    (unless given), the projects with their current agreements, the ledger rows, the messages,
    and the row's read and write."""
    today = today or timezone.localdate()
    if thresholds is None:
        thresholds = thresholds_for(client.workspace_id)
    histories = client_histories(client)
    health, trend = client_health_with_trend(histories, thresholds, today, weeks=TREND_WEEKS)
    fields: dict[str, object] = {
        "score": health.score,
        "consider_ending": health.consider_ending,
        "creep_rate": _rate(health.creep_rate),
        "flags": health.as_dict().get("flags", []),
        "trend": [[point.date.isoformat(), point.score] for point in trend],
        "computed_on": today,
    }
    row = ClientHealth.objects.filter(client_id=client.pk).first()
    if row is None:
        try:
            with transaction.atomic():  # a concurrent first reading may have won the race
                return ClientHealth.objects.create(
                    client_id=client.pk, workspace_id=client.workspace_id, **fields
                )
        except IntegrityError:
            row = ClientHealth.objects.get(client_id=client.pk)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=[*fields, "computed_at"])
    return row


def _rate(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.0001"))


def refresh_workspace_health(
    workspace: Workspace,
    *,
    today: dt.date | None = None,
    progress: Callable[[int, int, Client], None] | None = None,
) -> int:
    """Recompute every client of ``workspace`` (one transaction each); returns how many."""
    today = today or timezone.localdate()
    thresholds = thresholds_for(workspace.pk)
    clients = list(Client.objects.filter(workspace=workspace).order_by("name", "pk"))
    for n, client in enumerate(clients, start=1):
        with transaction.atomic():
            refresh_client_health(client, today=today, thresholds=thresholds)
        if progress is not None:
            progress(n, len(clients), client)
    return len(clients)


def project_changed(project: Project) -> None:
    """A write changed this project's ledger, messages or agreement: refresh its client's
    health now, or at the end of the enclosing :func:`refresh_once`. A failure is logged and
    leaves the old reading (the daily ``refresh_health`` mends it): a derived figure never
    stops the write itself."""
    client_changed(project.client_id, project.workspace_id)


def client_changed(client_id: int, workspace_id: int | None = None) -> None:
    """Like :func:`project_changed`, by the client's id (its workspace is looked up when not
    given)."""
    if workspace_id is None:
        found = Client.objects.filter(pk=client_id).values_list("workspace_id", flat=True).first()
        if found is None:
            return
        workspace_id = found
    pending = _pending.get()
    if pending is not None:
        pending[client_id] = workspace_id
        return
    _refresh_safely(client_id, workspace_id)


def _refresh_safely(client_id: int, workspace_id: int) -> None:
    try:
        with transaction.atomic():  # a savepoint: a failed refresh leaves the write intact
            # Only the ids are read: the client's row itself is not needed.
            refresh_client_health(Client(pk=client_id, workspace_id=workspace_id))
    except Exception:
        log.exception("client health of client %s not refreshed", client_id)


@contextmanager
def refresh_once() -> Iterator[None]:
    """Collect the refreshes asked for inside, and do each client's once at the end.
    Nested uses join the outermost one. Usable as a decorator below ``transaction.atomic``."""
    if _pending.get() is not None:
        yield
        return
    pending: dict[int, int] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for client_id, workspace_id in pending.items():
        _refresh_safely(client_id, workspace_id)


# -- thresholds ------------------------------------------------------------------------------


@transaction.atomic
def save_thresholds(
    *,
    workspace: Workspace,
    actor: User,
    out_of_scope_window_days: int,
    out_of_scope_per_window: int,
    rate_floor_percent: Decimal,
    rate_floors: dict[str, Decimal],
    over_budget_percent: Decimal,
    payment_grace_days: int,
    consider_ending_below: int,
) -> HealthSettings:
    """Store the workspace's thresholds (the form validated them) with an audit row."""
    settings, _created = HealthSettings.objects.select_for_update().get_or_create(
        workspace=workspace
    )
    settings.out_of_scope_window_days = out_of_scope_window_days
    settings.out_of_scope_per_window = out_of_scope_per_window
    settings.rate_floor_percent = rate_floor_percent
    settings.rate_floors = {code: str(amount) for code, amount in sorted(rate_floors.items())}
    settings.over_budget_percent = over_budget_percent
    settings.payment_grace_days = payment_grace_days
    settings.consider_ending_below = consider_ending_below
    settings.save(
        update_fields=[
            "out_of_scope_window_days",
            "out_of_scope_per_window",
            "rate_floor_percent",
            "rate_floors",
            "over_budget_percent",
            "payment_grace_days",
            "consider_ending_below",
            "updated_at",
        ]
    )
    audit(
        workspace=workspace,
        actor=actor,
        action="health.thresholds_saved",
        obj=settings,
        detail={
            "consider_ending_below": consider_ending_below,
            "rate_floors": settings.rate_floors,
        },
    )
    return settings


# -- the exit kit ----------------------------------------------------------------------------


@transaction.atomic
def save_exit_kit(
    *,
    project: Project,
    actor: User,
    tone: str,
    money_option: str,
    text: str,
    generated: str,
    leave_out_of_portfolio: bool,
    money_options: tuple[str, ...],
) -> ExitKitChoice:
    """Store what the user chose on the exit kit page. ``text`` equal to ``generated`` (the
    letter the core wrote in that tone) is stored as empty: "the generated one"."""
    if tone not in TONES:
        raise HealthError("unknown_tone")
    if money_option and money_option not in money_options:
        raise HealthError("unknown_money_option")
    if len(text) > MAX_LETTER_CHARS:
        raise HealthError("too_long")
    edited = _normalised(text)
    choice = _locked_choice(project)
    choice.tone = tone
    choice.money_option = money_option
    choice.text = "" if edited == _normalised(generated) else edited
    choice.leave_out_of_portfolio = leave_out_of_portfolio
    choice.save(update_fields=["tone", "money_option", "text", "leave_out_of_portfolio"])
    audit(
        workspace=project.workspace,
        actor=actor,
        action="exit_kit.saved",
        obj=choice,
        detail={
            "project": project.pk,
            "tone": tone,
            "money_option": money_option,
            "edited": bool(choice.text),
            "leave_out_of_portfolio": leave_out_of_portfolio,
        },
    )
    return choice


@transaction.atomic
def reset_exit_kit(*, project: Project, actor: User) -> ExitKitChoice:
    """Back to the generated letter (the tone, money option and portfolio flag stay)."""
    choice = _locked_choice(project)
    choice.text = ""
    choice.save(update_fields=["text"])
    audit(
        workspace=project.workspace,
        actor=actor,
        action="exit_kit.reset",
        obj=choice,
        detail={"project": project.pk},
    )
    return choice


def _locked_choice(project: Project) -> ExitKitChoice:
    choice, _created = ExitKitChoice.objects.select_for_update().get_or_create(
        project=project, defaults={"workspace_id": project.workspace_id}
    )
    return choice


def _normalised(text: str) -> str:
    """Line endings as the browser may send them (CRLF) and trailing blanks do not count."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
