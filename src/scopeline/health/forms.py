from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django import forms
from django.utils.translation import gettext_lazy as _

from scopeline.core.money import fits_minor_unit, is_known_currency
from scopeline.core.replies.bank import TONES
from scopeline.health.services import MAX_LETTER_CHARS
from scopeline.web import labels

MAX_FLOORS: Final = 50
_FLOOR = re.compile(r"^([A-Za-z]{3})\s*[:=]?\s*(\S+)$")


class ThresholdsForm(forms.Form):
    out_of_scope_window_days = forms.IntegerField(
        label=_("Out-of-scope window (days)"),
        min_value=1,
        max_value=366,
        help_text=_("Requests outside the agreement are counted over this many days."),
    )
    out_of_scope_per_window = forms.IntegerField(
        label=_("Out-of-scope requests allowed in the window"),
        min_value=0,
        max_value=1000,
        help_text=_("More than this many in the window raises the flag."),
    )
    rate_floor_percent = forms.DecimalField(
        label=_("Rate floor (percent of the agreed rate)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text=_("An effective hourly rate below this share of the agreed rate is a flag."),
    )
    rate_floors = forms.CharField(
        label=_("Rate floors per currency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "One per line, a currency code and an hourly amount, e.g. “EUR 50”. "
            "Where set, it is used instead of the percentage."
        ),
    )
    over_budget_percent = forms.DecimalField(
        label=_("Hours over budget (%)"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        max_digits=6,
        decimal_places=2,
        help_text=_("Hours more than this share over the budget raise the flag."),
    )
    payment_grace_days = forms.IntegerField(
        label=_("Payment grace (days)"),
        min_value=0,
        max_value=365,
        help_text=_("A payment this many days late counts as overdue."),
    )
    consider_ending_below = forms.IntegerField(
        label=_("Suggest ending below this score"),
        min_value=1,
        max_value=100,
        help_text=_("Scores run from 0 to 100; 100 means no red flags."),
    )

    def clean_rate_floors(self) -> dict[str, Decimal]:
        text: str = self.cleaned_data.get("rate_floors") or ""
        floors: dict[str, Decimal] = {}
        errors: list[str] = []
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > MAX_FLOORS:
            raise forms.ValidationError(
                _("At most %(max)s lines, one per currency."), params={"max": MAX_FLOORS}
            )
        for number, line in enumerate(lines, start=1):
            match = _FLOOR.match(line)
            code = match.group(1).upper() if match else ""
            amount = _amount(match.group(2)) if match else None
            if match is None or amount is None:
                errors.append(
                    str(_("Line %(n)s: write a currency code and an amount, like “EUR 50”."))
                    % {"n": number}
                )
            elif not is_known_currency(code):
                errors.append(
                    str(_("Line %(n)s: %(code)s is not a currency code."))
                    % {"n": number, "code": code}
                )
            elif amount <= 0 or amount >= Decimal("1e9") or not fits_minor_unit(amount, code):
                errors.append(
                    str(_("Line %(n)s: the amount must be positive and fit %(code)s."))
                    % {"n": number, "code": code}
                )
            elif code in floors:
                errors.append(
                    str(_("Line %(n)s: %(code)s is already given.")) % {"n": number, "code": code}
                )
            else:
                floors[code] = amount
        if errors:
            raise forms.ValidationError(errors)
        return floors


def floors_text(floors: dict[str, Any]) -> str:
    """The stored floors as the form's lines ("EUR 50")."""
    return "\n".join(f"{code} {amount}" for code, amount in sorted(floors.items()))


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class ExitKitForm(forms.Form):
    tone = forms.ChoiceField(
        choices=[(t, labels.TONES[t]) for t in TONES], widget=forms.HiddenInput
    )
    money_option = forms.ChoiceField(
        label=_("Money option"), required=False, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("The letter"),
        required=False,
        max_length=MAX_LETTER_CHARS,
        widget=forms.Textarea(attrs={"rows": 24}),
    )
    leave_out_of_portfolio = forms.BooleanField(
        label=_("Leave this work out of my portfolio"), required=False
    )

    def __init__(self, *args: Any, money: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["money_option"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("None of them")), *money]
