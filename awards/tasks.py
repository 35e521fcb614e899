"""Celery tasks of the award round: certificate and decision PDFs, the stuck-work sweeper, and
the daily reminders (defined in awards.reminders)."""

from awards import reminders  # noqa: F401
