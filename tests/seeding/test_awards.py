"""The awards part of `seed_demo`: a closed previous round with honours, rendered certificates,
its decision and a revoked title; the current round in provincial review with nominations from
Guangdong and Zhejiang, partly scored; a second run adds nothing."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from assessments.models import ScoreSheet, Subject
from awards.models import DecisionDocument, Honour, Nomination, RenderStatus, Round
from awards.selectors.rounds import round_review
from campaigns.models import Authority
from seeding import awards as demo_awards


def _seed():
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        _seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded_demo(seeded, db):
    return seeded


def test_the_previous_round_is_closed_with_rendered_honours_and_its_decision(seeded_demo):
    round = Round.objects.get(code=demo_awards.PREVIOUS)
    honours = list(Honour.objects.filter(round=round))
    decision = DecisionDocument.objects.get(round=round)

    assert round.phase == Round.Phase.CLOSED
    assert len(honours) == len(demo_awards.PREVIOUS_HONOURS)
    assert {h.render_status for h in honours} == {RenderStatus.DONE}
    assert all(default_storage.exists(h.pdf.name) for h in honours)
    assert decision.render_status == RenderStatus.DONE
    assert default_storage.exists(decision.pdf.name)
    assert [h.nomination.unit.code for h in honours if h.is_revoked] == [demo_awards.REVOKED[0]]


def test_the_public_pages_have_content(seeded_demo, client):
    round = Round.objects.get(code=demo_awards.PREVIOUS)
    kept = Honour.objects.filter(round=round, revoked_at__isnull=True).first()
    revoked = Honour.objects.get(round=round, revoked_at__isnull=False)

    board = client.get(reverse("awards:honour-board"))
    assert board.status_code == 200
    assert kept.recipient in board.content.decode()
    assert kept.recipient in client.get(reverse("awards:verify", args=[kept.code])).content.decode()
    assert (
        demo_awards.REVOKED[1]
        in client.get(reverse("awards:verify", args=[revoked.code])).content.decode()
    )


def test_the_current_round_is_in_provincial_review_partly_scored(seeded_demo):
    round = Round.objects.get(code=demo_awards.CURRENT)
    assert round.phase == Round.Phase.PROVINCIAL_REVIEW
    by_province = {}
    for code in ("GD", "ZJ"):
        province = Authority.objects.get(code=code)
        review = round_review(round, province)
        submitted = Nomination.objects.filter(
            round=round, province=province, status=Nomination.Status.SUBMITTED
        )
        subjects = Subject.objects.filter(review=review)
        assert subjects.count() == submitted.count() > 0
        sheets = ScoreSheet.objects.filter(subject__review=review)
        by_province[code] = (
            sheets.filter(status=ScoreSheet.Status.SUBMITTED).count(),
            sheets.filter(status=ScoreSheet.Status.DRAFT).count(),
        )
    assert all(submitted > 0 for submitted, _draft in by_province.values())
    # Partly scored: not every assignment has a submitted sheet.
    assert (
        ScoreSheet.objects.filter(
            subject__review__round_key=round.review_key, status=ScoreSheet.Status.SUBMITTED
        ).count()
        < Subject.objects.filter(review__round_key=round.review_key).count() * 3
    )
    assert (
        Nomination.objects.get(round=round, person__code=demo_awards.LEFT_AS_DRAFT).status
        == Nomination.Status.DRAFT
    )


def test_a_second_run_adds_nothing(seeded_demo):
    counts = [m.objects.count() for m in (Round, Nomination, Honour, Subject, ScoreSheet)]
    _seed()
    assert [m.objects.count() for m in (Round, Nomination, Honour, Subject, ScoreSheet)] == counts


def test_guangdong_runs_its_own_round_taking_nominations(seeded_demo):
    round = Round.objects.select_related("authority").get(code=demo_awards.PROVINCE_ROUND)
    gd = Authority.objects.get(code="GD")

    assert round.authority == gd
    assert round.is_provincial
    assert round.phase == Round.Phase.NOMINATING
    assert round.scheme.authority == gd
    assert round.issuing_office == gd.name
    assert round.quotas.exclude(province__level=Authority.Level.PORT).count() == 0
    assert round_review(round, gd).panel.filter(is_active=True).count() >= 3
    statuses = sorted(round.nominations.values_list("status", flat=True))
    assert statuses == [Nomination.Status.DRAFT, Nomination.Status.SUBMITTED, "submitted"]
    # The national round is untouched beside it.
    assert Round.objects.get(code=demo_awards.CURRENT).phase == Round.Phase.PROVINCIAL_REVIEW
