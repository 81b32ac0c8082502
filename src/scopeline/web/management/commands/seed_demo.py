"""``manage.py seed_demo``: load the demo workspace once (``--reset`` to load it afresh)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scopeline.accounts.models import Workspace
from scopeline.web import demo


class Command(BaseCommand):
    help = "Load the demo workspace (clients in five languages, agreements, ledgers, an inbox)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo workspace first, then reload it."
        )
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="The address printed for the login."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            deleted = Workspace.objects.filter(slug=demo.WORKSPACE_SLUG).first()
            if deleted is not None:
                deleted.projects.all().delete()
                deleted.delete()
                self.stdout.write("Deleted the old demo workspace.")
        if demo.demo_exists():
            self.stdout.write("The demo workspace is already loaded (use --reset to reload it).")
        else:
            self.stdout.write("Loading the demo workspace (the triage model takes a few seconds)…")
            on_tty = self.stdout.isatty()
            summary = demo.load_demo(
                progress=(lambda text: self.stdout.write(f"  {text}", ending="\r"))
                if on_tty
                else None
            )
            self.stdout.write("")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {summary.projects} projects and {summary.requests} client messages "
                    f"({summary.decided} already decided)."
                )
            )
        url = options["url"]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"  Scopeline: {url}"))
        self.stdout.write(f"  Log in as {demo.DEMO_EMAIL} / password {demo.DEMO_PASSWORD}")
        self.stdout.write(f"  (teammate: {demo.TEAMMATE_EMAIL}, same password)")
        self.stdout.write("")
