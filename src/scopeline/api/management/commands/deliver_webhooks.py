"""``manage.py deliver_webhooks``: send the webhook deliveries whose next attempt is due."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from scopeline.api.tasks import deliver_due


class Command(BaseCommand):
    help = "Retry the webhook deliveries that are due (for cron, every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = deliver_due()
        self.stdout.write(f"{count} webhook delivery attempt(s) made.")
