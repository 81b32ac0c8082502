"""The public names of ``scopeline.core``, and the rule that the core stays framework-free."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import scopeline.core

CORE = Path(__file__).resolve().parents[1] / "src" / "scopeline" / "core"
CORE_MODULES = sorted(CORE.rglob("*.py"))

EXPECTED_ALL = [
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
# Frameworks and terminal libraries the core must never import (see src/scopeline/core/ruff.toml).
BANNED = ("django", "typer", "rich")


def test_all_is_exactly_the_expected_list() -> None:
    assert scopeline.core.__all__ == EXPECTED_ALL


def test_all_has_no_duplicates() -> None:
    assert len(set(scopeline.core.__all__)) == len(scopeline.core.__all__)


@pytest.mark.parametrize("name", EXPECTED_ALL)
def test_every_public_name_exists(name: str) -> None:
    assert getattr(scopeline.core, name) is not None
    assert name in dir(scopeline.core)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = scopeline.core.Nope


def test_public_names_are_the_defining_modules_objects() -> None:
    from scopeline.core import agreement, errors, languages, ledger, loading, status

    assert scopeline.core.Agreement is agreement.Agreement
    assert scopeline.core.AgreementError is errors.AgreementError
    assert scopeline.core.SUPPORTED_LANGUAGES is languages.SUPPORTED_LANGUAGES
    assert scopeline.core.ProjectState is ledger.ProjectState
    assert scopeline.core.load_agreement is loading.load_agreement
    assert scopeline.core.status_statement is status.status_statement


def test_supported_languages() -> None:
    assert scopeline.core.SUPPORTED_LANGUAGES == ("en", "fi", "ro", "zh-Hant", "zh-Hans")


def test_agreement_error_is_a_scopeline_error() -> None:
    assert issubclass(scopeline.core.AgreementError, scopeline.core.ScopelineError)


def test_star_import_gives_every_public_name() -> None:
    namespace: dict[str, object] = {}
    exec("from scopeline.core import *", namespace)
    assert set(EXPECTED_ALL) <= set(namespace)


def test_there_are_core_modules_to_check() -> None:
    names = {path.name for path in CORE_MODULES}
    assert {"agreement.py", "events.py", "ledger.py", "loading.py", "status.py"} <= names


def imported_modules(tree: ast.AST) -> list[str]:
    """Every module a tree imports: import statements, import_module() and __import__()."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in ("import_module", "__import__") and isinstance(first, ast.Constant):
                found.append(str(first.value))
    return found


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_imports_no_framework(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    banned = [m for m in imported_modules(tree) if m.split(".")[0] in BANNED]
    assert not banned, f"{path.relative_to(CORE)} imports {banned}"


def test_the_import_check_sees_imports() -> None:
    tree = ast.parse(
        "import django.db\n"
        "from django import forms\n"
        "def f():\n"
        "    from rich.console import Console\n"
        "    importlib.import_module('typer')\n"
    )
    assert imported_modules(tree) == ["django.db", "django", "rich.console", "typer"]


def test_importing_the_core_loads_no_framework() -> None:
    code = (
        "import sys, scopeline.core as c\n"
        "from scopeline.core import load_agreement, project_state, status_statement\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {BANNED!r}]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
