"""The triage engine end to end: the verdict contract, clear cases, and hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scopeline.core import Agreement, TriageEngine, Verdict, load_agreement
from scopeline.core.triage.contract import ACTIONS, KINDS, SCOPE_VERDICTS, WORK_KINDS
from scopeline.core.triage.corpus import corpus_digest
from scopeline.core.triage.estimate import load_catalogue
from scopeline.core.triage.features import load_cues, load_models

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return TriageEngine()


@pytest.fixture(scope="module")
def acme() -> Agreement:
    return load_agreement(EXAMPLES / "acme-website.yaml")


@pytest.fixture(scope="module")
def shop() -> Agreement:
    return load_agreement(EXAMPLES / "huamei-shop.yaml")


def assert_contract(verdict: Verdict) -> dict[str, object]:
    data = verdict.as_dict()
    json.dumps(data)  # serialisable
    assert data["lang"] in ("en", "fi", "ro", "zh-Hant", "zh-Hans", "und")
    assert data["kind"] in KINDS
    kinds = data["kinds"]
    assert isinstance(kinds, list)
    assert kinds[0] == data["kind"]
    assert all(k in KINDS for k in kinds)
    assert len(set(kinds)) == len(kinds)
    scope = data["scope"]
    assert isinstance(scope, dict)
    assert scope["verdict"] in SCOPE_VERDICTS
    assert 0.0 <= float(scope["score"]) <= 1.0
    if data["kind"] in WORK_KINDS:
        assert scope["verdict"] != "not_applicable"
    else:
        assert scope == {**scope, "verdict": "not_applicable", "item": None}
    assert data["action"] in ACTIONS
    estimate = data["estimate"]
    assert isinstance(estimate, dict)
    assert estimate["low"] <= estimate["hours"] <= estimate["high"]
    price = data["price"]
    if price is not None:
        assert isinstance(price, dict)
        assert isinstance(price["amount"], str)
    reasons = data["reasons"]
    assert isinstance(reasons, list)
    assert reasons
    assert all(isinstance(r, str) and r for r in reasons)
    return data


def test_shipped_model_matches_the_data_it_was_trained_on() -> None:
    meta = load_models().meta
    assert meta["corpus_digest"] == corpus_digest(), "corpus changed: run scripts/train_triage.py"
    assert meta["cues_digest"] == load_cues().digest, "cues changed: retrain"
    assert meta["catalogue_digest"] == load_catalogue().digest, "catalogue changed: retrain"
    assert meta["trained_on"] == "train split"


def test_the_domain_example_finnish_threat_and_registration(
    engine: TriageEngine, acme: Agreement
) -> None:
    verdict = engine.triage(
        acme,
        "Lisätkää sivuille jäsenrekisteröinti ja kirjautuminen, tai emme maksa loppulaskua.",
        id="m1",
    )
    data = assert_contract(verdict)
    assert data["id"] == "m1"
    assert verdict.lang == "fi"
    assert verdict.kinds[:2] == ("addition", "threat")
    assert (verdict.scope.verdict, verdict.scope.item) == ("excluded", "accounts")
    assert verdict.action == "change_order"
    assert verdict.price is not None
    assert verdict.price.amount > 0
    assert any("accounts" in r for r in verdict.reasons)


def test_add_a_login_or_we_wont_pay(engine: TriageEngine, acme: Agreement) -> None:
    verdict = engine.triage(acme, "Add a member login to the site or we won't pay the invoice.")
    assert verdict.kinds[:2] == ("addition", "threat")
    assert verdict.lang == "en"


def test_a_sixth_page_is_beyond_the_quantity(engine: TriageEngine, acme: Agreement) -> None:
    verdict = engine.triage(acme, "Could you add a sixth page to the website for our job openings?")
    assert verdict.kind == "addition"
    assert (verdict.scope.verdict, verdict.scope.item) == ("out_of_scope", "pages")
    assert verdict.scope.requested_quantity == 6
    assert verdict.estimate.hours == 6  # 30 h for 5 pages
    assert verdict.action == "change_order"


def test_cross_lingual_chinese_message_on_an_english_agreement(
    engine: TriageEngine, shop: Agreement
) -> None:
    verdict = engine.triage(shop, "我们想在小程序里加一个直播卖货的功能，老板娘想自己直播。")
    assert verdict.lang == "zh-Hans"
    assert verdict.kind == "addition"
    assert (verdict.scope.verdict, verdict.scope.item) == ("excluded", "livestream")


@pytest.mark.parametrize(
    ("text", "kind", "action"),
    [
        (
            "The contact form doesn't send anything, we got no e-mails all week.",
            "defect",
            "fix_now",
        ),
        (
            "Can you knock 20% off the price? Same site, we're just tight this quarter.",
            "discount",
            "hold_price",
        ),
        ("We want our deposit back, this is not what we asked for.", "refund", "escalate"),
        ("Looks great, approved! Go ahead and publish.", "approval", "acknowledge"),
        ("When will the site go live?", "question", "answer"),
    ],
)
def test_clear_cases(
    engine: TriageEngine, acme: Agreement, text: str, kind: str, action: str
) -> None:
    verdict = engine.triage(acme, text)
    assert_contract(verdict)
    assert (verdict.kind, verdict.action) == (kind, action)


@pytest.mark.parametrize("text", ["ok", "Hei!", "👍", "Kiitos"])
def test_short_messages_keep_the_clients_language(
    engine: TriageEngine, acme: Agreement, text: str
) -> None:
    assert engine.triage(acme, text).lang == "fi"


def test_traditional_and_simplified_are_told_apart(engine: TriageEngine, shop: Agreement) -> None:
    assert engine.triage(shop, "請問這個網站什麼時候會上線？謝謝").lang == "zh-Hant"
    assert engine.triage(shop, "请问这个小程序什么时候能上线？谢谢").lang == "zh-Hans"


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   \n\t ",
        b"\x00\x01\x02\xff" * 500,
        "x" * 1_000_000,
        "ä" * 300_000 + " lisää sivu",
        "<html><body><p>Hi,</p><p>the form is broken &amp; nobody gets mail</p>"
        "<blockquote>old stuff</blockquote></body></html>",
        "Please fix the typo on the About page.\n\nOn Mon, 3 Nov 2026 at 10:12, Maria "
        "<maria@studio.example> wrote:\n> We will publish on Friday.\n> Maria",
        "Hei, voisitko lisätä kaupan? Also can we get the shop in English 谢谢",
        "\ud800 broken surrogate",
    ],
)
def test_never_crashes_and_always_gives_a_valid_verdict(
    engine: TriageEngine, acme: Agreement, message: str | bytes
) -> None:
    assert_contract(engine.triage(acme, message))


def test_empty_and_binary_are_other_und_with_a_reason(
    engine: TriageEngine, acme: Agreement
) -> None:
    for message in ("", b"\x00\x01\x02\x03" * 100):
        verdict = engine.triage(acme, message)
        assert (verdict.kind, verdict.lang, verdict.action) == ("other", "und", "answer")
        assert "Nothing to triage" in verdict.reasons[0]


def test_quoted_history_is_ignored(engine: TriageEngine, acme: Agreement) -> None:
    verdict = engine.triage(
        acme,
        "Thanks, looks good, approved!\n\nOn Tue, 4 Nov 2026, Studio North wrote:\n"
        "> Would you like us to add an online shop with payments for 2,000 EUR?",
    )
    assert verdict.kind == "approval"
    assert "quoted-history-removed" in verdict.notes


def test_batch_keeps_order_and_ids(engine: TriageEngine, acme: Agreement) -> None:
    messages = [(f"m{i}", text) for i, text in enumerate(["ok", "", "Lisää kauppa", "kiitos"])]
    verdicts = list(engine.triage_many(acme, messages, batch_size=3))
    assert [v.id for v in verdicts] == ["m0", "m1", "m2", "m3"]
    single = engine.triage(acme, "Lisää kauppa")
    assert verdicts[2].kind == single.kind
    assert verdicts[2].scope == single.scope
