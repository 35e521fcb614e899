import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civport.auditchain import RETENTION_DAYS, audit_archive


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Move the sealed audit entries made before a date, at least "
        f"{RETENTION_DAYS} days ago, to a signed gzip file of JSON lines, recorded in the "
        "database so that the chain left there still verifies. Safe to re-run: entries already "
        "archived are not archived again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--before",
            required=True,
            type=_date,
            metavar="DATE",
            help=f"Archive entries made before this day (YYYY-MM-DD, {RETENTION_DAYS}+ days ago).",
        )
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help="Where to write the file (default CIVPORT_AUDIT_ARCHIVE_DIR).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the chain and report what would be archived; write and delete nothing.",
        )

    def handle(self, *args, before, directory=None, dry_run=False, **options):
        try:
            archived = audit_archive(before=before, directory=directory, dry_run=dry_run)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if archived is None:
            self.stdout.write(f"Nothing to archive before {before.isoformat()}.")
            return
        verb = "Dry run, nothing written: would archive" if dry_run else "Archived"
        where = f" to {archived.path}" if archived.path else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {archived.count} entries (positions {archived.first_seq} to "
                f"{archived.last_seq}){where}; last hash {archived.last_hash}."
            )
        )
