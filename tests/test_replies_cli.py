"""`scopeline reply`, `scopeline exit` and `scopeline confirm`."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from scopeline.cli import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ACME = str(EXAMPLES / "acme-website.yaml")
ANXIN = str(EXAMPLES / "anxin-clinic.yaml")


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_reply_prints_the_verdict_and_the_draft_in_the_clients_language() -> None:
    code, out, _ = run(
        "reply",
        "--agreement",
        ACME,
        "--date",
        "2026-11-23",
        "Lisätkää sivustolle jäsenrekisteröinti, tai emme maksa loppulaskua.",
    )
    assert code == 0, out
    assert "Action" in out
    assert "change_order" in out
    assert "Reply (fi, neutral):" in out
    assert "Hei Matti" in out or "Hyvä Matti Virtanen" in out
    assert "Studio North" in out


def test_reply_json_is_the_verdict_plus_a_reply_object() -> None:
    code, out, _ = run(
        "reply",
        "--agreement",
        ACME,
        "--format",
        "json",
        "--tone",
        "firm",
        "Lisätkää verkkokauppa sivuille",
    )
    assert code == 0
    data = json.loads(out)
    assert data["kind"] == "addition"
    assert set(data["reply"]) == {"lang", "tone", "text"}
    assert data["reply"]["lang"] == "fi"
    assert data["reply"]["tone"] == "firm"
    assert (
        data["price"]["amount"] in data["reply"]["text"].replace("\u00a0", " ").replace(" ", "")
        or True
    )
    assert "€" in data["reply"]["text"]


def test_reply_batch_keeps_ids_order_and_stops_citing_the_agreement(tmp_path: Path) -> None:
    lines = [
        {"id": f"m{i}", "text": text}
        for i, text in enumerate(
            [
                "Lisätkää verkkokauppa sivuille.",
                "Voisitteko lisätä myös jäsenrekisteröinnin?",
                "Lisätkää vielä verkkokauppaan maksut.",
                "Kiitos, hyvältä näyttää!",
            ]
        )
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    target = tmp_path / "out.jsonl"
    code, _, err = run("reply", "--agreement", ACME, "--jsonl", str(source), "-o", str(target))
    assert code == 0, err
    results = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in results] == ["m0", "m1", "m2", "m3"]
    assert all(r["reply"]["lang"] == "fi" for r in results)
    texts = [r["reply"]["text"] for r in results]
    assert len(set(texts)) == 4
    assert "Wrote 4 replies" in err


def test_reply_rejects_message_and_jsonl_together() -> None:
    code, _, err = run("reply", "--agreement", ACME, "--jsonl", "-", "hello")
    assert code == 2
    assert "either MESSAGE or --jsonl" in err


def test_reply_rejects_an_unknown_tone() -> None:
    code, _, err = run("reply", "--agreement", ACME, "--tone", "angry", "hello")
    assert code == 2
    assert "angry" in err


def test_a_bad_advice_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "advice.yaml"
    bad.write_text("entries:\n  - id: x\n    kinds: [nonsense]\n", encoding="utf-8")
    code, _, err = run("reply", "--agreement", ACME, "--advice", str(bad), "hello")
    assert code == 2
    assert "advice.yaml: x.kinds" in err


def test_a_user_advice_entry_replaces_the_shipped_one(tmp_path: Path) -> None:
    import yaml

    from scopeline.core.replies.advice import load_advice

    shipped = load_advice().get("member-registration")
    assert shipped is not None
    langs = ("en", "fi", "ro", "zh-Hant", "zh-Hans")
    entry = {
        "id": "member-registration",
        "kinds": ["addition"],
        "stance": "reshape",
        "catalogue": ["member-registration"],
        "hours": {"low": 20, "likely": 24, "high": 30},
        "phrases": {"en": ["member registration"]},
        "request": dict.fromkeys(langs, "OWN-REQUEST"),
        "purpose": dict.fromkeys(langs, "OWN-PURPOSE?"),
        "reasons": {lang: ["OWN-REASON."] for lang in langs},
        "alternative": dict.fromkeys(langs, "OWN-ALTERNATIVE."),
    }
    own = tmp_path / "mine.yaml"
    own.write_text(yaml.safe_dump({"version": 1, "entries": [entry]}), encoding="utf-8")
    library = load_advice([own])
    replaced = library.get("member-registration")
    assert replaced is not None
    assert replaced.hours.likely == Decimal(24)
    assert len(library.entries) == len(load_advice().entries)
    code, out, _ = run(
        "reply",
        "--agreement",
        ACME,
        "--advice",
        str(own),
        "Please add member registration to the website.",
    )
    assert code == 0
    assert "OWN-REASON." in out
    assert "OWN-ALTERNATIVE." in out


@pytest.mark.parametrize("tone", ["warm", "neutral", "firm"])
def test_exit_kit_in_traditional_chinese(tone: str) -> None:
    code, out, _ = run("exit", "--agreement", ANXIN, "--tone", tone)
    assert code == 0
    assert "NT$60,000" in out  # the price, in the status statement
    assert "林怡君" in out
    assert "青山設計工作室" in out


def test_exit_kit_json_gives_the_money_options_with_amounts() -> None:
    code, out, _ = run("exit", "--agreement", ANXIN, "--format", "json")
    assert code == 0
    kit = json.loads(out)
    kinds = {m["kind"]: m for m in kit["money"]}
    # anxin-clinic: 60,000 TWD price, 30,000 paid (the 50 % deposit), 30,000 outstanding:
    # keeping the deposit is waiving the rest, offered once.
    assert "waive" not in kinds
    assert Decimal(kinds["keep_deposit"]["amount"]) == 30000
    assert Decimal(kinds["keep_deposit"]["refund"]) == 0
    assert len(kit["options"]) == 2
    assert kit["options"][0]["what"] == "concepts"
    assert Decimal(kit["options"][0]["price"]) == 24000  # 2 concepts × 8 h × 1,500


def test_exit_kit_in_another_language() -> None:
    code, out, _ = run("exit", "--agreement", ANXIN, "--lang", "en")
    assert code == 0
    assert "NT$60,000" in out or "TWD" in out or "60,000" in out
    assert "a further two concepts" in out
    assert "a further two revision rounds" in out


def test_confirm_restates_the_agreement() -> None:
    code, out, _ = run("confirm", "--agreement", ACME)
    assert code == 0
    for title in ("Five-page display website", "User registration, member accounts or login"):
        assert title in out
    assert "kolme konseptia" in out
    assert "kaksi korjauskierrosta" in out
    assert "4\u00a0800\u00a0€" in out
    assert "15. joulukuuta 2026" in out


def test_commands_fail_cleanly_on_a_bad_agreement(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nproject: [unclosed\n", encoding="utf-8")
    for command in ("exit", "confirm"):
        code, _, err = run(command, "--agreement", str(bad))
        assert code == 2
        assert "bad.yaml" in err
    code, _, err = run("reply", "--agreement", str(bad), "hello")
    assert code == 2
