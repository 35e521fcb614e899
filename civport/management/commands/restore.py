"""Restore a backup archive into an empty database and an empty media folder."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from civport.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Verify a backup archive made by `backup` (its .sha256 file when beside it, and every "
        "member against the manifest), then restore it into the database (which must be empty: "
        "create a new one, then run this before `migrate`) and into CIVPORT_MEDIA_ROOT (which "
        "must be empty or missing). Nothing is written when a check fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The civport-backup-*.tar file.")
        parser.add_argument("--database", default="default", help="Django database alias.")

    def handle(self, *args, archive, database, **options):
        connection = connections[database]
        # The checks and the load use connections of their own; let go of Django's.
        connection.close()
        try:
            result = backup_restore(
                archive=Path(archive),
                database=connection.settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {Path(archive).name}: database {result.database}, "
                f"{result.media_files} uploaded file{'' if result.media_files == 1 else 's'} into "
                f"{result.media_root}."
            )
        )
