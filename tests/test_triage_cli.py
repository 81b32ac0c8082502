"""`scopeline triage`: one message, batches, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scopeline.cli import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ACME = str(EXAMPLES / "acme-website.yaml")
SCOPELINE = Path(sys.executable).parent / "scopeline"


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_one_message_prints_one_verdict() -> None:
    code, out, _ = run("triage", "--agreement", ACME, "Lisätkää verkkokauppa sivuille")
    assert code == 0
    verdict = json.loads(out)
    assert verdict["kind"] == "addition"
    assert verdict["scope"] == {**verdict["scope"], "verdict": "excluded", "item": "shop"}
    assert verdict["price"]["currency"] == "EUR"


def test_message_from_stdin_and_compact_output() -> None:
    code, out, _ = run("triage", "--agreement", ACME, "--compact", stdin="Kiitos, hyvältä näyttää!")
    assert code == 0
    assert out.count("\n") == 1
    assert json.loads(out)["kind"] == "approval"


def test_batch_keeps_ids_and_order_even_with_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a", "text": "Sivun alalaidassa on kirjoitusvirhe, korjaatteko?"}\n'
        "this is not json\n"
        '{"id": "c", "text": "ok"}\n'
        '{"id": "d", "text": ""}\n',
        encoding="utf-8",
    )
    code, out, err = run("triage", "--agreement", ACME, "--jsonl", str(source))
    assert code == 0
    verdicts = [json.loads(line) for line in out.splitlines()]
    assert [v["id"] for v in verdicts] == ["a", None, "c", "d"]
    assert verdicts[1]["kind"] == "other"
    assert verdicts[1]["reasons"][0] == "line 2: not valid JSON (Expecting value)"
    assert "warning:" in err
    assert ":2: not valid JSON" in err


def test_batch_to_an_output_file(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"m{i}", "text": f"Viesti numero {i}"}) for i in range(40)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, stdout, err = run("triage", "--agreement", ACME, "--jsonl", str(source), "-o", str(out))
    assert code == 0
    assert stdout == ""
    assert "Wrote 40 verdicts" in err
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [
        f"m{i}" for i in range(40)
    ]


def test_bad_agreement_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nproject: x\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "hi"}\n', encoding="utf-8")
    code, _, err = run("triage", "--agreement", str(bad), "--jsonl", str(source), "-o", str(out))
    assert code == 2
    assert "bad.yaml: client: is required" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hello", "--jsonl", "x.jsonl"], "either MESSAGE or --jsonl"),
        (["hello", "--output", "x.jsonl"], "--output goes with --jsonl"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    code, _, err = run("triage", "--agreement", ACME, *args)
    assert code == 2
    assert message in err


def test_bad_catalogue_is_exit_2(tmp_path: Path) -> None:
    catalogue = tmp_path / "mine.yaml"
    catalogue.write_text("tasks: nope\n", encoding="utf-8")
    code, _, err = run("triage", "--agreement", ACME, "--catalogue", str(catalogue), "hi")
    assert code == 2
    assert "expected a mapping with a 'tasks' list" in err


def test_real_process_on_binary_stdin() -> None:
    result = subprocess.run(
        [str(SCOPELINE), "triage", "--agreement", ACME, "--compact"],
        input=b"\x00\xff\xfe\x00" * 1000,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert (verdict["kind"], verdict["lang"]) == ("other", "und")
