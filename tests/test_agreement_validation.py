"""Reading and validating agreement files: every rule, with the exact message and line.

Bad inputs are small edits of ``BASE`` below, so the line of every field is known: the tests
run in a temporary directory and load ``agreement.yaml`` by its relative name, which is how
the file appears in each message.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from importlib import resources
from pathlib import Path

import msgspec
import pytest
import yaml

from scopeline.core import (
    Agreement,
    AgreementError,
    Problem,
    agreement_from_data,
    load_agreement,
    parse_agreement,
)

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))

# Line numbers are part of the expected messages below; keep this text as it is.
BASE = """\
version: 1
project: Test website
client:
  name: Test Oy
  language: fi
  contact: Matti
provider:
  name: Studio
  skills: [web design, seo]
currency: EUR
price:
  model: fixed
  amount: 4800
  hourly_rate: 80
deposit:
  percent: 50
deadline: 2026-12-15
scope:
  - id: pages
    title: Five pages
    quantity: 5
    unit: page
    hours: 30
  - id: news
    title: News section
    hours: 6
exclusions:
  - id: accounts
    title: User accounts
allowances:
  concepts: 3
  revision_rounds: 2
policy:
  favor_max_hours: 1
  goodwill_budget_hours: 4
  rush_surcharge_percent: 25
ledger:
  - {date: 2026-10-01, type: payment, amount: 2400}
  - {date: 2026-10-10, type: concepts_delivered, count: 3}
  - {date: 2026-10-20, type: revision_round}
  - {date: 2026-10-21, type: hours, hours: 12.5, note: templates}
  - {date: 2026-10-22, type: favor, hours: 0.5, note: favicon}
  - {date: 2026-10-23, type: change_order_issued, ref: CO-1, amount: 400}
  - {date: 2026-10-24, type: change_order_accepted, ref: CO-1, amount: 400}
"""

EVENT_TYPES = (
    "payment, refund, concepts_delivered, revision_round, hours, favor, change_order_issued, "
    "change_order_accepted, change_order_declined, advice_overridden, request_decided"
)
TOP_LEVEL_FIELDS = (
    "version, project, client, provider, currency, price, scope, deposit, start, deadline, "
    "exclusions, allowances, policy, ledger"
)
LAST_EVENT = "  - {date: 2026-10-24, type: change_order_accepted, ref: CO-1, amount: 400}\n"


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def edited(*edits: tuple[str, str]) -> str:
    """BASE with each ``(old, new)`` applied; ``old`` must occur exactly once."""
    text = BASE
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} must occur once in the base text"
        text = text.replace(old, new)
    return text


def write(text: str | bytes, name: str = "agreement.yaml") -> str:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    Path(name).write_bytes(raw)
    return name


def problems_of(text: str | bytes, name: str = "agreement.yaml") -> list[str]:
    """The messages that loading ``text`` from the file ``name`` gives (it must fail)."""
    with pytest.raises(AgreementError) as info:
        load_agreement(write(text, name))
    return [str(problem) for problem in info.value.problems]


def test_base_text_is_valid() -> None:
    agreement = load_agreement(write(BASE))
    assert agreement.project == "Test website"
    assert agreement.price.amount == Decimal(4800)
    assert len(agreement.ledger) == 7


# --------------------------------------------------------------------------- field rules

# (old, new) edits of BASE and the exact message that the result must give.
FIELD_CASES: list[tuple[str, str, str, str]] = [
    # id, old, new, expected
    (
        "quantity-negative",
        "quantity: 5",
        "quantity: -3",
        "agreement.yaml:21: scope[0].quantity: must be a positive whole number, got -3",
    ),
    (
        "quantity-zero",
        "quantity: 5",
        "quantity: 0",
        "agreement.yaml:21: scope[0].quantity: must be a positive whole number, got 0",
    ),
    (
        "quantity-fraction",
        "quantity: 5",
        "quantity: 1.5",
        "agreement.yaml:21: scope[0].quantity: must be a whole number, got 1.5",
    ),
    (
        "quantity-text",
        "quantity: 5",
        "quantity: five",
        "agreement.yaml:21: scope[0].quantity: must be a whole number, got 'five'",
    ),
    (
        "allowance-negative",
        "  concepts: 3",
        "  concepts: -1",
        "agreement.yaml:31: allowances.concepts: must be a whole number, zero or more, got -1",
    ),
    (
        "allowance-fraction",
        "  concepts: 3",
        "  concepts: 3.0",
        "agreement.yaml:31: allowances.concepts: must be a whole number, got 3.0",
    ),
    (
        "event-count-zero",
        "type: revision_round}",
        "type: revision_round, count: 0}",
        "agreement.yaml:40: ledger[2].count: must be a positive whole number, got 0",
    ),
    (
        "event-count-fraction",
        "type: concepts_delivered, count: 3}",
        "type: concepts_delivered, count: 2.5}",
        "agreement.yaml:39: ledger[1].count: must be a whole number, got 2.5",
    ),
    (
        "deposit-over-100",
        "percent: 50",
        "percent: 150",
        "agreement.yaml:16: deposit.percent: must be at most 100, got 150",
    ),
    (
        "deposit-negative",
        "percent: 50",
        "percent: -5",
        "agreement.yaml:16: deposit.percent: must not be negative, got -5",
    ),
    (
        "price-negative",
        "  amount: 4800",
        "  amount: -4800",
        "agreement.yaml:13: price.amount: must not be negative, got -4800",
    ),
    (
        "rate-zero",
        "  hourly_rate: 80",
        "  hourly_rate: 0",
        "agreement.yaml:14: price.hourly_rate: must be a positive number, got 0",
    ),
    (
        "rate-negative",
        "  hourly_rate: 80",
        "  hourly_rate: -80.5",
        "agreement.yaml:14: price.hourly_rate: must be a positive number, got -80.5",
    ),
    (
        "payment-negative",
        "type: payment, amount: 2400",
        "type: payment, amount: -2400",
        "agreement.yaml:38: ledger[0].amount: must be a positive number, got -2400",
    ),
    (
        "payment-zero",
        "type: payment, amount: 2400",
        "type: payment, amount: 0",
        "agreement.yaml:38: ledger[0].amount: must be a positive number, got 0",
    ),
    (
        "refund-negative",
        "type: payment, amount: 2400",
        "type: refund, amount: -10",
        "agreement.yaml:38: ledger[0].amount: must be a positive number, got -10",
    ),
    (
        "change-order-negative",
        "type: change_order_issued, ref: CO-1, amount: 400",
        "type: change_order_issued, ref: CO-1, amount: -400",
        "agreement.yaml:43: ledger[5].amount: must not be negative, got -400",
    ),
    (
        "hours-negative",
        "type: hours, hours: 12.5",
        "type: hours, hours: -2",
        "agreement.yaml:41: ledger[3].hours: must be a positive number, got -2",
    ),
    (
        "favor-zero",
        "type: favor, hours: 0.5",
        "type: favor, hours: 0",
        "agreement.yaml:42: ledger[4].hours: must be a positive number, got 0",
    ),
    (
        "scope-hours-negative",
        "    hours: 30",
        "    hours: -30",
        "agreement.yaml:23: scope[0].hours: must not be negative, got -30",
    ),
    (
        "policy-negative",
        "  favor_max_hours: 1",
        "  favor_max_hours: -1",
        "agreement.yaml:34: policy.favor_max_hours: must not be negative, got -1",
    ),
    (
        "amount-word",
        "  amount: 4800",
        "  amount: abc",
        "agreement.yaml:13: price.amount: must be a number, got 'abc'",
    ),
    (
        "amount-with-unit",
        "  amount: 4800",
        "  amount: '4800 EUR'",
        "agreement.yaml:13: price.amount: must be a number, got '4800 EUR'",
    ),
    (
        "amount-with-group-comma",
        "  amount: 4800",
        "  amount: 4,800",
        "agreement.yaml:13: price.amount: must be a number, got '4,800'",
    ),
    (
        "amount-empty-text",
        "  amount: 4800",
        "  amount: ''",
        "agreement.yaml:13: price.amount: must be a number, got ''",
    ),
    (
        "payment-word",
        "type: payment, amount: 2400",
        "type: payment, amount: lots",
        "agreement.yaml:38: ledger[0].amount: must be a number, got 'lots'",
    ),
    (
        "amount-inf",
        "  amount: 4800",
        "  amount: .inf",
        "agreement.yaml:13: price.amount: must be a number, got '.inf'",
    ),
    (
        "amount-minus-inf",
        "  amount: 4800",
        "  amount: -.inf",
        "agreement.yaml:13: price.amount: must be a number, got '-.inf'",
    ),
    (
        "amount-nan",
        "  amount: 4800",
        "  amount: .nan",
        "agreement.yaml:13: price.amount: must be a number, got '.nan'",
    ),
    (
        "amount-nan-text",
        "  amount: 4800",
        "  amount: 'NaN'",
        "agreement.yaml:13: price.amount: must be a finite number, got NaN",
    ),
    (
        "percent-inf",
        "percent: 50",
        "percent: .inf",
        "agreement.yaml:16: deposit.percent: must be a number, got '.inf'",
    ),
    (
        "eur-three-decimals",
        "  amount: 4800",
        "  amount: 0.005",
        "agreement.yaml:13: price.amount: 0.005 has more decimals than EUR allows",
    ),
    (
        "eur-payment-three-decimals",
        "type: payment, amount: 2400",
        "type: payment, amount: 2400.001",
        "agreement.yaml:38: ledger[0].amount: 2400.001 has more decimals than EUR allows",
    ),
    (
        "eur-change-order-three-decimals",
        "type: change_order_accepted, ref: CO-1, amount: 400",
        "type: change_order_accepted, ref: CO-1, amount: 400.125",
        "agreement.yaml:44: ledger[6].amount: 400.125 has more decimals than EUR allows",
    ),
    (
        "eur-rate-three-decimals",
        "  hourly_rate: 80",
        "  hourly_rate: 80.125",
        "agreement.yaml:14: price.hourly_rate: 80.125 has more decimals than EUR allows",
    ),
    (
        "version-2",
        "version: 1",
        "version: 2",
        "agreement.yaml:1: version: unsupported format version 2; this Scopeline reads version 1",
    ),
    (
        "version-text",
        "version: 1",
        "version: one",
        "agreement.yaml:1: version: must be a whole number, got 'one'",
    ),
    (
        "project-blank",
        "project: Test website",
        "project: '  '",
        "agreement.yaml:2: project: must not be empty",
    ),
    (
        "client-name-blank",
        "  name: Test Oy",
        "  name: ''",
        "agreement.yaml:4: client.name: must not be empty",
    ),
    (
        "title-number",
        "    title: Five pages",
        "    title: 42",
        "agreement.yaml:20: scope[0].title: must be text, got 42",
    ),
    (
        "skills-not-a-list",
        "  skills: [web design, seo]",
        "  skills: web design",
        "agreement.yaml:9: provider.skills: must be a list, got 'web design'",
    ),
    (
        "client-not-a-mapping",
        "client:\n  name: Test Oy\n  language: fi\n  contact: Matti\n",
        "client: Test Oy\n\n\n\n",
        "agreement.yaml:3: client: must be a mapping of fields, got 'Test Oy'",
    ),
    (
        "price-model-typo",
        "  model: fixed",
        "  model: fixd",
        "agreement.yaml:12: price.model: must be one of fixed, hourly; got 'fixd' "
        "(did you mean 'fixed'?)",
    ),
    (
        "price-model-unknown",
        "  model: fixed",
        "  model: flat",
        "agreement.yaml:12: price.model: must be one of fixed, hourly; got 'flat'",
    ),
    (
        "fixed-without-amount",
        "  model: fixed\n  amount: 4800\n",
        "  model: fixed\n\n",
        "agreement.yaml:11: price.amount: is required when model is 'fixed'",
    ),
    (
        "hourly-without-rate",
        "  model: fixed\n  amount: 4800\n  hourly_rate: 80\n",
        "  model: hourly\n\n\n",
        "agreement.yaml:11: price.hourly_rate: is required when model is 'hourly'",
    ),
    (
        "id-with-space",
        "  - id: pages",
        "  - id: my pages",
        "agreement.yaml:19: scope[0].id: must be one word without spaces, got 'my pages'",
    ),
    (
        "id-empty",
        "  - id: pages",
        "  - id: ''",
        "agreement.yaml:19: scope[0].id: must not be empty",
    ),
    (
        "id-too-long",
        "  - id: accounts",
        "  - id: " + "x" * 65,
        "agreement.yaml:28: exclusions[0].id: must be at most 64 characters, got 65",
    ),
    (
        "event-ref-blank",
        "type: change_order_issued, ref: CO-1,",
        "type: change_order_issued, ref: ' ',",
        "agreement.yaml:43: ledger[5].ref: must not be empty",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [pytest.param(old, new, expected, id=name) for name, old, new, expected in FIELD_CASES],
)
def test_field_rule(old: str, new: str, expected: str) -> None:
    assert problems_of(edited((old, new))) == [expected]


# --------------------------------------------------------------------- currency decimals


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param(
            [("currency: EUR", "currency: JPY"), ("  amount: 4800", "  amount: 1.5")],
            "agreement.yaml:13: price.amount: 1.5 has more decimals than JPY allows",
            id="jpy-price",
        ),
        pytest.param(
            [
                ("currency: EUR", "currency: JPY"),
                ("payment, amount: 2400", "payment, amount: 24.5"),
            ],
            "agreement.yaml:38: ledger[0].amount: 24.5 has more decimals than JPY allows",
            id="jpy-payment",
        ),
        pytest.param(
            [("currency: EUR", "currency: BHD"), ("  amount: 4800", "  amount: 4800.1255")],
            "agreement.yaml:13: price.amount: 4800.1255 has more decimals than BHD allows",
            id="bhd-four-decimals",
        ),
    ],
)
def test_amount_with_more_decimals_than_the_currency(
    edits: list[tuple[str, str]], expected: str
) -> None:
    assert problems_of(edited(*edits)) == [expected]


@pytest.mark.parametrize(
    ("currency", "amount"),
    [("EUR", "4800.05"), ("EUR", "4800.50"), ("JPY", "4800"), ("BHD", "4800.125")],
)
def test_amounts_that_fit_the_currency_are_accepted(currency: str, amount: str) -> None:
    agreement = load_agreement(
        write(
            edited(
                ("currency: EUR", f"currency: {currency}"),
                ("  amount: 4800", f"  amount: {amount}"),
            )
        )
    )
    assert agreement.price.amount == Decimal(amount)
    assert type(agreement.price.amount) is Decimal


# ------------------------------------------------------------ currency and language hints


def test_unknown_currency() -> None:
    assert problems_of(edited(("currency: EUR", "currency: XYZ"))) == [
        "agreement.yaml:10: currency: unknown currency 'XYZ'; use an ISO 4217 code such as EUR"
    ]


def test_lower_case_currency_gets_a_hint() -> None:
    assert problems_of(edited(("currency: EUR", "currency: eur"))) == [
        "agreement.yaml:10: currency: unknown currency 'eur'; use an ISO 4217 code such as EUR "
        "(did you mean 'EUR'?)"
    ]


SUPPORTED = "use one of en, fi, ro, zh-Hant, zh-Hans"


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        ("zh-TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh_CN", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("en-GB", "en"),
        ("finnish", "fi"),
        ("ro-RO", "ro"),
    ],
)
def test_unsupported_language_alias_gets_a_hint(code: str, hint: str) -> None:
    assert problems_of(edited(("language: fi", f"language: {code}"))) == [
        f"agreement.yaml:5: client.language: unsupported language {code!r}; {SUPPORTED} "
        f"(did you mean {hint!r}?)"
    ]


def test_unsupported_language_without_hint() -> None:
    assert problems_of(edited(("language: fi", "language: klingon"))) == [
        f"agreement.yaml:5: client.language: unsupported language 'klingon'; {SUPPORTED}"
    ]


@pytest.mark.parametrize(
    ("written", "normalised"),
    [("ZH-hant", "zh-Hant"), ("zh_hans", "zh-Hans"), ("FI", "fi"), (" en ", "en"), ("RO", "ro")],
)
def test_client_language_is_normalised(written: str, normalised: str) -> None:
    agreement = load_agreement(write(edited(("language: fi", f"language: '{written}'"))))
    assert agreement.client.language == normalised
    assert agreement.lang == normalised


# ------------------------------------------------------------------------ unknown fields


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "exclusions:",
            "exclusion:",
            "agreement.yaml:27: exclusion: unknown field 'exclusion'; did you mean 'exclusions'?",
            id="top-level-typo",
        ),
        pytest.param(
            "policy:\n",
            "budget: 12\npolicy:\n",
            "agreement.yaml:33: budget: unknown field 'budget'; "
            f"expected one of: {TOP_LEVEL_FIELDS}",
            id="top-level-unknown",
        ),
        pytest.param(
            "  language: fi",
            "  langauge: fi",
            "agreement.yaml:5: client.langauge: unknown field 'langauge'; did you mean 'language'?",
            id="client-typo",
        ),
        pytest.param(
            "  contact: Matti",
            "  contact: Matti\n  phone: 123",
            "agreement.yaml:7: client.phone: unknown field 'phone'; "
            "expected one of: name, language, contact, email",
            id="client-unknown",
        ),
        pytest.param(
            "  amount: 4800",
            "  amont: 4800",
            "agreement.yaml:13: price.amont: unknown field 'amont'; did you mean 'amount'?",
            id="price-typo",
        ),
        pytest.param(
            "    title: Five pages",
            "    titel: Five pages",
            "agreement.yaml:20: scope[0].titel: unknown field 'titel'; did you mean 'title'?",
            id="scope-item-typo",
        ),
        pytest.param(
            "  goodwill_budget_hours: 4",
            "  goodwill_hours: 4",
            "agreement.yaml:35: policy.goodwill_hours: unknown field 'goodwill_hours'; "
            "did you mean 'goodwill_budget_hours'?",
            id="policy-typo",
        ),
        pytest.param(
            "type: payment, amount: 2400",
            "type: payment, amout: 2400",
            "agreement.yaml:38: ledger[0].amout: unknown field 'amout'; did you mean 'amount'?",
            id="event-field-typo",
        ),
        pytest.param(
            "type: change_order_accepted, ref: CO-1, amount: 400",
            "type: change_order_accepted, ref: CO-1, amount: 400, revision_round: 1",
            "agreement.yaml:44: ledger[6].revision_round: unknown field 'revision_round'; "
            "did you mean 'revision_rounds'?",
            id="change-order-field-typo",
        ),
        pytest.param(
            "type: payment, amount: 2400",
            "type: paymnet, amount: 2400",
            "agreement.yaml:38: ledger[0].type: unknown event type 'paymnet'; "
            "did you mean 'payment'?",
            id="event-type-typo",
        ),
        pytest.param(
            "type: revision_round}",
            "type: revision}",
            "agreement.yaml:40: ledger[2].type: unknown event type 'revision'; "
            "did you mean 'revision_round'?",
            id="event-type-short",
        ),
        pytest.param(
            "type: payment, amount: 2400",
            "type: invoice, amount: 2400",
            "agreement.yaml:38: ledger[0].type: unknown event type 'invoice'; "
            f"expected one of: {EVENT_TYPES}",
            id="event-type-unknown",
        ),
        pytest.param(
            "type: payment, amount: 2400",
            "amount: 2400",
            f"agreement.yaml:38: ledger[0].type: is required: one of {EVENT_TYPES}",
            id="event-type-missing",
        ),
    ],
)
def test_unknown_field(old: str, new: str, expected: str) -> None:
    assert problems_of(edited((old, new))) == [expected]


# ------------------------------------------------------------------ missing fields


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param("version: 1\n", "\n", "agreement.yaml: version: is required", id="version"),
        pytest.param(
            "project: Test website\n", "\n", "agreement.yaml: project: is required", id="project"
        ),
        pytest.param(
            "currency: EUR\n", "\n", "agreement.yaml: currency: is required", id="currency"
        ),
        pytest.param(
            "  name: Test Oy\n",
            "\n",
            "agreement.yaml:3: client.name: is required",
            id="client-name",
        ),
        pytest.param(
            "  language: fi\n",
            "\n",
            "agreement.yaml:3: client.language: is required",
            id="client-language",
        ),
        pytest.param(
            "  model: fixed\n",
            "\n",
            "agreement.yaml:11: price.model: is required",
            id="price-model",
        ),
        pytest.param(
            "    title: Five pages\n",
            "\n",
            "agreement.yaml:19: scope[0].title: is required",
            id="scope-title",
        ),
        pytest.param(
            "type: payment, amount: 2400}",
            "type: payment}",
            "agreement.yaml:38: ledger[0].amount: is required",
            id="payment-amount",
        ),
        pytest.param(
            "{date: 2026-10-01, type: payment",
            "{type: payment",
            "agreement.yaml:38: ledger[0].date: is required",
            id="event-date",
        ),
        pytest.param(
            "type: change_order_issued, ref: CO-1, ",
            "type: change_order_issued, ",
            "agreement.yaml:43: ledger[5].ref: is required",
            id="change-order-ref",
        ),
    ],
)
def test_missing_required_field(old: str, new: str, expected: str) -> None:
    assert problems_of(edited((old, new))) == [expected]


def test_empty_scope_is_rejected() -> None:
    text = edited(
        (
            "scope:\n  - id: pages\n    title: Five pages\n    quantity: 5\n    unit: page\n"
            "    hours: 30\n  - id: news\n    title: News section\n    hours: 6\n",
            "scope: []\n",
        )
    )
    assert problems_of(text) == [
        "agreement.yaml:18: scope: must list at least one item that the price covers"
    ]


# ------------------------------------------------------------------------ duplicate ids


def test_duplicate_scope_id() -> None:
    assert problems_of(edited(("  - id: news", "  - id: pages"))) == [
        "agreement.yaml:24: scope[1].id: duplicate id 'pages' (first used at scope[0].id)"
    ]


def test_duplicate_exclusion_id() -> None:
    text = edited(
        (
            "    title: User accounts\n",
            "    title: User accounts\n  - {id: accounts, title: Login}\n",
        )
    )
    assert problems_of(text) == [
        "agreement.yaml:30: exclusions[1].id: duplicate id 'accounts' "
        "(first used at exclusions[0].id)"
    ]


def test_exclusion_id_equal_to_a_scope_id() -> None:
    assert problems_of(edited(("  - id: accounts", "  - id: news"))) == [
        "agreement.yaml:28: exclusions[0].id: exclusion id 'news' is also a scope item id "
        "(scope[1].id)"
    ]


# ------------------------------------------------------------------------------- dates


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "tomorrow", "15.12.2026"])
def test_invalid_deadline(value: str) -> None:
    assert problems_of(edited(("deadline: 2026-12-15", f"deadline: {value}"))) == [
        f"agreement.yaml:17: deadline: must be a date written YYYY-MM-DD, got {value!r}"
    ]


def test_invalid_event_date() -> None:
    assert problems_of(edited(("{date: 2026-10-20,", "{date: 2026-10-32,"))) == [
        "agreement.yaml:40: ledger[2].date: must be a date written YYYY-MM-DD, got '2026-10-32'"
    ]


def test_date_with_a_time_is_shown_as_written() -> None:
    (message,) = problems_of(edited(("deadline: 2026-12-15", "deadline: 2026-12-15 10:00:00")))
    assert message.startswith("agreement.yaml:17: deadline: must be a date")
    assert "datetime.datetime" not in message


def test_date_with_a_time_is_rejected() -> None:
    (message,) = problems_of(edited(("{date: 2026-10-01,", "{date: 2026-10-01T10:00:00,")))
    assert message.startswith("agreement.yaml:38: ledger[0].date: must be a date")


def test_deadline_before_start() -> None:
    text = edited(("deadline: 2026-12-15", "deadline: 2026-12-15\nstart: 2027-01-01"))
    assert problems_of(text) == ["agreement.yaml:17: deadline: is before the start date 2027-01-01"]


def test_ledger_must_be_oldest_first() -> None:
    assert problems_of(edited(("{date: 2026-10-10,", "{date: 2026-09-10,"))) == [
        "agreement.yaml:39: ledger[1].date: ledger events must be listed oldest first"
    ]


def test_events_on_the_same_day_are_in_order() -> None:
    agreement = load_agreement(write(edited(("{date: 2026-10-10,", "{date: 2026-10-01,"))))
    assert agreement.ledger[0].date == agreement.ledger[1].date


def test_change_order_accepted_twice() -> None:
    twice = LAST_EVENT + LAST_EVENT.replace("2026-10-24", "2026-10-25")
    assert problems_of(edited((LAST_EVENT, twice))) == [
        "agreement.yaml:45: ledger[7].ref: change order 'CO-1' is already accepted"
    ]


def test_every_cross_field_problem_is_reported_at_once() -> None:
    text = edited(
        ("version: 1", "version: 3"),
        ("currency: EUR", "currency: usd"),
        ("  - id: news", "  - id: pages"),
        ("{date: 2026-10-10,", "{date: 2026-09-10,"),
    )
    assert problems_of(text) == [
        "agreement.yaml:1: version: unsupported format version 3; this Scopeline reads version 1",
        "agreement.yaml:10: currency: unknown currency 'usd'; use an ISO 4217 code such as EUR "
        "(did you mean 'USD'?)",
        "agreement.yaml:24: scope[1].id: duplicate id 'pages' (first used at scope[0].id)",
        "agreement.yaml:39: ledger[1].date: ledger events must be listed oldest first",
    ]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(
            ("  amount: 4800", "  amount: 12345678901234567890123456789"),
            "agreement.yaml:13: price.amount: is too large, got 12345678901234567890123456789",
            id="29-digits",
        ),
        pytest.param(
            ("  amount: 4800", "  amount: 1e400"),
            "agreement.yaml:13: price.amount: is too large, got 1E+400",
            id="1e400",
        ),
        pytest.param(
            ("  amount: 4800", "  amount: '1E+30'"),
            "agreement.yaml:13: price.amount: is too large, got 1E+30",
            id="quoted-exponent",
        ),
        pytest.param(
            ("  amount: 4800", "  amount: 1000000000000000"),
            "agreement.yaml:13: price.amount: is too large, got 1000000000000000",
            id="a-quadrillion",
        ),
        pytest.param(
            ("type: payment, amount: 2400", "type: payment, amount: 1e30"),
            "agreement.yaml:38: ledger[0].amount: is too large, got 1E+30",
            id="payment",
        ),
        pytest.param(
            ("    hours: 30", "    hours: 1e400"),
            "agreement.yaml:23: scope[0].hours: is too large, got 1E+400",
            id="scope-hours",
        ),
    ],
)
def test_huge_number_is_a_problem_not_a_crash(edit: tuple[str, str], expected: str) -> None:
    # Before the limit existed, 27+ digits crashed validation with decimal.InvalidOperation.
    assert problems_of(edited(edit)) == [expected]


def test_largest_amount_below_the_limit_is_accepted() -> None:
    agreement = load_agreement(write(edited(("  amount: 4800", "  amount: 999999999999.99"))))
    assert agreement.price.amount == Decimal("999999999999.99")


# ------------------------------------------------------------------------- YAML syntax


def test_duplicate_top_level_key() -> None:
    assert problems_of(edited(("currency: EUR\n", "currency: EUR\ncurrency: USD\n"))) == [
        "agreement.yaml:11: currency: duplicate key (first at line 10)"
    ]


def test_duplicate_nested_key() -> None:
    assert problems_of(edited(("    quantity: 5\n", "    quantity: 5\n    quantity: 6\n"))) == [
        "agreement.yaml:22: scope[0].quantity: duplicate key (first at line 21)"
    ]


def test_duplicate_key_in_a_flow_mapping() -> None:
    text = edited(("type: payment, amount: 2400}", "type: payment, amount: 2400, amount: 1}"))
    assert problems_of(text) == [
        "agreement.yaml:38: ledger[0].amount: duplicate key (first at line 38)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "project: Test website",
            "project: Test: website",
            "agreement.yaml:2: YAML syntax error: mapping values are not allowed in this context",
            id="colon-in-plain-value",
        ),
        pytest.param(
            "    title: News section",
            "   title: News section",
            "agreement.yaml:25: YAML syntax error: did not find expected '-' indicator",
            id="bad-indentation",
        ),
        pytest.param(
            "  - {date: 2026-10-22, type: favor, hours: 0.5, note: favicon}",
            "  - {date: 2026-10-22, type: favor, hours: 0.5, note: favicon",
            "agreement.yaml:43: YAML syntax error: did not find expected ',' or '}'",
            id="unclosed-flow-mapping",
        ),
    ],
)
def test_yaml_syntax_error_has_a_line(old: str, new: str, expected: str) -> None:
    assert problems_of(edited((old, new))) == [expected]


def test_unclosed_quote_names_the_line_where_it_starts() -> None:
    (message,) = problems_of(edited(("  contact: Matti", '  contact: "Matti')))
    assert message.startswith("agreement.yaml:6: YAML syntax error: ")


def test_tab_indentation_is_a_syntax_error_with_a_line() -> None:
    (message,) = problems_of(edited(("  percent: 50", "\tpercent: 50")))
    assert message.startswith("agreement.yaml:16: YAML syntax error: ")


# ------------------------------------------------------------------------- JSON files


def base_as_json(indent: int | None = 2) -> str:
    data = yaml.safe_load(BASE)
    return json.dumps(data, default=str, indent=indent)


def test_json_agreement_equals_the_yaml_one() -> None:
    from_yaml = load_agreement(write(BASE))
    from_json = load_agreement(write(base_as_json(), "agreement.json"))
    assert from_json == from_yaml
    assert msgspec.to_builtins(from_json) == msgspec.to_builtins(from_yaml)


def test_json_is_recognised_without_an_extension() -> None:
    assert load_agreement(write(base_as_json(), "agreement")) == load_agreement(write(BASE))


def test_json_amounts_with_decimals_are_exact() -> None:
    text = base_as_json().replace('"amount": 4800', '"amount": 4800.10')
    agreement = load_agreement(write(text, "agreement.json"))
    assert agreement.price.amount == Decimal("4800.10")
    assert type(agreement.price.amount) is Decimal


def test_json_syntax_error_has_a_line() -> None:
    text = base_as_json().replace('"currency": "EUR"', '"currency": "EUR",')
    assert problems_of(text, "agreement.json") == [
        "agreement.json:16: JSON syntax error: Expecting property name enclosed in double quotes "
        "(column 21)"
    ]


def test_json_duplicate_key_has_a_line() -> None:
    text = base_as_json().replace('"currency": "EUR"', '"currency": "EUR",\n  "currency": "USD"')
    assert problems_of(text, "agreement.json") == [
        "agreement.json:17: currency: duplicate key (first at line 16)"
    ]


def test_json_duplicate_key_on_one_line() -> None:
    text = base_as_json(indent=None).replace('"EUR"', '"EUR", "currency": "USD"')
    assert problems_of(text, "agreement.json") == [
        "agreement.json:1: currency: duplicate key (first at line 1)"
    ]


def test_json_validation_error_has_a_line() -> None:
    text = base_as_json().replace('"quantity": 5', '"quantity": -3')
    assert problems_of(text, "agreement.json") == [
        "agreement.json:30: scope[0].quantity: must be a positive whole number, got -3"
    ]


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_json_non_finite_amount(constant: str) -> None:
    text = base_as_json().replace('"amount": 4800', f'"amount": {constant}')
    (message,) = problems_of(text, "agreement.json")
    assert message.startswith("agreement.json:19: price.amount: must be a finite number, got ")


def test_json_that_is_a_list() -> None:
    assert problems_of("[1, 2]", "agreement.json") == [
        "agreement.json: an agreement must be a mapping of fields (version, project, ...), "
        "got a list"
    ]


# ------------------------------------------------------------------ unreadable documents


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    assert problems_of(text) == ["agreement.yaml: the file is empty"]


@pytest.mark.parametrize("text", ["---\n", "null\n", "~\n", "--- # nothing\n...\n"])
def test_document_without_content_is_empty(text: str) -> None:
    # This used to say "got NoneType".
    assert problems_of(text) == ["agreement.yaml: the file is empty"]


def test_binary_file() -> None:
    assert problems_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == [
        "agreement.yaml: this is a binary file, not a YAML or JSON agreement"
    ]


def test_non_utf8_file_names_the_line() -> None:
    raw = BASE.replace("Test Oy", "Täst Oy").encode("latin-1")
    assert problems_of(raw) == [
        "agreement.yaml:4: not valid UTF-8 text (byte 0xe4); save it as UTF-8"
    ]


def test_utf8_with_bom_is_read() -> None:
    assert load_agreement(write(b"\xef\xbb\xbf" + BASE.encode())) == load_agreement(write(BASE))


def test_windows_line_endings_keep_line_numbers() -> None:
    text = edited(("quantity: 5", "quantity: -3")).replace("\n", "\r\n")
    assert problems_of(text) == [
        "agreement.yaml:21: scope[0].quantity: must be a positive whole number, got -3"
    ]


@pytest.mark.parametrize(
    ("text", "got"),
    [("- version: 1\n- project: x\n", "a list"), ("just some text\n", "text")],
)
def test_document_that_is_not_a_mapping(text: str, got: str) -> None:
    assert problems_of(text) == [
        f"agreement.yaml: an agreement must be a mapping of fields (version, project, ...), "
        f"got {got}"
    ]


def test_huge_file_is_refused_before_parsing() -> None:
    raw = b"# padding\n" * (5 * 1024 * 1024 // 10 + 1)
    start = time.perf_counter()
    assert problems_of(raw) == [
        f"agreement.yaml: file is too large ({len(raw):,} bytes; the limit is 5 MB)"
    ]
    assert time.perf_counter() - start < 1


def test_alias_bomb_fails_fast() -> None:
    # Nine levels of nine aliases each: 9**9 (387 million) leaves if it were expanded.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    start = time.perf_counter()
    assert problems_of("\n".join(lines) + "\n") == [
        "agreement.yaml: the document is too large or too nested"
    ]
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {b: *a}\n"])
def test_recursive_alias_fails_fast(text: str) -> None:
    start = time.perf_counter()
    (message,) = problems_of(text)
    assert message.startswith("agreement.yaml: cannot read this YAML: ")
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize("name", ["deep.yaml", "deep.json"])
def test_deeply_nested_document_fails_cleanly(name: str) -> None:
    (message,) = problems_of("[" * 5000 + "]" * 5000, name)
    assert message.startswith(f"{name}: ")
    assert "nested" in message or "recursion" in message


def test_missing_file() -> None:
    with pytest.raises(AgreementError) as info:
        load_agreement("missing.yaml")
    assert [str(p) for p in info.value.problems] == ["missing.yaml: no such file"]


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    Path("folder.yaml").mkdir()
    with pytest.raises(AgreementError) as info:
        load_agreement("folder.yaml")
    assert [str(p) for p in info.value.problems] == ["folder.yaml: is a directory, not a file"]


def test_parse_agreement_names_the_source_given() -> None:
    with pytest.raises(AgreementError) as info:
        parse_agreement(edited(("quantity: 5", "quantity: -3")))
    assert str(info.value) == (
        "<string>:21: scope[0].quantity: must be a positive whole number, got -3"
    )


def test_agreement_from_data_without_lines() -> None:
    data = yaml.safe_load(edited(("quantity: 5", "quantity: -3")))
    with pytest.raises(AgreementError) as info:
        agreement_from_data(data)
    assert str(info.value) == "<data>: scope[0].quantity: must be a positive whole number, got -3"


def test_problem_and_error_text() -> None:
    assert str(Problem("a.yaml", 3, "price.amount", "bad")) == "a.yaml:3: price.amount: bad"
    assert str(Problem("a.yaml", None, "price", "bad")) == "a.yaml: price: bad"
    assert str(Problem("a.yaml", 2, "", "bad")) == "a.yaml:2: bad"
    error = AgreementError([Problem("a", 1, "x", "m"), Problem("a", 2, "y", "n")])
    assert str(error) == "a:1: x: m\na:2: y: n"
    with pytest.raises(ValueError, match="at least one problem"):
        AgreementError([])


# ------------------------------------------------------------- examples and the template


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates(path: Path) -> None:
    agreement = load_agreement(path)
    assert agreement.version == 1
    assert agreement.scope


def test_there_are_examples_in_every_language() -> None:
    languages = {load_agreement(path).lang for path in EXAMPLES}
    assert languages == {"en", "fi", "ro", "zh-Hant", "zh-Hans"}


def test_init_template_validates() -> None:
    template = resources.files("scopeline.core").joinpath("data/agreement-template.yaml")
    agreement = parse_agreement(template.read_text(encoding="utf-8"), source="template.yaml")
    assert agreement.project


def test_loaded_agreement_is_frozen() -> None:
    agreement = load_agreement(write(BASE))
    with pytest.raises(AttributeError):
        agreement.project = "Other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        agreement.price.amount = Decimal(1)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        agreement.scope[0].title = "Other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        agreement.ledger[0].date = agreement.ledger[1].date  # type: ignore[misc]
    assert isinstance(agreement.scope, tuple)
    assert isinstance(agreement.ledger, tuple)
    assert isinstance(agreement, Agreement)
