"""The national office's admin of the campaign's work, filings, public feedback and surveys, and
of notifications: every page renders with rows present, records stay read-only, the actions go
through the services, and a changelist runs a fixed number of queries."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from campaigns.models import (
    Activity,
    ActivityEvidence,
    Agency,
    Agreement,
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
    SurveyDimension,
    SurveyGroup,
    SurveyInvitation,
    SurveyRating,
    SurveyResponse,
)
from campaigns.services.summaries import activity_summary_rebuild
from civport.models import AuditEntry, Notification
from tests.conftest import login
from tests.queries import EXTRA

DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="root", password="correct-horse-battery", email="root@example.cn"
    )


@pytest.fixture
def admin_client(client, superuser, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return login(client, superuser)


@pytest.fixture
def rows(world, superuser):
    """One of every record, twelve rectification items (each with its finding and a file) and
    a submitted filing."""
    sz, now = world.sz, timezone.now()
    unit1, unit2 = sz.units
    area = ConstructionArea.objects.order_by("order").first()
    filing = Filing.objects.create(
        authority=world.gd,
        kind=Filing.Kind.IMPLEMENTATION_OPINION,
        title="广东省实施意见",
        text="正文",
        status=Filing.Status.SUBMITTED,
        version_count=1,
        submitted_at=now,
        created_by=superuser,
    )
    attachment = FilingAttachment.objects.create(
        filing=filing,
        file="filings/2026/03/x.pdf",
        original_name="实施意见.pdf",
        content_type="application/pdf",
        size=100,
        uploaded_by=superuser,
    )
    version = FilingVersion.objects.create(
        filing=filing,
        number=1,
        title=filing.title,
        text=filing.text,
        submitted_by=superuser,
        submitted_at=now,
    )
    version.attachments.add(attachment)
    Consultation.objects.create(
        unit=unit1,
        authority=sz.authority,
        title="文明单位",
        reasons="理由",
        due_on=DAY,
        asked_by=superuser,
    )
    plan = Plan.objects.create(authority=sz.authority, year=2026, title="2026年共建计划")
    Commitment.objects.create(
        plan=plan,
        area=area,
        unit=unit1,
        goal="目标",
        owner_name="张三",
        due_on=DAY,
        target_activities=2,
    )
    campaign = SpecialCampaign.objects.create(
        authority=sz.authority,
        name="廉洁共建",
        theme_area=area,
        starts_on=DAY,
        ends_on=DAY,
        goals="目标",
    )
    campaign.members.add(unit1, unit2)
    agreement = Agreement.objects.create(
        authority=sz.authority,
        title="共建协议",
        kind=Agreement.Kind.BUSINESS,
        signed_on=DAY,
        terms="条款",
        file="work/2026/03/a.pdf",
        file_name="协议.pdf",
    )
    agreement.parties.add(unit1, unit2)
    activity = Activity.objects.create(
        authority=sz.authority,
        unit=unit1,
        occurred_on=DAY,
        form=Activity.Form.VISIT,
        title="走访",
        description="内容",
        special_campaign=campaign,
        created_by=superuser,
    )
    activity.areas.add(area)
    # Made here without the activity services, so the dashboards' summary is rebuilt as after
    # any change to activities made outside the portal.
    activity_summary_rebuild()
    ActivityEvidence.objects.create(
        activity=activity,
        file="work/2026/03/e.pdf",
        original_name="证明.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=superuser,
    )
    inspection = Inspection.objects.create(
        authority=sz.authority, visited_on=DAY, inspectors="李四", summary="情况"
    )
    inspection.ports.add(sz.port)
    for i in range(EXTRA):
        finding = Finding.objects.create(inspection=inspection, text=f"问题{i}")
        item = Rectification.objects.create(
            finding=finding, inspection=inspection, owner_unit=sz.units[i % 2], due_on=DAY
        )
        RectificationEvidence.objects.create(
            rectification=item,
            file=f"work/2026/03/r{i}.pdf",
            original_name=f"整改{i}.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=superuser,
        )
    Feedback.objects.create(
        port=sz.port, kind=Feedback.Kind.COMPLAINT, text="排队太久", tracking_hash="ab" * 32
    )
    survey = Survey.objects.create(
        port=sz.port,
        title="满意度调查",
        period_start=DAY,
        period_end=DAY,
        mode=Survey.Mode.INVITATION,
        public_code="code" * 4,
        status=Survey.Status.OPEN,
    )
    agency = Agency.objects.get(code="CUSTOMS")
    survey.agencies.add(agency)
    group = SurveyGroup.objects.create(survey=survey, name="企业", order=1)
    dimension = SurveyDimension.objects.create(survey=survey, name="服务态度", order=1)
    invitation = SurveyInvitation.objects.create(survey=survey, code="invite" * 3, used_at=now)
    response = SurveyResponse.objects.create(survey=survey, group=group, invitation=invitation)
    SurveyRating.objects.create(response=response, agency=agency, dimension=dimension, score=5)
    Notification.objects.create(
        user=superuser, key="test:1", day=DAY, title="提醒", language="zh-hans"
    )
    return world


MODELS = [
    Filing,
    FilingVersion,
    FilingAttachment,
    Consultation,
    Plan,
    Commitment,
    SpecialCampaign,
    Agreement,
    Activity,
    ActivityEvidence,
    Inspection,
    Finding,
    Rectification,
    RectificationEvidence,
    Feedback,
    Survey,
    SurveyGroup,
    SurveyDimension,
    SurveyInvitation,
    SurveyResponse,
    SurveyRating,
    Notification,
]


def _url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_page_render(admin_client, rows, model):
    response = admin_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    obj = model.objects.order_by("pk").first()
    response = admin_client.get(_url(model, "change", obj.pk))
    assert response.status_code == 200
    # Read-only: no save button, and nothing is added from here.
    assert b'name="_save"' not in response.content
    assert admin_client.get(_url(model, "add")).status_code == 403


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_search_runs(admin_client, rows, model):
    assert admin_client.get(_url(model, "changelist"), {"q": "深圳"}).status_code == 200


def test_feedback_never_shows_its_tracking_hash(admin_client, rows):
    item = Feedback.objects.get()
    for url in (_url(Feedback, "changelist"), _url(Feedback, "change", item.pk)):
        content = admin_client.get(url).content.decode()
        assert item.tracking_hash not in content
        assert "tracking_hash" not in content


def test_stored_files_are_not_linked(admin_client, rows):
    item = ActivityEvidence.objects.get()
    content = admin_client.get(_url(ActivityEvidence, "change", item.pk)).content.decode()
    assert item.file.name not in content
    assert "证明.pdf" in content


def test_other_staff_do_not_see_the_work(client, rows, port_officer):
    port_officer.is_staff = True
    port_officer.save(update_fields=["is_staff"])
    login(client, port_officer)
    assert client.get(_url(Rectification, "changelist")).status_code == 403


def test_rectification_changelist_queries(admin_client, rows, django_assert_num_queries):
    # session + user = 2 (a superuser's permission checks read nothing more)
    # + the count of the filtered rows and the count of all rows = 2
    # + the page of items with finding, inspection and owner unit joined = 1
    with django_assert_num_queries(5):
        response = admin_client.get(_url(Rectification, "changelist"))
    assert response.context["cl"].result_count == EXTRA


def test_acknowledge_action_goes_through_the_service(admin_client, rows):
    filing = Filing.objects.get()
    response = admin_client.post(
        _url(Filing, "changelist"),
        {"action": "acknowledge", "_selected_action": [filing.pk]},
        follow=True,
    )
    assert response.status_code == 200
    filing.refresh_from_db()
    assert filing.status == Filing.Status.ACKNOWLEDGED
    assert FilingVersion.objects.get().outcome == FilingVersion.Outcome.ACKNOWLEDGED
    assert AuditEntry.objects.filter(action="campaigns.filing.acknowledged").count() == 1


def test_an_action_refused_by_the_service_says_why_and_changes_nothing(admin_client, rows):
    items = list(Rectification.objects.order_by("pk")[:2])
    response = admin_client.post(
        _url(Rectification, "changelist"),
        {"action": "close", "_selected_action": [item.pk for item in items]},
        follow=True,
    )
    text = response.content.decode()
    assert "Only an answered item can be closed." in text
    assert set(Rectification.objects.values_list("status", flat=True)) == {"open"}
    assert not AuditEntry.objects.filter(action="campaigns.rectification.closed").exists()


def test_verify_and_close_actions(admin_client, rows):
    activity = Activity.objects.get()
    survey = Survey.objects.get()
    response = admin_client.post(
        _url(Activity, "changelist"),
        {"action": "verify", "_selected_action": [activity.pk]},
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    admin_client.post(
        _url(Survey, "changelist"), {"action": "close", "_selected_action": [survey.pk]}
    )
    activity.refresh_from_db()
    survey.refresh_from_db()
    assert activity.status == Activity.Status.VERIFIED
    assert survey.status == Survey.Status.CLOSED


def test_notifications_filter_by_read(admin_client, rows, superuser):
    Notification.objects.create(
        user=superuser,
        key="test:2",
        day=DAY,
        title="已读",
        language="zh-hans",
        read_at=timezone.now(),
    )
    response = admin_client.get(_url(Notification, "changelist"), {"read": "no"})
    assert [n.key for n in response.context["cl"].result_list] == ["test:1"]
    response = admin_client.get(_url(Notification, "changelist"), {"q": "test:2"})
    assert [n.key for n in response.context["cl"].result_list] == ["test:2"]
