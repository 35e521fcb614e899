"""Creating and editing a round, and its quotas: the checks of the services, with the field
each refusal names, and nothing written when refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessments.models import Review
from assessments.services.schemes import scheme_derive
from awards.models import Quota, Round, Title
from awards.services import rounds as round_services
from civport.models import AuditEntry
from tests.awards.rounds_support import days, set_phase


@pytest.fixture
def values(template):
    return {
        "code": "2027-2028",
        "name": "2027—2028年度全国共建文明口岸评比",
        "start_year": 2027,
        "end_year": 2028,
        "scheme": template,
        "nominations_due_on": days(30),
        "provincial_review_due_on": days(60),
        "national_review_due_on": days(90),
    }


def test_round_create_makes_a_draft_with_an_audit_entry(national_admin, values):
    round = round_services.round_create(actor=national_admin, **values)
    assert round.phase == Round.Phase.DRAFT
    assert round.years_label == "2027—2028年度"
    entry = AuditEntry.objects.get(action="awards.round.created", object_id=str(round.pk))
    assert entry.changes["code"] == "2027-2028" and entry.actor == national_admin
    # Its reviews come with nominations, not before.
    assert not Review.objects.filter(round_key=round.review_key).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"end_year": 2029},
            "end_year",
            "A round covers two consecutive years, such as 2025—2026; the last year is 2028.",
        ),
        (
            {"provincial_review_due_on": days(10)},
            "provincial_review_due_on",
            "The provincial review must be due after the nominations.",
        ),
        (
            {"national_review_due_on": days(60)},
            "national_review_due_on",
            "The national review must be due after the provincial review.",
        ),
    ],
)
def test_round_create_refuses_bad_values(
    national_admin, values, in_english, change, field, message
):
    with pytest.raises(ValidationError) as caught:
        round_services.round_create(actor=national_admin, **(values | change))
    assert caught.value.message_dict[field] == [message]
    assert not Round.objects.exists()
    # The same round with good values is made, so the refusal was for the value.
    round_services.round_create(actor=national_admin, **values)
    assert Round.objects.count() == 1


def test_round_create_needs_a_scheme(national_admin, values, in_english):
    values.pop("scheme")
    with pytest.raises(ValidationError) as caught:
        round_services.round_create(actor=national_admin, **values)
    assert caught.value.message_dict == {"scheme": ["This field cannot be null."]}


def test_round_create_refuses_overlapping_years(national_admin, values, award_round, in_english):
    with pytest.raises(ValidationError) as caught:
        round_services.round_create(
            actor=national_admin,
            **(values | {"code": "2026-2027", "start_year": 2026, "end_year": 2027}),
        )
    assert caught.value.message_dict["start_year"] == [
        f"The round “{award_round.name}” already covers these years."
    ]


def test_round_create_refuses_a_draft_or_provincial_scheme(
    national_admin, values, template, world, in_english
):
    province_scheme = scheme_derive(actor=None, template=template, authority=world.gd)
    with pytest.raises(ValidationError) as caught:
        round_services.round_create(actor=national_admin, **(values | {"scheme": province_scheme}))
    assert caught.value.message_dict["scheme"] == [
        f"Choose a published scheme; “{province_scheme}” is a draft."
    ]
    province_scheme.status = "published"
    province_scheme.save(update_fields=["status"])
    with pytest.raises(ValidationError) as caught:
        round_services.round_create(actor=national_admin, **(values | {"scheme": province_scheme}))
    assert caught.value.message_dict["scheme"] == [
        f"Choose a national scheme; “{province_scheme}” belongs to {world.gd.name}."
    ]


def test_round_save_changes_and_audits(national_admin, values):
    round = round_services.round_create(actor=national_admin, **values)
    saved = round_services.round_save(
        actor=national_admin, round=round, name=" 新名称 ", notice_working_days=7
    )
    assert (saved.name, saved.notice_working_days) == ("新名称", 7)
    entry = AuditEntry.objects.get(action="awards.round.updated", object_id=str(round.pk))
    assert entry.changes == {
        "name": [values["name"], "新名称"],
        "notice_working_days": [5, 7],
    }
    # Saving the same values again writes nothing.
    round_services.round_save(actor=national_admin, round=round, name="新名称")
    assert AuditEntry.objects.filter(action="awards.round.updated").count() == 1


def test_round_save_refuses_what_the_phase_has_closed(national_admin, award_round, in_english):
    with pytest.raises(ValidationError) as caught:
        round_services.round_save(
            actor=national_admin, round=award_round, code="2025-2026b", reviewers_per_nomination=5
        )
    message = "This can no longer be changed: the round is in its nominating phase."
    assert caught.value.message_dict == {"code": [message], "reviewers_per_nomination": [message]}
    award_round.refresh_from_db()
    assert award_round.code == "2025-2026" and award_round.reviewers_per_nomination == 3


def test_round_save_moves_the_reviews_due_dates(national_admin, award_round, world):
    later = award_round.provincial_review_due_on + datetime.timedelta(days=7)
    round_services.round_save(
        actor=national_admin, round=award_round, provincial_review_due_on=later
    )
    dates = dict(
        Review.objects.filter(round_key=award_round.review_key).values_list(
            "authority_id", "due_on"
        )
    )
    assert dates == {
        world.gd.pk: later,
        world.zj.pk: later,
        world.national.pk: award_round.national_review_due_on,
    }


def test_round_save_keeps_due_dates_once_under_way(national_admin, award_round, in_english):
    with pytest.raises(ValidationError) as caught:
        round_services.round_save(actor=national_admin, round=award_round, nominations_due_on=None)
    assert caught.value.message_dict == {
        "nominations_due_on": ["A round under way keeps its due dates."]
    }


# --- quotas ----------------------------------------------------------------------------------


def test_quota_set_creates_changes_and_audits(national_admin, award_round, world):
    row = round_services.quota_set(
        actor=national_admin, round=award_round, province=world.gd, title="advanced_unit", quota=5
    )
    assert row.quota == 5
    assert Quota.objects.filter(round=award_round, province=world.gd).count() == 4
    entry = AuditEntry.objects.get(action="awards.quota.set", object_id=str(row.pk))
    assert entry.changes["quota"] == [2, 5]
    fresh = round_services.quota_set(
        actor=national_admin,
        round=award_round,
        province=world.gd,
        title=Title.CIVILIZED_PORT,
        quota=0,
    )
    assert fresh.quota == 0


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        ({"quota": -1}, {"quota": ["A quota is a whole number from 0 to 999."]}),
        ({"quota": 1000}, {"quota": ["A quota is a whole number from 0 to 999."]}),
        ({"title": "best_port"}, {"title": ["Choose one of the four titles."]}),
        ({"province": "port"}, {"province": ["Choose a provincial authority."]}),
    ],
)
def test_quota_set_refuses_bad_input(
    national_admin, award_round, world, in_english, kwargs, errors
):
    arguments = {"province": world.zj, "title": "advanced_unit", "quota": 3} | kwargs
    if arguments["province"] == "port":
        arguments["province"] = world.nb.authority
    with pytest.raises(ValidationError) as caught:
        round_services.quota_set(actor=national_admin, round=award_round, **arguments)
    assert caught.value.message_dict == errors
    assert Quota.objects.get(round=award_round, province=world.zj, title="advanced_unit").quota == 1


def test_quotas_are_closed_once_the_provinces_choose(
    national_admin, award_round, world, in_english
):
    set_phase(award_round, Round.Phase.PROVINCIAL_REVIEW)
    with pytest.raises(ValidationError) as caught:
        round_services.quota_set(
            actor=national_admin,
            round=award_round,
            province=world.gd,
            title="advanced_unit",
            quota=9,
        )
    assert caught.value.message_dict == {
        "quota": [
            "Quotas can be changed while the round is in draft or nominating only; it is in its "
            "provincial review phase."
        ]
    }
    quota = Quota.objects.get(round=award_round, province=world.gd, title="advanced_unit")
    with pytest.raises(ValidationError):
        round_services.quota_delete(actor=national_admin, quota=quota)
    assert quota.quota == 2 and Quota.objects.filter(pk=quota.pk).exists()


def test_quota_delete(national_admin, award_round, world):
    quota = Quota.objects.get(round=award_round, province=world.gd, title="advanced_unit")
    pk = quota.pk
    round_services.quota_delete(actor=national_admin, quota=quota)
    assert not Quota.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action="awards.quota.deleted", object_id=str(pk)).exists()


def test_due_dates_in_the_past_are_warned_only_for_phases_ahead(award_round, in_english):
    Round.objects.filter(pk=award_round.pk).update(
        nominations_due_on=days(-10),
        provincial_review_due_on=days(-1),
        national_review_due_on=days(0),
    )
    award_round.refresh_from_db()

    warnings = round_services.round_dates_warnings(award_round)
    assert warnings == [
        f"Nominations due on ({days(-10).isoformat()}) is in the past.",
        f"Provincial review due on ({days(-1).isoformat()}) is in the past.",
    ]

    set_phase(award_round, Round.Phase.PROVINCIAL_REVIEW)
    assert round_services.round_dates_warnings(award_round) == [warnings[1]]
    set_phase(award_round, Round.Phase.NATIONAL_REVIEW)
    assert round_services.round_dates_warnings(award_round) == []
    assert round_services.round_dates_warnings(award_round, on=days(1)) == [
        f"National review due on ({days(0).isoformat()}) is in the past."
    ]
