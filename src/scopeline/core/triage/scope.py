"""Scope match: which scope item or exclusion a request rests on, how sure we are, and why.

Candidates are the agreement's scope items and exclusions. Each gets a semantic score (cosine of
the message's embedding with the clause's, which works across languages: an English agreement, a
Chinese message) and a lexical score (BM25 over per-language analysed tokens). The best candidate
is the one with the highest combined score; a calibrated model (logistic, trained on the
corpus) turns the margins around it into the probability that it really is the clause — a weak
best match is not a match. Quantities count: an addition on an item with a quantity (five pages)
goes beyond it unless the message names a unit within it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from scopeline.core.agreement import Agreement
from scopeline.core.triage.analysis import analyze
from scopeline.core.triage.contract import Kind
from scopeline.core.triage.embedder import Embedder
from scopeline.core.triage.estimate import Catalogue
from scopeline.core.triage.features import Array, LinearModel
from scopeline.core.triage.verdict import ScopeMatch

LEXICAL_WEIGHT: Final = 0.04
MATCH_THRESHOLD: Final = 0.5
"""Probability above which the best clause is taken as the one the request is about."""
IN_SCOPE_THRESHOLD: Final = 0.7
"""An addition is in scope only when the match with an item (without quantity) is this sure."""


@dataclass(frozen=True)
class Clause:
    id: str
    title: str
    excluded: bool
    quantity: int | None
    unit: str | None

    @property
    def passage(self) -> str:
        words = self.id.replace("-", " ").replace("_", " ")
        return f"{self.title} ({words})"


@dataclass(frozen=True)
class Candidates:
    """An agreement's clauses with their embeddings and token lists, computed once."""

    clauses: tuple[Clause, ...]
    vectors: npt.NDArray[np.float32]
    tokens: tuple[tuple[str, ...], ...]
    expansions: npt.NDArray[np.float32] | None = None
    """Per clause, the mean embedding of the phrases of the estimate-catalogue task closest to
    it (zeros when none is close): how clients in five languages ask for that kind of work."""
    hours_share: tuple[float, ...] = ()
    """Each clause's share of the agreement's scope hours (the main deliverable weighs most)."""


def clauses_of(agreement: Agreement) -> tuple[Clause, ...]:
    items = [
        Clause(
            s.id,
            s.title + (f". {s.description}" if s.description else ""),
            False,
            s.quantity,
            s.unit,
        )
        for s in agreement.scope
    ]
    items += [
        Clause(e.id, e.title + (f". {e.description}" if e.description else ""), True, None, None)
        for e in agreement.exclusions
    ]
    return tuple(items)


EXPANSION_MIN: Final = 0.86
"""Similarity of a clause to a catalogue task above which the task's phrases expand it."""


def prepare(
    agreement: Agreement,
    embedder: Embedder,
    lang_of: dict[str, str],
    catalogue: Catalogue | None = None,
) -> Candidates:
    clauses = clauses_of(agreement)
    vectors = embedder.passages([c.passage for c in clauses])
    tokens = [list(analyze(c.passage, lang_of.get(c.id, "en"))) for c in clauses]
    expansions = np.zeros_like(vectors)
    if catalogue is not None and catalogue.tasks and len(clauses):
        phrase_vectors, owners = catalogue.vectors(embedder)
        sims = phrase_vectors @ vectors.T  # phrases x clauses
        for j in range(len(clauses)):
            best = int(np.argmax(sims[:, j]))
            if sims[best, j] < EXPANSION_MIN:
                continue
            task_index = int(owners[best])
            mine = phrase_vectors[owners == task_index]
            mean = mine.mean(axis=0)
            expansions[j] = mean / (np.linalg.norm(mean) or 1.0)
            task = catalogue.tasks[task_index]
            for phrase, lang in zip(task.phrases, task.phrase_langs, strict=False):
                tokens[j].extend(analyze(phrase, lang))
    hours = [float(item.hours or 0) for item in agreement.scope]
    total = sum(hours) or 1.0
    share = tuple([h / total for h in hours] + [0.0] * len(agreement.exclusions))
    return Candidates(clauses, vectors, tuple(tuple(t) for t in tokens), expansions, share)


def _bm25(query: list[str], docs: tuple[tuple[str, ...], ...]) -> Array:
    if not query or not any(docs):
        return np.zeros(len(docs))
    from rank_bm25 import BM25Okapi

    bm25 = BM25Okapi([list(d) or ["\u2205"] for d in docs])
    return np.maximum(np.asarray(bm25.get_scores(query), dtype=np.float64), 0.0)


@dataclass(frozen=True)
class Ranking:
    order: list[int]
    cosine: Array
    lexical: Array
    features: Array
    """Calibration features of the best candidate."""


_MORE: Final = re.compile(
    r"\b(?:another|one more|extra|additional|more|second|lisää|toinen|uusi|vielä|"
    r"inca|încă|in plus|în plus|suplimentar\w*|alt|alta|altă|nou|noua|nouă)\b|[再多另加]",
    re.IGNORECASE,
)


def candidate_features(
    candidates: Candidates,
    keep: list[int],
    cosine: Array,
    lexical: Array,
    text: str,
    kind: Kind,
    query_vector: npt.NDArray[np.float32],
    query_tokens: list[str],
) -> Array:
    """One row per kept clause: what the ranker weighs (order is part of the model)."""
    top = lexical.max() if lexical.size else 0.0
    relative = lexical / top if top > 0 else np.zeros_like(lexical)
    addition = 1.0 if kind == "addition" else 0.0
    ordinal = requested_ordinal(text)
    counted = 1.0 if (ordinal is not None or _MORE.search(text)) else 0.0
    words = set(query_tokens)
    expanded = np.zeros(len(keep))
    if candidates.expansions is not None:
        expanded = np.asarray(candidates.expansions[keep] @ query_vector, dtype=np.float64)
    best_of = np.maximum(cosine, expanded)
    rows = []
    for j, i in enumerate(keep):
        clause = candidates.clauses[i]
        excluded = 1.0 if clause.excluded else 0.0
        quantity = 1.0 if clause.quantity is not None else 0.0
        share = candidates.hours_share[i] if candidates.hours_share else 0.0
        unit = clause.unit or ""
        unit_named = 1.0 if unit and words & set(analyze(unit) + analyze(unit + "s")) else 0.0
        next_unit = (
            1.0
            if ordinal is not None
            and clause.quantity
            and clause.quantity < ordinal
            and ordinal <= clause.quantity + 3
            else 0.0
        )
        rows.append(
            [
                cosine[j],
                cosine[j] - cosine.max(),
                cosine[j] - float(cosine.mean()),
                relative[j],
                math.log1p(lexical[j]),
                excluded,
                addition * excluded,
                addition * quantity * counted,
                quantity * counted,
                expanded[j],
                best_of[j] - best_of.max(),
                share,
                share * (1.0 - addition),
                unit_named,
                next_unit,
            ]
        )
    return np.asarray(rows, dtype=np.float64)


def rank(
    candidates: Candidates,
    query_vector: npt.NDArray[np.float32],
    query_tokens: list[str],
    text: str,
    *,
    kind: Kind,
    items_only: bool,
    ranker: LinearModel | None,
) -> Ranking | None:
    """Candidates best first (by the learned ranker, or cosine plus a little BM25 before one
    is trained), with the calibration features of the best one."""
    keep = [i for i, c in enumerate(candidates.clauses) if not (items_only and c.excluded)]
    if not keep:
        return None
    cosine: Array = np.asarray(
        candidates.vectors[keep] @ query_vector.astype(np.float32), dtype=np.float64
    )
    lexical = _bm25(query_tokens, tuple(candidates.tokens[i] for i in keep))
    rows = candidate_features(
        candidates, keep, cosine, lexical, text, kind, query_vector, query_tokens
    )
    if ranker is None:
        scores = rows[:, 0] + LEXICAL_WEIGHT * rows[:, 3]
    else:
        scores = ranker.logits(rows).ravel()
    order_local = [int(i) for i in np.argsort(-scores, kind="stable")]
    best = order_local[0]
    runner_up = scores[order_local[1]] if len(order_local) > 1 else scores[best] - 5.0
    features = np.asarray(
        [
            scores[best],
            scores[best] - runner_up,
            *rows[best],
            len(keep) / 20.0,
        ]
    )
    return Ranking([keep[i] for i in order_local], cosine, lexical, features)


_NUM_WORDS: Final[dict[str, int]] = {
    # en
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    # fi
    "toinen": 2, "kolmas": 3, "neljäs": 4, "viides": 5, "kuudes": 6, "seitsemäs": 7,
    "kahdeksas": 8, "yhdeksäs": 9, "kymmenes": 10,
    # ro ("al doilea", "a treia", ...)
    "doilea": 2, "doua": 2, "treilea": 3, "treia": 3, "patrulea": 4, "patra": 4, "cincilea": 5,
    "cincea": 5, "saselea": 6, "sasea": 6, "șaselea": 6, "șasea": 6, "saptelea": 7, "șaptelea": 7,
    "saptea": 7, "șaptea": 7, "optulea": 8, "opta": 8,
}  # fmt: skip
_ZH_ORDINAL = re.compile(r"第\s*([一二兩两三四五六七八九十\d]+)")
_ZH_DIGITS: Final = {"一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                     "七": 7, "八": 8, "九": 9, "十": 10}  # fmt: skip
_ORDINAL_DIGIT = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|\.)\s+\w", re.I)


def requested_ordinal(text: str) -> int | None:
    """An explicit "sixth page" / "kuudes sivu" / "a șasea pagină" / "第六頁" in the message."""
    lowered = text.lower()
    for word in re.findall(r"[^\W\d_]+", lowered):
        if word in _NUM_WORDS:
            return _NUM_WORDS[word]
    if m := _ZH_ORDINAL.search(text):
        value = m[1]
        if value.isdigit():
            return int(value)
        if value in _ZH_DIGITS:
            return _ZH_DIGITS[value]
    if m := _ORDINAL_DIGIT.search(lowered):
        return int(m[1])
    return None


def match(
    candidates: Candidates,
    query_vector: npt.NDArray[np.float32],
    query_tokens: list[str],
    text: str,
    *,
    kind: Kind,
    calibrator: LinearModel,
    ranker: LinearModel | None,
) -> ScopeMatch:
    """The scope verdict for a work request of ``kind``."""
    items_only = kind != "addition"
    ranking = rank(
        candidates,
        query_vector,
        query_tokens,
        text,
        kind=kind,
        items_only=items_only,
        ranker=ranker,
    )
    if ranking is None:
        verdict = "in_scope" if items_only else "out_of_scope"
        return ScopeMatch(verdict, None, 0.0, reason="The agreement lists no clauses to match.")  # type: ignore[arg-type]
    best = candidates.clauses[ranking.order[0]]
    probability = float(calibrator.sigmoid(ranking.features[None, :]).ravel()[0])
    position = ranking.order[0]
    kept = sorted(ranking.order)
    cos = ranking.cosine[kept.index(position)]
    evidence = f"similarity {cos:.2f}, ranking margin {ranking.features[1]:.2f}"
    if ranking.lexical.max() > 0:
        evidence += f", shared words score {ranking.lexical.max():.1f}"

    if items_only:
        # Defects, revisions and extra concepts touch a delivered item: name the closest one.
        reason = f"Closest scope item '{best.id}' ({evidence}; confidence {probability:.2f})."
        return ScopeMatch("in_scope", best.id, probability, best.title, reason)

    if probability < MATCH_THRESHOLD:
        reason = (
            f"No clause matches well enough: the closest is '{best.id}' "
            f"({evidence}; confidence {probability:.2f} < {MATCH_THRESHOLD})."
        )
        return ScopeMatch("out_of_scope", None, probability, None, reason)
    if best.excluded:
        reason = f"Matches exclusion '{best.id}' ({evidence}; confidence {probability:.2f})."
        return ScopeMatch("excluded", best.id, probability, best.title, reason)
    if best.quantity is not None:
        ordinal = requested_ordinal(text)
        if ordinal is not None and ordinal <= best.quantity:
            reason = (
                f"Within scope item '{best.id}': unit {ordinal} of {best.quantity} agreed "
                f"({evidence})."
            )
            return ScopeMatch("in_scope", best.id, probability, best.title, reason)
        requested = ordinal if ordinal is not None else best.quantity + 1
        unit = best.unit or "unit"
        reason = (
            f"Beyond scope item '{best.id}': {best.quantity} {unit}(s) agreed, this would be "
            f"number {requested} ({evidence})."
        )
        return ScopeMatch(
            "out_of_scope", best.id, probability, best.title, reason, requested, best.quantity
        )
    if probability >= IN_SCOPE_THRESHOLD:
        reason = f"Covered by scope item '{best.id}' ({evidence}; confidence {probability:.2f})."
        return ScopeMatch("in_scope", best.id, probability, best.title, reason)
    reason = (
        f"Related to scope item '{best.id}' but not covered by it "
        f"({evidence}; confidence {probability:.2f} < {IN_SCOPE_THRESHOLD})."
    )
    return ScopeMatch("out_of_scope", None, probability, None, reason)
