"""The triage engine: message in, verdict out — the one call the CLI, web app and API make.

    engine = TriageEngine()
    verdict = engine.triage(agreement, "Lisätkää jäsenrekisteröinti tai emme maksa")
    verdict.as_dict()   # the contract in docs/triage.md

It never raises on a message: empty, binary, 1 MB or HTML input yields a valid verdict (``other``
and ``und`` with a reason where nothing fits). Bad agreements are rejected earlier, on load.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from scopeline.core.agreement import Agreement
from scopeline.core.ledger import ProjectState, project_state
from scopeline.core.replies.advice import AdviceEntry, AdviceLibrary, load_advice
from scopeline.core.triage.analysis import analyze
from scopeline.core.triage.contract import KINDS, WORK_KINDS, Kind
from scopeline.core.triage.embedder import Embedder, default_embedder
from scopeline.core.triage.estimate import ZERO_ESTIMATE, Catalogue, estimate, load_catalogue
from scopeline.core.triage.features import (
    TriageModels,
    lexical_features,
    load_models,
    message_features,
)
from scopeline.core.triage.language import detect_language
from scopeline.core.triage.policy import decide
from scopeline.core.triage.scope import Candidates, prepare
from scopeline.core.triage.scope import match as match_scope
from scopeline.core.triage.text import CleanMessage, clean_message
from scopeline.core.triage.verdict import Estimate, ScopeMatch, Verdict

EMBED_CHARS: Final = 500
"""Characters of the newest part embedded; the model reads ~512 tokens at most anyway."""
SECONDARY_THRESHOLD: Final = 0.5
NOT_APPLICABLE: Final = ScopeMatch("not_applicable", None, 0.0, reason="Not a work request.")


@dataclass
class _Prepared:
    agreement: Agreement
    state: ProjectState
    candidates: Candidates


@dataclass
class TriageEngine:
    """Holds the embedder, the models and per-agreement caches; thread-safe for reads."""

    embedder: Embedder = field(default_factory=default_embedder)
    models: TriageModels = field(default_factory=load_models)
    catalogue: Catalogue | None = None
    advice: AdviceLibrary = field(default_factory=load_advice)
    _prepared: dict[int, _Prepared] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        _one_blas_thread()
        if self.catalogue is None:
            self.catalogue = load_catalogue()
            self.models.preload_catalogue(self.catalogue, self.embedder)

    # -- public -------------------------------------------------------------------------

    def triage(
        self,
        agreement: Agreement,
        message: str | bytes,
        *,
        id: str | None = None,
        state: ProjectState | None = None,
    ) -> Verdict:
        """Triage one client message against ``agreement``."""
        return next(self.triage_many(agreement, [(id, message)], state=state))

    def triage_many(
        self,
        agreement: Agreement,
        messages: Iterable[tuple[str | None, str | bytes]],
        *,
        state: ProjectState | None = None,
        batch_size: int = 32,
    ) -> Iterator[Verdict]:
        """Triage ``(id, text)`` pairs in order, embedding them in batches."""
        prepared = self._prepare(agreement, state)
        batch: list[tuple[str | None, CleanMessage]] = []
        for message_id, raw in messages:
            batch.append((message_id, clean_message(raw)))
            if len(batch) >= batch_size:
                yield from self._run(prepared, batch)
                batch = []
        if batch:
            yield from self._run(prepared, batch)

    # -- internals ------------------------------------------------------------------------

    def _prepare(self, agreement: Agreement, state: ProjectState | None) -> _Prepared:
        # The clause embeddings depend only on the agreement, so they are cached by it even
        # when the caller brings its own state (the web app folds its ledger from the database).
        key = id(agreement)
        with self._lock:
            cached = self._prepared.get(key)
        if cached is None or cached.agreement is not agreement:
            lang_of = clause_languages(agreement)
            cached = _Prepared(
                agreement,
                project_state(agreement),
                prepare(agreement, self.embedder, lang_of, self.catalogue),
            )
            with self._lock:
                if len(self._prepared) > 256:
                    self._prepared.clear()
                self._prepared[key] = cached
        if state is None:
            return cached
        return _Prepared(agreement, state, cached.candidates)

    def _run(
        self, prepared: _Prepared, batch: Sequence[tuple[str | None, CleanMessage]]
    ) -> Iterator[Verdict]:
        texts = [clean.text[:EMBED_CHARS] for _, clean in batch]
        to_embed = [t for t in texts if t.strip()]
        vectors = iter(self.embedder.passages(to_embed)) if to_embed else iter(())
        for (message_id, clean), text in zip(batch, texts, strict=True):
            if not text.strip():
                yield self._empty(message_id, clean)
                continue
            yield self._one(prepared, message_id, clean, next(vectors))

    @staticmethod
    def _empty(message_id: str | None, clean: CleanMessage) -> Verdict:
        why = "binary content, not text" if "binary" in clean.notes else "no text to read"
        return Verdict(
            id=message_id,
            lang="und",
            kind="other",
            kinds=("other",),
            scope=NOT_APPLICABLE,
            action="answer",
            estimate=ZERO_ESTIMATE,
            price=None,
            reasons=(f"Nothing to triage: {why}.",),
            notes=clean.notes,
            lang_reason=why,
        )

    def _one(
        self,
        prepared: _Prepared,
        message_id: str | None,
        clean: CleanMessage,
        vector: npt.NDArray[np.float32],
    ) -> Verdict:
        agreement = prepared.agreement
        guess = detect_language(clean.text, fallback=agreement.lang)
        x = message_features(vector, clean.text)[None, :]
        lexical = lexical_features(clean.text)
        primary_p = self.models.primary.softmax(x, lexical)[0]
        member_p = self.models.members.sigmoid(x, lexical)[0]
        kind, kinds, confidence = _kinds(primary_p, member_p)

        scope = NOT_APPLICABLE
        if kind in WORK_KINDS:
            scope = match_scope(
                prepared.candidates,
                vector,
                analyze(clean.text, guess.lang),
                clean.text,
                kind=kind,
                calibrator=self.models.scope,
                ranker=self.models.ranker,
            )
        hours, task = estimate(
            kind=kind,
            scope=scope,
            agreement=agreement,
            state=prepared.state,
            catalogue=self.catalogue,
            embedder=self.embedder,
            query=vector,
        )
        advice = self.advice.match(clean.text, guess.lang, kinds, task.id if task else None)
        if advice is not None and hours.source.startswith("default") and advice.hours.likely > 0:
            # Nothing closer than the kind's default: the advice entry's typical hours are better.
            hours = Estimate(
                advice.hours.likely,
                advice.hours.low,
                advice.hours.high,
                f"advice entry '{advice.id}': typical hours",
            )
        decision = decide(
            kind=kind,
            kinds=kinds,
            scope=scope,
            estimate=hours,
            agreement=agreement,
            state=prepared.state,
            decline_reason=_decline_reason(advice, kind),
        )
        reasons = [f"Request kind: {' + '.join(kinds)} (confidence {confidence:.2f})."]
        if scope.reason and kind in WORK_KINDS:
            reasons.append(scope.reason)
        shown = scope.reason.split(" (")[0] if kind in WORK_KINDS else None
        # The scope reason already names the clause, with its evidence: skip the policy's echo.
        reasons.extend(r for r in decision.reasons if r.split(" (")[0] != shown)
        if hours.hours > 0:
            reasons.append(f"Estimate source: {hours.source}.")
        if "quoted-history-removed" in clean.notes:
            reasons.append("Only the newest part of the message was read (quoted history removed).")
        if "truncated" in clean.notes:
            reasons.append("The message is very long; its beginning was read.")
        return Verdict(
            id=message_id,
            lang=guess.lang,
            kind=kind,
            kinds=kinds,
            scope=scope,
            action=decision.action,
            estimate=hours,
            price=decision.price,
            reasons=tuple(reasons),
            confidence=confidence,
            kind_scores={k: float(p) for k, p in zip(KINDS, primary_p, strict=True)},
            lang_reason=guess.reason,
            notes=clean.notes,
            catalogue=task.id if task else None,
            advice=advice.id if advice else None,
        )


def _kinds(
    primary_p: npt.NDArray[np.float64], member_p: npt.NDArray[np.float64]
) -> tuple[Kind, tuple[Kind, ...], float]:
    """Primary kind (a work request outranks pressure beside it) and every kind present."""
    order = np.argsort(-primary_p)
    primary: Kind = KINDS[int(order[0])]
    confidence = float(primary_p[order[0]])
    present = [
        KINDS[i]
        for i in np.argsort(-member_p)
        if member_p[i] >= SECONDARY_THRESHOLD and KINDS[i] != primary
    ]
    if primary not in WORK_KINDS:
        work = [k for k in present if k in WORK_KINDS]
        if work:  # "add a login or we won't pay": the work is primary, the pressure secondary
            present.remove(work[0])
            present.insert(0, primary)
            primary = work[0]
            confidence = float(member_p[KINDS.index(primary)])
    if primary == "other":
        present = [k for k in present if k != "other"]
    return primary, (primary, *[k for k in present if k != "other"]), confidence


def _decline_reason(entry: AdviceEntry | None, kind: Kind) -> str | None:
    """Why professional advice says no to this request (the reply offers the alternative)."""
    if entry is None or entry.stance != "decline" or kind not in entry.kinds:
        return None
    return (
        f"Advice library entry '{entry.id}' recommends declining: {entry.reasons['en'][0]} "
        "The reply offers the nearest alternative."
    )


def _one_blas_thread() -> None:
    """Keep numpy's BLAS to one thread even if numpy was loaded before us (see the note in
    ``scopeline.core.triage``): the embedding model needs the cores."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def clause_languages(agreement: Agreement) -> dict[str, str]:
    """The language each clause title is written in (for its lexical analysis)."""
    titles = [(s.id, s.title) for s in agreement.scope]
    titles += [(e.id, e.title) for e in agreement.exclusions]
    return {clause_id: detect_language(title).lang for clause_id, title in titles}
