"""Daily reminders of the award round (Celery beat)."""
