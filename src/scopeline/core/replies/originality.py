"""Shingles of a text, for checking that client-facing texts copy no source sentence.

Latin-script text: every run of 7 words (folded, punctuation dropped); Chinese: every run of 10
Han characters (converted to Simplified). Each shingle is kept as a short hash.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

from scopeline.core.triage.analysis import fold, to_simplified

WORDS: Final = 7
HAN_CHARS: Final = 10
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff]+")


def _h(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def shingles(text: str) -> set[str]:
    out: set[str] = set()
    han = "".join(_HAN.findall(to_simplified(text))) if _HAN.search(text) else ""
    for i in range(len(han) - HAN_CHARS + 1):
        out.add(_h(han[i : i + HAN_CHARS]))
    words = _WORD.findall(fold(_HAN.sub(" ", text)))
    for i in range(len(words) - WORDS + 1):
        out.add(_h(" ".join(words[i : i + WORDS])))
    return out
