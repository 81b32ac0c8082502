from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scopeline.changeorders.services import Line


class ChangeOrderForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput({"type": "date"}))
    days = forms.IntegerField(
        label=_("Schedule impact (working days)"), min_value=0, max_value=365, initial=0
    )
    concepts = forms.IntegerField(
        label=_("Extra design concepts"), min_value=0, max_value=50, initial=0
    )
    revision_rounds = forms.IntegerField(
        label=_("Extra revision rounds"), min_value=0, max_value=50, initial=0
    )
    terms = forms.CharField(
        label=_("Extra terms"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed after the standard terms, in the language you write them."),
    )

    def clean_valid_until(self) -> dt.date:
        value: dt.date = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The date has passed; choose today or later."))
        return value


class LineForm(forms.Form):
    description = forms.CharField(label=_("Work"), max_length=300)
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal(0),
        max_value=Decimal(10000),
        decimal_places=2,
        localize=True,
    )
    rate = forms.DecimalField(
        label=_("Rate"), min_value=Decimal(0), max_digits=14, decimal_places=3, localize=True
    )


LineFormSet = forms.formset_factory(
    LineForm, extra=1, can_delete=True, min_num=1, validate_min=True, max_num=50
)


def lines_from(formset: forms.BaseFormSet[Any]) -> list[Line]:
    return [
        Line(f.cleaned_data["description"], f.cleaned_data["hours"], f.cleaned_data["rate"])
        for f in formset.forms
        if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
    ]


class AcceptForm(forms.Form):
    name = forms.CharField(label=_("Your full name"), max_length=200)
    terms = forms.BooleanField(label=_("I accept this change order and its terms."), required=True)
    document = forms.CharField(widget=forms.HiddenInput, max_length=64)


class DeclineForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
