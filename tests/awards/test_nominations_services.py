"""Nominating: who may put up whom, the dossier, submission before the deadline with the first
opinion, and the refusals of the issue's "bad input" list, each with its message and nothing
half-written."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from assessments.models import VetoCondition
from awards.models import Nomination, NominationEvidence, Opinion, Round, VetoDeclaration
from awards.services import nominations as services
from awards.services.nominations import veto_field, veto_note_field
from campaigns import services as campaign_services
from campaigns.models import Agency, Membership, Port, Unit
from civport.models import AuditEntry
from tests.awards.fixtures import DEEDS
from tests.conftest import require_postgresql
from tests.polling import second_waits_for_first

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="证明材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def create(actor, round, nominee, title):
    return services.nomination_create(actor=actor, round=round, title=title, nominee=nominee)


def conditions(round):
    return list(VetoCondition.objects.filter(scheme=round.scheme))


def all_clear(round):
    return {c.pk: (False, "") for c in conditions(round)}


def ready_draft(actor, round, nominee, title):
    """A draft with the deeds, the short deeds and every veto condition declared clear."""
    nomination = create(actor, round, nominee, title)
    services.nomination_update(actor=actor, nomination=nomination, deeds=DEEDS, summary="事迹简介")
    services.veto_declarations_save(actor=actor, nomination=nomination, answers=all_clear(round))
    return nomination


def errors_of(excinfo):
    return excinfo.value.message_dict


# --- creating ---------------------------------------------------------------------------------


def test_port_officer_nominates_a_unit_of_the_area_as_a_draft(
    world, award_round, port_officer, in_english
):
    unit = world.sz.units[0]
    nomination = create(port_officer, award_round, unit, "advanced_unit")
    assert nomination.status == Nomination.Status.DRAFT
    assert (nomination.unit, nomination.authority, nomination.province) == (
        unit,
        world.sz.authority,
        world.gd,
    )
    assert nomination.nominee_name == unit.name
    assert nomination.created_by == port_officer
    entry = AuditEntry.objects.get(action="awards.nomination.created")
    assert entry.changes["unit"] == unit.pk


def test_a_person_is_nominated_with_their_unit(world, award_round, port_officer):
    person = world.sz.people[1]
    nomination = create(port_officer, award_round, person, "advanced_individual")
    assert (nomination.person, nomination.unit) == (person, person.unit)
    assert nomination.authority == world.sz.authority
    assert nomination.nominee_unit_name == person.unit.name


def test_an_open_port_is_nominated_with_its_details(world, award_round, port_officer):
    nomination = create(port_officer, award_round, world.sz.port, "civilized_port")
    assert nomination.port == world.sz.port and nomination.unit is None
    assert nomination.nominee_detail  # subtype and class, in the portal's language


@pytest.mark.parametrize("status", [Port.Status.SUSPENDED, Port.Status.CLOSED])
def test_a_port_not_open_is_refused_and_nothing_is_written(
    world, award_round, port_officer, in_english, status
):
    Port.objects.filter(pk=world.sz.port.pk).update(status=status)
    port = Port.objects.get(pk=world.sz.port.pk)
    with pytest.raises(ValidationError) as excinfo:
        create(port_officer, award_round, port, "civilized_port")
    assert errors_of(excinfo) == {
        "nominee": [
            f"{port.name} is {port.get_status_display()}; only an open port can be nominated."
        ]
    }
    assert not Nomination.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="awards.nomination").exists()


def test_a_unit_outside_the_officers_area_is_refused(world, award_round, port_officer, in_english):
    for nominee, title in (
        (world.nb.units[0], "advanced_unit"),
        (world.gz.units[0], "advanced_unit"),  # same province, another area
        (world.nb.port, "civilized_port"),
        (world.gz.people[0], "advanced_individual"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            create(port_officer, award_round, nominee, title)
        assert errors_of(excinfo) == {
            "nominee": [
                "Ports, units and people are nominated by the port officer of their own area; "
                "this nominee is outside yours."
            ]
        }
    assert not Nomination.objects.exists()


def test_a_port_management_office_is_refused_as_an_advanced_unit(
    world, award_round, port_officer, in_english
):
    office, customs = world.sz.units[1], world.sz.units[0]
    Unit.objects.filter(pk=office.pk).update(agency=Agency.objects.get(code=Agency.PORT_OFFICE))
    Unit.objects.filter(pk=customs.pk).update(agency=Agency.objects.get(code="CUSTOMS"))
    office.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        create(port_officer, award_round, office, "advanced_unit")
    assert errors_of(excinfo) == {
        "nominee": [
            f"{office.name} is a local government port management office: such offices do not "
            "take part in the advanced-unit evaluation; nominate the authority as an organizer."
        ]
    }
    assert not Nomination.objects.exists()
    # A unit of another agency stands as before.
    customs.refresh_from_db()
    create(port_officer, award_round, customs, "advanced_unit")
    assert Nomination.objects.get().unit == customs


def test_an_inactive_unit_or_person_is_refused(world, award_round, port_officer, in_english):
    unit, person = world.sz.units[1], world.sz.people[0]
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as excinfo:
        create(port_officer, award_round, unit, "advanced_unit")
    assert errors_of(excinfo) == {
        "nominee": [f"{unit.name} is no longer active and cannot be nominated."]
    }
    # people[1] works in the now inactive units[1]
    colleague = world.sz.people[1]
    colleague.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        create(port_officer, award_round, colleague, "advanced_individual")
    assert errors_of(excinfo) == {
        "nominee": [f"{colleague.name} works at {unit.name}, which is no longer active."]
    }
    person.is_active = False
    person.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        create(port_officer, award_round, person, "advanced_individual")
    assert not Nomination.objects.exists()


def test_a_nominee_of_the_wrong_kind_for_the_title_is_refused(
    world, award_round, port_officer, in_english
):
    with pytest.raises(ValidationError) as excinfo:
        create(port_officer, award_round, world.sz.port, "advanced_unit")
    assert errors_of(excinfo) == {
        "nominee": ["This nominee does not fit the title: choose one from the list."]
    }


def test_a_port_officer_does_not_nominate_organizers(world, award_round, port_officer, in_english):
    with pytest.raises(ValidationError) as excinfo:
        create(port_officer, award_round, world.sz.authority, "advanced_organizer")
    assert errors_of(excinfo) == {
        "nominee": [
            "Organizers are nominated by the provincial officer of their province or by the "
            "national office."
        ]
    }


def test_a_provincial_officer_nominates_organizers_only(world, award_round, gd_officer, in_english):
    with pytest.raises(ValidationError) as excinfo:
        create(gd_officer, award_round, world.sz.units[0], "advanced_unit")
    assert list(errors_of(excinfo)) == ["nominee"]
    port_level = create(gd_officer, award_round, world.sz.authority, "advanced_organizer")
    assert (port_level.organizer, port_level.authority, port_level.province) == (
        world.sz.authority,
        world.gd,
        world.gd,
    )
    provincial = create(gd_officer, award_round, world.gd, "advanced_organizer")
    assert (provincial.authority, provincial.province) == (world.gd, world.gd)


def test_another_provinces_officer_cannot_nominate_its_organizers(
    world, award_round, zj_officer, in_english
):
    with pytest.raises(ValidationError) as excinfo:
        create(zj_officer, award_round, world.sz.authority, "advanced_organizer")
    assert list(errors_of(excinfo)) == ["nominee"]
    # Granting the Guangdong role makes the same call pass: it failed for the province.
    campaign_services.membership_grant(
        actor=None, user=zj_officer, role=Membership.Role.PROVINCIAL_OFFICER, authority=world.gd
    )
    zj_officer = get_user_model().objects.get(pk=zj_officer.pk)
    assert create(zj_officer, award_round, world.sz.authority, "advanced_organizer").pk


def test_the_national_office_nominates_organizers_but_never_itself(
    world, award_round, national_admin, in_english
):
    nomination = create(national_admin, award_round, world.nb.authority, "advanced_organizer")
    assert (nomination.authority, nomination.province) == (world.zj, world.zj)
    with pytest.raises(ValidationError) as excinfo:
        create(national_admin, award_round, world.national, "advanced_organizer")
    assert errors_of(excinfo) == {
        "nominee": ["Only a provincial or local port authority can be nominated as an organizer."]
    }


def test_a_second_nomination_of_the_same_nominee_is_refused(
    world, award_round, port_officer, in_english
):
    unit = world.sz.units[0]
    first = create(port_officer, award_round, unit, "advanced_unit")
    with pytest.raises(ValidationError) as excinfo:
        create(port_officer, award_round, unit, "advanced_unit")
    assert errors_of(excinfo) == {"nominee": [f"{unit.name} is nominated in this round already."]}
    assert Nomination.objects.count() == 1
    # The unit's staff may still be nominated as people, and after a withdrawal the unit again.
    create(port_officer, award_round, world.sz.people[0], "advanced_individual")
    services.nomination_withdraw(actor=port_officer, nomination=first, reason="材料不全，重新申报")
    assert create(port_officer, award_round, unit, "advanced_unit").pk != first.pk


@pytest.mark.django_db(transaction=True)
def test_two_nominators_racing_for_one_nominee_get_the_same_message(
    world, award_round, port_officer, in_english
):
    # The first nominator's row is written but not committed when the second one checks: the
    # check sees nothing, the insert waits on the unique index, and once the first commits the
    # constraint refuses it; the service reports that as the same message as the check.
    require_postgresql("two connections writing at once; the wait is seen in pg_stat_activity")
    colleague = get_user_model().objects.create_user("sz_officer_2", password="x-horse-battery")
    campaign_services.membership_grant(
        actor=None,
        user=colleague,
        role=Membership.Role.PORT_OFFICER,
        authority=world.sz.authority,
    )
    unit = world.sz.units[0]

    def second():
        with translation.override("en"):
            create(colleague, award_round, unit, "advanced_unit")

    raised = second_waits_for_first(
        lambda: create(port_officer, award_round, unit, "advanced_unit"),
        second,
        what="the second insert to wait on a lock",
    )
    assert raised["first"] is None
    assert isinstance(raised["second"], ValidationError)
    assert raised["second"].message_dict == {
        "nominee": [f"{unit.name} is nominated in this round already."]
    }
    assert Nomination.objects.count() == 1


def test_nominating_is_refused_outside_the_nominating_phase_and_after_the_deadline(
    world, award_round, port_officer, in_english
):
    unit = world.sz.units[0]
    award_round.nominations_due_on = timezone.localdate() - datetime.timedelta(days=1)
    award_round.save(update_fields=["nominations_due_on"])
    due = award_round.nominations_due_on.isoformat()
    with pytest.raises(ValidationError) as excinfo:
        create(port_officer, award_round, unit, "advanced_unit")
    assert errors_of(excinfo) == {"round": [f"Nominations for {award_round.name} closed on {due}."]}
    award_round.nominations_due_on = timezone.localdate()  # the last day is still open
    award_round.save(update_fields=["nominations_due_on"])
    assert create(port_officer, award_round, unit, "advanced_unit").pk
    Round.objects.filter(pk=award_round.pk).update(phase=Round.Phase.PROVINCIAL_REVIEW)
    with pytest.raises(ValidationError) as excinfo:
        create(port_officer, award_round, world.sz.units[1], "advanced_unit")
    assert errors_of(excinfo) == {
        "round": [
            f"The round {award_round.name} is not taking nominations; it is in provincial review."
        ]
    }
    assert Nomination.objects.count() == 1


# --- the dossier ------------------------------------------------------------------------------


def test_deeds_are_stored_as_plain_text_within_the_maximum(
    world, award_round, port_officer, in_english
):
    nomination = create(port_officer, award_round, world.sz.units[0], "advanced_unit")
    services.nomination_update(
        actor=port_officer,
        nomination=nomination,
        deeds="<script>alert(1)</script><p>坚持共建</p>  ",
        summary=" <b>简介</b> ",
    )
    nomination.refresh_from_db()
    assert (nomination.deeds, nomination.summary) == ("坚持共建", "简介")
    with pytest.raises(ValidationError) as excinfo:
        services.nomination_update(
            actor=port_officer,
            nomination=nomination,
            deeds="事" * (Nomination.DEEDS_MAX + 1),
            summary="简" * (Nomination.SUMMARY_MAX + 1),
        )
    assert errors_of(excinfo) == {
        "deeds": [
            f"The deeds are {Nomination.DEEDS_MAX + 1} characters long; at most "
            f"{Nomination.DEEDS_MAX} are allowed."
        ],
        "summary": [
            f"The short deeds are {Nomination.SUMMARY_MAX + 1} characters long; at most "
            f"{Nomination.SUMMARY_MAX} are allowed."
        ],
    }
    nomination.refresh_from_db()
    assert nomination.deeds == "坚持共建"


def test_a_veto_condition_that_applies_needs_an_explanation(
    world, award_round, port_officer, in_english
):
    nomination = create(port_officer, award_round, world.sz.units[0], "advanced_unit")
    first, second, *_rest = conditions(award_round)
    with pytest.raises(ValidationError) as excinfo:
        services.veto_declarations_save(
            actor=port_officer,
            nomination=nomination,
            answers={first.pk: (False, ""), second.pk: (True, "  ")},
        )
    assert errors_of(excinfo) == {
        veto_note_field(second.pk): [
            f"Veto condition {second.code} applies: explain what happened."
        ]
    }
    assert not VetoDeclaration.objects.exists()
    services.veto_declarations_save(
        actor=port_officer,
        nomination=nomination,
        answers={first.pk: (False, ""), second.pk: (True, "2024年发生安全事故")},
    )
    services.veto_declarations_save(
        actor=port_officer, nomination=nomination, answers={second.pk: (False, "已核实不适用")}
    )
    declared = {d.condition_id: (d.applies, d.note) for d in VetoDeclaration.objects.all()}
    assert declared == {first.pk: (False, ""), second.pk: (False, "已核实不适用")}


def test_a_condition_of_another_scheme_is_refused(world, award_round, port_officer, in_english):
    nomination = create(port_officer, award_round, world.sz.units[0], "advanced_unit")
    with pytest.raises(ValidationError) as excinfo:
        services.veto_declarations_save(
            actor=port_officer, nomination=nomination, answers={999999: (False, "")}
        )
    assert errors_of(excinfo) == {
        veto_field(999999): ["This veto condition is not one of the round's scheme."]
    }


def test_the_dossier_save_reports_both_parts_and_writes_neither(
    world, award_round, port_officer, in_english
):
    nomination = create(port_officer, award_round, world.sz.units[0], "advanced_unit")
    condition = conditions(award_round)[0]
    with pytest.raises(ValidationError) as excinfo:
        services.nomination_dossier_save(
            actor=port_officer,
            nomination=nomination,
            deeds="事" * (Nomination.DEEDS_MAX + 1),
            summary="简介",
            answers={condition.pk: (True, "")},
        )
    assert set(errors_of(excinfo)) == {"deeds", veto_note_field(condition.pk)}
    nomination.refresh_from_db()
    assert nomination.summary == "" and not VetoDeclaration.objects.exists()
    # A good deeds part alone is still not written when the declarations fail.
    with pytest.raises(ValidationError):
        services.nomination_dossier_save(
            actor=port_officer,
            nomination=nomination,
            deeds=DEEDS,
            summary="简介",
            answers={condition.pk: (True, "")},
        )
    nomination.refresh_from_db()
    assert nomination.deeds == ""


def test_evidence_is_checked_by_content_and_size(
    world, award_round, port_officer, in_english, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    nomination = create(port_officer, award_round, world.sz.units[0], "advanced_unit")
    evidence = services.evidence_add(
        actor=port_officer, nomination=nomination, upload=pdf(), description="<i>表彰文件</i>"
    )
    assert (evidence.original_name, evidence.content_type, evidence.description) == (
        "证明材料.pdf",
        "application/pdf",
        "表彰文件",
    )
    assert evidence.file.name.endswith(".pdf") and "证明" not in evidence.file.name
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_add(
            actor=port_officer,
            nomination=nomination,
            upload=pdf("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00binary"),
        )
    assert errors_of(excinfo) == {
        "upload": [
            "“report.pdf” is not an accepted file type. Upload a PDF, a JPEG or PNG image, a "
            "Word, Excel or PowerPoint document (DOCX, XLSX, PPTX) or plain UTF-8 text."
        ]
    }
    settings.CIVPORT_UPLOAD_MAX_BYTES = 20
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_add(actor=port_officer, nomination=nomination, upload=pdf("big.pdf"))
    assert list(errors_of(excinfo)) == ["upload"]
    assert "a file may be at most 20\xa0bytes" in errors_of(excinfo)["upload"][0]
    assert NominationEvidence.objects.count() == 1
    assert sorted(p.name for p in tmp_path.rglob("*.*")) == [evidence.file.name.split("/")[-1]]


def test_the_dossier_holds_at_most_its_number_of_files(
    world, award_round, port_officer, in_english, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "EVIDENCE_MAX", 2)
    nomination = create(port_officer, award_round, world.sz.units[0], "advanced_unit")
    for i in range(2):
        services.evidence_add(actor=port_officer, nomination=nomination, upload=pdf(f"{i}.pdf"))
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_add(actor=port_officer, nomination=nomination, upload=pdf("3.pdf"))
    assert errors_of(excinfo) == {
        "upload": ["The dossier has 2 files already; remove one before adding “3.pdf”."]
    }


def test_removing_evidence_deletes_the_file_after_commit(
    world, award_round, port_officer, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    nomination = create(port_officer, award_round, world.sz.units[0], "advanced_unit")
    evidence = services.evidence_add(actor=port_officer, nomination=nomination, upload=pdf())
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(actor=port_officer, evidence=evidence)
    assert not NominationEvidence.objects.exists()
    assert not list(tmp_path.rglob("*.pdf"))
    assert AuditEntry.objects.filter(action="awards.nomination.evidence_removed").exists()


def test_a_submitted_dossier_is_locked(world, award_round, port_officer, in_english):
    nomination = ready_draft(port_officer, award_round, world.sz.units[0], "advanced_unit")
    services.nomination_submit(actor=port_officer, nomination=nomination, opinion="同意推荐")
    with pytest.raises(ValidationError) as excinfo:
        services.nomination_update(
            actor=port_officer, nomination=nomination, deeds=DEEDS, summary="改"
        )
    assert excinfo.value.messages == [
        "This nomination is submitted; its dossier can no longer be changed."
    ]
    with pytest.raises(ValidationError):
        services.evidence_add(actor=port_officer, nomination=nomination, upload=pdf())


# --- submission -------------------------------------------------------------------------------


def test_submit_snapshots_the_names_and_writes_the_ports_opinion(world, award_round, port_officer):
    person = world.sz.people[0]
    nomination = ready_draft(port_officer, award_round, person, "advanced_individual")
    person.position = "科长"
    person.name = "张三"
    person.save(update_fields=["position", "name"])
    services.nomination_submit(actor=port_officer, nomination=nomination, opinion=" 同意推荐 ")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert (nomination.nominee_name, nomination.nominee_unit_name, nomination.nominee_detail) == (
        "张三",
        person.unit.name,
        "科长",
    )
    assert nomination.submitted_by == port_officer and nomination.submitted_at
    opinion = Opinion.objects.get(nomination=nomination)
    assert (opinion.level, opinion.authority, opinion.author, opinion.text) == (
        Opinion.Level.PORT,
        world.sz.authority,
        port_officer,
        "同意推荐",
    )
    assert AuditEntry.objects.filter(action="awards.nomination.submitted").count() == 1
    # Renaming the person later leaves the submitted snapshot as it was.
    person.name = "李四"
    person.save(update_fields=["name"])
    nomination.refresh_from_db()
    assert nomination.nominee_name == "张三"


def test_an_organizer_is_submitted_with_the_provinces_opinion(world, award_round, gd_officer):
    nomination = ready_draft(gd_officer, award_round, world.sz.authority, "advanced_organizer")
    services.nomination_submit(actor=gd_officer, nomination=nomination, opinion="同意推荐")
    opinion = Opinion.objects.get(nomination=nomination)
    assert (opinion.level, opinion.authority) == (Opinion.Level.PROVINCE, world.gd)


def test_submit_after_the_deadline_is_refused_with_the_date(
    world, award_round, port_officer, in_english
):
    nomination = ready_draft(port_officer, award_round, world.sz.units[0], "advanced_unit")
    Round.objects.filter(pk=award_round.pk).update(
        nominations_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    due = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError) as excinfo:
        services.nomination_submit(actor=port_officer, nomination=nomination, opinion="同意推荐")
    assert errors_of(excinfo) == {"round": [f"Nominations for {award_round.name} closed on {due}."]}
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DRAFT and nomination.submitted_at is None
    assert not Opinion.objects.exists()


def test_submit_names_everything_missing_and_writes_nothing(
    world, award_round, port_officer, in_english
):
    nomination = create(port_officer, award_round, world.sz.units[0], "advanced_unit")
    services.nomination_update(
        actor=port_officer, nomination=nomination, deeds="事迹太短", summary=""
    )
    first, second, third = conditions(award_round)
    services.veto_declarations_save(
        actor=port_officer,
        nomination=nomination,
        answers={first.pk: (False, ""), second.pk: (True, "发生重大安全事故")},
    )
    with pytest.raises(ValidationError) as excinfo:
        services.nomination_submit(actor=port_officer, nomination=nomination, opinion="")
    assert errors_of(excinfo) == {
        "deeds": [f"The deeds are 4 characters long; write at least {Nomination.DEEDS_MIN}."],
        "summary": ["Write the short deeds shown in the public notice."],
        veto_field(second.pk): [
            f"Veto condition {second.code} applies ({second.text}); the nomination cannot be "
            "submitted."
        ],
        veto_field(third.pk): [f"Declare whether veto condition {third.code} applies."],
        "opinion": [f"Write the opinion of {world.sz.authority.name}."],
    }
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DRAFT
    assert not Opinion.objects.exists()


def test_a_unit_contact_prepares_but_cannot_submit(
    world, award_round, port_officer, unit_contact, gd_officer
):
    nomination = create(port_officer, award_round, world.sz.units[0], "advanced_unit")
    services.nomination_update(actor=unit_contact, nomination=nomination, deeds=DEEDS, summary="简")
    services.veto_declarations_save(
        actor=unit_contact, nomination=nomination, answers=all_clear(award_round)
    )
    for actor in (unit_contact, gd_officer):
        with pytest.raises(PermissionDenied):
            services.nomination_submit(actor=actor, nomination=nomination, opinion="同意")
    nomination.refresh_from_db()
    assert nomination.is_draft
    services.nomination_submit(actor=port_officer, nomination=nomination, opinion="同意")


def test_a_second_submit_is_refused(world, award_round, port_officer, in_english):
    nomination = ready_draft(port_officer, award_round, world.sz.units[0], "advanced_unit")
    services.nomination_submit(actor=port_officer, nomination=nomination, opinion="同意")
    with pytest.raises(ValidationError) as excinfo:
        services.nomination_submit(actor=port_officer, nomination=nomination, opinion="再次")
    assert excinfo.value.messages == ["This nomination is submitted already."]
    assert Opinion.objects.get().text == "同意"


# --- withdrawal -------------------------------------------------------------------------------


def test_withdrawal_needs_a_reason_and_is_final(world, award_round, port_officer, in_english):
    nomination = ready_draft(port_officer, award_round, world.sz.units[0], "advanced_unit")
    with pytest.raises(ValidationError) as excinfo:
        services.nomination_withdraw(actor=port_officer, nomination=nomination, reason=" ")
    assert errors_of(excinfo) == {"reason": ["Give the reason for the withdrawal."]}
    services.nomination_withdraw(actor=port_officer, nomination=nomination, reason="单位撤回")
    nomination.refresh_from_db()
    assert (nomination.status, nomination.withdrawn_reason) == ("withdrawn", "单位撤回")
    with pytest.raises(ValidationError) as excinfo:
        services.nomination_withdraw(actor=port_officer, nomination=nomination, reason="再次")
    assert excinfo.value.messages == ["This nomination is withdrawn and cannot be withdrawn."]


def test_after_the_provinces_choice_only_the_office_withdraws(
    world, award_round, make_nomination, port_officer, national_admin, in_english
):
    nomination = make_nomination(award_round, world.sz.units[0], status="recommended")
    with pytest.raises(ValidationError) as excinfo:
        services.nomination_withdraw(actor=port_officer, nomination=nomination, reason="撤回")
    assert excinfo.value.messages == [
        "The province has made its choice; only the national office can withdraw the "
        "nomination now."
    ]
    services.nomination_withdraw(
        actor=national_admin, nomination=nomination, reason="异议属实", by_office=True
    )
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN
