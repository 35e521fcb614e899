"""Rebuild the activity summary behind the dashboards from the activities."""

from django.core.management.base import BaseCommand

from campaigns.services.summaries import activity_summary_rebuild


class Command(BaseCommand):
    help = (
        "Make the activity summary that the dashboards read (activities per authority, year "
        "and construction area, by status) what the activities say: rows created, corrected or "
        "removed where they differ. The activity services keep it as they go; run this after "
        "changing activities outside them (a bulk load, a restore). Safe to run again: a "
        "second run changes nothing. The activity services wait while it runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would change, and change nothing.",
        )

    def handle(self, *args, dry_run: bool, **options):
        result = activity_summary_rebuild(dry_run=dry_run)
        note = " (dry run: nothing written)" if dry_run else ""
        self.stdout.write(
            f"Activity summary, {result.rows} rows: {result.created} created, "
            f"{result.corrected} corrected, {result.removed} removed{note}."
        )
