"""A province's own round (省级评比表彰): created in its name, quotas per port authority,
its own scheme and panel, no national review, its list made the candidates, honours and
certificates in its name."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessments.models import Review
from awards.documents import campaign_scope, certificate_html, official_title_name
from awards.models import Nomination, Round, Title
from awards.selectors.approvals import round_issuing_authority
from awards.selectors.rounds import round_issuer
from awards.services import rounds as round_services
from awards.services.nominations import nomination_create
from tests.awards.province_rounds_support import gd_round, make_gd_scheme

Phase = Round.Phase


@pytest.fixture
def gd_scheme(world, template):
    return make_gd_scheme(world, template)


def test_a_province_creates_its_round_in_its_name(world, gd_scheme):
    round = gd_round(world, gd_scheme)
    assert round.authority == world.gd
    assert round.is_provincial
    assert round.issuing_office == world.gd.name
    assert round_issuer(round) == world.gd
    assert round_issuing_authority(round) == world.gd
    assert [code for code, _name in round.title_choices()] == [
        Title.CIVILIZED_PORT,
        Title.ADVANCED_UNIT,
        Title.ADVANCED_INDIVIDUAL,
    ]
    assert round_services.next_phase(round) == Phase.NOMINATING


def test_a_national_round_keeps_its_phases_and_issuer(world, template):
    round = Round.objects.create(
        code="2025-2026", name="全国", start_year=2025, end_year=2026, scheme=template
    )
    assert not round.is_provincial
    assert round_issuer(round) == world.national
    assert Phase.NATIONAL_REVIEW in round_services.phases(round)


def test_a_provincial_round_uses_the_provinces_own_scheme(world, template, gd_scheme):
    with pytest.raises(ValidationError) as error:
        gd_round(world, template)
    assert "scheme" in error.value.message_dict


def test_a_provincial_round_runs_beside_the_national_one(world, template, gd_scheme):
    Round.objects.create(
        code="2025-2026", name="全国", start_year=2025, end_year=2026, scheme=template
    )
    assert gd_round(world, gd_scheme).pk
    with pytest.raises(ValidationError):
        gd_round(world, gd_scheme, code="gd-again")


def test_quotas_are_per_port_authority_of_the_province(world, gd_scheme):
    round = gd_round(world, gd_scheme)
    quota = round_services.quota_set(
        actor=None, round=round, province=world.sz.authority, title=Title.ADVANCED_UNIT, quota=1
    )
    assert quota.province == world.sz.authority
    for holder, title in (
        (world.gd, Title.ADVANCED_UNIT),
        (world.nb.authority, Title.ADVANCED_UNIT),
        (world.sz.authority, Title.ADVANCED_ORGANIZER),
    ):
        with pytest.raises(ValidationError):
            round_services.quota_set(actor=None, round=round, province=holder, title=title, quota=1)


def test_nominations_come_from_the_province_within_the_quota(
    world, gd_scheme, port_officer, nb_officer
):
    round = gd_round(world, gd_scheme)
    round_services.quota_set(
        actor=None, round=round, province=world.sz.authority, title=Title.ADVANCED_UNIT, quota=1
    )
    Round.objects.filter(pk=round.pk).update(phase=Phase.NOMINATING)
    first = nomination_create(
        actor=port_officer, round=round, title=Title.ADVANCED_UNIT, nominee=world.sz.units[0]
    )
    assert first.province == world.gd
    with pytest.raises(ValidationError) as error:
        nomination_create(
            actor=port_officer, round=round, title=Title.ADVANCED_UNIT, nominee=world.sz.units[1]
        )
    assert "nominee" in error.value.message_dict
    with pytest.raises(ValidationError):
        nomination_create(
            actor=port_officer, round=round, title=Title.CIVILIZED_PORT, nominee=world.sz.port
        )
    with pytest.raises(ValidationError):
        nomination_create(
            actor=nb_officer, round=round, title=Title.ADVANCED_UNIT, nominee=world.nb.units[0]
        )


def test_the_round_advances_without_a_national_review(
    world, gd_scheme, national_admin, make_nomination, monkeypatch
):
    round = gd_round(world, gd_scheme, reviewers_per_nomination=1)
    round_services.quota_set(
        actor=None, round=round, province=world.sz.authority, title=Title.ADVANCED_UNIT, quota=1
    )
    round = round_services.round_advance(actor=national_admin, round=round)
    assert round.phase == Phase.NOMINATING
    reviews = Review.objects.filter(round_key=round.review_key)
    assert [r.authority_id for r in reviews] == [world.gd.pk]
    review = reviews.get()
    from assessments.services import reviews as review_services

    review_services.panel_member_add(actor=None, review=review, user=national_admin)
    listed = make_nomination(round, world.sz.units[0])
    left_off = make_nomination(round, world.gz.units[0])
    monkeypatch.setattr(
        round_services, "today", lambda: round.nominations_due_on + datetime.timedelta(days=1)
    )
    round = round_services.round_advance(actor=national_admin, round=round)
    assert round.phase == Phase.PROVINCIAL_REVIEW
    assert round_services.next_phase(round) == Phase.PUBLIC_NOTICE
    assert round_services.round_preconditions(round)  # the province's list is missing
    Nomination.objects.filter(pk=listed.pk).update(status=Nomination.Status.RECOMMENDED)
    from awards.models import Recommendation

    Recommendation.objects.create(
        round=round, province=world.gd, status=Recommendation.Status.SUBMITTED
    )
    assert round_services.round_preconditions(round) == []
    round = round_services.round_advance(actor=national_admin, round=round)
    assert round.phase == Phase.PUBLIC_NOTICE
    listed.refresh_from_db()
    left_off.refresh_from_db()
    assert listed.status == Nomination.Status.CANDIDATE
    assert left_off.status == Nomination.Status.NOT_RECOMMENDED
    review.refresh_from_db()
    assert review.phase == Review.Phase.CLOSED


def test_the_certificate_is_issued_in_the_provinces_name(world, gd_scheme, make_nomination):
    from awards.models import Honour

    round = gd_round(world, gd_scheme)
    nomination = make_nomination(round, world.sz.units[0], status=Nomination.Status.AWARDED)
    honour = Honour.objects.create(
        nomination=nomination,
        round=round,
        title=Title.ADVANCED_UNIT,
        province=world.gd,
        recipient=nomination.nominee_name or "单位",
        number="gd-2025-2026-B0001",
        code="abc123verify",
    )
    assert official_title_name(round, Title.ADVANCED_UNIT) == "省级共建文明口岸先进单位"
    assert campaign_scope(round) == world.gd.name
    html = certificate_html(honour)
    assert world.gd.name in html
    assert "省级共建文明口岸先进单位" in html
    assert "全国共建文明口岸" not in html
