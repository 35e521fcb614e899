"""Install the daily reminder schedules of django-celery-beat (safe to re-run)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

TIME_ZONE = "Asia/Shanghai"

# (task name, hour, minute, description) in Asia/Shanghai: the reminders every morning before
# office hours, the e-mail sweeper every quarter of an hour.
SCHEDULES = (
    ("campaigns.filing_reminders", 7, 0, "Provincial filings unanswered for a week"),
    ("campaigns.consultation_reminders", 7, 10, "Consultations due within three days or overdue"),
    ("campaigns.rectification_reminders", 7, 20, "Overdue rectification items"),
    ("civport.notification_email_sweep", "*", "*/15", "E-mails of notices never sent"),
)


class Command(BaseCommand):
    help = (
        "Create or update the periodic tasks of Celery beat (django-celery-beat): the daily "
        "reminders at a fixed morning time in Asia/Shanghai and the quarter-hourly sweeper "
        "of unsent e-mails. Safe to re-run: tasks are matched by "
        "name, and a task an administrator disabled stays disabled."
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
            for task, hour, minute, description in SCHEDULES:
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
