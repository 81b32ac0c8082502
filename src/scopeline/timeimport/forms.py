"""Forms of the time import: the upload, and the column mapping of the preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from scopeline.core.timesheets import MAX_BYTES, Mapping, TimesheetError, read_table
from scopeline.timeimport.selectors import ImportOptions
from scopeline.timeimport.wording import file_error

ENCODING_CHOICES = [
    ("auto", _("Detect (UTF-8 or UTF-16)")),
    ("utf-8", "UTF-8"),
    ("utf-16", "UTF-16"),
    ("cp1252", _("Windows Western European (cp1252)")),
    ("cp1250", _("Windows Central European (cp1250)")),
    ("latin-1", _("Latin-1 (ISO 8859-1)")),
]
DATE_ORDER_CHOICES = [
    ("auto", _("Detect")),
    ("ymd", _("year-month-day (2026-03-31)")),
    ("dmy", _("day/month/year (31/03/2026)")),
    ("mdy", _("month/day/year (03/31/2026)")),
]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV export"),
        help_text=_(
            "A detailed report exported as CSV from Toggl Track, Clockify or Harvest, or any "
            "CSV file with a date and a duration per row. At most 5 MB."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"), choices=ENCODING_CHOICES, initial="auto", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size is None or upload.size > MAX_BYTES:
            raise forms.ValidationError(file_error(TimesheetError("too_large", limit=MAX_BYTES)))
        content = upload.read()
        try:
            read_table(content, encoding=data.get("encoding") or "auto")
        except TimesheetError as exc:
            raise forms.ValidationError(file_error(exc)) from None
        data["content"] = content
        data["encoding"] = data.get("encoding") or "auto"
        return data


class MappingForm(forms.Form):
    """Which column is which, the date order and the filters; rendered from the file's header,
    sent by GET to refresh the preview and by POST (hidden) to confirm."""

    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODING_CHOICES)
    date = forms.ChoiceField(label=_("Date column"))
    duration = forms.ChoiceField(
        label=_("Duration column"),
        help_text=_("Hours as 1:30:00, 1:30, 1.5 or 1,5."),
    )
    description = forms.ChoiceField(label=_("Description column"), required=False)
    start = forms.ChoiceField(
        label=_("Start time column"),
        required=False,
        help_text=_("Only used to tell entries apart."),
    )
    project = forms.ChoiceField(label=_("Project column"), required=False)
    client = forms.ChoiceField(label=_("Client column"), required=False)
    date_order = forms.ChoiceField(label=_("Dates are written"), choices=DATE_ORDER_CHOICES)
    # The filters' choices are the file's projects and clients, known once it is parsed with
    # the chosen columns (``set_filters``); a value not in the file just matches no row.
    only_project = forms.CharField(
        label=_("Only the rows of project"), required=False, max_length=500, widget=forms.Select
    )
    only_client = forms.CharField(
        label=_("Only the rows of client"), required=False, max_length=500, widget=forms.Select
    )

    def __init__(
        self,
        data: Any = None,
        *,
        columns: tuple[str, ...],
        initial: dict[str, Any] | None = None,
        user_columns: tuple[str, ...] = (),
    ) -> None:
        super().__init__(data, initial=initial)
        self.user_columns = user_columns
        required_choices = [("", _("(choose a column)")), *((c, c) for c in columns)]
        optional_choices = [("", _("(none)")), *((c, c) for c in columns)]
        for name in ("date", "duration"):
            self._choices(name, required_choices)
        for name in ("description", "start", "project", "client"):
            self._choices(name, optional_choices)
        self.set_filters((), ())

    def set_filters(self, projects: tuple[str, ...], clients: tuple[str, ...]) -> None:
        for name, values in (("only_project", projects), ("only_client", clients)):
            widget = self.fields[name].widget
            assert isinstance(widget, forms.Select)
            widget.choices = [("", _("(all)")), *((v, v) for v in values)]

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def options(self) -> ImportOptions:
        c = self.cleaned_data
        return ImportOptions(
            encoding=c["encoding"],
            mapping=Mapping(
                date=c["date"] or None,
                duration=c["duration"] or None,
                start=c.get("start") or None,
                description=c.get("description") or None,
                project=c.get("project") or None,
                client=c.get("client") or None,
                user=self.user_columns,
            ),
            date_order=c["date_order"],
            only_project=c.get("only_project") or None,
            only_client=c.get("only_client") or None,
        )


def initial_mapping(mapping: Mapping, encoding: str) -> dict[str, Any]:
    return {
        "encoding": encoding,
        "date_order": "auto",
        **{name: value or "" for name, value in mapping.columns().items()},
    }
