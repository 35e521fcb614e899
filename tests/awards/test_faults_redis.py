"""The decision made while Redis is down: the phase change commits, the portal keeps serving,
the certificates wait in pending, and once Redis is back the sweeper queues them to a real
worker, which renders each once.

The broker is a `redis-server` of the test's own, really stopped and started again; the worker
is a real `celery worker` process on its pdf queue.
"""

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import DecisionDocument, Honour, RenderStatus, Round
from awards.services.honours import PENDING_STALE_AFTER, renders_sweep
from civport.models import AuditEntry
from tests.awards.approvals_support import approve_candidates
from tests.awards.honours_helpers import (
    DECISION_NUMBER,
    PdfWorker,
    PrivateRedis,
    celery_broker,
    make_candidates,
)
from tests.conftest import login, require_postgresql
from tests.polling import wait_until

pytestmark = pytest.mark.worker


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
def on_notice(transactional_db, award_round, world, make_nomination):
    """The round at the end of its public notice, nine candidates, ready to be decided."""
    make_candidates(award_round, world, make_nomination)
    Round.objects.filter(pk=award_round.pk).update(
        phase=Round.Phase.PUBLIC_NOTICE,
        notice_starts_on=timezone.localdate() - datetime.timedelta(days=10),
        notice_ends_on=timezone.localdate() - datetime.timedelta(days=3),
        decision_number=DECISION_NUMBER,
    )
    award_round.refresh_from_db()
    approve_candidates(award_round)
    return award_round


def _states():
    return sorted(Honour.objects.values_list("render_status", flat=True))


def test_decision_with_redis_down_commits_and_the_certificates_follow_when_it_is_back(
    client, broker, media, on_notice, national_admin, tmp_path, caplog
):
    redis, app = broker
    redis.stop()
    login(client, national_admin)

    # The national office decides in the admin while the broker is unreachable.
    with caplog.at_level(logging.WARNING, logger="awards.services.honours"):
        response = client.post(reverse("admin:awards_round_advance", args=[on_notice.pk]))
    assert response.status_code == 302
    on_notice.refresh_from_db()
    assert on_notice.phase == Round.Phase.DECIDED
    assert Honour.objects.count() == 9
    assert _states() == [RenderStatus.PENDING] * 9
    assert DecisionDocument.objects.get().render_status == RenderStatus.PENDING
    assert "renders stay pending for the sweeper" in caplog.text

    # The portal keeps serving: the honours board and a verification page.
    client.logout()
    assert client.get(reverse("awards:honour-board")).status_code == 200
    honour = Honour.objects.get(number="2025-2026-C0001")
    assert client.get(reverse("awards:verify", args=[honour.code])).status_code == 200

    # A sweep while Redis is still down queues nothing and changes nothing.
    later = timezone.now() + PENDING_STALE_AFTER + datetime.timedelta(seconds=1)
    renders_sweep(now=later)
    assert _states() == [RenderStatus.PENDING] * 9

    # Redis comes back, a worker starts; the next sweep queues what waited.
    redis.start()
    worker = PdfWorker(redis.url, media, tmp_path).start(app)
    try:
        taken_back, queued = renders_sweep(
            now=later + PENDING_STALE_AFTER + datetime.timedelta(seconds=1)
        )
        assert (taken_back, queued) == (0, 10)
        wait_until(
            lambda: (
                _states() == [RenderStatus.DONE] * 9
                and DecisionDocument.objects.filter(render_status=RenderStatus.DONE).exists()
            ),
            seconds=180,
            what="the certificates and the decision to be rendered",
            explain=lambda: f"{_states()}\n{worker.log_tail()}",
        )
    finally:
        worker.stop()

    rendered = AuditEntry.objects.filter(action="awards.certificate.rendered")
    assert sorted(rendered.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in Honour.objects.values_list("pk", flat=True)
    )
    files = sorted(p.name for p in (media / "certificates" / "2025-2026").iterdir())
    assert files == sorted(
        f"{number}.pdf" for number in Honour.objects.values_list("number", flat=True)
    )
    assert (media / "decisions" / "2025-2026.pdf").exists()
