"""The decision: honours granted with certificate numbers and verification codes, their PDFs and
the commendation decision rendered by tasks, revocation.

Rendering runs in `awards.tasks` on the `pdf` queue, one task per certificate and one for the
decision, queued after the granting transaction commits. Each render first claims its row with
a conditional update (pending or failed → rendering), so a task delivered twice, or again after
its worker died, renders nothing a second time; the file name is fixed by the honour's number,
so a render again overwrites it. A broker that is down when the tasks are queued leaves the rows
pending: `renders_sweep` (beat) queues them again, and puts back to pending the claims of
workers that died mid-render (older than the task's hard time limit).
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections import namedtuple
from collections.abc import Callable, Collection, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from celery import current_app
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from kombu.exceptions import OperationalError

from awards import documents
from awards.models import TITLE_LETTERS, DecisionDocument, Honour, Nomination, RenderStatus
from awards.selectors.approvals import approval_refusal, round_approval
from awards.selectors.honours import round_documents_progress
from campaigns.models import LeadingGroupResolution
from civport.audit import audit_record, audit_record_many

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from awards.models import Round

logger = logging.getLogger(__name__)

# 24 random bytes: 32 URL-safe characters, out of reach of guessing.
CODE_BYTES = 24
REVOKE_REASON_MAX = 2000

# The render tasks' time limits (seconds); a claim older than the hard limit plus a margin
# belongs to a worker that died, and the sweeper takes it back.
RENDER_SOFT_SECONDS = 120
RENDER_HARD_SECONDS = 180
RENDERING_STALE_AFTER = datetime.timedelta(seconds=RENDER_HARD_SECONDS + 60)
# A render asked for this long ago and still pending was never queued (the broker was down at
# commit) or its message was lost; the sweeper queues it again.
PENDING_STALE_AFTER = datetime.timedelta(minutes=5)
SWEEP_BATCH = 2000
# A render that fails is tried again this many times in all, after 30 s, 60 s, 120 s …
MAX_RENDER_ATTEMPTS = 4
CLAIMABLE = (RenderStatus.PENDING, RenderStatus.FAILED)
# Sending a task tries twice more within half a second (a pooled connection to a Redis that
# restarted is replaced), then gives up: a request never waits long for a broker that is down.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# The render tasks, found by name in the Celery app's registry: awards.tasks calls this module,
# so this module does not import it back (AwardsConfig.ready imports it in every process).
CERTIFICATE_RENDER_TASK = "awards.certificate_render"
DECISION_RENDER_TASK = "awards.decision_pdf_render"

Readiness = namedtuple("Readiness", "done total problems")


class RenderFailed(Exception):
    """A render raised; the row is marked failed with the error, `attempts` made so far."""

    def __init__(self, attempts: int) -> None:
        super().__init__(attempts)
        self.attempts = attempts


def honour_number(round: Round, title: str, sequence: int) -> str:
    """`2025-2026-B0007`: the round, the title's letter, the place within the title."""
    return f"{round.code}-{TITLE_LETTERS[title]}{sequence:04d}"  # type: ignore[index]


def _title_order(title: str) -> int:
    return list(TITLE_LETTERS).index(title)  # type: ignore[arg-type]


# --- granting -------------------------------------------------------------------------------


@transaction.atomic
def honours_grant(*, actor: User | None, round: Round) -> list[Honour]:
    """Grant the title to every remaining candidate of `round`; queue the PDFs after commit.

    Candidates become awarded, each with one honour: the recipient's names copied from the
    nomination's snapshot, a number in title, province and nomination order, and a random
    verification code. The round gets its decision document. Granting again creates nothing
    for nominations already awarded. Returns the honours created. Refused (ValidationError)
    while the issuing authority's leading group has not approved the current candidates on or
    before the decision's day."""
    candidates = list(
        # Locked: two grants at once must not both number the same nomination.
        Nomination.objects.select_for_update(of=("self",))
        .filter(round=round, status=Nomination.Status.CANDIDATE)
        .select_related("province")
    )
    if candidates:
        # The titles are conferred only after the issuing authority's leading group reviewed
        # the current list; the phase change checks it first, and so does every other caller.
        refusal = approval_refusal(round, round.decided_on or timezone.localdate())
        if refusal:
            raise ValidationError(refusal)
    candidates.sort(key=lambda n: (_title_order(n.title), n.province.path, n.pk))
    used = dict(
        Honour.objects.filter(round=round)
        .values("title")
        .annotate(n=Count("pk"))
        .values_list("title", "n")
    )
    now = timezone.now()
    honours = []
    for nomination in candidates:
        used[nomination.title] = used.get(nomination.title, 0) + 1
        honours.append(
            Honour(
                nomination=nomination,
                round=round,
                title=nomination.title,
                province_id=nomination.province_id,
                recipient=nomination.nominee_name or str(nomination),
                recipient_unit=nomination.nominee_unit_name,
                number=honour_number(round, nomination.title, used[nomination.title]),
                code=secrets.token_urlsafe(CODE_BYTES),
                render_queued_at=now,
            )
        )
    Honour.objects.bulk_create(honours)
    if candidates:
        Nomination.objects.filter(pk__in=[n.pk for n in candidates]).update(
            status=Nomination.Status.AWARDED, updated_at=now
        )
        audit_record_many(
            actor=actor,
            action="awards.nomination.awarded",
            objects=candidates,
            changes_for=lambda n: {"status": ["candidate", "awarded"]},
        )
        audit_record_many(
            actor=actor,
            action="awards.honour.granted",
            objects=honours,
            changes_for=lambda h: {"number": h.number, "title": h.title, "recipient": h.recipient},
        )
    approval = round_approval(round)
    decision, created = DecisionDocument.objects.get_or_create(
        round=round, defaults={"render_queued_at": now, "approval": approval}
    )
    queue_decision = created
    if not created and approval is not None and decision.approval_id is None:
        decision.approval = approval
        decision.save(update_fields=["approval"])
    if not created and honours and decision.render_status != RenderStatus.RENDERING:
        # More winners than when it was first rendered: the decision must list them too.
        decision.render_status = RenderStatus.PENDING
        decision.render_queued_at = now
        decision.save(update_fields=["render_status", "render_queued_at"])
        queue_decision = True
    if created:
        audit_record(
            actor=actor,
            action="awards.decision.created",
            obj=decision,
            changes={"approval": approval.pk} if approval is not None else None,
        )
    transaction.on_commit(
        partial(
            renders_queue,
            honour_ids=[h.pk for h in honours],
            decision_ids=[decision.pk] if queue_decision else [],
        ),
        robust=True,
    )
    return honours


def documents_ready(round: Round) -> Readiness:
    """Readiness(done, total, problems) of the round's certificates and decision document.

    `total` counts the certificates and the decision; `problems` are readable reasons that need
    the office's hand (a failed render, a decision never created), beside those still waiting
    their turn."""
    return readiness(round_documents_progress(round))


def readiness(progress: dict[str, Any]) -> Readiness:
    """`documents_ready` from a `round_documents_progress` already read."""
    certificates = progress["certificates"]
    decision = progress["decision"]
    total = sum(certificates.values()) + 1
    done = certificates.get(RenderStatus.DONE, 0) + (decision == RenderStatus.DONE)
    problems = []
    failed = certificates.get(RenderStatus.FAILED, 0)
    if failed:
        problems.append(
            ngettext(
                "%(count)d certificate could not be rendered; render it again from the "
                "honours in the admin.",
                "%(count)d certificates could not be rendered; render them again from the "
                "honours in the admin.",
                failed,
            )
            % {"count": failed}
        )
    if decision is None:
        problems.append(_("The round has no commendation decision: its honours were not granted."))
    elif decision == RenderStatus.FAILED:
        problems.append(
            _(
                "The commendation decision could not be rendered; render it again from the "
                "decision in the admin."
            )
        )
    return Readiness(done, total, problems)


# --- queueing and the sweeper ---------------------------------------------------------------


def renders_queue(*, honour_ids: Collection[int] = (), decision_ids: Collection[int] = ()) -> int:
    """Send the render tasks; returns how many were sent. Never raises for a broker that is
    down: the first refusal stops the batch (each further try would wait for the same dead
    broker) and leaves the rows pending for the sweeper."""
    registry = current_app.tasks
    jobs = [(registry[DECISION_RENDER_TASK], pk) for pk in decision_ids]
    jobs += [(registry[CERTIFICATE_RENDER_TASK], pk) for pk in honour_ids]
    if current_app.conf.task_always_eager:
        # No broker (development): each render runs right here. A failed one is marked failed
        # on its row and must not stop the others.
        for task, pk in jobs:
            try:
                task.apply_async(args=[pk])
            except Exception:  # already recorded on the row: go on with the rest
                logger.exception("rendering %s for %s failed", task.name, pk)
        return len(jobs)
    for sent, (task, pk) in enumerate(jobs):
        try:
            task.apply_async(args=[pk], retry=True, retry_policy=PUBLISH_RETRY)
        except (OperationalError, OSError):
            logger.warning(
                "the broker refused a PDF render; %d renders stay pending for the sweeper",
                len(jobs) - sent,
                exc_info=True,
            )
            return sent
    return len(jobs)


def renders_sweep(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Take back the renders of dead workers and queue again those never queued.

    Claims older than the tasks' hard time limit go back to pending; then every pending render
    asked for more than PENDING_STALE_AFTER ago (and those just taken back) is queued again,
    at most SWEEP_BATCH of each kind. Safe at any time: a render claims its row first, so a
    render that was only slow is not done twice. Returns (taken back, queued)."""
    now = now or timezone.now()
    taken_back = queued = 0
    ids = {}
    with transaction.atomic():
        for model in (DecisionDocument, Honour):
            # Rows a live render is finishing are skipped, not waited for.
            stale = list(
                model.objects.select_for_update(skip_locked=True)
                .filter(
                    render_status=RenderStatus.RENDERING,
                    render_claimed_at__lt=now - RENDERING_STALE_AFTER,
                )
                .values_list("pk", flat=True)[:SWEEP_BATCH]
            )
            taken_back += model.objects.filter(
                pk__in=stale, render_status=RenderStatus.RENDERING
            ).update(render_status=RenderStatus.PENDING, render_claimed_at=None)
            waiting = list(
                model.objects.filter(render_status=RenderStatus.PENDING)
                .filter(
                    Q(render_queued_at__isnull=True)
                    | Q(render_queued_at__lt=now - PENDING_STALE_AFTER)
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:SWEEP_BATCH]
            )
            pks = sorted(set(stale) | set(waiting))
            model.objects.filter(pk__in=pks).update(render_queued_at=now)
            ids[model] = pks
            queued += len(pks)
        transaction.on_commit(
            partial(renders_queue, honour_ids=ids[Honour], decision_ids=ids[DecisionDocument]),
            robust=True,
        )
    if taken_back or queued:
        logger.info("PDF sweeper: %d claims taken back, %d renders queued", taken_back, queued)
    return taken_back, queued


# --- rendering (called by the tasks) --------------------------------------------------------


def _store(name: str, content: bytes) -> str:
    """Write `content` under exactly `name`, replacing an earlier render."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:
        logger.warning("PDF stored as %s instead of %s", saved, name)
    return saved


def _render(
    model: type[Honour] | type[DecisionDocument],
    pk: int,
    build: Callable[[Any], tuple[str, bytes]],
    action: str,
) -> bool:
    """Claim row `pk` of `model`, build its PDF with `build(row)` → (file name, bytes), store
    it and mark the row done. Returns True when this call rendered it, False when another
    render holds it or has done it.

    Not one transaction: the claim must be committed before the slow render, so that a second
    delivery of the task sees it. Marking done checks that the claim is still this call's (a
    sweeper may have taken back a claim it judged dead, and another render taken it since), so
    each completed render is counted once in the audit log."""
    claimed_at = timezone.now()
    claimed = model.objects.filter(pk=pk, render_status__in=CLAIMABLE).update(
        render_status=RenderStatus.RENDERING,
        render_claimed_at=claimed_at,
        render_attempts=F("render_attempts") + 1,
    )
    if not claimed:
        return False
    row = model.objects.select_related("round").get(pk=pk)
    try:
        name, content = build(row)
        name = _store(name, content)
    except Exception as exc:
        model.objects.filter(
            pk=pk, render_status=RenderStatus.RENDERING, render_claimed_at=claimed_at
        ).update(
            render_status=RenderStatus.FAILED,
            render_claimed_at=None,
            render_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.exception(
            "rendering %s %s failed (attempt %d)", model.__name__, pk, row.render_attempts
        )
        raise RenderFailed(row.render_attempts) from exc
    with transaction.atomic():
        done = model.objects.filter(
            pk=pk, render_status=RenderStatus.RENDERING, render_claimed_at=claimed_at
        ).update(
            render_status=RenderStatus.DONE,
            render_claimed_at=None,
            rendered_at=timezone.now(),
            render_error="",
            pdf=name,
        )
        if done:
            row.pdf.name = name
            audit_record(
                actor=None,
                action=action,
                obj=row,
                changes={"file": name, "attempt": row.render_attempts},
            )
    return bool(done)


def certificate_render(*, honour_id: int) -> bool:
    """Render one honour's certificate to `certificates/<round>/<number>.pdf`, at most once
    per time it is asked for."""

    def build(honour: Honour) -> tuple[str, bytes]:
        return documents.certificate_file_name(honour), documents.certificate_pdf(honour)

    return _render(Honour, honour_id, build, "awards.certificate.rendered")


def decision_render(*, decision_id: int) -> bool:
    """Render the round's commendation decision to `decisions/<round>.pdf`."""

    def build(decision: DecisionDocument) -> tuple[str, bytes]:
        honours = Honour.objects.filter(round_id=decision.round_id).select_related("province")
        approval = None
        if decision.approval_id is not None:
            approval = LeadingGroupResolution.objects.select_related("meeting__group").get(
                pk=decision.approval_id
            )
        return (
            documents.decision_file_name(decision.round),
            documents.decision_pdf(decision.round, honours, approval=approval),
        )

    return _render(DecisionDocument, decision_id, build, "awards.decision.rendered")


# --- the office's corrections ---------------------------------------------------------------


@transaction.atomic
def certificates_render_again(*, actor: User | None, honours: Sequence[Honour]) -> int:
    """Render the given honours' certificates again (a failed render, a template changed).
    Those being rendered right now are left alone. Returns how many were queued."""
    now = timezone.now()
    pks = list(
        Honour.objects.select_for_update()
        .filter(pk__in=[h.pk for h in honours])
        .exclude(render_status=RenderStatus.RENDERING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Honour.objects.filter(pk__in=pks).update(
        render_status=RenderStatus.PENDING, render_attempts=0, render_error="", render_queued_at=now
    )
    audit_record_many(
        actor=actor,
        action="awards.honour.render_requested",
        objects=[h for h in honours if h.pk in set(pks)],
    )
    transaction.on_commit(partial(renders_queue, honour_ids=pks), robust=True)
    return len(pks)


@transaction.atomic
def decision_render_again(*, actor: User | None, decision: DecisionDocument) -> None:
    """Render the commendation decision again; refused while it is being rendered."""
    now = timezone.now()
    updated = (
        DecisionDocument.objects.filter(pk=decision.pk)
        .exclude(render_status=RenderStatus.RENDERING)
        .update(
            render_status=RenderStatus.PENDING,
            render_attempts=0,
            render_error="",
            render_queued_at=now,
        )
    )
    if not updated:
        raise ValidationError(_("The commendation decision is being rendered right now."))
    audit_record(actor=actor, action="awards.decision.render_requested", obj=decision)
    transaction.on_commit(partial(renders_queue, decision_ids=[decision.pk]), robust=True)


@transaction.atomic
def honour_revoke(*, actor: User | None, honour: Honour, reason: str) -> Honour:
    """Revoke a title: the verification page then says so, with the reason and the date. The
    certificate file stays, as the record of what was issued."""
    honour = Honour.objects.select_for_update().get(pk=honour.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the revocation.")})
    if len(reason) > REVOKE_REASON_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason within %(max)d characters.") % {"max": REVOKE_REASON_MAX}}
        )
    if honour.revoked_at is not None:
        raise ValidationError(
            {
                "reason": _("This honour was revoked on %(date)s already.")
                % {"date": timezone.localdate(honour.revoked_at).isoformat()}
            }
        )
    honour.revoked_at = timezone.now()
    honour.revoked_reason = reason
    honour.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(
        actor=actor, action="awards.honour.revoked", obj=honour, changes={"reason": reason}
    )
    return honour
