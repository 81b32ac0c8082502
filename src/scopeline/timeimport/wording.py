"""The core's timesheet problem codes in the reader's language."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from scopeline.core.timesheets import RowProblem, TimesheetError


def file_error(error: TimesheetError) -> str:
    match error.code:
        case "empty":
            return _("The file is empty.")
        case "too_large":
            return _("The file is larger than %(size)s; split the export by period.") % {
                "size": filesizeformat(error.limit)
            }
        case "binary":
            return _("The file is not a text file; export the report as CSV.")
        case "spreadsheet":
            return _(
                "The file is a spreadsheet workbook (Excel or similar), not CSV; save or export "
                "it as CSV."
            )
        case "encoding":
            return _(
                "Line %(line)s cannot be read as %(encoding)s text; choose the file's encoding."
            ) % {"line": error.line, "encoding": error.detail}
        case "not_csv":
            return _("Line %(line)s: the file is not a CSV file the importer can read.") % {
                "line": error.line
            }
        case "no_columns":
            return _(
                "The first line has only one column: the file is not CSV, or uses an unknown "
                "delimiter."
            )
        case "too_many_rows":
            return _("The file has more than %(limit)s rows; split it by period.") % {
                "limit": error.limit
            }
        case "mapping_required":
            return _(
                "The columns were not recognised: choose which column holds the date and which "
                "the duration."
            )
        case "unknown_column":
            return _("The file has no column named “%(column)s”.") % {"column": error.detail}
    return _("Unknown option: %(option)s.") % {"option": error.detail}


def row_problem(problem: RowProblem) -> str:
    value = {"value": problem.value}
    match problem.code:
        case "date_missing":
            return _("The date is empty.")
        case "date_invalid":
            return _("The date “%(value)s” cannot be read.") % value
        case "duration_missing":
            return _("The duration is empty.")
        case "duration_invalid":
            return _("The duration “%(value)s” cannot be read.") % value
        case "duration_not_positive":
            return _("The duration “%(value)s” is not more than zero.") % value
        case "duration_too_short":
            return _("The duration “%(value)s” is shorter than a minute.") % value
        case "duration_too_long":
            return (
                _("The duration “%(value)s” is longer than 24 hours (a timer left running?).")
                % value
            )
        case "duplicate_in_file":
            return _("The same entry is already on line %(line)s.") % {"line": problem.value}
    return problem.message
