"""Certificates: one PDF through the portal's render against bare WeasyPrint, and a batch of 500
rendered by real Celery workers with one and with two worker processes (DESIGN §9).

A round of its own is made for the run (code `syn-certificates`, removed at the end, and by
`seed_scale --reset` should a run be interrupted): 500 candidates among the synthetic units and
people of the scale data set, granted by `honours_grant`. The broker is a `redis-server` the
module starts on a free loopback port, so no other worker on the machine takes the tasks, and
the PDFs go to a temporary media directory.

- `certificates.per_pdf.ratio_vs_weasyprint`: the median of `certificate_render` (claim the
  row, build the HTML with its QR code, render, store the file, mark it done with its audit
  entry) divided by the median of `weasyprint.HTML(string=html).write_pdf()` on the very same
  HTML with the same PDF version, in the same run, one of each in turn. Budget ≤ 1.3.
- `certificates.batch_500.seconds_1_worker` / `_2_workers`: from queueing the 500 renders to
  the last one marked done, with `celery worker -Q pdf --concurrency=1` (then 2) started and
  answering beforehand; one batch each (a batch is long enough for its own median).
- `certificates.batch_500.speedup_2_workers`: the first divided by the second.
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from assessments.models import Scheme
from awards import documents
from awards.models import DecisionDocument, Honour, Nomination, RenderStatus, Round, Title
from awards.selectors.approvals import approval_key
from awards.services.honours import certificate_render, honours_grant, renders_queue
from campaigns.models import (
    Authority,
    LeadingGroup,
    LeadingGroupMeeting,
    LeadingGroupResolution,
    Person,
    Unit,
)
from campaigns.services import groups as group_services

ROUND_CODE = "syn-certificates"
REVIEW_TITLE = "证书基准测试评审会议"
BATCH = 500
ROOT = Path(__file__).resolve().parent.parent
WORKER_START_SECONDS = 90
BATCH_SECONDS = 1800


# --- the broker ---------------------------------------------------------------------------------


class Broker:
    """A private `redis-server` on a free loopback port, and the Celery app pointed at it."""

    def __init__(self, directory):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None
        self.saved = None

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1)

    def __enter__(self):
        import redis

        from civport.celery import app

        self.process = subprocess.Popen(
            [
                self.binary,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                self.client().ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the private redis-server did not start") from None
                time.sleep(0.05)
        self.app = app
        self.saved = (app.conf.broker_url, app.conf.task_always_eager)
        self._reset_pools()
        app.conf.broker_url = self.url
        app.conf.task_always_eager = False
        return self

    def _reset_pools(self):
        if self.app._pool is not None:
            self.app._pool.force_close_all()
        self.app._pool = None
        self.app.amqp._producer_pool = None

    def flush(self):
        """Drop every queued message (those queued by granting, before the clock starts)."""
        self.client().flushall()

    def __exit__(self, *exc):
        self._reset_pools()
        self.app.conf.broker_url, self.app.conf.task_always_eager = self.saved
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class Workers:
    """`celery worker -Q pdf --concurrency=N` against the bench database and the broker."""

    def __init__(self, broker, media, processes, log_dir, env=None):
        self.broker = broker
        self.processes = processes
        self.hostname = f"civport-bench-{os.getpid()}-{processes}@localhost"
        self.log_path = Path(log_dir) / f"worker-{processes}.log"
        self.env = {
            **os.environ,
            "REDIS_URL": broker.url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CIVPORT_MEDIA_ROOT": str(media),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.process = None

    def __enter__(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "celery", "-A", "civport", "worker", "-Q", "pdf"),
                    *("--pool=prefork", f"--concurrency={self.processes}"),
                    *("--prefetch-multiplier=1", "--without-heartbeat", "--without-gossip"),
                    *("--without-mingle", "-n", self.hostname, "-l", "warning"),
                ],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + WORKER_START_SECONDS
        while not self.broker.app.control.ping(destination=[self.hostname], timeout=0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"the PDF worker did not start:\n{self.log_tail()}")
        return self

    def log_tail(self, lines=20):
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


# --- the round ------------------------------------------------------------------------------


def delete_round():
    """Remove the module's round and everything in it (a run interrupted may have left it)."""
    rounds = Round.objects.filter(code=ROUND_CODE)
    Honour.objects.filter(round__in=rounds).delete()
    DecisionDocument.objects.filter(round__in=rounds).delete()
    Nomination.objects.filter(round__in=rounds).delete()
    meetings = LeadingGroupMeeting.objects.filter(title=REVIEW_TITLE)
    LeadingGroupResolution.objects.filter(meeting__in=meetings).delete()
    meetings.delete()
    rounds.delete()


def _approve(round, national):
    """The national leading group's review of the round's list, as the decision needs; the
    group is made when the data set has none."""
    group = LeadingGroup.objects.filter(authority=national).first()
    if group is None:
        group = group_services.leading_group_save(
            actor=None, authority=national, name="全国共建文明口岸活动领导小组"
        )
    meeting = group_services.meeting_create(
        actor=None,
        group=group,
        title=REVIEW_TITLE,
        held_on=round.decided_on,
        attendees="组长、副组长及各成员单位代表",
        agenda=f"审定{round.name}表彰候选名单",
    )
    group_services.resolution_add(
        actor=None,
        meeting=meeting,
        text=f"同意{round.name}表彰候选名单。",
        approves_key=approval_key(round),
    )


def _province_of(authority, provinces):
    return provinces["/".join(authority.path.split("/")[:2]) + "/"]


def make_round(batch):
    """A decided round with `batch` candidates: seven in ten synthetic units, the rest people
    (any units and people when the data set has no synthetic ones, as in the tests)."""
    national = Authority.objects.get(level=Authority.Level.NATIONAL)
    scheme = Scheme.objects.filter(is_template=True).order_by("pk").first()
    if scheme is None:
        from assessments.template import template_install

        scheme = template_install(actor=None, authority=national)
    office, _created = get_user_model().objects.get_or_create(
        username="syn-certificates-office", defaults={"is_active": False}
    )
    round = Round.objects.create(
        code=ROUND_CODE,
        name="2025—2026年度全国共建文明口岸评比（证书基准测试）",
        start_year=2025,
        end_year=2026,
        scheme=scheme,
        phase=Round.Phase.PUBLIC_NOTICE,
        decided_on=timezone.localdate(),
        decision_number="署岸发〔2026〕1号",
    )
    _approve(round, national)
    round.phase = Round.Phase.DECIDED
    round.save(update_fields=["phase"])
    provinces = {a.path: a for a in Authority.objects.filter(level=Authority.Level.PROVINCIAL)}
    people_wanted = batch * 3 // 10
    units = list(
        Unit.objects.filter(code__startswith="SYN-").select_related("authority")[
            : batch - people_wanted
        ]
        or Unit.objects.select_related("authority")[: batch - people_wanted]
    )
    people = list(
        Person.objects.filter(code__startswith="SYN-").select_related("unit__authority")[
            : batch - len(units)
        ]
        or Person.objects.select_related("unit__authority")[: batch - len(units)]
    )
    now = timezone.now()
    common = {"round": round, "status": Nomination.Status.CANDIDATE, "created_by": office}
    common |= {"submitted_by": office, "submitted_at": now, "deeds": "共建文明口岸成效显著。"}
    rows = [
        Nomination(
            **common,
            title=Title.ADVANCED_UNIT,
            unit=unit,
            authority=unit.authority,
            province=_province_of(unit.authority, provinces),
            nominee_name=unit.name,
            nominee_unit_name=unit.name,
        )
        for unit in units
    ] + [
        Nomination(
            **common,
            title=Title.ADVANCED_INDIVIDUAL,
            person=person,
            unit=person.unit,
            authority=person.unit.authority,
            province=_province_of(person.unit.authority, provinces),
            nominee_name=person.name,
            nominee_unit_name=person.unit.name,
        )
        for person in people
    ]
    Nomination.objects.bulk_create(rows)
    honours_grant(actor=None, round=round)
    return round


# --- measuring ----------------------------------------------------------------------------------


def _pending_again(honours):
    honours.update(
        render_status=RenderStatus.PENDING,
        render_claimed_at=None,
        render_attempts=0,
        rendered_at=None,
        pdf="",
    )


def per_pdf_ratio(ctx, honour):
    """(ours ms, bare ms) medians for one certificate."""
    from weasyprint import HTML

    honour = Honour.objects.select_related("round").get(pk=honour.pk)
    html = documents.certificate_html(honour)
    rows = Honour.objects.filter(pk=honour.pk)

    def ours():
        _pending_again(rows)
        started = time.perf_counter()
        assert certificate_render(honour_id=honour.pk)
        return time.perf_counter() - started

    def bare():
        started = time.perf_counter()
        HTML(string=html, base_url=None).write_pdf(pdf_version="1.4")
        return time.perf_counter() - started

    ours()  # warm-up: fonts, templates
    bare()
    # One of each in turn, so a burst of load on a shared machine weighs on both sides alike
    # rather than on whichever ran while it lasted.
    pairs = [(ours(), bare()) for _ in range(ctx.repeat)]
    return (
        statistics.median(o for o, _b in pairs) * 1000,
        statistics.median(b for _o, b in pairs) * 1000,
    )


def batch_seconds(broker, honours, media, processes, log_dir, env=None):
    """Seconds from queueing every render to the last one done, with `processes` workers."""
    _pending_again(honours)
    shutil.rmtree(Path(media) / "certificates", ignore_errors=True)
    broker.flush()
    ids = list(honours.order_by("pk").values_list("pk", flat=True))
    with Workers(broker, media, processes, log_dir, env) as workers:
        started = time.monotonic()
        renders_queue(honour_ids=ids)
        while honours.filter(render_status=RenderStatus.DONE).count() < len(ids):
            failed = honours.filter(render_status=RenderStatus.FAILED).first()
            if failed is not None:
                raise RuntimeError(f"a render failed: {failed.render_error}")
            if time.monotonic() - started > BATCH_SECONDS:
                raise RuntimeError(f"the batch did not finish:\n{workers.log_tail()}")
            time.sleep(0.2)
        return time.monotonic() - started


def run(ctx, *, batch=BATCH, worker_env=None):
    """`worker_env`: extra environment of the worker processes (the tests point them at the
    test database)."""
    prefix = f"certificates.batch_{batch}"
    with tempfile.TemporaryDirectory(prefix="civport-bench-pdf-") as scratch:
        media = Path(scratch) / "media"
        media.mkdir()
        with override_settings(MEDIA_ROOT=media), Broker(scratch) as broker:
            delete_round()
            try:
                round = make_round(batch)
                honours = Honour.objects.filter(round=round)
                if honours.count() < batch:
                    ctx.fail(prefix, f"only {honours.count()} nominees for {batch} honours")
                    return
                broker.flush()
                ours_ms, bare_ms = per_pdf_ratio(ctx, honours.order_by("number").first())
                ctx.record("certificates.per_pdf.ours_ms", ours_ms, "ms")
                ctx.record("certificates.per_pdf.weasyprint_ms", bare_ms, "ms")
                ctx.record("certificates.per_pdf.ratio_vs_weasyprint", ours_ms / bare_ms, "x")
                one = batch_seconds(broker, honours, media, 1, scratch, worker_env)
                ctx.record(f"{prefix}.seconds_1_worker", one, "s")
                two = batch_seconds(broker, honours, media, 2, scratch, worker_env)
                ctx.record(f"{prefix}.seconds_2_workers", two, "s")
                ctx.record(f"{prefix}.speedup_2_workers", one / two, "x")
            finally:
                delete_round()
