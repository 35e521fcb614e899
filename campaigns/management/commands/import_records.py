from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from campaigns.imports import KINDS, import_records


class Command(BaseCommand):
    help = (
        "Import authorities, ports, participating units or people from an .xlsx or .csv file "
        "(UTF-8 or GB18030). All or nothing: when any row is bad, every row error is printed, "
        "nothing is written and the command exits with status 1. Safe to re-run: rows are "
        "matched by code."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, write nothing."
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Import as this user, within their scope (default: the whole country, "
            "recorded without an actor).",
        )

    def handle(self, *args, kind, file, dry_run, user, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {user!r}.")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        result = import_records(
            kind=kind, data=data, filename=file.name, actor=actor, dry_run=dry_run
        )
        for message in result.file_errors:
            self.stderr.write(f"{file}: {message}")
        for row in result.errors:
            for message in row.messages:
                self.stderr.write(f"{file}: row {row.number}: {message}")
        counts = result.counts
        if not result.ok:
            verb = "rejected"
        else:
            verb = "imported" if result.applied else "checked (dry run)"
        summary = (
            f"{kind}: {verb} {len(result.rows)} rows — {counts['create']} new, "
            f"{counts['update']} changed, {counts['unchanged']} unchanged, "
            f"{counts['error']} with errors"
        )
        if not result.ok:
            raise CommandError(summary + "; nothing was written.")
        self.stdout.write(summary + ".")
