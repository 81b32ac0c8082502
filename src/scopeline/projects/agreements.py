"""Between the database's JSON and the core's ``Agreement``: decode, encode, export."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import msgspec
import yaml

from scopeline.core import Agreement, agreement_from_data
from scopeline.core.events import Event

_JSON = msgspec.json.Encoder(decimal_format="number")


def agreement_data(agreement: Agreement) -> dict[str, Any]:
    """The agreement as JSON-safe data without its ledger (amounts as exact strings), equal
    to what the database gives back (lists, not tuples), so unchanged agreements compare equal."""
    data: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(agreement))
    data.pop("ledger", None)
    return data


def event_data(event: Event) -> tuple[str, dict[str, Any]]:
    """``(type, fields)`` of a core event, JSON-safe, ``type`` taken out of the fields."""
    data: dict[str, Any] = msgspec.to_builtins(event)
    kind = data.pop("type")
    return kind, data


def decode_event(kind: str, data: dict[str, Any]) -> Event:
    event: Event = msgspec.convert({**data, "type": kind}, Event, strict=False)
    return event


def decode_events(rows: Iterable[tuple[str, dict[str, Any]]]) -> list[Event]:
    return [decode_event(kind, data) for kind, data in rows]


@lru_cache(maxsize=1024)
def _agreement_from_json(text: str) -> Agreement:
    return agreement_from_data(json.loads(text), source="agreement")


def agreement_from_version(data: dict[str, Any]) -> Agreement:
    """The agreement of a stored version's data, parsed once per content (versions never
    change, and equal versions share one parsed agreement)."""
    return _agreement_from_json(json.dumps(data, sort_keys=True))


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


def _ordered(dumper: yaml.SafeDumper, value: OrderedDict[str, Any]) -> yaml.Node:
    return dumper.represent_dict(value.items())


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(OrderedDict, _ordered)

_DECIMAL_FIELDS = {
    "amount",
    "hourly_rate",
    "percent",
    "hours",
    "favor_max_hours",
    "goodwill_budget_hours",
    "rush_surcharge_percent",
}


def _numbers(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _numbers(v, k) for k, v in value.items() if v not in (None, [], {}, ())}
    if isinstance(value, list):
        return [_numbers(v, key) for v in value]
    if key in _DECIMAL_FIELDS and isinstance(value, str):
        return Decimal(value)
    return value


def export_document(agreement: Agreement, events: Sequence[Event]) -> dict[str, Any]:
    """The agreement file (format v1) for ``agreement`` with ``events`` as its ledger."""
    data = agreement_data(agreement)
    data["ledger"] = [{"type": kind, **fields} for kind, fields in map(event_data, events)]
    return {"version": data.pop("version"), **data}


def export_yaml(agreement: Agreement, events: Sequence[Event], *, title: str) -> str:
    document = _numbers(export_document(agreement, events))
    header = f"# Scopeline agreement file, format v1: {title}\n"
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def export_json(agreement: Agreement, events: Sequence[Event]) -> str:
    document = _numbers(export_document(agreement, events))
    return msgspec.json.format(_JSON.encode(document), indent=2).decode() + "\n"
