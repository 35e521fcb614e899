"""Install the periodic tasks of django-celery-beat that the apps declare (safe to re-run)."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

TIME_ZONE = "Asia/Shanghai"


def declared_schedules():
    """Every installed app's `AppConfig.beat_schedules`: (task name, hour, minute, description)
    in Asia/Shanghai, in INSTALLED_APPS order. Each app declares its own, so this command needs
    no import of the apps built on campaigns. A task declared twice is an error."""
    schedules, owners = [], {}
    for config in apps.get_app_configs():
        for task, hour, minute, description in getattr(config, "beat_schedules", ()):
            if task in owners:
                raise CommandError(
                    f"{task} is scheduled by both {owners[task]} and {config.label}."
                )
            owners[task] = config.label
            schedules.append((task, hour, minute, description))
    return schedules


class Command(BaseCommand):
    help = (
        "Create or update the periodic tasks of Celery beat (django-celery-beat) that the apps "
        "declare on their AppConfig (`beat_schedules`): the daily reminders at a fixed morning "
        "time in Asia/Shanghai, the sweepers every few minutes. Safe to re-run: tasks are "
        "matched by name, and a task an administrator disabled stays disabled."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created or changed, then roll everything back.",
        )

    def handle(self, *args, dry_run=False, **options):
        created = updated = unchanged = 0
        with transaction.atomic():
            for task, hour, minute, description in declared_schedules():
                schedule, _new = CrontabSchedule.objects.get_or_create(
                    minute=str(minute),
                    hour=str(hour),
                    day_of_week="*",
                    day_of_month="*",
                    month_of_year="*",
                    timezone=TIME_ZONE,
                )
                periodic = PeriodicTask.objects.filter(name=task).first()
                if periodic is None:
                    PeriodicTask.objects.create(
                        name=task, task=task, crontab=schedule, description=description
                    )
                    created += 1
                    continue
                wanted = {
                    "task": task,
                    "crontab": schedule,
                    "interval": None,
                    "solar": None,
                    "clocked": None,
                    "description": description,
                }
                changed = [k for k, v in wanted.items() if getattr(periodic, k) != v]
                if changed:
                    for key in changed:
                        setattr(periodic, key, wanted[key])
                    periodic.save()
                    updated += 1
                else:
                    unchanged += 1
            if dry_run:
                transaction.set_rollback(True)
        verb = "Dry run, nothing written" if dry_run else "Schedules installed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {created} created, {updated} updated, {unchanged} unchanged "
                f"({TIME_ZONE})."
            )
        )
