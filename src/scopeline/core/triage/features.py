"""Features of a message for the kind classifier, and the shipped linear models.

A message becomes: its sentence embedding (the :class:`Embedder`), counts of lexical cues per
kind (``data/cues.yaml``, in the five languages, matched on folded text), and a few shape
features (length, question marks, exclamation, capitals, amounts). Linear models trained by
``scripts/train_triage.py`` turn them into probabilities; only numpy is needed at run time.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from scopeline.core._source import load_yaml
from scopeline.core.triage.analysis import cue_text
from scopeline.core.triage.contract import KINDS, Kind

Array = npt.NDArray[np.float64]
MODEL_RESOURCE: Final = "data/models/triage.npz"
HASH_DIM: Final = 2**18
"""Buckets of the hashed lexical features (character n-grams and analysed words)."""
Sparse = tuple[npt.NDArray[np.int64], Array]


@dataclass(frozen=True)
class CueSet:
    patterns: dict[Kind, re.Pattern[str]]
    digest: str

    def counts(self, text: str) -> dict[Kind, int]:
        folded = cue_text(text)
        return {kind: len(p.findall(folded)) for kind, p in self.patterns.items()}


def _cue_regex(phrases: list[str]) -> re.Pattern[str]:
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        folded = cue_text(phrase)
        if not folded:
            continue
        escaped = re.escape(folded)
        # Latin cues start at a word boundary (and may take endings: "lawyer" → "lawyers",
        # Finnish "maksa" → "maksamatta"); CJK cues match anywhere.
        parts.append(rf"(?<!\w){escaped}" if folded[0].isascii() else escaped)
    return re.compile("|".join(parts) if parts else r"(?!x)x")


@cache
def load_cues() -> CueSet:

    raw = resources.files("scopeline.core").joinpath("data/cues.yaml").read_bytes()
    data = load_yaml(raw)
    patterns: dict[Kind, re.Pattern[str]] = {}
    for kind in KINDS:
        by_lang = data.get("cues", {}).get(kind, {}) or {}
        phrases = [p for values in by_lang.values() for p in (values or [])]
        patterns[kind] = _cue_regex([str(p) for p in phrases])
    return CueSet(patterns, hashlib.sha256(raw).hexdigest()[:16])


_AMOUNT = re.compile(r"\d[\d\s.,]*\s*(?:€|eur|\$|£|ron|lei|元|块|塊|萬|万|k\b)|[€$£¥]\s*\d", re.I)


def shape_features(text: str) -> list[float]:
    letters = [c for c in text if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    return [
        math.log1p(len(text)) / 8.0,
        min(text.count("?") + text.count("？"), 3) / 3.0,
        min(text.count("!") + text.count("！"), 3) / 3.0,
        (upper / len(letters)) if len(letters) >= 8 else 0.0,
        1.0 if _AMOUNT.search(text) else 0.0,
    ]


def message_features(embedding: npt.NDArray[np.float32], text: str) -> Array:
    """The classifier's input for one message (its order is part of the model)."""
    cues = load_cues().counts(text)
    cue_vector = [math.log1p(cues[k]) for k in KINDS]
    return np.concatenate(
        [embedding.astype(np.float64), np.asarray(cue_vector), np.asarray(shape_features(text))]
    )


def lexical_features(text: str) -> Sparse:
    """Hashed, log-scaled, L2-normalised counts of character 1–5-grams of the folded text (CJK
    single characters included, Latin ones not) and of its analysed words. Cheap, and it catches
    the wording that sentence embeddings blur ("won't pay", "ei toimi", "退款")."""
    from scopeline.core.triage.analysis import analyze

    folded = f" {cue_text(text)} "
    counts: dict[int, int] = {}
    for n in (1, 2, 3, 4, 5):
        for i in range(len(folded) - n + 1):
            gram = folded[i : i + n]
            if n == 1 and gram.isascii():
                continue
            bucket = zlib.crc32(gram.encode()) % HASH_DIM
            counts[bucket] = counts.get(bucket, 0) + 1
    for word in analyze(text):
        bucket = zlib.crc32(f"w:{word}".encode()) % HASH_DIM
        counts[bucket] = counts.get(bucket, 0) + 1
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
    return index, values / float(np.linalg.norm(values))


@dataclass(frozen=True)
class LinearModel:
    """``softmax`` or ``sigmoid`` of ``(x - mean) / scale @ W.T + S[:, idx] @ v + b``: dense
    features standardised, plus optional hashed sparse features ``(idx, v)``."""

    weights: Array
    bias: Array
    mean: Array
    scale: Array
    sparse_weights: npt.NDArray[np.float32] | None = None

    def logits(self, x: Array, lexical: Sparse | None = None) -> Array:
        z = (x - self.mean) / self.scale
        out = np.asarray(z @ self.weights.T + self.bias)
        if lexical is not None and self.sparse_weights is not None and len(lexical[0]):
            index, values = lexical
            out = out + (self.sparse_weights[:, index].astype(np.float64) @ values)
        return out

    def softmax(self, x: Array, lexical: Sparse | None = None) -> Array:
        logits = self.logits(x, lexical)
        logits = logits - logits.max(axis=-1, keepdims=True)
        e = np.exp(logits)
        return np.asarray(e / e.sum(axis=-1, keepdims=True))

    def sigmoid(self, x: Array, lexical: Sparse | None = None) -> Array:
        return np.asarray(1.0 / (1.0 + np.exp(-self.logits(x, lexical))))


@dataclass(frozen=True)
class TriageModels:
    primary: LinearModel
    """Softmax over :data:`KINDS` for the primary kind."""
    members: LinearModel
    """One sigmoid per kind: does the message (also) contain it."""
    scope: LinearModel
    """Sigmoid: is the best-ranked clause really the one the request is about."""
    meta: dict[str, Any]
    ranker: LinearModel | None = None
    """Scores each clause for a request (see ``scope.candidate_features``)."""
    catalogue_vectors: npt.NDArray[np.float32] | None = None
    catalogue_owners: npt.NDArray[np.int32] | None = None

    def preload_catalogue(self, catalogue: Any, embedder: Any) -> None:
        """Give ``catalogue`` the phrase embeddings computed at training time, when they are
        for the same catalogue and the same embedder (else it embeds them on first use)."""
        if (
            self.catalogue_vectors is not None
            and self.catalogue_owners is not None
            and self.meta.get("catalogue_digest") == catalogue.digest
            and self.meta.get("embedder") == embedder.name
        ):
            catalogue.preload(self.catalogue_vectors, self.catalogue_owners)


_models: TriageModels | None = None
_models_lock = threading.Lock()


def _linear(data: Any, prefix: str) -> LinearModel:
    sparse = f"{prefix}_S"
    return LinearModel(
        weights=np.asarray(data[f"{prefix}_W"], dtype=np.float64),
        bias=np.asarray(data[f"{prefix}_b"], dtype=np.float64),
        mean=np.asarray(data[f"{prefix}_mean"], dtype=np.float64),
        scale=np.asarray(data[f"{prefix}_scale"], dtype=np.float64),
        sparse_weights=np.asarray(data[sparse], dtype=np.float32) if sparse in data else None,
    )


def load_models() -> TriageModels:
    """The shipped models (trained on the corpus's train split)."""
    global _models
    if _models is None:
        with _models_lock:
            if _models is None:
                resource = resources.files("scopeline.core").joinpath(MODEL_RESOURCE)
                with resource.open("rb") as handle, np.load(handle) as data:
                    _models = TriageModels(
                        primary=_linear(data, "primary"),
                        members=_linear(data, "members"),
                        scope=_linear(data, "scope"),
                        ranker=_linear(data, "ranker") if "ranker_W" in data else None,
                        meta=json.loads(str(data["meta"])),
                        catalogue_vectors=(
                            np.asarray(data["catalogue_vectors"], dtype=np.float32)
                            if "catalogue_vectors" in data
                            else None
                        ),
                        catalogue_owners=(
                            np.asarray(data["catalogue_owners"], dtype=np.int32)
                            if "catalogue_owners" in data
                            else None
                        ),
                    )
    return _models
