from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from scopeline.intake.models import IntakeMailbox
from scopeline.projects.models import Project

MAX_FILES = 20


class MailboxForm(forms.Form):
    """The mailbox settings; the password is never sent back to the browser."""

    host = forms.CharField(label=_("IMAP server"), max_length=255)
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=993)
    security = forms.ChoiceField(
        label=_("Encryption"),
        choices=IntakeMailbox.Security.choices,
        initial=IntakeMailbox.Security.SSL,
    )
    username = forms.CharField(label=_("User name"), max_length=255)
    password = forms.CharField(
        label=_("Password"),
        max_length=500,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave it empty to keep the saved password."),
    )
    folder = forms.CharField(label=_("Folder"), max_length=255, initial="INBOX")
    enabled = forms.BooleanField(
        label=_("Check this mailbox regularly"), required=False, initial=True
    )

    def clean_host(self) -> str:
        host: str = self.cleaned_data["host"].strip()
        if not host or any(c.isspace() or c in "/@:" for c in host):
            raise forms.ValidationError(_("Give the server's name only, like imap.example.com."))
        return host

    def clean_folder(self) -> str:
        folder: str = self.cleaned_data["folder"].strip()
        if any(ord(c) < 0x20 or c == "\x7f" for c in folder):
            raise forms.ValidationError(_("This is not a folder name."))
        return folder or "INBOX"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (Django's documented recipe)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".eml,message/rfc822"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        items = [item for item in items if item]
        if not items:
            return [super().clean(None, initial)]  # "This field is required."
        if len(items) > MAX_FILES:
            raise forms.ValidationError(_("Up to 20 files at once, please."))
        # Each file is judged on its own (an empty one among good ones gets its own error).
        if not all(isinstance(item, UploadedFile) for item in items):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return items


class UploadForm(forms.Form):
    emls = MultipleFileField(
        label=_("E-mail files (.eml)"),
        help_text=_("Save the messages from your mail program as .eml files; up to 20 at once."),
    )


class ProjectChoiceField(forms.ModelChoiceField[Project]):
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.client.name} – {obj.name}"


class AssignForm(forms.Form):
    project = ProjectChoiceField(label=_("Project"), queryset=Project.objects.none())

    def __init__(self, *args: Any, projects: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        assert isinstance(field, ProjectChoiceField)
        field.queryset = projects
