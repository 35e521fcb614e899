"""A task goes through Redis to a real worker process, which reads the test database."""

from django.db import connection

from civport.tasks import healthcheck_roundtrip


def test_worker_runs_a_task_against_the_test_database(real_worker):
    result = healthcheck_roundtrip.delay()

    # Not eager: the task was sent to the broker, and the answer comes from the worker process.
    assert result.backend.__class__.__name__ == "RedisBackend"
    answer = result.get(timeout=30)
    assert answer == {
        "vendor": connection.vendor,
        "database": str(connection.settings_dict["NAME"]),
        "construction_areas": 9,
    }


def test_tasks_run_in_process_outside_the_real_worker_fixture(db):
    result = healthcheck_roundtrip.delay()

    assert result.__class__.__name__ == "EagerResult"
    assert result.get()["construction_areas"] == 9
