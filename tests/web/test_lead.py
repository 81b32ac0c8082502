"""Before signing: the lead check (budget and deadline against the estimated hours and the
rate) and the understanding-check message in the client's language, with a tone switch.

A project made in the editor or from a file lands on this page ("Before you sign")."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from scopeline.core.lead import lead_check
from scopeline.core.replies.confirm import understanding_check
from scopeline.projects.models import Project
from scopeline.projects.selectors import current_agreement
from tests.web.conftest import EXAMPLES, World, agreement_post, make_project
from tests.web.test_health import snapshot

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

_MESSAGE = re.compile(r'<textarea id="understanding-text"[^>]*>(.*?)</textarea>', re.S)


def message(response: Response) -> str:
    match = _MESSAGE.search(response.content.decode())
    assert match is not None, "no understanding check on the page"
    return html.unescape(match.group(1)).removeprefix("\r\n").removeprefix("\n")


def lead_url(world: World, project: Project, ws: str | None = None) -> str:
    return reverse("project_lead", kwargs={"ws": ws or world.workspace.slug, "pk": project.pk})


def text_of(response: Response) -> str:
    return html.unescape(response.content.decode())


def test_the_lead_check_shows_the_cores_numbers(world: World) -> None:
    response = world.http(world.teammate).get(lead_url(world, world.project))
    assert response.status_code == 200
    agreement = current_agreement(world.project)
    check = lead_check(agreement, today=timezone.localdate())
    assert response.context["check"] == check
    text = text_of(response)
    assert "Before you sign" in text
    assert check.verdict == "realistic"
    assert '<span class="lead-verdict realistic">realistic</span>' in text
    assert "€3,520" in text
    assert "€4,800" in text
    assert "€80" in text
    assert "136%" in text  # the budget covers 1.36 × the cost
    assert f"{check.working_days_needed} (at 6 h a day)" in text
    assert f"{check.working_days_available} · " in text


def test_an_unrealistic_lead_with_items_without_hours(world: World) -> None:
    http = world.http(world.owner)
    data = agreement_post(
        world,
        project="Webshop for a song",
        price_amount="1500",
        **{
            "scope-TOTAL_FORMS": "2",
            "scope-0-hours": "40",
            "scope-1-id": "shop",
            "scope-1-title": "An online shop with payments",
        },
    )
    response = http.post(reverse("project_new", kwargs={"ws": world.workspace.slug}), data)
    project = Project.objects.get(name="Webshop for a song")
    assert response["Location"] == lead_url(world, project)
    page = http.get(response["Location"])
    text = text_of(page)
    assert "Project created with its agreement (version 1)." in text
    check = page.context["check"]
    assert (check.verdict, check.money, check.unestimated) == (
        "unrealistic",
        "unrealistic",
        ("shop",),
    )
    assert '<span class="lead-verdict unrealistic">unrealistic</span>' in text
    assert "1 scope item has no hours, so the estimate is too low:" in text
    assert "<code>shop</code> An online shop with payments" in text
    assert "46%" in text  # 1 500 € against 40 h × 80 € = 3 200 €


def test_the_understanding_check_is_in_the_clients_language(world: World) -> None:
    clinic = make_project(world.workspace, world.owner, "anxin-clinic")
    http = world.http(world.owner)
    agreement = current_agreement(clinic)
    texts = set()
    for tone in ("warm", "neutral", "firm"):
        response = http.get(lead_url(world, clinic) + f"?tone={tone}")
        text = message(response)
        assert text == understanding_check(agreement, tone=tone, lang="zh-Hant")
        assert "標誌設計" in text  # the scope item, as the agreement says it
        assert 'lang="zh-Hant">' in response.content.decode()
        assert f'href="?tone={tone}#understanding" aria-current="true"' in response.content.decode()
        texts.add(text)
    assert len(texts) == 3
    assert message(http.get(lead_url(world, clinic) + "?tone=rude")) == understanding_check(
        agreement, tone="neutral", lang="zh-Hant"
    )
    assert 'data-copy="#understanding-text"' in http.get(lead_url(world, clinic)).content.decode()


def test_a_project_imported_from_a_file_lands_on_the_lead_check(world: World) -> None:
    http = world.http(world.owner)
    text = (EXAMPLES / "huamei-shop.yaml").read_text(encoding="utf-8")
    response = http.post(
        reverse("project_import_new", kwargs={"ws": world.workspace.slug}),
        {"c-client": str(world.client.pk), "text": text},
    )
    project = Project.objects.get(
        workspace=world.workspace, name="Mini-program storefront for Huamei Tea"
    )
    assert response["Location"] == lead_url(world, project)
    # Importing into an existing project goes back to the project, as before.
    response = http.post(
        reverse("project_import", kwargs={"ws": world.workspace.slug, "pk": project.pk}),
        {"text": text.replace("amount: 36000", "amount: 38000")},
    )
    detail = reverse("project_detail", kwargs={"ws": world.workspace.slug, "pk": project.pk})
    assert response["Location"] == detail
    assert lead_url(world, project) in text_of(http.get(detail))


def test_strangers_get_404(world: World) -> None:
    http = world.http(world.stranger)
    before = snapshot()
    for url in (
        lead_url(world, world.project),
        lead_url(world, world.project, world.other_workspace.slug),
    ):
        assert http.get(url).status_code == 404
        assert http.post(url, {"tone": "warm"}).status_code == 404
    assert snapshot() == before
    assert world.http(world.owner).get(lead_url(world, world.other_project)).status_code == 404
