"""A fixed-window rate limit for the public portal, kept in Django's cache (Redis in
production, so several web processes share it; the local memory cache on one machine)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

View = Callable[..., HttpResponse]


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address; behind a trusted proxy, the first X-Forwarded-For hop."""
    if getattr(settings, "SCOPELINE_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def rate_limited(view: View) -> View:
    """At most PORTAL_RATE[method] requests per minute from one address."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        per_minute = settings.PORTAL_RATE["POST" if request.method == "POST" else "GET"]
        window = int(time.time() // 60)
        key = f"portal-rate:{request.method == 'POST'}:{client_ip(request)}:{window}"
        count = cache.get_or_set(key, 0, timeout=90)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between the two calls
            cache.set(key, 1, timeout=90)
            count = 1
        if count > per_minute:
            response = render(request, "portal/error.html", {"code": "rate"}, status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return wrapper
