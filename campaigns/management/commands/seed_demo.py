"""Load the demo data set (safe to re-run)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from campaigns.demo import ACCOUNTS, seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo data: the national office, the 31 provincial authorities, port "
        "authorities, the real ports, plausible units, fictional people and the demo accounts. "
        "Safe to re-run: rows are matched by code and the demo passwords are reset to "
        "CIVPORT_DEMO_PASSWORD."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        stats = seed_demo(password=settings.CIVPORT_DEMO_PASSWORD)
        accounts = ", ".join(username for username, *_ in ACCOUNTS)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f}s: {stats.summary()}. "
                f"Accounts: {accounts}."
            )
        )
