from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from civport.auditchain import audit_verify, audit_verify_archive


class Command(BaseCommand):
    help = (
        "Verify the audit log's SM3 hash chain in the database, from the last archive on, and "
        "name the first entry changed or removed; with --archive, verify an archive file's "
        "signature and chain instead. Exits non-zero when something is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--archive",
            type=Path,
            action="append",
            default=[],
            metavar="FILE",
            help="An archive file written by audit_archive (may be given more than once).",
        )

    def handle(self, *args, archive=(), **options):
        if archive:
            return self._archives(archive)
        result = audit_verify()
        broken = result.broken
        if broken is not None:
            at = timezone.localtime(broken.at).isoformat() if broken.at else "-"
            self.stdout.write(
                f"Broken at entry {broken.id} (position {broken.seq}, {at}, {broken.action}): "
                f"{broken.reason}. {result.checked} entries before it verified; "
                f"{result.unsealed} not sealed yet."
            )
            raise CommandError("The audit chain is broken.")
        span = f" (positions {result.first_seq} to {result.last_seq})" if result.checked else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain verified: {result.checked} entries{span}; "
                f"{result.unsealed} not sealed yet."
            )
        )

    def _archives(self, paths):
        failed = 0
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
            check = audit_verify_archive(path)
            if check.ok:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{check.file_name}: signature and chain verified, {check.count} entries "
                        f"(positions {check.first_seq} to {check.last_seq})."
                    )
                )
            else:
                failed += 1
                self.stdout.write(f"{check.file_name}: " + "; ".join(check.problems) + ".")
        if failed:
            raise CommandError(f"{failed} archive file(s) do not verify.")
