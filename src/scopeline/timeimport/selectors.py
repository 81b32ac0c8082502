"""Reads for time imports: an upload's preview (the parsed file against what is imported)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from scopeline.accounts.models import User, Workspace
from scopeline.core.timesheets import (
    DateOrder,
    Mapping,
    TimeEntry,
    Timesheet,
    detect,
    parse_timesheet,
    read_table,
)
from scopeline.timeimport.models import ImportedEntry, TimeUpload


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose on the preview page; ``mapping`` None: the detected one."""

    encoding: str = "auto"
    mapping: Mapping | None = None
    date_order: DateOrder = "auto"
    only_project: str | None = None
    only_client: str | None = None


@dataclass(frozen=True)
class Preview:
    sheet: Timesheet
    imported: frozenset[str] = field(default_factory=frozenset)
    """Keys the project already has."""

    @property
    def new_entries(self) -> list[TimeEntry]:
        return [e for e in self.sheet.entries if e.key not in self.imported]

    @property
    def duplicates(self) -> list[TimeEntry]:
        return [e for e in self.sheet.entries if e.key in self.imported]


def pending_upload(*, workspace: Workspace, user: User, pk: int) -> TimeUpload | None:
    """The user's own upload in this workspace (expired or not), or None."""
    return (
        TimeUpload.objects.select_related("project", "project__client")
        .filter(pk=pk, workspace=workspace, user=user)
        .first()
    )


def is_expired(upload: TimeUpload) -> bool:
    return upload.expires_at <= timezone.now()


def detected(upload: TimeUpload, encoding: str) -> tuple[tuple[str, ...], Mapping]:
    """The file's columns and the mapping its header suggests (``TimesheetError`` if none)."""
    table = read_table(bytes(upload.content), encoding=encoding)
    return table.columns, detect(table.columns)[1]


def build_preview(upload: TimeUpload, options: ImportOptions) -> Preview:
    table = read_table(bytes(upload.content), encoding=options.encoding)
    tool, mapping = detect(table.columns)
    sheet = parse_timesheet(
        table,
        tool=tool,
        mapping=options.mapping or mapping,
        date_order=options.date_order,
        only_project=options.only_project,
        only_client=options.only_client,
    )
    keys = ImportedEntry.objects.filter(project_id=upload.project_id).values_list("key", flat=True)
    return Preview(sheet, frozenset(keys))
