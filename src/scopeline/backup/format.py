"""The workspace backup file, format ``scopeline-workspace`` version 1.

One JSON object::

    {"format": "scopeline-workspace", "version": 1, "exported_at": "2026-03-02T09:00:00+00:00",
     "secrets": false,
     "workspace": {"name": ..., "slug": ..., ...},
     "users": [{"email": ..., "first_name": ..., ...}],
     "members": [{"id": 1, "user": "alice@example.com", "role": "owner", ...}],
     "clients": [...], "projects": [...], "versions": [...], "requests": [...],
     "events": [...], "change_orders": [...], ... "audit": [...]}

- Every section in :data:`SECTIONS` is a list of objects, one per row, in primary-key order,
  each with every column of its model: ``id`` is the row's id *in the file* (the importer gives
  rows new ids and rewrites every reference), a reference to another row is that row's ``id``,
  a reference to a user is the user's e-mail address (listed once in ``users``), and the
  workspace itself is implied. Sections are written in an order where every reference points
  to an earlier section, except the few listed as deferred (a project's current version, a
  change order's predecessor), which the importer sets once every row exists.
- Amounts are strings (``"4800.000"``), never floats; dates are ``YYYY-MM-DD``; times are ISO
  8601 with their UTC offset; JSON columns are copied as they are; stored files (an incoming
  e-mail's raw message, its attachments) are ``{"name": ..., "content": <base64>}``.
- Secrets (:data:`SECRET_FIELDS`: password hashes, the portal links' and API tokens' hashes,
  webhook secrets, the intake mailbox password) are written only with ``--include-secrets``
  (``"secrets": true``). Without them the importer gives each one a fresh random value that
  opens nothing: users sign in after a password reset, clients get new portal links, the
  owner makes new API tokens, sets the webhook secrets and the mailbox password again.
- A field missing from an object takes its model default (files from before a column was
  added still import); an unknown field, section or version is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

FORMAT: Final = "scopeline-workspace"
VERSION: Final = 1


@dataclass(frozen=True)
class Section:
    key: str
    model: str
    """``app_label.ModelName``."""
    workspace_path: str
    """The lookup from a row to its workspace (``workspace``, ``project__workspace``...)."""


SECTIONS: Final[tuple[Section, ...]] = (
    Section("members", "accounts.Membership", "workspace"),
    Section("clients", "clients.Client", "workspace"),
    Section("projects", "projects.Project", "workspace"),
    Section("versions", "projects.AgreementVersion", "project__workspace"),
    Section("requests", "projects.ClientRequest", "workspace"),
    Section("events", "projects.LedgerEvent", "workspace"),
    Section("change_orders", "changeorders.ChangeOrder", "workspace"),
    Section("change_order_lines", "changeorders.ChangeOrderLine", "change_order__workspace"),
    Section("change_order_counters", "changeorders.ChangeOrderCounter", "workspace"),
    Section("portal_links", "changeorders.PortalLink", "workspace"),
    Section("notifications", "changeorders.Notification", "workspace"),
    Section("health_settings", "health.HealthSettings", "workspace"),
    Section("client_health", "health.ClientHealth", "workspace"),
    Section("exit_kits", "health.ExitKitChoice", "workspace"),
    Section("imported_time", "timeimport.ImportedEntry", "workspace"),
    Section("intake_mailbox", "intake.IntakeMailbox", "workspace"),
    Section("incoming_emails", "intake.IncomingEmail", "workspace"),
    Section("email_attachments", "intake.EmailAttachment", "workspace"),
    Section("api_tokens", "api.ApiToken", "workspace"),
    Section("webhooks", "api.Webhook", "workspace"),
    Section("webhook_deliveries", "api.WebhookDelivery", "webhook__workspace"),
    # Last: its object ids are rewritten to the new ids of the rows above.
    Section("audit", "accounts.AuditEntry", "workspace"),
)

EXCLUDED: Final[dict[str, str]] = {
    "timeimport.TimeUpload": "an uploaded file waiting an hour for its preview, not data",
}
"""Models that belong to a workspace but are not backed up, and why."""

WORKSPACE_FIELDS: Final = (
    "name",
    "slug",
    "provider_name",
    "skills",
    "currency",
    "hourly_rate",
    "created_at",
)
USER_FIELDS: Final = ("first_name", "last_name", "language", "time_zone", "is_active")
"""A user's e-mail is their key; staff and superuser flags are never backed up."""

SECRET_FIELDS: Final[frozenset[tuple[str, str]]] = frozenset(
    {
        ("accounts.User", "password"),
        ("changeorders.PortalLink", "token_hash"),
        ("api.ApiToken", "secret_sha256"),
        ("api.Webhook", "secret"),
        ("intake.IntakeMailbox", "password"),
    }
)


def _remap_health_flags(value: Any, new_id: Callable[[str, str], str]) -> Any:
    """A client's stored health flags name projects, messages and ledger events by id."""
    if not isinstance(value, list):
        return value
    out = []
    for flag in value:
        if not isinstance(flag, dict):
            out.append(flag)
            continue
        flag = dict(flag)
        if isinstance(flag.get("project"), str):
            flag["project"] = new_id("projects", flag["project"])
        evidence = []
        for item in flag.get("evidence") or []:
            if isinstance(item, dict):
                item = dict(item)
                section = "requests" if item.get("kind") == "request" else "events"
                if isinstance(item.get("ref"), str):
                    item["ref"] = new_id(section, item["ref"])
                if isinstance(item.get("project"), str):
                    item["project"] = new_id("projects", item["project"])
            evidence.append(item)
        if "evidence" in flag:
            flag["evidence"] = evidence
        out.append(flag)
    return out


JSON_ID_FIELDS: Final[dict[tuple[str, str], Callable[[Any, Callable[[str, str], str]], Any]]] = {
    ("health.ClientHealth", "flags"): _remap_health_flags,
}
"""JSON columns that hold row ids, and how to rewrite them on import."""
