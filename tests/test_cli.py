"""The ``scopeline`` command: help, version, init, check and status, in-process and for real."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scopeline import __version__
from scopeline.cli import cli
from scopeline.core import load_agreement
from scopeline.core.status import status_statement

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ACME = EXAMPLES / "acme-website.yaml"
BIN = Path(sys.executable).parent
SCOPELINE = BIN / "scopeline"
TEMPLATE = (
    resources.files("scopeline.core")
    .joinpath("data/agreement-template.yaml")
    .read_text(encoding="utf-8")
)
BAD_QUANTITY = """\
version: 1
project: Bad
client: {name: C, language: en}
provider: {name: S}
currency: EUR
price: {model: fixed, amount: 100}
scope:
  - id: a
    title: A
    quantity: -3
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="scopeline")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ----------------------------------------------------------------------- help, version


def test_group_help() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: scopeline [OPTIONS] COMMAND [ARGS]...")
    for command in ("check", "init", "status"):
        assert f"  {command} " in result.output


def test_short_help_option() -> None:
    assert run("-h").output == run("--help").output


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: scopeline {command} [OPTIONS]")
    assert "-h, --help" in result.output
    assert f"  {command} " in run("--help").output


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("init", ["Usage: scopeline init [OPTIONS] [FILE]", "--force"]),
        ("check", ["Usage: scopeline check [OPTIONS] FILES...", "--quiet"]),
        ("status", ["Usage: scopeline status [OPTIONS] FILE", "--lang", "--format"]),
        ("health", ["Usage: scopeline health [OPTIONS] FILE", "--today", "--format"]),
        (
            "lead",
            ["Usage: scopeline lead [OPTIONS] FILE", "--today", "--format", "--hours-per-day"],
        ),
    ],
)
def test_command_help(command: str, words: list[str]) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    for word in words:
        assert word in result.output


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    result = run(flag)
    assert result.exit_code == 0
    assert result.output == f"scopeline, version {__version__}\n"


def test_unknown_command_is_bad_input() -> None:
    result = run("frobnicate")
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.stderr


# ------------------------------------------------------------------------------- init


def test_init_writes_the_template(in_tmp: Path) -> None:
    result = run("init")
    assert result.exit_code == 0
    assert result.stdout == (
        "Wrote agreement.yaml. Edit it, then run: scopeline check agreement.yaml\n"
    )
    assert (in_tmp / "agreement.yaml").read_text(encoding="utf-8") == TEMPLATE


def test_init_to_a_named_file(in_tmp: Path) -> None:
    result = run("init", "project.yaml")
    assert result.exit_code == 0
    assert (in_tmp / "project.yaml").read_text(encoding="utf-8") == TEMPLATE


def test_init_refuses_to_overwrite(in_tmp: Path) -> None:
    target = in_tmp / "agreement.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = run("init")
    assert result.exit_code == 2
    assert result.stderr == "error: agreement.yaml already exists; use --force to overwrite it.\n"
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_init_force_overwrites(in_tmp: Path) -> None:
    target = in_tmp / "agreement.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = run("init", "--force")
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == TEMPLATE


def test_init_dash_prints_to_stdout(in_tmp: Path) -> None:
    result = run("init", "-")
    assert result.exit_code == 0
    assert result.stdout == TEMPLATE
    assert list(in_tmp.iterdir()) == []


def test_init_into_a_missing_directory_is_bad_input(in_tmp: Path) -> None:
    result = run("init", "no/such/dir/agreement.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write no/such/dir/agreement.yaml: ")


def test_initialised_file_passes_check(in_tmp: Path) -> None:
    assert run("init").exit_code == 0
    result = run("check", "agreement.yaml")
    assert result.exit_code == 0
    assert result.stdout == (
        "agreement.yaml: OK — Corporate website for Acme Oy: 2 scope items, 2 exclusions, "
        "5 ledger events\n"
    )


# ------------------------------------------------------------------------------ check


def test_check_ok_line() -> None:
    result = run("check", str(ACME))
    assert result.exit_code == 0
    assert result.stdout == (
        f"{ACME}: OK — Corporate website for Acme Oy: 5 scope items, 4 exclusions, "
        "5 ledger events\n"
    )
    assert result.stderr == ""


def test_check_bad_file(in_tmp: Path) -> None:
    (in_tmp / "bad.yaml").write_text(BAD_QUANTITY, encoding="utf-8")
    result = run("check", "bad.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: bad.yaml:10: scope[0].quantity: must be a positive whole number, got -3\n"
        "1 of 1 file invalid.\n"
    )


def test_check_several_files(in_tmp: Path) -> None:
    (in_tmp / "bad.yaml").write_text(BAD_QUANTITY, encoding="utf-8")
    result = run("check", str(ACME), "bad.yaml", "missing.yaml")
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"{ACME}: OK — Corporate website for Acme Oy: 5 scope items, 4 exclusions, 5 ledger events"
    ]
    assert result.stderr.splitlines() == [
        "error: bad.yaml:10: scope[0].quantity: must be a positive whole number, got -3",
        "error: missing.yaml: no such file",
        "2 of 3 files invalid.",
    ]


def test_check_every_example() -> None:
    examples = sorted(str(p) for p in EXAMPLES.glob("*.yaml"))
    result = run("check", *examples)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == len(examples)
    assert all(": OK — " in line for line in result.stdout.splitlines())


def test_check_quiet_prints_problems_only(in_tmp: Path) -> None:
    (in_tmp / "bad.yaml").write_text(BAD_QUANTITY, encoding="utf-8")
    assert run("check", "-q", str(ACME)).stdout == ""
    result = run("check", "--quiet", str(ACME), "bad.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "bad.yaml:10: scope[0].quantity" in result.stderr


def test_check_missing_file() -> None:
    result = run("check", "missing.yaml")
    assert result.exit_code == 2
    assert result.stderr == "error: missing.yaml: no such file\n1 of 1 file invalid.\n"


def test_check_needs_a_file() -> None:
    result = run("check")
    assert result.exit_code == 2
    assert "Missing argument 'FILES...'" in result.stderr


def test_check_lists_every_cross_field_problem(in_tmp: Path) -> None:
    text = BAD_QUANTITY.replace("version: 1", "version: 2").replace("quantity: -3", "quantity: 3")
    text = text.replace("currency: EUR", "currency: eur")
    (in_tmp / "bad.yaml").write_text(text, encoding="utf-8")
    result = run("check", "bad.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: bad.yaml:1: version: unsupported format version 2; this Scopeline reads version 1",
        "error: bad.yaml:5: currency: unknown currency 'eur'; use an ISO 4217 code such as EUR "
        "(did you mean 'EUR'?)",
        "1 of 1 file invalid.",
    ]


# ----------------------------------------------------------------------------- status


def test_status_text() -> None:
    result = run("status", str(ACME))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Project          Corporate website for Acme Oy"
    assert "Client           Acme Oy (fi)" in lines
    assert "Fees to date     €4,800.00" in lines
    assert "Paid             €2,400.00" in lines
    assert "Outstanding      €2,400.00" in lines
    assert "Concepts         3 of 3 used, 0 left" in lines
    assert "Revision rounds  1 of 2 used, 1 left" in lines
    assert "Hours            13 logged of 44 budgeted (0.5 as favours)" in lines
    assert "Effective rate   €369.23/h" in lines
    assert "Goodwill         0.5 of 4 h used, 3.5 h left" in lines
    statement = status_statement(load_agreement(ACME))
    assert lines[-2:] == ["Statement (fi):", statement]


def test_status_json() -> None:
    result = run("status", "--format", "json", str(ACME))
    assert result.exit_code == 0
    payload = json.loads(result.stdout, parse_float=lambda text: pytest.fail(f"float {text}"))
    assert payload["project"] == "Corporate website for Acme Oy"
    assert payload["client"] == "Acme Oy"
    state = payload["state"]
    for key in ("bid", "fees", "paid", "outstanding", "hourly_rate", "effective_hourly_rate"):
        assert isinstance(state[key], str), key
        Decimal(state[key])
    assert (state["fees"], state["paid"], state["outstanding"]) == ("4800.00", "2400.00", "2400.00")
    assert payload["statement"] == {
        "lang": "fi",
        "text": status_statement(load_agreement(ACME)),
    }


@pytest.mark.parametrize(
    ("given", "lang"), [("en", "en"), ("zh-hant", "zh-Hant"), ("ZH_HANS", "zh-Hans"), ("RO", "ro")]
)
def test_status_lang_override(given: str, lang: str) -> None:
    result = run("status", "--format", "json", "--lang", given, str(ACME))
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["statement"]["lang"] == lang
    assert payload["statement"]["text"] == status_statement(load_agreement(ACME), lang=lang)  # type: ignore[arg-type]


def test_status_lang_override_in_text() -> None:
    result = run("status", "--lang", "en", str(ACME))
    assert result.exit_code == 0
    assert "Statement (en):\nThe agreed price is €4,800." in result.stdout


@pytest.mark.parametrize("lang", ["de", "zh-TW", "english", ""])
def test_status_bad_lang(lang: str) -> None:
    result = run("status", "--lang", lang, str(ACME))
    assert result.exit_code == 2
    assert "Invalid value for '--lang'" in result.stderr
    assert "is not one of en, fi, ro, zh-Hant, zh-Hans" in result.stderr
    assert result.stdout == ""


def test_status_bad_format() -> None:
    result = run("status", "--format", "yaml", str(ACME))
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_status_missing_file() -> None:
    result = run("status", "missing.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (
        result.stderr
        == "error: missing.yaml: no such file\n1 problem found; nothing was changed.\n"
    )


def test_status_bad_file(in_tmp: Path) -> None:
    (in_tmp / "bad.yaml").write_text(BAD_QUANTITY, encoding="utf-8")
    result = run("status", "--format", "json", "bad.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: bad.yaml:10: scope[0].quantity: must be a positive whole number, got -3\n"
        "1 problem found; nothing was changed.\n"
    )


def test_status_of_every_example_in_json() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        result = run("status", "--format", "json", str(path))
        assert result.exit_code == 0, path
        payload = json.loads(result.stdout)
        state = payload["state"]
        assert Decimal(state["paid"]) + Decimal(state["outstanding"]) == Decimal(state["fees"])


# ----------------------------------------------------------------------------- health


def test_health_text_lists_the_flags_with_their_evidence() -> None:
    result = run("health", str(EXAMPLES / "anxin-clinic.yaml"), "--today", "2027-03-01")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Score            64 of 100" in out
    assert "Consider ending  no" in out
    assert "Trend            85 85 85 85 85 85 85 85 70 68 66 64 (weekly, oldest first)" in out
    assert "-21  overdue_payment: amount 30000.00, currency TWD, due 2027-01-20" in out
    assert "-15  allowance_exceeded: concepts_used 5, concepts_agreed 3, concepts_over 2" in out
    assert "ledger[2] 2026-10-15 concepts_delivered" in out
    assert "ledger[0] 2026-09-15 payment" in out


def test_health_without_flags() -> None:
    result = run("health", str(ACME), "--today", "2026-11-01")
    assert result.exit_code == 0
    assert "Score            100 of 100" in result.stdout
    assert result.stdout.endswith("No red flags.\n")


def test_health_json() -> None:
    result = run(
        "health", "--format", "json", "--today", "2027-03-01", str(EXAMPLES / "huamei-shop.yaml")
    )
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["today"] == "2027-03-01"
    assert payload["client"] == "华美茶叶商行"
    health = payload["health"]
    assert health["score"] == 80
    assert health["consider_ending"] is False
    assert health["creep_rate"] is None
    [flag] = health["flags"]
    assert flag["code"] == "overdue_payment"
    assert flag["facts"]["amount"] == "1350.00"
    assert [e["ref"] for e in flag["evidence"]] == ["4", "3"]
    assert len(payload["trend"]) == 12
    assert payload["trend"][-1] == {"date": "2027-03-01", "score": 80}


def test_health_default_day_is_today() -> None:
    result = run("health", "--format", "json", str(ACME))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["today"] == dt.datetime.now().astimezone().date().isoformat()


@pytest.mark.parametrize("command", ["health", "lead"])
def test_health_and_lead_bad_input(command: str, in_tmp: Path) -> None:
    (in_tmp / "bad.yaml").write_text(BAD_QUANTITY, encoding="utf-8")
    result = run(command, "bad.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "bad.yaml:10: scope[0].quantity" in result.stderr
    missing = run(command, "missing.yaml")
    assert missing.exit_code == 2
    assert "missing.yaml: no such file" in missing.stderr
    bad_day = run(command, str(ACME), "--today", "2026-13-01")
    assert bad_day.exit_code == 2
    assert "Invalid value for '--today'" in bad_day.stderr


# ------------------------------------------------------------------------------- lead


def test_lead_text() -> None:
    result = run("lead", str(EXAMPLES / "huamei-shop.yaml"), "--today", "2026-09-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Project      Mini-program storefront for Huamei Tea",
        "Verdict      tight",
        "Money        tight: budget CN¥36,000.00 for 110 h at CN¥300.00/h = CN¥33,000.00 "
        "(ratio 1.09)",
        "Time         realistic: 130 working days to the deadline, 19 needed at 6 h/day "
        "(ratio 6.84)",
        "Unestimated  —",
    ]


def test_lead_json_and_hours_per_day() -> None:
    result = run(
        "lead", "--format", "json", "--hours-per-day", "2", "--today", "2027-02-01", str(ACME)
    )
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["project"] == "Corporate website for Acme Oy"
    assert payload["hours_per_day"] == "2"
    assert payload["working_days_needed"] == 22
    assert payload["working_days_available"] == 0  # the deadline has passed
    assert payload["time"] == "unrealistic"
    assert payload["verdict"] == "unrealistic"
    assert payload["money"] == "realistic"


def test_lead_without_a_deadline_or_a_budget(in_tmp: Path) -> None:
    text = BAD_QUANTITY.replace("quantity: -3", "hours: 10").replace(
        "price: {model: fixed, amount: 100}", "price: {model: hourly, hourly_rate: 50}"
    )
    (in_tmp / "hourly.yaml").write_text(text, encoding="utf-8")
    result = run("lead", "hourly.yaml")
    assert result.exit_code == 0, result.output
    assert "Verdict      realistic" in result.stdout
    assert "Money        realistic: no budget; every hour is paid at €50.00/h" in result.stdout
    assert "Time         no deadline" in result.stdout


@pytest.mark.parametrize("hours", ["0", "-1", "25", "many", "nan"])
def test_lead_bad_hours_per_day(hours: str) -> None:
    result = run("lead", str(ACME), "--hours-per-day", hours)
    assert result.exit_code == 2
    assert "Invalid value for '--hours-per-day'" in result.stderr


# ------------------------------------------------------------------- real processes


def _run_real(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"}
    return subprocess.run(
        [str(SCOPELINE), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_real_version() -> None:
    result = _run_real("--version")
    assert result.returncode == 0
    assert result.stdout == f"scopeline, version {__version__}\n"


def test_real_check_bad_file_exits_2_with_the_problem_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD_QUANTITY, encoding="utf-8")
    result = _run_real("check", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: bad.yaml:10: scope[0].quantity: must be a positive whole number, got -3\n"
        "1 of 1 file invalid.\n"
    )


def test_real_status_json() -> None:
    result = _run_real("status", "--format", "json", str(EXAMPLES / "anxin-clinic.yaml"))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["statement"]["lang"] == "zh-Hant"
    assert payload["statement"]["text"].startswith("本案約定的總價為 NT$60,000。")


def test_status_does_not_import_django() -> None:
    """Running ``status`` never even tries to import Django (whether it is installed or not)."""
    code = textwrap.dedent(
        f"""
        import sys

        attempts = []

        class Spy:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "django":
                    attempts.append(name)
                return None

        sys.meta_path.insert(0, Spy())
        from scopeline.cli import cli

        try:
            cli(["status", {str(ACME)!r}], prog_name="scopeline", standalone_mode=False)
        except SystemExit as exc:
            assert not exc.code, exc.code
        assert not attempts, attempts
        assert not [m for m in sys.modules if m.split(".")[0] == "django"]
        print("no django")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("no django\n")


def test_check_huge_amount_is_bad_input(in_tmp: Path) -> None:
    # This used to crash with a decimal.InvalidOperation traceback and exit code 1.
    text = BAD_QUANTITY.replace("quantity: -3", "quantity: 3").replace(
        "amount: 100", "amount: 12345678901234567890123456789"
    )
    (in_tmp / "huge.yaml").write_text(text, encoding="utf-8")
    result = run("check", "huge.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: huge.yaml:6: price.amount: is too large, got 12345678901234567890123456789\n"
        "1 of 1 file invalid.\n"
    )


def test_status_of_the_largest_valid_numbers_does_not_crash(in_tmp: Path) -> None:
    text = BAD_QUANTITY.replace("quantity: -3", "quantity: 3").replace(
        "price: {model: fixed, amount: 100}", "price: {model: hourly, hourly_rate: 999999999999}"
    )
    text += "ledger:\n  - {date: 2026-10-01, type: hours, hours: 999999999999}\n"
    (in_tmp / "big.yaml").write_text(text, encoding="utf-8")
    assert run("check", "big.yaml").exit_code == 0
    result = run("status", "--format", "json", "big.yaml")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 2)
