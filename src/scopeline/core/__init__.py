"""Scopeline's domain core: agreements, the ledger and the status statement.

Framework-free (no Django; a lint rule enforces it), so the CLI, the web app and the API all
wrap the same functions. The public names are listed in ``__all__``; they are imported on
first use, so that a command that needs one module does not pay for all of them at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scopeline.core.agreement import (
        Agreement,
        Allowances,
        Client,
        Deposit,
        Exclusion,
        Policy,
        Price,
        Provider,
        ScopeItem,
    )
    from scopeline.core.errors import AgreementError, Problem, ScopelineError
    from scopeline.core.languages import SUPPORTED_LANGUAGES, Language
    from scopeline.core.ledger import Allowance, ProjectState, project_state
    from scopeline.core.loading import agreement_from_data, load_agreement, parse_agreement
    from scopeline.core.status import status_statement
    from scopeline.core.triage.engine import TriageEngine
    from scopeline.core.triage.verdict import Verdict

_EXPORTS: dict[str, str] = {
    "Agreement": "agreement",
    "Allowances": "agreement",
    "Client": "agreement",
    "Deposit": "agreement",
    "Exclusion": "agreement",
    "Policy": "agreement",
    "Price": "agreement",
    "Provider": "agreement",
    "ScopeItem": "agreement",
    "AgreementError": "errors",
    "Problem": "errors",
    "ScopelineError": "errors",
    "SUPPORTED_LANGUAGES": "languages",
    "Language": "languages",
    "Allowance": "ledger",
    "ProjectState": "ledger",
    "project_state": "ledger",
    "agreement_from_data": "loading",
    "load_agreement": "loading",
    "parse_agreement": "loading",
    "status_statement": "status",
    "TriageEngine": "triage.engine",
    "Verdict": "triage.verdict",
}

__all__ = [
    "SUPPORTED_LANGUAGES",
    "Agreement",
    "AgreementError",
    "Allowance",
    "Allowances",
    "Client",
    "Deposit",
    "Exclusion",
    "Language",
    "Policy",
    "Price",
    "Problem",
    "ProjectState",
    "Provider",
    "ScopeItem",
    "ScopelineError",
    "TriageEngine",
    "Verdict",
    "agreement_from_data",
    "load_agreement",
    "parse_agreement",
    "project_state",
    "status_statement",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scopeline.core' has no attribute {name!r}")
    value = getattr(import_module(f"scopeline.core.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
