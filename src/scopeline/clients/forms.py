from __future__ import annotations

from typing import ClassVar

from django import forms

from scopeline.clients.models import Client


class ClientForm(forms.ModelForm[Client]):
    class Meta:
        model = Client
        fields: ClassVar[list[str]] = ["name", "language", "contact", "email", "notes"]
        widgets: ClassVar = {"notes": forms.Textarea(attrs={"rows": 5})}
