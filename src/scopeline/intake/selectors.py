"""Reads for the intake pages."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from scopeline.accounts.models import Workspace
from scopeline.intake.models import EmailAttachment, IncomingEmail, IntakeMailbox
from scopeline.projects.models import Project

LISTS = ("unmatched", "rejected", "all")


def email_list(workspace: Workspace, show: str) -> QuerySet[IncomingEmail]:
    rows = (
        IncomingEmail.objects.filter(workspace=workspace)
        .select_related("client", "project", "project__client")
        .annotate(attachment_count=Count("attachments"))
        .defer("text", "notes")
        .order_by("-received_at", "-id")
    )
    if show == "unmatched":
        rows = rows.filter(status=IncomingEmail.Status.UNMATCHED)
    elif show == "rejected":
        rows = rows.filter(status=IncomingEmail.Status.REJECTED)
    return rows


def unmatched_count(workspace: Workspace) -> int:
    return IncomingEmail.objects.filter(
        workspace=workspace, status=IncomingEmail.Status.UNMATCHED
    ).count()


def email_for(workspace: Workspace, pk: int) -> IncomingEmail | None:
    return (
        IncomingEmail.objects.select_related(
            "client", "project", "project__client", "request", "assigned_by"
        )
        .filter(workspace=workspace, pk=pk)
        .first()
    )


def attachments_of(email: IncomingEmail) -> list[EmailAttachment]:
    return list(email.attachments.order_by("id"))


def attachment_for(workspace: Workspace, pk: int) -> EmailAttachment | None:
    return EmailAttachment.objects.filter(workspace=workspace, pk=pk).first()


def assignable_projects(workspace: Workspace) -> QuerySet[Project]:
    return (
        Project.objects.filter(
            workspace=workspace, status=Project.Status.ACTIVE, current_version__isnull=False
        )
        .select_related("client")
        .order_by("client__name", "name")
    )


def mailbox_of(workspace: Workspace) -> IntakeMailbox | None:
    return IntakeMailbox.objects.filter(workspace=workspace).first()
