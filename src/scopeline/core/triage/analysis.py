"""Per-language text analysis for lexical matching (BM25) and cue lookup.

- Romanian: diacritics folded (ș/ş → s, ț/ţ → t, ă/â → a, î → i), so "pagina" finds "pagină".
- Finnish: Snowball stems with consonant gradation folded (kk → k, pp → p, tt → t: "kukkien"
  and "kukan" meet), plus character 4-grams of longer words, so that compounds match their parts
  ("jäsenrekisteröinti" shares grams with "rekisteröinti") and stem alternations still overlap
  ("kierroksen" / "kierros"). A dictionary lemmatiser (simplemma) would be more exact, but it takes
  about two seconds per language to load, which a one-message CLI call cannot afford.
- Chinese: Traditional converted to Simplified (OpenCC) *before* segmentation with jieba, which
  segments Traditional text badly.
- English: Snowball stems (PyStemmer, C, loads in a millisecond).
Everything is lower-cased and NFKC-normalised; heavy resources load on first use only.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any, Final

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+(?:[.,]\d+)?", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

_STOPWORDS: Final[frozenset[str]] = frozenset(
    " ".join(
        [
            "a an the and or of to in on at for with from by is are be it this that these those",
            "we you i our your my me us can could would will should please also just so as if",
            "not no yes do does",
            "ja tai on ei se ne me te he että kun jos myös vain niin kuin olla voi voisi voisitko",
            "mä sä mun sun meille teille tämä tää tuo toi nyt vielä sitä siitä sen",
            "si sau de la in pe cu din ca sa nu da este e sunt un o ce care mai si pentru ne va vă",
        ]
    ).split()
)
_ZH_STOP: Final[frozenset[str]] = frozenset(
    " ".join(
        [
            "的 了 吗 吧 呢 啊 呀 哦 喔 嗎 啦 和 与 及 或 是 在 我 你 您 我们 你们 他 她 它",
            "这 那 就 也 都 很 一下 一个 可以 能 能不能 可不可以 要 想 请 麻烦 谢谢",
        ]
    ).split()
)


def fold(text: str) -> str:
    """Lower-case, NFKC, and strip combining marks (diacritics), keeping CJK intact."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("ş", "ș").replace("ţ", "ț")  # cedilla forms typed on old keyboards
    text = text.replace("\u2019", "'").replace("\u2018", "'")  # curly apostrophes
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def has_han(text: str) -> bool:
    return _HAN_CHAR.search(text) is not None


_lock = threading.Lock()
_t2s: Any = None
_jieba_ready = False


def to_simplified(text: str) -> str:
    global _t2s
    if _t2s is None:
        with _lock:
            if _t2s is None:
                import opencc

                _t2s = opencc.OpenCC("t2s")
    return str(_t2s.convert(text))


def _segment(han: str) -> list[str]:
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _lock:
            if not _jieba_ready:
                jieba.setLogLevel(60)  # silence "Building prefix dict..." on stderr
                jieba.initialize()
                _jieba_ready = True
    return [w for w in jieba.lcut_for_search(han) if w.strip() and w not in _ZH_STOP]


_SNOWBALL: Final = {"en": "english", "fi": "finnish", "ro": "romanian"}
_stemmers: dict[str, Any] = {}
_GEMINATE = re.compile(r"([kpt])\1")


@lru_cache(maxsize=65536)
def _lemma(token: str, lang: str) -> str:
    """The stem of ``token`` by ``lang``'s Snowball rules (English rules for other languages)."""
    name = _SNOWBALL.get(lang, "english")
    stemmer = _stemmers.get(name)
    if stemmer is None:
        import Stemmer

        stemmer = _stemmers.setdefault(name, Stemmer.Stemmer(name))
    stem = str(stemmer.stemWord(token))
    return _GEMINATE.sub(r"\1", stem) if lang == "fi" else stem


def analyze(text: str, lang: str = "und") -> list[str]:
    """Tokens of ``text`` for lexical matching, by the rules of ``lang``."""
    tokens: list[str] = []
    normalised = unicodedata.normalize("NFKC", text).lower()
    for han in _HAN.findall(normalised):
        tokens.extend(_segment(to_simplified(han)))
    latin = _HAN.sub(" ", normalised)
    for raw in _WORD.findall(latin):
        if raw in _STOPWORDS or len(raw) < 2:
            continue
        lemma = fold(_lemma(raw, lang if lang in ("en", "fi", "ro") else "en"))
        if lemma in _STOPWORDS:
            continue
        tokens.append(lemma)
        if lang == "fi" and len(lemma) >= 7:
            tokens.extend(f"#{lemma[i : i + 4]}" for i in range(len(lemma) - 3))
    return tokens


@lru_cache(maxsize=256)
def cue_text(text: str) -> str:
    """The form cues are matched against: folded, Chinese in Simplified, single-spaced."""
    folded = fold(text)
    if has_han(folded):
        folded = to_simplified(folded)
    return " ".join(folded.split())
