from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from scopeline.accounts.access import workspace_view
from scopeline.accounts.models import Membership, User
from scopeline.core.replies.bank import TONES
from scopeline.inbox import services
from scopeline.inbox.forms import DecisionForm, NewRequestForm
from scopeline.projects.models import ClientRequest, Project

PAGE_SIZE = 50

_ERRORS = {
    "empty": lambda: _("The message is empty."),
    "too_long": lambda: _("The message is too long; paste the part the client wrote."),
    "already_decided": lambda: _("Someone already decided on this message."),
    "note_required": lambda: _("Say in a few words why you decide differently."),
    "unknown_action": lambda: _("Unknown decision."),
    "unknown_tone": lambda: _("Unknown tone."),
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@workspace_view
def inbox(request: HttpRequest, membership: Membership) -> HttpResponse:
    show = request.GET.get("show", "new")
    rows = (
        ClientRequest.objects.filter(workspace=membership.workspace)
        .select_related("project", "project__client")
        .only(
            "id",
            "received_at",
            "text",
            "lang",
            "kind",
            "kinds",
            "suggested_action",
            "action",
            "status",
            "price_amount",
            "project__id",
            "project__name",
            "project__currency",
            "project__client__id",
            "project__client__name",
        )
    )
    if show == "new":
        rows = rows.filter(status=ClientRequest.Status.NEW)
    elif show == "decided":
        rows = rows.filter(status=ClientRequest.Status.DECIDED)
    page = Paginator(rows.order_by("-received_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inbox/list.html", {"page": page, "show": show})


def _active_projects(membership: Membership) -> object:
    return (
        Project.objects.filter(
            workspace=membership.workspace,
            status=Project.Status.ACTIVE,
            current_version__isnull=False,
        )
        .select_related("client")
        .order_by("client__name", "name")
    )


@workspace_view
def request_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    projects = _active_projects(membership)
    form = NewRequestForm(
        request.POST or None, projects=projects, initial={"project": request.GET.get("project")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.submit_request(
                project=form.cleaned_data["project"],
                actor=_user(request),
                text=form.cleaned_data["text"],
            )
        except services.InboxError as exc:
            form.add_error("text", _ERRORS[str(exc)]())
        else:
            return redirect("request_detail", ws=membership.workspace.slug, pk=created.pk)
    return render(request, "inbox/new.html", {"form": form})


@workspace_view
def request_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ClientRequest.objects.select_related("project", "project__client", "version", "decided_by"),
        pk=pk,
        workspace=membership.workspace,
    )
    tone = request.GET.get("tone", item.tone or "neutral")
    if tone not in TONES:
        tone = "neutral"
    form = DecisionForm(
        request.POST or None,
        suggested=item.suggested_action,
        initial={
            "action": item.suggested_action,
            "tone": tone,
            "reply_text": item.drafts.get(tone, ""),
        },
    )
    # Tall enough for the longest draft, so the signature is not hidden below the fold.
    longest = max((len(d.splitlines()) + len(d) // 110 for d in item.drafts.values()), default=8)
    form.fields["reply_text"].widget.attrs["rows"] = min(max(longest + 2, 8), 40)
    if request.method == "POST" and item.status == ClientRequest.Status.NEW and form.is_valid():
        try:
            services.decide_request(
                request=item,
                actor=_user(request),
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
                tone=form.cleaned_data["tone"],
                reply_text=form.cleaned_data["reply_text"],
                advice_overridden=form.cleaned_data["advice_overridden"],
            )
        except services.InboxError as exc:
            messages.error(request, _ERRORS[str(exc)]())
        else:
            draft = item.change_orders.filter(status="draft").order_by("-pk").first()
            if draft is not None:
                messages.success(
                    request,
                    _("Decision recorded. Draft change order %(number)s is ready to send.")
                    % {"number": draft.number},
                )
                return redirect("change_order_detail", ws=membership.workspace.slug, pk=draft.pk)
            messages.success(request, _("Decision recorded in the project's ledger."))
            return redirect("request_detail", ws=membership.workspace.slug, pk=item.pk)
    elif request.method == "POST" and item.status != ClientRequest.Status.NEW:
        messages.error(request, _ERRORS["already_decided"]())
    verdict = item.verdict
    clause = _clause(item)
    events = list(item.events.order_by("id")) if item.status == ClientRequest.Status.DECIDED else []
    return render(
        request,
        "inbox/detail.html",
        {
            "item": item,
            "verdict": verdict,
            "clause": clause,
            "tone": tone,
            "tones": TONES,
            "form": form,
            "events": events,
        },
    )


def _clause(item: ClientRequest) -> dict[str, str] | None:
    """The scope item or exclusion the verdict rests on, with its text, from the version used."""
    if not item.scope_item:
        return None
    data = item.version.data
    for key, label in (("scope", _("Scope item")), ("exclusions", _("Exclusion"))):
        for entry in data.get(key, []):
            if entry.get("id") == item.scope_item:
                return {
                    "kind": str(label),
                    "id": entry["id"],
                    "title": entry.get("title", ""),
                    "description": entry.get("description") or "",
                }
    return None
