"""The one write layer for time imports: keep an upload, import its entries as hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from scopeline.accounts.models import User
from scopeline.accounts.services import audit
from scopeline.core.events import Hours
from scopeline.core.timesheets import MAX_BYTES, TimesheetError, read_table
from scopeline.health import services as health
from scopeline.projects.models import LedgerEvent, Project
from scopeline.projects.services import event_row, refresh_summary
from scopeline.timeimport.models import ImportedEntry, TimeUpload
from scopeline.timeimport.selectors import ImportOptions, build_preview

UPLOAD_LIFETIME = dt.timedelta(hours=1)
MAX_PENDING_PER_USER = 5
NOTE_LENGTH = 300  # as the ledger form allows


class TimeImportError(Exception):
    """An import the rules refuse; ``code`` names why (the views word it)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class ImportResult:
    imported: int
    hours: Decimal
    duplicates: int
    problems: int


@transaction.atomic
def store_upload(
    *, project: Project, actor: User, filename: str, content: bytes, encoding: str = "auto"
) -> TimeUpload:
    """Keep an uploaded export for its preview. The file must at least be CSV text with a
    header row (``TimesheetError`` otherwise, and nothing is kept). Expired uploads, and this
    user's oldest beyond a few, are deleted on the way."""
    if len(content) > MAX_BYTES:
        raise TimesheetError("too_large", limit=MAX_BYTES)
    read_table(content, encoding=encoding)
    now = timezone.now()
    TimeUpload.objects.filter(expires_at__lte=now).delete()
    stale = TimeUpload.objects.filter(user=actor).order_by("-created_at", "-id")[
        MAX_PENDING_PER_USER - 1 :
    ]
    TimeUpload.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    return TimeUpload.objects.create(
        workspace_id=project.workspace_id,
        project=project,
        user=actor,
        filename=filename[:200] or "upload.csv",
        content=content,
        size=len(content),
        encoding=encoding,
        expires_at=now + UPLOAD_LIFETIME,
    )


@transaction.atomic
def import_time(
    *, upload: TimeUpload, actor: User, options: ImportOptions, skip_problems: bool = False
) -> ImportResult:
    """Every valid entry of the upload that the project does not have yet becomes an ``hours``
    ledger event, all in one transaction; the upload is then deleted. Refused (nothing written)
    when the file has bad rows and ``skip_problems`` is not given, or when nothing is new."""
    project = Project.objects.select_for_update().get(pk=upload.project_id)
    preview = build_preview(upload, options)  # TimesheetError for an unreadable file
    sheet = preview.sheet
    if sheet.problems and not skip_problems:
        raise TimeImportError("problems")
    new = preview.new_entries
    if not new:
        raise TimeImportError("nothing_new")
    rows = LedgerEvent.objects.bulk_create(
        [
            event_row(
                project,
                actor,
                Hours(date=e.date, hours=e.hours, note=e.description[:NOTE_LENGTH] or None),
            )
            for e in new
        ],
        batch_size=500,
    )
    ImportedEntry.objects.bulk_create(
        [
            ImportedEntry(workspace_id=project.workspace_id, project=project, key=e.key, event=row)
            for e, row in zip(new, rows, strict=True)
        ],
        batch_size=500,
    )
    hours = sum((e.hours for e in new), Decimal(0))
    result = ImportResult(
        imported=len(new),
        hours=hours,
        duplicates=len(preview.duplicates),
        problems=len(sheet.problems),
    )
    audit(
        workspace=project.workspace,
        actor=actor,
        action="time.imported",
        obj=project,
        detail={
            "file": upload.filename,
            "tool": sheet.tool,
            "entries": result.imported,
            "hours": str(hours),
            "duplicates": result.duplicates,
            "bad_rows": result.problems,
        },
    )
    refresh_summary(project)
    health.client_changed(project.client_id)
    upload.delete()
    return result
