from __future__ import annotations

import gzip
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scopeline.accounts.access import owner_view, workspace_view
from scopeline.accounts.models import Membership, User
from scopeline.intake import explain, selectors, services, tasks
from scopeline.intake.forms import AssignForm, MailboxForm, UploadForm
from scopeline.intake.imap import ImapSettings
from scopeline.intake.models import IncomingEmail, IntakeMailbox

PAGE_SIZE = 50
# Attachments are always downloaded, never shown by the browser; these types keep their name.
_SAFE_TYPES = frozenset(
    {"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain", "text/csv"}
)
_INTAKE_ERRORS = {
    "not_unmatched": lambda: _("This message has been dealt with already."),
    "bad_project": lambda: _("Choose an active project of this workspace."),
    "password_required": lambda: _("Give the mailbox's password."),
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@workspace_view
def intake(request: HttpRequest, membership: Membership) -> HttpResponse:
    show = request.GET.get("show", "unmatched")
    if show not in selectors.LISTS:
        show = "unmatched"
    workspace = membership.workspace
    page = Paginator(selectors.email_list(workspace, show), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(email, _summary(email)) for email in page.object_list]
    return render(
        request,
        "intake/list.html",
        {
            "page": page,
            "rows": rows,
            "show": show,
            "unmatched": selectors.unmatched_count(workspace),
            "mailbox": selectors.mailbox_of(workspace) if membership.is_owner else None,
        },
    )


def _summary(email: IncomingEmail) -> str:
    if email.status == IncomingEmail.Status.REJECTED:
        return explain.rejection(email.error)
    if email.status == IncomingEmail.Status.UNMATCHED:
        return explain.match(email)
    return ""


@dataclass
class FileResult:
    name: str
    email: IncomingEmail | None = None
    duplicate: bool = False
    problem: str = ""
    match: str = ""


@workspace_view
def intake_upload(request: HttpRequest, membership: Membership) -> HttpResponse:
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    results: list[FileResult] = []
    if posted and form.is_valid():
        for upload in form.cleaned_data["emls"]:
            results.append(_take_upload(membership, _user(request), upload))
    return render(request, "intake/upload.html", {"form": form, "results": results})


def _take_upload(membership: Membership, actor: User, upload: UploadedFile[Any]) -> FileResult:
    name = str(upload.name or "")
    if (upload.size or 0) > services.limits()["max_bytes"]:  # not even read
        return FileResult(name, problem=explain.rejection("too_large"))
    raw = b"".join(upload.chunks())
    receipt = services.receive_email(
        workspace=membership.workspace,
        raw=raw,
        source=IncomingEmail.Source.UPLOAD,
        actor=actor,
    )
    if receipt.error:
        return FileResult(name, problem=explain.rejection(receipt.error))
    email = receipt.email
    assert email is not None
    result = FileResult(name, email=email, duplicate=receipt.duplicate, match=explain.match(email))
    if email.status == IncomingEmail.Status.REJECTED:
        result.problem = explain.rejection(email.error)
    return result


@workspace_view
def intake_email(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    workspace = membership.workspace
    email = selectors.email_for(workspace, pk)
    if email is None:
        raise Http404
    form = AssignForm(
        request.POST if request.POST.get("action") == "assign" else None,
        projects=selectors.assignable_projects(workspace),
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "dismiss":
                services.dismiss_email(email=email, actor=_user(request))
                messages.success(request, _("The message was put aside."))
                return redirect("intake", ws=workspace.slug)
            if form.is_valid():
                done = services.assign_email(
                    email=email, project=form.cleaned_data["project"], actor=_user(request)
                )
                if done.request_id is not None:
                    messages.success(request, _("The message is in the project's inbox now."))
                    return redirect("request_detail", ws=workspace.slug, pk=done.request_id)
                if done.status == IncomingEmail.Status.REJECTED:
                    messages.error(request, explain.rejection(done.error))
                else:
                    messages.success(request, _("The message will be in the inbox shortly."))
                return redirect("intake_email", ws=workspace.slug, pk=email.pk)
        except services.IntakeError as exc:
            messages.error(request, _INTAKE_ERRORS[str(exc)]())
            return redirect("intake_email", ws=workspace.slug, pk=email.pk)
    return render(
        request,
        "intake/detail.html",
        {
            "email": email,
            "form": form,
            "attachments": selectors.attachments_of(email),
            "match": explain.match(email),
            "problem": explain.rejection(email.error) if email.error else "",
            "notes": explain.notes(email),
        },
    )


@workspace_view
def intake_attachment(_request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    attachment = selectors.attachment_for(membership.workspace, pk)
    if attachment is None:
        raise Http404
    content_type = (
        attachment.content_type
        if attachment.content_type in _SAFE_TYPES
        else "application/octet-stream"
    )
    with attachment.file.open("rb") as stored:  # at most INTAKE_MAX_ATTACHMENT_BYTES
        response = HttpResponse(stored.read(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


@workspace_view
def intake_email_raw(_request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    email = selectors.email_for(membership.workspace, pk)
    if email is None or not email.raw:
        raise Http404
    with email.raw.open("rb") as stored:
        data = gzip.decompress(stored.read())
    response = HttpResponse(data, content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{email.pk}.eml"'
    response["Cache-Control"] = "private, no-store"
    return response


@owner_view
def intake_mailbox(request: HttpRequest, membership: Membership) -> HttpResponse:
    workspace = membership.workspace
    mailbox = selectors.mailbox_of(workspace)
    initial: dict[str, Any] = {}
    if mailbox is not None:
        initial = {
            "host": mailbox.host,
            "port": mailbox.port,
            "security": mailbox.security,
            "username": mailbox.username,
            "folder": mailbox.folder,
            "enabled": mailbox.enabled,
        }
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "poll":
        return _poll_now(request, membership, mailbox)
    form = MailboxForm(request.POST or None, initial=initial)
    tested = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data["password"] or (mailbox.password if mailbox else "")
        if action == "test":
            config = ImapSettings(
                host=data["host"],
                port=data["port"],
                security=data["security"],
                username=data["username"],
                password=password,
                folder=data["folder"],
                timeout=15,
            )
            count, error = services.check_connection(config)
            if error:
                what, detail = explain.mailbox_error(error)
                form.add_error(None, f"{what} ({detail})" if detail else what)
            else:
                tested = ngettext(
                    "Connected: the folder holds %(count)s message.",
                    "Connected: the folder holds %(count)s messages.",
                    count,
                ) % {"count": count}
        else:
            try:
                services.save_mailbox(workspace=workspace, actor=_user(request), **data)
            except services.IntakeError as exc:
                form.add_error("password", _INTAKE_ERRORS[str(exc)]())
            else:
                messages.success(request, _("Mailbox settings saved."))
                return redirect("intake_mailbox", ws=workspace.slug)
    last_error = (
        explain.mailbox_error(mailbox.last_error) if mailbox and mailbox.last_error else None
    )
    return render(
        request,
        "intake/mailbox.html",
        {"form": form, "mailbox": mailbox, "tested": tested, "last_error": last_error},
    )


def _poll_now(
    request: HttpRequest, membership: Membership, mailbox: IntakeMailbox | None
) -> HttpResponse:
    slug = membership.workspace.slug
    if mailbox is None or not mailbox.enabled:
        messages.error(request, _("Save and switch on the mailbox first."))
        return redirect("intake_mailbox", ws=slug)
    result = tasks.poll_mailbox.enqueue(membership.workspace.pk)
    if not result.is_finished:
        messages.success(request, _("The mailbox will be checked in a moment."))
    elif result.errors or result.return_value["error"]:
        messages.error(request, _("The mailbox could not be checked; see the error below."))
    elif result.return_value["skipped"]:
        messages.success(request, _("The mailbox is being checked already."))
    else:
        new = int(result.return_value["stored"])
        messages.success(
            request,
            ngettext(
                "Mailbox checked: %(count)s new message.",
                "Mailbox checked: %(count)s new messages.",
                new,
            )
            % {"count": new},
        )
    return redirect("intake_mailbox", ws=slug)
