"""The demo workspace: five clients in five languages, their agreements and a few weeks of mail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from scopeline.accounts.models import Membership, User, Workspace
from scopeline.clients import services as clients
from scopeline.core.loading import read_agreement
from scopeline.health import services as health
from scopeline.inbox import services as inbox
from scopeline.projects import services as projects
from scopeline.projects.models import AgreementVersion

DEMO_EMAIL = "demo@scopeline.example"
DEMO_PASSWORD = "scopeline-demo"
TEAMMATE_EMAIL = "ana@scopeline.example"
WORKSPACE_SLUG = "demo"

# What the freelancer has learnt about each client ("know the client").
NOTES = {
    "acme-website": "Matti decides quickly but the CEO has the last word on visuals. "
    "Pays on time. Prefers Finnish, short e-mails.",
    "bistro-dunarea": "Family restaurant; the owner's son handles the website. "
    "Busy in the evenings, answer before noon.",
    "anxin-clinic": "Dr. Lin approves everything personally; the clinic manager collects "
    "feedback from the staff. Rejected several concepts already.",
    "huamei-shop": "Mainland tea shop on a WeChat mini-program. Pushes on price; "
    "confirm every change in writing.",
    "brightpath-mvp": "Seed-stage startup, investor demo coming up. "
    "The CTO writes long messages at night.",
}


@dataclass(frozen=True)
class DemoSummary:
    workspace: Workspace
    projects: int
    requests: int
    decided: int


def _data(name: str) -> Any:
    return resources.files("scopeline.web.demo").joinpath(name)


def demo_exists() -> bool:
    return Workspace.objects.filter(slug=WORKSPACE_SLUG).exists()


@transaction.atomic
@health.refresh_once()  # each client's health once, at the end
def load_demo(*, today: dt.date | None = None, progress: Any = None) -> DemoSummary:
    """Create the demo user, teammate, workspace, clients, projects, ledgers and inbox."""
    now = timezone.now()
    today = today or timezone.localdate()
    owner = User.objects.filter(email=DEMO_EMAIL).first() or User.objects.create_user(
        DEMO_EMAIL, DEMO_PASSWORD, first_name="Maria", last_name="Demo", language="en"
    )
    workspace = Workspace.objects.create(
        name="Studio North (demo)",
        slug=WORKSPACE_SLUG,
        provider_name="Studio North",
        skills=["web design", "wordpress", "seo", "branding"],
        currency="EUR",
        hourly_rate=80,
    )
    Membership.objects.create(workspace=workspace, user=owner, role=Membership.Role.OWNER)
    teammate = User.objects.filter(email=TEAMMATE_EMAIL).first() or User.objects.create_user(
        TEAMMATE_EMAIL, DEMO_PASSWORD, first_name="Ana", last_name="Teammate", language="ro"
    )
    Membership.objects.create(workspace=workspace, user=teammate, role=Membership.Role.MEMBER)

    messages = yaml.safe_load(_data("requests.yaml").read_text(encoding="utf-8"))
    folder = _data("agreements")
    n_projects = n_requests = n_decided = 0
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        stem = entry.name.removesuffix(".yaml")
        agreement = read_agreement(entry.read_bytes(), source=entry.name)
        c = agreement.client
        client = clients.create_client(
            workspace=workspace,
            actor=owner,
            name=c.name,
            language=c.language,
            contact=c.contact or "",
            email=c.email or "",
            notes=NOTES.get(stem, ""),
        )
        project = projects.create_project(
            workspace=workspace,
            actor=owner,
            client=client,
            agreement=agreement,
            source=AgreementVersion.Source.DEMO,
            note=entry.name,
        )
        n_projects += 1
        for i, message in enumerate(messages.get(stem, [])):
            days_ago = int(message["days_ago"])
            received = now - dt.timedelta(days=days_ago, hours=(i * 5) % 9, minutes=(i * 17) % 60)
            request = inbox.submit_request(
                project=project,
                actor=owner,
                text=message["text"],
                received_at=received,
                channel="email",
            )
            n_requests += 1
            if message.get("decide"):
                inbox.decide_request(
                    request=request,
                    actor=owner,
                    action=request.suggested_action,
                    tone="neutral",
                    decided_on=today - dt.timedelta(days=max(days_ago - 1, 0)),
                )
                n_decided += 1
            if progress is not None:
                progress(f"{client.name}: {n_requests} messages triaged")
    _demo_change_orders(workspace, owner)
    return DemoSummary(workspace, n_projects, n_requests, n_decided)


def _demo_change_orders(workspace: Workspace, owner: User) -> None:
    """Decided change orders became drafts; send the first of each project without e-mail, and
    let the first two clients accept theirs in the portal, so every state is there to see."""
    from django.conf import settings

    from scopeline.changeorders import services as changeorders
    from scopeline.changeorders.documents import render_document, sha256
    from scopeline.changeorders.models import ChangeOrder

    accepted = 0
    for project in workspace.projects.order_by("name"):
        draft = (
            ChangeOrder.objects.filter(project=project, status=ChangeOrder.Status.DRAFT)
            .order_by("sequence")
            .first()
        )
        if draft is None:
            continue
        co, _url = changeorders.mark_sent(co=draft, actor=owner, site_url=settings.SITE_URL)
        if accepted < 2:
            link, _token = changeorders.create_portal_link(client=project.client, actor=owner)
            changeorders.accept(
                link=link,
                number=co.number,
                name=project.client.contact or project.client.name,
                document_hash=sha256(render_document(co)),
                ip="127.0.0.1",
                user_agent="Scopeline demo",
            )
            accepted += 1
