"""Security of the web app as a whole: CSRF on every POST, login before every workspace page,
404 for strangers everywhere, the production deploy check, headers and cookies.

The URL tables below must name every URL of the app (a test compares them with the URL
configuration), so that a new view cannot be added without being covered here."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import string
import subprocess
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from scopeline.accounts.models import Membership
from scopeline.api import services as api_services
from scopeline.changeorders import services as changeorders
from scopeline.inbox import services as inbox
from scopeline.intake import services as intake
from scopeline.projects.models import ClientRequest
from scopeline.timeimport import services as timeimport
from tests.web.conftest import EXAMPLES, PASSWORD, World, agreement_post

ROOT = Path(__file__).resolve().parents[2]
PHONE = "Lisätkää etusivulle puhelinnumeromme."

# Every page under /w/<ws>/, with the object its URL names (None: no pk).
WORKSPACE_URLS: dict[str, str | None] = {
    "dashboard": None,
    "dashboard_csv": None,
    "inbox": None,
    "request_new": None,
    "request_detail": "request",
    "client_list": None,
    "client_new": None,
    "client_detail": "client",
    "client_edit": "client",
    "project_list": None,
    "project_new": None,
    "project_import_new": None,
    "project_detail": "project",
    "project_edit": "project",
    "project_import": "project",
    "project_export": "project",
    "project_versions": "project",
    "ledger_record": "project",
    "project_status": "project",
    "members": None,
    "member_change": "membership",
    "workspace_settings": None,
    "change_order_list": None,
    "change_order_new": None,
    "change_order_detail": "change_order",
    "change_order_edit": "change_order",
    "change_order_action": "change_order",
    "change_order_pdf": "change_order",
    "change_order_document": "change_order",
    "change_order_record": "change_order",
    "portal_link_new": "client",
    "portal_link_revoke": "portal_link",
    "notifications": None,
    "client_health": "client",
    "project_exit": "project",
    "project_lead": "project",
    "health_settings": None,
    "intake": None,
    "intake_upload": None,
    "intake_mailbox": None,
    "intake_email": "incoming_email",
    "intake_email_raw": "incoming_email",
    "intake_attachment": "email_attachment",
    "time_import": "project",
    "time_import_preview": "time_upload",
    "time_import_confirm": "time_upload",
    "api_settings": None,
    "api_token_revoke": "api_token",
    "webhook_new": None,
    "webhook_toggle": "webhook",
}
# Views that answer POST only: the workspace check comes first (login redirect, 404), and only
# a member who may use the view gets 405 for a GET.
POST_ONLY = {
    "ledger_record",
    "project_status",
    "member_change",
    "change_order_action",
    "portal_link_new",
    "portal_link_revoke",
    "time_import_confirm",
    "api_token_revoke",
    "webhook_new",
    "webhook_toggle",
}
# The client portal: public, by token (tests/web/test_portal.py covers it, CSRF included).
PORTAL_URLS = {
    "portal_home",
    "portal_change_order",
    "portal_pdf",
    "portal_document",
    "portal_record",
}
# URLs outside any workspace.
OTHER_URLS = {
    "home",
    "signup",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "password_change",
    "password_change_done",
    "preferences",
    "set_language",
    "workspace_new",
}


def url_names() -> set[str]:
    """The names of every URL outside the admin."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and namespace is None:
                names.add(p.name)

    walk(get_resolver().url_patterns, None)
    return names


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the sessions."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models():
        if model._meta.label == "sessions.Session":
            continue
        out[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
    return out


def logged_in(world: World, user: Any, *, csrf: bool) -> HttpClient:
    http = HttpClient(enforce_csrf_checks=csrf)
    http.force_login(user)
    return http


@dataclass
class Objects:
    request: ClientRequest
    membership: Membership
    ids: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def objects(world: World) -> Objects:
    request = inbox.submit_request(project=world.project, actor=world.owner, text=PHONE)
    membership = Membership.objects.get(workspace=world.workspace, user=world.teammate)
    order = changeorders.create_change_order(
        project=world.project,
        actor=world.owner,
        title="Member registration",
        lines=[changeorders.Line("Member registration", Decimal(14), Decimal(80))],
    )
    link, _token = changeorders.create_portal_link(client=world.client, actor=world.owner)
    email = intake.receive_email(
        workspace=world.workspace,
        raw=(ROOT / "tests/data/eml/en-alternative-attachments.eml").read_bytes(),
        source="upload",
        actor=world.owner,
    ).email
    assert email is not None
    time_upload = timeimport.store_upload(
        project=world.project,
        actor=world.owner,
        filename="toggl.csv",
        content=(ROOT / "tests/data/timesheets/toggl-detailed.csv").read_bytes(),
    )
    api_token, _raw = api_services.create_token(
        workspace=world.workspace, actor=world.owner, name="sync", scopes=["read"]
    )
    webhook = api_services.create_webhook(
        workspace=world.workspace,
        actor=world.owner,
        url="https://hooks.example.com/x",
        events=["request.triaged"],
    )
    return Objects(
        request=request,
        membership=membership,
        ids={
            "request": request.pk,
            "client": world.client.pk,
            "project": world.project.pk,
            "membership": membership.pk,
            "change_order": order.pk,
            "portal_link": link.pk,
            "incoming_email": email.pk,
            "email_attachment": email.attachments.all()[0].pk,
            "time_upload": time_upload.pk,
            "api_token": api_token.pk,
            "webhook": webhook.pk,
        },
    )


def workspace_url(name: str, ws: str, objects: Objects) -> str:
    kind = WORKSPACE_URLS[name]
    kwargs: dict[str, Any] = {"ws": ws}
    if kind is not None:
        kwargs["pk"] = objects.ids[kind]
    return reverse(name, kwargs=kwargs)


def test_the_tables_name_every_url() -> None:
    assert url_names() == set(WORKSPACE_URLS) | OTHER_URLS | PORTAL_URLS


# -- CSRF --------------------------------------------------------------------------------------


def post_payloads(world: World, objects: Objects) -> dict[str, dict[str, str]]:
    """For each view that takes a form: data it would accept (so that a refusal is the CSRF
    check's doing, not the form's). The other URLs get an empty POST."""
    acme = (EXAMPLES / "acme-website.yaml").read_text(encoding="utf-8")
    return {
        "request_new": {"project": str(world.project.pk), "text": PHONE},
        "request_detail": {
            "action": objects.request.suggested_action,
            "tone": "neutral",
            "reply_text": objects.request.drafts["neutral"],
            "note": "",
        },
        "client_new": {"name": "Beta Oy", "language": "fi"},
        "client_edit": {"name": "Acme Oyj", "language": "fi", "contact": "Matti"},
        "project_new": agreement_post(world, price_amount="1500"),
        "project_edit": {
            k: v for k, v in agreement_post(world, price_amount="5200").items() if k != "client"
        },
        "project_import_new": {"c-client": str(world.client.pk), "text": acme},
        "project_import": {"text": acme.replace("amount: 4800", "amount: 5000")},
        "ledger_record": {"type": "hours", "date": "2026-11-02", "hours": "2.5"},
        "project_status": {"status": "completed"},
        "members": {"email": world.stranger.email, "role": "member"},
        "member_change": {"role": "owner"},
        "workspace_settings": {
            "name": "Studio South",
            "provider_name": "Studio South Oy",
            "currency": "EUR",
            "hourly_rate": "95",
            "skills_text": "web design, seo",
        },
        "preferences": {
            "first_name": "Alicia",
            "last_name": "Smith",
            "language": "fi",
            "time_zone": "Europe/Helsinki",
        },
        "set_language": {"language": "ro", "next": "/"},
        "change_order_new": {"project": str(world.project.pk), **change_order_fields()},
        "change_order_edit": change_order_fields(),
        "change_order_action": {"action": "withdraw"},
        "portal_link_new": {},
        "portal_link_revoke": {},
        "project_exit": {"tone": "warm", "money_option": "", "leave_out_of_portfolio": "on"},
        "health_settings": {
            "out_of_scope_window_days": "21",
            "out_of_scope_per_window": "1",
            "rate_floor_percent": "80",
            "rate_floors": "EUR 50",
            "over_budget_percent": "10",
            "payment_grace_days": "7",
            "consider_ending_below": "60",
        },
        "api_settings": {"name": "sync", "scope": "read"},
        "api_token_revoke": {},
        "webhook_new": {"url": "https://hooks.example.com/y", "events": ["request.triaged"]},
        "webhook_toggle": {},
        "intake_mailbox": {
            "action": "save",
            "host": "imap.example.com",
            "port": "993",
            "security": "ssl",
            "username": "intake@example.com",
            "password": "mailbox secret",
            "folder": "INBOX",
            "enabled": "on",
        },
        "intake_email": {"action": "dismiss"},
        "workspace_new": {"name": "Second studio"},
        "time_import_confirm": {
            "encoding": "auto",
            "date": "Start date",
            "duration": "Duration",
            "date_order": "auto",
        },
        "password_change": {
            "old_password": PASSWORD,
            "new_password1": "a much longer passphrase 42",
            "new_password2": "a much longer passphrase 42",
        },
    }


def change_order_fields() -> dict[str, str]:
    valid = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    return {
        "title": "Newsletter sign-up",
        "valid_until": valid,
        "days": "1",
        "concepts": "0",
        "revision_rounds": "0",
        "terms": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "Newsletter sign-up form",
        "lines-0-hours": "3",
        "lines-0-rate": "80",
    }


# Views for anonymous visitors, with the data they would accept.
def anonymous_payloads(world: World) -> dict[str, dict[str, str]]:
    return {
        "login": {"username": world.owner.email, "password": PASSWORD},
        "signup": {
            "full_name": "Dana Doe",
            "email": "dana@example.com",
            "password": "a much longer passphrase 42",
            "workspace_name": "Dana Design",
        },
        "password_reset": {"email": world.owner.email},
    }


def reset_confirm_url(http: HttpClient, world: World) -> str:
    """The password-setting page of a valid reset link (the link redirects to it)."""
    uid = urlsafe_base64_encode(force_bytes(world.owner.pk))
    token = default_token_generator.make_token(world.owner)
    link = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    response = http.get(link)
    assert response.status_code == 302
    return str(response["Location"])


def all_post_targets(world: World, objects: Objects, http: HttpClient) -> list[tuple[str, str]]:
    """(name, url) for every URL of the app, ours where it names a workspace or an object."""
    targets = [
        (name, workspace_url(name, world.workspace.slug, objects)) for name in WORKSPACE_URLS
    ]
    for name in sorted(OTHER_URLS):
        if name == "password_reset_confirm":
            targets.append((name, reset_confirm_url(http, world)))
        else:
            targets.append((name, reverse(name)))
    return targets


def test_every_post_without_a_csrf_token_is_refused(world: World, objects: Objects) -> None:
    http = logged_in(world, world.owner, csrf=True)
    payloads = post_payloads(world, objects)
    before = snapshot()
    for name, url in all_post_targets(world, objects, http):
        response = http.post(url, payloads.get(name, {}))
        assert response.status_code == 403, name
        assert snapshot() == before, name
    # Still logged in (the logout was refused too), and nothing was decided.
    assert http.get(reverse("dashboard", kwargs={"ws": world.workspace.slug})).status_code == 200
    objects.request.refresh_from_db()
    assert objects.request.status == ClientRequest.Status.NEW

    anonymous = HttpClient(enforce_csrf_checks=True)
    for name, data in anonymous_payloads(world).items():
        response = anonymous.post(reverse(name), data)
        assert response.status_code == 403, name
        assert snapshot() == before, name
    assert mail.outbox == []
    assert "_auth_user_id" not in anonymous.session
    response = anonymous.post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_the_same_posts_with_a_token_do_change_things(world: World, objects: Objects) -> None:
    """The other side of the test above: its payloads are accepted when the token is there,
    so its 403s came from the CSRF check. (The test client skips the check by default.)"""
    for name, data in anonymous_payloads(world).items():
        before = snapshot()
        response = HttpClient().post(reverse(name), data)
        assert response.status_code == 302, name
        if name == "password_reset":
            assert len(mail.outbox) == 1
        else:
            assert snapshot() != before, name
    http = logged_in(world, world.owner, csrf=False)
    payloads = post_payloads(world, objects)
    for name, data in payloads.items():
        url = (
            workspace_url(name, world.workspace.slug, objects)
            if name in WORKSPACE_URLS
            else reverse(name)
        )
        before = snapshot()
        response = http.post(url, data)
        assert response.status_code == 302, (name, response.content[:2000])
        assert snapshot() != before, name


def test_a_form_with_its_token_is_accepted_under_csrf_checks(world: World) -> None:
    """A real browser round trip: the token from the page makes the same POST pass."""
    http = logged_in(world, world.owner, csrf=True)
    url = reverse("client_new", kwargs={"ws": world.workspace.slug})
    page = http.get(url)
    token = page.context["csrf_token"]
    assert http.post(url, {"name": "Gamma Oy", "language": "en"}).status_code == 403
    response = http.post(url, {"name": "Gamma Oy", "language": "en", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert world.workspace.clients.filter(name="Gamma Oy").exists()


# -- who may see what ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(world: World, objects: Objects) -> None:
    http = HttpClient()
    login = reverse("login")
    before = snapshot()
    for name in WORKSPACE_URLS:
        url = workspace_url(name, world.workspace.slug, objects)
        response = http.post(url, {})
        assert response.status_code == 302, name
        assert response["Location"].startswith(f"{login}?next="), name
        response = http.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(f"{login}?next="), name
    for name in ("preferences", "workspace_new", "password_change"):
        response = http.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(f"{login}?next=")
    assert snapshot() == before


def test_the_stranger_gets_404_everywhere_in_our_workspace(world: World, objects: Objects) -> None:
    http = world.http(world.stranger)
    data = post_payloads(world, objects)
    before = snapshot()
    for name, kind in WORKSPACE_URLS.items():
        ours = workspace_url(name, world.workspace.slug, objects)
        assert http.post(ours, data.get(name, {})).status_code == 404, name
        assert http.get(ours).status_code == 404, name
        if kind is not None:
            # Our ids through his own workspace: just as unknown to him.
            his = workspace_url(name, world.other_workspace.slug, objects)
            assert http.post(his, data.get(name, {})).status_code == 404, name
            # In his own workspace a POST-only view answers a GET with 405 for any id,
            # ours or none: it reveals nothing.
            assert http.get(his).status_code == (405 if name in POST_ONLY else 404), name
    assert snapshot() == before
    # A workspace that does not exist looks exactly the same.
    ghost = reverse("dashboard", kwargs={"ws": "no-such-studio"})
    assert http.get(ghost).status_code == 404


# -- the production configuration ------------------------------------------------------------------


def _deploy_check(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    key = "".join(
        secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(50)
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SCOPELINE_", "DJANGO_", "DATABASE_", "EMAIL_"))
        and k not in ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS")
    }
    env |= {
        "SCOPELINE_DEBUG": "false",
        "SCOPELINE_HTTPS": "true",
        "SECRET_KEY": key,
        "ALLOWED_HOSTS": "scopeline.example.com",
        "SCOPELINE_SITE_URL": "https://scopeline.example.com",
        "EMAIL_HOST": "smtp.example.com",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/scopeline",
        "SCOPELINE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "scopeline.web.settings",
    }
    env |= overrides
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_deploy_check_passes_with_the_production_environment(tmp_path: Path) -> None:
    result = _deploy_check(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output.upper()


@pytest.mark.parametrize(
    ("overrides", "finding"),
    [
        # Session cookie sent over plain HTTP, no HSTS, no redirect to HTTPS.
        ({"SCOPELINE_HTTPS": "false"}, "security.W012 security.W004 security.W008"),
        ({"EMAIL_HOST": ""}, "scopeline.W001"),
        ({"SCOPELINE_SITE_URL": "https://other.example.com"}, "scopeline.E001"),
        ({"SCOPELINE_SITE_URL": "http://scopeline.example.com"}, "scopeline.W002"),
    ],
)
def test_deploy_check_finds_a_weaker_configuration(
    tmp_path: Path, overrides: dict[str, str], finding: str
) -> None:
    result = _deploy_check(tmp_path, **overrides)
    assert result.returncode != 0
    for code in finding.split():
        assert code in result.stdout + result.stderr


# -- headers and cookies ------------------------------------------------------------------------


def test_security_headers_on_pages(world: World, objects: Objects) -> None:
    owner = world.http(world.owner)
    pages = [
        (owner, workspace_url("dashboard", world.workspace.slug, objects), 200),
        (owner, workspace_url("request_detail", world.workspace.slug, objects), 200),
        (owner, workspace_url("project_export", world.workspace.slug, objects), 200),
        (HttpClient(), reverse("login"), 200),
        (world.http(world.stranger), workspace_url("inbox", world.workspace.slug, objects), 404),
        (
            world.http(world.teammate),
            reverse("workspace_settings", args=[world.workspace.slug]),
            403,
        ),
    ]
    for http, url, status in pages:
        response = http.get(url)
        assert response.status_code == status, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url


def test_session_cookie_is_http_only(world: World) -> None:
    http = HttpClient()
    page = http.get(reverse("login"))
    assert page.cookies["csrftoken"]["httponly"] is True
    response = http.post(reverse("login"), {"username": world.owner.email, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert http.get(reverse("home")).status_code == 302  # logged in: on to the inbox
