"""Triage reasons in the UI language (``scopeline.web.reasons``).

The core writes each reason as an English sentence. Here the real core writes them — the triage
engine over every reply scenario of every example agreement, the policy table over a grid of
requests, the scope matcher and the estimator on each of their branches — and every sentence must
be read by a template (no English fallback), every template must be one the core really writes,
and the translated message must go through gettext with the values in the reader's notation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import msgspec
import numpy as np
import pytest
from babel.messages.pofile import read_po
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from scopeline.core import Agreement, TriageEngine, load_agreement, parse_agreement
from scopeline.core.events import RequestDecided
from scopeline.core.languages import SUPPORTED_LANGUAGES, Language
from scopeline.core.ledger import Allowance, ProjectState, project_state
from scopeline.core.replies.advice import load_advice
from scopeline.core.replies.scenarios import scenarios
from scopeline.core.triage.analysis import analyze
from scopeline.core.triage.contract import KINDS, Kind
from scopeline.core.triage.engine import _decline_reason, clause_languages
from scopeline.core.triage.estimate import estimate
from scopeline.core.triage.features import Array, LinearModel, Sparse
from scopeline.core.triage.policy import decide
from scopeline.core.triage.scope import Candidates, match, prepare
from scopeline.core.triage.verdict import Estimate, ScopeMatch
from scopeline.inbox import services as inbox
from scopeline.inbox.engine import get_engine
from scopeline.projects.models import ClientRequest
from scopeline.web import i18n, labels, reasons
from scopeline.web.reasons import EVIDENCE, REASONS, SOURCES, Rule, translate, translate_reason
from tests.web.conftest import World

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
BY_LANG: dict[Language, str] = {  # as tests/test_replies_composer.py pairs them
    "en": "brightpath-mvp.yaml",
    "fi": "acme-website.yaml",
    "ro": "bistro-dunarea.yaml",
    "zh-Hant": "anxin-clinic.yaml",
    "zh-Hans": "huamei-shop.yaml",
}
UI_LANGUAGES: dict[str, Language] = {
    "fi": "fi",
    "ro": "ro",
    "zh-hant": "zh-Hant",
    "zh-hans": "zh-Hans",
}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
ACME = (EXAMPLES / "acme-website.yaml").read_text(encoding="utf-8")


def msgid(rule: Rule) -> str:
    with translation.override(None):
        return str(rule[1])


def nested(rules: tuple[Rule, ...], text: str) -> Rule:
    found = next((rule for rule in rules if rule[0].fullmatch(text)), None)
    assert found is not None, f"no template reads {text!r}"
    return found


def acme(*replace: tuple[str, str]) -> Agreement:
    text = ACME
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    return parse_agreement(text, source="acme.yaml")


# -- what the core writes ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return get_engine()  # the web app's own engine, shared with the other web tests


@dataclass(frozen=True)
class Written:
    where: str
    reason: str


@pytest.fixture(scope="module")
def engine_reasons(engine: TriageEngine) -> list[Written]:
    """Every reason the triage engine gives for the reply scenarios of every example agreement
    (in its client's language), and for an empty, a binary, a quoted and a very long message."""
    out: list[Written] = []
    for lang in SUPPORTED_LANGUAGES:
        agreement = load_agreement(EXAMPLES / BY_LANG[lang])
        by_state: dict[int, tuple[ProjectState, list[tuple[str | None, str | bytes]]]] = {}
        for scenario in scenarios(agreement, lang):
            group = by_state.setdefault(id(scenario.state), (scenario.state, []))
            group[1].append((f"{BY_LANG[lang]} {scenario.name}", scenario.message))
        for state, messages in by_state.values():
            for verdict in engine.triage_many(agreement, messages, state=state):
                out += [Written(str(verdict.id), r) for r in verdict.reasons]
    agreement = load_agreement(EXAMPLES / BY_LANG["fi"])
    hostile: list[tuple[str | None, str | bytes]] = [
        ("empty", ""),
        ("binary", b"\x00\x01\x02\xff" * 200),
        (
            "quoted",
            "Thanks, looks good, approved!\n\nOn Tue, 4 Nov 2026, Studio North wrote:\n"
            "> Would you like us to add an online shop with payments for 2,000 EUR?",
        ),
        ("long", "Please add one more page about our new service. " * 200),
    ]
    for verdict in engine.triage_many(agreement, hostile):
        out += [Written(str(verdict.id), r) for r in verdict.reasons]
    return out


def _decision_reasons(
    agreement: Agreement,
    state: ProjectState,
    kinds: tuple[Kind, ...],
    scope: ScopeMatch,
    hours: Estimate,
    decline: str | None,
) -> tuple[str, ...]:
    return decide(
        kind=kinds[0],
        kinds=kinds,
        scope=scope,
        estimate=hours,
        agreement=agreement,
        state=state,
        decline_reason=decline,
    ).reasons


@pytest.fixture(scope="module")
def policy_reasons() -> list[Written]:
    """The policy table over a grid: every kind, alone and with every other kind beside it, on
    every kind of scope match, for small and large estimates, with and without allowances left,
    goodwill left, policy overrides and advice that says no."""
    plain = acme()
    unlimited = acme(("allowances: {concepts: 3, revision_rounds: 2}\n", ""))
    overridden = acme(
        (
            "rush_surcharge_percent: 25}",
            "rush_surcharge_percent: 25, actions: {refund: answer, discount: escalate, "
            "addition: change_order, question: acknowledge}}",
        )
    )

    def states(agreement: Agreement) -> list[ProjectState]:
        base = project_state(agreement)  # acme: all 3 concepts used, 1 of 2 rounds, goodwill left
        rounds = base.revision_rounds.agreed
        return [
            base,
            dataclasses.replace(
                base,
                concepts=Allowance(base.concepts.agreed, 1),
                revision_rounds=Allowance(rounds, rounds or 0),
                goodwill_budget_hours=base.hours_favor,  # none left
            ),
        ]

    scopes = [
        ScopeMatch("not_applicable", None, 0.0),
        ScopeMatch("excluded", "accounts", 0.9, "User registration, member accounts or login"),
        ScopeMatch("out_of_scope", None, 0.2),
        ScopeMatch("in_scope", "news", 0.9, "News section the client can edit"),
        ScopeMatch("out_of_scope", "pages", 0.8, "Five pages", "", 7, 5),
        ScopeMatch("out_of_scope", "pages", 0.8, "Five pages", "", None, 5),
    ]
    estimates = [
        Estimate(Decimal(0), Decimal(0), Decimal(0), "none"),
        Estimate(Decimal("0.5"), Decimal("0.25"), Decimal(1), "small"),
        Estimate(Decimal(14), Decimal(12), Decimal(16), "large"),
    ]
    library = load_advice()
    declines = [None] + [
        _decline_reason(entry, "addition")
        for entry in library.entries
        if entry.stance == "decline" and "addition" in entry.kinds
    ]
    assert len(declines) > 1, "the shipped advice library declines something"
    combos: list[tuple[Kind, ...]] = [(k,) for k in KINDS]
    combos += [(k, other) for k in KINDS for other in KINDS if other not in (k, "other")]
    out: set[Written] = set()
    for agreement in (plain, unlimited, overridden):
        for state in states(agreement):
            for kinds in combos:
                for scope in scopes:
                    for hours in estimates:
                        for decline in declines if kinds[0] == "addition" else [None]:
                            for reason in _decision_reasons(
                                agreement, state, kinds, scope, hours, decline
                            ):
                                out.add(Written(f"policy {kinds}", reason))
    return sorted(out, key=lambda w: w.reason)


@dataclass(frozen=True)
class Sure(LinearModel):
    """A calibrator that is as sure as told, to drive the scope matcher down each branch."""

    probability: float = 0.5

    def sigmoid(self, x: Array, lexical: Sparse | None = None) -> Array:
        return np.full((len(x), 1), self.probability)


def sure(probability: float) -> Sure:
    zero = np.zeros(1)
    return Sure(zero, zero, zero, np.ones(1), probability=probability)


def only(candidates: Candidates, *ids: str) -> Candidates:
    keep = [i for i, clause in enumerate(candidates.clauses) if clause.id in ids]
    return Candidates(
        tuple(candidates.clauses[i] for i in keep),
        candidates.vectors[keep],
        tuple(candidates.tokens[i] for i in keep),
        None if candidates.expansions is None else candidates.expansions[keep],
        tuple(candidates.hours_share[i] for i in keep),
    )


@pytest.fixture(scope="module")
def scope_reasons(engine: TriageEngine) -> list[Written]:
    """The scope matcher's reason on each of its branches (the calibrator is stubbed so that
    the branch does not depend on the model's mood)."""
    agreement = acme()
    everything = prepare(agreement, engine.embedder, clause_languages(agreement), engine.catalogue)
    cases: list[tuple[tuple[str, ...], Kind, str, float]] = [
        ((), "addition", "Please add a login.", 0.9),
        (("accounts",), "addition", "Please add member registration and a login.", 0.9),
        (("accounts", "shop"), "addition", "Please add member registration and a login.", 0.3),
        (("pages",), "addition", "Please add a sixth page about our services.", 0.9),
        (("pages",), "addition", "Please add the third page now.", 0.9),
        (("news",), "addition", "Let us edit the news section ourselves.", 0.9),
        (("news",), "addition", "Let us edit the news section ourselves.", 0.6),
        (("pages", "news"), "defect", "The contact page is broken.", 0.9),
        (("pages", "news"), "defect", "Xyzzy plugh.", 0.9),
    ]
    out = []
    for ids, kind, text, probability in cases:
        vector = engine.embedder.passages([text])[0]
        result = match(
            only(everything, *ids),
            vector,
            analyze(text, "en"),
            text,
            kind=kind,
            calibrator=sure(probability),
            ranker=engine.models.ranker,
        )
        out.append(Written(f"scope {ids} {kind} {probability}", result.reason))
    return out


@pytest.fixture(scope="module")
def source_reasons(engine: TriageEngine) -> list[Written]:
    """The estimator's sources on each branch, as the engine words them."""
    plain = acme()
    decided = tuple(
        RequestDecided(date=dt.date(2026, 10, 25), kind="addition", action="change_order",
                       item=item, hours=Decimal(h))
        for item, h in (("pages", "4"), ("pages", "6"), ("news", "2"))
    )  # fmt: skip
    with_history = msgspec.structs.replace(plain, ledger=plain.ledger + decided)
    outside = ScopeMatch("out_of_scope", None, 0.2)
    beyond = ScopeMatch("out_of_scope", "pages", 0.8, "Five pages", "", 6, 5)
    inside = ScopeMatch("in_scope", "pages", 0.9, "Five pages")
    favicon = engine.embedder.passages(["Could you add a favicon with our logo?"])[0]
    nothing = engine.embedder.passages(["Xyzzy plugh quux."])[0]
    cases: list[tuple[Agreement, Kind, ScopeMatch, Array]] = [
        (with_history, "addition", beyond, nothing),
        (with_history, "addition", outside, nothing),
        (plain, "addition", beyond, nothing),
        (plain, "addition", outside, favicon),
        (plain, "revision", inside, nothing),
        (plain, "extra_concept", inside, nothing),
        (plain, "addition", outside, nothing),
        (plain, "defect", inside, nothing),
        (plain, "deadline", ScopeMatch("not_applicable", None, 0.0), nothing),
    ]
    out = []
    for agreement, kind, scope, query in cases:
        hours, _task = estimate(
            kind=kind,
            scope=scope,
            agreement=agreement,
            state=project_state(agreement),
            catalogue=engine.catalogue,
            embedder=engine.embedder,
            query=query.astype(np.float32),
        )
        assert hours.hours > 0, (kind, hours)
        out.append(Written(f"estimate {kind}", f"Estimate source: {hours.source}."))  # engine.py
    return out


@pytest.fixture(scope="module")
def written(
    engine_reasons: list[Written],
    policy_reasons: list[Written],
    scope_reasons: list[Written],
    source_reasons: list[Written],
) -> list[Written]:
    return engine_reasons + policy_reasons + scope_reasons + source_reasons


# -- every sentence has a template, every template a sentence -----------------------------------


def test_every_reason_the_engine_writes_has_a_template(engine_reasons: list[Written]) -> None:
    assert len(engine_reasons) > 300
    left = [f"{w.where}: {w.reason}" for w in engine_reasons if not translate(w.reason).matched]
    assert not left, "\n".join(left)


@pytest.mark.parametrize("source", ["policy_reasons", "scope_reasons", "source_reasons"])
def test_every_branch_of_the_core_has_a_template(
    request: pytest.FixtureRequest, source: str
) -> None:
    found: list[Written] = request.getfixturevalue(source)
    left = [f"{w.where}: {w.reason}" for w in found if not translate(w.reason).matched]
    assert not left, "\n".join(left)


def test_every_template_is_one_the_core_writes(written: list[Written]) -> None:
    used: set[str] = set()
    for w in written:
        rule = translate(w.reason).rule
        assert rule is not None, w
        used.add(msgid(rule))
        groups = rule[0].fullmatch(w.reason)
        assert groups is not None
        named = groups.groupdict()
        if named.get("evidence") is not None:
            used.add(msgid(nested(EVIDENCE, named["evidence"])))
        if named.get("source") is not None:
            used.add(msgid(nested(SOURCES, named["source"])))
    unused = [msgid(rule) for rule in REASONS + EVIDENCE + SOURCES if msgid(rule) not in used]
    assert not unused, "templates no sentence of the core needed:\n" + "\n".join(unused)


def test_scope_reasons_keep_their_evidence(written: list[Written]) -> None:
    """A scope reason is read with its evidence, not as a clause title that happens to hold it."""
    for w in written:
        if "; confidence " in w.reason or "(similarity " in w.reason:
            rule = translate(w.reason).rule
            assert rule is not None
            assert "%(title)s" not in msgid(rule), w.reason


def test_every_template_places_each_value_once() -> None:
    ids = [msgid(rule) for rule in REASONS + EVIDENCE + SOURCES]
    assert len(set(ids)) == len(ids)
    for rule in REASONS + EVIDENCE + SOURCES:
        pattern, _message = rule
        wanted = set(pattern.groupindex) - reasons.CONSUMED
        placed = _PLACEHOLDER.findall(msgid(rule))
        assert set(placed) == wanted, msgid(rule)
        assert len(placed) == len(set(placed)), msgid(rule)
        assert "%" not in _PLACEHOLDER.sub("", msgid(rule)), msgid(rule)


# -- the gettext path, with the values in the reader's notation --------------------------------


def test_english_reads_the_message_with_english_notation() -> None:
    with translation.override("en"):
        assert (
            translate_reason("Estimate 12 h–16 h (likely 14 h) at 80 EUR/h = 1120.00 EUR.")
            == "Estimate 12 h–16 h (likely 14 h) at €80/h = €1,120."
        )
        assert (
            translate_reason("Request kind: extra_concept + threat (confidence 1.00).")
            == "Request kind: extra concept + threat (confidence 1.00)."
        )
        assert (
            translate_reason("Covered by scope item 'news' (News (editable) section).")
            == "Covered by scope item 'news' (News (editable) section)."
        )


@pytest.mark.parametrize("code", sorted(UI_LANGUAGES))
def test_values_are_in_the_readers_notation(code: str) -> None:
    """Whatever the catalogue holds, the message comes through gettext, with amounts as money,
    hours and scores in the locale's digits, and kinds and actions by their labels."""
    with translation.override(code):
        assert i18n.ui_language() == UI_LANGUAGES[code]
        assert translate_reason(
            "Estimate 3.75 h–14.5 h (likely 7.25 h) at 80 EUR/h = 580.00 EUR before the favour."
        ) == translation.gettext(
            "Estimate %(low)s h–%(high)s h (likely %(hours)s h) at %(rate)s/h = %(amount)s "
            "before the favour."
        ) % {
            "low": i18n.number(Decimal("3.75")),
            "high": i18n.number(Decimal("14.5")),
            "hours": i18n.number(Decimal("7.25")),
            "rate": i18n.money(Decimal(80), "EUR"),
            "amount": i18n.money(Decimal(580), "EUR"),
        }
        assert translate_reason(
            "Request kind: addition + threat (confidence 0.83)."
        ) == translation.gettext("Request kind: %(kinds)s (confidence %(confidence)s).") % {
            "kinds": f"{labels.KINDS['addition']} + {labels.KINDS['threat']}",
            "confidence": i18n.number(Decimal("0.83")),
        }
        assert translate_reason(
            "The agreement's policy sets 'answer' for refund requests "
            "(the baseline would be 'escalate')."
        ) == translation.gettext(
            "The agreement's policy sets '%(override)s' for this kind of request (%(kind)s); "
            "the baseline would be '%(baseline)s'."
        ) % {
            "override": labels.ACTIONS["answer"],
            "kind": labels.KINDS["refund"],
            "baseline": labels.ACTIONS["escalate"],
        }
        rush = translate_reason("Rush surcharge: 12.5% of the remaining 31 h of work = 310.00 EUR.")
        assert i18n.money(Decimal(310), "EUR") in rush
        if code in ("fi", "ro"):
            assert "12,5\u00a0%" in rush
            assert "0,83" in translate_reason("Request kind: question (confidence 0.83).")


@pytest.fixture
def catalogue_says(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every template translated in ``code``'s catalogue as "«code» …" (the .po files are the
    translators'; this checks the path, not their words)."""
    from django.utils.translation import trans_real

    catalog = trans_real.translation(code)._catalog._catalogs[0]  # type: ignore[attr-defined]
    for rule in REASONS + EVIDENCE + SOURCES:
        monkeypatch.setitem(catalog, msgid(rule), f"«{code}» {msgid(rule)}")


@pytest.mark.parametrize("code", sorted(UI_LANGUAGES))
@pytest.mark.usefixtures("catalogue_says")
def test_translated_catalogue_changes_every_reason(code: str, written: list[Written]) -> None:
    with translation.override(code):
        for w in written:
            text = translate_reason(w.reason)
            assert text != w.reason
            assert text.startswith(f"«{code}» "), (w.reason, text)
            if ", ranking margin " in w.reason:  # the nested evidence is translated too
                assert f"(«{code}» similarity" in text or f"; «{code}» similarity" in text, text
            if w.reason.startswith("Estimate source: "):  # and so is the estimate's source
                assert text.startswith(f"«{code}» Estimate source: «{code}» "), text


@pytest.mark.parametrize("code", sorted(UI_LANGUAGES))
def test_reasons_the_catalogue_translates_are_not_english(
    code: str, written: list[Written]
) -> None:
    """Once a catalogue holds a template, its reasons read differently from the core's English."""
    with translation.override(code):
        for w in written:
            rule = translate(w.reason).rule
            assert rule is not None
            if translation.gettext(msgid(rule)) != msgid(rule):
                assert translate_reason(w.reason) != w.reason


@pytest.mark.parametrize("code", sorted(UI_LANGUAGES))
def test_decline_reasons_quote_the_advice_library_in_the_ui_language(code: str) -> None:
    lang = UI_LANGUAGES[code]
    entries = [e for e in load_advice().entries if e.stance == "decline"]
    assert entries
    for entry in entries:
        reason = _decline_reason(entry, next(iter(entry.kinds)))  # type: ignore[arg-type]
        assert reason is not None
        with translation.override(code):
            text = translate_reason(reason)
        assert entry.reasons[lang][0] in text
        assert entry.reasons["en"][0] not in text
        with translation.override("en"):
            assert translate_reason(reason) == reason


def test_an_advice_entry_the_library_does_not_hold_is_quoted_as_written() -> None:
    reason = (
        "Advice library entry 'my-own' recommends declining: We do not do that here. "
        "The reply offers the nearest alternative."
    )
    with translation.override("fi"):
        found = translate(reason)
    assert found.matched
    assert "We do not do that here." in found.text


def test_an_unknown_sentence_stays_english_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="scopeline.web.reasons"), translation.override("fi"):
        found = translate("The core learnt to say something new.")
    assert not found.matched
    assert found.text == "The core learnt to say something new."
    assert "The core learnt to say something new." in caplog.text


def test_the_catalogue_picks_up_every_template() -> None:
    """``makemessages`` runs xgettext with Django's keywords: it must find every message."""
    xgettext = shutil.which("xgettext")
    if xgettext is None:
        pytest.skip("xgettext (GNU gettext) is not installed; makemessages needs it too")
    source = ROOT / "src" / "scopeline" / "web" / "reasons.py"
    keywords = ["gettext_noop", "gettext_lazy", "ngettext_lazy:1,2", "pgettext:1c,2",
                "npgettext:1c,2,3", "pgettext_lazy:1c,2", "npgettext_lazy:1c,2,3"]  # fmt: skip
    result = subprocess.run(
        [xgettext, "-d", "django", "--language=Python", *(f"--keyword={k}" for k in keywords),
         "--output=-", "--from-code=UTF-8", "--add-comments=Translators", str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    extracted = {m.id for m in read_po(BytesIO(result.stdout)) if m.id}
    assert extracted == {msgid(rule) for rule in REASONS + EVIDENCE + SOURCES}


# -- on the page ------------------------------------------------------------------------------


def test_the_request_page_shows_the_reasons_in_the_ui_language(world: World) -> None:
    world.owner.language = "fi"
    world.owner.save(update_fields=["language"])
    item = inbox.submit_request(
        project=world.project,
        actor=world.owner,
        text="Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua.",
    )
    shown = list(item.verdict["reasons"])
    assert shown
    item.verdict["reasons"] = [*shown, "The core learnt to say something new."]
    ClientRequest.objects.filter(pk=item.pk).update(verdict=item.verdict)
    url = reverse("request_detail", kwargs={"ws": world.workspace.slug, "pk": item.pk})

    page = world.http(world.owner).get(url).content.decode()
    with translation.override("fi"):
        for reason in shown:
            assert f"<li>{escape(translate_reason(reason))}</li>" in page, reason
    assert '<li><span lang="en">The core learnt to say something new.</span></li>' in page

    world.owner.language = "en"
    world.owner.save(update_fields=["language"])
    page = world.http(world.owner).get(url).content.decode()
    assert "<li>The core learnt to say something new.</li>" in page
