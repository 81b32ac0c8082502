"""``manage.py refresh_health``: recompute every client's health (daily, from cron: the
windows of the red flags move with the date)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scopeline.accounts.models import Workspace
from scopeline.clients.models import Client
from scopeline.health.services import refresh_workspace_health


class Command(BaseCommand):
    help = "Recompute the health score of every client (run daily, e.g. from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", metavar="SLUG", help="Only this workspace.")

    def handle(self, *args: Any, **options: Any) -> None:
        workspaces = Workspace.objects.order_by("slug")
        slug = options.get("workspace")
        if slug:
            workspaces = workspaces.filter(slug=slug)
            if not workspaces.exists():
                raise CommandError(f"No workspace with the short name {slug!r}.")
        total = 0
        verbose = int(options.get("verbosity", 1)) >= 1
        for workspace in workspaces:

            def progress(n: int, of: int, client: Client, slug: str = workspace.slug) -> None:
                if verbose:
                    self.stdout.write(f"  {slug}: {n}/{of} {client.name}")

            count = refresh_workspace_health(workspace, progress=progress)
            total += count
            if verbose:
                self.stdout.write(f"{workspace.slug}: {count} client(s) recomputed.")
        self.stdout.write(self.style.SUCCESS(f"Health recomputed for {total} client(s)."))
