"""The reply checker: what every draft must satisfy before a user sees it.

Checked independently of how the reply was assembled, from the verdict and the agreement:
- the facts appear, formatted for the client's locale: the price and the hours of a priced
  option, the clause the request rests on, the allowances, the rush surcharge, the agreed price
  when a discount is asked for;
- a defect reply apologises; a favour is named as one;
- no blame or insult phrase (a list per language);
- the text is in the client's language (the language detector agrees);
- no unfilled placeholder;
- the length is within bounds.
The tests run it over every action × language × tone; the web app can run it on edited drafts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from scopeline.core.agreement import Agreement
from scopeline.core.languages import BABEL_LOCALES, Language
from scopeline.core.ledger import ProjectState, project_state
from scopeline.core.money import format_money, format_number
from scopeline.core.replies.grammar import FORMS, Quantity
from scopeline.core.triage.verdict import Verdict

BLAME: Final[dict[Language, tuple[str, ...]]] = {
    "en": (
        "your fault",
        "you failed",
        "you should have",
        "as i already told you",
        "as i said before",
        "obviously",
        "stupid",
        "ridiculous",
        "unreasonable",
        "you never",
        "you always",
        "calm down",
        "nonsense",
        "your mistake",
        "you don't understand",
        "you do not understand",
    ),
    "fi": (
        "teidän vikanne",
        "teidän syytänne",
        "teidän virheenne",
        "kuten jo sanoin",
        "kuten jo kerroin",
        "tyhmä",
        "naurettava",
        "järjetön",
        "ette ymmärrä",
        "olisitte voineet",
        "olisi pitänyt tietää",
        "rauhoittukaa",
        "hölynpöly",
    ),
    "ro": (
        "vina dumneavoastră",
        "din vina dumneavoastră",
        "greșeala dumneavoastră",
        "așa cum v-am mai spus",
        "cum v-am spus deja",
        "ridicol",
        "prostie",
        "absurd",
        "nu înțelegeți",
        "ar fi trebuit să știți",
        "calmați-vă",
        "aberant",
    ),
    "zh-Hant": (
        "你的錯",
        "您的錯",
        "怪你",
        "怪您",
        "早就說過",
        "早就跟你說",
        "無理取鬧",
        "荒謬",
        "你們搞錯",
        "您搞錯",
        "你不懂",
        "您不懂",
        "冷靜一點",
        "莫名其妙",
    ),
    "zh-Hans": (
        "你的错",
        "您的错",
        "怪你",
        "怪您",
        "早就说过",
        "早就跟你说",
        "无理取闹",
        "荒谬",
        "你们搞错",
        "您搞错",
        "你不懂",
        "您不懂",
        "冷静一点",
        "莫名其妙",
    ),
}
"""Phrases a reply never contains: blame, insult, condescension."""

APOLOGY: Final[dict[Language, tuple[str, ...]]] = {
    "en": ("sorry", "apolog"),
    "fi": ("pahoittel", "pahoillani", "anteeksi", "harmittaa"),
    "ro": ("scuz", "regret", "îmi pare rău"),
    "zh-Hant": ("抱歉", "歉意", "不好意思", "對不起"),
    "zh-Hans": ("抱歉", "歉意", "不好意思", "对不起"),
}
FAVOUR: Final[dict[Language, tuple[str, ...]]] = {
    "en": ("favour",),
    "fi": ("palvelu", "kaupan päälle", "veloituksetta", "ilmaiseksi", "maksutta"),
    "ro": ("favoare", "gratuit", "fără cost", "fără costuri", "fără plată"),
    "zh-Hant": ("免費", "不收費", "不另收費", "不另外收費", "贈送", "幫忙", "順手"),
    "zh-Hans": ("免费", "不收费", "不另收费", "不另外收费", "赠送", "帮忙", "顺手"),
}
_HAN: Final = re.compile(r"[\u3400-\u9fff]")
_PLACEHOLDER: Final = re.compile(r"[{}]|\[[A-Z_ ]+\]|<[a-z_]+>|\bTODO\b|\bXXX\b")


def _bounds(lang: Language) -> tuple[int, int]:
    return (30, 1400) if lang.startswith("zh") else (80, 3000)


def _quantity_forms(value: int, noun: str, lang: Language) -> list[str]:
    q = Quantity(Decimal(value), noun, lang)  # type: ignore[arg-type]
    return [format(q, form) for form in FORMS[lang]]


def check_reply(
    text: str,
    verdict: Verdict,
    agreement: Agreement,
    *,
    lang: Language,
    state: ProjectState | None = None,
) -> list[str]:
    """Problems with a reply draft (empty when it passes)."""
    from scopeline.core.triage.language import detect_language

    state = state or project_state(agreement)
    problems: list[str] = []
    folded = text.lower()

    def money(amount: Decimal) -> str:
        return format_money(amount, agreement.currency, lang)

    def need(fact: str, what: str) -> None:
        if fact not in text:
            problems.append(f"missing {what}: {fact!r}")

    def need_any(options: list[str], what: str) -> None:
        if not any(o.lower() in folded for o in options):
            problems.append(f"missing {what}: one of {options!r}")

    # -- form
    if _PLACEHOLDER.search(text):
        problems.append(f"unfilled placeholder: {_PLACEHOLDER.search(text)!r}")
    low, high = _bounds(lang)
    if not low <= len(text) <= high:
        problems.append(f"length {len(text)} outside {low}..{high}")
    for phrase in BLAME[lang]:
        if phrase in folded:
            problems.append(f"blame or insult phrase: {phrase!r}")
    detected = detect_language(text).lang
    if detected != lang:
        problems.append(f"written in {detected}, expected {lang}")
    if lang.startswith("zh") and not _HAN.search(text):
        problems.append("no Chinese characters in a Chinese reply")

    # -- facts
    v = verdict
    action = v.action
    item = v.scope.item
    clause = None
    if item is not None:
        found = agreement.scope_item(item) or agreement.exclusion(item)
        clause = found.title if found else v.scope.title
    if action == "fix_now":
        need_any(list(APOLOGY[lang]), "an apology")
        if clause:
            need(clause, "the clause")
    if action == "favor":
        need_any(list(FAVOUR[lang]), "the favour named")
        need(format_number(v.estimate.hours, lang), "the hours")
    if action in ("change_order", "favor") and v.price is not None:
        need(money(v.price.amount), "the price")
    if action == "change_order" and v.kind != "deadline" and v.estimate.hours > 0:
        need(format_number(v.estimate.hours, lang), "the hours")
    if (
        action == "change_order"
        and v.kind == "deadline"
        and v.price is not None
        and v.price.surcharge_percent is not None
    ):
        from babel.numbers import format_percent

        need(
            format_percent(v.price.surcharge_percent / 100, locale=BABEL_LOCALES[lang]),
            "the rush surcharge",
        )
    if (
        action == "change_order"
        and v.kind == "addition"
        and clause
        and v.scope.verdict in ("excluded", "out_of_scope")
    ):
        need(clause, "the clause")
    if action == "change_order" and v.kind in ("revision", "extra_concept"):
        allowance = state.revision_rounds if v.kind == "revision" else state.concepts
        noun = "round" if v.kind == "revision" else "concept"
        if allowance.agreed is not None:
            need_any(_quantity_forms(allowance.agreed, noun, lang), "the allowance agreed")
    if action == "do_it" and v.kind == "addition" and clause:
        need(clause, "the clause")
    if action == "hold_price":
        bid = state.fees if state.price_model == "fixed" else state.bid
        if bid is not None:
            need(money(bid), "the agreed price")
    if action == "escalate" and state.bid is not None:
        need(money(state.bid), "the agreed price")
    return problems
