"""Back up the database and the uploaded files into one dated, checksummed archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from civport.backup import BackupError, backup_create


def _size(count):
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"


class Command(BaseCommand):
    help = (
        "Write the database (pg_dump's custom format, or a copy of the SQLite file) and every "
        "uploaded file (CIVPORT_MEDIA_ROOT) into one archive civport-backup-YYYYMMDD-HHMMSS.tar "
        "with a SHA-256 manifest inside, and its own SHA-256 in a .sha256 file beside it. "
        "`restore` reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=".",
            help="Folder to write the archive to (created if missing; default: the current one).",
        )
        parser.add_argument("--database", default="default", help="Django database alias.")

    def handle(self, *args, output, database, **options):
        try:
            result = backup_create(
                database=connections[database].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                output_dir=Path(output),
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {result.path} ({_size(result.size)}: database "
                f"{_size(result.database_size)}, {result.media_files} uploaded "
                f"file{'' if result.media_files == 1 else 's'}), "
                f"SHA-256 in {result.checksum_path.name}."
            )
        )
