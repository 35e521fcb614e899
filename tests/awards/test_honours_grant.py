"""Granting the honours of a decided round: numbers, codes, idempotence, what is queued after
commit, readiness of the documents, and revocation."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from awards.models import DecisionDocument, Honour, Nomination, RenderStatus, Round
from awards.services.honours import (
    certificate_render,
    documents_ready,
    honour_revoke,
    honours_grant,
)
from campaigns.models import LeadingGroupMeeting
from civport.models import AuditEntry
from tests.awards.approvals_support import approve_as_decided
from tests.awards.honours_helpers import DECIDED_ON, decide, grant, make_candidates


@pytest.fixture
def candidates(award_round, world, make_nomination):
    return make_candidates(award_round, world, make_nomination)


def test_grant_awards_every_candidate_numbered_by_title_province_and_nomination(
    award_round, candidates, national_admin, world, django_capture_on_commit_callbacks
):
    honours = grant(award_round, national_admin, None)

    assert len(honours) == 9
    numbers = {h.nomination_id: h.number for h in Honour.objects.all()}
    by_nominee = {n.nominee_name: numbers[n.pk] for n in candidates}
    # A: ports, Guangdong (GD) before Zhejiang (ZJ); B: units, by province then nomination.
    assert by_nominee == {
        world.sz.port.name: "2025-2026-A0001",
        world.nb.port.name: "2025-2026-A0002",
        world.gz.units[1].name: "2025-2026-B0001",
        world.sz.units[0].name: "2025-2026-B0002",
        world.nb.units[0].name: "2025-2026-B0003",
        world.sz.people[0].name: "2025-2026-C0001",
        world.nb.people[1].name: "2025-2026-C0002",
        world.sz.authority.name: "2025-2026-D0001",
        world.zj.name: "2025-2026-D0002",
    }
    assert set(Nomination.objects.filter(round=award_round).values_list("status", flat=True)) == {
        "awarded",
        "rejected",
        "withdrawn",
        "not_recommended",
    }
    assert Nomination.objects.filter(status="awarded").count() == 9
    person = Honour.objects.get(number="2025-2026-C0001")
    assert person.recipient == world.sz.people[0].name
    assert person.recipient_unit == world.sz.people[0].unit.name
    assert person.province_id == world.gd.pk
    assert person.title == "advanced_individual"
    assert person.render_status == RenderStatus.PENDING
    assert person.render_queued_at is not None
    assert DecisionDocument.objects.get(round=award_round).render_status == RenderStatus.PENDING


def test_verification_codes_are_long_random_and_unique(award_round, candidates, national_admin):
    grant(award_round, national_admin, None)

    codes = list(Honour.objects.values_list("code", flat=True))
    assert len(set(codes)) == len(codes) == 9
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", code)
    # Nothing in a code follows from the number or the order of granting.
    assert not any(code.startswith(codes[0][:6]) for code in codes[1:])


def _decided_without_approval(round):
    Round.objects.filter(pk=round.pk).update(phase=Round.Phase.DECIDED, decided_on=DECIDED_ON)
    round.refresh_from_db()
    return round


def test_grant_is_refused_without_the_leading_groups_approval(
    award_round, candidates, national_admin
):
    _decided_without_approval(award_round)

    with pytest.raises(ValidationError, match=r"领导小组|leading group"):
        honours_grant(actor=national_admin, round=award_round)

    assert not Honour.objects.exists()
    assert not DecisionDocument.objects.exists()
    assert not Nomination.objects.filter(status=Nomination.Status.AWARDED).exists()


def test_grant_is_refused_when_the_approval_is_dated_after_the_decision(
    award_round, candidates, national_admin
):
    _decided_without_approval(award_round)
    approve_as_decided(award_round, held_on=DECIDED_ON + datetime.timedelta(days=1))

    with pytest.raises(ValidationError):
        honours_grant(actor=national_admin, round=award_round)
    assert not Honour.objects.exists()


def test_grant_is_refused_when_the_list_changed_after_the_approval(
    award_round, candidates, national_admin
):
    _decided_without_approval(award_round)
    approve_as_decided(award_round)
    changed = timezone.make_aware(
        datetime.datetime.combine(DECIDED_ON + datetime.timedelta(days=1), datetime.time(10))
    )
    Nomination.objects.filter(pk=candidates[0].pk).update(decided_at=changed)

    with pytest.raises(ValidationError):
        honours_grant(actor=national_admin, round=award_round)
    assert not Honour.objects.exists()


def test_grant_goes_ahead_with_the_approval_of_the_decision_day(
    award_round, candidates, national_admin
):
    _decided_without_approval(award_round)
    approve_as_decided(award_round)
    assert LeadingGroupMeeting.objects.get().held_on == DECIDED_ON

    assert len(honours_grant(actor=national_admin, round=award_round)) == 9
    assert DecisionDocument.objects.get(round=award_round).approval is not None


def test_granting_again_creates_nothing(award_round, candidates, national_admin):
    grant(award_round, national_admin, None)
    before = list(Honour.objects.order_by("pk").values_list("pk", "number", "code"))
    entries = AuditEntry.objects.count()

    assert honours_grant(actor=national_admin, round=award_round) == []

    assert list(Honour.objects.order_by("pk").values_list("pk", "number", "code")) == before
    assert DecisionDocument.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_a_later_candidate_gets_the_next_number_and_the_decision_is_rendered_again(
    award_round, candidates, national_admin, world, make_nomination
):
    grant(award_round, national_admin, None)
    DecisionDocument.objects.update(render_status=RenderStatus.DONE)
    late = make_nomination(award_round, world.gz.units[0], status=Nomination.Status.CANDIDATE)

    (honour,) = honours_grant(actor=national_admin, round=award_round)

    assert honour.nomination == late
    assert honour.number == "2025-2026-B0004"
    assert DecisionDocument.objects.get().render_status == RenderStatus.PENDING


def test_renders_are_queued_only_after_commit(
    award_round, candidates, national_admin, django_capture_on_commit_callbacks
):
    decide(award_round)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        honours_grant(actor=national_admin, round=award_round)
        # Inside the transaction nothing has been rendered.
        assert not Honour.objects.exclude(render_status=RenderStatus.PENDING).exists()
    assert len(callbacks) == 1
    callbacks[0]()
    # Tasks run in-process in tests: the certificates and the decision are rendered.
    assert set(Honour.objects.values_list("render_status", flat=True)) == {RenderStatus.DONE}
    assert DecisionDocument.objects.get().render_status == RenderStatus.DONE


def test_grant_is_audited(award_round, candidates, national_admin):
    grant(award_round, national_admin, None)

    granted = AuditEntry.objects.filter(action="awards.honour.granted")
    assert granted.count() == 9
    entry = granted.get(object_id=str(Honour.objects.get(number="2025-2026-A0001").pk))
    assert entry.actor == national_admin
    assert entry.changes["number"] == "2025-2026-A0001"
    assert "code" not in entry.changes
    assert AuditEntry.objects.filter(action="awards.nomination.awarded").count() == 9
    assert AuditEntry.objects.filter(action="awards.decision.created").count() == 1


def test_documents_ready_counts_the_certificates_and_the_decision(
    award_round, candidates, national_admin, in_english
):
    assert documents_ready(award_round) == (
        0,
        1,
        ["The round has no commendation decision: its honours were not granted."],
    )
    grant(award_round, national_admin, None)
    assert documents_ready(award_round) == (0, 10, [])

    first, second, *_rest = Honour.objects.order_by("number")
    certificate_render(honour_id=first.pk)
    Honour.objects.filter(pk=second.pk).update(render_status=RenderStatus.FAILED)
    DecisionDocument.objects.update(render_status=RenderStatus.FAILED)

    done, total, problems = documents_ready(award_round)
    assert (done, total) == (1, 10)
    assert problems == [
        "1 certificate could not be rendered; render it again from the honours in the admin.",
        "The commendation decision could not be rendered; render it again from the decision "
        "in the admin.",
    ]


def test_revoke_keeps_the_reason_and_the_date(award_round, candidates, national_admin):
    grant(award_round, national_admin, None)
    honour = Honour.objects.get(number="2025-2026-B0001")

    honour_revoke(actor=national_admin, honour=honour, reason="  事迹材料不实  ")

    honour.refresh_from_db()
    assert honour.is_revoked
    assert honour.revoked_reason == "事迹材料不实"
    entry = AuditEntry.objects.get(action="awards.honour.revoked")
    assert entry.object_id == str(honour.pk)
    assert entry.changes == {"reason": "事迹材料不实"}


def test_revoke_refuses_without_a_reason_or_twice(
    award_round, candidates, national_admin, in_english
):
    grant(award_round, national_admin, None)
    honour = Honour.objects.get(number="2025-2026-B0001")

    with pytest.raises(ValidationError) as refused:
        honour_revoke(actor=national_admin, honour=honour, reason="   ")
    assert refused.value.message_dict == {"reason": ["Give the reason for the revocation."]}
    assert not Honour.objects.get(pk=honour.pk).is_revoked

    honour_revoke(actor=national_admin, honour=honour, reason="事迹材料不实")
    with pytest.raises(ValidationError) as refused:
        honour_revoke(actor=national_admin, honour=honour, reason="再次撤销")
    assert list(refused.value.message_dict) == ["reason"]
    assert refused.value.message_dict["reason"][0].startswith("This honour was revoked on ")
    assert Honour.objects.get(pk=honour.pk).revoked_reason == "事迹材料不实"
