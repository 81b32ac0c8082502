from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from scopeline.accounts import services
from scopeline.accounts.access import owner_view, workspace_view
from scopeline.accounts.forms import (
    AddMemberForm,
    NewWorkspaceForm,
    PreferencesForm,
    RoleForm,
    SignUpForm,
    WorkspaceForm,
)
from scopeline.accounts.models import Membership, User

_ERRORS = {
    "no_such_user": lambda: _(
        "There is no Scopeline account with that e-mail address. Ask your teammate to sign up "
        "first, then add them here."
    ),
    "already_member": lambda: _("That person is already a member of this workspace."),
    "last_owner": lambda: _("A workspace needs at least one owner; make someone else owner first."),
}


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user_id=request.user.pk)
        .order_by("created_at")
        .first()
    )
    if membership is None:
        return redirect("workspace_new")
    return redirect("inbox", ws=membership.workspace.slug)


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, workspace = services.sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            full_name=form.cleaned_data["full_name"],
            workspace_name=form.cleaned_data["workspace_name"],
            language=get_language() or "",
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Scopeline. Start by adding your first client."))
        return redirect("client_new", ws=workspace.slug)
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def workspace_new(request: HttpRequest) -> HttpResponse:
    form = NewWorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        workspace = services.create_workspace(owner=request.user, name=form.cleaned_data["name"])
        return redirect("dashboard", ws=workspace.slug)
    return render(request, "accounts/workspace_new.html", {"form": form})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your preferences are saved."))
        response = redirect("preferences")
        if request.user.language:
            response.set_cookie("django_language", request.user.language, samesite="Lax")
        return response
    return render(request, "accounts/preferences.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice for a logged-in user."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        assert isinstance(request.user, User)
        services.update_preferences(user=request.user, language=language)
    return django_set_language(request)


@owner_view
def workspace_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    workspace = membership.workspace
    form = WorkspaceForm(request.POST or None, instance=workspace)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        services.update_workspace(
            workspace=workspace,
            actor=request.user,
            name=form.cleaned_data["name"],
            provider_name=form.cleaned_data["provider_name"],
            currency=form.cleaned_data["currency"],
            hourly_rate=form.cleaned_data["hourly_rate"],
            skills=form.skills(),
        )
        messages.success(request, _("Workspace settings saved."))
        return redirect("workspace_settings", ws=workspace.slug)
    return render(request, "accounts/workspace_settings.html", {"form": form})


@workspace_view
def members(request: HttpRequest, membership: Membership) -> HttpResponse:
    workspace = membership.workspace
    form = AddMemberForm(request.POST or None)
    if request.method == "POST":
        if not membership.is_owner:
            raise Http404
        if form.is_valid():
            assert isinstance(request.user, User)
            try:
                services.add_member(
                    workspace=workspace,
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except services.WorkspaceError as exc:
                form.add_error("email", _ERRORS[str(exc)]())
            else:
                messages.success(request, _("Member added."))
                return redirect("members", ws=workspace.slug)
    rows = workspace.memberships.select_related("user").order_by("user__email")
    return render(
        request,
        "accounts/members.html",
        {"form": form, "rows": rows, "role_form": RoleForm()},
    )


@owner_view
@require_POST
def member_change(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    workspace = membership.workspace
    target = workspace.memberships.select_related("user").filter(pk=pk).first()
    if target is None:
        raise Http404
    assert isinstance(request.user, User)
    try:
        if request.POST.get("remove"):
            services.remove_member(membership=target, actor=request.user)
            messages.success(request, _("Member removed."))
        else:
            form = RoleForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose a role."))
            else:
                services.change_role(
                    membership=target, actor=request.user, role=form.cleaned_data["role"]
                )
                messages.success(request, _("Role changed."))
    except services.WorkspaceError as exc:
        messages.error(request, _ERRORS[str(exc)]())
    if target.user_id == request.user.pk and request.POST.get("remove"):
        return HttpResponseRedirect(reverse("home"))
    return redirect("members", ws=workspace.slug)
