"""The owner's API settings page: tokens shown once, revoked, webhooks added and paused."""

from __future__ import annotations

import re

from django.urls import reverse

from scopeline.api import services
from scopeline.api.models import ApiToken, Webhook
from tests.web.conftest import World


def url(world: World, name: str, **kwargs: int) -> str:
    return reverse(name, kwargs={"ws": world.workspace.slug, **kwargs})


def test_the_owner_makes_a_token_that_is_shown_once_and_works(world: World) -> None:
    http = world.http(world.owner)
    page = http.get(url(world, "api_settings"))
    assert page.status_code == 200
    assert "No tokens yet." in page.content.decode()
    response = http.post(
        url(world, "api_settings"), {"name": "invoicing", "scope": "write"}, follow=True
    )
    text = response.content.decode()
    found = re.search(r'value="(sl_[0-9a-f]+_[\w-]+)"', text)
    assert found is not None
    token = ApiToken.objects.get()
    assert token.scopes == ["read", "write"]
    assert token.created_by == world.owner
    assert found[1].startswith(f"sl_{token.prefix}_")
    assert found[1] not in http.get(url(world, "api_settings")).content.decode()  # once
    api = world.http(None)
    response = api.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {found[1]}")
    assert response.status_code == 200

    http.post(url(world, "api_token_revoke", pk=token.pk))
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = api.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {found[1]}")
    assert response.status_code == 401


def test_token_form_errors_and_expiry(world: World) -> None:
    http = world.http(world.owner)
    response = http.post(url(world, "api_settings"), {"name": "", "scope": "admin"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    http.post(url(world, "api_settings"), {"name": "ci", "scope": "read", "expires_in_days": "7"})
    token = ApiToken.objects.get()
    assert token.scopes == ["read"]
    assert token.expires_at is not None


def test_webhooks_are_added_with_a_secret_shown_once_and_paused(world: World) -> None:
    http = world.http(world.owner)
    response = http.post(
        url(world, "webhook_new"), {"url": "ftp://example.com/x", "events": ["request.triaged"]}
    )
    assert response.status_code == 200
    assert not Webhook.objects.exists()
    response = http.post(
        url(world, "webhook_new"),
        {"url": "https://hooks.example.com/scopeline", "events": ["change_order.accepted"]},
        follow=True,
    )
    hook = Webhook.objects.get()
    assert hook.secret in response.content.decode()
    assert hook.secret not in http.get(url(world, "api_settings")).content.decode()
    assert hook.events == ["change_order.accepted"]
    http.post(url(world, "webhook_toggle", pk=hook.pk))
    hook.refresh_from_db()
    assert not hook.active
    http.post(url(world, "webhook_toggle", pk=hook.pk))
    hook.refresh_from_db()
    assert hook.active


def test_teammates_cannot_manage_tokens_and_strangers_see_nothing(world: World) -> None:
    token, _raw = services.create_token(
        workspace=world.workspace, actor=world.owner, name="x", scopes=["read"]
    )
    teammate = world.http(world.teammate)
    assert teammate.get(url(world, "api_settings")).status_code == 403
    assert teammate.post(url(world, "api_token_revoke", pk=token.pk)).status_code == 403
    stranger = world.http(world.stranger)
    assert stranger.get(url(world, "api_settings")).status_code == 404
    theirs = reverse("api_token_revoke", kwargs={"ws": world.other_workspace.slug, "pk": token.pk})
    assert stranger.post(theirs).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
