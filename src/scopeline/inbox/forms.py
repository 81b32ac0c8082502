from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from scopeline.core.triage.contract import ACTIONS
from scopeline.inbox.services import MAX_MESSAGE_CHARS
from scopeline.projects.models import Project
from scopeline.web import labels


class NewRequestForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    text = forms.CharField(
        label=_("The client's message"),
        widget=forms.Textarea(attrs={"rows": 8, "autofocus": True}),
        max_length=MAX_MESSAGE_CHARS,
        help_text=_("Paste it as the client wrote it: in English, Finnish, Romanian or Chinese."),
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        field.queryset = projects  # type: ignore[attr-defined]
        field.label_from_instance = lambda p: f"{p.client.name} – {p.name}"  # type: ignore[attr-defined]

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError(_("The message is empty."))
        return text


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"), choices=[(a, labels.ACTIONS[a]) for a in ACTIONS]
    )
    tone = forms.ChoiceField(
        choices=[(t, labels.TONES[t]) for t in ("warm", "neutral", "firm")],
        widget=forms.HiddenInput,
    )
    reply_text = forms.CharField(
        label=_("Reply"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=20_000,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("Required when you choose something other than the suggestion: why?"),
    )
    advice_overridden = forms.BooleanField(
        label=_("The client insisted against my professional advice"), required=False
    )

    def __init__(self, *args: Any, suggested: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggested = suggested

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action and action != self.suggested and not (data.get("note") or "").strip():
            self.add_error(
                "note", _("Say in a few words why you decide differently from the suggestion.")
            )
        return data
