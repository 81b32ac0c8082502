"""The one write layer for clients."""

from __future__ import annotations

from django.db import transaction

from scopeline.accounts.models import User, Workspace
from scopeline.accounts.services import audit
from scopeline.clients.models import Client

FIELDS = ("name", "language", "contact", "email", "notes")


@transaction.atomic
def create_client(
    *,
    workspace: Workspace,
    actor: User | None,
    name: str,
    language: str,
    contact: str = "",
    email: str = "",
    notes: str = "",
) -> Client:
    client = Client.objects.create(
        workspace=workspace, name=name, language=language, contact=contact, email=email, notes=notes
    )
    audit(workspace=workspace, actor=actor, action="client.created", obj=client)
    return client


@transaction.atomic
def update_client(*, client: Client, actor: User, **fields: str) -> Client:
    changed = [name for name in FIELDS if name in fields and getattr(client, name) != fields[name]]
    for name in changed:
        setattr(client, name, fields[name])
    if changed:
        client.save(update_fields=[*changed, "updated_at"])
        audit(
            workspace=client.workspace,
            actor=actor,
            action="client.updated",
            obj=client,
            detail={"fields": changed},
        )
    return client
