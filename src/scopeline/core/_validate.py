"""Small checks shared by the core's structs.

A struct's ``__post_init__`` raises :class:`FieldError`; msgspec turns it into a validation
error at the struct's path, and the agreement loader appends the field to that path.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

FIELD_MARK: Final = "@field "
MAX_NUMBER: Final = Decimal(10) ** 12
"""No amount or hour count in an agreement reaches a trillion; larger is a typo. The cap also
keeps every product (hours x rate, sums of a long ledger) inside Decimal's 28 digits."""


class FieldError(ValueError):
    """A value that has the right type but not an acceptable value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{FIELD_MARK}{field}: {message}")


def shown(value: object) -> str:
    """A value as it appears in an error message."""
    if isinstance(value, dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    return repr(value)


def require_text(field: str, value: str | None, *, optional: bool = False) -> None:
    if value is None:
        if optional:
            return
        raise FieldError(field, "is required")
    if not value.strip():
        raise FieldError(field, "must not be empty")


def require_number(
    field: str,
    value: Decimal | None,
    *,
    positive: bool = False,
    maximum: Decimal | None = None,
) -> None:
    if value is None:
        return
    if not value.is_finite():
        raise FieldError(field, f"must be a finite number, got {shown(value)}")
    if abs(value) >= MAX_NUMBER:
        raise FieldError(field, f"is too large, got {shown(value)}")
    if positive and value <= 0:
        raise FieldError(field, f"must be a positive number, got {shown(value)}")
    if value < 0:
        raise FieldError(field, f"must not be negative, got {shown(value)}")
    if maximum is not None and value > maximum:
        raise FieldError(field, f"must be at most {maximum}, got {shown(value)}")


def require_count(field: str, value: int | None, *, positive: bool = False) -> None:
    if value is None:
        return
    if positive and value < 1:
        raise FieldError(field, f"must be a positive whole number, got {value}")
    if value < 0:
        raise FieldError(field, f"must be a whole number, zero or more, got {value}")


def require_id(field: str, value: str) -> None:
    if not value or not value.strip():
        raise FieldError(field, "must not be empty")
    if value != value.strip() or any(ch.isspace() for ch in value):
        raise FieldError(field, f"must be one word without spaces, got {shown(value)}")
    if len(value) > 64:
        raise FieldError(field, f"must be at most 64 characters, got {len(value)}")
