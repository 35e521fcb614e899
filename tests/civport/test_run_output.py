"""`make run` reads calmly: the embedded defaults log no warning that looks like a fault."""

import logging

from django.conf import settings
from kombu import Connection


def test_the_broker_of_the_settings_names_its_host(caplog):
    # Without REDIS_URL the in-process broker is kombu's memory transport; given no host, kombu
    # warned "No hostname was supplied" the first time `make run` queued a task.
    with caplog.at_level(logging.WARNING, logger="kombu"):
        connection = Connection(settings.CELERY_BROKER_URL)
        connection.info()

    assert connection.hostname
    assert [r.getMessage() for r in caplog.records if r.name.startswith("kombu")] == []
