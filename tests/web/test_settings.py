"""Settings come from the environment through strict helpers, and .env.example documents them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from scopeline.web.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool_accepts_only_true_or_false(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, value in [("true", True), ("1", True), ("On", True), ("false", False), ("0", False)]:
        monkeypatch.setenv("SCOPELINE_X", raw)
        assert env_bool("SCOPELINE_X", not value) is value
    monkeypatch.setenv("SCOPELINE_X", "yes please")
    with pytest.raises(ImproperlyConfigured, match="SCOPELINE_X must be true or false"):
        env_bool("SCOPELINE_X", False)
    monkeypatch.delenv("SCOPELINE_X")
    assert env_bool("SCOPELINE_X", True) is True


def test_env_int_and_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOPELINE_N", "12")
    assert env_int("SCOPELINE_N", 1) == 12
    monkeypatch.setenv("SCOPELINE_N", "twelve")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("SCOPELINE_N", 1)
    monkeypatch.setenv("SCOPELINE_L", " a.example , b.example ,,")
    assert env_list("SCOPELINE_L", []) == ["a.example", "b.example"]


def test_secrets_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret-from-file\n", encoding="utf-8")
    monkeypatch.setenv("SCOPELINE_SECRET_FILE", str(secret))
    assert env_str("SCOPELINE_SECRET") == "s3cret-from-file"
    monkeypatch.setenv("SCOPELINE_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        env_str("SCOPELINE_SECRET")


def test_env_example_documents_every_variable() -> None:
    settings = (ROOT / "src" / "scopeline" / "web" / "settings.py").read_text(encoding="utf-8")
    used = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings))
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", example, re.M))
    assert used, "no variables found in settings.py"
    assert used - documented == set(), f"missing from .env.example: {used - documented}"
