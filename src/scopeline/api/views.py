"""The owner's API settings: tokens (shown once when made) and webhooks."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scopeline.accounts.access import owner_view
from scopeline.accounts.models import Membership, User
from scopeline.api import selectors, services
from scopeline.api.forms import TokenForm, WebhookForm
from scopeline.api.models import ApiToken, Webhook

_NEW_TOKEN = "api-new-token"
_NEW_SECRET = "api-new-webhook-secret"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _page(
    request: HttpRequest,
    membership: Membership,
    token_form: TokenForm,
    webhook_form: WebhookForm,
) -> HttpResponse:
    workspace = membership.workspace
    return render(
        request,
        "api/settings.html",
        {
            "section": "settings",
            "token_form": token_form,
            "webhook_form": webhook_form,
            "tokens": selectors.tokens(workspace),
            "webhooks": selectors.webhooks(workspace),
            "deliveries": selectors.recent_deliveries(workspace),
            "new_token": request.session.pop(_NEW_TOKEN, None),
            "new_secret": request.session.pop(_NEW_SECRET, None),
            "now": timezone.now(),
        },
    )


@owner_view
def api_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The page; a POST makes a token."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        scope = form.cleaned_data["scope"]
        _token, raw = services.create_token(
            workspace=membership.workspace,
            actor=_user(request),
            name=form.cleaned_data["name"],
            scopes=["read", "write"] if scope == "write" else ["read"],
            expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
        )
        request.session[_NEW_TOKEN] = raw
        messages.success(request, _("Token made. Copy it now: it is shown only once."))
        return redirect("api_settings", ws=membership.workspace.slug)
    return _page(request, membership, form, WebhookForm())


@owner_view
@require_POST
def token_revoke(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, workspace=membership.workspace)
    services.revoke_token(token=token, actor=_user(request))
    messages.success(request, _("Token revoked. Programs using it can no longer reach the API."))
    return redirect("api_settings", ws=membership.workspace.slug)


@owner_view
@require_POST
def webhook_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _page(request, membership, TokenForm(), form)
    hook = services.create_webhook(
        workspace=membership.workspace,
        actor=_user(request),
        url=form.cleaned_data["url"],
        events=form.cleaned_data["events"],
    )
    request.session[_NEW_SECRET] = hook.secret
    messages.success(
        request, _("Webhook added. Copy its signing secret now: it is shown only once.")
    )
    return redirect("api_settings", ws=membership.workspace.slug)


@owner_view
@require_POST
def webhook_toggle(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    hook = get_object_or_404(Webhook, pk=pk, workspace=membership.workspace)
    services.set_webhook_active(webhook=hook, actor=_user(request), active=not hook.active)
    if hook.active:
        messages.success(request, _("Webhook switched on."))
    else:
        messages.success(request, _("Webhook paused: no more events are sent to it."))
    return redirect("api_settings", ws=membership.workspace.slug)
