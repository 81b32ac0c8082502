"""Time imported from a tracker's CSV export, and the uploaded file waiting for confirmation.

An ``ImportedEntry`` ties a tracker entry's duplicate key (from :mod:`scopeline.core.timesheets`)
to the ledger event it became; the key is unique per project, so importing the same export
again skips what is already there. A ``TimeUpload`` keeps the file between the preview and the
confirmation, for its uploader only, for an hour.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from scopeline.accounts.models import Workspace
from scopeline.projects.models import LedgerEvent, Project


class ImportedEntry(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="imported_time")
    key = models.CharField(max_length=64)
    event = models.ForeignKey(LedgerEvent, on_delete=models.CASCADE, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["project", "key"], name="one_import_per_entry")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.key[:12]}"


class TimeUpload(models.Model):
    """An uploaded export between preview and confirmation (deleted on import or expiry)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    encoding = models.CharField(max_length=10, default="auto")  # as chosen on upload
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
