"""The exit kit: what to send when it is time to part with a client, in their language.

The status statement (the numbers), two priced options to continue, a short respectful farewell
in "I" language, and the money options with their amounts: waive what is left to pay, keep the
deposit, a partial refund as goodwill, or the hours invested against the price with a request to
pay what the client considers fair. ``ExitKit.text`` is the whole letter; the parts are kept
separately for the web app, which lets the user pick and edit them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from scopeline.core.agreement import Agreement
from scopeline.core.languages import Language
from scopeline.core.ledger import ProjectState, project_state
from scopeline.core.money import ZERO, percent_of, quantize
from scopeline.core.replies.bank import Tone
from scopeline.core.replies.grammar import Quantity
from scopeline.core.replies.letters import Letter
from scopeline.core.status import status_statement

GOODWILL_REFUND_PERCENT: Final = Decimal(25)
"""The partial refund offered when the hours worked are worth more than what was paid."""
_CONCEPT_HOURS: Final = Decimal(8)
_ROUND_HOURS: Final = Decimal(4)
_BLOCK_HOURS: Final = (Decimal(8), Decimal(16))

MoneyKind = Literal["waive", "keep_deposit", "partial_refund", "fair"]


@dataclass(frozen=True, slots=True)
class ContinueOption:
    what: Literal["concepts", "rounds", "hours"]
    count: Decimal
    hours: Decimal
    price: Decimal
    text: str


@dataclass(frozen=True, slots=True)
class MoneyOption:
    kind: MoneyKind
    amount: Decimal
    """What the client is spared (waive), the provider keeps (keep_deposit), refunds
    (partial_refund) or the work is worth at the rate (fair)."""
    refund: Decimal
    """What goes back to the client under this option."""
    text: str


@dataclass(frozen=True, slots=True)
class ExitKit:
    lang: Language
    tone: Tone
    status: str
    options: tuple[ContinueOption, ...]
    farewell: str
    money: tuple[MoneyOption, ...]
    text: str

    def as_dict(self) -> dict[str, object]:
        return {
            "lang": self.lang,
            "tone": self.tone,
            "status": self.status,
            "options": [
                {
                    "what": o.what,
                    "count": str(o.count),
                    "hours": str(o.hours),
                    "price": str(o.price),
                    "text": o.text,
                }
                for o in self.options
            ],
            "farewell": self.farewell,
            "money": [
                {"kind": m.kind, "amount": str(m.amount), "refund": str(m.refund), "text": m.text}
                for m in self.money
            ],
            "text": self.text,
        }


def exit_kit(
    agreement: Agreement,
    state: ProjectState | None = None,
    *,
    tone: Tone = "neutral",
    lang: Language | None = None,
) -> ExitKit:
    """The exit kit for ``agreement`` in ``lang`` (default: the client's language)."""
    state = state or project_state(agreement)
    lang = lang or agreement.lang
    letter = Letter(agreement, lang, tone, seed=f"exit\x00{agreement.project}")
    status = status_statement(agreement, state, lang)

    letter.greeting()
    letter.say("exit.opening")
    letter.say("exit.status")
    letter.end()
    letter.raw(status)
    letter.end()

    options = _continue_options(agreement, state, letter)
    if options:
        letter.say("exit.options")
        letter.lines([o.text for o in options])
    farewell = letter.text_of("exit.farewell")
    letter.raw(farewell)
    letter.end()

    money = _money_options(agreement, state, letter)
    if money:
        letter.say("exit.money")
        letter.lines([m.text for m in money])
    letter.sign("exit.closing")
    return ExitKit(lang, tone, status, tuple(options), farewell, tuple(money), letter.text())


def _continue_options(
    agreement: Agreement, state: ProjectState, letter: Letter
) -> list[ContinueOption]:
    rate = agreement.price.hourly_rate
    if rate is None:
        return []
    cur = agreement.currency
    out: list[ContinueOption] = []
    if state.concepts.agreed:
        hours = 2 * _CONCEPT_HOURS
        price = quantize(hours * rate, cur)
        text = letter.text_of(
            "exit.option.concepts",
            count=Quantity(Decimal(2), "concept", letter.lang),
            price=letter.money(price),
        )
        out.append(ContinueOption("concepts", Decimal(2), hours, price, text))
    if state.revision_rounds.agreed:
        count = Decimal(2)
        hours = count * _ROUND_HOURS
        price = quantize(hours * rate, cur)
        text = letter.text_of(
            "exit.option.rounds",
            count=Quantity(count, "round", letter.lang),
            price=letter.money(price),
        )
        out.append(ContinueOption("rounds", count, hours, price, text))
    for block in _BLOCK_HOURS:
        if len(out) >= 2:
            break
        price = quantize(block * rate, cur)
        text = letter.text_of(
            "exit.option.hours",
            hours=Quantity(block, "hour", letter.lang),
            price=letter.money(price),
        )
        out.append(ContinueOption("hours", block, block, price, text))
    return out[:2]


def _money_options(agreement: Agreement, state: ProjectState, letter: Letter) -> list[MoneyOption]:
    cur = agreement.currency
    out: list[MoneyOption] = []
    outstanding = state.outstanding
    paid = state.paid
    deposit = state.deposit_amount
    kept = min(deposit, paid) if deposit and paid > 0 else ZERO
    back = paid - kept
    if kept > 0 and back == 0:
        # Only the deposit was paid: keeping it is waiving the rest; say it that way, once.
        text = letter.text_of("exit.money.keep_deposit", deposit=letter.money(kept))
        out.append(MoneyOption("keep_deposit", kept, ZERO, text))
    else:
        if outstanding > 0:
            text = letter.text_of("exit.money.waive", outstanding=letter.money(outstanding))
            out.append(MoneyOption("waive", outstanding, ZERO, text))
        if kept > 0:
            text = letter.text_of(
                "exit.money.keep_deposit_refund",
                deposit=letter.money(kept),
                refund=letter.money(back),
            )
            out.append(MoneyOption("keep_deposit", kept, back, text))
    rate = agreement.price.hourly_rate
    worked = None if rate is None else quantize(state.hours_logged * rate, cur)
    if paid > 0:
        if worked is not None and paid > worked:
            refund = paid - worked  # what was paid beyond the work done
        else:
            refund = percent_of(paid, GOODWILL_REFUND_PERCENT, cur)
        if refund > 0:
            out.append(
                MoneyOption(
                    "partial_refund",
                    refund,
                    refund,
                    letter.text_of("exit.money.partial_refund", refund=letter.money(refund)),
                )
            )
    bid = state.bid if state.bid is not None else state.fees
    if worked is not None and state.hours_logged > 0 and bid:
        text = letter.text_of(
            "exit.money.fair",
            hours=Quantity(state.hours_logged, "hour", letter.lang),
            value=letter.money(worked),
            bid=letter.money(bid),
        )
        out.append(MoneyOption("fair", worked, ZERO, text))
    return out
