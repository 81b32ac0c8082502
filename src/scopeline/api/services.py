"""The one write layer for API tokens and webhooks (the settings pages and the API call these)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import Final

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from scopeline.accounts.models import Membership, User, Workspace
from scopeline.accounts.services import audit
from scopeline.api.models import ApiToken, Webhook

TOKEN_PREFIX_BYTES: Final = 6
TOKEN_SECRET_BYTES: Final = 32
WEBHOOK_SECRET_BYTES: Final = 32
SCOPES: Final = ("read", "write")
EVENTS: Final = tuple(Webhook.Event.values)
_TOUCH_EVERY: Final = dt.timedelta(seconds=60)


class TokenError(Exception):
    """A token that cannot be used: "malformed", "unknown", "revoked", "expired"."""


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(
    *,
    workspace: Workspace,
    actor: User,
    name: str,
    scopes: Sequence[str],
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token; the full token (``sl_<prefix>_<secret>``) is returned once, never stored."""
    chosen = [s for s in SCOPES if s in scopes]
    if "write" in chosen and "read" not in chosen:
        chosen.insert(0, "read")
    if not chosen:
        raise ValueError("a token needs a scope")
    prefix = secrets.token_hex(TOKEN_PREFIX_BYTES)
    secret = secrets.token_urlsafe(TOKEN_SECRET_BYTES)
    token = ApiToken.objects.create(
        workspace=workspace,
        name=name.strip()[:100],
        prefix=prefix,
        secret_sha256=_sha256(secret),
        scopes=chosen,
        created_by=actor,
        expires_at=expires_at,
    )
    audit(
        workspace=workspace,
        actor=actor,
        action="api_token.created",
        obj=token,
        detail={"prefix": prefix, "scopes": chosen},
    )
    return token, f"sl_{prefix}_{secret}"


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(
            workspace=token.workspace,
            actor=actor,
            action="api_token.revoked",
            obj=token,
            detail={"prefix": token.prefix},
        )
    return token


def resolve_token(raw: str, *, now: dt.datetime | None = None) -> ApiToken:
    """The live token for ``raw``, its workspace and creator loaded; raises ``TokenError``.
    A token dies with its creator's membership: someone removed from a workspace cannot keep
    reaching it through a token they made."""
    kind, _, rest = raw.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if kind != "sl" or not prefix or not secret or len(raw) > 200:
        raise TokenError("malformed")
    member = Membership.objects.filter(
        workspace_id=OuterRef("workspace_id"), user_id=OuterRef("created_by_id")
    )
    token = (
        ApiToken.objects.select_related("workspace", "created_by")
        .annotate(creator_is_member=Exists(member))
        .filter(prefix=prefix)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_sha256, _sha256(secret)):
        raise TokenError("unknown")
    now = now or timezone.now()
    if token.revoked_at is not None:
        raise TokenError("revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenError("expired")
    if not token.creator_is_member:
        raise TokenError("revoked")
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        # At most one write a minute per token: "last used" need not be exact to the second.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# -- webhooks ----------------------------------------------------------------------------------


@transaction.atomic
def create_webhook(
    *, workspace: Workspace, actor: User, url: str, events: Sequence[str]
) -> Webhook:
    chosen = [e for e in EVENTS if e in events]
    if not chosen:
        raise ValueError("a webhook needs an event")
    hook = Webhook.objects.create(
        workspace=workspace,
        url=url.strip(),
        secret="whsec_" + secrets.token_urlsafe(WEBHOOK_SECRET_BYTES),
        events=chosen,
        created_by=actor,
    )
    audit(
        workspace=workspace,
        actor=actor,
        action="webhook.created",
        obj=hook,
        detail={"url": hook.url, "events": chosen},
    )
    return hook


@transaction.atomic
def set_webhook_active(*, webhook: Webhook, actor: User, active: bool) -> Webhook:
    if webhook.active != active:
        webhook.active = active
        webhook.save(update_fields=["active"])
        audit(
            workspace=webhook.workspace,
            actor=actor,
            action="webhook.activated" if active else "webhook.paused",
            obj=webhook,
        )
    return webhook
