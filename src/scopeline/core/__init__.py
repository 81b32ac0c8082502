"""Scopeline's domain core: agreements, the ledger, the status statement, triage and replies.

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
    from scopeline.core.health import (
        Evidence,
        Flag,
        Health,
        ProjectHistory,
        RequestRecord,
        Thresholds,
        TrendPoint,
        client_health,
        client_health_with_trend,
        health_trend,
        project_flags,
    )
    from scopeline.core.languages import SUPPORTED_LANGUAGES, Language
    from scopeline.core.lead import LeadCheck, lead_check
    from scopeline.core.ledger import Allowance, ProjectState, project_state
    from scopeline.core.loading import agreement_from_data, load_agreement, parse_agreement
    from scopeline.core.replies.advice import AdviceLibrary, load_advice
    from scopeline.core.replies.checker import check_reply
    from scopeline.core.replies.composer import Reply, compose_reply
    from scopeline.core.replies.confirm import understanding_check
    from scopeline.core.replies.exit_kit import ExitKit, exit_kit
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
    "Evidence": "health",
    "Flag": "health",
    "Health": "health",
    "ProjectHistory": "health",
    "RequestRecord": "health",
    "Thresholds": "health",
    "TrendPoint": "health",
    "client_health": "health",
    "client_health_with_trend": "health",
    "health_trend": "health",
    "project_flags": "health",
    "SUPPORTED_LANGUAGES": "languages",
    "Language": "languages",
    "LeadCheck": "lead",
    "lead_check": "lead",
    "Allowance": "ledger",
    "ProjectState": "ledger",
    "project_state": "ledger",
    "agreement_from_data": "loading",
    "load_agreement": "loading",
    "parse_agreement": "loading",
    "AdviceLibrary": "replies.advice",
    "load_advice": "replies.advice",
    "check_reply": "replies.checker",
    "Reply": "replies.composer",
    "compose_reply": "replies.composer",
    "understanding_check": "replies.confirm",
    "ExitKit": "replies.exit_kit",
    "exit_kit": "replies.exit_kit",
    "status_statement": "status",
    "TriageEngine": "triage.engine",
    "Verdict": "triage.verdict",
}

__all__ = [
    "SUPPORTED_LANGUAGES",
    "AdviceLibrary",
    "Agreement",
    "AgreementError",
    "Allowance",
    "Allowances",
    "Client",
    "Deposit",
    "Evidence",
    "Exclusion",
    "ExitKit",
    "Flag",
    "Health",
    "Language",
    "LeadCheck",
    "Policy",
    "Price",
    "Problem",
    "ProjectHistory",
    "ProjectState",
    "Provider",
    "Reply",
    "RequestRecord",
    "ScopeItem",
    "ScopelineError",
    "Thresholds",
    "TrendPoint",
    "TriageEngine",
    "Verdict",
    "agreement_from_data",
    "check_reply",
    "client_health",
    "client_health_with_trend",
    "compose_reply",
    "exit_kit",
    "health_trend",
    "lead_check",
    "load_advice",
    "load_agreement",
    "parse_agreement",
    "project_flags",
    "project_state",
    "status_statement",
    "understanding_check",
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
