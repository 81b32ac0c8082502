"""The navigation's workspace switcher and the count of unhandled client messages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    from scopeline.projects.selectors import unhandled_count

    return {
        "membership": membership,
        "workspace": membership.workspace,
        "unhandled_count": unhandled_count(membership.workspace),
    }
