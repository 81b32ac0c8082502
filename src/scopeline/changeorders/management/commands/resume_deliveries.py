"""``manage.py resume_deliveries``: queue again the change order e-mails whose task was lost."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from scopeline.changeorders.services import resume_deliveries


class Command(BaseCommand):
    help = (
        "Queue again the change order e-mails stuck for 15 minutes past their time (a queue "
        "that was down, a worker that died). For cron, every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = resume_deliveries()
        self.stdout.write(f"{count} e-mail(s) queued again.")
