"""Load the demo data set (safe to re-run)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from seeding import accounts as account_managers
from seeding import assessments, awards, groups, notices
from seeding.campaigns import ACCOUNTS, seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo data: the national office, the 31 provincial authorities, port "
        "authorities, the real ports, plausible units, fictional people and the demo accounts, "
        "then the assessments' and the awards' demo data. "
        "Safe to re-run: rows are matched by code and the demo passwords are reset to "
        "CIVPORT_DEMO_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created, then roll everything back.",
        )

    def handle(self, *args, dry_run=False, **options):
        if settings.CIVPORT_ENV == "production":
            # The demo accounts, a superuser among them, share one known password.
            raise CommandError(
                "Refused: CIVPORT_ENV=production. The demo data creates accounts (a superuser "
                "among them) with the known demo password; load it only on a development or "
                "demonstration database."
            )
        started = time.monotonic()
        accounts = [username for username, *_ in ACCOUNTS]
        password = settings.CIVPORT_DEMO_PASSWORD
        with transaction.atomic():
            stats = seed_demo(password=password)
            accounts += groups.seed_demo(password=password, stats=stats) or []
            # Each part gets the same Stats and returns the usernames of the accounts it made.
            accounts += assessments.seed_demo(password=password, stats=stats) or []
            accounts += awards.seed_demo(password=password, stats=stats) or []
            accounts += notices.seed_demo(password=password, stats=stats) or []
            accounts += account_managers.seed_demo(password=password, stats=stats)
            if dry_run:
                transaction.set_rollback(True)
        verb = "Dry run, nothing written" if dry_run else "Demo data ready"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} in {time.monotonic() - started:.1f}s: {stats.summary()}. "
                f"Accounts: {', '.join(accounts)}."
            )
        )
