"""Language detection of client messages: scopeline.core.triage.language."""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scopeline.core.languages import SUPPORTED_LANGUAGES, Language, parse_language
from scopeline.core.loading import load_agreement
from scopeline.core.triage.language import LanguageGuess, detect_language

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "src" / "scopeline" / "core" / "data" / "corpus"
EXAMPLES = ROOT / "examples"
VALID = (*SUPPORTED_LANGUAGES, "und")


# --- normal messages, every language ------------------------------------------------------

NORMAL: list[tuple[Language, str]] = [
    ("en", "Hi, could you add a newsletter sign-up form to the footer of every page?"),
    ("en", "The invoice you sent last week has the wrong VAT number, can you reissue it?"),
    ("en", "We love the new homepage, great work everyone!"),
    ("fi", "Hei, voisitteko lisätä jokaisen sivun alalaitaan uutiskirjeen tilauslomakkeen?"),
    ("fi", "Lasku on nyt maksettu, kiitos nopeasta toimituksesta."),
    ("fi", "Etusivun kuvat latautuvat todella hitaasti puhelimella."),
    ("ro", "Bună ziua, ați putea adăuga un formular de abonare în subsolul fiecărei pagini?"),
    ("ro", "Factura pe care ne-ați trimis-o are un cod fiscal greșit, o puteți reface?"),
    ("ro", "Ne place foarte mult noul meniu, mulțumim pentru tot!"),
    ("zh-Hans", "你好，能不能在每个页面底部加一个订阅新闻邮件的表单？"),
    ("zh-Hans", "上周发来的发票税号写错了，麻烦重新开一张。"),
    ("zh-Hans", "新首页我们很满意，大家辛苦了！"),
    ("zh-Hant", "你好，能不能在每個頁面底部加一個訂閱電子報的表單？"),
    ("zh-Hant", "上週寄來的發票統編寫錯了，麻煩重新開一張。"),
    ("zh-Hant", "新首頁我們很滿意，大家辛苦了！"),
]


@pytest.mark.parametrize(("lang", "text"), NORMAL)
def test_normal_messages(lang: Language, text: str) -> None:
    guess = detect_language(text)
    assert guess.lang == lang, guess
    assert guess.confidence >= 0.8


@pytest.mark.parametrize(("lang", "text"), NORMAL)
@pytest.mark.parametrize("fallback", SUPPORTED_LANGUAGES)
def test_a_clear_message_beats_the_clients_language(
    lang: Language, text: str, fallback: Language
) -> None:
    assert detect_language(text, fallback=fallback).lang == lang


def test_reason_names_lingua_and_its_confidence() -> None:
    guess = detect_language("Lasku on nyt maksettu, kiitos nopeasta toimituksesta.")
    assert guess.reason == f"lingua: fi {guess.confidence:.2f}"


def test_guess_is_a_frozen_slotted_value() -> None:
    guess = detect_language("We love the new homepage, great work everyone!")
    assert isinstance(guess, LanguageGuess)
    assert not hasattr(guess, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        guess.lang = "fi"  # type: ignore[misc]


# --- typed without diacritics ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ro", "salut, am observat ca nu merge formularul"),
        ("ro", "buna ziua, cand puteti sa trimiteti factura pentru luna asta?"),
        ("ro", "va rog sa schimbati poza de pe prima pagina, nu ne place deloc"),
        ("fi", "moi, voisitko lisata sivulle"),
        ("fi", "hei, milloin saamme seuraavan version nahtavaksi?"),
        ("fi", "etusivun kuvat latautuvat tosi hitaasti, voisitteko katsoa"),
    ],
)
@pytest.mark.parametrize("fallback", [None, "en"])
def test_without_diacritics(lang: Language, text: str, fallback: Language | None) -> None:
    assert detect_language(text, fallback=fallback).lang == lang


# --- short and ambiguous --------------------------------------------------------------------

SHORT = ["ok", "OK", "Hei!", "Thanks", "Test", "Testi", "Kiitos!", "Multumesc!", "da, e bine asa"]


@pytest.mark.parametrize("text", SHORT)
@pytest.mark.parametrize("fallback", ["en", "fi", "ro"])
def test_short_message_keeps_the_clients_language(text: str, fallback: Language) -> None:
    guess = detect_language(text, fallback=fallback)
    assert guess == LanguageGuess(fallback, 0.5, "too short; client's language")


@pytest.mark.parametrize("text", SHORT)
def test_short_message_without_fallback_is_undetermined(text: str) -> None:
    assert detect_language(text) == LanguageGuess("und", 0.0, "too short")


@pytest.mark.parametrize(
    ("text", "fallback", "lang"),
    [
        ("Mulțumesc", "fi", "ro"),
        ("Mulțumesc", None, "ro"),
        ("Da, mulțumesc", "en", "ro"),
        ("juu käy", "en", "fi"),
        ("Hyvää päivää", "ro", "fi"),
        ("näyttää hyvältä", None, "fi"),
    ],
)
def test_short_message_with_telling_letters(
    text: str, fallback: Language | None, lang: Language
) -> None:
    guess = detect_language(text, fallback=fallback)
    assert guess.lang == lang
    assert guess.reason.startswith("short, but ")


@pytest.mark.parametrize("fallback", ["en", "ro"])
def test_a_capitalised_name_is_not_a_telling_letter(fallback: Language) -> None:
    # "Jyväskylä" is a place, not Finnish text; "Dunărea" is a restaurant, not Romanian.
    assert detect_language("Thanks Jyväskylä team", fallback=fallback).lang == fallback
    assert detect_language("Thanks from Dunărea", fallback=fallback).lang == fallback


def test_unsure_longer_message_takes_the_clients_language() -> None:
    text = "Cand va fi site-ul online?"  # lingua: ro 0.48, en 0.40
    assert detect_language(text, fallback="ro") == LanguageGuess(
        "ro", 0.5, "unsure; client's language"
    )
    assert detect_language(text) == LanguageGuess("und", 0.0, "unsure")


# --- no letters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\t", "👍", "👌👌 🙏", "?", "？！", "12/20", "+358 40 123"]
)
def test_no_letters(text: str) -> None:
    assert detect_language(text) == LanguageGuess("und", 0.0, "no letters")
    for fallback in SUPPORTED_LANGUAGES:
        assert detect_language(text, fallback=fallback) == LanguageGuess(
            fallback, 0.0, "no letters; client's language"
        )


def test_a_bare_link_has_no_letters() -> None:
    assert detect_language("https://acme.example/yhteystiedot").lang == "und"


def test_unsupported_script() -> None:
    assert detect_language("Здравствуйте, когда будет готов сайт?", fallback="fi") == (
        LanguageGuess("fi", 0.0, "unsupported script; client's language")
    )
    assert detect_language("ありがとうございます、確認しました").lang == "und"


# --- Traditional and Simplified -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("們", "zh-Hant"),
        ("们", "zh-Hans"),
        ("謝謝", "zh-Hant"),
        ("谢谢", "zh-Hans"),
        ("收到，謝謝！", "zh-Hant"),
        ("收到，谢谢！", "zh-Hans"),
        ("退錢。不然臉書見。", "zh-Hant"),
        ("老板说不做了，退钱", "zh-Hans"),
        ("請問你們過年什麼時候開始放假？", "zh-Hant"),
        ("小程序提交审核一般要几天啊", "zh-Hans"),
    ],
)
@pytest.mark.parametrize("fallback", [None, "zh-Hant", "zh-Hans", "en"])
def test_chinese_script(text: str, lang: Language, fallback: Language | None) -> None:
    guess = detect_language(text, fallback=fallback)
    assert guess.lang == lang
    assert guess.reason.startswith("Chinese script: ")
    assert guess.confidence >= 0.7


def test_chinese_script_reason_counts_characters() -> None:
    guess = detect_language("謝謝你們！")  # 謝 謝 們 are Traditional only; 你 is common
    assert guess.lang == "zh-Hant"
    assert guess.reason == "Chinese script: Traditional (3 of 3 script-specific characters)"
    mixed = detect_language("謝謝你们！")  # 们 is Simplified only
    assert mixed.reason == "Chinese script: Traditional (2 of 3 script-specific characters)"


@pytest.mark.parametrize(
    "text", ["好", "好的", "可以可以", "好的 明白了", "今天！！！今天就要！！！"]
)
@pytest.mark.parametrize("fallback", ["zh-Hant", "zh-Hans"])
def test_only_common_characters_take_the_clients_script(text: str, fallback: Language) -> None:
    guess = detect_language(text, fallback=fallback)
    assert guess.lang == fallback
    assert guess.reason.endswith("; client's script")


@pytest.mark.parametrize("fallback", [None, "en", "fi"])
def test_only_common_characters_default_to_simplified_with_low_confidence(
    fallback: Language | None,
) -> None:
    guess = detect_language("好的", fallback=fallback)
    assert guess.lang == "zh-Hans"
    assert guess.confidence < 0.5


def test_a_stray_character_of_the_other_script_lowers_confidence() -> None:
    pure = detect_language("這個月工時好多，可以打個折嗎")
    stray = detect_language("這個月工時好多，可以打个折嗎")  # one Simplified 个
    assert pure.lang == stray.lang == "zh-Hant"
    assert stray.confidence < pure.confidence


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("首页的 banner 和 logo 能不能再大一点？", "zh-Hans"),
        ("Landing page 想看另一種版型的 mockup，例如把 pricing 放上面的", "zh-Hant"),
        ("名片背面英文寫成 Anxin Dentel Clinic……是 Dental 啦 🙈", "zh-Hant"),
    ],
)
def test_chinese_with_english_terms(text: str, lang: Language) -> None:
    assert detect_language(text, fallback="en").lang == lang


def test_english_with_a_chinese_name() -> None:
    text = "Please update the 安心 logo on the homepage, it looks blurry on mobile."
    assert detect_language(text, fallback="zh-Hant").lang == "en"


# --- mixed languages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "fi",
            "Moi, voisitteko päivittää WordPress-pluginit ja tarkistaa että contact form "
            "toimii, kiitos",
        ),
        (
            "fi",
            "Lomake ei toimi, tulee virhe Internal Server Error kun yritän lähettää sen, "
            "voisitteko korjata sen pian?",
        ),
        (
            "ro",
            'Bună ziua, formularul de rezervare nu merge, apare mesajul "Something went '
            'wrong, please try again later or contact the administrator". Puteți verifica?',
        ),
        (
            "ro",
            "Bună, când încerc să trimit formularul apare eroarea: Error 500 Internal Server "
            "Error. Ce putem face în privința asta până mâine?",
        ),
        (
            "ro",
            "salut, cand dau click pe butonul de trimitere apare Internal Server Error, "
            "puteti verifica va rog?",
        ),
        (
            "fi",
            'Kiitos, mutta nyt lomakkeen kiitosviesti tulee englanniksi: "Thank you for '
            'your message, we will get back to you soon".',
        ),
        (
            "en",
            "Merry Christmas and a happy new year from all of us at Acme! Hyvää joulua!",
        ),
        ("en", "Mulțumim! The photos are beautiful, the chef loved every single one."),
        (
            "en",
            "Could you update the address on the contact page to Kauppakatu 5, Jyväskylä, please?",
        ),
        ("en", "The menu page for Bistro Dunărea is broken on mobile, can you check it today?"),
    ],
)
@pytest.mark.parametrize("fallback", [None, "en", "fi", "ro"])
def test_mixed_language_goes_by_most_of_the_text(
    lang: Language, text: str, fallback: Language | None
) -> None:
    assert detect_language(text, fallback=fallback).lang == lang


def test_quoted_reply_is_not_the_clients_text() -> None:
    text = (
        "Kiitos, näyttää hyvältä, julkaistaan maanantaina.\n\n"
        "On Tue, 18 Nov 2026 at 10:02, Studio North wrote:\n"
        "> Hi Maria, the new version is ready for review, please have a look and let us know "
        "what you think about the new navigation and the footer."
    )
    assert detect_language(text).lang == "fi"


def test_only_a_quote_is_still_read() -> None:
    text = "> Vă rugăm să confirmați că putem publica site-ul luni, 1 februarie, la ora 10."
    assert detect_language(text).lang == "ro"


# --- the labelled corpus --------------------------------------------------------------------


@cache
def _corpus() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            rows.extend(json.loads(line) for line in lines if line.strip())
    return rows


@cache
def _client_language(agreement: str) -> Language:
    lang = parse_language(load_agreement(EXAMPLES / f"{agreement}.yaml").client.language)
    assert lang is not None
    return lang


Miss = tuple[dict[str, Any], Language | None, LanguageGuess]


def _misses(realistic: bool) -> tuple[int, list[Miss]]:
    rows = _corpus()
    misses: list[Miss] = []
    for row in rows:
        fallback = _client_language(row["agreement"]) if realistic else None
        guess = detect_language(row["text"], fallback=fallback)
        assert 0.0 <= guess.confidence <= 1.0
        assert guess.lang in VALID
        if guess.lang != row["lang"]:
            misses.append((row, fallback, guess))
    return len(rows), misses


def _report(title: str, total: int, misses: list[Miss]) -> str:
    lines = [f"{title}: accuracy {1 - len(misses) / total:.4f} ({len(misses)} of {total} missed)"]
    for row, fallback, guess in misses:
        lines.append(
            f"  {row['id']} {row['lang']} (client {fallback}) -> {guess.lang} "
            f"{guess.confidence:.2f} [{guess.reason}] {row['text'][:70]!r}"
        )
    return "\n".join(lines)


def test_corpus_covers_every_language() -> None:
    assert set(Counter(row["lang"] for row in _corpus())) == set(SUPPORTED_LANGUAGES)


def test_corpus_accuracy_with_the_clients_language() -> None:
    """Realistic: the fallback is the client's language from the message's agreement file (in
    about one message in five that is not the language the message is written in)."""
    total, misses = _misses(realistic=True)
    report = _report("corpus, fallback = the agreement's client language", total, misses)
    print("\n" + report)
    assert 1 - len(misses) / total >= 0.97, report


def test_corpus_accuracy_without_fallback() -> None:
    """Without the client's language, tiny messages are "und" by design; what must not happen
    is a wrong language given with confidence."""
    total, misses = _misses(realistic=False)
    report = _report("corpus, no fallback", total, misses)
    print("\n" + report)
    assert 1 - len(misses) / total >= 0.95, report
    confidently_wrong = [
        (row["id"], guess)
        for row, _, guess in misses
        if guess.lang != "und" and guess.confidence >= 0.5
    ]
    # Genuinely mixed lines ("We need the MVP by Christmas，能加急吗？") may go either way.
    assert len(confidently_wrong) <= total // 500, report


# --- robustness and speed -------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200), fallback=st.sampled_from([None, *SUPPORTED_LANGUAGES]))
def test_any_text_gets_a_valid_guess(text: str, fallback: Language | None) -> None:
    guess = detect_language(text, fallback=fallback)
    assert guess.lang in VALID
    assert 0.0 <= guess.confidence <= 1.0
    assert guess.reason
    if fallback is not None:
        assert guess.lang != "und"


def test_warm_call_is_fast() -> None:
    short = [row["text"] for row in _corpus() if len(row["text"]) <= 80]
    for text in short:  # loads whatever models these messages need
        detect_language(text, fallback="en")
    start = time.perf_counter()
    for text in short:
        detect_language(text, fallback="en")
    per_message_ms = (time.perf_counter() - start) * 1000 / len(short)
    assert per_message_ms < 1.0, f"{per_message_ms:.3f} ms per short message"
