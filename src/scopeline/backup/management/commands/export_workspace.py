"""``manage.py export_workspace SLUG [-o FILE] [--include-secrets]``: one workspace to JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scopeline.accounts.models import Workspace
from scopeline.backup.services import BackupError, export_workspace


class Command(BaseCommand):
    help = (
        "Write a workspace and everything in it to one JSON file (format scopeline-workspace, "
        "version 1; see docs/backup.md). Counts per section go to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The workspace's short name (as in /w/<slug>/).")
        parser.add_argument(
            "-o", "--output", default="-", help="The file to write; '-' (the default) for stdout."
        )
        parser.add_argument(
            "--include-secrets",
            action="store_true",
            help="Also write password hashes, portal link and API token hashes, webhook secrets "
            "and the intake mailbox password. Keep such a file as safe as the database.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["slug"]).first()
        if workspace is None:
            raise CommandError(f"no workspace {options['slug']!r}")

        def progress(section: str, count: int) -> None:
            self.stderr.write(f"  {section}: {count}")

        target = options["output"]
        try:
            if target == "-":
                counts = export_workspace(
                    workspace=workspace,
                    out=sys.stdout,
                    include_secrets=options["include_secrets"],
                    progress=progress,
                )
                sys.stdout.flush()
            else:
                path = Path(target)
                partial = path.with_name(path.name + ".partial")
                with partial.open("w", encoding="utf-8") as out:
                    counts = export_workspace(
                        workspace=workspace,
                        out=out,
                        include_secrets=options["include_secrets"],
                        progress=progress,
                    )
                partial.replace(path)  # a failed export never leaves a half file behind
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot write {target}: {exc}") from exc
        total = sum(counts.values())
        self.stderr.write(f"Exported workspace {workspace.slug!r}: {total} rows.")
