"""Reply samples and the composer's cost.

    .venv/bin/python bench/replies.py            # docs/samples/replies-<lang>.md and timings
    .venv/bin/python bench/replies.py --lang fi --tone warm --stdout    # preview one language

For every client language (on the example agreement written in it) the sample file holds one reply
per action and situation, in the neutral tone, the same change order in all three tones, the exit
kit and the understanding check, so a reviewer can read them side by side. The timing part triages
real messages and measures what composing the reply adds to each (target: at most 5 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from typing import get_args

from scopeline.core.languages import SUPPORTED_LANGUAGES, Language
from scopeline.core.loading import load_agreement
from scopeline.core.replies.bank import TONES, Tone
from scopeline.core.replies.composer import compose_reply
from scopeline.core.replies.scenarios import scenarios

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES: dict[Language, str] = {
    "en": "examples/brightpath-mvp.yaml",
    "fi": "examples/acme-website.yaml",
    "ro": "examples/bistro-dunarea.yaml",
    "zh-Hant": "examples/anxin-clinic.yaml",
    "zh-Hans": "examples/huamei-shop.yaml",
}
TODAY = dt.date(2026, 11, 23)


def sample(lang: Language, tones: tuple[Tone, ...]) -> str:
    from scopeline.core.replies.confirm import understanding_check
    from scopeline.core.replies.exit_kit import exit_kit

    agreement = load_agreement(ROOT / EXAMPLES[lang])
    out = [f"# Reply samples: {lang}", "", f"Agreement: `{EXAMPLES[lang]}` ({agreement.project})."]
    out.append(
        "Written by `bench/replies.py` on the scenarios in `scopeline.core.replies.scenarios`; "
        f"date {TODAY}."
    )
    out.append("")
    for scenario in scenarios(agreement, lang):
        shown = TONES if scenario.name == "change_order (excluded)" else tones
        for tone in shown:
            reply = compose_reply(
                scenario.verdict,
                agreement,
                message=scenario.message,
                state=scenario.state,
                tone=tone,
                today=TODAY,
            )
            out += [f"## {scenario.name} — {tone}", "", f"> {scenario.message}", ""]
            out += ["```text", reply.text, "```", ""]
    # The contract card not played again: the same change order after two replies that cited it.
    excluded = next(s for s in scenarios(agreement, lang) if s.name == "change_order (excluded)")
    soft = compose_reply(
        excluded.verdict,
        agreement,
        message=excluded.message,
        state=excluded.state,
        tone="neutral",
        recent_cited=(True, True),
        today=TODAY,
    )
    out += ["## change_order (excluded), after two replies that cited the agreement — neutral", ""]
    out += ["```text", soft.text, "```", ""]
    for tone in tones:
        out += [
            f"## exit kit — {tone}",
            "",
            "```text",
            exit_kit(agreement, tone=tone).text,
            "```",
            "",
        ]
    for tone in tones:
        out += [
            f"## understanding check — {tone}",
            "",
            "```text",
            understanding_check(agreement, tone=tone),
            "```",
            "",
        ]
    return "\n".join(out)


def timing(rounds: int) -> None:
    from scopeline.core.triage.engine import TriageEngine

    engine = TriageEngine()
    triage_ms: list[float] = []
    compose_ms: list[float] = []
    for lang in SUPPORTED_LANGUAGES:
        agreement = load_agreement(ROOT / EXAMPLES[lang])
        for scenario in scenarios(agreement, lang):
            for _ in range(rounds):
                t0 = time.perf_counter()
                verdict = engine.triage(agreement, scenario.message)
                t1 = time.perf_counter()
                compose_reply(verdict, agreement, message=scenario.message, today=TODAY)
                t2 = time.perf_counter()
                triage_ms.append((t1 - t0) * 1000)
                compose_ms.append((t2 - t1) * 1000)
    compose_ms.sort()
    p95 = compose_ms[int(len(compose_ms) * 0.95) - 1]
    print(f"replies composed: {len(compose_ms)} (real triage verdicts, 5 languages)")
    print(f"triage  median {statistics.median(triage_ms):6.2f} ms")
    print(
        f"compose median {statistics.median(compose_ms):6.2f} ms   p95 {p95:6.2f} ms   "
        f"max {compose_ms[-1]:6.2f} ms   (target <= 5 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--lang", choices=SUPPORTED_LANGUAGES, action="append", help="only these languages"
    )
    parser.add_argument("--tone", choices=get_args(Tone), action="append", help="only these tones")
    parser.add_argument(
        "--stdout", action="store_true", help="print the samples instead of writing docs/samples/"
    )
    parser.add_argument("--no-timing", action="store_true", help="skip the timing")
    parser.add_argument("--rounds", type=int, default=3, help="timing repetitions per message")
    args = parser.parse_args()
    langs = tuple(args.lang or SUPPORTED_LANGUAGES)
    tones = tuple(args.tone or ("neutral",))
    for lang in langs:
        text = sample(lang, tones)
        if args.stdout:
            sys.stdout.write(text + "\n")
        else:
            path = ROOT / "docs" / "samples" / f"replies-{lang}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if not args.no_timing and not args.stdout:
        timing(args.rounds)


if __name__ == "__main__":
    main()
