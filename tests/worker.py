"""Fixtures for tests that need a real Celery worker on Redis."""
