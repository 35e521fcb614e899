"""The public notice's services: filing an objection (only to a candidate on notice, only while
the notice runs, with contact details, as plain text) and resolving it once (upheld → the
nomination is withdrawn with the resolution as its reason; dismissed → nothing else changes).

The fixtures `notice_round` and `candidates` are shared with the other test_notice_* modules
(imported there under their function names)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from awards.models import Nomination, Objection, Round
from awards.selectors.notice import notice_candidate_groups, notice_is_open, open_objections
from awards.services.notice import objection_file, objection_resolve
from civport.models import AuditEntry
from civport.notifications import local_today

TEXT = "该单位在评选材料中虚报了获奖情况，请核实。"


@pytest.fixture(name="notice_round")
def notice_round_fixture(award_round):
    """The round in its public notice, which opened yesterday and runs five more days."""
    today = local_today()
    Round.objects.filter(pk=award_round.pk).update(
        phase=Round.Phase.PUBLIC_NOTICE,
        notice_starts_on=today - datetime.timedelta(days=1),
        notice_ends_on=today + datetime.timedelta(days=5),
    )
    award_round.refresh_from_db()
    return award_round


@pytest.fixture(name="candidates")
def candidates_fixture(world, notice_round, make_nomination):
    """Eighteen candidates: the three ports, six units and nine people of the world."""
    nominees = [
        *(area.port for area in (world.sz, world.gz, world.nb)),
        *(unit for area in (world.sz, world.gz, world.nb) for unit in area.units),
        *(person for area in (world.sz, world.gz, world.nb) for person in area.people),
    ]
    return [
        make_nomination(notice_round, nominee, status=Nomination.Status.CANDIDATE)
        for nominee in nominees
    ]


def file(nomination, **fields):
    values = {
        "name": "张三",
        "phone": "0755-1234 5678",
        "email": "",
        "organisation": "",
        "text": TEXT,
    }
    return objection_file(nomination=nomination, **(values | fields))


# --- filing -----------------------------------------------------------------------------------


def test_an_objection_is_filed_as_plain_text_and_audited_without_an_actor(candidates):
    objection = file(
        candidates[0],
        name="<b>张三</b>",
        text=f"<script>alert(1)</script>{TEXT}",
        organisation="深圳某公司",
        email="zhang@example.com",
    )
    assert objection.status == Objection.Status.OPEN
    assert objection.name == "张三"
    assert objection.text == TEXT
    assert objection.phone == "0755-1234 5678"
    entry = AuditEntry.objects.get(action="awards.objection.filed")
    assert entry.actor is None
    assert entry.changes["nomination"] == candidates[0].pk
    # The filer's contact details are kept on the objection only.
    assert "张三" not in str(entry.changes)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("phone", ""),
        ("phone", "call me maybe"),
        ("phone", "12345"),
        ("email", "not-an-address"),
        ("text", "太短"),
        ("text", "长" * 3001),
    ],
)
def test_bad_contact_or_text_is_refused_on_its_field(candidates, in_english, field, value):
    with pytest.raises(ValidationError) as refused:
        file(candidates[0], **{field: value})
    assert list(refused.value.error_dict) == [field]
    assert not Objection.objects.exists()


def test_only_a_candidate_on_notice_can_be_objected_to(
    candidates, notice_round, make_nomination, world, in_english
):
    submitted = make_nomination(notice_round, world.gd, status=Nomination.Status.SUBMITTED)
    with pytest.raises(ValidationError) as refused:
        file(submitted)
    assert refused.value.message_dict == {
        "nomination": ["Choose one of the candidates of the public notice."]
    }
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        (2, 8, "The public notice opens on"),
        (-8, -2, "The public notice ended on"),
    ],
)
def test_outside_the_notice_period_nothing_is_filed(
    candidates, notice_round, in_english, starts, ends, message
):
    today = local_today()
    Round.objects.filter(pk=notice_round.pk).update(
        notice_starts_on=today + datetime.timedelta(days=starts),
        notice_ends_on=today + datetime.timedelta(days=ends),
    )
    with pytest.raises(ValidationError) as refused:
        file(candidates[0])
    assert refused.value.code == "refused"
    assert refused.value.messages[0].startswith(message)
    assert not Objection.objects.exists()


def test_the_last_day_of_the_notice_still_takes_objections(candidates, notice_round):
    today = local_today()
    Round.objects.filter(pk=notice_round.pk).update(notice_ends_on=today)
    notice_round.refresh_from_db()
    assert notice_is_open(notice_round, today)
    assert not notice_is_open(notice_round, today + datetime.timedelta(days=1))
    file(candidates[0])


def test_a_round_past_its_notice_phase_takes_no_objection(candidates, notice_round, in_english):
    Round.objects.filter(pk=notice_round.pk).update(phase=Round.Phase.DECIDED)
    with pytest.raises(ValidationError) as refused:
        file(candidates[0])
    assert "nomination" in refused.value.message_dict


# --- resolving --------------------------------------------------------------------------------


def test_upheld_objection_withdraws_the_nomination_with_its_reason(
    candidates, national_admin, notice_round
):
    target = candidates[3]
    objection = file(target)
    objection_resolve(
        actor=national_admin, objection=objection, uphold=True, resolution="经核实，情况属实。"
    )
    objection.refresh_from_db()
    target.refresh_from_db()
    assert objection.status == Objection.Status.UPHELD
    assert objection.resolved_by == national_admin
    assert objection.resolved_at is not None
    assert target.status == Nomination.Status.WITHDRAWN
    assert "经核实，情况属实。" in target.withdrawn_reason
    shown = [
        c.pk
        for g in notice_candidate_groups(notice_round)
        for p in g.provinces
        for c in p.candidates
    ]
    assert target.pk not in shown
    assert len(shown) == len(candidates) - 1
    resolved = AuditEntry.objects.get(action="awards.objection.resolved")
    assert resolved.changes["status"] == ["open", "upheld"]
    assert resolved.changes["withdrawn"] is True
    assert AuditEntry.objects.filter(action="awards.nomination.withdrawn").count() == 1
    assert not open_objections(notice_round).exists()


def test_dismissed_objection_changes_nothing_else(candidates, national_admin):
    target = candidates[0]
    objection = file(target)
    objection_resolve(
        actor=national_admin, objection=objection, uphold=False, resolution="反映情况不实。"
    )
    objection.refresh_from_db()
    target.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED
    assert objection.resolution == "反映情况不实。"
    assert target.status == Nomination.Status.CANDIDATE
    assert not AuditEntry.objects.filter(action="awards.nomination.withdrawn").exists()


def test_an_objection_is_resolved_once(candidates, national_admin, in_english):
    objection = file(candidates[0])
    objection_resolve(actor=national_admin, objection=objection, uphold=False, resolution="不实")
    with pytest.raises(ValidationError) as refused:
        objection_resolve(actor=national_admin, objection=objection, uphold=True, resolution="属实")
    assert refused.value.messages[0].startswith("This objection was already dismissed on ")
    objection.refresh_from_db()
    candidates[0].refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED
    assert candidates[0].status == Nomination.Status.CANDIDATE
    assert AuditEntry.objects.filter(action="awards.objection.resolved").count() == 1


def test_the_resolution_is_required(candidates, national_admin, in_english):
    objection = file(candidates[0])
    with pytest.raises(ValidationError) as refused:
        objection_resolve(
            actor=national_admin, objection=objection, uphold=True, resolution=" <p></p> "
        )
    assert refused.value.message_dict == {"resolution": ["Write the resolution of the objection."]}
    objection.refresh_from_db()
    candidates[0].refresh_from_db()
    assert objection.status == Objection.Status.OPEN
    assert candidates[0].status == Nomination.Status.CANDIDATE


def test_a_second_objection_to_a_withdrawn_candidate_can_still_be_upheld(
    candidates, national_admin
):
    first, second = file(candidates[0]), file(candidates[0], name="李四")
    objection_resolve(actor=national_admin, objection=first, uphold=True, resolution="属实")
    objection_resolve(actor=national_admin, objection=second, uphold=True, resolution="同上")
    second.refresh_from_db()
    assert second.status == Objection.Status.UPHELD
    assert AuditEntry.objects.filter(action="awards.nomination.withdrawn").count() == 1
    assert (
        AuditEntry.objects.get(
            action="awards.objection.resolved", object_id=str(second.pk)
        ).changes["withdrawn"]
        is False
    )


def test_an_awarded_nomination_is_not_withdrawn_by_an_objection(
    candidates, national_admin, in_english
):
    objection = file(candidates[0])
    Nomination.objects.filter(pk=candidates[0].pk).update(status=Nomination.Status.AWARDED)
    with pytest.raises(ValidationError) as refused:
        objection_resolve(actor=national_admin, objection=objection, uphold=True, resolution="属实")
    assert refused.value.messages == ["This nomination is awarded and cannot be withdrawn."]
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN
