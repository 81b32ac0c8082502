from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from babel.numbers import format_percent
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scopeline.accounts.access import owner_view, workspace_view
from scopeline.accounts.models import Membership, User
from scopeline.clients.models import Client
from scopeline.core.charts import Point, trend_chart
from scopeline.core.languages import BABEL_LOCALES, Language, parse_language
from scopeline.core.lead import lead_check
from scopeline.core.replies.bank import TONES, Tone
from scopeline.core.replies.confirm import understanding_check
from scopeline.core.replies.exit_kit import exit_kit
from scopeline.health import explain, selectors, services
from scopeline.health.forms import ExitKitForm, ThresholdsForm, floors_text
from scopeline.health.models import ClientHealth, ExitKitChoice
from scopeline.projects.models import Project
from scopeline.projects.selectors import current_agreement, project_facts
from scopeline.web import i18n

_ERRORS = {
    "unknown_tone": lambda: _("Unknown tone."),
    "unknown_money_option": lambda: _("Choose one of the money options."),
    "too_long": lambda: _("The letter is too long."),
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _project(membership: Membership, pk: int) -> Project:
    return get_object_or_404(
        Project.objects.select_related("client", "current_version", "workspace"),
        pk=pk,
        workspace=membership.workspace,
        current_version__isnull=False,
    )


def _tone(value: str | None, default: str = "neutral") -> Tone:
    for tone in TONES:
        if tone == value:
            return tone
    for tone in TONES:
        if tone == default:
            return tone
    return "neutral"


def _client_language(project: Project, fallback: Language) -> Language:
    return parse_language(project.client.language) or fallback


def _rows(text: str, *, width: int = 64) -> int:
    """Rows for a textarea to show ``text`` whole (a CJK character is two columns wide)."""
    rows = 0
    for line in text.splitlines() or [""]:
        columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        rows += 1 + columns // width
    return min(max(rows + 1, 12), 60)


def _percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return format_percent(value, locale=BABEL_LOCALES[i18n.ui_language()])


# -- the client's health ---------------------------------------------------------------------


@workspace_view
def client_health(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    workspace = membership.workspace
    client = get_object_or_404(Client, pk=pk, workspace=workspace)
    row = ClientHealth.objects.filter(client=client).first()
    today = timezone.localdate()
    settings = selectors.settings_for(workspace.pk)
    thresholds = selectors.thresholds_from(settings)
    if row is None or row.computed_on != today:
        # The windows (out-of-scope requests, overdue payments) move with the date.
        with transaction.atomic():
            row = services.refresh_client_health(client, today=today, thresholds=thresholds)
    projects = list(selectors.client_projects(client).order_by("name", "pk"))
    by_ref = {str(p.pk): p for p in projects}
    flags = [
        {
            "flag": flag,
            "title": explain.title(flag.code),
            "text": explain.explanation(flag.code, flag.facts, flag.count),
        }
        for flag in selectors.flag_views(row, by_ref, ws=workspace.slug, workspace_id=workspace.pk)
    ]
    trend = selectors.trend_points(row)
    chart = trend_chart(
        [Point(day, Decimal(score)) for day, score in trend],
        title=_("Health score, week by week"),
        line_label=_("Score"),
        format_date=lambda d: i18n.date(d, fmt="d MMM"),
        format_value=lambda v: i18n.number(v),
        upper=Decimal(100),
        threshold=Decimal(thresholds.consider_ending_below),
        threshold_label=_("Consider ending below %(score)s")
        % {"score": thresholds.consider_ending_below},
        empty_label=_("No readings yet"),
    )
    active = [p for p in projects if p.status == Project.Status.ACTIVE]
    return render(
        request,
        "health/client.html",
        {
            "client": client,
            "health": row,
            "band": row.band,
            "band_label": explain.BANDS[row.band],
            "creep": _percent(row.creep_rate),
            "flags": flags,
            "chart": chart,
            "threshold": thresholds.consider_ending_below,
            "active_projects": active,
            "projects": projects,
        },
    )


# -- the exit kit ----------------------------------------------------------------------------


@workspace_view
def project_exit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    project = _project(membership, pk)
    facts = project_facts(project)
    lang = _client_language(project, facts.agreement.lang)
    choice = ExitKitChoice.objects.filter(project=project).first()
    saved_tone = choice.tone if choice is not None else "neutral"
    source = request.POST if request.method == "POST" else request.GET
    tone = _tone(source.get("tone"), saved_tone)
    kit = exit_kit(facts.agreement, facts.state, tone=tone, lang=lang)
    currency = facts.agreement.currency
    money_kinds = tuple(m.kind for m in kit.money)
    form = ExitKitForm(
        request.POST or None,
        money=[(m.kind, str(explain.MONEY_OPTIONS.get(m.kind, m.kind))) for m in kit.money],
        initial={
            "tone": tone,
            "money_option": choice.money_option if choice is not None else "",
            "text": choice.text
            if choice is not None and choice.text and choice.tone == tone
            else kit.text,
            "leave_out_of_portfolio": choice.leave_out_of_portfolio if choice else False,
        },
    )
    here = reverse("project_exit", kwargs={"ws": membership.workspace.slug, "pk": project.pk})
    if request.method == "POST" and request.POST.get("reset"):
        services.reset_exit_kit(project=project, actor=_user(request))
        messages.success(request, _("The letter is back to the generated text."))
        return redirect(f"{here}?tone={tone}")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_exit_kit(
                project=project,
                actor=_user(request),
                tone=form.cleaned_data["tone"],
                money_option=form.cleaned_data["money_option"],
                text=form.cleaned_data["text"] or kit.text,
                generated=kit.text,
                leave_out_of_portfolio=form.cleaned_data["leave_out_of_portfolio"],
                money_options=money_kinds,
            )
        except services.HealthError as exc:
            messages.error(request, _ERRORS[str(exc)]())
        else:
            messages.success(request, _("Exit kit saved."))
            return redirect(f"{here}?tone={form.cleaned_data['tone']}")
    elif request.method == "POST" and form.errors.get("tone"):
        messages.error(request, _ERRORS["unknown_tone"]())
    money = [
        {
            "option": m,
            "label": explain.MONEY_OPTIONS.get(m.kind, m.kind),
            "value": m.kind,
            "checked": (form["money_option"].value() or "") == m.kind,
        }
        for m in kit.money
    ]
    form.fields["text"].widget.attrs["rows"] = _rows(str(form["text"].value() or kit.text))
    return render(
        request,
        "health/exit_kit.html",
        {
            "project": project,
            "kit": kit,
            "lang": lang,
            "tone": tone,
            "tones": TONES,
            "currency": currency,
            "money": money,
            "form": form,
            "choice": choice,
            "edited": choice is not None and bool(choice.text) and choice.tone == tone,
        },
    )


# -- before signing --------------------------------------------------------------------------


@workspace_view
def project_lead(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    project = _project(membership, pk)
    agreement = current_agreement(project)
    lang = _client_language(project, agreement.lang)
    tone = _tone(request.GET.get("tone"))
    check = lead_check(agreement, today=timezone.localdate())
    titles = {item.id: item.title for item in agreement.scope}
    message = understanding_check(agreement, tone=tone, lang=lang)
    return render(
        request,
        "health/lead.html",
        {
            "project": project,
            "agreement": agreement,
            "check": check,
            "verdict_label": explain.VERDICTS.get(check.verdict, check.verdict),
            "money_label": explain.VERDICTS.get(check.money, check.money),
            "time_label": explain.VERDICTS.get(check.time, check.time) if check.time else None,
            "budget_ratio": _percent(check.budget_ratio),
            "days_ratio": _percent(check.days_ratio),
            "unestimated": [(i, titles.get(i, i)) for i in check.unestimated],
            "message": message,
            "lang": lang,
            "tone": tone,
            "tones": TONES,
        },
    )


# -- the thresholds --------------------------------------------------------------------------


@owner_view
def health_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    workspace = membership.workspace
    stored = selectors.settings_for(workspace.pk)
    current = selectors.thresholds_from(stored)
    initial: dict[str, Any] = {
        "out_of_scope_window_days": current.out_of_scope_window_days,
        "out_of_scope_per_window": current.out_of_scope_per_window,
        "rate_floor_percent": current.rate_floor_percent,
        "rate_floors": floors_text(dict(current.rate_floors)),
        "over_budget_percent": current.over_budget_percent,
        "payment_grace_days": current.payment_grace_days,
        "consider_ending_below": current.consider_ending_below,
    }
    form = ThresholdsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_thresholds(
            workspace=workspace,
            actor=_user(request),
            out_of_scope_window_days=data["out_of_scope_window_days"],
            out_of_scope_per_window=data["out_of_scope_per_window"],
            rate_floor_percent=data["rate_floor_percent"],
            rate_floors=data["rate_floors"],
            over_budget_percent=data["over_budget_percent"],
            payment_grace_days=data["payment_grace_days"],
            consider_ending_below=data["consider_ending_below"],
        )
        count = services.refresh_workspace_health(workspace)
        messages.success(
            request,
            ngettext(
                "Thresholds saved; the health of %(count)s client was recomputed.",
                "Thresholds saved; the health of %(count)s clients was recomputed.",
                count,
            )
            % {"count": count},
        )
        return redirect("health_settings", ws=workspace.slug)
    return render(
        request,
        "health/settings.html",
        {"form": form, "clients": Client.objects.filter(workspace=workspace).count()},
    )
