"""The reply composer over every action × language × tone, checked by the reply checker."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from scopeline.core.agreement import Agreement
from scopeline.core.languages import SUPPORTED_LANGUAGES, Language
from scopeline.core.loading import load_agreement
from scopeline.core.money import format_money
from scopeline.core.replies.bank import TONES, Tone
from scopeline.core.replies.checker import check_reply
from scopeline.core.replies.composer import compose_reply
from scopeline.core.replies.letters import first_name
from scopeline.core.replies.scenarios import Scenario, scenarios
from scopeline.core.triage.contract import ACTIONS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BY_LANG: dict[Language, str] = {
    "en": "brightpath-mvp.yaml",
    "fi": "acme-website.yaml",
    "ro": "bistro-dunarea.yaml",
    "zh-Hant": "anxin-clinic.yaml",
    "zh-Hans": "huamei-shop.yaml",
}
TODAY = dt.date(2026, 11, 23)  # a Monday


def agreement_for(lang: Language) -> Agreement:
    return load_agreement(EXAMPLES / BY_LANG[lang])


CASES = [
    (lang, scenario.name, tone)
    for lang in SUPPORTED_LANGUAGES
    for scenario in scenarios(agreement_for(lang), lang)
    for tone in TONES
]


def scenario_named(lang: Language, name: str) -> tuple[Agreement, Scenario]:
    agreement = agreement_for(lang)
    return agreement, next(s for s in scenarios(agreement, lang) if s.name == name)


def test_first_names_for_western_names_only() -> None:
    assert first_name("Matti Virtanen") == "Matti"
    assert first_name("林怡君") == "林怡君"
    assert first_name("Acme Oy") == "Acme"
    assert first_name("studio north") == "studio north"


def test_the_scenarios_cover_every_action() -> None:
    actions = {s.action for s in scenarios(agreement_for("en"))}
    assert actions == set(ACTIONS)


@pytest.mark.parametrize(("lang", "name", "tone"), CASES)
def test_every_reply_passes_the_checker(lang: Language, name: str, tone: Tone) -> None:
    agreement, scenario = scenario_named(lang, name)
    reply = compose_reply(
        scenario.verdict,
        agreement,
        message=scenario.message,
        state=scenario.state,
        tone=tone,
        today=TODAY,
    )
    assert reply.lang == lang
    problems = check_reply(reply.text, scenario.verdict, agreement, lang=lang, state=scenario.state)
    assert problems == [], reply.text


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_the_same_reply_on_other_example_agreements(lang: Language) -> None:
    """Every language's bank on every example agreement (titles in another language included)."""
    for other in SUPPORTED_LANGUAGES:
        agreement = agreement_for(other)
        for scenario in scenarios(agreement, lang):
            reply = compose_reply(
                scenario.verdict,
                agreement,
                message=scenario.message,
                state=scenario.state,
                today=TODAY,
            )
            assert "{" not in reply.text
            assert "}" not in reply.text
            assert reply.text.rstrip().endswith(agreement.provider.name)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_tones_change_the_wording_not_the_facts(lang: Language) -> None:
    agreement, scenario = scenario_named(lang, "change_order (excluded)")
    texts = {
        tone: compose_reply(
            scenario.verdict,
            agreement,
            message=scenario.message,
            state=scenario.state,
            tone=tone,
            today=TODAY,
        ).text
        for tone in TONES
    }
    assert len(set(texts.values())) == 3
    assert scenario.verdict.price is not None
    price = format_money(scenario.verdict.price.amount, agreement.currency, lang)
    for text in texts.values():
        assert price in text

    def amounts(text: str) -> list[str]:
        return sorted(re.findall(r"\d[\d\s.,\u00a0\u202f]*\d|\d", text))

    assert amounts(texts["warm"]) == amounts(texts["firm"]) == amounts(texts["neutral"])


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_replies_vary_between_requests_and_repeat_for_the_same_one(lang: Language) -> None:
    agreement, scenario = scenario_named(lang, "change_order (beyond quantity)")
    messages = [f"{scenario.message} ({n})" for n in range(8)]
    texts = [
        compose_reply(
            scenario.verdict, agreement, message=m, state=scenario.state, today=TODAY
        ).text
        for m in messages
    ]
    assert len(set(texts)) >= 5, "eight requests should not read like one form letter"
    again = compose_reply(
        scenario.verdict, agreement, message=messages[0], state=scenario.state, today=TODAY
    )
    assert again.text == texts[0]


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_after_two_citing_replies_the_next_leads_with_value(lang: Language) -> None:
    agreement, scenario = scenario_named(lang, "change_order (excluded)")

    def compose(recent: tuple[bool, ...]) -> tuple[str, bool, tuple[str, ...]]:
        reply = compose_reply(
            scenario.verdict,
            agreement,
            message=scenario.message,
            state=scenario.state,
            recent_cited=recent,
            today=TODAY,
        )
        return reply.text, reply.cites_agreement, reply.parts

    cited_text, cites, parts = compose(())
    assert cites
    assert "facts.excluded.cite" in parts
    soft_text, soft_cites, soft_parts = compose((True, False, True))
    assert not soft_cites
    assert "value.soft" in soft_parts
    assert "facts.excluded.soft" in soft_parts
    # Value leads; the facts come without the contract, before the options and the question.
    assert soft_parts.index("value.soft") < soft_parts.index("facts.excluded.soft")
    assert soft_parts.index("facts.excluded.soft") < soft_parts.index("change_order.offer_range")
    assert soft_parts.index("change_order.offer_range") < soft_parts.index("ask")
    assert soft_text != cited_text
    # One citing reply among the last three is not enough to change course.
    assert compose((True, False, False))[1]


def test_a_defect_reply_apologises_and_gives_a_fix_date() -> None:
    agreement, scenario = scenario_named("en", "fix_now")
    reply = compose_reply(
        scenario.verdict, agreement, message=scenario.message, state=scenario.state, today=TODAY
    )
    assert re.search(r"sorry|apolog", reply.text, re.IGNORECASE)
    assert "24 November 2026" in reply.text  # one working day for an hour's fix
    assert "charge" in reply.text or "cost" in reply.text
    friday = compose_reply(
        scenario.verdict,
        agreement,
        message=scenario.message,
        state=scenario.state,
        today=dt.date(2026, 11, 27),
    )
    assert "30 November 2026" in friday.text  # not on the weekend


def test_a_favour_is_named_once_with_its_value() -> None:
    agreement, scenario = scenario_named("en", "favor")
    reply = compose_reply(
        scenario.verdict, agreement, message=scenario.message, state=scenario.state, today=TODAY
    )
    assert reply.text.lower().count("favour") == 1
    assert "£47.50" in reply.text  # half an hour at £95, what it would normally cost


def test_hold_price_offers_reductions_that_reach_the_target() -> None:
    agreement, scenario = scenario_named("en", "hold_price")
    reply = compose_reply(
        scenario.verdict,
        agreement,
        message="Budget is tight. Could you do it for £14,000?",
        state=scenario.state,
        today=TODAY,
    )
    text = reply.text
    assert "£18,000" in text
    assert "£14,000" in text
    # 4,000 needed: the smallest item worth at least that is the 24-hour billing item (4,320).
    assert "“Stripe subscription billing, one plan”: saves £4,320" in text
    assert "£13,680" in text
    assert "hold.concern" in reply.parts


def test_hold_price_without_a_target_lists_options_not_a_total() -> None:
    agreement, scenario = scenario_named("fi", "hold_price")
    reply = compose_reply(
        scenario.verdict, agreement, message="Onko hinnasta mitään joustovaraa?", today=TODAY
    )
    lines = [line for line in reply.text.splitlines() if line.startswith("– ")]
    assert len(lines) == 3
    # The pages are the heart of the project and are never offered; the news section is.
    assert not any("Five-page" in line for line in lines)
    assert format_money(Decimal("654.55"), "EUR", "fi") in reply.text
    assert "hold.result" not in reply.parts


def test_an_unknown_language_is_answered_in_the_clients() -> None:
    agreement, scenario = scenario_named("fi", "answer")
    verdict = dataclasses.replace(scenario.verdict, lang="und")
    reply = compose_reply(verdict, agreement, message="???", today=TODAY)
    assert reply.lang == "fi"


def test_advice_drives_the_purpose_reasons_and_alternative() -> None:
    agreement, scenario = scenario_named("en", "change_order (advice)")
    reply = compose_reply(
        scenario.verdict, agreement, message=scenario.message, state=scenario.state, today=TODAY
    )
    assert reply.advice == "member-registration"
    assert {"advice.purpose", "advice.reasons", "advice.alternative"} <= set(reply.parts)


def test_decline_offers_the_nearest_alternative() -> None:
    for lang in SUPPORTED_LANGUAGES:
        agreement, scenario = scenario_named(lang, "decline")
        reply = compose_reply(scenario.verdict, agreement, message=scenario.message, today=TODAY)
        assert reply.advice is not None, lang
        assert "advice.alternative" in reply.parts, lang


def test_threat_beside_a_request_is_answered_calmly_and_priced() -> None:
    agreement, scenario = scenario_named("en", "change_order + threat")
    reply = compose_reply(
        scenario.verdict, agreement, message=scenario.message, state=scenario.state, today=TODAY
    )
    assert "secondary.threat" in reply.parts
    assert scenario.verdict.price is not None
    assert format_money(scenario.verdict.price.amount, "GBP", "en") in reply.text


def test_binary_and_huge_messages_still_compose() -> None:
    agreement, scenario = scenario_named("en", "answer")
    for message in (b"\x00\x01\xff" * 100, "x" * 2_000_000, "", None):
        reply = compose_reply(scenario.verdict, agreement, message=message, today=TODAY)
        assert reply.text
        assert len(reply.text) < 3000


def test_composing_needs_no_price_when_the_agreement_has_no_rate() -> None:
    agreement, scenario = scenario_named("en", "change_order (excluded)")
    verdict = dataclasses.replace(scenario.verdict, price=None)
    reply = compose_reply(verdict, agreement, message=scenario.message, today=TODAY)
    assert "quote" in reply.text
    assert "14 hours" in reply.text
    assert Decimal(14) == verdict.estimate.hours
