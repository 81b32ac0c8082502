"""The phrase banks: the sentences replies are assembled from, one YAML file per language.

``data/replies/<lang>.yaml`` maps each part (``thanks``, ``change_order.offer``, ...) to its
variants: a list (the same for every tone) or ``{warm: [...], neutral: [...], firm: [...]}``.
The composer picks one variant per part, seeded by the message, so two requests rarely read
alike while the same request always gets the same draft.

``PARTS`` below is the contract between the composer and the banks: every part, the
placeholders its sentences may use and what they hold. Loading checks every bank against it
(missing parts, unknown placeholders, grammatical forms the language does not have), so a
translation slip fails the test suite, never a reply.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final, Literal, TypeAlias, get_args

from scopeline.core._source import load_yaml
from scopeline.core.errors import ScopelineError
from scopeline.core.languages import SUPPORTED_LANGUAGES, Language
from scopeline.core.replies.grammar import FORMS

Tone: TypeAlias = Literal["warm", "neutral", "firm"]
TONES: Final[tuple[Tone, ...]] = get_args(Tone)

# Placeholders and what they hold (the composer fills them; see docs/replies.md):
#   contact, provider, client, project   names, as written in the agreement
#   contact_first   the contact's given name ("Matti" of "Matti Virtanen"; Chinese names whole)
#   clause      a scope item's or exclusion's title, in the language's quotation marks
#   request     the advice entry's wording of the request (fits the restate frame)
#   task        the estimate catalogue's title of the task, quoted
#   quote       the client's first sentence, quoted and shortened
#   hours       Quantity of hours (forms: see grammar.FORMS); hours_range: Span of hours
#   days        Quantity of working days the change moves the delivery
#   price, price_range, bid, target, saving, reduced_price, outstanding, deposit, refund,
#   value, alt_price     formatted amounts
#   alt_hours   Span of hours of the advised alternative
#   surcharge   the rush surcharge, as a formatted percentage
#   fix_date, done_date, reply_date, deadline   formatted dates
#   rounds_agreed, rounds_used, rounds_left, round_no (and concepts_* / concept_no)
#               Quantity of revision rounds / concepts (round_no, concept_no: a bare number)
#   agreed_qty, requested_qty   how many of a scope item were agreed and would be delivered
#   count       Quantity (concepts or revision rounds) of a continuation option
#   status      the status statement (several sentences)
#   rate        the hourly rate, formatted; percent: the deposit percentage
_NAMES = {"contact", "contact_first", "provider", "client", "project"}
PARTS: Final[dict[str, frozenset[str]]] = {
    name: frozenset(fields)
    for name, fields in {
        # -- every reply
        "greeting": {"contact"},
        "greeting_no_contact": set(),
        "thanks": set(),
        "restate.advice": {"request"},
        "restate.task": {"task"},
        "restate.clause": {"clause"},
        "restate.quote": {"quote"},
        "purpose.generic": set(),
        "closing": set(),
        # -- fix_now
        "fix_now.apology": set(),
        "fix_now.clause": {"clause"},
        "fix_now.commit": {"fix_date"},
        "fix_now.update": set(),
        # -- do_it
        "do_it.item": {"clause"},
        "do_it.round": {"rounds_agreed", "round_no", "rounds_left"},
        "do_it.round_last": {"rounds_agreed"},
        "do_it.concept": {"concepts_agreed", "concept_no", "concepts_left"},
        "do_it.concept_last": {"concepts_agreed"},
        "do_it.unlimited": set(),
        "do_it.when": {"done_date"},
        # -- favor
        "favor.named": {"hours"},
        "favor.value": {"price"},
        "favor.limit": set(),
        "favor.when": {"done_date"},
        # -- facts (change_order, decline); .cite names the agreement, .soft leads with value
        "facts.excluded.cite": {"clause"},
        "facts.excluded.soft": {"clause"},
        "facts.out_of_scope.cite": set(),
        "facts.out_of_scope.soft": set(),
        "facts.quantity.cite": {"clause", "agreed_qty", "requested_qty"},
        "facts.quantity.soft": {"clause", "agreed_qty", "requested_qty"},
        "facts.rounds_used.cite": {"rounds_agreed", "rounds_used"},
        "facts.rounds_used.soft": {"rounds_agreed", "rounds_used"},
        "facts.concepts_used.cite": {"concepts_agreed", "concepts_used"},
        "facts.concepts_used.soft": {"concepts_agreed", "concepts_used"},
        "facts.rush.cite": {"surcharge"},
        "facts.rush.soft": {"surcharge"},
        "facts.rush_deadline.cite": {"surcharge", "deadline"},
        "facts.rush_deadline.soft": {"surcharge", "deadline"},
        "value.soft": set(),
        # -- options
        "change_order.estimate": {"hours", "hours_range"},
        "change_order.offer": {"price", "days"},
        "change_order.offer_range": {"price", "price_range", "days"},
        "change_order.offer_rush": {"price", "surcharge"},
        "change_order.no_price": {"hours"},
        "alternative.price": {"alt_hours", "alt_price"},
        "alternative.hours": {"alt_hours"},
        "alternative.generic": set(),
        "later": set(),
        "keep_date": set(),
        "ask": set(),
        "ask.single": set(),
        # -- decline
        "decline.no": set(),
        "decline.skills": set(),
        # -- hold_price (discount)
        "hold.concern": set(),
        "hold.price.cite": {"bid"},
        "hold.price.soft": {"bid"},
        "hold.same_scope": set(),
        "hold.target": {"target"},
        "hold.options": set(),
        "hold.line": {"clause", "saving"},
        "hold.result": {"reduced_price"},
        "hold.unreachable": {"target", "reduced_price"},
        "hold.no_reduction": set(),
        # -- escalate
        "refund.ack": set(),
        "refund.status": set(),
        "refund.fulfilled": set(),
        "refund.rework": set(),
        "threat.ack": set(),
        "threat.status": set(),
        "threat.calm": set(),
        "call": set(),
        # -- pressure beside a work request
        "secondary.threat": set(),
        "secondary.discount": set(),
        "secondary.refund": set(),
        "secondary.deadline": {"surcharge"},
        # -- answer, acknowledge
        "answer.ack": set(),
        "answer.will": {"reply_date"},
        "acknowledge.thanks": set(),
        "acknowledge.next": set(),
        # -- exit kit
        "exit.opening": set(),
        "exit.status": set(),
        "exit.options": set(),
        "exit.option.concepts": {"count", "price"},
        "exit.option.rounds": {"count", "price"},
        "exit.option.hours": {"hours", "price"},
        "exit.farewell": set(),
        "exit.money": set(),
        "exit.money.waive": {"outstanding"},
        "exit.money.keep_deposit": {"deposit"},
        "exit.money.keep_deposit_refund": {"deposit", "refund"},
        "exit.money.partial_refund": {"refund"},
        "exit.money.fair": {"hours", "value", "bid"},
        "exit.closing": set(),
        # -- understanding check
        "confirm.opening": set(),
        "confirm.scope": set(),
        "confirm.exclusions": set(),
        "confirm.allowances": {"concepts_agreed", "rounds_agreed"},
        "confirm.concepts": {"concepts_agreed"},
        "confirm.rounds": {"rounds_agreed"},
        "confirm.price_fixed": {"price"},
        "confirm.price_hourly": {"rate"},
        "confirm.price_hourly_estimate": {"rate", "price"},
        "confirm.deposit": {"percent", "deposit"},
        "confirm.deadline": {"deadline"},
        "confirm.extras": {"rate"},
        "confirm.extras_no_rate": set(),
        "confirm.ask": set(),
    }.items()
}
META: Final = ("lang", "quotes", "separator", "list_marker")
"""Keys of a bank that are settings, not parts."""


class BankError(ScopelineError):
    """A phrase bank that does not fit the contract in ``PARTS``."""


@dataclass(frozen=True)
class Bank:
    lang: Language
    quotes: tuple[str, str]
    separator: str
    """Between sentences of a paragraph: a space, or nothing in Chinese."""
    list_marker: str
    variants: dict[str, dict[Tone, tuple[str, ...]]]

    def pick(self, part: str, tone: Tone, seed: str) -> str:
        """One variant of ``part`` in ``tone``, the same for the same ``seed``."""
        options = self.variants[part][tone]
        digest = hashlib.blake2b(f"{seed}\x00{part}".encode(), digest_size=8).digest()
        return options[int.from_bytes(digest, "big") % len(options)]

    def quote(self, text: str) -> str:
        return f"{self.quotes[0]}{text}{self.quotes[1]}"


def placeholders(text: str) -> list[tuple[str, str]]:
    """``(name, form)`` of every ``{name:form}`` in ``text``."""
    return [
        (name, spec or "")
        for _, name, spec, _ in string.Formatter().parse(text)
        if name is not None
    ]


def parse_bank(data: object, source: str, lang: Language) -> Bank:
    if not isinstance(data, dict):
        raise BankError(f"{source}: expected a mapping of parts")
    problems: list[str] = []
    missing = sorted(set(PARTS) - set(data))
    if missing:
        problems.append(f"missing parts: {', '.join(missing)}")
    unknown = sorted(set(data) - set(PARTS) - set(META))
    if unknown:
        problems.append(f"unknown parts: {', '.join(unknown)}")
    variants: dict[str, dict[Tone, tuple[str, ...]]] = {}
    for part in sorted(set(PARTS) & set(data)):
        value = data[part]
        if isinstance(value, list):
            by_tone: dict[Tone, object] = dict.fromkeys(TONES, value)
        elif isinstance(value, dict) and set(value) == set(TONES):
            by_tone = {tone: value[tone] for tone in TONES}
        else:
            problems.append(f"{part}: expected a list, or warm/neutral/firm lists")
            continue
        clean: dict[Tone, tuple[str, ...]] = {}
        for tone, texts in by_tone.items():
            if (
                not isinstance(texts, list)
                or not texts
                or not all(isinstance(t, str) and t.strip() for t in texts)
            ):
                problems.append(f"{part}.{tone}: expected a non-empty list of sentences")
                continue
            for text in texts:
                try:
                    used = placeholders(text)
                except ValueError as exc:
                    problems.append(f"{part}: {text!r}: {exc}")
                    continue
                allowed = PARTS[part] | _NAMES
                for name, form in used:
                    if name not in allowed:
                        problems.append(f"{part}: {text!r}: unknown placeholder {{{name}}}")
                    elif form and form not in FORMS[lang]:
                        problems.append(f"{part}: {text!r}: {lang} has no form {form!r}")
            clean[tone] = tuple(texts)
        variants[part] = clean
    quotes = data.get("quotes")
    if not (
        isinstance(quotes, list) and len(quotes) == 2 and all(isinstance(q, str) for q in quotes)
    ):
        problems.append("quotes: expected [opening, closing]")
        quotes = ['"', '"']
    if data.get("lang") != lang:
        problems.append(f"lang: expected {lang!r}, got {data.get('lang')!r}")
    if problems:
        raise BankError(f"{source}: " + "; ".join(problems))
    return Bank(
        lang=lang,
        quotes=(quotes[0], quotes[1]),
        separator=str(data.get("separator", " ")),
        list_marker=str(data.get("list_marker", "– ")),
        variants=variants,
    )


@cache
def load_bank(lang: Language) -> Bank:
    """The shipped phrase bank of ``lang`` (validated; cached per process)."""
    if lang not in SUPPORTED_LANGUAGES:
        raise BankError(f"no phrase bank for {lang!r}")
    name = f"data/replies/{lang}.yaml"
    raw = resources.files("scopeline.core").joinpath(name).read_bytes()
    return parse_bank(load_yaml(raw), name, lang)
