"""Screens of the campaign's work: who sees what, the forms and their refusals, and a fixed
number of queries on every list and detail page.

Every request pays three queries before the view runs: the session, the user and the user's
scope (one UNION over the guardian grants, cached for the rest of the request).
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import (
    Activity,
    ActivityEvidence,
    Agreement,
    ConstructionArea,
    Inspection,
    Plan,
    Rectification,
    RectificationEvidence,
)
from campaigns.services import work as services
from tests.conftest import login
from tests.queries import BASE, EXTRA

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PAST = datetime.date(2026, 3, 2)


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def area(code):
    return ConstructionArea.objects.get(code=code)


@pytest.fixture
def busy(world, port_officer, gd_officer, unit_contact):
    """Twelve of everything in Shenzhen, with the related rows the pages show: activities with
    two areas, participants and a file (half by unit 1, half by unit 2), a plan with twelve
    commitments, agreements, special campaigns, inspections each with a rectification item for
    each unit."""
    sz = world.sz
    unit1, unit2 = sz.units
    areas = list(ConstructionArea.objects.order_by("order"))
    campaign = None
    for i in range(EXTRA):
        campaign = services.special_campaign_create(
            actor=gd_officer,
            authority=world.gd,
            name=f"专项共建{i}",
            theme_area=areas[i % 9],
            members=[unit1, unit2, world.gz.units[0]],
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
            goals="目标",
        )
        services.activity_create(
            actor=unit_contact if i % 2 == 0 else port_officer,
            authority=sz.authority,
            unit=unit1 if i % 2 == 0 else unit2,
            occurred_on=PAST + datetime.timedelta(days=i),
            form=Activity.Form.TRAINING,
            areas=[areas[i % 9], areas[(i + 1) % 9]],
            title=f"活动{i}",
            description="描述",
            participant_units=[unit1, unit2],
            participant_count=20,
            special_campaign=campaign,
            uploads=[pdf(f"证据{i}.pdf")],
        )
        services.agreement_create(
            actor=port_officer,
            authority=sz.authority,
            title=f"协议{i}",
            kind=Agreement.Kind.BUSINESS,
            parties=[unit1, unit2],
            signed_on=PAST,
            terms="条款",
        )
        inspection = services.inspection_create(
            actor=gd_officer,
            authority=world.gd,
            visited_on=PAST,
            inspectors="检查组",
            summary="巡访",
            ports=[sz.port],
            units=[unit1, unit2],
        )
        for unit in (unit1, unit2):
            services.finding_add(
                actor=gd_officer,
                inspection=inspection,
                text=f"问题{i}",
                owner_unit=unit,
                due_on=PAST + datetime.timedelta(days=i),
            )
    plan = services.plan_create(
        actor=port_officer, authority=sz.authority, year=2026, title="深圳2026年计划"
    )
    for i in range(EXTRA):
        services.commitment_add(
            actor=port_officer,
            plan=plan,
            area=areas[i % 9],
            unit=unit1 if i < 9 else unit2,
            goal="目标",
            owner_person=sz.people[0] if i % 2 else None,
            owner_name="" if i % 2 else "负责人",
            due_on=datetime.date(2026, 12, 1),
            target_activities=3,
        )
    for year in range(2014, 2014 + EXTRA):
        services.plan_create(
            actor=port_officer, authority=sz.authority, year=year, title=f"{year}年计划"
        )
    return world


def _get(client, user, url, django_assert_num_queries, n):
    login(client, user)
    with django_assert_num_queries(n):
        response = client.get(url)
    assert response.status_code == 200
    return response


# --- query counts -----------------------------------------------------------------------------


def test_activity_list_queries(client, busy, port_officer, django_assert_num_queries):
    # base + area choices + authority choices + count + rows + areas prefetch
    response = _get(
        client, port_officer, reverse("campaigns:activity-list"), django_assert_num_queries, 8
    )
    assert response.context["page"].paginator.count == EXTRA


def test_activity_list_filtered_queries(client, busy, port_officer, django_assert_num_queries):
    url = reverse("campaigns:activity-list") + (
        f"?area={area('safety').pk}&form=training&status=submitted&date_from=2026-01-01"
        f"&date_to=2026-12-31&unit=参与单位1&authority={busy.sz.authority.pk}"
    )
    # base + area choices + authority choices + count + rows + areas prefetch
    response = _get(client, port_officer, url, django_assert_num_queries, 8)
    titles = {a.title for a in response.context["page"].object_list}
    assert titles == {"活动4"}


def test_activity_detail_queries(client, busy, port_officer, django_assert_num_queries):
    activity = Activity.objects.filter(status=Activity.Status.SUBMITTED).first()
    # base + activity + areas prefetch + evidence + participants
    _get(
        client,
        port_officer,
        reverse("campaigns:activity-detail", args=[activity.pk]),
        django_assert_num_queries,
        BASE + 4,
    )


def test_plan_list_queries(client, busy, port_officer, django_assert_num_queries):
    # base + count + rows (with their commitment totals)
    response = _get(
        client, port_officer, reverse("campaigns:plan-list"), django_assert_num_queries, BASE + 2
    )
    assert response.context["page"].paginator.count == EXTRA + 1


def test_plan_detail_queries(client, busy, port_officer, django_assert_num_queries):
    plan = Plan.objects.get(year=2026)
    # base + plan + progress (one aggregate) + form choices: areas, units, people
    response = _get(
        client,
        port_officer,
        reverse("campaigns:plan-detail", args=[plan.pk]),
        django_assert_num_queries,
        BASE + 5,
    )
    assert len(response.context["commitments"]) == EXTRA


def test_plan_detail_read_only_queries(client, busy, unit_contact, django_assert_num_queries):
    plan = Plan.objects.get(year=2026)
    services.plan_publish(actor=None, plan=plan)
    # base + plan + progress
    _get(
        client,
        unit_contact,
        reverse("campaigns:plan-detail", args=[plan.pk]),
        django_assert_num_queries,
        BASE + 2,
    )


def test_agreement_pages_queries(client, busy, port_officer, django_assert_num_queries):
    # base + count + rows + parties prefetch
    _get(
        client,
        port_officer,
        reverse("campaigns:agreement-list"),
        django_assert_num_queries,
        BASE + 3,
    )
    agreement = Agreement.objects.first()
    # base + agreement + parties prefetch
    _get(
        client,
        port_officer,
        reverse("campaigns:agreement-detail", args=[agreement.pk]),
        django_assert_num_queries,
        BASE + 2,
    )


def test_special_campaign_pages_queries(client, busy, gd_officer, django_assert_num_queries):
    # base + count + rows (with member and activity counts)
    _get(
        client,
        gd_officer,
        reverse("campaigns:special-campaign-list"),
        django_assert_num_queries,
        BASE + 2,
    )
    campaign = busy.gd.special_campaigns.first()
    # base + campaign + members + recent activities
    _get(
        client,
        gd_officer,
        reverse("campaigns:special-campaign-detail", args=[campaign.pk]),
        django_assert_num_queries,
        BASE + 3,
    )


def test_inspection_pages_queries(client, busy, gd_officer, django_assert_num_queries):
    # base + count + rows (with finding and open item counts)
    _get(
        client,
        gd_officer,
        reverse("campaigns:inspection-list"),
        django_assert_num_queries,
        BASE + 2,
    )
    inspection = Inspection.objects.first()
    # base + inspection + ports + units + findings with their items + finding form's units
    _get(
        client,
        gd_officer,
        reverse("campaigns:inspection-detail", args=[inspection.pk]),
        django_assert_num_queries,
        BASE + 5,
    )


def test_rectification_pages_queries(client, busy, gd_officer, django_assert_num_queries):
    # base + authority choices + count + rows
    response = _get(
        client,
        gd_officer,
        reverse("campaigns:rectification-list") + "?overdue=on",
        django_assert_num_queries,
        BASE + 3,
    )
    assert response.context["page"].paginator.count == 2 * EXTRA
    item = Rectification.objects.first()
    # base + item + evidence
    _get(
        client,
        gd_officer,
        reverse("campaigns:rectification-detail", args=[item.pk]),
        django_assert_num_queries,
        BASE + 2,
    )


# --- who sees what ----------------------------------------------------------------------------


def _detail_urls():
    activity = Activity.objects.first()
    return [
        reverse("campaigns:activity-detail", args=[activity.pk]),
        reverse("campaigns:activity-edit", args=[activity.pk]),
        reverse("campaigns:activity-evidence", args=[ActivityEvidence.objects.first().pk]),
        reverse("campaigns:plan-detail", args=[Plan.objects.first().pk]),
        reverse("campaigns:agreement-detail", args=[Agreement.objects.first().pk]),
        reverse(
            "campaigns:special-campaign-detail",
            args=[Activity.objects.first().special_campaign_id],
        ),
        reverse("campaigns:inspection-detail", args=[Inspection.objects.first().pk]),
        reverse("campaigns:rectification-detail", args=[Rectification.objects.first().pk]),
    ]


@pytest.mark.parametrize("name", ["zj_officer", "nb_officer", "outsider"])
def test_other_province_gets_404_on_every_record(client, busy, persona, name):
    login(client, persona(name))
    for url in _detail_urls():
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("name", ["zj_officer", "nb_officer"])
def test_other_province_lists_are_empty(client, busy, persona, name):
    login(client, persona(name))
    for url_name in (
        "activity-list",
        "plan-list",
        "agreement-list",
        "special-campaign-list",
        "inspection-list",
        "rectification-list",
    ):
        response = client.get(reverse(f"campaigns:{url_name}"))
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0, url_name


@pytest.mark.parametrize("name", ["gd_officer", "national_admin", "port_officer"])
def test_officers_above_see_every_record(client, busy, persona, name):
    login(client, persona(name))
    for url in _detail_urls():
        if "edit" in url:
            continue
        assert client.get(url).status_code == 200, url


def test_unit_contact_sees_only_their_unit(client, busy, unit_contact):
    login(client, unit_contact)
    unit1, unit2 = busy.sz.units
    page = client.get(reverse("campaigns:activity-list")).context["page"]
    assert page.paginator.count == EXTRA // 2
    assert {a.unit_id for a in page.object_list} == {unit1.pk}
    page = client.get(reverse("campaigns:rectification-list")).context["page"]
    assert page.paginator.count == EXTRA
    assert {r.owner_unit_id for r in page.object_list} == {unit1.pk}
    other = Activity.objects.filter(unit=unit2).first()
    assert client.get(reverse("campaigns:activity-detail", args=[other.pk])).status_code == 404
    other_item = Rectification.objects.filter(owner_unit=unit2).first()
    url = reverse("campaigns:rectification-detail", args=[other_item.pk])
    assert client.get(url).status_code == 404
    # The published plan of their port authority, not a draft.
    plan = Plan.objects.get(year=2026)
    assert client.get(reverse("campaigns:plan-detail", args=[plan.pk])).status_code == 404
    services.plan_publish(actor=None, plan=plan)
    assert client.get(reverse("campaigns:plan-detail", args=[plan.pk])).status_code == 200


def test_visible_but_not_editable_is_403(client, busy, unit_contact, port_officer):
    own = Activity.objects.filter(unit=busy.sz.units[0]).first()
    login(client, unit_contact)
    assert client.post(reverse("campaigns:activity-verify", args=[own.pk])).status_code == 403
    inspection = Inspection.objects.first()
    login(client, port_officer)
    # The province's inspection of Shenzhen: the port officer reads it, cannot add findings.
    assert (
        client.get(reverse("campaigns:inspection-detail", args=[inspection.pk])).status_code == 200
    )
    response = client.post(
        reverse("campaigns:inspection-detail", args=[inspection.pk]), {"text": "x"}
    )
    assert response.status_code == 403
    item = Rectification.objects.filter(owner_unit=busy.sz.units[0]).first()
    response = client.post(reverse("campaigns:rectification-close", args=[item.pk]))
    assert response.status_code == 403


# --- the flows through the screens ----------------------------------------------------------------


def test_unit_logs_activity_with_file_and_port_officer_verifies(
    client, world, unit_contact, port_officer
):
    login(client, unit_contact)
    response = client.post(
        reverse("campaigns:activity-create"),
        {
            "unit": world.sz.units[0].pk,
            "occurred_on": "2026-03-02",
            "form": Activity.Form.SYMPOSIUM,
            "areas": [area("service").pk],
            "title": "通关座谈会",
            "description": "<b>企业座谈</b><script>alert(1)</script>",
            "participant_units": [world.sz.units[1].pk],
            "participant_count": "30",
            "links": "https://example.org/news/1",
            "uploads": [pdf("纪要.pdf")],
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302, response.context["form"].errors
    assert activity.description == "<b>企业座谈</b>"
    assert activity.status == Activity.Status.SUBMITTED
    assert activity.authority == world.sz.authority
    evidence = activity.evidence.get()
    download = client.get(reverse("campaigns:activity-evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    login(client, port_officer)
    detail = client.get(reverse("campaigns:activity-detail", args=[activity.pk]))
    assert detail.context["can_review"]
    client.post(reverse("campaigns:activity-verify", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == Activity.Status.VERIFIED


def test_activity_form_refuses_a_wrong_file_and_keeps_nothing(client, world, unit_contact):
    login(client, unit_contact)
    response = client.post(
        reverse("campaigns:activity-create"),
        {
            "unit": world.sz.units[0].pk,
            "occurred_on": "2026-03-02",
            "form": Activity.Form.MEDIA,
            "areas": [area("service").pk],
            "title": "宣传",
            "description": "宣传",
            "participant_count": "0",
            "uploads": [SimpleUploadedFile("photo.png", b"#!/bin/sh\nrm -rf /\x00")],
        },
    )
    assert response.status_code == 200
    assert "photo.png" in str(response.context["form"].errors["uploads"])
    assert not Activity.objects.exists()


def test_port_officer_asks_for_more_and_unit_resubmits(client, world, unit_contact, port_officer):
    activity = services.activity_create(
        actor=unit_contact,
        authority=world.sz.authority,
        unit=world.sz.units[0],
        occurred_on=PAST,
        form=Activity.Form.VISIT,
        areas=[area("service")],
        title="走访企业",
        description="走访",
    )
    login(client, port_officer)
    url = reverse("campaigns:activity-detail", args=[activity.pk])
    response = client.post(url, {"comment": ""})
    assert response.status_code == 200
    assert "comment" in response.context["comment_form"].errors
    client.post(url, {"comment": "请补充照片"})
    activity.refresh_from_db()
    assert activity.status == Activity.Status.MORE_REQUESTED
    login(client, unit_contact)
    response = client.post(
        reverse("campaigns:activity-edit", args=[activity.pk]),
        {
            "occurred_on": "2026-03-02",
            "form": Activity.Form.VISIT,
            "areas": [area("service").pk],
            "title": "走访企业",
            "description": "走访，附照片",
            "participant_count": "5",
            "uploads": [pdf("照片.pdf")],
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == Activity.Status.SUBMITTED
    assert activity.evidence.count() == 1


def test_plan_for_a_unit_out_of_scope_shows_a_clear_error(client, world, port_officer):
    plan = services.plan_create(
        actor=port_officer, authority=world.sz.authority, year=2026, title="计划"
    )
    login(client, port_officer)
    # The form offers only Shenzhen's units: a Ningbo unit is refused as an invalid choice.
    response = client.post(
        reverse("campaigns:plan-detail", args=[plan.pk]),
        {
            "area": area("safety").pk,
            "unit": world.nb.units[0].pk,
            "goal": "目标",
            "owner_name": "张三",
            "due_on": "2026-10-01",
            "target_activities": "2",
        },
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not plan.commitments.exists()


def test_inspection_finding_answer_send_back_close(client, world, gd_officer, unit_contact):
    login(client, gd_officer)
    response = client.post(
        reverse("campaigns:inspection-create"),
        {
            "authority": world.gd.pk,
            "visited_on": "2026-03-02",
            "inspectors": "省口岸办检查组",
            "ports": [world.sz.port.pk],
            "units": [world.sz.units[0].pk],
            "summary": "巡访检查",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    client.post(
        reverse("campaigns:inspection-detail", args=[inspection.pk]),
        {"text": "引导标识缺失", "owner_unit": world.sz.units[0].pk, "due_on": "2026-04-01"},
    )
    item = Rectification.objects.get()
    login(client, unit_contact)
    url = reverse("campaigns:rectification-detail", args=[item.pk])
    assert client.get(url).context["can_answer"]
    bad = client.post(
        url,
        {
            "action": "answer",
            "answer": "已整改",
            "uploads": [SimpleUploadedFile("a.pdf", b"<html>x</html>")],
        },
    )
    assert bad.status_code == 200
    assert "uploads" in bad.context["answer_form"].errors
    item.refresh_from_db()
    assert item.status == Rectification.Status.OPEN
    client.post(url, {"action": "answer", "answer": "已整改", "uploads": [pdf("整改.pdf")]})
    item.refresh_from_db()
    assert item.status == Rectification.Status.ANSWERED
    assert RectificationEvidence.objects.count() == 1
    login(client, gd_officer)
    client.post(url, {"action": "send_back", "comment": "证据不足"})
    item.refresh_from_db()
    assert item.status == Rectification.Status.SENT_BACK
    login(client, unit_contact)
    client.post(url, {"action": "answer", "answer": "补充证据"})
    login(client, gd_officer)
    client.post(reverse("campaigns:rectification-close", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == Rectification.Status.CLOSED


def test_overdue_filter_up_the_hierarchy(client, busy, gd_officer, national_admin, port_officer):
    for user, expected in ((gd_officer, 2 * EXTRA), (national_admin, 2 * EXTRA)):
        login(client, user)
        page = client.get(reverse("campaigns:rectification-list") + "?overdue=on").context["page"]
        assert page.paginator.count == expected
    item = Rectification.objects.order_by("pk").first()
    services.rectification_answer(actor=None, item=item, answer="done")
    login(client, port_officer)
    page = client.get(reverse("campaigns:rectification-list") + "?overdue=on").context["page"]
    assert page.paginator.count == 2 * EXTRA - 1


def test_forms_render(client, world, port_officer, gd_officer, unit_contact):
    for user, names in (
        (port_officer, ["plan-create", "activity-create", "agreement-create"]),
        (gd_officer, ["special-campaign-create", "inspection-create"]),
        (unit_contact, ["activity-create"]),
    ):
        login(client, user)
        for name in names:
            assert client.get(reverse(f"campaigns:{name}")).status_code == 200, name
    login(client, unit_contact)
    assert client.get(reverse("campaigns:inspection-create")).status_code == 403
