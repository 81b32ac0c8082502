"""The reply composer: a triage verdict in, a draft reply in the client's language out.

    reply = compose_reply(verdict, agreement, message=text, tone="warm")
    reply.text        # greeting, restated request, facts, reasons, options, closing

The reply follows "How a reply says it" (docs/replies.md): thank and restate; for an addition ask
what it should achieve; the facts with numbers (the clause by name, allowances used, hours,
price, schedule impact); the reasons (from the advice library when the request is a known one);
the options (the priced change order, the nearest alternative, leaving it for now). Sentences
come from the phrase bank of the client's language (``bank.py``), one variant per part, chosen
by a hash of the message, so two requests do not read like a form letter and the same request
always gets the same draft. Tones change the wording, never the facts.

Pure: no clock unless ``today`` is left out, no I/O beyond the shipped banks and advice.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Final

from babel.dates import format_date
from babel.numbers import format_percent

from scopeline.core.agreement import Agreement
from scopeline.core.languages import BABEL_LOCALES, SUPPORTED_LANGUAGES, Language
from scopeline.core.ledger import ProjectState, project_state
from scopeline.core.money import format_money, quantize
from scopeline.core.replies.advice import AdviceEntry, AdviceLibrary, load_advice
from scopeline.core.replies.bank import Bank, Tone, load_bank
from scopeline.core.replies.grammar import Quantity, Span
from scopeline.core.replies.letters import names
from scopeline.core.status import status_statement
from scopeline.core.triage.text import clean_message
from scopeline.core.triage.verdict import Verdict

HOURS_PER_DAY: Final = Decimal(6)
"""Productive hours in a working day, for schedule impact and fix dates."""
SOFT_AFTER: Final = 2
"""Lead with value instead of the agreement when this many of the last three replies cited it."""
QUOTE_CHARS: Final = 140


@dataclass(frozen=True, slots=True)
class Reply:
    lang: Language
    tone: Tone
    text: str
    cites_agreement: bool
    """True when the reply names the agreement's terms (kept in history: see ``SOFT_AFTER``)."""
    advice: str | None = None
    """The advice entry the reply drew on."""
    parts: tuple[str, ...] = ()
    """The bank parts used, in order (for tests and debugging)."""

    def as_dict(self) -> dict[str, object]:
        return {
            "lang": self.lang,
            "tone": self.tone,
            "text": self.text,
            "cites_agreement": self.cites_agreement,
            "advice": self.advice,
        }


def reply_language(verdict: Verdict, agreement: Agreement) -> Language:
    """The client's language: the message's when it is one we write, else the agreement's."""
    for lang in SUPPORTED_LANGUAGES:
        if verdict.lang == lang:
            return lang
    return agreement.lang


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``days`` working days (Monday to Friday) after ``start``."""
    current = start
    while days > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def working_days(hours: Decimal) -> int:
    """Whole working days ``hours`` of work take (at least one)."""
    return max(1, math.ceil(hours / HOURS_PER_DAY))


@dataclass
class _Draft:
    """Paragraphs of the reply under construction, and the parts used."""

    bank: Bank
    tone: Tone
    seed: str
    values: dict[str, object]
    paragraphs: list[list[str]] = field(default_factory=lambda: [[]])
    used: list[str] = field(default_factory=list)

    def say(self, part: str, **values: object) -> None:
        template = self.bank.pick(part, self.tone, self.seed)
        self.paragraphs[-1].append(template.format_map({**self.values, **values}))
        self.used.append(part)

    def raw(self, text: str) -> None:
        if text.strip():
            self.paragraphs[-1].append(text.strip())

    def paragraph(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def text(self) -> str:
        sep = self.bank.separator
        return "\n\n".join(sep.join(p) for p in self.paragraphs if p)


def compose_reply(
    verdict: Verdict,
    agreement: Agreement,
    *,
    message: str | bytes | None = None,
    state: ProjectState | None = None,
    tone: Tone = "neutral",
    recent_cited: Sequence[bool] = (),
    advice: AdviceLibrary | None = None,
    today: dt.date | None = None,
) -> Reply:
    """The draft reply to the message ``verdict`` was given for.

    ``recent_cited`` says, oldest first, whether each earlier reply to this client cited the
    agreement; when most of the last three did, this one leads with value and options.
    """
    state = state or project_state(agreement)
    library = advice or load_advice()
    lang = reply_language(verdict, agreement)
    bank = load_bank(lang)
    today = today or dt.datetime.now().astimezone().date()
    text = _message_text(message)
    entry = library.get(getattr(verdict, "advice", None))
    if entry is None and text:
        entry = library.match(text, lang, verdict.kinds, verdict.catalogue)
    soft = sum(recent_cited[-3:]) >= SOFT_AFTER

    composer = _Composer(
        verdict=verdict,
        agreement=agreement,
        state=state,
        lang=lang,
        entry=entry,
        message=text,
        today=today,
        soft=soft,
        draft=_Draft(
            bank=bank,
            tone=tone,
            seed=f"{text or verdict.id or ''}\x00{verdict.action}",
            values=names(agreement),
        ),
    )
    body = composer.compose()
    return Reply(
        lang=lang,
        tone=tone,
        text=body,
        cites_agreement=composer.cited,
        advice=entry.id if entry else None,
        parts=tuple(composer.draft.used),
    )


def _message_text(message: str | bytes | None) -> str:
    if message is None:
        return ""
    return clean_message(message).text.strip()


_ENDS_SENTENCE = re.compile(r"[.!?。！？…]$")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*|\n+")
_GREETING_LINE = re.compile(r"^[^\n]{0,40}[,，:：!！]\s*$")


def request_sentence(text: str, limit: int = QUOTE_CHARS) -> str:
    """The sentence that carries the request: the first question among the first three
    sentences (requests are mostly asked), else the first sentence; a greeting line is skipped
    and a long sentence cut at a word."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and _GREETING_LINE.match(lines[0]):
        lines = lines[1:]
    body = " ".join(lines)
    sentences = [s.strip() for s in _SENTENCE_END.split(body) if s and s.strip()][:3]
    questions = [s for s in sentences if s.endswith(("?", "？"))]
    sentence = questions[0] if questions else (sentences[0] if sentences else body)
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:，、") + "…"


@dataclass
class _Composer:
    verdict: Verdict
    agreement: Agreement
    state: ProjectState
    lang: Language
    entry: AdviceEntry | None
    message: str
    today: dt.date
    soft: bool
    draft: _Draft
    cited: bool = False

    # -- formatting -------------------------------------------------------------------------

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.agreement.currency, self.lang)

    def money_range(self, low: Decimal, high: Decimal) -> str:
        if low == high:
            return self.money(low)
        return f"{self.money(low)} – {self.money(high)}"

    def date(self, when: dt.date) -> str:
        return format_date(when, "long", locale=BABEL_LOCALES[self.lang])

    def hours(self, value: Decimal) -> Quantity:
        return Quantity(value, "hour", self.lang)

    def count(self, value: int, noun: str) -> Quantity:
        return Quantity(Decimal(value), "concept" if noun == "concept" else "round", self.lang)

    def clause(self) -> str | None:
        scope = self.verdict.scope
        if scope.item is None:
            return None
        item = self.agreement.scope_item(scope.item) or self.agreement.exclusion(scope.item)
        title = item.title if item else scope.title
        return None if title is None else self.draft.bank.quote(title)

    def fact(self, part: str, **values: object) -> None:
        """A fact, citing the agreement or (in soft mode) leading with what it means."""
        mode = "soft" if self.soft else "cite"
        self.draft.say(f"{part}.{mode}", **values)
        self.cited = self.cited or mode == "cite"

    # -- the reply ----------------------------------------------------------------------------

    def compose(self) -> str:
        d = self.draft
        contact = self.agreement.client.contact
        d.say("greeting" if contact else "greeting_no_contact")
        d.paragraph()
        action = self.verdict.action
        getattr(self, f"_{action}")()
        self._secondary()
        d.paragraph()
        closing = d.bank.pick("closing", d.tone, d.seed).format_map(d.values)
        d.used.append("closing")
        # The sign-off stands on its own lines: "Best regards,\nStudio North".
        d.raw(f"{closing}\n{self.agreement.provider.name}")
        return d.text()

    def _opening(self, *, restate: bool = True) -> None:
        self.draft.say("thanks")
        if restate:
            self._restate()

    def _restate(self) -> None:
        d, v = self.draft, self.verdict
        if self.entry is not None and v.kind in (
            "addition",
            "deadline",
            "discount",
            "extra_concept",
            "revision",
        ):
            d.say("restate.advice", request=self.entry.request[self.lang])
            return
        task_title = self._task_title()
        if task_title and v.kind == "addition":
            d.say("restate.task", task=d.bank.quote(task_title))
            return
        clause = self.clause()
        if clause and v.kind in ("revision", "extra_concept"):
            d.say("restate.clause", clause=clause)
            return
        if self.message:
            quoted = request_sentence(self.message)
            d.say("restate.quote", quote=d.bank.quote(quoted))
            sentence = d.paragraphs[-1][-1]
            if sentence.endswith(d.bank.quotes[1]) and not _ENDS_SENTENCE.search(quoted):
                # The client's words end without a full stop: close the sentence after the quote.
                d.paragraphs[-1][-1] = sentence + ("。" if self.lang.startswith("zh") else ".")

    def _task_title(self) -> str | None:
        if self.verdict.catalogue is None:
            return None
        from scopeline.core.triage.estimate import task_titles

        return task_titles().get(self.verdict.catalogue, {}).get(self.lang)

    def _purpose(self) -> None:
        if self.verdict.kind != "addition":
            return
        if self.entry is not None:
            self.draft.raw(self.entry.purpose[self.lang])
            self.draft.used.append("advice.purpose")
        else:
            self.draft.say("purpose.generic")

    def _reasons(self) -> None:
        if self.entry is not None:
            for reason in self.entry.reasons[self.lang]:
                self.draft.raw(reason)
            self.draft.used.append("advice.reasons")

    # -- actions ------------------------------------------------------------------------------

    def _fix_now(self) -> None:
        d = self.draft
        self._opening()
        d.say("fix_now.apology")
        if (clause := self.clause()) is not None:
            d.say("fix_now.clause", clause=clause)
        days = working_days(self.verdict.estimate.hours or Decimal(1))
        d.say("fix_now.commit", fix_date=self.date(add_working_days(self.today, days)))
        d.say("fix_now.update")

    def _do_it(self) -> None:
        d, v, s = self.draft, self.verdict, self.state
        self._opening()
        d.paragraph()
        if v.kind == "revision" and s.revision_rounds.agreed:
            self._allowance_left("round", s.revision_rounds.agreed, s.revision_rounds.used)
        elif v.kind == "extra_concept" and s.concepts.agreed:
            self._allowance_left("concept", s.concepts.agreed, s.concepts.used)
        elif v.kind in ("revision", "extra_concept"):
            d.say("do_it.unlimited")
        elif (clause := self.clause()) is not None:
            d.say("do_it.item", clause=clause)
            self.cited = True
        days = working_days(v.estimate.hours or Decimal(1))
        d.say("do_it.when", done_date=self.date(add_working_days(self.today, days)))

    def _allowance_left(self, noun: str, agreed: int, used: int) -> None:
        number = used + 1
        left = agreed - number
        plural = "rounds" if noun == "round" else "concepts"
        if left <= 0:
            self.draft.say(f"do_it.{noun}_last", **{f"{plural}_agreed": self.count(agreed, noun)})
        else:
            self.draft.say(
                f"do_it.{noun}",
                **{
                    f"{plural}_agreed": self.count(agreed, noun),
                    f"{noun}_no": number,
                    f"{plural}_left": self.count(left, noun),
                },
            )
        self.cited = True

    def _favor(self) -> None:
        d, v = self.draft, self.verdict
        self._opening()
        d.paragraph()
        d.say("favor.named", hours=self.hours(v.estimate.hours))
        if v.price is not None:
            d.say("favor.value", price=self.money(v.price.amount))
        d.say("favor.limit")
        days = working_days(v.estimate.hours)
        d.say("favor.when", done_date=self.date(add_working_days(self.today, days)))

    def _facts(self) -> None:
        v, s = self.verdict, self.state
        clause = self.clause()
        if v.kind == "revision" and s.revision_rounds.agreed is not None:
            self.fact(
                "facts.rounds_used",
                rounds_agreed=self.count(s.revision_rounds.agreed, "round"),
                rounds_used=self.count(s.revision_rounds.used, "round"),
            )
        elif v.kind == "extra_concept" and s.concepts.agreed is not None:
            self.fact(
                "facts.concepts_used",
                concepts_agreed=self.count(s.concepts.agreed, "concept"),
                concepts_used=self.count(s.concepts.used, "concept"),
            )
        elif v.kind == "deadline":
            surcharge = self._surcharge()
            if self.agreement.deadline is not None:
                self.fact(
                    "facts.rush_deadline",
                    surcharge=surcharge,
                    deadline=self.date(self.agreement.deadline),
                )
            else:
                self.fact("facts.rush", surcharge=surcharge)
        elif v.scope.verdict == "excluded" and clause:
            self.fact("facts.excluded", clause=clause)
        elif v.scope.verdict == "out_of_scope" and clause and v.scope.agreed_quantity:
            self.fact(
                "facts.quantity",
                clause=clause,
                agreed_qty=v.scope.agreed_quantity,
                requested_qty=v.scope.requested_quantity or v.scope.agreed_quantity + 1,
            )
        elif v.kind in ("addition", "revision", "extra_concept"):
            self.fact("facts.out_of_scope")

    def _surcharge(self) -> str:
        percent = self.verdict.price.surcharge_percent if self.verdict.price else None
        if percent is None:
            percent = self.agreement.policy.rush_surcharge_percent
        return format_percent(percent / 100, locale=BABEL_LOCALES[self.lang])

    def _options(self) -> None:
        d, v = self.draft, self.verdict
        est = v.estimate
        if v.price is None:
            if est.hours > 0:
                d.say("change_order.no_price", hours=self.hours(est.hours))
        elif v.kind == "deadline":
            d.say(
                "change_order.offer_rush",
                price=self.money(v.price.amount),
                surcharge=self._surcharge(),
            )
        else:
            d.say(
                "change_order.estimate",
                hours=self.hours(est.hours),
                hours_range=Span(est.low, est.high, "hour", self.lang),
            )
            days = Quantity(Decimal(working_days(est.hours)), "day", self.lang)
            low, high = v.price.low, v.price.high
            if low is not None and high is not None and low != high:
                d.say(
                    "change_order.offer_range",
                    price=self.money(v.price.amount),
                    price_range=self.money_range(low, high),
                    days=days,
                )
            else:
                d.say("change_order.offer", price=self.money(v.price.amount), days=days)
        self._alternative()

    def _alternative(self) -> None:
        d = self.draft
        entry = self.entry
        if entry is None:
            if self.verdict.kind == "addition":
                d.say("alternative.generic")
            return
        d.raw(entry.alternative[self.lang])
        d.used.append("advice.alternative")
        alt = entry.alternative_hours
        if alt is not None and alt.likely > 0:
            span = Span(alt.low, alt.high, "hour", self.lang)
            rate = self.agreement.price.hourly_rate
            if rate is not None:
                cur = self.agreement.currency
                d.say(
                    "alternative.price",
                    alt_hours=span,
                    alt_price=self.money_range(
                        quantize(alt.low * rate, cur), quantize(alt.high * rate, cur)
                    ),
                )
            else:
                d.say("alternative.hours", alt_hours=span)

    def _change_order(self) -> None:
        d = self.draft
        self._opening()
        self._purpose()
        d.paragraph()
        later = "keep_date" if self.verdict.kind == "deadline" else "later"
        if self.soft:
            # Value first; the facts in a word, without pointing at the contract; the options.
            d.say("value.soft")
            self._reasons()
            d.paragraph()
            self._facts()
            self._options()
            d.say(later)
            d.say("ask")
        else:
            self._facts()
            self._reasons()
            d.paragraph()
            self._options()
            d.say(later)
            d.say("ask")

    def _decline(self) -> None:
        d = self.draft
        self._opening()
        d.paragraph()
        if self.entry is not None:
            d.say("decline.no")
            self._reasons()
        else:
            d.say("decline.skills")
        d.paragraph()
        self._alternative()
        if self.entry is None and "alternative.generic" not in d.used:
            d.say("alternative.generic")
        d.say("ask.single")

    def _hold_price(self) -> None:
        d, s = self.draft, self.state
        self._opening()
        d.say("hold.concern")
        d.paragraph()
        bid = s.fees if s.price_model == "fixed" else s.bid
        if bid is not None:
            self.fact("hold.price", bid=self.money(bid))
        d.say("hold.same_scope")
        self._reasons()
        d.paragraph()
        offered = self._reductions(bid)
        d.say("ask" if offered > 1 else "ask.single")

    def _reductions(self, bid: Decimal | None) -> int:
        """Say which parts could be left out; return how many options were offered."""
        d = self.draft
        savings = scope_savings(self.agreement)
        if not savings or bid is None:
            d.say("hold.no_reduction")
            return 0
        target = requested_target(self.message, bid)
        if target is None:
            # No price named: the parts that could go, each on its own, for the client to weigh.
            d.say("hold.options")
            options = reductions_for(savings, bid, None)
            self._reduction_lines(options)
            return len(options)
        chosen = reductions_for(savings, bid, target)
        d.say("hold.target", target=self.money(target))
        self._reduction_lines(chosen)
        reduced = bid - sum((saving for _, saving in chosen), Decimal(0))
        if reduced > target:
            d.say("hold.unreachable", target=self.money(target), reduced_price=self.money(reduced))
        else:
            d.say("hold.result", reduced_price=self.money(reduced))
        return 1  # one proposal: these items together

    def _reduction_lines(self, chosen: list[tuple[str, Decimal]]) -> None:
        d = self.draft
        d.paragraph()
        lines = []
        for item_id, saving in chosen:
            item = self.agreement.scope_item(item_id)
            assert item is not None
            line = d.bank.pick("hold.line", d.tone, d.seed).format_map(
                {"clause": d.bank.quote(item.title), "saving": self.money(saving)}
            )
            lines.append(d.bank.list_marker + line)
        d.used.append("hold.line")
        d.raw("\n".join(lines))  # list lines stand on their own lines
        d.paragraph()

    def _escalate(self) -> None:
        d = self.draft
        refund = self.verdict.kind == "refund" or (
            "refund" in self.verdict.kinds and self.verdict.kind != "threat"
        )
        prefix = "refund" if refund else "threat"
        d.say("thanks")
        d.say(f"{prefix}.ack")
        d.paragraph()
        d.say(f"{prefix}.status")
        d.paragraph()
        d.raw(status_statement(self.agreement, self.state, self.lang))
        d.paragraph()
        if refund:
            d.say("refund.fulfilled")
            d.say("refund.rework")
            self.cited = True
        else:
            d.say("threat.calm")
        d.say("call")

    def _answer(self) -> None:
        d = self.draft
        d.say("thanks")
        self._restate()
        d.say("answer.ack")
        reply_on = add_working_days(self.today, 1)
        d.say("answer.will", reply_date=self.date(reply_on))

    def _acknowledge(self) -> None:
        d = self.draft
        d.say("acknowledge.thanks")
        d.say("acknowledge.next")

    def _secondary(self) -> None:
        d, v = self.draft, self.verdict
        added = False
        for kind in v.kinds[1:]:
            part = None
            values: dict[str, object] = {}
            if kind == "threat" and v.action != "escalate":
                part = "secondary.threat"
            elif kind == "discount" and v.action != "hold_price":
                part = "secondary.discount"
            elif kind == "refund" and v.action != "escalate":
                part = "secondary.refund"
            elif (
                kind == "deadline"
                and v.kind != "deadline"
                and v.price
                and v.price.surcharge_percent
            ):
                part, values = "secondary.deadline", {"surcharge": self._surcharge()}
            if part is not None:
                if not added:
                    d.paragraph()
                    added = True
                d.say(part, **values)


# -- price reductions for a discount request ---------------------------------------------------


def scope_savings(agreement: Agreement) -> list[tuple[str, Decimal]]:
    """What leaving out each scope item would take off the price, largest first.

    Hourly projects save the item's hours at the rate; fixed prices its share of the price by
    hours. Items without hours cannot be priced and are not offered.
    """
    items = [i for i in agreement.scope if i.hours]
    if not items:
        return []
    cur = agreement.currency
    rate = agreement.price.hourly_rate
    if agreement.price.model == "fixed" and agreement.price.amount is not None:
        total_hours = sum((i.hours or Decimal(0) for i in agreement.scope), Decimal(0))
        out = [
            (i.id, quantize(agreement.price.amount * (i.hours or 0) / total_hours, cur))
            for i in items
        ]
    elif rate is not None:
        out = [(i.id, quantize((i.hours or Decimal(0)) * rate, cur)) for i in items]
    else:
        return []
    return sorted(out, key=lambda pair: (-pair[1], pair[0]))


def reductions_for(
    savings: list[tuple[str, Decimal]], bid: Decimal, target: Decimal | None
) -> list[tuple[str, Decimal]]:
    """The items to leave out. The largest item is the heart of the project and always stays.

    With a target: the smallest single item that reaches it, else the largest items until it is
    reached (or all the others, when even that is not enough). Without one: up to three items,
    each an option of its own.
    """
    candidates = savings[1:] if len(savings) > 1 else savings
    if target is None:
        return candidates[:3]
    needed = bid - target
    enough = [pair for pair in candidates if pair[1] >= needed]
    if enough:
        return [min(enough, key=lambda pair: pair[1])]
    chosen: list[tuple[str, Decimal]] = []
    total = Decimal(0)
    for pair in candidates:
        chosen.append(pair)
        total += pair[1]
        if total >= needed:
            break
    return chosen


_AMOUNT = re.compile(
    r"(?P<num>\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"\s*(?P<mult>k\b|K\b|千|萬|万)?\s*(?P<pct>%|％|prosent|procent|percent)?",
)


def _parse_number(text: str) -> Decimal | None:
    groups = re.fullmatch(r"(\d{1,3})((?:[ \u00a0\u202f.,]\d{3})+)([.,]\d{1,2})?", text)
    try:
        if groups:
            whole = groups.group(1) + re.sub(r"\D", "", groups.group(2))
            frac = (groups.group(3) or "").replace(",", ".")
            return Decimal(whole + frac)
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


_LESS = re.compile(
    r"^\s*(?:€|eur\w*|lei|ron|£|gbp|\$|usd|元|块|塊|nt\$?)?\s*"
    r"(?:off|less|cheaper|discount|vähemmän|halvemmalla|alennus|alennusta|pois|"
    r"mai puțin|mai putin|reducere|mai ieftin|少|便宜|折扣|优惠|優惠)"
)


_ZHE = re.compile(r"([一二三四五六七八九]|\d(?:\.\d)?)\s*折")
_ZH_DIGIT: Final = dict(zip("一二三四五六七八九", "123456789", strict=True))


def requested_target(message: str, bid: Decimal) -> Decimal | None:
    """The price a discount request names, if any: "could you do it for 3,500?" → 3500;
    "20 % off" → 80 % of the bid; "500 less" → the bid minus 500; "打八折" → 80 % of the bid.
    None when no amount fits. Several amounts: the highest target wins (the client's most
    moderate reading)."""
    best: Decimal | None = None
    for m in _ZHE.finditer(message):  # "打八折", "9折": pay eight, nine tenths
        digits = m.group(1)
        tenths = Decimal(_ZH_DIGIT.get(digits, digits))
        if 0 < tenths < 10:
            target = bid * tenths / 10
            best = target if best is None else max(best, target)
    for m in _AMOUNT.finditer(message):
        value = _parse_number(m.group("num"))
        if value is None or value <= 0:
            continue
        mult = m.group("mult")
        if mult in ("k", "K", "千"):
            value *= 1000
        elif mult in ("萬", "万"):
            value *= 10000
        if m.group("pct"):
            if value < 100:
                target = bid * (100 - value) / 100
                best = target if best is None else max(best, target)
            continue
        if value >= bid:
            continue
        after = message[m.end() : m.end() + 24].lower()
        target = bid - value if _LESS.search(after) else value
        best = target if best is None else max(best, target)
    return best
