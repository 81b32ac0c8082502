"""``manage.py expire_change_orders``: mark sent change orders past their date as expired."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from scopeline.changeorders.services import expire_overdue


class Command(BaseCommand):
    help = "Mark sent change orders whose 'valid until' date has passed as expired (for cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_overdue()
        self.stdout.write(f"{count} change order(s) expired.")
