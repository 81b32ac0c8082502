"""The inbox: paste a client message, read the verdict and the drafted reply, decide once.

Every decision must land in the project's ledger (checked through the rows and through the core's
folded state), a refused decision or message must write nothing, and nobody outside the
workspace may see or decide our messages."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.apps import apps
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from scopeline.core.triage.language import detect_language
from scopeline.inbox import services as inbox
from scopeline.inbox.services import MAX_MESSAGE_CHARS, InboxError
from scopeline.projects.models import ClientRequest, LedgerEvent, Project
from scopeline.projects.selectors import project_facts, recent_citations
from scopeline.web import i18n
from tests.web.conftest import World

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

# "Add member registration to the site, or we won't pay the final invoice."
REGISTRATION = "Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua."
# "Add an online shop where customers can buy products." (out of scope, priced)
SHOP = "Lisätkää verkkokauppa, josta asiakkaat voivat ostaa tuotteita."
# "Could you add Google Analytics tracking code to the site?" (out of scope, priced)
ANALYTICS = "Voisitteko lisätä Google Analytics -seurantakoodin sivustolle?"
# "Add our phone number to the home page." (half an hour: a favour)
PHONE = "Lisätkää etusivulle puhelinnumeromme."
# "Could you change the favicon's colour a little darker?" (a revision, in scope)
REVISION = "Voisitteko vaihtaa faviconin väriä hieman tummemmaksi?"

_TEXTAREA = re.compile(r'<textarea[^>]*name="reply_text"[^>]*>(.*?)</textarea>', re.S)
_NAV_COUNT = re.compile(r'<span class="count"[^>]*>(\d+)</span>')


# -- helpers ---------------------------------------------------------------------------------


def page_text(response: Response) -> str:
    """The page as a reader sees its characters (entities decoded)."""
    return html.unescape(response.content.decode())


def reply_box(response: Response) -> str:
    """The text in the reply editor, as the browser would put it in the textarea."""
    match = _TEXTAREA.search(response.content.decode())
    assert match is not None, "no reply editor on the page"
    # Django puts a newline after <textarea>, which browsers drop.
    return html.unescape(match.group(1)).removeprefix("\r\n").removeprefix("\n")


def nav_count(response: Response) -> int:
    match = _NAV_COUNT.search(response.content.decode())
    return int(match.group(1)) if match else 0


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the sessions: to show that a refused request wrote nothing."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models():
        if model._meta.label == "sessions.Session":
            continue
        out[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
    return out


def paste(http: HttpClient, world: World, text: str, project: Project | None = None) -> Any:
    return http.post(
        reverse("request_new", kwargs={"ws": world.workspace.slug}),
        {"project": (project or world.project).pk, "text": text},
    )


def detail_url(world: World, request: ClientRequest, **query: str) -> str:
    url = reverse("request_detail", kwargs={"ws": world.workspace.slug, "pk": request.pk})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def decide(
    http: HttpClient,
    world: World,
    request: ClientRequest,
    *,
    action: str | None = None,
    note: str = "",
    tone: str = "neutral",
    advice_overridden: bool = False,
) -> Any:
    data: dict[str, str] = {
        "action": action or request.suggested_action,
        "tone": tone,
        "reply_text": request.drafts[tone],
        "note": note,
        "decide": "1",
    }
    if advice_overridden:
        data["advice_overridden"] = "on"
    return http.post(detail_url(world, request), data)


def submit(world: World, text: str) -> ClientRequest:
    return inbox.submit_request(project=world.project, actor=world.owner, text=text)


def events_of(request: ClientRequest) -> list[LedgerEvent]:
    return list(LedgerEvent.objects.filter(request=request).order_by("id"))


# -- pasting a message and reading the verdict -------------------------------------------------


def test_pasted_finnish_message_shows_the_verdict_and_a_finnish_reply(world: World) -> None:
    http = world.http(world.owner)
    response = paste(http, world, REGISTRATION)
    assert response.status_code == 302
    item = ClientRequest.objects.get()
    assert response["Location"] == detail_url(world, item)
    assert item.project == world.project
    assert item.workspace == world.workspace
    assert item.created_by == world.owner
    assert item.status == ClientRequest.Status.NEW

    # The verdict as stored: the brief's Maria example.
    assert item.lang == "fi"
    assert item.kinds == ["addition", "threat"]
    assert item.kind == "addition"
    assert (item.scope_verdict, item.scope_item) == ("excluded", "accounts")
    assert item.suggested_action == "change_order"
    assert 12 <= item.estimate_hours <= 16
    assert item.price_amount == item.estimate_hours * 80

    page = http.get(detail_url(world, item))
    assert page.status_code == 200
    text = page_text(page)
    verdict = item.verdict
    with translation.override("en"):
        price = i18n.money(item.price_amount, "EUR")
        hours = i18n.number(item.estimate_hours)
    for shown in (
        "addition",
        "threat",
        "Suomi",  # the message's language
        "excluded",
        "Exclusion",
        "accounts",
        "User registration, member accounts or login",  # the exclusion's own title
        f"about {hours} h ({verdict['estimate']['low']}–{verdict['estimate']['high']} h)",
        price,
        "Change order (priced)",
    ):
        assert shown in text, shown
    # Every reason is listed (in the reader's words: the UI may re-phrase the core's sentence).
    listed = re.search(r'<ul class="reasons">(.*?)</ul>', page.content.decode(), re.S)
    assert listed is not None
    items = [
        html.unescape(re.sub(r"<[^>]+>", "", li)).strip()
        for li in re.findall(r"<li>(.*?)</li>", listed.group(1), re.S)
    ]
    assert len(items) == len(verdict["reasons"]) > 1
    assert all(items)
    assert any("accounts" in li for li in items)  # the exclusion it matched
    assert any(hours in li for li in items)  # how the estimate was reached

    # The reply: the neutral draft in the editor, written in Finnish to the contact.
    reply = reply_box(page)
    assert reply == item.drafts["neutral"]
    assert detect_language(reply).lang == "fi"
    assert "Matti" in reply
    assert "Kiitos" in reply
    assert "Thank you" not in reply
    # The client's own words are quoted on the page.
    assert REGISTRATION in text


@pytest.mark.parametrize("tone", ["warm", "firm"])
def test_tone_switch_shows_the_other_drafts(world: World, tone: str) -> None:
    item = submit(world, REGISTRATION)
    drafts = item.drafts
    assert set(drafts) == {"warm", "neutral", "firm"}
    assert len({drafts["warm"], drafts["neutral"], drafts["firm"]}) == 3, "tones must differ"
    http = world.http(world.owner)
    page = http.get(detail_url(world, item, tone=tone))
    assert page.status_code == 200
    assert reply_box(page) == drafts[tone]
    assert f'name="tone" value="{tone}"' in page.content.decode()
    assert detect_language(drafts[tone]).lang == "fi"
    # An unknown tone falls back to the neutral draft.
    page = http.get(detail_url(world, item, tone="shouty"))
    assert reply_box(page) == drafts["neutral"]


# -- deciding ------------------------------------------------------------------------------------


def test_deciding_the_suggested_action_writes_the_ledger(world: World) -> None:
    item = submit(world, REGISTRATION)
    before = project_facts(world.project).state
    http = world.http(world.teammate)  # a member, not only the owner, may decide
    response = decide(http, world, item)
    assert response.status_code == 302
    # A change order decision opens its draft, priced as triage priced the request.
    draft = item.change_orders.get()
    assert draft.status == "draft"
    assert draft.total == item.price_amount
    assert response["Location"] == reverse(
        "change_order_detail", kwargs={"ws": world.workspace.slug, "pk": draft.pk}
    )

    item.refresh_from_db()
    assert item.status == ClientRequest.Status.DECIDED
    assert item.action == "change_order"
    assert item.decided_by == world.teammate
    assert item.decided_at is not None
    assert item.reply_text == item.drafts["neutral"]

    rows = events_of(item)
    assert [r.type for r in rows] == ["request_decided"]
    data = rows[0].data
    assert data["kind"] == "addition"
    assert data["action"] == "change_order"
    assert data["item"] == "accounts"
    assert data.get("suggested") is None  # the suggestion was taken
    assert Decimal(data["amount"]) == item.price_amount
    assert rows[0].project == world.project
    assert rows[0].workspace == world.workspace
    assert rows[0].created_by == world.teammate

    after = project_facts(world.project).state
    assert after.requests_decided == before.requests_decided + 1
    assert after.goodwill_hours_used == before.goodwill_hours_used

    draft_page = page_text(http.get(response["Location"]))
    assert f"Draft change order {draft.number} is ready to send." in draft_page
    page = http.get(detail_url(world, item))
    text = page_text(page)
    assert "request decided" in text  # the events listed under the decision
    assert 'name="reply_text"' not in text  # no second decision form


def test_favour_spends_goodwill_hours(world: World) -> None:
    item = submit(world, PHONE)
    assert item.suggested_action == "favor"
    assert Decimal(0) < item.estimate_hours <= 1
    before = project_facts(world.project).state
    assert decide(world.http(world.owner), world, item).status_code == 302
    rows = events_of(item)
    assert [r.type for r in rows] == ["request_decided", "favor"]
    assert Decimal(rows[1].data["hours"]) == item.estimate_hours
    after = project_facts(world.project).state
    assert after.goodwill_hours_used == before.goodwill_hours_used + item.estimate_hours
    world.project.refresh_from_db()
    assert world.project.hours_favor == after.hours_favor  # the summary columns follow


def test_doing_a_revision_counts_a_round(world: World) -> None:
    item = submit(world, REVISION)
    assert item.kind == "revision"
    assert item.suggested_action == "do_it"
    before = project_facts(world.project).state
    assert before.revision_rounds.used == 1
    assert decide(world.http(world.owner), world, item).status_code == 302
    assert [r.type for r in events_of(item)] == ["request_decided", "revision_round"]
    after = project_facts(world.project).state
    assert after.revision_rounds.used == 2
    assert after.revision_rounds.left == 0


def test_overriding_without_a_note_is_refused(world: World) -> None:
    item = submit(world, REGISTRATION)
    http = world.http(world.owner)
    before = snapshot()
    response = decide(http, world, item, action="favor", note="   ")
    assert response.status_code == 200
    assert "Say in a few words why you decide differently" in page_text(response)
    assert snapshot() == before
    # The service refuses it too, whoever calls it.
    with pytest.raises(InboxError, match="note_required"):
        inbox.decide_request(request=item, actor=world.owner, action="favor")
    assert snapshot() == before


def test_overriding_with_a_note_records_the_suggestion(world: World) -> None:
    item = submit(world, REGISTRATION)
    before = project_facts(world.project).state
    response = decide(
        world.http(world.owner), world, item, action="favor", note="Loyal client, small job"
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.action == "favor"
    assert item.decision_note == "Loyal client, small job"
    rows = events_of(item)
    assert [r.type for r in rows] == ["request_decided", "favor"]
    assert rows[0].data["action"] == "favor"
    assert rows[0].data["suggested"] == "change_order"
    assert "amount" not in rows[0].data or rows[0].data["amount"] is None
    after = project_facts(world.project).state
    assert after.goodwill_hours_used == before.goodwill_hours_used + item.estimate_hours
    page = page_text(world.http(world.owner).get(detail_url(world, item)))
    assert "(Suggested: Change order (priced).)" in page
    assert "Loyal client, small job" in page


def test_advice_overridden_is_recorded(world: World) -> None:
    item = submit(world, REGISTRATION)
    advice = item.verdict.get("advice")
    before = project_facts(world.project).state
    response = decide(world.http(world.owner), world, item, advice_overridden=True)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.advice_overridden is True
    rows = events_of(item)
    assert [r.type for r in rows] == ["request_decided", "advice_overridden"]
    assert rows[1].data.get("advice") == advice
    after = project_facts(world.project).state
    assert after.advice_overridden == before.advice_overridden + 1


def test_deciding_twice_is_refused(world: World) -> None:
    item = submit(world, REGISTRATION)
    owner, teammate = world.http(world.owner), world.http(world.teammate)
    assert decide(owner, world, item).status_code == 302
    before = snapshot()
    # Someone else, a moment later, with another decision and a note.
    response = decide(teammate, world, item, action="decline", note="No.")
    assert response.status_code == 200
    assert "Someone already decided on this message." in page_text(response)
    assert snapshot() == before
    item.refresh_from_db()
    assert item.action == "change_order"
    assert item.decided_by == world.owner
    with pytest.raises(InboxError, match="already_decided"):
        inbox.decide_request(request=item, actor=world.owner, action=item.suggested_action)
    assert snapshot() == before


def test_unknown_decision_is_refused(world: World) -> None:
    item = submit(world, REGISTRATION)
    http = world.http(world.owner)
    before = snapshot()
    response = decide(http, world, item, action="give_in", note="why not")
    assert response.status_code == 200
    assert snapshot() == before
    with pytest.raises(InboxError, match="unknown_action"):
        inbox.decide_request(request=item, actor=world.owner, action="give_in", note="x")
    with pytest.raises(InboxError, match="unknown_tone"):
        inbox.decide_request(
            request=item, actor=world.owner, action=item.suggested_action, tone="sarcastic"
        )
    assert snapshot() == before


def test_unhandled_count_in_the_navigation_goes_down(world: World) -> None:
    first = submit(world, REGISTRATION)
    submit(world, SHOP)
    http = world.http(world.owner)
    inbox_url = reverse("inbox", kwargs={"ws": world.workspace.slug})
    page = http.get(inbox_url)
    assert nav_count(page) == 2
    assert REGISTRATION[:40] in page_text(page)
    decide(http, world, first)
    page = http.get(inbox_url)
    assert nav_count(page) == 1
    assert REGISTRATION[:40] not in page_text(page)  # "not handled" tab
    assert REGISTRATION[:40] in page_text(http.get(inbox_url + "?show=decided"))
    # The teammate sees the same count; the stranger's workspace has none.
    assert nav_count(world.http(world.teammate).get(inbox_url)) == 1
    other = reverse("inbox", kwargs={"ws": world.other_workspace.slug})
    assert nav_count(world.http(world.stranger).get(other)) == 0


# -- refused messages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "This field is required."),
        ("   \n\t  \r\n ", "This field is required."),
        ("\x00\x01\x02PK\x03\x04\x00\x00binary\x00", "Null characters are not allowed."),
        ("Lisätkää sivu. \x00", "Null characters are not allowed."),
        ("a" * (MAX_MESSAGE_CHARS + 1), "Ensure this value has at most 20000 characters"),
    ],
    ids=["empty", "whitespace", "binary", "nul-byte", "too-long"],
)
def test_bad_messages_are_refused(world: World, text: str, message: str) -> None:
    http = world.http(world.owner)
    before = snapshot()
    response = paste(http, world, text)
    assert response.status_code == 200
    assert message in page_text(response)
    assert snapshot() == before
    assert not ClientRequest.objects.exists()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        (" \n\t ", "empty"),
        ("\x00\x00\x00", "empty"),
        ("x" * (MAX_MESSAGE_CHARS + 1), "too_long"),
    ],
)
def test_the_service_refuses_bad_messages(world: World, text: str, code: str) -> None:
    before = snapshot()
    with pytest.raises(InboxError, match=code):
        submit(world, text)
    assert snapshot() == before


def test_a_project_of_another_workspace_cannot_be_chosen(world: World) -> None:
    http = world.http(world.owner)
    form = http.get(reverse("request_new", kwargs={"ws": world.workspace.slug}))
    assert world.project.name in page_text(form)
    assert world.other_project.name not in page_text(form)
    before = snapshot()
    response = paste(http, world, REGISTRATION, project=world.other_project)
    assert response.status_code == 200
    assert "Select a valid choice." in page_text(response)
    assert snapshot() == before


def test_the_stranger_gets_404_for_our_requests(world: World) -> None:
    item = submit(world, REGISTRATION)
    http = world.http(world.stranger)
    before = snapshot()
    for ws in (world.workspace.slug, world.other_workspace.slug):
        url = reverse("request_detail", kwargs={"ws": ws, "pk": item.pk})
        assert http.get(url).status_code == 404
        assert http.get(url + "?tone=warm").status_code == 404
        data = {"action": item.suggested_action, "tone": "neutral", "reply_text": "x"}
        assert http.post(url, data).status_code == 404
    # Nor can he paste a message into our project, from his workspace or ours.
    for ws in (world.workspace.slug, world.other_workspace.slug):
        url = reverse("request_new", kwargs={"ws": ws})
        response = http.post(url, {"project": world.project.pk, "text": REGISTRATION})
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert "Select a valid choice." in page_text(response)
    assert snapshot() == before
    item.refresh_from_db()
    assert item.status == ClientRequest.Status.NEW


# -- not playing the contract card every time ----------------------------------------------


def test_fourth_reply_leads_with_value_after_replies_that_cited_the_agreement(
    world: World,
) -> None:
    http = world.http(world.owner)
    assert recent_citations(world.project) == []
    first = submit(world, REGISTRATION)
    assert first.cites == {"warm": True, "neutral": True, "firm": True}
    assert "sopimuksessa" in first.drafts["neutral"]  # "in the agreement"
    for item in (first, submit(world, SHOP), submit(world, ANALYTICS)):
        assert item.suggested_action == "change_order"
        assert decide(http, world, item).status_code == 302
    decided = list(
        ClientRequest.objects.filter(status=ClientRequest.Status.DECIDED).order_by("decided_at")
    )
    assert len(decided) == 3
    # The first two replies played the contract card, which is enough to soften the next ones.
    assert [r.cites_agreement for r in decided[:2]] == [True, True]
    history = recent_citations(world.project)
    assert len(history) == 3
    assert sum(history) >= 2

    fourth = submit(world, REGISTRATION)  # the same request as the first
    assert fourth.suggested_action == "change_order"
    assert fourth.cites == {"warm": False, "neutral": False, "firm": False}
    assert "sopimuksessa" not in fourth.drafts["neutral"]
    assert fourth.drafts["neutral"] != first.drafts["neutral"]
    # The facts and the options are still there: the price, in Finnish formatting.
    assert re.search(r"1\s120\s€", fourth.drafts["neutral"])  # no-break spaces
    assert decide(http, world, fourth).status_code == 302
    fourth.refresh_from_db()
    assert fourth.cites_agreement is False
