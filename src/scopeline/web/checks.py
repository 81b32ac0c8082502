"""Start-up checks for the usual self-hosting mistakes (Django's system check framework)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_allowed(app_configs: Any, **kwargs: Any) -> list[Error]:
    host = urlsplit(settings.SITE_URL).hostname or ""
    allowed = settings.ALLOWED_HOSTS
    if (
        "*" in allowed
        or host in allowed
        or any(h.startswith(".") and host.endswith(h) for h in allowed)
    ):
        return []
    return [
        Error(
            f"SCOPELINE_SITE_URL's host {host!r} is not in ALLOWED_HOSTS {allowed!r}",
            hint="Add it to ALLOWED_HOSTS, or fix SCOPELINE_SITE_URL.",
            id="scopeline.E001",
        )
    ]


@register(deploy=True)
def mail_configured(app_configs: Any, **kwargs: Any) -> list[Warning]:
    backend = str(settings.MAILERS.get("default", {}).get("BACKEND", ""))
    if backend.endswith("smtp.EmailBackend"):
        return []
    return [
        Warning(
            "No mail server is configured: password resets and notifications only go to the log.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD).",
            id="scopeline.W001",
        )
    ]


@register(deploy=True)
def https_site_url(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.HTTPS and not settings.SITE_URL.startswith("https://"):
        return [
            Warning(
                "SCOPELINE_HTTPS is on but SCOPELINE_SITE_URL does not start with https://",
                hint="Links in e-mails would point at plain HTTP.",
                id="scopeline.W002",
            )
        ]
    return []
