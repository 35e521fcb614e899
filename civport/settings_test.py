"""The test run's small override of civport.settings."""

import os
import tempfile
from pathlib import Path

from civport.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded files of a test run go to a temporary directory, never into the working tree. It is put
# in the environment so that the real worker the run starts (tests/worker.py) reads the same one.
MEDIA_ROOT = Path(
    os.environ.setdefault("CIVPORT_TEST_MEDIA_ROOT", tempfile.mkdtemp(prefix="civport-test-media-"))
)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Tasks run in-process in every test, even with REDIS_URL set; only the tests that ask for the
# real worker (tests/worker.py) send them through Redis. The worker itself runs this module with
# CIVPORT_TEST_WORKER=1.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CIVPORT_TEST_WORKER") != "1"

# The test run and the worker it starts share a key prefix in the broker, so two test runs (or
# pytest-xdist processes) on one Redis never take each other's messages. The prefix is put in the
# environment here so the worker subprocess inherits the same one; pytest-xdist processes inherit
# it from the main process and add their own worker id.
_broker_prefix = os.environ.setdefault(
    "CIVPORT_TEST_BROKER_PREFIX", f"civport-test-{os.getpid()}:"
) + os.environ.get("PYTEST_XDIST_WORKER", "")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "global_keyprefix": _broker_prefix,
}
CACHES["default"].setdefault("KEY_PREFIX", "")  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = f"{_broker_prefix}{CACHES['default']['KEY_PREFIX']}"  # noqa: F405

# SQLite's default test database lives in memory, where a worker process cannot see it; with a
# broker configured the test database is a file the worker can open.
if REDIS_URL and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
