"""Private headers on every response under /p/ (the client portal), error pages included:
the token is in the address, so it must not travel in a Referer to another site, and the pages
must be neither indexed nor cached."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PortalPrivacyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/p/"):
            # same-origin, not no-referrer: with no-referrer browsers post "Origin: null",
            # which the CSRF check refuses; same-origin never sends the address elsewhere.
            response["Referrer-Policy"] = "same-origin"
            response["X-Robots-Tag"] = "noindex, nofollow"
            add_never_cache_headers(response)
        return response
