from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scopeline.accounts.access import workspace_view
from scopeline.accounts.models import Membership, User
from scopeline.changeorders import services
from scopeline.changeorders.documents import render_document, render_pdf
from scopeline.changeorders.forms import ChangeOrderForm, LineFormSet, lines_from
from scopeline.changeorders.models import ChangeOrder, Notification, PortalLink
from scopeline.clients.models import Client
from scopeline.projects.models import Project

PAGE_SIZE = 50

ERRORS = {
    "no_lines": lambda: _("A change order needs at least one line of work."),
    "negative": lambda: _("Hours and rates cannot be negative."),
    "not_draft": lambda: _("Only a draft can be changed or sent; make a new version instead."),
    "not_open": lambda: _("This change order is already closed."),
    "valid_until_past": lambda: _("Its 'valid until' date has passed; edit the draft first."),
    "no_client_email": lambda: _(
        "The client has no e-mail address. Add one to the client, or send without e-mail and "
        "copy the portal link."
    ),
    "being_sent": lambda: _(
        "Its e-mail is being sent; wait until it has gone out (or failed) and try again."
    ),
    "not_retryable": lambda: _("Its e-mail is already on its way."),
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _order(membership: Membership, pk: int) -> ChangeOrder:
    return get_object_or_404(
        ChangeOrder.objects.select_related(
            "project", "project__client", "project__current_version", "request", "created_by"
        ),
        pk=pk,
        workspace=membership.workspace,
    )


@workspace_view
def change_order_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    services.expire_overdue(workspace_id=membership.workspace.pk)
    status = request.GET.get("status", "")
    orders = ChangeOrder.objects.filter(workspace=membership.workspace).select_related(
        "project", "project__client"
    )
    if status in ChangeOrder.Status.values:
        orders = orders.filter(status=status)
    page = Paginator(orders.order_by("-year", "-sequence"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "changeorders/list.html",
        {"page": page, "status": status, "statuses": ChangeOrder.Status.choices},
    )


def _editor(
    request: HttpRequest, initial: dict[str, Any], lines: list[dict[str, Any]]
) -> tuple[ChangeOrderForm, Any]:
    data = request.POST if request.method == "POST" else None
    return ChangeOrderForm(data, initial=initial), LineFormSet(data, initial=lines, prefix="lines")


@workspace_view
def change_order_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.select_related("client", "current_version"),
        pk=request.GET.get("project") or request.POST.get("project") or 0,
        workspace=membership.workspace,
    )
    version = project.current_version
    rate = (version.data.get("price") or {}).get("hourly_rate") if version else None
    form, lines = _editor(
        request,
        {"valid_until": timezone.localdate() + dt.timedelta(days=services.VALID_DAYS)},
        [{"rate": rate or membership.workspace.hourly_rate}],
    )
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            co = services.create_change_order(
                project=project, actor=_user(request), lines=lines_from(lines), **form.cleaned_data
            )
        except services.ChangeOrderError as exc:
            form.add_error(None, ERRORS[str(exc)]())
        else:
            messages.success(request, _("Draft %(number)s saved.") % {"number": co.number})
            return redirect("change_order_detail", ws=membership.workspace.slug, pk=co.pk)
    return render(
        request,
        "changeorders/form.html",
        {"form": form, "lines": lines, "project": project, "co": None},
    )


@workspace_view
def change_order_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    co = _order(membership, pk)
    if co.status != ChangeOrder.Status.DRAFT or co.is_being_delivered:
        messages.error(request, ERRORS["being_sent" if co.is_being_delivered else "not_draft"]())
        return redirect("change_order_detail", ws=membership.workspace.slug, pk=co.pk)
    form, lines = _editor(
        request,
        {
            "title": co.title,
            "valid_until": co.valid_until,
            "days": co.days,
            "concepts": co.concepts,
            "revision_rounds": co.revision_rounds,
            "terms": co.terms,
        },
        [{"description": x.description, "hours": x.hours, "rate": x.rate} for x in co.lines.all()],
    )
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            services.update_draft(
                co=co, actor=_user(request), lines=lines_from(lines), **form.cleaned_data
            )
        except services.ChangeOrderError as exc:
            form.add_error(None, ERRORS[str(exc)]())
        else:
            messages.success(request, _("Draft saved."))
            return redirect("change_order_detail", ws=membership.workspace.slug, pk=co.pk)
    return render(
        request,
        "changeorders/form.html",
        {"form": form, "lines": lines, "project": co.project, "co": co},
    )


@workspace_view
def change_order_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    services.expire_overdue(workspace_id=membership.workspace.pk)
    co = _order(membership, pk)
    error = co.delivery_error
    return render(
        request,
        "changeorders/detail.html",
        {
            "co": co,
            # Our own reasons are codes, translated here; a mail server's reply is shown as is.
            "delivery_error": ERRORS[error]() if error in ERRORS else error,
            "delivery_stuck": services.delivery_is_stuck(co),
            "document": render_document(co),
            "portal_url": request.session.pop(f"portal-url-{co.pk}", None),
            "record": services.acceptance_record(co) if co.document_sha256 else None,
            "replaced_by": list(co.replaced_by.all()),
        },
    )


@workspace_view
@require_POST
def change_order_action(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    co = _order(membership, pk)
    action = request.POST.get("action", "")
    user = _user(request)
    try:
        if action == "send":
            co = services.send_by_email(co=co, actor=user)
            messages.success(
                request,
                _("The e-mail to %(email)s is on its way; this page shows when it has gone out.")
                % {"email": co.delivery_to},
            )
        elif action == "retry":
            co = services.retry_delivery(co=co, actor=user)
            messages.success(
                request, _("The e-mail to %(email)s is queued again.") % {"email": co.delivery_to}
            )
        elif action == "send_quietly":
            co, url = services.mark_sent(co=co, actor=user, site_url=settings.SITE_URL)
            request.session[f"portal-url-{co.pk}"] = url
            messages.success(request, _("Marked as sent. Copy the portal link for the client."))
        elif action == "withdraw":
            services.withdraw(co=co, actor=user)
            messages.success(request, _("Change order withdrawn."))
        elif action == "revise":
            new = services.revise(co=co, actor=user)
            messages.success(
                request,
                _("Draft %(number)s made from it; edit and send it.") % {"number": new.number},
            )
            return redirect("change_order_edit", ws=membership.workspace.slug, pk=new.pk)
        else:
            raise Http404
    except services.ChangeOrderError as exc:
        messages.error(request, ERRORS[str(exc)]())
    return redirect("change_order_detail", ws=membership.workspace.slug, pk=co.pk)


@workspace_view
def change_order_pdf(_request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    co = _order(membership, pk)
    return pdf_response(co)


def pdf_response(co: ChangeOrder) -> HttpResponse:
    response = HttpResponse(render_pdf(render_document(co)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{co.number}.pdf"'
    return response


def document_response(co: ChangeOrder) -> HttpResponse:
    """The accepted document, byte for byte the one whose SHA-256 was recorded."""
    if not co.frozen_html:
        raise Http404
    response = HttpResponse(co.frozen_html.encode("utf-8"), content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{co.number}.html"'
    return response


def record_response(co: ChangeOrder) -> HttpResponse:
    if not co.document_sha256:
        raise Http404
    body = json.dumps(services.acceptance_record(co), ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{co.number}-acceptance.json"'
    return response


@workspace_view
def change_order_document(_request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return document_response(_order(membership, pk))


@workspace_view
def change_order_record(_request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return record_response(_order(membership, pk))


@workspace_view
@require_POST
def portal_link_new(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    client = get_object_or_404(Client, pk=pk, workspace=membership.workspace)
    _link, token = services.create_portal_link(client=client, actor=_user(request))
    request.session[f"client-portal-url-{client.pk}"] = services.portal_url(
        settings.SITE_URL, token
    )
    messages.success(request, _("New portal link made. Copy it now: it is shown only once."))
    return redirect("client_detail", ws=membership.workspace.slug, pk=client.pk)


@workspace_view
@require_POST
def portal_link_revoke(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    link = get_object_or_404(
        PortalLink.objects.select_related("client__workspace"),
        pk=pk,
        workspace=membership.workspace,
    )
    services.revoke_link(link=link, actor=_user(request))
    messages.success(request, _("Link switched off."))
    return redirect("client_detail", ws=membership.workspace.slug, pk=link.client_id)


@workspace_view
def notifications(request: HttpRequest, membership: Membership) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        services.mark_read(user=user)
        return redirect("notifications", ws=membership.workspace.slug)
    rows = (
        Notification.objects.filter(user=user, workspace=membership.workspace)
        .select_related("change_order", "change_order__project__client")
        .order_by("-created_at")[:100]
    )
    return render(request, "changeorders/notifications.html", {"rows": rows})
