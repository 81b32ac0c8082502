from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.csrf import csrf_exempt

from scopeline.api import views
from scopeline.api.api import api, guard
from scopeline.api.problems import problem_response


@csrf_exempt
def _unknown(_request: HttpRequest, **_kwargs: str) -> HttpResponse:
    return problem_response(404, "not_found", "There is no such address in the API.")


def _guarded(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    out: list[URLPattern | URLResolver] = []
    for p in patterns:
        if isinstance(p, URLPattern):
            out.append(URLPattern(p.pattern, guard(p.callback), p.default_args, p.name))
        else:
            out.append(p)
    return out


def _api_patterns() -> Any:
    patterns, app_name, namespace = api.urls
    return include(
        ([*_guarded(patterns), path("<path:rest>", _unknown)], app_name), namespace=namespace
    )


# The API at /api/v1/ (namespace "api"): ninja's operations, every one behind ``guard``.
urlpatterns = [path("api/v1/", _api_patterns())]

workspace_urlpatterns = [
    path("settings/api/", views.api_settings, name="api_settings"),
    path("settings/api/tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("settings/api/webhooks/", views.webhook_new, name="webhook_new"),
    path("settings/api/webhooks/<int:pk>/", views.webhook_toggle, name="webhook_toggle"),
]
