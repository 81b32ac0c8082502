from __future__ import annotations

import re
import zoneinfo
from typing import Any, ClassVar

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from scopeline.accounts.models import Membership, User, Workspace
from scopeline.core.money import is_known_currency

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    workspace_name = forms.CharField(
        label=_("Studio or business name"),
        max_length=120,
        help_text=_("It becomes your workspace's name; you can add teammates later."),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            probe = User(email=data.get("email", ""), first_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class PreferencesForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[("", _("Server default"))] + [(z, z) for z in TIME_ZONES],
        required=False,
    )

    class Meta:
        model = User
        fields: ClassVar[list[str]] = ["first_name", "last_name", "language", "time_zone"]


class WorkspaceForm(forms.ModelForm[Workspace]):
    skills_text = forms.CharField(
        label=_("Skills"),
        required=False,
        help_text=_("Comma-separated, e.g. web design, WordPress, SEO."),
    )

    class Meta:
        model = Workspace
        fields: ClassVar[list[str]] = ["name", "provider_name", "currency", "hourly_rate"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills_text"].initial = ", ".join(self.instance.skills or [])

    def clean_currency(self) -> str:
        code: str = self.cleaned_data["currency"].strip().upper()
        if not is_known_currency(code):
            raise forms.ValidationError(_("Unknown currency code."))
        return code

    def clean_hourly_rate(self) -> Any:
        rate = self.cleaned_data["hourly_rate"]
        if rate is not None and rate <= 0:
            raise forms.ValidationError(_("The hourly rate must be more than zero."))
        return rate

    def skills(self) -> list[str]:
        raw: str = self.cleaned_data.get("skills_text", "")
        # Chinese keyboards type "，" or "、" between items.
        return [s.strip() for s in re.split(r"[,，、]", raw) if s.strip()][:40]


class NewWorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Studio or business name"), max_length=120)


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a registered user"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
