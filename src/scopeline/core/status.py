"""The status statement: where a project stands, in plain sentences in the client's language.

Each language has its own writer, because the grammar differs and must be right: Finnish cases
after numerals ("kolmesta konseptista", "viisi konseptia"), Romanian gender and the "de" of
larger numbers ("două concepte", "o rundă", "20 de ore"), Chinese measure words ("三款提案",
"兩輪修改"). Amounts, numbers and dates are formatted by Babel for the language.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from decimal import Decimal
from functools import cache
from typing import ClassVar

from babel.dates import format_date
from babel.numbers import format_percent

from scopeline.core.agreement import Agreement
from scopeline.core.languages import BABEL_LOCALES, Language
from scopeline.core.ledger import Allowance, ProjectState, project_state
from scopeline.core.money import format_money, format_number
from scopeline.core.replies.grammar import FI_NUMERALS, RO_FEMININE, RO_NEUTER


def status_statement(
    agreement: Agreement, state: ProjectState | None = None, lang: Language | None = None
) -> str:
    """The project's numbers as a short paragraph in ``lang`` (default: the client's)."""
    state = state or project_state(agreement)
    writer = _WRITERS[lang or agreement.lang](agreement, state)
    return writer.separator.join(writer.sentences())


class _Writer(ABC):
    lang: Language
    separator = " "
    """Between sentences: a space, or nothing in Chinese."""

    def __init__(self, agreement: Agreement, state: ProjectState) -> None:
        self.agreement = agreement
        self.state = state

    # -- formatting helpers shared by every language --------------------------------------

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.state.currency, self.lang)

    def number(self, value: Decimal | int) -> str:
        return format_number(value, self.lang)

    def percent(self, value: Decimal) -> str:
        return format_percent(value / 100, locale=BABEL_LOCALES[self.lang])

    def date(self) -> str | None:
        deadline = self.agreement.deadline
        return None if deadline is None else format_date(deadline, "long", BABEL_LOCALES[self.lang])

    # -- the statement --------------------------------------------------------------------

    def sentences(self) -> list[str]:
        s = self.state
        out = [self.price()]
        if s.price_model == "hourly":
            out.append(self.hourly_work())
        out.append(self.payments())
        if s.deposit_due > 0 and s.deposit_percent is not None:
            out.append(self.deposit_due())
        allowances = self.allowances()
        if allowances:
            out.extend(allowances)
        if s.hours_favor > 0:
            out.append(self.favors(s.hours_favor))
        if (when := self.date()) is not None:
            out.append(self.deadline(when))
        return out

    def price(self) -> str:
        s = self.state
        if s.price_model == "hourly":
            assert s.hourly_rate is not None
            estimate = None if s.bid is None else self.money(s.bid)
            return self.hourly_price(self.money(s.hourly_rate), estimate)
        assert s.bid is not None
        if not s.change_orders:
            return self.fixed_price(self.money(s.bid))
        return self.fixed_price_with_changes(
            self.money(s.bid),
            len(s.change_orders),
            self.money(s.change_orders_total),
            self.money(s.fees),
        )

    def hourly_work(self) -> str:
        s = self.state
        work_fees = s.fees - s.change_orders_total
        sentence = self.hours_logged(s.hours_billable, self.money(work_fees))
        if s.change_orders:
            sentence += self.separator + self.hourly_changes(
                len(s.change_orders), self.money(s.change_orders_total), self.money(s.fees)
            )
        return sentence

    def payments(self) -> str:
        s = self.state
        if s.paid <= 0:
            return self.nothing_paid()
        if s.outstanding == 0:
            if s.price_model == "hourly":  # the estimate is not the total: no "in full"
                return self.covered(self.money(s.paid))
            return self.paid_in_full(self.money(s.paid))
        if s.outstanding < 0:
            return self.overpaid(self.money(s.paid), self.money(-s.outstanding))
        percent = s.paid_percent
        return self.partly_paid(
            self.money(s.paid),
            None if percent is None else self.percent(percent),
            self.money(s.outstanding),
        )

    def deposit_due(self) -> str:
        s = self.state
        assert s.deposit_percent is not None
        return self.deposit_outstanding(self.percent(s.deposit_percent), self.money(s.deposit_due))

    def allowances(self) -> list[str]:
        c, r = self.state.concepts, self.state.revision_rounds
        if c.agreed is None and r.agreed is None and c.used == 0 and r.used == 0:
            return []
        out = []
        concepts = c.agreed if c.agreed else None  # zero agreed reads as "none included"
        rounds = r.agreed if r.agreed else None
        if concepts is not None or rounds is not None:
            out.append(self.agreed(concepts, rounds))
        if c.agreed == 0:
            out.append(self.none_included(concepts=True))
        if r.agreed == 0:
            out.append(self.none_included(concepts=False))
        out.append(self.delivered(c, r))
        if c.over or r.over:
            out.append(self.beyond(c.over, r.over))
        return out

    # -- what each language writes --------------------------------------------------------

    @abstractmethod
    def fixed_price(self, bid: str) -> str: ...

    @abstractmethod
    def fixed_price_with_changes(self, bid: str, count: int, extra: str, total: str) -> str: ...

    @abstractmethod
    def hourly_price(self, rate: str, estimate: str | None) -> str: ...

    @abstractmethod
    def hours_logged(self, hours: Decimal, fees: str) -> str: ...

    @abstractmethod
    def hourly_changes(self, count: int, extra: str, total: str) -> str: ...

    @abstractmethod
    def nothing_paid(self) -> str: ...

    @abstractmethod
    def paid_in_full(self, paid: str) -> str: ...

    @abstractmethod
    def covered(self, paid: str) -> str:
        """Hourly work: what has been paid covers the fees to date."""

    @abstractmethod
    def none_included(self, *, concepts: bool) -> str:
        """The price includes no concepts (or no revision rounds)."""

    @abstractmethod
    def overpaid(self, paid: str, credit: str) -> str: ...

    @abstractmethod
    def partly_paid(self, paid: str, percent: str | None, outstanding: str) -> str: ...

    @abstractmethod
    def deposit_outstanding(self, percent: str, due: str) -> str: ...

    @abstractmethod
    def agreed(self, concepts: int | None, rounds: int | None) -> str: ...

    @abstractmethod
    def delivered(self, concepts: Allowance, rounds: Allowance) -> str: ...

    @abstractmethod
    def beyond(self, concepts: int, rounds: int) -> str: ...

    @abstractmethod
    def favors(self, hours: Decimal) -> str: ...

    @abstractmethod
    def deadline(self, when: str) -> str: ...


def _join(parts: list[str], conjunction: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {conjunction} " + parts[-1]


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


# ------------------------------------------------------------------------------------- en


class _English(_Writer):
    lang: Language = "en"
    _WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

    def count(self, n: int, singular: str, plural: str) -> str:
        word = self._WORDS[n] if 0 <= n <= 10 else self.number(n)
        return f"{word} {singular if n == 1 else plural}"

    def hours(self, hours: Decimal) -> str:
        return f"{self.number(hours)} {'hour' if hours == 1 else 'hours'}"

    def fixed_price(self, bid: str) -> str:
        return f"The agreed price is {bid}."

    def fixed_price_with_changes(self, bid: str, count: int, extra: str, total: str) -> str:
        orders = self.count(count, "accepted change order", "accepted change orders")
        verb = "adds" if count == 1 else "add"
        return f"The agreed price is {bid}; {orders} {verb} {extra}, so the total is {total}."

    def hourly_price(self, rate: str, estimate: str | None) -> str:
        sentence = f"The work is billed by the hour at {rate} per hour"
        return sentence + (
            f", and the estimate for the whole project is {estimate}." if estimate else "."
        )

    def hours_logged(self, hours: Decimal, fees: str) -> str:
        if hours == 0:
            return "No hours have been logged yet."
        return f"So far I have logged {self.hours(hours)} of work, which comes to {fees}."

    def hourly_changes(self, count: int, extra: str, total: str) -> str:
        orders = self.count(count, "accepted change order", "accepted change orders")
        verb = "adds" if count == 1 else "add"
        return f"{_capitalize(orders)} {verb} {extra}, so the total to date is {total}."

    def nothing_paid(self) -> str:
        return "No payment has been received yet."

    def paid_in_full(self, paid: str) -> str:
        return f"The full amount of {paid} has been paid."

    def covered(self, paid: str) -> str:
        return f"{paid} has been paid, which covers the work to date."

    def none_included(self, *, concepts: bool) -> str:
        what = "design concepts" if concepts else "revision rounds"
        return f"The price includes no {what}."

    def overpaid(self, paid: str, credit: str) -> str:
        return f"{paid} has been paid, which is {credit} more than the fees to date."

    def partly_paid(self, paid: str, percent: str | None, outstanding: str) -> str:
        share = f" ({percent})" if percent else ""
        return f"Of this, {paid}{share} has been paid and {outstanding} is still to be paid."

    def deposit_outstanding(self, percent: str, due: str) -> str:
        return f"{due} of the {percent} deposit is still due."

    def agreed(self, concepts: int | None, rounds: int | None) -> str:
        parts = []
        if concepts is not None:
            parts.append(self.count(concepts, "concept", "concepts"))
        if rounds is not None:
            parts.append(self.count(rounds, "revision round", "revision rounds"))
        return f"We agreed on {_join(parts, 'and')}."

    def delivered(self, concepts: Allowance, rounds: Allowance) -> str:
        parts = []
        if concepts.agreed is not None or concepts.used:
            parts.append(
                f"I have delivered {self.count(concepts.used, 'concept', 'concepts')}"
                if concepts.used
                else "I have not delivered any concepts yet"
            )
        if rounds.agreed is not None or rounds.used:
            parts.append(
                f"we have used {self.count(rounds.used, 'revision round', 'revision rounds')}"
                if rounds.used
                else "we have not used any revision rounds yet"
            )
        if parts[0].endswith("yet"):  # "So far ... yet" says it twice
            return _capitalize(_join(parts, "and")) + "."
        return f"So far {_join(parts, 'and')}."

    def beyond(self, concepts: int, rounds: int) -> str:
        parts = []
        if concepts:
            parts.append(self.count(concepts, "concept", "concepts"))
        if rounds:
            parts.append(self.count(rounds, "revision round", "revision rounds"))
        return f"That is {_join(parts, 'and')} more than we agreed."

    def favors(self, hours: Decimal) -> str:
        return f"I have also done {self.hours(hours)} of extra work free of charge, as a favour."

    def deadline(self, when: str) -> str:
        return f"The agreed delivery date is {when}."


# ------------------------------------------------------------------------------------- fi


class _Finnish(_Writer):
    lang: Language = "fi"
    _NOMINATIVE = FI_NUMERALS[""]
    _ELATIVE = FI_NUMERALS["ela"]
    # noun: (nominative sg, partitive sg, elative sg, genitive sg)
    _CONCEPT = ("konsepti", "konseptia", "konseptista", "konseptin")
    _ROUND = ("korjauskierros", "korjauskierrosta", "korjauskierroksesta", "korjauskierroksen")
    _ORDER = ("hyväksytty muutostilaus", "hyväksyttyä muutostilausta", "", "")

    def word(self, n: int, table: tuple[str, ...]) -> str:
        return table[n] if 0 <= n <= 10 else self.number(n)

    def nominative(self, n: int, noun: tuple[str, str, str, str]) -> str:
        """Subject or complement: "yksi konsepti", "kolme konseptia"."""
        return f"{self.word(n, self._NOMINATIVE)} {noun[0] if n == 1 else noun[1]}"

    def accusative(self, n: int, noun: tuple[str, str, str, str]) -> str:
        """Object of a completed action: "yhden konseptin", "viisi konseptia"."""
        if n == 1:
            return f"yhden {noun[3]}"
        return f"{self.word(n, self._NOMINATIVE)} {noun[1]}"

    def elative(self, n: int, noun: tuple[str, str, str, str]) -> str:
        """After "sopia": numeral and noun both in the elative singular."""
        return f"{self.word(n, self._ELATIVE)} {noun[2]}"

    def hours(self, hours: Decimal) -> str:
        """Hours as the object of a completed action: "1 tunnin", "1,5 tuntia", "20 tuntia"."""
        return f"{self.number(hours)} {'tunnin' if hours == 1 else 'tuntia'}"

    def fixed_price(self, bid: str) -> str:
        return f"Sovittu hinta on {bid}."

    def fixed_price_with_changes(self, bid: str, count: int, extra: str, total: str) -> str:
        orders = self.nominative(count, self._ORDER)
        return (
            f"Sovittu hinta on {bid}. {_capitalize(orders)} lisää siihen {extra}, "
            f"joten kokonaishinta on {total}."
        )

    def hourly_price(self, rate: str, estimate: str | None) -> str:
        sentence = f"Työ laskutetaan tuntiperusteisesti, {rate} tunnilta"
        return sentence + (f", ja koko työn arvioitu hinta on {estimate}." if estimate else ".")

    def hours_logged(self, hours: Decimal, fees: str) -> str:
        if hours == 0:
            return "Työtunteja ei ole vielä kirjattu."
        return f"Tähän mennessä olen kirjannut {self.hours(hours)} työtä, eli yhteensä {fees}."

    def hourly_changes(self, count: int, extra: str, total: str) -> str:
        orders = _capitalize(self.nominative(count, self._ORDER))
        return (
            f"{orders} tuo lisää {extra}, joten laskutettavaa on tähän mennessä yhteensä {total}."
        )

    def nothing_paid(self) -> str:
        return "Maksuja ei ole vielä saapunut."

    def paid_in_full(self, paid: str) -> str:
        return f"Koko summa, {paid}, on maksettu."

    def covered(self, paid: str) -> str:
        return f"Maksuja on saapunut {paid}, mikä kattaa tähänastisen työn."

    def none_included(self, *, concepts: bool) -> str:
        return f"Hintaan ei sisälly {'konsepteja' if concepts else 'korjauskierroksia'}."

    def overpaid(self, paid: str, credit: str) -> str:
        return f"Maksuja on saapunut {paid}, eli {credit} enemmän kuin tähänastinen laskutus."

    def partly_paid(self, paid: str, percent: str | None, outstanding: str) -> str:
        share = f" ({percent})" if percent else ""
        return f"Siitä on maksettu {paid}{share} ja maksamatta on {outstanding}."

    def deposit_outstanding(self, percent: str, due: str) -> str:
        return f"Sovitusta {percent}:n ennakkomaksusta on vielä maksamatta {due}."

    def agreed(self, concepts: int | None, rounds: int | None) -> str:
        parts = []
        if concepts is not None:
            parts.append(self.elative(concepts, self._CONCEPT))
        if rounds is not None:
            parts.append(self.elative(rounds, self._ROUND))
        return f"Sovimme {_join(parts, 'ja')}."

    def delivered(self, concepts: Allowance, rounds: Allowance) -> str:
        # Two main clauses: "ja" joins two positives without a comma; a negative after a
        # positive takes ", mutta"; after a negative, the negative verb itself joins: ", eikä".
        first: str | None = None
        first_negative = False
        if concepts.agreed is not None or concepts.used:
            if concepts.used:
                done = self.accusative(concepts.used, self._CONCEPT)
                first = f"Tähän mennessä olen toimittanut {done}"
            else:
                first, first_negative = "En ole vielä toimittanut yhtään konseptia", True
        if not (rounds.agreed is not None or rounds.used):
            return f"{first}."
        if rounds.used:
            second = f"korjauskierroksista on käytetty {self.word(rounds.used, self._NOMINATIVE)}"
        else:
            second = "korjauskierroksia ei ole vielä käytetty"
        if first is None:
            return _capitalize(second) + "."
        if first_negative and not rounds.used:
            return f"{first}, eikä korjauskierroksia ole vielä käytetty."
        if first_negative or not rounds.used:
            return f"{first}, mutta {second}."
        return f"{first} ja {second}."

    def beyond(self, concepts: int, rounds: int) -> str:
        parts = []
        if concepts:
            parts.append(self.nominative(concepts, self._CONCEPT))
        if rounds:
            parts.append(self.nominative(rounds, self._ROUND))
        return f"Se on {_join(parts, 'ja')} enemmän kuin sovimme."

    def favors(self, hours: Decimal) -> str:
        return f"Lisäksi olen tehnyt veloituksetta {self.hours(hours)} lisätyötä."

    def deadline(self, when: str) -> str:
        return f"Sovittu toimituspäivä on {when}."


# ------------------------------------------------------------------------------------- ro


class _Romanian(_Writer):
    lang: Language = "ro"
    _NEUTER = RO_NEUTER
    _FEMININE = RO_FEMININE
    # noun: (singular, plural, numerals used)
    _CONCEPT = ("concept", "concepte", _NEUTER)
    _ROUND = ("rundă de revizie", "runde de revizie", _FEMININE)
    _ORDER = ("comandă suplimentară acceptată", "comenzi suplimentare acceptate", _FEMININE)
    _HOUR = ("oră", "ore", _FEMININE)

    def count(self, n: int, noun: tuple[str, str, tuple[str, ...]]) -> str:
        singular, plural, words = noun
        if 0 <= n <= 10:
            return f"{words[n]} {singular if n == 1 else plural}"
        # Romanian puts "de" between a number and its noun from 20 on ("20 de ore", "101 ore");
        # CLDR's plural category "other" is exactly those numbers.
        de = " de" if _plural_category_ro(n) == "other" else ""
        return f"{self.number(n)}{de} {plural}"

    def hours(self, hours: Decimal) -> str:
        if hours == hours.to_integral_value():
            return self.count(int(hours), self._HOUR)
        return f"{self.number(hours)} ore"

    def fixed_price(self, bid: str) -> str:
        return f"Prețul convenit este de {bid}."

    def fixed_price_with_changes(self, bid: str, count: int, extra: str, total: str) -> str:
        orders = self.count(count, self._ORDER)
        return (
            f"Prețul convenit este de {bid}; {orders} adaugă {extra}, "
            f"așa că totalul este de {total}."
        )

    def hourly_price(self, rate: str, estimate: str | None) -> str:
        sentence = f"Lucrarea se facturează cu {rate} pe oră"
        return sentence + (
            f", iar estimarea pentru întregul proiect este de {estimate}." if estimate else "."
        )

    def hours_logged(self, hours: Decimal, fees: str) -> str:
        if hours == 0:
            return "Nu am înregistrat încă nicio oră de lucru."
        return f"Până acum am înregistrat {self.hours(hours)} de lucru, adică {fees}."

    def hourly_changes(self, count: int, extra: str, total: str) -> str:
        orders = _capitalize(self.count(count, self._ORDER))
        return f"{orders} adaugă {extra}, așa că totalul de până acum este de {total}."

    def nothing_paid(self) -> str:
        return "Până acum nu am primit nicio plată."

    def paid_in_full(self, paid: str) -> str:
        return f"Am primit {paid}, deci suma a fost achitată integral."

    def covered(self, paid: str) -> str:
        return f"Am primit {paid}, sumă care acoperă lucrările de până acum."

    def none_included(self, *, concepts: bool) -> str:
        what = "niciun concept" if concepts else "nicio rundă de revizie"
        return f"Acordul nu prevede {what}."

    def overpaid(self, paid: str, credit: str) -> str:
        return (
            f"Am primit {paid}, adică cu {credit} mai mult decât valoarea lucrărilor de până acum."
        )

    def partly_paid(self, paid: str, percent: str | None, outstanding: str) -> str:
        share = f" ({percent})" if percent else ""
        return f"Din această sumă am primit {paid}{share}, iar de plată rămân {outstanding}."

    def deposit_outstanding(self, percent: str, due: str) -> str:
        return f"Din avansul de {percent} mai sunt de achitat {due}."

    def agreed(self, concepts: int | None, rounds: int | None) -> str:
        parts = []
        if concepts is not None:
            parts.append(self.count(concepts, self._CONCEPT))
        if rounds is not None:
            parts.append(self.count(rounds, self._ROUND))
        return f"Acordul prevede {_join(parts, 'și')}."

    def delivered(self, concepts: Allowance, rounds: Allowance) -> str:
        parts = []
        if concepts.agreed is not None or concepts.used:
            parts.append(
                f"am livrat {self.count(concepts.used, self._CONCEPT)}"
                if concepts.used
                else "nu am livrat niciun concept"
            )
        if rounds.agreed is not None or rounds.used:
            parts.append(
                f"am folosit {self.count(rounds.used, self._ROUND)}"
                if rounds.used
                else "nu am folosit nicio rundă de revizie"
            )
        return f"Până acum {_join(parts, 'și')}."

    def beyond(self, concepts: int, rounds: int) -> str:
        parts = []
        if concepts:
            parts.append(self.count(concepts, self._CONCEPT))
        if rounds:
            parts.append(self.count(rounds, self._ROUND))
        return f"Am depășit astfel cu {_join(parts, 'și')} ceea ce am convenit."

    def favors(self, hours: Decimal) -> str:
        return (
            f"În plus, am lucrat gratuit încă {self.hours(hours)}, "
            "în afara lucrărilor convenite, din amabilitate."
        )

    def deadline(self, when: str) -> str:
        return f"Termenul de livrare convenit este {when}."


@cache
def _plural_category_ro(n: int) -> str:
    from babel import Locale

    return str(Locale("ro").plural_form(n))


# ------------------------------------------------------------------------------------- zh


class _Chinese(_Writer):
    """Shared by Traditional and Simplified; each subclass holds its own wording."""

    separator = ""
    _DIGITS = "零一二三四五六七八九十"
    TWO: str
    T: ClassVar[dict[str, str]]

    def count(self, n: int, measure: str) -> str:
        if n == 2:
            return f"{self.TWO}{measure}"
        if 0 <= n <= 10:
            return f"{self._DIGITS[n]}{measure}"
        return f"{self.number(n)}{measure}"

    def hours(self, hours: Decimal) -> str:
        return f"{self.number(hours)} {self.T['hours']}"

    def fixed_price(self, bid: str) -> str:
        return self.T["fixed"].format(bid=bid)

    def fixed_price_with_changes(self, bid: str, count: int, extra: str, total: str) -> str:
        orders = self.count(count, "份")
        return self.T["fixed_changes"].format(
            bid=bid, orders=orders, extra=self._sum(count, extra), total=total
        )

    def _sum(self, count: int, amount: str) -> str:
        """共 ("in all") only for several orders; one order's amount is 金額為."""
        return f"共 {amount}" if count > 1 else f"{self.T['amount_is']} {amount}"

    def hourly_price(self, rate: str, estimate: str | None) -> str:
        key = "hourly_estimate" if estimate else "hourly"
        return self.T[key].format(rate=rate, estimate=estimate)

    def hours_logged(self, hours: Decimal, fees: str) -> str:
        if hours == 0:
            return self.T["no_hours"]
        return self.T["hours_logged"].format(hours=self.hours(hours), fees=fees)

    def hourly_changes(self, count: int, extra: str, total: str) -> str:
        orders = self.count(count, "份")
        return self.T["hourly_changes"].format(
            orders=orders, extra=self._sum(count, extra), total=total
        )

    def nothing_paid(self) -> str:
        return self.T["nothing_paid"]

    def paid_in_full(self, paid: str) -> str:
        return self.T["paid_in_full"].format(paid=paid)

    def covered(self, paid: str) -> str:
        return self.T["covered"].format(paid=paid)

    def none_included(self, *, concepts: bool) -> str:
        return self.T["no_concepts_included" if concepts else "no_rounds_included"]

    def overpaid(self, paid: str, credit: str) -> str:
        return self.T["overpaid"].format(paid=paid, credit=credit)

    def partly_paid(self, paid: str, percent: str | None, outstanding: str) -> str:
        share = f"（{percent}）" if percent else ""
        return self.T["partly_paid"].format(paid=paid, share=share, outstanding=outstanding)

    def deposit_outstanding(self, percent: str, due: str) -> str:
        return self.T["deposit_due"].format(percent=percent, due=due)

    def agreed(self, concepts: int | None, rounds: int | None) -> str:
        parts = []
        if concepts is not None:
            parts.append(self.count(concepts, self.T["concepts"]))
        if rounds is not None:
            parts.append(self.count(rounds, self.T["rounds"]))
        return self.T["agreed"].format(what=self.T["and"].join(parts))

    def delivered(self, concepts: Allowance, rounds: Allowance) -> str:
        parts = []
        if concepts.agreed is not None or concepts.used:
            parts.append(
                self.T["delivered"].format(what=self.count(concepts.used, self.T["concepts_short"]))
                if concepts.used
                else self.T["none_delivered"]
            )
        if rounds.agreed is not None or rounds.used:
            parts.append(
                self.T["rounds_used"].format(what=self.count(rounds.used, self.T["round_measure"]))
                if rounds.used
                else self.T["no_rounds"]
            )
        return self.T["so_far"] + "，".join(parts) + "。"

    def beyond(self, concepts: int, rounds: int) -> str:
        parts = []
        if concepts:
            parts.append(self.count(concepts, self.T["concepts_short"]))
        if rounds:
            parts.append(self.count(rounds, self.T["rounds"]))
        return self.T["beyond"].format(what=self.T["and"].join(parts))

    def favors(self, hours: Decimal) -> str:
        return self.T["favors"].format(hours=self.hours(hours))

    def deadline(self, when: str) -> str:
        return self.T["deadline"].format(when=when)


class _TraditionalChinese(_Chinese):
    lang: Language = "zh-Hant"
    TWO = "兩"
    T: ClassVar[dict[str, str]] = {
        "hours": "小時",
        "fixed": "本案約定的總價為 {bid}。",
        "fixed_changes": (
            "本案約定的總價為 {bid}，另有已同意的追加報價{orders}，{extra}，合計 {total}。"
        ),
        "hourly": "本案按工時計費，每小時 {rate}。",
        "hourly_estimate": "本案按工時計費，每小時 {rate}，整體預估金額為 {estimate}。",
        "no_hours": "目前尚未記錄任何工時。",
        "hours_logged": "目前累計工時為 {hours}，費用共 {fees}。",
        "hourly_changes": "另有已同意的追加報價{orders}，{extra}，目前合計 {total}。",
        "nothing_paid": "目前尚未收到任何款項。",
        "paid_in_full": "目前已收款 {paid}，款項已全數付清。",
        "overpaid": "目前已收款 {paid}，比應付金額多出 {credit}。",
        "partly_paid": "目前已收款 {paid}{share}，尚有 {outstanding} 未付。",
        "deposit_due": "約定的 {percent} 訂金中，尚有 {due} 未付。",
        "covered": "目前已收款 {paid}，已涵蓋至今的工作費用。",
        "no_concepts_included": "依約定不含設計提案。",
        "no_rounds_included": "依約定不含修改。",
        "amount_is": "金額為",
        "concepts": "款設計提案",
        "concepts_short": "款提案",
        "rounds": "輪修改",
        "round_measure": "輪",
        "and": "及",
        "agreed": "我們約定提供{what}。",
        "so_far": "目前",
        "delivered": "我已提交{what}",
        "none_delivered": "我尚未提交任何提案",
        "rounds_used": "修改已進行{what}",
        "no_rounds": "修改尚未開始",
        "beyond": "這比約定多出{what}。",
        "favors": "另外，我也已無償額外協助了 {hours}。",
        "deadline": "約定的交件日期為 {when}。",
    }


class _SimplifiedChinese(_Chinese):
    lang: Language = "zh-Hans"
    TWO = "两"
    T: ClassVar[dict[str, str]] = {
        "hours": "小时",
        "fixed": "本项目约定的总价为 {bid}。",
        "fixed_changes": (
            "本项目约定的总价为 {bid}，另有已确认的追加报价{orders}，{extra}，合计 {total}。"
        ),
        "hourly": "本项目按工时计费，每小时 {rate}。",
        "hourly_estimate": "本项目按工时计费，每小时 {rate}，整体预估金额为 {estimate}。",
        "no_hours": "目前尚未记录任何工时。",
        "hours_logged": "目前累计工时为 {hours}，费用共 {fees}。",
        "hourly_changes": "另有已确认的追加报价{orders}，{extra}，目前合计 {total}。",
        "nothing_paid": "目前尚未收到任何款项。",
        "paid_in_full": "目前已收款 {paid}，款项已全部付清。",
        "overpaid": "目前已收款 {paid}，比应付金额多出 {credit}。",
        "partly_paid": "目前已收款 {paid}{share}，还有 {outstanding} 未付。",
        "deposit_due": "约定的 {percent} 预付款中，还有 {due} 未付。",
        "covered": "目前已收款 {paid}，已覆盖目前为止的工作费用。",
        "no_concepts_included": "按约定不含设计方案。",
        "no_rounds_included": "按约定不含修改。",
        "amount_is": "金额为",
        "concepts": "套设计方案",
        "concepts_short": "套方案",
        "rounds": "轮修改",
        "round_measure": "轮",
        "and": "和",
        "agreed": "我们约定提供{what}。",
        "so_far": "目前",
        "delivered": "我已提交{what}",
        "none_delivered": "我尚未提交任何方案",
        "rounds_used": "修改已进行{what}",
        "no_rounds": "修改尚未开始",
        "beyond": "这比约定多出{what}。",
        "favors": "另外，我还免费额外提供了 {hours}的协助。",
        "deadline": "约定的交付日期为 {when}。",
    }


_WRITERS: dict[Language, type[_Writer]] = {
    "en": _English,
    "fi": _Finnish,
    "ro": _Romanian,
    "zh-Hant": _TraditionalChinese,
    "zh-Hans": _SimplifiedChinese,
}

__all__ = ["status_statement"]
