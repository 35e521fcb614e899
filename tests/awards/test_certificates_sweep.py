"""The sweeper of renders left behind, and queueing that never raises for a broker that is down.
(The same with a real Redis stopped and real workers killed: test_faults_*.py.)"""

import datetime
import logging

import pytest
from django.utils import timezone

from awards.models import DecisionDocument, Honour, RenderStatus
from awards.services.honours import (
    PENDING_STALE_AFTER,
    RENDERING_STALE_AFTER,
    renders_queue,
    renders_sweep,
)
from awards.tasks import certificates_sweep_task
from tests.awards.honours_helpers import celery_broker, free_port, grant, make_candidates


@pytest.fixture
def candidates(award_round, world, make_nomination):
    return make_candidates(award_round, world, make_nomination)


@pytest.fixture
def granted(award_round, candidates, national_admin, settings, tmp_path):
    """Nine honours and the decision, pending: their tasks never ran (as if the broker had been
    down when the decision was made)."""
    settings.MEDIA_ROOT = tmp_path
    grant(award_round, national_admin, None)
    return award_round


def _set(number, **fields):
    Honour.objects.filter(number=number).update(**fields)


def _status(number):
    return Honour.objects.get(number=number).render_status


def test_the_sweeper_leaves_recent_work_alone(granted, django_capture_on_commit_callbacks):
    now = timezone.now()
    _set("2025-2026-A0001", render_status=RenderStatus.RENDERING, render_claimed_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        assert renders_sweep(now=now) == (0, 0)
    assert _status("2025-2026-A0001") == RenderStatus.RENDERING
    assert Honour.objects.filter(render_status=RenderStatus.PENDING).count() == 8


def test_the_sweeper_queues_what_waited_and_takes_back_dead_claims(
    granted, django_capture_on_commit_callbacks
):
    now = timezone.now()
    later = now + PENDING_STALE_AFTER  # the grant queued the others a moment before `now`
    dead = later - RENDERING_STALE_AFTER - datetime.timedelta(seconds=1)
    alive = later - RENDERING_STALE_AFTER + datetime.timedelta(seconds=30)
    _set("2025-2026-A0001", render_status=RenderStatus.RENDERING, render_claimed_at=dead)
    _set("2025-2026-A0002", render_status=RenderStatus.RENDERING, render_claimed_at=alive)
    _set("2025-2026-B0001", render_status=RenderStatus.FAILED, render_error="OSError")
    _set("2025-2026-B0002", render_status=RenderStatus.DONE)
    _set("2025-2026-B0003", render_queued_at=later - datetime.timedelta(seconds=10))

    with django_capture_on_commit_callbacks(execute=True):
        taken_back, queued = renders_sweep(now=later)

    # Taken back: the claim of the dead worker. Queued: it, four pending certificates (not the
    # one asked for ten seconds before) and the decision. Tasks run in-process here.
    assert (taken_back, queued) == (1, 6)
    assert _status("2025-2026-A0001") == RenderStatus.DONE
    assert _status("2025-2026-A0002") == RenderStatus.RENDERING
    assert _status("2025-2026-B0001") == RenderStatus.FAILED  # for the office to look at
    assert _status("2025-2026-B0002") == RenderStatus.DONE
    assert _status("2025-2026-B0003") == RenderStatus.PENDING
    assert Honour.objects.filter(render_status=RenderStatus.DONE).count() == 6
    assert DecisionDocument.objects.get().render_status == RenderStatus.DONE
    assert Honour.objects.get(number="2025-2026-A0001").render_attempts == 1


def test_the_sweeper_task(granted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert certificates_sweep_task.delay().get() == (0, 0)


def test_queueing_with_the_broker_down_logs_and_leaves_the_rows_pending(granted, caplog):
    honours = list(Honour.objects.values_list("pk", flat=True))
    decision = DecisionDocument.objects.get()
    # Nothing listens on this loopback port: every connection is refused.
    with (
        celery_broker(f"redis://127.0.0.1:{free_port()}/0"),
        caplog.at_level(logging.WARNING, logger="awards.services.honours"),
    ):
        assert renders_queue(honour_ids=honours, decision_ids=[decision.pk]) == 0
    assert "10 renders stay pending for the sweeper" in caplog.text
    assert set(Honour.objects.values_list("render_status", flat=True)) == {RenderStatus.PENDING}
