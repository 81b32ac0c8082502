"""The closed sets of the verdict contract (docs/triage.md): kinds, scope verdicts, actions."""

from __future__ import annotations

from typing import Final, Literal, TypeAlias, get_args

Kind: TypeAlias = Literal[
    "defect",
    "revision",
    "addition",
    "extra_concept",
    "question",
    "discount",
    "refund",
    "deadline",
    "threat",
    "approval",
    "other",
]
ScopeVerdict: TypeAlias = Literal["in_scope", "excluded", "out_of_scope", "not_applicable"]
Action: TypeAlias = Literal[
    "fix_now",
    "do_it",
    "favor",
    "change_order",
    "decline",
    "hold_price",
    "escalate",
    "answer",
    "acknowledge",
]

KINDS: Final[tuple[Kind, ...]] = get_args(Kind)
SCOPE_VERDICTS: Final[tuple[ScopeVerdict, ...]] = get_args(ScopeVerdict)
ACTIONS: Final[tuple[Action, ...]] = get_args(Action)

WORK_KINDS: Final[frozenset[Kind]] = frozenset({"defect", "revision", "addition", "extra_concept"})
"""Kinds that ask for work on a deliverable; they rest on a scope item or exclusion."""

PRESSURE_KINDS: Final[frozenset[Kind]] = frozenset({"threat", "discount", "deadline", "refund"})
