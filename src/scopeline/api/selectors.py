"""Reads for the API settings page."""

from __future__ import annotations

from django.db.models import QuerySet

from scopeline.accounts.models import Workspace
from scopeline.api.models import ApiToken, Webhook, WebhookDelivery


def tokens(workspace: Workspace) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(workspace=workspace).select_related("created_by")[:100]


def webhooks(workspace: Workspace) -> QuerySet[Webhook]:
    return Webhook.objects.filter(workspace=workspace)[:50]


def recent_deliveries(workspace: Workspace, limit: int = 20) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.filter(webhook__workspace=workspace)
        .select_related("webhook")
        .order_by("-created_at", "-id")[:limit]
    )
