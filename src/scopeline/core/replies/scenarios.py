"""Typical client requests for every reply action, as verdicts on a given agreement.

Used by ``bench/replies.py`` (the sample file a reviewer reads), the reply tests (every action ×
language × tone) and the docs. The verdicts are built directly, not by the triage model, so the
samples show every action whatever the model decides; the messages are real-sounding requests in
each client language.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from scopeline.core.agreement import Agreement
from scopeline.core.languages import Language
from scopeline.core.ledger import Allowance, ProjectState, project_state
from scopeline.core.money import quantize
from scopeline.core.triage.contract import Action, Kind
from scopeline.core.triage.verdict import Estimate, Price, ScopeMatch, Verdict

_MESSAGES: Final[dict[str, dict[Language, str]]] = {
    "defect": {
        "en": "What you delivered yesterday doesn't match what we agreed: the colours are wrong.",
        "fi": "Eilen toimittamanne versio ei vastaa sovittua: värit ovat väärät.",
        "ro": "Ce ne-ați trimis ieri nu corespunde cu ce am stabilit: culorile sunt greșite.",
        "zh-Hant": "昨天交來的檔案和當初講好的不一樣，顏色是錯的。",
        "zh-Hans": "昨天交付的版本和之前说好的不一样，颜色不对。",
    },
    "revision": {
        "en": "Could you make the headings a bit larger and use our darker blue?",
        "fi": "Voisitteko suurentaa otsikoita hieman ja käyttää tummempaa sinistämme?",
        "ro": "Ați putea mări puțin titlurile și să folosiți albastrul nostru mai închis?",
        "zh-Hant": "標題可以再大一點嗎？顏色想改用我們比較深的那個藍色。",
        "zh-Hans": "标题能再大一点吗？颜色想换成我们那个深一点的蓝色。",
    },
    "revision_over": {
        "en": "One more round of changes please: the colours still don't feel right.",
        "fi": "Vielä yksi muutoskierros, kiitos: värit eivät vieläkään tunnu oikeilta.",
        "ro": "Vă rog încă o rundă de modificări: culorile tot nu ni se par potrivite.",
        "zh-Hant": "麻煩再改一輪，顏色還是感覺不太對。",
        "zh-Hans": "麻烦再改一轮，颜色还是感觉不太对。",
    },
    "favor": {
        "en": "Could you add a favicon with our logo?",
        "fi": "Voisitteko lisätä sivustolle faviconin logostamme?",
        "ro": "Ați putea adăuga un favicon cu logo-ul nostru?",
        "zh-Hant": "可以幫我們加一個用商標做的網站小圖示（favicon）嗎？",
        "zh-Hans": "能帮我们加一个用logo做的网站小图标（favicon）吗？",
    },
    "addition": {
        "en": "Please add member registration so our customers can log in.",
        "fi": "Lisätkää sivustolle jäsenrekisteröinti, jotta asiakkaamme voivat kirjautua.",
        "ro": "Vă rugăm să adăugați înregistrarea membrilor, ca să se poată autentifica clienții.",
        "zh-Hant": "請幫我們加上會員註冊功能，讓客人可以登入。",
        "zh-Hans": "请帮我们加上会员注册功能，让客户可以登录。",
    },
    "excluded": {
        "en": "Could you also take care of this: {title}?",
        "fi": "Voisitteko hoitaa myös tämän: {title}?",
        "ro": "V-ați putea ocupa și de asta: {title}?",
        "zh-Hant": "這個也可以一起處理嗎：{title}？",
        "zh-Hans": "这个也能一起做吗：{title}？",
    },
    "addition_threat": {
        "en": "Add a login for our customers, or we won't pay the last invoice.",
        "fi": "Lisätkää asiakkaille kirjautuminen, tai emme maksa viimeistä laskua.",
        "ro": "Adăugați autentificare pentru clienți, altfel nu plătim ultima factură.",
        "zh-Hant": "加上客戶登入功能，不然最後一期款我們不付了。",
        "zh-Hans": "加上客户登录功能，不然尾款我们就不付了。",
    },
    "addition_more": {
        "en": "We need one more page for our new service.",
        "fi": "Tarvitsemme vielä yhden sivun uudelle palvelullemme.",
        "ro": "Avem nevoie de încă o pagină pentru noul nostru serviciu.",
        "zh-Hant": "我們的新服務需要再多一個頁面。",
        "zh-Hans": "我们的新服务需要再加一个页面。",
    },
    "extra_concept": {
        "en": "None of these feel right yet. Could you show us two more design options?",
        "fi": "Mikään näistä ei vielä tunnu oikealta. Voisitteko näyttää kaksi ehdotusta lisää?",
        "ro": "Niciuna nu ni se pare potrivită încă. Ne puteți arăta încă două propuneri?",
        "zh-Hant": "這幾款都還不太對，可以再給我們兩款設計提案嗎？",
        "zh-Hans": "这几套都还不太对，能再给我们出两套设计方案吗？",
    },
    "deadline": {
        "en": "Could we have everything a week earlier? Our launch event moved.",
        "fi": "Saisimmeko kaiken viikkoa aiemmin? Julkaisutilaisuutemme aikaistui.",
        "ro": "Am putea primi totul cu o săptămână mai devreme? Evenimentul de lansare s-a mutat.",
        "zh-Hant": "可以提早一週交件嗎？我們的發表活動提前了。",
        "zh-Hans": "能提前一周交付吗？我们的发布会提前了。",
    },
    "decline": {
        "en": "Can you guarantee we'll be first on Google for our main keyword?",
        "fi": "Voitteko taata, että olemme Googlessa ensimmäisenä tärkeimmällä hakusanallamme?",
        "ro": "Ne puteți garanta că vom fi primii pe Google la cuvântul nostru cheie principal?",
        "zh-Hant": "你們可以保證我們在 Google 搜尋排名第一嗎？",
        "zh-Hans": "你们能保证我们在百度搜索排第一吗？",
    },
    "discount": {
        "en": "The budget got cut. Could you do the whole project for 20% less?",
        "fi": "Budjettiamme leikattiin. Voisitteko tehdä koko projektin 20 % halvemmalla?",
        "ro": "Ni s-a tăiat bugetul. Ați putea face tot proiectul cu 20% mai ieftin?",
        "zh-Hant": "我們預算被砍了，整個案子可以便宜兩成嗎？價格打八折可以嗎？",
        "zh-Hans": "我们预算被砍了，整个项目能不能打八折？",
    },
    "refund": {
        "en": "This isn't what we wanted at all. We want our money back.",
        "fi": "Tämä ei ole lainkaan sitä, mitä halusimme. Haluamme rahamme takaisin.",
        "ro": "Nu este deloc ce ne-am dorit. Vrem banii înapoi.",
        "zh-Hant": "這完全不是我們要的，請把錢退給我們。",
        "zh-Hans": "这完全不是我们想要的，请把钱退给我们。",
    },
    "threat": {
        "en": "If this isn't sorted by Friday, we'll leave a review everyone will read.",
        "fi": "Jos tätä ei korjata perjantaihin mennessä, kirjoitamme arvostelun, jonka kaikki lukevat.",
        "ro": "Dacă nu rezolvați până vineri, lăsăm o recenzie pe care o va citi toată lumea.",
        "zh-Hant": "如果週五前還沒處理好，我們就會上網給負評。",
        "zh-Hans": "如果周五前还没弄好，我们就去网上给差评。",
    },
    "question": {
        "en": "When will we see the first version of the pages?",
        "fi": "Milloin näemme sivujen ensimmäisen version?",
        "ro": "Când vom vedea prima versiune a paginilor?",
        "zh-Hant": "請問什麼時候可以看到第一版？",
        "zh-Hans": "请问什么时候能看到第一版？",
    },
    "approval": {
        "en": "Looks great, approved. Go ahead!",
        "fi": "Näyttää hyvältä, hyväksytty. Jatkakaa vain!",
        "ro": "Arată foarte bine, aprobat. Mergeți mai departe!",
        "zh-Hant": "看起來很棒，確認沒問題，請繼續！",
        "zh-Hans": "看起来很好，确认通过，请继续！",
    },
}


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    action: Action
    message: str
    verdict: Verdict
    state: ProjectState


def scenarios(agreement: Agreement, lang: Language | None = None) -> list[Scenario]:
    """One scenario per reply situation, in ``lang`` (default: the client's language)."""
    lang = lang or agreement.lang
    base = project_state(agreement)
    first = agreement.scope[0]
    exclusion = agreement.exclusions[0] if agreement.exclusions else None
    counted = next((i for i in agreement.scope if i.quantity and i.quantity > 1), first)
    rate = agreement.price.hourly_rate
    cur = agreement.currency

    def price(
        hours: Decimal,
        low: Decimal,
        high: Decimal,
        *,
        charge: bool = True,
        rush: Decimal | None = None,
    ) -> Price | None:
        if rate is None:
            return None
        factor = Decimal(1) if rush is None else rush / 100

        def amount(h: Decimal) -> Decimal:
            return quantize(h * rate * factor, cur)

        return Price(amount(hours), cur, amount(low), amount(high), rush, charge)

    def est(likely: str, low: str, high: str, source: str = "scenario") -> Estimate:
        return Estimate(Decimal(likely), Decimal(low), Decimal(high), source)

    def scope(verdict: str, item: str | None, title: str | None, **extra: int) -> ScopeMatch:
        return ScopeMatch(verdict, item, 0.9, title, **extra)  # type: ignore[arg-type]

    na = ScopeMatch("not_applicable", None, 0.0)
    rounds_done = dataclasses.replace(
        base,
        revision_rounds=Allowance(base.revision_rounds.agreed, base.revision_rounds.agreed or 0),
    )
    fresh = dataclasses.replace(base, revision_rounds=Allowance(base.revision_rounds.agreed, 0))
    concepts_done = dataclasses.replace(
        base, concepts=Allowance(base.concepts.agreed, base.concepts.agreed or 0)
    )
    remaining = max((base.hours_budgeted or Decimal(0)) - base.hours_logged, Decimal(8))
    rush = agreement.policy.rush_surcharge_percent

    rows: list[
        tuple[
            str,
            str,
            Kind,
            tuple[Kind, ...],
            Action,
            ScopeMatch,
            Estimate,
            Price | None,
            ProjectState,
            str | None,
        ]
    ] = [
        (
            "fix_now",
            "defect",
            "defect",
            ("defect",),
            "fix_now",
            scope("in_scope", first.id, first.title),
            est("1", "0.5", "2"),
            None,
            base,
            None,
        ),
        (
            "do_it",
            "revision",
            "revision",
            ("revision",),
            "do_it",
            scope("in_scope", first.id, first.title),
            est("2", "1", "4"),
            None,
            fresh,
            None,
        ),
        (
            "favor",
            "favor",
            "addition",
            ("addition",),
            "favor",
            scope("out_of_scope", None, None),
            est("0.5", "0.25", "1"),
            price(Decimal("0.5"), Decimal("0.25"), Decimal(1), charge=False),
            base,
            "favicon",
        ),
        (
            "change_order (excluded)",
            "excluded",
            "addition",
            ("addition",),
            "change_order",
            scope("excluded", exclusion.id, exclusion.title)
            if exclusion
            else scope("out_of_scope", None, None),
            est("14", "12", "16"),
            price(Decimal(14), Decimal(12), Decimal(16)),
            base,
            None,
        ),
        (
            "change_order (advice)",
            "addition",
            "addition",
            ("addition",),
            "change_order",
            scope("out_of_scope", None, None),
            est("14", "12", "16"),
            price(Decimal(14), Decimal(12), Decimal(16)),
            base,
            "member-registration",
        ),
        (
            "change_order (beyond quantity)",
            "addition_more",
            "addition",
            ("addition",),
            "change_order",
            scope(
                "out_of_scope",
                counted.id,
                counted.title,
                agreed_quantity=counted.quantity or 1,
                requested_quantity=(counted.quantity or 1) + 1,
            ),
            est("4", "3", "6"),
            price(Decimal(4), Decimal(3), Decimal(6)),
            base,
            "extra-page",
        ),
        (
            "change_order (revision over allowance)",
            "revision_over",
            "revision",
            ("revision",),
            "change_order",
            scope("in_scope", first.id, first.title),
            est("3", "2", "4"),
            price(Decimal(3), Decimal(2), Decimal(4)),
            rounds_done,
            None,
        ),
        (
            "change_order (extra concepts)",
            "extra_concept",
            "extra_concept",
            ("extra_concept",),
            "change_order",
            scope("in_scope", first.id, first.title),
            est("8", "6", "12"),
            price(Decimal(8), Decimal(6), Decimal(12)),
            concepts_done,
            None,
        ),
        (
            "change_order (rush)",
            "deadline",
            "deadline",
            ("deadline",),
            "change_order",
            na,
            Estimate(remaining, remaining, remaining, "remaining budgeted hours"),
            price(remaining, remaining, remaining, rush=rush),
            base,
            None,
        ),
        (
            "change_order + threat",
            "addition_threat",
            "addition",
            ("addition", "threat"),
            "change_order",
            scope("out_of_scope", None, None),
            est("14", "12", "16"),
            price(Decimal(14), Decimal(12), Decimal(16)),
            base,
            "member-registration",
        ),
        (
            "decline",
            "decline",
            "addition",
            ("addition",),
            "decline",
            scope("out_of_scope", None, None),
            est("20", "10", "40"),
            None,
            base,
            None,
        ),
        (
            "hold_price",
            "discount",
            "discount",
            ("discount",),
            "hold_price",
            na,
            est("0", "0", "0"),
            None,
            base,
            None,
        ),
        (
            "escalate (refund)",
            "refund",
            "refund",
            ("refund",),
            "escalate",
            na,
            est("0", "0", "0"),
            None,
            base,
            None,
        ),
        (
            "escalate (threat)",
            "threat",
            "threat",
            ("threat",),
            "escalate",
            na,
            est("0", "0", "0"),
            None,
            base,
            None,
        ),
        (
            "answer",
            "question",
            "question",
            ("question",),
            "answer",
            na,
            est("0", "0", "0"),
            None,
            base,
            None,
        ),
        (
            "acknowledge",
            "approval",
            "approval",
            ("approval",),
            "acknowledge",
            na,
            est("0", "0", "0"),
            None,
            base,
            None,
        ),
    ]
    out = []
    for name, message_key, kind, kinds, action, match, hours, cost, state, catalogue in rows:
        out.append(
            Scenario(
                name=name,
                action=action,
                message=_MESSAGES[message_key][lang].replace(
                    "{title}", exclusion.title if exclusion else first.title
                ),
                verdict=Verdict(
                    id=name,
                    lang=lang,
                    kind=kind,
                    kinds=kinds,
                    scope=match,
                    action=action,
                    estimate=hours,
                    price=cost,
                    reasons=(),
                    catalogue=catalogue,
                ),
                state=state,
            )
        )
    return out
