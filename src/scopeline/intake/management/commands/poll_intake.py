"""``manage.py poll_intake``: check every enabled intake mailbox for new messages (for cron or
the worker's schedule). Each mailbox is polled by the ``poll_mailbox`` task: inline with the
immediate backend, by the workers with a queue. A mailbox that fails is reported here and on
its settings page; the others are polled all the same."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scopeline.intake import tasks
from scopeline.intake.models import IntakeMailbox


class Command(BaseCommand):
    help = "Take in the new messages of every enabled intake mailbox (for cron or a worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workspace", help="only this workspace (its short name in links)", default=""
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mailboxes = IntakeMailbox.objects.filter(enabled=True).select_related("workspace")
        if options["workspace"]:
            mailboxes = mailboxes.filter(workspace__slug=options["workspace"])
        for mailbox in mailboxes.order_by("pk"):
            slug = mailbox.workspace.slug
            result = tasks.poll_mailbox.enqueue(mailbox.workspace_id)
            if not result.is_finished:  # a queue: a worker polls it
                self.stdout.write(f"{slug}: enqueued ({result.id})")
                continue
            if result.errors:
                self.stderr.write(f"{slug}: the task failed: {result.errors[-1].traceback}")
                continue
            value = result.return_value
            if value["skipped"]:
                self.stdout.write(f"{slug}: skipped (another poll is running)")
            elif value["error"]:
                self.stderr.write(f"{slug}: {value['error']}")
            else:
                self.stdout.write(
                    f"{slug}: {value['stored']} new, {value['duplicates']} already known, "
                    f"{value['rejected']} rejected"
                )
