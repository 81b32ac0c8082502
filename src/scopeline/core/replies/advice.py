"""The advice library: requests professionals advise against or re-shape, and what to offer.

``data/advice.yaml`` (shipped) holds entries like "member registration on a brochure site":
the request kinds it applies to, a stance (``reshape``, ``advise_against``, ``decline``), typical
hours, the phrases clients use, and in all five languages the wording of the request, a question
about its purpose, the professional reasons and the nearest alternative. A user file merges over
it (same id replaces). Triage matches a message to an entry (by the estimate catalogue task it
matched, or by the entry's phrases); the reply composer then explains and offers from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias, get_args

from scopeline.core._source import load_merged
from scopeline.core.errors import ScopelineError
from scopeline.core.languages import SUPPORTED_LANGUAGES
from scopeline.core.triage.analysis import analyze
from scopeline.core.triage.contract import KINDS

Stance: TypeAlias = Literal["reshape", "advise_against", "decline"]
STANCES: Final[tuple[Stance, ...]] = get_args(Stance)
_TEXTS: Final = ("request", "purpose", "reasons", "alternative")
_GRAM_SHARE: Final = 0.6
"""Share of a long Finnish stem's 4-grams the message must contain (compounds, gradation)."""


class AdviceError(ScopelineError):
    """An advice file that cannot be read or does not fit the format."""


@dataclass(frozen=True)
class Hours:
    low: Decimal
    likely: Decimal
    high: Decimal


@dataclass(frozen=True)
class AdviceEntry:
    id: str
    kinds: frozenset[str]
    stance: Stance
    catalogue: frozenset[str]
    hours: Hours
    alternative_hours: Hours | None
    phrases: dict[str, tuple[str, ...]]
    request: dict[str, str]
    purpose: dict[str, str]
    reasons: dict[str, tuple[str, ...]]
    alternative: dict[str, str]
    _patterns: dict[str, tuple[frozenset[str], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """Per language, the tokens of each phrase (stems; Chinese words), analysed on first use:
    Chinese phrases need jieba, which a Finnish message should not have to load."""

    def patterns(self, lang: str) -> tuple[frozenset[str], ...]:
        found = self._patterns.get(lang)
        if found is None:
            found = tuple(
                frozenset(t for t in analyze(phrase, lang) if not t.startswith("#"))
                for phrase in self.phrases.get(lang, ())
            )
            self._patterns[lang] = found
        return found


@dataclass(frozen=True)
class AdviceLibrary:
    entries: tuple[AdviceEntry, ...]
    digest: str

    def get(self, entry_id: str | None) -> AdviceEntry | None:
        if entry_id is None:
            return None
        return next((e for e in self.entries if e.id == entry_id), None)

    def match(
        self, text: str, lang: str, kinds: Sequence[str], catalogue: str | None = None
    ) -> AdviceEntry | None:
        """The entry a message of ``kinds`` is about, or None.

        An entry linked to the catalogue task triage matched wins; otherwise the entry with the
        most specific phrase (most tokens) found in the message. Only entries for the message's
        kinds are considered, the primary kind first.
        """
        candidates = [e for e in self.entries if e.kinds & set(kinds[:1])]
        candidates += [e for e in self.entries if e.kinds & set(kinds[1:]) and e not in candidates]
        if not candidates:
            return None
        if catalogue is not None:
            for entry in candidates:
                if catalogue in entry.catalogue:
                    return entry
        tokens = set(analyze(text, lang))
        grams = {t for t in tokens if t.startswith("#")}
        best: tuple[int, AdviceEntry] | None = None
        for rank, entry in enumerate(candidates):
            for phrase_tokens in entry.patterns(lang) + entry.patterns("en") * (lang != "en"):
                if not phrase_tokens or not _covers(tokens, grams, phrase_tokens):
                    continue
                score = len(phrase_tokens) * 1000 - rank
                if best is None or score > best[0]:
                    best = (score, entry)
        return None if best is None else best[1]


def _covers(tokens: set[str], grams: set[str], phrase_tokens: frozenset[str]) -> bool:
    missing = [t for t in phrase_tokens if t not in tokens]
    # Finnish: a long stem may appear inside a compound or with another gradation grade.
    for stem in missing:
        if len(stem) < 7:
            return False
        own = [f"#{stem[i : i + 4]}" for i in range(len(stem) - 3)]
        if sum(g in grams for g in own) < _GRAM_SHARE * len(own):
            return False
    return True


def _hours(value: Any, where: str) -> Hours:
    if not isinstance(value, dict):
        raise AdviceError(f"{where}: expected {{low, likely, high}}")
    try:
        low, likely, high = (Decimal(str(value[k])) for k in ("low", "likely", "high"))
    except (KeyError, ArithmeticError) as exc:
        raise AdviceError(f"{where}: expected numbers low, likely, high") from exc
    if not (0 <= low <= likely <= high <= 10_000):
        raise AdviceError(f"{where}: low <= likely <= high (0 to 10,000) does not hold")
    return Hours(low, likely, high)


def _texts(entry: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = entry.get(key)
    if not isinstance(value, dict):
        raise AdviceError(f"{where}.{key}: expected a text per language")
    missing = [lang for lang in SUPPORTED_LANGUAGES if lang not in value]
    if missing:
        raise AdviceError(f"{where}.{key}: missing {', '.join(missing)}")
    for lang, text in value.items():
        if lang not in SUPPORTED_LANGUAGES:
            raise AdviceError(f"{where}.{key}: unknown language {lang!r}")
        items = text if isinstance(text, list) else [text]
        if not items or not all(isinstance(t, str) and t.strip() for t in items):
            raise AdviceError(f"{where}.{key}.{lang}: expected non-empty text")
        if any("{" in t or "}" in t for t in items):
            raise AdviceError(f"{where}.{key}.{lang}: braces are not allowed in advice texts")
    return value


def parse_advice(data: Any, source: str) -> list[AdviceEntry]:
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise AdviceError(f"{source}: expected a mapping with an 'entries' list")
    out: list[AdviceEntry] = []
    seen: set[str] = set()
    for i, entry in enumerate(data["entries"]):
        where = f"{source}: entries[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise AdviceError(f"{where}: each entry needs an 'id'")
        where = f"{source}: {entry['id']}"
        if entry["id"] in seen:
            raise AdviceError(f"{where}: duplicate id")
        seen.add(entry["id"])
        kinds = entry.get("kinds")
        if not isinstance(kinds, list) or not kinds or not set(kinds) <= set(KINDS):
            raise AdviceError(f"{where}.kinds: expected a list of request kinds")
        stance = entry.get("stance")
        if stance not in STANCES:
            raise AdviceError(f"{where}.stance: expected one of {', '.join(STANCES)}")
        catalogue = entry.get("catalogue") or []
        if not isinstance(catalogue, list) or not all(isinstance(c, str) for c in catalogue):
            raise AdviceError(f"{where}.catalogue: expected a list of task ids")
        phrases = entry.get("phrases") or {}
        if not isinstance(phrases, dict) or not set(phrases) <= set(SUPPORTED_LANGUAGES):
            raise AdviceError(f"{where}.phrases: expected phrases per language")
        texts = {key: _texts(entry, key, where) for key in _TEXTS}
        alt = entry.get("alternative_hours")
        for lang, values in phrases.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise AdviceError(f"{where}.phrases.{lang}: expected a list of phrases")
        out.append(
            AdviceEntry(
                id=entry["id"],
                kinds=frozenset(kinds),
                stance=stance,
                catalogue=frozenset(catalogue),
                hours=_hours(entry.get("hours"), f"{where}.hours"),
                alternative_hours=None
                if alt is None
                else _hours(alt, f"{where}.alternative_hours"),
                phrases={str(k): tuple(v) for k, v in phrases.items()},
                request=dict(texts["request"]),
                purpose=dict(texts["purpose"]),
                reasons={
                    k: tuple(v if isinstance(v, list) else [v]) for k, v in texts["reasons"].items()
                },
                alternative=dict(texts["alternative"]),
            )
        )
    return out


def load_advice(extra: Iterable[str | Path] = ()) -> AdviceLibrary:
    """The shipped advice library with each file in ``extra`` merged over it."""
    if not extra:
        return _shipped()
    return _load(tuple(str(p) for p in extra))


@cache
def _shipped() -> AdviceLibrary:
    return _load(())


def _load(extra: tuple[str, ...]) -> AdviceLibrary:
    entries, digest = load_merged("advice.yaml", extra, parse_advice, lambda e: e.id, AdviceError)
    return AdviceLibrary(tuple(entries), digest)
