"""Counted nouns in the client's language, inflected where the template asks for it.

A reply template names a quantity and, where the language needs it, the grammatical form:
``{hours}`` gives "14 hours" / "14 tuntia" / "14 ore" / "14 小時"; in Finnish ``{hours:gen}``
gives "14 tunnin" (a 14-hour job), ``{days:ade}`` "3 työpäivällä" (later by three working days),
``{rounds:ela}`` "kahdesta korjauskierroksesta" (we agreed on two rounds). ``{x:n}`` is the bare
number in every language; in Chinese ``{x:m}`` is the numeral with its measure word only, for a
second mention ("合約包含兩輪修改，目前已進行兩輪"). Unknown forms raise, so a template typo
fails in the tests, not in a client's inbox.

Hours and days are written in digits (they are measurements); concepts and revision rounds in
words up to ten, as careful writers do in running text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Final, Literal, TypeAlias

from scopeline.core.languages import Language
from scopeline.core.money import format_number

Noun: TypeAlias = Literal["hour", "day", "concept", "round"]
NOUNS: Final[tuple[Noun, ...]] = ("hour", "day", "concept", "round")
_IN_WORDS: Final[frozenset[Noun]] = frozenset({"concept", "round"})

FORMS: Final[dict[Language, frozenset[str]]] = {
    "en": frozenset({"", "n"}),
    "fi": frozenset({"", "n", "acc", "gen", "ela", "ade"}),
    "ro": frozenset({"", "n"}),
    "zh-Hant": frozenset({"", "n", "m"}),
    "zh-Hans": frozenset({"", "n", "m"}),
}
"""The forms each language's templates may ask for."""

# -- English ---------------------------------------------------------------------------------

_EN_WORDS: Final = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_EN_NOUNS: Final[dict[Noun, tuple[str, str]]] = {
    "hour": ("hour", "hours"),
    "day": ("working day", "working days"),
    "concept": ("concept", "concepts"),
    "round": ("revision round", "revision rounds"),
}

# -- Finnish ---------------------------------------------------------------------------------
# Numerals 0-10 by case (the status statement uses them too); digits above. After a numeral
# other than one, the noun is partitive in the nominative and accusative, and agrees in case
# otherwise ("kolmesta konseptista").
FI_NUMERALS: Final[dict[str, tuple[str, ...]]] = {
    "": (
        "nolla",
        "yksi",
        "kaksi",
        "kolme",
        "neljä",
        "viisi",
        "kuusi",
        "seitsemän",
        "kahdeksan",
        "yhdeksän",
        "kymmenen",
    ),
    "gen": (
        "nollan",
        "yhden",
        "kahden",
        "kolmen",
        "neljän",
        "viiden",
        "kuuden",
        "seitsemän",
        "kahdeksan",
        "yhdeksän",
        "kymmenen",
    ),
    "ela": (
        "nollasta",
        "yhdestä",
        "kahdesta",
        "kolmesta",
        "neljästä",
        "viidestä",
        "kuudesta",
        "seitsemästä",
        "kahdeksasta",
        "yhdeksästä",
        "kymmenestä",
    ),
    "ade": (
        "nollalla",
        "yhdellä",
        "kahdella",
        "kolmella",
        "neljällä",
        "viidellä",
        "kuudella",
        "seitsemällä",
        "kahdeksalla",
        "yhdeksällä",
        "kymmenellä",
    ),
}
# noun: nominative sg, partitive sg, genitive sg, elative sg, adessive sg
_FI_NOUNS: Final[dict[Noun, tuple[str, str, str, str, str]]] = {
    "hour": ("tunti", "tuntia", "tunnin", "tunnista", "tunnilla"),
    "day": ("työpäivä", "työpäivää", "työpäivän", "työpäivästä", "työpäivällä"),
    "concept": ("konsepti", "konseptia", "konseptin", "konseptista", "konseptilla"),
    "round": (
        "korjauskierros",
        "korjauskierrosta",
        "korjauskierroksen",
        "korjauskierroksesta",
        "korjauskierroksella",
    ),
}

# -- Romanian --------------------------------------------------------------------------------
# Numerals 0-10 by gender (the status statement uses them too).
RO_FEMININE: Final = (
    "zero",
    "o",
    "două",
    "trei",
    "patru",
    "cinci",
    "șase",
    "șapte",
    "opt",
    "nouă",
    "zece",
)
RO_NEUTER: Final = (
    "zero",
    "un",
    "două",
    "trei",
    "patru",
    "cinci",
    "șase",
    "șapte",
    "opt",
    "nouă",
    "zece",
)
# noun: singular, plural, numerals (by gender)
_RO_NOUNS: Final[dict[Noun, tuple[str, str, tuple[str, ...]]]] = {
    "hour": ("oră", "ore", RO_FEMININE),
    "day": ("zi lucrătoare", "zile lucrătoare", RO_FEMININE),
    "concept": ("concept", "concepte", RO_NEUTER),
    "round": ("rundă de revizie", "runde de revizie", RO_FEMININE),
}

# -- Chinese ---------------------------------------------------------------------------------
_ZH_DIGITS: Final = "零一二三四五六七八九十"
_ZH_NOUNS: Final[dict[str, dict[Noun, str]]] = {
    "zh-Hant": {"hour": " 小時", "day": " 個工作天", "concept": "款設計提案", "round": "輪修改"},
    "zh-Hans": {"hour": " 小时", "day": " 个工作日", "concept": "套设计方案", "round": "轮修改"},
}
_ZH_TWO: Final = {"zh-Hant": "兩", "zh-Hans": "两"}
# ``{x:m}``: the numeral and its measure word without the noun, for a second mention ("已進行兩輪").
_ZH_MEASURES: Final[dict[str, dict[Noun, str]]] = {
    "zh-Hant": {"hour": " 小時", "day": " 個工作天", "concept": "款", "round": "輪"},
    "zh-Hans": {"hour": " 小时", "day": " 个工作日", "concept": "套", "round": "轮"},
}


@cache
def _ro_plural_other(n: int) -> bool:
    from babel import Locale

    return str(Locale("ro").plural_form(n)) == "other"


def _is_one(value: Decimal) -> bool:
    return value == 1


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number of ``noun`` in ``lang``; format it with a form: ``f"{q:ela}"``."""

    value: Decimal
    noun: Noun
    lang: Language

    def __format__(self, form: str) -> str:
        if form not in FORMS[self.lang]:
            raise ValueError(
                f"form {form!r} is not known in {self.lang}: {sorted(FORMS[self.lang])}"
            )
        if form == "n":
            return format_number(self.value, self.lang)
        return _WRITERS[self.lang](self.value, self.noun, form, self.lang)

    def __str__(self) -> str:
        return format(self, "")


@dataclass(frozen=True, slots=True)
class Span:
    """A range of ``noun``: "12–16 hours"; one number when both ends are equal."""

    low: Decimal
    high: Decimal
    noun: Noun
    lang: Language

    def __format__(self, form: str) -> str:
        if self.low == self.high:
            return format(Quantity(self.low, self.noun, self.lang), form)
        if form not in FORMS[self.lang]:
            raise ValueError(f"form {form!r} is not known in {self.lang}")
        low = format_number(self.low, self.lang)
        if form == "n":
            return f"{low}–{format_number(self.high, self.lang)}"
        # The noun agrees with the upper number, which is never one here.
        tail = format(Quantity(self.high, self.noun, self.lang), form)
        return f"{low}–{tail}"

    def __str__(self) -> str:
        return format(self, "")


def _number(value: Decimal, lang: Language) -> str:
    return format_number(value, lang)


def _whole_small(value: Decimal, limit: int) -> int | None:
    if value == value.to_integral_value() and 0 <= value <= limit:
        return int(value)
    return None


def _english(value: Decimal, noun: Noun, _form: str, lang: Language) -> str:
    singular, plural = _EN_NOUNS[noun]
    small = _whole_small(value, 9)
    number = _EN_WORDS[small] if small is not None and noun in _IN_WORDS else _number(value, lang)
    return f"{number} {singular if _is_one(value) else plural}"


def _finnish(value: Decimal, noun: Noun, form: str, lang: Language) -> str:
    nom, par, gen, ela, ade = _FI_NOUNS[noun]
    small = _whole_small(value, 10)
    case = "" if form == "acc" else form
    if small is not None and noun in _IN_WORDS:
        if form == "acc":  # object of a completed action: "yhden konseptin", "kaksi konseptia"
            number = FI_NUMERALS["gen" if small == 1 else ""][small]
        else:
            number = FI_NUMERALS[case][small]
    else:
        number = _number(value, lang)
    one = _is_one(value)
    if form == "":
        word = nom if one else par
    elif form == "acc":
        word = gen if one else par
    else:
        word = {"gen": gen, "ela": ela, "ade": ade}[form]
    return f"{number} {word}"


def _romanian(value: Decimal, noun: Noun, _form: str, lang: Language) -> str:
    singular, plural, numerals = _RO_NOUNS[noun]
    small = _whole_small(value, 9)
    if small is not None and (noun in _IN_WORDS or small == 1):
        if small == 1:
            return f"{numerals[1]} {singular}"
        return f"{numerals[small]} {plural}"
    whole = value == value.to_integral_value()
    de = " de" if whole and _ro_plural_other(int(value)) else ""
    return f"{_number(value, lang)}{de} {plural}"


def _chinese(value: Decimal, noun: Noun, form: str, lang: Language) -> str:
    measure = (_ZH_MEASURES if form == "m" else _ZH_NOUNS)[lang][noun]
    small = _whole_small(value, 10)
    if small is not None and noun in _IN_WORDS:
        number = _ZH_TWO[lang] if small == 2 else _ZH_DIGITS[small]
        return f"{number}{measure}"
    return f"{_number(value, lang)}{measure}"


_WRITERS: Final = {
    "en": _english,
    "fi": _finnish,
    "ro": _romanian,
    "zh-Hant": _chinese,
    "zh-Hans": _chinese,
}
