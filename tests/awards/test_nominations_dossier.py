"""The nomination's dossier beside the scoring form: what an assigned reviewer of the province's
panel sees on the assessments scoring page, the evidence they may download, and the fixed number
of queries whatever the number of files."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import dossiers
from assessments.models import Review, VetoCondition
from assessments.services import reviews as review_services
from awards.models import Nomination, NominationEvidence
from awards.selectors.rounds import round_review
from awards.services import nominations as services
from tests.awards.fixtures import DEEDS
from tests.conftest import login
from tests.queries import BASE

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def nomination(world, award_round, port_officer, settings, tmp_path):
    """Shenzhen's second unit, nominated, with its dossier, one file and the port's opinion."""
    settings.MEDIA_ROOT = tmp_path
    nomination = services.nomination_create(
        actor=port_officer, round=award_round, title="advanced_unit", nominee=world.sz.units[1]
    )
    services.nomination_update(
        actor=port_officer, nomination=nomination, deeds=DEEDS, summary="口岸通关服务标兵"
    )
    services.veto_declarations_save(
        actor=port_officer,
        nomination=nomination,
        answers={
            c.pk: (False, "") for c in VetoCondition.objects.filter(scheme=award_round.scheme)
        },
    )
    services.evidence_add(
        actor=port_officer,
        nomination=nomination,
        upload=SimpleUploadedFile("市级表彰文件.pdf", PDF),
        description="市政府表彰",
    )
    return services.nomination_submit(
        actor=port_officer, nomination=nomination, opinion="经深圳市口岸办审核，同意推荐"
    )


@pytest.fixture
def scoring(world, award_round, nomination):
    """Guangdong's review open, the nomination attached, two reviewers on the panel and the
    first assigned to it."""
    review = round_review(award_round, world.gd)
    users = [
        get_user_model().objects.create_user(name, password="x-horse-battery")
        for name in ("assigned", "unassigned")
    ]
    members = [
        review_services.panel_member_add(actor=None, review=review, user=user) for user in users
    ]
    review = review_services.review_set_phase(actor=None, review=review, phase=Review.Phase.OPEN)
    subject = review_services.subject_attach(
        actor=None,
        review=review,
        target=nomination,
        title=nomination.nominee_name,
        category=nomination.title,
        authority=nomination.authority,
        unit=nomination.unit,
    )
    review_services.assignment_add(actor=None, subject=subject, member=members[0])
    return subject, users


def score_url(subject):
    return reverse("assessments:score", args=[subject.pk])


def test_the_provider_is_registered_for_nominations(scoring):
    subject, _users = scoring
    dossier = dossiers.dossier_for(subject)
    assert dossier.template == "awards/dossiers/_nomination.html"
    assert dossier.context["nomination"].pk == subject.object_id


def test_an_assigned_reviewer_sees_the_dossier_and_downloads_the_evidence(
    client, scoring, nomination
):
    subject, (reviewer, _other) = scoring
    login(client, reviewer)
    response = client.get(score_url(subject))
    assert response.status_code == 200
    html = response.content.decode()
    dossier = html.split('data-testid="nomination-dossier"')[1].split("</section>")[0]
    assert nomination.nominee_name in dossier
    assert DEEDS[:40] in dossier
    assert "经深圳市口岸办审核，同意推荐" in dossier
    assert "发生重大安全责任事故" in dossier  # a veto condition with its declaration
    evidence = NominationEvidence.objects.get(nomination=nomination)
    link = reverse("awards:evidence-download", args=[evidence.pk])
    assert f'href="{link}"' in dossier
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


def test_a_reviewer_without_the_assignment_gets_404(client, scoring, nomination):
    subject, (_reviewer, other) = scoring
    evidence = NominationEvidence.objects.get(nomination=nomination)
    login(client, other)
    assert client.get(score_url(subject)).status_code == 404
    assert client.get(reverse("awards:evidence-download", args=[evidence.pk])).status_code == 404
    # Assigned now, the same requests pass: they failed for the missing assignment.
    member = subject.review.panel.get(user=other)
    review_services.assignment_add(actor=None, subject=subject, member=member)
    assert client.get(score_url(subject)).status_code == 200
    assert client.get(reverse("awards:evidence-download", args=[evidence.pk])).status_code == 200


def test_the_scoring_page_reads_the_same_queries_for_one_file_or_twelve(
    client, scoring, nomination, port_officer, django_assert_num_queries
):
    subject, (reviewer, _other) = scoring
    login(client, reviewer)
    ContentType.objects.get_for_id(subject.content_type_id)  # the registry's cache, warmed
    client.get(score_url(subject))
    # BASE + the subject (access) + items with indicators and areas + veto conditions + the
    # reviewer's sheet (none yet) + the satisfaction surveys of the unit's port (the scheme has a
    # questionnaire item) + the dossier: the nomination, its files, the veto conditions, the
    # declarations and the opinions
    with django_assert_num_queries(BASE + 5 + 5):
        client.get(score_url(subject))
    NominationEvidence.objects.bulk_create(
        NominationEvidence(
            nomination=nomination,
            file=f"nominations/more{i}.pdf",
            original_name=f"附件{i}.pdf",
            content_type="application/pdf",
            size=100,
            uploaded_by=port_officer,
        )
        for i in range(11)
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(score_url(subject))
    assert len(queries) == BASE + 5 + 5
    assert response.content.decode().count("/awards/evidence/") == 12


def test_a_subject_whose_nomination_is_gone_shows_the_summary(scoring):
    subject, _users = scoring
    subject.object_id = Nomination.objects.order_by("-pk").first().pk + 100
    dossier = dossiers.dossier_for(subject)
    assert dossier.template == "assessments/dossiers/_summary.html"
