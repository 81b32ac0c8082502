"""The client-facing languages Scopeline writes in, and their Babel locales."""

from __future__ import annotations

from typing import Final, Literal, TypeAlias, get_args

Language: TypeAlias = Literal["en", "fi", "ro", "zh-Hant", "zh-Hans"]

SUPPORTED_LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)

# Babel locales used to format numbers, amounts and dates for each language.
BABEL_LOCALES: Final[dict[Language, str]] = {
    "en": "en_GB",  # British conventions, like the wording ("favour", "15 December 2026")
    "fi": "fi",
    "ro": "ro",
    "zh-Hant": "zh_Hant_TW",
    "zh-Hans": "zh_Hans_CN",
}

# Codes people commonly write for a supported language; used for "did you mean" hints only,
# so that an agreement file always names the language the same way.
_ALIASES: Final[dict[str, Language]] = {
    "english": "en",
    "en-us": "en",
    "en-gb": "en",
    "suomi": "fi",
    "finnish": "fi",
    "fi-fi": "fi",
    "romanian": "ro",
    "ro-ro": "ro",
    "ro-md": "ro",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh-mo": "zh-Hant",
    "zh-cht": "zh-Hant",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-chs": "zh-Hans",
    "zh": "zh-Hans",
    "chinese": "zh-Hans",
}


def parse_language(code: str) -> Language | None:
    """Return the supported language ``code`` names (case-insensitive), or None."""
    folded = code.strip().replace("_", "-").lower()
    for lang in SUPPORTED_LANGUAGES:
        if lang.lower() == folded:
            return lang
    return None


def suggest_language(code: str) -> Language | None:
    """The supported language a user probably meant by an unsupported ``code``."""
    return _ALIASES.get(code.strip().replace("_", "-").lower())
