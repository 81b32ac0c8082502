"""Every template of the app renders, in every UI language, and no page shows an unfilled
placeholder (``{{``, ``{%``, ``%(``, ``{name}``), which is how a broken translation or a
forgotten context variable shows up to a user.

The pages are reached as a person would (the owner's tour, form errors, the messages after a
redirect, the error pages, the password e-mail); a test checks that the tour reached every
template file on disk, so a new template cannot go unrendered."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import loader
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from scopeline.api import webhooks
from scopeline.api.models import ApiToken, Webhook
from scopeline.changeorders import services
from scopeline.changeorders.models import ChangeOrder, PortalLink
from scopeline.clients.models import Client
from scopeline.inbox import services as inbox
from scopeline.intake.models import IncomingEmail, IntakeMailbox
from scopeline.projects.models import ClientRequest, Project
from scopeline.timeimport.models import TimeUpload
from tests.web.conftest import EXAMPLES, PASSWORD, World, agreement_post

SRC = Path(__file__).resolve().parents[2] / "src" / "scopeline"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
REGISTRATION = "Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua."
NEW_PASSWORD = "a much longer passphrase 42"

_UNFILLED = re.compile(r"\{\{|\}\}|\{%|%\}|%\(\w*\)?|\{[a-z_]+\}")


def template_files() -> set[str]:
    """Every template under src/scopeline/*/templates, by the name Django loads it with."""
    return {
        str(path.relative_to(folder)).replace("\\", "/")
        for folder in SRC.glob("*/templates")
        for path in folder.rglob("*")
        if path.is_file()
    }


def unfilled(text: str) -> list[str]:
    hits = set(_UNFILLED.findall(text)) | set(_UNFILLED.findall(html.unescape(text)))
    return sorted(hits)


class Tour:
    """Collects the templates the visited pages rendered and checks every page's text."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.templates: set[str] = set()
        self.pages = 0

    def see(self, response: Any, status: int = 200, *, message: bool = False) -> str:
        """Check a response; ``message``: it must show a flash message (after a redirect)."""
        assert response.status_code == status, (response.request, response.status_code)
        if message:
            assert '<ul class="messages"' in response.content.decode(), response.request
        self.templates |= {t.name for t in response.templates if t.name}
        text: str = response.content.decode()
        self.check(text, str(response.request.get("PATH_INFO")))
        if text and "text/html" in response.get("Content-Type", ""):
            # The page speaks the visitor's language.
            assert f'<html lang="{self.lang}"' in text or text.startswith("<!doctype html><html>")
        self.pages += 1
        return text

    def check(self, text: str, where: str) -> None:
        assert not unfilled(text), f"[{self.lang}] {where}: {unfilled(text)}"


def in_language(user: Any, lang: str) -> None:
    user.language = lang
    user.save(update_fields=["language"])


def anonymous(lang: str) -> HttpClient:
    return HttpClient(HTTP_ACCEPT_LANGUAGE=lang)


def copies(template: ClientRequest, n: int) -> None:
    """``n`` more stored messages like ``template``, for the inbox's pager."""
    fields = {
        f.attname: getattr(template, f.attname)
        for f in ClientRequest._meta.concrete_fields
        if f.attname != "id"
    }
    now = timezone.now()
    ClientRequest.objects.bulk_create(
        ClientRequest(**{**fields, "received_at": now - dt.timedelta(minutes=i + 1)})
        for i in range(n)
    )


def owner_tour(world: World, tour: Tour) -> None:
    in_language(world.owner, tour.lang)
    http = world.http(world.owner)
    ws = world.workspace.slug
    p = world.project.pk

    def url(name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"ws": ws, **kwargs})

    # Empty states first.
    tour.see(http.get(url("dashboard")))
    tour.see(http.get(url("inbox")))
    tour.see(http.get(url("inbox") + "?show=decided"))

    # A message: refused, pasted, read in each tone, decided wrongly, decided, decided again.
    tour.see(http.post(url("request_new"), {"project": p, "text": "  "}))
    tour.see(http.get(url("request_new")))
    response = http.post(url("request_new"), {"project": p, "text": REGISTRATION}, follow=True)
    tour.see(response)
    item = ClientRequest.objects.filter(project=world.project).latest("id")
    assert item.text == REGISTRATION
    for tone in ("warm", "neutral", "firm"):
        tour.see(http.get(url("request_detail", pk=item.pk) + f"?tone={tone}"))
        tour.check(item.drafts[tone], f"draft {tone}")
    decision = {"tone": "neutral", "reply_text": item.drafts["neutral"], "decide": "1"}
    tour.see(http.post(url("request_detail", pk=item.pk), decision | {"action": "favor"}))
    response = http.post(
        url("request_detail", pk=item.pk),
        decision | {"action": item.suggested_action, "advice_overridden": "on"},
        follow=True,
    )
    tour.see(response, message=True)
    item.refresh_from_db()
    assert item.status == ClientRequest.Status.DECIDED
    tour.see(
        http.post(url("request_detail", pk=item.pk), decision | {"action": "favor", "note": "x"}),
        message=True,  # already decided
    )
    copies(item, 60)
    tour.see(http.get(url("inbox") + "?show=all"))
    tour.see(http.get(url("inbox") + "?show=all&page=2"))
    tour.see(http.get(url("dashboard")))

    # Clients.
    tour.see(http.get(url("client_list")))
    tour.see(http.get(url("client_new")))
    tour.see(http.post(url("client_new"), {"name": "", "language": "xx", "email": "nope"}))
    tour.see(http.get(url("client_detail", pk=world.client.pk)))
    tour.see(http.get(url("client_edit", pk=world.client.pk)))
    response = http.post(
        url("client_edit", pk=world.client.pk),
        {"name": "Acme Oy", "language": "fi", "contact": "Matti Virtanen"},
        follow=True,
    )
    tour.see(response, message=True)

    intake_tour(world, tour, http, url)

    # Projects: the editor (new, invalid, edit, unchanged), import, ledger, status, history.
    tour.see(http.get(url("project_list")))
    tour.see(http.get(url("project_list") + "?status=all"))
    tour.see(http.get(url("project_new")))
    tour.see(http.post(url("project_new"), agreement_post(world, price_amount="")))
    tour.see(http.post(url("project_new"), agreement_post(world), follow=True), message=True)
    assert Project.objects.filter(workspace=world.workspace, name="Landing page").exists()
    tour.see(http.get(url("project_detail", pk=p)))
    tour.see(http.get(url("project_edit", pk=p)))
    # As the editor page posts it: the stored scope items are the formset's initial forms.
    edit = agreement_post(world, project="Acme website", **{"scope-INITIAL_FORMS": "1"})
    del edit["client"]
    tour.see(http.post(url("project_edit", pk=p), edit, follow=True), message=True)  # version 2
    assert world.project.versions.count() == 2
    tour.see(http.post(url("project_edit", pk=p), edit, follow=True), message=True)  # no change
    assert world.project.versions.count() == 2
    tour.see(http.get(url("project_versions", pk=p)))
    tour.see(http.get(url("project_versions", pk=p) + "?v=1"))
    acme = (EXAMPLES / "acme-website.yaml").read_text(encoding="utf-8")
    tour.see(http.get(url("project_import_new")))
    tour.see(http.post(url("project_import_new"), {"c-client": world.client.pk, "text": "a: ["}))
    response = http.post(
        url("project_import_new"), {"c-client": world.client.pk, "text": acme}, follow=True
    )
    tour.see(response, message=True)  # "Project created from … with … ledger events."
    tour.see(http.get(url("project_import", pk=p)))
    tour.see(http.post(url("project_import", pk=p), {"text": acme}, follow=True), message=True)
    assert world.project.versions.count() == 3  # "Imported as version 3."
    tour.see(http.post(url("project_import", pk=p), {"text": acme}, follow=True), message=True)
    assert world.project.versions.count() == 3  # "The agreement is the same …"
    ledger = {"type": "hours", "date": "2026-11-02", "hours": "2"}
    for data in (ledger, ledger | {"hours": ""}):
        tour.see(http.post(url("ledger_record", pk=p), data, follow=True), message=True)
    time_import_tour(http, tour, url, p)
    for status in ("nonsense", "completed"):
        response = http.post(url("project_status", pk=p), {"status": status}, follow=True)
        tour.see(response, message=True)
    world.project.refresh_from_db()
    assert world.project.status == "completed"

    health_tour(world, tour, http, url)

    # Team and settings.
    tour.see(http.get(url("members")))
    tour.see(http.post(url("members"), {"email": "nobody@example.com", "role": "member"}))
    tour.see(http.get(url("workspace_settings")))
    tour.see(http.post(url("workspace_settings"), {"name": "Studio North", "currency": "XYZ"}))

    # API tokens and webhooks: empty, form errors, a token and a webhook shown once, a delivery.
    tour.see(http.get(url("api_settings")))
    tour.see(http.post(url("api_settings"), {"name": "", "scope": "nope"}))
    tour.see(http.post(url("webhook_new"), {"url": "ftp://x", "events": []}))
    data = {"name": "sync", "scope": "write", "expires_in_days": "30"}
    tour.see(http.post(url("api_settings"), data, follow=True), message=True)
    hook = {"url": "http://127.0.0.1:9/hook", "events": ["request.triaged"]}
    tour.see(http.post(url("webhook_new"), hook, follow=True), message=True)
    webhook = Webhook.objects.get(workspace=world.workspace)
    webhooks.emit(world.workspace.pk, "request.triaged", {"request": {"id": 1}})
    tour.see(http.post(url("webhook_toggle", pk=webhook.pk), follow=True), message=True)
    token = ApiToken.objects.get(workspace=world.workspace)
    tour.see(http.post(url("api_token_revoke", pk=token.pk), follow=True), message=True)
    ApiToken.objects.filter(pk=token.pk).delete()  # the next language's tour makes its own
    Webhook.objects.filter(pk=webhook.pk).delete()

    # Outside the workspace.
    tour.see(http.get(reverse("preferences")))
    tour.see(http.get(reverse("workspace_new")))
    tour.see(http.get(reverse("password_change")))
    response = http.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    tour.see(response)

    # The error pages: a stranger's 404, a teammate's 403.
    stranger = world.http(world.stranger)
    in_language(world.stranger, tour.lang)
    tour.see(stranger.get(url("project_detail", pk=p)), 404)
    in_language(world.teammate, tour.lang)
    tour.see(world.http(world.teammate).get(url("workspace_settings")), 403)


def intake_tour(world: World, tour: Tour, http: HttpClient, url: Any) -> None:
    """E-mail intake: the empty list, an upload with a triaged, an unmatched, a refused and a
    repeated file, the lists, assigning a message with attachments to a project, and the
    mailbox page (a failed connection test, saved settings, a failed check and its error)."""
    from tests.web.test_intake import closed_port, mailbox_post

    def eml(name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, (SRC.parents[1] / "tests/data/eml" / name).read_bytes())

    Client.objects.filter(pk=world.client.pk).update(email="matti.virtanen@acme.example")
    tour.see(http.get(url("intake")))
    tour.see(http.get(url("intake_upload")))
    tour.see(http.post(url("intake_upload"), {}))
    names = ["fi-plain-quoted.eml", "en-alternative-attachments.eml", "malformed.eml"]
    response = http.post(url("intake_upload"), {"emls": [eml(n) for n in [*names, names[0]]]})
    tour.see(response)
    tour.see(http.get(url("intake")))
    tour.see(http.get(url("intake") + "?show=all"))
    tour.see(http.get(url("intake") + "?show=rejected"))
    email = IncomingEmail.objects.get(workspace=world.workspace, status="unmatched")
    tour.see(http.get(url("intake_email", pk=email.pk)))
    tour.see(http.post(url("intake_email", pk=email.pk), {"action": "assign", "project": "0"}))
    assign = {"action": "assign", "project": world.project.pk}
    tour.see(http.post(url("intake_email", pk=email.pk), assign, follow=True), message=True)
    tour.see(http.get(url("intake_email", pk=email.pk)))

    tour.see(http.get(url("intake_mailbox")))
    tour.see(http.post(url("intake_mailbox"), mailbox_post(action="test")))
    saved = http.post(url("intake_mailbox"), mailbox_post(port=str(closed_port())), follow=True)
    tour.see(saved, message=True)
    response = http.post(url("intake_mailbox"), {"action": "poll"}, follow=True)
    tour.see(response, message=True)  # could not connect; the error is on the page
    IntakeMailbox.objects.filter(workspace=world.workspace).delete()  # the next language's own


def time_import_tour(http: HttpClient, tour: Tour, url: Any, p: int) -> None:
    """A time tracker's export: the upload page, a refused file, the preview with its bad
    rows, the same file read in a wrong encoding, and the import."""
    toggl = (SRC.parents[1] / "tests/data/timesheets/toggl-bad-rows.csv").read_bytes()
    tour.see(http.get(url("time_import", pk=p)))
    refused = SimpleUploadedFile("book.xlsx", b"PK\x03\x04" + b"\x00" * 40)
    tour.see(http.post(url("time_import", pk=p), {"file": refused}))
    response = http.post(
        url("time_import", pk=p), {"file": SimpleUploadedFile("toggl.csv", toggl)}, follow=True
    )
    tour.see(response)
    upload = TimeUpload.objects.latest("id")
    tour.see(http.get(url("time_import_preview", pk=upload.pk) + "?encoding=utf-16"))
    mapping = {"encoding": "auto", "date": "Start date", "duration": "Duration"}
    mapping |= {"date_order": "auto", "skip_problems": "on"}
    response = http.post(url("time_import_confirm", pk=upload.pk), mapping, follow=True)
    tour.see(response, message=True)


def health_tour(world: World, tour: Tour, http: HttpClient, url: Any) -> None:
    """Client health (healthy, and red with every kind of evidence), the exit kit (tones, a
    refused and a saved choice, a reset), the lead check and the thresholds (errors, saved)."""
    from tests.web.test_health import red_project, stored_request

    tour.see(http.get(url("client_health", pk=world.client.pk)))
    red = red_project(world)
    stored_request(red, kinds=["addition"], scope="excluded", action="decline", decided=True)
    tour.see(http.get(url("client_list")))  # the score badges
    tour.see(http.get(url("client_detail", pk=red.client_id)))
    tour.see(http.get(url("client_health", pk=red.client_id)))
    for tone in ("warm", "neutral", "firm"):
        tour.see(http.get(url("project_exit", pk=red.pk) + f"?tone={tone}"))
        tour.see(http.get(url("project_lead", pk=red.pk) + f"?tone={tone}"))
    tour.see(http.post(url("project_exit", pk=red.pk), {"tone": "x", "money_option": "nope"}))
    saved = {"tone": "warm", "money_option": "keep_deposit", "text": "Edited.", "save": "1"}
    tour.see(http.post(url("project_exit", pk=red.pk), saved, follow=True), message=True)
    reset = {"tone": "warm", "reset": "1"}
    tour.see(http.post(url("project_exit", pk=red.pk), reset, follow=True), message=True)
    tour.see(http.get(url("health_settings")))
    bad = {"rate_floors": "XYZ 5\nEUR -1\nnonsense", "consider_ending_below": "500"}
    tour.see(http.post(url("health_settings"), bad))
    good = {
        "out_of_scope_window_days": "30",
        "out_of_scope_per_window": "2",
        "rate_floor_percent": "70",
        "rate_floors": "EUR 50",
        "over_budget_percent": "20",
        "payment_grace_days": "14",
        "consider_ending_below": "50",
    }
    tour.see(http.post(url("health_settings"), good, follow=True), message=True)


def visitor_tour(world: World, tour: Tour) -> None:
    http = anonymous(tour.lang)
    tour.see(http.get(reverse("login")))
    tour.see(http.post(reverse("login"), {"username": world.owner.email, "password": "wrong"}))
    tour.see(http.get(reverse("signup")))
    tour.see(http.post(reverse("signup"), {"email": world.owner.email, "password": "123"}))
    tour.see(http.get(reverse("password_reset")))
    response = http.post(reverse("password_reset"), {"email": world.owner.email})
    tour.see(response, 302)  # renders the e-mail's templates
    tour.see(http.get(response["Location"]))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    body, subject = str(message.body), str(message.subject)
    tour.check(subject, "reset e-mail subject")
    tour.check(body, "reset e-mail body")
    link = re.search(r"https?://\S+/password/reset/\S+/", body)
    assert link is not None, body
    response = http.get(link.group(0), follow=True)
    tour.see(response)  # the form to set a new password
    form_url = response.redirect_chain[-1][0]
    response = http.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    tour.see(response)  # the "complete" page
    tour.see(http.get(link.group(0), follow=True))  # a used link: "invalid"
    uid = urlsafe_base64_encode(force_bytes(world.owner.pk))
    bad = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": "bad-token"})
    tour.see(http.get(bad))
    assert not default_token_generator.check_token(world.owner, "bad-token")
    tour.see(http.get(reverse("password_reset_done")))
    tour.see(http.get(reverse("password_reset_complete")))


CLIENT_LANGUAGE = {"en": "en", "fi": "fi", "ro": "ro", "zh-hant": "zh-Hant", "zh-hans": "zh-Hans"}


def change_order_tour(world: World, tour: Tour, on_commit: Any) -> None:
    """A change order from a decision to the client's answers, and the portal's error pages;
    the client reads the tour's language, so the portal and the document do too."""
    cache.clear()  # the portal's rate limit counts per address, across the parametrized runs
    world.owner.refresh_from_db()  # the owner tour changed the password
    world.client.language = CLIENT_LANGUAGE[tour.lang]
    world.client.email = "client@example.com"
    world.client.save(update_fields=["language", "email"])
    in_language(world.owner, tour.lang)
    http = world.http(world.owner)
    ws = world.workspace.slug

    def url(name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"ws": ws, **kwargs})

    tour.see(http.get(url("change_order_list")))  # empty
    message = inbox.submit_request(
        project=world.project,
        actor=world.owner,
        text="Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua.",
    )
    response = http.post(
        url("request_detail", pk=message.pk),
        {"action": "change_order", "tone": "neutral", "reply_text": "", "note": ""},
        follow=True,
    )
    tour.see(response, message=True)  # the draft, with its document
    co = ChangeOrder.objects.get(request=message)
    tour.see(http.get(url("change_order_edit", pk=co.pk)))
    tour.see(http.post(url("change_order_edit", pk=co.pk), {"title": ""}))  # errors
    tour.see(http.get(url("change_order_new") + f"?project={world.project.pk}"))
    mail.outbox.clear()
    # The e-mail goes out from a background task (inline here, once the click commits),
    # rendered outside the response.
    with on_commit(execute=True):
        response = http.post(url("change_order_action", pk=co.pk), {"action": "send"})
    tour.see(response, 302)
    tour.templates |= {
        "changeorders/email/change_order.txt",
        "changeorders/email/change_order_subject.txt",
    }
    tour.see(http.get(response["Location"]), message=True)
    sent = mail.outbox[-1]
    tour.check(str(sent.subject), "change order e-mail subject")
    tour.check(str(sent.body), "change order e-mail body")
    token = re.search(r"/p/([\w-]+)/", str(sent.body))
    assert token is not None
    portal = anonymous(tour.lang)
    tour.see(portal.get(reverse("portal_home", kwargs={"token": token.group(1)})))
    page = reverse("portal_change_order", kwargs={"token": token.group(1), "number": co.number})
    text = tour.see(portal.get(page))
    tour.see(portal.post(page, {"answer": "accept", "name": "", "document": "x"}))  # errors
    digest = re.search(r'name="document" value="(\w+)"', text)
    assert digest is not None
    with on_commit(execute=True):
        response = portal.post(
            page, {"answer": "accept", "name": "Matti", "terms": "on", "document": digest[1]}
        )
    tour.see(response, 302)
    tour.see(portal.get(page))  # accepted, with the record
    # The owners' e-mails are rendered after the commit, outside any response.
    notice = mail.outbox[-1]
    tour.check(str(notice.subject) + str(notice.body), "notification e-mail")
    assert co.number in str(notice.subject)
    tour.templates |= {
        "changeorders/email/change_order_accepted.txt",
        "changeorders/email/change_order_accepted_subject.txt",
    }

    # A second order, sent without e-mail and declined.
    second = services.revise(co=co, actor=world.owner)
    tour.see(http.post(url("change_order_action", pk=second.pk), {"action": "send_quietly"}), 302)
    page = reverse("portal_change_order", kwargs={"token": token.group(1), "number": second.number})
    with on_commit(execute=True):
        tour.see(portal.post(page, {"answer": "decline", "comment": "Not now."}), 302)
    notice = mail.outbox[-1]
    tour.check(str(notice.subject) + str(notice.body), "notification e-mail")
    assert second.number in str(notice.subject)
    assert "Not now." in str(notice.body)
    tour.templates |= {
        "changeorders/email/change_order_declined.txt",
        "changeorders/email/change_order_declined_subject.txt",
    }
    tour.see(http.get(url("notifications")))
    tour.see(http.get(url("change_order_detail", pk=second.pk)))
    tour.see(http.get(url("client_detail", pk=world.client.pk)))

    # The portal's error pages: an unknown link, a switched-off one, too many requests.
    tour.see(portal.get(reverse("portal_home", kwargs={"token": "no-such-token"})), 404)
    for link in PortalLink.objects.filter(client=world.client):
        services.revoke_link(link=link, actor=world.owner)
    tour.see(portal.get(reverse("portal_home", kwargs={"token": token.group(1)})), 410)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_renders_without_placeholders(
    world: World, lang: str, django_capture_on_commit_callbacks: Any
) -> None:
    tour = Tour(lang)
    owner_tour(world, tour)
    visitor_tour(world, tour)
    change_order_tour(world, tour, django_capture_on_commit_callbacks)
    # The server error page is rendered by Django without a request or context.
    with translation.override(lang):
        tour.check(loader.get_template("500.html").render(), "500.html")
    tour.templates.add("500.html")
    assert tour.pages > 60
    on_disk = template_files()
    assert len(on_disk) > 20
    missing = on_disk - tour.templates
    assert not missing, f"never rendered: {sorted(missing)}"


def test_placeholder_pattern_catches_what_it_should() -> None:
    assert unfilled("Saved as version %(number)s.") == ["%(number)"]
    assert unfilled("Hello {{ name }}") == ["{{", "}}"]
    assert unfilled("Hei {contact},") == ["{contact}"]
    assert unfilled("{% url 'home' %}") == ["%}", "{%"]
    assert unfilled("Deposit 50 % (2,400.00 €) {1} — fine") == []
