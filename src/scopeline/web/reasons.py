"""The triage verdict's reasons in the UI language.

The core writes each reason as an English sentence (``Verdict.reasons``, stored with the client
request) and stays free of Django; its JSON contract does not change. This module reads those
sentences back: each template the core can produce has a pattern here, with named groups for
what varies, and a translatable message with the same names as placeholders. The values are
re-formatted for the reader — hours, counts and scores in the locale's notation, amounts as money,
request kinds and actions by their translated labels — while clause ids, catalogue task ids and
the titles the user wrote stay as they are. A decline reason quoted from the advice library is
taken from the library in the UI language.

A sentence no pattern knows (a core change not followed here) is shown as it is, in English, and
logged at debug level. The patterns follow ``core/triage/policy.py``, ``scope.py``, ``engine.py``
and ``estimate.py``; ``tests/web/test_reasons.py`` drives the real core through every template.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final, TypeAlias

from babel.numbers import format_decimal, format_percent
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from scopeline.core.languages import BABEL_LOCALES
from scopeline.core.replies.advice import load_advice
from scopeline.web import i18n, labels

logger = logging.getLogger(__name__)

Rule: TypeAlias = tuple[re.Pattern[str], Promise]
"""A reason template: the pattern that reads the core's sentence, and the UI message."""
Formatter: TypeAlias = Callable[[str, re.Match[str]], str | None]
"""Turns one captured value into its UI form; None when it cannot (the rule then fails)."""


# -- pattern pieces ----------------------------------------------------------------------------


def _num(name: str) -> str:
    """A plain decimal number as the core prints hours, counts and scores: 14, 0.5, 0.83."""
    return rf"(?P<{name}>-?\d+(?:\.\d+)?)"


def _id(name: str) -> str:
    """A clause, catalogue task or advice entry id in straight quotes (ids have no spaces)."""
    return rf"'(?P<{name}>\S+?)'"


_CURRENCY: Final = r"(?P<currency>[A-Z]{3})"
_KIND: Final = r"(?P<kind>[a-z_]+)"


def _rule(pattern: str, message: Promise) -> Rule:
    return re.compile(pattern, re.DOTALL), message


# -- the templates -----------------------------------------------------------------------------

EVIDENCE: Final[tuple[Rule, ...]] = (
    # scope.py: the evidence of a scope match, inside the parentheses of its reason.
    _rule(
        rf"similarity {_num('similarity')}, ranking margin {_num('margin')}, "
        rf"shared words score {_num('words')}",
        _("similarity %(similarity)s, ranking margin %(margin)s, shared words score %(words)s"),
    ),
    _rule(
        rf"similarity {_num('similarity')}, ranking margin {_num('margin')}",
        _("similarity %(similarity)s, ranking margin %(margin)s"),
    ),
)

SOURCES: Final[tuple[Rule, ...]] = (
    # estimate.py and engine.py: where an estimate's hours come from.
    _rule(
        rf"median of {_num('count')} earlier {_KIND} requests on {_id('item')} in the ledger",
        _(
            "median of %(count)s earlier requests of this kind (%(kind)s) on '%(item)s' "
            "in the ledger"
        ),
    ),
    _rule(
        rf"median of {_num('count')} earlier {_KIND} requests in the ledger",
        _("median of %(count)s earlier requests of this kind (%(kind)s) in the ledger"),
    ),
    _rule(
        rf"{_id('item')}: {_num('item_hours')} h for {_num('quantity')} (?P<unit>.+?)\(s\)",
        _("'%(item)s': %(item_hours)s h for %(quantity)s %(unit)s(s)"),
    ),
    _rule(
        rf"catalogue task {_id('task')} \(similarity {_num('similarity')}\)",
        _("catalogue task '%(task)s' (similarity %(similarity)s)"),
    ),
    _rule(
        rf"{_num('share')}% of the {_num('item_hours')} h of {_id('item')}",
        _("%(share)s of the %(item_hours)s h of '%(item)s'"),
    ),
    _rule(
        r"default for an? (?P<kind>[a-z ]+); nothing similar found",
        _("default for this kind of request (%(kind)s); nothing similar found"),
    ),
    _rule(
        rf"advice entry {_id('entry')}: typical hours",
        _("advice entry '%(entry)s': typical hours"),
    ),
    _rule(r"remaining budgeted hours", _("remaining budgeted hours")),
)

_ALL: Final = r"(?P<noun>revision rounds|concepts)"

REASONS: Final[tuple[Rule, ...]] = (
    # engine.py
    _rule(
        r"Nothing to triage: binary content, not text\.",
        _("Nothing to triage: binary content, not text."),
    ),
    _rule(r"Nothing to triage: no text to read\.", _("Nothing to triage: no text to read.")),
    _rule(
        rf"Request kind: (?P<kinds>[a-z_]+(?: \+ [a-z_]+)*) \(confidence {_num('confidence')}\)\.",
        _("Request kind: %(kinds)s (confidence %(confidence)s)."),
    ),
    _rule(r"Estimate source: (?P<source>.+)\.", _("Estimate source: %(source)s.")),
    _rule(
        r"Only the newest part of the message was read \(quoted history removed\)\.",
        _("Only the newest part of the message was read (quoted history removed)."),
    ),
    _rule(
        r"The message is very long; its beginning was read\.",
        _("The message is very long; its beginning was read."),
    ),
    # scope.py (the evidence is translated by EVIDENCE; a title never ends in "; confidence")
    _rule(
        r"The agreement lists no clauses to match\.",
        _("The agreement lists no clauses to match."),
    ),
    _rule(
        rf"Closest scope item {_id('item')} \((?P<evidence>.+); "
        rf"confidence {_num('confidence')}\)\.",
        _("Closest scope item '%(item)s' (%(evidence)s; confidence %(confidence)s)."),
    ),
    _rule(
        rf"No clause matches well enough: the closest is {_id('item')} \((?P<evidence>.+); "
        rf"confidence {_num('confidence')} < {_num('threshold')}\)\.",
        _(
            "No clause matches well enough: the closest is '%(item)s' "
            "(%(evidence)s; confidence %(confidence)s < %(threshold)s)."
        ),
    ),
    _rule(
        rf"Matches exclusion {_id('item')} \((?P<evidence>.+); "
        rf"confidence {_num('confidence')}\)\.",
        _("Matches exclusion '%(item)s' (%(evidence)s; confidence %(confidence)s)."),
    ),
    _rule(
        rf"Within scope item {_id('item')}: unit {_num('ordinal')} of {_num('quantity')} "
        r"agreed \((?P<evidence>.+)\)\.",
        _("Within scope item '%(item)s': unit %(ordinal)s of %(quantity)s agreed (%(evidence)s)."),
    ),
    _rule(
        rf"Beyond scope item {_id('item')}: {_num('quantity')} (?P<unit>.+?)\(s\) agreed, "
        rf"this would be number {_num('requested')} \((?P<evidence>.+)\)\.",
        _(
            "Beyond scope item '%(item)s': %(quantity)s %(unit)s(s) agreed, this would be "
            "number %(requested)s (%(evidence)s)."
        ),
    ),
    _rule(
        rf"Covered by scope item {_id('item')} \((?P<evidence>.+); "
        rf"confidence {_num('confidence')}\)\.",
        _("Covered by scope item '%(item)s' (%(evidence)s; confidence %(confidence)s)."),
    ),
    _rule(
        rf"Related to scope item {_id('item')} but not covered by it \((?P<evidence>.+); "
        rf"confidence {_num('confidence')} < {_num('threshold')}\)\.",
        _(
            "Related to scope item '%(item)s' but not covered by it "
            "(%(evidence)s; confidence %(confidence)s < %(threshold)s)."
        ),
    ),
    # policy.py
    _rule(
        rf"A defect in {_id('item')} in work we delivered: "
        r"we apologise, fix it and charge nothing\.",
        _("A defect in '%(item)s' in work we delivered: we apologise, fix it and charge nothing."),
    ),
    _rule(
        r"A defect in work we delivered: we apologise, fix it and charge nothing\.",
        _("A defect in work we delivered: we apologise, fix it and charge nothing."),
    ),
    _rule(
        r"The agreement sets no limit on revision rounds\.",
        _("The agreement sets no limit on revision rounds."),
    ),
    _rule(
        r"The agreement sets no limit on concepts\.",
        _("The agreement sets no limit on concepts."),
    ),
    _rule(
        rf"{_num('used')} of {_num('agreed')} revision rounds used so far; "
        rf"this one is included \({_num('left')} left\)\.",
        _(
            "%(used)s of %(agreed)s revision rounds used so far; "
            "this one is included (%(left)s left)."
        ),
    ),
    _rule(
        rf"{_num('used')} of {_num('agreed')} concepts used so far; "
        rf"this one is included \({_num('left')} left\)\.",
        _("%(used)s of %(agreed)s concepts used so far; this one is included (%(left)s left)."),
    ),
    _rule(
        rf"All {_num('agreed')} agreed revision rounds are used \({_num('used')} delivered\); "
        r"another one is extra work, priced as a change order\.",
        _(
            "All %(agreed)s agreed revision rounds are used (%(used)s delivered); "
            "another one is extra work, priced as a change order."
        ),
    ),
    _rule(
        rf"All {_num('agreed')} agreed concepts are used \({_num('used')} delivered\); "
        r"another one is extra work, priced as a change order\.",
        _(
            "All %(agreed)s agreed concepts are used (%(used)s delivered); "
            "another one is extra work, priced as a change order."
        ),
    ),
    _rule(
        rf"Advice library entry {_id('entry')} recommends declining: (?P<advice>.+) "
        r"The reply offers the nearest alternative\.",
        _(
            "Advice library entry '%(entry)s' recommends declining: %(advice)s "
            "The reply offers the nearest alternative."
        ),
    ),
    _rule(
        rf"Earlier delivery means rush work: the rush surcharge is {_num('percent')}% "
        r"\(policy\.rush_surcharge_percent\)\.",
        _(
            "Earlier delivery means rush work: the rush surcharge is %(percent)s "
            "(policy.rush_surcharge_percent)."
        ),
    ),
    _rule(
        rf"The agreement's policy sets '(?P<override>[a-z_]+)' for {_KIND} requests "
        r"\(the baseline would be '(?P<baseline>[a-z_]+)'\)\.",
        _(
            "The agreement's policy sets '%(override)s' for this kind of request (%(kind)s); "
            "the baseline would be '%(baseline)s'."
        ),
    ),
    _rule(
        r"The message also applies pressure \(a threat\): answer calmly, record it; "
        r"it does not change the action\.",
        _(
            "The message also applies pressure (a threat): answer calmly, record it; "
            "it does not change the action."
        ),
    ),
    _rule(
        r"The message also asks for a lower price: the price of the agreed scope holds\.",
        _("The message also asks for a lower price: the price of the agreed scope holds."),
    ),
    _rule(
        r"The message also asks for earlier delivery: the rush surcharge applies\.",
        _("The message also asks for earlier delivery: the rush surcharge applies."),
    ),
    _rule(
        r"The message also asks for money back: handled separately, with evidence\.",
        _("The message also asks for money back: handled separately, with evidence."),
    ),
    _rule(
        r"The message also asks a question: answer it in the reply\.",
        _("The message also asks a question: answer it in the reply."),
    ),
    _rule(
        r"The message also approves or thanks: acknowledge it\.",
        _("The message also approves or thanks: acknowledge it."),
    ),
    _rule(
        r"The message also contains an? (?P<kind>[a-z ]+) request\.",
        _("The message also contains another request: %(kind)s."),
    ),
    _rule(
        rf"Rush surcharge: {_num('percent')}% of the remaining {_num('hours')} h of work = "
        rf"{_num('amount')} {_CURRENCY}\.",
        _("Rush surcharge: %(percent)s of the remaining %(hours)s h of work = %(amount)s."),
    ),
    _rule(
        rf"Estimate {_num('low')} h–{_num('high')} h \(likely {_num('hours')} h\) "
        rf"at {_num('rate')} {_CURRENCY}/h = {_num('amount')} (?P=currency) before the favour\.",
        _(
            "Estimate %(low)s h–%(high)s h (likely %(hours)s h) at %(rate)s/h = %(amount)s "
            "before the favour."
        ),
    ),
    _rule(
        rf"Estimate {_num('low')} h–{_num('high')} h \(likely {_num('hours')} h\) "
        rf"at {_num('rate')} {_CURRENCY}/h = {_num('amount')} (?P=currency)\.",
        _("Estimate %(low)s h–%(high)s h (likely %(hours)s h) at %(rate)s/h = %(amount)s."),
    ),
    _rule(
        rf"Covered by scope item {_id('item')} \((?P<title>.+)\)\.",
        _("Covered by scope item '%(item)s' (%(title)s)."),
    ),
    _rule(
        rf"Matches exclusion {_id('item')} \((?P<title>.+)\)\.",
        _("Matches exclusion '%(item)s' (%(title)s)."),
    ),
    _rule(
        rf"Beyond scope item {_id('item')}: {_num('agreed')} agreed, "
        rf"this would make {_num('requested')}\.",
        _("Beyond scope item '%(item)s': %(agreed)s agreed, this would make %(requested)s."),
    ),
    _rule(
        rf"Beyond scope item {_id('item')}: {_num('agreed')} agreed, this adds one more\.",
        _("Beyond scope item '%(item)s': %(agreed)s agreed, this adds one more."),
    ),
    _rule(r"No scope item covers this request\.", _("No scope item covers this request.")),
    _rule(
        rf"Small: about {_num('hours')} h, within the favour limit of {_num('limit')} h, "
        rf"and {_num('goodwill')} h of goodwill are left — a favour, named as one\.",
        _(
            "Small: about %(hours)s h, within the favour limit of %(limit)s h, "
            "and %(goodwill)s h of goodwill are left — a favour, named as one."
        ),
    ),
    _rule(
        rf"Small enough for a favour, but the goodwill budget has {_num('goodwill')} h left; "
        r"priced as a change order\.",
        _(
            "Small enough for a favour, but the goodwill budget has %(goodwill)s h left; "
            "priced as a change order."
        ),
    ),
    _rule(
        rf"About {_num('hours')} h, more than the favour limit of {_num('limit')} h: "
        r"a change order\.",
        _("About %(hours)s h, more than the favour limit of %(limit)s h: a change order."),
    ),
    _rule(
        r"A request to pay less: we hold the price for the same scope, offer scope reductions "
        r"that reach the target, and ask about the real concern\.",
        _(
            "A request to pay less: we hold the price for the same scope, offer scope "
            "reductions that reach the target, and ask about the real concern."
        ),
    ),
    _rule(
        r"A refund request: we show that the agreed work was delivered and offer to rework "
        r"what falls short; the decision is escalated to you\.",
        _(
            "A refund request: we show that the agreed work was delivered and offer to "
            "rework what falls short; the decision is escalated to you."
        ),
    ),
    _rule(
        r"Pressure \(withholding payment, legal steps, reviews\): stay calm and factual; "
        r"pressure alone changes nothing in the agreement\.",
        _(
            "Pressure (withholding payment, legal steps, reviews): stay calm and factual; "
            "pressure alone changes nothing in the agreement."
        ),
    ),
    _rule(
        r"A question: answer it; no work is requested\.",
        _("A question: answer it; no work is requested."),
    ),
    _rule(
        r"An approval or thanks: acknowledge it and confirm the next step\.",
        _("An approval or thanks: acknowledge it and confirm the next step."),
    ),
    _rule(r"Nothing to decide: answer briefly\.", _("Nothing to decide: answer briefly.")),
)


# -- values in the UI's notation ---------------------------------------------------------------


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _number(text: str, _match: re.Match[str]) -> str | None:
    """Hours and counts: "12,5" in Finnish."""
    value = _decimal(text)
    return None if value is None else i18n.number(value)


def _score(text: str, _match: re.Match[str]) -> str | None:
    """A similarity, margin or confidence, with the decimals the core printed ("1.00")."""
    value = _decimal(text)
    if value is None:
        return None
    decimals = len(text.partition(".")[2])
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=BABEL_LOCALES[i18n.ui_language()])


def _percent(text: str, _match: re.Match[str]) -> str | None:
    """A percentage with its sign as the locale writes it: "25 %" in Finnish."""
    value = _decimal(text)
    if value is None:
        return None
    locale = BABEL_LOCALES[i18n.ui_language()]
    return format_percent(value / 100, locale=locale, decimal_quantization=False)


def _money(text: str, match: re.Match[str]) -> str | None:
    value = _decimal(text)
    return None if value is None else i18n.money(value, match["currency"])


def _kind(text: str, _match: re.Match[str]) -> str | None:
    code = text.replace(" ", "_")  # "default for an extra concept" names the kind in words
    label = labels.KINDS.get(code)
    return None if label is None else str(label)


def _kinds(text: str, _match: re.Match[str]) -> str | None:
    names = [_kind(code, _match) for code in text.split(" + ")]
    return None if None in names else " + ".join(n for n in names if n)


def _action(text: str, _match: re.Match[str]) -> str | None:
    label = labels.ACTIONS.get(text)
    return None if label is None else str(label)


def _evidence(text: str, _match: re.Match[str]) -> str | None:
    return _apply(EVIDENCE, text)


def _source(text: str, _match: re.Match[str]) -> str | None:
    return _apply(SOURCES, text)


def _advice(text: str, match: re.Match[str]) -> str | None:
    """The advice entry's first reason in the UI language, when the library still has it as
    quoted; otherwise the quoted English text."""
    entry = load_advice().get(match["entry"])
    if entry is None or not entry.reasons.get("en") or entry.reasons["en"][0] != text:
        return text
    translated = entry.reasons.get(i18n.ui_language())
    return translated[0] if translated else text


_FORMATS: Final[dict[str, Formatter]] = {
    **dict.fromkeys(
        (
            "hours", "low", "high", "limit", "goodwill", "item_hours", "count", "quantity",
            "ordinal", "requested", "used", "agreed", "left",
        ),
        _number,
    ),
    **dict.fromkeys(("confidence", "threshold", "similarity", "margin", "words"), _score),
    **dict.fromkeys(("percent", "share"), _percent),
    **dict.fromkeys(("amount", "rate"), _money),
    **dict.fromkeys(("override", "baseline"), _action),
    "kind": _kind,
    "kinds": _kinds,
    "evidence": _evidence,
    "source": _source,
    "advice": _advice,
}  # fmt: skip
"""How each named group is shown; groups not named here (clause and task ids, titles, units)
are shown as the user or the shipped data wrote them."""
CONSUMED: Final = frozenset({"currency"})
"""Groups read by another group's formatter and not placed in the message themselves."""


def _apply(rules: Sequence[Rule], text: str) -> str | None:
    found = _find(rules, text)
    return None if found is None else found[0]


def _find(rules: Sequence[Rule], text: str) -> tuple[str, Rule] | None:
    """The first rule whose pattern and value formatters all accept ``text``, with the result."""
    for rule in rules:
        pattern, message = rule
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values: dict[str, str] = {}
        for name, raw in match.groupdict().items():
            if name in CONSUMED:
                continue
            formatter = _FORMATS.get(name)
            value = raw if formatter is None else formatter(raw, match)
            if value is None:
                break
            values[name] = value
        else:
            return _format(message, values), rule
    return None


def _format(message: Promise, values: dict[str, str]) -> str:
    try:
        return str(message) % values
    except (KeyError, ValueError, TypeError):
        # A catalogue entry whose placeholders do not fit: the English message, not an error page.
        logger.warning("translation of %r does not fit its placeholders", str(message))
        with translation.override(None):
            return str(message) % values


@dataclass(frozen=True, slots=True)
class Translated:
    text: str
    rule: Rule | None
    """The template that read the sentence; None when no pattern knew it (``text`` is then
    the core's English)."""

    @property
    def matched(self) -> bool:
        return self.rule is not None


def translate(text: str) -> Translated:
    """One reason in the UI language (the active Django language)."""
    found = _find(REASONS, text)
    if found is None:
        logger.debug("no translation pattern for triage reason %r", text)
        return Translated(text, None)
    return Translated(*found)


def translate_reason(text: str) -> str:
    """One reason in the UI language, or the core's English sentence when no pattern fits."""
    return translate(text).text
