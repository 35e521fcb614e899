"""A worker killed (SIGKILL) in the middle of a batch of certificates: after a new worker and the
sweeper, every certificate is rendered exactly once, into one file each.

The broker is a `redis-server` of the test's own and the workers are real `celery worker`
processes on its pdf queue; the kill comes while a certificate is being rendered.
"""

import datetime

import pytest
from django.utils import timezone

from awards.models import DecisionDocument, Honour, Nomination, RenderStatus
from awards.services.honours import RENDERING_STALE_AFTER, honours_grant, renders_sweep
from civport.models import AuditEntry
from tests.awards.honours_helpers import (
    PdfWorker,
    PrivateRedis,
    celery_broker,
    decide,
    make_candidates,
)
from tests.conftest import require_postgresql
from tests.polling import wait_until

pytestmark = pytest.mark.worker

KILL_TRIES = 3


@pytest.fixture
def broker(tmp_path):
    require_postgresql("the PDF workers it starts share the test database")
    redis = PrivateRedis(tmp_path)
    redis.start()
    with celery_broker(redis.url) as app:
        yield redis, app
    redis.stop()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def batch(transactional_db, award_round, world, make_nomination):
    """Eighteen candidates: the nine of every title and nine more units and people."""
    made = make_candidates(award_round, world, make_nomination)
    for nominee in (
        world.sz.units[1],
        world.gz.units[0],
        world.nb.units[1],
        world.sz.people[2],
        world.gz.people[0],
        world.gz.people[1],
        world.nb.people[0],
        world.nb.people[2],
        world.gz.authority,
    ):
        made.append(make_nomination(award_round, nominee, status=Nomination.Status.CANDIDATE))
    # (Guangzhou's first unit is nominated again after a withdrawn nomination.)
    decide(award_round)
    return award_round


def _count(status):
    return Honour.objects.filter(render_status=status).count()


def _progress():
    return dict(Honour.objects.values_list("number", "render_status"))


def test_a_worker_killed_mid_batch_leaves_every_certificate_rendered_once(
    broker, media, batch, national_admin, tmp_path
):
    redis, app = broker
    workers = []
    try:
        worker = PdfWorker(redis.url, media, tmp_path).start(app)
        workers.append(worker)
        # Granting queues one task per certificate (and one for the decision) after commit.
        honours = honours_grant(actor=national_admin, round=batch)
        total = len(honours)
        assert total == 18

        # Kill the worker while it renders, once a few certificates are done. Should a render
        # finish between seeing it and the kill, let a new worker go on and try again.
        stuck = []
        for _attempt in range(KILL_TRIES):
            done_before = _count(RenderStatus.DONE)
            wait_until(
                lambda done_before=done_before: (
                    _count(RenderStatus.DONE) > done_before and _count(RenderStatus.RENDERING) == 1
                ),
                seconds=120,
                what="a certificate being rendered after another was done",
                explain=lambda worker=worker: f"{_progress()}\n{worker.log_tail()}",
            )
            worker.kill()
            stuck = list(Honour.objects.filter(render_status=RenderStatus.RENDERING))
            worker = PdfWorker(redis.url, media, tmp_path).start(app)
            workers.append(worker)
            if stuck:
                break
        assert len(stuck) == 1, "no kill came in the middle of a render"
        assert _count(RenderStatus.DONE) < total

        # The new worker goes on with the queue; the killed render's message waits
        # unacknowledged in Redis and its row stays claimed.
        wait_until(
            lambda: _count(RenderStatus.DONE) == total - 1,
            seconds=180,
            what="the rest of the batch",
            explain=lambda: f"{_progress()}\n{workers[-1].log_tail()}",
        )
        assert list(Honour.objects.filter(render_status=RenderStatus.RENDERING)) == stuck

        # The sweeper, once the claim is older than the tasks' hard time limit, takes it back
        # and queues it again (and queues once more every render it deems late: the claim
        # makes those second deliveries do nothing).
        later = timezone.now() + RENDERING_STALE_AFTER + datetime.timedelta(seconds=1)
        taken_back, _queued = renders_sweep(now=later)
        assert taken_back == 1
        wait_until(
            lambda: _count(RenderStatus.DONE) == total,
            seconds=120,
            what="the killed render to be done again",
            explain=lambda: f"{_progress()}\n{workers[-1].log_tail()}",
        )
        wait_until(
            lambda: DecisionDocument.objects.filter(render_status=RenderStatus.DONE).exists(),
            seconds=60,
            what="the decision",
        )
    finally:
        for worker in workers:
            worker.stop()

    # Exactly once: one completed render per certificate, one file per certificate.
    rendered = list(
        AuditEntry.objects.filter(action="awards.certificate.rendered").values_list(
            "object_id", flat=True
        )
    )
    pks = [str(pk) for pk in Honour.objects.values_list("pk", flat=True)]
    assert sorted(rendered) == sorted(pks)
    files = sorted(p.name for p in (media / "certificates" / "2025-2026").iterdir())
    assert files == sorted(f"{h.number}.pdf" for h in Honour.objects.all())
    for honour in Honour.objects.all():
        assert honour.pdf.name == f"certificates/2025-2026/{honour.number}.pdf"
        assert honour.rendered_at is not None
    killed = Honour.objects.get(pk=stuck[0].pk)
    assert killed.render_attempts == 2  # the killed claim, then the render that completed
    assert Honour.objects.exclude(pk=killed.pk).filter(render_attempts=1).count() == total - 1
