"""The exit kit page: the core's kit in the client's language, a tone switch without
JavaScript, the money options to pick from, the letter to edit, copy and save, and a reset.

Saving goes through the service (an audit row each time); hostile or foreign input changes
nothing; another workspace's project is "not found"."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from scopeline.accounts.models import AuditEntry
from scopeline.core.replies.exit_kit import exit_kit
from scopeline.health import services as health
from scopeline.health.models import ExitKitChoice
from scopeline.projects.models import Project
from scopeline.projects.selectors import project_facts
from tests.web.conftest import World, make_project
from tests.web.test_health import snapshot

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

_LETTER = re.compile(r'<textarea name="text"[^>]*>(.*?)</textarea>', re.S)
_HAN = re.compile(r"[\u4e00-\u9fff]")


def letter(response: Response) -> str:
    match = _LETTER.search(response.content.decode())
    assert match is not None, "no letter on the page"
    return html.unescape(match.group(1)).removeprefix("\r\n").removeprefix("\n")


def exit_url(world: World, project: Project, ws: str | None = None) -> str:
    return reverse("project_exit", kwargs={"ws": ws or world.workspace.slug, "pk": project.pk})


@pytest.fixture
def clinic(world: World) -> Project:
    return make_project(world.workspace, world.owner, "anxin-clinic")


def kit_for(project: Project, tone: str = "neutral") -> str:
    facts = project_facts(project)
    return exit_kit(facts.agreement, facts.state, tone=tone, lang="zh-Hant").text  # type: ignore[arg-type]


def test_the_kit_is_in_the_clients_language(world: World, clinic: Project) -> None:
    response = world.http(world.teammate).get(exit_url(world, clinic))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    text = letter(response)
    assert text == kit_for(clinic)
    assert len(_HAN.findall(text)) > 200  # Traditional Chinese, not English
    assert "林怡君" in text
    assert "訂金" in text
    # Each client-facing block says its language; the labels around it are the UI's.
    assert page.count('lang="zh-Hant"') >= 5
    assert '<textarea name="text" id="id_text" rows=' in page
    assert 'lang="zh-Hant" maxlength="20000">' in page
    assert "Money options" in page
    assert "Keep the deposit" in page
    assert "NT$30,000" in page  # the amounts formatted for the reader (English UI)
    # The whole letter can be copied.
    assert 'data-copy="#id_text"' in page


def test_the_tone_switch_works_without_javascript(world: World, clinic: Project) -> None:
    http = world.http(world.owner)
    texts = {}
    for tone in ("warm", "neutral", "firm"):
        response = http.get(exit_url(world, clinic) + f"?tone={tone}")
        texts[tone] = letter(response)
        assert texts[tone] == kit_for(clinic, tone)
        assert f'href="?tone={tone}" aria-current="true"' in response.content.decode()
        assert f'name="tone" value="{tone}"' in response.content.decode()
    assert len(set(texts.values())) == 3
    # A tone that does not exist falls back to neutral.
    assert letter(http.get(exit_url(world, clinic) + "?tone=<b>")) == texts["neutral"]


def test_save_the_choice_edited_and_reset(world: World, clinic: Project) -> None:
    http = world.http(world.owner)
    generated = kit_for(clinic, "warm")
    edited = generated.replace("期盼這個專案能順利圓滿。", "祝診所開幕順利。")
    assert edited != generated
    response = http.post(
        exit_url(world, clinic),
        {
            "tone": "warm",
            "money_option": "partial_refund",
            "text": edited.replace("\n", "\r\n"),
            "leave_out_of_portfolio": "on",
            "save": "1",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == exit_url(world, clinic) + "?tone=warm"
    choice = ExitKitChoice.objects.get(project=clinic)
    assert (choice.workspace, choice.tone, choice.money_option) == (
        world.workspace,
        "warm",
        "partial_refund",
    )
    assert choice.text == edited
    assert choice.leave_out_of_portfolio is True
    assert AuditEntry.objects.filter(action="exit_kit.saved", object_id=str(choice.pk)).exists()
    page = html.unescape(response.content.decode())
    assert "Exit kit saved." in page
    assert "left out of the portfolio" in page
    assert letter(response) == edited  # the saved letter comes back
    assert 'value="partial_refund" checked' in page
    assert 'name="leave_out_of_portfolio" id="id_leave_out_of_portfolio" checked' in page

    # Reset: the generated letter again, the other choices kept.
    response = http.post(exit_url(world, clinic), {"tone": "warm", "reset": "1"}, follow=True)
    choice.refresh_from_db()
    assert choice.text == ""
    assert (choice.money_option, choice.leave_out_of_portfolio) == ("partial_refund", True)
    assert letter(response) == generated
    assert "The letter is back to the generated text." in response.content.decode()
    assert AuditEntry.objects.filter(action="exit_kit.reset").count() == 1


def test_the_unedited_letter_is_stored_as_the_generated_one(world: World, clinic: Project) -> None:
    http = world.http(world.teammate)  # a teammate may save the kit too
    response = http.post(
        exit_url(world, clinic),
        {"tone": "firm", "money_option": "", "text": kit_for(clinic, "firm") + "\n  "},
    )
    assert response.status_code == 302
    choice = ExitKitChoice.objects.get(project=clinic)
    assert (choice.text, choice.money_option, choice.tone) == ("", "", "firm")
    assert choice.leave_out_of_portfolio is False
    # An empty letter is the generated one too.
    http.post(exit_url(world, clinic), {"tone": "firm", "text": ""})
    choice.refresh_from_db()
    assert choice.text == ""


@pytest.mark.parametrize(
    "data",
    [
        {"tone": "furious", "money_option": "waive"},
        {"tone": "neutral", "money_option": "waive"},  # nothing left to waive: not offered
        {"tone": "neutral", "money_option": "<script>alert(1)</script>"},
        {"tone": "neutral", "text": "x" * (health.MAX_LETTER_CHARS + 1)},
        {"tone": "neutral", "text": "hello\x00world"},
    ],
)
def test_hostile_input_changes_nothing(world: World, clinic: Project, data: dict[str, str]) -> None:
    http = world.http(world.owner)
    before = snapshot()
    response = http.post(exit_url(world, clinic), data)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert snapshot() == before
    assert not ExitKitChoice.objects.exists()


def test_the_service_refuses_what_the_form_would(world: World, clinic: Project) -> None:
    for kwargs, code in (
        ({"tone": "loud", "money_option": ""}, "unknown_tone"),
        ({"tone": "warm", "money_option": "waive"}, "unknown_money_option"),
    ):
        with pytest.raises(health.HealthError, match=code):
            health.save_exit_kit(
                project=clinic,
                actor=world.owner,
                text="",
                generated="",
                leave_out_of_portfolio=False,
                money_options=("keep_deposit",),
                **kwargs,
            )
    assert not ExitKitChoice.objects.exists()


def test_strangers_get_404_and_change_nothing(world: World, clinic: Project) -> None:
    http = world.http(world.stranger)
    before = snapshot()
    for url in (exit_url(world, clinic), exit_url(world, clinic, world.other_workspace.slug)):
        assert http.get(url).status_code == 404
        assert http.post(url, {"tone": "warm", "reset": "1"}).status_code == 404
        assert http.post(url, {"tone": "warm", "leave_out_of_portfolio": "on"}).status_code == 404
    assert snapshot() == before
    # Nor can we reach his project through our workspace.
    ours = world.http(world.owner)
    assert ours.get(exit_url(world, world.other_project)).status_code == 404
