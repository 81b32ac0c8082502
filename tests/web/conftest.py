"""The shared base of the web app's tests: a workspace with an owner and a teammate, and a
stranger with a workspace of his own, who must never see the first one's data.

Run on SQLite by default and on PostgreSQL with ``DATABASE_URL=postgres://...`` (``make test``
does both)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient

from scopeline.accounts import services as accounts
from scopeline.accounts.models import Membership, User, Workspace
from scopeline.clients import services as clients
from scopeline.clients.models import Client
from scopeline.core.loading import load_agreement
from scopeline.projects import services as projects
from scopeline.projects.models import Project

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PASSWORD = "correct horse battery staple"


@dataclass
class World:
    owner: User
    teammate: User
    stranger: User
    workspace: Workspace
    other_workspace: Workspace
    client: Client
    project: Project
    other_project: Project

    def http(self, user: User | None) -> HttpClient:
        http = HttpClient()
        if user is not None:
            http.force_login(user)
        return http


def make_project(workspace: Workspace, owner: User, example: str) -> Project:
    agreement = load_agreement(EXAMPLES / f"{example}.yaml")
    client = clients.create_client(
        workspace=workspace,
        actor=owner,
        name=agreement.client.name,
        language=agreement.client.language,
        contact=agreement.client.contact or "",
    )
    return projects.create_project(
        workspace=workspace, actor=owner, client=client, agreement=agreement
    )


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """An empty cache around each test: the portal's rate limit counts in it per address."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db: None) -> World:
    owner = User.objects.create_user("alice@example.com", PASSWORD, first_name="Alice")
    teammate = User.objects.create_user("bob@example.com", PASSWORD, first_name="Bob")
    stranger = User.objects.create_user("charlie@example.com", PASSWORD, first_name="Charlie")
    workspace = accounts.create_workspace(owner=owner, name="Studio North")
    Membership.objects.create(workspace=workspace, user=teammate, role=Membership.Role.MEMBER)
    other = accounts.create_workspace(owner=stranger, name="Charlie's Studio")
    project = make_project(workspace, owner, "acme-website")
    other_project = make_project(other, stranger, "bistro-dunarea")
    return World(
        owner=owner,
        teammate=teammate,
        stranger=stranger,
        workspace=workspace,
        other_workspace=other,
        client=project.client,
        project=project,
        other_project=other_project,
    )


def agreement_post(world: World, **changes: str) -> dict[str, str]:
    """The agreement editor's fields for a small valid agreement, with ``changes`` over them."""
    data = {
        "client": str(world.client.pk),
        "project": "Landing page",
        "currency": "EUR",
        "price_model": "fixed",
        "price_amount": "1500",
        "hourly_rate": "80",
        "deposit_percent": "50",
        "concepts": "2",
        "revision_rounds": "2",
        "favor_max_hours": "1",
        "goodwill_budget_hours": "2",
        "rush_surcharge_percent": "25",
        "scope-TOTAL_FORMS": "1",
        "scope-INITIAL_FORMS": "0",
        "scope-MIN_NUM_FORMS": "0",
        "scope-MAX_NUM_FORMS": "1000",
        "scope-0-id": "page",
        "scope-0-title": "One landing page",
        "exclusions-TOTAL_FORMS": "0",
        "exclusions-INITIAL_FORMS": "0",
        "exclusions-MIN_NUM_FORMS": "0",
        "exclusions-MAX_NUM_FORMS": "1000",
    }
    return data | changes
