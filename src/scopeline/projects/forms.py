"""The agreement editor, the file import and the ledger form.

The forms check what a form can (types, ranges); the agreement as a whole is validated by the
core (``agreement_from_data``) so that the web app and the agreement file obey the same rules,
and its problems are shown on the form.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from scopeline.clients.models import Client
from scopeline.core.money import is_known_currency

_ID = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{0,59}$",
    _("Use the letters a–z, digits, '-' and '_' (e.g. contact-form)."),
)


def _decimal(label: Any, *, required: bool = False, help_text: Any = "", **kw: Any) -> Any:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=3,
        localize=True,
        help_text=help_text,
        **kw,
    )


class AgreementForm(forms.Form):
    project = forms.CharField(label=_("Project"), max_length=200)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    price_model = forms.ChoiceField(
        label=_("Price model"), choices=[("fixed", _("Fixed price")), ("hourly", _("Hourly"))]
    )
    price_amount = _decimal(_("Fixed price"), help_text=_("For a fixed-price project."))
    hourly_rate = _decimal(_("Hourly rate"), help_text=_("Used to price extras and hourly work."))
    deposit_percent = _decimal(_("Deposit (%)"), max_value=Decimal(100))
    start = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput({"type": "date"})
    )
    deadline = forms.DateField(
        label=_("Delivery date"), required=False, widget=forms.DateInput({"type": "date"})
    )
    concepts = forms.IntegerField(label=_("Design concepts included"), required=False, min_value=0)
    revision_rounds = forms.IntegerField(
        label=_("Revision rounds included"), required=False, min_value=0
    )
    favor_max_hours = _decimal(
        _("Largest favour (hours)"),
        required=True,
        initial=Decimal(1),
        help_text=_("Small extras up to this size may be done as a favour."),
    )
    goodwill_budget_hours = _decimal(
        _("Goodwill budget (hours)"), required=True, initial=Decimal(0)
    )
    rush_surcharge_percent = _decimal(_("Rush surcharge (%)"), required=True, initial=Decimal(25))

    def clean_currency(self) -> str:
        code: str = self.cleaned_data["currency"].strip().upper()
        if not is_known_currency(code):
            raise forms.ValidationError(_("Unknown currency code (use ISO 4217, e.g. EUR)."))
        return code


class ScopeItemForm(forms.Form):
    id = forms.CharField(label=_("Id"), max_length=60, validators=[_ID])
    title = forms.CharField(label=_("What is included"), max_length=300)
    quantity = forms.IntegerField(label=_("Quantity"), required=False, min_value=1)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    hours = _decimal(_("Hours"))


class ExclusionForm(forms.Form):
    id = forms.CharField(label=_("Id"), max_length=60, validators=[_ID])
    title = forms.CharField(label=_("What is not included"), max_length=300)


ScopeFormSet = forms.formset_factory(ScopeItemForm, extra=2, can_delete=True, max_num=200)
ExclusionFormSet = forms.formset_factory(ExclusionForm, extra=2, can_delete=True, max_num=200)


def _rows(formset: forms.BaseFormSet[Any]) -> list[dict[str, Any]]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("id"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE" and v not in (None, "")})
    return rows


def agreement_data_from_forms(
    base: dict[str, Any],
    form: AgreementForm,
    scope: forms.BaseFormSet[Any],
    exclusions: forms.BaseFormSet[Any],
) -> dict[str, Any]:
    """The agreement data the forms describe, over ``base`` (fields the form does not edit,
    such as policy.actions, are kept)."""
    c = form.cleaned_data
    data = dict(base)
    data["version"] = 1
    data["project"] = c["project"]
    data["currency"] = c["currency"]
    price: dict[str, Any] = {"model": c["price_model"]}
    if c.get("price_amount") is not None:
        price["amount"] = c["price_amount"]
    if c.get("hourly_rate") is not None:
        price["hourly_rate"] = c["hourly_rate"]
    data["price"] = price
    if c.get("deposit_percent") is not None:
        data["deposit"] = {"percent": c["deposit_percent"]}
    else:
        data.pop("deposit", None)
    for key in ("start", "deadline"):
        value: dt.date | None = c.get(key)
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    allowances = {key: c[key] for key in ("concepts", "revision_rounds") if c.get(key) is not None}
    data["allowances"] = allowances
    policy = dict(base.get("policy") or {})
    for key in ("favor_max_hours", "goodwill_budget_hours", "rush_surcharge_percent"):
        policy[key] = c[key]
    data["policy"] = policy
    data["scope"] = _rows(scope)
    data["exclusions"] = _rows(exclusions)
    data.pop("ledger", None)
    return data


def initial_from_agreement(data: dict[str, Any]) -> dict[str, Any]:
    price = data.get("price") or {}
    policy = data.get("policy") or {}
    allowances = data.get("allowances") or {}
    return {
        "project": data.get("project", ""),
        "currency": data.get("currency", "EUR"),
        "price_model": price.get("model", "fixed"),
        "price_amount": price.get("amount"),
        "hourly_rate": price.get("hourly_rate"),
        "deposit_percent": (data.get("deposit") or {}).get("percent"),
        "start": data.get("start"),
        "deadline": data.get("deadline"),
        "concepts": allowances.get("concepts"),
        "revision_rounds": allowances.get("revision_rounds"),
        "favor_max_hours": policy.get("favor_max_hours", Decimal(1)),
        "goodwill_budget_hours": policy.get("goodwill_budget_hours", Decimal(0)),
        "rush_surcharge_percent": policy.get("rush_surcharge_percent", Decimal(25)),
    }


class ClientChoiceForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())

    def __init__(self, *args: Any, clients: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]


MAX_FILE_BYTES = 512 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Agreement file (YAML or JSON)"), required=False)
    text = forms.CharField(
        label=_("…or paste it here"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        max_length=MAX_FILE_BYTES,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is None and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the agreement."))
        if upload is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 512 KB; it cannot be an agreement.")
            )
        return data

    def source(self) -> tuple[str, bytes | str]:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.name or "upload.yaml", upload.read()
        return "pasted.yaml", self.cleaned_data["text"]


LEDGER_TYPES = [
    ("hours", _("Hours worked")),
    ("payment", _("Payment received")),
    ("concepts_delivered", _("Concepts delivered")),
    ("revision_round", _("Revision round done")),
    ("favor", _("Favour (goodwill hours)")),
    ("refund", _("Refund paid")),
]


class LedgerEventForm(forms.Form):
    type = forms.ChoiceField(label=_("What happened"), choices=LEDGER_TYPES)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput({"type": "date"}))
    hours = _decimal(_("Hours"), max_value=Decimal(10000))
    amount = _decimal(_("Amount"), max_value=Decimal("1000000000"))
    count = forms.IntegerField(label=_("How many"), required=False, min_value=1, max_value=1000)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    NEEDS: ClassVar[dict[str, str]] = {
        "hours": "hours",
        "favor": "hours",
        "payment": "amount",
        "refund": "amount",
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        need = self.NEEDS.get(data.get("type", ""))
        if need == "hours" and not data.get("hours"):
            self.add_error("hours", _("Enter the hours (more than zero)."))
        if need == "amount" and not data.get("amount"):
            self.add_error("amount", _("Enter the amount (more than zero)."))
        return data

    def event_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        kind = c["type"]
        fields: dict[str, Any] = {"type": kind, "date": c["date"]}
        if c.get("note"):
            fields["note"] = c["note"]
        need = self.NEEDS.get(kind)
        if need:
            fields[need] = c[need]
        elif kind in ("concepts_delivered", "revision_round"):
            fields["count"] = c.get("count") or 1
        return fields
