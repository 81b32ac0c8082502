"""The phrase banks against their contract, and the contract's checks themselves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from scopeline.core.languages import SUPPORTED_LANGUAGES, Language
from scopeline.core.replies.bank import PARTS, TONES, BankError, load_bank, parse_bank, placeholders

DATA = Path(__file__).resolve().parent.parent / "src" / "scopeline" / "core" / "data" / "replies"


def raw_bank(lang: str) -> dict[str, object]:
    data = yaml.safe_load((DATA / f"{lang}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_bank_fits_the_contract(lang: Language) -> None:
    bank = load_bank(lang)
    assert set(bank.variants) == set(PARTS)
    for part, by_tone in bank.variants.items():
        assert set(by_tone) == set(TONES), part


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_main_parts_have_several_variants(lang: Language) -> None:
    bank = load_bank(lang)
    for part in ("thanks", "restate.quote", "change_order.offer", "closing", "later", "ask"):
        for tone in TONES:
            assert len(set(bank.variants[part][tone])) >= 2, (part, tone)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_tone_sensitive_parts_differ_between_warm_and_firm(lang: Language) -> None:
    bank = load_bank(lang)
    for part in ("thanks", "fix_now.apology", "favor.named", "decline.no", "hold.same_scope"):
        assert set(bank.variants[part]["warm"]) != set(bank.variants[part]["firm"]), part


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_variants_of_a_part_carry_the_same_facts(lang: Language) -> None:
    """Tones and variants change the wording, never the facts: same placeholders everywhere."""
    bank = load_bank(lang)
    for part, by_tone in bank.variants.items():
        names = {
            frozenset(name.replace("contact_first", "contact") for name, _ in placeholders(text))
            for texts in by_tone.values()
            for text in texts
        }
        assert len(names) == 1, (part, names)


def test_romanian_uses_comma_below() -> None:
    text = (DATA / "ro.yaml").read_text(encoding="utf-8")
    assert "ş" not in text
    assert "ţ" not in text
    assert "Ş" not in text
    assert "Ţ" not in text
    assert "ș" in text
    assert "ț" in text


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_chinese_banks_join_sentences_without_spaces(lang: Language) -> None:
    bank = load_bank(lang)
    assert bank.separator == ""
    text = (DATA / f"{lang}.yaml").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"[\u4e00-\u9fff][,.?!;:]", body), "half-width punctuation after Chinese"


def test_traditional_and_simplified_are_not_mixed() -> None:
    import hanzidentifier  # type: ignore[import-untyped]

    for lang, wanted in (
        ("zh-Hant", hanzidentifier.TRADITIONAL),
        ("zh-Hans", hanzidentifier.SIMPLIFIED),
    ):
        for part, by_tone in load_bank(lang).variants.items():
            for texts in by_tone.values():
                for text in texts:
                    han = "".join(re.findall(r"[\u4e00-\u9fff]", text))
                    if han and hanzidentifier.identify(han) not in (wanted, hanzidentifier.BOTH):
                        pytest.fail(f"{lang} {part}: {text}")


def test_a_missing_part_is_reported() -> None:
    data = raw_bank("en")
    del data["thanks"]
    with pytest.raises(BankError, match="missing parts: thanks"):
        parse_bank(data, "en.yaml", "en")


def test_an_unknown_placeholder_is_reported() -> None:
    data = raw_bank("en")
    data["later"] = ["Or we wait until {launch_date}."]
    with pytest.raises(BankError, match=r"unknown placeholder \{launch_date\}"):
        parse_bank(data, "en.yaml", "en")


def test_a_form_the_language_lacks_is_reported() -> None:
    data = raw_bank("en")
    data["favor.named"] = ["About {hours:gen} of work, as a favour."]
    with pytest.raises(BankError, match="en has no form 'gen'"):
        parse_bank(data, "en.yaml", "en")


def test_a_tone_mapping_needs_all_three_tones() -> None:
    data = raw_bank("en")
    data["ask"] = {"warm": ["Which?"], "firm": ["Which?"]}
    with pytest.raises(BankError, match="ask: expected a list, or warm/neutral/firm lists"):
        parse_bank(data, "en.yaml", "en")


def test_an_unknown_part_and_the_wrong_language_are_reported() -> None:
    data = raw_bank("en")
    data["thanks_typo"] = ["Thanks."]
    data["lang"] = "fi"
    with pytest.raises(BankError) as caught:
        parse_bank(data, "en.yaml", "en")
    assert "unknown parts: thanks_typo" in str(caught.value)
    assert "lang: expected 'en'" in str(caught.value)


def test_a_broken_template_is_reported() -> None:
    data = raw_bank("en")
    data["ask"] = ["Which one {?"]
    with pytest.raises(BankError, match="ask"):
        parse_bank(data, "en.yaml", "en")
