"""The status statement in all five languages: exact text, grammar, scripts and amounts.

The expected strings were produced by the code and then read as a native professional would
read them; where one is wrong, the test says what is correct and is marked as a known bug.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from scopeline.core import (
    SUPPORTED_LANGUAGES,
    Agreement,
    Language,
    agreement_from_data,
    load_agreement,
)
from scopeline.core.ledger import project_state
from scopeline.core.status import status_statement

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
DAY = "2026-01-01"


def make(
    lang: Language = "en",
    *,
    currency: str = "EUR",
    price: dict[str, Any] | None = None,
    ledger: Sequence[dict[str, Any]] = (),
    allowances: dict[str, int] | None = None,
    deposit: int | None = None,
    deadline: str | None = None,
) -> Agreement:
    data: dict[str, Any] = {
        "version": 1,
        "project": "P",
        "client": {"name": "C", "language": lang},
        "provider": {"name": "S"},
        "currency": currency,
        "price": price or {"model": "fixed", "amount": "4800", "hourly_rate": "80"},
        "scope": [{"id": "a", "title": "A"}],
        "ledger": list(ledger),
    }
    if allowances is not None:
        data["allowances"] = allowances
    if deposit is not None:
        data["deposit"] = {"percent": deposit}
    if deadline is not None:
        data["deadline"] = deadline
    return agreement_from_data(data)


def pay(amount: str) -> dict[str, Any]:
    return {"date": DAY, "type": "payment", "amount": amount}


def delivered(concepts: int = 0, rounds: int = 0) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    if concepts:
        events.append({"date": DAY, "type": "concepts_delivered", "count": concepts})
    if rounds:
        events.append({"date": DAY, "type": "revision_round", "count": rounds})
    return events


def co(ref: str, amount: str) -> dict[str, Any]:
    return {"date": DAY, "type": "change_order_accepted", "ref": ref, "amount": amount}


def work(hours: str, kind: str = "hours") -> dict[str, Any]:
    return {"date": DAY, "type": kind, "hours": hours}


def statement(lang: Language, **kwargs: Any) -> str:
    return status_statement(make(lang, **kwargs))


HOURLY = {"model": "hourly", "hourly_rate": "80"}


# ------------------------------------------------------------------- the examples, exactly

EXAMPLE_STATEMENTS: list[tuple[str, str]] = [
    (
        "acme-website.yaml",  # fi
        "Sovittu hinta on 4\xa0800\xa0€. Siitä on maksettu 2\xa0400\xa0€ (50\xa0%) ja maksamatta "
        "on 2\xa0400\xa0€. Sovimme kolmesta konseptista ja kahdesta korjauskierroksesta. Tähän "
        "mennessä olen toimittanut kolme konseptia ja korjauskierroksista on käytetty yksi. "
        "Lisäksi olen tehnyt veloituksetta 0,5 tuntia lisätyötä. Sovittu toimituspäivä on "
        "15. joulukuuta 2026.",
    ),
    (
        "anxin-clinic.yaml",  # zh-Hant
        "本案約定的總價為 NT$60,000。目前已收款 NT$30,000（50%），尚有 NT$30,000 未付。"
        "我們約定提供三款設計提案及兩輪修改。目前我已提交五款提案，修改已進行兩輪。"
        "這比約定多出兩款提案。約定的交件日期為 2027年1月20日。",
    ),
    (
        "bistro-dunarea.yaml",  # ro
        "Prețul convenit este de 9.500\xa0RON. Din această sumă am primit 2.850\xa0RON (30\xa0%), iar de plată rămân 6.650\xa0RON. Acordul prevede două concepte și trei runde de revizie. Până acum am livrat două concepte și nu am folosit nicio rundă de revizie. Termenul de livrare convenit este 1 februarie 2027.",
    ),
    (
        "brightpath-mvp.yaml",  # en
        "The agreed price is £18,000. Of this, £4,500 (25%) has been paid and £13,500 is still "
        "to be paid. We agreed on two concepts and three revision rounds. So far I have "
        "delivered two concepts and we have used one revision round. I have also done 1.5 hours "
        "of extra work free of charge, as a favour. The agreed delivery date is 31 January "
        "2027.",
    ),
    (
        "huamei-shop.yaml",  # zh-Hans, hourly
        "本项目按工时计费，每小时 ¥300，整体预估金额为 ¥36,000。目前累计工时为 68.5 小时，费用共 ¥20,550。目前已收款 ¥19,200（93%），还有 ¥1,350 未付。我们约定提供两套设计方案和两轮修改。目前我已提交两套方案，修改尚未开始。约定的交付日期为 2027年3月1日。",
    ),
]


@pytest.mark.parametrize(
    ("name", "expected"), EXAMPLE_STATEMENTS, ids=[n for n, _ in EXAMPLE_STATEMENTS]
)
def test_example_statement_in_the_clients_language(name: str, expected: str) -> None:
    assert status_statement(load_agreement(EXAMPLES / name)) == expected


def test_every_language_has_an_exact_example() -> None:
    langs = {load_agreement(EXAMPLES / name).lang for name, _ in EXAMPLE_STATEMENTS}
    assert langs == set(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_in_every_language(path: Path, lang: Language) -> None:
    agreement = load_agreement(path)
    text = status_statement(agreement, lang=lang)
    assert text == status_statement(agreement, project_state(agreement), lang)
    if lang.startswith("zh"):
        assert text.endswith("。")
        assert "。 " not in text
        assert not re.search(r"[A-Za-z]{3,}", text.replace("CNY", "").replace("RON", ""))
    else:
        assert text.endswith(".")
        assert "  " not in text


def test_lang_overrides_the_clients_language() -> None:
    agreement = load_agreement(EXAMPLES / "acme-website.yaml")
    assert status_statement(agreement).startswith("Sovittu hinta on")
    assert status_statement(agreement, lang="en").startswith("The agreed price is €4,800.")


# ------------------------------------------------------------- situations, exactly

SITUATIONS: dict[str, dict[str, Any]] = {
    "nothing-paid-deposit-due": {"deposit": 50},
    "deposit-partly-paid": {"deposit": 50, "ledger": [pay("1000")]},
    "paid-in-full": {"ledger": [pay("4800")]},
    "overpaid": {"ledger": [pay("5000")]},
    "zero-delivered": {"allowances": {"concepts": 3, "revision_rounds": 2}},
    "change-orders": {"ledger": [co("CO-1", "400"), co("CO-2", "100")]},
    "hourly": {
        "price": {"model": "hourly", "amount": "2000", "hourly_rate": "80"},
        "ledger": [work("20"), pay("800")],
    },
}

SITUATION_STATEMENTS: list[tuple[str, Language, str]] = [
    # nothing-paid-deposit-due
    (
        "nothing-paid-deposit-due",
        "en",
        "The agreed price is €4,800. No payment has been received yet. €2,400 of the 50% "
        "deposit is still due.",
    ),
    (
        "nothing-paid-deposit-due",
        "fi",
        "Sovittu hinta on 4\xa0800\xa0€. Maksuja ei ole vielä saapunut. Sovitusta 50\xa0%:n "
        "ennakkomaksusta on vielä maksamatta 2\xa0400\xa0€.",
    ),
    (
        "nothing-paid-deposit-due",
        "ro",
        "Prețul convenit este de 4.800\xa0EUR. Până acum nu am primit nicio plată. Din "
        "avansul de 50\xa0% mai sunt de achitat 2.400\xa0EUR.",
    ),
    (
        "nothing-paid-deposit-due",
        "zh-Hant",
        "本案約定的總價為 €4,800。目前尚未收到任何款項。約定的 50% 訂金中，尚有 €2,400 未付。",
    ),
    (
        "nothing-paid-deposit-due",
        "zh-Hans",
        "本项目约定的总价为 €4,800。目前尚未收到任何款项。约定的 50% 预付款中，还有 €2,400 未付。",
    ),
    # deposit-partly-paid
    (
        "deposit-partly-paid",
        "en",
        "The agreed price is €4,800. Of this, €1,000 (21%) has been paid and €3,800 is still "
        "to be paid. €1,400 of the 50% deposit is still due.",
    ),
    (
        "deposit-partly-paid",
        "fi",
        "Sovittu hinta on 4\xa0800\xa0€. Siitä on maksettu 1\xa0000\xa0€ (21\xa0%) ja "
        "maksamatta on 3\xa0800\xa0€. Sovitusta 50\xa0%:n ennakkomaksusta on vielä "
        "maksamatta 1\xa0400\xa0€.",
    ),
    (
        "deposit-partly-paid",
        "ro",
        "Prețul convenit este de 4.800\xa0EUR. Din această sumă am primit 1.000\xa0EUR "
        "(21\xa0%), iar de plată rămân 3.800\xa0EUR. Din avansul de 50\xa0% mai sunt de "
        "achitat 1.400\xa0EUR.",
    ),
    (
        "deposit-partly-paid",
        "zh-Hant",
        "本案約定的總價為 €4,800。目前已收款 €1,000（21%），尚有 €3,800 未付。約定的 50% 訂金中，尚有 €1,400 未付。",
    ),
    (
        "deposit-partly-paid",
        "zh-Hans",
        "本项目约定的总价为 €4,800。目前已收款 €1,000（21%），还有 €3,800 未付。约定的 50% 预付款中，还有 €1,400 未付。",
    ),
    # paid-in-full
    ("paid-in-full", "en", "The agreed price is €4,800. The full amount of €4,800 has been paid."),
    (
        "paid-in-full",
        "fi",
        "Sovittu hinta on 4\xa0800\xa0€. Koko summa, 4\xa0800\xa0€, on maksettu.",
    ),
    (
        "paid-in-full",
        "ro",
        "Prețul convenit este de 4.800\xa0EUR. Am primit 4.800\xa0EUR, deci suma a fost "
        "achitată integral.",
    ),
    ("paid-in-full", "zh-Hant", "本案約定的總價為 €4,800。目前已收款 €4,800，款項已全數付清。"),
    ("paid-in-full", "zh-Hans", "本项目约定的总价为 €4,800。目前已收款 €4,800，款项已全部付清。"),
    # overpaid
    (
        "overpaid",
        "en",
        "The agreed price is €4,800. €5,000 has been paid, which is €200 more than the fees "
        "to date.",
    ),
    (
        "overpaid",
        "fi",
        "Sovittu hinta on 4\xa0800\xa0€. Maksuja on saapunut 5\xa0000\xa0€, eli 200\xa0€ enemmän kuin tähänastinen laskutus.",
    ),
    (
        "overpaid",
        "ro",
        "Prețul convenit este de 4.800\xa0EUR. Am primit 5.000\xa0EUR, adică cu 200\xa0EUR mai mult decât valoarea lucrărilor de până acum.",
    ),
    ("overpaid", "zh-Hant", "本案約定的總價為 €4,800。目前已收款 €5,000，比應付金額多出 €200。"),
    ("overpaid", "zh-Hans", "本项目约定的总价为 €4,800。目前已收款 €5,000，比应付金额多出 €200。"),
    # zero-delivered
    (
        "zero-delivered",
        "en",
        "The agreed price is €4,800. No payment has been received yet. We agreed on three "
        "concepts and two revision rounds. I have not delivered any concepts yet and "
        "we have not used any revision rounds yet.",
    ),
    (
        "zero-delivered",
        "fi",
        "Sovittu hinta on 4\xa0800\xa0€. Maksuja ei ole vielä saapunut. Sovimme kolmesta konseptista ja kahdesta korjauskierroksesta. En ole vielä toimittanut yhtään konseptia, eikä korjauskierroksia ole vielä käytetty.",
    ),
    (
        "zero-delivered",
        "ro",
        "Prețul convenit este de 4.800\xa0EUR. Până acum nu am primit nicio plată. Acordul prevede trei concepte și două runde de revizie. Până acum nu am livrat niciun concept și nu am folosit nicio rundă de revizie.",
    ),
    (
        "zero-delivered",
        "zh-Hant",
        "本案約定的總價為 €4,800。目前尚未收到任何款項。我們約定提供三款設計提案及兩輪修改。"
        "目前我尚未提交任何提案，修改尚未開始。",
    ),
    (
        "zero-delivered",
        "zh-Hans",
        "本项目约定的总价为 €4,800。目前尚未收到任何款项。我们约定提供三套设计方案和两轮修改。目前我尚未提交任何方案，修改尚未开始。",
    ),
    # change-orders
    (
        "change-orders",
        "en",
        "The agreed price is €4,800; two accepted change orders add €500, so the total is "
        "€5,300. No payment has been received yet.",
    ),
    (
        "change-orders",
        "fi",
        "Sovittu hinta on 4\xa0800\xa0€. Kaksi hyväksyttyä muutostilausta lisää siihen "
        "500\xa0€, joten kokonaishinta on 5\xa0300\xa0€. Maksuja ei ole vielä saapunut.",
    ),
    (
        "change-orders",
        "ro",
        "Prețul convenit este de 4.800\xa0EUR; două comenzi suplimentare acceptate adaugă "
        "500\xa0EUR, așa că totalul este de 5.300\xa0EUR. Până acum nu am primit nicio plată.",
    ),
    (
        "change-orders",
        "zh-Hant",
        "本案約定的總價為 €4,800，另有已同意的追加報價兩份，共 €500，合計 €5,300。"
        "目前尚未收到任何款項。",
    ),
    (
        "change-orders",
        "zh-Hans",
        "本项目约定的总价为 €4,800，另有已确认的追加报价两份，共 €500，合计 €5,300。目前尚未收到任何款项。",
    ),
    # hourly
    (
        "hourly",
        "en",
        "The work is billed by the hour at €80 per hour, and the estimate for the whole "
        "project is €2,000. So far I have logged 20 hours of work, which comes to €1,600. Of "
        "this, €800 (50%) has been paid and €800 is still to be paid.",
    ),
    (
        "hourly",
        "fi",
        "Työ laskutetaan tuntiperusteisesti, 80\xa0€ tunnilta, ja koko työn arvioitu hinta on 2\xa0000\xa0€. Tähän mennessä olen kirjannut 20 tuntia työtä, eli yhteensä 1\xa0600\xa0€. Siitä on maksettu 800\xa0€ (50\xa0%) ja maksamatta on 800\xa0€.",
    ),
    (
        "hourly",
        "ro",
        "Lucrarea se facturează cu 80\xa0EUR pe oră, iar estimarea pentru întregul proiect este de 2.000\xa0EUR. Până acum am înregistrat 20 de ore de lucru, adică 1.600\xa0EUR. Din această sumă am primit 800\xa0EUR (50\xa0%), iar de plată rămân 800\xa0EUR.",
    ),
    (
        "hourly",
        "zh-Hant",
        "本案按工時計費，每小時 €80，整體預估金額為 €2,000。目前累計工時為 20 小時，費用共 "
        "€1,600。目前已收款 €800（50%），尚有 €800 未付。",
    ),
    (
        "hourly",
        "zh-Hans",
        "本项目按工时计费，每小时 €80，整体预估金额为 €2,000。目前累计工时为 20 小时，费用共 "
        "€1,600。目前已收款 €800（50%），还有 €800 未付。",
    ),
]


@pytest.mark.parametrize(
    ("situation", "lang", "expected"),
    SITUATION_STATEMENTS,
    ids=[f"{s}-{lang}" for s, lang, _ in SITUATION_STATEMENTS],
)
def test_situation_statement(situation: str, lang: Language, expected: str) -> None:
    assert statement(lang, **SITUATIONS[situation]) == expected


def test_every_situation_is_covered_in_every_language() -> None:
    covered = {(s, lang) for s, lang, _ in SITUATION_STATEMENTS}
    assert covered == {(s, lang) for s in SITUATIONS for lang in SUPPORTED_LANGUAGES}


# ---------------------------------------------------------------------------- Finnish


@pytest.mark.parametrize(
    ("count", "phrase"),
    [
        (1, "Sovimme yhdestä konseptista."),
        (2, "Sovimme kahdesta konseptista."),
        (3, "Sovimme kolmesta konseptista."),
        (10, "Sovimme kymmenestä konseptista."),
        (12, "Sovimme 12 konseptista."),
    ],
)
def test_finnish_agreed_concepts_are_elative(count: int, phrase: str) -> None:
    assert phrase in statement("fi", allowances={"concepts": count})


@pytest.mark.parametrize(
    ("count", "phrase"),
    [(1, "Sovimme yhdestä korjauskierroksesta."), (2, "Sovimme kahdesta korjauskierroksesta.")],
)
def test_finnish_agreed_rounds_are_elative(count: int, phrase: str) -> None:
    assert phrase in statement("fi", allowances={"revision_rounds": count})


@pytest.mark.parametrize(
    ("count", "phrase"),
    [
        (1, "Tähän mennessä olen toimittanut yhden konseptin."),
        (2, "Tähän mennessä olen toimittanut kaksi konseptia."),
        (5, "Tähän mennessä olen toimittanut viisi konseptia."),
        (12, "Tähän mennessä olen toimittanut 12 konseptia."),
    ],
)
def test_finnish_delivered_concepts_one_versus_many(count: int, phrase: str) -> None:
    assert phrase in statement("fi", ledger=delivered(concepts=count))


def test_finnish_over_the_allowance() -> None:
    text = statement(
        "fi", allowances={"concepts": 20, "revision_rounds": 2}, ledger=delivered(101, 3)
    )
    assert "Sovimme 20 konseptista ja kahdesta korjauskierroksesta." in text
    assert "olen toimittanut 101 konseptia ja korjauskierroksista on käytetty kolme." in text
    assert "Se on 81 konseptia ja yksi korjauskierros enemmän kuin sovimme." in text
    one_over = statement("fi", allowances={"concepts": 1}, ledger=delivered(2))
    assert "Se on yksi konsepti enemmän kuin sovimme." in one_over


@pytest.mark.parametrize(
    ("hours", "phrase"),
    [
        ("0.5", "Lisäksi olen tehnyt veloituksetta 0,5 tuntia lisätyötä."),
        ("1.5", "Lisäksi olen tehnyt veloituksetta 1,5 tuntia lisätyötä."),
        ("20", "Lisäksi olen tehnyt veloituksetta 20 tuntia lisätyötä."),
    ],
)
def test_finnish_favour_hours(hours: str, phrase: str) -> None:
    assert phrase in statement("fi", ledger=[work(hours, "favor")])


def test_finnish_logged_hours() -> None:
    text = statement("fi", price=HOURLY, ledger=[work("1.5")])
    assert "Tähän mennessä olen kirjannut 1,5 tuntia työtä, eli yhteensä 120\xa0€." in text


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        (
            {"ledger": [work("1", "favor")]},
            "Lisäksi olen tehnyt veloituksetta 1 tunnin lisätyötä.",
        ),
        (
            {"price": HOURLY, "ledger": [work("1")]},
            "Tähän mennessä olen kirjannut 1 tunnin työtä, eli yhteensä 80\xa0€.",
        ),
    ],
    ids=["favour", "logged"],
)
def test_finnish_one_hour_is_accusative(kwargs: dict[str, Any], phrase: str) -> None:
    # The object of a completed action: "1 tunnin", not the nominative "1 tunti".
    text = statement("fi", **kwargs)
    assert phrase in text
    assert "1 tunti " not in text


def test_finnish_change_orders_one_versus_many() -> None:
    one = statement("fi", ledger=[co("CO-1", "400")])
    assert "Yksi hyväksytty muutostilaus lisää siihen 400\xa0€, joten kokonaishinta on" in one
    two = statement("fi", ledger=[co("CO-1", "400"), co("CO-2", "100")])
    assert "Kaksi hyväksyttyä muutostilausta lisää siihen 500\xa0€" in two


# --------------------------------------------------------------------------- Romanian


@pytest.mark.parametrize(
    ("count", "phrase"),
    [
        (1, "Acordul prevede un concept."),
        (2, "Acordul prevede două concepte."),
        (10, "Acordul prevede zece concepte."),
        (19, "Acordul prevede 19 concepte."),
        (20, "Acordul prevede 20 de concepte."),
        (101, "Acordul prevede 101 concepte."),
        (102, "Acordul prevede 102 concepte."),
        (119, "Acordul prevede 119 concepte."),
        (120, "Acordul prevede 120 de concepte."),
        (1000, "Acordul prevede 1.000 de concepte."),
    ],
)
def test_romanian_concepts_gender_and_de(count: int, phrase: str) -> None:
    assert phrase in statement("ro", allowances={"concepts": count})


@pytest.mark.parametrize(
    ("count", "phrase"),
    [
        (1, "Acordul prevede o rundă de revizie."),
        (2, "Acordul prevede două runde de revizie."),
        (20, "Acordul prevede 20 de runde de revizie."),
    ],
)
def test_romanian_rounds_are_feminine(count: int, phrase: str) -> None:
    assert phrase in statement("ro", allowances={"revision_rounds": count})


def test_romanian_delivered_and_over() -> None:
    text = statement(
        "ro", allowances={"concepts": 20, "revision_rounds": 2}, ledger=delivered(101, 3)
    )
    assert "Acordul prevede 20 de concepte și două runde de revizie." in text
    assert "Până acum am livrat 101 concepte și am folosit trei runde de revizie." in text
    assert (
        "Am depășit astfel cu 81 de concepte și o rundă de revizie ceea ce am convenit."
    ) in text
    one = statement("ro", allowances={"concepts": 1, "revision_rounds": 1}, ledger=delivered(1, 1))
    assert "Până acum am livrat un concept și am folosit o rundă de revizie." in one


@pytest.mark.parametrize(
    ("hours", "phrase"),
    [
        (
            "1",
            "În plus, am lucrat gratuit încă o oră, în afara lucrărilor convenite, din amabilitate.",
        ),
        ("2", "am lucrat gratuit încă două ore,"),
        ("1.5", "am lucrat gratuit încă 1,5 ore,"),
        ("20", "am lucrat gratuit încă 20 de ore,"),
        ("19", "am lucrat gratuit încă 19 ore,"),
    ],
)
def test_romanian_favour_hours(hours: str, phrase: str) -> None:
    assert phrase in statement("ro", ledger=[work(hours, "favor")])


@pytest.mark.parametrize(
    ("hours", "phrase"),
    [
        ("1", "Până acum am înregistrat o oră de lucru, adică 80\xa0EUR."),
        ("20", "Până acum am înregistrat 20 de ore de lucru, adică 1.600\xa0EUR."),
    ],
)
def test_romanian_logged_hours(hours: str, phrase: str) -> None:
    assert phrase in statement("ro", price=HOURLY, ledger=[work(hours)])


def test_romanian_change_orders_one_versus_many() -> None:
    one = statement("ro", ledger=[co("CO-1", "400")])
    assert "o comandă suplimentară acceptată adaugă 400\xa0EUR" in one
    two = statement("ro", ledger=[co("CO-1", "400"), co("CO-2", "100")])
    assert "două comenzi suplimentare acceptate adaugă 500\xa0EUR" in two


# ---------------------------------------------------------------------------- English


def test_english_one_versus_many() -> None:
    one = statement(
        "en",
        allowances={"concepts": 1, "revision_rounds": 1},
        ledger=[*delivered(2, 2), work("1", "favor"), co("CO-1", "400")],
    )
    assert "one accepted change order adds €400, so the total is €5,200." in one
    assert "We agreed on one concept and one revision round." in one
    assert "So far I have delivered two concepts and we have used two revision rounds." in one
    assert "That is one concept and one revision round more than we agreed." in one
    assert "I have also done 1 hour of extra work free of charge, as a favour." in one
    many = statement("en", allowances={"concepts": 11}, ledger=[work("1.5", "favor")])
    assert "We agreed on 11 concepts." in many
    assert "I have also done 1.5 hours of extra work" in many


# ---------------------------------------------------------------------------- Chinese


@pytest.mark.parametrize(
    ("lang", "agreed", "used"),
    [
        (
            "zh-Hant",
            "我們約定提供兩款設計提案及兩輪修改。",
            "目前我已提交兩款提案，修改已進行兩輪。",
        ),
        (
            "zh-Hans",
            "我们约定提供两套设计方案和两轮修改。",
            "目前我已提交两套方案，修改已进行两轮。",
        ),
    ],
)
def test_chinese_two_uses_liang(lang: Language, agreed: str, used: str) -> None:
    text = statement(lang, allowances={"concepts": 2, "revision_rounds": 2}, ledger=delivered(2, 2))
    assert agreed in text
    assert used in text
    for wrong in ("二款", "二套", "二輪", "二轮", "二份"):
        assert wrong not in text


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("zh-Hant", "我們約定提供三款設計提案及一輪修改。"),
        ("zh-Hans", "我们约定提供三套设计方案和一轮修改。"),
    ],
)
def test_chinese_measure_words(lang: Language, phrase: str) -> None:
    assert phrase in statement(lang, allowances={"concepts": 3, "revision_rounds": 1})


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [("zh-Hant", "另有已同意的追加報價兩份"), ("zh-Hans", "另有已确认的追加报价两份")],
)
def test_chinese_change_orders_count_with_fen(lang: Language, phrase: str) -> None:
    assert phrase in statement(lang, ledger=[co("CO-1", "400"), co("CO-2", "100")])


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("zh-Hant", "這比約定多出一款提案及一輪修改。"),
        ("zh-Hans", "这比约定多出一套方案和一轮修改。"),
    ],
)
def test_chinese_over_the_allowance(lang: Language, phrase: str) -> None:
    text = statement(lang, allowances={"concepts": 1, "revision_rounds": 1}, ledger=delivered(2, 2))
    assert phrase in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh-Hant",
            "我們約定提供20款設計提案及12輪修改。目前我已提交101款提案，修改已進行13輪。"
            "這比約定多出81款提案及一輪修改。",
        ),
        (
            "zh-Hans",
            "我们约定提供20套设计方案和12轮修改。目前我已提交101套方案，修改已进行13轮。"
            "这比约定多出81套方案和一轮修改。",
        ),
    ],
)
def test_chinese_large_counts(lang: Language, expected: str) -> None:
    # Digits take the measure word directly, as "三款" does ("提供20 款" used to be written).
    text = statement(
        lang, allowances={"concepts": 20, "revision_rounds": 12}, ledger=delivered(101, 13)
    )
    assert text.endswith(expected)
    assert not re.search(r"[\u4e00-\u9fff]\d[\d,.]*\s", text), text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh-Hant",
            "本案按工時計費，每小時 €80。目前累計工時為 1.5 小時，費用共 €120。"
            "另有已同意的追加報價一份，金額為 €400，目前合計 €520。目前尚未收到任何款項。",
        ),
        (
            "zh-Hans",
            "本项目按工时计费，每小时 €80。目前累计工时为 1.5 小时，费用共 €120。"
            "另有已确认的追加报价一份，金额为 €400，目前合计 €520。目前尚未收到任何款项。",
        ),
    ],
)
def test_chinese_hourly_with_change_orders(lang: Language, expected: str) -> None:
    # No space after "。" between the hours and the change orders (there used to be one).
    assert statement(lang, price=HOURLY, ledger=[work("1.5"), co("CO-1", "400")]) == expected


# Distinctive characters: (Traditional, Simplified). Characters shared by both scripts
# (e.g. 只, 周, 台, 后, 里, 面, 于) are left out on purpose.
SCRIPT_PAIRS = [
    ("約", "约"), ("價", "价"), ("為", "为"), ("們", "们"), ("兩", "两"), ("計", "计"),
    ("輪", "轮"), ("時", "时"), ("費", "费"), ("額", "额"), ("這", "这"), ("設", "设"),
    ("確", "确"), ("還", "还"), ("開", "开"), ("無", "无"), ("記", "记"), ("錄", "录"),
    ("項", "项"), ("數", "数"), ("與", "与"), ("務", "务"), ("單", "单"), ("應", "应"),
    ("實", "实"), ("際", "际"), ("進", "进"), ("過", "过"), ("經", "经"), ("會", "会"),
    ("對", "对"), ("發", "发"), ("個", "个"), ("當", "当"), ("從", "从"), ("來", "来"),
    ("點", "点"), ("間", "间"), ("據", "据"), ("產", "产"), ("條", "条"), ("說", "说"),
    ("請", "请"), ("謝", "谢"), ("總", "总"), ("協", "协"), ("償", "偿"), ("預", "预"),
    ("訂", "订"), ("報", "报"), ("規", "规"), ("幣", "币"), ("體", "体"), ("續", "续"),
    ("結", "结"), ("萬", "万"), ("億", "亿"), ("劃", "划"), ("種", "种"), ("讓", "让"),
]  # fmt: skip
TRADITIONAL = {t for t, _ in SCRIPT_PAIRS}
SIMPLIFIED = {s for _, s in SCRIPT_PAIRS}

# Situations that between them use every sentence a writer has.
SCRIPT_SITUATIONS: list[dict[str, Any]] = [
    {"deposit": 50, "deadline": "2026-12-15"},
    {"deposit": 50, "ledger": [pay("1000")]},
    {"ledger": [pay("4800")]},
    {"ledger": [pay("5000")]},
    {"allowances": {"concepts": 3, "revision_rounds": 2}},
    {"allowances": {"concepts": 1, "revision_rounds": 1}, "ledger": delivered(3, 2)},
    {"ledger": [co("CO-1", "400"), work("1", "favor")]},
    {"price": HOURLY},
    {"price": {**HOURLY, "amount": "2000"}, "ledger": [work("3"), co("CO-1", "400")]},
]


@pytest.mark.parametrize("index", range(len(SCRIPT_SITUATIONS)))
def test_no_simplified_in_traditional_and_no_traditional_in_simplified(index: int) -> None:
    situation = SCRIPT_SITUATIONS[index]
    hant = statement("zh-Hant", **situation)
    hans = statement("zh-Hans", **situation)
    assert not SIMPLIFIED & set(hant), (sorted(SIMPLIFIED & set(hant)), hant)
    assert not TRADITIONAL & set(hans), (sorted(TRADITIONAL & set(hans)), hans)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_statements_keep_to_one_script(path: Path) -> None:
    agreement = load_agreement(path)
    hant = status_statement(agreement, lang="zh-Hant")
    hans = status_statement(agreement, lang="zh-Hans")
    assert not SIMPLIFIED & set(hant), hant
    assert not TRADITIONAL & set(hans), hans


def test_script_pairs_are_distinct() -> None:
    assert not TRADITIONAL & SIMPLIFIED
    assert len(TRADITIONAL) == len(SIMPLIFIED) == len(SCRIPT_PAIRS)


# ----------------------------------------------------------------- what is left out


@pytest.mark.parametrize(
    ("lang", "word"),
    [
        ("en", "delivery date"),
        ("fi", "toimituspäivä"),
        ("ro", "Termenul"),
        ("zh-Hant", "交件"),
        ("zh-Hans", "交付"),
    ],
)
def test_deadline_sentence_only_with_a_deadline(lang: Language, word: str) -> None:
    assert word not in statement(lang)
    assert word in statement(lang, deadline="2026-12-15")


@pytest.mark.parametrize(
    ("lang", "date"),
    [
        ("en", "The agreed delivery date is 15 December 2026."),
        ("fi", "Sovittu toimituspäivä on 15. joulukuuta 2026."),
        ("ro", "Termenul de livrare convenit este 15 decembrie 2026."),
        ("zh-Hant", "約定的交件日期為 2026年12月15日。"),
        ("zh-Hans", "约定的交付日期为 2026年12月15日。"),
    ],
)
def test_deadline_is_formatted_for_the_locale(lang: Language, date: str) -> None:
    assert statement(lang, deadline="2026-12-15").endswith(date)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_no_allowance_sentences_without_allowances_or_deliveries(lang: Language) -> None:
    plain = statement(lang)
    with_allowances = statement(lang, allowances={"concepts": 2})
    assert len(with_allowances) > len(plain)
    assert with_allowances.startswith(plain)


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "The agreed price is €4,800. No payment has been received yet."),
        ("fi", "Sovittu hinta on 4\xa0800\xa0€. Maksuja ei ole vielä saapunut."),
        ("ro", "Prețul convenit este de 4.800\xa0EUR. Până acum nu am primit nicio plată."),
        ("zh-Hant", "本案約定的總價為 €4,800。目前尚未收到任何款項。"),
        ("zh-Hans", "本项目约定的总价为 €4,800。目前尚未收到任何款项。"),
    ],
)
def test_nothing_paid_without_a_deposit(lang: Language, sentence: str) -> None:
    assert statement(lang) == sentence


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_deposit_paid_has_no_deposit_sentence(lang: Language) -> None:
    assert statement(lang, deposit=50, ledger=[pay("2400")]) == statement(
        lang, ledger=[pay("2400")]
    )


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "The work is billed by the hour at €80 per hour. No hours have been logged yet."),
        (
            "fi",
            "Työ laskutetaan tuntiperusteisesti, 80\xa0€ tunnilta. Työtunteja ei ole vielä kirjattu.",
        ),
        (
            "ro",
            "Lucrarea se facturează cu 80\xa0EUR pe oră. "
            "Nu am înregistrat încă nicio oră de lucru.",
        ),
        ("zh-Hant", "本案按工時計費，每小時 €80。目前尚未記錄任何工時。"),
        ("zh-Hans", "本项目按工时计费，每小时 €80。目前尚未记录任何工时。"),
    ],
)
def test_hourly_without_an_estimate_or_hours(lang: Language, sentence: str) -> None:
    assert statement(lang, price=HOURLY).startswith(sentence)


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        (
            "en",
            "So far I have logged 1.5 hours of work, which comes to €120. One accepted change "
            "order adds €400, so the total to date is €520.",
        ),
        (
            "fi",
            "Tähän mennessä olen kirjannut 1,5 tuntia työtä, eli yhteensä 120\xa0€. Yksi "
            "hyväksytty muutostilaus tuo lisää 400\xa0€, joten laskutettavaa on tähän mennessä "
            "yhteensä 520\xa0€.",
        ),
        (
            "ro",
            "Până acum am înregistrat 1,5 ore de lucru, adică 120\xa0EUR. O comandă suplimentară "
            "acceptată adaugă 400\xa0EUR, așa că totalul de până acum este de 520\xa0EUR.",
        ),
    ],
)
def test_hourly_with_change_orders(lang: Language, sentence: str) -> None:
    assert sentence in statement(lang, price=HOURLY, ledger=[work("1.5"), co("CO-1", "400")])


# ------------------------------------------------------------------- amounts per locale


@pytest.mark.parametrize(
    ("lang", "currency", "amount", "pattern"),
    [
        ("fi", "EUR", "4800", "4[\u00a0\u202f]800[\u00a0\u202f]€"),
        ("fi", "EUR", "4800.50", "4[\u00a0\u202f]800,50[\u00a0\u202f]€"),
        ("ro", "EUR", "4800", r"4\.800[ \u00a0]EUR"),
        ("ro", "RON", "9500.5", r"9\.500,50[ \u00a0]RON"),
        ("en", "EUR", "4800", "€4,800"),
        ("en", "GBP", "18000", "£18,000"),
        ("zh-Hant", "TWD", "60000", r"NT\$60,000"),
        ("zh-Hans", "CNY", "36000", "¥36,000"),
        ("en", "JPY", "60000", "¥60,000"),
    ],
)
def test_amounts_are_formatted_for_the_locale(
    lang: Language, currency: str, amount: str, pattern: str
) -> None:
    text = statement(lang, currency=currency, price={"model": "fixed", "amount": amount})
    assert re.search(pattern, text), text


def test_taiwan_dollars_are_never_a_bare_dollar_sign_in_traditional_chinese() -> None:
    text = status_statement(load_agreement(EXAMPLES / "anxin-clinic.yaml"))
    assert re.findall(r"\S*\$", text) == ["NT$", "NT$", "NT$"]


@pytest.mark.parametrize(
    ("lang", "concepts", "rounds"),
    [
        ("en", "The price includes no design concepts.", "The price includes no revision rounds."),
        ("fi", "Hintaan ei sisälly konsepteja.", "Hintaan ei sisälly korjauskierroksia."),
        ("ro", "Acordul nu prevede niciun concept.", "Acordul nu prevede nicio rundă de revizie."),
        ("zh-Hant", "依約定不含設計提案。", "依約定不含修改。"),
        ("zh-Hans", "按约定不含设计方案。", "按约定不含修改。"),
    ],
)
def test_zero_agreed_reads_as_none_included(lang: Language, concepts: str, rounds: str) -> None:
    text = statement(lang, allowances={"concepts": 0, "revision_rounds": 0})
    assert concepts in text
    assert rounds in text
    assert "zero" not in text
    assert "nolla" not in text
    assert "零" not in text


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("en", "which covers the work to date."),
        ("fi", "mikä kattaa tähänastisen työn."),
        ("ro", "sumă care acoperă lucrările de până acum."),
        ("zh-Hant", "已涵蓋至今的工作費用。"),
        ("zh-Hans", "已覆盖目前为止的工作费用。"),
    ],
)
def test_hourly_fees_covered_is_not_paid_in_full(lang: Language, phrase: str) -> None:
    text = statement(
        lang,
        price={"model": "hourly", "amount": "36000", "hourly_rate": "300"},
        ledger=[work("1"), pay("300")],
    )
    assert phrase in text
