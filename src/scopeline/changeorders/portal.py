"""The client portal: no account, a private link per client, everything in the client's
language. Unknown, expired and revoked links get a clear page and reveal nothing."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache

from scopeline.changeorders import services
from scopeline.changeorders.documents import django_language, render_document, sha256
from scopeline.changeorders.forms import AcceptForm, DeclineForm
from scopeline.changeorders.models import ChangeOrder, PortalLink
from scopeline.changeorders.ratelimit import client_ip, rate_limited
from scopeline.changeorders.views import document_response, pdf_response, record_response
from scopeline.projects.selectors import client_statement, project_facts

VISIBLE = (
    ChangeOrder.Status.SENT,
    ChangeOrder.Status.ACCEPTED,
    ChangeOrder.Status.DECLINED,
    ChangeOrder.Status.EXPIRED,
)


def _error(request: HttpRequest, exc: services.PortalError) -> HttpResponse:
    status = 404 if exc.code == "unknown" else 410
    language = django_language(exc.link.client.language) if exc.link else None
    with translation.override(language or translation.get_language()):
        return render(request, "portal/error.html", {"code": exc.code}, status=status)


def _link(request: HttpRequest, token: str) -> PortalLink | HttpResponse:
    try:
        link = services.resolve_link(token)
    except services.PortalError as exc:
        return _error(request, exc)
    services.touch(link)
    return link


def _order(link: PortalLink, number: str) -> ChangeOrder:
    co = (
        ChangeOrder.objects.select_related(
            "project", "project__client", "project__workspace", "project__current_version"
        )
        .filter(
            workspace_id=link.workspace_id,
            project__client_id=link.client_id,
            number=number,
            status__in=VISIBLE,
        )
        .first()
    )
    if co is None:
        raise Http404
    return co


@never_cache
@rate_limited
def home(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(request, token)
    if isinstance(link, HttpResponse):
        return link
    client = link.client
    services.expire_overdue(workspace_id=link.workspace_id)
    projects = []
    for project in client.projects.exclude(status="archived").select_related(
        "current_version", "workspace"
    ):
        if project.current_version is None:
            continue
        facts = project_facts(project)
        projects.append(
            {
                "project": project,
                "agreement": facts.agreement,
                "statement": client_statement(project, facts),
                "orders": list(
                    project.change_orders.filter(status__in=VISIBLE).order_by("-year", "-sequence")
                ),
            }
        )
    with translation.override(django_language(client.language)):
        return render(
            request,
            "portal/home.html",
            {"client": client, "projects": projects, "token": token, "link": link},
        )


@never_cache
@rate_limited
def change_order(request: HttpRequest, token: str, number: str) -> HttpResponse:
    link = _link(request, token)
    if isinstance(link, HttpResponse):
        return link
    services.expire_overdue(workspace_id=link.workspace_id)
    co = _order(link, number)
    language = django_language(co.language)
    # Active from here on, not only while rendering: forms take their label suffix (":" or
    # the full-width "：") from the language active when they are made.
    translation.activate(language)
    document = render_document(co)
    accept_form = AcceptForm(
        request.POST if request.POST.get("answer") == "accept" else None,
        initial={"document": sha256(document)},
    )
    decline_form = DeclineForm(request.POST if request.POST.get("answer") == "decline" else None)
    error = ""
    if request.method == "POST":
        ip = client_ip(request)
        agent = request.META.get("HTTP_USER_AGENT", "")
        try:
            if request.POST.get("answer") == "accept" and accept_form.is_valid():
                services.accept(
                    link=link,
                    number=number,
                    name=accept_form.cleaned_data["name"],
                    document_hash=accept_form.cleaned_data["document"],
                    ip=ip,
                    user_agent=agent,
                )
                return redirect("portal_change_order", token=token, number=number)
            if request.POST.get("answer") == "decline" and decline_form.is_valid():
                services.decline(
                    link=link,
                    number=number,
                    comment=decline_form.cleaned_data["comment"],
                    ip=ip,
                    user_agent=agent,
                )
                return redirect("portal_change_order", token=token, number=number)
        except services.ChangeOrderError as exc:
            error = str(exc)
            co.refresh_from_db()
            document = render_document(co)
            # The form shown again carries the hash of the document shown now, not the posted
            # one (which would be refused again as "document_changed" at every try).
            accept_form = AcceptForm(
                initial={"document": sha256(document), "name": request.POST.get("name", "")}
            )
    with translation.override(language):
        return render(
            request,
            "portal/change_order.html",
            {
                "co": co,
                "document": document,
                "accept_form": accept_form,
                "decline_form": decline_form,
                "error": error,
                "token": token,
                "client": link.client,
            },
            status=409 if error else 200,
        )


def _download(
    request: HttpRequest, token: str, number: str, respond: Callable[[ChangeOrder], HttpResponse]
) -> HttpResponse:
    link = _link(request, token)
    if isinstance(link, HttpResponse):
        return link
    return respond(_order(link, number))


@never_cache
@rate_limited
def change_order_pdf(request: HttpRequest, token: str, number: str) -> HttpResponse:
    return _download(request, token, number, pdf_response)


@never_cache
@rate_limited
def change_order_document(request: HttpRequest, token: str, number: str) -> HttpResponse:
    """The accepted document, byte for byte (its SHA-256 is in the acceptance record)."""
    return _download(request, token, number, document_response)


@never_cache
@rate_limited
def change_order_record(request: HttpRequest, token: str, number: str) -> HttpResponse:
    return _download(request, token, number, record_response)
