from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scopeline.accounts.access import workspace_view
from scopeline.accounts.models import Membership, User
from scopeline.clients import services
from scopeline.clients.forms import ClientForm
from scopeline.clients.models import Client
from scopeline.projects.selectors import client_projects


@workspace_view
def client_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    clients = membership.workspace.clients.select_related("health").order_by("name")
    return render(request, "clients/list.html", {"clients": clients})


@workspace_view
def client_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        client = services.create_client(
            workspace=membership.workspace, actor=request.user, **form.cleaned_data
        )
        messages.success(request, _("Client added. Now set up a project and its agreement."))
        url = reverse("project_new", kwargs={"ws": membership.workspace.slug})
        return redirect(f"{url}?client={client.pk}")
    return render(request, "clients/form.html", {"form": form, "client": None})


@workspace_view
def client_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    client = get_object_or_404(Client, pk=pk, workspace=membership.workspace)
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "projects": client_projects(client),
            "links": client.portal_links.order_by("-created_at")[:20],
            "portal_url": request.session.pop(f"client-portal-url-{client.pk}", None),
            "now": timezone.now(),
        },
    )


@workspace_view
def client_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    client = get_object_or_404(Client, pk=pk, workspace=membership.workspace)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        # The form validated into the instance; the service saves the change and audits it.
        original = Client.objects.get(pk=client.pk)
        services.update_client(client=original, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Client saved."))
        return redirect("client_detail", ws=membership.workspace.slug, pk=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client})
