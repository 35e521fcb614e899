"""Writes of the campaign's work: plans, activities, agreements, special campaigns, inspections
and rectification items. Each state machine, each refusal with its message, and nothing
half-written when a refusal comes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import (
    Activity,
    ActivityEvidence,
    Agreement,
    ConstructionArea,
    Finding,
    Plan,
    Rectification,
    RectificationEvidence,
)
from campaigns.selectors.work import plan_progress
from campaigns.services import work as services
from civport.models import AuditEntry

TODAY = datetime.date(2026, 6, 15)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def area(code):
    return ConstructionArea.objects.get(code=code)


def _activity(actor, world, **extra):
    data = {
        "actor": actor,
        "authority": world.sz.authority,
        "unit": world.sz.units[0],
        "occurred_on": datetime.date(2026, 5, 4),
        "form": Activity.Form.TRAINING,
        "areas": [area("safety")],
        "title": "消防安全培训",
        "description": "<p>全体职工参加</p>",
        "today": TODAY,
    }
    data.update(extra)
    return services.activity_create(**data)


def _last_audit():
    return AuditEntry.objects.order_by("-id").first()


# --- plans ----------------------------------------------------------------------------------


def _plan(world, actor, year=2026):
    return services.plan_create(
        actor=actor, authority=world.sz.authority, year=year, title="深圳2026年共建活动计划"
    )


def _commit(plan, actor, unit, code="safety", target=2, **extra):
    data = {
        "actor": actor,
        "plan": plan,
        "area": area(code),
        "unit": unit,
        "goal": "开展安全教育",
        "owner_name": "张三",
        "due_on": datetime.date(plan.year, 11, 30),
        "target_activities": target,
    }
    data.update(extra)
    return services.commitment_add(**data)


@pytest.mark.usefixtures("in_english")
def test_plan_commitment_for_a_unit_out_of_scope_is_refused(world, port_officer):
    plan = _plan(world, port_officer)
    with pytest.raises(ValidationError) as exc:
        _commit(plan, port_officer, world.nb.units[0])
    assert "not in the area" in exc.value.message_dict["unit"][0]
    assert not plan.commitments.exists()


def test_plan_belongs_to_a_port_authority(world, gd_officer):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=gd_officer, authority=world.gd, year=2026, title="省计划")
    assert "authority" in exc.value.message_dict
    assert not Plan.objects.exists()


def test_plan_once_per_authority_and_year(world, port_officer):
    _plan(world, port_officer)
    with pytest.raises(ValidationError):
        _plan(world, port_officer)
    assert Plan.objects.count() == 1


def test_commitment_needs_an_owner_and_a_due_date_in_the_year(world, port_officer):
    plan = _plan(world, port_officer)
    with pytest.raises(ValidationError) as exc:
        _commit(plan, port_officer, world.sz.units[0], owner_name="  ")
    assert "owner_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _commit(plan, port_officer, world.sz.units[0], due_on=datetime.date(2027, 1, 5))
    assert "due_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _commit(plan, port_officer, world.sz.units[0], owner_person=world.nb.people[0])
    assert "owner_person" in exc.value.message_dict
    assert not plan.commitments.exists()


def test_plan_publish_needs_a_commitment_and_locks_the_commitments(world, port_officer):
    plan = _plan(world, port_officer)
    with pytest.raises(ValidationError):
        services.plan_publish(actor=port_officer, plan=plan)
    _commit(plan, port_officer, world.sz.units[0])
    plan = services.plan_publish(actor=port_officer, plan=plan)
    assert plan.status == Plan.Status.PUBLISHED
    assert _last_audit().action == "campaigns.plan.published"
    with pytest.raises(ValidationError):
        _commit(plan, port_officer, world.sz.units[1])
    services.plan_reopen(actor=port_officer, plan=plan)
    _commit(plan, port_officer, world.sz.units[1])
    assert plan.commitments.count() == 2


def test_plan_progress_counts_the_units_activities_in_the_area_and_year(
    world, port_officer, unit_contact
):
    plan = _plan(world, port_officer)
    unit1, unit2 = world.sz.units
    _commit(plan, port_officer, unit1, "safety", target=4)
    _commit(plan, port_officer, unit2, "safety", target=2)
    _commit(plan, port_officer, unit1, "culture", target=1)
    _activity(unit_contact, world)  # unit1, safety, submitted
    verified = _activity(unit_contact, world, areas=[area("safety"), area("culture")])
    services.activity_verify(actor=port_officer, activity=verified)
    # Logged by the port authority with unit2 taking part: counts for unit2.
    _activity(port_officer, world, unit=None, participant_units=[unit2], verified=True)
    # Another year, another area, sent back for more: none counts.
    _activity(unit_contact, world, occurred_on=datetime.date(2025, 12, 31))
    _activity(unit_contact, world, areas=[area("service")])
    sent_back = _activity(unit_contact, world)
    services.activity_request_more(actor=port_officer, activity=sent_back, comment="补充照片")
    rows = {(c.unit_id, c.area.code): (c.logged, c.verified) for c in plan_progress(plan)}
    assert rows == {
        (unit1.pk, "safety"): (2, 1),
        (unit2.pk, "safety"): (1, 1),
        (unit1.pk, "culture"): (1, 1),
    }


# --- activities ------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_activity_submitted_verified_with_audit(world, unit_contact, port_officer):
    activity = _activity(unit_contact, world, uploads=[pdf()])
    assert activity.status == Activity.Status.SUBMITTED
    assert activity.description == "<p>全体职工参加</p>"
    assert activity.evidence.get().original_name == "evidence.pdf"
    assert _last_audit().action == "campaigns.activity.created"
    services.activity_verify(actor=port_officer, activity=activity)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.VERIFIED
    assert activity.reviewed_by == port_officer
    with pytest.raises(ValidationError):
        services.activity_verify(actor=port_officer, activity=activity)
    with pytest.raises(ValidationError) as exc:
        services.activity_update(
            actor=unit_contact,
            activity=activity,
            areas=[area("safety")],
            participant_units=[],
            title="改",
        )
    assert "verified" in str(exc.value)


def test_activity_more_requested_then_resubmitted(world, unit_contact, port_officer):
    activity = _activity(unit_contact, world)
    with pytest.raises(ValidationError) as exc:
        services.activity_request_more(actor=port_officer, activity=activity, comment=" ")
    assert "comment" in exc.value.message_dict
    services.activity_request_more(actor=port_officer, activity=activity, comment="请补充签到表")
    activity.refresh_from_db()
    assert activity.status == Activity.Status.MORE_REQUESTED
    assert activity.review_comment == "请补充签到表"
    services.activity_update(
        actor=unit_contact,
        activity=activity,
        areas=[area("safety")],
        participant_units=[world.sz.units[1]],
        uploads=[pdf("签到表.pdf")],
        participant_count=40,
        today=TODAY,
    )
    activity.refresh_from_db()
    assert activity.status == Activity.Status.SUBMITTED
    assert activity.participant_count == 40
    assert list(activity.participant_units.all()) == [world.sz.units[1]]
    assert _last_audit().action == "campaigns.activity.resubmitted"


def test_activity_description_script_is_removed(world, unit_contact):
    activity = _activity(
        unit_contact, world, description='<p onclick="x()">好<script>alert(1)</script></p>'
    )
    assert activity.description == "<p>好</p>"


def test_activity_with_only_script_is_refused(world, unit_contact):
    with pytest.raises(ValidationError) as exc:
        _activity(unit_contact, world, description="<script>alert(1)</script>")
    assert "description" in exc.value.message_dict
    assert not Activity.objects.exists()


def test_activity_file_of_wrong_type_refused_and_nothing_written(world, unit_contact):
    script = SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>")
    with pytest.raises(ValidationError) as exc:
        _activity(unit_contact, world, uploads=[pdf(), script])
    assert "report.pdf" in exc.value.message_dict["uploads"][0]
    assert not Activity.objects.exists()
    assert not ActivityEvidence.objects.exists()


def test_activity_file_too_large_refused(world, unit_contact, settings):
    settings.CIVPORT_UPLOAD_MAX_BYTES = 20
    with pytest.raises(ValidationError) as exc:
        _activity(unit_contact, world, uploads=[pdf()])
    assert "uploads" in exc.value.message_dict
    assert not Activity.objects.exists()


def test_activity_limits_files(world, unit_contact):
    with pytest.raises(ValidationError) as exc:
        _activity(
            unit_contact,
            world,
            uploads=[pdf(f"{i}.pdf") for i in range(services.ACTIVITY_FILES_MAX + 1)],
        )
    assert "uploads" in exc.value.message_dict
    assert not ActivityEvidence.objects.exists()


def test_activity_refuses_future_date_empty_areas_bad_links_and_outside_units(world, unit_contact):
    with pytest.raises(ValidationError) as exc:
        _activity(
            unit_contact,
            world,
            occurred_on=TODAY + datetime.timedelta(days=1),
            areas=[],
            participant_units=[world.nb.units[0]],
        )
    assert set(exc.value.message_dict) == {"occurred_on", "areas", "participant_units"}
    with pytest.raises(ValidationError) as exc:
        _activity(unit_contact, world, links="javascript:alert(1)")
    assert "links" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _activity(unit_contact, world, unit=world.nb.units[0])
    assert "unit" in exc.value.message_dict
    assert not Activity.objects.exists()


def test_activity_logged_by_its_authority_is_verified(world, port_officer):
    activity = _activity(port_officer, world, unit=None, verified=True)
    assert activity.status == Activity.Status.VERIFIED


# --- agreements and special campaigns -------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_agreement_needs_two_parties_in_the_area(world, port_officer):
    data = {
        "actor": port_officer,
        "authority": world.sz.authority,
        "title": "廉政共建协议",
        "kind": Agreement.Kind.INTEGRITY,
        "signed_on": datetime.date(2026, 3, 1),
        "valid_until": datetime.date(2027, 2, 28),
        "terms": "双方共同遵守",
    }
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(**data, parties=[world.sz.units[0]])
    assert "parties" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(**data, parties=[world.sz.units[0], world.nb.units[0]])
    assert "parties" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            **{**data, "valid_until": datetime.date(2025, 1, 1)}, parties=world.sz.units
        )
    assert exc.value.message_dict == {"__all__": ["The agreement cannot end before it was signed."]}
    agreement = services.agreement_create(**data, parties=world.sz.units, upload=pdf("协议.pdf"))
    assert agreement.file_name == "协议.pdf"
    assert set(agreement.parties.all()) == set(world.sz.units)
    assert Agreement.objects.count() == 1


def test_special_campaign_members_within_the_area(world, gd_officer):
    data = {
        "actor": gd_officer,
        "authority": world.gd,
        "name": "廉政专项共建",
        "theme_area": area("integrity"),
        "starts_on": datetime.date(2026, 1, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "goals": "窗口单位廉政",
    }
    with pytest.raises(ValidationError) as exc:
        services.special_campaign_create(**data, members=[world.nb.units[0]])
    assert "members" in exc.value.message_dict
    campaign = services.special_campaign_create(
        **data, members=[world.sz.units[0], world.gz.units[0]]
    )
    assert campaign.members.count() == 2


# --- inspections and rectifications -------------------------------------------------------------


def _inspection(world, actor, authority=None):
    return services.inspection_create(
        actor=actor,
        authority=authority or world.gd,
        visited_on=datetime.date(2026, 4, 1),
        inspectors="李四、王五",
        summary="巡访深圳湾口岸",
        ports=[world.sz.port],
        units=[world.sz.units[0]],
        today=TODAY,
    )


def test_inspection_refuses_outside_ports_and_county_level(world, gd_officer):
    with pytest.raises(ValidationError) as exc:
        services.inspection_create(
            actor=gd_officer,
            authority=world.gd,
            visited_on=datetime.date(2026, 4, 1),
            inspectors="李四",
            summary="x",
            ports=[world.nb.port],
            today=TODAY,
        )
    assert "ports" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.inspection_create(
            actor=gd_officer,
            authority=world.gd,
            visited_on=datetime.date(2026, 4, 1),
            inspectors="李四",
            summary="x",
            today=TODAY,
        )
    assert "ports" in exc.value.message_dict


def test_finding_with_owner_becomes_a_rectification(world, gd_officer):
    inspection = _inspection(world, gd_officer)
    _finding, item = services.finding_add(
        actor=gd_officer,
        inspection=inspection,
        text="查验区标识不清",
        owner_unit=world.sz.units[0],
        due_on=datetime.date(2026, 5, 1),
    )
    assert item.status == Rectification.Status.OPEN
    assert item.inspection == inspection
    _note, none = services.finding_add(actor=gd_officer, inspection=inspection, text="整体良好")
    assert none is None
    with pytest.raises(ValidationError) as exc:
        services.finding_add(
            actor=gd_officer, inspection=inspection, text="x", owner_unit=world.sz.units[0]
        )
    assert "due_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.finding_add(
            actor=gd_officer,
            inspection=inspection,
            text="x",
            owner_unit=world.nb.units[0],
            due_on=datetime.date(2026, 5, 1),
        )
    assert "owner_unit" in exc.value.message_dict
    assert Finding.objects.count() == 2


def test_rectification_answered_sent_back_answered_closed(world, gd_officer, unit_contact):
    inspection = _inspection(world, gd_officer)
    _, item = services.finding_add(
        actor=gd_officer,
        inspection=inspection,
        text="查验区标识不清",
        owner_unit=world.sz.units[0],
        due_on=datetime.date(2026, 5, 1),
    )
    assert item.is_overdue_on(TODAY)
    with pytest.raises(ValidationError):
        services.rectification_close(actor=gd_officer, item=item)
    services.rectification_answer(
        actor=unit_contact, item=item, answer="已更换标识", uploads=[pdf("照片.pdf")]
    )
    item.refresh_from_db()
    assert item.status == Rectification.Status.ANSWERED
    assert not item.is_overdue_on(TODAY)
    assert RectificationEvidence.objects.filter(rectification=item).count() == 1
    with pytest.raises(ValidationError) as exc:
        services.rectification_send_back(actor=gd_officer, item=item, comment="")
    assert "comment" in exc.value.message_dict
    services.rectification_send_back(actor=gd_officer, item=item, comment="照片不清晰")
    item.refresh_from_db()
    assert item.status == Rectification.Status.SENT_BACK
    assert item.is_overdue_on(TODAY)
    services.rectification_answer(actor=unit_contact, item=item, answer="已重新拍照")
    services.rectification_close(actor=gd_officer, item=item)
    item.refresh_from_db()
    assert item.status == Rectification.Status.CLOSED
    assert _last_audit().action == "campaigns.rectification.closed"
    with pytest.raises(ValidationError):
        services.rectification_answer(actor=unit_contact, item=item, answer="again")


def test_rectification_answer_with_bad_file_changes_nothing(world, gd_officer, unit_contact):
    inspection = _inspection(world, gd_officer)
    _, item = services.finding_add(
        actor=gd_officer,
        inspection=inspection,
        text="x",
        owner_unit=world.sz.units[0],
        due_on=datetime.date(2026, 5, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.rectification_answer(
            actor=unit_contact,
            item=item,
            answer="done",
            uploads=[SimpleUploadedFile("a.pdf", b"MZ\x90\x00\x03binary\x00")],
        )
    assert "uploads" in exc.value.message_dict
    item.refresh_from_db()
    assert item.status == Rectification.Status.OPEN
    assert item.answer == ""
