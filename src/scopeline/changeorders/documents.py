"""The change order as a document: HTML in the client's language, its SHA-256, and the PDF.

The HTML is a pure function of the stored change order (no clock, no request), so the document
the client reads, the one whose hash is recorded on acceptance and the PDF all agree. Once
accepted, the frozen HTML is served instead of a fresh rendering.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from scopeline.changeorders.models import ChangeOrder
from scopeline.core.languages import Language
from scopeline.core.replies.composer import add_working_days
from scopeline.web import i18n

DJANGO_LANGUAGE: dict[str, str] = {
    "en": "en",
    "fi": "fi",
    "ro": "ro",
    "zh-Hant": "zh-hant",
    "zh-Hans": "zh-hans",
}


def django_language(lang: str) -> str:
    return DJANGO_LANGUAGE.get(lang, "en")


def document_context(co: ChangeOrder) -> dict[str, Any]:
    lang: Language = co.language if co.language in DJANGO_LANGUAGE else "en"  # type: ignore[assignment]
    project = co.project
    version = project.current_version
    data: dict[str, Any] = version.data if version is not None else {}
    provider = (data.get("provider") or {}).get("name") or project.workspace.provider_name
    deadline_raw = data.get("deadline")
    deadline = dt.date.fromisoformat(deadline_raw) if isinstance(deadline_raw, str) else None
    new_deadline = add_working_days(deadline, co.days) if deadline and co.days else None
    lines = [
        {
            "description": line.description,
            "hours": i18n.number(line.hours, lang),
            "rate": i18n.money(line.rate, co.currency, lang),
            "amount": i18n.money(line.amount, co.currency, lang),
        }
        for line in co.lines.all()
    ]
    return {
        "co": co,
        "lang": django_language(lang),
        "provider": provider,
        "client": project.client,
        "project": project,
        "lines": lines,
        "total": i18n.money(co.total, co.currency, lang),
        "hours": i18n.number(co.hours, lang),
        "issued_on": i18n.date(co.issued_on, lang, fmt="long"),
        "valid_until": i18n.date(co.valid_until, lang, fmt="long"),
        "deadline": i18n.date(deadline, lang, fmt="long") if deadline else "",
        "new_deadline": i18n.date(new_deadline, lang, fmt="long") if new_deadline else "",
        "request_date": (
            i18n.date(co.request.received_at.date(), lang, fmt="long") if co.request else ""
        ),
    }


def render_document(co: ChangeOrder) -> str:
    """The change order's HTML in the client's language (the frozen copy once accepted)."""
    if co.frozen_html:
        return co.frozen_html
    context = document_context(co)
    with translation.override(context["lang"]):
        return render_to_string("changeorders/document.html", context)


def sha256(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


@cache
def _fetcher() -> Any:
    """One URL fetcher that refuses every address: a document is self-contained, so it must
    load nothing (no tracking pixel, no local file). Made once: WeasyPrint's default fetcher
    loads the system's CA certificates for every document (20-40 ms)."""
    from weasyprint.urls import URLFetcher

    class Refuse(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, _headers: Any = None) -> Any:
            raise ValueError(f"change order documents load nothing ({url[:40]})")

    return Refuse(allowed_protocols=())


def render_pdf(html: str) -> bytes:
    """The PDF of a rendered document (WeasyPrint; Noto CJK covers the Chinese text)."""
    from weasyprint import HTML  # imported on use: it loads Pango and the fonts

    pdf: bytes = HTML(string=html, url_fetcher=_fetcher()).write_pdf()
    return pdf
