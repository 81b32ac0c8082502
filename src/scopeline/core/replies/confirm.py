"""The understanding check: the agreement restated for the client to confirm before work starts.

Scope items, exclusions, concepts and revision rounds, the price, the deposit, the delivery date
and how extras are handled, in the client's language.
"""

from __future__ import annotations

from decimal import Decimal

from scopeline.core.agreement import Agreement
from scopeline.core.languages import Language
from scopeline.core.ledger import project_state
from scopeline.core.replies.bank import Tone
from scopeline.core.replies.grammar import Quantity
from scopeline.core.replies.letters import Letter


def understanding_check(
    agreement: Agreement, *, tone: Tone = "neutral", lang: Language | None = None
) -> str:
    """The message asking the client to confirm the agreement, in ``lang`` (default: theirs)."""
    lang = lang or agreement.lang
    letter = Letter(agreement, lang, tone, seed=f"confirm\x00{agreement.project}")
    state = project_state(agreement)
    letter.greeting()
    letter.say("confirm.opening")
    letter.end()
    letter.say("confirm.scope")
    letter.lines([item.title for item in agreement.scope])
    if agreement.exclusions:
        letter.say("confirm.exclusions")
        letter.lines([item.title for item in agreement.exclusions])
    allowances = agreement.allowances
    concepts = Quantity(Decimal(allowances.concepts or 0), "concept", lang)
    rounds = Quantity(Decimal(allowances.revision_rounds or 0), "round", lang)
    if allowances.concepts and allowances.revision_rounds:
        letter.say("confirm.allowances", concepts_agreed=concepts, rounds_agreed=rounds)
    elif allowances.concepts:
        letter.say("confirm.concepts", concepts_agreed=concepts)
    elif allowances.revision_rounds:
        letter.say("confirm.rounds", rounds_agreed=rounds)
    price = agreement.price
    rate = price.hourly_rate
    if price.model == "fixed" and price.amount is not None:
        letter.say("confirm.price_fixed", price=letter.money(price.amount))
    elif rate is not None and price.amount is not None:
        letter.say(
            "confirm.price_hourly_estimate",
            rate=letter.money(rate),
            price=letter.money(price.amount),
        )
    elif rate is not None:
        letter.say("confirm.price_hourly", rate=letter.money(rate))
    if agreement.deposit is not None and state.deposit_amount is not None:
        letter.say(
            "confirm.deposit",
            percent=letter.percent(agreement.deposit.percent),
            deposit=letter.money(state.deposit_amount),
        )
    if agreement.deadline is not None:
        letter.say("confirm.deadline", deadline=letter.date(agreement.deadline))
    if rate is not None:
        letter.say("confirm.extras", rate=letter.money(rate))
    else:
        letter.say("confirm.extras_no_rate")
    letter.end()
    letter.say("confirm.ask")
    letter.sign()
    return letter.text()
