"""``manage.py import_workspace FILE [--slug NEW] [--owner EMAIL]``: a backup into this database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scopeline.backup.services import BackupError, import_workspace, load_document


class Command(BaseCommand):
    help = (
        "Create a workspace from a file written by export_workspace. The whole file is checked "
        "first and written in one transaction: on any problem nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file; '-' for stdin.")
        parser.add_argument(
            "--slug", help="Import under this short name (required when the file's is taken)."
        )
        parser.add_argument(
            "--owner",
            metavar="EMAIL",
            help="Make this user (of this database or of the file) an owner of the workspace.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["file"]
        try:
            if source == "-":
                document = load_document(sys.stdin)
            else:
                with Path(source).open("rb") as handle:
                    document = load_document(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {source}: {exc}") from exc
        except BackupError as exc:
            raise CommandError(f"{source}: {exc}") from exc

        def progress(section: str, count: int) -> None:
            self.stderr.write(f"  {section}: {count}")

        try:
            summary = import_workspace(
                document=document,
                slug=options["slug"],
                owner=options["owner"],
                progress=progress,
            )
        except BackupError as exc:
            lines = "\n".join(f"  {p}" for p in exc.problems)
            raise CommandError(f"{source}: nothing was imported:\n{lines}") from exc
        for field, n in summary.renamed.items():
            self.stderr.write(
                f"  {field}: {n} value(s) already used in this database were replaced by new "
                "random ones (those links or tokens do not work in the copy)"
            )
        if summary.users_created:
            self.stderr.write(
                f"  created {len(summary.users_created)} user(s) without a usable password "
                "unless the file had secrets; they set one with 'Forgot your password?'"
            )
        self.stdout.write(
            f"Imported workspace {summary.workspace.slug!r} ({sum(summary.counts.values())} rows)."
        )
