"""Which of the five client languages a message is written in.

:func:`detect_language` answers with a :class:`LanguageGuess`: a language (or ``"und"``), a
confidence and a short English reason. It is built for client messages, which are often tiny
("ok", "Kiitos!", "👍", "好的"), so it errs towards the *client's language* (the ``fallback``,
from the agreement) whenever the text itself does not say clearly which language it is in:

1. Text without letters (empty, emoji, digits, punctuation): the fallback, or ``"und"``.
2. Mainly Han characters: Chinese, and Traditional or Simplified by script — the characters
   that exist in only one of the two scripts (CC-CEDICT, via ``hanzidentifier``) are counted;
   with none or a tie, a Chinese fallback decides, else Simplified with a low confidence.
3. Latin text: ``lingua`` restricted to English, Finnish, Romanian and Chinese (never all
   languages: that costs over 1 GB), on the client's own words (quoted e-mail lines and text in
   quotation marks are set aside when enough remains). Short text (fewer than
   :data:`MIN_LETTERS` letters or :data:`MIN_WORDS` words) and unsure results take the fallback,
   unless the letters themselves are a strong signal (Romanian ă â î ș ț, Finnish ä ö in an
   ordinary word). When lingua is unsure about a longer text, it is split into single-language
   sections and the language of most letters wins when it holds a clear majority.

The lingua detector is built once, lazily, and loads its models on demand (see
:data:`PRELOAD_MODELS`); ``hanzidentifier`` is imported only when a message has Han characters.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from scopeline.core.languages import Language

if TYPE_CHECKING:
    from lingua import Language as LinguaLanguage
    from lingua import LanguageDetector

__all__ = ["MIN_LETTERS", "MIN_WORDS", "LanguageGuess", "detect_language"]

MIN_LETTERS: Final = 12
"""Latin text with fewer letters than this is too short to tell its language by itself."""

MIN_WORDS: Final = 3
"""Latin text with fewer words than this is too short to tell its language by itself."""

PRELOAD_MODELS: Final = False
"""Whether the detector loads all its n-gram models up front (in parallel) when first built.

Measured for a CLI that triages one message (fresh process, 2 cores, medians of 7 runs):
lazily, the first call costs ~16 ms for Chinese (lingua is not called; ``hanzidentifier``
loads), ~9 ms for a tiny word like "ok", 510–630 ms for an ordinary Latin message (it needs the
1- to 5-gram models of three languages), peaking at ~135 MB; preloaded, it costs 600–670 ms
whatever the message (the Chinese models too), and ~150–175 MB. Lazy is never slower for one
message; a long-lived process pays either cost once, and afterwards a message takes ~0.02 ms
(short) to ~0.2 ms (long) either way.
"""

_MIN_CONFIDENCE: Final = 0.70
"""lingua's top confidence below this is unsure."""

_MIN_MARGIN: Final = 0.35
"""A lead of lingua's top language over the second below this is unsure."""

_MIXED_MIN_LETTERS: Final = 30
"""Unsure text at least this long is split into single-language sections."""

_MIXED_MAJORITY: Final = 0.60
"""Share of letters one language needs among the sections to be the text's language."""

_HAN_WEIGHT: Final = 4
"""A Han character counts as this many other letters when deciding whether a text is Chinese.

A Chinese word is one or two characters, an English one about five letters; Chinese client
messages often carry English terms ("landing page 的 mockup"), and the corpus puts Chinese texts
at 0.43 Han characters per other letter or more and the others at 0.15 or fewer."""

_FALLBACK_CONFIDENCE: Final = 0.5
_STRONG_CONFIDENCE: Final = 0.8
_DEFAULT_HANS_CONFIDENCE: Final = 0.3

_WORD: Final = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_URL_OR_EMAIL: Final = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_QUOTED: Final = re.compile(  # "…", “…”, „…”, «…», 「…」, `…`
    r"\"[^\"\n]*\"|“[^”\n]*”|„[^”“\n]*[”“]|«[^»\n]*»|「[^」\n]*」|`[^`\n]*`"
)
_REPLY_HEADER: Final = re.compile(
    r"(?:wrote|a scris|kirjoitti|写道|寫道)\s*[:：]\s*$"
    r"|^[\s\-—_=*]*(?:original message|mesaj(?:ul)? original|alkuperäinen viesti|"
    r"原邮件|原郵件|原始邮件|原始郵件)[\s\-—_=*]*$",
    re.IGNORECASE,
)
_SENTENCE_END: Final = re.compile(r"[.!?…]\s*$")
_ROMANIAN_MARKS: Final = frozenset("ăâîșțşţ")
_FINNISH_MARKS: Final = frozenset("äö")

_DETECTOR: LanguageDetector | None = None
_DETECTOR_LOCK: Final = threading.Lock()
_SCRIPT_SETS: tuple[frozenset[str], frozenset[str]] | None = None
_SCRIPT_LOCK: Final = threading.Lock()


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The language a message is written in, how sure we are, and why."""

    lang: Language | Literal["und"]
    confidence: float
    """0..1; 0 when nothing in the text says anything."""
    reason: str
    """A short English reason, e.g. ``"lingua: fi 0.93"`` or ``"too short; client's language"``."""


def detect_language(text: str, *, fallback: Language | None = None) -> LanguageGuess:
    """Guess the language of a client message; ``fallback`` is the client's language."""
    own = _own_words(text)
    han = sum(1 for char in own if _is_han(char))
    letters = sum(1 for char in own if char.isalpha()) - han
    if han == 0 and letters == 0:
        return _fall_back("no letters", fallback, 0.0)
    latin = sum(1 for char in own if char.isalpha() and char < "\u0250")
    if han * _HAN_WEIGHT >= letters:
        if sum(1 for char in own if "\u3040" <= char <= "\u30ff") * 4 >= han:  # Japanese kana
            return _fall_back("unsupported script", fallback, 0.0)
        return _chinese(own, fallback)
    if latin * 2 < letters:
        return _fall_back("unsupported script", fallback, 0.0)
    return _latin(own, fallback)


def _is_han(char: str) -> bool:
    """A CJK ideograph (unified, extension A, compatibility, or the supplementary planes).

    Ranges compared by code point: a regular expression class this wide takes ms to compile."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


def _fall_back(why: str, fallback: Language | None, confidence: float) -> LanguageGuess:
    if fallback is None:
        return LanguageGuess("und", 0.0, why)
    return LanguageGuess(fallback, confidence, f"{why}; client's language")


def _own_words(text: str) -> str:
    """The text without quoted e-mail lines and reply headers (unless nothing else is left)."""
    kept = [
        line
        for line in text.splitlines()
        if not line.lstrip().startswith(">") and not _REPLY_HEADER.search(line.strip())
    ]
    own = _URL_OR_EMAIL.sub(" ", "\n".join(kept))
    if any(char.isalpha() for char in own):
        return own
    return _URL_OR_EMAIL.sub(" ", text)


# --- Chinese ------------------------------------------------------------------------------


def _script_sets() -> tuple[frozenset[str], frozenset[str]]:
    """Characters that exist only in Traditional, and only in Simplified (CC-CEDICT)."""
    global _SCRIPT_SETS
    if _SCRIPT_SETS is None:
        with _SCRIPT_LOCK:
            if _SCRIPT_SETS is None:
                from hanzidentifier import helpers  # type: ignore[import-untyped]

                traditional: set[str] = helpers.TRADITIONAL_CHARACTERS
                simplified: set[str] = helpers.SIMPLIFIED_CHARACTERS
                _SCRIPT_SETS = (
                    frozenset(traditional - simplified),
                    frozenset(simplified - traditional),
                )
    return _SCRIPT_SETS


def _chinese(text: str, fallback: Language | None) -> LanguageGuess:
    traditional_only, simplified_only = _script_sets()
    han = [char for char in text if _is_han(char)]
    trad = sum(1 for char in han if char in traditional_only)
    simp = sum(1 for char in han if char in simplified_only)
    distinctive = trad + simp
    if trad == simp:
        what = "no script-specific characters" if distinctive == 0 else "both scripts equally"
        if fallback == "zh-Hant" or fallback == "zh-Hans":
            reason = f"Chinese, {what}; client's script"
            return LanguageGuess(fallback, _FALLBACK_CONFIDENCE, reason)
        reason = f"Chinese, {what}; Simplified by default"
        return LanguageGuess("zh-Hans", _DEFAULT_HANS_CONFIDENCE, reason)
    lang: Language = "zh-Hant" if trad > simp else "zh-Hans"
    lead = max(trad, simp)
    # One script-specific character is already good evidence; each one more makes it surer,
    # and characters of the other script (names, typos) make it less sure.
    confidence = (1.0 - 0.3**lead) * lead / distinctive
    name = "Traditional" if lang == "zh-Hant" else "Simplified"
    return LanguageGuess(
        lang,
        round(confidence, 3),
        f"Chinese script: {name} ({lead} of {distinctive} script-specific characters)",
    )


# --- Latin script -------------------------------------------------------------------------


def _detector() -> LanguageDetector:
    global _DETECTOR
    if _DETECTOR is None:
        with _DETECTOR_LOCK:
            if _DETECTOR is None:
                from lingua import Language as Lingua
                from lingua import LanguageDetectorBuilder

                builder = LanguageDetectorBuilder.from_languages(
                    Lingua.ENGLISH, Lingua.FINNISH, Lingua.ROMANIAN, Lingua.CHINESE
                )
                if PRELOAD_MODELS:
                    builder = builder.with_preloaded_language_models()
                _DETECTOR = builder.build()
    return _DETECTOR


_LINGUA_CODES: Final[dict[str, Language]] = {
    "ENGLISH": "en",
    "FINNISH": "fi",
    "ROMANIAN": "ro",
    "CHINESE": "zh-Hans",
}


def _code(language: LinguaLanguage) -> Language:
    return _LINGUA_CODES[language.name]


def _scores(text: str) -> list[tuple[Language, float]]:
    """lingua's confidence per language, best first (empty when it cannot tell at all)."""
    values = _detector().compute_language_confidence_values(text)
    return [(_code(value.language), value.value) for value in values if value.value > 0.0]


def _latin(text: str, fallback: Language | None) -> LanguageGuess:
    text = _without_quotations("".join(" " if _is_han(char) else char for char in text))
    words = _WORD.findall(text)
    letters = sum(len(word) for word in words)
    plain = _plain_names(text)
    scores = _scores(plain)
    if not scores:
        return _fall_back("no language recognised", fallback, 0.0)
    top, top_value = scores[0]
    second_value = scores[1][1] if len(scores) > 1 else 0.0
    strong = _strong_signal(text, top)

    if letters < MIN_LETTERS or len(words) < MIN_WORDS:
        if strong is not None:
            return LanguageGuess(strong, _STRONG_CONFIDENCE, f"short, but {_marks(strong)}")
        return _fall_back("too short", fallback, _FALLBACK_CONFIDENCE)
    if top_value >= _MIN_CONFIDENCE and top_value - second_value >= _MIN_MARGIN:
        return LanguageGuess(top, round(top_value, 3), f"lingua: {top} {top_value:.2f}")
    if letters >= _MIXED_MIN_LETTERS:
        mixed = _by_sections(plain)
        if mixed is not None:
            return mixed
    if strong is not None:
        return LanguageGuess(strong, _STRONG_CONFIDENCE, f"unsure, but {_marks(strong)}")
    return _fall_back("unsure", fallback, _FALLBACK_CONFIDENCE)


def _without_quotations(text: str) -> str:
    """Text in quotation marks (an error message, a button label) is not the client's language;
    leave it out when enough of the client's own words remain."""
    rest = _QUOTED.sub(" ", text)
    if rest == text:
        return text
    words = _WORD.findall(rest)
    if len(words) >= MIN_WORDS and sum(len(word) for word in words) >= MIN_LETTERS:
        return rest
    return text


def _strong_signal(text: str, top: Language) -> Language | None:
    """Romanian or Finnish letters in an ordinary word (not a capitalised name mid-sentence),
    when lingua agrees on the language."""
    if top not in ("ro", "fi"):
        return None
    marks = _ROMANIAN_MARKS if top == "ro" else _FINNISH_MARKS
    starts = _sentence_starts(text)
    for index, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        if marks.isdisjoint(word.lower()):
            continue
        if word[0].islower() or index in starts:
            return top
    return None


def _sentence_starts(text: str) -> set[int]:
    """Indices of the words that begin a sentence (or a line)."""
    starts: set[int] = set()
    previous_end = 0
    for index, match in enumerate(_WORD.finditer(text)):
        gap = text[previous_end : match.start()]
        if index == 0 or "\n" in gap or _SENTENCE_END.search(gap):
            starts.add(index)
        previous_end = match.end()
    return starts


def _plain_names(text: str) -> str:
    """``text`` with the accents taken off capitalised words in mid-sentence (names, places).

    lingua treats a letter that only one of its languages uses as decisive, so one "Jyväskylä"
    or "Dunărea" would make a whole English sentence Finnish or Romanian.
    """
    starts = _sentence_starts(text)

    def plain(index: int, match: re.Match[str]) -> str:
        word = match.group()
        if word.isascii() or index in starts or not word[0].isupper() or word.isupper():
            return word
        decomposed = unicodedata.normalize("NFD", word)
        return "".join(char for char in decomposed if not unicodedata.combining(char))

    pieces: list[str] = []
    previous_end = 0
    for index, match in enumerate(_WORD.finditer(text)):
        pieces.append(text[previous_end : match.start()])
        pieces.append(plain(index, match))
        previous_end = match.end()
    pieces.append(text[previous_end:])
    return "".join(pieces)


def _marks(lang: Language) -> str:
    return "Romanian letters" if lang == "ro" else "Finnish letters"


def _by_sections(text: str) -> LanguageGuess | None:
    """The language most letters are written in, when lingua splits the text into sections."""
    counts: dict[Language, int] = {}
    for section in _detector().detect_multiple_languages_of(text):
        chunk = text[section.start_index : section.end_index]
        lang = _code(section.language)
        counts[lang] = counts.get(lang, 0) + sum(1 for char in chunk if char.isalpha())
    total = sum(counts.values())
    if total == 0:
        return None
    lang, count = max(counts.items(), key=lambda item: item[1])
    share = count / total
    if share < _MIXED_MAJORITY:
        return None
    return LanguageGuess(lang, round(share, 3), f"mixed; {lang} in {share:.0%} of letters")
