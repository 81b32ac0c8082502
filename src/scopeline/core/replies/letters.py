"""Shared by the exit kit and the understanding check: a letter assembled from the phrase bank."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_percent

from scopeline.core.agreement import Agreement
from scopeline.core.languages import BABEL_LOCALES, Language
from scopeline.core.money import format_money
from scopeline.core.replies.bank import Bank, Tone, load_bank


def first_name(full: str) -> str:
    """The given name of a Western "First Last" name; other names (Chinese ones) unchanged."""
    parts = full.split()
    return parts[0] if len(parts) > 1 and all(p[:1].isupper() for p in parts) else full


def names(agreement: Agreement) -> dict[str, object]:
    """The name placeholders every text may use."""
    contact = agreement.client.contact or agreement.client.name
    return {
        "contact": contact,
        "contact_first": first_name(contact),
        "client": agreement.client.name,
        "provider": agreement.provider.name,
        "project": agreement.project,
    }


@dataclass
class Letter:
    """Paragraphs of sentences; lists are paragraphs of marked lines."""

    agreement: Agreement
    lang: Language
    tone: Tone
    seed: str
    paragraphs: list[str] = field(default_factory=list)
    _current: list[str] = field(default_factory=list)

    @property
    def bank(self) -> Bank:
        return load_bank(self.lang)

    def text_of(self, part: str, **values: object) -> str:
        return self.bank.pick(part, self.tone, self.seed).format_map(
            {**names(self.agreement), **values}
        )

    def say(self, part: str, **values: object) -> None:
        self._current.append(self.text_of(part, **values))

    def raw(self, text: str) -> None:
        self._current.append(text)

    def end(self) -> None:
        if self._current:
            self.paragraphs.append(self.bank.separator.join(self._current))
            self._current = []

    def lines(self, items: list[str]) -> None:
        self.end()
        if items:
            self.paragraphs.append("\n".join(self.bank.list_marker + item for item in items))

    def greeting(self) -> None:
        self.say("greeting" if self.agreement.client.contact else "greeting_no_contact")
        self.end()

    def sign(self, closing_part: str | None = None) -> None:
        self.end()
        if closing_part is not None:
            self.say(closing_part)
            self.end()
        self.paragraphs.append(f"{self.text_of('closing')}\n{self.agreement.provider.name}")

    def text(self) -> str:
        self.end()
        return "\n\n".join(self.paragraphs)

    # -- formatting
    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.agreement.currency, self.lang)

    def date(self, when: dt.date) -> str:
        return format_date(when, "long", locale=BABEL_LOCALES[self.lang])

    def percent(self, value: Decimal) -> str:
        return format_percent(value / 100, locale=BABEL_LOCALES[self.lang])
