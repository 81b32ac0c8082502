"""Scopeline's domain core: agreements, the ledger and the status statement.

Framework-free (no Django; a lint rule enforces it), so the CLI, the web app and the API all
wrap the same functions. The public names are listed in ``__all__``.
"""

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
from scopeline.core.loading import agreement_from_data, load_agreement, parse_agreement

__all__ = [
    "SUPPORTED_LANGUAGES",
    "Agreement",
    "AgreementError",
    "Allowances",
    "Client",
    "Deposit",
    "Exclusion",
    "Language",
    "Policy",
    "Price",
    "Problem",
    "Provider",
    "ScopeItem",
    "ScopelineError",
    "agreement_from_data",
    "load_agreement",
    "parse_agreement",
]
