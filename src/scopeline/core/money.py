"""Exact money: Decimal amounts rounded to the currency's minor unit, formatted by Babel.

No float ever becomes money here: every function takes and returns :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import format_currency, format_decimal, get_currency_precision, is_currency

from scopeline.core.languages import BABEL_LOCALES, Language

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def is_known_currency(code: str) -> bool:
    """True for an ISO 4217 code Babel knows (upper case only, as ISO writes them)."""
    return len(code) == 3 and code.isascii() and code.isupper() and is_currency(code)


@cache
def minor_unit_exponent(currency: str) -> Decimal:
    """The quantum of ``currency``: ``Decimal('0.01')`` for EUR, ``Decimal('1')`` for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` to ``currency``'s minor unit, half up (commercial rounding)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, got {type(amount).__name__}")
    return amount.quantize(minor_unit_exponent(currency), rounding=ROUND_HALF_UP)


def fits_minor_unit(amount: Decimal, currency: str) -> bool:
    """True when ``amount`` has no more decimals than ``currency`` allows."""
    return quantize(amount, currency) == amount


def percent_of(amount: Decimal, percent: Decimal, currency: str) -> Decimal:
    """``percent`` % of ``amount``, rounded to the minor unit."""
    return quantize(amount * percent / HUNDRED, currency)


@cache
def _pattern_without_decimals(locale: str) -> str:
    from babel import Locale

    pattern = str(Locale.parse(locale).currency_formats["standard"].pattern)
    return pattern.split(";")[0].replace(".00", "")


def format_money(amount: Decimal, currency: str, lang: Language, *, trim: bool = True) -> str:
    """``amount`` in ``currency`` as a reader of ``lang`` expects it.

    With ``trim`` (the default) whole amounts drop their zero decimals, as people write prices
    in sentences: "4 800 €", not "4 800,00 €".
    """
    locale = BABEL_LOCALES[lang]
    value = quantize(amount, currency)
    if value == 0:
        value = abs(value)  # no "-€0" for an amount that rounds to zero
    if trim and value == value.to_integral_value():
        text = format_currency(
            value,
            currency,
            format=_pattern_without_decimals(locale),
            locale=locale,
            currency_digits=False,
        )
    else:
        text = format_currency(value, currency, locale=locale)
    if lang == "zh-Hant" and currency == "TWD" and text.startswith("$"):
        text = "NT" + text  # in Taiwan a bare "$" is read as US dollars in business writing
    return _space_after_code(text, currency)


def _space_after_code(text: str, currency: str) -> str:
    # Babel glues an ISO code straight to the digits ("RON4,800"); a no-break space reads better.
    if text.startswith(currency) and len(text) > 3 and (text[3].isdigit() or text[3] == "-"):
        return f"{currency}\u00a0{text[3:]}"
    return text


def format_number(value: Decimal | int, lang: Language) -> str:
    """A plain number (hours, counts) in ``lang``'s notation: "12,5" in Finnish."""
    if isinstance(value, Decimal):
        value = value.normalize() if value == value.to_integral_value() else value
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return format_decimal(value, locale=BABEL_LOCALES[lang], decimal_quantization=False)
