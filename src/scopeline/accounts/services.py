"""The one write layer for accounts and workspaces (views and commands call these)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from scopeline.accounts.models import AuditEntry, Membership, User, Workspace


class WorkspaceError(Exception):
    """A change that the workspace's rules do not allow; the message is shown to the user."""


def audit(
    *,
    workspace: Workspace,
    actor: User | None,
    action: str,
    obj: Any,
    detail: dict[str, Any] | None = None,
) -> None:
    AuditEntry.objects.create(
        workspace=workspace,
        actor=actor,
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "pk", "")),
        detail=detail or {},
    )


def unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=False)[:50] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_workspace(*, owner: User, name: str, provider_name: str = "") -> Workspace:
    workspace = Workspace.objects.create(
        name=name, slug=unique_slug(name), provider_name=provider_name or name
    )
    Membership.objects.create(workspace=workspace, user=owner, role=Membership.Role.OWNER)
    audit(workspace=workspace, actor=owner, action="workspace.created", obj=workspace)
    return workspace


@transaction.atomic
def sign_up(
    *, email: str, password: str, full_name: str, workspace_name: str, language: str = ""
) -> tuple[User, Workspace]:
    first, _, last = full_name.strip().partition(" ")
    user = User.objects.create_user(
        email, password, first_name=first, last_name=last.strip(), language=language
    )
    workspace = create_workspace(owner=user, name=workspace_name, provider_name=full_name.strip())
    return user, workspace


@transaction.atomic
def add_member(*, workspace: Workspace, actor: User, email: str, role: str) -> Membership:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise WorkspaceError("no_such_user")
    membership, created = Membership.objects.get_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    if not created:
        raise WorkspaceError("already_member")
    audit(
        workspace=workspace,
        actor=actor,
        action="member.added",
        obj=membership,
        detail={"email": user.email, "role": role},
    )
    return membership


@transaction.atomic
def change_role(*, membership: Membership, actor: User, role: str) -> Membership:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Membership.Role.OWNER and role != Membership.Role.OWNER:
        _keep_an_owner(locked)
    locked.role = role
    locked.save(update_fields=["role"])
    audit(
        workspace=locked.workspace,
        actor=actor,
        action="member.role",
        obj=locked,
        detail={"role": role},
    )
    return locked


@transaction.atomic
def remove_member(*, membership: Membership, actor: User) -> None:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Membership.Role.OWNER:
        _keep_an_owner(locked)
    audit(
        workspace=locked.workspace,
        actor=actor,
        action="member.removed",
        obj=locked,
        detail={"email": locked.user.email},
    )
    locked.delete()


def _keep_an_owner(membership: Membership) -> None:
    owners = list(
        Membership.objects.select_for_update()
        .filter(workspace_id=membership.workspace_id, role=Membership.Role.OWNER)
        .values_list("pk", flat=True)
    )
    if owners == [membership.pk]:
        raise WorkspaceError("last_owner")


@transaction.atomic
def update_workspace(*, workspace: Workspace, actor: User, **fields: Any) -> Workspace:
    allowed = {"name", "provider_name", "skills", "currency", "hourly_rate"}
    changed = [name for name in fields if name in allowed]
    for name in changed:
        setattr(workspace, name, fields[name])
    workspace.save(update_fields=changed)
    audit(workspace=workspace, actor=actor, action="workspace.updated", obj=workspace)
    return workspace


_PREFERENCES = ("first_name", "last_name", "language", "time_zone")


def update_preferences(*, user: User, **fields: str) -> User:
    """The user's own name, interface language and time zone (those given)."""
    changed = [name for name in _PREFERENCES if name in fields]
    for name in changed:
        setattr(user, name, fields[name])
    user.save(update_fields=changed)
    return user
