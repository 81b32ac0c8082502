"""Errors as ``application/problem+json`` (RFC 9457): type, title, status, detail, and for
invalid input an ``errors`` list naming each field (``body.messages[0].text``) and why."""

from __future__ import annotations

import json
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, Final, TypedDict

from django.http import HttpResponse

CONTENT_TYPE: Final = "application/problem+json"
TYPE_BASE: Final = "https://scopeline.example/problems/"


class FieldError(TypedDict):
    field: str
    message: str


class ApiError(Exception):
    """Raised anywhere in an API operation; the API answers with it as problem+json."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: Sequence[FieldError] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers or {}


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = list(errors)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_exception(exc: ApiError) -> HttpResponse:
    return problem_response(
        exc.status, exc.code, exc.detail, errors=exc.errors, headers=exc.headers
    )


def field_path(loc: Sequence[str | int]) -> str:
    """``("body", "payload", "messages", 0, "text")`` → ``body.messages[0].text``; ninja puts
    the whole body under the operation's argument name, which the client never sees."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "body" and isinstance(parts[1], str):
        parts = ["body", *parts[2:]] if parts[1] == "payload" else parts
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
