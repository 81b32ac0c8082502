"""Workspace access for views: every page under /w/<slug>/ goes through ``workspace_view``.

The membership is looked up with the logged-in user in the same query, so a stranger's request
for another workspace (or for any object in it) ends in a 404 that reveals nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from scopeline.accounts.models import Membership

View = Callable[..., HttpResponse]


def membership_for(request: HttpRequest, slug: str) -> Membership:
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(workspace__slug=slug, user_id=request.user.pk or 0)
        .first()
    )
    if membership is None:
        raise Http404("No such workspace")
    return membership


def workspace_view(view: View) -> View:
    """Resolve ``ws`` from the URL to the user's membership and pass it as the second argument."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, ws: str, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = membership_for(request, ws)
        request.membership = membership  # type: ignore[attr-defined]
        return view(request, membership, *args, **kwargs)

    return wrapper


def owner_view(view: View) -> View:
    """Like ``workspace_view``, for pages only the workspace's owners may use."""

    @wraps(view)
    def inner(request: HttpRequest, membership: Membership, *args: Any, **kwargs: Any) -> Any:
        if not membership.is_owner:
            raise PermissionDenied
        return view(request, membership, *args, **kwargs)

    return workspace_view(inner)
