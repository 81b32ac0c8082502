"""Property tests: money is conserved and exact, and no float ever becomes money."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scopeline.core import (
    SUPPORTED_LANGUAGES,
    Agreement,
    Language,
    agreement_from_data,
    load_agreement,
    parse_agreement,
)
from scopeline.core.events import (
    ChangeOrderAccepted,
    ChangeOrderDeclined,
    ChangeOrderIssued,
    ConceptsDelivered,
    Event,
    Favor,
    Hours,
    Payment,
    Refund,
    RevisionRound,
    event_type,
)
from scopeline.core.ledger import ProjectState, project_state
from scopeline.core.money import format_money, minor_unit_exponent, percent_of, quantize

PLACES = {"EUR": 2, "JPY": 0, "BHD": 3}
EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))
DAY = dt.date(2026, 1, 1)
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The ProjectState fields (and properties) that hold amounts of money.
MONEY_FIELDS = (
    "hourly_rate",
    "bid",
    "change_orders_total",
    "fees",
    "paid",
    "refunded",
    "deposit_amount",
    "deposit_due",
)
MONEY_PROPERTIES = ("outstanding", "effective_hourly_rate")
# The as_dict() keys (dotted) that hold amounts of money.
MONEY_KEYS = (
    "hourly_rate",
    "bid",
    "fees",
    "paid",
    "refunded",
    "outstanding",
    "deposit.amount",
    "deposit.due",
    "effective_hourly_rate",
    "change_orders.accepted_total",
)


# ------------------------------------------------------------------------------ strategies


def money(places: int, low: int = 1, high: int = 10**9) -> st.SearchStrategy[Decimal]:
    """Amounts in minor units, as a currency with ``places`` decimals writes them."""
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-places))


def hour_values() -> st.SearchStrategy[Decimal]:
    return st.integers(1, 100_000).map(lambda n: Decimal(n).scaleb(-2))  # 0.01 .. 1000 h


REFS = st.sampled_from(["CO-1", "CO-2", "CO-3", "CO-4"])


def events_for(places: int) -> st.SearchStrategy[list[Event]]:
    amount = money(places)
    event: st.SearchStrategy[Event] = st.one_of(
        st.builds(Payment, date=st.just(DAY), amount=amount),
        st.builds(Refund, date=st.just(DAY), amount=amount),
        st.builds(Hours, date=st.just(DAY), hours=hour_values()),
        st.builds(Favor, date=st.just(DAY), hours=hour_values()),
        st.builds(ConceptsDelivered, date=st.just(DAY), count=st.integers(1, 5)),
        st.builds(RevisionRound, date=st.just(DAY), count=st.integers(1, 3)),
        st.builds(ChangeOrderIssued, date=st.just(DAY), ref=REFS, amount=amount),
        st.builds(
            ChangeOrderAccepted,
            date=st.just(DAY),
            ref=REFS,
            amount=money(places, low=0),
            hours=st.none() | hour_values(),
            concepts=st.integers(0, 3),
            revision_rounds=st.integers(0, 3),
        ),
        st.builds(ChangeOrderDeclined, date=st.just(DAY), ref=REFS),
    )
    return st.lists(event, max_size=25)


@st.composite
def agreements(draw: st.DrawFn) -> Agreement:
    currency = draw(st.sampled_from(sorted(PLACES)))
    places = PLACES[currency]
    model = draw(st.sampled_from(["fixed", "hourly"]))
    price: dict[str, Any] = {"model": model, "hourly_rate": draw(money(places))}
    if model == "fixed" or draw(st.booleans()):
        price["amount"] = draw(money(places, low=0))
    data: dict[str, Any] = {
        "version": 1,
        "project": "P",
        "client": {"name": "C", "language": draw(st.sampled_from(SUPPORTED_LANGUAGES))},
        "provider": {"name": "S"},
        "currency": currency,
        "price": price,
        "scope": [{"id": "a", "title": "A", "hours": draw(hour_values())}],
        "allowances": {"concepts": 3, "revision_rounds": 2},
        "policy": {"goodwill_budget_hours": draw(hour_values())},
    }
    percent = draw(st.none() | st.integers(0, 10_000).map(lambda n: Decimal(n).scaleb(-2)))
    if percent is not None:
        data["deposit"] = {"percent": percent}
    return agreement_from_data(data)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Agreement, list[Event]]:
    agreement = draw(agreements())
    return agreement, draw(events_for(PLACES[agreement.currency]))


# --------------------------------------------------------------------------------- helpers


def fits(value: Decimal, currency: str) -> bool:
    return quantize(value, currency) == value


def walk(value: object, path: str = "") -> list[tuple[str, object]]:
    """Every leaf of a struct, dataclass, mapping or sequence, with its path."""
    if isinstance(value, msgspec.Struct):
        return [
            leaf
            for name in value.__struct_fields__
            for leaf in walk(getattr(value, name), f"{path}.{name}")
        ]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            leaf
            for field in dataclasses.fields(value)
            for leaf in walk(getattr(value, field.name), f"{path}.{field.name}")
        ]
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in walk(item, f"{path}.{key}")]
    if isinstance(value, (list, tuple)):
        return [leaf for i, item in enumerate(value) for leaf in walk(item, f"{path}[{i}]")]
    return [(path, value)]


def dotted(data: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        data = data[part]
    return data


def assert_money_is_exact(s: ProjectState) -> None:
    floats = [path for path, leaf in walk(s) if isinstance(leaf, float)]
    assert not floats, floats
    for name in MONEY_FIELDS + MONEY_PROPERTIES:
        value = getattr(s, name)
        assert value is None or type(value) is Decimal, (name, value)
        if value is not None:
            assert value.is_finite()
            assert fits(value, s.currency), (name, value)
    for co in s.change_orders:
        assert type(co.amount) is Decimal
        assert fits(co.amount, s.currency)

    d = s.as_dict()
    assert json.loads(json.dumps(d)) == d
    floats = [path for path, leaf in walk(d) if isinstance(leaf, float)]
    assert not floats, floats
    exponent = minor_unit_exponent(s.currency).as_tuple().exponent
    for key in MONEY_KEYS:
        text = dotted(d, key)
        if text is None:
            continue
        assert isinstance(text, str), (key, text)
        assert Decimal(text).as_tuple().exponent == exponent, (key, text)
    for co in dotted(d, "change_orders.accepted"):
        assert Decimal(co["amount"]).as_tuple().exponent == exponent


def expected_fees(agreement: Agreement, events: list[Event]) -> Decimal:
    """The fees computed independently of the ledger module."""
    extras = sum((e.amount for e in events if isinstance(e, ChangeOrderAccepted)), Decimal(0))
    if agreement.price.model == "fixed":
        assert agreement.price.amount is not None
        return agreement.price.amount + extras
    assert agreement.price.hourly_rate is not None
    worked = sum((e.hours for e in events if isinstance(e, Hours)), Decimal(0))
    return quantize(worked * agreement.price.hourly_rate, agreement.currency) + extras


# ------------------------------------------------------------------------ conservation


@FAST
@given(scenarios())
def test_paid_plus_outstanding_is_the_fees(scenario: tuple[Agreement, list[Event]]) -> None:
    agreement, events = scenario
    s = project_state(agreement, events)
    assert s.paid + s.outstanding == s.fees
    assert s.fees == expected_fees(agreement, events)
    payments = sum((e.amount for e in events if isinstance(e, Payment)), Decimal(0))
    refunds = sum((e.amount for e in events if isinstance(e, Refund)), Decimal(0))
    assert s.paid == payments - refunds
    assert s.refunded == refunds

    d = s.as_dict()
    assert isinstance(d["paid"], str)
    assert isinstance(d["outstanding"], str)
    assert isinstance(d["fees"], str)
    assert Decimal(d["paid"]) + Decimal(d["outstanding"]) == Decimal(d["fees"])


@FAST
@given(scenarios())
def test_money_is_always_decimal_in_minor_units(scenario: tuple[Agreement, list[Event]]) -> None:
    agreement, events = scenario
    assert_money_is_exact(project_state(agreement, events))


@FAST
@given(scenarios())
def test_deposit_and_goodwill_stay_in_range(scenario: tuple[Agreement, list[Event]]) -> None:
    agreement, events = scenario
    s = project_state(agreement, events)
    assert s.deposit_due >= 0
    if s.deposit_amount is None:
        assert s.deposit_due == 0
    else:
        # Only refunds beyond the payments can push the due amount above the deposit.
        assert s.deposit_due <= s.deposit_amount + max(-s.paid, Decimal(0))
    assert 0 <= s.goodwill_hours_left <= s.goodwill_budget_hours
    assert s.hours_over_budget >= 0
    assert s.concepts.over >= 0
    assert s.revision_rounds.over >= 0


# ----------------------------------------------------- through the file, YAML and JSON


def ledger_rows(events: list[Event]) -> list[dict[str, Any]]:
    """The events as file rows, dated oldest first, each change order accepted once."""
    rows: list[dict[str, Any]] = []
    accepted: set[str] = set()
    for i, event in enumerate(events):
        if isinstance(event, ChangeOrderAccepted):
            if event.ref in accepted:
                continue
            accepted.add(event.ref)
        row = msgspec.to_builtins(event, builtin_types=(Decimal, dt.date))
        assert isinstance(row, dict)
        row["type"] = event_type(event)
        row["date"] = DAY + dt.timedelta(days=i)
        rows.append(row)
    return rows


def as_yaml(data: Any, indent: str = "") -> str:
    """A small YAML writer: numbers and dates are written plain, as a person types them."""
    lines: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list, tuple)) and value:
                lines.append(f"{indent}{key}:")
                lines.append(as_yaml(value, indent + "  "))
            else:
                lines.append(f"{indent}{key}: {scalar(value)}")
    else:
        for item in data:
            body = as_yaml(item, indent + "  ").lstrip()
            lines.append(f"{indent}- {body}")
    return "\n".join(lines)


def scalar(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "[]"
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)  # int or Decimal


def as_json(data: Any) -> str:
    """JSON with every Decimal as a JSON number (``4800.50``), not a string."""

    def default(value: object) -> str:
        if isinstance(value, Decimal):
            return f"@@{value}@@"
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return re.sub(r'"@@([^@]+)@@"', r"\1", json.dumps(data, default=default, indent=1))


@FAST
@given(scenarios(), st.sampled_from(["yaml", "json"]))
def test_loading_never_yields_a_float(scenario: tuple[Agreement, list[Event]], fmt: str) -> None:
    agreement, events = scenario
    data = msgspec.to_builtins(agreement, builtin_types=(Decimal, dt.date))
    assert isinstance(data, dict)
    data["ledger"] = ledger_rows(events)
    text = as_json(data) if fmt == "json" else as_yaml(data) + "\n"
    loaded = parse_agreement(text, source=f"a.{fmt}")

    floats = [path for path, leaf in walk(loaded) if isinstance(leaf, float)]
    assert not floats, floats
    assert loaded.price == agreement.price
    for path, leaf in walk(loaded):
        if path.endswith((".amount", ".hourly_rate", ".hours", ".percent")):
            assert leaf is None or type(leaf) is Decimal, (path, leaf)

    s = project_state(loaded)
    assert s.paid + s.outstanding == s.fees
    assert_money_is_exact(s)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_hold_no_float(path: Path) -> None:
    agreement = load_agreement(path)
    floats = [p for p, leaf in walk(agreement) if isinstance(leaf, float)]
    assert not floats, floats
    assert_money_is_exact(project_state(agreement))


def test_python_floats_given_to_agreement_from_data_become_decimal() -> None:
    data: dict[str, Any] = {
        "version": 1,
        "project": "P",
        "client": {"name": "C", "language": "en"},
        "provider": {"name": "S"},
        "currency": "EUR",
        "price": {"model": "fixed", "amount": 4800.5, "hourly_rate": 80.25},
        "scope": [{"id": "a", "title": "A", "hours": 1.5}],
        "ledger": [{"date": "2026-01-01", "type": "payment", "amount": 0.1}],
    }
    agreement = agreement_from_data(data)
    floats = [p for p, leaf in walk(agreement) if isinstance(leaf, float)]
    assert not floats, floats
    assert agreement.price.amount == Decimal("4800.5")


# ------------------------------------------------------------------------ float is refused


@pytest.mark.parametrize("value", [0.1, 1.0, 4800.0, float("nan")])
@pytest.mark.parametrize("currency", sorted(PLACES))
def test_quantize_refuses_float(value: float, currency: str) -> None:
    with pytest.raises(TypeError, match="money must be Decimal, got float"):
        quantize(value, currency)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_format_money_refuses_float(lang: Language) -> None:
    with pytest.raises(TypeError, match="money must be Decimal, got float"):
        format_money(4800.0, "EUR", lang)  # type: ignore[arg-type]


def test_quantize_refuses_int_and_str() -> None:
    with pytest.raises(TypeError):
        quantize(4800, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        quantize("4800", "EUR")  # type: ignore[arg-type]


def test_percent_of_refuses_float() -> None:
    with pytest.raises(TypeError):
        percent_of(Decimal(4800), 0.5, "EUR")  # type: ignore[arg-type]


# ----------------------------------------------------------------------- format_money

# Group and decimal separators of the number part, per language.
SEPARATORS: dict[Language, tuple[tuple[str, ...], str]] = {
    "en": ((",",), "."),
    "fi": (("\u00a0", "\u202f", " "), ","),
    "ro": ((".",), ","),
    "zh-Hant": ((",",), "."),
    "zh-Hans": ((",",), "."),
}
IN_RANGE = st.decimals(
    min_value=Decimal(-(10**12)), max_value=Decimal(10**12), allow_nan=False, allow_infinity=False
)


def number_part(text: str, lang: Language) -> Decimal:
    digits = re.search(r"\d.*\d|\d", text)
    assert digits is not None, text
    number = digits.group()
    groups, point = SEPARATORS[lang]
    for sep in groups:
        number = number.replace(sep, "")
    return Decimal(number.replace(point, "."))


@settings(max_examples=300, deadline=None)
@given(IN_RANGE, st.sampled_from([*sorted(PLACES), "USD", "RON", "TWD", "CNY", "GBP"]))
def test_format_money_never_fails_and_shows_the_rounded_amount(
    amount: Decimal, currency: str
) -> None:
    rounded = quantize(amount, currency)
    for lang in SUPPORTED_LANGUAGES:
        for trim in (True, False):
            text = format_money(amount, currency, lang, trim=trim)
            assert isinstance(text, str)
            assert text
            assert number_part(text, lang) == abs(rounded), (text, lang)
            if rounded >= 0:
                assert "-" not in text, text
            else:
                assert "-" in text or "\u2212" in text, text


@pytest.mark.parametrize(
    ("amount", "currency", "lang", "text"),
    [
        ("4800", "EUR", "en", "€4,800"),
        ("4800.5", "EUR", "en", "€4,800.50"),
        ("4800", "EUR", "fi", "4\u00a0800\u00a0€"),
        ("4800", "EUR", "ro", "4.800\u00a0EUR"),
        ("60000", "TWD", "zh-Hant", "NT$60,000"),
        ("300", "CNY", "zh-Hans", "¥300"),
        ("1.5", "JPY", "en", "JP¥2"),
        ("1.0005", "BHD", "en", "BHD\u00a01.001"),
        ("4800", "RON", "en", "RON\u00a04,800"),
    ],
)
def test_format_money_examples(amount: str, currency: str, lang: Language, text: str) -> None:
    assert format_money(Decimal(amount), currency, lang) == text


def test_format_money_without_trim_keeps_the_decimals() -> None:
    assert format_money(Decimal(4800), "EUR", "en", trim=False) == "€4,800.00"
    assert format_money(Decimal(4800), "EUR", "fi", trim=False) == "4\u00a0800,00\u00a0€"


@pytest.mark.parametrize("amount", ["-0.001", "-0", "-0.00", "-0.004"])
@pytest.mark.parametrize(("lang", "zero"), [("en", "€0"), ("fi", "0\xa0€"), ("ro", "0\xa0EUR")])
def test_format_money_has_no_negative_zero(amount: str, lang: Language, zero: str) -> None:
    # An amount that rounds to zero used to keep its minus sign ("-€0").
    assert format_money(Decimal(amount), "EUR", lang) == zero
