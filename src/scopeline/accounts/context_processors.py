"""The navigation's workspace switcher and the count of unhandled client messages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    from scopeline.changeorders.models import Notification
    from scopeline.projects.selectors import unhandled_count

    name = request.resolver_match.url_name if request.resolver_match else ""
    return {
        "section": _section(name or ""),
        "membership": membership,
        "workspace": membership.workspace,
        "unhandled_count": unhandled_count(membership.workspace),
        "unread_count": Notification.objects.filter(
            user_id=membership.user_id, workspace=membership.workspace, read_at__isnull=True
        ).count(),
    }


def _section(url_name: str) -> str:
    """Which navigation entry a page belongs to, to mark it as the current one."""
    if url_name == "dashboard":
        return "overview"
    if url_name == "inbox" or url_name.startswith("request_"):
        return "inbox"
    if url_name.startswith(("change_order", "notifications")):
        return "change_orders"
    if url_name.startswith("intake"):
        return "intake"
    if url_name.startswith(("client_", "portal_link")):
        return "clients"
    if url_name.startswith(("project_", "ledger_")):
        return "projects"
    if url_name.startswith("member"):
        return "team"
    if url_name == "workspace_settings":
        return "settings"
    return ""
