"""The UI in five languages: complete catalogues, and no English left on translated pages."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.urls import reverse

from scopeline.inbox import services as inbox
from tests.web.conftest import World

LOCALE = Path(__file__).resolve().parents[2] / "src" / "scopeline" / "locale"
UI_LANGUAGES = {"fi": "fi", "ro": "ro", "zh-hant": "zh_Hant", "zh-hans": "zh_Hans"}
_TAGS = re.compile(r"<(script|style|template|svg)\b.*?</\1>|<[^>]+>", re.S)
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog(folder: str) -> Catalog:
    with (LOCALE / folder / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("folder", sorted(UI_LANGUAGES.values()))
def test_catalogue_is_complete(folder: str) -> None:
    catalog = _catalog(folder)
    assert not catalog.fuzzy, f"{folder}: the header is marked fuzzy"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = [
            str(s)
            for s in (
                message.string if isinstance(message.string, tuple | list) else (message.string,)
            )
        ]
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {message.id!r}")
        ids = [
            str(i) for i in (message.id if isinstance(message.id, tuple | list) else (message.id,))
        ]
        wanted = set(_PLACEHOLDER.findall(" ".join(ids)))
        for s in strings:
            if set(_PLACEHOLDER.findall(s)) != wanted:
                problems.append(f"placeholders differ: {message.id!r} -> {s!r}")
    assert not problems, "\n".join(problems)


def _visible_text(html: str) -> str:
    return " ".join(unescape(_TAGS.sub(" ", html)).split())


@pytest.mark.parametrize("code", sorted(UI_LANGUAGES))
def test_translated_pages_have_no_english_left(world: World, code: str) -> None:
    catalog = _catalog(UI_LANGUAGES[code])
    english = {
        message.id
        for message in catalog
        if isinstance(message.id, str)
        and " " in message.id
        and "%(" not in message.id
        and message.string != message.id
    }
    world.owner.language = code
    world.owner.save(update_fields=["language"])
    request = inbox.submit_request(
        project=world.project,
        actor=world.owner,
        text="Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua.",
    )
    http = world.http(world.owner)
    ws = world.workspace.slug
    pages = [
        reverse("dashboard", kwargs={"ws": ws}),
        reverse("inbox", kwargs={"ws": ws}) + "?show=all",
        reverse("request_new", kwargs={"ws": ws}),
        reverse("request_detail", kwargs={"ws": ws, "pk": request.pk}),
        reverse("client_list", kwargs={"ws": ws}),
        reverse("client_detail", kwargs={"ws": ws, "pk": world.client.pk}),
        reverse("project_list", kwargs={"ws": ws}),
        reverse("project_detail", kwargs={"ws": ws, "pk": world.project.pk}),
        reverse("project_edit", kwargs={"ws": ws, "pk": world.project.pk}),
        reverse("members", kwargs={"ws": ws}),
        reverse("workspace_settings", kwargs={"ws": ws}),
        reverse("preferences"),
    ]
    for url in pages:
        response = http.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{code}">' in html, url
        text = _visible_text(html)
        left = sorted(s for s in english if s in text)
        assert not left, f"{url} in {code} still shows English: {left}"
