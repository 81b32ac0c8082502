"""Template filters: amounts, numbers and dates in the reader's locale, labels for core codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from scopeline.web import i18n, labels, reasons

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return i18n.money(amount, currency)


@register.filter
def num(value: Decimal | int | None) -> str:
    return i18n.number(value)


@register.filter
def ldate(value: dt.date | None) -> str:
    return i18n.date(value)


@register.filter
def ldatetime(value: dt.datetime | None) -> str:
    return i18n.datetime(value)


@register.filter
def ldatetimetz(value: dt.datetime | None) -> str:
    return i18n.datetime(value, zone=True)


@register.filter
def kind_label(code: str) -> str:
    return str(labels.KINDS.get(code, code))


@register.filter
def action_label(code: str) -> str:
    return str(labels.ACTIONS.get(code, code))


@register.filter
def scope_label(code: str) -> str:
    return str(labels.SCOPE.get(code, code))


@register.filter
def tone_label(code: str) -> str:
    return str(labels.TONES.get(code, code))


@register.filter
def event_label(code: str) -> str:
    return str(labels.EVENTS.get(code, code))


@register.filter
def language_label(code: str) -> str:
    return str(labels.LANGUAGES.get(code, code))


@register.filter
def svg(markup: str) -> SafeString:
    """Inline a chart made by ``scopeline.core.charts`` (which escapes every text it holds)."""
    return mark_safe(markup)


@register.simple_tag
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.filter
def reason(text: str) -> SafeString:
    """A triage reason in the reader's language (see ``scopeline.web.reasons``); a sentence the
    translator does not know stays in English and is marked as such for screen readers."""
    translated = reasons.translate(str(text))
    if translated.matched or i18n.ui_language() == "en":
        return conditional_escape(translated.text)
    return format_html('<span lang="en">{}</span>', translated.text)
