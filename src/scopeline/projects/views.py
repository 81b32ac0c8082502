from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from scopeline.accounts.access import workspace_view
from scopeline.accounts.models import Membership, User, Workspace
from scopeline.clients.models import Client
from scopeline.core import AgreementError, parse_agreement
from scopeline.core.errors import Problem
from scopeline.core.events import Event
from scopeline.core.loading import read_agreement
from scopeline.core.money import fits_minor_unit
from scopeline.projects import charts, services
from scopeline.projects.agreements import agreement_from_version, export_json, export_yaml
from scopeline.projects.forms import (
    AgreementForm,
    ClientChoiceForm,
    ExclusionFormSet,
    ImportForm,
    LedgerEventForm,
    ScopeFormSet,
    agreement_data_from_forms,
    initial_from_agreement,
)
from scopeline.projects.models import AgreementVersion, ClientRequest, Project
from scopeline.projects.selectors import client_statement, project_facts, workspace_projects

PAGE_SIZE = 50


def _project(membership: Membership, pk: int) -> Project:
    return get_object_or_404(
        Project.objects.select_related("client", "current_version", "workspace"),
        pk=pk,
        workspace=membership.workspace,
    )


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _problems(problems: Sequence[Problem]) -> list[str]:
    out = []
    for p in problems:
        where = " ".join(x for x in (f"line {p.line}" if p.line else "", p.path) if x)
        out.append(f"{where}: {p.message}" if where else p.message)
    return out


@workspace_view
def project_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    status = request.GET.get("status", "active")
    projects = workspace_projects(membership.workspace).annotate(
        unhandled=Count("requests", filter=Q(requests__status=ClientRequest.Status.NEW))
    )
    if status in Project.Status.values:
        projects = projects.filter(status=status)
    page = Paginator(projects.order_by("-updated_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/list.html",
        {"page": page, "status": status, "statuses": Project.Status.choices},
    )


def _base_data(workspace: Workspace, client: Client) -> dict[str, Any]:
    client_block: dict[str, Any] = {"name": client.name, "language": client.language}
    if client.contact:
        client_block["contact"] = client.contact
    if client.email:
        client_block["email"] = client.email
    provider: dict[str, Any] = {"name": workspace.provider_name or workspace.name}
    if workspace.skills:
        provider["skills"] = list(workspace.skills)
    return {"client": client_block, "provider": provider}


def _editor(
    request: HttpRequest, initial: dict[str, Any], scope: list[Any], exclusions: list[Any]
) -> tuple[AgreementForm, Any, Any]:
    data = request.POST if request.method == "POST" else None
    form = AgreementForm(data, initial=initial)
    scope_set = ScopeFormSet(data, initial=scope, prefix="scope")
    exclusion_set = ExclusionFormSet(data, initial=exclusions, prefix="exclusions")
    return form, scope_set, exclusion_set


@workspace_view
def project_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    workspace = membership.workspace
    clients = workspace.clients.order_by("name")
    if not clients.exists():
        messages.info(request, _("Add the client first; the project's agreement is with them."))
        return redirect("client_new", ws=workspace.slug)
    chosen = request.GET.get("client")
    client_form = ClientChoiceForm(
        request.POST or None, clients=clients, initial={"client": chosen}
    )
    initial = {
        "currency": workspace.currency,
        "hourly_rate": workspace.hourly_rate,
        "price_model": "fixed",
        "deposit_percent": 50,
        "concepts": 2,
        "revision_rounds": 2,
    }
    form, scope_set, exclusion_set = _editor(request, initial, [], [])
    errors: list[str] = []
    if request.method == "POST" and all(
        f.is_valid() for f in (client_form, form, scope_set, exclusion_set)
    ):
        client = client_form.cleaned_data["client"]
        data = agreement_data_from_forms(
            _base_data(workspace, client), form, scope_set, exclusion_set
        )
        try:
            agreement = services.validate_agreement(data)
        except AgreementError as exc:
            errors = _problems(exc.problems)
        else:
            project = services.create_project(
                workspace=workspace, actor=_user(request), client=client, agreement=agreement
            )
            messages.success(request, _("Project created with its agreement (version 1)."))
            # Before you sign: the lead check and the understanding check.
            return redirect("project_lead", ws=workspace.slug, pk=project.pk)
    return render(
        request,
        "projects/editor.html",
        {
            "client_form": client_form,
            "form": form,
            "scope_set": scope_set,
            "exclusion_set": exclusion_set,
            "agreement_errors": errors,
            "project": None,
            "import_form": ImportForm(),
        },
    )


@workspace_view
def project_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    project = _project(membership, pk)
    facts = project_facts(project)
    requests = list(
        project.requests.only(
            "id", "received_at", "text", "kind", "suggested_action", "status", "action"
        ).order_by("-received_at", "-id")[:10]
    )
    statement = client_statement(project, facts)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "agreement": facts.agreement,
            "state": facts.state,
            "rows": facts.rows[::-1][:100],
            "row_count": len(facts.rows),
            "statement": statement,
            "hours_chart": charts.hours_over_time(facts.events, facts.state),
            "allowance_chart": charts.allowances(facts.state),
            "requests": requests,
            "change_orders": list(
                project.change_orders.only(
                    "id", "number", "title", "status", "total", "currency"
                ).order_by("-year", "-sequence")[:20]
            ),
            "ledger_form": LedgerEventForm(initial={"date": timezone.localdate()}),
            "statuses": Project.Status.choices,
        },
    )


@workspace_view
def project_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    project = _project(membership, pk)
    version = project.current_version
    if version is None:
        raise Http404
    current: dict[str, Any] = version.data
    form, scope_set, exclusion_set = _editor(
        request,
        initial_from_agreement(current),
        list(current.get("scope", [])),
        list(current.get("exclusions", [])),
    )
    errors: list[str] = []
    if request.method == "POST" and all(f.is_valid() for f in (form, scope_set, exclusion_set)):
        # The client record and the workspace fill in what they know; what only the agreement
        # says (an imported file's provider skills or client e-mail) is kept.
        fresh = _base_data(membership.workspace, project.client)
        base = {**current, **{k: {**(current.get(k) or {}), **v} for k, v in fresh.items()}}
        data = agreement_data_from_forms(base, form, scope_set, exclusion_set)
        try:
            agreement = services.validate_agreement(data)
        except AgreementError as exc:
            errors = _problems(exc.problems)
        else:
            new = services.save_agreement(
                project=project, actor=_user(request), agreement=agreement
            )
            if new is None:
                messages.info(request, _("Nothing changed, so no new version was made."))
            else:
                messages.success(
                    request, _("Saved as version %(number)s.") % {"number": new.number}
                )
            return redirect("project_detail", ws=membership.workspace.slug, pk=project.pk)
    return render(
        request,
        "projects/editor.html",
        {
            "form": form,
            "scope_set": scope_set,
            "exclusion_set": exclusion_set,
            "agreement_errors": errors,
            "project": project,
        },
    )


@workspace_view
def project_import(
    request: HttpRequest, membership: Membership, pk: int | None = None
) -> HttpResponse:
    workspace = membership.workspace
    project = _project(membership, pk) if pk is not None else None
    clients = workspace.clients.order_by("name")
    form = ImportForm(request.POST or None, request.FILES or None)
    client_form = (
        ClientChoiceForm(request.POST or None, clients=clients, prefix="c")
        if project is None
        else None
    )
    errors: list[str] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and (client_form is None or client_form.is_valid())
    ):
        name, raw = form.source()
        try:
            if isinstance(raw, bytes):
                agreement = read_agreement(raw, source=name)
            else:
                agreement = parse_agreement(raw, source=name)
        except AgreementError as exc:
            errors = _problems(exc.problems)
        else:
            user = _user(request)
            if project is None:
                assert client_form is not None
                client = client_form.cleaned_data["client"]
                project = services.create_project(
                    workspace=workspace,
                    actor=user,
                    client=client,
                    agreement=agreement,
                    source=AgreementVersion.Source.FILE,
                    note=name[:300],
                )
                count = len(agreement.ledger)
                messages.success(
                    request,
                    ngettext(
                        "Project created from %(file)s with %(count)s ledger entry.",
                        "Project created from %(file)s with %(count)s ledger entries.",
                        count,
                    )
                    % {"file": name, "count": count},
                )
                target = "project_lead"  # a new project: "Before you sign"
            else:
                version, added = services.import_agreement(
                    project=project, actor=user, agreement=agreement, filename=name
                )
                if version is None:
                    text = _("The agreement is the same as the current version.")
                else:
                    text = _("Imported as version %(number)s.") % {"number": version.number}
                messages.success(
                    request,
                    text
                    + " "
                    + ngettext(
                        "%(count)s new ledger entry added.",
                        "%(count)s new ledger entries added.",
                        added,
                    )
                    % {"count": added},
                )
                target = "project_detail"
            return redirect(target, ws=workspace.slug, pk=project.pk)
    return render(
        request,
        "projects/import.html",
        {"form": form, "client_form": client_form, "project": project, "errors": errors},
    )


@workspace_view
def project_export(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    project = _project(membership, pk)
    facts = project_facts(project)
    stem = slugify(project.name) or f"project-{project.pk}"
    events: list[Event] = facts.events
    if request.GET.get("format") == "json":
        body = export_json(facts.agreement, events)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    else:
        body = export_yaml(facts.agreement, events, title=project.name)
        response = HttpResponse(body, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.yaml"'
    return response


@workspace_view
def project_versions(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    project = _project(membership, pk)
    versions = project.versions.select_related("created_by").order_by("-number")
    selected = None
    number = request.GET.get("v")
    if number and number.isdigit():
        selected = versions.filter(number=int(number)).first()
    selected = selected or project.current_version
    agreement = agreement_from_version(selected.data) if selected is not None else None
    return render(
        request,
        "projects/versions.html",
        {"project": project, "versions": versions, "selected": selected, "agreement": agreement},
    )


@workspace_view
@require_POST
def ledger_record(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    project = _project(membership, pk)
    form = LedgerEventForm(request.POST)
    amount = form.event_fields().get("amount") if form.is_valid() else None
    if amount is not None and not fits_minor_unit(amount, project.currency):
        # The agreement file refuses such amounts, so the export would not import again.
        form.add_error(
            "amount",
            _("The amount has more decimals than %(currency)s allows.")
            % {"currency": project.currency},
        )
    if form.is_valid():
        from scopeline.core.events import Event as CoreEvent

        try:
            event: CoreEvent = msgspec.convert(form.event_fields(), CoreEvent, strict=False)
        except (msgspec.ValidationError, ValueError) as exc:
            messages.error(request, _("Not recorded: %(error)s") % {"error": exc})
        else:
            services.record_event(project=project, actor=_user(request), event=event)
            messages.success(request, _("Recorded in the ledger."))
    else:
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for err in errs:
                messages.error(request, f"{label}: {err}" if label else str(err))
    return redirect("project_detail", ws=membership.workspace.slug, pk=project.pk)


@workspace_view
@require_POST
def project_status(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    project = _project(membership, pk)
    status = request.POST.get("status", "")
    if status not in Project.Status.values:
        messages.error(request, _("Unknown status."))
    else:
        services.set_status(project=project, actor=_user(request), status=status)
        messages.success(request, _("Project status changed."))
    return redirect("project_detail", ws=membership.workspace.slug, pk=project.pk)
