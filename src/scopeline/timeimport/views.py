"""Time import pages: upload an export, preview it with its column mapping, confirm."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from scopeline.accounts.access import workspace_view
from scopeline.accounts.models import Membership, User
from scopeline.core.timesheets import ENCODINGS, TimesheetError
from scopeline.projects.models import Project
from scopeline.timeimport import selectors, services
from scopeline.timeimport.forms import (
    ENCODING_CHOICES,
    MappingForm,
    UploadForm,
    initial_mapping,
)
from scopeline.timeimport.models import TimeUpload
from scopeline.timeimport.wording import file_error, row_problem

SHOWN_ROWS = 500

REFUSALS = {
    "problems": lambda: _(
        "Nothing was imported: the file has rows that cannot be read. Tick the box to import "
        "the valid rows without them, or correct the file and upload it again."
    ),
    "nothing_new": lambda: _("Nothing was imported: every entry is already in the ledger."),
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _upload(request: HttpRequest, membership: Membership, pk: int) -> TimeUpload:
    upload = selectors.pending_upload(workspace=membership.workspace, user=_user(request), pk=pk)
    if upload is None:
        raise Http404("No such upload")
    return upload


def _expired(request: HttpRequest, upload: TimeUpload) -> HttpResponse:
    messages.info(request, _("The uploaded file has expired; upload it again."))
    return redirect("time_import", ws=upload.project.workspace.slug, pk=upload.project_id)


def _encoding(value: str | None, upload: TimeUpload) -> str:
    return value if value in ENCODINGS else upload.encoding


class EncodingForm(forms.Form):
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODING_CHOICES)


@workspace_view
def time_import(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.select_related("client"), pk=pk, workspace=membership.workspace
    )
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            upload = services.store_upload(
                project=project,
                actor=_user(request),
                filename=upload_file.name or "upload.csv",
                content=form.cleaned_data["content"],
                encoding=form.cleaned_data["encoding"],
            )
        except TimesheetError as exc:
            form.add_error(None, file_error(exc))
        else:
            return redirect("time_import_preview", ws=membership.workspace.slug, pk=upload.pk)
    return render(request, "timeimport/upload.html", {"project": project, "form": form})


@workspace_view
def time_import_preview(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    upload = _upload(request, membership, pk)
    if selectors.is_expired(upload):
        return _expired(request, upload)
    encoding = _encoding(request.GET.get("encoding"), upload)
    context: dict[str, Any] = {"upload": upload, "project": upload.project}
    try:
        columns, detected = selectors.detected(upload, encoding)
    except TimesheetError as exc:
        context |= {
            "file_error": file_error(exc),
            "encoding_form": EncodingForm(initial={"encoding": encoding}),
        }
        return render(request, "timeimport/preview.html", context)
    form = MappingForm(
        request.GET if "duration" in request.GET else None,
        columns=columns,
        initial=initial_mapping(detected, encoding),
        user_columns=detected.user,
    )
    context["form"] = form
    if form.is_bound and not form.is_valid():
        return render(request, "timeimport/preview.html", context)
    options = form.options() if form.is_bound else selectors.ImportOptions(encoding=encoding)
    try:
        preview = selectors.build_preview(upload, options)
    except TimesheetError as exc:
        context["file_error"] = file_error(exc)
        return render(request, "timeimport/preview.html", context)
    sheet = preview.sheet
    form.set_filters(sheet.projects, sheet.clients)
    entries = [(e, e.key in preview.imported) for e in sheet.entries[:SHOWN_ROWS]]
    problems = [(p.line, row_problem(p)) for p in sheet.problems[:SHOWN_ROWS]]
    context |= {
        "sheet": sheet,
        "entries": entries,
        "problems": problems,
        "new_count": len(preview.new_entries),
        "new_hours": sum((e.hours for e in preview.new_entries), 0),
        "duplicate_count": len(preview.duplicates),
        "shown_rows": SHOWN_ROWS,
    }
    return render(request, "timeimport/preview.html", context)


@workspace_view
@require_POST
def time_import_confirm(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    upload = _upload(request, membership, pk)
    if selectors.is_expired(upload):
        return _expired(request, upload)
    fields = {k: str(v) for k, v in request.POST.items() if k in MappingForm.base_fields}
    back = reverse("time_import_preview", kwargs={"ws": membership.workspace.slug, "pk": pk})
    back += "?" + urlencode(fields) if fields else ""
    try:
        columns, detected = selectors.detected(upload, _encoding(fields.get("encoding"), upload))
    except TimesheetError as exc:
        messages.error(request, file_error(exc))
        return redirect(back)
    form = MappingForm(request.POST, columns=columns, user_columns=detected.user)
    if not form.is_valid():
        messages.error(request, _("Choose the columns again: the mapping is not valid."))
        return redirect(back)
    try:
        result = services.import_time(
            upload=upload,
            actor=_user(request),
            options=form.options(),
            skip_problems=request.POST.get("skip_problems") == "on",
        )
    except TimesheetError as exc:
        messages.error(request, file_error(exc))
        return redirect(back)
    except services.TimeImportError as exc:
        messages.error(request, REFUSALS[exc.code]())
        return redirect(back)
    text = ngettext(
        "%(count)s time entry imported as hours in the ledger.",
        "%(count)s time entries imported as hours in the ledger.",
        result.imported,
    ) % {"count": result.imported}
    if result.duplicates:
        text += " " + ngettext(
            "%(count)s entry was already imported and was skipped.",
            "%(count)s entries were already imported and were skipped.",
            result.duplicates,
        ) % {"count": result.duplicates}
    if result.problems:
        text += " " + ngettext(
            "%(count)s row that could not be read was left out.",
            "%(count)s rows that could not be read were left out.",
            result.problems,
        ) % {"count": result.problems}
    messages.success(request, text)
    return redirect("project_detail", ws=membership.workspace.slug, pk=upload.project_id)
