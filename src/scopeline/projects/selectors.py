"""Reads for the projects app: the current agreement, the folded ledger, inbox queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from scopeline.accounts.models import Workspace
from scopeline.clients.models import Client
from scopeline.core import Agreement, ProjectState, project_state, status_statement
from scopeline.core.events import Event
from scopeline.core.languages import parse_language
from scopeline.projects.agreements import agreement_from_version, decode_events
from scopeline.projects.models import ClientRequest, LedgerEvent, Project


@dataclass(frozen=True)
class ProjectFacts:
    """A project's current agreement and its ledger folded by the core."""

    agreement: Agreement
    events: list[Event]
    rows: list[LedgerEvent]
    state: ProjectState


def current_agreement(project: Project) -> Agreement:
    version = project.current_version
    if version is None:
        raise LookupError(f"project {project.pk} has no agreement yet")
    return agreement_from_version(version.data)


def project_facts(project: Project) -> ProjectFacts:
    agreement = current_agreement(project)
    rows = list(LedgerEvent.objects.filter(project=project).order_by("date", "id"))
    events = decode_events((row.type, row.data) for row in rows)
    return ProjectFacts(agreement, events, rows, project_state(agreement, events))


def client_statement(project: Project, facts: ProjectFacts) -> str:
    """The status statement in the project's client's language."""
    return status_statement(facts.agreement, facts.state, parse_language(project.client.language))


def unhandled_count(workspace: Workspace) -> int:
    return ClientRequest.objects.filter(
        workspace=workspace, status=ClientRequest.Status.NEW
    ).count()


def client_projects(client: Client) -> QuerySet[Project]:
    return client.projects.order_by("-updated_at")


def workspace_projects(workspace: Workspace) -> QuerySet[Project]:
    return Project.objects.filter(workspace=workspace).select_related("client", "current_version")


def recent_citations(project: Project, *, limit: int = 3) -> list[bool]:
    """Whether each of the client's last replies cited the agreement, oldest first."""
    cited = list(
        ClientRequest.objects.filter(
            project__client_id=project.client_id, status=ClientRequest.Status.DECIDED
        )
        .exclude(reply_text="")
        .order_by("-decided_at", "-id")
        .values_list("cites_agreement", flat=True)[:limit]
    )
    return cited[::-1]
