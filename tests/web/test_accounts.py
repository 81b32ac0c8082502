"""Accounts in the web app: sign-up, log-in, password reset, preferences, workspace settings
and the team page, for the owner, the teammate and the stranger of the shared ``world``."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from scopeline.accounts.models import AuditEntry, Membership, User, Workspace
from tests.web.conftest import PASSWORD, World

NEW_PASSWORD = "a brand new sturdy passphrase 42"


def page(response: Any) -> str:
    """The response's text as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def actions(workspace: Workspace) -> list[str]:
    return list(
        AuditEntry.objects.filter(workspace=workspace)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


# -- sign-up -----------------------------------------------------------------------------------


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Maria Virtanen",
        "email": "maria@example.com",
        "password": "kelo-koivu-Helsinki-2026",
        "workspace_name": "Maria Design Oy",
    }
    data.update(overrides)
    return data


def test_signup_creates_user_workspace_and_owner_membership_and_logs_in(db: None) -> None:
    http = HttpClient()
    response = http.post(reverse("signup"), signup_data(email="Maria@Example.com"))

    user = User.objects.get(email="maria@example.com")
    assert (user.first_name, user.last_name) == ("Maria", "Virtanen")
    assert user.check_password("kelo-koivu-Helsinki-2026")
    workspace = Workspace.objects.get(name="Maria Design Oy")
    assert workspace.slug == "maria-design-oy"
    assert workspace.provider_name == "Maria Virtanen"
    membership = Membership.objects.get(user=user)
    assert membership.workspace == workspace
    assert membership.role == Membership.Role.OWNER
    assert actions(workspace) == ["workspace.created"]

    assert response.status_code == 302
    assert response["Location"] == reverse("client_new", kwargs={"ws": workspace.slug})
    # Logged in: the session is the new user's and workspace pages open.
    assert int(http.session["_auth_user_id"]) == user.pk
    follow = http.get(response["Location"])
    assert follow.status_code == 200
    assert "Welcome to Scopeline" in page(follow)
    # A logged-in user who opens the sign-up page again is sent home.
    assert http.get(reverse("signup"))["Location"] == reverse("home")


def test_signup_with_a_taken_email_is_refused_and_creates_nothing(world: World) -> None:
    users, workspaces = User.objects.count(), Workspace.objects.count()
    response = HttpClient().post(reverse("signup"), signup_data(email="ALICE@example.com"))
    assert response.status_code == 200
    assert "An account with this e-mail address already exists." in page(response)
    assert (User.objects.count(), Workspace.objects.count()) == (users, workspaces)
    assert "_auth_user_id" not in response.wsgi_request.session


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short."),
        ("password123", "This password is too common."),
        ("8264930175", "This password is entirely numeric."),
        ("maria.virtanen", "The password is too similar to the"),
    ],
)
def test_signup_with_a_weak_password_is_refused_and_creates_nothing(
    db: None, password: str, message: str
) -> None:
    response = HttpClient().post(
        reverse("signup"), signup_data(password=password, email="maria.virtanen@example.com")
    )
    assert response.status_code == 200
    assert message in page(response)
    assert not User.objects.exists()
    assert not Workspace.objects.exists()
    assert not Membership.objects.exists()


def test_signup_without_required_fields_shows_every_error(db: None) -> None:
    response = HttpClient().post(reverse("signup"), {"email": "not-an-address"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"full_name", "email", "password", "workspace_name"}
    assert "Enter a valid email address." in page(response)
    assert not User.objects.exists()


# -- log-in and log-out ------------------------------------------------------------------------


def test_login_with_email_and_password_then_logout(world: World) -> None:
    http = HttpClient()
    response = http.post(reverse("login"), {"username": "Alice@Example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(http.session["_auth_user_id"]) == world.owner.pk
    # Home sends the owner to her workspace's inbox.
    home = http.get(reverse("home"))
    assert home["Location"] == reverse("inbox", kwargs={"ws": world.workspace.slug})
    assert http.get(home["Location"]).status_code == 200

    out = http.post(reverse("logout"))
    assert out.status_code == 302
    assert out["Location"] == reverse("login")
    dashboard = reverse("dashboard", kwargs={"ws": world.workspace.slug})
    after = http.get(dashboard)
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))


def test_login_with_a_wrong_password_is_refused(world: World) -> None:
    http = HttpClient()
    response = http.post(reverse("login"), {"username": "alice@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in http.session
    assert "enter a correct e-mail address and password" in page(response).lower()


def test_anonymous_visitors_are_sent_to_login(world: World) -> None:
    http = HttpClient()
    assert http.get(reverse("home"))["Location"] == reverse("login")
    for name in ("dashboard", "members", "workspace_settings", "client_list", "project_list"):
        response = http.get(reverse(name, kwargs={"ws": world.workspace.slug}))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login") + "?next="), name
    assert http.get(reverse("preferences")).status_code == 302


# -- password reset ----------------------------------------------------------------------------


def test_password_reset_by_email(world: World) -> None:
    http = HttpClient()
    response = http.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    match = re.search(r"https?://testserver(/password/reset/[^/\s]+/[^/\s]+/)", str(message.body))
    assert match, message.body
    link = match[1]

    # The link leads to the form for a new password (Django hides the token behind a redirect).
    step = http.get(link)
    assert step.status_code == 302
    form_url = step["Location"]
    form_page = http.get(form_url)
    assert form_page.context["validlink"] is True
    done = http.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("password_reset_complete")

    world.owner.refresh_from_db()
    assert world.owner.check_password(NEW_PASSWORD)
    assert not world.owner.check_password(PASSWORD)
    fresh = HttpClient()
    login = fresh.post(
        reverse("login"), {"username": "alice@example.com", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    assert int(fresh.session["_auth_user_id"]) == world.owner.pk

    # The link works once: a second use (same browser or another) is refused.
    for browser in (http, HttpClient()):
        again = browser.get(link, follow=True)
        assert again.context["validlink"] is False
        assert "This link no longer works" in page(again)
    world.owner.refresh_from_db()
    assert world.owner.check_password(NEW_PASSWORD)


def test_password_reset_mismatch_keeps_the_old_password(world: World) -> None:
    http = HttpClient()
    http.post(reverse("password_reset"), {"email": "alice@example.com"})
    match = re.search(r"https?://testserver(/password/reset/\S+/)", str(mail.outbox[0].body))
    assert match
    form_url = http.get(match[1])["Location"]
    response = http.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "other one"})
    assert response.status_code == 200
    assert "didn’t match" in page(response) or "didn't match" in page(response)
    world.owner.refresh_from_db()
    assert world.owner.check_password(PASSWORD)


def test_password_reset_for_an_unknown_address_sends_nothing(world: World) -> None:
    response = HttpClient().post(reverse("password_reset"), {"email": "nobody@example.com"})
    # The same answer as for a known address, so the form tells nobody who has an account.
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


# -- preferences -------------------------------------------------------------------------------


def test_preferences_save_language_and_time_zone(world: World) -> None:
    http = world.http(world.teammate)
    response = http.post(
        reverse("preferences"),
        {
            "first_name": "Bogdan",
            "last_name": "Ionescu",
            "language": "ro",
            "time_zone": "Europe/Bucharest",
        },
    )
    assert response["Location"] == reverse("preferences")
    assert response.cookies["django_language"].value == "ro"
    world.teammate.refresh_from_db()
    assert world.teammate.first_name == "Bogdan"
    assert world.teammate.language == "ro"
    assert world.teammate.time_zone == "Europe/Bucharest"
    # The next page is in Romanian: the middleware activates the user's language.
    assert 'lang="ro"' in page(http.get(reverse("preferences")))


def test_preferences_refuse_an_unknown_time_zone_or_language(world: World) -> None:
    http = world.http(world.teammate)
    for data in (
        {"first_name": "Bob", "language": "fi", "time_zone": "Mars/Olympus_Mons"},
        {"first_name": "Bob", "language": "klingon", "time_zone": "Europe/Helsinki"},
    ):
        response = http.post(reverse("preferences"), data)
        assert response.status_code == 200
        assert "Select a valid choice." in page(response)
        world.teammate.refresh_from_db()
        assert (world.teammate.language, world.teammate.time_zone) == ("", "")


# -- workspace settings ------------------------------------------------------------------------


def settings_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Studio North Ltd",
        "provider_name": "Alice of Studio North",
        "currency": "ron",
        "hourly_rate": "95.50",
        "skills_text": "web design, WordPress , , SEO",
    }
    data.update(overrides)
    return data


def test_owner_changes_workspace_settings(world: World) -> None:
    url = reverse("workspace_settings", kwargs={"ws": world.workspace.slug})
    http = world.http(world.owner)
    assert http.get(url).status_code == 200
    response = http.post(url, settings_data())
    assert response["Location"] == url
    ws = Workspace.objects.get(pk=world.workspace.pk)
    assert ws.name == "Studio North Ltd"
    assert ws.provider_name == "Alice of Studio North"
    assert ws.currency == "RON"
    assert ws.hourly_rate == Decimal("95.50")
    assert ws.skills == ["web design", "WordPress", "SEO"]
    assert ws.slug == world.workspace.slug  # the address does not move with the name
    entry = AuditEntry.objects.get(workspace=ws, action="workspace.updated")
    assert entry.actor == world.owner
    assert "Workspace settings saved." in page(http.get(url))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("currency", "XYZ", "Unknown currency code."),
        ("currency", "", "This field is required."),
        ("hourly_rate", "-5", "The hourly rate must be more than zero."),
        ("hourly_rate", "0", "The hourly rate must be more than zero."),
        ("hourly_rate", "lots", "Enter a number."),
        ("name", "", "This field is required."),
    ],
)
def test_bad_workspace_settings_are_refused_and_change_nothing(
    world: World, field: str, value: str, message: str
) -> None:
    url = reverse("workspace_settings", kwargs={"ws": world.workspace.slug})
    before = Workspace.objects.filter(pk=world.workspace.pk).values().get()
    audit_before = AuditEntry.objects.count()
    response = world.http(world.owner).post(url, settings_data(**{field: value}))
    assert response.status_code == 200
    assert message in page(response)
    assert Workspace.objects.filter(pk=world.workspace.pk).values().get() == before
    assert AuditEntry.objects.count() == audit_before


def test_workspace_settings_are_for_owners_only(world: World) -> None:
    url = reverse("workspace_settings", kwargs={"ws": world.workspace.slug})
    before = Workspace.objects.filter(pk=world.workspace.pk).values().get()
    teammate = world.http(world.teammate)
    assert teammate.get(url).status_code == 403
    assert teammate.post(url, settings_data()).status_code == 403
    stranger = world.http(world.stranger)
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, settings_data()).status_code == 404
    assert Workspace.objects.filter(pk=world.workspace.pk).values().get() == before
    assert not AuditEntry.objects.filter(action="workspace.updated").exists()
    # The teammate's menu has no link to the settings; the owner's has.
    dashboard = reverse("dashboard", kwargs={"ws": world.workspace.slug})
    assert url not in page(teammate.get(dashboard))
    assert url in page(world.http(world.owner).get(dashboard))


# -- members -----------------------------------------------------------------------------------


def members_url(world: World) -> str:
    return reverse("members", kwargs={"ws": world.workspace.slug})


def change_url(world: World, membership: Membership) -> str:
    return reverse("member_change", kwargs={"ws": world.workspace.slug, "pk": membership.pk})


def membership(world: World, user: User) -> Membership:
    return Membership.objects.get(workspace=world.workspace, user=user)


def test_team_page_lists_members(world: World) -> None:
    text = page(world.http(world.owner).get(members_url(world)))
    assert "alice@example.com" in text
    assert "bob@example.com" in text
    assert "charlie@example.com" not in text
    assert "Add a member" in text
    teammate_view = page(world.http(world.teammate).get(members_url(world)))
    assert "alice@example.com" in teammate_view
    assert "Add a member" not in teammate_view
    assert "Change role" not in teammate_view


def test_owner_adds_an_existing_user_by_email(world: World) -> None:
    dave = User.objects.create_user("dave@example.com", PASSWORD)
    http = world.http(world.owner)
    response = http.post(members_url(world), {"email": " DAVE@example.com ", "role": "member"})
    assert response["Location"] == members_url(world)
    added = membership(world, dave)
    assert added.role == Membership.Role.MEMBER
    entry = AuditEntry.objects.get(workspace=world.workspace, action="member.added")
    assert entry.actor == world.owner
    assert entry.object_id == str(added.pk)
    assert entry.detail == {"email": "dave@example.com", "role": "member"}
    assert "Member added." in page(http.get(members_url(world)))
    # Dave can now open the workspace.
    dashboard = reverse("dashboard", kwargs={"ws": world.workspace.slug})
    assert world.http(dave).get(dashboard).status_code == 200


def test_adding_an_unknown_email_or_an_existing_member_is_refused(world: World) -> None:
    http = world.http(world.owner)
    count = Membership.objects.count()
    response = http.post(members_url(world), {"email": "nobody@example.com", "role": "member"})
    assert response.status_code == 200
    assert "There is no Scopeline account with that e-mail address." in page(response)
    response = http.post(members_url(world), {"email": "bob@example.com", "role": "owner"})
    assert response.status_code == 200
    assert "That person is already a member of this workspace." in page(response)
    assert membership(world, world.teammate).role == Membership.Role.MEMBER
    response = http.post(members_url(world), {"email": "bob@example.com", "role": "boss"})
    assert response.status_code == 200
    assert "Select a valid choice." in page(response)
    assert Membership.objects.count() == count
    assert not AuditEntry.objects.filter(action__startswith="member.").exists()


def test_owner_changes_roles_and_removes_members(world: World) -> None:
    http = world.http(world.owner)
    bob = membership(world, world.teammate)
    assert http.post(change_url(world, bob), {"role": "owner"}).status_code == 302
    assert membership(world, world.teammate).role == Membership.Role.OWNER
    assert http.post(change_url(world, bob), {"role": "member"}).status_code == 302
    assert membership(world, world.teammate).role == Membership.Role.MEMBER
    response = http.post(change_url(world, bob), {"role": "member", "remove": "1"})
    assert response["Location"] == members_url(world)
    assert not Membership.objects.filter(pk=bob.pk).exists()
    assert actions(world.workspace)[-3:] == ["member.role", "member.role", "member.removed"]
    removed = AuditEntry.objects.get(action="member.removed")
    assert removed.detail == {"email": "bob@example.com"}
    assert removed.actor == world.owner
    # Bob no longer sees the workspace.
    dashboard = reverse("dashboard", kwargs={"ws": world.workspace.slug})
    assert world.http(world.teammate).get(dashboard).status_code == 404


def test_the_last_owner_can_be_neither_demoted_nor_removed(world: World) -> None:
    http = world.http(world.owner)
    alice = membership(world, world.owner)
    response = http.post(change_url(world, alice), {"role": "member"}, follow=True)
    assert "A workspace needs at least one owner" in page(response)
    assert membership(world, world.owner).role == Membership.Role.OWNER
    response = http.post(change_url(world, alice), {"role": "owner", "remove": "1"}, follow=True)
    assert "A workspace needs at least one owner" in page(response)
    assert membership(world, world.owner).role == Membership.Role.OWNER
    assert not AuditEntry.objects.filter(action__startswith="member.").exists()

    # With a second owner, Alice may step down, and then leave.
    http.post(change_url(world, membership(world, world.teammate)), {"role": "owner"})
    assert http.post(change_url(world, alice), {"role": "member"}).status_code == 302
    assert membership(world, world.owner).role == Membership.Role.MEMBER
    # Bob, now the only owner, cannot be demoted by himself either.
    bob_http = world.http(world.teammate)
    bob_http.post(change_url(world, membership(world, world.teammate)), {"role": "member"})
    assert membership(world, world.teammate).role == Membership.Role.OWNER
    # Bob removes Alice.
    bob_http.post(change_url(world, alice), {"remove": "1"})
    assert not Membership.objects.filter(pk=alice.pk).exists()


def test_owner_leaving_is_sent_home(world: World) -> None:
    http = world.http(world.owner)
    http.post(change_url(world, membership(world, world.teammate)), {"role": "owner"})
    alice = membership(world, world.owner)
    response = http.post(change_url(world, alice), {"remove": "1"})
    assert response["Location"] == reverse("home")
    assert not Membership.objects.filter(pk=alice.pk).exists()


def test_a_teammate_cannot_add_remove_or_change_roles(world: World) -> None:
    dave = User.objects.create_user("dave@example.com", PASSWORD)
    http = world.http(world.teammate)
    before = list(Membership.objects.order_by("pk").values_list("pk", "role"))
    response = http.post(members_url(world), {"email": dave.email, "role": "member"})
    assert response.status_code in (403, 404)
    alice, bob = membership(world, world.owner), membership(world, world.teammate)
    assert http.post(change_url(world, bob), {"role": "owner"}).status_code == 403
    assert http.post(change_url(world, alice), {"role": "member"}).status_code == 403
    assert http.post(change_url(world, alice), {"remove": "1"}).status_code == 403
    assert http.post(change_url(world, bob), {"remove": "1"}).status_code == 403
    assert list(Membership.objects.order_by("pk").values_list("pk", "role")) == before
    assert not AuditEntry.objects.filter(action__startswith="member.").exists()


def test_the_stranger_gets_404_on_every_team_page(world: World) -> None:
    http = world.http(world.stranger)
    before = list(Membership.objects.order_by("pk").values_list("pk", "workspace_id", "role"))
    alice, bob = membership(world, world.owner), membership(world, world.teammate)
    assert http.get(members_url(world)).status_code == 404
    response = http.post(members_url(world), {"email": "charlie@example.com", "role": "owner"})
    assert response.status_code == 404
    for target in (alice, bob):
        assert http.post(change_url(world, target), {"role": "member"}).status_code == 404
        assert http.post(change_url(world, target), {"remove": "1"}).status_code == 404
        # Through his own workspace's address, our memberships do not exist either.
        own = reverse("member_change", kwargs={"ws": world.other_workspace.slug, "pk": target.pk})
        assert http.post(own, {"role": "member"}).status_code == 404
        assert http.post(own, {"remove": "1"}).status_code == 404
    assert list(Membership.objects.order_by("pk").values_list("pk", "workspace_id", "role")) == (
        before
    )
    assert not AuditEntry.objects.filter(action__startswith="member.").exists()
    # His own team page shows only him.
    text = page(http.get(reverse("members", kwargs={"ws": world.other_workspace.slug})))
    assert "charlie@example.com" in text
    assert "alice@example.com" not in text


def test_new_workspace_for_a_logged_in_user(world: World) -> None:
    http = world.http(world.teammate)
    response = http.post(reverse("workspace_new"), {"name": "Bob's Side Gig"})
    workspace = Workspace.objects.get(name="Bob's Side Gig")
    assert response["Location"] == reverse("dashboard", kwargs={"ws": workspace.slug})
    assert membership_of(workspace, world.teammate).role == Membership.Role.OWNER
    # Nobody else is in it.
    assert workspace.memberships.count() == 1
    dashboard = reverse("dashboard", kwargs={"ws": workspace.slug})
    assert world.http(world.owner).get(dashboard).status_code == 404


def membership_of(workspace: Workspace, user: User) -> Membership:
    return Membership.objects.get(workspace=workspace, user=user)
