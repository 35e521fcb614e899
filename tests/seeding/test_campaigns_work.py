"""`seed_demo`'s campaign work: a year of it for the demo ports, in every state the screens show,
and nothing added by a second run."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from campaigns.models import (
    Activity,
    ActivityEvidence,
    Agreement,
    Authority,
    Commitment,
    ConstructionArea,
    Consultation,
    Feedback,
    Filing,
    FilingAttachment,
    FilingVersion,
    Finding,
    Inspection,
    Plan,
    Rectification,
    RectificationEvidence,
    SpecialCampaign,
    Survey,
    SurveyInvitation,
    SurveyRating,
    SurveyResponse,
)
from campaigns.selectors.public import survey_results
from campaigns.selectors.work import activity_list_for, plan_progress, rectification_list_for
from civport.models import AuditEntry
from civport.uploads import PDF, PNG, detect_type, upload_check
from seeding.campaigns import Stats
from seeding.campaigns_work import (
    ACTIVITY_PLAN,
    ANCHOR_VISIT_DAYS,
    Demo,
    _activity_specs,
    anchor_day,
    seed_work,
)

WORK_MODELS = (
    Filing,
    FilingVersion,
    FilingAttachment,
    Plan,
    Commitment,
    Activity,
    ActivityEvidence,
    Agreement,
    SpecialCampaign,
    Inspection,
    Finding,
    Rectification,
    RectificationEvidence,
    Feedback,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyRating,
    Consultation,
)


def _seed():
    call_command("seed_demo", stdout=io.StringIO())


def _counts():
    return {model.__name__: model.objects.count() for model in WORK_MODELS}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        _seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return None


def _user(username):
    return get_user_model().objects.get(username=username)


def test_second_run_adds_no_work_and_audits_only_the_account_resets(demo):
    first = _counts()
    audited = AuditEntry.objects.count()

    _seed()

    assert _counts() == first
    actions = set(AuditEntry.objects.order_by("pk")[audited:].values_list("action", flat=True))
    assert actions == {"campaigns.demo_account.reset"}
    assert 140 <= first["Activity"] <= 160
    assert all(first.values()), first


def test_a_later_run_finds_the_first_runs_day_and_makes_nothing(demo):
    today = timezone.localdate()
    visit = Inspection.objects.get(authority__code="GD", visited_on__lte=today).visited_on
    assert anchor_day() == visit + datetime.timedelta(days=ANCHOR_VISIT_DAYS) == today
    stats = Stats()
    before = _counts()

    seed_work(stats)

    assert _counts() == before
    assert not +stats.created
    assert stats.kept["activity"] == before["Activity"]


# A leap year, so that a 29 February is among the days.
A_YEAR = [datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(366)]


def test_as_of_every_day_of_a_year_the_activities_have_distinct_keys(demo):
    """A later run finds an activity by (authority, unit, title, day): two drawn on one key would
    make one activity fewer, and a count that depends on the day the demo was loaded."""
    first = seed_work(Stats(), today=anchor_day())
    campaign = SpecialCampaign.objects.get()
    expected = sum(count for count, *_rest in ACTIVITY_PLAN.values())
    for today in A_YEAR:
        as_of = Demo(**{**first.__dict__, "today": today})
        as_of.reseed("activities")
        specs = _activity_specs(as_of, campaign)
        keys = {
            (a.pk, u.pk if u else None, title, day) for a, u, _f, _a, title, _t, day, *_ in specs
        }
        assert len(specs) == len(keys) == expected, today
        assert all(today - datetime.timedelta(days=366) <= key[3] < today for key in keys), today


def _made_by_work(model):
    """What `seed_work` makes of a model: not the assessment standards, which the schemes'
    publications file (seeding.assessments) and which the schemes keep."""
    if model is Filing:
        return Filing.objects.exclude(kind__in=Filing.FROM_PUBLICATION)
    if model is FilingVersion:
        return FilingVersion.objects.exclude(filing__kind__in=Filing.FROM_PUBLICATION)
    return model.objects.all()


def _without_work():
    for model in reversed(WORK_MODELS):
        _made_by_work(model).delete()


@pytest.mark.parametrize(
    "today",
    # Monday to Sunday, New Year's Day, the last day of a year and a 29 February.
    [datetime.date(2024, 3, 4) + datetime.timedelta(days=n) for n in range(7)]
    + [datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), datetime.date(2024, 2, 29)],
)
def test_loaded_as_of_any_day_the_demo_makes_the_same_work(demo, today):
    before = _counts()
    with transaction.atomic():
        _without_work()
        stats = Stats()

        seed_work(stats, today=today)

        assert _counts() == before
        assert not +stats.kept
        transaction.set_rollback(True)


def test_filings_guangdong_acknowledged_zhejiang_returned_and_resubmitted(demo):
    statuses = {
        (code, kind): status
        for code, kind, status in Filing.objects.values_list("authority__code", "kind", "status")
    }
    assert {statuses[("GD", kind)] for kind in Filing.Kind.values} == {"acknowledged"}
    opinion = Filing.objects.get(authority__code="ZJ", kind=Filing.Kind.IMPLEMENTATION_OPINION)
    assert opinion.status == Filing.Status.RESUBMITTED
    first, second = opinion.versions.order_by("number")
    assert first.outcome == FilingVersion.Outcome.RETURNED and first.comments
    assert second.outcome == FilingVersion.Outcome.PENDING
    assert first.text != second.text
    assert first.submitted_at < first.answered_at < second.submitted_at <= timezone.now()
    assert statuses[("ZJ", Filing.Kind.EVALUATION_METHOD)] == Filing.Status.DRAFT
    # The assessment standards are the schemes' publications (seeding.assessments): Zhejiang's
    # acknowledged, Fujian's awaiting an answer, Shandong's commented on.
    standard = Filing.Kind.ASSESSMENT_STANDARD
    assert statuses[("ZJ", standard)] == Filing.Status.ACKNOWLEDGED
    assert statuses[("FJ", standard)] == Filing.Status.SUBMITTED
    assert statuses[("SD", standard)] == Filing.Status.RETURNED
    # The other 27 provinces have filed nothing.
    assert {code for code, _kind in statuses} == {"GD", "ZJ", "FJ", "SD"}
    assert {kind for code, kind in statuses if code in ("FJ", "SD")} == {standard}
    assert Authority.objects.filter(level="provincial").count() == 31
    for attachment in FilingAttachment.objects.all():
        assert detect_type(attachment.file.open("rb")) == PDF
        attachment.file.close()


def test_plans_with_commitments_and_progress_from_the_activities(demo):
    year = timezone.localdate().year
    plans = {
        p.authority.code: p for p in Plan.objects.filter(year=year).select_related("authority")
    }
    assert set(plans) == {"GD-SZ", "ZJ-NB", "GD-GZ"}
    assert plans["GD-SZ"].status == plans["ZJ-NB"].status == Plan.Status.PUBLISHED
    assert plans["GD-GZ"].status == Plan.Status.DRAFT
    progress = list(plan_progress(plans["GD-SZ"]))
    assert len(progress) >= 10
    assert all(c.owner_person_id for c in progress)
    assert sum(c.logged for c in progress) >= 20
    assert any(c.verified for c in progress)


def test_a_year_of_activities_in_every_area_form_and_state(demo):
    today = timezone.localdate()
    activities = Activity.objects.all()
    dates = activities.values_list("occurred_on", flat=True)
    assert min(dates) >= today - datetime.timedelta(days=366)
    assert max(dates) < today
    assert set(activities.values_list("form", flat=True)) == set(Activity.Form.values)
    used = Activity.areas.through.objects.values_list("constructionarea_id", flat=True)
    assert set(used) == set(ConstructionArea.objects.values_list("pk", flat=True))
    by_status = dict(activities.values_list("status").annotate(n=Count("pk")))
    assert by_status["verified"] > by_status["submitted"] > by_status["more_requested"] > 0
    assert not activities.filter(status="more_requested", review_comment="").exists()
    assert activities.filter(special_campaign__isnull=False).exists()
    # Shenzhen's, Guangzhou's, Zhuhai's, Ningbo's and Wenzhou's, some logged by the port office.
    assert set(activities.values_list("authority__code", flat=True)) == {
        "GD-SZ",
        "GD-GZ",
        "GD-ZH",
        "ZJ-NB",
        "ZJ-WZ",
    }
    assert activities.filter(unit__isnull=True, status="verified").count() >= 5
    assert activities.filter(created_by__username="unit_contact").exists()


def test_evidence_files_are_real_pngs_and_pdfs(demo):
    evidence = list(ActivityEvidence.objects.all())
    assert len(evidence) >= 20
    kinds = set()
    for item in evidence:
        with item.file.open("rb") as handle:
            kinds.add(detect_type(handle))
        assert item.size == item.file.size
    assert kinds == {PNG, PDF}
    assert RectificationEvidence.objects.exists()


def test_every_demo_file_passes_the_upload_check_as_its_stored_type(demo):
    stored = [
        *((e.file, e.original_name) for e in ActivityEvidence.objects.all()),
        *((e.file, e.original_name) for e in RectificationEvidence.objects.all()),
        *((a.file, a.original_name) for a in FilingAttachment.objects.all()),
        *((a.file, a.file_name) for a in Agreement.objects.exclude(file="")),
    ]
    assert len(stored) >= 25
    for field_file, name in stored:
        with field_file.open("rb") as handle:
            checked = upload_check(File(handle, name=name))
        assert checked.extension == field_file.name.rsplit(".", 1)[1] == name.rsplit(".", 1)[1]


def test_rectification_items_open_overdue_answered_sent_back_and_closed(demo):
    today = timezone.localdate()
    items = Rectification.objects.select_related("owner_unit")
    assert set(items.values_list("status", flat=True)) == set(Rectification.Status.values)
    overdue = [i for i in items if i.is_overdue_on(today)]
    assert {i.status for i in overdue} == {"open", "sent_back"}
    assert items.filter(status="open", due_on__gte=today).exists()
    closed = items.filter(status="closed")
    assert all(i.answered_at < i.closed_at for i in closed)
    # The demo's unit contact has an item of its own to answer.
    contact = _user("unit_contact")
    mine = rectification_list_for(contact).filter(status__in=Rectification.PENDING)
    assert mine.exists()
    assert Finding.objects.filter(rectification__isnull=True).exists()


def test_public_feedback_in_every_state(demo):
    feedback = Feedback.objects.all()
    assert set(feedback.values_list("status", flat=True)) == set(Feedback.Status.values)
    assert feedback.filter(name="").exists() and feedback.exclude(name="").exists()
    assert feedback.filter(status="closed", answer="").exclude(close_reason="").exists()
    times = feedback.values_list("created_at", flat=True)
    assert min(times) < timezone.now() - datetime.timedelta(days=200)


def test_survey_answered_through_invitations_with_results(demo):
    survey = Survey.objects.get(status=Survey.Status.OPEN)
    assert survey.mode == Survey.Mode.INVITATION
    used = survey.invitations.filter(used_at__isnull=False).count()
    assert used == survey.responses.count() == 42
    assert survey.responses.filter(invitation__isnull=True).count() == 0
    results = survey_results(survey)
    assert results.respondents == 42
    assert Survey.objects.filter(status=Survey.Status.DRAFT).exists()


def test_one_consultation_answered_with_a_reference_and_one_pending(demo):
    answered = Consultation.objects.get(status=Consultation.Status.AGREED)
    assert answered.reference.startswith("深圳口岸办〔")
    pending = Consultation.objects.get(status=Consultation.Status.PENDING)
    assert pending.due_on > timezone.localdate()


def test_demo_accounts_see_the_work_of_their_area_only(demo, client):
    sz, nb = _user("sz_officer"), _user("nb_officer")
    sz_codes = set(activity_list_for(sz).values_list("authority__code", flat=True))
    assert sz_codes == {"GD-SZ"}
    assert set(activity_list_for(nb).values_list("authority__code", flat=True)) == {"ZJ-NB"}
    client.force_login(sz)
    for name in ("activity-list", "plan-list", "rectification-list", "feedback-list"):
        assert client.get(reverse(f"campaigns:{name}")).status_code == 200, name
    someone_elses = Activity.objects.filter(authority__code="ZJ-NB").first()
    assert (
        client.get(reverse("campaigns:activity-detail", args=[someone_elses.pk])).status_code == 404
    )
