"""The UI language (Django's codes) as the core's language codes and Babel locales."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date, format_datetime
from django.utils import timezone, translation

from scopeline.core.languages import BABEL_LOCALES, Language
from scopeline.core.money import format_money, format_number

_CORE: dict[str, Language] = {
    "en": "en",
    "fi": "fi",
    "ro": "ro",
    "zh-hant": "zh-Hant",
    "zh-hans": "zh-Hans",
}


def ui_language() -> Language:
    code = (translation.get_language() or "en").lower()
    return _CORE.get(code, _CORE.get(code.split("-")[0], "en"))


def money(amount: Decimal | None, currency: str, lang: Language | None = None) -> str:
    if amount is None:
        return "–"
    return format_money(Decimal(amount), currency, lang or ui_language())


def number(value: Decimal | int | None, lang: Language | None = None) -> str:
    if value is None:
        return "–"
    return format_number(
        Decimal(value) if not isinstance(value, int) else value, lang or ui_language()
    )


def date(value: dt.date | None, lang: Language | None = None, fmt: str = "medium") -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return format_date(value, format=fmt, locale=BABEL_LOCALES[lang or ui_language()])


def datetime(value: dt.datetime | None, lang: Language | None = None, *, zone: bool = False) -> str:
    """Date and time in the active time zone; with ``zone``, its abbreviation after it (for
    records read by people in other time zones, such as a client's acceptance)."""
    if value is None:
        return "–"
    local = timezone.localtime(value)
    text = format_datetime(local, format="short", locale=BABEL_LOCALES[lang or ui_language()])
    return f"{text} {local.tzname()}" if zone else text
