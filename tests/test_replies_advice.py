"""The advice library: its content, matching messages to entries, user files, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scopeline.core.languages import SUPPORTED_LANGUAGES
from scopeline.core.replies.advice import AdviceError, load_advice
from scopeline.core.triage.estimate import load_catalogue

DATA = Path(__file__).resolve().parent.parent / "src" / "scopeline" / "core" / "data"


def test_at_least_twenty_entries_in_all_five_languages() -> None:
    library = load_advice()
    assert len(library.entries) >= 20
    for entry in library.entries:
        for texts in (entry.request, entry.purpose, entry.alternative, entry.reasons):
            assert set(texts) == set(SUPPORTED_LANGUAGES), entry.id
        assert entry.hours.low <= entry.hours.likely <= entry.hours.high
        assert set(entry.phrases) == set(SUPPORTED_LANGUAGES), entry.id


def test_catalogue_links_point_at_real_tasks() -> None:
    tasks = {task.id for task in load_catalogue().tasks}
    for entry in load_advice().entries:
        assert entry.catalogue <= tasks, entry.id


def test_the_brief_s_examples_are_covered() -> None:
    ids = {entry.id for entry in load_advice().entries}
    for wanted in (
        "member-registration",
        "autoplay-music",
        "entry-popup",
        "logo-bigger",
        "copy-competitor",
        "guaranteed-first-place",
        "unlimited-revisions",
        "more-concepts",
        "rush-delivery",
        "platform-switch",
        "free-extra-graphics",
    ):
        assert wanted in ids


def test_some_entries_decline() -> None:
    stances = {entry.id: entry.stance for entry in load_advice().entries}
    assert stances["guaranteed-first-place"] == "decline"
    assert stances["copy-competitor"] == "decline"


@pytest.mark.parametrize(
    ("text", "lang", "kinds", "expected"),
    [
        (
            "Could the website play background music automatically?",
            "en",
            ["addition"],
            "autoplay-music",
        ),
        (
            "Can you guarantee we rank first on Google?",
            "en",
            ["addition"],
            "guaranteed-first-place",
        ),
        (
            "Voisitteko lisätä sivustolle jäsenrekisteröinnin?",
            "fi",
            ["addition"],
            "member-registration",
        ),
        ("Vă rog să faceți logo-ul mai mare pe prima pagină.", "ro", ["revision"], "logo-bigger"),
        ("可以保證我們在 Google 排名第一嗎？", "zh-Hant", ["addition"], "guaranteed-first-place"),
        ("网站能不能加个自动播放的背景音乐？", "zh-Hans", ["addition"], "autoplay-music"),
        ("Please add a contact form.", "en", ["addition"], None),
        ("Thanks, looks great!", "en", ["approval"], None),
    ],
)
def test_matching_messages(text: str, lang: str, kinds: list[str], expected: str | None) -> None:
    entry = load_advice().match(text, lang, kinds)
    assert (entry.id if entry else None) == expected


def test_the_catalogue_task_triage_matched_wins() -> None:
    entry = load_advice().match("anything at all", "en", ["addition"], "member-registration")
    assert entry is not None
    assert entry.id == "member-registration"
    # ... but only for the request kinds the entry applies to.
    assert load_advice().match("anything at all", "en", ["question"], "member-registration") is None


def test_a_user_file_adds_entries(tmp_path: Path) -> None:
    shipped = yaml.safe_load((DATA / "advice.yaml").read_text(encoding="utf-8"))["entries"][0]
    own = {**shipped, "id": "my-own-entry", "phrases": {"en": ["purple unicorn banner"]}}
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "entries": [own]}), encoding="utf-8")
    library = load_advice([path])
    assert len(library.entries) == len(load_advice().entries) + 1
    found = library.match("Add a purple unicorn banner please", "en", own["kinds"])
    assert found is not None
    assert found.id == "my-own-entry"
    assert library.digest != load_advice().digest


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("just text", "expected a mapping with an 'entries' list"),
        ("entries: [{kinds: [addition]}]", "each entry needs an 'id'"),
        ("entries: [{id: x, kinds: [wish]}]", "x.kinds: expected a list of request kinds"),
        ("entries: [{id: x, kinds: [addition], stance: maybe}]", "x.stance: expected one of"),
        (
            "entries: [{id: x, kinds: [addition], stance: reshape, request: {en: a}}]",
            "x.request: missing fi, ro, zh-Hant, zh-Hans",
        ),
        ("entries: [{id: x}, {id: x}]", "x.kinds"),
        ("entries: [\n  {id: x", "YAML syntax error"),
    ],
)
def test_bad_user_files_are_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AdviceError, match=r"bad\.yaml") as caught:
        load_advice([path])
    assert message in str(caught.value)


def test_binary_and_missing_user_files(tmp_path: Path) -> None:
    binary = tmp_path / "advice.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01" * 10)
    with pytest.raises(AdviceError, match=r"advice\.yaml"):
        load_advice([binary])
    with pytest.raises(AdviceError, match="cannot read"):
        load_advice([tmp_path / "missing.yaml"])


def test_braces_in_advice_texts_are_refused(tmp_path: Path) -> None:
    shipped = yaml.safe_load((DATA / "advice.yaml").read_text(encoding="utf-8"))["entries"][0]
    bad = {**shipped, "alternative": {**shipped["alternative"], "en": "Use {this}."}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"entries": [bad]}), encoding="utf-8")
    with pytest.raises(AdviceError, match="braces"):
        load_advice([path])
