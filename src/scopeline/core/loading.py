"""Turning an agreement file into an :class:`Agreement`, or into precise error messages."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import msgspec

from scopeline.core._source import Document, Format, ParseError, decode, parse, sniff_format
from scopeline.core._validate import FIELD_MARK, shown
from scopeline.core.agreement import Agreement, AgreementInvalidError
from scopeline.core.errors import AgreementError, Problem
from scopeline.core.events import EVENT_TYPES

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_EXPECTED = re.compile(r"^Expected `(?P<expected>[^`]+)`, got `(?P<got>[^`]+)`$")
_TYPE_WORDS = {
    "int": "a whole number",
    "str": "text",
    "decimal": "a number",
    "date": "a date written YYYY-MM-DD",
    "array": "a list",
    "object": "a mapping of fields",
    "bool": "true or false",
}


def load_agreement(path: str | Path) -> Agreement:
    """Read and validate an agreement file (YAML or JSON, by extension or content).

    Raises :class:`~scopeline.core.errors.AgreementError` naming the file, the line and the
    field of every problem found.
    """
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise AgreementError([Problem(source, None, "", "no such file")]) from None
    except IsADirectoryError:
        raise AgreementError([Problem(source, None, "", "is a directory, not a file")]) from None
    except OSError as exc:
        raise AgreementError([Problem(source, None, "", f"cannot read: {exc.strerror}")]) from None
    return read_agreement(raw, source=source)


def read_agreement(raw: bytes, *, source: str) -> Agreement:
    """Validate the bytes of an agreement file (an upload, say); binary content, text that is
    not UTF-8 and oversized files get a clear problem."""
    try:
        text = decode(source, raw)
    except ParseError as exc:
        raise AgreementError(exc.problems) from None
    return parse_agreement(text, source=source)


def parse_agreement(text: str, *, source: str = "<string>", fmt: Format | None = None) -> Agreement:
    """Validate the text of an agreement file. ``fmt`` defaults to a guess from ``source``."""
    try:
        document = parse(source, text, fmt or sniff_format(source, text))
    except ParseError as exc:
        raise AgreementError(exc.problems) from None
    return agreement_from_data(document.data, source=source, document=document)


def agreement_from_data(
    data: Any, *, source: str = "<data>", document: Document | None = None
) -> Agreement:
    """Validate already-parsed data (e.g. from the web app's form or the API)."""
    document = document or Document(data, {})
    if not isinstance(data, dict):
        got = _type_name(data)
        message = f"an agreement must be a mapping of fields (version, project, ...), got {got}"
        raise AgreementError([Problem(source, document.line_of(""), "", message)])
    try:
        return msgspec.convert(data, Agreement, strict=False, str_keys=True)
    except AgreementInvalidError as exc:
        problems = [
            Problem(source, document.line_of(path), path, message) for path, message in exc.problems
        ]
        raise AgreementError(problems) from None
    except msgspec.ValidationError as exc:
        raise AgreementError([_translate(str(exc), source, document)]) from None


def _translate(text: str, source: str, document: Document) -> Problem:
    match = _AT.match(text)
    assert match is not None  # the pattern matches any text
    message, path = match["message"], (match["path"] or "").lstrip(".")

    if message.startswith(FIELD_MARK):
        field, _, message = message[len(FIELD_MARK) :].partition(": ")
        path = _join(path, field)
    elif m := re.match(r"^Object contains unknown field `(.+)`$", message):
        field = m[1]
        known = _fields_at(path, document.data)
        message = f"unknown field {field!r}"
        close = difflib.get_close_matches(field, known, n=1, cutoff=0.6)
        if close:
            message += f"; did you mean {close[0]!r}?"
        elif known:
            message += f"; expected one of: {', '.join(known)}"
        path = _join(path, field)
    elif m := re.match(r"^Object missing required field `(.+)`$", message):
        message = "is required"
        if m[1] == "type" and path.startswith("ledger"):
            message = f"is required: one of {', '.join(EVENT_TYPES)}"
        return Problem(source, document.line_of(path), _join(path, m[1]), message)
    elif path.endswith(".type") and (m := re.match(r"^Invalid value '(.*)'$", message, re.S)):
        message = f"unknown event type {m[1]!r}"
        close = difflib.get_close_matches(m[1], list(EVENT_TYPES), n=1, cutoff=0.6)
        message += (
            f"; did you mean {close[0]!r}?"
            if close
            else f"; expected one of: {', '.join(EVENT_TYPES)}"
        )
    elif m := re.match(r"^Invalid enum value '(.*)'$", message, re.S):
        allowed = _literal_choices(path)
        message = f"must be one of {', '.join(allowed)}; got {m[1]!r}" if allowed else message
        close = difflib.get_close_matches(m[1], allowed, n=1, cutoff=0.6)
        if close:
            message += f" (did you mean {close[0]!r}?)"
    elif m := _EXPECTED.match(message):
        wanted = " or ".join(
            _TYPE_WORDS.get(part.strip(), part.strip())
            for part in m["expected"].split("|")
            if part.strip() != "null"
        )
        got = _value_at(path, document.data)
        message = f"must be {wanted}, got {shown(got) if got is not _MISSING else m['got']}"
    elif message in ("Invalid decimal string", "Invalid RFC3339 encoded date"):
        wanted = "a number" if "decimal" in message else "a date written YYYY-MM-DD"
        got = _value_at(path, document.data)
        message = f"must be {wanted}, got {shown(got)}"
    return Problem(source, document.line_of(path), path, message)


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


_MISSING = object()
_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _value_at(path: str, data: Any) -> Any:
    value = data
    for name, index in _SEGMENT.findall(path):
        try:
            value = value[int(index)] if index else value[name]
        except (KeyError, IndexError, TypeError, ValueError):
            return _MISSING
    return value


def _struct_at(path: str, data: Any) -> type[msgspec.Struct] | None:
    """The struct type that validates the mapping at ``path`` (e.g. ``scope[2]``)."""
    from scopeline.core import agreement as a

    parts = [name for name, _ in _SEGMENT.findall(path) if name]
    if not parts:
        return a.Agreement
    nested: dict[str, type[msgspec.Struct]] = {
        "client": a.Client,
        "provider": a.Provider,
        "price": a.Price,
        "deposit": a.Deposit,
        "scope": a.ScopeItem,
        "exclusions": a.Exclusion,
        "allowances": a.Allowances,
        "policy": a.Policy,
    }
    if len(parts) == 1 and parts[0] in nested:
        return nested[parts[0]]
    if len(parts) == 1 and parts[0] == "ledger":
        event = _value_at(path, data)
        tag = event.get("type") if isinstance(event, dict) else None
        return EVENT_TYPES.get(str(tag)) if tag is not None else None
    return None


def _fields_at(path: str, data: Any) -> list[str]:
    struct = _struct_at(path, data)
    if struct is None:
        return []
    return [f for f in struct.__struct_fields__ if not f.startswith("_")]


def _literal_choices(path: str) -> list[str]:
    if path == "price.model":
        return ["fixed", "hourly"]
    return []


def _type_name(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return type(value).__name__
