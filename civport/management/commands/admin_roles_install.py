from django.core.management.base import BaseCommand, CommandError

from civport.adminroles import admin_roles_install


class Command(BaseCommand):
    help = (
        "Create the system, security and audit administrator groups with exactly their permissions."
    )

    def handle(self, *args, **options):
        try:
            counts = admin_roles_install()
        except LookupError as error:
            raise CommandError(str(error)) from None
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
